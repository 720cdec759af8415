"""Scoring rule sets for 执行率得分.  Published packets disagree, so the rule is data kept in the packet."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.model import Band, ScoringRule
from app.domain.numbers import Kind, parse_number

RULE_KINDS: dict[str, str] = {
    "proportional": "按比例（分值×执行率，最高满分）",
    "deduct_per_point": "按百分点扣分（每低1个百分点扣k分）",
    "bands": "分档计分",
    "manual": "手工填写得分",
}
DEFAULT_BANDS: tuple[tuple[str, str], ...] = (("95%", "1"), ("90%", "0.8"), ("80%", "0.6"), ("60%", "0.4"))


@dataclass(frozen=True)
class RuleProblem:
    field: str
    message: str


def rule_problems(rule: ScoringRule) -> list[RuleProblem]:
    """Problems in the rule's own settings (unknown kind, bad k, bad bands)."""
    out: list[RuleProblem] = []
    if rule.kind not in RULE_KINDS:
        out.append(RuleProblem("scoring_rule.kind", f"未知的计分规则“{rule.kind}”"))
    if rule.kind == "deduct_per_point":
        k = parse_number(rule.k if rule.k is not None else "1", Kind.SCORE)
        if k.error:
            out.append(RuleProblem("scoring_rule.k", f"扣分系数k：{k.error}"))
    if rule.kind == "bands":
        for i, band in enumerate(rule.bands):
            lo = parse_number(band.min, Kind.RATE)
            ratio = parse_number(band.ratio, Kind.SCORE)
            if lo.error or lo.value is None:
                out.append(RuleProblem(f"scoring_rule.bands[{i}].min", f"第{i + 1}档下限：{lo.error or '未填写'}"))
            if ratio.error or ratio.value is None or ratio.value > 1:
                out.append(RuleProblem(f"scoring_rule.bands[{i}].ratio", f"第{i + 1}档得分比例应在0到1之间"))
    return out


def score(rule: ScoringRule, rate: Decimal | None, weight: Decimal | None) -> Decimal | None:
    """执行率得分 of ``rate`` (a fraction) worth ``weight`` points; None when it cannot be computed.

    Under ``manual`` there is no computed score (the entered one stands).
    """
    if rate is None or weight is None:
        return None
    kind = rule.kind
    if kind == "proportional":
        return weight * min(rate, Decimal(1))
    if kind == "deduct_per_point":
        k = parse_number(rule.k if rule.k is not None else "1", Kind.SCORE).value
        if k is None:
            return None
        shortfall_points = max(Decimal(0), (Decimal(1) - rate) * 100)
        return max(Decimal(0), weight - k * shortfall_points)
    if kind == "bands":
        bands = rule.bands or [Band(min=lo, ratio=r) for lo, r in DEFAULT_BANDS]
        parsed = []
        for band in bands:
            lo = parse_number(band.min, Kind.RATE).value
            ratio = parse_number(band.ratio, Kind.SCORE).value
            if lo is None or ratio is None:
                return None
            parsed.append((lo, ratio))
        for lo, ratio in sorted(parsed, reverse=True):
            if rate >= lo:
                return weight * ratio
        return Decimal(0)
    return None


def scores_under_all_rules(
    rule: ScoringRule, rate: Decimal | None, weight: Decimal | None
) -> dict[str, Decimal | None]:
    """What every rule kind would give (the GUI shows this beside a manual score)."""
    out: dict[str, Decimal | None] = {}
    for kind in RULE_KINDS:
        if kind == "manual":
            continue
        variant = ScoringRule(kind=kind, k=rule.k, bands=rule.bands)
        out[kind] = score(variant, rate, weight)
    return out
