"""A cell exactly as typed, as two TEXT columns: the text and its type tag.

``"1,334.62"`` → (``"1,334.62"``, ``"text"``), ``81`` → (``"81"``, ``"int"``), ``2.5`` → (``"2.5"``, ``"float"``,
``repr`` so it reads back as the same float), ``None`` → (NULL, NULL).  The database never holds a REAL, so a
figure is never rounded on its way through storage.
"""

from __future__ import annotations

import re

from app.domain.numbers import Raw
from app.storage.errors import StorageError

TEXT, INT, FLOAT = "text", "int", "float"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value: str, where: str = "") -> str:
    """``value`` if SQLite can store it: a lone surrogate (a broken paste) would fail deep in the driver."""
    if _LONE_SURROGATE.search(value):
        raise StorageError(f"{where}：含有无效字符（不成对的Unicode代理项），无法保存；请删除该字符后重试")
    return value


def encode(value: object, where: str = "") -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool):  # bool is an int subclass; a clerk never types one
        raise StorageError(f"{where}：不能保存真假值")
    if isinstance(value, str):
        return check_text(value, where), TEXT
    if isinstance(value, int):
        return str(value), INT
    if isinstance(value, float):
        return repr(value), FLOAT
    raise StorageError(f"{where}：不能保存{type(value).__name__}类型的值")


def decode(text: str | None, tag: str | None) -> Raw:
    if text is None:
        return None
    if tag == INT:
        return int(text)
    if tag == FLOAT:
        return float(text)
    return text
