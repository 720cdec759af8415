"""``perfeval check PACKAGE --letter OUT``: the 退回意见 lists every error and warning with its message, read back
from the .docx and the .pdf."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import docx
import pypdf
import pytest

from app.domain.evaluate import evaluate
from app.domain.package import read_package_file
from app.export.letter import letter_for
from tests.bureau.conftest import check_json, cli
from tests.conftest import DATA


def flat(text: str) -> str:
    return "".join(text.split())


def test_docx_for_seed_000_lists_its_seven_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "退回意见.docx"
    code, stdout, _ = cli(capsys, "check", str(DATA / "seed_000.json"), "--letter", str(out))
    assert code == 1  # as check: errors found
    assert "审核结果：7个错误" in stdout and f"已写出退回意见：{out}" in stdout
    _, doc = check_json(capsys, DATA / "seed_000.json")
    messages = [i["message"] for i in doc["issues"]]
    assert len(messages) == 7
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[0] == "绩效自评材料退回意见"
    assert "中共岳阳市委组织部：" in paragraphs
    assert any("2024年度" in p and "7个错误" in p for p in paragraphs)
    assert "一、须改正的错误（7个）" in paragraphs
    items = [p for p in paragraphs if re.match(r"^\d+．", p)]
    assert [int(p.split("．")[0]) for p in items] == list(range(1, 8))
    for n, message in enumerate(messages):
        assert items[n].startswith(f"{n + 1}．{message}")
    assert "（位置：附件1 控制率）" in items[0]
    assert any(p.startswith("审核单位（盖章）") for p in paragraphs)
    today = dt.date.today()
    assert paragraphs[-1] == f"{today.year}年{today.month}月{today.day}日"


def test_pdf_for_seed_000_lists_its_seven_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "letter.pdf"
    code, stdout, err = cli(capsys, "check", str(DATA / "seed_000.json"), "--json", "--letter", str(out))
    assert code == 1 and stdout.lstrip().startswith("{") and "已写出退回意见" in err  # stdout stays JSON
    reader = pypdf.PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = flat("".join(p.extract_text() for p in reader.pages))
    _, doc = check_json(capsys, DATA / "seed_000.json")
    assert text.startswith("绩效自评材料退回意见中共岳阳市委组织部：")
    for n, issue in enumerate(doc["issues"], start=1):
        assert f"{n}．{flat(issue['message'])}" in text, issue["message"]
    assert "审核单位（盖章）" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert any("WenQuanYi" in str(f.get_object()["/BaseFont"]) for f in fonts.values())


def test_warnings_get_their_own_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "l.docx"
    assert cli(capsys, "check", str(DATA / "seed_001.json"), "--letter", str(out))[0] == 1
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "一、须改正的错误（1个）" in paragraphs and "二、请核实的提示（3个）" in paragraphs
    assert sum(1 for p in paragraphs if re.match(r"^\d+．", p)) == 4
    assert any("（位置：附件4 自评报告）" in p for p in paragraphs)


def test_only_warnings_and_no_issues_are_not_returned() -> None:
    packet = read_package_file(DATA / "seed_004.json")
    letter = letter_for(packet, evaluate(packet), today=dt.date(2026, 3, 5))
    assert letter.title == "绩效自评材料审核意见" and "未发现错误，有1个提示" in letter.opening
    assert [h for h, _ in letter.sections] == ["一、请核实的提示（1个）"] and letter.date == "2026年3月5日"
    clean = letter_for(packet, replace(evaluate(packet), issues=[]))
    assert clean.sections == [] and "未发现错误或需要核实的问题" in clean.opening


def test_bad_letter_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "check", str(DATA / "seed_000.json"), "--letter", str(tmp_path / "x.txt"))
    assert code == 2 and out == "" and ".docx 或 .pdf" in err
    code, _, err = cli(capsys, "check", str(DATA / "seed_000.json"), "--letter", str(tmp_path / "no" / "x.pdf"))
    assert code == 2 and "无法写入" in err and "Traceback" not in err
