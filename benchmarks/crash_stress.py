"""Crash stress: a child process stores edits in a loop and is killed with SIGKILL at a random moment.

After each kill the database must open, pass ``PRAGMA integrity_check`` and hold every edit whose commit the
child reported (it prints an edit's number only after ``Database.apply`` has returned).

    python benchmarks/crash_stress.py [--runs 60] [--max-delay 0.5] [--seed 1]

The child mixes the kinds of edit the GUI sends: single cells of 附件1/附件2/附件3 (one UPDATE each), a
pasted block (``apply_many``), and a row inserted into a list (the slower rewrite of that part).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Cells the child overwrites in turn; cell ``i % len(CELLS)`` gets the text of edit number ``i``.
CELLS: tuple[str, ...] = (
    "basic.funds.three_public.prior",
    "basic.staff.actual",
    "self_eval.executed",
    "self_eval.indicators[3].score",
    "projects[0].funds.total.executed",
    "report.sections[0].text",
    "notes",
)
BLOCK = ("self_eval.income.general_budget", "self_eval.income.other", "self_eval.spending.basic")
INSERT_EVERY = 10  # every 10th edit inserts a report section titled "edit N"
BLOCK_EVERY = 7  # every 7th edit (not an insert) is a pasted block of three cells


def edit_kind(i: int) -> str:
    if i % INSERT_EVERY == INSERT_EVERY - 1:
        return "insert"
    if i % BLOCK_EVERY == BLOCK_EVERY - 1:
        return "block"
    return "cell"


def child(db_path: str) -> None:
    """The writer: prints ``ready`` once set up, then the number of every edit after its commit returned."""
    from app.domain.edits import InsertItem, SetCell
    from app.domain.model import ReportSection
    from app.domain.package import read_package_file
    from app.storage import open_database

    db = open_database(db_path)
    pid = db.import_packet(read_package_file(ROOT / "tests" / "data" / "seed_000.json"))
    print("ready", flush=True)
    i = 0
    while True:
        kind = edit_kind(i)
        if kind == "insert":
            db.apply(pid, InsertItem("report.sections", 1, ReportSection(title=f"edit {i}")))
        elif kind == "block":
            db.apply_many(pid, [SetCell(path, None, str(i)) for path in BLOCK])
        else:
            db.apply(pid, SetCell(CELLS[i % len(CELLS)], None, str(i)))
        print(i, flush=True)
        i += 1


@dataclass
class RunResult:
    delay: float  # seconds between "ready" and the kill
    reported: int  # edits whose commit had returned
    reopen_ms: float  # open_database (with the integrity check) after the kill
    problems: list[str] = field(default_factory=list)


def crash_run(db_path: Path, delay: float) -> RunResult:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    ready = threading.Event()
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "ready":
                ready.set()
            else:
                lines.append(line.strip())
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(60) or proc.poll() is not None:
        proc.kill()
        proc.wait()
        err = proc.stderr.read() if proc.stderr else ""
        _close(proc)
        return RunResult(delay, 0, 0.0, [f"child did not start: {err[-500:]}"])
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join(10)
    _close(proc)
    reported = [int(x) for x in lines if x.isdigit()]
    result = RunResult(delay, len(reported), 0.0)
    if proc.returncode != -signal.SIGKILL:
        result.problems.append(f"child ended by itself with {proc.returncode}")
    verify(db_path, reported, result)
    return result


def _close(proc: subprocess.Popen[str]) -> None:
    """The pipes of a killed child (left open they are a ResourceWarning, an error in the test suite)."""
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def verify(db_path: Path, reported: list[int], result: RunResult) -> None:
    from app.domain.paths import get_value
    from app.storage import StorageError, open_database

    start = time.perf_counter()
    try:
        db = open_database(db_path)
    except StorageError as exc:
        result.problems.append(f"does not open: {exc}")
        return
    result.reopen_ms = (time.perf_counter() - start) * 1000
    try:
        if db.integrity_problems():
            result.problems.append(f"integrity_check: {db.integrity_problems()[:3]}")
        packet = db.load_packet(db.list_packets()[0].id)
    finally:
        db.close()
    conn = sqlite3.connect(str(db_path))
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            result.problems.append("integrity_check (fresh connection) failed")
    finally:
        conn.close()
    last = reported[-1] if reported else -1
    in_flight = last + 1  # may have committed without being reported: either outcome is correct
    for n, path in enumerate(CELLS):
        mine = [i for i in reported if edit_kind(i) == "cell" and i % len(CELLS) == n]
        allowed: set[object] = {str(mine[-1])} if mine else {_seed_value(path)}
        if edit_kind(in_flight) == "cell" and in_flight % len(CELLS) == n:
            allowed.add(str(in_flight))
        value = get_value(packet, path)
        if value not in allowed:
            result.problems.append(f"{path} = {value!r}, expected one of {sorted(map(repr, allowed))}")
    blocks = [i for i in reported if edit_kind(i) == "block"]
    stored = tuple(get_value(packet, path) for path in BLOCK)
    allowed_blocks = {(str(blocks[-1]),) * len(BLOCK) if blocks else _seed_block()}
    if edit_kind(in_flight) == "block":
        allowed_blocks.add((str(in_flight),) * len(BLOCK))
    if stored not in allowed_blocks:
        result.problems.append(f"pasted block cells {stored}, expected one of {sorted(allowed_blocks)}")
    titles = {s.title for s in packet.report.sections}
    missing = [i for i in reported if edit_kind(i) == "insert" and f"edit {i}" not in titles]
    if missing:
        result.problems.append(f"inserted sections lost: {missing[:5]}")


def _seed_value(path: str) -> object:
    from app.domain.package import read_package_file
    from app.domain.paths import get_value

    return get_value(read_package_file(ROOT / "tests" / "data" / "seed_000.json"), path)


def _seed_block() -> tuple[object, ...]:
    from app.domain.package import read_package_file
    from app.domain.paths import get_value

    packet = read_package_file(ROOT / "tests" / "data" / "seed_000.json")
    return tuple(get_value(packet, path) for path in BLOCK)


def stress(runs: int, max_delay: float, seed: int, workdir: Path) -> list[RunResult]:
    rng = random.Random(seed)
    results = []
    for n in range(runs):
        db_path = workdir / f"run{n:03d}" / "perfeval.db"
        db_path.parent.mkdir(parents=True)
        results.append(crash_run(db_path, rng.uniform(0.0, max_delay)))
    return results


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--max-delay", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = stress(args.runs, args.max_delay, args.seed, Path(tmp))
    wall = time.perf_counter() - start
    failed = [r for r in results if r.problems]
    edits = [r.reported for r in results]
    reopen = [r.reopen_ms for r in results if r.reopen_ms]
    summary = {
        "runs": len(results),
        "failed_runs": len(failed),
        "edits_reported_total": sum(edits),
        "edits_per_run_min_median_max": [min(edits), statistics.median(edits), max(edits)],
        "reopen_ms_median_max": [round(statistics.median(reopen), 1), round(max(reopen), 1)] if reopen else None,
        "wall_s": round(wall, 1),
    }
    print(json.dumps(summary, ensure_ascii=False) if args.json else summary)
    for r in failed:
        print("FAILED", r)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
