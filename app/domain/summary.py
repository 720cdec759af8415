"""The finance bureau's 汇总表: one row per packet, ordered and grouped, with totals and averages.

Pure domain code: what a row says and how the table is arranged.  Reading files, the database and
writing xlsx/PDF live in :mod:`app.export.summary`.

A row's figures are the texts ``perfeval check`` prints for the same packet (``"85.32%"``, ``"8.53"``,
``"——"``), so the 汇总表 and ``check`` can never disagree; the numbers the table totals are read back
from those texts, so an average is the average of what is printed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from app.domain.evaluate import Evaluation
from app.domain.model import Packet
from app.domain.numbers import NOT_APPLICABLE, format_rate, format_score

#: figures behind the columns 执行率, 执行率得分, 总分 (contract.md), of the packet's first scorecard: 附件2
#: (self_eval) for a dept pack, the project for a one-project packet of a project pack
RATE, SCORE, TOTAL = "execution_rate", "execution_score", "total_score"
#: group of the packets whose 主管部门 is unknown (no 附件3 主管部门, not in the supervisors list)
NO_SUPERVISOR = "未注明主管部门"


def template_name(evaluation: Evaluation) -> str:
    """What the 模板 column shows: the pack's short name (the JSON row carries its id)."""
    return evaluation.pack.short or evaluation.pack.name


def scorecard_prefix(evaluation: Evaluation) -> str:
    """The prefix whose 执行率/得分/总分 the row shows: the packet's own (附件2), or its only project's."""
    cards = [sp.prefix for sp in evaluation.plan.scorecards]
    own = [p for p in cards if not p.startswith("projects[")]
    if own:
        return own[0]
    return cards[0] if len(cards) == 1 else ""


def supervisor_of(packet: Packet) -> str:
    """The packet's 主管部门 as its 附件3 forms state it: the most frequent non-empty 主管部门 of its
    projects (first named wins a tie); ``""`` when no project names one."""
    named = [p.supervisor.strip() for p in packet.projects if p.supervisor.strip()]
    return Counter(named).most_common(1)[0][0] if named else ""


@dataclass(frozen=True)
class SummaryRow:
    """One line of the 汇总表: a packet's figures, or an unreadable file and its ``problem``.

    ``source`` says where it came from (the file path, or ``数据库#id``); ``supervisor`` is the 主管部门
    from :func:`supervisor_of` (empty when unknown).
    """

    source: str
    unit: str | None = None
    year: int | None = None
    template: str | None = None  # the pack's id (JSON; its name is template_name)
    execution_rate: str | None = None
    execution_score: str | None = None
    total_score: str | None = None
    errors: int | None = None
    warnings: int | None = None
    problem: str | None = None
    supervisor: str = ""
    note: str = ""  # 说明 the table adds, e.g. two packets of one unit and year
    template_name: str | None = None  # the pack's name: the 汇总表's 模板 column

    @property
    def readable(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, object]:
        """The ``perfeval summary --json`` object (contract.md keys, then ``supervisor``, ``note``, ``source``)."""
        return {
            "unit": self.unit,
            "year": self.year,
            "template": self.template,
            "execution_rate": self.execution_rate,
            "execution_score": self.execution_score,
            "total_score": self.total_score,
            "errors": self.errors,
            "warnings": self.warnings,
            "problem": self.problem,
            "supervisor": self.supervisor or None,
            "note": self.note or None,
            "source": self.source,
        }


def packet_row(packet: Packet, evaluation: Evaluation, source: str) -> SummaryRow:
    """The row of a packet that could be read (figures and counts as ``perfeval check`` reports them)."""
    c = evaluation.computed
    card = scorecard_prefix(evaluation)
    return SummaryRow(
        source=source,
        unit=packet.unit.name,
        year=packet.year,
        template=evaluation.pack.id,
        template_name=template_name(evaluation),
        execution_rate=c.text(f"{card}.{RATE}"),
        execution_score=c.text(f"{card}.{SCORE}"),
        total_score=c.text(f"{card}.{TOTAL}"),
        errors=len(evaluation.errors),
        warnings=len(evaluation.warnings),
        supervisor=supervisor_of(packet),
    )


def problem_row(source: str, problem: str) -> SummaryRow:
    """The row of a file that could not be read: no figures, the reason in ``problem``."""
    return SummaryRow(source=source, problem=problem or "无法读取")


# --- figures printed as text → numbers to total ---------------------------------------------------


def rate_value(text: str | None) -> Decimal | None:
    """``"85.32%"`` → ``Decimal("0.8532")``; ``"——"``/None → None."""
    if not text or text == NOT_APPLICABLE or not text.endswith("%"):
        return None
    return Decimal(text[:-1]) / 100


def score_value(text: str | None) -> Decimal | None:
    """``"8.53"`` → ``Decimal("8.53")``; ``"——"``/None → None."""
    if not text or text == NOT_APPLICABLE:
        return None
    return Decimal(text)


