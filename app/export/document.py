"""The neutral printable document: what every writer (PDF, Excel, Word) prints, built once from the form
specs (:mod:`app.domain.forms`), a packet and its evaluation.

A :class:`Grid` is the official table as a rectangle of cells: a cell may span rows and columns, the
positions it covers hold ``None``.  Each cell knows what it shows (the printed text), its number kind
and value (for Excel number formats), the field path it was typed into (so the template import can
read it back) and, for a derived figure, the formula the official Excel template has for it.

Printed figures: cells the clerk types print the parsed number at the form's precision (money with 2
decimals); derived cells (控制率, sums, 执行率, 得分, 总分) print the figure recomputed from the parts,
never the stated one — a final print is refused anyway while a stated figure disagrees.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from app.domain.evaluate import Evaluation, evaluate
from app.domain.forms import basic as basic_form
from app.domain.forms import common
from app.domain.forms import project as project_form
from app.domain.forms import report as report_form
from app.domain.forms import self_eval as self_eval_form
from app.domain.model import Indicator, Packet, Target
from app.domain.numbers import NOT_APPLICABLE, Kind, format_value, parse_number

ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT = "left", "center", "right"
CHART_CAPTION = "图1 预算数与执行数对比（万元）"
#: control characters (pasted from old Excel/WPS files) that XML, and so xlsx/docx, cannot hold
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Printable text: vertical tabs/form feeds become line breaks, other control characters go."""
    return _CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n").replace("\r\n", "\n"))


@dataclass(frozen=True)
class Formula:
    """A derived cell's formula over other cells named by their key (field path or computed key).

    ``op``: ``sum`` (Σ refs), ``ratio`` (refs[0] / refs[1]), ``proportional`` (refs[0]·min(refs[1], 1)),
    ``deduct`` (max(0, refs[0] − k·(100 − 100·refs[1]))), where refs may name cells on the same sheet only.
    """

    op: str
    refs: tuple[str, ...]
    k: Decimal | None = None


@dataclass
class Cell:
    text: str = ""
    kind: Kind = Kind.TEXT
    value: Decimal | None = None  # the number shown, when the cell shows one
    path: str | None = None  # the input field this cell shows (template import reads it back)
    key: str | None = None  # the computed key of a derived cell
    formula: Formula | None = None
    header: bool = False  # a column/row heading of the official form
    align: str = ALIGN_CENTER
    indent: int = 0
    colspan: int = 1
    rowspan: int = 1

    def __post_init__(self) -> None:
        self.text = clean(self.text)

    @property
    def ref(self) -> str | None:
        """The name other cells' formulas use for this one."""
        return self.key or self.path


Row = list[Cell | None]


@dataclass
class Grid:
    """An official table: ``widths`` in millimetres; ``repeat`` rows are printed again on each new page."""

    widths: list[float]
    rows: list[Row] = field(default_factory=list)
    repeat: list[int] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def add(self, *cells: Cell) -> int:
        """Append a row; cells are placed left to right, skipping positions covered by earlier spans."""
        r = len(self.rows)
        row: Row = [None] * self.ncols
        self.rows.append(row)
        covered = self._covered(r)
        c = 0
        for cell in cells:
            while c < self.ncols and c in covered:
                c += 1
            if c + cell.colspan > self.ncols:
                raise ValueError(f"row {r} overflows the grid at column {c}")
            row[c] = cell
            c += cell.colspan
        return r

    def _covered(self, r: int) -> set[int]:
        cols: set[int] = set()
        for rr in range(r):
            for c, cell in enumerate(self.rows[rr]):
                if cell is not None and rr + cell.rowspan > r:
                    cols.update(range(c, c + cell.colspan))
        return cols

    def origin(self) -> list[list[tuple[int, int]]]:
        """For every position, the (row, col) of the cell that owns it."""
        owner = [[(r, c) for c in range(self.ncols)] for r in range(len(self.rows))]
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                for rr in range(r, min(r + cell.rowspan, len(self.rows))):
                    for cc in range(c, c + cell.colspan):
                        owner[rr][cc] = (r, c)
        return owner

    def cells(self) -> list[tuple[int, int, Cell]]:
        return [(r, c, cell) for r, row in enumerate(self.rows) for c, cell in enumerate(row) if cell is not None]


