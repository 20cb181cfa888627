"""The recording engine: the media hub's shared sessions written to segments, and the disk watch.

One engine per data dir (console/recording/lock.py), in the console or in `utkik serve`. Every
camera whose recording settings say so now (continuous, inside a scheduled window, or event
recording) has a `StreamRecorder` subscribed to its main stream in the hub: the same RTSP
session the live view uses. A recorder never decodes and never skips: the hub calls it on its
reader thread, it only queues, and its own thread puts the packets on a timeline that never runs
backwards and writes them to fragmented MP4 segments of about `segment_s` seconds, each cut at a
keyframe and indexed (open when it starts, closed with its end and size when it ends).

Event recording keeps the last `pre_event_s` seconds (from a keyframe) in a `PreEventBuffer`
and writes nothing until `RecordingEngine.trigger` (the alarms feature) says so; it then records
from the buffer on until the event is `seconds` old.

Crash safety: a killed process leaves its last segment open in the index; `repair` on the next
start cuts the file after its last whole fragment and closes the row with the time it holds (or
drops a segment that holds nothing), deletes index rows whose files are gone and files that no
row names (orphans).

Disk: the engine checks the recordings disk every tick. Below 15 % free, or when the recent write
rate would fill it within 24 h, it warns; below `reserve_bytes` free (kept for the database and
the access log), or when a write meets a full disk, recording pauses (segments end cleanly) and
resumes by itself once twice the reserve (and 1 MiB) is free again. Expired recordings are
purged every `purge_every_s` (console/recording/archive.py).
"""

from __future__ import annotations

import enum
import logging
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from console.cameras import CameraService
from console.clock import Clock
from console.domain import Actor
from console.errors import N_, DiskFull, KnownError
from console.media.hub import MediaHub, Subscription
from console.media.packets import Packet, Profile, StreamInfo, StreamKey, StreamState, StreamStatus
from console.media.timeline import Timeline
from console.ports import SegmentFormat, SegmentWriter
from console.recording.archive import MAX_SEGMENT, Mode, RecordingService, segment_path
from console.recording.lock import EngineLock
from console.workers import Worker

log = logging.getLogger(__name__)

CLOCK = 90_000
MAX_SEGMENT_TICKS = round(MAX_SEGMENT.total_seconds() * CLOCK)
#: A recorder queues at most this much when the disk is slower than the cameras; beyond it the
#: oldest packets up to the next keyframe are dropped (counted and logged).
MAX_QUEUE_BYTES = 256 << 20
#: Frigate's watchdog: a recorder whose stream is live but that wrote nothing for this long is
#: started afresh.
WATCHDOG_S = 120.0
WARN_FREE_SHARE = 0.15
WARN_HOURS_TO_FULL = 24.0
DEFAULT_RESERVE_BYTES = 256 << 20
#: Event recording: kept before an event, and recorded after it unless told otherwise.
DEFAULT_PRE_EVENT_S = 10.0
DEFAULT_POST_EVENT_S = 30.0
#: Recording resumes when twice the reserve and this much more are free (no pause-resume flutter).
RESUME_MARGIN_BYTES = 1 << 20


class DiskLevel(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    FULL = "full"


@dataclass(frozen=True, slots=True)
class DiskStatus:
    level: DiskLevel
    free_bytes: int
    total_bytes: int
    #: at the recent write rate, hours until recording pauses (None when nothing is written)
    hours_to_full: float | None = None
    #: what to tell the operator (a translatable template and its parameters)
    message: str = ""
    params: dict[str, object] = field(default_factory=dict)


class RecorderState(enum.StrEnum):
    #: subscribed, waiting for the stream's first keyframe
    STARTING = "starting"
    RECORDING = "recording"
    #: the disk is full
    PAUSED = "paused"
    #: the camera's stream is not coming (offline, stale)
    INTERRUPTED = "interrupted"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RecorderStatus:
    camera_id: int
    state: RecorderState
    since: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True)
