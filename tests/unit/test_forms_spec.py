"""The form specs carry the labels exactly as printed in the published packets."""

import re
from pathlib import Path

import pytest

from app.domain.forms import basic, project, self_eval
from app.domain.forms.common import fill

SEEDS_DIR = Path(__file__).resolve().parents[1] / "data" / "seed_text"  # copies of ../shared/seeds


def _squash(text: str) -> str:
    text = text.replace("(", "（").replace(")", "）").replace('"', "“")
    return re.sub(r"[\s\u3000]+", "", text)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"shared seeds missing at {SEEDS_DIR}")
    return "".join(_squash(p.read_text(encoding="utf-8")) for p in sorted(SEEDS_DIR.glob("*.txt")))


def _labels() -> list[str]:
    labels = [r.label for r in basic.FUND_ROWS]
    labels += [c.label for c in basic.STAFF_COLUMNS if "{" not in c.label]
    labels += [basic.AUSTERITY_LABEL, basic.NOTE]
    labels += [c.label for c in self_eval.INDICATOR_COLUMNS] + [c.label for c in self_eval.FUNDS_COLUMNS]
    labels += [*list(self_eval.INCOME_LABELS.values())[1:], self_eval.FUNDS_ROW_LABEL]
    labels += [name for name, _ in self_eval.COST_LEVEL1.level1]
    labels += [child for _, children in self_eval.COST_LEVEL1.level1 for child in children]
    labels += [child for _, children in self_eval.STANDARD.level1 for child in children]
    labels += [project.SUPERVISOR_LABEL, project.IMPLEMENTER_LABEL, project.FUND_ROW_LABELS["carryover"]]
    return labels


@pytest.mark.parametrize("label", _labels())
def test_label_is_printed_in_a_seed(seed_text: str, label: str) -> None:
    squashed = _squash(label).removeprefix("其中：")
    assert squashed in seed_text or squashed.replace("“", "") in seed_text


def test_years_fill_in() -> None:
    assert fill(basic.FUND_COLUMNS[0].label, 2024) == "2023年决算数"
    assert fill(basic.BUILDINGS_HEADER, 2024) == "楼堂馆所控制情况（2022年完工项目）"
    assert self_eval.level1_label("产出指标", "50") == "产出指标（50分）"
