"""The state check: tables changed by SQL directly, behind the services' backs, are found by
replaying the access log; a history made through the services shows no difference."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from console.app import Core
from console.audit.state import CHECKERS, Difference, check_state, register
from console.domain import Actor, Role
from console.errors import AuthenticationFailed
from console.recording.archive import Mode, parse_window
from console.settings import IDLE_LOCK_MINUTES, LOCKOUT_MAX_FAILURES
from tests.conftest import PASSWORD
from tests.core.test_cameras import facts, place

ROOT = Actor.os_account("root")


@contextmanager
def sql(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """The database file written as an attacker would: plain sqlite3, no service, no log."""
    conn = sqlite3.connect(data_dir / "utkik.db")
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def sql_rows(data_dir: Path, query: str) -> list[tuple[object, ...]]:
    with sql(data_dir) as conn:
        return conn.execute(query).fetchall()


def texts(core: Core) -> list[str]:
    return [d.text for d in check_state(core.db)]


def honest_history(core: Core) -> None:
    """A bit of everything the checkers replay, done through the services."""
    admin = Actor.of(core.users.create_first_administrator(ROOT, "anna", PASSWORD))
    berga = core.sites.resolve_areas(["Berga"])
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD, berga)
    core.users.add(admin, "stina", Role.TECHNICIAN, PASSWORD)
    core.users.update(admin, "olle", role=Role.SUPERVISOR, areas=core.sites.resolve_areas(["Ryd"]))
    core.users.update(admin, "stina", areas=berga)
    core.users.add(admin, "bert", Role.AUDITOR, PASSWORD)
    core.users.set_disabled(admin, "bert", True)
    first = core.cameras.add(ROOT, facts("10.0.0.1"), place(core, "Stora torget"), "A", "u", "p")
    second = core.cameras.add(ROOT, facts("10.0.0.2"), place(core, "Ryds centrum"), "B", "u", "p")
    core.cameras.update(ROOT, first.id, place=place(core, "Berga centrum"))
    core.cameras.trust_host(ROOT, first.id, "10.0.0.99")
    core.register.set_recording(ROOT, first.id, Mode.SCHEDULED, [parse_window("mon 07:00-19:00")])
    core.register.set_retention(admin, first.id, 24)
    core.register.set_retention(admin, second.id, 96, "a court asked for a longer time")
    core.cameras.remove(ROOT, second.id)
    core.settings.set_int(admin, LOCKOUT_MAX_FAILURES, 7)
    core.playback.set_reasons(admin, ["Incident", "Police request"])


def test_an_honest_history_shows_no_difference(core: Core) -> None:
    assert texts(core) == []
    honest_history(core)
    assert texts(core) == []


def test_a_user_promoted_by_sql_is_found(core: Core, data_dir: Path) -> None:
    honest_history(core)
    with sql(data_dir) as conn:
        conn.execute("UPDATE users SET role = 'administrator' WHERE name = 'olle'")
    assert texts(core) == [
        "User olle is administrator in the database, but the access log last made them supervisor."
    ]


def test_users_added_enabled_limited_and_deleted_by_sql(core: Core, data_dir: Path) -> None:
    honest_history(core)
    with sql(data_dir) as conn:
        conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at, updated_at) "
            "VALUES ('mallory', 'administrator', 'x', '2026-01-01', '2026-01-01')"
        )
        conn.execute("UPDATE users SET disabled = 0 WHERE name = 'bert'")
        conn.execute(
            "DELETE FROM user_areas WHERE user_id = (SELECT id FROM users WHERE name = 'olle')"
        )
        conn.execute("INSERT INTO user_areas SELECT id, 1 FROM users WHERE name = 'anna'")
        conn.execute("DELETE FROM users WHERE name = 'stina'")
    assert sorted(texts(core)) == [
        "User anna is limited to City in the database, but the access log last gave them "
        "every area.",
        "User bert is enabled in the database, but the access log last disabled them.",
        "User mallory exists in the database, but the access log never added them.",
        "User olle may see every area in the database, but the access log last limited them "
        "to Ryd.",
        "User stina is missing from the database, but the access log never removed them.",
    ]


def test_cameras_changed_by_sql_are_found(core: Core, data_dir: Path) -> None:
    honest_history(core)
    with sql(data_dir) as conn:
        conn.execute(
            "INSERT INTO cameras (id, place_id, name, created_at, host, port) "
            "VALUES (7, 1, 'Ghost', '2026-01-01', '127.0.0.7', 80)"
        )
        conn.execute("UPDATE cameras SET host = '127.0.0.9', place_id = 6 WHERE id = 1")
        conn.execute(
            "UPDATE cameras SET facts = json_set(facts, '$.trusted_hosts', "
            "json_array('10.0.0.99', 'evil.example')) WHERE id = 1"
        )
    assert texts(core) == [
        "Camera 1 is at 127.0.0.9:80 in the database, but the access log added it at 10.0.0.1:80.",
        "Camera 1 is at the place Resecentrum in the database, but the access log last put it "
        "at Berga centrum.",
        "Camera 1 may send its login to evil.example in the database, but the access log never "
        "accepted that.",
        "Camera 7 exists in the database, but the access log never added it.",
    ]


def test_retention_and_mode_changed_by_sql_are_found(core: Core, data_dir: Path) -> None:
    honest_history(core)
    with sql(data_dir) as conn:
        conn.execute("UPDATE recording_config SET retention_hours = 8760 WHERE camera_id = 1")
        conn.execute("UPDATE recording_config SET mode = 'continuous' WHERE camera_id = 1")
    assert texts(core) == [
        "Camera 1 keeps its recordings 8760 hours in the database, but the access log last "
        "set 24 hours.",
        "Camera 1 records “continuous” in the database, but the access log last set "
        "“scheduled mon 07:00-19:00”.",
    ]


def test_a_camera_without_a_recording_row_is_compared_with_the_defaults(
    core: Core, data_dir: Path
) -> None:
    camera = core.cameras.add(ROOT, facts("10.0.0.3"), place(core, "Resecentrum"), "C", "u", "p")
    with sql(data_dir) as conn:
        conn.execute(
            "INSERT INTO recording_config VALUES (?, 'off', '[]', 2000, '', '2026', 'x')",
            (camera.id,),
        )
    assert texts(core) == [
        f"Camera {camera.id} keeps its recordings 2000 hours in the database, but the access log "
        "last set 72 hours.",
        f"Camera {camera.id} records “off” in the database, but the access log last set "
        "“continuous”.",
    ]


def test_settings_and_sites_changed_by_sql_are_found(core: Core, data_dir: Path) -> None:
    honest_history(core)
    with sql(data_dir) as conn:
        conn.execute("UPDATE settings SET value = '100' WHERE key = ?", (LOCKOUT_MAX_FAILURES.key,))
        conn.execute("INSERT INTO settings VALUES (?, '0')", (IDLE_LOCK_MINUTES.key,))
        conn.execute("UPDATE places SET area_id = 2 WHERE name = 'Stora torget'")
        conn.execute("INSERT INTO areas (id, name) VALUES (7, 'Hemligt')")
    assert texts(core) == [
        "The setting security.lockout_max_failures is 100 in the database, but the access log "
        "last set 7.",
        "The setting ui.idle_lock_minutes is 0 in the database, but the access log never "
        "changed it from 10.",
        "Area 7 is “Hemligt” in the database, but Utkik set it up as “—”.",
        "Place 1 is “Stora torget, Berga” in the database, but Utkik set it up as "
        "“Stora torget, City”.",
    ]


def test_seeded_state_and_internal_settings_are_the_baseline(core: Core) -> None:
    """A new data dir holds the seeded sites and the login mark key, none of it logged."""
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate("nobody", PASSWORD)
    assert core.db.query("SELECT count(*) AS n FROM settings")[0]["n"] == 1
    assert texts(core) == []


def test_later_features_register_their_own_checker(core: Core) -> None:
    seen: list[int] = []

    @register("test.kind", ("user.added",))
    def compare(db: object, logged: object) -> list[Difference]:
        seen.extend(e.seq for e in logged)  # type: ignore[attr-defined]
        return [Difference("test.kind", "checked")]

    try:
        core.users.create_first_administrator(ROOT, "anna", PASSWORD)
        assert texts(core) == ["checked"]
        assert seen == [1]
    finally:
        del CHECKERS["test.kind"]


def test_garbage_in_the_tables_is_reported_not_a_crash(core: Core, data_dir: Path) -> None:
    honest_history(core)
    with sql(data_dir) as conn:
        conn.execute("UPDATE cameras SET facts = 'not json' WHERE id = 1")
        conn.execute("UPDATE recording_config SET schedule = '[[9, 0, 60]]' WHERE camera_id = 1")
        conn.execute(
            "UPDATE settings SET value = x'00ff' WHERE key = ?", (LOCKOUT_MAX_FAILURES.key,)
        )
    assert texts(core) == [
        "Camera 1 records “scheduled [[9, 0, 60]]” in the database, but the access log last set "
        "“scheduled mon 07:00-19:00”.",
        "The setting security.lockout_max_failures is b'\\x00\\xff' in the database, but the "
        "access log last set 7.",
    ]


def test_a_removed_camera_brought_back_or_removed_by_sql_is_found(
    core: Core, data_dir: Path
) -> None:
    """Removed cameras keep their rows (for their recordings): the mark must match the log."""
    honest_history(core)
    kept = {row[0] for row in sql_rows(data_dir, "SELECT id FROM cameras WHERE removed_at IS NULL")}
    gone = {
        row[0] for row in sql_rows(data_dir, "SELECT id FROM cameras WHERE removed_at NOT NULL")
    }
    assert kept, "the honest history keeps a camera"
    assert gone, "the honest history removes a camera"
    back, away = min(gone), min(kept)
    with sql(data_dir) as conn:
        conn.execute("UPDATE cameras SET removed_at = NULL WHERE id = ?", (back,))
        conn.execute("UPDATE cameras SET removed_at = '2026-01-01' WHERE id = ?", (away,))
    found = texts(core)
    assert f"Camera {back} is in use in the database, but the access log removed it." in found
    assert (
        f"Camera {away} is marked removed in the database, but the access log never removed it."
        in found
    )
    # The camera brought back also keeps settings the log reset when it was removed.
    assert all(f"Camera {away} " not in text for text in found if "marked removed" not in text)
