"""The main window on a real database: title, navigator, undo/redo keys, issue jumps, scoring rule,
附件3/附件4, start-up through run_gui."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.model import Packet
from app.domain.numbers import Kind, parse_number
from app.domain.scoring import EXECUTION_RULES
from app.ui.main_window import MainWindow, window_title
from tests.ui.helpers import cell_text, select, type_text


def test_title_tabs_and_status(window: MainWindow) -> None:
    packet = window.session.packet if window.session else Packet()
    assert window.windowTitle() == f"{packet.unit.name} — {packet.year} — PerfEval Desk 绩效自评填报"
    assert window.windowTitle() == window_title(packet.unit.name, packet.year)
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs == ["附件1 基础数据表", "附件2 部门整体自评表", "附件3 项目支出自评表", "附件4 自评报告"]
    assert window.pack_label.text() == "模板：湖南 部门整体支出绩效自评（附件1–4）（第1版）"
    ev = window.session.evaluation if window.session else None
    assert ev is not None
    assert window.counts.text() == f"错误 {len(ev.errors)} 个　提示 {len(ev.warnings)} 个"
    assert window.issues.topLevelItemCount() == len(ev.issues)


def test_ctrl_z_and_ctrl_y_undo_and_redo(qtbot: QtBot, window: MainWindow, reopen) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitActive(window)
    view = window.basic_tab.view
    window.tabs.setCurrentWidget(window.basic_tab)
    old = window.basic_tab.session.packet.basic.staff.authorized
    select(view, "basic.staff.authorized")
    type_text(view, "200")
    assert reopen().basic.staff.authorized == "200"
    assert window.save_state.text().startswith("已自动保存")
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # through the shortcut map
    assert reopen().basic.staff.authorized == old
    assert cell_text(view, "basic.staff.authorized") == str(old)
    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert reopen().basic.staff.authorized == "200"


def test_clicking_an_issue_selects_its_cell(qtbot: QtBot, window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.report_tab)
    panel = window.issues
    for i in range(panel.topLevelItemCount()):
        issue = panel.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
        if issue.cells and issue.cells[0].startswith("self_eval.indicators"):
            break
    else:
        pytest.fail("seed 000 has an indicator issue")
    panel.scrollToItem(panel.topLevelItem(i))
    qtbot.mouseClick(
        panel.viewport(), Qt.MouseButton.LeftButton, pos=panel.visualItemRect(panel.topLevelItem(i)).center()
    )
    assert window.tabs.currentWidget() is window.self_eval_tab
    current = window.self_eval_tab.view.currentIndex()
    model = window.self_eval_tab.model()
    assert model.grid.position_of(issue.cells[0]) == (current.row(), current.column())
    assert model.data(current, Qt.ItemDataRole.BackgroundRole) is not None  # the cell is marked


def test_scoring_rule_changes_the_score(window: MainWindow, reopen) -> None:  # type: ignore[no-untyped-def]
    tab = window.self_eval_tab
    session = tab.session
    assert tab.scoring.under_all.text().startswith("各规则下得分：")
    for kind in tab.session.pack.rules:
        rule = EXECUTION_RULES[kind]
        if not rule.entered:
            assert rule.title.split("（")[0] in tab.scoring.under_all.text()
    tab.scoring.kind.setCurrentIndex(tab.scoring.kind.findData("deduct_per_point"))
    tab.scoring.k.setText("0.5")
    tab.scoring.commit()
    assert session.packet.scoring_rule.kind == "deduct_per_point"
    expected = session.evaluation.computed.text("self_eval.execution_score")
    assert cell_text(tab.view, "self_eval.execution_score") == expected
    assert reopen().scoring_rule.k == "0.5"
    tab.scoring.kind.setCurrentIndex(tab.scoring.kind.findData("manual"))
    # under the manual rule 得分 is typed by the clerk
    select(tab.view, "self_eval.score")
    type_text(tab.view, "7")
    assert session.evaluation.computed.text("self_eval.execution_score") == "7"


def test_next_year_carries_over(window: MainWindow, db, pid) -> None:  # type: ignore[no-untyped-def]
    packet = window.session.packet if window.session else Packet()
    window.next_year()
    assert window.session is not None and window.session.packet_id != pid
    assert window.windowTitle() == window_title(packet.unit.name, packet.year + 1)
    assert window.packets.count() == 2
    carried = window.session.packet.basic.funds["reception"].prior
    assert parse_number(carried, Kind.MONEY).value == parse_number(packet.basic.funds["reception"].actual).value
    window.packets.setCurrentIndex(window.packets.findData(pid))
    window.packets.activated.emit(window.packets.currentIndex())
    assert window.session.packet_id == pid


def test_projects_add_and_remove(window: MainWindow, reopen) -> None:  # type: ignore[no-untyped-def]
    tab = window.projects_tab
    n = len(tab.session.packet.projects)
    tab.add_project()
    assert tab.list.count() == n + 1 and tab.list.currentRow() == n
    assert cell_text(tab.form.view, f"projects[{n}].name") == tab.session.packet.projects[n].name
    select(tab.form.view, f"projects[{n}].funds.current.full_year")
    type_text(tab.form.view, "40")
    select(tab.form.view, f"projects[{n}].funds.current.executed")
    type_text(tab.form.view, "30")
    assert cell_text(tab.form.view, f"projects[{n}].execution_rate") == "75.00%"
    assert len(reopen().projects) == n + 1
    tab.remove_project()
    assert len(reopen().projects) == n and tab.list.count() == n
    window.undo()  # the removed project comes back, with what was typed into it
    assert tab.list.count() == n + 1
    assert cell_text(tab.form.view, f"projects[{n}].execution_rate") == "75.00%"
    assert len(reopen().projects) == n + 1


def test_report_figures_follow_the_tables(qtbot: QtBot, window: MainWindow, reopen) -> None:  # type: ignore[no-untyped-def]
    tab = window.report_tab
    window.tabs.setCurrentWidget(tab)
    tab.sections.setCurrentRow(1)
    tab.text.setPlainText("本年基本支出为1.00万元。")
    tab.commit_text()
    assert "不一致" in tab.mismatches.text()
    assert tab.sync.isEnabled()
    qtbot.mouseClick(tab.sync, Qt.MouseButton.LeftButton)
    basic = tab.figure_text("self_eval.spending.basic")
    assert tab.session.packet.report.sections[1].text == f"本年基本支出为{basic}万元。"
    assert tab.text.toPlainText() == f"本年基本支出为{basic}万元。"
    assert not [i for i in tab.session.evaluation.issues if i.field == "report.sections[1].text"]
    assert reopen().report.sections[1].text == f"本年基本支出为{basic}万元。"
    # the side panel follows an edit of 附件2
    select(window.self_eval_tab.view, "self_eval.spending.basic")
    type_text(window.self_eval_tab.view, "1234.5")
    assert tab.figure_values["self_eval.spending.basic"].text() == "1234.50"
    assert "不一致" in tab.mismatches.text()


def test_report_pastes_an_excel_table_and_asks_for_a_generated_one(
        qtbot: QtBot, window: MainWindow, reopen) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData

    from app.export.document import QuotedTable, build_document

    tab = window.report_tab
    window.tabs.setCurrentWidget(tab)
    tab.sections.setCurrentRow(1)
    tab.text.setPlainText("支出情况如下：\n")
    tab.text.moveCursor(tab.text.textCursor().MoveOperation.End)
    copied = QMimeData()
    copied.setText("预算项目\t本年预算\t本年决算\r\n基本支出\t329.47\t412.23\r\n")  # what Excel/WPS put there
    tab.text.insertFromMimeData(copied)
    tab.text.moveCursor(tab.text.textCursor().MoveOperation.End)
    qtbot.mouseClick(tab.insert_buttons["表1 一般公共预算支出情况（万元）"], Qt.MouseButton.LeftButton)
    expected = (
        "支出情况如下：\n预算项目 | 本年预算 | 本年决算\n基本支出 | 329.47 | 412.23\n"
        "【表1 一般公共预算支出情况（万元）】"
    )
    assert tab.session.packet.report.sections[1].text == expected
    assert reopen().report.sections[1].text == expected
    doc = build_document(tab.session.packet, draft=True)
    assert doc.report is not None
    tables = [b for b in doc.report.chapters[1].blocks if isinstance(b, QuotedTable)]
    assert [t.header for t in tables] == [["预算项目", "本年预算", "本年决算"], ["基本支出", "项目支出", "合计"]]
    assert tables[1].rows[0][0] == tab.figure_text("self_eval.spending.basic")


def test_run_gui_opens_the_sample_and_quits(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.storage import open_database
    from app.ui.main import run_gui

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; undone after the test
    path = tmp_path / "first.db"
    assert run_gui(["--db", str(path), "--quit-after", "50"]) == 0
    db = open_database(path)
    try:
        assert db.list_packets() == []  # the 示例 was shown read-only, not imported as the clerk's data
    finally:
        db.close()
    assert QApplication.font().family() == "WenQuanYi Micro Hei"


def test_newer_database_is_refused_with_a_chinese_dialog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.storage
    from app.ui import main

    shown: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def too_new(path: object = None, **_kw: object) -> None:
        raise app.storage.DatabaseTooNew(Path(str(path)), 99, 1)

    monkeypatch.setattr(app.storage, "open_database", too_new)
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text: shown.append(f"{title}:{text}"))
    assert main.run_gui(["--db", str(tmp_path / "x.db")]) == 1
    assert shown and "无法打开数据库" in shown[0]


def test_damaged_database_is_restored_from_its_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.storage import open_database
    from app.ui import main

    path = tmp_path / "perfeval.db"
    db = open_database(path)
    pid = db.import_sample_if_empty()
    assert db.rotate_backups() is not None  # the daily backup
    db.close()
    with path.open("r+b") as fh:  # pages damaged (a disk error, a power cut in the middle of a write)
        fh.seek(4096)
        fh.write(b"\xff" * 8192)
    asked: list[str] = []

    def yes(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text: asked.append(f"{title}:{text}"))
    restored = main.open_db_with_dialogs(path)
    assert restored is not None, asked
    try:
        assert [info.id for info in restored.list_packets()] == [pid]
        assert restored.load_packet(pid).unit.name
    finally:
        restored.close()
    assert "已损坏" in asked[0] and "备份" in asked[0]
    assert list(tmp_path.glob("perfeval.db.damaged-*")), "the damaged file is kept aside, not deleted"


def test_unexpected_error_is_logged_and_shown_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.main import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setenv("PERFEVAL_LOG_DIR", str(tmp_path))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text: shown.append(f"{title}:{text}"))
    install_excepthook()
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert shown and shown[0].startswith("程序内部错误:") and "ZeroDivisionError" in shown[0]
    assert "boom" in (tmp_path / "crash.log").read_text(encoding="utf-8")


def test_new_unit_gets_an_empty_packet_with_the_template(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.domain.layout import level_label
    from app.ui.main_window import NewPacketDialog

    def fill_in(dialog: NewPacketDialog) -> int:
        dialog.unit.setText("某某县财政局")
        dialog.year.setValue(2025)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(NewPacketDialog, "exec", fill_in)
    window.new_packet()
    assert window.windowTitle() == window_title("某某县财政局", 2025)
    assert window.packets.count() == 2
    packet = window.session.packet if window.session else Packet()
    catalogue = window.session.pack.catalogue(packet.catalogue) if window.session else None
    assert catalogue is not None and packet.template == "hunan-dept"
    assert {ind.level1 for ind in packet.self_eval.indicators} == {x.name for x in catalogue.level1}
    # the merged 一级 cell shows the catalogue's weight: 产出指标（50分）
    first = catalogue.level1[0]
    label = level_label(first.name, first.weight)
    model = window.self_eval_tab.model()
    shown = {str(model.data(model.index(r, c))) for r in range(model.rowCount()) for c in range(model.columnCount())}
    assert label in shown
    assert [line.name for line in packet.basic.project_lines] == ["业务工作经费", "运行维护经费"]


def test_export_actions_exist_exactly_when_the_writers_do(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    from PySide6.QtWidgets import QFileDialog

    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]  # type: ignore[union-attr]
    writers = importlib.util.find_spec("app.export") is not None
    assert all((t in texts) == writers for t in ("导出PDF…", "导出Excel…", "导出Word…", "打印…"))
    if not writers:
        return  # absent, not dead: nothing more to click
    out = tmp_path / "材料.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), "*.pdf"))
    answers: list[str] = []

    def draft_please(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        answers.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", draft_please)
    window.export("pdf")  # seed 000 has errors: refused as final, written as a draft after asking
    assert answers and "错误" in answers[0]
    assert out.read_bytes().startswith(b"%PDF")


def test_perfeval_without_a_command_starts_the_gui(tmp_path: Path) -> None:
    import os
    import subprocess

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PERFEVAL_LOG_DIR": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # the window's settings stay in the test's folder
    run = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(tmp_path / "p.db"), "--quit-after", "0"],
        cwd=root, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert (tmp_path / "p.db").exists()


def test_status_is_set_from_the_toolbar(window: MainWindow, db, pid, dialogs) -> None:  # type: ignore[no-untyped-def]
    assert window.status.currentText() == "草稿"
    window.status.setCurrentIndex(window.status.findText("已审核"))
    window.status.activated.emit(window.status.currentIndex())
    # seed 000 has errors: 已审核 is refused, with the errors listed
    assert [info.status for info in db.list_packets() if info.id == pid] == ["草稿"]
    assert window.status.currentText() == "草稿"
    assert dialogs[-1][1] == "不能标记为已审核" and "控制率" in dialogs[-1][2]


def test_standard_dialog_buttons_are_chinese(qapp: object) -> None:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app.ui.main import load_qt_translation

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = load_qt_translation(app)
    try:
        assert translator is not None
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        if translator is not None:
            app.removeTranslator(translator)
