"""The media hub's vocabulary: opaque packets of a camera stream and the stream's state.

The core never decodes or parses video: a packet is bytes with timestamps and a keyframe flag,
produced by an ingest adapter in devices/ (PyAV) and consumed by the live-view feed (libvlc) and
later the recorder.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Protocol


class Profile(enum.StrEnum):
    MAIN = "main"
    SUB = "sub"


@dataclass(frozen=True, slots=True)
class StreamKey:
    """One stream of one camera."""

    camera_id: int
    profile: Profile = Profile.SUB


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What a stream carries, known once it is open (from the SDP / codec parameters)."""

    codec: str
    width: int
    height: int
    time_base: Fraction
    #: Codec extradata (H.264: SPS/PPS in avcC or Annex B), as the demuxer gave it.
    extradata: bytes = field(default=b"", repr=False)
    #: Frames per second when the stream says so, else None.
    fps: float | None = None


@dataclass(frozen=True, slots=True)
class Packet:
    """One demuxed packet (one access unit for H.264), never decoded in the core."""

    data: bytes = field(repr=False)
    pts: int | None
    dts: int | None
    keyframe: bool
    time_base: Fraction
    duration: int = 0
    #: time.monotonic() when it arrived (for the watchdog and latency figures).
    received: float = 0.0

    @property
    def seconds(self) -> float | None:
        """Its presentation time in seconds, if it has one."""
        stamp = self.pts if self.pts is not None else self.dts
        return None if stamp is None else float(stamp * self.time_base)


class StreamState(enum.StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    STALE = "stale"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class StreamStatus:
    state: StreamState
    #: When the stream entered this state (UTC).
    since: datetime
    #: For OFFLINE (and STALE): why, in words an operator understands.
    reason: str = ""
    #: Seconds until the next reconnect attempt, when one is scheduled.
    retry_in_s: float | None = None


class Consumer(Protocol):
    """A viewer (or the recorder) of one stream. Called on the hub's threads: hand work over to
    your own thread and return quickly."""

    def on_info(self, info: StreamInfo) -> None: ...

    def on_packet(self, packet: Packet) -> None: ...

    def on_status(self, status: StreamStatus) -> None: ...


class Source(Protocol):
    """One open ingest session (an RTSP session). Implemented in devices/ (PyAV)."""

    def info(self) -> StreamInfo:
        """The stream's parameters (available once opened)."""
        ...

    def read(self) -> Packet | None:
        """The next packet, blocking; None at the end of the stream. Raises KnownError when the
        camera fails (with an operator-readable reason) and after `close()`."""
        ...

    def close(self) -> None:
        """Ends the session; a `read()` blocked in another thread returns or raises soon after."""
        ...


#: Opens a stream's source (blocking, with a timeout; raises KnownError with a plain reason).
OpenSource = Callable[[StreamKey], Source]
