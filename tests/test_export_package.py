"""Evidence packages from real recordings of the simulated site: two cameras' minute remuxed
(never re-encoded) and verified, a gap, the October DST change, tampering of every kind caught
and named, kill -9 during production, failing closed, and the CLI's verify and hand-over."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.register_fixture import registered
from tests.sites import loopback_addresses, require_simulated_video, simulated_site, wait_for

require_simulated_video()

import av  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402

from console.app import Core  # noqa: E402
from console.audit import verify as lv  # noqa: E402
from console.audit.log import AuditUnavailable  # noqa: E402
from console.camera_facts import StreamProfile  # noqa: E402
from console.cameras import Camera  # noqa: E402
from console.clock import to_iso  # noqa: E402
from console.domain import Actor, Role  # noqa: E402
from console.errors import DiskFull, InvalidInput, PermissionDenied  # noqa: E402
from console.export import verify as pv  # noqa: E402
from console.export.custody import hand_over  # noqa: E402
from console.export.order import ExportCancelled, ExportOrder, ExportProgress  # noqa: E402
from console.export.package import PARTIAL_PREFIX, PackageWriter  # noqa: E402
from console.media.hub import MediaHub  # noqa: E402
from console.media.packets import Profile  # noqa: E402
from console.recording.archive import Segment, segment_path  # noqa: E402
from devices import access_log  # noqa: E402
from devices.media.ingest import camera_opener  # noqa: E402
from devices.media.remux import Mp4Remuxer  # noqa: E402
from devices.simulator.clips import (  # noqa: E402
    CAMERA_ROW,
    FRAME_ROW,
    camera_code,
    decode_pixel_code,
    frame_rows,
)
from devices.simulator.site import SimulatedSite  # noqa: E402
from tests.conftest import FAST_HASHER, PASSWORD, TOP, FakeClock, MemorySecretStore  # noqa: E402
from tests.core.test_cameras import facts  # noqa: E402
from tests.test_recording import fill, small_disk  # noqa: E402, F401 - a fixture
from ui.serve import recording_engine  # noqa: E402

CLI = Actor.os_account("root")
MAIN = (320, 180)
CLIP_SECONDS = 2
FPS = 25
#: Real recording time: the minute exported and a margin on both sides.
RECORD_SECONDS = 68.0
MINUTE = timedelta(seconds=60)


@dataclass
class Recorded:
    """A data dir with two cameras' recordings, two supervisors and the log's key folder."""

    data_dir: Path
    key_dir: Path
    secrets: MemorySecretStore
    cameras: list[Camera]
    #: A minute both cameras recorded from start to end.
    start: datetime

    def open(self, clock: Any = None) -> Core:
        return Core.open(
            self.data_dir,
            clock=clock,
            hasher=FAST_HASHER,
            keys=access_log.key_store(self.key_dir),
            secrets=self.secrets,
            sealer=False,
        )


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    addresses = loopback_addresses(53, (1, 2))
    base = tmp_path_factory.mktemp("export")
    secrets = MemorySecretStore()
    state = Recorded(base / "data", base / "keys", secrets, [], datetime.now(UTC))
    with simulated_site(
        tmp_path_factory, addresses, main_size=MAIN, clip_seconds=CLIP_SECONDS
    ) as site:
        core = state.open()
        try:
            state.cameras = add_cameras(core, site)
            core.users.add(CLI, "anna", Role.SUPERVISOR, PASSWORD)
            core.users.add(CLI, "bertil", Role.SUPERVISOR, PASSWORD)
            record(core, state.cameras)
            firsts = [
                core.recordings.segments(c.id, far_past(), far_future()) for c in state.cameras
            ]
            state.start = max(s[0].start for s in firsts) + timedelta(seconds=3)
            assert all(s[-1].end >= state.start + MINUTE + timedelta(seconds=1) for s in firsts)
        finally:
            core.close()
    return state


def far_past() -> datetime:
    return datetime.now(UTC) - timedelta(days=1)


def far_future() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)


def add_cameras(core: Core, site: SimulatedSite) -> list[Camera]:
    places = core.sites.places()
    added = []
    for index, endpoint in enumerate(site.endpoints()):
        camera_facts = dataclasses.replace(
            facts(endpoint.address),
            main=StreamProfile("main", endpoint.main_url, *MAIN),
            sub=None,
            capabilities=dataclasses.replace(facts().capabilities, ptz=False),
        )
        added.append(
            registered(
                core,
                core.cameras.add(
                    CLI,
                    camera_facts,
                    places[index],
                    endpoint.name,
                    endpoint.user,
                    endpoint.password,
                ),
            )
        )
    return added


def record(core: Core, cameras: list[Camera]) -> None:
    hub = MediaHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    engine = recording_engine(core, hub, "test", segment_s=5.0)
    try:
        engine.start()
        assert wait_for(
            lambda: all(core.recordings.segments(c.id, far_past(), far_future()) for c in cameras),
            30,
        )
        time.sleep(RECORD_SECONDS)
    finally:
        engine.stop()
        hub.close()


def supervisor(core: Core, name: str = "anna") -> Actor:
    return Actor.of(core.users.authenticate(name, PASSWORD))


def order(
    camera_ids: tuple[int, ...], start: datetime, end: datetime, package_id: str = "EXP-1"
) -> ExportOrder:
    return ExportOrder(
        request_id=1,
        package_id=package_id,
        camera_ids=camera_ids,
        start=start,
        end=end,
        requester="anna",
        approver="bertil",
        reason="Misshandel vid busshållplatsen",
        case_number="Polisen 5000-K123456-26",
        recipient="Polisen, inspektör Lind",
        note="",
        requested_at=start + timedelta(hours=1),
        approved_at=start + timedelta(hours=1, minutes=5),
    )


def writer(core: Core) -> PackageWriter:
    return PackageWriter(
        core.audit,
        core.cameras,
        core.sites,
        core.recordings,
        Mp4Remuxer(),
        core.clock,
        core.data_dir,
        site="test site",
    )


def produce(
    core: Core,
    the_order: ExportOrder,
    destination: Path,
    *,
    progress: Callable[[ExportProgress], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    make_zip: bool = False,
) -> Any:
    destination.mkdir(parents=True, exist_ok=True)
    return writer(core).produce(
        supervisor(core),
        the_order,
        destination,
        make_zip=make_zip,
        progress=progress or (lambda p: None),
        cancelled=cancelled,
    )


@pytest.fixture(scope="module")
def package(recorded: Recorded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two cameras' minute, produced once for the tests that read or tamper with it."""
    core = recorded.open()
    try:
        the_order = order(
            tuple(c.id for c in recorded.cameras), recorded.start, recorded.start + MINUTE
        )
        receipt = produce(core, the_order, tmp_path_factory.mktemp("out"), make_zip=True)
        return Path(receipt.folder)
    finally:
        core.close()


