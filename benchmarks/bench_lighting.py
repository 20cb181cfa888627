"""Lighting benchmarks (issue: adaptive lighting): command confirmation latency, and a thousand
luminaires following a schedule change, each beside a same-run reference.

    .venv/bin/python benchmarks/bench_lighting.py [--luminaires 1000] [--zones 100] [--samples 300]

confirm    an operator's override of a zone with one luminaire: from the engine's publish of the
           `set` command to the controller's retained `state` echoing its command_id arriving
           back at the engine (MQTT QoS 1 both ways, through a real mosquitto on loopback; the
           controllers are simulated by one paho client in a child process). Target: p99 ≤ 200 ms.
           Reference: a bare paho round trip over the same broker and the same child process
           (publish, the child echoes it), showing what the transport itself costs.
scale      `--luminaires` controllers in `--zones` zones (one zone per place). After every
           luminaire confirmed its first command, the engine idles for `--idle` seconds ticking
           once a second: its process's CPU (user + sys, the controllers and the broker run in
           other processes) in % of one core. Target: < 10 %. Then a supervisor changes every
           zone's night level, one zone after another: for each zone the time from its change
           until each of its luminaires reported the new level with the command's id; the
           slowest counts. Target: ≤ 2 s.

The table goes to stdout, the numbers to benchmarks/results/lighting.json; exit status 1 if a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TOP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP))

import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402

from console.alarms.broker import BrokerAddress  # noqa: E402
from console.app import Core  # noqa: E402
from console.domain import Actor, Role  # noqa: E402
from console.lighting.engine import LightingEngine  # noqa: E402
from console.lighting.schedule import Program, Schedule  # noqa: E402
from console.lighting.service import LightingService  # noqa: E402
from console.ports import LuminaireReport  # noqa: E402
from devices.mqtt_lighting import MqttLightingBus  # noqa: E402
from devices.mqtt_sensors import no_delay  # noqa: E402
from devices.simulator.sensors import Broker  # noqa: E402

RESULTS = TOP / "benchmarks" / "results" / "lighting.json"
PASSWORD = "a bench password of some length"
ECHO_IN, ECHO_OUT = "bench/echo/in", "bench/echo/out"
#: A December evening: night, so every zone is lit by its schedule.
EVENING = datetime.fromisoformat("2026-12-21T20:00:00+01:00")


class FixedClock:
    """The engine's clock: the same evening, advancing with real time (the schedule stays in
    its night while the benchmark runs)."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def now(self) -> datetime:
        return EVENING.astimezone(UTC) + timedelta(seconds=time.monotonic() - self._start)


# -- the controllers: one paho client answering for all of them, in a child process -------------


