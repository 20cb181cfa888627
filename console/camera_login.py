"""A camera's login, bound to the host the technician added it at.

Every adapter that sends a camera's user name and password (an RTSP URL with userinfo, HTTP
Digest or Basic for a snapshot, WS-Security and HTTP for ONVIF) gets them only from a
`CameraLogin`, and only for a URL on the camera's own host: a camera (or whoever answers in its
place) names the addresses of its streams, snapshots and services, and must not be able to make
the console send its login to another machine. A URL on another host raises `ForeignHost` before
anything is sent there; a technician may accept a named other host for one camera (its network
video recorder or a stream proxy), which is then stored with the camera and logged.

Hosts are compared after normalising (lower case, no IPv6 brackets, no trailing dot, IDNA for
international names, IP addresses in their canonical form). A camera added by name may also be
reached at the addresses the name resolved to when it was onboarded (`DeviceFacts.addresses`);
a name is never resolved again to decide whether a URL is the camera's. Ports are not compared:
a camera serves ONVIF, RTSP and snapshots on ports of their own.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

from console.camera_facts import CameraError, DeviceFacts
from console.errors import N_

__all__ = [
    "CameraLogin",
    "ForeignHost",
    "Purpose",
    "foreign_host_of",
    "host_of",
    "is_host",
    "normalise_host",
]

#: A host name after normalising: dot-separated labels of letters, digits, "-" and "_".
_NAME = re.compile(
    r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*"
)


class Purpose(enum.Enum):
    """What a URL is for (named in the refusal, and the step where the wizard shows it)."""

    STREAM = "stream"
    SNAPSHOT = "snapshot"
    SERVICE = "connect"


_FOREIGN: dict[Purpose, str] = {
    Purpose.STREAM: N_(
        "The camera at {host} gave an address on another host ({other}) for its video stream; "
        "its login is not sent there."
    ),
    Purpose.SNAPSHOT: N_(
        "The camera at {host} gave an address on another host ({other}) for its snapshots; "
        "its login is not sent there."
    ),
    Purpose.SERVICE: N_(
        "The camera at {host} gave an address on another host ({other}) for one of its "
        "services; its login is not sent there."
    ),
}


class ForeignHost(CameraError):
    """A URL the camera gave names another host than the camera's (and not one accepted for
    it): nothing was sent there."""

    def __init__(self, purpose: Purpose, host: str, other: str) -> None:
        super().__init__(_FOREIGN[purpose], host=host, other=other)
        self.step = purpose.value
        self.other = other


def normalise_host(host: str) -> str:
    """`host` as it is compared: lower case, without IPv6 brackets or a trailing dot, an
    international name in IDNA (xn--) form, an IP address in its canonical form."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.rstrip(".").lower()
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        pass
    try:
        return text.encode("idna").decode("ascii")
    except UnicodeError:
        # Not a valid name at all: compared as it is (it matches nothing but itself).
        return text


def is_host(host: str) -> bool:
    """Whether normalised `host` is an IP address or a host name (not a URL, not host:port)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return len(host) <= 253 and _NAME.fullmatch(host) is not None
    return True


def host_of(url: str) -> str:
    """The normalised host of `url` ("" when it has none or cannot be parsed)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return normalise_host(host) if host else ""


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


@dataclass(frozen=True, slots=True)
class CameraLogin:
    """A camera's user name and password, given out only for URLs on the camera's host.

    Make one with `bind()` or `for_facts()`. Neither the login nor its parts appear in `repr`."""

    #: The host the technician added the camera at, normalised.
    host: str
    #: The addresses `host` resolved to at onboarding (a name is not resolved again).
    addresses: frozenset[str] = frozenset()
    #: Other hosts a technician accepted for this camera (its recorder, a stream proxy).
    trusted: frozenset[str] = frozenset()
    _secret: tuple[str, str] = field(default=("", ""), repr=False, compare=False)

    @classmethod
    def bind(
        cls,
        host: str,
        user: str,
        password: str,
        *,
        addresses: Iterable[str] = (),
        trusted: Iterable[str] = (),
    ) -> CameraLogin:
        return cls(
            host=normalise_host(host),
            addresses=frozenset(normalise_host(a) for a in addresses),
            trusted=frozenset(normalise_host(t) for t in trusted),
            _secret=(user, password),
        )

    @classmethod
    def for_facts(cls, facts: DeviceFacts, user: str, password: str) -> CameraLogin:
        """The login of the camera onboarding learnt `facts` of."""
        return cls.bind(
            facts.host,
            user,
            password,
            addresses=facts.addresses,
            trusted=facts.trusted_hosts,
        )

    def allows(self, host: str) -> bool:
        """Whether the login may be sent to `host` (the camera's own, or one accepted for it)."""
        wanted = normalise_host(host)
        return bool(wanted) and (
            wanted == self.host or wanted in self.addresses or wanted in self.trusted
        )

    def check(self, url: str, purpose: Purpose) -> None:
        """Raises ForeignHost unless `url` is on a host the login may be sent to."""
        other = host_of(url)
        if not self.allows(other):
            raise ForeignHost(purpose, self.host, other or url[:80])

    def for_uri(self, url: str, purpose: Purpose) -> tuple[str, str]:
        """(user, password) to log in at `url` with; ForeignHost for another host's URL."""
        self.check(url, purpose)
        return self._secret

    def url_with_login(self, url: str, purpose: Purpose) -> str:
        """`url` with `user:password@` percent-encoded into it (how FFmpeg's RTSP client takes a
        login), replacing any login it had; ForeignHost for another host's URL."""
        user, password = self.for_uri(url, purpose)
        parts = urlsplit(url.strip())
        netloc = _netloc(parts.hostname or "", parts.port)
        login = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user or password else ""
        return urlunsplit(parts._replace(netloc=login + netloc))


def foreign_host_of(facts: DeviceFacts) -> str:
    """The first host other than the camera's (and not accepted for it) that its stream or
    snapshot addresses name, "" when there is none."""
    login = CameraLogin.for_facts(facts, "", "")
    uris = (facts.main.uri if facts.main else "", facts.sub.uri if facts.sub else "")
    for uri in (*uris, facts.snapshot_uri):
        host = host_of(uri)
        if uri and host and not login.allows(host):
            return host
    return ""
