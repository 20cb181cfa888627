"""Discovery and onboarding benchmarks (P10): find 50 simulated cameras by an address-range scan
and by multicast WS-Discovery, then onboard them, each beside a reference from the same run.

    .venv/bin/python benchmarks/bench_discovery.py [--cameras N] [--rounds R]

range      `devices.discovery.scan_range` over 127.22.<b>.1-127.22.<b>.254 (254 addresses, the
           cameras on .2 and up), with the CLI's ports (80, 8080) plus the site's ONVIF port:
           time from the call to the first camera reported by `on_found`, and to the last.
           Targets: first ≤ 1 s, all ≤ 3 s. Loopback refuses a dead address at once (TCP RST,
           ICMP port unreachable), where on a LAN a silent address costs the scan's timeout.
           Reference: the floor, a bare unicast Probe on UDP 3702 to each of the 254 addresses
           from one thread at once, without the HTTP calls, the parsing or the bookkeeping.
multicast  `devices.discovery.probe_multicast` (every interface that is up, the 3 s window)
           in the client namespace of `utkik simulate --namespace --cameras N`, run with
           `ip netns exec`: time to the first and to the last camera. Targets: first ≤ 1 s,
           every camera within the 3 s window. Reference: one bare multicast Probe out of the
           same interface, its answers counted. Skipped where namespaces cannot be made.
onboarding `devices.onvif_client.onboard` of every camera the range scan found, all at once in
           one event loop (`asyncio.gather`), against the same calls made one camera after
           another, in the same run, the modes interleaved over the rounds; medians kept.
           Target: ≤ 0.3× the one-after-another time. For comparison (no target): a bounded
           gather, 6 threads each waiting for `onboard_blocking` on one device loop (as the
           console's workers onboard), and both
           modes against a site whose HTTP server sets TCP_NODELAY (see --no-prompt-site).

The site of the range scan and of onboarding runs in a child process of its own, so that its
CPU does not compete with the measuring process for one GIL, on 127.22.<random>.2 and up with
free ports, 320×180 main and 160×90 sub streams, without sensors.

The table goes to stdout, the numbers to benchmarks/results/discovery.json; exit status 1 if a
target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import platform
import random
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from console.camera_facts import CameraError, DeviceFacts, DiscoveredDevice
from console.runtime import DeviceLoop
from devices.discovery import DISCOVERY_PORT, parse_range, scan_range
from devices.onvif_client import onboard, onboard_blocking
from devices.simulator.namespace import can_create_namespaces
from devices.simulator.site import SimulatedSite, SiteOptions, free_port, random_credentials

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "discovery.json"
#: The site's own default (SimulatedSite with cache_dir=None), shared with `utkik simulate`.
CLIP_CACHE = Path.home() / ".cache" / "utkik" / "clips"
MAIN_SIZE = (320, 180)
SUB_SIZE = (160, 90)
FIRST_LIMIT_S = 1.0
#: The multicast probe window (the product's default), also the limit for a complete answer.
WINDOW_S = 3.0
ONBOARD_LIMIT = 0.3
#: The ports `utkik discover --range` tries besides the site's own.
CLI_PORTS = (80, 8080)
#: What `utkik demo` onboards with today (ui/demo.py: ThreadPoolExecutor(max_workers=6)).
DEMO_THREADS = 6
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROBE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"'
    ' xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"'
    ' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"'
    ' xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
    "<s:Header><a:MessageID>{message_id}</a:MessageID>"
    "<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
    "<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>"
    "<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>"
    "</s:Envelope>"
)


def probe_message() -> bytes:
    """A WS-Discovery Probe for dn:NetworkVideoTransmitter with a new MessageID."""
    import uuid

    return PROBE.format(message_id=uuid.uuid4().urn).encode()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of every thread of process `pid` so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


# -- the site, in a process of its own ----------------------------------------------------------


def _serve_site(conn: Connection, options: SiteOptions, cache_dir: Path, nodelay: bool) -> None:
    """The child: starts the site, stops it when told."""
    if nodelay:
        # The simulated cameras' HTTP server writes the head and the body of an answer in two
        # send()s without TCP_NODELAY: on a kept-alive connection the body then waits for the
        # client's delayed ACK (40 ms on Linux). The "prompt" site sets TCP_NODELAY, as the
        # standard library allows, to show the onboarding times of a camera that answers at once.
        from devices.simulator import onvif

        onvif._Handler.disable_nagle_algorithm = True
    site = SimulatedSite(options, cache_dir=cache_dir)
    try:
        while True:
            command = conn.recv()
            if command == "start":
                began = time.monotonic()
                try:
                    site.start()
                except Exception as error:  # noqa: BLE001 - handed to the parent as text
                    conn.send(("failed", f"{type(error).__name__}: {error}"))
                    continue
                conn.send(("started", time.monotonic() - began))
            else:
                return
    finally:
        site.stop()


class SiteProcess:
    """A SimulatedSite in a child process; `pid` is what to measure."""

    def __init__(self, options: SiteOptions, cache_dir: Path, nodelay: bool = False) -> None:
        self.options = options
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve_site, args=(child, options, cache_dir, nodelay), name="simulated-site"
        )
        self._process.start()
        child.close()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def start(self, timeout: float) -> float:
        """Starts the site (encoding clips not cached yet); returns how long start() took."""
        self._conn.send("start")
        if not self._conn.poll(timeout):
            raise SystemExit(f"the simulated site did not start within {timeout:.0f} s")
        answer = self._conn.recv()
        if answer[0] != "started":
            raise SystemExit(f"the simulated site did not start: {answer[1]}")
        return float(answer[1])

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError):  # the child is gone already
                self._conn.send("quit")
            self._process.join(30)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(10)
        self._conn.close()

    def __enter__(self) -> SiteProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def site_options(block: int, cameras: int) -> SiteOptions:
    addresses = [f"127.22.{block}.{2 + i}" for i in range(cameras)]
    user, password = random_credentials()
    return SiteOptions(
        cameras=cameras,
        addresses=addresses,
        onvif_port=free_port(addresses),
        rtsp_port=free_port(addresses),
        sensors=False,
        main_size=MAIN_SIZE,
        sub_size=SUB_SIZE,
        user=user,
        password=password,
    )


def start_site(options: SiteOptions, cache_dir: Path, nodelay: bool, label: str) -> SiteProcess:
    cached_before = set(cache_dir.glob("clip-*.ts")) if cache_dir.is_dir() else set()
    site = SiteProcess(options, cache_dir, nodelay)
    try:
        took = site.start(timeout=3600)
    except BaseException:
        site.close()
        raise
    encoded = len(set(cache_dir.glob("clip-*.ts")) - cached_before)
    note = f" ({encoded} clips encoded first)" if encoded else ""
    print(f"{label}: {options.cameras} cameras started in {took:.1f} s{note}", flush=True)
    return site


def _times(found_at: Sequence[float]) -> dict[str, Any]:
    return {
        "found": len(found_at),
        "first_s": found_at[0] if found_at else None,
        "all_s": found_at[-1] if found_at else None,
    }


def _median(rounds: Sequence[dict[str, Any]], key: str) -> float:
    values = [r[key] for r in rounds if r[key] is not None]
    return statistics.median(values) if values else math.inf


# -- range scan ---------------------------------------------------------------------------------


def range_round(addresses: Sequence[str], onvif_port: int, cameras: set[str]) -> dict[str, Any]:
    """One scan_range over `addresses`, as `utkik discover --range` runs it."""
    found_at: list[float] = []
    devices: list[DiscoveredDevice] = []
    began = time.monotonic()

    def found(device: DiscoveredDevice) -> None:
        found_at.append(time.monotonic() - began)
        devices.append(device)

    cpu = time.process_time()
    with DeviceLoop() as loop:
        scan_range(loop, addresses, onvif_port=onvif_port, ports=CLI_PORTS, on_found=found)
    done = time.monotonic() - began
    result = _times(found_at)
    result["done_s"] = done
    result["cpu_s"] = time.process_time() - cpu
    result["cameras_found"] = len({d.address for d in devices} & cameras)
    result["strangers"] = sorted({d.address for d in devices} - cameras)
    result["from_probe"] = sum(1 for d in devices if d.endpoint)
    return result


def raw_unicast_round(addresses: Sequence[str], expected: int, window: float) -> dict[str, Any]:
    """The floor: a bare Probe to UDP 3702 of every address at once, from one thread; the times
    of the first and of the `expected`-th address answering with a ProbeMatches."""
    selector = selectors.DefaultSelector()
    sockets = []
    answered: dict[str, float] = {}
    began = time.monotonic()
    try:
        for address in addresses:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setblocking(False)
            sockets.append(sock)
            sock.connect((address, DISCOVERY_PORT))
            sock.send(probe_message())
            selector.register(sock, selectors.EVENT_READ, address)
        deadline = began + window
        while len(answered) < expected and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(left):
                ready = key.fileobj
                assert isinstance(ready, socket.socket)
                try:
                    data = ready.recv(65535)
                except OSError:  # refused: nothing listens there
                    selector.unregister(ready)
                    continue
                if b"ProbeMatch" in data and key.data not in answered:
                    answered[key.data] = time.monotonic() - began
    finally:
        selector.close()
        for sock in sockets:
            sock.close()
    return _times(sorted(answered.values()))


def bench_range(site: SiteProcess, rounds: int) -> dict[str, Any]:
    options = site.options
    first = options.addresses[0]
    network = first.rsplit(".", 1)[0]
    text = f"{network}.1-{network}.254"
    addresses = parse_range(text)
    cameras = set(options.addresses)
    project: list[dict[str, Any]] = []
    reference: list[dict[str, Any]] = []
    for number in range(rounds):
        # Interleaved, alternating which goes first.
        order = ("utkik", "raw") if number % 2 == 0 else ("raw", "utkik")
        for which in order:
            if which == "utkik":
                project.append(range_round(addresses, options.onvif_port, cameras))
            else:
                reference.append(raw_unicast_round(addresses, len(cameras), WINDOW_S))
        last = project[-1]
        print(
            f"range scan {number + 1}/{rounds}: {last['cameras_found']} cameras, first"
            f" {last['first_s']:.3f} s, all {last['all_s']:.3f} s, done {last['done_s']:.3f} s;"
            f" bare probes {reference[-1]['found']} answered, all {reference[-1]['all_s']:.3f} s",
            flush=True,
        )
    return {
        "range": text,
        "addresses": len(addresses),
        "ports": [options.onvif_port, *CLI_PORTS],
        "cameras": len(cameras),
        "rounds": project,
        "reference_rounds": reference,
        "median": {
            "first_s": _median(project, "first_s"),
            "all_s": _median(project, "all_s"),
            "done_s": _median(project, "done_s"),
            "reference_first_s": _median(reference, "first_s"),
            "reference_all_s": _median(reference, "all_s"),
        },
        "complete": all(r["cameras_found"] == len(cameras) for r in project),
    }


# -- multicast in network namespaces ------------------------------------------------------------

#: Runs in the client namespace: per round, Utkik's probe_multicast (every interface that is up,
#: as `utkik discover` without --interface) and a bare multicast Probe, alternating; one JSON
#: line each.
_MULTICAST_CLIENT = r"""
import json, selectors, socket, sys, time, uuid
from devices.discovery import interfaces, probe_multicast

