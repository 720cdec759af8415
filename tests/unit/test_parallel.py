"""app.parallel: results in input order with one or two processes, the pool only when it pays, cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.parallel import map_files, workers_for


def square(n: int) -> int:
    return n * n


def test_order_and_progress_with_two_processes() -> None:
    seen: list[tuple[int, int]] = []
    out = list(map_files(square, list(range(50)), workers=2, progress=lambda d, t, _n: seen.append((d, t))))
    assert out == [n * n for n in range(50)]
    assert seen[-1] == (50, 50) and [d for d, _ in seen] == list(range(1, 51))
    assert list(map_files(square, [3], workers=2)) == [9]


def test_cancel_between_items() -> None:
    done: list[int] = []
    for workers in (1, 2):
        out = list(map_files(square, list(range(100)), workers=workers, cancelled=lambda: len(done) >= 5,
                             progress=lambda d, _t, _n: done.append(d)))
        assert len(out) == 5
        done.clear()


def test_pool_only_when_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    import os

    import app.parallel

    jsons = [Path(f"{n}.json") for n in range(300)]
    xlsx = [Path(f"{n}.xlsx") for n in range(30)]
    cores = os.cpu_count() or 1
    monkeypatch.setattr(app.parallel, "_context", lambda: multiprocessing.get_context("fork"))
    assert workers_for(jsons[:100]) == 1  # ≈0.3 s of work: the pool's start-up is not worth it
    assert workers_for(jsons) == min(cores, 300)
    assert workers_for(xlsx[:8]) == min(cores, 8)
    assert workers_for(xlsx[:3]) == 1
    assert workers_for(jsons, jobs=2) == 2 and workers_for(xlsx, jobs=0) == 1
    # spawn (Windows, the GUI) starts slowly: only for more work
    monkeypatch.setattr(app.parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    assert workers_for(jsons) == 1 and workers_for(xlsx[:8]) == 1
    assert workers_for(xlsx) == min(cores, 30)


def test_spawned_workers_as_on_windows_or_from_the_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows and a GUI with threads start workers with spawn (a fresh interpreter): the same results."""
    import multiprocessing

    import app.parallel

    monkeypatch.setattr(app.parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    assert list(map_files(square, list(range(10)), workers=2)) == [n * n for n in range(10)]
    from app.export.summary import row_of_file
    from tests.conftest import SEEDS

    rows = list(map_files(row_of_file, SEEDS, workers=2))
    assert [r.errors for r in rows] == [7, 1, 1, 1, 0]


def die_in_a_worker_on_7(n: int) -> int:
    import multiprocessing
    import os

    if n == 7 and multiprocessing.parent_process() is not None:
        os._exit(1)  # as if the system killed the worker (out of memory)
    return n * n


def test_a_dead_worker_does_not_lose_any_file() -> None:
    done: list[int] = []
    out = list(map_files(die_in_a_worker_on_7, list(range(30)), workers=2, progress=lambda d, _t, _n: done.append(d)))
    assert out == [n * n for n in range(30)]
    assert done == list(range(1, 31))
