"""A small chart of a lighting zone's planned levels: steps over a span of time (the next 24
hours in the dock, a Stockholm day in the schedule editor), sunset and sunrise marked, hours on
the axis in Stockholm time.

The chart only paints what it is given (Schedule.steps_between and Schedule.sun_between):
it computes no plan of its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.lighting.schedule import Step, SunEvent
from console.localtime import LOCAL_ZONE

#: The planned level's fill: the colour of a lit street lamp, readable on dark and light themes.
LEVEL_COLOUR = QColor("#e8a317")
SUNSET_COLOUR = QColor("#d9534f")
SUNRISE_COLOUR = QColor("#4f8fd9")
#: Room for the hour labels below the plot and the sun's labels above it.
_BOTTOM = 16
_TOP = 14
_SIDE = 4


class PlanChart(QWidget):
    """Steps of planned levels from `start` to `end`, with the sun's events as vertical lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lighting_chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(90)
        #: what is painted (kept for the view's own checks and for tests)
        self.steps: list[Step] = []
        self.sun: list[tuple[SunEvent, datetime]] = []
        self.start: datetime | None = None
        self.end: datetime | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(320, 100)

    def set_plan(
        self,
        steps: list[Step],
        start: datetime,
        end: datetime,
        sun: list[tuple[SunEvent, datetime]],
    ) -> None:
        self.steps, self.sun, self.start, self.end = list(steps), list(sun), start, end
        self.update()

    def clear(self) -> None:
        self.steps, self.sun, self.start, self.end = [], [], None, None
        self.update()

    # -- geometry ------------------------------------------------------------------------------

    def plot_rect(self) -> QRectF:
        return QRectF(
            _SIDE, _TOP, max(1, self.width() - 2 * _SIDE), max(1, self.height() - _TOP - _BOTTOM)
        )

    def x_of(self, moment: datetime) -> float:
        """Where `moment` is drawn across the plot."""
        assert self.start is not None
        assert self.end is not None
        plot = self.plot_rect()
        span = (self.end - self.start).total_seconds() or 1.0
        share = (moment - self.start).total_seconds() / span
        return plot.left() + max(0.0, min(1.0, share)) * plot.width()

    def y_of(self, level: int) -> float:
        plot = self.plot_rect()
        return plot.bottom() - level / 100 * plot.height()

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            palette = self.palette()
            plot = self.plot_rect()
            painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
            if self.start is None or self.end is None or not self.steps:
                return
            self._paint_levels(painter)
            self._paint_hours(painter, palette.color(QPalette.ColorRole.Text))
            self._paint_sun(painter)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(plot)
        finally:
            painter.end()

    def _paint_levels(self, painter: QPainter) -> None:
        assert self.end is not None
        plot = self.plot_rect()
        points = [QPointF(plot.left(), plot.bottom())]
        for i, step in enumerate(self.steps):
            left = self.x_of(step.start)
            right = self.x_of(self.steps[i + 1].start) if i + 1 < len(self.steps) else plot.right()
            y = self.y_of(step.level)
            points += [QPointF(left, y), QPointF(right, y)]
        points.append(QPointF(plot.right(), plot.bottom()))
        painter.setPen(QPen(LEVEL_COLOUR.darker(130), 1))
        painter.setBrush(LEVEL_COLOUR)
        painter.drawPolygon(QPolygonF(points))

    def _paint_hours(self, painter: QPainter, colour: QColor) -> None:
        """A tick every hour, labelled every third (Stockholm time: the label at a change of
        summer time shows the clock as it reads then)."""
        assert self.start is not None
        assert self.end is not None
        plot = self.plot_rect()
        painter.setPen(QPen(colour, 1))
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        hour = self.start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        while hour < self.end:
            x = self.x_of(hour)
            local = hour.astimezone(LOCAL_ZONE)
            major = local.hour % 3 == 0
            painter.drawLine(
                QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + (4 if major else 2))
            )
            if major:
                painter.drawText(
                    QRectF(x - 15, plot.bottom() + 3, 30, _BOTTOM - 3),
                    Qt.AlignmentFlag.AlignCenter,
                    f"{local:%H}",
                )
            hour += timedelta(hours=1)

    def _paint_sun(self, painter: QPainter) -> None:
        plot = self.plot_rect()
        for event, moment in self.sun:
            colour = SUNSET_COLOUR if event in (SunEvent.SUNSET, SunEvent.DUSK) else SUNRISE_COLOUR
            x = self.x_of(moment)
            painter.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            label = self._sun_label(event, moment)
            painter.setPen(QPen(colour, 1))
            width = painter.fontMetrics().horizontalAdvance(label) + 4
            left = min(max(plot.left(), x - width / 2), plot.right() - width)
            painter.drawText(QRectF(left, 0, width, _TOP), Qt.AlignmentFlag.AlignCenter, label)

    def _sun_label(self, event: SunEvent, moment: datetime) -> str:
        at = f"{moment.astimezone(LOCAL_ZONE):%H:%M}"
        if event in (SunEvent.SUNSET, SunEvent.DUSK):
            return self.tr("sunset %1").replace("%1", at)
        return self.tr("sunrise %1").replace("%1", at)
