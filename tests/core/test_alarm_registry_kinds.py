"""A device's topic cannot pass for another kind of source's: parsers read their own kind only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.alarms.registry import default_registry
from console.alarms.signals import AlarmClass, DeviceEvent, SourceKind

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def event(source_kind: SourceKind, topic: str, **data: str) -> DeviceEvent:
    return DeviceEvent(
        kind=source_kind,
        source="7",
        camera_id=7 if source_kind is SourceKind.ONVIF else None,
        topic=topic,
        device_time=None,
        received_time=NOW,
        data=data,
        place="stora-torget" if source_kind is SourceKind.MQTT else None,
    )


@pytest.mark.parametrize(
    ("topic", "data"),
    [
        ("health/camera/5/unreachable", {"active": "true", "name": "Torget"}),
        ("health/light/stora-torget/lamp-1/offline", {"active": "true", "night": "true"}),
        ("utkik/site/stora-torget/sensor/door-1/event", {"kind": "door", "event": "forced"}),
    ],
)
def test_a_camera_topic_that_reads_like_another_source_is_a_generic_alarm(
    topic: str, data: dict[str, str]
) -> None:
    registry = default_registry()
    signal = registry.signal_for(event(SourceKind.ONVIF, topic, **data))
    assert signal.alarm_class is AlarmClass.OTHER
    assert signal.title == topic


def test_the_same_topics_from_their_own_sources_are_read() -> None:
    registry = default_registry()
    health = registry.signal_for(
        event(SourceKind.HEALTH, "health/camera/5/unreachable", active="true", name="Torget")
    )
    assert health.alarm_class is AlarmClass.HEALTH
    light = registry.signal_for(
        event(
            SourceKind.HEALTH,
            "health/light/stora-torget/lamp-1/offline",
            active="true",
            night="true",
        )
    )
    assert light.alarm_class is AlarmClass.SABOTAGE
    door = registry.signal_for(
        event(
            SourceKind.MQTT,
            "utkik/site/stora-torget/sensor/door-1/event",
            kind="door",
            event="forced",
        )
    )
    assert door.alarm_class is AlarmClass.DOOR
