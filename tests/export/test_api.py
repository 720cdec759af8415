"""The public API the GUI calls: light to import, refuses final prints with errors, writes atomically."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.export import FORMATS, ExportRefused, export_packet
from tests.conftest import ROOT
from tests.export.conftest import seed_packet


def test_import_is_light() -> None:
    code = ("import sys, app.export, app.export.document; "
            "heavy = [m for m in ('reportlab', 'openpyxl', 'docx', 'fontTools', 'PySide6') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_formats() -> None:
    assert set(FORMATS) == {"pdf", "xlsx", "docx"}


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="不支持"):
        export_packet(seed_packet("seed_004"), "odt", tmp_path / "x.odt")


def test_refused_export_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(ExportRefused) as info:
        export_packet(seed_packet("seed_003"), "xlsx", tmp_path / "x.xlsx")
    assert info.value.issues and "错误" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_overwrites_existing_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    out.write_bytes(b"old")
    assert export_packet(seed_packet("seed_004"), "pdf", out) == out
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pdf"]  # no temporary left behind


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_new_empty_packet_and_pasted_control_characters(fmt: str, tmp_path: Path) -> None:
    from app.domain.model import Indicator, Packet, ReportSection

    empty = export_packet(Packet(), fmt, tmp_path / f"empty.{fmt}", draft=True)
    assert empty.stat().st_size > 1000
    nasty = Packet()
    nasty.unit.name = "<测试&单位>\x0b\x01"  # pasted from an old spreadsheet: XML cannot hold \x01
    nasty.self_eval.indicators = [Indicator(level1="产出指标", name="甲\x07乙")]
    nasty.report.sections = [ReportSection("一、基本情况", "第一段\x0c第二段")]
    out = export_packet(nasty, fmt, tmp_path / f"nasty.{fmt}", draft=True)
    if fmt == "xlsx":
        from app.export.template_import import read_template_file

        back = read_template_file(out)
        assert back.unit.name == "<测试&单位>"
        assert [i.name for i in back.self_eval.indicators] == ["甲乙"]
