"""Alarms stored and handled: raised from signals by the engine, handled by operators.

`AlarmService.ingest` (the engine's thread) turns a batch of signals into alarms in one write
transaction: a storm of messages costs one transaction per batch, and repeats coalesce on the open
alarm of their key (see console/alarms/model.py). Every operator action (acknowledge, assign,
close, snooze, a rule changed) is checked against the policy and written to the access log in
the transaction that makes it: if the entry cannot be written the action does not happen.
Changes are announced on the EventHub as ALARMS with the alarm ids, after they committed.
"""

from __future__ import annotations

import builtins
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

# Registers the alarms' state check (`utkik audit status`, the access log viewer's Verify).
import console.alarms.state  # noqa: F401
from console.alarms.model import (
    COMMENT_REQUIRED_UP_TO,
    DEFAULT_RULES,
    MAX_COMMENT,
    MAX_RAW,
    MAX_SNOOZE,
    MAX_TITLE,
    REPEAT_WINDOW,
    SEVERITIES,
    Alarm,
    AlarmState,
    Rule,
    Sensor,
    Snooze,
    bounded_text,
    plausible_time,
)
from console.alarms.signals import AlarmClass, AlarmSignal, DeviceEvent, SourceKind
from console.audit.log import AuditLog
from console.clock import Clock, from_iso, to_iso
from console.domain import Actor, Permission, Role, User
from console.errors import N_, InvalidInput, NotFound
from console.events import ChangeKind, EventHub
from console.policy import can, require
from console.storage import Database
from console.text import fold

#: The longest list `list()` gives at once.
MAX_LIST = 10_000


def place_slug(name: str) -> str:
    """A place's slug as sensors name it in their topics: `Trädgårdstorget` → `tradgardstorget`,
    `Stora torget` → `stora-torget` (docs/sensors-and-lighting.md)."""
    return "-".join(fold(name).split())


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one signal did: the alarm it raised or counted on (None when snoozed or a state
    ending that had no alarm), and whether the alarm is new."""

    alarm: Alarm | None
    new: bool = False
    rule: Rule | None = None


@dataclass(frozen=True, slots=True)
class _Where:
    place_id: int | None
    area_id: int | None
    site: str
    place: str
    cameras: tuple[int, ...]


@dataclass(slots=True)
class _Open:
    """An open alarm as a batch changes it: written once at the batch's end."""

    id: int
    #: True while its state lasts, False once ended, None for a one-off event's alarm
    active: bool | None
    last: datetime
    repeats: int = 0
    changed: bool = False


