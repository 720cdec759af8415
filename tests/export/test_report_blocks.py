"""附件4 blocks in every output: the clerk's own tables (seed 003: ``a | b`` lines) print as ruled tables, the
pack's generated tables and charts appear only where a line 【caption】 asks for them and take the figures the
审核 compares the text with; a draft prints what the clerk entered with the issues' marks."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pypdf
import pytest

from app.domain.evaluate import evaluate
from app.domain.model import Packet
from app.domain.report import TextTable, blocks, from_clipboard, insert_line
from app.export import export_packet
from app.export.document import Chart, QuotedTable, build_document
from app.export.template_import import read_template_file
from tests.export.conftest import flat, seed_packet

TABLE1 = "表1 一般公共预算支出情况（万元）"
TABLE2 = "表2 部门整体支出执行及自评得分"
CHART1 = "图1 预算数与执行数对比（万元）"
SEED003_HEAD = ["预算项目", "本年预算", "年中追加", "本年决算金额"]


def with_inserts(seed: str) -> Packet:
    """The seed with 表1 asked for in chapter 二 and 表2 + 图1 in chapter 六, as the GUI's buttons put them."""
    packet = seed_packet(seed)
    for sec in packet.report.sections:
        if sec.title.startswith("二、"):
            sec.text += "\n" + insert_line(TABLE1)
        if sec.title.startswith("六、"):
            sec.text += "\n" + insert_line(TABLE2) + "\n" + insert_line(CHART1)
    return packet


def blocks_of(packet: Packet, draft: bool = True) -> list[object]:
    doc = build_document(packet, draft=draft)
    assert doc.report is not None
    return [b for ch in doc.report.chapters for b in ch.blocks]


def test_nothing_is_generated_unless_asked() -> None:
    for seed in ("seed_000", "seed_001", "seed_004"):
        assert not [b for b in blocks_of(seed_packet(seed)) if isinstance(b, Chart | QuotedTable)], seed


def test_seed003_tables_are_the_clerks_tables() -> None:
    tables = [b for b in blocks_of(seed_packet("seed_003")) if isinstance(b, QuotedTable)]
    assert [t.header for t in tables] == [SEED003_HEAD, SEED003_HEAD]
    assert not any(t.generated or t.caption for t in tables)
    assert tables[0].rows[0] == ["基本支出：", "329.47", "65.76", "412.23"]
    assert tables[0].rows[-1] == ["其他资本性支出", "", "", ""]  # empty trailing cells kept as cells
    assert tables[1].rows[-1] == ["政治建设项目", "0", "3.00", "3.00"]


def test_seed003_tables_in_pdf(exports: dict[tuple[str, str], Path]) -> None:
    with pdfplumber.open(exports[("seed_003", "pdf")]) as pdf:
        found = [t for page in pdf.pages for t in page.extract_tables() if t and t[0] == SEED003_HEAD]
    assert len(found) == 2  # ruled tables: pdfplumber finds their cells from the rules
    assert ["工资福利支出", "225.27", "59.36", "284.63"] in found[0]
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(exports[("seed_003", "pdf")]).pages)
    assert "预算项目 |" not in text and "| 本年预算" not in text


def test_seed003_tables_in_word(exports: dict[tuple[str, str], Path]) -> None:
    d = docx.Document(str(exports[("seed_003", "docx")]))
    found = [t for t in d.tables if [c.text for c in t.rows[0].cells] == SEED003_HEAD]
    assert len(found) == 2
    assert [c.text for c in found[1].rows[-1].cells] == ["政治建设项目", "0", "3.00", "3.00"]
    assert "w:tblHeader" in found[0].rows[0]._tr.xml  # the heading row repeats on a new page
    assert not any("|" in p.text for p in d.paragraphs)


def test_seed003_tables_in_excel_are_ruled_and_read_back(exports: dict[tuple[str, str], Path]) -> None:
    path = exports[("seed_003", "xlsx")]
    ws = openpyxl.load_workbook(path)["附件4"]
    heads = [c for row in ws.iter_rows() for c in row if c.value == "预算项目"]
    assert len(heads) == 2
    for head in heads:
        row = [ws.cell(head.row, c) for c in range(1, 9) if ws.cell(head.row, c).value]
        assert [c.value for c in row] == SEED003_HEAD
        assert all(c.border.left.style == "thin" and c.border.bottom.style == "thin" for c in row)
    back = read_template_file(path)
    original = seed_packet("seed_003")
    for a, b in zip(original.report.sections, back.report.sections, strict=True):
        assert normalised(b.text) == normalised(a.text)


def normalised(text: str) -> list[object]:
    """A chapter's blocks with the tables' rows padded (a row's trailing empty cells may be written or not)."""
    return [b.padded() if isinstance(b, TextTable) else b for b in blocks(text)]


