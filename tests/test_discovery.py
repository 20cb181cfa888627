"""Camera discovery (devices/discovery.py): the range scan against the simulated site on loopback,
multicast WS-Discovery between network namespaces, lenient and hostile answers, ranges and
manual entries. Nothing here multicasts on the host: the multicast test runs both ends inside
namespaces and is skipped where they cannot be made."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from console.camera_facts import DiscoveredDevice, DiscoverySource
from console.runtime import DeviceLoop
from devices.discovery import (
    MAX_MESSAGE_BYTES,
    MAX_RANGE,
    NETWORK_VIDEO_TRANSMITTER,
    InvalidAddress,
    _interfaces_from_ioctl,
    _probe_message,
    interfaces,
    manual_device,
    parse_probe_matches,
    parse_range,
    scan_range,
)
from devices.simulator.discovery import DiscoveryResponder
from devices.simulator.namespace import NamespacePair, can_create_namespaces
from devices.simulator.onvif import DeviceConfig, stream_uris
from devices.simulator.site import SimulatedSite
from tests.sites import simulated_site

#: 127.44.<block>.x for the site, 127.45.<block>.x for silent hosts: parallel runs do not collide.
BLOCK = random.randrange(1, 255)
NET = f"127.44.{BLOCK}"
SILENT_NET = f"127.45.{BLOCK}"
ROOT = Path(__file__).resolve().parent.parent

#: The shape of ipycam's answer (olkham/IPyCam, static/soap/probe_match.xml): a ProbeMatch
#: without the <ProbeMatches> wrapper, its EndpointReference in the discovery namespace and the
#: action ".../ProbeMatch". wsdiscovery ignores it; a technician's camera must still be listed.
IPYCAM_PROBE_MATCH = """<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"
               xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
               xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"
               xmlns:dn="http://www.onvif.org/ver10/network/wsdl"
               xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
    <soap:Header>
        <wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>
        <wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatch</wsa:Action>
        <wsa:MessageID>urn:uuid:0a6dc791-2be4-4a8c-9ad2-5f1e4f0e2f11</wsa:MessageID>
        <wsa:RelatesTo>{relates_to}</wsa:RelatesTo>
    </soap:Header>
    <soap:Body>
        <d:ProbeMatch>
            <d:EndpointReference><wsa:Address>{endpoint}</wsa:Address></d:EndpointReference>
            <d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>
            <d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/name/{name}</d:Scopes>
            <d:XAddrs>{xaddr}</d:XAddrs>
            <d:MetadataVersion>1</d:MetadataVersion>
        </d:ProbeMatch>
    </soap:Body>
</soap:Envelope>
"""  # noqa: E501 - the scopes line as ipycam sends it

IPYCAM_ENDPOINT = "urn:uuid:7d4b7bd6-3f5e-4c55-8b63-2b0f1d1e6a01"


def ipycam_answer(xaddr: str, name: str = "IPyCam", relates_to: str = "urn:uuid:1") -> bytes:
    return IPYCAM_PROBE_MATCH.format(
        relates_to=relates_to, endpoint=IPYCAM_ENDPOINT, name=name, xaddr=xaddr
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"
  xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Body><d:ProbeMatch>
<d:Scopes>onvif://www.onvif.org/name/&lol9;</d:Scopes>
<d:XAddrs>http://10.0.0.9/onvif/device_service</d:XAddrs></d:ProbeMatch></s:Body></s:Envelope>"""


def with_entity(system_id: str) -> bytes:
    """A valid ipycam answer whose name comes from an external entity."""
    doctype = f'<!DOCTYPE soap:Envelope [<!ENTITY name SYSTEM "{system_id}">]>\n'
    answer = ipycam_answer("http://10.0.0.9/onvif/device_service", name="&name;").decode()
    declaration, _, rest = answer.partition("\n")
    return f"{declaration}\n{doctype}{rest}".encode()