def manifest_of(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / pv.MANIFEST).read_text(encoding="utf-8")))


def recorded_packets(root: Path, segments: list[Segment]) -> list[bytes]:
    out = []
    for segment in segments:
        with av.open(str(root / segment.path)) as container:
            for packet in container.demux(container.streams.video[0]):
                if packet.size:
                    out.append(bytes(packet))
    return out


def packets_and_codes(path: Path, name: str) -> tuple[list[bytes], list[int], int]:
    """Every packet's bytes, every decoded frame's frame code, and the frames decoded; each
    frame carries the camera's own code."""
    packets: list[bytes] = []
    codes: list[int] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if not packet.size:
                continue
            packets.append(bytes(packet))
            for frame in packet.decode():
                rows = frame_rows(frame)
                assert decode_pixel_code(rows, CAMERA_ROW) == camera_code(name)
                code = decode_pixel_code(rows, FRAME_ROW)
                assert code is not None
                codes.append(code)
    return packets, codes, len(codes)


def nal_types(packet: bytes) -> set[int]:
    """The H.264 NAL unit types in a packet: 4-byte lengths (MP4), else Annex B start codes."""
    types: set[int] = set()
    if packet.startswith((b"\x00\x00\x01", b"\x00\x00\x00\x01")):
        for unit in packet.replace(b"\x00\x00\x00\x01", b"\x00\x00\x01").split(b"\x00\x00\x01"):
            if unit:
                types.add(unit[0] & 0x1F)
        return types
    at = 0
    while at + 4 < len(packet):
        length = int.from_bytes(packet[at : at + 4], "big")
        types.add(packet[at + 4] & 0x1F)
        at += 4 + length
    return types


