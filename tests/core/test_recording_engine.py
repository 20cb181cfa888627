"""The recording engine's logic with fakes (the real thing against the simulated site is
tests/test_recording.py): segments cut at keyframes, timestamps that never run backwards, the
schedule, the disk reserve."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from console.app import Core
from console.cameras import Camera
from console.domain import Actor, Role
from console.media.packets import Consumer, Packet, Profile, StreamInfo, StreamKey
from console.recording.archive import Mode, parse_window
from console.recording.engine import (
    DiskLevel,
    RecorderState,
    RecordingEngine,
    StreamRecorder,
)
from console.recording.lock import EngineBusy, EngineLock
from tests.conftest import FakeClock
from tests.core.test_cameras import user
from tests.core.test_recording_archive import camera as new_camera
from tests.register_fixture import complete_entry

TB = Fraction(1, 90_000)
INFO = StreamInfo("h264", 320, 180, TB, b"", 25.0)
FRAME = 3600


@dataclass
class MemoryWriter:
    path: Path
    packets: list[tuple[int, int, bool]] = field(default_factory=list)
    size: int = 0

    def write(self, data: bytes, dts: int, pts: int, keyframe: bool) -> None:
        self.packets.append((dts, pts, keyframe))
        self.size += len(data)

    def close(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(b"\0" * self.size)
        return self.size


@dataclass
class MemoryFormat:
    suffix: str = ".mp4"
    writers: list[MemoryWriter] = field(default_factory=list)

    def create(self, path: Path, info: StreamInfo) -> MemoryWriter:
        writer = MemoryWriter(path)
        self.writers.append(writer)
        return writer

    def scan(self, path: Path) -> object:
        raise AssertionError("not used here")

    def truncate(self, path: Path, valid_bytes: int) -> None:
        raise AssertionError("not used here")


def camera(core: Core, name: str = "Torget norr", host: str = "10.1.2.3") -> Camera:
    """A camera that records: its register entry is complete."""
    cam = new_camera(core, name, host)
    complete_entry(core, cam)
    return cam


def packet(
    index: int, *, gop: int = 25, offset: int = 0, stamped: bool = True, at: float | None = None
) -> Packet:
    """Packet `index` of a 25 fps stream; `at`: when it arrived (time.monotonic())."""
    stamp = offset + index * FRAME if stamped else None
    received = time.monotonic() if at is None else at
    return Packet(b"x" * 100, stamp, stamp, index % gop == 0, TB, received=received)


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def recorder(core: Core, fmt: MemoryFormat, camera_id: int) -> StreamRecorder:
    return StreamRecorder(
        StreamKey(camera_id, Profile.MAIN),
        core.recordings,
        fmt,
        core.clock,
        segment_s=2.0,
        paused=lambda: False,
        on_disk_full=lambda err: None,
        on_change=lambda: None,
    )


def test_segments_are_cut_at_keyframes_on_a_timeline_that_never_runs_backwards(
    core: Core,
) -> None:
    cam = camera(core)
    fmt = MemoryFormat()
    rec = recorder(core, fmt, cam.id)
    rec.on_info(INFO)
    # The packets arrived at 25 fps over the last 10 s.
    base = time.monotonic() - 10  # read once: evenly spaced however slow the test runs
    arrivals = iter(base + 0.04 * k for k in range(200))
    # Before the first keyframe: nothing to start from.
    for i in range(20, 25):
        rec.on_packet(packet(i, at=next(arrivals)))
    # The session's first keyframe without timestamps (FFmpeg's RTSP client), then 4.4 s.
    rec.on_packet(packet(0, stamped=False, at=next(arrivals)))
    for i in range(1, 110):
        rec.on_packet(packet(i, at=next(arrivals)))
    # The camera restarts: timestamps from near zero again, a keyframe first.
    for i in range(0, 60):
        rec.on_packet(packet(i, offset=7, at=next(arrivals)))
    rec.close()
    rows = core.recordings.segments(
        cam.id, core.clock.now() - timedelta(hours=1), core.clock.now() + timedelta(hours=1)
    )
    assert core.recordings.open_segments() == []
    # 170 packets, keyframes every 25: segments of >= 2 s cut at keyframes.
    written = [p for w in fmt.writers for p in w.packets]
    assert len(written) == 170
    # The restart's keyframe continues the third segment (1.44 s in): no cut there.
    assert [len(w.packets) for w in fmt.writers] == [50, 50, 60, 10]
    for writer in fmt.writers:
        dts = [d for d, _, _ in writer.packets]
        assert writer.packets[0] == (0, 0, True)  # every segment starts at its keyframe, at 0
        assert all(b > a for a, b in itertools.pairwise(dts))
    # The index holds each segment's duration as recorded.
    durations = [round((r.end - r.start).total_seconds(), 3) for r in rows]
    assert durations == [2.0, 2.0, 2.4, 0.4]
    # One after the other without gaps: one recorded range.
    assert all(
        abs(b.start - a.end) < timedelta(milliseconds=1) for a, b in itertools.pairwise(rows)
    )


def test_the_schedule_starts_and_stops_recording(core: Core, clock: FakeClock) -> None:
    cam = camera(core)
    technician = user(core, "tekla", Role.TECHNICIAN)
    core.register.set_recording(
        technician, cam.id, Mode.SCHEDULED, [parse_window("mon 07:00-19:00")]
    )
    hub = FakeHub()
    # Monday 2026-11-23 06:59 in Stockholm (05:59 UTC).
    clock.moment = datetime(2026, 11, 23, 5, 59, tzinfo=UTC)
    engine = make_engine(core, hub, MemoryFormat())
    engine.start()
    try:
        time.sleep(0.3)
        assert hub.subscribed == []
        clock.advance(minutes=1)
        engine.refresh()
        assert wait_for(lambda: hub.subscribed == [StreamKey(cam.id, Profile.MAIN)])
        clock.moment = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)  # 19:00 local
        engine.refresh()
        assert wait_for(lambda: hub.closed == 1)
        assert engine.status().cameras == {}
    finally:
        engine.stop()
    assert not engine.lock.held


def test_a_camera_records_only_once_its_register_entry_is_complete(core: Core) -> None:
    cam = new_camera(core)
    hub = FakeHub()
    engine = make_engine(core, hub, MemoryFormat())
    engine.start()
    try:
        time.sleep(0.3)
        assert hub.subscribed == []
        # An incomplete entry is not enough.
        core.register.set(Actor.os_account(), cam.id, {"purpose": "Trygghet"})
        engine.refresh()
        time.sleep(0.3)
        assert hub.subscribed == []
        complete_entry(core, cam)
        engine.refresh()
        assert wait_for(lambda: hub.subscribed == [StreamKey(cam.id, Profile.MAIN)])
    finally:
        engine.stop()


def test_below_the_reserve_recording_pauses_and_resumes(core: Core) -> None:
    cam = camera(core)
    hub = FakeHub()
    fmt = MemoryFormat()
    disk = {"free": 10 << 20}
    engine = make_engine(
        core, hub, fmt, reserve_bytes=100 << 20, disk_usage=lambda p: (1 << 30, 0, disk["free"])
    )
    engine.start()
    try:
        assert wait_for(lambda: engine.status().disk.level is DiskLevel.FULL)
        assert wait_for(lambda: len(hub.consumers) == 1)
        consumer = hub.consumers[0]
        consumer.on_info(INFO)
        for i in range(30):
            consumer.on_packet(packet(i))
        assert wait_for(lambda: engine.status().cameras[cam.id].state is RecorderState.PAUSED)
        assert fmt.writers == []
        # Twice the reserve and a little more: it resumes at the next keyframe.
        disk["free"] = (201 << 20) + (1 << 20)
        assert wait_for(lambda: engine.status().disk.level is not DiskLevel.FULL)
        for i in range(30, 60):
            consumer.on_packet(packet(i))
        assert wait_for(lambda: engine.status().cameras[cam.id].state is RecorderState.RECORDING)
        assert fmt.writers[0].packets[0] == (0, 0, True)
        # Below 15 % free: a warning.
        disk["free"] = 150 << 20
        assert wait_for(lambda: engine.status().disk.level is DiskLevel.WARNING)
        assert "15" not in engine.status().disk.message
        assert engine.status().disk.params == {"percent": 14}
    finally:
        engine.stop()


class FakeSubscription:
    def __init__(self, hub: FakeHub) -> None:
        self._hub = hub

    def close(self) -> None:
        with self._hub.lock:
            self._hub.closed += 1


class FakeHub:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.subscribed: list[StreamKey] = []
        self.consumers: list[Consumer] = []
        self.closed = 0

    def subscribe(self, key: StreamKey, consumer: Consumer) -> FakeSubscription:
        with self.lock:
            self.subscribed.append(key)
            self.consumers.append(consumer)
        return FakeSubscription(self)


def make_engine(core: Core, hub: FakeHub, fmt: MemoryFormat, **options: object) -> RecordingEngine:
    return RecordingEngine(
        core.recordings,
        core.cameras,
        hub,  # type: ignore[arg-type]
        fmt,  # type: ignore[arg-type]
        core.clock,
        EngineLock(core.data_dir, core.clock),
        program="test",
        segment_s=2.0,
        tick_s=0.05,
        disk_usage=options.pop("disk_usage", lambda p: (1 << 40, 0, 1 << 39)),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def test_event_recording_starts_from_the_pre_event_buffer(core: Core) -> None:
    cam = camera(core)
    technician = user(core, "tekla", Role.TECHNICIAN)
    core.register.set_recording(technician, cam.id, Mode.EVENT)
    hub, fmt = FakeHub(), MemoryFormat()
    engine = make_engine(core, hub, fmt, pre_event_s=2.0)
    engine.start()
    try:
        assert wait_for(lambda: len(hub.consumers) == 1)
        assert not engine.trigger(cam.id + 1)  # not a camera in event recording
        consumer = hub.consumers[0]
        consumer.on_info(INFO)
        base = time.monotonic() - 20
        arrivals = iter(base + 0.04 * k for k in range(400))
        for i in range(250):  # 10 s before the event: nothing recorded, 2-3 s kept
            consumer.on_packet(packet(i, at=next(arrivals)))
        assert wait_for(lambda: engine.status().cameras[cam.id].state is RecorderState.STARTING)
        time.sleep(0.2)
        assert fmt.writers == []
        assert engine.trigger(cam.id, seconds=1.0)
        for i in range(250, 275):
            consumer.on_packet(packet(i, at=next(arrivals)))
        assert wait_for(lambda: engine.status().cameras[cam.id].state is RecorderState.RECORDING)
        time.sleep(1.1)  # the event is over: the segment ends at the next keyframe
        for i in range(275, 325):
            consumer.on_packet(packet(i, at=next(arrivals)))
        assert wait_for(lambda: core.recordings.open_segments() == [] and len(fmt.writers) == 2)
        time.sleep(0.2)
    finally:
        engine.stop()
    written = [p for w in fmt.writers for p in w.packets]
    # From the keyframe 3 s before the trigger (the last one at least 2 s back) to the first
    # keyframe after the event ended.
    assert len(written) == 100
    assert fmt.writers[0].packets[0] == (0, 0, True)
    rows = core.recordings.segments(
        cam.id, core.clock.now() - timedelta(hours=1), core.clock.now() + timedelta(hours=1)
    )
    assert sum((r.end - r.start).total_seconds() for r in rows) == 4.0


@dataclass
class StuckWriter(MemoryWriter):
    """A writer whose file does not close until `release` is set (a disk that hangs)."""

    release: threading.Event = field(default_factory=threading.Event)

    def close(self) -> int:
        self.release.wait(30)
        return super().close()


@dataclass
class StuckFormat(MemoryFormat):
    release: threading.Event = field(default_factory=threading.Event)

    def create(self, path: Path, info: StreamInfo) -> MemoryWriter:
        writer = StuckWriter(path, release=self.release)
        self.writers.append(writer)
        return writer


def test_prepare_on_a_worker_then_start_and_a_stop_that_keeps_its_deadline(core: Core) -> None:
    cam = camera(core)
    hub, fmt = FakeHub(), StuckFormat()
    engine = make_engine(core, hub, fmt)
    reports = []
    worker = threading.Thread(target=lambda: reports.append(engine.prepare()))
    worker.start()
    worker.join()
    assert engine.lock.held
    with pytest.raises(EngineBusy):
        make_engine(core, FakeHub(), MemoryFormat()).prepare()
    assert engine.start() is reports[0]
    assert wait_for(lambda: len(hub.consumers) == 1)
    consumer = hub.consumers[0]
    consumer.on_info(INFO)
    for i in range(30):
        consumer.on_packet(packet(i))
    assert wait_for(lambda: engine.status().cameras[cam.id].state is RecorderState.RECORDING)
    began = time.monotonic()
    try:
        # The recorder cannot close its file: the stop gives up at its deadline and keeps the
        # lock, so no other engine takes over a file still being written.
        assert engine.stop(timeout=0.5) is False
        assert time.monotonic() - began < 2.0
        assert engine.lock.held
        assert [s.id for s in core.recordings.open_segments()] != []
    finally:
        fmt.release.set()
    assert wait_for(lambda: core.recordings.open_segments() == [])
    engine.lock.release()
