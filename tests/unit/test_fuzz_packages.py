"""A few hundred hostile packages through the reader and `perfeval check`'s work: read or refused, never a crash.

benchmarks/fuzz.py runs the same strategies 20,000+ times (figures in docs/benchmarks.md)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.fuzzing import PACKAGES, damaged_bytes, generated_packages, mutated_seeds, run_case

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(mutated_seeds())
def test_mutated_seeds(data: bytes) -> None:
    assert run_case(data) in ("read", "refused")


@settings(FAST, max_examples=60)
@given(damaged_bytes())
def test_damaged_bytes(data: bytes) -> None:
    assert run_case(data) in ("read", "refused")


@settings(FAST, max_examples=60)
@given(generated_packages())
def test_generated_packages(data: bytes) -> None:
    assert run_case(data) in ("read", "refused")


@settings(FAST, max_examples=60)
@given(PACKAGES)
def test_mixed(data: bytes) -> None:
    assert run_case(data) in ("read", "refused")

