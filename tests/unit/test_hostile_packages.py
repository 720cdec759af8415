"""Packages a hostile tester (or a damaged USB stick) produced: each gets a clear Chinese message, never a crash.

Every case here once ended in 程序内部错误 (exit 3) or silently did the wrong thing (issue 11).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from app.cli import EXIT_PIPE_CLOSED, main
from app.domain.evaluate import evaluate
from app.domain.numbers import Kind, parse_number
from app.domain.package import PackageError, packet_to_dict, read_package_file, read_package_text, write_package_text

ROOT = Path(__file__).resolve().parents[2]
SEED = json.loads((ROOT / "tests" / "data" / "seed_000.json").read_text("utf-8"))


def _doc(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SEED)
    doc.update(changes)
    return doc


def _problems(text: str) -> str:
    with pytest.raises(PackageError) as info:
        read_package_text(text, source="x.json")
    return info.value.one_line()


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[int, str]:
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    code = main(["check", str(path)])
    return code, capsys.readouterr().err


def test_bands_rule_without_settings_is_read_and_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bands rule (the app's own export writes one) used to crash building a Band without min/ratio."""
    rule = {"kind": "bands", "bands": [{"min": "95%", "ratio": "1"}, {"ratio": "0.5"}, {}]}
    packet = read_package_text(json.dumps(_doc(scoring_rule=rule)))
    assert packet.scoring_rule.bands[1].min is None
    codes = {(i.code, i.field) for i in evaluate(packet).issues}
    assert ("invalid_rule", "scoring_rule.bands[1].min") in codes
    code, err = _check(tmp_path, capsys, json.dumps(_doc(scoring_rule=rule)))
    assert code == 1 and "内部错误" not in err


def test_own_json_export_with_bands_round_trips() -> None:
    rule = {"kind": "bands", "k": None, "bands": [{"min": "95%", "ratio": "1"}, {"min": "80%", "ratio": "0.8"}]}
    packet = read_package_text(json.dumps(_doc(scoring_rule=rule)))
    again = read_package_text(write_package_text(packet))
    assert packet_to_dict(again) == packet_to_dict(packet)


@pytest.mark.parametrize("figure", ["1" * 29, "9" * 40 + ".5", 10**35, "1e400", 1e300, "123456789012345678亿"])
def test_huge_figures_are_invalid_numbers(figure: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _doc()
    doc["basic"]["funds"]["office"]["prior"] = figure
    doc["self_eval"]["executed"] = figure
    packet = read_package_text(json.dumps(doc))
    issues = evaluate(packet).issues
    assert any(i.code == "invalid_number" and i.field == "self_eval.executed" for i in issues)
    code, err = _check(tmp_path, capsys, json.dumps(doc))
    assert code == 1 and "内部错误" not in err


def test_the_largest_accepted_figure_still_sums() -> None:
    assert parse_number("999999999999999.99").ok
    doc = _doc()
    for key in ("office", "utilities_travel", "meetings_training"):
        doc["basic"]["funds"][key]["prior"] = "999999999999999.99"
    evaluate(read_package_text(json.dumps(doc)))  # sums and roundings stay within Decimal's 28 digits


def test_tiny_float_from_excel_is_a_number() -> None:
    assert parse_number(1e-05, Kind.RATE).ok  # repr is "1e-05": not "letters in a number"


@pytest.mark.parametrize("year", ["²⁰²⁴", "٢٠٢٤x", "2024\u0663"])
def test_year_in_odd_digits(year: str) -> None:
    assert "年度应为四位整数年份" in _problems(json.dumps(_doc(year=year)))


def test_full_width_year_is_still_a_year() -> None:
    assert read_package_text(json.dumps(_doc(year="２０２４"))).year == 2024


def test_lone_surrogate_is_refused_with_its_place() -> None:
    text = json.dumps(_doc(), ensure_ascii=True).replace('"name": "\\u4e2d', '"name": "\\ud800\\u4e2d', 1)
    message = _problems(text)
    assert "unit.name" in message and "代理项" in message


def test_lone_surrogate_in_a_kept_unknown_key_is_refused() -> None:
    message = _problems(json.dumps(_doc(future={"note": "\ud800"}), ensure_ascii=True))
    assert "代理项" in message


def test_a_valid_pair_is_fine() -> None:
    text = json.dumps(_doc(notes="\U0001f600"), ensure_ascii=True)  # written as \ud83d\ude00
    assert read_package_text(text).notes == "\U0001f600"


@pytest.mark.parametrize("key", ["a.b", "x[0]", "]", "", "  "])
def test_keys_that_would_confuse_field_paths_are_refused(key: str) -> None:
    doc = _doc()
    doc["basic"]["funds"][key] = {"prior": "1"}
    message = _problems(json.dumps(doc))
    assert "键名" in message and "无效" in message


def test_income_key_with_a_dot_is_refused() -> None:
    doc = _doc()
    doc["self_eval"]["income"]["gov.fund"] = "1"
    assert "键名“gov.fund”无效" in _problems(json.dumps(doc))


def test_format_version_zero_is_not_newer() -> None:
    message = _problems(json.dumps(_doc(format="perfeval-package/0")))
    assert "无效" in message and "比本程序新" not in message


def test_format_version_two_is_newer() -> None:
    assert "比本程序新" in _problems(json.dumps(_doc(format="perfeval-package/2")))


def test_duplicate_keys_are_reported() -> None:
    text = json.dumps(_doc())[:-1] + ', "year": 2025}'
    message = _problems(text)
    assert "“year”" in message and "多次" in message


def test_nested_duplicate_keys_are_reported() -> None:
    text = json.dumps(_doc()).replace('"actual": 66', '"actual": 66, "actual": 67', 1)
    assert text != json.dumps(_doc())
    assert "“actual”" in _problems(text)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_fifo_as_input_does_not_hang(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(["check", str(fifo)])), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the test run can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("perfeval check blocked on a FIFO")
    assert result == [2]
    assert "不是普通文件" in capsys.readouterr().err


def test_package_file_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as info:
        read_package_file(tmp_path)
    assert "文件夹" in info.value.one_line()


def test_check_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """`perfeval check … | head`: the reader went away; no crash log, no traceback, exit 141 like `yes | head`."""
    logs = tmp_path / "logs"
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before we write
    env = {**os.environ, "PERFEVAL_LOG_DIR": str(logs)}
    seed = ROOT / "tests" / "data" / "seed_003.json"
    done = subprocess.run([sys.executable, "-m", "app.cli", "check", str(seed), "--json"], stdout=write_end,
                          stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=60, check=False)
    os.close(write_end)
    assert done.returncode == EXIT_PIPE_CLOSED
    assert done.stderr == b""
    assert not logs.exists()
