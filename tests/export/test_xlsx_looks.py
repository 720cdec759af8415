"""Each form cell of the .xlsx keeps its own format although the writer copies formats it has built before
(xlsx._Sheet._look): number format, bold heading, alignment, indent, quote prefix, the thin border on every
position a span covers."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from app.domain.numbers import Kind
from app.export.document import ALIGN_LEFT, ALIGN_RIGHT, Cell, Grid, Part, PrintDocument
from app.export.xlsx import write_xlsx


def _part() -> Part:
    g = Grid([30.0, 20.0, 20.0, 20.0])
    g.add(Cell("项目", header=True, rowspan=2), Cell("金额", header=True, colspan=2), Cell("备注", header=True))
    g.add(Cell("=1+1", align=ALIGN_LEFT), Cell("纯文字", align=ALIGN_LEFT), Cell("=2+2", align=ALIGN_LEFT))
    g.add(Cell("12.50", Kind.MONEY, Decimal("12.50"), align=ALIGN_RIGHT),
          Cell("", Kind.MONEY, None, align=ALIGN_RIGHT),
          Cell("85.00%", Kind.RATE, Decimal("0.85"), align=ALIGN_RIGHT), Cell("缩进", indent=1, align=ALIGN_LEFT))
    g.add(Cell("跨两列", colspan=2, rowspan=2), Cell("1", Kind.COUNT, Decimal(1), align=ALIGN_RIGHT), Cell("末"))
    g.add(Cell("2", Kind.COUNT, Decimal(2), align=ALIGN_RIGHT), Cell("尾", header=True))
    return Part("附件1", "附件1", "测试表", g)


def test_every_cell_keeps_its_own_format(tmp_path: Path) -> None:
    part = _part()
    out = tmp_path / "looks.xlsx"
    write_xlsx(PrintDocument("测试", "测试单位", 2024, False, [part], None), out)
    ws = openpyxl.load_workbook(out)["附件1"]
    borders, thin = _border_ids(out)
    top = next(r for r in range(1, 10) if ws.cell(r, 1).value == "项目")
    formats = {Kind.MONEY: "0.00", Kind.RATE: "0.00%", Kind.COUNT: "0"}
    seen = 0
    for r, c, cell in part.grid.cells():
        x = ws.cell(top + r, c + 1)
        where = (x.coordinate, cell.text)
        assert x.font.b is cell.header, where
        assert x.alignment.horizontal == {ALIGN_LEFT: "left", ALIGN_RIGHT: "right"}.get(cell.align, "center"), where
        assert x.alignment.indent == cell.indent * 2 and x.alignment.wrap_text, where
        assert x.number_format == (formats[cell.kind] if cell.value is not None else "General"), where
        assert bool(x.quotePrefix) == cell.text.startswith("="), where
        for rr in range(top + r, top + r + cell.rowspan):
            for cc in range(c + 1, c + 1 + cell.colspan):
                assert borders[f"{get_column_letter(cc)}{rr}"] == thin, (rr, cc)
                seen += 1
    assert seen == 4 * 5


def _border_ids(out: Path) -> tuple[dict[str, int], int]:
    """Each cell's border as the file stores it (openpyxl, loading, redraws a span's inner edges from its first
    cell, so the covered positions are read from the XML) and the index of the thin border."""
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        styles = zf.read("xl/styles.xml").decode()
    xfs = re.findall(r'<xf [^>]*borderId="(\d+)"', styles.split("<cellXfs")[1])
    borders = re.findall(r"<border>.*?</border>", styles.split("<borders")[1].split("</borders>")[0])
    thin = next(k for k, b in enumerate(borders) if b.count('style="thin"') == 4)
    return {ref: int(xfs[int(xf)]) for ref, xf in re.findall(r'<c r="([A-Z]+\d+)" s="(\d+)"', sheet)}, thin
