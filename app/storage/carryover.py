"""Next year's packet from this year's (上年结转): what is carried, what starts blank.

Carried: unit (name and contact persons; the 填报日期 is cleared), template, scoring rule, 编制数, the
执行率 分值, the 附件1 fund rows' 决算数 → next year's 上年决算数 (rows printed ``——`` stay blank), the 项目支出
lines and 专项 sub-lines by name with their 决算数 as 上年决算数, the 三级 indicator trees of 附件2 and of every
附件3 project (一级/一级分值/二级/三级 name/分值 kept; 年度指标值, 实际完成值, 得分 and 偏差原因 cleared),
the projects' names/主管部门/实施单位/分值, the 自评报告 chapter titles and the 厉行节约保障措施 text (a standing
policy, revised rather than rewritten each year).  The scoring rule keeps only the settings its kind uses
(k for 扣分, 分档 for 分档): a k or bands left over from a rule tried and abandoned are not carried.
Started blank: every 预算数/决算数/执行数 and stated rate or score, 实际在职人数, 楼堂馆所 rows (a different
completion year each time), 年度总体目标, report texts, notes, 合理性说明 of warnings.
"""

from __future__ import annotations

import copy

from app.domain.model import (
    NO_PRIOR_FUNDS,
    Basic,
    FundRow,
    Indicator,
    Packet,
    Project,
    ProjectLine,
    Report,
    ReportSection,
    ScoringRule,
    SelfEval,
    Staff,
    SubLine,
    Unit,
)


def next_year(prev: Packet) -> Packet:
    basic = Basic(staff=Staff(authorized=prev.basic.staff.authorized), austerity=prev.basic.austerity)
    basic.funds = {
        key: FundRow(prior=None if key in NO_PRIOR_FUNDS else row.actual) for key, row in prev.basic.funds.items()
    }
    basic.project_lines = [
        ProjectLine(
            name=line.name,
            kind=line.kind,
            prior=line.actual,
            lines=[SubLine(name=sub.name, prior=sub.actual) for sub in line.lines],
        )
        for line in prev.basic.project_lines
    ]
    self_eval = SelfEval(weight=prev.self_eval.weight, indicators=cleared(prev.self_eval.indicators))
    self_eval.income = dict.fromkeys(prev.self_eval.income)
    self_eval.spending = dict.fromkeys(prev.self_eval.spending)
    projects = [
        Project(
            name=p.name,
            supervisor=p.supervisor,
            implementer=p.implementer,
            weight=p.weight,
            indicators=cleared(p.indicators),
        )
        for p in prev.projects
    ]
    return Packet(
        year=prev.year + 1,
        template=prev.template,
        unit=Unit(name=prev.unit.name, preparer=prev.unit.preparer, phone=prev.unit.phone, head=prev.unit.head),
        scoring_rule=used_settings(prev.scoring_rule),
        basic=basic,
        self_eval=self_eval,
        projects=projects,
        report=Report([ReportSection(title=s.title) for s in prev.report.sections]),
    )


def used_settings(rule: ScoringRule) -> ScoringRule:
    """The rule with only the settings its kind reads."""
    return ScoringRule(
        kind=rule.kind,
        k=rule.k if rule.kind == "deduct_per_point" else None,
        bands=copy.deepcopy(rule.bands) if rule.kind == "bands" else [],
    )


def cleared(indicators: list[Indicator]) -> list[Indicator]:
    """The indicator tree with names and weights, ready for next year's 年度指标值/实际完成值/得分."""
    return [
        Indicator(level1=i.level1, level1_weight=i.level1_weight, level2=i.level2, name=i.name, weight=i.weight)
        for i in indicators
    ]