# -- the simulated site ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = [f"{NET}.{i}" for i in range(2, 8)]
    with simulated_site(tmp_path_factory, addresses, fps=5, clip_seconds=1) as running:
        yield running


def _responder(site: SimulatedSite, name: str) -> DiscoveryResponder:
    assert site.cameras is not None
    return next(r for r in site.cameras.responders if r.config.name == name)


def _closed_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


class Silent:
    """Hosts that take a Probe and a TCP connection and never answer, like a host that drops
    packets: the kernel completes the handshake into a backlog nobody accepts from."""

    def __init__(self, addresses: list[str], tcp_ports: tuple[int, ...]) -> None:
        self.sockets: list[socket.socket] = []
        try:
            for address in addresses:
                udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                self.sockets.append(udp)
                udp.bind((address, 3702))
                for port in tcp_ports:
                    tcp = socket.socket()
                    self.sockets.append(tcp)
                    tcp.bind((address, port))
                    tcp.listen(16)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Hostile:
    """A host that answers the Probe with a billion laughs, an entity and garbage, and the
    device service with an endless body without a length."""

    def __init__(self, address: str, port: int) -> None:
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((address, 3702))
        self.tcp = socket.socket()
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((address, port))
        self.tcp.listen(4)
        self.probes = 0
        self.bytes_sent = 0
        self._threads = [
            threading.Thread(target=self._answer_probes, daemon=True),
            threading.Thread(target=self._answer_http, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _answer_probes(self) -> None:
        while True:
            try:
                _, peer = self.udp.recvfrom(65535)
                if peer is None:  # shut down
                    return
                self.probes += 1
                for datagram in (BILLION_LAUGHS, with_entity("file:///etc/passwd"), b"\x00\xff"):
                    self.udp.sendto(datagram, peer)
            except OSError:
                return

    def _answer_http(self) -> None:
        while True:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(65535)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\n\r\n")
                    while self.bytes_sent < 100 * 1024 * 1024:
                        conn.sendall(b"<a>" * 10_000)
                        self.bytes_sent += 30_000
                except OSError:
                    continue

    def close(self) -> None:
        for sock in (self.udp, self.tcp):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(5)


def _by_address(devices: list[DiscoveredDevice]) -> dict[str, DiscoveredDevice]:
    return {d.address: d for d in devices}


def test_a_range_scan_finds_exactly_the_cameras_and_reports_each_as_it_answers(
    device_loop: DeviceLoop,
    site: SimulatedSite,
) -> None:
    port = site.options.onvif_port
    other = _closed_port(f"{NET}.1")
    hostile = Hostile(f"{NET}.19", port)
    silent = Silent([f"{NET}.20"], (port, other))
    progress: list[tuple[int, int]] = []
    arrivals: list[tuple[float, int, DiscoveredDevice]] = []
    start = time.monotonic()

    def found(device: DiscoveredDevice) -> None:
        done = progress[-1][0] if progress else 0
        arrivals.append((time.monotonic() - start, done, device))

    try:
        devices = scan_range(
            device_loop,
            parse_range(f"{NET}.1-{NET}.20"),
            onvif_port=port,
            ports=(port, other),
            timeout=1.0,
            on_found=found,
            on_progress=lambda done, total: progress.append((done, total)),
        )
        elapsed = time.monotonic() - start
    finally:
        hostile.close()
        silent.close()

    by_address = _by_address(devices)
    assert sorted(by_address) == sorted(c.address for c in site.configs)
    assert len(devices) == 6
    for config in site.configs:
        device = by_address[config.address]
        assert device.name == config.name
        assert device.xaddrs == (config.device_xaddr,)
        assert device.port == port
        assert device.endpoint == f"urn:uuid:{config.endpoint_uuid}"
        assert device.source is DiscoverySource.RANGE
        assert NETWORK_VIDEO_TRANSMITTER in device.types
    # Streamed: every camera came while the silent host still held the scan open.
    assert [d for _, _, d in arrivals] == devices
    assert max(t for t, _, _ in arrivals) < 0.5
    assert 0.9 < elapsed < 2.5
    assert all(done < 20 for _, done, _ in arrivals)
    assert progress[0] == (0, 20)
    assert progress[-1] == (20, 20)
    assert [done for done, _ in progress] == list(range(21))
    # The hostile host was asked and ignored, and its endless body was not read to the end.
    assert hostile.probes >= 1
    assert hostile.bytes_sent < 10 * 1024 * 1024


def test_a_camera_that_is_offline_is_not_found(
    device_loop: DeviceLoop, site: SimulatedSite
) -> None:
    name = site.configs[2].name
    # Offline: its ONVIF service, WS-Discovery and streams are all gone.
    site.set_offline(name, True)
    try:
        devices = scan_range(
            device_loop, [c.address for c in site.configs], onvif_port=site.options.onvif_port
        )
    finally:
        site.set_offline(name, False)
    assert sorted(d.name for d in devices) == sorted(c.name for c in site.configs if c.name != name)


def test_either_answer_is_enough_and_the_probe_answer_is_preferred(
    device_loop: DeviceLoop, site: SimulatedSite
) -> None:
    port = site.options.onvif_port
    no_onvif, no_discovery = site.configs[0], site.configs[1]
    site.device(no_onvif.name).offline = True
    _responder(site, no_discovery.name).stop()
    try:
        devices = _by_address(
            scan_range(
                device_loop, [no_onvif.address, no_discovery.address], onvif_port=port, ports=()
            )
        )
    finally:
        _responder(site, no_discovery.name).start()
        site.device(no_onvif.name).offline = False
    # Only WS-Discovery answered: XAddrs, endpoint and scopes from its ProbeMatches.
    by_probe = devices[no_onvif.address]
    assert by_probe.name == no_onvif.name
    assert by_probe.xaddrs == (no_onvif.device_xaddr,)
    # Only GetSystemDateAndTime answered: the URL that answered, nothing more is known.
    by_http = devices[no_discovery.address]
    assert by_http == DiscoveredDevice(
        no_discovery.address,
        port,
        (f"http://{no_discovery.address}:{port}/onvif/device_service",),
        source=DiscoverySource.RANGE,
    )
    assert by_http.name == ""


def test_silent_hosts_take_the_timeout_and_concurrency_bounds_the_scan(
    device_loop: DeviceLoop,
) -> None:
    port = _closed_port(f"{SILENT_NET}.1")
    addresses = [f"{SILENT_NET}.{i}" for i in range(1, 5)]
    with Silent(addresses, (port,)):
        start = time.monotonic()
        assert (
            scan_range(
                device_loop, addresses, onvif_port=port, ports=(), timeout=0.4, concurrency=2
            )
            == []
        )
        two_at_a_time = time.monotonic() - start
        start = time.monotonic()
        assert (
            scan_range(
                device_loop, addresses, onvif_port=port, ports=(), timeout=0.4, concurrency=4
            )
            == []
        )
        all_at_once = time.monotonic() - start
    assert 0.8 <= two_at_a_time < 1.3
    assert 0.4 <= all_at_once < 0.8


def test_cancel_stops_a_big_scan_quickly(device_loop: DeviceLoop) -> None:
    port = _closed_port(f"{SILENT_NET}.1")
    silent_hosts = [f"{SILENT_NET}.{i}" for i in range(1, 65)]
    rest = [a for a in parse_range(f"127.46.{BLOCK}.0/20") if a not in silent_hosts]
    addresses = (silent_hosts + rest)[:MAX_RANGE]
    progress: list[int] = []
    cancel = threading.Event()
    with Silent(silent_hosts, (port,)):
        open_before = len(os.listdir("/proc/self/fd"))
        timer = threading.Timer(0.3, cancel.set)
        timer.start()
        start = time.monotonic()
        found = scan_range(
            device_loop,
            addresses,
            onvif_port=port,
            ports=(),
            timeout=10.0,
            on_progress=lambda done, _: progress.append(done),
            cancel=cancel,
        )
        stopped = time.monotonic() - start
        timer.join()
        open_after = len(os.listdir("/proc/self/fd"))
    assert found == []
    # Without the cancel the first 64 silent hosts alone would hold the scan for 10 s.
    assert 0.3 <= stopped < 0.6
    assert progress[-1] < len(addresses)
    assert open_after == open_before


# -- multicast in network namespaces -----------------------------------------------------------

_CAN, _WHY_NOT = can_create_namespaces()
needs_namespaces = pytest.mark.skipif(
    not _CAN, reason=f"needs network namespaces for multicast (never the host's): {_WHY_NOT}"
)

#: Device namespace: the simulator's multicast responders (one answer per Probe MessageID), and
#: one ipycam-like responder that answers every copy of a Probe, each time after a billion
#: laughs and some garbage. "report" on stdin prints how often each answered; EOF stops.
_RESPONDERS = """
import json, socket, sys, threading
from devices.simulator.discovery import DiscoveryResponder
from devices.simulator.onvif import DeviceConfig

cameras, ipycam_address, ipycam_answer, hostile = json.loads(sys.argv[1])
responders = [DiscoveryResponder(DeviceConfig(**c), multicast=True) for c in cameras]
group = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
group.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
group.bind(("239.255.255.250", 3702))
mreq = socket.inet_aton("239.255.255.250") + socket.inet_aton(ipycam_address)
group.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
reply = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
reply.bind((ipycam_address, 3702))
ipycam_answers = []

def ipycam():
    while True:
        try:
            data, peer = group.recvfrom(65535)
        except OSError:
            return
        if b"Probe" in data:
            ipycam_answers.append(peer[0])
            for datagram in (hostile.encode(), b"garbage", ipycam_answer.encode()):
                reply.sendto(datagram, peer)

for responder in responders:
    responder.start()
threading.Thread(target=ipycam, daemon=True).start()
print("ready", flush=True)
for line in sys.stdin:
    answered = {r.config.address: r.probes_answered for r in responders}
    answered[ipycam_address] = len(ipycam_answers)
    print("answered " + json.dumps(answered), flush=True)
for responder in responders:
    responder.stop()
group.close()
"""

#: Client namespace: our probe_multicast out of the interface named argv[1], each device
#: printed as it arrives; after a line on stdin, a second probe cancelled after 0.2 s.
_CLIENT = """
import json, sys, threading, time
from devices.discovery import interfaces, probe_multicast

listed = interfaces()
print("interfaces " + json.dumps([[i.name, i.address, i.prefix] for i in listed]), flush=True)
[chosen] = [i for i in listed if i.name == sys.argv[1]]
start = time.monotonic()

def found(device):
    record = {"t": time.monotonic() - start, "key": device.key, "name": device.name,
              "address": device.address, "xaddrs": device.xaddrs, "interface": device.interface}
    print("found " + json.dumps(record), flush=True)

devices = probe_multicast(chosen, window=float(sys.argv[2]), on_found=found)
print("done " + json.dumps({"t": time.monotonic() - start, "keys": [d.key for d in devices]}),
      flush=True)
sys.stdin.readline()
cancel = threading.Event()
threading.Timer(0.2, cancel.set).start()
start = time.monotonic()
probe_multicast(chosen, window=3.0, cancel=cancel)
print("cancelled " + json.dumps(time.monotonic() - start), flush=True)
"""


class _Child:
    """A helper script in a namespace, its output read line by line."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, prefix: str, timeout: float = 10.0) -> str:
        """The rest of the next line that starts with prefix (other lines are kept in output)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                pytest.fail(f"no {prefix!r} line within {timeout} s; output so far: {self.output}")
            self.output.append(line)
            if line.startswith(prefix):
                return line[len(prefix) :]


@contextmanager
def _child(pair: NamespacePair, ns: str, script: str, *args: str) -> Iterator[_Child]:
    child = _Child([*pair.exec_prefix(ns), sys.executable, "-c", script, *args])
    try:
        yield child
    finally:
        if child.proc.stdin is not None:
            child.proc.stdin.close()
        try:
            child.proc.wait(5)
        except subprocess.TimeoutExpired:
            child.proc.kill()
            child.proc.wait(5)


@needs_namespaces
def test_multicast_discovery_in_the_client_namespace_lists_every_camera_once() -> None:
    names = ["Stora torget", "Resecentrum", "Trädgårdstorget"]
    with NamespacePair() as pair:
        *camera_addresses, ipycam_address = pair.add_device_addresses(4)
        cameras = []
        for name, address in zip(names, camera_addresses, strict=True):
            main, sub = stream_uris(address, 8554, name.lower())
            cameras.append(
                {
                    "name": name,
                    "address": address,
                    "port": 8080,
                    "main_stream_uri": main,
                    "sub_stream_uri": sub,
                }
            )
        ipycam_xaddr = f"http://{ipycam_address}:8000/onvif/device_service"
        answer = ipycam_answer(ipycam_xaddr).decode()
        setup = [cameras, ipycam_address, answer, BILLION_LAUGHS.decode()]
        with _child(pair, pair.device_ns, _RESPONDERS, json.dumps(setup)) as responders:
            responders.expect("ready")
            with _child(pair, pair.client_ns, _CLIENT, pair.client_interface, "1.5") as client:
                listed = json.loads(client.expect("interfaces "))
                found = [json.loads(client.expect("found ")) for _ in range(4)]
                done = json.loads(client.expect("done "))
                responders.send("report")
                answered = json.loads(responders.expect("answered "))
                client.send("go")
                cancelled = json.loads(client.expect("cancelled "))
                assert client.proc.wait(5) == 0

    # The client namespace's interfaces: its veth first, loopback last.
    assert listed == [[pair.client_interface, pair.client_address, 24], ["lo", "127.0.0.1", 8]]
    # Every camera, the ipycam-like one too, once each, through the chosen interface.
    assert sorted(f["name"] for f in found) == sorted([*names, "IPyCam"])
    assert len({f["key"] for f in found}) == 4
    assert len([line for line in client.output if line.startswith("found ")]) == 4
    assert sorted(done["keys"]) == sorted(f["key"] for f in found)
    assert {f["interface"] for f in found} == {pair.client_interface}
    by_name = {f["name"]: f for f in found}
    for camera in cameras:
        config = DeviceConfig(**camera)
        assert by_name[config.name]["xaddrs"] == [config.device_xaddr]
        assert by_name[config.name]["key"] == f"urn:uuid:{config.endpoint_uuid} @ {config.address}"
        assert by_name[config.name]["address"] == config.address
    assert by_name["IPyCam"]["key"] == f"{IPYCAM_ENDPOINT} @ {by_name['IPyCam']['address']}"
    assert by_name["IPyCam"]["xaddrs"] == [ipycam_xaddr]
    # The first answer is reported within milliseconds, not at the end of the window.
    assert min(f["t"] for f in found) < 0.25
    assert 1.5 <= done["t"] < 1.9
    # Three copies of one Probe (same MessageID): the simulator's cameras answered once each,
    # the ipycam-like responder every copy, and it was still listed once.
    assert answered == {**{c["address"]: 1 for c in cameras}, ipycam_address: 3}
    assert cancelled < 0.45


# -- parsing -----------------------------------------------------------------------------------


def test_an_ipycam_probe_match_without_the_wrapper_is_listed() -> None:
    xaddr = "http://10.0.0.9:8000/onvif/device_service"
    [device] = parse_probe_matches(ipycam_answer(xaddr), "10.0.0.9")
    assert device.endpoint == IPYCAM_ENDPOINT
    assert (device.address, device.port, device.xaddrs) == ("10.0.0.9", 8000, (xaddr,))
    assert device.name == "IPyCam"
    assert NETWORK_VIDEO_TRANSMITTER in device.types


def test_the_simulators_standard_probe_matches_are_listed() -> None:
    main, _ = stream_uris("10.0.0.5", 8554, "resecentrum")
    config = DeviceConfig(name="Resecentrum", address="10.0.0.5", port=8080, main_stream_uri=main)
    answer = DiscoveryResponder(config).answer(_probe_message("urn:uuid:42"))
    assert answer is not None
    [device] = parse_probe_matches(answer, "10.0.0.5")
    assert device.key == f"urn:uuid:{config.endpoint_uuid} @ 10.0.0.5"
    assert (device.name, device.hardware) == ("Resecentrum", "SimCam 1")
    assert device.xaddrs == (config.device_xaddr,)


HELLO_2009 = b"""<?xml version="1.0" encoding="UTF-8"?>
<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"
  xmlns:wsa="http://www.w3.org/2005/08/addressing"
  xmlns:wsd="http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01"
  xmlns:tdn="http://www.onvif.org/ver10/network/wsdl">
 <env:Header><wsa:Action>http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01/Hello</wsa:Action>
 </env:Header>
 <env:Body>
  <wsd:Hello>
   <wsa:EndpointReference>
     <wsa:Address>
        urn:uuid:11111111-2222-3333-4444-555555555555
     </wsa:Address>
   </wsa:EndpointReference>
   <wsd:Types>\ttdn:NetworkVideoTransmitter
   </wsd:Types>
   <wsd:Scopes>
     onvif://www.onvif.org/name/Entr%C3%A9
\t onvif://www.onvif.org/hardware/X1
   </wsd:Scopes>
   <wsd:XAddrs>http://[fe80::1]/onvif/device_service
      http://192.168.5.20:8080/onvif/device_service
      not-a-url   http://192.168.9.20/onvif/device_service</wsd:XAddrs>
   <wsd:MetadataVersion>3</wsd:MetadataVersion>
  </wsd:Hello>
 </env:Body>
</env:Envelope>"""


def test_a_hello_with_odd_whitespace_and_several_xaddrs() -> None:
    [device] = parse_probe_matches(HELLO_2009, "192.168.5.20")
    assert device.endpoint == "urn:uuid:11111111-2222-3333-4444-555555555555"
    assert device.name == "Entré"
    assert device.hardware == "X1"
    assert device.xaddrs == (
        "http://[fe80::1]/onvif/device_service",
        "http://192.168.5.20:8080/onvif/device_service",
        "http://192.168.9.20/onvif/device_service",
    )
    # The XAddr that names the sender, not the first (an IPv6 link-local address).
    assert (device.address, device.port) == ("192.168.5.20", 8080)
    assert not device.address_mismatch
    # From another sender: the sender, at the first XAddr's port, flagged as reporting another
    # address; the XAddrs are kept as reported.
    [other] = parse_probe_matches(HELLO_2009, "192.168.7.7")
    assert (other.address, other.port, other.answered_from) == ("192.168.7.7", 80, "192.168.7.7")
    assert other.xaddrs == device.xaddrs
    assert other.address_mismatch


def test_without_xaddrs_the_sender_and_the_onvif_path_are_assumed() -> None:
    answer = ipycam_answer("").replace(b"<d:XAddrs></d:XAddrs>", b"")
    [device] = parse_probe_matches(answer, "10.1.2.3")
    assert (device.address, device.port) == ("10.1.2.3", 80)
    assert device.xaddrs == ("http://10.1.2.3:80/onvif/device_service",)
    [device] = parse_probe_matches(answer, "10.1.2.3", fallback_port=8899)
    assert device.xaddrs == ("http://10.1.2.3:8899/onvif/device_service",)


def test_several_matches_in_one_answer_are_all_listed() -> None:
    match = (
        "<d:ProbeMatch><d:EndpointReference><a:Address>urn:uuid:{n}</a:Address>"
        "</d:EndpointReference><d:XAddrs>http://10.0.0.{n}/onvif/device_service</d:XAddrs>"
        "</d:ProbeMatch>"
    )
    body = "".join(match.format(n=n) for n in (1, 2))
    answer = (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        f"<s:Body><d:ProbeMatches>{body}</d:ProbeMatches></s:Body></s:Envelope>"
    ).encode()
    assert [d.key for d in parse_probe_matches(answer, "10.0.0.1")] == [
        "urn:uuid:1 @ 10.0.0.1",
        "urn:uuid:2 @ 10.0.0.1",
    ]


def test_the_size_limit_is_64_kb() -> None:
    answer = ipycam_answer("http://10.0.0.9/onvif/device_service")
    padding = MAX_MESSAGE_BYTES - len(answer) - len("<!---->")
    fits = answer.replace(b"<soap:Body>", b"<soap:Body><!--" + b"x" * padding + b"-->")
    assert len(fits) == MAX_MESSAGE_BYTES
    assert len(parse_probe_matches(fits, "10.0.0.9")) == 1
    too_big = fits.replace(b"<!--", b"<!-- ")
    assert parse_probe_matches(too_big, "10.0.0.9") == []


@pytest.fixture
def canary() -> Iterator[socket.socket]:
    """A local port that an external entity names: nothing may ever connect to it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        yield listener
        with pytest.raises(TimeoutError):
            listener.accept()


def test_dtds_and_entities_are_refused_without_being_read(
    canary: socket.socket, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Trädgårdstorget")
    port = canary.getsockname()[1]
    start = time.monotonic()
    for hostile in (
        with_entity(f"http://127.0.0.1:{port}/name"),
        with_entity(secret.as_uri()),
        BILLION_LAUGHS,
        # A DOCTYPE without any entity is refused too: no device needs one.
        b'<?xml version="1.0"?><!DOCTYPE x>'
        + ipycam_answer("http://10.0.0.9/onvif/device_service").partition(b"?>")[2],
    ):
        assert parse_probe_matches(hostile, "10.0.0.9") == []
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\xff" * 100,
        b"<notsoap/>",
        b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body><Other/>"
        b"</s:Body></s:Envelope>",
        ipycam_answer("http://10.0.0.9/onvif/device_service")[:-40],
        _probe_message("urn:uuid:1"),
        # A Bye says a device leaves: it describes nothing to add.
        b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' "
        b"xmlns:d='http://schemas.xmlsoap.org/ws/2005/04/discovery'><s:Body><d:Bye>"
        b"<a:EndpointReference xmlns:a='http://schemas.xmlsoap.org/ws/2004/08/addressing'>"
        b"<a:Address>urn:uuid:1</a:Address></a:EndpointReference></d:Bye></s:Body></s:Envelope>",
        # A printer's Hello: types, none of them ONVIF.
        ipycam_answer("http://10.0.0.9/")
        .replace(b"dn:NetworkVideoTransmitter tds:Device", b"p:PrintDeviceType")
        .replace(
            b"<d:Types>",
            b'<d:Types xmlns:p="http://schemas.microsoft.com/windows/2006/08/wdp/print">',
        ),
    ],
    ids=["empty", "binary", "not-soap", "other-body", "cut-short", "probe", "bye", "printer"],
)
def test_anything_else_is_ignored(data: bytes) -> None:
    assert parse_probe_matches(data, "10.0.0.9") == []


# -- ranges and manual entries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.168.1.10-192.168.1.12", ["192.168.1.10", "192.168.1.11", "192.168.1.12"]),
        (" 192.168.1.10 - 12 ", ["192.168.1.10", "192.168.1.11", "192.168.1.12"]),
        (
            "192.168.1.254-192.168.2.1",
            ["192.168.1.254", "192.168.1.255", "192.168.2.0", "192.168.2.1"],
        ),
        ("10.0.0.0/30", ["10.0.0.1", "10.0.0.2"]),
        ("10.0.0.7/30", ["10.0.0.5", "10.0.0.6"]),
        ("10.0.0.4/31", ["10.0.0.4", "10.0.0.5"]),
        ("10.0.0.4/32", ["10.0.0.4"]),
        ("10.0.0.4", ["10.0.0.4"]),
        ("10.0.0.4-10.0.0.4", ["10.0.0.4"]),
    ],
)
def test_ranges(text: str, expected: list[str]) -> None:
    assert parse_range(text) == expected


def test_the_largest_ranges() -> None:
    assert len(parse_range("10.0.0.0/20")) == 4094
    assert len(parse_range("10.0.0.0-10.0.15.255")) == MAX_RANGE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not an address range"),
        ("cameras", "“cameras” is not an address range"),
        ("192.168.1.10-", "is not an address range"),
        ("192.168.1.10-300", "is not an address range"),
        ("192.168.1.300", "is not an address range"),
        ("192.168.1.10-192.168.1.x", "is not an address range"),
        ("10.0.0.0/33", "is not an address range"),
        ("192.168.1.60-10", "192.168.1.60-192.168.1.10 runs backwards"),
        ("192.168.2.1-192.168.1.255", "runs backwards"),
        ("10.0.0.0-10.0.16.0", "holds 4097 addresses; at most 4096"),
        ("10.0.0.0/19", "holds 8190 addresses"),
        ("fe80::1-fe80::9", "Only IPv4"),
        ("2001:db8::/120", "Only IPv4"),
        ("239.255.255.250", "not the address of a single device"),
        ("223.255.255.250-224.0.0.2", "224.0.0.0 cannot be scanned"),
        ("255.255.255.255", "cannot be scanned"),
        ("0.0.0.0/30", "cannot be scanned"),
    ],
)
def test_nonsense_ranges_are_refused_in_plain_words(text: str, message: str) -> None:
    with pytest.raises(InvalidAddress, match=message.replace(".", r"\.")):
        parse_range(text)


def test_scan_range_refuses_a_multicast_address_before_sending_anything(
    device_loop: DeviceLoop,
) -> None:
    with pytest.raises(InvalidAddress, match=r"239\.255\.255\.250 cannot be scanned"):
        scan_range(device_loop, ["127.0.0.1", "239.255.255.250"])


def test_manual_devices() -> None:
    assert manual_device("192.168.1.20") == DiscoveredDevice(
        "192.168.1.20",
        80,
        ("http://192.168.1.20:80/onvif/device_service",),
        source=DiscoverySource.MANUAL,
    )
    named = manual_device(" kamera-3.example.org ", 8080)
    assert (named.address, named.port) == ("kamera-3.example.org", 8080)
    assert named.xaddrs == ("http://kamera-3.example.org:8080/onvif/device_service",)
    assert manual_device("fe80::1", 8000).xaddrs == ("http://[fe80::1]:8000/onvif/device_service",)


@pytest.mark.parametrize(
    ("host", "port", "message"),
    [
        ("", 80, "neither a host name"),
        ("http://10.0.0.1/", 80, "neither a host name"),
        ("10.0.0.300", 80, "neither a host name"),
        ("cam era", 80, "neither a host name"),
        ("10.0.0.1", 0, "from 1 to 65535, not 0"),
        ("10.0.0.1", 70000, "not 70000"),
    ],
)
def test_manual_devices_refuse_nonsense(host: str, port: int, message: str) -> None:
    with pytest.raises(InvalidAddress, match=message):
        manual_device(host, port)


def test_interfaces_are_the_ones_that_are_up_with_loopback_last() -> None:
    listed = interfaces()
    assert listed[-1].name == "lo"
    assert listed[-1].address == "127.0.0.1"
    assert listed[-1].network == "127.0.0.0/8"
    assert all(not i.loopback for i in listed[:-1])
    assert all(0 <= i.prefix <= 32 for i in listed)
    # Without iproute2 the kernel's ioctls give the same primary addresses.
    assert {(i.name, i.address, i.prefix) for i in _interfaces_from_ioctl()} <= {
        (i.name, i.address, i.prefix) for i in listed
    }
