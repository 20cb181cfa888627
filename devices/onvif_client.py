"""ONVIF onboarding of one camera, and the checks a technician runs on it.

`onboard()` asks a camera (through onvif-zeep-async) what it is and what it offers, and returns
plain values from console.camera_facts, never zeep objects. Only reaching the camera and logging in
are fatal; every other capability is probed on its own and a failure becomes one plain-words entry
in `DeviceFacts.problems` (a template marked with N_() and without placeholders, so the UI can
translate it as it is). `fetch_snapshot()` fetches the snapshot (a JPEG or a PNG),
`grab_keyframe()` decodes one keyframe of an RTSP stream with PyAV, and `check_health()` is the
periodic check (clock, stream).
Each async function has a `_blocking` twin, or is blocking itself, for worker threads: the twin
runs it on the one device loop (console/runtime.py `DeviceLoop`) and waits for it.

Everything a camera sends is untrusted (anything on the camera network can answer):

- SOAP answers are read through `_GuardedTransport`, which refuses a body over
  MAX_RESPONSE_BYTES while it streams (a declared Content-Length over it is refused unread), and
  refuses a DTD or an entity declaration before any XML parser sees it. zeep then parses with
  HARDENED_SETTINGS (no DTD, no entities, no external references, no huge trees) as a second line.
- The camera's login comes only from its `CameraLogin` (console/camera_login.py), which gives
  it out only for URLs on the camera's own host (or a host a technician accepted): the RTSP
  URL's userinfo, the snapshot's HTTP login and every SOAP request (checked in
  `_GuardedTransport.post_xml`) go nowhere else, and another host's URL is a ForeignHost error,
  unsent. During onboarding a service address (XAddr) naming another host is replaced by the
  same path where the camera was reached, and a stream or snapshot URI naming another host is
  flagged in `DeviceFacts.foreign_host`.
- A hostile answer (too large, a DTD) fails the whole onboarding, at any step: a device that sends
  one is not a camera to trust.

The password never enters an exception, a log line, a repr or a returned value. PyAV's errors name
the URL, which carries the credentials, so they are never chained or logged.

Quirks of onvif-zeep-async (4.x) handled here: importing onvif.client calls logging.basicConfig,
so it is imported while the root logger has a stand-in handler; ONVIFCamera() deletes
http_proxy/https_proxy from os.environ (saved and restored) and must be created inside a running
event loop; faults arrive as raw zeep Faults (and as XMLParseError when a fault's subcode prefix
is undeclared, so logins refused are recognised from the raw answer instead); GetCapabilities
leaves Extension.DeviceIO unparsed, and every category after one out of the schema's order
(both read from the raw elements here).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ipaddress
import logging
import os
import re
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import av
import av.error
import zeep
import zeep.exceptions
from lxml import etree
from multidict import CIMultiDict

from console.camera_facts import (
    CLOCK_WARNING_S,
    CameraError,
    CameraTimedOut,
    CameraUnreachable,
    Capabilities,
    DeviceFacts,
    Health,
    HostileResponse,
    NotOnvif,
    SnapshotFailed,
    Still,
    StreamFailed,
    StreamProfile,
    WrongLogin,
    scope_value,
    snapshot_format,
)
from console.camera_login import CameraLogin, Purpose, foreign_host_of, host_of
from console.errors import N_
from console.runtime import DeviceLoop
from devices.media import ingest

# onvif.client calls logging.basicConfig(level=INFO) at import, which would give the application's
# root logger a handler and a level it never chose. basicConfig does nothing while the root logger
# has a handler, so it gets a stand-in for the duration of the import.
_stand_in = logging.NullHandler()
logging.getLogger().addHandler(_stand_in)
try:
    from onvif import ONVIFCamera  # type: ignore[import-untyped]
    from onvif.exceptions import ONVIFError  # type: ignore[import-untyped]
finally:
    logging.getLogger().removeHandler(_stand_in)

__all__ = [
    "HARDENED_SETTINGS",
    "MAX_RESPONSE_BYTES",
    "Health",
    "Still",
    "camera_error",
    "check_health",
    "check_health_blocking",
    "fetch_snapshot",
    "fetch_snapshot_blocking",
    "grab_keyframe",
    "onboard",
    "onboard_blocking",
    "open_camera",
]

_log = logging.getLogger(__name__)
T = TypeVar("T")

#: No ONVIF answer a camera gives during onboarding comes near this (a 64-channel recorder's
#: GetProfiles is a few hundred kB); anything larger is refused while it streams.
MAX_RESPONSE_BYTES: Final = 2_000_000
#: The whole onboarding may take this many times the per-request timeout: about ten requests
#: to a healthy camera take well under one, and a camera that stalls on every optional probe
#: must not hold a technician for minutes.
_BUDGET_FACTOR: Final = 3
_CHUNK: Final = 64 * 1024

#: zeep's parser settings for every answer (onvif-zeep-async's own defaults allow huge trees).
#: strict=False keeps zeep's tolerance of the schema deviations real cameras have.
HARDENED_SETTINGS: Final = zeep.Settings(
    strict=False,
    xml_huge_tree=False,
    forbid_dtd=True,
    forbid_entities=True,
    forbid_external=True,
)

_DEVICE_NS: Final = "http://www.onvif.org/ver10/device/wsdl"
_MEDIA_NS: Final = "http://www.onvif.org/ver10/media/wsdl"
_EVENTS_NS: Final = "http://www.onvif.org/ver10/events/wsdl"
_PTZ_NS: Final = "http://www.onvif.org/ver20/ptz/wsdl"
_DEVICEIO_NS: Final = "http://www.onvif.org/ver10/deviceIO/wsdl"
_IMAGING_NS: Final = "http://www.onvif.org/ver20/imaging/wsdl"
_ANALYTICS_NS: Final = "http://www.onvif.org/ver20/analytics/wsdl"
_SCHEMA_NS: Final = "http://www.onvif.org/ver10/schema"
#: GetCapabilities categories and the service namespace each one's XAddr belongs to.
_CAPABILITY_SERVICES: Final = (
    ("Device", _DEVICE_NS),
    ("Media", _MEDIA_NS),
    ("Events", _EVENTS_NS),
    ("PTZ", _PTZ_NS),
    ("Imaging", _IMAGING_NS),
    ("Analytics", _ANALYTICS_NS),
)
_SOAP_ENVELOPES: Final = frozenset(
    {"http://www.w3.org/2003/05/soap-envelope", "http://schemas.xmlsoap.org/soap/envelope/"}
)
#: Fault codes that mean "who you say you are was not accepted": ONVIF's ter:NotAuthorized,
#: WS-Security's wsse:FailedAuthentication and its other security faults (a camera that does
#: not understand the security header says InvalidSecurity), and the spellings cameras use
#: instead of the standard ones.
_LOGIN_FAULTS: Final = frozenset(
    {
        "NotAuthorized",
        "FailedAuthentication",
        "InvalidSecurity",
        "InvalidSecurityToken",
        "FailedCheck",
        "SecurityTokenUnavailable",
        "Unauthorized",
        "NotAuthorised",
        "AuthenticationFailed",
        "AuthorizationFailed",
        "AuthorityFailure",
        "AccessDenied",
    }
)
#: A DTD or entity declaration anywhere in an answer; no camera needs one (UTF-8/ASCII bodies;
#: other encodings are caught by the parser checks after it).
_DTD_MARK: Final = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_HTML_START: Final = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html)\b", re.I)

# -- operator-readable texts (context "core"; Swedish in resources/i18n) -----------------------

_UNREACHABLE = N_(
    "Nothing answers at {host}: the camera is off, not on the network, or uses another port."
)
_UNKNOWN_NAME = N_("The name {host} cannot be found (DNS). Check the camera's address.")
_TIMED_OUT = N_("The camera at {host} did not answer in time.")
_WRONG_LOGIN = N_("The camera at {host} refused the user name or password.")
_NOT_ONVIF = N_("The device at {host} answers, but not as an ONVIF camera. Check the port.")
_NOT_ONVIF_MALFORMED = N_(
    "The device at {host} answers, but not as an ONVIF camera: its answer is not well-formed "
    "XML ({detail})."
)
_HOSTILE_DTD = N_(
    "The camera at {host} sent an answer with a document type declaration, which is refused "
    "for safety."
)
_HOSTILE_LARGE = N_(
    "The camera at {host} sent a larger answer than a camera needs; it was refused for safety."
)
_SNAPSHOT_STATUS = N_("The camera at {host} gave no snapshot (HTTP status {status}).")
_SNAPSHOT_NOT_JPEG = N_(
    "The camera at {host} sent something other than a JPEG or PNG picture as its snapshot."
)
_SNAPSHOT_NO_HTTP = N_("The snapshot address of the camera at {host} is not an HTTP address.")
_NO_STREAM_URI = N_("The camera at {host} has no stream address to check.")

_PROBLEM_INFO = N_("The camera did not tell its make and model.")
_PROBLEM_CLOCK = N_("The camera did not tell its time, so its clock cannot be checked.")
_PROBLEM_SERVICES = N_("The camera lists neither its services nor its capabilities.")
_PROBLEM_HTTPS = N_("The camera offers HTTPS, but does not answer over it; plain HTTP is used.")
_PROBLEM_XADDR = N_(
    "The camera named another address for one of its services; its own address is used instead."
)
_PROBLEM_MEDIA = N_("The camera has no media service, so it gives no video streams.")
_PROBLEM_PROFILES = N_("The camera's video profiles could not be read.")
_PROBLEM_NO_VIDEO = N_("The camera has no video profile with a picture size.")
_PROBLEM_MAIN_URI = N_("The camera did not give the address of its main stream.")
_PROBLEM_SUB_URI = N_("The camera did not give the address of its sub stream.")
_PROBLEM_SNAPSHOT = N_("The camera did not give a snapshot address.")
_PROBLEM_RELAYS = N_("The camera's relay outputs could not be read.")

#: A camera is added for its video: without a main stream it is not added, and the error names
#: the step where onboarding lost it.
_NO_MAIN_STREAM: Final = {
    _PROBLEM_MEDIA: N_(
        "The camera at {host} cannot be added: it has no media service, so it gives no video "
        "stream."
    ),
    _PROBLEM_PROFILES: N_(
        "The camera at {host} cannot be added: its video profiles could not be read (GetProfiles)."
    ),
    _PROBLEM_NO_VIDEO: N_(
        "The camera at {host} cannot be added: it has no video profile with a picture size."
    ),
    _PROBLEM_MAIN_URI: N_(
        "The camera at {host} cannot be added: it did not give the address of its main stream "
        "(GetStreamUri)."
    ),
}
_NO_MAIN_STREAM_OTHER = N_(
    "The camera at {host} cannot be added: it gave no main stream, and did not say why."
)


# -- errors inside the transport, translated at the boundary -----------------------------------


class _Refusal(Exception):
    """Raised by the transport for an answer that must not reach zeep (never leaves this module)."""


class _LoginRefused(_Refusal):
    """HTTP 401 or a NotAuthorized/FailedAuthentication fault."""


class _NotSoap(_Refusal):
    """The answer is not a SOAP envelope (a web page, a redirect, garbage)."""


class _Malformed(_NotSoap):
    """The answer is not well-formed XML; `detail` is the parser's first error."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Hostile(_Refusal):
    """Too large, or with a DTD: fails the onboarding at any step."""

    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.template = template