window, rounds, expected = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
probe = sys.argv[4]
[veth] = [i for i in interfaces() if not i.loopback]

def utkik():
    began = time.monotonic()
    found = []
    cpu = time.process_time()
    devices = probe_multicast(
        window=window, on_found=lambda d: found.append(time.monotonic() - began)
    )
    return {"kind": "utkik", "found_at": found, "done_s": time.monotonic() - began,
            "addresses": sorted({d.address for d in devices}),
            "interfaces": sorted({d.interface for d in devices}),
            "cpu_s": time.process_time() - cpu}

def bare():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(veth.address))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.bind((veth.address, 0))
    answered = {}
    began = time.monotonic()
    sock.sendto(probe.format(message_id=uuid.uuid4().urn).encode(), ("239.255.255.250", 3702))
    deadline = began + window
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        while len(answered) < expected and (left := deadline - time.monotonic()) > 0:
            if selector.select(left):
                data, peer = sock.recvfrom(65535)
                if b"ProbeMatch" in data:
                    answered.setdefault(peer[0], time.monotonic() - began)
    sock.close()
    return {"kind": "bare", "found_at": sorted(answered.values()),
            "addresses": sorted(answered)}

print(json.dumps({"interface": [veth.name, veth.address]}), flush=True)
for number in range(rounds):
    for run in ((utkik, bare) if number % 2 == 0 else (bare, utkik)):
        print(json.dumps(run()), flush=True)
        time.sleep(0.2)
