"""Issue 11 in the window: an edit the database refuses is never dropped.

A full disk (a real 2 MB tmpfs where the machine allows mounting one, else SQLite's own "disk is full" error
raised by the store), a second connection holding the write lock, a blank unit name, a name+year that exists,
a second start on the same database, a packet that cannot be read.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.package import read_package_file
from app.storage import Database, open_database
from app.ui.main_window import MainWindow
from app.ui.session import RETRY_MS, WRITE_WAIT_MS
from tests.ui.conftest import DATA
from tests.ui.helpers import answer_box_with, cell_text, key, select, type_text

ROOT = Path(__file__).resolve().parents[2]


def _window(qtbot: QtBot, db: Database, pid: int) -> MainWindow:
    w = MainWindow(db, pid)
    qtbot.addWidget(w)
    w.show()
    return w


def _read(path: Path, pid: int):  # type: ignore[no-untyped-def]
    other = open_database(path)
    try:
        return other.load_packet(pid)
    finally:
        other.close()


@contextlib.contextmanager
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, bool]]:
    """(folder, real): a 2 MB tmpfs when mounting is allowed (root), else a plain folder (real=False)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = False
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True, check=False
        ).returncode == 0
    try:
        yield folder, mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def _fill(folder: Path) -> Path:
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 4096)
    return filler


