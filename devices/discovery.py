"""Finding ONVIF cameras: WS-Discovery by multicast, an address-range scan, and manual entries.

Three ways, one result type (console.camera_facts.DiscoveredDevice):

- `probe_multicast`: a WS-Discovery (2005/04) Probe for dn:NetworkVideoTransmitter sent to
  239.255.255.250:3702 out of one chosen interface (or each interface that is up), re-sent
  within the window, every answer reported the moment it arrives.
- `scan_range`: for networks where multicast does not reach the cameras (routed VLANs, switches
  filtering multicast): each address of a range gets a unicast Probe on UDP 3702 and an
  unauthenticated GetSystemDateAndTime on its device service; either answer counts.
- `manual_device`: a host and port typed in by the technician.

Every function blocks its caller until done (or until `cancel` is set): run them on a worker
thread, never on the GUI thread and never on the device loop. `on_found` and `on_progress` are
called on the caller's thread, except by `scan_range`, which runs on the device loop and calls
them there. Answers are untrusted and parsed with devices/xml_safety.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import ipaddress
import json
import re
import selectors
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from console.camera_facts import DiscoveredDevice, DiscoverySource
from console.errors import N_, InvalidInput, KnownError
from console.runtime import DeviceLoop
from devices.xml_safety import UnsafeXml, parse_untrusted

DISCOVERY_PORT = 3702
MULTICAST_GROUP = "239.255.255.250"
#: A datagram, or an HTTP answer, larger than this is refused unread. No ProbeMatch or
#: GetSystemDateAndTime answer comes near it; the largest UDP payload is 65 507 bytes.
MAX_MESSAGE_BYTES = 64 * 1024
#: When (seconds after the start) the multicast Probe goes out. A lost datagram is the usual
#: reason a camera is "not found"; three sends spread over the first second cover a burst of
#: loss without flooding, and leave two seconds of a 3 s window for slow answers.
MULTICAST_SENDS_AT = (0.0, 0.3, 1.0)
#: One hop: the Probe stays on the chosen interface's own network. Beyond a router, the range
#: scan is the way (multicast routing of 239.255.255.250 is rare and usually a mistake).
MULTICAST_TTL = 1
#: A unicast Probe is sent once more after this long without an answer (SOAP-over-UDP sends a
#: unicast message twice); a camera on the same network answers within milliseconds.
UNICAST_RESEND_S = 0.25
#: How often a blocking wait looks at the cancel event: the longest a cancel goes unnoticed.
CANCEL_POLL_S = 0.05
#: A range larger than a /20 is almost certainly a typing error, and would take minutes.
MAX_RANGE = 4096
_HTTP_HEAD_LIMIT = 16 * 1024
#: Linux's IP_RECVERR (<linux/in.h>), which Python's socket module does not name.
_IP_RECVERR = getattr(socket, "IP_RECVERR", 11)

NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
NS_WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
NS_DISCOVERY = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
NS_DN = "http://www.onvif.org/ver10/network/wsdl"
NS_TDS = "http://www.onvif.org/ver10/device/wsdl"
#: Clark notation, as DiscoveredDevice.types holds types whose prefix the answer declared.
NETWORK_VIDEO_TRANSMITTER = f"{{{NS_DN}}}NetworkVideoTransmitter"
ACTION_PROBE = f"{NS_DISCOVERY}/Probe"
DISCOVERY_URN = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
#: Elements that describe a device: the answer to a Probe (standard inside <ProbeMatches>, bare
#: from ipycam), the answer to a Resolve, and the announcement a device sends when it starts.
_DESCRIPTIONS = frozenset({"ProbeMatch", "ResolveMatch", "Hello"})
_ONVIF_NAMESPACE_PREFIX = "http://www.onvif.org/"

_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)

_NOT_A_RANGE = N_(
    "“{text}” is not an address range. Write FIRST-LAST, such as 192.168.1.10-192.168.1.60 "
    "or 192.168.1.10-60, or a network such as 192.168.1.0/24."
)
_ONLY_IPV4 = N_("Only IPv4 addresses can be scanned, not {text}.")
_BACKWARDS = N_("The range {first}-{last} runs backwards: the first address comes after the last.")
_TOO_LARGE = N_(
    "The range {text} holds {count} addresses; at most {limit} can be scanned at once. "
    "Split it into smaller ranges."
)
_NOT_UNICAST = N_(
    "{address} cannot be scanned: it is not the address of a single device "
    "(multicast, broadcast or reserved)."
)
_NOT_A_HOST = N_("“{host}” is neither a host name nor an IP address.")
_BAD_PORT = N_("The port must be a number from 1 to 65535, not {port}.")
_NO_INTERFACE = N_(
    "No network interface is up, so there is nowhere to search for cameras. "
    "Connect the network, or add the cameras by address."
)
_NO_INTERFACE_LIST = N_("Cannot list the network interfaces: {detail}")
_CANNOT_PROBE = N_("Cannot search for cameras through {interface} ({address}): {detail}")


class InvalidAddress(InvalidInput):
    """A range, host or port typed in by the technician cannot be used."""


class DiscoveryFailed(KnownError):
    """The search could not be sent at all (no interface, or the interface refused it)."""


# -- interfaces ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interface:
    """One IPv4 address of a network interface that is up."""

    name: str
    address: str
    prefix: int

    @property
    def loopback(self) -> bool:
        return ipaddress.IPv4Address(self.address).is_loopback

    @property
    def network(self) -> str:
        """The interface's network in CIDR form ("192.168.1.0/24"), a range to offer for a scan."""
        return str(ipaddress.IPv4Interface(f"{self.address}/{self.prefix}").network)


