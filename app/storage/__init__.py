"""Local storage: packets in an SQLite file through SQLAlchemy (no Qt here).

``open_database()`` creates, upgrades or refuses the file; :class:`Database` stores every edit in its own
short transaction.  See db/README.md for the schema versions and the backup files.

Importing this package is cheap: SQLAlchemy (≈0.3 s to import on the reference machine) is loaded on first
use of :func:`open_database`, :class:`Database` and the other names that need it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from app.storage.errors import (
    DatabaseCorrupt,
    DatabaseTooNew,
    DatabaseUnreadable,
    PacketChanged,
    PacketUnreadable,
    StorageError,
)
from app.storage.location import default_db_path

if TYPE_CHECKING:
    from app.storage.repository import Database, PacketInfo, open_database, restore_database

_LAZY = {"Database", "PacketInfo", "open_database", "restore_database"}

__all__ = [
    "Database",
    "DatabaseCorrupt",
    "DatabaseTooNew",
    "DatabaseUnreadable",
    "PacketChanged",
    "PacketInfo",
    "PacketUnreadable",
    "StorageError",
    "default_db_path",
    "open_database",
    "restore_database",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module("app.storage.repository"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
