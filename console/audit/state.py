"""The security-relevant state compared with what the access log says was done.

Whoever can write the database can change a table without going through a service: promote a
user to administrator, add a camera, lengthen a retention. The log's chain and seals do not see
that, because no entry changed. So the state is replayed from the log's entries (the actions of
the services that change it) and compared with the tables; every difference is reported in
plain words.

Each kind of state has a checker in `CHECKERS`: the actions it replays and a function that
compares. A feature that adds security-relevant state registers its own with `register`.

The baseline, before any entry, is what the migrations seed: the areas and places of the action
plan, no users, no cameras, every setting at its default, every camera recording continuously
for the default retention. A data dir whose state was made by the services from its first run
therefore shows no difference; one changed by SQL does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import sqlite_utils

from console.errors import N_
from console.messages import render
from console.recording.archive import DEFAULT_RETENTION_HOURS, Mode, Window, _schedule_text
from console.recording.playback import DEFAULT_REASONS, REASONS_KEY
from console.settings import ALL_SETTINGS, TEXT_SETTINGS
from console.storage import SEED_SITES, Database


@dataclass(frozen=True, slots=True)
class Logged:
    """One entry of the log, as far as a checker needs it."""

    seq: int
    action: str
    target: str
    details: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Difference:
    """The state in the database is not what the log says was done."""

    #: the checker's kind ("users", "cameras", ...)
    kind: str
    #: an N_() template (context "core") and its parameters
    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """In English, for the command line."""
        return render(self.template, self.params)


Compare = Callable[[sqlite_utils.Database, Sequence[Logged]], list[Difference]]


@dataclass(frozen=True, slots=True)
class StateChecker:
    kind: str
    #: the actions replayed (only these entries are read)
    actions: frozenset[str]
    compare: Compare


#: Every kind of state compared, by kind.
CHECKERS: dict[str, StateChecker] = {}


def register(kind: str, actions: Iterable[str]) -> Callable[[Compare], Compare]:
    """Add a checker of `kind`, replaying `actions`."""

    def add(compare: Compare) -> Compare:
        CHECKERS[kind] = StateChecker(kind, frozenset(actions), compare)
        return compare

    return add


def check_state(db: Database) -> list[Difference]:
    """Every difference between the tables and the replayed log, by kind, in one snapshot."""
    reader = db.reader()
    wanted = sorted({a for c in CHECKERS.values() for a in c.actions})
    differences: list[Difference] = []
    # One read transaction, so entries and tables are of the same moment.
    reader.execute("BEGIN")
    try:
        marks = ",".join("?" * len(wanted))
        logged = [
            _logged(seq, action, target, body)
            for seq, action, target, body in reader.execute(
                f"SELECT seq, action, target, body FROM audit_entries "
                f"WHERE action IN ({marks}) ORDER BY seq",
                wanted,
            )
        ]
        for checker in CHECKERS.values():
            mine = [e for e in logged if e.action in checker.actions]
            differences += checker.compare(reader, mine)
    finally:
        reader.execute("COMMIT")
    return differences


def _logged(seq: int, action: str, target: str, body: bytes) -> Logged:
    try:
        details = json.loads(body).get("details", {})
    except (ValueError, TypeError, AttributeError):
        # A damaged entry is the verifier's finding; here it only says nothing.
        details = {}
    return Logged(seq, action, target, details if isinstance(details, dict) else {})


# -- users ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _UserState:
    name: str
    role: str
    #: area ids; empty: every area; None: the log does not say
    areas: frozenset[int] | None
    disabled: bool = False


def _area_ids(value: object) -> frozenset[int] | None:
    """Area ids as the log writes them ("2,4", or "" for every area); None if not so."""
    if not isinstance(value, str):
        return None
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        return None
    return frozenset(int(p) for p in parts)


@register(
    "users",
    ("user.added", "user.changed", "user.disabled", "user.enabled", "user.removed"),
)
def _users(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    expected: dict[str, _UserState] = {}
    for entry in logged:
        key = entry.target.casefold()
        details = entry.details
        if entry.action == "user.added":
            areas = _area_ids(details.get("areas", ""))
            expected[key] = _UserState(entry.target, str(details.get("role", "")), areas)
            continue
        user = expected.get(key)
        if user is None:
            continue
        if entry.action == "user.changed":
            if "role" in details:
                user.role = str(details["role"])
            if "areas" in details:
                user.areas = _area_ids(details["areas"])
        elif entry.action in ("user.disabled", "user.enabled"):
            user.disabled = entry.action == "user.disabled"
        elif entry.action == "user.removed":
            del expected[key]
    names = {r[0]: r[1] for r in db.execute("SELECT id, name FROM areas")}
    out: list[Difference] = []
    rows = db.execute("SELECT id, name, role, disabled FROM users ORDER BY id").fetchall()
    for user_id, name, role, disabled in rows:
        logged_user = expected.pop(str(name).casefold(), None)
        if logged_user is None:
            out.append(
                _diff(
                    "users",
                    N_("User {name} exists in the database, but the access log never added them."),
                    name=name,
                )
            )
            continue
        if role != logged_user.role:
            out.append(
                _diff(
                    "users",
                    N_(
                        "User {name} is {role} in the database, but the access log last made "
                        "them {logged}."
                    ),
                    name=name,
                    role=role,
                    logged=logged_user.role,
                )
            )
        areas = frozenset(
            r[0] for r in db.execute("SELECT area_id FROM user_areas WHERE user_id = ?", (user_id,))
        )
        if logged_user.areas is not None and areas != logged_user.areas:
            out.append(_areas_difference(name, areas, logged_user.areas, names))
        if bool(disabled) != logged_user.disabled:
            template = (
                N_("User {name} is disabled in the database, but the access log last enabled them.")
                if disabled
                else N_(
                    "User {name} is enabled in the database, but the access log last disabled them."
                )
            )
            out.append(_diff("users", template, name=name))
    for gone in expected.values():
        out.append(
            _diff(
                "users",
                N_(
                    "User {name} is missing from the database, but the access log never removed "
                    "them."
                ),
                name=gone.name,
            )
        )
    return out


def _areas_difference(
    name: str, areas: frozenset[int], logged: frozenset[int], names: Mapping[int, str]
) -> Difference:
    def text(ids: frozenset[int]) -> str:
        return ", ".join(str(names.get(i, i)) for i in sorted(ids))

    if not areas:
        template = N_(
            "User {name} may see every area in the database, but the access log last limited "
            "them to {logged}."
        )
    elif not logged:
        template = N_(
            "User {name} is limited to {areas} in the database, but the access log last gave "
            "them every area."
        )
    else:
        template = N_(
            "User {name} may see {areas} in the database, but the access log last gave them "
            "{logged}."
        )
    return _diff("users", template, name=name, areas=text(areas), logged=text(logged))


# -- cameras ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _CameraState:
    #: "host:port", or "" when the log does not say
    address: str
    #: the place's name, or "" when the log does not say
    place: str
    trusted: set[str] = field(default_factory=set)
    #: removed: its row stays, marked, for its recordings (camera ids are never given again)
    removed: bool = False


def _camera_id(target: str) -> int | None:
    prefix, _, number = target.partition(":")
    return int(number) if prefix == "camera" and number.isdigit() else None


def _replay_cameras(logged: Sequence[Logged]) -> dict[int, _CameraState]:
    expected: dict[int, _CameraState] = {}
    for entry in logged:
        camera_id = _camera_id(entry.target)
        if camera_id is None:
            continue
        details = entry.details
        if entry.action == "camera.added":
            host, port = details.get("host"), details.get("port")
            address = f"{host}:{port}" if host and port else ""
            expected[camera_id] = _CameraState(address, str(details.get("place") or ""))
        elif entry.action == "camera.removed":
            if (removed := expected.get(camera_id)) is not None:
                removed.removed = True
        elif (camera := expected.get(camera_id)) is not None:
            if entry.action == "camera.changed" and details.get("place"):
                camera.place = str(details["place"])
            elif entry.action == "camera.host_trusted" and details.get("host"):
                camera.trusted.add(str(details["host"]))
    return expected


_CAMERA_ACTIONS = ("camera.added", "camera.changed", "camera.host_trusted", "camera.removed")


@register("cameras", _CAMERA_ACTIONS)
def _cameras(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    expected = _replay_cameras(logged)
    out: list[Difference] = []
    rows = db.execute(
        "SELECT c.id, c.host, c.port, c.facts, p.name, c.removed_at FROM cameras c "
        "LEFT JOIN places p ON p.id = c.place_id ORDER BY c.id"
    ).fetchall()
    for camera_id, host, port, facts, place, removed_at in rows:
        camera = expected.pop(camera_id, None)
        if camera is None:
            out.append(
                _diff(
                    "cameras",
                    N_("Camera {id} exists in the database, but the access log never added it."),
                    id=camera_id,
                )
            )
            continue
        if removed_at is not None and not camera.removed:
            out.append(
                _diff(
                    "cameras",
                    N_(
                        "Camera {id} is marked removed in the database, but the access log "
                        "never removed it."
                    ),
                    id=camera_id,
                )
            )
            continue
        if removed_at is None and camera.removed:
            out.append(
                _diff(
                    "cameras",
                    N_("Camera {id} is in use in the database, but the access log removed it."),
                    id=camera_id,
                )
            )
            continue
        if camera.removed:
            continue  # kept for its recordings only
        address = f"{host}:{port}"
        if camera.address and address != camera.address:
            out.append(
                _diff(
                    "cameras",
                    N_(
                        "Camera {id} is at {address} in the database, but the access log added "
                        "it at {logged}."
                    ),
                    id=camera_id,
                    address=address,
                    logged=camera.address,
                )
            )
        if camera.place and (place or "") != camera.place:
            out.append(
                _diff(
                    "cameras",
                    N_(
                        "Camera {id} is at the place {place} in the database, but the access log "
                        "last put it at {logged}."
                    ),
                    id=camera_id,
                    place=place or "—",
                    logged=camera.place,
                )
            )
        out += _trusted_differences(camera_id, facts, camera.trusted)
    for camera_id, camera in expected.items():
        if camera.removed:
            # Removed before camera rows were kept (or its row went with its recordings).
            continue
        out.append(
            _diff(
                "cameras",
                N_(
                    "Camera {id} is missing from the database, but the access log never removed it."
                ),
                id=camera_id,
            )
        )
    return out


def _trusted_differences(camera_id: int, facts: str, logged: set[str]) -> list[Difference]:
    try:
        raw = json.loads(facts)
        trusted = {str(h) for h in raw.get("trusted_hosts", ())}
    except (ValueError, TypeError, AttributeError):
        # Facts that cannot be read are refused where the camera is loaded.
        return []
    out = []
    if extra := trusted - logged:
        out.append(
            _diff(
                "cameras",
                N_(
                    "Camera {id} may send its login to {hosts} in the database, but the access "
                    "log never accepted that."
                ),
                id=camera_id,
                hosts=", ".join(sorted(extra)),
            )
        )
    if missing := logged - trusted:
        out.append(
            _diff(
                "cameras",
                N_(
                    "Camera {id} no longer accepts {hosts} in the database, but the access log "
                    "never withdrew that."
                ),
                id=camera_id,
                hosts=", ".join(sorted(missing)),
            )
        )
    return out


# -- recording --------------------------------------------------------------------------------


@dataclass(slots=True)
class _RecordingState:
    mode: str = Mode.CONTINUOUS.value
    schedule: str = ""
    hours: int = DEFAULT_RETENTION_HOURS


#: The register's changes, which set the recording settings too (console/register.py).
_REGISTER_ACTIONS = ("register.set", "register.provisional")


@register(
    "recording", ("recording.mode", "recording.retention", *_REGISTER_ACTIONS, *_CAMERA_ACTIONS)
)
def _recording(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    expected: dict[int, _RecordingState] = {}
    for entry in logged:
        camera_id = _camera_id(entry.target)
        if camera_id is None:
            continue
        details = entry.details
        if entry.action in ("camera.added", "camera.removed"):
            # A camera's settings go with it (ids of cameras removed before they were kept
            # could be given again).
            expected.pop(camera_id, None)
        elif entry.action == "recording.mode":
            state = expected.setdefault(camera_id, _RecordingState())
            state.mode = str(details.get("mode", state.mode))
            state.schedule = str(details.get("schedule", ""))
        elif entry.action == "recording.retention":
            hours = details.get("hours")
            if isinstance(hours, int):
                expected.setdefault(camera_id, _RecordingState()).hours = hours
        elif entry.action in _REGISTER_ACTIONS:
            hours = details.get("hours")
            expected[camera_id] = _RecordingState(
                mode=str(details.get("mode", Mode.CONTINUOUS.value)),
                schedule=str(details.get("schedule", "")),
                hours=hours if isinstance(hours, int) else DEFAULT_RETENTION_HOURS,
            )
    out: list[Difference] = []
    stored = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT camera_id, mode, schedule, retention_hours FROM recording_config"
        )
    }
    in_use = db.execute("SELECT id FROM cameras WHERE removed_at IS NULL ORDER BY id").fetchall()
    for (camera_id,) in in_use:
        want = expected.get(camera_id, _RecordingState())
        # No row: the defaults, as the recording service reads them.
        mode, schedule, hours = stored.get(
            camera_id, (Mode.CONTINUOUS.value, "[]", DEFAULT_RETENTION_HOURS)
        )
        schedule_text = _stored_schedule(schedule)
        if hours != want.hours:
            out.append(
                _diff(
                    "recording",
                    N_(
                        "Camera {id} keeps its recordings {hours} hours in the database, but the "
                        "access log last set {logged} hours."
                    ),
                    id=camera_id,
                    hours=hours,
                    logged=want.hours,
                )
            )
        if mode != want.mode or (mode == Mode.SCHEDULED.value and schedule_text != want.schedule):
            out.append(
                _diff(
                    "recording",
                    N_(
                        "Camera {id} records “{mode}” in the database, but the access log last "
                        "set “{logged}”."
                    ),
                    id=camera_id,
                    mode=_mode_text(mode, schedule_text),
                    logged=_mode_text(want.mode, want.schedule),
                )
            )
    return out


def _stored_schedule(text: str) -> str:
    try:
        return ", ".join(_schedule_text([Window(*item) for item in json.loads(text)]))
    except (ValueError, TypeError, IndexError):
        return str(text)


def _mode_text(mode: str, schedule: str) -> str:
    return f"{mode} {schedule}" if mode == Mode.SCHEDULED.value and schedule else mode


# -- the surveillance register ----------------------------------------------------------------


@register("register", _REGISTER_ACTIONS)
def _register(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    # Every version of every entry was logged with the hash of its fields when it was made;
    # the provisional entries of an upgrade when the log was first opened after it.
    expected: dict[tuple[int, int], str] = {}
    for entry in logged:
        camera_id = _camera_id(entry.target)
        version = entry.details.get("version")
        if camera_id is not None and entry.action == "register.provisional":
            # An upgrade begins the register: the camera's entry starts at version 1 again.
            expected = {k: v for k, v in expected.items() if k[0] != camera_id}
        if camera_id is not None and isinstance(version, int):
            expected[camera_id, version] = str(entry.details.get("fields_sha256", ""))
    stored = {
        (int(camera_id), int(version)): hashlib.sha256(str(fields).encode()).hexdigest()
        for camera_id, version, fields in db.execute(
            "SELECT camera_id, version, fields FROM register_versions"
        )
    }
    unlogged = {
        int(row[0]) for row in db.execute("SELECT camera_id FROM register_entries WHERE logged = 0")
    }
    out: list[Difference] = []
    for key in sorted(stored.keys() | expected.keys()):
        camera_id, version = key
        if camera_id in unlogged:
            continue  # made by an upgrade; logged when the log is next opened
        if key not in expected:
            template = N_(
                "Camera {id} has version {version} of its register entry in the database, but "
                "the access log never recorded it."
            )
        elif key not in stored:
            template = N_(
                "The access log recorded version {version} of camera {id}'s register entry, "
                "but the database does not have it."
            )
        elif stored[key] != expected[key]:
            template = N_(
                "Version {version} of camera {id}'s register entry in the database is not what "
                "the access log recorded."
            )
        else:
            continue
        out.append(_diff("register", template, id=camera_id, version=version))
    for camera_id, version, fields in db.execute(
        "SELECT camera_id, version, fields FROM register_entries ORDER BY camera_id"
    ):
        want = expected.get((int(camera_id), int(version)))
        got = hashlib.sha256(str(fields).encode()).hexdigest()
        if camera_id not in unlogged and want != got:
            out.append(
                _diff(
                    "register",
                    N_(
                        "Camera {id}'s register entry in the database is not the version "
                        "{version} the access log recorded."
                    ),
                    id=camera_id,
                    version=version,
                )
            )
    return out


# -- settings ---------------------------------------------------------------------------------

#: The settings compared, each with its default as logged and how the stored value is logged.
_SETTING_DEFAULTS: dict[str, str] = {key: str(s.default) for key, s in ALL_SETTINGS.items()}
_SETTING_DEFAULTS[REASONS_KEY] = " | ".join(DEFAULT_REASONS)
_SETTING_DEFAULTS.update({key: s.default for key, s in TEXT_SETTINGS.items()})


def _setting_as_logged(key: str, value: str) -> str:
    if key == REASONS_KEY:
        try:
            stored = json.loads(value)
        except ValueError:
            return value
        if isinstance(stored, list):
            return " | ".join(str(x) for x in stored)
    return value


@register("settings", ("setting.changed",))
def _settings(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    expected: dict[str, str] = {}
    for entry in logged:
        if entry.target in _SETTING_DEFAULTS:
            expected[entry.target] = str(entry.details.get("value"))
    stored = dict(db.execute("SELECT key, value FROM settings").fetchall())
    out: list[Difference] = []
    for key, default in _SETTING_DEFAULTS.items():
        value = _setting_as_logged(key, str(stored[key])) if key in stored else default
        want = expected.get(key, default)
        if value == want:
            continue
        template = (
            N_(
                "The setting {key} is {value} in the database, but the access log last set "
                "{logged}."
            )
            if key in expected
            else N_(
                "The setting {key} is {value} in the database, but the access log never changed "
                "it from {logged}."
            )
        )
        out.append(_diff("settings", template, key=key, value=value, logged=want))
    return out


# -- sites ------------------------------------------------------------------------------------


def _seeded() -> tuple[dict[int, str], dict[int, tuple[int, str]]]:
    """The areas and places as the first migration made them (ids in insertion order)."""
    areas: dict[int, str] = {}
    places: dict[int, tuple[int, str]] = {}
    for area_name, place_names in SEED_SITES:
        area_id = len(areas) + 1
        areas[area_id] = area_name
        for place in place_names:
            places[len(places) + 1] = (area_id, place)
    return areas, places


@register("sites", ())
def _sites(db: sqlite_utils.Database, logged: Sequence[Logged]) -> list[Difference]:
    # No service changes areas or places: they are as seeded, and a camera's place decides the
    # area a user must be allowed, so moving a place moves its cameras between areas.
    seeded_areas, seeded_places = _seeded()
    areas = {r[0]: r[1] for r in db.execute("SELECT id, name FROM areas")}
    out: list[Difference] = []
    for area_id in sorted(areas.keys() | seeded_areas.keys()):
        name, seeded = areas.get(area_id), seeded_areas.get(area_id)
        if name != seeded:
            out.append(
                _diff(
                    "sites",
                    N_("Area {id} is “{name}” in the database, but Utkik set it up as “{seeded}”."),
                    id=area_id,
                    name=name or "—",
                    seeded=seeded or "—",
                )
            )
    places = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, area_id, name FROM places")}
    for place_id in sorted(places.keys() | seeded_places.keys()):
        place, seeded_place = places.get(place_id), seeded_places.get(place_id)
        if place != seeded_place:
            out.append(
                _diff(
                    "sites",
                    N_(
                        "Place {id} is “{name}” in the database, but Utkik set it up as “{seeded}”."
                    ),
                    id=place_id,
                    name=_place_text(place, areas),
                    seeded=_place_text(seeded_place, seeded_areas),
                )
            )
    return out


def _place_text(place: tuple[int, str] | None, areas: Mapping[int, str]) -> str:
    if place is None:
        return "—"
    area_id, name = place
    return f"{name}, {areas.get(area_id, area_id)}"


def _diff(kind: str, template: str, **params: object) -> Difference:
    return Difference(kind, template, params)