#: What a step may raise when the camera or the network misbehaves (anything else is a bug).
_CAMERA_FAILURES: Final = (
    _Refusal,
    TimeoutError,
    aiohttp.ClientError,
    OSError,
    zeep.exceptions.Error,
    ONVIFError,
)


#: zeep's own refusals under HARDENED_SETTINGS (the second line, behind _screen).
_ZEEP_REFUSALS: Final = (
    zeep.exceptions.DTDForbidden,
    zeep.exceptions.EntitiesForbidden,
    zeep.exceptions.ExternalReferenceForbidden,
)
#: Answers that fail the whole onboarding, at whatever step they come.
_HOSTILE: Final = (_Hostile, *_ZEEP_REFUSALS)


def _camera_error(err: BaseException, host: str) -> CameraError:
    """The operator-readable error for one of _CAMERA_FAILURES."""
    if isinstance(err, _LoginRefused):
        return WrongLogin(_WRONG_LOGIN, host=host)
    if isinstance(err, _Hostile):
        return HostileResponse(err.template, host=host)
    if isinstance(err, _ZEEP_REFUSALS):
        return HostileResponse(_HOSTILE_DTD, host=host)
    if isinstance(err, _Malformed):
        return NotOnvif(_NOT_ONVIF_MALFORMED, host=host, detail=err.detail)
    # aiohttp's timeouts are OSErrors too: look at them first.
    if isinstance(err, TimeoutError):
        return CameraTimedOut(_TIMED_OUT, host=host)
    if isinstance(err, aiohttp.ClientConnectorDNSError):
        return CameraUnreachable(_UNKNOWN_NAME, host=host)
    if isinstance(
        err,
        _NotSoap
        | aiohttp.ClientResponseError
        | aiohttp.ClientPayloadError
        | zeep.exceptions.Error
        | ONVIFError,
    ):
        return NotOnvif(_NOT_ONVIF, host=host)
    return CameraUnreachable(_UNREACHABLE, host=host)