def test_generated_tables_take_the_figures_the_text_quotes() -> None:
    # seed 004 (a final print): its text says 项目支出304.57万元; 附件1's 项目支出 64.22 is another figure
    packet = with_inserts("seed_004")
    blocks = blocks_of(packet, draft=False)
    table1 = next(b for b in blocks if isinstance(b, QuotedTable) and b.caption == TABLE1)
    assert table1.generated and table1.header == ["基本支出", "项目支出", "合计"]
    text = "".join(s.text for s in packet.report.sections)
    basic, project, _total = table1.rows[0]
    assert project == "304.57" and f"{project}万元" in text
    assert f"{basic}万元" in text
    chart = next(b for b in blocks if isinstance(b, Chart))
    assert chart.caption == CHART1
    labels = [label for label, _, _ in chart.bars]
    assert labels[0] == "部门整体" and "项目支出" not in labels  # no 附件1 figure beside the text's
    table2 = next(b for b in blocks if isinstance(b, QuotedTable) and b.caption == TABLE2)
    budget, executed = (str(x) for x in chart.bars[0][1:])
    assert table2.rows[0][1] == budget and table2.rows[0][2] == executed  # the chart's bar = 表2's figures
    assert not [i for i in evaluate(packet).issues if i.field.startswith("report.")]


def test_a_quoted_figure_that_differs_from_the_tables_is_flagged() -> None:
    # seed 001's text: 基本支出1101.73万元, 项目支出692.30万元; 附件2 (and so 表1): 1102.32, 761.72
    packet = with_inserts("seed_001")
    table1 = next(b for b in blocks_of(packet) if isinstance(b, QuotedTable) and b.caption == TABLE1)
    assert table1.rows[0][:2] == ["1102.32", "761.72"]
    flagged = [i.message for i in evaluate(packet).issues if i.field.startswith("report.")]
    assert any("1101.73" in m and "1102.32" in m for m in flagged)
    assert any("692.30" in m and "761.72" in m for m in flagged)


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_inserts_in_every_output(fmt: str, tmp_path: Path) -> None:
    out = export_packet(with_inserts("seed_004"), fmt, tmp_path / f"p.{fmt}")
    if fmt == "pdf":
        pages = [flat(p.extract_text() or "") for p in pypdf.PdfReader(out).pages]
        body = "".join(pages)
        assert flat(TABLE1) in body and flat(TABLE2) in body and flat(CHART1) in body
        assert "基本支出项目支出合计" in body
    elif fmt == "docx":
        d = docx.Document(str(out))
        assert {TABLE1, TABLE2, CHART1} <= {p.text for p in d.paragraphs}
        assert len(d.inline_shapes) == 1
        assert any([c.text for c in t.rows[0].cells] == ["基本支出", "项目支出", "合计"] for t in d.tables)
    else:
        ws = openpyxl.load_workbook(out)["附件4"]
        values = [c.value for row in ws.iter_rows(max_col=8) for c in row if c.value]
        assert TABLE1 in values and CHART1 in values and "304.57" in values
        assert len(ws._images) == 1
        back = read_template_file(out)  # the 【caption】 lines come back, not the generated figures
        text = "\n".join(s.text for s in back.report.sections)
        assert insert_line(TABLE1) in text and insert_line(CHART1) in text


def test_draft_prints_what_was_entered_with_marks(exports: dict[tuple[str, str], Path]) -> None:
    pages = [flat(p.extract_text() or "") for p in pypdf.PdfReader(exports[("seed_000", "pdf")]).pages]
    assert "100.00%①应为81.48%" in pages[0]  # 控制率 as typed, the computed figure beside it
    body = "".join(pages)
    assert "10②应为8.53" in body and "100③应为113.53" in body
    assert "产出指标（50分）⑤" in body and "效益指标（30分）⑥" in body
    review = pages[-1]
    ev = evaluate(seed_packet("seed_000"))
    assert len(ev.errors) == 7
    for n, issue in enumerate(ev.issues, start=1):
        assert flat("①②③④⑤⑥⑦"[n - 1] + "错误" + issue.message) in review
    ws = openpyxl.load_workbook(exports[("seed_000", "xlsx")])["附件1"]
    rate = next(c for row in ws.iter_rows() for c in row if c.comment is not None)
    assert str(rate.value).startswith("=")  # the Excel file keeps the formula (the right figure) …
    assert "填报100.00%，按公式计算应为81.48%" in rate.comment.text  # … and says what was typed


def test_final_print_is_clean(tmp_path: Path) -> None:
    out = export_packet(seed_packet("seed_004"), "pdf", tmp_path / "final.pdf")
    pages = [flat(p.extract_text() or "") for p in pypdf.PdfReader(out).pages]
    assert not any(m in p for p in pages[:-1] for m in "①②③")
    assert pages[-1].startswith("审核结果类型审核发现的问题合理性说明提示")  # the warning, no mark column


def test_pasting_a_table_from_excel() -> None:
    copied = "预算项目\t本年预算\t本年决算\r\n基本支出\t329.47\t412.23\r\n"
    assert from_clipboard(copied) == "预算项目 | 本年预算 | 本年决算\n基本支出 | 329.47 | 412.23"
    assert from_clipboard("一段文字") == "一段文字"