def test_two_cameras_minute_is_remuxed_whole_and_verifies(
    recorded: Recorded, package: Path
) -> None:
    manifest = manifest_of(package)
    core = recorded.open()
    try:
        for camera, described in zip(recorded.cameras, manifest["cameras"], strict=True):
            assert described["name"] == camera.name
            assert described["manufacturer"] == camera.facts.manufacturer
            assert described["serial"] == camera.facts.serial
            assert described["gaps"] == []
            assert len(described["files"]) == 1
            file = described["files"][0]
            delivered = file["delivered"]
            # From the keyframe at or before the start to the last frame before the end.
            assert delivered["from"] <= to_iso(recorded.start)
            assert file["cut_at_keyframe_before_start"] == (
                delivered["from"] < to_iso(recorded.start)
            )
            assert 59_900 <= delivered["milliseconds"] <= 66_000
            packets, codes, frames = packets_and_codes(package / file["path"], camera.name)
            assert frames == len(packets) == file["packets"]
            # Every frame of the clip's loop in turn: nothing lost, nothing repeated.
            loop = CLIP_SECONDS * FPS
            steps = [(b - a) % loop for a, b in pairwise(codes)]
            assert set(steps) == {1}, steps
            # Not re-encoded: the packets are a run of the recorded ones, byte for byte.
            segments = core.recordings.segments(
                camera.id, recorded.start - timedelta(seconds=10), recorded.start + MINUTE
            )
            original = recorded_packets(core.recordings.root, segments)
            at = original.index(packets[0])
            assert original[at : at + len(packets)] == packets
            # The first keyframe carries its SPS and PPS in-band, as recorded.
            assert {5, 7, 8} <= nal_types(packets[0]), nal_types(packets[0])
    finally:
        core.close()
    code, text = pv.report(package)
    assert code == 0, text
    assert text.startswith("OK: package EXP-1")
    assert manifest["anchor_fingerprint"] in (package / pv.README).read_text(encoding="utf-8")


