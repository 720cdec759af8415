"""Where template packs come from: the packs shipped in ``resources/templates``, the folders named by
``PERFEVAL_TEMPLATES`` (separated like PATH) and the folders the application adds at start-up (the user's
data folder's ``templates/``).  A later file with the same id and version as an earlier one replaces it; several
versions of one id live side by side, so a packet keeps the version it was filled on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.model import CATALOGUE_ALIASES, DEFAULT_TEMPLATE, Packet
from app.domain.packs import Pack, PackError, PackProblem, read_pack_file
from app.resources import resource_path

ENV = "PERFEVAL_TEMPLATES"
_extra_folders: list[Path] = []


class UnknownPack(LookupError):
    """A packet names a pack id that no folder holds."""

    def __init__(self, pack_id: str, known: Iterable[str]) -> None:
        self.pack_id = pack_id
        self.known = sorted(known)
        super().__init__(f"未知的模板“{pack_id}”（已有的模板：{'、'.join(self.known) or '无'}）")


def add_folder(folder: Path) -> None:
    """Read packs from ``folder`` too (the application adds the user's data folder's ``templates/``)."""
    if folder not in _extra_folders:
        _extra_folders.append(folder)
        _default.clear()


def folders() -> list[Path]:
    out = [resource_path("templates")]
    out += [Path(p).expanduser() for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    out += _extra_folders
    return out


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Versions compare part by part, numbers as numbers: 2 < 10, 2024.1 < 2024.2."""
    parts: list[tuple[int, int | str]] = []
    for part in version.replace("-", ".").split("."):
        parts.append((0, int(part)) if part.isdigit() else (1, part))
    return tuple(parts)


@dataclass
class Registry:
    folders: list[Path]
    packs: dict[str, dict[str, Pack]] = field(default_factory=dict)  # id → version → pack
    #: broken files found while scanning (one Chinese line each); a command that needs one of them fails
    errors: list[PackError] = field(default_factory=list)

    def __post_init__(self) -> None:
        for folder in self.folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.json")):
                try:
                    pack = read_pack_file(path)
                except PackError as exc:
                    self.errors.append(exc)
                    continue
                self.packs.setdefault(pack.id, {})[pack.version] = pack

    def ids(self) -> list[str]:
        return sorted(self.packs)

    def newest(self, pack_id: str) -> Pack:
        versions = self.packs.get(pack_id)
        if not versions:
            raise UnknownPack(pack_id, self.ids())
        return versions[max(versions, key=_version_key)]

    def get(self, pack_id: str, version: str = "") -> Pack:
        """The pack ``pack_id`` at ``version`` when it exists, else its newest version."""
        versions = self.packs.get(pack_id)
        if not versions:
            raise UnknownPack(pack_id, self.ids())
        return versions.get(version) or self.newest(pack_id)

    def all(self) -> list[Pack]:
        """Every pack id at its newest version, shipped packs first."""
        return [self.newest(i) for i in self.ids()]

    def for_packet(self, packet: Packet) -> Pack:
        return self.get(packet.template or DEFAULT_TEMPLATE, packet.template_version)


_default: list[Registry] = []


def default() -> Registry:
    """The registry of :func:`folders`, read once per process (and again when a folder is added)."""
    if not _default or _default[0].folders != folders():
        _default[:] = [Registry(folders())]
    return _default[0]


def pack_for(packet: Packet) -> Pack:
    return default().for_packet(packet)


def resolve_template(value: object) -> tuple[str, str, PackProblem | None]:
    """A package's ``template`` value → (pack id, catalogue, problem).  Missing means ``hunan-dept``; the old
    values ``standard``/``cost_level1`` mean hunan-dept with that indicator catalogue."""
    if value is None or value == "":
        return DEFAULT_TEMPLATE, "", None
    if not isinstance(value, str):
        return DEFAULT_TEMPLATE, "", PackProblem("template", "应为模板编号（文字）")
    if value in CATALOGUE_ALIASES:
        return DEFAULT_TEMPLATE, CATALOGUE_ALIASES[value], None
    registry = default()
    if value not in registry.packs:
        return value, "", PackProblem("template", str(UnknownPack(value, registry.ids())))
    return value, "", None
