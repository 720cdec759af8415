"""Cold start from the start snapshot (app.ui.startup): the packet is painted before the database is opened,
only when the database file is exactly the one the snapshot was taken of, and nothing typed is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.domain.edits import set_cell
from app.domain.package import read_package_file
from app.storage import open_database
from app.ui.startup import DeferredDatabase, file_state, read_snapshot, snapshot_path, write_snapshot
from tests.conftest import DATA, ROOT


def _db_with_seed(path: Path) -> int:
    db = open_database(path)
    try:
        return db.import_packet(read_package_file(DATA / "seed_000.json"))
    finally:
        db.close()


def _snapshot_of(path: Path, pid: int) -> None:
    db = open_database(path)
    packet, listed = db.load_packet(pid), db.list_packets()
    db.close()
    write_snapshot(path, pid, packet, listed)


def test_snapshot_of_the_closed_file_reads_back_the_same_packet(tmp_path: Path) -> None:
    path = tmp_path / "perfeval.db"
    pid = _db_with_seed(path)
    _snapshot_of(path, pid)
    snap = read_snapshot(path)
    assert snap is not None and snap.packet_id == pid
    db = open_database(path)
    try:
        assert snap.packet == db.load_packet(pid)
        assert [(p.id, p.unit_name, p.year, p.status) for p in snap.packets] == [
            (p.id, p.unit_name, p.year, p.status) for p in db.list_packets()
        ]
    finally:
        db.close()


def test_any_change_to_the_database_invalidates_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "perfeval.db"
    pid = _db_with_seed(path)
    _snapshot_of(path, pid)
    db = open_database(path)
    db.apply(pid, set_cell(db.load_packet(pid), "unit.preparer", "张三"))
    assert file_state(path) is None, "a write-ahead log with a commit: not a stable file"
    assert read_snapshot(path) is None
    db.close()
    assert read_snapshot(path) is None, "closed again, but not the file the snapshot was taken of"


def test_a_damaged_or_foreign_snapshot_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "perfeval.db"
    pid = _db_with_seed(path)
    _snapshot_of(path, pid)
    target = snapshot_path(path)
    assert target is not None
    target.write_text('{"format": "perfeval-start/1", "packet', encoding="utf-8")
    assert read_snapshot(path) is None
    other = tmp_path / "other.db"
    _db_with_seed(other)
    _snapshot_of(path, pid)
    copy = snapshot_path(other)
    assert copy is not None
    copy.write_bytes(target.read_bytes())  # another file's snapshot
    assert read_snapshot(other) is None


def test_caching_switched_off_means_no_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the fonts' rule (app.resources.cache_dir): PERFEVAL_CACHE_DIR set empty switches the cache folder off
    path = tmp_path / "perfeval.db"
    pid = _db_with_seed(path)
    monkeypatch.setenv("PERFEVAL_CACHE_DIR", "")
    assert snapshot_path(path) is None
    _snapshot_of(path, pid)
    assert read_snapshot(path) is None
    monkeypatch.setenv("PERFEVAL_CACHE_DIR", str(tmp_path / "cache"))
    _snapshot_of(path, pid)
    assert read_snapshot(path) is not None and list((tmp_path / "cache").glob("*.json"))


def test_an_edit_before_the_database_is_open_is_saved(qtbot: QtBot, tmp_path: Path) -> None:
    from app.ui.main_window import MainWindow

    path = tmp_path / "perfeval.db"
    pid = _db_with_seed(path)
    _snapshot_of(path, pid)
    snap = read_snapshot(path)
    assert snap is not None
    opened: list[Path] = []

    def opener():  # type: ignore[no-untyped-def]
        opened.append(path)
        return open_database(path)

    deferred = DeferredDatabase(path, snap, opener)
    window = MainWindow(deferred, pid)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert not opened, "the window was built from the snapshot"
    assert window.session is not None
    assert window.session.set("unit.preparer", "李四")  # the clerk types at once
    window.flush()
    assert opened, "saving opened the database"
    window.close()
    deferred.close()
    db = open_database(path)
    try:
        assert db.load_packet(pid).unit.preparer == "李四"
    finally:
        db.close()


def test_a_replaced_file_of_the_same_size_and_time_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "perfeval.db"
    pid = _db_with_seed(path)
    _snapshot_of(path, pid)
    before = path.stat()
    db = open_database(path)
    db.apply(pid, set_cell(db.load_packet(pid), "unit.preparer", "王五"))
    db.close()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same time back
    assert path.stat().st_size == before.st_size  # one cell rewritten in place: same pages
    snap = read_snapshot(path)
    assert snap is not None, "size and time alone cannot tell"
    deferred = DeferredDatabase(path, snap, lambda: open_database(path))
    try:
        assert not deferred.matches_snapshot()  # so the window is rebuilt from the database
    finally:
        deferred.close()


def test_second_start_paints_before_importing_sqlalchemy(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PERFEVAL_LOG_DIR": str(tmp_path),
           "PERFEVAL_CACHE_DIR": str(tmp_path / "cache")}
    _db_with_seed(tmp_path / "p.db")  # a clerk's database (a new one shows the read-only 示例: no snapshot)
    cmd = [sys.executable, "-m", "app", "--db", str(tmp_path / "p.db"), "--quit-after", "0"]
    marks = []
    for _ in range(2):
        env["PERFEVAL_START_TRACE"] = "0"
        run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        marks.append([line.split()[1] + ":" + line.split()[3] for line in run.stderr.splitlines()
                      if line.startswith("perfeval-start")])
    assert marks[0] == ["database:sqlalchemy=1", "painted:sqlalchemy=1"]  # first start: no snapshot yet
    assert marks[1] == ["painted:sqlalchemy=0", "database:sqlalchemy=1"]  # from the snapshot
