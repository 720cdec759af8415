"""Every derived figure of a packet: the plan's formulas evaluated in Decimal.

Sums are computed from their parts; where the parts are all blank, the stated total stands
(contract.md).  A rate with a zero or blank denominator is None, printed ``——``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.cells import Cells
from app.domain.model import Indicator, Packet
from app.domain.numbers import Kind, format_value
from app.domain.plan import Plan, ScorePlan
from app.domain.scoring import suggested_score

ZERO = Decimal(0)
UNNAMED_LEVEL = "（未填一级指标）"


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal | None
    kind: Kind

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)


@dataclass
class Group:
    """The 三级 rows under one group of an indicator tree (一级 产出指标, or 二级 under it) and their sums."""

    level: str  # level1 | level2
    name: str  # 产出指标 (level2: 产出指标/数量指标)
    label_weight: Decimal | None
    label_paths: list[str]
    rows: list[int]
    weight_sum: Decimal = ZERO
    score_sum: Decimal = ZERO


@dataclass
class IndicatorTotals:
    prefix: str  # "self_eval" or "projects[N]"
    groups: list[Group]
    weight_sum: Decimal | None
    score_sum: Decimal | None


@dataclass
class Computed:
    figures: dict[str, Figure] = field(default_factory=dict)
    indicator_totals: dict[str, IndicatorTotals] = field(default_factory=dict)

    def put(self, key: str, value: Decimal | None, kind: Kind) -> Decimal | None:
        self.figures[key] = Figure(value, kind)
        return value

    def value(self, key: str) -> Decimal | None:
        fig = self.figures.get(key)
        return fig.value if fig else None

    def text(self, key: str) -> str:
        fig = self.figures.get(key)
        return fig.text if fig else "——"

    def as_text(self) -> dict[str, str]:
        return {key: fig.text for key, fig in self.figures.items()}


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def compute(plan: Plan, cells: Cells, packet: Packet) -> Computed:
    out = Computed()
    memo: dict[str, Decimal | None] = {}

    def value(ref: str) -> Decimal | None:
        fig = plan.figures.get(ref)
        if fig is None:
            return cells.value(ref)
        if ref not in memo:
            memo[ref] = None  # a formula that (wrongly) refers to itself reads a blank, never loops
            memo[ref] = fig.formula.evaluate(value, cells.value)
        return memo[ref]

    for key, fig in plan.figures.items():
        out.put(key, value(key), fig.kind)
    for sp in plan.scorecards:
        totals = indicator_totals(sp, sp.items(packet), cells, value)
        out.indicator_totals[sp.prefix] = totals
        for group in totals.groups:
            out.put(f"{sp.prefix}.indicators.{group.name}.weight_sum", group.weight_sum, Kind.SCORE)
            out.put(f"{sp.prefix}.indicators.{group.name}.score_sum", group.score_sum, Kind.SCORE)
        for i, ind in enumerate(sp.items(packet) if sp.card.suggest else ()):
            p = f"{sp.path(sp.card.indicators)}[{i}]"
            suggestion = suggested_score(ind.fields.get("nature"), ind.fields.get("value"), ind.actual,
                                         value(f"{p}.weight"))
            out.put(f"{p}.rule_score", suggestion, Kind.SCORE)
    return out


def indicator_totals(
    sp: ScorePlan, indicators: list[Indicator], cells: Cells, value: Callable[[str], Decimal | None]
) -> IndicatorTotals:
    """Σ分值 and Σ得分 of the whole table and of every group that carries a weight in its label."""
    list_path = sp.path(sp.card.indicators)
    groups: dict[tuple[str, ...], Group] = {}
    any_weight = any_score = False
    weight_sum = score_sum = ZERO
    for i, ind in enumerate(indicators):
        p = f"{list_path}[{i}]"
        w = value(f"{p}.weight")
        s = value(f"{p}.score")
        names: list[str] = []
        for level in sp.card.levels:
            raw = str(getattr(ind, level, "") or ind.fields.get(level) or "").strip()
            names.append(raw or (UNNAMED_LEVEL if level == "level1" else ""))
            weight_key = sp.card.level_weights.get(level)
            if level != "level1" and not weight_key:
                continue  # only the 一级 groups (and levels with a weight) are summed
            key = tuple(names)
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(level, "/".join(names), None, [], [])
            group.rows.append(i)
            if weight_key:
                label_path = f"{p}.{weight_key}"
                label = cells.value(label_path)
                if label is not None:
                    group.label_paths.append(label_path)
                    if group.label_weight is None:
                        group.label_weight = label
            if w is not None:
                group.weight_sum += w
            if s is not None:
                group.score_sum += s
        if w is not None:
            any_weight = True
            weight_sum += w
        if s is not None:
            any_score = True
            score_sum += s
    return IndicatorTotals(
        sp.prefix, list(groups.values()), weight_sum if any_weight else None, score_sum if any_score else None
    )
