"""备份到… / 从备份恢复… and the rotating daily backups."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from app.domain.edits import SetCell
from app.storage import Database, StorageError, open_database
from app.storage import backups as backup_files
from tests.storage.conftest import seed


def test_backup_is_one_self_contained_file_with_the_committed_data(db: Database, tmp_path: Path) -> None:
    pid = db.import_packet(seed(0))
    db.apply(pid, SetCell("notes", "", "已提交"))
    dest = db.backup_to(tmp_path / "copy.db")
    assert not Path(f"{dest}-wal").exists()
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    with open_database(dest) as copy:
        assert copy.load_packet(pid).notes == "已提交"
    into_folder = db.backup_to(tmp_path)
    assert into_folder.parent == tmp_path and into_folder.suffix == ".db"


def test_restore_from_brings_back_the_backup_and_keeps_a_safety_copy(db: Database, tmp_path: Path) -> None:
    pid = db.import_packet(seed(0))
    saved = db.backup_to(tmp_path / "saved.db")
    db.apply(pid, SetCell("basic.funds.office.actual", "126.06", "999"))
    other = db.import_packet(seed(4))
    db.restore_from(saved)
    assert db.load_packet(pid) == seed(0)
    assert db.find_packet(seed(4).unit.name, 2024) is None
    assert db.integrity_problems() == []
    (safety,) = (db.path.parent / "backups").glob("perfeval-before-restore-*.db")
    assert db.backups()[0] == safety  # the newest, offered first
    with open_database(safety) as before:
        assert before.load_packet(pid).basic.funds["office"].actual == "999"
        assert before.load_packet(other) == seed(4)
    db.apply(pid, SetCell("notes", "", "恢复后继续填报"))  # the live database keeps working
    assert db.load_packet(pid).notes == "恢复后继续填报"


@pytest.mark.parametrize("content", [b"not a database at all", b"SQLite format 3\x00" + bytes(200)])
def test_restore_from_a_bad_file_changes_nothing(db: Database, tmp_path: Path, content: bytes) -> None:
    pid = db.import_packet(seed(0))
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    with pytest.raises(StorageError):
        db.restore_from(bad)
    assert db.load_packet(pid) == seed(0)


def test_restore_from_an_older_version_upgrades_it(db: Database, tmp_path: Path) -> None:
    from tests.conftest import DATA

    old = tmp_path / "v1.db"
    old.write_bytes((DATA / "v1_sample.db").read_bytes())
    db.import_packet(seed(1))
    db.restore_from(old)
    assert len(db.list_packets()) == 3 and db.library_indicators()
    assert old.read_bytes() == (DATA / "v1_sample.db").read_bytes()


def test_daily_rotation_keeps_the_newest_n(db_path: Path) -> None:
    with open_database(db_path, keep_backups=3) as db:
        assert db.rotate_backups() is None  # nothing to keep in an empty database
        db.import_packet(seed(0))
        with db._raw() as conn:
            made = [backup_files.rotate(conn, db_path, 3, dt.date(2026, 1, 1) + dt.timedelta(days=d)) for d in range(6)]
            again = backup_files.rotate(conn, db_path, 3, dt.date(2026, 1, 6))
    assert all(made) and again is None  # once a day
    kept = sorted(p.name for p in (db_path.parent / "backups").glob("perfeval-daily-*.db"))
    expected = [f"perfeval-daily-2026-01-0{d}.db" for d in (4, 5, 6)]  # today's was not due: empty at opening
    assert kept == expected


def test_opening_makes_todays_backup(db_path: Path) -> None:
    with open_database(db_path) as db:
        db.import_packet(seed(0))
    open_database(db_path).close()
    (daily,) = (db_path.parent / "backups").glob("perfeval-daily-*.db")
    with open_database(daily) as copy:
        assert copy.load_packet(copy.list_packets()[0].id) == seed(0)
