"""The neutral printable document: what every writer (PDF, Excel, Word) prints.

The tables come from the domain's one layout step (:func:`app.domain.layout.layout`: the packet's template
pack → Sheets); this module only turns each Sheet cell into printed text.  A :class:`Grid` is the official
table as a rectangle of cells: a cell may span rows and columns, the positions it covers hold ``None``.  Each
cell knows what it shows (the printed text), its number kind and value (for Excel number formats), the field
path it was typed into and, for a derived figure, the plan's formula (the Excel writer emits it).

Printed figures: cells the clerk types print the parsed number at the form's precision (money with 2
decimals); derived cells (控制率, sums, 执行率, 得分, 总分) print the figure recomputed from the parts — a
final print is refused anyway while a stated figure disagrees.  A draft prints what the clerk entered: a
stated figure that disagrees is printed with the computed one beside it (``100.00%①`` / ``应为81.48%``), each
issue's mark on its cell and the 审核结果 page listing every issue under its mark.
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
from app.domain.packs import ReportInsert, fill
from app.domain.paths import get_or_blank
from app.domain.plan import Formula, variables
from app.domain.report import Paragraph, TextTable
from app.domain.report import blocks as report_blocks
from app.domain.rules import Issue

ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT = "left", "center", "right"
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
    #: a draft's note on the cell (the Excel writer puts it in a cell comment; the text already shows it) …
    comment: str = ""
    #: … and the text without the draft's mark (the Excel file keeps what reads back as typed)
    typed: str | None = None

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
    """A table in the report: the clerk's own (typed or pasted as ``a | b`` lines; no caption, the first row is
    its heading) or one generated from the pack's insert (``generated``), with its caption."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    generated: bool = False


@dataclass
class Chart:
    """A generated budget-vs-execution chart (a pack insert of kind chart): (label, budget, executed), 万元."""

    caption: str
    bars: list[tuple[str, Decimal, Decimal]]


#: a chapter's blocks in order: a paragraph, a table, a chart
ReportBlock = str | QuotedTable | Chart


@dataclass
class ReportChapter:
    title: str
    blocks: list[ReportBlock] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def tables(self) -> list[QuotedTable]:
        return [b for b in self.blocks if isinstance(b, QuotedTable)]


@dataclass
class ReportDoc:
    """附件4 自评报告: cover and chapters."""

    attachment: str
    title: str
    unit_line: str
    unit_name: str
    date_line: str
    chapters: list[ReportChapter]


REVIEW_TITLE = "审核结果"
REVIEW_HEADER = ("标记", "类型", "审核发现的问题", "合理性说明")


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
    #: the 审核结果 page: (mark on the cells — a draft's ①②…, 错误|提示, message, 合理性说明) — the warnings,
    #: and a draft's errors
    review: list[tuple[str, str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Clean every free text that is not a cell (cells clean themselves)."""
        self.title, self.unit = clean(self.title), clean(self.unit)
        self.review = [(m, kind, clean(message), clean(why)) for m, kind, message, why in self.review]
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
            ch.blocks = [_clean_block(b) for b in ch.blocks]

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
            out.append(ch.title)
            for b in ch.blocks:
                if isinstance(b, str):
                    out.append(b)
                elif isinstance(b, QuotedTable):
                    out += [b.caption, *b.header, *(x for row in b.rows for x in row)]
                else:
                    out += [b.caption, *(label for label, _, _ in b.bars)]
        out += [REVIEW_TITLE, *REVIEW_HEADER, *(x for line in self.review for x in line)]
        return out


def _clean_block(b: ReportBlock) -> ReportBlock:
    if isinstance(b, str):
        return clean(b)
    if isinstance(b, QuotedTable):
        return QuotedTable(clean(b.caption), [clean(x) for x in b.header], [[clean(x) for x in r] for r in b.rows],
                           b.generated)
    return Chart(clean(b.caption), [(clean(label), budget, done) for label, budget, done in b.bars])


# ---------------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------------


class _Printer:
    """Prints the cells of a packet's Sheets: inputs as typed (at the form's precision), figures recomputed."""

    def __init__(self, packet: Packet, ev: Evaluation, *, draft: bool = False) -> None:
        self.p = packet
        self.ev = ev
        self.year = packet.year
        self.draft = draft

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
        cell = Cell(format_value(value, c.kind), c.kind, value, path=c.path or None, key=c.key, formula=formula,
                    align=c.alignment)
        stated_path = (formula.stated if formula is not None else "") or c.path
        if self.draft and stated_path:
            self.show_stated(cell, stated_path)
        return cell

    def show_stated(self, cell: Cell, path: str) -> None:
        """A draft prints the figure the clerk stated where it differs from the computed one, the computed one
        beside it (应为…); the Excel file keeps its formula (the right figure) with the note in a comment."""
        parsed = self.ev.cells.get(path)
        if parsed.error or parsed.value is None:
            return
        shown = format_value(parsed.value, cell.kind)
        if shown != cell.text:
            cell.comment = f"填报{shown}，按公式计算应为{cell.text}"
            cell.text = f"{shown}\n应为{cell.text}"

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
        """The chapters as the clerk wrote them: paragraphs, the clerk's own tables, and a generated table or
        chart only where a line 【caption】 asks for one of the pack's inserts (from the same figures the 审核
        compares the text with)."""
        spec = self.ev.pack.report
        if spec is None:
            return None
        captions = frozenset(i.caption for i in spec.inserts)
        chapters: list[ReportChapter] = []
        for sec in self.p.report.sections:
            out: list[ReportBlock] = []
            for block in report_blocks(sec.text, captions):
                if isinstance(block, Paragraph):
                    out.append(block.text)
                elif isinstance(block, TextTable):
                    head, *rows = block.padded()
                    out.append(QuotedTable("", head, rows))
                else:
                    insert = spec.insert(block.caption)
                    generated = self._insert(insert) if insert is not None else None
                    if generated is not None:
                        out.append(generated)
            chapters.append(ReportChapter(sec.title.strip(), out))
        values = variables(self.ev.pack, self.p)
        date = date_text(self.p.unit.date) or spec.date_line
        return ReportDoc(spec.label, fill(spec.title, values), fill(spec.unit_line, values), self.p.unit.name, date,
                         chapters)

    def figure_value(self, ref: str) -> Decimal | None:
        """A figure of the packet by its key (computed) or field path (typed)."""
        if ref in self.ev.plan.figures:
            return self.ev.computed.value(ref)
        return self.ev.cells.value(ref)

    def _insert(self, insert: ReportInsert) -> QuotedTable | Chart | None:
        if insert.kind == "table":
            row = [format_value(self.figure_value(ref), kind) for ref, kind in zip(insert.cells, insert.kinds,
                                                                                     strict=False)]
            return QuotedTable(insert.caption, list(insert.columns), [row], generated=True)
        bars = [(label, self.figure_value(budget), self.figure_value(done)) for label, budget, done in insert.bars]
        if insert.projects:
            for sp in self.ev.plan.scorecards:
                if sp.prefix.startswith("projects["):
                    n = int(sp.prefix[len("projects["):-1])
                    name = self.p.projects[n].name if n < len(self.p.projects) else ""
                    executed, budget = sp.rate_refs  # the figures its 执行率 divides
                    bars.append((name or f"项目{n + 1}", self.figure_value(budget), self.figure_value(executed)))
        shown = [(label, b, e) for label, b, e in bars if b is not None and e is not None and (b or e)]
        return Chart(insert.caption, shown) if shown else None


#: the marks a draft puts on the cells of its issues, in the order of the 审核结果 page
MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def mark(n: int) -> str:
    """The n-th issue's mark (1-based): ①…⑳, then [21] …"""
    return MARKS[n - 1] if n <= len(MARKS) else f"[{n}]"


