"""The picture a recorded segment shows at an offset (console.ports.StillReader), for an alarm's
details: decoded from the keyframe before it up to the first picture at or after it."""

from __future__ import annotations

from pathlib import Path

import av
import av.error

from console.camera_facts import Still
from console.errors import N_, StorageError

#: Pictures decoded at most to reach the offset (a GOP is a few seconds): a broken timestamp
#: cannot make one still cost a whole segment's decoding.
MAX_FRAMES = 600


def packed_rgb(frame: av.VideoFrame) -> Still:
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    data = bytes(plane)
    row = 3 * rgb.width
    stride = plane.line_size
    packed = (
        data[: row * rgb.height]
        if stride == row
        else b"".join(data[i * stride : i * stride + row] for i in range(rgb.height))
    )
    return Still(width=rgb.width, height=rgb.height, rgb=packed)


def read_still(path: Path, offset_s: float) -> Still | None:
    """The first picture at or after `offset_s` seconds into the segment at `path`; the last
    one before it when the segment ends sooner; None when it holds no picture."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            video = container.streams.video[0]
            base = video.time_base
            start = video.start_time or 0
            if base is None:
                return None
            target = start + int(offset_s / base)
            # Back to the keyframe at or before the target; decoding goes forward from there.
            container.seek(target, stream=video, backward=True, any_frame=False)
            last = None
            for count, frame in enumerate(container.decode(video)):
                last = frame
                if frame.pts is None or frame.pts >= target or count >= MAX_FRAMES:
                    break
            return None if last is None else packed_rgb(last)
    except (OSError, av.error.FFmpegError) as err:
        raise StorageError(
            N_("The recording {file} cannot be read: {reason}"), file=path.name, reason=str(err)
        ) from err
