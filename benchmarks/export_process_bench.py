"""Whole-process export timings: what a clerk waits for at the command line, paired with LibreOffice.

    python benchmarks/export_process_bench.py [--runs 5] [--batch-runs 5] [--serial]

1. ``perfeval export seed_004.json -f pdf --draft -o X.pdf`` (a fresh ``python -m app`` process each time) and,
   in turn with it, LibreOffice headless converting the same packet's exported .xlsx to PDF
   (``soffice --headless --convert-to pdf``, a warm profile of its own); also xlsx and docx;
2. ``perfeval export DIR -f pdf|xlsx|docx --draft -o OUT`` on 100 packages (the five seeds in turn): wall time and
   memory — the peak of the whole process tree (the command and its export workers, RSS summed, sampled every
   50 ms) and the largest single process.  ``--serial`` adds the same with one process
   (PERFEVAL_EXPORT_WORKERS=1) for comparison.
Medians; the load average (other jobs share the 2 cores) is printed next to each figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import as_installed  # noqa: E402

DATA = ROOT / "tests" / "data"
SEED = DATA / "seed_004.json"


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _tree_rss(pid: int) -> tuple[int, int]:
    """(sum, max) RSS in bytes of ``pid`` and its descendants (/proc/PID/task/*/children: cheap enough to sample
    often without taking CPU from what is measured on a 2-core machine)."""
    page = os.sysconf("SC_PAGE_SIZE")
    todo, total, biggest = [pid], 0, 0
    while todo:
        p = todo.pop()
        try:
            rss = int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
        total += rss
        biggest = max(biggest, rss)
    return total, biggest


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Wall time, peak summed RSS of the tree, peak RSS of one process."""
    peak = [0, 0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, biggest = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], biggest)
            done.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} → {proc.returncode}: {err.decode(errors='replace')[-500:]}")
    return wall, peak[0], peak[1]


def med(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch-runs", type=int, default=5)
    parser.add_argument("--serial", action="store_true", help="also 100 packets with one process, in turn")
    parser.add_argument("--formats", default="pdf,xlsx,docx", help="batch formats (comma-separated)")
    parser.add_argument("--no-single", action="store_true", help="skip the one-packet comparison")
    args = parser.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    tmp = Path(tempfile.mkdtemp(prefix="perfeval-procbench-"))
    env = as_installed({**os.environ, "PERFEVAL_LOG_DIR": str(tmp)}, ROOT)
    app = [sys.executable, "-m", "app", "export"]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; {when}")

    # -- one packet, paired with LibreOffice --------------------------------------------------------
    if not args.no_single:
        single(args, app, env, tmp, soffice)
    batches(args, app, env, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def single(args: argparse.Namespace, app: list[str], env: dict[str, str], tmp: Path, soffice: str | None) -> None:
    xlsx = tmp / "seed_004.xlsx"
    subprocess.run([*app, str(SEED), "-f", "xlsx", "--draft", "-o", str(xlsx)], cwd=ROOT, env=env, check=True)
    lo_out = tmp / "lo"
    lo_cmd = [soffice or "soffice", f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless",
              "--convert-to", "pdf", "--outdir", str(lo_out), str(xlsx)]
    if soffice:
        run(lo_cmd)  # the first start creates the profile (not timed)
    times: dict[str, list[float]] = {"pdf": [], "xlsx": [], "docx": [], "lo": []}
    load_before = _load()
    for _ in range(args.runs):
        for fmt in ("pdf", "xlsx", "docx"):
            times[fmt].append(run([*app, str(SEED), "-f", fmt, "--draft", "-o", str(tmp / f"one.{fmt}")], env)[0])
        if soffice:
            times["lo"].append(run(lo_cmd)[0])
    print(f"one packet (seed 004), whole process, median of {args.runs} in turn (load {load_before} → {_load()}):")
    for fmt in ("pdf", "xlsx", "docx"):
        print(f"  perfeval export -f {fmt}: {med(times[fmt]):.3f} s (min {min(times[fmt]):.3f})")
    if soffice:
        lo = med(times["lo"])
        print(f"  LibreOffice --convert-to pdf of its .xlsx: {lo:.3f} s (min {min(times['lo']):.3f})")
        print(f"  ratio LibreOffice / perfeval PDF: {lo / med(times['pdf']):.2f}×")

def batches(args: argparse.Namespace, app: list[str], env: dict[str, str], tmp: Path) -> None:
    folder = tmp / "hundred"
    folder.mkdir()
    seeds = sorted(DATA.glob("seed_00[0-9].json"))
    for n in range(100):
        shutil.copy(seeds[n % len(seeds)], folder / f"p{n:03d}.json")
    modes = [("pool", env)]
    if args.serial:
        modes.append(("one process", {**env, "PERFEVAL_EXPORT_WORKERS": "1"}))
    for fmt in args.formats.split(","):
        load_before = _load()
        rows: dict[str, list[tuple[float, int, int]]] = {label: [] for label, _ in modes}
        for _ in range(args.batch_runs):
            for label, mode_env in modes:  # in turn: a busy moment of the shared machine hits both
                out = tmp / f"out-{fmt}"
                shutil.rmtree(out, ignore_errors=True)
                rows[label].append(run([*app, str(folder), "-f", fmt, "--draft", "-o", str(out)], mode_env))
                assert len(list(out.glob(f"*.{fmt}"))) == 100
        for label, runs in rows.items():
            walls = [r[0] for r in runs]
            print(f"100 packets → {fmt} ({label}), median of {args.batch_runs} (load {load_before} → {_load()}): "
                  f"{med(walls):.2f} s (min {min(walls):.2f}); peak memory of the process tree "
                  f"{max(r[1] for r in runs) / 1e6:.0f} MB, largest process {max(r[2] for r in runs) / 1e6:.0f} MB")


if __name__ == "__main__":
    raise SystemExit(main())
