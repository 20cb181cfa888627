"""The media hub with fake sources and a fake clock: sharing, the GOP cache, grace, the watchdog,
backoff with jitter, and shutting down."""

from __future__ import annotations

import itertools
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from console.errors import N_, KnownError
from console.media.hub import Backoff, MediaHub, Subscription, default_stale_after
from console.media.packets import (
    Consumer,
    Packet,
    Profile,
    Source,
    StreamInfo,
    StreamKey,
    StreamState,
    StreamStatus,
)

KEY = StreamKey(1, Profile.SUB)
OTHER = StreamKey(2, Profile.SUB)
INFO = StreamInfo("h264", 160, 90, Fraction(1, 90000), b"\x01sps", fps=25.0)
#: Real seconds a test waits for a hub thread to act on what it was given (events end it early).
PATIENCE = 3.0


class FakeTime:
    """The hub's clock, moved by the test. `wait` blocks until the event is set or the fake time
    has passed the deadline, so no test waits for real backoff or grace periods."""

    def __init__(self) -> None:
        self._t = 1000.0
        self.wall = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
        self._changed = threading.Condition()

    def monotonic(self) -> float:
        return self._t

    def now(self) -> datetime:
        return self.wall + timedelta(seconds=self._t - 1000.0)

    def advance(self, seconds: float) -> None:
        with self._changed:
            self._t += seconds
            self._changed.notify_all()

    def wait(self, event: threading.Event, seconds: float) -> bool:
        deadline = self._t + seconds
        with self._changed:
            while not event.is_set() and self._t < deadline:
                self._changed.wait(0.01)  # an event's set() notifies nobody: look again soon
        return event.is_set()


class Gone(KnownError):
    """What a fake source raises once closed."""


class FakeSource(Source):
    """A source whose packets and failures the test pushes."""

    def __init__(self, info: StreamInfo = INFO) -> None:
        self._info = info
        self._items: queue.Queue[Packet | KnownError | None] = queue.Queue()
        self.closed = threading.Event()

    def info(self) -> StreamInfo:
        return self._info

    def read(self) -> Packet | None:
        item = self._items.get()
        if self.closed.is_set():
            raise Gone(N_("The stream was closed."))
        if isinstance(item, KnownError):
            raise item
        return item

    def close(self) -> None:
        self.closed.set()
        self._items.put(None)

    def push(self, *items: Packet | KnownError | None) -> None:
        for item in items:
            self._items.put(item)


class FakeCameras:
    """The hub's OpenSource: every open makes a FakeSource, or raises while the key is failing."""

    def __init__(self, clock: FakeTime, info: StreamInfo = INFO) -> None:
        self._clock = clock
        self.info = info
        self.failing: dict[StreamKey, KnownError] = {}
        #: While cleared, an open blocks (a camera slow to answer); `opening` tells it started.
        self.answering = threading.Event()
        self.answering.set()
        self.opening = threading.Event()
        self.opens: list[tuple[StreamKey, float]] = []
        self.sources: dict[StreamKey, list[FakeSource]] = {}
        self._changed = threading.Condition()

    def __call__(self, key: StreamKey) -> Source:
        self.opening.set()
        self.answering.wait(PATIENCE)
        with self._changed:
            self.opens.append((key, self._clock.monotonic()))
            self._changed.notify_all()
            failure = self.failing.get(key)
            if failure is not None:
                raise failure
            source = FakeSource(self.info)
            self.sources.setdefault(key, []).append(source)
            self._changed.notify_all()
            return source

    def count(self, key: StreamKey = KEY) -> int:
        with self._changed:
            return sum(1 for k, _ in self.opens if k == key)

    def wait_opens(self, count: int, key: StreamKey = KEY) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._opens_of(key) >= count, PATIENCE)

    def wait_total(self, count: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.opens) >= count, PATIENCE)

    def _opens_of(self, key: StreamKey) -> int:
        return sum(1 for k, _ in self.opens if k == key)

    def source(self, key: StreamKey = KEY, index: int = -1) -> FakeSource:
        with self._changed:
            assert self._changed.wait_for(lambda: self.sources.get(key), PATIENCE)
            return self.sources[key][index]


