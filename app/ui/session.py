"""One open packet: the in-memory Packet, its evaluation, undo/redo, and the autosave to the database.

Every change the GUI makes goes through :meth:`Session.commit` as a group of domain edits: the group is
applied in memory, written to the database (one transaction), pushed on the undo stack, and the packet is
re-evaluated.  Views listen to :attr:`Session.changed` and repaint from ``session.evaluation``.
"""

from __future__ import annotations

import datetime as _dt
import errno
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

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
    def apply(self, packet_id: int, edit: Edit, *, wait_ms: int | None = None) -> None: ...
    def apply_many(self, packet_id: int, edits: Sequence[Edit], *, wait_ms: int | None = None) -> None: ...


#: SetCell paths ending like this change the shape of a table (merged 一级/二级 cells, list labels).
_LAYOUT_FIELDS = ("level1", "level2", "level1_weight", "name", "title")
_HEADER_PATHS = ("template", "template_version", "catalogue", "year", "unit")

#: How long an autosave waits for a database another program holds locked before it gives up for now
#: (the window must not freeze); it is retried after RETRY_MS[n] (the last one repeats).
WRITE_WAIT_MS = 150
RETRY_MS = (1000, 2000, 4000, 5000)


def is_structural(edit: Edit) -> bool:
    """Whether views must rebuild their layout (rows, spans, which cells are editable) after ``edit``."""
    if not isinstance(edit, SetCell):
        return True
    if edit.path.startswith("scoring_rule") or edit.path in _HEADER_PATHS:
        return True
    return edit.path.rsplit(".", 1)[-1] in _LAYOUT_FIELDS


@dataclass(frozen=True)
class WriteFailure:
    """Why the database refused a write.  ``lasting``: this edit itself is refused (a blank unit name, a
    name+year that exists) and retrying will not help; otherwise the file is busy, full or read-only and
    the write is retried."""

    kind: str  # locked | full | readonly | io | refused
    message: str

    @property
    def lasting(self) -> bool:
        return self.kind == "refused"


def classify(exc: BaseException) -> WriteFailure:
    """Turn whatever a write raised into a :class:`WriteFailure` with a Chinese message."""
    texts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(texts) < 8:
        texts.append(str(seen).lower())
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            texts.append("disk is full")
        seen = seen.__cause__ or seen.__context__
    text = " ".join(texts)
    if "locked" in text or "busy" in text or "占用" in text:
        return WriteFailure("locked", "数据库正被其他程序占用，修改暂未保存，稍后自动重试")
    if "full" in text or "no space" in text or "空间已满" in text:
        return WriteFailure("full", "磁盘空间已满，修改暂未保存；请腾出磁盘空间，程序会自动重试")
    if "readonly" in text or "read-only" in text or "permission" in text or "只读" in text:
        return WriteFailure("readonly", "数据库文件是只读的（或没有写入权限），修改暂未保存，稍后自动重试")
    if any(t in text for t in ("disk i/o", "i/o error", "unable to open", "磁盘读写")) or isinstance(exc, OSError):
        return WriteFailure("io", "磁盘读写失败，修改暂未保存，稍后自动重试")
    message = str(exc) or type(exc).__name__
    return WriteFailure("refused", message.replace("，本次修改未保存", ""))


@dataclass
class Refusal:
    """An edit group the database refused for good, and the cells of it no later saved edit has replaced."""

    group: list[Edit]
    failure: WriteFailure
    remaining: set[str]


def edit_paths(group: Sequence[Edit]) -> set[str]:
    return {e.path if isinstance(e, SetCell) else e.list_path for e in group}


#: "write the queue now": posted at low priority, so it comes after the repaint Qt has just posted (its
#: UpdateRequest is low priority too, and posted events of one priority keep their order)
_FLUSH = QEvent.Type(QEvent.registerEventType())


