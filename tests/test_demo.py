"""`utkik demo` as a new user runs it on a machine without a keyring: its own data dir, the
simulated site onboarded through ONVIF, demo users with printed passwords, a throw-away Secret
Service on its own D-Bus session bus, and nothing left running however it is stopped."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from console.app import Core
from console.domain import Actor
from console.settings import MQTT_BROKER
from tests import leftovers
from tests.conftest import FAST_HASHER

pytest.importorskip("gi")
if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
    pytest.skip("dbus and gnome-keyring are not installed", allow_module_level=True)

CAMERAS = 2


def _daemons() -> set[str]:
    """Live keyring and bus daemons (a zombie is dead, only not yet reaped by init)."""
    found = subprocess.run(
        ["ps", "-o", "pid=,stat=", "-C", "gnome-keyring-daemon,gnome-keyring-d,dbus-daemon"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        line.split()[0] for line in found.stdout.splitlines() if not line.split()[1].startswith("Z")
    }


def _environment(home: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # As on a fresh machine: no keyring configured (keyrings.alt's plain file is refused).
    env.pop("PYTHON_KEYRING_BACKEND", None)
    # The demo's throw-away Secret Service is a real keyring: it needs no plain-text allowance.
    env.pop("UTKIK_ALLOW_PLAINTEXT_KEYRING", None)
    # A fresh account: a home of its own, nothing cached but the clips.
    env["HOME"] = str(home / "home")
    env["XDG_DATA_HOME"] = str(home / "data")
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_CACHE_HOME"] = str(home.parent / "demo-cache")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


def _command(block: int, ports: tuple[int, int]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ui.main",
        "demo",
        "--no-gui",
        "--cameras",
        str(CAMERAS),
        "--first-address",
        f"127.88.{block}.2",
        "--onvif-port",
        str(ports[0]),
        "--rtsp-port",
        str(ports[1]),
    ]


def _run_demo(home: Path, block: int, ports: tuple[int, int]) -> tuple[int, list[str]]:
    process = subprocess.Popen(
        _command(block, ports),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_environment(home),
    )
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if line.startswith("Ready."):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for _ in range(360):
            if ready.wait(0.5) or process.poll() is not None:
                break
        assert ready.is_set(), "\n".join(output)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(60)
        reader.join(10)
    return code, output


def _logins(output: list[str]) -> dict[str, tuple[str, str]]:
    found = {}
    for line in output:
        match = re.match(r"\s+(\w+)\s+user: (\S+)\s+password: (demo-\S+)", line)
        if match:
            found[match.group(1)] = (match.group(2), match.group(3))
    return found


def test_the_demo_sets_up_a_site_users_and_cameras_and_cleans_up(tmp_path: Path) -> None:
    before = _daemons()
    block = random.randint(10, 250)
    ports = (random.randint(20000, 29999), random.randint(30000, 39999))
    code, output = _run_demo(tmp_path, block, ports)
    text = "\n".join(output)
    assert code == 0, text
    assert "throw-away keyring" in text
    logins = _logins(output)
    assert set(logins) == {"supervisor", "technician", "administrator"}, text
    assert "The simulated site is stopped." in text
    # The ephemeral Secret Service went away with its session.
    assert _daemons() <= before

    data_dir = tmp_path / "data" / "utkik-demo"
    listed = subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", str(data_dir), "cameras", "list", "--json"],
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        check=True,
    )
    cameras = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [c["host"] for c in cameras] == [f"127.88.{block}.{i}" for i in (2, 3)]
    assert {c["name"] for c in cameras} == {"Stora torget", "Trädgårdstorget"}
    assert all(c["main_size"] == [1920, 1080] and c["sub"] for c in cameras)

    # The printed passwords work, for the roles promised.
    core = Core.open(data_dir, hasher=FAST_HASHER, sealer=False)
    try:
        name, password = logins["supervisor"]
        assert core.users.authenticate(name, password).role.value == "supervisor"
        actions = [e.action for e in core.audit.entries(Actor.os_account())]
        assert actions.count("camera.added") == CAMERAS
        # The register lets them record and be seen: each entry is complete.
        entries = core.register.entries(Actor.os_account())
        assert [(e.camera_name, e.complete) for e in entries] == [
            (c["name"], True) for c in sorted(cameras, key=lambda c: c["id"])
        ]
        # Alarms and lighting use the site's broker, where its sensors and luminaires are.
        assert core.settings.get_text(MQTT_BROKER).startswith("mqtt://127.0.0.1:")
    finally:
        core.close()

    # A second start keeps the data dir: same cameras (new logins), new user passwords.
    code, again = _run_demo(tmp_path, block, ports)
    assert code == 0, "\n".join(again)
    assert _logins(again)["supervisor"] != logins["supervisor"]
    assert "(as printed" in "\n".join(again)
    assert "administrator" not in _logins(again)
    listed = subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", str(data_dir), "cameras", "list", "--json"],
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        check=True,
    )
    assert len(listed.stdout.splitlines()) == CAMERAS


def _ports() -> tuple[int, int]:
    return random.randint(20000, 29999), random.randint(30000, 39999)


@pytest.mark.parametrize(
    ("signum", "child"),
    [
        (signal.SIGKILL, "gnome-keyring-daemon"),
        (signal.SIGKILL, "mosquitto"),
        (signal.SIGTERM, "gnome-keyring-daemon"),
        (signal.SIGINT, "mosquitto"),
    ],
)
def test_stopped_during_start_up_it_leaves_nothing(
    tmp_path: Path, signum: signal.Signals, child: str
) -> None:
    """Stopped as soon as `child` runs: the keyring just started, or the site half-way up."""
    before = leftovers.ours()
    process = subprocess.Popen(
        _command(random.randint(10, 250), _ports()),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_environment(tmp_path),
    )
    try:
        deadline = time.monotonic() + 120
        while not any(child in p.command for p in leftovers.ours() - before):
            assert process.poll() is None, f"the demo ended before {child} started"
            assert time.monotonic() < deadline, f"{child} was not started"
            time.sleep(0.05)
    finally:
        process.send_signal(signum)
        process.wait(60)
    # After a SIGKILL the demo's own child stops the site in order (seconds when loaded).
    assert leftovers.survivors(before, grace_s=30) == set()


def test_killed_once_ready_it_leaves_no_broker_server_or_keyring(tmp_path: Path) -> None:
    before = leftovers.ours()
    block, ports = random.randint(10, 250), _ports()
    process = subprocess.Popen(
        _command(block, ports),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_environment(tmp_path),
    )
    try:
        assert process.stdout is not None
        output = []
        for line in process.stdout:
            output.append(line)
            if line.startswith("Ready."):
                break
        assert output[-1].startswith("Ready."), "".join(output)
        started = {p.command.split()[0].rsplit("/", 1)[-1] for p in leftovers.ours() - before}
        assert {"mosquitto", "gnome-keyring-daemon", "dbus-daemon"} <= started
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
    # The demo's own child gets SIGTERM when its parent dies and stops the site in order, which
    # takes seconds on a loaded machine; then its broker goes with it.
    assert leftovers.survivors(before, grace_s=30) == set()
    # The RTSP and ONVIF servers (threads of the demo) are gone with it: their ports are free.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((f"127.88.{block}.2", ports[1]))