# -- the transport -------------------------------------------------------------------------------


@dataclass
class _Reply:
    """What zeep reads of an HTTP answer (the shape of requests.Response it expects)."""

    status_code: int
    headers: CIMultiDict[str]
    content: bytes
    encoding: str | None


async def _read_limited(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The body, or _Hostile as soon as it is known to exceed max_bytes (the rest is not read:
    the connection is closed)."""
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        response.close()
        raise _Hostile(_HOSTILE_LARGE)
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            response.close()
            raise _Hostile(_HOSTILE_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)


def _screen(status: int, content: bytes) -> None:
    """Refuse what zeep must not see; recognise refused logins whatever the fault's shape.

    The XML is parsed strictly: a device answering with malformed XML is not an ONVIF camera
    (a recovering parser would make an empty answer of garbage, and onboard it)."""
    if status in (401, 403):
        raise _LoginRefused
    if status in (202, 204) and not content.strip():
        return  # an accepted one-way message (zeep returns None for it)
    if _HTML_START.match(content[:1024]):
        raise _NotSoap
    if _DTD_MARK.search(content):
        raise _Hostile(_HOSTILE_DTD)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as err:
        if _declares_dtd(content):
            raise _Hostile(_HOSTILE_DTD) from err
        raise _Malformed(str(err)) from err
    if root is None:
        raise _NotSoap
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _Hostile(_HOSTILE_DTD)
    tag = etree.QName(root)
    if tag.localname != "Envelope" or tag.namespace not in _SOAP_ENVELOPES:
        raise _NotSoap
    if _login_fault(root):
        raise _LoginRefused


def _declares_dtd(content: bytes) -> bool:
    """Whether a malformed answer carries a DTD, in whatever encoding _DTD_MARK cannot see (a
    DTD stays a hostile answer rather than a merely malformed one). The recovering parse only
    looks: it loads, resolves and fetches nothing, and its tree is thrown away."""
    looker = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(content, parser=looker)
    except etree.XMLSyntaxError:
        return False
    if root is None:
        return False
    docinfo = root.getroottree().docinfo
    return bool(docinfo.doctype) or docinfo.internalDTD is not None


def _login_fault(root: Any) -> bool:
    """Whether the envelope is a fault whose code or subcode is a refused login. Read from the
    raw XML so that an undeclared prefix (ter:NotAuthorized without xmlns:ter) still counts."""
    for fault in root.iter("{*}Fault"):
        for element in fault.iter("{*}Value", "faultcode", "{*}faultcode"):
            text = (element.text or "").strip()
            if text.rpartition(":")[2] in _LOGIN_FAULTS:
                return True
    return False


class _GuardedTransport:
    """zeep's transport for one ONVIF service: onvif-zeep-async's aiohttp session, with a
    per-request timeout, a streaming size limit, no redirects and the answer screened."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        login: CameraLogin,
        *,
        timeout: float,
        max_bytes: int,
    ) -> None:
        self.session = session
        self.login = login
        self.cache = None
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._client_timeout = aiohttp.ClientTimeout(total=timeout)

    async def post_xml(self, address: str, envelope: Any, headers: dict[str, str]) -> _Reply:
        # Every SOAP request but a few carries the WS-Security login: none goes to a host that
        # is not the camera's, whoever named it (GetCapabilities' XAddrs, for instance).
        self.login.check(address, Purpose.SERVICE)
        body = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
        try:
            return await self._post(address, body, headers)
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientConnectionResetError):
            # Cameras close idle keep-alive connections at any moment (RFC 9112 §9.6 allows
            # it); the request did not reach the camera, so sending it once more is safe.
            return await self._post(address, body, headers)

    async def _post(self, address: str, body: bytes, headers: dict[str, str]) -> _Reply:
        async with self.session.post(
            address,
            data=body,
            headers=headers,
            timeout=self._client_timeout,
            allow_redirects=False,
        ) as response:
            content = await _read_limited(response, self.max_bytes)
            _screen(response.status, content)
            kept = CIMultiDict(
                (k, v) for k, v in response.headers.items() if k.lower() != "content-encoding"
            )
            return _Reply(response.status, kept, content, response.charset)

    def load(self, url: str) -> bytes:
        # Documents (WSDL, XSD) come from onvif-zeep-async's own files; an answer never makes
        # this transport fetch anything (HARDENED_SETTINGS forbid external references too).
        raise zeep.exceptions.ExternalReferenceForbidden(url)  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        """The session belongs to the ONVIF service, which closes it."""


