"""Mask regions of a subject-access copy: what is covered in which frame (pure, no video).

A region is a rectangle or a polygon given at keyframes (frame numbers of the original clip, in
presentation order, from 0); between two keyframes its points move linearly, and it exists from
its first keyframe to its last. Regions come from the detection assist (tracks, `source`
"assist") or from the operator ("manual": vehicle plates, a person the assist missed, a
correction). The requester's own track is excluded by its id, so they stay visible.

The manual regions' JSON (`utkik cases mask --regions FILE`, docs/subject-access.md):

    {"regions": [{"id": "plate", "shape": "rect",
                  "keyframes": [{"frame": 0, "box": [x, y, w, h]}, {"frame": 50, "box": ...}]},
                 {"id": "door", "shape": "polygon",
                  "keyframes": [{"frame": 10, "points": [[x, y], [x, y], [x, y]]}]}],
     "exclude": ["track-2"], "fill": "solid", "margin": 6}
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from console.errors import N_, InvalidInput

Point = tuple[float, float]

#: Pixels added around every region: the codec smears a figure's edge over a few pixels, and a
#: detector's box is seldom tight.
DEFAULT_MARGIN = 6
#: The largest number of keyframes or points accepted from a file (a typing error, not a mask).
_MAX_ITEMS = 100_000


class Shape(enum.StrEnum):
    RECT = "rect"
    POLYGON = "polygon"


class Fill(enum.StrEnum):
    """How a region is covered. Solid is the default: nothing of the original survives. Blur
    leaves shapes and colours and needs the operator's explicit acceptance. Pixelation is not
    offered: a pixelated face can be recovered."""

    SOLID = "solid"
    BLUR = "blur"


@dataclass(frozen=True, slots=True)
class Keyframe:
    frame: int
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    shape: Shape
    keyframes: tuple[Keyframe, ...]
    source: str = "manual"

    @property
    def first(self) -> int:
        return self.keyframes[0].frame

    @property
    def last(self) -> int:
        return self.keyframes[-1].frame

    def at(self, frame: int) -> tuple[Point, ...] | None:
        """The region's points in `frame`, or None when it does not exist there."""
        frames = self.keyframes
        if frame < frames[0].frame or frame > frames[-1].frame:
            return None
        lo, hi = 0, len(frames) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if frames[mid].frame <= frame:
                lo = mid
            else:
                hi = mid
        a, b = frames[lo], frames[hi]
        if a.frame >= frame or b.frame == a.frame:
            return a.points if a.frame == frame else b.points
        if b.frame == frame:
            return b.points
        t = (frame - a.frame) / (b.frame - a.frame)
        return tuple(
            (ax + (bx - ax) * t, ay + (by - ay) * t)
            for (ax, ay), (bx, by) in zip(a.points, b.points, strict=True)
        )

    def to_json(self) -> dict[str, Any]:
        keyframes: list[dict[str, Any]] = []
        for key in self.keyframes:
            if self.shape is Shape.RECT:
                (x0, y0), (x1, y1) = key.points[0], key.points[2]
                keyframes.append({"frame": key.frame, "box": _ints([x0, y0, x1 - x0, y1 - y0])})
            else:
                keyframes.append({"frame": key.frame, "points": [_ints(p) for p in key.points]})
        return {
            "id": self.id,
            "shape": str(self.shape),
            "source": self.source,
            "keyframes": keyframes,
        }


def rect(x: float, y: float, w: float, h: float) -> tuple[Point, ...]:
    """A rectangle as the four corners of a polygon (so both shapes interpolate alike)."""
    return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))


def region(
    region_id: str, shape: Shape, keyframes: Iterable[Keyframe], source: str = "manual"
) -> Region:
    """A checked region: keyframes sorted, none twice, the same number of points in each."""
    keys = tuple(sorted(keyframes, key=lambda k: k.frame))
    if not region_id:
        raise InvalidInput(N_("A mask region needs a name."))
    if not keys:
        raise InvalidInput(N_("The mask region {name} has no keyframes."), name=region_id)
    if len({k.frame for k in keys}) != len(keys):
        raise InvalidInput(
            N_("The mask region {name} has two keyframes for the same frame."), name=region_id
        )
    counts = {len(k.points) for k in keys}
    if len(counts) != 1 or min(counts) < 3:
        raise InvalidInput(
            N_(
                "The mask region {name} needs at least three points, the same number in every "
                "keyframe."
            ),
            name=region_id,
        )
    if keys[0].frame < 0:
        raise InvalidInput(N_("The mask region {name} starts before frame 0."), name=region_id)
    return Region(region_id, shape, keys, source)


