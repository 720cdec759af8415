"""Page images of the finance bureau's outputs, as they print.

    python docs/screenshots/make_bureau_screenshots.py

The inbox of the tests (the five seeds, a package cut off half-way, seed 003 as a filled .xlsx) →
``perfeval summary`` → the .xlsx as LibreOffice prints it (``summary-libreoffice-p-1.png``) and our PDF
(``summary-pdf-p-1.png``); a county of 60 generated packets grouped by 主管部门 (``summary-grouped-pdf-p-1.png``);
the 退回意见 of seed 000 as PDF (``letter-seed000-pdf.png``) and, when LibreOffice Writer is installed, the
.docx as it prints (``letter-seed000-docx-libreoffice.png``).  Needs LibreOffice (calc) and pdftoppm; the
bundled font is handed to LibreOffice through fontconfig (this machine has no 宋体).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))


def png(pdf: Path, name: str, dpi: int = 90) -> None:
    """First page of ``pdf`` → docs/screenshots/``name``.png."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(HERE / name)], check=True)
    print(f"wrote {HERE / name}.png")


def main() -> None:
    from app.cli import main as perfeval
    from app.domain.package import read_package_file
    from app.export import export_packet
    from benchmarks.summary_bench import generate

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="bureau-shots-") as tmp_name:
        tmp = Path(tmp_name)
        inbox = tmp / "inbox"
        inbox.mkdir()
        for n in range(5):
            shutil.copy(ROOT / "tests" / "data" / f"seed_00{n}.json", inbox)
        text = (ROOT / "tests" / "data" / "seed_001.json").read_text(encoding="utf-8")
        (inbox / "broken.json").write_text(text[: text.index('"self_eval"')], encoding="utf-8")
        export_packet(read_package_file(ROOT / "tests" / "data" / "seed_003.json"), "xlsx",
                      inbox / "seed_003_filled.xlsx", draft=True)

        perfeval(["summary", str(inbox), "-o", str(tmp / "summary.xlsx")])
        perfeval(["summary", str(inbox), "-o", str(tmp / "summary.pdf")])
        png(tmp / "summary.pdf", "summary-pdf-p-1")
        county = tmp / "county"
        generate(county, 60)
        perfeval(["summary", str(county), "-o", str(tmp / "grouped.pdf"), "--group-by-supervisor"])
        png(tmp / "grouped.pdf", "summary-grouped-pdf-p-1")
        perfeval(["check", str(inbox / "seed_000.json"), "--letter", str(tmp / "letter.pdf")])
        perfeval(["check", str(inbox / "seed_000.json"), "--letter", str(tmp / "letter.docx")])
        png(tmp / "letter.pdf", "letter-seed000-pdf")

        if soffice is None:
            print("LibreOffice not found: no LibreOffice prints")
            return
        conf = tmp / "fonts.conf"
        conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
                        f"<dir>{ROOT / 'resources' / 'fonts'}</dir><cachedir>{tmp / 'fc'}</cachedir>\n</fontconfig>\n",
                        encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        lo = tmp / "lo"
        for src in (tmp / "summary.xlsx", tmp / "letter.docx"):
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(lo), str(src)],
                           check=False, capture_output=True, timeout=180, env=env)
        if (lo / "summary.pdf").exists():
            png(lo / "summary.pdf", "summary-libreoffice-p-1")
        if (lo / "letter.pdf").exists():
            png(lo / "letter.pdf", "letter-seed000-docx-libreoffice")
        else:
            print("LibreOffice Writer not installed: no print of the .docx letter")


if __name__ == "__main__":
    main()