def _guard(service: Any, login: CameraLogin, timeout: float, max_bytes: int) -> Any:
    """Put a service's zeep clients on a _GuardedTransport and HARDENED_SETTINGS."""
    if not isinstance(service.transport, _GuardedTransport):
        transport = _GuardedTransport(
            service.transport.session, login, timeout=timeout, max_bytes=max_bytes
        )
        service.transport = transport
        for client in (service.zeep_client, service.zeep_client_authless):
            client.transport = transport
            client.settings = HARDENED_SETTINGS
    return service


class _GuardedCamera(ONVIFCamera):  # type: ignore[misc]
    """ONVIFCamera whose every service is guarded, and whose device service may sit at the
    address the camera gave for it (e.g. its HTTPS one) instead of the fixed default path."""

    def __init__(
        self,
        host: str,
        port: int,
        login: CameraLogin,
        *,
        timeout: float,
        max_bytes: int,
        device_xaddr: str = "",
    ) -> None:
        # WS-Security needs the login up front; post_xml checks every address it goes to.
        user, password = login.for_uri(f"http://{_netloc(login.host, port)}/", Purpose.SERVICE)
        super().__init__(host, port, user, password, no_cache=True)
        self.guard_login = login
        self.guard_timeout = timeout
        self.guard_max_bytes = max_bytes
        self.device_xaddr = device_xaddr

    def get_definition(self, name: str, port_type: str | None = None) -> tuple[str, str, str]:
        xaddr, wsdl, binding = super().get_definition(name, port_type)
        if name == "devicemgmt" and self.device_xaddr:
            xaddr = self.device_xaddr
        return str(xaddr), str(wsdl), str(binding)

    async def create_onvif_service(
        self,
        name: str,
        port_type: str | None = None,
        read_timeout: int | None = None,
        write_timeout: int | None = None,
    ) -> Any:
        service = await super().create_onvif_service(name, port_type, read_timeout, write_timeout)
        return _guard(service, self.guard_login, self.guard_timeout, self.guard_max_bytes)


def _new_camera(
    host: str,
    port: int,
    login: CameraLogin,
    *,
    timeout: float,
    max_bytes: int = MAX_RESPONSE_BYTES,
    device_xaddr: str = "",
    clock_offset_s: float | None = None,
) -> Any:
    """A guarded camera (inside a running loop: it makes aiohttp sessions). ONVIFCamera() deletes
    the proxy variables from os.environ; they are put back."""
    saved = {k: os.environ[k] for k in ("http_proxy", "https_proxy") if k in os.environ}
    try:
        camera = _GuardedCamera(
            host,
            port,
            login,
            timeout=timeout,
            max_bytes=max_bytes,
            device_xaddr=device_xaddr,
        )
    finally:
        os.environ.update(saved)
    if clock_offset_s is not None and abs(clock_offset_s) > CLOCK_WARNING_S:
        # WS-Security digests carry a creation time the camera checks against its own clock
        # (typically within 5 minutes): sign with the camera's time so a drifted camera can
        # still be onboarded and told about.
        camera.dt_diff = timedelta(seconds=clock_offset_s)
    return camera


@contextlib.asynccontextmanager
async def open_camera(
    host: str,
    port: int,
    login: CameraLogin,
    *,
    timeout: float = 10.0,
    max_bytes: int = MAX_RESPONSE_BYTES,
    clock_offset_s: float | None = None,
    device_xaddr: str = "",
) -> AsyncIterator[Any]:
    """An onvif-zeep-async ONVIFCamera whose services are all guarded like onboarding's (size
    limit, hardened parsing, per-request `timeout`), closed on exit. For adapters that need more
    of a camera (PTZ, events); what they return must still be plain values, never zeep objects.
    Failures of its calls are mapped to CameraErrors by `camera_error()`; a request to a service
    address on another host than `login`'s raises ForeignHost unsent. `device_xaddr`: where the
    device service is, when onboarding found it elsewhere than the default path (HTTPS)."""
    camera = _new_camera(
        host,
        port,
        login,
        timeout=timeout,
        max_bytes=max_bytes,
        clock_offset_s=clock_offset_s,
        device_xaddr=device_xaddr,
    )
    try:
        yield camera
    finally:
        await camera.close()


def camera_error(err: BaseException, host: str) -> CameraError | None:
    """The operator-readable CameraError for a failure of a call on an `open_camera()` camera,
    or None when `err` is not a camera's or the network's fault (a bug: let it propagate)."""
    if isinstance(err, _CAMERA_FAILURES):
        return _camera_error(err, host)
    return None


# -- small helpers -------------------------------------------------------------------------------


def _get(value: Any, *path: str) -> Any:
    """value.a.b.c, or None where a step is missing (zeep objects, dicts or None)."""
    for name in path:
        if value is None:
            return None
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _hostname(url: str) -> str:
    return host_of(url)


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def _without_userinfo(url: str) -> str:
    """`url` without user:password@ (some cameras embed their login in the URIs they give)."""
    try:
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            return url
        return urlunsplit(parts._replace(netloc=_netloc(parts.hostname or "", parts.port)))
    except ValueError:
        return ""


def _camera_time(answer: Any) -> datetime | None:
    utc = _get(answer, "UTCDateTime")
    if utc is None:
        return None
    try:
        return datetime(
            int(_get(utc, "Date", "Year")),
            int(_get(utc, "Date", "Month")),
            int(_get(utc, "Date", "Day")),
            int(_get(utc, "Time", "Hour")),
            int(_get(utc, "Time", "Minute")),
            int(_get(utc, "Time", "Second")),
            tzinfo=UTC,
        )
    except (TypeError, ValueError):
        return None


