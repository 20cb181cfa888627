"""Access-log sessions of live and playback views without Qt: the start entry durable before the
picture, fail closed, the end entry with what was shown, and waiting for end entries."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta
from typing import TypeVar

import pytest

from console.app import Core
from console.audit.log import Entry, Session
from console.camera_facts import DeviceFacts, StreamProfile
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import N_, KnownError, PermissionDenied, StorageError
from console.ports import Jobs
from console.recording.playback import PlaybackSession
from console.viewing import LiveViews, PlaybackViews
from tests.core.test_cameras import place, user
from tests.core.test_ptz_driver import QueuedJobs
from tests.register_fixture import complete_entry

T = TypeVar("T")
ROOT = Actor.os_account("root")


def entries(core: Core) -> list[Entry]:
    """Every view entry, oldest first."""
    return [e for e in reversed(core.audit.entries(ROOT)) if ".view" in e.action]


def add_camera(core: Core) -> Camera:
    facts = DeviceFacts(
        host="127.0.0.1",
        port=80,
        xaddr="http://127.0.0.1/onvif/device_service",
        main=StreamProfile("m", "rtsp://127.0.0.1/main", 1920, 1080),
    )
    camera = core.cameras.add(ROOT, facts, place(core, "Berga centrum"), "Berga", "u", "p")
    complete_entry(core, camera)
    return core.cameras.get(ROOT, camera.id)


def test_a_live_view_is_logged_before_it_is_shown_and_ended_with_its_frames(core: Core) -> None:
    camera = add_camera(core)
    jobs = QueuedJobs()
    views = LiveViews(core.cameras, user(core, "olle", Role.OPERATOR), jobs)
    found: list[Camera] = []
    views.lookup(camera.id, found.append, lambda err: pytest.fail(str(err)))
    begun: list[tuple[Session, int]] = []
    views.begin(
        camera,
        lambda session: begun.append((session, len(entries(core)))),
        lambda err: pytest.fail(str(err)),
    )
    jobs.drain()
    assert found == [camera]
    ((session, logged),) = begun
    assert logged == 1
    views.end(session, 250)
    assert views.ending == 1
    jobs.drain()
    assert views.ending == 0
    start, end = entries(core)
    assert (start.action, start.actor, start.target, start.details) == (
        "live.view.start",
        "olle",
        f"camera:{camera.id}",
        {"purpose": "live"},
    )
    assert (end.action, end.details["frames"]) == ("live.view.end", 250)


def test_a_live_view_fails_closed(core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    camera = add_camera(core)
    jobs = QueuedJobs()
    refused: list[KnownError] = []
    admin = LiveViews(core.cameras, user(core, "adam", Role.ADMINISTRATOR), jobs)
    admin.begin(camera, lambda s: pytest.fail("begun"), refused.append)
    jobs.drain()
    assert [type(e) for e in refused] == [PermissionDenied]

    def unwritable(*args: object, **kwargs: object) -> Session:
        raise StorageError(N_("The database {path} cannot be written."), path="utkik.db")

    monkeypatch.setattr(core.cameras, "begin_view", unwritable)
    operator = LiveViews(core.cameras, user(core, "olle", Role.OPERATOR), jobs)
    operator.begin(camera, lambda s: pytest.fail("begun"), refused.append)
    jobs.drain()
    assert [type(e) for e in refused] == [PermissionDenied, StorageError]
    assert entries(core) == []


def test_a_playback_is_logged_with_its_reason_and_ended_with_what_was_shown(
    core: Core,
) -> None:
    camera = add_camera(core)
    jobs = QueuedJobs()
    views = PlaybackViews(core.playback, user(core, "sara", Role.SUPERVISOR), jobs)
    start = core.clock.now() - timedelta(minutes=10)
    begun: list[tuple[Camera, PlaybackSession]] = []
    refused: list[KnownError] = []
    views.begin(core.cameras, camera.id, start, "  ", begun.append, refused.append)
    views.begin(core.cameras, camera.id, start, "Polisens begäran", begun.append, refused.append)
    jobs.drain()
    assert len(refused) == 1
    ((shown_camera, session),) = begun
    assert shown_camera == camera
    shown = (start, start + timedelta(seconds=30))
    views.end(session, lambda: shown)
    jobs.drain()
    first, last = entries(core)
    assert (first.action, first.details["reason"]) == ("playback.view.start", "Polisens begäran")
    assert (last.action, last.details["shown"], last.details["shown_from"]) == (
        "playback.view.end",
        True,
        start.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
    )


class ThreadJobs(Jobs):
    """A worker thread; results are delivered on it (no GUI thread here)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=2)

    def run(self, op: Callable[[], T], on_success: Callable[[T], None]) -> object:
        return self.pool.submit(lambda: on_success(op()))


def test_end_entries_on_their_way_can_be_waited_for(core: Core) -> None:
    camera = add_camera(core)
    jobs = ThreadJobs()
    views = LiveViews(core.cameras, user(core, "olle", Role.OPERATOR), jobs)
    session = core.cameras.begin_view(views.actor, f"camera:{camera.id}", camera.area_id)
    release = threading.Event()
    real_end = core.cameras.end_view

    def slow_end(session: Session, frames: int = 0) -> None:
        release.wait(5)
        real_end(session, frames)

    core.cameras.end_view = slow_end  # type: ignore[method-assign]
    views.end(session, 3)
    views.wait(0.05)
    assert views.ending == 1
    release.set()
    views.wait(5)
    assert views.ending == 0
    assert entries(core)[-1].action == "live.view.end"
    jobs.pool.shutdown()
