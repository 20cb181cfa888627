"""A stream's packets on a timeline that never runs backwards, for a muxer that needs one.

Cameras and RTSP clients hand out timestamps a muxer refuses: FFmpeg's RTSP demuxer gives a
session's first packet, a keyframe, no pts or dts (RTCP has not synced its clock yet); a camera
that restarts, or a new RTSP session, starts its timestamps again from anywhere; some cameras
repeat a dts. `Timeline` maps them onto one output clock that is strictly increasing: a missing
pts becomes the dts (and a missing dts the pts; a packet with neither gets the next frame slot), a
dts that does not increase is nudged one tick past the previous one, and a jump that disagrees
with the wall clock by more than 2 s (or a non-keyframe more than 2 s after its predecessor)
drops packets up to the next keyframe, which continues the timeline where the wall clock says.

Used by the live view's MPEG-TS muxer and by the recorder (whose segments must play the time
that passed, without a jump back that would overwrite a fragment's timing).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.media.packets import Packet

#: A packet whose timestamp moves this much more (or less) than the wall clock since the previous
#: packet is a discontinuity (camera restarted, new RTSP session).
JUMP_TOLERANCE_S = 2.0
#: Frame interval assumed when the stream does not tell its rate.
DEFAULT_FPS = 25.0


@dataclass(slots=True)
class TimelineCounts:
    """What the timeline did, for statistics and tests."""

    #: packets given a timestamp they lacked, or a dts nudged forward
    fixed: int = 0
    #: times the timeline restarted after a discontinuity
    restarts: int = 0


class Timeline:
    """Output timestamps (in ticks of `clock_rate` per second) for one stream's packets.

    `start` is where the output begins (e.g. 1 s for MPEG-TS, clear of zero). With `pauses`
    the source stops on purpose (recorded video, paused by the operator): a non-keyframe long
    after its predecessor continues the timeline when its timestamp moved with the wall clock,
    as nothing was lost in between, instead of waiting for the next keyframe."""

    def __init__(
        self, clock_rate: int, fps: float | None, *, start: int = 0, pauses: bool = False
    ) -> None:
        self.clock_rate = clock_rate
        self.frame_ticks = round(clock_rate / (fps or DEFAULT_FPS))
        self._start = start
        self._pauses = pauses
        self._offset: int | None = None
        #: A timestamp-less keyframe began the timeline; the next timestamped packet anchors it.
        self._floating = False
        self.last_dts: int | None = None
        self._last_wall = 0.0
        self.counts = TimelineCounts()

    def stamps(self, packet: Packet, wall: float) -> tuple[int, int] | None:
        """(dts, pts) on the output timeline for `packet`, arrived at `wall` (time.monotonic()),
        or None to drop it (it cannot be decoded without what was dropped before it). Call
        `commit(dts, wall)` once the packet was written."""
        src_dts = self._ticks(packet.dts if packet.dts is not None else packet.pts, packet)
        src_pts = self._ticks(packet.pts if packet.pts is not None else packet.dts, packet)
        last = self.last_dts
        if packet.pts is None or packet.dts is None:
            self.counts.fixed += 1
        if src_dts is None or src_pts is None:
            # No timestamp at all: the next frame slot, if there is a timeline to continue (and
            # the wall clock does not say the packets stopped for a while: a new session).
            running = last is not None and (self._offset is not None or self._floating)
            if running and wall - self._last_wall > JUMP_TOLERANCE_S:
                self._offset, self._floating, running = None, False, False
            if running:
                assert last is not None
                return last + self.frame_ticks, last + self.frame_ticks
            if not packet.keyframe:
                return None
            # A keyframe that starts (or restarts) the timeline without timestamps: dropping it
            # would cost a whole GOP before the first picture; it gets a slot and the next
            # timestamped packet anchors the timeline one frame later.
            slot = self._restart_slot(last, wall)
            self._floating = True
            return slot, slot
        if self._floating and last is not None:
            self._floating = False
            self._offset = last + self.frame_ticks - src_dts
            return last + self.frame_ticks, max(src_pts + self._offset, last + self.frame_ticks)
        tolerance = JUMP_TOLERANCE_S * self.clock_rate
        if self._offset is not None and last is not None:
            dts = src_dts + self._offset
            step = dts - last
            wall_step = (wall - self._last_wall) * self.clock_rate
            # A live camera silent this long lost frames; a paused recording lost none.
            lost = not packet.keyframe and step > tolerance and not self._pauses
            if abs(step - wall_step) > tolerance or lost:
                self._offset = None
            elif step <= 0:
                self.counts.fixed += 1
                dts = last + 1
        if self._offset is None:
            if not packet.keyframe:
                return None
            target = self._restart_slot(last, wall)
            self._offset = target - src_dts
            dts = target
        return dts, max(src_pts + self._offset, dts)

    def commit(self, dts: int, wall: float) -> None:
        """The packet stamped `dts` was written (the next one must follow it)."""
        self.last_dts = dts
        self._last_wall = wall

    def interrupt(self) -> None:
        """The output refused a packet: continue at the next keyframe."""
        self._offset = None
        self._floating = False

    def _restart_slot(self, last: int | None, wall: float) -> int:
        """Where a (re)started timeline begins: at `start`, or after the last packet as far as
        the wall clock has moved since (at least a frame)."""
        if last is None:
            return self._start
        self.counts.restarts += 1
        wall_ticks = round((wall - self._last_wall) * self.clock_rate)
        return last + max(self.frame_ticks, wall_ticks)

    def _ticks(self, stamp: int | None, packet: Packet) -> int | None:
        if stamp is None:
            return None
        return round(stamp * packet.time_base * self.clock_rate)
