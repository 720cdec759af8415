"""Whole-process PDF export against LibreOffice, as a clerk waits for it (issue 14).

Each pair runs, one after the other, ``perfeval export seed_004.json -f pdf`` (a new Python process:
interpreter start, imports, font loading, layout, writing) and LibreOffice headless converting the same
packet's exported .xlsx to PDF (a new soffice process, with a profile warmed by one run first).  The order
within a pair alternates so that a change in the machine's load hits both.  Reports medians and the
median of the per-pair ratios, the font cache state (warm: the parsed fonts are in the user cache folder;
cold: the cache folder is emptied before every run) and the load average before and after.

    .venv/bin/python benchmarks/pdf_process_bench.py [--pairs 7] [--seed 004] [--append docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import as_installed, cpu_model  # noqa: E402


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


CPU: dict[int, float] = {}  # id(cmd) → CPU seconds (user + system) of its last run


def _run(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Wall seconds of one run (and its CPU seconds in CPU): on a loaded machine the CPU time says what the
    program costs, the wall time what the user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[id(cmd)] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=7)
    ap.add_argument("--seed", default="004")
    ap.add_argument("--cold", action="store_true", help="empty the font cache before every export run")
    ap.add_argument("--append", type=Path, help="append the Markdown section to this file")
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="the checkout whose app to run (e.g. another worktree, for a before/after pair)")
    args = ap.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice (soffice) is not installed: nothing to compare with", file=sys.stderr)
        return 1
    seed = ROOT / "tests" / "data" / f"seed_{args.seed}.json"
    work = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    cache = work / "cache"
    env = as_installed({**os.environ, "PERFEVAL_CACHE_DIR": str(cache), "PYTHONPATH": str(args.root)}, args.root)
    ours = [sys.executable, "-m", "app", "export", str(seed), "-f", "pdf", "-o", str(work / "ours.pdf")]
    xlsx = work / "packet.xlsx"
    subprocess.run([sys.executable, "-m", "app", "export", str(seed), "-f", "xlsx", "-o", str(xlsx)], check=True,
                   env=env, cwd=args.root, stdout=subprocess.DEVNULL)
    lo = [soffice, f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless", "--convert-to", "pdf",
          "--outdir", str(work / "lo"), str(xlsx)]
    load_before = _load()
    try:
        _run(lo, env)  # a warm LibreOffice profile, as on a clerk's PC
        _run(ours, env, args.root)  # and a warm font cache (unless --cold)
        pairs: list[tuple[float, float]] = []
        cpu: list[tuple[float, float]] = []
        for k in range(args.pairs):
            if args.cold:
                shutil.rmtree(cache, ignore_errors=True)
            order = (ours, lo) if k % 2 == 0 else (lo, ours)
            times = {id(cmd): _run(cmd, env, args.root) for cmd in order}
            pairs.append((times[id(ours)], times[id(lo)]))
            cpu.append((CPU[id(ours)], CPU[id(lo)]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = _load()
    ours_med = statistics.median(p[0] for p in pairs)
    lo_med = statistics.median(p[1] for p in pairs)
    ratio = statistics.median(p[1] / p[0] for p in pairs)
    cpu_ours = statistics.median(p[0] for p in cpu)
    cpu_lo = statistics.median(p[1] for p in cpu)
    cpu_ratio = statistics.median(p[1] / p[0] for p in cpu)
    lo_version = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "",
        f"### Whole-process PDF export vs LibreOffice ({dt.date.today().isoformat()}, "
        f"{'cold' if args.cold else 'warm'} font cache, code: {args.root.name})",
        "",
        f"{cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}; {lo_version}. "
        f"Load average before / after: {load_before} / {load_after}.  {args.pairs} pairs, alternating order; "
        "whole processes (each run starts a new process).",
        "",
        "| run | median wall | median CPU (user + sys) |",
        "|---|---|---|",
        f"| `perfeval export seed_{args.seed}.json -f pdf` | {ours_med:.3f} s | {cpu_ours:.3f} s |",
        f"| LibreOffice headless: the packet's .xlsx → PDF | {lo_med:.3f} s | {cpu_lo:.3f} s |",
        f"| **median of per-pair ratios LibreOffice / ours** | **{ratio:.1f}×** | **{cpu_ratio:.1f}×** |",
        "",
        "pairs (ours, LibreOffice): " + ", ".join(f"{a:.2f}/{b:.2f}" for a, b in pairs),
    ]
    text = "\n".join(lines)
    print(text)
    if args.append:
        with args.append.open("a", encoding="utf-8") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
