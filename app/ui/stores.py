"""Packets shown without a database row to write to: the bundled 示例 (sample), opened read-only."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from app.domain.edits import Edit
from app.domain.model import Packet

SAMPLE_NOTICE = (
    "示例（只读）：这是岳阳市委组织部2024年的真实材料，供参考，不能修改；"
    "要填写本单位的材料，请点“新建单位/年度…”或“导入…”"
)


class ReadOnlyStore:
    """A :class:`~app.ui.session.PacketStore` holding one packet in memory; it never writes."""

    def __init__(self, packet: Packet) -> None:
        self.packet = packet

    def load_packet(self, packet_id: int) -> Packet:
        return copy.deepcopy(self.packet)

    def apply(self, packet_id: int, edit: Edit, *, wait_ms: int | None = None) -> None:
        raise PermissionError("只读")

    def apply_many(self, packet_id: int, edits: Sequence[Edit], *, wait_ms: int | None = None) -> None:
        raise PermissionError("只读")


def sample_packet() -> Packet:
    """The bundled sample packet (seed 000, 中共岳阳市委组织部 2024)."""
    from app.domain.package import read_package_file
    from app.resources import resource_path
    from app.storage.repository import SAMPLE_PACKAGE

    return read_package_file(resource_path(*SAMPLE_PACKAGE))