def clip(grid: Grid, rows: list[int]) -> Grid:
    """The sub-table made of ``rows`` (original indices, in order); spans crossing its edges are clipped and
    a span continued from an earlier page gets its text again in the first row where it shows."""
    owner = grid.origin()
    sub = Grid(list(grid.widths))
    sub.rows = [[None] * grid.ncols for _ in rows]
    start: dict[tuple[int, int], tuple[int, int]] = {}  # original origin → origin in the sub-table
    for k, r in enumerate(rows):
        for c in range(grid.ncols):
            o = owner[r][c]
            orig = grid.rows[o[0]][o[1]]
            assert orig is not None
            prev = owner[rows[k - 1]][c] if k else None
            if prev == o and o in start:
                sk, sc = start[o]
                if sc == c:
                    cell = sub.rows[sk][sc]
                    assert cell is not None
                    cell.rowspan = k - sk + 1
                continue
            if c != o[1]:
                continue  # covered by the horizontal span of the cell at o[1]
            copy = Cell(**{**orig.__dict__, "rowspan": 1})
            sub.rows[k][c] = copy
            start[o] = (k, c)
    return sub


@dataclass
class Part:
    """One printed form: 附件1, 附件2, one 附件3 per project."""

    attachment: str  # "附件1"
    sheet: str  # Excel sheet name
    title: str
    grid: Grid
    landscape: bool = False
    unit_line: str = ""  # printed between the title and the table
    notes: list[str] = field(default_factory=list)
    footer: list[tuple[str, str]] = field(default_factory=list)  # (label, filled value)


@dataclass
class QuotedTable:
    """A small table the report quotes, printed after a chapter."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class ReportChapter:
    title: str
    paragraphs: list[str]
    tables: list[QuotedTable] = field(default_factory=list)
    chart: bool = False  # the budget-vs-execution chart goes after this chapter


@dataclass
class ReportDoc:
    """附件4 自评报告: cover and chapters."""

    attachment: str
    title: str
    unit_line: str
    unit_name: str
    date_line: str
    chapters: list[ReportChapter]
    chart: list[tuple[str, Decimal, Decimal]]  # (label, budget, executed), 万元


REVIEW_TITLE = "审核结果"
REVIEW_HEADER = ("类型", "审核发现的问题", "合理性说明")


@dataclass
class PrintDocument:
    title: str
    unit: str
    year: int
    draft: bool
    parts: list[Part]
    report: ReportDoc
    #: packet settings that no printed cell shows (kept in the Excel file's properties for the import)
    settings: dict[str, str] = field(default_factory=dict)
    #: the 审核结果 page (PDF): (错误|提示, message, 合理性说明) — the warnings, and a draft's errors
    review: list[tuple[str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Clean every free text that is not a cell (cells clean themselves)."""
        self.title, self.unit = clean(self.title), clean(self.unit)
        self.review = [(kind, clean(message), clean(why)) for kind, message, why in self.review]
        for part in self.parts:
            part.title, part.unit_line = clean(part.title), clean(part.unit_line)
            part.notes = [clean(n) for n in part.notes]
            part.footer = [(label, clean(value)) for label, value in part.footer]
        r = self.report
        r.title, r.unit_name, r.date_line = clean(r.title), clean(r.unit_name), clean(r.date_line)
        for ch in r.chapters:
            ch.title = clean(ch.title)
            ch.paragraphs = [clean(p) for p in ch.paragraphs]
            for t in ch.tables:
                t.rows = [[clean(x) for x in row] for row in t.rows]
        r.chart = [(clean(label), b, e) for label, b, e in r.chart]

    def texts(self) -> list[str]:
        """Every string printed (for glyph coverage checks)."""
        out = [self.title, self.unit]
        for part in self.parts:
            out += [part.attachment, part.title, part.unit_line, *part.notes]
            out += [f"{label}{value}" for label, value in part.footer]
            out += [cell.text for _, _, cell in part.grid.cells()]
        r = self.report
        out += [r.attachment, r.title, r.unit_line, r.unit_name, r.date_line]
        for ch in r.chapters:
            out += [ch.title, *ch.paragraphs]
            for t in ch.tables:
                out += [t.caption, *t.header, *(x for row in t.rows for x in row)]
        out += [label for label, _, _ in r.chart]
        out += [REVIEW_TITLE, *REVIEW_HEADER, *(x for line in self.review for x in line)]
        return out


