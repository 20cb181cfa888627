"""Domain events: every committed write announces its kind and ids once, after the commit; a
refused or failed write announces nothing; a failing subscriber does not silence the others."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

from console.app import Core
from console.camera_facts import Health
from console.domain import Actor, Role
from console.errors import AlreadyExists, InvalidInput, NotFound, PermissionDenied
from console.events import Changed, ChangeKind, EventHub
from console.layouts import Grid, GridKind
from console.recording.archive import Mode
from console.settings import LOCKOUT_MINUTES
from tests.conftest import PASSWORD, FakeClock
from tests.core.test_cameras import SECRET, facts, place, user
from tests.core.test_recording_archive import add_segment, camera

ROOT = Actor.os_account("root")


class Heard:
    """What a subscriber heard, each with what it read from the database when it heard it."""

    def __init__(self, core: Core, look: Callable[[Changed], object] = lambda c: None) -> None:
        self.changes: list[Changed] = []
        self.seen: list[object] = []
        self._look = look
        core.events.subscribe(self._on_changed)

    def _on_changed(self, changed: Changed) -> None:
        self.changes.append(changed)
        self.seen.append(self._look(changed))

    def take(self) -> list[Changed]:
        taken, self.changes = self.changes, []
        self.seen = []
        return taken


def changed(kind: ChangeKind, *ids: int) -> Changed:
    return Changed(kind, frozenset(ids))


# -- the hub ---------------------------------------------------------------------------------------


def test_a_failing_subscriber_is_logged_and_the_others_still_hear(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = EventHub()
    first: list[Changed] = []
    last: list[Changed] = []

    def broken(change: Changed) -> None:
        raise RuntimeError("a broken view")

    hub.subscribe(first.append)
    hub.subscribe(broken)
    unsubscribe = hub.subscribe(last.append)
    with caplog.at_level(logging.ERROR, logger="console.events"):
        hub.announce(ChangeKind.CAMERAS, [3, 4])
    assert first == last == [changed(ChangeKind.CAMERAS, 3, 4)]
    assert "a broken view" in caplog.text
    unsubscribe()
    unsubscribe()
    hub.announce(ChangeKind.USERS)
    assert last == [changed(ChangeKind.CAMERAS, 3, 4)]
    assert first[-1] == Changed(ChangeKind.USERS, frozenset())


def test_announcing_from_many_threads_while_others_subscribe() -> None:
    hub = EventHub()
    heard: list[Changed] = []
    lock = threading.Lock()

    def count(change: Changed) -> None:
        with lock:
            heard.append(change)

    hub.subscribe(count)
    start = threading.Barrier(5)

    def announcer(number: int) -> None:
        start.wait()
        for index in range(500):
            hub.announce(ChangeKind.HEALTH, [number * 1000 + index])

    def churner() -> None:
        start.wait()
        for _ in range(500):
            hub.subscribe(lambda change: None)()

    threads = [threading.Thread(target=announcer, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=churner))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(next(iter(c.ids)) for c in heard) == sorted(
        n * 1000 + i for n in range(4) for i in range(500)
    )


# -- cameras and health ----------------------------------------------------------------------------


def test_camera_writes_announce_after_the_commit(core: Core) -> None:
    heard = Heard(core, lambda c: [cam.name for cam in core.cameras.list(ROOT)])
    berga = place(core, "Berga centrum")
    cam = core.cameras.add(ROOT, facts(), berga, "Berga torg", "u", SECRET)
    assert heard.changes == [changed(ChangeKind.CAMERAS, cam.id)]
    # Read inside the subscriber: the row was already committed.
    assert heard.seen == [["Berga torg"]]
    heard.take()
    core.cameras.update(ROOT, cam.id, name="Berga norr")
    assert heard.changes == [changed(ChangeKind.CAMERAS, cam.id)]
    assert heard.seen == [["Berga norr"]]
    heard.take()
    core.cameras.update(ROOT, cam.id, name="Berga norr")  # nothing changes: nothing written
    assert heard.take() == []
    core.cameras.record_health(cam.id, Health(True, True, 0.1, checked_at=core.clock.now()))
    assert heard.take() == [changed(ChangeKind.HEALTH, cam.id)]
    core.cameras.remove(ROOT, cam.id)
    assert heard.changes == [changed(ChangeKind.CAMERAS, cam.id)]
    assert heard.seen == [[]]


def test_refused_and_failed_camera_writes_announce_nothing(core: Core) -> None:
    resecentrum = place(core, "Resecentrum")
    cam = core.cameras.add(ROOT, facts(), resecentrum, "Rese", "u", SECRET)
    operator = user(core, "olle", Role.OPERATOR)
    heard = Heard(core)
    with pytest.raises(AlreadyExists):
        core.cameras.add(ROOT, facts(), resecentrum, "Rese 2", "u", SECRET)
    with pytest.raises(PermissionDenied):
        core.cameras.remove(operator, cam.id)
    with pytest.raises(InvalidInput):
        core.cameras.update(ROOT, cam.id, name="  ")
    with pytest.raises(ValueError, match="time it was made"):
        core.cameras.record_health(cam.id, Health(True, True, 0.1))

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    core.audit.append = broken  # type: ignore[method-assign]
    with pytest.raises(OSError, match="disk full"):
        core.cameras.remove(ROOT, cam.id)
    assert heard.changes == []


# -- users and settings ----------------------------------------------------------------------------


def test_user_writes_announce_the_user(core: Core) -> None:
    heard = Heard(core, lambda c: sorted(u.name for u in core.users.list(ROOT)))
    admin = core.users.create_first_administrator(ROOT, "adam", PASSWORD)
    assert heard.changes == [changed(ChangeKind.USERS, admin.id)]
    assert heard.seen == [["adam"]]
    heard.take()
    acting = Actor.of(admin)
    olle = core.users.add(acting, "olle", Role.OPERATOR, PASSWORD)
    assert heard.changes == [changed(ChangeKind.USERS, olle.id)]
    assert heard.seen == [["adam", "olle"]]
    heard.take()
    core.users.update(acting, "olle", role=Role.SUPERVISOR)
    core.users.set_password(acting, "olle", PASSWORD + " igen")
    core.users.set_disabled(acting, "olle", True)
    assert heard.take() == [changed(ChangeKind.USERS, olle.id)] * 3
    with pytest.raises(AlreadyExists):
        core.users.add(acting, "olle", Role.OPERATOR, PASSWORD)
    with pytest.raises(InvalidInput):
        core.users.add(acting, "bo", Role.OPERATOR, "kort")
    with pytest.raises(PermissionDenied):
        core.users.create_first_administrator(ROOT, "eva", PASSWORD)
    with pytest.raises(InvalidInput, match="own account"):
        core.users.set_disabled(acting, "adam", True)
    with pytest.raises(PermissionDenied):
        core.users.add(Actor.of(olle), "bo", Role.OPERATOR, PASSWORD)
    assert heard.changes == []


def test_a_setting_change_announces_settings(core: Core) -> None:
    admin = Actor.of(core.users.create_first_administrator(ROOT, "adam", PASSWORD))
    heard = Heard(core, lambda c: core.settings.get_int(LOCKOUT_MINUTES))
    core.settings.set_int(admin, LOCKOUT_MINUTES, 30)
    assert heard.changes == [Changed(ChangeKind.SETTINGS)]
    assert heard.seen == [30]
    heard.take()
    with pytest.raises(InvalidInput):
        core.settings.set_int(admin, LOCKOUT_MINUTES, 0)
    with pytest.raises(PermissionDenied):
        core.settings.set_int(user(core, "olle", Role.OPERATOR), LOCKOUT_MINUTES, 10)
    # Adding olle was a user change; the refused settings announced nothing.
    assert [c.kind for c in heard.changes] == [ChangeKind.USERS]


# -- layouts and tours -----------------------------------------------------------------------------


def test_layout_and_tour_writes_announce_their_ids(core: Core) -> None:
    olle = user(core, "olle", Role.OPERATOR)
    heard = Heard(core, lambda c: [layout.name for layout in core.layouts.list(olle)])
    layout = core.layouts.save(olle, "Torget", Grid.preset(GridKind.GRID_2), [None] * 4)
    assert heard.changes == [changed(ChangeKind.LAYOUTS, layout.id)]
    assert heard.seen == [["Torget"]]
    heard.take()
    tour = core.layouts.save_tour(olle, "Runda", ["Torget"], 10)
    assert heard.take() == [changed(ChangeKind.TOURS, tour.id)]
    with pytest.raises(NotFound):
        core.layouts.delete_tour(olle, "Ingen")
    with pytest.raises(InvalidInput):
        core.layouts.save_tour(olle, "Tom", [], 10)
    assert heard.take() == []
    core.layouts.delete_tour(olle, "Runda")
    assert heard.take() == [changed(ChangeKind.TOURS, tour.id)]
    with pytest.raises(NotFound):
        core.layouts.delete(olle, "Ingen")
    assert heard.take() == []
    core.layouts.delete(olle, "Torget")
    assert heard.changes == [changed(ChangeKind.LAYOUTS, layout.id)]
    assert heard.seen == [[]]


# -- recordings and evidence -----------------------------------------------------------------------


def test_recording_settings_locks_and_purges_announce(core: Core, clock: FakeClock) -> None:
    cam = camera(core)
    other = camera(core, "Torget syd", "10.1.2.4")
    tech = user(core, "tina", Role.TECHNICIAN)
    admin = user(core, "adam", Role.ADMINISTRATOR)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    heard = Heard(core, lambda c: core.recordings.config(cam.id).retention_hours)

    core.register.set_recording(tech, cam.id, Mode.OFF)
    core.register.set_retention(admin, cam.id, 24)
    # The settings are the camera's register entry: both are announced.
    assert (
        heard.changes
        == [
            changed(ChangeKind.REGISTER, cam.id),
            changed(ChangeKind.RECORDINGS, cam.id),
        ]
        * 2
    )
    assert heard.seen == [72, 72, 24, 24]
    heard.take()
    with pytest.raises(InvalidInput):
        core.register.set_retention(admin, cam.id, 100)  # no justification
    with pytest.raises(PermissionDenied):
        core.register.set_retention(tech, cam.id, 24)
    assert heard.take() == []

    t0 = clock.now()
    add_segment(core, cam, t0)
    add_segment(core, other, t0)
    assert heard.take() == []  # the engine's segment index is not announced
    lock = core.recordings.lock_evidence(
        supervisor,
        [other],
        t0,
        t0 + timedelta(seconds=5),
        reason="Rån",
        case_number="K1",
        expires_at=t0 + timedelta(days=4),
    )
    assert heard.take() == [changed(ChangeKind.EVIDENCE, lock.id)]
    with pytest.raises(InvalidInput):
        core.recordings.lock_evidence(
            supervisor, [other], t0, t0, reason="Rån", case_number="K2", expires_at=t0
        )
    assert heard.take() == []

    # A day on: cam's 24 h have passed, other's segment is locked.
    clock.moment = t0 + timedelta(hours=25)
    core.recordings.purge()
    assert heard.take() == [changed(ChangeKind.RECORDINGS, cam.id)]
    assert core.recordings.purge() == []
    assert heard.take() == []
    # The lock expires: its end is logged and other's segment goes with the same purge.
    clock.moment = t0 + timedelta(days=5)
    core.recordings.purge()
    assert heard.take() == [
        changed(ChangeKind.EVIDENCE, lock.id),
        changed(ChangeKind.RECORDINGS, other.id),
    ]


def test_lifting_a_lock_announces_it(core: Core, clock: FakeClock) -> None:
    cam = camera(core)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    t0 = clock.now()
    lock = core.recordings.lock_evidence(
        supervisor,
        [cam],
        t0,
        t0 + timedelta(minutes=1),
        reason="Misshandel",
        case_number="K9",
        expires_at=t0 + timedelta(days=30),
    )
    heard = Heard(core, lambda c: core.recordings.locks())
    core.recordings.lift_lock(supervisor, lock.id, "Ärendet avskrivet", [cam])
    assert heard.changes == [changed(ChangeKind.EVIDENCE, lock.id)]
    assert heard.seen == [[]]
    heard.take()
    with pytest.raises(InvalidInput, match="already lifted"):
        core.recordings.lift_lock(supervisor, lock.id, "igen", [cam])
    assert heard.changes == []
