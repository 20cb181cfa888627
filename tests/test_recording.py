"""Recording against the simulated site: segments from the hub's shared session that play
completely and show the right camera, `utkik serve` killed with SIGKILL and restarted (repair,
the gap), one engine per data dir, and a full disk (a small tmpfs) pausing and resuming."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.register_fixture import registered
from tests.sites import loopback_addresses, require_simulated_video, simulated_site, wait_for

require_simulated_video()

import av  # noqa: E402

from console.app import Core  # noqa: E402
from console.camera_facts import StreamProfile  # noqa: E402
from console.cameras import Camera  # noqa: E402
from console.domain import Actor  # noqa: E402
from console.media.hub import MediaHub  # noqa: E402
from console.media.packets import Packet, Profile, StreamInfo, StreamKey, StreamStatus  # noqa: E402
from console.recording.archive import Segment, SegmentState  # noqa: E402
from console.recording.engine import DiskLevel, EngineStatus, RecorderState  # noqa: E402
from console.recording.lock import EngineBusy  # noqa: E402
from console.recording.playback import PlaybackClock  # noqa: E402
from devices import access_log  # noqa: E402
from devices.media.ingest import camera_opener  # noqa: E402
from devices.media.playback import NO_RECORDING, SegmentFeeder  # noqa: E402
from devices.secrets import secret_store  # noqa: E402
from devices.simulator.clips import (  # noqa: E402
    CAMERA_ROW,
    FRAME_ROW,
    camera_code,
    decode_pixel_code,
    frame_rows,
)
from devices.simulator.site import SimulatedSite  # noqa: E402
from tests.conftest import TOP  # noqa: E402
from tests.core.test_cameras import facts  # noqa: E402
from ui.serve import recording_engine  # noqa: E402

CLI = Actor.os_account("root")
MAIN = (320, 180)
FAR = timedelta(days=1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(47, (1, 2))
    with simulated_site(tmp_path_factory, addresses, main_size=MAIN, clip_seconds=2) as running:
        yield running


def add_cameras(site: SimulatedSite, data_dir: Path) -> list[Camera]:
    """The site's cameras in a data dir, logins in the (test) keyring, as onboarding leaves
    them. The access log's key goes to the same keyring, as the CLI's does: a log that has
    entries and no key is a broken one."""
    core = Core.open(data_dir, secrets=secret_store(), keys=access_log.key_store(), sealer=False)
    try:
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
    finally:
        core.close()


def segments(core: Core, camera: Camera) -> list[Segment]:
    now = datetime.now(UTC)
    return core.recordings.segments(camera.id, now - FAR, now + FAR)


def check_plays(root: Path, segment: Segment, name: str) -> int:
    """Decodes the whole segment; every picture carries the camera's code. Returns frames."""
    frames = 0
    with av.open(str(root / segment.path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            assert decode_pixel_code(frame_rows(frame), CAMERA_ROW) == camera_code(name)
            frames += 1
    seconds = (segment.end - segment.start).total_seconds()
    # 25 fps: the segment's index time and its pictures agree within two frames, or 2 % (the
    # simulator's clip loops add up to 60 ms to the camera's timestamps at each seam).
    assert abs(frames - seconds * 25) <= max(2.0, seconds * 25 * 0.02), (segment, frames)
    return frames


def test_the_engine_records_playable_segments_and_is_alone_on_its_data_dir(
    site: SimulatedSite, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    cameras = add_cameras(site, data_dir)
    core = Core.open(data_dir, secrets=secret_store(), sealer=False)
    hub = MediaHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    statuses: list[EngineStatus] = []
    engine = recording_engine(core, hub, "test", segment_s=2.0, on_status=statuses.append)
    try:
        engine.start()
        second = recording_engine(core, hub, "the console")
        with pytest.raises(EngineBusy, match=rf"runs in test \(process {os.getpid()} on"):
            second.start()
        assert wait_for(lambda: all(len(segments(core, c)) >= 3 for c in cameras), 20)
        assert all(s.state is RecorderState.RECORDING for s in engine.status().cameras.values())
        # Both cameras, one RTSP session each (the hub's, shared with any viewer).
        assert hub.open_streams() == {StreamKey(c.id, Profile.MAIN) for c in cameras}
    finally:
        engine.stop()
        hub.close()
    try:
        for camera in cameras:
            found = segments(core, camera)
            assert all(s.state is SegmentState.CLOSED for s in found)
            for segment in found:
                assert (core.recordings.root / segment.path).stat().st_size == segment.bytes
                check_plays(core.recordings.root, segment, camera.name)
            # Segments follow each other without a gap: one recorded range.
            ranges = core.recordings.ranges(camera.id, found[0].start, found[-1].end)
            assert len(ranges) == 1, ranges
            assert all(1.9 <= (s.end - s.start).total_seconds() <= 2.2 for s in found[:-1])
        assert core.recordings.open_segments() == []
    finally:
        core.close()
    assert statuses
    assert statuses[-1].disk.level is DiskLevel.OK


def serve(data_dir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "serve", *extra],
        cwd=TOP,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_until(process: subprocess.Popen[str], text: str, seconds: float = 30) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if text in line:
            return lines
    raise AssertionError(f"{text!r} not printed; got {lines}")


@pytest.mark.parametrize(
    ("seconds", "segment"), [(5.5, "2"), pytest.param(60.0, "10", marks=pytest.mark.long)]
)
def test_serve_killed_with_sigkill_loses_at_most_the_last_fragment(
    site: SimulatedSite, tmp_path: Path, seconds: float, segment: str
) -> None:
    data_dir = tmp_path / "data"
    cameras = add_cameras(site, data_dir)
    first = serve(data_dir, "--segment-seconds", segment)
    try:
        read_until(first, "recording to")
        # A second serve on the same data dir says who records.
        refused = subprocess.run(
            [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "serve"],
            cwd=TOP,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert refused.returncode == 1
        assert f"Recording already runs in utkik serve (process {first.pid}" in refused.stderr
        time.sleep(seconds)
    finally:
        first.kill()  # SIGKILL: no chance to close anything
        first.wait(timeout=10)
    killed_at = datetime.now(UTC)
    core = Core.open(data_dir, sealer=False)
    try:
        left_open = core.recordings.open_segments()
        assert {s.camera_id for s in left_open} == {c.id for c in cameras}
    finally:
        core.close()
    time.sleep(1.0)  # a gap in the recording
    second = serve(data_dir, "--segment-seconds", segment)
    try:
        lines = read_until(second, "recording to")
        assert any(line.startswith("repaired after an interruption") for line in lines), lines
        core = Core.open(data_dir, sealer=False)
        try:
            assert wait_for(
                lambda: all(any(s.start > killed_at for s in segments(core, c)) for c in cameras),
                20,
            )
        finally:
            core.close()
    finally:
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err
    assert "stopped" in out
    core = Core.open(data_dir, sealer=False)
    try:
        assert core.recordings.open_segments() == []
        for camera in cameras:
            found = segments(core, camera)
            for segment in found:
                check_plays(core.recordings.root, segment, camera.name)
            ranges = core.recordings.ranges(camera.id, found[0].start, found[-1].end)
            # Exactly one gap: from the kill (less at most the fragment being built, one GOP
            # of 1 s, plus the 2 s segments' flush margin) to the restart.
            assert len(ranges) == 2, ranges
            before, after = ranges
            assert killed_at - before[1] < timedelta(seconds=1.5), (killed_at, before)
            assert after[0] > killed_at
            assert before[1] - before[0] >= timedelta(seconds=seconds - 1.5)
    finally:
        core.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MiB tmpfs (needs root: skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """A file taking all but `leave` bytes of the disk."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as handle:
        handle.truncate(0)
        chunk = b"\xff" * (1 << 20)
        remaining = max(0, free - leave)
        while remaining > 0:
            remaining -= handle.write(chunk[: min(len(chunk), remaining)])
    return filler


@pytest.mark.parametrize("where", ["reserve", "enospc"])
def test_a_full_disk_pauses_recording_and_it_resumes_when_space_returns(
    site: SimulatedSite, tmp_path: Path, small_disk: Path, where: str
) -> None:
    if where == "reserve":
        # Database, access log and recordings on the small disk: recording pauses while the
        # reserve is still free, so the database and the log can still be written.
        data_dir, reserve, leave = small_disk / "data", 2 << 20, (2 << 20) + (200 << 10)
    else:
        # Only the recordings on it, no reserve: a write meets the full disk (ENOSPC).
        data_dir, reserve, leave = tmp_path / "data", 0, 150 << 10
    cameras = add_cameras(site, data_dir)
    if where == "enospc":
        (data_dir / "recordings").symlink_to(small_disk, target_is_directory=True)
    filler = fill(small_disk, leave)
    core = Core.open(data_dir, secrets=secret_store(), sealer=False)
    hub = MediaHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    statuses: list[EngineStatus] = []
    engine = recording_engine(
        core,
        hub,
        "test",
        segment_s=1.0,
        tick_s=0.2,
        reserve_bytes=reserve,
        on_status=statuses.append,
    )
    try:
        engine.start()
        assert wait_for(lambda: engine.status().disk.level is DiskLevel.FULL, 40), statuses[-1:]
        assert wait_for(
            lambda: all(s.state is RecorderState.PAUSED for s in engine.status().cameras.values()),
            10,
        ), engine.status()
        assert "full" in engine.status().disk.message
        paused_at = datetime.now(UTC)
        # Nothing committed is lost: the database is whole, the log verifies, every indexed
        # segment plays to its end.
        assert core.db.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
        for camera in cameras:
            for segment in segments(core, camera):
                check_plays(core.recordings.root, segment, camera.name)
        filler.unlink()
        assert wait_for(
            lambda: all(any(s.start > paused_at for s in segments(core, c)) for c in cameras),
            20,
        )
        # (a 24 MiB disk warns that it fills within 24 h; it is no longer full)
        assert engine.status().disk.level is not DiskLevel.FULL
    finally:
        engine.stop()
        hub.close()
    try:
        assert core.recordings.open_segments() == []
        for camera in cameras:
            for segment in segments(core, camera):
                check_plays(core.recordings.root, segment, camera.name)
            # Nothing was recorded while paused (the index's times come from the arrival of
            # the packets: within a frame or two of the moment the test saw the pause).
            margin = timedelta(seconds=0.1)
            assert all(
                s.end <= paused_at + margin or s.start > paused_at for s in segments(core, camera)
            )
    finally:
        core.close()


def test_the_recordings_command_sets_mode_and_retention_and_lists(
    site: SimulatedSite, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    cameras = add_cameras(site, data_dir)

    def utkik(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "recordings", *args],
            cwd=TOP,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    name = cameras[0].name
    done = utkik(
        "mode", name, "scheduled", "--window", "mon 07:00-19:00", "--window", "lör 10:00-14:00"
    )
    assert done.returncode == 0, done.stderr
    refused = utkik("retention", name, "200")
    assert refused.returncode == 1
    assert "needs a justification" in refused.stderr
    done = utkik("retention", name, "200", "--justification", "Utredning av återkommande brand")
    assert done.returncode == 0, done.stderr
    listed = utkik("list").stdout.splitlines()
    assert listed[0].split("\t")[2:4] == ["scheduled", "kept 200 h"]
    assert listed[1].split("\t")[2:4] == ["continuous", "kept 72 h"]
    assert "0 cameras purged." in utkik("purge").stdout
    core = Core.open(data_dir, sealer=False)
    try:
        config = core.recordings.config(cameras[0].id)
        assert [(w.weekday, w.start, w.end) for w in config.schedule] == [
            (0, 7 * 60, 19 * 60),
            (5, 10 * 60, 14 * 60),
        ]
    finally:
        core.close()


class Collector:
    """A consumer keeping what it is handed, with the time (time.monotonic) it was handed."""

    def __init__(self) -> None:
        self.info: StreamInfo | None = None
        self.packets: list[tuple[float, Packet]] = []
        self.statuses: list[StreamStatus] = []

    def on_info(self, info: StreamInfo) -> None:
        self.info = info

    def on_packet(self, packet: Packet) -> None:
        self.packets.append((time.monotonic(), packet))

    def on_status(self, status: StreamStatus) -> None:
        self.statuses.append(status)


def frame_codes(info: StreamInfo, packets: list[tuple[float, Packet]]) -> list[tuple[float, int]]:
    """(time, the simulator's frame code) of every packet, decoded in order."""
    context = av.CodecContext.create("h264", "r")
    context.extradata = info.extradata or None
    context.thread_count = 1
    codes: list[int | None] = []
    for _at, packet in packets:
        for frame in context.decode(av.Packet(packet.data)):
            codes.append(decode_pixel_code(frame_rows(frame), FRAME_ROW))
    codes.extend(decode_pixel_code(frame_rows(f), FRAME_ROW) for f in context.decode(None))
    assert len(codes) == len(packets)
    return [(at, code) for (at, _), code in zip(packets, codes, strict=True) if code is not None]


def relation(a: list[tuple[float, int]], b: list[tuple[float, int]], frames: int) -> float:
    """Median of how many frames camera b's clip is ahead of camera a's at the same moment."""
    diffs = []
    for at, code in a:
        bt, bcode = min(b, key=lambda sample: abs(sample[0] - at))
        diff = (bcode - code) - (bt - at) * 25
        diffs.append((diff + frames / 2) % frames - frames / 2)
    diffs.sort()
    return diffs[len(diffs) // 2]


def circular(a: float, b: float, frames: int) -> float:
    return abs((a - b + frames / 2) % frames - frames / 2)


def test_playback_of_two_cameras_stays_in_sync_and_steps_and_seeks(
    site: SimulatedSite, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    cameras = add_cameras(site, data_dir)
    core = Core.open(data_dir, secrets=secret_store(), sealer=False)
    hub = MediaHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    engine = recording_engine(core, hub, "test", segment_s=2.0)
    live = [Collector(), Collector()]
    try:
        engine.start()
        assert wait_for(lambda: all(len(segments(core, c)) >= 1 for c in cameras), 20)
        # What the cameras showed at the same moment, as they were recorded.
        subscriptions = [
            hub.subscribe(StreamKey(c.id, Profile.MAIN), viewer)
            for c, viewer in zip(cameras, live, strict=True)
        ]
        time.sleep(3.0)
        for subscription in subscriptions:
            subscription.close()
        time.sleep(3.0)
    finally:
        engine.stop()
        hub.close()
    frames = 2 * 25  # the clips loop every 2 s at 25 fps
    received = [[(p.received, p) for _, p in viewer.packets] for viewer in live]
    live_codes = [
        frame_codes(v.info, r) for v, r in zip(live, received, strict=True) if v.info is not None
    ]
    live_relation = relation(*live_codes, frames)

    start = max(segments(core, c)[0].start for c in cameras) + timedelta(seconds=1)
    clock = PlaybackClock(start)
    shown = [Collector(), Collector()]
    feeders = [
        SegmentFeeder(
            lambda a, b, cid=c.id: core.recordings.segments(cid, a, b),
            core.recordings.root,
            clock,
            viewer,
        )
        for c, viewer in zip(cameras, shown, strict=True)
    ]
    try:
        for feeder in feeders:
            feeder.start()
        clock.play()
        time.sleep(3.0)
        played = [frame_codes(v.info, v.packets) for v in shown if v.info is not None]
        # Leave out the first half second: the burst from the keyframe before the start.
        settled = [[s for s in codes if s[0] > played[0][0][0] + 0.5] for codes in played]
        assert all(len(codes) >= 50 for codes in settled)
        play_relation = relation(*settled, frames)
        # In sync: the two tiles show what the cameras showed at the same moment, within one
        # frame interval.
        assert circular(play_relation, live_relation, frames) <= 1.0, (
            play_relation,
            live_relation,
        )
        # At the clock's speed: 3 s of wall time is ~75 recorded frames.
        first, last = settled[0][0][0], settled[0][-1][0]
        shown_s = (feeders[0].last_moment - start).total_seconds()  # type: ignore[operator]
        assert abs(shown_s - (time.monotonic() - (first - 0.5))) < 0.6, shown_s
        assert last > first

        # Pause, then step one frame forward: the last frame handed over is the one the
        # clock is at (the frame shown until the next one is due).
        clock.pause()
        time.sleep(0.2)
        clock.step(1)

        def at_the_clock(feeder: SegmentFeeder) -> bool:
            if feeder.last_moment is None:
                return False
            behind = (clock.position() - feeder.last_moment).total_seconds()
            return 0 <= behind < 0.041

        assert wait_for(lambda: all(at_the_clock(f) for f in feeders), 3), [
            (clock.position(), f.last_moment) for f in feeders
        ]
        # Fast forward and backwards: keyframes only, in the direction of play.
        for speed in (8.0, -2.0):
            before = [len(v.packets) for v in shown]
            clock.seek(start + timedelta(seconds=2.5))
            clock.play(speed)
            assert wait_for(
                lambda b=before: all(
                    len(v.packets) >= n + 2 for v, n in zip(shown, b, strict=True)
                ),
                5,
            )
            clock.pause()
            time.sleep(0.1)
            handed = [v.packets[n:] for v, n in zip(shown, before, strict=True)]
            # (the first packets after a jump are the burst from the keyframe at the position)
            assert all(p.keyframe for packets in handed for _, p in packets[1:])
            moments = [feeders[0].last_moment]
            assert moments[0] is not None
            if speed < 0:
                assert moments[0] < start + timedelta(seconds=2.5)
            else:
                assert moments[0] > start + timedelta(seconds=2.5)
        # A time with no recording says so.
        clock.seek(start - timedelta(hours=1))
        clock.play()
        assert wait_for(
            lambda: all(v.statuses and v.statuses[-1].reason == NO_RECORDING for v in shown), 3
        )
    finally:
        for feeder in feeders:
            feeder.close()
        core.close()
    assert all(f.shown() is not None for f in feeders)
