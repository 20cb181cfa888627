"""The surveillance register: one entry per camera, kept by administrators, that drives recording.

Kamerabevakningslagen (as amended 1 April 2025) asks a public body to document, per camera, why
it films, on what legal basis, the balancing of interests, what and when it films, how long it
keeps the video and why, signage, and who the data protection officer is. Utkik keeps that
documentation here and lets it decide what the system does:

- a camera records, and operators and supervisors see it, only once its entry is complete (or
  while it holds a provisional entry made when the data dir was upgraded: surveillance is never
  stopped silently by an upgrade); technicians see it live before that, to commission it;
- the entry's `retention_hours` and `hours` (with `recording`) are the camera's retention and
  recording schedule: the recording settings are written from the entry, in the same
  transaction, so there is one truth;
- every change is a new version (who, when, which fields) and an access-log entry carrying the
  hash of the fields, written before the change is committed (fail closed);
- attachments (the balancing of interests as signed documents) are copied into the data dir
  under their SHA-256;
- a removed camera's entry stays (at least `KEEP_REMOVED_YEARS` years, see `keep_until`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from console.audit.log import AuditLog
from console.clock import Clock, from_iso, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, NotFound
from console.events import ChangeKind, EventHub
from console.localtime import LOCAL_ZONE
from console.policy import require
from console.recording.archive import (
    DEFAULT_RETENTION_HOURS,
    MAX_RETENTION_HOURS,
    MIN_JUSTIFICATION,
    Mode,
    RecordingConfig,
    Window,
    _schedule_text,
)
from console.storage import Database

#: A removed camera's entry is kept this long (the municipality's records).
KEEP_REMOVED_YEARS = 5
#: Where attachments are kept, inside the data dir, each under its SHA-256.
ATTACHMENTS_DIRNAME = "register"
#: Who made the entries of cameras that existed when the data dir was upgraded.
UPGRADE_ACTOR = "system:upgrade"
#: The access log's actions.
SET_ACTION = "register.set"
PROVISIONAL_ACTION = "register.provisional"
EXPORT_ACTION = "register.exported"
#: The longest text field (a balancing of interests is a few pages at most; documents attach).
MAX_TEXT = 20_000

TEXT_FIELDS = ("purpose", "legal_basis", "balancing", "area", "dpo_contact")
DATE_FIELDS = ("signage_checked", "start_date", "review_date", "end_date")
#: Set in every complete entry.
REQUIRED = (
    "purpose",
    "legal_basis",
    "balancing",
    "area",
    "hours",
    "retention_hours",
    "signage",
    "signage_checked",
    "dpo_contact",
    "start_date",
    "review_date",
)
#: Every field `register set` takes, in the order they are shown.
FIELDS = (
    *REQUIRED[:5],
    "recording",
    "retention_hours",
    "retention_justification",
    *REQUIRED[6:],
    "end_date",
    "attachments",
)
ALWAYS = "always"


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Entry:
    """A camera's register entry as it is now (or as one of its versions was)."""

    camera_id: int
    camera_name: str
    version: int
    #: the fields as `register set` takes them (attachments as {name, sha256, bytes})
    fields: Mapping[str, Any]
    provisional: bool
    updated_at: datetime
    updated_by: str
    #: the fields of this version that differ from the one before (all of them in version 1)
    changed: tuple[str, ...] = ()
    camera_removed_at: datetime | None = None
    #: the camera's place, as it was shown
    place: str = ""

    @property
    def missing(self) -> tuple[str, ...]:
        return missing_fields(self.fields)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def in_service(self) -> bool:
        """Whether the camera records and is shown to operators and supervisors."""
        return self.complete or self.provisional

    @property
    def keep_until(self) -> date | None:
        """A removed camera's entry is kept until then (None while the camera is in use)."""
        if self.camera_removed_at is None:
            return None
        removed = self.camera_removed_at.date()
        try:
            return removed.replace(year=removed.year + KEEP_REMOVED_YEARS)
        except ValueError:  # 29 February
            return removed.replace(year=removed.year + KEEP_REMOVED_YEARS, day=28)

    def review_due(self, today: date) -> bool:
        review = self.fields.get("review_date")
        return isinstance(review, str) and bool(review) and date.fromisoformat(review) <= today

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return tuple(
            Attachment(str(a["name"]), str(a["sha256"]), int(a["bytes"]))
            for a in self.fields.get("attachments", [])
        )


