"""One editing window per database: a lock file next to it, and a local connection to bring that window forward.

The first ``perfeval`` on a database takes ``<db>.lock`` (:class:`QLockFile`, released when the process ends,
even by a crash: a stale lock is taken over) and listens for a local connection named after the database and
the user (the standard library's :mod:`multiprocessing.connection`: a Unix socket — on Linux in the abstract
namespace, so nothing is left behind by a crash — or a named pipe on Windows; both ends prove they know a key
derived from the database path).  A second start on the same database asks the first to come forward and exits;
if the first does not answer (hung, another user's session), the second opens the database read-only and says so.

The first window answers from a background thread, which hands the request to the GUI thread (a queued Qt
signal) and says "ok" only once the window has come forward: a window whose GUI thread is hung does not answer.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Qt, Signal

RAISE = b"raise"
ACK = b"ok"
#: how long the first window's GUI thread has to come forward before the answer is "no answer"
GUI_WAIT_S = 1.0
_ERRORS = (OSError, EOFError, AuthenticationError)


def _user() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()


def socket_name(db_path: Path) -> str:
    digest = hashlib.sha1(f"{_user()}\n{db_path.resolve()}".encode()).hexdigest()[:16]
    return f"perfeval-desk-{digest}"


def address(db_path: Path) -> str:
    """Where the first window listens: a named pipe (Windows), an abstract Unix socket (Linux), else a socket
    file in the temporary folder."""
    name = socket_name(db_path)
    if sys.platform == "win32":
        return rf"\\.\pipe\{name}"
    if sys.platform.startswith("linux"):
        return "\0" + name
    return str(Path(tempfile.gettempdir()) / f"{name}.sock")


def authkey(db_path: Path) -> bytes:
    return hashlib.sha256(f"perfeval-desk\n{db_path.resolve()}".encode()).digest()


class InstanceLock(QObject):
    raise_requested = Signal(object)  # a threading.Event, set once the window came forward

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.lock = QLockFile(f"{db_path}.lock")
        self.lock.setStaleLockTime(0)  # only a dead process's lock is stale, never one held for hours
        self.listener: Listener | None = None
        self.on_raise: Callable[[], None] = lambda: None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.raise_requested.connect(self._raise, Qt.ConnectionType.QueuedConnection)

    def acquire(self) -> bool:
        """True when this process is the one editing the database (its folder is made first: a first start
        takes the lock before the database exists)."""
        with contextlib.suppress(OSError):
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        return bool(self.lock.tryLock(100))

    def listen(self) -> None:
        """Answer second starts from now on (without a listener — the name is taken — they open read-only)."""
        where = address(self.db_path)
        if not where.startswith(("\0", "\\\\")):
            with contextlib.suppress(OSError):
                os.unlink(where)  # a socket file left by a crashed first instance (we hold the lock)
        try:
            self.listener = Listener(where, backlog=4, authkey=authkey(self.db_path))
        except OSError:
            return
        self._thread = threading.Thread(target=self._serve, args=(self.listener,), daemon=True,
                                        name="perfeval-instance")
        self._thread.start()

    def _serve(self, listener: Listener) -> None:
        while not self._stopping:
            try:
                conn = listener.accept()  # checks the peer's key
            except _ERRORS:
                time.sleep(0.05)  # a peer that gave up or had another key; never a busy loop
                continue
            with conn:
                if not self._stopping:
                    self._answer(conn)

    def _answer(self, conn: Connection) -> None:
        try:
            if not conn.poll(0.5) or conn.recv_bytes(64) != RAISE:
                return
            done = threading.Event()
            self.raise_requested.emit(done)  # queued: runs in the GUI thread
            if done.wait(GUI_WAIT_S):
                conn.send_bytes(ACK)
        except _ERRORS:
            pass

    def _raise(self, done: threading.Event) -> None:
        self.on_raise()
        done.set()

    def release(self) -> None:
        """Stop answering and give up the lock (the process ending does both by itself)."""
        listener, self.listener = self.listener, None
        if listener is not None:
            self._stopping = True
            # wake the thread blocked in accept() (closing the socket does not, on Linux): a connection
            # without the key, which accept() drops
            with contextlib.suppress(*_ERRORS):
                Client(listener.address).close()
            if self._thread is not None:
                self._thread.join(2)
            listener.close()
        self.lock.unlock()


def ask_first_to_raise(db_path: Path, timeout_ms: int = 1500) -> bool:
    """Ask the window already editing this database to come forward; True when it answered in time."""
    answered: list[bool] = []

    def ask() -> None:
        try:
            with Client(address(db_path), authkey=authkey(db_path)) as conn:
                conn.send_bytes(RAISE)
                if conn.poll(timeout_ms / 1000):
                    answered.append(conn.recv_bytes(64) == ACK)
        except _ERRORS:
            pass

    # in a thread: a first process that is stopped (not dead) would keep the key exchange waiting for ever
    asker = threading.Thread(target=ask, daemon=True, name="perfeval-ask-first")
    asker.start()
    asker.join(timeout_ms / 1000 + 0.5)
    return answered == [True]


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