"""


class NamespacedSite:
    """`utkik simulate --namespace` as a child process; `client_ns` once it is ready."""

    def __init__(self, cameras: int, cache_dir: Path) -> None:
        command = [
            sys.executable,
            "-m",
            "ui.main",
            "simulate",
            "--namespace",
            "--cameras",
            str(cameras),
            "--no-sensors",
            "--main-size",
            f"{MAIN_SIZE[0]}x{MAIN_SIZE[1]}",
            "--cache-dir",
            str(cache_dir),
        ]
        self.command = command
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output: list[str] = []
        self.client_ns = ""
        self.addresses: list[str] = []

    def wait_ready(self, timeout: float) -> float:
        """Reads the output up to "Ready."; returns how long that took."""
        began = time.monotonic()
        ready = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line.rstrip("\n"))
                if "run clients in " in line:
                    self.client_ns = line.split("run clients in ", 1)[1].strip().rstrip(":")
                elif line.strip().startswith("address: "):
                    self.addresses.append(line.split(":", 1)[1].strip())
                elif line.startswith("Ready."):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        while not ready.wait(0.2):
            if self.process.poll() is not None:
                raise SystemExit("utkik simulate --namespace stopped:\n" + "\n".join(self.output))
            if time.monotonic() - began > timeout:
                raise SystemExit(f"utkik simulate --namespace was not ready within {timeout} s")
        return time.monotonic() - began

    def close(self) -> None:
        """SIGTERM: the command stops its site and removes both namespaces."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def bench_multicast(cameras: int, rounds: int, cache_dir: Path) -> dict[str, Any]:
    site = NamespacedSite(cameras, cache_dir)
    try:
        ready = site.wait_ready(timeout=3600)
        print(
            f"multicast: utkik simulate --namespace, {cameras} cameras ready in {ready:.1f} s;"
            f" probing from {site.client_ns}",
            flush=True,
        )
        command = [
            "ip",
            "netns",
            "exec",
            site.client_ns,
            sys.executable,
            "-c",
            _MULTICAST_CLIENT,
            str(WINDOW_S),
            str(rounds),
            str(cameras),
            PROBE,
        ]
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=60 + 10 * rounds
        )
        if done.returncode != 0:
            raise SystemExit(f"the multicast client failed: {done.stderr[-2000:]}")
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    finally:
        site.close()
    interface = lines[0]["interface"]
    expected = set(site.addresses)
    project: list[dict[str, Any]] = []
    reference: list[dict[str, Any]] = []
    for line in lines[1:]:
        times = _times(line["found_at"])
        times["cameras_found"] = len(set(line["addresses"]) & expected)
        times["strangers"] = sorted(set(line["addresses"]) - expected)
        if line["kind"] == "utkik":
            times.update(done_s=line["done_s"], cpu_s=line["cpu_s"], interfaces=line["interfaces"])
            project.append(times)
        else:
            reference.append(times)
    for number, (r, b) in enumerate(zip(project, reference, strict=True), 1):
        print(
            f"multicast {number}/{rounds}: {r['cameras_found']} cameras, first"
            f" {r['first_s']:.3f} s, all {r['all_s']:.3f} s, done {r['done_s']:.3f} s;"
            f" bare probe {b['cameras_found']} answered, all {b['all_s']:.3f} s",
            flush=True,
        )
    return {
        # Without the clip cache's path: it is this machine's, not the benchmark's.
        "command": " ".join(site.command[1:-2]),
        "client_interface": interface,
        "cameras": cameras,
        "window_s": WINDOW_S,
        "rounds": project,
        "reference_rounds": reference,
        "median": {
            "first_s": _median(project, "first_s"),
            "all_s": _median(project, "all_s"),
            "reference_first_s": _median(reference, "first_s"),
            "reference_all_s": _median(reference, "all_s"),
        },
        "complete": all(r["cameras_found"] == cameras for r in project),
    }


