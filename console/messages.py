"""One message bus for everything shown to the operator, and the hooks that catch bugs.

Services raise KnownErrors; whoever catches one at the edge publishes it here. The UI subscribes
and shows messages on the GUI thread; the CLI prints them. Uncaught exceptions on any thread are
logged with their trace and published as an internal error.
"""

from __future__ import annotations

import enum
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

log = logging.getLogger(__name__)


class Level(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    #: A bug: the text says so, the trace is in the log.
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Message:
    level: Level
    text: str


Listener = Callable[[Message], None]

#: Messages kept for a first listener that may never come (a process without a UI).
_UNHEARD_KEPT = 50


class MessageBus:
    """Thread-safe; listeners are called on the publishing thread (the UI bridges to its own)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        #: published while no one listened (warnings found at start, before the UI is up):
        #: handed to the first listener
        self._unheard: list[Message] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)
            unheard, self._unheard = self._unheard, []
        for message in unheard:
            listener(message)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, message: Message) -> None:
        with self._lock:
            listeners = list(self._listeners)
            if not listeners and len(self._unheard) < _UNHEARD_KEPT:
                self._unheard.append(message)
        for listener in listeners:
            listener(message)

    def info(self, text: str) -> None:
        self.publish(Message(Level.INFO, text))

    def warning(self, text: str) -> None:
        self.publish(Message(Level.WARNING, text))

    def error(self, text: str) -> None:
        self.publish(Message(Level.ERROR, text))


def install_excepthooks(bus: MessageBus) -> None:
    """Log every uncaught exception with its trace and report it once as an internal error."""

    def report(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str
    ) -> None:
        log.critical("internal error in %s", where, exc_info=(exc_type, exc, tb))
        bus.publish(
            Message(
                Level.INTERNAL,
                f"An internal error occurred ({exc_type.__name__}: {exc}). Details are in the log.",
            )
        )

    def main_hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report(exc_type, exc, tb, "the main thread")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        report(args.exc_type, args.exc_value, args.exc_traceback, name)

    sys.excepthook = main_hook
    threading.excepthook = thread_hook
