"""The one asyncio event loop for device I/O, on a thread of its own.

ONVIF calls, PTZ sessions and range scans are coroutines (onvif-zeep-async, aiohttp): they
mostly wait on sockets, so one loop carries every camera at once, with exact timeouts and a
cancel that closes sockets at once. The composition root makes one `DeviceLoop`, starts it and
hands it to the adapters; it is stopped once, at quitting.

Callers on other threads either `submit` a coroutine and get a concurrent.futures.Future (the GUI
hands that to its job runner; it never waits on it), or, on a worker thread, `run` it and block
until it is done. Never `run` from the loop's own thread: a coroutine there awaits instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from types import TracebackType
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long stop() waits by default for the loop to cancel what runs on it and end.
STOP_TIMEOUT_S = 5.0


class DeviceLoopStopped(RuntimeError):
    """A coroutine was given to a loop that is not running (not started, or stopped)."""


class DeviceLoop:
    """One asyncio loop on a daemon thread named `name`.

    The thread is a daemon so that a loop its owner forgot to stop cannot keep the process alive
    at exit; stop() is still what ends it cleanly (pending coroutines cancelled, async generators
    and sockets closed).
    """

    def __init__(self, name: str = "utkik-devices") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopping = False
        #: set by the loop's thread when it has ended, cleanup included
        self._ended = threading.Event()
        #: until when coroutines cancelled at stop() may take to end (monotonic seconds)
        self._grace_deadline = 0.0

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped" if self._stopping else "not started"
        return f"DeviceLoop({self.name!r}, {state})"

    def __enter__(self) -> DeviceLoop:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._stopping and not self._ended.is_set()

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    def start(self) -> DeviceLoop:
        """Start the loop's thread (once; a stopped loop is not started again)."""
        with self._lock:
            if self._stopping:
                raise DeviceLoopStopped(f"{self.name} is stopped")
            if self._thread is not None:
                return self
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            thread = threading.Thread(
                target=self._main, args=(loop, ready), name=self.name, daemon=True
            )
            self._loop, self._thread = loop, thread
            thread.start()
        ready.wait()
        return self

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule `coroutine` on the loop; its outcome (value or exception) is the future's.

        Cancelling the future cancels the coroutine.
        """
        with self._lock:
            loop = self._loop
            if loop is None or self._stopping:
                coroutine.close()  # never awaited: say nothing about it at garbage collection
                raise DeviceLoopStopped(f"{self.name} is not running")
            return asyncio.run_coroutine_threadsafe(coroutine, loop)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coroutine` on the loop and wait for it: its value, or its exception raised here.

        For worker threads (a job, the CLI). After `timeout` seconds the coroutine is cancelled
        and TimeoutError raised.
        """
        if self._thread is not None and threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("DeviceLoop.run() on the loop's own thread would wait forever")
        future = self.submit(coroutine)
        try:
            return future.result(timeout)
        except TimeoutError:
            if future.done() and not future.cancelled():
                raise  # the coroutine's own TimeoutError
            future.cancel()
            raise TimeoutError(f"no answer within {timeout} s") from None
        except BaseException:
            # Interrupted (KeyboardInterrupt at the CLI): the coroutine must not go on alone.
            future.cancel()
            raise

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Cancel what runs on the loop and end its thread, waiting at most `timeout` seconds.

        True when the thread ended in time. A coroutine that ignores its cancellation is left
        to the daemon thread (and logged) rather than holding up the caller.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            loop, thread = self._loop, self._thread
            first = not self._stopping
            self._stopping = True
        if loop is None or thread is None:
            return True
        if threading.current_thread() is thread:
            raise RuntimeError("DeviceLoop.stop() from the loop's own thread")
        if first:
            self._grace_deadline = deadline
            with contextlib.suppress(RuntimeError):  # already closed
                loop.call_soon_threadsafe(loop.stop)
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            log.warning("%s did not stop within %.1f s", self.name, timeout)
            return False
        return True

    # -- the loop's thread ----------------------------------------------------------------------

    def _main(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
            self._cancel_all(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
            self._ended.set()

    def _cancel_all(self, loop: asyncio.AbstractEventLoop) -> None:
        """Cancel every task still on the loop and give them until stop()'s deadline to end."""
        tasks = asyncio.all_tasks(loop)
        if not tasks:
            return
        for task in tasks:
            task.cancel()
        grace = max(0.0, self._grace_deadline - time.monotonic())
        _done, hanging = loop.run_until_complete(asyncio.wait(tasks, timeout=grace))
        for task in tasks - hanging:
            if not task.cancelled():
                task.exception()  # retrieved: the caller gave up on it by stopping the loop
        if hanging:
            log.warning("%s: %d task(s) ignored cancellation at stop", self.name, len(hanging))
