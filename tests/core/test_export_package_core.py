"""The evidence package's manifest, signature, log proof and custody, without video: a fake
remuxer stands in for PyAV (tests/test_export_package.py remuxes real recordings)."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.app import Core
from console.audit import verify as lv
from console.audit.log import AuditUnavailable
from console.domain import Actor, Role
from console.errors import InvalidInput
from console.export import verify as pv
from console.export.custody import hand_over
from console.export.order import ExportOrder, PackageReceipt
from console.export.package import PackageWriter
from console.media.packets import Profile
from console.ports import Remuxed, Remuxer, RemuxSource
from tests.conftest import PASSWORD, FakeClock, MemoryKeyStore
from tests.core.test_cameras import facts
from tests.register_fixture import registered

CLI = Actor.os_account("root")
START = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)


class FakeRemuxer(Remuxer):
    """Writes the names of its sources; delivers the part of each run inside the range."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[Path], datetime, datetime]] = []

    def remux(
        self,
        sources: Sequence[RemuxSource],
        start: datetime,
        end: datetime,
        out: Path,
        *,
        progress: Callable[[int, float], None],
        cancelled: Callable[[], bool],
    ) -> Remuxed | None:
        self.calls.append(([s.path for s in sources], start, end))
        first = max(sources[0].start, start)
        last = min(sources[-1].start + timedelta(seconds=10), end)
        out.write_bytes("\n".join(str(s.path) for s in sources).encode())
        progress(out.stat().st_size, (last - first).total_seconds())
        return Remuxed(first, last, packets=len(sources), keyframes=1, bytes=out.stat().st_size)


@pytest.fixture
def setup(core: Core) -> tuple[Core, int]:
    camera = registered(
        core, core.cameras.add(CLI, facts("127.0.0.9"), core.sites.places()[0], "Torget", "u", "p")
    )
    core.users.add(CLI, "anna", Role.SUPERVISOR, PASSWORD)
    core.users.add(CLI, "bertil", Role.SUPERVISOR, PASSWORD)
    # Two runs of 10 s segments with a 30 s gap between them.
    for offset in (0, 10, 20, 60, 70):
        moment = START + timedelta(seconds=offset)
        segment = core.recordings.open_segment(camera.id, Profile.MAIN, moment, f"{offset}.mp4")
        core.recordings.close_segment(segment, moment + timedelta(seconds=10), 1000)
    return core, camera.id


def produce(
    core: Core, camera_id: int, out: Path, remuxer: Remuxer, reason: str = "Skadegörelse"
) -> PackageReceipt:
    out.mkdir(exist_ok=True)
    order = ExportOrder(
        request_id=7,
        package_id="EXP-7",
        camera_ids=(camera_id,),
        start=START + timedelta(seconds=5),
        end=START + timedelta(seconds=75),
        requester="anna",
        approver="bertil",
        reason=reason,
        case_number="Polisen 5000-K1-26",
        recipient="Polisen",
        note="",
        requested_at=START,
        approved_at=START,
    )
    writer = PackageWriter(
        core.audit, core.cameras, core.sites, core.recordings, remuxer, core.clock, core.data_dir
    )
    actor = Actor.of(core.users.authenticate("anna", PASSWORD))
    return writer.produce(
        actor, order, out, make_zip=False, progress=lambda p: None, cancelled=lambda: False
    )


def test_a_package_verifies_and_is_in_the_log(setup: tuple[Core, int], tmp_path: Path) -> None:
    core, camera_id = setup
    remuxer = FakeRemuxer()
    receipt = produce(core, camera_id, tmp_path / "out", remuxer)
    assert [len(paths) for paths, _, _ in remuxer.calls] == [3, 2]
    manifest = json.loads((receipt.folder / pv.MANIFEST).read_text())
    camera = manifest["cameras"][0]
    assert [g["from"] for g in camera["gaps"]] == ["2026-03-28T12:00:30.000000Z"]
    assert [g["to"] for g in camera["gaps"]] == ["2026-03-28T12:01:00.000000Z"]
    facts = pv.verify_package(receipt.folder)
    assert facts.package == "EXP-7"
    assert facts.log_seq == receipt.log_seq
    first = core.db.query("SELECT public_key FROM audit_keys WHERE epoch = 0")[0]["public_key"]
    assert receipt.anchor_fingerprint == facts.anchor == lv.fingerprint(bytes(first))
    body = core.db.query("SELECT body FROM audit_entries WHERE seq = ?", (receipt.log_seq,))
    entry = json.loads(body[0]["body"])
    assert entry["action"] == pv.PRODUCED_ACTION
    assert entry["details"]["manifest_sha256"] == receipt.manifest_sha256
    assert not list((core.data_dir / "export-partial").iterdir())
    if os.name == "posix":
        # Who was filmed is nobody else's business on a shared machine: the owner's only.
        assert {p.stat().st_mode & 0o777 for p in receipt.folder.rglob("*")} == {0o600, 0o700}


