"""The SQLite store: opening with checks, numbered migrations, and the one writer thread.

Every write of a process goes through one writer thread that owns the write connection, so the
GUI thread never waits on the disk and writes never interleave. Other processes (a CLI command
beside a running console) are serialized by SQLite itself: each job is one `BEGIN IMMEDIATE`
transaction. Reads use a connection per thread; WAL lets them run beside the writer.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import os
import queue
import shutil
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import sqlite_utils

from console import __version__
from console.clock import Clock, SystemClock, to_iso
from console.errors import (
    N_,
    DamagedRecord,
    DatabaseCorrupt,
    DatabaseDiskFull,
    DatabaseLocked,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnreadable,
    KnownError,
    StorageError,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

DB_FILENAME = "utkik.db"
SQLITE_HEADER = b"SQLite format 3\x00"
#: A CLI command and a running console may both write; a writer waits this long for the other.
BUSY_TIMEOUT_S = 15.0
#: The data dir and the database hold password hashes and who watched what: the account's own.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: The database and the files SQLite keeps beside it (they hold the newest pages).
DB_FILES = (DB_FILENAME, DB_FILENAME + "-wal", DB_FILENAME + "-shm", DB_FILENAME + "-journal")


class FilesExposed(KnownError):
    """A file or folder of the data dir can be read or changed by other accounts."""


def make_private_dir(path: Path) -> None:
    """Create `path` (and its parents) if missing; a folder made here is the account's own,
    whatever the umask. An existing folder keeps its mode: `exposure` reports it."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> None:
    """Create an empty `path` readable by this account only, unless it exists. SQLite gives
    the WAL and shared-memory files the mode of the database file, so they are private too."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    try:
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)


def open_private(path: Path, *, replace: bool = False) -> BinaryIO:
    """A file at `path` for writing, readable by this account only whatever the umask (what is
    written out of the data dir, such as an export, holds who watched what). Without `replace`
    an existing file is never overwritten: FileExistsError. With it (the person chose to
    replace the file) the file is emptied and made private."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE)
    try:
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE_MODE)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def exposure(data_dir: Path) -> list[KnownError]:
    """What of the data dir other accounts may read or change, each as a warning. Only
    reported: an administrator may have opened it on purpose (a group of operators' accounts)."""
    if os.name != "posix":
        return []  # there the folder's ACL inherited from the profile decides
    problems: list[KnownError] = []
    checks = [(data_dir, PRIVATE_DIR_MODE)] + [(data_dir / n, PRIVATE_FILE_MODE) for n in DB_FILES]
    for path, wanted in checks:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        except OSError as err:
            log.debug("cannot check the mode of %s", path, exc_info=err)
            continue
        if mode & ~wanted:
            problems.append(
                FilesExposed(
                    N_(
                        "{path} can be read or changed by other accounts of this computer (mode "
                        "{mode}), and it holds password hashes and who watched what. Make it "
                        "private: chmod {wanted} {path}"
                    ),
                    path=path,
                    mode=f"{mode:o}",
                    wanted=f"{wanted:o}",
                )
            )
    return problems


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite_utils.Database, Clock], None]


def _sql(script: str) -> Callable[[sqlite_utils.Database, Clock], None]:
    def apply(db: sqlite_utils.Database, clock: Clock) -> None:
        # executescript() would commit the open transaction; run statement by statement instead.
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)

    return apply