# -- onboarding ---------------------------------------------------------------------------------

Target = tuple[str, int]  # host, port of a device service
Outcome = tuple[DeviceFacts | CameraError, float]  # what onboarding gave, when (from the start)


async def _timed(host: str, port: int, user: str, password: str, began: float) -> Outcome:
    try:
        facts: DeviceFacts | CameraError = await onboard(host, port, user, password)
    except CameraError as error:
        facts = error
    return facts, time.monotonic() - began


async def _sequential(targets: Sequence[Target], user: str, password: str) -> list[Outcome]:
    began = time.monotonic()
    return [await _timed(host, port, user, password, began) for host, port in targets]


async def _gather(targets: Sequence[Target], user: str, password: str, limit: int) -> list[Outcome]:
    began = time.monotonic()
    if limit <= 0:
        return list(
            await asyncio.gather(*(_timed(h, p, user, password, began) for h, p in targets))
        )
    gate = asyncio.Semaphore(limit)

    async def bounded(host: str, port: int) -> Outcome:
        async with gate:
            return await _timed(host, port, user, password, began)

    return list(await asyncio.gather(*(bounded(h, p) for h, p in targets)))


def _demo_threads(targets: Sequence[Target], user: str, password: str) -> list[Outcome]:
    """A pool of threads, each waiting for onboard_blocking on the one device loop (as the
    console's workers do)."""
    began = time.monotonic()

    def one(target: Target) -> Outcome:
        try:
            facts: DeviceFacts | CameraError = onboard_blocking(loop, *target, user, password)
        except CameraError as error:
            facts = error
        return facts, time.monotonic() - began

    with DeviceLoop() as loop, ThreadPoolExecutor(max_workers=DEMO_THREADS) as pool:
        return list(pool.map(one, targets))


