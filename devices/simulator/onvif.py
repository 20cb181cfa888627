"""The simulated site's ONVIF cameras: SOAP 1.2 over HTTP on a loopback address of their own.

Each `OnvifDevice` answers the Device, Media, Events (PullPoint), DeviceIO and, if configured,
PTZ services well enough for real ONVIF clients (validated with onvif-zeep-async), checks
WS-UsernameToken digests against its own (possibly drifted) clock and serves a JPEG snapshot.
Fault switches: `offline`, `reject_auth`, `clock_offset_s`, `raise_tamper()`,
`drop_subscriptions()`.

Requests are parsed with a hardened lxml parser (no DTDs, no entities, no network, no huge trees)
and refused above `MAX_REQUEST_BYTES`. Responses are XML text built from templates.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import shutil
import socket
import socketserver
import threading
import time
import unicodedata
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from devices import processes
from devices.xml_safety import DTD_REFUSED, UnsafeXml, parse_untrusted

MAX_REQUEST_BYTES = 64 * 1024
#: How far a UsernameToken's Created may lie from the device's clock.
AUTH_TOLERANCE_S = 300.0
#: The longest a PullMessages waits, whatever Timeout the client asks for.
MAX_PULL_WAIT_S = 60.0
MAX_SUBSCRIPTIONS = 16
MAX_QUEUED_MESSAGES = 1000

NS = {
    "env": "http://www.w3.org/2003/05/soap-envelope",
    "xs": "http://www.w3.org/2001/XMLSchema",
    "tds": "http://www.onvif.org/ver10/device/wsdl",
    "trt": "http://www.onvif.org/ver10/media/wsdl",
    "tt": "http://www.onvif.org/ver10/schema",
    "tev": "http://www.onvif.org/ver10/events/wsdl",
    "wsnt": "http://docs.oasis-open.org/wsn/b-2",
    "wstop": "http://docs.oasis-open.org/wsn/t-1",
    "tns1": "http://www.onvif.org/ver10/topics",
    "tmd": "http://www.onvif.org/ver10/deviceIO/wsdl",
    "tptz": "http://www.onvif.org/ver20/ptz/wsdl",
    "wsa": "http://www.w3.org/2005/08/addressing",
    "ter": "http://www.onvif.org/ver10/error",
    "wsrf-rw": "http://docs.oasis-open.org/wsrf/rw-2",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "wsu": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
}
_NSDECL = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
_DIGEST_TYPE = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
    "#PasswordDigest"
)

#: Event topics (ONVIF topic namespace tns1) with the names of their source and data items.
TOPIC_MOTION = "tns1:VideoSource/MotionAlarm"
TOPIC_TAMPER = "tns1:VideoSource/GlobalSceneChange/ImagingService"
TOPIC_DIGITAL_INPUT = "tns1:Device/Trigger/DigitalInput"
_TOPIC_ITEMS: dict[str, tuple[str, str]] = {
    TOPIC_MOTION: ("Source", "State"),
    TOPIC_TAMPER: ("Source", "State"),
    TOPIC_DIGITAL_INPUT: ("InputToken", "LogicalState"),
}

#: The simulated maker's own topic namespace: events in it have no parser (a generic alarm).
VENDOR_TOPIC_NS = "urn:utkik:simulator:event-topics"
VENDOR_PREFIX = "tnssim"

CAMERA_NAMES = (
    "Stora torget",
    "Trädgårdstorget",
    "Berga centrum",
    "Skäggetorp centrum",
    "Ryds centrum",
    "Resecentrum",
)

VIDEO_SOURCE = "vs0"
DIGITAL_INPUT = "di0"
RELAY_OUTPUT = "relay0"
MAIN_PROFILE = "main"
SUB_PROFILE = "sub"


class SnapshotUnavailable(RuntimeError):
    """No snapshot JPEG was given and ffmpeg cannot make one.

    Not a KnownError yet: its message would need a Swedish translation in utkik_sv.ts."""


def slugify(name: str) -> str:
    """'Skäggetorp centrum' -> 'skaggetorp-centrum'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


@dataclass(frozen=True)
class DeviceConfig:
    """What one simulated camera is. Stream URIs come from whoever runs the RTSP server."""

    name: str
    address: str
    port: int
    main_stream_uri: str
    sub_stream_uri: str = ""
    slug: str = ""
    manufacturer: str = "Utkik simulated"
    model: str = "SimCam 1"
    serial: str = ""
    firmware: str = "1.0.0"
    user: str = "admin"
    password: str = "admin"
    has_sub_stream: bool = True
    has_ptz: bool = False
    clock_offset_s: float = 0.0
    main_resolution: tuple[int, int] = (1920, 1080)
    sub_resolution: tuple[int, int] = (640, 360)

    @property
    def device_slug(self) -> str:
        return self.slug or slugify(self.name)

    @property
    def serial_number(self) -> str:
        return self.serial or f"SIM-{self.device_slug}"

    @property
    def endpoint_uuid(self) -> str:
        """Stable per camera, as a real device's is."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"utkik-sim:{self.serial_number}"))

    @property
    def base_url(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def device_xaddr(self) -> str:
        return f"{self.base_url}/onvif/device_service"


def stream_uris(address: str, rtsp_port: int, slug: str) -> tuple[str, str]:
    """The main and sub stream URIs under the simulated site's RTSP naming."""
    base = f"rtsp://{address}:{rtsp_port}/{slug}"
    return f"{base}/main", f"{base}/sub"


def site_configs(
    rtsp_port: int,
    port: int = 8080,
    count: int = len(CAMERA_NAMES),
    first_address: int = 2,
    ptz_index: int = 0,
    names: tuple[str, ...] = CAMERA_NAMES,
) -> list[DeviceConfig]:
    """One camera per place, each on 127.0.0.<first_address + i>, the first with PTZ."""
    configs = []
    for i in range(count):
        name = names[i % len(names)] if i < len(names) else f"{names[i % len(names)]} {i + 1}"
        address = f"127.0.0.{first_address + i}"
        slug = slugify(name)
        main, sub = stream_uris(address, rtsp_port, slug)
        configs.append(
            DeviceConfig(
                name=name,
                address=address,
                port=port,
                main_stream_uri=main,
                sub_stream_uri=sub,
                slug=slug,
                serial=f"SIM{i + 1:04d}",
                has_ptz=i == ptz_index,
                model="SimCam PTZ" if i == ptz_index else "SimCam 1",
            )
        )
    return configs


