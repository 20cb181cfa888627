"""The overload governor with fake streams and a fake clock: how many degrade, which first, the
wait before the next step, restoring one at a time, and no oscillation at the limit."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.overload import OverloadGovernor


class Stream:
    """A live stream whose libvlc counters the test sets (per second at 25 fps)."""

    def __init__(self, name: str, *, main: bool = False) -> None:
        self.name = name
        self.main_stream = main
        self.closed = False
        self.degraded = False
        self.lost = 0
        self.decoded = 0
        self.loss_per_s = 0

    def stats(self) -> dict[str, int]:
        return {"lost": self.lost, "decoded": self.decoded}

    def second(self) -> None:
        """One second of playing: 25 pictures, `loss_per_s` of them lost unless degraded."""
        lost = 0 if self.degraded else self.loss_per_s
        self.lost += lost
        self.decoded += 25 - lost

    def degrade(self) -> bool:
        if self.degraded:
            return False
        self.degraded = True
        return True

    def restore(self) -> None:
        self.degraded = False

    def __repr__(self) -> str:
        return self.name


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(governor: OverloadGovernor, streams: list[Stream], clock: Clock, seconds: int) -> None:
    for _ in range(seconds):
        for stream in streams:
            stream.second()
        clock.now += 1
        governor.tick()


def test_an_overloaded_grid_degrades_enough_small_tiles_at_once(qtbot: QtBot) -> None:
    clock = Clock()
    governor = OverloadGovernor(monotonic=clock, quiet_s=60)
    big = Stream("big", main=True)
    small = [Stream(f"s{i}") for i in range(19)]
    streams = [big, *small]
    for stream in streams:
        governor.add(stream)
    run(governor, streams, clock, 3)
    assert not any(s.degraded for s in streams)
    # Every stream loses 8 of 25 pictures (32 %): about a third must go to keyframes only.
    for stream in streams:
        stream.loss_per_s = 8
    run(governor, streams, clock, 2)
    degraded = [s for s in streams if s.degraded]
    assert len(degraded) == round(0.32 * 20)
    assert not big.degraded  # the big tile keeps its picture
    # The rest still lose: the next step waits 3 s after the first (its effect shows first).
    run(governor, streams, clock, 1)
    assert len([s for s in streams if s.degraded]) == len(degraded)
    run(governor, streams, clock, 2)
    assert len([s for s in streams if s.degraded]) > len(degraded)
    governor.timer.stop()


def test_streams_come_back_one_at_a_time_and_a_failed_return_waits_longer(
    qtbot: QtBot,
) -> None:
    clock = Clock()
    governor = OverloadGovernor(monotonic=clock, quiet_s=10, probation_s=5)
    streams = [Stream(f"s{i}") for i in range(4)]
    for stream in streams:
        governor.add(stream)
    streams[0].loss_per_s = streams[1].loss_per_s = 10
    run(governor, streams, clock, 6)  # one (20 % of all pictures lost), then after 3 s the other
    assert [s.degraded for s in streams] == [True, True, False, False]
    for stream in streams:
        stream.loss_per_s = 0
    calm = clock.now
    counts = []
    while sum(s.degraded for s in streams) == 2:
        run(governor, streams, clock, 1)
        counts.append(sum(s.degraded for s in streams))
    # One back (not both), 10 s after the last loss the governor saw (the second degrade, a
    # second before the losses stopped here).
    assert counts[-1] == 1
    assert clock.now - calm >= 9
    # That was one too many: it loses again at once, goes back to keyframes, and the next
    # return waits twice as long.
    back = next(s for s in streams[:2] if not s.degraded)
    back.loss_per_s = 10
    run(governor, streams, clock, 4)
    assert back.degraded
    assert governor.quiet_s == 20
    governor.timer.stop()


def test_a_player_that_stops_reading_is_degraded_at_once(qtbot: QtBot) -> None:
    clock = Clock()
    governor = OverloadGovernor(monotonic=clock)
    stream = Stream("s")
    governor.add(stream)
    governor.behind(stream)
    assert stream.degraded
    stream.closed = True
    governor.tick()
    assert not governor.timer.isActive()  # no streams left: no timer
