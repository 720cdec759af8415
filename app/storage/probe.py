"""Look at a database file without changing a byte of it: is it ours, which version, is it intact?

SQLite itself judges: a read-only connection (``mode=ro``) that reads the ``-wal`` like any other connection, then
``PRAGMA integrity_check`` (or ``quick_check``) and ``foreign_key_check``.  No guessing from file sizes: after a disk
ran full, the newest pages may live only in the ``-wal`` and the main file may look short; that database is
healthy.  A file that cannot be *read* (no permission, an I/O error on a failing stick, a locked file) is not
called damaged: :class:`Unreadable` / :class:`Busy` say what it is, and a restore is never offered for it.
"""

from __future__ import annotations

import errno
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from app.storage.models import APPLICATION_ID

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
#: quick_check is O(pages) and finds what a failing disk or a torn write does; integrity_check also compares every
#: index with its table.  Both are cheap at this size (a 5 MB database of 200 packets: 25 ms / 48 ms on the 2-core
#: test machine under load), so opening and backups use the full one; the quick one is there for a caller in a hurry.
QUICK, FULL = "quick_check", "integrity_check"


@dataclass(frozen=True)
class FileState:
    """``version`` 0 means a new (missing, empty or blank) database to be created."""

    version: int
    application_id: int = 0


class NotADatabase(Exception):
    """Not an SQLite file at all (text, random bytes, another program's file, a pipe)."""


class Damaged(Exception):
    """An SQLite file that cannot be read back intact; the message is a Chinese detail."""


class Foreign(Exception):
    """A healthy SQLite database of another program."""


class Unreadable(Exception):
    """The file cannot be read at all: permissions, an I/O error, a missing folder.  Not damage."""


class Busy(Exception):
    """Another program holds the file locked for longer than the busy timeout."""


def open_readonly(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    # a damaged page can hold bytes that are not UTF-8: they become U+FFFD here, not a UnicodeDecodeError
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def inspect(path: Path, *, check_integrity: bool, check: str = FULL) -> FileState:
    """Classify ``path``; raises :class:`NotADatabase`, :class:`Damaged`, :class:`Foreign`, :class:`Unreadable`
    or :class:`Busy`.  ``check`` is :data:`QUICK` or :data:`FULL` (with ``check_integrity``)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return _new_or_wal_only(path)
    except OSError as exc:
        raise Unreadable(describe_os_error(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise NotADatabase("不是普通文件（可能是文件夹、管道或设备）")
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise Unreadable(describe_os_error(exc)) from None
    if not head:
        return _new_or_wal_only(path)
    if not head.startswith(SQLITE_MAGIC):
        raise NotADatabase("文件内容不是SQLite数据库")
    return _ask_sqlite(path, check_integrity, check)


def _new_or_wal_only(path: Path) -> FileState:
    """A missing or empty file is a new database, unless a ``-wal`` beside it holds committed pages (a database
    whose first pages were never copied back into the main file): then SQLite reads it like any other."""
    wal = Path(f"{path}-wal")
    try:
        has_wal = wal.stat().st_size > 0
    except OSError:
        has_wal = False
    if not has_wal or not path.exists():
        return FileState(0)
    return _ask_sqlite(path, check_integrity=False, check=FULL)


def _ask_sqlite(path: Path, check_integrity: bool, check: str) -> FileState:
    try:
        conn = open_readonly(path)
    except sqlite3.Error as exc:
        raise _classify(path, exc) from None
    try:
        # one read transaction: version, owner mark and tables from the same snapshot (a program creating the
        # database at this moment must not look like "tables but no mark" = another program's file)
        conn.execute("BEGIN")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()[0]
        if app_id != APPLICATION_ID and (tables or version):
            raise Foreign()
        if check_integrity and tables:
            problems = [str(row[0]) for row in conn.execute(f"PRAGMA {check}(5)")]
            if problems != ["ok"]:
                details = (" ".join(p.replace("*** in database main ***", "").split())[:120] for p in problems[:2])
                raise Damaged("完整性检查未通过：" + "；".join(details))
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise Damaged("完整性检查未通过：存在无主的记录")
    except sqlite3.Error as exc:
        raise _classify(path, exc) from None
    except (UnicodeError, ValueError, OverflowError) as exc:  # garbage where a number or a name should be
        raise Damaged(f"数据库内容无法解读（{type(exc).__name__}）") from None
    finally:
        conn.close()
    return FileState(int(version), int(app_id))


def is_good_copy(path: Path, max_version: int) -> bool:
    """A backup worth offering: ours, not newer than this program, and intact (the full check)."""
    try:
        state = inspect(path, check_integrity=True, check=FULL)
    except (NotADatabase, Damaged, Foreign, Unreadable, Busy, OSError):
        return False
    return 1 <= state.version <= max_version


def _classify(path: Path, exc: sqlite3.Error) -> Exception:
    text = str(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return Busy("数据库文件正被其他程序占用")
    if primary == sqlite3.SQLITE_IOERR or "disk I/O error" in text:
        return Unreadable("读取时发生磁盘读写错误（磁盘或U盘可能有故障）")
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH) or "unable to open" in text:
        return Unreadable(_cannot_open(path))
    if primary == sqlite3.SQLITE_READONLY:
        return Unreadable("文件或所在文件夹是只读的，无法打开")
    if primary == sqlite3.SQLITE_NOTADB or "not a database" in text:
        return Damaged("数据库文件头已损坏")
    if primary == sqlite3.SQLITE_CORRUPT or "malformed" in text:
        return Damaged("数据库映像已损坏")
    return Damaged(f"读取失败：{' '.join(text.split())[:200]}")


def _cannot_open(path: Path) -> str:
    """Why SQLite could not open a file we could stat: almost always permissions on it or its folder."""
    import os

    if not os.access(path, os.R_OK):
        return "没有读取这个文件的权限"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "没有所在文件夹的写入权限（数据库需要在旁边建立临时文件）"
    return "无法打开文件"


def describe_os_error(exc: OSError) -> str:
    """An OSError as the clerk should read it."""
    if isinstance(exc, PermissionError):
        return "没有访问权限"
    if exc.errno == errno.EIO:
        return "读取时发生磁盘读写错误（磁盘或U盘可能有故障）"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间已满"
    if exc.errno in (errno.ENOTDIR, errno.ENOENT):
        return "路径不存在或不是文件夹"
    return exc.strerror or str(exc)
