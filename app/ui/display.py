"""Can a window be opened here?  Qt aborts in English ("could not connect to display") when it cannot; the
clerk gets one Chinese line naming the command-line alternatives instead."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

NO_DISPLAY = (
    "无法打开图形窗口（没有可用的显示器，例如通过SSH登录时）；可改用命令行："
    "perfeval check / export / import / list（perfeval --help 查看用法）"
)


def display_problem() -> str | None:
    """None when a window can be opened (or when Qt is told to draw elsewhere), else the Chinese line."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform.split(":")[0] not in ("", "xcb", "wayland"):
        return None  # Windows/macOS always have a screen; offscreen/vnc/… draw without one
    if os.environ.get("WAYLAND_DISPLAY") and platform != "xcb":
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        socket = os.environ["WAYLAND_DISPLAY"]
        if os.path.exists(socket if os.path.isabs(socket) else os.path.join(runtime, socket)):
            return None
    if os.environ.get("DISPLAY") and _x_display_answers():
        return None
    return NO_DISPLAY


def _x_display_answers() -> bool:
    """Connect to $DISPLAY the way Qt's xcb plugin will (libxcb), and hang up at once."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return True  # cannot check: let Qt try
    try:
        xcb = ctypes.CDLL(name)
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
        conn = xcb.xcb_connect(None, None)
        try:
            return xcb.xcb_connection_has_error(conn) == 0
        finally:
            xcb.xcb_disconnect(conn)
    except (OSError, AttributeError):
        return True
