"""Backup copies made with SQLite's online backup API, each a single self-contained file.

They live in ``backups/`` beside the database: ``<stem>-daily-YYYY-MM-DD.db`` (rotating, keep N), plus
``<stem>-v1-before-upgrade-….db`` (made before a schema migration), ``<stem>-before-restore-….db`` (made
before a restore) and ``<stem>-YYYYMMDD-HHMMSS.db`` (备份到… into that folder), which are never rotated away.
Names are matched exactly: the backups of ``perfeval-2023.db`` are never offered for ``perfeval.db``.

Every copy is written to a temporary file in the target folder, fsynced, then renamed; a temporary file left
by a killed process is removed at the next opening (:func:`clean_temporary`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from app.storage.models import SCHEMA_VERSION
from app.storage.probe import is_good_copy, open_readonly

KEEP_DAILY = 7
BACKUP_DIR = "backups"
#: every temporary file this module makes starts so, followed by the writing process id
TEMP_PREFIX = ".perfeval-tmp-"
_TEMP = re.compile(r"^\.perfeval-tmp-(\d+)-")
_STALE_AFTER = 24 * 3600  # a temporary file this old is stale whatever its process id says (ids get reused)
_NOT_POSIX_GRACE = 3600  # where a process cannot be asked whether it lives (Windows): an hour old is stale


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR


def stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def temp_in(folder: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".db", dir=folder)
    os.close(fd)
    return Path(name)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def unlink_with_sides(path: Path) -> None:
    for side in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{side}").unlink()


def copy_from_connection(src: sqlite3.Connection, dest: Path) -> Path:
    """Copy the committed content of ``src`` into ``dest`` atomically (temp file, fsync, rename)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = copy_to_temp(src, dest.parent)
    try:
        os.replace(tmp, dest)
        fsync_dir(dest.parent)
    except BaseException:
        unlink_with_sides(tmp)
        raise
    return dest


def copy_to_temp(src: sqlite3.Connection, folder: Path) -> Path:
    """The committed content of ``src`` as a complete, fsynced single file under a temporary name in ``folder``;
    on any failure (a full disk) nothing is left behind."""
    tmp = temp_in(folder)
    try:
        dst = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # the copy inherits WAL; a backup must be one file
        finally:
            dst.close()
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        unlink_with_sides(tmp)
        raise
    return tmp


def copy_file(src_path: Path, dest: Path) -> Path:
    src = open_readonly(src_path)
    try:
        return copy_from_connection(src, dest)
    finally:
        src.close()


def stage_file(src_path: Path, folder: Path) -> Path:
    """:func:`copy_to_temp` of the database file ``src_path``."""
    src = open_readonly(src_path)
    try:
        return copy_to_temp(src, folder)
    finally:
        src.close()


def daily_name(db_path: Path, day: dt.date) -> str:
    return f"{db_path.stem}-daily-{day.isoformat()}.db"


def backup_name_pattern(db_path: Path) -> re.Pattern[str]:
    """The names this program gives the backups of ``db_path`` (and no other database's)."""
    stem = re.escape(db_path.stem)
    when = r"\d{8}-\d{6}"
    kinds = rf"daily-\d{{4}}-\d{{2}}-\d{{2}}|v\d+-before-upgrade-{when}|before-restore-{when}|{when}"
    return re.compile(rf"^{stem}-(?:{kinds})\.db$")


def rotate(src: sqlite3.Connection, db_path: Path, keep: int = KEEP_DAILY, today: dt.date | None = None) -> Path | None:
    """Make today's backup unless it exists; drop the oldest daily backups beyond ``keep``."""
    day = today or dt.date.today()
    folder = backup_dir(db_path)
    target = folder / daily_name(db_path, day)
    made = None if target.exists() else copy_from_connection(src, target)
    daily = re.compile(rf"^{re.escape(db_path.stem)}-daily-\d{{4}}-\d{{2}}-\d{{2}}\.db$")
    dailies = sorted(p for p in folder.iterdir() if daily.match(p.name))
    for old in dailies[: max(0, len(dailies) - keep)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return made


def good_backups(db_path: Path) -> list[Path]:
    """Intact backups of this database that this program can open, newest first."""
    folder = backup_dir(db_path)
    ours = backup_name_pattern(db_path)
    try:
        candidates = [p for p in folder.iterdir() if ours.match(p.name) and p.is_file()]
        candidates.sort(key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    except OSError:
        return []
    return [p for p in candidates if is_good_copy(p, SCHEMA_VERSION)]


def clean_temporary(db_path: Path) -> list[Path]:
    """Remove the temporary files a killed process left beside the database and in ``backups/``.

    Only names this program makes (``.perfeval-tmp-<pid>-…``), only when that process is gone (or the file is a
    day old): another process's copy in progress is never touched.  Never the database's own ``-wal``/``-shm``,
    which hold committed data.
    """
    removed: list[Path] = []
    now = time.time()
    # names earlier versions used, without a process id: stale once an hour old
    legacy = (f".{db_path.name}.restoring", ".perfeval-backup-")
    for folder in (db_path.parent, backup_dir(db_path)):
        try:
            names = [p for p in folder.iterdir() if p.name.startswith((TEMP_PREFIX, *legacy))]
        except OSError:
            continue
        for path in names:
            m = _TEMP.match(path.name)
            try:
                age = now - path.stat().st_mtime
            except OSError:
                continue
            if m is None and age < _NOT_POSIX_GRACE:
                continue
            if m is not None and age < _STALE_AFTER and _alive(int(m.group(1)), age):
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _alive(pid: int, age: float) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process there
        return age < _NOT_POSIX_GRACE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


def replace_damaged(db_path: Path, backup: Path) -> Path:
    """Put a copy of ``backup`` in place of the database file; the damaged file is kept beside it, renamed.

    Staged and atomic: the copy is made (and fsynced) under a temporary name first, so a full disk or an I/O
    error fails *before* anything is touched.  Then the damaged file is kept aside (a hard link where the file
    system has them: the database name never points at nothing), its ``-wal``/``-shm`` go with it (replaying an
    old WAL onto the restored file would damage it), and the copy is renamed into place.

    Returns where the damaged file went.
    """
    aside = db_path.with_name(f"{db_path.name}.damaged-{stamp()}")
    staged = stage_file(backup, db_path.parent)
    try:
        kept_by_link = False
        if db_path.exists():
            try:
                os.link(db_path, aside)
                kept_by_link = True
            except OSError:  # FAT32/exFAT sticks have no hard links
                os.replace(db_path, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            side = Path(f"{db_path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{aside}{suffix}"))
        try:
            os.replace(staged, db_path)
        except OSError:
            if not kept_by_link and aside.exists() and not db_path.exists():
                os.replace(aside, db_path)  # put the damaged file back rather than leave no file at all
            raise
        fsync_dir(db_path.parent)
    except BaseException:
        unlink_with_sides(staged)
        raise
    return aside
