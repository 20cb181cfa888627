"""A camera's ONVIF events through the engine process (ui/serve.py `Alarms`, which subscribes to
every camera with events on its device loop) into stored alarms: motion, and an unknown vendor
topic kept as a generic alarm."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest

from console.alarms.model import Alarm
from console.alarms.signals import AlarmClass
from console.app import Core
from console.domain import Actor, Role
from console.runtime import DeviceLoop
from devices.simulator.onvif import (
    TOPIC_MOTION,
    VIDEO_SOURCE,
    DeviceConfig,
    OnvifDevice,
    stream_uris,
)
from tests.conftest import PASSWORD
from tests.core.test_cameras import facts, place
from tests.register_fixture import registered
from tests.sites import loopback_addresses
from ui.serve import Alarms

CLI = Actor.os_account("root")
USER, CAMERA_PASSWORD = "onvif", "händelse-lösen"


def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


@pytest.fixture
def camera() -> Iterator[OnvifDevice]:
    (address,) = loopback_addresses(62, [5])
    with socket.socket() as sock:
        sock.bind((address, 0))
        port = int(sock.getsockname()[1])
    main, sub = stream_uris(address, 8554, "stora-torget")
    config = DeviceConfig(
        name="Stora torget",
        address=address,
        port=port,
        main_stream_uri=main,
        sub_stream_uri=sub,
        user=USER,
        password=CAMERA_PASSWORD,
    )
    with OnvifDevice(config) as device:
        yield device


def test_a_cameras_motion_and_vendor_events_become_alarms(
    core: Core, camera: OnvifDevice, device_loop: DeviceLoop
) -> None:
    address, port = camera.config.address, camera.config.port
    added = registered(
        core,
        core.cameras.add(
            CLI, facts(address, port), place(core, "Stora torget"), "Torget", USER, CAMERA_PASSWORD
        ),
    )
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
    olle = Actor.of(core.users.authenticate("olle", PASSWORD))
    alarms = Alarms(core, None, devices=device_loop)
    alarms.start()
    try:

        def of(alarm_class: AlarmClass) -> list[Alarm]:
            return [a for a in core.alarms.list(olle) if a.alarm_class is alarm_class]

        # The subscription is made on the device loop; raise until the first event lands.
        until(lambda: camera.subscription_count > 0)
        camera.raise_event(TOPIC_MOTION, VIDEO_SOURCE, True)
        until(lambda: len(of(AlarmClass.MOTION)) == 1)
        (motion,) = of(AlarmClass.MOTION)
        assert motion.cameras == (added.id,)
        assert motion.place == "Stora torget"
        camera.raise_vendor_event("tns1:Vendor/Acme/CableCut", {"Severity": "high"})
        until(lambda: len(of(AlarmClass.OTHER)) == 1)
        (vendor,) = of(AlarmClass.OTHER)
        assert "CableCut" in vendor.title
    finally:
        alarms.stop()
