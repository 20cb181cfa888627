"""Lighting beside alarms in the engine process (ui/serve.py `Alarms`): an alarm whose rule asks
for a boost raises its place's zone, and a luminaire that goes dark at night is sabotage."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from console.alarms.model import Alarm, AlarmState, Rule
from console.alarms.signals import AlarmClass
from console.app import Core
from console.domain import Actor, Role
from devices.simulator.sensors import Broker, SensorSpec, SimulatedLuminaire, SimulatedSensor
from tests.conftest import PASSWORD, FakeClock
from ui.serve import Alarms

CLI = Actor.os_account("root")
#: Midday in December: the schedule keeps the lights at 0, so a boost shows.
MIDDAY = datetime.fromisoformat("2026-12-21T12:00:00+01:00")
NIGHT = datetime.fromisoformat("2026-12-21T21:00:00+01:00")


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


@pytest.fixture
def alarms(core: Core) -> Iterator[Alarms]:
    running = Alarms(core, None)
    running.start()
    yield running
    running.stop()


def broker_of(alarms: Alarms) -> Broker:
    assert alarms.address is not None
    return Broker(alarms.address.host, alarms.address.port)


def test_a_door_alarm_boosts_the_lights_of_its_place(
    core: Core, clock: FakeClock, alarms: Alarms
) -> None:
    clock.moment = MIDDAY
    core.users.add(CLI, "siv", Role.SUPERVISOR, PASSWORD)
    siv = Actor.of(core.users.authenticate("siv", PASSWORD))
    core.alarms.set_rule(siv, Rule(AlarmClass.DOOR, severity=2, lighting_boost=100))
    broker = broker_of(alarms)
    lamp = SimulatedLuminaire("berga-centrum", "lamp-1", broker, level=0)
    door = SimulatedSensor(SensorSpec("berga-centrum", "door-1", "door"), broker)
    lamp.start()
    door.start()
    try:
        until(lambda: lamp.commands != [] and lamp.level == 0)
        door.publish_event("forced")
        until(lambda: lamp.level == 100)
        assert lamp.mode == "boost"
        assert lamp.commands[-1]["duration_s"] == 600
        (zone,) = core.lighting.zones()
        assert zone.boost is not None
        alarm = next(a for a in core.alarms.list(siv) if a.alarm_class is AlarmClass.DOOR)
        assert zone.boost.alarm_id == alarm.id
    finally:
        door.stop()
        lamp.stop()


def test_a_luminaire_that_goes_dark_at_night_is_sabotage_until_it_is_back(
    core: Core, clock: FakeClock, alarms: Alarms
) -> None:
    clock.moment = NIGHT
    core.users.add(CLI, "siv", Role.SUPERVISOR, PASSWORD)
    siv = Actor.of(core.users.authenticate("siv", PASSWORD))
    broker = broker_of(alarms)
    lamp = SimulatedLuminaire("stora-torget", "lamp-2", broker, level=0)
    lamp.start()
    until(lambda: lamp.level == 100)
    lamp.stop()

    def sabotage() -> list[Alarm]:
        return [
            a
            for a in core.alarms.list(siv)
            if a.alarm_class is AlarmClass.SABOTAGE and "lamp-2" in a.title
        ]

    until(lambda: len(sabotage()) == 1)
    back = SimulatedLuminaire("stora-torget", "lamp-2", broker, level=0)
    back.start()
    try:
        until(lambda: back.level == 100)
        (alarm,) = sabotage()
        until(lambda: core.alarms.get(siv, alarm.id).active is False)
        assert core.alarms.get(siv, alarm.id).state is not AlarmState.CLOSED
    finally:
        back.stop()
