"""The playback window: a layout's cameras played back in sync on one timeline.

Opening recorded video asks why first (`ReasonDialog`: a reason from the administrators' list
and free text). Each camera's playback.view entry is then written on a worker, and only once it
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
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.cameras import Camera, CameraService
from console.clock import Clock
from console.domain import Actor, Place
from console.errors import KnownError, NotFound, PermissionDenied
from console.layouts import Grid, GridKind
from console.localtime import format_moment
from console.ports import FeedState, FeedStatus, PlaybackBackend, PlaybackStream
from console.recording.archive import RecordingService
from console.recording.playback import (
    KEYFRAMES_ONLY_ABOVE,
    MAX_REASON,
    SPEEDS,
    PlaybackClock,
    PlaybackService,
    PlaybackSession,
)
from console.sites import SiteService
from console.viewing import PlaybackViews
from ui.i18n import core_text, error_text
from ui.native_surface import native_surface
from ui.tasks import TaskRunner
from ui.tile_state import BORDER, BORDER_SELECTED, PLAYBACK_AMBER, STRIP, TileState
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
_SQUARES = (GridKind.SINGLE, GridKind.GRID_2, GridKind.GRID_3, GridKind.GRID_4, GridKind.GRID_5)
#: At most this many cameras play back together (a 5 × 5 grid).
MAX_CAMERAS = 25
_FRACTIONS = {0.125: "⅛", 0.25: "¼", 0.5: "½"}


def speed_label(speed: float) -> str:
    """A speed as the selector shows it: "⅛×", "1×", "16×", "−2×"."""
    magnitude = abs(speed)
    number = _FRACTIONS.get(magnitude) or f"{magnitude:g}"
    return f"{'−' if speed < 0 else ''}{number}×"


def keyframes_only(speed: float) -> bool:
    """Whether the feeders hand over only keyframes at `speed` (fast, or backwards)."""
    return speed < 0 or abs(speed) > KEYFRAMES_ONLY_ABOVE


def grid_for(count: int) -> Grid:
    """The smallest square preset that holds `count` tiles."""
    for kind in _SQUARES:
        grid = Grid.preset(kind)
        if grid.count >= count:
            return grid
    return Grid.preset(_SQUARES[-1])


# -- what the window needs of the core ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaybackContext:
    """The services and the person a playback window works for."""

    playback: PlaybackService
    recordings: RecordingService
    cameras: CameraService
    sites: SiteService
    clock: Clock
    actor: Actor
    runner: TaskRunner
    #: None: video is not available on this workstation
    backend: PlaybackBackend | None


@dataclass(frozen=True, slots=True)
class PlaybackRequest:
    """What the person chose: the cameras in a grid, and why."""

    grid: Grid
    camera_ids: tuple[int | None, ...]
    reason: str
    #: how far back the person may go (None: no limit), as of when asked
    limit: timedelta | None


def _union(
    a: tuple[datetime, datetime] | None, b: tuple[datetime, datetime] | None
) -> tuple[datetime, datetime] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


# -- asking why ------------------------------------------------------------------------------------


class ReasonDialog(QDialog):
    """Why recorded video is opened: a reason from the list, free text, or both (required), and
    with `cameras` which of them to play back."""

    def __init__(
        self,
        reasons: Sequence[str],
        parent: QWidget | None = None,
        *,
        cameras: Sequence[Camera] | None = None,
        chosen: Collection[int] = (),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("playback_reason_dialog")
        self.setWindowTitle(self.tr("Play back recorded video"))
        intro = QLabel(
            self.tr(
                "Every playback is written to the access log with your name, the cameras and "
                "the reason you give here."
            )
        )
        intro.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setObjectName("playback_reason_choice")
        self.choice.addItem(self.tr("Choose a reason…"), "")
        for reason in reasons:
            # The default reasons are core texts (translated); ones the administrators wrote
            # are shown as written. What is chosen is logged as shown.
            shown = QCoreApplication.translate("core", reason)
            self.choice.addItem(shown, shown)
        self.details = QLineEdit()
        self.details.setObjectName("playback_reason_details")
        self.details.setMaxLength(MAX_REASON // 2)
        self.details.setPlaceholderText(self.tr("Details: what happened, an alarm or case number"))
        form = QFormLayout()
        form.addRow(self.tr("&Reason:"), self.choice)
        form.addRow(self.tr("&Details:"), self.details)
        self.camera_list: QListWidget | None = None
        if cameras is not None:
            self.camera_list = QListWidget()
            self.camera_list.setObjectName("playback_cameras")
            for camera in cameras:
                item = QListWidgetItem(camera.name)
                item.setData(Qt.ItemDataRole.UserRole, camera.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = camera.id in chosen
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.camera_list.addItem(item)
            self.camera_list.itemChanged.connect(self._update)
            form.addRow(self.tr("&Cameras:"), self.camera_list)
        self.hint = QLabel()
        self.hint.setObjectName("playback_reason_hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #8a9099;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Play back"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.choice.currentIndexChanged.connect(self._update)
        self.details.textChanged.connect(self._update)
        self._update()

    def reason(self) -> str:
        """ "<choice>: <details>", or whichever of the two was given."""
        choice = str(self.choice.currentData() or "")
        details = " ".join(self.details.text().split())
        if choice and details:
            return f"{choice}: {details}"
        return choice or details

    def camera_ids(self) -> list[int]:
        """The cameras checked (with a camera list), in its order."""
        if self.camera_list is None:
            return []
        out = []
        for row in range(self.camera_list.count()):
            item = self.camera_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def problem(self) -> str:
        """What is still missing before playback can start ("" when nothing)."""
        if not self.reason():
            return self.tr("Choose a reason or write one.")
        if self.camera_list is not None:
            count = len(self.camera_ids())
            if count == 0:
                return self.tr("Choose at least one camera.")
            if count > MAX_CAMERAS:
                return self.tr("At most %1 cameras play back together.").replace(
                    "%1", str(MAX_CAMERAS)
                )
        return ""

    def _update(self) -> None:
        problem = self.problem()
        self.hint.setText(problem)
        self.ok.setEnabled(not problem)

    def accept(self) -> None:
        if self.problem():
            return
        super().accept()


def ask_for_playback(
    context: PlaybackContext,
    parent: QWidget | None,
    on_chosen: Callable[[PlaybackRequest], None],
    *,
    layout: tuple[Grid, Sequence[int | None]] | None = None,
    preselect: Collection[int] = (),
) -> None:
    """Load the reasons and the person's limit (on a worker), ask why (and, without `layout`,
    which cameras, `preselect` checked), then hand the answer to `on_chosen`."""

    def load() -> tuple[list[str], timedelta | None, list[Camera] | None]:
        earliest = context.playback.earliest(context.actor)
        limit = None if earliest is None else context.clock.now() - earliest
        cameras = None if layout is not None else context.cameras.list(context.actor)
        return context.playback.reasons(), limit, cameras

    def loaded(found: tuple[list[str], timedelta | None, list[Camera] | None]) -> None:
        reasons, limit, cameras = found
        if parent is not None and not shiboken6.isValid(parent):
            return
        dialog = ReasonDialog(reasons, parent, cameras=cameras, chosen=preselect)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            if layout is not None:
                grid, ids = layout
                chosen: tuple[int | None, ...] = tuple(ids)
            else:
                chosen = tuple(dialog.camera_ids())
                grid = grid_for(len(chosen))
            on_chosen(PlaybackRequest(grid, chosen, dialog.reason(), limit))

        dialog.accepted.connect(accepted)
        dialog.open()

    context.runner.run(load, loaded)


# -- a tile --------------------------------------------------------------------------------------


class _Relay(QObject):
    """Carries feed statuses from the feeder's thread to the tile."""

    #: (token of the stream, FeedStatus)
    status = Signal(object)


