"""The playback timeline: one shared time axis over a row per camera, showing recorded ranges, gaps
and markers (alarms, bookmarks), with a cursor that playback moves and the operator scrubs.

Times are UTC inside and Stockholm wall-clock time on screen. Twice a year the wall clock is not
a clock: on the last Sunday of March 02:00–02:59 does not exist, on the last Sunday of October it
happens twice. The axis therefore steps through UTC instants (the repeated hour gets its ticks
twice, the skipped hour none) and names the offset wherever a label could be read two ways; "go
to" input that names the repeated hour asks which of the two is meant.

Keys (docs/playback.md): ← → pan a tenth of the view, Shift+← → a whole view, + and − (also with
Ctrl) zoom around the cursor, Home shows now at the right edge, End brings the cursor into the
middle, ↑ ↓ choose the camera row, Ctrl+G goes to a time. The wheel zooms around the pointer;
dragging with the right or middle button (or Shift+left) pans; the left button scrubs.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from console.clock import Clock, SystemClock
from console.localtime import (
    STOCKHOLM,
    Tick,
    TimeInputError,
    format_moment,
    parse_local_time,
    require_aware,
    ticks,
)
from ui.i18n import error_text

#: The narrowest and widest view: a few frames apart up to a week of an incident.
MIN_SPAN = timedelta(seconds=10)
MAX_SPAN = timedelta(days=7)
#: The view a new timeline shows: the last hour.
DEFAULT_SPAN = timedelta(hours=1)
#: One wheel notch (120 units) zooms by this factor.
ZOOM_STEP = 1.25
#: + and − zoom by this factor.
KEY_ZOOM = 2.0
#: An arrow key pans by this part of the view (Shift: a whole view).
PAN_FRACTION = 0.1
#: When playback runs out of the view, the view pages so that the cursor sits this far in.
FOLLOW_MARGIN = 0.1
#: Scrubbing asks the player for a picture at most this often: decoders seek slower than a mouse.
SCRUB_INTERVAL_MS = 50
#: A marker is under the pointer when within this many pixels.
MARKER_REACH = 4

#: Fixed colours where the palette has no role for them: (on a dark theme, on a light one).
_RECORDED = ("#3fa35f", "#2e7d32")
_MARKER = ("#ff8c1a", "#d35400")


# -- the widget ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One camera's line: recorded ranges and markers, all UTC-aware."""

    key: Hashable
    label: str
    ranges: Sequence[tuple[datetime, datetime]] = ()
    #: alarms and bookmarks: (moment, what it is)
    markers: Sequence[tuple[datetime, str]] = ()


@dataclass(frozen=True, slots=True)
class TimelineColours:
    recorded: QColor
    gap: QColor
    marker: QColor
    cursor: QColor
    cursor_label: QColor
    cursor_text: QColor
    background: QColor
    text: QColor
    muted: QColor
    lines: QColor
    current: QColor


def timeline_colours(palette: QPalette) -> TimelineColours:
    """The timeline's colours for a palette: the theme's roles, plus a fixed green for recorded
    time and orange for markers (the palette has no roles for them)."""
    role = QPalette.ColorRole
    dark = palette.color(role.Window).lightness() < 128
    which = 0 if dark else 1
    current = QColor(palette.color(role.Highlight))
    current.setAlpha(90)
    return TimelineColours(
        recorded=QColor(_RECORDED[which]),
        # A gap is the absence of video: darker than the window, recessive next to green.
        # (in 8 bits a channel, as drawn: darker() computes in finer steps)
        gap=QColor(palette.color(role.Base).darker(125 if dark else 115).rgb()),
        marker=QColor(_MARKER[which]),
        cursor=palette.color(role.Text),
        cursor_label=palette.color(role.Highlight),
        cursor_text=palette.color(role.HighlightedText),
        background=palette.color(role.Window),
        text=palette.color(role.WindowText),
        muted=palette.color(role.PlaceholderText),
        lines=palette.color(role.Mid),
        current=current,
    )


