"""Mask regions: keyframes, interpolation, exclusion and the operator's JSON."""

from __future__ import annotations

import json

import pytest

from console.errors import InvalidInput
from console.subject_access.masks import (
    Fill,
    Keyframe,
    MaskPlan,
    Shape,
    parse_fill,
    parse_manual,
    rect,
    region,
)


def test_a_region_moves_linearly_between_keyframes_and_exists_only_between_them() -> None:
    item = region(
        "a", Shape.RECT, [Keyframe(20, rect(100, 0, 10, 10)), Keyframe(10, rect(0, 0, 10, 10))]
    )
    assert item.first == 10
    assert item.at(9) is None
    assert item.at(21) is None
    assert item.at(10) == rect(0, 0, 10, 10)
    assert item.at(15) == rect(50, 0, 10, 10)
    assert item.at(20) == rect(100, 0, 10, 10)


def test_a_polygon_interpolates_point_by_point() -> None:
    item = region(
        "p",
        Shape.POLYGON,
        [Keyframe(0, ((0, 0), (10, 0), (0, 10))), Keyframe(4, ((4, 8), (14, 8), (4, 18)))],
    )
    assert item.at(1) == ((1, 2), (11, 2), (1, 12))


def test_the_excluded_track_is_not_masked_and_changes_are_listed() -> None:
    a = region(
        "track-1", Shape.RECT, [Keyframe(0, rect(0, 0, 5, 5)), Keyframe(8, rect(0, 0, 5, 5))]
    )
    b = region(
        "track-2", Shape.RECT, [Keyframe(4, rect(9, 9, 5, 5)), Keyframe(6, rect(9, 9, 5, 5))]
    )
    plan = MaskPlan((a, b), excluded=frozenset({"track-1"}))
    assert plan.shapes_at(2) == []
    assert plan.shapes_at(5) == [rect(9, 9, 5, 5)]
    assert plan.change_frames(100) == [0, 4, 6, 7]
    assert plan.to_json()["excluded"] == ["track-1"]


def test_unknown_exclusions_pixelation_and_unaccepted_blur_are_refused() -> None:
    a = region("track-1", Shape.RECT, [Keyframe(0, rect(0, 0, 5, 5))])
    with pytest.raises(InvalidInput, match="no track called track-9"):
        MaskPlan((a,), excluded=frozenset({"track-9"}))
    with pytest.raises(InvalidInput, match="Pixelation can be reversed"):
        parse_fill("pixelate")
    with pytest.raises(InvalidInput, match="accepted explicitly"):
        MaskPlan((a,), fill=Fill.BLUR)
    assert MaskPlan((a,), fill=Fill.BLUR, blur_accepted=True).fill is Fill.BLUR


def test_the_manual_file_is_read_and_its_mistakes_named() -> None:
    text = json.dumps(
        {
            "regions": [
                {"id": "plate", "shape": "rect", "keyframes": [{"frame": 0, "box": [1, 2, 3, 4]}]},
                {"id": "door", "shape": "polygon",
                 "keyframes": [{"frame": 3, "points": [[0, 0], [5, 0], [5, 5]]}]},
            ],
            "exclude": ["track-2"],
            "fill": "solid",
            "margin": 4,
        }
    )  # fmt: skip
    regions, exclude, fill, margin = parse_manual(text)
    assert [r.id for r in regions] == ["plate", "door"]
    assert regions[0].at(0) == rect(1, 2, 3, 4)
    assert (exclude, fill, margin) == ({"track-2"}, Fill.SOLID, 4)
    assert regions[0].to_json()["keyframes"] == [{"frame": 0, "box": [1, 2, 3, 4]}]
    bad = [
        ("not json", "not JSON"),
        ('{"regions": [{"id": "x", "keyframes": [{"frame": 0, "box": [1, 2]}]}]}', "needs a box"),
        ('{"regions": [{"id": "x", "keyframes": []}]}', "no keyframes"),
        ('{"regions": [{"id": "x", "shape": "circle", "keyframes": []}]}', "unknown shape"),
        ('{"fill": "mosaic"}', "Pixelation"),
        (
            '{"regions": [{"id": "x", "shape": "polygon", "keyframes": [{"frame": 0, "points":'
            ' [[0, 0], [1, 1], [2, 0]]}, {"frame": 1, "points": [[0, 0], [1, 1]]}]}]}',
            "at least three points",
        ),
    ]
    for text, message in bad:
        with pytest.raises(InvalidInput, match=message):
            parse_manual(text)
