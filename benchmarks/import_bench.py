"""Template import benchmark: reading filled .xlsx files back (what ``perfeval import``/``check FILE.xlsx`` and
the GUI's import wait for), split into loading the workbook (openpyxl, twice: formulas and cached values) and
matching it against the template pack; plus ``perfeval check FILE.xlsx`` as a whole process.

    .venv/bin/python benchmarks/import_bench.py [--code PATH] [--runs 5] [--append docs/benchmarks.md]

``--code`` runs the same measurement against another checkout (e.g. the label-matching reader before template
packs) for a paired comparison; the files are written once by this checkout's exporter.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # only for this import: the app measured comes from --code (see measure)
from benchmarks import cpu_model  # noqa: E402

sys.path.remove(str(ROOT))


def _median(fn: object, runs: int) -> float:
    assert callable(fn)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def write_files(folder: Path) -> dict[str, Path]:
    """seed 000 (附件1–4, one project) and a packet with 20 projects of 36 indicators, as exported .xlsx."""
    sys.path.insert(0, str(ROOT))
    from app.domain.package import read_package_file
    from app.export import export_packet

    seed = read_package_file(ROOT / "tests" / "data" / "seed_000.json")
    big = copy.deepcopy(seed)
    for i in range(19):
        proj = copy.deepcopy(seed.projects[0])
        proj.name = f"项目{i + 2}"
        proj.indicators = proj.indicators * 4
        big.projects.append(proj)
    count = len(big.self_eval.indicators) + sum(len(p.indicators) for p in big.projects)
    out = {"seed 000 (4 sheets)": folder / "seed_000.xlsx",
           f"20 projects ({len(big.projects) + 3} sheets, {count} indicators)": folder / "big.xlsx"}
    for packet, path in zip((seed, big), out.values(), strict=True):
        export_packet(packet, "xlsx", path, draft=True)
    sys.path.remove(str(ROOT))
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]
    return out


def measure(code: Path, files: dict[str, Path], runs: int) -> list[tuple[str, float, float, float]]:
    """(file, load, match, whole read) medians in seconds, in-process, for the reader of ``code``.  The match
    is timed on a workbook loaded once (the container checks and openpyxl left out), so the machine's load
    does not hide it in the difference of two noisy medians."""
    sys.path.insert(0, str(code))
    from app.export import template_import as ti

    rows = []
    for name, path in files.items():
        load = _median(lambda p=path: ti._load(p, str(p)), runs)
        whole = _median(lambda p=path: ti.read_template_file(p), runs)
        loaded = ti._load(path, str(path))
        real = ti._load, ti.check_container

        def match(loaded: object = loaded, path: Path = path) -> None:
            for sheet in loaded[0]:  # type: ignore[index]
                sheet.problems.clear()
            ti.read_template_file(path)

        ti._load, ti.check_container = (lambda p, s, loaded=loaded: loaded), (lambda p, s: None)
        try:
            matched = _median(match, runs)
        finally:
            ti._load, ti.check_container = real
        rows.append((name, load, matched, whole))
    return rows


def check_process(code: Path, path: Path, runs: int) -> float:
    """``perfeval check FILE.xlsx --json`` as a fresh process (what the user waits for), median wall time."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    prog = "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))"
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", prog, "check", str(path), "--json"], env=env,
                              capture_output=True, check=False)
        times.append(time.perf_counter() - t)
        if done.returncode not in (0, 1):
            raise SystemExit(done.stderr.decode(errors="replace"))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose reader is measured")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--append", type=Path, help="append the Markdown section to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(Path(tmp))
        load_before = os.getloadavg()
        rows = measure(args.code.resolve(), files, args.runs)
        process = {name: check_process(args.code.resolve(), path, args.runs) for name, path in files.items()}
        load_after = os.getloadavg()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {now} by `benchmarks/import_bench.py --code {args.code}` on {cpu_model()} "
        f"({os.cpu_count()} cores, shared with other jobs), Linux {platform.release()}, Python "
        f"{platform.python_version()}; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after.",
        f"Medians of {args.runs} runs; the first three columns in-process, the last a fresh process.",
        "",
        "| file | load (openpyxl ×2) | match against the pack | read_template_file | `perfeval check FILE.xlsx` |",
        "|---|---|---|---|---|",
    ]
    for name, load, match, whole in rows:
        lines.append(f"| {name} | {load:.3f} s | {match:.3f} s | {whole:.3f} s | {process[name]:.3f} s |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.append:
        with args.append.open("a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
