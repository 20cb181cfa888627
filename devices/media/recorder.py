"""Recording segments: a camera's packets remuxed (never decoded) into fragmented MP4 files.

`movflags=frag_keyframe+empty_moov+default_base_moof`: the file begins with an empty `moov`, and
every GOP becomes a `moof`+`mdat` fragment written (and flushed to the OS) when the next keyframe
arrives. A process killed at any moment leaves a file whose fragments before the one being
built are whole: `scan` finds where the last whole fragment ends and `truncate` cuts the rest, so
a crash loses at most that last fragment (one GOP). 90 kHz timestamps from the segment's start.

Measured (benchmarks/bench_recording.py): docs/recording-performance.md.
"""

from __future__ import annotations

import errno
import io
import logging
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO

import av

from console.errors import N_, DiskFull, KnownError
from console.media.packets import StreamInfo
from devices.media.h264 import annexb_parameter_sets, to_annexb

_log = logging.getLogger(__name__)

CLOCK = 90_000
_TIME_BASE = Fraction(1, CLOCK)
_MOVFLAGS = "frag_keyframe+empty_moov+default_base_moof"
#: flush_packets: every fragment leaves PyAV's I/O buffer when it is written, so a killed
#: process loses only the fragment being built.
_CONTAINER_OPTIONS = {"movflags": _MOVFLAGS, "flush_packets": "1"}
_DEFAULT_FPS = 25.0


class SegmentFailed(KnownError):
    """A segment file cannot be written (other than a full disk)."""


def _is_disk_full(err: BaseException) -> bool:
    return getattr(err, "errno", None) in (errno.ENOSPC, errno.EDQUOT)


def _disk_full(path: Path) -> DiskFull:
    return DiskFull(N_("The disk holding {path} is full: recording is paused."), path=path)


class Mp4Writer:
    """One segment file being written."""

    def __init__(self, path: Path, info: StreamInfo) -> None:
        if info.codec != "h264":
            raise SegmentFailed(
                N_("Recording takes H.264 video; this camera sends {codec}. Set it to H.264."),
                codec=info.codec,
            )
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._container = av.open(
                str(path), mode="w", format="mp4", container_options=_CONTAINER_OPTIONS
            )
        except (OSError, av.FFmpegError) as err:
            if _is_disk_full(err):
                raise _disk_full(path) from err
            raise SegmentFailed(
                N_("The recording file {path} cannot be created: {reason}"),
                path=path,
                reason=err,
            ) from err
        rate = Fraction(info.fps).limit_denominator(1001) if info.fps else None
        self._stream = self._container.add_mux_stream(
            "h264", rate=rate, width=info.width, height=info.height
        )
        self._stream.time_base = _TIME_BASE
        self._parameter_sets, self._length_size = annexb_parameter_sets(info.extradata)
        self._frame_ticks = round(CLOCK / (info.fps or _DEFAULT_FPS))
        self._closed = False

    def write(self, data: bytes, dts: int, pts: int, keyframe: bool) -> None:
        out = av.Packet(to_annexb(data, self._parameter_sets, self._length_size, keyframe))
        out.stream = self._stream
        out.time_base = _TIME_BASE
        out.dts = dts
        out.pts = pts
        out.duration = self._frame_ticks
        out.is_keyframe = keyframe
        try:
            self._container.mux_one(out)
        except (OSError, av.FFmpegError) as err:
            if _is_disk_full(err):
                raise _disk_full(self.path) from err
            raise SegmentFailed(
                N_("Writing the recording file {path} failed: {reason}"),
                path=self.path,
                reason=err,
            ) from err

    def close(self) -> int:
        failure: BaseException | None = None
        if not self._closed:
            self._closed = True
            try:
                self._container.close()
            except (OSError, av.FFmpegError) as err:
                failure = err
        if failure is not None:
            # The file is closed; its last fragment may be cut short: the caller scans it.
            if _is_disk_full(failure):
                raise _disk_full(self.path)
            raise SegmentFailed(
                N_("Finishing the recording file {path} failed: {reason}"),
                path=self.path,
                reason=failure,
            )
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


@dataclass(frozen=True, slots=True)
class Mp4Scan:
    valid_bytes: int
    duration_ticks: int
    packets: int


class Mp4SegmentFormat:
    """The recorder's segments: fragmented MP4."""

    suffix = ".mp4"

    def create(self, path: Path, info: StreamInfo) -> Mp4Writer:
        return Mp4Writer(path, info)

    def scan(self, path: Path) -> Mp4Scan:
        try:
            with open(path, "rb") as handle:
                valid = whole_fragments(handle)
                if valid == 0:
                    return Mp4Scan(0, 0, 0)
                handle.seek(0)
                duration, packets = _measure(io.BytesIO(handle.read(valid)))
        except OSError as err:
            _log.warning("cannot read %s: %s", path, err)
            return Mp4Scan(0, 0, 0)
        return Mp4Scan(valid if packets else 0, duration, packets)

    def truncate(self, path: Path, valid_bytes: int) -> None:
        os.truncate(path, valid_bytes)


def whole_fragments(handle: IO[bytes]) -> int:
    """Bytes from the start of a fragmented MP4 file up to the end of its last whole fragment
    (`moof` followed by its whole `mdat`), after `ftyp` and `moov`; 0 when there is none. Reads
    only the box headers."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    pos = 0
    valid = 0
    seen_moov = False
    moof_at: int | None = None
    while pos + 8 <= size:
        handle.seek(pos)
        header = handle.read(16)
        length = int.from_bytes(header[0:4], "big")
        kind = header[4:8]
        if length == 1 and len(header) >= 16:
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:
            length = size - pos
        if length < 8 or pos + length > size:
            break
        if kind == b"moov":
            seen_moov = True
        elif kind == b"moof":
            moof_at = pos
        elif kind == b"mdat" and seen_moov and moof_at is not None:
            valid = pos + length
            moof_at = None
        elif kind == b"mfra" and valid:
            valid = pos + length
        pos += length
    return valid


def _measure(data: IO[bytes]) -> tuple[int, int]:
    """(ticks from the first packet's dts to the end of the last one, packets) of a whole file."""
    first: int | None = None
    end = 0
    packets = 0
    try:
        with av.open(data, mode="r", format="mp4") as container:
            stream = container.streams.video[0]
            scale = stream.time_base or _TIME_BASE
            for packet in container.demux(stream):
                if packet.size == 0 or packet.dts is None:
                    continue
                dts = round(packet.dts * scale * CLOCK)
                if first is None:
                    first = dts
                end = max(end, dts + round((packet.duration or 0) * scale * CLOCK))
                packets += 1
    except (av.FFmpegError, IndexError) as err:
        _log.warning("a recording segment could not be read to its end: %s", err)
    return (end - first if first is not None else 0), packets
