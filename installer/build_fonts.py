"""Rebuild the report fonts in resources/fonts/ from the Fandol fonts (GPL-3 with the font exception).

GB/T 9704 sets official documents in 仿宋 (body) with 黑体 and 楷体 sub-headings.  Fandol (the faces the
ctex packages use on Linux) has all three; it ships as OpenType-CFF, which reportlab cannot embed
(tech-notes), so this script converts the outlines to TrueType quadratics with fontTools (cu2qu) and
subsets each face to what a packet prints: GB2312 (all 6763 hanzi), ASCII/Latin-1, the GBK symbols
(㎡, ℃, №, ①…), CJK and full-width punctuation.  A character outside that set prints in WenQuanYi Micro
Hei, which the exports fall back to per character (app/export/fonts.py).

The Fandol OTFs come from Debian's ``texlive-lang-chinese`` package, downloaded (not installed: it would
pull in TeX) with ``apt-get download`` and unpacked with ``dpkg-deb -x``::

    .venv/bin/python installer/build_fonts.py            # → resources/fonts/fandol-{fang,kai}.ttf
    .venv/bin/python installer/build_fonts.py --src DIR  # DIR holds FandolFang-Regular.otf, FandolKai-Regular.otf

The output is committed (≈ build-time only; the app never runs this).  The GPL's corresponding source of the
converted fonts is the original OTFs (Debian source package ``texlive-lang-chinese``, CTAN ``fandol``) plus
this script.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "fonts"
DEB = "texlive-lang-chinese"  # FONT_SOURCE_DEBS in installer/setup-env.sh
FANDOL_DIR = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
#: source → (output, all of GB2312's hanzi or only its 3755 level-1 common ones).  楷体 prints only the
#: （一） sub-headings, so the common hanzi keep the bundle small (≤ 10 MB for both); a rarer character
#: in such a heading prints in 仿宋 (app/export/fonts.py falls back per character)
FACES = {"FandolFang-Regular.otf": ("fandol-fang.ttf", False), "FandolKai-Regular.otf": ("fandol-kai.ttf", True)}
#: 1 font unit of 1000: invisible at any print size, and keeps the converted glyphs small
MAX_ERR = 1.0


def charset(common_only: bool = False) -> set[int]:
    """GB2312 (or its level-1 hanzi, rows 16–55) + ASCII/Latin-1 + the GBK symbol rows + punctuation
    blocks a form or report prints."""
    cps: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for hi in range(0xA1, 0xD8 if common_only else 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                cps.update(map(ord, bytes([hi, lo]).decode("gb2312")))
    for hi in range(0xA1, 0xAA):  # GBK's symbol rows (㎡ ℃ № ⅰ …): a superset of GB2312's
        for lo in range(0x40, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                cps.update(map(ord, bytes([hi, lo]).decode("gbk")))
    cps |= set(range(0x2000, 0x2070))  # general punctuation (— … ‰ “ ” ‘ ’ •)
    cps |= set(range(0x2100, 0x2200))  # letterlike (℃ № ™ Ⅰ…), arrows
    cps |= set(range(0x2460, 0x24A0))  # ①…⑳
    cps |= set(range(0x3000, 0x3040))  # CJK punctuation 、。〈〉《》「」【】〔〕
    cps |= set(range(0xFF01, 0xFF5F)) | set(range(0xFFE0, 0xFFE7))  # full-width forms
    return cps


def source_dir(src: Path | None, work: Path) -> Path:
    if src is not None:
        return src
    subprocess.run(["apt-get", "download", DEB], cwd=work, check=True)
    deb = next(work.glob(f"{DEB}_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
    return work / "x" / FANDOL_DIR


def to_truetype(font: TTFont) -> None:
    """CFF outlines → glyf (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    for table in ("VORG", "VVAR"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():  # lsb = xMin for TrueType
        width, _ = hmtx[name]
        hmtx[name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: nothing reads them, and CID fonts have none worth keeping
    post.extraNames, post.mapping = [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def build(src: Path, name: str, out: Path, common_only: bool) -> None:
    font = TTFont(str(src / name))
    opts = subset.Options()
    opts.layout_features = ["vert", "vrt2", "kern", "palt"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    opts.desubroutinize = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(charset(common_only)))
    sub.subset(font)
    to_truetype(font)
    font.save(str(out))
    print(f"{out.name}: {len(font.getGlyphOrder())} glyphs, {out.stat().st_size / 1e6:.2f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, help="folder with the Fandol .otf files (default: download the .deb)")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fandol-"))
    try:
        src = source_dir(args.src, work)
        for otf, (ttf, common_only) in FACES.items():
            build(src, otf, OUT / ttf, common_only)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
