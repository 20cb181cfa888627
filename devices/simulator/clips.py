"""Test clips of the simulated cameras, encoded once with the ffmpeg CLI and cached.

Each clip shows ffmpeg's `testsrc2` pattern with the camera's name and the frame number as text,
and both once more as pixel codes that tests read without OCR: two rows of 20 square blocks near
the top, laid out in fractions of the frame size so that they survive scaling:

    [white][black][bit 0][bit 1] ... [bit 15][black][white]

The upper row holds the frame number, the lower one the camera's code (`camera_code(name)`, 16
bits of a hash of its name). A data block is white when its bit is set. The two blocks at either
end are fixed markers that let a decoder check it is looking at a code at all.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from console.errors import N_, KnownError
from devices import processes

if TYPE_CHECKING:
    import av

#: Part of every cache key: bump it when the look or the encoding of clips changes.
CLIP_VERSION = 2

#: Bits of the frame number in the pixel code; frame numbers wrap at 2**CODE_BITS.
CODE_BITS = 16
_START = (True, False)
_STOP = (False, True)
_BLOCKS = len(_START) + CODE_BITS + len(_STOP)
#: The codes' geometry in fractions of the frame: block i spans columns (i + 2) / 24 .. (i + 3) / 24
#: of the width; the frame row spans 1/27 .. 3/27 of the height and the camera row 4/27 .. 6/27
#: (square blocks at 16:9).
_COLUMNS = 24
_FIRST_COLUMN = 2
_ROWS = ((1 / 27, 3 / 27), (4 / 27, 6 / 27))
FRAME_ROW = 0
CAMERA_ROW = 1

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
#: Characters a path may hold to be passed to drawtext unquoted.
_SAFE_PATH = re.compile(r"^[A-Za-z0-9/._+-]+$")


class ClipEncodingFailed(KnownError):
    """ffmpeg is missing or could not encode a simulated camera's clip."""


def clip_for(name: str, width: int, height: int, fps: int, seconds: int, cache_dir: Path) -> Path:
    """Camera `name`'s clip as H.264 in MPEG-TS, encoded on first use.

    MPEG-TS because GStreamer's tsdemux keeps timestamps running on when the RTSP server reads the
    file in a loop (a raw H.264 stream comes out without presentation times).

    A keyframe every `fps` frames, no B-frames, constrained baseline profile. The file name holds
    a hash of every parameter and CLIP_VERSION, so a cached clip is reused across runs and a
    changed parameter gives a new file. The file appears atomically (written aside, then renamed).
    """
    if width < 48 or height < 27 or width % 2 or height % 2:
        raise ValueError(f"a clip cannot be {width}×{height}: both sides must be even, ≥ 48×27")
    if fps < 1 or seconds < 1:
        raise ValueError(
            f"a clip needs ≥ 1 frame per second and ≥ 1 second, not {fps} and {seconds}"
        )
    key = hashlib.sha256(
        repr((CLIP_VERSION, name, width, height, fps, seconds)).encode()
    ).hexdigest()[:16]
    target = cache_dir / f"clip-{width}x{height}-{fps}fps-{seconds}s-{key}.ts"
    if target.is_file() and target.stat().st_size > 0:
        return target
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise ClipEncodingFailed(N_("ffmpeg is not installed, so no camera clip can be made."))
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".clip-") as work:
        # drawtext reads the name from a file in ffmpeg's working directory: no escaping needed.
        Path(work, "name.txt").write_text(name, encoding="utf-8")
        partial = Path(work, "clip.ts")
        command = [
            ffmpeg,
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}",
            "-vf",
            _filters(name, width, height),
            "-frames:v",
            str(fps * seconds),
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-pix_fmt",
            "yuv420p",
            "-preset",
            "veryfast",
            "-g",
            str(fps),
            "-keyint_min",
            str(fps),
            "-sc_threshold",
            "0",
            "-bf",
            "0",
            "-b:v",
            f"{max(100, width * height * fps // 20000)}k",
            "-f",
            "mpegts",
            partial.name,
        ]
        result = processes.run(command, cwd=work, capture_output=True, text=True, check=False)
        if result.returncode != 0 or not partial.is_file():
            raise ClipEncodingFailed(
                N_("ffmpeg could not encode the clip of “{name}”: {detail}"),
                name=name,
                detail=(result.stderr.strip().splitlines() or ["no output"])[-1],
            )
        os.replace(partial, target)
    return target


