import pytest

from app.domain.edits import apply_edit, insert_item, invert, remove_item, set_cell
from app.domain.model import Indicator, Packet
from app.domain.paths import PathError, get_value, parse_path


def test_set_and_undo() -> None:
    p = Packet()
    e = set_cell(p, "basic.staff.authorized", "81")
    apply_edit(p, e)
    assert p.basic.staff.authorized == "81"
    apply_edit(p, invert(e))
    assert p.basic.staff.authorized is None


def test_insert_remove_and_undo() -> None:
    p = Packet()
    ind = Indicator(level1="产出指标", name="完成时间", weight="5", score="5")
    e = insert_item(p, "self_eval.indicators", 0, ind)
    apply_edit(p, e)
    assert get_value(p, "self_eval.indicators[0].name") == "完成时间"
    r = remove_item(p, "self_eval.indicators", 0)
    apply_edit(p, r)
    assert p.self_eval.indicators == []
    apply_edit(p, invert(r))
    assert p.self_eval.indicators[0].weight == "5"


def test_paths() -> None:
    assert parse_path("projects[0].funds.total.executed") == ["projects", 0, "funds", "total", "executed"]
    with pytest.raises(PathError):
        get_value(Packet(), "basic.nope")
    with pytest.raises(PathError):
        parse_path("a..b")