class Viewer(Consumer):
    """Notes everything it gets, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.subscription: Subscription | None = None
        self._changed = threading.Condition()

    def on_info(self, info: StreamInfo) -> None:
        self._note("info", info)

    def on_packet(self, packet: Packet) -> None:
        self._note("packet", packet)

    def on_status(self, status: StreamStatus) -> None:
        self._note("status", status)

    def _note(self, kind: str, value: object) -> None:
        with self._changed:
            self.events.append((kind, value))
            self._changed.notify_all()

    @property
    def packets(self) -> list[Packet]:
        with self._changed:
            return [v for k, v in self.events if k == "packet" and isinstance(v, Packet)]

    @property
    def statuses(self) -> list[StreamStatus]:
        with self._changed:
            return [v for k, v in self.events if k == "status" and isinstance(v, StreamStatus)]

    @property
    def state(self) -> StreamState | None:
        statuses = self.statuses
        return statuses[-1].state if statuses else None

    def wait_for(self, condition: Callable[[Viewer], bool]) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: condition(self), PATIENCE)

    def wait_packets(self, count: int) -> bool:
        return self.wait_for(lambda v: len(v.packets) >= count)

    def wait_state(self, state: StreamState) -> bool:
        return self.wait_for(lambda v: v.state is state)


def packet(n: int, keyframe: bool = False) -> Packet:
    return Packet(
        data=bytes([n % 256]) * 100,
        pts=n * 3600,
        dts=n * 3600,
        keyframe=keyframe,
        time_base=Fraction(1, 90000),
        duration=3600,
    )


def numbers(packets: list[Packet]) -> list[int]:
    return [p.data[0] for p in packets]


class MaxRandom(random.Random):
    """Jitter that always draws the top of the range: a deterministic backoff sequence."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def cameras(fake_time: FakeTime) -> FakeCameras:
    return FakeCameras(fake_time)


