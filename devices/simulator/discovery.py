"""Unicast WS-Discovery for the simulated cameras: a responder per camera address on UDP 3702.

Each responder binds its camera's own loopback address only (never a multicast group on the
host) and answers a Probe for dn:NetworkVideoTransmitter (or a Probe without types) with a
ProbeMatches sent back to the prober. Range scans thus find the cameras without multicast.
Hello/Bye (namespace mode) are not implemented yet.
"""

from __future__ import annotations

import socket
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from devices.simulator.onvif import DeviceConfig, SoapFault, device_scopes, parse_request

DISCOVERY_PORT = 3702
MAX_DATAGRAM = 65535

NS = {
    "env": "http://www.w3.org/2003/05/soap-envelope",
    "wsa": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "d": "http://schemas.xmlsoap.org/ws/2005/04/discovery",
    "dn": "http://www.onvif.org/ver10/network/wsdl",
    "tds": "http://www.onvif.org/ver10/device/wsdl",
}
ACTION_PROBE = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
ACTION_PROBE_MATCHES = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
_OUR_TYPES = {(NS["dn"], "NetworkVideoTransmitter"), (NS["tds"], "Device")}


def _scope_matches(probe_scope: str, ours: str) -> bool:
    """RFC 3986 matching (the default MatchBy): same scheme and authority, path segment prefix."""
    a, b = urlsplit(probe_scope), urlsplit(ours)
    if (a.scheme.lower(), a.netloc.lower()) != (b.scheme.lower(), b.netloc.lower()):
        return False
    want = [s for s in a.path.split("/") if s]
    have = [s for s in b.path.split("/") if s]
    return have[: len(want)] == want


class DiscoveryResponder:
    """Answers unicast Probes on config.address:port (3702 unless a test says otherwise)."""

    def __init__(
        self,
        config: DeviceConfig,
        scopes: list[str] | None = None,
        port: int = DISCOVERY_PORT,
        metadata_version: int = 1,
    ) -> None:
        self.config = config
        self.scopes = scopes if scopes is not None else device_scopes(config)
        self.port = port
        self.metadata_version = metadata_version
        self.instance_id = 1
        self._message_number = 0
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.probes_answered = 0

    def start(self) -> None:
        if self._sock is not None:
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((self.config.address, self.port))
        sock.settimeout(0.2)
        self._sock = sock
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._serve, name=f"wsd-{self.config.device_slug}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
        self._sock = self._thread = None

    def __enter__(self) -> DiscoveryResponder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        sock = self._sock
        assert sock is not None
        while not self._stopping.is_set():
            try:
                data, peer = sock.recvfrom(MAX_DATAGRAM)
            except TimeoutError:
                continue
            except OSError:
                return
            answer = self.answer(data)
            if answer is not None:
                try:
                    sock.sendto(answer, peer)
                    self.probes_answered += 1
                except OSError:
                    pass

    def answer(self, data: bytes) -> bytes | None:
        """The ProbeMatches for a matching Probe, None for anything else."""
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
        return self._probe_matches(message_id)

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
        self._message_number += 1
        c = self.config
        scopes = " ".join(escape(s) for s in self.scopes)
        declarations = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items())
        text = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope {declarations}>'
            "<env:Header>"
            f"<wsa:MessageID>{uuid.uuid4().urn}</wsa:MessageID>"
            f"<wsa:RelatesTo>{escape(relates_to)}</wsa:RelatesTo>"
            f"<wsa:To>{ANONYMOUS}</wsa:To>"
            f"<wsa:Action>{ACTION_PROBE_MATCHES}</wsa:Action>"
            f'<d:AppSequence InstanceId="{self.instance_id}" '
            f'MessageNumber="{self._message_number}"/>'
            "</env:Header><env:Body><d:ProbeMatches><d:ProbeMatch>"
            f"<wsa:EndpointReference><wsa:Address>urn:uuid:{c.endpoint_uuid}</wsa:Address>"
            "</wsa:EndpointReference>"
            "<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
            f"<d:Scopes>{scopes}</d:Scopes>"
            f"<d:XAddrs>{escape(c.device_xaddr)}</d:XAddrs>"
            f"<d:MetadataVersion>{self.metadata_version}</d:MetadataVersion>"
            "</d:ProbeMatch></d:ProbeMatches></env:Body></env:Envelope>"
        )
        return text.encode()
