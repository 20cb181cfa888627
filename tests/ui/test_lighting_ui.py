"""The Lighting dock, offscreen, over a real core: zones appear as luminaires announce
themselves, an override reaches the service and the access log, the roles decide the controls,
the chart paints the plan with the sun marked, boosts show as they happen, and the schedule
editor saves a schedule the plan then follows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from console.app import Core
from console.audit.log import Entry
from console.domain import Actor, Role
from console.lighting.schedule import Program, Schedule, SunEvent, parse_window
from console.localtime import LOCAL_ZONE
from tests.conftest import FakeClock
from tests.core.test_cameras import user
from tests.ui.test_shell import log_in
from ui.events import DomainEvents
from ui.i18n import Translations
from ui.lighting import LightingPanel
from ui.lighting_chart import LEVEL_COLOUR, SUNRISE_COLOUR, SUNSET_COLOUR, PlanChart
from ui.lighting_schedule import ScheduleEditor
from ui.tasks import TaskRunner
from ui.wiring.session import Console

ROOT = Actor.os_account("root")
#: A winter evening in Linköping: dark since about 15:07, the sun up again about 08:31.
EVENING = datetime(2026, 12, 7, 19, 0, tzinfo=UTC)  # 20:00 in Stockholm, a Monday
NOON = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


@pytest.fixture
def make_panel(
    qtbot: QtBot, core: Core, runner: TaskRunner
) -> Iterator[Callable[[Actor], LightingPanel]]:
    made: list[DomainEvents] = []

    def make(actor: Actor) -> LightingPanel:
        events = DomainEvents(core.events)
        made.append(events)
        panel = LightingPanel(core.lighting, core.sites, actor, runner, core.clock, events)
        qtbot.addWidget(panel)
        panel.resize(500, 700)
        qtbot.waitUntil(lambda: runner.pending == 0)
        return panel

    yield make
    for events in made:
        events.close()


def zone_names(panel: LightingPanel) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in range(panel.tree.topLevelItemCount()):
        top = panel.tree.topLevelItem(i)
        assert top is not None
        out[top.text(0)] = [top.child(j).text(0) for j in range(top.childCount())]
    return out


def row_of(panel: LightingPanel, name: str) -> tuple[str, str]:
    for i in range(panel.tree.topLevelItemCount()):
        top = panel.tree.topLevelItem(i)
        assert top is not None
        for j in range(top.childCount()):
            if top.child(j).text(0) == name:
                return top.child(j).text(1), top.child(j).text(2)
    raise AssertionError(name)


def entries(core: Core, action: str) -> list[Entry]:
    return list(reversed(core.audit.entries(ROOT, action=action)))


def test_zones_appear_per_site_with_their_level_reason_and_luminaires(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[Actor], LightingPanel]
) -> None:
    clock.moment = EVENING
    panel = make_panel(user(core, "olle", Role.OPERATOR))
    assert zone_names(panel) == {}
    assert panel.empty.isVisibleTo(panel)
    lamp = core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    core.lighting.record_report(lamp, available=True, level=100, mode="auto")
    # The service announced the change: the dock reads the zones again by itself.
    qtbot.waitUntil(lambda: zone_names(panel) == {"Berga": ["Berga centrum"]})
    assert not panel.empty.isVisibleTo(panel)
    assert row_of(panel, "Berga centrum") == ("100 %", "schedule")
    assert panel.state.text().startswith("100 % by schedule (night); next change at ")
    assert "next change at 2026-12-08 08:3" in panel.state.text()  # sunrise, tomorrow
    table = panel.luminaires
    assert [table.item(0, c).text() for c in range(4)] == ["lamp-1", "—", "100 %", "online"]
    core.lighting.luminaire_seen("stora-torget", "lamp-7")
    qtbot.waitUntil(lambda: "City" in zone_names(panel))
    assert zone_names(panel) == {"Berga": ["Berga centrum"], "City": ["Stora torget"]}
    # A controller that goes offline: the zone's reason says so, and the luminaire too.
    core.lighting.record_report(lamp, available=False)
    qtbot.waitUntil(lambda: row_of(panel, "Berga centrum")[1] == "offline")
    assert panel.current_zone() == core.lighting.zone("Berga centrum").id
    assert panel.state.text().startswith("OFFLINE: a luminaire does not answer.")
    assert table.item(0, 3).text() == "offline"


def test_an_override_reaches_the_service_and_the_access_log_then_back_to_schedule(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[Actor], LightingPanel]
) -> None:
    clock.moment = EVENING
    core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    panel = make_panel(user(core, "olle", Role.OPERATOR))
    assert panel.minutes.value() == 15  # the default length
    assert not panel.resume.isEnabled()  # nothing to end yet
    panel.level.setValue(40)
    assert panel.level_text.text() == "40 %"
    panel.minutes.setValue(30)
    panel.reason.setText("Bråk vid busshållplatsen")
    qtbot.mouseClick(panel.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: core.lighting.zone("Berga centrum").override is not None)
    override = core.lighting.zone("Berga centrum").override
    assert override is not None
    assert (override.level, override.user, override.reason) == (
        40,
        "olle",
        "Bråk vid busshållplatsen",
    )
    assert override.until == EVENING + timedelta(minutes=30)
    [entry] = entries(core, "lighting.override")
    assert entry.actor == "olle"
    assert dict(entry.details) == {
        "zone": "Berga centrum",
        "level": 40,
        "minutes": 30,
        "reason": "Bråk vid busshållplatsen",
    }
    qtbot.waitUntil(lambda: row_of(panel, "Berga centrum") == ("40 %", "override"))
    assert panel.state.text().startswith("40 % by override of olle until 20:30 (30:00 left)")
    assert panel.reason.text() == ""
    # The countdown follows the clock without reading the database.
    clock.advance(minutes=12, seconds=30)
    panel._on_countdown_timeout()
    assert "(17:30 left)" in panel.state.text()
    assert panel.chart.start == clock.now()  # the chart moves on with the clock
    assert panel.resume.isEnabled()
    panel.resume.click()
    qtbot.waitUntil(lambda: core.lighting.zone("Berga centrum").override is None)
    assert [e.actor for e in entries(core, "lighting.resumed")] == ["olle"]
    qtbot.waitUntil(lambda: row_of(panel, "Berga centrum") == ("100 %", "schedule"))
    # An override past the service's limit is refused in words; nothing is written.
    panel.minutes.setMaximum(100_000)
    panel.minutes.setValue(13 * 60)
    panel.apply.click()
    qtbot.waitUntil(lambda: panel.error.text() != "")
    assert "up to 720 minutes" in panel.error.text()
    assert len(entries(core, "lighting.override")) == 1


def test_an_override_ends_by_itself_in_the_dock(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[Actor], LightingPanel]
) -> None:
    clock.moment = EVENING
    zone = core.lighting.zone(core.lighting.luminaire_seen("berga-centrum", "lamp-1").zone_id)
    core.lighting.override(user(core, "siv", Role.SUPERVISOR), zone, 0, timedelta(minutes=5))
    panel = make_panel(user(core, "olle", Role.OPERATOR))
    assert row_of(panel, "Berga centrum") == ("0 %", "override")
    clock.advance(minutes=5)
    panel._on_countdown_timeout()
    assert row_of(panel, "Berga centrum") == ("100 %", "schedule")


@pytest.mark.parametrize(
    ("role", "controls", "schedules"),
    [
        (Role.OPERATOR, True, False),
        (Role.SUPERVISOR, True, True),
        (Role.TECHNICIAN, False, False),
        (Role.ADMINISTRATOR, False, False),
        (Role.AUDITOR, False, False),
    ],
)
def test_the_roles_decide_the_controls_and_the_service_refuses_anyway(
    qtbot: QtBot,
    core: Core,
    clock: FakeClock,
    make_panel: Callable[[Actor], LightingPanel],
    role: Role,
    controls: bool,
    schedules: bool,
) -> None:
    clock.moment = EVENING
    core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    panel = make_panel(user(core, "kim", role))
    assert panel.current_zone() is not None
    assert panel.state.text() != ""  # everyone reads the lighting
    for widget in (panel.level, panel.minutes, panel.reason, panel.apply):
        assert widget.isEnabled() is controls, widget.objectName()
    assert panel.edit_schedule.isEnabled() is schedules
    assert (panel.override_box.toolTip() == "") is controls
    if not controls:
        # The button is a convenience: asked anyway, the service refuses and nothing changes.
        panel._on_apply_clicked()
        qtbot.waitUntil(lambda: panel.error.text() != "")
        assert "not allowed to control lighting" in panel.error.text()
        assert core.lighting.zone("Berga centrum").override is None
        assert entries(core, "lighting.override") == []


def test_a_user_limited_to_other_areas_reads_but_does_not_override(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[Actor], LightingPanel]
) -> None:
    clock.moment = EVENING
    core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    city = next(a.id for a in core.sites.areas() if a.name == "City")
    panel = make_panel(user(core, "olle", Role.OPERATOR, frozenset({city})))
    assert zone_names(panel) == {"Berga": ["Berga centrum"]}
    assert not panel.apply.isEnabled()


def test_the_chart_paints_the_next_24_hours_with_the_sun_marked(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[Actor], LightingPanel]
) -> None:
    clock.moment = NOON
    core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    core.lighting.set_schedule(
        user(core, "sara", Role.SUPERVISOR),
        core.lighting.zone("Berga centrum"),
        Schedule(Program(windows=(parse_window("01:00-05:00 mon-fri 50"),))),
    )
    panel = make_panel(user(core, "olle", Role.OPERATOR))
    chart = panel.chart
    assert (chart.start, chart.end) == (NOON, NOON + timedelta(hours=24))
    local = [(s.start.astimezone(LOCAL_ZONE).strftime("%H:%M"), s.level) for s in chart.steps]
    assert [level for _, level in local] == [0, 100, 50, 100, 0]
    assert local[0][0] == "12:00"
    assert local[2][0] == "01:00"  # Tuesday's small hours dimmed
    assert local[3][0] == "05:00"
    assert [event for event, _ in chart.sun] == [SunEvent.SUNSET, SunEvent.SUNRISE]
    assert chart.sun[0][1] == chart.steps[1].start  # lit at sunset
    assert chart.sun[1][1] == chart.steps[4].start  # dark at sunrise
    image = chart.grab().toImage()
    plot = chart.plot_rect()

    def colour_at(moment: datetime, level: int) -> QColor:
        return image.pixelColor(int(chart.x_of(moment)), int(chart.y_of(level)))

    steps = chart.steps

    def middle(i: int) -> datetime:
        return steps[i].start + (steps[i + 1].start - steps[i].start) / 2

    # Filled up to the night's level, up to half in the dimmed hours, nothing by day.
    assert colour_at(middle(1), 95) == LEVEL_COLOUR
    assert colour_at(middle(2), 45) == LEVEL_COLOUR
    assert colour_at(middle(2), 55) != LEVEL_COLOUR
    assert colour_at(middle(0), 5) != LEVEL_COLOUR
    # The sun's lines, each in its colour, somewhere along the plot's height.
    for event, moment in chart.sun:
        x = int(chart.x_of(moment))
        column = {
            image.pixelColor(x + dx, y).name()
            for dx in (-1, 0, 1)
            for y in range(int(plot.top()) + 1, int(plot.bottom()))
        }
        wanted = SUNSET_COLOUR if event is SunEvent.SUNSET else SUNRISE_COLOUR
        assert wanted.name() in column, event


def test_an_alarm_boost_shows_as_it_happens(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[Actor], LightingPanel]
) -> None:
    clock.moment = NOON
    core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    panel = make_panel(user(core, "olle", Role.OPERATOR))
    assert row_of(panel, "Berga centrum") == ("0 %", "schedule")
    assert not panel.boosts.isVisibleTo(panel)
    core.lighting.boost("Berga centrum", 100, timedelta(minutes=10), alarm_id=42)
    qtbot.waitUntil(lambda: row_of(panel, "Berga centrum") == ("100 %", "boost"))
    assert panel.boosts.isVisibleTo(panel)
    assert panel.boosts.text() == "Boost at Berga centrum: 100 % for alarm 42 until 12:10"
    assert panel.state.text() == "100 % boosted for alarm 42 until 12:10 (10:00 left)"
    # A repeated alarm extends it.
    clock.advance(minutes=5)
    core.lighting.boost("Berga centrum", 100, timedelta(minutes=10), alarm_id=43)
    qtbot.waitUntil(lambda: "alarm 43" in panel.boosts.text())
    assert panel.state.text() == "100 % boosted for alarm 43 until 12:15 (10:00 left)"
    clock.advance(minutes=10)
    panel._on_countdown_timeout()
    assert row_of(panel, "Berga centrum") == ("0 %", "schedule")
    assert not panel.boosts.isVisibleTo(panel)


def test_the_schedule_editor_previews_and_saves_a_schedule_the_plan_then_shows(
    qtbot: QtBot, core: Core, clock: FakeClock, make_panel: Callable[[Actor], LightingPanel]
) -> None:
    clock.moment = NOON
    core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    panel = make_panel(user(core, "sara", Role.SUPERVISOR))
    panel.edit_schedule.click()
    editor = panel.editor
    assert isinstance(editor, ScheduleEditor)
    assert editor.isVisible()
    assert editor.night_level.value() == 100
    assert [s.level for s in editor.chart.steps] == [100, 0, 100]
    editor.night_level.setValue(80)
    editor.on_at.setCurrentIndex(editor.on_at.findData(SunEvent.DUSK))
    editor.windows.setPlainText("01:00-05:00 mon-fri 50\nnattetid 20")
    # A line that is not a window says why and cannot be saved.
    assert "is not a time-of-day level" in editor.error.text()
    save = editor.buttons.buttons()[0]
    assert not save.isEnabled()
    editor.windows.setPlainText("01:00-05:00 mån-fre 50\n")
    assert editor.error.text() == ""
    assert save.isEnabled()
    # The preview is of today, a Monday, whose small hours are dimmed; a Sunday's are not.
    assert [s.level for s in editor.chart.steps] == [80, 50, 80, 0, 80]
    assert editor.steps.text().startswith("00:00 80 %  01:00 50 %  05:00 80 %")
    editor.preview_day.setDate(editor.preview_day.date().addDays(-1))
    assert [s.level for s in editor.chart.steps] == [80, 0, 80]
    with qtbot.waitSignal(editor.finished):
        editor.buttons.accepted.emit()
    assert panel.editor is None  # closed and gone
    schedule = core.lighting.zone("Berga centrum").schedule
    assert schedule.program == Program(
        night_level=80, on_at=SunEvent.DUSK, windows=(parse_window("01:00-05:00 mon-fri 50"),)
    )
    [entry] = entries(core, "lighting.schedule")
    assert entry.actor == "sara"
    tuesday = core.lighting.plan(core.lighting.zone("Berga centrum"), date(2026, 12, 8))
    assert [s.level for s in tuesday] == [80, 50, 80, 0, 80]
    # The dock's chart follows the saved schedule: dusk, then the dimmed small hours.
    qtbot.waitUntil(lambda: [s.level for s in panel.chart.steps] == [0, 80, 50, 80, 0])
    dusk = panel.chart.steps[1].start
    assert dusk > panel.chart.sun[0][1]  # civil dusk comes after sunset
    # Opened again, the editor shows the windows as they are typed.
    panel.edit_schedule.click()
    again = panel.editor
    assert again is not None
    assert again.windows.toPlainText() == "01:00-05:00 mon-fri 50"
    assert again.on_at.currentData() == SunEvent.DUSK
    assert again.night_level.value() == 80
    again.reject()


def test_an_operator_may_not_save_a_schedule(
    qtbot: QtBot, core: Core, clock: FakeClock, runner: TaskRunner
) -> None:
    clock.moment = NOON
    zone = core.lighting.zone(core.lighting.luminaire_seen("berga-centrum", "lamp-1").zone_id)
    olle = user(core, "olle", Role.OPERATOR)
    editor = ScheduleEditor(core.lighting, zone, olle, runner, core.clock)
    qtbot.addWidget(editor)
    editor.night_level.setValue(10)
    editor.buttons.accepted.emit()
    qtbot.waitUntil(lambda: editor.error.text() != "")
    assert "not allowed to change the alarm rules" in editor.error.text()
    assert core.lighting.zone(zone.id).schedule == Schedule()


def test_a_chart_without_a_plan_paints_an_empty_plot(qtbot: QtBot) -> None:
    chart = PlanChart()
    qtbot.addWidget(chart)
    chart.resize(300, 100)
    image = chart.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, 300, 10) for y in range(0, 100, 10)}
    assert LEVEL_COLOUR.name() not in colours


def test_the_console_has_the_lighting_dock_in_swedish(
    qtbot: QtBot,
    make_console: Callable[..., Console],
    core: Core,
    clock: FakeClock,
    translations: Translations,
) -> None:
    clock.moment = EVENING
    user(core, "anna", Role.ADMINISTRATOR)
    user(core, "olle", Role.OPERATOR)
    core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    translations.install("sv")
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    panel = window.docks["lighting"].widget()
    assert isinstance(panel, LightingPanel)
    qtbot.waitUntil(lambda: panel.current_zone() is not None)
    assert panel.apply.text() == "&Styr manuellt"
    assert row_of(panel, "Berga centrum") == ("100 %", "schema")
    assert panel.state.text().startswith("100 % enligt schema (natt)")
