"""PTZ of a simulated camera through devices/ptz.py (onvif-zeep-async underneath)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.sites import require_simulated_video

require_simulated_video()

from console.camera_facts import WrongLogin  # noqa: E402
from console.camera_login import CameraLogin  # noqa: E402
from console.runtime import DeviceLoop  # noqa: E402
from devices.ptz import PtzControl  # noqa: E402
from devices.simulator.site import SimulatedSite  # noqa: E402
from tests.sites import loopback_addresses, simulated_site  # noqa: E402

PASSWORD = "ptz-lösen"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(47, (2, 3))
    with simulated_site(tmp_path_factory, addresses, user="op", password=PASSWORD) as running:
        yield running


def _control(loop: DeviceLoop, site: SimulatedSite, password: str = PASSWORD) -> PtzControl:
    config = site.configs[0]  # the first camera has PTZ
    login = CameraLogin.bind(config.address, "op", password)
    return PtzControl(loop, config.address, config.port, login, "main")


def test_move_stop_and_presets(site: SimulatedSite, device_loop: DeviceLoop) -> None:
    device = site.device(site.configs[0].name)
    control = _control(device_loop, site)
    try:
        control.move(0.8, -0.5)
        time.sleep(0.4)
        control.stop()
        pan, tilt, zoom = device.ptz_position()
        assert pan > 0.1
        assert tilt < -0.05
        assert zoom == 0.0
        presets = control.presets()
        assert [(p.token, p.name) for p in presets][:1] == [("1", "Home")]
        control.goto("1")
        assert device.ptz_position() == (0.0, 0.0, 0.0)
    finally:
        control.close()


def test_a_move_stops_by_itself_if_the_stop_is_lost(site: SimulatedSite) -> None:
    device = site.device(site.configs[0].name)
    loop = DeviceLoop("lost").start()
    control = _control(loop, site)
    try:
        control.goto("1")
        control.move(1.0, 0.0)
    finally:
        # Gone without a Stop: the device loop ends, the camera is not told.
        assert loop.stop()
    time.sleep(2.6)
    first = device.ptz_position()
    time.sleep(0.3)
    assert device.ptz_position() == first
    assert first[0] > 0.5


def test_a_wrong_password_is_a_wrong_login(site: SimulatedSite, device_loop: DeviceLoop) -> None:
    control = _control(device_loop, site, "fel")
    try:
        with pytest.raises(WrongLogin):
            control.move(0.1, 0.0)
    finally:
        control.close()
