"""Lighting zones and their luminaires: schedules, overrides, alarm boosts, what was reported.

A zone is a place's luminaires under one schedule. Luminaires that announce themselves on the
broker land in a zone named after their place, with the default program (dark by day, lit from
sunset to sunrise), until a supervisor arranges zones otherwise. Operators override a zone's
level for a while; alarms boost it; everything a person does is in the access log, and so is
every change of what a zone is told (one entry per change, not per renewal).
"""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from console.alarms.model import bounded_text
from console.alarms.service import place_slug
from console.audit.log import AuditLog
from console.clock import Clock, from_iso, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, NotFound
from console.events import ChangeKind, EventHub
from console.lighting.control import (
    MAX_OVERRIDE,
    Boost,
    Command,
    Override,
    ZoneControl,
)
from console.lighting.schedule import (
    LINKOPING,
    Location,
    Program,
    Schedule,
    Step,
    SunEvent,
    parse_window,
)
from console.policy import require
from console.storage import Database

#: Who the engine's entries in the access log name.
ENGINE = "lighting-engine"
MAX_REASON = 500


@dataclass(frozen=True)
class Luminaire:
    id: int
    place: str
    light: str
    zone_id: int
    #: "mqtt" (a controller on the broker) or "relay" (a camera's relay output)
    driver: str
    camera_id: int | None
    relay_token: str
    available: bool | None
    reported_level: int | None
    reported_mode: str
    reported_at: datetime | None
    commanded_level: int | None
    command_id: str
    #: the last command's id came back in a state
    confirmed: bool
    error: str

    def as_json(self) -> dict[str, object]:
        return {
            "light": self.light,
            "place": self.place,
            "driver": self.driver,
            "available": self.available,
            "reported_level": self.reported_level,
            "reported_mode": self.reported_mode,
            "commanded_level": self.commanded_level,
            "confirmed": self.confirmed,
            "error": self.error,
        }


@dataclass(frozen=True)
class Zone:
    id: int
    name: str
    #: the place's slug, as luminaires name it in their topics
    place: str
    area_id: int | None
    schedule: Schedule
    override: Override | None
    boost: Boost | None
    luminaires: tuple[Luminaire, ...]

    @property
    def control(self) -> ZoneControl:
        return ZoneControl(self.schedule, self.override, self.boost)


# -- programs as stored and as typed ---------------------------------------------------------


def program_json(program: Program) -> dict[str, object]:
    return {
        "night_level": program.night_level,
        "day_level": program.day_level,
        "on_at": str(program.on_at),
        "off_at": str(program.off_at),
        "windows": [w.text() for w in program.windows],
    }


def program_from_json(data: Mapping[str, Any]) -> Program:
    """A program from its JSON (docs/lighting.md); bad members are refused in words."""
    try:
        return Program(
            night_level=int(data.get("night_level", 100)),
            day_level=int(data.get("day_level", 0)),
            on_at=SunEvent(str(data.get("on_at", "sunset"))),
            off_at=SunEvent(str(data.get("off_at", "sunrise"))),
            windows=tuple(parse_window(str(w)) for w in data.get("windows", ())),
        )
    except (ValueError, TypeError):
        raise InvalidInput(
            N_("The program is not understood: see docs/lighting.md for its members.")
        ) from None


def schedule_json(schedule: Schedule) -> dict[str, object]:
    return {
        "program": program_json(schedule.program),
        "calendar": {d.isoformat(): program_json(p) for d, p in sorted(schedule.calendar.items())},
        "latitude": schedule.location.latitude,
        "longitude": schedule.location.longitude,
    }


def schedule_from_json(data: Mapping[str, Any]) -> Schedule:
    try:
        calendar = {
            date.fromisoformat(str(day)): program_from_json(program)
            for day, program in dict(data.get("calendar", {})).items()
        }
        location = Location(
            float(data.get("latitude", LINKOPING[0])), float(data.get("longitude", LINKOPING[1]))
        )
    except (ValueError, TypeError):
        raise InvalidInput(
            N_("The schedule is not understood: see docs/lighting.md for its members.")
        ) from None
    return Schedule(program_from_json(dict(data.get("program", {}))), calendar, location)


