"""WS-Discovery (2005/04) for the simulated cameras: a responder per camera address on UDP 3702.

By default each responder binds its camera's own loopback address only (never a multicast group
on the host), sharing the port with other WS-Discovery listeners (see `_share_port`), and
answers a Probe for dn:NetworkVideoTransmitter (or a Probe without types) with a ProbeMatches
sent back to the prober. Range scans thus find the cameras without multicast.

Multicast mode (`multicast=True`) is for cameras inside a network namespace (see
devices/simulator/namespace.py), never on the host: the responder also joins 239.255.255.250:3702
on the interface of its camera's address, answers multicast Probes with a unicast ProbeMatches
from that address, announces itself with a multicast Hello on start and a Bye on stop. Several
cameras in one namespace each receive every multicast Probe (SO_REUSEADDR on a socket bound to
the group). Repeats of a multicast Probe (SOAP-over-UDP sends each up to four times) are answered
once. ProbeMatches go out at once instead of after the random delay of up to 500 ms the standard
asks for: a simulated site on a veth pair has no collisions to spread out.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import uuid
from collections import deque
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from devices.simulator.onvif import DeviceConfig, SoapFault, device_scopes, parse_request

DISCOVERY_PORT = 3702
MULTICAST_GROUP = "239.255.255.250"
MAX_DATAGRAM = 65535
#: Probe MessageIDs remembered to drop repeats of a multicast Probe.
_RECENT_PROBES = 64

NS = {
    "env": "http://www.w3.org/2003/05/soap-envelope",
    "wsa": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "d": "http://schemas.xmlsoap.org/ws/2005/04/discovery",
    "dn": "http://www.onvif.org/ver10/network/wsdl",
    "tds": "http://www.onvif.org/ver10/device/wsdl",
}
ACTION_PROBE = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
ACTION_PROBE_MATCHES = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
ACTION_HELLO = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello"
ACTION_BYE = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Bye"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#: The wsa:To of multicast messages (Hello, Bye, Probe).
DISCOVERY_URN = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
_OUR_TYPES = {(NS["dn"], "NetworkVideoTransmitter"), (NS["tds"], "Device")}


def _scope_matches(probe_scope: str, ours: str) -> bool:
    """RFC 3986 matching (the default MatchBy): same scheme and authority, path segment prefix."""
    a, b = urlsplit(probe_scope), urlsplit(ours)
    if (a.scheme.lower(), a.netloc.lower()) != (b.scheme.lower(), b.netloc.lower()):
        return False
    want = [s for s in a.path.split("/") if s]
    have = [s for s in b.path.split("/") if s]
    return have[: len(want)] == want


def _share_port(sock: socket.socket) -> None:
    """Let the socket bind 3702 beside other WS-Discovery listeners on the machine (another
    device simulator, a discovery tool, a desktop's wsdd), as the protocol expects: 3702 is
    everybody's port. SO_REUSEADDR lets a socket bound to the camera's own address coexist with
    one bound to the wildcard or the group (unicast to the camera's address still comes here:
    the most specific binding wins); SO_REUSEPORT lets two listeners bind the very same
    address, where both ask for it."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


class DiscoveryResponder:
    """Answers unicast Probes on config.address:port (3702 unless a test says otherwise).

    With `multicast=True` (only inside a network namespace) it also answers Probes sent to
    239.255.255.250 on that port, and announces the camera with Hello on start and Bye on stop.
    """

    def __init__(
        self,
        config: DeviceConfig,
        scopes: list[str] | None = None,
        port: int = DISCOVERY_PORT,
        metadata_version: int = 1,
        multicast: bool = False,
    ) -> None:
        self.config = config
        self.scopes = scopes if scopes is not None else device_scopes(config)
        self.port = port
        self.metadata_version = metadata_version
        self.multicast = multicast
        self.instance_id = 1
        self._message_number = 0
        self._sock: socket.socket | None = None
        self._group_sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._recent_probes: deque[str] = deque(maxlen=_RECENT_PROBES)
        self._has_run = False
        self.probes_answered = 0

    def start(self) -> None:
        if self._sock is not None:
            return
        if self._has_run:
            # A restarted endpoint announces a new InstanceId so that clients see the restart.
            self.instance_id += 1
            self._message_number = 0
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            _share_port(sock)
            sock.bind((self.config.address, self.port))
            sock.settimeout(0.2)
            if self.multicast:
                interface = socket.inet_aton(self.config.address)
                # Hello and Bye leave through the camera's own interface, one hop only.
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, interface)
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
                self._group_sock = self._join_group(interface)
        except OSError:
            sock.close()
            raise
        self._sock = sock
        self._has_run = True
        self._stopping.clear()
        if self.multicast:
            # Sent before the thread runs (no race on the MessageNumber); a Probe that a client
            # sends in reaction already finds the sockets bound and waits in their queue.
            self._send_multicast(self._hello())
        self._thread = threading.Thread(
            target=self._serve, name=f"wsd-{self.config.device_slug}", daemon=True
        )
        self._thread.start()

    def _join_group(self, interface: bytes) -> socket.socket:
        """A socket that receives the group's datagrams arriving on the camera's interface."""
        group = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        try:
            # Every camera of the namespace binds the group and port: each gets every Probe
            # (and so does any other WS-Discovery listener there).
            _share_port(group)
            # Bound to the group, not the wildcard, so that unicast to 3702 never lands here.
            group.bind((MULTICAST_GROUP, self.port))
            mreq = socket.inet_aton(MULTICAST_GROUP) + interface
            group.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
            group.settimeout(0.2)
        except OSError:
            group.close()
            raise
        return group

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None and self.multicast:
            self._send_multicast(self._bye())
        for sock in (self._sock, self._group_sock):
            if sock is not None:
                sock.close()
        self._sock = self._group_sock = None
        self._thread = None

    def __enter__(self) -> DiscoveryResponder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _send_multicast(self, message: bytes) -> None:
        assert self._sock is not None
        # A failed send is like a lost datagram: clients still find the camera by probing.
        with contextlib.suppress(OSError):
            self._sock.sendto(message, (MULTICAST_GROUP, self.port))

    def _serve(self) -> None:
        sockets = [s for s in (self._sock, self._group_sock) if s is not None]
        with selectors.DefaultSelector() as selector:
            for sock in sockets:
                selector.register(sock, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select(timeout=0.2):
                    ready = key.fileobj
                    assert isinstance(ready, socket.socket)
                    if not self._receive(ready, from_group=ready is self._group_sock):
                        return

    def _receive(self, sock: socket.socket, from_group: bool) -> bool:
        """Answer one datagram from sock; False once the socket is unusable."""
        try:
            data, peer = sock.recvfrom(MAX_DATAGRAM)
        except TimeoutError:
            return True
        except OSError:
            return False
        message_id = self._probe_id(data)
        if message_id is None:
            return True
        if from_group:
            # SOAP-over-UDP repeats a multicast Probe with the same MessageID: answer it once.
            if message_id in self._recent_probes:
                return True
            self._recent_probes.append(message_id)
        assert self._sock is not None
        try:
            # Always from the camera's own address, also when the Probe came to the group.
            self._sock.sendto(self._probe_matches(message_id), peer)
            self.probes_answered += 1
        except OSError:
            pass
        return True

    def answer(self, data: bytes) -> bytes | None:
        """The ProbeMatches for a matching Probe, None for anything else."""
        message_id = self._probe_id(data)
        return None if message_id is None else self._probe_matches(message_id)

    def _probe_id(self, data: bytes) -> str | None:
        """The MessageID of a Probe that this camera matches, None for anything else."""
        try:
            root = parse_request(data)
        except SoapFault:
            return None
        if root.tag != f"{{{NS['env']}}}Envelope":
            return None
        if (root.findtext("env:Header/wsa:Action", namespaces=NS) or "").strip() != ACTION_PROBE:
            return None
        probe = root.find("env:Body/d:Probe", namespaces=NS)
        message_id = (root.findtext("env:Header/wsa:MessageID", namespaces=NS) or "").strip()
        if probe is None or not message_id or not self._matches(probe):
            return None
        return message_id

    def _matches(self, probe: Any) -> bool:
        types_el = probe.find("d:Types", namespaces=NS)
        if types_el is not None and (types_el.text or "").strip():
            wanted = set()
            for item in (types_el.text or "").split():
                prefix, _, local = item.rpartition(":")
                namespace = types_el.nsmap.get(prefix or None)
                wanted.add((namespace, local))
            if not wanted <= _OUR_TYPES:
                return False
        scopes_el = probe.find("d:Scopes", namespaces=NS)
        if scopes_el is not None and (scopes_el.text or "").strip():
            match_by = scopes_el.get("MatchBy", "")
            if match_by and not match_by.endswith(("rfc3986", "rfc2396")):
                return False
            for scope in (scopes_el.text or "").split():
                if not any(_scope_matches(scope, ours) for ours in self.scopes):
                    return False
        return True

    def _probe_matches(self, relates_to: str) -> bytes:
        return self._envelope(
            ACTION_PROBE_MATCHES,
            ANONYMOUS,
            f"<d:ProbeMatches><d:ProbeMatch>{self._description()}</d:ProbeMatch></d:ProbeMatches>",
            relates_to=relates_to,
        )

    def _hello(self) -> bytes:
        body = f"<d:Hello>{self._description()}</d:Hello>"
        return self._envelope(ACTION_HELLO, DISCOVERY_URN, body)

    def _bye(self) -> bytes:
        """A Bye needs only the endpoint reference: clients forget the endpoint by it."""
        return self._envelope(ACTION_BYE, DISCOVERY_URN, f"<d:Bye>{self._endpoint()}</d:Bye>")

    def _endpoint(self) -> str:
        return (
            f"<wsa:EndpointReference><wsa:Address>urn:uuid:{self.config.endpoint_uuid}"
            "</wsa:Address></wsa:EndpointReference>"
        )

    def _description(self) -> str:
        scopes = " ".join(escape(s) for s in self.scopes)
        return (
            f"{self._endpoint()}"
            "<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
            f"<d:Scopes>{scopes}</d:Scopes>"
            f"<d:XAddrs>{escape(self.config.device_xaddr)}</d:XAddrs>"
            f"<d:MetadataVersion>{self.metadata_version}</d:MetadataVersion>"
        )

    def _envelope(self, action: str, to: str, body: str, relates_to: str | None = None) -> bytes:
        self._message_number += 1
        declarations = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items())
        relates = (
            "" if relates_to is None else f"<wsa:RelatesTo>{escape(relates_to)}</wsa:RelatesTo>"
        )
        text = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope {declarations}>'
            "<env:Header>"
            f"<wsa:MessageID>{uuid.uuid4().urn}</wsa:MessageID>"
            f"{relates}"
            f"<wsa:To>{to}</wsa:To>"
            f"<wsa:Action>{action}</wsa:Action>"
            f'<d:AppSequence InstanceId="{self.instance_id}" '
            f'MessageNumber="{self._message_number}"/>'
            f"</env:Header><env:Body>{body}</env:Body></env:Envelope>"
        )
        return text.encode()
