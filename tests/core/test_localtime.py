"""Stockholm time for people, without Qt: the axis and typed-in times across both changes of
Swedish summer time.

2026's changes: on 29 March at 01:00 UTC the clocks go from 02:00 (+01) to 03:00 (+02), so local
02:00–02:59 does not exist; on 25 October at 01:00 UTC they go from 03:00 (+02) back to 02:00
(+01), so local 02:00–02:59 happens twice.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from console.errors import KnownError
from console.localtime import (
    STEPS,
    STOCKHOLM,
    NonexistentTime,
    TimeInputError,
    format_moment,
    parse_local_time,
    ticks,
)

AUTUMN = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 03:00 +02 becomes 02:00 +01
SPRING = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 +01 becomes 03:00 +02
NOON = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # 12:00 +02, far from any change
#: The timeline's narrowest view.
TEN_SECONDS = timedelta(seconds=10)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(STOCKHOLM)


# -- format_moment -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (utc(2026, 10, 25, 0, 30), "2026-10-25 02:30:00 +02:00"),
        (utc(2026, 10, 25, 1, 30), "2026-10-25 02:30:00 +01:00"),
        (utc(2026, 10, 25, 0, 59, 59), "2026-10-25 02:59:59 +02:00"),
        (utc(2026, 10, 25, 1, 0), "2026-10-25 02:00:00 +01:00"),
        (utc(2026, 3, 29, 0, 59, 59), "2026-03-29 01:59:59 +01:00"),
        (utc(2026, 3, 29, 1, 0), "2026-03-29 03:00:00 +02:00"),
        (utc(2026, 12, 31, 23, 0), "2027-01-01 00:00:00 +01:00"),
    ],
)
def test_format_moment_is_stockholm_time_with_its_offset(moment: datetime, text: str) -> None:
    assert format_moment(moment) == text


def test_format_moment_without_seconds_and_from_other_zones() -> None:
    moment = datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM, fold=1)
    assert format_moment(moment, seconds=False) == "2026-10-25 02:30 +01:00"
    with pytest.raises(ValueError, match="naive"):
        format_moment(datetime(2026, 10, 25, 2, 30))


# -- ticks ---------------------------------------------------------------------------------------


def test_hourly_ticks_name_the_repeated_hour_twice() -> None:
    found = ticks(AUTUMN - timedelta(hours=2), AUTUMN + timedelta(hours=2), 8)
    labels = ["01:00 +02", "02:00 +02", "02:00 +01", "03:00 +01", "04:00 +01"]
    assert [t.label for t in found] == labels
    assert [t.utc for t in found] == [AUTUMN + timedelta(hours=h) for h in range(-2, 3)]


def test_ten_minute_ticks_through_the_repeated_hour_are_distinct() -> None:
    found = ticks(AUTUMN - timedelta(hours=1), AUTUMN + timedelta(hours=1), 15)
    labels = [t.label for t in found]
    assert len(found) == 13
    assert len(set(labels)) == len(labels)
    assert {"02:30 +02", "02:30 +01", "02:00 +02", "02:00 +01"} <= set(labels)
    steps = {(b.utc - a.utc).total_seconds() for a, b in itertools.pairwise(found)}
    assert steps == {600}
    # The hours are the major ticks, both of the repeated ones included.
    assert [t.label for t in found if t.major] == ["02:00 +02", "02:00 +01", "03:00 +01"]


def test_ticks_inside_the_second_pass_name_their_offset() -> None:
    """No change within the view, but 02:10 could be either of two times."""
    found = ticks(AUTUMN + timedelta(minutes=5), AUTUMN + timedelta(minutes=55), 6)
    labels = ["02:10 +01", "02:20 +01", "02:30 +01", "02:40 +01", "02:50 +01"]
    assert [t.label for t in found] == labels


def test_ticks_away_from_a_change_carry_no_offset() -> None:
    found = ticks(NOON - timedelta(hours=2), NOON + timedelta(hours=2), 5)
    assert [t.label for t in found] == ["10:00", "11:00", "12:00", "13:00", "14:00"]
    seconds = ticks(NOON, NOON + timedelta(seconds=10), 12)
    assert [t.label for t in seconds][:3] == ["12:00:00", "12:00:01", "12:00:02"]


def test_spring_ticks_skip_the_missing_hour() -> None:
    found = ticks(SPRING - timedelta(hours=2), SPRING + timedelta(hours=2), 30)
    assert found
    assert all(local(t.utc).hour != 2 for t in found)
    assert not any(t.label.startswith("02:") for t in found)
    labels = [t.label for t in found]
    jump = labels.index("03:00 +02")
    assert labels[jump - 1] == "01:50 +01"
    assert found[jump].utc - found[jump - 1].utc == timedelta(minutes=10)
    hourly = ticks(SPRING - timedelta(hours=2), SPRING + timedelta(hours=2), 6)
    labels = ["2026-03-29", "01:00 +01", "03:00 +02", "04:00 +02", "05:00 +02"]
    assert [t.label for t in hourly] == labels


def test_steps_of_hours_and_days_keep_to_local_boundaries() -> None:
    week = ticks(utc(2026, 10, 21, 12), utc(2026, 10, 28, 12), 10)
    assert [t.label for t in week] == [f"2026-10-{day}" for day in range(22, 29)]
    assert all(local(t.utc).hour == 0 and t.major for t in week)
    # Local midnight moves by an hour in UTC across the change.
    assert week[3].utc == utc(2026, 10, 24, 22)
    assert week[4].utc == utc(2026, 10, 25, 23)
    three_hours = ticks(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12), 9)
    assert all(local(t.utc).hour % 3 == 0 for t in three_hours)
    assert "03:00 +01" in [t.label for t in three_hours]


def test_ticks_never_exceed_the_room_and_are_unique_within_a_day() -> None:
    spans = [timedelta(seconds=s) for s in (10, 45, 300, 2000, 7200, 30_000, 90_000, 604_800)]
    for centre in (AUTUMN, SPRING, NOON):
        for span in spans:
            for room in (1, 3, 7, 12, 40):
                found = ticks(centre - span / 2, centre + span / 2, room)
                assert 0 < len(found) <= room, (centre, span, room)
                assert all(centre - span / 2 <= t.utc <= centre + span / 2 for t in found)
                by_day: dict[object, list[str]] = {}
                for t in found:
                    by_day.setdefault(local(t.utc).date(), []).append(t.label)
                for labels in by_day.values():
                    assert len(set(labels)) == len(labels), labels
    # A wide room picks the finest step that fits: ten seconds, ten ticks of a second each.
    assert len(ticks(NOON, NOON + TEN_SECONDS, 100)) == 11
    assert STEPS[0] == 1
    assert ticks(NOON, NOON - timedelta(seconds=1), 10) == []


# -- parse_local_time ----------------------------------------------------------------------------


def test_a_time_in_the_repeated_hour_has_two_candidates() -> None:
    # 01:30 local on the 25th, though still the 24th in UTC: "02:30" means that local day.
    around = utc(2026, 10, 24, 23, 30)
    for text in ("2026-10-25 02:30", "02:30", "02.30", "2026-10-25T02:30:00"):
        first, second = parse_local_time(text, around)
        assert second - first == timedelta(hours=1)
        assert (format_moment(first), format_moment(second)) == (
            "2026-10-25 02:30:00 +02:00",
            "2026-10-25 02:30:00 +01:00",
        )


def test_explicit_offsets_and_plain_times() -> None:
    around = utc(2026, 10, 25, 12)
    assert parse_local_time("02:30 +01:00", around) == [utc(2026, 10, 25, 1, 30)]
    assert parse_local_time("02:30+02", around) == [utc(2026, 10, 25, 0, 30)]
    assert parse_local_time("2026-10-25 01:30:15 Z", around) == [utc(2026, 10, 25, 1, 30, 15)]
    assert parse_local_time("14:30:15", around) == [utc(2026, 10, 25, 13, 30, 15)]
    # ISO 8601 as programs write it: fractions of a second and a T.
    assert parse_local_time("2026-10-25T01:30:15.487319+00:00", around) == [
        utc(2026, 10, 25, 1, 30, 15) + timedelta(microseconds=487319)
    ]
    assert parse_local_time("14:30:15,5", around) == [
        utc(2026, 10, 25, 13, 30, 15) + timedelta(microseconds=500000)
    ]
    assert parse_local_time("2026-07-01", around) == [utc(2026, 6, 30, 22)]
    assert parse_local_time(" 2026-03-29 03:00 ", around) == [SPRING]


def test_a_time_in_the_spring_gap_is_an_error_that_says_why() -> None:
    with pytest.raises(NonexistentTime) as caught:
        parse_local_time("2026-03-29 02:30", utc(2026, 3, 29, 12))
    err = caught.value
    assert isinstance(err, ValueError)
    assert isinstance(err, KnownError)
    assert "2026-03-29 02:30" in str(err)
    assert "02:00" in str(err)
    assert "03:00" in str(err)
    # The same time-of-day is fine on another day.
    assert parse_local_time("02:30", utc(2026, 3, 30, 12)) == [utc(2026, 3, 30, 0, 30)]


@pytest.mark.parametrize(
    "text",
    ["", "garbage", "14", "25:00", "12:60", "2026-02-30 10:00", "10:00 +15:00", "{x} 10:00", "1:2"],
)
def test_what_names_no_time_is_an_error(text: str) -> None:
    with pytest.raises(TimeInputError) as caught:
        parse_local_time(text, NOON)
    assert not isinstance(caught.value, NonexistentTime)
    assert isinstance(caught.value, ValueError)
    # The operator sees what they wrote, braces and all.
    assert text.strip() in str(caught.value)
    assert "14:30" in str(caught.value)
