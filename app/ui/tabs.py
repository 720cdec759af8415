"""One tab per 附件: 附件1 基础数据表, 附件2 自评表 (with the scoring rule), 附件3 项目支出."""

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
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import scoring
from app.domain.edits import Edit, SetCell, insert_item, remove_item, set_cell
from app.domain.forms import basic as basic_form
from app.domain.forms import self_eval as self_eval_form
from app.domain.model import Band, Building, Indicator, Project, ProjectLine, ScoringRule, SubLine, Target
from app.domain.numbers import Kind, format_score
from app.domain.paths import get_value
from app.ui.grid import FormView, Grid, GridModel
from app.ui.session import Session, list_edit_index
from app.ui.tables import build_basic, build_project, build_self_eval, indicators_of

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
    answer = QMessageBox.question(
        parent, "删除", f"删除{label}{more}吗？\n（删除后可以用Ctrl+Z撤销）",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
    )  # fmt: skip
    return answer == QMessageBox.StandardButton.Yes


class FormTab(QWidget):
    """A grid built from the form spec, with buttons for the rows the form lets the clerk add."""

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

    # --- row operations shared by the tabs --------------------------------------------------------

    def current_owner(self, list_suffix: str) -> tuple[str, int] | None:
        owner = self.view.owner_of_current()
        if owner is not None and owner[0].endswith(list_suffix):
            return owner
        return None

    def insert(self, list_path: str, index: int, item: object) -> None:
        self.session.commit([insert_item(self.session.packet, list_path, index, item)])

    def remove_current_row(self) -> None:
        owner = self.view.owner_of_current()
        if owner is None:
            self.view.hint("请先选中要删除的行（目标、指标、项目支出行、专项明细或楼堂馆所）")
            return
        item = get_value(self.session.packet, owner[0])[owner[1]]
        if not confirm_removal(self, item):
            return
        self.session.commit([remove_item(self.session.packet, owner[0], owner[1])])

    def add_target(self, prefix: str) -> None:
        owner = self.current_owner("targets")
        targets = get_value(self.session.packet, f"{prefix}.targets")
        self.insert(f"{prefix}.targets", owner[1] + 1 if owner else len(targets), Target())

    def indicator_button(self, prefix: Callable[[], str]) -> QToolButton:
        """添加三级指标: under the current row; its arrow's menu adds under any 一级/二级 of the template."""
        b = QToolButton()
        b.setText("添加三级指标")
        b.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        b.clicked.connect(lambda: self.add_indicator(prefix()))
        self.buttons.addWidget(b)
        menu = QMenu(b)
        menu.addAction("在当前行下方添加", lambda: self.add_indicator(prefix()))
        menu.addAction("从指标库选择…", lambda: self.add_from_library(prefix))
        layout = self_eval_form.layout(self.session.packet.template)
        for level1, level2s in layout.level1:
            sub = menu.addMenu(f"添加到 {level1}")
            for level2 in level2s:
                sub.addAction(level2, functools.partial(self.add_indicator_to, prefix, level1, level2))
        b.setMenu(menu)
        b.setToolTip("在当前行下方添加一个三级指标；点右侧箭头可从指标库选择，或添加到指定的一级/二级指标下")
        return b

    def add_from_library(self, prefix: Callable[[], str]) -> None:
        """从指标库选择…: an indicator used before (or a standard group), searchable as you type."""
        from app.ui.library import LibraryDialog

        dialog = LibraryDialog(self, getattr(self.session.store, "library_indicators", None), self.session, pick=True)
        if dialog.exec() and dialog.chosen is not None:
            chosen = dialog.chosen
            p = prefix()
            inds = indicators_of(self.session, p)
            same1 = [i for i, ind in enumerate(inds) if ind.level1.strip() == chosen.level1]
            same2 = [i for i in same1 if inds[i].level2.strip() == chosen.level2]
            index = (same2 or same1 or [len(inds) - 1])[-1] + 1
            if not same1:
                chosen.level1_weight = self_eval_form.layout(self.session.packet.template).default_weights.get(
                    chosen.level1
                )
            self.insert(f"{p}.indicators", index, chosen)

    def add_indicator_to(self, prefix: Callable[[], str], level1: str, level2: str) -> None:
        """A new 三级 row at the end of its 二级 group (or of its 一级 group, or of the table)."""
        p = prefix()
        inds = indicators_of(self.session, p)
        same1 = [i for i, ind in enumerate(inds) if ind.level1.strip() == level1]
        same2 = [i for i in same1 if inds[i].level2.strip() == level2]
        index = (same2 or same1 or [len(inds) - 1])[-1] + 1
        weight = None if same1 else self_eval_form.layout(self.session.packet.template).default_weights.get(level1)
        self.insert(f"{p}.indicators", index, Indicator(level1=level1, level1_weight=weight, level2=level2))

    def add_indicator(self, prefix: str) -> None:
        """A new 三级 row under the current row's 一级/二级 (or the template's first when there is none)."""
        inds = indicators_of(self.session, prefix)
        owner = self.current_owner("indicators")
        if owner is not None:
            at = owner[1]
            item = Indicator(level1=inds[at].level1, level2=inds[at].level2)
            index = at + 1
        elif inds:
            item = Indicator(level1=inds[-1].level1, level2=inds[-1].level2)
            index = len(inds)
        else:
            layout = self_eval_form.layout(self.session.packet.template)
            level1, level2s = layout.level1[0]
            item = Indicator(level1=level1, level1_weight=layout.default_weights.get(level1), level2=level2s[0])
            index = 0
        self.insert(f"{prefix}.indicators", index, item)


