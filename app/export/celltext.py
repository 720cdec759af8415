"""One rule for text in an .xlsx cell, shared by the Excel writer and the template import: text stays text.

A unit, indicator or project name starting with ``=`` would otherwise be written as a live formula
(``=HYPERLINK(…)``, ``=WEBSERVICE(…)``, a DDE payload ``=cmd|' /C calc'!A0``) that runs when a colleague opens
the file, and a re-import would read its result instead of the text.  So:

- the writer stores every text as a string cell (never a formula), and marks text that a spreadsheet would take
  for a formula when the cell is edited (``=``, ``+``, ``-``, ``@``, also full-width) with Excel's "quote
  prefix" style, the same as typing ``'`` before it: the value itself is unchanged;
- the reader treats a cell as a formula only when the file stores it as one (an ``<f>`` element), never because
  its text starts with ``=``.

Excel holds at most 32,767 characters in a cell (openpyxl would cut the rest silently); the writer refuses longer
text (:class:`TooLong`) or, for report paragraphs, spreads it over several rows (:func:`chunks`).
"""

from __future__ import annotations

import re
from typing import Any

#: what Excel/WPS/LibreOffice read as the start of a formula when a cell is typed or edited
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
MAX_CELL_CHARS = 32767
#: characters XML 1.0 cannot hold (openpyxl refuses them); the document model already drops them, this is the
#: last line of defence
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TooLong(ValueError):
    """A text longer than an Excel cell can hold."""

    def __init__(self, text: str, where: str) -> None:
        self.where = where
        super().__init__(
            f"{where}的文字有{len(text)}字，超过Excel单元格的上限（{MAX_CELL_CHARS}字），无法完整写入Excel；"
            "请缩短后再导出，或导出PDF/Word"
        )


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would take for a formula (or a DDE command) once the cell is edited."""
    return text.lstrip(" \t\r\n")[:1] in FORMULA_STARTS


def write_text(cell: Any, text: str, where: str = "") -> None:
    """Put ``text`` into an openpyxl cell as text, whatever it starts with; refuse what Excel would cut."""
    if len(text) > MAX_CELL_CHARS:
        raise TooLong(text, where or f"单元格{cell.coordinate}")
    cell.value = _ILLEGAL.sub("", text)
    cell.data_type = "s"  # openpyxl turns a value starting with "=" into a formula; this is text
    if looks_like_formula(text):
        cell.quotePrefix = True


def is_formula(data_type: str | None) -> bool:
    """The reader's half of the rule: a cell is a formula only when stored as one (``<f>``), never by its text."""
    return data_type == "f"


def chunks(text: str, size: int = MAX_CELL_CHARS) -> list[str]:
    """``text`` in pieces that each fit a cell (a long report paragraph goes over several rows)."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]