# -- onboarding ----------------------------------------------------------------------------------


@dataclass
class _Profile:
    token: str
    width: int
    height: int
    encoding: str

    @property
    def area(self) -> int:
        return self.width * self.height


@dataclass
class _Onboarding:
    host: str
    port: int
    login: CameraLogin
    timeout: float
    problems: list[str] = field(default_factory=list)
    #: Every camera object made on the way (plain HTTP, compensated clock, HTTPS): all closed.
    opened: list[Any] = field(default_factory=list)

    def _problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

    async def _required(self, step: Awaitable[T]) -> T:
        try:
            return await step
        except _CAMERA_FAILURES as err:
            raise _camera_error(err, self.host) from err

    async def _optional(self, step: Awaitable[T], problem: str) -> T | None:
        """The step's result, or None with `problem` noted. A hostile answer stays fatal."""
        try:
            return await step
        except _HOSTILE as err:
            raise _camera_error(err, self.host) from err
        except _CAMERA_FAILURES as err:
            _log.info("%s: %s (%s)", self.host, problem, type(err).__name__)
            if problem:
                self._problem(problem)
            return None

    def _camera(self, host: str = "", port: int = 0, **kwargs: Any) -> Any:
        camera = _new_camera(
            host or self.host,
            port or self.port,
            self.login,
            timeout=self.timeout,
            **kwargs,
        )
        self.opened.append(camera)
        return camera

    async def run(self) -> DeviceFacts:
        try:
            camera = self._camera()
            offset = await self._clock(camera)
            if offset is not None and abs(offset) > CLOCK_WARNING_S:
                camera = self._camera(clock_offset_s=offset)
            return await self._facts(camera, offset)
        finally:
            for camera in self.opened:
                await camera.close()

    async def _clock(self, camera: Any) -> float | None:
        """Camera UTC minus ours, from GetSystemDateAndTime: unauthenticated as ONVIF allows,
        authenticated when the camera wants a login even for that (then a refusal is fatal)."""
        device = await self._required(camera.create_devicemgmt_service())
        sent = time.time()
        try:
            answer = await device.authless_GetSystemDateAndTime()
        except (_LoginRefused, zeep.exceptions.Fault):
            sent = time.time()
            try:
                answer = await device.GetSystemDateAndTime()
            except zeep.exceptions.Fault:
                self._problem(_PROBLEM_CLOCK)
                return None
            except _CAMERA_FAILURES as err:
                raise _camera_error(err, self.host) from err
        except _CAMERA_FAILURES as err:
            raise _camera_error(err, self.host) from err
        received = time.time()
        moment = _camera_time(answer)
        if moment is None:
            self._problem(_PROBLEM_CLOCK)
            return None
        # The camera truncates to whole seconds (hence + 0.5) at some moment between sending
        # and receiving (hence their middle).
        ours = (sent + received) / 2
        return round(moment.timestamp() + 0.5 - ours, 3)

    async def _facts(self, camera: Any, offset: float | None) -> DeviceFacts:
        device = await self._required(camera.create_devicemgmt_service())
        try:
            info = await device.GetDeviceInformation()
        except _LoginRefused as err:
            raise _camera_error(err, self.host) from err
        except zeep.exceptions.Fault:
            info = None
            self._problem(_PROBLEM_INFO)
        except _CAMERA_FAILURES as err:
            raise _camera_error(err, self.host) from err

        xaddrs = await self._xaddrs(device)
        https_offered = any(urlsplit(x).scheme == "https" for x in xaddrs.values())
        secure = False
        if https_offered:
            upgraded = await self._try_https(xaddrs, offset)
            if upgraded is None:
                xaddrs = {
                    ns: self._downgrade(x) if urlsplit(x).scheme == "https" else x
                    for ns, x in xaddrs.items()
                }
            else:
                (camera, xaddrs), secure = upgraded, True
        camera.xaddrs = dict(xaddrs)
        device = await self._required(camera.create_devicemgmt_service())

        main, sub, snapshot_uri = await self._media(camera, xaddrs)
        relays = await self._relay_outputs(camera, device, xaddrs)
        scopes = await self._optional(device.GetScopes(), "")
        name = scope_value(tuple(_text(_get(s, "ScopeItem")) for s in scopes or ()), "name")

        facts = DeviceFacts(
            host=self.host,
            port=self.port,
            xaddr=str(device.xaddr),
            name=name,
            manufacturer=_text(_get(info, "Manufacturer")),
            model=_text(_get(info, "Model")),
            firmware=_text(_get(info, "FirmwareVersion")),
            serial=_text(_get(info, "SerialNumber")),
            hardware_id=_text(_get(info, "HardwareId")),
            clock_offset_s=offset,
            main=main,
            sub=sub,
            snapshot_uri=snapshot_uri,
            capabilities=Capabilities(
                ptz=_PTZ_NS in xaddrs,
                events=_EVENTS_NS in xaddrs,
                relay_outputs=relays,
                https=https_offered,
                snapshot=bool(snapshot_uri),
            ),
            secure=secure,
            addresses=tuple(sorted(self.login.addresses)),
            problems=tuple(self.problems),
        )
        return dataclasses.replace(facts, foreign_host=foreign_host_of(facts))

    def _own(self, xaddr: str) -> str:
        """`xaddr` if it names the camera's own host, else the same path where we reached the
        camera: a device does not get to direct our requests to another host."""
        parts = urlsplit(_without_userinfo(xaddr))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return ""
        if self.login.allows(parts.hostname):
            return urlunsplit(parts)
        # Where we reached the device service, the camera's other services are too (as
        # onvif-zeep-async's nat_override assumes); the named host is never contacted.
        self._problem(_PROBLEM_XADDR)
        return urlunsplit(("http", _netloc(self.host, self.port), parts.path, parts.query, ""))

    def _downgrade(self, xaddr: str) -> str:
        """An https XAddr that did not answer, as the plain-HTTP address we reached."""
        path = urlsplit(xaddr).path or "/"
        return f"http://{_netloc(self.host, self.port)}{path}"

    async def _xaddrs(self, device: Any) -> dict[str, str]:
        """Service namespace -> XAddr from GetServices, or from GetCapabilities if that fails."""
        services = await self._optional(device.GetServices({"IncludeCapability": False}), "")
        found: dict[str, str] = {}
        for service in services or ():
            namespace, xaddr = _text(_get(service, "Namespace")), _text(_get(service, "XAddr"))
            if namespace and xaddr and (own := self._own(xaddr)):
                found[namespace] = own
        if found:
            return found
        capabilities = await self._optional(
            device.GetCapabilities({"Category": "All"}), _PROBLEM_SERVICES
        )
        for category, namespace in _CAPABILITY_SERVICES:
            xaddr = _capability_xaddr(capabilities, category)
            if xaddr and (own := self._own(xaddr)):
                found[namespace] = own
        extension = _get(capabilities, "Extension") or _raw_child(capabilities, "Extension")
        deviceio = _deviceio_xaddr(extension)
        if deviceio and (own := self._own(deviceio)):
            found[_DEVICEIO_NS] = own
        if capabilities is not None and not found:
            self._problem(_PROBLEM_SERVICES)
        return found

    async def _try_https(
        self, xaddrs: dict[str, str], offset: float | None
    ) -> tuple[Any, dict[str, str]] | None:
        """A camera talking HTTPS, with the XAddrs to use over it, if its HTTPS device service
        answers; None (and a problem noted) if it does not. The certificate is not verified:
        cameras carry self-signed ones; HTTPS still keeps the traffic from passive listeners."""
        device_xaddr = xaddrs.get(_DEVICE_NS, "")
        base = next(
            (urlsplit(x) for x in [device_xaddr, *xaddrs.values()] if x.startswith("https:")),
            None,
        )
        if base is None:
            return None
        path = urlsplit(device_xaddr).path or "/onvif/device_service"
        secure_device = urlunsplit(("https", base.netloc, path, "", ""))
        https_camera = self._camera(
            f"https://{_netloc(self.host, None)}",
            base.port or 443,
            device_xaddr=secure_device,
            clock_offset_s=offset,
        )
        service = await https_camera.create_devicemgmt_service()
        answered = await self._optional(service.GetDeviceInformation(), _PROBLEM_HTTPS)
        if answered is None:
            return None
        # The same web server answers every path over HTTPS: move the plain-HTTP XAddrs of the
        # camera's own HTTP endpoint there too.
        plain = _netloc(self.host, self.port)
        upgraded = {
            ns: urlunsplit(("https", base.netloc, urlsplit(x).path, urlsplit(x).query, ""))
            if urlsplit(x).scheme == "http" and urlsplit(x).netloc == plain
            else x
            for ns, x in xaddrs.items()
        }
        upgraded[_DEVICE_NS] = secure_device
        return https_camera, upgraded

    async def _media(
        self, camera: Any, xaddrs: dict[str, str]
    ) -> tuple[StreamProfile | None, StreamProfile | None, str]:
        if _MEDIA_NS not in xaddrs:
            self._problem(_PROBLEM_MEDIA)
            return None, None, ""
        media = await self._optional(camera.create_media_service(), _PROBLEM_MEDIA)
        if media is None:
            return None, None, ""
        answer = await self._optional(media.GetProfiles(), _PROBLEM_PROFILES)
        if answer is None:
            return None, None, ""
        profiles = []
        for profile in answer or ():
            token = _text(_get(profile, "token"))
            encoder = _get(profile, "VideoEncoderConfiguration")
            width = _int(_get(encoder, "Resolution", "Width"))
            height = _int(_get(encoder, "Resolution", "Height"))
            if token and width > 0 and height > 0:
                encoding = _text(_get(encoder, "Encoding")) or "H264"
                profiles.append(_Profile(token, width, height, encoding))
        if not profiles:
            self._problem(_PROBLEM_NO_VIDEO)
            return None, None, ""
        chosen_main = max(profiles, key=lambda p: p.area)
        others = [p for p in profiles if p is not chosen_main]
        chosen_sub = min(others, key=lambda p: p.area) if others else None
        main = await self._stream(media, chosen_main, _PROBLEM_MAIN_URI)
        sub = await self._stream(media, chosen_sub, _PROBLEM_SUB_URI) if chosen_sub else None
        snapshot = await self._optional(
            media.GetSnapshotUri({"ProfileToken": chosen_main.token}), _PROBLEM_SNAPSHOT
        )
        snapshot_uri = _without_userinfo(_text(_get(snapshot, "Uri")))
        if snapshot is not None and not snapshot_uri:
            self._problem(_PROBLEM_SNAPSHOT)
        return main, sub, snapshot_uri

    async def _stream(self, media: Any, profile: _Profile, problem: str) -> StreamProfile | None:
        setup = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}
        answer = await self._optional(
            media.GetStreamUri({"StreamSetup": setup, "ProfileToken": profile.token}), problem
        )
        uri = _without_userinfo(_text(_get(answer, "Uri")))
        if not uri:
            if answer is not None:
                self._problem(problem)
            return None
        return StreamProfile(profile.token, uri, profile.width, profile.height, profile.encoding)

    async def _relay_outputs(self, camera: Any, device: Any, xaddrs: dict[str, str]) -> int:
        """GetRelayOutputs of the DeviceIO service where there is one, else of the device
        service (where ONVIF first put it)."""
        service = device
        if _DEVICEIO_NS in xaddrs:
            service = await self._optional(camera.create_deviceio_service(), _PROBLEM_RELAYS)
            if service is None:
                return 0
        relays = await self._optional(service.GetRelayOutputs(), _PROBLEM_RELAYS)
        return len(relays or ())


