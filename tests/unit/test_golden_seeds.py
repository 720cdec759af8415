"""Golden tests: every seed packet reproduces its tables figure for figure and every inconsistency
(tests/data/seed_00N.expected.json, computed by hand independently of this code; see SEEDS.md)."""

import json
from collections import Counter
from pathlib import Path

import pytest

from app.domain.evaluate import REQUIRED_KEYS, evaluate
from app.domain.package import read_package_file

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = sorted(DATA.glob("seed_00?.json"))


def _expected(seed: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(seed.with_suffix(".expected.json").read_text(encoding="utf-8"))


def test_all_five_seeds_are_present() -> None:
    assert [s.stem for s in SEEDS] == [f"seed_00{i}" for i in range(5)]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_computed_figures(seed: Path) -> None:
    computed = evaluate(read_package_file(seed)).computed.as_text()
    expected = _expected(seed)["computed"]
    assert expected, "an expectation file with no figures tests nothing"
    assert {k: computed.get(k) for k in expected} == expected
    assert set(REQUIRED_KEYS) <= set(computed)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_issues_are_exactly_the_known_inconsistencies(seed: Path) -> None:
    result = evaluate(read_package_file(seed))
    got = Counter((i.code, i.field) for i in result.issues)
    want = Counter((i["code"], i["field"]) for i in _expected(seed)["issues"])
    assert got == want


def test_seed_000_messages_quote_the_figures() -> None:
    result = evaluate(read_package_file(DATA / "seed_000.json"))
    messages = {i.field: i.message for i in result.issues}
    assert messages["basic.control_rate"] == "控制率填报为100%，按在职人数66/编制数81计算应为81.48%"
    assert "2725.74" in messages["self_eval.income"] and "2729.15" in messages["self_eval.income"]
    assert "60" in messages["self_eval.indicators.level1[产出指标]"]
    assert "35" in messages["self_eval.indicators.level1[效益指标]"]


def test_seed_004_control_rate_precision_is_not_an_error() -> None:
    result = evaluate(read_package_file(DATA / "seed_004.json"))
    assert result.computed.text("basic.control_rate") == "82.26%"
    assert not [i for i in result.issues if i.field == "basic.control_rate"]
    assert result.computed.text("basic.funds.projects.actual") == "64.22"


def test_seed_002_over_execution_is_a_warning() -> None:
    result = evaluate(read_package_file(DATA / "seed_002.json"))
    over = [i for i in result.issues if i.code == "over_execution"]
    assert over and all(not i.is_error for i in over)
    assert "118.74%" in over[0].message