def make_hub(
    cameras: FakeCameras, fake_time: FakeTime, rng: random.Random | None = None, **options: object
) -> MediaHub:
    return MediaHub(
        cameras,
        monotonic=fake_time.monotonic,
        now=fake_time.now,
        rng=rng or random.Random(6),
        wait=fake_time.wait,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def hub(cameras: FakeCameras, fake_time: FakeTime) -> Iterator[MediaHub]:
    media = make_hub(cameras, fake_time)
    yield media
    media.close()


def live(hub: MediaHub, cameras: FakeCameras, key: StreamKey = KEY) -> tuple[Viewer, FakeSource]:
    """A viewer of a stream that has sent its first keyframe."""
    viewer = Viewer()
    viewer.subscription = hub.subscribe(key, viewer)
    source = cameras.source(key)
    source.push(packet(0, keyframe=True))
    assert viewer.wait_state(StreamState.LIVE)
    return viewer, source


# -- sharing and the GOP cache ---------------------------------------------------------------------


def test_subscribers_of_a_stream_share_one_source(hub: MediaHub, cameras: FakeCameras) -> None:
    first, second = Viewer(), Viewer()
    hub.subscribe(KEY, first)
    hub.subscribe(KEY, second)
    source = cameras.source()
    source.push(packet(0, keyframe=True), packet(1), packet(2))
    assert first.wait_packets(3)
    assert second.wait_packets(3)
    assert numbers(first.packets) == numbers(second.packets) == [0, 1, 2]
    assert cameras.count(KEY) == 1
    assert hub.open_streams() == {KEY}
    # Another stream is another source.
    hub.subscribe(OTHER, Viewer())
    assert cameras.wait_opens(1, OTHER)
    assert hub.open_streams() == {KEY, OTHER}


def test_a_new_subscriber_gets_status_info_and_the_cached_gop_at_once(
    hub: MediaHub, cameras: FakeCameras
) -> None:
    first, source = live(hub, cameras)
    source.push(packet(1), packet(2), packet(3, keyframe=True), packet(4))
    assert first.wait_packets(5)

    late = Viewer()
    hub.subscribe(KEY, late)
    # Before subscribe returned, on the subscribing thread: nothing to wait for.
    kinds = [kind for kind, _ in late.events]
    assert kinds == ["status", "info", "packet", "packet"]
    assert late.state is StreamState.LIVE
    assert late.events[1][1] == INFO
    assert numbers(late.packets) == [3, 4]
    assert late.packets[0].keyframe, "a late subscriber starts at a keyframe"

    source.push(packet(5))
    assert late.wait_packets(3)
    assert numbers(late.packets) == [3, 4, 5], "then live packets, none twice, none lost"
    assert cameras.count() == 1


def test_nothing_is_cached_before_the_first_keyframe(hub: MediaHub, cameras: FakeCameras) -> None:
    first = Viewer()
    hub.subscribe(KEY, first)
    source = cameras.source()
    source.push(packet(1), packet(2))
    assert first.wait_packets(2), "delivered live all the same"
    late = Viewer()
    hub.subscribe(KEY, late)
    assert late.packets == []
    source.push(packet(3, keyframe=True))
    assert late.wait_packets(1)
    assert late.packets[0].keyframe


def test_a_gop_too_large_to_cache_is_dropped_until_the_next_keyframe(
    cameras: FakeCameras, fake_time: FakeTime
) -> None:
    with make_hub(cameras, fake_time, gop_limit_bytes=250) as hub:
        first, source = live(hub, cameras)
        source.push(packet(1), packet(2))  # 300 bytes since the keyframe
        assert first.wait_packets(3)
        late = Viewer()
        hub.subscribe(KEY, late)
        assert late.packets == []
        source.push(packet(3, keyframe=True))
        assert late.wait_packets(1)


# -- grace --------------------------------------------------------------------------------------


def test_the_source_closes_after_the_grace_period(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    viewer = Viewer()
    subscription = hub.subscribe(KEY, viewer)
    source = cameras.source()
    subscription.close()
    subscription.close()  # idempotent
    fake_time.advance(4.9)
    hub.check()
    assert hub.open_streams() == {KEY}
    assert not source.closed.is_set()
    fake_time.advance(0.1)
    hub.check()
    assert hub.open_streams() == set()
    assert hub.status(KEY) is None
    assert source.closed.wait(PATIENCE)


def test_subscribing_again_within_the_grace_period_keeps_the_session(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    viewer, source = live(hub, cameras)
    source.push(packet(1))
    assert viewer.wait_packets(2)
    assert viewer.subscription is not None
    viewer.subscription.close()
    fake_time.advance(4.0)
    hub.check()
    back = Viewer()
    hub.subscribe(KEY, back)
    assert numbers(back.packets) == [0, 1], "the cache survived"
    fake_time.advance(5.0)
    hub.check()
    assert hub.open_streams() == {KEY}
    assert not source.closed.is_set()
    assert cameras.count() == 1


def test_subscribing_after_the_grace_period_opens_a_new_session(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    subscription = hub.subscribe(KEY, Viewer())
    old = cameras.source()
    subscription.close()
    fake_time.advance(5.0)
    hub.check()
    assert old.closed.wait(PATIENCE)
    viewer = Viewer()
    hub.subscribe(KEY, viewer)
    assert cameras.wait_opens(2)
    assert cameras.source() is not old
    assert viewer.statuses[0].state is StreamState.CONNECTING


# -- the watchdog -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fps", "stale_s"),
    [(25.0, 2.0), (1.0, 3.0), (None, 2.0), (0.5, 6.0)],
    ids=["25fps-2s", "1fps-3-frames", "unknown-2s", "half-fps-3-frames"],
)
def test_a_stream_without_packets_turns_stale_and_live_again(
    cameras: FakeCameras, fake_time: FakeTime, fps: float | None, stale_s: float
) -> None:
    info = StreamInfo("h264", 160, 90, Fraction(1, 90000), fps=fps)
    cameras.info = info
    assert default_stale_after(info) == stale_s
    with make_hub(cameras, fake_time) as hub:
        viewer, source = live(hub, cameras)
        frozen_at = fake_time.now()
        fake_time.advance(stale_s - 0.05)
        hub.check()
        assert hub.status(KEY) is not None
        assert hub.status(KEY).state is StreamState.LIVE  # type: ignore[union-attr]
        fake_time.advance(0.05)
        hub.check()
        assert viewer.state is StreamState.STALE
        stale = viewer.statuses[-1]
        assert stale.since == frozen_at, "STALE since the picture froze"
        assert stale.reason == "The camera sends no video."
        assert hub.status(KEY) == stale
        fake_time.advance(10)
        hub.check()
        assert viewer.statuses.count(stale) == 1, "said once"
        source.push(packet(1))
        assert viewer.wait_state(StreamState.LIVE)
        assert viewer.statuses[-1].since == fake_time.now()


def test_the_watchdog_goes_by_when_the_data_arrived_as_the_source_says(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    viewer, source = live(hub, cameras)
    fake_time.advance(1.0)
    # A frame a parser held back, handed out a second after its data came.
    held = Packet(
        b"\x01", 3600, 3600, False, Fraction(1, 90000), received=fake_time.monotonic() - 1
    )
    source.push(held)
    assert viewer.wait_packets(2)
    fake_time.advance(1.0)
    hub.check()
    assert viewer.state is StreamState.STALE, "2 s after the data, not after the hand-out"
    fake_time.advance(1.0)
    source.push(Packet(b"\x02", 7200, 7200, False, Fraction(1, 90000), received=1.0))
    assert viewer.wait_packets(3)
    assert viewer.state is StreamState.STALE, "an old packet is no sign of life"
    source.push(packet(3))  # received unknown (0): now
    assert viewer.wait_state(StreamState.LIVE)


def test_the_housekeeper_notices_a_stale_stream_on_its_own(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    viewer, _ = live(hub, cameras)
    fake_time.advance(2.0)
    assert viewer.wait_state(StreamState.STALE)


def test_a_session_that_opens_but_sends_nothing_turns_stale(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    viewer = Viewer()
    hub.subscribe(KEY, viewer)
    cameras.source()
    assert viewer.wait_for(lambda v: any(k == "info" for k, _ in v.events))
    fake_time.advance(2.0)
    hub.check()
    assert viewer.state is StreamState.STALE


def test_a_stream_still_connecting_is_not_stale(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    cameras.answering.clear()
    viewer = Viewer()
    hub.subscribe(KEY, viewer)
    assert cameras.opening.wait(PATIENCE)
    fake_time.advance(5)
    hub.check()
    assert viewer.state is StreamState.CONNECTING
    cameras.answering.set()


# -- failures and backoff -----------------------------------------------------------------------


class CameraDown(KnownError):
    pass


DOWN = N_("The camera does not answer.")


def test_a_failing_read_goes_offline_and_reconnects_after_the_backoff(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    viewer, source = live(hub, cameras)
    source.push(CameraDown(DOWN))
    assert viewer.wait_state(StreamState.OFFLINE)
    offline = viewer.statuses[-1]
    assert offline.reason == "The camera does not answer."
    assert offline.since == fake_time.now()
    assert offline.retry_in_s is not None
    assert 1.0 <= offline.retry_in_s <= 3.0
    assert source.closed.is_set()
    # Nothing of the dead session is handed to a new viewer.
    late = Viewer()
    hub.subscribe(KEY, late)
    assert late.packets == []
    assert late.state is StreamState.OFFLINE

    fake_time.advance(offline.retry_in_s - 0.01)
    time.sleep(0.05)  # time for a wrong early retry to show
    assert cameras.count() == 1
    fake_time.advance(0.02)
    assert cameras.wait_opens(2)
    again = cameras.source()
    assert again is not source
    assert viewer.state is StreamState.OFFLINE, "no CONNECTING flicker while retrying"
    again.push(packet(7, keyframe=True))
    assert viewer.wait_state(StreamState.LIVE)
    assert late.wait_packets(1)
    assert [k for k, _ in viewer.events].count("info") == 2, "info again for the new session"


def test_a_failing_open_goes_offline_with_its_reason(
    hub: MediaHub, cameras: FakeCameras, fake_time: FakeTime
) -> None:
    cameras.failing[KEY] = CameraDown(N_("The camera refused the user name or password."))
    viewer = Viewer()
    hub.subscribe(KEY, viewer)
    assert viewer.wait_state(StreamState.OFFLINE)
    assert viewer.statuses[-1].reason == "The camera refused the user name or password."
    del cameras.failing[KEY]
    fake_time.advance(3.0)
    cameras.source().push(packet(0, keyframe=True))
    assert viewer.wait_state(StreamState.LIVE)
    # CONNECTING comes first unless the open failed before subscribe() returned.
    states = [s.state for s in viewer.statuses if s.state is not StreamState.CONNECTING]
    assert states == [StreamState.OFFLINE, StreamState.LIVE]


def test_the_end_of_a_stream_is_a_failure(hub: MediaHub, cameras: FakeCameras) -> None:
    viewer, source = live(hub, cameras)
    source.push(None)
    assert viewer.wait_state(StreamState.OFFLINE)
    assert viewer.statuses[-1].reason == "The camera ended the video stream."


def test_the_backoff_grows_from_one_to_thirty_seconds_with_jitter() -> None:
    backoff = Backoff(1.0, 30.0, random.Random(1))
    delays = [backoff.next() for _ in range(2000)]
    assert all(1.0 <= d <= 30.0 for d in delays)
    assert all(b <= 3 * a for a, b in itertools.pairwise(delays))
    below_cap = [d for d in delays if d < 30.0]
    assert len(set(below_cap)) == len(below_cap) > 500, "jittered"
    assert max(delays) == 30.0, "capped"

    top = Backoff(1.0, 30.0, MaxRandom())
    assert [top.next() for _ in range(6)] == [3.0, 9.0, 27.0, 30.0, 30.0, 30.0]
    top.reset()
    assert top.next() == 3.0
    with pytest.raises(ValueError, match="base"):
        Backoff(0.0, 30.0, random.Random())
    with pytest.raises(ValueError, match="base"):
        MediaHub(FakeCameras(FakeTime()), backoff=(5.0, 1.0))


def test_retries_back_off_and_start_over_after_a_stream_was_live_for_a_while(
    cameras: FakeCameras, fake_time: FakeTime
) -> None:
    with make_hub(cameras, fake_time, rng=MaxRandom()) as hub:
        viewer = Viewer()
        hub.subscribe(KEY, viewer)

        def fail_and_get_delay(opens: int) -> float:
            cameras.source().push(CameraDown(DOWN))
            assert viewer.wait_for(
                lambda v: sum(s.state is StreamState.OFFLINE for s in v.statuses) == opens
            )
            delay = viewer.statuses[-1].retry_in_s
            assert delay is not None
            fake_time.advance(delay)
            assert cameras.wait_opens(opens + 1)
            return delay

        # Flapping: the session opens and fails at once, again and again.
        assert [fail_and_get_delay(n) for n in (1, 2, 3, 4)] == [3.0, 9.0, 27.0, 30.0]
        # Live for 10 s, then a failure: the backoff starts over.
        source = cameras.source()
        source.push(packet(0, keyframe=True))
        assert viewer.wait_state(StreamState.LIVE)
        fake_time.advance(10.0)
        assert fail_and_get_delay(5) == 3.0


def test_sixty_four_cameras_failing_together_do_not_reconnect_together(
    cameras: FakeCameras, fake_time: FakeTime
) -> None:
    keys = [StreamKey(n, Profile.SUB) for n in range(64)]
    for key in keys:
        cameras.failing[key] = CameraDown(DOWN)
    with make_hub(cameras, fake_time, rng=random.Random(2026)) as hub:
        viewers = [Viewer() for _ in keys]
        for key, viewer in zip(keys, viewers, strict=True):
            hub.subscribe(key, viewer)
        for viewer in viewers:
            assert viewer.wait_state(StreamState.OFFLINE)
        delays = sorted(v.statuses[-1].retry_in_s or 0.0 for v in viewers)
        assert delays[0] >= 1.0
        assert delays[-1] <= 3.0
        assert delays[-1] - delays[0] > 1.5, "spread over the whole first window"
        crowd = Counter(int(d * 10) for d in delays)  # per 100 ms
        assert max(crowd.values()) <= 8, crowd

        # The reconnects themselves (the cameras are back), in 100 ms steps of the fake clock.
        cameras.failing.clear()
        per_step = []
        for step in range(1, 32):
            before = len(cameras.opens)
            fake_time.advance(0.1)
            due = sum(1 for d in delays if (step - 1) / 10 < d <= step / 10 - 1e-6)
            cameras.wait_total(before + due)
            per_step.append(len(cameras.opens) - before)
        assert cameras.wait_total(128), "every camera retried"
        assert max(per_step) <= 8, per_step


# -- consumers ----------------------------------------------------------------------------------


def test_a_consumer_that_raises_is_detached_and_reported_and_the_others_go_on(
    hub: MediaHub, cameras: FakeCameras, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", reported.append)

    class Broken(Viewer):
        def on_packet(self, packet: Packet) -> None:
            raise ZeroDivisionError("a bug in a viewer")

    broken = Broken()
    subscription = hub.subscribe(KEY, broken)
    good = Viewer()
    hub.subscribe(KEY, good)
    cameras.source().push(packet(0, keyframe=True), packet(1), packet(2))
    assert good.wait_packets(3)
    assert [type(r.exc_value) for r in reported] == [ZeroDivisionError]
    assert subscription.closed
    assert broken.state is StreamState.LIVE, "it got the status before its first packet"


def test_a_consumer_may_close_its_subscription_from_a_callback(
    hub: MediaHub, cameras: FakeCameras
) -> None:
    class Once(Viewer):
        subscription = None

        def on_packet(self, packet: Packet) -> None:
            super().on_packet(packet)
            if self.subscription is not None:
                self.subscription.close()

    once = Once()
    once.subscription = hub.subscribe(KEY, once)
    other = Viewer()
    hub.subscribe(KEY, other)
    cameras.source().push(packet(0, keyframe=True), packet(1), packet(2))
    assert other.wait_packets(3)
    assert numbers(once.packets) == [0]


def test_status_is_none_for_a_stream_nobody_opened(hub: MediaHub) -> None:
    assert hub.status(KEY) is None
    assert hub.open_streams() == set()


# -- closing ------------------------------------------------------------------------------------


def test_close_stops_every_stream_and_joins_every_thread(
    cameras: FakeCameras, fake_time: FakeTime
) -> None:
    before = set(threading.enumerate())
    hub = make_hub(cameras, fake_time)
    live(hub, cameras, KEY)  # blocked in read
    cameras.failing[OTHER] = CameraDown(DOWN)
    waiting = Viewer()
    hub.subscribe(OTHER, waiting)  # waiting out its backoff
    assert waiting.wait_state(StreamState.OFFLINE)
    idle = hub.subscribe(StreamKey(3), Viewer())  # in its grace period
    idle.close()
    assert {t.name for t in set(threading.enumerate()) - before} == {
        "media-hub",
        "media-1-sub",
        "media-2-sub",
        "media-3-sub",
    }

    hub.close()
    assert set(threading.enumerate()) <= before
    assert all(s.closed.is_set() for sources in cameras.sources.values() for s in sources)
    assert hub.open_streams() == set()
    hub.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        hub.subscribe(KEY, Viewer())
