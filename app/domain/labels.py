"""Chinese names of cells, built from the form specs (for messages and the validation panel)."""

from __future__ import annotations

import re

from app.domain.forms import basic as basic_form
from app.domain.forms import project as project_form
from app.domain.forms import self_eval as self_eval_form
from app.domain.forms.common import Column
from app.domain.model import Packet

_INDEXED = re.compile(r"^(?P<head>[a-z_]+(?:\.[a-z_]+)*)\[(?P<i>\d+)\](?:\.(?P<rest>.*))?$")


def _column_title(columns: tuple[Column, ...], key: str, year: int) -> str:
    for col in columns:
        if col.key == key:
            return col.title(year)
    return key


def cell_label(packet: Packet, path: str) -> str:
    year = packet.year
    parts = path.split(".")
    if path.startswith("basic.staff."):
        return f"附件1 {_column_title(basic_form.STAFF_COLUMNS, parts[-1], year)}"
    if path.startswith("basic.funds.") and len(parts) == 4:
        spec = basic_form.FUND_ROW_BY_KEY.get(parts[2])
        row = spec.label.removeprefix("其中：").rstrip("：") if spec else parts[2]
        return f"附件1 {row}（{_column_title(basic_form.FUND_COLUMNS, parts[3], year)}）"
    m = re.match(r"^basic\.project_lines\[(\d+)\](?:\.lines\[(\d+)\])?\.(\w+)$", path)
    if m:
        i = int(m.group(1))
        lines = packet.basic.project_lines
        name = lines[i].name if i < len(lines) else ""
        if m.group(2) is not None and i < len(lines):
            j = int(m.group(2))
            name = lines[i].lines[j].name if j < len(lines[i].lines) else name
        return f"附件1 项目支出“{name}”（{_column_title(basic_form.FUND_COLUMNS, m.group(3), year)}）"
    m = re.match(r"^basic\.buildings\[(\d+)\]\.(\w+)$", path)
    if m:
        return f"附件1 楼堂馆所第{int(m.group(1)) + 1}行 {_column_title(basic_form.BUILDING_COLUMNS, m.group(2), year)}"
    if path.startswith("self_eval.") or path.startswith("projects["):
        return _scored_label(packet, path)
    return ""


def _scored_label(packet: Packet, path: str) -> str:
    if path.startswith("self_eval."):
        where, rest = "附件2", path[len("self_eval.") :]
    else:
        m = re.match(r"^projects\[(\d+)\]\.(.*)$", path)
        if not m:
            return ""
        n = int(m.group(1))
        name = packet.projects[n].name if n < len(packet.projects) else f"项目{n + 1}"
        where, rest = f"附件3“{name}”", m.group(2)
    m = re.match(r"^indicators\[(\d+)\]\.(\w+)$", rest)
    if m:
        col = _column_title(self_eval_form.INDICATOR_COLUMNS, m.group(2), packet.year)
        if m.group(2) == "level1_weight":
            col = "一级指标分值"
        return f"{where} 第{int(m.group(1)) + 1}个三级指标的{col}"
    if rest.startswith("income."):
        return f"{where} {self_eval_form.INCOME_LABELS.get(rest[7:], rest).removeprefix('其中：').rstrip('：')}"
    if rest.startswith("spending."):
        return f"{where} {self_eval_form.SPENDING_LABELS.get(rest[9:], rest).removeprefix('其中：').rstrip('：')}"
    m = re.match(r"^funds\.(\w+)\.(\w+)$", rest)
    if m:
        row = project_form.FUND_ROW_LABELS.get(m.group(1), m.group(1)).removeprefix("其中：")
        return f"{where} {row}（{_column_title(project_form.FUND_COLUMNS, m.group(2), packet.year)}）"
    simple = {
        "budget_initial": "年初预算数",
        "budget_full_year": "全年预算数",
        "executed": "全年执行数",
        "weight": "执行率分值",
        "execution_rate": "执行率",
        "score": "执行率得分",
        "total_score": "总分",
    }
    return f"{where} {simple.get(rest, rest)}"