class LightingService:
    def __init__(
        self, db: Database, audit: AuditLog, clock: Clock, events: EventHub | None = None
    ) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock
        #: LIGHTING with zone ids after a change
        self._events = events or EventHub()
        #: called after a change of what a zone should be told (an override, a schedule, a
        #: boost), so that an engine in this process acts at once rather than at its next tick
        self._on_intent: list[Callable[[], None]] = []

    def on_intent(self, callback: Callable[[], None]) -> None:
        self._on_intent.append(callback)

    # -- reading: anyone signed in may read the lighting (it shows no one) -------------------

    def zones(self) -> builtins.list[Zone]:
        rows = self._db.query(
            "SELECT z.*, o.level AS o_level, o.until AS o_until, o.user AS o_user, "
            "o.reason AS o_reason, b.level AS b_level, b.until AS b_until, b.alarm_id AS b_alarm "
            "FROM lighting_zones z LEFT JOIN lighting_overrides o ON o.zone_id = z.id "
            "LEFT JOIN lighting_boosts b ON b.zone_id = z.id ORDER BY z.name"
        )
        lights = self._db.query("SELECT * FROM lighting_luminaires ORDER BY place, light")
        by_zone: dict[int, list[Luminaire]] = {}
        for row in lights:
            luminaire = _luminaire(row)
            by_zone.setdefault(luminaire.zone_id, []).append(luminaire)
        return [_zone(row, by_zone.get(int(row["id"]), [])) for row in rows]

    def zone(self, which: str | int) -> Zone:
        """A zone by id or name (case ignored)."""
        zones = self.zones()
        for zone in zones:
            if zone.id == which or str(zone.id) == str(which).strip():
                return zone
        wanted = str(which).strip().casefold()
        for zone in zones:
            if zone.name.casefold() == wanted or zone.place == wanted:
                return zone
        if not zones:
            raise NotFound(
                N_(
                    "There is no lighting zone “{name}”: there are none yet. A zone appears when "
                    "a luminaire at its place announces itself on the broker."
                ),
                name=str(which),
            )
        raise NotFound(
            N_("There is no lighting zone “{name}”. Zones: {known}."),
            name=str(which),
            known=", ".join(z.name for z in zones),
        )

    def plan(self, zone: Zone, day: date) -> builtins.list[Step]:
        return zone.schedule.plan(day)

    # -- what people do ------------------------------------------------------------------------

    def override(
        self,
        actor: Actor,
        zone: Zone,
        level: int,
        duration: timedelta,
        reason: str = "",
        limit: timedelta = MAX_OVERRIDE,
    ) -> Zone:
        require(actor, Permission.CONTROL_LIGHTING)
        if zone.area_id is not None:
            require(actor, Permission.CONTROL_LIGHTING, zone.area_id)
        reason = _reason(reason)
        now = self._clock.now()
        control = zone.control.with_override(now, level, duration, actor.name, reason, limit)
        override = control.override
        assert override is not None

        def change(db: sqlite_utils.Database) -> None:
            db.execute(
                "INSERT OR REPLACE INTO lighting_overrides (zone_id, level, until, user, reason, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (zone.id, level, to_iso(override.until), actor.name, reason, to_iso(now)),
            )
            self._audit.append(
                db,
                actor,
                "lighting.override",
                f"zone:{zone.id}",
                {
                    "zone": zone.name,
                    "level": level,
                    "minutes": _minutes(duration),
                    "reason": reason,
                },
            )

        return self._write(zone.id, change)

    def resume_schedule(self, actor: Actor, zone: Zone) -> Zone:
        """End an override early: the zone follows its schedule (and any boost) again."""
        require(actor, Permission.CONTROL_LIGHTING)
        if zone.area_id is not None:
            require(actor, Permission.CONTROL_LIGHTING, zone.area_id)

        def change(db: sqlite_utils.Database) -> None:
            db.execute("DELETE FROM lighting_overrides WHERE zone_id = ?", (zone.id,))
            self._audit.append(
                db, actor, "lighting.resumed", f"zone:{zone.id}", {"zone": zone.name}
            )

        return self._write(zone.id, change)

    def set_schedule(self, actor: Actor, zone: Zone, schedule: Schedule) -> Zone:
        """Supervisors edit schedules (the permission that edits alarm rules)."""
        require(actor, Permission.MANAGE_RULES)
        text = json.dumps(schedule_json(schedule), sort_keys=True)

        def change(db: sqlite_utils.Database) -> None:
            db.execute(
                "UPDATE lighting_zones SET schedule = ?, updated_at = ?, updated_by = ? "
                "WHERE id = ?",
                (text, to_iso(self._clock.now()), actor.name, zone.id),
            )
            self._audit.append(
                db,
                actor,
                "lighting.schedule",
                f"zone:{zone.id}",
                {"zone": zone.name, "schedule": text[:2000]},
            )

        return self._write(zone.id, change)

    def add_relay(
        self, actor: Actor, zone_name: str, place: str, camera_id: int, token: str
    ) -> Zone:
        """A floodlight on a camera's relay output: a luminaire of levels 0 and 100 in the zone
        `zone_name` (made at `place` with the default program when there is none)."""
        require(actor, Permission.MANAGE_RULES)
        zone_name = bounded_text(zone_name.strip(), 100)
        token = bounded_text(token.strip(), 64)
        if not zone_name or not token:
            raise InvalidInput(N_("A relay needs a zone name and the relay's token."))
        slug = place_slug(place)
        now = self._clock.now()

        def change(db: sqlite_utils.Database) -> int:
            camera = db.execute(
                "SELECT id FROM cameras WHERE id = ? AND removed_at IS NULL", (camera_id,)
            ).fetchone()
            if camera is None:
                raise NotFound(N_("There is no camera {id}."), id=camera_id)
            row = db.execute(
                "SELECT id FROM lighting_zones WHERE name = ?", (zone_name,)
            ).fetchone()
            if row is None:
                _, area_id = _place_name(db, slug)
                zone_id = _new_zone(db, zone_name, slug, area_id, now, actor.name)
            else:
                zone_id = int(row[0])
            light = f"relay-{camera_id}-{token}"
            db.execute(
                "INSERT INTO lighting_luminaires (place, light, zone_id, driver, camera_id, "
                "relay_token, first_seen, available) VALUES (?, ?, ?, 'relay', ?, ?, ?, 1)",
                (slug, light, zone_id, camera_id, token, to_iso(now)),
            )
            self._audit.append(
                db,
                actor,
                "lighting.relay_added",
                f"zone:{zone_id}",
                {"zone": zone_name, "camera_id": camera_id, "relay": token},
            )
            return zone_id

        try:
            zone_id = self._db.write(change).result()
        except sqlite3.IntegrityError:
            raise InvalidInput(
                N_("Relay {token} of camera {id} already lights a zone."), token=token, id=camera_id
            ) from None
        self._events.announce(ChangeKind.LIGHTING, [zone_id])
        return self.zone(zone_id)

    def move(self, actor: Actor, place: str, light: str, zone_name: str) -> Zone:
        """Arrange zones: put a luminaire in the zone `zone_name` (made at the luminaire's place
        with the default program when there is none). Supervisors (MANAGE_RULES)."""
        require(actor, Permission.MANAGE_RULES)
        zone_name = bounded_text(zone_name.strip(), 100)
        if not zone_name:
            raise InvalidInput(N_("Name the zone the luminaire goes to."))
        luminaire = self._find_luminaire(place_slug(place), light.strip())
        if luminaire is None:
            raise NotFound(
                N_("There is no luminaire {light} at {place}."), light=light, place=place
            )
        now = self._clock.now()

        def change(db: sqlite_utils.Database) -> int:
            row = db.execute(
                "SELECT id FROM lighting_zones WHERE name = ?", (zone_name,)
            ).fetchone()
            if row is None:
                _, area_id = _place_name(db, luminaire.place)
                zone_id = _new_zone(db, zone_name, luminaire.place, area_id, now, actor.name)
            else:
                zone_id = int(row[0])
            db.execute(
                "UPDATE lighting_luminaires SET zone_id = ? WHERE id = ?", (zone_id, luminaire.id)
            )
            self._audit.append(
                db,
                actor,
                "lighting.moved",
                f"{luminaire.place}/{luminaire.light}",
                {"zone": zone_name, "from_zone_id": luminaire.zone_id, "zone_id": zone_id},
            )
            return zone_id

        zone_id = self._db.write(change).result()
        self._events.announce(ChangeKind.LIGHTING, [zone_id, luminaire.zone_id])
        for callback in self._on_intent:
            callback()
        return self.zone(zone_id)

    # -- what the engine does -------------------------------------------------------------------

    def boost(self, place: str, level: int, duration: timedelta, alarm_id: int) -> Zone | None:
        """An alarm at `place` raises its zone; a repeated one extends the boost. None when the
        place has no lighting zone."""
        try:
            zone = self.zone(place_slug(place))
        except NotFound:
            return None
        now = self._clock.now()
        boost = zone.control.with_boost(now, level, duration, alarm_id).boost
        assert boost is not None

        def change(db: sqlite_utils.Database) -> None:
            db.execute(
                "INSERT OR REPLACE INTO lighting_boosts (zone_id, level, until, alarm_id) "
                "VALUES (?, ?, ?, ?)",
                (zone.id, boost.level, to_iso(boost.until), alarm_id),
            )
            self._audit.append(
                db,
                ENGINE,
                "lighting.boost",
                f"zone:{zone.id}",
                {
                    "zone": zone.name,
                    "level": boost.level,
                    "until": to_iso(boost.until),
                    "alarm": alarm_id,
                },
            )

        return self._write(zone.id, change)

    def luminaire_seen(self, place: str, light: str) -> Luminaire:
        """A luminaire heard on the broker: known, or added to its place's zone (made with the
        default program when the place has none)."""
        place, light = bounded_text(place, 100), bounded_text(light, 100)
        found = self._find_luminaire(place, light)
        if found is not None:
            return found
        now = self._clock.now()

        def add(db: sqlite_utils.Database) -> int:
            zone = db.execute(
                "SELECT id FROM lighting_zones WHERE place = ? ORDER BY id LIMIT 1", (place,)
            ).fetchone()
            if zone is None:
                name, area_id = _place_name(db, place)
                zone_id = _new_zone(db, _free_name(db, name), place, area_id, now, ENGINE)
            else:
                zone_id = int(zone[0])
            db.execute(
                "INSERT OR IGNORE INTO lighting_luminaires (place, light, zone_id, first_seen) "
                "VALUES (?, ?, ?, ?)",
                (place, light, zone_id, to_iso(now)),
            )
            self._audit.append(
                db, ENGINE, "lighting.luminaire_added", f"{place}/{light}", {"zone_id": zone_id}
            )
            return zone_id

        zone_id = self._db.write(add).result()
        self._events.announce(ChangeKind.LIGHTING, [zone_id])
        found = self._find_luminaire(place, light)
        assert found is not None
        return found

    def record_report(
        self,
        luminaire: Luminaire,
        *,
        available: bool | None = None,
        level: int | None = None,
        mode: str | None = None,
        command_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """What a controller reported (its retained state, availability or an error)."""
        sets: list[str] = ["reported_at = ?"]
        params: list[object] = [to_iso(self._clock.now())]
        if available is not None:
            sets.append("available = ?")
            params.append(int(available))
        if level is not None:
            sets.append("reported_level = ?")
            params.append(level)
        if mode is not None:
            sets.append("reported_mode = ?")
            params.append(bounded_text(mode, 20))
        if command_id is not None and command_id == luminaire.command_id:
            sets.append("confirmed = 1")
        if error is not None:
            sets.append("error = ?")
            params.append(bounded_text(error, 200))
        params.append(luminaire.id)
        sql = f"UPDATE lighting_luminaires SET {', '.join(sets)} WHERE id = ?"
        self._db.write(lambda db: db.execute(sql, params)).result()
        self._events.announce(ChangeKind.LIGHTING, [luminaire.zone_id])

    def record_relay(
        self, luminaire: Luminaire, level: int | None, command_id: str, error: str
    ) -> None:
        """A relay's switching: the camera's answer confirms command `command_id` (`level` 0 or
        100), or its error is kept."""
        if level is None:
            sql = "UPDATE lighting_luminaires SET error = ?, reported_at = ? WHERE id = ?"
            params: tuple[object, ...] = (
                bounded_text(error, 200),
                to_iso(self._clock.now()),
                luminaire.id,
            )
        else:
            sql = (
                "UPDATE lighting_luminaires SET reported_level = ?, confirmed = 1, error = '', "
                "reported_at = ?, available = 1 WHERE id = ? AND command_id = ?"
            )
            params = (level, to_iso(self._clock.now()), luminaire.id, command_id)
        self._db.write(lambda db: db.execute(sql, params)).result()
        self._events.announce(ChangeKind.LIGHTING, [luminaire.zone_id])

    def record_command(
        self, zone: Zone, command: Command, *, changed: bool, sent_to: builtins.list[Luminaire]
    ) -> None:
        """A command sent to a zone's luminaires; a change of what the zone is told (not a
        renewal) goes to the access log."""

        def change(db: sqlite_utils.Database) -> None:
            for luminaire in sent_to:
                db.execute(
                    "UPDATE lighting_luminaires SET commanded_level = ?, command_id = ?, "
                    "confirmed = 0, error = '' WHERE id = ?",
                    (command.level, command.command_id, luminaire.id),
                )
            db.execute(
                "UPDATE lighting_zones SET commanded_level = ?, source = ?, detail = ?, "
                "until = ? WHERE id = ?",
                (
                    command.level,
                    str(command.source),
                    command.detail,
                    to_iso(command.until),
                    zone.id,
                ),
            )
            if changed:
                self._audit.append(
                    db,
                    ENGINE,
                    "lighting.command",
                    f"zone:{zone.id}",
                    {
                        "zone": zone.name,
                        "level": command.level,
                        "source": str(command.source),
                        "detail": command.detail,
                        "until": to_iso(command.until),
                    },
                )

        self._db.write(change).result()
        self._events.announce(ChangeKind.LIGHTING, [zone.id])

    def status(self) -> builtins.list[dict[str, object]]:
        """Per zone what it was last told and what its luminaires report (`lighting status`)."""
        rows = {int(r["id"]): r for r in self._db.query("SELECT * FROM lighting_zones")}
        out: builtins.list[dict[str, object]] = []
        for zone in self.zones():
            row = rows[zone.id]
            reported = [x.reported_level for x in zone.luminaires if x.reported_level is not None]
            offline = any(x.available is False for x in zone.luminaires)
            out.append(
                {
                    "zone": zone.name,
                    "place": zone.place,
                    "commanded_level": row["commanded_level"],
                    "reported_level": round(sum(reported) / len(reported)) if reported else None,
                    "reason": "offline" if offline else (row["source"] or "schedule"),
                    "detail": row["detail"] or "",
                    "until": row["until"],
                    "luminaires": [x.as_json() for x in zone.luminaires],
                }
            )
        return out

    # -- helpers ---------------------------------------------------------------------------------

    def _write(self, zone_id: int, change: Any) -> Zone:
        self._db.write(change).result()
        self._events.announce(ChangeKind.LIGHTING, [zone_id])
        for callback in self._on_intent:
            callback()
        return self.zone(zone_id)

    def _find_luminaire(self, place: str, light: str) -> Luminaire | None:
        rows = self._db.query(
            "SELECT * FROM lighting_luminaires WHERE place = ? AND light = ?", (place, light)
        )
        return _luminaire(rows[0]) if rows else None


def _zone(row: Mapping[str, Any], luminaires: builtins.list[Luminaire]) -> Zone:
    override = boost = None
    if row.get("o_level") is not None:
        override = Override(
            int(row["o_level"]), from_iso(row["o_until"]), row["o_user"], row["o_reason"]
        )
    if row.get("b_level") is not None:
        boost = Boost(int(row["b_level"]), from_iso(row["b_until"]), int(row["b_alarm"]))
    return Zone(
        id=int(row["id"]),
        name=str(row["name"]),
        place=str(row["place"]),
        area_id=None if row["area_id"] is None else int(row["area_id"]),
        schedule=schedule_from_json(json.loads(row["schedule"])),
        override=override,
        boost=boost,
        luminaires=tuple(luminaires),
    )


def _luminaire(row: Mapping[str, Any]) -> Luminaire:
    return Luminaire(
        id=int(row["id"]),
        place=str(row["place"]),
        light=str(row["light"]),
        zone_id=int(row["zone_id"]),
        driver=str(row["driver"]),
        camera_id=None if row["camera_id"] is None else int(row["camera_id"]),
        relay_token=str(row["relay_token"] or ""),
        available=None if row["available"] is None else bool(row["available"]),
        reported_level=row["reported_level"],
        reported_mode=str(row["reported_mode"] or ""),
        reported_at=None if row["reported_at"] is None else from_iso(row["reported_at"]),
        commanded_level=row["commanded_level"],
        command_id=str(row["command_id"] or ""),
        confirmed=bool(row["confirmed"]),
        error=str(row["error"] or ""),
    )


def _new_zone(
    db: sqlite_utils.Database, name: str, place: str, area_id: int | None, now: datetime, by: str
) -> int:
    """A zone at `place` with the default program (dark by day, lit from sunset to sunrise)."""
    return _pk(
        db.execute(
            "INSERT INTO lighting_zones (name, place, area_id, schedule, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                name,
                place,
                area_id,
                json.dumps(schedule_json(Schedule()), sort_keys=True),
                to_iso(now),
                by,
            ),
        ).lastrowid
    )


def _place_name(db: sqlite_utils.Database, slug: str) -> tuple[str, int | None]:
    for name, area in db.execute("SELECT name, area_id FROM places").fetchall():
        if place_slug(name) == slug:
            return str(name), int(area)
    return slug, None


def _free_name(db: sqlite_utils.Database, name: str) -> str:
    taken = {r[0] for r in db.execute("SELECT name FROM lighting_zones").fetchall()}
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} {n}", n + 1
    return candidate


def _reason(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_REASON:
        raise InvalidInput(N_("A reason is at most {limit} characters."), limit=MAX_REASON)
    return bounded_text(text, MAX_REASON)


def _minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)


def _pk(value: object) -> int:
    assert isinstance(value, int), value
    return value
