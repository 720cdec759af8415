"""One editing window per database: a lock file next to it, and a local socket to bring that window forward.

The first ``perfeval`` on a database takes ``<db>.lock`` (:class:`QLockFile`, released when the process ends,
even by a crash: a stale lock is taken over) and listens on a local socket named after the database.  A
second start on the same database asks the first to come forward and exits; if the first does not answer
(hung, another user's session), the second opens the database read-only and says so.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

RAISE = b"raise\n"
ACK = b"ok\n"


def socket_name(db_path: Path) -> str:
    digest = hashlib.sha1(str(db_path.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"perfeval-desk-{digest}"


class InstanceLock(QObject):
    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.lock = QLockFile(f"{db_path}.lock")
        self.lock.setStaleLockTime(0)  # only a dead process's lock is stale, never one held for hours
        self.server: QLocalServer | None = None
        self.on_raise: Callable[[], None] = lambda: None

    def acquire(self) -> bool:
        """True when this process is the one editing the database (its folder is made first: a first start
        takes the lock before the database exists)."""
        with contextlib.suppress(OSError):
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        return bool(self.lock.tryLock(100))

    def listen(self) -> None:
        name = socket_name(self.db_path)
        QLocalServer.removeServer(name)  # a socket file left by a crashed first instance
        self.server = QLocalServer(self)
        self.server.listen(name)
        self.server.newConnection.connect(self._answer)

    def _answer(self) -> None:
        assert self.server is not None
        conn = self.server.nextPendingConnection()
        if conn is None:
            return
        conn.waitForReadyRead(500)
        if bytes(conn.readAll().data()).startswith(RAISE.strip()):
            self.on_raise()
            conn.write(ACK)
            conn.waitForBytesWritten(500)
        conn.disconnectFromServer()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
        self.lock.unlock()


def ask_first_to_raise(db_path: Path, timeout_ms: int = 1500) -> bool:
    """Ask the window already editing this database to come forward; True when it answered."""
    sock = QLocalSocket()
    sock.connectToServer(socket_name(db_path))
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(RAISE)
    sock.waitForBytesWritten(timeout_ms)
    answered = sock.waitForReadyRead(timeout_ms) and bytes(sock.readAll().data()).startswith(ACK.strip())
    sock.disconnectFromServer()
    return bool(answered)


SECOND_WINDOW = "只读：这个数据库已在另一个窗口中打开并正在编辑（或那个窗口没有响应）；这里只能查看，不能修改"


def claim_database(db_path: Path) -> tuple[InstanceLock | None, str]:
    """(the lock, "") for the editing window; (None, "") when the first window came forward (exit quietly);
    (None, notice) when this window must open read-only."""
    lock = InstanceLock(db_path)
    if lock.acquire():
        lock.listen()
        return lock, ""
    if ask_first_to_raise(db_path):
        return None, ""
    return None, SECOND_WINDOW
