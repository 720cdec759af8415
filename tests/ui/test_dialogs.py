"""The window's dialogs on real files: import preview (替换/合并), print preview and printing (pages = the PDF's),
单位总览 (rows, counts, filter, open), 工具 (backup, staged restore), 指标库, 批量导出 in a worker thread."""

from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from app.domain.package import read_package_file, write_package_file
from app.ui.main_window import MainWindow
from tests.ui.conftest import DATA
from tests.ui.helpers import cell_text

# --- import -------------------------------------------------------------------------------------


def test_import_preview_shows_what_was_read_then_saves(qtbot: QtBot, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.importer import ImportDialog

    packet = read_package_file(DATA / "seed_004.json")
    dialog = ImportDialog(None, db, DATA / "seed_004.json")
    qtbot.addWidget(dialog)
    shown = {dialog.summary.itemAt(r, dialog.summary.ItemRole.LabelRole).widget().text():  # type: ignore[union-attr]
             dialog.summary.itemAt(r, dialog.summary.ItemRole.FieldRole).widget().text()  # type: ignore[union-attr]
             for r in range(dialog.summary.rowCount())}  # fmt: skip
    assert shown["单位："] == packet.unit.name and shown["年度："] == "2024"
    assert dialog.problems.count() == 1 and "【提示】" in dialog.problems.item(0).text()
    assert db.list_packets() == [], "nothing saved before the clerk says so"
    assert dialog.save_button.isEnabled() and not dialog.choice_box.isVisible()
    dialog.save_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert db.load_packet(dialog.saved_id) == packet


def test_import_of_a_broken_file_lists_every_problem_and_saves_nothing(qtbot: QtBot, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.importer import ImportDialog

    bad = tmp_path / "坏.json"
    bad.write_text('{"format": "perfeval-package/1", "year": "abc", "unit": 5, "basic": []}', encoding="utf-8")
    dialog = ImportDialog(None, db, bad)
    qtbot.addWidget(dialog)
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(problems) >= 3 and any("year" in p for p in problems) and any("unit" in p for p in problems)
    assert not dialog.save_button.isEnabled() and db.list_packets() == []
    other = tmp_path / "文件.docx"
    other.write_bytes(b"PK")
    dialog.load(other)
    assert "不能导入" in dialog.problems.item(0).text()


def test_import_merge_keeps_typed_cells_and_fills_blanks(qtbot: QtBot, db, pid, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.importer import ImportDialog

    mine = db.load_packet(pid)
    theirs = copy.deepcopy(mine)
    theirs.basic.austerity = "同事填写的厉行节约"
    theirs.self_eval.executed = "1"
    mine_austerity = mine.basic.austerity
    path = tmp_path / "同事.json"
    write_package_file(theirs, path)
    dialog = ImportDialog(None, db, path)
    qtbot.addWidget(dialog)
    assert dialog.choice_box.isVisibleTo(dialog) and dialog.merge.isChecked()
    dialog.save_button.click()
    merged = db.load_packet(dialog.saved_id)
    assert merged.basic.austerity == mine_austerity, "a filled cell is kept"
    assert merged.self_eval.executed == mine.self_eval.executed
    assert len(db.list_packets()) == 1


def test_import_replace_and_drop_into_the_window(window: MainWindow, db, pid, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui.importer import ImportDialog

    theirs = db.load_packet(pid)
    theirs.basic.austerity = "替换后的文字"
    path = tmp_path / "同事.json"
    write_package_file(theirs, path)

    def replace(dialog: ImportDialog) -> int:
        assert dialog.packet is not None
        dialog.replace.setChecked(True)
        dialog.save_button.click()
        return int(dialog.result())

    monkeypatch.setattr(ImportDialog, "exec", replace)
    window.import_file(str(path))
    assert window.session is not None and window.session.packet.basic.austerity == "替换后的文字"
    assert [i.unit_name for i in db.list_packets()] == [theirs.unit.name]


def test_import_an_xlsx_export(qtbot: QtBot, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.export import export_packet
    from app.ui.importer import ImportDialog

    packet = read_package_file(DATA / "seed_004.json")
    xlsx = export_packet(packet, "xlsx", tmp_path / "材料.xlsx")
    dialog = ImportDialog(None, db, xlsx)
    qtbot.addWidget(dialog)
    assert dialog.packet is not None and dialog.packet.unit.name == packet.unit.name
    dialog.save_button.click()
    assert db.find_packet(packet.unit.name, 2024) == dialog.saved_id


# --- print ----------------------------------------------------------------------------------------


def test_print_preview_shows_exactly_the_pdf_pages_and_prints_them(qtbot: QtBot, db, clean_pid, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium  # type: ignore[import-untyped]
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrinter

    from app.ui.printing import PrintDialog
    from app.ui.session import Session

    session = Session(db, clean_pid)
    dialog = PrintDialog(None, session.packet, session.evaluation)
    qtbot.addWidget(dialog)
    assert dialog.pages is not None and dialog.pdf_path is not None and not dialog.draft
    pdf_pages = len(PdfReader(str(dialog.pdf_path)).pages)
    assert len(dialog.pages) == pdf_pages == len(dialog.labels)
    assert f"共 {pdf_pages} 页" in dialog.info.text()
    # portrait and landscape pages keep their shape in the preview
    shapes = {img.width() > img.height() for img in dialog.pages}
    assert shapes == {True, False}
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert dialog.print_to(printer)
    printed = pdfium.PdfDocument(str(out))
    try:
        assert len(printed) == pdf_pages
        source = pdfium.PdfDocument(str(dialog.pdf_path))
        try:
            for i in range(pdf_pages):  # every sheet has the orientation of its PDF page
                w, h = source.get_page_size(i)
                pw, ph = printed.get_page_size(i)
                assert (w > h) == (pw > ph), i
        finally:
            source.close()
    finally:
        printed.close()
    dialog.reject()


def test_final_print_sets_printed_and_draft_does_not(  # type: ignore[no-untyped-def]
    window: MainWindow, db, clean_pid, pid, monkeypatch, tmp_path
) -> None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    from app.ui.printing import PrintDialog

    pages_seen: list[int] = []

    def accept_to_pdf(self: QPrintDialog) -> int:
        printer = self.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / f"p{len(pages_seen)}.pdf"))
        return int(QDialog.DialogCode.Accepted.value)

    def run(self: PrintDialog) -> int:
        pages_seen.append(len(self.pages or []))
        self.print_button.click()
        return int(self.result())

    monkeypatch.setattr(QPrintDialog, "exec", accept_to_pdf)
    monkeypatch.setattr(PrintDialog, "exec", run)
    window.open_packet(clean_pid)
    window.print_packet()
    assert next(i.status for i in db.list_packets() if i.id == clean_pid) == "已打印"
    assert (tmp_path / "p1.pdf").read_bytes().startswith(b"%PDF")
    window.open_packet(pid)  # seed 000 has errors: a draft only (asked, answered 是), status unchanged
    window.print_packet()
    assert next(i.status for i in db.list_packets() if i.id == pid) == "草稿"
    assert len(pages_seen) == 2


# --- overview -------------------------------------------------------------------------------------


def test_overview_lists_every_unit_and_year_with_counts(qtbot: QtBot, db, pid, clean_pid) -> None:  # type: ignore[no-untyped-def]
    from app.domain.evaluate import evaluate
    from app.ui.overview import COLUMNS, OverviewDialog

    nxt = db.create_next_year(pid)
    dialog = OverviewDialog(None, db)
    qtbot.addWidget(dialog)
    dialog.wait_filled()
    rows = {(r[0], r[1]): r for r in dialog.visible_rows()}
    assert len(rows) == 3
    for info in db.list_packets():
        ev = evaluate(db.load_packet(info.id))
        row = rows[(info.unit_name, str(info.year))]
        assert row[COLUMNS.index("状态")] == info.status
        assert row[COLUMNS.index("错误")] == str(len(ev.errors))
        assert row[COLUMNS.index("提示")].startswith(str(len(ev.warnings)))
        assert row[COLUMNS.index("执行率")] == ev.computed.text("self_eval.execution_rate")
        assert row[COLUMNS.index("总分")] == ev.computed.text("self_eval.total_score")
    dialog.search.setText("2025")
    assert [r[1] for r in dialog.visible_rows()] == ["2025"]
    dialog.search.setText("")
    opened: list[int] = []
    dialog.open_packet.connect(opened.append)
    r = next(i for i in range(dialog.table.rowCount()) if dialog.table.item(i, 1).text() == "2025")
    dialog._open_row(r)
    assert opened == [nxt]
    dialog.reject()
    # the figures are cached next to the database: a second opening has them at once
    again = OverviewDialog(None, db)
    qtbot.addWidget(again)
    assert again.pending == 0
    again.reject()


def test_overview_double_click_opens_the_packet(window: MainWindow, db, clean_pid, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui.overview import OverviewDialog

    def pick(dialog: OverviewDialog) -> int:
        dialog.wait_filled()
        r = next(i for i in range(dialog.table.rowCount()) if dialog.table.item(i, 0).data(256) == clean_pid)
        dialog._open_row(r)
        return 1

    monkeypatch.setattr(OverviewDialog, "exec", pick)
    window.show_overview()
    assert window.session is not None and window.session.packet_id == clean_pid


# --- tools ----------------------------------------------------------------------------------------


def test_backup_and_staged_restore(window: MainWindow, db, pid, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.helpers import select, type_text

    target = tmp_path / "备份"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window.backup()
    assert (tmp_path / "备份.db").is_file()
    before = cell_text(window.basic_tab.view, "basic.staff.authorized")
    select(window.basic_tab.view, "basic.staff.authorized")
    type_text(window.basic_tab.view, "123")
    window.flush()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(tmp_path / "备份.db"), ""))
    window.restore()
    assert window.session is not None
    assert cell_text(window.basic_tab.view, "basic.staff.authorized") == before
    assert list((db.path.parent / "backups").glob("*-before-restore-*.db")), "the data before the restore is kept"


def test_open_data_folder(window: MainWindow, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    window.open_data_folder()
    assert opened == [str(db.path.parent)]


# --- indicator library ---------------------------------------------------------------------------


def test_add_an_indicator_from_the_library_as_you_type(qtbot: QtBot, window: MainWindow, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui.library import LibraryDialog

    session = window.session
    assert session is not None
    used = next(i for i in session.packet.self_eval.indicators if i.name)
    n = len(session.packet.self_eval.indicators)

    def pick(dialog: LibraryDialog) -> int:
        for ch in used.name[:4]:
            dialog.search.insert(ch)
        visible = [dialog.list.item(i) for i in range(dialog.list.count()) if not dialog.list.item(i).isHidden()]
        assert visible and all(used.name[:4] in item.text() for item in visible)
        dialog.take()
        return 1

    monkeypatch.setattr(LibraryDialog, "exec", pick)
    window.self_eval_tab.add_from_library(lambda: "self_eval.indicators")
    inds = session.packet.self_eval.indicators
    assert len(inds) == n + 1
    added = next(i for i in inds[1:] if i.name == used.name and i is not used and i.score is None)
    assert (added.level1, added.level2, added.target) == (used.level1, used.level2, used.target)


def test_save_indicators_to_the_library(qtbot: QtBot, db) -> None:  # type: ignore[no-untyped-def]
    from app.ui.library import LibraryDialog
    from app.ui.session import Session

    pid = db.create_packet("某某县财政局", 2025)
    session = Session(db, pid)
    session.packet.self_eval.indicators[0].name = "自定义指标甲"
    db.remember_indicators(session.packet)
    dialog = LibraryDialog(None, db.library_indicators, session)
    qtbot.addWidget(dialog)
    assert any("自定义指标甲" in dialog.list.item(i).text() for i in range(dialog.list.count()))


# --- batch ----------------------------------------------------------------------------------------


def test_batch_export_runs_in_a_worker_thread_and_can_be_cancelled(qtbot: QtBot, db, pid, clean_pid, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import threading

    from app.ui.batch import run_batch

    result = run_batch(None, db, db.list_packets(), "json", tmp_path / "out")
    assert len(result.written) == 2 and not result.cancelled
    main = threading.get_ident()
    threads: list[int] = []
    from app.ui import worker

    def cancel_at_once(progress, cancelled):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return None

    worker.run_with_progress(None, "测试", cancel_at_once)
    assert threads and threads[0] != main, "the work ran off the GUI thread"
    QApplication.processEvents()


def test_no_display_gives_one_chinese_line(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui.display import NO_DISPLAY, display_problem

    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert display_problem() == NO_DISPLAY and "\n" not in NO_DISPLAY and "perfeval check" in NO_DISPLAY
    monkeypatch.setenv("DISPLAY", ":987")  # nothing listens there
    assert display_problem() == NO_DISPLAY
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_problem() is None


def test_perfeval_without_a_display_says_so(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(tmp_path / "p.db")],
        cwd=root, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        next(line for line in run.stderr.splitlines() if line.startswith("无法打开图形窗口"))
    ]


def test_dropping_a_package_on_the_window_opens_the_import_preview(
    qtbot: QtBot, window: MainWindow, db, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from app.ui.importer import ImportDialog

    previewed: list[str] = []

    def preview(dialog: ImportDialog) -> int:
        previewed.append(str(dialog.path))
        dialog.save_button.click()
        return int(dialog.result())

    monkeypatch.setattr(ImportDialog, "exec", preview)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DATA / "seed_004.json"))])
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: bool(previewed), timeout=3000)
    assert previewed == [str(DATA / "seed_004.json")]
    assert window.session is not None and window.session.packet.unit.name == read_package_file(
        DATA / "seed_004.json"
    ).unit.name
