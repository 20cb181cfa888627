"""Export requests: who may ask and approve, four eyes, expiry, the automatic evidence lock, and
every step in the access log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.app import Core
from console.audit.state import check_state
from console.audit.verify import verify
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import InvalidInput, PermissionDenied
from console.events import Changed, ChangeKind
from console.export.order import (
    ExportCancelled,
    ExportOrder,
    ExportProgress,
    PackageProducer,
    PackageReceipt,
)
from console.export.requests import EXPORT_ACTOR, ExportRequest, RequestState, gaps_of
from console.export.times import AmbiguousTime, parse_export_time
from console.localtime import NonexistentTime, TimeInputError
from console.recording.archive import RecordingService
from console.settings import EXPORT_CASE_PATTERN, EXPORT_EXPIRY_HOURS, EXPORT_FOUR_EYES
from tests.conftest import FakeClock
from tests.core.test_audit_state import sql
from tests.core.test_cameras import facts, place, user
from tests.core.test_recording_archive import add_segment
from tests.register_fixture import registered

ROOT = Actor.os_account("root")
#: Recordings of these ten minutes exist in every test (see `site`).
T0 = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)


class FakeProducer(PackageProducer):
    """Writes a one-file folder and logs `export.produced` as the real producer does."""

    def __init__(self, core: Core, *, fail: BaseException | None = None) -> None:
        self.core = core
        self.fail = fail
        self.orders: list[ExportOrder] = []

    def produce(
        self,
        actor: Actor,
        order: ExportOrder,
        destination: Path,
        *,
        make_zip: bool,
        progress: Callable[[ExportProgress], None],
        cancelled: Callable[[], bool],
    ) -> PackageReceipt:
        self.orders.append(order)
        seconds = (order.end - order.start).total_seconds()
        for done, camera_id in enumerate(order.camera_ids, 1):
            total = len(order.camera_ids)
            progress(ExportProgress(camera_id, str(camera_id), done, total, 10, seconds, seconds))
        if self.fail is not None:
            raise self.fail
        folder = destination / order.package_id
        folder.mkdir(parents=True)
        manifest = {"id": order.package_id, "approver": order.approver}
        (folder / "manifest.json").write_text(json.dumps(manifest))
        entry = self.core.audit.record(
            actor, "export.produced", f"export:{order.request_id}", {"manifest_sha256": "ab" * 32}
        ).result()
        return PackageReceipt(folder, None, "ab" * 32, "SHA256:anchor", entry.seq, 1, 10)


@pytest.fixture
def site(core: Core, clock: FakeClock) -> tuple[Camera, Camera]:
    """Two cameras, in City and in Berga, with ten minutes recorded each; now is an hour later."""
    cameras = (
        registered(
            core,
            core.cameras.add(
                ROOT, facts("10.1.2.3"), place(core, "Stora torget"), "Torget", "a", "b"
            ),
        ),
        registered(
            core,
            core.cameras.add(
                ROOT, facts("10.1.2.4"), place(core, "Berga centrum"), "Berga", "a", "b"
            ),
        ),
    )
    for camera in cameras:
        for i in range(60):
            add_segment(core, camera, T0 + timedelta(seconds=10 * i))
    clock.moment = T0 + timedelta(hours=1)
    return cameras


def ask(core: Core, actor: Actor, cameras: tuple[Camera, ...], **changes: str) -> ExportRequest:
    fields = {
        "reason": "Misshandel vid busshållplatsen",
        "case_number": "Polisen 5000-K123456-26",
        "recipient": "Polisen Linköping, insp. Berg",
    } | changes
    return core.exports.request(
        actor,
        [c.id for c in cameras],
        T0 + timedelta(minutes=2),
        T0 + timedelta(minutes=3),
        **fields,
    )


def actions(core: Core, prefix: str = "export.") -> list[tuple[str, str, str]]:
    return [
        (e.action, e.actor, e.target) for e in reversed(core.audit.entries(ROOT, action=prefix))
    ]


def test_only_supervisors_request_and_approve(core: Core, site: tuple[Camera, Camera]) -> None:
    supervisor = user(core, "sara", Role.SUPERVISOR)
    for role in (Role.OPERATOR, Role.TECHNICIAN, Role.ADMINISTRATOR, Role.AUDITOR):
        someone = user(core, f"{role.value}x", role)
        with pytest.raises(PermissionDenied):
            ask(core, someone, site)
    with pytest.raises(PermissionDenied):
        ask(core, ROOT, site)  # a CLI command's OS account watches no video either
    request = ask(core, supervisor, site)
    for role in (Role.OPERATOR, Role.TECHNICIAN, Role.ADMINISTRATOR, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            core.exports.approve(user(core, f"{role.value}y", role), request.id)
    with pytest.raises(PermissionDenied):
        core.exports.approve(ROOT, request.id)
    assert core.exports.get(ROOT, request.id).state is RequestState.PENDING
    assert actions(core) == [("export.requested", "sara", f"export:{request.id}")]


def test_an_area_limited_supervisor_exports_and_approves_only_their_areas(
    core: Core, site: tuple[Camera, Camera]
) -> None:
    torget, berga = site
    city = core.sites.resolve_areas(["City"])
    limited = user(core, "lina", Role.SUPERVISOR, city)
    with pytest.raises(PermissionDenied, match="no permission for this area"):
        ask(core, limited, (torget, berga))
    assert ask(core, limited, (torget,)).camera_ids == (torget.id,)
    request = ask(core, user(core, "sara", Role.SUPERVISOR), (torget, berga))
    with pytest.raises(PermissionDenied, match="no permission for this area"):
        core.exports.approve(limited, request.id)
    assert request not in core.exports.pending_for(limited)
    assert core.exports.get(ROOT, request.id).state is RequestState.PENDING


def test_four_eyes_request_approve_produce(
    core: Core, site: tuple[Camera, Camera], tmp_path: Path
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    per = user(core, "per", Role.SUPERVISOR)
    olof = user(core, "olof", Role.SUPERVISOR)
    seen: list[Changed] = []
    core.events.subscribe(seen.append)
    request = ask(core, sara, site, note="Två gärningspersoner")
    assert request.state is RequestState.PENDING
    assert request.expires_at == core.clock.now() + timedelta(hours=24)
    assert Changed(ChangeKind.EXPORTS, frozenset({request.id})) in seen
    lock = core.recordings.lock(request.lock_id or 0)
    assert lock.reason == f"export request {request.id}"
    assert lock.camera_ids == {c.id for c in site}
    assert (lock.start, lock.end) == (request.start, request.end)
    # Four eyes: the requester never approves their own, nor produces before approval.
    with pytest.raises(PermissionDenied, match="another supervisor must approve"):
        core.exports.approve(sara, request.id)
    producer = FakeProducer(core)
    with pytest.raises(InvalidInput, match="not been approved"):
        core.exports.produce(sara, request.id, producer, tmp_path)
    assert core.exports.pending_for(per) == [core.exports.get(per, request.id)]
    assert core.exports.pending_for(sara) == []
    approved = core.exports.approve(per, request.id)
    assert (approved.state, approved.approver) == (RequestState.APPROVED, "per")
    with pytest.raises(InvalidInput, match="decided already"):
        core.exports.approve(olof, request.id)
    # Only the requester or the approver produces it.
    with pytest.raises(PermissionDenied, match="only the supervisor who requested"):
        core.exports.produce(olof, request.id, producer, tmp_path)
    receipt = core.exports.produce(per, request.id, producer, tmp_path)
    (order,) = producer.orders
    assert (order.requester, order.approver, order.camera_ids) == (
        "sara",
        "per",
        request.camera_ids,
    )
    assert (order.start, order.end, order.note) == (
        request.start,
        request.end,
        "Två gärningspersoner",
    )
    assert order.approved_at == approved.decided_at
    produced = core.exports.get(per, request.id)
    assert produced.state is RequestState.PRODUCED
    assert (produced.manifest_sha256, produced.package) == (
        receipt.manifest_sha256,
        str(receipt.folder),
    )
    assert core.recordings.lock(lock.id).lifted_at is not None
    with pytest.raises(InvalidInput, match="cannot be produced"):
        core.exports.produce(per, request.id, producer, tmp_path)
    target = f"export:{request.id}"
    assert actions(core) == [
        ("export.requested", "sara", target),
        ("export.approved", "per", target),
        ("export.produced", "per", target),
    ]
    assert [e.action for e in reversed(core.audit.entries(ROOT, target=f"lock:{lock.id}"))] == [
        "evidence.lock",
        "evidence.lift",
    ]
    folder = tmp_path / "log"
    core.audit.export(ROOT, folder)
    assert verify(folder).ok


def test_a_rejection_needs_a_reason_and_lifts_the_lock(
    core: Core, site: tuple[Camera, Camera]
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    per = user(core, "per", Role.SUPERVISOR)
    request = ask(core, sara, site)
    with pytest.raises(PermissionDenied):
        core.exports.reject(sara, request.id, "ångrar mig")
    with pytest.raises(InvalidInput, match="why"):
        core.exports.reject(per, request.id, "  ")
    rejected = core.exports.reject(per, request.id, "Fel tidsintervall")
    assert (rejected.state, rejected.decision_reason) == (
        RequestState.REJECTED,
        "Fel tidsintervall",
    )
    assert not core.recordings.lock(request.lock_id or 0).active_at(core.clock.now())
    entry = core.audit.entries(ROOT, action="export.rejected")[0]
    assert (entry.actor, entry.details["reason"]) == ("per", "Fel tidsintervall")
    with pytest.raises(InvalidInput, match="decided already"):
        core.exports.approve(user(core, "olof", Role.SUPERVISOR), request.id)


def test_a_request_expires_once_and_cannot_be_approved_or_produced(
    core: Core, site: tuple[Camera, Camera], clock: FakeClock, tmp_path: Path
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    per = user(core, "per", Role.SUPERVISOR)
    pending = ask(core, sara, site)
    approved = core.exports.approve(per, ask(core, sara, site).id)
    clock.advance(hours=24)
    for request in (pending, approved):
        assert core.exports.get(ROOT, request.id).state is RequestState.EXPIRED
    core.exports.requests(ROOT)  # evaluated again: logged once all the same
    expired = core.audit.entries(ROOT, action="export.expired")
    assert sorted(e.target for e in expired) == [f"export:{pending.id}", f"export:{approved.id}"]
    assert {e.actor for e in expired} == {EXPORT_ACTOR}
    for request in (pending, approved):
        lock = core.recordings.lock(request.lock_id or 0)
        assert (lock.lifted_at, lock.lifted_by) == (clock.now(), EXPORT_ACTOR)
    with pytest.raises(InvalidInput, match="expired"):
        core.exports.approve(per, pending.id)
    producer = FakeProducer(core)
    with pytest.raises(InvalidInput, match=r"expired .* cannot be produced"):
        core.exports.produce(sara, approved.id, producer, tmp_path)
    assert producer.orders == []


def test_the_expiry_is_a_setting(core: Core, site: tuple[Camera, Camera], clock: FakeClock) -> None:
    core.settings.set_int(user(core, "adam", Role.ADMINISTRATOR), EXPORT_EXPIRY_HOURS, 2)
    request = ask(core, user(core, "sara", Role.SUPERVISOR), site)
    assert request.expires_at == clock.now() + timedelta(hours=2)
    clock.advance(hours=1, minutes=59)
    assert core.exports.get(ROOT, request.id).state is RequestState.PENDING
    clock.advance(minutes=1)
    assert core.exports.get(ROOT, request.id).state is RequestState.EXPIRED


def test_four_eyes_off_only_by_a_logged_administrator_change(
    core: Core, site: tuple[Camera, Camera], tmp_path: Path
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        core.settings.set_int(sara, EXPORT_FOUR_EYES, 0)
    assert ask(core, sara, site).state is RequestState.PENDING
    core.settings.set_int(user(core, "adam", Role.ADMINISTRATOR), EXPORT_FOUR_EYES, 0)
    changed = core.audit.entries(ROOT, action="setting.changed")[0]
    assert (changed.actor, changed.target, changed.details) == (
        "adam",
        "export.four_eyes",
        {"value": 0},
    )
    request = ask(core, sara, site)
    assert (request.state, request.approver, request.four_eyes) == (
        RequestState.APPROVED,
        None,
        False,
    )
    assert core.audit.entries(ROOT, action="export.requested")[0].details["four_eyes"] is False
    producer = FakeProducer(core)
    core.exports.produce(sara, request.id, producer, tmp_path)
    assert (producer.orders[0].approver, producer.orders[0].approved_at) == (None, None)


def test_the_lock_keeps_the_range_from_purge_while_pending(
    core: Core, site: tuple[Camera, Camera], clock: FakeClock
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    # Past the cameras' retention (72 h) a request of a day has expired: keep this one longer.
    core.settings.set_int(user(core, "adam", Role.ADMINISTRATOR), EXPORT_EXPIRY_HOURS, 24 * 14)
    request = ask(core, sara, site)
    clock.advance(hours=80)
    core.recordings.purge()
    in_range = [core.recordings.segments(c.id, request.start, request.end) for c in site]
    assert all(len(segments) == 6 for segments in in_range)  # 2:00 to 3:00, 10 s segments
    elsewhere = core.recordings.segments(site[0].id, T0, T0 + timedelta(minutes=10))
    assert elsewhere == in_range[0]  # the rest is purged
    core.exports.reject(user(core, "per", Role.SUPERVISOR), request.id, "Inte behövligt")
    core.recordings.purge()
    assert core.recordings.segments(site[0].id, request.start, request.end) == []


def test_a_cancelled_production_leaves_the_request_approved_and_locked(
    core: Core, site: tuple[Camera, Camera], tmp_path: Path
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    request = core.exports.approve(user(core, "per", Role.SUPERVISOR), ask(core, sara, site).id)
    cancelled = FakeProducer(core, fail=ExportCancelled("Cancelled."))
    progress: list[ExportProgress] = []
    with pytest.raises(ExportCancelled):
        core.exports.produce(sara, request.id, cancelled, tmp_path, progress=progress.append)
    assert [p.cameras_done for p in progress] == [1, 2]
    assert core.exports.get(sara, request.id).state is RequestState.APPROVED
    assert core.recordings.lock(request.lock_id or 0).lifted_at is None
    core.exports.produce(sara, request.id, FakeProducer(core), tmp_path, keep_lock=True)
    assert core.exports.get(sara, request.id).state is RequestState.PRODUCED
    assert core.recordings.lock(request.lock_id or 0).lifted_at is None  # kept


def test_a_production_left_by_a_dead_process_counts_as_approved(
    core: Core, site: tuple[Camera, Camera]
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    request = core.exports.approve(user(core, "per", Role.SUPERVISOR), ask(core, sara, site).id)
    core.db.write(
        lambda db: db.execute(
            "UPDATE export_requests SET state = 'producing', producer = ? WHERE id = ?",
            (f"{__import__('socket').gethostname()}:999999999", request.id),
        )
    ).result()
    assert core.exports.get(sara, request.id).state is RequestState.APPROVED


def test_what_a_request_needs(core: Core, site: tuple[Camera, Camera], clock: FakeClock) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    for field, message in (
        ("reason", "reason"),
        ("case_number", "case number"),
        ("recipient", "recipient"),
    ):
        with pytest.raises(InvalidInput, match=message):
            ask(core, sara, site, **{field: " "})
    with pytest.raises(InvalidInput, match="at least one camera"):
        core.exports.request(
            sara, [], T0, T0 + timedelta(minutes=1), reason="r", case_number="c", recipient="p"
        )
    with pytest.raises(InvalidInput, match="end after it starts"):
        core.exports.request(sara, [site[0].id], T0, T0, reason="r", case_number="c", recipient="p")
    with pytest.raises(InvalidInput, match="Nothing of Torget is recorded"):
        core.exports.request(
            sara,
            [site[0].id],
            T0 - timedelta(hours=2),
            T0 - timedelta(hours=1),
            reason="r",
            case_number="c",
            recipient="p",
        )
    # The case number is free text unless an administrator turns on the police's pattern.
    assert ask(core, sara, site, case_number="Intern 12").case_number == "Intern 12"
    core.settings.set_int(user(core, "adam", Role.ADMINISTRATOR), EXPORT_CASE_PATTERN, 1)
    with pytest.raises(InvalidInput, match="not a police case number"):
        ask(core, sara, site, case_number="Intern 12")
    assert ask(core, sara, site).case_number == "Polisen 5000-K123456-26"
    assert len(core.audit.entries(ROOT, action="export.requested")) == 2


def test_the_coverage_shows_what_is_recorded_and_the_gaps(
    core: Core, site: tuple[Camera, Camera]
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    start, end = T0 - timedelta(minutes=1), T0 + timedelta(minutes=11)
    torget, berga = core.exports.coverage(sara, [c.id for c in site], start, end)
    assert (torget.name, torget.place, berga.place) == ("Torget", "Stora torget", "Berga centrum")
    assert torget.recorded == ((T0, T0 + timedelta(minutes=10)),)
    assert torget.gaps == ((start, T0), (T0 + timedelta(minutes=10), end))
    assert torget.recorded_seconds == 600
    assert gaps_of([], start, end) == [(start, end)]


def test_times_are_refused_when_they_name_two_instants_or_none() -> None:
    now = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    with pytest.raises(AmbiguousTime) as caught:
        parse_export_time("2026-10-25 02:30", now)
    assert "+02:00" in str(caught.value)
    assert "+01:00" in str(caught.value)
    assert parse_export_time("2026-10-25 02:30+02:00", now) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert parse_export_time("2026-10-25T02:30:00+01:00", now) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    assert parse_export_time("2026-10-25T01:30:00Z", now) == datetime(
        2026, 10, 25, 1, 30, tzinfo=UTC
    )
    assert parse_export_time("2026-10-25 14:30", now) == datetime(2026, 10, 25, 13, 30, tzinfo=UTC)
    with pytest.raises(NonexistentTime, match="does not exist"):
        parse_export_time("2026-03-29 02:30", now)
    with pytest.raises(TimeInputError):
        parse_export_time("igår", now)


def test_the_recording_service_still_locks_on_its_own(
    core: Core, site: tuple[Camera, Camera], clock: FakeClock
) -> None:
    """The lock made inside another transaction is the same lock `lock_evidence` makes."""
    recordings: RecordingService = core.recordings
    sara = user(core, "sara", Role.SUPERVISOR)
    lock = recordings.lock_evidence(
        sara,
        list(site),
        T0,
        T0 + timedelta(minutes=1),
        reason="Skadegörelse",
        case_number="K1",
        expires_at=clock.now() + timedelta(days=1),
    )
    assert lock.created_by == "sara"
    assert lock.camera_ids == {c.id for c in site}
    with pytest.raises(PermissionDenied):
        recordings.lock_evidence(
            user(core, "olle", Role.OPERATOR),
            list(site),
            T0,
            T0 + timedelta(minutes=1),
            reason="x",
            case_number="y",
            expires_at=clock.now() + timedelta(days=1),
        )


def test_the_state_check_finds_requests_changed_behind_the_log(
    core: Core, site: tuple[Camera, Camera], data_dir: Path, tmp_path: Path
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    per = user(core, "per", Role.SUPERVISOR)
    produced = core.exports.approve(per, ask(core, sara, site).id)
    core.exports.produce(sara, produced.id, FakeProducer(core), tmp_path)
    core.exports.reject(per, ask(core, sara, site).id, "Fel kamera")
    pending = ask(core, sara, site)
    assert exports_differences(core) == []
    with sql(data_dir) as conn:
        conn.execute(
            "UPDATE export_requests SET state = 'approved', approver = 'per' WHERE id = ?",
            (pending.id,),
        )
        conn.execute("UPDATE export_requests SET approver = 'olof' WHERE id = ?", (produced.id,))
        conn.execute(
            "INSERT INTO export_requests (state, start_utc, end_utc, reason, case_number, "
            "recipient, requester, created_at, expires_at, four_eyes) "
            "SELECT 'approved', start_utc, end_utc, reason, case_number, recipient, requester, "
            "created_at, expires_at, 0 FROM export_requests WHERE id = ?",
            (pending.id,),
        )
    assert exports_differences(core) == [
        f"Export request {produced.id} was approved by olof in the database, but by per in "
        "the access log.",
        f"Export request {pending.id} is approved in the database, but the access log last made "
        "it pending.",
        f"Export request {pending.id + 1} is in the database, but the access log never logged it.",
    ]


def exports_differences(core: Core) -> list[str]:
    return [d.text for d in check_state(core.db) if d.kind == "exports"]
