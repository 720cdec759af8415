"""Print fidelity (issue 12), read back from the files: Chinese line breaking, nothing across a cell rule,
every font embedded, bookmarks, GB/T 9704 report typography, page breaks that keep the last rows with 总分
and the signature, Excel fit-to-width and page breaks, Word heading styles and zh-CN, file modes."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pypdf
import pytest

from app.export import export_packet
from app.export.linebreak import CLOSING, OPENING, wrap
from tests.export.conftest import SEED_IDS, flat, seed_packet
from tests.export.pdfcheck import crossings, line_starts

MM = 72 / 25.4


@pytest.mark.parametrize("seed", SEED_IDS)
def test_no_line_starts_with_a_closing_mark_and_nothing_crosses_a_rule(
        seed: str, exports: dict[tuple[str, str], Path]) -> None:
    path = exports[(seed, "pdf")]
    assert line_starts(path) == []
    assert crossings(path) == []


@pytest.mark.parametrize("seed", ["seed_000", "seed_004"])
def test_every_font_is_embedded(seed: str, exports: dict[tuple[str, str], Path]) -> None:
    out = subprocess.run(["pdffonts", str(exports[(seed, "pdf")])], capture_output=True, text=True, check=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows
    names = {row[0].split("+")[-1] for row in rows}
    assert {"WenQuanYiMicroHei-0", "FandolFang-Regular"} <= names
    assert not any("Helvetica" in row[0] for row in rows)
    for row in rows:  # name type encoding emb sub uni object ID: emb and sub are "yes"
        assert row[-5:-3] == ["yes", "yes"], row


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, str(getattr(item, "title", ""))))

    walk(reader.outline, 0)
    return out


def test_bookmarks_per_attachment_and_chapter(exports: dict[tuple[str, str], Path]) -> None:
    packet = seed_packet("seed_000")
    outline = _outline(pypdf.PdfReader(exports[("seed_000", "pdf")]))
    top = [title for depth, title in outline if depth == 0]
    assert [t.split()[0] for t in top] == ["附件1", "附件2", *(["附件3"] * len(packet.projects)), "附件4"]
    chapters = [title for depth, title in outline if depth == 1]
    assert chapters == [s.title.strip() for s in packet.report.sections if s.title.strip()]


def _report_pages(path: Path) -> tuple[pdfplumber.page.Page, list[pdfplumber.page.Page], pdfplumber.PDF]:
    pdf = pdfplumber.open(path)
    mark = flat("部门（单位）名称：（盖章）")
    texts = [flat(p.extract_text() or "") for p in pdf.pages]
    cover = next(i for i, text in enumerate(texts) if mark in text)
    end = next((i for i, text in enumerate(texts) if text.startswith("审核结果")), len(texts))  # the 审核结果 after it
    return pdf.pages[cover], pdf.pages[cover + 1 : end], pdf


def test_report_typography_after_gb_t_9704(exports: dict[tuple[str, str], Path]) -> None:
    cover, pages, pdf = _report_pages(exports[("seed_001", "pdf")])
    with pdf:
        body = [c for p in pages for c in p.chars if c["text"].strip()]
        fonts = {c["fontname"].split("+")[-1] for c in body}
        assert {"FandolFang-Regular", "FandolKai-Regular", "WenQuanYiMicroHei-0"} <= fonts
        fang = [c for c in body if "FandolFang" in c["fontname"]]
        assert round(max(c["size"] for c in fang)) == 16  # 三号
        # 二级 heading （一） in 楷体, 一级 一、 in 黑体
        first = pages[0]
        lines = first.extract_text_lines()
        kai = next(ln for ln in lines if ln["text"].startswith("（一）"))
        assert all("FandolKai" in c["fontname"] for c in kai["chars"][:4])
        # the text block: 37 mm from the top, 28 mm from the left, 26 mm from the right (a small slack for
        # the outer page number and the glyphs' side bearings)
        width = first.width
        for p in pages:
            text_chars = [c for c in p.chars if c["text"].strip() and not re.fullmatch(r"[—\d ]", c["text"])]
            if not text_chars:
                continue
            assert min(c["top"] for c in text_chars) >= 37 * MM - 16
            assert min(c["x0"] for c in text_chars) >= 28 * MM - 1
            assert max(c["x1"] for c in text_chars) <= width - 26 * MM + 1
        # page numbers — n — at the outer edge: odd pages right, even pages left; none on the cover
        assert not re.search(r"—\s*\d+\s*—", cover.extract_text() or "")
        for n, p in enumerate(pages, start=1):
            numbers = [ln for ln in p.extract_text_lines() if re.fullmatch(rf"—\s*{n}\s*—", ln["text"])]
            assert numbers, n
            x = numbers[0]["x0"]
            assert (x > width / 2) if n % 2 else (x < width / 2)


def test_cover_title_lines_are_balanced(exports: dict[tuple[str, str], Path]) -> None:
    for seed in SEED_IDS:
        cover, _, pdf = _report_pages(exports[(seed, "pdf")])
        with pdf:
            big = [ln["text"] for ln in cover.extract_text_lines() if ln["chars"][0]["size"] > 20]
        assert "".join(big).endswith("整体支出绩效自评报告")
        assert all(len(line) > 4 for line in big), big  # never “报告” alone


def test_last_rows_total_and_signature_stay_together(exports: dict[tuple[str, str], Path]) -> None:
    packet = seed_packet("seed_004")
    with pdfplumber.open(exports[("seed_004", "pdf")]) as pdf:
        texts = [flat(p.extract_text() or "") for p in pdf.pages]
    end = next(t for t in texts if "总分" in t and "绩效指标" in t)
    assert "填表人：" in end and "单位负责人签字：" in end
    names = [flat(ind.name) for ind in packet.self_eval.indicators]
    assert sum(1 for name in names if name and name in end) >= 3
    # the 一级 label of the rows on that page is printed again there (in two lines of its cell)
    assert "成本指标" in end and "（20分）" in end


def test_xlsx_pages_repeat_labels_and_keep_the_end_together(exports: dict[tuple[str, str], Path]) -> None:
    wb = openpyxl.load_workbook(exports[("seed_004", "xlsx")])
    ws = wb["附件2"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "a two-page form gets its page break set"
    last = breaks[-1] + 1  # the first row of the last page
    labels = [str(ws.cell(r, 2).value or "") for r in range(last, ws.max_row + 1)]
    assert any(label.endswith("分）") for label in labels)  # the cut 一级 label, again on this page
    total = next(r for r in range(last, ws.max_row + 1) if any(
        str(ws.cell(r, c).value or "") == "总分" for c in range(1, 10)))
    assert total - last >= 3  # at least three indicator rows go with 总分
    assert any("填表人" in str(ws.cell(r, 1).value or "") for r in range(total, ws.max_row + 1))
    for sheet in wb.worksheets:
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    # 附件4: wrapping rows over A–H, the clerk's tables (seed 003) as ruled cells
    rep = wb["附件4"]
    assert rep.print_area and "H" in str(rep.print_area)
    tables = openpyxl.load_workbook(exports[("seed_003", "xlsx")])["附件4"]
    heading = next(c for row in tables.iter_rows() for c in row if c.value == "预算项目")
    assert heading.border.left.style == "thin" and heading.border.top.style == "thin"
    assert all(rep.cell(r, 1).alignment.wrap_text for r in range(3, rep.max_row) if rep.cell(r, 1).value)


def test_docx_heading_styles_language_and_sections(exports: dict[tuple[str, str], Path]) -> None:
    path = exports[("seed_000", "docx")]
    with zipfile.ZipFile(path) as z:
        xml = {n: z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")}
    assert not any("ja-JP" in text for text in xml.values())
    assert 'w:eastAsia="zh-CN"' in xml["word/styles.xml"]
    d = docx.Document(str(path))
    packet = seed_packet("seed_000")
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1 == [s.title.strip() for s in packet.report.sections if s.title.strip()]
    assert any(p.style.name == "Heading 2" or p.text.startswith("（一）") for p in d.paragraphs)
    assert "仿宋" in xml["word/styles.xml"] and "黑体" in xml["word/styles.xml"] and "楷体" in xml["word/styles.xml"]
    assert all(name in xml["word/fontTable.xml"] for name in ("仿宋", "黑体", "楷体", "FangSong"))
    cover, body, review = d.sections[-3:]  # the draft ends with its 审核结果, not numbered with the report
    assert review.footer.paragraphs[0].text == "审核结果" and "PAGE" not in review.footer._element.xml
    for s in (cover, body):
        assert (round(s.top_margin.mm), round(s.bottom_margin.mm), round(s.left_margin.mm),
                round(s.right_margin.mm)) == (37, 35, 28, 26)
    assert cover.footer.paragraphs[0].text.strip() == "" and "PAGE" not in cover.footer._element.xml
    assert "PAGE" in body.footer._element.xml and "w:start=\"1\"" in body._sectPr.xml


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "docx"])
def test_files_get_the_mode_the_umask_gives(fmt: str, tmp_path: Path) -> None:
    packet = seed_packet("seed_004")
    with _umask(0o022):
        a = export_packet(packet, fmt, tmp_path / f"a.{fmt}")
    with _umask(0o027):
        b = export_packet(packet, fmt, tmp_path / f"b.{fmt}")
    assert a.stat().st_mode & 0o777 == 0o644
    assert b.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a.{fmt}", f"b.{fmt}"]  # no temporary left


def test_line_breaking_rules() -> None:
    assert wrap("批复规模（㎡）", None, 5) == ["批复规模", "（㎡）"]
    assert wrap("产出指标（50分）", None, 6) == ["产出指标", "（50分）"]
    lines = wrap("全年预算数为1234.56万元，执行率为98.5%，较上年提高。", None, 10)
    assert any("1234.56万元" in line for line in lines) and any("98.5%" in line for line in lines)
    for text in ("甲乙丙丁戊己庚辛，“壬癸”；子丑（寅卯）。辰巳午未申酉戌亥。" * 3,
                 "一二三四五六七八九十》《一二三四五六七八九十！？"):
        for width in range(3, 12):
            lines = wrap(text, None, width)
            assert "".join(lines) == text
            assert all(line[0] not in CLOSING for line in lines[1:]), (width, lines)
            assert all(line[-1] not in OPENING for line in lines[:-1]), (width, lines)
            assert all(len(line) <= width for line in lines)


def test_signature_fields_stay_on_one_line(tmp_path: Path) -> None:
    packet = seed_packet("seed_004")
    packet.unit.preparer = "欧阳明月"
    packet.unit.phone = "0730-5221234 / 13907301234"
    out = export_packet(packet, "pdf", tmp_path / "sig.pdf")
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        lines = [ln["text"].replace(" ", "") for ln in page.extract_text_lines()]
    # each field whole on one line (on a portrait page the four fields take two rows when one cannot hold them)
    assert any("联系电话：0730-5221234/13907301234" in ln for ln in lines)
    assert any("填表人：欧阳明月" in ln for ln in lines) and any("单位负责人签字：" in ln for ln in lines)
