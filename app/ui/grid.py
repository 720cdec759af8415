"""A form as a grid of cells (labels, inputs bound to field paths, computed figures), shown in a table view.

Each tab builds a :class:`Grid` from the form spec (rows, merged headers, spans).  The model reads values
lazily from the session's packet and evaluation, so after an edit a repaint of the visible cells is all
that is needed (no rebuild); the grid is rebuilt only when the shape of the form changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMainWindow,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.domain.edits import Edit, set_cell
from app.domain.numbers import Kind, format_money, format_score
from app.domain.paths import PathError, get_or_blank, get_value
from app.domain.rules import Issue
from app.ui.qtcompat import emit
from app.ui.session import Session

Index = QModelIndex | QPersistentModelIndex


class Role(Enum):
    TITLE = "title"
    HEADER = "header"
    LABEL = "label"
    INPUT = "input"  # bound to a field path, editable
    COMPUTED = "computed"  # a figure from the evaluation, read-only


@dataclass
class Cell:
    role: Role
    text: str = ""  # label text
    path: str = ""  # INPUT: field path; COMPUTED: computed key
    kind: Kind = Kind.TEXT
    row_span: int = 1
    col_span: int = 1
    indent: int = 0
    #: for cells that stand for several fields (a merged 一级指标 cell): what to show, what an edit does
    display: Callable[[], str] | None = None
    edit: Callable[[str], list[Edit]] | None = None
    issue_paths: tuple[str, ...] = ()
    #: COMPUTED: the cell where a packet states the same figure (imported packages carry stated figures;
    #: a stated figure that disagrees is reported, and Delete on the computed cell clears it)
    stated: str = ""
    #: an indicator's 得分: the computed key of its suggested score (national guidance), shown beside it
    suggest: str = ""
    group: bool = False  # a merged 一级/二级 label standing for several rows

    @property
    def is_group(self) -> bool:
        """A cell standing for several fields (a merged 一级/二级 label): edited on purpose only (F2,
        double-click), never by a stray keystroke or a Tab that lands on it."""
        return self.group or self.edit is not None

    @property
    def is_stop(self) -> bool:
        """Where Tab/Shift+Tab/Enter stop: an input cell that one keystroke may overwrite."""
        return self.role is Role.INPUT and not self.is_group


#: computed figures without a stated twin in the packet
_NO_STATED = ("weight_total", "income_total", "spending_total", "indicator_weight_total", "indicator_score_total")


def stated_path(key: str) -> str:
    """The packet field that states computed figure ``key`` (``basic.control_rate`` → ``basic.staff.control_rate``)."""
    if key == "basic.control_rate":
        return "basic.staff.control_rate"
    if key.endswith(".execution_score"):
        return key.removesuffix("execution_score") + "score"
    if key.endswith(_NO_STATED):
        return ""
    return key


def title(text: str, span: int) -> Cell:
    return Cell(Role.TITLE, text, col_span=span)


def header(text: str, span: int = 1, rows: int = 1) -> Cell:
    return Cell(Role.HEADER, text, col_span=span, row_span=rows)


def label(text: str, span: int = 1, rows: int = 1, indent: int = 0) -> Cell:
    return Cell(Role.LABEL, text, col_span=span, row_span=rows, indent=indent)


def field_cell(path: str, kind: Kind = Kind.MONEY, span: int = 1, rows: int = 1) -> Cell:
    return Cell(Role.INPUT, path=path, kind=kind, col_span=span, row_span=rows)


def computed(key: str, kind: Kind = Kind.MONEY, span: int = 1, rows: int = 1) -> Cell:
    stated = stated_path(key)
    return Cell(
        Role.COMPUTED, path=key, kind=kind, col_span=span, row_span=rows, stated=stated,
        issue_paths=(stated,) if stated and stated != key else (),
    )  # fmt: skip


class Grid:
    """Cells placed left to right, skipping positions covered by a span from an earlier row."""

    def __init__(self, columns: int, widths: tuple[int, ...]) -> None:
        self.columns = columns
        self.widths = widths
        self.origins: dict[tuple[int, int], Cell] = {}
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}
        self.owners: dict[int, tuple[str, int]] = {}  # row → (list path, index) of the item it shows
        self.tall_rows: set[int] = set()
        self.rows = 0

    def add(self, *cells: Cell, owner: tuple[str, int] | None = None, tall: bool = False) -> int:
        r = self.rows
        col = 0
        for cell in cells:
            while (r, col) in self.covered:
                col += 1
            if col + cell.col_span > self.columns:
                raise ValueError(f"row {r}: cells overflow {self.columns} columns")
            self.origins[(r, col)] = cell
            for dr in range(cell.row_span):
                for dc in range(cell.col_span):
                    self.covered[(r + dr, col + dc)] = (r, col)
            col += cell.col_span
        if owner is not None:
            self.owners[r] = owner
        if tall:
            self.tall_rows.add(r)
        self.rows += 1
        return r

    def cell_at(self, row: int, col: int) -> tuple[int, int, Cell] | None:
        origin = self.covered.get((row, col))
        if origin is None:
            return None
        return origin[0], origin[1], self.origins[origin]

    def stops(self) -> list[tuple[int, int]]:
        """The input cells in reading order (row by row, left to right): where Tab, Shift+Tab and Enter go."""
        return sorted(pos for pos, cell in self.origins.items() if cell.is_stop)

    def position_of(self, path: str) -> tuple[int, int] | None:
        for pos, cell in self.origins.items():
            if cell.path == path or path in cell.issue_paths:
                return pos
        return None


# Colours: computed figures are visibly different from what the clerk types (a cool grey-blue).
COMPUTED_BG = QColor("#e4ecf5")
HEADER_BG = QColor("#eeeeee")
ERROR_BG = QColor("#f8c9c9")
WARNING_BG = QColor("#fbe9b7")
UNSAVED_BG = QColor("#ffb870")  # typed, but the database has refused it so far: never silently lost
COMPUTED_FG = QColor("#1d3f6e")


class GridModel(QAbstractTableModel):
    def __init__(self, session: Session, grid: Grid) -> None:
        super().__init__()
        self.session = session
        self.grid = grid
        self._by_path: dict[str, list[tuple[int, int]]] | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._title = QFont()
        self._title.setBold(True)
        self._title.setPointSizeF(self._title.pointSizeF() * 1.25)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.grid.rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.grid.columns

    def cell(self, index: Index) -> Cell | None:
        return self.grid.origins.get((index.row(), index.column()))

    def refresh(self) -> None:
        """Repaint every cell from the current evaluation (the view asks only for the visible ones)."""
        if self.grid.rows:
            emit(self.dataChanged, self.index(0, 0), self.index(self.grid.rows - 1, self.grid.columns - 1))

    def refresh_paths(self, paths: set[str]) -> None:
        """Repaint only the cells showing one of ``paths`` (an edit moves a handful of figures)."""
        by_path = self._positions()
        for path in paths:
            for r, c in by_path.get(path, ()):
                index = self.index(r, c)
                emit(self.dataChanged, index, index)

    def _positions(self) -> dict[str, list[tuple[int, int]]]:
        if self._by_path is None:
            self._by_path = {}
            for pos, cell in self.grid.origins.items():
                for path in {cell.path, *cell.issue_paths} - {""}:
                    self._by_path.setdefault(path, []).append(pos)
        return self._by_path

    # --- reading ---------------------------------------------------------------------------------

    def raw_text(self, cell: Cell) -> str:
        if cell.display is not None:
            return cell.display()
        raw = get_or_blank(self.session.packet, cell.path)
        return "" if raw is None else str(raw)

    def shown_text(self, cell: Cell) -> str:
        if cell.role is Role.COMPUTED:
            fig = self.session.evaluation.computed.figures.get(cell.path)
            if fig is None:
                return "——"
            return format_money(fig.value, grouping=True) if fig.kind is Kind.MONEY else fig.text
        if cell.role is Role.INPUT:
            text = self.raw_text(cell)
            if cell.indent and cell.kind is Kind.TEXT:
                return "　" * cell.indent + text  # sub-lines indented as printed; the value stays as typed
            if cell.kind is Kind.MONEY and text:
                parsed = self.session.evaluation.cells.parsed.get(cell.path)
                if parsed is not None and parsed.ok and parsed.value is not None:
                    return format_money(parsed.value, grouping=True)  # 千分位; the raw text is kept
            if cell.suggest:
                return text + self.suggestion(cell)
            return text
        return cell.text

    def suggestion(self, cell: Cell) -> str:
        """“（建议9.5）” beside an entered 得分 that differs from the national guidance's score."""
        fig = self.session.evaluation.computed.figures.get(cell.suggest)
        if fig is None or fig.value is None:
            return ""
        entered = self.session.evaluation.cells.value(cell.path)
        if entered is not None and format_score(entered) == fig.text:
            return ""
        return f"（建议{fig.text}）"

    def stated_raw(self, cell: Cell) -> str:
        if not cell.stated:
            return ""
        try:
            raw = get_value(self.session.packet, cell.stated)
        except PathError:
            return ""
        return "" if raw is None or isinstance(raw, dict) else str(raw)

    def issues(self, cell: Cell) -> list[Issue]:
        index = self.session.issue_index
        found: list[Issue] = []
        for path in (cell.path, *cell.issue_paths):
            for issue in index.get(path, ()):
                if issue not in found:
                    found.append(issue)
        return found

    def unsaved(self, cell: Cell) -> str:
        """Why this cell's edit is not in the database yet ("" when it is)."""
        marks = self.session.marks
        for path in (cell.path, *cell.issue_paths):
            if path in marks:
                return marks[path]
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.shown_text(cell)
        if role == Qt.ItemDataRole.EditRole:
            return self.raw_text(cell)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.session.marks and cell.role is Role.INPUT and self.unsaved(cell):
                return QBrush(UNSAVED_BG, Qt.BrushStyle.Dense3Pattern)
            if cell.role in (Role.INPUT, Role.COMPUTED):
                issues = self.issues(cell) if cell.role is Role.INPUT or cell.path else []
                if any(i.is_error for i in issues):
                    return QBrush(ERROR_BG)
                if issues:
                    return QBrush(WARNING_BG)
            if cell.role is Role.COMPUTED:
                return QBrush(COMPUTED_BG)
            if cell.role is Role.HEADER:
                return QBrush(HEADER_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and cell.role is Role.COMPUTED:
            return QBrush(COMPUTED_FG)
        if role == Qt.ItemDataRole.ToolTipRole:
            issues = self.issues(cell)
            tips = [f"【{i.severity.label}】{i.message}" for i in issues]
            why = self.unsaved(cell) if cell.role is Role.INPUT else ""
            if why:
                tips.insert(0, f"【未保存】{why}")
            if cell.role is Role.COMPUTED:
                stated = self.stated_raw(cell)
                note = f"；原填报值“{stated}”（按Delete清除，以计算值为准）" if stated else ""
                tips.insert(0, f"自动计算，不可修改{note}")
            return "\n".join(tips) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if cell.role in (Role.TITLE, Role.HEADER) or (cell.row_span > 1 and cell.kind is not Kind.TEXT):
                return int(Qt.AlignmentFlag.AlignCenter)  # headers, and figures merged over several rows
            if cell.role is Role.LABEL:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            if cell.kind is Kind.TEXT:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            if cell.role is Role.TITLE:
                return self._title
            if cell.role is Role.HEADER:
                return self._bold
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        cell = self.cell(index)
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if cell is not None and cell.role is Role.INPUT:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    # --- writing ---------------------------------------------------------------------------------

    def edits_for(self, cell: Cell, text: str) -> list[Edit]:
        """The edits typing ``text`` into ``cell`` makes (stored as typed; a blank cell is None)."""
        if cell.edit is not None:
            return cell.edit(text)
        old = get_or_blank(self.session.packet, cell.path)
        # a cleared text field stays text ("", as the model declares it); a cleared figure is None
        new: str | None = text if text.strip() else ("" if cell.kind is Kind.TEXT and isinstance(old, str) else None)
        if old == new or (old is not None and new is not None and str(old) == new):
            return []
        return [set_cell(self.session.packet, cell.path, new)]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        cell = self.cell(index)
        if role != Qt.ItemDataRole.EditRole or cell is None or cell.role is not Role.INPUT:
            return False
        self.session.commit(self.edits_for(cell, "" if value is None else str(value)))
        return True


class ParagraphDelegate(QStyledItemDelegate):
    """Paragraph cells (年度总体目标, 厉行节约保障措施) edit in a multi-line box: Enter starts a new line,
    leaving the cell (Tab, a click elsewhere) commits it.

    Tab, Shift+Tab and Enter in any editor are handled here rather than by Qt's defaults: the view is told
    where to go (:attr:`FormView.pending_move`), then the editor is committed and closed, and the view moves
    to the next *input* cell of its grid — never onto a label, a computed figure or a merged group label.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model = index.model()
        if isinstance(model, GridModel) and index.row() in model.grid.tall_rows:
            return QPlainTextEdit(parent)
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            editor.moveCursor(QTextCursor.MoveOperation.End)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QPlainTextEdit):
            model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QWidget) and isinstance(event, QKeyEvent):
            move = _MOVES.get(Qt.Key(event.key()))
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if move == "down" and isinstance(editor, QPlainTextEdit) and not ctrl:
                move = None  # Enter in a paragraph is a new line; Ctrl+Enter ends the edit
            if move is not None and not (ctrl and move != "down"):
                viewport = editor.parent()
                view = viewport.parent() if viewport is not None else None
                if isinstance(view, FormView):
                    view.pending_move = move
                emit(self.commitData, editor)
                emit(self.closeEditor, editor, QAbstractItemDelegate.EndEditHint.NoHint)
                return True
        return super().eventFilter(editor, event)


_MOVES: dict[Qt.Key, str] = {
    Qt.Key.Key_Tab: "next",
    Qt.Key.Key_Backtab: "previous",
    Qt.Key.Key_Return: "down",
    Qt.Key.Key_Enter: "down",
}


class FormView(QTableView):
    """A table view that behaves like a spreadsheet: type to edit, Enter moves down, Tab moves right,
    Ctrl+V pastes a tab-separated block copied from Excel/WPS, Delete clears.

    Keyboard entry never loses a keystroke: Tab/Shift+Tab/Enter move only between the input cells of this
    grid (reading order, wrapping round), typing on a label or a computed figure beeps and says why in the
    status bar, a merged 一级/二级 label is edited only with F2 or a double-click, and a rebuild of the grid
    caused by the edit being committed waits until the editor is closed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.painted_at = 0.0
        #: where to go once the open editor is closed ("next", "previous", "down"), set by the delegate
        self.pending_move: str | None = None
        #: a rebuild asked for while an editor was being committed; run when the editor has closed
        self.pending_rebuild: Callable[[], None] | None = None
        #: asked before an editor opens (the packet's 已审核/已打印 state, a read-only packet); False refuses
        self.may_edit: Callable[[], bool] = lambda: True
        self.last_hint = ""
        self._committing = False
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(150)
        self._refit.timeout.connect(self._refit_rows)
        self._fit_when_shown = False
        self.setItemDelegate(ParagraphDelegate(self))
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet(
            "QTableView { gridline-color: #9a9a9a; selection-background-color: #cfe3ff; selection-color: black; }"
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted_at = time.perf_counter()  # read by benchmarks/gui_bench.py

    def grid_model(self) -> GridModel:
        model = self.model()
        assert isinstance(model, GridModel)
        return model

    def show_grid(self, model: GridModel) -> None:
        old = self.model()
        if self.state() == QAbstractItemView.State.EditingState and self.hasFocus() is False:
            # an editor still open while its edit rebuilds the grid: hand focus to the view first, so the editor's
            # focus-out commit (a no-op: its value is in) reaches the view that owns it, not the next model
            self.setFocus()
        self.clearSpans()
        self.setModel(model)
        if old is not None and old is not model:
            old.deleteLater()
        grid = model.grid
        for (r, c), cell in grid.origins.items():
            if cell.row_span > 1 or cell.col_span > 1:
                self.setSpan(r, c, cell.row_span, cell.col_span)
        self.fit_columns()
        if self.isVisible():
            self.fit_rows(range(grid.rows))
        else:  # a tab not on screen (or a window not yet shown): measured when it shows, not at start-up
            self._fit_when_shown = True

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        if self._fit_when_shown:
            self._fit_when_shown = False
            self.fit_columns()
            self.fit_rows(range(self.grid_model().grid.rows))
        super().showEvent(event)

    # --- sizes -----------------------------------------------------------------------------------

    def fit_columns(self) -> None:
        """The grid's widths, scaled to the room there is: text columns take the slack of a wide window
        (numbers keep their width), and every column shrinks a little before the grid scrolls sideways."""
        model = self.model()
        if not isinstance(model, GridModel):
            return
        widths = list(model.grid.widths)
        room = self.viewport().width() - 2
        total = sum(widths)
        if room <= 0 or not total:
            return
        if room < total:
            scale = max(0.8, room / total)
            sized = [int(w * scale) for w in widths]
        else:
            text = _text_columns(model.grid)
            growing = sum(widths[c] for c in text) or total
            slack = room - total
            sized = [w + (int(slack * w / growing) if (c in text or not text) else 0) for c, w in enumerate(widths)]
            # a text column never becomes wider than it is useful to read (≈45 characters)
            cap = self.fontMetrics().horizontalAdvance("汉") * 45
            sized = [min(s, max(w, cap)) for s, w in zip(sized, widths, strict=True)]
        for c, w in enumerate(sized):
            self.setColumnWidth(c, w)

    def fit_rows(self, rows: Iterable[int]) -> None:
        """Rows grow with wrapped text (long indicator names), up to a few lines; tall rows hold paragraphs."""
        model = self.model()
        if not isinstance(model, GridModel):
            return
        line = self.fontMetrics().height()
        for r in rows:
            if r >= model.grid.rows:
                continue
            before = self.rowHeight(r)
            self.resizeRowToContents(r)
            lines = 4 if r in model.grid.tall_rows else 1
            height = max(line * lines + 10, min(self.rowHeight(r) + 4, line * 6))
            if height != self.rowHeight(r) or height != before:
                self.setRowHeight(r, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_columns()
            self._refit.start()  # wrapped text needs other heights at the new widths (once, after the drag)

    def _refit_rows(self) -> None:
        model = self.model()
        if not isinstance(model, GridModel):
            return
        current = self.currentIndex()
        top = self.visualRect(current).top() if current.isValid() else None
        self.fit_rows(range(model.grid.rows))
        if top is not None:  # the cell being worked on stays where the clerk sees it
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + self.visualRect(current).top() - top)

    # --- navigation ------------------------------------------------------------------------------

    def go_to(self, row: int, col: int) -> None:
        index = self.model().index(row, col)
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.setFocus()

    def _origin(self) -> tuple[int, int] | None:
        current = self.currentIndex()
        if not current.isValid():
            return None
        hit = self.grid_model().grid.cell_at(current.row(), current.column())
        return (hit[0], hit[1]) if hit else (current.row(), current.column())

    def next_stop(self, forward: bool = True) -> tuple[int, int] | None:
        """The next (previous) input cell in reading order, wrapping round the grid."""
        stops = self.grid_model().grid.stops()
        if not stops:
            return None
        here = self._origin() or (-1, -1)
        if forward:
            return next((p for p in stops if p > here), stops[0])
        return next((p for p in reversed(stops) if p < here), stops[-1])

    def stop_below(self) -> tuple[int, int] | None:
        """Enter: the next input cell down the same column, else the next one in reading order."""
        here = self._origin()
        if here is None:
            return None
        grid = self.grid_model().grid
        col = self.currentIndex().column()
        hit = grid.cell_at(*here)
        row = here[0] + (hit[2].row_span if hit else 1)
        while row < grid.rows:
            below = grid.cell_at(row, col)
            if below is None:
                break
            if below[2].is_stop:
                return below[0], below[1]
            row = below[0] + below[2].row_span
        return self.next_stop()

    def step(self, how: str) -> None:
        target = self.stop_below() if how == "down" else self.next_stop(how == "next")
        if target is not None:
            index = self.model().index(*target)
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def moveCursor(self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        # Tab / Shift+Tab outside an editor (Qt asks for MoveNext/MovePrevious): input cells only, wrapping
        if cursorAction in (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious):
            target = self.next_stop(cursorAction == QAbstractItemView.CursorAction.MoveNext)
            return self.model().index(*target) if target else self.currentIndex()
        return super().moveCursor(cursorAction, modifiers)

    def edit(self, index: Index, trigger: Any = None, event: QEvent | None = None) -> bool:  # type: ignore[override]
        if trigger is None:  # the public slot edit(index): Qt calls back here with AllEditTriggers
            super().edit(index)
            return self.state() == QAbstractItemView.State.EditingState
        model = self.model()
        if not isinstance(model, GridModel) or not index.isValid():
            return bool(super().edit(index, trigger, event))  # type: ignore[arg-type]
        hit = model.grid.cell_at(index.row(), index.column())
        cell = hit[2] if hit else None
        typed = trigger == QAbstractItemView.EditTrigger.AnyKeyPressed
        if cell is None or trigger == QAbstractItemView.EditTrigger.CurrentChanged:
            return False
        if cell.role is not Role.INPUT or (typed and cell.is_group):
            if typed and _types_text(event):
                self.refuse(cell)
            return False
        if self.state() != QAbstractItemView.State.EditingState and not self.may_edit():
            return False
        return bool(super().edit(index, trigger, event))  # type: ignore[arg-type]

    def refuse(self, cell: Cell) -> None:
        """A keystroke that cannot go into this cell: beep and say why (nothing is typed anywhere)."""
        if cell.is_group:
            text = "这是合并的指标名称，一处修改会改动整组：要修改请按F2或双击；Tab键可到下一个可填写的单元格"
        elif cell.role is Role.COMPUTED:
            text = "这一格由程序自动计算，不能填写；按Tab键到下一个可填写的单元格"
        else:
            text = "这一格是表格的标题或说明，不能填写；按Tab键到下一个可填写的单元格"
        self.hint(text)
        QApplication.beep()

    def hint(self, text: str) -> None:
        self.last_hint = text
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 6000)

    def keyboardSearch(self, search: str) -> None:
        """Qt would jump to a cell starting with the typed letter: in a form that loses the keystroke."""

    def commitData(self, editor: QWidget) -> None:
        self._committing = True
        try:
            super().commitData(editor)
        finally:
            self._committing = False

    def defer_rebuild(self, rebuild: Callable[[], None]) -> bool:
        """Hold a rebuild while an editor is open or being committed (True): the editor survives, and the
        rebuild runs as soon as it has closed."""
        if self._committing or self.state() == QAbstractItemView.State.EditingState:
            self.pending_rebuild = rebuild
            return True
        return False

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        move, self.pending_move = self.pending_move, None
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and move is None:
            move = "down"  # Enter in an editor Qt handled itself
        elif hint == QAbstractItemDelegate.EndEditHint.EditNextItem:
            move = "next"
        elif hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem:
            move = "previous"
        origin = self._origin()
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        rebuild, self.pending_rebuild = self.pending_rebuild, None
        if rebuild is not None:
            rebuild()
            if origin is not None and origin[0] < self.grid_model().grid.rows:
                self.setCurrentIndex(self.model().index(*origin))
        elif origin is not None:
            self.fit_rows([origin[0]])  # the row grows with what was typed
        if move is not None:
            self.step(move)
        self.setFocus()

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste(QGuiApplication.clipboard().text())
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self.copy_text())
            return
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and ctrl:
            event.ignore()  # Ctrl+Tab: the next 附件 (the tab widget above handles it)
            return
        if self.state() != QAbstractItemView.State.EditingState:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.step("down")
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_selection_cells()
                return
        super().keyPressEvent(event)

    # --- block operations ------------------------------------------------------------------------

    def _selected_origins(self) -> list[tuple[int, int, Cell]]:
        model = self.grid_model()
        seen: dict[tuple[int, int], Cell] = {}
        for index in self.selectedIndexes():
            hit = model.grid.cell_at(index.row(), index.column())
            if hit is not None:
                seen[(hit[0], hit[1])] = hit[2]
        return [(r, c, cell) for (r, c), cell in sorted(seen.items())]

    def clear_selection_cells(self) -> None:
        model = self.grid_model()
        edits: list[Edit] = []
        for _r, _c, cell in self._selected_origins():
            if cell.role is Role.INPUT:
                edits += model.edits_for(cell, "")
            elif cell.role is Role.COMPUTED and model.stated_raw(cell):
                edits.append(set_cell(model.session.packet, cell.stated, None))
        model.session.commit(edits)

    def copy_text(self) -> str:
        model = self.grid_model()
        lines: dict[int, list[str]] = {}
        for r, _c, cell in self._selected_origins():
            lines.setdefault(r, []).append(model.raw_text(cell) if cell.role is Role.INPUT else model.shown_text(cell))
        return "\n".join("\t".join(v) for _, v in sorted(lines.items()))

    def paste(self, text: str) -> int:
        """Paste a tab-separated block at the current cell as one undo step; returns the cells changed.

        Values land on the visible columns from the current one (a merged cell takes one value);
        values that fall on labels or computed figures are skipped.
        """
        current = self.currentIndex()
        if not current.isValid() or not text:
            return 0
        model = self.grid_model()
        grid = model.grid
        rows = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if rows and rows[-1] == "":
            rows.pop()  # Excel ends the block with a newline
        edits: list[Edit] = []
        row = current.row()
        for line in rows:
            if row >= grid.rows:
                break
            col = current.column()
            for value in line.split("\t"):
                hit = grid.cell_at(row, col)
                if hit is None:
                    break
                r0, c0, cell = hit
                if cell.role is Role.INPUT and r0 == row:
                    edits += model.edits_for(cell, value.strip())
                col = c0 + cell.col_span
            row += 1
        model.session.commit(edits)
        return len(edits)

    def owner_of_current(self) -> tuple[str, int] | None:
        current = self.currentIndex()
        if not current.isValid():
            return None
        grid = self.grid_model().grid
        hit = grid.cell_at(current.row(), current.column())
        row = hit[0] if hit else current.row()
        for r in range(row, row + (hit[2].row_span if hit else 1)):
            if r in grid.owners:
                return grid.owners[r]
        return None


def _types_text(event: QEvent | None) -> bool:
    """A keystroke or an input-method commit (拼音 typed through ibus/fcitx) that would put text somewhere."""
    if isinstance(event, QKeyEvent):
        return bool(event.text().strip())
    if isinstance(event, QInputMethodEvent):
        return bool(event.commitString().strip())
    return False


def _text_columns(grid: Grid) -> set[int]:
    """Columns holding typed text in single-column cells (indicator names, 偏差原因): they take the slack."""
    count: dict[int, int] = {}
    for (_r, c), cell in grid.origins.items():
        if cell.role is Role.INPUT and cell.kind is Kind.TEXT and cell.col_span == 1:
            count[c] = count.get(c, 0) + 1
    return {c for c, n in count.items() if n >= 3}  # a list of them (indicators), not a pair of footer fields


def field_edit(session: Session, paths: list[str], value: Any) -> list[Edit]:
    """SetCell edits for the paths whose value differs from ``value``."""
    return [set_cell(session.packet, p, value) for p in paths if get_or_blank(session.packet, p) != value]
