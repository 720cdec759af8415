"""``perfeval export``: exit codes (0 written, 1 refused with the errors listed, 2 bad input), batch."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import DATA


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_final_print_with_errors_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    code, _, err = run(capsys, "export", str(DATA / "seed_000.json"), "--format", "pdf", "-o", str(out))
    assert code == 1
    assert not out.exists()
    assert "不能打印正式材料" in err and "控制率填报为100%" in err and "--draft" in err
    assert "Traceback" not in err


def test_draft_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "a.pdf"
    code, stdout, _ = run(capsys, "export", str(DATA / "seed_000.json"), "--format", "pdf", "-o", str(out), "--draft")
    assert code == 0 and out.read_bytes().startswith(b"%PDF")
    assert str(out) in stdout


def test_final_print_without_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for fmt in ("xlsx", "docx"):
        out = tmp_path / f"b.{fmt}"
        code, _, _ = run(capsys, "export", str(DATA / "seed_004.json"), "-f", fmt, "-o", str(out))
        assert code == 0 and out.stat().st_size > 5000


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["missing.json", "-f", "pdf"], "文件不存在"),
        (["--unit", "某单位", "-f", "pdf"], "--year"),
    ],
)
def test_bad_input_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], needle: str) -> None:
    code, _, err = run(capsys, "export", *args, "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and needle in err and "Traceback" not in err


def test_broken_package_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "perfeval-package/1", "year": 2024, "basic": {"staff": {"actual": [1]}}}',
                   encoding="utf-8")
    code, _, err = run(capsys, "export", str(bad), "-f", "xlsx", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "basic.staff.actual" in err


def test_stored_packet_without_storage_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Before the storage branch is merged: a clear message; after: an empty database has no such packet."""
    code, _, err = run(capsys, "--db", str(tmp_path / "perfeval.db"), "export", "--unit", "中共岳阳市委组织部",
                       "--year", "2024", "-f", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert code == 2
    assert "数据库" in err
    assert err.startswith("perfeval：") and "Traceback" not in err


def test_batch_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in (0, 3, 4):
        shutil.copy(DATA / f"seed_00{n}.json", src)
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "export", str(src), "-f", "pdf", "-o", str(out))
    # seed 000 and 003 have errors: refused (exit 1); seed 004 printed
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["seed_004.pdf"]
    assert "共导出1个文件，2个因错误未导出" in stdout
    assert "█" not in err  # no progress bar when stderr is not a terminal
    code, _, _ = run(capsys, "export", str(src), "-f", "xlsx", "-o", str(out), "--draft")
    assert code == 0
    assert len(list(out.glob("*.xlsx"))) == 3


def test_batch_with_unreadable_file_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "export", str(DATA / "seed_004.json"), str(bad), "-f", "docx", "-o", str(tmp_path / "o"))
    assert code == 2
    assert (tmp_path / "o" / "seed_004.docx").exists()
    assert "bad.json" in err


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(capsys, "export", str(DATA / "seed_004.json"), str(DATA / "seed_002.json"), "-f", "json",
                       "-o", str(tmp_path / "o"))
    assert code == 0
    assert "2/2" in err and "█" in err
    back = json.loads((tmp_path / "o" / "seed_004.json").read_text(encoding="utf-8"))
    assert back["format"] == "perfeval-package/1"


def test_xlsx_template_as_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    xlsx = tmp_path / "t.xlsx"
    assert run(capsys, "export", str(DATA / "seed_004.json"), "-f", "xlsx", "-o", str(xlsx))[0] == 0
    code, _, _ = run(capsys, "export", str(xlsx), "-f", "pdf", "-o", str(tmp_path / "t.pdf"))
    assert code == 0 and (tmp_path / "t.pdf").exists()


def test_batch_never_overwrites_inputs_or_itself(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(DATA / "seed_004.json", src / "a.json")
    assert run(capsys, "export", str(src / "a.json"), "-f", "xlsx", "-o", str(src / "a.xlsx"))[0] == 0
    before = (src / "a.xlsx").read_bytes()
    # a.json and a.xlsx → a.pdf and a-2.pdf
    code, _, _ = run(capsys, "export", str(src), "-f", "pdf", "-o", str(tmp_path / "out"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a-2.pdf", "a.pdf"]
    # exporting xlsx into the input folder never writes over the input a.xlsx
    code, _, _ = run(capsys, "export", str(src), "-f", "xlsx", "-o", str(src))
    assert code == 0
    assert (src / "a.xlsx").read_bytes() == before
    assert sorted(p.name for p in src.iterdir()) == ["a-2.xlsx", "a-3.xlsx", "a.json", "a.xlsx"]
    # a single export onto its own input is refused
    code, _, err = run(capsys, "export", str(src / "a.xlsx"), "-f", "xlsx", "-o", str(src / "a.xlsx"))
    assert code == 2 and "输出文件与输入文件相同" in err
    assert (src / "a.xlsx").read_bytes() == before


def test_template_import_and_stored_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An exported .xlsx imported into the database (perfeval import) exports again from there."""
    db = str(tmp_path / "perfeval.db")
    xlsx = tmp_path / "t.xlsx"
    assert run(capsys, "export", str(DATA / "seed_004.json"), "-f", "xlsx", "-o", str(xlsx))[0] == 0
    code, stdout, err = run(capsys, "--db", db, "import", str(xlsx))
    assert code == 0, err
    assert "中共汨罗市委办公室" in stdout
    for fmt in ("pdf", "json"):
        target = tmp_path / f"stored.{fmt}"
        code, _, err = run(capsys, "--db", db, "export", "--unit", "中共汨罗市委办公室", "--year", "2024",
                           "-f", fmt, "-o", str(target))
        assert code == 0, err
        assert target.stat().st_size > 1000
    stored = json.loads((tmp_path / "stored.json").read_text(encoding="utf-8"))
    original = json.loads((DATA / "seed_004.json").read_text(encoding="utf-8"))
    assert original["template"] == "cost_level1"  # an old value: hunan-dept with that catalogue (contract.md)
    assert (stored["template"], stored["catalogue"]) == ("hunan-dept", "cost_level1")
    assert len(stored["self_eval"]["indicators"]) == len(original["self_eval"]["indicators"])
    assert [s["title"] for s in stored["report"]["sections"]] == [s["title"] for s in original["report"]["sections"]]