def onboarding_modes(concurrency: int) -> dict[str, Callable[..., list[Outcome]]]:
    """Mode name -> a function (targets, user, password) that onboards them all."""
    utkik = "gather" if concurrency <= 0 else f"gather-{concurrency}"
    modes: dict[str, Callable[..., list[Outcome]]] = {
        "sequential": lambda t, u, p: asyncio.run(_sequential(t, u, p)),
        utkik: lambda t, u, p: asyncio.run(_gather(t, u, p, concurrency)),
    }
    return modes


def run_mode(
    function: Callable[..., list[Outcome]],
    targets: Sequence[Target],
    user: str,
    password: str,
    site_pid: int,
) -> dict[str, Any]:
    site_cpu = cpu_seconds(site_pid)
    cpu = time.process_time()
    began = time.monotonic()
    outcomes = function(targets, user, password)
    wall = time.monotonic() - began
    failures = [
        f"{host}: {outcome}"
        for (host, _), (outcome, _) in zip(targets, outcomes, strict=True)
        if not _complete(outcome, host)
    ]
    return {
        "wall_s": wall,
        "client_cpu_s": time.process_time() - cpu,
        "site_cpu_s": cpu_seconds(site_pid) - site_cpu,
        "per_camera_done_s": [when for _, when in outcomes],
        "failures": failures,
    }


def _complete(outcome: DeviceFacts | CameraError, host: str) -> bool:
    """Whether onboarding learnt everything the simulated camera offers."""
    return (
        isinstance(outcome, DeviceFacts)
        and outcome.host == host
        and outcome.main is not None
        and outcome.sub is not None
        and bool(outcome.snapshot_uri)
        and not outcome.problems
    )


def bench_onboarding(
    site: SiteProcess,
    targets: Sequence[Target],
    rounds: int,
    modes: dict[str, Callable[..., list[Outcome]]],
    label: str,
) -> dict[str, Any]:
    user, password = site.options.user, site.options.password
    # Not counted: the first onboarding in a process loads onvif-zeep-async's WSDLs.
    warm = run_mode(modes["sequential"], targets[:1], user, password, site.pid)
    if warm["failures"]:
        raise SystemExit(f"onboarding failed: {warm['failures'][0]}")
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in modes}
    names = list(modes)
    for number in range(rounds):
        # Interleaved, each round in another order, so that drift of the machine spreads.
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            outcome = run_mode(modes[name], targets, user, password, site.pid)
            results[name].append(outcome)
            failed = f", {len(outcome['failures'])} FAILED" if outcome["failures"] else ""
            print(
                f"{label} {number + 1}/{rounds}: {name:<12} {outcome['wall_s']:6.2f} s"
                f" (client CPU {outcome['client_cpu_s']:.2f} s, site CPU"
                f" {outcome['site_cpu_s']:.2f} s){failed}",
                flush=True,
            )
    summary = {}
    for name, outcomes in results.items():
        walls = [o["wall_s"] for o in outcomes]
        summary[name] = {
            "median_s": statistics.median(walls),
            "best_s": min(walls),
            "client_cpu_s": statistics.median(o["client_cpu_s"] for o in outcomes),
            "site_cpu_s": statistics.median(o["site_cpu_s"] for o in outcomes),
            "failures": sum(len(o["failures"]) for o in outcomes),
        }
    return {"cameras": len(targets), "rounds": results, "summary": summary}


