"""export_many: the batch the GUI runs behind a progress dialog (and the CLI for a folder)."""

from __future__ import annotations

from pathlib import Path

from app.domain.model import Packet
from app.domain.package import PackageError, Problem
from app.export.batch import BatchItem, export_many
from tests.export.conftest import seed_packet


def _broken() -> Packet:
    raise PackageError("坏.json", [Problem("", "不是绩效自评数据包")])


def test_progress_outcomes_and_names(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    items = [
        BatchItem("中共汨罗市委办公室/2024", lambda: seed_packet("seed_004")),  # a slash in a unit name
        BatchItem("seed_000", lambda: seed_packet("seed_000")),  # errors: a final print is refused
        BatchItem("坏", _broken),
        BatchItem("中共汨罗市委办公室/2024", lambda: seed_packet("seed_004")),  # same name twice
    ]
    result = export_many(items, "pdf", tmp_path / "out", progress=lambda d, t, n: seen.append((d, t, n)))
    assert [p.name for p in result.written] == ["中共汨罗市委办公室_2024.pdf", "中共汨罗市委办公室_2024-2.pdf"]
    assert [name for name, _ in result.refused] == ["seed_000"]
    assert result.failed == [("坏", "坏.json：不是绩效自评数据包")]
    assert seen[0] == (0, 4, "中共汨罗市委办公室/2024") and seen[-1] == (4, 4, "")
    assert not result.cancelled


def test_cancel_stops_between_packets(tmp_path: Path) -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    items = [BatchItem(f"p{n}", lambda: seed_packet("seed_004")) for n in range(3)]
    result = export_many(items, "xlsx", tmp_path, draft=True, cancelled=cancelled)
    assert result.cancelled and len(result.written) == 1