def device_scopes(config: DeviceConfig) -> list[str]:
    """The ONVIF scopes a camera reports (GetScopes) and announces (WS-Discovery)."""
    return [
        "onvif://www.onvif.org/type/video_encoder",
        "onvif://www.onvif.org/Profile/Streaming",
        f"onvif://www.onvif.org/name/{_scope_text(config.name)}",
        f"onvif://www.onvif.org/location/{_scope_text(config.name)}",
        f"onvif://www.onvif.org/hardware/{_scope_text(config.model)}",
    ]


@cache
def default_jpeg() -> bytes:
    """A small real JPEG (a test pattern), made once with the ffmpeg CLI."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SnapshotUnavailable("ffmpeg is not installed: run installer/setup.sh.")
    args = [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x180:rate=1",
        "-frames:v",
        "1",
        "-f",
        "mjpeg",
        "-",
    ]
    result = processes.run(
        [ffmpeg, *args],
        capture_output=True,
        check=False,
        timeout=30,
    )
    if result.returncode != 0 or not result.stdout.startswith(b"\xff\xd8"):
        reason = result.stderr.decode(errors="replace").strip()
        raise SnapshotUnavailable(f"ffmpeg could not make a snapshot image ({reason}).")
    return bytes(result.stdout)


# ---------------------------------------------------------------------------------------------
# Small helpers


class SoapFault(Exception):
    """Answered as a SOAP 1.2 fault."""

    def __init__(
        self, code: str, subcodes: tuple[str, ...], reason: str, http_status: int = 400
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.subcodes = subcodes
        self.reason = reason
        self.http_status = http_status

    def xml(self) -> str:
        sub = ""
        for subcode in reversed(self.subcodes):
            sub = f"<env:Subcode><env:Value>{subcode}</env:Value>{sub}</env:Subcode>"
        return (
            f"<env:Fault><env:Code><env:Value>{self.code}</env:Value>{sub}</env:Code>"
            f'<env:Reason><env:Text xml:lang="en">{escape(self.reason)}</env:Text></env:Reason>'
            "</env:Fault>"
        )


def _invalid(subcode: str, reason: str) -> SoapFault:
    return SoapFault("env:Sender", ("ter:InvalidArgVal", subcode), reason)


def _not_supported(reason: str) -> SoapFault:
    return SoapFault("env:Receiver", ("ter:ActionNotSupported",), reason, 500)


def envelope(body: str, header: str = "") -> bytes:
    head = f"<env:Header>{header}</env:Header>" if header else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope {_NSDECL}>{head}'
        f"<env:Body>{body}</env:Body></env:Envelope>"
    ).encode()


def parse_request(data: bytes) -> Any:
    """Parse untrusted XML with the adapters' hardened parser (devices/xml_safety.py): no DTD, no
    entity, no network; the request's size is bounded by the caller."""
    try:
        return parse_untrusted(data, max_bytes=None)
    except UnsafeXml as err:
        text = str(err)
        reason = "DTDs are not accepted" if text == DTD_REFUSED else text[:1].upper() + text[1:]
        raise SoapFault("env:Sender", ("ter:WellFormed",), reason) from err


def xml_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(text: str) -> float:
    """xs:duration to seconds (years as 365 days, months as 30)."""
    match = _DURATION.match(text.strip())
    if match is None or text.strip() in ("P", "PT"):
        raise _invalid("ter:InvalidDuration", f"Not a duration: {text!r}")
    sign, years, months, days, hours, minutes, seconds = match.groups()
    total = sum(
        float(value or 0) * factor
        for value, factor in (
            (years, 365 * 86400),
            (months, 30 * 86400),
            (days, 86400),
            (hours, 3600),
            (minutes, 60),
            (seconds, 1),
        )
    )
    return -total if sign else total


def parse_datetime(text: str) -> datetime:
    value = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as err:
        raise _invalid("ter:InvalidDateTime", f"Not a date and time: {text!r}") from err
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_absolute_or_relative(text: str, now: datetime) -> datetime:
    text = text.strip()
    if text.startswith(("P", "-P")):
        return now + timedelta(seconds=parse_duration(text))
    return parse_datetime(text)


def _q(prefix: str, local: str) -> str:
    return f"{{{NS[prefix]}}}{local}"


def _text(element: Any, path: str, default: str = "") -> str:
    found = element.find(path, namespaces=NS)
    if found is None or found.text is None:
        return default
    return str(found.text).strip()


def _bool(value: bool) -> str:
    return "true" if value else "false"


# ---------------------------------------------------------------------------------------------
# Events


@dataclass
class _Subscription:
    ident: str
    termination: datetime
    queue: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_QUEUED_MESSAGES))


@dataclass
class _PtzState:
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0
    velocity: tuple[float, float, float] = (0.0, 0.0, 0.0)
    since: float = 0.0
    until: float | None = None
    presets: dict[str, tuple[str, float, float, float]] = field(default_factory=dict)


