"""A packet shaped by its pack: the rows a pack declares exist in the packet (so every cell can be edited),
and a new packet starts with the pack's defaults."""

from __future__ import annotations

import copy
import typing
from dataclasses import fields, is_dataclass
from typing import Any

import app.domain.model as model
from app.domain.model import Indicator, Packet, Report, ReportSection, Unit
from app.domain.packs import Pack
from app.domain.paths import PathError, ensure_parts, get_or_blank, join_path, parse_path, set_value
from app.domain.plan import make_plan
from app.domain.scoring import default_rule


def ensure(root: Any, path: str) -> None:
    """Create the dict rows on the way to ``path`` that the packet lacks (``basic.funds.special_row``)."""
    try:
        parts = parse_path(path)
    except PathError:
        return
    ensure_parts(root, parts)
    obj = get_or_blank(root, join_path(*parts[:-1])) if len(parts) > 1 else root
    last = parts[-1]
    if not isinstance(last, str):
        return
    if isinstance(obj, dict) and last not in obj:
        obj[last] = None
    elif is_dataclass(obj) and last not in {f.name for f in fields(obj)}:
        own = getattr(obj, "fields", None)
        if isinstance(own, dict) and last not in own:
            own[last] = None  # a pack's own column, blank until typed


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, vars(model))
    return _HINTS[cls]


def _child(obj: Any, part: str | int) -> Any:
    if isinstance(obj, list) and isinstance(part, int):
        return obj[part]
    if isinstance(obj, dict):
        return obj[part]
    return getattr(obj, str(part))


def materialize(pack: Pack, packet: Packet) -> Packet:
    """Make every cell the pack shows exist in ``packet`` (in place; returns it)."""
    plan = make_plan(pack, packet)
    for path in (*plan.inputs, *plan.texts):
        ensure(packet, path)
    return packet


def declare(pack: Pack, packet: Packet, path: str) -> bool:
    """Make the one cell ``path`` exist when the pack declares it (an edit of a row stored packets lack);
    False for a path the pack does not know (the edit then fails as before)."""
    plan = make_plan(pack, packet)
    if path not in plan.inputs and path not in plan.texts:
        return False
    ensure(packet, path)
    return True


def new_packet(pack: Pack, unit: Unit, year: int, catalogue: str = "") -> Packet:
    """An empty packet on ``pack``: its defaults, one indicator row per 二级 of the catalogue with its 一级 weight,
    the default report chapters."""
    packet = Packet(year=year, template=pack.id, template_version=pack.version,
                    catalogue=catalogue or pack.default_catalogue, unit=unit,
                    scoring_rule=default_rule(pack.rules))
    cat = pack.catalogue(packet.catalogue)
    if cat is not None and "self_eval" in pack.parts:
        packet.self_eval.indicators = [
            Indicator(level1=l1.name, level1_weight=l1.weight or None, level2=l2)
            for l1 in cat.level1
            for l2 in l1.level2
        ]
    if pack.report is not None:
        packet.report = Report([ReportSection(title=t) for t in pack.report.sections])
    for path, value in pack.new_packet.items():
        apply_default(packet, path, value)
    if cat is not None and pack.kind == "project":  # a project packet: each project gets the catalogue's rows
        for project in packet.projects:
            project.indicators = project.indicators or [
                Indicator(level1=l1.name, level1_weight=l1.weight or None, level2=l2)
                for l1 in cat.level1
                for l2 in l1.level2
            ]
    return materialize(pack, packet)


def apply_default(packet: Packet, path: str, value: Any) -> None:
    """Set a pack default: a cell, or a list of items given as JSON objects."""
    ensure(packet, path)
    from app.domain.paths import get_value

    try:
        current = get_value(packet, path)
    except PathError:
        return
    if isinstance(current, list) and isinstance(value, list):
        item_tp = _list_item_type(packet, path)
        items = []
        for v in value:
            if item_tp is not None and isinstance(v, dict):
                known = {f.name for f in fields(item_tp)}
                item = item_tp(**{k: copy.deepcopy(x) for k, x in v.items() if k in known})
                items.append(item)
        set_value(packet, path, items)
    elif not isinstance(value, dict | list):
        set_value(packet, path, value)


def _list_item_type(packet: Packet, path: str) -> Any:
    parts = parse_path(path)
    obj: Any = packet
    for part in parts[:-1]:
        obj = _child(obj, part)
    if not is_dataclass(obj):
        return None
    args = typing.get_args(_hints(type(obj)).get(str(parts[-1])))
    return args[0] if args and isinstance(args[0], type) and is_dataclass(args[0]) else None


def new_item(packet: Packet, list_path: str, values: dict[str, Any] | None = None) -> Any:
    """A new item for the list at ``list_path`` (its declared type), with ``values`` for its fields."""
    item_tp = _list_item_type(packet, list_path)
    if item_tp is None:
        raise PathError(list_path)
    names = {f.name for f in fields(item_tp)}
    given = dict(values or {})
    item = item_tp(**{k: v for k, v in given.items() if k in names})
    own = {k: v for k, v in given.items() if k not in names}
    if own and hasattr(item, "fields"):
        item.fields.update(own)
    return item
