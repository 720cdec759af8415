"""Template packs: the shipped packs read and mean what the published forms say; a broken pack is one Chinese
line naming the file and the place; packets keep their pack and version."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from app.domain import registry
from app.domain.evaluate import evaluate
from app.domain.layout import layout
from app.domain.model import Packet
from app.domain.package import PackageError, read_package_file, read_package_text
from app.domain.packs import PackError, read_pack_file, read_pack_text
from tests.conftest import DATA

PACKS = DATA / "packs"
SHIPPED = ("hunan-dept", "mof-project", "sichuan-project", "chongqing-dept")
SEED_TEXT = DATA / "seed_text"


def _squash(text: str) -> str:
    text = text.replace("(", "（").replace(")", "）").replace('"', "“")
    return re.sub(r"[\s\u3000]+", "", text)


def test_the_four_packs_are_shipped_and_read() -> None:
    reg = registry.default()
    assert set(SHIPPED) <= set(reg.ids())
    assert not reg.errors
    kinds = {pid: reg.get(pid).kind for pid in SHIPPED}
    assert kinds == {"hunan-dept": "dept", "mof-project": "project", "sichuan-project": "project",
                     "chongqing-dept": "dept"}


def test_hunan_labels_are_printed_in_the_seeds() -> None:
    """Every heading and row label of hunan-dept's forms appears in a published packet (seeds 000–004)."""
    seeds = "".join(_squash(p.read_text(encoding="utf-8")) for p in sorted(SEED_TEXT.glob("*.txt")))
    packet = read_package_file(DATA / "seed_000.json")
    pack = registry.default().get("hunan-dept")
    labels = {c.text for sheet in layout(pack, packet) for _, _, c in sheet.cells()
              if c.role in ("header", "label") and c.text not in ("", "——")}
    missing = [x for x in labels if _squash(x).removeprefix("其中：") not in seeds
               and _squash(x).replace("“", "").removeprefix("其中：") not in seeds]
    # the indicator table's side heading is printed in the seeds' own layout as a column; all others appear
    assert missing == [], missing


@pytest.mark.parametrize("text", ["standard", "cost_level1"])
def test_old_template_values_mean_hunan_with_that_catalogue(text: str) -> None:
    doc = json.loads((DATA / "seed_000.json").read_text(encoding="utf-8"))
    doc["template"] = text
    packet = read_package_text(json.dumps(doc, ensure_ascii=False))
    assert packet.template == "hunan-dept"
    assert packet.catalogue == ("" if text == "standard" else "cost_level1")


def test_unknown_template_is_bad_input_naming_the_packs() -> None:
    doc = json.loads((DATA / "seed_000.json").read_text(encoding="utf-8"))
    doc["template"] = "guangdong-dept"
    with pytest.raises(PackageError) as info:
        read_package_text(json.dumps(doc, ensure_ascii=False), source="x.json")
    line = info.value.one_line()
    assert "guangdong-dept" in line and "hunan-dept" in line and "mof-project" in line and "x.json" in line


# --- the new packs' examples: figures and issues as the published forms give them ---------------------------

EXPECTED: dict[str, tuple[dict[str, str], Counter[tuple[str, str]]]] = {
    # 池州市贵池区棠溪镇 2022 委托业务项目: 年度资金总额 printed 0/0/0 while 本年财政拨款 is 90/89.974/89.974
    "mof-project": (
        {"projects[0].execution_rate": "100.00%", "projects[0].execution_score": "10",
         "projects[0].weight_total": "100", "projects[0].total_score": "100",
         "projects[0].funds.total.initial": "90.00", "projects[0].funds.total.full_year": "89.97"},
        Counter({("sum_mismatch", "projects[0].funds.total.initial"): 1,
                 ("sum_mismatch", "projects[0].funds.total.full_year"): 1,
                 ("sum_mismatch", "projects[0].funds.total.executed"): 1}),
    ),
    # 四川: 4 indicators × 22.5 = 90 + 执行率 10; 85% < 90% with a reason given; 4750/5000 亩 → suggested 21.38
    "sichuan-project": (
        {"projects[0].execution_rate": "85.00%", "projects[0].execution_score": "8.5",
         "projects[0].weight_total": "100", "projects[0].total_score": "98.5",
         "projects[0].indicators[0].rule_score": "21.38", "projects[0].indicators[1].rule_score": "22.5"},
        Counter({("indicator_score_rule", "projects[0].indicators[0].score"): 1}),
    ),
    # 重庆: 执行率 76% × 10 = 7.6; indicator 得分 = 得分系数 × 权重
    "chongqing-dept": (
        {"self_eval.execution_rate": "76.00%", "self_eval.execution_score": "7.6",
         "self_eval.indicators[0].score": "7.6", "self_eval.indicators[2].score": "6",
         "self_eval.weight_total": "100", "self_eval.total_score": "90.2"},
        Counter(),
    ),
}


