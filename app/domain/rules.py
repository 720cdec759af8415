"""Validation (审核): each rule has a stable code, a severity, the cells it concerns and a Chinese
message that quotes the figures.  Errors (强制) block a final print; warnings (提示) do not.
Nothing here changes a stated figure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.domain import scoring
from app.domain.calc import Computed, IndicatorTotals, ratio
from app.domain.cells import Cells
from app.domain.forms import basic as basic_form
from app.domain.forms import project as project_form
from app.domain.forms import self_eval as self_eval_form
from app.domain.forms.common import fill
from app.domain.model import INCOME_KEYS, SPENDING_KEYS, Indicator, Packet
from app.domain.numbers import Kind, differs_at_precision, format_money, format_rate, format_score


class Severity(StrEnum):
    ERROR = "error"  # 强制
    WARNING = "warning"  # 提示

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "提示"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    field: str  # the figure or block concerned (a computed key or a cell path)
    message: str
    cells: tuple[str, ...] = ()  # input cells to mark and jump to

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def explanation_key(issue: Issue) -> str:
    """Where a warning's 合理性说明 is kept in ``Packet.explanations``: ``code@field``."""
    return f"{issue.code}@{issue.field}"


#: The codes and what they mean (the GUI's help and the README list them).
CODES: dict[str, str] = {
    "invalid_number": "单元格内容不是有效数字",
    "missing_required": "必填项未填写",
    "stated_mismatch": "填报的计算结果与按公式计算的结果不一致",
    "sum_mismatch": "合计数与各分项之和不一致",
    "part_exceeds_total": "“其中”项大于其所属项目",
    "weight_mismatch": "分值与一级指标标注的分值或总分100不一致",
    "score_exceeds_weight": "得分超过分值",
    "missing_deviation_reason": "得分低于分值但未填写偏差原因",
    "cross_table_mismatch": "不同表格之间的同一数字不一致",
    "over_execution": "执行率超过100%",
    "staff_over_quota": "实际在职人数超过编制数",
    "negative_value": "金额为负数",
    "invalid_rule": "计分规则设置有误",
}

MONEY_TOLERANCE = Decimal("0.005")  # money is compared at 2 decimals


def money_differs(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) >= MONEY_TOLERANCE


def check(packet: Packet, cells: Cells, computed: Computed) -> list[Issue]:
    issues: list[Issue] = []
    for rule in RULES:
        issues.extend(rule(packet, cells, computed))
    return issues


# --- individual rules --------------------------------------------------------------------------


