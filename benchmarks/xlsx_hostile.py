"""Hostile .xlsx files of issue 11 through a whole ``perfeval check FILE`` process: wall time and peak memory.

    python benchmarks/xlsx_hostile.py [--runs 3] [--before /path/to/an/older/checkout [--before-runs 1]] [--timeout 120]

Files (built once in a temporary folder by tests/export/hostile_xlsx.py):
  million-x-rows   1,000,000 rows written as <x:row> (a byte count of "<row" sees none)
  wide-4x4990x60   4 sheets × 4,990 rows × 60 columns: inside every per-sheet limit of the old reader
  lying-2GB        a sheet inflating to 2 GB while the zip declares 1,000 bytes
  entries-100k     a valid workbook plus 100,000 empty zip entries
  element-flood    3 million elements that are neither rows nor cells
  legit-100-projects  this program's own export of seed 000 with 100 projects (must be read, not refused)

Figures are the median of ``--runs`` process runs; peak memory is the child's VmHWM (Linux).  ``--before`` runs
the same files through another checkout's code (e.g. the main branch before this change) for comparison,
each stopped at ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.export import hostile_xlsx  # noqa: E402

PROBE = (
    "import re, sys, time\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from app.cli import main\n"
    "code = main(['check', sys.argv[2]])\n"
    "hwm = re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)\n"
    "print('RESULT', code, hwm, file=sys.stderr)\n"
)


def build(folder: Path) -> dict[str, Path]:
    from app.domain.package import read_package_file
    from app.export import export_packet

    files = {
        "million-x-rows": hostile_xlsx.namespaced_million_rows(folder / "million.xlsx"),
        "wide-4x4990x60": hostile_xlsx.wide_sheets(folder / "wide.xlsx"),
        "lying-2GB": hostile_xlsx.lying_sizes(folder / "lying.xlsx", inflated=2 * 1024**3),
        "entries-100k": hostile_xlsx.many_entries(folder / "entries.xlsx"),
        "element-flood": hostile_xlsx.element_flood(folder / "flood.xlsx", elements=3_000_000),
    }
    packet = read_package_file(ROOT / "tests" / "data" / "seed_000.json")
    one = packet.projects[0]
    packet.projects = [copy.deepcopy(one) for _ in range(100)]
    for n, project in enumerate(packet.projects):
        project.name = f"{one.name}（{n + 1}）"
    files["legit-100-projects"] = export_packet(packet, "xlsx", folder / "legit.xlsx", draft=True)
    return files


def run(code_root: Path, path: Path, timeout: float) -> tuple[float, int | None, int | None]:
    """(seconds, exit code, peak KB) of one `perfeval check` process; exit None when stopped at the timeout."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", PROBE, str(code_root), str(path)], cwd=code_root,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None, None
    elapsed = time.perf_counter() - start
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        return elapsed, done.returncode, None
    _, code, hwm = line.split()
    return elapsed, int(code), int(hwm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, default=None)
    parser.add_argument("--before-runs", type=int, default=1, help="runs of the --before code (it is slow)")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="perfeval-hostile-"))
    files = build(folder)
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs; load average at start {os.getloadavg()[0]:.2f}")
    roots = [("this", ROOT)] + ([("before", args.before)] if args.before else [])
    print(f"{'file':20} {'size':>9}  " + "  ".join(f"{name + ' s':>10} {name + ' MB':>10} {'exit':>4}"
                                                    for name, _ in roots))
    for name, path in files.items():
        cells = []
        for label, root in roots:
            runs = args.runs if label == "this" else args.before_runs
            results = [run(root, path, args.timeout) for _ in range(runs)]
            secs = statistics.median(r[0] for r in results)
            peaks = [r[2] for r in results if r[2] is not None]
            code = results[-1][1]
            peak = f"{statistics.median(peaks) / 1024:.0f}" if peaks else "—"
            shown = f">{args.timeout:.0f}" if code is None else f"{secs:.2f}"
            cells.append(f"{shown:>10} {peak:>10} {'—' if code is None else code:>4}")
        print(f"{name:20} {path.stat().st_size // 1024:>7}KB  " + "  ".join(cells))
    print(f"load average at end {os.getloadavg()[0]:.2f}; files in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
