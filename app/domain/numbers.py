"""Parse what clerks type into Decimal, and format figures the way the official forms print them.

Clerks paste from Excel/WPS and type with Chinese input methods, so a money cell may hold
``1,334.62``, full-width ``１２．５``, ``12.5万``, ``￥3.4`` or ``——``.  Parsing never raises:
it returns a :class:`Parsed` whose ``error`` is a Chinese message when the text is not a number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum

Raw = str | int | float | None
"""A cell as stored: what the clerk typed (str), a JSON number, or None for blank."""


class Kind(Enum):
    MONEY = "money"  # 万元, 2 decimals
    RATE = "rate"  # a fraction, printed as a percentage with 2 decimals
    COUNT = "count"  # people: non-negative integers
    SCORE = "score"  # 分值/得分: up to 2 decimals, trailing zeros dropped
    AREA = "area"  # ㎡, 2 decimals
    TEXT = "text"  # free text (indicator names, 年度指标值 such as "≥95%"): never parsed


#: Texts that mean "not applicable / nothing here" in a printed form.
BLANK_MARKS = frozenset({"", "——", "—", "--", "-", "—-", "/", "／", "无", "空"})

_UNIT_FACTORS: dict[str, Decimal] = {
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
    "元": Decimal("0.0001"),
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_CURRENCY = ("￥", "¥", "RMB")
#: A figure's whole part may have at most this many digits (万元: a billion billion yuan is not a budget).  It keeps
#: every sum, rate and rounding inside the 28 digits Decimal computes with; a longer one is refused, not a crash.
MAX_WHOLE_DIGITS = 15
_SHOWN = 40  # characters of a cell quoted in a message


@dataclass(frozen=True, slots=True)
class Parsed:
    """Result of parsing one cell: a value, a blank (value None, error None), or an error."""

    value: Decimal | None
    error: str | None = None
    #: True when the clerk typed a percentage (``85.32%``): value is then a fraction.
    percent: bool = False
    #: Number of decimals as typed (``82.3%`` → 1), used to compare stated figures at their precision.
    decimals: int = 0

    @property
    def blank(self) -> bool:
        return self.value is None and self.error is None

    @property
    def ok(self) -> bool:
        return self.error is None


BLANK = Parsed(None)


def normalize(text: str) -> str:
    """Full-width → half-width (NFKC), drop spaces of every width and the Chinese comma/period oddities."""
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("。", ".").replace("，", ",").replace("、", ",")
    return "".join(ch for ch in t if not ch.isspace())


def _decimals(digits: str) -> int:
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def parse_number(raw: Raw, kind: Kind = Kind.MONEY) -> Parsed:
    """Parse a cell of the given kind.

    - money/area/score: ``1,334.62``, ``１２.５``, ``12.5万`` (万元 cells), ``￥3``, ``-0.5``;
    - rate: ``85.32%`` → 0.8532; a bare number is read as a percentage too (``85.32`` → 0.8532),
      because clerks often leave the % sign off in a 执行率 column;
    - count: a non-negative whole number (``66``, ``66人``).
    """
    if raw is None or kind is Kind.TEXT:
        return BLANK
    if isinstance(raw, bool):  # bool is an int subclass; a JSON true in a number cell is a mistake
        return Parsed(None, f"“{raw}”不是数字")
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return Parsed(None, "不是有效数字")
        # positional, never "1e-05": a small rate from Excel is still a number; a huge one is caught below
        text = format(Decimal(repr(raw)), "f")
    elif isinstance(raw, int):
        if abs(raw) >= 10**MAX_WHOLE_DIGITS:
            return Parsed(None, f"数字过大，整数部分不能超过{MAX_WHOLE_DIGITS}位")
        text = str(raw)
    else:
        text = str(raw)
    shown = _short(text.strip())
    t = normalize(text)
    if t in BLANK_MARKS:
        return BLANK

    percent = False
    if t.endswith("%"):
        percent = True
        t = t[:-1]
    factor = Decimal(1)
    if kind is Kind.COUNT:
        for suffix in ("人", "名", "个"):
            if t.endswith(suffix):
                t = t[: -len(suffix)]
                break
    elif kind in (Kind.MONEY,):
        for prefix in _CURRENCY:
            if t.startswith(prefix):
                t = t[len(prefix) :]
        for unit, f in _UNIT_FACTORS.items():
            if t.endswith(unit):
                t = t[: -len(unit)]
                factor = f
                break
    elif kind is Kind.AREA:
        for unit in ("平方米", "㎡", "m²", "m2", "平米"):
            if t.endswith(unit):
                t = t[: -len(unit)]
                break

    if "," in t:
        if not _GROUPED.match(t):
            return Parsed(None, f"“{shown}”的千分位逗号位置不对，应写成如 1,334.62")
        t = t.replace(",", "")
    if not _NUMBER.match(t):
        return Parsed(None, f"“{shown}”不是数字{_hint(kind)}")
    try:
        value = Decimal(t)
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        return Parsed(None, f"“{shown}”不是数字")
    decimals = _decimals(t)
    if value and value.adjusted() >= MAX_WHOLE_DIGITS - (4 if factor > 1 else 0):
        return Parsed(None, f"“{shown}”数字过大，整数部分不能超过{MAX_WHOLE_DIGITS}位")

    if kind is Kind.RATE:
        return Parsed(value / 100, percent=True, decimals=decimals)
    if percent:
        if kind is Kind.SCORE:
            return Parsed(None, f"“{shown}”是百分数，分值/得分请填写分数")
        return Parsed(None, f"“{shown}”是百分数，这里应填写{_unit_name(kind)}")
    if kind is Kind.COUNT:
        if value < 0:
            return Parsed(None, f"人数不能为负数（填写了{shown}）")
        if value != value.to_integral_value():
            return Parsed(None, f"人数应为整数（填写了{shown}）")
        try:
            return Parsed(value.quantize(Decimal(1)))
        except InvalidOperation:  # more digits than the decimal context holds (28)
            return Parsed(None, f"人数“{shown}”过大")
    if kind is Kind.SCORE and value < 0:
        return Parsed(None, f"分值/得分不能为负数（填写了{shown}）")
    if kind is Kind.AREA and value < 0:
        return Parsed(None, f"面积不能为负数（填写了{shown}）")
    if factor != 1:
        value = (value * factor).normalize()
        exponent = value.as_tuple().exponent
        decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    return Parsed(value, decimals=decimals)


def _short(text: str) -> str:
    """A cell quoted in a message: a pasted novel is cut, and a broken character (a lone surrogate) shown as ?."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _hint(kind: Kind) -> str:
    return {
        Kind.MONEY: "，金额请填写数字（万元），如 1334.62",
        Kind.RATE: "，比率请填写如 85.32%",
        Kind.COUNT: "，人数请填写整数",
        Kind.SCORE: "，分值/得分请填写数字",
        Kind.AREA: "，面积请填写数字（㎡）",
    }[kind]


