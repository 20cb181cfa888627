"""Two network namespaces joined by a veth pair, for the simulated site's multicast (WS-Discovery).

Multicast must never leave through the host's interfaces, so the simulated cameras run in a
device namespace and the client under test in a client namespace (see PEERS.md, "Network
namespaces"). The veth pair is created inside the device namespace with its peer placed straight
into the client namespace, so no interface ever appears on the host. Names carry a short random
suffix so that parallel runs do not collide, and the /24 subnet 10.213.x.0 is chosen from it.

    with NamespacePair() as pair:
        cameras = pair.add_device_addresses(3)  # 10.213.x.10, .11, .12
        subprocess.run([*pair.exec_prefix(pair.device_ns), sys.executable, ...])

Needs root and the `ip` command (iproute2); `can_create_namespaces()` says whether both are there.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import zlib

from console.errors import N_, KnownError
from devices import processes

MULTICAST_NET = "224.0.0.0/4"
PREFIX_LENGTH = 24
#: Extra device addresses start here, clear of the pair's own .2 (device) and .3 (client).
FIRST_EXTRA_HOST = 10
_LAST_HOST = 254
#: Interface names are at most 15 characters (IFNAMSIZ - 1): "utk-vcam-" leaves 6 for the suffix.
_SUFFIX = re.compile(r"[0-9a-z]{1,6}")
_IP_TIMEOUT_S = 10.0

_NOT_LINUX = N_("Network namespaces exist only on Linux.")
_NOT_ROOT = N_("Creating network namespaces needs root privileges.")
_NO_IP = N_("Creating network namespaces needs the ip command (Debian package iproute2).")
_COMMAND_FAILED = N_(
    "Could not set up the simulated site's network namespaces: {command} failed: {detail}"
)


class NamespaceError(KnownError):
    """The network namespaces for the simulated site cannot be created or removed."""


def can_create_namespaces() -> tuple[bool, str]:
    """Whether this process can create namespaces (Linux, root, `ip` present); else why not."""
    if sys.platform != "linux":
        return False, _NOT_LINUX
    if os.geteuid() != 0:
        return False, _NOT_ROOT
    if shutil.which("ip") is None:
        return False, _NO_IP
    return True, ""


def _ip(*args: str) -> None:
    command = ["ip", *args]
    try:
        done = processes.run(
            command, capture_output=True, text=True, timeout=_IP_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise NamespaceError(_COMMAND_FAILED, command=" ".join(command), detail=str(err)) from err
    if done.returncode != 0:
        detail = done.stderr.strip() or f"exit status {done.returncode}"
        raise NamespaceError(_COMMAND_FAILED, command=" ".join(command), detail=detail)


def namespace_names() -> set[str]:
    """The names of the network namespaces that exist now (`ip netns list`)."""
    command = ["ip", "netns", "list"]
    try:
        done = processes.run(
            command, capture_output=True, text=True, timeout=_IP_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise NamespaceError(_COMMAND_FAILED, command=" ".join(command), detail=str(err)) from err
    # Lines read "name" or "name (id: 3)".
    return {line.split()[0] for line in done.stdout.splitlines() if line.strip()}


class NamespacePair:
    """A device and a client namespace joined by a veth pair on 10.213.x.0/24.

    The device side has 10.213.x.2 (plus any `add_device_addresses`), the client side 10.213.x.3;
    loopback is up in both and 224.0.0.0/4 is routed over the veth in both.
    """

    def __init__(self, suffix: str | None = None) -> None:
        suffix = secrets.token_hex(3) if suffix is None else suffix
        if not _SUFFIX.fullmatch(suffix):
            raise ValueError(f"the suffix must be 1 to 6 of [0-9a-z], not {suffix!r}")
        self.suffix = suffix
        self.device_ns = f"utk-cam-{suffix}"
        self.client_ns = f"utk-cli-{suffix}"
        self.device_interface = f"utk-vcam-{suffix}"
        self.client_interface = f"utk-vcli-{suffix}"
        # 1..254 from the suffix, so parallel pairs rarely share a subnet (they would still work:
        # each pair has its own namespaces), which keeps captures and logs unambiguous.
        subnet = zlib.crc32(suffix.encode()) % _LAST_HOST + 1
        self.network = f"10.213.{subnet}"
        self.device_address = f"{self.network}.2"
        self.client_address = f"{self.network}.3"
        self.extra_addresses: list[str] = []
        self._created: list[str] = []

    @property
    def running(self) -> bool:
        return bool(self._created)

    def exec_prefix(self, ns: str) -> list[str]:
        """The command prefix that runs a program inside namespace `ns`."""
        return ["ip", "netns", "exec", ns]

    def start(self) -> None:
        if self._created:
            return
        ok, reason = can_create_namespaces()
        if not ok:
            raise NamespaceError(reason)
        try:
            self._create()
        except BaseException:
            # Half-created: remove what exists, and report the original failure.
            with contextlib.suppress(NamespaceError):
                self.stop()
            raise

    def _create(self) -> None:
        for ns in (self.device_ns, self.client_ns):
            _ip("netns", "add", ns)
            self._created.append(ns)
        dev, cli = self.device_interface, self.client_interface
        # Created inside the device namespace with the peer placed in the client namespace: the
        # pair never exists on the host, even for a moment.
        veth = ["link", "add", dev, "type", "veth", "peer", "name", cli, "netns", self.client_ns]
        _ip("-n", self.device_ns, *veth)
        for ns, interface, address in (
            (self.device_ns, dev, self.device_address),
            (self.client_ns, cli, self.client_address),
        ):
            _ip("-n", ns, "addr", "add", f"{address}/{PREFIX_LENGTH}", "dev", interface)
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip("-n", ns, "link", "set", interface, "up")
            _ip("-n", ns, "route", "add", MULTICAST_NET, "dev", interface)

    def add_device_addresses(self, n: int) -> list[str]:
        """Add n more addresses to the device side (.10, .11, ...: one per camera); return them."""
        if not self._created:
            raise RuntimeError("start the namespace pair first")
        first = FIRST_EXTRA_HOST + len(self.extra_addresses)
        if n < 0 or first + n - 1 > _LAST_HOST:
            raise ValueError(f"cannot add {n} addresses after {len(self.extra_addresses)}")
        added = []
        dev = self.device_interface
        for host in range(first, first + n):
            address = f"{self.network}.{host}"
            _ip("-n", self.device_ns, "addr", "add", f"{address}/{PREFIX_LENGTH}", "dev", dev)
            self.extra_addresses.append(address)
            added.append(address)
        return added

    def stop(self) -> None:
        """Delete both namespaces (and with them the veth pair). Safe to call again."""
        failures = []
        # Only names this pair created: an `ip netns add` that failed because the name exists
        # must not lead to deleting somebody else's namespace.
        for ns in reversed(list(self._created)):
            try:
                _ip("netns", "del", ns)
            except NamespaceError as err:
                if ns in namespace_names():
                    failures.append(err)
                    continue
            self._created.remove(ns)
        self.extra_addresses.clear()
        if failures:
            raise failures[0]

    def __enter__(self) -> NamespacePair:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
