"""The suite talks only to this machine: a guard inside the test process.

`installer/check.sh` runs pytest in a network namespace of its own with only the loopback
interface up, which stops every packet, from Python and from C (FFmpeg, libvlc, GStreamer) alike.
This guard is the second line, for runs outside such a namespace (a developer without root) and
for a clear message: a connection to an address that is not loopback, or a name lookup of anything
but localhost, raises at once — before a packet or a DNS query leaves — and fails the test that
made it, naming what was tried, even when the code under test swallowed the error.

Subprocesses are not covered here; the namespace covers them.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Names that resolve from /etc/hosts on every Debian machine, never through DNS.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class NetworkGuardError(OSError):
    """An attempt to reach beyond this machine. An OSError (ENETUNREACH, as in the namespace)
    so that code under test takes its usual error path; the test fails all the same."""


_lock = threading.Lock()
_attempts: list[str] = []
_saved: dict[str, Any] = {}


def attempts() -> list[str]:
    """What was tried since the last `take_attempts()`."""
    with _lock:
        return list(_attempts)


def take_attempts() -> list[str]:
    with _lock:
        taken = list(_attempts)
        _attempts.clear()
    return taken


def _refuse(what: str) -> NetworkGuardError:
    with _lock:
        _attempts.append(what)
    return NetworkGuardError(
        errno.ENETUNREACH,
        f"the test suite reaches only this machine: {what} was stopped (tests/netguard.py)",
    )


def is_loopback(host: object) -> bool:
    """A loopback address literal (127.0.0.0/8, ::1), or a local name."""
    if not isinstance(host, str):
        return False
    text = host.split("%", 1)[0]
    if text.lower() in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _is_literal(host: object) -> bool:
    if not isinstance(host, str):
        return False
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _inet(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


def _check_address(sock: socket.socket, address: Any, verb: str) -> None:
    if not _inet(sock) or not isinstance(address, tuple) or not address:
        return
    host = address[0]
    if not is_loopback(host):
        raise _refuse(f"{verb} to {host!r} port {address[1] if len(address) > 1 else '?'}")


def install() -> None:
    """Patch the socket module (idempotent)."""
    if _saved:
        return
    real_socket = socket.socket
    _saved.update(
        connect=real_socket.connect,
        connect_ex=real_socket.connect_ex,
        sendto=real_socket.sendto,
        sendmsg=real_socket.sendmsg,
        getaddrinfo=socket.getaddrinfo,
        gethostbyname=socket.gethostbyname,
        gethostbyname_ex=socket.gethostbyname_ex,
        gethostbyaddr=socket.gethostbyaddr,
        getfqdn=socket.getfqdn,
        getnameinfo=socket.getnameinfo,
    )

    # The real functions are looked up at each call, so the guard's own test can put a tripwire
    # in their place and prove that nothing reached them.
    def real(name: str) -> Callable[..., Any]:
        function: Callable[..., Any] = _saved[name]
        return function

    def connect(self: socket.socket, address: Any) -> None:
        _check_address(self, address, "a connection")
        real("connect")(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check_address(self, address, "a connection")
        return int(real("connect_ex")(self, address))

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        _check_address(self, args[-1] if args else None, "a datagram")
        return int(real("sendto")(self, data, *args))

    def sendmsg(self: socket.socket, buffers: Any, *args: Any) -> int:
        if len(args) >= 3:
            _check_address(self, args[2], "a datagram")
        return int(real("sendmsg")(self, buffers, *args))

    def resolvable(host: object) -> bool:
        return host is None or host == "" or is_loopback(host) or _is_literal(host)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if not resolvable(host):
            raise _refuse(f"a name lookup of {host!r}")
        return real("getaddrinfo")(host, *args, **kwargs)

    def gethostbyname(host: str) -> str:
        if not resolvable(host):
            raise _refuse(f"a name lookup of {host!r}")
        return str(real("gethostbyname")(host))

    def gethostbyname_ex(host: str) -> Any:
        if not resolvable(host):
            raise _refuse(f"a name lookup of {host!r}")
        return real("gethostbyname_ex")(host)

    def gethostbyaddr(host: str) -> Any:
        if not is_loopback(host):
            raise _refuse(f"a reverse lookup of {host!r}")
        return real("gethostbyaddr")(host)

    def getfqdn(name: str = "") -> str:
        if not is_loopback(name):
            raise _refuse(f"socket.getfqdn({name!r}) (a reverse DNS query)")
        return "localhost"

    def getnameinfo(address: Any, flags: int) -> Any:
        numeric = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
        if flags & numeric != numeric and not is_loopback(address[0]):
            raise _refuse(f"a reverse lookup of {address[0]!r}")
        return real("getnameinfo")(address, flags)

    real_socket.connect = connect  # type: ignore[method-assign]
    real_socket.connect_ex = connect_ex  # type: ignore[method-assign]
    real_socket.sendto = sendto  # type: ignore[method-assign,assignment]
    real_socket.sendmsg = sendmsg  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex
    socket.gethostbyaddr = gethostbyaddr
    socket.getfqdn = getfqdn
    socket.getnameinfo = getnameinfo


def uninstall() -> None:
    if not _saved:
        return
    real_socket = socket.socket
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(real_socket, name, _saved[name])
    for name in (
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
        "getfqdn",
        "getnameinfo",
    ):
        setattr(socket, name, _saved[name])
    _saved.clear()


@contextmanager
def caught() -> Iterator[list[str]]:
    """For the guard's own tests: the attempts made inside, taken out of the test's account."""
    before = take_attempts()
    seen: list[str] = []
    try:
        yield seen
    finally:
        seen.extend(take_attempts())
        with _lock:
            _attempts.extend(before)


def in_private_namespace() -> bool:
    """Whether this process sees no network interface but loopback (check.sh's namespace).
    Reads the interface list only: nothing is sent."""
    return {name for _index, name in socket.if_nameindex()} <= {"lo"}


@contextmanager
def tripwires() -> Iterator[list[str]]:
    """For the guard's own tests: the real socket functions replaced by recorders, so a test
    can show that the guard stopped an attempt without anything being sent had it not."""
    reached: list[str] = []
    originals = dict(_saved)

    def recorder(name: str) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> Any:
            reached.append(name)
            raise OSError(errno.EPERM, f"tripwire: {name} was reached")

        return record

    with _lock:
        for name in originals:
            _saved[name] = recorder(name)
    try:
        yield reached
    finally:
        with _lock:
            _saved.update(originals)
