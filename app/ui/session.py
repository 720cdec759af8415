"""One open packet: the in-memory Packet, its evaluation, undo/redo, and the autosave to the database.

Every change the GUI makes goes through :meth:`Session.commit` as a group of domain edits: the group is
applied in memory, written to the database (one transaction), pushed on the undo stack, and the packet is
re-evaluated.  Views listen to :attr:`Session.changed` and repaint from ``session.evaluation``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from app.domain.edits import Edit, InsertItem, RemoveItem, SetCell, apply_edit, invert, set_cell
from app.domain.evaluate import Evaluation, evaluate
from app.domain.model import Packet
from app.domain.paths import get_value
from app.domain.rules import Issue


class PacketStore(Protocol):
    """The part of :class:`app.storage.Database` a session needs."""

    def load_packet(self, packet_id: int) -> Packet: ...
    def apply(self, packet_id: int, edit: Edit) -> None: ...
    def apply_many(self, packet_id: int, edits: Sequence[Edit]) -> None: ...


#: SetCell paths ending like this change the shape of a table (merged 一级/二级 cells, list labels).
_LAYOUT_FIELDS = ("level1", "level2", "level1_weight", "name", "title")


def is_structural(edit: Edit) -> bool:
    """Whether views must rebuild their layout (rows, spans, which cells are editable) after ``edit``."""
    if not isinstance(edit, SetCell):
        return True
    if edit.path.startswith("scoring_rule") or edit.path in ("template", "year", "unit"):
        return True
    return edit.path.rsplit(".", 1)[-1] in _LAYOUT_FIELDS


class Session(QObject):
    #: (edits just applied, structural?) — emitted after the packet was re-evaluated
    changed = Signal(object, bool)
    #: (ok, Chinese status text)
    saved = Signal(bool, str)

    def __init__(self, store: PacketStore, packet_id: int) -> None:
        super().__init__()
        self.store = store
        self.packet_id = packet_id
        self.packet: Packet = store.load_packet(packet_id)
        self.undo_stack: list[list[Edit]] = []
        self.redo_stack: list[list[Edit]] = []
        self.unsaved: list[list[Edit]] = []  # groups the database refused (kept, retried on the next commit)
        self.evaluation: Evaluation = evaluate(self.packet)
        self.issue_index: dict[str, list[Issue]] = {}
        self._index_issues()

    # --- editing ----------------------------------------------------------------------------------

    def set(self, path: str, new: Any) -> bool:
        """Set one cell; returns False when nothing changed."""
        if get_value(self.packet, path) == new:
            return False
        self.commit([set_cell(self.packet, path, new)])
        return True

    def commit(self, edits: Sequence[Edit]) -> None:
        """Apply a group of edits (one undo step, one database transaction)."""
        group = list(edits)
        if not group:
            return
        self._apply(group)
        self.undo_stack.append(group)
        self.redo_stack.clear()

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        group = self.undo_stack.pop()
        self._apply([invert(e) for e in reversed(group)])
        self.redo_stack.append(group)
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        group = self.redo_stack.pop()
        self._apply(group)
        self.undo_stack.append(group)
        return True

    def _apply(self, group: list[Edit]) -> None:
        # Apply one by one: later edits of a group (e.g. a paste) may depend on earlier ones.
        done: list[Edit] = []
        for edit in group:
            apply_edit(self.packet, edit)
            done.append(edit)
        self._save(done)
        self.evaluation = evaluate(self.packet)
        self._index_issues()
        self.changed.emit(done, any(is_structural(e) for e in done))

    def _save(self, group: list[Edit]) -> None:
        self.unsaved.append(group)
        try:
            while self.unsaved:
                g = self.unsaved[0]
                if len(g) == 1:
                    self.store.apply(self.packet_id, g[0])
                else:
                    self.store.apply_many(self.packet_id, g)
                self.unsaved.pop(0)
        except Exception as exc:
            # Whatever the database fails with (disk full, locked file, a StorageError), the edit stays in
            # memory and is written with the next one: the clerk loses nothing and is told so.
            from app.crash import report_crash

            report_crash(exc)
            self.saved.emit(False, f"未保存（{len(self.unsaved)}处修改待保存）：{exc}")
            return
        self.saved.emit(True, f"已自动保存 {_dt.datetime.now():%H:%M:%S}")

    def _index_issues(self) -> None:
        index: dict[str, list[Issue]] = {}
        for issue in self.evaluation.issues:
            for path in {issue.field, *issue.cells}:
                index.setdefault(path, []).append(issue)
        self.issue_index = index


def list_edit_index(edit: Edit) -> tuple[str, int] | None:
    """(list path, index) of a row insert/remove, for views that select the row touched."""
    if isinstance(edit, InsertItem | RemoveItem):
        return edit.list_path, edit.index
    return None
