"""The one-pass form table is the table python-docx's own API builds, element for element.

The reference below is how app/export/docx.py built a form table before (add_table, merge, the properties
cell by cell); the test fails when the XML writer drops or reorders a property, a span or a piece of text."""

from __future__ import annotations

from typing import Any

import pytest
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree  # type: ignore[import-untyped]

from app.export.document import ALIGN_LEFT, ALIGN_RIGHT, Cell, Grid
from app.export.docx import _names
from app.export.docx_table import form_table_xml

_ALIGN = {ALIGN_LEFT: WD_ALIGN_PARAGRAPH.LEFT, ALIGN_RIGHT: WD_ALIGN_PARAGRAPH.RIGHT}


def _reference(word: Any, grid: Grid, widths_pt: list[float], heading: bool) -> Any:
    table = word.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Pt(w) for w in widths_pt]
    flat = table._cells
    n = grid.ncols
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        row.height = Mm(6)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for i, docx_cell in enumerate(flat):
        docx_cell.width = widths[i % n]
    for r, c, cell in grid.cells():
        target = flat[r * n + c]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(flat[(r + cell.rowspan - 1) * n + c + cell.colspan - 1])
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = target.paragraphs[0]
        p.alignment = _ALIGN.get(cell.align, WD_ALIGN_PARAGRAPH.CENTER)
        if cell.indent:
            p.paragraph_format.left_indent = Pt(9 * cell.indent)
        run = p.add_run(cell.text)
        run.font.size = Pt(9)
        run.font.bold = cell.header
        _names(run._element.get_or_add_rPr(), "宋体")
    if heading:
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(el)
    return table._tbl


def _grid() -> Grid:
    """Spans across and down (one both), an indent, every alignment, and text python-docx splits: a line
    break, a tab, spaces at an end, characters XML escapes."""
    g = Grid([30.0, 17.3, 21.1, 25.0])
    g.add(Cell("项目", header=True, rowspan=3), Cell("指标 <名称> & 值", header=True, colspan=2, rowspan=2),
          Cell("备注", header=True))
    g.add(Cell("  前有空格", align=ALIGN_LEFT))
    g.add(Cell("第一行\n第二行", align=ALIGN_RIGHT), Cell("a\tb", indent=2, align=ALIGN_LEFT), Cell("末尾空格 "))
    g.add(Cell("", colspan=4))
    g.add(Cell("1,234.50", align=ALIGN_RIGHT), Cell("“引号”"), Cell("x", colspan=2))
    return g


@pytest.mark.parametrize("heading", [True, False])
def test_form_table_is_what_python_docx_builds(heading: bool) -> None:
    grid = _grid()
    widths_pt = [w * 72 / 25.4 for w in grid.widths]
    expected = _reference(Document(), grid, widths_pt, heading)
    word = Document()
    ours = parse_xml(form_table_xml(grid, widths_pt, heading=heading,
                                    style_id=word.styles["Table Grid"].style_id, font="宋体"))
    word.element.body._insert_tbl(ours)
    assert etree.tostring(ours) == etree.tostring(expected)
    assert b"<w:vMerge/>" in etree.tostring(ours) and b"<w:gridSpan w:val=\"4\"/>" in etree.tostring(ours)


def test_control_characters_never_reach_the_xml() -> None:
    # cell text is cleaned when the cell is made (document.clean): no character reaches the writer that XML refuses
    g = Grid([20.0])
    g.add(Cell("a\x01b\x0bc"))
    xml = form_table_xml(g, [50.0], heading=False, style_id="TableGrid", font="宋体")
    parse_xml(xml)
    assert "<w:t>ab</w:t><w:br/><w:t>c</w:t></w:r>" in xml  # the vertical tab became a line break
