"""Onboarding (devices/onvif_client.py) against real peers: the simulated site, small hostile SOAP
servers started here (tests/hostile_soap.py), and ipycam, an independent third-party virtual
camera, inside network namespaces."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import zeep.exceptions
import zeep.loader

from console.camera_facts import (
    CameraError,
    CameraTimedOut,
    CameraUnreachable,
    HostileResponse,
    NotOnvif,
    SnapshotFailed,
    StreamFailed,
    WrongLogin,
)
from console.camera_login import CameraLogin, host_of
from console.runtime import DeviceLoop
from devices import onvif_client
from devices.onvif_client import (
    HARDENED_SETTINGS,
    check_health,
    fetch_snapshot_blocking,
    grab_keyframe,
    onboard,
    onboard_blocking,
    open_camera,
)
from devices.simulator.clips import CAMERA_ROW, camera_code, decode_pixel_code
from devices.simulator.namespace import NamespacePair, can_create_namespaces
from devices.simulator.onvif import CAMERA_NAMES
from devices.simulator.site import CameraEndpoints, SimulatedSite
from tests.hostile_soap import (
    HOST,
    Listener,
    ScriptedCamera,
    closed_port,
    endless_body,
    fixed,
    rewrite,
    soap_fault,
    web_page,
    with_doctype,
)
from tests.sites import loopback_addresses, simulated_site, wait_for

TOP = Path(__file__).resolve().parent.parent
USER = "technician"
#: Characters that must be percent-encoded in an RTSP URL, and a non-ASCII one.
PASSWORD = "sim p@ss:wörd/#?%"
PTZ_CAMERA, PLAIN_CAMERA, NO_SUB_CAMERA = CAMERA_NAMES[:3]


def _login(url_or_host: str, user: str = USER, password: str = PASSWORD) -> CameraLogin:
    """A login bound to the host of `url_or_host` (a URL, or a bare host)."""
    return CameraLogin.bind(host_of(url_or_host) or url_or_host, user, password)


# -- the simulated site ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(55, (1, 2, 3))
    with simulated_site(
        tmp_path_factory,
        addresses,
        user=USER,
        password=PASSWORD,
        without_sub=frozenset({NO_SUB_CAMERA}),
    ) as running:
        yield running


def _endpoint(site: SimulatedSite, name: str) -> CameraEndpoints:
    return next(e for e in site.endpoints() if e.name == name)


def _onboard(
    device_loop: DeviceLoop, site: SimulatedSite, name: str, password: str = PASSWORD, **kwargs: Any
) -> Any:
    return onboard_blocking(
        device_loop,
        _endpoint(site, name).address,
        site.options.onvif_port,
        USER,
        password,
        **kwargs,
    )


def _rows(still: Any) -> list[bytes]:
    w = still.width
    return [still.rgb[i * 3 * w : (i + 1) * 3 * w] for i in range(still.height)]


def _everything_said(err: BaseException) -> str:
    """An exception as a log or a crash report would show it, causes included."""
    return "".join(traceback.format_exception(err)) + repr(err)


def test_onboarding_learns_what_the_camera_is_and_offers(
    device_loop: DeviceLoop, site: SimulatedSite
) -> None:
    ep = _endpoint(site, PTZ_CAMERA)
    facts = _onboard(device_loop, site, PTZ_CAMERA)

    assert (facts.host, facts.port, facts.xaddr) == (
        ep.address,
        site.options.onvif_port,
        ep.device_service,
    )
    assert (facts.manufacturer, facts.model, facts.serial) == (
        "Utkik simulated",
        "SimCam PTZ",
        "SIM0001",
    )
    assert facts.firmware == "1.0.0"
    assert facts.name == PTZ_CAMERA  # from its percent-encoded name scope
    assert facts.main is not None
    assert facts.sub is not None
    assert (facts.main.uri, facts.main.width, facts.main.height) == (ep.main_url, 320, 180)
    assert (facts.sub.uri, facts.sub.width, facts.sub.height) == (ep.sub_url, 160, 90)
    assert facts.main.encoding == "H264"
    assert facts.snapshot_uri.startswith(f"http://{ep.address}:")
    caps = facts.capabilities
    assert (caps.ptz, caps.events, caps.relay_outputs, caps.https, caps.snapshot) == (
        True,
        True,
        1,
        False,
        True,
    )
    assert facts.secure is False
    assert facts.foreign_host == ""
    assert facts.problems == ()
    assert facts.clock_offset_s is not None
    assert abs(facts.clock_offset_s) < 1.5
    assert not facts.clock_warning

    jpeg = fetch_snapshot_blocking(
        device_loop, facts.snapshot_uri, CameraLogin.for_facts(facts, USER, PASSWORD)
    )
    assert jpeg.startswith(b"\xff\xd8\xff")
    assert jpeg == site.device(PTZ_CAMERA).snapshot()


def test_only_the_first_camera_has_ptz(device_loop: DeviceLoop, site: SimulatedSite) -> None:
    facts = _onboard(device_loop, site, PLAIN_CAMERA)
    assert facts.capabilities.ptz is False
    assert facts.capabilities.events is True
    assert facts.capabilities.relay_outputs == 1
    assert facts.model == "SimCam 1"


def test_a_camera_with_one_profile_has_no_sub_stream(
    device_loop: DeviceLoop, site: SimulatedSite
) -> None:
    facts = _onboard(device_loop, site, NO_SUB_CAMERA)
    assert facts.main is not None
    assert (facts.main.width, facts.main.height) == (320, 180)
    assert facts.sub is None
    assert facts.problems == ()


def test_a_wrong_password_is_a_wrong_login(device_loop: DeviceLoop, site: SimulatedSite) -> None:
    ep = _endpoint(site, PLAIN_CAMERA)
    with pytest.raises(WrongLogin) as caught:
        _onboard(device_loop, site, PLAIN_CAMERA, password="not the password")
    assert caught.value.step == "login"
    assert ep.address in str(caught.value)
    assert "user name or password" in str(caught.value)


def test_a_camera_refusing_every_login_is_a_wrong_login(
    device_loop: DeviceLoop, site: SimulatedSite
) -> None:
    site.reject_auth(PLAIN_CAMERA, True)
    try:
        with pytest.raises(WrongLogin):
            _onboard(device_loop, site, PLAIN_CAMERA)
    finally:
        site.reject_auth(PLAIN_CAMERA, False)


def test_an_offline_camera_is_unreachable_at_once(
    device_loop: DeviceLoop, site: SimulatedSite
) -> None:
    site.set_offline(PLAIN_CAMERA, True)
    try:
        started = time.monotonic()
        with pytest.raises(CameraUnreachable) as caught:
            _onboard(device_loop, site, PLAIN_CAMERA)
        assert time.monotonic() - started < 1.0
        assert caught.value.step == "connect"
    finally:
        site.set_offline(PLAIN_CAMERA, False)


@pytest.mark.parametrize("drift", [30.0, -400.0])
def test_clock_drift_is_measured_and_does_not_stop_the_login(
    device_loop: DeviceLoop, site: SimulatedSite, drift: float
) -> None:
    # 400 s is beyond the 300 s a camera allows a WS-Security timestamp: only signing with the
    # camera's own time lets the login through.
    site.drift_clock(PLAIN_CAMERA, drift)
    try:
        facts = _onboard(device_loop, site, PLAIN_CAMERA)
    finally:
        site.drift_clock(PLAIN_CAMERA, 0.0)
    assert facts.clock_offset_s == pytest.approx(drift, abs=1.5)
    assert facts.clock_warning
    assert facts.manufacturer == "Utkik simulated"


def test_a_keyframe_shows_the_camera_it_came_from(site: SimulatedSite) -> None:
    for name, url, size in [
        (PTZ_CAMERA, _endpoint(site, PTZ_CAMERA).main_url, (320, 180)),
        (PTZ_CAMERA, _endpoint(site, PTZ_CAMERA).sub_url, (160, 90)),
        (PLAIN_CAMERA, _endpoint(site, PLAIN_CAMERA).main_url, (320, 180)),
    ]:
        assert url is not None
        still = grab_keyframe(url, _login(url), timeout=5)
        assert (still.width, still.height) == size
        assert len(still.rgb) == 3 * still.width * still.height
        assert decode_pixel_code(_rows(still), CAMERA_ROW) == camera_code(name)
        assert "rgb" not in repr(still)
    assert camera_code(PTZ_CAMERA) != camera_code(PLAIN_CAMERA)


def test_a_keyframe_with_a_wrong_password_is_a_wrong_login(site: SimulatedSite) -> None:
    secret = "wrong p@ss:wörd"
    url = _endpoint(site, PTZ_CAMERA).main_url
    with pytest.raises(WrongLogin) as caught:
        grab_keyframe(url, _login(url, password=secret), timeout=5)
    said = _everything_said(caught.value)
    assert secret not in said
    assert quote(secret, safe="") not in said


def test_a_keyframe_from_an_offline_camera_fails_as_a_stream(site: SimulatedSite) -> None:
    site.set_offline(PLAIN_CAMERA, True)
    try:
        url = _endpoint(site, PLAIN_CAMERA).main_url
        with pytest.raises(StreamFailed) as caught:
            grab_keyframe(url, _login(url), timeout=3)
    finally:
        site.set_offline(PLAIN_CAMERA, False)
    assert caught.value.step == "stream"


def _health(site: SimulatedSite, name: str, timeout: float = 3.0) -> Any:
    ep = _endpoint(site, name)
    return asyncio.run(
        check_health(
            ep.address, site.options.onvif_port, _login(ep.address), ep.main_url, timeout=timeout
        )
    )


def test_health_of_a_working_camera(site: SimulatedSite) -> None:
    health = _health(site, PTZ_CAMERA)
    assert (health.reachable, health.stream_ok, health.error) == (True, True, "")
    assert health.clock_offset_s is not None
    assert abs(health.clock_offset_s) < 1.5
    assert health.ok


def test_health_of_a_camera_streaming_in_the_hub_opens_no_second_session(
    site: SimulatedSite,
) -> None:
    ep = _endpoint(site, PTZ_CAMERA)
    # A stalled stream fails any check that opens it (test_health_of_a_stalled_camera): this
    # one, told the stream flows in the hub, does not open it.
    site.stall(PTZ_CAMERA, True)
    try:
        started = time.monotonic()
        health = asyncio.run(
            check_health(ep.address, site.options.onvif_port, _login(ep.address), None, timeout=2.0)
        )
        assert time.monotonic() - started < 1.5
    finally:
        site.stall(PTZ_CAMERA, False)
    assert (health.reachable, health.stream_ok, health.error) == (True, True, "")
    # Offline, the ONVIF half still tells.
    site.set_offline(PTZ_CAMERA, True)
    try:
        gone = asyncio.run(
            check_health(ep.address, site.options.onvif_port, _login(ep.address), None, timeout=2.0)
        )
    finally:
        site.set_offline(PTZ_CAMERA, False)
    assert not gone.reachable


def test_health_of_a_stalled_camera(site: SimulatedSite) -> None:
    site.stall(PLAIN_CAMERA, True)
    try:
        health = _health(site, PLAIN_CAMERA, timeout=2.0)
    finally:
        site.stall(PLAIN_CAMERA, False)
    assert health.reachable
    assert not health.stream_ok
    assert not health.ok
    assert "did not send video in time" in health.error
    assert health.clock_offset_s is not None


def test_health_of_an_offline_camera(site: SimulatedSite) -> None:
    site.set_offline(PLAIN_CAMERA, True)
    try:
        started = time.monotonic()
        health = _health(site, PLAIN_CAMERA)
        assert time.monotonic() - started < 3.0
    finally:
        site.set_offline(PLAIN_CAMERA, False)
    assert (health.reachable, health.stream_ok, health.clock_offset_s) == (False, False, None)
    assert "Nothing answers" in health.error


def test_the_password_never_reaches_logs_errors_or_values(
    device_loop: DeviceLoop, site: SimulatedSite, caplog: pytest.LogCaptureFixture
) -> None:
    secrets = [PASSWORD, quote(PASSWORD, safe=""), quote(PASSWORD)]
    said: list[str] = []
    with caplog.at_level(logging.DEBUG):
        facts = _onboard(device_loop, site, PTZ_CAMERA)
        said.append(repr(facts))
        assert facts.main is not None
        for attempt in (
            lambda: _onboard(device_loop, site, PTZ_CAMERA, password=PASSWORD + "x"),
            lambda: grab_keyframe(
                facts.main.uri, _login(facts.main.uri, password=PASSWORD + "x"), timeout=3
            ),
        ):
            with pytest.raises(CameraError) as caught:
                attempt()
            said.append(_everything_said(caught.value))
        said.append(repr(grab_keyframe(facts.main.uri, _login(facts.main.uri), timeout=5)))
        said.append(repr(_health(site, PTZ_CAMERA)))
    said.append(caplog.text)
    for text in said:
        for secret in secrets:
            assert secret not in text


# -- hostile SOAP servers -------------------------------------------------------------------------

HOSTILE_USER, HOSTILE_PASSWORD = "admin", "hostile-test"


def _onboard_hostile(device_loop: DeviceLoop, camera: ScriptedCamera, **kwargs: Any) -> Any:
    kwargs.setdefault("timeout", 5.0)
    return onboard_blocking(
        device_loop, HOST, camera.port, HOSTILE_USER, HOSTILE_PASSWORD, **kwargs
    )


def _scripted(**kwargs: Any) -> ScriptedCamera:
    return ScriptedCamera(HOSTILE_USER, HOSTILE_PASSWORD, **kwargs)


def test_a_scripted_camera_without_tricks_onboards(device_loop: DeviceLoop) -> None:
    """The hostile tests' baseline: without overrides the scripted camera is a good camera."""
    with _scripted() as camera:
        facts = _onboard_hostile(device_loop, camera)
    assert facts.manufacturer == "Utkik simulated"
    assert facts.main is not None
    assert facts.main.uri == "rtsp://127.0.0.1:8554/hostile/main"
    assert facts.problems == ()


