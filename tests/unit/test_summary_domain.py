"""app.domain.summary: rows from evaluated packets, totals and averages of what is printed, order and groups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.domain.evaluate import evaluate
from app.domain.package import read_package_file
from app.domain.summary import (
    NO_SUPERVISOR,
    SummaryRow,
    build_table,
    packet_row,
    problem_row,
    rate_value,
    supervisor_of,
    template_name,
    totals,
)
from tests.conftest import DATA


def row(unit: str, year: int = 2024, rate: str = "90.00%", score: str = "9", total: str = "95", errors: int = 0,
        warnings: int = 0, supervisor: str = "") -> SummaryRow:
    return SummaryRow(f"{unit}.json", unit, year, "standard", rate, score, total, errors, warnings,
                      supervisor=supervisor)


def test_packet_row_is_what_check_prints() -> None:
    packet = read_package_file(DATA / "seed_000.json")
    r = packet_row(packet, evaluate(packet), "x.json")
    assert (r.unit, r.year, r.template) == ("中共岳阳市委组织部", 2024, "hunan-dept")
    assert r.template_name == template_name(evaluate(packet)) == "湖南 部门整体"
    assert (r.execution_rate, r.execution_score, r.total_score, r.errors, r.warnings) == (
        "85.32%", "8.53", "113.53", 7, 0)
    assert r.readable and r.supervisor == "中共岳阳市委组织部"
    assert r.to_json()["problem"] is None


def test_a_project_packet_shows_its_project() -> None:
    packet = read_package_file(DATA / "packs" / "sichuan-project.json")
    r = packet_row(packet, evaluate(packet), "x.json")
    assert (r.template, r.execution_rate, r.execution_score, r.total_score) == (
        "sichuan-project", "85.00%", "8.5", "98.5")


def test_supervisor_is_the_most_frequent_project_supervisor() -> None:
    packet = read_package_file(DATA / "seed_002.json")
    assert supervisor_of(packet) == "中共乐山市金口河区委组织部"
    for p, name in zip(packet.projects, ["甲", "乙", "乙", " ", "甲"], strict=True):
        p.supervisor = name
    assert supervisor_of(packet) == "甲"  # a tie goes to the first named
    packet.projects = []
    assert supervisor_of(packet) == ""


def test_averages_skip_dashes_and_unreadable_rows() -> None:
    rows = [row("甲", rate="80.00%", score="8", total="90", errors=2), row("乙", rate="——", score="——", total="——",
                                                                           warnings=3),
            row("丙", rate="100.00%", score="10", total="99.5"), problem_row("坏.json", "文件不存在")]
    t = totals(rows)
    assert (t.packets, t.with_errors, t.errors, t.warnings) == (3, 1, 2, 3)
    assert t.execution_rate == Decimal("0.9") and t.rate_text == "90.00%"
    assert t.score_text == "9" and t.total_text == "94.75"
    assert totals([]).rate_text == "——"


def test_rate_value() -> None:
    assert rate_value("85.32%") == Decimal("0.8532")
    assert rate_value("——") is None and rate_value(None) is None


def test_table_order_title_and_duplicates() -> None:
    rows = [row("乙", 2023), problem_row("z.json", "坏"), row("甲", 2024), row("甲", 2024), problem_row("a.json", "坏")]
    table = build_table(rows, today=dt.date(2026, 12, 2))
    assert table.title == "2023—2024年度绩效自评结果汇总表"
    assert [r.unit for r in table.groups[0].rows] == ["乙", "甲", "甲"]  # Unicode order: 乙 U+4E59 < 甲 U+7532
    assert [r.source for r in table.problems] == ["a.json", "z.json"]
    assert [r.note for r in table.groups[0].rows if r.unit == "甲"] == ["同一单位同一年度共有2份材料，请核对"] * 2
    assert table.subtitle == "共5份：审核无错误3份，有错误0份，无法读取2份　　制表日期：2026年12月2日"
    assert [n for n, _ in table.numbered()] == [1, 2, 3, 4, 5]
    assert build_table([row("甲", 2022), row("乙", 2024)]).title.startswith("2022、2024年度")


def test_groups_by_supervisor() -> None:
    rows = [row("甲", supervisor="教育局"), row("乙"), row("丙", supervisor="卫健委"), row("丁", supervisor="教育局")]
    table = build_table(rows, group_by_supervisor=True, supervisors={"乙": "教育局", "丁": "财政局"})
    assert [(g.title, [r.unit for r in g.rows]) for g in table.groups] == [
        ("卫健委", ["丙"]), ("教育局", ["乙", "甲"]), ("财政局", ["丁"])]
    assert table.groups[1].subtotal.packets == 2
    no_list = build_table([row("甲"), row("乙", supervisor="教育局")], group_by_supervisor=True)
    assert [g.title for g in no_list.groups] == ["教育局", NO_SUPERVISOR]
