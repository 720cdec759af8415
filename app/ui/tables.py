"""The grids of 附件1–3, built from the form specs in :mod:`app.domain.forms` (labels are not re-typed here)."""

from __future__ import annotations

import re

from app.domain.edits import Edit
from app.domain.forms import basic as basic_form
from app.domain.forms import project as project_form
from app.domain.forms import report as report_form
from app.domain.forms import self_eval as self_eval_form
from app.domain.forms.common import fill
from app.domain.model import Indicator, Target
from app.domain.numbers import Kind
from app.ui.grid import Cell, Grid, Role, computed, field_cell, field_edit, header, label, title
from app.ui.session import Session

# --- 附件1 基础数据表 --------------------------------------------------------------------------------

BASIC_WIDTHS = (120, 130, 130, 130, 130, 130, 130)


def build_basic(session: Session) -> Grid:
    packet = session.packet
    year = packet.year
    g = Grid(7, BASIC_WIDTHS)
    g.add(title(fill(basic_form.TITLE, year), 7))
    g.add(label(f"{self_eval_form.UNIT_LABEL}：", 2), field_cell("unit.name", Kind.TEXT, 5))

    g.add(header(basic_form.STAFF_HEADER, 7))
    staff = basic_form.STAFF_COLUMNS
    spans = (3, 2, 2)
    g.add(*(header(col.title(year), span) for col, span in zip(staff, spans, strict=True)))
    g.add(
        *(
            computed("basic.control_rate", col.kind, span)
            if col.computed
            else field_cell(f"basic.staff.{col.key}", col.kind, span)
            for col, span in zip(staff, spans, strict=True)
        )
    )

    g.add(header(basic_form.FUNDS_HEADER, 7))
    g.add(header("项目", 4), *(header(col.title(year)) for col in basic_form.FUND_COLUMNS))
    for spec in basic_form.FUND_ROWS:
        cells: list[Cell] = [label("　" * spec.indent + spec.label, 4, indent=spec.indent)]
        for col in basic_form.FUND_COLUMNS:
            key = f"basic.funds.{spec.key}.{col.key}"
            if spec.no_prior and col.key == "prior":
                cells.append(label("——"))
            elif spec.parts or spec.expands_project_lines:
                cells.append(computed(key))
            else:
                cells.append(field_cell(key))
        g.add(*cells)
        if spec.expands_project_lines:
            _project_lines(session, g)

    g.add(header(fill(basic_form.BUILDINGS_HEADER, year), 7))
    g.add(header("完工年份"), *(header(col.title(year)) for col in basic_form.BUILDING_COLUMNS))
    for i, _bld in enumerate(packet.basic.buildings):
        p = f"basic.buildings[{i}]"
        cells = [field_cell(f"{p}.completed_year", Kind.TEXT)]
        for col in basic_form.BUILDING_COLUMNS:
            key = f"{p}.{col.key}"
            cells.append(computed(key, col.kind) if col.computed else field_cell(key, col.kind))
        g.add(*cells, owner=("basic.buildings", i))
    if not packet.basic.buildings:
        g.add(label("（无楼堂馆所项目；需要时点“添加楼堂馆所”）", 7))

    g.add(header(basic_form.AUSTERITY_LABEL, 2), field_cell("basic.austerity", Kind.TEXT, 5), tall=True)
    g.add(label(basic_form.NOTE, 7))
    _footer(g, 7)
    return g


def _project_lines(session: Session, g: Grid) -> None:
    for i, line in enumerate(session.packet.basic.project_lines):
        p = f"basic.project_lines[{i}]"
        name = Cell(Role.INPUT, path=f"{p}.name", kind=Kind.TEXT, col_span=4, indent=1)
        if line.lines:
            cells = [computed(f"{p}.{col.key}") for col in basic_form.FUND_COLUMNS]
        else:
            cells = [field_cell(f"{p}.{col.key}") for col in basic_form.FUND_COLUMNS]
        g.add(name, *cells, owner=("basic.project_lines", i))
        for j, _sub in enumerate(line.lines):
            q = f"{p}.lines[{j}]"
            g.add(
                Cell(Role.INPUT, path=f"{q}.name", kind=Kind.TEXT, col_span=4, indent=2),
                *(field_cell(f"{q}.{col.key}") for col in basic_form.FUND_COLUMNS),
                owner=(f"{p}.lines", j),
            )


def _footer(g: Grid, columns: int) -> None:
    cells: list[Cell] = []
    for key, text in report_form.FOOTER_LABELS:
        cells += [label(text), field_cell(f"unit.{key}", Kind.TEXT)]
    g.add(*cells[:4], label("", columns - 4))
    g.add(*cells[4:], label("", columns - 4))