def test_without_get_services_the_capabilities_are_read(device_loop: DeviceLoop) -> None:
    overrides = {"GetServices": soap_fault("ter:ActionNotSupported")}
    with _scripted(overrides=overrides) as camera:
        facts = _onboard_hostile(device_loop, camera)
    assert "GetCapabilities" in camera.operations()
    assert facts.main is not None
    assert facts.sub is not None
    assert (facts.capabilities.events, facts.capabilities.ptz) == (True, False)
    # DeviceIO's XAddr sits in GetCapabilities' Extension, which zeep leaves unparsed.
    relays = [path for _, op, path in camera.requests if op == "GetRelayOutputs"]
    assert relays == ["/onvif/deviceio_service"]
    assert facts.capabilities.relay_outputs == 1
    assert facts.problems == ()


def _xxe_payloads(canary: int) -> dict[str, tuple[str, str]]:
    url = f"http://{HOST}:{canary}/"
    return {
        "external entity": (
            f'<!DOCTYPE env:Envelope [<!ENTITY xxe SYSTEM "{url}xxe">]>',
            "&xxe;",
        ),
        "external DTD": (f'<!DOCTYPE env:Envelope SYSTEM "{url}evil.dtd">', ""),
        "parameter entity": (
            f'<!DOCTYPE env:Envelope [<!ENTITY % remote SYSTEM "{url}p.dtd"> %remote;]>',
            "",
        ),
    }