class EngineStatus:
    disk: DiskStatus
    cameras: dict[int, RecorderStatus]


@dataclass(frozen=True, slots=True)
class RepairReport:
    #: open segments cut after their last whole fragment and closed
    repaired: int = 0
    #: open segments that held nothing whole (file and row removed)
    dropped: int = 0
    #: index rows whose file was gone
    missing: int = 0
    #: files no index row named (removed)
    orphans: int = 0


class _Item(NamedTuple):
    packet: Packet | None
    info: StreamInfo | None
    wall: float


@dataclass(slots=True)
class _Open:
    """The segment being written."""

    id: int
    path: str
    writer: SegmentWriter
    start: datetime
    dts0: int
    end_ticks: int
    #: a write failed: the file may end in a half-written fragment
    damaged: bool = False
    #: bytes of packet data written (the file holds at least this much when whole)
    payload: int = 0
    #: UTC of the segment's first frame, from its least-delayed packet (see `_anchor`)
    anchor: datetime | None = None
    #: time.monotonic() and UTC read together when it opened (arrival times from wall times)
    mono0: float = 0.0
    utc0: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Stamped:
    """A packet on the recorder's timeline, not yet written."""

    data: bytes
    keyframe: bool
    dts: int
    pts: int
    wall: float


class PreEventBuffer:
    """The last `seconds` of a stream (at least; from a keyframe), kept while nothing is
    recorded, so a recording started by an event begins before it. Whole GOPs only: what
    comes before the first keyframe could not be decoded."""

    def __init__(self, seconds: float) -> None:
        self._span = round(seconds * CLOCK)
        self._gops: deque[list[_Stamped]] = deque()

    def add(self, item: _Stamped) -> None:
        if item.keyframe:
            self._gops.append([item])
        elif self._gops:
            self._gops[-1].append(item)
        else:
            return
        while len(self._gops) >= 2 and self._gops[1][0].dts <= item.dts - self._span:
            self._gops.popleft()

    def take(self) -> list[_Stamped]:
        """Everything kept, oldest first; the buffer is empty afterwards."""
        items = [item for gop in self._gops for item in gop]
        self._gops.clear()
        return items

    @property
    def seconds(self) -> float:
        if not self._gops:
            return 0.0
        return (self._gops[-1][-1].dts - self._gops[0][0].dts) / CLOCK


