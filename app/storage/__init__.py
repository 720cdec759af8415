"""Local storage: packets in an SQLite file through SQLAlchemy (no Qt here).

``open_database()`` creates, upgrades or refuses the file; :class:`Database` stores every edit in its own
short transaction.  See db/README.md for the schema versions and the backup files.
"""

from __future__ import annotations

from app.storage.engine import default_db_path
from app.storage.errors import DatabaseCorrupt, DatabaseTooNew, StorageError
from app.storage.repository import Database, PacketInfo, open_database, restore_database

__all__ = [
    "Database",
    "DatabaseCorrupt",
    "DatabaseTooNew",
    "PacketInfo",
    "StorageError",
    "default_db_path",
    "open_database",
    "restore_database",
]
