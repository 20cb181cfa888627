"""The alarm model: what an operator handles, whatever the source (ONVIF, MQTT, health).

An alarm is made from an `AlarmSignal` (console/alarms/signals.py) and a rule for its site and
class. Its life: new → acknowledged → closed. A stateful source (an input that stays active, a
camera that stays offline) makes one alarm for as long as its state lasts (`active`); repeats of a
one-off event within `REPEAT_WINDOW` are counted on the alarm (`count`) instead of raising another.

Text that came from a device is bounded and made plain here (`bounded_text`), and device times
outside any plausible range become None (`plausible_time`), so a hostile payload can neither
break a list nor fill the database.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from console.alarms.signals import AlarmClass, SourceKind
from console.text import REPLACEMENT

#: Severity 1 is the most severe; 4 the least.
SEVERITIES = (1, 2, 3, 4)
#: Acknowledging an alarm this severe (1 or 2) needs a comment saying what was done.
COMMENT_REQUIRED_UP_TO = 2
#: One-off events with the same key within this window count on the open alarm.
REPEAT_WINDOW = timedelta(seconds=60)
#: The longest a source may be snoozed.
MAX_SNOOZE = timedelta(hours=24)

#: Bounds of device text kept with an alarm: a title is a line, the raw payload a page.
MAX_TITLE = 200
MAX_FIELD = 200
MAX_RAW = 16_384
MAX_COMMENT = 2_000
#: Device times before this or more than a day ahead of ours are the device's clock, not an
#: event's time (1601 and 9999 are what broken firmware sends).
EARLIEST_DEVICE_TIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=1)

#: Controls, DEL, C1 controls, bidi controls and line/paragraph separators; line ends and tabs
#: are kept in the raw payload only.
_UNSAFE_LINE = re.compile(
    "[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]"
)
_UNSAFE_PAGE = re.compile(
    "[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e"
    "\\u2066-\\u2069]"
)
_SURROGATES = re.compile("[\\ud800-\\udfff]")
_TAG = re.compile(r"<[^<>]{0,200}>")


class AlarmState(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


def bounded_text(text: str, limit: int = MAX_FIELD, *, page: bool = False) -> str:
    """Device text as plain, bounded text: HTML tags removed (a label is never markup),
    controls and bidi controls replaced by U+FFFD (visible), cut to `limit` characters with an
    ellipsis. `page` keeps line ends and tabs (the raw payload)."""
    if len(text) > limit * 4:
        text = text[: limit * 4]  # never run the patterns over a megabyte
    text = _SURROGATES.sub(REPLACEMENT, text)
    if not page:
        text = _TAG.sub("", text)
    text = (_UNSAFE_PAGE if page else _UNSAFE_LINE).sub(REPLACEMENT, text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def plausible_time(moment: datetime | None, received: datetime) -> datetime | None:
    """A device's time, in UTC, or None when it has none or one no event can have."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return None
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    if moment < EARLIEST_DEVICE_TIME or moment > received + LATEST_AHEAD:
        return None
    return moment


@dataclass(frozen=True, slots=True)
class Alarm:
    id: int
    state: AlarmState
    alarm_class: AlarmClass
    severity: int
    source_kind: SourceKind
    #: the camera's id as text (ONVIF), the sensor id (MQTT, e.g. `sound-1`), or what is unwell
    source: str
    #: the area's name ("" when the source is at no known place)
    site: str
    #: the place's name, or for an unknown place the slug the sensor named
    place: str
    place_id: int | None
    cameras: tuple[int, ...]
    title: str
    topic: str
    key: str
    device_time: datetime | None
    received_time: datetime
    #: the last message that counted on this alarm
    last_time: datetime
    #: how many messages made or repeated it
    count: int
    #: a stateful alarm whose state still lasts; False once it ended; None for one-off events
    active: bool | None
    raw: str
    acknowledged_by: str = ""
    acknowledged_at: datetime | None = None
    comment: str = ""
    assigned_to: str = ""
    closed_by: str = ""
    closed_at: datetime | None = None
    #: raised on every change, so that a newer published state wins over an older one
    revision: int = 1
    #: the area the alarm belongs to (area limits apply), None when at no known place
    area_id: int | None = None

    @property
    def camera(self) -> int | None:
        return self.cameras[0] if self.cameras else None

    @property
    def open(self) -> bool:
        return self.state is not AlarmState.CLOSED

    def as_json(self) -> dict[str, object]:
        """The alarm as `utkik alarms list --json` and the broker show it."""
        return {
            "id": self.id,
            "state": self.state.value,
            "class": self.alarm_class.value,
            "severity": self.severity,
            "source_kind": self.source_kind.value,
            "source": self.source,
            "site": self.site,
            "place": self.place,
            "camera": self.camera,
            "cameras": list(self.cameras),
            "title": self.title,
            "topic": self.topic,
            "device_time": _iso(self.device_time),
            "received_time": _iso(self.received_time),
            "last_time": _iso(self.last_time),
            "count": self.count,
            "active": self.active,
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": _iso(self.acknowledged_at),
            "comment": self.comment,
            "assigned_to": self.assigned_to,
            "closed_by": self.closed_by,
            "closed_at": _iso(self.closed_at),
            "revision": self.revision,
        }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Rule:
    """What an alarm of a class at a site does. `area_id` None: every site without its own."""

    alarm_class: AlarmClass
    area_id: int | None = None
    severity: int = 3
    #: the sound's name ("" for none); the console plays it for a new alarm
    sound: str = ""
    #: pop the alarm's camera into an alarm tile
    open_camera: bool = False
    #: start event recording on the alarm's cameras (RecordingEngine.trigger)
    record: bool = False
    #: seconds recorded after the event
    record_s: int = 30
    #: the light level (percent) of a boost at the place; None for none (the lighting feature)
    lighting_boost: int | None = None


#: The rules before a supervisor changes any: sabotage and aggression first, motion last.
DEFAULT_RULES: dict[AlarmClass, Rule] = {
    AlarmClass.SABOTAGE: Rule(AlarmClass.SABOTAGE, None, 1, "alarm", True, True),
    AlarmClass.AUDIO: Rule(AlarmClass.AUDIO, None, 2, "alarm", True, True),
    AlarmClass.DOOR: Rule(AlarmClass.DOOR, None, 2, "chime", True, True),
    AlarmClass.INPUT: Rule(AlarmClass.INPUT, None, 3, "chime", True, True),
    AlarmClass.ANALYTICS: Rule(AlarmClass.ANALYTICS, None, 3, "chime", True, True),
    AlarmClass.HEALTH: Rule(AlarmClass.HEALTH, None, 3, "", False, False),
    AlarmClass.MOTION: Rule(AlarmClass.MOTION, None, 4, "", False, True),
    AlarmClass.OTHER: Rule(AlarmClass.OTHER, None, 4, "", False, False),
}


@dataclass(frozen=True, slots=True)
class Snooze:
    """A noisy source held quiet until `until`: its events raise no alarm meanwhile (they are
    counted in `suppressed`)."""

    id: int
    source_kind: SourceKind
    source: str
    until: datetime
    by: str
    reason: str
    created_at: datetime
    suppressed: int = 0


@dataclass(frozen=True, slots=True)
class Sensor:
    """An MQTT sensor heard at a place: by the slug its topic names, known to Utkik or not."""

    place: str
    sensor: str
    kind: str
    #: `online`, `offline`, or "" before its availability was heard
    availability: str
    first_seen: datetime
    last_seen: datetime
    #: the place's name, "" for a place Utkik does not know (the sensor is listed all the same)
    place_name: str = ""