@dataclass(frozen=True)
class Totals:
    """合计 and 平均 of some rows.  Averages are over the rows that have the figure (a ``——`` rate
    is not a zero); ``None`` when no row has it."""

    packets: int  # readable rows
    with_errors: int
    errors: int
    warnings: int
    execution_rate: Decimal | None
    execution_score: Decimal | None
    total_score: Decimal | None

    @property
    def rate_text(self) -> str:
        return format_rate(self.execution_rate)

    @property
    def score_text(self) -> str:
        return format_score(self.execution_score)

    @property
    def total_text(self) -> str:
        return format_score(self.total_score)


def totals(rows: Iterable[SummaryRow]) -> Totals:
    readable = [r for r in rows if r.readable]
    return Totals(
        packets=len(readable),
        with_errors=sum(1 for r in readable if r.errors),
        errors=sum(r.errors or 0 for r in readable),
        warnings=sum(r.warnings or 0 for r in readable),
        execution_rate=_mean(rate_value(r.execution_rate) for r in readable),
        execution_score=_mean(score_value(r.execution_score) for r in readable),
        total_score=_mean(score_value(r.total_score) for r in readable),
    )


def _mean(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) / len(present) if present else None


# --- the table: order, groups, notes -------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Rows under one heading (a 主管部门, or ``None`` for an ungrouped table) and their 小计."""

    title: str | None
    rows: list[SummaryRow]
    subtotal: Totals


@dataclass(frozen=True)
class SummaryTable:
    """What the xlsx and PDF writers print: title, groups in order, unreadable files, 合计/平均."""

    title: str
    subtitle: str
    groups: list[Group]
    problems: list[SummaryRow]  # unreadable files, printed after the packets
    total: Totals
    grouped: bool = False

    def numbered(self) -> list[tuple[int, SummaryRow]]:
        """Every row in print order with its 序号 (packets first, then unreadable files)."""
        rows = [r for g in self.groups for r in g.rows] + self.problems
        return list(enumerate(rows, start=1))


def unit_order(row: SummaryRow) -> tuple[str, int, str]:
    """Sorted by unit name (Unicode order of the characters), then year, then source."""
    return (row.unit or "", row.year or 0, row.source)


def build_table(
    rows: Iterable[SummaryRow],
    *,
    group_by_supervisor: bool = False,
    supervisors: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> SummaryTable:
    """Arrange rows for printing.

    ``group_by_supervisor``: one group per 主管部门, each with its 小计; the 主管部门 of a unit is
    ``supervisors[unit name]`` when given (a list the bureau keeps), else the row's own ``supervisor``
    (from its 附件3), else :data:`NO_SUPERVISOR` (printed last).
    """
    all_rows = list(rows)
    readable = _mark_duplicates(sorted((r for r in all_rows if r.readable), key=unit_order))
    problems = sorted((r for r in all_rows if not r.readable), key=lambda r: r.source)
    groups: list[Group]
    if group_by_supervisor:
        by: dict[str, list[SummaryRow]] = {}
        for r in readable:
            name = (supervisors or {}).get(r.unit or "", "").strip() or r.supervisor or NO_SUPERVISOR
            by.setdefault(name, []).append(r)
        order = sorted(by, key=lambda s: (s == NO_SUPERVISOR, s))
        groups = [Group(s, by[s], totals(by[s])) for s in order]
    else:
        groups = [Group(None, readable, totals(readable))]
    return SummaryTable(
        title=f"{_years(readable)}绩效自评结果汇总表",
        subtitle=_subtitle(readable, problems, today or dt.date.today()),
        groups=groups,
        problems=problems,
        total=totals(readable),
        grouped=group_by_supervisor,
    )


def _years(rows: list[SummaryRow]) -> str:
    years = sorted({r.year for r in rows if r.year is not None})
    if not years:
        return ""
    if len(years) == 1:
        return f"{years[0]}年度"
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}年度"
    return "、".join(str(y) for y in years) + "年度"


def _subtitle(readable: list[SummaryRow], problems: list[SummaryRow], today: dt.date) -> str:
    bad = sum(1 for r in readable if r.errors)
    parts = [f"共{len(readable) + len(problems)}份：审核无错误{len(readable) - bad}份，有错误{bad}份"]
    if problems:
        parts.append(f"无法读取{len(problems)}份")
    return "，".join(parts) + f"　　制表日期：{today.year}年{today.month}月{today.day}日"


def _mark_duplicates(rows: list[SummaryRow]) -> list[SummaryRow]:
    """Two packets of one unit for one year (e.g. its .json and its .xlsx) are both listed, and said so."""
    seen = Counter((r.unit, r.year) for r in rows)
    return [replace(r, note=f"同一单位同一年度共有{seen[(r.unit, r.year)]}份材料，请核对")
            if seen[(r.unit, r.year)] > 1 and not r.note else r for r in rows]
