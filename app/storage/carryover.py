"""Next year's packet from this year's (上年结转): what is carried, what starts blank.

Carried: unit (name and contact persons; the 填报日期 is cleared), template pack and catalogue, scoring rule,
编制数, the 执行率 分值, every table column the pack marks ``carry_from`` (附件1: this year's 决算数 → next year's
上年决算数; rows printed ``——`` stay blank), the 项目支出 lines and 专项 sub-lines by name with their carried
column, the 三级 indicator trees of 附件2 and of every
附件3 project (一级/一级分值/二级/三级 name/分值 kept; 年度指标值, 实际完成值, 得分 and 偏差原因 cleared),
the projects' names/主管部门/实施单位/分值, the 自评报告 chapter titles and the 厉行节约保障措施 text (a standing
policy, revised rather than rewritten each year).  The scoring rule keeps only the settings its kind uses
(k for 扣分, 分档 for 分档): a k or bands left over from a rule tried and abandoned are not carried.
Started blank: every 预算数/决算数/执行数 and stated rate or score, 实际在职人数, 楼堂馆所 rows (a different
completion year each time), 年度总体目标, report texts, notes, 合理性说明 of warnings.
"""

from __future__ import annotations

import contextlib
import copy

from app.domain.model import (
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
from app.domain.packs import Pack, TableBlock
from app.domain.paths import PathError, get_or_blank, set_value
from app.domain.scoring import rule_for
from app.domain.shape import ensure, materialize


def next_year(prev: Packet, pack: Pack) -> Packet:
    basic = Basic(staff=Staff(authorized=prev.basic.staff.authorized), austerity=prev.basic.austerity)
    basic.funds = {key: FundRow() for key in prev.basic.funds}
    basic.project_lines = [
        ProjectLine(name=line.name, kind=line.kind, lines=[SubLine(name=sub.name) for sub in line.lines])
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
    packet = Packet(
        year=prev.year + 1,
        template=prev.template,
        template_version=prev.template_version,
        catalogue=prev.catalogue,
        unit=Unit(name=prev.unit.name, preparer=prev.unit.preparer, phone=prev.unit.phone, head=prev.unit.head),
        scoring_rule=used_settings(prev.scoring_rule),
        basic=basic,
        self_eval=self_eval,
        projects=projects,
        report=Report([ReportSection(title=s.title) for s in prev.report.sections]),
    )
    _carry_columns(prev, packet, pack)
    return materialize(pack, packet)


def _carry_columns(prev: Packet, packet: Packet, pack: Pack) -> None:
    """Table columns the pack carries over (上年决算数 ← 决算数), rows and the lines listed under them."""
    for att in pack.attachments:
        if att.scope != "packet":
            continue
        for block in att.blocks:
            if not isinstance(block, TableBlock):
                continue
            for col in block.columns:
                if not col.carry_from:
                    continue
                for row in block.rows:
                    if col.key not in row.na and not col.rows:
                        _carry(prev, packet, f"{block.root}.{row.key}", col.key, col.carry_from)
                    if row.lines is not None:
                        items = get_or_blank(prev, row.lines.list)
                        for i, item in enumerate(items if isinstance(items, list) else []):
                            _carry(prev, packet, f"{row.lines.list}[{i}]", col.key, col.carry_from)
                            subs = getattr(item, row.lines.sublist, None) if row.lines.sublist else None
                            for j in range(len(subs) if isinstance(subs, list) else 0):
                                q = f"{row.lines.list}[{i}].{row.lines.sublist}[{j}]"
                                _carry(prev, packet, q, col.key, col.carry_from)


def _carry(prev: Packet, packet: Packet, row: str, to: str, source: str) -> None:
    value = get_or_blank(prev, f"{row}.{source}")
    if value is None:
        return
    ensure(packet, f"{row}.{to}")
    with contextlib.suppress(PathError):  # a row next year's packet does not have
        set_value(packet, f"{row}.{to}", value)


def used_settings(rule: ScoringRule) -> ScoringRule:
    """The rule with only the settings its kind reads (its class's parameters)."""
    params = {p.name for p in rule_for(rule).params}
    return ScoringRule(
        kind=rule.kind,
        k=rule.k if "k" in params else None,
        bands=copy.deepcopy(rule.bands) if "bands" in params else [],
    )


def cleared(indicators: list[Indicator]) -> list[Indicator]:
    """The indicator tree with names and weights, ready for next year's 年度指标值/实际完成值/得分."""
    return [
        Indicator(level1=i.level1, level1_weight=i.level1_weight, level2=i.level2, name=i.name, weight=i.weight)
        for i in indicators
    ]
