"""Keyboard entry that cannot lose a keystroke: Tab through every grid of every tab with real key events.

Each test types a distinct value into every input cell of a grid, pressing Tab (or Shift+Tab) after each,
then checks where every value landed (in memory and in the database) and that the cursor wrapped round.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.domain.model import Packet
from app.domain.numbers import Kind
from app.domain.paths import get_value
from app.ui.grid import FormView, Role
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui.tabs import BasicTab, ProjectsTab, SelfEvalTab
from tests.ui.helpers import key, select, type_text


def _value(kind: Kind, n: int, path: str) -> str:
    if path.endswith("unit.name"):
        return f"甲县财政局{n}"
    if path.endswith("year") or path.endswith("completed_year"):
        return str(2000 + n)
    if kind is Kind.TEXT:
        return f"文{n}"
    if kind is Kind.COUNT:
        return str(n)
    return f"{n}.5"


def _tab_through(view: FormView, backwards: bool = False) -> dict[str, str]:
    """Type a distinct value into every input cell, Tab after each; returns path → value typed.

    A paragraph cell (年度总体目标, 厉行节约) keeps its text and the typing goes at its end: its expected
    value is the old text plus what was typed."""
    grid = view.grid_model().grid
    stops = grid.stops()
    assert stops, "a grid without input cells"
    order = list(reversed(stops)) if backwards else stops
    view.go_to(*order[0])
    typed: dict[str, str] = {}
    end = Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab
    for n, pos in enumerate(order, start=1):
        current = view.currentIndex()
        assert (current.row(), current.column()) == pos, f"stop {n}: cursor at {current.row(), current.column()}"
        cell = view.grid_model().grid.origins[pos]
        assert cell.role is Role.INPUT and not cell.is_group
        value = _value(cell.kind, n, cell.path)
        old = view.grid_model().raw_text(cell) if pos[0] in grid.tall_rows else ""
        typed[cell.path] = old + value
        type_text(view, value, end=end)
        assert QApplication.focusWidget() is view, "focus stays in the grid after Tab"
    current = view.currentIndex()
    assert (current.row(), current.column()) == order[0], "Tab wraps round to the first input cell"
    return typed


def _landed(packet: Packet, typed: dict[str, str]) -> None:
    """Every typed value sits at its path (in the window's packet, or in the one read back from the database)."""
    for path, value in typed.items():
        assert str(get_value(packet, path)) == value, path


def test_tab_through_basic_tab(qtbot: QtBot, db, pid, reopen) -> None:  # type: ignore[no-untyped-def]
    session = Session(db, pid)
    tab = BasicTab(session)
    qtbot.addWidget(tab)
    tab.show()
    typed = _tab_through(tab.view)
    assert len(typed) > 40
    _landed(session.packet, typed)
    _landed(reopen(), typed)


def test_tab_through_self_eval_tab_backwards(qtbot: QtBot, db, pid, reopen) -> None:  # type: ignore[no-untyped-def]
    session = Session(db, pid)
    tab = SelfEvalTab(session)
    qtbot.addWidget(tab)
    tab.show()
    level1 = [ind.level1 for ind in session.packet.self_eval.indicators]
    typed = _tab_through(tab.view, backwards=True)
    _landed(session.packet, typed)
    # the merged 一级/二级 labels were never typed into
    assert [ind.level1 for ind in session.packet.self_eval.indicators] == level1
    _landed(reopen(), typed)


def test_tab_through_every_project(qtbot: QtBot, db, pid, reopen) -> None:  # type: ignore[no-untyped-def]
    session = Session(db, pid)
    tab = ProjectsTab(session)
    qtbot.addWidget(tab)
    tab.show()
    if not session.packet.projects:
        tab.add_project()
    tab.add_project()
    everything: dict[str, str] = {}
    for n in range(len(session.packet.projects)):
        tab.list.setCurrentRow(n)
        typed = _tab_through(tab.form.view)
        assert f"projects[{n}].name" in typed and f"projects[{n}].implementer" in typed
        everything.update(typed)
        assert tab.list.item(n).text() == typed[f"projects[{n}].name"], "the list follows the name"
        assert tab.list.currentRow() == n, "a name edit did not switch the project"
    _landed(session.packet, everything)
    _landed(reopen(), everything)


def test_typing_on_a_computed_cell_beeps_and_says_why(qtbot: QtBot, db, pid) -> None:  # type: ignore[no-untyped-def]
    session = Session(db, pid)
    window = QMainWindow()
    tab = BasicTab(session)
    window.setCentralWidget(tab)
    qtbot.addWidget(window)
    window.show()
    before = session.packet.basic.staff.actual
    select(tab.view, "basic.control_rate")
    key(tab.view, Qt.Key.Key_5, "5")
    assert QApplication.focusWidget() is tab.view, "no editor opened"
    assert "自动计算" in window.statusBar().currentMessage()
    assert session.packet.basic.staff.actual == before and not session.undo_stack
    # a label: same
    pos = next(p for p, c in tab.model().grid.origins.items() if c.role is Role.LABEL)
    tab.view.go_to(*pos)
    key(tab.view, Qt.Key.Key_A, "a")
    assert "不能填写" in window.statusBar().currentMessage() and not session.undo_stack
    # Chinese through an input method (ibus/fcitx) on the computed 控制率: refused the same way
    from PySide6.QtGui import QInputMethodEvent

    select(tab.view, "basic.control_rate")
    window.statusBar().clearMessage()
    ime = QInputMethodEvent()
    ime.setCommitString("八十")
    QApplication.sendEvent(tab.view, ime)
    assert "自动计算" in window.statusBar().currentMessage() and not session.undo_stack


def test_group_label_is_edited_only_on_purpose(qtbot: QtBot, db, pid) -> None:  # type: ignore[no-untyped-def]
    session = Session(db, pid)
    tab = SelfEvalTab(session)
    qtbot.addWidget(tab)
    tab.show()
    model = tab.model()
    pos = next(p for p, c in model.grid.origins.items() if c.is_group and c.row_span > 1)
    name = session.packet.self_eval.indicators[0].level1
    tab.view.go_to(*pos)
    key(tab.view, Qt.Key.Key_unknown, "乙")  # a stray keystroke
    assert session.packet.self_eval.indicators[0].level1 == name
    assert "F2" in tab.view.last_hint
    key(tab.view, Qt.Key.Key_F2)  # on purpose
    editor = QApplication.focusWidget()
    assert editor is not tab.view and editor is not None
    editor.selectAll()  # type: ignore[attr-defined]
    for ch in "产出（50分）":
        key(editor, Qt.Key.Key_unknown, ch)
    key(editor, Qt.Key.Key_Return)
    assert session.packet.self_eval.indicators[0].level1 == "产出"


def test_editor_survives_a_rebuild_and_tab_never_leaves_the_grid(qtbot: QtBot, db, pid) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(db, pid)
    qtbot.addWidget(window)
    window.show()
    tab = window.projects_tab
    window.tabs.setCurrentWidget(tab)
    if not tab.session.packet.projects:
        tab.add_project()
    tab.add_project()
    tab.list.setCurrentRow(0)
    view = tab.form.view
    select(view, "projects[0].name")
    type_text(view, "新项目名", end=Qt.Key.Key_Tab)  # a name edit rebuilds the form and the list
    assert QApplication.focusWidget() is view
    assert tab.list.currentRow() == 0 and tab.list.item(0).text() == "新项目名"
    grid = view.grid_model().grid
    after = grid.origins[(view.currentIndex().row(), view.currentIndex().column())]
    assert after.path == "projects[0].supervisor"
    packet_id = window.session.packet_id if window.session else 0
    key(view, Qt.Key.Key_Tab)
    key(view, Qt.Key.Key_Down)
    assert window.session is not None and window.session.packet_id == packet_id
    assert QApplication.focusWidget() is view


def test_paragraph_enter_is_a_new_line_and_ctrl_tab_switches_the_tab(qtbot: QtBot, db, pid) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(db, pid)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentWidget(window.self_eval_tab)
    view = window.self_eval_tab.view
    select(view, "self_eval.targets[0].actual")
    key(view, Qt.Key.Key_unknown, "甲")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QPlainTextEdit)
    key(editor, Qt.Key.Key_Return)
    key(editor, Qt.Key.Key_unknown, "乙")
    key(editor, Qt.Key.Key_Tab)
    assert window.self_eval_tab.session.packet.self_eval.targets[0].actual.endswith("甲\n乙")
    assert QApplication.focusWidget() is view
    key(view, Qt.Key.Key_Tab, modifiers=Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.projects_tab
