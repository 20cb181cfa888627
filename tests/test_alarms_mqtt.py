"""Alarms through real parts: the simulated site's MQTT sensors on a real mosquitto, the alarm
engine with its sensors' source and board, and two cores on one data dir sharing one list."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from console.alarms.broker import BrokerAddress, alarm_topic
from console.alarms.engine import AlarmEngine
from console.alarms.model import AlarmState
from console.alarms.signals import AlarmClass
from console.app import Core
from console.clock import SystemClock
from console.domain import Actor, Role
from devices.mqtt_sensors import (
    AlarmFeed,
    MqttAlarmBoard,
    MqttSensorSource,
    sensor_event,
)
from devices.simulator.sensors import Broker, SensorSpec, SimulatedSensor, sensor_topic
from tests.conftest import FAST_HASHER, PASSWORD

CLI = Actor.os_account("root")


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def broker() -> Iterator[Broker]:
    started = Broker()
    started.start()
    yield started
    started.stop()


def address(broker: Broker) -> BrokerAddress:
    return BrokerAddress(broker.host, broker.port)


class Running:
    """The alarm engine of a core on the test broker, as `utkik serve` runs it."""

    def __init__(self, core: Core, broker: Broker) -> None:
        instance = core.alarms.instance()
        # Received at the real time, as the sensors' own times are.
        self.source = MqttSensorSource(address(broker), SystemClock(), client_id="test-sensors")
        self.board = MqttAlarmBoard(address(broker), instance, client_id="test-engine", engine=True)
        self.engine = AlarmEngine(
            core.alarms, core.cameras, core.clock, sources=[self.source], board=self.board
        )
        self.engine.start()
        assert self.source.connected.wait(10)

    def stop(self) -> None:
        self.engine.stop()


@pytest.fixture
def running(core: Core, broker: Broker) -> Iterator[Running]:
    engine = Running(core, broker)
    yield engine
    engine.stop()


def sim_sensor(broker: Broker, place: str, sensor: str, kind: str) -> SimulatedSensor:
    device = SimulatedSensor(SensorSpec(place, sensor, kind), broker)
    device.start()
    return device


def test_sensor_events_become_alarms(core: Core, broker: Broker, running: Running) -> None:
    sound = sim_sensor(broker, "stora-torget", "sound-1", "sound")
    tamper = sim_sensor(broker, "berga-centrum", "tamper-1", "tamper")
    try:
        sound.publish_event("aggression", level=87).wait_for_publish(5)
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        (audio,) = core.alarms.list(CLI)
        assert (audio.alarm_class, audio.source, audio.place, audio.site) == (
            AlarmClass.AUDIO,
            "sound-1",
            "Stora torget",
            "City",
        )
        assert audio.device_time is not None
        # The enclosure opens: its event and its retained state make one sabotage alarm.
        tamper.publish_event("opened").wait_for_publish(5)
        tamper.publish_state(open=True).wait_for_publish(5)
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 2)
        assert wait_for(lambda: _by_class(core, AlarmClass.SABOTAGE).count == 2)
        sabotage = _by_class(core, AlarmClass.SABOTAGE)
        assert (sabotage.active, sabotage.severity) == (True, 1)
        tamper.publish_state(open=False).wait_for_publish(5)
        assert wait_for(lambda: _by_class(core, AlarmClass.SABOTAGE).active is False)
        assert len(core.alarms.list(CLI)) == 2
    finally:
        sound.stop()
        tamper.stop()


def test_a_sensor_going_offline_is_a_health_alarm_and_unknown_sensors_are_kept(
    core: Core, broker: Broker, running: Running
) -> None:
    door = sim_sensor(broker, "nya-platsen", "door-7", "door")
    try:
        door.publish_state(open=True).wait_for_publish(5)
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        assert core.alarms.list(CLI)[0].place == "nya-platsen"
        assert wait_for(lambda: any(s.sensor == "door-7" for s in running.source.sensors()))
    finally:
        door.stop(clean=False)  # the broker sends its last will: offline
    assert wait_for(lambda: _has(core, AlarmClass.HEALTH))
    assert _by_class(core, AlarmClass.HEALTH).title == "Sensor offline: door-7 at nya-platsen"


def test_retained_states_are_read_at_a_reconnect(core: Core, broker: Broker) -> None:
    """The engine was not running when the door opened: at its start it learns of it."""
    door = sim_sensor(broker, "ryds-centrum", "door-1", "door")
    try:
        door.publish_state(open=True).wait_for_publish(5)
        engine = Running(core, broker)
        try:
            assert wait_for(lambda: _has(core, AlarmClass.DOOR))
            assert _by_class(core, AlarmClass.DOOR).active is True
        finally:
            engine.stop()
    finally:
        door.stop()


def test_two_cores_on_one_data_dir_see_one_acknowledgement(
    core: Core, broker: Broker, running: Running
) -> None:
    """The engine's core (a video-wall workstation) and a second console on the same data dir:
    each sees the other's changes through the broker within a second."""
    second = Core.open(core.data_dir, clock=core.clock, hasher=FAST_HASHER, sealer=False)
    instance = second.alarms.instance()
    assert instance == core.alarms.instance()
    # The second console publishes its operators' changes and reads the others'.
    board = MqttAlarmBoard(address(broker), instance, client_id="desk-board")
    second.alarms.on_changed = board.publish
    seen_here: dict[int, dict[str, Any] | None] = {}
    seen_there: dict[int, dict[str, Any] | None] = {}
    lock = threading.Lock()

    def keep(into: dict[int, dict[str, Any] | None]) -> Callable[[int, Any], None]:
        def on_state(alarm_id: int, state: dict[str, Any] | None) -> None:
            with lock:
                into[alarm_id] = state

        return on_state

    desk = AlarmFeed(address(broker), instance, client_id="desk-feed")
    wall = AlarmFeed(address(broker), instance, client_id="wall-feed")
    desk.start(keep(seen_here))
    wall.start(keep(seen_there))
    sound = sim_sensor(broker, "resecentrum", "sound-1", "sound")
    try:
        assert desk.connected.wait(10)
        assert wall.connected.wait(10)
        sound.publish_event("aggression", level=91).wait_for_publish(5)
        assert wait_for(lambda: len(seen_here) == 1)
        ((alarm_id, state),) = seen_here.items()
        assert state is not None
        assert (state["state"], state["class"], state["source"]) == ("new", "audio", "sound-1")
        second.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
        olle = Actor.of(second.users.authenticate("olle", PASSWORD))
        acknowledged_at = time.monotonic()
        second.alarms.acknowledge(olle, alarm_id, "Guards on their way")

        def acknowledged() -> bool:
            with lock:
                there = seen_there.get(alarm_id)
            return there is not None and there["state"] == "acknowledged"

        assert wait_for(acknowledged, 1.0)
        assert time.monotonic() - acknowledged_at < 1.0
        with lock:
            assert seen_there[alarm_id]["acknowledged_by"] == "olle"  # type: ignore[index]
        # Closing clears the alarm's retained topic: a console connecting later does not see it.
        second.alarms.close(olle, alarm_id)
        assert wait_for(lambda: seen_there.get(alarm_id) is None)
        late: dict[int, dict[str, Any] | None] = {}
        latecomer = AlarmFeed(address(broker), instance, client_id="late-feed")
        latecomer.start(keep(late))
        try:
            assert latecomer.connected.wait(10)
            latecomer.settle(0.3)
            assert late == {}
        finally:
            latecomer.stop()
        assert core.alarms.get(CLI, alarm_id).state is AlarmState.CLOSED
    finally:
        sound.stop()
        desk.stop()
        wall.stop()
        board.close()
        second.close()


