"""One tile of the live grid: a camera's video in a native window, and around it what the operator
must know about the picture (which camera, where, and whether it is live).

The video is drawn by a backend (libvlc behind the media hub, ui/wiring/video.py) into a native
child window whose id the tile hands over. Native windows are drawn over every ordinary widget
that overlaps them, so nothing is painted on top of the picture: the camera's name, place and
state sit in a caption strip above it, and a full-size message ("Connecting…", "Offline: …",
"No permission") is itself a native window raised above the picture when there is no picture to
show. Each tile has two video windows: a switch of stream (sub to main on maximizing, and back)
opens the new stream in the window underneath and raises it only once its first picture is out
and libvlc has fitted its window to the tile, so the tile never goes black; then the old stream
is closed. On X11 (no compositor keeps the contents of covered windows) libvlc's own window is
made to keep what is on screen where it is uncovered, and while a tile changes size (maximize,
restore) a still of its picture covers the video until libvlc has caught up with the new size;
see _Xcb and VideoTile.hold_picture.

Every look at a camera is in the access log: the tile asks for the live.view start entry (on a
worker) before it opens a stream, shows the error and opens nothing when the entry cannot be
written or the user may not see the camera, and ends the entry when it stops showing the camera.

A maximized tile of a camera with PTZ, for a user allowed PTZ in its area, also steers the camera:
a pad under the picture, keys (forwarded by the grid, which has the focus) and a drag on the
picture. The commands go through `CameraControls` (ui/wiring/cameras.py) on workers, one at a
time; the start of each move and each preset is written to the access log first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import enum
import itertools
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.audit.log import Session
from console.cameras import Camera
from console.domain import Permission
from console.errors import KnownError, NotFound, PermissionDenied
from console.localtime import LOCAL_ZONE
from console.media.packets import Profile, StreamState, StreamStatus
from console.policy import can
from console.ports import CameraControls, Jobs, PtzPreset, VideoBackend, VideoHandle
from console.ptz import STILL, PtzDriver, Velocity, clamp
from console.viewing import LiveViews
from ui.i18n import error_text
from ui.sites_panel import CAMERA_MIME
from ui.timers import QtTimers

log = logging.getLogger(__name__)

#: A tile dragged onto another (to swap them) carries its serial number in this format.
TILE_MIME = "application/x-utkik-tile"

#: How often a tile looks whether libvlc has fitted its window to a new size (only while it
#: waits for that: after a stream's first picture, and under the curtain).
FIT_POLL_MS = 15
#: libvlc fits its window to the tile within a picture or two: a stream whose window is not
#: fitted after this long is shown anyway, and the curtain lifted.
FIT_WAIT_S = 1.5
#: How long a stream's first picture waits for libvlc to place its window after making it.
FIT_SETTLE_S = 0.25
#: The curtain stays at least this long when the tile's size does not change at all (it was put
#: up before a layout that turned out to keep the tile's size).
CURTAIN_MIN_S = 0.1
#: libvlc rounds the picture's size: a pixel or two short of the window still fills it.
_FIT_SLACK = 2

# -- PTZ -----------------------------------------------------------------------------------------

#: The speed of the keys and pad buttons; with Shift, the keys go at full speed.
PTZ_KEY_SPEED = 0.5
#: A drag nearer than this to where it began (a share of half the picture) does not move: a click
#: or the first press of a double-click is not a move.
PTZ_DEAD_ZONE = 0.05

#: The keys that move a maximized PTZ tile's camera while held: arrows, the number pad (with Num
#: Lock) and + / - for the zoom.
_PTZ_KEYS: dict[Qt.Key, Velocity] = {
    Qt.Key.Key_Left: (-1.0, 0.0, 0.0),
    Qt.Key.Key_Right: (1.0, 0.0, 0.0),
    Qt.Key.Key_Up: (0.0, 1.0, 0.0),
    Qt.Key.Key_Down: (0.0, -1.0, 0.0),
    Qt.Key.Key_Plus: (0.0, 0.0, 1.0),
    Qt.Key.Key_Minus: (0.0, 0.0, -1.0),
}
_PTZ_KEYPAD: dict[Qt.Key, Velocity] = {
    Qt.Key.Key_4: (-1.0, 0.0, 0.0),
    Qt.Key.Key_6: (1.0, 0.0, 0.0),
    Qt.Key.Key_8: (0.0, 1.0, 0.0),
    Qt.Key.Key_2: (0.0, -1.0, 0.0),
    Qt.Key.Key_7: (-1.0, 1.0, 0.0),
    Qt.Key.Key_9: (1.0, 1.0, 0.0),
    Qt.Key.Key_1: (-1.0, -1.0, 0.0),
    Qt.Key.Key_3: (1.0, -1.0, 0.0),
}


def ptz_key_velocity(key: int, modifiers: Qt.KeyboardModifier) -> Velocity | None:
    """The velocity a held key asks for, or None when the key does not steer (Ctrl+arrows and
    Alt+digits keep their grid meanings)."""
    shift = Qt.KeyboardModifier.ShiftModifier
    keypad = Qt.KeyboardModifier.KeypadModifier
    if modifiers & ~(shift | keypad):
        return None
    try:
        qt_key = Qt.Key(key)
    except ValueError:
        return None
    direction = _PTZ_KEYS.get(qt_key)
    if direction is None and modifiers & keypad:
        direction = _PTZ_KEYPAD.get(qt_key)
    if direction is None:
        return None
    speed = 1.0 if modifiers & shift else PTZ_KEY_SPEED
    pan, tilt, zoom = direction
    return pan * speed, tilt * speed, zoom * speed


def drag_velocity(offset: QPoint, size: QSize) -> Velocity:
    """A drag on the picture moves at a speed proportional to how far it is from where it began:
    half the picture's width (or height) is full speed."""

    def axis(share: float) -> float:
        value = clamp(share)
        return 0.0 if abs(value) < PTZ_DEAD_ZONE else round(value, 2)

    half_width, half_height = max(1.0, size.width() / 2), max(1.0, size.height() / 2)
    return axis(offset.x() / half_width), axis(-offset.y() / half_height), 0.0


def _total(velocities: Iterable[Velocity]) -> Velocity:
    listed = list(velocities)
    pan, tilt, zoom = (sum(v[axis] for v in listed) for axis in range(3))
    return pan, tilt, zoom


