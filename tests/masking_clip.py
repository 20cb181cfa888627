"""A synthesized clip for the masking tests: coloured figures at known positions in every frame.

Each figure is a body (a coloured rectangle) with a head; three of them have a drawn frontal
face (which OpenCV's Haar cascade finds), one is seen from behind (no face: the assist misses
it and a manual region covers it). A yellow number plate stands still. The clip has an audio
track, which the masked copy must drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

WIDTH, HEIGHT, FPS, FRAMES = 640, 360, 25, 50
BACKGROUND = (90, 110, 100)  # BGR
SKIN = (150, 180, 220)
FACE = 60  # the head's size in pixels


@dataclass(frozen=True)
class Figure:
    name: str
    body: tuple[int, int, int]  # BGR
    start: tuple[float, float]  # the head's centre at frame 0
    end: tuple[float, float]  # ... and at the last frame
    face: bool = True

    def centre(self, frame: int) -> tuple[int, int]:
        t = frame / (FRAMES - 1)
        return (
            round(self.start[0] + (self.end[0] - self.start[0]) * t),
            round(self.start[1] + (self.end[1] - self.start[1]) * t),
        )

    def box(self, frame: int) -> tuple[int, int, int, int]:
        """Every pixel the figure paints in `frame`: x0, y0, x1, y1 (exclusive)."""
        cx, cy = self.centre(frame)
        half = round(0.8 * FACE)
        return (cx - half, cy - round(0.56 * FACE), cx + half + 1, cy + round(2.96 * FACE) + 1)

    def body_box(self, frame: int) -> tuple[int, int, int, int]:
        cx, cy = self.centre(frame)
        half = round(0.8 * FACE)
        return (cx - half, cy + round(0.56 * FACE), cx + half + 1, cy + round(2.96 * FACE) + 1)


#: Walks right; the assist finds its face.
STRANGER = Figure("stranger", (40, 40, 220), (100, 70), (230, 80))
#: The requester: walks down on the right; its track is excluded.
REQUESTER = Figure("requester", (60, 200, 60), (520, 60), (540, 110))
#: Seen from behind (no face): the assist misses it; a manual region with two keyframes covers it.
BACKSIDE = Figure("backside", (200, 90, 40), (330, 90), (370, 90), face=False)
FIGURES = (STRANGER, REQUESTER, BACKSIDE)
#: A parked car's plate: x0, y0, x1, y1.
PLATE = (60, 320, 130, 340)
PLATE_COLOUR = (0, 220, 240)


def draw(frame: int) -> np.ndarray:
    image = np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8)
    cv2.rectangle(image, PLATE[:2], (PLATE[2] - 1, PLATE[3] - 1), PLATE_COLOUR, -1)
    for figure in FIGURES:
        x0, y0, x1, y1 = figure.body_box(frame)
        cv2.rectangle(image, (x0, y0), (x1 - 1, y1 - 1), figure.body, -1)
        _head(image, *figure.centre(frame), figure.face)
    return image


def _head(image: np.ndarray, cx: int, cy: int, face: bool) -> None:
    s = FACE
    cv2.ellipse(image, (cx, cy), (int(s * 0.42), int(s * 0.55)), 0, 0, 360, SKIN, -1)
    if not face:
        # Hair from behind: the back of a head, nothing a face detector knows.
        cv2.ellipse(image, (cx, cy), (int(s * 0.40), int(s * 0.52)), 0, 0, 360, (30, 40, 60), -1)
        return
    for dx in (-1, 1):
        ex = cx + dx * int(s * 0.17)
        cv2.ellipse(image, (ex, cy - int(s * 0.12)), (int(s * 0.09), int(s * 0.05)), 0, 0, 360,
                    (40, 40, 60), -1)  # fmt: skip
        cv2.rectangle(image, (ex - int(s * 0.11), cy - int(s * 0.26)),
                      (ex + int(s * 0.11), cy - int(s * 0.22)), (30, 30, 40), -1)  # fmt: skip
    cv2.line(image, (cx, cy - int(s * 0.05)), (cx, cy + int(s * 0.12)), (110, 140, 180), 2)
    cv2.ellipse(image, (cx, cy + int(s * 0.28)), (int(s * 0.15), int(s * 0.04)), 0, 0, 360,
                (60, 60, 140), -1)  # fmt: skip


def write_clip(path: Path, *, width: int = WIDTH, height: int = HEIGHT, frames: int = FRAMES,
               audio: bool = True) -> None:  # fmt: skip
    """The clip as H.264 in MP4 (near-lossless, so the figures' colours are what was drawn)."""
    with av.open(str(path), mode="w") as container:
        video = container.add_stream("libx264", rate=FPS, options={"crf": "12", "preset": "fast"})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        sound = container.add_stream("aac", rate=48_000) if audio else None
        for n in range(frames):
            image = draw(n % FRAMES)
            if (width, height) != (WIDTH, HEIGHT):
                image = cv2.resize(image, (width, height), interpolation=cv2.INTER_NEAREST)
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        if sound is not None:
            samples = 48_000 * frames // FPS
            tone = (np.sin(np.arange(samples) * 2 * np.pi * 440 / 48_000) * 0.3).astype(np.float32)
            for at in range(0, samples - 1024, 1024):
                chunk = av.AudioFrame.from_ndarray(
                    tone[at : at + 1024].reshape(1, -1), format="fltp", layout="mono"
                )
                chunk.sample_rate = 48_000
                chunk.pts = at
                chunk.time_base = Fraction(1, 48_000)
                for packet in sound.encode(chunk):
                    container.mux(packet)
            for packet in sound.encode(None):
                container.mux(packet)


def decode_bgr(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
