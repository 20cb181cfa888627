"""The recordings archive: what is recorded when, the segment index, retention and evidence locks.

Recordings are fragmented MP4 segments (written by the engine, console/recording/engine.py)
under a recordings root; each has one index row (camera, stream, start/end UTC, bytes, path
relative to the root). Retention is set per camera (default 72 h, IMY's rule of thumb; longer
needs a written justification) and a purge deletes what has expired, leaving a receipt in the
access log. An evidence lock (supervisors: cameras × time range, reason, case number, expiry)
keeps the segments it covers from any purge until it expires or is lifted; locking, lifting and
the end of a lock are logged.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from console.audit.log import AuditLog
from console.cameras import Camera
from console.clock import Clock, from_iso, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, NotFound
from console.events import ChangeKind, EventHub
from console.media.packets import Profile
from console.policy import require
from console.storage import Database

log = logging.getLogger(__name__)

#: Local time of the monitoring room: schedules are written in it.
STOCKHOLM = ZoneInfo("Europe/Stockholm")
#: IMY's and the EDPB's rule of thumb; a longer retention needs a justification.
DEFAULT_RETENTION_HOURS = 72
MAX_RETENTION_HOURS = 24 * 366
#: A justification shorter than this is not one.
MIN_JUSTIFICATION = 10
#: No segment is longer (the recorder ends one that reaches it without a keyframe).
MAX_SEGMENT = timedelta(hours=1)
#: Who purges: the system itself, named as such in the access log.
RETENTION_ACTOR = "system:retention"
RECORDER_ACTOR = "system:recorder"


class Mode(enum.StrEnum):
    CONTINUOUS = "continuous"
    SCHEDULED = "scheduled"
    #: only around events (alarms), from a pre-event buffer kept ready
    EVENT = "event"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Window:
    """A weekly recording window in Stockholm time: `weekday` 0 = Monday, minutes since local
    midnight, `end` exclusive (1440 = midnight at the end of the day)."""

    weekday: int
    start: int
    end: int

    def contains(self, local: datetime) -> bool:
        minute = local.hour * 60 + local.minute
        return local.weekday() == self.weekday and self.start <= minute < self.end


def parse_window(text: str) -> Window:
    """ "mon 07:00-19:00" (Swedish day names too: "mån 07:00-19:00")."""
    try:
        day, span = text.split(maxsplit=1)
        first, last = (part.strip() for part in span.split("-"))
        weekday = _WEEKDAYS[day.strip().lower()[:3]]
        start, end = _minutes(first), _minutes(last)
    except (ValueError, KeyError):
        raise InvalidInput(
            N_("“{text}” is not a recording window; write e.g. “mon 07:00-19:00”."), text=text
        ) from None
    if not 0 <= start < end <= 24 * 60:
        raise InvalidInput(N_("In “{text}” the window must end after it starts."), text=text)
    return Window(weekday, start, end)


_WEEKDAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(("mån", "tis", "ons", "tor", "fre", "lör", "sön"))},
}


def _minutes(text: str) -> int:
    if text == "24:00":
        return 24 * 60
    moment = time.fromisoformat(text)
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True, slots=True)
class RecordingConfig:
    camera_id: int
    mode: Mode = Mode.CONTINUOUS
    schedule: tuple[Window, ...] = ()
    retention_hours: int = DEFAULT_RETENTION_HOURS
    justification: str = ""

    def listens_at(self, moment: datetime) -> bool:
        """Whether the engine follows the camera's stream now: recording, or keeping the
        pre-event buffer of event recording."""
        return self.mode is Mode.EVENT or self.records_at(moment)

    def records_at(self, moment: datetime) -> bool:
        if self.mode is Mode.CONTINUOUS:
            return True
        if self.mode in (Mode.OFF, Mode.EVENT):
            return False
        local = moment.astimezone(STOCKHOLM)
        return any(window.contains(local) for window in self.schedule)


class SegmentState(enum.StrEnum):
    #: being written (or left so by a process that died: repaired on the next start)
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Segment:
    id: int
    camera_id: int
    profile: Profile
    start: datetime
    end: datetime
    bytes: int
    #: relative to the recordings root
    path: str
    state: SegmentState


@dataclass(frozen=True, slots=True)
class EvidenceLock:
    id: int
    camera_ids: frozenset[int]
    start: datetime
    end: datetime
    reason: str
    case_number: str
    expires_at: datetime
    created_by: str
    created_at: datetime
    lifted_at: datetime | None = None
    lifted_by: str = ""
    #: the end (expiry or lift) is in the access log
    ended_logged: bool = False

    def active_at(self, moment: datetime) -> bool:
        return self.lifted_at is None and moment < self.expires_at

    def covers(self, segment: Segment) -> bool:
        return (
            segment.camera_id in self.camera_ids
            and segment.start < self.end
            and segment.end > self.start
        )


@dataclass(frozen=True, slots=True)
class PurgeReceipt:
    """What one purge deleted of one camera (also the details of its access-log entry)."""

    camera_id: int
    start: datetime
    end: datetime
    segments: int
    bytes: int


class RecordingService:
    """Recording settings, the segment index, retention and evidence locks (one data dir)."""

    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        clock: Clock,
        root: Path,
        events: EventHub | None = None,
    ) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock
        #: RECORDINGS after a mode or retention change and a purge (camera ids); EVIDENCE after
        #: a lock is made, lifted or logged as expired (lock ids). The segment index the engine
        #: keeps is not announced: it changes every few seconds per camera.
        self._events = events or EventHub()
        #: where the segments are
        self.root = root

    # -- what is recorded ------------------------------------------------------------------------

    def config(self, camera_id: int) -> RecordingConfig:
        rows = self._db.query("SELECT * FROM recording_config WHERE camera_id = ?", (camera_id,))
        return _config(rows[0]) if rows else RecordingConfig(camera_id)

    def configs(self, camera_ids: Iterable[int]) -> dict[int, RecordingConfig]:
        stored = {row["camera_id"]: _config(row) for row in self._db.query(_CONFIGS)}
        return {cid: stored.get(cid) or RecordingConfig(cid) for cid in camera_ids}

    # The mode, schedule and retention are fields of the camera's register entry: they are
    # changed there (console/register.py), which writes recording_config in the same
    # transaction, so there is one truth.

    # -- the segment index (the engine's; no user acts here) ------------------------------------

    def open_segment(self, camera_id: int, profile: Profile, start: datetime, path: str) -> int:
        """Index a segment about to be written (state open, ending where it starts)."""

        def insert(db: sqlite_utils.Database) -> int:
            cursor = db.execute(
                "INSERT INTO segments (camera_id, profile, start_utc, end_utc, bytes, path, state)"
                " VALUES (?, ?, ?, ?, 0, ?, ?)",
                (camera_id, profile.value, to_iso(start), to_iso(start), path, "open"),
            )
            return int(cursor.lastrowid or 0)

        return self._db.write(insert).result()

    def close_segment(
        self, segment_id: int, end: datetime, size: int, *, start: datetime | None = None
    ) -> None:
        """The segment is whole: its end, size and (when known better now) its start."""

        def update(db: sqlite_utils.Database) -> None:
            if start is not None:
                db.execute(
                    "UPDATE segments SET start_utc = ? WHERE id = ?", (to_iso(start), segment_id)
                )
            db.execute(
                "UPDATE segments SET end_utc = ?, bytes = ?, state = 'closed' WHERE id = ?",
                (to_iso(end), size, segment_id),
            )

        self._db.write(update).result()

    def drop_segment(self, segment_id: int) -> None:
        """Forget a segment that holds nothing (its file is gone or empty)."""
        self._db.write(
            lambda db: db.execute("DELETE FROM segments WHERE id = ?", (segment_id,))
        ).result()

    def forget_paths(self, paths: Sequence[str]) -> None:
        """Remove the index rows of segment files that are gone."""

        def delete(db: sqlite_utils.Database) -> None:
            for path in paths:
                db.execute("DELETE FROM segments WHERE path = ?", (path,))

        self._db.write(delete).result()

    def open_segments(self) -> list[Segment]:
        return [
            _segment(row) for row in self._db.query("SELECT * FROM segments WHERE state = 'open'")
        ]

    def indexed_paths(self) -> set[str]:
        return {row["path"] for row in self._db.query("SELECT path FROM segments")}

    def segments(
        self,
        camera_id: int,
        start: datetime,
        end: datetime,
        profile: Profile = Profile.MAIN,
        *,
        include_open: bool = False,
    ) -> list[Segment]:
        """The closed segments of a camera's stream overlapping [start, end), in time order;
        with `include_open` also the one being written (whose index end is still its start)."""
        # The lower bound on start_utc lets the index narrow both ends (a segment is never
        # longer than MAX_SEGMENT): constant time however long the archive.
        state = "state = 'closed' AND end_utc > ?"
        if include_open:
            state = "(state = 'open' OR end_utc > ?)"
        rows = self._db.query(
            f"SELECT * FROM segments WHERE camera_id = ? AND profile = ? AND {state} "
            "AND start_utc < ? AND start_utc >= ? ORDER BY start_utc",
            (camera_id, profile.value, to_iso(start), to_iso(end), to_iso(start - MAX_SEGMENT)),
        )
        return [_segment(row) for row in rows]

    def ranges(
        self,
        camera_id: int,
        start: datetime,
        end: datetime,
        profile: Profile = Profile.MAIN,
        *,
        join_s: float = 1.0,
    ) -> list[tuple[datetime, datetime]]:
        """Recorded time of a camera within [start, end): segments closer than `join_s` to each
        other form one range; what lies between ranges is a gap."""
        joined: list[tuple[datetime, datetime]] = []
        tolerance = timedelta(seconds=join_s)
        for segment in self.segments(camera_id, start, end, profile):
            first, last = max(segment.start, start), min(segment.end, end)
            if joined and first - joined[-1][1] <= tolerance:
                joined[-1] = (joined[-1][0], max(joined[-1][1], last))
            else:
                joined.append((first, last))
        return joined

    # -- evidence locks --------------------------------------------------------------------------

    def lock_evidence(
        self,
        actor: Actor,
        cameras: Sequence[Camera],
        start: datetime,
        end: datetime,
        *,
        reason: str,
        case_number: str,
        expires_at: datetime,
    ) -> EvidenceLock:
        """Keep the recordings of `cameras` within [start, end) from any purge until
        `expires_at` (or until lifted). Supervisors, in each camera's area."""
        lock_id = self._db.write(
            lambda db: self.lock_in(
                db,
                actor,
                cameras,
                start,
                end,
                reason=reason,
                case_number=case_number,
                expires_at=expires_at,
            )
        ).result()
        self._events.announce(ChangeKind.EVIDENCE, {lock_id})
        return self.lock(lock_id)

    def lock_in(
        self,
        db: sqlite_utils.Database,
        actor: Actor,
        cameras: Sequence[Camera],
        start: datetime,
        end: datetime,
        *,
        reason: str,
        case_number: str,
        expires_at: datetime,
    ) -> int:
        """`lock_evidence` inside a caller's write transaction (an export request and the lock
        that keeps its recordings are committed together or not at all); returns the lock's
        id. The caller announces EVIDENCE once the transaction has committed."""
        if not cameras:
            raise InvalidInput(N_("Choose at least one camera to lock."))
        for camera in cameras:
            require(actor, Permission.EVIDENCE_LOCK, camera.area_id)
        reason, case_number = reason.strip(), case_number.strip()
        if not reason or not case_number:
            raise InvalidInput(N_("An evidence lock needs a reason and a case number."))
        if end <= start:
            raise InvalidInput(N_("The locked time range must end after it starts."))
        now = self._clock.now()
        if expires_at <= now:
            raise InvalidInput(N_("An evidence lock must expire in the future."))
        ids = sorted({camera.id for camera in cameras})
        details: dict[str, object] = {
            "cameras": ",".join(str(cid) for cid in ids),
            "names": ", ".join(camera.name for camera in cameras),
            "from": to_iso(start),
            "to": to_iso(end),
            "reason": reason,
            "case": case_number,
            "expires": to_iso(expires_at),
        }
        cursor = db.execute(
            "INSERT INTO evidence_locks (start_utc, end_utc, reason, case_number, "
            "expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                to_iso(start),
                to_iso(end),
                reason,
                case_number,
                to_iso(expires_at),
                actor.name,
                to_iso(now),
            ),
        )
        lock_id = int(cursor.lastrowid or 0)
        for camera_id in ids:
            db.execute(
                "INSERT INTO evidence_lock_cameras (lock_id, camera_id) VALUES (?, ?)",
                (lock_id, camera_id),
            )
        self._audit.append(db, actor, "evidence.lock", f"lock:{lock_id}", details)
        return lock_id

    def release_in(
        self, db: sqlite_utils.Database, actor: Actor | str, lock_id: int, reason: str
    ) -> bool:
        """Lift, inside a caller's write transaction, a lock the caller made for its own use
        case (the automatic lock of an export request) and has checked the permission for;
        False when the lock had already ended (lifted, or expired). The caller announces
        EVIDENCE once the transaction has committed."""
        locks = [_lock(row) for row in db.query(_LOCKS.format(where="WHERE l.id = ?"), [lock_id])]
        now = self._clock.now()
        if not locks or not locks[0].active_at(now):
            return False
        self._audit.append(
            db,
            actor,
            "evidence.lift",
            f"lock:{lock_id}",
            {"case": locks[0].case_number, "reason": reason},
        )
        db.execute(
            "UPDATE evidence_locks SET lifted_at = ?, lifted_by = ?, ended_logged = 1 WHERE id = ?",
            (to_iso(now), actor.name if isinstance(actor, Actor) else actor, lock_id),
        )
        return True

    def lift_lock(self, actor: Actor, lock_id: int, reason: str, cameras: Sequence[Camera]) -> None:
        """End a lock before its expiry (supervisors in the area of every camera it covers;
        `cameras` are those cameras as the caller sees them). The recordings then follow their
        cameras' retention again."""
        lock = self.lock(lock_id)
        areas = {camera.id: camera.area_id for camera in cameras}
        # A camera the caller does not list (a removed one) is in the area its row keeps; one
        # in no known area is 0, which only those allowed everywhere hold.
        for row in self._db.query(
            "SELECT c.id AS id, p.area_id AS area_id FROM cameras c "
            "LEFT JOIN places p ON p.id = c.place_id"
        ):
            areas.setdefault(row["id"], row["area_id"] or 0)
        for camera_id in lock.camera_ids:
            require(actor, Permission.EVIDENCE_LOCK, areas.get(camera_id, 0))
        if lock.lifted_at is not None:
            raise InvalidInput(N_("Evidence lock {id} is already lifted."), id=lock_id)
        if not reason.strip():
            raise InvalidInput(N_("Say why the evidence lock is lifted."))
        now = self._clock.now()

        def lift(db: sqlite_utils.Database) -> None:
            self._audit.append(
                db,
                actor,
                "evidence.lift",
                f"lock:{lock_id}",
                {"case": lock.case_number, "reason": reason.strip()},
            )
            db.execute(
                "UPDATE evidence_locks SET lifted_at = ?, lifted_by = ?, ended_logged = 1 "
                "WHERE id = ?",
                (to_iso(now), actor.name, lock_id),
            )

        self._db.write(lift).result()
        self._events.announce(ChangeKind.EVIDENCE, {lock_id})

    def lock(self, lock_id: int) -> EvidenceLock:
        locks = self._locks("WHERE l.id = ?", (lock_id,))
        if not locks:
            raise NotFound(N_("There is no evidence lock number {id}."), id=lock_id)
        return locks[0]

    def locks(self, *, active_only: bool = True) -> list[EvidenceLock]:
        locks = self._locks()
        if active_only:
            now = self._clock.now()
            locks = [lock for lock in locks if lock.active_at(now)]
        return locks

    def _locks(self, where: str = "", params: tuple[Any, ...] = ()) -> list[EvidenceLock]:
        return [_lock(row) for row in self._db.query(_LOCKS.format(where=where), params)]

    # -- retention -------------------------------------------------------------------------------

    def purge(self) -> list[PurgeReceipt]:
        """Delete every closed segment older than its camera's retention that no active evidence
        lock covers; one access-log receipt per camera, committed with the index change before
        any file is deleted (a file left by a crash in between is an orphan, removed on the next
        start). Also logs the locks that have expired since the last purge. What to delete is
        chosen inside the write transaction, so a lock made meanwhile is respected."""
        now = self._clock.now()

        def commit(
            db: sqlite_utils.Database,
        ) -> tuple[list[PurgeReceipt], list[Segment], list[int]]:
            locks = _read_locks(db)
            active = [lock for lock in locks if lock.active_at(now)]
            rows = db.query("SELECT * FROM segments WHERE state = 'closed' ORDER BY start_utc")
            segments = [_segment(row) for row in rows]
            configs = {row["camera_id"]: _config(row) for row in db.query(_CONFIGS)}
            expired: dict[int, list[Segment]] = {}
            for segment in segments:
                config = configs.get(segment.camera_id) or RecordingConfig(segment.camera_id)
                keep = timedelta(hours=config.retention_hours)
                if segment.end <= now - keep and not any(lock.covers(segment) for lock in active):
                    expired.setdefault(segment.camera_id, []).append(segment)
            ended = []
            for lock in locks:
                if lock.lifted_at is None and not lock.active_at(now) and not lock.ended_logged:
                    self._audit.append(
                        db,
                        RETENTION_ACTOR,
                        "evidence.expired",
                        f"lock:{lock.id}",
                        {"case": lock.case_number, "expired": to_iso(lock.expires_at)},
                    )
                    db.execute(
                        "UPDATE evidence_locks SET ended_logged = 1 WHERE id = ?", (lock.id,)
                    )
                    ended.append(lock.id)
            receipts = []
            for camera_id, gone in sorted(expired.items()):
                receipt = PurgeReceipt(
                    camera_id,
                    min(s.start for s in gone),
                    max(s.end for s in gone),
                    len(gone),
                    sum(s.bytes for s in gone),
                )
                config = configs.get(camera_id) or RecordingConfig(camera_id)
                self._audit.append(
                    db,
                    RETENTION_ACTOR,
                    "recording.purged",
                    f"camera:{camera_id}",
                    {
                        "from": to_iso(receipt.start),
                        "to": to_iso(receipt.end),
                        "segments": receipt.segments,
                        "bytes": receipt.bytes,
                        "retention_hours": config.retention_hours,
                    },
                )
                for segment in gone:
                    db.execute("DELETE FROM segments WHERE id = ?", (segment.id,))
                receipts.append(receipt)
            return receipts, [s for gone in expired.values() for s in gone], ended

        receipts, deleted, ended = self._db.write(commit).result()
        for segment in deleted:
            self.delete_file(segment.path)
        if ended:
            self._events.announce(ChangeKind.EVIDENCE, ended)
        if receipts:
            self._events.announce(ChangeKind.RECORDINGS, {r.camera_id for r in receipts})
        return receipts

    def delete_file(self, relative: str) -> None:
        path = self.root / relative
        try:
            path.unlink(missing_ok=True)
        except OSError as err:
            log.warning("could not delete %s: %s", path, err)
            return
        # Empty day and stream folders go too (never the root).
        for parent in path.parents:
            if parent == self.root or self.root not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:
                break