# -- report -------------------------------------------------------------------------------------


def targets_table(
    range_scan: dict[str, Any] | None,
    multicast: dict[str, Any] | None,
    onboarding: dict[str, Any] | None,
    prompt: dict[str, Any] | None,
    utkik_mode: str,
) -> list[dict[str, Any]]:
    """The table's rows. Discovery limits apply to Utkik's time (the reference shows the floor);
    the onboarding limit applies to the ratio. Rows with "limit": None are for comparison."""
    rows: list[dict[str, Any]] = []
    for name, found, how, ref in (
        ("range", range_scan, "range scan", "bare unicast Probes"),
        ("multicast", multicast, "multicast", "one bare multicast Probe"),
    ):
        if found is None:
            continue
        median = found["median"]
        cameras = found["cameras"]
        for key, what, limit in (
            ("first", f"{how}: first camera", FIRST_LIMIT_S),
            ("all", f"{how}: all {cameras} cameras", WINDOW_S),
        ):
            rows.append(
                {
                    "id": f"{name}-{key}",
                    "what": what,
                    "reference_what": ref,
                    "unit": "s",
                    "project": median[f"{key}_s"],
                    "reference": median[f"reference_{key}_s"],
                    "limit": limit,
                    "limit_on": "project",
                    "pass": median[f"{key}_s"] <= limit and found["complete"],
                }
            )
    for data, suffix, checked in ((onboarding, "", True), (prompt, ", TCP_NODELAY site", False)):
        if data is None:
            continue
        summary = data["summary"]
        reference = summary["sequential"]
        for name, mode in summary.items():
            if name == "sequential":
                continue
            target = checked and name == utkik_mode
            what = f"onboard {data['cameras']}, {name}{suffix}"
            rows.append(
                {
                    "id": f"onboarding-{name}{'-prompt-site' if suffix else ''}",
                    "what": what,
                    "reference_what": "the same, one after another",
                    "unit": "s",
                    "project": mode["median_s"],
                    "reference": reference["median_s"],
                    "limit": ONBOARD_LIMIT if target else None,
                    "limit_on": "ratio",
                    "failures": mode["failures"] + reference["failures"],
                    "pass": (
                        mode["median_s"] / reference["median_s"] <= ONBOARD_LIMIT
                        and mode["failures"] + reference["failures"] == 0
                    )
                    if target
                    else None,
                }
            )
    for row in rows:
        row["ratio"] = row["project"] / row["reference"] if row["reference"] else math.inf
    return rows


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    header = f"{'target':<42} {'utkik':>8} {'reference':>10} {'ratio':>6} {'limit':>8}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        if row["limit"] is None:
            limit, verdict = "", "(comparison)"
        elif row["limit_on"] == "ratio":
            limit, verdict = f"≤ {row['limit']:.2f}×", "pass" if row["pass"] else "FAIL"
        else:
            limit, verdict = f"≤ {row['limit']:.1f} s", "pass" if row["pass"] else "FAIL"
        if row.get("failures"):
            verdict += f" ({row['failures']} cameras not onboarded)"
        print(
            f"{row['what']:<42} {row['project']:>6.3f} s {row['reference']:>8.3f} s"
            f" {row['ratio']:>6.2f} {limit:>8}  {verdict}"
        )
    print(
        "Medians of the rounds. Discovery limits apply to Utkik's time, onboarding's to the ratio."
    )