class Session(QObject):
    #: (edits just applied, 1 if structural) — emitted after the packet was re-evaluated
    # Emitted through app.ui.qtcompat.emit (PySide6 6.12.0 loses a reference to True on every emit).
    changed = Signal(object, int)
    #: (1 saved / 0 not saved, Chinese status text)
    saved = Signal(int, str)
    #: a write was refused for a new reason: (kind, Chinese message) — the window says so once, in a dialog
    failed = Signal(str, str)

    def __init__(self, store: PacketStore, packet_id: int, *, readonly: str = "") -> None:
        super().__init__()
        self.store = store
        self.packet_id = packet_id
        #: not "" for a packet shown but never written (the 示例, a second window): why, in Chinese
        self.readonly = readonly
        self.packet: Packet = store.load_packet(packet_id)
        #: the template pack the packet was filled on (its version, when this installation has it)
        self.pack: Pack = pack_for(self.packet)
        materialize(self.pack, self.packet)  # every cell the forms show exists, so every cell can be typed into
        self.undo_stack: list[list[Edit]] = []
        self.redo_stack: list[list[Edit]] = []
        self.unsaved: list[list[Edit]] = []  # groups not yet written, in order (retried until written)
        #: groups the database refused for good (a blank unit name…): kept in memory, marked, never dropped
        #: silently; a later edit of the same cells that is saved makes them moot
        self.refused: list[Refusal] = []
        self.failure: WriteFailure | None = None  # why the queue is stuck (retrying), None when it is not
        #: asked before a change: False keeps the packet as it is (a 已审核 packet the clerk won't reopen)
        self.may_change: Callable[[], bool] = lambda: True
        self._save_scheduled = False
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.flush)
        self._retries = 0
        self.discarded = False
        self.evaluation: Evaluation = evaluate(self.packet, self.pack)
        self.issue_index: dict[str, list[Issue]] = {}
        self._index_issues()
        #: paths and computed keys whose shown value or marking changed with the last edit group
        self.changed_paths: set[str] = set()
        #: the paths of the edits written by the last flush (the window refreshes its list after a rename)
        self.last_saved: set[str] = set()
        #: cells whose edit is not in the database yet → why; and the cells whose mark the last flush changed
        self.marks: dict[str, str] = {}
        self.marks_changed: set[str] = set()

    # --- editing ----------------------------------------------------------------------------------

    def set(self, path: str, new: Any) -> bool:
        """Set one cell; returns False when nothing changed."""
        if get_or_blank(self.packet, path) == new:
            return False
        return self.commit([set_cell(self.packet, path, new)])

    def commit(self, edits: Sequence[Edit]) -> bool:
        """Apply a group of edits (one undo step, one database transaction); False when refused."""
        group = list(edits)
        if not group or not self.may_change():
            return False
        # The stacks are updated before the views hear of the change (they show what can be undone).
        self.undo_stack.append(group)
        self.redo_stack.clear()
        self._apply(group)
        return True

    def undo(self) -> bool:
        if not self.undo_stack or not self.may_change():
            return False
        group = self.undo_stack.pop()
        self.redo_stack.append(group)
        self._apply([invert(e) for e in reversed(group)])
        return True

    def redo(self) -> bool:
        if not self.redo_stack or not self.may_change():
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
        # The write follows at once, right after the repaint: the clerk sees the new figures first, the disk
        # catches up a few milliseconds later (flush() forces it: closing, switching).
        # While the database refuses (locked, full), the retry timer writes the queue; no keystroke waits.
        if not self._save_scheduled and not self._retry.isActive():
            self._save_scheduled = True
            QCoreApplication.postEvent(self, QEvent(_FLUSH), Qt.EventPriority.LowEventPriority.value)

    def event(self, e: QEvent) -> bool:  # Qt's name
        if e.type() == _FLUSH:
            if self._save_scheduled:  # not written meanwhile by an explicit flush()
                self.flush()
            return True
        return super().event(e)

    # --- saving -----------------------------------------------------------------------------------

    def flush(self, wait_ms: int = WRITE_WAIT_MS) -> bool:
        """Write every edit not yet in the database, in order; False while any edit is not saved.

        A write the database refuses for a while (locked by another program, disk full, read-only file)
        stops the queue and is retried by a timer; an edit refused for good (a blank unit name…) is set
        aside, marked, and the edits after it are still written."""
        self._save_scheduled = False
        self._retry.stop()
        if self.readonly:
            self.unsaved.clear()
            return True
        written: set[str] = set()
        new_failure: WriteFailure | None = None
        while self.unsaved:
            group = self.unsaved[0]
            try:
                if len(group) == 1:
                    self.store.apply(self.packet_id, group[0], wait_ms=wait_ms)
                else:
                    self.store.apply_many(self.packet_id, group, wait_ms=wait_ms)
            except Exception as exc:
                failure = classify(exc)
                if failure.lasting and all(isinstance(e, SetCell) for e in group):
                    # This edit itself is refused; the ones after it do not depend on it (a cell, not a row).
                    self.unsaved.pop(0)
                    self.refused.append(Refusal(group, failure, edit_paths(group)))
                    new_failure = failure
                    continue
                if self.failure is None or self.failure.kind != failure.kind:
                    new_failure = failure
                self.failure = failure
                self._schedule_retry()
                break
            self.unsaved.pop(0)
            written |= edit_paths(group)
            for refusal in self.refused:
                refusal.remaining -= edit_paths(group)  # a later value of the same cell was saved
            self.refused = [r for r in self.refused if r.remaining]
        else:
            self.failure = None
            self._retries = 0
        self.last_saved = written
        self._update_marks()
        if new_failure is not None:
            from app.crash import report_crash

            report_crash(RuntimeError(f"autosave: {new_failure.kind}: {new_failure.message}"))
            emit(self.failed, new_failure.kind, new_failure.message)
        ok = not self.unsaved and not self.refused
        emit(self.saved, int(ok), self.save_text())
        return ok

    def _schedule_retry(self) -> None:
        self._retry.start(RETRY_MS[min(self._retries, len(RETRY_MS) - 1)])
        self._retries += 1

    def save_text(self) -> str:
        """The status bar's words for the autosave."""
        if self.readonly:
            return self.readonly
        n = sum(len(g) for g in self.unsaved) + sum(len(r.group) for r in self.refused)
        if self.failure is not None:
            return f"未保存（{n}处修改）：{self.failure.message}"
        if self.refused:
            return f"未保存（{n}处修改）：{self.refused[-1].failure.message}——请改正标出的单元格"
        return f"已自动保存 {_dt.datetime.now():%H:%M:%S}"

    @property
    def pending(self) -> bool:
        """Whether anything typed is not in the database yet."""
        return bool(self.unsaved or self.refused)

    def _update_marks(self) -> None:
        old, self.marks = self.marks, self.unsaved_paths() if (self.failure or self.refused) else {}
        self.marks_changed = {p for p in old.keys() | self.marks.keys() if old.get(p) != self.marks.get(p)}

    def unsaved_paths(self) -> dict[str, str]:
        """Cells whose edit is not in the database → why (for the marks and tooltips)."""
        marks: dict[str, str] = {}
        for refusal in self.refused:
            for path in refusal.remaining:
                marks[path] = refusal.failure.message
        reason = self.failure.message if self.failure is not None else "正在保存"
        for group in self.unsaved:
            for path in edit_paths(group):
                marks.setdefault(path, reason)
        return marks

    def discard_unsaved(self) -> None:
        """The clerk chose to drop what the database refused: forget it (the window reloads the packet)."""
        self.unsaved.clear()
        self.refused.clear()
        self.failure = None
        self._retry.stop()
        self.discarded = True  # memory no longer matches the database: the window reads the packet again
        self._update_marks()

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
