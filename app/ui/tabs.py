"""The form tabs, built from the packet's template pack: one tab per attachment of the packet
(附件1, 附件2 … with the rule selector where the pack scores), the project attachment as a list of projects
beside the form of the selected one.  The buttons come from the pack's blocks (a list adds its items, a
table's listed lines add lines, an indicator table adds indicators from the pack's catalogue)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.edits import Edit, SetCell, insert_item, remove_item, set_cell
from app.domain.model import Band, Indicator, Project, ScoringRule
from app.domain.numbers import Kind, format_score
from app.domain.packs import Attachment, IndicatorBlock, ListBlock, TableBlock, fill
from app.domain.paths import get_or_blank
from app.domain.plan import resolve
from app.domain.scoring import EXECUTION_RULES, rule_for, scores_under_all_rules
from app.domain.shape import new_item
from app.ui.grid import FormView, Grid, GridModel, label
from app.ui.questions import ask
from app.ui.session import Session, list_edit_index
from app.ui.sheet_grid import build_grid

BUTTON_TIPS = {
    "添加项目支出行": "在附件1的项目支出下增加一行（业务工作经费、运行维护经费或专项资金）",
    "添加专项明细": "在选中的专项资金行下增加一个专项明细",
    "添加楼堂馆所": "增加一行楼堂馆所控制情况",
    "删除所选行": "删除当前单元格所在的行（有内容时会先确认；可用Ctrl+Z撤销）",
    "添加目标": "在当前目标下方增加一行年度总体目标",
}


def filled(item: object) -> bool:
    """Whether a row holds anything typed (a blank new row is removed without asking)."""
    if isinstance(item, str):
        return bool(item.strip())
    if isinstance(item, list):
        return any(filled(x) for x in item)
    if isinstance(item, dict):
        return any(filled(x) for x in item.values())
    if hasattr(item, "__dataclass_fields__"):
        return any(filled(getattr(item, f)) for f in item.__dataclass_fields__ if f not in ("kind", "level1", "level2"))
    return item is not None


def confirm_removal(parent: QWidget, item: object, what: str = "这一行") -> bool:
    """删除 asks first when the row holds anything typed (undo brings it back, but a clerk should know)."""
    if not filled(item):
        return True
    name = getattr(item, "name", "") or getattr(item, "expected", "")
    subs = getattr(item, "lines", None)
    more = f"，连同其下{len(subs)}个专项明细" if subs else ""
    if isinstance(item, Project):
        inds = len(item.indicators)
        more = f"，连同它的资金、目标和{inds}个绩效指标" if inds else "，连同它的资金和目标"
    label = f"“{name[:30]}”" if name else what
    return ask(
        parent, "删除", f"删除{label}{more}吗？\n（删除后可以用Ctrl+Z撤销）",
        default_no=True,
    )  # fmt: skip


class FormTab(QWidget):
    """A grid built from the pack, with buttons for the rows the form lets the clerk add."""

    def __init__(self, session: Session, build: Callable[[Session], Grid]) -> None:
        super().__init__()
        self.session = session
        self.build = build
        self.view = FormView(self)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self.buttons)
        layout.addWidget(self.view, 1)
        self.rebuild()
        session.changed.connect(self.on_changed)
        session.saved.connect(self.on_saved)
        self.view.may_edit = lambda: session.may_change()

    def on_saved(self, _ok: int, _text: str) -> None:
        if self.session.marks_changed:
            self.model().refresh_paths(self.session.marks_changed)  # cells marked or unmarked 未保存

    def button(self, text: str, action: Callable[[], None], tip: str = "") -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(tip or BUTTON_TIPS.get(text, text))
        b.clicked.connect(action)
        self.buttons.addWidget(b)
        return b

    def model(self) -> GridModel:
        return self.view.grid_model()

    def rebuild(self) -> None:
        if self.view.defer_rebuild(self.rebuild):
            return  # an editor is open or being committed: it closes first, then the grid is rebuilt
        current = self.view.currentIndex()
        pos = (current.row(), current.column()) if current.isValid() else None
        self.view.show_grid(GridModel(self.session, self.build(self.session)))
        if pos is not None and pos[0] < self.model().grid.rows:
            self.view.setCurrentIndex(self.model().index(*pos))

    def on_changed(self, edits: Sequence[Edit], structural: int) -> None:
        if structural:
            self.rebuild()
            for edit in edits:
                target = list_edit_index(edit)
                if target is not None:
                    self.select_owner(target)
        else:
            model = self.model()
            model.refresh_paths(self.session.changed_paths)
            # rows grow with wrapped text however it came (typed, pasted, undone)
            typed = {e.path for e in edits if isinstance(e, SetCell)}
            cells = model.grid.origins
            rows = {r for p in typed for r, c in model._positions().get(p, ()) if cells[(r, c)].kind is Kind.TEXT}
            if rows:
                self.view.fit_rows(sorted(rows))

    def select_owner(self, owner: tuple[str, int]) -> None:
        grid = self.model().grid
        for row, o in grid.owners.items():
            if o == owner:
                col = self.view.currentIndex().column() if self.view.currentIndex().isValid() else 0
                self.view.go_to(row, max(0, col))
                return

    def locate(self, path: str) -> bool:
        pos = self.model().grid.position_of(path)
        if pos is None:
            return False
        self.view.go_to(*pos)
        return True

    # --- row operations ---------------------------------------------------------------------------

    def current_owner(self, list_path: str) -> tuple[str, int] | None:
        owner = self.view.owner_of_current()
        if owner is not None and owner[0] == list_path:
            return owner
        return None

    def insert(self, list_path: str, index: int, item: object) -> None:
        self.session.commit([insert_item(self.session.packet, list_path, index, item)])

    def remove_current_row(self) -> None:
        owner = self.view.owner_of_current()
        if owner is None:
            self.view.hint("请先选中要删除的行（目标、指标、项目支出行、专项明细或楼堂馆所）")
            return
        items = get_or_blank(self.session.packet, owner[0])
        item = items[owner[1]] if isinstance(items, list) and owner[1] < len(items) else None
        if not confirm_removal(self, item):
            return
        self.session.commit([remove_item(self.session.packet, owner[0], owner[1])])

    def add_to_list(self, list_path: str, values: dict[str, object] | None = None) -> None:
        """A new item after the current row of that list (or at its end)."""
        owner = self.current_owner(list_path)
        items = get_or_blank(self.session.packet, list_path)
        count = len(items) if isinstance(items, list) else 0
        self.insert(list_path, owner[1] + 1 if owner else count, new_item(self.session.packet, list_path, values))

    def add_sub_line(self, lines_list: str, sublist: str, values: dict[str, object] | None) -> None:
        """A named detail row under the current line (专项 under a 专项资金 group)."""
        owner = self.view.owner_of_current()
        if owner is None:
            return
        if owner[0] == lines_list:
            list_path, index = f"{lines_list}[{owner[1]}].{sublist}", 0
        elif owner[0].startswith(f"{lines_list}[") and owner[0].endswith(f".{sublist}"):
            list_path, index = owner[0], owner[1] + 1
        else:
            return
        self.insert(list_path, index, new_item(self.session.packet, list_path, values))

    # --- indicators -------------------------------------------------------------------------------

    def indicator_button(self, list_path: Callable[[], str], block: IndicatorBlock) -> QToolButton:
        """添加三级指标: under the current row; its menu adds under any 一级/二级 of the pack's catalogue."""
        b = QToolButton()
        b.setText("添加三级指标" if block.shape == "tree" else "添加指标")
        b.clicked.connect(lambda: self.add_indicator(list_path()))
        self.buttons.addWidget(b)
        b.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(b)
        menu.addAction("在当前行下方添加", lambda: self.add_indicator(list_path()))
        menu.addAction("从指标库选择…", lambda: self.add_from_library(list_path))
        catalogue = self.session.pack.catalogue(self.session.packet.catalogue)
        if block.shape == "tree" and catalogue is not None:
            for level1 in catalogue.level1:
                sub = menu.addMenu(f"添加到 {level1.name}")
                for level2 in level1.level2:
                    sub.addAction(level2, functools.partial(self.add_indicator_to, list_path, level1.name, level2))
        b.setMenu(menu)
        b.setToolTip("在当前行下方添加一个指标；点右侧箭头可从指标库选择，或添加到指定的一级/二级指标下")
        return b

    def indicators(self, list_path: str) -> list[Indicator]:
        items = get_or_blank(self.session.packet, list_path)
        return items if isinstance(items, list) else []

    def add_from_library(self, list_path: Callable[[], str]) -> None:
        """从指标库选择…: an indicator used before (or a catalogue group), searchable as you type."""
        from app.ui.library import LibraryDialog

        dialog = LibraryDialog(self, getattr(self.session.store, "library_indicators", None), self.session, pick=True)
        if dialog.exec() and dialog.chosen is not None:
            chosen = dialog.chosen
            path = list_path()
            inds = self.indicators(path)
            same1 = [i for i, ind in enumerate(inds) if ind.level1.strip() == chosen.level1]
            same2 = [i for i in same1 if inds[i].level2.strip() == chosen.level2]
            index = (same2 or same1 or [len(inds) - 1])[-1] + 1
            catalogue = self.session.pack.catalogue(self.session.packet.catalogue)
            if not same1 and catalogue is not None:
                chosen.level1_weight = catalogue.weight_of(chosen.level1) or None
            self.insert(path, index, chosen)

    def add_indicator_to(self, list_path: Callable[[], str], level1: str, level2: str) -> None:
        """A new 三级 row at the end of its 二级 group (or of its 一级 group, or of the table)."""
        path = list_path()
        inds = self.indicators(path)
        same1 = [i for i, ind in enumerate(inds) if ind.level1.strip() == level1]
        same2 = [i for i in same1 if inds[i].level2.strip() == level2]
        index = (same2 or same1 or [len(inds) - 1])[-1] + 1
        catalogue = self.session.pack.catalogue(self.session.packet.catalogue)
        weight = None if same1 or catalogue is None else (catalogue.weight_of(level1) or None)
        self.insert(path, index, Indicator(level1=level1, level1_weight=weight, level2=level2))

    def add_indicator(self, list_path: str) -> None:
        """A new row under the current row's 一级/二级 (or the catalogue's first when there is none)."""
        inds = self.indicators(list_path)
        owner = self.current_owner(list_path)
        catalogue = self.session.pack.catalogue(self.session.packet.catalogue)
        if owner is not None:
            at = owner[1]
            item = Indicator(level1=inds[at].level1, level2=inds[at].level2)
            index = at + 1
        elif inds:
            item = Indicator(level1=inds[-1].level1, level2=inds[-1].level2)
            index = len(inds)
        elif catalogue is not None and catalogue.level1:
            first = catalogue.level1[0]
            item = Indicator(level1=first.name, level1_weight=first.weight or None,
                             level2=first.level2[0] if first.level2 else "")
            index = 0
        else:
            item, index = Indicator(), 0
        self.insert(list_path, index, item)

    def add_block_buttons(self, att: Attachment, prefix: Callable[[], str]) -> None:
        """The buttons an attachment's blocks offer, then 删除所选行."""
        values = {"year": self.session.packet.year}
        for block in att.blocks:
            if isinstance(block, ListBlock):
                text = block.add or f"添加{block.name or fill(block.side, values)}"
                self.button(text, functools.partial(lambda b: self.add_to_list(resolve(b.list, prefix())), block))
            elif isinstance(block, TableBlock):
                for row in block.rows:
                    if row.lines is None:
                        continue
                    lines = row.lines
                    text = lines.add or f"添加{row.label.rstrip('：:')}行"
                    self.button(text, functools.partial(self.add_to_list, lines.list, dict(lines.new)))
                    if lines.sublist:
                        self.button(lines.add_sub or "添加明细", functools.partial(
                            self.add_sub_line, lines.list, lines.sublist, dict(lines.new_sub)))
            elif isinstance(block, IndicatorBlock):
                self.add_indicator_button = self.indicator_button(
                    functools.partial(lambda b: resolve(b.list, prefix()), block), block)
        self.button("删除所选行", self.remove_current_row)
        self.buttons.addStretch(1)


