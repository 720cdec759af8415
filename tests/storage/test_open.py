"""Opening: first use, newer and damaged files (refused untouched), restore from a backup."""

from __future__ import annotations

import os
import random
import re
import sqlite3
from pathlib import Path

import pytest

from app.domain.edits import SetCell
from app.storage import (
    DatabaseCorrupt,
    DatabaseTooNew,
    StorageError,
    default_db_path,
    open_database,
    restore_database,
)
from app.storage.models import APPLICATION_ID, SCHEMA_VERSION, Base
from tests.storage.conftest import seed

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _filled(path: Path, n: int = 2) -> None:
    with open_database(path) as db:
        for i in range(n):
            db.import_packet(seed(i))


def test_first_use_creates_the_file_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "perfeval.db"
    with open_database(path) as db:
        assert db.is_empty() and db.path == path
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_connections_enforce_foreign_keys_and_full_sync(db_path: Path) -> None:
    with open_database(db_path) as db, db._raw() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO indicators (packet_id, position) VALUES (999, 0)")


def test_default_path_env_then_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFEVAL_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    monkeypatch.delenv("PERFEVAL_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "PerfEvalDesk" / "perfeval.db"
    monkeypatch.setenv("PERFEVAL_DB", str(tmp_path / "env.db"))
    with open_database() as db:
        assert db.path == tmp_path / "env.db"


def test_the_migrations_build_exactly_the_models_schema(db_path: Path) -> None:
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        assert tables == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            info = {r[1]: r for r in conn.execute(f"PRAGMA table_info({name})")}
            assert set(info) == {c.name for c in table.columns}, name
            for column in table.columns:
                not_null = bool(info[column.name][3]) or bool(info[column.name][5])  # notnull or primary key
                assert not_null == (not column.nullable), f"{name}.{column.name}"
    finally:
        conn.close()


def test_a_newer_database_is_refused_untouched(db_path: Path) -> None:
    _filled(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew) as caught:
        open_database(db_path)
    assert "更新版本" in str(caught.value) and caught.value.version == SCHEMA_VERSION + 1
    assert db_path.read_bytes() == before


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(20_000))


def _truncated(path: Path) -> None:
    _filled(path, 5)
    data = path.read_bytes()
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.write_bytes(data[: len(data) // 2])


def _text(path: Path) -> None:
    path.write_text("这不是数据库，只是一段文字。\nnot a database\n", encoding="utf-8")


def _header_only(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('someone else''s data')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("spoil", [_random_bytes, _truncated, _text, _header_only, _foreign])
def test_bad_files_are_refused_in_chinese_and_left_untouched(db_path: Path, spoil: object) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    assert callable(spoil)
    spoil(db_path)
    before = db_path.read_bytes()
    with pytest.raises(StorageError) as caught:
        open_database(db_path)
    message = str(caught.value)
    assert CHINESE.search(message) and "\n" not in message and "Traceback" not in message
    assert db_path.read_bytes() == before


def _zero_a_page(path: Path, table: str) -> None:
    """Damage the file the way a failing disk does: one page of the table becomes zeros."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page : root * page] = bytes(page)
    path.write_bytes(bytes(data))


def test_integrity_failure_offers_the_newest_good_backup_and_restore_works(db_path: Path) -> None:
    _filled(db_path, 1)
    with open_database(db_path) as db:
        daily = db.rotate_backups() or next((db_path.parent / "backups").glob("*-daily-*.db"))
        pid = db.import_packet(seed(4))
        newer = db.backup_to(db_path.parent / "backups")  # 备份到… that folder: perfeval-<time>.db
        os.utime(daily, (1_700_000_000, 1_700_000_000))
        db.apply(pid, SetCell("notes", "", "备份之后的修改"))
    junk = db_path.parent / "backups" / "perfeval-junk.db"
    junk.write_text("不是备份")
    _zero_a_page(db_path, "indicators")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseCorrupt) as caught:
        open_database(db_path)
    assert caught.value.backups == [newer, daily]  # newest first, the junk file is not offered
    assert "已损坏" in str(caught.value) and newer.name in str(caught.value)
    assert db_path.read_bytes() == before

    restore_database(db_path, caught.value.backups[0])
    with open_database(db_path) as db:
        assert db.integrity_problems() == []
        stored = {(p.unit_name, p.year) for p in db.list_packets()}
        assert stored == {(seed(0).unit.name, 2024), (seed(4).unit.name, 2024)}
        assert db.load_packet(db.find_packet(seed(4).unit.name, 2024) or 0) == seed(4)
    kept = list(db_path.parent.glob("perfeval.db.damaged-????????-??????"))
    assert len(kept) == 1 and kept[0].read_bytes() == before


def test_restore_database_refuses_a_bad_backup(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    _text(bad)
    with pytest.raises(StorageError, match="不是可用的备份"):
        restore_database(db_path, bad)


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    with open_database(path) as db:
        assert db.is_empty()
        db.import_packet(seed(0))
    with open_database(path) as db:
        assert len(db.list_packets()) == 1


@pytest.mark.parametrize("where", ["folder", "under_a_file"])
def test_unusable_locations_are_refused_in_chinese(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    path = tmp_path if where == "folder" else blocker / "perfeval.db"
    with pytest.raises(StorageError) as caught:
        open_database(path)
    assert CHINESE.search(str(caught.value))
    assert blocker.read_text() == "x"