def invalid_numbers(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    for path, parsed in cells.parsed.items():
        if parsed.error:
            yield Issue("invalid_number", Severity.ERROR, path, f"{describe(packet, path)}：{parsed.error}", (path,))
    for problem in scoring.rule_problems(packet.scoring_rule):
        yield Issue("invalid_rule", Severity.ERROR, problem.field, problem.message, (problem.field,))


def required_fields(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    if not packet.unit.name.strip():
        yield Issue("missing_required", Severity.ERROR, "unit.name", "未填写预算部门（单位）名称", ("unit.name",))
    for path, label in (("self_eval.budget_full_year", "全年预算数"), ("self_eval.executed", "全年执行数")):
        if cells.get(path).blank:
            yield Issue("missing_required", Severity.ERROR, path, f"附件2 年度资金总额的{label}未填写", (path,))
    for prefix, indicators in _indicator_blocks(packet):
        for i, ind in enumerate(indicators):
            if not ind.name.strip():
                continue
            for attr, label in (("weight", "分值"), ("score", "得分")):
                path = f"{prefix}.indicators[{i}].{attr}"
                if cells.get(path).blank:
                    yield Issue(
                        "missing_required",
                        Severity.ERROR,
                        path,
                        f"{_where(packet, prefix)}三级指标“{_short(ind.name)}”的{label}未填写",
                        (path,),
                    )


def stated_figures(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    """A stated 控制率/执行率/得分/总分 must equal the computed one at its own printed precision."""
    a = cells.value("basic.staff.actual")
    q = cells.value("basic.staff.authorized")
    yield from _stated(
        cells, computed, "basic.control_rate", "basic.staff.control_rate", Kind.RATE,
        lambda s, c: f"控制率填报为{s}，按在职人数{_n(a)}/编制数{_n(q)}计算应为{c}",
        ("basic.staff.authorized", "basic.staff.actual"),
    )  # fmt: skip
    for i in range(len(packet.basic.buildings)):
        p = f"basic.buildings[{i}]"
        for rate, label in (("area_control_rate", "规模控制率"), ("investment_control_rate", "投资概算控制率")):
            yield from _stated(
                cells, computed, f"{p}.{rate}", f"{p}.{rate}", Kind.RATE,
                lambda s, c, label=label: f"楼堂馆所{label}填报为{s}，按公式计算应为{c}",
                (),
            )  # fmt: skip
    for prefix, _ in _indicator_blocks(packet):
        where = _where(packet, prefix)
        yield from _stated(
            cells, computed, f"{prefix}.execution_rate", f"{prefix}.execution_rate", Kind.RATE,
            lambda s, c, w=where, p=prefix: f"{w}执行率填报为{s}，按全年执行数/全年预算数"
            f"（{_money_pair(computed, cells, p)}）计算应为{c}",
            (),
        )  # fmt: skip
        if packet.scoring_rule.kind != "manual":
            rule_name = scoring.RULE_KINDS.get(packet.scoring_rule.kind, packet.scoring_rule.kind)
            yield from _stated(
                cells, computed, f"{prefix}.execution_score", f"{prefix}.score", Kind.SCORE,
                lambda s, c, w=where, p=prefix, r=rule_name: f"{w}执行率得分填报为{s}分，执行率"
                f"{computed.text(p + '.execution_rate')}按“{r}”规则应得{c}分",
                (f"{prefix}.weight",),
            )  # fmt: skip
        yield from _stated(
            cells, computed, f"{prefix}.total_score", f"{prefix}.total_score", Kind.SCORE,
            lambda s, c, w=where, p=prefix: f"{w}总分填报为{s}，按执行率得分"
            f"{computed.text(p + '.execution_score')}+三级指标得分合计"
            f"{computed.text(p + '.indicator_score_total')}计算应为{c}",
            (),
        )  # fmt: skip


def _stated(
    cells: Cells,
    computed: Computed,
    key: str,
    stated_path: str,
    kind: Kind,
    message: object,
    related: tuple[str, ...],
) -> Iterator[Issue]:
    stated = cells.get(stated_path)
    value = computed.value(key)
    if stated.value is None or value is None:
        return
    if differs_at_precision(stated, value, kind):
        shown = cells.shown(stated_path)
        assert callable(message)
        yield Issue(
            "stated_mismatch", Severity.ERROR, key, message(shown, computed.text(key)), (stated_path, *related)
        )


def fund_sums(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    """附件1: a total row (三公, 公务用车, 项目支出, a 专项 group) must equal the sum of its parts."""
    columns = {c.key: c.title(packet.year) for c in basic_form.FUND_COLUMNS}
    for spec in basic_form.FUND_ROWS:
        if not (spec.parts or spec.expands_project_lines):
            continue
        if spec.parts:
            part_paths = [f"basic.funds.{k}" for k in spec.parts]
        else:
            part_paths = [f"basic.project_lines[{i}]" for i in range(len(packet.basic.project_lines))]
        yield from _sum_rows(
            cells, computed, f"basic.funds.{spec.key}", spec.label.rstrip("：").strip(), part_paths, columns
        )
    for i, line in enumerate(packet.basic.project_lines):
        if line.lines:
            parts = [f"basic.project_lines[{i}].lines[{j}]" for j in range(len(line.lines))]
            yield from _sum_rows(cells, computed, f"basic.project_lines[{i}]", line.name or "专项资金", parts, columns)
    for n in range(len(packet.projects)):
        p = f"projects[{n}]"
        cols = {c.key: c.label for c in project_form.FUND_COLUMNS}
        parts = [f"{p}.funds.{r}" for r in ("current", "carryover", "other")]
        yield from _sum_rows(cells, computed, f"{p}.funds.total", f"{_where(packet, p)}年度资金总额", parts, cols)


def _sum_rows(
    cells: Cells, computed: Computed, total_path: str, label: str, part_paths: list[str], columns: dict[str, str]
) -> Iterator[Issue]:
    for col, col_label in columns.items():
        stated = cells.value(f"{total_path}.{col}")
        total = computed.value(f"{total_path}.{col}")
        part_cells = [f"{p}.{col}" for p in part_paths]
        if stated is None or total is None or not any(cells.value(c) is not None or
                                                      computed.value(c) is not None for c in part_cells):
            continue
        if money_differs(stated, total):
            yield Issue(
                "sum_mismatch", Severity.ERROR, f"{total_path}.{col}",
                f"{label}（{col_label}）填报{format_money(stated)}，各分项合计为{format_money(total)}，"
                f"相差{format_money(stated - total)}",
                (f"{total_path}.{col}", *part_cells),
            )  # fmt: skip


def member_limits(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    """“其中” rows (公用经费 → 办公经费 …) are parts of the parent, so none may exceed it."""
    for spec in basic_form.FUND_ROWS:
        for member in spec.members:
            for col in basic_form.FUND_COLUMNS:
                parent = cells.value(f"basic.funds.{spec.key}.{col.key}")
                part = cells.value(f"basic.funds.{member}.{col.key}")
                if parent is not None and part is not None and part - parent >= MONEY_TOLERANCE:
                    label = basic_form.FUND_ROW_BY_KEY[member].label.removeprefix("其中：")
                    yield Issue(
                        "part_exceeds_total", Severity.ERROR, f"basic.funds.{member}.{col.key}",
                        f"其中{label}（{col.title(packet.year)}）{format_money(part)}大于"
                        f"{spec.label}{format_money(parent)}",
                        (f"basic.funds.{member}.{col.key}", f"basic.funds.{spec.key}.{col.key}"),
                    )  # fmt: skip


def income_and_spending(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    """附件2: 按收入性质分 adds up to 全年预算数, 按支出性质分 to 全年执行数."""
    checks = (
        ("self_eval.income", INCOME_KEYS, "self_eval.income_total", "self_eval.budget_full_year", "按收入性质分",
         self_eval_form.INCOME_LABELS, "全年预算数"),
        ("self_eval.spending", SPENDING_KEYS, "self_eval.spending_total", "self_eval.executed", "按支出性质分",
         self_eval_form.SPENDING_LABELS, "全年执行数"),
    )  # fmt: skip
    for field, keys, total_key, against, title, labels, against_label in checks:
        total = computed.value(total_key)
        target = cells.value(against)
        if total is None or target is None or not money_differs(total, target):
            continue
        terms = "+".join(
            f"{labels[k].removeprefix('其中：').rstrip('：')}{format_money(cells.value(f'{field}.{k}'))}"
            for k in keys
            if cells.value(f"{field}.{k}") is not None
        )
        yield Issue(
            "sum_mismatch", Severity.ERROR, field,
            f"{title}：{terms}={format_money(total)}，不等于{against_label}{format_money(target)}"
            f"（相差{format_money(total - target)}）",
            (*(f"{field}.{k}" for k in keys), against),
        )  # fmt: skip


def weights(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    for prefix, _ in _indicator_blocks(packet):
        totals = computed.indicator_totals.get(prefix)
        if totals is None or not totals.groups:
            continue
        yield from _level1_weights(packet, prefix, totals)
        whole = computed.value(f"{prefix}.weight_total")
        if whole is not None and whole != 100:
            exec_w = cells.value(f"{prefix}.weight")
            yield Issue(
                "weight_mismatch", Severity.ERROR, f"{prefix}.weight_total",
                f"{_where(packet, prefix)}分值合计为{format_score(whole)}分（执行率{format_score(exec_w)}分+"
                f"三级指标{format_score(totals.weight_sum)}分），应为100分",
                (f"{prefix}.weight",),
            )  # fmt: skip


def _level1_weights(packet: Packet, prefix: str, totals: IndicatorTotals) -> Iterator[Issue]:
    for group in totals.groups:
        if group.label_weight is None or group.weight_sum == group.label_weight:
            continue
        rows = tuple(f"{prefix}.indicators[{i}].weight" for i in group.rows)
        yield Issue(
            "weight_mismatch", Severity.ERROR, f"{prefix}.indicators.level1[{group.name}]",
            f"{_where(packet, prefix)}{group.name}标注{format_score(group.label_weight)}分，"
            f"其三级指标分值合计为{format_score(group.weight_sum)}分",
            (*group.label_paths[:1], *rows),
        )  # fmt: skip


def indicator_scores(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    for prefix, indicators in _indicator_blocks(packet):
        where = _where(packet, prefix)
        for i, ind in enumerate(indicators):
            w = cells.value(f"{prefix}.indicators[{i}].weight")
            s = cells.value(f"{prefix}.indicators[{i}].score")
            if w is None or s is None:
                continue
            path = f"{prefix}.indicators[{i}].score"
            if s > w:
                yield Issue(
                    "score_exceeds_weight", Severity.ERROR, path,
                    f"{where}三级指标“{_short(ind.name)}”得分{format_score(s)}超过分值{format_score(w)}",
                    (path,),
                )  # fmt: skip
            elif s < w and not ind.deviation.strip():
                dev = f"{prefix}.indicators[{i}].deviation"
                yield Issue(
                    "missing_deviation_reason", Severity.ERROR, dev,
                    f"{where}三级指标“{_short(ind.name)}”得分{format_score(s)}低于分值{format_score(w)}，"
                    "须填写偏差原因分析及改进措施",
                    (dev, path),
                )  # fmt: skip
        w = cells.value(f"{prefix}.weight")
        s = cells.value(f"{prefix}.score")
        if w is not None and s is not None and s > w:
            yield Issue(
                "score_exceeds_weight", Severity.ERROR, f"{prefix}.score",
                f"{where}执行率得分{format_score(s)}超过分值{format_score(w)}",
                (f"{prefix}.score", f"{prefix}.weight"),
            )  # fmt: skip


def execution(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    for prefix, _ in _indicator_blocks(packet):
        rate = computed.value(f"{prefix}.execution_rate")
        if rate is not None and rate > 1:
            yield Issue(
                "over_execution", Severity.WARNING, f"{prefix}.execution_rate",
                f"{_where(packet, prefix)}执行率{format_rate(rate)}超过100%（全年执行数"
                f"{_money_pair(computed, cells, prefix)}），请说明原因",
                _exec_cells(prefix),
            )  # fmt: skip


def staff(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    a = cells.value("basic.staff.actual")
    q = cells.value("basic.staff.authorized")
    if a is not None and q is not None and a > q:
        yield Issue(
            "staff_over_quota", Severity.WARNING, "basic.control_rate",
            f"实际在职人数{_n(a)}超过编制数{_n(q)}，控制率{format_rate(ratio(a, q))}",
            ("basic.staff.actual", "basic.staff.authorized"),
        )  # fmt: skip


def negatives(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    for path, parsed in cells.parsed.items():
        if parsed.value is not None and parsed.value < 0 and cells.kinds[path] is Kind.MONEY:
            yield Issue(
                "negative_value", Severity.WARNING, path,
                f"{describe(packet, path)}为负数（{cells.shown(path)}），请核实",
                (path,),
            )  # fmt: skip


_REPORT_FIGURE = re.compile(r"(基本支出|项目支出)(?:为|共计|合计|共|总计)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*万元")


def cross_tables(packet: Packet, cells: Cells, computed: Computed) -> Iterator[Issue]:
    """附件2 项目支出 vs 附件1 项目支出 决算数; figures quoted in 附件4 vs 附件2."""
    stated = cells.value("self_eval.spending.project")
    basic_projects = computed.value("basic.funds.projects.actual")
    if stated is not None and basic_projects is not None and money_differs(stated, basic_projects):
        yield Issue(
            "cross_table_mismatch", Severity.WARNING, "self_eval.spending.project",
            f"附件2项目支出{format_money(stated)}与附件1项目支出{packet.year}年决算数"
            f"{format_money(basic_projects)}不一致（附件1应填报基本支出以外的所有项目支出）",
            ("self_eval.spending.project", "basic.funds.projects.actual"),
        )  # fmt: skip
    quoted = {"基本支出": cells.value("self_eval.spending.basic"), "项目支出": stated}
    for i, section in enumerate(packet.report.sections):
        for m in _REPORT_FIGURE.finditer(section.text):
            table_value = quoted[m.group(1)]
            if table_value is None:
                continue
            value = Decimal(m.group(2).replace(",", ""))
            if money_differs(value, table_value):
                path = f"report.sections[{i}].text"
                yield Issue(
                    "cross_table_mismatch", Severity.WARNING, path,
                    f"自评报告“{section.title}”写{m.group(1)}{m.group(2)}万元，附件2为"
                    f"{format_money(table_value)}万元",
                    (path,),
                )  # fmt: skip


RULES = (
    invalid_numbers,
    required_fields,
    stated_figures,
    fund_sums,
    member_limits,
    income_and_spending,
    weights,
    indicator_scores,
    execution,
    staff,
    negatives,
    cross_tables,
)


# --- helpers ------------------------------------------------------------------------------------


def _indicator_blocks(packet: Packet) -> Iterator[tuple[str, list[Indicator]]]:
    yield "self_eval", packet.self_eval.indicators
    for n, proj in enumerate(packet.projects):
        yield f"projects[{n}]", proj.indicators


def _where(packet: Packet, prefix: str) -> str:
    if prefix == "self_eval":
        return "附件2 "
    n = int(prefix[len("projects[") : -1])
    name = packet.projects[n].name if n < len(packet.projects) else ""
    return f"附件3“{_short(name) or f'项目{n + 1}'}” "


def _exec_cells(prefix: str) -> tuple[str, ...]:
    if prefix == "self_eval":
        return ("self_eval.executed", "self_eval.budget_full_year")
    return (f"{prefix}.funds.total.executed", f"{prefix}.funds.total.full_year")


def _money_pair(computed: Computed, cells: Cells, prefix: str) -> str:
    if prefix == "self_eval":
        ex, fy = cells.value("self_eval.executed"), cells.value("self_eval.budget_full_year")
    else:
        ex = computed.value(f"{prefix}.funds.total.executed")
        fy = computed.value(f"{prefix}.funds.total.full_year")
    return f"{format_money(ex)}/{format_money(fy)}"


def _n(value: Decimal | None) -> str:
    return "——" if value is None else f"{value:.0f}"


def _short(text: str, limit: int = 18) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


_SECTION_LABELS = {
    "basic.staff": "附件1 财政供养人员情况",
    "basic.funds": "附件1 经费控制情况",
    "basic.project_lines": "附件1 项目支出",
    "basic.buildings": "附件1 楼堂馆所控制情况",
    "self_eval": "附件2",
    "projects": "附件3",
    "scoring_rule": "计分规则",
}


def describe(packet: Packet, path: str) -> str:
    """A Chinese name for a cell, for messages: ``附件1 经费控制情况“三公”经费 2024年决算数``."""
    from app.domain.labels import cell_label

    return cell_label(packet, path) or next(
        (label for prefix, label in _SECTION_LABELS.items() if path.startswith(prefix)), path
    )


__all__ = ["CODES", "Issue", "Severity", "check", "describe", "fill"]