def test_the_package_plays_in_ffprobe_and_its_zip_holds_the_same_files(package: Path) -> None:
    for mp4 in sorted((package / "video").glob("*.mp4")):
        probed = subprocess.run(
            ["ffprobe", "-v", "error", "-count_packets", "-show_streams", "-of", "json", mp4],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        stream = json.loads(probed.stdout)["streams"][0]
        assert stream["codec_name"] == "h264"
        assert int(stream["nb_read_packets"]) > 1400
    import zipfile

    with zipfile.ZipFile(package.parent / f"{package.name}.zip") as archive:
        names = sorted(archive.namelist())
    files = sorted(
        f"{package.name}/{p.relative_to(package).as_posix()}"
        for p in package.rglob("*")
        if p.is_file()
    )
    assert names == files


def test_python_verify_py_in_the_package_needs_no_utkik(package: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    result = subprocess.run(
        [sys.executable, "-I", str(copy / pv.VERIFIER), str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: package EXP-1" in result.stdout
    (copy / "video" / "extra.txt").write_text("x")
    result = subprocess.run(
        [sys.executable, "-I", str(copy / pv.VERIFIER), str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "FAIL: video/extra.txt: an extra file" in result.stdout


def copy_of(package: Path, tmp_path: Path) -> Path:
    target = tmp_path / package.name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(package, target)
    return target


def files_of(package: Path) -> list[str]:
    return sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_flipped_byte_of_any_file_is_caught_naming_the_file(
    package: Path, tmp_path: Path, data: st.DataObject
) -> None:
    copy = copy_of(package, tmp_path)
    name = data.draw(st.sampled_from(files_of(copy)), label="file")
    path = copy / name
    content = bytearray(path.read_bytes())
    position = data.draw(st.integers(0, len(content) - 1), label="position")
    content[position] ^= data.draw(st.integers(1, 255), label="xor")
    path.write_bytes(bytes(content))
    with pytest.raises(pv.Problem) as caught:
        pv.verify_package(copy)
    assert caught.value.file == name, caught.value


def test_a_missing_and_an_extra_file_are_named(package: Path, tmp_path: Path) -> None:
    copy = copy_of(package, tmp_path)
    video = sorted((copy / "video").glob("*.mp4"))[0]
    video.unlink()
    code, text = pv.report(copy)
    assert code == 1
    assert text == f"FAIL: video/{video.name}: missing"
    copy = copy_of(package, tmp_path)
    (copy / "notes.txt").write_text("planted")
    assert pv.report(copy) == (1, "FAIL: notes.txt: an extra file the manifest does not list")
    copy = copy_of(package, tmp_path)
    (copy / pv.LOG_PROOF).unlink()
    assert pv.report(copy) == (1, "FAIL: log-proof.json: missing")


def fresh_chain(origin: str) -> tuple[Ed25519PrivateKey, str, list[str]]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    name = f"{origin}/epoch-0"
    text = lv.certificate_text(origin, 0, name, public, "2026-01-01T00:00:00.000000Z")
    note = text + "\n" + lv.signature_line(name, public, key.sign(text.encode()))
    return key, name, [note]


def test_a_manifest_replaced_and_resigned_with_a_fresh_key_is_caught(
    package: Path, tmp_path: Path
) -> None:
    import base64

    copy = copy_of(package, tmp_path)
    manifest = manifest_of(copy)
    manifest["case_number"] = "Polisen 5000-K999999-26"
    signature = json.loads((copy / pv.SIGNATURE).read_text())
    origin = signature["key"].rsplit("/", 1)[0]
    key, name, certificates = fresh_chain(origin)
    manifest["anchor_fingerprint"] = lv.fingerprint(
        key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    (copy / pv.MANIFEST).write_bytes(data)
    forged = {
        "format": pv.SIGNATURE_FORMAT,
        "manifest_sha256": lv.sha256_hex(data),
        "key": name,
        "signature": base64.b64encode(key.sign(pv.MANIFEST_DOMAIN + data)).decode(),
        "certificates": certificates,
    }
    (copy / pv.SIGNATURE).write_bytes(lv.canonical_json(forged) + b"\n")
    code, text = pv.report(copy)
    assert code == 1
    # The log's proof is signed by the installation's key, not the forger's.
    assert text.startswith("FAIL: log-proof.json: its keys do not chain"), text
    # And a verifier told the published fingerprint refuses the forged signature outright.
    real = manifest_of(package)["anchor_fingerprint"]
    with pytest.raises(pv.Problem) as caught:
        pv.verify_package(copy, anchor=real)
    assert caught.value.file == pv.SIGNATURE


def test_a_proof_of_another_entry_is_caught(
    recorded: Recorded, package: Path, tmp_path: Path
) -> None:
    copy = copy_of(package, tmp_path)
    proof = json.loads((copy / pv.LOG_PROOF).read_text())
    core = recorded.open()
    try:
        other = core.audit.prove(proof["seq"] - 1)
    finally:
        core.close()
    swapped = {**proof, **other}
    (copy / pv.LOG_PROOF).write_bytes(lv.canonical_json(swapped) + b"\n")
    code, text = pv.report(copy)
    assert (code, text) == (
        1,
        "FAIL: log-proof.json: its entry is not the one that logged this manifest",
    )


def place_segments(
    recorded: Recorded, core: Core, camera: Camera, at: datetime, skip: int | None = None
) -> list[Segment]:
    """The recorded segments of `camera` copied into `core`'s archive as if recorded from
    `at` on (their files unchanged, their index times moved), leaving out segment `skip`."""
    source = recorded.open()
    try:
        segments = source.recordings.segments(camera.id, far_past(), far_future())
        root = source.recordings.root
    finally:
        source.close()
    first = segments[0].start
    placed = []
    for index, segment in enumerate(segments):
        if index == skip:
            continue
        start = at + (segment.start - first)
        end = at + (segment.end - first)
        relative = segment_path(camera.id, Profile.MAIN, start)
        target = core.recordings.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / segment.path, target)
        segment_id = core.recordings.open_segment(camera.id, Profile.MAIN, start, relative)
        core.recordings.close_segment(segment_id, end, segment.bytes)
        placed.append(dataclasses.replace(segment, start=start, end=end, path=relative))
    return placed


@pytest.fixture
def elsewhere(recorded: Recorded, tmp_path: Path) -> Iterator[tuple[Core, FakeClock, Camera]]:
    """Another data dir whose clock stands after 2026-10-25's DST change, with one camera and
    the supervisors."""
    clock = FakeClock(datetime(2026, 10, 25, 3, 0, tzinfo=UTC))
    core = Core.open(
        tmp_path / "data",
        clock=clock,
        hasher=FAST_HASHER,
        keys=access_log.key_store(tmp_path / "keys"),
        secrets=MemorySecretStore(),
        sealer=False,
    )
    try:
        camera = recorded.cameras[0]
        copy = registered(
            core,
            core.cameras.add(
                CLI, camera.facts, core.sites.places()[0], camera.name, "user", "password"
            ),
        )
        assert copy.id == camera.id
        core.users.add(CLI, "anna", Role.SUPERVISOR, PASSWORD)
        core.users.add(CLI, "bertil", Role.SUPERVISOR, PASSWORD)
        yield core, clock, copy
    finally:
        core.close()


def test_an_export_across_the_october_dst_change_has_the_exact_utc_length(
    recorded: Recorded, elsewhere: tuple[Core, FakeClock, Camera], tmp_path: Path
) -> None:
    core, _, camera = elsewhere
    # 02:59:30 +02:00 to 02:00:30 +01:00: one minute of UTC whatever the wall clock says.
    change = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    place_segments(recorded, core, camera, change - timedelta(seconds=40))
    start, end = change - timedelta(seconds=30), change + timedelta(seconds=30)
    receipt = produce(core, order((camera.id,), start, end), tmp_path / "out")
    manifest = manifest_of(receipt.folder)
    requested = manifest["requested"]
    assert requested["from_local"] == "2026-10-25T02:59:30.000+02:00"
    assert requested["to_local"] == "2026-10-25T02:00:30.000+01:00"
    assert requested["milliseconds"] == 60_000
    delivered = manifest["cameras"][0]["files"][0]["delivered"]
    assert delivered["from_local"].endswith("+02:00")
    assert delivered["to_local"].endswith("+01:00")
    assert 59_900 <= delivered["milliseconds"] <= 66_000
    assert pv.report(receipt.folder)[0] == 0


def test_a_gap_starts_a_new_file_and_is_stated(
    recorded: Recorded, elsewhere: tuple[Core, FakeClock, Camera], tmp_path: Path
) -> None:
    core, _, camera = elsewhere
    at = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    placed = place_segments(recorded, core, camera, at, skip=4)
    hole = (placed[3].end, placed[4].start)
    receipt = produce(
        core, order((camera.id,), at + timedelta(seconds=2), at + timedelta(seconds=40)), tmp_path
    )
    described = manifest_of(receipt.folder)["cameras"][0]
    assert len(described["files"]) == 2
    first, second = (f["delivered"] for f in described["files"])
    # The gap is stated from the end of the last frame before it to the first frame after it.
    assert [(g["from"], g["to"]) for g in described["gaps"]] == [(first["to"], second["from"])]
    assert second["from"] == to_iso(hole[1])
    assert abs(datetime.fromisoformat(first["to"]) - hole[0]) < timedelta(seconds=0.1)
    assert pv.report(receipt.folder)[0] == 0


def test_a_range_into_the_segment_being_written_delivers_what_is_written(
    recorded: Recorded, elsewhere: tuple[Core, FakeClock, Camera], tmp_path: Path
) -> None:
    core, clock, camera = elsewhere
    at = datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    placed = place_segments(recorded, core, camera, at)
    last = placed[-1]
    # The last segment is still being written: open in the index, its end unknown.
    core.db.write(
        lambda db: db.execute(
            "UPDATE segments SET state = 'open', end_utc = start_utc WHERE path = ?", (last.path,)
        )
    ).result()
    clock.moment = last.end + timedelta(seconds=1)
    the_order = order((camera.id,), last.start - timedelta(seconds=8), last.end + MINUTE)
    receipt = produce(core, the_order, tmp_path / "out")
    described = manifest_of(receipt.folder)["cameras"][0]
    assert len(described["files"]) == 1
    delivered_to = described["files"][0]["delivered"]["to"]
    assert described["not_yet_recorded"]["from"] == delivered_to
    assert described["not_yet_recorded"]["to"] == to_iso(last.end + MINUTE)
    assert described["gaps"] == []


def test_cancel_leaves_nothing(
    recorded: Recorded, elsewhere: tuple[Core, FakeClock, Camera], tmp_path: Path
) -> None:
    core, _, camera = elsewhere
    at = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    place_segments(recorded, core, camera, at)
    seen: list[ExportProgress] = []

    def cancelled() -> bool:
        return len(seen) >= 2

    size = core.audit.status()["size"]
    out = tmp_path / "out"
    with pytest.raises(ExportCancelled):
        produce(
            core,
            order((camera.id,), at, at + MINUTE),
            out,
            progress=seen.append,
            cancelled=cancelled,
        )
    assert list(out.iterdir()) == []
    assert seen[-1].media_seconds > 0
    assert seen[-1].bytes_written > 0
    assert not list((core.data_dir / "export-partial").iterdir())
    # Nothing was produced: the supervisor's login is the only new entry.
    actions = [r["action"] for r in core.db.query("SELECT action FROM audit_entries ORDER BY seq")]
    assert len(actions) == int(size) + 1
    assert actions[-1] == "login"


def test_no_package_appears_when_the_log_cannot_be_written(
    recorded: Recorded,
    elsewhere: tuple[Core, FakeClock, Camera],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    core, _, camera = elsewhere
    at = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    place_segments(recorded, core, camera, at)
    actor = supervisor(core)
    original = core.audit.record

    def failing(who: Any, action: str, *args: Any, **kwargs: Any) -> Future[Any]:
        if action == pv.PRODUCED_ACTION:
            broken: Future[Any] = Future()
            broken.set_exception(AuditUnavailable("The access log cannot be written (disk I/O)."))
            return broken
        return original(who, action, *args, **kwargs)

    monkeypatch.setattr(core.audit, "record", failing)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(AuditUnavailable):
        writer(core).produce(
            actor,
            order((camera.id,), at, at + timedelta(seconds=20)),
            out,
            make_zip=True,
            progress=lambda p: None,
            cancelled=lambda: False,
        )
    assert list(out.iterdir()) == []


_KILL_SCRIPT = """
import sys, time
from datetime import datetime
from pathlib import Path
from console.app import Core
from console.domain import Actor
from console.export.order import ExportOrder
from devices import access_log
from devices.media.remux import Mp4Remuxer
from console.export.package import PackageWriter
from tests.conftest import FAST_HASHER, PASSWORD

data_dir, key_dir, out, camera, start, end = sys.argv[1:7]
core = Core.open(Path(data_dir), hasher=FAST_HASHER, keys=access_log.key_store(Path(key_dir)),
                 sealer=False)
actor = Actor.of(core.users.authenticate("anna", PASSWORD))
order = ExportOrder(1, "EXP-KILL", (int(camera),), datetime.fromisoformat(start),
                    datetime.fromisoformat(end), "anna", "bertil", "r", "c", "p", "",
                    datetime.fromisoformat(start), datetime.fromisoformat(start))
writer = PackageWriter(core.audit, core.cameras, core.sites, core.recordings, Mp4Remuxer(),
                       core.clock, core.data_dir)

def progress(p):
    print("progress", p.media_seconds, flush=True)
    time.sleep(0.5)

writer.produce(actor, order, Path(out), make_zip=False, progress=progress,
               cancelled=lambda: False)
print("done", flush=True)
"""


def test_kill_9_during_production_leaves_nothing_that_verifies_and_is_cleaned_up(
    recorded: Recorded, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    camera = recorded.cameras[0]
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILL_SCRIPT,
            str(recorded.data_dir),
            str(recorded.key_dir),
            str(out),
            str(camera.id),
            recorded.start.isoformat(),
            (recorded.start + MINUTE).isoformat(),
        ],
        cwd=TOP,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("progress"), line + (process.stderr.read() if process.stderr else "")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    left = list(out.iterdir())
    assert left, "the production had begun"
    assert all(p.name.startswith(PARTIAL_PREFIX) for p in left)
    for path in left:
        assert pv.report(path)[0] != 0
    # The next start (of the console, or of any command) cleans up.
    recorded.open().close()
    assert list(out.iterdir()) == []
    assert list((recorded.data_dir / "export-partial").iterdir()) == []


def run_cli(recorded: Recorded, *args: object, stdin: str | None = None) -> Any:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ui",
            "--data-dir",
            str(recorded.data_dir),
            "--key-dir",
            str(recorded.key_dir),
            *map(str, args),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=TOP,
        check=False,
    )


def test_cli_verify_hand_over_and_the_audit_log_still_verifies(
    recorded: Recorded, package: Path, tmp_path: Path
) -> None:
    copy = copy_of(package, tmp_path)
    verified = subprocess.run(
        [sys.executable, "-m", "ui", "export", "verify", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=TOP,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK: package EXP-1" in verified.stdout
    handed = run_cli(
        recorded,
        "export",
        "handover",
        copy,
        "--to",
        "Polisen, inspektör Lind",
        "--user",
        "anna",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert handed.returncode == 0, handed.stderr
    lines = (copy / pv.CUSTODY).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["to"] == "Polisen, inspektör Lind"
    code, text = pv.report(copy)
    assert code == 0, text
    assert "handover: anna -> Polisen, inspektör Lind" in text
    wrong = run_cli(
        recorded,
        "export",
        "handover",
        copy,
        "--to",
        "X",
        "--user",
        "anna",
        "--password-stdin",
        stdin="wrong\n",
    )
    assert wrong.returncode == 1
    assert len((copy / pv.CUSTODY).read_text(encoding="utf-8").splitlines()) == 2
    # Every step is in the access log, which still verifies end to end.
    exported = tmp_path / "log"
    assert run_cli(recorded, "audit", "export", exported).returncode == 0
    result = run_cli(recorded, "audit", "verify", exported)
    assert result.returncode == 0, result.stdout
    actions = [json.loads(line)["action"] for line in (exported / "entries.jsonl").open()]
    assert pv.PRODUCED_ACTION in actions
    assert pv.HANDOVER_ACTION in actions


def test_a_removed_camera_is_exported_under_the_name_and_place_it_had(
    recorded: Recorded, elsewhere: tuple[Core, FakeClock, Camera], tmp_path: Path
) -> None:
    core, clock, camera = elsewhere
    at = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    place_segments(recorded, core, camera, at)
    place = core.sites.places()[0]
    area = next(a.name for a in core.sites.areas() if a.id == place.area_id)
    core.cameras.remove(CLI, camera.id)
    receipt = produce(core, order((camera.id,), at, at + timedelta(seconds=10)), tmp_path)
    described = manifest_of(receipt.folder)["cameras"][0]
    assert (described["name"], described["place"], described["area"]) == (
        camera.name,
        place.name,
        area,
    )
    assert described["removed_at"] == to_iso(clock.now())
    assert len(described["files"]) == 1


def test_only_the_requester_or_approver_with_the_cameras_areas_may_produce(
    recorded: Recorded, elsewhere: tuple[Core, FakeClock, Camera], tmp_path: Path
) -> None:
    core, _, camera = elsewhere
    at = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    place_segments(recorded, core, camera, at)
    other_area = next(a.id for a in core.sites.areas() if a.id != camera.area_id)
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
    core.users.add(CLI, "cecilia", Role.SUPERVISOR, PASSWORD)
    core.users.add(CLI, "dora", Role.SUPERVISOR, PASSWORD, [other_area])
    the_order = order((camera.id,), at, at + timedelta(seconds=10))
    refused = [
        (CLI, "not by os:root"),
        (Actor.of(core.users.authenticate("olle", PASSWORD)), "neither"),
        (Actor.of(core.users.authenticate("cecilia", PASSWORD)), "neither"),
    ]
    dora = Actor.of(core.users.authenticate("dora", PASSWORD))
    refused.append((dora, "no permission"))
    out = tmp_path / "out"
    out.mkdir()
    for actor, why in refused:
        mine = dataclasses.replace(the_order, requester="dora") if actor is dora else the_order
        with pytest.raises(PermissionDenied, match=why):
            writer(core).produce(
                actor, mine, out, make_zip=False, progress=lambda p: None, cancelled=lambda: False
            )
    assert list(out.iterdir()) == []


def test_an_export_that_does_not_fit_is_refused_before_anything_is_written(
    recorded: Recorded,
    elsewhere: tuple[Core, FakeClock, Camera],
    request: pytest.FixtureRequest,
) -> None:
    # A 24 MiB tmpfs (tests/test_recording.py), skipped where it cannot be mounted.
    disk: Path = request.getfixturevalue("small_disk")
    core, _, camera = elsewhere
    at = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    place_segments(recorded, core, camera, at)
    filler = fill(disk, 4 << 20)
    size = core.audit.status()["size"]
    actor = supervisor(core)
    with pytest.raises(DiskFull, match="not room for the export"):
        writer(core).produce(
            actor,
            order((camera.id,), at, at + MINUTE),
            disk,
            make_zip=True,
            progress=lambda p: None,
            cancelled=lambda: False,
        )
    assert list(disk.iterdir()) == [filler]
    assert int(core.audit.status()["size"]) == int(size) + 1  # the login only


def test_request_approve_produce_and_verify_through_the_command_line(
    recorded: Recorded, tmp_path: Path
) -> None:
    """The whole export as two supervisors do it at the command line, on real recordings."""
    names = ",".join(c.name for c in recorded.cameras)
    start, end = recorded.start, recorded.start + MINUTE
    requested = run_cli(
        recorded,
        "export", "request", "--user", "anna", "--password-stdin",
        "--cameras", names, "--from", start.isoformat(), "--to", end.isoformat(),
        "--reason", "Misshandel vid busshållplatsen", "--case", "Polisen 5000-K123456-26",
        "--recipient", "Polisen, inspektör Lind",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert requested.returncode == 0, requested.stderr
    request_id = requested.stdout.split("Export request ", 1)[1].split(" ", 1)[0]
    approved = run_cli(
        recorded, "export", "approve", request_id, "--user", "bertil", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    out = tmp_path / "usb"
    out.mkdir()
    produced = run_cli(
        recorded, "export", "produce", request_id, "--out", out, "--zip",
        "--user", "anna", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert produced.returncode == 0, produced.stderr
    folder = Path(produced.stdout.split("Package: ", 1)[1].splitlines()[0])
    assert folder.parent == out
    code, text = pv.report(folder)
    assert code == 0, text
    manifest = manifest_of(folder)
    assert (manifest["requester"], manifest["approver"]) == ("anna", "bertil")
    videos = sorted(folder.glob("video/*.mp4"))
    assert len(videos) == 2
    for video in videos:
        with av.open(str(video)) as container:
            frames = sum(1 for _ in container.decode(video=0))
        assert frames >= 60 * FPS
    listed = run_cli(recorded, "export", "list", "--json")
    states = {
        json.loads(line)["id"]: json.loads(line)["state"] for line in listed.stdout.splitlines()
    }
    assert states[int(request_id)] == "produced"


def test_only_a_package_that_verifies_is_handed_over_by_a_supervisor(
    recorded: Recorded, package: Path, tmp_path: Path
) -> None:
    copy = copy_of(package, tmp_path)
    video = sorted((copy / "video").glob("*.mp4"))[0]
    video.write_bytes(video.read_bytes()[:-1])
    custody = (copy / pv.CUSTODY).read_bytes()
    core = recorded.open()
    try:
        core.users.add(CLI, "ossian", Role.OPERATOR, PASSWORD)
        operator = Actor.of(core.users.authenticate("ossian", PASSWORD))
        with pytest.raises(PermissionDenied):
            hand_over(core.audit, core.clock, operator, copy, "Polisen")
        before = core.audit.status()["size"]
        with pytest.raises(InvalidInput, match=f"video/{video.name}: changed"):
            hand_over(core.audit, core.clock, supervisor(core), copy, "Polisen")
        # The supervisor's login only: no hand-over was logged, none was written.
        assert int(core.audit.status()["size"]) == int(before) + 1
    finally:
        core.close()
    assert (copy / pv.CUSTODY).read_bytes() == custody


def test_a_segment_just_begun_adds_nothing_and_is_stated_as_not_yet_recorded(
    recorded: Recorded, elsewhere: tuple[Core, FakeClock, Camera], tmp_path: Path
) -> None:
    core, clock, camera = elsewhere
    at = datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    placed = place_segments(recorded, core, camera, at)
    last = placed[-1]
    path = core.recordings.root / last.path
    data = path.read_bytes()
    # The recorder has written the header and part of the first fragment, nothing whole.
    path.write_bytes(data[: data.index(b"moof") + 200])
    core.db.write(
        lambda db: db.execute(
            "UPDATE segments SET state = 'open', end_utc = start_utc WHERE path = ?", (last.path,)
        )
    ).result()
    clock.moment = last.start + timedelta(seconds=1)
    the_order = order((camera.id,), placed[-2].start, last.start + MINUTE)
    receipt = produce(core, the_order, tmp_path / "out")
    described = manifest_of(receipt.folder)["cameras"][0]
    assert len(described["files"]) == 1
    delivered = described["files"][0]["delivered"]
    assert abs(datetime.fromisoformat(delivered["to"]) - placed[-2].end) < timedelta(seconds=0.1)
    assert described["not_yet_recorded"]["from"] == delivered["to"]
    assert described["gaps"] == []
    assert pv.report(receipt.folder)[0] == 0


def test_the_console_requests_approves_and_produces_a_package_that_verifies(
    recorded: Recorded, qtbot: Any, tmp_path: Path
) -> None:
    """The same export in the console's dialogs (offscreen), with the real package writer."""
    import shiboken6

    from ui.cli_export import package_producer
    from ui.collector import MainThreadCollector
    from ui.events import DomainEvents
    from ui.export import ExportRequestsDialog
    from ui.tasks import TaskRunner

    collector = MainThreadCollector()
    core = recorded.open()
    errors: list[BaseException] = []
    runner = TaskRunner(errors.append, errors.append)
    events = DomainEvents(core.events)
    try:
        anna = supervisor(core, "anna")
        dialog = ExportRequestsDialog(
            core.exports,
            core.users,
            recorded.cameras,
            anna,
            runner,
            core.clock,
            lambda: package_producer(core),
            events,
        )
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: runner.pending == 0)
        before = dialog.table.rowCount()
        new = dialog.open_new(
            recorded.start, recorded.start + MINUTE, [c.id for c in recorded.cameras]
        )
        new.reason.setText("Rån vid torget")
        new.case_number.setText("Polisen 5000-K123456-26")
        new.recipient.setText("Polisen Linköping, insp. Berg")
        new._on_accept()
        qtbot.waitUntil(lambda: dialog.table.rowCount() == before + 1, timeout=10_000)
        request = max(core.exports.requests(anna), key=lambda r: r.id)
        approve = dialog.approve_as(request)
        approve.submitted.emit(("bertil", PASSWORD))
        qtbot.waitUntil(
            lambda: core.exports.get(anna, request.id).state.value == "approved", timeout=10_000
        )
        out = tmp_path / "usb"
        out.mkdir()
        dialog.produce(core.exports.get(anna, request.id), out)
        qtbot.waitUntil(lambda: dialog.receipt.text() != "", timeout=60_000)
        (folder,) = [p for p in out.iterdir() if not p.name.startswith(".")]
        assert str(folder) in dialog.receipt.text()
        code, text = pv.report(folder)
        assert code == 0, text
        assert (manifest_of(folder)["approver"], manifest_of(folder)["requester"]) == (
            "bertil",
            "anna",
        )
        assert len(list(folder.glob("video/*.mp4"))) == 2
        dialog.close()
    finally:
        qtbot.waitUntil(lambda: runner.pending == 0, timeout=60_000)
        runner.shutdown()
        shiboken6.delete(runner)
        shiboken6.delete(events)
        core.close()
        collector.collect()
        collector.stop()
    assert errors == []
