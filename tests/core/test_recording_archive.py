"""The recordings archive: settings, the segment index, retention with receipts, evidence locks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.app import Core
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import InvalidInput, PermissionDenied
from console.media.packets import Profile
from console.recording.archive import (
    Mode,
    RecordingConfig,
    Window,
    parse_window,
    segment_path,
)
from console.recording.lock import EngineBusy, EngineLock
from tests.conftest import FakeClock
from tests.core.test_cameras import facts, place, user

CLI = Actor.os_account("root")


def camera(core: Core, name: str = "Torget norr", host: str = "10.1.2.3") -> Camera:
    return core.cameras.add(
        CLI, facts(host), place(core, "Stora torget"), name, "admin", "hemlis-123"
    )


def add_segment(core: Core, cam: Camera, start: datetime, seconds: float = 10.0) -> Path:
    """Index a closed segment with a file of 1000 bytes, as the engine does."""
    relative = segment_path(cam.id, Profile.MAIN, start)
    path = core.recordings.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * 1000)
    segment_id = core.recordings.open_segment(cam.id, Profile.MAIN, start, relative)
    core.recordings.close_segment(segment_id, start + timedelta(seconds=seconds), 1000)
    return path


def entries(core: Core, action: str) -> list[dict[str, object]]:
    return [
        {"actor": e.actor, "target": e.target, **e.details}
        for e in reversed(core.audit.entries(CLI, action=action))
    ]


def test_windows_are_weekly_in_stockholm_time() -> None:
    window = parse_window("mån 07:00-19:00")
    assert window == Window(0, 7 * 60, 19 * 60) == parse_window("mon 07:00-19:00")
    config = RecordingConfig(1, Mode.SCHEDULED, (window,))
    # Monday 2026-11-23 06:30 UTC is 07:30 in Stockholm (CET, +01:00).
    assert config.records_at(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    assert not config.records_at(datetime(2026, 11, 23, 5, 59, tzinfo=UTC))
    # In summer (CEST, +02:00) the same local window starts at 05:00 UTC.
    assert config.records_at(datetime(2026, 6, 1, 5, 0, tzinfo=UTC))
    assert not config.records_at(datetime(2026, 6, 2, 5, 0, tzinfo=UTC))  # a Tuesday
    assert parse_window("sun 22:00-24:00").end == 24 * 60
    for bad in ("mon 19:00-07:00", "someday 07:00-08:00", "mon 7-8", ""):
        with pytest.raises(InvalidInput):
            parse_window(bad)


def test_technicians_set_the_mode_and_administrators_the_retention(core: Core) -> None:
    cam = camera(core)
    assert core.recordings.config(cam.id) == RecordingConfig(cam.id)  # continuous, 72 h
    technician = user(core, "tekla", Role.TECHNICIAN)
    admin = user(core, "adam", Role.ADMINISTRATOR)
    operator = user(core, "olle", Role.OPERATOR)
    window = parse_window("mon 07:00-19:00")
    with pytest.raises(PermissionDenied):
        core.register.set_recording(operator, cam.id, Mode.OFF)
    with pytest.raises(InvalidInput, match="at least one window"):
        core.register.set_recording(technician, cam.id, Mode.SCHEDULED)
    core.register.set_recording(technician, cam.id, Mode.SCHEDULED, [window])
    with pytest.raises(PermissionDenied):
        core.register.set_retention(technician, cam.id, 24)
    core.register.set_retention(admin, cam.id, 48)
    with pytest.raises(InvalidInput, match="justification"):
        core.register.set_retention(admin, cam.id, 96, "because")
    core.register.set_retention(admin, cam.id, 96, "Återkommande skadegörelse helger")
    assert core.recordings.config(cam.id) == RecordingConfig(
        cam.id, Mode.SCHEDULED, (window,), 96, "Återkommande skadegörelse helger"
    )
    # The settings are fields of the camera's register entry: each change is a version of it.
    logged = entries(core, "register.set")
    assert [(e["actor"], e["mode"], e["hours"], e["changed"]) for e in logged] == [
        ("tekla", "scheduled", 72, "hours,recording"),
        ("adam", "scheduled", 48, "retention_hours"),
        ("adam", "scheduled", 96, "retention_hours,retention_justification"),
    ]
    assert logged[0]["schedule"] == "mon 07:00-19:00"
    assert logged[2]["justification"] == "Återkommande skadegörelse helger"
    entry = core.register.entry(admin, cam.id)
    assert entry.fields["hours"] == "mon 07:00-19:00"
    assert entry.fields["retention_hours"] == 96
    assert [v.updated_by for v in core.register.versions(admin, cam.id)] == [
        "tekla",
        "adam",
        "adam",
    ]


def test_ranges_join_adjacent_segments_and_show_gaps(core: Core) -> None:
    cam = camera(core)
    t0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    for i in range(3):
        add_segment(core, cam, t0 + timedelta(seconds=10 * i))
    add_segment(core, cam, t0 + timedelta(seconds=60))  # 30 s gap before it
    ranges = core.recordings.ranges(cam.id, t0 - timedelta(hours=1), t0 + timedelta(hours=1))
    assert ranges == [
        (t0, t0 + timedelta(seconds=30)),
        (t0 + timedelta(seconds=60), t0 + timedelta(seconds=70)),
    ]
    # Clipped to the window asked for.
    clipped = core.recordings.ranges(cam.id, t0 + timedelta(seconds=5), t0 + timedelta(seconds=65))
    assert clipped[0][0] == t0 + timedelta(seconds=5)
    assert clipped[-1][1] == t0 + timedelta(seconds=65)
    assert core.recordings.ranges(cam.id, t0, t0 + timedelta(hours=1), Profile.SUB) == []


def test_a_purge_deletes_exactly_the_expired_range_and_leaves_a_receipt(
    core: Core, clock: FakeClock
) -> None:
    cam = camera(core)
    other = camera(core, "Torget syd", "10.1.2.4")
    admin = user(core, "adam", Role.ADMINISTRATOR)
    core.register.set_retention(admin, other.id, 1)
    t0 = clock.now()
    files = [add_segment(core, cam, t0 + timedelta(seconds=10 * i)) for i in range(6)]
    other_file = add_segment(core, other, t0)
    # 72 h after the third segment ended: the first three have expired, not the fourth.
    clock.moment = t0 + timedelta(hours=72, seconds=30)
    receipts = core.recordings.purge()
    assert [(r.camera_id, r.start, r.end, r.segments, r.bytes) for r in receipts] == [
        (cam.id, t0, t0 + timedelta(seconds=30), 3, 3000),
        (other.id, t0, t0 + timedelta(seconds=10), 1, 1000),
    ]
    assert [f.exists() for f in files] == [False] * 3 + [True] * 3
    assert not other_file.exists()
    remaining = core.recordings.ranges(cam.id, t0, t0 + timedelta(days=4))
    assert remaining == [(t0 + timedelta(seconds=30), t0 + timedelta(seconds=60))]
    logged = entries(core, "recording.purged")
    assert logged == [
        {
            "actor": "system:retention",
            "target": f"camera:{cam.id}",
            "from": "2026-03-29T00:30:00.000000Z",
            "to": "2026-03-29T00:30:30.000000Z",
            "segments": 3,
            "bytes": 3000,
            "retention_hours": 72,
        },
        {
            "actor": "system:retention",
            "target": f"camera:{other.id}",
            "from": "2026-03-29T00:30:00.000000Z",
            "to": "2026-03-29T00:30:10.000000Z",
            "segments": 1,
            "bytes": 1000,
            "retention_hours": 1,
        },
    ]
    # Nothing more has expired: no second receipt.
    assert core.recordings.purge() == []
    assert len(entries(core, "recording.purged")) == 2


def test_an_evidence_lock_survives_a_purge_until_it_expires_or_is_lifted(
    core: Core, clock: FakeClock
) -> None:
    cam = camera(core)
    t0 = clock.now()
    files = [add_segment(core, cam, t0 + timedelta(seconds=10 * i)) for i in range(6)]
    supervisor = user(core, "sara", Role.SUPERVISOR)
    operator = user(core, "olle", Role.OPERATOR)
    window = (t0 + timedelta(seconds=12), t0 + timedelta(seconds=25))
    expires = t0 + timedelta(days=30)
    with pytest.raises(PermissionDenied):
        core.recordings.lock_evidence(
            operator, [cam], *window, reason="Rån", case_number="K123", expires_at=expires
        )
    with pytest.raises(InvalidInput, match="case number"):
        core.recordings.lock_evidence(
            supervisor, [cam], *window, reason="Rån", case_number=" ", expires_at=expires
        )
    lock = core.recordings.lock_evidence(
        supervisor,
        [cam],
        *window,
        reason="Rån vid torget",
        case_number="5000-K123-26",
        expires_at=expires,
    )
    clock.moment = t0 + timedelta(days=10)
    receipts = core.recordings.purge()
    # Segments 1 and 2 (10-20 s, 20-30 s) overlap the lock; the others went.
    assert [f.exists() for f in files] == [False, True, True, False, False, False]
    assert receipts[0].segments == 4
    # After the lock expires they follow the camera's retention again, and the end is logged.
    clock.moment = expires + timedelta(seconds=1)
    core.recordings.purge()
    assert not any(f.exists() for f in files)
    assert [e["case"] for e in entries(core, "evidence.expired")] == ["5000-K123-26"]
    assert entries(core, "evidence.lock")[0]["cameras"] == str(cam.id)
    assert core.recordings.locks() == []
    assert core.recordings.lock(lock.id).expires_at == expires


def test_lifting_a_lock_is_logged_and_frees_the_segments(core: Core, clock: FakeClock) -> None:
    cam = camera(core)
    t0 = clock.now()
    kept = add_segment(core, cam, t0)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    lock = core.recordings.lock_evidence(
        supervisor,
        [cam],
        t0,
        t0 + timedelta(minutes=1),
        reason="Misshandel",
        case_number="K9",
        expires_at=t0 + timedelta(days=365),
    )
    clock.advance(days=5)
    core.recordings.purge()
    assert kept.exists()
    with pytest.raises(InvalidInput, match="why"):
        core.recordings.lift_lock(supervisor, lock.id, " ", [cam])
    core.recordings.lift_lock(supervisor, lock.id, "Ärendet avskrivet", [cam])
    with pytest.raises(InvalidInput, match="already lifted"):
        core.recordings.lift_lock(supervisor, lock.id, "igen", [cam])
    core.recordings.purge()
    assert not kept.exists()
    assert entries(core, "evidence.lift")[0]["reason"] == "Ärendet avskrivet"
    # A lifted lock's end is logged once, by the lift, not again as expired.
    clock.advance(days=400)
    core.recordings.purge()
    assert entries(core, "evidence.expired") == []


def test_an_area_limited_supervisor_cannot_lock_other_areas(core: Core) -> None:
    cam = camera(core)
    berga = next(a for a in core.sites.areas() if a.name == "Berga")
    limited = user(core, "bo", Role.SUPERVISOR, frozenset({berga.id}))
    now = datetime.now(UTC)
    with pytest.raises(PermissionDenied, match="area"):
        core.recordings.lock_evidence(
            limited,
            [cam],
            now,
            now + timedelta(minutes=1),
            reason="x",
            case_number="y",
            expires_at=now + timedelta(days=400),
        )


def test_one_engine_per_data_dir(tmp_path: Path, clock: FakeClock) -> None:
    first = EngineLock(tmp_path, clock)
    second = EngineLock(tmp_path, clock)
    first.acquire("utkik serve")
    with pytest.raises(EngineBusy, match=r"utkik serve \(process \d+ on .*since 2026-03-29"):
        second.acquire("the console")
    first.release()
    second.acquire("the console")
    assert second.holder() is not None
    assert second.holder().program == "the console"  # type: ignore[union-attr]
    second.release()
