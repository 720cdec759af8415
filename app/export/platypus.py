"""reportlab's platypus for our PDF writers, imported without the one pattern that costs a tenth of an export.

``reportlab.platypus.paragraph`` compiles at import a case-insensitive URL pattern spanning U+00A1–U+FFFF
(``uri_pat``): 35–40 ms on the reference machine, a tenth of a one-packet ``perfeval export -f pdf`` and of every
export worker's start, for ``<a href>`` markup our writers never produce.  While platypus is imported here, that
one pattern is handed out as a stand-in that compiles on first use; every other pattern compiles as usual, and
if reportlab changes the pattern the stand-in simply never matches.  Import platypus names from this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: how reportlab's URL pattern begins (reportlab/platypus/paragraph.py, ``uri_pat``)
_URI_HEAD = "(^(?:[a-z0-9\\.\\-\\+]*)://)"


class LazyPattern:
    """A regular expression compiled when first used."""

    def __init__(self, compile_: Callable[..., re.Pattern[str]], pattern: str, flags: int) -> None:
        self._compile, self._pattern, self._flags = compile_, pattern, flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = self._compile(self._pattern, self._flags)
        return getattr(self._compiled, name)


@contextmanager
def lazy_uri_pattern() -> Iterator[None]:
    original = re.compile

    def compile_(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and flags & re.IGNORECASE and pattern.startswith(_URI_HEAD):
            return LazyPattern(original, pattern, flags)
        return original(pattern, flags)

    re.compile = compile_
    try:
        yield
    finally:
        re.compile = original


with lazy_uri_pattern():
    from reportlab.platypus import (
        BaseDocTemplate,
        CondPageBreak,
        Flowable,
        Frame,
        HRFlowable,
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus.paragraph import FragLine, ParaLines

__all__ = [
    "BaseDocTemplate", "CondPageBreak", "Flowable", "FragLine", "Frame", "HRFlowable", "KeepTogether",
    "NextPageTemplate", "PageBreak", "PageTemplate", "ParaLines", "Paragraph", "SimpleDocTemplate", "Spacer",
    "Table", "TableStyle",
]
