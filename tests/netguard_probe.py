"""Not collected by the suite (the name does not start with test_): tests/test_netguard.py runs it
in a pytest of its own to show that an attempt the code swallowed still fails its test."""

from __future__ import annotations

import contextlib
import socket

from tests import netguard


def test_swallows_an_attempt() -> None:
    # What careless code does: swallow the error. The guard's record fails the test anyway.
    with netguard.tripwires() as reached, contextlib.suppress(OSError):
        socket.getaddrinfo("camera.example", 80)
    assert reached == []
