"""The yardstick for cold start: the smallest PySide6 program that shows one table (20 × 6 cells of text).

    python benchmarks/minimal_window.py     # shows it and quits at once (run by benchmarks/gui_bench.py)

With ``PERFEVAL_START_TRACE=<epoch seconds of the launch>`` it prints ``perfeval-start painted <s>`` to stderr
after the first paint, exactly as app.ui.main does, so both are timed the same way.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem


def main() -> int:
    app = QApplication(sys.argv[:1])
    table = QTableWidget(20, 6)
    for r in range(20):
        for c in range(6):
            table.setItem(r, c, QTableWidgetItem(f"单元格 {r + 1}-{c + 1}"))
    table.resize(900, 600)
    table.show()
    app.processEvents()
    t0 = os.environ.get("PERFEVAL_START_TRACE")
    if t0:
        print(f"perfeval-start painted {time.time() - float(t0):.4f}", file=sys.stderr, flush=True)
    QTimer.singleShot(0, table.close)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
