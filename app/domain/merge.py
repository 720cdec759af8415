"""合并 (import into an existing packet): keep everything the clerk has typed, fill only what is blank.

A cell already filled in the existing packet keeps its value; a blank one takes the incoming value.  List
rows are matched by name (projects, 项目支出 lines and 专项, indicators by 一级/二级/三级, report chapters by
title, targets and buildings by their text): a matched row is merged the same way, an unmatched incoming row
is added at the end.  Pure: no file formats, no storage.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

from app.domain.model import Building, Indicator, Packet, Project, ProjectLine, ReportSection, SubLine, Target

#: how rows of a list are matched
_KEYS: dict[type, Callable[[Any], object]] = {
    Project: lambda p: p.name.strip(),
    ProjectLine: lambda line: line.name.strip(),
    SubLine: lambda sub: sub.name.strip(),
    Indicator: lambda i: (i.level1.strip(), i.level2.strip(), i.name.strip()),
    ReportSection: lambda s: s.title.strip(),
    Target: lambda t: (t.expected.strip(), t.actual.strip()),
    Building: lambda b: str(b.completed_year or "").strip(),
}


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def merge_packets(existing: Packet, incoming: Packet) -> Packet:
    """The existing packet with its blanks filled (and rows added) from ``incoming``; neither is changed."""
    merged = copy.deepcopy(existing)
    _merge(merged, incoming)
    return merged


def _merge(target: Any, incoming: Any) -> None:
    for f in fields(target):
        if f.name in ("year", "template", "extra"):
            continue  # who the packet is stays as it is
        mine, theirs = getattr(target, f.name), getattr(incoming, f.name)
        setattr(target, f.name, _merged(mine, theirs))


def _merged(mine: Any, theirs: Any) -> Any:
    if is_dataclass(mine) and not isinstance(mine, type) and type(theirs) is type(mine):
        _merge(mine, theirs)
        return mine
    if isinstance(mine, dict) and isinstance(theirs, dict):
        out = dict(mine)
        for key, value in theirs.items():
            out[key] = _merged(mine[key], value) if key in mine else copy.deepcopy(value)
        return out
    if isinstance(mine, list) and isinstance(theirs, list):
        return _merged_rows(mine, theirs)
    return copy.deepcopy(theirs) if blank(mine) and not blank(theirs) else mine


def _merged_rows(mine: list[Any], theirs: list[Any]) -> list[Any]:
    if not theirs:
        return mine
    key = _KEYS.get(type(theirs[0]))
    if key is None:
        return mine if mine else copy.deepcopy(theirs)
    out = list(mine)
    index = {key(row): row for row in mine}
    for row in theirs:
        found = index.get(key(row))
        if found is not None:
            _merge(found, row)
        else:
            out.append(copy.deepcopy(row))
    return out
