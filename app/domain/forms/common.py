"""Building blocks of the form specs.  The specs are data: the GUI tabs, the validation, the exports
and the template import are all driven by them, so a new template year means new data, not new code."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.numbers import Kind


@dataclass(frozen=True)
class Column:
    key: str  # attribute of the row object (e.g. "prior")
    label: str  # header as printed; may contain {year}, {prior_year}
    kind: Kind = Kind.MONEY
    computed: bool = False  # derived figure: read-only, shown differently

    def title(self, year: int) -> str:
        return fill(self.label, year)


@dataclass(frozen=True)
class FundRowSpec:
    """A row of 附件1 经费控制情况."""

    key: str  # key in Basic.funds; "" for a label-only row
    label: str  # exactly as printed in the official table
    indent: int = 0  # 0 top-level, 1 numbered part, 2 其中 part
    parts: tuple[str, ...] = ()  # this row is the sum of these rows
    members: tuple[str, ...] = ()  # "其中" rows: each at most this row, not a sum
    no_prior: bool = False  # the prior-year column prints ——
    #: the project lines (业务工作经费, 运行维护经费, 专项资金…) are listed under this row
    expands_project_lines: bool = False


@dataclass(frozen=True)
class IndicatorLayout:
    """The 一级 → 二级 catalogue of an indicator table."""

    key: str
    name: str
    level1: tuple[tuple[str, tuple[str, ...]], ...]
    #: usual 一级 weights of the template, offered when a new packet is made
    default_weights: dict[str, str] = field(default_factory=dict)

    @property
    def level1_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.level1)

    def level2_names(self, level1: str) -> tuple[str, ...]:
        for name, children in self.level1:
            if name == level1:
                return children
        return ()


def fill(label: str, year: int) -> str:
    """Put the year into a label: ``{year}年决算数`` → ``2024年决算数``."""
    return label.format(year=year, prior_year=year - 1, building_year=year - 2)
