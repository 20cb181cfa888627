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


def test_the_clock_says_when_a_recorded_moment_is_due() -> None:
    """One clock for the layout's players: a moment's due time is the same whoever asks, and
    follows the speed; paused, nothing is due."""
    ticks = Ticks()
    clock = PlaybackClock(T0, monotonic=ticks)
    assert clock.epoch == 100.0
    assert clock.due(T0 + timedelta(seconds=1)) is None
    ticks.now = 110.0
    clock.play(2.0)
    assert clock.due(T0 + timedelta(seconds=1)) == 110.5
    ticks.now = 111.0  # whenever a feeder asks, the answer stays
    assert clock.due(T0 + timedelta(seconds=1)) == 110.5
    clock.pause()
    clock.play(1.0)  # resumed at 111.0 from T0 + 2 s
    assert clock.due(T0 + timedelta(seconds=3)) == 112.0
    clock.seek(T0)
    clock.play(-1.0)
    assert clock.due(T0 - timedelta(seconds=4)) == 115.0


def test_after_a_pause_a_recording_goes_on_without_waiting_for_a_keyframe() -> None:
    """A live camera silent for more than 2 s lost frames: its next P-frame cannot be decoded
    and the timeline waits for a keyframe. Recorded video paused by the operator lost none: with
    `pauses` the next P-frame continues the timeline at once, where the wall clock says."""
    from fractions import Fraction

    from console.media.packets import Packet
    from console.media.timeline import Timeline

    ms = Fraction(1, 1000)

    def run(timeline: Timeline, pause_s: float, jump_s: float) -> tuple[int, int] | None:
        for i in range(25):
            stamps = timeline.stamps(Packet(b"x", i * 40, i * 40, i == 0, ms), 10 + i * 0.04)
            assert stamps is not None
            timeline.commit(stamps[0], 10 + i * 0.04)
        # The next P-frame after a pause of `pause_s`, its timestamp `jump_s` later.
        dts = round(24 * 40 + jump_s * 1000)
        return timeline.stamps(Packet(b"x", dts, dts, False, ms), 10 + 0.96 + pause_s)

    assert run(Timeline(1000, 25.0), 5.0, 5.0) is None  # live: lost frames, wait
    assert run(Timeline(1000, 25.0, pauses=True), 5.0, 5.0) == (5960, 5960)
    assert run(Timeline(1000, 25.0, pauses=True), 1.0, 1.0) == (1960, 1960)
    # A jump the wall clock does not agree with is a discontinuity, paused or not.
    assert run(Timeline(1000, 25.0, pauses=True), 5.0, 60.0) is None
