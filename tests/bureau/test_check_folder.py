"""``perfeval check DIR``: a line per file, exit status by the worst file, ``--json`` a list; one broken
file never stops the others; the same answers with one process or two."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bureau.conftest import BROKEN, FILLED, check_json, cli
from tests.conftest import DATA, ROOT


def test_a_line_per_file_and_the_worst_exit(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "check", str(inbox))
    assert code == 2  # the broken file
    assert err == ""  # no progress bar: stderr is not a terminal here
    lines = out.splitlines()
    files = [line for line in lines if line.split(" ")[0].endswith((".json", ".xlsx"))]
    assert len(files) == 7
    line0 = next(x for x in files if x.startswith("seed_000.json"))
    assert "中共岳阳市委组织部 2024年度" in line0 and "7个错误，0个提示" in line0
    assert "无法读取" in next(x for x in files if x.startswith(BROKEN))
    assert "通过：0个错误，1个提示" in next(x for x in files if x.startswith("seed_004.json"))
    assert lines[-1] == "共7个文件：无错误1个，有错误5个，无法读取1个"


@pytest.mark.parametrize(("names", "expected"), [
    (["seed_004.json"], 0),  # warnings only
    (["seed_004.json", "seed_000.json"], 1),
    (["seed_004.json", "seed_000.json", BROKEN], 2),
])
def test_exit_status_is_the_worst(inbox: Path, tmp_path: Path, names: list[str], expected: int,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    for name in names:
        shutil.copy(inbox / name, tmp_path / name)
    assert cli(capsys, "check", str(tmp_path))[0] == expected


def test_json_is_a_list_of_check_documents(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "check", str(inbox), "--json")
    assert code == 2
    items = json.loads(out)
    assert [Path(i["file"]).name for i in items] == sorted(p.name for p in inbox.iterdir() if p.suffix != ".txt")
    for item in items:
        if Path(item["file"]).name == BROKEN:
            assert item["exit"] == 2 and "不完整" in item["problem"] and "issues" not in item
            continue
        status, doc = check_json(capsys, item["file"])
        assert item["exit"] == status and item["problem"] is None
        assert {k: item[k] for k in ("template", "computed", "issues", "summary")} == doc
    filled = next(i for i in items if i["file"].endswith(FILLED))
    assert filled["unit"] == "中共益阳市直属机关工作委员会" and filled["year"] == 2024


def test_two_processes_give_the_same_answers(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = cli(capsys, "check", str(inbox), "--json", "--jobs", "1")
    two = cli(capsys, "check", str(inbox), "--json", "--jobs", "2")
    assert one == two


def test_empty_folder_and_letter_for_a_folder(tmp_path: Path, inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "check", str(tmp_path))
    assert code == 2 and "没有数据包" in err
    code, _, err = cli(capsys, "check", str(inbox), "--letter", str(tmp_path / "x.docx"))
    assert code == 2 and "单个数据包" in err


def test_progress_bar_only_on_a_terminal(inbox: Path) -> None:
    """Under a pseudo-terminal the bar is drawn on stderr; stdout still has the lines."""
    import pty

    script = f"import sys; from app.cli import main; sys.exit(main(['check', {str(inbox)!r}]))"
    main_fd, child_fd = pty.openpty()
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=child_fd,
                          timeout=120, check=False)
    import os

    os.close(child_fd)
    drawn = os.read(main_fd, 65536).decode("utf-8", "replace")
    os.close(main_fd)
    assert proc.returncode == 2
    assert "审核" in drawn and "7/7" in drawn
    assert "审核 █" not in proc.stdout.decode() and "共7个文件" in proc.stdout.decode()


def test_the_seed_data_folder_itself(capsys: pytest.CaptureFixture[str]) -> None:
    """tests/data holds the seeds and their expected reports (also .json): those are not packages and say so."""
    code, out, _ = cli(capsys, "check", str(DATA))
    assert code == 2
    assert out.count("seed_00") == 10 and "expected.json  无法读取" in out
