"""Background work, Anki-style: run `op` on a worker, then `success` or `failure` on the GUI
thread. Nothing blocking (SQLite, password hashing, devices) ever runs on the GUI thread.

A job is started on the GUI thread and bound to a receiver there (a widget, a dialog; by default
the runner itself): its outcome is delivered through a small relay object made a child of the
receiver, so when the receiver is deleted Qt deletes the relay with it, disconnects it and drops
what was already queued for it. Nothing checks from a worker whether a widget still exists.

Every outcome reaches a callback: the value goes to `success`, every exception (a KnownError, a
built-in TimeoutError, a bug) to `failure`, and a job cancelled before it finished to
`cancelled`. Without a `failure`, a KnownError goes to the runner's message path and anything
else, a bug, to its internal-error path; a bug is logged with its trace in any case.

Jobs run in one of two pools, so that a camera that does not answer never delays a database or
access-log write: `Pool.DEVICES` for device I/O (ONVIF, PTZ, snapshots, scans, health checks),
`Pool.STORAGE` (the default) for the database, the access log and files.

    handle = (
        runner.job(lambda control: scan(control.progress, control.cancel_event),
                   receiver=self, pool=Pool.DEVICES)
        .success(self._on_found)
        .failure(self._on_failed)
        .with_progress(self._on_progress)
        .run()
    )
    ...
    handle.cancel()
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from console.errors import InternalError, KnownError
from console.ports import Jobs

log = logging.getLogger(__name__)
T = TypeVar("T")


class Pool(enum.Enum):
    """Which workers a job runs on."""

    #: slow, unbounded waits on cameras and other devices
    DEVICES = "devices"
    #: the database, the access log, files: short, and never behind a device
    STORAGE = "storage"


#: Workers per pool. Device jobs mostly wait (on the device loop, or in PyAV's C code), so there
#: are more of them; SQLite serialises writes anyway.
POOL_WORKERS = {Pool.DEVICES: 8, Pool.STORAGE: 4}


class JobCancelled(Exception):
    """Raised inside a job's `op` (JobControl.raise_if_cancelled) to end it as cancelled."""


class JobControl:
    """What a job's `op` gets: whether it was cancelled, and a way to report progress.

    `cancel_event` can be handed to code that waits on a threading.Event (range scans).
    `progress` may be called from any thread while the job runs; after the job has finished it
    does nothing.
    """

    def __init__(self, emit_progress: Callable[[int, int], None] | None) -> None:
        self.cancel_event = threading.Event()
        self._emit_progress = emit_progress
        self._lock = threading.Lock()
        self._finished = False

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def raise_if_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise JobCancelled

    def progress(self, done: int, total: int) -> None:
        with self._lock:
            if not self._finished and self._emit_progress is not None:
                self._emit_progress(done, total)

    def _finish(self, emit: Callable[[], None]) -> None:
        # Under the lock: no progress is emitted after the outcome, whose delivery lets the
        # emitting object go.
        with self._lock:
            self._finished = True
            emit()


class Outcome(enum.Enum):
    SUCCESS = "success"
    FAILURE = "failure"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class _Delivery:
    """An outcome and its value, carried to the GUI thread as one object.

    One wrapper object rather than bare values: PySide6 mishandles the reference count of a bare
    bool sent through an `object` signal argument, which crashes the interpreter when it exits.
    """

    outcome: Outcome
    value: object


@dataclass(frozen=True, slots=True)
class _Progress:
    done: int
    total: int


class _Emitter(QObject):
    """A job's sending end, on the GUI thread, held by the runner until the job is delivered, so
    a worker always emits on a living object."""

    #: a _Delivery, emitted once by the worker
    finished = Signal(object)
    #: a _Progress, emitted by the worker while the job runs
    progressed = Signal(object)


