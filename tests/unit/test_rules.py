"""Each validation code fires on a minimal packet, with its severity, cells and a message quoting figures."""

from app.domain.evaluate import evaluate
from app.domain.model import Building, FundRow, Indicator, Packet, Project, ProjectFunds, ReportSection
from app.domain.rules import CODES, Issue


def base() -> Packet:
    p = Packet()
    p.unit.name = "测试单位"
    p.self_eval.budget_full_year, p.self_eval.executed, p.self_eval.weight = "100", "90", "10"
    return p


def only(p: Packet, code: str) -> list[Issue]:
    return [i for i in evaluate(p).issues if i.code == code]


def test_a_clean_packet_has_no_issues() -> None:
    p = base()
    p.self_eval.score = "9"
    p.self_eval.indicators = [
        Indicator(level1="产出指标", level1_weight="90", name="完成时间", weight="90", score="90")
    ]
    assert evaluate(p).issues == []
    assert evaluate(p).computed.text("self_eval.total_score") == "99"


def test_score_exceeds_weight() -> None:
    p = base()
    p.self_eval.indicators = [Indicator(level1="产出指标", name="质量", weight="5", score="6")]
    (issue,) = only(p, "score_exceeds_weight")
    assert issue.is_error and issue.cells == ("self_eval.indicators[0].score",)
    assert "得分6超过分值5" in issue.message


def test_missing_deviation_reason_and_its_cure() -> None:
    p = base()
    p.self_eval.indicators = [Indicator(level1="产出指标", name="成本控制", weight="5", score="4.9")]
    (issue,) = only(p, "missing_deviation_reason")
    assert issue.field == "self_eval.indicators[0].deviation" and "4.9" in issue.message
    p.self_eval.indicators[0].deviation = "超出预算0.1万元，下年加强成本控制"
    assert only(p, "missing_deviation_reason") == []


def test_missing_required() -> None:
    p = Packet()
    fields = {i.field for i in only(p, "missing_required")}
    assert {"unit.name", "self_eval.budget_full_year", "self_eval.executed"} <= fields


def test_over_execution_is_a_warning() -> None:
    p = base()
    p.self_eval.executed = "118.74"
    (issue,) = only(p, "over_execution")
    assert not issue.is_error and "118.74%" in issue.message


def test_sum_mismatch_in_three_public() -> None:
    p = base()
    p.basic.funds["three_public"] = FundRow(actual="12")
    p.basic.funds["reception"] = FundRow(actual="3.43")
    p.basic.funds["vehicle_operation"] = FundRow(actual="7.95")
    (issue,) = only(p, "sum_mismatch")
    assert issue.field == "basic.funds.three_public.actual"
    assert "12.00" in issue.message and "11.38" in issue.message


def test_part_exceeds_total() -> None:
    p = base()
    p.basic.funds["public_funds"] = FundRow(budget="100")
    p.basic.funds["office"] = FundRow(budget="120")
    (issue,) = only(p, "part_exceeds_total")
    assert issue.field == "basic.funds.office.budget"


def test_cross_table_mismatch() -> None:
    p = base()
    p.basic.funds["projects"] = FundRow(actual="64.22")
    p.self_eval.spending["project"] = "304.57"
    p.report.sections = [ReportSection("二、一般公共预算支出情况", "项目支出300.00万元。")]
    issues = only(p, "cross_table_mismatch")
    assert {i.field for i in issues} == {"self_eval.spending.project", "report.sections[0].text"}


def test_invalid_number_quotes_the_cell() -> None:
    p = base()
    p.basic.funds["reception"] = FundRow(actual="三点四")
    (issue,) = only(p, "invalid_number")
    assert issue.field == "basic.funds.reception.actual"
    assert issue.message.startswith("附件1 3、公务接待（2024年决算数）")


def test_negative_head_count() -> None:
    p = base()
    p.basic.staff.actual = "-3"
    (issue,) = only(p, "invalid_number")
    assert "人数不能为负数" in issue.message


def test_building_rates() -> None:
    p = base()
    p.basic.buildings = [Building(approved_area="1000", actual_area="1050", budget_investment="0",
                                  actual_investment="10", area_control_rate="100%")]  # fmt: skip
    result = evaluate(p)
    assert result.computed.text("basic.buildings[0].area_control_rate") == "105.00%"
    assert result.computed.text("basic.buildings[0].investment_control_rate") == "——"
    assert [i.field for i in result.issues if i.code == "stated_mismatch"] == ["basic.buildings[0].area_control_rate"]


def test_project_funds_total_and_scores() -> None:
    p = base()
    proj = Project(name="帮扶资金", weight="10", execution_rate="100%", score="10", total_score="100")
    proj.funds["total"] = ProjectFunds("27", "27", "27")
    proj.funds["current"] = ProjectFunds("20", "20", "20")
    proj.funds["carryover"] = ProjectFunds("5", "5", "5")
    p.projects = [proj]
    result = evaluate(p)
    assert result.computed.text("projects[0].funds.total.executed") == "25.00"
    sums = [i for i in result.issues if i.code == "sum_mismatch"]
    assert {i.field for i in sums} == {f"projects[0].funds.total.{c}" for c in ("initial", "full_year", "executed")}


def test_every_code_has_a_chinese_description() -> None:
    assert all(CODES.values())
    for code in ("stated_mismatch", "sum_mismatch", "weight_mismatch", "score_exceeds_weight",
                 "missing_deviation_reason", "cross_table_mismatch", "over_execution", "invalid_number",
                 "missing_required"):  # fmt: skip
        assert code in CODES