def _unit_name(kind: Kind) -> str:
    return {Kind.MONEY: "金额（万元）", Kind.COUNT: "人数", Kind.AREA: "面积（㎡）"}.get(kind, "数字")


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------

NOT_APPLICABLE = "——"
_CENT = Decimal("0.01")


def round_half_up(value: Decimal, decimals: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_money(value: Decimal | None, *, grouping: bool = False) -> str:
    if value is None:
        return NOT_APPLICABLE
    q = round_half_up(value, 2)
    return f"{q:,.2f}" if grouping else f"{q:.2f}"


def format_rate(value: Decimal | None) -> str:
    """A fraction as a percentage with 2 decimals: 0.814814… → ``81.48%``."""
    if value is None:
        return NOT_APPLICABLE
    return f"{round_half_up(value * 100, 2):.2f}%"


def format_score(value: Decimal | None) -> str:
    """Scores print as typed in the seeds: ``10``, ``4.9``, ``8.53`` (at most 2 decimals)."""
    if value is None:
        return NOT_APPLICABLE
    q = round_half_up(value, 2)
    text = f"{q:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_count(value: Decimal | None) -> str:
    return NOT_APPLICABLE if value is None else f"{value:.0f}"


def format_value(value: Decimal | None, kind: Kind, *, grouping: bool = False) -> str:
    if kind is Kind.RATE:
        return format_rate(value)
    if kind is Kind.SCORE:
        return format_score(value)
    if kind is Kind.COUNT:
        return format_count(value)
    return format_money(value, grouping=grouping)


def differs_at_precision(stated: Parsed, computed: Decimal, kind: Kind) -> bool:
    """Whether a stated figure disagrees with the computed one beyond the stated figure's precision.

    ``82.3%`` against 82.2581% is the same figure printed with one decimal; ``100%`` against 81.48%
    is not.  Money/scores compare at the stated decimals too (``10`` vs 9.9 differs, ``8.5`` vs 8.53 not).
    """
    if stated.value is None:
        return False
    if kind is Kind.RATE:
        stated_pct = stated.value * 100
        computed_pct = computed * 100
        places = min(stated.decimals, 2)
        return round_half_up(stated_pct, places) != round_half_up(computed_pct, places)
    places = min(stated.decimals, 2)
    return round_half_up(stated.value, places) != round_half_up(computed, places)
