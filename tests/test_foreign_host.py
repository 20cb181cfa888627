"""A camera that names another host for its stream, snapshot or a service never gets the console
to send its login there: not the health check (`utkik cameras test`, the console's periodic
check), not the wizard's snapshot and keyframe, not live view or recording, not ONVIF.

The camera is a scripted ONVIF device on 127.0.0.1 whose GetStreamUri and GetSnapshotUri answers
point at an `Eavesdropper` on another loopback address (both in tests/hostile_soap.py): it answers
every request (HTTP or RTSP) with a Basic login challenge, as a thief would, and keeps what it
heard.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import Core
from console.camera_facts import CameraError, DeviceFacts
from console.camera_login import CameraLogin, ForeignHost
from console.domain import Actor
from console.media.packets import Profile, StreamKey
from console.runtime import DeviceLoop
from devices.media.ingest import PyAvSource, camera_opener
from devices.onvif_client import (
    check_health_blocking,
    fetch_snapshot_blocking,
    grab_keyframe,
    onboard_blocking,
    open_camera,
)
from tests.conftest import run_utkik
from tests.hostile_soap import (
    HOST,
    Eavesdropper,
    LoopbackServer,
    ScriptedCamera,
    foreign_host,
    pointing_at,
)

USER = "tekniker-ulla"
PASSWORD = "hemligt lösen:7@/#"
_MEDIA_NS = "http://www.onvif.org/ver10/media/wsdl"


@pytest.fixture
def eavesdropper() -> Iterator[Eavesdropper]:
    with Eavesdropper(foreign_host()) as listening:
        yield listening


@pytest.fixture
def camera(eavesdropper: Eavesdropper) -> Iterator[ScriptedCamera]:
    with pointing_at(eavesdropper, USER, PASSWORD) as running:
        yield running


@pytest.fixture
def facts(device_loop: DeviceLoop, camera: ScriptedCamera) -> DeviceFacts:
    found = onboard_blocking(device_loop, HOST, camera.port, USER, PASSWORD, timeout=5.0)
    assert found.main is not None
    assert found.snapshot_uri
    return found


def _login(facts: DeviceFacts) -> CameraLogin:
    return CameraLogin.for_facts(facts, USER, PASSWORD)


def test_onboarding_flags_the_other_host_and_contacts_it_not(
    facts: DeviceFacts, eavesdropper: Eavesdropper
) -> None:
    assert facts.foreign_host == eavesdropper.host
    assert facts.addresses == (HOST,)
    assert eavesdropper.connections == 0


def test_the_health_check_sends_no_login_to_the_other_host(
    device_loop: DeviceLoop,
    camera: ScriptedCamera,
    facts: DeviceFacts,
    eavesdropper: Eavesdropper,
) -> None:
    assert facts.main is not None
    health = check_health_blocking(
        device_loop, HOST, camera.port, _login(facts), facts.main.uri, timeout=3.0
    )
    assert eavesdropper.heard_login(USER, PASSWORD) == []
    assert eavesdropper.connections == 0
    assert health.reachable
    assert not health.stream_ok
    assert f"another host ({eavesdropper.host})" in health.error
    assert "login is not sent there" in health.error


def test_the_snapshot_is_not_fetched_from_the_other_host(
    device_loop: DeviceLoop, facts: DeviceFacts, eavesdropper: Eavesdropper
) -> None:
    with pytest.raises(ForeignHost) as refused:
        fetch_snapshot_blocking(device_loop, facts.snapshot_uri, _login(facts), timeout=3.0)
    assert eavesdropper.heard_login(USER, PASSWORD) == []
    assert eavesdropper.connections == 0
    assert refused.value.step == "snapshot"
    assert "for its snapshots" in refused.value.message


def test_the_keyframe_is_not_grabbed_from_the_other_host(
    facts: DeviceFacts, eavesdropper: Eavesdropper
) -> None:
    assert facts.main is not None
    with pytest.raises(ForeignHost) as refused:
        grab_keyframe(facts.main.uri, _login(facts), timeout=3.0)
    assert eavesdropper.heard_login(USER, PASSWORD) == []
    assert eavesdropper.connections == 0
    assert refused.value.step == "stream"
    assert PASSWORD not in str(refused.value)


def test_live_view_and_recording_open_no_stream_on_the_other_host(
    core: Core, facts: DeviceFacts, eavesdropper: Eavesdropper
) -> None:
    actor = Actor.os_account("root")
    place = core.sites.places()[0]
    added = core.cameras.add(actor, facts, place, "Torget", USER, PASSWORD)
    open_source = camera_opener(core.cameras.login_reader())
    for profile in (Profile.MAIN, Profile.SUB):
        with pytest.raises(ForeignHost):
            open_source(StreamKey(added.id, profile))
    assert eavesdropper.heard_login(USER, PASSWORD) == []
    assert eavesdropper.connections == 0


def test_an_onvif_service_on_the_other_host_gets_no_request(
    device_loop: DeviceLoop, camera: ScriptedCamera, eavesdropper: Eavesdropper
) -> None:
    # E.g. a PTZ or media XAddr from GetCapabilities (onvif-zeep-async's update_xaddrs).
    login = CameraLogin.bind(HOST, USER, PASSWORD)

    async def ask_elsewhere() -> None:
        async with open_camera(HOST, camera.port, login, timeout=3.0) as onvif:
            onvif.xaddrs[_MEDIA_NS] = (
                f"http://{eavesdropper.host}:{eavesdropper.port}/onvif/media_service"
            )
            media = await onvif.create_media_service()
            await media.GetProfiles()

    with pytest.raises(ForeignHost) as refused:
        device_loop.run(ask_elsewhere())
    assert eavesdropper.heard_login(USER, PASSWORD) == []
    assert eavesdropper.connections == 0
    assert "one of its services" in refused.value.message


def test_an_accepted_host_gets_the_login(
    device_loop: DeviceLoop, facts: DeviceFacts, eavesdropper: Eavesdropper
) -> None:
    """The other side of the refusal: a host the technician accepted does receive it (so the
    tests above show a refusal, not an eavesdropper that cannot hear)."""
    assert facts.main is not None
    login = CameraLogin.bind(
        HOST, USER, PASSWORD, addresses=facts.addresses, trusted=[eavesdropper.host]
    )
    with pytest.raises(Exception):  # noqa: B017, PT011 - the eavesdropper refuses every login
        fetch_snapshot_blocking(device_loop, facts.snapshot_uri, login, timeout=3.0)
    assert "an Authorization header" in eavesdropper.heard_login(USER, PASSWORD)
    assert "password" in eavesdropper.heard_login(USER, PASSWORD)


def _utkik(data: Path, *args: object, stdin: str | None = None) -> tuple[int, str]:
    result = run_utkik("--data-dir", data, "cameras", *args, stdin=stdin)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout + result.stderr


def test_cameras_test_sends_no_login_to_the_other_host_until_it_is_accepted(
    tmp_path: Path, camera: ScriptedCamera, eavesdropper: Eavesdropper
) -> None:
    data = tmp_path / "data"
    rc, said = _utkik(
        data,
        "add",
        HOST,
        "--port",
        camera.port,
        "--name",
        "Torget",
        "--user",
        USER,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert rc == 0, said
    assert f"another host ({eavesdropper.host})" in said
    assert "trust-host" in said

    rc, said = _utkik(data, "test", "Torget")
    assert rc == 1, said
    assert f"another host ({eavesdropper.host})" in said
    assert f"trust-host 1 {eavesdropper.host}" in said
    assert eavesdropper.heard_login(USER, PASSWORD) == []
    assert eavesdropper.connections == 0

    rc, said = _utkik(data, "trust-host", "Torget", eavesdropper.host)
    assert rc == 0, said
    rc, said = _utkik(data, "list", "--json")
    assert f'"trusted_hosts": ["{eavesdropper.host}"]' in said
    assert '"foreign_host": ""' in said

    # Accepted: now the health check opens the stream there, with the login.
    rc, said = _utkik(data, "test", "Torget")
    assert rc == 1, said  # the eavesdropper refuses every login
    assert "an Authorization header" in eavesdropper.heard_login(USER, PASSWORD)

    core = Core.open(data, sealer=False)
    try:
        entries = core.audit.entries(Actor.os_account("root"))
    finally:
        core.close()
    trusted = [e for e in entries if e.action == "camera.host_trusted"]
    assert len(trusted) == 1
    assert trusted[0].details["host"] == eavesdropper.host
    assert trusted[0].actor.startswith("os:")


class _Redirector(LoopbackServer):
    """An RTSP server on the camera's own host that sends every DESCRIBE elsewhere (302)."""

    name = "redirector"

    def __init__(self, location: str) -> None:
        super().__init__(HOST)
        self._location = location.encode()

    def accepted(self, conn: socket.socket) -> None:
        with conn:
            self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(2.0)
        buffer = b""
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\r\n\r\n" in buffer:
                request, _, buffer = buffer.partition(b"\r\n\r\n")
                found = re.search(rb"(?im)^cseq:\s*(\d+)", request)
                cseq = found.group(1) if found else b"1"
                if request.startswith(b"OPTIONS"):
                    reply = b"RTSP/1.0 200 OK\r\nCSeq: " + cseq + b"\r\nPublic: DESCRIBE\r\n\r\n"
                else:
                    reply = (
                        b"RTSP/1.0 302 Moved Temporarily\r\nCSeq: "
                        + cseq
                        + b"\r\nLocation: "
                        + self._location
                        + b"\r\nContent-Length: 0\r\n\r\n"
                    )
                conn.sendall(reply)


