"""Camera ids are never given to another camera, and a removed camera's recordings stay its own."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

import console.storage
from console.app import Core
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import NotFound, PermissionDenied
from console.storage import MIGRATIONS, Database
from tests.conftest import FakeClock
from tests.core.test_cameras import facts, place, user
from tests.core.test_recording_archive import add_segment
from tests.register_fixture import complete_entry

CLI = Actor.os_account("root")


def add(core: Core, name: str, where: str, host: str) -> Camera:
    camera = core.cameras.add(CLI, facts(host), place(core, where), name, "admin", "hemlis-123")
    complete_entry(core, camera)
    return core.cameras.get(CLI, camera.id)


def area_of(core: Core, name: str) -> int:
    return next(a.id for a in core.sites.areas() if a.name == name)


def test_a_removed_cameras_id_and_recordings_never_go_to_the_next_camera(
    core: Core, clock: FakeClock
) -> None:
    old = add(core, "Trädgårdstorget väst", "Trädgårdstorget", "10.1.2.3")
    t0 = clock.now()
    files = [add_segment(core, old, t0 + timedelta(seconds=10 * i)) for i in range(3)]
    clock.moment = t0 + timedelta(hours=1)
    removed = core.cameras.remove(CLI, old.id)
    assert removed.removed_at == clock.now()
    new = add(core, "Ryds centrum", "Ryds centrum", "10.1.2.9")
    assert new.id > old.id
    # The new camera has no recordings; the old camera's are still its own.
    span = (t0 - timedelta(hours=1), clock.now())
    assert core.recordings.ranges(new.id, *span) == []
    assert core.recordings.ranges(old.id, *span) == [(t0, t0 + timedelta(seconds=30))]
    assert all(f.exists() for f in files)
    # Nothing that lists cameras lists the removed one.
    assert [c.id for c in core.cameras.list(CLI)] == [new.id]
    with pytest.raises(NotFound):
        core.cameras.get(CLI, old.id)
    with pytest.raises(NotFound):
        core.cameras.find(CLI, "Trädgårdstorget väst")
    with pytest.raises(NotFound):
        core.cameras.find(CLI, str(old.id))
    # Ryd's operator sees neither the old camera nor its recordings.
    ryd = user(core, "rut", Role.OPERATOR, frozenset({area_of(core, "Ryd")}))
    assert [c.id for c in core.cameras.recorded(ryd)] == [new.id]
    with pytest.raises(PermissionDenied):
        core.cameras.get_recorded(ryd, old.id)
    # City's operator finds it for playback, named and placed as it was, and may play it.
    city = user(core, "cecilia", Role.OPERATOR, frozenset({area_of(core, "City")}))
    kept = core.cameras.get_recorded(city, old.id)
    assert (kept.name, kept.place_id, kept.area_id) == (
        "Trädgårdstorget väst",
        place(core, "Trädgårdstorget").id,
        area_of(core, "City"),
    )
    assert kept.removed_at == clock.now()
    assert [c.id for c in core.cameras.recorded(city)] == [old.id]
    session = core.playback.begin(city, kept, t0, "Uppföljning av larm")
    core.playback.end(session, (t0, t0 + timedelta(seconds=10)))
    assert core.audit.entries(CLI, action="playback.view")[0].target == f"camera:{old.id}"


def test_a_removed_cameras_recordings_are_locked_and_purged_as_its_own(
    core: Core, clock: FakeClock
) -> None:
    old = add(core, "Trädgårdstorget väst", "Trädgårdstorget", "10.1.2.3")
    t0 = clock.now()
    files = [add_segment(core, old, t0 + timedelta(seconds=10 * i)) for i in range(3)]
    core.cameras.remove(CLI, old.id)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    kept = core.cameras.get_recorded(supervisor, old.id)
    core.recordings.lock_evidence(
        supervisor,
        [kept],
        t0,
        t0 + timedelta(seconds=5),
        reason="Rån vid torget",
        case_number="5000-K1-26",
        expires_at=t0 + timedelta(days=30),
    )
    clock.moment = t0 + timedelta(days=4)
    receipts = core.recordings.purge()
    assert [(r.camera_id, r.segments) for r in receipts] == [(old.id, 2)]
    assert [f.exists() for f in files] == [True, False, False]
    # Lifting it needs the lock permission in the removed camera's area, also when the caller
    # lists only the cameras there are now.
    ryd = user(core, "rolf", Role.SUPERVISOR, frozenset({area_of(core, "Ryd")}))
    (lock,) = core.recordings.locks()
    with pytest.raises(PermissionDenied):
        core.recordings.lift_lock(ryd, lock.id, "Fel kamera", core.cameras.list(ryd))
    core.recordings.lift_lock(supervisor, lock.id, "Ärendet avslutat", [])
    assert core.recordings.locks() == []


def test_the_same_device_can_be_added_again_after_its_removal(core: Core) -> None:
    first = add(core, "Torget", "Stora torget", "10.1.2.3")
    core.cameras.remove(CLI, first.id)
    again = add(core, "Torget", "Stora torget", "10.1.2.3")
    assert again.id != first.id
    assert [c.id for c in core.cameras.list(CLI)] == [again.id]


def _old_schema(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data dir as Utkik left it before migration 7."""
    with monkeypatch.context() as patch:
        patch.setattr(console.storage, "MIGRATIONS", MIGRATIONS[:6])
        patch.setattr(console.storage, "LATEST_VERSION", 6)
        console.storage._expected_structure.cache_clear()
        with Database.open(data_dir) as db:
            path = db.path
    # The expected tables were taken from the shortened migrations: forget them.
    console.storage._expected_structure.cache_clear()
    return path