class PlaybackTile(QFrame):
    """One camera of the layout in playback: its picture, and above it its name, place, the
    recorded time shown and the state."""

    #: the person pressed the tile
    pressed = Signal()

    def __init__(self, index: int, camera_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playback_tile")
        self.index = index
        self.camera_id = camera_id
        self.camera: Camera | None = None
        self.place = ""
        self.session: PlaybackSession | None = None
        self.stream: PlaybackStream | None = None
        #: recorded time shown by the streams already closed (a change of speed reopens them)
        self.shown_before: tuple[datetime, datetime] | None = None
        self.feed: FeedStatus | None = None
        self.state = TileState.OPENING if camera_id is not None else TileState.EMPTY
        self.error = ""
        self.selected = False
        #: the clock is paused (set by the window)
        self._paused = True
        self._token = 0
        self._relay = _Relay(self)
        self._relay.status.connect(self._on_relay_status, Qt.ConnectionType.QueuedConnection)
        self.setMinimumSize(120, 90)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.caption = QWidget()
        self.caption.setObjectName("playback_caption")
        self.caption.setAutoFillBackground(True)
        self.title = QLabel()
        self.title.setObjectName("playback_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.time_label = QLabel()
        self.time_label.setObjectName("playback_time")
        self.status_label = QLabel()
        self.status_label.setObjectName("playback_status")
        strip = QHBoxLayout(self.caption)
        strip.setContentsMargins(6, 2, 6, 2)
        strip.setSpacing(8)
        strip.addWidget(self.title, 1)
        strip.addWidget(self.time_label)
        strip.addWidget(self.status_label)
        # The native screen alone in a plain holder, so that the caption stays an ordinary
        # widget (Qt makes the siblings of a native widget native too).
        holder = QWidget()
        holder.setObjectName("playback_holder")
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        self.screen_ = QWidget(holder)
        self.screen_.setObjectName("playback_screen")
        native_surface(self.screen_, "#000000")
        holder_layout.addWidget(self.screen_)
        self.surface = QWidget(self.screen_)
        self.surface.setObjectName("playback_surface")
        native_surface(self.surface, "#000000")
        self.message = QLabel(self.screen_)
        self.message.setObjectName("playback_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(8)
        native_surface(self.message, "#101317")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(holder, 1)
        self.screen_.installEventFilter(self)
        self.show_state()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.screen_ and event.type() == QEvent.Type.Resize:
            self.surface.setGeometry(self.screen_.rect())
            self.message.setGeometry(self.screen_.rect())
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.pressed.emit()
        event.accept()

    # -- the stream -----------------------------------------------------------------------------

    def window_id(self) -> int:
        return int(self.surface.winId())

    def open(self, backend: PlaybackBackend, clock: PlaybackClock, *, fast: bool) -> None:
        """Open (or reopen) the camera's stream from the clock's position."""
        assert self.camera is not None
        self.close_stream()
        self._token += 1
        token = self._token
        relay = self._relay

        def on_status(status: FeedStatus) -> None:
            # The feeder's thread: only hand over.
            if shiboken6.isValid(relay):
                relay.status.emit((token, status))

        try:
            self.stream = backend.open(
                self.camera, self.window_id(), clock, keyframes_only=fast, on_status=on_status
            )
        except KnownError as err:
            self.fail(TileState.ERROR, error_text(err))

    def close_stream(self) -> None:
        stream, self.stream = self.stream, None
        self._token += 1
        if stream is not None:
            stream.close()
            self.shown_before = _union(self.shown_before, stream.shown())

    def shown(self) -> tuple[datetime, datetime] | None:
        stream = self.stream
        return _union(self.shown_before, stream.shown() if stream is not None else None)

    def _on_relay_status(self, report: tuple[int, FeedStatus]) -> None:
        token, status = report
        if token != self._token or not shiboken6.isValid(self):
            return
        self.feed = status
        self.show_state()

    # -- the state ------------------------------------------------------------------------------

    def set_camera(self, camera: Camera, place: str) -> None:
        self.camera = camera
        self.place = place
        self.show_state()

    def set_place(self, place: str) -> None:
        self.place = place
        self.show_state()

    def set_paused(self, paused: bool) -> None:
        if paused != self._paused:
            self._paused = paused
            self.show_state()

    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self._paint_border()

    def fail(self, state: TileState, text: str) -> None:
        """Nothing is shown: `text` says why."""
        self.close_stream()
        self.state = state
        self.error = text
        self.show_state()

    def _current_state(self) -> TileState:
        if self.state in (TileState.EMPTY, TileState.NO_PERMISSION, TileState.NO_VIDEO):
            return self.state
        if self.state is TileState.ERROR and self.stream is None:
            return self.state
        feed = self.feed
        if self.stream is None or feed is None:
            return TileState.OPENING
        if feed.state is FeedState.NO_RECORDING:
            return TileState.NO_RECORDING
        if feed.state is FeedState.ERROR:
            return TileState.ERROR
        return TileState.PAUSED if self._paused else TileState.PLAYING

    def show_state(self) -> None:
        if not shiboken6.isValid(self):
            return
        self.state = self._current_state()
        self.title.setText(self.title_text())
        self.status_label.setText(self.status_text())
        background, text = STRIP[self.state]
        self.caption.setStyleSheet(
            f"#playback_caption {{ background: {background}; }} "
            f"#playback_title, #playback_status {{ color: {text}; }} "
            f"#playback_time {{ color: {PLAYBACK_AMBER}; font-weight: bold; }}"
        )
        if self.state in (TileState.PLAYING, TileState.PAUSED):
            self.surface.raise_()
            self.message.hide()
        else:
            self.message.setText(self.message_text())
            self.message.show()
            self.message.raise_()
        self._paint_border()

    def _paint_border(self) -> None:
        colour = BORDER_SELECTED if self.selected else BORDER
        self.setStyleSheet(f"#playback_tile {{ border: 2px solid {colour}; background: #000; }}")

    def show_time(self, fallback: datetime) -> None:
        """The recorded time of the picture shown (the clock's, before any picture came)."""
        moment = self.stream.last_moment if self.stream is not None else None
        if self.state is TileState.EMPTY or self.camera is None:
            self.time_label.setText("")
            return
        if self.state is TileState.NO_RECORDING or moment is None:
            moment = fallback
        text = format_moment(moment)
        if self.time_label.text() != text:
            self.time_label.setText(text)

    def title_text(self) -> str:
        if self.camera is not None:
            return f"{self.camera.name} · {self.place}" if self.place else self.camera.name
        if self.camera_id is not None:
            return self.tr("Camera %1").replace("%1", str(self.camera_id))
        return ""

    def status_text(self) -> str:
        return {
            TileState.EMPTY: "",
            TileState.OPENING: self.tr("opening"),
            TileState.PLAYING: self.tr("▶ playing"),
            TileState.PAUSED: self.tr("❚❚ paused"),
            TileState.NO_RECORDING: self.tr("no recording"),
            TileState.NO_PERMISSION: self.tr("not permitted"),
            TileState.ERROR: self.tr("error"),
            TileState.NO_VIDEO: self.tr("video not available"),
        }[self.state]

    def message_text(self) -> str:
        if self.state in (TileState.NO_PERMISSION, TileState.ERROR):
            if self.error:
                return self.error
            feed = self.feed
            if feed is not None and feed.reason:
                return core_text(feed.reason, {})
            return self.tr("The recording cannot be shown.")
        return {
            TileState.EMPTY: "",
            TileState.OPENING: self.tr("Opening the recording…"),
            TileState.PLAYING: "",
            TileState.PAUSED: "",
            TileState.NO_RECORDING: self.tr("No recording at this time."),
            TileState.NO_VIDEO: self.tr("Video not available on this workstation."),
        }[self.state]


# -- the window ----------------------------------------------------------------------------------


class PlaybackWindow(QMainWindow):
    """A layout's cameras in playback: tiles, one timeline, and the transport bar."""

    #: the window closed; its access-log entries are ending
    closed = Signal()
    #: the person asked for live video again (the window closes too)
    live_requested = Signal()

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
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if button is not None:
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return bar

    def _on_speed_box_activated(self, index: int) -> None:
        self.set_speed(float(self.speed_box.itemData(index)))

    # -- playing --------------------------------------------------------------------------------

    def play(self, speed: float | None = None) -> None:
        """Play at `speed` (default: the speed chosen)."""
        if speed is not None:
            self.speed = speed
        # From a pause the feeders go on where they stopped (no seek: a seek hands the player
        # the pictures from the keyframe before the position, which libvlc shows at their pace
        # before it catches up). After a pause of more than 2 s the player waits for the next
        # keyframe (its muxer takes the gap for a discontinuity): the picture holds until then.
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
        self.context.runner.run(self.context.sites.places, self._on_places_loaded)
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

        self.context.runner.run(fetch, self._on_ranges_fetched, failed)

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
                    return _union(before, stream.shown() if stream is not None else None)

                self.log.end(session, shown)

    def wait(self, timeout_s: float) -> None:
        """Wait for the end entries still being written (at shutdown)."""
        self.log.wait(timeout_s)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)
        self.closed.emit()
