"""Every number cell of a packet with its kind, parsed once per evaluation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.model import (
    FUND_COLUMNS,
    INCOME_KEYS,
    PROJECT_FUND_COLUMNS,
    SPENDING_KEYS,
    Indicator,
    Packet,
)
from app.domain.numbers import Kind, Parsed, Raw, parse_number

_INDICATOR_NUMBERS: tuple[tuple[str, Kind], ...] = (
    ("level1_weight", Kind.SCORE),
    ("weight", Kind.SCORE),
    ("score", Kind.SCORE),
)


def _indicator_cells(prefix: str, indicators: list[Indicator]) -> Iterator[tuple[str, Raw, Kind]]:
    for i, ind in enumerate(indicators):
        for attr, kind in _INDICATOR_NUMBERS:
            yield f"{prefix}.indicators[{i}].{attr}", getattr(ind, attr), kind


def number_cells(packet: Packet) -> Iterator[tuple[str, Raw, Kind]]:
    """(path, raw, kind) of every cell that holds a number."""
    b = packet.basic
    yield "basic.staff.authorized", b.staff.authorized, Kind.COUNT
    yield "basic.staff.actual", b.staff.actual, Kind.COUNT
    yield "basic.staff.control_rate", b.staff.control_rate, Kind.RATE
    for key, row in b.funds.items():
        for col in FUND_COLUMNS:
            yield f"basic.funds.{key}.{col}", getattr(row, col), Kind.MONEY
    for i, line in enumerate(b.project_lines):
        for col in FUND_COLUMNS:
            yield f"basic.project_lines[{i}].{col}", getattr(line, col), Kind.MONEY
        for j, sub in enumerate(line.lines):
            for col in FUND_COLUMNS:
                yield f"basic.project_lines[{i}].lines[{j}].{col}", getattr(sub, col), Kind.MONEY
    for i, bld in enumerate(b.buildings):
        p = f"basic.buildings[{i}]"
        yield f"{p}.approved_area", bld.approved_area, Kind.AREA
        yield f"{p}.actual_area", bld.actual_area, Kind.AREA
        yield f"{p}.budget_investment", bld.budget_investment, Kind.MONEY
        yield f"{p}.actual_investment", bld.actual_investment, Kind.MONEY
        yield f"{p}.area_control_rate", bld.area_control_rate, Kind.RATE
        yield f"{p}.investment_control_rate", bld.investment_control_rate, Kind.RATE

    s = packet.self_eval
    for attr in ("budget_initial", "budget_full_year", "executed"):
        yield f"self_eval.{attr}", getattr(s, attr), Kind.MONEY
    yield "self_eval.weight", s.weight, Kind.SCORE
    yield "self_eval.execution_rate", s.execution_rate, Kind.RATE
    yield "self_eval.score", s.score, Kind.SCORE
    for key in INCOME_KEYS:
        yield f"self_eval.income.{key}", s.income.get(key), Kind.MONEY
    for key in SPENDING_KEYS:
        yield f"self_eval.spending.{key}", s.spending.get(key), Kind.MONEY
    yield from _indicator_cells("self_eval", s.indicators)
    yield "self_eval.total_score", s.total_score, Kind.SCORE

    for n, proj in enumerate(packet.projects):
        p = f"projects[{n}]"
        for row_key, fund in proj.funds.items():
            for col in PROJECT_FUND_COLUMNS:
                yield f"{p}.funds.{row_key}.{col}", getattr(fund, col), Kind.MONEY
        yield f"{p}.weight", proj.weight, Kind.SCORE
        yield f"{p}.execution_rate", proj.execution_rate, Kind.RATE
        yield f"{p}.score", proj.score, Kind.SCORE
        yield from _indicator_cells(p, proj.indicators)
        yield f"{p}.total_score", proj.total_score, Kind.SCORE


@dataclass
class Cells:
    """Parsed number cells; ``value(path)`` is None for a blank or unreadable cell."""

    parsed: dict[str, Parsed] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    raws: dict[str, Raw] = field(default_factory=dict)

    @classmethod
    def of(cls, packet: Packet) -> Cells:
        cells = cls()
        for path, raw, kind in number_cells(packet):
            cells.parsed[path] = parse_number(raw, kind)
            cells.kinds[path] = kind
            cells.raws[path] = raw
        return cells

    def get(self, path: str) -> Parsed:
        return self.parsed.get(path) or Parsed(None)

    def value(self, path: str) -> Decimal | None:
        return self.get(path).value

    def shown(self, path: str) -> str:
        """The cell as the clerk typed it, for quoting in messages."""
        raw = self.raws.get(path)
        return "" if raw is None else str(raw).strip()
