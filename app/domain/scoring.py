"""Scoring rules as registered classes.

执行率得分 rules: published packets disagree, so the rule is data kept in the packet (:class:`ScoringRule`: its
``kind``, one number ``k`` and the ``bands``) and each kind is a class here that owns its parameters (and how
the GUI edits them), its score, its Excel formula and the problems of its own settings.  No other module
compares kind strings: they ask :func:`rule_for` for the rule and use its properties.

Indicator rules: an indicator's 得分 is typed (``entered``) or derived (``product``: 得分系数 × 权重, 重庆); where
a pack has structured targets (指标性质/指标值) the national guidance gives a suggested score
(:func:`suggested_score`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from app.domain.model import Band, ScoringRule
from app.domain.numbers import Kind, parse_number

ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Param:
    """A setting of a rule, as the GUI edits it: ``k`` (one number) or ``bands`` (下限:比例, …)."""

    name: str
    label: str
    placeholder: str
    tip: str = ""


@dataclass(frozen=True)
class RuleProblem:
    field: str
    message: str


class ExecutionRule:
    """How 执行率 (a fraction) worth ``weight`` points becomes 执行率得分."""

    kind: ClassVar[str] = ""
    title: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    #: the clerk types the score (no figure is computed; the other rules are shown for comparison)
    entered: ClassVar[bool] = False

    def __init__(self, data: ScoringRule) -> None:
        self.data = data

    @property
    def short(self) -> str:
        return self.title.split("（")[0]

    def score(self, rate: Decimal | None, weight: Decimal | None) -> Decimal | None:
        if rate is None or weight is None:
            return None
        return self._score(rate, weight)

    def _score(self, rate: Decimal, weight: Decimal) -> Decimal | None:
        return None

    def excel(self, weight: str, rate: str) -> str | None:
        """The formula over two cell references (None: the file gets the figure only)."""
        body = self._excel(weight, rate)
        if body is None:
            return None
        return f'=IF(AND(ISNUMBER({rate}),ISNUMBER({weight})),ROUND({body},2),"——")'

    def _excel(self, weight: str, rate: str) -> str | None:
        return None

    def problems(self) -> list[RuleProblem]:
        return []

    def k(self, default: str) -> Decimal | None:
        raw = self.data.k if self.data.k not in (None, "") else default
        return parse_number(raw, Kind.SCORE).value


EXECUTION_RULES: dict[str, type[ExecutionRule]] = {}


def register(cls: type[ExecutionRule]) -> type[ExecutionRule]:
    EXECUTION_RULES[cls.kind] = cls
    return cls


@register
class Proportional(ExecutionRule):
    kind = "proportional"
    title = "按比例（分值×执行率，最高满分）"

    def _score(self, rate: Decimal, weight: Decimal) -> Decimal:
        return weight * min(rate, ONE)

    def _excel(self, weight: str, rate: str) -> str:
        return f"{weight}*MIN({rate},1)"


@register
class DeductPerPoint(ExecutionRule):
    kind = "deduct_per_point"
    title = "按百分点扣分（每低1个百分点扣k分）"
    params = (Param("k", "k＝", "1", "执行率每低于100%一个百分点扣的分数"),)

    def _score(self, rate: Decimal, weight: Decimal) -> Decimal | None:
        k = self.k("1")
        if k is None:
            return None
        shortfall_points = max(ZERO, (ONE - rate) * 100)
        return max(ZERO, weight - k * shortfall_points)

    def _excel(self, weight: str, rate: str) -> str | None:
        k = self.k("1")
        return None if k is None else f"MAX(0,{weight}-{k}*MAX(0,(1-{rate})*100))"

    def problems(self) -> list[RuleProblem]:
        k = parse_number(self.data.k if self.data.k is not None else "1", Kind.SCORE)
        return [RuleProblem("scoring_rule.k", f"扣分系数k：{k.error}")] if k.error else []


DEFAULT_BANDS: tuple[tuple[str, str], ...] = (("95%", "1"), ("90%", "0.8"), ("80%", "0.6"), ("60%", "0.4"))


@register
class Bands(ExecutionRule):
    kind = "bands"
    title = "分档计分"
    params = (Param("bands", "分档：", "95%:1，90%:0.8，80%:0.6，60%:0.4", "执行率下限:得分比例，从高到低"),)

    def parsed(self) -> list[tuple[Decimal, Decimal]] | None:
        bands = self.data.bands or [Band(min=lo, ratio=r) for lo, r in DEFAULT_BANDS]
        out = []
        for band in bands:
            lo = parse_number(band.min, Kind.RATE).value
            ratio = parse_number(band.ratio, Kind.SCORE).value
            if lo is None or ratio is None:
                return None
            out.append((lo, ratio))
        return sorted(out, reverse=True)

    def _score(self, rate: Decimal, weight: Decimal) -> Decimal | None:
        bands = self.parsed()
        if bands is None:
            return None
        return next((weight * ratio for lo, ratio in bands if rate >= lo), ZERO)

    def _excel(self, weight: str, rate: str) -> str | None:
        bands = self.parsed()
        if bands is None:
            return None
        body = "0"
        for lo, ratio in reversed(bands):  # nested IFs: every spreadsheet (Excel, WPS) evaluates them
            body = f"IF({rate}>={_plain(lo)},{weight}*{_plain(ratio)},{body})"
        return body

    def problems(self) -> list[RuleProblem]:
        out = []
        for i, band in enumerate(self.data.bands):
            lo = parse_number(band.min, Kind.RATE)
            ratio = parse_number(band.ratio, Kind.SCORE)
            if lo.error or lo.value is None:
                out.append(RuleProblem(f"scoring_rule.bands[{i}].min", f"第{i + 1}档下限：{lo.error or '未填写'}"))
            if ratio.error or ratio.value is None or not ZERO <= ratio.value <= ONE:
                out.append(RuleProblem(f"scoring_rule.bands[{i}].ratio", f"第{i + 1}档得分比例应在0到1之间"))
        return out


@register
class Scaled(ExecutionRule):
    """重庆: 执行率 × 10 (76% → 7.6), at most the 分值."""

    kind = "scaled"
    title = "执行率乘以系数（如×10，最高满分）"
    params = (Param("k", "系数：", "10", "执行率（小数）乘以的系数；得分不超过分值"),)

    def _score(self, rate: Decimal, weight: Decimal) -> Decimal | None:
        k = self.k("10")
        return None if k is None else max(ZERO, min(weight, rate * k))

    def _excel(self, weight: str, rate: str) -> str | None:
        k = self.k("10")
        return None if k is None else f"MAX(0,MIN({weight},{rate}*{k}))"

    def problems(self) -> list[RuleProblem]:
        k = parse_number(self.data.k if self.data.k is not None else "10", Kind.SCORE)
        return [RuleProblem("scoring_rule.k", f"系数：{k.error}")] if k.error else []


@register
class Manual(ExecutionRule):
    kind = "manual"
    title = "手工填写得分"
    entered = True


class UnknownRule(ExecutionRule):
    title = "未知的计分规则"

    def problems(self) -> list[RuleProblem]:
        return [RuleProblem("scoring_rule.kind", f"未知的计分规则“{self.data.kind}”")]


def rule_for(data: ScoringRule) -> ExecutionRule:
    return EXECUTION_RULES.get(data.kind, UnknownRule)(data)


def default_rule(kinds: tuple[str, ...]) -> ScoringRule:
    """A new packet's rule: the pack's first."""
    return ScoringRule(kind=kinds[0] if kinds else Proportional.kind)


def rule_problems(data: ScoringRule) -> list[RuleProblem]:
    return rule_for(data).problems()


def scores_under_all_rules(
    data: ScoringRule, rate: Decimal | None, weight: Decimal | None, kinds: tuple[str, ...] = ()
) -> dict[str, Decimal | None]:
    """What every computing rule (of ``kinds``, default all) would give, by short title (shown beside a manual
    score, and in the rule selector)."""
    out: dict[str, Decimal | None] = {}
    for kind in kinds or tuple(EXECUTION_RULES):
        cls = EXECUTION_RULES.get(kind)
        if cls is None or cls.entered:
            continue
        rule = cls(ScoringRule(kind=kind, k=data.k if data.kind == kind else None,
                               bands=data.bands if data.kind == kind else []))
        out[rule.short] = rule.score(rate, weight)
    return out


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


# --- indicators ------------------------------------------------------------------------------------

#: 指标性质 of a structured target: 正向 (≥: more is better), 反向 (≤: less is better), 等于, 定性.
POSITIVE, NEGATIVE, EQUAL, QUALITATIVE = "≥", "≤", "=", "定性"
NATURES = (POSITIVE, NEGATIVE, EQUAL, QUALITATIVE)
_NATURE_ALIASES = {">=": POSITIVE, "≧": POSITIVE, "正向": POSITIVE, "<=": NEGATIVE, "≦": NEGATIVE, "反向": NEGATIVE,
                   "＝": EQUAL, "==": EQUAL}


def nature_of(text: object) -> str:
    t = str(text or "").strip()
    return _NATURE_ALIASES.get(t, t)


def suggested_score(nature: object, value: object, actual: object, weight: Decimal | None) -> Decimal | None:
    """The national guidance for a quantitative indicator: 正向 (≥) 实际/指标值 × 分值, 反向 (≤) 指标值/实际 × 分值,
    both capped at 分值; 等于 full marks when equal.  None when it does not apply (定性, a blank or textual
    figure, a zero denominator)."""
    n = nature_of(nature)
    if weight is None or n not in (POSITIVE, NEGATIVE, EQUAL):
        return None
    target = parse_number(value if isinstance(value, str | int | float) else None, Kind.SCORE)
    done = parse_number(actual if isinstance(actual, str | int | float) else None, Kind.SCORE)
    t, a = target.value, done.value
    if t is None or a is None or target.error or done.error:
        return None
    if n == EQUAL:
        return weight if a == t else ZERO
    num, den = (a, t) if n == POSITIVE else (t, a)
    if den == 0:
        return weight if num >= 0 else None
    return max(ZERO, min(weight, weight * num / den))


@dataclass(frozen=True)
class IndicatorRule:
    """How an indicator's 得分 comes about: typed by the clerk, or 得分系数 × 权重 (then it is a figure)."""

    kind: str  # entered | product
    refs: tuple[str, str] = ("coefficient", "weight")

    @property
    def derived(self) -> bool:
        return self.kind == "product"

    def score(self, value: Callable[[str], Decimal | None]) -> Decimal | None:
        a, b = value(self.refs[0]), value(self.refs[1])
        return None if a is None or b is None else a * b
