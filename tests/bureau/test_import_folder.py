"""``perfeval import DIR``: a line per file (imported / replaced / refused and why), ``--replace`` as for one
file, nothing already stored is lost by a refused file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.package import packet_to_dict, read_package_file
from app.storage import open_database
from tests.bureau.conftest import BROKEN, FILLED, cli


def test_folder_import_reports_every_file(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "bureau.db"
    code, out, err = cli(capsys, "--db", str(db_file), "import", str(inbox))
    assert code == 2 and err == ""  # two files refused (below); no progress bar off a terminal
    lines = out.splitlines()
    by_file = {line.split("：")[1].split(" ")[0]: line for line in lines if line.startswith(("已", "未"))}
    assert len(by_file) == 7
    assert by_file["seed_000.json"].startswith("已导入：seed_000.json → 中共岳阳市委组织部 2024年度（编号")
    # the broken file: why; the filled template of seed 003 after its package: already there
    assert by_file[BROKEN].startswith(f"未导入：{BROKEN}：") and "不完整" in by_file[BROKEN]
    assert by_file[FILLED].startswith(f"未导入：{FILLED}：数据库中已有“中共益阳市直属机关工作委员会”2024年度")
    assert "--replace" in by_file[FILLED]
    assert lines[-1].startswith("共7个文件：导入5个，覆盖0个，未导入2个 → ")
    with open_database(db_file) as db:
        packets = db.list_packets()
        assert len(packets) == 5
        pid = db.find_packet("中共岳阳市委组织部", 2024)
        assert pid is not None
        stored = db.load_packet(pid)
    assert packet_to_dict(stored) == packet_to_dict(read_package_file(inbox / "seed_000.json"))


def test_replace(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_file = tmp_path / "bureau.db"
    cli(capsys, "--db", str(db_file), "import", str(inbox))
    code, out, _ = cli(capsys, "--db", str(db_file), "import", str(inbox), "--replace")
    assert code == 2  # the broken file is still refused
    assert out.count("已覆盖：") == 6 and out.count("未导入：") == 1
    assert "共7个文件：导入0个，覆盖6个，未导入1个" in out
    with open_database(db_file) as db:
        assert len(db.list_packets()) == 5


def test_a_clean_folder_exits_0(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("seed_001.json", "seed_004.json"):
        (folder / name).write_bytes((inbox / name).read_bytes())
    code, out, _ = cli(capsys, "--db", str(tmp_path / "x.db"), "import", str(folder))
    assert code == 0 and out.count("已导入：") == 2


def test_unusable_database_is_one_line(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_db = tmp_path / "x.db"
    not_db.write_text("hello", encoding="utf-8")
    code, out, err = cli(capsys, "--db", str(not_db), "import", str(inbox))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "不是" in err
    assert not_db.read_text(encoding="utf-8") == "hello"
