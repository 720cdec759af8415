"""The template import is generic over the pack: a pack written here (a variant of hunan-dept, a flat-indicator
project pack) exports and reads back without any code knowing it; the pack is named by the file properties or,
without them, recognised by its headings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.packaging.custom import CustomPropertyList

from app.domain import registry
from app.domain.evaluate import evaluate
from app.domain.model import Band, FundRow, Indicator, Packet, Project, ScoringRule, Unit
from app.domain.package import read_package_file
from app.domain.shape import materialize
from app.export import export_packet
from app.export.template_import import read_template, read_template_file
from tests.conftest import DATA
from tests.export.conftest import seed_packet
from tests.export.test_template_import import carried_numbers, printed_inputs, texts
from tests.hunan import PACK as HUNAN

FLAT_PACK = {
    "format": "perfeval-pack/1",
    "id": "test-flat",
    "name": "测试 项目支出绩效自评（平铺指标）",
    "version": "2",
    "kind": "project",
    "rules": ["proportional", "manual"],
    "attachments": [{
        "key": "project", "label": "附表", "title": "{year}年度项目支出绩效自评表", "scope": "project",
        "sheet": "项目{n}", "where": "项目“{name}”", "orientation": "landscape",
        "widths": [30, 20, 20, 20, 20, 20, 20, 20, 20, 40],
        "unit_line": "填报单位：{unit}",
        "blocks": [
            {"type": "form", "rows": [
                [{"header": "项目名称"}, {"input": "$.name", "kind": "text", "span": 9}],
                [{"header": "主管部门"}, {"input": "$.supervisor", "kind": "text", "span": 4},
                 {"header": "实施单位"}, {"input": "$.implementer", "kind": "text", "span": 4}],
            ]},
            {"type": "table", "corner": "预算执行情况（万元）", "root": "$.funds",
             "columns": [
                 {"key": "initial", "label": "年初预算数", "span": 2},
                 {"key": "full_year", "label": "调整后预算数", "span": 2},
                 {"key": "executed", "label": "全年执行数", "span": 2},
                 {"key": "weight", "label": "权重", "rows": ["total"], "cell": {"input": "$.weight", "kind": "score"}},
                 {"key": "execution_rate", "label": "执行率", "rows": ["total"],
                  "cell": {"figure": "$.execution_rate"}},
                 {"key": "score", "label": "得分", "rows": ["total"], "cell": {"score": "$"}},
             ],
             "rows": [
                 {"key": "total", "label": "合计", "parts": ["current", "special_account", "unit_funds", "other"]},
                 {"key": "current", "label": "财政资金", "indent": 1},
                 {"key": "special_account", "label": "财政专户管理资金", "indent": 1},
                 {"key": "unit_funds", "label": "单位资金", "indent": 1},
                 {"key": "other", "label": "其他资金", "indent": 1},
             ]},
            {"type": "indicators", "side": "绩效指标", "list": "$.indicators", "shape": "flat",
             "total_label": "合计得分",
             "columns": [
                 {"key": "name", "label": "指标名称", "role": "name"},
                 {"key": "unit", "label": "计量单位", "role": "unit"},
                 {"key": "nature", "label": "指标性质", "role": "nature", "choices": ["定量", "定性"]},
                 {"key": "target", "label": "年初指标值", "role": "target"},
                 {"key": "actual", "label": "全年完成值", "role": "actual"},
                 {"key": "coefficient", "label": "得分系数", "kind": "score", "role": "coefficient"},
                 {"key": "weight", "label": "权重", "kind": "score", "role": "weight"},
                 {"key": "score", "label": "得分", "kind": "score", "role": "score"},
                 {"key": "deviation", "label": "偏差原因", "role": "reason", "paragraph": True},
             ]},
            {"type": "text", "side": "评价结论", "path": "$.conclusion"},
            {"type": "text", "side": "存在问题", "path": "$.issues"},
        ],
        "scorecard": {
            "rate": ["$.funds.total.executed", "$.funds.total.full_year"],
            "weight": "$.weight", "score": "$.score", "total": "$.total_score",
            "indicators": "$.indicators", "levels": [],
            "indicator_score": "product", "indicator_product": ["coefficient", "weight"],
        },
        "footer": [
            {"label": "项目负责人：", "path": "unit.head"},
            {"label": "填表人：", "path": "unit.preparer"},
            {"label": "联系电话：", "path": "unit.phone"},
        ],
    }],
}


@pytest.mark.parametrize("path", sorted((DATA / "packs").glob("*.json")), ids=lambda p: p.stem)
def test_shipped_packs_round_trip(path: Path, tmp_path: Path) -> None:
    """The filled example of every shipped pack: export → import gives back every cell its forms print."""
    original = read_package_file(path)
    out = export_packet(original, "xlsx", tmp_path / f"{path.stem}.xlsx", draft=True)
    back, problems = read_template(out)
    assert problems == [] and back is not None
    assert (back.template, back.year, back.unit.name) == (original.template, original.year, original.unit.name)
    assert back.scoring_rule == original.scoring_rule
    assert printed_inputs(back) == printed_inputs(original)
    assert carried_numbers(back) == carried_numbers(original)
    assert evaluate(back).computed.as_text() == evaluate(original).computed.as_text()
    assert [s.title for s in back.report.sections] == [s.title for s in original.report.sections]
    bare = read_template_file(without_properties(out, tmp_path / "bare.xlsx"))
    assert bare.template == original.template
    assert printed_inputs(bare) == printed_inputs(original)


def hunan_variant() -> dict[str, object]:
    """hunan-dept with one label changed (水电费、差旅费) and one more 其中 row under 公用经费 (印刷费)."""
    doc = json.loads(Path(HUNAN.path).read_text(encoding="utf-8"))
    doc["id"], doc["name"] = "hunan-variant", "湖南（测试：公用经费多一行）"
    funds = next(b for b in doc["attachments"][0]["blocks"] if b["type"] == "table")
    rows = funds["rows"]
    next(r for r in rows if r["key"] == "utilities_travel")["label"] = "水电费、差旅费"
    at = next(i for i, r in enumerate(rows) if r["key"] == "meetings_training")
    rows.insert(at + 1, {"key": "printing", "label": "印刷费", "indent": 1})
    next(r for r in rows if r["key"] == "public_funds")["members"].append("printing")
    assert isinstance(doc, dict)
    return doc


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A templates folder named by PERFEVAL_TEMPLATES holding the two packs above."""
    folder = tmp_path / "templates"
    folder.mkdir()
    for doc in (hunan_variant(), FLAT_PACK):
        (folder / f"{doc['id']}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(registry.ENV, str(folder))
    assert {"hunan-variant", "test-flat"} <= set(registry.default().ids())
    yield folder


def without_properties(path: Path, out: Path) -> Path:
    """The workbook as a hand-edited copy would be: no PerfEval.* file properties."""
    wb = openpyxl.load_workbook(path)
    wb.custom_doc_props = CustomPropertyList()
    wb.save(out)
    return out


def variant_packet() -> Packet:
    packet = seed_packet("seed_000")
    packet.template = "hunan-variant"
    materialize(registry.pack_for(packet), packet)
    packet.basic.funds["printing"] = FundRow("1.5", "2", "180")  # more than 公用经费 (166.01): an error
    return packet


def test_a_new_row_in_a_pack_is_read_without_code(packs: Path, tmp_path: Path) -> None:
    packet = variant_packet()
    out = export_packet(packet, "xlsx", tmp_path / "variant.xlsx", draft=True)
    back, problems = read_template(out)
    assert problems == [] and back is not None
    assert (back.template, back.template_version) == ("hunan-variant", "1")
    assert back.basic.funds["printing"] == FundRow("1.5", "2", "180")
    assert back.basic.funds["utilities_travel"] == packet.basic.funds["utilities_travel"]
    assert carried_numbers(back) == carried_numbers(packet)
    assert texts(back) == texts(packet)
    ev = evaluate(back)
    assert ev.computed.as_text() == evaluate(packet).computed.as_text()
    assert any(i.code == "part_exceeds_total" and "basic.funds.printing.actual" in i.cells for i in ev.issues)


def test_the_pack_is_recognised_by_its_headings(packs: Path, tmp_path: Path) -> None:
    """Without the file properties the pack whose headings fit best is chosen: the variant for the variant's
    export (its changed label and extra row), hunan-dept for a hunan-dept export."""
    packet = variant_packet()
    out = export_packet(packet, "xlsx", tmp_path / "variant.xlsx", draft=True)
    back = read_template_file(without_properties(out, tmp_path / "bare.xlsx"))
    assert back.template == "hunan-variant"
    assert back.basic.funds["printing"] == FundRow("1.5", "2", "180")
    plain = seed_packet("seed_000")
    out2 = export_packet(plain, "xlsx", tmp_path / "plain.xlsx", draft=True)
    back2 = read_template_file(without_properties(out2, tmp_path / "bare2.xlsx"))
    assert back2.template == "hunan-dept"
    assert "printing" not in back2.basic.funds
    assert carried_numbers(back2) == carried_numbers(plain)


def flat_packet() -> Packet:
    pack = registry.default().get("test-flat")
    packet = Packet(year=2023, template="test-flat", template_version="2",
                    unit=Unit(name="某县教育局", preparer="李四", phone="0736-1234567", head="王五"))
    proj = Project(name="义务教育营养餐", supervisor="某县教育局", implementer="各学校", weight="10")
    packet.projects = [proj, Project(name="校舍维修", weight="10")]
    materialize(pack, packet)
    f = proj.funds
    f["current"].initial, f["current"].full_year, f["current"].executed = "100", "120", "108"
    f["unit_funds"].full_year, f["unit_funds"].executed = "20", "12.5"
    proj.indicators = [
        Indicator(name="受益学生人数", target="≥5000", actual="5230", weight="30",
                  fields={"unit": "人", "nature": "定量", "coefficient": "1"}),
        Indicator(name="食品安全事故", target="0", actual="1", weight="30", deviation="一起轻微事故，已整改",
                  fields={"unit": "起", "nature": "定量", "coefficient": "0.9"}),
        Indicator(name="家长满意度", target="≥90%", actual="88%", weight="30", deviation="宣传不足",
                  fields={"unit": "%", "nature": "定性", "coefficient": "0.8"}),
    ]
    proj.fields.update(conclusion="项目总体完成较好。", issues="满意度略低于目标。")
    second = packet.projects[1]
    second.funds["current"].full_year, second.funds["current"].executed = "50", "50"
    second.indicators = [Indicator(name="维修面积", target="1200", actual="1200", weight="90",
                                   fields={"unit": "平方米", "nature": "定量", "coefficient": "1"})]
    return materialize(pack, packet)


def test_flat_indicator_pack_round_trip(packs: Path, tmp_path: Path) -> None:
    """A stand-alone project pack: flat indicators with pack columns (计量单位, 指标性质, 得分系数) kept in
    ``fields``, extra fund rows (财政专户管理资金, 单位资金), text blocks (评价结论), the unit from 填报单位."""
    packet = flat_packet()
    out = export_packet(packet, "xlsx", tmp_path / "flat.xlsx", draft=True)
    back, problems = read_template(out)
    assert problems == [] and back is not None
    assert (back.template, back.template_version, back.year) == ("test-flat", "2", 2023)
    assert back.unit == packet.unit
    assert back.projects == packet.projects  # every field, including fields and the stated (blank) figures
    assert carried_numbers(back) == carried_numbers(packet)
    assert evaluate(back).computed.as_text() == evaluate(packet).computed.as_text()
    bare = read_template_file(without_properties(out, tmp_path / "bare.xlsx"))
    assert bare.template == "test-flat"
    assert bare.projects == packet.projects


def test_unknown_pack_in_the_file_properties(packs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = export_packet(flat_packet(), "xlsx", tmp_path / "flat.xlsx", draft=True)
    monkeypatch.delenv(registry.ENV)
    packet, problems = read_template(out)
    assert packet is None
    assert len(problems) == 1 and "test-flat" in problems[0].message and "hunan-dept" in problems[0].message


def test_problems_come_back_with_the_packet(tmp_path: Path) -> None:
    """read_template reports every unreadable cell and still returns what it could read."""
    packet = seed_packet("seed_000")
    out = export_packet(packet, "xlsx", tmp_path / "p.xlsx", draft=True)
    wb = openpyxl.load_workbook(out)
    ws = wb["附件1"]
    label = next(c for row in ws.iter_rows() for c in row if c.value == "2、出国经费")
    ws.cell(label.row, label.column + 1).value = "四点五"
    ws2 = wb["附件3-1"]
    name = next(c for row in ws2.iter_rows() for c in row if c.value == "其中：当年财政拨款")
    ws2.cell(name.row, name.column + 2).value = "27万"  # 万 is read; then a bad one
    ws2.cell(name.row, name.column + 3).value = "二十七"
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    back, problems = read_template(path)
    assert back is not None and back.unit.name == packet.unit.name
    assert back.basic.funds["overseas"].prior is None
    assert back.projects[0].funds["current"].initial == "27万"
    assert back.projects[0].funds["current"].full_year is None
    assert [p.place.split("（")[0] for p in problems] == [
        f"工作表“附件1”{openpyxl.utils.get_column_letter(label.column + 1)}{label.row}",
        f"工作表“附件3-1”{openpyxl.utils.get_column_letter(name.column + 3)}{name.row}",
    ]


def test_label_variants_of_hand_filled_templates(tmp_path: Path) -> None:
    """Prefixed, reworded and renumbered labels, years and units in headings, figures typed into labels."""
    packet = seed_packet("seed_000")
    out = export_packet(packet, "xlsx", tmp_path / "p.xlsx", draft=True)
    wb = openpyxl.load_workbook(out)
    ws = wb["附件1"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    cells["2、出国经费"].value = "（二）出国经费："
    cells["“三公”经费"].value = "三公经费"
    cells[f"{packet.year}年预算数"].value = f"{packet.year}年预算数（万元）"
    se = wb["附件2"]
    cells2 = {c.value: c for row in se.iter_rows() for c in row if isinstance(c.value, str)}
    cells2["预算部门名称"].value = "预算部门、单位名称"
    cells2["产出指标（50分）"].value = "产出指标(50分)"
    spending = cells2["项目支出："]
    spending.value = f"项目支出：{packet.self_eval.spending['project']}"
    se.cell(spending.row, spending.column + 1).value = None
    proj = wb["附件3-1"]
    supervisor = next(c for row in proj.iter_rows() for c in row if c.value == "主管部门")
    proj.cell(supervisor.row, supervisor.column + 2).value = "岳阳市：组织部"  # a text with a colon is no label
    path = tmp_path / "variants.xlsx"
    wb.save(path)
    back = read_template_file(path)
    assert back.projects[0].supervisor == "岳阳市：组织部"
    assert back.unit.name == packet.unit.name
    assert back.basic.funds["overseas"] == packet.basic.funds["overseas"]
    assert back.basic.funds["reception"].budget == packet.basic.funds["reception"].budget
    assert back.self_eval.spending["project"] == packet.self_eval.spending["project"]
    assert back.self_eval.indicators[0].level1_weight == "50"
    assert carried_numbers(back) == carried_numbers(packet)


@pytest.mark.parametrize(
    "rule",
    [ScoringRule("deduct_per_point", k="0.5"), ScoringRule("bands", bands=[Band("95%", "1"), Band("80%", "0.5")]),
     ScoringRule("proportional")],
)
def test_scoring_rule_from_the_formula_without_properties(rule: ScoringRule, tmp_path: Path) -> None:
    """A copy that lost the file properties still tells the rule by its 得分 formula."""
    packet = seed_packet("seed_001")
    packet.scoring_rule = rule
    out = export_packet(packet, "xlsx", tmp_path / "r.xlsx", draft=True)
    back = read_template_file(without_properties(out, tmp_path / "bare.xlsx"))
    assert back.scoring_rule == rule
    assert evaluate(back).computed.as_text() == evaluate(packet).computed.as_text()


def test_hand_filled_national_project_form(tmp_path: Path) -> None:
    """The published 财政部 项目支出绩效自评表 as a clerk types it (no file properties, no formulas, its own
    column positions, “-” in unused cells, the title over two lines, 产出指标(50分) with ASCII brackets) is
    recognised as mof-project and reads into the same packet as the filled example, the real 0/0/0 年度资金总额
    kept as stated, so the check finds the same sums wrong."""
    original = read_package_file(DATA / "packs" / "mof-project.json")
    p = original.projects[0]
    f = p.funds
    rows: list[list[object]] = [
        ["项目支出绩效自评表\n（2022年度）"],
        ["填报单位（盖章）：" + original.unit.name],
        ["项目名称", None, p.name],
        ["主管部门", None, p.supervisor, None, None, "实施单位", p.implementer],
        ["项目资金\n（万元）", None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [None, "年度资金总额", None, 0, 0, 0, 10, p.execution_rate, 10],
        [None, "其中：本年财政拨款", None, 90, f["current"].full_year, 89.974, "-", "-", "-"],
        [None, "上年结转资金", None, None, None, None, "-", "-", "-"],
        [None, "其他资金", None, None, None, None, "-", "-", "-"],
        ["年度总体目标", "预期目标", None, None, None, "实际完成情况"],
        [None, p.targets[0].expected, None, None, None, p.targets[0].actual],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
    ]
    last = ""
    for ind in p.indicators:
        l1 = f"{ind.level1}({ind.level1_weight}分)" if ind.level1 != last else None
        last = ind.level1
        rows.append([None, l1, ind.level2, ind.name, ind.target, ind.actual, int(str(ind.weight)), ind.score, None])
    rows += [["总分", None, None, None, None, None, 100, p.total_score], [], ["填表人：", None, None, "联系电话："]]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    for row in rows:
        ws.append(row)
    path = tmp_path / "national.xlsx"
    wb.save(path)
    back = read_template_file(path)
    assert (back.template, back.year, back.unit.name) == ("mof-project", 2022, original.unit.name)
    assert printed_inputs(back) == printed_inputs(original)
    assert back.projects[0].funds["total"] == f["total"]  # stated 0/0/0, kept
    assert (back.projects[0].execution_rate, back.projects[0].score) == ("100%", "10")
    want, got = evaluate(original), evaluate(back)
    assert got.computed.as_text() == want.computed.as_text()
    assert sorted((i.code, i.field) for i in got.issues) == sorted((i.code, i.field) for i in want.issues)