_CONFIGS = "SELECT * FROM recording_config"
_LOCKS = (
    "SELECT l.*, group_concat(c.camera_id) AS cameras FROM evidence_locks l "
    "LEFT JOIN evidence_lock_cameras c ON c.lock_id = l.id {where} GROUP BY l.id ORDER BY l.id"
)


def _read_locks(db: sqlite_utils.Database) -> list[EvidenceLock]:
    return [_lock(row) for row in db.query(_LOCKS.format(where=""))]


def segment_path(camera_id: int, profile: Profile, start: datetime) -> str:
    """Where a segment starting at `start` goes, relative to the recordings root."""
    utc = start.astimezone(ZoneInfo("UTC"))
    return (
        f"{camera_id}/{profile.value}/{utc:%Y-%m-%d}/{utc:%Y%m%dT%H%M%S}.{utc.microsecond:06d}Z.mp4"
    )


def _schedule_text(schedule: Sequence[Window]) -> list[str]:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return [f"{names[w.weekday]} {_hhmm(w.start)}-{_hhmm(w.end)}" for w in schedule]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _config(row: dict[str, Any]) -> RecordingConfig:
    return RecordingConfig(
        camera_id=row["camera_id"],
        mode=Mode(row["mode"]),
        schedule=tuple(Window(*item) for item in json.loads(row["schedule"])),
        retention_hours=row["retention_hours"],
        justification=row["justification"],
    )


def _segment(row: dict[str, Any]) -> Segment:
    return Segment(
        id=row["id"],
        camera_id=row["camera_id"],
        profile=Profile(row["profile"]),
        start=from_iso(row["start_utc"]),
        end=from_iso(row["end_utc"]),
        bytes=row["bytes"],
        path=row["path"],
        state=SegmentState(row["state"]),
    )


def _lock(row: dict[str, Any]) -> EvidenceLock:
    cameras = row["cameras"] or ""
    return EvidenceLock(
        id=row["id"],
        camera_ids=frozenset(int(part) for part in cameras.split(",") if part),
        start=from_iso(row["start_utc"]),
        end=from_iso(row["end_utc"]),
        reason=row["reason"],
        case_number=row["case_number"],
        expires_at=from_iso(row["expires_at"]),
        created_by=row["created_by"],
        created_at=from_iso(row["created_at"]),
        lifted_at=from_iso(row["lifted_at"]) if row["lifted_at"] else None,
        lifted_by=row["lifted_by"] or "",
        ended_logged=bool(row["ended_logged"]),
    )
