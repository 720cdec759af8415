"""app/ui/instance.py: the first window answers a second start (from a thread, raising itself in the GUI thread);
no answer — nobody listening, a hung GUI thread, the wrong key, another user — means read-only."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui import instance
from app.ui.instance import InstanceLock, ask_first_to_raise


@pytest.fixture
def first(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[InstanceLock, list[str]]]:
    """The editing window's lock, listening; the list records the thread each raise ran in."""
    lock = InstanceLock(tmp_path / "perfeval.db")
    assert lock.acquire()
    lock.listen()
    assert lock.listener is not None
    raised: list[str] = []
    lock.on_raise = lambda: raised.append(threading.current_thread().name)
    yield lock, raised
    lock.release()


def _ask_in_background(db: Path) -> list[bool]:
    """A second start (its own thread stands in for its own process, so this GUI thread keeps running)."""
    result: list[bool] = []
    threading.Thread(target=lambda: result.append(ask_first_to_raise(db)), daemon=True).start()
    return result


def test_the_first_window_is_raised_in_the_gui_thread_and_answers(
    qtbot: QtBot, first: tuple[InstanceLock, list[str]]
) -> None:
    lock, raised = first
    result = _ask_in_background(lock.db_path)
    qtbot.waitUntil(lambda: bool(result), timeout=5000)
    assert result == [True]
    assert raised == [threading.main_thread().name]


def test_nobody_listening_is_no_answer(tmp_path: Path) -> None:
    start = time.perf_counter()
    assert not ask_first_to_raise(tmp_path / "perfeval.db")
    assert time.perf_counter() - start < 1.0


def test_a_hung_gui_thread_is_no_answer(qtbot: QtBot, first: tuple[InstanceLock, list[str]]) -> None:
    lock, raised = first
    # asked from the GUI thread itself, which therefore cannot run the raise: as if it were hung
    assert not ask_first_to_raise(lock.db_path, timeout_ms=int(instance.GUI_WAIT_S * 1000) + 500)
    assert raised == []
    qtbot.waitUntil(lambda: raised != [], timeout=2000)  # the request is served once the loop runs again


def test_the_wrong_key_is_refused_and_the_listener_keeps_answering(
    qtbot: QtBot, first: tuple[InstanceLock, list[str]]
) -> None:
    lock, raised = first
    with pytest.raises((AuthenticationError, EOFError, OSError)):
        Client(instance.address(lock.db_path), authkey=b"not the key").close()
    assert raised == []
    result = _ask_in_background(lock.db_path)
    qtbot.waitUntil(lambda: bool(result), timeout=5000)
    assert result == [True] and len(raised) == 1


def test_after_release_nobody_answers(qtbot: QtBot, first: tuple[InstanceLock, list[str]]) -> None:
    lock, raised = first
    thread = lock._thread
    lock.release()
    assert thread is not None and not thread.is_alive()
    result = _ask_in_background(lock.db_path)
    qtbot.waitUntil(lambda: bool(result), timeout=5000)
    assert result == [False] and raised == []
    assert lock.acquire()  # the lock file is free again; release() once more in the fixture is harmless


def test_another_user_and_another_database_get_other_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "perfeval.db"
    mine = instance.address(db)
    assert instance.address(tmp_path / "other.db") != mine
    assert instance.authkey(tmp_path / "other.db") != instance.authkey(db)
    monkeypatch.setattr(instance, "_user", lambda: "someone-else")
    assert instance.address(db) != mine
