"""Upgrading the version-1 database checked into tests/data (written by db/make_v1_fixture.py)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.storage import open_database
from app.storage.carryover import next_year
from app.storage.migrations import migrations, split_statements
from app.storage.models import SCHEMA_VERSION
from tests.conftest import DATA
from tests.hunan import PACK
from tests.storage.conftest import seed

V1 = DATA / "v1_sample.db"


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "perfeval.db"
    shutil.copyfile(V1, target)
    return target


def test_fixture_is_a_real_version_1_file() -> None:
    conn = sqlite3.connect(f"file:{V1}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = {r[1] for r in conn.execute("PRAGMA table_info(packets)")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    finally:
        conn.close()
    assert "status" not in columns and "indicator_library" not in tables


def test_version_1_is_upgraded_after_a_backup_and_keeps_every_packet(v1_copy: Path) -> None:
    original = v1_copy.read_bytes()
    with open_database(v1_copy) as db:
        infos = db.list_packets()
        assert {(i.unit_name, i.year) for i in infos} == {
            (seed(0).unit.name, 2024),
            (seed(0).unit.name, 2025),
            (seed(4).unit.name, 2024),
        }
        assert {i.status for i in infos} == {"草稿"}
        assert db.load_packet(db.find_packet(seed(0).unit.name, 2024) or 0) == seed(0)
        assert db.load_packet(db.find_packet(seed(4).unit.name, 2024) or 0) == seed(4)
        carried = next_year(seed(0), PACK)
        carried.basic.austerity = ""  # the v1 file was made before carry-over kept the 厉行节约 text
        assert db.load_packet(db.find_packet(seed(0).unit.name, 2025) or 0) == carried
        library = db.library_indicators()
        names = {i.name for i in library}
        assert {i.name for i in seed(0).self_eval.indicators} <= names  # filled from the stored indicators
        assert {i.name for i in seed(4).self_eval.indicators if i.name} <= names
        one = next(i for i in library if i.name == seed(0).self_eval.indicators[1].name)
        assert one.target == seed(0).self_eval.indicators[1].target  # 2024's wording, not 2025's blank
        db.set_status(infos[0].id, "已打印")
        assert db.upgraded_from == 1 and db.upgrade_backup is not None and db.upgrade_backup.exists()
    assert _version(v1_copy) == SCHEMA_VERSION
    with open_database(v1_copy) as again:
        assert again.upgraded_from is None and again.list_packets()[0].status in ("已打印", "草稿")
    (kept,) = (v1_copy.parent / "backups").glob("perfeval-v1-before-upgrade-*.db")
    assert _version(kept) == 1
    conn = sqlite3.connect(kept)
    try:
        assert conn.execute("SELECT count(*) FROM packets").fetchone()[0] == 3
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert V1.read_bytes() == original  # the checked-in file itself is never opened for writing


def test_migration_list_is_ordered_and_complete() -> None:
    found = migrations()
    assert [m.version for m in found] == list(range(1, SCHEMA_VERSION + 1))
    assert all(m.statements for m in found)


def test_statement_splitter_respects_strings_and_comments() -> None:
    sql = "-- a; comment\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\n\nINSERT INTO t VALUES ('c;\nd');\n-- end\n"
    assert split_statements(sql) == (
        "-- a; comment\nCREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "INSERT INTO t VALUES ('c;\nd');",
    )
