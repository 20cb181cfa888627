"""The masking assist: people and faces found with OpenCV's shipped detectors, tracked by overlap.

Every 5th frame is decoded to a grey copy at most 640 pixels wide (PyAV scales it while
converting), and searched with the HOG people detector and the Haar frontal-face cascade that
opencv-python-headless ships, each detector on a thread of its own while the next samples are
decoded (the three overlap on two cores). A face stands for the person below it (a box of head,
shoulders and body estimated from the face), so someone half hidden is still covered. Boxes of one
person found by both detectors are merged; boxes are then tied into tracks by their overlap (IoU)
with each track's last box. A track's box is interpolated between the frames where it was seen and
held for one sampling interval before its first and after its last sighting, so the frames between
samples are covered too. The operator corrects the proposal (manual regions, the requester's track
excluded) before anything is rendered.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from console.errors import N_, KnownError
from console.ports import DetectionAssist
from console.subject_access.masks import Keyframe, Region, Shape, rect, region

_log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x, y, w, h in the original frame's pixels

#: Detect on every n-th frame: people move little in 0.2 s at 25 fps, and detection is the cost.
EVERY = 5
#: The reduced copy's largest width.
MAX_WIDTH = 640
#: Samples decoded ahead of the detectors (each a grey copy of at most 640×360, 230 KB).
AHEAD = 4
#: Overlap that ties a box to a track; low, because a box moves between samples.
MATCH_IOU = 0.15
#: Samples a track may go unseen (a detector misses a frame) and still continue.
MAX_MISSES = 2
#: A face box grown to the person: face widths to each side, face heights above and below it
#: (shoulders are about three faces wide, a standing body about seven and a half heads tall).
_FACE_TO_PERSON = (1.0, 0.5, 7.5)


class AssistFailed(KnownError):
    """The clip cannot be read for the detection assist."""


@dataclass
class _Track:
    id: int
    seen: list[tuple[int, Box]] = field(default_factory=list)
    misses: int = 0


class OpenCvAssist(DetectionAssist):
    """The DetectionAssist port with OpenCV (see the module's docstring)."""

    def __init__(self, *, every: int = EVERY, max_width: int = MAX_WIDTH) -> None:
        self._every = every
        self._max_width = max_width
        _Detectors()  # a missing cascade is said now, not at the first proposal

    def propose(
        self,
        source: Path,
        *,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> list[Region]:
        samples: list[tuple[int, list[Box]]] = []
        frames = 0
        # Each detector on a thread of its own, fed while the next samples are decoded: the
        # three overlap on the two cores. One thread each, and detectors of this proposal's own,
        # as a Haar cascade object must not be used by two threads at once.
        detectors = _Detectors()
        people = ThreadPoolExecutor(1, thread_name_prefix="assist-people")
        faces = ThreadPoolExecutor(1, thread_name_prefix="assist-faces")
        pending: deque[tuple[int, Future[list[Box]], Future[list[Box]]]] = deque()
        try:
            with av.open(str(source)) as container:
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                width, height = stream.codec_context.width, stream.codec_context.height
                scale = min(1.0, self._max_width / width)
                small = (max(2, round(width * scale) // 2 * 2), max(2, round(height * scale)))
                factor, size = width / small[0], (width, height)
                total = stream.frames or 0
                for index, frame in enumerate(container.decode(stream)):
                    frames = index + 1
                    if index % self._every:
                        continue
                    if cancelled():
                        raise AssistFailed(N_("The detection was cancelled."))
                    grey = frame.to_ndarray(format="gray", width=small[0], height=small[1])
                    pending.append(
                        (
                            index,
                            people.submit(detectors.people, grey, factor),
                            faces.submit(detectors.faces, grey, factor, size),
                        )
                    )
                    while len(pending) > AHEAD:
                        samples.append(_collect(pending.popleft()))
                    if total:
                        progress(min(1.0, index / total))
                while pending:
                    samples.append(_collect(pending.popleft()))
        except (OSError, av.FFmpegError) as err:
            raise AssistFailed(
                N_("The clip {path} cannot be read: {reason}"), path=source, reason=err
            ) from err
        finally:
            people.shutdown(cancel_futures=True)
            faces.shutdown(cancel_futures=True)
        progress(1.0)
        return tracks_to_regions(track(samples), self._every, frames)


class _Detectors:
    """OpenCV's people and face detectors, for one proposal (neither may be shared between
    threads that use them at once)."""

    def __init__(self) -> None:
        self._hog = cv2.HOGDescriptor()
        self._hog.setSVMDetector(np.asarray(cv2.HOGDescriptor.getDefaultPeopleDetector()))
        cascades = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
        self._faces = cv2.CascadeClassifier(str(cascades / "haarcascade_frontalface_default.xml"))
        if self._faces.empty():
            raise AssistFailed(N_("OpenCV's face detector could not be loaded."))

    def people(self, grey: Any, factor: float) -> list[Box]:
        """The HOG people detector's boxes, in the original's pixels."""
        # Steps of 1.2 between scales: half the work of 1.05, and a person between two scales
        # still overlaps the window enough to be found a frame or two later.
        found, _ = self._hog.detectMultiScale(grey, winStride=(8, 8), scale=1.2)
        return [(x * factor, y * factor, w * factor, h * factor) for x, y, w, h in found]

    def faces(self, grey: Any, factor: float, size: tuple[int, int]) -> list[Box]:
        """Each face the Haar cascade finds, grown to the person it stands for."""
        found = self._faces.detectMultiScale(
            grey, scaleFactor=1.2, minNeighbors=4, minSize=(24, 24)
        )
        return [
            _person_of_face((x * factor, y * factor, w * factor, h * factor), size)
            for x, y, w, h in found
        ]


def _collect(sample: tuple[int, Future[list[Box]], Future[list[Box]]]) -> tuple[int, list[Box]]:
    index, people, faces = sample
    return index, merge(people.result() + faces.result())


def _person_of_face(face: Box, size: tuple[int, int]) -> Box:
    x, y, w, h = face
    left, up, down = _FACE_TO_PERSON
    x0, y0 = max(0.0, x - left * w), max(0.0, y - up * h)
    x1, y1 = min(float(size[0]), x + w + left * w), min(float(size[1]), y + down * h)
    return (x0, y0, x1 - x0, y1 - y0)


def iou(a: Box, b: Box) -> float:
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    w = min(ax1, bx1) - max(a[0], b[0])
    h = min(ay1, by1) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def _covers(a: Box, b: Box) -> float:
    """How much of the smaller box the other one covers."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return (w * h) / min(a[2] * a[3], b[2] * b[3])


def merge(boxes: Sequence[Box]) -> list[Box]:
    """Boxes of one person (HOG's body and a face's estimate, or two scales) become their union:
    covering too much is safe, covering too little is not."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                if _covers(merged[i], merged[j]) > 0.5:
                    a, b = merged[i], merged.pop(j)
                    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
                    x1 = max(a[0] + a[2], b[0] + b[2])
                    y1 = max(a[1] + a[3], b[1] + b[3])
                    merged[i] = (x0, y0, x1 - x0, y1 - y0)
                    changed = True
                    break
            if changed:
                break
    return merged


def track(samples: Sequence[tuple[int, Sequence[Box]]]) -> list[_Track]:
    """Greedy IoU tracking: each box joins the live track it overlaps most, else starts one."""
    live: list[_Track] = []
    done: list[_Track] = []
    next_id = 1
    for frame, boxes in samples:
        pairs = sorted(
            (
                (iou(t.seen[-1][1], box), ti, bi)
                for ti, t in enumerate(live)
                for bi, box in enumerate(boxes)
            ),
            reverse=True,
        )
        used_t: set[int] = set()
        used_b: set[int] = set()
        for overlap, ti, bi in pairs:
            if overlap < MATCH_IOU or ti in used_t or bi in used_b:
                continue
            live[ti].seen.append((frame, boxes[bi]))
            live[ti].misses = 0
            used_t.add(ti)
            used_b.add(bi)
        for ti, t in enumerate(live):
            if ti not in used_t:
                t.misses += 1
        done.extend(t for t in live if t.misses > MAX_MISSES)
        live = [t for t in live if t.misses <= MAX_MISSES]
        for bi, box in enumerate(boxes):
            if bi not in used_b:
                live.append(_Track(next_id, [(frame, box)]))
                next_id += 1
    done.extend(live)
    return sorted(done, key=lambda t: t.id)


def tracks_to_regions(tracks: Sequence[_Track], every: int, frames: int) -> list[Region]:
    """Each track as a rectangle region held one sampling interval beyond its first and last
    sightings (the frames between samples); whole pixels, rounded outwards."""
    regions = []
    last = max(0, frames - 1)
    for t in tracks:
        keys = [Keyframe(frame, rect(*_outward(box))) for frame, box in t.seen]
        first_frame, first_box = t.seen[0]
        last_frame, last_box = t.seen[-1]
        if first_frame > 0:
            keys.insert(0, Keyframe(max(0, first_frame - every + 1), rect(*_outward(first_box))))
        if last_frame < last:
            keys.append(Keyframe(min(last, last_frame + every - 1), rect(*_outward(last_box))))
        regions.append(region(f"track-{t.id}", Shape.RECT, keys, "assist"))
    return regions


def _outward(box: Box) -> Box:
    x0, y0 = np.floor(box[0]), np.floor(box[1])
    x1, y1 = np.ceil(box[0] + box[2]), np.ceil(box[1] + box[3])
    return (float(x0), float(y0), float(x1 - x0), float(y1 - y0))