def interfaces() -> list[Interface]:
    """The IPv4 interfaces that are up, loopback last (one entry per address).

    From `ip -j -4 addr`, which also lists secondary addresses; where iproute2 is missing, from
    the kernel's socket ioctls (primary addresses only).
    """
    found: list[Interface] | None = None
    if shutil.which("ip") is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError, ValueError, KeyError):
            found = _interfaces_from_ip()
    if found is None:
        try:
            found = _interfaces_from_ioctl()
        except OSError as err:
            raise DiscoveryFailed(_NO_INTERFACE_LIST, detail=err.strerror or str(err)) from err
    # sorted() is stable: the kernel's order within each group.
    return sorted(found, key=lambda interface: interface.loopback)


def _interfaces_from_ip() -> list[Interface]:
    done = subprocess.run(
        ["ip", "-j", "-4", "addr", "show"],
        capture_output=True,
        text=True,
        timeout=5,
        check=True,
    )
    found = []
    for link in json.loads(done.stdout or "[]"):
        if "UP" not in link.get("flags", ()):
            continue
        for info in link.get("addr_info", ()):
            if info.get("family") == "inet" and "local" in info:
                found.append(Interface(link["ifname"], info["local"], int(info["prefixlen"])))
    return found


_SIOCGIFFLAGS = 0x8913
_SIOCGIFADDR = 0x8915
_SIOCGIFNETMASK = 0x891B
_IFF_UP = 0x1


def _interfaces_from_ioctl() -> list[Interface]:
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in socket.if_nameindex():
            request = struct.pack("16s24x", name.encode()[:15])
            try:
                flags = struct.unpack_from("H", fcntl.ioctl(sock, _SIOCGIFFLAGS, request), 16)[0]
                if not flags & _IFF_UP:
                    continue
                # struct ifreq: the name, then a sockaddr_in whose address starts at byte 20.
                address = fcntl.ioctl(sock, _SIOCGIFADDR, request)[20:24]
                netmask = fcntl.ioctl(sock, _SIOCGIFNETMASK, request)[20:24]
            except OSError:  # EADDRNOTAVAIL: the interface has no IPv4 address
                continue
            prefix = bin(int.from_bytes(netmask, "big")).count("1")
            found.append(Interface(name, socket.inet_ntoa(address), prefix))
    return found


# -- parsing answers -----------------------------------------------------------------------------