@dataclass(frozen=True, slots=True)
class MaskPlan:
    """Everything that decides the masked copy: the regions, the excluded tracks and the fill."""

    regions: tuple[Region, ...]
    excluded: frozenset[str] = frozenset()
    fill: Fill = Fill.SOLID
    margin: int = DEFAULT_MARGIN
    #: Set only when the operator accepted that blur may leave people recognisable.
    blur_accepted: bool = False
    _active: tuple[Region, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [r.id for r in self.regions]
        if len(set(ids)) != len(ids):
            raise InvalidInput(N_("Two mask regions have the same name."))
        unknown = sorted(self.excluded - set(ids))
        if unknown:
            raise InvalidInput(
                N_("There is no track called {name} to exclude."), name=", ".join(unknown)
            )
        if self.fill is Fill.BLUR and not self.blur_accepted:
            raise InvalidInput(
                N_(
                    "Blur can leave people recognisable: it is used only when accepted "
                    "explicitly (--accept-blur-risk)."
                )
            )
        if not 0 <= self.margin <= 200:
            raise InvalidInput(N_("The mask margin must be 0 to 200 pixels."))
        active = tuple(r for r in self.regions if r.id not in self.excluded)
        object.__setattr__(self, "_active", active)

    def shapes_at(self, frame: int) -> list[tuple[Point, ...]]:
        """The polygons to cover in `frame` (the excluded tracks left out)."""
        shapes = []
        for item in self._active:
            points = item.at(frame)
            if points is not None:
                shapes.append(points)
        return shapes

    def change_frames(self, frames: int) -> list[int]:
        """The frames where what is masked changes (a region starts, ends or turns at a
        keyframe): a reviewer steps through these."""
        marks: set[int] = {0}
        for item in self._active:
            for key in item.keyframes:
                marks.add(key.frame)
            marks.add(item.last + 1)
        return sorted(m for m in marks if 0 <= m < frames)

    def to_json(self) -> dict[str, Any]:
        """The mask list as recorded in a case and a package's manifest."""
        return {
            "fill": str(self.fill),
            "margin": self.margin,
            "excluded": sorted(self.excluded),
            "regions": [r.to_json() for r in self.regions],
        }


# -- reading the operator's JSON -----------------------------------------------------------------


def parse_manual(text: str) -> tuple[list[Region], set[str], Fill | None, int | None]:
    """The regions, excluded track ids, fill and margin of a manual regions file."""
    try:
        value = json.loads(text)
    except ValueError as err:
        raise InvalidInput(N_("The mask file is not JSON: {reason}"), reason=err) from err
    if not isinstance(value, dict):
        raise InvalidInput(N_("The mask file must hold a JSON object."))
    return regions_from_json(value.get("regions", [])), *_rest(value)


def _rest(value: dict[str, Any]) -> tuple[set[str], Fill | None, int | None]:
    exclude = value.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise InvalidInput(N_("'exclude' must be a list of track names."))
    fill = value.get("fill")
    margin = value.get("margin")
    if margin is not None and (not isinstance(margin, int) or isinstance(margin, bool)):
        raise InvalidInput(N_("'margin' must be a whole number of pixels."))
    return set(exclude), parse_fill(fill) if fill is not None else None, margin


def parse_fill(name: object) -> Fill:
    if name in ("pixelate", "pixelation", "mosaic"):
        raise InvalidInput(
            N_("Pixelation can be reversed and is not offered: use solid fill (or blur).")
        )
    try:
        return Fill(str(name))
    except ValueError:
        raise InvalidInput(N_("Unknown fill {name}: use solid or blur."), name=str(name)) from None


def regions_from_json(items: object, source: str = "manual") -> list[Region]:
    if not isinstance(items, list) or len(items) > _MAX_ITEMS:
        raise InvalidInput(N_("'regions' must be a list of regions."))
    return [_region_from_json(item, source) for item in items]


def _region_from_json(item: object, source: str) -> Region:
    if not isinstance(item, dict):
        raise InvalidInput(N_("A mask region must be a JSON object."))
    name = str(item.get("id", ""))
    try:
        shape = Shape(str(item.get("shape", "rect")))
    except ValueError:
        raise InvalidInput(
            N_("The mask region {name} has an unknown shape: use rect or polygon."), name=name
        ) from None
    keys = item.get("keyframes")
    if not isinstance(keys, list) or len(keys) > _MAX_ITEMS:
        raise InvalidInput(N_("The mask region {name} has no keyframes."), name=name)
    keyframes = [_keyframe(name, shape, key) for key in keys]
    return region(name, shape, keyframes, str(item.get("source", source)))


def _keyframe(name: str, shape: Shape, key: object) -> Keyframe:
    if not isinstance(key, dict) or not _is_int(key.get("frame")):
        raise InvalidInput(N_("A keyframe of {name} has no frame number."), name=name)
    frame = int(key["frame"])
    if shape is Shape.RECT:
        box = key.get("box")
        if not _numbers(box, 4) or box[2] <= 0 or box[3] <= 0:
            raise InvalidInput(
                N_("A keyframe of {name} needs a box [x, y, width, height]."), name=name
            )
        return Keyframe(frame, rect(*(float(v) for v in box)))
    points = key.get("points")
    if not isinstance(points, list) or len(points) > _MAX_ITEMS:
        raise InvalidInput(N_("A keyframe of {name} needs its points [[x, y], …]."), name=name)
    if not all(_numbers(p, 2) for p in points):
        raise InvalidInput(N_("A keyframe of {name} needs its points [[x, y], …]."), name=name)
    return Keyframe(frame, tuple((float(p[0]), float(p[1])) for p in points))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _numbers(value: object, count: int) -> TypeGuard[list[float]]:
    return (
        isinstance(value, list)
        and len(value) == count
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def _ints(values: Sequence[float]) -> list[int]:
    # Rounded outwards does not matter here: the margin covers a pixel; JSON stays float-free
    # (canonical JSON in the access log has no floats).
    return [round(v) for v in values]
