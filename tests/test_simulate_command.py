"""`utkik simulate` as a user runs it: a process printing its endpoints, reached with third-party
clients (onvif-zeep-async, PyAV, paho-mqtt), and leaving nothing behind when stopped."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

av = pytest.importorskip("av")
pytest.importorskip("gi")

from devices.simulator.clips import (  # noqa: E402
    CAMERA_ROW,
    camera_code,
    decode_pixel_code,
    frame_rows,
)
from tests import leftovers  # noqa: E402
from tests.sites import wait_for  # noqa: E402

CAMERAS = 6
_NOT_CAMERAS = (
    "Simulated",
    "Preparing",
    "Starting",
    "Ready",
    "MQTT",
    "Namespace",
    "Stopped",
    "  ip",
)
OPTIONS = {"rtsp_transport": "tcp", "timeout": "5000000", "analyzeduration": "0", "probesize": "32"}


@dataclass
class Camera:
    name: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Running:
    process: subprocess.Popen[str]
    output: list[str]
    addresses: list[str]
    onvif_port: int
    rtsp_port: int

    def cameras(self) -> list[Camera]:
        cameras: list[Camera] = []
        for line in self.output:
            if not line.strip() or line.startswith(_NOT_CAMERAS):
                continue
            if not line.startswith(" "):
                cameras.append(Camera(line.strip()))
            elif cameras:
                key, _, value = line.strip().partition(": ")
                cameras[-1].fields[key] = value
        return cameras

    def broker(self) -> tuple[str, int]:
        for line in self.output:
            found = re.match(r"MQTT broker: mqtt://([\d.]+):(\d+)", line)
            if found:
                return found.group(1), int(found.group(2))
        raise AssertionError("no broker line")


def _block() -> list[str]:
    """Loopback addresses of a block no other test or running site uses."""
    block = random.randint(100, 250)
    return [f"127.66.{block}.{i}" for i in range(2, 2 + CAMERAS)]


def _bindable(address: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As a server would bind it: connections in TIME_WAIT do not hold the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def _start(tmp_path: Path, *extra: str) -> Running:
    addresses = _block()
    onvif_port, rtsp_port = random.randint(20000, 29999), random.randint(30000, 39999)
    command = [
        sys.executable,
        "-m",
        "ui.main",
        "simulate",
        "--cameras",
        str(CAMERAS),
        "--addresses",
        ",".join(addresses),
        "--onvif-port",
        str(onvif_port),
        "--rtsp-port",
        str(rtsp_port),
        "--main-size",
        "320x180",
        "--cache-dir",
        str(tmp_path.parent / "simulate-clips"),
        *extra,
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if line.startswith("Ready."):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(120):
        process.kill()
        raise AssertionError("utkik simulate did not get ready:\n" + "\n".join(output))
    return Running(process, output, addresses, onvif_port, rtsp_port)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = _start(tmp_path_factory.mktemp("simulate"))
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def test_it_prints_every_camera_with_endpoints_and_credentials(site: Running) -> None:
    cameras = site.cameras()
    assert [c.name for c in cameras] == [
        "Stora torget",
        "Trädgårdstorget",
        "Berga centrum",
        "Skäggetorp centrum",
        "Ryds centrum",
        "Resecentrum",
    ]
    for camera, address in zip(cameras, site.addresses, strict=True):
        assert camera.fields["device_service"] == (
            f"http://{address}:{site.onvif_port}/onvif/device_service"
        )
        assert camera.fields["rtsp main"].startswith(f"rtsp://{address}:{site.rtsp_port}/")
        assert camera.fields["rtsp sub"].endswith("/sub")
    # Random per run, one login for the site, never the factory default.
    logins = {(c.fields["user"], c.fields["password"]) for c in cameras}
    assert len(logins) == 1
    assert ("admin", "admin") not in logins
    assert len(next(iter(logins))[1]) >= 12


def test_onvif_zeep_async_reads_a_camera_with_the_printed_login(site: Running) -> None:
    from onvif import ONVIFCamera

    camera = site.cameras()[4]

    async def ask() -> tuple[str, str]:
        client = ONVIFCamera(
            camera.fields["address"],
            site.onvif_port,
            camera.fields["user"],
            camera.fields["password"],
        )
        await client.update_xaddrs()
        try:
            device = await client.create_devicemgmt_service()
            info = await device.GetDeviceInformation()
            media = await client.create_media_service()
            profiles = await media.GetProfiles()
            uri = await media.GetStreamUri(
                {
                    "ProfileToken": profiles[0].token,
                    "StreamSetup": {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}},
                }
            )
            return str(info.SerialNumber), str(uri.Uri)
        finally:
            await client.close()

    serial, uri = asyncio.run(ask())
    assert serial
    assert uri == camera.fields["rtsp main"]


def test_a_typed_command_raises_a_cameras_event(site: Running) -> None:
    from console.camera_login import CameraLogin
    from console.runtime import DeviceLoop
    from devices.onvif_events import PullPointSource

    camera = site.cameras()[2]
    address = camera.fields["address"]
    login = CameraLogin.bind(address, camera.fields["user"], camera.fields["password"])
    events: list[tuple[str, str]] = []
    with DeviceLoop("test-simulate-events") as loop:
        source = PullPointSource(
            loop, camera_id=3, host=address, port=site.onvif_port, login=lambda: login
        )
        source.start(lambda event: events.append((event.topic, event.data.get("State", ""))))
        try:
            motion = "tns1:VideoSource/MotionAlarm"
            assert wait_for(lambda: (motion, "false") in events, 10)
            assert site.process.stdin is not None
            site.process.stdin.write("motion 3 on\n")
            site.process.stdin.flush()
            assert wait_for(lambda: (motion, "true") in events, 10)
        finally:
            source.stop()
    assert wait_for(lambda: f"{camera.name}: motion on." in site.output, 5)


def test_pyav_decodes_each_camera_s_own_stream_from_its_own_address(site: Running) -> None:
    for camera in (site.cameras()[0], site.cameras()[5]):
        url = camera.fields["rtsp sub"].replace(
            "rtsp://", f"rtsp://{camera.fields['user']}:{camera.fields['password']}@"
        )
        with av.open(url, options=OPTIONS, timeout=10) as container:
            frame = next(container.decode(video=0))
        assert decode_pixel_code(frame_rows(frame), CAMERA_ROW) == camera_code(camera.name)


def test_streams_want_the_login(site: Running) -> None:
    camera = site.cameras()[1]
    with pytest.raises(av.error.HTTPUnauthorizedError):
        av.open(camera.fields["rtsp main"], options=OPTIONS, timeout=10)


def test_the_sensors_say_they_are_online(site: Running) -> None:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    host, port = site.broker()
    seen: dict[str, str] = {}
    got = threading.Event()

    def on_message(_client: object, _userdata: object, message: mqtt.MQTTMessage) -> None:
        seen[message.topic] = message.payload.decode()
        if len(seen) >= CAMERAS * 4:
            got.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.connect(host, port)
    client.subscribe("utkik/site/+/+/+/availability")
    client.loop_start()
    try:
        assert got.wait(10), seen
    finally:
        client.loop_stop()
        client.disconnect()
    assert set(seen.values()) == {"online"}
    assert "utkik/site/resecentrum/light/lamp-1/availability" in seen
    assert "utkik/site/stora-torget/sensor/door-1/availability" in seen


def test_sigterm_stops_it_and_leaves_no_port_or_process(tmp_path: Path) -> None:
    running = _start(tmp_path)
    broker = running.broker()
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(30) == 0
    time.sleep(0.2)
    assert "Stopped; nothing is left running." in running.output
    for address in running.addresses:
        assert _bindable(address, running.onvif_port)
        assert _bindable(address, running.rtsp_port)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((address, 3702))
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(broker, timeout=1).close()
    # No mosquitto of ours is left: its port is free.
    assert _bindable(*broker)


def test_sigkill_after_start_leaves_no_broker(tmp_path: Path) -> None:
    before = leftovers.ours()
    running = _start(tmp_path)
    broker = running.broker()
    started = leftovers.ours() - before
    assert any("mosquitto" in p.command for p in started)
    running.process.send_signal(signal.SIGKILL)
    running.process.wait(10)
    assert leftovers.survivors(before) == set()
    assert _bindable(*broker)


@pytest.mark.parametrize("child", ["ffmpeg", "mosquitto"])
def test_sigkill_during_start_up_leaves_nothing(tmp_path: Path, child: str) -> None:
    """Killed as soon as `child` runs: while the clips are encoded, or once the broker runs
    and the sensors are still to come."""
    before = leftovers.ours()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "ui.main", "simulate", "--cameras", "2"),
            *("--addresses", ",".join(_block()[:2]), "--main-size", "320x180"),
            *("--onvif-port", str(random.randint(20000, 29999))),
            *("--rtsp-port", str(random.randint(30000, 39999))),
            *("--cache-dir", str(tmp_path / "clips")),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(child in p.command for p in leftovers.ours() - before):
            assert process.poll() is None, f"utkik simulate ended before {child} started"
            assert time.monotonic() < deadline, f"{child} was not started"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert leftovers.survivors(before) == set()


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    addresses = _block()
    port = random.randint(40000, 49999)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind((addresses[2], port))
        taken.listen()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ui.main",
                "simulate",
                "--cameras",
                "3",
                "--addresses",
                ",".join(addresses[:3]),
                "--onvif-port",
                str(port),
                "--main-size",
                "320x180",
                "--no-sensors",
                "--cache-dir",
                str(tmp_path / "clips"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr
    # Who holds it (this test's own process), and how to stop it.
    assert f"{addresses[2]} port {port}" in result.stderr
    assert f"kill {os.getpid()}" in result.stderr
    assert "Traceback" not in result.stderr
    for address in addresses[:3]:
        assert _bindable(address, port if address != addresses[2] else port + 1)


def test_namespace_mode_announces_by_multicast_and_cleans_up(tmp_path: Path) -> None:
    from devices.simulator.namespace import can_create_namespaces, namespace_names

    possible, reason = can_create_namespaces()
    if not possible:
        pytest.skip(reason)
    before = namespace_names()
    running = _start(tmp_path, "--namespace", "--no-sensors")
    try:
        made = namespace_names() - before
        client = next(name for name in made if name.startswith("utk-cli-"))
        assert any(f"run clients in {client}" in line for line in running.output)
        search = (
            "from wsdiscovery.discovery import ThreadedWSDiscovery\n"
            "from wsdiscovery import QName\n"
            "w = ThreadedWSDiscovery(); w.start()\n"
            "t = QName('http://www.onvif.org/ver10/network/wsdl', 'NetworkVideoTransmitter')\n"
            "for s in w.searchServices(types=[t], timeout=2): print(s.getXAddrs()[0])\n"
            "w.stop()\n"
        )
        found = subprocess.run(
            ["ip", "netns", "exec", client, sys.executable, "-c", search],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        printed = {c.fields["device_service"] for c in running.cameras()}
        assert set(found.stdout.split()) == printed
        assert len(printed) == CAMERAS
    finally:
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(30) == 0
    assert "Namespaces removed." in running.output
    assert namespace_names() == before