def parse_probe_matches(
    data: bytes,
    sender: str,
    fallback_port: int = 80,
    *,
    relates_to: str | None = None,
    probed: str | None = None,
) -> list[DiscoveredDevice]:
    """The devices described in one WS-Discovery datagram from `sender` ([] if none).

    Lenient about form: ProbeMatch elements with or without the <ProbeMatches> wrapper (ipycam
    sends them bare), ResolveMatch and Hello, the 2005/04 or the 2009/01 namespace, any
    whitespace, several XAddrs. Strict about safety: over MAX_MESSAGE_BYTES, a DTD, entities or
    malformed XML give [] (never an exception: anybody on the network can send a datagram).
    Answers that list types but no ONVIF type (printers, computers) are left out.

    The address is always the sender's (`answered_from` too), the port that of the first XAddr
    naming the sender, else of the first XAddr; without XAddrs, `fallback_port`, where ONVIF
    puts the device service. XAddrs naming another host are kept as reported and flagged
    (DiscoveredDevice.address_mismatch): a device may report a stale or a copied address, and
    only the sender is known to be the device that answered.

    With `relates_to` (the MessageID of a unicast Probe sent to `probed`), only an answer to
    that Probe counts: one whose RelatesTo names it, from whatever address and port, or one
    without a RelatesTo (some devices leave it out) from `probed` itself.
    """
    try:
        root = parse_untrusted(data, MAX_MESSAGE_BYTES)
    except UnsafeXml:
        return []
    if _qname(root) not in ((NS_SOAP12, "Envelope"), (NS_SOAP11, "Envelope")):
        return []
    if relates_to is not None:
        header = _child(root, "Header")
        related = "" if header is None else " ".join(_words(_child(header, "RelatesTo")))
        if related != relates_to and (related or sender != probed):
            return []
    body = _child(root, "Body")
    if body is None:
        return []
    devices = []
    for element in body.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in _DESCRIPTIONS:
            device = _describe(element, sender, fallback_port)
            if device is not None:
                devices.append(device)
    return devices


def _qname(element: Any) -> tuple[str | None, str]:
    if not isinstance(element.tag, str):
        return None, ""
    qname = etree.QName(element)
    return qname.namespace, qname.localname


def _child(element: Any, localname: str) -> Any:
    """The first child element called `localname`, in whatever namespace (None if none)."""
    for child in element:
        if _qname(child)[1] == localname:
            return child
    return None


def _words(element: Any) -> list[str]:
    return [] if element is None else "".join(element.itertext()).split()


def _describe(element: Any, sender: str, fallback_port: int) -> DiscoveredDevice | None:
    types = tuple(_expand_type(element, word) for word in _words(_child(element, "Types")))
    if types and not any(_is_onvif_type(t) for t in types):
        return None
    endpoint = ""
    reference = _child(element, "EndpointReference")
    if reference is not None:
        endpoint = " ".join(_words(_child(reference, "Address")))
    scopes = tuple(_words(_child(element, "Scopes")))
    located = [
        (xaddr, where)
        for xaddr in _words(_child(element, "XAddrs"))
        if (where := _host_port(xaddr, fallback_port)) is not None
    ]
    if located:
        # A camera may list an IPv6 or a second network's address first: the one it answered
        # from is the one known to be reachable from here. One that names no XAddr on the
        # sender is still taken at the sender (its port assumed from the first XAddr): an
        # answer naming another host must not send the technician, or the login, there.
        _, port = next((w for _, w in located if w[0] == sender), located[0][1])
        xaddrs = tuple(xaddr for xaddr, _ in located)
    else:
        port = fallback_port
        host = f"[{sender}]" if ":" in sender else sender
        xaddrs = (f"http://{host}:{fallback_port}/onvif/device_service",)
    return DiscoveredDevice(
        address=sender,
        port=port,
        xaddrs=xaddrs,
        endpoint=endpoint,
        scopes=scopes,
        types=types,
        answered_from=sender,
    )


