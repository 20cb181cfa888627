"""Export requests: a supervisor asks, a second supervisor approves, then a package is produced.

A request names cameras, a UTC range, a reason, a case number and a recipient. It is pending
until another supervisor approves or rejects it (four eyes: the requester never approves their
own; an administrator may turn four eyes off, a logged setting, and then a request is approved
when it is made). It expires after `export.expiry_hours` unless produced by then. Expiry is
evaluated when requests are read or acted on, and logged once, by the system.

While a request is pending, approved or being produced, an automatic evidence lock (its reason
names the request) keeps its recordings from any purge. The lock is made in the transaction
that stores the request, and lifted in the one that rejects or expires it, or that marks it
produced (unless the supervisor keeps it). It also expires on its own, a margin after the
request, should nobody look at the requests again.

Every step is logged in the same transaction as the state it changes (fail closed): no entry, no
step. The package itself is written by a PackageProducer (console/export/order.py), which logs
`export.produced` with the manifest's hash.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from console.audit.log import AuditLog, _alive, _owner
from console.cameras import Camera, CameraService
from console.clock import Clock, from_iso, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, NotFound, PermissionDenied
from console.events import ChangeKind, EventHub
from console.export import state as _state  # noqa: F401 - registers the requests' state check
from console.export.order import ExportOrder, ExportProgress, PackageProducer, PackageReceipt
from console.localtime import format_moment
from console.policy import can, require
from console.recording.archive import RecordingService
from console.settings import (
    EXPORT_CASE_PATTERN,
    EXPORT_EXPIRY_HOURS,
    EXPORT_FOUR_EYES,
    Settings,
)
from console.storage import Database

#: Who expires requests and lifts their locks then: the system, named as such in the log.
EXPORT_ACTOR = "system:export"
#: The automatic lock outlives its request by this much, so that a production started just
#: before the request expires keeps its recordings while it runs. A request that expires is
#: seen by the next reader of the requests, who lifts the lock then.
LOCK_MARGIN = timedelta(hours=6)
#: Lengths beyond which a field is a paste accident, not a reason or a case number.
MAX_REASON = 1000
MAX_CASE = 100
MAX_RECIPIENT = 300
MAX_NOTE = 2000
#: The police's diarienummer, e.g. "Polisen 5000-K123456-26" (authority, unit, K-number, year);
#: checked only when `export.case_number_check` is 1.
CASE_PATTERN = re.compile(r"(?:\w+\s+)?\d{4}-K\d{1,9}-\d{2}")


class RequestState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    #: a package is being written (shown as approved: it is one until the package is whole)
    PRODUCING = "producing"
    PRODUCED = "produced"

    @property
    def shown(self) -> RequestState:
        """The state as lists show it: the five states a person acts on."""
        return RequestState.APPROVED if self is RequestState.PRODUCING else self


#: Where the request's recordings are kept from purge.
_LOCKED_STATES = (RequestState.PENDING, RequestState.APPROVED, RequestState.PRODUCING)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    id: int
    state: RequestState
    camera_ids: tuple[int, ...]
    start: datetime
    end: datetime
    reason: str
    case_number: str
    recipient: str
    note: str
    requester: str
    created_at: datetime
    expires_at: datetime
    #: whether a second supervisor had to approve it (the setting when it was made)
    four_eyes: bool
    #: who approved or rejected it; None while pending, and when approved without four eyes
    approver: str | None = None
    decided_at: datetime | None = None
    #: why it was rejected
    decision_reason: str = ""
    #: the automatic evidence lock that keeps its recordings
    lock_id: int | None = None
    produced_at: datetime | None = None
    produced_by: str = ""
    manifest_sha256: str = ""
    #: the package's folder, as the producer reported it
    package: str = ""

    @property
    def package_id(self) -> str:
        """The package's stable name (its folder and its manifest say it)."""
        return f"utkik-export-{self.id}-{self.created_at:%Y%m%dT%H%M%SZ}"

    def order(self) -> ExportOrder:
        return ExportOrder(
            request_id=self.id,
            package_id=self.package_id,
            camera_ids=self.camera_ids,
            start=self.start,
            end=self.end,
            requester=self.requester,
            approver=self.approver,
            reason=self.reason,
            case_number=self.case_number,
            recipient=self.recipient,
            note=self.note,
            requested_at=self.created_at,
            approved_at=self.decided_at if self.approver else None,
        )


