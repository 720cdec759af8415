"""`perfeval check` as contract.md fixes it: JSON shape, required keys, exit codes, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.domain.evaluate import REQUIRED_KEYS

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed_000.json"


def run_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_000_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_check(capsys, str(SEED), "--json")
    doc = json.loads(out)
    assert code == 1
    c = doc["computed"]
    assert c["basic.control_rate"] == "81.48%"
    assert c["self_eval.execution_rate"] == "85.32%"
    assert c["self_eval.weight_total"] == "115"
    assert c["basic.funds.three_public.actual"] == "11.38"
    assert c["projects[0].execution_rate"] == "100.00%"
    assert c["projects[0].total_score"] == "100"
    assert set(REQUIRED_KEYS) <= set(c)
    found = {(i["code"], i["field"]) for i in doc["issues"]}
    assert ("stated_mismatch", "basic.control_rate") in found
    assert ("weight_mismatch", "self_eval.indicators.level1[产出指标]") in found
    assert ("weight_mismatch", "self_eval.indicators.level1[效益指标]") in found
    assert doc["summary"] == {"errors": 7, "warnings": 0}
    for issue in doc["issues"]:
        assert issue["severity"] in ("error", "warning") and issue["message"]


def test_human_table_is_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_check(capsys, str(SEED))
    assert code == 1
    assert "附件1 控制率" in out and "81.48%" in out
    assert "审核结果：7个错误，0个提示" in out


def _variant(tmp_path: Path, name: str, change: object) -> Path:
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    change(doc)  # type: ignore[operator]
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_zero_authorized_shows_dash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _variant(tmp_path, "zero.json", lambda d: d["basic"]["staff"].update(authorized=0))
    code, out, err = run_check(capsys, str(path), "--json")
    assert code == 1 and err == ""
    assert json.loads(out)["computed"]["basic.control_rate"] == "——"


def test_letters_in_a_number_cell_are_an_invalid_number_issue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _variant(tmp_path, "abc.json", lambda d: d["basic"]["staff"].update(actual="abc"))
    code, out, _ = run_check(capsys, str(path), "--json")
    issues = json.loads(out)["issues"]
    bad = [i for i in issues if i["code"] == "invalid_number"]
    assert code == 1
    assert bad[0]["field"] == "basic.staff.actual"
    assert "“abc”不是数字" in bad[0]["message"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (lambda s: s[: len(s) // 2], "文件不完整"),
        (lambda s: "这不是JSON", "不是JSON数据包"),
        (lambda s: "", "文件是空的"),
        (lambda s: '{"format": "perfeval-package/9", "year": 2024}', "比本程序新"),
        (lambda s: '{"format": "other", "year": 2024}', "不是绩效自评数据包"),
        (lambda s: "[1, 2]", "顶层应为JSON对象"),
    ],
)
def test_unreadable_input_exits_2_with_one_chinese_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, fragment: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content(SEED.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    code, out, err = run_check(capsys, str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "photo.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    code, _, err = run_check(capsys, str(path))
    assert code == 2 and "不是UTF-8编码" in err


def test_structure_problems_are_all_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def wreck(d: dict) -> None:  # type: ignore[type-arg]
        d["basic"]["funds"] = "x"
        d["self_eval"]["indicators"] = 5
        d["projects"][0]["name"] = {"a": 1}

    code, _, err = run_check(capsys, str(_variant(tmp_path, "s.json", wreck)))
    assert code == 2
    assert "basic.funds" in err and "self_eval.indicators" in err and "projects[0].name" in err


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_check(capsys, "/nonexistent/x.json")
    assert code == 2 and "文件不存在" in err


def test_installed_style_invocation_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "t.json"
    bad.write_text('{"format": "perfeval-package/1", "year": 2024, "basic": ', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "app", "check", str(bad)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "文件不完整" in proc.stderr


def test_usage_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["nonsense"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "用法：perfeval" in err and "无效的选择 'nonsense'" in err and "error" not in err
    with pytest.raises(SystemExit):
        main(["export", str(SEED)])
    assert "缺少必需的参数：--format/-f, -o/--output" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["summary", "--jobs", "x"])
    assert "无效的值 'x'（应为整数）" in capsys.readouterr().err


def test_help_lists_every_command_without_importing_them() -> None:
    program = (
        "import sys\nfrom app.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('app.commands.')))"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "显示本帮助并退出" in done.stdout and "summary" in done.stdout
    assert done.stdout.strip().endswith("[]")  # no command module imported for the GUI start or --help
