"""Typed domain events: services announce what a committed write changed; views subscribe.

A view that shows cameras, users or recordings subscribes to the core's one `EventHub` and
reloads what a `Changed` names, instead of every dialog reloading the other views by hand
(Anki's OpChanges, napari's events). A service announces after its write transaction has
committed, never before and never for a write that failed or was refused, so a subscriber that
reads the database at once sees the change.

Subscribers are called on the announcing thread (a worker, the engine's thread): the GUI
re-emits them on its own thread (ui/events.py). A subscriber that raises is logged and the
others are still called: one broken view must not hide a change from the rest.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


class ChangeKind(enum.StrEnum):
    """What changed; `Changed.ids` are ids of that kind of thing."""

    #: cameras added, changed or removed (camera ids)
    CAMERAS = "cameras"
    #: a camera's latest health check (camera ids)
    HEALTH = "health"
    #: what and how long a camera records, or recordings purged (camera ids)
    RECORDINGS = "recordings"
    #: evidence locks made, lifted or expired (lock ids)
    EVIDENCE = "evidence"
    #: users added, changed, disabled or given a new password (user ids)
    USERS = "users"
    #: settings (no ids: read the settings again)
    SETTINGS = "settings"
    #: a user's saved layouts (layout ids)
    LAYOUTS = "layouts"
    #: a user's tours over their layouts (tour ids)
    TOURS = "tours"
    #: alarms (alarm ids)
    ALARMS = "alarms"
    #: evidence exports (export ids)
    EXPORTS = "exports"
    #: lighting at the sites (light ids)
    LIGHTING = "lighting"
    #: subject access cases (case ids)
    CASES = "cases"
    #: the surveillance register's entries (camera ids)
    REGISTER = "register"


@dataclass(frozen=True, slots=True)
class Changed:
    """Things of one kind changed. Empty `ids`: any of that kind may have changed."""

    kind: ChangeKind
    ids: frozenset[int] = frozenset()


Subscriber = Callable[[Changed], None]


class EventHub:
    """Thread-safe: subscribe, unsubscribe and announce from any thread."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber` with every Changed announced from now on; returns what
        unsubscribes it (safe to call twice)."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, changed: Changed) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(changed)
            except Exception:
                log.exception("a subscriber failed on %s", changed)

    def announce(self, kind: ChangeKind, ids: Iterable[int] = ()) -> None:
        """Things of `kind` changed: call it after the write has committed."""
        self.publish(Changed(kind, frozenset(ids)))