# ---------------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, packet: Packet, ev: Evaluation) -> None:
        self.p = packet
        self.ev = ev
        self.year = packet.year

    # -- cell factories -------------------------------------------------------------------------
    def head(self, text: str, *, colspan: int = 1, rowspan: int = 1, align: str = ALIGN_CENTER) -> Cell:
        return Cell(common.fill(text, self.year), header=True, colspan=colspan, rowspan=rowspan, align=align)

    def label(self, text: str, *, colspan: int = 1, rowspan: int = 1, indent: int = 0) -> Cell:
        return Cell(text, align=ALIGN_LEFT, colspan=colspan, rowspan=rowspan, indent=indent)

    def text(self, text: str, path: str | None = None, *, colspan: int = 1, rowspan: int = 1) -> Cell:
        return Cell(text or "", path=path, align=ALIGN_LEFT, colspan=colspan, rowspan=rowspan)

    def number(self, path: str, kind: Kind, *, colspan: int = 1, blank: str = "") -> Cell:
        """An input cell: the typed number at the form's precision; unreadable text is printed as typed."""
        parsed = self.ev.cells.get(path)
        raw = self.ev.cells.raws.get(path)
        if parsed.error:
            return Cell(str(raw).strip(), kind, None, path=path, align=ALIGN_RIGHT, colspan=colspan)
        if parsed.value is None:
            return Cell(blank, kind, None, path=path, align=ALIGN_CENTER if blank else ALIGN_RIGHT, colspan=colspan)
        return Cell(format_value(parsed.value, kind), kind, parsed.value, path=path, align=ALIGN_RIGHT, colspan=colspan)

    def derived(self, key: str, kind: Kind, formula: Formula | None = None, *, colspan: int = 1) -> Cell:
        value = self.ev.computed.value(key)
        if value is None:
            # a rate or score with nothing to compute yet still gets its formula (Excel fills it in later);
            # a sum of nothing does not (SUM would show 0 where the form shows ——)
            keep = formula if formula is not None and formula.op != "sum" else None
            return Cell(NOT_APPLICABLE, kind, None, key=key, formula=keep, colspan=colspan)
        return Cell(format_value(value, kind), kind, value, key=key, formula=formula, align=ALIGN_RIGHT,
                    colspan=colspan)

    def filled(self, paths: list[str]) -> bool:
        return any(self.ev.cells.value(p) is not None for p in paths)

    # -- 附件1 ---------------------------------------------------------------------------------
    def basic(self) -> Part:
        b = self.p.basic
        # col0 row labels; six narrow columns: three-column blocks use pairs, 楼堂馆所 uses all six
        g = Grid([58, 20, 20, 20, 20, 21, 21])
        g.add(self.head(basic_form.STAFF_HEADER, rowspan=2),
              *(self.head(c.label, colspan=2) for c in basic_form.STAFF_COLUMNS))
        rate = Formula("ratio", ("basic.staff.actual", "basic.staff.authorized"))
        g.add(self.number("basic.staff.authorized", Kind.COUNT, colspan=2),
              self.number("basic.staff.actual", Kind.COUNT, colspan=2),
              self.derived("basic.control_rate", Kind.RATE, rate, colspan=2))
        g.repeat.append(g.add(self.head(basic_form.FUNDS_HEADER),
                              *(self.head(c.label, colspan=2) for c in basic_form.FUND_COLUMNS)))
        for spec in basic_form.FUND_ROWS:
            g.add(self.label(spec.label, indent=spec.indent), *self._fund_cells(spec))
            if spec.expands_project_lines:
                for i, line in enumerate(b.project_lines):
                    p = f"basic.project_lines[{i}]"
                    g.add(_indented(self.text(line.name, f"{p}.name"), 1), *self._line_cells(p, len(line.lines)))
                    for j, sub in enumerate(line.lines):
                        q = f"{p}.lines[{j}]"
                        g.add(_indented(self.text(sub.name, f"{q}.name"), 2), *self._line_cells(q, 0))
        building_label = self.head(basic_form.BUILDINGS_HEADER, rowspan=1 + max(1, len(b.buildings)))
        g.add(building_label, *(self.head(c.label) for c in basic_form.BUILDING_COLUMNS))
        for i in range(max(1, len(b.buildings))):
            p = f"basic.buildings[{i}]"
            cells: list[Cell] = []
            for col in basic_form.BUILDING_COLUMNS:
                if i >= len(b.buildings):
                    cells.append(Cell(""))
                elif col.computed:
                    num, den = (("actual_area", "approved_area") if col.key == "area_control_rate"
                                else ("actual_investment", "budget_investment"))
                    cells.append(self.derived(f"{p}.{col.key}", Kind.RATE,
                                              Formula("ratio", (f"{p}.{num}", f"{p}.{den}"))))
                else:
                    cells.append(self.number(f"{p}.{col.key}", col.kind))
            g.add(*cells)
        g.add(self.head(basic_form.AUSTERITY_LABEL), self.text(b.austerity, "basic.austerity", colspan=6))
        return Part(basic_form.ATTACHMENT, basic_form.ATTACHMENT, common.fill(basic_form.TITLE, self.year), g,
                    unit_line=self.unit_line(), notes=[basic_form.NOTE], footer=self.footer())

    def _fund_cells(self, spec: basic_form.FundRowSpec) -> list[Cell]:
        out: list[Cell] = []
        for col in basic_form.FUND_COLUMNS:
            path = f"basic.funds.{spec.key}.{col.key}"
            if spec.no_prior and col.key == "prior":
                out.append(Cell(NOT_APPLICABLE, colspan=2))
                continue
            if spec.parts or spec.expands_project_lines:
                parts = ([f"basic.funds.{k}.{col.key}" for k in spec.parts] if spec.parts else
                         [f"basic.project_lines[{i}].{col.key}" for i in range(len(self.p.basic.project_lines))])
                if self._parts_filled(parts):
                    cell = self.derived(path, Kind.MONEY, Formula("sum", tuple(parts)), colspan=2)
                    cell.path = path  # a sum row: the template import reads a plain value as the stated total
                    out.append(cell)
                    continue
            out.append(self.number(path, Kind.MONEY, colspan=2))
        return out

    def _parts_filled(self, parts: list[str]) -> bool:
        """Whether a sum's parts hold anything (else the stated total stands and prints as typed)."""
        return any(self.ev.computed.value(p) is not None or self.ev.cells.value(p) is not None for p in parts)

    def _line_cells(self, p: str, n_sub: int) -> list[Cell]:
        out: list[Cell] = []
        for col in basic_form.FUND_COLUMNS:
            subs = [f"{p}.lines[{j}].{col.key}" for j in range(n_sub)]
            if subs and self._parts_filled(subs):
                cell = self.derived(f"{p}.{col.key}", Kind.MONEY, Formula("sum", tuple(subs)), colspan=2)
                cell.path = f"{p}.{col.key}"
                out.append(cell)
            else:
                out.append(self.number(f"{p}.{col.key}", Kind.MONEY, colspan=2))
        return out

    def unit_line(self) -> str:
        return f"填报单位（盖章）：{self.p.unit.name}"

    def footer(self) -> list[tuple[str, str]]:
        u = self.p.unit
        values = {"preparer": u.preparer, "date": _date_text(u.date), "phone": u.phone, "head": ""}
        return [(label, values.get(key, "")) for key, label in report_form.FOOTER_LABELS]

    # -- 附件2 / 附件3 shared --------------------------------------------------------------------
    _WIDE: tuple[float, ...] = (12, 22, 24, 60, 30, 40, 15, 15, 49)  # landscape A4: 267 mm between margins

    def _score_formula(self, prefix: str) -> Formula | None:
        rule = self.p.scoring_rule
        refs = (f"{prefix}.weight", f"{prefix}.execution_rate")
        if rule.kind == "proportional":
            return Formula("proportional", refs)
        if rule.kind == "deduct_per_point":
            k = parse_number(rule.k if rule.k is not None else "1", Kind.SCORE).value
            return Formula("deduct", refs, k) if k is not None else None
        return None  # bands: the figure only (a lookup table would not survive WPS); manual: typed

    def _score_cell(self, prefix: str) -> Cell:
        if self.p.scoring_rule.kind == "manual":
            return self.number(f"{prefix}.score", Kind.SCORE)
        return self.derived(f"{prefix}.execution_score", Kind.SCORE, self._score_formula(prefix))

    def _targets(self, g: Grid, prefix: str, targets: list[Target]) -> None:
        rows = max(1, len(targets))
        g.add(self.head(self_eval_form.TARGETS_HEADER, rowspan=rows + 1),
              self.head(self_eval_form.TARGET_COLUMNS[0].label, colspan=4),
              self.head(self_eval_form.TARGET_COLUMNS[1].label, colspan=4))
        for i in range(rows):
            t = targets[i] if i < len(targets) else Target()
            p = f"{prefix}.targets[{i}]"
            g.add(self.text(t.expected, f"{p}.expected" if i < len(targets) else None, colspan=4),
                  self.text(t.actual, f"{p}.actual" if i < len(targets) else None, colspan=4))

    def _indicators(self, g: Grid, prefix: str, indicators: list[Indicator]) -> None:
        shown = [(i, ind) for i, ind in enumerate(indicators) if not _placeholder(ind)]
        header = g.add(self.head(self_eval_form.INDICATORS_HEADER, rowspan=len(shown) + 2),
                       *(self.head(c.label) for c in self_eval_form.INDICATOR_COLUMNS))
        g.repeat.append(header)
        level1_runs = _runs([ind.level1 for _, ind in shown])
        level2_runs = _runs([(ind.level1, ind.level2) for _, ind in shown])
        for n, (i, ind) in enumerate(shown):
            p = f"{prefix}.indicators[{i}]"
            cells: list[Cell] = []
            if n in level1_runs:
                weight = self.ev.cells.value(f"{p}.level1_weight")
                label = self_eval_form.level1_label(ind.level1, format_value(weight, Kind.SCORE) if weight is not None
                                                    else str(ind.level1_weight or "").strip())
                cells.append(Cell(label, path=f"{p}.level1", rowspan=level1_runs[n]))
            if n in level2_runs:
                cells.append(Cell(ind.level2, path=f"{p}.level2", rowspan=level2_runs[n]))
            cells += [
                self.text(ind.name, f"{p}.name"),
                Cell(ind.target, path=f"{p}.target"),
                Cell(ind.actual, path=f"{p}.actual"),
                self.number(f"{p}.weight", Kind.SCORE),
                self.number(f"{p}.score", Kind.SCORE),
                self.text(ind.deviation, f"{p}.deviation"),
            ]
            for c in cells[-3:-1]:  # 分值, 得分
                c.align = ALIGN_CENTER
            g.add(*cells)
        weights = tuple(f"{p}.weight" for p in [prefix] + [f"{prefix}.indicators[{i}]" for i, _ in shown])
        score_ref = f"{prefix}.score" if self.p.scoring_rule.kind == "manual" else f"{prefix}.execution_score"
        scores = (score_ref, *(f"{prefix}.indicators[{i}].score" for i, _ in shown))
        g.add(self.head(self_eval_form.TOTAL_LABEL, colspan=5),
              self.derived(f"{prefix}.weight_total", Kind.SCORE, Formula("sum", weights)),
              self.derived(f"{prefix}.total_score", Kind.SCORE, Formula("sum", scores)),
              Cell(""))
        # center the 分值/得分 of the total row like the column above
        for total in g.rows[-1]:
            if total is not None and total.kind is Kind.SCORE:
                total.align = ALIGN_CENTER

    # -- 附件2 -----------------------------------------------------------------------------------
    def self_eval(self) -> Part:
        s = self.p.self_eval
        g = Grid(list(self._WIDE))
        g.add(self.head(self_eval_form.UNIT_LABEL, colspan=2), self.text(self.p.unit.name, "unit.name", colspan=7))
        g.add(self.head(self_eval_form.FUNDS_HEADER, rowspan=7), Cell("", colspan=2),
              *(self.head(c.label) for c in self_eval_form.FUNDS_COLUMNS))
        rate = Formula("ratio", ("self_eval.executed", "self_eval.budget_full_year"))
        g.add(self.head(self_eval_form.FUNDS_ROW_LABEL, colspan=2),
              self.number("self_eval.budget_initial", Kind.MONEY),
              self.number("self_eval.budget_full_year", Kind.MONEY),
              self.number("self_eval.executed", Kind.MONEY),
              self.number("self_eval.weight", Kind.SCORE),
              self.derived("self_eval.execution_rate", Kind.RATE, rate),
              self._score_cell("self_eval"))
        g.add(self.label(self_eval_form.INCOME_HEADER, colspan=4),
              self.label(self_eval_form.SPENDING_HEADER, colspan=4))
        income = list(self_eval_form.INCOME_LABELS.items())
        spending = list(self_eval_form.SPENDING_LABELS.items())
        for i, (key, text) in enumerate(income):
            right: list[Cell]
            if i < len(spending):
                skey, stext = spending[i]
                right = [self.label(stext), self.number(f"self_eval.spending.{skey}", Kind.MONEY, colspan=3)]
            else:
                right = [Cell(""), Cell("", colspan=3)]
            g.add(self.label(text, colspan=3), self.number(f"self_eval.income.{key}", Kind.MONEY), *right)
        self._targets(g, "self_eval", s.targets)
        self._indicators(g, "self_eval", s.indicators)
        return Part(self_eval_form.ATTACHMENT, self_eval_form.ATTACHMENT, common.fill(self_eval_form.TITLE, self.year),
                    g, landscape=True, footer=self.footer())

    # -- 附件3 -----------------------------------------------------------------------------------
    def project(self, n: int) -> Part:
        proj = self.p.projects[n]
        p = f"projects[{n}]"
        g = Grid(list(self._WIDE))
        g.add(self.head(project_form.NAME_LABEL, colspan=2), self.text(proj.name, f"{p}.name", colspan=7))
        g.add(self.head(project_form.SUPERVISOR_LABEL, colspan=2),
              self.text(proj.supervisor, f"{p}.supervisor", colspan=3),
              self.head(project_form.IMPLEMENTER_LABEL), self.text(proj.implementer, f"{p}.implementer", colspan=3))
        g.add(self.head(project_form.FUNDS_HEADER, rowspan=5), Cell("", colspan=2),
              *(self.head(c.label) for c in (*project_form.FUND_COLUMNS, *project_form.SCORE_COLUMNS)))
        for row, text in project_form.FUND_ROW_LABELS.items():
            cells: list[Cell] = [self.head(text, colspan=2, align=ALIGN_LEFT if row != "total" else ALIGN_CENTER)]
            for col in project_form.FUND_COLUMNS:
                path = f"{p}.funds.{row}.{col.key}"
                parts = [f"{p}.funds.{r}.{col.key}" for r in ("current", "carryover", "other")]
                if row == "total" and self.filled(parts):
                    cell = self.derived(path, Kind.MONEY, Formula("sum", tuple(parts)))
                    cell.path = path
                    cells.append(cell)
                else:
                    cells.append(self.number(path, Kind.MONEY))
            if row == "total":
                rate = Formula("ratio", (f"{p}.funds.total.executed", f"{p}.funds.total.full_year"))
                cells += [self.number(f"{p}.weight", Kind.SCORE), self.derived(f"{p}.execution_rate", Kind.RATE, rate),
                          self._score_cell(p)]
            else:
                cells += [Cell(NOT_APPLICABLE), Cell(NOT_APPLICABLE), Cell(NOT_APPLICABLE)]
            g.add(*cells)
        self._targets(g, p, proj.targets)
        self._indicators(g, p, proj.indicators)
        title = common.fill(project_form.TITLE, self.year)
        return Part(project_form.ATTACHMENT, f"{project_form.ATTACHMENT}-{n + 1}", title, g, landscape=True,
                    unit_line=self.unit_line(), footer=self.footer())

    # -- 附件4 -----------------------------------------------------------------------------------
    def report(self) -> ReportDoc:
        chapters: list[ReportChapter] = []
        spending_done = perf_done = False
        for sec in self.p.report.sections:
            paras = [line.strip() for line in sec.text.splitlines() if line.strip()]
            ch = ReportChapter(sec.title.strip(), paras)
            if not spending_done and "一般公共预算支出" in sec.title:
                ch.tables.append(self._spending_table())
                spending_done = True
            if not perf_done and "绩效情况" in sec.title:
                ch.tables.append(self._performance_table())
                ch.chart = True
                perf_done = True
            chapters.append(ch)
        title = report_form.TITLE.format(year=self.year, unit=self.p.unit.name)
        date = _date_text(self.p.unit.date) or report_form.COVER_DATE_LINE
        return ReportDoc(report_form.ATTACHMENT, title, report_form.COVER_UNIT_LINE, self.p.unit.name, date,
                         chapters, self._chart())

    def _t(self, key: str, kind: Kind = Kind.MONEY) -> str:
        v = self.ev.computed.value(key)
        if v is None and key in self.ev.cells.parsed:
            v = self.ev.cells.value(key)
        return format_value(v, kind)

    def _spending_table(self) -> QuotedTable:
        s = "self_eval.spending"
        return QuotedTable("表1 一般公共预算支出情况（万元）", ["基本支出", "项目支出", "合计"],
                           [[self._t(f"{s}.basic"), self._t(f"{s}.project"), self._t("self_eval.spending_total")]])

    def _performance_table(self) -> QuotedTable:
        return QuotedTable(
            "表2 部门整体支出执行及自评得分",
            ["年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）", "执行率", "执行率得分", "总分"],
            [[self._t("self_eval.budget_initial"), self._t("self_eval.budget_full_year"),
              self._t("self_eval.executed"), self._t("self_eval.execution_rate", Kind.RATE),
              self._t("self_eval.execution_score", Kind.SCORE), self._t("self_eval.total_score", Kind.SCORE)]],
        )

    def _chart(self) -> list[tuple[str, Decimal, Decimal]]:
        v = self.ev.cells.value
        c = self.ev.computed.value
        bars: list[tuple[str, Decimal | None, Decimal | None]] = [
            ("部门整体", v("self_eval.budget_full_year"), v("self_eval.executed")),
            ("“三公”经费", c("basic.funds.three_public.budget"), c("basic.funds.three_public.actual")),
            ("项目支出", c("basic.funds.projects.budget"), c("basic.funds.projects.actual")),
            ("公用经费", v("basic.funds.public_funds.budget"), v("basic.funds.public_funds.actual")),
        ]
        for n, proj in enumerate(self.p.projects):
            bars.append((proj.name or f"项目{n + 1}", c(f"projects[{n}].funds.total.full_year"),
                         c(f"projects[{n}].funds.total.executed")))
        return [(label, b, e) for label, b, e in bars if b is not None and e is not None and (b or e)]