@dataclass(frozen=True, slots=True)
class CameraCoverage:
    """What one camera recorded within a requested range, shown before the request is sent."""

    camera_id: int
    name: str
    place: str
    removed: bool
    #: recorded ranges within the request, in time order
    recorded: tuple[tuple[datetime, datetime], ...]
    #: what of the request is not recorded, in time order
    gaps: tuple[tuple[datetime, datetime], ...]

    @property
    def recorded_seconds(self) -> float:
        return sum((b - a).total_seconds() for a, b in self.recorded)


def gaps_of(
    recorded: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) that `recorded` (in time order, within it) leaves out."""
    gaps = []
    cursor = start
    for first, last in recorded:
        if first > cursor:
            gaps.append((cursor, first))
        cursor = max(cursor, last)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


class ExportService:
    """Export requests of one data dir: request, approve, reject, expire, produce."""

    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        settings: Settings,
        cameras: CameraService,
        recordings: RecordingService,
        clock: Clock,
        events: EventHub | None = None,
    ) -> None:
        self._db = db
        self._audit = audit
        self._settings = settings
        self._cameras = cameras
        self._recordings = recordings
        self._clock = clock
        #: EXPORTS after a request is made, approved, rejected, expired or produced (request
        #: ids); EVIDENCE after its automatic lock is made or lifted (lock ids)
        self._events = events or EventHub()

    # -- reading ---------------------------------------------------------------------------------

    def requests(self, actor: Actor) -> list[ExportRequest]:
        """Every request, newest first. Supervisors, and those who read the access log (which
        holds the same facts)."""
        _require_reader(actor)
        self.expire_due()
        return self._read()

    def get(self, actor: Actor, request_id: int) -> ExportRequest:
        _require_reader(actor)
        self.expire_due()
        return self._one(request_id)

    def pending_for(self, actor: Actor) -> list[ExportRequest]:
        """The pending requests `actor` could approve: another's, in areas they may approve."""
        areas = self._areas()
        return [
            request
            for request in self.requests(actor)
            if request.state is RequestState.PENDING
            and request.requester != actor.name
            and all(
                can(actor, Permission.EXPORT_APPROVE, areas.get(cid, 0))
                for cid in request.camera_ids
            )
        ]

    def coverage(
        self, actor: Actor, camera_ids: Sequence[int], start: datetime, end: datetime
    ) -> list[CameraCoverage]:
        """Per camera, what is recorded within [start, end) and its gaps."""
        cameras = self._cameras_for(actor, camera_ids, Permission.EXPORT_REQUEST)
        _check_range(start, end)
        return self._coverage(cameras, start, end)

    def _coverage(
        self, cameras: Sequence[Camera], start: datetime, end: datetime
    ) -> list[CameraCoverage]:
        places = {row["id"]: row["name"] for row in self._db.query("SELECT id, name FROM places")}
        out = []
        for camera in cameras:
            recorded = self._recordings.ranges(camera.id, start, end)
            out.append(
                CameraCoverage(
                    camera_id=camera.id,
                    name=camera.name,
                    place=places.get(camera.place_id, ""),
                    removed=camera.removed_at is not None,
                    recorded=tuple(recorded),
                    gaps=tuple(gaps_of(recorded, start, end)),
                )
            )
        return out

    # -- the steps -------------------------------------------------------------------------------

    def request(
        self,
        actor: Actor,
        camera_ids: Sequence[int],
        start: datetime,
        end: datetime,
        *,
        reason: str,
        case_number: str,
        recipient: str,
        note: str = "",
    ) -> ExportRequest:
        """Ask for an export of `camera_ids` within [start, end). Supervisors, in each camera's
        area. Without four eyes (an administrator's setting) the request is approved at once."""
        cameras = self._cameras_for(actor, camera_ids, Permission.EXPORT_REQUEST)
        _check_range(start, end)
        now = self._clock.now()
        if start >= now:
            raise InvalidInput(N_("An export can only cover time that has begun."))
        reason = _text(reason, MAX_REASON, N_("Give the reason for the export."))
        case_number = _line(case_number, MAX_CASE, N_("Give the case number of the export."))
        recipient = _line(
            recipient, MAX_RECIPIENT, N_("Give the recipient (authority and officer).")
        )
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise InvalidInput(N_("A note can have at most {limit} characters."), limit=MAX_NOTE)
        if self._settings.get_int(EXPORT_CASE_PATTERN) and not CASE_PATTERN.fullmatch(case_number):
            raise InvalidInput(
                N_(
                    "“{case}” is not a police case number: write it as the police do, e.g. "
                    "“Polisen 5000-K123456-26”."
                ),
                case=case_number,
            )
        if not any(c.recorded for c in self._coverage(cameras, start, end)) and not any(
            s.camera_id in camera_ids and s.start < end for s in self._recordings.open_segments()
        ):
            raise InvalidInput(
                N_("Nothing of {names} is recorded between {start} and {end}."),
                names=", ".join(c.name for c in cameras),
                start=format_moment(start),
                end=format_moment(end),
            )
        four_eyes = bool(self._settings.get_int(EXPORT_FOUR_EYES))
        expires = now + timedelta(hours=self._settings.get_int(EXPORT_EXPIRY_HOURS))
        ids = sorted(c.id for c in cameras)

        def insert(db: sqlite_utils.Database) -> tuple[int, int]:
            cursor = db.execute(
                "INSERT INTO export_requests (state, start_utc, end_utc, reason, case_number, "
                "recipient, note, requester, created_at, expires_at, four_eyes, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (RequestState.PENDING if four_eyes else RequestState.APPROVED).value,
                    to_iso(start),
                    to_iso(end),
                    reason,
                    case_number,
                    recipient,
                    note,
                    actor.name,
                    to_iso(now),
                    to_iso(expires),
                    int(four_eyes),
                    None if four_eyes else to_iso(now),
                ),
            )
            request_id = int(cursor.lastrowid or 0)
            for camera_id in ids:
                db.execute(
                    "INSERT INTO export_request_cameras (request_id, camera_id) VALUES (?, ?)",
                    (request_id, camera_id),
                )
            self._audit.append(
                db,
                actor,
                "export.requested",
                _target(request_id),
                {
                    "cameras": ",".join(map(str, ids)),
                    "names": ", ".join(c.name for c in cameras),
                    "from": to_iso(start),
                    "to": to_iso(end),
                    "reason": reason,
                    "case": case_number,
                    "recipient": recipient,
                    "note": note,
                    "expires": to_iso(expires),
                    "four_eyes": four_eyes,
                },
            )
            lock_id = self._recordings.lock_in(
                db,
                actor,
                cameras,
                start,
                end,
                reason=f"export request {request_id}",
                case_number=case_number,
                expires_at=expires + LOCK_MARGIN,
            )
            db.execute("UPDATE export_requests SET lock_id = ? WHERE id = ?", (lock_id, request_id))
            return request_id, lock_id

        request_id, lock_id = self._db.write(insert).result()
        self._announce(request_id, lock_id)
        return self._one(request_id)

    def approve(self, approver: Actor, request_id: int) -> ExportRequest:
        """A second supervisor approves: `approver` was authenticated with their own password
        just now (by the caller, through UserService). Never the requester."""
        self.expire_due()
        request = self._one(request_id)
        self._check_decider(approver, request)

        def decide(db: sqlite_utils.Database) -> None:
            now = self._pending_in(db, request)
            self._audit.append(
                db,
                approver,
                "export.approved",
                _target(request.id),
                {
                    "case": request.case_number,
                    "requester": request.requester,
                    "approver": approver.name,
                },
            )
            db.execute(
                "UPDATE export_requests SET state = ?, approver = ?, decided_at = ? WHERE id = ?",
                (RequestState.APPROVED.value, approver.name, to_iso(now), request.id),
            )

        self._db.write(decide).result()
        self._announce(request.id)
        return self._one(request.id)

    def reject(self, approver: Actor, request_id: int, reason: str) -> ExportRequest:
        """A second supervisor rejects, saying why; the request's lock is lifted."""
        self.expire_due()
        request = self._one(request_id)
        self._check_decider(approver, request)
        reason = _text(reason, MAX_REASON, N_("Say why the export is rejected."))

        def decide(db: sqlite_utils.Database) -> bool:
            now = self._pending_in(db, request)
            self._audit.append(
                db,
                approver,
                "export.rejected",
                _target(request.id),
                {"case": request.case_number, "reason": reason},
            )
            db.execute(
                "UPDATE export_requests SET state = ?, approver = ?, decided_at = ?, "
                "decision_reason = ? WHERE id = ?",
                (RequestState.REJECTED.value, approver.name, to_iso(now), reason, request.id),
            )
            return self._release(db, approver, request, f"export request {request.id} rejected")

        lifted = self._db.write(decide).result()
        self._announce(request.id, request.lock_id if lifted else None)
        return self._one(request.id)

    def produce(
        self,
        actor: Actor,
        request_id: int,
        producer: PackageProducer,
        destination: Path,
        *,
        make_zip: bool = False,
        keep_lock: bool = False,
        progress: Callable[[ExportProgress], None] = lambda _: None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> PackageReceipt:
        """Have `producer` write the package of an approved, unexpired request into
        `destination`; by its requester or its approver. The request's lock is lifted when the
        package is whole, unless `keep_lock`. A failed or cancelled production leaves the
        request approved, to be produced again."""
        self.expire_due()
        request = self._one(request_id)
        if actor.name == request.requester:
            permission = Permission.EXPORT_REQUEST
        elif request.approver is not None and actor.name == request.approver:
            permission = Permission.EXPORT_APPROVE
        else:
            raise PermissionDenied(
                N_(
                    "{name} may not produce export {id}: only the supervisor who requested it "
                    "or the one who approved it may."
                ),
                name=actor.name,
                id=request.id,
            )
        self._cameras_for(actor, request.camera_ids, permission)
        owner = _owner()

        def begin(db: sqlite_utils.Database) -> None:
            state, expires = _state_in(db, request.id)
            if state is RequestState.PRODUCING:
                raise InvalidInput(N_("Export {id} is being produced already."), id=request.id)
            if state is not RequestState.APPROVED:
                raise _not_producible(request.id, state, expires)
            if expires <= self._clock.now():
                raise _not_producible(request.id, RequestState.EXPIRED, expires)
            db.execute(
                "UPDATE export_requests SET state = ?, producer = ? WHERE id = ?",
                (RequestState.PRODUCING.value, owner, request.id),
            )

        self._db.write(begin).result()
        self._announce(request.id)
        try:
            receipt = producer.produce(
                actor,
                request.order(),
                destination,
                make_zip=make_zip,
                progress=progress,
                cancelled=cancelled,
            )
        except BaseException:
            self._db.write(
                lambda db: db.execute(
                    "UPDATE export_requests SET state = ?, producer = NULL WHERE id = ? "
                    "AND state = ?",
                    (RequestState.APPROVED.value, request.id, RequestState.PRODUCING.value),
                )
            ).result()
            self._announce(request.id)
            raise

        def finish(db: sqlite_utils.Database) -> bool:
            db.execute(
                "UPDATE export_requests SET state = ?, producer = NULL, produced_at = ?, "
                "produced_by = ?, manifest_sha256 = ?, package = ? WHERE id = ?",
                (
                    RequestState.PRODUCED.value,
                    to_iso(self._clock.now()),
                    actor.name,
                    receipt.manifest_sha256,
                    str(receipt.folder),
                    request.id,
                ),
            )
            if keep_lock:
                return False
            return self._release(db, actor, request, f"export {request.id} produced")

        lifted = self._db.write(finish).result()
        self._announce(request.id, request.lock_id if lifted else None)
        return receipt

    def expire_due(self) -> list[int]:
        """Expire every pending or approved request whose time is up (logged once, by the
        system, with its lock lifted in the same transaction); a production left `producing`
        by a process that has died counts as approved again. Returns the expired ids."""
        now = self._clock.now()
        due = self._db.query(
            "SELECT id, state, producer FROM export_requests WHERE state IN (?, ?, ?) "
            "AND (expires_at <= ? OR state = ?)",
            (
                RequestState.PENDING.value,
                RequestState.APPROVED.value,
                RequestState.PRODUCING.value,
                to_iso(now),
                RequestState.PRODUCING.value,
            ),
        )
        if not any(
            row["state"] != RequestState.PRODUCING or not _alive(row["producer"] or "")
            for row in due
        ):
            return []

        def expire(db: sqlite_utils.Database) -> tuple[list[int], list[int]]:
            rows = db.execute(
                "SELECT id, state, expires_at, producer FROM export_requests "
                "WHERE state IN (?, ?, ?)",
                [s.value for s in _LOCKED_STATES],
            ).fetchall()
            expired, lifted = [], []
            for request_id, state, expires_at, producer in rows:
                if state == RequestState.PRODUCING:
                    if _alive(producer or ""):
                        continue
                    # The process producing it died: the request is approved again.
                    db.execute(
                        "UPDATE export_requests SET state = ?, producer = NULL WHERE id = ?",
                        (RequestState.APPROVED.value, request_id),
                    )
                if from_iso(expires_at) > now:
                    continue
                request = self._read_in(db, "WHERE r.id = ?", (request_id,))[0]
                self._audit.append(
                    db,
                    EXPORT_ACTOR,
                    "export.expired",
                    _target(request_id),
                    {"case": request.case_number, "expired": expires_at},
                )
                db.execute(
                    "UPDATE export_requests SET state = ?, producer = NULL WHERE id = ?",
                    (RequestState.EXPIRED.value, request_id),
                )
                expired.append(request_id)
                if self._release(db, EXPORT_ACTOR, request, f"export request {request_id} expired"):
                    lifted.append(request.lock_id or 0)
            return expired, lifted

        expired, lifted = self._db.write(expire).result()
        if expired:
            self._events.announce(ChangeKind.EXPORTS, expired)
        if lifted:
            self._events.announce(ChangeKind.EVIDENCE, lifted)
        return expired

    # -- helpers ---------------------------------------------------------------------------------

    def _check_decider(self, approver: Actor, request: ExportRequest) -> None:
        if approver.name == request.requester:
            raise PermissionDenied(
                N_(
                    "{name} requested export {id} and may not decide on it: another supervisor "
                    "must approve or reject it."
                ),
                name=approver.name,
                id=request.id,
            )
        self._cameras_for(approver, request.camera_ids, Permission.EXPORT_APPROVE)

    def _pending_in(self, db: sqlite_utils.Database, request: ExportRequest) -> datetime:
        """The time of a decision on `request`, read again inside the deciding transaction
        (another supervisor may have decided meanwhile); refuses one that is not pending."""
        state, expires = _state_in(db, request.id)
        now = self._clock.now()
        if state is RequestState.PENDING and expires <= now:
            state = RequestState.EXPIRED
        if state is not RequestState.PENDING:
            raise _not_pending(request.id, state)
        return now

    def _release(
        self, db: sqlite_utils.Database, actor: Actor | str, request: ExportRequest, why: str
    ) -> bool:
        if request.lock_id is None:
            return False
        return self._recordings.release_in(db, actor, request.lock_id, why)

    def _cameras_for(
        self, actor: Actor, camera_ids: Sequence[int], permission: Permission
    ) -> list[Camera]:
        """The cameras (removed ones too) with `permission` required in each one's area."""
        if not camera_ids:
            raise InvalidInput(N_("Choose at least one camera to export."))
        require(actor, permission)
        cameras = []
        for camera_id in dict.fromkeys(camera_ids):
            camera = self._cameras.get_recorded(actor, camera_id)
            require(actor, permission, camera.area_id)
            cameras.append(camera)
        return cameras

    def _areas(self) -> dict[int, int]:
        return {
            row["id"]: row["area_id"] or 0
            for row in self._db.query(
                "SELECT c.id AS id, p.area_id AS area_id FROM cameras c "
                "LEFT JOIN places p ON p.id = c.place_id"
            )
        }

    def _announce(self, request_id: int, lock_id: int | None = None) -> None:
        self._events.announce(ChangeKind.EXPORTS, {request_id})
        if lock_id is not None:
            self._events.announce(ChangeKind.EVIDENCE, {lock_id})

    def _one(self, request_id: int) -> ExportRequest:
        found = self._read("WHERE r.id = ?", (request_id,))
        if not found:
            raise NotFound(N_("There is no export request number {id}."), id=request_id)
        return found[0]

    def _read(self, where: str = "", params: tuple[Any, ...] = ()) -> list[ExportRequest]:
        return self._read_in(self._db.reader(), where, params)

    def _read_in(
        self, db: sqlite_utils.Database, where: str, params: tuple[Any, ...]
    ) -> list[ExportRequest]:
        rows = db.query(_REQUESTS.format(where=where), params)
        out = []
        for row in rows:
            with self._db.decoding("export_requests", row["id"]):
                out.append(_request(row))
        return out


_REQUESTS = (
    "SELECT r.*, group_concat(c.camera_id) AS cameras FROM export_requests r "
    "LEFT JOIN export_request_cameras c ON c.request_id = r.id {where} "
    "GROUP BY r.id ORDER BY r.id DESC"
)


def _request(row: dict[str, Any]) -> ExportRequest:
    def moment(key: str) -> datetime | None:
        return from_iso(row[key]) if row[key] else None

    return ExportRequest(
        id=row["id"],
        state=RequestState(row["state"]),
        camera_ids=tuple(sorted(int(x) for x in (row["cameras"] or "").split(",") if x)),
        start=from_iso(row["start_utc"]),
        end=from_iso(row["end_utc"]),
        reason=row["reason"],
        case_number=row["case_number"],
        recipient=row["recipient"],
        note=row["note"],
        requester=row["requester"],
        created_at=from_iso(row["created_at"]),
        expires_at=from_iso(row["expires_at"]),
        four_eyes=bool(row["four_eyes"]),
        approver=row["approver"],
        decided_at=moment("decided_at"),
        decision_reason=row["decision_reason"],
        lock_id=row["lock_id"],
        produced_at=moment("produced_at"),
        produced_by=row["produced_by"] or "",
        manifest_sha256=row["manifest_sha256"] or "",
        package=row["package"] or "",
    )


def _state_in(db: sqlite_utils.Database, request_id: int) -> tuple[RequestState, datetime]:
    row = db.execute(
        "SELECT state, expires_at FROM export_requests WHERE id = ?", (request_id,)
    ).fetchone()
    if row is None:
        raise NotFound(N_("There is no export request number {id}."), id=request_id)
    return RequestState(row[0]), from_iso(row[1])


def _require_reader(actor: Actor) -> None:
    if not any(
        can(actor, permission)
        for permission in (
            Permission.EXPORT_REQUEST,
            Permission.EXPORT_APPROVE,
            Permission.VIEW_AUDIT,
        )
    ):
        require(actor, Permission.EXPORT_REQUEST)


def _check_range(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidInput(N_("The export's time range must end after it starts."))


def _text(text: str, limit: int, missing: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(missing)
    if len(text) > limit:
        raise InvalidInput(N_("At most {limit} characters, please."), limit=limit)
    return text


def _line(text: str, limit: int, missing: str) -> str:
    return _text(" ".join(text.split()), limit, missing)


def _target(request_id: int) -> str:
    return f"export:{request_id}"


def _not_pending(request_id: int, state: RequestState) -> InvalidInput:
    if state is RequestState.EXPIRED:
        return InvalidInput(
            N_("Export request {id} has expired: ask for a new one."), id=request_id
        )
    return InvalidInput(
        N_("Export request {id} has been decided already ({state})."),
        id=request_id,
        state=state.shown.value,
    )


def _not_producible(request_id: int, state: RequestState, expires: datetime) -> InvalidInput:
    if state is RequestState.EXPIRED:
        return InvalidInput(
            N_("Export request {id} expired at {time}: it cannot be produced. Ask for a new one."),
            id=request_id,
            time=format_moment(expires),
        )
    if state is RequestState.PENDING:
        return InvalidInput(N_("Export request {id} has not been approved yet."), id=request_id)
    return InvalidInput(
        N_("Export request {id} is {state}: it cannot be produced."),
        id=request_id,
        state=state.shown.value,
    )
