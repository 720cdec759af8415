"""``perfeval summary``: one row per packet of a folder, equal to ``perfeval check`` for each; the 汇总表 read
back from the xlsx (and as LibreOffice prints it) and from the PDF."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pypdf
import pytest

from app.domain.numbers import NOT_APPLICABLE
from app.export.summary import summary_rows, write_summary
from tests.bureau.conftest import BROKEN, FILLED, check_json, cli, fontconfig_with_bundled_font, soffice
from tests.conftest import DATA, SEEDS

KEYS = ["unit", "year", "template", "execution_rate", "execution_score", "total_score", "errors", "warnings",
        "problem"]
A4_LANDSCAPE = (841.89, 595.28)


def flat(text: str) -> str:
    return "".join(text.split())


def test_folder_gives_seven_rows_equal_to_check(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "summary", str(inbox), "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 7  # five seeds, the filled template, the broken file (说明.txt is not a packet)
    for row in rows:
        assert set(KEYS) <= set(row)
    by_file = {Path(r["source"]).name: r for r in rows}
    assert set(by_file) == {p.name for p in SEEDS} | {BROKEN, FILLED}
    for name, row in by_file.items():
        status, doc = check_json(capsys, inbox / name)
        if name == BROKEN:
            assert status == 2 and doc == {}
            assert row["unit"] is None and row["errors"] is None
            assert "不完整" in row["problem"] and "截断" in row["problem"]
            continue
        computed = doc["computed"]
        assert row["problem"] is None
        assert row["execution_rate"] == computed["self_eval.execution_rate"], name
        assert row["execution_score"] == computed["self_eval.execution_score"], name
        assert row["total_score"] == computed["self_eval.total_score"], name
        assert row["errors"] == doc["summary"]["errors"], name
        assert row["warnings"] == doc["summary"]["warnings"], name
        assert status == (1 if row["errors"] else 0)
    seed0 = by_file["seed_000.json"]
    assert (seed0["unit"], seed0["year"], seed0["template"]) == ("中共岳阳市委组织部", 2024, "hunan-dept")
    assert (seed0["execution_rate"], seed0["execution_score"], seed0["total_score"]) == ("85.32%", "8.53", "113.53")
    assert (seed0["errors"], seed0["warnings"]) == (7, 0)
    assert by_file["seed_002.json"]["execution_rate"] == NOT_APPLICABLE  # 全年预算数 missing
    # the filled template and its package are both listed, and the clash is said
    assert by_file[FILLED]["unit"] == by_file["seed_003.json"]["unit"]
    assert "2份" in by_file[FILLED]["note"] and "2份" in by_file["seed_003.json"]["note"]
    # sorted by unit, unreadable files last
    units = [r["unit"] for r in rows[:-1]]
    assert units == sorted(units) and rows[-1]["problem"]


def test_files_and_folders_mixed_each_file_once(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "summary", str(inbox / "seed_000.json"), str(inbox), str(DATA / "seed_001.json"),
                       "--json")
    assert code == 0
    sources = [Path(r["source"]).resolve() for r in json.loads(out)]
    assert len(sources) == 8  # seed_000 given twice counts once; tests/data/seed_001.json is another file
    assert len(set(sources)) == 8


def test_missing_file_is_a_row_not_a_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "summary", str(DATA / "seed_004.json"), str(tmp_path / "nope.json"), "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["unit"] == "中共汨罗市委办公室" and rows[1]["problem"] == "文件不存在"


def test_xlsx_is_a_print_ready_table(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "汇总表.xlsx"
    code, stdout, _ = cli(capsys, "summary", str(inbox), "-o", str(out))
    assert code == 0 and "已写出汇总表" in stdout and out.exists()
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws is not None
    assert ws["A1"].value == "2020、2024年度绩效自评结果汇总表"
    assert [c.value for c in ws[3]] == ["序号", "单位", "年度", "模板", "执行率", "执行率得分", "总分", "错误数",
                                        "提示数", "说明"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"  # headings on every printed page
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    body = [r for r in rows if isinstance(r[0], int)]
    assert [r[0] for r in body] == list(range(1, 8))
    units = [r[1] for r in body[:6]]
    assert units == sorted(units)
    seed0 = next(r for r in body if r[1] == "中共岳阳市委组织部")
    assert seed0[4] == pytest.approx(0.8532) and ws.cell(4 + rows.index(seed0), 5).number_format == "0.00%"
    assert (seed0[5], seed0[6], seed0[7], seed0[8]) == (8.53, 113.53, 7, 0)
    total = next(r for r in rows if isinstance(r[1], str) and r[1].startswith("合计"))
    readable = json.loads(cli(capsys, "summary", str(inbox), "--json")[1])[:-1]
    assert total[7] == sum(r["errors"] for r in readable) and total[8] == sum(r["warnings"] for r in readable)
    average = next(r for r in rows if r[1] == "平均")
    scores = [float(r["total_score"]) for r in readable if r["total_score"] != NOT_APPLICABLE]
    assert average[6] == round(sum(scores) / len(scores), 2)  # the figure as printed, not 101.874…
    broken = next(r for r in body if r[1] == BROKEN)
    assert "不完整" in broken[9]


def test_libreoffice_prints_it_on_a4_landscape(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "summary.xlsx"
    assert cli(capsys, "summary", str(inbox), "-o", str(out))[0] == 0
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"), str(out)],
                   check=True, capture_output=True, timeout=180, env=fontconfig_with_bundled_font(tmp_path))
    reader = pypdf.PdfReader(tmp_path / "lo" / "summary.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=1)
    text = flat(reader.pages[0].extract_text())
    for unit in ("中共岳阳市委组织部", "中共乐山市金口河区委组织部", "中国共产党益阳市委员会组织部", "85.32%", "113.53",
                 BROKEN, "合计", "平均", "制表单位（盖章）"):
        assert unit in text, unit


def test_pdf_has_the_same_table(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "summary.pdf"
    assert cli(capsys, "summary", str(inbox), "-o", str(out))[0] == 0
    reader = pypdf.PdfReader(out)
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=1)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(f.get_object()["/BaseFont"]) for f in fonts.values()]
    assert any("WenQuanYi" in n for n in names)
    text = flat(reader.pages[0].extract_text())
    assert "2020、2024年度绩效自评结果汇总表" in text
    for needle in ("中共岳阳市委组织部", "85.32%", "8.53", "113.53", "湖南部门整体", "——", BROKEN, "第1页共1页"):
        assert needle in text, needle


def test_many_packets_repeat_the_headings_on_every_page(tmp_path: Path) -> None:
    from benchmarks.summary_bench import generate

    folder = tmp_path / "county"
    generate(folder, 60)
    rows = summary_rows([folder])
    assert len(rows) == 60 and all(r.readable for r in rows)
    assert len({r.unit for r in rows}) == 60
    out = tmp_path / "s.pdf"
    write_summary(rows, out)
    pages = [flat(p.extract_text()) for p in pypdf.PdfReader(out).pages]
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        assert page.startswith("序号单位年度模板") or n == 1, n
        assert f"第{n}页共{len(pages)}页" in page
    assert "合计（60份" in pages[-1]


def test_grouped_by_supervisor_with_a_bureau_list(inbox: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "主管部门.csv"
    listing.write_bytes("单位,主管部门\n中共益阳市直属机关工作委员会,中共益阳市委\n中国共产党益阳市委员会组织部,中共益阳市委\n"
                        .encode("gb18030"))  # as Excel/WPS save CSV on a Chinese Windows
    out = tmp_path / "grouped.xlsx"
    code, _, _ = cli(capsys, "summary", str(inbox), "-o", str(out), "--supervisors", str(listing))
    assert code == 0
    ws = openpyxl.load_workbook(out).active
    assert ws is not None
    labels = [r[0] for r in ws.iter_rows(min_row=4, max_col=1, values_only=True)]
    groups = [x for x in labels if isinstance(x, str) and x.startswith("主管部门")]
    # the list, then 附件3's 主管部门 (seeds 000 and 002 name themselves), then the rest
    assert groups == ["主管部门：中共乐山市金口河区委组织部（1份）", "主管部门：中共岳阳市委组织部（1份）",
                      "主管部门：中共益阳市委（3份）", "主管部门：未注明主管部门（1份）"]
    subtotals = [r for r in ws.iter_rows(min_row=4, values_only=True) if str(r[1]).startswith("小计")]
    assert [s[1] for s in subtotals] == ["小计（1份）", "小计（1份）", "小计（3份）", "小计（1份）"]
    assert subtotals[2][7] == 1 + 1 + 1  # seed 001, seed 003 and its template: one error each


def test_bad_supervisors_list_and_bad_output(inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("只有一列\n", encoding="utf-8")
    code, _, err = cli(capsys, "summary", str(inbox), "-o", str(tmp_path / "x.xlsx"), "--supervisors", str(bad))
    assert code == 2 and "第1行" in err and "Traceback" not in err
    code, _, err = cli(capsys, "summary", str(inbox), "-o", str(tmp_path / "x.docx"))
    assert code == 2 and ".xlsx 或 .pdf" in err
    code, _, err = cli(capsys, "summary", str(inbox))
    assert code == 2 and "-o" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = cli(capsys, "summary", str(empty), "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "没有数据包" in err
    code, _, err = cli(capsys, "summary", str(inbox), "-o", str(tmp_path / "no" / "such" / "dir" / "x.xlsx"))
    assert code == 2 and "无法写入" in err and len(err.strip().splitlines()) == 1


def test_no_argument_means_the_local_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bureau.db"
    code, _, err = cli(capsys, "--db", str(db), "summary", "-o", str(tmp_path / "s.xlsx"))
    assert code == 2 and "还没有数据包" in err
    for seed in SEEDS:
        assert cli(capsys, "--db", str(db), "import", str(seed))[0] == 0
    code, out, err = cli(capsys, "--db", str(db), "summary", "-o", str(tmp_path / "s.pdf"), "--json")
    assert code == 0 and "已写出汇总表" in err
    rows = json.loads(out)
    assert len(rows) == 5 and all(r["source"].startswith("数据库#") for r in rows)
    for row in rows:
        seed = next(s for s in SEEDS if json.loads(s.read_text(encoding="utf-8"))["unit"]["name"] == row["unit"])
        _, doc = check_json(capsys, seed)
        assert (row["total_score"], row["errors"], row["warnings"]) == (
            doc["computed"]["self_eval.total_score"], doc["summary"]["errors"], doc["summary"]["warnings"])
    text = flat("".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "s.pdf").pages))
    assert re.search(r"合计（5份，其中有错误4份）", text)


def test_no_progress_bar_when_stderr_is_not_a_terminal(inbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "summary", str(inbox), "--json")
    assert code == 0 and err == ""


def test_last_summary_saved_in_the_folder_is_not_a_packet(inbox: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("seed_000.json", "seed_004.json"):
        (folder / name).write_bytes((inbox / name).read_bytes())
    for _ in range(2):  # the second run finds the first run's file in the folder and skips it
        code, out, _ = cli(capsys, "summary", str(folder), "-o", str(folder / "汇总表.xlsx"), "--json")
        assert code == 0
        assert [r["problem"] for r in json.loads(out)] == [None, None]