class StreamRecorder:
    """Writes one camera stream's packets to segments (a hub Consumer; see the module doc).

    With `pre_event_s` (event recording) it writes only while triggered (`trigger`), and keeps
    the last `pre_event_s` seconds meanwhile, written first when a trigger comes."""

    def __init__(
        self,
        key: StreamKey,
        service: RecordingService,
        fmt: SegmentFormat,
        clock: Clock,
        *,
        segment_s: float,
        paused: Callable[[], bool],
        on_disk_full: Callable[[DiskFull], None],
        on_change: Callable[[], None],
        pre_event_s: float | None = None,
    ) -> None:
        self.key = key
        #: event recording: the pre-event buffer, and until when (time.monotonic()) to record
        self.pre_event = PreEventBuffer(pre_event_s) if pre_event_s is not None else None
        self._record_until = 0.0
        self._service = service
        self._fmt = fmt
        self._clock = clock
        self._segment_ticks = round(segment_s * CLOCK)
        self._paused = paused
        self._on_disk_full = on_disk_full
        self._on_change = on_change
        self._cond = threading.Condition()
        self._queue: deque[_Item] = deque()
        self._queued_bytes = 0
        self._skipping = False
        self._stopping = False
        self.subscription: Subscription | None = None
        self._info: StreamInfo | None = None
        self._timeline: Timeline | None = None
        self._open: _Open | None = None
        self._clock_pair: tuple[float, datetime] | None = None
        self.status = RecorderStatus(key.camera_id, RecorderState.STARTING, clock.now())
        #: bytes written (for the disk's fill rate), packets dropped for a slow disk
        self.written = 0
        self.dropped = 0
        #: time.monotonic() of the last packet written
        self.last_write = time.monotonic()
        self._thread = threading.Thread(
            target=self._run, name=f"recorder-{key.camera_id}-{key.profile}", daemon=True
        )
        self._thread.start()

    # -- the hub's Consumer (the hub's threads: only queue) ---------------------------------------

    def on_info(self, info: StreamInfo) -> None:
        self._put(_Item(None, info, time.monotonic()), 0)

    def on_packet(self, packet: Packet) -> None:
        self._put(_Item(packet, None, packet.received or time.monotonic()), len(packet.data))

    def on_status(self, status: StreamStatus) -> None:
        if status.state in (StreamState.OFFLINE, StreamState.STALE):
            self._set(RecorderState.INTERRUPTED, status.reason)

    def _put(self, item: _Item, size: int) -> None:
        with self._cond:
            if self._stopping:
                return
            if item.packet is not None:
                if self._skipping and not item.packet.keyframe:
                    self.dropped += 1
                    return
                self._skipping = False
                if self._queued_bytes + size > MAX_QUEUE_BYTES:
                    # The disk cannot keep up: drop what waits and go on from the next keyframe.
                    log.warning("recorder %s: the disk is too slow, dropping packets", self.key)
                    self.dropped += sum(1 for queued in self._queue if queued.packet)
                    self._queue.clear()
                    self._queued_bytes = 0
                    self._skipping = not item.packet.keyframe
                    if self._skipping:
                        self.dropped += 1
                        return
            self._queue.append(item)
            self._queued_bytes += size
            self._cond.notify()

    # -- control (the engine's thread) -------------------------------------------------------------

    def close(self, timeout: float = 30.0) -> None:
        """Stop, ending the open segment with what was written (blocks until it is indexed,
        at most `timeout` seconds: see `alive`)."""
        if self.subscription is not None:
            self.subscription.close()
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout=timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # -- the recorder's thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while not self._queue and not self._stopping:
                        self._cond.wait()
                    if not self._queue:
                        break
                    item = self._queue.popleft()
                    if item.packet is not None:
                        self._queued_bytes -= len(item.packet.data)
                if item.info is not None:
                    self._new_info(item.info)
                elif item.packet is not None:
                    self._write(item.packet, item.wall)
        except Exception:
            log.exception("recorder %s failed", self.key)
            self._set(RecorderState.FAILED, "internal error")
        finally:
            self._end_segment()

    def _new_info(self, info: StreamInfo) -> None:
        if info == self._info and self._timeline is not None:
            return
        # New stream parameters (a reconnect with another picture size): a new segment at the
        # next keyframe, on a timeline that continues where the wall clock says.
        self._end_segment()
        self._info = info
        self._timeline = Timeline(CLOCK, info.fps)

    def trigger(self, seconds: float) -> None:
        """Event recording: record from the pre-event buffer on, until `seconds` from now (a
        later trigger extends it)."""
        self._record_until = max(self._record_until, time.monotonic() + seconds)

    def _write(self, packet: Packet, wall: float) -> None:
        if self._timeline is None or self._info is None:
            return
        if self._paused():
            if self._open is not None:
                self._end_segment()
            self._set(RecorderState.PAUSED, N_("The disk is full."))
            return
        stamps = self._timeline.stamps(packet, wall)
        if stamps is None:
            return
        self._timeline.commit(stamps[0], wall)
        item = _Stamped(packet.data, packet.keyframe, stamps[0], stamps[1], wall)
        if self.pre_event is not None:
            if time.monotonic() >= self._record_until:
                # Between events: keep the pre-event buffer, end what an event recorded.
                if self._open is not None and item.keyframe:
                    self._open.end_ticks = item.dts
                    self._end_segment()
                if self._open is None:
                    self.pre_event.add(item)
                    if self.status.state is not RecorderState.STARTING:
                        self._set(RecorderState.STARTING)
                    return
            else:
                for kept in self.pre_event.take():
                    self._record(kept)
        self._record(item)

    def _record(self, item: _Stamped) -> None:
        assert self._timeline is not None
        dts, pts = item.dts, item.pts
        current = self._open
        if item.keyframe and (current is None or dts - current.dts0 >= self._segment_ticks):
            if current is not None:
                current.end_ticks = dts
                self._end_segment()
            if not self._begin_segment(dts, item.wall):
                return
        current = self._open
        if current is None:
            return  # waiting for a keyframe
        if dts - current.dts0 >= MAX_SEGMENT_TICKS:
            # No keyframe for an hour (a broken camera): end here, go on at the next keyframe.
            current.end_ticks = dts
            self._end_segment()
            return
        try:
            current.writer.write(item.data, dts - current.dts0, pts - current.dts0, item.keyframe)
        except DiskFull as err:
            current.damaged = True
            self._end_segment()
            self._set(RecorderState.PAUSED, err.message)
            self._on_disk_full(err)
            return
        except KnownError as err:
            log.warning("recorder %s: %s", self.key, err)
            current.damaged = True
            self._end_segment()
            self._set(RecorderState.FAILED, err.message)
            self._timeline.interrupt()
            return
        current.end_ticks = dts + self._timeline.frame_ticks
        current.payload += len(item.data)
        self._anchor(current, item)
        self.written += len(item.data)
        self.last_write = time.monotonic()
        if self.status.state is not RecorderState.RECORDING:
            self._set(RecorderState.RECORDING)

    def _begin_segment(self, dts: int, wall: float) -> bool:
        assert self._info is not None
        mono0, utc0 = self._wall_clock()
        start = utc0 + timedelta(seconds=wall - mono0)
        path = segment_path(self.key.camera_id, self.key.profile, start)
        segment_id = self._service.open_segment(self.key.camera_id, self.key.profile, start, path)
        try:
            writer = self._fmt.create(self._service.root / path, self._info)
        except DiskFull as err:
            self._service.drop_segment(segment_id)
            self._service.delete_file(path)
            self._set(RecorderState.PAUSED, err.message)
            self._on_disk_full(err)
            return False
        except KnownError as err:
            self._service.drop_segment(segment_id)
            self._set(RecorderState.FAILED, err.message)
            return False
        self._open = _Open(segment_id, path, writer, start, dts, dts, mono0=mono0, utc0=utc0)
        return True

    def _wall_clock(self) -> tuple[float, datetime]:
        """time.monotonic() and the UTC clock read together, at most an hour ago (monotonic
        time turns into UTC by it; read again hourly, as NTP slews the UTC clock)."""
        mono = time.monotonic()
        if self._clock_pair is None or mono - self._clock_pair[0] > 3600:
            self._clock_pair = (mono, self._clock.now())
        return self._clock_pair

    @staticmethod
    def _anchor(current: _Open, item: _Stamped) -> None:
        """Where the segment's first frame lies in UTC, estimated as NTP estimates a clock
        offset: each packet's arrival less its time into the segment is an upper bound (a
        packet can only arrive after it was made), so the smallest one, the least-delayed
        packet's, is the best. Every segment is anchored so on its own: a camera whose clock
        runs fast or slow against ours never drifts from the wall clock by more than within
        one segment, and the cameras of a site stay in step with each other."""
        assert current.utc0 is not None
        arrived = current.utc0 + timedelta(seconds=item.wall - current.mono0)
        candidate = arrived - timedelta(seconds=(item.dts - current.dts0) / CLOCK)
        if current.anchor is None or candidate < current.anchor:
            current.anchor = candidate

    def _end_segment(self) -> None:
        current, self._open = self._open, None
        if current is None:
            return
        try:
            size = current.writer.close()
        except KnownError as err:
            log.warning("recorder %s: %s", self.key, err)
            current.damaged = True
            size = 0
            if isinstance(err, DiskFull):
                self._on_disk_full(err)
        ticks = current.end_ticks - current.dts0
        if size < current.payload:
            # FFmpeg ignores a short write (a disk filling up under it): the file lacks bytes.
            current.damaged = True
        if current.damaged:
            # Keep what is whole, as after a crash.
            path = self._service.root / current.path
            scan = self._fmt.scan(path)
            if 0 < scan.valid_bytes < size:
                self._fmt.truncate(path, scan.valid_bytes)
            size, ticks = scan.valid_bytes, scan.duration_ticks
        if ticks <= 0 or size == 0:
            self._service.drop_segment(current.id)
            self._service.delete_file(current.path)
            return
        start = current.anchor or current.start
        end = start + timedelta(seconds=ticks / CLOCK)
        self._service.close_segment(current.id, end, size, start=start)
        self._on_change()

    def _set(self, state: RecorderState, reason: str = "") -> None:
        if self.status.state is state and self.status.reason == reason:
            return
        self.status = RecorderStatus(self.key.camera_id, state, self._clock.now(), reason)
        self._on_change()