_SCHEMA_1 = """
CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    name TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (area_id, name)
);
CREATE TABLE cameras (
    id INTEGER PRIMARY KEY,
    place_id INTEGER REFERENCES places(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN
        ('operator', 'technician', 'supervisor', 'administrator', 'auditor')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE user_areas (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (user_id, area_id)
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

#: The sites of the municipality's action plan, seeded once on the first run.
SEED_SITES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("City", ("Stora torget", "Trädgårdstorget")),
    ("Berga", ("Berga centrum",)),
    ("Skäggetorp", ("Skäggetorp centrum",)),
    ("Ryd", ("Ryds centrum",)),
    ("Resecentrum", ("Resecentrum",)),
    ("Hållplatser", ()),
)


def _seed_sites(db: sqlite_utils.Database, clock: Clock) -> None:
    for area_name, places in SEED_SITES:
        area_id = db.table("areas").insert({"name": area_name}).last_pk
        for place in places:
            db.table("places").insert({"area_id": area_id, "name": place})


_SCHEMA_3 = """
CREATE TABLE audit_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE audit_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    frontier BLOB NOT NULL,
    sealed INTEGER NOT NULL
);
CREATE TABLE audit_entries (
    seq INTEGER PRIMARY KEY,
    body BLOB NOT NULL,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL
);
CREATE INDEX audit_entries_time ON audit_entries(time);
CREATE INDEX audit_entries_actor ON audit_entries(actor, seq);
CREATE INDEX audit_entries_action ON audit_entries(action, seq);
CREATE TABLE audit_checkpoints (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    note TEXT NOT NULL,
    signer TEXT NOT NULL,
    time TEXT NOT NULL
);
CREATE TABLE audit_keys (
    epoch INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    public_key BLOB NOT NULL,
    valid_from TEXT NOT NULL,
    certificate TEXT NOT NULL,
    custody TEXT NOT NULL
);
CREATE TABLE audit_open (
    id INTEGER PRIMARY KEY,
    start_seq INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    owner TEXT NOT NULL,
    opened_at TEXT NOT NULL
)
"""

_SCHEMA_4 = """
ALTER TABLE cameras ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cameras ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE cameras ADD COLUMN port INTEGER NOT NULL DEFAULT 80;
ALTER TABLE cameras ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE cameras ADD COLUMN credential_ref TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX cameras_host_port ON cameras(host, port);
CREATE INDEX cameras_place ON cameras(place_id);
CREATE TABLE camera_health (
    camera_id INTEGER PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
    checked_at TEXT NOT NULL,
    reachable INTEGER NOT NULL,
    stream_ok INTEGER NOT NULL,
    clock_offset_s REAL,
    error TEXT NOT NULL DEFAULT ''
)
"""

# IF NOT EXISTS: applied again to a database whose version rows were rolled back (as the storage
# tests do), the migration keeps the tables it made before.
_SCHEMA_5 = """
CREATE TABLE IF NOT EXISTS layouts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    grid TEXT NOT NULL,
    tiles TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (user_id, name)
);
CREATE TABLE IF NOT EXISTS tours (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    dwell_s INTEGER NOT NULL CHECK (dwell_s > 0),
    updated_at TEXT NOT NULL,
    UNIQUE (user_id, name)
);
CREATE TABLE IF NOT EXISTS tour_steps (
    tour_id INTEGER NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    layout_id INTEGER NOT NULL REFERENCES layouts(id) ON DELETE CASCADE,
    PRIMARY KEY (tour_id, position)
)
"""

_SCHEMA_6 = """
CREATE TABLE IF NOT EXISTS recording_config (
    camera_id INTEGER PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
    mode TEXT NOT NULL,
    schedule TEXT NOT NULL,
    retention_hours INTEGER NOT NULL CHECK (retention_hours > 0),
    justification TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    camera_id INTEGER NOT NULL,
    profile TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    bytes INTEGER NOT NULL DEFAULT 0,
    path TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('open', 'closed'))
);
CREATE INDEX IF NOT EXISTS segments_camera_time ON segments(camera_id, profile, start_utc);
CREATE INDEX IF NOT EXISTS segments_state_end ON segments(state, end_utc);
CREATE TABLE IF NOT EXISTS evidence_locks (
    id INTEGER PRIMARY KEY,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    reason TEXT NOT NULL,
    case_number TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    lifted_at TEXT,
    lifted_by TEXT,
    ended_logged INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS evidence_lock_cameras (
    lock_id INTEGER NOT NULL REFERENCES evidence_locks(id) ON DELETE CASCADE,
    camera_id INTEGER NOT NULL,
    PRIMARY KEY (lock_id, camera_id)
)
"""

#: The cameras table as migration 7 leaves it: AUTOINCREMENT, so that an id is never given to
#: another camera (recordings, evidence locks and the access log name cameras by id), and
#: `removed_at`, so that a removed camera stays, with its name and place, for its recordings.
_CAMERAS_7 = """
CREATE TABLE cameras_7 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    place_id INTEGER REFERENCES places(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    port INTEGER NOT NULL DEFAULT 80,
    facts TEXT NOT NULL DEFAULT '{}',
    credential_ref TEXT NOT NULL DEFAULT '',
    removed_at TEXT
)
"""

#: Where camera ids are kept besides the cameras table.
_CAMERA_ID_COLUMNS = (
    ("segments", "camera_id"),
    ("recording_config", "camera_id"),
    ("evidence_lock_cameras", "camera_id"),
)


def _cameras_never_reused(db: sqlite_utils.Database, clock: Clock) -> None:
    """Rebuild the cameras table with AUTOINCREMENT and `removed_at`, keeping every column and
    row. A camera deleted before this migration whose recordings are still indexed comes back
    as a removed camera, named and placed as the access log last knew it, so that its
    recordings are never taken for those of a camera that gets its id."""
    old = [row[1] for row in db.execute("PRAGMA table_info(cameras)").fetchall()]
    db.execute(_CAMERAS_7)
    new = [row[1] for row in db.execute("PRAGMA table_info(cameras_7)").fetchall()]
    kept = ", ".join(f'"{c}"' for c in old if c in new)
    db.execute(f"INSERT INTO cameras_7 ({kept}) SELECT {kept} FROM cameras")
    # Dropping the old table deletes its rows first, and with foreign keys on (they cannot be
    # switched off inside the migration's transaction) that cascades to the rows naming a
    # camera: keep those aside and put them back.
    children = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        if name not in ("cameras", "cameras_7")
        and any(fk[2] == "cameras" for fk in db.execute(f'PRAGMA foreign_key_list("{name}")'))
    ]
    for name in children:
        db.execute(f'CREATE TEMP TABLE "kept_{name}" AS SELECT * FROM main."{name}"')
    db.execute("DROP TABLE cameras")
    db.execute("ALTER TABLE cameras_7 RENAME TO cameras")
    for name in children:
        db.execute(f'INSERT INTO main."{name}" SELECT * FROM temp."kept_{name}"')
        db.execute(f'DROP TABLE temp."kept_{name}"')
    db.execute(
        "CREATE UNIQUE INDEX cameras_host_port ON cameras(host, port) WHERE removed_at IS NULL"
    )
    db.execute("CREATE INDEX cameras_place ON cameras(place_id)")
    _restore_deleted_cameras(db, clock)
    highest = _highest_camera_id(db)
    db.execute("DELETE FROM sqlite_sequence WHERE name = 'cameras'")
    db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('cameras', ?)", (highest,))


#: Alarms (console/alarms/), their rules per site and class, snoozed sources, this data dir's
#: name on the broker (alarm_meta), and the MQTT sensors heard (new ones too: never dropped).
_SCHEMA_ALARMS = """
CREATE TABLE IF NOT EXISTS alarms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state TEXT NOT NULL CHECK (state IN ('new', 'acknowledged', 'closed')),
    class TEXT NOT NULL,
    severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    source_kind TEXT NOT NULL,
    source TEXT NOT NULL,
    site TEXT NOT NULL,
    place TEXT NOT NULL,
    place_id INTEGER,
    area_id INTEGER,
    cameras TEXT NOT NULL,
    title TEXT NOT NULL,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    device_time TEXT,
    received_time TEXT NOT NULL,
    last_time TEXT NOT NULL,
    count INTEGER NOT NULL,
    active INTEGER,
    raw TEXT NOT NULL,
    acknowledged_by TEXT NOT NULL,
    acknowledged_at TEXT,
    comment TEXT NOT NULL,
    assigned_to TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    closed_at TEXT,
    revision INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alarms_key_state ON alarms(key, state);
CREATE INDEX IF NOT EXISTS alarms_state_received ON alarms(state, received_time);
CREATE TABLE IF NOT EXISTS alarm_rules (
    class TEXT NOT NULL,
    area_id INTEGER NOT NULL,
    severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    sound TEXT NOT NULL,
    open_camera INTEGER NOT NULL,
    record INTEGER NOT NULL,
    record_s INTEGER NOT NULL,
    lighting_boost INTEGER,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (class, area_id)
);
CREATE TABLE IF NOT EXISTS alarm_snoozes (
    id INTEGER PRIMARY KEY,
    source_kind TEXT NOT NULL,
    source TEXT NOT NULL,
    until TEXT NOT NULL,
    by TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    suppressed INTEGER NOT NULL,
    lifted_at TEXT
);
CREATE INDEX IF NOT EXISTS alarm_snoozes_source ON alarm_snoozes(source_kind, source, until);
CREATE TABLE IF NOT EXISTS alarm_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alarm_sensors (
    place TEXT NOT NULL,
    sensor TEXT NOT NULL,
    kind TEXT NOT NULL,
    availability TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (place, sensor)
)
"""

_SCHEMA_LIGHTING = """
CREATE TABLE IF NOT EXISTS lighting_zones (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    place TEXT NOT NULL,
    area_id INTEGER,
    schedule TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    commanded_level INTEGER,
    source TEXT,
    detail TEXT,
    until TEXT
);
CREATE TABLE IF NOT EXISTS lighting_luminaires (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    place TEXT NOT NULL,
    light TEXT NOT NULL,
    zone_id INTEGER NOT NULL REFERENCES lighting_zones(id),
    -- 'mqtt' (a controller on the broker) or 'relay' (a camera's relay output, a floodlight)
    driver TEXT NOT NULL DEFAULT 'mqtt',
    camera_id INTEGER,
    relay_token TEXT,
    first_seen TEXT NOT NULL,
    available INTEGER,
    reported_level INTEGER,
    reported_mode TEXT,
    reported_at TEXT,
    commanded_level INTEGER,
    command_id TEXT,
    confirmed INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    UNIQUE (place, light)
);
CREATE TABLE IF NOT EXISTS lighting_overrides (
    zone_id INTEGER PRIMARY KEY REFERENCES lighting_zones(id),
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 100),
    until TEXT NOT NULL,
    user TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lighting_boosts (
    zone_id INTEGER PRIMARY KEY REFERENCES lighting_zones(id),
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 100),
    until TEXT NOT NULL,
    alarm_id INTEGER NOT NULL
);
"""


def _tables(db: sqlite_utils.Database) -> set[str]:
    return {
        row[0]
        for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }


def _highest_camera_id(db: sqlite_utils.Database) -> int:
    """The highest id any camera ever had, as far as the database remembers it."""
    tables = _tables(db)
    found = [int(db.execute("SELECT coalesce(max(id), 0) FROM cameras").fetchone()[0])]
    for table, column in _CAMERA_ID_COLUMNS:
        if table in tables:
            found.append(
                int(db.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()[0])
            )
    if "audit_entries" in tables:
        for (target,) in db.execute(
            "SELECT DISTINCT target FROM audit_entries WHERE target LIKE 'camera:%'"
        ).fetchall():
            number = str(target).removeprefix("camera:")
            if number.isdigit():
                found.append(int(number))
    return max(found)


def _restore_deleted_cameras(db: sqlite_utils.Database, clock: Clock) -> None:
    if "segments" not in _tables(db):
        return
    missing = [
        int(row[0])
        for row in db.execute(
            "SELECT DISTINCT camera_id FROM segments "
            "WHERE camera_id NOT IN (SELECT id FROM cameras)"
        ).fetchall()
    ]
    for camera_id in missing:
        known = _logged_camera(db, camera_id)
        first = db.execute(
            "SELECT min(start_utc) FROM segments WHERE camera_id = ?", (camera_id,)
        ).fetchone()[0]
        place = db.execute(
            "SELECT id FROM places WHERE name = ? ORDER BY id", (known.get("place", ""),)
        ).fetchone()
        db.execute(
            "INSERT INTO cameras (id, place_id, name, created_at, updated_at, host, port, "
            "removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                camera_id,
                place[0] if place else None,
                str(known.get("name") or f"Camera {camera_id}"),
                str(known.get("added_at") or first),
                to_iso(clock.now()),
                str(known.get("host", "")),
                int(known.get("port") or 80),
                str(known.get("removed_at") or to_iso(clock.now())),
            ),
        )


def _logged_camera(db: sqlite_utils.Database, camera_id: int) -> dict[str, Any]:
    """What the access log says about a deleted camera: its name, place, host and port, when
    it was added and removed (the entries' details; an entry that does not parse is skipped)."""
    if "audit_entries" not in _tables(db):
        return {}
    known: dict[str, Any] = {}
    for action, stamp, body in db.execute(
        "SELECT action, time, body FROM audit_entries WHERE target = ? AND action IN "
        "('camera.added', 'camera.changed', 'camera.removed') ORDER BY seq",
        (f"camera:{camera_id}",),
    ).fetchall():
        try:
            details = json.loads(bytes(body)).get("details", {})
        except (ValueError, AttributeError):
            continue
        if not isinstance(details, dict):
            continue
        known |= {
            k: v
            for k, v in details.items()
            if k in ("name", "place", "host", "port") and isinstance(v, str | int)
        }
        if action == "camera.added":
            known["added_at"] = stamp
        if action == "camera.removed":
            known["removed_at"] = stamp
    return known


_SCHEMA_EXPORT_REQUESTS = """
CREATE TABLE IF NOT EXISTS export_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state TEXT NOT NULL CHECK (state IN
        ('pending', 'approved', 'rejected', 'expired', 'producing', 'produced')),
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    reason TEXT NOT NULL,
    case_number TEXT NOT NULL,
    recipient TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    requester TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    four_eyes INTEGER NOT NULL,
    approver TEXT,
    decided_at TEXT,
    decision_reason TEXT NOT NULL DEFAULT '',
    lock_id INTEGER,
    producer TEXT,
    produced_at TEXT,
    produced_by TEXT,
    manifest_sha256 TEXT,
    package TEXT
);
CREATE INDEX IF NOT EXISTS export_requests_state ON export_requests(state, expires_at);
CREATE TABLE IF NOT EXISTS export_request_cameras (
    request_id INTEGER NOT NULL REFERENCES export_requests(id) ON DELETE CASCADE,
    camera_id INTEGER NOT NULL,
    PRIMARY KEY (request_id, camera_id)
)
"""

_SCHEMA_SUBJECT_ACCESS = """
CREATE TABLE IF NOT EXISTS subject_access_cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    state TEXT NOT NULL CHECK (state IN
        ('open', 'footage_found', 'masked', 'reviewed', 'released', 'refused')),
    requester TEXT NOT NULL,
    identity_check TEXT NOT NULL,
    identity_checked_by TEXT NOT NULL,
    claimed_from TEXT NOT NULL,
    claimed_to TEXT NOT NULL,
    place TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    lock_id INTEGER,
    reviewer TEXT,
    reviewed_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT NOT NULL DEFAULT '',
    manifest_sha256 TEXT,
    package TEXT
);
CREATE TABLE IF NOT EXISTS subject_access_footage (
    case_id INTEGER NOT NULL REFERENCES subject_access_cases(id) ON DELETE CASCADE,
    camera_id INTEGER NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    PRIMARY KEY (case_id, camera_id)
);
CREATE TABLE IF NOT EXISTS subject_access_copies (
    case_id INTEGER NOT NULL REFERENCES subject_access_cases(id) ON DELETE CASCADE,
    camera_id INTEGER NOT NULL,
    original TEXT NOT NULL,
    masked TEXT NOT NULL,
    derived_from TEXT NOT NULL,
    masked_sha256 TEXT NOT NULL,
    masks TEXT NOT NULL,
    masked_by TEXT NOT NULL,
    masked_at TEXT NOT NULL,
    frames INTEGER NOT NULL,
    change_frames TEXT NOT NULL,
    PRIMARY KEY (case_id, camera_id)
)
"""


_SCHEMA_REGISTER = """
CREATE TABLE IF NOT EXISTS register_entries (
    camera_id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL CHECK (version > 0),
    fields TEXT NOT NULL,
    complete INTEGER NOT NULL,
    provisional INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    logged INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS register_versions (
    camera_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    fields TEXT NOT NULL,
    provisional INTEGER NOT NULL,
    changed TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    PRIMARY KEY (camera_id, version)
)
"""


def _register(db: sqlite_utils.Database, clock: Clock) -> None:
    """The surveillance register. Every camera the data dir already has (also a removed one,
    for its recordings) gets a provisional entry from its recording settings, so that it keeps
    recording and being shown after the upgrade, flagged incomplete until an administrator
    completes it. The access log learns of these entries at the next start (it cannot be
    written here): `logged` is 0 until then."""
    db.executescript(_SCHEMA_REGISTER)
    if "cameras" not in _tables(db):
        return
    now = to_iso(clock.now())
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    settings: dict[int, tuple[str, str, int, str]] = {}
    if "recording_config" in _tables(db):
        for camera_id, mode, schedule, hours, justification in db.execute(
            "SELECT camera_id, mode, schedule, retention_hours, justification FROM recording_config"
        ).fetchall():
            settings[int(camera_id)] = (str(mode), str(schedule), int(hours), str(justification))
    for (camera_id,) in db.execute("SELECT id FROM cameras ORDER BY id").fetchall():
        mode, schedule, hours, justification = settings.get(
            int(camera_id), ("continuous", "[]", 72, "")
        )
        try:
            windows = [
                f"{names[d]} {s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}"
                for d, s, e in json.loads(schedule)
            ]
        except (ValueError, TypeError, IndexError):
            windows = []
        fields: dict[str, Any] = {"recording": mode, "retention_hours": hours}
        fields["hours"] = "; ".join(windows) if mode == "scheduled" and windows else "always"
        if justification:
            fields["retention_justification"] = justification
        text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        db.execute(
            "INSERT INTO register_entries (camera_id, version, fields, complete, provisional, "
            "updated_at, updated_by, logged) VALUES (?, 1, ?, 0, 1, ?, 'system:upgrade', 0)",
            (camera_id, text, now),
        )
        db.execute(
            "INSERT INTO register_versions (camera_id, version, fields, provisional, changed, at, "
            "by) VALUES (?, 1, ?, 1, ?, ?, 'system:upgrade')",
            (camera_id, text, ",".join(sorted(fields)), now),
        )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "areas, places, cameras, users, settings", _sql(_SCHEMA_1)),
    Migration(2, "seed the action plan's sites", _seed_sites),
    Migration(3, "the access log", _sql(_SCHEMA_3)),
    Migration(4, "onboarded cameras and their health", _sql(_SCHEMA_4)),
    Migration(5, "named layouts and tours per user", _sql(_SCHEMA_5)),
    Migration(6, "recordings: settings, segment index, evidence locks", _sql(_SCHEMA_6)),
    Migration(7, "camera ids never reused; removed cameras kept", _cameras_never_reused),
    Migration(8, "alarms, alarm rules, snoozed sources", _sql(_SCHEMA_ALARMS)),
    Migration(9, "lighting zones, luminaires, overrides and alarm boosts", _sql(_SCHEMA_LIGHTING)),
    Migration(10, "export requests and their approval", _sql(_SCHEMA_EXPORT_REQUESTS)),
    Migration(11, "subject access cases", _sql(_SCHEMA_SUBJECT_ACCESS)),
    Migration(12, "the surveillance register; provisional entries for existing cameras", _register),
)

