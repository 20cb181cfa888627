"""Discovery against WS-Discovery devices that are not the simulator: one that answers a unicast
Probe from a port of its own (as many cameras do), answers to other messages arriving first, and
devices that report another device's address or endpoint. Each is a small responder on loopback.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from console.runtime import DeviceLoop
from devices.discovery import parse_range, scan_range
from tests.conftest import run_utkik

BLOCK = random.randrange(1, 255)
NET = f"127.51.{BLOCK}"

ANSWER = """<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
  xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
  xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"
  xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
<s:Header>
<a:MessageID>urn:uuid:{own_id}</a:MessageID>
<a:RelatesTo>{relates_to}</a:RelatesTo>
<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action>
</s:Header>
<s:Body><d:ProbeMatches><d:ProbeMatch>
<a:EndpointReference><a:Address>{endpoint}</a:Address></a:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter</d:Types>
<d:Scopes>onvif://www.onvif.org/name/{name} onvif://www.onvif.org/hardware/{model}</d:Scopes>
<d:XAddrs>{xaddr}</d:XAddrs>
<d:MetadataVersion>1</d:MetadataVersion>
</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"""

_MESSAGE_ID = re.compile(rb"<[\w:]*MessageID>\s*([^<\s]+)\s*</")


class RandomPortDevice:
    """Listens for Probes on address:3702 and answers each from another port of its own (a new
    one per answer), first with an answer to some other message, then with the real one."""

    def __init__(
        self, address: str, *, name: str, model: str, endpoint: str, xaddr: str = ""
    ) -> None:
        self.address = address
        self.name, self.model, self.endpoint = name, model, endpoint
        self.xaddr = xaddr or f"http://{address}:8999/onvif/device_service"
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.listener.bind((address, 3702))
        self.answered_from: list[int] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _answer(self, relates_to: str) -> bytes:
        return ANSWER.format(
            own_id=f"{random.getrandbits(64):016x}",
            relates_to=relates_to,
            endpoint=self.endpoint,
            name=self.name,
            model=self.model,
            xaddr=self.xaddr,
        ).encode()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.listener.recvfrom(65535)
            except OSError:
                return
            found = _MESSAGE_ID.search(data)
            if found is None:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as reply:
                reply.bind((self.address, 0))
                self.answered_from.append(reply.getsockname()[1])
                # A stale answer (to an earlier Probe by someone else) is not this device's
                # answer to our Probe, and must not be taken for it.
                reply.sendto(self._answer("urn:uuid:00000000-0000-0000-0000-000000000000"), peer)
                reply.sendto(self._answer(found.group(1).decode()), peer)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self._thread.join(5)


@contextmanager
def devices(*made: RandomPortDevice) -> Iterator[tuple[RandomPortDevice, ...]]:
    try:
        yield made
    finally:
        for device in made:
            device.close()


def _closed_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def test_a_device_answering_from_a_random_port_is_found_with_its_name_and_model(
    device_loop: DeviceLoop,
) -> None:
    address = f"{NET}.5"
    closed = _closed_port(address)
    endpoint = "urn:uuid:5f1a2b3c-0000-4000-8000-00000000a005"
    with devices(RandomPortDevice(address, name="Port_cam", model="PX-1", endpoint=endpoint)) as (
        device,
    ):
        found = scan_range(
            device_loop, parse_range(f"{NET}.4-6"), onvif_port=closed, ports=(), timeout=1.0
        )
    assert device.answered_from
    assert 3702 not in device.answered_from
    assert len(found) == 1
    (camera,) = found
    assert (camera.address, camera.port) == (address, 8999)
    assert (camera.name, camera.hardware, camera.endpoint) == ("Port cam", "PX-1", endpoint)
    assert camera.answered_from == address
    assert not camera.address_mismatch


def test_discover_range_finds_it_from_the_command_line() -> None:
    address = f"{NET}.9"
    closed = _closed_port(address)
    endpoint = "urn:uuid:5f1a2b3c-0000-4000-8000-00000000a009"
    with devices(RandomPortDevice(address, name="Kiosk", model="KX-9", endpoint=endpoint)):
        result = run_utkik("discover", "--json", "--range", f"{NET}.8-10", "--port", closed)
    assert result.returncode == 0, result.stderr
    (item,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (item["address"], item["port"], item["name"], item["model"]) == (
        address,
        8999,
        "Kiosk",
        "KX-9",
    )
    assert item["endpoint"] == endpoint
    assert item["answered_from"] == address
    assert item["address_mismatch"] is False


def test_a_copied_endpoint_and_a_foreign_xaddr_hide_no_camera(device_loop: DeviceLoop) -> None:
    real, copy = f"{NET}.71", f"{NET}.72"
    endpoint = "urn:uuid:5f1a2b3c-0000-4000-8000-00000000a071"
    with devices(
        RandomPortDevice(real, name="Real", model="R-1", endpoint=endpoint),
        # Reports itself as the first device, with its endpoint, at a port of its own.
        RandomPortDevice(
            copy,
            name="Copy",
            model="C-1",
            endpoint=endpoint,
            xaddr=f"http://{real}:9999/onvif/device_service",
        ),
    ):
        found = scan_range(
            device_loop, [real, copy], onvif_port=_closed_port(real), ports=(), timeout=1.0
        )
    by_address = {d.address: d for d in found}
    assert sorted(by_address) == sorted([real, copy])
    assert by_address[real].name == "Real"
    assert not by_address[real].address_mismatch
    shadow = by_address[copy]
    assert shadow.name == "Copy"
    assert shadow.answered_from == copy
    assert shadow.xaddrs == (f"http://{real}:9999/onvif/device_service",)
    assert shadow.address_mismatch
    assert by_address[real].key != shadow.key


def test_an_address_without_ws_discovery_ends_its_wait_at_once(device_loop: DeviceLoop) -> None:
    """The unconnected socket still hears the refusal (ICMP port unreachable) of an address
    where nothing listens, so a scan of such addresses takes no timeout."""
    address = f"{NET}.30"
    started = time.monotonic()
    found = scan_range(
        device_loop, [address], onvif_port=_closed_port(address), ports=(), timeout=3.0
    )
    assert found == []
    assert time.monotonic() - started < 1.0
