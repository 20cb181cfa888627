"""A subject access case end to end in the core: a real data dir, a recorded segment (the
synthesized clip), the detection assist, the masked copy, a second supervisor's review, the
released package verified (also by its own verify.py), and what is refused on the way."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.app import Core
from console.audit.log import AuditUnavailable
from console.audit.state import check_state
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import InvalidInput, PermissionDenied
from console.media.packets import Profile
from console.subject_access import verify as sv
from console.subject_access.cases import Case, CaseState
from console.subject_access.masks import Keyframe, Shape, rect, region
from console.subject_access.package import CasePackageWriter
from devices import access_log
from devices.media.detect import OpenCvAssist
from devices.media.mask_render import PyAvMaskRenderer
from devices.media.remux import Mp4Remuxer
from tests import masking_clip as clip
from tests.conftest import FAST_HASHER, PASSWORD, FakeClock, MemorySecretStore
from tests.core.test_cameras import facts
from tests.register_fixture import registered
from tests.test_masking_pixels import DARK, _track_at

CLI = Actor.os_account("root")
RECORDED_AT = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)


@dataclass
class Site:
    core: Core
    clock: FakeClock
    camera: Camera
    anna: Actor
    bertil: Actor
    olle: Actor


def add_recording(core: Core, camera: Camera, start: datetime, tmp: Path) -> None:
    """The synthesized clip as a recorded segment of `camera` (indexed as the recorder does)."""
    relative = f"{camera.id}/main/clip.mp4"
    path = core.recordings.root / relative
    path.parent.mkdir(parents=True)
    clip.write_clip(path)
    segment = core.recordings.open_segment(camera.id, Profile.MAIN, start, relative)
    seconds = clip.FRAMES / clip.FPS
    core.recordings.close_segment(segment, start + timedelta(seconds=seconds), path.stat().st_size)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock = FakeClock(RECORDED_AT + timedelta(hours=2))
    core = Core.open(
        tmp_path / "data",
        clock=clock,
        hasher=FAST_HASHER,
        keys=access_log.key_store(tmp_path / "keys"),
        secrets=MemorySecretStore(),
        sealer=False,
    )
    try:
        place = core.sites.places()[0]
        camera = registered(
            core, core.cameras.add(CLI, facts("127.0.0.1"), place, "Torget", "u", "p")
        )
        add_recording(core, camera, RECORDED_AT, tmp_path)
        users = {}
        for name, role in (
            ("anna", Role.SUPERVISOR),
            ("bertil", Role.SUPERVISOR),
            ("olle", Role.OPERATOR),
        ):
            core.users.add(CLI, name, role, PASSWORD)
            users[name] = Actor.of(core.users.authenticate(name, PASSWORD))
        yield Site(core, clock, camera, users["anna"], users["bertil"], users["olle"])
    finally:
        core.close()


def open_case(site: Site) -> Case:
    return site.core.cases.open(
        site.anna,
        requester="Kim Berg",
        identity_check="passport shown at the reception",
        identity_checked_by="anna",
        claimed_from=RECORDED_AT,
        claimed_to=RECORDED_AT + timedelta(seconds=2),
        place="Stora torget",
        notes="asked by letter",
    )


def actions(core: Core) -> list[str]:
    return [e.action for e in reversed(core.audit.entries(CLI, limit=500))]


def test_a_case_from_request_to_verified_package(site: Site, tmp_path: Path) -> None:
    core, cases = site.core, site.core.cases
    with pytest.raises(PermissionDenied):
        cases.open(
            site.olle,
            requester="x",
            identity_check="y",
            identity_checked_by="z",
            claimed_from=RECORDED_AT,
            claimed_to=RECORDED_AT,
            place="p",
        )
    case = open_case(site)
    assert case.state is CaseState.OPEN
    assert case.deadline == datetime(2026, 12, 24, 15, 30, tzinfo=UTC)
    assert case.days_left(site.clock.now()) == 30
    site.clock.advance(days=31)
    assert case.days_left(site.clock.now()) == -1
    site.clock.moment = RECORDED_AT + timedelta(hours=3)

    case = cases.find(site.anna, case.id, [site.camera.id])
    assert case.state is CaseState.FOOTAGE_FOUND
    assert case.lock_id is not None
    assert core.recordings.lock(case.lock_id).case_number == case.number

    playback = cases.view(site.anna, case.id, site.camera.id, RECORDED_AT)
    core.playback.end(playback, None)
    viewed = core.audit.entries(CLI, action="playback.view")[-1]
    assert viewed.details["reason"] == f"subject access case {case.number}"

    remuxer, assist, renderer = Mp4Remuxer(), OpenCvAssist(), PyAvMaskRenderer()
    proposal = cases.propose(site.anna, case.id, site.camera.id, remuxer, assist)
    requester = _track_at(proposal, clip.REQUESTER, 0)
    assert requester is not None
    backside = clip.BACKSIDE.box(0), clip.BACKSIDE.box(clip.FRAMES - 1)
    manual = region(
        "backside",
        Shape.RECT,
        [
            Keyframe(n, rect(b[0], b[1], b[2] - b[0], b[3] - b[1]))
            for n, b in ((0, backside[0]), (clip.FRAMES - 1, backside[1]))
        ],
    )
    with pytest.raises(PermissionDenied, match="reviewed"):
        cases.check_release(site.anna, case.id)
    copy = cases.mask(
        site.anna,
        case.id,
        site.camera.id,
        remuxer,
        renderer,
        assist=assist,
        manual=[manual],
        exclude=[requester.id],
    )
    original = cases.folder(case) / copy.original
    assert copy.derived_from == hashlib.sha256(original.read_bytes()).hexdigest()
    assert copy.frames == clip.FRAMES
    assert copy.change_frames[0] == 0

    writer = CasePackageWriter(cases, core.audit, core.clock, site="test")
    with pytest.raises(PermissionDenied, match="reviewed"):
        writer.release(site.anna, case.id, tmp_path)
    with pytest.raises(PermissionDenied, match="another supervisor reviews"):
        cases.review(site.anna, case.id, approve=True)
    with pytest.raises(PermissionDenied):
        cases.review(site.olle, case.id, approve=True)
    case = cases.review(site.bertil, case.id, approve=True)
    assert case.state is CaseState.REVIEWED
    assert case.reviewer == "bertil"

    out = tmp_path / "out"
    out.mkdir()
    receipt = writer.release(site.anna, case.id, out)
    assert receipt.case.state is CaseState.RELEASED
    assert not cases.folder(case).exists(), "the case's copies are deleted once released"
    code, text = sv.report(receipt.folder)
    assert code == 0, text
    assert "reviewed by bertil" in text
    # The package's own verifier, run as the recipient would, beside nothing of Utkik.
    alone = tmp_path / "elsewhere" / receipt.folder.name
    alone.parent.mkdir()
    subprocess.run(["cp", "-a", str(receipt.folder), str(alone)], check=True)
    ran = subprocess.run(
        [sys.executable, "-I", "verify.py", "."], cwd=alone, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.startswith("OK: subject access package")

    manifest = __import__("json").loads((receipt.folder / "manifest.json").read_text())
    video = manifest["videos"][0]
    assert video["derived_from"] == copy.derived_from
    assert manifest["reviewer"] == "bertil"
    assert manifest["masked_by"] == ["anna"]
    assert requester.id in video["masks"]["excluded"]
    frames = clip.decode_bgr(receipt.folder / video["path"])
    for n, picture in enumerate(frames):
        x0, y0, x1, y1 = clip.STRANGER.box(n)
        assert picture[y0:y1, x0:x1].max() < DARK, n

    # A changed byte in the video is caught and named.
    target = receipt.folder / video["path"]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 1
    target.write_bytes(bytes(data))
    code, text = sv.report(receipt.folder)
    assert code == 1
    assert video["path"] in text

    assert core.recordings.lock(case.lock_id).lifted_at is not None
    logged = actions(core)
    sequence = [
        "subject_access.opened",
        "subject_access.footage",
        "subject_access.original",
        "subject_access.masked",
        "subject_access.reviewed",
        "subject_access.released",
    ]
    assert [a for a in logged if a in sequence] == sequence


def test_a_rejected_review_sends_the_case_back_and_a_refusal_closes_it(site: Site) -> None:
    cases = site.core.cases
    case = cases.find(site.anna, open_case(site).id, [site.camera.id])
    cases.mask(
        site.anna,
        case.id,
        site.camera.id,
        Mp4Remuxer(),
        PyAvMaskRenderer(),
        assist=None,
        manual=[region("all", Shape.RECT, [Keyframe(0, rect(0, 0, 100, 100))])],
    )
    with pytest.raises(InvalidInput, match="Say what must be masked differently"):
        cases.review(site.bertil, case.id, approve=False)
    case = cases.review(site.bertil, case.id, approve=False, reason="the plate shows")
    assert case.state is CaseState.FOOTAGE_FOUND
    with pytest.raises(InvalidInput):
        cases.review(site.bertil, case.id, approve=True)
    case = cases.refuse(site.bertil, case.id, "the requester withdrew the request")
    assert case.state is CaseState.REFUSED
    assert case.reason == "the requester withdrew the request"
    with pytest.raises(InvalidInput, match="closed"):
        cases.refuse(site.anna, case.id, "again")


def test_nothing_happens_when_the_access_log_cannot_be_written(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = site.core.cases
    case = open_case(site)

    def failing(*_args: object, **_kwargs: object) -> None:
        raise AuditUnavailable("The access log cannot be written (disk I/O).")

    monkeypatch.setattr(site.core.audit, "append", failing)
    with pytest.raises(AuditUnavailable):
        cases.find(site.anna, case.id, [site.camera.id])
    with pytest.raises(AuditUnavailable):
        cases.refuse(site.anna, case.id, "no footage")
    assert cases.get(site.anna, case.id).state is CaseState.OPEN
    assert site.core.recordings.locks() == []


def test_a_case_marked_reviewed_in_the_database_is_a_difference(site: Site) -> None:
    """The access log's state check replays the cases: a reviewer written into the database by
    hand (to release without a second supervisor) is reported."""
    cases = site.core.cases
    case = cases.find(site.anna, open_case(site).id, [site.camera.id])
    cases.mask(
        site.anna,
        case.id,
        site.camera.id,
        Mp4Remuxer(),
        PyAvMaskRenderer(),
        assist=None,
        manual=[region("all", Shape.RECT, [Keyframe(0, rect(0, 0, 100, 100))])],
    )
    assert [d for d in check_state(site.core.db) if d.kind == "cases"] == []
    cases.review(site.bertil, case.id, approve=True)
    assert [d for d in check_state(site.core.db) if d.kind == "cases"] == []

    site.core.db.write(
        lambda db: db.execute(
            "UPDATE subject_access_cases SET reviewer = 'anna' WHERE id = ?", (case.id,)
        )
    ).result()
    found = [d for d in check_state(site.core.db) if d.kind == "cases"]
    assert [d.params for d in found] == [{"id": case.id, "reviewer": "anna", "logged": "bertil"}]

    site.core.db.write(
        lambda db: db.execute(
            "UPDATE subject_access_cases SET state = 'masked', reviewer = NULL WHERE id = ?",
            (case.id,),
        )
    ).result()
    found = [d for d in check_state(site.core.db) if d.kind == "cases"]
    assert [d.params for d in found] == [{"id": case.id, "state": "masked", "logged": "reviewed"}]
