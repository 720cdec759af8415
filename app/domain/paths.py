"""Field paths: one name for a cell everywhere (package, GUI, validation, exports).

``basic.funds.three_public.prior``, ``self_eval.indicators[3].score``, ``projects[0].funds.total.executed``.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class PathError(KeyError):
    """A path that names no cell of the packet."""


def parse_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    pos = 0
    for m in _TOKEN.finditer(path):
        gap = path[pos : m.start()]
        if gap not in ("", "."):
            raise PathError(path)
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        pos = m.end()
    if pos != len(path) or not parts:
        raise PathError(path)
    return parts


def join_path(*parts: str | int) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += f".{p}" if out else p
    return out


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _names(obj: Any) -> frozenset[str]:
    cls = type(obj)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(obj))
    return names


def _step(obj: Any, part: str | int, path: str) -> Any:
    try:
        if isinstance(part, int):
            if part < 0:
                raise IndexError(part)
            return obj[part]
        if isinstance(obj, dict):
            return obj[part]
        if is_dataclass(obj):
            names = _names(obj)
            if part in names:
                return getattr(obj, part)
            own = getattr(obj, "fields", None) if "fields" in names else None
            if isinstance(own, dict) and part in own:  # a column a template pack adds (指标性质…)
                return own[part]
    except (IndexError, KeyError, TypeError):
        pass
    raise PathError(path)


def is_pack_field(obj: Any, name: str) -> bool:
    """Whether ``name`` on ``obj`` lives in its ``fields`` (a pack's own column), not in an attribute."""
    return is_dataclass(obj) and name not in _names(obj) and "fields" in _names(obj)


def get_value(root: Any, path: str) -> Any:
    obj = root
    for part in parse_path(path):
        obj = _step(obj, part, path)
    return obj


def get_or_blank(root: Any, path: str) -> Any:
    """The value at ``path``, or None where the packet has no such cell yet (a pack column never filled)."""
    try:
        return get_value(root, path)
    except PathError:
        return None


def set_value(root: Any, path: str, value: Any) -> Any:
    """Set the cell at ``path``; returns the previous value (for undo)."""
    parts = parse_path(path)
    parent = root
    for part in parts[:-1]:
        parent = _step(parent, part, path)
    last = parts[-1]
    if isinstance(last, str) and is_pack_field(parent, last):
        if isinstance(value, dict | list):
            raise PathError(path)  # a pack column holds what was typed, never a structure
        old = parent.fields.get(last)
        parent.fields[last] = value
        return old
    old = _step(parent, last, path)
    if isinstance(last, int) or isinstance(parent, dict):
        parent[last] = value
    else:
        setattr(parent, last, value)
    return old
