"""Packet lifecycle and housekeeping in the window: 草稿 → 已审核 → 已打印, editing a reviewed packet, rename,
delete to the 回收站 and back, the read-only 示例, 合理性说明 of warnings, undo kept per packet, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.rules import explanation_key
from app.storage import open_database
from app.ui.main_window import MainWindow, RenameDialog
from tests.ui.helpers import cell_text, key, select, type_text


@pytest.fixture
def window(qtbot: QtBot, db, clean_pid) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(db, clean_pid)
    qtbot.addWidget(w)
    w.show()
    return w


def _status(db, pid: int) -> str:  # type: ignore[no-untyped-def]
    return next(i.status for i in db.list_packets() if i.id == pid)


def test_reviewed_then_editing_asks_and_returns_to_draft(window: MainWindow, db, clean_pid, dialogs) -> None:  # type: ignore[no-untyped-def]
    assert window.session is not None and not window.session.evaluation.errors
    assert window.change_status("已审核")  # one unexplained warning: asked, answered 是
    assert _status(db, clean_pid) == "已审核" and window.status.currentText() == "已审核"
    assert any("没有填写合理性说明" in text for _k, _t, text in dialogs)
    view = window.basic_tab.view
    select(view, "basic.staff.authorized")
    answers: list[str] = []

    def no(_p: object, title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        answers.append(text)
        return QMessageBox.StandardButton.No

    QMessageBox.question = no  # type: ignore[method-assign]  # restored by the dialogs fixture
    before = cell_text(view, "basic.staff.authorized")
    key(view, Qt.Key.Key_7, "7")
    assert answers and "已审核" in answers[0]
    assert QApplication.focusWidget() is view, "no editor opened: nothing typed is lost in a closed editor"
    assert cell_text(view, "basic.staff.authorized") == before and _status(db, clean_pid) == "已审核"

    def yes(_p: object, title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        answers.append(text)
        return QMessageBox.StandardButton.Yes

    QMessageBox.question = yes  # type: ignore[method-assign]
    type_text(view, "17")
    assert cell_text(view, "basic.staff.authorized") == "17"
    assert _status(db, clean_pid) == "草稿" and window.status.currentText() == "草稿"


def test_printed_cannot_be_chosen_by_hand(window: MainWindow, db, clean_pid, dialogs) -> None:  # type: ignore[no-untyped-def]
    window.status.setCurrentIndex(window.status.findText("已打印"))
    window.status.activated.emit(window.status.currentIndex())
    assert _status(db, clean_pid) == "草稿" and window.status.currentText() == "草稿"
    assert "正式打印" in dialogs[-1][2]


def test_rename_unit_on_every_year(window: MainWindow, db, clean_pid, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert window.session is not None
    old = window.session.packet.unit.name
    nxt = db.create_next_year(clean_pid)

    def fill(dialog: RenameDialog) -> int:
        dialog.unit.setText("改名后的单位")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(RenameDialog, "exec", fill)
    window.rename_packet()
    names = {(i.unit_name, i.year) for i in db.list_packets()}
    assert names == {("改名后的单位", 2024), ("改名后的单位", 2025)}
    assert old not in window.packets.currentText() and window.packets.currentText().startswith("改名后的单位")
    assert window.windowTitle().startswith("改名后的单位")
    assert db.load_packet(nxt).unit.name == "改名后的单位"


def test_rename_one_year_only_is_undoable(window: MainWindow, db, clean_pid, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert window.session is not None
    old = window.session.packet.unit.name

    def fill(dialog: RenameDialog) -> int:
        dialog.unit.setText("只改今年")
        dialog.all_years.setChecked(False)
        dialog.year.setValue(2023)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(RenameDialog, "exec", fill)
    window.rename_packet()
    assert [(i.unit_name, i.year) for i in db.list_packets()] == [("只改今年", 2023)]
    window.undo()
    window.flush()
    assert [(i.unit_name, i.year) for i in db.list_packets()] == [(old, 2024)]


def test_delete_to_the_trash_and_restore(window: MainWindow, db, clean_pid, pid, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.open_packet(clean_pid)
    window.delete_packet()
    assert db.list_packets(trash=True)[0].id == clean_pid
    assert window.session is not None and window.session.packet_id == pid, "the next packet is shown"
    assert window.packets.findData(clean_pid) == -1
    from app.ui.trash import TrashDialog

    def restore_first(dialog: TrashDialog) -> int:
        assert dialog.list.count() == 1
        dialog.list.item(0).setSelected(True)
        dialog.restore_button.click()
        return 1

    monkeypatch.setattr(TrashDialog, "exec", restore_first)
    window.show_trash()
    assert db.list_packets(trash=True) == []
    assert window.session is not None and window.session.packet_id == clean_pid
    # 清空回收站
    window.delete_packet()

    def empty(dialog: TrashDialog) -> int:
        dialog.empty_button.click()
        return 1

    monkeypatch.setattr(TrashDialog, "exec", empty)
    window.show_trash()
    assert db.list_packets(trash=True) == [] and [i.id for i in db.list_packets()] == [pid]


def test_deleting_the_last_packet_shows_the_sample_read_only(qtbot: QtBot, db, clean_pid) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(db, clean_pid)
    qtbot.addWidget(window)
    window.show()
    window.delete_packet()
    assert db.list_packets() == []
    session = window.session
    assert session is not None and session.readonly and window.banner.isVisible()
    assert "示例" in window.packets.currentText()
    view = window.basic_tab.view
    before = cell_text(view, "basic.staff.authorized")
    select(view, "basic.staff.authorized")
    type_text(view, "5")
    assert cell_text(view, "basic.staff.authorized") == before
    assert "只读" in window.statusBar().currentMessage()
    assert db.list_packets() == [], "the sample is never written into the clerk's database"


def test_first_start_shows_the_sample_not_imported(qtbot: QtBot, db) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(db, None)
    qtbot.addWidget(window)
    window.show()
    assert window.session is not None and window.session.readonly
    assert "示例" in window.banner.text() and window.windowTitle().endswith("（只读）")
    assert db.list_packets() == []


def test_a_warning_explained_counts_as_explained_and_travels(  # type: ignore[no-untyped-def]
    window: MainWindow, db, clean_pid, monkeypatch, tmp_path
) -> None:
    from PySide6.QtWidgets import QInputDialog

    session = window.session
    assert session is not None
    warning = session.evaluation.warnings[0]
    panel = window.issues
    row = next(r for r in range(panel.topLevelItemCount())
               if panel.topLevelItem(r).data(0, Qt.ItemDataRole.UserRole) == warning)  # fmt: skip
    panel.setCurrentItem(panel.topLevelItem(row))
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("附件1只含专项，口径不同", True))
    window.explain_selected()
    assert session.evaluation.explained == [warning]
    assert "已说明 1 个" in window.counts.text()
    assert panel.topLevelItem(row).text(2) == "附件1只含专项，口径不同"
    window.flush()
    stored = open_database(db.path)
    try:
        assert stored.load_packet(clean_pid).explanations == {explanation_key(warning): "附件1只含专项，口径不同"}
    finally:
        stored.close()
    # carried in the data package, under the top-level key "explanations"
    from app.domain.package import packet_to_dict, read_package_text, write_package_text

    doc = packet_to_dict(session.packet)
    assert doc["explanations"] == {explanation_key(warning): "附件1只含专项，口径不同"}
    assert read_package_text(write_package_text(session.packet)).explanations == session.packet.explanations
    # printed on the 审核结果 page
    from app.export.document import build_document

    assert ("", "提示", warning.message, "附件1只含专项，口径不同") in build_document(session.packet).review
    window.undo()
    assert not session.evaluation.explained


def test_undo_history_survives_a_packet_switch(window: MainWindow, db, clean_pid, pid) -> None:  # type: ignore[no-untyped-def]
    view = window.basic_tab.view
    select(view, "basic.staff.authorized")
    type_text(view, "42")
    window.open_packet(pid)
    window.open_packet(clean_pid)
    assert window.session is not None and window.session.undo_stack
    window.undo()
    assert cell_text(window.basic_tab.view, "basic.staff.authorized") != "42"


def test_window_settings_are_restored(qtbot: QtBot, db, clean_pid) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(db, clean_pid)
    qtbot.addWidget(first)
    first.show()
    first.resize(1100, 700)
    first.tabs.setCurrentIndex(2)
    splitter = first._splitters()["splitter/projects"]
    splitter.setSizes([150, 900])
    sizes = splitter.sizes()
    first.close()
    second = MainWindow(db, clean_pid)
    qtbot.addWidget(second)
    second.show()
    assert second.tabs.currentIndex() == 2
    assert second.height() == 700  # (the offscreen screen is 800 px wide: Qt fits the width to it)
    assert second._splitters()["splitter/projects"].sizes()[0] == sizes[0]


def test_window_fits_a_1366_by_768_screen(window: MainWindow) -> None:
    assert window.minimumSizeHint().width() <= 1366 and window.minimumSize().height() <= 700
    window.resize(1366, 728)
    window.showNormal()
    QApplication.processEvents()
    bar = window.statusBar()
    assert bar.isVisible() and bar.geometry().bottom() <= window.height()
    assert window.frameGeometry().height() <= 768


def test_ctrl_s_says_saved(window: MainWindow) -> None:
    window.save_now()
    assert "已自动保存" in window.statusBar().currentMessage()


def test_new_unit_and_next_year_ask_first(window: MainWindow, db, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    answers: list[str] = []

    def no(_p: object, title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        answers.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", no)
    n = len(db.list_packets())
    window.next_year()
    assert answers and "结转" in answers[0] and len(db.list_packets()) == n


def test_help_lists_every_code(qtbot: QtBot) -> None:
    from app.domain.rules import CODES
    from app.ui.help import HelpDialog

    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert all(code in text for code in CODES) and "Ctrl+P" in text


def test_every_menu_action_and_button_has_a_tooltip(window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton

    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions():  # type: ignore[union-attr]
            if not action.isSeparator():
                assert action.toolTip(), action.text()
    for button in window.findChildren(QAbstractButton):
        if button.text() and button.isVisibleTo(window):
            assert button.toolTip(), button.text()
    shortcuts = {a.text(): a.shortcut().toString() for m in window.menuBar().actions() for a in m.menu().actions()}  # type: ignore[union-attr]
    assert shortcuts["打印…"] == "Ctrl+P" and shortcuts["保存"] == "Ctrl+S" and shortcuts["填报说明"] == "F1"


def test_new_unit_gets_the_default_project_lines(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui.main_window import NewPacketDialog

    def fill_in(dialog: NewPacketDialog) -> int:
        dialog.unit.setText("某某县财政局")
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(NewPacketDialog, "exec", fill_in)
    window.new_packet()
    assert window.session is not None
    assert [line.name for line in window.session.packet.basic.project_lines] == ["业务工作经费", "运行维护经费"]
    assert cell_text(window.basic_tab.view, "basic.project_lines[0].name") == "　业务工作经费"


def test_removing_a_filled_row_asks(window: MainWindow, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    session = window.session
    assert session is not None
    n = len(session.packet.self_eval.indicators)
    select(window.self_eval_tab.view, "self_eval.indicators[0].name")
    answers: list[str] = []

    def no(_p: object, title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        answers.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", no)
    window.self_eval_tab.remove_current_row()
    assert answers and len(session.packet.self_eval.indicators) == n


def test_export_adds_the_right_extension(window: MainWindow, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    typed = tmp_path / "材料.doc"  # a wrong extension typed by hand
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(typed), ""))
    window.export("pdf")
    assert (tmp_path / "材料.doc.pdf").read_bytes().startswith(b"%PDF")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(tmp_path / "包"), ""))
    window.export("json")
    assert (tmp_path / "包.json").is_file()


def test_leaving_the_manual_rule_clears_the_typed_scores(window: MainWindow) -> None:
    tab = window.self_eval_tab
    session = tab.session
    tab.scoring.kind.setCurrentIndex(tab.scoring.kind.findData("manual"))
    select(tab.view, "self_eval.score")
    type_text(tab.view, "7")
    assert session.packet.self_eval.score == "7"
    tab.scoring.kind.setCurrentIndex(tab.scoring.kind.findData("proportional"))
    assert session.packet.scoring_rule.kind == "proportional"
    assert session.packet.self_eval.score is None, "no hidden stated 得分 left to contradict the new rule"
    assert not [i for i in session.evaluation.errors if i.field == "self_eval.execution_score"]
    window.undo()  # one step brings the manual rule and its score back
    assert session.packet.scoring_rule.kind == "manual" and session.packet.self_eval.score == "7"


def test_rows_grow_with_wrapped_text_as_it_is_typed(window: MainWindow) -> None:
    view = window.self_eval_tab.view
    model = view.grid_model()
    path = "self_eval.indicators[0].deviation"
    pos = model.grid.position_of(path)
    assert pos is not None
    before = view.rowHeight(pos[0])
    select(view, path)
    type_text(view, "偏差原因" * 30)
    assert view.rowHeight(pos[0]) > before