def test_open_alarms_are_published_again_at_the_engine_start(core: Core, broker: Broker) -> None:
    sound = sim_sensor(broker, "stora-torget", "sound-1", "sound")
    stale_client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="stale")
    try:
        engine = Running(core, broker)
        try:
            sound.publish_event("aggression", level=60).wait_for_publish(5)
            assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        finally:
            engine.stop()
        # A topic of an alarm that no longer exists (left by a crash) is cleared at the start.
        stale_client.connect(broker.host, broker.port)
        stale_client.loop_start()
        instance = core.alarms.instance()
        stale_client.publish(
            alarm_topic(instance, 999), b'{"id": 999, "revision": 1}', qos=1, retain=True
        ).wait_for_publish(5)
        engine = Running(core, broker)
        seen: dict[int, Any] = {}
        feed = AlarmFeed(address(broker), instance, client_id="check-feed")
        feed.start(lambda alarm_id, state: seen.__setitem__(alarm_id, state))
        try:
            assert feed.connected.wait(10)
            (alarm,) = core.alarms.list(CLI)
            # The stale topic is cleared (never shown, or shown and then cleared).
            assert wait_for(lambda: {i for i, state in seen.items() if state} == {alarm.id})
        finally:
            feed.stop()
            engine.stop()
    finally:
        stale_client.disconnect()
        stale_client.loop_stop()
        sound.stop()


def test_hostile_sensor_messages_are_bounded() -> None:
    now = datetime(2026, 3, 29, tzinfo=UTC)
    topic = sensor_topic("stora-torget", "door-1", "event")
    huge = b'{"kind": "door", "event": "forced", "time": "9999-12-31T23:59:59Z", "x": "' + (
        b"\xe2\x80\xae" * (1 << 20)
    )
    event = sensor_event(topic, huge + b'"}', now)
    assert event is not None
    assert len(event.raw) <= 64 * 1024
    assert event.data == {}  # cut short, not JSON any more: kept as raw text only
    members = b'{"kind": "door", "event": "forced", "time": "1601-01-01T00:00:00Z"}'
    event = sensor_event(topic, members, now)
    assert event is not None
    assert event.device_time == datetime(1601, 1, 1, tzinfo=UTC)  # made None by the model
    assert sensor_event("utkik/site/x/light/lamp-1/state", b"{}", now) is None


def _has(core: Core, alarm_class: AlarmClass) -> bool:
    return any(a.alarm_class is alarm_class for a in core.alarms.list(CLI))


def _by_class(core: Core, alarm_class: AlarmClass) -> Any:
    return next(a for a in core.alarms.list(CLI) if a.alarm_class is alarm_class)


def test_the_engine_reconnects_after_the_broker_restarts(core: Core) -> None:
    first = Broker()
    first.start()
    engine = Running(core, first)
    again: Broker | None = None
    try:
        first.stop()
        assert wait_for(lambda: not engine.source.connected.is_set())
        again = Broker(port=first.port)
        again.start()
        # Backoff from 1 s: back within seconds, and subscribed again.
        assert engine.source.connected.wait(15)
        door = sim_sensor(again, "stora-torget", "door-1", "door")
        try:
            door.publish_event("forced").wait_for_publish(5)
            assert wait_for(lambda: _has(core, AlarmClass.DOOR))
        finally:
            door.stop()
    finally:
        engine.stop()
        if again is not None:
            again.stop()
