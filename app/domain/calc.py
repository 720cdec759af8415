"""Every derived figure of a packet, from the parts the clerk typed, in Decimal.

Sums are computed from their parts; where the parts are all blank, the stated total stands
(contract.md).  A rate with a zero or blank denominator is None, printed ``——``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain import scoring
from app.domain.cells import Cells
from app.domain.forms import basic as basic_form
from app.domain.model import FUND_COLUMNS, INCOME_KEYS, PROJECT_FUND_COLUMNS, SPENDING_KEYS, Indicator, Packet
from app.domain.numbers import Kind, format_value

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal | None
    kind: Kind

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)


@dataclass
class Level1Group:
    """The 三级 rows under one 一级 indicator and their sums."""

    name: str
    label_weight: Decimal | None
    label_paths: list[str]
    rows: list[int]
    weight_sum: Decimal = ZERO
    score_sum: Decimal = ZERO


@dataclass
class IndicatorTotals:
    prefix: str  # "self_eval" or "projects[N]"
    groups: list[Level1Group]
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


def sum_parts(parts: Iterable[Decimal | None], stated: Decimal | None = None) -> Decimal | None:
    """Σ of the filled parts; the stated total when every part is blank."""
    filled = [p for p in parts if p is not None]
    if not filled:
        return stated
    return sum(filled, ZERO)


def compute(packet: Packet, cells: Cells) -> Computed:
    out = Computed()
    _basic(packet, cells, out)
    _self_eval(packet, cells, out)
    for n in range(len(packet.projects)):
        _project(packet, n, cells, out)
    return out


def _basic(packet: Packet, cells: Cells, out: Computed) -> None:
    out.put(
        "basic.control_rate",
        ratio(cells.value("basic.staff.actual"), cells.value("basic.staff.authorized")),
        Kind.RATE,
    )
    lines = packet.basic.project_lines
    for col in FUND_COLUMNS:
        line_values: list[Decimal | None] = []
        for i, line in enumerate(lines):
            p = f"basic.project_lines[{i}]"
            v = sum_parts(
                (cells.value(f"{p}.lines[{j}].{col}") for j in range(len(line.lines))),
                cells.value(f"{p}.{col}"),
            )
            line_values.append(out.put(f"{p}.{col}", v, Kind.MONEY))
        # Rows are declared parents-first; compute leaves-first so a parent sees its parts' totals.
        for spec in reversed(basic_form.FUND_ROWS):
            stated = cells.value(f"basic.funds.{spec.key}.{col}")
            if spec.parts:
                v = sum_parts((out.value(f"basic.funds.{k}.{col}") for k in spec.parts), stated)
            elif spec.expands_project_lines:
                v = sum_parts(line_values, stated)
            else:
                v = stated
            out.put(f"basic.funds.{spec.key}.{col}", v, Kind.MONEY)
    for i in range(len(packet.basic.buildings)):
        p = f"basic.buildings[{i}]"
        out.put(
            f"{p}.area_control_rate",
            ratio(cells.value(f"{p}.actual_area"), cells.value(f"{p}.approved_area")),
            Kind.RATE,
        )
        out.put(
            f"{p}.investment_control_rate",
            ratio(cells.value(f"{p}.actual_investment"), cells.value(f"{p}.budget_investment")),
            Kind.RATE,
        )


def indicator_totals(prefix: str, indicators: list[Indicator], cells: Cells) -> IndicatorTotals:
    groups: dict[str, Level1Group] = {}
    any_weight = any_score = False
    weight_sum = score_sum = ZERO
    for i, ind in enumerate(indicators):
        name = ind.level1.strip() or "（未填一级指标）"
        group = groups.get(name)
        label_path = f"{prefix}.indicators[{i}].level1_weight"
        if group is None:
            group = groups[name] = Level1Group(name, None, [], [])
        group.rows.append(i)
        label = cells.value(label_path)
        if label is not None:
            group.label_paths.append(label_path)
            if group.label_weight is None:
                group.label_weight = label
        w = cells.value(f"{prefix}.indicators[{i}].weight")
        s = cells.value(f"{prefix}.indicators[{i}].score")
        if w is not None:
            any_weight = True
            group.weight_sum += w
            weight_sum += w
        if s is not None:
            any_score = True
            group.score_sum += s
            score_sum += s
    return IndicatorTotals(
        prefix, list(groups.values()), weight_sum if any_weight else None, score_sum if any_score else None
    )


def _scored_block(
    packet: Packet,
    prefix: str,
    indicators: list[Indicator],
    rate: Decimal | None,
    cells: Cells,
    out: Computed,
) -> None:
    """执行率得分, Σ分值 and 总分 — shared by 附件2 and each 附件3."""
    out.put(f"{prefix}.execution_rate", rate, Kind.RATE)
    weight = cells.value(f"{prefix}.weight")
    if packet.scoring_rule.kind == "manual":
        exec_score = cells.value(f"{prefix}.score")
    else:
        exec_score = scoring.score(packet.scoring_rule, rate, weight)
    out.put(f"{prefix}.execution_score", exec_score, Kind.SCORE)

    totals = indicator_totals(prefix, indicators, cells)
    out.indicator_totals[prefix] = totals
    out.put(f"{prefix}.indicator_weight_total", totals.weight_sum, Kind.SCORE)
    out.put(f"{prefix}.indicator_score_total", totals.score_sum, Kind.SCORE)
    for group in totals.groups:
        out.put(f"{prefix}.indicators.{group.name}.weight_sum", group.weight_sum, Kind.SCORE)
        out.put(f"{prefix}.indicators.{group.name}.score_sum", group.score_sum, Kind.SCORE)
    out.put(f"{prefix}.weight_total", sum_parts((weight, totals.weight_sum)), Kind.SCORE)
    out.put(f"{prefix}.total_score", sum_parts((exec_score, totals.score_sum)), Kind.SCORE)


def _self_eval(packet: Packet, cells: Cells, out: Computed) -> None:
    rate = ratio(cells.value("self_eval.executed"), cells.value("self_eval.budget_full_year"))
    _scored_block(packet, "self_eval", packet.self_eval.indicators, rate, cells, out)
    out.put(
        "self_eval.income_total",
        sum_parts(cells.value(f"self_eval.income.{k}") for k in INCOME_KEYS),
        Kind.MONEY,
    )
    out.put(
        "self_eval.spending_total",
        sum_parts(cells.value(f"self_eval.spending.{k}") for k in SPENDING_KEYS),
        Kind.MONEY,
    )


def _project(packet: Packet, n: int, cells: Cells, out: Computed) -> None:
    p = f"projects[{n}]"
    for col in PROJECT_FUND_COLUMNS:
        total = sum_parts(
            (cells.value(f"{p}.funds.{row}.{col}") for row in ("current", "carryover", "other")),
            cells.value(f"{p}.funds.total.{col}"),
        )
        out.put(f"{p}.funds.total.{col}", total, Kind.MONEY)
    rate = ratio(out.value(f"{p}.funds.total.executed"), out.value(f"{p}.funds.total.full_year"))
    _scored_block(packet, p, packet.projects[n].indicators, rate, cells, out)
