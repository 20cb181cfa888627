"""Lighting schedules: dusk to dawn at the right minutes, windows by the wall clock, calendars."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.errors import InvalidInput
from console.lighting.schedule import (
    LINKOPING,
    Location,
    Program,
    Reason,
    Schedule,
    SunEvent,
    TimedLevel,
    parse_window,
)
from console.localtime import LOCAL_ZONE


def noaa(day: date, latitude: float, longitude: float, rising: bool) -> datetime:
    """Sunrise or sunset (UTC) by the NOAA solar equations, written here independently of the
    library the schedule uses, as the oracle: the sun's centre 0.833° below the horizon. The
    sun's position is taken at noon, then again at the event's first estimate."""
    minutes = 720.0
    for _ in range(2):
        minutes = _noaa_minutes(day, latitude, longitude, rising, minutes / 60)
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=minutes)


def _noaa_minutes(day: date, latitude: float, longitude: float, rising: bool, hour: float) -> float:
    n = day.toordinal() - date(day.year, 1, 1).toordinal() + 1
    gamma = 2 * math.pi / 365 * (n - 1 + (hour - 12) / 24)
    eqtime = 229.18 * (
        0.000075
        + 0.001868 * math.cos(gamma)
        - 0.032077 * math.sin(gamma)
        - 0.014615 * math.cos(2 * gamma)
        - 0.040849 * math.sin(2 * gamma)
    )
    decl = (
        0.006918
        - 0.399912 * math.cos(gamma)
        + 0.070257 * math.sin(gamma)
        - 0.006758 * math.cos(2 * gamma)
        + 0.000907 * math.sin(2 * gamma)
        - 0.002697 * math.cos(3 * gamma)
        + 0.00148 * math.sin(3 * gamma)
    )
    lat = math.radians(latitude)
    cos_ha = math.cos(math.radians(90.833)) / (math.cos(lat) * math.cos(decl)) - math.tan(
        lat
    ) * math.tan(decl)
    ha = math.degrees(math.acos(cos_ha))
    return 720 - 4 * (longitude + (ha if rising else -ha)) - eqtime


#: The oracle's own error at this latitude: its series for the sun's declination is good to about
#: 0.1°, which moves a sunrise in Linköping by up to 3 minutes near the equinoxes (when the
#: declination changes fastest).
ORACLE = timedelta(minutes=3)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def steps(schedule: Schedule, day: date) -> list[tuple[str, int, str]]:
    return [(s.as_json()["from"], s.level, str(s.reason)) for s in schedule.plan(day)]


@pytest.mark.parametrize("day", [date(2026, 12, 21), date(2026, 6, 21), date(2027, 3, 20)])
def test_dusk_to_dawn_switches_at_linkopings_sunset_and_sunrise(day: date) -> None:
    plan = Schedule().plan(day)
    on = [s.start for s in plan if s.level == 100 and s.reason is Reason.NIGHT][-1]
    off = next(s.start for s in plan if s.level == 0)
    assert abs(on - noaa(day, *LINKOPING, rising=False)) < ORACLE
    assert abs(off - noaa(day, *LINKOPING, rising=True)) < ORACLE
    assert plan[0].start == datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)
    assert plan[0].level == 100


def test_winter_and_summer_nights_differ_as_the_sun_does() -> None:
    winter = Schedule().plan(date(2026, 12, 21))
    summer = Schedule().plan(date(2026, 6, 21))
    # Mid-December in Linköping: dark before 08:46 and after 15:04; midsummer: 03:49 and 22:09.
    assert winter[1].start.astimezone(LOCAL_ZONE).time() > time(8, 30)
    assert winter[2].start.astimezone(LOCAL_ZONE).time() < time(15, 20)
    assert summer[1].start.astimezone(LOCAL_ZONE).time() < time(4, 5)
    assert summer[2].start.astimezone(LOCAL_ZONE).time() > time(21, 55)


def test_civil_dusk_and_dawn_are_options() -> None:
    day = date(2026, 12, 21)
    sunset = Schedule().plan(day)
    civil = Schedule(Program(on_at=SunEvent.DUSK, off_at=SunEvent.DAWN)).plan(day)
    # Civil dusk is later than sunset, civil dawn earlier than sunrise (about 50 min in winter).
    assert civil[2].start - sunset[2].start > timedelta(minutes=30)
    assert sunset[1].start - civil[1].start > timedelta(minutes=30)


def test_a_window_dims_the_night_on_the_weekdays_of_the_wall_clock() -> None:
    schedule = Schedule(Program(windows=(parse_window("01:00-05:00 mon-fri 50"),)))
    monday = steps(schedule, date(2026, 12, 21))
    assert monday[:3] == [
        ("2026-12-21T00:00:00+01:00", 100, "night"),
        ("2026-12-21T01:00:00+01:00", 50, "window"),
        ("2026-12-21T05:00:00+01:00", 100, "night"),
    ]
    sunday = steps(schedule, date(2026, 12, 20))
    assert [level for _, level, _ in sunday] == [100, 0, 100]


def test_across_the_october_change_a_window_keeps_its_wall_clock_hours() -> None:
    schedule = Schedule(Program(windows=(parse_window("01:00-05:00 50"),)))
    plan = schedule.plan(date(2026, 10, 25))
    dimmed = next(s for s in plan if s.level == 50)
    back = next(s for s in plan if s.start > dimmed.start and s.level == 100)
    assert dimmed.start == at("2026-10-25T01:00:00+02:00")
    assert back.start == at("2026-10-25T05:00:00+01:00")
    # Five hours of the clock are six hours of time this night.
    assert back.start - dimmed.start == timedelta(hours=5)
    assert plan[0].start == at("2026-10-25T00:00:00+02:00")


def test_a_window_in_the_repeated_hour_happens_twice_and_in_the_skipped_hour_not_at_all() -> None:
    schedule = Schedule(
        Program(windows=(parse_window("01:00-05:00 50"), parse_window("02:30-03:00 20")))
    )
    autumn = [(s.start, s.level) for s in schedule.plan(date(2026, 10, 25))]
    assert (at("2026-10-25T02:30:00+02:00"), 20) in autumn
    assert (at("2026-10-25T02:00:00+01:00"), 50) in autumn
    assert (at("2026-10-25T02:30:00+01:00"), 20) in autumn
    spring = schedule.plan(date(2026, 3, 29))
    assert 20 not in [s.level for s in spring]


def test_the_calendar_replaces_the_program_for_the_night_of_its_date() -> None:
    normal = Program(windows=(parse_window("01:00-05:00 50"),))
    festive = Program(night_level=100)
    schedule = Schedule(normal, {date(2026, 12, 31): festive})
    new_year = schedule.plan(date(2027, 1, 1))
    # The small hours of 1 January belong to the night of 31 December: not dimmed.
    assert [s.level for s in new_year[:2]] == [100, 0]
    assert new_year[0].reason is Reason.CALENDAR
    assert new_year[-1].reason is Reason.NIGHT
    assert 50 in [s.level for s in schedule.plan(date(2027, 1, 4))]


def test_next_change_is_when_the_level_changes() -> None:
    schedule = Schedule(Program(windows=(parse_window("01:00-05:00 50"),)))
    evening = at("2026-12-21T20:00:00+01:00")
    assert schedule.next_change(evening) == at("2026-12-22T01:00:00+01:00")
    noon = at("2026-12-21T12:00:00+01:00")
    sunset = noaa(date(2026, 12, 21), *LINKOPING, rising=False)
    assert abs(schedule.next_change(noon) - sunset) < ORACLE


def test_midnight_sun_and_polar_night_are_read_from_the_sun() -> None:
    svalbard = Location(78.22, 15.65)
    summer = Schedule(location=svalbard).plan(date(2026, 6, 21))
    winter = Schedule(location=svalbard).plan(date(2026, 12, 21))
    assert {s.level for s in summer} == {0}
    assert {s.level for s in winter} == {100}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01:00-05:00 mon-fri 50", TimedLevel(time(1), time(5), 50, frozenset(range(5)))),
        ("23:00-05:00 30%", TimedLevel(time(23), time(5), 30)),
        ("0:30-4:00 lör,sön 10", TimedLevel(time(0, 30), time(4), 10, frozenset({5, 6}))),
        ("22:00-02:00 fri-mon 70", TimedLevel(time(22), time(2), 70, frozenset({4, 5, 6, 0}))),
    ],
)
def test_windows_are_read_from_text(text: str, expected: TimedLevel) -> None:
    assert parse_window(text) == expected


@pytest.mark.parametrize(
    "text", ["", "01:00 50", "01:00-05:00 funday 50", "25:00-05:00 50", "01:00-05:00 150", "1-5 50"]
)
def test_bad_windows_are_refused_in_words(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_window(text)


def test_bad_levels_and_events_are_refused() -> None:
    with pytest.raises(InvalidInput):
        Program(night_level=101)
    with pytest.raises(InvalidInput):
        Program(on_at=SunEvent.SUNRISE)
    with pytest.raises(InvalidInput):
        Location(91, 0)


_minutes = st.integers(0, 24 * 60 - 1).map(lambda m: time(m // 60, m % 60))
_windows = (
    st.tuples(_minutes, _minutes, st.integers(0, 100), st.frozensets(st.integers(0, 6), min_size=1))
    .filter(lambda w: w[0] != w[1])
    .map(lambda w: TimedLevel(*w))
)


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    windows=st.lists(_windows, max_size=3),
    minute=st.integers(0, 24 * 60 + 59),
)
def test_the_plan_is_the_level_at_every_moment(
    day: date, windows: list[TimedLevel], minute: int
) -> None:
    schedule = Schedule(Program(windows=tuple(windows)))
    plan = schedule.plan(day)
    start = datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_ZONE)
    assert plan[0].start == start
    assert all(a.start < b.start for a, b in itertools.pairwise(plan))
    moment = start.astimezone(UTC) + timedelta(minutes=minute)
    if moment >= end:
        return
    in_force = [s for s in plan if s.start <= moment][-1]
    now = schedule.level_at(moment)
    assert (now.level, now.reason) == (in_force.level, in_force.reason)
