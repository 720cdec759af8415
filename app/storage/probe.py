"""Look at a database file without changing a byte of it: is it ours, which version, is it intact?

Everything here opens the file read-only (``mode=ro``), so a refused or damaged file stays exactly as it was.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from app.storage.models import APPLICATION_ID

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FileState:
    """``version`` 0 means a new (missing, empty or blank) database to be created."""

    version: int
    application_id: int = 0


class NotADatabase(Exception):
    """Not an SQLite file at all (text, random bytes, another program's file)."""


class Damaged(Exception):
    """An SQLite file that cannot be read back intact; the message is a Chinese detail."""


class Foreign(Exception):
    """A healthy SQLite database of another program."""


def open_readonly(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def inspect(path: Path, *, check_integrity: bool) -> FileState:
    """Classify ``path``; raises :class:`NotADatabase`, :class:`Damaged` or :class:`Foreign`."""
    if not path.exists():
        return FileState(0)
    with path.open("rb") as fh:
        head = fh.read(100)
    if not head:
        return FileState(0)  # an empty file is what sqlite3 itself makes on first connect: a new database
    if not head.startswith(SQLITE_MAGIC):
        raise NotADatabase("文件内容不是SQLite数据库")
    if len(head) < 100:
        raise Damaged("文件被截断，连数据库文件头都不完整")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    # the in-header page count is valid only when the change counter matches "version-valid-for"
    pages_in_header = int.from_bytes(head[28:32], "big") if head[24:28] == head[92:96] else 0
    size = path.stat().st_size
    if page_size < 512 or size % page_size or (pages_in_header and size < pages_in_header * page_size):
        raise Damaged(f"文件被截断（{size}字节，数据库文件头记载应有{pages_in_header * page_size}字节）")
    try:
        conn = open_readonly(path)
    except sqlite3.Error as exc:
        raise Damaged(f"无法打开：{exc}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchone()[0]
        if app_id != APPLICATION_ID and (tables or version):
            raise Foreign()
        if check_integrity and tables:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                raise Damaged("完整性检查未通过：" + "；".join(problems[:2]))
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise Damaged("完整性检查未通过：存在无主的记录")
    except sqlite3.DatabaseError as exc:
        raise Damaged(_describe(exc)) from None
    finally:
        conn.close()
    return FileState(int(version), int(app_id))


def is_good_copy(path: Path, max_version: int) -> bool:
    """A backup worth offering: ours, not newer than this program, and intact."""
    try:
        state = inspect(path, check_integrity=True)
    except (NotADatabase, Damaged, Foreign, OSError):
        return False
    return 1 <= state.version <= max_version


def _describe(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "malformed" in text:
        return "数据库映像已损坏"
    if "not a database" in text:
        return "文件内容不是完整的SQLite数据库"
    return f"读取失败：{text}"
