"""The simulated sensors and luminaires against a real mosquitto broker."""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from devices.simulator.sensors import (
    Broker,
    SensorSpec,
    SimulatedLuminaire,
    SimulatedSensor,
    light_topic,
    sensor_topic,
)


@pytest.fixture
def broker() -> Iterator[Broker]:
    started = Broker()
    started.start()
    yield started
    started.stop()


class Listener:
    """A plain paho client, as the console will be, collecting what it receives."""

    def __init__(self, broker: Broker, pattern: str = "utkik/site/#") -> None:
        self.messages: queue.Queue[tuple[str, bytes, bool]] = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="listener")
        self.client.on_message = lambda c, u, m: self.messages.put((m.topic, m.payload, m.retain))
        self.client.connect(broker.host, broker.port)
        self.client.subscribe(pattern, qos=1)
        self.client.loop_start()

    def next(self, topic: str, timeout: float = 5.0) -> tuple[bytes, bool]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"nothing on {topic}"
            got, payload, retain = self.messages.get(timeout=left)
            if got == topic:
                return payload, retain

    def publish(self, topic: str, payload: dict[str, Any] | str) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self.client.publish(topic, text, qos=1).wait_for_publish(5)

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_sensor_announces_itself_and_publishes(broker: Broker) -> None:
    sensor = SimulatedSensor(SensorSpec("stora-torget", "sound-1", "sound"), broker)
    sensor.start()
    # A listener that comes later still gets the retained availability and state.
    time.sleep(0.2)
    listener = Listener(broker)
    try:
        payload, retained = listener.next(sensor_topic("stora-torget", "sound-1", "availability"))
        assert (payload, retained) == (b"online", True)
        state = json.loads(listener.next(sensor_topic("stora-torget", "sound-1", "state"))[0])
        assert state["kind"] == "sound"
        assert state["level_db"] == 45
        assert state["time"].endswith("Z")
        sensor.publish_event("aggression", level=87).wait_for_publish(5)
        event = json.loads(listener.next(sensor_topic("stora-torget", "sound-1", "event"))[0])
        assert event["event"] == "aggression"
        assert event["level"] == 87
        sensor.stop(clean=False)
        # The broker tells everyone with the sensor's last will.
        payload, _ = listener.next(sensor_topic("stora-torget", "sound-1", "availability"), 10)
        assert payload == b"offline"
    finally:
        listener.stop()


def test_luminaire_obeys_reports_and_reverts(broker: Broker) -> None:
    light = SimulatedLuminaire("berga-centrum", "lamp-1", broker, level=30)
    light.start()
    listener = Listener(broker)
    try:
        state = json.loads(listener.next(light_topic("berga-centrum", "lamp-1", "state"))[0])
        assert (state["level"], state["mode"]) == (30, "auto")
        listener.publish(
            light_topic("berga-centrum", "lamp-1", "set"),
            {"level": 100, "mode": "boost", "duration_s": 0.5, "command_id": "c-1"},
        )
        state = json.loads(listener.next(light_topic("berga-centrum", "lamp-1", "state"))[0])
        assert (state["level"], state["mode"], state["command_id"]) == (100, "boost", "c-1")
        state = json.loads(listener.next(light_topic("berga-centrum", "lamp-1", "state"))[0])
        assert (state["level"], state["mode"]) == (30, "auto")
        assert "command_id" not in state

        # A command on top of another: at its end the controller goes back to its own program,
        # not to the command before (which nobody may be there to end).
        topic = light_topic("berga-centrum", "lamp-1", "set")
        listener.publish(topic, {"level": 60, "mode": "manual", "duration_s": 30})
        state = json.loads(listener.next(light_topic("berga-centrum", "lamp-1", "state"))[0])
        assert (state["level"], state["mode"]) == (60, "manual")
        listener.publish(topic, {"level": 100, "mode": "boost", "duration_s": 0.5})
        state = json.loads(listener.next(light_topic("berga-centrum", "lamp-1", "state"))[0])
        assert (state["level"], state["mode"]) == (100, "boost")
        state = json.loads(listener.next(light_topic("berga-centrum", "lamp-1", "state"))[0])
        assert (state["level"], state["mode"]) == (30, "auto")

        listener.publish(light_topic("berga-centrum", "lamp-1", "set"), {"level": 400})
        error = json.loads(listener.next(light_topic("berga-centrum", "lamp-1", "error"))[0])
        assert error["error"] == "bad command"
        assert light.level == 30
    finally:
        light.stop()
        listener.stop()


def test_broker_stops_without_leaving_a_process() -> None:
    started = Broker()
    started.start()
    process = started._process
    assert process is not None
    started.stop()
    assert process.poll() is not None
