"""Backup copies made with SQLite's online backup API, each a single self-contained file.

They live in ``backups/`` beside the database: ``<stem>-daily-YYYY-MM-DD.db`` (rotating, keep N), plus
``<stem>-v1-before-upgrade-….db`` (made before a schema migration) and ``<stem>-before-restore-….db`` (made
before a restore) which are never rotated away.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from pathlib import Path

from app.storage.models import SCHEMA_VERSION
from app.storage.probe import is_good_copy, open_readonly

KEEP_DAILY = 7
BACKUP_DIR = "backups"


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR


def stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def copy_from_connection(src: sqlite3.Connection, dest: Path) -> Path:
    """Copy the committed content of ``src`` into ``dest`` atomically (temp file, fsync, rename)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".perfeval-backup-", suffix=".db", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        dst = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # the copy inherits WAL; a backup must be one file
        finally:
            dst.close()
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def copy_file(src_path: Path, dest: Path) -> Path:
    src = open_readonly(src_path)
    try:
        return copy_from_connection(src, dest)
    finally:
        src.close()


def daily_name(db_path: Path, day: dt.date) -> str:
    return f"{db_path.stem}-daily-{day.isoformat()}.db"


def rotate(src: sqlite3.Connection, db_path: Path, keep: int = KEEP_DAILY, today: dt.date | None = None) -> Path | None:
    """Make today's backup unless it exists; drop the oldest daily backups beyond ``keep``."""
    day = today or dt.date.today()
    folder = backup_dir(db_path)
    target = folder / daily_name(db_path, day)
    made = None if target.exists() else copy_from_connection(src, target)
    dailies = sorted(folder.glob(f"{db_path.stem}-daily-????-??-??.db"))
    for old in dailies[: max(0, len(dailies) - keep)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return made


def good_backups(db_path: Path) -> list[Path]:
    """Intact backups of this database that this program can open, newest first."""
    folder = backup_dir(db_path)
    try:
        candidates = [p for p in folder.glob(f"{db_path.stem}-*.db") if p.is_file()]
    except OSError:
        return []
    candidates.sort(key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    return [p for p in candidates if is_good_copy(p, SCHEMA_VERSION)]


def replace_damaged(db_path: Path, backup: Path) -> Path:
    """Put a copy of ``backup`` in place of the database file; the damaged file is kept beside it, renamed.

    Returns where the damaged file went.
    """
    aside = db_path.with_name(f"{db_path.name}.damaged-{stamp()}")
    staged = copy_file(backup, db_path.with_name(f".{db_path.name}.restoring"))
    if db_path.exists():
        os.replace(db_path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{aside}{suffix}"))
    os.replace(staged, db_path)
    return aside
