"""The masked copy proven on pixels: a synthesized clip with figures at known positions, masked
with the detection assist plus manual corrections, checked frame by frame."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import numpy as np
import pytest

from console.errors import InvalidInput
from console.subject_access.masks import Fill, Keyframe, MaskPlan, Region, Shape, rect, region
from devices.media.detect import AssistFailed, OpenCvAssist
from devices.media.mask_render import MaskingCancelled, PyAvMaskRenderer, cover, planes
from tests import masking_clip as clip

#: A masked pixel is near black: the fill is black, the encoder adds a little noise.
DARK = 40
#: The requester's body is its colour, give or take the encoder.
CLOSE = 30


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clip") / "original.mp4"
    clip.write_clip(path)
    return path


@pytest.fixture(scope="module")
def proposal(original: Path) -> list[Region]:
    return OpenCvAssist().propose(original, progress=lambda _: None, cancelled=lambda: False)


def _track_at(regions: list[Region], figure: clip.Figure, frame: int) -> Region | None:
    cx, cy = figure.centre(frame)
    for item in regions:
        points = item.at(frame)
        if points is None:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if min(xs) <= cx <= max(xs) and min(ys) <= cy <= max(ys):
            return item
    return None


def _manual() -> list[Region]:
    """The operator's corrections: the figure seen from behind and the plate."""
    first, last = clip.BACKSIDE.box(0), clip.BACKSIDE.box(clip.FRAMES - 1)
    backside = region(
        "backside",
        Shape.POLYGON,
        [
            Keyframe(0, rect(first[0], first[1], first[2] - first[0], first[3] - first[1])),
            Keyframe(clip.FRAMES - 1, rect(last[0], last[1], last[2] - last[0], last[3] - last[1])),
        ],
    )
    x0, y0, x1, y1 = clip.PLATE
    # A plate seen at an angle: a quadrilateral, not an upright rectangle.
    seen = ((x0 - 3, y0 - 2), (x1 + 2, y0 - 4), (x1 + 4, y1 + 2), (x0 - 2, y1 + 3))
    plate = region("plate", Shape.POLYGON, [Keyframe(0, seen), Keyframe(clip.FRAMES - 1, seen)])
    return [backside, plate]


def _render(original: Path, plan: MaskPlan, out: Path) -> list[np.ndarray]:
    PyAvMaskRenderer().render(original, plan, out, progress=lambda _: None, cancelled=lambda: False)
    return clip.decode_bgr(out)


def test_the_assist_proposes_a_track_per_face(proposal: list[Region]) -> None:
    stranger = _track_at(proposal, clip.STRANGER, 0)
    requester = _track_at(proposal, clip.REQUESTER, 0)
    assert stranger is not None
    assert requester is not None
    assert stranger.id != requester.id
    assert stranger.source == "assist"
    # One track follows the stranger through the clip (tracked by overlap, not re-found).
    assert all(_track_at(proposal, clip.STRANGER, n) is stranger for n in range(clip.FRAMES))
    # The figure seen from behind has no face: the assist does not find it.
    assert _track_at(proposal, clip.BACKSIDE, 20) is None


def test_no_pixel_of_a_masked_figure_survives(
    original: Path, proposal: list[Region], tmp_path: Path
) -> None:
    requester = _track_at(proposal, clip.REQUESTER, 0)
    assert requester is not None
    plan = MaskPlan(tuple(proposal + _manual()), excluded=frozenset({requester.id}))
    out = tmp_path / "masked.mp4"
    frames = _render(original, plan, out)

    assert len(frames) == clip.FRAMES
    before = clip.decode_bgr(original)
    for n, picture in enumerate(frames):
        for figure in (clip.STRANGER, clip.BACKSIDE):
            x0, y0, x1, y1 = figure.box(n)
            area = picture[y0:y1, x0:x1]
            assert area.max() < DARK, f"{figure.name} shows in frame {n}"
        x0, y0, x1, y1 = clip.PLATE
        assert picture[y0:y1, x0:x1].max() < DARK, f"the plate shows in frame {n}"
        # The requester is untouched: the body's inside has its colour, the face its features.
        bx0, by0, bx1, by1 = clip.REQUESTER.body_box(n)
        inside = picture[by0 + 4 : by1 - 4, bx0 + 4 : bx1 - 4].reshape(-1, 3).astype(int)
        assert np.abs(inside - np.array(clip.REQUESTER.body)).max() < CLOSE, n
        x0, y0, x1, y1 = clip.REQUESTER.box(n)
        change = np.abs(picture[y0:y1, x0:x1].astype(int) - before[n][y0:y1, x0:x1])
        assert change.mean() < 3, f"the requester changed in frame {n}"

    # The original is untouched and named by its hash; the copy has no sound.
    assert hashlib.sha256(original.read_bytes()).hexdigest() == plan_hash(original, out, plan)
    with av.open(str(out)) as container:
        assert [s.type for s in container.streams] == ["video"]
        assert container.streams.video[0].codec_context.name == "h264"
    with av.open(str(original)) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]


