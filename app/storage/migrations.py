"""The ordered migration list: ``db/migrations/NNNN_name.sql``; the version lives in ``PRAGMA user_version``.

Migration N turns a version N-1 database into version N inside one transaction that also sets
``user_version = N``, so a power cut leaves either the old schema or the new one.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.resources import app_root
from app.storage.engine import connect
from app.storage.errors import StorageError
from app.storage.models import APPLICATION_ID, SCHEMA_VERSION

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def migrations_dir() -> Path:
    return app_root() / "db" / "migrations"


@cache
def migrations() -> tuple[Migration, ...]:
    folder = migrations_dir()
    try:
        files = sorted(p for p in folder.iterdir() if _NAME.match(p.name))
    except OSError:
        raise StorageError(f"程序不完整：找不到数据库结构文件夹 {folder}") from None
    found = tuple(Migration(int(p.name[:4]), p.stem, split_statements(p.read_text("utf-8"))) for p in files)
    if [m.version for m in found] != list(range(1, SCHEMA_VERSION + 1)):
        raise StorageError(f"程序不完整：{folder} 中的数据库结构文件应为第1至{SCHEMA_VERSION}版")
    return found


def split_statements(sql: str) -> tuple[str, ...]:
    """Whole statements, in order (sqlite3.complete_statement knows about strings and comments)."""
    out: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            stmt = pending.strip()
            if stmt.strip(";").strip():
                out.append(stmt)
            pending = ""
    if pending.strip() and not all(ln.strip().startswith("--") for ln in pending.splitlines() if ln.strip()):
        raise StorageError("数据库结构文件不完整（最后一条语句没有结束）")
    return tuple(out)


def upgrade(path: Path, from_version: int, to_version: int = SCHEMA_VERSION) -> None:
    """Run migrations ``from_version+1 … to_version`` on the database file, each in its own transaction.

    Each transaction takes the write lock first and re-reads the version under it: two programs creating (or
    upgrading) the same database at once run every migration exactly once, the second finds it done.
    """
    conn = connect(path)
    try:
        for m in migrations():
            if from_version < m.version <= to_version:
                conn.execute("BEGIN EXCLUSIVE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] >= m.version:
                        conn.execute("COMMIT")  # another program got here first
                        continue
                    for stmt in m.statements:
                        conn.execute(stmt)
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    conn.execute(f"PRAGMA user_version = {m.version}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
    finally:
        conn.close()
