"""The simulated ONVIF cameras, checked with third-party clients: onvif-zeep-async for SOAP and
the wsdiscovery package for unicast WS-Discovery."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import http.client
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import zeep.exceptions
from onvif import ONVIFCamera
from wsdiscovery.actions.probe import constructProbe
from wsdiscovery.message import createSOAPMessage, parseSOAPMessage
from wsdiscovery.qname import QName

from devices.simulator.cameras import CameraSite
from devices.simulator.discovery import DiscoveryResponder
from devices.simulator.onvif import (
    CAMERA_NAMES,
    NS,
    TOPIC_DIGITAL_INPUT,
    TOPIC_MOTION,
    TOPIC_TAMPER,
    DeviceConfig,
    OnvifDevice,
    default_jpeg,
    parse_duration,
    site_configs,
    stream_uris,
)

USER, PASSWORD = "operator", "sim-secret"
ONVIF_ERROR = "http://www.onvif.org/ver10/error"
# Addresses above the simulated site's default range (127.0.0.2..7), one per test.
_ADDRESSES = itertools.count(60)


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _config(name: str = "Stora torget", **changes: Any) -> DeviceConfig:
    address = f"127.0.0.{next(_ADDRESSES)}"
    main, sub = stream_uris(address, 8554, "stora-torget")
    values: dict[str, Any] = {
        "name": name,
        "address": address,
        "port": _free_port(address),
        "main_stream_uri": main,
        "sub_stream_uri": sub,
        "user": USER,
        "password": PASSWORD,
    }
    values.update(changes)
    return DeviceConfig(**values)


@pytest.fixture
def device() -> Iterator[OnvifDevice]:
    with OnvifDevice(_config(has_ptz=True)) as running:
        yield running


def _camera(device: OnvifDevice, password: str = PASSWORD, **kwargs: Any) -> ONVIFCamera:
    c = device.config
    return ONVIFCamera(c.address, c.port, c.user, password, **kwargs)


def _raw_post(device: OnvifDevice, body: bytes, path: str = "/onvif/device_service") -> Any:
    conn = http.client.HTTPConnection(device.config.address, device.config.port, timeout=10)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/soap+xml"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _soap(body: str, header: str = "") -> bytes:
    decl = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items())
    return (
        f"<env:Envelope {decl}><env:Header>{header}</env:Header>"
        f"<env:Body>{body}</env:Body></env:Envelope>"
    ).encode()


def _fault_subcode(err: zeep.exceptions.Fault) -> tuple[str, str]:
    assert err.subcodes, err
    return err.subcodes[0].namespace, err.subcodes[0].localname


def test_device_and_media_services_satisfy_onvif_zeep_async(device: OnvifDevice) -> None:
    async def scenario() -> None:
        cam = _camera(device)
        try:
            await cam.update_xaddrs()
            base = device.config.base_url
            assert cam.xaddrs["http://www.onvif.org/ver10/media/wsdl"] == (
                f"{base}/onvif/media_service"
            )
            assert "http://www.onvif.org/ver20/ptz/wsdl" in cam.xaddrs
            devicemgmt = await cam.create_devicemgmt_service()
            info = await devicemgmt.GetDeviceInformation()
            assert info.Manufacturer == "Utkik simulated"
            assert info.SerialNumber == device.config.serial_number
            scopes = [s.ScopeItem for s in await devicemgmt.GetScopes()]
            assert "onvif://www.onvif.org/name/Stora%20torget" in scopes
            capabilities = await cam.get_capabilities()
            assert capabilities is not None
            assert capabilities["Media"]["XAddr"] == f"{base}/onvif/media_service"
            assert capabilities["Events"]["WSPullPointSupport"] is True

            media = await cam.create_media_service()
            profiles = await media.GetProfiles()
            assert [p.token for p in profiles] == ["main", "sub"]
            assert profiles[0].VideoEncoderConfiguration.Resolution.Width == 1920
            assert profiles[1].VideoEncoderConfiguration.Resolution.Height == 360
            assert profiles[0].PTZConfiguration.token == "ptz0"
            setup = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}
            for token in ("main", "sub"):
                uri = await media.GetStreamUri({"StreamSetup": setup, "ProfileToken": token})
                assert uri.Uri == (f"rtsp://{device.config.address}:8554/stora-torget/{token}")
            with pytest.raises(zeep.exceptions.Fault) as missing:
                await media.GetStreamUri({"StreamSetup": setup, "ProfileToken": "third"})
            assert _fault_subcode(missing.value) == (ONVIF_ERROR, "InvalidArgVal")

            snapshot = await media.GetSnapshotUri({"ProfileToken": "main"})
            assert snapshot.Uri == f"{base}/snapshot.jpg"
            jpeg = await cam.get_snapshot("main")
            assert jpeg == default_jpeg()
            assert jpeg is not None
            assert jpeg[:2] == b"\xff\xd8"
            assert jpeg[-2:] == b"\xff\xd9"
        finally:
            await cam.close()

    asyncio.run(scenario())


def test_wrong_credentials_get_not_authorized_but_the_clock_answers(device: OnvifDevice) -> None:
    async def scenario() -> None:
        cam = _camera(device, password="wrong")
        try:
            devicemgmt = await cam.create_devicemgmt_service()
            clock = await devicemgmt.GetSystemDateAndTime()  # needs no credentials
            assert clock.UTCDateTime.Date.Year >= 2024
            with pytest.raises(zeep.exceptions.Fault) as denied:
                await devicemgmt.GetDeviceInformation()
            assert denied.value.code == "env:Sender"
            assert _fault_subcode(denied.value) == (ONVIF_ERROR, "NotAuthorized")
        finally:
            await cam.close()

        device.reject_auth = True  # the fault switch refuses even the right password
        cam = _camera(device)
        try:
            devicemgmt = await cam.create_devicemgmt_service()
            with pytest.raises(zeep.exceptions.Fault) as refused:
                await devicemgmt.GetDeviceInformation()
            assert _fault_subcode(refused.value) == (ONVIF_ERROR, "NotAuthorized")
        finally:
            await cam.close()

    asyncio.run(scenario())
    # As real cameras do: HTTP 400 with the SOAP fault.
    status, body = _raw_post(device, _soap("<tds:GetDeviceInformation/>"))
    assert status == 400
    assert b"ter:NotAuthorized" in body


def _digest_header(user: str, password: str, created: str, nonce: bytes) -> str:
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest())
    return (
        "<wsse:Security><wsse:UsernameToken>"
        f"<wsse:Username>{user}</wsse:Username>"
        '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/'
        f'oasis-200401-wss-username-token-profile-1.0#PasswordDigest">{digest.decode()}'
        "</wsse:Password>"
        f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        f"<wsu:Created>{created}</wsu:Created>"
        "</wsse:UsernameToken></wsse:Security>"
    )


def test_a_digest_is_accepted_once(device: OnvifDevice) -> None:
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    request = _soap(
        "<tds:GetDeviceInformation/>", _digest_header(USER, PASSWORD, created, os.urandom(16))
    )
    status, body = _raw_post(device, request)
    assert status == 200
    assert b"Utkik simulated" in body
    status, body = _raw_post(device, request)  # the same nonce again: a replay
    assert status == 400
    assert b"ter:NotAuthorized" in body


def test_a_drifted_clock_shows_and_rejects_undrifted_tokens() -> None:
    with OnvifDevice(_config(clock_offset_s=3600.0)) as device:

        async def scenario() -> None:
            cam = _camera(device)
            try:
                devicemgmt = await cam.create_devicemgmt_service()
                answer = await devicemgmt.GetSystemDateAndTime()
                d, t = answer.UTCDateTime.Date, answer.UTCDateTime.Time
                shown = dt.datetime(
                    d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second, tzinfo=dt.UTC
                )
                drift = (shown - dt.datetime.now(dt.UTC)).total_seconds()
                assert 3590 < drift < 3610
                with pytest.raises(zeep.exceptions.Fault) as denied:
                    await devicemgmt.GetDeviceInformation()
                assert _fault_subcode(denied.value) == (ONVIF_ERROR, "NotAuthorized")
            finally:
                await cam.close()
            # A client that adjusts to the device's clock gets in.
            adjusted = _camera(device, adjust_time=True)
            try:
                await adjusted.update_xaddrs()
                devicemgmt = await adjusted.create_devicemgmt_service()
                assert (await devicemgmt.GetDeviceInformation()).Model == "SimCam 1"
            finally:
                await adjusted.close()

        asyncio.run(scenario())
        device.clock_offset_s = 0.0  # the drift fault switched off again
        assert abs((device.now() - dt.datetime.now(dt.UTC)).total_seconds()) < 5


def _messages(result: Any) -> list[tuple[str, str, str, str]]:
    """(topic, operation, source value, data value) of each message in a PullMessages answer."""
    out = []
    for note in result.NotificationMessage:
        message = note.Message._value_1
        out.append(
            (
                note.Topic._value_1,
                message.PropertyOperation,
                message.Source.SimpleItem[0].Value,
                message.Data.SimpleItem[0].Value,
            )
        )
    return out


def test_events_through_the_pullpoint_manager(device: OnvifDevice) -> None:
    async def scenario() -> None:
        cam = _camera(device)
        try:
            await cam.update_xaddrs()
            events = await cam.create_events_service()
            properties = await events.GetEventProperties()
            roots = {etree_name(el) for el in properties.TopicSet._value_1}
            assert roots == {"VideoSource", "Device"}

            manager = await cam.create_pullpoint_manager(dt.timedelta(seconds=60), lambda: None)
            pullpoint = manager.get_service()
            assert device.subscription_count == 1
            # A new subscription first gets the current state of every property.
            first = await pullpoint.PullMessages({"Timeout": "PT1S", "MessageLimit": 2})
            rest = await pullpoint.PullMessages({"Timeout": "PT1S", "MessageLimit": 10})
            initial = _messages(first) + _messages(rest)
            assert len(_messages(first)) == 2  # MessageLimit honoured
            assert {(m[0], m[1], m[3]) for m in initial} == {
                (TOPIC_MOTION, "Initialized", "false"),
                (TOPIC_TAMPER, "Initialized", "false"),
                (TOPIC_DIGITAL_INPUT, "Initialized", "false"),
            }

            # Nothing queued: the pull waits out its Timeout.
            started = time.monotonic()
            empty = await pullpoint.PullMessages({"Timeout": "PT1S", "MessageLimit": 10})
            assert empty.NotificationMessage == []
            assert 0.9 <= time.monotonic() - started < 5

            # An event raised during a long pull ends the wait at once.
            timer = threading.Timer(0.3, device.raise_event, (TOPIC_MOTION, "vs0", True))
            timer.start()
            started = time.monotonic()
            moved = await pullpoint.PullMessages({"Timeout": "PT20S", "MessageLimit": 10})
            assert time.monotonic() - started < 10
            assert _messages(moved) == [(TOPIC_MOTION, "Changed", "vs0", "true")]

            device.raise_tamper()
            device.raise_event(TOPIC_DIGITAL_INPUT, "di0", True)
            both = await pullpoint.PullMessages({"Timeout": "PT1S", "MessageLimit": 10})
            assert [(m[0], m[3]) for m in _messages(both)] == [
                (TOPIC_TAMPER, "true"),
                (TOPIC_DIGITAL_INPUT, "true"),
            ]

            await manager.set_synchronization_point()
            synced = await pullpoint.PullMessages({"Timeout": "PT1S", "MessageLimit": 10})
            assert {(m[0], m[1], m[3]) for m in _messages(synced)} == {
                (TOPIC_MOTION, "Initialized", "true"),
                (TOPIC_TAMPER, "Initialized", "true"),
                (TOPIC_DIGITAL_INPUT, "Initialized", "true"),
            }

            subscription = await cam.create_subscription_service("PullPointSubscription")
            renewed = await subscription.Renew({"TerminationTime": "PT120S"})
            assert 110 <= (renewed.TerminationTime - renewed.CurrentTime).total_seconds() <= 130

            await manager.shutdown()  # Unsubscribe
            assert device.subscription_count == 0
            with pytest.raises(zeep.exceptions.Fault) as gone:
                await pullpoint.PullMessages({"Timeout": "PT1S", "MessageLimit": 1})
            assert gone.value.subcodes[-1].localname == "ResourceUnknownFault"
        finally:
            await cam.close()

    asyncio.run(scenario())


def etree_name(element: Any) -> str:
    return str(element.tag).rpartition("}")[2]


def test_relay_outputs_and_ptz(device: OnvifDevice) -> None:
    async def scenario() -> None:
        cam = _camera(device)
        try:
            await cam.update_xaddrs()
            deviceio = await cam.create_deviceio_service()
            relays = await deviceio.GetRelayOutputs()
            assert [r.token for r in relays] == ["relay0"]
            assert relays[0].Properties.Mode == "Bistable"
            await deviceio.SetRelayOutputState(
                {"RelayOutputToken": "relay0", "LogicalState": "active"}
            )
            assert device.relay_state("relay0") == "active"

            ptz = await cam.create_ptz_service()
            velocity = {"PanTilt": {"x": 1.0, "y": 0.0}, "Zoom": {"x": 0.0}}
            await ptz.ContinuousMove({"ProfileToken": "main", "Velocity": velocity})
            await asyncio.sleep(0.4)
            await ptz.Stop({"ProfileToken": "main", "PanTilt": True, "Zoom": True})
            pan, tilt, _ = device.ptz_position()
            assert pan > 0.1
            assert tilt == 0.0
            token = await ptz.SetPreset({"ProfileToken": "main", "PresetName": "Fontänen"})
            presets = {p.token: p for p in await ptz.GetPresets({"ProfileToken": "main"})}
            assert presets[token].Name == "Fontänen"
            assert presets[token].PTZPosition.PanTilt.x == pytest.approx(pan, abs=1e-3)
            await ptz.GotoPreset({"ProfileToken": "main", "PresetToken": "1"})
            assert device.ptz_position() == (0.0, 0.0, 0.0)
            await ptz.GotoPreset({"ProfileToken": "main", "PresetToken": token})
            assert device.ptz_position()[0] == pytest.approx(pan, abs=1e-3)
        finally:
            await cam.close()

    asyncio.run(scenario())


def test_a_camera_without_ptz_offers_no_ptz_service() -> None:
    with OnvifDevice(_config(has_ptz=False, has_sub_stream=False)) as device:

        async def scenario() -> None:
            cam = _camera(device)
            try:
                await cam.update_xaddrs()
                assert "http://www.onvif.org/ver20/ptz/wsdl" not in cam.xaddrs
                media = await cam.create_media_service()
                assert [p.token for p in await media.GetProfiles()] == ["main"]
            finally:
                await cam.close()

        asyncio.run(scenario())


def test_a_doctype_is_refused_without_reading_the_entity(
    device: OnvifDevice, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/entity"
    try:
        for system in (secret.as_uri(), url):
            request = (
                f'<?xml version="1.0"?><!DOCTYPE env:Envelope [<!ENTITY xxe SYSTEM "{system}">]>'
            ).encode() + _soap("<tds:GetSystemDateAndTime>&xxe;</tds:GetSystemDateAndTime>")
            status, body = _raw_post(device, request)
            assert status == 400
            assert b"env:Sender" in body
            assert b"TOP-SECRET" not in body
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody fetched the external entity
    finally:
        listener.close()
    # Entity expansion bombs are refused the same way.
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    ) + _soap("<tds:GetSystemDateAndTime>&lol2;</tds:GetSystemDateAndTime>")
    status, _ = _raw_post(device, bomb)
    assert status == 400


def test_an_oversized_request_gets_413_without_being_read(device: OnvifDevice) -> None:
    with socket.create_connection((device.config.address, device.config.port), timeout=10) as sock:
        sock.sendall(
            b"POST /onvif/device_service HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/soap+xml\r\nContent-Length: 100000000\r\n\r\n"
        )
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 413")
    status, _ = _raw_post(device, b"x" * (device.max_request_bytes + 1))
    assert status == 413


def test_offline_closes_the_port_and_online_opens_it_again(device: OnvifDevice) -> None:
    address = (device.config.address, device.config.port)
    device.offline = True
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address, timeout=2).close()
    device.offline = False
    status, body = _raw_post(device, _soap("<tds:GetSystemDateAndTime/>"))
    assert status == 200
    assert b"UTCDateTime" in body


def test_unicast_probe_with_the_wsdiscovery_package() -> None:
    config = _config(name="Trädgårdstorget")
    with DiscoveryResponder(config) as responder:
        probe = constructProbe(
            [QName("http://www.onvif.org/ver10/network/wsdl", "NetworkVideoTransmitter", "dn")],
            [],
        )
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(5)
            sock.sendto(createSOAPMessage(probe).encode(), (config.address, 3702))
            data, peer = sock.recvfrom(65535)
            assert peer == (config.address, 3702)
            # A probe for another device type goes unanswered.
            other = constructProbe([QName("http://example.org/printers", "Printer", "p")], [])
            sock.sendto(createSOAPMessage(other).encode(), (config.address, 3702))
            sock.settimeout(0.5)
            with pytest.raises(TimeoutError):
                sock.recvfrom(65535)
        assert responder.probes_answered == 1
    answer = parseSOAPMessage(data, peer[0])
    assert answer is not None
    assert answer.getRelatesTo() == probe.getMessageId()
    [match] = answer.getProbeResolveMatches()
    assert match.getXAddrs() == [f"http://{config.address}:{config.port}/onvif/device_service"]
    assert match.getEPR() == f"urn:uuid:{config.endpoint_uuid}"
    assert "NetworkVideoTransmitter" in {t.getLocalname() for t in match.getTypes()}
    names = [
        unquote(s.getValue().rpartition("/")[2])
        for s in match.getScopes()
        if "/name/" in s.getValue()
    ]
    assert names == ["Trädgårdstorget"]
    assert match.getMetadataVersion() == "1"


def test_site_configs_and_durations() -> None:
    configs = site_configs(rtsp_port=8554)
    assert [c.name for c in configs] == list(CAMERA_NAMES)
    assert [c.address for c in configs] == [f"127.0.0.{i}" for i in range(2, 8)]
    assert configs[3].main_stream_uri == "rtsp://127.0.0.5:8554/skaggetorp-centrum/main"
    assert [c.has_ptz for c in configs] == [True] + [False] * 5
    assert parse_duration("PT1M30S") == 90
    assert parse_duration("P1DT1H") == 90000
    assert parse_duration("PT0.5S") == 0.5


def test_a_range_scan_finds_the_six_cameras_of_the_site() -> None:
    configs = site_configs(rtsp_port=8554, port=_free_port("127.0.0.80"), first_address=80)
    with CameraSite(configs) as site, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        found = {}
        for last in range(80, 90):  # a scan of a range wider than the site
            probe = constructProbe(
                [QName("http://www.onvif.org/ver10/network/wsdl", "NetworkVideoTransmitter")], []
            )
            sock.sendto(createSOAPMessage(probe).encode(), (f"127.0.0.{last}", 3702))
        for _ in configs:
            data, peer = sock.recvfrom(65535)
            [match] = parseSOAPMessage(data, peer[0]).getProbeResolveMatches()
            [name] = [
                unquote(s.getValue().rpartition("/")[2])
                for s in match.getScopes()
                if "/name/" in s.getValue()
            ]
            found[name] = match.getXAddrs()[0]
        assert sorted(found) == sorted(CAMERA_NAMES)
        assert found["Resecentrum"] == f"http://127.0.0.85:{configs[5].port}/onvif/device_service"

        async def scenario() -> None:
            cam = _camera_for(site.device("Resecentrum"))
            try:
                await cam.update_xaddrs()
                devicemgmt = await cam.create_devicemgmt_service()
                info = await devicemgmt.GetDeviceInformation()
                assert info.HardwareId == "resecentrum"
                media = await cam.create_media_service()
                uri = await media.GetStreamUri(
                    {
                        "StreamSetup": {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}},
                        "ProfileToken": "main",
                    }
                )
                assert uri.Uri == "rtsp://127.0.0.85:8554/resecentrum/main"
            finally:
                await cam.close()

        asyncio.run(scenario())


def _camera_for(device: OnvifDevice) -> ONVIFCamera:
    c = device.config
    return ONVIFCamera(c.address, c.port, c.user, c.password)
