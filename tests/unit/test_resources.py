"""app/resources.py: the bundle's xz-compressed fonts are unpacked once into the cache folder and reused."""

from __future__ import annotations

import lzma
import os
from pathlib import Path

import pytest

from app import resources

FONT = b"\x00\x01\x00\x00" + bytes(range(256)) * 400  # stands in for a TrueType file


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bundle root whose resources/fonts has only ``demo.ttf.xz``; the cache in ``tmp_path/cache``."""
    root = tmp_path / "bundle"
    (root / "resources" / "fonts").mkdir(parents=True)
    (root / "resources" / "fonts" / "demo.ttf.xz").write_bytes(lzma.compress(FONT))
    monkeypatch.setattr(resources, "app_root", lambda: root)
    monkeypatch.setattr(resources, "_UNPACKED", {})
    monkeypatch.setenv("PERFEVAL_CACHE_DIR", str(tmp_path / "cache"))
    return root


def test_the_xz_is_unpacked_into_the_cache_under_its_own_name(bundle: Path, tmp_path: Path) -> None:
    path = resources.font_file("demo.ttf")
    assert path.name == "demo.ttf" and path.read_bytes() == FONT
    assert (tmp_path / "cache") in path.parents
    assert [p.name for p in path.parent.iterdir()] == ["demo.ttf"]  # no temporary file left behind


def test_a_plain_font_is_used_as_it_is(bundle: Path, tmp_path: Path) -> None:
    plain = bundle / "resources" / "fonts" / "demo.ttf"
    plain.write_bytes(b"plain")
    assert resources.font_file("demo.ttf") == plain
    assert not (tmp_path / "cache").exists()


def test_no_font_at_all_gives_the_plain_path_for_the_caller_to_report(bundle: Path) -> None:
    path = resources.font_file("absent.ttf")
    assert path == bundle / "resources" / "fonts" / "absent.ttf" and not path.exists()


def test_a_damaged_xz_counts_as_missing(bundle: Path) -> None:
    (bundle / "resources" / "fonts" / "bad.ttf.xz").write_bytes(lzma.compress(FONT)[:-40])
    assert not resources.font_file("bad.ttf").exists()


def test_a_later_run_reuses_the_unpacked_file(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = resources.font_file("demo.ttf")
    monkeypatch.setattr(resources, "_UNPACKED", {})  # a new process
    monkeypatch.setattr(resources, "_write_unpacked", _must_not_write)
    assert resources.font_file("demo.ttf") == first


def test_a_truncated_cached_file_is_unpacked_again(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = resources.font_file("demo.ttf")
    with first.open("r+b") as fh:
        fh.truncate(1000)  # a copy cut short (disk full, killed while writing by an older program …)
    monkeypatch.setattr(resources, "_UNPACKED", {})
    again = resources.font_file("demo.ttf")
    assert again == first and again.read_bytes() == FONT


def test_a_changed_font_is_unpacked_anew_and_the_old_copy_removed(
    bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = resources.font_file("demo.ttf")
    newer = FONT[:-100] + b"newer glyphs" * 10  # a program update with another version of the face
    (bundle / "resources" / "fonts" / "demo.ttf.xz").write_bytes(lzma.compress(newer))
    monkeypatch.setattr(resources, "_UNPACKED", {})
    second = resources.font_file("demo.ttf")
    assert second != first and second.read_bytes() == newer
    assert not first.exists() and not first.parent.exists()


def test_an_unwritable_cache_falls_back_to_a_temporary_folder(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")  # the cache folder's place is taken by a file (root ignores permission bits)
    monkeypatch.setenv("PERFEVAL_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(resources, "_TEMP", [])
    path = resources.font_file("demo.ttf")
    assert path.read_bytes() == FONT
    assert blocker not in path.parents and path.parent == resources._TEMP[0]


def test_caching_switched_off_unpacks_into_a_temporary_folder(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFEVAL_CACHE_DIR", "")
    monkeypatch.setattr(resources, "_TEMP", [])
    path = resources.font_file("demo.ttf")
    assert path.read_bytes() == FONT and path.parent == resources._TEMP[0]


@pytest.mark.parametrize("size", [0, 1, 70_000, 3_000_000])
def test_the_unpacked_size_is_read_from_the_xz_index(size: int) -> None:
    data = os.urandom(size)
    packed = lzma.compress(data)
    assert resources.unpacked_size(packed[-65536:]) == size


@pytest.mark.parametrize("tail", [b"", b"YZ", b"not an xz file at all", lzma.compress(FONT)[:-1]])
def test_a_tail_that_is_not_an_xz_index_gives_no_size(tail: bytes) -> None:
    assert resources.unpacked_size(tail) == -1


def _must_not_write(packed: Path, target: Path) -> None:
    raise AssertionError(f"{target} was unpacked again")