# --- 附件2 / 附件3: the scored blocks ----------------------------------------------------------------

SCORED_WIDTHS = (128, 130, 180, 110, 110, 70, 70, 210)
_SCORE_KEYS = ("weight", "execution_rate", "score")


def _score_cell(session: Session, prefix: str, key: str, rows: int = 1) -> Cell:
    if key == "weight":
        return field_cell(f"{prefix}.weight", Kind.SCORE, rows=rows)
    if key == "execution_rate":
        return computed(f"{prefix}.execution_rate", Kind.RATE, rows=rows)
    if session.packet.scoring_rule.kind == "manual":  # the clerk enters 得分 under the manual rule
        return field_cell(f"{prefix}.score", Kind.SCORE, rows=rows)
    return computed(f"{prefix}.execution_score", Kind.SCORE, rows=rows)


def build_self_eval(session: Session) -> Grid:
    packet = session.packet
    s = packet.self_eval
    g = Grid(8, SCORED_WIDTHS)
    g.add(title(fill(self_eval_form.TITLE, packet.year), 8))
    g.add(label(self_eval_form.UNIT_LABEL, 2), field_cell("unit.name", Kind.TEXT, 6))
    g.add(header(self_eval_form.FUNDS_HEADER, 2), *(header(c.title(packet.year)) for c in self_eval_form.FUNDS_COLUMNS))
    money = [field_cell(f"self_eval.{c.key}") for c in self_eval_form.FUNDS_COLUMNS[:3]]
    g.add(
        label(self_eval_form.FUNDS_ROW_LABEL, 2), *money, *(_score_cell(session, "self_eval", k) for k in _SCORE_KEYS)
    )

    g.add(header(self_eval_form.INCOME_HEADER, 4), header(self_eval_form.SPENDING_HEADER, 4))
    income = list(self_eval_form.INCOME_LABELS.items())
    spending = list(self_eval_form.SPENDING_LABELS.items())
    for i, (key, text) in enumerate(income):
        cells = [label(text, 2), field_cell(f"self_eval.income.{key}", span=2)]
        if i < len(spending):
            skey, stext = spending[i]
            cells += [label(stext, 2), field_cell(f"self_eval.spending.{skey}", span=2)]
        else:
            cells.append(label("", 4))
        g.add(*cells)
    g.add(
        label("合计（自动计算）", 2),
        computed("self_eval.income_total", span=2),
        label("合计（自动计算）", 2),
        computed("self_eval.spending_total", span=2),
    )
    _targets_and_indicators(session, g, "self_eval", s.targets, s.indicators)
    return g


def build_project(session: Session, n: int) -> Grid:
    packet = session.packet
    proj = packet.projects[n]
    p = f"projects[{n}]"
    g = Grid(8, SCORED_WIDTHS)
    g.add(title(fill(project_form.TITLE, packet.year), 8))
    g.add(label(project_form.NAME_LABEL, 2), field_cell(f"{p}.name", Kind.TEXT, 6))
    g.add(
        label(project_form.SUPERVISOR_LABEL, 2),
        field_cell(f"{p}.supervisor", Kind.TEXT, 2),
        label(project_form.IMPLEMENTER_LABEL, 2),
        field_cell(f"{p}.implementer", Kind.TEXT, 2),
    )
    g.add(
        header(project_form.FUNDS_HEADER, 2),
        *(header(c.title(packet.year)) for c in (*project_form.FUND_COLUMNS, *project_form.SCORE_COLUMNS)),
    )
    rows = list(project_form.FUND_ROW_LABELS.items())
    for i, (row_key, text) in enumerate(rows):
        if row_key == "total":  # 年度资金总额 = 当年财政拨款 + 上年结转 + 其他
            money = [computed(f"{p}.funds.total.{c.key}") for c in project_form.FUND_COLUMNS]
        else:
            money = [field_cell(f"{p}.funds.{row_key}.{c.key}") for c in project_form.FUND_COLUMNS]
        score = [_score_cell(session, p, k, rows=len(rows)) for k in _SCORE_KEYS] if i == 0 else []
        g.add(label(text, 2), *money, *score)
    _targets_and_indicators(session, g, p, proj.targets, proj.indicators)
    return g


