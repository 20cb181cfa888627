"""One tile of the playback window: a camera's recorded video in a native window, its caption
(camera, place, the recorded time in amber, the state) and the feed behind it."""

from __future__ import annotations

from datetime import datetime

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.cameras import Camera
from console.errors import KnownError
from console.localtime import format_moment
from console.ports import FeedState, FeedStatus, PlaybackBackend, PlaybackStream
from console.recording.playback import PlaybackClock, PlaybackSession
from ui.i18n import core_text, error_text
from ui.native_surface import native_surface
from ui.tile_state import BORDER, BORDER_SELECTED, PLAYBACK_AMBER, STRIP, TileState


def union_span(
    a: tuple[datetime, datetime] | None, b: tuple[datetime, datetime] | None
) -> tuple[datetime, datetime] | None:
    """The span from the earlier start to the later end (either may be None)."""
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


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
        # Owned by Python (no parent): the feeder's callback holds it, so it outlives the tile
        # while the feeder's thread may still emit; Qt drops deliveries to a tile that is gone.
        self._relay = _Relay()
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
            self.shown_before = union_span(self.shown_before, stream.shown())

    def shown(self) -> tuple[datetime, datetime] | None:
        stream = self.stream
        return union_span(self.shown_before, stream.shown() if stream is not None else None)

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
