"""Typing into the GUI the way a clerk does: key events, one character at a time (Chinese too)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.grid import FormView, GridModel


def key(
    widget: QWidget, code: Qt.Key, text: str = "", modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, code, modifiers, text))
    QApplication.processEvents()


def type_text(view: FormView, text: str, end: Qt.Key = Qt.Key.Key_Return) -> None:
    """Type ``text`` into the current cell (the first key opens the editor, like Excel), then Enter/Tab.

    qtbot.keyClicks types ASCII only (tech-notes): each character is sent as its own key event.
    """
    for i, ch in enumerate(text):
        target = view if i == 0 else (QApplication.focusWidget() or view)
        key(target, Qt.Key.Key_unknown, ch)
    key(QApplication.focusWidget() or view, end)


def cell_text(view: FormView, path: str) -> str:
    model = view.model()
    assert isinstance(model, GridModel)
    pos = model.grid.position_of(path)
    assert pos is not None, path
    return str(model.data(model.index(*pos)))


def select(view: FormView, path: str) -> None:
    model = view.model()
    assert isinstance(model, GridModel)
    pos = model.grid.position_of(path)
    assert pos is not None, path
    view.go_to(*pos)


def answer_box_with(monkeypatch, button_text: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The next QMessageBox built with buttons (not a static helper) is answered by clicking ``button_text``;
    returns the texts of the boxes answered."""
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def click(self: QMessageBox) -> int:
        seen.append(self.text())
        button = next(b for b in self.buttons() if b.text() == button_text)
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    return seen
