"""Page images of the five seed packets as printed: the PDF (pdftoppm), and the Excel and Word exports as
LibreOffice prints them with the bundled fonts made visible to it (a temporary fontconfig file maps
宋体/仿宋/黑体/楷体 to the bundled faces, as a Chinese Windows has them).

    .venv/bin/python docs/screenshots/print/make_pages.py [--dpi 40] [--seeds 000 004]

Needs poppler-utils and the Debian packages in ``DOCS_DEBS`` (installer/setup-env.sh): LibreOffice Calc and
Writer, and Carlito, without which LibreOffice measures the workbooks' columns wider than Excel does (and so
prints the sheets smaller, with room left on every page).  Seeds whose final print is refused (errors) are
printed as drafts.  Output: docs/screenshots/print/seed_00N-{pdf,xlsx,docx}-NN.png
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from app.domain.package import read_package_file  # noqa: E402
from app.export import ExportRefused, export_packet  # noqa: E402

OUT = Path(__file__).resolve().parent
FONTS = ROOT / "resources" / "fonts"
ALIASES = {"宋体": "FandolFang", "SimSun": "FandolFang", "仿宋": "FandolFang", "仿宋_GB2312": "FandolFang",
           "楷体": "FandolKai", "楷体_GB2312": "FandolKai", "黑体": "WenQuanYi Micro Hei",
           "SimHei": "WenQuanYi Micro Hei"}


def fontconfig(work: Path) -> Path:
    """A fonts.conf that sees only the bundled fonts (plus the system's), with the Chinese names aliased."""
    aliases = "".join(
        f"<alias binding='same'><family>{name}</family><prefer><family>{face}</family>"
        f"<family>WenQuanYi Micro Hei</family></prefer></alias>" for name, face in ALIASES.items())
    conf = work / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        f"<include ignore_missing='yes'>/etc/fonts/fonts.conf</include><dir>{FONTS}</dir>"
        f"<cachedir>{work / 'cache'}</cachedir>{aliases}</fontconfig>", encoding="utf-8")
    return conf


def to_pdf(src: Path, work: Path, conf: Path) -> Path:
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/lo", "--convert-to", "pdf",
                    "--outdir", str(work), str(src)], check=True, env=env, capture_output=True, timeout=300)
    return work / (src.stem + ".pdf")


def pages(pdf: Path, prefix: str, dpi: int) -> int:
    for old in OUT.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(OUT / prefix)], check=True)
    made = sorted(OUT.glob(f"{prefix}-*.png"))
    from PIL import Image

    for png in made:  # 64 colours are plenty for a printed page (and keep the repository small)
        with Image.open(png) as im:
            small = im.convert("RGB").quantize(64)
        small.save(png, optimize=True)
    return len(made)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=40)
    ap.add_argument("--seeds", nargs="*", default=["000", "001", "002", "003", "004"])
    args = ap.parse_args()
    if not shutil.which("soffice"):
        print("未安装LibreOffice：apt-get install $DOCS_DEBS (installer/setup-env.sh)", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="print-pages-"))
    try:
        conf = fontconfig(work)
        for seed in args.seeds:
            packet = read_package_file(ROOT / "tests" / "data" / f"seed_{seed}.json")
            for fmt in ("pdf", "xlsx", "docx"):
                out = work / f"seed_{seed}.{fmt}"
                try:
                    export_packet(packet, fmt, out)
                except ExportRefused:
                    export_packet(packet, fmt, out, draft=True)
                pdf = out if fmt == "pdf" else to_pdf(out, work, conf)
                n = pages(pdf, f"seed_{seed}-{fmt}", args.dpi)
                print(f"seed_{seed} {fmt}: {n} pages")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
