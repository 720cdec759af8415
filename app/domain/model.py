"""The packet: one unit's 绩效自评 forms for one year, as the clerk filled them in.

Cells keep exactly what was typed (:data:`Raw`), never a parsed or "fixed" value: the forms must
reproduce the stated figures and point out the wrong ones.  Attribute names mirror the data package
(``perfeval-package/1``) so that a field path such as ``basic.funds.three_public.prior`` means the same
thing in the package, the GUI, the validation messages and the exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain.numbers import Raw

#: The template pack a packet is filled on when a package names none (contract.md).
DEFAULT_TEMPLATE = "hunan-dept"
#: Old ``template`` values: hunan-dept with that indicator catalogue.
CATALOGUE_ALIASES: dict[str, str] = {"standard": "", "cost_level1": "cost_level1"}  # "" = the pack's first


def Fields() -> dict[str, Raw]:
    """Columns a template pack adds to an item beyond its fixed ones (指标性质, 度量单位, 财政专户管理资金…),
    keyed by column key.  Field paths reach them like attributes: ``projects[0].indicators[2].nature``."""
    return field(default_factory=dict)



@dataclass
class Unit:
    name: str = ""
    preparer: str = ""  # 填表人
    phone: str = ""  # 联系电话
    head: str = ""  # 单位负责人
    date: str = ""  # 填报日期 (ISO date or as printed)


@dataclass
class ScoringRule:
    """How 执行率得分 is derived; see :mod:`app.domain.scoring`."""

    kind: str = "proportional"  # proportional | deduct_per_point | bands | manual
    k: Raw = None  # deduct_per_point: points lost per percentage point below 100%
    bands: list[Band] = field(default_factory=list)


@dataclass
class Band:
    min: Raw  # lowest 执行率 of the band, e.g. "95%"
    ratio: Raw  # share of 分值 awarded, e.g. "1" or "0.8"


@dataclass
class Staff:
    authorized: Raw = None  # 编制数
    actual: Raw = None  # 实际在职人数
    control_rate: Raw = None  # 控制率 as stated


@dataclass
class FundRow:
    prior: Raw = None  # {year-1}年决算数
    budget: Raw = None  # {year}年预算数
    actual: Raw = None  # {year}年决算数
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class SubLine:
    """A named 专项 under a 专项资金 group (seed 004)."""

    name: str = ""
    prior: Raw = None
    budget: Raw = None
    actual: Raw = None
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class ProjectLine:
    """A line of 项目支出 in 附件1: 业务工作经费, 运行维护经费 or a 专项资金 group."""

    name: str = ""
    kind: str = "special"  # business | operation | special (业务工作经费, 运行维护经费, 专项资金)
    prior: Raw = None
    budget: Raw = None
    actual: Raw = None
    lines: list[SubLine] = field(default_factory=list)
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class Building:
    """楼堂馆所控制情况 (projects completed two years before)."""

    completed_year: Raw = None
    approved_area: Raw = None  # 批复规模（㎡）
    actual_area: Raw = None  # 实际规模（㎡）
    budget_investment: Raw = None  # 预算投资（万元）
    actual_investment: Raw = None  # 实际投资（万元）
    area_control_rate: Raw = None  # stated 规模控制率
    investment_control_rate: Raw = None  # stated 投资概算控制率
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class Basic:
    """附件1 基础数据表."""

    staff: Staff = field(default_factory=Staff)
    #: 经费控制情况 rows by key; which rows exist is the template pack's (app.domain.shape.materialize)
    funds: dict[str, FundRow] = field(default_factory=dict)
    project_lines: list[ProjectLine] = field(default_factory=list)
    buildings: list[Building] = field(default_factory=list)
    austerity: str = ""  # 厉行节约保障措施
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class Target:
    expected: str = ""  # 预期目标
    actual: str = ""  # 实际完成情况
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class Indicator:
    """A 三级 indicator row with its 一级/二级 path."""

    level1: str = ""
    level1_weight: Raw = None  # the label's weight: 产出指标（50分） → "50"
    level2: str = ""
    name: str = ""
    target: str = ""  # 年度指标值 (free text: "100%", "≥95%", "10条（次）以上")
    actual: str = ""  # 实际完成值
    weight: Raw = None  # 分值
    score: Raw = None  # 得分
    deviation: str = ""  # 偏差原因分析及改进措施
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class SelfEval:
    """附件2 部门整体支出绩效自评表."""

    budget_initial: Raw = None  # 年初预算数
    budget_full_year: Raw = None  # 全年预算数
    executed: Raw = None  # 全年执行数
    weight: Raw = None  # 分值
    execution_rate: Raw = None  # 执行率 as stated
    score: Raw = None  # 得分 as stated (the entered score under the manual rule)
    income: dict[str, Raw] = field(default_factory=dict)  # 按收入性质分, keys from the pack
    spending: dict[str, Raw] = field(default_factory=dict)  # 按支出性质分
    targets: list[Target] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    total_score: Raw = None  # 总分 as stated
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class ProjectFunds:
    initial: Raw = None  # 年初预算数
    full_year: Raw = None  # 全年预算数
    executed: Raw = None  # 全年执行数
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class Project:
    """附件3 项目支出绩效自评表 (one per project)."""

    name: str = ""
    supervisor: str = ""  # 主管部门
    implementer: str = ""  # 实施单位
    funds: dict[str, ProjectFunds] = field(default_factory=dict)  # 项目资金 rows by key, from the pack
    weight: Raw = None
    execution_rate: Raw = None
    score: Raw = None
    targets: list[Target] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    total_score: Raw = None
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class ReportSection:
    title: str = ""
    text: str = ""
    fields: dict[str, Raw] = field(default_factory=dict)


@dataclass
class Report:
    """附件4 自评报告."""

    sections: list[ReportSection] = field(default_factory=list)


@dataclass
class Packet:
    year: int = 2024
    template: str = DEFAULT_TEMPLATE  # the template pack's id (app.domain.packs)
    template_version: str = ""  # the pack version the packet was filled on ("" = the newest)
    catalogue: str = ""  # the pack's indicator catalogue (standard | cost_level1 …; "" = the pack's first)
    unit: Unit = field(default_factory=Unit)
    scoring_rule: ScoringRule = field(default_factory=ScoringRule)
    basic: Basic = field(default_factory=Basic)
    self_eval: SelfEval = field(default_factory=SelfEval)
    projects: list[Project] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    notes: str = ""
    #: 合理性说明: the clerk's one-sentence explanation of a warning (提示), keyed by
    #: :func:`app.domain.rules.explanation_key` (``code@field``, e.g. ``over_execution@self_eval.execution_rate``)
    explanations: dict[str, str] = field(default_factory=dict)
    #: Top-level keys of a package this version does not know, kept so a round trip loses nothing.
    extra: dict[str, Any] = field(default_factory=dict)