@dataclass(frozen=True, slots=True)
class Reminder:
    """What the register asks of its keepers on `today` (Stockholm's date): the cameras in use
    whose review date has come, and those whose entry is incomplete. Removed cameras are left
    out: their entries are kept, not reviewed."""

    today: date
    overdue: tuple[Entry, ...]
    incomplete: tuple[Entry, ...]

    @property
    def due(self) -> bool:
        return bool(self.overdue or self.incomplete)


def missing_fields(fields: Mapping[str, Any]) -> tuple[str, ...]:
    """The required fields not set (empty text and no value are not set; `signage` false is)."""
    return tuple(name for name in REQUIRED if fields.get(name) in (None, ""))


def fields_sha256(fields: Mapping[str, Any]) -> str:
    """The hash the access log keeps of an entry's fields (sorted, compact JSON in UTF-8)."""
    return hashlib.sha256(canonical(fields)).hexdigest()


def canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# -- hours ------------------------------------------------------------------------------------

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SV_DAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
_SPAN = re.compile(r"^\s*(\S+)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")


def parse_hours(text: str) -> tuple[Window, ...]:
    """The weekly windows of `hours` ("always" is none: continuous). Items are separated by
    commas or semicolons: "mon-fri 18:00-06:00; sat 00:00-24:00". A span that ends before it
    starts runs past midnight into the next day. Swedish day names work too."""
    if text.strip().lower() in (ALWAYS, "alltid"):
        return ()
    windows: list[Window] = []
    for item in re.split(r"[;,]", text):
        if not item.strip():
            continue
        match = _SPAN.match(item)
        if match is None:
            raise _bad_hours(text)
        days, first, last = match.groups()
        start, end = _minutes(first, text), _minutes(last, text)
        for day in _day_range(days, text):
            if start < end:
                windows.append(Window(day, start, end))
            elif start == end == 0:  # 00:00-00:00: the whole day
                windows.append(Window(day, 0, 24 * 60))
            else:  # past midnight into the next day
                if start < 24 * 60:
                    windows.append(Window(day, start, 24 * 60))
                if end > 0:
                    windows.append(Window((day + 1) % 7, 0, end))
    if not windows:
        raise _bad_hours(text)
    return tuple(sorted(set(windows), key=lambda w: (w.weekday, w.start)))


def _day_range(text: str, whole: str) -> list[int]:
    names = text.lower().split("-")
    try:
        numbers = [_day(name) for name in names]
    except KeyError:
        raise _bad_hours(whole) from None
    if len(numbers) == 1:
        return numbers
    if len(numbers) != 2:
        raise _bad_hours(whole)
    first, last = numbers
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def _day(name: str) -> int:
    key = name[:3]
    if key in _DAYS:
        return _DAYS.index(key)
    if key in _SV_DAYS:
        return _SV_DAYS.index(key)
    raise KeyError(name)


def _minutes(text: str, whole: str) -> int:
    hour, minute = (int(part) for part in text.split(":"))
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        raise _bad_hours(whole)
    return hour * 60 + minute


def _bad_hours(text: str) -> InvalidInput:
    return InvalidInput(
        N_(
            "“{text}” is not a time of surveillance; write “always” or e.g. "
            "“mon-fri 18:00-06:00; sat 10:00-14:00”."
        ),
        text=text,
    )


