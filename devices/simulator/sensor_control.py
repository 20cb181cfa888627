"""`utkik sensor-event`: make one simulated sensor speak, for trying alarms by hand.

It publishes what a real device of docs/sensors-and-lighting.md would: an event (not retained)
with the state it leaves (retained), or its availability (retained; `offline` is what the broker
sends for a device whose connection dropped).
"""

from __future__ import annotations

import json

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from console.alarms.broker import BrokerAddress
from console.errors import N_, InvalidInput
from devices.simulator.sensors import BrokerUnavailable, now_iso, sensor_topic

#: What can be raised, and the sensor kind it belongs to.
WHATS = ("aggression", "opened", "closed", "forced", "offline", "online")


def _kind(sensor: str, what: str) -> str:
    if what == "aggression":
        return "sound"
    if what == "forced":
        return "door"
    return "tamper" if sensor.startswith("tamper") else "door"


def messages(place: str, sensor: str, what: str) -> list[tuple[str, str, bool]]:
    """(topic, payload, retained) of what the device sends."""
    if what not in WHATS:
        raise InvalidInput(
            N_("“{what}” is not a sensor event: {known}."), what=what, known=", ".join(WHATS)
        )
    if what in ("offline", "online"):
        return [(sensor_topic(place, sensor, "availability"), what, True)]
    kind = _kind(sensor, what)
    event: dict[str, object] = {"kind": kind, "event": what, "time": now_iso()}
    if what == "aggression":
        event["level"] = 90
        return [(sensor_topic(place, sensor, "event"), json.dumps(event), False)]
    state = {"kind": kind, "open": what != "closed", "time": now_iso()}
    return [
        (sensor_topic(place, sensor, "event"), json.dumps(event), False),
        (sensor_topic(place, sensor, "state"), json.dumps(state), True),
    ]


def send(address: BrokerAddress, place: str, sensor: str, what: str) -> None:
    sent = messages(place, sensor, what)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"sim-control-{place}-{sensor}")
    if address.tls:
        client.tls_set()
    try:
        client.connect(address.host, address.port)
    except OSError as err:
        raise BrokerUnavailable(
            N_("The broker {url} cannot be reached ({reason})."),
            url=address.url,
            reason=err.strerror or type(err).__name__,
        ) from None
    client.loop_start()
    try:
        for topic, payload, retained in sent:
            client.publish(topic, payload, qos=1, retain=retained).wait_for_publish(5)
    finally:
        client.disconnect()
        client.loop_stop()
