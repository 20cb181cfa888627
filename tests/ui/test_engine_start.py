"""The recording engine's crash repair and its stop run as jobs: the GUI thread keeps answering
while 1 000 crashed segments are repaired (the real figures: benchmarks/bench_gui_repair.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from console.app import Core
from console.recording.engine import RecordingEngine, RepairReport
from console.recording.lock import EngineBusy, EngineLock
from devices.media.recorder import Mp4SegmentFormat
from tests.conftest import FakeClock
from tests.core.test_recording_engine import FakeHub, camera
from tests.crashed_segments import crash_segments
from ui.tasks import JobControl, Pool, TaskRunner

SEGMENTS = 1000
TICK_MS = 10


class Lateness:
    """A timer on the GUI thread measuring how late each of its ticks comes."""

    def __init__(self) -> None:
        self.late_s: list[float] = []
        self._last = time.monotonic()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.monotonic()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _on_timer_timeout(self) -> None:
        now = time.monotonic()
        self.late_s.append(max(0.0, now - self._last - TICK_MS / 1000))
        self._last = now

    def p99(self) -> float:
        ordered = sorted(self.late_s)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def engine_of(core: Core, clock: FakeClock) -> RecordingEngine:
    return RecordingEngine(
        core.recordings,
        core.cameras,
        FakeHub(),  # type: ignore[arg-type]
        Mp4SegmentFormat(),
        clock,
        EngineLock(core.data_dir, clock),
        program="test",
        tick_s=0.05,
        disk_usage=lambda path: (1 << 40, 0, 1 << 39),
    )


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    made = TaskRunner(lambda err: None, lambda err: None)
    yield made
    made.shutdown()


def test_the_gui_thread_answers_while_the_engine_repairs_1000_crashed_segments(
    qtbot: QtBot, runner: TaskRunner, core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    cam = camera(core)
    crashed = crash_segments(core, cam.id, SEGMENTS, clock.now() - timedelta(hours=2), tmp_path)
    engine = engine_of(core, clock)
    reports: list[RepairReport] = []
    progress: list[tuple[int, int]] = []
    failures: list[Exception] = []

    def prepare(control: JobControl) -> RepairReport:
        return engine.prepare(control.progress)

    lateness = Lateness()
    lateness.start()
    began = time.monotonic()
    (
        runner.job(prepare, pool=Pool.STORAGE)
        .success(reports.append)
        .failure(failures.append)
        .with_progress(lambda done, total: progress.append((done, total)))
        .run()
    )
    qtbot.waitUntil(lambda: bool(reports or failures), timeout=120_000)
    repair_s = time.monotonic() - began
    lateness.stop()

    assert failures == []
    assert reports == [RepairReport(repaired=SEGMENTS)]
    assert progress[-1] == (SEGMENTS, SEGMENTS)
    # Every segment was handled: closed in the index with what its file holds, the file cut
    # after its last whole fragment.
    segments = core.recordings.segments(cam.id, clock.now() - timedelta(days=1), clock.now())
    assert core.recordings.open_segments() == []
    assert len(segments) == SEGMENTS
    by_id = {segment.id: segment for segment in segments}
    for one in crashed:
        segment = by_id[one.segment_id]
        assert segment.bytes == one.valid_bytes == one.path.stat().st_size
        assert (segment.end - segment.start).total_seconds() == pytest.approx(one.seconds)
    # The GUI thread kept answering: its 10 ms timer ran all along, late by little.
    assert len(lateness.late_s) >= repair_s * 1000 / TICK_MS / 4
    assert lateness.p99() < 0.2, sorted(lateness.late_s)[-10:]

    # Starting is then cheap, and stopping runs as a job with a deadline.
    engine.start()
    with pytest.raises(EngineBusy):
        engine_of(core, clock).prepare()
    stopped: list[bool] = []
    runner.job(lambda control: engine.stop(timeout=10), pool=Pool.STORAGE).success(
        stopped.append
    ).run()
    qtbot.waitUntil(lambda: stopped == [True], timeout=15_000)
    # The lock is given up: another engine may take the data dir now.
    other = engine_of(core, clock)
    assert other.prepare() == RepairReport()
    other.stop()
