"""The console's link to the alarm states on the broker (`AlarmFeed`), as Qt signals.

Whichever process runs this data dir's alarm engine (this console, another one, `utkik serve`)
publishes every alarm's state, retained; the feed gives this console the open alarms at its
start and every change as it happens (another console's acknowledgement within a second). The
ids it delivers are collected on paho's thread and handed to the GUI thread as one batch, so a
storm of messages costs one read per alarm, not one signal per message.

Where no engine runs yet (the console's own starts once recording has), the broker is looked for
again every few seconds; meanwhile, and whenever the broker or the engine is gone, the link says
so (a red banner) and the retained states catch the list up when it is back.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot

from console.alarms.broker import BrokerAddress, broker_for
from console.app import Core
from console.errors import KnownError
from console.settings import MQTT_BROKER
from devices.mqtt_sensors import AlarmFeed, BrokerLogin, MqttAlarmBoard, broker_login
from ui.i18n import error_text
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

#: How often a console with no broker to reach looks for one again.
RETRY_MS = 3_000
#: A first connection this young is not yet a lost broker.
CONNECT_GRACE_S = 3.0
#: How often the feed's connection is looked at (a flag in memory, no I/O).
WATCH_MS = 500


@dataclass(frozen=True, slots=True)
class _Found:
    address: BrokerAddress
    login: BrokerLogin | None
    instance: str


class _Relay(QObject):
    """Emitted on paho's thread; queued to the link on the GUI thread."""

    #: something arrived (the ids are in the link's inbox)
    poke = Signal()
    #: the engine's state: True online, False offline (its last will)
    engine = Signal(bool)


class AlarmLink(QObject):
    """Alarm changes from the broker, for the console's alarm list."""

    #: a frozenset of alarm ids whose state changed
    changed = Signal(object)
    #: whether alarms are being received; why not (operator's words) when not
    link_changed = Signal(bool, str)

    def __init__(self, core: Core, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._core = core
        self._runner = runner
        self.feed: AlarmFeed | None = None
        self._board: MqttAlarmBoard | None = None
        self._lock = threading.Lock()
        self._inbox: set[int] = set()
        self._engine_online = True
        self._receiving: bool | None = None
        self._why = ""
        self._connecting_since = 0.0
        self._stopped = False
        self._relay = _Relay()
        self._relay.poke.connect(self._on_relay_poke, Qt.ConnectionType.QueuedConnection)
        self._relay.engine.connect(self._on_relay_engine, Qt.ConnectionType.QueuedConnection)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.start)
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._show_state)

    def start(self) -> None:
        """Find the broker (on a worker: a file, the settings, the keyring) and subscribe."""
        if self._stopped or self.feed is not None:
            return
        core = self._core

        def find() -> _Found:
            setting = core.settings.get_text(MQTT_BROKER)
            address = broker_for(setting, core.data_dir)
            login = broker_login(address) if setting.strip() else None
            return _Found(address, login, core.alarms.instance())

        self._runner.run(find, self._on_found, self._on_not_found, receiver=self)

    def _on_not_found(self, err: KnownError) -> None:
        if self._stopped:
            return
        self._set_receiving(False, error_text(err))
        self._retry.start()

    def _on_found(self, found: _Found) -> None:
        if self._stopped or self.feed is not None:
            return
        client = f"utkik-console-{found.instance}-{os.getpid()}-{secrets.token_hex(3)}"
        feed = AlarmFeed(found.address, found.instance, found.login, client_id=client)
        feed.start(self._on_feed_state, on_engine=self._relay.engine.emit)
        self.feed = feed
        if self._core.alarms.on_changed is None:
            # No engine in this process publishes this console's own changes: a board of its
            # own does, so that other consoles see them at once.
            board = MqttAlarmBoard(found.address, found.instance, found.login, f"{client}-board")
            self._board = board
            self._core.alarms.on_changed = board.publish
        self._connecting_since = time.monotonic()
        self._watch.start()

    def _on_feed_state(self, alarm_id: int, _state: dict[str, Any] | None) -> None:
        # paho's thread: collect, and wake the GUI thread only when the inbox was empty.
        with self._lock:
            first = not self._inbox
            self._inbox.add(alarm_id)
        if first:
            self._relay.poke.emit()

    @Slot()
    def _on_relay_poke(self) -> None:
        with self._lock:
            ids, self._inbox = frozenset(self._inbox), set()
        if ids and not self._stopped:
            self.changed.emit(ids)

    @Slot(bool)
    def _on_relay_engine(self, online: bool) -> None:
        self._engine_online = online
        self._show_state()

    def _show_state(self) -> None:
        feed = self.feed
        if feed is None:
            return
        if not feed.connected.is_set():
            if time.monotonic() - self._connecting_since < CONNECT_GRACE_S:
                return  # a first connection takes a moment: no banner flashing at the start
            self._set_receiving(
                False,
                QCoreApplication.translate(
                    "AlarmLink", "The MQTT broker cannot be reached; trying again."
                ),
            )
        elif not self._engine_online:
            self._set_receiving(
                False,
                QCoreApplication.translate(
                    "AlarmLink",
                    "The alarm engine of this data folder has stopped (utkik serve or the "
                    "console that records).",
                ),
            )
        else:
            self._set_receiving(True, "")

    def _set_receiving(self, receiving: bool, why: str) -> None:
        if self._receiving == receiving and self._why == why:
            return
        self._receiving, self._why = receiving, why
        if not receiving:
            log.warning("alarms cannot be received: %s", why)
        self.link_changed.emit(receiving, why)

    @property
    def receiving(self) -> bool:
        return bool(self._receiving)

    def stop(self) -> None:
        """Unsubscribe (joins paho's thread; quick)."""
        self._stopped = True
        self._retry.stop()
        self._watch.stop()
        feed, self.feed = self.feed, None
        if feed is not None:
            feed.stop()
        board, self._board = self._board, None
        if board is not None:
            if self._core.alarms.on_changed == board.publish:
                self._core.alarms.on_changed = None
            board.close()