def test_an_rtsp_redirect_from_the_camera_does_not_carry_the_login_elsewhere(
    eavesdropper: Eavesdropper,
) -> None:
    # FFmpeg follows a 3xx answer to DESCRIBE to any host, with the login it was given; the
    # relay in front of it (devices/rtsp_guard.py) cuts the connection first.
    elsewhere = f"rtsp://{eavesdropper.host}:{eavesdropper.port}/stolen"
    login = CameraLogin.bind(HOST, USER, PASSWORD)
    with _Redirector(elsewhere) as camera:
        url = f"rtsp://{HOST}:{camera.port}/main"
        with pytest.raises(ForeignHost) as keyframe:
            grab_keyframe(url, login, timeout=3.0)
        with pytest.raises(ForeignHost):
            PyAvSource.open(url, login, timeout=3.0)
    assert eavesdropper.heard_login(USER, PASSWORD) == []
    assert eavesdropper.connections == 0
    assert f"another host ({eavesdropper.host})" in keyframe.value.message


def test_an_rtsp_redirect_on_the_cameras_own_host_is_not_followed_either(
    eavesdropper: Eavesdropper,
) -> None:
    # FFmpeg would follow it on a connection of its own, and the next redirect from there.
    with (
        _Redirector(f"rtsp://{eavesdropper.host}:{eavesdropper.port}/stolen") as second,
        _Redirector(f"rtsp://{HOST}:{second.port}/elsewhere-on-the-camera") as camera,
    ):
        login = CameraLogin.bind(HOST, USER, PASSWORD)
        with pytest.raises(CameraError) as failed:
            grab_keyframe(f"rtsp://{HOST}:{camera.port}/main", login, timeout=3.0)
    assert eavesdropper.connections == 0
    # The camera's own host: it fails as a stream, not as another host.
    assert not isinstance(failed.value, ForeignHost)
    assert failed.value.step == "stream"


