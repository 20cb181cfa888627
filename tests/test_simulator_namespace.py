"""The simulated site in network namespaces: the namespace pair itself, and multicast WS-Discovery
between the simulated cameras (device namespace) and the third-party wsdiscovery package (client
namespace). Nothing here multicasts on the host: without root and `ip` the module is skipped."""

from __future__ import annotations

import base64
import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import pytest
from wsdiscovery.message import parseSOAPMessage

from devices.simulator.discovery import ACTION_BYE, ACTION_HELLO
from devices.simulator.namespace import (
    NamespaceError,
    NamespacePair,
    can_create_namespaces,
    namespace_names,
)
from devices.simulator.onvif import DeviceConfig, stream_uris

_CAN, _WHY_NOT = can_create_namespaces()
pytestmark = pytest.mark.skipif(
    not _CAN, reason=f"needs network namespaces for multicast (never the host's): {_WHY_NOT}"
)

NVT = ("http://www.onvif.org/ver10/network/wsdl", "NetworkVideoTransmitter")

#: Runs the given cameras' responders in multicast mode until SIGTERM or stdin closes, then
#: prints how many Probes each answered.
_RESPONDERS = """
import json, signal, sys, threading
from devices.simulator.discovery import DiscoveryResponder
from devices.simulator.onvif import DeviceConfig

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
responders = [
    DiscoveryResponder(DeviceConfig(**c), multicast=True) for c in json.loads(sys.argv[1])
]
try:
    for responder in responders:
        responder.start()
    print("ready", flush=True)
    while not stop.wait(0.1):
        pass
finally:
    for responder in responders:
        responder.stop()
print("answered " + json.dumps({r.config.address: r.probes_answered for r in responders}))
"""

#: A multicast Probe for NetworkVideoTransmitter with wsdiscovery, then one for another type.
_SEARCH = """
import json, sys
from wsdiscovery.discovery import ThreadedWSDiscovery
from wsdiscovery.qname import QName

wsd = ThreadedWSDiscovery()
wsd.start()
try:
    cameras = wsd.searchServices(types=[QName(sys.argv[1], sys.argv[2])], timeout=1.0)
    found = [
        dict(epr=s.getEPR(), xaddrs=s.getXAddrs(), scopes=[x.getValue() for x in s.getScopes()])
        for s in cameras
    ]
    print("found " + json.dumps(found), flush=True)
    wsd.clearRemoteServices()
    printer = QName("http://example.org/printers", "Printer")
    printers = wsd.searchServices(types=[printer], timeout=0.5)
    print("printers " + json.dumps([s.getEPR() for s in printers]), flush=True)
finally:
    wsd.stop()
"""

#: A plain multicast listener on 239.255.255.250:3702 that prints every datagram.
_LISTENER = """
import base64, json, socket, sys
group = "239.255.255.250"
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind((group, 3702))
mreq = socket.inet_aton(group) + socket.inet_aton(sys.argv[1])
sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
print("ready", flush=True)
while True:
    data, peer = sock.recvfrom(65535)
    datagram = {"peer": peer[0], "data": base64.b64encode(data).decode()}
    print("datagram " + json.dumps(datagram), flush=True)
"""


class _Child:
    """A helper script in a namespace; its output (stdout and stderr) is read line by line."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))

    def expect(self, prefix: str, timeout: float = 5.0) -> str:
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

    def finish(self, timeout: float = 5.0) -> int:
        """Close stdin (the orderly stop of the responder script) and wait for the exit."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(timeout)


@contextmanager
def _child(pair: NamespacePair, ns: str, script: str, *args: str) -> Iterator[_Child]:
    child = _Child([*pair.exec_prefix(ns), sys.executable, "-c", script, *args])
    try:
        yield child
    finally:
        if child.proc.poll() is None:
            child.proc.terminate()
            try:
                child.proc.wait(5)
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait(5)
        if child.proc.stdin is not None:
            child.proc.stdin.close()


@pytest.fixture
def pair() -> Iterator[NamespacePair]:
    with NamespacePair() as running:
        yield running
    assert not {running.device_ns, running.client_ns} & namespace_names()


def _camera(name: str, address: str) -> dict[str, Any]:
    main, sub = stream_uris(address, 8554, name.lower())
    return {
        "name": name,
        "address": address,
        "port": 8080,
        "main_stream_uri": main,
        "sub_stream_uri": sub,
    }


