"""The GUI's grids: a Sheet of the domain's layout step (:func:`app.domain.layout.layout_one`, screen variant)
as the :class:`~app.ui.grid.Grid` a form view shows.  Nothing about a form's shape is written here: headings,
spans and which cells are inputs or figures all come from the template pack.
"""

from __future__ import annotations

import re

from app.domain.edits import Edit
from app.domain.layout import GroupRef, Sheet, SheetCell, layout_one, level_label
from app.domain.model import Indicator
from app.domain.numbers import Kind, format_score, parse_number
from app.domain.paths import get_or_blank
from app.domain.plan import resolve
from app.ui.grid import Cell, Grid, Role, field_cell, field_edit, header, label, title
from app.ui.session import Session


def sheet_of(session: Session, key: str, n: int | None = None) -> Sheet:
    return layout_one(session.pack, session.packet, key, n, session.evaluation.plan, screen=True)


def build_grid(session: Session, key: str, n: int | None = None) -> Grid:
    """The grid of attachment ``key`` (of project ``n``): title, the Sheet's rows, notes and signature fields."""
    sheet = sheet_of(session, key, n)
    cols = sheet.ncols
    g = Grid(cols, tuple(sheet.screen_widths))
    g.add(title(sheet.title, cols))
    for r, row in enumerate(sheet.rows):
        g.add(*(_cell(session, c) for c in row if c is not None), owner=sheet.owners.get(r), tall=r in sheet.tall)
    for note in sheet.notes:
        g.add(label(note, cols))
    _footer(g, sheet)
    return g


def _cell(session: Session, c: SheetCell) -> Cell:
    span, rows = c.colspan, c.rowspan
    if c.role == "header":
        return header(c.text, span, rows)
    if c.role in ("label", "blank"):
        return label(c.text, span, rows, indent=c.indent)
    if c.role == "input":
        cell = field_cell(c.path, c.kind, span, rows)
        cell.indent = c.indent
        cell.suggest = c.suggest
        return cell
    if c.role == "figure":
        stated = c.path if c.path else ""
        return Cell(Role.COMPUTED, path=c.key, kind=c.kind, col_span=span, row_span=rows, stated=stated,
                    issue_paths=(stated,) if stated and stated != c.key else ())
    assert c.group is not None
    return _group_cell(session, c.group, span)


def _footer(g: Grid, sheet: Sheet) -> None:
    """The signature fields two to a row (填表人 / 填报日期, 联系电话 / 单位负责人签字)."""
    cells: list[Cell] = []
    paths = {sig.label: resolve(sig.path, sheet.prefix) for sig in sheet.attachment.footer if sig.path}
    for text, _value in sheet.footer:
        path = paths.get(text, "")
        cells += [label(text), field_cell(path, Kind.TEXT) if path else label("")]
    for i in range(0, len(cells), 4):
        chunk = cells[i : i + 4]
        g.add(*chunk, label("", g.columns - len(chunk)))


_GROUP_TEXT = re.compile(r"^\s*(?P<name>.*?)\s*(?:[（(]\s*(?P<weight>[^（）()]*?)\s*分?\s*[）)])?\s*$")


def _group_cell(session: Session, ref: GroupRef, span: int) -> Cell:
    """A merged 一级/二级 cell: shown as 产出指标（50分）; typing 产出指标（40分） renames the group and sets its
    weight (on the group's first row) — one edit for every row of the group."""
    rows = [f"{ref.list}[{i}]" for i in ref.rows]

    def items() -> list[Indicator]:
        found = get_or_blank(session.packet, ref.list)
        return found if isinstance(found, list) else []

    def shown() -> str:
        inds = items()
        group = [inds[i] for i in ref.rows if i < len(inds)]
        if not group:
            return ""
        name = str(getattr(group[0], ref.level, "") or "")
        if not ref.weight:
            return name
        weight = ""
        for ind in group:
            raw = get_or_blank(ind, ref.weight)
            if raw not in (None, ""):
                parsed = parse_number(raw if isinstance(raw, str | int | float) else None, Kind.SCORE)
                weight = format_score(parsed.value) if parsed.value is not None else str(raw)
                break
        return level_label(name, weight)

    def edit(text: str) -> list[Edit]:
        m = _GROUP_TEXT.match(text) if ref.weight else None
        name, weight = (m.group("name"), m.group("weight")) if m else (text.strip(), None)
        edits = field_edit(session, [f"{r}.{ref.level}" for r in rows], name)
        if ref.weight:
            edits += field_edit(session, [f"{rows[0]}.{ref.weight}"], weight or None)
        return edits

    fields = (ref.level, ref.weight) if ref.weight else (ref.level,)
    paths = tuple(f"{r}.{k}" for r in rows for k in fields)
    return Cell(Role.INPUT, kind=Kind.TEXT, row_span=len(rows), col_span=span, display=shown, edit=edit,
                issue_paths=paths, group=True)
