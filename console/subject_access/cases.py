"""Subject access cases: a person asks for the footage of themselves (GDPR art. 15).

A supervisor opens a case with the requester (their name, how their identity was checked and by
whom), the time and place they say they were filmed, and notes. The decision is due one month
after the request (art. 12(3)); the case shows how much time is left. The states:

    open → footage_found → masked → reviewed → released
      └──────────┴────────────┴─────────┴──────→ refused (with a reason)

- **Finding footage** names cameras and a range around the given time; the recordings in it are
  kept from purge (an evidence lock until the deadline and a margin), and each viewing in the
  playback window is logged with the case number as its reason.
- **Masking** copies the camera's original recording into the case's folder in the data dir,
  proposes tracks with the detection assist, and renders the masked copy (a derivative: the
  recordings are never changed) with the assist's regions, the operator's manual regions, and
  the requester's track excluded. The copy records the SHA-256 of the original (`derived_from`).
  Masking again before the release replaces the copy and drops any review.
- **Review**: a second supervisor, never one who masked a copy of the case, steps through the
  frames where the masks change and approves (or sends the case back to masking, saying why).
- **Release** writes the package (console/subject_access/package.py), only once reviewed and
  only with the reviewed copies unchanged. A refusal says why. Either closes the case, and the
  case's copies of the video are deleted from the data dir (the package is what was handed over).

Only supervisors (SUBJECT_ACCESS) work on cases, and they must be allowed to see each camera's
recordings. Every step is logged in the same transaction as the state it changes: no entry, no
step (fail closed). Copying the original is logged before it is made.
"""

from __future__ import annotations

import calendar
import enum
import hashlib
import json
import math
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from console.audit.log import AuditLog
from console.cameras import Camera, CameraService
from console.clock import Clock, from_iso, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, KnownError, NotFound, PermissionDenied
from console.events import ChangeKind, EventHub
from console.policy import require
from console.ports import DetectionAssist, MaskRenderer, Remuxer, RemuxSource
from console.recording.archive import RecordingService, SegmentState
from console.recording.playback import PlaybackService, PlaybackSession
from console.storage import Database, make_private_dir
from console.subject_access import state as _state  # noqa: F401 - registers the cases' check
from console.subject_access.masks import (
    DEFAULT_MARGIN,
    Fill,
    MaskPlan,
    Region,
    regions_from_json,
)

#: The case folders inside the data dir (the copies of the video while a case is worked on).
CASES_DIRNAME = "subject-access"
#: How far around the requester's time footage is looked for, unless told.
DEFAULT_AROUND = timedelta(minutes=15)
#: The longest range one case may hold per camera (a request names a moment, not a day).
MAX_RANGE = timedelta(hours=6)
#: The evidence lock outlives the deadline by this much: a late decision still has its footage.
LOCK_MARGIN = timedelta(days=14)
MAX_TEXT = 2000
MAX_LINE = 300


class CaseState(enum.StrEnum):
    OPEN = "open"
    FOOTAGE_FOUND = "footage_found"
    MASKED = "masked"
    REVIEWED = "reviewed"
    RELEASED = "released"
    REFUSED = "refused"

    @property
    def closed(self) -> bool:
        return self in (CaseState.RELEASED, CaseState.REFUSED)


