"""What event sources deliver and what topic parsers make of it.

A source adapter in devices/ (ONVIF PullPoint, MQTT) turns every message it receives into a
`DeviceEvent` and hands it to a sink; a parser registered for the event's topic turns it into an
`AlarmSignal`. A topic no parser knows still becomes an alarm (see `generic_signal`): a vendor
event is never dropped.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class AlarmClass(enum.StrEnum):
    MOTION = "motion"
    ANALYTICS = "analytics"
    AUDIO = "audio"
    SABOTAGE = "sabotage"
    DOOR = "door"
    INPUT = "input"
    HEALTH = "health"
    #: A topic no parser knows: kept with its raw topic and payload.
    OTHER = "other"


class SourceKind(enum.StrEnum):
    ONVIF = "onvif"
    MQTT = "mqtt"
    HEALTH = "health"


@dataclass(frozen=True)
class DeviceEvent:
    """One message as received, before any interpretation. Text is bounded by the adapter."""

    kind: SourceKind
    #: The camera's id as text for ONVIF, the sensor id from the topic for MQTT (e.g. `sound-1`).
    source: str
    camera_id: int | None
    #: The topic as the device sent it (ONVIF topic expression, MQTT topic).
    topic: str
    #: UTC; None when the device sent none or one outside any plausible range.
    device_time: datetime | None
    received_time: datetime
    #: Source and Data SimpleItems (ONVIF) or the payload's fields (MQTT), as text.
    source_items: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)
    #: The raw message, bounded, for the alarm's details.
    raw: str = ""
    #: The place slug an MQTT sensor's topic names; None for cameras.
    place: str | None = None


@dataclass(frozen=True)
class AlarmSignal:
    """What a parser makes of an event."""

    alarm_class: AlarmClass
    #: What makes repeated messages one alarm: the same key while the state lasts.
    key: str
    #: True or False for a stateful source (a state starts or ends); None for a one-off event.
    active: bool | None
    title: str
    event: DeviceEvent


#: A parser returns None when the event is not one it can read (it then becomes generic).
TopicParser = Callable[[DeviceEvent], AlarmSignal | None]

EventSink = Callable[[DeviceEvent], None]


def generic_signal(event: DeviceEvent) -> AlarmSignal:
    """The alarm of an event no parser reads: its raw topic as title, never dropped."""
    return AlarmSignal(
        alarm_class=AlarmClass.OTHER,
        key=f"{event.kind}:{event.source}:{event.topic}",
        active=None,
        title=event.topic,
        event=event,
    )


class EventSource(Protocol):
    """A running subscription to one device's or broker's events."""

    def start(self, sink: EventSink) -> None:
        """Begin delivering events to `sink` (from the source's own thread)."""
        ...

    def stop(self) -> None:
        """Stop and release the subscription; no event is delivered after this returns."""
        ...