class _Batch:
    """The open alarms a batch of signals touches, by key: a storm of repeats costs one read
    and one write per alarm, not per message."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self._db = db
        self._open: dict[str, _Open | None] = {}

    def open(self, key: str) -> _Open | None:
        if key not in self._open:
            row = self._db.execute(
                "SELECT id, active, last_time FROM alarms WHERE key = ? AND state != 'closed' "
                "ORDER BY id DESC LIMIT 1",
                (key,),
            ).fetchone()
            self._open[key] = (
                None
                if row is None
                else _Open(int(row[0]), None if row[1] is None else bool(row[1]), from_iso(row[2]))
            )
        return self._open[key]

    def opened(self, key: str, alarm: _Open) -> None:
        self.flush_one(self._open.get(key))
        self._open[key] = alarm

    def flush(self) -> None:
        for alarm in self._open.values():
            self.flush_one(alarm)

    def flush_one(self, alarm: _Open | None) -> None:
        if alarm is None or not alarm.changed:
            return
        active = None if alarm.active is None else int(alarm.active)
        self._db.execute(
            "UPDATE alarms SET count = count + ?, last_time = ?, active = ?, "
            "revision = revision + 1 WHERE id = ?",
            (alarm.repeats, to_iso(alarm.last), active, alarm.id),
        )
        alarm.changed = False
        alarm.repeats = 0


class AlarmService:
    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        clock: Clock,
        events: EventHub | None = None,
    ) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock
        #: ALARMS with the alarm ids after a change
        self._events = events or EventHub()
        #: called with the alarms an operator changed, after the commit (the engine's
        #: publisher sets it, so that other consoles see the change at once)
        self.on_changed: Callable[[Sequence[Alarm]], None] | None = None

    # -- reading ---------------------------------------------------------------------------

    def list(
        self,
        actor: Actor,
        *,
        state: AlarmState | None = None,
        since: datetime | None = None,
        limit: int = MAX_LIST,
    ) -> builtins.list[Alarm]:
        """Alarms the actor may see: open ones first, then by severity and newest first."""
        require(actor, Permission.VIEW_ALARMS)
        where, params = [], []
        if state is not None:
            where.append("state = ?")
            params.append(state.value)
        if since is not None:
            where.append("received_time >= ?")
            params.append(to_iso(since))
        sql = "SELECT * FROM alarms"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY state = 'closed', severity, received_time DESC, id DESC LIMIT ?"
        params.append(str(max(1, min(limit, MAX_LIST))))
        alarms = [self._decode(row) for row in self._db.query(sql, tuple(params))]
        return [a for a in alarms if self._may_see(actor, a)]

    def get(self, actor: Actor, alarm_id: int) -> Alarm:
        require(actor, Permission.VIEW_ALARMS)
        alarm = self._stored(alarm_id)
        if not self._may_see(actor, alarm):
            require(actor, Permission.VIEW_ALARMS, alarm.area_id)
        return alarm

    def stored(self, alarm_ids: Iterable[int]) -> builtins.list[Alarm]:
        """The alarms by id, unchecked: for the engine publishing their state."""
        ids = sorted(set(alarm_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._db.query(f"SELECT * FROM alarms WHERE id IN ({marks})", tuple(ids))
        return [self._decode(row) for row in rows]

    def open_alarms(self) -> builtins.list[Alarm]:
        """Every alarm not closed, unchecked: for the engine publishing their state."""
        rows = self._db.query("SELECT * FROM alarms WHERE state != 'closed' ORDER BY id")
        return [self._decode(row) for row in rows]

    def instance(self) -> str:
        """This data dir's name on the broker: random, made once, kept in the database."""
        rows = self._db.query("SELECT value FROM alarm_meta WHERE key = 'instance'")
        if rows:
            return str(rows[0]["value"])

        def make(db: sqlite_utils.Database) -> str:
            row = db.execute("SELECT value FROM alarm_meta WHERE key = 'instance'").fetchone()
            if row:
                return str(row[0])
            value = secrets.token_hex(6)
            db.table("alarm_meta").insert({"key": "instance", "value": value})
            return value

        return str(self._db.write(make).result())

    def _may_see(self, actor: Actor, alarm: Alarm) -> bool:
        if alarm.area_id is None:
            return can(actor, Permission.VIEW_ALARMS)
        return can(actor, Permission.VIEW_ALARMS, alarm.area_id)

    def _stored(self, alarm_id: int) -> Alarm:
        rows = self._db.query("SELECT * FROM alarms WHERE id = ?", (alarm_id,))
        if not rows:
            raise NotFound(N_("There is no alarm number {id}."), id=alarm_id)
        return self._decode(rows[0])

    def _decode(self, row: dict[str, Any]) -> Alarm:
        with self._db.decoding("alarms", row.get("id")):
            active = row["active"]
            return Alarm(
                id=int(row["id"]),
                state=AlarmState(row["state"]),
                alarm_class=AlarmClass(row["class"]),
                severity=int(row["severity"]),
                source_kind=SourceKind(row["source_kind"]),
                source=row["source"],
                site=row["site"],
                place=row["place"],
                place_id=row["place_id"],
                cameras=tuple(int(c) for c in json.loads(row["cameras"])),
                title=row["title"],
                topic=row["topic"],
                key=row["key"],
                device_time=_time(row["device_time"]),
                received_time=from_iso(row["received_time"]),
                last_time=from_iso(row["last_time"]),
                count=int(row["count"]),
                active=None if active is None else bool(active),
                raw=row["raw"],
                acknowledged_by=row["acknowledged_by"],
                acknowledged_at=_time(row["acknowledged_at"]),
                comment=row["comment"],
                assigned_to=row["assigned_to"],
                closed_by=row["closed_by"],
                closed_at=_time(row["closed_at"]),
                revision=int(row["revision"]),
                area_id=row["area_id"],
            )

    # -- raising (the engine) ----------------------------------------------------------------

    def ingest(self, signals: Sequence[AlarmSignal]) -> builtins.list[Outcome]:
        """Store a batch of signals as alarms in one transaction; announce what changed."""
        if not signals:
            return []
        outcomes: builtins.list[Outcome] = self._db.write(
            lambda db: self._ingest(db, signals)
        ).result()
        changed = {o.alarm.id for o in outcomes if o.alarm is not None}
        if changed:
            self._events.announce(ChangeKind.ALARMS, changed)
        return outcomes

    def _ingest(
        self, db: sqlite_utils.Database, signals: Sequence[AlarmSignal]
    ) -> builtins.list[Outcome]:
        now = self._clock.now()
        rules = self._rules(db)
        snoozed = {
            (row[0], row[1]): int(row[2])
            for row in db.execute(
                "SELECT source_kind, source, id FROM alarm_snoozes "
                "WHERE until > ? AND lifted_at IS NULL",
                (to_iso(now),),
            ).fetchall()
        }
        places = _places(db)
        cameras: dict[int, int | None] = {}
        batch = _Batch(db)
        done: list[tuple[int | None, bool, Rule | None]] = []
        _note_sensors(db, [s.event for s in signals if s.event.kind is SourceKind.MQTT])
        for signal in signals:
            event = signal.event
            snooze = snoozed.get((event.kind.value, bounded_text(event.source)))
            if snooze is not None:
                db.execute(
                    "UPDATE alarm_snoozes SET suppressed = suppressed + 1 WHERE id = ?", (snooze,)
                )
                done.append((None, False, None))
                continue
            where = _where(db, signal, places, cameras)
            rule = _rule_for(rules, signal.alarm_class, where.area_id)
            alarm_id, new = self._ingest_one(db, batch, signal, where, rule)
            done.append((alarm_id, new, rule if alarm_id is not None else None))
        batch.flush()
        ids = sorted({alarm_id for alarm_id, _, _ in done if alarm_id is not None})
        alarms: dict[int, Alarm] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            cursor = db.execute(
                f"SELECT * FROM alarms WHERE id IN ({','.join('?' * len(part))})", part
            )
            names = [d[0] for d in cursor.description]
            for values in cursor.fetchall():
                alarm = self._decode(dict(zip(names, values, strict=True)))
                alarms[alarm.id] = alarm
        return [
            Outcome(alarms[alarm_id] if alarm_id is not None else None, new, rule)
            for alarm_id, new, rule in done
        ]

    def _ingest_one(
        self,
        db: sqlite_utils.Database,
        batch: _Batch,
        signal: AlarmSignal,
        where: _Where,
        rule: Rule,
    ) -> tuple[int | None, bool]:
        """The alarm the signal raised or counted on (None: none), and whether it is new."""
        event = signal.event
        received = event.received_time
        key = bounded_text(signal.key, 500)
        open_alarm = batch.open(key)
        if open_alarm is not None:
            lasting = open_alarm.active is True
            if signal.active is False:
                if not lasting:
                    return None, False
                open_alarm.active = False
                open_alarm.last = max(received, open_alarm.last)
                open_alarm.changed = True
                return open_alarm.id, False
            repeat = lasting if signal.active else received - open_alarm.last <= REPEAT_WINDOW
            if repeat:
                open_alarm.repeats += 1
                open_alarm.last = max(received, open_alarm.last)
                open_alarm.changed = True
                return open_alarm.id, False
        if signal.active is False:
            # The end of a state no alarm was raised for (a retained "closed" read on
            # connecting): nothing happened.
            return None, False
        device_time = plausible_time(event.device_time, received)
        alarm_id = _pk(
            db.table("alarms")
            .insert(
                {
                    "state": AlarmState.NEW.value,
                    "class": signal.alarm_class.value,
                    "severity": rule.severity,
                    "source_kind": event.kind.value,
                    "source": bounded_text(event.source),
                    "site": where.site,
                    "place": where.place,
                    "place_id": where.place_id,
                    "area_id": where.area_id,
                    "cameras": json.dumps(list(where.cameras)),
                    "title": bounded_text(signal.title, MAX_TITLE) or bounded_text(event.topic),
                    "topic": bounded_text(event.topic, 500),
                    "key": key,
                    "device_time": to_iso(device_time) if device_time else None,
                    "received_time": to_iso(received),
                    "last_time": to_iso(received),
                    "count": 1,
                    "active": None if signal.active is None else 1,
                    "raw": bounded_text(event.raw, MAX_RAW, page=True),
                    "acknowledged_by": "",
                    "comment": "",
                    "assigned_to": "",
                    "closed_by": "",
                    "revision": 1,
                }
            )
            .last_pk
        )
        batch.opened(key, _Open(alarm_id, None if signal.active is None else True, received))
        return alarm_id, True

    # -- handling (operators) ----------------------------------------------------------------

    def acknowledge(self, actor: Actor, alarm_id: int, comment: str = "") -> Alarm:
        """new → acknowledged; a comment is required for severity 1 and 2."""
        comment = _comment(comment)
        alarm = self._handled(actor, alarm_id)
        if alarm.state is not AlarmState.NEW:
            raise InvalidInput(
                N_("Alarm {id} is {state} already."), id=alarm.id, state=alarm.state.value
            )
        _require_comment(alarm, comment)
        now = to_iso(self._clock.now())
        return self._change(
            actor,
            alarm,
            "alarm.acknowledged",
            {"comment": comment},
            "UPDATE alarms SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, "
            "comment = ?, revision = revision + 1 WHERE id = ? AND state = 'new'",
            (actor.name, now, comment, alarm.id),
        )

    def assign(self, actor: Actor, alarm_id: int, operator: str) -> Alarm:
        """Give the alarm to an operator (a user who may handle alarms at its place)."""
        alarm = self._handled(actor, alarm_id)
        self._require_open(alarm)
        name = self._handler_name(operator, alarm)
        return self._change(
            actor,
            alarm,
            "alarm.assigned",
            {"to": name},
            "UPDATE alarms SET assigned_to = ?, revision = revision + 1 "
            "WHERE id = ? AND state != 'closed'",
            (name, alarm.id),
        )

    def close(self, actor: Actor, alarm_id: int, comment: str = "") -> Alarm:
        """Close an alarm (acknowledged or not; a new one of severity 1–2 needs the comment
        an acknowledgement would)."""
        comment = _comment(comment)
        alarm = self._handled(actor, alarm_id)
        self._require_open(alarm)
        if alarm.state is AlarmState.NEW:
            _require_comment(alarm, comment)
        now = to_iso(self._clock.now())
        return self._change(
            actor,
            alarm,
            "alarm.closed",
            {"comment": comment},
            "UPDATE alarms SET state = 'closed', closed_by = ?, closed_at = ?, "
            "comment = CASE WHEN ? = '' THEN comment ELSE ? END, revision = revision + 1 "
            "WHERE id = ? AND state != 'closed'",
            (actor.name, now, comment, comment, alarm.id),
        )

    def _handled(self, actor: Actor, alarm_id: int) -> Alarm:
        require(actor, Permission.ACK_ALARMS)
        alarm = self._stored(alarm_id)
        if alarm.area_id is not None:
            require(actor, Permission.ACK_ALARMS, alarm.area_id)
        return alarm

    @staticmethod
    def _require_open(alarm: Alarm) -> None:
        if alarm.state is AlarmState.CLOSED:
            raise InvalidInput(N_("Alarm {id} is closed already."), id=alarm.id)

    def _handler_name(self, operator: str, alarm: Alarm) -> str:
        rows = self._db.query(
            "SELECT u.id, u.name, u.role, u.disabled, "
            "(SELECT group_concat(area_id) FROM user_areas WHERE user_id = u.id) AS areas "
            "FROM users u WHERE u.name = ?",
            (operator.strip(),),
        )
        if not rows:
            raise NotFound(N_("There is no user called “{name}”."), name=operator)
        row = rows[0]
        with self._db.decoding("users", row["id"]):
            areas = frozenset(int(a) for a in (row["areas"] or "").split(",") if a)
            user = User(
                int(row["id"]),
                row["name"],
                Role(row["role"]),
                areas,
                bool(row["disabled"]),
                self._clock.now(),
            )
        if not can(user, Permission.ACK_ALARMS, alarm.area_id):
            raise InvalidInput(
                N_("{name} may not handle this alarm: give it to an operator or supervisor."),
                name=user.name,
            )
        return user.name

    def _change(
        self,
        actor: Actor,
        alarm: Alarm,
        action: str,
        details: dict[str, object],
        sql: str,
        params: tuple[object, ...],
    ) -> Alarm:
        def change(db: sqlite_utils.Database) -> Alarm:
            if db.execute(sql, params).rowcount != 1:
                # Another console changed it meanwhile (closed it, acknowledged it).
                current = self._decode(_row(db, alarm.id))
                raise InvalidInput(
                    N_("Alarm {id} is {state} already."), id=alarm.id, state=current.state.value
                )
            self._audit.append(db, actor, action, f"alarm:{alarm.id}", details)
            return self._decode(_row(db, alarm.id))

        changed: Alarm = self._db.write(change).result()
        self._announce([changed])
        return changed

    def _announce(self, alarms: Sequence[Alarm]) -> None:
        self._events.announce(ChangeKind.ALARMS, [a.id for a in alarms])
        if self.on_changed is not None:
            self.on_changed(alarms)

    def sensors(self, actor: Actor) -> builtins.list[Sensor]:
        """Every MQTT sensor heard, at known places or not."""
        require(actor, Permission.VIEW_ALARMS)
        names = {slug: name for slug, (_, _, name, _) in _places(self._db.reader()).items()}
        rows = self._db.query("SELECT * FROM alarm_sensors ORDER BY place, sensor")
        out = []
        for row in rows:
            with self._db.decoding("alarm_sensors", f"{row['place']}/{row['sensor']}"):
                out.append(
                    Sensor(
                        row["place"],
                        row["sensor"],
                        row["kind"],
                        row["availability"],
                        from_iso(row["first_seen"]),
                        from_iso(row["last_seen"]),
                        names.get(row["place"], ""),
                    )
                )
        return out

    # -- snoozing ------------------------------------------------------------------------------

    def snooze(
        self,
        actor: Actor,
        source_kind: SourceKind,
        source: str,
        duration: timedelta,
        reason: str = "",
    ) -> Snooze:
        """Hold a noisy source quiet for `duration` (at most a day); it ends by itself."""
        require(actor, Permission.ACK_ALARMS)
        if not timedelta(0) < duration <= MAX_SNOOZE:
            raise InvalidInput(
                N_("A source can be snoozed for up to {hours} hours."),
                hours=int(MAX_SNOOZE.total_seconds() // 3600),
            )
        source = bounded_text(source.strip())
        if not source:
            raise InvalidInput(N_("Name the source to snooze."))
        reason = _comment(reason)
        now = self._clock.now()
        until = now + duration

        def change(db: sqlite_utils.Database) -> int:
            self._audit.append(
                db,
                actor,
                "alarm.snoozed",
                f"{source_kind.value}:{source}",
                {"until": to_iso(until), "reason": reason},
            )
            return _pk(
                db.table("alarm_snoozes")
                .insert(
                    {
                        "source_kind": source_kind.value,
                        "source": source,
                        "until": to_iso(until),
                        "by": actor.name,
                        "reason": reason,
                        "created_at": to_iso(now),
                        "suppressed": 0,
                        "lifted_at": None,
                    }
                )
                .last_pk
            )

        snooze_id = self._db.write(change).result()
        self._events.announce(ChangeKind.ALARMS)
        return Snooze(snooze_id, source_kind, source, until, actor.name, reason, now)

    def lift_snooze(self, actor: Actor, snooze_id: int) -> None:
        require(actor, Permission.ACK_ALARMS)
        now = to_iso(self._clock.now())

        def change(db: sqlite_utils.Database) -> None:
            row = db.execute(
                "SELECT source_kind, source FROM alarm_snoozes "
                "WHERE id = ? AND lifted_at IS NULL AND until > ?",
                (snooze_id, now),
            ).fetchone()
            if row is None:
                raise NotFound(N_("There is no snooze number {id} in force."), id=snooze_id)
            self._audit.append(db, actor, "alarm.snooze_lifted", f"{row[0]}:{row[1]}")
            db.execute("UPDATE alarm_snoozes SET lifted_at = ? WHERE id = ?", (now, snooze_id))

        self._db.write(change).result()
        self._events.announce(ChangeKind.ALARMS)

    def snoozes(self, actor: Actor) -> builtins.list[Snooze]:
        """The snoozes in force (an expired one has ended by itself)."""
        require(actor, Permission.VIEW_ALARMS)
        rows = self._db.query(
            "SELECT * FROM alarm_snoozes WHERE lifted_at IS NULL AND until > ? ORDER BY until",
            (to_iso(self._clock.now()),),
        )
        out = []
        for row in rows:
            with self._db.decoding("alarm_snoozes", row["id"]):
                out.append(
                    Snooze(
                        int(row["id"]),
                        SourceKind(row["source_kind"]),
                        row["source"],
                        from_iso(row["until"]),
                        row["by"],
                        row["reason"],
                        from_iso(row["created_at"]),
                        int(row["suppressed"]),
                    )
                )
        return out

    # -- rules ---------------------------------------------------------------------------------

    def rules(self, actor: Actor) -> builtins.list[Rule]:
        """Every rule in force: the stored ones, then the defaults of classes without one."""
        require(actor, Permission.VIEW_ALARMS)
        stored = self._rules(self._db.reader())
        defaults = [r for c, r in DEFAULT_RULES.items() if (c, None) not in stored]
        return [*stored.values(), *defaults]

    def rule(self, alarm_class: AlarmClass, area_id: int | None) -> Rule:
        """The rule an alarm of `alarm_class` at `area_id` follows."""
        return _rule_for(self._rules(self._db.reader()), alarm_class, area_id)

    def set_rule(self, actor: Actor, rule: Rule) -> Rule:
        """Store a rule for a class at one site (or every site: area_id None)."""
        require(actor, Permission.MANAGE_RULES)
        if rule.severity not in SEVERITIES:
            raise InvalidInput(N_("A severity is 1 (most severe) to 4."))
        if not 1 <= rule.record_s <= 3600:
            raise InvalidInput(N_("Event recording lasts 1 to 3600 seconds."))
        if rule.lighting_boost is not None and not 0 <= rule.lighting_boost <= 100:
            raise InvalidInput(N_("A lighting boost is 0 to 100 percent."))
        rule = replace(rule, sound=bounded_text(rule.sound.strip(), 64))
        now = to_iso(self._clock.now())
        area = 0 if rule.area_id is None else rule.area_id

        def change(db: sqlite_utils.Database) -> None:
            if area and not db.execute("SELECT 1 FROM areas WHERE id = ?", (area,)).fetchone():
                raise NotFound(N_("There is no area number {id}."), id=area)
            self._audit.append(
                db,
                actor,
                "alarm.rule_changed",
                f"{rule.alarm_class.value}@{area or 'all'}",
                {
                    "severity": rule.severity,
                    "sound": rule.sound,
                    "open_camera": rule.open_camera,
                    "record": rule.record,
                    "record_s": rule.record_s,
                    "lighting_boost": rule.lighting_boost,
                },
            )
            db.table("alarm_rules").upsert(
                {
                    "class": rule.alarm_class.value,
                    "area_id": area,
                    "severity": rule.severity,
                    "sound": rule.sound,
                    "open_camera": int(rule.open_camera),
                    "record": int(rule.record),
                    "record_s": rule.record_s,
                    "lighting_boost": rule.lighting_boost,
                    "updated_at": now,
                    "updated_by": actor.name,
                },
                pk=("class", "area_id"),
            )

        self._db.write(change).result()
        self._events.announce(ChangeKind.SETTINGS)
        return rule

    def _rules(self, db: sqlite_utils.Database) -> dict[tuple[AlarmClass, int | None], Rule]:
        rules = {}
        for row in db.execute(
            "SELECT class, area_id, severity, sound, open_camera, record, record_s, "
            "lighting_boost FROM alarm_rules"
        ).fetchall():
            with self._db.decoding("alarm_rules", f"{row[0]}@{row[1]}"):
                rule = Rule(
                    AlarmClass(row[0]),
                    int(row[1]) or None,
                    int(row[2]),
                    str(row[3]),
                    bool(row[4]),
                    bool(row[5]),
                    int(row[6]),
                    None if row[7] is None else int(row[7]),
                )
            rules[(rule.alarm_class, rule.area_id)] = rule
        return rules


def _rule_for(
    rules: dict[tuple[AlarmClass, int | None], Rule], alarm_class: AlarmClass, area: int | None
) -> Rule:
    return (
        rules.get((alarm_class, area))
        or rules.get((alarm_class, None))
        or replace(DEFAULT_RULES[alarm_class], area_id=None)
    )


def _require_comment(alarm: Alarm, comment: str) -> None:
    """Handling a severe alarm (1–2) says what was done."""
    if alarm.severity <= COMMENT_REQUIRED_UP_TO and not comment:
        raise InvalidInput(
            N_("Alarm {id} has severity {severity}: say in a comment what was done."),
            id=alarm.id,
            severity=alarm.severity,
        )


def _comment(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_COMMENT:
        raise InvalidInput(N_("A comment is at most {limit} characters."), limit=MAX_COMMENT)
    return bounded_text(text, MAX_COMMENT, page=True)


def _pk(value: object) -> int:
    assert isinstance(value, int), value
    return value


def _time(text: str | None) -> datetime | None:
    return None if text is None else from_iso(text)


def _row(db: sqlite_utils.Database, alarm_id: int) -> dict[str, Any]:
    cursor = db.execute("SELECT * FROM alarms WHERE id = ?", (alarm_id,))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _note_sensors(db: sqlite_utils.Database, events: Sequence[DeviceEvent]) -> None:
    """Keep every sensor heard (its kind and availability as last said), one row per sensor
    and batch."""
    latest: dict[tuple[str, str], tuple[str, str, str]] = {}
    for event in events:
        key = (bounded_text(event.place or "", 100), bounded_text(event.source, 100))
        kind, availability, _ = latest.get(key, ("", "", ""))
        kind = bounded_text(event.data.get("kind", ""), 32) or kind
        if event.topic.endswith("/availability"):
            availability = bounded_text(event.raw.strip(), 16)
        latest[key] = (kind, availability, to_iso(event.received_time))
    for (place, sensor), (kind, availability, seen) in latest.items():
        db.execute(
            "INSERT INTO alarm_sensors (place, sensor, kind, availability, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (place, sensor) DO UPDATE SET "
            "kind = CASE WHEN excluded.kind = '' THEN kind ELSE excluded.kind END, "
            "availability = CASE WHEN excluded.availability = '' THEN availability "
            "ELSE excluded.availability END, last_seen = excluded.last_seen",
            (place, sensor, kind, availability, seen, seen),
        )


def _places(db: sqlite_utils.Database) -> dict[str, tuple[int, int, str, str]]:
    """Places by slug: (place id, area id, place name, area name)."""
    return {
        place_slug(name): (int(pid), int(aid), name, area)
        for pid, aid, name, area in db.execute(
            "SELECT p.id, p.area_id, p.name, a.name FROM places p JOIN areas a ON a.id = p.area_id"
        ).fetchall()
    }


def _where(
    db: sqlite_utils.Database,
    signal: AlarmSignal,
    places: dict[str, tuple[int, int, str, str]],
    cameras: dict[int, int | None],
) -> _Where:
    """Where the signal comes from: the camera's place, or the place its sensor's topic names
    (a place Utkik does not know keeps its slug, so the alarm is raised all the same)."""
    event = signal.event
    if event.camera_id is not None:
        if event.camera_id not in cameras:
            row = db.execute(
                "SELECT place_id FROM cameras WHERE id = ?", (event.camera_id,)
            ).fetchone()
            cameras[event.camera_id] = None if row is None else row[0]
        place_id = cameras[event.camera_id]
        for pid, aid, name, area in places.values():
            if pid == place_id:
                return _Where(pid, aid, area, name, (event.camera_id,))
        return _Where(None, None, "", "", (event.camera_id,))
    if event.place is not None:
        slug = bounded_text(event.place, 100)
        found = places.get(slug)
        if found is None:
            return _Where(None, None, "", slug, ())
        pid, aid, name, area = found
        at_place = tuple(
            int(r[0])
            for r in db.execute(
                "SELECT id FROM cameras WHERE place_id = ? AND removed_at IS NULL ORDER BY id",
                (pid,),
            ).fetchall()
        )
        return _Where(pid, aid, area, name, at_place)
    return _Where(None, None, "", "", ())
