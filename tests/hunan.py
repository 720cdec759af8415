"""The shipped hunan-dept pack as tests use it: a blank packet shaped by it, its fund rows and catalogue."""

from __future__ import annotations

from app.domain import registry
from app.domain.model import Packet
from app.domain.packs import Catalogue, Pack, TableBlock
from app.domain.shape import materialize

PACK: Pack = registry.default().get("hunan-dept")
_BASIC = PACK.attachment("basic")
assert _BASIC is not None
FUNDS: TableBlock = next(b for b in _BASIC.blocks if isinstance(b, TableBlock))
FUND_KEYS: tuple[str, ...] = tuple(row.key for row in FUNDS.rows)
NO_PRIOR: frozenset[str] = frozenset(row.key for row in FUNDS.rows if "prior" in row.na)
STANDARD: Catalogue = PACK.catalogues[0]


def blank(year: int = 2024) -> Packet:
    """A packet with every row of the hunan-dept forms present and empty."""
    return materialize(PACK, Packet(year=year))


def printed_labels(packet: Packet) -> list[str]:
    """Every heading, label, title and signature label the forms print for ``packet`` (from the pack)."""
    from app.domain.layout import layout
    from app.domain.packs import fill
    from app.domain.plan import variables

    out: list[str] = []
    for sheet in layout(PACK, packet):
        out.append(sheet.title)
        out += [c.text for _, _, c in sheet.cells() if c.role in ("header", "label") and c.text.strip()]
        out += [label for label, _ in sheet.footer]
    if PACK.report is not None:
        values = variables(PACK, packet)
        out += [PACK.report.unit_line, fill(PACK.report.title, values)]
    return out
