"""Export many packets, one file each: what ``perfeval export DIR`` does and what the GUI runs in a worker
thread behind its progress dialog.  One unreadable or refused packet never stops the others.

A batch of several packets runs in a pool of worker processes, one per core: reportlab/openpyxl/python-docx
are pure Python, so threads would share one core.  The calling thread only hands out work, reports progress and
checks for cancel; it keeps at most two packets per worker in flight, so memory stays flat whatever the size of
the batch.  Workers start from a fork server on POSIX (safe when the caller is a GUI worker thread) and by spawn
on Windows (a frozen program calls ``multiprocessing.freeze_support()`` first: installer/perfeval_entry.py).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.export import FORMATS, ExportError, ExportRefused, export_packet

if TYPE_CHECKING:
    from concurrent.futures import Future

    from app.domain.model import Packet
    from app.domain.rules import Issue

#: (done, total, name of the item being exported); done == total at the end
Progress = Callable[[int, int, str], None]

#: Below this many packets a batch runs in the calling process: starting workers (a fresh interpreter that
#: imports the writer and parses the font) costs more than the second core saves on a few packets.
POOL_MIN_ITEMS = 4
#: Packets handed to the pool but not finished yet, per worker: enough to keep every worker busy, few enough that
#: a batch of thousands holds only a handful of packets (or their loaders) in memory at a time.
IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class BatchItem:
    """One packet to export: ``name`` becomes the file name (without suffix); ``load`` reads the packet and
    raises an exception with a Chinese message when it cannot (a broken file, a missing database row).

    In a pool the ``load`` callable itself goes to the worker when it can be pickled (e.g.
    ``functools.partial(load_packet, path)``), so reading and parsing run there too; otherwise (a lambda, a
    database-bound method) the calling process loads the packet and sends it."""

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

    def merge(self, other: BatchResult) -> None:
        self.written += other.written
        self.refused += other.refused
        self.failed += other.failed
        self.warnings += other.warnings


def default_workers() -> int:
    """One worker per core this process may run on; ``PERFEVAL_EXPORT_WORKERS`` overrides (1: no pool)."""
    env = os.environ.get("PERFEVAL_EXPORT_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # Windows, macOS
        return max(1, os.cpu_count() or 1)


def export_many(
    items: Iterable[BatchItem] | list[BatchItem],
    fmt: str,
    out_dir: Path,
    *,
    draft: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
) -> BatchResult:
    """Export every item into ``out_dir`` (created if missing) as ``name`` + suffix; names are made unique
    and never equal an input file.  ``fmt`` is a print format or ``json`` (the data package).

    ``workers``: processes to use (default: one per core); 1, or fewer than :data:`POOL_MIN_ITEMS` items,
    exports in the calling process.  The result lists follow the order of ``items`` either way.  ``cancelled``
    is asked between packets; after a cancel the packets already being exported are finished (at most one
    per worker) and the rest are not started."""
    if fmt != "json" and fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式“{fmt}”（可选：{'、'.join(FORMATS)}、json）")
    todo = list(items)
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = FORMATS.get(fmt, ".json")
    taken = {item.source.resolve() for item in todo if item.source is not None}
    targets = [_unique(out_dir / f"{safe_name(item.name)}{suffix}", taken) for item in todo]
    n_workers = min(workers or default_workers(), len(todo))
    if fmt in FORMATS and n_workers > 1 and len(todo) >= POOL_MIN_ITEMS:  # a .json package takes milliseconds
        return _export_in_pool(todo, targets, fmt, draft, progress, cancelled, n_workers)
    result = BatchResult()
    for n, (item, target) in enumerate(zip(todo, targets, strict=True)):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        if progress is not None:
            progress(n, len(todo), item.name)
        result.merge(_load_and_export(item.name, item.load, fmt, target, draft))
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


def _load_and_export(
    name: str, load: Callable[[], Packet] | Packet, fmt: str, out: Path, draft: bool
) -> BatchResult:
    """One packet from its loader (or the packet itself) to its file; every outcome lands in the result."""
    result = BatchResult()
    if callable(load):
        try:
            packet = load()
        except Exception as exc:
            result.failed.append((name, str(exc) or type(exc).__name__))
            return result
    else:
        packet = load
    try:
        export_one(packet, name, fmt, out, draft, result)
    except Exception as exc:  # a bug in one packet's export must not stop the batch; it is logged
        from app.crash import report_crash

        log = report_crash(exc)
        result.failed.append((name, f"{name}：导出时程序内部错误（{type(exc).__name__}），详情已记录到 {log}"))
    return result


def _export_in_pool(
    todo: list[BatchItem],
    targets: list[Path],
    fmt: str,
    draft: bool,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    n_workers: int,
) -> BatchResult:
    # imported here: every start of the program imports this module (the CLI lists its commands), few batch
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    total = len(todo)
    outcomes: dict[int, BatchResult] = {}
    running: dict[Future[BatchResult], int] = {}
    next_item, stop = 0, False
    if progress is not None:
        progress(0, total, todo[0].name)
    pool = ProcessPoolExecutor(n_workers, mp_context=_mp_context(fmt))
    try:
        while running or (next_item < total and not stop):
            while not stop and next_item < total and len(running) < n_workers * IN_FLIGHT_PER_WORKER:
                item, target = todo[next_item], targets[next_item]
                payload = _payload(item)
                if isinstance(payload, BatchResult):  # the packet could not be loaded here
                    outcomes[next_item] = payload
                else:
                    try:
                        running[pool.submit(_load_and_export, item.name, payload, fmt, target, draft)] = next_item
                    except BrokenProcessPool:
                        break  # a worker died: the loop below collects the casualties and starts a new pool
                next_item += 1
            finished: set[Future[BatchResult]] = set()
            if running:
                # a short timeout: a cancel is noticed while a long packet is still being exported
                finished, _ = wait(running, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in finished:
                index = running.pop(future)
                outcomes[index] = _outcome(future, todo[index].name)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in finished):
                # A worker died (killed, out of memory, a crash in a C library): the packets it and the others
                # were exporting are reported as failed, the rest go on in a new pool.
                wait(running, timeout=5)  # the pool fails every unfinished packet when it notices the death
                for future in list(running):
                    index = running.pop(future)
                    outcomes[index] = _outcome(future, todo[index].name)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(n_workers, mp_context=_mp_context(fmt))
            if finished and progress is not None and len(outcomes) < total:
                progress(len(outcomes), total, todo[min(next_item, total - 1)].name)
            if not stop and cancelled is not None and cancelled():
                stop = True
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    result = BatchResult(cancelled=stop and len(outcomes) < total)
    for index in sorted(outcomes):
        result.merge(outcomes[index])
    if progress is not None and not result.cancelled:
        progress(total, total, "")
    return result


def _payload(item: BatchItem) -> Callable[[], Packet] | Packet | BatchResult:
    """What a worker gets: the loader if it can be pickled, else the packet loaded here."""
    import pickle

    try:
        pickle.dumps(item.load)
        return item.load
    except Exception:
        pass
    try:
        return item.load()
    except Exception as exc:
        result = BatchResult()
        result.failed.append((item.name, str(exc) or type(exc).__name__))
        return result


def _outcome(future: Future[BatchResult], name: str) -> BatchResult:
    try:
        return future.result(timeout=0)
    except Exception as exc:  # the worker died (killed, out of memory) or its result could not be sent back
        result = BatchResult()
        result.failed.append((name, f"{name}：导出进程意外退出（{type(exc).__name__}），请重新导出"))
        return result


def _mp_context(fmt: str) -> Any:
    """Fork server on POSIX (forking a GUI process with threads is not safe; the server is a fresh, single-
    threaded interpreter), spawn on Windows.  The server imports the writer once; each worker forked from it
    inherits the import."""
    import multiprocessing

    if sys.platform == "win32" or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    writer = {"pdf": "app.export.pdf", "xlsx": "app.export.xlsx", "docx": "app.export.docx"}.get(fmt)
    ctx.set_forkserver_preload(["app.export.batch", *([writer] if writer else [])])
    return ctx


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
