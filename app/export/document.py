"""The neutral printable document: what every writer (PDF, Excel, Word) prints.

The tables come from the domain's one layout step (:func:`app.domain.layout.layout`: the packet's template
pack → Sheets); this module only turns each Sheet cell into printed text.  A :class:`Grid` is the official
table as a rectangle of cells: a cell may span rows and columns, the positions it covers hold ``None``.  Each
cell knows what it shows (the printed text), its number kind and value (for Excel number formats), the field
path it was typed into and, for a derived figure, the plan's formula (the Excel writer emits it).

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
from app.domain.layout import Sheet, SheetCell, date_text, layout
from app.domain.model import Packet
from app.domain.numbers import NOT_APPLICABLE, Kind, format_value
from app.domain.packs import fill
from app.domain.paths import get_or_blank
from app.domain.plan import Formula, variables

ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT = "left", "center", "right"
CHART_CAPTION = "图1 预算数与执行数对比（万元）"
#: control characters (pasted from old Excel/WPS files) that XML, and so xlsx/docx, cannot hold
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Printable text: vertical tabs/form feeds become line breaks, other control characters go."""
    return _CONTROL.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n").replace("\r\n", "\n"))


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
    report: ReportDoc | None  # a project pack prints no 自评报告
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
        if r is None:
            return
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
        if r is None:
            return out
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


class _Printer:
    """Prints the cells of a packet's Sheets: inputs as typed (at the form's precision), figures recomputed."""

    def __init__(self, packet: Packet, ev: Evaluation) -> None:
        self.p = packet
        self.ev = ev
        self.year = packet.year

    def known(self, ref: str) -> bool:
        return self.ev.computed.value(ref) is not None or self.ev.cells.value(ref) is not None

    def number(self, path: str, kind: Kind) -> Cell:
        """An input cell: the typed number at the form's precision; unreadable text is printed as typed."""
        parsed = self.ev.cells.get(path)
        raw = self.ev.cells.raws.get(path)
        if parsed.error:
            return Cell(str(raw).strip(), kind, None, path=path, align=ALIGN_RIGHT)
        if parsed.value is None:
            return Cell("", kind, None, path=path, align=ALIGN_RIGHT)
        return Cell(format_value(parsed.value, kind), kind, parsed.value, path=path, align=ALIGN_RIGHT)

    def cell(self, c: SheetCell) -> Cell:
        cell = self._cell(c)
        cell.colspan, cell.rowspan = c.colspan, c.rowspan
        return cell

    def _cell(self, c: SheetCell) -> Cell:
        if c.role == "header":
            return Cell(c.text, header=True, align=c.alignment, indent=c.indent)
        if c.role in ("label", "blank"):
            return Cell(c.text, align=c.alignment, indent=c.indent)
        if c.role == "group":
            return Cell(c.text, path=c.path)
        if c.role == "input":
            if c.kind is Kind.TEXT:
                value = get_or_blank(self.p, c.path)
                return Cell("" if value is None else str(value), path=c.path, align=c.alignment, indent=c.indent)
            cell = self.number(c.path, c.kind)
            cell.align = c.alignment
            return cell
        return self.figure(c)

    def figure(self, c: SheetCell) -> Cell:
        formula = c.formula
        if formula is not None and formula.op == "sum" and formula.stated and not any(self.known(r)
                                                                                      for r in formula.refs):
            # a total row whose parts are all blank: the stated total stands and prints as typed (no SUM of nothing)
            return self.number(formula.stated, c.kind)
        value = self.ev.computed.value(c.key)
        if value is None:
            # a rate or score with nothing to compute yet still gets its formula (Excel fills it in later);
            # a sum of nothing does not (SUM would show 0 where the form shows ——)
            keep = formula if formula is not None and formula.op != "sum" else None
            return Cell(NOT_APPLICABLE, c.kind, None, path=c.path or None, key=c.key, formula=keep)
        return Cell(format_value(value, c.kind), c.kind, value, path=c.path or None, key=c.key, formula=formula,
                    align=c.alignment)

    def part(self, sheet: Sheet) -> Part:
        g = Grid(list(sheet.widths))
        for row in sheet.rows:
            cells = [self.cell(c) for c in row if c is not None]
            g.add(*cells)
        g.repeat = list(sheet.repeat)
        return Part(sheet.label, sheet.name, sheet.title, g, landscape=sheet.landscape, unit_line=sheet.unit_line,
                    notes=list(sheet.notes), footer=list(sheet.footer))

    # -- 附件4 -----------------------------------------------------------------------------------
    def report(self) -> ReportDoc | None:
        spec = self.ev.pack.report
        if spec is None:
            return None
        chapters: list[ReportChapter] = []
        spending_done = perf_done = False
        has_self_eval = "self_eval.execution_rate" in self.ev.computed.figures
        for sec in self.p.report.sections:
            paras = [line.strip() for line in sec.text.splitlines() if line.strip()]
            ch = ReportChapter(sec.title.strip(), paras)
            if has_self_eval and not spending_done and "一般公共预算支出" in sec.title:
                ch.tables.append(self._spending_table())
                spending_done = True
            if has_self_eval and not perf_done and "绩效情况" in sec.title:
                ch.tables.append(self._performance_table())
                ch.chart = True
                perf_done = True
            chapters.append(ch)
        values = variables(self.ev.pack, self.p)
        date = date_text(self.p.unit.date) or spec.date_line
        return ReportDoc(spec.label, fill(spec.title, values), fill(spec.unit_line, values), self.p.unit.name, date,
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


def build_document(packet: Packet, evaluation: Evaluation | None = None, *, draft: bool = False) -> PrintDocument:
    ev = evaluation or evaluate(packet)
    printer = _Printer(packet, ev)
    parts = [printer.part(sheet) for sheet in layout(ev.pack, packet, ev.plan)]
    what = "项目支出绩效自评材料" if ev.pack.kind == "project" else "部门整体支出绩效自评材料"
    title = f"{packet.year}年度{packet.unit.name}{what}"
    rule = json.dumps(asdict(packet.scoring_rule), ensure_ascii=False)
    settings = {"template": packet.template, "template_version": ev.pack.version, "catalogue": packet.catalogue,
                "scoring_rule": rule}
    review = [
        (i.severity.label, i.message, ev.explanation(i) or ("" if i.is_error else "（未说明）"))
        for i in ev.issues
        if draft or not i.is_error
    ]
    return PrintDocument(title, packet.unit.name, packet.year, draft, parts, printer.report(), settings, review)
