"""Fuzz the package reader and ``perfeval check`` with hypothesis: 0 internal errors is the bar (issue 11).

    python benchmarks/fuzz.py [--cases 20000] [--cli 200] [--seed 0] [--keep DIR]

Each case is a hostile package (tests/fuzzing.py: mutated seeds, byte-damaged seeds, generated documents).
In-process, every case must be read, evaluated and rendered (text table and ``--json``) or refused with a
PackageError; then ``--cli`` of them run as a real ``perfeval check FILE`` process, whose exit code must be
0, 1 or 2 with nothing on stderr but Chinese one-liners.  An internal error is printed with its traceback and
the input is kept in ``--keep`` (default: a temporary folder) for reproduction.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fuzzing import damaged_bytes, generated_packages, mutated_seeds, run_case  # noqa: E402

SHAPES = {"mutated": mutated_seeds(), "damaged": damaged_bytes(), "generated": generated_packages()}
SHARE = {"mutated": 0.5, "damaged": 0.25, "generated": 0.25}


def fuzz(shape: str, cases: int, rng_seed: int, keep: Path, counts: collections.Counter[str],
         failures: list[str], samples: list[bytes]) -> None:
    @seed(rng_seed)
    @settings(max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.just(shape).flatmap(lambda s: SHAPES[s]))
    def one(data: bytes) -> None:
        try:
            counts[f"{shape}:{run_case(data)}"] += 1
        except Exception as exc:
            counts[f"{shape}:internal error"] += 1
            path = keep / f"{shape}-{len(failures):04d}.json"
            path.write_bytes(data)
            failures.append(f"{path}\n{''.join(traceback.format_exception(exc))}")
        if len(samples) < 2000 and len(data) % 7 == 0:
            samples.append(data)

    one()


def cli_cases(samples: list[bytes], n: int, keep: Path) -> collections.Counter[str]:
    """``perfeval check FILE`` as a process: exit 0/1/2 and no traceback, never 3 (internal error)."""
    out: collections.Counter[str] = collections.Counter()
    env = {**os.environ, "PERFEVAL_LOG_DIR": str(keep / "logs")}
    for i, data in enumerate(samples[:n]):
        path = keep / f"cli-{i:04d}.json"
        path.write_bytes(data)
        done = subprocess.run([sys.executable, "-m", "app.cli", "check", str(path)], cwd=ROOT, env=env,
                              capture_output=True, timeout=120, check=False)
        bad = done.returncode not in (0, 1, 2) or b"Traceback" in done.stderr
        out["cli internal error" if bad else f"cli exit {done.returncode}"] += 1
        if bad:
            print(f"CLI failure on {path}: exit {done.returncode}\n{done.stderr.decode('utf-8', 'replace')}")
        else:
            path.unlink()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--cli", type=int, default=200, help="how many cases also run as a perfeval process")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="folder for failing inputs")
    args = parser.parse_args()
    keep = args.keep or Path(tempfile.mkdtemp(prefix="perfeval-fuzz-"))
    keep.mkdir(parents=True, exist_ok=True)
    counts: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    samples: list[bytes] = []
    start = time.perf_counter()
    for i, (shape, share) in enumerate(SHARE.items()):
        fuzz(shape, max(1, round(args.cases * share)), args.seed * 10 + i, keep, counts, failures, samples)
    in_process = time.perf_counter() - start
    cli_start = time.perf_counter()
    cli = cli_cases(samples, args.cli, keep)
    cli_time = time.perf_counter() - cli_start
    total = sum(counts.values())
    errors = sum(v for k, v in counts.items() if k.endswith("internal error")) + cli["cli internal error"]
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"{total} packages in-process in {in_process:.0f} s ({total / in_process:.0f}/s), seed {args.seed}")
    for key in sorted(counts):
        print(f"  {key:28} {counts[key]}")
    print(f"{sum(cli.values())} as `perfeval check` processes in {cli_time:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(cli.items())))
    print(f"internal errors: {errors}" + (f" (inputs kept in {keep})" if errors else ""))
    for failure in failures[:10]:
        print(failure)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
