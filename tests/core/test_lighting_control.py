"""A zone's command: override over boost over schedule, each with an expiration."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from console.errors import InvalidInput
from console.lighting.control import (
    RENEW_EVERY,
    SCHEDULE_MARGIN,
    Mode,
    Source,
    ZoneControl,
)
from console.lighting.schedule import Program, Schedule, parse_window

#: 20:00 on a December Monday: night in Linköping, dimmed to 50 % from 01:00.
EVENING = datetime.fromisoformat("2026-12-21T20:00:00+01:00")
ZONE = ZoneControl(Schedule(Program(night_level=60, windows=(parse_window("01:00-05:00 30"),))))


def test_the_schedule_is_sent_to_hold_a_little_past_its_next_change_or_renewal() -> None:
    command = ZONE.command(EVENING)
    assert (command.level, command.mode, command.source) == (60, Mode.MANUAL, Source.SCHEDULE)
    assert command.until == EVENING + RENEW_EVERY + SCHEDULE_MARGIN
    before_dimming = datetime.fromisoformat("2026-12-22T00:30:00+01:00")
    late = ZONE.command(before_dimming)
    assert late.until == datetime.fromisoformat("2026-12-22T01:00:00+01:00") + SCHEDULE_MARGIN
    assert late.duration_s(before_dimming) == 40 * 60


def test_an_alarm_boost_raises_the_level_and_ends_by_itself() -> None:
    boosted = ZONE.with_boost(EVENING, 100, timedelta(minutes=10), alarm_id=7)
    command = boosted.command(EVENING)
    assert (command.level, command.mode, command.source) == (100, Mode.BOOST, Source.BOOST)
    assert command.until == EVENING + timedelta(minutes=10)
    assert command.detail == "alarm 7"
    assert command.duration_s(EVENING) == 600
    after = boosted.command(EVENING + timedelta(minutes=10))
    assert (after.level, after.source) == (60, Source.SCHEDULE)


def test_a_repeated_alarm_extends_the_boost() -> None:
    first = ZONE.with_boost(EVENING, 100, timedelta(minutes=10), alarm_id=7)
    later = EVENING + timedelta(minutes=8)
    again = first.with_boost(later, 80, timedelta(minutes=10), alarm_id=9)
    command = again.command(later)
    assert command.level == 100
    assert command.until == later + timedelta(minutes=10)
    assert command.detail == "alarm 9"
    # Sent again: the controller must learn the later end.
    assert again.due(later, first.command(EVENING), EVENING)


def test_a_boost_below_the_schedule_changes_nothing() -> None:
    boosted = ZONE.with_boost(EVENING, 40, timedelta(minutes=10), alarm_id=3)
    command = boosted.command(EVENING)
    assert (command.level, command.source) == (60, Source.SCHEDULE)
    assert command.until == EVENING + timedelta(minutes=10) + SCHEDULE_MARGIN


def test_an_override_wins_over_a_boost_and_expires() -> None:
    zone = ZONE.with_boost(EVENING, 100, timedelta(minutes=30), alarm_id=7)
    zone = zone.with_override(EVENING, 20, timedelta(minutes=15), "anna", "police on site")
    command = zone.command(EVENING)
    assert (command.level, command.mode, command.source) == (20, Mode.MANUAL, Source.OVERRIDE)
    assert command.detail == "police on site"
    # The override ends first; the boost is still running.
    after = zone.command(EVENING + timedelta(minutes=15))
    assert (after.level, after.source) == (100, Source.BOOST)
    assert zone.back_to_schedule().command(EVENING).source is Source.BOOST


@pytest.mark.parametrize("minutes", [0, -5, 12 * 60 + 1])
def test_an_override_has_a_bounded_length(minutes: int) -> None:
    with pytest.raises(InvalidInput):
        ZONE.with_override(EVENING, 50, timedelta(minutes=minutes), "anna", "")


def test_a_lower_limit_from_the_settings_is_kept() -> None:
    with pytest.raises(InvalidInput, match="60 minutes"):
        ZONE.with_override(EVENING, 50, timedelta(hours=2), "anna", "", limit=timedelta(hours=1))


def test_levels_are_percentages() -> None:
    with pytest.raises(InvalidInput):
        ZONE.with_override(EVENING, 120, timedelta(minutes=5), "anna", "")
    with pytest.raises(InvalidInput):
        ZONE.with_boost(EVENING, -1, timedelta(minutes=5), alarm_id=1)


def test_a_command_is_due_when_it_changes_or_its_hold_runs_out() -> None:
    sent = ZONE.command(EVENING)
    assert ZONE.due(EVENING, None, None)
    assert not ZONE.due(EVENING + timedelta(minutes=5), sent, EVENING)
    # Renewed before the controller would fall back to its own program.
    assert ZONE.due(sent.until - SCHEDULE_MARGIN, sent, EVENING)
    # The dimming window begins: a new level.
    dim = datetime.fromisoformat("2026-12-22T01:00:00+01:00")
    assert ZONE.command(dim).level == 30
    assert ZONE.due(dim, ZONE.command(dim - timedelta(minutes=1)), dim - timedelta(minutes=1))


def test_an_override_made_longer_is_sent_again() -> None:
    short = ZONE.with_override(EVENING, 20, timedelta(minutes=15), "anna", "check")
    longer = ZONE.with_override(EVENING, 20, timedelta(minutes=30), "anna", "check")
    assert longer.due(EVENING, short.command(EVENING), EVENING)
    assert not short.due(EVENING + timedelta(minutes=1), short.command(EVENING), EVENING)