LATEST_VERSION = MIGRATIONS[-1].version


def _check_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database, without writing a byte to it."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as err:
        raise _unreadable(path, err) from err
    if header and header != SQLITE_HEADER:
        raise _corrupt(path)


def _corrupt(path: Path) -> DatabaseCorrupt:
    # The damaged file is the only copy of what the access log held since the last backup:
    # the advice keeps it, and a fresh start goes to another folder, never over it.
    return DatabaseCorrupt(
        N_(
            "The database {path} is damaged or is not a Utkik database. It has not been changed. "
            "Keep it for investigation (copy it aside with its folder: it holds the access log), "
            "then restore the data folder from a backup or start Utkik with another data folder."
        ),
        path=path,
    )


def _unreadable(path: Path, err: OSError) -> DatabaseUnreadable:
    return DatabaseUnreadable(
        N_(
            "The database {path} cannot be read by this account ({reason}). It has not been "
            "changed. Start Utkik as the account that owns it, or give this account access to it."
        ),
        path=path,
        reason=err.strerror or str(err),
    )


def _not_writable(path: Path, err: OSError | sqlite3.Error) -> DatabaseReadOnly:
    if isinstance(err, OSError) and err.errno == errno.EROFS:
        return DatabaseReadOnly(
            N_(
                "The data folder {folder} is on a read-only file system, so the database {path} "
                "cannot be written. It has not been changed. Make that file system writable "
                "(mount it read-write) and start again."
            ),
            folder=path.parent if path.name in DB_FILES else path,
            path=path,
        )
    reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    return DatabaseReadOnly(
        N_(
            "{path} cannot be written by this account ({reason}), and the database needs it. "
            "It has not been changed. Start Utkik as the account that owns the data folder, or "
            "give this account write access to it."
        ),
        path=path,
        reason=reason,
    )