def _ip_json(*args: str) -> Any:
    done = subprocess.run(["ip", "-j", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_pair_is_set_up_as_peers_md_says_and_removed_on_stop() -> None:
    with NamespacePair() as pair:
        assert {pair.device_ns, pair.client_ns} <= namespace_names()
        assert max(len(pair.device_interface), len(pair.client_interface)) <= 15
        host_links = {link["ifname"] for link in _ip_json("link", "show")}
        assert not {pair.device_interface, pair.client_interface} & host_links
        assert pair.add_device_addresses(2) == [f"{pair.network}.10", f"{pair.network}.11"]
        assert pair.add_device_addresses(1) == [f"{pair.network}.12"]
        for ns, interface, addresses in (
            (pair.device_ns, pair.device_interface, [pair.device_address, *pair.extra_addresses]),
            (pair.client_ns, pair.client_interface, [pair.client_address]),
        ):
            [link] = _ip_json("-n", ns, "addr", "show", "dev", interface)
            assert "UP" in link["flags"]
            assert [a["local"] for a in link["addr_info"] if a["family"] == "inet"] == addresses
            assert {a["prefixlen"] for a in link["addr_info"] if a["family"] == "inet"} == {24}
            [lo] = _ip_json("-n", ns, "link", "show", "lo")
            assert "UP" in lo["flags"]
            [route] = _ip_json("-n", ns, "route", "show", "224.0.0.0/4")
            assert route["dev"] == interface
    assert not {pair.device_ns, pair.client_ns} & namespace_names()
    pair.stop()  # again: nothing left to do


def _raise_inside(pair: NamespacePair) -> None:
    with pair:
        assert {pair.device_ns, pair.client_ns} <= namespace_names()
        raise RuntimeError("inside the block")


def test_the_namespaces_go_even_when_the_block_raises() -> None:
    pair = NamespacePair()
    with pytest.raises(RuntimeError, match="inside"):
        _raise_inside(pair)
    assert not {pair.device_ns, pair.client_ns} & namespace_names()


def test_a_failure_half_way_removes_what_was_made_and_nothing_else() -> None:
    pair = NamespacePair()
    # Somebody else's namespace already has the client name: creation fails after the device
    # namespace exists.
    subprocess.run(["ip", "netns", "add", pair.client_ns], check=True)
    try:
        with pytest.raises(NamespaceError, match="netns add") as caught:
            pair.start()
        assert pair.client_ns in caught.value.message
        names = namespace_names()
        assert pair.device_ns not in names
        assert pair.client_ns in names  # not ours to delete
        assert not pair.running
    finally:
        subprocess.run(["ip", "netns", "del", pair.client_ns], check=True)


def test_wsdiscovery_in_the_client_namespace_finds_the_cameras_by_multicast(
    pair: NamespacePair,
) -> None:
    names = ["Stora torget", "Resecentrum", "Trädgårdstorget"]
    cameras = [_camera(n, a) for n, a in zip(names, pair.add_device_addresses(3), strict=True)]
    with _child(pair, pair.device_ns, _RESPONDERS, json.dumps(cameras)) as responders:
        responders.expect("ready")
        with _child(pair, pair.client_ns, _SEARCH, *NVT) as search:
            found = json.loads(search.expect("found "))
            assert json.loads(search.expect("printers ")) == []
            assert search.proc.wait(10) == 0
        assert responders.finish() == 0
        answered = json.loads(responders.expect("answered "))
    by_name = {
        unquote(scope.rpartition("/")[2]): service
        for service in found
        for scope in service["scopes"]
        if "/name/" in scope
    }
    assert sorted(by_name) == sorted(names)
    for camera in cameras:
        config = DeviceConfig(**camera)
        service = by_name[camera["name"]]
        assert service["xaddrs"] == [f"http://{camera['address']}:8080/onvif/device_service"]
        assert service["epr"] == f"urn:uuid:{config.endpoint_uuid}"
    # wsdiscovery sends each multicast Probe up to four times: each camera answered the
    # NetworkVideoTransmitter Probe once and the Printer Probe not at all.
    assert answered == {c["address"]: 1 for c in cameras}


def test_hello_on_start_and_bye_on_stop_reach_the_client_namespace(pair: NamespacePair) -> None:
    [address] = pair.add_device_addresses(1)
    camera = _camera("Stora torget", address)
    config = DeviceConfig(**camera)
    with _child(pair, pair.client_ns, _LISTENER, pair.client_address) as listener:
        listener.expect("ready")
        with _child(pair, pair.device_ns, _RESPONDERS, json.dumps([camera])) as responders:
            responders.expect("ready")
            hello = json.loads(listener.expect("datagram "))
            assert responders.finish() == 0
            bye = json.loads(listener.expect("datagram "))
    assert hello["peer"] == bye["peer"] == address
    hello_env = parseSOAPMessage(base64.b64decode(hello["data"]), hello["peer"])
    bye_env = parseSOAPMessage(base64.b64decode(bye["data"]), bye["peer"])
    assert hello_env.getAction() == ACTION_HELLO
    assert bye_env.getAction() == ACTION_BYE
    assert hello_env.getEPR() == bye_env.getEPR() == f"urn:uuid:{config.endpoint_uuid}"
    assert hello_env.getXAddrs() == [config.device_xaddr]
    assert hello_env.getMetadataVersion() == "1"
    assert {(t.getNamespace(), t.getLocalname()) for t in hello_env.getTypes()} >= {NVT}
    scopes = [s.getValue() for s in hello_env.getScopes()]
    assert [unquote(s.rpartition("/")[2]) for s in scopes if "/name/" in s] == ["Stora torget"]
    assert hello_env.getInstanceId() == bye_env.getInstanceId() == "1"
    assert (hello_env.getMessageNumber(), bye_env.getMessageNumber()) == ("1", "2")
