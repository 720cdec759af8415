from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.numbers import (
    Kind,
    differs_at_precision,
    format_money,
    format_rate,
    format_score,
    parse_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,334.62", "1334.62"),
        ("１２.５", "12.5"),
        ("１２．５", "12.5"),
        ("12.5万", "12.5"),
        ("12.5万元", "12.5"),
        ("125000元", "12.5"),
        ("￥3.40", "3.40"),
        (" 2729.15 ", "2729.15"),
        ("\u3000166.01", "166.01"),
        ("-0.5", "-0.5"),
        (27, "27"),
        ("0", "0"),
    ],
)
def test_money_accepts_what_clerks_type(raw: object, expected: str) -> None:
    parsed = parse_number(raw, Kind.MONEY)  # type: ignore[arg-type]
    assert parsed.error is None
    assert parsed.value == Decimal(expected)


@pytest.mark.parametrize("raw", [None, "", "  ", "——", "—", "\u3000"])
def test_blanks(raw: object) -> None:
    parsed = parse_number(raw, Kind.MONEY)  # type: ignore[arg-type]
    assert parsed.blank and parsed.value is None


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("abc", "不是数字"),
        ("12..5", "不是数字"),
        ("1,23.4", "千分位"),
        ("85%", "百分数"),
        (True, "不是数字"),
    ],
)
def test_garbage_gives_a_chinese_message_not_an_exception(raw: object, fragment: str) -> None:
    parsed = parse_number(raw, Kind.MONEY)  # type: ignore[arg-type]
    assert parsed.value is None
    assert parsed.error is not None and fragment in parsed.error


def test_rates() -> None:
    assert parse_number("85.32%", Kind.RATE).value == Decimal("0.8532")
    assert parse_number("85.32", Kind.RATE).value == Decimal("0.8532")
    assert parse_number("８２.３％", Kind.RATE).value == Decimal("0.823")
    assert parse_number("82.3%", Kind.RATE).decimals == 1


def test_counts() -> None:
    assert parse_number("66", Kind.COUNT).value == 66
    assert parse_number("66人", Kind.COUNT).value == 66
    assert "负数" in (parse_number("-3", Kind.COUNT).error or "")
    assert "整数" in (parse_number("3.5", Kind.COUNT).error or "")


def test_formatting_rounds_half_up() -> None:
    assert format_money(Decimal("2.345")) == "2.35"
    assert format_money(Decimal("1334.625"), grouping=True) == "1,334.63"
    assert format_rate(Decimal(66) / Decimal(81)) == "81.48%"
    assert format_rate(None) == "——"
    assert format_score(Decimal("10.00")) == "10"
    assert format_score(Decimal("4.90")) == "4.9"
    assert format_score(Decimal("8.532")) == "8.53"


def test_stated_precision() -> None:
    stated = parse_number("82.3%", Kind.RATE)
    assert not differs_at_precision(stated, Decimal(51) / Decimal(62), Kind.RATE)
    assert differs_at_precision(parse_number("100%", Kind.RATE), Decimal(66) / Decimal(81), Kind.RATE)


money = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False)


@given(money)
def test_format_then_parse_round_trips(value: Decimal) -> None:
    assert parse_number(format_money(value), Kind.MONEY).value == value
    assert parse_number(format_money(value, grouping=True), Kind.MONEY).value == value


@given(money)
def test_full_width_digits_parse_like_ascii(value: Decimal) -> None:
    text = format_money(value)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c in ".-" else c for c in text)
    assert parse_number(wide, Kind.MONEY).value == value


@given(st.text(max_size=30))
def test_parser_never_raises(text: str) -> None:
    for kind in Kind:
        parsed = parse_number(text, kind)
        assert (parsed.value is None) or parsed.error is None