def test_a_hand_over_days_later_carries_the_newer_keys(
    setup: tuple[Core, int], clock: FakeClock, tmp_path: Path
) -> None:
    core, camera_id = setup
    receipt = produce(core, camera_id, tmp_path / "out", FakeRemuxer())
    clock.advance(days=3)
    core.audit.record(CLI, "test.later").result()
    core.audit.seal().result()  # a new epoch: its key signs the hand-over
    actor = Actor.of(core.users.authenticate("bertil", PASSWORD))
    line = json.loads(hand_over(core.audit, clock, actor, receipt.folder, "Polisen, Lind"))
    assert line["key"].endswith("/epoch-1")
    assert len(line["certificates"]) == 1
    facts = pv.verify_package(receipt.folder)
    assert [c.split(": ")[1] for c in facts.custody] == ["anna -> anna", "bertil -> Polisen, Lind"]
    # A hand-over line whose newer key certificate is dropped no longer verifies.
    lines = (receipt.folder / pv.CUSTODY).read_bytes().splitlines(keepends=True)
    stripped = json.loads(lines[1])
    stripped["certificates"] = []
    lines[1] = lv.canonical_json(stripped) + b"\n"
    (receipt.folder / pv.CUSTODY).write_bytes(b"".join(lines))
    with pytest.raises(pv.Problem, match="line 2 is not signed"):
        pv.verify_package(receipt.folder)


def test_an_unreachable_key_refuses_the_export_before_it_is_logged(
    setup: tuple[Core, int], keys: MemoryKeyStore, tmp_path: Path
) -> None:
    core, camera_id = setup
    keys.reachable = False
    core.audit._private.clear()  # as a process that has not used the key yet
    with pytest.raises(AuditUnavailable, match="signing key cannot be reached"):
        produce(core, camera_id, tmp_path / "out", FakeRemuxer())
    assert list((tmp_path / "out").iterdir()) == []
    actions = {r["action"] for r in core.db.query("SELECT action FROM audit_entries")}
    assert pv.PRODUCED_ACTION not in actions


@pytest.mark.parametrize("path", ["/etc/passwd", "../elsewhere.mp4", "video/../../x", ".hidden"])
def test_a_signed_manifest_never_reaches_outside_its_package(
    setup: tuple[Core, int], tmp_path: Path, path: str
) -> None:
    core, camera_id = setup
    receipt = produce(core, camera_id, tmp_path / "out", FakeRemuxer())
    manifest = json.loads((receipt.folder / pv.MANIFEST).read_text())
    manifest["files"].append({"path": path, "size": 0, "sha256": lv.sha256_hex(b"")})
    data = (json.dumps(manifest, indent=2) + "\n").encode()
    (receipt.folder / pv.MANIFEST).write_bytes(data)
    # Signed by the installation's own key: the path is refused all the same.
    signed = core.audit.sign(pv.MANIFEST_DOMAIN, data)
    signature = json.loads((receipt.folder / pv.SIGNATURE).read_text())
    signature.update(
        manifest_sha256=lv.sha256_hex(data),
        key=signed.key_name,
        signature=base64.b64encode(signed.signature).decode(),
    )
    (receipt.folder / pv.SIGNATURE).write_bytes(lv.canonical_json(signature) + b"\n")
    with pytest.raises(pv.Problem, match="lists a file it cannot list") as caught:
        pv.verify_package(receipt.folder)
    assert caught.value.file == pv.MANIFEST


def test_a_package_of_another_installation_is_not_handed_over_here(
    setup: tuple[Core, int], tmp_path: Path, clock: FakeClock
) -> None:
    core, camera_id = setup
    receipt = produce(core, camera_id, tmp_path / "out", FakeRemuxer())
    other = Core.open(tmp_path / "other", clock=clock, keys=MemoryKeyStore(), sealer=False)
    try:
        other.users.add(CLI, "cecilia", Role.SUPERVISOR, PASSWORD)
        actor = Actor.of(other.users.authenticate("cecilia", PASSWORD))
        with pytest.raises(InvalidInput, match="made by another installation"):
            hand_over(other.audit, clock, actor, receipt.folder, "Polisen")
    finally:
        other.close()
    assert len((receipt.folder / pv.CUSTODY).read_bytes().splitlines()) == 1


def test_the_report_prints_no_control_characters(setup: tuple[Core, int], tmp_path: Path) -> None:
    core, camera_id = setup
    hostile = "Skadegörelse\x1b]0;owned\x07\u202eKLAR\nOK: forged line"
    receipt = produce(core, camera_id, tmp_path / "out", FakeRemuxer(), reason=hostile)
    code, text = pv.report(receipt.folder)
    assert code == 0
    assert "reason: Skadegörelse\\u001b]0;owned\\u0007\\u202eKLAR\\u000aOK: forged line" in text
    assert not any(c in text for c in "\x1b\x07\u202e")
    assert [line for line in text.splitlines() if line.startswith("OK")] == [text.splitlines()[0]]
