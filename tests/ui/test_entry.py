"""Typing into the forms: live figures, validation, paste, undo, autosave."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.domain.numbers import Kind, format_score, parse_number
from app.ui.issues_panel import IssuesPanel
from app.ui.session import Session
from app.ui.tabs import BasicTab, SelfEvalTab
from tests.ui.helpers import cell_text, key, select, type_text


def test_control_rate_follows_staff_cells(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = BasicTab(session)
    qtbot.addWidget(tab)
    tab.show()
    select(tab.view, "basic.staff.authorized")
    type_text(tab.view, "120")
    select(tab.view, "basic.staff.actual")
    type_text(tab.view, "90")
    assert cell_text(tab.view, "basic.control_rate") == "75.00%"
    type_text_at(tab.view, "basic.staff.authorized", "90")
    assert cell_text(tab.view, "basic.control_rate") == "100.00%"
    saved = reopen()
    assert (saved.basic.staff.authorized, saved.basic.staff.actual) == ("90", "90")


def type_text_at(view, path: str, text: str) -> None:  # type: ignore[no-untyped-def]
    select(view, path)
    type_text(view, text)


def test_enter_moves_down_and_tab_moves_right(qtbot: QtBot, db, pid) -> None:
    tab = BasicTab(Session(db, pid))
    qtbot.addWidget(tab)
    tab.show()
    select(tab.view, "basic.funds.vehicle_purchase.prior")
    start = tab.view.currentIndex()
    type_text(tab.view, "1")
    assert (tab.view.currentIndex().row(), tab.view.currentIndex().column()) == (start.row() + 1, start.column())
    type_text(tab.view, "2", end=Qt.Key.Key_Tab)
    span = tab.model().cell(start).col_span  # the money columns of 附件1 are two grid columns wide
    assert tab.view.currentIndex().column() == start.column() + span
    assert cell_text(tab.view, "basic.funds.vehicle.prior") == "3.00"


def test_execution_rate_and_score_follow_executed(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = SelfEvalTab(session)
    qtbot.addWidget(tab)
    tab.show()
    full_year = parse_number(session.packet.self_eval.budget_full_year, Kind.MONEY).value
    weight = parse_number(session.packet.self_eval.weight, Kind.SCORE).value
    assert full_year and weight
    executed = full_year * Decimal("0.8")
    type_text_at(tab.view, "self_eval.executed", f"{executed}")
    assert cell_text(tab.view, "self_eval.execution_rate") == "80.00%"
    assert cell_text(tab.view, "self_eval.execution_score") == format_score(weight * Decimal("0.8"))
    type_text_at(tab.view, "self_eval.executed", f"{full_year}")
    assert cell_text(tab.view, "self_eval.execution_rate") == "100.00%"
    assert cell_text(tab.view, "self_eval.execution_score") == format_score(weight)
    assert reopen().self_eval.executed == f"{full_year}"


def test_invalid_money_is_marked_and_kept_as_typed(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = SelfEvalTab(session)
    panel = IssuesPanel(session, lambda issue: None)
    qtbot.addWidget(tab)
    qtbot.addWidget(panel)
    tab.show()
    type_text_at(tab.view, "self_eval.executed", "abc")
    assert cell_text(tab.view, "self_eval.executed") == "abc"
    assert cell_text(tab.view, "self_eval.execution_rate") == "——"
    messages = [panel.topLevelItem(i).text(1) for i in range(panel.topLevelItemCount())]
    expected = parse_number("abc", Kind.MONEY).error
    assert expected and any(expected in m for m in messages)
    model = tab.model()
    pos = model.grid.position_of("self_eval.executed")
    assert pos is not None
    assert expected in str(model.data(model.index(*pos), Qt.ItemDataRole.ToolTipRole))
    assert reopen().self_eval.executed == "abc"


def test_add_indicator_updates_total_and_panel(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = SelfEvalTab(session)
    jumped = []
    panel = IssuesPanel(session, jumped.append)
    qtbot.addWidget(tab)
    qtbot.addWidget(panel)
    tab.show()
    before_total = session.evaluation.computed.value("self_eval.total_score")
    before_weights = session.evaluation.computed.value("self_eval.weight_total")
    assert before_total is not None and before_weights is not None
    n = len(session.packet.self_eval.indicators)
    select(tab.view, "self_eval.indicators[0].name")
    qtbot.mouseClick(tab.add_indicator_button, Qt.MouseButton.LeftButton)
    assert len(session.packet.self_eval.indicators) == n + 1
    new = session.packet.self_eval.indicators[1]
    assert new.level1 == session.packet.self_eval.indicators[0].level1
    type_text_at(tab.view, "self_eval.indicators[1].name", "新增培训人次")
    type_text_at(tab.view, "self_eval.indicators[1].weight", "5")
    type_text_at(tab.view, "self_eval.indicators[1].score", "3")
    assert cell_text(tab.view, "self_eval.total_score") == format_score(before_total + 3)
    assert cell_text(tab.view, "self_eval.weight_total") == format_score(before_weights + 5)
    found = [
        panel.topLevelItem(i)
        for i in range(panel.topLevelItemCount())
        if "self_eval.indicators[1].score" in panel.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole).cells
    ]
    assert found, "the new row's score below its weight without a reason is reported"
    assert any(item.data(0, Qt.ItemDataRole.UserRole).code == "missing_deviation_reason" for item in found)
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=panel.visualItemRect(found[0]).center())
    assert jumped and "self_eval.indicators[1].score" in jumped[0].cells
    saved = reopen()
    assert saved.self_eval.indicators[1].name == "新增培训人次"
    assert len(saved.self_eval.indicators) == n + 1


def test_paste_block_and_undo(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = BasicTab(session)
    qtbot.addWidget(tab)
    tab.show()
    rows = ("vehicle_purchase", "vehicle_operation", "overseas")
    old = {r: [getattr(session.packet.basic.funds[r], c) for c in ("prior", "budget", "actual")] for r in rows}
    select(tab.view, "basic.funds.vehicle_purchase.prior")
    QGuiApplication.clipboard().setText("1\t2\t3\r\n4\t5\t6\r\n7\t8\t9\r\n")
    key(tab.view, Qt.Key.Key_V, modifiers=Qt.KeyboardModifier.ControlModifier)
    assert [session.packet.basic.funds[r].actual for r in rows] == ["3", "6", "9"]
    assert cell_text(tab.view, "basic.funds.vehicle.prior") == "5.00"
    assert cell_text(tab.view, "basic.funds.vehicle.actual") == "9.00"
    assert len(session.undo_stack) == 1, "a paste is one undo step"
    assert reopen().basic.funds["overseas"].budget == "8"
    assert session.undo()
    assert {r: [getattr(session.packet.basic.funds[r], c) for c in ("prior", "budget", "actual")] for r in rows} == old
    saved = reopen()
    assert {r: [getattr(saved.basic.funds[r], c) for c in ("prior", "budget", "actual")] for r in rows} == old
    assert session.redo()
    assert reopen().basic.funds["overseas"].budget == "8"


def test_delete_on_a_computed_cell_clears_the_stated_figure(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = BasicTab(session)
    qtbot.addWidget(tab)
    tab.show()
    assert session.packet.basic.staff.control_rate  # seed 000 states 控制率 (and it disagrees)
    mismatch = [i for i in session.evaluation.issues if "basic.staff.control_rate" in i.cells]
    assert mismatch
    model = tab.model()
    pos = model.grid.position_of("basic.control_rate")
    assert pos is not None
    assert "原填报值" in str(model.data(model.index(*pos), Qt.ItemDataRole.ToolTipRole))
    tab.view.go_to(*pos)
    key(tab.view, Qt.Key.Key_Delete)
    assert session.packet.basic.staff.control_rate is None
    assert not [i for i in session.evaluation.issues if "basic.staff.control_rate" in i.cells]
    assert cell_text(tab.view, "basic.control_rate") == session.evaluation.computed.text("basic.control_rate")
    assert reopen().basic.staff.control_rate is None


def test_copy_gives_a_tab_separated_block(qtbot: QtBot, db, pid) -> None:
    session = Session(db, pid)
    tab = BasicTab(session)
    qtbot.addWidget(tab)
    tab.show()
    model = tab.model()
    first = model.grid.position_of("basic.funds.vehicle_purchase.prior")
    last = model.grid.position_of("basic.funds.vehicle_operation.actual")
    assert first is not None and last is not None
    selection = QItemSelection(model.index(*first), model.index(*last))
    tab.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    key(tab.view, Qt.Key.Key_C, modifiers=Qt.KeyboardModifier.ControlModifier)
    funds = session.packet.basic.funds
    expected = "\n".join(
        "\t".join(
            "" if getattr(funds[row], col) is None else str(getattr(funds[row], col))
            for col in ("prior", "budget", "actual")
        )
        for row in ("vehicle_purchase", "vehicle_operation")
    )
    assert QGuiApplication.clipboard().text() == expected


def test_negative_head_count_is_marked_with_the_parser_message(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = BasicTab(session)
    qtbot.addWidget(tab)
    tab.show()
    type_text_at(tab.view, "basic.staff.actual", "-3")
    error = parse_number("-3", Kind.COUNT).error
    assert error
    mine = [i for i in session.evaluation.errors if "basic.staff.actual" in i.cells and error in i.message]
    assert mine
    model = tab.model()
    pos = model.grid.position_of("basic.staff.actual")
    assert pos is not None
    assert error in str(model.data(model.index(*pos), Qt.ItemDataRole.ToolTipRole))
    assert cell_text(tab.view, "basic.control_rate") == "——"
    assert reopen().basic.staff.actual == "-3"  # a draft may hold errors: saved as typed


def test_paragraph_cells_take_several_lines(qtbot: QtBot, db, pid, reopen) -> None:
    session = Session(db, pid)
    tab = SelfEvalTab(session)
    qtbot.addWidget(tab)
    tab.show()
    before = session.packet.self_eval.targets[0].expected
    select(tab.view, "self_eval.targets[0].expected")
    key(tab.view, Qt.Key.Key_unknown, "甲")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QPlainTextEdit)
    key(editor, Qt.Key.Key_Return)  # a new line, not the end of the edit
    key(editor, Qt.Key.Key_unknown, "乙")
    key(editor, Qt.Key.Key_Tab)
    assert session.packet.self_eval.targets[0].expected == f"{before}甲\n乙"
    assert reopen().self_eval.targets[0].expected == f"{before}甲\n乙"


def test_arrow_keys_commit_and_move_like_excel(qtbot: QtBot, db, pid) -> None:
    session = Session(db, pid)
    tab = BasicTab(session)
    qtbot.addWidget(tab)
    tab.show()
    select(tab.view, "basic.funds.overseas.budget")
    start = tab.view.currentIndex()
    type_text(tab.view, "12.5", end=Qt.Key.Key_Down)
    assert session.packet.basic.funds["overseas"].budget == "12.5"
    assert tab.view.currentIndex().row() == start.row() + 1
    key(tab.view, Qt.Key.Key_Up)
    key(tab.view, Qt.Key.Key_Right)
    span = tab.model().cell(start).col_span
    assert (tab.view.currentIndex().row(), tab.view.currentIndex().column()) == (start.row(), start.column() + span)


def test_indicator_menu_adds_under_the_chosen_level2(qtbot: QtBot, db, pid) -> None:
    session = Session(db, pid)
    tab = SelfEvalTab(session)
    qtbot.addWidget(tab)
    menu = tab.add_indicator_button.menu()
    assert menu is not None
    benefit = next(a.menu() for a in menu.actions() if a.menu() is not None and "效益指标" in a.text())
    action = next(a for a in benefit.actions() if a.text() == "社会效益指标")
    inds = session.packet.self_eval.indicators
    last = max(i for i, ind in enumerate(inds) if (ind.level1, ind.level2) == ("效益指标", "社会效益指标"))
    n = len(inds)
    action.trigger()
    inds = session.packet.self_eval.indicators
    assert len(inds) == n + 1
    assert (inds[last + 1].level1, inds[last + 1].level2, inds[last + 1].name) == ("效益指标", "社会效益指标", "")
    assert tab.view.currentIndex().row() == tab.model().grid.position_of(f"self_eval.indicators[{last + 1}].name")[0]