@dataclass(frozen=True, slots=True)
class Footage:
    """A camera's range that the case covers."""

    camera_id: int
    camera_name: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class MaskedCopy:
    """The masked copy of one camera's footage, and what it was made from and with."""

    camera_id: int
    #: paths inside the case's folder
    original: str
    masked: str
    #: SHA-256 of the original media the copy was made from
    derived_from: str
    masked_sha256: str
    #: the mask list (MaskPlan.to_json) as JSON text
    masks: str
    masked_by: str
    masked_at: datetime
    frames: int
    #: the frames where what is masked changes (what a reviewer steps through)
    change_frames: tuple[int, ...]

    @property
    def plan(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.masks)
        return value


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    state: CaseState
    requester: str
    identity_check: str
    identity_checked_by: str
    claimed_from: datetime
    claimed_to: datetime
    place: str
    notes: str
    opened_by: str
    opened_at: datetime
    deadline: datetime
    footage: tuple[Footage, ...] = ()
    copies: tuple[MaskedCopy, ...] = ()
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""
    lock_id: int | None = None
    manifest_sha256: str = ""
    package: str = ""

    @property
    def number(self) -> str:
        """The case's number as people write it ("RA-2026-7": registerutdrag, year, id)."""
        return f"RA-{self.opened_at:%Y}-{self.id}"

    def time_left(self, now: datetime) -> timedelta:
        """Until the decision is due (negative: overdue)."""
        return self.deadline - now

    def days_left(self, now: datetime) -> int:
        """Whole days left until the deadline, counting down to 0 on its day; negative when
        overdue."""
        return math.floor((self.deadline - now) / timedelta(days=1))

    def copy_of(self, camera_id: int) -> MaskedCopy | None:
        return next((c for c in self.copies if c.camera_id == camera_id), None)


