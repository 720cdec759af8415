"""Where the bundled files live: the source tree, or the unpacked PyInstaller bundle (``sys._MEIPASS``).

One answer for the GUI (font, icon), the exports (font), and storage (migrations, sample packet).
Standard library only, so any layer can import it cheaply.
"""

from __future__ import annotations

import sys
from pathlib import Path

FONT_FILE = "wqy-microhei.ttc"


def app_root() -> Path:
    """The folder holding ``resources/`` and ``db/``."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[1]


def resource_path(*parts: str) -> Path:
    return app_root().joinpath("resources", *parts)


def font_path() -> Path:
    """The bundled CJK font (WenQuanYi Micro Hei, TrueType collection)."""
    return resource_path("fonts", FONT_FILE)
