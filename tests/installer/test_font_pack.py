"""installer/font_pack.py: the bundle's fonts as .xz files that app/resources.py unpacks (and sizes) correctly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "installer"))
import font_pack

from app import resources


@pytest.fixture
def fonts(tmp_path: Path) -> Path:
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "face.ttf").write_bytes(b"\x00\x01\x00\x00glyf" * 20000)
    (folder / "face.LICENSE.txt").write_text("licence", encoding="utf-8")
    (folder / "watermark.json").write_text("{}", encoding="utf-8")
    return folder


def test_fonts_go_in_as_xz_and_everything_else_as_it_is(fonts: Path, tmp_path: Path) -> None:
    entries = font_pack.bundle_entries(fonts, tmp_path / "out")
    names = sorted(Path(src).name for src, dest in entries)
    assert names == ["face.LICENSE.txt", "face.ttf.xz", "watermark.json"]
    assert {dest for _src, dest in entries} == {"resources/fonts"}


def test_the_program_unpacks_what_was_packed(fonts: Path, tmp_path: Path) -> None:
    packed = font_pack.pack(fonts / "face.ttf", tmp_path / "out")
    assert packed.stat().st_size < (fonts / "face.ttf").stat().st_size / 10
    assert resources.unpacked_size(packed.read_bytes()[-65536:]) == (fonts / "face.ttf").stat().st_size
    unpacked = resources.unpack_font(packed, tmp_path / "cache")
    assert unpacked.name == "face.ttf" and unpacked.read_bytes() == (fonts / "face.ttf").read_bytes()


def test_an_unchanged_font_is_not_compressed_again(fonts: Path, tmp_path: Path) -> None:
    first = font_pack.pack(fonts / "face.ttf", tmp_path / "out")
    stamp = first.stat().st_mtime_ns
    assert font_pack.pack(fonts / "face.ttf", tmp_path / "out").stat().st_mtime_ns == stamp
    (fonts / "face.ttf").write_bytes(b"another face" * 1000)
    again = font_pack.pack(fonts / "face.ttf", tmp_path / "out")
    assert resources.unpacked_size(again.read_bytes()) == 12000