class ScoringPanel(QWidget):
    """The packet's 执行率 scoring rule (the pack's rules; each rule's own settings), and what 得分 would be
    under each rule for the scorecard at ``prefix``."""

    def __init__(self, session: Session, prefix: Callable[[], str]) -> None:
        super().__init__()
        self.session = session
        self.prefix = prefix
        self.kind = QComboBox()
        for kind in session.pack.rules:
            cls = EXECUTION_RULES[kind]
            self.kind.addItem(cls.title, kind)
        self.k_label = QLabel("k＝")
        self.k = QLineEdit()
        self.k.setMaximumWidth(60)
        self.bands = QLineEdit()
        self.under_all = QLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("执行率计分规则："))
        row.addWidget(self.kind)
        row.addWidget(self.k_label)
        row.addWidget(self.k)
        row.addWidget(QLabel("分档："))
        row.addWidget(self.bands, 1)
        row.addWidget(self.under_all, 2)
        self.refresh()
        self.kind.currentIndexChanged.connect(self.commit)
        self.k.editingFinished.connect(self.commit)
        self.bands.editingFinished.connect(self.commit)

    def refresh(self, full: bool = True) -> None:
        data = self.session.packet.scoring_rule
        rule = rule_for(data)
        if full:  # the rule itself changed (or undo): show it; otherwise only the scores below move
            for w in (self.kind, self.k, self.bands):
                w.blockSignals(True)
            self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
            self.k.setText("" if data.k is None else str(data.k))
            self.bands.setText("，".join(f"{b.min}:{b.ratio}" for b in data.bands))
            params = {p.name: p for p in rule.params}
            self.k.setEnabled("k" in params)
            self.bands.setEnabled("bands" in params)
            if "k" in params:
                self.k_label.setText(params["k"].label)
                self.k.setPlaceholderText(params["k"].placeholder)
                self.k.setToolTip(params["k"].tip)
            if "bands" in params:
                self.bands.setPlaceholderText(params["bands"].placeholder)
                self.bands.setToolTip(params["bands"].tip)
            for w in (self.kind, self.k, self.bands):
                w.blockSignals(False)
        ev = self.session.evaluation
        prefix = self.prefix()
        sp = next((x for x in ev.plan.scorecards if x.prefix == prefix), None)
        rate = ev.computed.value(f"{prefix}.execution_rate")
        weight = ev.cells.value(sp.path(sp.card.weight)) if sp is not None else None
        parts = [f"{name} {format_score(value)}"
                 for name, value in scores_under_all_rules(data, rate, weight, self.session.pack.rules).items()]
        self.under_all.setText("各规则下得分：" + "｜".join(parts))

    def current_rule(self) -> ScoringRule:
        kind = str(self.kind.currentData())
        k = self.k.text().strip() or None
        bands: list[Band] = []
        for part in self.bands.text().replace(",", "，").replace("；", "，").split("，"):
            if ":" in part.replace("：", ":"):
                lo, ratio = part.replace("：", ":").split(":", 1)
                bands.append(Band(min=lo.strip(), ratio=ratio.strip()))
        return ScoringRule(kind=kind, k=k, bands=bands)

    def commit(self) -> None:
        packet = self.session.packet
        rule = self.current_rule()
        if rule == packet.scoring_rule:
            return
        edits: list[Edit] = [set_cell(packet, "scoring_rule", rule)]
        if rule_for(packet.scoring_rule).entered and not rule_for(rule).entered:
            # the scores typed under 手工 would stay as hidden stated figures that contradict the new rule
            for sp in self.session.evaluation.plan.scorecards:
                path = sp.path(sp.card.score)
                if get_or_blank(packet, path) not in (None, ""):
                    edits.append(set_cell(packet, path, None))
        if not self.session.commit(edits):
            self.refresh(full=True)  # refused (a reviewed packet kept as it is): show the rule it still has


