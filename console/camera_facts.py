"""What discovery and onboarding learn about a camera: plain values the devices/ adapters return
and the core stores. No secrets here: credentials travel separately and live only in the keyring.
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

from console.errors import KnownError

#: Above this clock offset the console warns: evidence timestamps and WS-Security digests
#: depend on the camera's clock.
CLOCK_WARNING_S = 2.0


class DiscoverySource(enum.StrEnum):
    MULTICAST = "multicast"
    RANGE = "range"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class DiscoveredDevice:
    """One answer to a WS-Discovery probe (or one address of a range scan that spoke ONVIF).

    `endpoint` is the device's stable WS-Addressing address (urn:uuid:…) where it sent one;
    devices are de-duplicated by it (or by their first XAddr when it is missing) together with
    the address the answer came from: endpoints are copied between devices (cloned firmware, a
    simulator), and one device's answer must never hide another's.

    `address` is where the answer came from (`answered_from`, for a WS-Discovery answer) or
    the address typed in; `xaddrs` are what the device reported, kept as reported.
    """

    address: str
    port: int
    xaddrs: tuple[str, ...]
    endpoint: str = ""
    scopes: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    source: DiscoverySource = DiscoverySource.MULTICAST
    interface: str = ""
    #: The address the WS-Discovery answer came from ("" for an HTTP answer or a typed entry).
    answered_from: str = ""

    @property
    def key(self) -> str:
        own = self.endpoint or (self.xaddrs[0] if self.xaddrs else f"{self.address}:{self.port}")
        return f"{own} @ {self.answered_from}" if self.answered_from else own

    @property
    def address_mismatch(self) -> bool:
        """The device answered from an address that none of its XAddrs names."""
        if not self.answered_from:
            return False
        sender = _host_key(self.answered_from)
        return all(_host_key(urlsplit(xaddr).hostname or "") != sender for xaddr in self.xaddrs)

    @property
    def name(self) -> str:
        return scope_value(self.scopes, "name")

    @property
    def hardware(self) -> str:
        return scope_value(self.scopes, "hardware")

    @property
    def location(self) -> str:
        return scope_value(self.scopes, "location")


def _host_key(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return host.lower().rstrip(".")


def scope_value(scopes: tuple[str, ...], kind: str) -> str:
    """The value of an onvif://www.onvif.org/<kind>/<value> scope, percent-decoded ("" if none)."""
    prefix = f"onvif://www.onvif.org/{kind}/"
    for scope in scopes:
        if scope.lower().startswith(prefix):
            return unquote(scope[len(prefix) :]).replace("_", " ").strip()
    return ""


#: A JPEG starts with SOI (FF D8) followed by another marker; a PNG with its 8-byte signature.
#: Cameras serve either as their snapshot.
_JPEG_START = b"\xff\xd8\xff"
_PNG_START = b"\x89PNG\r\n\x1a\n"


def snapshot_format(data: bytes) -> str | None:
    """A snapshot's format by its magic bytes: "JPEG", "PNG", or None for anything else. The
    check needs no image library, so the Qt-free command line makes it as the console does."""
    if data.startswith(_JPEG_START):
        return "JPEG"
    if data.startswith(_PNG_START):
        return "PNG"
    return None


@dataclass(frozen=True, slots=True)
class StreamProfile:
    """One media profile's stream: its URI (without credentials) and picture size."""

    token: str
    uri: str
    width: int
    height: int
    encoding: str = "H264"


@dataclass(frozen=True, slots=True)
class Capabilities:
    ptz: bool = False
    events: bool = False
    relay_outputs: int = 0
    https: bool = False
    snapshot: bool = False


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """What onboarding learnt from one camera. Each capability was probed on its own, so a
    missing one leaves its field empty and a note in `problems` instead of failing the camera."""

    host: str
    port: int
    xaddr: str
    #: The name the camera gives itself (its onvif://www.onvif.org/name/ scope), if any.
    name: str = ""
    manufacturer: str = ""
    model: str = ""
    firmware: str = ""
    serial: str = ""
    hardware_id: str = ""
    #: Camera clock minus our clock, in seconds; None when the camera did not say.
    clock_offset_s: float | None = None
    main: StreamProfile | None = None
    sub: StreamProfile | None = None
    snapshot_uri: str = ""
    capabilities: Capabilities = field(default_factory=Capabilities)
    #: The device service is reached over HTTPS.
    secure: bool = False
    #: A stream or snapshot URI names another host than the camera (and not one accepted).
    foreign_host: str = ""
    #: The addresses `host` resolved to when the camera was onboarded (a name is not resolved
    #: again to decide whether an address the camera gives is its own).
    addresses: tuple[str, ...] = ()
    #: Other hosts a technician accepted to receive the camera's login (its recorder, a stream
    #: proxy): set by CameraService.trust_host, kept when the facts are learnt again.
    trusted_hosts: tuple[str, ...] = ()
    #: Plain-words notes about what could not be learnt (one per capability that failed).
    problems: tuple[str, ...] = ()

    @property
    def clock_warning(self) -> bool:
        return self.clock_offset_s is not None and abs(self.clock_offset_s) > CLOCK_WARNING_S


class CameraError(KnownError):
    """A camera could not be reached or did not answer as an ONVIF camera should.

    `step` names what was being done ("connect", "login", …) so the UI can show the error at
    the step where it happened.
    """

    step = "connect"


class CameraUnreachable(CameraError):
    step = "connect"


class CameraTimedOut(CameraError):
    step = "connect"


class WrongLogin(CameraError):
    step = "login"


class NotOnvif(CameraError):
    step = "connect"


class HostileResponse(CameraError):
    """The camera's answer was refused: too large, with a DTD or entities, or malformed."""

    step = "connect"


class StreamFailed(CameraError):
    step = "stream"


class SnapshotFailed(CameraError):
    """The snapshot address gave no picture (an HTTP error, or something else than a JPEG or a
    PNG)."""

    step = "snapshot"


@dataclass(frozen=True, slots=True)
class Still:
    """One decoded picture of a camera's stream: packed RGB24, `3 * width` bytes per row."""

    width: int
    height: int
    rgb: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Health:
    """One periodic check of a camera: whether its ONVIF service answers, whether its stream
    opens and sends video, and its clock offset (camera minus ours, None when unknown).
    `error` is the first failure in plain words, "" when all is well. `checked_at` (UTC) is set
    once the check is stamped and kept (console/health.py); an adapter leaves it None."""

    reachable: bool
    stream_ok: bool
    clock_offset_s: float | None
    error: str = ""
    checked_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.reachable and self.stream_ok and not self.error

    @property
    def clock_warning(self) -> bool:
        return self.clock_offset_s is not None and abs(self.clock_offset_s) > CLOCK_WARNING_S
