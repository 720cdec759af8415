"""Reading the blocks of one sheet into the packet, by the headings its template pack declares.

- ``form``: an input by the heading above it (编制数 → the cell below) and/or the label on its left (年度资金总额
  row × 年初预算数 column; 其他资金：16.02; 预算部门名称 → the cell to the right);
- ``table``: the heading row by its column labels (with the year filled in), the rows by their labels; rows
  under a ``lines`` row that match no declared row are list items, deeper indentation → sub-lines;
- ``list``: the heading row by its column labels, then every row up to the next block;
- ``indicators``: the heading row, then rows up to the total row or the footer; a tree carries the merged
  一级/二级 cells down and reads “产出指标（50分）” as name + weight;
- ``text``: the cell to the right of its side label.

A derived cell holding a formula is computed, not stated (nothing is stored); a plain value there is the
clerk's stated figure and is kept, so that the check can compare it with the computed one.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import typing
from dataclasses import dataclass, is_dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import app.domain.model as model
from app.domain.model import Band, Packet
from app.domain.numbers import Kind, Raw, parse_number
from app.domain.packs import (
    Attachment,
    Block,
    CellSpec,
    Column,
    FormBlock,
    IndicatorBlock,
    ListBlock,
    Pack,
    TableBlock,
    TextBlock,
    fill,
)
from app.domain.paths import PathError, get_or_blank, get_value, parse_path, set_value
from app.domain.plan import Plan, make_plan, resolve, table_cell, variables
from app.domain.shape import ensure
from app.export.template_labels import Label, SheetView, compact, key, loose, nfkc, template_regex

if TYPE_CHECKING:
    from app.export.template_import import _Sheet

TITLE_ROWS = 6  # titles, attachment labels and unit lines sit in the first rows
_LEVEL_WEIGHT = re.compile(r"^(.*?)\(\s*([0-9]+(?:\.[0-9]+)?)\s*分?\s*\)$")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def printed(only: str) -> bool:
    """A block, row or cell of the print (not a screen-only one)."""
    return only in ("", "print")


@dataclass
class _Input:
    """A form cell that holds a figure or text, with what names it in the declared form."""

    spec: CellSpec
    col: int
    above: str = ""  # the header printed right above it
    left: str = ""  # the nearest label/header on its left in the same row
    left_col: int = 0
    adjacent: bool = True  # the label is the cell right before it


def form_inputs(block: FormBlock) -> tuple[list[_Input], list[str]]:
    """The readable cells of a printed form block, and every label/header text it prints.

    An input's heading is the header above it in its column, looking up past other inputs (a row of figures
    under 年初预算数/全年预算数 and the rows below it); a label above ends the search."""
    inputs: list[_Input] = []
    texts: list[str] = []
    grid: list[list[tuple[int, CellSpec]]] = []
    for row in block.rows:
        if not printed(row.only):
            continue
        placed: list[tuple[int, CellSpec]] = []
        col = 0
        left: tuple[int, str] | None = None
        for cell in row.cells:
            if not printed(cell.only):
                continue
            placed.append((col, cell))
            if cell.role in ("label", "header") and cell.text.strip():
                texts.append(cell.text)
                left = (col, cell.text)
            elif cell.role in ("input", "figure", "score"):
                adjacent = len(placed) > 1 and placed[-2][1].role in ("label", "header")
                inputs.append(_Input(cell, col, _heading_above(grid, col), left[1] if left else "",
                                     left[0] if left else 0, adjacent))
            col += cell.span
        grid.append(placed)
    return inputs, texts


def _heading_above(grid: list[list[tuple[int, CellSpec]]], col: int) -> str:
    for placed in reversed(grid):
        above = next((c for start, c in placed if start <= col < start + c.span), None)
        if above is None or above.role in ("input", "figure", "score"):
            continue
        return above.text if above.role == "header" else ""
    return ""


class Filler:
    """Fills one packet from the sheets classified as the pack's attachments."""

    def __init__(self, pack: Pack, packet: Packet) -> None:
        self.pack = pack
        self.packet = packet
        self.unit_lines: list[tuple[SheetView, Attachment]] = []
        self.plan: Plan = make_plan(pack, packet)
        self.items: dict[str, Any] = {}  # path → the list items read so far
        self.lists: dict[str, tuple[list[Any], type]] = {}  # list path → (the list, its item type)

    # -- storing -------------------------------------------------------------------------------------
    def put(self, path: str, value: Raw) -> None:
        """Store a cell; blank cells and cells already filled from an earlier sheet are left alone."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        head, _, name = path.rpartition(".")
        item = self.items.get(head)
        if item is not None and "[" not in name:  # a column of an item just read (no path walk)
            own = getattr(item, "fields", None)
            cls: type = item.__class__
            if name in _attributes(cls):
                if getattr(item, name) in (None, ""):
                    setattr(item, name, value)
            elif isinstance(own, dict) and own.get(name) in (None, ""):
                own[name] = value  # a pack's own column (指标性质, 得分系数…)
            return
        try:
            ensure(self.packet, path)
            current = get_or_blank(self.packet, path)
            if current not in (None, ""):
                return
            set_value(self.packet, path, value)
        except PathError:
            pass

    def append(self, list_path: str, name: tuple[str, str] | None = None) -> str | None:
        """A new item at the end of a list of the packet (its path), with the pack's defaults for an item
        of that name (附件1: 业务工作经费 is kind business)."""
        found = self.lists.get(list_path)
        if found is None:
            try:
                ensure(self.packet, list_path)
                items = get_value(self.packet, list_path)
            except PathError:
                return None
            tp = _item_type(self.packet, list_path)
            if not isinstance(items, list) or tp is None:
                return None
            found = self.lists[list_path] = (items, tp)
        items, tp = found
        item = tp()
        if name is not None:
            attr, text = name
            for default in self.pack.new_packet.get(list_path) or []:
                if isinstance(default, dict) and key(str(default.get(attr, ""))) == key(text):
                    for k, v in default.items():
                        if hasattr(item, k) and isinstance(v, str | int | float):
                            setattr(item, k, v)
            if hasattr(item, attr):
                setattr(item, attr, text)
        items.append(item)
        path = f"{list_path}[{len(items) - 1}]"
        self.items[path] = item
        return path

    # -- a sheet -------------------------------------------------------------------------------------
    def prepare(self, projects: int) -> None:
        """One project per project sheet, then the plan (which figures a packet states where) once."""
        for _ in range(projects):
            self.append("projects")
        self.plan = make_plan(self.pack, self.packet)

    def sheet(self, view: SheetView, att: Attachment, n: int | None = None) -> None:
        """Read one sheet as ``att`` (a project attachment: as project ``n``)."""
        prefix = f"projects[{n}]" if n is not None else ""
        SheetReader(self, view, att, prefix, n).read()
        self.unit_lines.append((view, att))

    def finish(self) -> None:
        """What only the whole workbook tells: the unit from a 填报单位 line, the indicator catalogue."""
        if not self.packet.unit.name.strip():
            self.packet.unit.name = self.unit_from_lines()
        self.packet.catalogue = self.catalogue()

    def unit_from_lines(self) -> str:
        for view, att in self.unit_lines:
            if "{unit}" not in att.unit_line:
                continue
            pattern = template_regex(att.unit_line, ("unit",))
            for r in sorted(view.rows)[:TITLE_ROWS]:
                for _, v in view.strings(r):
                    m = pattern.search(nfkc(v))
                    if m and m.group("unit").strip():
                        return m.group("unit").strip()
        return ""

    def catalogue(self) -> str:
        """The catalogue whose 一级 names cover the indicators' best ("" when that is the pack's first)."""
        names: set[str] = set()
        for sp in make_plan(self.pack, self.packet).scorecards:
            items = get_or_blank(self.packet, sp.path(sp.card.indicators))
            names |= {str(getattr(ind, "level1", "")).strip() for ind in items if isinstance(items, list)} - {""}
        if not names or len(self.pack.catalogues) < 2:
            return ""
        def rank(i: int) -> tuple[int, int, int]:
            have = {x.name for x in self.pack.catalogues[i].level1}
            return (len(names & have), -len(have - names), -i)
        best = max(range(len(self.pack.catalogues)), key=rank)
        return "" if best == 0 else self.pack.catalogues[best].key


def _item_type(packet: Packet, list_path: str) -> type | None:
    parts = parse_path(list_path)
    try:
        parent = get_value(packet, _join(parts[:-1])) if len(parts) > 1 else packet
    except PathError:
        return None
    if not is_dataclass(parent) or isinstance(parent, type) or not isinstance(parts[-1], str):
        return None
    owner: type = type(parent)
    args = typing.get_args(_hints(owner).get(parts[-1]))
    return args[0] if args and isinstance(args[0], type) and is_dataclass(args[0]) else None


@functools.cache
def _attributes(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else frozenset()


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _join(parts: list[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


@dataclass
class _Region:
    block: Block
    anchor: int | None  # the row the block starts at (None: not found)
    rows: range = range(0)


class SheetReader:
    """One sheet read as one attachment (for a project attachment: as project ``n``)."""

    def __init__(self, reader: Filler, view: SheetView, att: Attachment, prefix: str, n: int | None) -> None:
        self.r = reader
        self.view = view
        self.att = att
        self.prefix = prefix
        self.values = variables(reader.pack, reader.packet, n)
        self.stops = self.stop_heads()

    def fill(self, text: str) -> str:
        return fill(text, self.values)

    def label(self, text: str) -> Label:
        return Label(self.fill(text))

    def stop_heads(self) -> list[str]:
        """What the rows after the last block start with: a signature (填表人：) or a note (说明：)."""
        heads = [compact(sig.label) for sig in self.att.footer]
        for note in self.att.notes:
            head, colon, _ = compact(note.text).partition(":")
            if colon and 0 < len(head) <= 6:
                heads.append(head + ":")
        return [h for h in heads if h]

    def is_stop(self, r: int) -> bool:
        return any(compact(v).startswith(h) for _, v in self.view.strings(r) for h in self.stops)

    # -- regions -------------------------------------------------------------------------------------
    def read(self) -> None:
        blocks = [b for b in self.att.blocks if printed(b.only)]
        regions: list[_Region] = []
        cursor = 1
        for block in blocks:
            anchor = self.anchor(block, range(cursor, self.view.last + 1))
            regions.append(_Region(block, anchor))
            if anchor is not None:
                cursor = anchor + 1
        end = next((r for r in range(cursor, self.view.last + 1) if self.is_stop(r)), self.view.last + 1)
        start = 1
        for i, region in enumerate(regions):
            if region.anchor is not None:
                start = region.anchor
            stop = next((x.anchor for x in regions[i + 1:] if x.anchor is not None), end)
            region.rows = range(start, max(start, stop))
        last = 0
        for region in regions:
            last = self.block(region, last)
        self.footer()

    def anchor(self, block: Block, rows: range) -> int | None:
        """The row a block starts at: its heading row, else its side label."""
        if isinstance(block, TableBlock | ListBlock | IndicatorBlock):
            head = self.heading_row(block.columns, rows)
            if head is not None:
                return head[0]
        texts: list[str] = []
        if isinstance(block, TableBlock):
            texts.append(block.corner)
        if isinstance(block, FormBlock):
            first = next((row for row in block.rows if printed(row.only)), None)
            texts += [c.text for c in (first.cells if first else ())
                      if c.role in ("label", "header") and printed(c.only)]
        texts.append(block.side)
        labels = [self.label(t) for t in texts if t.strip()]
        for r in rows:
            for _, v in self.view.strings(r):
                if any(lab.level(v, suffix=True) for lab in labels):
                    return r
        return None

    def heading_row(self, columns: tuple[Column, ...], rows: range) -> tuple[int, dict[str, int]] | None:
        """The first row holding at least half of the column labels (all of one or two): (row, key → col)."""
        need = len(columns) if len(columns) <= 2 else math.ceil(len(columns) / 2)
        for r in rows:
            cols = self.column_map(columns, r)
            if len(cols) >= need:
                return r, cols
        return None

    def region_heading(self, columns: tuple[Column, ...], region: _Region) -> tuple[int, dict[str, int]] | None:
        """:meth:`heading_row` within a block's region; None when the block itself was not found."""
        return self.heading_row(columns, region.rows) if region.anchor is not None else None

    def heading_keys(self, columns: tuple[Column, ...]) -> set[str]:
        return {self.label(c.label).rough for c in columns} - {""}

    def repeats_heading(self, r: int, keys: set[str], need: int) -> bool:
        """A row that is the block's heading printed again (a printout pasted over several pages)."""
        return self.view.count_in(r, keys) >= need

    def column_map(self, columns: tuple[Column, ...], r: int) -> dict[str, int]:
        cells = self.view.strings(r)
        taken: set[int] = set()
        out: dict[str, int] = {}
        for wanted in (3, 2):  # exact labels first, then the ones that differ in notes or year
            for col in columns:
                if col.key in out:
                    continue
                lab = self.label(col.label)
                hit = next((c for c, v in cells if c not in taken and lab.level(v) == wanted), None)
                if hit is not None:
                    out[col.key] = hit
                    taken.add(hit)
        return out

    def block(self, region: _Region, last: int) -> int:
        """Read a block; returns the last row it used (a text block without a side label reads the next)."""
        b = region.block
        if isinstance(b, FormBlock):
            return self.form(b, region)
        if isinstance(b, TableBlock):
            return self.table(b, region)
        if isinstance(b, IndicatorBlock):
            return self.indicators(b, region)
        if isinstance(b, ListBlock):
            return self.list_block(b, region)
        if isinstance(b, TextBlock):
            return self.text_block(b, region, last)
        return last

    # -- cells ---------------------------------------------------------------------------------------
    def target(self, spec: CellSpec) -> tuple[str, Kind, bool] | None:
        """Where a declared cell is stored: (path, kind, derived).  A derived figure goes to where a packet
        states it (控制率 → basic.staff.control_rate), or nowhere."""
        if spec.role == "input":
            return resolve(spec.ref, self.prefix), spec.kind, False
        if spec.role == "score":
            root = resolve(spec.ref, self.prefix)
            sp = next((x for x in self.r.plan.scorecards if x.prefix == root), None)
            return (sp.path(sp.card.score), Kind.SCORE, True) if sp is not None else None
        if spec.role == "figure":
            fig = self.r.plan.figures.get(resolve(spec.ref, self.prefix))
            return (fig.stated, fig.kind, True) if fig is not None and fig.stated else None
        return None

    def value(self, r: int, c: int, kind: Kind, derived: bool) -> Raw:
        if kind is Kind.TEXT:
            return self.view.text(r, c)
        return self.view.sheet.number(r, c, kind, stated=derived)

    def inline_value(self, r: int, c: int, text: str, kind: Kind) -> Raw:
        if kind is Kind.TEXT:
            return text
        parsed = parse_number(text, kind)
        if parsed.error:
            self.view.problem(self.view.where(r, c), parsed.error)
            return None
        return text if parsed.value is not None else None

    def cell(self, spec: CellSpec, r: int, c: int) -> None:
        found = self.target(spec)
        if found is None:
            return
        path, kind, derived = found
        if spec.role == "score":
            score_rule_from(self.view.sheet, r, c, self.r.packet)
        self.r.put(path, self.value(r, c, kind, derived))

    # -- form ----------------------------------------------------------------------------------------
    def form(self, block: FormBlock, region: _Region) -> int:
        inputs, texts = form_inputs(block)
        labels = [self.label(t) for t in texts]
        last = region.rows.start
        for inp in inputs:
            found = self.target(inp.spec)
            if found is None:
                continue
            kind = found[1]
            pos = self.locate(inp, region.rows, labels, kind)
            if pos is None:
                continue
            last = max(last, pos[0])
            if isinstance(pos[2], str):
                path, kind, _ = found
                self.r.put(path, self.inline_value(pos[0], pos[1], pos[2], kind))
            elif pos[1] > 0:
                self.cell(inp.spec, pos[0], pos[1])
        return last

    def locate(self, inp: _Input, rows: range, labels: list[Label], kind: Kind) -> tuple[int, int, str | None] | None:
        """Where a form input is: (row, column, None) or (row, label column, the figure typed in the label);
        a column of 0 means “found, blank”."""
        view = self.view
        if inp.above:
            head = view.find(self.label(inp.above), rows, suffix=True)
            if head is None:
                if kind is not Kind.TEXT:
                    view.problem(view.place, f"找不到“{self.fill(inp.above)}”栏")
                return None
            hr, hc, _ = head
            if not inp.left:
                return hr + 1, hc, None
            row = view.find(self.label(inp.left), range(hr + 1, rows.stop), suffix=True)
            if row is None:
                if kind is not Kind.TEXT:
                    view.problem(view.place, f"找不到“{self.fill(inp.left)}”行")
                return None
            return row[0], hc, None
        if not inp.left:
            return None
        lab = self.label(inp.left)
        hit = view.find(lab, rows, suffix=True, inline=True)
        if hit is None:
            if kind is not Kind.TEXT:
                view.problem(view.place, f"找不到“{self.fill(inp.left)}”")
            return None
        r, c, inline = hit
        if inline is not None:
            return r, c, inline
        if not inp.adjacent:
            # other cells between the label and this one: at the declared distance from the label
            at = c + inp.col - inp.left_col
            return (r, at, None) if view.sheet.get(r, at) is not None else (r, 0, None)
        right = next(((cc, v) for cc, v in view.cells(r) if cc > c), None)
        if right is None:
            return r, 0, None
        cc, v = right
        if isinstance(v, str) and self.is_label(v, labels, kind):
            return r, 0, None  # the neighbour is the next label (“项目支出：949.09”): this one is blank
        return r, cc, None

    @staticmethod
    def is_label(text: str, labels: list[Label], kind: Kind) -> bool:
        """A form's own label (maybe holding its figure); beside a number also anything with a “：” in it."""
        if any(x.level(text) or x.inline(text) is not None for x in labels):
            return True
        return kind is not Kind.TEXT and ":" in nfkc(text)

    # -- table ---------------------------------------------------------------------------------------
    def table(self, block: TableBlock, region: _Region) -> int:
        view = self.view
        name = self.fill(block.corner or block.side) or self.att.label
        head = self.region_heading(block.columns, region)
        if head is None:
            view.problem(view.place, f"找不到“{name}”表头")
            return region.rows.start
        hr, cols = head
        missing = [self.fill(c.label) for c in block.columns if c.key not in cols]
        if missing:
            found = "、".join(str(v) for _, v in view.strings(hr))
            view.problem(view.where(hr, min(cols.values())),
                         f"“{name}”表头缺少“{'、'.join(missing)}”，实际为“{found}”")
        first = min(cols.values())
        rows = {r.key: r for r in block.rows}
        exact = {key(r.label): r for r in block.rows if key(r.label)}
        rough = {loose(r.label): r for r in block.rows if loose(r.label)}
        seen: set[str] = set()
        heading = self.heading_keys(block.columns)
        lines_row = None
        line_path: str | None = None
        line_indent = 0
        last = hr
        for r in range(hr + 1, region.rows.stop):
            cells = view.cells(r)
            if not cells:
                continue
            labels = [(c, v) for c, v in cells if c < first and str(v).strip()]
            label_col, raw = labels[-1] if labels else (first - 1, "")
            text = str(raw).strip()
            spec = exact.get(key(text)) if text else None
            if spec is None and text:
                spec = rough.get(loose(text))
            if spec is not None and spec.key in seen and lines_row is not None:
                spec = None  # the same name again under the lines: a line
            if spec is None and self.repeats_heading(r, heading, 2):
                continue  # the heading repeated (a printout pasted over pages)
            last = r
            if spec is not None:
                seen.add(spec.key)
                lines_row = spec if spec.lines is not None else None
                line_path = None
                for col in block.columns:
                    if col.key not in cols:
                        continue
                    cs = table_cell(block, rows[spec.key], col, self.prefix)
                    if cs is None:
                        continue
                    if cs.role == "input" and cs.ref.endswith(f".{spec.key}.{col.key}"):
                        path = cs.ref
                        self.r.put(path, self.value(r, cols[col.key], cs.kind, bool(spec.parts or spec.lines)))
                    else:
                        self.cell(cs, r, cols[col.key])
                continue
            if lines_row is not None and lines_row.lines is not None:
                lines = lines_row.lines
                indent = view.sheet.indent(r, label_col) if text else 0
                data = [(k, c) for k, c in cols.items() if not self._special(block, k)]
                if line_path is not None and lines.sublist and indent > line_indent:
                    sub = self.r.append(f"{line_path}.{lines.sublist}", (lines.name, text))
                    for k, c in data:
                        if sub is not None:
                            kind = next(x.kind for x in block.columns if x.key == k)
                            self.r.put(f"{sub}.{k}", self.value(r, c, kind, False))
                    continue
                line_path = self.r.append(resolve(lines.list, self.prefix), (lines.name, text))
                line_indent = indent
                for k, c in data:
                    if line_path is not None:
                        kind = next(x.kind for x in block.columns if x.key == k)
                        self.r.put(f"{line_path}.{k}", self.value(r, c, kind, True))
                continue
            if text:
                view.problem(view.where(r, label_col), f"无法识别的“{name}”行“{text}”")
            elif any(c >= first for c, _ in cells):
                view.problem(view.where(r, first), f"“{name}”中有一行填了数字却没有行名")
        return last

    @staticmethod
    def _special(block: TableBlock, col_key: str) -> bool:
        col = next(c for c in block.columns if c.key == col_key)
        return bool(col.rows or col.cell is not None)

    # -- list ----------------------------------------------------------------------------------------
    def list_block(self, block: ListBlock, region: _Region) -> int:
        head = self.region_heading(block.columns, region)
        if head is None:
            return region.rows.start
        hr, cols = head
        list_path = resolve(block.list, self.prefix)
        heading = self.heading_keys(block.columns)
        items: list[str] = []
        last = hr
        for r in range(hr + 1, region.rows.stop):
            if self.is_stop(r):
                break
            if not self.view.cells(r):
                continue
            if self.repeats_heading(r, heading, 2):
                continue  # the heading again
            values: dict[str, Raw] = {}
            for col in block.columns:
                if col.key not in cols or (col.derive is not None and not col.stated):
                    continue
                values[col.key] = self.value(r, cols[col.key], col.kind, col.derive is not None)
            if all(v is None or v == "" for v in values.values()):
                continue
            path = self.r.append(list_path)
            if path is None:
                continue
            items.append(path)
            last = r
            for k, v in values.items():
                self.r.put(f"{path}.{k}", v)
        self.side_variables(block.side, hr, list_path, len(items))
        return last

    def side_variables(self, side: str, r: int, list_path: str, count: int) -> None:
        """A pack variable printed in a side label (楼堂馆所控制情况（2022年完工项目）) goes back to where the
        pack takes it from: each item of the list, or the packet-wide field."""
        names = [n for n in re.findall(r"\{([a-z_]+)\}", side) if n in self.r.pack.variables]
        if not names:
            return
        pattern = template_regex(side, names)
        for rr in (r, *range(max(1, r - 2), r)):
            for _, v in self.view.strings(rr):
                m = pattern.search(nfkc(v))
                if not m:
                    continue
                for name in names:
                    raw = (m.group(name) or "").strip()
                    value: Raw = int(raw) if raw.isdecimal() else raw
                    if not raw:
                        continue
                    self.set_variable(name, value, list_path, count)
                return

    def set_variable(self, name: str, value: Raw, list_path: str, count: int) -> None:
        var = self.r.pack.variables[name]
        for path in var.paths:
            head = f"{list_path}[0]."
            if path.startswith(head):
                if count:
                    for i in range(count):
                        self.r.put(f"{list_path}[{i}].{path[len(head):]}", value)
                    return
                continue
            if "[" not in path and str(value) != str(self.values.get(name)):
                self.r.put(path, value)
                return

    # -- indicators ----------------------------------------------------------------------------------
    def indicators(self, block: IndicatorBlock, region: _Region) -> int:
        view = self.view
        head = self.region_heading(block.columns, region)
        if head is None:
            return region.rows.start
        hr, cols = head
        list_path = resolve(block.list, self.prefix)
        card = self.att.scorecard
        weights = dict(card.level_weights) if card is not None else {}
        derived_score = card is not None and card.indicator_score == "product"
        levels = [c for c in block.columns if c.role in ("level1", "level2")] if block.shape == "tree" else []
        level_keys = {c.key for c in levels}
        scored = [cols[c.key] for c in block.columns if c.role in ("weight", "score") and c.key in cols]
        before = min(scored) if scored else max(cols.values()) + 1
        total = self.label(block.total_label)
        heading = self.heading_keys(block.columns)
        current: dict[str, tuple[str, Raw]] = {}
        last = hr
        for r in range(hr + 1, region.rows.stop):
            cells = view.cells(r)
            if not cells:
                continue
            if self.is_stop(r):
                break
            if total and any(c < before and total.level(v) >= 2 for c, v in view.strings(r)):
                score = next((c for c in block.columns if c.role == "score" and c.key in cols), None)
                if score is not None and card is not None:
                    self.r.put(resolve(card.total, self.prefix), view.sheet.number(r, cols[score.key], Kind.SCORE,
                                                                                   stated=True))
                return r
            if self.repeats_heading(r, heading, 3):
                continue  # the heading again
            for i, col in enumerate(levels):
                if col.key not in cols:
                    continue
                text = view.text(r, cols[col.key])
                if not text:
                    continue
                weight: Raw = None
                if weights.get(col.role):
                    m = _LEVEL_WEIGHT.match("".join(nfkc(text).split()))
                    if m:
                        text, weight = m.group(1), m.group(2)
                current[col.key] = (text, weight)
                for deeper in levels[i + 1:]:
                    current.pop(deeper.key, None)
            values: dict[str, Raw] = {}
            for col in block.columns:
                if col.key in level_keys or col.key not in cols:
                    continue
                derived = derived_score and col.role == "score"
                values[col.key] = self.value(r, cols[col.key], col.kind, derived)
            if all(v is None or v == "" for v in values.values()):
                continue
            path = self.r.append(list_path)
            if path is None:
                continue
            last = r
            for col in levels:
                text, weight = current.get(col.key, ("", None))
                self.r.put(f"{path}.{col.key}", text)
                if weights.get(col.role):
                    self.r.put(f"{path}.{weights[col.role]}", weight)
            if levels and not current.get(levels[0].key):
                first = cols.get(levels[0].key, 1)
                view.problem(view.where(r, first), f"{'三级' if len(levels) > 1 else ''}指标缺少所属的"
                                                   f"{self.fill(levels[0].label)}")
            for k, v in values.items():
                self.r.put(f"{path}.{k}", v)
        return last

    # -- text ----------------------------------------------------------------------------------------
    def text_block(self, block: TextBlock, region: _Region, last: int) -> int:
        view = self.view
        path = resolve(block.path, self.prefix)
        if block.side:
            hit = view.find(self.label(block.side), region.rows, suffix=True, inline=True)
            if hit is None:
                return last
            r, c, inline = hit
            if inline is not None:
                self.r.put(path, inline)
                return r
            right = [(cc, v) for cc, v in view.cells(r) if cc > c]
            if right:
                self.r.put(path, view.text(r, right[0][0]))
            return r
        for r in range(last + 1, region.rows.stop):
            if view.cells(r) and not self.is_stop(r):
                self.r.put(path, view.text(r, view.cells(r)[0][0]))
                return r
        return last

    # -- footer --------------------------------------------------------------------------------------
    def footer(self) -> None:
        """Signature lines: 填表人：张三 (the value after the label, in the label's cell)."""
        for sig in self.att.footer:
            if not sig.path:
                continue
            lab = nfkc(sig.label).strip()
            for r in sorted(self.view.rows):
                for _, v in self.view.strings(r):
                    text = nfkc(v).strip()
                    if not text.startswith(lab):
                        continue
                    value = text[len(lab):].strip()
                    m = _DATE.match(value)
                    if sig.date and m:
                        value = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                    self.r.put(resolve(sig.path, self.prefix), value)


