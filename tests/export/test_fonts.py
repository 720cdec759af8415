"""The bundled faces: parsed once, their tables cached across processes, and a broken cache is harmless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.export import fonts


def test_cached_tables_equal_a_fresh_parse(tmp_path: Path) -> None:
    face = fonts.FANG
    data = fonts.face_path(face).read_bytes()
    parsed = fonts._parse(face, data)
    cache = tmp_path / "f.marshal"
    fonts._store(parsed, cache)
    loaded = fonts._from_cache(face, data, cache)
    assert loaded is not None
    assert loaded.face.charToGlyph == parsed.face.charToGlyph
    assert loaded.face.charWidths == parsed.face.charWidths
    assert loaded.face.glyphPos == parsed.face.glyphPos
    assert str(loaded.face.name) == str(parsed.face.name)
    assert loaded.face.makeSubset([0x4E00, 0x6587]) == parsed.face.makeSubset([0x4E00, 0x6587])
    assert loaded.stringWidth("绩效自评ABC", 10) == parsed.stringWidth("绩效自评ABC", 10)


def test_broken_cache_is_parsed_again(tmp_path: Path) -> None:
    face = fonts.KAI
    data = fonts.face_path(face).read_bytes()
    bad = tmp_path / "bad.marshal"
    bad.write_bytes(b"\x00not marshal")
    assert fonts._from_cache(face, data, bad) is None
    assert fonts._from_cache(face, data, tmp_path / "missing.marshal") is None


def test_the_cache_folder_is_filled_once_and_stale_tables_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "from app.export import fonts; fonts.load(fonts.FANG); fonts.load(fonts.HEI)"
    env = {"PERFEVAL_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    (tmp_path / "FandolFang-1-old-rl0-1.marshal").write_bytes(b"stale")
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).parents[2])
    names = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.marshal"))
    assert names == ["FandolFang", "WenQuanYiMicroHei"]
    # a second process reads the tables instead of parsing: the files are not rewritten
    before = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.marshal")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).parents[2])
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.marshal")} == before


def test_no_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFEVAL_CACHE_DIR", "")
    assert fonts.cache_dir() is None


def test_fallback_runs() -> None:
    cov = fonts.Coverage()
    runs = cov.runs("绩效㎡ABC", fonts.KAI)
    assert "".join(text for _, text in runs) == "绩效㎡ABC"
    assert all(name in fonts.FACES for name, _ in runs)
    cov.runs("节约𠀋", fonts.FANG)
    assert cov.missing == {"𠀋"}