def one_month_after(moment: datetime) -> datetime:
    """The same day and time a calendar month later (the last day of a shorter month)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class CaseService:
    """The subject access cases of one data dir (see the module's docstring)."""

    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        cameras: CameraService,
        recordings: RecordingService,
        playback: PlaybackService,
        clock: Clock,
        data_dir: Path,
        events: EventHub | None = None,
    ) -> None:
        self._db = db
        self._audit = audit
        self._cameras = cameras
        self._recordings = recordings
        self._playback = playback
        self._clock = clock
        self._root = data_dir / CASES_DIRNAME
        #: CASES after each step (case ids)
        self._events = events or EventHub()

    # -- reading ---------------------------------------------------------------------------------

    def cases(self, actor: Actor) -> list[Case]:
        """Every case, newest first."""
        require(actor, Permission.SUBJECT_ACCESS)
        rows = self._db.query("SELECT id FROM subject_access_cases ORDER BY id DESC")
        return [self._one(int(row["id"])) for row in rows]

    def get(self, actor: Actor, case_id: int) -> Case:
        require(actor, Permission.SUBJECT_ACCESS)
        return self._one(case_id)

    def folder(self, case: Case) -> Path:
        return self._root / f"case-{case.id}"

    # -- the steps -------------------------------------------------------------------------------

    def open(
        self,
        actor: Actor,
        *,
        requester: str,
        identity_check: str,
        identity_checked_by: str,
        claimed_from: datetime,
        claimed_to: datetime,
        place: str,
        notes: str = "",
    ) -> Case:
        """Open a case for a request received now; the decision is due a month from now."""
        _require_supervisor(actor)
        requester = _line(requester, N_("Give the name of the person who asks."))
        identity_check = _line(identity_check, N_("Say how the requester's identity was checked."))
        identity_checked_by = _line(
            identity_checked_by, N_("Say who checked the requester's identity.")
        )
        place = _line(place, N_("Give the place where the requester says they were filmed."))
        notes = notes.strip()
        if len(notes) > MAX_TEXT:
            raise InvalidInput(N_("Notes can have at most {limit} characters."), limit=MAX_TEXT)
        if claimed_to < claimed_from:
            raise InvalidInput(N_("The time the requester gives ends before it starts."))
        now = self._clock.now()
        if claimed_from > now:
            raise InvalidInput(N_("The time the requester gives has not come yet."))
        deadline = one_month_after(now)

        def insert(db: sqlite_utils.Database) -> int:
            cursor = db.execute(
                "INSERT INTO subject_access_cases (state, requester, identity_check, "
                "identity_checked_by, claimed_from, claimed_to, place, notes, opened_by, "
                "opened_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    CaseState.OPEN.value,
                    requester,
                    identity_check,
                    identity_checked_by,
                    to_iso(claimed_from),
                    to_iso(claimed_to),
                    place,
                    notes,
                    actor.name,
                    to_iso(now),
                    to_iso(deadline),
                ),
            )
            case_id = int(cursor.lastrowid or 0)
            self._audit.append(
                db,
                actor,
                "subject_access.opened",
                _target(case_id),
                {
                    "requester": requester,
                    "identity_check": identity_check,
                    "identity_checked_by": identity_checked_by,
                    "from": to_iso(claimed_from),
                    "to": to_iso(claimed_to),
                    "place": place,
                    "deadline": to_iso(deadline),
                },
            )
            return case_id

        case_id = self._db.write(insert).result()
        self._announce(case_id)
        return self._one(case_id)

    def find(
        self,
        actor: Actor,
        case_id: int,
        camera_ids: Sequence[int],
        *,
        around: timedelta = DEFAULT_AROUND,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Case:
        """Name the cameras and the range (the requester's time ± `around`, or given) whose
        recordings the case covers; they are kept from purge until the case is decided."""
        _require_supervisor(actor)
        case = self._one(case_id)
        _require_state(case, CaseState.OPEN, CaseState.FOOTAGE_FOUND)
        if not camera_ids:
            raise InvalidInput(N_("Choose at least one camera."))
        cameras = [self._camera(actor, cid) for cid in dict.fromkeys(camera_ids)]
        start = start or case.claimed_from - around
        end = end or case.claimed_to + around
        if end <= start:
            raise InvalidInput(N_("The range ends before it starts."))
        if end - start > MAX_RANGE:
            raise InvalidInput(
                N_("A case covers at most {hours} hours of a camera."),
                hours=int(MAX_RANGE.total_seconds() // 3600),
            )
        recorded = {c.id: self._recordings.ranges(c.id, start, end) for c in cameras}
        if not any(recorded.values()):
            raise InvalidInput(
                N_("Nothing of {names} is recorded in that range."),
                names=", ".join(c.name for c in cameras),
            )
        found = [c for c in cameras if recorded[c.id]]

        def store(db: sqlite_utils.Database) -> int:
            self._require_state_in(db, case, CaseState.OPEN, CaseState.FOOTAGE_FOUND)
            db.execute("DELETE FROM subject_access_footage WHERE case_id = ?", (case.id,))
            for camera in found:
                db.execute(
                    "INSERT INTO subject_access_footage (case_id, camera_id, start_utc, end_utc) "
                    "VALUES (?, ?, ?, ?)",
                    (case.id, camera.id, to_iso(start), to_iso(end)),
                )
            self._audit.append(
                db,
                actor,
                "subject_access.footage",
                _target(case.id),
                {
                    "case": case.number,
                    "cameras": ",".join(str(c.id) for c in found),
                    "names": ", ".join(c.name for c in found),
                    "from": to_iso(start),
                    "to": to_iso(end),
                },
            )
            if case.lock_id is not None:
                self._recordings.release_in(db, actor, case.lock_id, f"case {case.number}")
            lock_id = self._recordings.lock_in(
                db,
                actor,
                found,
                start,
                end,
                reason=f"subject access case {case.number}",
                case_number=case.number,
                expires_at=case.deadline + LOCK_MARGIN,
            )
            db.execute(
                "UPDATE subject_access_cases SET state = ?, lock_id = ? WHERE id = ?",
                (CaseState.FOOTAGE_FOUND.value, lock_id, case.id),
            )
            return lock_id

        lock_id = self._db.write(store).result()
        self._events.announce(ChangeKind.EVIDENCE, {lock_id})
        self._announce(case.id)
        return self._one(case.id)

    def view(self, actor: Actor, case_id: int, camera_id: int, start: datetime) -> PlaybackSession:
        """Begin playback of a case's footage: logged with the case number as its reason."""
        _require_supervisor(actor)
        case = self._one(case_id)
        if case.state.closed:
            raise InvalidInput(N_("Case {number} is closed."), number=case.number)
        footage = self._footage(case, camera_id)
        camera = self._camera(actor, footage.camera_id)
        return self._playback.begin(actor, camera, start, f"subject access case {case.number}")

    def original(
        self,
        actor: Actor,
        case_id: int,
        camera_id: int,
        remuxer: Remuxer,
        *,
        progress: Callable[[float], None] = lambda _: None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Path:
        """The camera's recorded footage copied (not re-encoded) into the case's folder, the
        source of its masked copy; logged before it is made."""
        _require_supervisor(actor)
        case = self._one(case_id)
        _require_state(case, CaseState.FOOTAGE_FOUND, CaseState.MASKED, CaseState.REVIEWED)
        footage = self._footage(case, camera_id)
        camera = self._camera(actor, camera_id)
        path = self.folder(case) / f"original-{camera_id}.mp4"
        if path.is_file():
            return path
        self._audit.record(
            actor,
            "subject_access.original",
            _target(case.id),
            {
                "case": case.number,
                "camera": camera.id,
                "name": camera.name,
                "from": to_iso(footage.start),
                "to": to_iso(footage.end),
            },
        ).result()
        make_private_dir(path.parent)
        segments = self._recordings.segments(camera.id, footage.start, footage.end)
        sources = [
            RemuxSource(self._recordings.root / s.path, s.start, s.state is SegmentState.OPEN)
            for s in segments
        ]
        partial = path.with_suffix(".partial.mp4")
        duration = max(1.0, (footage.end - footage.start).total_seconds())
        result = remuxer.remux(
            sources,
            footage.start,
            footage.end,
            partial,
            progress=lambda _bytes, seconds: progress(min(1.0, seconds / duration)),
            cancelled=cancelled,
        )
        if result is None:
            raise InvalidInput(
                N_("Nothing of {name} is recorded in the case's range."), name=camera.name
            )
        partial.rename(path)
        return path

    def propose(
        self,
        actor: Actor,
        case_id: int,
        camera_id: int,
        remuxer: Remuxer,
        assist: DetectionAssist,
        *,
        progress: Callable[[float], None] = lambda _: None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Region]:
        """The detection assist's tracks for a camera's footage (kept in the case's folder, so
        that the operator names the requester's track from the same proposal that is used)."""
        source = self.original(actor, case_id, camera_id, remuxer, cancelled=cancelled)
        cached = source.with_name(f"assist-{camera_id}.json")
        if cached.is_file():
            return regions_from_json(json.loads(cached.read_text("utf-8")), "assist")
        regions = assist.propose(source, progress=progress, cancelled=cancelled)
        cached.write_text(json.dumps([r.to_json() for r in regions]), "utf-8")
        return regions_from_json([r.to_json() for r in regions], "assist")

    def mask(
        self,
        actor: Actor,
        case_id: int,
        camera_id: int,
        remuxer: Remuxer,
        renderer: MaskRenderer,
        *,
        assist: DetectionAssist | None,
        manual: Sequence[Region] = (),
        exclude: Sequence[str] = (),
        fill: Fill = Fill.SOLID,
        blur_accepted: bool = False,
        margin: int = DEFAULT_MARGIN,
        progress: Callable[[float], None] = lambda _: None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> MaskedCopy:
        """Render the masked copy of a camera's footage: the assist's tracks (unless None), the
        manual regions, the `exclude`d tracks (the requester) left visible."""
        _require_supervisor(actor)
        case = self._one(case_id)
        _require_state(case, CaseState.FOOTAGE_FOUND, CaseState.MASKED, CaseState.REVIEWED)
        proposed = (
            self.propose(actor, case_id, camera_id, remuxer, assist, cancelled=cancelled)
            if assist is not None
            else []
        )
        source = self.original(actor, case_id, camera_id, remuxer, cancelled=cancelled)
        plan = MaskPlan(
            tuple(proposed) + tuple(manual),
            excluded=frozenset(exclude),
            fill=fill,
            margin=margin,
            blur_accepted=blur_accepted,
        )
        out = source.with_name(f"masked-{camera_id}.mp4")
        partial = source.with_name(f"masked-{camera_id}.partial.mp4")
        partial.unlink(missing_ok=True)
        made = renderer.render(source, plan, partial, progress=progress, cancelled=cancelled)
        masked_sha = _sha256(partial)
        masks = json.dumps(plan.to_json(), ensure_ascii=False, sort_keys=True)
        changes = plan.change_frames(made.frames)
        now = self._clock.now()

        def store(db: sqlite_utils.Database) -> None:
            self._require_state_in(
                db, case, CaseState.FOOTAGE_FOUND, CaseState.MASKED, CaseState.REVIEWED
            )
            self._audit.append(
                db,
                actor,
                "subject_access.masked",
                _target(case.id),
                {
                    "case": case.number,
                    "camera": camera_id,
                    "derived_from": made.derived_from,
                    "masked_sha256": masked_sha,
                    "regions": len(plan.regions),
                    "excluded": ",".join(sorted(plan.excluded)),
                    "fill": str(plan.fill),
                    "frames": made.frames,
                },
            )
            db.execute(
                "INSERT OR REPLACE INTO subject_access_copies (case_id, camera_id, original, "
                "masked, derived_from, masked_sha256, masks, masked_by, masked_at, frames, "
                "change_frames) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    case.id,
                    camera_id,
                    source.name,
                    out.name,
                    made.derived_from,
                    masked_sha,
                    masks,
                    actor.name,
                    to_iso(now),
                    made.frames,
                    json.dumps(changes),
                ),
            )
            # A new copy needs a new review.
            db.execute(
                "UPDATE subject_access_cases SET state = ?, reviewer = NULL, reviewed_at = NULL "
                "WHERE id = ?",
                (CaseState.MASKED.value, case.id),
            )

        try:
            self._db.write(store).result()
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(out)
        self._announce(case.id)
        copy = self._one(case.id).copy_of(camera_id)
        assert copy is not None
        return copy

    def review(self, actor: Actor, case_id: int, *, approve: bool, reason: str = "") -> Case:
        """A second supervisor's review of every masked copy: approved, or sent back to
        masking with the reason. Never one who masked a copy of the case."""
        _require_supervisor(actor)
        if actor.user is None:
            raise PermissionDenied(
                N_("A review is made by a console user, not by {name}."), name=actor.name
            )
        case = self._one(case_id)
        _require_state(case, CaseState.MASKED)
        maskers = sorted({c.masked_by for c in case.copies})
        if actor.name in maskers:
            raise PermissionDenied(
                N_("{name} masked this copy: another supervisor reviews it."), name=actor.name
            )
        missing = [f.camera_name for f in case.footage if case.copy_of(f.camera_id) is None]
        if approve and missing:
            raise InvalidInput(
                N_("The footage of {names} is not masked yet."), names=", ".join(missing)
            )
        if approve:
            self._check_copies(case)
        else:
            reason = _text(reason, N_("Say what must be masked differently."))
        now = self._clock.now()

        def store(db: sqlite_utils.Database) -> None:
            self._require_state_in(db, case, CaseState.MASKED)
            self._audit.append(
                db,
                actor,
                "subject_access.reviewed" if approve else "subject_access.review_rejected",
                _target(case.id),
                {
                    "case": case.number,
                    "masked_by": ",".join(maskers),
                    "reviewer": actor.name,
                    "copies": ",".join(c.masked_sha256 for c in case.copies),
                    **({} if approve else {"reason": reason}),
                },
            )
            if approve:
                db.execute(
                    "UPDATE subject_access_cases SET state = ?, reviewer = ?, reviewed_at = ? "
                    "WHERE id = ?",
                    (CaseState.REVIEWED.value, actor.name, to_iso(now), case.id),
                )
            else:
                db.execute(
                    "UPDATE subject_access_cases SET state = ? WHERE id = ?",
                    (CaseState.FOOTAGE_FOUND.value, case.id),
                )

        self._db.write(store).result()
        self._announce(case.id)
        return self._one(case.id)

    def check_release(self, actor: Actor, case_id: int) -> Case:
        """The case, if `actor` may release it now (reviewed, copies unchanged)."""
        _require_supervisor(actor)
        if actor.user is None:
            raise PermissionDenied(
                N_("A release is made by a console user, not by {name}."), name=actor.name
            )
        case = self._one(case_id)
        if case.state is not CaseState.REVIEWED:
            raise PermissionDenied(
                N_(
                    "Case {number} cannot be released: a second supervisor has not reviewed "
                    "and approved its masked copy."
                ),
                number=case.number,
            )
        if case.reviewer is None or case.reviewer in {c.masked_by for c in case.copies}:
            raise PermissionDenied(
                N_("Case {number} was not reviewed by a second supervisor."), number=case.number
            )
        self._check_copies(case)
        return case

    def released(self, actor: Actor, case: Case, package: str, manifest_sha256: str) -> Case:
        """Record the release after the package's `subject_access.released` entry (written by
        the package writer, with the manifest's hash) is durable; the case's video copies are
        deleted."""
        now = self._clock.now()

        def store(db: sqlite_utils.Database) -> None:
            self._require_state_in(db, case, CaseState.REVIEWED)
            db.execute(
                "UPDATE subject_access_cases SET state = ?, decided_by = ?, decided_at = ?, "
                "manifest_sha256 = ?, package = ? WHERE id = ?",
                (CaseState.RELEASED.value, actor.name, to_iso(now), manifest_sha256, package,
                 case.id),
            )  # fmt: skip
            self._lift(db, actor, case, "released")

        self._db.write(store).result()
        self._close(case)
        return self._one(case.id)

    def refuse(self, actor: Actor, case_id: int, reason: str) -> Case:
        """Decide not to release (no footage, identity not established, ...), saying why."""
        _require_supervisor(actor)
        case = self._one(case_id)
        if case.state.closed:
            raise InvalidInput(N_("Case {number} is closed."), number=case.number)
        reason = _text(reason, N_("Say why the request is refused."))
        now = self._clock.now()

        def store(db: sqlite_utils.Database) -> None:
            if self._state_in(db, case.id).closed:
                raise InvalidInput(N_("Case {number} is closed."), number=case.number)
            self._audit.append(
                db,
                actor,
                "subject_access.refused",
                _target(case.id),
                {"case": case.number, "reason": reason},
            )
            db.execute(
                "UPDATE subject_access_cases SET state = ?, decided_by = ?, decided_at = ?, "
                "reason = ? WHERE id = ?",
                (CaseState.REFUSED.value, actor.name, to_iso(now), reason, case.id),
            )
            self._lift(db, actor, case, "refused")

        self._db.write(store).result()
        self._close(case)
        return self._one(case.id)

    # -- helpers ---------------------------------------------------------------------------------

    def _lift(self, db: sqlite_utils.Database, actor: Actor, case: Case, how: str) -> None:
        if case.lock_id is not None:
            self._recordings.release_in(db, actor, case.lock_id, f"case {case.number} {how}")

    def _close(self, case: Case) -> None:
        # The copies held for the case go: the package (or nothing) is what was handed over.
        shutil.rmtree(self.folder(case), ignore_errors=True)
        if case.lock_id is not None:
            self._events.announce(ChangeKind.EVIDENCE, {case.lock_id})
        self._announce(case.id)

    def _check_copies(self, case: Case) -> None:
        for copy in case.copies:
            path = self.folder(case) / copy.masked
            if not path.is_file() or _sha256(path) != copy.masked_sha256:
                raise KnownError(
                    N_(
                        "The masked copy of camera {camera} in case {number} is missing or has "
                        "changed since it was made: mask it again."
                    ),
                    camera=copy.camera_id,
                    number=case.number,
                )

    def _camera(self, actor: Actor, camera_id: int) -> Camera:
        camera = self._cameras.get_recorded(actor, camera_id)
        require(actor, Permission.VIEW_RECORDED, camera.area_id)
        return camera

    def _footage(self, case: Case, camera_id: int) -> Footage:
        for footage in case.footage:
            if footage.camera_id == camera_id:
                return footage
        raise NotFound(
            N_("Case {number} holds no footage of camera {camera}."),
            number=case.number,
            camera=camera_id,
        )

    def _state_in(self, db: sqlite_utils.Database, case_id: int) -> CaseState:
        row = db.execute(
            "SELECT state FROM subject_access_cases WHERE id = ?", (case_id,)
        ).fetchone()
        return CaseState(row[0])

    def _require_state_in(self, db: sqlite_utils.Database, case: Case, *states: CaseState) -> None:
        """The state again inside the write: another workstation may have moved the case."""
        now = self._state_in(db, case.id)
        if now not in states:
            raise InvalidInput(
                N_("Case {number} changed meanwhile (it is now {state})."),
                number=case.number,
                state=str(now),
            )

    def _one(self, case_id: int) -> Case:
        rows = self._db.query("SELECT * FROM subject_access_cases WHERE id = ?", (case_id,))
        if not rows:
            raise NotFound(N_("There is no subject access case {id}."), id=case_id)
        row = rows[0]
        names = {
            int(r["id"]): str(r["name"]) for r in self._db.query("SELECT id, name FROM cameras")
        }
        footage = tuple(
            Footage(
                int(f["camera_id"]),
                names.get(int(f["camera_id"]), str(f["camera_id"])),
                from_iso(f["start_utc"]),
                from_iso(f["end_utc"]),
            )
            for f in self._db.query(
                "SELECT * FROM subject_access_footage WHERE case_id = ? ORDER BY camera_id",
                (case_id,),
            )
        )
        copies = tuple(
            MaskedCopy(
                camera_id=int(c["camera_id"]),
                original=c["original"],
                masked=c["masked"],
                derived_from=c["derived_from"],
                masked_sha256=c["masked_sha256"],
                masks=c["masks"],
                masked_by=c["masked_by"],
                masked_at=from_iso(c["masked_at"]),
                frames=int(c["frames"]),
                change_frames=tuple(json.loads(c["change_frames"])),
            )
            for c in self._db.query(
                "SELECT * FROM subject_access_copies WHERE case_id = ? ORDER BY camera_id",
                (case_id,),
            )
        )
        return Case(
            id=int(row["id"]),
            state=CaseState(row["state"]),
            requester=row["requester"],
            identity_check=row["identity_check"],
            identity_checked_by=row["identity_checked_by"],
            claimed_from=from_iso(row["claimed_from"]),
            claimed_to=from_iso(row["claimed_to"]),
            place=row["place"],
            notes=row["notes"],
            opened_by=row["opened_by"],
            opened_at=from_iso(row["opened_at"]),
            deadline=from_iso(row["deadline"]),
            footage=footage,
            copies=copies,
            reviewer=row["reviewer"],
            reviewed_at=from_iso(row["reviewed_at"]) if row["reviewed_at"] else None,
            decided_by=row["decided_by"],
            decided_at=from_iso(row["decided_at"]) if row["decided_at"] else None,
            reason=row["reason"],
            lock_id=row["lock_id"],
            manifest_sha256=row["manifest_sha256"] or "",
            package=row["package"] or "",
        )

    def _announce(self, case_id: int) -> None:
        self._events.announce(ChangeKind.CASES, {case_id})


def _require_supervisor(actor: Actor) -> None:
    require(actor, Permission.SUBJECT_ACCESS)


def _require_state(case: Case, *states: CaseState) -> None:
    if case.state not in states:
        raise InvalidInput(
            N_("Case {number} is {state}: that cannot be done now."),
            number=case.number,
            state=str(case.state),
        )


def _target(case_id: int) -> str:
    return f"case:{case_id}"


def _line(text: str, missing: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(missing)
    if len(text) > MAX_LINE:
        raise InvalidInput(N_("A field can have at most {limit} characters."), limit=MAX_LINE)
    return text


def _text(text: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(missing)
    if len(text) > MAX_TEXT:
        raise InvalidInput(N_("A text can have at most {limit} characters."), limit=MAX_TEXT)
    return text


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