def _full(path: Path) -> DatabaseDiskFull:
    return DatabaseDiskFull(
        N_(
            "The database {path} cannot be written: its disk is full. Nothing was changed, and "
            "the database is not damaged: free some space on that disk and start again."
        ),
        path=path,
    )


def _disk_error(path: Path, err: BaseException) -> StorageError:
    return StorageError(
        N_(
            "The database {path} cannot be read or written: the disk reports an error "
            "({reason}). It has not been changed and is not known to be damaged: check the disk "
            "and start again."
        ),
        path=path,
        reason=str(err),
    )


#: Free space below which a failed write is taken for a full disk (SQLite often reports it as
#: an I/O error on the shared-memory file rather than as "full").
FULL_BELOW_BYTES = 1 << 20


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def _access_problem(path: Path) -> StorageError | None:
    """Why this account cannot use the database, seen from the file system: SQLite reports an
    unreadable file, a read-only one and a damaged one alike ("unable to open", "disk I/O")."""
    try:
        with path.open("rb"):
            pass
    except FileNotFoundError:
        pass
    except OSError as err:
        return _unreadable(path, err)
    folder = path.parent
    try:
        if os.name == "posix" and os.statvfs(folder).f_flag & os.ST_RDONLY:
            return _not_writable(path, OSError(errno.EROFS, os.strerror(errno.EROFS)))
    except OSError:
        pass
    for name in DB_FILES:
        try:
            # Opened for writing to learn whether it could be; not a byte is written.
            fd = os.open(folder / name, os.O_RDWR)
        except FileNotFoundError:
            continue
        except OSError as err:
            return _not_writable(folder / name, err)
        os.close(fd)
    # SQLite creates the WAL and shared-memory files beside the database.
    effective = os.access in os.supports_effective_ids
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=effective):
        return _not_writable(folder, OSError(errno.EACCES, os.strerror(errno.EACCES)))
    return None


