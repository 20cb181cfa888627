"""Playback feeding: a camera's recorded segments handed over as packets, paced by a shared clock.

A `SegmentFeeder` reads the fragmented MP4 segments of one camera (PyAV, demux only) from the
position of a `PlaybackClock` and hands each packet to a consumer (the same interface as the
media hub's: `on_info`, `on_packet`, `on_status`) when the clock reaches the packet's recorded
time. Every tile of a layout shares the clock, so the tiles show the same recorded instant: each
feeder is at most one wake-up (a few ms) from the clock, whatever the camera.

The packets' timestamps are rewritten to the wall-clock time they are due on the layout's clock
(`PlaybackClock.due`, on the clock's own `epoch`, the same for every tile), so the live view's
player (libvlc, which follows a live stream's clock) shows them at the clock's speed: at 2× the
timestamps of recorded frames 40 ms apart come 20 ms apart. Stamping the due time rather than
the moment of hand-over keeps the tiles in step: a feeder thread woken late (the machine is busy)
used to give its picture a later timestamp, and that tile showed it a frame after the other.
A packet handed over late by more than LATE_S (the burst from a keyframe after a seek, which is
past due) is stamped with the time of hand-over instead. Above 4× and backwards only
keyframes are handed over (a decoder cannot decode backwards, and 16× of every frame would be
16 streams' worth of decoding). A seek (or step, or change of speed) starts over from the
keyframe at or before the new position: the packets from that keyframe up to the position are
handed over at once (the decoder needs them; the player drops the ones already late) and the
rest as they fall due.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av

from console.errors import N_
from console.media.packets import Consumer, Packet, StreamInfo, StreamState, StreamStatus
from console.recording.archive import Segment
from console.recording.playback import KEYFRAMES_ONLY_ABOVE, PlaybackClock
from console.workers import Worker

_log = logging.getLogger(__name__)

CLOCK = 90_000
_TIME_BASE = Fraction(1, CLOCK)
#: How often a waiting feeder looks at the clock again (a seek or pause is seen this fast).
POLL_S = 0.02
#: Packets are handed over this much before they are due (the player's own pacing does the rest).
LEAD_S = 0.0
#: A packet handed over this much after it was due is stamped with the hand-over time, not its
#: due time (see the module doc).
LATE_S = 0.1
#: Recorded time further than this from the clock is a gap ("no recording").
GAP = timedelta(seconds=1)
#: How far to look for the next segment after a gap.
LOOKAHEAD = timedelta(hours=6)

#: (start, end) -> the camera's segments overlapping it, in time order.
SegmentLookup = Callable[[datetime, datetime], Sequence[Segment]]

_NO_PROBING = {"probesize": "32", "analyzeduration": "0"}
NO_RECORDING = N_("No recording at this time.")
CANNOT_READ = N_("The recording cannot be read.")


@dataclass(frozen=True, slots=True)
class _Recorded:
    """One packet of a segment with its recorded time."""

    moment: datetime
    data: bytes
    keyframe: bool
    #: pts - dts in seconds (B-frames)
    reorder_s: float


def read_segment(path: Path, start: datetime) -> tuple[StreamInfo, list[_Recorded]]:
    """Every packet of a segment with its recorded time (`start` + its pts from the first)."""
    # No probing: the segment's moov says what the stream is (probing read up to 5 MB of a
    # 1080p segment first: 15.7 ms an open against 3.6 ms; docs/recording-performance.md).
    with av.open(str(path), options=_NO_PROBING) as container:
        stream = container.streams.video[0]
        codec = stream.codec_context
        time_base = stream.time_base or _TIME_BASE
        fps = float(stream.average_rate) if stream.average_rate else None
        info = StreamInfo(
            codec=codec.name,
            width=codec.width,
            height=codec.height,
            time_base=_TIME_BASE,
            extradata=bytes(codec.extradata or b""),
            fps=fps,
        )
        packets: list[_Recorded] = []
        first: int | None = None
        for packet in container.demux(stream):
            if packet.size == 0 or packet.dts is None:
                continue
            if first is None:
                first = packet.dts
            pts = packet.pts if packet.pts is not None else packet.dts
            seconds = float((pts - first) * time_base)
            packets.append(
                _Recorded(
                    start + timedelta(seconds=seconds),
                    bytes(packet),
                    packet.is_keyframe,
                    float((pts - packet.dts) * time_base),
                )
            )
    if any(p.reorder_s for p in packets):
        packets.sort(key=lambda p: p.moment)  # B-frames: in the order they are shown
    return info, packets


class SegmentFeeder:
    """Feeds one camera's recordings to `consumer`, paced by `clock` (see the module doc)."""

    def __init__(
        self,
        lookup: SegmentLookup,
        root: Path,
        clock: PlaybackClock,
        consumer: Consumer,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._lookup = lookup
        self._root = root
        self._clock = clock
        self._consumer = consumer
        self._monotonic = monotonic
        self._now = now
        self._worker = Worker("playback-feeder", lambda _worker: self._run())
        self._stop = self._worker.stop_event
        self._info: StreamInfo | None = None
        self._t0 = clock.epoch
        self._last_out = -1
        self._state: StreamState | None = None
        #: the recorded time handed over so far (for the access log's end entry)
        self.shown_from: datetime | None = None
        self.shown_to: datetime | None = None
        #: packets handed over, and the recorded time of the last one
        self.packets = 0
        self.last_moment: datetime | None = None

    def start(self) -> None:
        self._worker.start()

    def close(self) -> None:
        self._worker.stop(timeout=5)

    def shown(self) -> tuple[datetime, datetime] | None:
        if self.shown_from is None or self.shown_to is None:
            return None
        return self.shown_from, self.shown_to

    # -- the feeder's thread -----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                generation = self._clock.generation
                if self._clock.speed > 0:
                    self._forward(generation)
                else:
                    self._backward(generation)
        except Exception:  # noqa: BLE001 - a bug: logged with its trace, the tile says so
            _log.exception("the playback feeder failed")
            self._status(StreamState.OFFLINE, CANNOT_READ)

    def _jumped(self, generation: int) -> bool:
        return self._stop.is_set() or self._clock.generation != generation

    def _forward(self, generation: int) -> None:
        position = self._clock.position()
        segment = self._segment_at(position, forward=True)
        if segment is None:
            self._status(StreamState.OFFLINE, NO_RECORDING)
            self._stop.wait(POLL_S * 10)
            return
        first = True
        while segment is not None and not self._jumped(generation):
            if segment.start - self._clock.position() > GAP:
                self._status(StreamState.OFFLINE, NO_RECORDING)  # until the next recording
            packets = self._open(segment)
            if packets is None:
                return
            keyframes_only = self._clock.speed > KEYFRAMES_ONLY_ABOVE
            begin = 0
            if first:
                # From the keyframe at or before the position.
                target = max(position, segment.start)
                for index, packet in enumerate(packets):
                    if packet.moment > target:
                        break
                    if packet.keyframe:
                        begin = index
                first = False
            for packet in packets[begin:]:
                if keyframes_only and not packet.keyframe:
                    continue
                if not self._wait_until(packet.moment, generation):
                    return
                self._hand_over(packet)
            segment = self._next_segment(segment)
            if segment is not None and not self._wait_until(segment.start, generation):
                return
        if segment is None and not self._jumped(generation):
            self._status(StreamState.OFFLINE, NO_RECORDING)
            while not self._jumped(generation) and self._clock.speed > 0:
                if self._segment_at(self._clock.position(), forward=True) is not None:
                    return
                self._stop.wait(POLL_S * 10)

    def _backward(self, generation: int) -> None:
        position = self._clock.position()
        segment = self._segment_at(position, forward=False)
        if segment is None:
            self._status(StreamState.OFFLINE, NO_RECORDING)
            self._stop.wait(POLL_S * 10)
            return
        while segment is not None and not self._jumped(generation):
            packets = self._open(segment)
            if packets is None:
                return
            keyframes = [p for p in packets if p.keyframe and p.moment <= position]
            for packet in reversed(keyframes):
                if not self._wait_until(packet.moment, generation):
                    return
                self._hand_over(packet)
            segment = self._previous_segment(segment)

    def _open(self, segment: Segment) -> list[_Recorded] | None:
        try:
            info, packets = read_segment(self._root / segment.path, segment.start)
        except (OSError, av.FFmpegError, IndexError) as err:
            _log.warning("cannot read %s: %s", segment.path, err)
            self._status(StreamState.OFFLINE, CANNOT_READ)
            self._stop.wait(POLL_S * 10)
            return None
        if info != self._info:
            self._info = info
            self._consumer.on_info(info)
        return packets

    def _wait_until(self, moment: datetime, generation: int) -> bool:
        """Wait until the clock reaches `moment` (less the lead); False on a jump or stop."""
        while True:
            if self._jumped(generation):
                return False
            speed = self._clock.speed
            media = (moment - self._clock.position()).total_seconds()
            if self._clock.paused:
                # Paused (or stepped): what the position has reached, nothing more.
                if media * speed <= 0:
                    return True
                self._stop.wait(POLL_S)
                continue
            wall = media / speed
            if wall <= LEAD_S:
                return True
            self._stop.wait(min(POLL_S, wall - LEAD_S))

    def _hand_over(self, packet: _Recorded) -> None:
        # The output timestamp is when the layout's clock has it due (see the module doc).
        now = self._monotonic()
        due = self._clock.due(packet.moment)
        at = due if due is not None and now - due <= LATE_S else now
        out = max(round((at - self._t0) * CLOCK), self._last_out + 1)
        self._last_out = out
        reorder = round(packet.reorder_s / abs(self._clock.speed) * CLOCK)
        self._consumer.on_packet(
            Packet(
                data=packet.data,
                pts=out + reorder,
                dts=out,
                keyframe=packet.keyframe,
                time_base=_TIME_BASE,
                received=now,
            )
        )
        self.packets += 1
        self.last_moment = packet.moment
        if self.shown_from is None or packet.moment < self.shown_from:
            self.shown_from = packet.moment
        if self.shown_to is None or packet.moment > self.shown_to:
            self.shown_to = packet.moment
        self._status(StreamState.LIVE)

    def _status(self, state: StreamState, reason: str = "") -> None:
        if state is self._state:
            return
        self._state = state
        since = self._now() if self._now is not None else self._clock.position()
        self._consumer.on_status(StreamStatus(state, since, reason))

    # -- finding segments --------------------------------------------------------------------------

    def _segment_at(self, moment: datetime, *, forward: bool) -> Segment | None:
        """The segment holding `moment`, else the next (forward) or previous one."""
        found = list(self._lookup(moment - timedelta(microseconds=1), moment))
        holding = [s for s in found if s.start <= moment < s.end]
        if holding:
            return holding[0]
        if forward:
            later = list(self._lookup(moment, moment + LOOKAHEAD))
            return later[0] if later else None
        earlier = list(self._lookup(moment - LOOKAHEAD, moment))
        return earlier[-1] if earlier else None

    def _next_segment(self, segment: Segment) -> Segment | None:
        later = [
            s for s in self._lookup(segment.end, segment.end + LOOKAHEAD) if s.id != segment.id
        ]
        later = [s for s in later if s.start >= segment.start]
        return later[0] if later else None

    def _previous_segment(self, segment: Segment) -> Segment | None:
        earlier = [
            s for s in self._lookup(segment.start - LOOKAHEAD, segment.start) if s.id != segment.id
        ]
        earlier = [s for s in earlier if s.start < segment.start]
        return earlier[-1] if earlier else None
