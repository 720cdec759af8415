"""附件1 基础数据表 — labels exactly as printed in the official table."""

from __future__ import annotations

from app.domain.forms.common import Column, FundRowSpec
from app.domain.numbers import Kind

ATTACHMENT = "附件1"
TITLE = "{year}年度部门整体支出绩效评价基础数据表"

STAFF_HEADER = "财政供养人员情况（人）"
STAFF_COLUMNS: tuple[Column, ...] = (
    Column("authorized", "编制数", Kind.COUNT),
    Column("actual", "{year}年实际在职人数", Kind.COUNT),
    Column("control_rate", "控制率", Kind.RATE, computed=True),
)

FUNDS_HEADER = "经费控制情况（万元）"
FUND_COLUMNS: tuple[Column, ...] = (
    Column("prior", "{prior_year}年决算数"),
    Column("budget", "{year}年预算数"),
    Column("actual", "{year}年决算数"),
)

FUND_ROWS: tuple[FundRowSpec, ...] = (
    FundRowSpec("three_public", "“三公”经费", 0, parts=("vehicle", "overseas", "reception")),
    FundRowSpec("vehicle", "1、公务用车购置和维护经费", 1, parts=("vehicle_purchase", "vehicle_operation")),
    FundRowSpec("vehicle_purchase", "其中：公车购置", 2),
    FundRowSpec("vehicle_operation", "公车运行维护", 2),
    FundRowSpec("overseas", "2、出国经费", 1),
    FundRowSpec("reception", "3、公务接待", 1),
    FundRowSpec("projects", "项目支出：", 0, expands_project_lines=True),
    FundRowSpec("public_funds", "公用经费", 0, members=("office", "utilities_travel", "meetings_training")),
    FundRowSpec("office", "其中：办公经费", 1),
    FundRowSpec("utilities_travel", "水费、电费、差旅费", 1),
    FundRowSpec("meetings_training", "会议费、培训费", 1),
    FundRowSpec("procurement", "政府采购金额", 0, no_prior=True),
    FundRowSpec("budget_adjustment", "部门基本支出预算调整", 0, no_prior=True),
)
FUND_ROW_BY_KEY = {row.key: row for row in FUND_ROWS}

#: Default label of a project line by kind; 专项 groups carry their own names ("市级专项资金").
PROJECT_LINE_LABELS: dict[str, str] = {
    "business": "业务工作经费",
    "operation": "运行维护经费",
    "special": "专项资金",
}

BUILDINGS_HEADER = "楼堂馆所控制情况（{building_year}年完工项目）"
BUILDING_COLUMNS: tuple[Column, ...] = (
    Column("approved_area", "批复规模（㎡）", Kind.AREA),
    Column("actual_area", "实际规模（㎡）", Kind.AREA),
    Column("area_control_rate", "规模控制率", Kind.RATE, computed=True),
    Column("budget_investment", "预算投资（万元）"),
    Column("actual_investment", "实际投资（万元）"),
    Column("investment_control_rate", "投资概算控制率", Kind.RATE, computed=True),
)

AUSTERITY_LABEL = "厉行节约保障措施"
NOTE = "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出。"