def _diagnose(err: sqlite3.Error, path: Path) -> StorageError:
    """The KnownError for an SQLite error met opening or writing the database. Only SQLite's
    own corruption codes make a database "damaged"; the rest is its surroundings."""
    name = getattr(err, "sqlite_errorname", None) or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or _is_busy(err):
        return _busy(path)
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB":
        return _corrupt(path)
    problem = _access_problem(path)
    if problem is not None:
        return problem
    if name == "SQLITE_FULL" or _disk_full(path.parent):
        return _full(path)
    if name.startswith("SQLITE_READONLY"):
        return _not_writable(path, err)
    return _disk_error(path, err)


def _folder_error(data_dir: Path, err: OSError) -> StorageError:
    """Why the data folder or its database file could not be made."""
    if err.errno == errno.ENOSPC:
        return _full(data_dir / DB_FILENAME)
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _not_writable(Path(err.filename) if err.filename else data_dir, err)
    return StorageError(
        N_("The data folder {path} cannot be created: {reason}."),
        path=data_dir,
        reason=err.strerror,
    )


def _busy(path: Path) -> DatabaseLocked:
    return DatabaseLocked(N_("The database {path} is kept busy by another process."), path=path)


def _too_new(path: Path, version: int) -> DatabaseTooNew:
    return DatabaseTooNew(
        N_(
            "The database {path} was written by a newer version of Utkik (schema {version}; this "
            "version knows up to {latest}). It has not been changed. Install the newer version "
            "of Utkik to use it."
        ),
        path=path,
        version=version,
        latest=LATEST_VERSION,
    )


