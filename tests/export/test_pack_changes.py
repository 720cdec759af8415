"""Changing a form is changing one file, the pack: copies of the shipped packs with a new id in a temporary
``PERFEVAL_TEMPLATES`` folder, each with one change, work in ``check``, the GUI grid, the PDF and the xlsx
export → import, with no code change (the three changes the template-pack issue tried, and its own test)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.domain import registry
from app.domain.evaluate import evaluate
from app.domain.model import Packet
from app.domain.package import read_package_file
from app.domain.paths import get_or_blank, set_value
from app.domain.shape import materialize
from app.export import export_packet
from app.export.template_import import read_template_file
from tests.conftest import DATA
from tests.export.conftest import flat
from tests.export.test_pdf import pages_text

Doc = dict[str, Any]


def _pack(pack_id: str) -> Doc:
    doc: Doc = json.loads(Path(registry.default().get(pack_id).path).read_text(encoding="utf-8"))
    return doc


def extra_part_row(doc: Doc) -> None:
    """The issue's test: one changed label and one extra 其中 row (a part of 公务用车购置和维护经费)."""
    funds = doc["attachments"][0]["blocks"][2]
    rows = funds["rows"]
    rows[4]["label"] = "2、因公出国（境）经费"
    rows.insert(4, {"key": "vehicle_insurance", "label": "公车保险", "indent": 2})
    rows[1]["parts"] = ["vehicle_purchase", "vehicle_operation", "vehicle_insurance"]


def extra_indicator_column(doc: Doc) -> None:
    """附件2's indicator table gets 指标性质 (a column the model has no field for)."""
    att = doc["attachments"][1]
    att["widths"] = [*att["widths"][:-1], 16, 33]
    att["screen_widths"] = [*att["screen_widths"][:-1], 80, 160]
    block = att["blocks"][3]
    block["columns"].insert(3, {"key": "nature", "label": "指标性质", "role": "nature"})


def extra_income_row(doc: Doc) -> None:
    """附件2 按收入性质分 gets 上级补助收入, and the breakdown check counts it."""
    rows = doc["attachments"][1]["blocks"][1]["rows"]
    rows.insert(7, [{"label": "上级补助收入：", "span": 3}, {"input": "self_eval.income.superior", "kind": "money"},
                    {"blank": True}, {"blank": True, "span": 3}])
    doc["checks"][0]["refs"].append("self_eval.income.superior")
    doc["checks"][0]["labels"].append("上级补助收入")
    doc["figures"][1]["sum"].append("self_eval.income.superior")


def sichuan_fund_rows(doc: Doc) -> None:
    """附件3 gets Sichuan's 财政专户管理资金 and 单位资金 rows, part of 年度资金总额."""
    table = doc["attachments"][2]["blocks"][1]
    table["rows"][3:3] = [{"key": "special_account", "label": "财政专户管理资金"},
                          {"key": "unit_funds", "label": "单位资金"}]
    table["rows"][0]["parts"] = ["current", "carryover", "special_account", "unit_funds", "other"]


#: change → (cell to fill, value, label the forms print, figure that follows, its value)
CHANGES: dict[str, tuple[Callable[[Doc], None], str, str, str, str, str]] = {
    "extra 其中 row": (extra_part_row, "basic.funds.vehicle_insurance.actual", "1.5", "公车保险",
                      "basic.funds.vehicle.actual", "9.45"),
    "extra indicator column": (extra_indicator_column, "self_eval.indicators[0].nature", "≥", "指标性质",
                               "self_eval.total_score", "113.53"),
    "extra income row": (extra_income_row, "self_eval.income.superior", "3.41", "上级补助收入：",
                         "self_eval.income_total", "2729.15"),
    "Sichuan fund rows": (sichuan_fund_rows, "projects[0].funds.unit_funds.executed", "1", "单位资金",
                          "projects[0].funds.total.executed", "28.00"),
}


@pytest.fixture
def changed(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Packet, str]:
    name: str = request.param
    change = CHANGES[name][0]
    doc = _pack("hunan-dept")
    doc["id"] = "hunan-changed"
    doc["name"] = f"湖南（改：{name}）"
    change(doc)
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "hunan-changed.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(registry.ENV, str(folder))
    packet = read_package_file(DATA / "seed_000.json")
    packet.template, packet.template_version = "hunan-changed", ""
    materialize(registry.pack_for(packet), packet)
    _, path, value, *_ = CHANGES[name]
    set_value(packet, path, value)
    return packet, name


@pytest.mark.parametrize("changed", list(CHANGES), indirect=True)
def test_a_pack_change_reaches_check_grid_pdf_and_xlsx(
    changed: tuple[Packet, str], tmp_path: Path, qtbot: QtBot
) -> None:
    packet, name = changed
    _, path, value, label, figure, shown = CHANGES[name]
    # check: the new cell counts
    ev = evaluate(packet)
    assert ev.pack.id == "hunan-changed"
    assert ev.computed.text(figure) == shown
    if name == "extra income row":  # 2709.72 + 16.02 + 3.41 = 全年预算数: seed 000's gap is closed
        assert "self_eval.income" not in {i.field for i in ev.issues}
    # the GUI grid shows the label and the cell
    from app.storage import open_database
    from app.ui.session import Session
    from app.ui.sheet_grid import build_grid

    db = open_database(tmp_path / "gui.db")
    try:
        pid = db.import_packet(packet)
        session = Session(db, pid)
        key, n = ("project", 0) if path.startswith("projects[") else (
            "basic" if path.startswith("basic") else "self_eval", None)
        grid = build_grid(session, key, n)
        assert any(label in cell.text for cell in grid.origins.values()), label
        assert grid.position_of(path) is not None
        assert str(get_or_blank(session.packet, path)) == value
    finally:
        db.close()
    # the PDF prints the label and the figure
    pdf = export_packet(packet, "pdf", tmp_path / "p.pdf", draft=True)
    text = flat("".join(pages_text(pdf)))
    assert flat(label) in text and shown in text
    # the xlsx carries the cell through export → import
    xlsx = export_packet(packet, "xlsx", tmp_path / "p.xlsx", draft=True)
    back = read_template_file(xlsx)
    assert back.template == "hunan-changed"
    assert str(get_or_blank(back, path)) == value
    assert evaluate(back).computed.text(figure) == shown