@pytest.mark.parametrize("variant", ["external entity", "external DTD", "parameter entity"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_external_entity_is_never_fetched(
    device_loop: DeviceLoop, variant: str, encoding: str
) -> None:
    # UTF-16 hides the declaration from a byte search: the parsers' own settings must hold.
    with Listener() as canary:
        doctype, reference = _xxe_payloads(canary.port)[variant]

        def change(body: bytes) -> bytes:
            text = with_doctype(doctype, reference)(body).decode()
            if encoding == "utf-16":
                text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
            return text.encode(encoding)

        with (
            _scripted(overrides={"GetDeviceInformation": rewrite(change)}) as camera,
            pytest.raises(HostileResponse),
        ):
            _onboard_hostile(device_loop, camera)
        time.sleep(0.2)  # a fetch, had there been one, has reached the canary by now
        assert canary.connections == 0


@pytest.mark.parametrize("variant", ["external entity", "external DTD", "parameter entity"])
def test_zeep_parses_with_dtds_and_entities_forbidden(variant: str) -> None:
    with Listener() as canary:
        doctype, reference = _xxe_payloads(canary.port)[variant]
        document = (
            f"{doctype}\n<env:Envelope xmlns:env='http://www.w3.org/2003/05/soap-envelope'>"
            f"<env:Body><a>x{reference}</a></env:Body></env:Envelope>"
        ).encode()
        with pytest.raises(zeep.exceptions.Error):
            zeep.loader.parse_xml(document, None, settings=HARDENED_SETTINGS)
        time.sleep(0.1)
        assert canary.connections == 0


def test_every_service_of_a_camera_is_guarded() -> None:
    async def services() -> list[Any]:
        async with open_camera(HOST, closed_port(), _login(HOST, "u", "p"), timeout=1.0) as camera:
            camera.xaddrs = {"http://www.onvif.org/ver10/media/wsdl": "http://127.0.0.1:1/m"}
            return [
                await camera.create_devicemgmt_service(),
                await camera.create_media_service(),
            ]

    for service in asyncio.run(services()):
        for client in (service.zeep_client, service.zeep_client_authless):
            assert client.settings is HARDENED_SETTINGS
            assert isinstance(client.transport, onvif_client._GuardedTransport)
            assert client.transport.max_bytes == onvif_client.MAX_RESPONSE_BYTES


BILLION_LAUGHS = (
    '<!DOCTYPE env:Envelope [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i > 1 else "&lol;") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_billion_laughs_are_refused_at_once(device_loop: DeviceLoop, encoding: str) -> None:
    def change(body: bytes) -> bytes:
        text = body.decode()
        declaration, _, rest = text.partition("\n")
        rest = rest.replace("<tt:Name>main</tt:Name>", "<tt:Name>&lol9;</tt:Name>", 1)
        if encoding == "utf-16":
            declaration = declaration.replace("UTF-8", "UTF-16")
        return f"{declaration}\n{BILLION_LAUGHS}\n{rest}".encode(encoding)

    # GetProfiles comes after the login: a hostile answer is fatal at any step.
    with _scripted(overrides={"GetProfiles": rewrite(change)}) as camera:
        started = time.monotonic()
        with pytest.raises(HostileResponse):
            _onboard_hostile(device_loop, camera)
        assert time.monotonic() - started < 3.0
        assert "GetProfiles" in camera.operations()


@pytest.mark.parametrize("chunked", [True, False], ids=["streamed", "declared"])
def test_a_100_mb_answer_is_given_up_early(device_loop: DeviceLoop, chunked: bool) -> None:
    total = 100_000_000
    overrides = {"GetSystemDateAndTime": endless_body(total, chunked=chunked)}
    with _scripted(overrides=overrides) as camera:
        started = time.monotonic()
        with pytest.raises(HostileResponse) as caught:
            _onboard_hostile(device_loop, camera)
        elapsed = time.monotonic() - started
        # The server thread notices the hang-up on its next write.
        wait_for(lambda: camera.streamed > 0, 5, step=0.01)
    assert "larger answer" in str(caught.value)
    assert elapsed < 5.0
    # The client stops after MAX_RESPONSE_BYTES (2 MB); socket buffers hold a few MB more.
    assert 0 < camera.streamed < 20_000_000


def test_a_stream_uri_naming_another_host_is_flagged(device_loop: DeviceLoop) -> None:
    # Onboarding never opens the stream, so the named host is not contacted.
    with _scripted(stream_host="127.0.0.9") as camera:
        facts = _onboard_hostile(device_loop, camera)
    assert facts.main is not None
    assert facts.main.uri.startswith("rtsp://127.0.0.9:")
    assert facts.foreign_host == "127.0.0.9"


def test_a_service_address_naming_another_host_is_not_followed(device_loop: DeviceLoop) -> None:
    with Listener("127.0.0.2") as elsewhere:

        def change(body: bytes) -> bytes:
            own = f"http://{HOST}:".encode()
            foreign = f"http://127.0.0.2:{elsewhere.port}/onvif/media_service".encode()
            return body.replace(own + b"%d/onvif/media_service" % camera.port, foreign)

        with _scripted(overrides={"GetServices": rewrite(change)}) as camera:
            facts = _onboard_hostile(device_loop, camera)
        assert elsewhere.connections == 0
    assert "GetProfiles" in camera.operations()
    assert facts.main is not None
    assert onvif_client._PROBLEM_XADDR in facts.problems


@pytest.mark.parametrize("status", [200, 404])
def test_a_web_page_is_not_an_onvif_camera(device_loop: DeviceLoop, status: int) -> None:
    with _scripted(every=web_page(status)) as camera, pytest.raises(NotOnvif) as caught:
        _onboard_hostile(device_loop, camera)
    assert "not as an ONVIF camera" in str(caught.value)


def test_a_device_that_never_answers_times_out(device_loop: DeviceLoop) -> None:
    with Listener() as silent:
        started = time.monotonic()
        with pytest.raises(CameraTimedOut):
            onboard_blocking(device_loop, HOST, silent.port, "u", "p", timeout=0.5)
        assert time.monotonic() - started < 2.0
        assert silent.connections >= 1


def test_a_closed_port_is_unreachable(device_loop: DeviceLoop) -> None:
    with pytest.raises(CameraUnreachable):
        onboard_blocking(device_loop, HOST, closed_port(), "u", "p", timeout=2.0)


def test_a_login_fault_with_an_undeclared_prefix_is_a_wrong_login(device_loop: DeviceLoop) -> None:
    # zeep cannot even read this fault (XMLParseError: ter is not declared).
    fault = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>'
        b"<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode>"
        b"<env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>"
        b'<env:Reason><env:Text xml:lang="en">Sender not authorized</env:Text></env:Reason>'
        b"</env:Fault></env:Body></env:Envelope>"
    )
    overrides = {"GetDeviceInformation": fixed(fault, status=400)}
    with _scripted(overrides=overrides) as camera, pytest.raises(WrongLogin):
        _onboard_hostile(device_loop, camera)


def test_https_is_preferred_when_offered(device_loop: DeviceLoop, tmp_path: Path) -> None:
    with _scripted(tls_dir=tmp_path) as camera:
        own = f"http://{HOST}:{camera.port}/".encode()
        secure = f"https://{HOST}:{camera.tls_port}/".encode()
        camera.overrides["GetServices"] = rewrite(lambda body: body.replace(own, secure))
        facts = _onboard_hostile(device_loop, camera)
        over_tls = camera.operations("https")
    assert facts.secure
    assert facts.capabilities.https
    assert facts.xaddr == f"https://{HOST}:{camera.tls_port}/onvif/device_service"
    assert {"GetDeviceInformation", "GetProfiles", "GetStreamUri"} <= set(over_tls)
    assert facts.main is not None
    assert facts.problems == ()


def test_https_that_does_not_answer_falls_back_to_http(device_loop: DeviceLoop) -> None:
    dead = closed_port()
    with _scripted() as camera:
        own = f"http://{HOST}:{camera.port}/".encode()
        secure = f"https://{HOST}:{dead}/".encode()
        camera.overrides["GetServices"] = rewrite(lambda body: body.replace(own, secure))
        facts = _onboard_hostile(device_loop, camera)
    assert facts.capabilities.https
    assert not facts.secure
    assert facts.xaddr.startswith("http://")
    assert onvif_client._PROBLEM_HTTPS in facts.problems
    assert facts.main is not None


@pytest.mark.parametrize("auth", ["digest", "basic"])
def test_the_snapshot_logs_in_as_the_camera_asks(device_loop: DeviceLoop, auth: str) -> None:
    with _scripted(snapshot_auth=auth) as camera:
        uri = f"{camera.base}/snapshot.jpg"
        assert (
            fetch_snapshot_blocking(device_loop, uri, _login(uri, HOSTILE_USER, HOSTILE_PASSWORD))
            == camera.snapshot
        )
        with pytest.raises(WrongLogin):
            fetch_snapshot_blocking(device_loop, uri, _login(uri, HOSTILE_USER, "wrong"))


def test_a_snapshot_too_large_or_not_a_jpeg_is_refused(device_loop: DeviceLoop) -> None:
    large = b"\xff\xd8\xff\xe0" + bytes(3_000_000)
    with _scripted(snapshot=large) as camera, pytest.raises(HostileResponse):
        fetch_snapshot_blocking(
            device_loop, f"{camera.base}/snapshot.jpg", _login(HOST, "u", "p"), max_bytes=1_000_000
        )
    with _scripted(snapshot=b"<html>no picture</html>") as camera:
        with pytest.raises(SnapshotFailed) as caught:
            fetch_snapshot_blocking(
                device_loop, f"{camera.base}/snapshot.jpg", _login(HOST, "u", "p")
            )
        assert caught.value.step == "snapshot"


def test_importing_the_adapter_leaves_the_root_logger_alone() -> None:
    probe = (
        "import logging, devices.onvif_client, onvif.client; root = logging.getLogger(); "
        "print(len(root.handlers), root.level)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=TOP
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", str(logging.WARNING)]


def test_onboarding_leaves_the_proxy_variables_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", "http://proxy.invalid:3128")
    monkeypatch.setenv("https_proxy", "http://proxy.invalid:3128")
    with _scripted() as camera:
        asyncio.run(onboard(HOST, camera.port, HOSTILE_USER, HOSTILE_PASSWORD, timeout=5))
    assert os.environ["http_proxy"] == os.environ["https_proxy"] == "http://proxy.invalid:3128"


# -- ipycam, a third-party camera, in network namespaces ----------------------------------------

IPYCAM_PYTHON = TOP / ".venv-ipycam" / "bin" / "python"
IPYCAM_USER, IPYCAM_PASSWORD = "tekniker", "ipy s3cret:pw"

#: Runs in the client namespace; the login arrives on stdin, the results leave as JSON.
_CLIENT = """
import dataclasses, json, sys
from console.camera_facts import CameraError
from console.camera_login import CameraLogin
from console.runtime import DeviceLoop
from devices import onvif_client as oc

args = json.load(sys.stdin)
host, port, user, password = args["host"], args["port"], args["user"], args["password"]
out = {}
loop = DeviceLoop().start()

def attempt(key, call):
    try:
        out[key] = {"ok": call()}
    except CameraError as err:
        out[key] = {"error": type(err).__name__, "message": str(err)}

def onboard(password):
    return dataclasses.asdict(oc.onboard_blocking(loop, host, port, user, password))

attempt("facts", lambda: onboard(password))
attempt("wrong", lambda: onboard("x" + password))
facts = out["facts"].get("ok") or {}
login = CameraLogin.bind(host, user, password, addresses=facts.get("addresses", ()))
if facts.get("snapshot_uri"):
    uri = facts["snapshot_uri"]
    attempt("snapshot", lambda: len(oc.fetch_snapshot_blocking(loop, uri, login)))
if facts.get("main"):
    def still():
        picture = oc.grab_keyframe(facts["main"]["uri"], login, timeout=10)
        return [picture.width, picture.height]
    attempt("still", still)
loop.stop()
print(json.dumps(out))
"""

#: Waits in the client namespace until ipycam's ONVIF and RTSP ports accept connections.
_WAIT = """
import socket, sys, time
host, ports, deadline = sys.argv[1], [int(p) for p in sys.argv[2:]], time.monotonic() + 30
for port in ports:
    while True:
        try:
            socket.create_connection((host, port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"nothing listens on {host}:{port}")
            time.sleep(0.1)
"""


@pytest.fixture(scope="module")
def ipycam(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """ipycam in a device namespace, onboarded from a client namespace; the client's results."""
    ok, reason = can_create_namespaces()
    if not ok:
        pytest.skip(f"ipycam runs only inside network namespaces: {reason}")
    if not IPYCAM_PYTHON.exists():
        pytest.skip("ipycam's venv .venv-ipycam is missing: run installer/setup.sh --dev")
    work = tmp_path_factory.mktemp("ipycam")
    video = work / "test.mp4"
    subprocess.run(
        [
            *("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10"),
            *("-t", "3", "-pix_fmt", "yuv420p", "-c:v", "libx264", str(video)),
        ],
        check=True,
        timeout=60,
    )
    with NamespacePair() as pair:
        config = {
            "name": "Third party",
            "local_ip": pair.device_address,
            "onvif_port": 8080,
            "rtsp_port": 8554,
            "web_port": 8081,
            "username": IPYCAM_USER,
            "password": IPYCAM_PASSWORD,
            "main_width": 320,
            "main_height": 180,
            "main_fps": 10,
            "main_bitrate": "1M",
            "sub_width": 160,
            "sub_height": 90,
            "sub_fps": 10,
            "sub_bitrate": "512K",
            "show_timestamp": False,
        }
        (work / "camera_config.json").write_text(json.dumps(config))
        log = (work / "ipycam.log").open("w")
        camera = subprocess.Popen(
            [
                *pair.exec_prefix(pair.device_ns),
                *(str(IPYCAM_PYTHON), "-m", "ipycam", "--config", "camera_config.json"),
                *("--source", str(video), "--hw", "cpu"),
            ],
            cwd=work,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: it starts ffmpeg children
        )
        try:
            client = [*pair.exec_prefix(pair.client_ns), sys.executable]
            waited = subprocess.run(
                [*client, "-c", _WAIT, pair.device_address, "8080", "8554"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert waited.returncode == 0, waited.stderr + (work / "ipycam.log").read_text()
            login = {
                "host": pair.device_address,
                "port": 8080,
                "user": IPYCAM_USER,
                "password": IPYCAM_PASSWORD,
            }
            done = subprocess.run(
                [*client, "-c", _CLIENT],
                input=json.dumps(login),
                capture_output=True,
                text=True,
                timeout=120,
                cwd=TOP,
            )
            assert done.returncode == 0, done.stderr
            results = json.loads(done.stdout)
            results["device_address"] = pair.device_address
            yield results
        finally:
            os.killpg(camera.pid, signal.SIGTERM)
            try:
                camera.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(camera.pid, signal.SIGKILL)
                camera.wait(timeout=10)
            log.close()


def test_ipycam_is_onboarded_with_ws_security(ipycam: dict[str, Any]) -> None:
    assert "ok" in ipycam["facts"], ipycam["facts"]
    facts = ipycam["facts"]["ok"]
    address = ipycam["device_address"]
    assert (facts["manufacturer"], facts["model"]) == ("PythonCam", "VirtualCam-1")
    assert facts["main"]["uri"] == f"rtsp://{address}:8554/video_main"
    assert (facts["main"]["width"], facts["main"]["height"]) == (320, 180)
    assert facts["sub"]["uri"] == f"rtsp://{address}:8554/video_sub"
    assert (facts["sub"]["width"], facts["sub"]["height"]) == (160, 90)
    assert facts["capabilities"]["ptz"] is True
    assert facts["capabilities"]["events"] is False  # ipycam has no event service
    assert facts["foreign_host"] == ""
    assert abs(facts["clock_offset_s"]) < 1.5
    # ipycam answers GetRelayOutputs with a fault: one problem noted, the camera still onboarded.
    assert facts["problems"] == [onvif_client._PROBLEM_RELAYS]


def test_ipycam_refuses_a_wrong_password(ipycam: dict[str, Any]) -> None:
    assert ipycam["wrong"].get("error") == "WrongLogin", ipycam["wrong"]


def test_ipycam_gives_a_snapshot_and_a_keyframe(ipycam: dict[str, Any]) -> None:
    assert ipycam["snapshot"].get("ok", 0) > 1000, ipycam["snapshot"]
    assert ipycam["still"].get("ok") == [320, 180], ipycam["still"]