def _indented(cell: Cell, level: int) -> Cell:
    cell.indent = level
    return cell


def _placeholder(ind: Indicator) -> bool:
    """Template placeholder rows ("指标1：", "……") with nothing filled are not printed (forms.md)."""
    filled = [ind.target, ind.actual, ind.deviation, str(ind.weight or ""), str(ind.score or "")]
    name = ind.name.strip().rstrip("：:").strip("…. ")
    is_stub = not name or (name.startswith("指标") and name[2:].isdigit())
    return is_stub and not any(x.strip() for x in filled)


def _runs(values: list[object]) -> dict[int, int]:
    """Start index → length of each run of equal consecutive values (the rows one label spans)."""
    out: dict[int, int] = {}
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            out[start] = i - start
            start = i
    return out


def _date_text(date: str) -> str:
    """``2025-06-25`` → ``2025年6月25日``; anything else as typed."""
    d = date.strip()
    parts = d.split("-")
    if len(parts) == 3 and all(x.isdigit() for x in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return d


def build_document(packet: Packet, evaluation: Evaluation | None = None, *, draft: bool = False) -> PrintDocument:
    ev = evaluation or evaluate(packet)
    b = _Builder(packet, ev)
    parts = [b.basic(), b.self_eval(), *(b.project(n) for n in range(len(packet.projects)))]
    title = f"{packet.year}年度{packet.unit.name}部门整体支出绩效自评材料"
    rule = json.dumps(asdict(packet.scoring_rule), ensure_ascii=False)
    settings = {"template": packet.template, "scoring_rule": rule}
    review = [
        (i.severity.label, i.message, ev.explanation(i) or ("" if i.is_error else "（未说明）"))
        for i in ev.issues
        if draft or not i.is_error
    ]
    return PrintDocument(title, packet.unit.name, packet.year, draft, parts, b.report(), settings, review)