def _expand_type(element: Any, word: str) -> str:
    """A QName such as dn:NetworkVideoTransmitter in Clark notation, if its prefix is declared."""
    prefix, _, local = word.rpartition(":")
    types_element = _child(element, "Types")
    namespace = types_element.nsmap.get(prefix or None) if types_element is not None else None
    return f"{{{namespace}}}{local}" if namespace else word


def _is_onvif_type(kind: str) -> bool:
    return kind.endswith("NetworkVideoTransmitter") or kind.startswith(
        "{" + _ONVIF_NAMESPACE_PREFIX
    )


def _host_port(url: str, default: int = 80) -> tuple[str, int] | None:
    """(host, port) of an http(s) URL, or None if it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if port is None:
        port = 443 if parts.scheme.lower() == "https" else default
    return parts.hostname, port


def _probe_message(message_id: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{NS_SOAP12}" xmlns:a="{NS_WSA}" xmlns:d="{NS_DISCOVERY}"'
        f' xmlns:dn="{NS_DN}">'
        "<s:Header>"
        f"<a:MessageID>{message_id}</a:MessageID>"
        f"<a:To>{DISCOVERY_URN}</a:To>"
        f"<a:Action>{ACTION_PROBE}</a:Action>"
        "</s:Header>"
        "<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>"
        "</s:Envelope>"
    ).encode()


# -- multicast -----------------------------------------------------------------------------------


def probe_multicast(
    interface: Interface | None = None,
    *,
    window: float = 3.0,
    on_found: Callable[[DiscoveredDevice], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[DiscoveredDevice]:
    """Multicast a Probe for cameras out of `interface` (None: every non-loopback interface that
    is up) and collect the answers for `window` seconds, or until `cancel` is set.

    Each new device (by DiscoveredDevice.key) goes to `on_found` as soon as its answer arrives.
    The re-sends at MULTICAST_SENDS_AT carry the same MessageID, as SOAP-over-UDP requires of a
    retransmission: a conforming camera then answers once however many copies reach it, so a
    site of fifty cameras sends fifty answers rather than a hundred and fifty at once; a camera
    that answers every copy (ipycam does) is listed once all the same.

    Only answers to the Probe are heard (the socket does not join the group, so Hello
    announcements are not collected).
    """
    if interface is not None:
        chosen = [interface]
    else:
        by_name: dict[str, Interface] = {}
        for candidate in interfaces():
            if not candidate.loopback:
                by_name.setdefault(candidate.name, candidate)
        chosen = list(by_name.values())
        if not chosen:
            raise DiscoveryFailed(_NO_INTERFACE)
    with _MulticastProbe(chosen, on_found) as probe:
        probe.run(window, cancel)
        return probe.found()


class _MulticastProbe:
    def __init__(
        self, chosen: list[Interface], on_found: Callable[[DiscoveredDevice], None] | None
    ) -> None:
        self._on_found = on_found
        self._found: dict[str, DiscoveredDevice] = {}
        self._message = _probe_message(uuid.uuid4().urn)
        self._sockets: list[tuple[socket.socket, Interface]] = []
        self._selector = selectors.DefaultSelector()
        failures: list[tuple[Interface, OSError]] = []
        for interface in chosen:
            try:
                sock = _multicast_socket(interface)
            except OSError as err:
                failures.append((interface, err))
                continue
            self._sockets.append((sock, interface))
            self._selector.register(sock, selectors.EVENT_READ, interface)
        if not self._sockets:
            self.close()
            _raise_probe_failure(failures)

    def __enter__(self) -> _MulticastProbe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._selector.close()
        for sock, _ in self._sockets:
            sock.close()
        self._sockets.clear()

    def found(self) -> list[DiscoveredDevice]:
        return list(self._found.values())

    def run(self, window: float, cancel: threading.Event | None) -> None:
        start = time.monotonic()
        deadline = start + window
        sends = [start + at for at in MULTICAST_SENDS_AT if at < window] or [start]
        first = True
        while cancel is None or not cancel.is_set():
            now = time.monotonic()
            while sends and sends[0] <= now:
                sends.pop(0)
                self._send(must_reach_one=first)
                first = False
            if now >= deadline:
                return
            wake = min(deadline, sends[0]) if sends else deadline
            wait = wake - now if cancel is None else min(wake - now, CANCEL_POLL_S)
            for key, _ in self._selector.select(max(wait, 0.0)):
                assert isinstance(key.fileobj, socket.socket)
                self._drain(key.fileobj, key.data)

    def _send(self, must_reach_one: bool) -> None:
        """The Probe out of every interface; a failed later send is like a lost datagram."""
        failures = []
        for sock, interface in self._sockets:
            try:
                sock.sendto(self._message, (MULTICAST_GROUP, DISCOVERY_PORT))
            except OSError as err:
                failures.append((interface, err))
        if must_reach_one and len(failures) == len(self._sockets):
            _raise_probe_failure(failures)

    def _drain(self, sock: socket.socket, interface: Interface) -> None:
        while True:
            try:
                data, peer = sock.recvfrom(MAX_MESSAGE_BYTES + 1)
            except OSError:  # drained (BlockingIOError), or an ICMP error queued on the socket
                return
            for device in parse_probe_matches(data, peer[0]):
                self._add(replace(device, interface=interface.name))

    def _add(self, device: DiscoveredDevice) -> None:
        if device.key in self._found:
            return
        self._found[device.key] = device
        if self._on_found is not None:
            self._on_found(device)


def _multicast_socket(interface: Interface) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setblocking(False)
        # Out of the chosen interface, not wherever the routing table sends 239.0.0.0/8.
        sock.setsockopt(
            socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface.address)
        )
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MULTICAST_TTL)
        # Bound to the interface's address: the unicast answers come back through it.
        sock.bind((interface.address, 0))
    except OSError:
        sock.close()
        raise
    return sock


def _raise_probe_failure(failures: list[tuple[Interface, OSError]]) -> None:
    interface, err = failures[0]
    raise DiscoveryFailed(
        _CANNOT_PROBE,
        interface=interface.name,
        address=interface.address,
        detail=err.strerror or str(err),
    ) from err


# -- address ranges ------------------------------------------------------------------------------


def parse_range(text: str) -> list[str]:
    """The addresses of "FIRST-LAST" (192.168.1.10-192.168.1.60, or 192.168.1.10-60), of a
    network in CIDR form (its hosts: 10.0.0.0/24 gives .1 to .254) or of a single address.

    InvalidAddress for anything else, IPv6, a range that runs backwards, one of more than
    MAX_RANGE addresses, or one that touches multicast, broadcast or reserved addresses.
    """
    cleaned = text.strip()
    if "/" in cleaned:
        hosts = _network_hosts(cleaned)
    elif "-" in cleaned:
        first_text, _, last_text = (part.strip() for part in cleaned.partition("-"))
        first = _ipv4(first_text, cleaned)
        if last_text.isdigit() and int(last_text) <= 255:
            last = ipaddress.IPv4Address((int(first) & 0xFFFFFF00) | int(last_text))
        else:
            last = _ipv4(last_text, cleaned)
        if last < first:
            raise InvalidAddress(_BACKWARDS, first=str(first), last=str(last))
        count = int(last) - int(first) + 1
        if count > MAX_RANGE:
            raise InvalidAddress(_TOO_LARGE, text=cleaned, count=count, limit=MAX_RANGE)
        hosts = (ipaddress.IPv4Address(n) for n in range(int(first), int(last) + 1))
    else:
        hosts = iter([_ipv4(cleaned, cleaned)])
    return _scannable([str(host) for host in hosts])


def _network_hosts(text: str) -> Iterator[ipaddress.IPv4Address]:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as err:
        raise InvalidAddress(_NOT_A_RANGE, text=text) from err
    if not isinstance(network, ipaddress.IPv4Network):
        raise InvalidAddress(_ONLY_IPV4, text=text)
    count = network.num_addresses - 2 if network.prefixlen < 31 else network.num_addresses
    if count > MAX_RANGE:
        raise InvalidAddress(_TOO_LARGE, text=text, count=count, limit=MAX_RANGE)
    return iter(network.hosts())


def _ipv4(text: str, whole: str) -> ipaddress.IPv4Address:
    try:
        address = ipaddress.ip_address(text)
    except ValueError as err:
        raise InvalidAddress(_NOT_A_RANGE, text=whole) from err
    if not isinstance(address, ipaddress.IPv4Address):
        raise InvalidAddress(_ONLY_IPV4, text=whole)
    return address


def _scannable(addresses: Iterable[str]) -> list[str]:
    """The addresses, if each is one device's IPv4 address. A unicast Probe sent to a multicast
    or broadcast address would be a multicast after all, out of whatever interface."""
    checked = []
    for text in addresses:
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError as err:
            raise InvalidAddress(_NOT_UNICAST, address=text) from err
        if address.is_multicast or address.is_reserved or address.is_unspecified:
            raise InvalidAddress(_NOT_UNICAST, address=text)
        if int(address) >> 24 == 0:  # 0.0.0.0/8 means "this network", not a device
            raise InvalidAddress(_NOT_UNICAST, address=text)
        checked.append(text)
    return checked


def scan_range(
    loop: DeviceLoop,
    addresses: Sequence[str],
    *,
    onvif_port: int = 80,
    ports: Sequence[int] = (80, 8080),
    timeout: float = 1.5,
    concurrency: int = 64,
    on_found: Callable[[DiscoveredDevice], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    discovery_port: int = DISCOVERY_PORT,
) -> list[DiscoveredDevice]:
    """Look for ONVIF devices at each of `addresses` (see parse_range); return those found.

    Each address gets, at once, a unicast WS-Discovery Probe on `discovery_port` and an
    unauthenticated GetSystemDateAndTime (which ONVIF requires a device to answer before login)
    at http://address:port/onvif/device_service for `onvif_port` and each of `ports`. It counts
    when either answers within `timeout`: from the Probe's answer with its XAddrs, endpoint and
    scopes (preferred), else with the device-service URLs that answered. `onvif_port` is also
    the port assumed for an answer to the Probe that lists no XAddrs.

    At most `concurrency` addresses are in flight; `on_progress(done, total)` follows each
    address (and starts with (0, total)); `on_found` gets each new device as it is found.
    Setting `cancel` ends the scan within CANCEL_POLL_S and returns what was found so far.

    The scan runs on the device loop `loop` (the caller blocks until it is done) rather than a
    thread pool: an address is up to 1 + len(ports) sockets that mostly wait, so 64 addresses
    in flight are ~200 sockets in one thread instead of as many threads, timeouts are exact, and
    a cancel closes every socket at once instead of waiting for blocked threads to time out.
    `on_found` and `on_progress` are called on the loop's thread: they must not block.
    """
    targets = _scannable(addresses)
    http_ports = tuple(dict.fromkeys((onvif_port, *ports)))
    for port in (*http_ports, discovery_port):
        _check_port(port)
    scan = _RangeScan(
        targets,
        http_ports=http_ports,
        fallback_port=onvif_port,
        discovery_port=discovery_port,
        timeout=timeout,
        concurrency=max(1, concurrency),
        on_found=on_found,
        on_progress=on_progress,
    )
    loop.run(scan.run_until(cancel))
    return scan.found()


def _check_port(port: object) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InvalidAddress(_BAD_PORT, port=port)
    return port


class _HttpRefused(Exception):
    """The HTTP answer is not one we read: malformed, or larger than MAX_MESSAGE_BYTES."""


@dataclass
class _RangeScan:
    targets: list[str]
    http_ports: tuple[int, ...]
    fallback_port: int
    discovery_port: int
    timeout: float
    concurrency: int
    on_found: Callable[[DiscoveredDevice], None] | None
    on_progress: Callable[[int, int], None] | None

    def __post_init__(self) -> None:
        self._found: dict[str, DiscoveredDevice] = {}
        self._done = 0

    def found(self) -> list[DiscoveredDevice]:
        return list(self._found.values())

    async def run_until(self, cancel: threading.Event | None) -> None:
        task = asyncio.create_task(self.run())
        while not task.done():
            if cancel is not None and cancel.is_set():
                task.cancel()
                break
            await asyncio.wait({task}, timeout=CANCEL_POLL_S if cancel is not None else None)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def run(self) -> None:
        total = len(self.targets)
        if self.on_progress is not None:
            self.on_progress(0, total)
        pending = iter(self.targets)
        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.concurrency, total)):
                group.create_task(self._worker(pending, total))

    async def _worker(self, pending: Iterator[str], total: int) -> None:
        # The workers share one iterator: each address is taken by exactly one of them.
        for address in pending:
            devices = await self._scan(address)
            self._done += 1
            for device in devices:
                if device.key not in self._found:
                    self._found[device.key] = device
                    if self.on_found is not None:
                        self.on_found(device)
            if self.on_progress is not None:
                self.on_progress(self._done, total)

    async def _scan(self, address: str) -> list[DiscoveredDevice]:
        async with asyncio.TaskGroup() as group:
            probe = group.create_task(self._probe(address))
            calls = {p: group.create_task(self._date_and_time(address, p)) for p in self.http_ports}
            devices = await probe
            if devices:
                for call in calls.values():
                    call.cancel()
                return [replace(d, source=DiscoverySource.RANGE) for d in devices]
            answered = [(port, url) for port, call in calls.items() if (url := await call)]
        if not answered:
            return []
        urls = tuple(url for _, url in answered)
        return [DiscoveredDevice(address, answered[0][0], urls, source=DiscoverySource.RANGE)]

    async def _probe(self, address: str) -> list[DiscoveredDevice]:
        """The unicast Probe's answer; [] on silence, refusal (ICMP) or an unusable answer.

        The socket is not connected: devices commonly answer from a port of their own rather
        than from 3702, and a connected socket would have the kernel drop such an answer. The
        answer is recognised by its RelatesTo naming this Probe's MessageID instead.
        """
        loop = asyncio.get_running_loop()
        message_id = uuid.uuid4().urn
        message = _probe_message(message_id)
        target = (address, self.discovery_port)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            if sys.platform == "linux":
                # An unconnected socket hears of a refusal (ICMP port unreachable) only with
                # IP_RECVERR: an address without WS-Discovery then ends the wait at once, as a
                # connected socket did, instead of after the timeout.
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_IP, _IP_RECVERR, 1)
            try:
                await loop.sock_sendto(sock, message, target)
                deadline = loop.time() + self.timeout
                resend_at: float | None = loop.time() + UNICAST_RESEND_S
                while (remaining := deadline - loop.time()) > 0:
                    wait = (
                        remaining if resend_at is None else min(remaining, resend_at - loop.time())
                    )
                    try:
                        async with asyncio.timeout(max(wait, 0.0)):
                            data, peer = await loop.sock_recvfrom(sock, MAX_MESSAGE_BYTES + 1)
                    except TimeoutError:
                        if resend_at is not None and loop.time() >= resend_at:
                            resend_at = None
                            await loop.sock_sendto(sock, message, target)
                        continue
                    devices = parse_probe_matches(
                        data, peer[0], self.fallback_port, relates_to=message_id, probed=address
                    )
                    if devices:
                        return devices
            except OSError:
                return []
        return []

    async def _date_and_time(self, address: str, port: int) -> str | None:
        """The device-service URL if it answers GetSystemDateAndTime as an ONVIF device."""
        url = f"http://{address}:{port}/onvif/device_service"
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = await asyncio.open_connection(address, port)
                try:
                    writer.write(_date_and_time_request(address, port))
                    await writer.drain()
                    body = await _read_http_body(reader)
                finally:
                    writer.close()
                    with contextlib.suppress(OSError):
                        await writer.wait_closed()
        except (OSError, TimeoutError, EOFError, _HttpRefused):
            return None
        return url if _is_onvif_answer(body) else None


_DATE_AND_TIME = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<s:Envelope xmlns:s="{NS_SOAP12}"><s:Body>'
    f'<GetSystemDateAndTime xmlns="{NS_TDS}"/>'
    "</s:Body></s:Envelope>"
).encode()


def _date_and_time_request(address: str, port: int) -> bytes:
    head = (
        "POST /onvif/device_service HTTP/1.1\r\n"
        f"Host: {address}:{port}\r\n"
        "Content-Type: application/soap+xml; charset=utf-8;"
        f' action="{NS_TDS}/GetSystemDateAndTime"\r\n'
        f"Content-Length: {len(_DATE_AND_TIME)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + _DATE_AND_TIME


async def _read_http_body(reader: asyncio.StreamReader) -> bytes:
    """The body of an HTTP/1.x answer, read no further than MAX_MESSAGE_BYTES."""
    data = bytearray()
    while b"\r\n\r\n" not in data:
        chunk = await reader.read(4096)
        if not chunk or len(data) > _HTTP_HEAD_LIMIT:
            raise _HttpRefused("no complete HTTP head")
        data += chunk
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not re.match(r"HTTP/1\.[01] \d{3}", lines[0]):
        raise _HttpRefused("not an HTTP answer")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    length = None if chunked else _content_length(headers.get("content-length"))
    while True:
        if length is not None and len(body) >= length:
            return body[:length]
        if chunked and (whole := _dechunk(body)) is not None:
            return whole
        if len(body) > MAX_MESSAGE_BYTES + 64:
            raise _HttpRefused("answer too large")
        chunk = await reader.read(16384)
        if not chunk:
            if chunked or length is not None:
                raise _HttpRefused("answer cut short")
            return body
        body += chunk


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise _HttpRefused("bad Content-Length")
    if int(value) > MAX_MESSAGE_BYTES:
        raise _HttpRefused("answer too large")
    return int(value)


def _dechunk(data: bytes) -> bytes | None:
    """A chunked body decoded, or None while it is incomplete."""
    out = bytearray()
    position = 0
    while True:
        end = data.find(b"\r\n", position)
        if end < 0:
            return None
        try:
            size = int(data[position:end].split(b";")[0], 16)
        except ValueError as err:
            raise _HttpRefused("bad chunk size") from err
        if size == 0:
            return bytes(out)
        start = end + 2
        if len(data) < start + size + 2:
            return None
        out += data[start : start + size]
        position = start + size + 2


def _is_onvif_answer(body: bytes) -> bool:
    """A SOAP envelope answering GetSystemDateAndTime, or a SOAP fault (a device that wants a
    login even for this call is still an ONVIF device)."""
    try:
        root = parse_untrusted(body, MAX_MESSAGE_BYTES)
    except UnsafeXml:
        return False
    if _qname(root) not in ((NS_SOAP12, "Envelope"), (NS_SOAP11, "Envelope")):
        return False
    answer = _child(root, "Body")
    return answer is not None and any(
        _qname(child)[1] in ("GetSystemDateAndTimeResponse", "Fault") for child in answer
    )


# -- manual entries ------------------------------------------------------------------------------


def manual_device(host: str, port: int = 80) -> DiscoveredDevice:
    """A device the technician names by host (name or IP address) and port."""
    cleaned = host.strip()
    _check_port(port)
    try:
        address = ipaddress.ip_address(cleaned)
    except ValueError:
        if not _HOSTNAME.match(cleaned) or cleaned.replace(".", "").isdigit():
            raise InvalidAddress(_NOT_A_HOST, host=host) from None
        url_host = cleaned
    else:
        cleaned = str(address)
        url_host = f"[{cleaned.replace('%', '%25')}]" if address.version == 6 else cleaned
    return DiscoveredDevice(
        address=cleaned,
        port=port,
        xaddrs=(f"http://{url_host}:{port}/onvif/device_service",),
        source=DiscoverySource.MANUAL,
    )
