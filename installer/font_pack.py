"""The bundle's fonts, xz-compressed: resources/fonts/*.ttf|ttc → <name>.xz (14.5 → 6.7 MB).

A TrueType font is mostly glyph outlines that compress well (the three faces: 5.2 → 1.5, 5.7 → 3.3, 3.6 → 1.9
MB).  The program unpacks a face into the user's cache folder the first time it needs it (≈ 0.1 s per face) and
reuses it afterwards (app/resources.py, :func:`font_file`).  Licence texts and the watermark outlines stay as
they are.  Used by installer/perfeval.spec; compressing takes ≈ 10 s, so the result is kept in ``out_dir`` and
redone only when a font changes.

    python installer/font_pack.py resources/fonts OUT_DIR     # try it by hand: prints the sizes
"""

from __future__ import annotations

import hashlib
import lzma
import os
import sys
from pathlib import Path

FONT_SUFFIXES = (".ttf", ".ttc", ".otf")


def is_font(path: Path) -> bool:
    return path.suffix.lower() in FONT_SUFFIXES


def pack(font: Path, out_dir: Path) -> Path:
    """``font`` compressed to ``out_dir/<name>.xz`` (reused when made from the same bytes before)."""
    data = font.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    out = out_dir / f"{font.name}.xz"
    stamp = out_dir / f"{font.name}.xz.source"
    if out.is_file() and stamp.is_file() and stamp.read_text(encoding="ascii") == digest:
        return out
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    # one stream, one block: app/resources.py reads the unpacked size from the index at the end of the file;
    # CRC64 (xz's default check) lets lzma notice a damaged file while unpacking
    tmp.write_bytes(lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=6))
    os.replace(tmp, out)
    stamp.write_text(digest, encoding="ascii")
    return out


def bundle_entries(fonts_dir: Path, out_dir: Path, dest: str = "resources/fonts") -> list[tuple[str, str]]:
    """PyInstaller ``datas`` for the fonts folder: every font as its .xz, every other file as it is."""
    entries = []
    for path in sorted(fonts_dir.iterdir()):
        if path.is_file():
            entries.append((str(pack(path, out_dir) if is_font(path) else path), dest))
    return entries


if __name__ == "__main__":
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    for p in sorted(src.iterdir()):
        if p.is_file() and is_font(p):
            small = pack(p, dst)
            print(f"{p.name}: {p.stat().st_size / 1e6:.2f} MB → {small.stat().st_size / 1e6:.2f} MB")
