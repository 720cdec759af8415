"""GUI timings: keystroke-commit → updated figure on screen, and cold start to a shown window.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_bench.py [--edits 60] [--starts 5]

The CPU time this process spent per keystroke (``time.process_time``, the save included) is printed too: on a
machine shared with other work the wall times above include waiting for a core, the CPU time does not.
A "keystroke-commit" is what Enter does in a cell: the model's setData → the edit applied in memory,
written to the database (one SQLite transaction), the packet re-evaluated, and the event loop run until
the visible cells have repainted.  Measured on seed 000 and on a packet with 300 三级 indicators.
The 单位总览 is opened on a database of ``--overview`` packets (copies of the five seeds under other unit
names): "cold" is the first opening (every packet read and evaluated in the worker thread until the last
row has its figures), "warm" a later opening (figures from the cache file, unchanged packets) — the time
from the menu command to the dialog shown with every row filled, in-process.
Cold start runs ``python -m app --db FILE --quit-after 0`` in a fresh process (interpreter start, imports,
font, database, window shown, closed at once) — the wall time a clerk waits, plus the shutdown.
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
    parser.add_argument("--overview", type=int, default=200)
    args = parser.parse_args()

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

    start_db = tmp / "start.db"
    cmd = [sys.executable, "-m", "app", "--db", str(start_db), "--quit-after", "0"]
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)  # first start imports the sample
    times = []
    for _ in range(args.starts):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    print(f"cold start to a shown window (fresh process, {args.starts} runs): {_stats(times)}")


if __name__ == "__main__":
    main()
