"""The work-around for PySide6 6.12.0's emit() reference leak keeps True alive through a long session."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from app.ui.qtcompat import emit
from app.ui.session import Session
from app.ui.tabs import SelfEvalTab
from tests.ui.helpers import select, type_text


class _Sender(QObject):
    fired = Signal(object, int)


def test_many_emits_keep_the_reference_count_of_true() -> None:
    sender = _Sender()
    got: list[int] = []
    sender.fired.connect(lambda _obj, n: got.append(n))
    before = sys.getrefcount(True)
    for n in range(2000):  # more than the few hundred references True starts with
        emit(sender.fired, None, n)
    assert len(got) == 2000
    assert abs(sys.getrefcount(True) - before) <= 2


def test_a_typing_session_keeps_the_reference_count_of_true(qtbot: QtBot, db, pid) -> None:  # type: ignore[no-untyped-def]
    tab = SelfEvalTab(Session(db, pid))
    qtbot.addWidget(tab)
    tab.show()
    # Earlier tests' cyclic garbage may hold True; collected mid-loop it would look like a leak.
    gc.collect()
    before = sys.getrefcount(True)
    for n in range(40):
        select(tab.view, "self_eval.executed")
        type_text(tab.view, str(1000 + n))
    tab.session.undo()
    tab.session.redo()
    assert sys.getrefcount(True) >= before - 5  # (more holders of True is fine; fewer is the leak)
