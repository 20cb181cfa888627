"""A data dir as a killed recorder leaves it: segment files cut short in their last fragment,
their index rows still open. Used by the tests and benchmarks/bench_gui_repair.py."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import sqlite_utils

from console.app import Core
from console.clock import to_iso
from console.media.packets import Profile, StreamInfo
from console.recording.archive import segment_path
from devices.media.recorder import Mp4SegmentFormat

FPS = 25
GOP = 25
SIZE = (160, 96)
#: bytes cut off the end of each file: inside the last fragment's mdat
CUT = 200


@dataclass(frozen=True, slots=True)
class Crashed:
    segment_id: int
    path: Path
    #: what a repair must leave: the file up to its last whole fragment
    valid_bytes: int
    #: and the time those fragments hold
    seconds: float


def encoded(gops: int = 3) -> tuple[StreamInfo, list[tuple[bytes, bool]]]:
    """`gops` seconds of H.264 as a camera sends it (avcC extradata, one keyframe a second)."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        stream = out.add_stream(
            "libx264",
            rate=FPS,
            options={"g": str(GOP), "keyint_min": str(GOP), "sc_threshold": "0"},
        )
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        for index in range(gops * GOP):
            frame = av.VideoFrame(*SIZE, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([index * 7 % 256]) * plane.buffer_size)
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    buffer.seek(0)
    with av.open(buffer, mode="r", format="mp4") as container:
        video = container.streams.video[0]
        info = StreamInfo(
            codec="h264",
            width=SIZE[0],
            height=SIZE[1],
            time_base=Fraction(1, 90_000),
            extradata=bytes(video.codec_context.extradata or b""),
            fps=float(FPS),
        )
        packets = [(bytes(p), p.is_keyframe) for p in container.demux(video) if p.size]
    return info, packets


def crash_segments(
    core: Core, camera_id: int, count: int, start: datetime, scratch: Path
) -> list[Crashed]:
    """`count` segments of 3 s from `start` on, each left as a crash leaves it."""
    info, packets = encoded()
    fmt = Mp4SegmentFormat()
    whole = scratch / "whole.mp4"
    writer = fmt.create(whole, info)
    ticks = 90_000 // FPS
    for number, (data, keyframe) in enumerate(packets):
        writer.write(data, number * ticks, number * ticks, keyframe)
    size = writer.close()
    cut = scratch / "cut.mp4"
    shutil.copyfile(whole, cut)
    fmt.truncate(cut, size - CUT)
    scan = fmt.scan(cut)
    assert 0 < scan.valid_bytes < size - CUT, "the cut must fall inside the last fragment"
    seconds = scan.duration_ticks / 90_000
    rows: list[tuple[str, datetime]] = []
    for number in range(count):
        moment = start + timedelta(seconds=3 * number)
        relative = segment_path(camera_id, Profile.MAIN, moment)
        target = core.recordings.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cut, target)
        rows.append((relative, moment))

    def index(db: sqlite_utils.Database) -> list[int]:
        # As RecordingService.open_segment indexes a segment about to be written, all at once.
        ids = []
        for relative, moment in rows:
            cursor = db.execute(
                "INSERT INTO segments (camera_id, profile, start_utc, end_utc, bytes, path, state)"
                " VALUES (?, ?, ?, ?, 0, ?, 'open')",
                (camera_id, Profile.MAIN.value, to_iso(moment), to_iso(moment), relative),
            )
            ids.append(int(cursor.lastrowid or 0))
        return ids

    ids = core.db.write(index).result()
    return [
        Crashed(segment_id, core.recordings.root / relative, scan.valid_bytes, seconds)
        for segment_id, (relative, _) in zip(ids, rows, strict=True)
    ]
