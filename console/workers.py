"""Long-running worker threads that stop when asked, within a deadline, and a watchdog for them.

A `Worker` runs `target(worker)` on a daemon thread of its own. The target loops until
`worker.stopping`, sleeping with `worker.wait(seconds)`, which returns early when the worker is
stopped or woken (`wake()`), so a stop never waits out a sleep:

    def run(worker: Worker) -> None:
        while not worker.stopping:
            do_one_round()
            worker.heartbeat()
            worker.wait(60)

`stop(timeout)` asks and joins for at most `timeout` seconds; a worker blocked in C (a socket, a
file) that does not end in time is logged and left to its daemon thread, never waited for
forever. A `Watchdog` (a Worker itself) reports a watched worker whose last heartbeat is older
than its limit, once per stall.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


class Worker:
    """A named daemon thread running `target(self)` until it returns (see the module doc)."""

    def __init__(
        self,
        name: str,
        target: Callable[[Worker], None],
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._monotonic = monotonic
        #: set when the worker is asked to stop; what the target waits on
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        # An exception escaping `target` goes to threading.excepthook: reported as a bug.
        self._thread = threading.Thread(target=target, args=(self,), name=name, daemon=True)
        self._last_beat = monotonic()

    def __repr__(self) -> str:
        return f"Worker({self.name!r})"

    # -- for the owner ---------------------------------------------------------------------------

    def start(self) -> None:
        self._last_beat = self._monotonic()
        self._thread.start()

    def request_stop(self) -> None:
        """Ask the worker to stop, without waiting (to stop several within one deadline)."""
        self.stop_event.set()
        self._wake.set()

    def stop(self, timeout: float | None = 5.0) -> bool:
        """Ask the worker to stop and wait at most `timeout` seconds (None: as long as it takes).
        True when its thread has ended. From the worker's own thread it only asks."""
        self.request_stop()
        return self.join(timeout)

    def join(self, timeout: float | None = 5.0) -> bool:
        """Wait for the thread to end; True when it has (or never started)."""
        thread = self._thread
        if thread is threading.current_thread() or thread.ident is None:
            return not thread.is_alive()
        thread.join(timeout)
        if thread.is_alive():
            log.warning("%s did not stop within %s s", self.name, timeout)
            return False
        return True

    def wake(self) -> None:
        """End the worker's current wait() now (there is work)."""
        self._wake.set()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    # -- for the worker's own thread -------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, less when stopped or woken. True when the worker is stopping."""
        self._wake.wait(seconds)
        self._wake.clear()
        return self.stop_event.is_set()

    def heartbeat(self) -> None:
        """The worker is making progress (what the watchdog looks at)."""
        self._last_beat = self._monotonic()

    @property
    def last_beat(self) -> float:
        """The monotonic time of the last heartbeat (or the start)."""
        return self._last_beat

    def quiet_for(self) -> float:
        """Seconds since the last heartbeat (or the start)."""
        return self._monotonic() - self._last_beat


@dataclass
class _Watched:
    worker: Worker
    stalled_after_s: float
    #: the heartbeat after which the stall was reported (None: not stalled)
    reported_beat: float | None = None


class Watchdog:
    """Checks watched workers every `interval_s` on a worker of its own and calls
    `on_stall(worker, quiet_s)` once when one has given no heartbeat for its limit (again only
    when it stalls after a later heartbeat). `on_stall` runs on the watchdog's thread and must
    return soon."""

    def __init__(
        self,
        on_stall: Callable[[Worker, float], None],
        *,
        interval_s: float = 1.0,
        name: str = "watchdog",
    ) -> None:
        self._on_stall = on_stall
        self._interval_s = interval_s
        self._lock = threading.Lock()
        self._watched: dict[Worker, _Watched] = {}
        self.worker = Worker(name, self._run)

    def watch(self, worker: Worker, stalled_after_s: float) -> None:
        with self._lock:
            self._watched[worker] = _Watched(worker, stalled_after_s)

    def forget(self, worker: Worker) -> None:
        with self._lock:
            self._watched.pop(worker, None)

    def start(self) -> None:
        self.worker.start()

    def stop(self, timeout: float = 5.0) -> bool:
        return self.worker.stop(timeout)

    def check(self) -> list[Worker]:
        """Look now; the workers newly found stalled (each reported to `on_stall`)."""
        stalled: list[tuple[Worker, float]] = []
        with self._lock:
            for watched in list(self._watched.values()):
                if not watched.worker.alive:
                    continue
                beat, quiet = watched.worker.last_beat, watched.worker.quiet_for()
                if quiet >= watched.stalled_after_s and watched.reported_beat != beat:
                    watched.reported_beat = beat
                    stalled.append((watched.worker, quiet))
        for worker, quiet in stalled:
            log.warning("%s has given no sign of life for %.1f s", worker.name, quiet)
            self._on_stall(worker, quiet)
        return [worker for worker, _ in stalled]

    def _run(self, worker: Worker) -> None:
        while not worker.wait(self._interval_s):
            self.check()