class BasicTab(FormTab):
    """附件1 基础数据表."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, build_basic)
        self.button("添加项目支出行", self.add_project_line)
        self.button("添加专项明细", self.add_sub_line)
        self.button("添加楼堂馆所", self.add_building)
        self.button("删除所选行", self.remove_current_row)
        self.buttons.addStretch(1)

    def add_project_line(self) -> None:
        owner = self.current_owner("project_lines")
        lines = self.session.packet.basic.project_lines
        item = ProjectLine(name=basic_form.PROJECT_LINE_LABELS["special"], kind="special")
        self.insert("basic.project_lines", owner[1] + 1 if owner else len(lines), item)

    def add_sub_line(self) -> None:
        owner = self.view.owner_of_current()
        if owner is None or "project_lines" not in owner[0]:
            return
        if owner[0] == "basic.project_lines":
            list_path, index = f"basic.project_lines[{owner[1]}].lines", 0
        else:
            list_path, index = owner[0], owner[1] + 1
        self.insert(list_path, index, SubLine(name="专项"))

    def add_building(self) -> None:
        self.insert("basic.buildings", len(self.session.packet.basic.buildings), Building())


class ScoringPanel(QWidget):
    """The packet's 执行率 scoring rule, and what 得分 would be under each rule."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.kind = QComboBox()
        for kind, text in scoring.RULE_KINDS.items():
            self.kind.addItem(text, kind)
        self.k = QLineEdit()
        self.k.setPlaceholderText("1")
        self.k.setMaximumWidth(60)
        self.bands = QLineEdit()
        self.bands.setPlaceholderText("95%:1，90%:0.8，80%:0.6，60%:0.4")
        self.under_all = QLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("执行率计分规则："))
        row.addWidget(self.kind)
        row.addWidget(QLabel("k＝"))
        row.addWidget(self.k)
        row.addWidget(QLabel("分档："))
        row.addWidget(self.bands, 1)
        row.addWidget(self.under_all, 2)
        self.refresh()
        self.kind.currentIndexChanged.connect(self.commit)
        self.k.editingFinished.connect(self.commit)
        self.bands.editingFinished.connect(self.commit)

    def refresh(self, full: bool = True) -> None:
        rule = self.session.packet.scoring_rule
        if full:  # the rule itself changed (or undo): show it; otherwise only the scores below move
            for w in (self.kind, self.k, self.bands):
                w.blockSignals(True)
            self.kind.setCurrentIndex(max(0, self.kind.findData(rule.kind)))
            self.k.setText("" if rule.k is None else str(rule.k))
            self.bands.setText("，".join(f"{b.min}:{b.ratio}" for b in rule.bands))
            for w in (self.kind, self.k, self.bands):
                w.blockSignals(False)
            self.k.setEnabled(rule.kind == "deduct_per_point")
            self.bands.setEnabled(rule.kind == "bands")
        ev = self.session.evaluation
        rate = ev.computed.value("self_eval.execution_rate")
        weight = ev.cells.value("self_eval.weight")
        parts = [
            f"{scoring.RULE_KINDS[kind].split('（')[0]} {format_score(value)}"
            for kind, value in scoring.scores_under_all_rules(rule, rate, weight).items()
        ]
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
        if packet.scoring_rule.kind == "manual" and rule.kind != "manual":
            # the scores typed under 手工 would stay as hidden stated figures that contradict the new rule
            prefixes = ["self_eval", *(f"projects[{n}]" for n in range(len(packet.projects)))]
            edits += [set_cell(packet, f"{p}.score", None) for p in prefixes if get_value(packet, f"{p}.score")]
        if not self.session.commit(edits):
            self.refresh(full=True)  # refused (a reviewed packet kept as it is): show the rule it still has


class SelfEvalTab(FormTab):
    """附件2 部门整体支出绩效自评表."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, build_self_eval)
        self.button("添加目标", lambda: self.add_target("self_eval"))
        self.add_indicator_button = self.indicator_button(lambda: "self_eval")
        self.button("删除所选行", self.remove_current_row)
        self.buttons.addStretch(1)
        self.scoring = ScoringPanel(session)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, self.scoring)

    def on_changed(self, edits: Sequence[Edit], structural: int) -> None:
        super().on_changed(edits, structural)
        if hasattr(self, "scoring"):
            self.scoring.refresh(full=bool(structural))


class ProjectsTab(QWidget):
    """附件3: the list of projects and the form of the selected one."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.list = QListWidget()
        self.list.setMaximumWidth(240)
        add = QPushButton("添加项目")
        add.setToolTip("新增一个项目支出（一张附件3）")
        add.clicked.connect(self.add_project)
        remove = QPushButton("删除项目")
        remove.setToolTip("删除选中的项目（会先确认；可用Ctrl+Z撤销）")
        remove.clicked.connect(self.remove_project)
        left = QVBoxLayout()
        left.addWidget(QLabel("项目支出"))
        left.addWidget(self.list, 1)
        left.addWidget(add)
        left.addWidget(remove)
        left_w = QWidget()
        left_w.setLayout(left)
        self.form = FormTab(session, self._build)
        self.form.button("添加目标", lambda: self.form.add_target(self.prefix))
        self.form.indicator_button(lambda: self.prefix)
        self.form.button("删除所选行", self.form.remove_current_row)
        self.form.buttons.addStretch(1)
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
            from app.ui.grid import label

            g.add(label("本单位没有单独填报的项目支出；点“添加项目”新建一张附件3。", 8))
            return g
        n = min(max(0, self.list.currentRow()) if hasattr(self, "list") else 0, len(session.packet.projects) - 1)
        return build_project(session, n)

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

    def on_changed(self, edits: Sequence[Edit], structural: int) -> None:
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
        item = Project(name=f"项目{n + 1}", weight="10")
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
