"""Alarm benchmarks through real parts: mosquitto on loopback, the alarm engine with its MQTT
sensors' source and board on a fresh data dir, and a feed reading the published alarm states.

    .venv/bin/python benchmarks/bench_alarms.py [--events N] [--storm-rate R] [--storm-s S]

latency  a sensor's event published → the new alarm's state received from the broker by a feed
         (stored in the database first): p50 and p99, against the broker's own round trip
         (publish → a subscriber) measured in the same run. Targets: p50 <= 100 ms, p99 <= 250 ms.
storm    R events a second for S seconds (default 5 000/s for 10 s) from 50 sensors: every
         event is stored (coalesced on the open alarms: the sum of their counts is the number
         sent), none lost; how long the engine takes to catch up after the last one.

The table goes to stdout, the numbers to benchmarks/results/alarms.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from console.alarms.broker import BrokerAddress
from console.alarms.engine import AlarmEngine
from console.app import Core
from console.clock import SystemClock
from console.domain import Actor
from devices.mqtt_sensors import AlarmFeed, MqttAlarmBoard, MqttSensorSource
from devices.simulator.sensors import Broker, sensor_topic

RESULTS = Path(__file__).resolve().parent / "results" / "alarms.json"

#: One of the storm's two publishers (host, port, events, rate, which half): 25 sound sensors
#: each, 50 at Stora torget in all.
STORM = """
import json, sys, time
from datetime import UTC, datetime
import paho.mqtt.client as mqtt
host, port, total, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
half = int(sys.argv[5])
client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-storm-{half}")
client.max_inflight_messages_set(1000)
client.max_queued_messages_set(0)
client.connect(host, port)
client.loop_start()
started = time.monotonic()
for i in range(total):
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    payload = json.dumps({"kind": "sound", "event": "aggression", "level": i % 100, "time": now})
    info = client.publish(
        f"utkik/site/stora-torget/sensor/storm-{half * 25 + i % 25}/event", payload, qos=1
    )
    pause = started + (i + 1) / rate - time.monotonic()
    if pause > 0:
        time.sleep(pause)
