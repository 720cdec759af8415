"""附件3 项目支出绩效自评表 (one per project)."""

from __future__ import annotations

from app.domain.forms.common import Column
from app.domain.numbers import Kind

ATTACHMENT = "附件3"
TITLE = "{year}年度项目支出绩效自评表"
NAME_LABEL = "项目支出名称"
SUPERVISOR_LABEL = "主管部门"
IMPLEMENTER_LABEL = "实施单位"
FUNDS_HEADER = "项目资金（万元）"
FUND_ROW_LABELS: dict[str, str] = {
    "total": "年度资金总额",
    "current": "其中：当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}
FUND_COLUMNS: tuple[Column, ...] = (
    Column("initial", "年初预算数"),
    Column("full_year", "全年预算数"),
    Column("executed", "全年执行数"),
)
#: Shown on the 年度资金总额 row only.
SCORE_COLUMNS: tuple[Column, ...] = (
    Column("weight", "分值", Kind.SCORE),
    Column("execution_rate", "执行率", Kind.RATE, computed=True),
    Column("score", "得分", Kind.SCORE, computed=True),
)