class RecordingEngine:
    """Records every camera its settings say to, from the media hub; see the module doc."""

    def __init__(
        self,
        service: RecordingService,
        cameras: CameraService,
        hub: MediaHub,
        fmt: SegmentFormat,
        clock: Clock,
        lock: EngineLock,
        *,
        program: str,
        segment_s: float = 10.0,
        tick_s: float = 1.0,
        purge_every_s: float = 60.0,
        reserve_bytes: int = DEFAULT_RESERVE_BYTES,
        pre_event_s: float = DEFAULT_PRE_EVENT_S,
        disk_usage: Callable[[Path], tuple[int, int, int]] = shutil.disk_usage,
        on_status: Callable[[EngineStatus], None] | None = None,
    ) -> None:
        self.service = service
        self._cameras = cameras
        self._hub = hub
        self._fmt = fmt
        self._clock = clock
        self.lock = lock
        self._program = program
        self._segment_s = segment_s
        self._tick_s = tick_s
        self._purge_every_s = purge_every_s
        self._reserve = reserve_bytes
        self._pre_event_s = pre_event_s
        self._disk_usage = disk_usage
        self._on_status = on_status
        self._process = Actor.os_account()
        self._recorders: dict[int, StreamRecorder] = {}
        self._paused = False
        self._full_reported = False
        self._disk = DiskStatus(DiskLevel.OK, 0, 0)
        self._rate: deque[tuple[float, int]] = deque(maxlen=120)
        self._worker: Worker | None = None
        self._last_purge = 0.0
        self._status_lock = threading.Lock()
        self._reported: EngineStatus | None = None
        #: prepare, start and stop may come from different threads (a job, the GUI thread)
        self._life = threading.RLock()
        self._prepared: RepairReport | None = None

    # -- life ------------------------------------------------------------------------------------

    def prepare(self, progress: Callable[[int, int], None] | None = None) -> RepairReport:
        """Take the data dir's recording lock (EngineBusy names who has it) and repair what a
        crash left: file and database work that can take seconds, so the GUI calls it on a
        worker (any thread will do), then `start`. `progress(done, total)` counts the open
        segments repaired. Called again, it returns the first report."""
        with self._life:
            if self._prepared is not None:
                return self._prepared
            self.lock.acquire(self._program)
            try:
                report = self.repair(progress)
                self.service.root.mkdir(parents=True, exist_ok=True)
            except BaseException:
                self.lock.release()
                raise
            self._prepared = report
            return report

    def start(self) -> RepairReport:
        """Start recording, after `prepare` (done here first if it was not): with the data dir
        prepared it only starts the engine's thread. `on_status` is then called on the engine's
        and the recorders' threads, never the caller's."""
        report = self.prepare()
        with self._life:
            if self._worker is None:
                self._worker = Worker("recording-engine", self._loop)
                self._worker.start()
        return report

    def stop(self, timeout: float = 60.0) -> bool:
        """End every segment cleanly and give up the lock, within `timeout` seconds; callable
        from any thread (the GUI calls it on a worker at quitting). False when a recorder did
        not end in time: its segment stays open in the index, for the next start's repair, and
        the lock is kept until this process ends, so no other engine takes over its files."""
        deadline = time.monotonic() + timeout
        with self._life:
            stopped = True
            if self._worker is not None:
                stopped = self._worker.stop(timeout=max(0.0, deadline - time.monotonic()))
                self._worker = None
            for recorder in list(self._recorders.values()):
                recorder.close(timeout=max(0.0, deadline - time.monotonic()))
                stopped = stopped and not recorder.alive
            self._recorders.clear()
            if self._prepared is None:
                return stopped
            self._prepared = None
            if not stopped:
                log.warning("the recording engine did not stop within %.0f s", timeout)
                return False
            self.lock.release()
            return True

    def refresh(self) -> None:
        """Settings changed: apply them now rather than at the next tick."""
        worker = self._worker
        if worker is not None:
            worker.wake()

    def status(self) -> EngineStatus:
        cameras = {cid: rec.status for cid, rec in list(self._recorders.items())}
        return EngineStatus(self._disk, cameras)

    def repair(self, progress: Callable[[int, int], None] | None = None) -> RepairReport:
        """Close what a killed process left open, forget what is gone, remove orphans;
        `progress(done, total)` after each open segment."""
        repaired = dropped = missing = orphans = 0
        root = self.service.root
        open_segments = self.service.open_segments()
        for done, segment in enumerate(open_segments, 1):
            if progress is not None:
                progress(done - 1, len(open_segments))
            path = root / segment.path
            if not path.exists():
                self.service.drop_segment(segment.id)
                missing += 1
                continue
            scan = self._fmt.scan(path)
            if scan.valid_bytes == 0 or scan.duration_ticks <= 0:
                self.service.drop_segment(segment.id)
                self.service.delete_file(segment.path)
                dropped += 1
                continue
            if scan.valid_bytes < path.stat().st_size:
                self._fmt.truncate(path, scan.valid_bytes)
            end = segment.start + timedelta(seconds=scan.duration_ticks / CLOCK)
            self.service.close_segment(segment.id, end, scan.valid_bytes)
            repaired += 1
        if progress is not None and open_segments:
            progress(len(open_segments), len(open_segments))
        if root.is_dir():
            indexed = self.service.indexed_paths()
            for path in root.rglob(f"*{self._fmt.suffix}"):
                relative = path.relative_to(root).as_posix()
                if relative not in indexed:
                    self.service.delete_file(relative)
                    orphans += 1
            gone = [relative for relative in indexed if not (root / relative).exists()]
            if gone:
                log.warning("%d recorded segments are missing from %s", len(gone), root)
                self.service.forget_paths(gone)
                missing += len(gone)
        report = RepairReport(repaired, dropped, missing, orphans)
        if report != RepairReport():
            log.info("recordings repaired: %s", report)
        return report

    # -- the engine's thread -----------------------------------------------------------------------

    def _loop(self, worker: Worker) -> None:
        while not worker.stopping:
            try:
                self._tick()
            except Exception:
                log.exception("the recording engine's tick failed")
            worker.heartbeat()
            worker.wait(self._tick_s)

    def _tick(self) -> None:
        self._check_disk()
        now = self._clock.now()
        cameras = {camera.id: camera for camera in self._cameras.list(self._process)}
        configs = self.service.configs(cameras)
        wanted = {
            cid
            for cid, camera in cameras.items()
            # The register decides: a camera records once its entry is complete.
            if camera.main_uri and camera.in_service and configs[cid].listens_at(now)
        }
        for cid in list(self._recorders):
            recorder = self._recorders[cid]
            stuck = (
                recorder.status.state is RecorderState.RECORDING
                and time.monotonic() - recorder.last_write > WATCHDOG_S
            )
            switched = cid in wanted and (recorder.pre_event is not None) != (
                configs[cid].mode is Mode.EVENT
            )
            if cid not in wanted or not recorder.alive or stuck or switched:
                if stuck:
                    log.warning("recorder of camera %s wrote nothing for %ds", cid, WATCHDOG_S)
                del self._recorders[cid]
                recorder.close()
        for cid in wanted - set(self._recorders):
            event = configs[cid].mode is Mode.EVENT
            self._recorders[cid] = self._start_recorder(cid, event=event)
        if time.monotonic() - self._last_purge >= self._purge_every_s:
            self._last_purge = time.monotonic()
            for receipt in self.service.purge():
                log.info("purged %s", receipt)
        self._report()

    def trigger(self, camera_id: int, seconds: float = DEFAULT_POST_EVENT_S) -> bool:
        """An event at `camera_id` (the alarms feature): a camera in event recording records
        from its pre-event buffer until `seconds` from now. False when it is not in event
        recording (or not followed yet)."""
        recorder = self._recorders.get(camera_id)
        if recorder is None or recorder.pre_event is None:
            return False
        recorder.trigger(seconds)
        return True

    def _start_recorder(self, camera_id: int, *, event: bool = False) -> StreamRecorder:
        key = StreamKey(camera_id, Profile.MAIN)
        recorder = StreamRecorder(
            key,
            self.service,
            self._fmt,
            self._clock,
            segment_s=self._segment_s,
            paused=lambda: self._paused,
            on_disk_full=self._disk_full,
            on_change=self._report,
            pre_event_s=self._pre_event_s if event else None,
        )
        try:
            recorder.subscription = self._hub.subscribe(key, recorder)
        except BaseException:
            recorder.close()
            raise
        return recorder

    def _disk_full(self, err: DiskFull) -> None:
        log.warning("%s", err)
        self._paused = True
        self._full_reported = True
        self.refresh()

    def _check_disk(self) -> None:
        root = self.service.root
        try:
            total, _used, free = self._disk_usage(root)
        except OSError as err:
            log.warning("cannot check the recordings disk %s: %s", root, err)
            return
        written = sum(rec.written for rec in list(self._recorders.values()))
        moment = time.monotonic()
        self._rate.append((moment, written))
        rate = 0.0
        if len(self._rate) >= 2:
            (t0, b0), (t1, b1) = self._rate[0], self._rate[-1]
            if t1 > t0 and b1 >= b0:
                rate = (b1 - b0) / (t1 - t0)
        hours = (free - self._reserve) / rate / 3600 if rate > 0 else None
        if self._paused:
            if free >= 2 * self._reserve + RESUME_MARGIN_BYTES:
                self._paused = self._full_reported = False
                log.info("the recordings disk has room again: recording resumes")
        elif free < self._reserve:
            self._paused = True
        if self._paused:
            status = DiskStatus(
                DiskLevel.FULL,
                free,
                total,
                0.0,
                N_("The recordings disk is full: recording is paused until space is freed."),
            )
        elif total and free / total < WARN_FREE_SHARE:
            status = DiskStatus(
                DiskLevel.WARNING,
                free,
                total,
                hours,
                N_("The recordings disk has only {percent} % free."),
                {"percent": int(100 * free / total)},
            )
        elif hours is not None and hours < WARN_HOURS_TO_FULL:
            status = DiskStatus(
                DiskLevel.WARNING,
                free,
                total,
                hours,
                N_("At the current rate the recordings disk is full in {hours} hours."),
                {"hours": round(hours, 1)},
            )
        else:
            status = DiskStatus(DiskLevel.OK, free, total, hours)
        self._disk = status

    def _report(self) -> None:
        if self._on_status is None:
            return
        status = self.status()
        with self._status_lock:
            previous = self._reported
            if previous is not None and _same(previous, status):
                return
            self._reported = status
        self._on_status(status)


def _same(a: EngineStatus, b: EngineStatus) -> bool:
    return (
        a.disk.level == b.disk.level
        and a.disk.message == b.disk.message
        and {k: (v.state, v.reason) for k, v in a.cameras.items()}
        == {k: (v.state, v.reason) for k, v in b.cameras.items()}
    )
