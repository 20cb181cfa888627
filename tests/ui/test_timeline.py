"""The playback timeline widget drawn, zoomed, panned, scrubbed and driven by keys (offscreen,
pixels read back), and "go to" across both changes of Swedish summer time (the arithmetic itself
is tested in tests/core/test_localtime.py).

2026's changes: on 29 March at 01:00 UTC the clocks go from 02:00 (+01) to 03:00 (+02), so local
02:00–02:59 does not exist; on 25 October at 01:00 UTC they go from 03:00 (+02) back to 02:00
(+01), so local 02:00–02:59 happens twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QKeySequence, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.localtime import STOCKHOLM, format_moment
from tests.conftest import FakeClock
from ui.theme import apply_theme
from ui.timeline import (
    MAX_SPAN,
    MIN_SPAN,
    ZOOM_STEP,
    GoToTimeDialog,
    TimelineRow,
    TimelineWidget,
)

AUTUMN = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 03:00 +02 becomes 02:00 +01
SPRING = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 +01 becomes 03:00 +02
NOON = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # 12:00 +02, far from any change


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(STOCKHOLM)


# -- the widget ----------------------------------------------------------------------------------

START = utc(2026, 10, 25, 0, 0)  # 02:00 +02
HOUR = timedelta(hours=1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utc(2026, 10, 25, 12, 0))


@pytest.fixture
def timeline(qtbot: QtBot, clock: FakeClock) -> TimelineWidget:
    widget = TimelineWidget(clock=clock)
    qtbot.addWidget(widget)
    widget.resize(820, 160)
    widget.set_view(START, START + HOUR)
    widget.set_rows(rows())
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture(params=["dark", "light"])
def theme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    apply_theme(qapp, request.param)
    yield request.param
    apply_theme(qapp, "dark")


def rows() -> list[TimelineRow]:
    return [
        TimelineRow(
            key=7,
            label="Entrance",
            ranges=[(START + timedelta(minutes=10), START + timedelta(minutes=25))],
            markers=[(START + timedelta(minutes=50), "Motion alarm")],
        ),
        TimelineRow(key=9, label="Square", ranges=[]),
    ]


def row_middle(widget: TimelineWidget, index: int) -> int:
    top = next(y for y in range(widget.height()) if widget.row_at(y) == index)
    bottom = max(y for y in range(widget.height()) if widget.row_at(y) == index)
    return (top + bottom) // 2


def colour_at(image: QImage, x: float, y: int) -> int:
    """The pixel's RGB at widget coordinates."""
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(x * ratio), round(y * ratio)).rgb()


