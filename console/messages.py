"""One message bus for everything shown to the operator, and the hooks that catch bugs.

Services raise KnownErrors; whoever catches one at the edge publishes it here. The UI subscribes
and shows messages on the GUI thread; the CLI prints them. Uncaught exceptions on any thread are
logged with their trace and published as an internal error.

A message carries its N_() template and parameters, as a KnownError does, never a finished
sentence: the console shows it in the operator's language (`ui.i18n.message_text`), the CLI and
the log in English (`Message.text`).
"""

from __future__ import annotations

import enum
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

from console.errors import N_, KnownError

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
    #: an N_() template (translated in the context "core"); without `params`, a finished text
    #: shown as it is when it has no translation
    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, err: KnownError, level: Level = Level.ERROR) -> Message:
        return cls(level, err.template, dict(err.params))

    @property
    def text(self) -> str:
        """In English, for the log and the command line."""
        return render(self.template, self.params)


def render(template: str, params: Mapping[str, object]) -> str:
    """A template filled in; a text without parameters is taken as it is (it may hold braces)."""
    return template.format(**params) if params else template


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

    def info(self, template: str, **params: object) -> None:
        """`template` marked with N_(), e.g. `bus.info(N_("Saved {path}."), path=path)`."""
        self.publish(Message(Level.INFO, template, params))

    def warning(self, template: str, **params: object) -> None:
        self.publish(Message(Level.WARNING, template, params))

    def error(self, template: str, **params: object) -> None:
        self.publish(Message(Level.ERROR, template, params))

    def known(self, err: KnownError, level: Level = Level.ERROR) -> None:
        """A KnownError caught at the edge, with its template and parameters."""
        self.publish(Message.of(err, level))


def install_excepthooks(bus: MessageBus) -> None:
    """Log every uncaught exception with its trace and report it once as an internal error."""

    def report(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str
    ) -> None:
        log.critical("internal error in %s", where, exc_info=(exc_type, exc, tb))
        bus.publish(
            Message(
                Level.INTERNAL,
                N_("An internal error occurred ({kind}: {error}). Details are in the log."),
                {"kind": exc_type.__name__, "error": str(exc)},
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