def recording_of(fields: Mapping[str, Any], camera_id: int) -> RecordingConfig:
    """The recording settings an entry's fields give."""
    hours = str(fields.get("hours") or ALWAYS)
    schedule = parse_hours(hours)
    default = Mode.SCHEDULED if schedule else Mode.CONTINUOUS
    mode = Mode(fields.get("recording") or default.value)
    if mode is Mode.SCHEDULED and not schedule:
        raise InvalidInput(
            N_("Scheduled recording needs the hours it records, e.g. “mon-fri 18:00-06:00”.")
        )
    if mode is not Mode.SCHEDULED:
        schedule = ()
    retention = fields.get("retention_hours")
    return RecordingConfig(
        camera_id,
        mode,
        schedule,
        int(retention) if isinstance(retention, int) else DEFAULT_RETENTION_HOURS,
        str(fields.get("retention_justification", "")),
    )


def hours_text(mode: Mode, schedule: Sequence[Window]) -> str:
    """An entry's `hours` for recording settings (the provisional entries of an upgrade)."""
    if mode is Mode.SCHEDULED and schedule:
        return "; ".join(_schedule_text(schedule))
    return ALWAYS


# -- reading and checking fields ---------------------------------------------------------------


def check_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of `register set` checked and normalised (attachments left as given)."""
    if not isinstance(raw, Mapping):
        raise InvalidInput(N_("A register entry is a JSON object of its fields."))
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InvalidInput(
            N_("The register has no field {names}; its fields are {known}."),
            names=", ".join(unknown),
            known=", ".join(FIELDS),
        )
    out: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, "retention_justification"):
        if raw.get(name) is None:
            continue
        value = raw[name]
        if not isinstance(value, str):
            raise InvalidInput(N_("The field {name} is text."), name=name)
        value = value.strip()
        if len(value) > MAX_TEXT:
            raise InvalidInput(
                N_("The field {name} can have at most {limit} characters."),
                name=name,
                limit=MAX_TEXT,
            )
        if value:
            out[name] = value
    for name in DATE_FIELDS:
        value = raw.get(name)
        if value in (None, ""):
            continue
        try:
            out[name] = date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise InvalidInput(
                N_("The field {name} is a date written as 2026-12-31, not “{value}”."),
                name=name,
                value=value,
            ) from None
    if raw.get("signage") is not None:
        if not isinstance(raw["signage"], bool):
            raise InvalidInput(N_("The field signage is true or false."))
        out["signage"] = raw["signage"]
    if raw.get("hours") not in (None, ""):
        hours = str(raw["hours"]).strip()
        parse_hours(hours)
        out["hours"] = ALWAYS if hours.lower() in (ALWAYS, "alltid") else hours
    if raw.get("recording") not in (None, ""):
        try:
            out["recording"] = Mode(str(raw["recording"]).strip().lower()).value
        except ValueError:
            raise InvalidInput(
                N_("The field recording is continuous, scheduled, event or off.")
            ) from None
    if raw.get("retention_hours") is not None:
        hours_kept = raw["retention_hours"]
        if isinstance(hours_kept, bool) or not isinstance(hours_kept, int):
            raise InvalidInput(N_("The field retention_hours is a whole number of hours."))
        if not 1 <= hours_kept <= MAX_RETENTION_HOURS:
            raise InvalidInput(
                N_("Retention must lie between 1 and {max} hours."), max=MAX_RETENTION_HOURS
            )
        out["retention_hours"] = hours_kept
        if hours_kept > DEFAULT_RETENTION_HOURS and (
            len(out.get("retention_justification", "")) < MIN_JUSTIFICATION
        ):
            raise InvalidInput(
                N_(
                    "Keeping recordings longer than {default} hours needs a justification "
                    "(why the longer time is necessary), at least {min} characters."
                ),
                default=DEFAULT_RETENTION_HOURS,
                min=MIN_JUSTIFICATION,
            )
    if "start_date" in out and "end_date" in out and out["end_date"] < out["start_date"]:
        raise InvalidInput(N_("The end date lies before the start date."))
    attachments = raw.get("attachments")
    if attachments not in (None, []):
        if not isinstance(attachments, list):
            raise InvalidInput(N_("The field attachments is a list of files."))
        out["attachments"] = attachments
    recording_of(out, 0)  # scheduled without hours is refused here, before anything is kept
    return out


# -- the service --------------------------------------------------------------------------------


class RegisterService:
    """The surveillance register of one data dir."""

    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        clock: Clock,
        data_dir: Path,
        events: EventHub | None = None,
    ) -> None:
        self._db = db
        self._audit = audit
        self._clock = clock
        #: attachments, each under its SHA-256
        self.attachments_dir = data_dir / ATTACHMENTS_DIRNAME
        #: REGISTER after an entry changes (camera ids); RECORDINGS too, as the entry is the
        #: camera's recording settings
        self._events = events or EventHub()

    # -- reading ------------------------------------------------------------------------------

    def entries(self, actor: Actor) -> list[Entry]:
        """Every camera's entry, present and removed; a camera without one has an empty,
        incomplete entry (version 0)."""
        require(actor, Permission.VIEW_REGISTER)
        return [self._entry(row) for row in self._db.query(_ENTRIES + " ORDER BY c.id")]

    def entry(self, actor: Actor, camera_id: int) -> Entry:
        require(actor, Permission.VIEW_REGISTER)
        return self._current(camera_id)

    def versions(self, actor: Actor, camera_id: int) -> list[Entry]:
        """Every version of a camera's entry, the first first."""
        current = self.entry(actor, camera_id)
        rows = self._db.query(
            "SELECT * FROM register_versions WHERE camera_id = ? ORDER BY version", (camera_id,)
        )
        out = []
        for row in rows:
            with self._db.decoding("register_versions", f"{camera_id}/{row['version']}"):
                out.append(
                    Entry(
                        camera_id=camera_id,
                        camera_name=current.camera_name,
                        version=int(row["version"]),
                        fields=json.loads(row["fields"]),
                        provisional=bool(row["provisional"]),
                        updated_at=from_iso(row["at"]),
                        updated_by=str(row["by"]),
                        changed=tuple(filter(None, str(row["changed"]).split(","))),
                        camera_removed_at=current.camera_removed_at,
                        place=current.place,
                    )
                )
        return out

    def today(self) -> date:
        """The date in Stockholm now, by the injected clock: review dates are local dates."""
        return self._clock.now().astimezone(LOCAL_ZONE).date()

    def reminder(self, actor: Actor) -> Reminder:
        """The reviews that have come due and the incomplete entries of the cameras in use, for
        the console's reminder (VIEW_REGISTER)."""
        today = self.today()
        present = [e for e in self.entries(actor) if e.camera_removed_at is None]
        return Reminder(
            today,
            tuple(e for e in present if e.review_due(today)),
            tuple(e for e in present if not e.complete),
        )

    def in_service(self, camera_id: int) -> bool:
        """Whether the camera records and operators and supervisors see it (no permission
        needed: the engine and the camera list ask)."""
        return self._current(camera_id).in_service

    def _current(self, camera_id: int) -> Entry:
        rows = self._db.query(_ENTRIES + " WHERE c.id = ?", (camera_id,))
        if not rows:
            raise NotFound(N_("There is no camera number {id}."), id=camera_id)
        return self._entry(rows[0])

    def _entry(self, row: Mapping[str, Any]) -> Entry:
        with self._db.decoding("register_entries", row["id"]):
            return Entry(
                camera_id=int(row["id"]),
                camera_name=str(row["name"]),
                version=int(row["version"] or 0),
                fields=json.loads(row["fields"] or "{}"),
                provisional=bool(row["provisional"]),
                updated_at=from_iso(row["updated_at"] or row["created_at"]),
                updated_by=str(row["updated_by"] or ""),
                camera_removed_at=from_iso(row["removed_at"]) if row["removed_at"] else None,
                place=str(row["place"] or ""),
            )

    # -- changing -----------------------------------------------------------------------------

    def set(self, actor: Actor, camera_id: int, raw: Mapping[str, Any]) -> Entry:
        """Replace a camera's entry with `raw` (the JSON of `register set`). Administrators.
        An incomplete entry is kept (an entry is often written in steps); the camera records
        only once it is complete, unless its entry is a provisional one from an upgrade."""
        require(actor, Permission.MANAGE_REGISTER)
        fields = check_fields(raw)
        current = self._current(camera_id)
        if current.camera_removed_at is not None and current.version == 0:
            raise InvalidInput(N_("Camera {id} has been removed."), id=camera_id)
        if "attachments" in fields:
            fields["attachments"] = self._attach(fields["attachments"], current)
        return self._store(actor, current, fields)

    def amend(self, actor: Actor, camera_id: int, changes: Mapping[str, Any]) -> Entry:
        """Change some fields of an entry, keeping the others."""
        current = self._current(camera_id)
        fields = {k: v for k, v in current.fields.items()}
        fields.update(changes)
        return self.set(actor, camera_id, {k: v for k, v in fields.items() if v is not None})

    def set_retention(
        self, actor: Actor, camera_id: int, hours: int, justification: str = ""
    ) -> RecordingConfig:
        """How long the camera's recordings are kept: the entry's retention (administrators)."""
        entry = self.amend(
            actor,
            camera_id,
            {"retention_hours": hours, "retention_justification": justification.strip() or None},
        )
        return recording_of(entry.fields, camera_id)

    def set_recording(
        self, actor: Actor, camera_id: int, mode: Mode, schedule: Sequence[Window] = ()
    ) -> RecordingConfig:
        """Continuous, scheduled (the entry's hours), event or off. Technicians set this when
        they commission a camera, administrators in the register; either way it is a version
        of the entry under their name."""
        current = self._current(camera_id)
        require(actor, Permission.MANAGE_CAMERAS, _area(self._db, camera_id))
        if mode is Mode.SCHEDULED and not schedule:
            raise InvalidInput(N_("A recording schedule needs at least one window."))
        fields = dict(current.fields)
        fields["recording"] = mode.value
        if mode is Mode.SCHEDULED:
            fields["hours"] = "; ".join(_schedule_text(schedule))
        fields = check_fields(fields)
        entry = self._store(actor, current, fields)
        return recording_of(entry.fields, camera_id)

    def _store(self, actor: Actor, current: Entry, fields: dict[str, Any]) -> Entry:
        changed = sorted(
            k for k in set(fields) | set(current.fields) if fields.get(k) != current.fields.get(k)
        )
        if current.version and not changed:
            return current
        config = recording_of(fields, current.camera_id)
        now = self._clock.now()
        version = current.version + 1
        provisional = current.provisional and bool(missing_fields(fields))
        camera_id = current.camera_id

        def change(db: sqlite_utils.Database) -> None:
            self._audit.append(
                db,
                actor,
                SET_ACTION,
                f"camera:{camera_id}",
                log_details(current.camera_name, version, fields, provisional, changed),
            )
            write_entry(db, camera_id, version, fields, provisional, changed, now, actor.name)
            write_recording(db, config, now, actor.name)

        self._db.write(change).result()
        self._events.announce(ChangeKind.REGISTER, {camera_id})
        self._events.announce(ChangeKind.RECORDINGS, {camera_id})
        return self._current(camera_id)

    def _attach(self, given: Sequence[Any], current: Entry) -> list[dict[str, Any]]:
        """Files named by path are copied in under their SHA-256; ones already kept (as `show
        --json` lists them) stay."""
        kept = {a.sha256: a for a in current.attachments}
        out: list[dict[str, Any]] = []
        for item in given:
            if isinstance(item, Mapping) and item.get("sha256") in kept:
                a = kept[str(item["sha256"])]
                out.append({"name": a.name, "sha256": a.sha256, "bytes": a.bytes})
                continue
            if not isinstance(item, str) or not item.strip():
                raise InvalidInput(N_("An attachment is the path of a file."))
            out.append(self._copy_in(Path(item)))
        return out

    def _copy_in(self, path: Path) -> dict[str, Any]:
        digest = hashlib.sha256()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError as err:
            raise InvalidInput(
                N_("The attachment {path} cannot be read: {reason}"),
                path=path,
                reason=err.strerror or str(err),
            ) from None
        sha = digest.hexdigest()
        self.attachments_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = self.attachment_path(sha)
        if not target.exists():
            partial = target.with_suffix(".part")
            shutil.copyfile(path, partial)
            partial.replace(target)
        return {"name": path.name, "sha256": sha, "bytes": target.stat().st_size}

    def attachment_path(self, sha256: str) -> Path:
        return self.attachments_dir / sha256

    def log_provisional(self) -> int:
        """Log the provisional entries an upgrade made (the migration cannot write the access
        log); returns how many. Run once the log is open."""
        unlogged = (
            "SELECT r.camera_id, r.fields, c.name FROM register_entries r "
            "JOIN cameras c ON c.id = r.camera_id WHERE r.logged = 0 ORDER BY r.camera_id"
        )
        if not self._db.query(unlogged):
            return 0
        actor = Actor(name=UPGRADE_ACTOR)

        def log(db: sqlite_utils.Database) -> int:
            # Read again inside the transaction: another process may have logged them meanwhile.
            rows = list(db.query(unlogged))
            for row in rows:
                fields = json.loads(row["fields"])
                self._audit.append(
                    db,
                    actor,
                    PROVISIONAL_ACTION,
                    f"camera:{row['camera_id']}",
                    log_details(str(row["name"]), 1, fields, True, sorted(fields)),
                )
                db.execute(
                    "UPDATE register_entries SET logged = 1 WHERE camera_id = ?",
                    (row["camera_id"],),
                )
            return len(rows)

        return self._db.write(log).result()


