"""The live grid under overload: streams degrade to keyframes only instead of every tile
stuttering, and go back to full decoding one at a time when the workstation has room.

libvlc, fed live, never falls behind in reading: it reads every packet, decodes what it can and
drops late pictures itself (measured, docs/live-view-performance.md "Overload"): above ~18 ×
1080p30 on two cores every tile loses frames alike and some freeze. So the trigger is libvlc's
own count of lost pictures. Once a second the governor looks at every live stream's counters;
when streams lose more than `loss_share` of their pictures over the last two seconds, it
degrades as many as the loss needs in one step (the share of pictures lost in the last second
across the full-rate streams, times their number; at least one), sub streams before main
streams (the big tile keeps its picture), the ones losing most first, then waits `gap_s` to see
the effect. After `quiet_s` without losses it restores one stream; a loss within `probation_s`
of a restore doubles the wait (up to `max_quiet_s`), so a workstation at its limit does not
oscillate.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


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
        """Keyframes only; False if it was keyframes only already (or is closed)."""
        ...

    def restore(self) -> None: ...


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
        self.timer = QTimer(self)
        self.timer.setInterval(round(interval_s * 1000))
        self.timer.timeout.connect(self.tick)

    def add(self, stream: Governed) -> None:
        self._tracks[stream] = _Track()
        if not self.timer.isActive():
            self.timer.start()

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
            if now - self._last_action >= self._gap_s:
                share = lost_total / decoded_total if decoded_total else 0.0
                count = max(1, round(share * full))
                self._degrade(losing, count, now)
            return
        if now - self._last_loss >= self.quiet_s and now - self._last_action >= self.quiet_s:
            degraded = [s for s in self._tracks if s.degraded]
            if degraded:
                # Main streams (the big tile) first, then in the order they were opened.
                degraded.sort(key=lambda s: not s.main_stream)
                degraded[0].restore()
                for track in self._tracks.values():
                    track.samples.clear()
                self._last_action = self._last_restore = now
                log.info("live view: one stream back to full decoding")
            elif now - self._last_loss >= self._max_quiet_s:
                self.quiet_s = self._base_quiet_s

    def behind(self, stream: Governed) -> None:
        """A stream's player stopped taking packets: keyframes only at once."""
        if stream.degrade():
            self._last_action = self._last_loss = self._monotonic()

    def _degrade(self, losing: list[tuple[float, Governed]], count: int, now: float) -> None:
        # Sub streams first (small tiles), the ones losing most first.
        losing.sort(key=lambda item: (item[1].main_stream, -item[0]))
        done = sum(1 for _, stream in losing[:count] if stream.degrade())
        if done:
            log.warning(
                "live view: the workstation cannot decode every stream: %d to keyframes only",
                done,
            )
            for track in self._tracks.values():
                track.samples.clear()
            self._last_action = now
