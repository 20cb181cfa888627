"""The job API (ui/tasks.py): outcomes on the GUI thread, receivers, progress, cancel, pools."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from console.app import Core
from console.audit.log import Entry
from console.domain import Actor
from console.errors import N_, InternalError, KnownError, NotFound
from console.runtime import DeviceLoop
from ui.tasks import POOL_WORKERS, JobControl, Pool, TaskRunner


class Reported:
    """What reached the runner's own paths (the message bus, the internal-error dialog)."""

    def __init__(self) -> None:
        self.known: list[KnownError] = []
        self.bugs: list[BaseException] = []


@pytest.fixture
def reported() -> Reported:
    return Reported()


@pytest.fixture
def runner(qtbot: QtBot, reported: Reported) -> Iterator[TaskRunner]:
    made = TaskRunner(reported.known.append, reported.bugs.append)
    yield made
    qtbot.waitUntil(lambda: made.pending == 0, timeout=10_000)
    made.shutdown()
    # Deleted here, on the GUI thread (see tests/ui/test_ptz_ui.py).
    shiboken6.delete(made)


def test_the_value_arrives_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    got: list[tuple[int, bool]] = []
    worker: list[str] = []

    def op(_control: JobControl) -> int:
        worker.append(threading.current_thread().name)
        return 42

    gui = QThread.currentThread()
    runner.job(op).success(lambda v: got.append((v, QThread.currentThread() is gui))).run()
    qtbot.waitUntil(lambda: got != [], timeout=5000)
    assert got == [(42, True)]
    assert worker[0].startswith("utkik-storage-job")
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)


def test_a_builtin_timeout_reaches_the_failure_callback(
    qtbot: QtBot, runner: TaskRunner, reported: Reported, caplog: pytest.LogCaptureFixture
) -> None:
    failures: list[Exception] = []

    def op(_control: JobControl) -> None:
        raise TimeoutError("the camera did not answer")

    with caplog.at_level(logging.ERROR, logger="ui.tasks"):
        runner.job(op, pool=Pool.DEVICES).success(lambda _: None).failure(failures.append).run()
        qtbot.waitUntil(lambda: failures != [], timeout=5000)
    assert isinstance(failures[0], TimeoutError)
    # A bug all the same: logged with its trace; the caller's callback handled it.
    assert any(record.exc_info for record in caplog.records)
    assert reported.bugs == []


def test_the_old_call_gives_every_failure_to_its_callback_in_words(
    qtbot: QtBot, runner: TaskRunner, reported: Reported
) -> None:
    failures: list[KnownError] = []

    def times_out() -> None:
        raise TimeoutError

    def not_found() -> None:
        raise NotFound(N_("There is no user called {name}."), name="olle")

    runner.run(times_out, lambda _: None, failures.append)
    runner.run(not_found, lambda _: None, failures.append)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5000)
    by_kind = {type(err): err for err in failures}
    assert isinstance(by_kind[InternalError].__cause__, TimeoutError)
    assert by_kind[NotFound].message == "There is no user called olle."
    assert reported.bugs == []


def test_without_a_failure_callback_known_errors_and_bugs_take_the_runners_paths(
    qtbot: QtBot, runner: TaskRunner, reported: Reported
) -> None:
    def not_found() -> None:
        raise NotFound(N_("There is no user called {name}."), name="olle")

    def bug() -> None:
        raise ZeroDivisionError

    runner.run(not_found, lambda _: None)
    runner.run(bug, lambda _: None)
    qtbot.waitUntil(lambda: reported.known != [] and reported.bugs != [], timeout=5000)
    assert isinstance(reported.known[0], NotFound)
    assert isinstance(reported.bugs[0], ZeroDivisionError)