@pytest.mark.parametrize("pack_id", sorted(EXPECTED))
def test_pack_example_checks_as_published(pack_id: str) -> None:
    packet = read_package_file(PACKS / f"{pack_id}.json")
    assert packet.template == pack_id
    ev = evaluate(packet)
    figures, issues = EXPECTED[pack_id]
    assert {k: ev.computed.text(k) for k in figures} == figures
    assert Counter((i.code, i.field) for i in ev.issues) == issues


def test_project_pack_has_no_dept_parts() -> None:
    packet = read_package_file(PACKS / "mof-project.json")
    ev = evaluate(packet)
    assert not [k for k in ev.computed.figures if k.startswith(("basic.", "self_eval."))]
    assert [s.label for s in layout(ev.pack, packet)] == ["项目支出绩效自评表"]
    assert ev.pack.report is None


def test_sichuan_fund_rows_are_summed_and_a_gap_is_caught() -> None:
    packet = read_package_file(PACKS / "sichuan-project.json")
    packet.projects[0].funds["unit_funds"].executed = "18"  # 合计 374 now 1.00 short of the parts
    ev = evaluate(packet)
    assert ev.computed.text("projects[0].funds.total.executed") == "375.00"
    gap = [i for i in ev.issues if i.code == "sum_mismatch"]
    assert [i.field for i in gap] == ["projects[0].funds.total.executed"] and "相差-1.00" in gap[0].message


def test_sichuan_reason_required_below_ninety_percent() -> None:
    packet = read_package_file(PACKS / "sichuan-project.json")
    packet.projects[0].fields["reason"] = ""
    issues = [i for i in evaluate(packet).issues if i.code == "missing_execution_reason"]
    assert len(issues) == 1 and issues[0].is_error and "85.00%" in issues[0].message and "90.00%" in issues[0].message
    packet.projects[0].funds["current"].executed = "400"  # 417/440 = 94.77%: no reason needed
    packet.projects[0].funds["total"].executed = "417"
    assert not [i for i in evaluate(packet).issues if i.code == "missing_execution_reason"]


def test_chongqing_scores_are_figures_of_coefficient_and_weight() -> None:
    packet = read_package_file(PACKS / "chongqing-dept.json")
    packet.self_eval.indicators[1].fields["coefficient"] = "0.5"
    ev = evaluate(packet)
    assert ev.computed.text("self_eval.indicators[1].score") == "5"
    assert ev.computed.text("self_eval.total_score") == "85.2"
    stated = [i for i in ev.issues if i.code == "stated_mismatch"]
    assert [i.field for i in stated] == ["self_eval.total_score"]  # the stated 90.2 no longer holds


# --- broken packs -------------------------------------------------------------------------------------------


