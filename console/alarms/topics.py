"""What ONVIF event topics mean: a pure parser per topic, each a TopicParser.

`PARSERS` maps a topic pattern to its parser; the alarm registry loads it. A pattern is a topic
as the PullPoint adapter (devices/onvif_events.py) delivers it: its namespace prefixes resolved
to a stable form (`tns1:` for ONVIF's own topics, `tnsaxis:` for Axis's, `{namespace}` for any
other maker's), e.g. `tns1:VideoSource/MotionAlarm`. A pattern ending in `/*` matches every
topic below it (`tns1:Device/IO/*`); `parser_for` picks the exact pattern first, then the
longest such prefix.

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

from console.alarms.signals import AlarmClass, AlarmSignal, DeviceEvent, TopicParser
from console.errors import N_

__all__ = [
    "PARSERS",
    "SUBSCRIPTION_TOPIC",
    "parse_state",
    "parser_for",
    "state_key",
]

#: The topic of the health events a PullPoint source sends about its own subscription (kind
#: HEALTH, data `State`: `lost` or `subscribed`), so that a lost subscription is an alarm too.
SUBSCRIPTION_TOPIC: Final = "utkik:EventSubscription"
SUBSCRIPTION_LOST: Final = "lost"
SUBSCRIPTION_SUBSCRIBED: Final = "subscribed"

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
        if active is None:
            return None
        return AlarmSignal(alarm_class, state_key(event), active, title, event)

    return parse


def _one_off(alarm_class: AlarmClass, title: str) -> TopicParser:
    """A parser of a topic that announces something that happened (a line crossed)."""

    def parse(event: DeviceEvent) -> AlarmSignal | None:
        return AlarmSignal(alarm_class, state_key(event), None, title, event)

    return parse


def _subscription(event: DeviceEvent) -> AlarmSignal | None:
    state = event.data.get("State", "")
    if state not in (SUBSCRIPTION_LOST, SUBSCRIPTION_SUBSCRIBED):
        return None
    return AlarmSignal(
        AlarmClass.HEALTH,
        f"{event.kind}:{event.source}:{SUBSCRIPTION_TOPIC}",
        state == SUBSCRIPTION_LOST,
        _TITLE_SUBSCRIPTION,
        event,
    )


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
_TITLE_SUBSCRIPTION = N_("Event subscription lost")

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
    "tns1:Device/IO/*": _input,
    "tns1:Device/tnsaxis:IO/*": _input,
    # Analytics: a line crossed is an event; an object inside a field is a state.
    "tns1:RuleEngine/LineDetector/Crossed": _one_off(AlarmClass.ANALYTICS, _TITLE_LINE),
    "tns1:RuleEngine/FieldDetector/ObjectsInside": _stateful(
        AlarmClass.ANALYTICS, _TITLE_FIELD, ("IsInside", "State")
    ),
    # The source's own subscription (kind HEALTH).
    SUBSCRIPTION_TOPIC: _subscription,
}


def parser_for(topic: str, parsers: Mapping[str, TopicParser] = PARSERS) -> TopicParser | None:
    """The parser of `topic`: its exact pattern, else the longest `/*` pattern above it."""
    exact = parsers.get(topic)
    if exact is not None:
        return exact
    best: tuple[int, TopicParser] | None = None
    for pattern, parser in parsers.items():
        if not pattern.endswith("/*"):
            continue
        prefix = pattern[:-1]
        longer = best is None or len(prefix) > best[0]
        if longer and topic.startswith(prefix) and len(topic) > len(prefix):
            best = (len(prefix), parser)
    return None if best is None else best[1]
