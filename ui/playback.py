"""The playback window: a layout's cameras played back in sync on one timeline.

Opening recorded video asks why first (ui/playback_request.py: a reason from the administrators'
list and free text). Each camera's playback.view entry is then written on a worker, and only once it
is durable does that camera's tile start reading recordings (fail closed: a refused entry shows
the error and no video). Closing the window, "Live" and the console's shutdown end every entry
with the recorded time actually shown.

All tiles share one `PlaybackClock` (console/recording/playback.py): the transport bar, the
keys and the timeline move the clock, and each tile's feeder hands over the recorded pictures
the clock has reached, so the tiles show the same instant. The cursor follows the clock. Times
are Stockholm time with their offset (ui/timeline.py), UTC inside.

Operators may go back only `playback.operator_hours` (24 h by default): the service refuses an
earlier start, and the window clamps seeking, scrubbing and playing backwards to that limit and
says so. Supervisors have no limit.

Keys (docs/playback.md): Space play or pause; J, K, L backwards (faster at each press), pause,
forwards (faster at each press); [ and ] one speed slower or faster; , and . (and ← → while the
video has the focus) one frame back or forward; Ctrl+G go to a time; Ctrl+W back to live.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QMainWindow,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.cameras import Camera
from console.domain import Permission, Place
from console.errors import KnownError, NotFound, PermissionDenied
from console.localtime import format_moment
from console.policy import can
from console.ports import PlaybackStream
from console.recording.playback import KEYFRAMES_ONLY_ABOVE, SPEEDS, PlaybackClock, PlaybackSession
from console.viewing import PlaybackViews
from ui.i18n import error_text
from ui.playback_request import PlaybackContext, PlaybackRequest
from ui.playback_tile import PlaybackTile, union_span
from ui.tile_state import PLAYBACK_AMBER, TileState
from ui.timeline import TimelineRow, TimelineWidget

log = logging.getLogger(__name__)

#: A new playback starts this long before now: what just happened, with a little before it.
START_BEFORE_NOW = timedelta(minutes=1)
#: The timeline first shows this much before and after the start.
VIEW_BEFORE = timedelta(minutes=45)
VIEW_AFTER = timedelta(minutes=15)
#: Frame step: the cameras' usual rate (PAL 25 fps); a step at most one picture of a 30 fps one.
STEP_FPS = 25.0
#: How often the cursor, the tiles' times and their states follow the clock.
TICK_MS = 100
#: The timeline's rows are fetched this long after the view last changed (a drag or a wheel
#: changes it many times a second; one query per pause).
RANGES_DELAY_MS = 200
#: The rows are fetched again this often, so that recording going on shows.
RANGES_REFRESH_MS = 15_000
#: At shutdown, how long the playback.view end entries still being written are waited for.
END_WAIT_S = 5.0
#: The grids chosen cameras are shown in: the smallest square that holds them.
_FRACTIONS = {0.125: "⅛", 0.25: "¼", 0.5: "½"}


def speed_label(speed: float) -> str:
    """A speed as the selector shows it: "⅛×", "1×", "16×", "−2×"."""
    magnitude = abs(speed)
    number = _FRACTIONS.get(magnitude) or f"{magnitude:g}"
    return f"{'−' if speed < 0 else ''}{number}×"


def keyframes_only(speed: float) -> bool:
    """Whether the feeders hand over only keyframes at `speed` (fast, or backwards)."""
    return speed < 0 or abs(speed) > KEYFRAMES_ONLY_ABOVE


class PlaybackWindow(QMainWindow):
    """A layout's cameras in playback: tiles, one timeline, and the transport bar."""

    #: the window closed; its access-log entries are ending
    closed = Signal()
    #: the person asked for live video again (the window closes too)
    live_requested = Signal()
    #: (camera ids, start, end): an export request of the layout's cameras over the range the
    #: timeline shows
    export_requested = Signal(object)

    def __init__(
        self, context: PlaybackContext, request: PlaybackRequest, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("playback_window")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.context = context
        self.request = request
        self.log = PlaybackViews(context.playback, context.actor, context.runner)
        self._limit = request.limit
        self._stopped = False
        self._started = False
        self.setWindowTitle(
            self.tr("Utkik – recorded video – %1").replace("%1", context.actor.name)
        )
        self.resize(1280, 800)
        now = context.clock.now().astimezone(UTC)
        start = now - START_BEFORE_NOW
        earliest = self.earliest()
        if earliest is not None:
            start = max(start, earliest)
        #: the layout's media time, shared by every tile's feeder
        self.clock = PlaybackClock(start)
        self.speed = 1.0
        self._fast = False
        self._was_paused = True
        #: place id → name, for the tiles' captions
        self._places: dict[int, str] = {}

        # The tiles.
        self.area = QWidget()
        self.area.setObjectName("playback_area")
        self.area.setStyleSheet("#playback_area { background: #000000; }")
        self.area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        grid_layout = QGridLayout(self.area)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.setSpacing(2)
        shape = request.grid
        ids = list(request.camera_ids[: shape.count])
        ids += [None] * (shape.count - len(ids))
        self.tiles: list[PlaybackTile] = []
        for index, (camera_id, cell) in enumerate(zip(ids, shape.cells(), strict=True)):
            tile = PlaybackTile(index, camera_id)
            tile.pressed.connect(lambda t=tile: self.select(t.index))
            grid_layout.addWidget(tile, cell.row, cell.col, cell.rows, cell.cols)
            self.tiles.append(tile)
        for row in range(shape.rows):
            grid_layout.setRowStretch(row, 1)
        for col in range(shape.cols):
            grid_layout.setColumnStretch(col, 1)

        # The timeline.
        self.timeline = TimelineWidget(clock=context.clock)
        # Ctrl+G anywhere in the window (the timeline's own action, so the key is not taken twice).
        self.timeline.go_to_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.timeline.set_position(start)
        self.timeline.set_view(start - VIEW_BEFORE, start + VIEW_AFTER)
        self.timeline.view_changed.connect(self._on_timeline_view_changed)
        self.timeline.scrubbing.connect(self._on_timeline_scrubbing)
        self.timeline.seek_requested.connect(self._on_timeline_seek_requested)
        self.timeline.row_activated.connect(self._on_timeline_row_activated)

        # The transport bar.
        self.actions_: dict[str, QAction] = {}
        self.transport = self._build_transport()
        self.position_label = QLabel()
        self.position_label.setObjectName("playback_position")
        self.position_label.setStyleSheet(f"color: {PLAYBACK_AMBER}; font-weight: bold;")
        self.transport.addWidget(self.position_label)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.transport)
        layout.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.notice = QLabel()
        self.notice.setObjectName("playback_notice")
        self.statusBar().addWidget(self.notice, 1)

        self._ranges_timer = QTimer(self)
        self._ranges_timer.setSingleShot(True)
        self._ranges_timer.timeout.connect(self._fetch_ranges)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(RANGES_REFRESH_MS)
        self._refresh_timer.timeout.connect(self._fetch_ranges)
        self._fetching = False
        self._fetch_again = False
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_MS)
        self._tick_timer.timeout.connect(self._on_tick_timer_timeout)
        self._show_speed()
        self._on_tick_timer_timeout()

    # -- the transport bar and keys ---------------------------------------------------------------

    def _action(
        self,
        name: str,
        text: str,
        slot: Callable[[], None],
        keys: Sequence[str] = (),
        *,
        icon_text: str = "",
        context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"playback_{name}")
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setToolTip(f"{text.replace('&', '')} ({', '.join(keys)})")
        if icon_text:
            action.setIconText(icon_text)
        action.setShortcutContext(context)
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_[name] = action
        return action

    def _build_transport(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("playback_transport")
        bar.setMovable(False)
        bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._action(
            "view_start",
            self.tr("Go to the start of the view"),
            self.go_to_view_start,
            icon_text="⏮",
        )
        self._action(
            "step_back", self.tr("One frame back"), lambda: self.step(-1), [","], icon_text="⏴❚"
        )
        self._action("reverse", self.tr("Play backwards"), self.play_backwards, icon_text="◀")
        self._action(
            "play_pause", self.tr("Play or pause"), self.toggle_play, ["Space"], icon_text="▶"
        )
        self._action(
            "step_forward",
            self.tr("One frame forward"),
            lambda: self.step(1),
            ["."],
            icon_text="❚⏵",
        )
        self._action("pause", self.tr("Pause"), self.pause, ["K"])
        self._action(
            "backwards_faster",
            self.tr("Backwards, faster at each press"),
            self.backwards_faster,
            ["J"],
        )
        self._action(
            "forwards_faster",
            self.tr("Forwards, faster at each press"),
            self.forwards_faster,
            ["L"],
        )
        self._action("slower", self.tr("Slower"), lambda: self.change_speed(-1), ["["])
        self._action("faster", self.tr("Faster"), lambda: self.change_speed(1), ["]"])
        # ← → are the timeline's own keys while it has the focus: here only with the video's.
        for name, key, frames in (("left", "Left", -1), ("right", "Right", 1)):
            action = QAction(key, self.area)
            action.setObjectName(f"playback_step_{name}")
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, f=frames: self.step(f))
            self.area.addAction(action)
        self._action(
            "live", self.tr("&Live"), self.back_to_live, ["Ctrl+W"], icon_text=self.tr("Live")
        )
        for name in ("view_start", "step_back", "reverse", "play_pause", "step_forward"):
            bar.addAction(self.actions_[name])
        self.speed_box = QComboBox()
        self.speed_box.setObjectName("playback_speed")
        self.speed_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_box.setToolTip(self.tr("Speed ([ slower, ] faster)"))
        for speed in SPEEDS:
            self.speed_box.addItem(speed_label(speed), speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.activated.connect(self._on_speed_box_activated)
        bar.addWidget(self.speed_box)
        bar.addSeparator()
        go_to = self.timeline.go_to_action
        bar.addAction(go_to)
        bar.addAction(self.actions_["live"])
        bar.addSeparator()
        if can(self.context.actor, Permission.EXPORT_REQUEST):
            self._action(
                "export",
                self.tr("Request an &export of what the timeline shows…"),
                self.request_export,
                icon_text=self.tr("Export…"),
            )
            bar.addAction(self.actions_["export"])
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if button is not None:
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return bar

    def request_export(self) -> None:
        """Ask for an export of the layout's cameras over the range the timeline shows (zoom
        the timeline to the incident first); the request dialog lets it be narrowed."""
        start, end = self.timeline.view()
        ids = [camera.id for camera in self._cameras()]
        ids = ids or [tile.camera_id for tile in self.tiles if tile.camera_id is not None]
        self.export_requested.emit((ids, start, min(end, self.context.clock.now())))

    def _on_speed_box_activated(self, index: int) -> None:
        self.set_speed(float(self.speed_box.itemData(index)))

    # -- playing --------------------------------------------------------------------------------

    def play(self, speed: float | None = None) -> None:
        """Play at `speed` (default: the speed chosen)."""
        if speed is not None:
            self.speed = speed
        # From a pause the feeders go on where they stopped (no seek: a seek hands the player
        # the pictures from the keyframe before the position, which libvlc shows at their pace
        # before it catches up). However long the pause, the next frame follows at once: the
        # playback players take a gap for a pause, not for lost frames (LiveView's `pauses`).
        self.clock.play(self.speed)
        self._after_speed_change()

    def pause(self) -> None:
        self.clock.pause()
        self._on_tick_timer_timeout()

    def toggle_play(self) -> None:
        if self.clock.paused:
            self.play()
        else:
            self.pause()

    def play_backwards(self) -> None:
        self.play(-1.0)

    def forwards_faster(self) -> None:
        """L: play forwards; again, twice as fast (up to 16×)."""
        if self.clock.paused or self.speed < 0:
            self.play(1.0)
        else:
            self.play(min(self.speed * 2, SPEEDS[-1]))

    def backwards_faster(self) -> None:
        """J: play backwards; again, twice as fast (up to −16×)."""
        if self.clock.paused or self.speed > 0:
            self.play(-1.0)
        else:
            self.play(max(self.speed * 2, SPEEDS[0]))

    def change_speed(self, steps: int) -> None:
        """One speed slower (−1) or faster (+1) along the selector."""
        index = SPEEDS.index(self.speed) if self.speed in SPEEDS else SPEEDS.index(1.0)
        self.set_speed(SPEEDS[min(max(index + steps, 0), len(SPEEDS) - 1)])

    def set_speed(self, speed: float) -> None:
        """Choose a speed; playing goes on at it, a pause stays a pause."""
        self.speed = speed
        if self.clock.paused:
            self.clock.play(speed)
            self.clock.pause()
        else:
            self.clock.play(speed)
        self._after_speed_change()

    def step(self, frames: int) -> None:
        """Pause and move by whole frames (negative: back)."""
        if self.clock.speed < 0:
            # Backwards only keyframes are handed over: a step shows every picture.
            self.speed = 1.0
            self.clock.play(self.speed)
        self.clock.step(frames, STEP_FPS)
        self._clamp(self.clock.position())
        self._after_speed_change()

    def seek(self, moment: datetime) -> None:
        """Go to `moment` (UTC), kept within the person's limit."""
        moment = moment.astimezone(UTC)
        earliest = self.earliest()
        if earliest is not None and moment < earliest:
            moment = earliest
            self._say_limit()
        self.clock.seek(moment)
        self.timeline.set_position(moment)
        self._on_tick_timer_timeout()

    def go_to_view_start(self) -> None:
        self.seek(self.timeline.view()[0])

    def back_to_live(self) -> None:
        self.live_requested.emit()
        self.close()

    def earliest(self) -> datetime | None:
        """The earliest time the person may play back now (None: no limit)."""
        if self._limit is None:
            return None
        return self.context.clock.now().astimezone(UTC) - self._limit

    def _clamp(self, position: datetime) -> bool:
        """Keep the clock within the limit; True when it was moved."""
        earliest = self.earliest()
        if earliest is None or position >= earliest:
            return False
        self.clock.pause()
        self.clock.seek(earliest)
        self._say_limit()
        return True

    def _say_limit(self) -> None:
        hours = round((self._limit or timedelta(0)).total_seconds() / 3600)
        self.say(
            self.tr(
                "Operators may play back the last %n hour(s) only: moved to the earliest time "
                "allowed.",
                "",
                hours,
            )
        )

    def say(self, text: str) -> None:
        """A line for the person (the status bar)."""
        self.notice.setText(text)
        self.statusBar().setToolTip(text)

    def _after_speed_change(self) -> None:
        fast = keyframes_only(self.clock.speed)
        if fast != self._fast:
            self._fast = fast
            # The player decodes keyframes only (or everything again): its stream restarts,
            # from the clock's position, in every tile.
            self._reopen()
        self._show_speed()
        self._on_tick_timer_timeout()

    def _show_speed(self) -> None:
        if self.speed in SPEEDS:
            self.speed_box.setCurrentIndex(SPEEDS.index(self.speed))
        playing = not self.clock.paused
        play = self.actions_["play_pause"]
        play.setIconText("❚❚" if playing else "▶")

    # -- the cameras ----------------------------------------------------------------------------

    def start(self) -> None:
        """Write each camera's start entry (on workers), then open its recordings."""
        if self._started:
            return
        self._started = True
        self.area.setFocus()
        self._tick_timer.start()
        self._refresh_timer.start()
        self.context.runner.run(self.context.sites.places, self._on_places_loaded, receiver=self)
        start = self.clock.position()
        for tile in self.tiles:
            if tile.camera_id is None:
                continue
            if self.context.backend is None:
                tile.fail(TileState.NO_VIDEO, "")
                continue
            self._begin(tile, tile.camera_id, start)

    def _begin(self, tile: PlaybackTile, camera_id: int, start: datetime) -> None:
        def begun(result: tuple[Camera, PlaybackSession]) -> None:
            self._on_begun(tile, *result)

        def refused(err: KnownError) -> None:
            self._on_refused(tile, err)

        self.log.begin(self.context.cameras, camera_id, start, self.request.reason, begun, refused)

    def _on_places_loaded(self, places: list[Place]) -> None:
        if self._stopped:
            return
        self._places = {place.id: place.name for place in places}
        for tile in self.tiles:
            if tile.camera is not None:
                tile.set_place(self._places.get(tile.camera.place_id, ""))

    def _on_begun(self, tile: PlaybackTile, camera: Camera, session: PlaybackSession) -> None:
        if self._stopped or not shiboken6.isValid(tile):
            # Closed meanwhile: nothing was shown.
            self.log.end(session, lambda: None)
            return
        tile.session = session
        tile.set_camera(camera, self._places.get(camera.place_id, ""))
        backend = self.context.backend
        assert backend is not None
        tile.open(backend, self.clock, fast=self._fast)
        self._update_rows()
        self._schedule_ranges(0)

    def _on_refused(self, tile: PlaybackTile, err: KnownError) -> None:
        if self._stopped or not shiboken6.isValid(tile):
            return
        state = TileState.NO_PERMISSION if isinstance(err, PermissionDenied) else TileState.ERROR
        if isinstance(err, NotFound):
            state = TileState.ERROR
        tile.fail(state, error_text(err))

    def _reopen(self) -> None:
        backend = self.context.backend
        if backend is None or self._stopped:
            return
        for tile in self.tiles:
            if tile.session is not None and tile.stream is not None:
                tile.open(backend, self.clock, fast=self._fast)

    def select(self, index: int) -> None:
        for tile in self.tiles:
            tile.set_selected(tile.index == index)
        tile = self.tiles[index]
        self.timeline.set_current_row(tile.camera_id)

    def _on_timeline_row_activated(self, key: object) -> None:
        for tile in self.tiles:
            if tile.camera_id == key:
                self.select(tile.index)
                return

    # -- the timeline ---------------------------------------------------------------------------

    def _cameras(self) -> list[Camera]:
        """The cameras being played back, once each, in the tiles' order."""
        seen: dict[int, Camera] = {}
        for tile in self.tiles:
            if tile.camera is not None and tile.session is not None:
                seen.setdefault(tile.camera.id, tile.camera)
        return list(seen.values())

    def _update_rows(
        self, ranges: Mapping[int, list[tuple[datetime, datetime]]] | None = None
    ) -> None:
        old = {row.key: row.ranges for row in self.timeline.rows()}
        rows = []
        for camera in self._cameras():
            got = ranges.get(camera.id) if ranges is not None else None
            rows.append(
                TimelineRow(
                    camera.id, camera.name, got if got is not None else old.get(camera.id, ())
                )
            )
        self.timeline.set_rows(rows)

    def _on_timeline_view_changed(self, _start: datetime, _end: datetime) -> None:
        self._schedule_ranges(RANGES_DELAY_MS)

    def _schedule_ranges(self, delay_ms: int) -> None:
        self._ranges_timer.start(delay_ms)

    def _fetch_ranges(self) -> None:
        if self._stopped:
            return
        if self._fetching:
            self._fetch_again = True
            return
        cameras = [camera.id for camera in self._cameras()]
        if not cameras:
            return
        start, end = self.timeline.view()
        recordings = self.context.recordings
        self._fetching = True

        def fetch() -> dict[int, list[tuple[datetime, datetime]]]:
            return {cid: recordings.ranges(cid, start, end) for cid in cameras}

        def failed(err: KnownError) -> None:
            self._fetching = False
            self.say(error_text(err))

        self.context.runner.run(fetch, self._on_ranges_fetched, failed, receiver=self)

    def _on_ranges_fetched(self, ranges: dict[int, list[tuple[datetime, datetime]]]) -> None:
        self._fetching = False
        if self._stopped or not shiboken6.isValid(self.timeline):
            return
        self._update_rows(ranges)
        if self._fetch_again:
            self._fetch_again = False
            self._fetch_ranges()

    def _on_timeline_scrubbing(self, moment: datetime) -> None:
        # The picture follows the pointer; playing goes on from where it is let go.
        self.seek(moment)

    def _on_timeline_seek_requested(self, moment: datetime) -> None:
        self.seek(moment)

    # -- following the clock --------------------------------------------------------------------

    def _on_tick_timer_timeout(self) -> None:
        if self._stopped:
            return
        position = self.clock.position()
        if not self.clock.paused and self._clamp(position):
            position = self.clock.position()
        now = self.context.clock.now().astimezone(UTC)
        if not self.clock.paused and self.clock.speed > 0 and position > now:
            self.clock.pause()
            self.clock.seek(now)
            position = now
            self.say(self.tr("Playback reached the present. Choose Live for live video."))
        self.timeline.set_position(position)
        text = format_moment(position)
        if self.position_label.text() != text:
            self.position_label.setText(text)
        paused = self.clock.paused
        if paused != self._was_paused:
            self._was_paused = paused
            self._show_speed()
        for tile in self.tiles:
            tile.set_paused(paused)
            tile.show_time(position)

    # -- the end ---------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every stream and end every access-log entry with what it showed."""
        if self._stopped:
            return
        self._stopped = True
        self._tick_timer.stop()
        self._refresh_timer.stop()
        self._ranges_timer.stop()
        self.clock.pause()
        for tile in self.tiles:
            stream = tile.stream
            tile.close_stream()
            session, tile.session = tile.session, None
            if session is not None:
                before = tile.shown_before

                def shown(
                    before: tuple[datetime, datetime] | None = before,
                    stream: PlaybackStream | None = stream,
                ) -> tuple[datetime, datetime] | None:
                    # On the worker: the stream's last picture is in by now.
                    return union_span(before, stream.shown() if stream is not None else None)

                self.log.end(session, shown)

    def wait(self, timeout_s: float) -> None:
        """Wait for the end entries still being written (at shutdown)."""
        self.log.wait(timeout_s)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)
        self.closed.emit()