def _stored_version(path: Path) -> int:
    """The schema version in an existing file (0 for a new or empty one), read-only."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "schema_version" not in tables:
                if tables:
                    raise _corrupt(path)
                return 0
            row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
            checked = conn.execute("PRAGMA quick_check(1)").fetchone()
            if checked is None or checked[0] != "ok":
                raise _corrupt(path)
            return int(row[0] or 0)
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise _diagnose(err, path) from err


def _connect(path: Path, *, query_only: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
    )
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    if query_only:
        conn.execute("PRAGMA query_only = ON")
    else:
        _set_wal(conn)
        # FULL: an entry the access log reports durable must survive a power cut.
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch a new database to WAL. The switch needs the file to itself and SQLite does not
    wait for it: when another process opens the same new file at the same moment, retry."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if not _is_busy(err) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def _is_busy(err: sqlite3.Error) -> bool:
    text = str(err)
    return "locked" in text or "busy" in text


class Database:
    """The data dir's database: one writer thread, a read connection per thread."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self.path = path
        self._clock = clock or SystemClock()
        # SimpleQueue: the lightest hand-over between threads; an append waits for it twice.
        self._jobs: queue.SimpleQueue[
            tuple[Callable[[sqlite_utils.Database], Any], Future[Any]] | None
        ]
        self._jobs = queue.SimpleQueue()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._writer: threading.Thread | None = None

    @classmethod
    def open(cls, data_dir: Path, clock: Clock | None = None) -> Database:
        """Open (creating if needed) and migrate the database of `data_dir`."""
        try:
            make_private_dir(data_dir)
            create_private_file(data_dir / DB_FILENAME)
        except OSError as err:
            raise _folder_error(data_dir, err) from err
        db = cls(data_dir / DB_FILENAME, clock)
        try:
            db._start()
        except BaseException:
            db.close()
            raise
        return db

    # -- lifecycle ---------------------------------------------------------------------------

    def _start(self) -> None:
        _check_header(self.path)
        version = _stored_version(self.path)
        if version > LATEST_VERSION:
            raise _too_new(self.path, version)
        started: Future[None] = Future()
        self._writer = threading.Thread(
            target=self._run_writer, args=(started,), name="utkik-db-writer", daemon=True
        )
        self._writer.start()
        started.result()
        self.write(self._migrate).result()
        self._check_structure()

    def _run_writer(self, started: Future[None]) -> None:
        try:
            conn = _connect(self.path, query_only=False)
        except sqlite3.DatabaseError as err:
            started.set_exception(_diagnose(err, self.path))
            log.debug("opening the write connection failed", exc_info=err)
            return
        started.set_result(None)
        db = sqlite_utils.Database(conn)
        while True:
            job = self._jobs.get()
            if job is None:
                break
            fn, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as err:
                future.set_exception(_diagnose(err, self.path))
                log.debug("BEGIN IMMEDIATE failed", exc_info=err)
                continue
            try:
                result = fn(db)
            except BaseException as err:  # noqa: BLE001 - handed to the caller through the future
                _rollback(conn)
                future.set_exception(_translate(err, self.path))
            else:
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error as err:
                    _rollback(conn)
                    future.set_exception(_translate(err, self.path))
                else:
                    future.set_result(result)
        conn.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._jobs.put(None)
        if self._writer is not None:
            self._writer.join(timeout=30)
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- use ---------------------------------------------------------------------------------

    def write(self, fn: Callable[[sqlite_utils.Database], T]) -> Future[T]:
        """Run `fn` in one transaction on the writer thread; the future holds its result."""
        future: Future[T] = Future()
        if self._closed:
            future.set_exception(StorageError(N_("The database has been closed.")))
            return future
        self._jobs.put((fn, future))
        return future

    def reader(self) -> sqlite_utils.Database:
        """This thread's read-only connection."""
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            conn = _connect(self.path, query_only=True)
            with self._readers_lock:
                self._readers.append(conn)
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    def query(
        self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]:
        try:
            return list(self.reader().query(sql, params))
        except sqlite3.DatabaseError as err:
            raise _translate(err, self.path) from err

    @contextmanager
    def decoding(self, table: str, key: object) -> Iterator[None]:
        """Around turning a stored row into a domain value: a value that does not parse (text
        where JSON belongs, a date that is none, a role Utkik does not know) is a damaged
        record, named, instead of a traceback."""
        try:
            yield
        except (ValueError, TypeError, KeyError) as err:
            log.debug("record %s of %s cannot be read", key, table, exc_info=err)
            raise DamagedRecord(
                N_(
                    "The database {path} is damaged: record {key} of the table {table} cannot be "
                    "read ({reason}). Nothing was changed. Keep the database for investigation "
                    "(copy it aside with its folder: it holds the access log), then correct the "
                    "record or restore the data folder from a backup."
                ),
                path=self.path,
                key=key,
                table=table,
                reason=str(err) or type(err).__name__,
            ) from err

    def _check_structure(self) -> None:
        """Refuse, before anything is written, a database whose tables or columns have gone
        (dropped by hand, or lost with a page): every later read and write would fail."""
        stored = _structure(self.reader())
        for table, columns in _expected_structure().items():
            missing = sorted(columns - stored.get(table, set()))
            if table not in stored or missing:
                what = table if table not in stored else f"{table} ({', '.join(missing)})"
                raise DamagedRecord(
                    N_(
                        "The database {path} is damaged: the table {table} is missing. It has "
                        "not been changed. Keep it for investigation (copy it aside with its "
                        "folder: it holds the access log), then restore the data folder from a "
                        "backup."
                    ),
                    path=self.path,
                    table=what,
                )
        # The access log's origin and its one state row are written together (audit/log.py).
        origin = self.query("SELECT 1 FROM audit_meta WHERE key = 'origin'")
        if origin and not self.query("SELECT 1 FROM audit_state WHERE id = 1"):
            raise DamagedRecord(
                N_(
                    "The database {path} is damaged: the access log's state (the row of the table "
                    "audit_state) is missing. It has not been changed. Keep it for investigation "
                    "(copy it aside with its folder: it holds the access log), then restore the "
                    "data folder from a backup."
                ),
                path=self.path,
            )

    def schema_version(self) -> int:
        rows = self.query("SELECT max(version) AS v FROM schema_version")
        return int(rows[0]["v"])

    # -- migrations --------------------------------------------------------------------------

    def _migrate(self, db: sqlite_utils.Database) -> int:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
            "applied_at TEXT NOT NULL, utkik_version TEXT NOT NULL)"
        )
        # Read again inside the transaction: another process may have migrated meanwhile.
        current = int(
            db.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        )
        if current > LATEST_VERSION:
            raise _too_new(self.path, current)
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue
            log.info(
                "migrating %s to schema %d: %s", self.path, migration.version, migration.description
            )
            migration.apply(db, self._clock)
            db.table("schema_version").insert(
                {
                    "version": migration.version,
                    "description": migration.description,
                    "applied_at": to_iso(self._clock.now()),
                    "utkik_version": __version__,
                }
            )
        return LATEST_VERSION


def _structure(db: sqlite_utils.Database) -> dict[str, set[str]]:
    """Each table of `db` with its columns."""
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    return {
        name: {row[1] for row in db.execute(f'PRAGMA table_info("{name}")').fetchall()}
        for name in names
    }


@functools.cache
def _expected_structure() -> dict[str, set[str]]:
    """The tables and columns the migrations make, from a database made by them in memory."""
    db = sqlite_utils.Database(memory=True)
    for migration in MIGRATIONS:
        migration.apply(db, SystemClock())
    return _structure(db)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is left of a transaction. After some errors (a full disk, an I/O error)
    SQLite has already rolled back by itself; the writer thread must live on either way."""
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as err:
        log.warning("rollback failed: %s", err)


def _translate(err: BaseException, path: Path) -> BaseException:
    """Turn SQLite's environment errors into KnownErrors; leave bugs as they are."""
    if isinstance(
        err, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError
    ) or not isinstance(err, sqlite3.DatabaseError):
        return err
    if getattr(err, "sqlite_errorname", None) == "SQLITE_ERROR":
        return err  # a statement the schema does not take: a bug, not the environment
    return _diagnose(err, path)