def _mark_cells(parts: list[Part], issues: list[Issue], ev: Evaluation) -> None:
    """A draft: each issue's mark on the first printed cell it concerns (its figure, else a cell it names; a
    group's labelled weight — 产出指标（50分） — is the group's label)."""
    labelled = {f".{level}": f".{weight}"
                for sp in ev.plan.scorecards for level, weight in sp.card.level_weights.items()}
    at: dict[str, Cell] = {}
    for part in parts:
        for _, _, cell in part.grid.cells():
            refs = [cell.key, cell.path]
            if cell.path:
                refs += [cell.path[: -len(level)] + weight for level, weight in labelled.items()
                         if cell.path.endswith(level)]
            for ref in refs:
                if ref and ref not in at:
                    at[ref] = cell
    for n, issue in enumerate(issues, start=1):
        total = issue.cells[-1:] if issue.code == "sum_mismatch" else ()  # the total that does not add up
        marked = next((at[ref] for ref in (issue.field, *total, *issue.cells) if ref in at), None)
        if marked is None:
            continue  # a report text or a setting: the 审核结果 page alone names it
        if marked.typed is None:
            marked.typed = marked.text
        first, nl, rest = marked.text.partition("\n")
        marked.text = f"{first}{mark(n)}{nl}{rest}"
        marked.comment = "\n".join(x for x in (marked.comment, clean(f"{mark(n)}{issue.message}")) if x)


def build_document(packet: Packet, evaluation: Evaluation | None = None, *, draft: bool = False) -> PrintDocument:
    """The printable packet.  A final print shows the figures (it is refused while an error is open) and ends
    with the warnings and their 合理性说明; a draft prints what the clerk entered, each issue's mark ①② on its
    cell (a stated figure that disagrees with the computed one: 应为… beside it) and lists every issue."""
    ev = evaluation or evaluate(packet)
    printer = _Printer(packet, ev, draft=draft)
    parts = [printer.part(sheet) for sheet in layout(ev.pack, packet, ev.plan)]
    what = "项目支出绩效自评材料" if ev.pack.kind == "project" else "部门整体支出绩效自评材料"
    title = f"{packet.year}年度{packet.unit.name}{what}"
    rule = json.dumps(asdict(packet.scoring_rule), ensure_ascii=False)
    settings = {"template": packet.template, "template_version": ev.pack.version, "catalogue": packet.catalogue,
                "scoring_rule": rule}
    listed = [i for i in ev.issues if draft or not i.is_error]
    if draft:
        _mark_cells(parts, listed, ev)
    review = [
        (mark(n) if draft else "", i.severity.label, i.message,
         ev.explanation(i) or ("" if i.is_error else "（未说明）"))
        for n, i in enumerate(listed, start=1)
    ]
    return PrintDocument(title, packet.unit.name, packet.year, draft, parts, printer.report(), settings, review)