def _raw_child(value: Any, localname: str) -> Any:
    """The element called `localname` that zeep left unparsed in `value` (None if none).

    zeep parses a sequence in the schema's order and keeps whatever comes after the first
    element out of that order as raw elements (`_raw_elements`, or `_value_1` where the type
    has an xsd:any). Cameras list GetCapabilities' categories in an order of their own (Media,
    Events, Imaging, PTZ), so each is looked for there too.
    """
    if isinstance(value, etree._Element):
        return value.find(f"{{*}}{localname}")
    for name in ("_raw_elements", "_value_1"):
        for element in _get(value, name) or ():
            if isinstance(element, etree._Element) and etree.QName(element).localname == localname:
                return element
    return None


def _capability_xaddr(capabilities: Any, category: str) -> str:
    """The XAddr of one GetCapabilities category, parsed by zeep or left raw."""
    parsed = _text(_get(capabilities, category, "XAddr"))
    if parsed:
        return parsed
    element = _raw_child(capabilities, category)
    found = None if element is None else element.find(f"{{{_SCHEMA_NS}}}XAddr")
    return "" if found is None else _text(found.text)


def _deviceio_xaddr(extension: Any) -> str:
    """The DeviceIO XAddr of GetCapabilities' Extension, which zeep leaves as a raw element
    (and the whole Extension too, when it comes out of order)."""
    parsed = _text(_get(extension, "DeviceIO", "XAddr"))
    if parsed:
        return parsed
    element = _raw_child(extension, "DeviceIO")
    found = None if element is None else element.find(f"{{{_SCHEMA_NS}}}XAddr")
    return "" if found is None else _text(found.text)


