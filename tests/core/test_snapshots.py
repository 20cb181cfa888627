"""Snapshots in the core: permission, the entry before the picture, the file written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.app import Core
from console.audit.log import Entry
from console.camera_facts import Capabilities, DeviceFacts, StreamProfile
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import N_, KnownError, PermissionDenied
from console.ports import Snapshotter
from console.snapshots import SnapshotService, snapshot_file_name
from tests.core.test_cameras import place, user
from tests.register_fixture import registered

JPEG = b"\xff\xd8\xff\xe0fake picture\xff\xd9"
ROOT = Actor.os_account("root")


class FakeSnapshotter(Snapshotter):
    """Notes the snapshot.saved entries in the log at the moment each picture is taken."""

    def __init__(self, core: Core, *, fail: bool = False) -> None:
        self.core = core
        self.fail = fail
        self.logged_when_taken: list[int] = []

    def snapshot(self, camera: Camera) -> bytes:
        self.logged_when_taken.append(len(entries(self.core)))
        if self.fail:
            raise KnownError(N_("Camera “{name}” does not answer."), name=camera.name)
        return JPEG


def entries(core: Core) -> list[Entry]:
    return core.audit.entries(ROOT, action="snapshot")


def camera(core: Core, name: str = "Berga / torg") -> Camera:
    facts = DeviceFacts(
        host="127.0.0.1",
        port=80,
        xaddr="http://127.0.0.1/onvif/device_service",
        main=StreamProfile("main", "rtsp://127.0.0.1/main", 1920, 1080),
        snapshot_uri="http://127.0.0.1/snapshot.jpg",
        capabilities=Capabilities(snapshot=True),
    )
    return registered(
        core, core.cameras.add(ROOT, facts, place(core, "Berga centrum"), name, "u", "p")
    )


def test_the_entry_is_written_before_the_picture_is_taken(core: Core, tmp_path: Path) -> None:
    snapshotter = FakeSnapshotter(core)
    service = SnapshotService(core.cameras, snapshotter)
    olle = user(core, "olle", Role.OPERATOR)
    shown = camera(core)
    result = service.take(olle, shown, str(tmp_path / "bild"))
    assert result.path == str(tmp_path / "bild.jpg")
    assert result.write_error == ""
    assert (tmp_path / "bild.jpg").read_bytes() == JPEG
    assert snapshotter.logged_when_taken == [1]
    (entry,) = entries(core)
    assert (entry.action, entry.actor, entry.target) == (
        "snapshot.saved",
        "olle",
        f"camera:{shown.id}",
    )
    assert entry.details["path"] == result.path


def test_no_permission_no_entry_no_picture(core: Core, tmp_path: Path) -> None:
    snapshotter = FakeSnapshotter(core)
    service = SnapshotService(core.cameras, snapshotter)
    admin = user(core, "adam", Role.ADMINISTRATOR)
    shown = camera(core)
    assert not service.may_take(admin, shown)
    with pytest.raises(PermissionDenied):
        service.take(admin, shown, str(tmp_path / "bild.jpg"))
    assert snapshotter.logged_when_taken == []
    assert entries(core) == []
    assert not (tmp_path / "bild.jpg").exists()


def test_an_unreachable_camera_writes_no_file_but_the_entry_stays(
    core: Core, tmp_path: Path
) -> None:
    service = SnapshotService(core.cameras, FakeSnapshotter(core, fail=True))
    with pytest.raises(KnownError, match="does not answer"):
        service.take(user(core, "olle", Role.OPERATOR), camera(core), str(tmp_path / "b.jpg"))
    assert not (tmp_path / "b.jpg").exists()
    assert len(entries(core)) == 1


def test_a_file_that_cannot_be_written_is_reported_and_the_entry_stays(
    core: Core, tmp_path: Path
) -> None:
    service = SnapshotService(core.cameras, FakeSnapshotter(core))
    target = tmp_path / "missing" / "bild.jpg"
    result = service.take(user(core, "olle", Role.OPERATOR), camera(core), str(target))
    assert result.write_error == "No such file or directory"
    assert len(entries(core)) == 1


def test_the_default_file_name_is_safe_and_in_local_time(core: Core) -> None:
    # 00:30 UTC on 29 March 2026 is 01:30 in Stockholm (still winter time: CET, +01:00).
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert snapshot_file_name(camera(core), moment) == "Berga _ torg 2026-03-29 01.30.00.jpg"