def test_full_disk_keeps_the_edit_marked_and_saves_it_when_there_is_room(
    qtbot: QtBot, tmp_path: Path, dialogs, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PERFEVAL_LOG_DIR", str(tmp_path / "log"))
    with small_disk(tmp_path) as (folder, real):
        path = folder / "perfeval.db"
        db = open_database(path, keep_backups=0)
        pid = db.import_packet(read_package_file(DATA / "seed_000.json"))
        window = _window(qtbot, db, pid)
        view = window.basic_tab.view
        if real:
            filler = _fill(folder)
        else:  # the same error SQLite raises on a full disk, from the store
            real_apply = db.apply_many
            full = {"on": True}

            def apply_many(packet_id, edits, *, wait_ms=None):  # type: ignore[no-untyped-def]
                if full["on"]:
                    try:
                        raise sqlite3.OperationalError("database or disk is full")
                    except sqlite3.OperationalError:
                        from app.storage import StorageError

                        raise StorageError("数据库操作失败（磁盘读写失败或空间已满），本次修改未保存") from None
                return real_apply(packet_id, edits, wait_ms=wait_ms)

            monkeypatch.setattr(db, "apply_many", apply_many)
            monkeypatch.setattr(db, "apply", lambda packet_id, edit, *, wait_ms=None: apply_many(packet_id, [edit]))
        select(view, "basic.staff.authorized")
        type_text(view, "90")
        QApplication.processEvents()
        session = window.session
        assert session is not None and session.pending
        assert cell_text(view, "basic.staff.authorized") == "90", "the edit stays visible"
        assert "basic.staff.authorized" in session.marks, "and marked"
        model = view.grid_model()
        pos = model.grid.position_of("basic.staff.authorized")
        assert pos is not None
        tip = str(model.data(model.index(*pos), Qt.ItemDataRole.ToolTipRole))
        assert "未保存" in tip
        assert "未保存" in window.save_state.text()
        assert "磁盘" in window.save_state.text() or "读写" in window.save_state.text()
        select(view, "basic.staff.actual")
        type_text(view, "80")  # a second edit while the disk is full: queued, no second dialog
        qtbot.waitUntil(lambda: any(k == "warning" and t == "修改未保存" for k, t, _ in dialogs), timeout=2000)
        assert sum(1 for _k, t, _x in dialogs if t == "修改未保存") == 1, "the dialog says it once"
        if real:
            filler.unlink()
        else:
            full["on"] = False
        qtbot.waitUntil(lambda: not session.pending, timeout=sum(RETRY_MS) + 2000)
        assert not session.marks and window.save_state.text().startswith("已自动保存")
        saved = _read(path, pid)
        assert (saved.basic.staff.authorized, saved.basic.staff.actual) == ("90", "80")
        window.close()
        db.close()


def test_a_locked_database_never_freezes_the_window(qtbot: QtBot, db, pid, dialogs) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, db, pid)
    view = window.basic_tab.view
    other = sqlite3.connect(str(db.path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a second program holds the write lock
    try:
        select(view, "basic.staff.authorized")
        start = time.perf_counter()
        type_text(view, "77")
        QApplication.processEvents()
        took = time.perf_counter() - start
        assert took < 1.0, f"the keystroke took {took:.2f} s (the lock wait is {WRITE_WAIT_MS} ms, not 5 s)"
        session = window.session
        assert session is not None and session.failure is not None and session.failure.kind == "locked"
        assert "占用" in window.save_state.text()
        start = time.perf_counter()
        select(view, "basic.staff.actual")
        type_text(view, "68")  # while retrying, a keystroke does not wait for the lock at all
        assert time.perf_counter() - start < 0.5
    finally:
        other.execute("COMMIT")
        other.close()
    session = window.session
    assert session is not None
    qtbot.waitUntil(lambda: not session.pending, timeout=sum(RETRY_MS) + 2000)
    saved = _read(db.path, pid)
    assert (saved.basic.staff.authorized, saved.basic.staff.actual) == ("77", "68")


def test_blank_unit_name_is_refused_marked_and_does_not_block_later_edits(
    qtbot: QtBot, db, pid, dialogs
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, db, pid)
    view = window.basic_tab.view
    name = window.session.packet.unit.name if window.session else ""
    select(view, "unit.name")
    key(view, Qt.Key.Key_Delete)  # the unit name cleared
    QApplication.processEvents()
    session = window.session
    assert session is not None and session.refused and "unit.name" in session.marks
    assert "单位名称" in window.save_state.text()
    assert any(t == "修改未保存" and "单位名称" in x for _k, t, x in dialogs)
    select(view, "basic.staff.authorized")
    type_text(view, "55")  # a later edit is saved although the blank name is not
    QApplication.processEvents()
    saved = _read(db.path, pid)
    assert saved.basic.staff.authorized == "55" and saved.unit.name == name
    assert session.refused, "the refused edit is still held, visible and marked"
    select(view, "unit.name")
    type_text(view, "新单位名称")
    QApplication.processEvents()
    assert not session.refused and not session.marks
    assert _read(db.path, pid).unit.name == "新单位名称"
    assert window.packets.currentText().startswith("新单位名称"), "the list follows a rename the database took"


def test_a_name_and_year_that_exist_are_refused_and_kept_until_close(
    qtbot: QtBot, db, pid, dialogs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    other = read_package_file(DATA / "seed_004.json")
    other.year = window_year = 2024
    db.import_packet(other)
    window = _window(qtbot, db, pid)
    assert window.session is not None and window.session.packet.year == window_year
    view = window.basic_tab.view
    select(view, "unit.name")
    type_text(view, other.unit.name)
    QApplication.processEvents()
    session = window.session
    assert session.refused and "已有" in window.save_state.text()
    select(view, "basic.staff.actual")
    type_text(view, "12")
    QApplication.processEvents()
    assert _read(db.path, pid).basic.staff.actual == "12"
    # closing asks; the clerk keeps everything in a recovery file next to the database
    asked = answer_box_with(monkeypatch, "保存到恢复文件")
    window.close()
    assert asked and "还没有存入数据库" in asked[0]
    files = list(db.path.parent.glob("*-恢复-*.json"))
    assert len(files) == 1
    kept = read_package_file(files[0])
    assert kept.unit.name == other.unit.name and kept.basic.staff.actual == "12"


def test_keep_trying_keeps_the_window_open(qtbot: QtBot, db, pid, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, db, pid)
    select(window.basic_tab.view, "unit.name")
    key(window.basic_tab.view, Qt.Key.Key_Delete)
    QApplication.processEvents()
    answer_box_with(monkeypatch, "继续尝试保存")
    window.close()
    assert window.isVisible(), "not closed: the refused edit is still there"
    assert window.session is not None and window.session.refused
    answer_box_with(monkeypatch, "放弃这些修改")
    window.close()
    assert not window.isVisible()
    assert any(t == "放弃修改" for _k, t, _x in dialogs), "discarding asks once more"


def test_switching_packet_with_a_refused_edit_asks(qtbot: QtBot, db, pid, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    second = db.create_packet("某某县财政局", 2025)
    window = _window(qtbot, db, pid)
    select(window.basic_tab.view, "unit.name")
    key(window.basic_tab.view, Qt.Key.Key_Delete)
    QApplication.processEvents()
    asked = answer_box_with(monkeypatch, "继续尝试保存")
    window.packets.setCurrentIndex(window.packets.findData(second))
    window.packets.activated.emit(window.packets.currentIndex())
    assert asked and window.session is not None and window.session.packet_id == pid
    assert window.packets.currentData() == pid


def test_a_packet_that_cannot_be_read_does_not_stop_the_window(
    qtbot: QtBot, db, pid, dialogs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    good = db.create_packet("某某县财政局", 2025)
    with sqlite3.connect(str(db.path)) as conn:
        conn.execute("UPDATE packets SET extra_json = '{broken' WHERE id = ?", (pid,))
    monkeypatch.setenv("PERFEVAL_LOG_DIR", str(tmp_path / "log"))
    window = _window(qtbot, db, pid)
    assert window.session is None and window.stack.currentWidget() is window.broken_page
    assert "无法打开" in window.broken_page.message.text()
    assert "无法打开" in window.packets.currentText()
    out = tmp_path / "raw.json"
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(out), ""))
    window.broken_page.export_button.click()
    assert '"extra_json": "{broken"' in out.read_text(encoding="utf-8")
    window.broken_page.delete_button.click()  # to the 回收站 (asked, answered 是)
    assert [i.id for i in db.list_packets(trash=True)] == [pid]
    assert window.session is not None and window.session.packet_id == good


def test_run_gui_starts_although_the_newest_packet_is_broken(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    db = open_database(path)
    pid = db.import_packet(read_package_file(DATA / "seed_000.json"))
    db.close()
    with sqlite3.connect(str(path)) as conn:
        conn.execute("UPDATE packets SET extra_json = '{broken' WHERE id = ?", (pid,))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PERFEVAL_LOG_DIR": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # the window's settings stay in the test's folder
    run = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(path), "--quit-after", "300"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr


def test_a_second_start_brings_the_first_window_forward(qtbot: QtBot, db, pid, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.instance import claim_database

    lock, notice = claim_database(db.path)
    assert lock is not None and notice == ""
    window = _window(qtbot, db, pid)
    raised: list[int] = []
    lock.on_raise = lambda: (raised.append(1), window.bring_forward())
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PERFEVAL_LOG_DIR": str(tmp_path)}
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # the window's settings stay in the test's folder
    second = subprocess.Popen(
        [sys.executable, "-m", "app", "--db", str(db.path), "--quit-after", "3000"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=30000)
    finally:
        if second.poll() is None:
            second.kill()
        _out, err = second.communicate()  # closes the pipes
    assert second.returncode == 0, err
    assert raised == [1], "the first window was asked to come forward; no second editing window"
    lock.release()


def test_a_second_window_that_gets_no_answer_is_read_only(qtbot: QtBot, db, pid, dialogs) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLockFile

    from app.ui.instance import SECOND_WINDOW, claim_database

    held = QLockFile(f"{db.path}.lock")  # an editing process that does not answer (no socket)
    assert held.tryLock(100)
    try:
        lock, notice = claim_database(db.path)
        assert lock is None and notice == SECOND_WINDOW
        window = MainWindow(db, pid, readonly=notice)
        qtbot.addWidget(window)
        window.show()
        assert window.banner.isVisible() and "只读" in window.banner.text()
        before = _read(db.path, pid).basic.staff.authorized
        select(window.basic_tab.view, "basic.staff.authorized")
        type_text(window.basic_tab.view, "99")
        QApplication.processEvents()
        assert window.session is not None and window.session.packet.basic.staff.authorized == before
        assert _read(db.path, pid).basic.staff.authorized == before
        assert "只读" in window.statusBar().currentMessage()
    finally:
        held.unlock()


@pytest.mark.parametrize(
    ("sqlite_message", "kind"),
    [
        ("database is locked", "locked"),
        ("database or disk is full", "full"),
        ("attempt to write a readonly database", "readonly"),
        ("disk I/O error", "io"),
        ("unable to open database file", "io"),
    ],
)
def test_what_sqlite_says_is_retried_not_dropped(sqlite_message: str, kind: str) -> None:
    from app.storage import StorageError
    from app.ui.session import classify

    try:
        try:
            raise sqlite3.OperationalError(sqlite_message)
        except sqlite3.OperationalError:
            raise StorageError("数据库操作失败（…），本次修改未保存") from None  # as the repository raises it
    except StorageError as exc:
        failure = classify(exc)
    assert failure.kind == kind and not failure.lasting


def test_a_refused_edit_is_told_apart_from_a_busy_file() -> None:
    from app.storage import StorageError
    from app.ui.session import classify

    failure = classify(StorageError("数据包没有填写单位名称（预算部门名称），无法保存"))
    assert failure.lasting and "单位名称" in failure.message
