"""The native video surfaces of the live and playback tiles: widgets that are windows of their own
for libvlc to draw into, and, on X11, libvlc's own window inside them (through xcb): how it fits,
keeping what is on screen, and a still of the picture over it while the tile changes size."""

from __future__ import annotations

import ctypes
import ctypes.util
import enum
import logging

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QLabel, QWidget

log = logging.getLogger(__name__)

#: libvlc rounds the picture's size: a pixel or two short of the window still fills it.
_FIT_SLACK = 2


def native_surface(widget: QWidget, colour: str) -> None:
    """Make `widget` a native window for video (libvlc draws into it), filled with `colour`."""
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


class Xcb:
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
    def of_application(cls) -> Xcb | None:
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


class Fit(enum.Enum):
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


class Curtain(QWidget):
    """A still of the tile's picture, over the video windows while they change size (see
    VideoTile.hold_picture): scaled as libvlc scales the picture, as large as fits, centred."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tile_curtain")
        native_surface(self, "#000000")
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


class TileScreen(QWidget):
    """The tile's video area: two native video windows, a native curtain and a native message
    above them."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tile_screen")
        native_surface(self, "#000000")
        self.surfaces = (QWidget(self), QWidget(self))
        for index, surface in enumerate(self.surfaces):
            surface.setObjectName(f"tile_surface_{index}")
            native_surface(surface, "#000000")
        self.curtain = Curtain(self)
        self.curtain.hide()
        self.message = QLabel(self)
        self.message.setObjectName("tile_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(8)
        native_surface(self.message, "#101317")
        #: None where the video windows are not X11 windows
        self._xcb = Xcb.of_application()

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

    def _drawn(self, surface: int) -> tuple[Xcb, int] | None:
        """The X connection and the window libvlc draws in, inside `surface` (the newest)."""
        xcb = self._xcb
        if xcb is None:
            return None
        children = xcb.children(self.window_id(surface))
        return (xcb, children[-1]) if children else None

    def fit(self, surface: int) -> Fit:
        """How libvlc's window in `surface` fits it. Makes that window keep what is on screen
        where it is uncovered or grows (see Xcb), before it is ever uncovered."""
        drawn = self._drawn(surface)
        if drawn is None:
            return Fit.UNKNOWN if self._xcb is None else Fit.NO_WINDOW
        xcb, window = drawn
        # Every time: X reuses the ids of windows libvlc destroyed for the windows it makes anew.
        xcb.set_background(window, keep=True)
        outer = xcb.geometry(self.window_id(surface))
        inner = xcb.geometry(window)
        if outer is None or inner is None:
            return Fit.NO_WINDOW
        _, _, width, height = outer
        x, y, w, h = inner
        if (x, y, w, h) == (0, 0, width, height):
            return Fit.WHOLE
        inside = x >= 0 and y >= 0 and x + w <= width and y + h <= height
        filled = w >= width - _FIT_SLACK or h >= height - _FIT_SLACK
        return Fit.FITTED if inside and filled else Fit.NOT_FITTED

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
        if drawn is None or screen is None or self.fit(surface) is Fit.NO_WINDOW:
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