class PtzPad(QWidget):
    """The PTZ controls under a maximized tile's picture (the picture is a native window: nothing
    can be drawn over it). Hold an arrow or zoom button to move; Stop; a preset, then Go."""

    #: a Velocity while a button is held, STILL when it is let go
    held = Signal(object)
    #: the Stop button was clicked
    stop_clicked = Signal()
    #: a PtzPreset to go to
    goto_clicked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ptz_pad")
        self.setAutoFillBackground(True)
        self.setStyleSheet("#ptz_pad { background: #1e2126; } #ptz_error { color: #ff8a80; }")
        self.setToolTip(
            self.tr(
                "Drag on the picture, hold an arrow key (with Shift: faster) or + and − to move "
                "the camera; it stops when you let go."
            )
        )
        self._presets: list[PtzPreset] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}
        s = PTZ_KEY_SPEED
        for name, text, tip, velocity in (
            ("left", "◀", self.tr("Pan left"), (-s, 0.0, 0.0)),
            ("up", "▲", self.tr("Tilt up"), (0.0, s, 0.0)),
            ("down", "▼", self.tr("Tilt down"), (0.0, -s, 0.0)),
            ("right", "▶", self.tr("Pan right"), (s, 0.0, 0.0)),
            ("zoom_in", "+", self.tr("Zoom in"), (0.0, 0.0, s)),
            ("zoom_out", "−", self.tr("Zoom out"), (0.0, 0.0, -s)),
        ):
            button = self._button(name, text, tip)
            button.pressed.connect(lambda v=velocity: self.held.emit(v))
            button.released.connect(lambda: self.held.emit(STILL))
            row.addWidget(button)
        stop = self._button("stop", self.tr("Stop"), self.tr("Stop the camera"))
        stop.clicked.connect(self.stop_clicked)
        row.addWidget(stop)
        # No focus for any of them: the keys keep going to the grid.
        self.preset_box = QComboBox()
        self.preset_box.setObjectName("ptz_presets")
        self.preset_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preset_box.setMinimumContentsLength(12)
        row.addWidget(self.preset_box)
        self.go = self._button("go", self.tr("Go"), self.tr("Go to the chosen preset"))
        self.go.clicked.connect(self._on_go_clicked)
        row.addWidget(self.go)
        self.error = QLabel()
        self.error.setObjectName("ptz_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.error, 1)
        self.set_presets([])

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(f"ptz_{name}")
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.buttons[name] = button
        return button

    def set_presets(self, presets: Sequence[PtzPreset]) -> None:
        self._presets = list(presets)
        self.preset_box.clear()
        for preset in self._presets:
            self.preset_box.addItem(preset.name or preset.token)
        if not self._presets:
            self.preset_box.addItem(self.tr("No presets"))
        self.preset_box.setEnabled(bool(self._presets))
        self.go.setEnabled(bool(self._presets))

    @property
    def presets(self) -> list[PtzPreset]:
        return list(self._presets)

    def show_error(self, text: str) -> None:
        """A refused entry or a failed command ("" clears it); the whole text in the tooltip."""
        self.error.setText(text)
        self.error.setToolTip(text)

    def reset(self) -> None:
        self.set_presets([])
        self.show_error("")

    def _on_go_clicked(self) -> None:
        index = self.preset_box.currentIndex()
        if 0 <= index < len(self._presets):
            self.goto_clicked.emit(self._presets[index])


# -- states --------------------------------------------------------------------------------------


class TileState(enum.StrEnum):
    EMPTY = "empty"
    #: waiting for the camera, the log entry or the stream
    CONNECTING = "connecting"
    LIVE = "live"
    #: the picture stopped coming; the last one stays, marked
    STALE = "stale"
    OFFLINE = "offline"
    NO_PERMISSION = "no_permission"
    #: the camera is gone (removed from Utkik)
    REMOVED = "removed"
    #: no video backend on this workstation
    NO_VIDEO = "no_video"
    #: the look could not be logged or the stream not opened: nothing is shown
    REFUSED = "refused"


#: Caption strip colours by state: (background, text). Alarm-red stays for alarms.
_STRIP = {
    TileState.EMPTY: ("#15171b", "#8a9099"),
    TileState.CONNECTING: ("#1e2126", "#c9d1d9"),
    TileState.LIVE: ("#1e2126", "#e6e6e6"),
    TileState.STALE: ("#d08a1e", "#000000"),
    TileState.OFFLINE: ("#8e2c28", "#ffffff"),
    TileState.NO_PERMISSION: ("#2b3038", "#c9d1d9"),
    TileState.REMOVED: ("#2b3038", "#c9d1d9"),
    TileState.NO_VIDEO: ("#2b3038", "#c9d1d9"),
    TileState.REFUSED: ("#8e2c28", "#ffffff"),
}
_BORDER = "#2b3038"
_BORDER_SELECTED = "#2f8ef0"
_BORDER_ALARM = "#ff3b30"
_LIVE_DOT = "#3fa55b"


def clock_text(status: StreamStatus) -> str:
    """When a state began, as the control room's wall clock shows it (hh:mm:ss)."""
    return f"{status.since.astimezone(LOCAL_ZONE):%H:%M:%S}"


# -- the native parts ------------------------------------------------------------------------------


def _native(widget: QWidget, colour: str) -> None:
    # Only the video area is native: native ancestors (and their siblings) up to the main window
    # would make every tile, dock and toolbar a native window too. Set before WA_NativeWindow,
    # which on a widget already shown makes its native window at once.
    widget.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
    widget.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
    widget.setAutoFillBackground(True)
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(colour))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#c9d1d9"))
    widget.setPalette(palette)


# -- X11: libvlc's own window inside ours --------------------------------------------------------


class _Cookie(ctypes.Structure):
    """An xcb request's cookie (every xcb_*_cookie_t is this one field)."""

    _fields_ = [("sequence", ctypes.c_uint)]


class _Geometry(ctypes.Structure):
    """xcb_get_geometry_reply_t."""

    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("depth", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("root", ctypes.c_uint32),
        ("x", ctypes.c_int16),
        ("y", ctypes.c_int16),
        ("width", ctypes.c_uint16),
        ("height", ctypes.c_uint16),
        ("border_width", ctypes.c_uint16),
        ("pad0", ctypes.c_uint8 * 2),
    ]


#: xcb_cw_t XCB_CW_BACK_PIXMAP, and its value XCB_BACK_PIXMAP_NONE.
_CW_BACK_PIXMAP = 1
_BACK_PIXMAP_NONE = 0
#: xcb_cw_t XCB_CW_BACK_PIXEL
_CW_BACK_PIXEL = 2