def test_migration_keeps_every_camera_and_never_reuses_a_deleted_ones_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _old_schema(tmp_path, monkeypatch)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    garden = conn.execute("SELECT id FROM places WHERE name = 'Trädgårdstorget'").fetchone()[0]
    for number, name in ((1, "Stora torget"), (2, "Berga"), (3, "Trädgårdstorget väst")):
        conn.execute(
            "INSERT INTO cameras (id, place_id, name, created_at, updated_at, host, port, facts, "
            "credential_ref) VALUES (?, ?, ?, '2026-01-01T00:00:00Z', '', ?, 80, '{}', ?)",
            (number, garden, name, f"10.0.0.{number}", f"camera:ref-{number}"),
        )
    conn.execute("INSERT INTO camera_health VALUES (1, '2026-01-02T00:00:00Z', 1, 1, 0.5, '')")
    conn.execute(
        "INSERT INTO recording_config VALUES (1, 'continuous', '[]', 24, '', "
        "'2026-01-02T00:00:00Z', 'os:root')"
    )
    for number in (1, 3):
        conn.execute(
            "INSERT INTO segments (camera_id, profile, start_utc, end_utc, bytes, path, state) "
            "VALUES (?, 'main', '2026-01-03T00:00:00Z', '2026-01-03T00:00:10Z', 10, ?, 'closed')",
            (number, f"{number}/main/x.mp4"),
        )
    # Camera 3 deleted as Utkik did then: its row gone, its recordings and log entries kept.
    entries = [
        (1, "camera.added", {"name": "Trädgårdstorget väst", "place": "Trädgårdstorget"}),
        (2, "camera.removed", {"name": "Trädgårdstorget väst", "host": "10.0.0.3", "port": 80}),
    ]
    for seq, action, details in entries:
        body = json.dumps({"action": action, "details": details}).encode()
        conn.execute(
            "INSERT INTO audit_entries VALUES (?, ?, ?, 'os:root', ?, 'camera:3')",
            (seq, body, f"2026-01-0{seq + 3}T00:00:00Z", action),
        )
    conn.execute("DELETE FROM cameras WHERE id = 3")
    conn.commit()
    before = {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("cameras", "camera_health", "recording_config", "segments", "audit_entries")
    }
    conn.close()

    with Database.open(tmp_path) as db:
        assert db.schema_version() == MIGRATIONS[-1].version
    conn = sqlite3.connect(path)
    try:
        cameras = conn.execute(
            "SELECT id, place_id, name, created_at, updated_at, host, port, facts, "
            "credential_ref FROM cameras WHERE removed_at IS NULL ORDER BY id"
        ).fetchall()
        assert cameras == before["cameras"]
        for table in ("camera_health", "recording_config", "segments", "audit_entries"):
            assert conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() == before[table]
        tombstone = conn.execute(
            "SELECT name, place_id, host, created_at, removed_at FROM cameras WHERE id = 3"
        ).fetchone()
        assert tombstone == (
            "Trädgårdstorget väst",
            garden,
            "10.0.0.3",
            "2026-01-04T00:00:00Z",
            "2026-01-05T00:00:00Z",
        )
        conn.execute(
            "INSERT INTO cameras (place_id, name, created_at) VALUES (?, 'Ny', '2026-02-01')",
            (garden,),
        )
        assert conn.execute("SELECT max(id) FROM cameras").fetchone()[0] == 4
    finally:
        conn.close()
