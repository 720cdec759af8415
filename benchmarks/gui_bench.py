"""GUI timings: keystroke-commit → updated figure on screen, and cold start to a shown window.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_bench.py [--edits 60] [--starts 5]
    QT_QPA_PLATFORM=offscreen python benchmarks/gui_bench.py --starts-only --starts 9

The CPU time this process spent per keystroke (``time.process_time``, the save included) is printed too: on a
machine shared with other work the wall times above include waiting for a core, the CPU time does not.
A "keystroke-commit" is what Enter does in a cell: the model's setData → the edit applied in memory,
written to the database (one SQLite transaction), the packet re-evaluated, and the event loop run until
the visible cells have repainted.  Measured on seed 000 and on a packet with 300 三级 indicators.
The 单位总览 is opened on a database of ``--overview`` packets (copies of the five seeds under other unit
names): "cold" is the first opening (every packet read and evaluated in the worker thread until the last
row has its figures), "warm" a later opening (figures from the cache file, unchanged packets) — the time
from the menu command to the dialog shown with every row filled, in-process.
Cold start (whole processes, in-process figures above are not): ``python -m app --db FILE --quit-after 0``,
paired run by run with benchmarks/minimal_window.py (a bare PySide6 window showing one table), in turn:
  - "packet painted": from the launch to the first paint of the window showing the packet (the app prints it
    when PERFEVAL_START_TRACE holds the launch time; so does the minimal window);
  - "database open": until the database is open too (after the paint when starting from the start snapshot);
  - "whole process": launch → window shown → closed → process exited, wall time.
The app is timed twice: from the start snapshot (the usual start: the database is the one left at the last
close) and without it (the snapshot removed before each run: the first start after another program changed
the database).
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import as_installed  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _stats(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"min {ms[0]:.2f} ms, median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms"


def keystrokes(label: str, db: object, pid: int, path: str, figure: str, values: list[str]) -> list[float]:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    window = MainWindow(db, pid)  # type: ignore[arg-type]
    window.show()
    tab = window.self_eval_tab
    window.tabs.setCurrentWidget(tab)
    QApplication.processEvents()
    model = tab.model()
    pos = model.grid.position_of(path)
    fig = model.grid.position_of(figure)
    assert pos is not None and fig is not None
    index, fig_index = model.index(*pos), model.index(*fig)
    tab.view.go_to(*pos)
    QApplication.processEvents()
    to_screen: list[float] = []
    to_disk: list[float] = []
    shown: set[str] = set()
    cpu: list[float] = []
    for value in values:
        start = time.perf_counter()
        cpu_start = time.process_time()
        model.setData(index, value)
        QApplication.processEvents()  # repaint of the changed cells, then the autosave
        done = time.perf_counter()
        cpu.append(time.process_time() - cpu_start)
        assert tab.view.painted_at > start, "the view repainted"
        shown.add(str(model.data(fig_index)))
        to_screen.append(tab.view.painted_at - start)
        to_disk.append(done - start)
    assert len(shown) > 1, "the figure did not follow the edits"
    assert not window.session.unsaved  # type: ignore[union-attr]
    print(f"{label}: {len(values)} edits of {path} → {figure}")
    print(f"    keystroke-commit → figure repainted: {_stats(to_screen)}")
    print(f"    … → also written to the database:     {_stats(to_disk)}")
    print(f"    CPU time of the process per keystroke (incl. the save; hardly moved by other load): {_stats(cpu)}")
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    return to_screen


def overview(tmp: Path, count: int, runs: int = 5) -> None:
    import copy

    from PySide6.QtWidgets import QApplication

    from app.domain.package import read_package_file
    from app.storage import open_database
    from app.ui.overview import OverviewDialog

    db = open_database(tmp / "overview.db")
    seeds = [read_package_file(ROOT / "tests" / "data" / f"seed_00{n}.json") for n in range(5)]
    for i in range(count):
        packet = copy.deepcopy(seeds[i % 5])
        packet.unit.name = f"{packet.unit.name}（{i // 5 + 1}）"
        db.import_packet(packet)

    shown_at: list[float] = []

    def open_once() -> float:
        start = time.perf_counter()
        dialog = OverviewDialog(None, db)
        dialog.show()
        QApplication.processEvents()
        shown_at.append(time.perf_counter() - start)
        dialog.wait_filled(120)
        took = time.perf_counter() - start
        assert dialog.pending == 0 and len(dialog.visible_rows()) == count
        dialog.reject()
        dialog.deleteLater()
        QApplication.processEvents()
        return took

    cold = open_once()
    warm = [open_once() for _ in range(runs)]
    print(f"单位总览 with {count} packets (in-process, until every row has its figures):")
    print(f"    cold (no cache): shown with every row listed after {shown_at[0] * 1000:.0f} ms, "
          f"figures all filled in by the worker thread after {cold * 1000:.0f} ms")
    print(f"    warm (cache file, {runs} runs): {_stats(warm)}")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--starts-only", action="store_true", help="only the cold-start comparison")
    parser.add_argument("--overview", type=int, default=200)
    args = parser.parse_args()
    if args.starts_only:
        cold_starts(args.starts, Path(tempfile.mkdtemp(prefix="perfeval-bench-")))
        return

    from PySide6.QtWidgets import QApplication

    from app.domain.model import Indicator
    from app.domain.package import read_package_file
    from app.storage import open_database
    from app.ui.main import load_font

    app = QApplication([])
    load_font(app)
    tmp = Path(tempfile.mkdtemp(prefix="perfeval-bench-"))
    db = open_database(tmp / "bench.db")
    seed = read_package_file(ROOT / "tests" / "data" / "seed_000.json")
    pid = db.import_packet(seed)

    big = copy.deepcopy(seed)
    big.unit.name = seed.unit.name + "（300项指标）"
    base = seed.self_eval.indicators
    big.self_eval.indicators = [
        Indicator(**{**vars(copy.deepcopy(base[i % len(base)])), "name": f"指标{i + 1}"}) for i in range(300)
    ]
    big_pid = db.import_packet(big)

    full_year = Decimal(str(seed.self_eval.budget_full_year))
    values = [f"{full_year * Decimal(70 + i % 30) / 100:.2f}" for i in range(args.edits)]
    keystrokes("seed 000", db, pid, "self_eval.executed", "self_eval.execution_rate", values)
    keystrokes("300 indicators", db, big_pid, "self_eval.executed", "self_eval.execution_rate", values)
    scores = [str(i % 5 + 1) for i in range(args.edits)]
    keystrokes("300 indicators", db, big_pid, "self_eval.indicators[150].score", "self_eval.total_score", scores)
    db.close()
    if args.overview:
        overview(tmp, args.overview)

    cold_starts(args.starts, tmp)


def _launch(cmd: list[str], env: dict[str, str]) -> tuple[float, dict[str, float]]:
    """Wall time of a whole process and the perfeval-start marks it printed (seconds after the launch)."""
    launched = time.time()
    start = time.perf_counter()
    run = subprocess.run(cmd, cwd=ROOT, env={**env, "PERFEVAL_START_TRACE": repr(launched)},
                         capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    marks = {}
    for line in run.stderr.splitlines():
        if line.startswith("perfeval-start "):
            parts = line.split()
            marks[parts[1]] = float(parts[2])
    return wall, marks


def cold_starts(runs: int, tmp: Path) -> None:
    start_db = tmp / "start.db"
    cache = tmp / "cache"
    env = as_installed({**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                        "PERFEVAL_CACHE_DIR": str(cache)}, ROOT)
    app_cmd = [sys.executable, "-m", "app", "--db", str(start_db), "--quit-after", "0"]
    minimal_cmd = [sys.executable, str(ROOT / "benchmarks" / "minimal_window.py")]
    if not start_db.exists():  # a clerk's database with seed 000 (a new one shows the read-only 示例 instead)
        from app.domain.package import read_package_file
        from app.storage import open_database

        db = open_database(start_db)
        db.import_packet(read_package_file(ROOT / "tests" / "data" / "seed_000.json"))
        db.close()
    _launch(app_cmd, env)  # first start: writes the start snapshot
    _launch(minimal_cmd, env)
    rows: dict[str, list[tuple[float, dict[str, float]]]] = {"minimal": [], "snapshot": [], "no snapshot": []}
    for _ in range(runs):  # in turn, so a busy moment of the shared machine hits all three alike
        rows["minimal"].append(_launch(minimal_cmd, env))
        rows["snapshot"].append(_launch(app_cmd, env))
        for f in cache.glob("*.json"):
            f.unlink()
        rows["no snapshot"].append(_launch(app_cmd, env))
        _launch(app_cmd, env)  # writes the snapshot again (not timed)

    def med(name: str, key: str) -> float:
        values = [wall if key == "wall" else marks.get(key, float("nan")) for wall, marks in rows[name]]
        return statistics.median(values)

    base = med("minimal", "painted")
    print(f"cold start, whole processes, {runs} runs each in turn, medians (load average before: "
          f"{os.getloadavg()[0]:.2f}):")
    print(f"  minimal PySide6 window, one table: painted {base * 1000:.0f} ms, whole process "
          f"{med('minimal', 'wall') * 1000:.0f} ms")
    for name in ("snapshot", "no snapshot"):
        painted = med(name, "painted")
        print(f"  app ({name}): packet painted {painted * 1000:.0f} ms = {painted / base:.2f}× the minimal window; "
              f"database open {med(name, 'database') * 1000:.0f} ms; whole process {med(name, 'wall') * 1000:.0f} ms")


if __name__ == "__main__":
    main()
