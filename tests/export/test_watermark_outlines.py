"""The draft watermark's shipped outlines (resources/fonts/watermark.json) are the font's own: read once with
fontTools they match figure for figure, so the shipped file saves the ≈0.4 s of reading them per export."""

from __future__ import annotations

import json

import pytest

from app import resources
from app.export.pdf import WATERMARK, WATERMARK_FILE, _shipped_outlines, outlines_from_font


def test_shipped_outlines_are_the_fonts() -> None:
    shipped = _shipped_outlines(WATERMARK)
    assert shipped is not None, "resources/fonts/watermark.json is missing or for another font"
    fresh = outlines_from_font(WATERMARK)
    assert [op for op, _ in shipped] == [op for op, _ in fresh]
    for (_, a), (_, b) in zip(shipped, fresh, strict=True):
        assert a == pytest.approx(b, abs=1e-6)


def test_other_text_is_not_taken_from_the_file() -> None:
    doc = json.loads(resources.resource_path("fonts", WATERMARK_FILE).read_text(encoding="utf-8"))
    assert doc["text"] == WATERMARK
    assert _shipped_outlines("样本") is None