class _Relay(QObject):
    """A job's receiving end: a child of the receiver, holding the job's callbacks."""

    def __init__(self, job: Job[Any], parent: QObject | None) -> None:
        super().__init__(parent)
        self._job: Job[Any] | None = job

    @Slot(object)
    def _on_emitter_finished(self, delivery: _Delivery) -> None:
        job = self._job
        if job is None:
            return
        # Delivered once: the relay goes. The callbacks may hold the last reference to the
        # receiver (a dialog nobody else keeps), so the runner lets go of them, not the relay:
        # dropping the receiver while deleting its own child would crash.
        self._job = None
        self.deleteLater()
        match delivery.outcome:
            case Outcome.SUCCESS:
                if job._on_success is not None:
                    job._on_success(delivery.value)
            case Outcome.FAILURE if isinstance(delivery.value, BaseException):
                job._runner._fail(delivery.value, job._on_failure)
            case Outcome.CANCELLED:
                if job._on_cancelled is not None:
                    job._on_cancelled()
            case _:
                raise TypeError(f"not an outcome: {delivery!r}")

    @Slot(object)
    def _on_emitter_progressed(self, progress: _Progress) -> None:
        job = self._job
        if job is not None and job._on_progress is not None:
            job._on_progress(progress.done, progress.total)


class JobHandle(Generic[T]):
    """A started job: its future (for waiting at shutdown) and a way to cancel it."""

    def __init__(self, future: Future[T], control: JobControl) -> None:
        self.future = future
        self.control = control

    def cancel(self) -> None:
        """Ask the job to stop: it never starts if it has not, else `op` sees the request.
        Its outcome is then `cancelled` (unless `op` returns a value anyway)."""
        self.control.cancel_event.set()
        self.future.cancel()

    def done(self) -> bool:
        return self.future.done()


