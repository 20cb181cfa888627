"""Onboarding against ONVIF devices that are not the simulator, each a scripted camera on
loopback (tests/hostile_soap.py) speaking one quirk real cameras show: capabilities out of the
schema's order, logins refused in words of their own, malformed XML, PNG snapshots."""

from __future__ import annotations

from typing import Any

import pytest

from console.camera_facts import (
    DeviceFacts,
    HostileResponse,
    NotOnvif,
    SnapshotFailed,
    StreamFailed,
    WrongLogin,
    snapshot_format,
)
from console.camera_login import CameraLogin
from console.runtime import DeviceLoop
from devices.onvif_client import fetch_snapshot_blocking, onboard_blocking
from tests.hostile_soap import HOST, ScriptedCamera, fixed, rewrite, soap_fault

USER, PASSWORD = "admin", "quirk-pass-3"


def _scripted(**kwargs: Any) -> ScriptedCamera:
    return ScriptedCamera(USER, PASSWORD, **kwargs)


def _onboard(loop: DeviceLoop, camera: ScriptedCamera, password: str = PASSWORD) -> DeviceFacts:
    return onboard_blocking(loop, HOST, camera.port, USER, password, timeout=5.0)


def _capabilities_out_of_order(base: str) -> bytes:
    """GetCapabilities with Media, Events, Imaging, PTZ: the schema's order is Analytics,
    Device, Events, Imaging, Media, PTZ."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
        'xmlns:tt="http://www.onvif.org/ver10/schema"><env:Body>'
        "<tds:GetCapabilitiesResponse><tds:Capabilities>"
        f"<tt:Media><tt:XAddr>{base}/onvif/media_service</tt:XAddr>"
        "<tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>"
        "<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP>"
        "</tt:StreamingCapabilities></tt:Media>"
        f"<tt:Events><tt:XAddr>{base}/onvif/events_service</tt:XAddr>"
        "<tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport>"
        "<tt:WSPullPointSupport>true</tt:WSPullPointSupport>"
        "<tt:WSPausableSubscriptionManagerInterfaceSupport>false"
        "</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>"
        f"<tt:Imaging><tt:XAddr>{base}/onvif/imaging_service</tt:XAddr></tt:Imaging>"
        f"<tt:PTZ><tt:XAddr>{base}/onvif/ptz_service</tt:XAddr></tt:PTZ>"
        f"<tt:Extension><tt:DeviceIO><tt:XAddr>{base}/onvif/deviceio_service</tt:XAddr>"
        "<tt:RelayOutputs>1</tt:RelayOutputs></tt:DeviceIO></tt:Extension>"
        "</tds:Capabilities></tds:GetCapabilitiesResponse></env:Body></env:Envelope>"
    ).encode()


def _not_supported() -> Any:
    return soap_fault("ter:ActionNotSupported")


def test_capabilities_out_of_schema_order_keep_ptz_and_events(device_loop: DeviceLoop) -> None:
    with _scripted() as camera:
        camera.overrides["GetServices"] = _not_supported()
        camera.overrides["GetCapabilities"] = fixed(_capabilities_out_of_order(camera.base))
        facts = _onboard(device_loop, camera)
    assert facts.main is not None
    assert (facts.capabilities.events, facts.capabilities.ptz) == (True, True)
    # The Extension came after the first category out of order: DeviceIO is still reached.
    assert facts.capabilities.relay_outputs == 1


def _fault(subcode: str, reason: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:ter="http://www.onvif.org/ver10/error"><env:Body><env:Fault><env:Code>'
        f"<env:Value>env:Sender</env:Value><env:Subcode><env:Value>{subcode}</env:Value>"
        f'</env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">{reason}'
        "</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"
    ).encode()


def test_a_login_refused_as_unauthorized_is_a_wrong_login(device_loop: DeviceLoop) -> None:
    refusal = fixed(_fault("ter:Unauthorized", "Unauthorized"), 400)
    with _scripted(every=refusal) as camera, pytest.raises(WrongLogin):
        _onboard(device_loop, camera)


def test_a_login_refused_in_words_of_its_own_is_not_onboarded(device_loop: DeviceLoop) -> None:
    """Every request after the clock is refused with a fault that names no login: before, the
    camera was onboarded with no profiles (and saved with an empty main stream)."""
    refusal = fixed(_fault("ter:InvalidArgVal", "Authority failure"), 400)
    with _scripted() as camera:
        for operation in ("GetDeviceInformation", "GetServices", "GetCapabilities", "GetScopes"):
            camera.overrides[operation] = refusal
        camera.overrides["GetProfiles"] = refusal
        with pytest.raises(StreamFailed) as caught:
            _onboard(device_loop, camera)
    assert caught.value.step == "stream"
    assert "cannot be added" in caught.value.message
    assert "media service" in caught.value.message


def test_a_camera_whose_profiles_cannot_be_read_is_not_onboarded(device_loop: DeviceLoop) -> None:
    busy = fixed(_fault("ter:Other", "busy"), 500)
    with (
        _scripted(overrides={"GetProfiles": busy}) as camera,
        pytest.raises(StreamFailed) as caught,
    ):
        _onboard(device_loop, camera)
    assert "GetProfiles" in caught.value.message


def test_unclosed_xml_is_not_an_onvif_camera(device_loop: DeviceLoop) -> None:
    # Every answer loses its closing tags, as from a device that writes them never.
    unclosed = rewrite(lambda body: body.rsplit(b"</", 3)[0])
    with _scripted(every=unclosed) as camera, pytest.raises(NotOnvif) as caught:
        _onboard(device_loop, camera)
    assert "not well-formed XML" in caught.value.message
    # The parser's first error is in the details.
    assert "line 1" in caught.value.message or "line 2" in caught.value.message


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_a_png_snapshot_is_accepted_and_bounded(device_loop: DeviceLoop) -> None:
    with _scripted(snapshot=PNG) as camera:
        uri = f"{camera.base}/snapshot.png"
        assert fetch_snapshot_blocking(device_loop, uri, _login()) == PNG
        assert snapshot_format(PNG) == "PNG"
    large = PNG[:16] + bytes(3_000_000)
    with _scripted(snapshot=large) as camera, pytest.raises(HostileResponse):
        fetch_snapshot_blocking(
            device_loop, f"{camera.base}/snapshot.png", _login(), max_bytes=1_000_000
        )
    with _scripted(snapshot=b"GIF89a" + bytes(64)) as camera:
        uri = f"{camera.base}/snapshot.gif"
        with pytest.raises(SnapshotFailed) as caught:
            fetch_snapshot_blocking(device_loop, uri, _login())
    assert "JPEG or PNG" in caught.value.message


def _login() -> CameraLogin:
    return CameraLogin.bind(HOST, USER, PASSWORD)