class _Xcb:
    """The few X11 requests Qt has no API for, made on Qt's own xcb connection (so they reach the
    X server in order with Qt's own), through ctypes.

    libvlc's X11 output draws into a window of its own that it makes inside the tile's video
    window, sized and placed to the picture (modules/video_output/xcb/x11.c in VLC 3). Without a
    compositor X keeps no contents of a covered window: when such a window is uncovered or grows,
    X paints it with its background, which libvlc sets to black, and libvlc draws nothing until its
    next picture (nor while the window is covered at all). With no background ("None"), X leaves
    the pixels on screen as they were: the picture that covered it stays until libvlc draws over
    it. Only X tells where libvlc's window is and whether libvlc has fitted it to a new size.
    """

    def __init__(self, lib: ctypes.CDLL, libc: ctypes.CDLL, connection: int) -> None:
        self._lib = lib
        self._free = libc.free
        self._connection = ctypes.c_void_p(connection)

    @classmethod
    def of_application(cls) -> _Xcb | None:
        """The X connection of the running application, or None when it does not run on X11
        (Wayland, Windows, macOS, the offscreen platform) or libxcb cannot be loaded."""
        app = QGuiApplication.instance()
        if not isinstance(app, QGuiApplication) or app.platformName() != "xcb":
            return None
        native = getattr(app, "nativeInterface", None)
        connection = getattr(native(), "connection", None) if native is not None else None
        if connection is None:
            return None
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("xcb") or "libxcb.so.1")
            libc = ctypes.CDLL(ctypes.util.find_library("c"))
        except OSError as err:
            log.info("no libxcb (%s): video windows are handled by Qt alone", err)
            return None
        pointer, error = ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)
        for name in ("xcb_query_tree", "xcb_get_geometry"):
            getattr(lib, name).argtypes = [pointer, ctypes.c_uint32]
            getattr(lib, name).restype = _Cookie
        for name in ("xcb_query_tree_reply", "xcb_get_geometry_reply"):
            getattr(lib, name).argtypes = [pointer, _Cookie, error]
            getattr(lib, name).restype = pointer
        lib.xcb_query_tree_children.argtypes = [pointer]
        lib.xcb_query_tree_children.restype = ctypes.POINTER(ctypes.c_uint32)
        lib.xcb_query_tree_children_length.argtypes = [pointer]
        lib.xcb_query_tree_children_length.restype = ctypes.c_int
        lib.xcb_change_window_attributes_checked.argtypes = [
            pointer,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.POINTER(ctypes.c_uint32),
        ]
        lib.xcb_change_window_attributes_checked.restype = _Cookie
        lib.xcb_request_check.argtypes = [pointer, _Cookie]
        lib.xcb_request_check.restype = pointer
        libc.free.argtypes = [pointer]
        libc.free.restype = None
        return cls(lib, libc, int(connection()))

    def _reply(self, request: str, window: int) -> int | None:
        """The reply to `request` about `window` (to be freed), or None (the window is gone)."""
        cookie = getattr(self._lib, f"xcb_{request}")(self._connection, window)
        error = ctypes.c_void_p()
        reply: int | None = getattr(self._lib, f"xcb_{request}_reply")(
            self._connection, cookie, ctypes.byref(error)
        )
        if error.value:
            self._free(error)
        return reply or None

    def children(self, window: int) -> list[int]:
        """The windows inside `window`, bottom to top."""
        reply = self._reply("query_tree", window)
        if reply is None:
            return []
        try:
            count = self._lib.xcb_query_tree_children_length(reply)
            ids = self._lib.xcb_query_tree_children(reply)
            return [int(ids[i]) for i in range(count)]
        finally:
            self._free(reply)

    def geometry(self, window: int) -> tuple[int, int, int, int] | None:
        """(x, y, width, height) of `window` in its parent, in pixels; None once it is gone."""
        reply = self._reply("get_geometry", window)
        if reply is None:
            return None
        try:
            g = ctypes.cast(reply, ctypes.POINTER(_Geometry)).contents
            return int(g.x), int(g.y), int(g.width), int(g.height)
        finally:
            self._free(reply)

    def set_background(self, window: int, *, keep: bool) -> None:
        """`keep`: no background (X leaves what is on screen where `window` is uncovered);
        else black."""
        mask, value = (_CW_BACK_PIXMAP, _BACK_PIXMAP_NONE) if keep else (_CW_BACK_PIXEL, 0)
        values = (ctypes.c_uint32 * 1)(value)
        cookie = self._lib.xcb_change_window_attributes_checked(
            self._connection, window, mask, values
        )
        error = self._lib.xcb_request_check(self._connection, cookie)
        if error:
            # libvlc destroyed its window meanwhile (the stream stopped): nothing to keep.
            self._free(error)


class _Fit(enum.Enum):
    """How libvlc's window fits the video window it was given (X11 only)."""

    #: not on X11: nothing to know
    UNKNOWN = "unknown"
    #: libvlc has made no window in it (yet)
    NO_WINDOW = "no window"
    #: exactly as large: how libvlc makes its window, before it places the picture in it (or a
    #: picture of exactly the video window's shape)
    WHOLE = "whole"
    #: as large as fits, centred: libvlc's next picture is drawn at this size
    FITTED = "fitted"
    #: another size (the stream's own, or the tile's before it was resized)
    NOT_FITTED = "not fitted"


