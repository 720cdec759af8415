"""Run one function over many files on every core, results in input order, as they come.

Used by the finance-bureau commands (``summary``, ``check DIR``, ``import DIR``): reading a filled
.xlsx template takes ≈0.1–0.2 s and a .json package ≈3 ms (with the evaluation), so a county's 300
packets are worth two processes on a two-core PC, a handful of packages is not: starting two workers
took 0.2 s with fork (Linux) and 1.7 s with spawn (Windows, or from the GUI) on the loaded reference
machine.  :func:`workers_for` makes that choice from the file types and the start method; results are
yielded one at a time so memory stays flat.

The function must be picklable (a module-level function) and must not raise for a bad file: it returns
its own "could not read" result, so one broken file never stops the others.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: (done, total, name of the file just finished); done == total at the end
Progress = Callable[[int, int, str], None]

#: rough serial cost of one file (seconds); below the threshold a pool does not pay for its start-up
#: (measured: 300 packages, 1.28 s in one process, 0.90 s in two with fork — docs/benchmarks.md)
COST = {".xlsx": 0.15, ".xlsm": 0.15}
DEFAULT_COST = 0.003
POOL_THRESHOLD = {"fork": 0.5, "spawn": 3.0}
#: files handed to the pool ahead of the one being waited for (bounds memory, keeps both cores busy)
AHEAD = 16


def workers_for(paths: Sequence[Path], jobs: int | None = None) -> int:
    """How many processes to use: ``jobs`` when given, else every core when the work is worth it."""
    if jobs is not None:
        return max(1, jobs)
    cores = os.cpu_count() or 1
    if cores < 2 or len(paths) < 4:
        return 1
    cost = sum(COST.get(p.suffix.lower(), DEFAULT_COST) for p in paths)
    threshold = POOL_THRESHOLD.get(_context().get_start_method(), max(POOL_THRESHOLD.values()))
    return min(cores, len(paths)) if cost >= threshold else 1


def map_files(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int = 1,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    name: Callable[[T], str] = str,
) -> Iterator[R]:
    """``func(item)`` for every item, yielded in input order.  With ``workers`` > 1 the calls run in a
    process pool; at most :data:`AHEAD` results wait in memory.  ``cancelled`` is asked between items."""
    total = len(items)
    if workers <= 1 or total <= 1:
        for n, item in enumerate(items):
            if cancelled is not None and cancelled():
                return
            result = func(item)
            if progress is not None:
                progress(n + 1, total, name(item))
            yield result
        return
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        pending: list[Future[R]] = []
        submitted = 0
        try:
            while done < total:
                if cancelled is not None and cancelled():
                    return
                try:
                    while submitted < total and len(pending) < AHEAD + workers:
                        pending.append(pool.submit(func, items[submitted]))
                        submitted += 1
                    result = pending[0].result()
                except BrokenProcessPool:  # a worker died (killed, out of memory): go on without the pool
                    break
                pending.pop(0)
                done += 1
                if progress is not None:
                    progress(done, total, name(items[done - 1]))
                yield result
        finally:
            for f in pending:
                f.cancel()
    for n in range(done, total):  # only after a broken pool: the rest in this process
        if cancelled is not None and cancelled():
            return
        result = func(items[n])
        if progress is not None:
            progress(n + 1, total, name(items[n]))
        yield result


def _context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (a single-threaded process on Linux: cheap, nothing re-imported); spawn
    elsewhere (Windows, macOS, a GUI with threads, where forking could copy a held lock)."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")
