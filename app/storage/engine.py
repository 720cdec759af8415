"""How a connection is set up: WAL, synchronous=FULL, foreign keys, busy timeout."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 5000
#: WAL + synchronous=FULL: a commit that has returned survives a crash and a power cut (the WAL is fsynced at
#: every commit).  NORMAL would only protect against a crash; the measured cost of FULL is in docs/benchmarks.md.
SYNCHRONOUS = "FULL"
#: execution option marking an engine whose transactions write (see make_engine)
WRITE_OPTION = "perfeval_write"


def configure(dbapi_connection: sqlite3.Connection) -> None:
    cur = dbapi_connection.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        cur.execute("PRAGMA foreign_keys = ON")
    finally:
        cur.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        configure(dbapi_connection)
        # Let SQLAlchemy, not the sqlite3 module, open transactions: the module's legacy mode starts one only
        # before a write, so the SELECTs of load_packet would not share one snapshot.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing transaction takes the write lock at once (waiting up to busy_timeout), so it can never fail
        # half-way on a snapshot another thread's commit made stale.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")

    return engine


def connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the same settings, in autocommit mode (explicit BEGIN/COMMIT)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    configure(conn)
    return conn
