"""Playback's rules: the shared clock, reasons, the operators' window, the access log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.app import Core
from console.domain import Actor, Role
from console.errors import InvalidInput, PermissionDenied
from console.recording.playback import DEFAULT_REASONS, PlaybackClock
from console.settings import OPERATOR_PLAYBACK_HOURS
from tests.conftest import FakeClock
from tests.core.test_cameras import user
from tests.core.test_recording_archive import camera, entries

CLI = Actor.os_account("root")
T0 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_clock_plays_pauses_seeks_steps_and_changes_speed() -> None:
    ticks = Ticks()
    clock = PlaybackClock(T0, monotonic=ticks)
    assert clock.paused
    ticks.now += 5
    assert clock.position() == T0  # paused until played
    clock.play()
    ticks.now += 2.5
    assert clock.position() == T0 + timedelta(seconds=2.5)
    generation = clock.generation
    clock.play(4.0)
    assert clock.generation == generation + 1
    ticks.now += 1
    assert clock.position() == T0 + timedelta(seconds=6.5)
    clock.pause()
    ticks.now += 10
    assert clock.position() == T0 + timedelta(seconds=6.5)
    generation = clock.generation
    clock.step(1)  # forward is no jump: the feeders hand over the next frame
    assert clock.generation == generation
    clock.step(-3)  # back is: the decoder starts again from a keyframe
    assert clock.generation == generation + 1
    assert clock.position() == T0 + timedelta(seconds=6.5 - 2 / 25)
    clock.seek(T0)
    clock.play(-2.0)
    ticks.now += 1
    assert clock.position() == T0 - timedelta(seconds=2)
    with pytest.raises(ValueError, match="pause"):
        clock.play(0)


def test_reasons_are_configurable_by_administrators(core: Core) -> None:
    assert core.playback.reasons() == list(DEFAULT_REASONS)
    admin = user(core, "adam", Role.ADMINISTRATOR)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        core.playback.set_reasons(supervisor, ["x"])
    with pytest.raises(InvalidInput):
        core.playback.set_reasons(admin, [" ", ""])
    core.playback.set_reasons(admin, ["Skadegörelse", " Polisens begäran "])
    assert core.playback.reasons() == ["Skadegörelse", "Polisens begäran"]


def test_operators_play_back_the_last_hours_only_and_supervisors_any(
    core: Core, clock: FakeClock
) -> None:
    cam = camera(core)
    operator = user(core, "olle", Role.OPERATOR)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    technician = user(core, "tekla", Role.TECHNICIAN)
    now = clock.now()
    core.playback.check(operator, cam, now - timedelta(hours=23))
    with pytest.raises(PermissionDenied, match="last 24 hours"):
        core.playback.check(operator, cam, now - timedelta(hours=25))
    core.playback.check(supervisor, cam, now - timedelta(days=30))
    with pytest.raises(PermissionDenied):
        core.playback.check(technician, cam, now)
    core.settings.set_int(CLI, OPERATOR_PLAYBACK_HOURS, 48)
    core.playback.check(operator, cam, now - timedelta(hours=47))
    assert core.playback.earliest(supervisor) is None


def test_playback_is_logged_with_its_reason_before_and_what_was_shown_after(
    core: Core, clock: FakeClock
) -> None:
    cam = camera(core)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    start = clock.now() - timedelta(hours=2)
    with pytest.raises(InvalidInput, match="why"):
        core.playback.begin(supervisor, cam, start, "   ")
    playing = core.playback.begin(supervisor, cam, start, "Polisens  begäran")
    started = entries(core, "playback.view.start")
    assert started == [
        {
            "actor": "sara",
            "target": f"camera:{cam.id}",
            "name": cam.name,
            "reason": "Polisens begäran",
            "from": "2026-03-28T22:30:00.000000Z",
        }
    ]
    core.playback.end(playing, (start, start + timedelta(seconds=42)))
    ended = entries(core, "playback.view.end")
    assert ended[0]["shown_from"] == "2026-03-28T22:30:00.000000Z"
    assert ended[0]["shown_to"] == "2026-03-28T22:30:42.000000Z"
    assert ended[0]["start_seq"] is not None
