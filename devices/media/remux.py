"""Evidence export's video: recorded fragmented-MP4 segments copied into one plain MP4 file.

The packets are copied as they were recorded (the bytes the camera sent, with the SPS/PPS the
recorder put before each keyframe and every SEI), never decoded or re-encoded: only their
timestamps are rewritten, so that the segments of one continuous recording follow each other on
one timeline starting at 0. The file begins at the keyframe at or before the requested start
(a decoder needs it) and ends with the last packet shown before the requested end. A segment
still being written is read up to its last whole fragment (devices/media/recorder.py).
"""

from __future__ import annotations

import errno
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from console.errors import N_, DiskFull, KnownError
from console.export.order import ExportCancelled
from console.ports import Remuxed, RemuxSource
from devices.media.recorder import whole_fragments

_log = logging.getLogger(__name__)

CLOCK = 90_000
_TIME_BASE = Fraction(1, CLOCK)
_NO_PROBING = {"probesize": "32", "analyzeduration": "0"}
#: How many packets between two looks at `cancelled` and two progress reports: about a second
#: of 25 fps video, which a 1080p export copies in well under a millisecond.
_EVERY = 25


class ExportReadFailed(KnownError):
    """A recorded segment cannot be read for an export."""


class Mp4Remuxer:
    """The Remuxer port with PyAV (see the module's docstring)."""

    def remux(
        self,
        sources: Sequence[RemuxSource],
        start: datetime,
        end: datetime,
        out: Path,
        *,
        progress: Callable[[int, float], None],
        cancelled: Callable[[], bool],
    ) -> Remuxed | None:
        writer = _Writer(out)
        try:
            for source in sources:
                if writer.done:
                    break
                with _opened(source) as container:
                    if container is not None:
                        writer.copy(container, source, start, end, progress, cancelled)
            return writer.finish(progress)
        except BaseException:
            writer.abandon()
            raise


@contextmanager
def _opened(source: RemuxSource) -> Iterator[Any | None]:
    """The segment's container; None for a segment being written that holds no whole
    fragment yet (nothing of it is recorded yet)."""
    try:
        if source.open:
            # Being written: only the whole fragments, never the one the recorder is building.
            with open(source.path, "rb") as handle:
                valid = whole_fragments(handle)
                handle.seek(0)
                data = io.BytesIO(handle.read(valid))
            container = (
                av.open(data, mode="r", format="mp4", options=_NO_PROBING) if valid else None
            )
        else:
            container = av.open(str(source.path), mode="r", options=_NO_PROBING)
    except (OSError, av.FFmpegError) as err:
        raise ExportReadFailed(
            N_("The recording file {path} cannot be read: {reason}"), path=source.path, reason=err
        ) from err
    try:
        yield container
    finally:
        if container is not None:
            container.close()