async def onboard(
    host: str, port: int, user: str, password: str, *, timeout: float = 10.0
) -> DeviceFacts:
    """Everything onboarding learns about the camera at host:port (its ONVIF device service).

    `timeout` bounds each request; the whole onboarding gets three times that. Raises
    CameraUnreachable, CameraTimedOut, WrongLogin, NotOnvif or HostileResponse, and
    StreamFailed when the camera gives no main stream (no media service, no readable profile,
    no stream address: a camera that refuses a login in a fault of its own ends up there too).
    Any other capability that fails is a note in `problems` instead.
    """
    try:
        async with asyncio.timeout(timeout * _BUDGET_FACTOR):
            addresses = await _addresses(host, port)
            login = CameraLogin.bind(host, user, password, addresses=addresses)
            facts = await _Onboarding(host, port, login, timeout).run()
    except TimeoutError as err:
        raise CameraTimedOut(_TIMED_OUT, host=host) from err
    if facts.main is None or not facts.main.uri:
        reason = next((p for p in facts.problems if p in _NO_MAIN_STREAM), None)
        template = _NO_MAIN_STREAM_OTHER if reason is None else _NO_MAIN_STREAM[reason]
        raise StreamFailed(template, host=host)
    return facts


async def _addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now, once, at onboarding: a camera added by name may give
    its stream at one of them. An address needs no resolving; a name that does not resolve has
    none (connecting to it fails next, in plain words)."""
    bare = host.strip().strip("[]")
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        pass
    else:
        return [bare]
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            bare, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except OSError:
        return []
    return sorted({str(sockaddr[0]).split("%")[0] for *_, sockaddr in found})


def onboard_blocking(
    loop: DeviceLoop, host: str, port: int, user: str, password: str, *, timeout: float = 10.0
) -> DeviceFacts:
    """onboard() on the device loop, waited for by a worker thread (a job, the CLI)."""
    return loop.run(onboard(host, port, user, password, timeout=timeout))


# -- snapshot ------------------------------------------------------------------------------------


def _unverified_tls() -> ssl.SSLContext:
    # Cameras present self-signed certificates; there is nothing to verify them against.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def fetch_snapshot(
    uri: str,
    login: CameraLogin,
    *,
    timeout: float = 10.0,
    max_bytes: int = 8_000_000,
) -> bytes:
    """The camera's snapshot (a JPEG or a PNG, see snapshot_format) from `uri` (GetSnapshotUri),
    logging in with HTTP Digest or Basic as the camera asks. A body over `max_bytes` is refused
    without reading it all; a `uri` on another host than `login`'s raises ForeignHost, and
    nothing is sent there."""
    target = _without_userinfo(uri)
    host = _hostname(target)
    if urlsplit(target).scheme not in ("http", "https") or not host:
        raise SnapshotFailed(_SNAPSHOT_NO_HTTP, host=host or target)
    user, password = login.for_uri(target, Purpose.SNAPSHOT)
    connector = aiohttp.TCPConnector(ssl=_unverified_tls())
    async with aiohttp.ClientSession(connector=connector) as session:
        try:
            async with asyncio.timeout(timeout):
                status, body = await _get_snapshot(session, target, user, password, max_bytes)
        except _CAMERA_FAILURES as err:
            raise _camera_error(err, host) from err
    if status == 401:
        raise WrongLogin(_WRONG_LOGIN, host=host)
    if status != 200:
        raise SnapshotFailed(_SNAPSHOT_STATUS, host=host, status=status)
    if snapshot_format(body) is None:
        raise SnapshotFailed(_SNAPSHOT_NOT_JPEG, host=host)
    return body


async def _get_snapshot(
    session: aiohttp.ClientSession, url: str, user: str, password: str, max_bytes: int
) -> tuple[int, bytes]:
    # The Digest middleware first asks without a login and answers a Digest challenge itself;
    # Basic is sent only when the camera's challenge asks for it.
    digest = aiohttp.DigestAuthMiddleware(user, password)
    async with session.get(url, middlewares=(digest,), allow_redirects=False) as response:
        challenge = response.headers.get("WWW-Authenticate", "")
        if response.status != 401 or not challenge.lower().startswith("basic"):
            return response.status, await _read_limited(response, max_bytes)
    basic = {"Authorization": aiohttp.encode_basic_auth(user, password)}
    async with session.get(url, headers=basic, allow_redirects=False) as response:
        return response.status, await _read_limited(response, max_bytes)


def fetch_snapshot_blocking(
    loop: DeviceLoop,
    uri: str,
    login: CameraLogin,
    *,
    timeout: float = 10.0,
    max_bytes: int = 8_000_000,
) -> bytes:
    """fetch_snapshot() on the device loop, waited for by a worker thread."""
    return loop.run(fetch_snapshot(uri, login, timeout=timeout, max_bytes=max_bytes))


# -- RTSP: one keyframe, or whether the stream flows ---------------------------------------------


@contextlib.contextmanager
def _open_stream(uri: str, login: CameraLogin, timeout: float) -> Iterator[Any]:
    """The stream at `uri` open as live view and recording open theirs (devices/media/ingest.py
    `open_stream`, its errors and their words), its reads waiting up to `timeout`."""
    opened = ingest.open_stream(uri, login, timeout=timeout, read_timeout=timeout)
    try:
        yield opened.container
    finally:
        opened.close()


def _packed_rgb(frame: av.VideoFrame) -> Still:
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    data = bytes(plane)
    row = 3 * rgb.width
    stride = plane.line_size
    packed = (
        data[: row * rgb.height]
        if stride == row
        else b"".join(data[i * stride : i * stride + row] for i in range(rgb.height))
    )
    return Still(width=rgb.width, height=rgb.height, rgb=packed)


def grab_keyframe(uri: str, login: CameraLogin, *, timeout: float = 10.0) -> Still:
    """The first keyframe of the RTSP stream at `uri`, decoded to packed RGB24 (blocking; run it
    on a worker thread). Raises the stream's errors (devices/media/ingest.py: WrongLogin,
    CameraUnreachable, StreamRefused, NoVideo, all StreamFailed but the login's) or
    ForeignHost."""
    deadline = time.monotonic() + timeout
    failure: CameraError | None = None
    with _open_stream(uri, login, timeout) as container:
        video = container.streams.video[0]
        started = False
        try:
            for packet in container.demux(video):
                if time.monotonic() > deadline:
                    break
                if not started and not packet.is_keyframe:
                    continue
                started = True
                for frame in packet.decode():
                    return _packed_rgb(frame)
        except av.error.FFmpegError as err:
            failure = ingest.read_error(err)
    raise failure or ingest.NoVideo(ingest.NO_PICTURE)


def _stream_flows(uri: str, login: CameraLogin, timeout: float) -> CameraError | None:
    """None if the stream opens (DESCRIBE, SETUP, PLAY) and sends a packet within `timeout`: a
    stalled camera keeps its sessions open but sends nothing, and is not healthy."""
    failure: CameraError | None = None
    try:
        with _open_stream(uri, login, timeout) as container:
            try:
                for _packet in container.demux():
                    return None
            except av.error.FFmpegError as err:
                failure = ingest.read_error(err)
    except CameraError as err:
        return err
    return failure or ingest.NoVideo(ingest.NO_PICTURE)


# -- health --------------------------------------------------------------------------------------


async def _clock_probe(
    host: str, port: int, login: CameraLogin, timeout: float
) -> tuple[bool, float | None, str]:
    """(reachable, clock offset, error text) from GetSystemDateAndTime."""
    async with open_camera(host, port, login, timeout=timeout) as camera:
        sent = time.time()
        try:
            device = await camera.create_devicemgmt_service()
            try:
                answer = await device.authless_GetSystemDateAndTime()
            except (_LoginRefused, zeep.exceptions.Fault):
                sent = time.time()
                answer = await device.GetSystemDateAndTime()
        except _LoginRefused as err:
            return True, None, _camera_error(err, host).message
        except zeep.exceptions.Fault:
            return True, None, ""
        except _CAMERA_FAILURES as err:
            error = _camera_error(err, host)
            reachable = not isinstance(error, CameraUnreachable | CameraTimedOut)
            return reachable, None, error.message
        moment = _camera_time(answer)
        if moment is None:
            return True, None, ""
        ours = (sent + time.time()) / 2
        return True, round(moment.timestamp() + 0.5 - ours, 3), ""


async def check_health(
    host: str,
    port: int,
    login: CameraLogin,
    stream_uri: str | None,
    *,
    timeout: float = 10.0,
) -> Health:
    """One health check: is the camera's ONVIF service answering (and how far off is its clock),
    and does `stream_uri` open and send video (None: the stream is known to flow, e.g. open in
    the media hub, and is not opened a second time). Never raises for the camera's faults; a
    stream on another host than `login`'s is not opened and is the check's error."""
    if stream_uri is None:
        stream_check: Awaitable[CameraError | None] = _flowing()
    elif stream_uri:
        stream_check = asyncio.to_thread(_stream_flows, stream_uri, login, timeout)
    else:
        stream_check = _no_stream(host)
    try:
        async with asyncio.timeout(timeout * _BUDGET_FACTOR):
            (reachable, offset, onvif_error), stream_error = await asyncio.gather(
                _clock_probe(host, port, login, timeout), stream_check
            )
    except TimeoutError:
        return Health(False, False, None, CameraTimedOut(_TIMED_OUT, host=host).message)
    error = onvif_error or (stream_error.message if stream_error is not None else "")
    return Health(
        reachable=reachable,
        stream_ok=stream_error is None,
        clock_offset_s=offset,
        error=error,
    )


async def _flowing() -> CameraError | None:
    return None


async def _no_stream(host: str) -> CameraError:
    return StreamFailed(_NO_STREAM_URI, host=host)


def check_health_blocking(
    loop: DeviceLoop,
    host: str,
    port: int,
    login: CameraLogin,
    stream_uri: str | None,
    *,
    timeout: float = 10.0,
) -> Health:
    """check_health() on the device loop, waited for by a worker thread."""
    return loop.run(check_health(host, port, login, stream_uri, timeout=timeout))