def fleet(host: str, port: int, places: int, per_place: int, ready: Any) -> None:
    lights = {(f"place-{p}", f"lamp-{i}") for p in range(places) for i in range(per_place)}
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-fleet")
    client.on_socket_open = no_delay

    def on_message(c: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == ECHO_IN:
            c.publish(ECHO_OUT, message.payload, qos=1)
            return
        parts = message.topic.split("/")
        command = json.loads(message.payload)
        state = {"level": command["level"], "mode": command.get("mode", "manual"), "time": ""}
        state["command_id"] = command.get("command_id")
        topic = f"utkik/site/{parts[2]}/light/{parts[4]}/state"
        c.publish(topic, json.dumps(state), qos=1, retain=True)

    client.on_message = on_message
    client.connect(host, port)
    client.subscribe([("utkik/site/+/light/+/set", 1), (ECHO_IN, 1)])
    for place, light in sorted(lights):
        base = f"utkik/site/{place}/light/{light}"
        client.publish(f"{base}/availability", "online", qos=1, retain=True)
        client.publish(
            f"{base}/state", json.dumps({"level": 30, "mode": "auto"}), qos=1, retain=True
        )
    client.loop_start()
    ready.set()
    while True:
        time.sleep(3600)


class TimedBus(MqttLightingBus):
    """The engine's MQTT bus, noting when each command went out and when its echo came back."""

    def __init__(self, address: BrokerAddress) -> None:
        super().__init__(address, client_id="bench-engine")
        self.sent: dict[str, float] = {}
        self.confirmed: dict[str, float] = {}
        self.confirmations: dict[str, set[tuple[str, str]]] = {}
        #: when each light first reported the level 77 (the schedule change)
        self.level_seen: dict[tuple[str, str], float] = {}

    def send(
        self, place: str, light: str, level: int, mode: str, duration_s: int, command_id: str
    ) -> None:
        self.sent.setdefault(command_id, time.perf_counter())
        super().send(place, light, level, mode, duration_s, command_id)

    def start(self, on_report: Callable[[LuminaireReport], None]) -> None:
        def timed(report: LuminaireReport) -> None:
            if report.command_id:
                now = time.perf_counter()
                self.confirmed.setdefault(report.command_id, now)
                self.confirmations.setdefault(report.command_id, set()).add(
                    (report.place, report.light)
                )
                if report.level == 77:
                    self.level_seen.setdefault((report.place, report.light), now)
            on_report(report)

        super().start(timed)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def echo_round_trips(address: BrokerAddress, samples: int) -> list[float]:
    got = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-echo")
    client.on_socket_open = no_delay
    client.on_message = lambda c, u, m: got.set()
    client.connect(address.host, address.port)
    client.subscribe(ECHO_OUT, qos=1)
    client.loop_start()
    time.sleep(0.3)
    times = []
    for i in range(samples):
        got.clear()
        start = time.perf_counter()
        client.publish(ECHO_IN, str(i), qos=1)
        if not got.wait(5):
            raise RuntimeError("the echo did not come back")
        times.append(time.perf_counter() - start)
    client.disconnect()
    client.loop_stop()
    return times


def open_core(directory: Path) -> tuple[Core, Actor, Actor]:
    core = Core.open(directory, sealer=False)
    cli = Actor.os_account("bench")
    core.users.add(cli, "olle", Role.OPERATOR, PASSWORD)
    core.users.add(cli, "siv", Role.SUPERVISOR, PASSWORD)
    return (
        core,
        Actor.of(core.users.authenticate("olle", PASSWORD)),
        Actor.of(core.users.authenticate("siv", PASSWORD)),
    )


def start_fleet(address: BrokerAddress, places: int, per_place: int) -> Any:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    child = context.Process(
        target=fleet, args=(address.host, address.port, places, per_place, ready), daemon=True
    )
    child.start()
    if not ready.wait(30):
        raise RuntimeError("the simulated controllers did not start")
    return child


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def bench_confirm(address: BrokerAddress, samples: int, workdir: Path) -> dict[str, Any]:
    child = start_fleet(address, 1, 1)
    core, olle, _ = open_core(workdir / "confirm")
    service = LightingService(core.db, core.audit, FixedClock(), core.events)
    bus = TimedBus(address)
    engine = LightingEngine(service, bus, FixedClock())
    try:
        engine.start(tick_s=None)
        if not wait_until(lambda: len(service.zones()) == 1, 10):
            raise RuntimeError("the controller was not heard")
        latencies = []
        for i in range(samples):
            zone = service.zones()[0]
            service.override(olle, zone, 10 + i % 80, timedelta(minutes=5), "bench")
            before = set(bus.sent)
            engine.tick()
            (command_id,) = set(bus.sent) - before
            if not wait_until(lambda c=command_id: c in bus.confirmed, 5):  # type: ignore[misc]
                raise RuntimeError("a command was not confirmed")
            latencies.append(bus.confirmed[command_id] - bus.sent[command_id])
        reference = echo_round_trips(address, samples)
    finally:
        engine.stop()
        core.close()
        child.terminate()
    return {
        "samples": samples,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "reference_p50_ms": percentile(reference, 50) * 1000,
        "reference_p99_ms": percentile(reference, 99) * 1000,
    }


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_scale(
    address: BrokerAddress, luminaires: int, zones: int, idle_s: float, workdir: Path
) -> dict[str, Any]:
    per_place = max(1, luminaires // zones)
    child = start_fleet(address, zones, per_place)
    core, _, siv = open_core(workdir / "scale")
    clock = FixedClock()
    service = LightingService(core.db, core.audit, clock, core.events)
    bus = TimedBus(address)
    engine = LightingEngine(service, bus, clock)
    total = zones * per_place
    try:
        started = time.perf_counter()
        engine.start(tick_s=1.0)

        def all_confirmed() -> bool:
            lums = [x for z in service.zones() for x in z.luminaires]
            return len(lums) == total and all(x.confirmed for x in lums)

        if not wait_until(all_confirmed, 120):
            raise RuntimeError("not every luminaire confirmed its first command")
        first = time.perf_counter() - started
        before_cpu, before_wall = cpu_seconds(), time.perf_counter()
        time.sleep(idle_s)
        idle_cpu = (cpu_seconds() - before_cpu) / (time.perf_counter() - before_wall) * 100

        # Each zone's change is followed by its own luminaires: the slowest zone counts.
        changed: dict[str, float] = {}
        change_start = time.perf_counter()
        for zone in service.zones():
            service.set_schedule(siv, zone, Schedule(Program(night_level=77)))
            changed[zone.place] = time.perf_counter()
        changed_by = time.perf_counter() - change_start

        def all_at_new_level() -> bool:
            lums = [x for z in service.zones() for x in z.luminaires]
            return all(x.reported_level == 77 and x.confirmed for x in lums)

        followed = wait_until(all_at_new_level, 60)
        follow_s = max(
            bus.level_seen[(place, light)] - changed[place]
            for place, light in bus.level_seen
            if place in changed
        )
    finally:
        engine.stop()
        core.close()
        child.terminate()
    return {
        "luminaires": total,
        "zones": zones,
        "first_commands_s": first,
        "idle_cpu_percent_of_a_core": idle_cpu,
        "schedule_changes_written_s": changed_by,
        "followed": followed,
        "follow_s": follow_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--luminaires", type=int, default=1000)
    parser.add_argument("--zones", type=int, default=100)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--idle", type=float, default=30.0)
    args = parser.parse_args()
    broker = Broker()
    broker.start()
    address = BrokerAddress(broker.host, broker.port)
    try:
        with tempfile.TemporaryDirectory(prefix="utkik-bench-lighting-") as scratch:
            confirm = bench_confirm(address, args.samples, Path(scratch))
            scale = bench_scale(address, args.luminaires, args.zones, args.idle, Path(scratch))
    finally:
        broker.stop()
    checks = {
        "confirm p99 ≤ 200 ms": confirm["p99_ms"] <= 200,
        "idle engine < 10 % of a core": scale["idle_cpu_percent_of_a_core"] < 10,
        "schedule change followed ≤ 2 s": scale["followed"] and scale["follow_s"] <= 2,
    }
    print(f"{'measure':<44}{'Utkik':>12}{'reference':>12}")
    print(f"{'confirm p50 (ms)':<44}{confirm['p50_ms']:>12.1f}{confirm['reference_p50_ms']:>12.1f}")
    print(f"{'confirm p99 (ms)':<44}{confirm['p99_ms']:>12.1f}{confirm['reference_p99_ms']:>12.1f}")
    print(f"{'first commands to all luminaires (s)':<44}{scale['first_commands_s']:>12.2f}")
    print(f"{'idle engine (% of a core)':<44}{scale['idle_cpu_percent_of_a_core']:>12.2f}")
    print(f"{'schedule change written (s)':<44}{scale['schedule_changes_written_s']:>12.2f}")
    print(f"{'schedule change followed by all (s)':<44}{scale['follow_s']:>12.2f}")
    for name, ok in checks.items():
        print(f"{'met' if ok else 'MISSED':>7}  {name}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(),
                "machine": platform.node(),
                "confirm": confirm,
                "scale": scale,
                "targets": checks,
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
