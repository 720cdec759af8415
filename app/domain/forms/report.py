"""附件4 自评报告: cover and the chapters seen in the seeds."""

from __future__ import annotations

ATTACHMENT = "附件4"
TITLE = "{year}年度{unit}整体支出绩效自评报告"
COVER_UNIT_LINE = "部门（单位）名称：（盖章）"
COVER_DATE_LINE = "年    月    日"

DEFAULT_SECTIONS: tuple[str, ...] = (
    "一、基本情况",
    "二、一般公共预算支出情况",
    "三、政府性基金预算支出情况",
    "四、国有资本经营预算支出情况",
    "五、社会保险基金预算支出情况",
    "六、部门整体支出绩效情况",
    "七、存在的问题及原因分析",
    "八、下一步改进措施",
    "九、部门整体支出绩效自评结果拟应用和公开情况",
    "十、其他需要说明的情况",
)

#: The footer printed under 附件1–3 for hand signature.
FOOTER_LABELS: tuple[tuple[str, str], ...] = (
    ("preparer", "填表人："),
    ("date", "填报日期："),
    ("phone", "联系电话："),
    ("head", "单位负责人签字："),
)
