"""Storage timings: the autosave of one cell (goal < 5 ms), structural edits, loading, opening, importing.

    python benchmarks/storage_bench.py [--edits 300] [--packets 50]

Runs on real files in a temporary folder on the same disk as the user's data directory would be
(set TMPDIR to measure another disk).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.domain.edits import InsertItem, RemoveItem, SetCell  # noqa: E402
from app.domain.model import Indicator  # noqa: E402
from app.domain.package import read_package_file  # noqa: E402
from app.storage import engine, open_database  # noqa: E402

SEED = ROOT / "tests" / "data" / "seed_000.json"
CELLS = (
    "basic.funds.three_public.prior",
    "self_eval.indicators[3].score",
    "projects[0].funds.total.executed",
    "report.sections[2].text",
)


def timed(fn: Callable[[int], object], n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms (n={len(ms)})"


def bench_edits(folder: Path, edits: int, sync: str) -> dict[str, str]:
    engine.SYNCHRONOUS = sync
    db = open_database(folder / f"edits-{sync}.db")
    pid = db.import_packet(read_package_file(SEED))
    res = {}
    for path in CELLS:
        res[f"apply(SetCell {path})"] = summary(timed(lambda i, p=path: db.apply(pid, SetCell(p, None, str(i))), edits))
    block = [f"self_eval.indicators[{r}].{c}" for r in range(5) for c in ("target", "actual", "score", "deviation")]
    res["apply_many(20 cells)"] = summary(
        timed(lambda i: db.apply_many(pid, [SetCell(p, None, str(i)) for p in block]), edits // 3)
    )

    def insert_remove(i: int) -> None:
        if i % 2 == 0:
            db.apply(pid, InsertItem("self_eval.indicators", 0, Indicator("产出指标", "50", "数量指标", f"新增{i}")))
        else:
            db.apply(pid, RemoveItem("self_eval.indicators", 0, None))

    res["apply(InsertItem/RemoveItem indicator row)"] = summary(timed(insert_remove, edits // 3))
    res["load_packet(seed 000)"] = summary(timed(lambda i: db.load_packet(pid), edits // 3))
    db.close()
    engine.SYNCHRONOUS = "FULL"
    return res


def bench_open(folder: Path, packets: int) -> dict[str, str]:
    path = folder / "many.db"
    seed = read_package_file(SEED)
    db = open_database(path)
    imports = []
    for year in range(2000, 2000 + packets):
        seed.year = year
        start = time.perf_counter()
        db.import_packet(seed)
        imports.append((time.perf_counter() - start) * 1000)
    db.close()
    size = path.stat().st_size
    opening = timed(lambda i: open_database(path).close(), 10)
    no_check = timed(lambda i: open_database(path, check_integrity=False).close(), 10)
    return {
        "import_packet(seed 000)": summary(imports),
        f"database with {packets} packets": f"{size / 1024:.0f} KiB ({size / packets / 1024:.1f} KiB per packet)",
        f"open_database ({packets} packets, integrity_check)": summary(opening),
        f"open_database ({packets} packets, no check)": summary(no_check),
    }


def bench_import_cost() -> dict[str, str]:
    def run(code: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    base = run("pass")
    package = run("import app.storage")
    repository = run("import app.storage.repository")
    return {
        "import app.storage (fresh process, beyond a bare interpreter)": f"{package - base:.0f} ms",
        "first use: import app.storage.repository (SQLAlchemy + domain)": f"{repository - base:.0f} ms",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--packets", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        folder = Path(tmp)
        results = {}
        for sync in ("FULL", "NORMAL"):
            for k, v in bench_edits(folder, args.edits, sync).items():
                results[f"[{sync}] {k}"] = v
        results.update(bench_open(folder, args.packets))
    results.update(bench_import_cost())
    for k, v in results.items():
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