def test_a_result_for_a_deleted_receiver_is_dropped_without_a_warning(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    receiver = QObject()
    release = threading.Event()
    delivered: list[object] = []
    gone: list[bool] = []
    receiver.destroyed.connect(lambda: gone.append(True))

    def op(_control: JobControl) -> str:
        release.wait(10)
        return "for a closed tile"

    def fail(_control: JobControl) -> str:
        release.wait(10)
        raise TimeoutError

    runner.job(op, receiver=receiver).success(delivered.append).run()
    runner.job(fail, receiver=receiver).failure(delivered.append).run()
    receiver.deleteLater()
    qtbot.waitUntil(lambda: gone == [True], timeout=5000)
    assert runner.pending == 2
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    qtbot.wait(50)  # anything still queued would arrive now
    assert delivered == []


def test_a_receiver_only_its_job_keeps_is_let_go_safely(qtbot: QtBot, runner: TaskRunner) -> None:
    # A parentless dialog whose last reference is its own callback: the delivery lets go of it,
    # and with it of the relay that is its child, without deleting the relay from inside itself.
    delivered: list[int] = []
    gone: list[bool] = []

    def make() -> None:
        dialog = QDialog()
        dialog.destroyed.connect(lambda: gone.append(True))
        runner.job(lambda _control: 7, receiver=dialog).success(
            lambda value: delivered.append(value + dialog.result())
        ).run()

    make()
    qtbot.waitUntil(lambda: delivered == [7], timeout=5000)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    qtbot.waitUntil(lambda: gone == [True], timeout=5000)


def test_progress_reaches_the_gui_and_cancel_stops_a_long_job(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    progress: list[tuple[int, int]] = []
    outcomes: list[str] = []
    steps: list[int] = []

    def long_job(control: JobControl) -> int:
        for step in range(1000):
            control.raise_if_cancelled()
            steps.append(step)
            control.progress(step, 1000)
            time.sleep(0.01)
        return 1000

    handle = (
        runner.job(long_job)
        .with_progress(lambda done, total: progress.append((done, total)))
        .success(lambda _: outcomes.append("success"))
        .failure(lambda _: outcomes.append("failure"))
        .cancelled(lambda: outcomes.append("cancelled"))
        .run()
    )
    qtbot.waitUntil(lambda: len(progress) >= 3, timeout=5000)
    handle.cancel()
    qtbot.waitUntil(lambda: outcomes != [], timeout=5000)
    assert outcomes == ["cancelled"]
    assert len(steps) < 1000
    assert progress[:3] == [(0, 1000), (1, 1000), (2, 1000)]
    assert all(total == 1000 for _, total in progress)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_a_job_cancelled_before_it_started_never_runs(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    ran: list[int] = []
    outcomes: list[str] = []

    def blocker(_control: JobControl) -> None:
        release.wait(10)

    for _ in range(POOL_WORKERS[Pool.STORAGE]):
        runner.job(blocker).run()
    waiting = runner.job(lambda _c: ran.append(1)).cancelled(lambda: outcomes.append("x")).run()
    waiting.cancel()
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    assert outcomes == ["x"]
    assert ran == []


def test_jobs_are_started_on_the_gui_thread_only(runner: TaskRunner) -> None:
    failed: list[BaseException] = []

    def start() -> None:
        try:
            runner.run(lambda: None, lambda _: None)
        except RuntimeError as err:
            failed.append(err)

    thread = threading.Thread(target=start)
    thread.start()
    thread.join(5)
    assert len(failed) == 1


def test_a_hanging_camera_does_not_delay_an_access_log_write(
    qtbot: QtBot, runner: TaskRunner, core: Core, device_loop: DeviceLoop
) -> None:
    """A health check that hangs (15 s, were it not released) on every device worker; an access
    log entry written after them is durable at once."""
    release = threading.Event()
    started = threading.Semaphore(0)
    checks: list[str] = []

    async def camera_that_does_not_answer() -> str:
        deadline = time.monotonic() + 15
        while not release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return "answered late"

    def health_check(_control: JobControl) -> str:
        started.release()
        return device_loop.run(camera_that_does_not_answer())

    hanging = [
        runner.job(health_check, pool=Pool.DEVICES).success(checks.append).run()
        for _ in range(POOL_WORKERS[Pool.DEVICES])
    ]
    for _ in hanging:
        assert started.acquire(timeout=5)
    written: list[Entry] = []

    def write(_control: JobControl) -> Entry:
        return core.audit.record(Actor.os_account(), "live.view", "camera:1").result(timeout=10)

    begun = time.monotonic()
    runner.job(write).success(written.append).run()
    try:
        qtbot.waitUntil(lambda: written != [], timeout=2000)
        took = time.monotonic() - begun
        assert all(not job.done() for job in hanging)
    finally:
        release.set()
    assert took < 2.0
    assert written[0].action == "live.view"
    assert written[0].target == "camera:1"
    qtbot.waitUntil(lambda: len(checks) == len(hanging), timeout=5000)
