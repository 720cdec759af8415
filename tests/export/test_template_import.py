"""Template import: what the Excel export writes reads back to the same packet (every cell the template
carries), bad cells are all reported with sheet/row/column, hostile files are refused before parsing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.domain import registry
from app.domain.evaluate import evaluate
from app.domain.layout import layout
from app.domain.model import Band, Packet, ScoringRule
from app.domain.numbers import Kind, parse_number
from app.domain.package import PackageError
from app.domain.paths import get_or_blank
from app.domain.plan import make_plan
from app.domain.registry import pack_for
from app.export import export_packet
from app.export.document import build_document
from app.export.template_import import MAX_ROWS, read_template_file
from tests.export.conftest import SEED_IDS, seed_packet

#: stated derived figures: the export writes formulas there, so they are recomputed, not carried
STATED = (".control_rate", ".execution_rate", ".total_score", "area_control_rate", "investment_control_rate")


def carried_numbers(packet: Packet) -> dict[str, Decimal | None]:
    doc = build_document(packet)
    formula_paths = {cell.path for part in doc.parts for _, _, cell in part.grid.cells() if cell.formula}
    out: dict[str, Decimal | None] = {}
    for path, kind in make_plan(pack_for(packet), packet).inputs.items():
        if path.endswith(STATED) or path in formula_paths:
            continue
        if path.endswith(".score") and ".indicators[" not in path and packet.scoring_rule.kind != "manual":
            continue
        out[path] = parse_number(get_or_blank(packet, path), kind).value
    return out


def printed_inputs(packet: Packet) -> dict[str, object]:
    """Every cell the printed forms let a clerk fill (inputs, 一级/二级 groups, signature lines): texts as
    printed, numbers as values; derived figures are left out (the export writes formulas there)."""
    out: dict[str, object] = {}
    for sheet in layout(registry.pack_for(packet), packet):
        for _r, _c, cell in sheet.cells():
            if cell.role == "group" or (cell.role == "input" and cell.kind is Kind.TEXT):
                out[cell.path] = str(get_or_blank(packet, cell.path) or "").strip()
            elif cell.role == "input":
                out[cell.path] = parse_number(get_or_blank(packet, cell.path), cell.kind).value
        out[f"{sheet.name}.footer"] = sheet.footer
    return out


def texts(packet: Packet) -> dict[str, str]:
    out = {"unit.name": packet.unit.name, "unit.date": packet.unit.date, "basic.austerity": packet.basic.austerity}
    for i, line in enumerate(packet.basic.project_lines):
        out[f"line{i}"] = f"{line.name}|{line.kind}|" + "|".join(s.name for s in line.lines)
    for prefix, targets, indicators in [("se", packet.self_eval.targets, packet.self_eval.indicators)] + [
        (f"p{n}", p.targets, p.indicators) for n, p in enumerate(packet.projects)
    ]:
        for i, t in enumerate(targets):
            out[f"{prefix}.t{i}"] = f"{t.expected}|{t.actual}"
        for i, ind in enumerate(indicators):
            out[f"{prefix}.i{i}"] = "|".join((ind.level1, ind.level2, ind.name, ind.target, ind.actual, ind.deviation))
            out[f"{prefix}.i{i}.w"] = str(parse_number(ind.level1_weight, Kind.SCORE).value)
    for n, p in enumerate(packet.projects):
        out[f"p{n}"] = f"{p.name}|{p.supervisor}|{p.implementer}"
    for n, sec in enumerate(packet.report.sections):  # paragraphs as printed: lines stripped, blank lines dropped
        out[f"r{n}"] = sec.title.strip() + "|" + "\n".join(x.strip() for x in sec.text.splitlines() if x.strip())
    return out


@pytest.mark.parametrize("seed", SEED_IDS)
def test_xlsx_round_trip(seed: str, exports: dict[tuple[str, str], Path]) -> None:
    original = seed_packet(seed)
    back = read_template_file(exports[(seed, "xlsx")])
    assert back.year == original.year
    assert back.template == original.template
    assert carried_numbers(back) == carried_numbers(original)
    assert texts(back) == texts(original)
    assert printed_inputs(back) == printed_inputs(original)
    assert back.scoring_rule.kind == original.scoring_rule.kind
    assert evaluate(back).computed.as_text() == evaluate(original).computed.as_text()
    assert len(back.basic.buildings) == len(original.basic.buildings)


@pytest.mark.parametrize(
    "rule",
    [ScoringRule("bands", bands=[Band("95%", "1"), Band("80%", "0.5")]), ScoringRule("manual"),
     ScoringRule("deduct_per_point", k="0.5")],
)
def test_scoring_rule_round_trip(rule: ScoringRule, tmp_path: Path) -> None:
    packet = seed_packet("seed_000")
    packet.scoring_rule = rule
    out = export_packet(packet, "xlsx", tmp_path / "r.xlsx", draft=True)
    back = read_template_file(out)
    assert back.scoring_rule == rule
    assert evaluate(back).computed.as_text() == evaluate(packet).computed.as_text()


def test_round_trip_of_a_final_print(tmp_path: Path) -> None:
    packet = seed_packet("seed_004")  # warnings only: a final print is allowed
    packet.unit.preparer, packet.unit.phone = "张三", "0730-1234567"
    out = export_packet(packet, "xlsx", tmp_path / "final.xlsx")
    back = read_template_file(out)
    assert (back.unit.preparer, back.unit.phone) == ("张三", "0730-1234567")


def test_plain_values_in_derived_cells_are_stated_figures(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """A hand-filled template types 控制率 instead of a formula: it is kept, so check can compare it."""
    wb = openpyxl.load_workbook(exports[("seed_000", "xlsx")])
    ws = wb["附件1"]
    rate = next(c for row in ws.iter_rows() for c in row if c.value == "控制率")
    ws.cell(rate.row + 1, rate.column).value = "100%"
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    back = read_template_file(path)
    assert back.basic.staff.control_rate == "100%"
    assert any(i.code == "stated_mismatch" and i.field == "basic.control_rate" for i in evaluate(back).issues)


def test_every_unreadable_cell_is_reported(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(exports[("seed_000", "xlsx")])
    ws = wb["附件1"]
    label = next(c for row in ws.iter_rows() for c in row if c.value == "2、出国经费")
    ws.cell(label.row, label.column + 1).value = "四点五"
    ws.cell(label.row, label.column + 3).value = "1,2,3"
    se = wb["附件2"]
    total = next(c for row in se.iter_rows() for c in row if c.value == "年度资金总额")
    se.cell(total.row, total.column + 2).value = "abc"
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    places = [p.place for p in info.value.problems]
    assert len(places) == 3
    col = openpyxl.utils.get_column_letter(label.column + 1)
    assert f"工作表“附件1”{col}{label.row}（第{label.row}行第{label.column + 1}列）" in places
    assert any(p.startswith("工作表“附件2”") for p in places)
    assert "四点五" in info.value.one_line()


def test_official_style_income_cells(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """The official 附件2 writes the figure into the label cell: “其他资金：16.02”."""
    wb = openpyxl.load_workbook(exports[("seed_000", "xlsx")])
    se = wb["附件2"]
    cell = next(c for row in se.iter_rows() for c in row if c.value == "其他资金：")
    se.cell(cell.row, cell.column + 3).value = None
    cell.value = "其他资金：16.02"
    path = tmp_path / "official.xlsx"
    wb.save(path)
    assert read_template_file(path).self_eval.income["other"] == "16.02"


# --- hostile files -------------------------------------------------------------------------------


def _xlsx_with(tmp_path: Path, name: str, extra: dict[str, bytes], base: Path) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = extra.pop(item.filename, None)
            zout.writestr(item, data if data is not None else zin.read(item))
        for fname, data in extra.items():
            zout.writestr(fname, data)
    return path


def test_zip_bomb_is_refused_before_inflating(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    bomb = b"<x>" + b"A" * (80 * 1024 * 1024) + b"</x>"  # 80 MB of one letter: compresses ~1000:1
    path = _xlsx_with(tmp_path, "bomb.xlsx", {"xl/bomb.xml": bomb}, exports[("seed_000", "xlsx")])
    assert path.stat().st_size < 1_000_000
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    assert "压缩炸弹" in info.value.one_line()


def test_ratio_bomb_under_the_size_limit_is_refused(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    bomb = b"<x>" + b"\x20" * (20 * 1024 * 1024) + b"</x>"
    path = _xlsx_with(tmp_path, "ratio.xlsx", {"xl/pad.xml": bomb}, exports[("seed_000", "xlsx")])
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    assert "压缩比异常" in info.value.one_line()


def test_xml_entities_are_refused(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    base = exports[("seed_000", "xlsx")]
    with zipfile.ZipFile(base) as zf:
        shared = zf.read("xl/workbook.xml")
    body = shared.split(b"?>", 1)[1] if shared.startswith(b"<?xml") else shared
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + body
    path = _xlsx_with(tmp_path, "lol.xlsx", {"xl/workbook.xml": laughs}, base)
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    assert "DOCTYPE" in info.value.one_line()
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    path2 = _xlsx_with(tmp_path, "xxe.xlsx", {"docProps/custom.xml": xxe}, base)
    with pytest.raises(PackageError):
        read_template_file(path2)


def test_huge_sheet_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    ws["A1"] = "2024年度部门整体支出绩效评价基础数据表"
    for r in range(2, MAX_ROWS + 10):
        ws.cell(r, 1, r)
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    assert "过大" in info.value.one_line()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "不是Excel"), (b"PK\x03\x04 broken", "不是Excel"), (b'{"format": "x"}', "不是Excel")],
)
def test_not_an_xlsx(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    assert message in info.value.one_line()


def test_unrelated_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "other.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    assert "附件1" in info.value.one_line()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as info:
        read_template_file(tmp_path / "nope.xlsx")
    assert "不存在" in info.value.one_line()


def test_formula_without_a_saved_result_in_an_input_cell(exports: dict[tuple[str, str], Path], tmp_path: Path) -> None:
    """openpyxl (or a script) wrote a formula into a typed cell and nothing computed it: say so, don't guess."""
    wb = openpyxl.load_workbook(exports[("seed_000", "xlsx")])
    ws = wb["附件1"]
    label = next(c for row in ws.iter_rows() for c in row if c.value == "3、公务接待")
    ws.cell(label.row, label.column + 1).value = "=1+1.2"
    path = tmp_path / "nocache.xlsx"
    wb.save(path)
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    assert "公式没有保存计算结果" in info.value.one_line()
