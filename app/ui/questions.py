"""The window's yes/no questions and the short list of errors a refusal shows, worded alike everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

if TYPE_CHECKING:
    from app.domain.rules import Issue

_YES, _NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def ask(parent: QWidget | None, title: str, text: str, *, default_no: bool = False) -> bool:
    """是/否; ``default_no`` for what deletes or replaces (Enter then answers 否)."""
    if default_no:
        return QMessageBox.question(parent, title, text, _YES | _NO, _NO) == _YES
    return QMessageBox.question(parent, title, text, _YES | _NO) == _YES


def error_lines(errors: Sequence[Issue], limit: int) -> str:
    """The first ``limit`` errors as “· message” lines, and how many there are in all when more."""
    lines = "\n".join(f"· {i.message}" for i in errors[:limit])
    return lines + (f"\n……共 {len(errors)} 个错误" if len(errors) > limit else "")
