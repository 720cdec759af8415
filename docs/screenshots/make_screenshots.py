"""Screenshots of every tab with the seed-000 packet, as a clerk sees them, and of the other shipped packs'
examples (tests/data/packs/*.json).

    xvfb-run -a -s "-screen 0 1280x800x24" python docs/screenshots/make_screenshots.py

Uses a fresh database in a temporary folder (the sample packet is imported on first start, as in
``perfeval``) and the bundled font; writes docs/screenshots/gui-<tab>.png and gui-<pack>-<n>.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

NAMES = ("basic", "self-eval", "projects", "report")


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from app.storage import open_database
    from app.ui.main import load_font
    from app.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    print("font:", load_font(app))
    db = open_database(Path(tempfile.mkdtemp(prefix="perfeval-shots-")) / "shots.db")
    db.import_sample_if_empty()
    window = MainWindow(db, db.list_packets()[0].id)
    window.resize(1280, 800)
    window.show()
    for i, name in enumerate(NAMES):
        window.tabs.setCurrentIndex(i)
        for _ in range(5):
            app.processEvents()
        out = HERE / f"gui-{name}.png"
        # 256 colours are plenty for a form (and keep the PNGs small)
        image = window.grab().toImage().convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.AvoidDither)
        image.save(str(out), "PNG", 9)
        print(out, out.stat().st_size)
        if name == "self-eval":  # and the indicator tree further down
            view = window.self_eval_tab.view
            model = window.self_eval_tab.model()
            first = model.grid.position_of("self_eval.indicators[0].name")
            assert first is not None
            view.scrollTo(model.index(first[0] - 2, 0), view.ScrollHint.PositionAtTop)
            for _ in range(5):
                app.processEvents()
            out = HERE / "gui-self-eval-indicators.png"
            image = window.grab().toImage().convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.AvoidDither)
            image.save(str(out), "PNG", 9)
            print(out, out.stat().st_size)
    for example in sorted((ROOT / "tests" / "data" / "packs").glob("*.json")):
        from app.domain.package import read_package_file

        pid = db.import_packet(read_package_file(example))
        window.open_packet(pid)
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            for _ in range(5):
                app.processEvents()
            out = HERE / f"gui-{example.stem}-{i + 1}.png"
            image = window.grab().toImage().convertToFormat(QImage.Format.Format_Indexed8,
                                                            Qt.ImageConversionFlag.AvoidDither)
            image.save(str(out), "PNG", 9)
            print(out, out.stat().st_size)
    window.close()
    db.close()


if __name__ == "__main__":
    main()
