"""``perfeval import`` / ``perfeval list`` against a database chosen by --db or PERFEVAL_DB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.domain.package import packet_to_dict
from app.storage import open_database
from tests.conftest import DATA, ROOT
from tests.storage.conftest import seed


def test_import_then_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "cli.db"
    assert main(["--db", str(db_file), "import", str(DATA / "seed_000.json")]) == 0
    assert main(["--db", str(db_file), "import", str(DATA / "seed_004.json")]) == 0
    out = capsys.readouterr().out
    assert "已导入" in out and seed(0).unit.name in out
    assert main(["--db", str(db_file), "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["unit"], p["year"], p["status"]) for p in listed["packets"]] == sorted(
        [(seed(0).unit.name, 2024, "草稿"), (seed(4).unit.name, 2024, "草稿")]
    )
    assert main(["--db", str(db_file), "list"]) == 0
    text = capsys.readouterr().out
    assert "共2个单位，2个数据包" in text and seed(4).unit.name in text
    with open_database(db_file) as db:
        pid = db.find_packet(seed(0).unit.name, 2024)
        assert pid is not None and packet_to_dict(db.load_packet(pid)) == packet_to_dict(seed(0))


def test_import_twice_needs_replace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "cli.db"
    args = ["--db", str(db_file), "import", str(DATA / "seed_001.json")]
    assert main(args) == 0
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--replace" in err and len(err.strip().splitlines()) == 1
    assert main([*args, "--replace"]) == 0
    assert "已覆盖" in capsys.readouterr().out


def test_env_variable_chooses_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PERFEVAL_DB", str(tmp_path / "env.db"))
    assert main(["list"]) == 0
    assert "还没有数据包" in capsys.readouterr().out
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.json", b'{"format": "perfeval-package/1", "year": ', "截断"),
        ("photo.json", b"\x89PNG\r\n\x1a\n" + bytes(50), "UTF-8"),
        ("template.xlsx", b"PK\x03\x04", "template.xlsx"),  # refused here or by the template importer
        ("letter.docx", b"PK\x03\x04", ".docx"),
    ],
)
def test_bad_input_is_one_chinese_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, expected: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    code = main(["--db", str(tmp_path / "cli.db"), "import", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_damaged_database_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "bad.db"
    db_file.write_text("hello", encoding="utf-8")
    assert main(["--db", str(db_file), "list"]) == 2
    assert main(["--db", str(db_file), "import", str(DATA / "seed_000.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("不是PerfEval Desk的数据库" in line for line in err)
    assert db_file.read_text(encoding="utf-8") == "hello"


def test_check_does_not_import_storage() -> None:
    code = (
        "import sys, app.cli, app.commands.check; "
        "print(any(m == 'app.storage' or m.startswith('sqlalchemy') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_importing_the_storage_package_defers_sqlalchemy() -> None:
    code = (
        "import sys, app.storage; before = any(m.startswith('sqlalchemy') for m in sys.modules); "
        "from app.storage import open_database, StorageError; "
        "print(before, any(m.startswith('sqlalchemy') for m in sys.modules), callable(open_database))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "True"]


def test_a_newer_database_is_refused_by_the_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    db_file = tmp_path / "new.db"
    assert main(["--db", str(db_file), "import", str(DATA / "seed_000.json")]) == 0
    conn = sqlite3.connect(db_file)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    capsys.readouterr()
    before = db_file.read_bytes()
    assert main(["--db", str(db_file), "list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "更新版本" in err[0]
    assert db_file.read_bytes() == before
