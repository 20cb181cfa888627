"""The masked copy of a clip: decoded with PyAV, every mask region covered, re-encoded to H.264.

The regions are filled in the decoded picture's own YUV planes, where they lie (no conversion to
RGB and back, and no copy unless the decoder still refers to the picture): luma with black, both
chroma planes with grey, the chroma over every 2×2 block that touches a region. Each region is
grown by the plan's margin (the encoder smears edges over a few pixels), and a rectangle further to
the encoder's 16×16 blocks. A solid fill keeps nothing of what it covers; blur (only with the
operator's acceptance) replaces the region with a strongly blurred copy. Audio and every other
stream are dropped: sound is not masked. The output is a plain MP4 with one H.264 track at the
original's size and frame timing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from console.camera_facts import Still
from console.errors import N_, DiskFull, KnownError
from console.ports import MaskedPictures, MaskedVideo, MaskingTools, MaskRenderer
from console.subject_access.masks import Fill, MaskPlan, Point

_log = logging.getLogger(__name__)

#: Black in limited-range YUV (what H.264 video carries).
_BLACK_Y, _GREY_UV = 16, 128
#: A rectangle is grown outwards to H.264's 16×16 macroblocks: a block the fill covers whole is
#: flat black, which the encoder codes for almost nothing, where a block cut by the fill's edge
#: costs it a hard edge to code in every frame (a masked copy then costs less than a plain
#: re-encode; benchmarks/README.md). Covering more than asked is safe.
_BLOCK = 16
#: How often a cancel is looked at, in frames (a second of 25 fps video).
_EVERY = 25
#: The blur's kernel as a share of the region's size: large enough that no feature stays.
_BLUR_SHARE = 0.5


class MaskingFailed(KnownError):
    """The masked copy could not be made; no file is left."""


class MaskingCancelled(MaskingFailed):
    """The operator stopped the masking."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class PyAvMaskRenderer(MaskRenderer):
    """The MaskRenderer port with PyAV and libx264 (see the module's docstring)."""

    def __init__(self, *, preset: str = "veryfast", crf: int = 20) -> None:
        self._options = {"preset": preset, "crf": str(crf)}

    def render(
        self,
        source: Path,
        plan: MaskPlan,
        out: Path,
        *,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> MaskedVideo:
        try:
            derived_from = sha256_file(source)
            result = self._render(source, plan, out, progress, cancelled)
        except BaseException as err:
            out.unlink(missing_ok=True)
            if isinstance(err, OSError | av.FFmpegError):
                raise _failed(source, out, err) from err
            raise
        frames, width, height, seconds = result
        return MaskedVideo(
            frames=frames,
            width=width,
            height=height,
            seconds=seconds,
            derived_from=derived_from,
            bytes=out.stat().st_size,
        )

    def _render(
        self,
        source: Path,
        plan: MaskPlan,
        out: Path,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> tuple[int, int, int, float]:
        with av.open(str(source)) as reader, av.open(str(out), mode="w", format="mp4") as writer:
            stream = reader.streams.video[0]
            stream.thread_type = "AUTO"
            width, height = stream.codec_context.width, stream.codec_context.height
            rate = stream.average_rate or stream.guessed_rate or Fraction(25)
            time_base = stream.time_base or Fraction(1, 90_000)
            encoder: Any = writer.add_stream("libx264", rate=rate, options=self._options)
            encoder.width, encoder.height = width, height
            encoder.pix_fmt = "yuv420p"
            encoder.time_base = time_base
            total = stream.frames or 0
            first_pts: int | None = None
            frames, last_pts = 0, 0
            for index, frame in enumerate(reader.decode(stream)):
                if index % _EVERY == 0:
                    if cancelled():
                        raise MaskingCancelled(N_("The masking was cancelled."))
                    if total:
                        progress(min(1.0, index / total))
                shapes = plan.shapes_at(index)
                if frame.format.name != "yuv420p":
                    masked = frame.reformat(format="yuv420p")
                else:
                    masked = frame
                if shapes:
                    # Filled where it lies; a picture the decoder still refers to (a later
                    # frame is predicted from it) is copied first, so nothing leaks forward.
                    masked.make_writable()
                    cover(planes(masked), shapes, plan)
                pts = frame.pts if frame.pts is not None else index
                if first_pts is None:
                    first_pts = pts
                # Strictly increasing, on the original's timeline from 0.
                last_pts = max(pts - first_pts, last_pts + 1 if frames else 0)
                masked.pts = last_pts
                masked.time_base = time_base
                for packet in encoder.encode(masked):
                    writer.mux(packet)
                frames += 1
            for packet in encoder.encode(None):
                writer.mux(packet)
        if frames == 0:
            raise MaskingFailed(N_("The clip {path} holds no video frames."), path=source)
        progress(1.0)
        seconds = float((last_pts * time_base) + 1 / rate)
        return frames, width, height, seconds


def planes(frame: av.VideoFrame) -> tuple[Any, Any, Any]:
    """Writable views of a yuv420p frame's Y, U and V planes, without their row padding."""
    views = []
    for plane in frame.planes:
        rows = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)
        views.append(rows[:, : plane.width])
    y, u, v = views
    return y, u, v


def cover(picture: tuple[Any, Any, Any], shapes: Sequence[Sequence[Point]], plan: MaskPlan) -> None:
    """Cover `shapes` (grown by the plan's margin) in a yuv420p picture given as its three
    planes (see `planes`)."""
    if not shapes:
        return
    margin = plan.margin
    polygons = []
    for shape in shapes:
        box = _upright_rect(shape)
        if box is not None and plan.fill is Fill.SOLID:
            _fill_rect(picture, box, margin)
        else:
            polygons.append(shape)
    if polygons:
        _cover_polygons(picture, polygons, plan)


def _upright_rect(shape: Sequence[Point]) -> tuple[float, float, float, float] | None:
    """x0, y0, x1, y1 when the shape is an upright rectangle (every track of the assist is)."""
    if len(shape) != 4:
        return None
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = shape
    if ay == by and bx == cx and cy == dy and dx == ax:
        return min(ax, bx), min(ay, cy), max(ax, bx), max(ay, cy)
    return None


def _fill_rect(
    picture: tuple[Any, Any, Any], box: tuple[float, float, float, float], margin: int
) -> None:
    """A rectangle filled by slices: no mask to draw, for the common case. Its edges are
    rounded outwards, the margin added, and the whole grown outwards to the encoder's blocks;
    the chroma covers every 2×2 block it touches."""
    luma, u, v = picture
    height, width = luma.shape
    x0 = max(0, int(np.floor(box[0])) - margin) // _BLOCK * _BLOCK
    y0 = max(0, int(np.floor(box[1])) - margin) // _BLOCK * _BLOCK
    x1 = min(width, -(-(int(np.ceil(box[2])) + margin + 1) // _BLOCK) * _BLOCK)
    y1 = min(height, -(-(int(np.ceil(box[3])) + margin + 1) // _BLOCK) * _BLOCK)
    if x1 <= x0 or y1 <= y0:
        return
    luma[y0:y1, x0:x1] = _BLACK_Y
    cx0, cy0, cx1, cy1 = x0 // 2, y0 // 2, (x1 + 1) // 2, (y1 + 1) // 2
    u[cy0:cy1, cx0:cx1] = _GREY_UV
    v[cy0:cy1, cx0:cx1] = _GREY_UV


def _cover_polygons(
    picture: tuple[Any, Any, Any], shapes: Sequence[Sequence[Point]], plan: MaskPlan
) -> None:
    luma, u, v = picture
    height, width = luma.shape
    margin = plan.margin
    points = [np.round(np.asarray(s, dtype=np.float64)).astype(np.int32) for s in shapes]
    # Only the rectangle around every shape is touched: most of a frame is not masked.
    x0 = max(0, min(int(p[:, 0].min()) for p in points) - margin - 2) // 2 * 2
    y0 = max(0, min(int(p[:, 1].min()) for p in points) - margin - 2) // 2 * 2
    x1 = min(width, max(int(p[:, 0].max()) for p in points) + margin + 3)
    y1 = min(height, max(int(p[:, 1].max()) for p in points) + margin + 3)
    if x1 <= x0 or y1 <= y0:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    offset = np.array([x0, y0], np.int32)
    shifted = [p - offset for p in points]
    for shape in shifted:
        # One at a time: several polygons in one call fill by the even-odd rule, and two
        # overlapping regions would uncover what they share.
        cv2.fillPoly(mask, [shape], 255)
        if margin:
            cv2.polylines(mask, [shape], True, 255, thickness=2 * margin + 1)
    # A chroma sample is covered when any of the four luma pixels it colours is.
    ch, cw = (y1 - y0 + 1) // 2, (x1 - x0 + 1) // 2
    padded = np.zeros((ch * 2, cw * 2), np.uint8)
    padded[: y1 - y0, : x1 - x0] = mask
    cmask = (padded[0::2, 0::2] | padded[1::2, 0::2] | padded[0::2, 1::2] | padded[1::2, 1::2]) > 0
    cy0, cx0 = y0 // 2, x0 // 2
    cmask = cmask[: u.shape[0] - cy0, : u.shape[1] - cx0]
    cy1, cx1 = cy0 + cmask.shape[0], cx0 + cmask.shape[1]
    lmask = mask > 0
    if plan.fill is Fill.SOLID:
        np.copyto(luma[y0:y1, x0:x1], _BLACK_Y, where=lmask)
        np.copyto(u[cy0:cy1, cx0:cx1], _GREY_UV, where=cmask)
        np.copyto(v[cy0:cy1, cx0:cx1], _GREY_UV, where=cmask)
        return
    for plane, m, (a, b, c, d) in (
        (luma, lmask, (y0, y1, x0, x1)),
        (u, cmask, (cy0, cy1, cx0, cx1)),
        (v, cmask, (cy0, cy1, cx0, cx1)),
    ):
        roi = plane[a:b, c:d]
        size = max(3, int(max(roi.shape) * _BLUR_SHARE) | 1)
        blurred = cv2.GaussianBlur(roi, (size, size), 0)
        roi[m] = blurred[m]


def _failed(source: Path, out: Path, err: BaseException) -> KnownError:
    if getattr(err, "errno", None) == 28:  # ENOSPC
        return DiskFull(N_("The disk holding {path} is full: the masking stopped."), path=out)
    return MaskingFailed(
        N_("The masked copy of {path} could not be made: {reason}"), path=source, reason=err
    )


class PyAvPictures(MaskedPictures):
    """The MaskedPictures port with PyAV: decodes up to the frame asked for (a masked copy is
    short, and a reviewer steps forward)."""

    def picture(self, path: Path, frame: int, max_width: int) -> Still:
        try:
            with av.open(str(path)) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                width, height = stream.codec_context.width, stream.codec_context.height
                scale = min(1.0, max_width / width)
                size = (max(2, round(width * scale) // 2 * 2), max(2, round(height * scale)))
                for index, decoded in enumerate(container.decode(stream)):
                    if index == frame:
                        rgb = decoded.to_ndarray(format="rgb24", width=size[0], height=size[1])
                        return Still(size[0], size[1], rgb.tobytes())
        except (OSError, av.FFmpegError) as err:
            raise MaskingFailed(
                N_("The clip {path} cannot be read: {reason}"), path=path, reason=err
            ) from err
        raise MaskingFailed(N_("The clip {path} has no frame {frame}."), path=path, frame=frame)


def masking_tools() -> MaskingTools:
    """The installation's masking adapters (for the composition roots)."""
    from devices.media.detect import OpenCvAssist
    from devices.media.remux import Mp4Remuxer

    return MaskingTools(Mp4Remuxer(), OpenCvAssist(), PyAvMaskRenderer(), PyAvPictures())
