"""The camera service: logins only in the secret store, area limits, the access log."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime

import pytest

from console.app import Core
from console.camera_facts import Capabilities, DeviceFacts, Health, StreamProfile
from console.camera_login import ForeignHost, Purpose
from console.cameras import facts_from_json, facts_to_json
from console.domain import Actor, Place, Role
from console.errors import AlreadyExists, InvalidInput, NotFound, PermissionDenied
from tests.conftest import PASSWORD, MemorySecretStore
from tests.register_fixture import complete_entry

SECRET = "kamera-hemlis-93"


def facts(host: str = "10.1.2.3", port: int = 80) -> DeviceFacts:
    return DeviceFacts(
        host=host,
        port=port,
        xaddr=f"http://{host}:{port}/onvif/device_service",
        manufacturer="Axis",
        model="P3245",
        serial="ACCC8E000001",
        clock_offset_s=0.4,
        main=StreamProfile("p0", f"rtsp://{host}/main", 1920, 1080),
        sub=StreamProfile("p1", f"rtsp://{host}/sub", 640, 360),
        snapshot_uri=f"http://{host}/snap.jpg",
        capabilities=Capabilities(ptz=True, events=True, relay_outputs=1),
        problems=("no PTZ presets",),
    )


def place(core: Core, name: str) -> Place:
    return next(p for p in core.sites.places() if p.name == name)


def user(core: Core, name: str, role: Role, areas: frozenset[int] = frozenset()) -> Actor:
    admin = Actor.os_account("root")
    return Actor.of(core.users.add(admin, name, role, PASSWORD, areas))


def test_facts_survive_json() -> None:
    original = facts()
    assert facts_from_json(facts_to_json(original)) == original


def test_a_camera_is_added_with_its_login_only_in_the_secret_store(
    core: Core, secrets: MemorySecretStore, data_dir: object
) -> None:
    actor = Actor.os_account("root")
    camera = core.cameras.add(
        actor, facts(), place(core, "Berga centrum"), "Berga  torg", "onvif", SECRET
    )
    assert camera.name == "Berga torg"
    assert camera.main_uri == "rtsp://10.1.2.3/main"
    assert camera.insecure_transport
    assert secrets.logins[camera.credential_ref] == ("onvif", SECRET)
    login = core.cameras.login(actor, camera)
    assert login.for_uri(camera.main_uri, Purpose.STREAM) == ("onvif", SECRET)
    assert SECRET not in repr(login)
    with pytest.raises(ForeignHost):
        login.for_uri("rtsp://10.9.9.9/main", Purpose.STREAM)
    # Nowhere in the database: not in the camera row, not in the access log.
    conn = sqlite3.connect(core.data_dir / "utkik.db")
    try:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f"SELECT * FROM {table}"):
                assert SECRET not in repr(row), table
    finally:
        conn.close()
    assert SECRET not in repr(camera)
    entry = core.audit.entries(actor)[0]
    assert entry.action == "camera.added"
    assert entry.target == f"camera:{camera.id}"
    assert entry.details["place"] == "Berga centrum"
    assert entry.details["host"] == "10.1.2.3"


def test_the_same_camera_cannot_be_added_twice_and_its_login_is_not_left_behind(
    core: Core, secrets: MemorySecretStore
) -> None:
    actor = Actor.os_account("root")
    core.cameras.add(actor, facts(), place(core, "Ryds centrum"), "Ryd 1", "u", SECRET)
    with pytest.raises(AlreadyExists, match=r"10\.1\.2\.3:80"):
        core.cameras.add(actor, facts(), place(core, "Ryds centrum"), "Ryd 2", "u", SECRET)
    assert len(secrets.logins) == 1


def test_without_a_keyring_no_camera_can_be_added(core: Core) -> None:
    core.cameras._secrets = None  # as on a machine without a keyring backend
    with pytest.raises(InvalidInput, match="no keyring"):
        core.cameras.add(
            Actor.os_account("root"), facts(), place(core, "Resecentrum"), "R", "u", SECRET
        )
    assert core.cameras.list(Actor.os_account("root")) == []


def test_rename_move_and_remove_are_logged(core: Core, secrets: MemorySecretStore) -> None:
    actor = Actor.os_account("root")
    camera = core.cameras.add(actor, facts(), place(core, "Stora torget"), "Torget", "u", SECRET)
    moved = core.cameras.update(
        actor, camera.id, name="Torget norr", place=place(core, "Trädgårdstorget")
    )
    assert (moved.name, moved.place_id) == ("Torget norr", place(core, "Trädgårdstorget").id)
    core.cameras.remove(actor, camera.id)
    assert core.cameras.list(actor) == []
    assert camera.credential_ref not in secrets.logins
    actions = [e.action for e in reversed(core.audit.entries(actor)[:3])]
    assert actions == ["camera.added", "camera.changed", "camera.removed"]
    with pytest.raises(NotFound):
        core.cameras.get(actor, camera.id)


def test_cameras_are_found_by_name_ignoring_case_and_diacritics(core: Core) -> None:
    actor = Actor.os_account("root")
    camera = core.cameras.add(
        actor, facts(), place(core, "Skäggetorp centrum"), "Skäggetorp C", "u", SECRET
    )
    assert core.cameras.find(actor, "skaggetorp c") == camera
    assert core.cameras.find(actor, str(camera.id)) == camera
    with pytest.raises(NotFound):
        core.cameras.find(actor, "Berga")


def test_roles_and_areas_limit_who_manages_and_sees_cameras(core: Core) -> None:
    root = Actor.os_account("root")
    berga_area = place(core, "Berga centrum").area_id
    city = core.cameras.add(root, facts("10.0.0.1"), place(core, "Stora torget"), "City", "u", "p")
    berga = core.cameras.add(
        root, facts("10.0.0.2"), place(core, "Berga centrum"), "Berga", "u", "p"
    )
    complete_entry(core, city)
    complete_entry(core, berga)
    tech = user(core, "tekniker", Role.TECHNICIAN, frozenset({berga_area}))
    operator = user(core, "operatör", Role.OPERATOR, frozenset({berga_area}))
    admin = user(core, "admin2", Role.ADMINISTRATOR)

    assert [c.name for c in core.cameras.list(tech)] == ["Berga"]
    assert [c.name for c in core.cameras.list(operator)] == ["Berga"]
    # Administrators run the system but see no video and manage no cameras.
    assert core.cameras.list(admin) == []
    with pytest.raises(PermissionDenied):
        core.cameras.add(tech, facts("10.0.0.3"), place(core, "Stora torget"), "X", "u", "p")
    with pytest.raises(PermissionDenied):
        core.cameras.remove(operator, berga.id)
    with pytest.raises(PermissionDenied):
        core.cameras.get(tech, city.id)
    with pytest.raises(PermissionDenied):
        core.cameras.update(tech, berga.id, place=place(core, "Stora torget"))
    core.cameras.update(tech, berga.id, name="Berga torg")


def test_a_refused_log_write_keeps_the_camera_out(core: Core, secrets: MemorySecretStore) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    core.audit.append = broken  # type: ignore[method-assign]
    with pytest.raises(OSError, match="disk full"):
        core.cameras.add(
            Actor.os_account("root"), facts(), place(core, "Resecentrum"), "R", "u", SECRET
        )
    assert core.cameras.list(Actor.os_account("root")) == []
    assert secrets.logins == {}


def test_health_is_kept_per_camera(core: Core) -> None:
    actor = Actor.os_account("root")
    camera = core.cameras.add(actor, facts(), place(core, "Resecentrum"), "Rese", "u", SECRET)
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    core.cameras.record_health(camera.id, Health(True, False, 3.5, "no stream", checked_at=moment))
    health = core.cameras.get(actor, camera.id).health
    assert health == Health(True, False, 3.5, "no stream", checked_at=moment)
    assert health is not None
    assert not health.ok
    core.cameras.record_health(camera.id, Health(True, True, 0.1, checked_at=moment))
    again = core.cameras.get(actor, camera.id).health
    assert again is not None
    assert again.ok


def test_places_are_found_by_name_ignoring_case_and_diacritics_or_by_id(core: Core) -> None:
    berga = core.sites.resolve_place("berga CENTRUM")
    assert berga.name == "Berga centrum"
    assert core.sites.resolve_place(str(berga.id)) == berga
    assert core.sites.resolve_place("tradgardstorget").name == "Trädgårdstorget"
    with pytest.raises(NotFound, match="Places: Stora torget"):
        core.sites.resolve_place("Norrköping")


def test_a_look_at_video_is_logged_before_and_after(core: Core) -> None:
    root = Actor.os_account("root")
    berga = place(core, "Berga centrum")
    tech = user(core, "tekniker", Role.TECHNICIAN, frozenset({berga.area_id}))
    session = core.cameras.begin_view(tech, "10.0.0.9:80", berga.area_id, "onboarding test")
    core.cameras.end_view(session, frames=1)
    start, end = reversed(core.audit.entries(root, action="live.view")[:2])
    assert (start.action, start.actor, start.target) == (
        "live.view.start",
        "tekniker",
        "10.0.0.9:80",
    )
    assert start.details["purpose"] == "onboarding test"
    assert (end.action, end.details["frames"]) == ("live.view.end", 1)
    with pytest.raises(PermissionDenied):
        core.cameras.begin_view(tech, "10.0.0.9:80", place(core, "Resecentrum").area_id)


def test_no_log_no_video(core: Core) -> None:
    supervisor = user(core, "handledare", Role.SUPERVISOR)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    core.audit.begin = broken  # type: ignore[method-assign]
    with pytest.raises(OSError, match="disk full"):
        core.cameras.begin_view(supervisor, "camera:1", None)


def test_ptz_and_snapshots_are_logged_for_those_allowed(core: Core) -> None:
    root = Actor.os_account("root")
    ptz_camera = core.cameras.add(
        root, facts("10.0.0.5"), place(core, "Resecentrum"), "P", "u", "p"
    )
    fixed = core.cameras.add(
        root,
        dataclasses.replace(facts("10.0.0.6"), capabilities=Capabilities()),
        place(core, "Resecentrum"),
        "F",
        "u",
        "p",
    )
    operator = user(core, "operatör", Role.OPERATOR)
    admin = user(core, "admin2", Role.ADMINISTRATOR)
    core.cameras.control_ptz(operator, ptz_camera, "preset", "1")
    core.cameras.record_snapshot(operator, ptz_camera, "/tmp/shot.jpg")
    with pytest.raises(InvalidInput, match="cannot pan"):
        core.cameras.control_ptz(operator, fixed, "move")
    with pytest.raises(PermissionDenied):
        core.cameras.control_ptz(admin, ptz_camera, "move")
    with pytest.raises(PermissionDenied):
        core.cameras.record_snapshot(admin, ptz_camera, "/tmp/x.jpg")
    snapshot, preset = core.audit.entries(root)[:2]
    assert (preset.action, preset.actor, preset.details["detail"]) == (
        "ptz.preset",
        "operatör",
        "1",
    )
    assert (snapshot.action, snapshot.details["path"]) == ("snapshot.saved", "/tmp/shot.jpg")
