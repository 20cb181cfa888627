"""One tile of the live grid: a camera's video in a native window, and around it what the operator
must know about the picture (which camera, where, and whether it is live).

The video is drawn by a backend (libvlc behind the media hub, filled in by ui/app.py) into a native
child window whose id the tile hands over. Native windows are drawn over every ordinary widget
that overlaps them, so nothing is painted on top of the picture: the camera's name, place and
state sit in a caption strip above it, and a full-size message ("Connecting…", "Offline: …",
"No permission") is itself a native window raised above the picture when there is no picture to
show. Each tile has two video windows: a switch of stream (sub to main on maximizing, and back)
opens the new stream in the window underneath and raises it only once its first picture is on
screen, so the tile never goes black; then the old stream is closed.

Every look at a camera is in the access log: the tile asks for the live.view start entry (on a
worker) before it opens a stream, shows the error and opens nothing when the entry cannot be
written or the user may not see the camera, and ends the entry when it stops showing the camera.
"""

from __future__ import annotations

import enum
import itertools
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from typing import Protocol

import shiboken6
from PySide6.QtCore import QByteArray, QMimeData, QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDropEvent,
    QMouseEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.audit.log import Session
from console.cameras import Camera, CameraService
from console.domain import Actor, Permission
from console.errors import KnownError, NotFound, PermissionDenied
from console.media.packets import Profile, StreamState, StreamStatus
from console.policy import can
from ui.audit_viewer import LOCAL_ZONE
from ui.i18n import error_text
from ui.sites_panel import CAMERA_MIME
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

#: A tile dragged onto another (to swap them) carries its serial number in this format.
TILE_MIME = "application/x-utkik-tile"
#: What the live.view entries say the look was for.
LIVE_PURPOSE = "live"

# -- the backend (filled in by ui/app.py) ---------------------------------------------------------


class VideoHandle(Protocol):
    """One open stream drawn into one window."""

    def close(self) -> None:
        """Stop drawing and release the stream; no callback arrives after it returns."""
        ...

    def frames(self) -> int:
        """Pictures shown so far (for the access log's end entry); 0 when unknown."""
        ...


class VideoBackend(Protocol):
    """Opens camera streams into native windows. Called on the GUI thread: must not block."""

    def open(
        self,
        camera: Camera,
        profile: Profile,
        window_id: int,
        *,
        keyframes_only: bool,
        on_status: Callable[[StreamStatus], None],
        on_first_frame: Callable[[], None],
    ) -> VideoHandle:
        """Start drawing `camera`'s `profile` stream into the native window `window_id` (only
        its key frames when `keyframes_only`: a small tile of a camera without a sub stream).

        `on_status` gets every change of the stream's state; `on_first_frame` is called once,
        when the first picture is on screen. Both may be called from any thread, even before
        `open` returns. Raises KnownError when the stream cannot be opened at all.
        """
        ...


# -- the access log ------------------------------------------------------------------------------


class LiveViews:
    """What a tile needs of the core: the camera, and the live.view entries begun and ended on
    TaskRunner workers (never on the GUI thread)."""

    def __init__(self, cameras: CameraService, actor: Actor, runner: TaskRunner) -> None:
        self.cameras = cameras
        self.actor = actor
        self.runner = runner
        self._ending: set[Future[None]] = set()

    def lookup(
        self,
        camera_id: int,
        on_found: Callable[[Camera], None],
        on_failed: Callable[[KnownError], None],
    ) -> None:
        self.runner.run(lambda: self.cameras.get(self.actor, camera_id), on_found, on_failed)

    def begin(
        self,
        camera: Camera,
        on_begun: Callable[[Session], None],
        on_refused: Callable[[KnownError], None],
    ) -> None:
        """The start entry, durable before `on_begun` runs (fails closed: no entry, no video)."""
        actor = self.actor
        self.runner.run(
            lambda: self.cameras.begin_view(
                actor, f"camera:{camera.id}", camera.area_id, LIVE_PURPOSE
            ),
            on_begun,
            on_refused,
        )

    def end(self, session: Session, frames: int) -> None:
        """The end entry with what was shown; a failure reaches the operator (the runner's
        default)."""
        future = self.runner.run(lambda: self.cameras.end_view(session, frames), _ignore)
        self._ending.add(future)
        future.add_done_callback(self._ending.discard)

    def wait(self, timeout_s: float) -> None:
        """Wait for the end entries still being written (at shutdown, before the workers go)."""
        wait_futures(list(self._ending), timeout=timeout_s)

    @property
    def ending(self) -> int:
        return len(self._ending)


def _ignore(_value: object) -> None:
    return None


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


class _Screen(QWidget):
    """The tile's video area: two native video windows and a native message above them."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("tile_screen")
        _native(self, "#000000")
        self.surfaces = (QWidget(self), QWidget(self))
        for index, surface in enumerate(self.surfaces):
            surface.setObjectName(f"tile_surface_{index}")
            _native(surface, "#000000")
        self.message = QLabel(self)
        self.message.setObjectName("tile_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(8)
        _native(self.message, "#101317")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        for child in (*self.surfaces, self.message):
            child.setGeometry(self.rect())

    def window_id(self, surface: int) -> int:
        return int(self.surfaces[surface].winId())

    def show_picture(self, surface: int) -> None:
        """Surface `surface` on top, the message hidden."""
        self.surfaces[surface].raise_()
        self.message.hide()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.message.raise_()


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
    ) -> None:
        super().__init__(parent)
        self.setObjectName("video_tile")
        self.serial = next(_serials)
        self._views = views
        self._backend = backend
        self._places = places
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
        self._relay = _Relay(self)
        self._relay.status.connect(self._on_relay_status, Qt.ConnectionType.QueuedConnection)
        self._relay.first_frame.connect(
            self._on_relay_first_frame, Qt.ConnectionType.QueuedConnection
        )

        self.caption = QWidget()
        self.caption.setObjectName("tile_caption")
        self.caption.setAutoFillBackground(True)
        self.title = QLabel()
        self.title.setObjectName("tile_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.badge = QLabel(self.tr("key frames"))
        self.badge.setObjectName("tile_keyframes")
        self.badge.setToolTip(
            self.tr(
                "The camera has no sub stream: this small tile shows only the main stream's "
                "key frames (about one picture a second)."
            )
        )
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
        front, back = self._front, self._back
        if front is not None and front.token == report.token:
            front.shown = True
            self._show()
        elif back is not None and back.token == report.token:
            # The new stream is on screen: it goes on top, then the old one closes.
            back.shown = True
            self._front, self._back = back, None
            self._front_surface = back.surface
            self.screen_.show_picture(back.surface)
            if front is not None:
                self._close(front)
            self._show()

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
        self.badge.setVisible(front is not None and front.keyframes_only)
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
            self._press = event.position().toPoint()
            self.pressed.emit()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.double_clicked.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
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