def _hunan_doc() -> dict:  # type: ignore[type-arg]
    return json.loads(registry.default().get("hunan-dept").path and
                      Path(registry.default().get("hunan-dept").path).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "place", "words"),
    [
        (lambda d: d["attachments"][1]["blocks"][0]["rows"][0].append({"label": "多余"}),
         "attachments[1].blocks[0]", "共占10列，超过了9列"),
        (lambda d: d["attachments"][0]["blocks"][2].__setitem__("type", "grid"),
         "attachments[0].blocks[2].type", "未知的块类型“grid”"),
        (lambda d: d.__setitem__("rules", ["proportional", "golden"]), "rules[1]", "未知的计分规则“golden”"),
        (lambda d: d["attachments"][0].__setitem__("title", "{yaer}年度基础数据表"), "attachments[0].title",
         "未知的变量{yaer}"),
        (lambda d: d["attachments"][0]["blocks"][2]["rows"][0].__setitem__("parts", ["vehicle", "nope"]),
         "attachments[0].blocks[2]", "不存在的行“nope”"),
        (lambda d: d.pop("id"), "id", "必须填写"),
        (lambda d: d["attachments"][0]["blocks"][1]["rows"][1][0].__setitem__("kind", "money2"),
         "attachments[0].blocks[1].rows[1][0].kind", "未知的类型“money2”"),
    ],
)
def test_a_broken_pack_names_the_file_and_the_place(change, place: str, words: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = _hunan_doc()
    change(doc)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PackError) as info:
        read_pack_file(path)
    message = str(info.value)
    assert str(path) in message and place in message and words in message, message
    assert "\n" not in message


def test_pack_json_syntax_error_names_line_and_column() -> None:
    with pytest.raises(PackError) as info:
        read_pack_text('{"format": "perfeval-pack/1",\n "id": }', source="p.json")
    assert "p.json" in str(info.value) and "第2行" in str(info.value)


def test_a_newer_pack_format_is_refused() -> None:
    with pytest.raises(PackError, match="perfeval-pack/1"):
        read_pack_text('{"format": "perfeval-pack/2", "id": "x"}')


# --- versions: a later pack version never re-shapes an old packet -------------------------------------------


def test_packet_keeps_the_pack_version_it_was_filled_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _hunan_doc()
    doc["version"] = "2"
    doc["attachments"][0]["title"] = "{year}年度部门整体支出绩效评价基础数据表（第二版）"
    (tmp_path / "hunan-dept-v2.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(registry.ENV, str(tmp_path))
    reg = registry.default()
    assert sorted(reg.packs["hunan-dept"]) == ["1", "2"]
    packet = read_package_file(DATA / "seed_000.json")
    packet.template_version = "1"
    assert evaluate(packet).pack.version == "1"
    assert layout(evaluate(packet).pack, packet)[0].title.endswith("基础数据表")
    packet.template_version = ""  # a package that names no version: the newest
    assert evaluate(packet).pack.version == "2"
    packet.template_version = "0.9"  # a version this machine does not have: the newest, and the clerk is told
    ev = evaluate(packet)
    assert ev.pack.version == "2"
    assert [i.code for i in ev.issues if not i.is_error] == ["template_version"]


def test_caps_limit_the_total_by_execution_band(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = json.loads(Path(registry.default().get("mof-project").path).read_text(encoding="utf-8"))
    doc["id"] = "capped-project"
    doc["attachments"][0]["scorecard"]["caps"] = [{"below": "80%", "max": "89"}, {"below": "50%", "max": "59"}]
    (tmp_path / "capped.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(registry.ENV, str(tmp_path))
    packet = read_package_file(PACKS / "mof-project.json")
    packet.template = "capped-project"
    packet.projects[0].funds["current"].executed = "63"  # 63/89.974 = 70.02%
    packet.projects[0].funds["total"] = type(packet.projects[0].funds["total"])()
    ev = evaluate(packet)
    assert ev.computed.text("projects[0].execution_rate") == "70.02%"
    assert ev.computed.text("projects[0].uncapped_total_score") == "97"
    assert ev.computed.text("projects[0].total_score") == "89"


def test_new_project_packet_starts_with_one_project_and_the_catalogue() -> None:
    from app.domain.model import Unit
    from app.domain.shape import new_packet

    pack = registry.default().get("sichuan-project")
    packet = new_packet(pack, Unit(name="某县财政局"), 2025)
    assert (packet.template, packet.template_version) == ("sichuan-project", "1")
    assert len(packet.projects) == 1 and packet.projects[0].weight == "10"
    assert set(packet.projects[0].funds) == {"current", "special_account", "unit_funds", "other", "total"}
    assert {i.level1 for i in packet.projects[0].indicators} == {"产出指标", "效益指标", "满意度指标"}
    assert "nature" in packet.projects[0].indicators[0].fields
    assert isinstance(packet, Packet)