def score_rule_from(sheet: _Sheet, r: int, c: int, packet: Packet) -> None:
    """This program's export writes the scoring rule into the 得分 formula; recover it when it is there (the
    file properties, when present, say it anyway)."""
    formula = sheet.formulas.get((r, c))
    if formula is None:
        return
    rule = packet.scoring_rule
    deduct = re.search(r"MAX\(0,[A-Z]+\d+-([0-9.]+)\*", formula)
    scaled = re.search(r"MAX\(0,MIN\([A-Z]+\d+,[A-Z]+\d+\*([0-9.]+)\)\)", formula)
    bands = re.findall(r"IF\([A-Z]+\d+>=([0-9.]+),[A-Z]+\d+\*([0-9.]+),", formula)
    if deduct:
        rule.kind, rule.k = "deduct_per_point", deduct.group(1)
    elif scaled:
        rule.kind, rule.k = "scaled", scaled.group(1)
    elif bands:
        rule.kind = "bands"
        rule.bands = [Band(min=_percent(lo), ratio=ratio) for lo, ratio in bands]
    elif "MIN(" in formula:
        rule.kind = "proportional"


def _percent(fraction: str) -> str:
    try:
        return f"{format((Decimal(fraction) * 100).normalize(), 'f')}%"
    except InvalidOperation:
        return fraction

