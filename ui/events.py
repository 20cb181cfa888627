"""The core's domain events (console/events.py) as a Qt signal on the GUI thread.

Services announce on whatever thread wrote (a job's worker, the recording engine's thread); a
view connects to `DomainEvents.changed` and reloads what it shows of the kind named, on the GUI
thread:

    events = DomainEvents(core.events, parent=console)
    events.changed.connect(self._on_events_changed)   # a console.events.Changed

The hub calls a small relay owned by this module, never the widget: its signal is queued to the
`DomainEvents` object, so once that is deleted Qt drops what was still queued for it, and the
hub's subscription ends with it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from console.events import Changed, EventHub


class _Relay(QObject):
    """Emitted on the announcing thread; owned by Python (no parent), so it lives as long as
    the hub's subscription holds it."""

    #: a console.events.Changed
    announced = Signal(object)


class DomainEvents(QObject):
    """Re-emits the hub's events on the thread this object lives on (the GUI thread)."""

    #: a console.events.Changed, on the GUI thread
    changed = Signal(object)

    def __init__(self, hub: EventHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        relay = _Relay()
        relay.announced.connect(self._on_relay_announced, Qt.ConnectionType.QueuedConnection)
        self._relay = relay
        self._unsubscribe: Callable[[], None] = hub.subscribe(relay.announced.emit)
        # A plain function, not a method of this object: it still runs while it is destroyed.
        self.destroyed.connect(_ender(self._unsubscribe))

    def close(self) -> None:
        """Hear no more events (also done when this object is deleted)."""
        self._unsubscribe()

    @Slot(object)
    def _on_relay_announced(self, changed: Changed) -> None:
        self.changed.emit(changed)


def _ender(unsubscribe: Callable[[], None]) -> Callable[[], None]:
    def end() -> None:
        unsubscribe()

    return end
