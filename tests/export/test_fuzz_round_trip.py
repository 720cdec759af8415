"""Random packets (hypothesis): every writer copes, and Excel export → import gives the packet back."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.evaluate import evaluate
from app.domain.model import (
    FundRow,
    Indicator,
    Packet,
    Project,
    ProjectFunds,
    ProjectLine,
    ReportSection,
    SubLine,
    Target,
)
from app.domain.package import PackageError
from app.export import export_packet
from app.export.template_import import read_template_file
from tests.export.test_template_import import carried_numbers, texts
from tests.hunan import FUND_KEYS, NO_PRIOR, STANDARD, blank

ALPHABET = "甲乙丙丁戊己庚辛测试项目工作经费专项资金完成情况提升率abc123（）、；。 "
WORDS = (
    st.text(alphabet=ALPHABET, min_size=1, max_size=40)
    .map(str.strip)
    .filter(lambda s: len(s) > 0 and not s.startswith(("指标", "其中", "项目支出", "总分")))
)
MONEY = st.one_of(st.none(), st.decimals(min_value=0, max_value=99999, places=2).map(str), st.integers(0, 5000))
SCORE = st.one_of(st.none(), st.integers(0, 20).map(str), st.sampled_from(["4.9", "8.53", "0.5"]))


@st.composite
def packets(draw: st.DrawFn) -> Packet:
    p = blank(draw(st.integers(2019, 2030)))
    p.unit.name = draw(WORDS)
    p.basic.staff.authorized = draw(st.one_of(st.none(), st.integers(0, 300)))
    p.basic.staff.actual = draw(st.one_of(st.none(), st.integers(0, 300)))
    p.basic.funds = {k: FundRow(None if k in NO_PRIOR else draw(MONEY),
                                draw(MONEY), draw(MONEY)) for k in FUND_KEYS}
    for _ in range(draw(st.integers(0, 3))):
        line = ProjectLine(draw(WORDS), "special", draw(MONEY), draw(MONEY), draw(MONEY))
        n_sub = draw(st.integers(0, 2))
        line.lines = [SubLine(draw(WORDS), draw(MONEY), draw(MONEY), draw(MONEY)) for _ in range(n_sub)]
        p.basic.project_lines.append(line)
    s = p.self_eval
    s.budget_initial, s.budget_full_year, s.executed = draw(MONEY), draw(MONEY), draw(MONEY)
    s.weight = draw(SCORE)
    s.income = {k: draw(MONEY) for k in s.income}
    s.spending = {k: draw(MONEY) for k in s.spending}
    s.targets = [Target(draw(WORDS), draw(WORDS)) for _ in range(draw(st.integers(0, 2)))]
    for level1 in STANDARD.level1:
        name = level1.name
        weight = draw(st.sampled_from(["10", "30", "50"]))
        for level2 in draw(st.lists(st.sampled_from(level1.level2), max_size=3)):
            s.indicators.append(Indicator(name, weight, level2, draw(WORDS), draw(WORDS), draw(WORDS),
                                          draw(SCORE), draw(SCORE), draw(st.sampled_from(["", "原因说明"]))))
    for _ in range(draw(st.integers(0, 2))):
        proj = Project(draw(WORDS), draw(WORDS), draw(WORDS))
        proj.funds = {k: ProjectFunds(draw(MONEY), draw(MONEY), draw(MONEY))
                      for k in ("total", "current", "carryover", "other")}
        proj.weight = draw(SCORE)
        p.projects.append(proj)
    p.report.sections = [ReportSection(draw(WORDS), draw(WORDS)) for _ in range(draw(st.integers(0, 3)))]
    return p


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(packets())
def test_random_packets_round_trip(packet: Packet) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for fmt in ("pdf", "docx"):
            assert export_packet(packet, fmt, out / f"p.{fmt}", draft=True).stat().st_size > 1000
        back = read_template_file(export_packet(packet, "xlsx", out / "p.xlsx", draft=True))
    assert carried_numbers(back) == carried_numbers(packet)
    assert texts(back) == texts(packet)
    assert evaluate(back).computed.as_text() == evaluate(packet).computed.as_text()


GARBAGE = st.one_of(MONEY, st.text(alphabet="12３４.,%万元-—abc无 ", min_size=1, max_size=8))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(packets(), st.lists(st.tuples(st.sampled_from(FUND_KEYS), GARBAGE), min_size=1, max_size=4))
def test_unreadable_figures_are_printed_and_reported(packet: Packet, bad: list[tuple[str, object]]) -> None:
    for key, raw in bad:
        packet.basic.funds[key].budget = raw  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for fmt in ("pdf", "docx"):
            export_packet(packet, fmt, out / f"p.{fmt}", draft=True)
        xlsx = export_packet(packet, "xlsx", out / "p.xlsx", draft=True)
        try:
            back = read_template_file(xlsx)
        except PackageError as exc:
            assert exc.problems and all("工作表“附件1”" in p.place for p in exc.problems)
        else:
            assert carried_numbers(back) == carried_numbers(packet)
