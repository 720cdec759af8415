"""The window on the other shipped packs: tabs from the pack, typing into a flat indicator list and a project
pack's forms recomputes, the suggested score shows beside the entered one."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.domain.package import read_package_file
from app.storage import Database
from app.ui.main_window import MainWindow
from app.ui.session import Session
from app.ui.tabs import AttachmentTab, ProjectsTab
from tests.conftest import DATA
from tests.ui.helpers import cell_text, select, type_text

PACKS = DATA / "packs"


def test_chongqing_flat_list_scores_coefficient_times_weight(qtbot: QtBot, db: Database) -> None:
    pid = db.import_packet(read_package_file(PACKS / "chongqing-dept.json"))
    session = Session(db, pid)
    tab = AttachmentTab(session, "self_eval")
    qtbot.addWidget(tab)
    tab.show()
    assert tab.scoring is not None and tab.scoring.kind.currentData() == "scaled"
    assert cell_text(tab.view, "self_eval.execution_score") == "7.6"
    select(tab.view, "self_eval.indicators[1].coefficient")
    type_text(tab.view, "0.5")
    assert cell_text(tab.view, "self_eval.indicators[1].score") == "5"
    assert cell_text(tab.view, "self_eval.total_score") == "85.2"
    select(tab.view, "self_eval.indicators[0].unit")
    type_text(tab.view, "百分比")
    assert session.packet.self_eval.indicators[0].fields["unit"] == "百分比"
    assert session.flush()
    assert db.load_packet(pid).self_eval.indicators[0].fields["unit"] == "百分比"  # saved in fields_json


def test_sichuan_project_form(qtbot: QtBot, db: Database) -> None:
    pid = db.import_packet(read_package_file(PACKS / "sichuan-project.json"))
    window = MainWindow(db, pid)
    qtbot.addWidget(window)
    window.show()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["项目支出绩效自评表"]
    tab = window.projects_tab
    assert isinstance(tab, ProjectsTab) and tab.scoring is not None  # a project pack: the rule is chosen here
    view = tab.form.view
    assert cell_text(view, "projects[0].indicators[0].score") == "22.5（建议21.38）"
    select(view, "projects[0].funds.unit_funds.executed")
    type_text(view, "18")
    assert cell_text(view, "projects[0].funds.total.executed") == "375.00"
    select(view, "projects[0].indicators[0].actual")
    type_text(view, "5000")
    assert cell_text(view, "projects[0].indicators[0].score") == "22.5"  # now as suggested
    assert window.session is not None and window.session.flush()
    assert db.load_packet(pid).projects[0].funds["unit_funds"].executed == "18"


def test_new_mof_project_packet_from_the_dialog(qtbot: QtBot, db: Database, pid: int) -> None:
    new = db.create_packet("某镇人民政府", 2025, "mof-project")
    window = MainWindow(db, new)
    qtbot.addWidget(window)
    assert window.session is not None and window.session.pack.id == "mof-project"
    assert window.projects_tab is not None and window.report_tab is None and not window.form_tabs
    assert len(window.session.packet.projects) == 1
    assert window.pack_label.text().startswith("模板：财政部 项目支出绩效自评表")
