"""`utkik simulate`: runs the simulated site in the foreground until Ctrl-C or SIGTERM.

Prints, per camera, its device_service URL, RTSP URLs and credentials (`user: NAME`,
`password: SECRET`), then "Ready." on a line of its own; after that, every line of its standard
input is a command that raises a camera's event (devices/simulator/control.py). With a namespace
(see namespace.py) the parent creates the namespace pair, runs the site in a child process inside
the device namespace and tears everything down when stopped; clients run in the client namespace
it names.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TextIO

from devices import processes
from devices.simulator.control import SiteControl, read_commands
from devices.simulator.site import SimulatedSite, SiteOptions

#: Where a parent hands the site's login to the child it starts in a namespace.
USER_VARIABLE = "UTKIK_SIM_USER"
PASSWORD_VARIABLE = "UTKIK_SIM_PASSWORD"


def print_endpoints(site: SimulatedSite, out: TextIO) -> None:
    endpoints = site.endpoints()
    print(f"Simulated site: {len(endpoints)} cameras.", file=out)
    for camera in endpoints:
        print(f"\n{camera.name}", file=out)
        print(f"  address: {camera.address}", file=out)
        print(f"  device_service: {camera.device_service}", file=out)
        print(f"  rtsp main: {camera.main_url}", file=out)
        if camera.sub_url:
            print(f"  rtsp sub: {camera.sub_url}", file=out)
        print(f"  user: {camera.user}", file=out)
        print(f"  password: {camera.password}", file=out)
    if site.broker is not None:
        url = f"mqtt://{site.broker.host}:{site.broker.port}"
        print(f"\nMQTT broker: {url} (topics utkik/site/#)", file=out)
        print_sensor_help(url, out)


def print_sensor_help(url: str, out: TextIO) -> None:
    """How to raise each sensor event by hand. Every line starts with "MQTT", as the broker's
    does, so that the camera blocks above stay the only other lines."""
    lines = (
        "MQTT sensors at every place: sound-1, tamper-1, door-1",
        f"MQTT for alarms, point the console at this broker: utkik settings set mqtt.broker {url}",
        f"MQTT sensor event: utkik sensor-event {url} stora-torget sound-1 aggression",
        f"MQTT sensor event: utkik sensor-event {url} stora-torget tamper-1 opened  (then: closed)",
        f"MQTT sensor event: utkik sensor-event {url} berga-centrum door-1 forced  (then: closed)",
        f"MQTT device offline: utkik sensor-event {url} resecentrum sound-1 offline (then: online)",
    )
    for line in lines:
        print(line, file=out)


class _Stop:
    """Set by SIGTERM, SIGINT or SIGHUP; the main thread waits on it."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _Stop:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.event.set()

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]

    def wait(self) -> None:
        # A timeout keeps the wait interruptible on every Python.
        while not self.event.wait(0.5):
            pass


def run_site(
    options: SiteOptions,
    out: TextIO,
    cache_dir: Path | None = None,
    commands: TextIO | None = None,
) -> int:
    """Runs the site in this process until stopped, taking commands from `commands` (standard
    input when None)."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    site = SimulatedSite(options, cache_dir=cache_dir, progress=say)
    with _Stop() as stop:
        try:
            site.start()
            print_endpoints(site, out)
            print(
                "\nReady. Stop with Ctrl-C. Raise a camera's events by typing a command"
                " (help lists them), e.g. motion 1 on",
                file=out,
                flush=True,
            )
            source = sys.stdin if commands is None else commands
            if source is not None:
                read_commands(SiteControl(site), source, out)
            stop.wait()
        finally:
            site.stop()
    print("Stopped; nothing is left running.", file=out, flush=True)
    return 0


def utkik_command() -> list[str]:
    """How to run this program again (frozen or from the venv)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "ui.main"]


def child_arguments(options: SiteOptions, addresses: Sequence[str], broker_host: str) -> list[str]:
    """The `utkik simulate` arguments that run `options` inside a namespace already made."""
    width, height = options.main_size
    args = [
        "simulate",
        "--cameras",
        str(options.cameras),
        "--addresses",
        ",".join(addresses),
        "--broker-host",
        broker_host,
        "--onvif-port",
        str(options.onvif_port),
        "--rtsp-port",
        str(options.rtsp_port),
        "--main-size",
        f"{width}x{height}",
        "--clock-offset",
        str(options.clock_offset_s),
        "--multicast",
    ]
    if not options.rtsp_auth:
        args.append("--no-rtsp-auth")
    if not options.sensors:
        args.append("--no-sensors")
    for name in sorted(options.without_sub):
        args += ["--without-sub", name]
    return args


def run_in_namespace(options: SiteOptions, out: TextIO, cache_dir: Path | None = None) -> int:
    """Creates a namespace pair, runs the site inside it, tears it down when stopped."""
    from devices.simulator.namespace import NamespacePair

    pair = NamespacePair()
    with _Stop() as stop, pair:
        addresses = pair.add_device_addresses(options.cameras)
        print(
            f"Namespace: the site runs in {pair.device_ns}; run clients in {pair.client_ns}:\n"
            f"  ip netns exec {pair.client_ns} utkik …",
            file=out,
            flush=True,
        )
        # Credentials are chosen here so that the child prints the same ones.
        site = SimulatedSite(options)
        child_options = replace(options, user=site.options.user, password=site.options.password)
        command = [
            *pair.exec_prefix(pair.device_ns),
            *utkik_command(),
            *child_arguments(child_options, addresses, pair.device_address),
        ]
        # The login goes by the environment, never by arguments that `ps` shows.
        environment = {USER_VARIABLE: child_options.user, PASSWORD_VARIABLE: child_options.password}
        if cache_dir is not None:
            command += ["--cache-dir", str(cache_dir)]
        child = processes.spawn(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **environment},
        )
        relay = threading.Thread(target=_relay, args=(child, out), daemon=True)
        relay.start()
        try:
            while child.poll() is None and not stop.event.wait(0.3):
                pass
        finally:
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            relay.join(timeout=5)
    print("Namespaces removed.", file=out, flush=True)
    return 0 if child.returncode in (0, -signal.SIGTERM) else 1


def _relay(child: subprocess.Popen[str], out: TextIO) -> None:
    assert child.stdout is not None
    with contextlib.suppress(ValueError, OSError):
        for line in child.stdout:
            out.write(line)
            out.flush()