def _filters(name: str, width: int, height: int) -> str:
    font = _font_option()
    size = max(8, height // 12)
    parts = [
        f"drawtext={font}:textfile=name.txt:fontsize={size}:fontcolor=white:box=1"
        f":boxcolor=black@0.6:x=(w-text_w)/2:y=h*0.27",
        f"drawtext={font}:text=%{{frame_num}}:fontsize={size}:fontcolor=white:box=1"
        f":boxcolor=black@0.6:x=(w-text_w)/2:y=h*0.27+{size * 3 // 2}",
    ]
    parts += _code_boxes(width, height, FRAME_ROW, "mod(floor(n/{weight}),2)")
    identity = camera_code(name)
    parts += _code_boxes(width, height, CAMERA_ROW, "", fixed=identity)
    return ",".join(parts)


def camera_code(name: str) -> int:
    """The 16-bit code of a camera's name drawn in its clip (see the module's docstring)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:2], "big")


def _code_boxes(width: int, height: int, row: int, expression: str, fixed: int = 0) -> list[str]:
    """drawbox filters for one row: bits from `expression` (per frame) or from `fixed`."""
    parts = []
    for index, (x, y, w, h) in enumerate(block_boxes(width, height, row)):
        box = f"drawbox=x={x}:y={y}:w={w}:h={h}:t=fill"
        data_bit = index - len(_START)
        if index < len(_START):
            parts.append(f"{box}:color={'white' if _START[index] else 'black'}")
        elif data_bit >= CODE_BITS:
            parts.append(f"{box}:color={'white' if _STOP[data_bit - CODE_BITS] else 'black'}")
        elif expression:
            parts.append(f"{box}:color=black")
            # Commas inside the expression would split the filter chain: quote it.
            enable = expression.format(weight=2**data_bit)
            parts.append(f"{box}:color=white:enable='{enable}'")
        else:
            parts.append(f"{box}:color={'white' if fixed >> data_bit & 1 else 'black'}")
    return parts


def _font_option() -> str:
    """drawtext's font: the DejaVu file if found at a plain path, else fontconfig's choice."""
    candidates: list[str] = []
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = processes.run(
            [fc_match, "-f", "%{file}", "DejaVu Sans:bold"],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode == 0 and found.stdout.strip():
            candidates.append(found.stdout.strip())
    candidates.extend(_FONT_CANDIDATES)
    for candidate in candidates:
        if _SAFE_PATH.match(candidate) and Path(candidate).is_file():
            return f"fontfile={candidate}"
    return "font=Sans"


def block_boxes(width: int, height: int, row: int = FRAME_ROW) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of a code row's blocks in a frame of that size, markers included."""
    top = round(height * _ROWS[row][0])
    bottom = round(height * _ROWS[row][1])
    boxes = []
    for index in range(_BLOCKS):
        left = round(width * (index + _FIRST_COLUMN) / _COLUMNS)
        right = round(width * (index + _FIRST_COLUMN + 1) / _COLUMNS)
        boxes.append((left, top, right - left, bottom - top))
    return boxes


def decode_pixel_code(rows: Sequence[bytes], row: int = FRAME_ROW) -> int | None:
    """The frame number (or with CAMERA_ROW the camera's code) in the pixel code of an RGB image
    (rows of packed RGB bytes, 3 per pixel).

    None if the markers are not where they should be or a block is neither clearly black nor
    clearly white (no code there, or a frame too damaged to trust). Needs neither numpy nor Pillow.
    """
    height = len(rows)
    if height == 0:
        return None
    width = len(rows[0]) // 3
    if width < _COLUMNS or height < 27:
        return None
    bits: list[bool] = []
    for x, y, w, h in block_boxes(width, height, row):
        level = _mean_luma(rows, x + w // 4, y + h // 4, max(1, w // 2), max(1, h // 2))
        if level < 80:
            bits.append(False)
        elif level > 175:
            bits.append(True)
        else:
            return None
    if tuple(bits[: len(_START)]) != _START or tuple(bits[-len(_STOP) :]) != _STOP:
        return None
    data = bits[len(_START) : len(_START) + CODE_BITS]
    return sum(1 << k for k, bit in enumerate(data) if bit)


def _mean_luma(rows: Sequence[bytes], x: int, y: int, w: int, h: int) -> float:
    total = 0
    for row in rows[y : y + h]:
        pixels = row[3 * x : 3 * (x + w)]
        # Rough luma, integer arithmetic: (2R + 5G + B) / 8.
        total += 2 * sum(pixels[0::3]) + 5 * sum(pixels[1::3]) + sum(pixels[2::3])
    count = w * h
    return total / 8 / count if count else 0.0


def frame_rows(frame: av.VideoFrame) -> list[bytes]:
    """A decoded PyAV frame as rows of packed RGB bytes, for decode_pixel_code."""
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    data = bytes(plane)
    stride = plane.line_size
    return [data[i * stride : i * stride + 3 * rgb.width] for i in range(rgb.height)]