def log_details(
    name: str,
    version: int,
    fields: Mapping[str, Any],
    provisional: bool,
    changed: Iterable[str],
) -> dict[str, object]:
    """An entry's change as the access log keeps it: the hash of its fields, what the
    recording settings became (the state comparison replays them), and what changed."""
    config = recording_of(fields, 0)
    return {
        "name": name,
        "version": version,
        "changed": ",".join(changed),
        "complete": not missing_fields(fields),
        "provisional": provisional,
        "fields_sha256": fields_sha256(fields),
        "mode": config.mode.value,
        "schedule": ", ".join(_schedule_text(config.schedule)),
        "hours": config.retention_hours,
        "justification": config.justification,
    }


def write_entry(
    db: sqlite_utils.Database,
    camera_id: int,
    version: int,
    fields: Mapping[str, Any],
    provisional: bool,
    changed: Sequence[str],
    now: datetime,
    by: str,
    *,
    logged: bool = True,
) -> None:
    text = canonical(fields).decode()
    db.table("register_entries").upsert(
        {
            "camera_id": camera_id,
            "version": version,
            "fields": text,
            "complete": int(not missing_fields(fields)),
            "provisional": int(provisional),
            "updated_at": to_iso(now),
            "updated_by": by,
            "logged": int(logged),
        },
        pk="camera_id",
    )
    db.execute(
        "INSERT INTO register_versions (camera_id, version, fields, provisional, changed, at, by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (camera_id, version, text, int(provisional), ",".join(changed), to_iso(now), by),
    )


def write_recording(
    db: sqlite_utils.Database, config: RecordingConfig, now: datetime, by: str
) -> None:
    """The recording settings as the entry gives them (what the engine and the purge read)."""
    db.table("recording_config").upsert(
        {
            "camera_id": config.camera_id,
            "mode": config.mode.value,
            "schedule": json.dumps([[w.weekday, w.start, w.end] for w in config.schedule]),
            "retention_hours": config.retention_hours,
            "justification": config.justification,
            "updated_at": to_iso(now),
            "updated_by": by,
        },
        pk="camera_id",
    )


def _area(db: Database, camera_id: int) -> int | None:
    rows = db.query(
        "SELECT p.area_id FROM cameras c LEFT JOIN places p ON p.id = c.place_id WHERE c.id = ?",
        (camera_id,),
    )
    return int(rows[0]["area_id"]) if rows and rows[0]["area_id"] is not None else None


_ENTRIES = (
    "SELECT c.id, c.name, c.created_at, c.removed_at, r.version, r.fields, r.provisional, "
    "r.updated_at, r.updated_by, p.name AS place FROM cameras c "
    "LEFT JOIN register_entries r ON r.camera_id = c.id LEFT JOIN places p ON p.id = c.place_id"
)
