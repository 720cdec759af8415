"""A workbook laid out like the published 附件1/附件2 (seed 000, typed as clerks do: figures inside label
cells, indentation by spaces, ASCII brackets, no formulas, stated figures) reads into the same packet, and
the check finds the same issues as for the data package."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from app.domain.evaluate import evaluate
from app.domain.model import Packet
from app.export.template_import import read_template_file
from tests.export.conftest import seed_packet


def official_workbook(p: Packet, path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件1"
    f = p.basic.funds
    rows: list[list[object]] = [
        ["附件1"],
        [f"{p.year}年度部门整体支出绩效评价基础数据表"],
        ["财政供养人员情况（人）", "编制数", f"{p.year}年实际在职人数", "控制率"],
        [None, p.basic.staff.authorized, p.basic.staff.actual, p.basic.staff.control_rate],
        ["经费控制情况（万元）", f"{p.year - 1}年决算数", f"{p.year}年预算数", f"{p.year}年决算数"],
    ]
    labels = [("三公经费", "three_public"), ("   1、公务用车购置和维护经费", "vehicle"),
              ("       其中：公车购置", "vehicle_purchase"), ("             公车运行维护", "vehicle_operation"),
              ("   2、出国经费", "overseas"), ("   3、公务接待", "reception"), ("项目支出：", "projects")]
    for label, key in labels:
        rows.append([label, f[key].prior, f[key].budget, f[key].actual])
    for line in p.basic.project_lines:
        rows.append(["    " + line.name, line.prior, line.budget, line.actual])
    public = [("公用经费", "public_funds"), ("    其中：办公经费", "office"),
              ("          水费、电费、差旅费", "utilities_travel"), ("          会议费、培训费", "meetings_training")]
    for label, key in public:
        rows.append([label, f[key].prior, f[key].budget, f[key].actual])
    rows += [["政府采购金额", "——", f["procurement"].budget, f["procurement"].actual],
             ["部门基本支出预算调整 ", "——", None, None],
             [f"楼堂馆所控制情况\n（{p.year - 2}年完工项目）", "批复规模\n（㎡）", "实际规模（㎡）", "规模控制率",
              "预算投资（万元）", "实际投资（万元）", "投资概算控制率"],
             [None, "0", "0", None, "0", "0", None],
             ["厉行节约保障措施", p.basic.austerity],
             ["说明：……"],
             ["填表人：", None, "填报日期：2025年6月25日", None, "联系电话：", "单位负责人签字："]]
    for row in rows:
        ws.append(row)

    se = p.self_eval
    ws2 = wb.create_sheet("附件2")
    rows = [
        ["附件2"],
        [f"{p.year}年度部门整体支出绩效自评表"],
        ["市级预算部门名称", p.unit.name + "　"],
        ["年度预算申请（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", se.budget_initial, se.budget_full_year + " ", se.executed, se.weight,
         se.execution_rate, se.score],
        [None, "按收入性质分：", None, None, "按支出性质分："],
        [None, f"  其中：一般公共预算：{se.income['general_budget']}       ", None, None,
         f"其中：基本支出：{se.spending['basic']}"],
        [None, "政府性基金拨款：", None, None, f"项目支出：{se.spending['project']}"],
        [None, "纳入专户管理的非税收入拨款："],
        [None, f"其他资金：{se.income['other']}"],
        ["年度总体目标", "预期目标", None, None, "实际完成情况"],
    ]
    rows += [[None, t.expected, None, None, t.actual] for t in se.targets]
    rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                 "偏差原因分析及改进措施"])
    last1 = last2 = None
    for ind in se.indicators:
        l1 = f"{ind.level1}({ind.level1_weight}分)" if ind.level1 != last1 else None
        l2 = ind.level2 if (ind.level1, ind.level2) != last2 else None
        last1, last2 = ind.level1, (ind.level1, ind.level2)
        rows.append([None, l1, l2, ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.deviation])
    rows.append([None, "总分", None, None, None, None, None, se.total_score])
    for row in rows:
        ws2.append(row)
    wb.save(path)


def test_official_layout_reads_like_the_package(tmp_path: Path) -> None:
    original = seed_packet("seed_000")
    original.projects = []  # this workbook has no 附件3
    path = tmp_path / "official.xlsx"
    official_workbook(original, path)
    back = read_template_file(path)
    assert back.unit.name == original.unit.name and back.year == original.year
    assert back.unit.date == "2025-06-25"
    assert [(line.name, line.kind) for line in back.basic.project_lines] == [
        (line.name, line.kind) for line in original.basic.project_lines]
    assert back.self_eval.income["general_budget"] == "2709.72"
    assert back.self_eval.spending["project"] == "949.09"
    assert back.basic.staff.control_rate == "100%"  # the stated (wrong) figure is kept
    assert [i.name for i in back.self_eval.indicators] == [i.name for i in original.self_eval.indicators]
    assert [i.level2 for i in back.self_eval.indicators] == [i.level2 for i in original.self_eval.indicators]
    want, got = evaluate(original), evaluate(back)
    assert got.computed.as_text() == want.computed.as_text()
    assert sorted((i.code, i.field) for i in got.issues) == sorted((i.code, i.field) for i in want.issues)