class _Curtain(QWidget):
    """A still of the tile's picture, over the video windows while they change size (see
    VideoTile.hold_picture): scaled as libvlc scales the picture, as large as fits, centred."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tile_curtain")
        _native(self, "#000000")
        self.still = QPixmap()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.still.isNull():
            return
        size = self.still.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        corner = QPoint((self.width() - size.width()) // 2, (self.height() - size.height()) // 2)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(QRect(corner, size), self.still)
        painter.end()


class _Screen(QWidget):
    """The tile's video area: two native video windows, a native curtain and a native message
    above them."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tile_screen")
        _native(self, "#000000")
        self.surfaces = (QWidget(self), QWidget(self))
        for index, surface in enumerate(self.surfaces):
            surface.setObjectName(f"tile_surface_{index}")
            _native(surface, "#000000")
        self.curtain = _Curtain(self)
        self.curtain.hide()
        self.message = QLabel(self)
        self.message.setObjectName("tile_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(8)
        _native(self.message, "#101317")
        #: None where the video windows are not X11 windows
        self._xcb = _Xcb.of_application()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for child in (*self.surfaces, self.curtain, self.message):
            child.setGeometry(self.rect())

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self.lift_curtain()
        self.forget_pictures()

    def window_id(self, surface: int) -> int:
        return int(self.surfaces[surface].winId())

    def show_picture(self, surface: int) -> None:
        """Surface `surface` on top (under the curtain while it is up), the message hidden."""
        self.surfaces[surface].raise_()
        if self.curtain.isVisible():
            self.curtain.raise_()
        self.message.hide()

    def show_message(self, text: str) -> None:
        self.lift_curtain()
        self.message.setText(text)
        self.message.show()
        self.message.raise_()

    # -- libvlc's window in a surface (X11 only) -------------------------------------------------

    def _drawn(self, surface: int) -> tuple[_Xcb, int] | None:
        """The X connection and the window libvlc draws in, inside `surface` (the newest)."""
        xcb = self._xcb
        if xcb is None:
            return None
        children = xcb.children(self.window_id(surface))
        return (xcb, children[-1]) if children else None

    def fit(self, surface: int) -> _Fit:
        """How libvlc's window in `surface` fits it. Makes that window keep what is on screen
        where it is uncovered or grows (see _Xcb), before it is ever uncovered."""
        drawn = self._drawn(surface)
        if drawn is None:
            return _Fit.UNKNOWN if self._xcb is None else _Fit.NO_WINDOW
        xcb, window = drawn
        # Every time: X reuses the ids of windows libvlc destroyed for the windows it makes anew.
        xcb.set_background(window, keep=True)
        outer = xcb.geometry(self.window_id(surface))
        inner = xcb.geometry(window)
        if outer is None or inner is None:
            return _Fit.NO_WINDOW
        _, _, width, height = outer
        x, y, w, h = inner
        if (x, y, w, h) == (0, 0, width, height):
            return _Fit.WHOLE
        inside = x >= 0 and y >= 0 and x + w <= width and y + h <= height
        filled = w >= width - _FIT_SLACK or h >= height - _FIT_SLACK
        return _Fit.FITTED if inside and filled else _Fit.NOT_FITTED

    def forget_pictures(self) -> None:
        """Black again where libvlc has not drawn: a hidden tile shown again has nothing of its
        own on screen to keep."""
        for surface in range(len(self.surfaces)):
            drawn = self._drawn(surface)
            if drawn is not None:
                xcb, window = drawn
                xcb.set_background(window, keep=False)

    def size_in_pixels(self, surface: int) -> tuple[int, int] | None:
        """The size of `surface` as the X server has it now; None where it cannot be known."""
        xcb = self._xcb
        geometry = xcb.geometry(self.window_id(surface)) if xcb is not None else None
        return None if geometry is None else geometry[2:]

    # -- the curtain -----------------------------------------------------------------------------

    def hold(self, surface: int) -> bool:
        """Put up the curtain with the picture libvlc shows in `surface` now; False where there
        is none to take (not on X11, nothing drawn, not on screen)."""
        drawn = self._drawn(surface)
        screen = self.screen()
        if drawn is None or screen is None or self.fit(surface) is _Fit.NO_WINDOW:
            return False
        xcb, window = drawn
        geometry = xcb.geometry(window)
        if geometry is None or geometry[2] <= 1 or geometry[3] <= 1:
            return False
        ratio = self.surfaces[surface].devicePixelRatioF()
        x, y, w, h = (round(v / ratio) for v in geometry)
        still = screen.grabWindow(self.window_id(surface), x, y, w, h)
        if still.isNull():
            return False
        self.curtain.still = still
        self.curtain.show()
        self.curtain.raise_()
        if self.message.isVisible():
            self.message.raise_()
        return True

    def lift_curtain(self) -> None:
        if self.curtain.isVisible():
            self.curtain.hide()
        self.curtain.still = QPixmap()


# -- streams ---------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Stream:
    """One open stream of the tile's camera."""

    token: int
    handle: VideoHandle
    surface: int
    profile: Profile
    keyframes_only: bool
    #: its first picture is on screen
    shown: bool = False
    status: StreamStatus | None = None

    @property
    def kind(self) -> tuple[Profile, bool]:
        return self.profile, self.keyframes_only


@dataclass(frozen=True, slots=True)
class _Report:
    """A backend callback, carried to the GUI thread as one object."""

    token: int
    status: StreamStatus | None = None


class _Relay(QObject):
    """Carries backend callbacks from any thread to the GUI thread."""

    #: a _Report with a status
    status = Signal(object)
    #: a _Report: that stream's first picture is on screen
    first_frame = Signal(object)


_serials = itertools.count(1)
_tokens = itertools.count(1)


class VideoTile(QFrame):
    """A tile showing one camera, or a hint to drag one here."""

    #: the person pressed the tile (to select it)
    pressed = Signal()
    #: the person double-clicked the tile (to maximize or restore it)
    double_clicked = Signal()
    #: a QMimeData dropped on the tile (a camera from the tree, or another tile)
    dropped = Signal(object)
    #: the tile's state changed (a TileState)
    state_changed = Signal(object)

    def __init__(
        self,
        views: LiveViews,
        backend: VideoBackend | None,
        places: Mapping[int, str],
        parent: QWidget | None = None,
        *,
        controls: CameraControls | None = None,
        ptz_jobs: Jobs | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("video_tile")
        self.serial = next(_serials)
        self._views = views
        self._backend = backend
        self._places = places
        self._controls = controls
        #: where the PTZ driver's camera commands run (the device pool); not bound to the tile,
        #: since the driver must see the outcome of each to let the camera go
        self._ptz_jobs = ptz_jobs if ptz_jobs is not None else views.jobs
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(80, 60)
        #: the camera shown (or asked for), and what is known of it
        self.camera_id: int | None = None
        self.camera: Camera | None = None
        self.state = TileState.EMPTY
        self._error = ""
        #: the tile wants the main stream (it is maximized, or big in its layout)
        self._big = False
        #: the video is stopped (the console is locked) but the camera stays assigned
        self._suspended = False
        #: bumped whenever the tile turns to another camera (or stops): late answers are dropped
        self._generation = 0
        self._session: Session | None = None
        self._frames = 0
        self._front: _Stream | None = None
        self._back: _Stream | None = None
        #: the surface the front stream is drawn into
        self._front_surface = 0
        self.recording = False
        self.alarm = False
        self.selected = False
        self._press: QPoint | None = None
        #: the tile fills the grid
        self._maximized = False
        #: the camera's PTZ while it is offered; the keys held and the drag going on
        self._ptz: PtzDriver | None = None
        self._held_keys: dict[int, Velocity] = {}
        self._drag_from: QPoint | None = None
        self._relay = _Relay(self)
        self._relay.status.connect(self._on_relay_status, Qt.ConnectionType.QueuedConnection)
        self._relay.first_frame.connect(
            self._on_relay_first_frame, Qt.ConnectionType.QueuedConnection
        )
        #: streams whose first picture is out, until libvlc has fitted its window: token →
        #: (when the picture came, when to show them anyway)
        self._fitting: dict[int, tuple[float, float]] = {}
        #: while the curtain is up: when it went up, the front surface's size then, and when to
        #: lift it at the latest
        self._curtain: tuple[float, tuple[int, int] | None, float] | None = None
        self._fit_timer = QTimer(self)
        self._fit_timer.setInterval(FIT_POLL_MS)
        self._fit_timer.timeout.connect(self._on_fit_timer_timeout)

        self.caption = QWidget()
        self.caption.setObjectName("tile_caption")
        self.caption.setAutoFillBackground(True)
        self.title = QLabel()
        self.title.setObjectName("tile_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.badge = QLabel(self.tr("key frames"))
        self.badge.setObjectName("tile_keyframes")
        self._badge_no_sub = self.tr(
            "The camera has no sub stream: this small tile shows only the main stream's "
            "key frames (about one picture a second)."
        )
        self._badge_overload = self.tr(
            "This workstation cannot decode every stream now: this tile shows only key frames "
            "(about one picture a second) until there is room again."
        )
        self.badge.setToolTip(self._badge_no_sub)
        self.badge.hide()
        self.rec = QLabel(self.tr("● REC"))
        self.rec.setObjectName("tile_recording")
        self.rec.setStyleSheet("color: #ff3b30; font-weight: bold;")
        self.rec.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("tile_status")
        strip = QHBoxLayout(self.caption)
        strip.setContentsMargins(6, 2, 6, 2)
        strip.setSpacing(8)
        strip.addWidget(self.title, 1)
        strip.addWidget(self.badge)
        strip.addWidget(self.rec)
        strip.addWidget(self.status_label)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.caption)
        # The native screen alone in a plain holder: Qt makes the siblings of a native widget
        # native too, and the caption must stay an ordinary widget.
        self._holder = QWidget()
        self._holder.setObjectName("tile_holder")
        self._holder_layout = QVBoxLayout(self._holder)
        self._holder_layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._holder, 1)
        self.screen_: _Screen = _Screen(self._holder)
        self._holder_layout.addWidget(self.screen_)
        self.ptz_pad = PtzPad()
        self.ptz_pad.hide()
        self.ptz_pad.held.connect(self._on_ptz_pad_held)
        self.ptz_pad.stop_clicked.connect(self._on_ptz_pad_stop_clicked)
        self.ptz_pad.goto_clicked.connect(self._on_ptz_pad_goto_clicked)
        self._layout.addWidget(self.ptz_pad)
        self._show()

    # -- what the tile shows -----------------------------------------------------------------

    def assign(self, camera_id: int | None, camera: Camera | None = None) -> None:
        """Show camera `camera_id` (`camera` when already known), or nothing."""
        if camera_id == self.camera_id and camera_id is not None:
            if camera is not None:
                self.update_camera(camera)
            return
        self._stop_viewing()
        self.camera_id = camera_id
        self.camera = camera
        self._error = ""
        if camera_id is None:
            self._set_state(TileState.EMPTY)
            return
        self._start()

    def clear(self) -> None:
        self.assign(None)

    def update_camera(self, camera: Camera) -> None:
        """The camera's name or place changed (the stream stays)."""
        if camera.id != self.camera_id:
            return
        self.camera = camera
        self._show()
        self._sync_ptz()

    def forget_camera(self) -> None:
        """The camera is no longer in the user's list: find out whether it was removed or is
        now out of reach, and stop showing it either way."""
        camera_id = self.camera_id
        if camera_id is None:
            return
        self._stop_viewing()
        self.camera = None
        self._start()

    def set_big(self, big: bool) -> None:
        """Use the main stream (maximized, or a big tile of its layout) or the sub stream."""
        if big == self._big:
            return
        self._big = big
        self._sync_streams()

    @property
    def big(self) -> bool:
        return self._big

    def set_maximized(self, on: bool) -> None:
        """The tile fills the grid (or no longer does): PTZ is offered only then."""
        if on == self._maximized:
            return
        self._maximized = on
        self._sync_ptz()

    @property
    def maximized(self) -> bool:
        return self._maximized

    def set_recording(self, on: bool) -> None:
        """The recorder's indicator for the camera shown."""
        self.recording = on
        self.rec.setVisible(on)

    def set_alarm(self, on: bool) -> None:
        """An alarm of the camera shown: a red border until it is cleared."""
        self.alarm = on
        self._paint_border()

    def set_selected(self, on: bool) -> None:
        self.selected = on
        self._paint_border()

    def suspend(self) -> None:
        """Stop the video and end the logged look, keeping the camera (the console locks)."""
        if self._suspended:
            return
        self._suspended = True
        self._stop_viewing()
        if self.camera_id is not None:
            self._set_state(TileState.CONNECTING)

    def resume(self) -> None:
        if not self._suspended:
            return
        self._suspended = False
        if self.camera_id is not None:
            self._start()

    def release_video(self) -> None:
        """Close the streams and destroy the native windows, keeping the logged look: the tile
        is about to move to another window (native windows cannot move with it everywhere)."""
        self._close_streams()
        shiboken6.delete(self.screen_)

    def restore_video(self) -> None:
        """New native windows after a move; the streams open again into them."""
        self.screen_ = _Screen(self._holder)
        self._holder_layout.addWidget(self.screen_)
        self._front_surface = 0
        self._show()
        self._sync_streams()

    def stop(self) -> None:
        """Stop showing anything (the grid drops the tile or the window closes)."""
        self._stop_viewing()
        self.camera_id = None
        self.camera = None
        self._set_state(TileState.EMPTY)

    # -- PTZ ---------------------------------------------------------------------------------

    @property
    def ptz(self) -> PtzDriver | None:
        """The camera's PTZ while it is offered: the tile is maximized, the camera has PTZ, the
        user holds PTZ in its area and the look is logged and going."""
        return self._ptz

    def _ptz_allowed(self) -> bool:
        camera = self.camera
        return (
            self._maximized
            and self._controls is not None
            and camera is not None
            and self._session is not None
            and camera.facts.capabilities.ptz
            and can(self._views.actor, Permission.PTZ, camera.area_id)
        )

    def _sync_ptz(self) -> None:
        """Offer PTZ where it is allowed (the camera's PTZ opens on a worker), let go of it
        where it no longer is."""
        driver, camera = self._ptz, self.camera
        allowed = self._ptz_allowed()
        if driver is not None and not (
            allowed and camera is not None and camera.id == driver.camera.id
        ):
            self._ptz = None
            self._held_keys.clear()
            self._drag_from = None
            driver.close()
            self.ptz_pad.reset()
            self.ptz_pad.hide()
        if self._ptz is not None or not allowed:
            return
        assert camera is not None
        assert self._controls is not None
        views = self._views
        opened = PtzDriver(
            views.cameras,
            views.actor,
            self._controls,
            camera,
            self._ptz_jobs,
            QtTimers(),
            on_presets=lambda presets: self._on_ptz_presets(opened, presets),
            on_error=lambda err: self._on_ptz_error(opened, "" if err is None else error_text(err)),
        )
        self._ptz = opened
        self.ptz_pad.reset()
        self.ptz_pad.show()
        opened.open()

    def _on_ptz_presets(self, driver: PtzDriver, presets: list[PtzPreset]) -> None:
        if shiboken6.isValid(self) and driver is self._ptz:
            self.ptz_pad.set_presets(presets)

    def _on_ptz_error(self, driver: PtzDriver, text: str) -> None:
        if shiboken6.isValid(self) and driver is self._ptz:
            self.ptz_pad.show_error(text)

    def _on_ptz_pad_held(self, velocity: Velocity) -> None:
        if self._ptz is not None:
            self._ptz.drive("pad", velocity)

    def _on_ptz_pad_stop_clicked(self) -> None:
        if self._ptz is not None:
            self._held_keys.clear()
            self._drag_from = None
            self._ptz.halt()

    def _on_ptz_pad_goto_clicked(self, preset: PtzPreset) -> None:
        if self._ptz is not None:
            self._ptz.goto(preset)

    def ptz_key(self, event: QKeyEvent) -> bool:
        """A key press or release the grid passes on while the tile is maximized: True when it
        steers the camera (held keys move it, letting go of the last one stops it)."""
        driver = self._ptz
        if driver is None:
            return False
        # The scan code names the physical key in its press and its release alike (Shift let go
        # before "+" turns the release into "="); synthetic events have none.
        key = event.nativeScanCode() or event.key()
        if event.type() == QEvent.Type.KeyPress:
            velocity = ptz_key_velocity(event.key(), event.modifiers())
            if velocity is None:
                return False
            if not event.isAutoRepeat():
                self._held_keys[key] = velocity
                driver.drive("keys", _total(self._held_keys.values()))
            return True
        if key not in self._held_keys:
            return False
        if not event.isAutoRepeat():
            del self._held_keys[key]
            driver.drive("keys", _total(self._held_keys.values()))
        return True

    def release_ptz(self) -> None:
        """Let go of the held keys and the drag: their releases will not come (the grid lost the
        focus)."""
        self._held_keys.clear()
        self._drag_from = None
        if self._ptz is not None:
            self._ptz.drive("keys", STILL)
            self._ptz.drive("mouse", STILL)

    # -- the look: camera, entry, stream -----------------------------------------------------

    def _start(self) -> None:
        self._generation += 1
        generation = self._generation
        if self._suspended:
            self._set_state(TileState.CONNECTING)
            return
        if self.camera is None:
            assert self.camera_id is not None
            self._set_state(TileState.CONNECTING)
            self._views.lookup(
                self.camera_id,
                lambda camera: self._on_found(generation, camera),
                lambda err: self._on_lookup_failed(generation, err),
            )
            return
        camera = self.camera
        if not can(self._views.actor, Permission.VIEW_LIVE, camera.area_id):
            self._set_state(TileState.NO_PERMISSION)
            return
        if self._backend is None:
            self._set_state(TileState.NO_VIDEO)
            return
        if not (camera.main_uri or camera.sub_uri):
            self._error = self.tr("The camera reported no video stream.")
            self._set_state(TileState.REFUSED)
            return
        self._set_state(TileState.CONNECTING)
        views = self._views

        def begun(session: Session) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                # The tile moved on while the entry was written: nothing was shown.
                views.end(session, 0)
                return
            self._session = session
            self._frames = 0
            self._sync_streams()
            self._sync_ptz()

        self._views.begin(camera, begun, lambda err: self._on_refused(generation, err))

    def _on_found(self, generation: int, camera: Camera) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self.camera = camera
        self._start()

    def _on_lookup_failed(self, generation: int, err: KnownError) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        if isinstance(err, PermissionDenied):
            self._set_state(TileState.NO_PERMISSION)
        elif isinstance(err, NotFound):
            self._set_state(TileState.REMOVED)
        else:
            self._on_refused(generation, err)

    def _on_refused(self, generation: int, err: KnownError) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        if isinstance(err, PermissionDenied):
            self._set_state(TileState.NO_PERMISSION)
            return
        self._error = error_text(err)
        self._set_state(TileState.REFUSED)

    def _wanted(self) -> tuple[Profile, bool] | None:
        """The stream the tile should show: (profile, key frames only)."""
        camera = self.camera
        if camera is None:
            return None
        main, sub = bool(camera.main_uri), bool(camera.sub_uri)
        if self._big:
            return (Profile.MAIN, False) if main else (Profile.SUB, False) if sub else None
        # A small tile never decodes a whole main stream: where there is no sub stream, only
        # its key frames.
        return (Profile.SUB, False) if sub else (Profile.MAIN, True) if main else None

    def _sync_streams(self) -> None:
        """Open the wanted stream unless it is open; a stream showing a picture stays until the
        new one shows its first."""
        if self._session is None or self._suspended or not shiboken6.isValid(self.screen_):
            return
        wanted = self._wanted()
        if wanted is None:
            return
        front, back = self._front, self._back
        if front is not None and front.kind == wanted:
            self._close_back()
            return
        if back is not None and back.kind == wanted:
            return
        self._close_back()
        if front is not None and not front.shown:
            # Nothing on screen yet: no picture to keep, replace it at once.
            self._close(front)
            self._front = front = None
        surface = self._front_surface if front is None else 1 - self._front_surface
        stream = self._open(wanted, surface)
        if stream is None:
            return
        if front is None:
            self._front = stream
            self._front_surface = surface
        else:
            self._back = stream
        self._show()

    def _open(self, wanted: tuple[Profile, bool], surface: int) -> _Stream | None:
        camera, backend = self.camera, self._backend
        assert camera is not None
        assert backend is not None
        profile, keyframes_only = wanted
        token = next(_tokens)
        relay = self._relay

        def on_status(status: StreamStatus) -> None:
            if shiboken6.isValid(relay):
                relay.status.emit(_Report(token, status))

        def on_first_frame() -> None:
            if shiboken6.isValid(relay):
                relay.first_frame.emit(_Report(token))

        try:
            handle = backend.open(
                camera,
                profile,
                self.screen_.window_id(surface),
                keyframes_only=keyframes_only,
                on_status=on_status,
                on_first_frame=on_first_frame,
            )
        except KnownError as err:
            if self._front is not None and self._front.shown:
                # The picture already shown stays; the failed switch is told in the tooltip.
                self.status_label.setToolTip(error_text(err))
                return None
            self._error = error_text(err)
            self._end_session()
            self._set_state(TileState.REFUSED)
            return None
        return _Stream(token, handle, surface, profile, keyframes_only)

    def _on_relay_status(self, report: _Report) -> None:
        for stream in (self._front, self._back):
            if stream is not None and stream.token == report.token:
                stream.status = report.status
                if stream is self._front:
                    self._show()

    def _on_relay_first_frame(self, report: _Report) -> None:
        stream = next(
            (s for s in (self._front, self._back) if s is not None and s.token == report.token),
            None,
        )
        if stream is None or stream.token in self._fitting:
            return
        screen = self.screen_
        if stream.shown or not shiboken6.isValid(screen):
            # The front stream started again (a reconnect): its new window, too, is to keep what
            # is on screen when it is uncovered.
            if shiboken6.isValid(screen):
                screen.fit(stream.surface)
            self._show()
            return
        # libvlc draws its first pictures at the stream's own size, in the corner of its window,
        # until it has caught up with the window's size: shown before then, they are a small
        # picture in a black tile. The stream is shown once libvlc's window fits.
        now = time.monotonic()
        self._fitting[stream.token] = now, now + FIT_WAIT_S
        if self._ready(stream, now):
            del self._fitting[stream.token]
            self._on_fitted(stream)
        else:
            self._fit_timer.start()

    def _ready(self, stream: _Stream, now: float) -> bool:
        """`stream`, whose first picture is out, may be shown."""
        since, until = self._fitting[stream.token]
        fit = self.screen_.fit(stream.surface)
        if fit in (_Fit.UNKNOWN, _Fit.FITTED) or now >= until:
            return True
        # Right after its first picture libvlc's window (or, from a backend of another kind,
        # none at all) may be as it was made: wait a little for it to be placed.
        return fit in (_Fit.WHOLE, _Fit.NO_WINDOW) and now >= since + FIT_SETTLE_S

    def _on_fitted(self, stream: _Stream) -> None:
        """`stream`'s first picture is out and libvlc's window fitted to the tile."""
        front, back = self._front, self._back
        if stream is front:
            front.shown = True
            self._show()
        elif stream is back:
            # The new stream goes on top, then the old one closes. Its window keeps the old
            # picture on screen until libvlc draws the new stream's next one.
            back.shown = True
            self._front, self._back = back, None
            self._front_surface = back.surface
            self.screen_.show_picture(back.surface)
            if front is not None:
                self._close(front)
            self._show()

    def _on_fit_timer_timeout(self) -> None:
        now = time.monotonic()
        valid = shiboken6.isValid(self.screen_)
        streams = [s for s in (self._front, self._back) if s is not None]
        tokens = {s.token for s in streams} if valid else set()
        self._fitting = {t: times for t, times in self._fitting.items() if t in tokens}
        for stream in streams:
            if stream.token in self._fitting and self._ready(stream, now):
                del self._fitting[stream.token]
                self._on_fitted(stream)
        if self._curtain is not None and (not valid or self._may_lift(now)):
            self._lift_curtain()
        if not self._fitting and self._curtain is None:
            self._fit_timer.stop()

    # -- the curtain -------------------------------------------------------------------------

    def hold_picture(self) -> None:
        """The tile is about to change size (maximized or restored): its picture, as it is on
        screen now, stays over the video until libvlc has fitted its window to the new size.

        X11 without a compositor keeps nothing of a window's contents: a video window made
        larger shows the old, smaller picture in its corner and black around it (smaller: a
        corner of the old picture) until libvlc draws its next picture at the new size, which it
        does only once it has caught up with the size. Meanwhile the curtain shows the picture
        scaled. Where libvlc's window cannot be seen (not on X11), there is no curtain."""
        front, screen = self._front, self.screen_
        if (
            front is None
            or not front.shown
            or self.state not in (TileState.LIVE, TileState.STALE)
            or not self.isVisible()
            or not shiboken6.isValid(screen)
        ):
            return
        now = time.monotonic()
        if self._curtain is not None:
            since, size, _ = self._curtain
            self._curtain = since, size, now + FIT_WAIT_S
        elif screen.hold(front.surface):
            self._curtain = now, screen.size_in_pixels(front.surface), now + FIT_WAIT_S
        else:
            return
        self._fit_timer.start()

    def _may_lift(self, now: float) -> bool:
        """The front stream's window is fitted to the tile's new size (or it is too late)."""
        assert self._curtain is not None
        since, size, until = self._curtain
        front, screen = self._front, self.screen_
        if now >= until or front is None or not front.shown:
            return True
        if self._back is not None and self._back.token in self._fitting:
            # The new stream is about to be shown: the curtain goes with the swap.
            return False
        if screen.size_in_pixels(front.surface) == size and now < since + CURTAIN_MIN_S:
            # The new layout may not have reached the tile yet.
            return False
        return screen.fit(front.surface) is not _Fit.NOT_FITTED

    def _lift_curtain(self) -> None:
        self._curtain = None
        if shiboken6.isValid(self.screen_):
            # libvlc's window keeps the curtain's picture until it draws its next one.
            self.screen_.lift_curtain()

    def _close(self, stream: _Stream) -> None:
        self._frames += stream.handle.frames()
        stream.handle.close()

    def _close_back(self) -> None:
        if self._back is not None:
            self._close(self._back)
            self._back = None

    def _close_streams(self) -> None:
        self._close_back()
        if self._front is not None:
            self._close(self._front)
            self._front = None

    def _end_session(self) -> None:
        self._close_streams()
        session, self._session = self._session, None
        if session is not None:
            self._views.end(session, self._frames)
        self._frames = 0
        self._sync_ptz()

    def _stop_viewing(self) -> None:
        self._generation += 1
        self._end_session()

    # -- painting ----------------------------------------------------------------------------

    def _set_state(self, state: TileState) -> None:
        self.state = state
        self._show()

    def _stream_state(self) -> TileState:
        """The state as the front stream tells it."""
        front = self._front
        if front is None or front.status is None:
            return TileState.CONNECTING if not (front and front.shown) else TileState.LIVE
        return {
            StreamState.CONNECTING: TileState.CONNECTING,
            StreamState.LIVE: TileState.LIVE if front.shown else TileState.CONNECTING,
            StreamState.STALE: TileState.STALE,
            StreamState.OFFLINE: TileState.OFFLINE,
        }[front.status.state]

    def _show(self) -> None:
        if not shiboken6.isValid(self):
            return
        if self._session is not None and self.state in (
            TileState.CONNECTING,
            TileState.LIVE,
            TileState.STALE,
            TileState.OFFLINE,
        ):
            self.state = self._stream_state()
        self.title.setText(self.title_text())
        self.status_label.setText(self.status_text())
        front = self._front
        # Degraded: keyframes only because the workstation cannot keep up (ui/overload.py).
        degraded = front is not None and bool(getattr(front.handle, "degraded", False))
        self.badge.setVisible(front is not None and (front.keyframes_only or degraded))
        self.badge.setToolTip(self._badge_overload if degraded else self._badge_no_sub)
        background, text = _STRIP[self.state]
        _restyle(
            self.caption,
            f"#tile_caption {{ background: {background}; }} "
            f"#tile_title, #tile_status, #tile_keyframes {{ color: {text}; }}",
        )
        _restyle(self.status_label, f"color: {_LIVE_DOT};" if self.state is TileState.LIVE else "")
        if not shiboken6.isValid(self.screen_):
            return
        picture = front is not None and front.shown
        if picture and self.state in (TileState.LIVE, TileState.STALE):
            # A stale picture stays, marked in the strip: the last picture is still worth seeing.
            assert front is not None
            self.screen_.show_picture(front.surface)
        else:
            self._curtain = None
            self.screen_.show_message(self.message_text())
        self._paint_border()
        self.state_changed.emit(self.state)

    def _paint_border(self) -> None:
        colour = _BORDER_ALARM if self.alarm else _BORDER_SELECTED if self.selected else _BORDER
        width = 3 if self.alarm else 2
        _restyle(self, f"#video_tile {{ border: {width}px solid {colour}; background: #000000; }}")

    def title_text(self) -> str:
        if self.camera is not None:
            place = self._places.get(self.camera.place_id, "")
            return f"{self.camera.name} · {place}" if place else self.camera.name
        if self.camera_id is not None:
            return self.tr("Camera %1").replace("%1", str(self.camera_id))
        return ""

    def status_text(self) -> str:
        front = self._front
        status = front.status if front is not None else None
        texts = {
            TileState.EMPTY: "",
            TileState.CONNECTING: self.tr("connecting"),
            TileState.LIVE: self.tr("● live"),
            TileState.OFFLINE: self.tr("offline"),
            TileState.NO_PERMISSION: self.tr("no permission"),
            TileState.REMOVED: self.tr("removed"),
            TileState.NO_VIDEO: self.tr("video not available"),
            TileState.REFUSED: self.tr("not shown"),
        }
        if self.state is TileState.STALE:
            if status is None:
                return self.tr("STALE")
            return self.tr("STALE since %1").replace("%1", clock_text(status))
        return texts[self.state]

    def message_text(self) -> str:
        """What the tile says where there is no picture."""
        front = self._front
        status = front.status if front is not None else None
        if self.state is TileState.OFFLINE:
            reason = status.reason if status is not None and status.reason else ""
            text = self.tr("Offline: %1").replace("%1", reason) if reason else self.tr("Offline")
            if status is not None and status.retry_in_s is not None:
                text += "\n" + self.tr("Trying again in %1 s").replace(
                    "%1", str(round(status.retry_in_s))
                )
            return text
        texts = {
            TileState.EMPTY: self.tr("Drag a camera here from the sites tree."),
            TileState.CONNECTING: self.tr("Connecting…"),
            TileState.LIVE: self.tr("Connecting…"),
            TileState.NO_PERMISSION: self.tr("No permission for this camera."),
            TileState.REMOVED: self.tr("This camera has been removed."),
            TileState.NO_VIDEO: self.tr("Video not available on this workstation."),
            TileState.REFUSED: self._error,
        }
        if self.state is TileState.STALE:
            return self.status_text()
        return texts[self.state]

    # -- mouse and drops ---------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            position = event.position().toPoint()
            if self._ptz is not None and self._holder.geometry().contains(position):
                # A drag on the picture steers the camera (a maximized tile has no other tile
                # to be swapped with).
                self._drag_from = position
            else:
                self._press = position
            self.pressed.emit()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = None
            if self._drag_from is not None:
                self._drag_from = None
                if self._ptz is not None:
                    self._ptz.drive("mouse", STILL)
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.double_clicked.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._drag_from is not None:
            if self._ptz is not None:
                offset = event.position().toPoint() - self._drag_from
                self._ptz.drive("mouse", drag_velocity(offset, self._holder.size()))
            return
        start = self._press
        if (
            start is None
            or self.camera_id is None
            or not event.buttons() & Qt.MouseButton.LeftButton
            or (event.position().toPoint() - start).manhattanLength()
            < QApplication.startDragDistance()
        ):
            return
        self._press = None
        drag = QDrag(self)
        drag.setMimeData(self.mime_data())
        drag.exec(Qt.DropAction.MoveAction)

    def mime_data(self) -> QMimeData:
        """What dragging this tile carries: its serial number (another tile swaps with it)."""
        mime = QMimeData()
        mime.setData(TILE_MIME, QByteArray(str(self.serial).encode("ascii")))
        return mime

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        action = drop_action(event.mimeData())
        if action is not None:
            event.setDropAction(action)
            event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        mime = event.mimeData()
        action = drop_action(mime)
        if action is not None:
            event.setDropAction(action)
            event.accept()
            self.dropped.emit(mime)


def _restyle(widget: QWidget, sheet: str) -> None:
    """Set a style sheet only when it changes: every change restyles the widget's children."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def drop_action(mime: QMimeData) -> Qt.DropAction | None:
    """A camera from the tree is copied (the tree keeps it), a tile is moved; else None."""
    if mime.hasFormat(CAMERA_MIME):
        return Qt.DropAction.CopyAction
    if mime.hasFormat(TILE_MIME):
        return Qt.DropAction.MoveAction
    return None


def tile_serial_from_mime(mime: QMimeData) -> int | None:
    if not mime.hasFormat(TILE_MIME):
        return None
    text = bytes(mime.data(TILE_MIME).data()).decode("ascii", "replace")
    return int(text) if text.isdigit() else None
