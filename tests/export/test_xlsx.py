"""The Excel file read back: values, merges, number formats, formulas, cached results, print setup —
and LibreOffice recalculating the formulas gets the same figures as the cached ones."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.domain.evaluate import evaluate
from app.domain.numbers import Kind, round_half_up
from app.export.document import build_document
from tests.export.conftest import SEED_IDS, seed_packet


def find(ws: openpyxl.worksheet.worksheet.Worksheet, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text!r} not on sheet {ws.title}")


@pytest.mark.parametrize("seed", SEED_IDS)
def test_sheets_and_print_setup(seed: str, exports: dict[tuple[str, str], Path]) -> None:
    packet = seed_packet(seed)
    wb = openpyxl.load_workbook(exports[(seed, "xlsx")])
    expected = ["附件1", "附件2", *(f"附件3-{n + 1}" for n in range(len(packet.projects))), "附件4"]
    assert wb.sheetnames == [*expected, "审核结果"]  # every seed has an issue: the draft lists it on a last sheet
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert int(ps.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ps.fitToWidth == 1 and ps.fitToHeight == 0
        footer = "审核结果" if ws.title == "审核结果" else "第 &P 页 共 &N 页"
        assert ws.oddFooter.center.text == footer
        assert ws.page_margins.left > 0.3
        assert ws.oddHeader.center.text.startswith("草稿")  # a draft export
    assert wb["附件1"].page_setup.orientation == "portrait"
    assert wb["附件2"].page_setup.orientation == "landscape"
    assert wb["附件1"].print_area and wb["附件2"].print_title_rows
    # the indicator heading row repeats on every printed page
    r, _ = find(wb["附件2"], "一级指标")
    assert wb["附件2"].print_title_rows == f"${r}:${r}"


def test_seed000_cells_merges_and_formulas(exports: dict[tuple[str, str], Path]) -> None:
    wb = openpyxl.load_workbook(exports[("seed_000", "xlsx")])
    ws = wb["附件1"]
    r, c = find(ws, "“三公”经费")
    prior = ws.cell(r, c + 1)
    assert prior.value.startswith("=SUM(")  # derived: a formula, like the official template
    assert prior.number_format == "0.00"
    # the parts are plain numbers with 2-decimal format
    r2, _ = find(ws, "2、出国经费")
    budget = ws.cell(r2, c + 3)
    assert budget.value == pytest.approx(4.5) and budget.number_format == "0.00"
    rate_r, rate_c = find(ws, "控制率")
    rate = ws.cell(rate_r + 1, rate_c)
    assert rate.value.startswith("=IF(") and rate.number_format == "0.00%"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"A{rate_r}:A{rate_r + 1}" in merged  # 财政供养人员情况 spans its two rows
    assert "A2:G2" in merged  # the title across the table
    # borders on every cell of the table, also inside merged ranges
    assert ws.cell(rate_r + 1, rate_c + 1).border.right.style == "thin"
    # wrapped rows are given a height
    r3, _ = find(ws, "厉行节约保障措施")
    assert ws.row_dimensions[r3].height >= 18
    se = wb["附件2"]
    r4, c4 = find(se, "年度资金总额")
    values = [se.cell(r4, c).value for c in range(c4, c4 + 8)]
    assert Decimal(str(values[2])) == Decimal("1669.79")
    assert str(values[6]).startswith("=IF(N(") and "/" in str(values[6])  # 执行率
    assert "MIN(" in str(values[7])  # 得分 under the proportional rule
    rt, ct = find(se, "总分")
    total = [se.cell(rt, c).value for c in range(ct, ct + 9)]
    assert any(str(v).startswith("=SUM(") for v in total if v)


@pytest.mark.parametrize("seed", SEED_IDS)
def test_cached_values_are_the_computed_figures(seed: str, exports: dict[tuple[str, str], Path]) -> None:
    """A viewer that does not recalculate shows the cached values: they must be the computed figures."""
    packet = seed_packet(seed)
    ev = evaluate(packet)
    doc = build_document(packet, ev)
    wb_f = openpyxl.load_workbook(exports[(seed, "xlsx")])
    wb_v = openpyxl.load_workbook(exports[(seed, "xlsx")], data_only=True)
    checked = 0
    for part in doc.parts:
        ws_f, ws_v = wb_f[part.sheet], wb_v[part.sheet]
        top = 4 if part.unit_line else 3
        for r, c, cell in part.grid.cells():
            if cell.formula is None or cell.value is None:
                continue
            formula = ws_f.cell(top + r, c + 1).value
            assert isinstance(formula, str) and formula.startswith("="), (part.sheet, r, c)
            cached = ws_v.cell(top + r, c + 1).value
            want = ev.computed.value(cell.key or "")
            assert want is not None
            if cell.kind is Kind.SCORE:
                want = round_half_up(want, 2)
            assert Decimal(str(cached)) == pytest.approx(want, abs=Decimal("1e-9")), (part.sheet, cell.key)
            checked += 1
    assert checked >= 5


def _strip_cached(src: Path, dst: Path) -> None:
    """The same workbook with the cached results removed, so that LibreOffice must compute them."""
    import re

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1<v></v>", data)
            zout.writestr(item, data)


def test_libreoffice_recalculates_to_the_cached_figures(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (libreoffice-calc-nogui) is a test dependency: installer/setup-env.sh"
    sources = []
    for seed in ("seed_000", "seed_001", "seed_002", "seed_004"):
        stripped = tmp_path / f"{seed}.xlsx"
        _strip_cached(exports[(seed, "xlsx")], stripped)
        sources.append((seed, stripped))
    out = tmp_path / "lo"
    profile = tmp_path / "profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), *(str(s) for _, s in sources)],
        check=True, capture_output=True, timeout=180,
    )
    for seed, _ in sources:
        ours = openpyxl.load_workbook(exports[(seed, "xlsx")], data_only=True)
        theirs = openpyxl.load_workbook(out / f"{seed}.xlsx", data_only=True)
        formulas = openpyxl.load_workbook(exports[(seed, "xlsx")])
        compared = 0
        for ws in formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        mine = ours[ws.title][cell.coordinate].value
                        lo = theirs[ws.title][cell.coordinate].value
                        assert mine is not None
                        where = (seed, ws.title, cell.coordinate)
                        if isinstance(mine, str):  # —— where there is nothing to compute
                            assert lo == mine == "——", where
                        else:
                            assert float(lo) == pytest.approx(float(mine), abs=1e-9), where
                        compared += 1
        assert compared >= 5
