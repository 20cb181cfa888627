"""Which Qt platform the console runs on. Qt-free: decided before Qt is imported.

Live and recorded video are drawn by libvlc into the tiles' native windows, which needs X11
window ids (`set_xwindow`): under a Wayland session Qt's own wayland platform has none, and the
tiles would stay black. Where the session also offers XWayland (DISPLAY is set), the console runs
on Qt's xcb platform instead and says so; a person who chose a platform (QT_QPA_PLATFORM) keeps it.
"""

from __future__ import annotations

import sys
from collections.abc import MutableMapping

#: Said when the console switches to XWayland.
XWAYLAND_NOTE = (
    "utkik: this is a Wayland session; the console runs through XWayland (Qt's xcb platform), "
    "because libvlc draws video only into X11 windows. Set QT_QPA_PLATFORM to choose otherwise."
)
#: Said when there is no XWayland to run through.
NO_XWAYLAND_NOTE = (
    "utkik: this Wayland session has no XWayland (DISPLAY is not set): the console runs, but "
    "tiles cannot show video, because libvlc draws video only into X11 windows."
)


def choose_platform(environ: MutableMapping[str, str], platform: str = sys.platform) -> str:
    """Sets QT_QPA_PLATFORM=xcb in `environ` under Wayland with XWayland; returns what to tell
    the person ("" when nothing was decided)."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return ""
    wayland = bool(environ.get("WAYLAND_DISPLAY")) or environ.get("XDG_SESSION_TYPE") == "wayland"
    if not wayland:
        return ""
    if environ.get("DISPLAY"):
        environ["QT_QPA_PLATFORM"] = "xcb"
        return XWAYLAND_NOTE
    return NO_XWAYLAND_NOTE


def no_display(environ: MutableMapping[str, str], platform: str = sys.platform) -> bool:
    """On Linux, Qt aborts the process without a display; the caller says so in words instead."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return False
    return not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
