"""打印… (Ctrl+P): the packet's own PDF, previewed page by page in the window, then sent to a printer.

There is one renderer: the PDF the exporter writes (reportlab).  Its pages are rasterised by pdfium
(``pypdfium2``) for the preview and, at the printer's resolution, painted onto a :class:`QPrinter` — so the
sheets that come out are exactly the pages of the exported PDF, and the preview shows exactly those.
No watermark when the packet has no errors; with errors only a 草稿 (watermarked) can be printed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluate import Evaluation
from app.domain.model import Packet
from app.ui.questions import ask, error_lines

PREVIEW_DPI = 60


def render_page(pdf: Any, index: int, dpi: float) -> QImage:
    """Page ``index`` of an open pypdfium2 document as an RGB image at ``dpi``."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72)
        image: Any = bitmap.to_pil().convert("RGB")
    finally:
        page.close()
    data = image.tobytes()
    return QImage(data, image.width, image.height, 3 * image.width, QImage.Format.Format_RGB888).copy()


def page_sizes(pdf: Any) -> list[tuple[float, float]]:
    """(width, height) of every page in points."""
    return [(float(w), float(h)) for w, h in (pdf.get_page_size(i) for i in range(len(pdf)))]


class PrintDialog(QDialog):
    def __init__(self, parent: QWidget | None, packet: Packet, evaluation: Evaluation) -> None:
        super().__init__(parent)
        self.setWindowTitle("打印预览")
        self.packet = packet
        self.draft = bool(evaluation.errors)
        self.printed_final = False
        self.pages: list[QImage] | None = None
        self.pdf_path: Path | None = None
        self._pdf: Any = None
        if self.draft:
            errors = error_lines(evaluation.errors, 6)
            text = f"还有错误没有改正，正式材料不能打印：\n{errors}\n\n要打印带“草稿”字样的草稿吗？"
            if not ask(parent, "只能打印草稿", text):
                return
        if not self._make_pdf():
            return
        screen = self.screen().availableGeometry()
        self.resize(min(900, screen.width() - 40), min(860, screen.height() - 40))
        kind = "草稿（有错误未改正，带“草稿”水印）" if self.draft else "正式材料"
        self.info = QLabel(f"{packet.unit.name} {packet.year}年度　{kind}　共 {len(self.pages or [])} 页")
        self.pages_box = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.pages_box)
        holder.setStyleSheet("background: #808080;")
        self.labels: list[QLabel] = []
        pages: list[QImage] = self.pages or []
        for n, image in enumerate(pages, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setToolTip(f"第 {n} 页")
            self.pages_box.addWidget(label)
            self.labels.append(label)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip("选择打印机并打印上面的全部页面")
        self.print_button.clicked.connect(self.choose_printer)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def _make_pdf(self) -> bool:
        from app import export
        from app.ui.worker import run_with_progress

        folder = Path(tempfile.mkdtemp(prefix="perfeval-print-"))
        out = folder / "打印.pdf"
        packet = self.packet

        def work(progress: Any, _cancelled: Any) -> list[QImage]:
            import pypdfium2 as pdfium  # type: ignore[import-untyped]

            progress(0, 2, "生成PDF")
            export.export_packet(packet, "pdf", out, draft=self.draft)
            progress(1, 2, "生成预览")
            pdf = pdfium.PdfDocument(str(out))
            self._pdf = pdf
            return [render_page(pdf, i, PREVIEW_DPI) for i in range(len(pdf))]

        try:
            pages, cancelled = run_with_progress(self.parentWidget(), "正在准备打印", work, total=2)
        except Exception as exc:
            from app.crash import report_crash

            log = report_crash(exc)
            QMessageBox.warning(self.parentWidget(), "打印", f"无法生成打印页面：{exc}\n详情已记录到 {log}")
            return False
        if cancelled:
            return False
        self.pages = pages
        self.pdf_path = out
        return True

    def choose_printer(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"{self.packet.unit.name}{self.packet.year}年度绩效自评")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if self.print_to(printer):
            self.printed_final = not self.draft
            self.accept()

    def print_to(self, printer: QPrinter) -> bool:
        """Paint every PDF page (or the range chosen) onto ``printer`` at its resolution."""
        pdf = self._pdf
        if pdf is None:
            return False
        sizes = page_sizes(pdf)
        first, last = 1, len(sizes)
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), min(printer.toPage() or last, last)
        dpi = min(printer.resolution(), 300)
        painter = QPainter()
        for n in range(first, last + 1):
            width, height = sizes[n - 1]
            layout = QPageLayout(
                QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch),
                QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
            )  # fmt: skip
            printer.setPageLayout(layout)
            if n == first:
                if not painter.begin(printer):
                    QMessageBox.warning(self, "打印", "无法开始打印：打印机不可用。")
                    return False
            elif not printer.newPage():
                painter.end()
                QMessageBox.warning(self, "打印", "打印中断：打印机不接受下一页。")
                return False
            image = render_page(pdf, n - 1, dpi)
            target = painter.viewport()
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
        painter.end()
        return True

    def done(self, result: int) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None
        super().done(result)
