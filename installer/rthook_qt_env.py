# PyInstaller runtime hook, replacing PyInstaller's own pyi_rth_pyside6 (which imports PySide6.QtCore in every
# process: +60 ms and the ICU data mapped for a `perfeval check` that never touches Qt).  The PyPI wheels of
# PySide6 make Qt relocatable themselves when QtCore is first imported, so all that is left to do here is to
# point Qt at the bundled plugins, which costs nothing.
import os
import sys

_qt = os.path.join(sys._MEIPASS, "PySide6") if sys.platform == "win32" else os.path.join(sys._MEIPASS, "PySide6", "Qt")
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
os.environ["QML2_IMPORT_PATH"] = os.path.join(_qt, "qml")
del _qt

# Linux: the bootloader restarts itself with LD_LIBRARY_PATH pointing at the bundle (the dynamic loader has read it
# by now, for this process).  Programs this one starts — xdg-open and the clerk's PDF viewer or WPS, through
# QDesktopServices.openUrl — must not inherit it, or they load our copies of libstdc++/glib/X11 instead of their own.
if sys.platform.startswith("linux"):
    _orig = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if _orig is not None:
        os.environ["LD_LIBRARY_PATH"] = _orig
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)
    del _orig
