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