class OnvifDevice:
    """One simulated camera. `start()` binds config.address:config.port; `stop()` ends it."""

    def __init__(
        self,
        config: DeviceConfig,
        snapshot_jpeg: bytes | None = None,
        max_request_bytes: int = MAX_REQUEST_BYTES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.max_request_bytes = max_request_bytes
        self._snapshot = snapshot_jpeg
        self._clock = clock
        # Fault switches (the tests and the simulator flip them at will).
        self.reject_auth = False
        self.clock_offset_s = config.clock_offset_s
        self._offline = False
        self._lock = threading.Lock()
        self._events = threading.Condition(self._lock)
        self._subscriptions: dict[str, _Subscription] = {}
        self._properties: dict[tuple[str, str], tuple[str, datetime]] = {}
        self._relays: dict[str, str] = {RELAY_OUTPUT: "inactive"}
        #: per relay: its mode (Bistable or Monostable) and a monostable relay's delay in seconds
        self._relay_modes: dict[str, tuple[str, float]] = {RELAY_OUTPUT: ("Bistable", 0.0)}
        #: a monostable relay's fall back to idle, while it is active
        self._relay_timers: dict[str, threading.Timer] = {}
        self._ptz = _PtzState(presets={"1": ("Home", 0.0, 0.0, 0.0)})
        self._nonces: deque[str] = deque(maxlen=4096)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        now = self._now()
        for topic in _TOPIC_ITEMS:
            source = DIGITAL_INPUT if topic == TOPIC_DIGITAL_INPUT else VIDEO_SOURCE
            self._properties[(topic, source)] = ("false", now)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            return
        if self._snapshot is None:
            self._snapshot = default_jpeg()
        server = _Server((self.config.address, self.config.port), _Handler)
        server.device = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"onvif-{self.config.device_slug}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        self._drop_connections()
        with self._events:
            self._events.notify_all()
            for timer in self._relay_timers.values():
                timer.cancel()
            self._relay_timers.clear()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> OnvifDevice:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def offline(self) -> bool:
        return self._offline

    @offline.setter
    def offline(self, value: bool) -> None:
        """Offline: the listening socket and every open connection are closed."""
        if value == self._offline:
            return
        self._offline = value
        if value:
            self.stop()
        else:
            self.start()

    def _drop_connections(self) -> None:
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    # -- state the tests look at ----------------------------------------------------------

    def now(self) -> datetime:
        """The device's own clock: the host's plus the configured offset."""
        return self._now()

    def _now(self) -> datetime:
        return self._clock() + timedelta(seconds=self.clock_offset_s)

    def relay_state(self, token: str = RELAY_OUTPUT) -> str:
        with self._lock:
            return self._relays[token]

    def ptz_position(self) -> tuple[float, float, float]:
        with self._lock:
            return self._ptz_position_locked(time.monotonic())

    @property
    def subscription_count(self) -> int:
        with self._lock:
            self._expire_locked()
            return len(self._subscriptions)

    # -- events ---------------------------------------------------------------------------

    def raise_event(self, topic: str, source: str, data: str | bool) -> None:
        """Set a property (e.g. TOPIC_MOTION, "vs0", True) and tell every subscriber."""
        if topic not in _TOPIC_ITEMS:
            raise ValueError(f"unknown topic {topic}")
        value = _bool(data) if isinstance(data, bool) else str(data)
        now = self._now()
        with self._events:
            self._properties[(topic, source)] = (value, now)
            message = self._notification(topic, source, value, now, "Changed")
            self._expire_locked()
            for sub in self._subscriptions.values():
                sub.queue.append(message)
            self._events.notify_all()

    def drop_subscriptions(self) -> None:
        """Forget every event subscription, as a camera does when it restarts: a client's next
        request to its pull point gets a ResourceUnknown fault."""
        with self._events:
            self._subscriptions.clear()
            self._events.notify_all()

    def raise_tamper(self, active: bool = True) -> None:
        self.raise_event(TOPIC_TAMPER, VIDEO_SOURCE, active)

    def raise_vendor_event(self, topic: str, data: dict[str, str]) -> None:
        """A one-off event in the simulated maker's own namespace (e.g. "Lens/HeaterFault",
        sent as `tnssim:Lens/HeaterFault`), which no topic parser knows, to every subscriber."""
        items = "".join(
            f"<tt:SimpleItem Name={quoteattr(name)} Value={quoteattr(value)}/>"
            for name, value in data.items()
        )
        message = _notification_xml(
            f"{VENDOR_PREFIX}:{escape(topic)}",
            f" xmlns:{VENDOR_PREFIX}={quoteattr(VENDOR_TOPIC_NS)}",
            f"<tt:Data>{items}</tt:Data>",
            self._now(),
            "",
        )
        with self._events:
            self._expire_locked()
            for sub in self._subscriptions.values():
                sub.queue.append(message)
            self._events.notify_all()

    def _notification(
        self, topic: str, source: str, value: str, moment: datetime, operation: str
    ) -> str:
        source_name, data_name = _TOPIC_ITEMS[topic]
        items = (
            f"<tt:Source><tt:SimpleItem Name={quoteattr(source_name)} Value={quoteattr(source)}/>"
            f"</tt:Source><tt:Data><tt:SimpleItem Name={quoteattr(data_name)} "
            f"Value={quoteattr(value)}/></tt:Data>"
        )
        return _notification_xml(topic, "", items, moment, operation)

    def _initial_messages_locked(self) -> list[str]:
        return [
            self._notification(topic, source, value, moment, "Initialized")
            for (topic, source), (value, moment) in self._properties.items()
        ]

    def _expire_locked(self) -> None:
        now = self._now()
        for ident in [k for k, s in self._subscriptions.items() if s.termination < now]:
            del self._subscriptions[ident]

    # -- HTTP entry point -------------------------------------------------------------------

    def handle_soap(self, path: str, data: bytes) -> tuple[int, bytes]:
        try:
            root = parse_request(data)
            if root.tag != _q("env", "Envelope"):
                raise SoapFault("env:Sender", ("ter:WellFormed",), "Not a SOAP 1.2 envelope")
            body = root.find("env:Body", namespaces=NS)
            if body is None or len(body) == 0:
                raise SoapFault("env:Sender", ("ter:WellFormed",), "Empty SOAP body")
            request = body[0]
            qname = etree.QName(request)
            operation = self._operations().get((qname.namespace, qname.localname))
            if operation is None:
                raise _not_supported(f"{qname.localname} is not supported")
            if qname.localname != "GetSystemDateAndTime":
                self._authenticate(root.find("env:Header", namespaces=NS))
            return 200, envelope(operation(request, path))
        except SoapFault as fault:
            return fault.http_status, envelope(fault.xml())

    def _authenticate(self, header: Any) -> None:
        token = None
        if header is not None:
            token = header.find("wsse:Security/wsse:UsernameToken", namespaces=NS)
        if token is None or self.reject_auth or not self._token_valid(token):
            raise SoapFault("env:Sender", ("ter:NotAuthorized",), "Sender not Authorized")

    def _token_valid(self, token: Any) -> bool:
        user = _text(token, "wsse:Username")
        password = token.find("wsse:Password", namespaces=NS)
        if password is None or not hmac.compare_digest(user.encode(), self.config.user.encode()):
            return False
        given = (password.text or "").strip()
        if password.get("Type") != _DIGEST_TYPE:  # PasswordText, the WS-Security default
            return hmac.compare_digest(given.encode(), self.config.password.encode())
        nonce_text = _text(token, "wsse:Nonce")
        created = _text(token, "wsu:Created")
        try:
            nonce = base64.b64decode(nonce_text, validate=True)
            moment = parse_datetime(created)
        except (ValueError, SoapFault):
            return False
        expected = base64.b64encode(
            hashlib.sha1(nonce + created.encode() + self.config.password.encode()).digest()
        ).decode()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return False
        if abs((moment - self._now()).total_seconds()) > AUTH_TOLERANCE_S:
            return False
        with self._lock:
            if nonce_text in self._nonces:
                return False  # replayed
            self._nonces.append(nonce_text)
        return True

    def snapshot(self) -> bytes:
        assert self._snapshot is not None  # set by start()
        return self._snapshot

    # -- operations ---------------------------------------------------------------------------

    def _operations(self) -> dict[tuple[str | None, str], Callable[[Any, str], str]]:
        ops: dict[tuple[str | None, str], Callable[[Any, str], str]] = {
            (NS["tds"], "GetSystemDateAndTime"): self._get_system_date_and_time,
            (NS["tds"], "GetDeviceInformation"): self._get_device_information,
            (NS["tds"], "GetServices"): self._get_services,
            (NS["tds"], "GetCapabilities"): self._get_capabilities,
            (NS["tds"], "GetScopes"): self._get_scopes,
            (NS["tds"], "GetRelayOutputs"): self._get_relay_outputs,
            (NS["tds"], "SetRelayOutputState"): self._set_relay_output_state,
            (NS["tds"], "SetRelayOutputSettings"): self._set_relay_output_settings,
            (NS["trt"], "GetProfiles"): self._get_profiles,
            (NS["trt"], "GetProfile"): self._get_profile,
            (NS["trt"], "GetStreamUri"): self._get_stream_uri,
            (NS["trt"], "GetSnapshotUri"): self._get_snapshot_uri,
            (NS["tev"], "GetEventProperties"): self._get_event_properties,
            (NS["tev"], "CreatePullPointSubscription"): self._create_pull_point,
            (NS["tev"], "PullMessages"): self._pull_messages,
            (NS["tev"], "SetSynchronizationPoint"): self._set_synchronization_point,
            (NS["wsnt"], "Renew"): self._renew,
            (NS["wsnt"], "Unsubscribe"): self._unsubscribe,
            (NS["tmd"], "GetRelayOutputs"): self._get_relay_outputs,
            (NS["tmd"], "SetRelayOutputState"): self._set_relay_output_state,
            (NS["tmd"], "SetRelayOutputSettings"): self._set_relay_output_settings,
        }
        if self.config.has_ptz:
            ops.update(
                {
                    (NS["tptz"], "ContinuousMove"): self._continuous_move,
                    (NS["tptz"], "Stop"): self._ptz_stop,
                    (NS["tptz"], "GetPresets"): self._get_presets,
                    (NS["tptz"], "GotoPreset"): self._goto_preset,
                    (NS["tptz"], "SetPreset"): self._set_preset,
                    (NS["tptz"], "GetStatus"): self._ptz_get_status,
                }
            )
        return ops

    # Device service

    def _get_system_date_and_time(self, request: Any, path: str) -> str:
        now = self._now().astimezone(UTC)
        return (
            "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
            "<tt:DateTimeType>Manual</tt:DateTimeType>"
            "<tt:DaylightSavings>false</tt:DaylightSavings>"
            "<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>"
            f"<tt:UTCDateTime>{_date_time(now)}</tt:UTCDateTime>"
            f"<tt:LocalDateTime>{_date_time(now)}</tt:LocalDateTime>"
            "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
        )

    def _get_device_information(self, request: Any, path: str) -> str:
        c = self.config
        return (
            "<tds:GetDeviceInformationResponse>"
            f"<tds:Manufacturer>{escape(c.manufacturer)}</tds:Manufacturer>"
            f"<tds:Model>{escape(c.model)}</tds:Model>"
            f"<tds:FirmwareVersion>{escape(c.firmware)}</tds:FirmwareVersion>"
            f"<tds:SerialNumber>{escape(c.serial_number)}</tds:SerialNumber>"
            f"<tds:HardwareId>{escape(c.device_slug)}</tds:HardwareId>"
            "</tds:GetDeviceInformationResponse>"
        )

    def _service_list(self) -> list[tuple[str, str, int, int]]:
        base = self.config.base_url
        services = [
            (NS["tds"], f"{base}/onvif/device_service", 2, 60),
            (NS["trt"], f"{base}/onvif/media_service", 2, 60),
            (NS["tev"], f"{base}/onvif/events_service", 2, 60),
            (NS["tmd"], f"{base}/onvif/deviceio_service", 2, 60),
        ]
        if self.config.has_ptz:
            services.append((NS["tptz"], f"{base}/onvif/ptz_service", 2, 60))
        return services

    def _get_services(self, request: Any, path: str) -> str:
        items = "".join(
            f"<tds:Service><tds:Namespace>{ns}</tds:Namespace><tds:XAddr>{xaddr}</tds:XAddr>"
            f"<tds:Version><tt:Major>{major}</tt:Major><tt:Minor>{minor}</tt:Minor></tds:Version>"
            "</tds:Service>"
            for ns, xaddr, major, minor in self._service_list()
        )
        return f"<tds:GetServicesResponse>{items}</tds:GetServicesResponse>"

    def _get_capabilities(self, request: Any, path: str) -> str:
        base = self.config.base_url
        ptz = (
            f"<tt:PTZ><tt:XAddr>{base}/onvif/ptz_service</tt:XAddr></tt:PTZ>"
            if self.config.has_ptz
            else ""
        )
        return (
            "<tds:GetCapabilitiesResponse><tds:Capabilities>"
            f"<tt:Device><tt:XAddr>{base}/onvif/device_service</tt:XAddr>"
            "<tt:IO><tt:InputConnectors>1</tt:InputConnectors>"
            "<tt:RelayOutputs>1</tt:RelayOutputs></tt:IO></tt:Device>"
            f"<tt:Events><tt:XAddr>{base}/onvif/events_service</tt:XAddr>"
            "<tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport>"
            "<tt:WSPullPointSupport>true</tt:WSPullPointSupport>"
            "<tt:WSPausableSubscriptionManagerInterfaceSupport>false"
            "</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>"
            f"<tt:Media><tt:XAddr>{base}/onvif/media_service</tt:XAddr>"
            "<tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>"
            "<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP>"
            "</tt:StreamingCapabilities></tt:Media>"
            f"{ptz}"
            "<tt:Extension><tt:DeviceIO>"
            f"<tt:XAddr>{base}/onvif/deviceio_service</tt:XAddr>"
            "<tt:VideoSources>1</tt:VideoSources><tt:VideoOutputs>0</tt:VideoOutputs>"
            "<tt:AudioSources>0</tt:AudioSources><tt:AudioOutputs>0</tt:AudioOutputs>"
            "<tt:RelayOutputs>1</tt:RelayOutputs></tt:DeviceIO></tt:Extension>"
            "</tds:Capabilities></tds:GetCapabilitiesResponse>"
        )

    def scopes(self) -> list[str]:
        return device_scopes(self.config)

    def _get_scopes(self, request: Any, path: str) -> str:
        items = "".join(
            f"<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>{escape(scope)}"
            "</tt:ScopeItem></tds:Scopes>"
            for scope in self.scopes()
        )
        return f"<tds:GetScopesResponse>{items}</tds:GetScopesResponse>"

    # Media service

    def _profile_tokens(self) -> list[str]:
        return [MAIN_PROFILE, SUB_PROFILE] if self.config.has_sub_stream else [MAIN_PROFILE]

    def _profile_xml(self, token: str, element: str) -> str:
        c = self.config
        width, height = c.main_resolution if token == MAIN_PROFILE else c.sub_resolution
        bitrate = 4096 if token == MAIN_PROFILE else 512
        ptz = ""
        if c.has_ptz:
            ptz = (
                '<tt:PTZConfiguration token="ptz0"><tt:Name>PTZ</tt:Name>'
                "<tt:UseCount>2</tt:UseCount><tt:NodeToken>ptznode0</tt:NodeToken>"
                "<tt:DefaultContinuousPanTiltVelocitySpace>"
                "http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace"
                "</tt:DefaultContinuousPanTiltVelocitySpace>"
                "<tt:DefaultContinuousZoomVelocitySpace>"
                "http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace"
                "</tt:DefaultContinuousZoomVelocitySpace>"
                "<tt:DefaultPTZTimeout>PT10S</tt:DefaultPTZTimeout></tt:PTZConfiguration>"
            )
        mw, mh = c.main_resolution
        return (
            f'<{element} token="{token}" fixed="true"><tt:Name>{token}</tt:Name>'
            '<tt:VideoSourceConfiguration token="vsc0"><tt:Name>Video source</tt:Name>'
            f"<tt:UseCount>{len(self._profile_tokens())}</tt:UseCount>"
            f"<tt:SourceToken>{VIDEO_SOURCE}</tt:SourceToken>"
            f'<tt:Bounds x="0" y="0" width="{mw}" height="{mh}"/>'
            "</tt:VideoSourceConfiguration>"
            f'<tt:VideoEncoderConfiguration token="vec-{token}"><tt:Name>{token}</tt:Name>'
            "<tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>"
            f"<tt:Resolution><tt:Width>{width}</tt:Width><tt:Height>{height}</tt:Height>"
            "</tt:Resolution><tt:Quality>5</tt:Quality>"
            "<tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit>"
            "<tt:EncodingInterval>1</tt:EncodingInterval>"
            f"<tt:BitrateLimit>{bitrate}</tt:BitrateLimit></tt:RateControl>"
            "<tt:H264><tt:GovLength>50</tt:GovLength><tt:H264Profile>Main</tt:H264Profile>"
            "</tt:H264><tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type>"
            "<tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port>"
            "<tt:TTL>0</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>"
            "<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>"
            f"{ptz}</{element}>"
        )

    def _check_profile(self, request: Any) -> str:
        token = _text(request, "trt:ProfileToken") or _text(request, "tptz:ProfileToken")
        if token not in self._profile_tokens():
            raise _invalid("ter:NoProfile", f"There is no profile {token!r}")
        return token

    def _get_profiles(self, request: Any, path: str) -> str:
        profiles = "".join(self._profile_xml(t, "trt:Profiles") for t in self._profile_tokens())
        return f"<trt:GetProfilesResponse>{profiles}</trt:GetProfilesResponse>"

    def _get_profile(self, request: Any, path: str) -> str:
        token = self._check_profile(request)
        profile = self._profile_xml(token, "trt:Profile")
        return f"<trt:GetProfileResponse>{profile}</trt:GetProfileResponse>"

    @staticmethod
    def _media_uri(element: str, uri: str) -> str:
        return (
            f"<{element}><trt:MediaUri><tt:Uri>{escape(uri)}</tt:Uri>"
            "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>"
            "<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>"
            f"<tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></{element}>"
        )

    def _get_stream_uri(self, request: Any, path: str) -> str:
        token = self._check_profile(request)
        protocol = _text(request, "trt:StreamSetup/tt:Transport/tt:Protocol", "RTSP")
        if protocol not in ("RTSP", "TCP", "UDP"):
            raise _invalid("ter:InvalidStreamSetup", f"Transport {protocol} is not offered")
        uri = self.config.main_stream_uri if token == MAIN_PROFILE else self.config.sub_stream_uri
        return self._media_uri("trt:GetStreamUriResponse", uri)

    def _get_snapshot_uri(self, request: Any, path: str) -> str:
        self._check_profile(request)
        uri = f"{self.config.base_url}/snapshot.jpg"
        return self._media_uri("trt:GetSnapshotUriResponse", uri)

    # Events service

    def _get_event_properties(self, request: Any, path: str) -> str:
        def description(topic: str) -> str:
            source_name, data_name = _TOPIC_ITEMS[topic]
            source_type = "tt:ReferenceToken"
            return (
                '<tt:MessageDescription IsProperty="true"><tt:Source>'
                f'<tt:SimpleItemDescription Name="{source_name}" Type="{source_type}"/>'
                "</tt:Source><tt:Data>"
                f'<tt:SimpleItemDescription Name="{data_name}" Type="xs:boolean"/>'
                "</tt:Data></tt:MessageDescription>"
            )

        return (
            "<tev:GetEventPropertiesResponse>"
            "<tev:TopicNamespaceLocation>"
            "http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation>"
            "<wsnt:FixedTopicSet>true</wsnt:FixedTopicSet>"
            "<wstop:TopicSet>"
            '<tns1:VideoSource><MotionAlarm wstop:topic="true">'
            f"{description(TOPIC_MOTION)}</MotionAlarm>"
            '<GlobalSceneChange><ImagingService wstop:topic="true">'
            f"{description(TOPIC_TAMPER)}</ImagingService></GlobalSceneChange>"
            "</tns1:VideoSource>"
            '<tns1:Device><Trigger><DigitalInput wstop:topic="true">'
            f"{description(TOPIC_DIGITAL_INPUT)}</DigitalInput></Trigger></tns1:Device>"
            "</wstop:TopicSet>"
            "<wsnt:TopicExpressionDialect>"
            "http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet"
            "</wsnt:TopicExpressionDialect>"
            "<wsnt:TopicExpressionDialect>"
            "http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete"
            "</wsnt:TopicExpressionDialect>"
            "<tev:MessageContentFilterDialect>"
            "http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter"
            "</tev:MessageContentFilterDialect>"
            "<tev:MessageContentSchemaLocation>"
            "http://www.onvif.org/onvif/ver10/schema/onvif.xsd"
            "</tev:MessageContentSchemaLocation>"
            "</tev:GetEventPropertiesResponse>"
        )

    def _subscription_url(self, ident: str) -> str:
        return f"{self.config.base_url}/onvif/subscription/{ident}"

    def _create_pull_point(self, request: Any, path: str) -> str:
        now = self._now()
        initial = _text(request, "tev:InitialTerminationTime")
        if initial:
            termination = parse_absolute_or_relative(initial, now)
        else:
            termination = now + timedelta(seconds=60)
        if termination <= now:
            raise SoapFault(
                "env:Sender",
                ("ter:InvalidArgVal", "ter:InvalidTerminationTime"),
                "The termination time lies in the past",
            )
        with self._events:
            self._expire_locked()
            if len(self._subscriptions) >= MAX_SUBSCRIPTIONS:
                raise SoapFault(
                    "env:Receiver",
                    ("ter:Action", "ter:TooManySubscriptions"),
                    "Too many subscriptions",
                    500,
                )
            ident = uuid.uuid4().hex
            sub = _Subscription(ident, termination)
            sub.queue.extend(self._initial_messages_locked())
            self._subscriptions[ident] = sub
        return (
            "<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>"
            f"<wsa:Address>{self._subscription_url(ident)}</wsa:Address>"
            "</tev:SubscriptionReference>"
            f"<wsnt:CurrentTime>{xml_time(now)}</wsnt:CurrentTime>"
            f"<wsnt:TerminationTime>{xml_time(termination)}</wsnt:TerminationTime>"
            "</tev:CreatePullPointSubscriptionResponse>"
        )

    def _subscription_locked(self, path: str) -> _Subscription:
        self._expire_locked()
        prefix = "/onvif/subscription/"
        ident = path[len(prefix) :] if path.startswith(prefix) else ""
        sub = self._subscriptions.get(ident)
        if sub is None:
            raise SoapFault(
                "env:Sender",
                ("ter:InvalidArgVal", "wsrf-rw:ResourceUnknownFault"),
                "There is no such subscription",
            )
        return sub

    def _pull_messages(self, request: Any, path: str) -> str:
        timeout = min(parse_duration(_text(request, "tev:Timeout", "PT0S")), MAX_PULL_WAIT_S)
        try:
            limit = int(_text(request, "tev:MessageLimit", "1"))
        except ValueError as err:
            raise _invalid("ter:InvalidMessageLimit", "MessageLimit is not a number") from err
        if limit < 1:
            raise _invalid("ter:InvalidMessageLimit", "MessageLimit must be at least 1")
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._events:
            sub = self._subscription_locked(path)
            while not sub.queue and self._server is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._events.wait(remaining)
                sub = self._subscription_locked(path)
            messages = [sub.queue.popleft() for _ in range(min(limit, len(sub.queue)))]
            termination = sub.termination
        return (
            "<tev:PullMessagesResponse>"
            f"<tev:CurrentTime>{xml_time(self._now())}</tev:CurrentTime>"
            f"<tev:TerminationTime>{xml_time(termination)}</tev:TerminationTime>"
            f"{''.join(messages)}</tev:PullMessagesResponse>"
        )

    def _set_synchronization_point(self, request: Any, path: str) -> str:
        with self._events:
            subs = (
                [self._subscription_locked(path)]
                if path.startswith("/onvif/subscription/")
                else list(self._subscriptions.values())
            )
            initial = self._initial_messages_locked()
            for sub in subs:
                sub.queue.extend(initial)
            self._events.notify_all()
        return "<tev:SetSynchronizationPointResponse/>"

    def _renew(self, request: Any, path: str) -> str:
        now = self._now()
        text = _text(request, "wsnt:TerminationTime")
        termination = parse_absolute_or_relative(text, now) if text else now + timedelta(seconds=60)
        with self._events:
            sub = self._subscription_locked(path)
            sub.termination = termination
        return (
            f"<wsnt:RenewResponse><wsnt:TerminationTime>{xml_time(termination)}"
            f"</wsnt:TerminationTime><wsnt:CurrentTime>{xml_time(now)}</wsnt:CurrentTime>"
            "</wsnt:RenewResponse>"
        )

    def _unsubscribe(self, request: Any, path: str) -> str:
        with self._events:
            sub = self._subscription_locked(path)
            del self._subscriptions[sub.ident]
            self._events.notify_all()
        return "<wsnt:UnsubscribeResponse/>"

    # DeviceIO

    def _get_relay_outputs(self, request: Any, path: str) -> str:
        prefix = "tds" if etree.QName(request).namespace == NS["tds"] else "tmd"
        with self._lock:
            modes = dict(self._relay_modes)
        items = "".join(
            f'<{prefix}:RelayOutputs token="{token}"><tt:Properties><tt:Mode>{mode}</tt:Mode>'
            f"<tt:DelayTime>PT{delay:g}S</tt:DelayTime><tt:IdleState>open</tt:IdleState>"
            "</tt:Properties></" + prefix + ":RelayOutputs>"
            for token, (mode, delay) in modes.items()
        )
        return f"<{prefix}:GetRelayOutputsResponse>{items}</{prefix}:GetRelayOutputsResponse>"

    def _set_relay_output_state(self, request: Any, path: str) -> str:
        prefix = "tds" if etree.QName(request).namespace == NS["tds"] else "tmd"
        token = _text(request, f"{prefix}:RelayOutputToken")
        state = _text(request, f"{prefix}:LogicalState")
        if state not in ("active", "inactive"):
            raise _invalid("ter:RelayLogicalState", f"Not a relay state: {state!r}")
        with self._lock:
            if token not in self._relays:
                raise _invalid("ter:RelayToken", f"There is no relay output {token!r}")
            self._relays[token] = state
            running = self._relay_timers.pop(token, None)
            if running is not None:
                running.cancel()
            mode, delay = self._relay_modes[token]
            if state == "active" and mode == "Monostable" and delay > 0:
                # A monostable relay goes back to idle by itself after its delay.
                timer = threading.Timer(delay, self._relay_idle, args=(token,))
                timer.daemon = True
                self._relay_timers[token] = timer
                timer.start()
        return f"<{prefix}:SetRelayOutputStateResponse/>"

    def _relay_idle(self, token: str) -> None:
        with self._lock:
            self._relays[token] = "inactive"
            self._relay_timers.pop(token, None)

    def _set_relay_output_settings(self, request: Any, path: str) -> str:
        prefix = "tds" if etree.QName(request).namespace == NS["tds"] else "tmd"
        # The device service names the relay beside its settings; DeviceIO wraps both in a
        # RelayOutput. Either is read in either service, as other makers' clients mix them.
        wrapped = request.find(f"{prefix}:RelayOutput", namespaces=NS)
        if wrapped is not None:
            token = str(wrapped.get("token", "")).strip()
            properties = wrapped.find("tt:Properties", namespaces=NS)
        else:
            token = _text(request, f"{prefix}:RelayOutputToken")
            properties = request.find(f"{prefix}:Properties", namespaces=NS)
        if properties is None:
            raise _invalid("ter:InvalidArgVal", "No relay settings")
        mode = _text(properties, "tt:Mode")
        delay_text = _text(properties, "tt:DelayTime", "PT0S")
        if mode not in ("Bistable", "Monostable"):
            raise _invalid("ter:RelayMode", f"Not a relay mode: {mode!r}")
        delay = parse_duration(delay_text)
        with self._lock:
            if token not in self._relays:
                raise _invalid("ter:RelayToken", f"There is no relay output {token!r}")
            self._relay_modes[token] = (mode, delay)
        return f"<{prefix}:SetRelayOutputSettingsResponse/>"

    # PTZ

    def _ptz_position_locked(self, now: float) -> tuple[float, float, float]:
        state = self._ptz
        end = now if state.until is None else min(now, state.until)
        elapsed = max(0.0, end - state.since)
        vx, vy, vz = state.velocity
        # Generic spaces: -1..1 per axis, full speed crosses half the range per second.
        pan = max(-1.0, min(1.0, state.pan + 0.5 * vx * elapsed))
        tilt = max(-1.0, min(1.0, state.tilt + 0.5 * vy * elapsed))
        zoom = max(0.0, min(1.0, state.zoom + 0.5 * vz * elapsed))
        return pan, tilt, zoom

    def _ptz_settle_locked(self, velocity: tuple[float, float, float], until: float | None) -> None:
        now = time.monotonic()
        state = self._ptz
        state.pan, state.tilt, state.zoom = self._ptz_position_locked(now)
        state.velocity, state.since, state.until = velocity, now, until

    def _continuous_move(self, request: Any, path: str) -> str:
        self._check_profile(request)
        pan_tilt = request.find("tptz:Velocity/tt:PanTilt", namespaces=NS)
        zoom = request.find("tptz:Velocity/tt:Zoom", namespaces=NS)
        try:
            vx = float(pan_tilt.get("x", "0")) if pan_tilt is not None else 0.0
            vy = float(pan_tilt.get("y", "0")) if pan_tilt is not None else 0.0
            vz = float(zoom.get("x", "0")) if zoom is not None else 0.0
        except ValueError as err:
            raise _invalid("ter:InvalidVelocity", "Velocity is not a number") from err
        if any(abs(v) > 1.0 for v in (vx, vy, vz)):
            raise _invalid("ter:InvalidVelocity", "Velocity lies outside -1..1")
        timeout_text = _text(request, "tptz:Timeout")
        timeout = parse_duration(timeout_text) if timeout_text else 10.0
        with self._lock:
            self._ptz_settle_locked((vx, vy, vz), time.monotonic() + timeout)
        return "<tptz:ContinuousMoveResponse/>"

    def _ptz_stop(self, request: Any, path: str) -> str:
        self._check_profile(request)
        with self._lock:
            self._ptz_settle_locked((0.0, 0.0, 0.0), None)
        return "<tptz:StopResponse/>"

    @staticmethod
    def _position_xml(element: str, pan: float, tilt: float, zoom: float) -> str:
        return (
            f'<{element}><tt:PanTilt x="{pan:.4f}" y="{tilt:.4f}" '
            'space="http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace"/>'
            f'<tt:Zoom x="{zoom:.4f}" '
            'space="http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace"/>'
            f"</{element}>"
        )

    def _get_presets(self, request: Any, path: str) -> str:
        self._check_profile(request)
        with self._lock:
            presets = dict(self._ptz.presets)
        items = "".join(
            f'<tptz:Preset token="{escape(token)}"><tt:Name>{escape(name)}</tt:Name>'
            f"{self._position_xml('tt:PTZPosition', pan, tilt, zoom)}</tptz:Preset>"
            for token, (name, pan, tilt, zoom) in presets.items()
        )
        return f"<tptz:GetPresetsResponse>{items}</tptz:GetPresetsResponse>"

    def _goto_preset(self, request: Any, path: str) -> str:
        self._check_profile(request)
        token = _text(request, "tptz:PresetToken")
        with self._lock:
            preset = self._ptz.presets.get(token)
            if preset is None:
                raise _invalid("ter:NoToken", f"There is no preset {token!r}")
            state = self._ptz
            _, state.pan, state.tilt, state.zoom = preset
            state.velocity, state.since, state.until = (0.0, 0.0, 0.0), time.monotonic(), None
        return "<tptz:GotoPresetResponse/>"

    def _set_preset(self, request: Any, path: str) -> str:
        self._check_profile(request)
        name = _text(request, "tptz:PresetName")
        token = _text(request, "tptz:PresetToken")
        with self._lock:
            presets = self._ptz.presets
            if token and token not in presets:
                raise _invalid("ter:NoToken", f"There is no preset {token!r}")
            if not token:
                if len(presets) >= 32:
                    raise SoapFault(
                        "env:Receiver", ("ter:Action", "ter:TooManyPresets"), "Too many presets"
                    )
                token = str(max((int(t) for t in presets if t.isdigit()), default=0) + 1)
            pan, tilt, zoom = self._ptz_position_locked(time.monotonic())
            presets[token] = (name or f"Preset {token}", pan, tilt, zoom)
        return (
            f"<tptz:SetPresetResponse><tptz:PresetToken>{escape(token)}</tptz:PresetToken>"
            "</tptz:SetPresetResponse>"
        )

    def _ptz_get_status(self, request: Any, path: str) -> str:
        self._check_profile(request)
        with self._lock:
            now = time.monotonic()
            pan, tilt, zoom = self._ptz_position_locked(now)
            state = self._ptz
            moving = any(state.velocity) and (state.until is None or now < state.until)
        move = "MOVING" if moving else "IDLE"
        return (
            "<tptz:GetStatusResponse><tptz:PTZStatus>"
            f"{self._position_xml('tt:Position', pan, tilt, zoom)}"
            f"<tt:MoveStatus><tt:PanTilt>{move}</tt:PanTilt><tt:Zoom>{move}</tt:Zoom>"
            f"</tt:MoveStatus><tt:UtcTime>{xml_time(self._now())}</tt:UtcTime>"
            "</tptz:PTZStatus></tptz:GetStatusResponse>"
        )


def _notification_xml(
    topic: str, declarations: str, items: str, moment: datetime, operation: str
) -> str:
    """One wsnt:NotificationMessage; `declarations` are namespace declarations the topic needs
    beyond the envelope's; `operation` is the PropertyOperation of a property ("" for none)."""
    property_operation = f' PropertyOperation="{operation}"' if operation else ""
    return (
        "<wsnt:NotificationMessage>"
        '<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet"'
        f"{declarations}>{topic}</wsnt:Topic>"
        "<wsnt:Message>"
        f'<tt:Message UtcTime="{xml_time(moment)}"{property_operation}>{items}'
        "</tt:Message></wsnt:Message></wsnt:NotificationMessage>"
    )


def _date_time(moment: datetime) -> str:
    return (
        f"<tt:Time><tt:Hour>{moment.hour}</tt:Hour><tt:Minute>{moment.minute}</tt:Minute>"
        f"<tt:Second>{moment.second}</tt:Second></tt:Time>"
        f"<tt:Date><tt:Year>{moment.year}</tt:Year><tt:Month>{moment.month}</tt:Month>"
        f"<tt:Day>{moment.day}</tt:Day></tt:Date>"
    )


def _scope_text(text: str) -> str:
    """A scope's last segment: percent-encoded UTF-8 (spaces too: scopes are space-separated),
    so `urllib.parse.unquote` gives the name back exactly."""
    return quote(text, safe="")


# ---------------------------------------------------------------------------------------------
# HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    device: OnvifDevice

    def server_bind(self) -> None:
        # HTTPServer.server_bind() asks the resolver for the bound address's name
        # (socket.getfqdn): a reverse DNS query off the machine for a name nothing uses.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "UtkikSimCam/1.0"
    sys_version = ""
    timeout = 30
    # Headers and body go out in two writes; with Nagle's algorithm and the client's delayed
    # ACK, every answer on a reused connection would wait ~40 ms. Cameras answer at once.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.device._lock:
            self.server.device._connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.device._lock:
                self.server.device._connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up on the request (an event subscriber stopping during a
                # long PullMessages): nothing to answer, and no error of the camera's.
                self.close_connection = True

    def _soap_error(self, status: int, reason: str, close: bool = False) -> None:
        body = envelope(SoapFault("env:Sender", ("ter:WellFormed",), reason, status).xml())
        if close:
            self.close_connection = True
        self._reply(status, body, "application/soap+xml; charset=utf-8")

    def do_GET(self) -> None:
        device = self.server.device
        if device.offline:
            self.close_connection = True
            return
        if self.path.split("?")[0] == "/snapshot.jpg":
            self._reply(200, device.snapshot(), "image/jpeg")
        else:
            self._reply(404, b"Not found\n", "text/plain")

    def do_POST(self) -> None:
        device = self.server.device
        if device.offline:
            self.close_connection = True
            return
        if self.headers.get("Transfer-Encoding"):
            self._soap_error(411, "A Content-Length is required", close=True)
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._soap_error(411, "A Content-Length is required", close=True)
            return
        if length < 0 or length > device.max_request_bytes:
            # The body is not read: the connection is closed after this answer.
            self._soap_error(413, "The request is too large", close=True)
            return
        path = self.path.split("?")[0]
        known = path.startswith("/onvif/subscription/") or path in {
            "/onvif/device_service",
            "/onvif/media_service",
            "/onvif/events_service",
            "/onvif/deviceio_service",
            "/onvif/ptz_service",
        }
        data = self.rfile.read(length)
        if not known:
            self._reply(404, b"Not found\n", "text/plain")
            return
        status, body = device.handle_soap(path, data)
        if device.offline:
            self.close_connection = True
            return
        self._reply(status, body, "application/soap+xml; charset=utf-8")
