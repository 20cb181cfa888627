"""Two consoles on one data dir through a real mosquitto: the alarm engine of one publishes, both
alarm lists follow the broker, an acknowledgement at one shows at the other within a second,
and a red banner says when the engine or the broker is gone."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from console.alarms.broker import BrokerAddress
from console.alarms.engine import AlarmEngine
from console.alarms.model import AlarmState
from console.app import Core
from console.domain import Actor, Role
from console.settings import MQTT_BROKER
from devices.mqtt_sensors import MqttAlarmBoard
from devices.simulator.sensors import Broker
from tests.conftest import FAST_HASHER, PASSWORD, FakeClock
from tests.ui.test_alarms_panel import aggression, rows
from ui.alarm_details import CommentDialog
from ui.alarms_panel import AlarmsPanel
from ui.tasks import TaskRunner
from ui.wiring.alarms import AlarmLink

CLI = Actor.os_account("root")


@pytest.fixture
def broker() -> Iterator[Broker]:
    started = Broker()
    started.start()
    yield started
    started.stop()


class Desk:
    """One console's alarm list and its link to the broker."""

    def __init__(self, qtbot: QtBot, core: Core, runner: TaskRunner, name: str) -> None:
        core.users.add(CLI, name, Role.OPERATOR, PASSWORD)
        who = core.users.authenticate(name, PASSWORD)
        self.panel = AlarmsPanel(core.alarms, who, runner, core.clock)
        qtbot.addWidget(self.panel)
        self.panel.show()
        self.link = AlarmLink(core, runner)
        self.link.changed.connect(self.panel.alarms_changed)
        self.link.link_changed.connect(self.panel.show_link)
        self.panel.load()
        self.link.start()

    def stop(self) -> None:
        self.link.stop()


def test_an_acknowledgement_at_one_console_shows_at_the_other_within_a_second(
    qtbot: QtBot, core: Core, clock: FakeClock, runner: TaskRunner, broker: Broker
) -> None:
    core.settings.set_text(CLI, MQTT_BROKER, f"mqtt://{broker.host}:{broker.port}")
    instance = core.alarms.instance()
    address = BrokerAddress(broker.host, broker.port)
    engine = AlarmEngine(
        core.alarms,
        core.cameras,
        core.clock,
        board=MqttAlarmBoard(address, instance, client_id="wall-engine", engine=True),
    )
    engine.start()
    second = Core.open(core.data_dir, clock=core.clock, hasher=FAST_HASHER, sealer=False)
    wall = Desk(qtbot, core, runner, "olle")
    desk = Desk(qtbot, second, runner, "eva")
    try:
        qtbot.waitUntil(lambda: wall.link.receiving and desk.link.receiving, timeout=10_000)
        engine.deliver(aggression(clock))
        # Both lists learn of the new alarm from the broker.
        qtbot.waitUntil(lambda: len(rows(wall.panel)) == 1, timeout=5_000)
        qtbot.waitUntil(lambda: len(rows(desk.panel)) == 1, timeout=5_000)
        (alarm,) = core.alarms.list(CLI)
        desk.panel.select(alarm.id)
        desk.panel.buttons["acknowledge"].click()
        qtbot.waitUntil(lambda: isinstance(desk.panel.dialog, CommentDialog))
        dialog = desk.panel.dialog
        assert isinstance(dialog, CommentDialog)
        dialog.comment.setPlainText("Police informed")
        started = time.monotonic()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: rows(wall.panel)[0][2] == "Acknowledged", timeout=1_000)
        assert time.monotonic() - started < 1.0
        assert wall.panel.model.alarm(alarm.id) is not None
        assert wall.panel.model.alarm(alarm.id).acknowledged_by == "eva"  # type: ignore[union-attr]
        assert core.alarms.get(CLI, alarm.id).state is AlarmState.ACKNOWLEDGED
        assert not wall.panel.banner.isVisible()

        # The engine stops: both consoles say alarms cannot be received.
        engine.stop()
        qtbot.waitUntil(lambda: wall.panel.banner.isVisible(), timeout=5_000)
        qtbot.waitUntil(lambda: desk.panel.banner.isVisible(), timeout=5_000)
        assert "cannot be received" in wall.panel.banner.text()
        assert "engine" in wall.panel.banner.text()
        # The broker goes too: the banner says so.
        broker.stop()
        qtbot.waitUntil(lambda: "broker" in desk.panel.banner.text(), timeout=5_000)
    finally:
        wall.stop()
        desk.stop()
        engine.stop()
        second.close()