info.wait_for_publish(60)
client.disconnect()
client.loop_stop()
"""
CLI = Actor.os_account()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def publisher(broker: Broker, name: str) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=name)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(broker.host, broker.port)
    client.loop_start()
    return client


def broker_round_trip(broker: Broker, samples: int) -> list[float]:
    """The floor: publish → a plain subscriber, through the same broker."""
    got: dict[str, float] = {}
    ready = threading.Event()
    listener = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-listener")
    listener.on_connect = lambda c, u, f, r, p: (c.subscribe("bench/#", qos=1), ready.set())
    listener.on_message = lambda c, u, m: got.__setitem__(m.topic, time.monotonic())
    listener.connect(broker.host, broker.port)
    listener.loop_start()
    ready.wait(10)
    time.sleep(0.2)
    sender = publisher(broker, "bench-sender")
    sent: dict[str, float] = {}
    for i in range(samples):
        topic = f"bench/{i}"
        sent[topic] = time.monotonic()
        sender.publish(topic, b"x", qos=1)
        time.sleep(0.01)
    deadline = time.monotonic() + 10
    while len(got) < samples and time.monotonic() < deadline:
        time.sleep(0.01)
    for client in (sender, listener):
        client.disconnect()
        client.loop_stop()
    return [got[t] - sent[t] for t in sent if t in got]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--storm-rate", type=int, default=5_000)
    parser.add_argument("--storm-s", type=float, default=10.0)
    args = parser.parse_args(argv)

    broker = Broker()
    broker.start()
    tmp = tempfile.TemporaryDirectory(prefix="utkik-bench-alarms-")
    core = Core.open(Path(tmp.name) / "data", sealer=False)
    address = BrokerAddress(broker.host, broker.port)
    instance = core.alarms.instance()
    source = MqttSensorSource(address, SystemClock(), client_id="bench-sensors")
    board = MqttAlarmBoard(address, instance, client_id="bench-engine", engine=True)
    engine = AlarmEngine(core.alarms, core.cameras, core.clock, sources=[source], board=board)
    engine.start()
    results: dict[str, Any] = {"machine": platform.platform(), "python": sys.version.split()[0]}
    try:
        source.connected.wait(10)
        floor = broker_round_trip(broker, args.events)

        arrived: dict[str, float] = {}
        feed = AlarmFeed(address, instance, client_id="bench-feed")

        def on_state(alarm_id: int, state: dict[str, Any] | None) -> None:
            if state is not None and state.get("source", "").startswith("lat-"):
                arrived.setdefault(state["source"], time.monotonic())

        feed.start(on_state)
        feed.connected.wait(10)
        sender = publisher(broker, "bench-sensor")
        sent: dict[str, float] = {}
        for i in range(args.events):
            sensor = f"lat-{i}"
            payload = json.dumps({"kind": "sound", "event": "aggression", "level": 80})
            sent[sensor] = time.monotonic()
            sender.publish(sensor_topic("resecentrum", sensor, "event"), payload, qos=1)
            time.sleep(0.02)
        deadline = time.monotonic() + 30
        while len(arrived) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.01)
        latency = [arrived[s] - sent[s] for s in sent if s in arrived]
        results["latency"] = {
            "events": len(sent),
            "arrived": len(latency),
            "p50_ms": percentile(latency, 0.5) * 1000,
            "p99_ms": percentile(latency, 0.99) * 1000,
            "broker_p50_ms": percentile(floor, 0.5) * 1000,
            "broker_p99_ms": percentile(floor, 0.99) * 1000,
            "ratio_p50": percentile(latency, 0.5) / max(percentile(floor, 0.5), 1e-6),
        }
        feed.stop()

        stored_before = engine.stored
        total = round(args.storm_rate * args.storm_s)
        # The sensors publish from another process, as they do: the engine's process spends
        # its time on receiving only.
        started = time.monotonic()
        storms = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    STORM,
                    broker.host,
                    str(broker.port),
                    str(total // 2),
                    str(args.storm_rate // 2),
                    str(half),
                ],
            )
            for half in range(2)
        ]
        for storm in storms:
            storm.wait(args.storm_s * 10 + 60)
        published = time.monotonic()
        deadline = published + 120
        while engine.stored - stored_before < total and time.monotonic() < deadline:
            time.sleep(0.05)
        caught_up = time.monotonic()
        storm = [a for a in core.alarms.list(CLI) if a.source.startswith("storm-")]
        results["storm"] = {
            "sent": total,
            "rate_achieved": total / (published - started),
            "stored": engine.stored - stored_before,
            "alarms": len(storm),
            "counted": sum(a.count for a in storm),
            "catch_up_s": caught_up - published,
        }
        sender.disconnect()
        sender.loop_stop()
    finally:
        engine.stop()
        core.close()
        broker.stop()
        tmp.cleanup()

    lat, storm_r = results["latency"], results["storm"]
    print(f"{'measure':<34}{'value':>12}{'target':>14}")
    print(f"{'event → alarm state, p50 (ms)':<34}{lat['p50_ms']:>12.1f}{'<= 100':>14}")
    print(f"{'event → alarm state, p99 (ms)':<34}{lat['p99_ms']:>12.1f}{'<= 250':>14}")
    print(f"{'broker round trip, p50 (ms)':<34}{lat['broker_p50_ms']:>12.2f}{'':>14}")
    print(f"{'ratio p50 to the broker':<34}{lat['ratio_p50']:>12.1f}{'':>14}")
    print(f"{'storm: events sent':<34}{storm_r['sent']:>12}{'':>14}")
    print(f"{'storm: rate achieved (/s)':<34}{storm_r['rate_achieved']:>12.0f}{'':>14}")
    print(f"{'storm: stored (none lost)':<34}{storm_r['stored']:>12}{'= sent':>14}")
    print(f"{'storm: sum of alarm counts':<34}{storm_r['counted']:>12}{'= sent':>14}")
    print(f"{'storm: catch-up after (s)':<34}{storm_r['catch_up_s']:>12.2f}{'':>14}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
