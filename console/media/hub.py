"""The media hub: one ingest session per camera stream, shared by every consumer of it.

A camera allows few RTSP sessions, and a VMS opens each stream once: the first `subscribe` to a
stream opens its Source, every later subscriber shares it, and the Source is closed `grace_s`
after the last one left (a viewer flicking between layouts does not reconnect).

Threads (console.workers.Worker, all daemons, all joined by `close`):

- one reader per open stream ("media-<camera>-<profile>"): opens the Source, reads packets and
  hands each to every subscriber in turn; after a failure it waits out the backoff and reopens;
- one housekeeper ("media-hub"): the watchdog (STALE) and the grace timers, every `tick_s`.

Consumers are called on those threads, in order, under the stream's lock, and must return at
once: a consumer that blocks holds up every other consumer of that stream (the recorder too).
The hub has no queue of its own: a queue that drops packets breaks H.264 until the next keyframe,
so what to do when a consumer falls behind is the consumer's choice (a viewer skips to the next
keyframe, the recorder must not skip at all). The hub logs a consumer that takes longer than
`SLOW_CONSUMER_S` once. A consumer that raises is detached from the stream and its exception is
reported as a bug (threading.excepthook), so one broken viewer cannot stop the recorder.

A new subscriber gets, on its own thread and before `subscribe` returns, the stream's status, its
StreamInfo when known and the cached latest GOP (from the last keyframe on), so it can start
decoding at once; then live packets from the reader thread. `on_info` comes again after every
reconnect (timestamps start over with a new session).

States: CONNECTING until the first packet; LIVE while packets come; STALE when none came for
`stale_after(info)` (default: max(3 frame intervals, 2 s)), with `since` the moment the last one
came; OFFLINE after a failure, with the error's message as the reason and `retry_in_s` counted
from the status's `since`. The attempts while OFFLINE do not show as CONNECTING, so a tile keeps
the reason until the stream is back. The watchdog goes by `Packet.received` (when the packet's
data arrived, on the hub's monotonic clock) where a source gives it: a frame handed out late is
no sign of life.

Time is injected (`monotonic`, `now`, and `wait`, which every timed wait of the hub goes
through), as is the jitter's `rng`: tests run the hub on a fake clock without real waiting.

Reconnecting uses exponential backoff with *decorrelated* jitter (Brooker, "Exponential Backoff
And Jitter", AWS Architecture Blog 2015): each delay is drawn uniformly from [base, 3 × the
previous], capped. Unlike full jitter it never retries sooner than `base`, and it spreads even
the first retry of cameras that failed together over [1 s, 3 s]. The sequence starts over once a
stream has been live for `reset_after_s` before it failed, so a camera that drops now and then
reconnects quickly while a flapping one keeps backing off.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

from console.errors import N_, KnownError
from console.media.packets import (
    Consumer,
    OpenSource,
    Packet,
    Source,
    StreamInfo,
    StreamKey,
    StreamState,
    StreamStatus,
)
from console.workers import Worker

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Waits until the event is set or `seconds` of the hub's clock have passed; True if it was set.
Wait = Callable[[threading.Event, float], bool]

#: A stream is stale after this many frame intervals without a packet, but never sooner than
#: MIN_STALE_S: network jitter easily holds back a frame or two of a 25 fps stream.
STALE_FRAMES = 3
MIN_STALE_S = 2.0
#: How often the housekeeper looks at the streams: the watchdog's and the grace timer's precision.
TICK_S = 0.1
#: A stream that has been live this long before it failed starts its backoff over.
RESET_AFTER_S = 10.0
#: A GOP larger than this is not cached (a new viewer then waits for the next keyframe): bounds
#: the memory of a camera configured with very long GOPs.
GOP_LIMIT_BYTES = 16 * 1024 * 1024
#: A consumer taking longer than this for one call is logged (once per subscription).
SLOW_CONSUMER_S = 0.05
#: How long `close` waits for each reader: one still connecting cannot be interrupted and may need
#: its open timeout.
JOIN_TIMEOUT_S = 15.0

_NO_VIDEO = N_("The camera sends no video.")
_ENDED = N_("The camera ended the video stream.")
_INTERNAL = N_("An internal error stopped this video stream. Details are in the log.")


class StreamEnded(KnownError):
    """The source said the stream is over (`read` returned None)."""


class Rng(Protocol):
    """What the hub needs of `random.Random`."""

    def uniform(self, a: float, b: float, /) -> float: ...


def default_stale_after(info: StreamInfo | None) -> float:
    """max(3 frame intervals, 2 s); 2 s when the frame rate is unknown."""
    if info is None or info.fps is None or info.fps <= 0:
        return MIN_STALE_S
    return max(STALE_FRAMES / info.fps, MIN_STALE_S)


def _wait(event: threading.Event, seconds: float) -> bool:
    return event.wait(seconds)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Backoff:
    """Delays between reconnect attempts: exponential with decorrelated jitter, in [base, cap]."""

    def __init__(self, base: float, cap: float, rng: Rng) -> None:
        if not 0 < base <= cap:
            raise ValueError(f"a backoff needs 0 < base ≤ cap, not {base} and {cap}")
        self.base = base
        self.cap = cap
        self._rng = rng
        self._last = base

    def next(self) -> float:
        self._last = min(self.cap, self._rng.uniform(self.base, self._last * 3))
        return self._last

    def reset(self) -> None:
        self._last = self.base


@dataclass(eq=False)
class Subscription:
    """One consumer's interest in one stream. `close` is idempotent and may be called from any
    thread, also from inside the consumer's own callbacks."""

    key: StreamKey
    _consumer: Consumer = field(repr=False)
    _hub: MediaHub = field(repr=False)
    _stream: _Stream = field(repr=False)
    _closed: bool = field(default=False, repr=False)
    _warned: bool = field(default=False, repr=False)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._hub._unsubscribe(self)


