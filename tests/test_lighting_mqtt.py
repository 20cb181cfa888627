"""Lighting through a real mosquitto and the simulated luminaires, on an injected clock."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.alarms.broker import BrokerAddress
from console.app import Core
from console.audit import verify as v
from console.audit.state import check_state
from console.domain import Actor, Role
from console.errors import PermissionDenied
from console.lighting.engine import LightingEngine, LightingProblem
from console.lighting.schedule import Program, Schedule, parse_window
from console.lighting.service import LightingService
from devices.mqtt_lighting import MqttLightingBus
from devices.simulator.sensors import Broker, SimulatedLuminaire, light_topic
from tests.conftest import PASSWORD, TOP, FakeClock
from tests.test_simulator_sensors import Listener

CLI = Actor.os_account("root")
#: A December evening in Linköping: night, the default program lights at 100 %.
EVENING = datetime.fromisoformat("2026-12-21T20:00:00+01:00")


def person(core: Core, name: str, role: Role) -> Actor:
    core.users.add(CLI, name, role, PASSWORD, frozenset())
    return Actor.of(core.users.authenticate(name, PASSWORD))


def entries(core: Core) -> list[dict[str, Any]]:
    return [
        json.loads(r["body"]) for r in core.db.query("SELECT body FROM audit_entries ORDER BY seq")
    ]


def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


@pytest.fixture
def broker() -> Iterator[Broker]:
    started = Broker()
    started.start()
    yield started
    started.stop()


class Site:
    """The engine, its service and the luminaires of one test."""

    def __init__(self, core: Core, clock: FakeClock, broker: Broker) -> None:
        self.core, self.clock, self.broker = core, clock, broker
        self.service = LightingService(core.db, core.audit, clock, core.events)
        self.problems: list[LightingProblem] = []
        self.bus = MqttLightingBus(BrokerAddress(broker.host, broker.port))
        self.engine = LightingEngine(self.service, self.bus, clock, self.problems.append)
        self.lights: list[SimulatedLuminaire] = []

    def light(self, place: str, light: str, level: int = 30) -> SimulatedLuminaire:
        lum = SimulatedLuminaire(place, light, self.broker, level=level)
        lum.start()
        self.lights.append(lum)
        return lum

    def zone_levels(self, name: str) -> list[int | None]:
        return [x.reported_level for x in self.service.zone(name).luminaires]

    def stop(self) -> None:
        self.engine.stop()
        for lum in self.lights:
            lum.stop()


@pytest.fixture
def site(core: Core, clock: FakeClock, broker: Broker) -> Iterator[Site]:
    clock.moment = EVENING
    made = Site(core, clock, broker)
    made.engine.start(tick_s=None)
    yield made
    made.stop()


def test_luminaires_that_announce_themselves_get_a_zone_and_the_night_level(site: Site) -> None:
    lamp1 = site.light("berga-centrum", "lamp-1")
    lamp2 = site.light("berga-centrum", "lamp-2")
    until(lambda: len(site.service.zones()) == 1 and len(site.service.zones()[0].luminaires) == 2)
    zone = site.service.zones()[0]
    assert (zone.name, zone.place) == ("Berga centrum", "berga-centrum")
    site.engine.tick()
    until(lambda: lamp1.level == 100 and lamp2.level == 100)
    until(lambda: all(x.confirmed for x in site.service.zone("Berga centrum").luminaires))
    command = lamp1.commands[-1]
    assert command["mode"] == "manual"
    # Held a little past the next change or the hourly renewal, whichever comes first.
    assert 60 * 60 < command["duration_s"] <= 70 * 60
    (status,) = site.service.status()
    assert (status["commanded_level"], status["reported_level"], status["reason"]) == (
        100,
        100,
        "schedule",
    )
    # A renewal is not a change: one command entry in the access log.
    site.clock.advance(seconds=30)
    site.engine.tick()
    assert len(lamp1.commands) == 1


def test_an_alarm_boost_then_the_schedule_again_at_its_end(site: Site) -> None:
    lamp = site.light("stora-torget", "lamp-1")
    until(lambda: len(site.service.zones()) == 1)
    zone = site.service.zones()[0]
    site.service.set_schedule(
        person(site.core, "siv", Role.SUPERVISOR), zone, Schedule(Program(night_level=40))
    )
    site.engine.tick()
    until(lambda: lamp.level == 40)
    site.service.boost("Stora torget", 100, timedelta(seconds=2), alarm_id=17)
    site.engine.tick()
    until(lambda: lamp.level == 100)
    assert lamp.commands[-1]["mode"] == "boost"
    assert lamp.commands[-1]["duration_s"] == 2
    # A repeated alarm extends it.
    site.clock.advance(seconds=1)
    site.service.boost("Stora torget", 100, timedelta(seconds=2), alarm_id=18)
    site.engine.tick()
    until(lambda: len(lamp.commands) == 3)
    assert lamp.commands[-1]["duration_s"] == 2
    # At the end the engine tells the schedule again.
    site.clock.advance(seconds=2)
    site.engine.tick()
    until(lambda: lamp.level == 40 and lamp.mode == "manual")
    logged = entries(site.core)
    boosts = [e for e in logged if e["action"] == "lighting.boost"]
    assert [b["details"]["alarm"] for b in boosts] == [17, 18]
    commands = [e for e in logged if e["action"] == "lighting.command"]
    assert [(c["details"]["level"], c["details"]["source"]) for c in commands] == [
        (40, "schedule"),
        (100, "boost"),
        (100, "boost"),
        (40, "schedule"),
    ]


def test_an_override_and_its_expiry_and_who_may_make_one(site: Site) -> None:
    lamp = site.light("ryds-centrum", "lamp-1")
    until(lambda: len(site.service.zones()) == 1)
    site.engine.tick()
    until(lambda: lamp.level == 100)
    zone = site.service.zones()[0]
    for role in (Role.TECHNICIAN, Role.ADMINISTRATOR, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            site.service.override(
                person(site.core, f"u-{role}", role), zone, 10, timedelta(minutes=5)
            )
    with pytest.raises(PermissionDenied):
        site.service.set_schedule(
            person(site.core, "olle-op", Role.OPERATOR), zone, Schedule(Program(night_level=5))
        )
    olle = person(site.core, "olle", Role.OPERATOR)
    site.service.override(olle, zone, 20, timedelta(minutes=15), "police on site")
    site.engine.tick()
    until(lambda: lamp.level == 20)
    assert lamp.commands[-1]["duration_s"] == 15 * 60
    (status,) = site.service.status()
    assert (status["reason"], status["detail"]) == ("override", "police on site")
    site.clock.advance(minutes=15)
    site.engine.tick()
    until(lambda: lamp.level == 100)
    (override,) = [e for e in entries(site.core) if e["action"] == "lighting.override"]
    assert (override["actor"], override["details"]["level"], override["details"]["reason"]) == (
        "olle",
        20,
        "police on site",
    )


def test_an_unconfirmed_command_is_sent_again_then_reported(site: Site, broker: Broker) -> None:
    # A controller that announced itself and then stopped listening (its retained state stays).
    deaf = Listener(broker)
    try:
        deaf.client.publish(
            light_topic("berga-centrum", "lamp-9", "state"),
            json.dumps({"level": 0, "mode": "auto"}),
            qos=1,
            retain=True,
        ).wait_for_publish(5)
        until(lambda: len(site.service.zones()) == 1)
        site.engine.tick()
        sets = light_topic("berga-centrum", "lamp-9", "set")
        first = json.loads(deaf.next(sets)[0])
        site.clock.advance(seconds=5)
        site.engine.tick()
        again = json.loads(deaf.next(sets)[0])
        assert again["command_id"] == first["command_id"]
        assert site.problems == []
        site.clock.advance(seconds=5)
        site.engine.tick()
        assert [(p.light, p.kind) for p in site.problems] == [("lamp-9", "unconfirmed")]
    finally:
        deaf.client.publish(
            light_topic("berga-centrum", "lamp-9", "state"), b"", qos=1, retain=True
        ).wait_for_publish(5)
        deaf.stop()


def test_a_controller_offline_at_night_is_reported_and_told_again_when_back(
    site: Site, broker: Broker
) -> None:
    lamp = site.light("resecentrum", "lamp-1")
    until(lambda: len(site.service.zones()) == 1)
    site.engine.tick()
    until(lambda: lamp.level == 100)
    lamp.stop()
    site.lights.remove(lamp)
    until(lambda: site.service.zones()[0].luminaires[0].available is False)
    site.engine.tick()
    assert [(p.kind, p.night) for p in site.problems] == [("offline", True)]
    (status,) = site.service.status()
    assert status["reason"] == "offline"
    back = site.light("resecentrum", "lamp-1", level=0)
    until(lambda: site.service.zones()[0].luminaires[0].available is True)
    site.engine.tick()
    until(lambda: back.level == 100)


def test_a_dead_engine_leaves_no_boost_behind(site: Site) -> None:
    # By day (the schedule's level 0), so that the boost raises the level.
    site.clock.moment = datetime.fromisoformat("2026-12-21T12:00:00+01:00")
    lamp = site.light("berga-centrum", "lamp-1", level=30)
    until(lambda: len(site.service.zones()) == 1)
    site.service.boost("Berga centrum", 100, timedelta(seconds=1), alarm_id=5)
    site.engine.tick()
    until(lambda: lamp.level == 100)
    # The engine says nothing more (as if killed): the controller goes back to its own program.
    site.engine.stop()
    until(lambda: (lamp.level, lamp.mode) == (30, "auto"), timeout=5)


def test_the_log_of_lighting_verifies(site: Site, tmp_path: Path) -> None:
    lamp = site.light("berga-centrum", "lamp-1")
    until(lambda: len(site.service.zones()) == 1)
    site.engine.tick()
    until(lambda: lamp.level == 100)
    olle = person(site.core, "olle", Role.OPERATOR)
    zone = site.service.zones()[0]
    site.service.override(olle, zone, 50, timedelta(minutes=5), "check")
    site.service.resume_schedule(olle, zone)
    site.core.audit.export(CLI, tmp_path / "export")
    report = v.verify(tmp_path / "export")
    assert report.ok, report.text()
    assert check_state(site.core.db) == []


@pytest.mark.parametrize(
    "day",
    ["2026-12-21", "2026-06-21", "2026-10-25"],
    ids=["winter", "summer", "october-dst-change"],
)
def test_the_lights_go_on_at_sunset_and_off_at_sunrise_to_the_minute(site: Site, day: str) -> None:
    lamp = site.light("berga-centrum", "lamp-1", level=30)
    until(lambda: len(site.service.zones()) == 1)
    plan = site.service.zones()[0].schedule.plan(date.fromisoformat(day))
    sunrise = next(s.start for s in plan if s.level == 0)
    sunset = next(s.start for s in plan if s.start > sunrise and s.level == 100)
    for moment, level in (
        (sunrise - timedelta(minutes=1), 100),
        (sunrise + timedelta(minutes=1), 0),
        (sunset - timedelta(minutes=1), 0),
        (sunset + timedelta(minutes=1), 100),
    ):
        site.clock.moment = moment
        site.engine.tick()
        until(lambda level=level: lamp.level == level)  # type: ignore[misc]


def test_a_time_of_day_window_dims_the_night(site: Site) -> None:
    lamp = site.light("berga-centrum", "lamp-1")
    until(lambda: len(site.service.zones()) == 1)
    site.service.set_schedule(
        person(site.core, "siv", Role.SUPERVISOR),
        site.service.zones()[0],
        Schedule(Program(windows=(parse_window("01:00-05:00 mon-fri 50"),))),
    )
    for moment, level in (
        ("2026-12-22T00:59:00+01:00", 100),
        ("2026-12-22T01:00:30+01:00", 50),
        ("2026-12-22T05:00:30+01:00", 100),
    ):
        site.clock.moment = datetime.fromisoformat(moment)
        site.engine.tick()
        until(lambda level=level: lamp.level == level)  # type: ignore[misc]


ENGINE_SCRIPT = """
import sys, time
from datetime import datetime, timedelta
from console.alarms.broker import BrokerAddress
from console.app import Core
from console.lighting.engine import LightingEngine
from devices.mqtt_lighting import MqttLightingBus

