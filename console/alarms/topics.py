"""What ONVIF event topics mean: a pure parser per topic, each a TopicParser.

`PARSERS` maps a topic pattern to its parser; the alarm registry loads it. A pattern is a topic
as the PullPoint adapter (devices/onvif_events.py) delivers it: its namespace prefixes resolved
to a stable form (`tns1:` for ONVIF's own topics, `tnsaxis:` for Axis's, `{namespace}` for any
other maker's), e.g. `tns1:VideoSource/MotionAlarm`, with the registry's wildcards: `+` for one
level, `#` (last) for the rest (`tns1:Device/IO/#`). `parser_for` looks one up the same way.

The parsers read events of kind ONVIF only: an MQTT message whose topic happens to read like an
ONVIF one is not taken for a camera's.

A parser returns None when the event is not one it can read (no state it understands): the
event then becomes a generic alarm with its raw topic and payload, never dropped.

Cameras spell a state in their own ways: "true", "1", "On", "active" (and their opposites) all
read as states. A stateful alarm's key names the camera and the event's source items, so two
digital inputs of one camera are two alarms, and one input's messages are one alarm while its
state lasts.

Titles are templates marked with N_() without placeholders: the UI translates them as they are
and shows the source items beside them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from console.alarms.signals import AlarmClass, AlarmSignal, DeviceEvent, SourceKind, TopicParser
from console.errors import N_

__all__ = [
    "PARSERS",
    "parse_state",
    "parser_for",
    "state_key",
]

_TRUE: Final = frozenset({"true", "1", "on", "active", "yes"})
_FALSE: Final = frozenset({"false", "0", "off", "inactive", "no"})


def parse_state(value: str) -> bool | None:
    """A state as cameras spell it ("true", "1", "On", "active" and opposites), or None."""
    text = value.strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def state_key(event: DeviceEvent) -> str:
    """The camera, the topic and the event's source items: one alarm per such state."""
    items = ",".join(f"{name}={value}" for name, value in sorted(event.source_items.items()))
    return f"{event.kind}:{event.source}:{event.topic}:{items}"


def _state(data: Mapping[str, str], names: Sequence[str]) -> bool | None:
    """The state in the first data item of `names` present (case-insensitively), or in the only
    data item there is when none of them is (cameras name items as they please)."""
    folded = {name.casefold(): value for name, value in data.items()}
    for name in names:
        if name.casefold() in folded:
            return parse_state(folded[name.casefold()])
    if len(data) == 1:
        return parse_state(next(iter(data.values())))
    return None


def _stateful(alarm_class: AlarmClass, title: str, names: Sequence[str]) -> TopicParser:
    """A parser of a topic whose Data carries a state (a property event)."""

    def parse(event: DeviceEvent) -> AlarmSignal | None:
        active = _state(event.data, names)
        if active is None or event.kind != SourceKind.ONVIF:
            return None
        return AlarmSignal(alarm_class, state_key(event), active, title, event)

    return parse


def _one_off(alarm_class: AlarmClass, title: str) -> TopicParser:
    """A parser of a topic that announces something that happened (a line crossed)."""

    def parse(event: DeviceEvent) -> AlarmSignal | None:
        if event.kind != SourceKind.ONVIF:
            return None
        return AlarmSignal(alarm_class, state_key(event), None, title, event)

    return parse


_TITLE_MOTION = N_("Motion")
_TITLE_SCENE = N_("Scene changed (camera moved or covered)")
_TITLE_DARK = N_("Picture too dark")
_TITLE_BRIGHT = N_("Picture too bright")
_TITLE_BLURRY = N_("Picture blurred")
_TITLE_TAMPER = N_("Camera tampered with")
_TITLE_SIGNAL = N_("Video signal lost")
_TITLE_INPUT = N_("Digital input")
_TITLE_LINE = N_("Line crossed")
_TITLE_FIELD = N_("Object in field")

_STATE = ("State",)
_IMAGE_SERVICES = ("ImagingService", "AnalyticsService", "RecordingService")

_motion = _stateful(AlarmClass.MOTION, _TITLE_MOTION, ("State", "IsMotion"))
_cell_motion = _stateful(AlarmClass.MOTION, _TITLE_MOTION, ("IsMotion", "State"))
_input = _stateful(AlarmClass.INPUT, _TITLE_INPUT, ("LogicalState", "State", "Value"))

PARSERS: Final[dict[str, TopicParser]] = {
    # Motion: the video source's own detector and the rule engine's cell motion detector.
    "tns1:VideoSource/MotionAlarm": _motion,
    "tns1:RuleEngine/CellMotionDetector/Motion": _cell_motion,
    # Sabotage: the picture changed as a whole (turned away, covered), went dark, bright or
    # blurred, a tamper detector, the signal lost. Each per service that reports it.
    **{
        f"tns1:VideoSource/GlobalSceneChange/{service}": _stateful(
            AlarmClass.SABOTAGE, _TITLE_SCENE, _STATE
        )
        for service in _IMAGE_SERVICES
    },
    **{
        f"tns1:VideoSource/ImageTooDark/{service}": _stateful(
            AlarmClass.SABOTAGE, _TITLE_DARK, _STATE
        )
        for service in _IMAGE_SERVICES
    },
    **{
        f"tns1:VideoSource/ImageTooBright/{service}": _stateful(
            AlarmClass.SABOTAGE, _TITLE_BRIGHT, _STATE
        )
        for service in _IMAGE_SERVICES
    },
    **{
        f"tns1:VideoSource/ImageTooBlurry/{service}": _stateful(
            AlarmClass.SABOTAGE, _TITLE_BLURRY, _STATE
        )
        for service in _IMAGE_SERVICES
    },
    "tns1:RuleEngine/TamperDetector/Tamper": _stateful(
        AlarmClass.SABOTAGE, _TITLE_TAMPER, ("IsTamper", "State")
    ),
    "tns1:VideoSource/SignalLoss": _stateful(AlarmClass.SABOTAGE, _TITLE_SIGNAL, _STATE),
    # Digital inputs: ONVIF's trigger, the IO ports (Axis puts its own namespace in between).
    "tns1:Device/Trigger/DigitalInput": _input,
    "tns1:Device/IO/#": _input,
    "tns1:Device/tnsaxis:IO/#": _input,
    # Analytics: a line crossed is an event; an object inside a field is a state.
    "tns1:RuleEngine/LineDetector/Crossed": _one_off(AlarmClass.ANALYTICS, _TITLE_LINE),
    "tns1:RuleEngine/FieldDetector/ObjectsInside": _stateful(
        AlarmClass.ANALYTICS, _TITLE_FIELD, ("IsInside", "State")
    ),
}


def _matches(pattern: str, topic: str) -> bool:
    want, got = pattern.split("/"), topic.split("/")
    for i, level in enumerate(want):
        if level == "#":
            return True
        if i >= len(got) or level not in ("+", got[i]):
            return False
    return len(want) == len(got)


def parser_for(topic: str, parsers: Mapping[str, TopicParser] = PARSERS) -> TopicParser | None:
    """The parser of `topic`: of the patterns that match it, the one with most literal levels
    (as the alarm registry chooses)."""
    best: tuple[int, TopicParser] | None = None
    for pattern, parser in parsers.items():
        literal = sum(1 for level in pattern.split("/") if level not in ("+", "#"))
        if _matches(pattern, topic) and (best is None or literal > best[0]):
            best = (literal, parser)
    return None if best is None else best[1]
