"""附件2 部门整体支出绩效自评表 and the indicator tables shared with 附件3."""

from __future__ import annotations

from app.domain.forms.common import Column, IndicatorLayout
from app.domain.numbers import Kind

ATTACHMENT = "附件2"
TITLE = "{year}年度部门整体支出绩效自评表"
UNIT_LABEL = "预算部门名称"

FUNDS_HEADER = "年度预算申请（万元）"
FUNDS_ROW_LABEL = "年度资金总额"
#: Columns of the 年度资金总额 row, keyed by SelfEval attribute.
FUNDS_COLUMNS: tuple[Column, ...] = (
    Column("budget_initial", "年初预算数"),
    Column("budget_full_year", "全年预算数"),
    Column("executed", "全年执行数"),
    Column("weight", "分值", Kind.SCORE),
    Column("execution_rate", "执行率", Kind.RATE, computed=True),
    Column("score", "得分", Kind.SCORE, computed=True),
)

INCOME_HEADER = "按收入性质分："
INCOME_LABELS: dict[str, str] = {
    "general_budget": "其中：一般公共预算：",
    "gov_fund": "政府性基金拨款：",
    "special_account": "纳入专户管理的非税收入拨款：",
    "other": "其他资金：",
}
SPENDING_HEADER = "按支出性质分："
SPENDING_LABELS: dict[str, str] = {"basic": "其中：基本支出：", "project": "项目支出："}

TARGETS_HEADER = "年度总体目标"
TARGET_COLUMNS: tuple[Column, ...] = (
    Column("expected", "预期目标", Kind.TEXT),
    Column("actual", "实际完成情况", Kind.TEXT),
)

INDICATORS_HEADER = "绩效指标"
INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("level1", "一级指标", Kind.TEXT),
    Column("level2", "二级指标", Kind.TEXT),
    Column("name", "三级指标", Kind.TEXT),
    Column("target", "年度指标值", Kind.TEXT),
    Column("actual", "实际完成值", Kind.TEXT),
    Column("weight", "分值", Kind.SCORE),
    Column("score", "得分", Kind.SCORE),
    Column("deviation", "偏差原因分析及改进措施", Kind.TEXT),
)
TOTAL_LABEL = "总分"

STANDARD = IndicatorLayout(
    key="standard",
    name="标准模板（成本指标列于产出指标下）",
    level1=(
        ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
        ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
        ("满意度指标", ("服务对象满意度指标",)),
    ),
    default_weights={"产出指标": "50", "效益指标": "30", "满意度指标": "10"},
)
COST_LEVEL1 = IndicatorLayout(
    key="cost_level1",
    name="成本指标单列为一级指标",
    level1=(
        ("产出指标", ("数量指标", "质量指标", "时效指标")),
        ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
        ("满意度指标", ("服务对象满意度指标",)),
        ("成本指标", ("经济成本指标", "社会成本指标", "生态环境成本指标")),
    ),
    default_weights={"产出指标": "30", "效益指标": "30", "满意度指标": "10", "成本指标": "20"},
)
LAYOUTS: dict[str, IndicatorLayout] = {STANDARD.key: STANDARD, COST_LEVEL1.key: COST_LEVEL1}


def layout(template: str) -> IndicatorLayout:
    return LAYOUTS.get(template, STANDARD)


def level1_label(name: str, weight: str) -> str:
    """产出指标 with weight 50 prints as 产出指标（50分）."""
    return f"{name}（{weight}分）" if weight else name