@dataclass(eq=False)
class _Stream:
    key: StreamKey
    status: StreamStatus
    #: Guards everything below and orders the calls to consumers. Reentrant: a consumer may close
    #: its subscription from inside a callback. Lock order: a stream's lock, then the hub's.
    lock: threading.RLock = field(default_factory=threading.RLock)
    subscribers: list[Subscription] = field(default_factory=list)
    info: StreamInfo | None = None
    gop: list[Packet] = field(default_factory=list)
    gop_bytes: int = 0
    source: Source | None = None
    #: Hub clock time of the last packet, or of the open when none came yet (None: not open).
    last_activity: float | None = None
    #: Hub clock time of the first packet of the current session.
    live_since: float | None = None
    #: Hub clock time the last subscriber left (None while someone watches).
    idle_since: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    retired: bool = False
    thread: threading.Thread | None = None
    #: The reader of the previous stream of this key, still closing its session.
    predecessor: threading.Thread | None = None


class MediaHub:
    """Shares one Source per StreamKey among its subscribers (see the module's docstring)."""

    def __init__(
        self,
        open_source: OpenSource,
        *,
        grace_s: float = 5.0,
        stale_after: Callable[[StreamInfo | None], float] | None = None,
        backoff: tuple[float, float] = (1.0, 30.0),
        reset_after_s: float = RESET_AFTER_S,
        gop_limit_bytes: int = GOP_LIMIT_BYTES,
        tick_s: float = TICK_S,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
        rng: Rng | None = None,
        wait: Wait = _wait,
    ) -> None:
        if not 0 < backoff[0] <= backoff[1]:
            raise ValueError(f"a backoff needs 0 < base ≤ cap, not {backoff}")
        self._open_source = open_source
        self._grace_s = grace_s
        self._stale_after = stale_after or default_stale_after
        self._backoff = backoff
        self._reset_after_s = reset_after_s
        self._gop_limit = gop_limit_bytes
        self._tick_s = tick_s
        self._monotonic = monotonic
        self._now = now
        self._rng: Rng = rng if rng is not None else random.Random()
        self._wait = wait
        self._lock = threading.Lock()
        self._streams: dict[StreamKey, _Stream] = {}
        self._readers: set[threading.Thread] = set()
        self._closing: dict[StreamKey, threading.Thread] = {}  # key -> reader still closing
        self._closed = False
        self._housekeeper = Worker("media-hub", self._housekeep)
        self._housekeeper.start()

    # -- the public face ------------------------------------------------------------------------

    def subscribe(self, key: StreamKey, consumer: Consumer) -> Subscription:
        """Start receiving `key`'s stream; opens it if nobody watches it yet. Before returning,
        `consumer` gets the current status, the StreamInfo if known and the cached GOP."""
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the media hub is closed")
                stream = self._streams.get(key)
                if stream is None:
                    stream = self._start(key)
            with stream.lock:
                if stream.retired:
                    continue  # the housekeeper closed it just now: open it anew
                subscription = Subscription(key, consumer, self, stream)
                consumer.on_status(stream.status)
                if stream.info is not None:
                    consumer.on_info(stream.info)
                for packet in stream.gop:
                    consumer.on_packet(packet)
                stream.subscribers.append(subscription)
                stream.idle_since = None
                return subscription

    def status(self, key: StreamKey) -> StreamStatus | None:
        """The stream's status, or None when it is not open."""
        with self._lock:
            stream = self._streams.get(key)
        return None if stream is None else stream.status

    def open_streams(self) -> set[StreamKey]:
        """The streams with a reader: watched, reconnecting, or in their grace period."""
        with self._lock:
            return set(self._streams)

    def check(self) -> None:
        """The watchdog and the grace timers, now. The housekeeper calls this every `tick_s`;
        tests with a fake clock call it to know it has run."""
        moment = self._monotonic()
        with self._lock:
            streams = list(self._streams.values())
        for stream in streams:
            with stream.lock:
                if stream.retired:
                    continue
                idle = stream.idle_since
                if not stream.subscribers and idle is not None and moment - idle >= self._grace_s:
                    self._retire(stream)
                    continue
                quiet = None if stream.last_activity is None else moment - stream.last_activity
                if (
                    quiet is not None
                    and stream.status.state is not StreamState.STALE
                    and quiet >= self._stale_after(stream.info)
                ):
                    # `since` is when the picture froze (the last packet), not when it was noticed.
                    since = self._now() - timedelta(seconds=quiet)
                    self._set_status(stream, StreamStatus(StreamState.STALE, since, _NO_VIDEO))

    def close(self) -> None:
        """Closes every stream and joins every thread. Subscriptions end without a last status."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            streams = list(self._streams.values())
        self._housekeeper.request_stop()
        for stream in streams:
            with stream.lock:
                if not stream.retired:
                    self._retire(stream)
        self._housekeeper.join(None)
        with self._lock:
            readers = list(self._readers)
        deadline = time.monotonic() + JOIN_TIMEOUT_S
        for reader in readers:
            reader.join(max(0.0, deadline - time.monotonic()))
            if reader.is_alive():
                log.warning(
                    "%s did not stop in time; it ends when its connect attempt does", reader
                )

    def __enter__(self) -> MediaHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- streams --------------------------------------------------------------------------------

    def _start(self, key: StreamKey) -> _Stream:
        """A new stream and its reader (with the hub's lock held)."""
        stream = _Stream(key, StreamStatus(StreamState.CONNECTING, self._now()))
        stream.idle_since = self._monotonic()  # until the subscriber is added
        stream.predecessor = self._closing.pop(key, None)
        reader = Worker(f"media-{key.camera_id}-{key.profile}", lambda _w: self._read(stream))
        # The reader's stop is the stream's: retiring the stream stops it.
        stream.stop = reader.stop_event
        stream.thread = reader.thread
        self._streams[key] = stream
        self._readers.add(reader.thread)
        reader.start()
        return stream

    def _retire(self, stream: _Stream) -> None:
        """Stops a stream (with its lock held): no new subscriber finds it, its reader ends."""
        stream.retired = True
        stream.stop.set()
        with self._lock:
            if self._streams.get(stream.key) is stream:
                del self._streams[stream.key]
            if stream.thread is not None and stream.thread.is_alive():
                self._closing[stream.key] = stream.thread
        if stream.source is not None:
            # Makes a blocked read return soon; the reader closes its session then.
            stream.source.close()

    def _unsubscribe(self, subscription: Subscription) -> None:
        stream = subscription._stream
        with stream.lock:
            if subscription in stream.subscribers:
                stream.subscribers.remove(subscription)
                if not stream.subscribers:
                    stream.idle_since = self._monotonic()
            subscription._closed = True

    # -- the reader thread ----------------------------------------------------------------------

    def _read(self, stream: _Stream) -> None:
        try:
            if stream.predecessor is not None:
                # One session per stream: the previous reader of this key sends its TEARDOWN first.
                while stream.predecessor.is_alive() and not stream.stop.is_set():
                    stream.predecessor.join(TICK_S)
            self._reconnecting(stream)
        except BaseException:
            with stream.lock:
                if not stream.retired:
                    self._set_status(
                        stream, StreamStatus(StreamState.OFFLINE, self._now(), _INTERNAL)
                    )
            raise
        finally:
            with self._lock:
                self._readers.discard(threading.current_thread())

    def _reconnecting(self, stream: _Stream) -> None:
        backoff = Backoff(*self._backoff, self._rng)
        while not stream.stop.is_set():
            failure = self._session(stream)
            if failure is None:
                return
            with stream.lock:
                live_since = stream.live_since
                if live_since is not None and self._monotonic() - live_since >= self._reset_after_s:
                    backoff.reset()
                delay = backoff.next()
                stream.gop.clear()
                stream.gop_bytes = 0
                stream.live_since = None
                stream.last_activity = None
                if stream.stop.is_set():
                    return
                status = StreamStatus(
                    StreamState.OFFLINE, self._now(), failure.message, retry_in_s=delay
                )
                self._set_status(stream, status)
            log.info("stream %s failed (%s); retrying in %.1f s", stream.key, failure, delay)
            if self._wait(stream.stop, delay):
                return

    def _session(self, stream: _Stream) -> KnownError | None:
        """One session: open, then read until it fails (its error) or the stream stops (None)."""
        try:
            source = self._open_source(stream.key)
        except KnownError as err:
            return None if stream.stop.is_set() else err
        with stream.lock:
            if not stream.stop.is_set():
                stream.source = source
                stream.last_activity = self._monotonic()
        try:
            if stream.stop.is_set():
                return None
            info = source.info()
            with stream.lock:
                stream.info = info
                for subscription in tuple(stream.subscribers):
                    self._call(stream, subscription, subscription._consumer.on_info, info)
            while not stream.stop.is_set():
                packet = source.read()
                if packet is None:
                    return None if stream.stop.is_set() else StreamEnded(_ENDED)
                self._deliver(stream, packet)
            return None
        except KnownError as err:
            # After `close` a source raises: that is the stop, not a failure.
            return None if stream.stop.is_set() else err
        finally:
            with stream.lock:
                stream.source = None
            source.close()

    def _deliver(self, stream: _Stream, packet: Packet) -> None:
        with stream.lock:
            moment = self._monotonic()
            # The watchdog goes by when the packet's data arrived, as the source says (on the
            # hub's clock): a frame a parser held back and handed out later is no sign of life.
            arrived = packet.received if 0 < packet.received <= moment else moment
            if stream.last_activity is None or arrived > stream.last_activity:
                stream.last_activity = arrived
            if stream.live_since is None:
                stream.live_since = moment
            fresh = moment - stream.last_activity < self._stale_after(stream.info)
            if fresh and stream.status.state is not StreamState.LIVE:
                self._set_status(stream, StreamStatus(StreamState.LIVE, self._now()))
            self._cache(stream, packet)
            for subscription in tuple(stream.subscribers):
                self._call(stream, subscription, subscription._consumer.on_packet, packet)

    def _cache(self, stream: _Stream, packet: Packet) -> None:
        """Keeps the packets from the last keyframe on (none until the first keyframe)."""
        if packet.keyframe:
            stream.gop = [packet]
            stream.gop_bytes = len(packet.data)
        elif stream.gop:
            stream.gop.append(packet)
            stream.gop_bytes += len(packet.data)
            if stream.gop_bytes > self._gop_limit:
                stream.gop = []
                stream.gop_bytes = 0

    # -- calling consumers (with the stream's lock held) ----------------------------------------

    def _set_status(self, stream: _Stream, status: StreamStatus) -> None:
        stream.status = status
        for subscription in tuple(stream.subscribers):
            self._call(stream, subscription, subscription._consumer.on_status, status)

    def _call(
        self,
        stream: _Stream,
        subscription: Subscription,
        method: Callable[[T], None],
        value: T,
    ) -> None:
        if subscription._closed:
            return  # closed by another consumer's callback during this round
        started = self._monotonic()
        try:
            method(value)
        except Exception:  # noqa: BLE001 - reported as a bug below; the other consumers go on
            if subscription in stream.subscribers:
                stream.subscribers.remove(subscription)
                if not stream.subscribers:
                    stream.idle_since = self._monotonic()
            subscription._closed = True
            # The path of an uncaught exception in a thread: logged with its trace, shown as an
            # internal error (console.messages.install_excepthooks).
            threading.excepthook(
                threading.ExceptHookArgs((*sys.exc_info(), threading.current_thread()))
            )
            return
        took = self._monotonic() - started
        if took > SLOW_CONSUMER_S and not subscription._warned:
            subscription._warned = True
            log.warning(
                "a consumer of %s took %.0f ms for one call; consumers must return at once",
                stream.key,
                took * 1000,
            )

    # -- the housekeeper ------------------------------------------------------------------------

    def _housekeep(self, worker: Worker) -> None:
        while not self._wait(worker.stop_event, self._tick_s):
            self.check()
