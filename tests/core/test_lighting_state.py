"""The next 24 hours of a schedule (the console's chart) and what a zone has now and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from console.app import Core
from console.domain import Role
from console.lighting.control import Source
from console.lighting.schedule import Program, Schedule, SunEvent, parse_window
from console.lighting.state import Why, zone_state
from console.localtime import LOCAL_ZONE
from tests.conftest import FakeClock
from tests.core.test_cameras import user

DIMMED = Schedule(Program(windows=(parse_window("01:00-05:00 50"),)))


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 12, 7, 11, 0, tzinfo=UTC),  # winter
        datetime(2026, 6, 20, 10, 0, tzinfo=UTC),  # a short summer night
        datetime(2026, 10, 24, 20, 30, tzinfo=UTC),  # across the October change
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC),  # across the March change
    ],
)
def test_the_steps_of_a_span_are_the_levels_at_every_moment_of_it(start: datetime) -> None:
    end = start + timedelta(hours=24)
    steps = DIMMED.steps_between(start, end)
    assert steps[0].start == start
    assert all(a.start < b.start for a, b in pairwise(steps))
    assert all(start <= s.start < end for s in steps)
    moment = start
    while moment < end:
        current = [s for s in steps if s.start <= moment][-1]
        at = DIMMED.level_at(moment)
        assert (current.level, current.reason) == (at.level, at.reason), moment
        moment += timedelta(minutes=7)


def test_the_window_keeps_its_wall_clock_hours_across_the_october_change() -> None:
    start = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    steps = DIMMED.steps_between(start, start + timedelta(hours=24))
    local = [(s.start.astimezone(LOCAL_ZONE), s.level) for s in steps]
    dimmed = [(t, level) for t, level in local if level == 50]
    assert [f"{t:%H:%M%z}" for t, _ in dimmed] == ["01:00+0200"]
    after = local[local.index(dimmed[0]) + 1]
    assert f"{after[0]:%H:%M%z}" == "05:00+0100"  # four hours of wall clock, five of time
    assert after[0].astimezone(UTC) - dimmed[0][0].astimezone(UTC) == timedelta(hours=5)


def test_sunset_and_sunrise_of_the_next_24_hours_in_linkoping() -> None:
    start = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
    sun = Schedule().sun_between(start, start + timedelta(hours=24))
    assert [event for event, _ in sun] == [SunEvent.SUNSET, SunEvent.SUNRISE]
    assert f"{sun[0][1].astimezone(LOCAL_ZONE):%H:%M}" == "15:06"
    assert f"{sun[1][1].astimezone(LOCAL_ZONE):%H:%M}" == "08:32"


def test_a_zone_has_its_override_then_its_boost_then_its_schedule(
    core: Core, clock: FakeClock
) -> None:
    clock.moment = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # noon: dark by schedule
    lamp = core.lighting.luminaire_seen("berga-centrum", "lamp-1")
    zone = core.lighting.zone(lamp.zone_id)
    state = zone_state(zone, clock.now())
    assert (state.level, state.why, state.detail) == (0, Why.SCHEDULE, "day")
    assert f"{state.until.astimezone(LOCAL_ZONE):%H:%M}" == "15:06"  # lit at sunset
    zone = core.lighting.boost("berga-centrum", 80, timedelta(minutes=10), alarm_id=7)
    assert zone is not None
    state = zone_state(zone, clock.now())
    assert (state.level, state.why, state.alarm_id) == (80, Why.BOOST, 7)
    assert state.until == clock.now() + timedelta(minutes=10)
    olle = user(core, "olle", Role.OPERATOR)
    zone = core.lighting.override(olle, zone, 30, timedelta(minutes=5), "test")
    state = zone_state(zone, clock.now())
    assert (state.level, state.why, state.user, state.detail) == (30, Why.OVERRIDE, "olle", "test")
    clock.advance(minutes=5)
    assert zone_state(zone, clock.now()).why is Why.BOOST
    clock.advance(minutes=5)
    assert zone_state(zone, clock.now()).why is Why.SCHEDULE
    # An offline luminaire: the reason says so, the level is still the one it should have.
    core.lighting.record_report(lamp, available=False)
    state = zone_state(core.lighting.zone(zone.id), clock.now())
    assert (state.level, state.why, state.source) == (0, Why.OFFLINE, Source.SCHEDULE)
