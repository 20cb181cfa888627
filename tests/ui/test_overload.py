"""The overload governor with fake streams and a fake clock: how many degrade, which first, the
wait before the next step, restoring one at a time, no oscillation at the limit, and streams
past the budget starting in keyframes only."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from pytestqt.qtbot import QtBot

from console.media.packets import Packet, StreamInfo
from console.ports import Player
from ui.overload import OverloadGovernor, stream_cost
from ui.wiring.video import HubStream, _GuiCalls

#: 1080p30, as the main streams of the measurement the budget comes from
MAIN = StreamInfo("h264", 1920, 1080, Fraction(1, 90_000), fps=30.0)


class Stream:
    """A live stream whose libvlc counters the test sets (per second at 25 fps)."""

    def __init__(self, name: str, *, main: bool = False, cost: float = 0.02) -> None:
        self.name = name
        self.main_stream = main
        self.cost = cost
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


def test_the_budget_follows_what_the_workstation_shows(qtbot: QtBot) -> None:
    clock = Clock()
    governor = OverloadGovernor(monotonic=clock, quiet_s=20, budget=1.0)
    streams = [Stream(f"m{i}", main=True, cost=0.1) for i in range(10)]
    for stream in streams:
        assert governor.admit(stream)  # 10 × 0.1 fits 1.0
        governor.add(stream)
    assert not governor.admit(Stream("one more", cost=0.1))
    run(governor, streams, clock, 3)
    # The workstation carries less than thought: two lose a third of their pictures.
    for stream in streams[:2]:
        stream.loss_per_s = 8
    run(governor, streams, clock, 2)
    assert sum(s.degraded for s in streams) == 1
    assert abs(governor.budget - 0.9) < 1e-9  # what still runs at full rate
    # While streams lose pictures no new sub stream starts in full, whatever the budget says...
    assert not governor.admit(Stream("small", cost=0.0))
    # ...but a big tile's main stream (a maximized camera) does, within the budget: the sub
    # streams are degraded first if the losses go on.
    assert governor.admit(Stream("maximized", main=True, cost=0.0))
    assert not governor.admit(Stream("maximized", main=True, cost=0.01))
    for stream in streams:
        stream.loss_per_s = 0
    run(governor, streams, clock, 5)
    assert governor.admit(Stream("small", cost=0.0))
    assert not governor.admit(Stream("small", cost=0.01))
    # A restore that holds through its probation raises the budget again.
    run(governor, streams, clock, 30)
    assert not any(s.degraded for s in streams)
    assert abs(governor.budget - 1.0) < 1e-9


class FakePlayer(Player):
    """A LiveView stand-in that remembers whether it started in keyframes only."""

    def __init__(self) -> None:
        self.keyframes_only = False
        self.on_behind: Callable[[], None] | None = None
        self.started_keyframes_only: list[bool] = []

    def attach(self, window_id: int) -> None:
        pass

    def start(self, info: StreamInfo) -> None:
        self.started_keyframes_only.append(self.keyframes_only)

    def feed(self, packet: Packet) -> None:
        pass

    def detach(self) -> None:
        pass

    def stats(self) -> dict[str, int]:
        return {"lost": 0, "decoded": 0}

    def release(self) -> None:
        pass


def test_main_streams_past_the_budget_start_in_keyframes_only(qtbot: QtBot) -> None:
    """28 main streams opened at once on a workstation that carries 16: the first 16 start
    in full, the other 12 in keyframes only from their first picture (no freeze while the
    governor would step down), and the tiles say so."""
    per_stream = stream_cost(MAIN.width, MAIN.height, MAIN.fps)
    assert 0.08 < per_stream < 0.1  # the measured ~9 % of a core
    governor = OverloadGovernor(budget=16.5 * per_stream)
    gui = _GuiCalls()
    told: list[int] = []
    players = [FakePlayer() for _ in range(28)]
    streams = [
        HubStream(p, gui, lambda _status: None, governor=governor, main_stream=True)
        for p in players
    ]
    try:
        for i, stream in enumerate(streams):
            stream._tell_tile = lambda i=i: told.append(i)  # type: ignore[method-assign]
            stream.on_info(MAIN)  # the GUI thread: a stream the hub had open
        assert [p.started_keyframes_only for p in players] == [[False]] * 16 + [[True]] * 12
        assert [s.degraded for s in streams] == [False] * 16 + [True] * 12
        assert told == list(range(16, 28))
        # Closing full-rate tiles makes room: the next stream starts in full.
        for stream in streams[:2]:
            stream.close()
        extra = FakePlayer()
        HubStream(extra, gui, lambda _status: None, governor=governor).on_info(MAIN)
        assert extra.started_keyframes_only == [False]
    finally:
        for stream in streams:
            stream.close()


def test_a_losing_big_tile_keeps_its_picture_while_small_tiles_can_give_way(
    qtbot: QtBot,
) -> None:
    """The big tile's main stream often shows the overload first (the dearest decode); the
    small tiles at full rate go to keyframes only before it does."""
    clock = Clock()
    governor = OverloadGovernor(monotonic=clock, quiet_s=60)
    big = Stream("big", main=True, cost=0.09)
    small = [Stream(f"s{i}") for i in range(3)]
    streams = [big, *small]
    for stream in streams:
        governor.add(stream)
    big.loss_per_s = 10
    run(governor, streams, clock, 3)
    assert not big.degraded
    assert sum(s.degraded for s in small) == 1
    # Still losing: the next steps take the other small tiles, the big one only after them.
    run(governor, streams, clock, 6)
    assert not big.degraded
    assert all(s.degraded for s in small)
    run(governor, streams, clock, 3)
    assert big.degraded
    governor.timer.stop()


def test_a_maximized_camera_starts_in_full_after_small_tiles_lost_pictures_at_start(
    qtbot: QtBot,
) -> None:
    """A busy moment at start-up (two small tiles losing pictures) degrades one and brings the
    budget down to what the other small tiles cost; the camera the operator then maximizes
    still starts in full: it is weighed against the other main streams only."""
    clock = Clock()
    governor = OverloadGovernor(monotonic=clock, quiet_s=60)
    small = [Stream(f"s{i}", cost=0.022) for i in range(4)]
    for stream in small:
        governor.add(stream)
    small[0].loss_per_s = small[1].loss_per_s = 8
    run(governor, small, clock, 3)
    assert sum(s.degraded for s in small) == 1
    assert governor.budget < 0.09
    big = Stream("maximized", main=True, cost=0.09)
    assert governor.admit(big)
    governor.add(big)
    # A second main stream past the budget is still refused.
    assert not governor.admit(Stream("another", main=True, cost=0.09))
    governor.timer.stop()


def test_a_stalled_stream_is_passed_over_and_the_next_one_gives_way(qtbot: QtBot) -> None:
    """A stream whose packets stopped decodes nothing: degrading it would free nothing and
    restart its player to a black picture until the stream returns. It refuses, and the next
    candidate goes instead, so the step still frees what it should."""
    clock = Clock()
    governor = OverloadGovernor(monotonic=clock, quiet_s=60)
    big = Stream("big", main=True, cost=0.09)
    stalled, other = Stream("stalled"), Stream("other")
    stalled.degrade = lambda: False  # type: ignore[method-assign]
    streams = [big, stalled, other]
    for stream in streams:
        governor.add(stream)
    big.loss_per_s = 10
    run(governor, streams, clock, 3)
    assert other.degraded
    assert not stalled.degraded
    assert not big.degraded
    governor.timer.stop()


def test_a_hub_stream_without_packets_is_neither_degraded_nor_restored(qtbot: QtBot) -> None:
    """From its first second without a packet (before the hub calls it STALE after 2 s) a
    stream keeps its player as it is: its last picture stays on the tile."""
    clock = Clock()
    player = FakePlayer()
    # The tile is told before each restart of the player, while it still shows its picture.
    told: list[bool] = []
    stream = HubStream(
        player,
        _GuiCalls(),
        lambda _status: None,
        monotonic=clock,
        on_restart=lambda: told.append(player.keyframes_only),
    )
    stream.on_info(MAIN)
    packet = Packet(b"\x00\x00\x00\x01\x65", 0, 0, True, Fraction(1, 90_000))
    assert not stream.degrade(), "no packet yet: nothing to free"
    stream.on_packet(packet)
    clock.now += 0.5
    assert stream.degrade()
    assert player.keyframes_only
    clock.now += 1.0  # stalled
    stream.restore()
    assert stream.degraded, "a stalled stream is not restarted"
    assert player.keyframes_only
    stream.on_packet(packet)  # flowing again
    stream.restore()
    assert not stream.degraded
    assert not player.keyframes_only
    clock.now += 1.0
    assert not stream.degrade(), "stalled: its player keeps the last picture"
    assert not player.keyframes_only
    assert told == [False, True]
    stream.close()