def plan_hash(original: Path, out: Path, plan: MaskPlan) -> str:
    """The `derived_from` the renderer reports (rendered again into another file)."""
    other = out.with_name("again.mp4")
    result = PyAvMaskRenderer().render(
        original, plan, other, progress=lambda _: None, cancelled=lambda: False
    )
    assert result.frames == clip.FRAMES
    assert (result.width, result.height) == (clip.WIDTH, clip.HEIGHT)
    return result.derived_from


def test_without_the_manual_corrections_the_missed_figure_shows(
    original: Path, proposal: list[Region], tmp_path: Path
) -> None:
    """The check above can fail: the assist alone leaves the figure seen from behind."""
    requester = _track_at(proposal, clip.REQUESTER, 0)
    assert requester is not None
    plan = MaskPlan(tuple(proposal), excluded=frozenset({requester.id}))
    frames = _render(original, plan, tmp_path / "assist-only.mp4")
    bx0, by0, bx1, by1 = clip.BACKSIDE.body_box(20)
    body = frames[20][by0 + 4 : by1 - 4, bx0 + 4 : bx1 - 4].reshape(-1, 3).astype(int)
    assert np.abs(body - np.array(clip.BACKSIDE.body)).max() < CLOSE
    x0, y0, x1, y1 = clip.STRANGER.box(20)
    assert frames[20][y0:y1, x0:x1].max() < DARK


def test_blur_covers_but_needs_acceptance(
    original: Path, proposal: list[Region], tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="Blur can leave people recognisable"):
        MaskPlan(tuple(proposal), fill=Fill.BLUR)
    plan = MaskPlan(tuple(_manual()), fill=Fill.BLUR, blur_accepted=True)
    frames = _render(original, plan, tmp_path / "blurred.mp4")
    x0, y0, x1, y1 = clip.PLATE
    plate = frames[10][y0:y1, x0:x1].reshape(-1, 3).astype(int)
    # Blurred into its surroundings: no pixel keeps the plate's yellow.
    assert np.abs(plate - np.array(clip.PLATE_COLOUR)).max(axis=1).min() > CLOSE


def test_a_cancel_leaves_no_file(original: Path, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.mp4"
    with pytest.raises(MaskingCancelled):
        PyAvMaskRenderer().render(
            original,
            MaskPlan(tuple(_manual())),
            out,
            progress=lambda _: None,
            cancelled=lambda: True,
        )
    assert not out.exists()


def test_a_filled_picture_does_not_leak_into_the_frames_predicted_from_it(
    original: Path, tmp_path: Path
) -> None:
    """The fill is written into the decoded picture itself; the frames after a region ends are
    predicted from the pictures it covered, and must show the original, not the fill."""
    whole = rect(0, 0, clip.WIDTH, clip.HEIGHT)
    plan = MaskPlan((region("all", Shape.RECT, [Keyframe(0, whole), Keyframe(9, whole)]),))
    frames = _render(original, plan, tmp_path / "first-ten.mp4")
    before = clip.decode_bgr(original)
    assert all(picture.max() < DARK for picture in frames[:10])
    for n in range(10, clip.FRAMES):
        change = np.abs(frames[n].astype(int) - before[n]).mean()
        assert change < 3, f"frame {n} differs from the original by {change:.1f} on average"


def test_a_rectangle_is_filled_to_the_encoders_whole_blocks() -> None:
    """Grown by the margin, then outwards to 16×16 blocks; nothing beyond those blocks."""
    frame = av.VideoFrame(96, 64, "yuv420p")
    luma, u, v = planes(frame)
    for plane in (luma, u, v):
        plane[:] = 200
    cover((luma, u, v), [rect(20, 18, 10, 12)], MaskPlan((), margin=2))
    filled = np.argwhere(luma == 16)
    assert filled.min(axis=0).tolist() == [16, 16]
    assert filled.max(axis=0).tolist() == [47, 47]
    assert (luma == 16).sum() == 32 * 32
    assert (u == 128).sum() == (v == 128).sum() == 16 * 16
    assert (luma[:16] == 200).all()
    assert (luma[48:] == 200).all()


def test_the_assist_stops_when_cancelled_and_names_a_clip_it_cannot_read(
    original: Path, tmp_path: Path
) -> None:
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    with pytest.raises(AssistFailed, match="cancelled"):
        OpenCvAssist().propose(original, progress=lambda _: None, cancelled=cancelled)
    # Its detector threads end with it.
    assert not [t.name for t in threading.enumerate() if t.name.startswith("assist-")]
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    with pytest.raises(AssistFailed, match="cannot be read"):
        OpenCvAssist().propose(broken, progress=lambda _: None, cancelled=lambda: False)


def test_two_proposals_at_once_find_what_one_finds(original: Path, proposal: list[Region]) -> None:
    """The console may run two cases' assists at once on one instance: each proposal has
    detectors of its own (OpenCV's cascade must not be used by two threads at once)."""
    assist = OpenCvAssist()
    with ThreadPoolExecutor(2) as pool:
        runs = [
            pool.submit(assist.propose, original, progress=lambda _: None, cancelled=lambda: False)
            for _ in range(2)
        ]
        results = [run.result() for run in runs]
    for result in results:
        assert [r.to_json() for r in result] == [r.to_json() for r in proposal]
