"""Settings kept in the database, with defaults and types in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from console.alarms.broker import check_broker
from console.audit.log import AuditLog
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput
from console.events import ChangeKind, EventHub
from console.policy import require
from console.storage import Database


@dataclass(frozen=True, slots=True)
class IntSetting:
    key: str
    default: int
    minimum: int
    maximum: int


LOCKOUT_MAX_FAILURES = IntSetting("security.lockout_max_failures", 5, 1, 100)
LOCKOUT_MINUTES = IntSetting("security.lockout_minutes", 5, 1, 24 * 60)
#: What a new password needs: this many characters, and at least this strength as zxcvbn
#: estimates it (0 too guessable ... 4 very unguessable; 3 resists an offline attack on a slow
#: hash such as ours).
PASSWORD_MIN_LENGTH = IntSetting("security.password_min_length", 10, 8, 128)
PASSWORD_MIN_SCORE = IntSetting("security.password_min_score", 3, 0, 4)
#: 0 turns the idle lock off.
IDLE_LOCK_MINUTES = IntSetting("ui.idle_lock_minutes", 10, 0, 24 * 60)

#: How far back operators may play back recorded video (supervisors have no limit).
OPERATOR_PLAYBACK_HOURS = IntSetting("playback.operator_hours", 24, 1, 24 * 31)

#: How long an export request stays valid for approval and production (then it expires).
EXPORT_EXPIRY_HOURS = IntSetting("export.expiry_hours", 24, 1, 24 * 14)
#: 1: an export needs a second supervisor's approval (four eyes); 0: the requester's alone.
EXPORT_FOUR_EYES = IntSetting("export.four_eyes", 1, 0, 1)
#: 1: a case number must look like the police's diarienummer ("Polisen 5000-K123456-26").
EXPORT_CASE_PATTERN = IntSetting("export.case_number_check", 0, 0, 1)

ALL_SETTINGS: dict[str, IntSetting] = {
    s.key: s
    for s in (
        LOCKOUT_MAX_FAILURES,
        LOCKOUT_MINUTES,
        PASSWORD_MIN_LENGTH,
        PASSWORD_MIN_SCORE,
        IDLE_LOCK_MINUTES,
        OPERATOR_PLAYBACK_HOURS,
        EXPORT_EXPIRY_HOURS,
        EXPORT_FOUR_EYES,
        EXPORT_CASE_PATTERN,
    )
}


@dataclass(frozen=True, slots=True)
class TextSetting:
    key: str
    default: str
    #: refuses a value with an InvalidInput, or gives it normalized
    check: Callable[[str], str]


#: The MQTT broker of sensors and alarms: "" (the engine starts its own on loopback) or
#: mqtt://HOST:PORT, mqtts://HOST:PORT (console/alarms/broker.py).
MQTT_BROKER = TextSetting("mqtt.broker", "", check_broker)

TEXT_SETTINGS: dict[str, TextSetting] = {s.key: s for s in (MQTT_BROKER,)}


def find_setting(key: str) -> IntSetting:
    try:
        return ALL_SETTINGS[key]
    except KeyError:
        raise InvalidInput(
            N_("There is no setting “{key}”. Settings: {known}."),
            key=key,
            known=", ".join([*ALL_SETTINGS, *TEXT_SETTINGS]),
        ) from None


def find_text_setting(key: str) -> TextSetting:
    try:
        return TEXT_SETTINGS[key]
    except KeyError:
        raise InvalidInput(
            N_("There is no setting “{key}”. Settings: {known}."),
            key=key,
            known=", ".join([*ALL_SETTINGS, *TEXT_SETTINGS]),
        ) from None


class Settings:
    def __init__(self, db: Database, audit: AuditLog, events: EventHub | None = None) -> None:
        self._db = db
        self._audit = audit
        #: SETTINGS after a change
        self._events = events or EventHub()

    def get_int(self, setting: IntSetting) -> int:
        rows = self._db.query("SELECT value FROM settings WHERE key = ?", (setting.key,))
        if not rows:
            return setting.default
        try:
            value = int(rows[0]["value"])
        except ValueError:
            return setting.default
        return min(max(value, setting.minimum), setting.maximum)

    def set_int(self, actor: Actor, setting: IntSetting, value: int) -> None:
        require(actor, Permission.MANAGE_SETTINGS)
        if not setting.minimum <= value <= setting.maximum:
            raise InvalidInput(
                N_("{key} must lie between {minimum} and {maximum}."),
                key=setting.key,
                minimum=setting.minimum,
                maximum=setting.maximum,
            )

        def change(db: sqlite_utils.Database) -> None:
            self._audit.append(db, actor, "setting.changed", setting.key, {"value": value})
            db.table("settings").upsert({"key": setting.key, "value": str(value)}, pk="key")

        self._db.write(change).result()
        self._events.announce(ChangeKind.SETTINGS)

    def get_text(self, setting: TextSetting) -> str:
        rows = self._db.query("SELECT value FROM settings WHERE key = ?", (setting.key,))
        if not rows:
            return setting.default
        try:
            return setting.check(str(rows[0]["value"]))
        except InvalidInput:
            return setting.default

    def set_text(self, actor: Actor, setting: TextSetting, value: str) -> str:
        """Store a text setting (administrators); returns the value as stored."""
        require(actor, Permission.MANAGE_SETTINGS)
        value = setting.check(value)

        def change(db: sqlite_utils.Database) -> None:
            self._audit.append(db, actor, "setting.changed", setting.key, {"value": value})
            db.table("settings").upsert({"key": setting.key, "value": value}, pk="key")

        self._db.write(change).result()
        self._events.announce(ChangeKind.SETTINGS)
        return value