def _targets_and_indicators(
    session: Session, g: Grid, prefix: str, targets: list[Target], indicators: list[Indicator]
) -> None:
    g.add(
        header(self_eval_form.TARGETS_HEADER, 2, rows=1 + max(1, len(targets))),
        *(header(c.title(session.packet.year), 3) for c in self_eval_form.TARGET_COLUMNS),
    )
    for i, _t in enumerate(targets):
        g.add(
            *(field_cell(f"{prefix}.targets[{i}].{c.key}", Kind.TEXT, 3) for c in self_eval_form.TARGET_COLUMNS),
            owner=(f"{prefix}.targets", i),
            tall=True,
        )
    if not targets:
        g.add(label("（未填写；点“添加目标”）", 6))

    g.add(header(self_eval_form.INDICATORS_HEADER, 8))
    g.add(*(header(c.title(session.packet.year)) for c in self_eval_form.INDICATOR_COLUMNS))
    _indicator_rows(session, g, prefix, indicators)
    g.add(
        header(self_eval_form.TOTAL_LABEL, 5),
        computed(f"{prefix}.weight_total", Kind.SCORE),
        computed(f"{prefix}.total_score", Kind.SCORE),
        label(""),
    )


def _runs(indicators: list[Indicator], key: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Consecutive rows [start, stop) with the same value of ``key`` → (first, count)."""
    out: list[tuple[int, int]] = []
    i = start
    while i < stop:
        j = i + 1
        value = getattr(indicators[i], key).strip()
        while j < stop and getattr(indicators[j], key).strip() == value:
            j += 1
        out.append((i, j - i))
        i = j
    return out


_LEVEL1_TEXT = re.compile(r"^\s*(?P<name>.*?)\s*(?:[（(]\s*(?P<weight>[^（）()]*?)\s*分?\s*[）)])?\s*$")


def _indicator_rows(session: Session, g: Grid, prefix: str, indicators: list[Indicator]) -> None:
    level1_cells: dict[int, Cell] = {}
    level2_cells: dict[int, Cell] = {}
    for first, count in _runs(indicators, "level1", 0, len(indicators)):
        level1_cells[first] = _level1_cell(session, prefix, first, count)
        for first2, count2 in _runs(indicators, "level2", first, first + count):
            level2_cells[first2] = _level2_cell(session, prefix, first2, count2)
    for i in range(len(indicators)):
        p = f"{prefix}.indicators[{i}]"
        cells = [c for c in (level1_cells.get(i), level2_cells.get(i)) if c is not None]
        for col in self_eval_form.INDICATOR_COLUMNS[2:]:
            cells.append(field_cell(f"{p}.{col.key}", col.kind))
        g.add(*cells, owner=(f"{prefix}.indicators", i))
    if not indicators:
        g.add(label("（尚无三级指标；点“添加三级指标”）", 8))


def _level1_cell(session: Session, prefix: str, first: int, count: int) -> Cell:
    """The merged 一级 cell, shown as 产出指标（50分）; typing 产出指标（40分） renames the group and sets
    its weight on every row of the group."""
    rows = [f"{prefix}.indicators[{i}]" for i in range(first, first + count)]

    def shown() -> str:
        group = indicators_of(session, prefix)[first : first + count]
        weight = next((str(ind.level1_weight) for ind in group if ind.level1_weight not in (None, "")), "")
        return self_eval_form.level1_label(group[0].level1 if group else "", weight)

    def edit(text: str) -> list[Edit]:
        m = _LEVEL1_TEXT.match(text)
        name, weight = (m.group("name"), m.group("weight")) if m else (text.strip(), None)
        edits = field_edit(session, [f"{r}.level1" for r in rows], name)
        edits += field_edit(session, [f"{rows[0]}.level1_weight"], weight or None)
        return edits

    paths = tuple(f"{r}.{k}" for r in rows for k in ("level1", "level1_weight"))
    return Cell(Role.INPUT, kind=Kind.TEXT, row_span=count, display=shown, edit=edit, issue_paths=paths)


def _level2_cell(session: Session, prefix: str, first: int, count: int) -> Cell:
    rows = [f"{prefix}.indicators[{i}]" for i in range(first, first + count)]

    def shown() -> str:
        inds = indicators_of(session, prefix)
        return inds[first].level2 if first < len(inds) else ""

    def edit(text: str) -> list[Edit]:
        return field_edit(session, [f"{r}.level2" for r in rows], text.strip())

    return Cell(Role.INPUT, kind=Kind.TEXT, row_span=count, display=shown, edit=edit,
                issue_paths=tuple(f"{r}.level2" for r in rows))  # fmt: skip


def indicators_of(session: Session, prefix: str) -> list[Indicator]:
    """The indicator list of ``self_eval`` or ``projects[N]``."""
    if prefix == "self_eval":
        return session.packet.self_eval.indicators
    return session.packet.projects[int(prefix[len("projects[") : -1])].indicators
