"""Exports of the seed packets, written once per test session (the writers are what is under test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.model import Packet
from app.domain.package import read_package_file
from app.export import export_packet
from tests.conftest import SEEDS

SEED_IDS = [p.stem for p in SEEDS]


def seed_packet(name: str) -> Packet:
    return read_package_file(Path(SEEDS[0]).parent / f"{name}.json")


@pytest.fixture(scope="session")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """(seed, format) → draft export of every seed in every format."""
    out_dir = tmp_path_factory.mktemp("exports")
    out: dict[tuple[str, str], Path] = {}
    for seed in SEED_IDS:
        packet = seed_packet(seed)
        for fmt in ("pdf", "xlsx", "docx"):
            out[(seed, fmt)] = export_packet(packet, fmt, out_dir / f"{seed}.{fmt}", draft=True)
    return out


def flat(text: str) -> str:
    """Text without any whitespace: table cells wrap labels over lines."""
    return "".join(text.split())


def expected_json(seed: str) -> dict[str, object]:
    data = json.loads((Path(SEEDS[0]).parent / f"{seed}.expected.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