class _Writer:
    """One output file; opened at the first packet it keeps."""

    def __init__(self, out: Path) -> None:
        self._out = out
        self._container: Any = None
        self._stream: Any = None
        #: The requested start's GOP, held until it is known whether the start falls in it.
        self._pending: list[tuple[Any, RemuxSource, int, int, int]] = []
        #: Ticks added to the current segment's own timestamps (set at its first kept packet).
        self._shift: int | None = None
        self._template: Any = None
        self._origin: datetime | None = None
        self._last_dts = -1
        self._last_end: datetime | None = None
        self._first: datetime | None = None
        self.packets = 0
        self.keyframes = 0
        self._read = 0
        self.done = False

    def copy(
        self,
        container: Any,
        source: RemuxSource,
        start: datetime,
        end: datetime,
        progress: Callable[[int, float], None],
        cancelled: Callable[[], bool],
    ) -> None:
        stream = container.streams.video[0]
        self._template = stream
        scale = stream.time_base or _TIME_BASE
        first_dts: int | None = None
        self._shift = None
        try:
            for count, packet in enumerate(container.demux(stream)):
                if packet.size == 0 or packet.dts is None:
                    continue
                if count % _EVERY == 0:
                    if cancelled():
                        raise ExportCancelled(N_("The export was cancelled."))
                    if self._first is not None and self._last_end is not None:
                        progress(self._read, (self._last_end - self._first).total_seconds())
                if first_dts is None:
                    first_dts = packet.dts
                pts = packet.pts if packet.pts is not None else packet.dts
                moment = source.start + timedelta(seconds=float((pts - first_dts) * scale))
                # The end is cut in decode order, so that no frame shown before it is lost to
                # reordering (B-frames); the start at the keyframe before it, as shown.
                if source.start + timedelta(seconds=float((packet.dts - first_dts) * scale)) >= end:
                    self.done = True
                    return
                # On the export's own 90 kHz timeline, from the segment's recorded start.
                dts = round((packet.dts - first_dts) * scale * CLOCK)
                lag = round((pts - packet.dts) * scale * CLOCK)
                duration = round((packet.duration or 0) * scale * CLOCK)
                if packet.is_keyframe and self._pending and self._pending[0][1] is not source:
                    # The start fell between two segments: this keyframe begins the export.
                    self._pending.clear()
                if moment < start:
                    if packet.is_keyframe:
                        self._pending.clear()
                    if packet.is_keyframe or self._pending:
                        self._pending.append((packet, source, dts, lag, duration))
                    continue
                for held, _, held_dts, held_lag, held_duration in self._pending:
                    self._keep(held, source.start, held_dts, held_lag, held_duration)
                self._pending.clear()
                if self._container is None and not packet.is_keyframe:
                    continue  # nothing decodable before the first keyframe
                self._keep(packet, source.start, dts, lag, duration)
        except av.FFmpegError as err:
            if not source.open:
                raise ExportReadFailed(
                    N_("The recording file {path} cannot be read: {reason}"),
                    path=source.path,
                    reason=err,
                ) from err
            # The end of a segment being written: what was whole is copied.
            _log.info("the segment being written ends here for the export: %s", err)

    def _shift_for(self, segment_start: datetime, first_dts: int) -> int:
        """Ticks to add to a segment's own timestamps: where its start lies on the export's
        timeline, never before the previous packet (index times may overlap by a frame)."""
        assert self._origin is not None
        offset = round((segment_start - self._origin).total_seconds() * CLOCK) + first_dts
        return max(offset, self._last_dts + 1) - first_dts

    def _keep(
        self, packet: Any, segment_start: datetime, dts: int, lag: int, duration: int
    ) -> None:
        if self._container is None:
            self._open(self._template, segment_start, dts)
            self._shift = -dts
        elif self._shift is None:
            self._shift = self._shift_for(segment_start, dts)
        out_dts = max(dts + self._shift, self._last_dts + 1)
        packet.stream = self._stream
        packet.time_base = _TIME_BASE
        packet.dts = out_dts
        packet.pts = out_dts + lag
        packet.duration = duration
        self._read += packet.size
        try:
            self._container.mux(packet)
        except (OSError, av.FFmpegError) as err:
            raise _write_failed(self._out, err) from err
        assert self._origin is not None
        self._last_dts = out_dts
        shown = self._origin + timedelta(seconds=(out_dts + lag) / CLOCK)
        if self._first is None:
            self._first = shown
        self._last_end = max(self._last_end or shown, shown + timedelta(seconds=duration / CLOCK))
        self.packets += 1
        self.keyframes += int(packet.is_keyframe)

    def _open(self, stream: Any, segment_start: datetime, dts: int) -> None:
        try:
            self._container = av.open(str(self._out), mode="w", format="mp4")
            self._stream = self._container.add_stream_from_template(stream)
            self._stream.time_base = _TIME_BASE
        except (OSError, av.FFmpegError) as err:
            raise _write_failed(self._out, err) from err
        self._origin = segment_start + timedelta(seconds=dts / CLOCK)

    def finish(self, progress: Callable[[int, float], None]) -> Remuxed | None:
        if self._container is None:
            return None
        try:
            self._container.close()
        except (OSError, av.FFmpegError) as err:
            raise _write_failed(self._out, err) from err
        self._container = None
        assert self._first is not None
        assert self._last_end is not None
        progress(self._read, (self._last_end - self._first).total_seconds())
        return Remuxed(
            start=self._first,
            end=self._last_end,
            packets=self.packets,
            keyframes=self.keyframes,
            bytes=self._out.stat().st_size,
        )

    def abandon(self) -> None:
        """Close and delete what was written (a cancel or a failure leaves no file)."""
        if self._container is not None:
            try:
                self._container.close()
            except (OSError, av.FFmpegError) as err:
                _log.info("closing an abandoned export file: %s", err)
            self._container = None
        self._out.unlink(missing_ok=True)


def _write_failed(path: Path, err: BaseException) -> KnownError:
    if getattr(err, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(N_("The disk holding {path} is full: the export stopped."), path=path)
    return KnownError(
        N_("The export file {path} cannot be written: {reason}"), path=path, reason=err
    )