class Job(Generic[T]):
    """One piece of background work, built and then started with run()."""

    def __init__(
        self,
        runner: TaskRunner,
        op: Callable[[JobControl], T],
        *,
        receiver: QObject | None = None,
        pool: Pool = Pool.STORAGE,
    ) -> None:
        self._runner = runner
        self._op = op
        self._receiver = receiver
        self._pool = pool
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[Exception], None] | None = None
        self._on_cancelled: Callable[[], None] | None = None
        self._on_progress: Callable[[int, int], None] | None = None

    def success(self, callback: Callable[[T], None]) -> Job[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Job[T]:
        """`callback` gets every exception `op` raises (KnownError or not)."""
        self._on_failure = callback
        return self

    def cancelled(self, callback: Callable[[], None]) -> Job[T]:
        self._on_cancelled = callback
        return self

    def with_progress(self, callback: Callable[[int, int], None]) -> Job[T]:
        """`callback(done, total)` on the GUI thread, for each JobControl.progress of `op`."""
        self._on_progress = callback
        return self

    def run(self) -> JobHandle[T]:
        return self._runner._start(self)


class TaskRunner(QObject):
    """The console's workers: one pool for devices, one for storage. Lives on the GUI thread;
    jobs are started from it."""

    def __init__(
        self,
        on_known_error: Callable[[KnownError], None],
        on_bug: Callable[[BaseException], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pools = {
            pool: ThreadPoolExecutor(
                max_workers=POOL_WORKERS[pool], thread_name_prefix=f"utkik-{pool.value}-job"
            )
            for pool in Pool
        }
        self._on_known_error = on_known_error
        self._on_bug = on_bug
        #: the jobs not yet delivered, by their emitter: kept alive until then
        self._jobs: dict[_Emitter, tuple[JobControl, Job[Any]]] = {}

    def job(
        self,
        op: Callable[[JobControl], T],
        *,
        receiver: QObject | None = None,
        pool: Pool = Pool.STORAGE,
    ) -> Job[T]:
        """A job running `op(control)`, its outcome for `receiver` (default: the runner)."""
        return Job(self, op, receiver=receiver, pool=pool)

    def run(
        self,
        op: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[KnownError], None] | None = None,
        *,
        receiver: QObject | None = None,
        pool: Pool = Pool.STORAGE,
    ) -> Future[T]:
        """Run `op` on a worker: its value to `on_success`; a failure to `on_failure` (default:
        the message bus, or the internal-error dialog for a bug).

        `on_failure` takes KnownErrors: any other exception reaches it as an InternalError (the
        exception itself is logged with its trace), so a caller waiting for an answer always
        gets one.
        """
        job = self.job(lambda _control: op(), receiver=receiver, pool=pool).success(on_success)
        if on_failure is not None:
            known = on_failure

            def failed(err: Exception) -> None:
                if isinstance(err, KnownError):
                    known(err)
                else:
                    wrapped = InternalError()
                    wrapped.__cause__ = err
                    known(wrapped)

            job.failure(failed)
        return job.run().future

    def bound(self, *, receiver: QObject | None = None, pool: Pool = Pool.STORAGE) -> BoundJobs:
        """The core's Jobs port over this runner: jobs on `pool`, their outcomes for
        `receiver` (default: the runner, which outlives every widget)."""
        return BoundJobs(self, receiver=receiver, pool=pool)

    @property
    def pending(self) -> int:
        """Jobs started and not yet delivered."""
        return len(self._jobs)

    def shutdown(self) -> None:
        """Cancel what has not started, ask running jobs to stop, and wait for them."""
        for control, _job in list(self._jobs.values()):
            control.cancel_event.set()
        for executor in self._pools.values():
            executor.shutdown(wait=False, cancel_futures=True)
        for executor in self._pools.values():
            executor.shutdown(wait=True)

    # -- internals -------------------------------------------------------------------------------

    def _start(self, job: Job[T]) -> JobHandle[T]:
        receiver = job._receiver if job._receiver is not None else self
        if QThread.currentThread() is not self.thread() or receiver.thread() is not self.thread():
            raise RuntimeError("jobs are started on the GUI thread, for receivers living there")
        # Both ends are children, owned by Qt and deleted on this thread: the worker's last
        # reference to the emitter going away never deletes a QObject on a worker thread.
        emitter = _Emitter(self)
        relay = _Relay(job, receiver)
        queued = Qt.ConnectionType.QueuedConnection
        # Always queued, even when the job is done before run() returns: callers may connect to
        # what the callback emits after starting the job. The relay's slot first, so the runner's
        # bookkeeping (`pending`) follows the callbacks.
        emitter.finished.connect(relay._on_emitter_finished, queued)
        emitter.finished.connect(self._on_emitter_finished, queued)
        if job._on_progress is not None:
            emitter.progressed.connect(relay._on_emitter_progressed, queued)

        def progress(done: int, total: int) -> None:
            emitter.progressed.emit(_Progress(done, total))

        control = JobControl(progress)
        self._jobs[emitter] = (control, job)
        op = job._op

        def work() -> T:
            return op(control)

        def done(future: Future[T]) -> None:
            delivery = _outcome(future, control)
            control._finish(lambda: emitter.finished.emit(delivery))

        future = self._pools[job._pool].submit(work)
        future.add_done_callback(done)
        return JobHandle(future, control)

    @Slot(object)
    def _on_emitter_finished(self, _delivery: _Delivery) -> None:
        emitter = self.sender()
        if isinstance(emitter, _Emitter):
            self._jobs.pop(emitter, None)
            emitter.deleteLater()

    def _fail(self, err: BaseException, on_failure: Callable[[Exception], None] | None) -> None:
        if not isinstance(err, KnownError):
            log.error("task failed", exc_info=err)
        if on_failure is not None and isinstance(err, Exception):
            on_failure(err)
        elif isinstance(err, KnownError):
            self._on_known_error(err)
        else:
            self._on_bug(err)


class BoundJobs(Jobs):
    """The core's Jobs port (console/ports.py): `run` starts a job on one pool, its outcome for
    one receiver. A service that must see every outcome (a PTZ session it has to close) is given
    one bound to the runner rather than to a widget that may go first."""

    def __init__(
        self, runner: TaskRunner, *, receiver: QObject | None = None, pool: Pool = Pool.STORAGE
    ) -> None:
        self._runner = runner
        self._receiver = receiver
        self._pool = pool

    def run(self, op: Callable[[], T], on_success: Callable[[T], None]) -> Future[T]:
        return self._runner.run(op, on_success, receiver=self._receiver, pool=self._pool)


def _outcome(future: Future[Any], control: JobControl) -> _Delivery:
    if future.cancelled():
        return _Delivery(Outcome.CANCELLED, None)
    err = future.exception()
    if err is None:
        return _Delivery(Outcome.SUCCESS, future.result())
    if isinstance(err, JobCancelled) and control.cancelled:
        return _Delivery(Outcome.CANCELLED, None)
    return _Delivery(Outcome.FAILURE, err)
