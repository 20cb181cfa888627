"""The guard that keeps the suite on this machine (tests/netguard.py) stops what it must: each
attempt meets a tripwire in place of the real socket call, so nothing is sent even if it did not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests import netguard
from tests.conftest import IN_CI, TOP


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, ("10.0.0.1", 554)),
        (socket.AF_INET, ("192.0.2.1", 80)),
        (socket.AF_INET, ("0.0.0.0", 80)),
        (socket.AF_INET6, ("2001:db8::1", 80, 0, 0)),
        (socket.AF_INET6, ("::ffff:10.0.0.1", 80, 0, 0)),
    ],
)
def test_a_connection_beyond_this_machine_is_stopped(
    family: socket.AddressFamily, address: tuple[object, ...]
) -> None:
    with netguard.caught() as seen, netguard.tripwires() as reached:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            with pytest.raises(netguard.NetworkGuardError, match="reaches only this machine"):
                sock.connect(address)
            with pytest.raises(netguard.NetworkGuardError):
                sock.connect_ex(address)
        finally:
            sock.close()
    assert reached == []
    assert len(seen) == 2
    assert str(address[0]) in seen[0]


def test_a_datagram_beyond_this_machine_is_stopped() -> None:
    with netguard.caught() as seen, netguard.tripwires() as reached:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            with pytest.raises(netguard.NetworkGuardError):
                sock.sendto(b"probe", ("239.255.255.250", 3702))
            with pytest.raises(netguard.NetworkGuardError):
                sock.sendmsg([b"probe"], [], 0, ("192.0.2.7", 3702))
        finally:
            sock.close()
    assert reached == []
    assert "239.255.255.250" in seen[0]


@pytest.mark.parametrize(
    "lookup",
    [
        lambda: socket.getaddrinfo("camera.example", 80),
        lambda: socket.getaddrinfo(b"camera.example", 80),
        lambda: socket.gethostbyname("camera.example"),
        lambda: socket.gethostbyname_ex("camera.example"),
        lambda: socket.gethostbyaddr("192.0.2.1"),
        lambda: socket.getfqdn("127.0.0.5x"),
        lambda: socket.getfqdn(),
        lambda: socket.getnameinfo(("192.0.2.1", 80), 0),
    ],
)
def test_a_name_lookup_is_stopped(lookup: object) -> None:
    assert callable(lookup)
    with (
        netguard.caught() as seen,
        netguard.tripwires() as reached,
        pytest.raises(netguard.NetworkGuardError),
    ):
        lookup()
    assert reached == []
    assert len(seen) == 1


def test_loopback_and_literals_pass() -> None:
    # These reach the real calls (the tripwires stand in for them).
    with netguard.caught() as seen, netguard.tripwires() as reached:
        for call in (
            lambda: socket.getaddrinfo("localhost", 80),
            lambda: socket.getaddrinfo("127.0.0.7", 80),
            lambda: socket.getaddrinfo("10.0.0.1", 80),  # a literal: no query, connect is checked
            lambda: socket.getaddrinfo(None, 80),
            lambda: socket.gethostbyaddr("127.0.0.1"),
        ):
            with pytest.raises(OSError, match="tripwire"):
                call()
    assert seen == []
    assert reached == [
        "getaddrinfo",
        "getaddrinfo",
        "getaddrinfo",
        "getaddrinfo",
        "gethostbyaddr",
    ]
    server = socket.create_server(("127.0.0.1", 0))
    with server, socket.create_connection(server.getsockname()[:2], timeout=5):
        pass


def test_an_attempt_the_code_swallowed_still_fails_its_test() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/netguard_probe.py"],
        cwd=TOP,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "tried to reach beyond this machine" in ran.stdout
    assert "a name lookup of 'camera.example'" in ran.stdout


def test_under_ci_the_suite_runs_in_a_network_namespace_of_its_own() -> None:
    """installer/check.sh starts pytest with `unshare --net` (root) and only `lo` up: then no
    packet from C code (FFmpeg, libvlc, GStreamer) or a subprocess leaves either."""
    if IN_CI or os.environ.get("UTKIK_TEST_NETNS") == "1":
        assert netguard.in_private_namespace(), socket.if_nameindex()
    else:
        # A developer's run outside check.sh: the Python guard alone; still true of this test.
        assert netguard.is_loopback("127.0.0.1")