class TimelineWidget(QWidget):
    """Camera rows over one time axis; a cursor for the playback position.

    The owner sets the rows (`set_rows`) for the view it is told about (`view_changed`), moves the
    cursor while playing (`set_position`) and seeks when asked (`seek_requested`).
    """

    #: (start, end), UTC: the view changed (zoom, pan, follow, set_view); fetch rows for it.
    #: Emitted on every change, also while dragging: owners coalesce their fetches.
    view_changed = Signal(object, object)
    #: a UTC time the operator is dragging the cursor over (at most one per 50 ms): show a picture
    scrubbing = Signal(object)
    #: a UTC time to play from: the end of a scrub, or a "go to"
    seek_requested = Signal(object)
    #: the key of the row the operator clicked or chose with ↑ ↓
    row_activated = Signal(object)

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        # The right button pans; no context menu of a parent pops up under it.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.setAccessibleName(self.tr("Timeline"))
        self.setAccessibleDescription(
            self.tr(
                "Recorded video of the cameras over time. Left and right pan, plus and minus "
                "zoom, Home shows now, End shows the cursor, up and down choose a camera, "
                "Ctrl+G goes to a time."
            )
        )
        self._clock = clock or SystemClock()
        self._rows: tuple[TimelineRow, ...] = ()
        self._current: Hashable | None = None
        now = self._clock.now().astimezone(UTC)
        self._start = now - DEFAULT_SPAN
        self._span = DEFAULT_SPAN
        self._position: datetime | None = None
        self._follow = True
        self._ticks_cache: tuple[tuple[datetime, timedelta, int], list[Tick]] | None = None
        #: what a left or pan press is doing: None, "scrub", "pan" or "label"
        self._drag: str | None = None
        self._press_row: int | None = None
        self._pan_from: tuple[float, datetime] = (0.0, now)
        self._scrub_x = -1
        self._scrub_pending: datetime | None = None
        self._scrub_clock = QElapsedTimer()
        self._scrub_timer = QTimer(self)
        self._scrub_timer.setSingleShot(True)
        self._scrub_timer.timeout.connect(self._on_scrub_timer_timeout)

        self.go_to_action = QAction(self.tr("&Go to time…"), self)
        self.go_to_action.setObjectName("timeline_go_to")
        self.go_to_action.setShortcut(QKeySequence("Ctrl+G"))
        self.go_to_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.go_to_action.triggered.connect(self.open_go_to_dialog)
        self.addAction(self.go_to_action)

    # -- the model ---------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[TimelineRow]) -> None:
        self._rows = tuple(rows)
        if self._current is not None and all(row.key != self._current for row in self._rows):
            self._current = None
        self.updateGeometry()
        self.update()

    def rows(self) -> tuple[TimelineRow, ...]:
        return self._rows

    def set_current_row(self, key: Hashable | None) -> None:
        """Marks a row as the chosen camera (does not emit row_activated)."""
        self._current = key
        self.update()

    def current_row(self) -> Hashable | None:
        return self._current

    def set_position(self, utc: datetime | None) -> None:
        """Moves the cursor (playback calls this for every picture: it only repaints the cursor).

        While the operator scrubs, the cursor stays under the pointer. With follow on, a cursor
        running out of the view pages the view along, unless the operator had moved the view away
        from it.
        """
        if self._drag == "scrub":
            return
        if utc is not None:
            require_aware(utc)
            utc = utc.astimezone(UTC)
        old = self._position
        if utc == old:
            return
        self._position = utc
        if (
            self._follow
            and old is not None
            and utc is not None
            and self._visible(old)
            and not self._visible(utc)
        ):
            forward = utc > self._end()
            self._set_view(
                utc - self._span * (FOLLOW_MARGIN if forward else 1 - FOLLOW_MARGIN), self._span
            )
            return
        self._update_cursor(old)
        self._update_cursor(utc)

    def position(self) -> datetime | None:
        return self._position

    def set_follow(self, follow: bool) -> None:
        self._follow = follow

    def is_following(self) -> bool:
        return self._follow

    def go_to(self, utc: datetime) -> None:
        """Puts the cursor on a time (into the middle of the view if outside) and asks to seek."""
        require_aware(utc)
        utc = utc.astimezone(UTC)
        if not self._visible(utc):
            self._set_view(utc - self._span / 2, self._span)
        self._position = utc
        self.update()
        self.seek_requested.emit(utc)

    # -- the view ----------------------------------------------------------------------------

    def set_view(self, start: datetime, end: datetime) -> None:
        """Shows [start, end]; a width outside 10 s … 7 days is clamped about its middle."""
        require_aware(start)
        require_aware(end)
        if end <= start:
            raise ValueError("the view must end after it starts")
        span = end - start
        clamped = _clamp_span(span)
        self._set_view(start + (span - clamped) / 2, clamped)

    def view(self) -> tuple[datetime, datetime]:
        return self._start, self._end()

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Makes the view `factor` times as wide, keeping the time at `anchor_x` in place
        (default: the cursor if shown, else the middle)."""
        if anchor_x is None:
            position = self._position
            visible = position is not None and self._visible(position)
            anchor_x = self.x_for(position) if position is not None and visible else None
        left, width = self._time_left(), self._time_width()
        fraction = 0.5 if anchor_x is None else min(max((anchor_x - left) / width, 0.0), 1.0)
        anchor = self._start + self._span * fraction
        span = _clamp_span(self._span * factor)
        self._set_view(anchor - span * fraction, span)

    def pan(self, fraction: float) -> None:
        """Moves the view by a part of its width (negative: earlier)."""
        self._set_view(self._start + self._span * fraction, self._span)

    def show_now(self) -> None:
        """The view ends at now, keeping its width."""
        self._set_view(self._clock.now().astimezone(UTC) - self._span, self._span)

    def show_position(self) -> None:
        """Brings the cursor into the middle of the view."""
        if self._position is not None:
            self._set_view(self._position - self._span / 2, self._span)

    def x_for(self, utc: datetime) -> float:
        """The widget x of a time (outside the time area when the time is outside the view)."""
        return self._time_left() + (utc - self._start) / self._span * self._time_width()

    def time_at(self, x: float) -> datetime:
        """The UTC time at a widget x (extrapolated outside the time area)."""
        return self._start + self._span * ((x - self._time_left()) / self._time_width())

    def row_at(self, y: float) -> int | None:
        """The index of the row at a widget y, if any."""
        top = self._rows_top()
        if y < top:
            return None
        index = int((y - top) // self._row_height())
        return index if index < len(self._rows) else None

    def _end(self) -> datetime:
        return self._start + self._span

    def _visible(self, utc: datetime) -> bool:
        return self._start <= utc <= self._end()

    def _set_view(self, start: datetime, span: timedelta) -> None:
        start = start.astimezone(UTC)
        if start == self._start and span == self._span:
            return
        self._start, self._span = start, span
        self.update()
        self.view_changed.emit(self._start, self._end())

    # -- geometry ----------------------------------------------------------------------------

    def _line_height(self) -> int:
        return self.fontMetrics().height() + 6

    def _rows_top(self) -> int:
        return 2 * self._line_height() + 1

    def _row_height(self) -> int:
        return max(22, self.fontMetrics().height() + 8)

    def _time_left(self) -> int:
        metrics = self.fontMetrics()
        return max(metrics.horizontalAdvance("2026-10-25") + 16, metrics.averageCharWidth() * 18)

    def _time_right(self) -> int:
        return max(self.width() - 8, self._time_left() + 1)

    def _time_width(self) -> int:
        return self._time_right() - self._time_left()

    def _label_slot(self) -> int:
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(s) for s in ("2026-10-25", "00:00:00 +02"))
        return widest + 14

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(720, self._rows_top() + max(1, len(self._rows)) * self._row_height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._time_left() + 4 * self._label_slot(), self._rows_top() + 24)

    def _ticks(self) -> list[Tick]:
        count = max(1, self._time_width() // self._label_slot())
        key = (self._start, self._span, count)
        if self._ticks_cache is None or self._ticks_cache[0] != key:
            self._ticks_cache = (key, ticks(self._start, self._end(), count))
        return self._ticks_cache[1]

    def _cursor_label_rect(self, utc: datetime) -> QRect:
        metrics = self.fontMetrics()
        text = self._cursor_text(utc)
        width = metrics.horizontalAdvance(text) + 12
        left, right = self._time_left(), self._time_right()
        x = round(self.x_for(utc)) - width // 2
        x = max(left, min(x, right - width))
        return QRect(x, 1, width, self._line_height() - 2)

    def _cursor_text(self, utc: datetime) -> str:
        text = format_moment(utc)
        if utc < self._start:
            return "◀ " + text
        if utc > self._end():
            return text + " ▶"
        return text

    def _update_cursor(self, utc: datetime | None) -> None:
        if utc is None:
            return
        self.update(self._cursor_label_rect(utc).adjusted(-2, -1, 2, 1))
        x = round(self.x_for(utc))
        if self._time_left() - 2 <= x <= self._time_right() + 2:
            self.update(QRect(x - 2, 0, 5, self.height()))

    # -- painting ----------------------------------------------------------------------------

    def colours(self) -> TimelineColours:
        return timeline_colours(self.palette())

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = self.colours()
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), colours.background)
            self._paint_axis(painter, colours)
            self._paint_rows(painter, colours)
            self._paint_cursor(painter, colours)
            if self.hasFocus():
                painter.setPen(self.palette().color(QPalette.ColorRole.Highlight))
                painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        finally:
            painter.end()

    def _paint_axis(self, painter: QPainter, colours: TimelineColours) -> None:
        line, top = self._line_height(), self._rows_top()
        left, right = self._time_left(), self._time_right()
        painter.setPen(colours.muted)
        # The date of the view's left edge, for views without a midnight in them.
        painter.drawText(
            QRect(4, line, left - 8, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{self._start.astimezone(STOCKHOLM):%Y-%m-%d}",
        )
        painter.setPen(colours.lines)
        painter.drawLine(left, top - 1, right, top - 1)
        metrics = self.fontMetrics()
        for tick in self._ticks():
            x = round(self.x_for(tick.utc))
            painter.setPen(colours.lines)
            painter.drawLine(x, top - (line if tick.major else 5), x, top - 1)
            width = metrics.horizontalAdvance(tick.label)
            if x + 3 + width > right:
                continue
            painter.setPen(colours.text if tick.major else colours.muted)
            painter.drawText(
                QRect(x + 3, line, width + 2, line - 2),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                tick.label,
            )

    def _paint_rows(self, painter: QPainter, colours: TimelineColours) -> None:
        top, height = self._rows_top(), self._row_height()
        left, right = self._time_left(), self._time_right()
        start, end = self._start, self._end()
        metrics = self.fontMetrics()
        if not self._rows:
            painter.setPen(colours.muted)
            painter.drawText(
                QRect(left, top, right - left, height),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("No cameras"),
            )
            return
        for index, row in enumerate(self._rows):
            y = top + index * height
            if y > self.height():
                break
            if row.key == self._current:
                painter.fillRect(QRect(0, y, left - 2, height), colours.current)
            painter.setPen(colours.text)
            painter.drawText(
                QRect(4, y, left - 10, height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, left - 10),
            )
            area = QRectF(left, y + 1, right - left, height - 2)
            painter.fillRect(area, colours.gap)
            for first, last in row.ranges:
                if last < start or first > end:
                    continue
                x0 = max(self.x_for(first), left)
                x1 = min(self.x_for(last), right)
                # However short, recorded time stays visible: at least a pixel wide.
                painter.fillRect(QRectF(x0, y + 1, max(x1 - x0, 1.0), height - 2), colours.recorded)
            if not row.ranges:
                painter.setPen(colours.muted)
                painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("No recording"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colours.marker)
            for moment, _text in row.markers:
                if start <= moment <= end:
                    x = self.x_for(moment)
                    painter.drawPolygon(
                        QPolygonF([QPointF(x - 4, y + 1), QPointF(x + 4, y + 1), QPointF(x, y + 8)])
                    )
            painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_cursor(self, painter: QPainter, colours: TimelineColours) -> None:
        position = self._position
        if position is None:
            return
        line = self._line_height()
        if self._visible(position):
            x = round(self.x_for(position))
            painter.setPen(colours.cursor)
            painter.drawLine(x, line, x, self.height())
        box = self._cursor_label_rect(position)
        painter.fillRect(box, colours.cursor_label)
        painter.setPen(colours.cursor_text)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._cursor_text(position))

    # -- tooltips ----------------------------------------------------------------------------

    def tooltip_at(self, point: QPoint) -> str:
        """What the tooltip says at a point: the time under it, the row's state and markers."""
        left, right = self._time_left(), self._time_right()
        index = self.row_at(point.y())
        row = self._rows[index] if index is not None else None
        if point.x() < left:
            return row.label if row is not None else ""
        if point.x() > right:
            return ""
        moment = self.time_at(point.x())
        lines = [format_moment(moment)]
        if row is None:
            return lines[0]
        lines.insert(0, row.label)
        if not row.ranges:
            lines.append(self.tr("No recording"))
        elif any(first <= moment <= last for first, last in row.ranges):
            lines.append(self.tr("Recorded"))
        else:
            lines.append(self.tr("Not recorded"))
        for when, text in row.markers:
            if abs(self.x_for(when) - point.x()) <= MARKER_REACH:
                lines.append(f"{format_moment(when)}  {text}")
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    # -- mouse -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        point = event.position()
        button = event.button()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if button in (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton) or (
            button == Qt.MouseButton.LeftButton and shift
        ):
            self._drag = "pan"
            self._pan_from = (point.x(), self._start)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._press_row = self.row_at(point.y())
        if point.x() < self._time_left():
            self._drag = "label"
        else:
            self._drag = "scrub"
            self._scrub_x = -1
            self._scrub_to(point.x(), force=True)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        x = event.position().x()
        if self._drag == "pan":
            from_x, from_start = self._pan_from
            shift = self._span * ((from_x - x) / self._time_width())
            self._set_view(from_start + shift, self._span)
        elif self._drag == "scrub":
            self._scrub_to(x)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        drag, self._drag = self._drag, None
        point = event.position()
        if drag == "pan":
            self.unsetCursor()
        elif drag == "scrub":
            self._scrub_timer.stop()
            self._scrub_pending = None
            moment = self._scrub_time(point.x())
            self._move_cursor(moment)
            self.seek_requested.emit(moment)
        if drag in ("scrub", "label"):
            index = self.row_at(point.y())
            if index is not None and index == self._press_row:
                self._activate(index)
        self._press_row = None
        event.accept()

    def _scrub_time(self, x: float) -> datetime:
        return self.time_at(min(max(x, self._time_left()), self._time_right()))

    def _move_cursor(self, moment: datetime) -> None:
        old, self._position = self._position, moment
        self._update_cursor(old)
        self._update_cursor(moment)

    def _scrub_to(self, x: float, *, force: bool = False) -> None:
        pixel = round(min(max(x, self._time_left()), self._time_right()))
        if pixel == self._scrub_x and not force:
            return
        self._scrub_x = pixel
        moment = self._scrub_time(x)
        self._move_cursor(moment)
        if force or not self._scrub_clock.isValid():
            self._emit_scrubbing(moment)
            return
        waited = self._scrub_clock.elapsed()
        if waited >= SCRUB_INTERVAL_MS:
            self._emit_scrubbing(moment)
        else:
            # The latest time goes out when the interval is over, so the picture catches up
            # with a pointer that stopped.
            self._scrub_pending = moment
            if not self._scrub_timer.isActive():
                self._scrub_timer.start(SCRUB_INTERVAL_MS - int(waited))

    def _emit_scrubbing(self, moment: datetime) -> None:
        self._scrub_timer.stop()
        self._scrub_pending = None
        self._scrub_clock.start()
        self.scrubbing.emit(moment)

    def _on_scrub_timer_timeout(self) -> None:
        if self._drag == "scrub" and self._scrub_pending is not None:
            self._emit_scrubbing(self._scrub_pending)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        delta = event.angleDelta()
        sideways = abs(delta.x()) > abs(delta.y())
        if sideways or event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            notches = (delta.x() if sideways else delta.y()) / 120
            self.pan(-notches * PAN_FRACTION)
        elif delta.y():
            self.zoom(ZOOM_STEP ** (-delta.y() / 120), event.position().x())
        event.accept()

    # -- keys --------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        Key = Qt.Key  # noqa: N806 - short for Qt's enum
        if key in (Key.Key_Left, Key.Key_Right):
            step = 1.0 if shift else PAN_FRACTION
            self.pan(-step if key == Key.Key_Left else step)
        elif key in (Key.Key_Plus, Key.Key_Equal):
            self.zoom(1 / KEY_ZOOM)
        elif key in (Key.Key_Minus, Key.Key_Underscore):
            self.zoom(KEY_ZOOM)
        elif key == Key.Key_Home:
            self.show_now()
        elif key == Key.Key_End:
            self.show_position()
        elif key in (Key.Key_Up, Key.Key_Down) and self._rows:
            self._step_row(-1 if key == Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.update()

    def _step_row(self, step: int) -> None:
        keys = [row.key for row in self._rows]
        if self._current in keys:
            index = min(max(keys.index(self._current) + step, 0), len(keys) - 1)
        else:
            index = 0 if step > 0 else len(keys) - 1
        self._activate(index)

    def _activate(self, index: int) -> None:
        key = self._rows[index].key
        self.set_current_row(key)
        self.row_activated.emit(key)

    # -- go to -------------------------------------------------------------------------------

    def open_go_to_dialog(self) -> GoToTimeDialog:
        """Opens the go-to dialog (without blocking); the chosen time is gone to."""
        around = self._position or self._clock.now()
        dialog = GoToTimeDialog(around, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.time_chosen.connect(self.go_to)
        dialog.open()
        return dialog


def _clamp_span(span: timedelta) -> timedelta:
    return min(max(span, MIN_SPAN), MAX_SPAN)


class GoToTimeDialog(QDialog):
    """Asks for a Stockholm time; for one in the repeated autumn hour, which of the two."""

    #: the chosen time, UTC
    time_chosen = Signal(object)

    def __init__(self, around: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        require_aware(around)
        self.setObjectName("go_to_time_dialog")
        self.setWindowTitle(self.tr("Go to time"))
        self._around = around
        self._candidates: list[datetime] = []
        self._chosen: datetime | None = None
        prompt = QLabel(self.tr("Date and time in Stockholm:"))
        self.edit = QLineEdit()
        self.edit.setObjectName("go_to_time")
        self.edit.setPlaceholderText(self.tr("2026-10-25 14:30 or 14:30"))
        self.edit.setText(f"{around.astimezone(STOCKHOLM):%Y-%m-%d %H:%M:%S}")
        self.edit.selectAll()
        prompt.setBuddy(self.edit)
        hint = QLabel(
            self.tr(
                "A time without a date is on %1. An offset such as +01:00 picks one of the times "
                "that happen twice when the clocks are put back in October."
            ).replace("%1", f"{around.astimezone(STOCKHOLM):%Y-%m-%d}")
        )
        hint.setWordWrap(True)
        self.question = QLabel(
            self.tr(
                "This time happens twice: the clocks are put back an hour that night. Which one?"
            )
        )
        self.question.setWordWrap(True)
        self.first = QRadioButton()
        self.first.setObjectName("first_instant")
        self.second = QRadioButton()
        self.second.setObjectName("second_instant")
        self._choice = QButtonGroup(self)
        self._choice.addButton(self.first)
        self._choice.addButton(self.second)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #ff6b6b;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Go"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (prompt, self.edit, hint, self.question, self.first, self.second):
            layout.addWidget(widget)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self._on_edit_text_changed(self.edit.text())

    def candidates(self) -> list[datetime]:
        """The instants the text names (two in the repeated hour), or [] while it names none."""
        return list(self._candidates)

    def chosen(self) -> datetime | None:
        """The time the operator went to, once accepted."""
        return self._chosen

    def _on_edit_text_changed(self, text: str) -> None:
        self.error.hide()
        try:
            candidates = parse_local_time(text, self._around)
        except TimeInputError:
            candidates = []
        if candidates != self._candidates:
            self._candidates = candidates
            self.first.setChecked(True)
        twice = len(candidates) == 2
        if twice:
            self.first.setText(
                self.tr("%1 – before the clocks are put back").replace(
                    "%1", format_moment(candidates[0])
                )
            )
            self.second.setText(
                self.tr("%1 – after the clocks are put back").replace(
                    "%1", format_moment(candidates[1])
                )
            )
        for widget in (self.question, self.first, self.second):
            widget.setVisible(twice)

    def accept(self) -> None:
        try:
            candidates = parse_local_time(self.edit.text(), self._around)
        except TimeInputError as err:
            self.error.setText(error_text(err))
            self.error.show()
            return
        chosen = (
            candidates[1] if len(candidates) == 2 and self.second.isChecked() else candidates[0]
        )
        self._chosen = chosen
        self.time_chosen.emit(chosen)
        super().accept()
