"""Wall time of `perfeval check` on the seed package (goal < 0.3 s), run as a user runs it: a fresh process.

    python benchmarks/check_bench.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    seed = ROOT / "tests" / "data" / "seed_000.json"
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "check", str(seed), "--json"], cwd=ROOT,
                       capture_output=True, check=False)  # fmt: skip
        times.append(time.perf_counter() - start)
    print(f"perfeval check seed_000 ({args.runs} runs): median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms")  # fmt: skip

    from app.domain.evaluate import evaluate
    from app.domain.package import read_package_file

    packet = read_package_file(seed)
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        evaluate(packet)
    print(f"evaluate(seed_000) in-process: {(time.perf_counter() - start) / n * 1000:.2f} ms")


if __name__ == "__main__":
    main()
