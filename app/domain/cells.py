"""Every number cell of a packet with its kind (from the plan), parsed once per evaluation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.model import Packet
from app.domain.numbers import Kind, Parsed, Raw, parse_number
from app.domain.paths import get_parts
from app.domain.plan import Plan

#: parsed cells by (type, text, kind): an evaluation per keystroke re-reads hundreds of unchanged cells
_PARSED: dict[tuple[type, Raw, Kind], Parsed] = {}
_PARSED_SIZE = 20_000


def parse_cached(raw: Raw, kind: Kind) -> Parsed:
    key = (type(raw), raw, kind)  # the type keeps True apart from 1
    parsed = _PARSED.get(key)
    if parsed is None:
        if len(_PARSED) >= _PARSED_SIZE:
            _PARSED.clear()
        parsed = _PARSED[key] = parse_number(raw, kind)
    return parsed


@dataclass
class Cells:
    """Parsed number cells; ``value(path)`` is None for a blank or unreadable cell."""

    parsed: dict[str, Parsed] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    raws: dict[str, Raw] = field(default_factory=dict)

    @classmethod
    def of(cls, packet: Packet, plan: Plan) -> Cells:
        cells = cls()
        for path, kind, parts in plan.accessors():
            raw = get_parts(packet, parts)
            if raw is not None and (isinstance(raw, bool) or not isinstance(raw, str | int | float)):
                raw = None if not isinstance(raw, bool) else raw  # a structure where a figure belongs
            cells.parsed[path] = parse_cached(raw, kind)
            cells.kinds[path] = kind
            cells.raws[path] = raw
        return cells

    def get(self, path: str) -> Parsed:
        return self.parsed.get(path) or Parsed(None)

    def value(self, path: str) -> Decimal | None:
        return self.get(path).value

    def shown(self, path: str) -> str:
        """The cell as the clerk typed it, for quoting in messages."""
        raw = self.raws.get(path)
        return "" if raw is None else str(raw).strip()


def number_cells(packet: Packet, plan: Plan | None = None) -> Iterator[tuple[str, Raw, Kind]]:
    """(path, raw, kind) of every number cell of ``packet`` on its pack, in form order."""
    if plan is None:
        from app.domain.plan import make_plan
        from app.domain.registry import pack_for

        plan = make_plan(pack_for(packet), packet)
    for path, kind, parts in plan.accessors():
        yield path, get_parts(packet, parts), kind
