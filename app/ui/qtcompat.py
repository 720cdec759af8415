"""Work-arounds for bugs of the Qt binding, kept in one place.

PySide6 6.12.0 on Python 3.11: every ``SignalInstance.emit()`` called from Python drops one reference
to the bool it returns.  After a few hundred emits ``True`` is freed and the interpreter aborts
("Fatal Python error: bool_dealloc") — mid-session or at exit.  :func:`emit` gives the reference back
when (and only when) a probe at import shows the binding has that bug, so a fixed binding needs no change.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


def _emit_loses_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost > 0:  # give back what the probe itself took
        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost >= 4


EMIT_LOSES_A_REFERENCE = _emit_loses_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, without the reference leak of the buggy binding."""
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]  # the stubs say None; it is a bool
    if EMIT_LOSES_A_REFERENCE and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
