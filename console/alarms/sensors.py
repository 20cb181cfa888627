"""Parsers of the MQTT sensors' topics (the contract in docs/sensors-and-lighting.md).

Each is pure: a DeviceEvent from devices/mqtt_sensors.py (its payload's members as text in
`data`, the place's slug in `place`, the sensor id in `source`) to an AlarmSignal.

- an aggression event of a sound sensor → audio, one-off;
- an enclosure's tamper switch open → sabotage, lasting until it closes;
- a door open or forced → door, lasting until it closes;
- a sensor offline (its last will) → health, lasting until it is online again.

A state that is not alarming (a sound level, a closed door) is a signal whose state is not
active: it ends the alarm it belongs to, or does nothing. The state and the event topics of a
sensor share one key, so the retained state read again at a reconnect counts on the open alarm
instead of raising another.
"""

from __future__ import annotations

from console.alarms.signals import AlarmClass, AlarmSignal, DeviceEvent, TopicParser

SENSOR_ROOT = "utkik/site"
EVENT_PATTERN = f"{SENSOR_ROOT}/+/sensor/+/event"
STATE_PATTERN = f"{SENSOR_ROOT}/+/sensor/+/state"
AVAILABILITY_PATTERN = f"{SENSOR_ROOT}/+/sensor/+/availability"

_TRUE = frozenset({"true", "1", "on", "yes", "open"})
_FALSE = frozenset({"false", "0", "off", "no", "closed"})


def _key(event: DeviceEvent, what: str) -> str:
    return f"mqtt:{event.place or ''}:{event.source}:{what}"


def _where(event: DeviceEvent) -> str:
    return f"{event.source} at {event.place}" if event.place else event.source


def _flag(text: str | None) -> bool | None:
    if text is None:
        return None
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def parse_event(event: DeviceEvent) -> AlarmSignal | None:
    kind = event.data.get("kind", "")
    what = event.data.get("event", "")
    if kind == "sound" and what == "aggression":
        level = event.data.get("level", "")
        detail = f" (level {level[:8]})" if level else ""
        return AlarmSignal(
            AlarmClass.AUDIO,
            _key(event, "aggression"),
            None,
            f"Aggression heard: {_where(event)}{detail}",
            event,
        )
    if kind == "tamper" and what in ("opened", "closed"):
        opened = what == "opened"
        title = f"Enclosure {'opened' if opened else 'closed'}: {_where(event)}"
        return AlarmSignal(AlarmClass.SABOTAGE, _key(event, "tamper"), opened, title, event)
    if kind == "door" and what in ("opened", "closed", "forced"):
        lasting = what != "closed"
        title = f"Door {what}: {_where(event)}"
        return AlarmSignal(AlarmClass.DOOR, _key(event, "door"), lasting, title, event)
    return None


def parse_state(event: DeviceEvent) -> AlarmSignal | None:
    kind = event.data.get("kind", "")
    if kind == "sound":
        # A level is no alarm: aggression comes as an event.
        return AlarmSignal(AlarmClass.AUDIO, _key(event, "level"), False, "", event)
    is_open = _flag(event.data.get("open"))
    if is_open is None:
        return None
    if kind == "tamper":
        title = f"Enclosure {'open' if is_open else 'closed'}: {_where(event)}"
        return AlarmSignal(AlarmClass.SABOTAGE, _key(event, "tamper"), is_open, title, event)
    if kind == "door":
        title = f"Door {'open' if is_open else 'closed'}: {_where(event)}"
        return AlarmSignal(AlarmClass.DOOR, _key(event, "door"), is_open, title, event)
    return None


def parse_availability(event: DeviceEvent) -> AlarmSignal | None:
    text = event.raw.strip().lower()
    if text not in ("online", "offline"):
        return None
    offline = text == "offline"
    title = f"Sensor {'offline' if offline else 'online'}: {_where(event)}"
    return AlarmSignal(AlarmClass.HEALTH, _key(event, "availability"), offline, title, event)


PARSERS: dict[str, TopicParser] = {
    EVENT_PATTERN: parse_event,
    STATE_PATTERN: parse_state,
    AVAILABILITY_PATTERN: parse_availability,
}
