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
see Xcb (ui/native_surface.py) and VideoTile.hold_picture.

Every look at a camera is in the access log: the tile asks for the live.view start entry (on a
worker) before it opens a stream, shows the error and opens nothing when the entry cannot be
written or the user may not see the camera, and ends the entry when it stops showing the camera.

A maximized tile of a camera with PTZ, for a user allowed PTZ in its area, also steers the camera:
a pad under the picture, keys (forwarded by the grid, which has the focus) and a drag on the
picture. The commands go through `CameraControls` (ui/wiring/cameras.py) on workers, one at a
time; the start of each move and each preset is written to the access log first.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QDrag,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
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
from console.ptz import STILL, PtzDriver, Velocity
from console.text import display_text
from console.viewing import LiveViews
from ui.i18n import error_text
from ui.native_surface import Fit, TileScreen
from ui.ptz_pad import PtzPad, drag_velocity, ptz_key_velocity, total_velocity
from ui.sites_panel import CAMERA_MIME
from ui.tile_state import BORDER, BORDER_ALARM, BORDER_SELECTED, LIVE_DOT, STRIP, TileState
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
#: A stream started over (to keyframes only and back, ui/overload.py) shows a picture again with
#: its next keyframe, a GOP later: the curtain keeps the last picture on screen until then, or
#: this long at most.
RESTART_WAIT_S = 4.0


def clock_text(status: StreamStatus) -> str:
    """When a state began, as the control room's wall clock shows it (hh:mm:ss)."""
    return f"{status.since.astimezone(LOCAL_ZONE):%H:%M:%S}"


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
    """Carries backend callbacks from any thread to the GUI thread. Owned by Python (no parent):
    the backend's callbacks hold it, so it outlives the tile as long as a reader thread may still
    emit on it, and Qt drops the queued deliveries of a tile that is gone."""

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
        self._relay = _Relay()
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
        #: the front stream started over and has not shown its next picture yet (its token)
        self._restarting: int | None = None
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
        # A camera whose register entry is not complete is shown only to technicians, who
        # commission it: they see why it does not record.
        self.unregistered = QLabel(self.tr("not in the register"))
        self.unregistered.setObjectName("tile_unregistered")
        self.unregistered.setStyleSheet("color: #ffb020; font-weight: bold;")
        self.unregistered.setToolTip(
            self.tr(
                "This camera's entry in the surveillance register is not complete: it is not "
                "recorded, and operators and supervisors do not see it, until an administrator "
                "completes it."
            )
        )
        self.unregistered.hide()
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
        strip.addWidget(self.unregistered)
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
        self.screen_: TileScreen = TileScreen(self._holder)
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
        self.screen_ = TileScreen(self._holder)
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
                driver.drive("keys", total_velocity(self._held_keys.values()))
            return True
        if key not in self._held_keys:
            return False
        if not event.isAutoRepeat():
            del self._held_keys[key]
            driver.drive("keys", total_velocity(self._held_keys.values()))
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
            relay.status.emit(_Report(token, status))

        def on_first_frame() -> None:
            relay.first_frame.emit(_Report(token))

        def on_restart() -> None:
            self._on_restart(token)

        try:
            handle = backend.open(
                camera,
                profile,
                self.screen_.window_id(surface),
                keyframes_only=keyframes_only,
                on_status=on_status,
                on_first_frame=on_first_frame,
                on_restart=on_restart,
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
        if stream.token == self._restarting and shiboken6.isValid(screen):
            # Its picture is back after a restart: the curtain goes once libvlc's new window
            # fits, as for a new stream's first picture.
            self._restarting = None
            now = time.monotonic()
            self._fitting[stream.token] = now, now + FIT_WAIT_S
            self._fit_timer.start()
            return
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
        if fit in (Fit.UNKNOWN, Fit.FITTED) or now >= until:
            return True
        # Right after its first picture libvlc's window (or, from a backend of another kind,
        # none at all) may be as it was made: wait a little for it to be placed.
        return fit in (Fit.WHOLE, Fit.NO_WINDOW) and now >= since + FIT_SETTLE_S

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

    def _on_restart(self, token: int) -> None:
        """The backend is about to start the front stream over (GUI thread): its window is
        black until the stream's next keyframe. The picture on screen now stays, under the
        curtain, until then."""
        if not shiboken6.isValid(self):
            return
        front = self._front
        if front is None or front.token != token:
            return
        self.hold_picture(RESTART_WAIT_S)
        if self._curtain is not None:
            self._restarting = token

    def hold_picture(self, wait_s: float = FIT_WAIT_S) -> None:
        """The tile is about to change size (maximized or restored): its picture, as it is on
        screen now, stays over the video until libvlc has fitted its window to the new size (or
        at most `wait_s`; `_on_restart` holds it for a stream about to start over).

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
            since, size, until = self._curtain
            self._curtain = since, size, max(until, now + wait_s)
        elif screen.hold(front.surface):
            self._curtain = now, screen.size_in_pixels(front.surface), now + wait_s
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
        if front.token == self._restarting or front.token in self._fitting:
            # Started over: its picture comes back with the stream's next keyframe.
            return False
        if self._back is not None and self._back.token in self._fitting:
            # The new stream is about to be shown: the curtain goes with the swap.
            return False
        if screen.size_in_pixels(front.surface) == size and now < since + CURTAIN_MIN_S:
            # The new layout may not have reached the tile yet.
            return False
        return screen.fit(front.surface) is not Fit.NOT_FITTED

    def _lift_curtain(self) -> None:
        self._curtain = None
        self._restarting = None
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
        self.unregistered.setVisible(self.camera is not None and not self.camera.in_service)
        front = self._front
        # Degraded: keyframes only because the workstation cannot keep up (ui/overload.py).
        degraded = front is not None and bool(getattr(front.handle, "degraded", False))
        self.badge.setVisible(front is not None and (front.keyframes_only or degraded))
        self.badge.setToolTip(self._badge_overload if degraded else self._badge_no_sub)
        background, text = STRIP[self.state]
        _restyle(
            self.caption,
            f"#tile_caption {{ background: {background}; }} "
            f"#tile_title, #tile_status, #tile_keyframes {{ color: {text}; }}",
        )
        _restyle(self.status_label, f"color: {LIVE_DOT};" if self.state is TileState.LIVE else "")
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
        colour = BORDER_ALARM if self.alarm else BORDER_SELECTED if self.selected else BORDER
        width = 3 if self.alarm else 2
        _restyle(self, f"#video_tile {{ border: {width}px solid {colour}; background: #000000; }}")

    def title_text(self) -> str:
        if self.camera is not None:
            place = self._places.get(self.camera.place_id, "")
            name = display_text(self.camera.name)
            return f"{name} · {place}" if place else name
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
