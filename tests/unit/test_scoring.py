from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.domain.model import Band, ScoringRule
from app.domain.scoring import rule_problems, score, scores_under_all_rules

TEN = Decimal(10)


def test_proportional_caps_at_full_marks() -> None:
    rule = ScoringRule("proportional")
    assert score(rule, Decimal("0.8532"), TEN) == Decimal("8.532")
    assert score(rule, Decimal("1.1874"), TEN) == TEN


def test_deduct_per_point_seed_001() -> None:
    # forms.md: seed 001, 96% → 6 of 10 with k = 1
    assert score(ScoringRule("deduct_per_point", k="1"), Decimal("0.96"), TEN) == Decimal(6)
    assert score(ScoringRule("deduct_per_point", k="0.5"), Decimal("0.96"), TEN) == Decimal(8)
    assert score(ScoringRule("deduct_per_point", k="1"), Decimal("0.5"), TEN) == Decimal(0)


def test_bands() -> None:
    rule = ScoringRule("bands", bands=[Band("95%", "1"), Band("90%", "0.8"), Band("80%", "0.5")])
    assert score(rule, Decimal("0.96"), TEN) == TEN
    assert score(rule, Decimal("0.95"), TEN) == TEN
    assert score(rule, Decimal("0.9499"), TEN) == Decimal(8)
    assert score(rule, Decimal("0.85"), TEN) == Decimal(5)
    assert score(rule, Decimal("0.5"), TEN) == Decimal(0)


def test_manual_has_no_computed_score_but_shows_the_others() -> None:
    rule = ScoringRule("manual")
    assert score(rule, Decimal("0.8532"), TEN) is None
    others = scores_under_all_rules(rule, Decimal("0.8532"), TEN)
    assert others["proportional"] == Decimal("8.532")
    assert "manual" not in others


def test_blank_inputs_give_no_score() -> None:
    assert score(ScoringRule(), None, TEN) is None
    assert score(ScoringRule(), Decimal(1), None) is None


def test_rule_problems() -> None:
    assert rule_problems(ScoringRule("proportional")) == []
    assert rule_problems(ScoringRule("nonsense"))[0].field == "scoring_rule.kind"
    assert rule_problems(ScoringRule("deduct_per_point", k="x"))[0].field == "scoring_rule.k"
    assert rule_problems(ScoringRule("bands", bands=[Band("abc", "2")]))


rates = st.decimals(min_value=0, max_value=2, places=4)


@given(rates)
def test_every_rule_stays_within_zero_and_weight(rate: Decimal) -> None:
    for rule in (ScoringRule("proportional"), ScoringRule("deduct_per_point", k="1"), ScoringRule("bands")):
        s = score(rule, rate, TEN)
        assert s is not None and Decimal(0) <= s <= TEN
