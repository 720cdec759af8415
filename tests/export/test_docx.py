"""The Word file read back: cover, chapters, quoted tables and the 附件1–3 tables with their merges."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from app.domain.numbers import Kind, format_value, parse_number
from app.domain.report import is_table_line, split_cells
from tests.export.conftest import SEED_IDS, flat, seed_packet


@pytest.mark.parametrize("seed", SEED_IDS)
def test_report_paragraphs(seed: str, exports: dict[tuple[str, str], Path]) -> None:
    packet = seed_packet(seed)
    d = docx.Document(str(exports[(seed, "docx")]))
    paragraphs = [p.text.replace("\n", "") for p in d.paragraphs]  # the cover title breaks after the unit
    text = flat("".join(paragraphs))
    assert f"{packet.year}年度{packet.unit.name}整体支出绩效自评报告" in paragraphs
    assert "部门（单位）名称：（盖章）" in paragraphs
    rows = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
    for sec in packet.report.sections:
        if sec.title.strip():
            assert sec.title.strip() in paragraphs
        for line in sec.text.splitlines():
            if is_table_line(line):  # the clerk's table (seed 003): a Word table, the cells as written
                cells = split_cells(line)
                assert any(r[: len(cells)] == cells for r in rows), line
            elif line.strip():
                assert flat(line) in text
    # A4 pages, 附件2 landscape
    widths = {round(x.mm) for s in d.sections for x in (s.page_width, s.page_height)}
    assert {210, 297} <= widths
    assert any(s.page_width > s.page_height for s in d.sections)


def test_tables_carry_the_figures(exports: dict[tuple[str, str], Path]) -> None:
    packet = seed_packet("seed_000")
    d = docx.Document(str(exports[("seed_000", "docx")]))
    staff, funds = d.tables[0], d.tables[1]  # 附件1 is cut at its 经费 heading row, which Word repeats
    cells = [c.text for t in (staff, funds) for row in t.rows for c in row.cells]
    # a draft prints what the clerk entered, the computed figure beside it and the mark
    assert "100.00%①\n应为81.48%" in cells and "“三公”经费" in cells
    assert format_value(parse_number(packet.basic.funds["reception"].budget).value, Kind.MONEY) in cells
    # the merged 财政供养人员情况 cell spans two rows: python-docx returns the same cell twice
    assert staff.rows[0].cells[0].text == staff.rows[1].cells[0].text == "财政供养人员情况（人）"
    assert "w:tblHeader" in funds.rows[0]._tr.xml and "w:tblHeader" not in staff.rows[0]._tr.xml
    se = [c.text for t in d.tables[2:] for row in t.rows for c in row.cells]
    assert "85.32%" in se and "10②\n应为8.53" in se and "100③\n应为113.53" in se
    indicators = next(t for t in d.tables if t.rows[0].cells[1].text == "一级指标")
    assert [c.text for c in indicators.rows[0].cells][:3] == ["绩效指标", "一级指标", "二级指标"]
    assert "w:tblHeader" in indicators.rows[0]._tr.xml
    footer = d.sections[0].footer.paragraphs[0]
    assert "第" in footer.text and "NUMPAGES" in footer._p.xml
    assert "草稿" in d.sections[0].header.paragraphs[0].text
    # no table or chart the clerk did not ask for; the draft ends with the 审核结果 under the cells' marks
    assert len(d.inline_shapes) == 0
    review = d.tables[-1]
    assert [c.text for c in review.rows[0].cells] == ["标记", "类型", "审核发现的问题", "合理性说明"]
    assert [row.cells[0].text for row in review.rows[1:]] == list("①②③④⑤⑥⑦")
    assert review.rows[1].cells[2].text.startswith("控制率填报为100%")
    last = d.sections[-1]  # the 审核结果's own footer, on odd and even pages alike (the document has both)
    assert last.footer.paragraphs[0].text == last.even_page_footer.paragraphs[0].text == "审核结果"
