"""export_many: the batch the GUI runs behind a progress dialog (and the CLI for a folder)."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest

from app.commands.common import load_packet
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


# --- the process pool (several packets, two workers) -------------------------------------------------------


def _seed_loader(name: str) -> Packet:
    return seed_packet(name)


def _worker_dies() -> Packet:
    os._exit(3)  # as a worker killed by the out-of-memory killer or a crash in a C library would


def test_pool_exports_in_order_and_keeps_going(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    broken = tmp_path / "坏.json"
    broken.write_text("{", encoding="utf-8")
    items = [
        BatchItem("a", partial(_seed_loader, "seed_004")),  # picklable: loaded in the worker
        BatchItem("refused", partial(_seed_loader, "seed_000")),
        BatchItem("坏", partial(load_packet, str(broken))),  # UserError raised in the worker
        BatchItem("b", lambda: seed_packet("seed_004")),  # not picklable: loaded here, the packet is sent
        BatchItem("c", _broken),
        BatchItem("d", partial(_seed_loader, "seed_004")),
    ]
    result = export_many(items, "pdf", tmp_path / "out", draft=False, workers=2,
                         progress=lambda d, t, n: seen.append((d, t, n)))
    assert [p.name for p in result.written] == ["a.pdf", "b.pdf", "d.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in result.written)
    assert [name for name, _ in result.refused] == ["refused"]
    assert [name for name, _ in result.failed] == ["坏", "c"]
    assert "坏.json" in result.failed[0][1]
    assert seen[0] == (0, 6, "a") and seen[-1] == (6, 6, "")
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert not list((tmp_path / "out").glob(".*.part"))


def test_pool_cancel_finishes_what_runs_and_starts_nothing_more(tmp_path: Path) -> None:
    items = [BatchItem(f"p{n}", partial(_seed_loader, "seed_004")) for n in range(12)]
    seen: list[int] = []
    result = export_many(items, "docx", tmp_path, draft=True, workers=2,
                         progress=lambda d, t, n: seen.append(d), cancelled=lambda: bool(seen) and seen[-1] >= 1)
    assert result.cancelled
    assert 1 <= len(result.written) < 12
    assert sorted(tmp_path.glob("*.docx")) == sorted(result.written)  # every file it reports, no other
    assert not list(tmp_path.glob(".*.part"))


def test_pool_survives_a_dying_worker(tmp_path: Path) -> None:
    items = [BatchItem("dies", _worker_dies)] + [
        BatchItem(f"p{n}", partial(_seed_loader, "seed_004")) for n in range(6)
    ]
    # only one packet in flight at a time per worker would make this deterministic; with two workers the
    # packets exported beside the dying one may fail too, but the later ones must be written
    result = export_many(items, "xlsx", tmp_path, draft=True, workers=2)
    assert "dies" in [name for name, _ in result.failed]
    assert "导出进程意外退出" in dict(result.failed)["dies"]
    assert len(result.written) + len(result.failed) == 7
    assert tmp_path / "p5.xlsx" in result.written


def test_unknown_format_is_refused_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="不支持的导出格式"):
        export_many([BatchItem("a", _broken)], "odt", tmp_path)
