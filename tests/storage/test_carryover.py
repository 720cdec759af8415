"""Next year's packet: 上年决算数 from this year's 决算数, the indicator tree without this year's results."""

from __future__ import annotations

import pytest

from app.storage import Database, StorageError
from tests.hunan import NO_PRIOR as NO_PRIOR_FUNDS
from tests.storage.conftest import seed


def test_next_year_of_seed_000(db: Database) -> None:
    prev = seed(0)
    pid = db.create_next_year(db.import_packet(prev))
    nxt = db.load_packet(pid)
    assert nxt.year == 2025 and nxt.unit.name == prev.unit.name and nxt.template == prev.template
    assert nxt.unit.date == "" and nxt.scoring_rule == prev.scoring_rule
    for key, row in prev.basic.funds.items():
        assert nxt.basic.funds[key].prior == (None if key in NO_PRIOR_FUNDS else row.actual), key
        assert nxt.basic.funds[key].budget is None and nxt.basic.funds[key].actual is None
    assert nxt.basic.funds["three_public"].prior == "11.38"  # 2024 决算数 printed in seed 000
    assert [(line.name, line.prior) for line in nxt.basic.project_lines] == [
        (line.name, line.actual) for line in prev.basic.project_lines
    ]
    assert nxt.basic.staff.authorized == 81 and nxt.basic.staff.actual is None
    assert nxt.basic.buildings == [] and nxt.basic.austerity == prev.basic.austerity != ""
    assert len(nxt.self_eval.indicators) == len(prev.self_eval.indicators)
    for new, old in zip(nxt.self_eval.indicators, prev.self_eval.indicators, strict=True):
        assert (new.level1, new.level1_weight, new.level2, new.name, new.weight) == (
            old.level1,
            old.level1_weight,
            old.level2,
            old.name,
            old.weight,
        )
        assert (new.target, new.actual, new.score, new.deviation) == ("", "", None, "")
    assert nxt.self_eval.weight == prev.self_eval.weight and nxt.self_eval.executed is None
    assert nxt.self_eval.targets == [] and nxt.self_eval.total_score is None
    assert [p.name for p in nxt.projects] == [p.name for p in prev.projects]
    project = nxt.projects[0]
    assert [i.name for i in project.indicators] == [i.name for i in prev.projects[0].indicators]
    assert all(i.score is None and i.actual == "" for i in project.indicators)
    assert project.funds["total"].executed is None
    assert [s.title for s in nxt.report.sections] == [s.title for s in prev.report.sections]
    assert all(s.text == "" for s in nxt.report.sections)
    assert db.load_packet(db.find_packet(prev.unit.name, 2024) or 0) == prev  # last year is untouched


def test_next_year_twice_is_refused(db: Database) -> None:
    pid = db.import_packet(seed(0))
    db.create_next_year(pid)
    with pytest.raises(StorageError, match="2025"):
        db.create_next_year(pid)


def test_sub_lines_carry_their_actuals(db: Database) -> None:
    prev = seed(4)
    with_subs = [line for line in prev.basic.project_lines if line.lines]
    assert with_subs, "seed 004 has 专项 sub-lines"
    nxt = db.load_packet(db.create_next_year(db.import_packet(prev)))
    for new, old in zip(nxt.basic.project_lines, prev.basic.project_lines, strict=True):
        assert [(s.name, s.prior, s.budget) for s in new.lines] == [(s.name, s.actual, None) for s in old.lines]


def test_library_offers_last_years_indicators(db: Database) -> None:
    db.create_next_year(db.import_packet(seed(0)))
    output = db.library_indicators("产出指标")
    assert output and all(i.level1 == "产出指标" for i in output)
    first = seed(0).self_eval.indicators[0]
    found = next(i for i in output if i.name == first.name)
    assert (found.level2, found.target, found.weight) == (first.level2, first.target, first.weight)
    assert db.library_indicators("没有这个一级") == []


def test_next_year_drops_scoring_settings_the_rule_does_not_use(db: Database) -> None:
    from app.domain.model import Band, ScoringRule

    prev = seed(0)
    prev.scoring_rule = ScoringRule("proportional", k="0.5", bands=[Band("95%", "1")])
    nxt = db.load_packet(db.create_next_year(db.import_packet(prev)))
    assert nxt.scoring_rule == ScoringRule("proportional")
    prev.unit.name += "乙"
    prev.scoring_rule = ScoringRule("deduct_per_point", k="0.5", bands=[Band("95%", "1")])
    nxt = db.load_packet(db.create_next_year(db.import_packet(prev)))
    assert nxt.scoring_rule == ScoringRule("deduct_per_point", k="0.5")