def mouse(
    widget: TimelineWidget,
    kind: QEvent.Type,
    x: float,
    y: float,
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    sent = button if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    point = QPointF(x, y)
    event = QMouseEvent(kind, point, widget.mapToGlobal(point), sent, held, modifiers)
    QApplication.sendEvent(widget, event)


def wheel(widget: TimelineWidget, x: float, notches: float, *, shift: bool = False) -> None:
    point = QPointF(x, row_middle(widget, 0))
    modifiers = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    event = QWheelEvent(
        point,
        widget.mapToGlobal(point),
        QPoint(0, 0),
        QPoint(0, round(120 * notches)),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def width_of(widget: TimelineWidget) -> timedelta:
    start, end = widget.view()
    return end - start


def close(a: datetime, b: datetime, tolerance: timedelta = timedelta(milliseconds=1)) -> bool:
    return abs(a - b) <= tolerance


def test_recorded_ranges_gaps_and_markers_are_drawn(timeline: TimelineWidget, theme: str) -> None:
    colours = timeline.colours()
    # Recorded time stands out from the gaps; on the dark theme the gaps are the darker.
    assert abs(colours.recorded.lightness() - colours.gap.lightness()) > 40
    if theme == "dark":
        assert colours.gap.lightness() < colours.recorded.lightness()
    image = timeline.grab().toImage()
    y = row_middle(timeline, 0)
    first = timeline.x_for(START + timedelta(minutes=10))
    last = timeline.x_for(START + timedelta(minutes=25))
    assert 150 < first < last < 700
    for x in range(round(first) + 2, round(last) - 1, 5):
        assert colour_at(image, x, y) == colours.recorded.rgb(), x
    for x in (first - 3, first - 40, last + 3, last + 60, timeline.x_for(START) + 2):
        assert colour_at(image, x, y) == colours.gap.rgb(), x
    # The marker: an orange notch at the top of the row, named in the tooltip.
    marker = START + timedelta(minutes=50)
    top = next(y for y in range(timeline.height()) if timeline.row_at(y) == 0)
    assert colour_at(image, timeline.x_for(marker), top + 3) == colours.marker.rgb()
    tip = timeline.tooltip_at(QPoint(round(timeline.x_for(marker)), y))
    assert "Motion alarm" in tip
    assert "Not recorded" in tip
    # The empty row is gap all along, with its "No recording" in the middle.
    empty_y = row_middle(timeline, 1)
    assert colour_at(image, first, empty_y) == colours.gap.rgb()
    middle = (timeline.x_for(START) + timeline.x_for(START + HOUR)) / 2
    written = {colour_at(image, x, empty_y) for x in range(round(middle) - 40, round(middle) + 40)}
    assert written - {colours.gap.rgb()}
    assert colours.recorded.rgb() not in written


def test_the_cursor_is_drawn_where_the_position_is(timeline: TimelineWidget) -> None:
    changed: list[tuple[datetime, datetime]] = []
    timeline.view_changed.connect(lambda a, b: changed.append((a, b)))
    moment = START + timedelta(minutes=40)
    timeline.set_position(moment)
    assert timeline.position() == moment
    assert changed == []
    image = timeline.grab().toImage()
    colours = timeline.colours()
    x = round(timeline.x_for(moment))
    assert colour_at(image, x, row_middle(timeline, 0)) == colours.cursor.rgb()
    assert colour_at(image, x + 4, row_middle(timeline, 0)) == colours.gap.rgb()


def test_tooltips_name_the_time_under_the_pointer(timeline: TimelineWidget) -> None:
    x = round(timeline.x_for(START + timedelta(minutes=15)))
    tip = timeline.tooltip_at(QPoint(x, row_middle(timeline, 0)))
    assert tip.splitlines() == ["Entrance", format_moment(timeline.time_at(x)), "Recorded"]
    assert "+02:00" in tip
    empty = timeline.tooltip_at(QPoint(x, row_middle(timeline, 1)))
    assert empty.splitlines()[-1] == "No recording"
    assert timeline.tooltip_at(QPoint(5, row_middle(timeline, 1))) == "Square"


def test_x_and_time_are_inverse(timeline: TimelineWidget) -> None:
    for minutes in (0, 7.5, 30, 60):
        moment = START + timedelta(minutes=minutes)
        assert close(timeline.time_at(timeline.x_for(moment)), moment)
    assert timeline.x_for(START + HOUR) - timeline.x_for(START) > 500


def test_the_wheel_zooms_about_the_pointer_within_limits(timeline: TimelineWidget) -> None:
    changed: list[tuple[datetime, datetime]] = []
    timeline.view_changed.connect(lambda a, b: changed.append((a, b)))
    x = timeline.x_for(START + timedelta(minutes=15))
    under = timeline.time_at(x)

    wheel(timeline, x, 1)
    assert close(width_of(timeline), HOUR / ZOOM_STEP)
    assert close(timeline.time_at(x), under)
    assert changed[-1] == timeline.view()

    wheel(timeline, x, -2)
    assert close(width_of(timeline), HOUR * ZOOM_STEP)
    assert close(timeline.time_at(x), under)

    for _ in range(40):
        wheel(timeline, x, 1)
    assert width_of(timeline) == MIN_SPAN
    assert close(timeline.time_at(x), under)

    for _ in range(80):
        wheel(timeline, x, -1)
    assert width_of(timeline) == MAX_SPAN
    assert close(timeline.time_at(x), under, timedelta(seconds=1))
    count = len(changed)
    wheel(timeline, x, -1)
    assert len(changed) == count  # clamped: nothing changed, nothing said


def test_set_view_is_clamped(timeline: TimelineWidget) -> None:
    timeline.set_view(START, START + timedelta(seconds=2))
    assert timeline.view() == (START - timedelta(seconds=4), START + timedelta(seconds=6))
    timeline.set_view(START, START + timedelta(days=30))
    assert width_of(timeline) == MAX_SPAN
    with pytest.raises(ValueError, match="after"):
        timeline.set_view(START, START)


def test_a_left_drag_scrubs_and_seeks(qtbot: QtBot, timeline: TimelineWidget) -> None:
    scrubs: list[datetime] = []
    seeks: list[datetime] = []
    activated: list[object] = []
    timeline.scrubbing.connect(scrubs.append)
    timeline.seek_requested.connect(seeks.append)
    timeline.row_activated.connect(activated.append)
    view = timeline.view()
    y = row_middle(timeline, 0)
    x0 = round(timeline.x_for(START + timedelta(minutes=5)))

    mouse(timeline, QEvent.Type.MouseButtonPress, x0, y)
    assert scrubs == [timeline.time_at(x0)]
    assert timeline.position() == timeline.time_at(x0)
    for step in range(1, 11):
        mouse(timeline, QEvent.Type.MouseMove, x0 + 10 * step, y)
    # Throttled: far fewer than one a pixel move, then the latest once the pointer rests.
    assert len(scrubs) < 6
    qtbot.waitUntil(lambda: scrubs[-1] == timeline.time_at(x0 + 100), timeout=2000)
    count = len(scrubs)
    mouse(timeline, QEvent.Type.MouseMove, x0 + 100, y)  # the same pixel: nothing new
    assert len(scrubs) == count
    assert seeks == []

    mouse(timeline, QEvent.Type.MouseButtonRelease, x0 + 120, y)
    assert seeks == [timeline.time_at(x0 + 120)]
    assert timeline.position() == seeks[0]
    assert activated == [7]
    assert timeline.current_row() == 7
    assert timeline.view() == view  # scrubbing does not move the view

    # While a scrub is on, playback does not pull the cursor away.
    mouse(timeline, QEvent.Type.MouseButtonPress, x0, y)
    timeline.set_position(START)
    assert timeline.position() == timeline.time_at(x0)
    mouse(timeline, QEvent.Type.MouseButtonRelease, x0, row_middle(timeline, 1))
    assert activated == [7]  # pressed on one row, let go on another: no row chosen


def test_right_middle_and_shift_drags_pan(timeline: TimelineWidget) -> None:
    scrubs: list[datetime] = []
    timeline.scrubbing.connect(scrubs.append)
    y = row_middle(timeline, 0)
    pixels = timeline.x_for(START + HOUR) - timeline.x_for(START)
    x = 400.0
    for button, modifiers in (
        (Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier),
        (Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier),
        (Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier),
    ):
        start, end = timeline.view()
        under = timeline.time_at(x)
        mouse(timeline, QEvent.Type.MouseButtonPress, x, y, button, modifiers)
        mouse(timeline, QEvent.Type.MouseMove, x - 100, y, button, modifiers)
        mouse(timeline, QEvent.Type.MouseButtonRelease, x - 100, y, button, modifiers)
        # What was under the pointer went with it.
        assert close(timeline.time_at(x - 100), under)
        assert close(timeline.view()[0], start + HOUR * (100 / pixels))
        assert timeline.view()[1] - timeline.view()[0] == end - start
    assert scrubs == []


def test_keys_pan_zoom_and_go_home(
    qtbot: QtBot, timeline: TimelineWidget, clock: FakeClock
) -> None:
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Right)
    assert timeline.view()[0] == START + HOUR / 10
    qtbot.keyClick(timeline, Qt.Key.Key_Left)
    qtbot.keyClick(timeline, Qt.Key.Key_Left)
    assert timeline.view()[0] == START - HOUR / 10
    qtbot.keyClick(timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert timeline.view()[0] == START + HOUR * 0.9

    # + and − zoom about the cursor when it is in view.
    timeline.set_view(START, START + HOUR)
    cursor = START + timedelta(minutes=15)
    timeline.set_position(cursor)
    x = timeline.x_for(cursor)
    qtbot.keyClick(timeline, Qt.Key.Key_Plus)
    assert width_of(timeline) == HOUR / 2
    assert abs(timeline.x_for(cursor) - x) < 0.01
    qtbot.keyClick(timeline, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(timeline, Qt.Key.Key_Minus)
    assert width_of(timeline) == 2 * HOUR
    assert abs(timeline.x_for(cursor) - x) < 0.01

    qtbot.keyClick(timeline, Qt.Key.Key_Home)
    assert timeline.view() == (clock.now() - 2 * HOUR, clock.now())
    qtbot.keyClick(timeline, Qt.Key.Key_End)
    assert timeline.view() == (cursor - HOUR, cursor + HOUR)

    chosen: list[object] = []
    timeline.row_activated.connect(chosen.append)
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    qtbot.keyClick(timeline, Qt.Key.Key_Up)
    assert chosen == [7, 9, 9, 7]


def test_the_view_pages_along_with_playback(timeline: TimelineWidget) -> None:
    changed: list[tuple[datetime, datetime]] = []
    timeline.view_changed.connect(lambda a, b: changed.append((a, b)))
    timeline.set_position(START + timedelta(minutes=59))
    assert changed == []
    timeline.set_position(START + timedelta(minutes=61))
    assert timeline.view() == (START + timedelta(minutes=55), START + timedelta(minutes=115))
    assert changed == [timeline.view()]

    # The operator looked elsewhere: playback leaves the view where it is.
    timeline.set_view(START - 3 * HOUR, START - 2 * HOUR)
    timeline.set_position(START + timedelta(minutes=62))
    assert timeline.view() == (START - 3 * HOUR, START - 2 * HOUR)

    timeline.set_view(START, START + HOUR)
    timeline.set_follow(False)
    timeline.set_position(START + timedelta(minutes=30))
    timeline.set_position(START + timedelta(minutes=90))
    assert timeline.view() == (START, START + HOUR)


def test_the_axis_draws_across_the_change(timeline: TimelineWidget) -> None:
    """The night the clocks go back, drawn at each zoom, without a warning or an error."""
    for span in (MIN_SPAN, timedelta(minutes=5), HOUR, 4 * HOUR, timedelta(days=1), MAX_SPAN):
        timeline.set_view(AUTUMN - span / 2, AUTUMN + span / 2)
        timeline.set_position(AUTUMN)
        image = timeline.grab().toImage()
        assert not image.isNull()
    timeline.set_rows([])
    assert not timeline.grab().toImage().isNull()


def test_go_to_asks_which_of_the_repeated_hours(qtbot: QtBot) -> None:
    dialog = GoToTimeDialog(utc(2026, 10, 25, 12))
    qtbot.addWidget(dialog)
    chosen: list[datetime] = []
    dialog.time_chosen.connect(chosen.append)
    dialog.show()
    dialog.edit.setText("02:30")
    assert dialog.first.isVisible()
    assert dialog.second.isVisible()
    assert "+02:00" in dialog.first.text()
    assert "+01:00" in dialog.second.text()
    assert dialog.first.isChecked()
    dialog.second.setChecked(True)
    dialog.accept()
    assert chosen == [utc(2026, 10, 25, 1, 30)]
    assert dialog.chosen() == chosen[0]
    assert dialog.result() == dialog.DialogCode.Accepted


def test_go_to_refuses_a_time_that_does_not_exist(qtbot: QtBot) -> None:
    dialog = GoToTimeDialog(utc(2026, 3, 29, 12))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.edit.setText("02:30")
    assert not dialog.first.isVisible()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "03:00" in dialog.error.text()
    assert dialog.chosen() is None
    dialog.edit.setText("03:30")
    assert not dialog.error.isVisible()
    dialog.accept()
    assert dialog.chosen() == utc(2026, 3, 29, 1, 30)


def test_the_timeline_goes_to_a_time(qtbot: QtBot, timeline: TimelineWidget) -> None:
    assert timeline.go_to_action.shortcut() == QKeySequence("Ctrl+G")
    seeks: list[datetime] = []
    timeline.seek_requested.connect(seeks.append)
    dialog = timeline.open_go_to_dialog()
    assert dialog.isVisible()
    dialog.edit.setText("2026-10-26 08:00")
    dialog.accept()
    target = utc(2026, 10, 26, 7)
    assert seeks == [target]
    assert timeline.position() == target
    start, end = timeline.view()
    assert start + (end - start) / 2 == target
    assert end - start == HOUR
