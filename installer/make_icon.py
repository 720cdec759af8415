"""Draw the application icon and write ``resources/icons/perfeval.png`` (256 px) and ``perfeval.ico``.

The icon is vector-drawn with QPainter at every size (a small icon drawn small stays crisp), so no image
editor or Pillow is needed.  The ``.ico`` is written by hand: 16–128 px as 32-bit DIB entries (what old
Windows shell code paths expect) and 256 px as a PNG entry (Vista and later).  Run it again only to change
the design; the generated files are committed.

    QT_QPA_PLATFORM=offscreen python installer/make_icon.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)

BLUE = QColor("#1F5FA8")
PAPER = QColor("#FFFFFF")
LINE = QColor("#9DB4D3")
RED = QColor("#C62828")  # the red seal colour of official forms
GREEN = QColor("#2E7D32")


def draw(size: int) -> QImage:
    """A blue tile, a white form sheet with ruled lines, a bar chart and a green check mark."""
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(BLUE)
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 44, 44)
    p.setBrush(PAPER)
    p.drawRoundedRect(QRectF(56, 34, 144, 188), 12, 12)
    p.setBrush(RED)  # title band: rounded on top like the sheet, square below
    p.drawRoundedRect(QRectF(56, 34, 144, 24), 12, 12)
    p.drawRect(QRectF(56, 46, 144, 12))
    if size >= 32:  # ruled lines vanish into mush below 32 px
        p.setBrush(LINE)
        for y in (74, 94, 114):
            p.drawRect(QRectF(72, y, 112, 8))
    p.setBrush(BLUE)
    for x, h in ((74, 36), (98, 56), (122, 46), (146, 72)):
        p.drawRect(QRectF(x, 204 - h, 18, h))
    path = QPainterPath(QPointF(150, 168))
    path.lineTo(QPointF(178, 196))
    path.lineTo(QPointF(232, 132))
    pen = QPen(GREEN, 26, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(QPen(PAPER, 42, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.setPen(pen)
    p.drawPath(path)
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, b"PNG")
    buf.close()
    return bytes(data.data())


def dib_bytes(img: QImage) -> bytes:
    """BITMAPINFOHEADER + bottom-up BGRA rows + 1-bit AND mask (all zero: alpha decides)."""
    size = img.width()
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in range(size - 1, -1, -1):
        row = bytearray()
        for x in range(size):
            argb = img.pixel(x, y)
            row += struct.pack("<I", argb)  # little-endian ARGB32 is B, G, R, A in memory
        rows.append(bytes(row))
    mask_row = b"\0" * (((size + 31) // 32) * 4)
    return header + b"".join(rows) + mask_row * size


def ico_bytes(images: list[QImage]) -> bytes:
    entries = [png_bytes(i) if i.width() >= 256 else dib_bytes(i) for i in images]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for img, data in zip(images, entries, strict=True):
        dim = img.width() % 256  # 0 means 256
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(entries)


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    ICONS.mkdir(parents=True, exist_ok=True)
    images = [draw(s) for s in ICO_SIZES]
    (ICONS / "perfeval.png").write_bytes(png_bytes(images[-1]))
    (ICONS / "perfeval-48.png").write_bytes(png_bytes(images[ICO_SIZES.index(48)]))
    (ICONS / "perfeval.ico").write_bytes(ico_bytes(images))
    check = QImage(str(ICONS / "perfeval.ico"))  # Qt's own ico reader must read what we wrote
    if check.isNull():
        print("perfeval.ico 无法读取", file=sys.stderr)
        return 1
    print(f"写入 {ICONS}: perfeval.png, perfeval-48.png, perfeval.ico ({len(ICO_SIZES)} 种尺寸)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
