from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.domain.model import Band, ScoringRule
from app.domain.scoring import (
    EXECUTION_RULES,
    rule_for,
    rule_problems,
    scores_under_all_rules,
    suggested_score,
)

TEN = Decimal(10)


def score(data: ScoringRule, rate: Decimal | None, weight: Decimal | None) -> Decimal | None:
    return rule_for(data).score(rate, weight)


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


def test_scaled_is_rate_times_k_capped_chongqing() -> None:
    # templates.md (重庆): 执行率 × 10, 76% → 7.6
    rule = ScoringRule("scaled", k="10")
    assert score(rule, Decimal("0.76"), TEN) == Decimal("7.60")
    assert score(rule, Decimal("1.2"), TEN) == TEN


def test_manual_has_no_computed_score_but_shows_the_others() -> None:
    rule = ScoringRule("manual")
    assert rule_for(rule).entered
    assert score(rule, Decimal("0.8532"), TEN) is None
    others = scores_under_all_rules(rule, Decimal("0.8532"), TEN)
    assert others["按比例"] == Decimal("8.532")
    assert "手工填写得分" not in others


def test_blank_inputs_give_no_score() -> None:
    assert score(ScoringRule(), None, TEN) is None
    assert score(ScoringRule(), Decimal(1), None) is None


def test_rule_problems() -> None:
    assert rule_problems(ScoringRule("proportional")) == []
    assert rule_problems(ScoringRule("nonsense"))[0].field == "scoring_rule.kind"
    assert rule_problems(ScoringRule("deduct_per_point", k="x"))[0].field == "scoring_rule.k"
    assert rule_problems(ScoringRule("bands", bands=[Band("abc", "2")]))


def test_every_rule_owns_its_excel_formula() -> None:
    assert rule_for(ScoringRule("proportional")).excel("F5", "G5") == (
        '=IF(AND(ISNUMBER(G5),ISNUMBER(F5)),ROUND(F5*MIN(G5,1),2),"——")')
    bands = rule_for(ScoringRule("bands", bands=[Band("95%", "1"), Band("80%", "0.5")])).excel("F5", "G5")
    assert bands is not None and "IF(G5>=0.95,F5*1,IF(G5>=0.8,F5*0.5,0))" in bands
    assert rule_for(ScoringRule("manual")).excel("F5", "G5") is None
    assert set(EXECUTION_RULES) >= {"proportional", "deduct_per_point", "bands", "manual", "scaled"}


def test_suggested_score_national_guidance() -> None:
    # ≥: 实际/指标值 × 分值 capped; ≤: 指标值/实际 × 分值 capped; 定性 and text give none
    assert suggested_score("≥", "100", "90", TEN) == Decimal(9)
    assert suggested_score("≥", "100", "120", TEN) == TEN
    assert suggested_score("≤", "50", "100", TEN) == Decimal(5)
    assert suggested_score("≤", "50", "40", TEN) == TEN
    assert suggested_score("定性", "好", "好", TEN) is None
    assert suggested_score("≥", "95%", "较好", TEN) is None
    assert suggested_score(">=", "95", "95", TEN) == TEN


rates = st.decimals(min_value=0, max_value=2, places=4)


@given(rates)
def test_every_rule_stays_within_zero_and_weight(rate: Decimal) -> None:
    for rule in (ScoringRule("proportional"), ScoringRule("deduct_per_point", k="1"), ScoringRule("bands"),
                 ScoringRule("scaled", k="10")):
        s = score(rule, rate, TEN)
        assert s is not None and Decimal(0) <= s <= TEN
