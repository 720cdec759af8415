"""``perfeval export -o`` never writes over a database (the local one, its -wal, any SQLite file) or the input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.storage import open_database
from tests.conftest import DATA


@pytest.fixture
def local_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "perfeval.db"
    with open_database(path) as db:
        db.import_sample_if_empty()
    monkeypatch.setenv("PERFEVAL_DB", str(path))
    return path


@pytest.mark.parametrize("fmt", ["pdf", "json"])
def test_export_onto_the_live_database_is_refused(
    local_db: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = local_db.read_bytes()
    code = main(["export", str(DATA / "seed_000.json"), "-f", fmt, "--draft", "-o", str(local_db)])
    assert code == 2
    assert "数据库文件" in capsys.readouterr().err
    assert local_db.read_bytes() == before
    with open_database(local_db) as db:
        assert len(db.list_packets()) == 1


def test_stored_packet_export_onto_its_own_database_is_refused(
    local_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_database(local_db) as db:
        info = db.list_packets()[0]
    before = local_db.read_bytes()
    code = main(["export", "--unit", info.unit_name, "--year", str(info.year), "-f", "json", "-o", str(local_db)])
    assert code == 2 and "数据库文件" in capsys.readouterr().err
    assert local_db.read_bytes() == before


def test_export_onto_the_wal_is_refused(local_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wal = Path(f"{local_db}-wal")
    code = main(["export", str(DATA / "seed_000.json"), "-f", "pdf", "--draft", "-o", str(wal)])
    assert code == 2 and "数据库文件" in capsys.readouterr().err


def test_export_onto_any_other_database_file_is_refused(
    local_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "archive.xlsx"  # a database, whatever its name says
    shutil.copy(local_db, other)
    before = other.read_bytes()
    code = main(["export", str(DATA / "seed_000.json"), "-f", "xlsx", "--draft", "-o", str(other)])
    assert code == 2 and "数据库文件" in capsys.readouterr().err
    assert other.read_bytes() == before


def test_export_onto_the_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "p.json"
    shutil.copy(DATA / "seed_000.json", src)
    before = src.read_bytes()
    code = main(["export", str(src), "-f", "json", "-o", str(src)])
    assert code == 2 and "输入文件相同" in capsys.readouterr().err
    assert src.read_bytes() == before


def test_an_ordinary_existing_output_is_still_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "old.pdf"
    out.write_bytes(b"%PDF-1.4 an older export")
    assert main(["export", str(DATA / "seed_000.json"), "-f", "pdf", "--draft", "-o", str(out)]) == 0
    assert out.read_bytes() != b"%PDF-1.4 an older export"
    capsys.readouterr()
