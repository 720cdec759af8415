"""The application icon: the committed files are what installer/make_icon.py draws, and the GUI uses them."""

from __future__ import annotations

import struct
from pathlib import Path

from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QApplication

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"


def test_ico_holds_every_size_windows_asks_for(qapp: QApplication) -> None:
    data = (ICONS / "perfeval.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)  # an icon, not a cursor
    sizes = [struct.unpack_from("<B", data, 6 + 16 * i)[0] or 256 for i in range(count)]
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    reader = QImageReader(str(ICONS / "perfeval.ico"))
    read = []
    while True:
        image = reader.read()
        if image.isNull():
            break
        read.append((image.width(), image.pixelColor(image.width() // 2, image.height() // 2).alpha()))
        if not reader.jumpToNextImage():
            break
    assert [w for w, _ in read] == sizes
    assert all(alpha == 255 for _, alpha in read)  # the middle of the tile is opaque at every size


def test_png_is_256_pixels_with_transparent_corners(qapp: QApplication) -> None:
    image = QImage(str(ICONS / "perfeval.png"))
    assert (image.width(), image.height()) == (256, 256)
    assert image.pixelColor(0, 0).alpha() == 0 and image.pixelColor(128, 128).alpha() == 255


def test_gui_sets_the_window_icon(qapp: QApplication) -> None:
    from app.ui.main import set_app_icon

    set_app_icon(qapp)
    assert not qapp.windowIcon().isNull()
    assert qapp.desktopFileName() == "perfeval-desk"  # matches installer/linux/perfeval-desk.desktop
