"""Domain events reach the GUI thread as a Qt signal (ui/events.py)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app import Core
from console.domain import Actor
from console.events import Changed, ChangeKind, EventHub
from tests.core.test_cameras import SECRET, facts, place
from ui.events import DomainEvents


def test_an_event_announced_on_a_worker_arrives_on_the_gui_thread(
    qtbot: QtBot, qapp: QApplication
) -> None:
    hub = EventHub()
    events = DomainEvents(hub)
    arrived: list[tuple[Changed, bool]] = []
    events.changed.connect(
        lambda change: arrived.append((change, QThread.currentThread() is qapp.thread()))
    )
    announced_on: list[str] = []

    def worker() -> None:
        announced_on.append(threading.current_thread().name)
        hub.announce(ChangeKind.CAMERAS, [7])

    thread = threading.Thread(target=worker, name="storage-job")
    with qtbot.waitSignal(events.changed, timeout=5000):
        thread.start()
    thread.join()
    assert announced_on == ["storage-job"]
    assert arrived == [(Changed(ChangeKind.CAMERAS, frozenset({7})), True)]
    events.close()
    hub.announce(ChangeKind.CAMERAS, [8])
    qtbot.wait(50)
    assert len(arrived) == 1


def test_a_core_write_on_a_worker_reaches_a_view(qtbot: QtBot, core: Core) -> None:
    events = DomainEvents(core.events)
    with qtbot.waitSignal(events.changed, timeout=5000) as blocker:
        thread = threading.Thread(
            target=lambda: core.cameras.add(
                Actor.os_account("root"), facts(), place(core, "Resecentrum"), "Rese", "u", SECRET
            )
        )
        thread.start()
    thread.join()
    change = blocker.args[0]
    assert change.kind is ChangeKind.CAMERAS
    assert [c.id for c in core.cameras.list(Actor.os_account("root"))] == sorted(change.ids)
    events.close()


def test_a_deleted_receiver_ends_its_subscription(qtbot: QtBot) -> None:
    hub = EventHub()
    parent = QObject()
    events = DomainEvents(hub, parent)
    heard: list[Changed] = []
    events.changed.connect(heard.append)
    # Queued, then the receiver goes before the event loop delivers it: Qt drops it.
    hub.announce(ChangeKind.USERS, [1])
    shiboken6.delete(parent)
    assert not shiboken6.isValid(events)
    qtbot.wait(50)
    hub.announce(ChangeKind.USERS, [2])
    qtbot.wait(50)
    assert heard == []
    assert hub._subscribers == []
