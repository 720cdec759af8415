"""The one layout step: a pack's attachment + a packet → a :class:`Sheet`, the official table as a grid of cells.

Every cell is a heading or label, an input (a field path and its kind), a derived figure (a key of the plan,
with its formula) or a merged indicator group.  Spans are computed here from the pack's rows and the packet's
lists, never counted by hand elsewhere: the GUI renders a Sheet (``app/ui/sheet_grid.py``), the PDF/Word/Excel
writers print it (``app/export``), and the template import reads a filled workbook by a Sheet's headings.

Two variants of the same Sheet: ``screen`` (hint rows for empty lists, cells only the GUI shows, template
placeholder rows kept so they can be filled) and print (placeholders without content left out, lists padded to
their minimum rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from app.domain.model import Indicator, Packet
from app.domain.numbers import NOT_APPLICABLE, Kind
from app.domain.packs import (
    Attachment,
    CellSpec,
    FormBlock,
    IndicatorBlock,
    ListBlock,
    Pack,
    TableBlock,
    TextBlock,
    fill,
)
from app.domain.paths import get_or_blank
from app.domain.plan import Formula, Plan, ScorePlan, make_plan, resolve, scopes, table_cell, variables

LEFT, CENTER, RIGHT = "left", "center", "right"


@dataclass(frozen=True)
class GroupRef:
    """A merged 一级/二级 cell: the indicator rows it stands for."""

    list: str  # self_eval.indicators
    rows: tuple[int, ...]  # indices into that list
    level: str  # level1 | level2
    weight: str = ""  # the field holding the group's labelled weight (level1_weight), "" if none


@dataclass
class SheetCell:
    role: str  # header | label | input | figure | group | blank
    text: str = ""  # header/label text; a group's shown label
    path: str = ""  # input: the field; figure: where a packet states it ("" if nowhere)
    key: str = ""  # figure: the plan's key
    kind: Kind = Kind.TEXT
    formula: Formula | None = None
    rowspan: int = 1
    colspan: int = 1
    align: str = ""  # "" = by role and kind
    indent: int = 0
    paragraph: bool = False
    group: GroupRef | None = None
    hint: bool = False  # a screen hint (“点‘添加目标’”), not a cell of the form
    suggest: str = ""  # an indicator's 得分: the key of its suggested score (national guidance)

    @property
    def ref(self) -> str:
        """The name formulas use for this cell."""
        return self.key or self.path

    @property
    def alignment(self) -> str:
        if self.align:
            return self.align
        if self.role in ("header", "group", "blank"):
            return CENTER
        if self.role == "label" or self.kind is Kind.TEXT:
            return LEFT
        return RIGHT


Row = list[SheetCell | None]


@dataclass
class Sheet:
    attachment: Attachment
    prefix: str  # "" or projects[N]
    index: int | None  # project index
    label: str  # 附件1
    title: str
    name: str  # sheet name (附件3-1)
    unit_line: str
    widths: list[float]
    screen_widths: list[int]
    rows: list[Row] = field(default_factory=list)
    repeat: list[int] = field(default_factory=list)  # heading rows repeated on continuation pages
    owners: dict[int, tuple[str, int]] = field(default_factory=dict)  # row → (list path, index) it shows
    tall: set[int] = field(default_factory=set)  # rows holding paragraphs
    notes: list[str] = field(default_factory=list)
    footer: list[tuple[str, str]] = field(default_factory=list)  # (label, filled value)
    _covered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, repr=False)

    @property
    def landscape(self) -> bool:
        return self.attachment.landscape

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def add(self, *cells: SheetCell, owner: tuple[str, int] | None = None, tall: bool = False) -> int:
        """Append a row; cells are placed left to right, skipping positions covered by earlier spans."""
        r = len(self.rows)
        row: Row = [None] * self.ncols
        self.rows.append(row)
        c = 0
        for cell in cells:
            while c < self.ncols and (r, c) in self._covered:
                c += 1
            if c + cell.colspan > self.ncols:
                raise ValueError(f"{self.label} row {r}: cells overflow {self.ncols} columns")
            row[c] = cell
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    self._covered[(r + dr, c + dc)] = (r, c)
            c += cell.colspan
        if owner is not None:
            self.owners[r] = owner
        if tall:
            self.tall.add(r)
        return r

    def cells(self) -> Iterator[tuple[int, int, SheetCell]]:
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell is not None:
                    yield r, c, cell

    def origin(self, r: int, c: int) -> tuple[int, int] | None:
        return self._covered.get((r, c))


def layout(pack: Pack, packet: Packet, plan: Plan | None = None, *, screen: bool = False) -> list[Sheet]:
    """Every form of the packet, in print order (附件3 once per project)."""
    plan = plan or make_plan(pack, packet)
    return [_Layout(pack, packet, plan, att, prefix, n, screen).sheet() for att, prefix, n in scopes(pack, packet)]


def layout_one(
    pack: Pack, packet: Packet, key: str, n: int | None = None, plan: Plan | None = None, *, screen: bool = False
) -> Sheet:
    """The Sheet of attachment ``key`` (for a project attachment: of project ``n``)."""
    plan = plan or make_plan(pack, packet)
    att = pack.attachment(key)
    if att is None:
        raise KeyError(key)
    prefix = f"projects[{n}]" if att.scope == "project" else ""
    return _Layout(pack, packet, plan, att, prefix, n, screen).sheet()


def level_label(name: str, weight: str) -> str:
    """产出指标 with weight 50 prints as 产出指标（50分）."""
    return f"{name}（{weight}分）" if weight else name


def is_placeholder(ind: Indicator) -> bool:
    """Template placeholder rows ("指标1：", "……") with nothing filled are not printed (forms.md)."""
    filled = [ind.target, ind.actual, ind.deviation, str(ind.weight or ""), str(ind.score or "")]
    filled += [str(v) for v in ind.fields.values() if v is not None]
    name = ind.name.strip().rstrip("：:").strip("…. ")
    is_stub = not name or (name.startswith("指标") and name[2:].isdigit())
    return is_stub and not any(x.strip() for x in filled)


def date_text(date: str) -> str:
    """``2025-06-25`` → ``2025年6月25日``; anything else as typed."""
    d = date.strip()
    parts = d.split("-")
    if len(parts) == 3 and all(x.isdigit() for x in parts):
        return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
    return d


class _Layout:
    def __init__(
        self, pack: Pack, packet: Packet, plan: Plan, att: Attachment, prefix: str, n: int | None, screen: bool
    ) -> None:
        self.pack, self.packet, self.plan, self.att = pack, packet, plan, att
        self.prefix, self.n, self.screen = prefix, n, screen
        self.values = variables(pack, packet, n)
        self.only = "screen" if screen else "print"

    def shown(self, only: str) -> bool:
        return only in ("", self.only)

    def fill(self, text: str) -> str:
        return fill(text, self.values)

    def sheet(self) -> Sheet:
        att = self.att
        widths = list(att.widths)
        screen = list(att.screen_widths) or [round(w * 4.2) for w in widths]
        s = Sheet(att, self.prefix, self.n, att.label, self.fill(att.title), self.fill(att.sheet),
                  self.fill(att.unit_line), widths, screen)
        for block in att.blocks:
            if not self.shown(block.only):
                continue
            rows = self.block(block)
            if not rows:
                continue
            if block.side:  # the block's heading on the left spans all its rows
                rows[0].cells.insert(0, SheetCell("header", self.fill(block.side), rowspan=len(rows)))
            for row in rows:
                r = s.add(*row.cells, owner=row.owner, tall=row.tall)
                if row.repeat:
                    s.repeat.append(r)
        for note in att.notes:
            text = str(get_or_blank(self.packet, note.path) or "").strip() if note.path else ""
            s.notes.append(text or self.fill(note.text))
        for sig in att.footer:
            path = resolve(sig.path, self.prefix) if sig.path else ""
            value = str(get_or_blank(self.packet, path) or "").strip() if path else ""
            s.footer.append((sig.label, date_text(value) if sig.date else value))
        return s

    # -- blocks ------------------------------------------------------------------------------------
    def block(self, block: object) -> list[_Row]:
        """The block's rows, each as wide as the form: a block narrower than the form (a pack added a column to
        another block) widens its last column, so one block's change never re-spans the others."""
        inner = self.att.columns - (1 if getattr(block, "side", "") else 0)
        if isinstance(block, FormBlock):
            rows = self.form(block)
            for row in rows:
                _widen(row, inner - sum(c.colspan for c in row.cells))
            return rows
        if isinstance(block, TableBlock | ListBlock | IndicatorBlock):
            if isinstance(block, TableBlock):
                rows, natural = self.table(block), block.label_span + sum(c.span for c in block.columns)
            elif isinstance(block, ListBlock):
                rows, natural = self.list_block(block), sum(c.span for c in block.columns)
            else:
                rows, natural = self.indicators(block), sum(c.span for c in block.columns)
            for row in rows:
                _widen(row, inner - natural)
            return rows
        if isinstance(block, TextBlock):
            cell = SheetCell("input", path=resolve(block.path, self.prefix), paragraph=True,
                             colspan=self.att.columns - (1 if block.side else 0))
            return [_Row([cell], tall=True)]
        raise TypeError(block)  # pragma: no cover - the pack reader knows no other blocks

    def spec_cell(self, spec: CellSpec) -> SheetCell:
        """A declared cell (a form cell, or a table column's special cell)."""
        if spec.role in ("label", "header"):
            return SheetCell(spec.role, self.fill(spec.text), colspan=spec.span, align=spec.align)
        if spec.role == "blank":
            return SheetCell("blank", colspan=spec.span)
        if spec.role == "input":
            return SheetCell("input", path=resolve(spec.ref, self.prefix), kind=spec.kind, colspan=spec.span,
                             paragraph=spec.paragraph, align=spec.align)
        if spec.role == "score":
            return self.exec_score(resolve(spec.ref, self.prefix), spec.span)
        return self.figure(resolve(spec.ref, self.prefix), spec.span, spec.align)

    def figure(self, key: str, span: int = 1, align: str = "") -> SheetCell:
        fig = self.plan.figures.get(key)
        if fig is None:
            return SheetCell("figure", key=key, kind=Kind.MONEY, colspan=span, align=align)
        return SheetCell("figure", path=fig.stated, key=key, kind=fig.kind, formula=fig.formula, colspan=span,
                         align=align)

    def scoreplan(self, root: str) -> ScorePlan | None:
        return next((sp for sp in self.plan.scorecards if sp.prefix == root), None)

    def exec_score(self, root: str, span: int) -> SheetCell:
        """执行率得分: typed under a manual rule, else the rule's figure."""
        sp = self.scoreplan(root)
        if sp is None:
            return SheetCell("blank", colspan=span)
        if sp.rule.entered:
            return SheetCell("input", path=sp.path(sp.card.score), kind=Kind.SCORE, colspan=span)
        return self.figure(sp.key("execution_score"), span)

    def form(self, block: FormBlock) -> list[_Row]:
        out = []
        for row in block.rows:
            if not self.shown(row.only):
                continue
            cells = [self.spec_cell(c) for c in row.cells if self.shown(c.only)]
            out.append(_Row(cells, tall=row.tall or any(c.paragraph for c in cells)))
        return out

    def table(self, block: TableBlock) -> list[_Row]:
        head: list[SheetCell] = [
            SheetCell("header", self.fill(block.corner), colspan=block.label_span) if block.corner
            else SheetCell("blank", colspan=block.label_span)
        ]
        head += [SheetCell("header", self.fill(c.label), colspan=c.span) for c in block.columns]
        out = [_Row(head, repeat=block.repeat)]
        role = "header" if block.row_headers else "label"
        for row in block.rows:
            cells = [SheetCell(role, row.label, colspan=block.label_span, indent=row.indent,
                               align=row.align or LEFT)]
            for col in block.columns:
                spec = table_cell(block, row, col, self.prefix)
                if spec is None:
                    cells.append(SheetCell("label", NOT_APPLICABLE, colspan=col.span, align=CENTER))
                    continue
                cell = self.spec_cell(spec)
                cell.colspan = col.span
                if cell.role == "input" and cell.path in self.plan.figures:  # a sum row: the figure shows
                    cell = self.figure(cell.path, col.span)
                cells.append(cell)
            out.append(_Row(cells))
            if row.lines is not None:
                out += self.lines(block, row)
        return out

    def lines(self, block: TableBlock, row: object) -> list[_Row]:
        from app.domain.packs import Row as RowSpec

        assert isinstance(row, RowSpec) and row.lines is not None
        lines = row.lines
        items = get_or_blank(self.packet, lines.list)
        out = []
        for i, item in enumerate(items if isinstance(items, list) else []):
            p = f"{lines.list}[{i}]"
            cells = [SheetCell("input", path=f"{p}.{lines.name}", colspan=block.label_span, indent=1)]
            for col in block.columns:
                if col.rows or col.cell is not None:
                    cells.append(SheetCell("blank", colspan=col.span))
                    continue
                path = f"{p}.{col.key}"
                cells.append(self.figure(path, col.span) if path in self.plan.figures else
                             SheetCell("input", path=path, kind=col.kind, colspan=col.span))
            out.append(_Row(cells, owner=(lines.list, i)))
            subs = getattr(item, lines.sublist, None) if lines.sublist else None
            for j in range(len(subs) if isinstance(subs, list) else 0):
                q = f"{p}.{lines.sublist}[{j}]"
                sub = [SheetCell("input", path=f"{q}.{lines.name}", colspan=block.label_span, indent=2)]
                sub += [SheetCell("input", path=f"{q}.{col.key}", kind=col.kind, colspan=col.span)
                        if not (col.rows or col.cell is not None) else SheetCell("blank", colspan=col.span)
                        for col in block.columns]
                out.append(_Row(sub, owner=(f"{p}.{lines.sublist}", j)))
        return out

    def list_block(self, block: ListBlock) -> list[_Row]:
        list_path = resolve(block.list, self.prefix)
        items = get_or_blank(self.packet, list_path)
        count = len(items) if isinstance(items, list) else 0
        inner = sum(c.span for c in block.columns)
        out = [_Row([SheetCell("header", self.fill(c.label), colspan=c.span) for c in block.columns])]
        for i in range(count):
            p = f"{list_path}[{i}]"
            cells = []
            for col in block.columns:
                path = f"{p}.{col.key}"
                if col.derive is not None:
                    cells.append(self.figure(path, col.span))
                else:
                    cells.append(SheetCell("input", path=path, kind=col.kind, colspan=col.span,
                                           paragraph=col.paragraph))
            out.append(_Row(cells, owner=(list_path, i), tall=block.tall))
        if self.screen:
            if not count and block.hint:
                out.append(_Row([SheetCell("label", block.hint, colspan=inner, hint=True)]))
        else:
            for _ in range(count, block.min_rows):
                out.append(_Row([SheetCell("blank", colspan=c.span) for c in block.columns]))
        return out

    def indicators(self, block: IndicatorBlock) -> list[_Row]:
        list_path = resolve(block.list, self.prefix)
        items = get_or_blank(self.packet, list_path)
        inds: list[Indicator] = items if isinstance(items, list) else []
        sp = next((x for x in self.plan.scorecards if x.path(x.card.indicators) == list_path), None)
        shown = list(range(len(inds))) if self.screen else self.printed(inds, block)
        # the column headings are printed again on every continuation page of a long indicator table
        out = [_Row([SheetCell("header", self.fill(c.label), colspan=c.span) for c in block.columns], repeat=True)]
        groups: dict[tuple[str, int], tuple[int, ...]] = {}
        if block.shape == "tree":
            for level in ("level1", "level2"):
                for run in _runs(inds, shown, level):
                    groups[(level, run[0])] = run
        weights = sp.card.level_weights if sp is not None else {}
        derived = sp is not None and sp.indicator_rule.derived
        for i in shown:
            p = f"{list_path}[{i}]"
            cells: list[SheetCell] = []
            for col in block.columns:
                if col.role in ("level1", "level2"):
                    found = groups.get((col.role, i))
                    if found is None:
                        continue  # covered by the group's merged cell
                    run = found
                    weight_key = weights.get(col.role, "")
                    cells.append(SheetCell(
                        "group", self.group_label(inds, run, col.role, weight_key), path=f"{p}.{col.key}",
                        rowspan=len(run), colspan=col.span,
                        group=GroupRef(list_path, run, col.role, weight_key),
                    ))  # fmt: skip
                    continue
                path = f"{p}.{col.key}"
                if col.role == "score" and derived:
                    cells.append(self.figure(path, col.span, CENTER))
                    continue
                cell = SheetCell("input", path=path, kind=col.kind, colspan=col.span, paragraph=col.paragraph)
                if col.role in ("weight", "score"):
                    cell.align = CENTER
                if col.role == "score" and sp is not None and sp.card.suggest:
                    cell.suggest = f"{p}.rule_score"
                cells.append(cell)
            out.append(_Row(cells, owner=(list_path, i)))
        inner = sum(c.span for c in block.columns)
        if self.screen and not inds and block.hint:
            out.append(_Row([SheetCell("label", block.hint, colspan=inner, hint=True)]))
        if sp is not None:
            out.append(_Row(self.total_row(block, sp)))
        return out

    def printed(self, inds: list[Indicator], block: IndicatorBlock) -> list[int]:
        """Rows printed: placeholders left out, unless one is all its 二级 group has (the 二级 label prints)."""
        keep = []
        for i, ind in enumerate(inds):
            if not is_placeholder(ind):
                keep.append(i)
                continue
            if block.shape != "tree" or not ind.level2.strip():
                continue
            same = [j for j, other in enumerate(inds)
                    if other.level1.strip() == ind.level1.strip() and other.level2.strip() == ind.level2.strip()]
            if all(is_placeholder(inds[j]) for j in same) and same[0] == i:
                keep.append(i)
        return keep

    def group_label(self, inds: list[Indicator], run: tuple[int, ...], level: str, weight_key: str) -> str:
        first = inds[run[0]]
        name = str(getattr(first, level, "") or "").strip()
        if not weight_key:
            return name
        weight = ""
        for i in run:
            raw = get_or_blank(inds[i], weight_key)
            if raw not in (None, ""):
                parsed = self.plan_value_text(raw)
                weight = parsed
                break
        return level_label(name, weight)

    @staticmethod
    def plan_value_text(raw: object) -> str:
        from app.domain.numbers import format_score, parse_number

        parsed = parse_number(raw if isinstance(raw, str | int | float) else None, Kind.SCORE)
        return format_score(parsed.value) if parsed.value is not None else str(raw).strip()

    def total_row(self, block: IndicatorBlock, sp: ScorePlan) -> list[SheetCell]:
        roles = [c.role for c in block.columns]
        first = min((i for i, r in enumerate(roles) if r in ("weight", "score")), default=len(roles))
        label_span = sum(c.span for c in block.columns[:first])
        cells = [SheetCell("header", self.fill(block.total_label), colspan=label_span)]
        for col in block.columns[first:]:
            if col.role == "weight":
                cells.append(self.figure(sp.key("weight_total"), col.span, CENTER))
            elif col.role == "score":
                cells.append(self.figure(sp.key("total_score"), col.span, CENTER))
            else:
                cells.append(SheetCell("blank", colspan=col.span))
        return cells


def _widen(row: _Row, extra: int) -> None:
    if extra > 0 and row.cells:
        row.cells[-1].colspan += extra


@dataclass
class _Row:
    cells: list[SheetCell]
    owner: tuple[str, int] | None = None
    tall: bool = False
    repeat: bool = False


def _runs(inds: list[Indicator], shown: list[int], level: str) -> Iterator[tuple[int, ...]]:
    """Consecutive shown rows with the same group (一级; 二级 within its 一级) → their indices."""
    def key(i: int) -> tuple[str, ...]:
        ind = inds[i]
        return (ind.level1.strip(),) if level == "level1" else (ind.level1.strip(), ind.level2.strip())

    run: list[int] = []
    for i in shown:
        if run and key(run[0]) != key(i):
            yield tuple(run)
            run = []
        run.append(i)
    if run:
        yield tuple(run)
