"""The PDF read back: every label and figure is there as text (so the font has the glyphs and they are
mapped), the font is embedded, pages are A4, numbered, watermarked on drafts."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from app.domain.cells import number_cells
from app.domain.evaluate import evaluate
from app.domain.model import Indicator, Packet
from app.domain.numbers import Kind, format_value, parse_number
from app.export import ExportRefused, export_packet
from app.export.document import build_document, clip
from tests.export.conftest import SEED_IDS, expected_json, flat, seed_packet
from tests.hunan import printed_labels

A4 = (595.28, 841.89)


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def body_text(path: Path) -> str:
    """All pages' text without the page numbers (forms: 第N页共M页, report: — n —), so text running over a
    page break joins up."""
    return "".join(re.sub(r"第\d+页共\d+页$|—\d+—$", "", flat(page)) for page in pages_text(path))


#: derived figures a clerk may state; the PDF prints the recomputed figure instead
STATED_DERIVED = ("control_rate", "execution_rate", ".score", "total_score")


def printed_inputs(packet: Packet) -> list[tuple[str, str]]:
    """(path, text as printed) of every number the clerk typed that the forms print as typed."""
    ev = evaluate(packet)
    doc = build_document(packet, ev)
    formula_paths = {cell.path for part in doc.parts for _, _, cell in part.grid.cells() if cell.formula}
    out = []
    for path, raw, kind in number_cells(packet):
        if path.endswith(STATED_DERIVED) and not (path.endswith(".score") and ".indicators[" in path):
            continue
        if path in formula_paths or path.endswith("level1_weight") or path.startswith("basic.buildings"):
            continue
        if path.endswith(".prior") and path.split(".")[2] in ("procurement", "budget_adjustment"):
            continue
        value = parse_number(raw, kind).value
        if value is not None:
            out.append((path, format_value(value, kind)))
    return out


@pytest.mark.parametrize("seed", SEED_IDS)
def test_pdf_prints_every_label_and_figure(seed: str, exports: dict[tuple[str, str], Path]) -> None:
    packet = seed_packet(seed)
    text = body_text(exports[(seed, "pdf")])
    labels = printed_labels(packet)
    assert "楼堂馆所控制情况" in "".join(labels) and "偏差原因分析及改进措施" in labels
    missing = [label for label in labels if flat(label) not in text]
    assert not missing, f"labels missing from the PDF: {missing}"

    figures = printed_inputs(packet)
    assert figures, "a seed with no figures would test nothing"
    missing_figures = [(p, t) for p, t in figures if t not in text]
    assert not missing_figures
    # the derived figures, as transcribed by hand in the seed's expected file
    for key, shown in expected_json(seed)["computed"].items():  # type: ignore[union-attr]
        if shown != "——":
            assert shown in text, key
    for line in packet.basic.project_lines:
        assert flat(line.name) in text
    for ind in packet.self_eval.indicators:
        assert flat(ind.name) in text
        assert flat(ind.level2) in text
    for proj in packet.projects:
        assert flat(proj.name) in text
    for sec in packet.report.sections:
        assert flat(sec.title) in text
        assert flat(sec.text.replace("|", "")) in text  # the clerk's tables (seed 003) cell by cell


def test_seed000_known_figures(exports: dict[tuple[str, str], Path]) -> None:
    pages = pages_text(exports[("seed_000", "pdf")])
    first = flat(pages[0])
    # 控制率 recomputed (66/81), not the stated 100%
    assert "81.48%" in first and "100%" not in first
    assert "“三公”经费11.7238.0011.38" in first
    text = flat("".join(pages))
    assert "85.32%" in text and "8.53" in text and "113.53" in text


def test_font_is_embedded_and_pages_are_a4(exports: dict[tuple[str, str], Path]) -> None:
    reader = pypdf.PdfReader(exports[("seed_000", "pdf")])
    embedded = []
    for page in reader.pages:
        size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert size == pytest.approx(sorted(A4), abs=0.5)
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if desc is not None:
                embedded.append(("/FontFile2" in desc.get_object(), str(font["/BaseFont"])))
    assert embedded and all(ok for ok, _ in embedded), embedded
    assert any("WenQuanYi" in name for _, name in embedded)
    # a subset, not the 5 MB collection
    assert exports[("seed_000", "pdf")].stat().st_size < 400_000
    orientations = {page.mediabox.width > page.mediabox.height for page in reader.pages}
    assert orientations == {True, False}  # 附件2/3 landscape, 附件1 and the report portrait


def test_page_numbers_and_watermark(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    path = exports[("seed_000", "pdf")]
    pages = [flat(p) for p in pages_text(path)]
    cover = next(i for i, p in enumerate(pages) if flat("部门（单位）名称：（盖章）") in p)
    review = next(i for i, p in enumerate(pages) if p.startswith("审核结果"))
    forms, report, checks = pages[:cover], pages[cover + 1 : review], pages[review:]
    for i, page in enumerate(forms, start=1):  # the forms: 第 N 页 共 M 页
        assert page.endswith(f"第{i}页共{len(forms)}页")
    assert not re.search(r"第\d+页|—\d+—", pages[cover])  # none on the cover
    for i, page in enumerate(report, start=1):  # the report: — n — (GB/T 9704)
        assert page.endswith(f"—{i}—")
    # a draft ends with the 审核结果 (its 7 errors), numbered apart from the forms
    assert [p[-7:] for p in checks] == [f"审核结果第{i}页" for i in range(1, len(checks) + 1)]
    assert "".join(checks).count("错误") == 7
    # the draft watermark is drawn, not written: copied text does not pick up its letters
    reader = pypdf.PdfReader(path)
    assert all("草" not in p for p in pages)  # (稿 is in the seed: 上稿10条)
    assert "草稿" in str(reader.metadata.title)
    assert all(b".8 .1 .1 rg" in page.get_contents().get_data() for page in reader.pages)
    final = export_packet(seed_packet("seed_004"), "pdf", tmp_path / "final.pdf")  # warnings only: allowed
    final_reader = pypdf.PdfReader(final)
    assert "草稿" not in str(final_reader.metadata.title)
    assert not any(b".8 .1 .1 rg" in page.get_contents().get_data() for page in final_reader.pages)


def test_final_print_with_errors_is_refused(tmp_path: Path) -> None:
    packet = seed_packet("seed_000")
    with pytest.raises(ExportRefused) as info:
        export_packet(packet, "pdf", tmp_path / "x.pdf")
    assert {i.code for i in info.value.issues} >= {"stated_mismatch", "weight_mismatch", "sum_mismatch"}
    assert all(i.is_error for i in info.value.issues)
    assert not (tmp_path / "x.pdf").exists()


def test_cover_and_footer(exports: dict[tuple[str, str], Path]) -> None:
    pages = [flat(p) for p in pages_text(exports[("seed_000", "pdf")])]
    cover = next(p for p in pages if flat("部门（单位）名称：（盖章）") in p)
    assert "2024年度中共岳阳市委组织部整体支出绩效自评报告" in cover
    assert "2025年6月25日" in cover  # unit.date 2025-06-25
    assert "填表人：" in pages[0] and "单位负责人签字：" in pages[0]
    # no generated table or chart where the clerk did not ask for one (tests/export/test_report_blocks.py)
    assert not any("图1预算数与执行数对比" in p or "表1一般公共预算支出情况" in p for p in pages)


def long_packet(n: int) -> Packet:
    """One 一级 group of ``n`` rows: its merged cell is taller than a page."""
    packet = seed_packet("seed_000")
    packet.self_eval.indicators = [
        Indicator(level1="产出指标", level1_weight=str(n), level2="数量指标",
                  name=f"第{i + 1}项指标：完成年度工作任务并按期报送材料，质量符合要求",
                  target="100%", actual="100%", weight="1", score="1")
        for i in range(n)
    ]
    return packet


def test_span_taller_than_a_page_is_split_and_header_repeats(tmp_path: Path) -> None:
    out = export_packet(long_packet(90), "pdf", tmp_path / "long.pdf", draft=True)
    pages = [flat(p) for p in pages_text(out)]
    se_pages = [p for p in pages if "第1项指标" in p or "项指标：" in p]
    assert len(se_pages) >= 3
    for page in se_pages[1:]:
        # the column headings and the 一级 label are printed again on every continuation page
        assert "一级指标二级指标三级指标" in page
        assert "产出指标（90分）" in page
    text = body_text(out)
    assert all(f"第{i}项指标" in text for i in range(1, 91))


def test_clip_keeps_every_position_owned() -> None:
    doc = build_document(long_packet(40))
    grid = doc.parts[1].grid
    rows = [grid.repeat[-1], *range(len(grid.rows) - 10, len(grid.rows))]
    sub = clip(grid, rows)
    covered = [[False] * sub.ncols for _ in sub.rows]
    for r, c, cell in sub.cells():
        for rr in range(r, r + cell.rowspan):
            for cc in range(c, c + cell.colspan):
                assert not covered[rr][cc]
                covered[rr][cc] = True
    assert all(all(row) for row in covered)
    assert sub.rows[1][1] is not None and sub.rows[1][1].text == "产出指标（40分）"


def test_missing_glyph_is_visible_and_reported(tmp_path: Path) -> None:
    packet = seed_packet("seed_004")
    packet.basic.austerity = "节约用电𠀋"  # U+2000B (CJK Ext. B) is not in WenQuanYi Micro Hei
    warnings: list[str] = []
    out = export_packet(packet, "pdf", tmp_path / "g.pdf", warnings=warnings)
    assert "节约用电□" in flat(pages_text(out)[0])
    assert warnings and "𠀋" in warnings[0]


def test_money_printed_with_two_decimals() -> None:
    doc = build_document(seed_packet("seed_000"))
    cells = {cell.path: cell for _, _, cell in doc.parts[0].grid.cells() if cell.path}
    assert cells["basic.funds.three_public.budget"].text == "38.00"
    assert cells["basic.funds.three_public.budget"].value == Decimal("38")
    assert cells["basic.staff.authorized"].kind is Kind.COUNT


def test_row_taller_than_a_page_continues_on_the_next(tmp_path: Path) -> None:
    packet = seed_packet("seed_004")
    essay = "".join(f"第{i}条：因年中政策调整，项目实施进度较计划推迟，已采取措施加快执行。" for i in range(1, 121))
    packet.self_eval.indicators[0].deviation = essay
    packet.self_eval.indicators[0].score = "0"  # a score below the weight: the reason is required anyway
    out = export_packet(packet, "pdf", tmp_path / "essay.pdf", draft=True)
    text = body_text(out)
    # every sentence is printed (pieces on consecutive pages join up), nothing is cut off
    assert all(f"第{i}条：" in text for i in range(1, 121))
    assert flat(packet.self_eval.indicators[1].name) in text


@pytest.mark.parametrize("seed", SEED_IDS)
def test_bundled_font_covers_every_printed_string(seed: str) -> None:
    from app.export.fonts import Coverage

    cov = Coverage()
    texts = build_document(seed_packet(seed), draft=True).texts()
    assert len(texts) > 100
    for text in texts:
        cov.printable(text)
    assert cov.missing == set()
    assert cov.warning() is None