@pytest.mark.parametrize(
    ("answer", "cut"),
    [
        (b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 4\r\n\r\nv=0\n$\x00\x00\x02ab", False),
        (b"RTSP/1.0 301 Moved\r\nCSeq: 1\r\nLocation: rtsp://elsewhere/x\r\n\r\n", True),
        (b"RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n", True),
        (b"x" * 70_000, True),
    ],
    ids=["passes", "redirect", "huge-body", "not-rtsp"],
)
def test_the_relay_passes_rtsp_and_cuts_the_rest(answer: bytes, cut: bool) -> None:
    from devices.rtsp_guard import relay_for

    with socket.create_server((HOST, 0)) as camera_side:
        port = camera_side.getsockname()[1]
        relay = relay_for(f"rtsp://{HOST}:{port}/main", 3.0)
        assert relay is not None
        camera, _ = camera_side.accept()
        with camera, socket.create_connection(("127.0.0.1", relay.port), timeout=3) as ffmpeg:
            camera.sendall(answer)
            received = b""
            try:
                while chunk := ffmpeg.recv(65536):
                    received += chunk
                    if received == answer:
                        break
            except TimeoutError:
                pass
        relay.close()
    assert relay.cut is cut
    assert (received == answer) is not cut
    if cut:
        assert received == b""
