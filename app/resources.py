"""Where the bundled files live: the source tree, or the unpacked PyInstaller bundle (``sys._MEIPASS``).

One answer for the GUI (font, icon), the exports (font), and storage (migrations, sample packet).
Standard library only (platformdirs, for the user's cache folder, is imported when first asked for), so any
layer can import it cheaply.

The bundle ships the fonts xz-compressed (``resources/fonts/*.ttf.xz``, 14.5 → 6.7 MB, installer/font_pack.py):
:func:`font_file` unpacks one into the user's cache folder on first use and reuses it on later runs.  A source
checkout has the plain files, which are used as they are.
"""

from __future__ import annotations

import atexit
import hashlib
import lzma
import os
import shutil
import struct
import sys
import tempfile
from pathlib import Path

from app.atomic import write_replacing

FONT_FILE = "wqy-microhei.ttc"
PACKED_SUFFIX = ".xz"


def app_root() -> Path:
    """The folder holding ``resources/`` and ``db/``."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[1]


def resource_path(*parts: str) -> Path:
    return app_root().joinpath("resources", *parts)


def font_path() -> Path:
    """The bundled CJK font (WenQuanYi Micro Hei, TrueType collection)."""
    return font_file(FONT_FILE)


def cache_dir(sub: str) -> Path | None:
    """``$PERFEVAL_CACHE_DIR`` (``None`` when it is set empty: caching switched off), else ``sub`` in the
    user's cache folder (platformdirs: ``~/.cache/PerfEvalDesk``, ``%LOCALAPPDATA%\\PerfEvalDesk\\Cache``)."""
    env = os.environ.get("PERFEVAL_CACHE_DIR")
    if env is not None:
        return Path(env).expanduser() if env else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("PerfEvalDesk", appauthor=False)) / sub


_UNPACKED: dict[str, Path] = {}
#: a damaged .xz (EOFError: cut short), a folder that cannot be written
_UNPACK_ERRORS = (OSError, EOFError, lzma.LZMAError)
_TEMP: list[Path] = []  # this process's fallback folder, when the cache folder cannot be written


def font_file(name: str) -> Path:
    """A usable file of the font ``name`` (``"fandol-fang.ttf"``): ``resources/fonts/<name>`` when it is there
    (a source checkout), else ``<name>.xz`` unpacked into the cache folder (the user's, else a temporary one).

    The unpacked copy sits in a folder named after the .xz file (its size and a hash of its last 64 KB, which
    hold the xz check of the whole font), so a newer program's font is unpacked anew; a copy whose size is not
    the one the .xz records (a half-written or damaged file) is unpacked again.  Written to a temporary file and
    renamed, so another process (the batch export's workers) never sees half a font.  With neither file
    present (or an .xz that cannot be unpacked), the plain path is returned and the caller reports the font
    as missing.
    """
    known = _UNPACKED.get(name)
    if known is not None and known.is_file():
        return known
    plain = resource_path("fonts", name)
    packed = plain.with_name(name + PACKED_SUFFIX)
    if plain.is_file() or not packed.is_file():
        return plain
    try:
        path = unpack_font(packed, cache_dir("fonts"))
    except _UNPACK_ERRORS:  # a damaged .xz, or not even the temporary folder can be written
        return plain  # the caller reports the font as missing: 请重新安装程序
    _UNPACKED[name] = path
    return path


def unpack_font(packed: Path, cache: Path | None) -> Path:
    """``packed`` (``<name>.xz``) unpacked into ``cache`` (reused when already there and whole); when ``cache``
    is ``None`` or cannot be written, into a temporary folder removed when the process ends."""
    name = packed.name.removesuffix(PACKED_SUFFIX)
    size = packed.stat().st_size
    with packed.open("rb") as fh:
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    key = hashlib.blake2b(tail + str(size).encode(), digest_size=8).hexdigest()
    expected = unpacked_size(tail)
    if cache is not None:
        target = cache / f"{Path(name).stem}-{key}" / name
        try:
            if not (target.is_file() and target.stat().st_size == expected):
                _write_unpacked(packed, target)
                _forget_older(cache, name, target.parent)
            return target
        except _UNPACK_ERRORS:
            pass  # read-only or full cache folder: this run unpacks into a temporary folder
    target = _temp_folder() / name
    if not (target.is_file() and target.stat().st_size == expected):
        _write_unpacked(packed, target)
    return target


def _write_unpacked(packed: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)

    def unpack(tmp: Path) -> None:
        with lzma.open(packed) as src, tmp.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)

    write_replacing(target, unpack, shared=True)


def _forget_older(cache: Path, name: str, keep: Path) -> None:
    """Copies of the same font unpacked from an earlier program's .xz (a removal failing on Windows, where a
    running older program holds the file, is left for a later run)."""
    for old in cache.glob(f"{Path(name).stem}-*/{name}"):
        if old.parent != keep:
            try:
                old.unlink()
                old.parent.rmdir()
            except OSError:
                pass


def _temp_folder() -> Path:
    if not _TEMP:
        folder = Path(tempfile.mkdtemp(prefix="perfeval-fonts-"))
        atexit.register(shutil.rmtree, folder, True)
        _TEMP.append(folder)
    return _TEMP[0]


def unpacked_size(tail: bytes) -> int:
    """The uncompressed size an .xz file records in its index, from the file's last bytes (``-1`` when they are
    not a whole xz index and footer: then no cached copy ever counts as whole)."""

    def vli(data: bytes, pos: int) -> tuple[int, int]:
        value = shift = 0
        while pos < len(data) and shift < 63:
            byte = data[pos]
            value |= (byte & 0x7F) << shift
            pos += 1
            if not byte & 0x80:
                return value, pos
            shift += 7
        raise ValueError("bad xz number")

    try:
        if len(tail) < 12 or tail[-2:] != b"YZ":
            return -1
        index_size = (struct.unpack("<I", tail[-8:-4])[0] + 1) * 4
        index = tail[-12 - index_size : -12]
        if len(index) != index_size or index[0] != 0:
            return -1
        records, pos = vli(index, 1)
        total = 0
        for _ in range(records):
            _unpadded, pos = vli(index, pos)
            size, pos = vli(index, pos)
            total += size
        return total
    except (ValueError, struct.error):
        return -1