class Noon:
    def now(self):
        return datetime.fromisoformat("2026-12-21T12:00:00+01:00")

core = Core.open(__import__("pathlib").Path(sys.argv[1]), clock=Noon(), sealer=False)
bus = MqttLightingBus(BrokerAddress("127.0.0.1", int(sys.argv[2])))
engine = LightingEngine(core.lighting, bus, Noon())
engine.start(tick_s=None)
while not core.lighting.zones():
    time.sleep(0.05)
core.lighting.boost("Berga centrum", 100, timedelta(seconds=3), alarm_id=9)
engine.tick()
print("boosted", flush=True)
time.sleep(3600)
"""


def test_an_engine_killed_during_a_boost_leaves_the_controller_to_its_own_program(
    broker: Broker, data_dir: Path
) -> None:
    lamp = SimulatedLuminaire("berga-centrum", "lamp-1", broker, level=30)
    lamp.start()
    engine = subprocess.Popen(
        [sys.executable, "-c", ENGINE_SCRIPT, str(data_dir), str(broker.port)],
        cwd=TOP,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert engine.stdout is not None
        assert engine.stdout.readline().strip() == "boosted"
        until(lambda: (lamp.level, lamp.mode) == (100, "boost"))
        engine.send_signal(signal.SIGKILL)
        engine.wait(timeout=10)
        # Nobody renews the boost: at its end the controller goes back to its own program.
        until(lambda: (lamp.level, lamp.mode) == (30, "auto"), timeout=8)
    finally:
        if engine.poll() is None:
            engine.kill()
            engine.wait(timeout=10)
        if engine.stdout is not None:
            engine.stdout.close()
        lamp.stop()