def print_onboarding(data: dict[str, Any], label: str) -> None:
    print(f"\n{label}: {data['cameras']} cameras, medians of {len(data['rounds']['sequential'])}")
    print(f"{'mode':<14} {'wall s':>7} {'best s':>7} {'client CPU s':>13} {'site CPU s':>11}")
    for name, mode in data["summary"].items():
        print(
            f"{name:<14} {mode['median_s']:>7.2f} {mode['best_s']:>7.2f}"
            f" {mode['client_cpu_s']:>13.2f} {mode['site_cpu_s']:>11.2f}"
        )


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each part (medians)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="Utkik's onboarding: cameras in flight at once (0: all, one asyncio.gather)",
    )
    parser.add_argument(
        "--compare",
        type=int,
        nargs="*",
        default=[10],
        help="bounded concurrencies to compare with (no target)",
    )
    parser.add_argument("--no-demo-way", action="store_true", help="skip the 6-thread pool")
    parser.add_argument(
        "--no-prompt-site", action="store_true", help="skip the TCP_NODELAY site comparison"
    )
    parser.add_argument("--skip-range", action="store_true")
    parser.add_argument("--skip-multicast", action="store_true")
    parser.add_argument("--skip-onboarding", action="store_true")
    parser.add_argument("--cache-dir", type=Path, default=CLIP_CACHE, help="clip cache")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 1 <= args.cameras <= 200:
        parser.error("1 to 200 cameras: one loopback address each in 127.22.<block>.2-201")

    started = time.perf_counter()
    load = machine()
    block, prompt_block = random.sample(range(1, 255), 2)
    range_scan = multicast = onboarding = prompt = None
    multicast_skipped = ""
    modes = onboarding_modes(args.concurrency)
    utkik_mode = next(name for name in modes if name != "sequential")
    for limit in args.compare:
        if limit != args.concurrency:
            modes[f"gather-{limit}" if limit > 0 else "gather"] = lambda t, u, p, limit=limit: (
                asyncio.run(_gather(t, u, p, limit))
            )
    if not args.no_demo_way:
        modes[f"demo-{DEMO_THREADS}thr"] = _demo_threads

    if not (args.skip_range and args.skip_onboarding):
        options = site_options(block, args.cameras)
        with start_site(options, args.cache_dir, False, "site") as site:
            # The cameras the range scan finds (it checks that it finds exactly these).
            found: list[Target] = [(a, options.onvif_port) for a in options.addresses]
            if not args.skip_range:
                range_scan = bench_range(site, args.rounds)
            if not args.skip_onboarding:
                onboarding = bench_onboarding(site, found, args.rounds, modes, "onboarding")
        if not args.skip_onboarding and not args.no_prompt_site:
            options = site_options(prompt_block, args.cameras)
            with start_site(options, args.cache_dir, True, "TCP_NODELAY site") as site:
                targets = [(a, options.onvif_port) for a in options.addresses]
                prompt = bench_onboarding(
                    site, targets, args.rounds, onboarding_modes(args.concurrency), "nodelay"
                )
    if not args.skip_multicast:
        ok, why = can_create_namespaces()
        if ok:
            multicast = bench_multicast(args.cameras, args.rounds, args.cache_dir)
        else:
            multicast_skipped = why
            print(f"multicast: skipped, {why}")

    rows = targets_table(range_scan, multicast, onboarding, prompt, utkik_mode)
    run_s = time.perf_counter() - started
    print()
    print_table(rows)
    if onboarding is not None:
        print_onboarding(onboarding, "onboarding")
    if prompt is not None:
        print_onboarding(prompt, "onboarding, TCP_NODELAY site")
    print(f"\nrun time {run_s:.0f} s, load average at start {load['load_average_at_start'][0]:.2f}")

    results = {
        "benchmark": "discovery",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": run_s,
        "machine": {**load, "load_average_at_end": os.getloadavg()},
        "settings": {
            "cameras": args.cameras,
            "rounds": args.rounds,
            "utkik_onboarding": utkik_mode,
            "concurrency": args.concurrency,
            "addresses": f"127.22.{block}.2 and up",
            "main_size": MAIN_SIZE,
            "sub_size": SUB_SIZE,
            "sensors": False,
        },
        "targets": rows,
        "range": range_scan,
        "multicast": multicast,
        "multicast_skipped": multicast_skipped or None,
        "onboarding": onboarding,
        "onboarding_prompt_site": prompt,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"numbers written to {args.output}")
    return 0 if all(row["pass"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