class AttachmentTab(FormTab):
    """One attachment of packet scope (附件1, 附件2 …); the rule selector above it when it is scored."""

    def __init__(self, session: Session, key: str) -> None:
        att = session.pack.attachment(key)
        assert att is not None, key
        self.attachment = att
        super().__init__(session, functools.partial(build_grid, key=key))
        self.add_block_buttons(att, lambda: "")
        self.scoring: ScoringPanel | None = None
        if att.scorecard is not None:
            root = att.scorecard.weight.split(".", 1)[0]
            self.scoring = ScoringPanel(session, lambda: root)
            layout = self.layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(0, self.scoring)

    def on_changed(self, edits: Sequence[Edit], structural: int) -> None:
        super().on_changed(edits, structural)
        if getattr(self, "scoring", None) is not None:
            assert self.scoring is not None
            self.scoring.refresh(full=bool(structural))


class BasicTab(AttachmentTab):
    """附件1 基础数据表 (hunan-dept's ``basic`` attachment)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, "basic")


class SelfEvalTab(AttachmentTab):
    """附件2 部门整体支出绩效自评表 (hunan-dept's ``self_eval`` attachment)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, "self_eval")


class ProjectsTab(QWidget):
    """The project attachment (附件3 …): the list of projects and the form of the selected one."""

    def __init__(self, session: Session, key: str | None = None) -> None:
        super().__init__()
        self.session = session
        att = session.pack.attachment(key) if key else session.pack.project_attachment
        assert att is not None
        self.attachment = att
        self.list = QListWidget()
        self.list.setMaximumWidth(240)
        add = QPushButton("添加项目")
        add.setToolTip("新增一个项目支出（一张附件3）")
        add.clicked.connect(self.add_project)
        remove = QPushButton("删除项目")
        remove.setToolTip("删除选中的项目（会先确认；可用Ctrl+Z撤销）")
        remove.clicked.connect(self.remove_project)
        left = QVBoxLayout()
        left.addWidget(QLabel("项目"))
        left.addWidget(self.list, 1)
        left.addWidget(add)
        left.addWidget(remove)
        left_w = QWidget()
        left_w.setLayout(left)
        self.form = FormTab(session, self._build)
        self.form.add_block_buttons(att, lambda: self.prefix)
        self.scoring: ScoringPanel | None = None
        if att.scorecard is not None and not any(a.scorecard for a in session.pack.attachments if a.scope == "packet"):
            self.scoring = ScoringPanel(session, lambda: self.prefix)  # a project pack: the rule lives here
            form_layout = self.form.layout()
            assert isinstance(form_layout, QVBoxLayout)
            form_layout.insertWidget(0, self.scoring)
        split = QSplitter()
        split.addWidget(left_w)
        split.addWidget(self.form)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)
        self.fill_list()
        self.list.currentRowChanged.connect(self.show_project)
        session.changed.connect(self.on_changed)

    @property
    def current(self) -> int:
        return max(0, self.list.currentRow())

    @property
    def prefix(self) -> str:
        return f"projects[{self.current}]"

    def _build(self, session: Session) -> Grid:
        if not session.packet.projects:
            g = Grid(8, (120,) * 8)
            g.add(label("本单位没有单独填报的项目；点“添加项目”新建一张项目支出绩效自评表。", 8))
            return g
        n = min(max(0, self.list.currentRow()) if hasattr(self, "list") else 0, len(session.packet.projects) - 1)
        return build_grid(session, self.attachment.key, n)

    def fill_list(self) -> None:
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for n, proj in enumerate(self.session.packet.projects):
            self.list.addItem(proj.name or f"项目{n + 1}")
        if self.list.count():
            self.list.setCurrentRow(min(max(row, 0), self.list.count() - 1))
        self.list.blockSignals(False)

    def show_project(self, _row: int) -> None:
        self.form.rebuild()
        if self.scoring is not None:
            self.scoring.refresh(full=False)

    def on_changed(self, edits: Sequence[Edit], structural: int) -> None:
        if self.scoring is not None:
            self.scoring.refresh(full=bool(structural))
        if structural:
            for edit in edits:
                target = list_edit_index(edit)
                if target is not None and target[0] == "projects":
                    self.fill_list()
                    self.list.setCurrentRow(min(target[1], self.list.count() - 1))
                    self.form.rebuild()
                    return
            self.fill_list()

    def add_project(self) -> None:
        n = len(self.session.packet.projects)
        item = new_item(self.session.packet, "projects", {"name": f"项目{n + 1}", "weight": "10"})
        self.session.commit([insert_item(self.session.packet, "projects", n, item)])

    def remove_project(self) -> None:
        projects = self.session.packet.projects
        if projects and confirm_removal(self, projects[self.current], "这个项目"):
            self.session.commit([remove_item(self.session.packet, "projects", self.current)])

    def locate(self, path: str) -> bool:
        if not path.startswith("projects["):
            return False
        n = int(path[len("projects[") : path.index("]")])
        if n >= self.list.count():
            return False
        self.list.setCurrentRow(n)
        return self.form.locate(path)


__all__ = ["AttachmentTab", "BasicTab", "FormView", "ProjectsTab", "ScoringPanel", "SelfEvalTab"]
