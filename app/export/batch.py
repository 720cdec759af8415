"""Export many packets, one file each: what ``perfeval export DIR`` does and what the GUI runs in a worker
thread behind its progress dialog.  One unreadable or refused packet never stops the others."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.export import FORMATS, ExportError, ExportRefused, export_packet

if TYPE_CHECKING:
    from app.domain.model import Packet
    from app.domain.rules import Issue

#: (done, total, name of the item being exported); done == total at the end
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BatchItem:
    """One packet to export: ``name`` becomes the file name (without suffix); ``load`` reads the packet and
    raises an exception with a Chinese message when it cannot (a broken file, a missing database row)."""

    name: str
    load: Callable[[], Packet]
    source: Path | None = None  # the input file, never overwritten


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    refused: list[tuple[str, list[Issue]]] = field(default_factory=list)  # final print with errors
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, Chinese message)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False


def export_many(
    items: Iterable[BatchItem] | list[BatchItem],
    fmt: str,
    out_dir: Path,
    *,
    draft: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchResult:
    """Export every item into ``out_dir`` (created if missing) as ``name`` + suffix; names are made unique
    and never equal an input file.  ``fmt`` is a print format or ``json`` (the data package)."""
    todo = list(items)
    result = BatchResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = FORMATS.get(fmt, ".json")
    taken = {item.source.resolve() for item in todo if item.source is not None}
    for n, item in enumerate(todo):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        if progress is not None:
            progress(n, len(todo), item.name)
        target = _unique(out_dir / f"{safe_name(item.name)}{suffix}", taken)
        try:
            packet = item.load()
        except Exception as exc:
            result.failed.append((item.name, str(exc) or type(exc).__name__))
            continue
        export_one(packet, item.name, fmt, target, draft, result)
    if progress is not None and not result.cancelled:
        progress(len(todo), len(todo), "")
    return result


def export_one(packet: Packet, name: str, fmt: str, out: Path, draft: bool, result: BatchResult) -> None:
    """Export one packet, recording the outcome in ``result`` instead of raising."""
    refused = overwrite_refusal(out)
    if refused is not None:
        result.failed.append((name, refused))
        return
    try:
        if fmt == "json":
            from app.domain.package import write_package_file

            write_package_file(packet, out)
        else:
            export_packet(packet, fmt, out, draft=draft, warnings=result.warnings)
        result.written.append(out)
    except ExportRefused as exc:
        result.refused.append((name, exc.issues))
    except ExportError as exc:
        result.failed.append((name, str(exc)))
    except OSError as exc:
        result.failed.append((name, f"无法写入 {out}（{exc.strerror or exc}）"))
    except UnicodeEncodeError:  # a lone surrogate (readers and storage refuse them; a packet built in memory may not)
        result.failed.append((name, f"无法写入 {out}：材料中含有无效字符（不成对的Unicode代理项），请删除后再导出"))


def overwrite_refusal(out: Path) -> str | None:
    """Why ``out`` must not be written over (a database: the local one, its -wal/-shm, or any SQLite file), or None.

    ``perfeval export … -o perfeval.db`` would otherwise replace every packet the clerk typed with a PDF."""
    from app.storage.location import default_db_path

    try:
        target = out.resolve()
        database = default_db_path().resolve()
    except (OSError, RuntimeError):
        return None
    if target in {database, *(database.with_name(database.name + s) for s in ("-wal", "-shm", "-journal"))}:
        return f"{out} 是本程序的数据库文件，不能用导出覆盖它（请用 -o 指定另一个文件）"
    try:
        if not stat.S_ISREG(out.stat().st_mode):
            return None  # a pipe or a device is not opened here (reading a FIFO would block)
        with out.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return None  # missing (the usual case) or unreadable: writing will tell
    if head == b"SQLite format 3\x00":
        return f"{out} 是一个数据库文件，不能用导出覆盖它（请用 -o 指定另一个文件）"
    return None


def _unique(target: Path, taken: set[Path]) -> Path:
    """a.json and a.xlsx in one batch must not write the same a.pdf, nor a.json's a.xlsx over the input."""
    candidate, n = target, 2
    while candidate.resolve() in taken:
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    taken.add(candidate.resolve())
    return candidate


def safe_name(name: str) -> str:
    """A file name from a unit name: no path separators or characters Windows refuses."""
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name).strip(" .") or "packet"
