"""A floodlight on a simulated camera's relay output, switched by the lighting engine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest

from tests.sites import require_simulated_video

require_simulated_video()

from console.app import Core  # noqa: E402
from console.domain import Actor, Role  # noqa: E402
from console.errors import PermissionDenied  # noqa: E402
from console.lighting.engine import LightingEngine, LightingProblem  # noqa: E402
from console.lighting.service import LightingService  # noqa: E402
from console.ports import LightingBus, LuminaireReport  # noqa: E402
from console.runtime import DeviceLoop  # noqa: E402
from devices.onvif_relays import OnvifRelays  # noqa: E402
from devices.simulator.site import SimulatedSite  # noqa: E402
from tests.conftest import PASSWORD, FakeClock  # noqa: E402
from tests.sites import loopback_addresses, simulated_site  # noqa: E402
from ui.cli import onboard  # noqa: E402

CLI = Actor.os_account("root")
CAMERA_PASSWORD = "relä-lösen"
NIGHT = datetime.fromisoformat("2026-12-21T20:00:00+01:00")
DAY = datetime.fromisoformat("2026-12-21T12:00:00+01:00")


class NoControllers(LightingBus):
    """No MQTT controllers: this site's only light is on a camera's relay."""

    def start(self, on_report: Callable[[LuminaireReport], None]) -> None:
        pass

    def send(
        self, place: str, light: str, level: int, mode: str, duration_s: int, command_id: str
    ) -> None:
        raise AssertionError("nothing is sent to MQTT controllers here")

    def stop(self) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(61, (2,))
    with simulated_site(
        tmp_path_factory, addresses, user="op", password=CAMERA_PASSWORD
    ) as running:
        yield running


def person(core: Core, name: str, role: Role) -> Actor:
    core.users.add(CLI, name, role, PASSWORD, frozenset())
    return Actor.of(core.users.authenticate(name, PASSWORD))


def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


def test_a_floodlight_follows_the_night_and_falls_back_by_itself(
    site: SimulatedSite, core: Core, clock: FakeClock, device_loop: DeviceLoop
) -> None:
    config = site.configs[0]
    device = site.device(config.name)
    facts = onboard(config.address, config.port, "op", CAMERA_PASSWORD)
    place = core.sites.places()[0]
    camera = core.cameras.add(CLI, facts, place, "Floodlight camera", "op", CAMERA_PASSWORD)
    service = LightingService(core.db, core.audit, clock, core.events)
    with pytest.raises(PermissionDenied):
        service.add_relay(
            person(core, "olle", Role.OPERATOR), "Flood", place.name, camera.id, "relay0"
        )
    siv = person(core, "siv", Role.SUPERVISOR)
    zone = service.add_relay(siv, "Flood", place.name, camera.id, "relay0")
    assert [x.driver for x in zone.luminaires] == ["relay"]

    problems: list[LightingProblem] = []
    relays = OnvifRelays(core.cameras.login_reader(), device_loop)
    engine = LightingEngine(service, NoControllers(), clock, problems.append, relays=relays)
    engine.start(tick_s=None)
    try:
        clock.moment = NIGHT
        engine.tick()
        (lum,) = service.zone("Flood").luminaires
        assert lum.error == ""
        assert device.relay_state("relay0") == "active"
        assert (lum.reported_level, lum.confirmed) == (100, True)

        clock.moment = DAY
        engine.tick()
        assert device.relay_state("relay0") == "inactive"

        # An alarm by day: on for two seconds, then the camera drops it by itself even though
        # the engine says nothing more.
        service.boost(place.name, 100, timedelta(seconds=2), alarm_id=3)
        engine.tick()
        assert device.relay_state("relay0") == "active"
    finally:
        engine.stop()
    until(lambda: device.relay_state("relay0") == "inactive", timeout=6)
    assert problems == []


def test_a_camera_that_does_not_answer_is_retried_then_reported(
    core: Core, clock: FakeClock, device_loop: DeviceLoop, site: SimulatedSite
) -> None:
    config = site.configs[0]
    facts = onboard(config.address, config.port, "op", CAMERA_PASSWORD)
    place = core.sites.places()[0]
    camera = core.cameras.add(CLI, facts, place, "Relay camera", "op", "wrong password")
    service = LightingService(core.db, core.audit, clock, core.events)
    service.add_relay(
        person(core, "siv", Role.SUPERVISOR), "Flood", place.name, camera.id, "relay0"
    )
    problems: list[LightingProblem] = []
    relays = OnvifRelays(core.cameras.login_reader(), device_loop)
    engine = LightingEngine(service, NoControllers(), clock, problems.append, relays=relays)
    engine.start(tick_s=None)
    try:
        clock.moment = NIGHT
        engine.tick()
        (lum,) = service.zone("Flood").luminaires
        assert not lum.confirmed
        assert "password" in lum.error.lower() or "login" in lum.error.lower()
        clock.advance(seconds=5)
        engine.tick()
        assert problems == []
        clock.advance(seconds=5)
        engine.tick()
        assert [(p.kind, p.night) for p in problems] == [("unconfirmed", True)]
    finally:
        engine.stop()
