"""The live grid under overload: streams degrade to keyframes only instead of every tile stuttering,
and go back to full decoding one at a time when the workstation has room.

libvlc, fed live, never falls behind in reading: it reads every packet, decodes what it can and
drops late pictures itself (measured, docs/live-view-performance.md "Overload"): above ~18 ×
1080p30 on two cores every tile loses frames alike and some freeze. So the trigger is libvlc's own
count of lost pictures. Once a second the governor looks at every live stream's counters; when
streams lose more than `loss_share` of their pictures over the last two seconds, it degrades as
many as the loss needs in one step (the share of pictures lost in the last second across the
full-rate streams, times their number; at least one), sub streams before main streams (the big tile
keeps its picture: when it is the one losing, sub streams at full rate go first), the ones losing
most first, then waits `gap_s` to see the effect. After `quiet_s` without losses it restores one
stream; a loss within `probation_s` of a restore doubles the wait (up to `max_quiet_s`), so a
workstation at its limit does not oscillate.

Streams that open while the workstation is at its limit start in keyframes only instead of freezing
every tile for seconds until the loss shows (measured: 28 × 1080p30 opened at once froze 9 tiles
for up to 8 s while the governor stepped down): `admit` weighs a starting stream's decode cost
(`stream_cost`, from its resolution and frame rate) against the budget, the cost the workstation
decodes at full rate. The budget starts from the measured capacity per core and follows what the
workstation shows: after a degrade it is the cost still at full rate, after a restore that held it
is the cost then at full rate.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: A stream's cost in libvlc's decode path, in shares of one core: a fixed part per player (its
#: threads, the feed, the ingest) and a part per decoded pixel. Fitted to the measurements of
#: docs/live-view-performance.md: a 1080p30 main stream ~9 % of a core, a 640x360 25 fps sub
#: stream ~2.2 % (a 720x576 one 3.1 %; the model says 2.8 %).
STREAM_COST = 0.015
PIXEL_COST = 0.0012 / 1e6  # per pixel a second
#: The decode cost one core carries at full rate without losing pictures, measured (P2,
#: "Overload"): 16 × 1080p30 main streams on 2 cores lost nothing (20 lost 2.9 %), 16 × 9 % over
#: two cores.
CORE_BUDGET = 0.72


def stream_cost(width: int, height: int, fps: float | None) -> float:
    """The share of one core a stream of this size and rate costs at full rate."""
    return STREAM_COST + PIXEL_COST * width * height * (fps or 25.0)


def default_budget() -> float:
    """The decode cost this workstation carries at full rate, from its cores."""
    return CORE_BUDGET * (os.cpu_count() or 1)


class Governed(Protocol):
    """A live stream as the governor sees it (ui.wiring.video.HubStream)."""

    @property
    def closed(self) -> bool: ...

    @property
    def degraded(self) -> bool: ...

    @property
    def main_stream(self) -> bool: ...

    def stats(self) -> dict[str, int]: ...

    def degrade(self) -> bool:
        """Keyframes only; False if it was keyframes only already, is closed, or decodes
        nothing now (stalled: no packet comes)."""
        ...

    def restore(self) -> None: ...

    @property
    def cost(self) -> float:
        """Its share of one core at full rate (stream_cost); 0 while not known."""
        ...


@dataclass
class _Track:
    samples: deque[tuple[int, int]] = field(default_factory=lambda: deque(maxlen=3))

    def loss(self, *, last: bool = False) -> tuple[int, int]:
        """(pictures lost, pictures decoded) over the samples kept, or the last interval."""
        if len(self.samples) < 2:
            return 0, 0
        (lost0, decoded0), (lost1, decoded1) = self.samples[-2 if last else 0], self.samples[-1]
        return max(0, lost1 - lost0), max(0, decoded1 - decoded0)


class OverloadGovernor(QObject):
    """See the module doc. `tick` runs once a second on the GUI thread while streams exist."""

    def __init__(
        self,
        *,
        interval_s: float = 1.0,
        loss_share: float = 0.05,
        gap_s: float = 3.0,
        quiet_s: float = 60.0,
        max_quiet_s: float = 600.0,
        probation_s: float = 10.0,
        budget: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._loss_share = loss_share
        self._gap_s = gap_s
        self._base_quiet_s = quiet_s
        self.quiet_s = quiet_s
        self._max_quiet_s = max_quiet_s
        self._probation_s = probation_s
        self._monotonic = monotonic
        self._tracks: dict[Governed, _Track] = {}
        self._last_action = -math.inf
        self._last_loss = -math.inf
        self._last_restore = -math.inf
        #: a restore is on probation: if it holds, the cost then at full rate fits the budget
        self._probing = False
        #: the decode cost the workstation carries at full rate (see the module doc)
        self.budget = default_budget() if budget is None else budget
        self.timer = QTimer(self)
        self.timer.setInterval(round(interval_s * 1000))
        self.timer.timeout.connect(self.tick)

    def add(self, stream: Governed) -> None:
        self._tracks[stream] = _Track()
        if not self.timer.isActive():
            self.timer.start()

    def full_cost(self, *, besides: Governed | None = None, main_only: bool = False) -> float:
        """The cost of the open streams at full rate (`besides` left out; with `main_only`,
        of the main streams only)."""
        return sum(
            s.cost
            for s in self._tracks
            if s is not besides
            and not s.closed
            and not s.degraded
            and (s.main_stream or not main_only)
        )

    def admit(self, stream: Governed) -> bool:
        """Whether `stream`, about to start, may decode in full: False (start it in keyframes
        only) when its cost would take the streams at full rate past the budget, or, for a sub
        stream, while streams are losing pictures (the workstation is past its limit right
        now). A main stream is a big tile, the one the operator looks at (a maximized camera):
        it starts in full when the main streams at full rate fit the budget with it, or when
        it is the only one, and if losses follow the sub streams are degraded first."""
        if not stream.main_stream:
            if self._monotonic() - self._last_loss < self._gap_s:
                return False
            return self.full_cost(besides=stream) + stream.cost <= self.budget
        # Weighed against the other main streams only: the sub streams give way to it if losses
        # follow (`_degrade`). And never refused while it is the only one: a budget brought
        # down by a few small tiles losing pictures (a busy moment at start-up) must not keep
        # the camera the operator maximized at one picture a second.
        others = self.full_cost(besides=stream, main_only=True)
        return others == 0 or others + stream.cost <= self.budget

    def tick(self) -> None:
        now = self._monotonic()
        for stream in [s for s in self._tracks if s.closed]:
            del self._tracks[stream]
        if not self._tracks:
            self.timer.stop()
            return
        losing: list[tuple[float, Governed]] = []
        lost_total = decoded_total = full = 0
        for stream, track in self._tracks.items():
            stats = stream.stats()
            track.samples.append((stats.get("lost", 0), stats.get("decoded", 0)))
            if stream.degraded:
                continue
            full += 1
            now_lost, now_decoded = track.loss(last=True)
            lost_total += now_lost
            decoded_total += now_decoded + now_lost
            lost, decoded = track.loss()
            if decoded + lost and lost / (decoded + lost) > self._loss_share:
                losing.append((lost / (decoded + lost), stream))
        if losing:
            self._last_loss = now
            if now - self._last_restore < self._probation_s:
                # The last restore was one too many: wait longer before the next.
                self.quiet_s = min(self.quiet_s * 2, self._max_quiet_s)
                self._last_restore = -math.inf
                self._probing = False
            if now - self._last_action >= self._gap_s:
                share = lost_total / decoded_total if decoded_total else 0.0
                count = max(1, round(share * full))
                self._degrade(losing, count, now)
            return
        if self._probing and now - self._last_restore >= self._probation_s:
            # The restore held: the workstation carries what now runs at full rate.
            self._probing = False
            self.budget = max(self.budget, self.full_cost())
        if now - self._last_loss >= self.quiet_s and now - self._last_action >= self.quiet_s:
            degraded = [s for s in self._tracks if s.degraded]
            if degraded:
                # Main streams (the big tile) first, then in the order they were opened.
                degraded.sort(key=lambda s: not s.main_stream)
                degraded[0].restore()
                for track in self._tracks.values():
                    track.samples.clear()
                self._last_action = self._last_restore = now
                self._probing = True
                log.info("live view: one stream back to full decoding")
            elif now - self._last_loss >= self._max_quiet_s:
                self.quiet_s = self._base_quiet_s

    def behind(self, stream: Governed) -> None:
        """A stream's player stopped taking packets: keyframes only at once."""
        if stream.degrade():
            self._last_action = self._last_loss = self._monotonic()

    def _degrade(self, losing: list[tuple[float, Governed]], count: int, now: float) -> None:
        # Sub streams first (small tiles), the ones losing most first. When a main stream (the
        # big tile the operator looks at, often the first to show the overload: the dearest
        # decode) is among the losing, the sub streams still at full rate go before it too.
        losing.sort(key=lambda item: (item[1].main_stream, -item[0]))
        candidates = [stream for _, stream in losing if not stream.main_stream]
        mains = [stream for _, stream in losing if stream.main_stream]
        if mains:
            candidates += [
                stream
                for stream in self._tracks
                if not stream.closed
                and not stream.degraded
                and not stream.main_stream
                and stream not in candidates
            ]
            candidates += mains
        # A candidate may refuse (a stalled stream decodes nothing): the next one goes instead.
        done = 0
        for stream in candidates:
            if done >= count:
                break
            done += stream.degrade()
        if done:
            log.warning(
                "live view: the workstation cannot decode every stream: %d to keyframes only",
                done,
            )
            for track in self._tracks.values():
                track.samples.clear()
            self._last_action = now
            # What still runs at full rate is at most what the workstation carries.
            self.budget = min(self.budget, self.full_cost())
