"""One open packet: the in-memory Packet, its evaluation, undo/redo, and the autosave to the database.

Every change the GUI makes goes through :meth:`Session.commit` as a group of domain edits: the group is
applied in memory, written to the database (one transaction), pushed on the undo stack, and the packet is
re-evaluated.  Views listen to :attr:`Session.changed` and repaint from ``session.evaluation``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.edits import Edit, InsertItem, RemoveItem, SetCell, apply_edit, invert, set_cell
from app.domain.evaluate import Evaluation, evaluate
from app.domain.model import Packet
from app.domain.packs import Pack
from app.domain.paths import get_or_blank
from app.domain.registry import pack_for
from app.domain.rules import Issue
from app.domain.shape import materialize
from app.ui.qtcompat import emit


class PacketStore(Protocol):
    """The part of :class:`app.storage.Database` a session needs."""

    def load_packet(self, packet_id: int) -> Packet: ...
    def apply(self, packet_id: int, edit: Edit) -> None: ...
    def apply_many(self, packet_id: int, edits: Sequence[Edit]) -> None: ...


#: SetCell paths ending like this change the shape of a table (merged 一级/二级 cells, list labels).
_LAYOUT_FIELDS = ("level1", "level2", "level1_weight", "name", "title")
_HEADER_PATHS = ("template", "template_version", "catalogue", "year", "unit")


def is_structural(edit: Edit) -> bool:
    """Whether views must rebuild their layout (rows, spans, which cells are editable) after ``edit``."""
    if not isinstance(edit, SetCell):
        return True
    if edit.path.startswith("scoring_rule") or edit.path in _HEADER_PATHS:
        return True
    return edit.path.rsplit(".", 1)[-1] in _LAYOUT_FIELDS


class Session(QObject):
    #: (edits just applied, 1 if structural) — emitted after the packet was re-evaluated
    # Emitted through app.ui.qtcompat.emit (PySide6 6.12.0 loses a reference to True on every emit).
    changed = Signal(object, int)
    #: (1 saved / 0 not saved, Chinese status text)
    saved = Signal(int, str)

    def __init__(self, store: PacketStore, packet_id: int) -> None:
        super().__init__()
        self.store = store
        self.packet_id = packet_id
        self.packet: Packet = store.load_packet(packet_id)
        #: the template pack the packet was filled on (its version, when this installation has it)
        self.pack: Pack = pack_for(self.packet)
        materialize(self.pack, self.packet)  # every cell the forms show exists, so every cell can be typed into
        self.undo_stack: list[list[Edit]] = []
        self.redo_stack: list[list[Edit]] = []
        self.unsaved: list[list[Edit]] = []  # groups not yet written (a failed write is retried on the next)
        self._save_scheduled = False
        self.evaluation: Evaluation = evaluate(self.packet, self.pack)
        self.issue_index: dict[str, list[Issue]] = {}
        self._index_issues()
        #: paths and computed keys whose shown value or marking changed with the last edit group
        self.changed_paths: set[str] = set()

    # --- editing ----------------------------------------------------------------------------------

    def set(self, path: str, new: Any) -> bool:
        """Set one cell; returns False when nothing changed."""
        if get_or_blank(self.packet, path) == new:
            return False
        self.commit([set_cell(self.packet, path, new)])
        return True

    def commit(self, edits: Sequence[Edit]) -> None:
        """Apply a group of edits (one undo step, one database transaction)."""
        group = list(edits)
        if not group:
            return
        # The stacks are updated before the views hear of the change (they show what can be undone).
        self.undo_stack.append(group)
        self.redo_stack.clear()
        self._apply(group)

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        group = self.undo_stack.pop()
        self.redo_stack.append(group)
        self._apply([invert(e) for e in reversed(group)])
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        group = self.redo_stack.pop()
        self.undo_stack.append(group)
        self._apply(group)
        return True

    def _apply(self, group: list[Edit]) -> None:
        # Apply one by one: later edits of a group (e.g. a paste) may depend on earlier ones.
        done: list[Edit] = []
        for edit in group:
            apply_edit(self.packet, edit)
            done.append(edit)
        self.unsaved.append(done)
        old_figures, old_issues = self.evaluation.computed.figures, self.issue_index
        if any(not isinstance(e, SetCell) for e in done):
            materialize(self.pack, self.packet)  # a new project/row gets the pack's rows
        self.evaluation = evaluate(self.packet, self.pack)
        self._index_issues()
        # What views must repaint: the edited cells, the figures that moved, the cells whose marks changed.
        figures = self.evaluation.computed.figures
        changed = {e.path for e in done if isinstance(e, SetCell)}
        changed.update(k for k, fig in figures.items() if old_figures.get(k) != fig)
        changed.update(k for k in old_figures.keys() - figures.keys())
        issues = self.issue_index
        changed.update(p for p in issues.keys() | old_issues.keys() if issues.get(p) != old_issues.get(p))
        self.changed_paths = changed
        emit(self.changed, done, int(any(is_structural(e) for e in done)))
        # The write follows at once, in the next turn of the event loop: the clerk sees the new figures
        # first, the disk catches up a few milliseconds later (flush() forces it: closing, switching).
        if not self._save_scheduled:
            self._save_scheduled = True
            QTimer.singleShot(0, self.flush)

    def flush(self) -> bool:
        """Write every edit not yet in the database, in order; False when the database refused."""
        self._save_scheduled = False
        if not self.unsaved:
            return True
        try:
            while self.unsaved:
                g = self.unsaved[0]
                if len(g) == 1:
                    self.store.apply(self.packet_id, g[0])
                else:
                    self.store.apply_many(self.packet_id, g)
                self.unsaved.pop(0)
        except Exception as exc:
            # Whatever the database fails with (disk full, locked file, a StorageError), the edits stay in
            # memory and are written with the next one: the clerk loses nothing and is told so.
            from app.crash import report_crash

            report_crash(exc)
            emit(self.saved, 0, f"未保存（{len(self.unsaved)}处修改待保存）：{exc}")
            return False
        emit(self.saved, 1, f"已自动保存 {_dt.datetime.now():%H:%M:%S}")
        return True

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
