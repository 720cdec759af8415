"""Cold start: show the packet the clerk left off before SQLAlchemy is even imported.

Importing SQLAlchemy and opening the database (integrity check, daily backup) is most of a cold start, yet the
first thing the clerk needs is the packet on screen.  So when the window closes, a *start snapshot* is written
to the user's cache folder: the packet shown (as a data package), the unit/year list, and the size and time of
the database file as it was left, closed.  At the next start, if the database file is still exactly that file
(same size and modification time, no write-ahead log holding newer commits), the window is built from the
snapshot, shown, and only then is the database opened; every edit is saved to the real database, which is
opened on the spot if the clerk is faster than that.  Anything else — no snapshot, a different or changed
database, an unreadable snapshot — is the normal start.  After the database is open the packet is read from it
once more and compared with the snapshot; a difference rebuilds the window from the database.

The snapshot is a cache: deleting it only makes the next start slower.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.atomic import write_replacing
from app.domain.model import Packet
from app.resources import cache_dir

if TYPE_CHECKING:
    from app.storage import Database

FORMAT = "perfeval-start/1"


def snapshot_path(db_path: Path) -> Path | None:
    """The snapshot file of this database in the cache folder (the fonts' rule: ``PERFEVAL_CACHE_DIR``
    chooses it, set empty it switches caching off, and then there is no snapshot)."""
    folder = cache_dir("start")
    if folder is None:
        return None
    key = hashlib.sha256(str(db_path.resolve()).encode("utf-8")).hexdigest()[:20]
    return folder / f"{key}.json"


def file_state(db_path: Path) -> list[int] | None:
    """Size and modification time of a closed database file; None when a write-ahead log holds data (commits
    not yet in the main file) or the file is missing."""
    try:
        wal = Path(f"{db_path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return None
        st = db_path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


@dataclass(frozen=True)
class ListedPacket:
    """What the unit/year list shows (the fields of app.storage.PacketInfo, without importing SQLAlchemy)."""

    id: int
    unit_name: str
    year: int
    status: str
    template: str
    updated_at: _dt.datetime


@dataclass
class Snapshot:
    packet_id: int
    packet: Packet
    packets: list[ListedPacket]


def write_snapshot(db_path: Path, packet_id: int, packet: Packet, packets: list[Any]) -> None:
    """After the database was closed: remember what was shown.  Never raises (it is only a cache)."""
    from app.domain.package import packet_to_dict

    state = file_state(db_path)
    target = snapshot_path(db_path)
    if target is None:
        return
    if state is None:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
        return
    doc = {
        "format": FORMAT,
        "db": str(db_path.resolve()),
        "state": state,
        "packet_id": packet_id,
        "packets": [
            {**{k: getattr(p, k) for k in ("id", "unit_name", "year", "status", "template")},
             "updated_at": p.updated_at.isoformat()}
            for p in packets
        ],
        "package": packet_to_dict(packet),
    }
    with contextlib.suppress(OSError, TypeError, ValueError):
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(doc, ensure_ascii=False)
        write_replacing(target, lambda tmp: tmp.write_text(text, encoding="utf-8"), shared=True)


def read_snapshot(db_path: Path) -> Snapshot | None:
    """The snapshot of exactly this database file as it is now, or None."""
    state = file_state(db_path)
    path = snapshot_path(db_path)
    if state is None or path is None:
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or doc.get("db") != str(db_path.resolve()) or doc.get("state") != state:
            return None
        from app.domain.package import packet_from_dict

        packets = [
            ListedPacket(int(p["id"]), str(p["unit_name"]), int(p["year"]), str(p["status"]), str(p["template"]),
                         _dt.datetime.fromisoformat(p["updated_at"]))
            for p in doc["packets"]
        ]
        packet_id = int(doc["packet_id"])
        if packet_id not in {p.id for p in packets}:
            return None
        return Snapshot(packet_id, packet_from_dict(doc["package"]), packets)
    except Exception:  # missing, foreign or damaged cache file: the normal start
        return None


class DeferredDatabase:
    """Stands in for :class:`app.storage.Database` until the real one is open.

    Before that it answers the two questions the window asks while it is built (the packet, the list) from the
    snapshot; anything else — above all saving an edit — opens the real database first (``attach``)."""

    def __init__(self, path: Path, snapshot: Snapshot, opener: Callable[[], Database | None]) -> None:
        self.path = path
        self.snapshot = snapshot
        self._pristine = copy.deepcopy(snapshot.packet)  # the window edits snapshot.packet in place
        self._opener = opener
        self._handed_out = False
        self.real: Database | None = None
        self.failed = False

    def attach(self) -> Database:
        if self.real is None:
            if self.failed:
                raise _storage_error("数据库未能打开，修改没有保存")
            db = self._opener()
            if db is None:
                self.failed = True
                raise _storage_error("数据库未能打开，修改没有保存")
            self.real = db
        return self.real

    def matches_snapshot(self) -> bool:
        """Whether the open database holds what the window was built from."""
        db = self.attach()
        try:
            return bool(db.load_packet(self.snapshot.packet_id) == self._pristine)
        except Exception:
            return False

    def load_packet(self, packet_id: int) -> Packet:
        if self.real is None and not self._handed_out and packet_id == self.snapshot.packet_id:
            self._handed_out = True
            return self.snapshot.packet
        return self.attach().load_packet(packet_id)

    def list_packets(self, **kwargs: Any) -> list[Any]:
        if self.real is None and not kwargs:
            return list(self.snapshot.packets)
        return self.attach().list_packets(**kwargs)

    def close(self) -> None:
        if self.real is not None:
            self.real.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.attach(), name)


def _storage_error(message: str) -> Exception:
    from app.storage import StorageError

    return StorageError(message)


class StartTrace:
    """``PERFEVAL_START_TRACE=<epoch seconds when the process was launched>`` (set by benchmarks/gui_bench.py):
    print to stderr how long after the launch the packet was painted and the database was open."""

    def __init__(self) -> None:
        value = os.environ.get("PERFEVAL_START_TRACE")
        try:
            self.t0: float | None = float(value) if value else None
        except ValueError:
            self.t0 = None

    def mark(self, what: str) -> None:
        if self.t0 is not None:
            loaded = "sqlalchemy" in sys.modules  # what the snapshot start is for: not yet at the first paint
            print(f"perfeval-start {what} {time.time() - self.t0:.4f} sqlalchemy={int(loaded)}",
                  file=sys.stderr, flush=True)


__all__ = ["DeferredDatabase", "ListedPacket", "Snapshot", "StartTrace", "read_snapshot", "write_snapshot"]
