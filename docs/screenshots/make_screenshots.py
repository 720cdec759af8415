"""Screenshots of the real window on a real X screen: every tab, the 单位总览, the import and print dialogs,
and every tab of the other shipped packs' examples (tests/data/packs/*.json).

    xvfb-run -a -s "-screen 0 1366x768x24" python docs/screenshots/make_screenshots.py 1366x768
    xvfb-run -a -s "-screen 0 1920x1080x24" python docs/screenshots/make_screenshots.py 1920x1080

A fresh database in a temporary folder holds seed 000 (中共岳阳市委组织部 2024) and seed 004, plus a few more
years for the overview, and the pack examples.  The window takes the whole screen as a clerk's maximised window
would; each picture is a grab of the whole X screen (so it shows that the window, its status bar included,
fits), written to docs/screenshots/gui-<size>-<name>.png (gui-<size>-<pack example>-<tab>.png for the packs).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

TABS = ("basic", "self-eval", "projects", "report")


def main() -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from app.domain.package import read_package_file
    from app.storage import open_database
    from app.ui.main import load_font, load_qt_translation
    from app.ui.main_window import MainWindow

    size = sys.argv[1] if len(sys.argv) > 1 else "1366x768"
    app = QApplication(sys.argv[:1])
    print("font:", load_font(app))
    load_qt_translation(app)
    tmp = Path(tempfile.mkdtemp(prefix="perfeval-shots-"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    db = open_database(tmp / "shots.db")
    data = ROOT / "tests" / "data"
    pid = db.import_packet(read_package_file(data / "seed_000.json"))
    for n in (1, 2, 3, 4):
        db.import_packet(read_package_file(data / f"seed_00{n}.json"))
    db.create_next_year(pid)
    screen = app.primaryScreen()

    def settle() -> None:
        for _ in range(8):
            app.processEvents()

    def shot(name: str) -> None:
        settle()
        out = HERE / f"gui-{size}-{name}.png"
        image = screen.grabWindow(0).toImage()
        # 256 colours are plenty for a form (and keep the PNGs small)
        image = image.convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.AvoidDither)
        image.save(str(out), "PNG", 9)
        print(out, out.stat().st_size)

    window = MainWindow(db, pid)
    window.setGeometry(screen.availableGeometry())
    window.show()
    settle()
    for i, name in enumerate(TABS):
        window.tabs.setCurrentIndex(i)
        shot(name)
        if name == "self-eval":  # and the indicator tree further down
            view = window.self_eval_tab.view
            model = window.self_eval_tab.model()
            first = model.grid.position_of("self_eval.indicators[0].name")
            assert first is not None
            view.scrollTo(model.index(first[0] - 2, 0), view.ScrollHint.PositionAtTop)
            shot("self-eval-indicators")
    window.tabs.setCurrentIndex(1)

    from app.ui.overview import OverviewDialog

    overview = OverviewDialog(window, db)
    overview.show()
    overview.wait_filled()
    shot("overview")
    overview.reject()

    from app.ui.importer import ImportDialog

    importer = ImportDialog(window, db, data / "seed_000.json")
    importer.show()
    shot("import")
    importer.reject()

    from app.ui.printing import PrintDialog

    window.open_packet(db.find_packet(read_package_file(data / "seed_004.json").unit.name, 2024) or pid)
    session = window.session
    assert session is not None
    printer = PrintDialog(window, session.packet, session.evaluation)
    printer.show()
    shot("print-preview")
    printer.reject()
    for example in sorted((ROOT / "tests" / "data" / "packs").glob("*.json")):
        window.open_packet(db.import_packet(read_package_file(example)))
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            shot(f"{example.stem}-{i + 1}")
    window.close()
    db.close()


if __name__ == "__main__":
    main()
