"""Field paths: one name for a cell everywhere (package, GUI, validation, exports).

``basic.funds.three_public.prior``, ``self_eval.indicators[3].score``, ``projects[0].funds.total.executed``.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from functools import lru_cache
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class PathError(KeyError):
    """A path that names no cell of the packet."""


def parse_path(path: str) -> list[str | int]:
    return list(_parse(path))


@lru_cache(maxsize=8192)
def _parse(path: str) -> tuple[str | int, ...]:
    """(cached: the same few hundred paths are parsed for every screen, check and export)"""
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
    return tuple(parts)


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
    """Whether ``name`` on ``obj`` is one of its ``fields`` (a pack's own column that the packet holds: read
    from a package, or made by :func:`app.domain.shape.materialize`), not an attribute."""
    if not is_dataclass(obj) or name in _names(obj) or "fields" not in _names(obj):
        return False
    own = getattr(obj, "fields", None)
    return isinstance(own, dict) and name in own


def get_value(root: Any, path: str) -> Any:
    obj = root
    for part in parse_path(path):
        obj = _step(obj, part, path)
    return obj


def get_parts(root: Any, parts: tuple[str | int, ...]) -> Any:
    """The value at already parsed ``parts``, or None where the packet has no such cell (the fast way for the
    hundreds of cells an evaluation reads)."""
    obj = root
    for part in parts:
        try:
            if isinstance(obj, dict | list):
                obj = obj[part]  # type: ignore[index]
                continue
            names = _names(obj) if is_dataclass(obj) else frozenset()
            if part in names:
                obj = getattr(obj, str(part))
                continue
            own = getattr(obj, "fields", None)
            if not isinstance(own, dict) or part not in own:
                return None
            obj = own[part]
        except (IndexError, KeyError, TypeError):
            return None
    return obj


def get_or_blank(root: Any, path: str) -> Any:
    """The value at ``path``, or None where the packet has no such cell yet (a pack column never filled)."""
    try:
        return get_value(root, path)
    except PathError:
        return None


def set_value(root: Any, path: str, value: Any) -> Any:
    """Set the cell at ``path``; returns the previous value (for undo).  The packet must hold the cell: a row a
    template pack declares is created by :func:`app.domain.shape.materialize`, never by a stray path."""
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


_HINTS: dict[type, dict[str, Any]] = {}


def _dict_value_type(owner: Any, name: str) -> Any:
    """The declared value type of dict field ``name`` of dataclass ``owner`` (FundRow for Basic.funds)."""
    import typing

    import app.domain.model as model

    cls = type(owner)
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, vars(model))
    args = typing.get_args(_HINTS[cls].get(name))
    return args[1] if len(args) == 2 else None


def ensure_parts(root: Any, parts: list[str | int]) -> None:
    """Create the missing dict rows on the way to ``parts`` (a dataclass row, or None for a cell)."""
    obj, owner, name = root, None, ""
    for part in parts[:-1]:
        if isinstance(obj, dict) and isinstance(part, str) and part not in obj:
            tp = _dict_value_type(owner, name) if owner is not None else None
            obj[part] = tp() if isinstance(tp, type) and is_dataclass(tp) else None
        try:
            nxt = _step(obj, part, "")
        except PathError:
            return
        if is_dataclass(obj):
            owner, name = obj, str(part)
        obj = nxt
