"""Cameras: adding (onboarded through devices/), renaming, moving, removing, health.

The camera row holds what onboarding learnt (`DeviceFacts`, as JSON) and a reference to its login
in the SecretStore (the OS keyring). The login never touches the database, the access log, a
repr or an export. Every add, change and removal is written to the access log in the same
transaction as the change itself.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from console.audit.log import AuditLog, Session
from console.camera_facts import Capabilities, DeviceFacts, Health, StreamProfile
from console.camera_login import CameraLogin, foreign_host_of, is_host, normalise_host
from console.clock import Clock, SystemClock, from_iso, to_iso
from console.domain import Actor, Permission, Place
from console.errors import N_, AlreadyExists, InvalidInput, NotFound, PermissionDenied
from console.events import ChangeKind, EventHub
from console.policy import can, require
from console.ports import CameraLogins, SecretStore
from console.storage import Database
from console.text import fold

MAX_NAME = 80
#: The cameras that are there now; a removed camera's row stays for its recordings.
_PRESENT = "WHERE c.removed_at IS NULL"
#: The TCP ports a camera can be reached on.
MIN_PORT, MAX_PORT = 1, 65535


@dataclass(frozen=True, slots=True)
class Camera:
    """A camera as the console knows it. Holds no secret: `credential_ref` names the login."""

    id: int
    name: str
    place_id: int
    area_id: int
    host: str
    port: int
    facts: DeviceFacts
    credential_ref: str
    created_at: datetime
    health: Health | None = None
    #: When the camera was removed; a removed camera stays for its recordings (until retention
    #: purges them) and is never listed, found or connected to again.
    removed_at: datetime | None = None
    #: Its surveillance register entry is complete (or provisional from an upgrade): only then
    #: does it record and do operators and supervisors see it (console/register.py).
    in_service: bool = True

    @property
    def insecure_transport(self) -> bool:
        return not self.facts.secure

    @property
    def main_uri(self) -> str:
        return self.facts.main.uri if self.facts.main else ""

    @property
    def sub_uri(self) -> str:
        return self.facts.sub.uri if self.facts.sub else ""


def facts_to_json(facts: DeviceFacts) -> str:
    return json.dumps(dataclasses.asdict(facts), ensure_ascii=False, sort_keys=True)


def facts_from_json(text: str) -> DeviceFacts:
    raw: dict[str, Any] = json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError("the camera's facts are not a JSON object")

    def profile(value: dict[str, Any] | None) -> StreamProfile | None:
        return StreamProfile(**value) if value else None

    known = {f.name for f in dataclasses.fields(DeviceFacts)}
    values = {k: v for k, v in raw.items() if k in known}
    values["main"] = profile(values.get("main"))
    values["sub"] = profile(values.get("sub"))
    values["capabilities"] = Capabilities(**values.get("capabilities", {}))
    for name in ("problems", "addresses", "trusted_hosts"):
        values[name] = tuple(values.get(name, ()))
    return DeviceFacts(**values)


def check_port(port: int) -> int:
    """A camera's port, refused plainly when it cannot be one (0 or 70000 would otherwise be
    tried and reported as "nothing answers")."""
    if isinstance(port, bool) or not isinstance(port, int) or not MIN_PORT <= port <= MAX_PORT:
        raise InvalidInput(
            N_("{port} is not a valid port: a port is a number from {low} to {high}."),
            port=port,
            low=MIN_PORT,
            high=MAX_PORT,
        )
    return port


def check_camera_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(N_("A camera needs a name."))
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(N_("A camera name can have at most {limit} characters."), limit=MAX_NAME)
    return cleaned


def _not_in_service(camera: Camera) -> PermissionDenied:
    return PermissionDenied(
        N_(
            "Camera “{name}” is not yet in the surveillance register: until an administrator "
            "completes its entry it does not record and only technicians see it."
        ),
        name=camera.name,
    )


class CameraService:
    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        secrets: SecretStore | None,
        clock: Clock | None = None,
        events: EventHub | None = None,
    ) -> None:
        self._db = db
        self._audit = audit
        self._secrets = secrets
        self._clock = clock or SystemClock()
        #: CAMERAS after an add, change or removal; HEALTH after a kept check
        self._events = events or EventHub()

    # -- reading -----------------------------------------------------------------------------

    def list(self, actor: Actor) -> list[Camera]:
        """The cameras `actor` may see or manage, by area, place and name (removed ones not)."""
        cameras = [self._to_camera(row) for row in self._rows(_PRESENT)]
        return [c for c in cameras if self._may_see(actor, c)]

    def get(self, actor: Actor, camera_id: int) -> Camera:
        rows = self._rows(f"{_PRESENT} AND c.id = ?", (camera_id,))
        if not rows:
            raise NotFound(N_("There is no camera number {id}."), id=camera_id)
        camera = self._to_camera(rows[0])
        if not self._may_see(actor, camera):
            if not camera.in_service and can(actor, Permission.VIEW_LIVE, camera.area_id):
                raise _not_in_service(camera)
            require(actor, Permission.MANAGE_CAMERAS, camera.area_id)
        return camera

    def recorded(self, actor: Actor) -> builtins.list[Camera]:
        """Every camera whose recordings `actor` may play or manage: the present ones and the
        removed ones (whose recordings stay under their own name and place until retention
        purges them), by area, place and name."""
        cameras = [self._to_camera(row) for row in self._rows()]
        return [c for c in cameras if self._may_see_recordings(actor, c)]

    def get_recorded(self, actor: Actor, camera_id: int) -> Camera:
        """A camera for its recordings, also a removed one."""
        rows = self._rows("WHERE c.id = ?", (camera_id,))
        if not rows:
            raise NotFound(N_("There is no camera number {id}."), id=camera_id)
        camera = self._to_camera(rows[0])
        if not self._may_see_recordings(actor, camera):
            require(actor, Permission.VIEW_RECORDED, camera.area_id)
        return camera

    def find(self, actor: Actor, text: str) -> Camera:
        """A camera by id, or by name ignoring case and diacritics."""
        cameras = self.list(actor)
        if text.strip().isdigit():
            for camera in cameras:
                if camera.id == int(text):
                    return camera
        matches = [c for c in cameras if fold(c.name) == fold(text)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise InvalidInput(
                N_("Several cameras are called “{name}”: use the number."), name=text
            )
        raise NotFound(N_("There is no camera called “{name}”."), name=text)

    def login(self, actor: Actor, camera: Camera) -> CameraLogin:
        """The camera's login from the keyring, for a person's own use of it (the technician's
        test, a health check run as the user): bound to the camera's host (and the hosts
        accepted for it), so that no adapter can send it to a host the camera names. The
        adapters the console connects through get theirs from `login_reader()` instead."""
        if not (
            can(actor, Permission.MANAGE_CAMERAS, camera.area_id)
            or can(actor, Permission.VIEW_LIVE, camera.area_id)
        ):
            require(actor, Permission.MANAGE_CAMERAS, camera.area_id)
        return self._load_login(camera)

    def login_reader(self) -> CameraLogins:
        """The capability to read cameras' logins, for the composition root to hand to the
        adapters that connect to cameras (the media hub's opener, PTZ and snapshots). It
        checks no permission: who watches, records, steers or takes a picture is checked, and
        logged, by the services before the adapter is asked. Widgets never get it."""
        return _LoginReader(self)

    def _stored(self, camera_id: int) -> Camera:
        rows = self._rows("WHERE c.id = ?", (camera_id,))
        if not rows:
            raise NotFound(N_("There is no camera number {id}."), id=camera_id)
        return self._to_camera(rows[0])

    def _load_login(self, camera: Camera) -> CameraLogin:
        secrets = self._require_secrets()
        login = secrets.load(camera.credential_ref)
        if login is None:
            raise NotFound(
                N_(
                    "The login of camera “{name}” is missing from {store}: enter it again "
                    "(the camera's settings)."
                ),
                name=camera.name,
                store=secrets.describe(),
            )
        user, password = login
        return CameraLogin.for_facts(camera.facts, user, password)

    def _may_see(self, actor: Actor, camera: Camera) -> bool:
        """Technicians see every camera of their areas (they commission them); those who only
        watch see a camera once the register lets it be used."""
        return can(actor, Permission.MANAGE_CAMERAS, camera.area_id) or (
            camera.in_service and can(actor, Permission.VIEW_LIVE, camera.area_id)
        )

    def _may_see_recordings(self, actor: Actor, camera: Camera) -> bool:
        if not camera.in_service:
            return can(actor, Permission.MANAGE_CAMERAS, camera.area_id) or can(
                actor, Permission.MANAGE_REGISTER
            )
        return any(
            can(actor, permission, camera.area_id)
            for permission in (
                Permission.VIEW_RECORDED,
                Permission.EVIDENCE_LOCK,
                Permission.MANAGE_REGISTER,
            )
        ) or (camera.removed_at is None and self._may_see(actor, camera))

    def _rows(self, where: str = "", params: Iterable[Any] = ()) -> builtins.list[dict[str, Any]]:
        return self._db.query(
            "SELECT c.*, p.area_id AS area_id, h.checked_at AS h_checked_at, "
            "h.reachable AS h_reachable, h.stream_ok AS h_stream_ok, "
            "h.clock_offset_s AS h_clock_offset_s, h.error AS h_error, "
            "coalesce(r.complete OR r.provisional, 0) AS in_service "
            "FROM cameras c LEFT JOIN places p ON p.id = c.place_id "
            "LEFT JOIN camera_health h ON h.camera_id = c.id "
            "LEFT JOIN register_entries r ON r.camera_id = c.id "
            f"{where} ORDER BY p.area_id, p.id, c.name COLLATE NOCASE, c.id",
            tuple(params),
        )

    def _to_camera(self, row: dict[str, Any]) -> Camera:
        with self._db.decoding("cameras", row["id"]):
            return self._decode_camera(row)

    def _decode_camera(self, row: dict[str, Any]) -> Camera:
        health = None
        if row.get("h_checked_at"):
            health = Health(
                checked_at=from_iso(row["h_checked_at"]),
                reachable=bool(row["h_reachable"]),
                stream_ok=bool(row["h_stream_ok"]),
                clock_offset_s=row["h_clock_offset_s"],
                error=row["h_error"] or "",
            )
        return Camera(
            id=row["id"],
            name=row["name"],
            # A camera deleted before removed cameras were kept, whose place the access log
            # did not name, is in no place: area 0, which no user is limited to, so only those
            # allowed everywhere see its recordings.
            place_id=row["place_id"] or 0,
            area_id=row["area_id"] or 0,
            host=row["host"],
            port=row["port"],
            facts=facts_from_json(row["facts"]),
            credential_ref=row["credential_ref"],
            created_at=from_iso(row["created_at"]),
            health=health,
            removed_at=from_iso(row["removed_at"]) if row["removed_at"] else None,
            in_service=bool(row["in_service"]),
        )

    # -- changing ----------------------------------------------------------------------------

    def add(
        self,
        actor: Actor,
        facts: DeviceFacts,
        place: Place,
        name: str,
        user: str,
        password: str,
    ) -> Camera:
        """Add an onboarded camera at `place`; its login goes to the keyring first."""
        require(actor, Permission.MANAGE_CAMERAS, place.area_id)
        name = check_camera_name(name)
        check_port(facts.port)
        if not user:
            raise InvalidInput(N_("A camera needs a user name to log in with."))
        secrets = self._require_secrets()
        ref = f"camera:{uuid.uuid4()}"
        secrets.store(ref, user, password)
        now = to_iso(self._clock.now())

        def create(db: sqlite_utils.Database) -> int:
            if db.execute(
                "SELECT 1 FROM cameras WHERE host = ? AND port = ? AND removed_at IS NULL",
                (facts.host, facts.port),
            ).fetchone():
                raise AlreadyExists(
                    N_("The camera at {host}:{port} has been added already."),
                    host=facts.host,
                    port=facts.port,
                )
            row_id = (
                db.table("cameras")
                .insert(
                    {
                        "place_id": place.id,
                        "name": name,
                        "created_at": now,
                        "updated_at": now,
                        "host": facts.host,
                        "port": facts.port,
                        "facts": facts_to_json(facts),
                        "credential_ref": ref,
                    }
                )
                .last_pk
            )
            camera_id = int(str(row_id))
            self._audit.append(
                db,
                actor,
                "camera.added",
                f"camera:{camera_id}",
                {
                    "name": name,
                    "place": place.name,
                    "host": facts.host,
                    "port": facts.port,
                    "manufacturer": facts.manufacturer,
                    "model": facts.model,
                    "serial": facts.serial,
                    "secure": facts.secure,
                },
            )
            return camera_id

        try:
            camera_id = self._db.write(create).result()
        except BaseException:
            secrets.delete(ref)
            raise
        self._events.announce(ChangeKind.CAMERAS, {camera_id})
        return self.get(actor, camera_id)

    def update(
        self,
        actor: Actor,
        camera_id: int,
        *,
        name: str | None = None,
        place: Place | None = None,
        facts: DeviceFacts | None = None,
    ) -> Camera:
        """Rename, move to another place, or store newly learnt facts (e.g. after a firmware
        update). Moving needs the permission in both areas."""
        camera = self.get(actor, camera_id)
        require(actor, Permission.MANAGE_CAMERAS, camera.area_id)
        if place is not None:
            require(actor, Permission.MANAGE_CAMERAS, place.area_id)
        new_name = check_camera_name(name) if name is not None else camera.name
        changes: dict[str, Any] = {}
        details: dict[str, object] = {}
        if new_name != camera.name:
            changes["name"] = new_name
            details |= {"name": new_name, "old_name": camera.name}
        if place is not None and place.id != camera.place_id:
            changes["place_id"] = place.id
            details |= {"place": place.name}
        if facts is not None:
            # Hosts a technician accepted stay accepted when the camera is onboarded again.
            facts = dataclasses.replace(facts, trusted_hosts=camera.facts.trusted_hosts)
        if facts is not None and facts != camera.facts:
            changes["facts"] = facts_to_json(facts)
            details |= {"facts": True}
        if not changes:
            return camera
        changes["updated_at"] = to_iso(self._clock.now())

        def change(db: sqlite_utils.Database) -> None:
            db.table("cameras").update(camera_id, changes)
            self._audit.append(db, actor, "camera.changed", f"camera:{camera_id}", details)

        self._db.write(change).result()
        self._events.announce(ChangeKind.CAMERAS, {camera_id})
        return self.get(actor, camera_id)

    def trust_host(self, actor: Actor, camera_id: int, host: str) -> Camera:
        """Accept `host` (the camera's network video recorder, a stream proxy) to receive the
        camera's login for the stream or snapshot addresses the camera names there. Logged as
        `camera.host_trusted` in the same transaction as the change."""
        camera = self.get(actor, camera_id)
        require(actor, Permission.MANAGE_CAMERAS, camera.area_id)
        wanted = normalise_host(host)
        if not is_host(wanted):
            raise InvalidInput(N_("“{host}” is not a host name or address."), host=host[:80])
        if wanted in camera.facts.trusted_hosts:
            return camera
        if CameraLogin.for_facts(camera.facts, "", "").allows(wanted):
            raise InvalidInput(
                N_("{host} is the camera's own address: it needs no acceptance."), host=wanted
            )
        trusted = (*camera.facts.trusted_hosts, wanted)
        facts = dataclasses.replace(camera.facts, trusted_hosts=trusted)
        facts = dataclasses.replace(facts, foreign_host=foreign_host_of(facts))
        changes = {"facts": facts_to_json(facts), "updated_at": to_iso(self._clock.now())}

        def change(db: sqlite_utils.Database) -> None:
            db.table("cameras").update(camera_id, changes)
            self._audit.append(
                db,
                actor,
                "camera.host_trusted",
                f"camera:{camera_id}",
                {"name": camera.name, "host": wanted, "camera_host": camera.host},
            )

        self._db.write(change).result()
        return self.get(actor, camera_id)

    def set_login(self, actor: Actor, camera_id: int, user: str, password: str) -> None:
        camera = self.get(actor, camera_id)
        require(actor, Permission.MANAGE_CAMERAS, camera.area_id)
        if not user:
            raise InvalidInput(N_("A camera needs a user name to log in with."))

        def change(db: sqlite_utils.Database) -> None:
            self._audit.append(
                db, actor, "camera.login_changed", f"camera:{camera_id}", {"name": camera.name}
            )

        # Logged first: fail closed if the log cannot be written.
        self._db.write(change).result()
        self._require_secrets().store(camera.credential_ref, user, password)

    def remove(self, actor: Actor, camera_id: int) -> Camera:
        camera = self.get(actor, camera_id)
        require(actor, Permission.MANAGE_CAMERAS, camera.area_id)

        removed_at = to_iso(self._clock.now())

        def delete(db: sqlite_utils.Database) -> None:
            db.execute("DELETE FROM camera_health WHERE camera_id = ?", (camera_id,))
            # The row stays, with its name and place, for the camera's recordings; its id is
            # never given to another camera (AUTOINCREMENT).
            db.execute(
                "UPDATE cameras SET removed_at = ?, updated_at = ?, credential_ref = '' "
                "WHERE id = ?",
                (removed_at, removed_at, camera_id),
            )
            self._audit.append(
                db,
                actor,
                "camera.removed",
                f"camera:{camera_id}",
                {"name": camera.name, "host": camera.host, "port": camera.port},
            )

        self._db.write(delete).result()
        self._events.announce(ChangeKind.CAMERAS, {camera_id})
        if self._secrets is not None:
            self._secrets.delete(camera.credential_ref)
        return dataclasses.replace(camera, removed_at=from_iso(removed_at), credential_ref="")

    def begin_view(
        self, actor: Actor, target: str, area_id: int | None, purpose: str = "live"
    ) -> Session:
        """Log a look at live video before it happens (fails closed: no entry, no video).

        `target` is "camera:<id>", or "host:port" for a camera being onboarded (the wizard's
        test still, which is a look at live video like any other)."""
        require(actor, Permission.VIEW_LIVE, area_id)
        if target.startswith("camera:") and target[7:].isdigit():
            rows = self._rows("WHERE c.id = ?", (int(target[7:]),))
            camera = self._to_camera(rows[0]) if rows else None
            if (
                camera
                and not camera.in_service
                and not can(actor, Permission.MANAGE_CAMERAS, area_id)
            ):
                raise _not_in_service(camera)
        return self._audit.begin(actor, "live.view", target, {"purpose": purpose}).result()

    def end_view(self, session: Session, frames: int = 0) -> None:
        self._audit.end(session, {"frames": frames}).result()

    def control_ptz(self, actor: Actor, camera: Camera, action: str, detail: str = "") -> None:
        """Log a PTZ command before it is sent (`action`: "move", "stop" is not logged,
        "preset"); refuses users without PTZ in the camera's area and cameras without PTZ."""
        require(actor, Permission.PTZ, camera.area_id)
        if not camera.facts.capabilities.ptz:
            raise InvalidInput(N_("Camera “{name}” cannot pan, tilt or zoom."), name=camera.name)
        self._audit.record(
            actor, f"ptz.{action}", f"camera:{camera.id}", {"name": camera.name, "detail": detail}
        ).result()

    def record_snapshot(self, actor: Actor, camera: Camera, path: str) -> None:
        """Log a snapshot to a file before the picture is taken."""
        require(actor, Permission.SNAPSHOT, camera.area_id)
        self._audit.record(
            actor, "snapshot.saved", f"camera:{camera.id}", {"name": camera.name, "path": path}
        ).result()

    def record_health(self, camera_id: int, health: Health) -> None:
        """Keep the latest check (not logged: it is the system's own observation); `health`
        must carry the time it was checked."""
        checked_at = health.checked_at
        if checked_at is None:
            raise ValueError("a kept health check needs the time it was made")

        def upsert(db: sqlite_utils.Database) -> None:
            db.execute(
                "INSERT INTO camera_health (camera_id, checked_at, reachable, stream_ok, "
                "clock_offset_s, error) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(camera_id) DO UPDATE SET checked_at = excluded.checked_at, "
                "reachable = excluded.reachable, stream_ok = excluded.stream_ok, "
                "clock_offset_s = excluded.clock_offset_s, error = excluded.error",
                (
                    camera_id,
                    to_iso(checked_at),
                    int(health.reachable),
                    int(health.stream_ok),
                    health.clock_offset_s,
                    health.error,
                ),
            )

        self._db.write(upsert).result()
        self._events.announce(ChangeKind.HEALTH, {camera_id})

    def _require_secrets(self) -> SecretStore:
        if self._secrets is None:
            raise InvalidInput(
                N_(
                    "There is no keyring to keep camera logins in. Start the console in a desktop "
                    "session with a keyring (GNOME Keyring or KWallet), or see docs/cameras.md."
                )
            )
        return self._secrets


class _LoginReader(CameraLogins):
    """`CameraService.login_reader()`: the cameras as stored and their logins, by id, for the
    adapters that connect to them; nothing else of the service."""

    __slots__ = ("_service",)

    def __init__(self, service: CameraService) -> None:
        self._service = service

    def __repr__(self) -> str:
        return "<camera logins>"

    def camera(self, camera_id: int) -> Camera:
        return self._service._stored(camera_id)

    def login(self, camera_id: int) -> CameraLogin:
        return self._service._load_login(self._service._stored(camera_id))
