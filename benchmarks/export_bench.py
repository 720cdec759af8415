"""Export benchmark: packet PDF, packet xlsx, a batch of 100 packets, and LibreOffice headless converting
the exported .xlsx to PDF in the same run (the peer a clerk would otherwise use), with the ratio.

    /work/venv/bin/python benchmarks/export_bench.py [--append docs/benchmarks.md]

Goals (issue 6): packet PDF < 1 s, xlsx < 0.5 s, 100 packets < 30 s, PDF ≥ 5× faster than LibreOffice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import cpu_model  # noqa: E402

SEED = ROOT / "tests" / "data" / "seed_000.json"
SEEDS = sorted((ROOT / "tests" / "data").glob("seed_00[0-9].json"))


def _timed(fn: object, runs: int) -> tuple[float, float]:
    """(first run, median of the following runs) in seconds."""
    assert callable(fn)
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times[0], statistics.median(times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--append", type=Path, help="append the Markdown section to this file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from app.domain.package import read_package_file
    from app.export import export_packet

    import_s = time.perf_counter() - t0
    packet = read_package_file(SEED)
    packets = [read_package_file(p) for p in SEEDS]
    work = Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        pdf = work / "seed_000.pdf"
        xlsx = work / "seed_000.xlsx"
        docx = work / "seed_000.docx"
        pdf_first, pdf_s = _timed(lambda: export_packet(packet, "pdf", pdf, draft=True), args.runs)
        xlsx_first, xlsx_s = _timed(lambda: export_packet(packet, "xlsx", xlsx, draft=True), args.runs)
        docx_first, docx_s = _timed(lambda: export_packet(packet, "docx", docx, draft=True), args.runs)

        batch_dir = work / "batch"
        batch_dir.mkdir()
        t = time.perf_counter()
        for n in range(100):
            export_packet(packets[n % len(packets)], "pdf", batch_dir / f"{n:03d}.pdf", draft=True)
        batch_pdf_s = time.perf_counter() - t
        t = time.perf_counter()
        for n in range(100):
            export_packet(packets[n % len(packets)], "xlsx", batch_dir / f"{n:03d}.xlsx", draft=True)
        batch_xlsx_s = time.perf_counter() - t

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        lo_s: float | None = None
        lo_version = "not installed"
        if soffice:
            lo_version = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip()
            profile = work / "lo-profile"
            cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(work / "lo"), str(xlsx)]
            subprocess.run(cmd, capture_output=True, check=True, timeout=300)  # first start creates the profile
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                subprocess.run(cmd, capture_output=True, check=True, timeout=300)
                runs.append(time.perf_counter() - t)
            lo_s = statistics.median(runs)
        sizes = {fmt: (work / f"seed_000.{fmt}").stat().st_size for fmt in ("pdf", "xlsx", "docx")}
        import pypdf

        pages = len(pypdf.PdfReader(pdf).pages)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ratio = f"{lo_s / pdf_s:.1f}×" if lo_s else "n/a"
    lines = [
        "## Export",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `benchmarks/export_bench.py` on {cpu_model()} "
        f"({os.cpu_count()} cores, shared with other jobs), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; LibreOffice: {lo_version}.",
        "Seed 000 (附件1, 附件2 with 17 indicators, one 附件3, the 10-chapter report), draft print.",
        "",
        "| what | first run | median of next runs | goal |",
        "|---|---|---|---|",
        f"| import app.export + domain | {import_s:.3f} s | | |",
        f"| packet PDF ({pages} pages; the first run registers the font) | {pdf_first:.3f} s | {pdf_s:.3f} s | < 1 s |",
        f"| packet xlsx (formulas + cached values) | {xlsx_first:.3f} s | {xlsx_s:.3f} s | < 0.5 s |",
        f"| packet docx | {docx_first:.3f} s | {docx_s:.3f} s | |",
        f"| 100 packets → 100 PDF (the five seeds in turn) | {batch_pdf_s:.2f} s | | < 30 s |",
        f"| 100 packets → 100 xlsx | {batch_xlsx_s:.2f} s | | |",
        f"| LibreOffice headless: exported .xlsx → PDF (median of 3, warm profile) | | "
        f"{lo_s:.3f} s | |" if lo_s else "| LibreOffice headless | not installed | | |",
        f"| **ratio LibreOffice / our PDF** | | **{ratio}** | ≥ 5× |",
        "",
        f"File sizes: PDF {sizes['pdf'] // 1024} KB (font subset embedded), xlsx {sizes['xlsx'] // 1024} KB, "
        f"docx {sizes['docx'] // 1024} KB.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.append:
        existing = args.append.read_text(encoding="utf-8") if args.append.exists() else "# Benchmarks\n\n"
        if not existing.endswith("\n\n"):
            existing = existing.rstrip("\n") + "\n\n"
        args.append.write_text(existing + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
