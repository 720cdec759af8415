"""A few SIGKILL crash runs (benchmarks/crash_stress.py does 50+): every reported commit survives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from benchmarks.crash_stress import RunResult, crash_run, verify


@pytest.mark.slow
@pytest.mark.parametrize("run", range(4))
def test_killed_writer_loses_no_reported_edit(tmp_path: Path, run: int) -> None:
    delay = random.Random(run).uniform(0.05, 0.4)
    result = crash_run(tmp_path / "perfeval.db", delay)
    assert result.problems == []
    assert result.reported > 0  # the child really wrote before it was killed


def test_the_check_would_notice_a_lost_edit(tmp_path: Path) -> None:
    """The verifier is not vacuous: claiming an edit that never reached the database is reported."""
    result = crash_run(tmp_path / "perfeval.db", 0.1)
    assert result.problems == [] and result.reported > 20
    claimed = list(range(result.reported + 30))  # pretend 30 more commits had returned
    fake = RunResult(0.0, len(claimed), 0.0)
    verify(tmp_path / "perfeval.db", claimed, fake)
    assert fake.problems


def test_a_kill_before_the_first_edit_leaves_the_imported_packet(tmp_path: Path) -> None:
    result = crash_run(tmp_path / "perfeval.db", 0.0)
    assert result.problems == []
