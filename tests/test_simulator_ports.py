"""The simulated site beside other programs: its WS-Discovery responders share UDP 3702 with
other WS-Discovery listeners, and `utkik demo` finds loopback addresses whose ports are free, or
names the process that holds them."""

from __future__ import annotations

import os
import random
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from console.runtime import DeviceLoop
from devices.discovery import scan_range
from devices.simulator.discovery import DiscoveryResponder
from devices.simulator.onvif import DeviceConfig, stream_uris
from devices.simulator.site import SiteStartFailed, free_site_addresses, port_holder

BLOCK = random.randrange(1, 255)


@contextmanager
def _listener(address: str, port: int) -> Iterator[socket.socket]:
    """Another program's WS-Discovery listener, as such listeners bind: with address reuse."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((address, port))
    except OSError as err:
        sock.close()
        pytest.skip(f"cannot bind {address}:{port} here ({err.strerror})")
    try:
        yield sock
    finally:
        sock.close()


def _stream(address: str) -> str:
    return stream_uris(address, 8554, "camera")[0]


def test_the_responder_runs_beside_another_listener_on_its_address() -> None:
    address = f"127.52.{BLOCK}.2"
    config = DeviceConfig(
        name="Stora torget", address=address, port=8080, main_stream_uri=_stream(address)
    )
    with _listener(address, 3702), DiscoveryResponder(config) as responder:
        assert responder._sock is not None


def test_the_responder_beside_a_wildcard_listener_still_answers_its_probes(
    device_loop: DeviceLoop,
) -> None:
    address = f"127.52.{BLOCK}.3"
    config = DeviceConfig(
        name="Berga centrum", address=address, port=8080, main_stream_uri=_stream(address)
    )
    with _listener("0.0.0.0", 3702), DiscoveryResponder(config) as responder:
        # Generous: under a loaded CI the responder thread can take a while to answer.
        found = scan_range(device_loop, [address], onvif_port=1, ports=(), timeout=3.0)
        assert responder.probes_answered >= 1
    assert [d.name for d in found] == ["Berga centrum"]


def test_the_demo_moves_to_free_addresses_and_names_who_holds_the_port() -> None:
    taken = f"127.53.{BLOCK}.2"
    holder = socket.socket()
    holder.bind((taken, 0))
    holder.listen(1)
    port = int(holder.getsockname()[1])
    try:
        who = str(port_holder(taken, port))
        assert f"process {os.getpid()}" in who
        # The process's own name as the kernel knows it (python, pytest, ...).
        assert Path("/proc/self/comm").read_text().strip() in who

        addresses = free_site_addresses(taken, 3, (port,))
        assert taken not in addresses
        assert len(addresses) == 3
        for address in addresses:
            with socket.socket() as probe:
                probe.bind((address, port))  # free indeed

        with pytest.raises(SiteStartFailed) as caught:
            free_site_addresses(taken, 3, (port,), blocks=1)
        message = caught.value.message
        assert f"Port {port} on {taken}" in message
        assert f"process {os.getpid()}" in message
        assert f"kill {os.getpid()}" in message
    finally:
        holder.close()
