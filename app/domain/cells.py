"""Every number cell of a packet with its kind (from the plan), parsed once per evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.model import Packet
from app.domain.numbers import Kind, Parsed, Raw, parse_number
from app.domain.paths import get_or_blank
from app.domain.plan import Plan


@dataclass
class Cells:
    """Parsed number cells; ``value(path)`` is None for a blank or unreadable cell."""

    parsed: dict[str, Parsed] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    raws: dict[str, Raw] = field(default_factory=dict)

    @classmethod
    def of(cls, packet: Packet, plan: Plan) -> Cells:
        cells = cls()
        for path, kind in plan.inputs.items():
            raw = get_or_blank(packet, path)
            if isinstance(raw, dict | list) or (raw is not None and not isinstance(raw, str | int | float)):
                raw = None  # a structure where a figure belongs: the package reader reports it
            cells.parsed[path] = parse_number(raw, kind)
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
