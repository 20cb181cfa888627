"""Background work, Anki-style: run `op` on a worker, then `on_success` or `on_failure` on the GUI
thread. Nothing blocking (SQLite, password hashing, devices) ever runs on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from console.errors import KnownError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Delivery:
    """A callback and its argument, carried to the GUI thread as one object.

    One wrapper object rather than two `object` arguments: PySide6 mishandles the reference
    count of a bare bool sent through an `object` signal argument, which crashes the interpreter
    when it exits.
    """

    callback: Callable[[Any], None]
    value: object


class TaskRunner(QObject):
    #: a _Delivery to run on the GUI thread; emitted from workers, delivered queued.
    _finished = Signal(object)

    def __init__(
        self,
        on_known_error: Callable[[KnownError], None],
        on_bug: Callable[[BaseException], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="utkik-task")
        self._on_known_error = on_known_error
        self._on_bug = on_bug
        self._pending = 0
        # Always queued, even when a task is done before run() returns: callers may connect to
        # what the callback emits after calling run().
        self._finished.connect(self._on_self_finished, Qt.ConnectionType.QueuedConnection)

    def run(
        self,
        op: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[KnownError], None] | None = None,
    ) -> Future[T]:
        """Run `op` on a worker; a KnownError goes to `on_failure` (default: the message bus)."""
        self._pending += 1

        def done(future: Future[T]) -> None:
            err = future.exception()
            if err is None:
                self._finished.emit(_Delivery(on_success, future.result()))
            elif isinstance(err, KnownError):
                self._finished.emit(_Delivery(on_failure or self._on_known_error, err))
            else:
                log.error("task failed", exc_info=err)
                self._finished.emit(_Delivery(self._on_bug, err))

        future = self._pool.submit(op)
        future.add_done_callback(done)
        return future

    @property
    def pending(self) -> int:
        return self._pending

    def _on_self_finished(self, delivery: _Delivery) -> None:
        self._pending -= 1
        delivery.callback(delivery.value)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
