"""`utkik demo`: the console on a simulated site, ready to try.

Its own data dir (beside the real one, never the real one), the simulated site started in this
process, its cameras onboarded through the same code as `utkik cameras add`, and three demo users
(a supervisor who sees video, a technician, an administrator) with passwords generated on every
start and printed in the terminal. Then the console opens; `--no-gui` keeps the site and the
data dir ready for other clients until Ctrl-C.

Camera logins live only in the OS keyring. Where this machine has none (a server, a fresh
container), the demo runs itself again with an ephemeral Secret Service of its own (a session bus
and gnome-keyring-daemon with a throw-away keyring folder, devices/keyring_session.py), so it
still never writes a login to a file. A composition root like ui/app.py and ui/cli.py; Qt is only
loaded to open the console.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TextIO

import platformdirs

from console.app import Core
from console.camera_facts import DeviceFacts
from console.domain import Actor, Place, Role
from console.errors import N_, InvalidInput, KnownError, NotFound
from console.layouts import Grid, GridKind
from console.settings import MQTT_BROKER
from devices import access_log, keystore, processes
from devices import secrets as secret_stores
from devices.simulator.site import (
    CameraEndpoints,
    SimulatedSite,
    SiteOptions,
    free_site_addresses,
)
from ui import cli

#: Set in the environment of the demo re-run with its own keyring.
IN_SESSION = "UTKIK_DEMO_KEYRING_SESSION"

#: (user name, role, what the role is for) of the demo users.
DEMO_USERS = (
    (
        "arbetsledare",
        Role.SUPERVISOR,
        "watches live and recorded video, handles alarms and the lighting, locks evidence, "
        "requests exports and approves others', handles subject access cases, reads the register",
    ),
    ("tekniker", Role.TECHNICIAN, "adds and tests cameras"),
    (
        "admin",
        Role.ADMINISTRATOR,
        "manages users, settings and the surveillance register; sees no video",
    ),
)


def demo_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("utkik-demo", appauthor=False))


def demo_key_dir() -> Path:
    """The demo's access-log keys: a key folder outside its data dir (the keyring session of a
    machine without a keyring is thrown away after each run)."""
    return Path(platformdirs.user_config_dir("utkik-demo", appauthor=False)) / "keys"


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.data_dir is None:
        args.data_dir = demo_data_dir()
    if args.key_dir is None:
        args.key_dir = demo_key_dir()
    if not args.no_gui and _no_display():
        print(
            "utkik: there is no display to show the console on. Run the demo in a desktop "
            "session, under `xvfb-run -a utkik demo`, or with --no-gui.",
            file=sys.stderr,
        )
        return 1
    if args.reset and not os.environ.get(IN_SESSION):
        _reset(args, out)
    if not keystore.keyring_available() and not os.environ.get(IN_SESSION):
        return _rerun_in_keyring_session(args, out)
    try:
        return _run_demo(args, out)
    except KnownError as err:
        print(f"utkik: {err}", file=sys.stderr)
        return 1


def _reset(args: argparse.Namespace, out: TextIO) -> None:
    """Forget the demo: its data dir and its access-log keys (only the demo's own folders)."""
    for folder in (args.data_dir, args.key_dir):
        if folder.exists():
            shutil.rmtree(folder)
    _say(out, f"The demo starts afresh in {args.data_dir}.")


def _no_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    store = secret_stores.secret_store()
    if store is None:
        raise InvalidInput(
            N_(
                "There is no keyring to keep camera logins in, and none could be started "
                "(the packages dbus and gnome-keyring are needed): run installer/setup.sh."
            )
        )
    # Another simulated site (or demo) may hold the default addresses' ports: the demo moves to
    # the next free 127.x.y.0 block, or says which process holds them and how to stop it.
    addresses = free_site_addresses(
        args.first_address, args.cameras, (args.onvif_port, args.rtsp_port)
    )
    if addresses[0] != args.first_address:
        _say(
            out,
            f"The ports of {args.first_address} are taken (another simulated site?); the "
            f"simulated cameras use {addresses[0]}–{addresses[-1]} instead.",
        )
    options = SiteOptions(
        cameras=args.cameras,
        addresses=addresses,
        onvif_port=args.onvif_port,
        rtsp_port=args.rtsp_port,
    )
    site = SimulatedSite(options, cache_dir=cli.clip_cache_dir(), progress=lambda t: _say(out, t))
    _say(out, f"Utkik demo — data dir {args.data_dir}")
    site.start()
    try:
        core = Core.open(
            args.data_dir,
            keys=access_log.key_store(args.key_dir),
            witnesses=access_log.witnesses(args.data_dir, args.witness_file),
            secrets=store,
            sealer=False,
        )
        try:
            _say(out, "Onboarding the simulated cameras over ONVIF …")
            added = onboard_site(core, site.endpoints(), args.onvif_port)
            logins = make_demo_users(core)
            make_demo_layout(core)
            if site.broker is not None:
                # The site's sensors and luminaires speak to its own broker: the console's
                # alarm and lighting engines use it too.
                core.settings.set_text(
                    Actor.os_account(),
                    MQTT_BROKER,
                    f"mqtt://{site.broker.host}:{site.broker.port}",
                )
        finally:
            core.close()
        _print_summary(out, site, added, logins)
        if args.no_gui:
            # Listened for before "Ready." is said: a stop asked for at once is not missed.
            stop = _stop_on_signals()
            _say(out, "\nReady. Stop with Ctrl-C.")
            _wait_for_stop(stop)
            return 0
        from ui import app

        _say(out, "\nOpening the console …")
        return app.run(args)
    finally:
        site.stop()
        _say(out, "The simulated site is stopped.")


def onboard_site(core: Core, endpoints: list[CameraEndpoints], port: int) -> list[str]:
    """Every camera of the site onboarded (or, if known from an earlier run, refreshed with this
    run's login), at the place it is named after. Returns the cameras' names."""
    actor = Actor.os_account()
    places = core.sites.places()

    from devices import onvif_client

    async def learn_all() -> list[DeviceFacts]:
        # All at once, as the onboarding benchmark measures (benchmarks/bench_discovery.py).
        return list(
            await asyncio.gather(
                *(onvif_client.onboard(e.address, port, e.user, e.password) for e in endpoints)
            )
        )

    learnt = asyncio.run(learn_all())
    known = {(c.host, c.port): c for c in core.cameras.list(actor)}
    names = []
    for index, (endpoint, facts) in enumerate(zip(endpoints, learnt, strict=True)):
        place = _place_for(core, endpoint.name, places, index)
        camera = known.get((facts.host, facts.port))
        if camera is None:
            camera = core.cameras.add(
                actor, facts, place, endpoint.name, endpoint.user, endpoint.password
            )
        else:
            core.cameras.update(actor, camera.id, facts=facts)
            core.cameras.set_login(actor, camera.id, endpoint.user, endpoint.password)
        if not core.register.entry(actor, camera.id).complete:
            # The register decides what records and who sees it: the demo's cameras get a
            # complete entry, as an administrator would give them.
            core.register.set(actor, camera.id, demo_entry(camera.name))
        names.append(camera.name)
    return names


def demo_entry(name: str) -> dict[str, object]:
    """A complete register entry for a simulated camera (docs/register.md)."""
    return {
        "purpose": f"Demonstration: trygghetsskapande bevakning vid {name}",
        "legal_basis": "Allmänt intresse (art. 6.1 e GDPR); kamerabevakningslagen (2018:1200)",
        "balancing": "Demonstration med simulerade kameror; ingen person filmas.",
        "area": f"{name}: den allmänna platsen",
        "hours": "always",
        "retention_hours": 72,
        "signage": True,
        "signage_checked": "2026-01-01",
        "dpo_contact": "dataskyddsombud@kommun.example",
        "start_date": "2026-01-01",
        "review_date": "2027-01-01",
    }


def _place_for(core: Core, name: str, places: list[Place], index: int) -> Place:
    try:
        return core.sites.resolve_place(name)
    except NotFound:
        return places[index % len(places)]


def make_demo_users(core: Core) -> list[tuple[str, Role, str, str]]:
    """The demo users with new passwords: (name, role, what for, password)."""
    actor = Actor.os_account()
    existing = {u.name for u in core.users.list(actor)}
    logins = []
    for name, role, purpose in DEMO_USERS:
        password = "demo-" + secrets.token_urlsafe(9)
        if name in existing and role is Role.ADMINISTRATOR:
            # Local administration cannot take over an administrator (console/users.py): the
            # demo administrator keeps the password printed when it was made.
            password = ""
        elif name in existing:
            core.users.set_password(actor, name, password)
        elif role is Role.ADMINISTRATOR and not core.users.has_administrator():
            core.users.create_first_administrator(actor, name, password)
        else:
            core.users.add(actor, name, role, password)
        logins.append((name, role, purpose, password))
    return logins


DEMO_LAYOUT = "Översikt"


def make_demo_layout(core: Core) -> None:
    """The supervisor's saved layout with every camera, opened at login (2×2 up to 4, 3×3 up
    to 9, else 4×4)."""
    supervisor = next(n for n, role, _ in DEMO_USERS if role is Role.SUPERVISOR)
    actor = Actor.of(core.users.get(Actor.os_account(), supervisor))
    cameras = [c.id for c in core.cameras.list(actor)]
    kind = GridKind.GRID_2 if len(cameras) <= 4 else GridKind.GRID_3
    if len(cameras) > 9:
        kind = GridKind.GRID_4
    core.layouts.save(actor, DEMO_LAYOUT, Grid.preset(kind), cameras)


def _print_summary(
    out: TextIO,
    site: SimulatedSite,
    cameras: list[str],
    logins: list[tuple[str, Role, str, str]],
) -> None:
    endpoints = site.endpoints()
    _say(out, f"\nSimulated site: {len(endpoints)} cameras, added to the console:")
    for endpoint, name in zip(endpoints, cameras, strict=True):
        _say(out, f"  {name:<22} {endpoint.device_service}")
    _say(out, "\nDemo users (new passwords on every start):")
    for name, role, purpose, password in logins:
        shown = password or "(as printed at the demo's first start)"
        _say(out, f"  {role.value:<14} user: {name:<11} password: {shown}   ({purpose})")
    if any(not password for *_, password in logins):
        _say(out, "  Forgotten it? Start afresh with: utkik demo --reset")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handle)
    return stop


def _wait_for_stop(stop: threading.Event) -> None:
    while not stop.wait(0.5):
        pass
    # Asked once; a second signal while the site stops must not cut the stopping short.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)


def _rerun_in_keyring_session(args: argparse.Namespace, out: TextIO) -> int:
    """Runs the demo again as a child using a throw-away Secret Service of its own (a session
    bus and gnome-keyring-daemon, ready and unlocked before the demo starts: nothing waits on a
    keyring prompt). The bus, the keyring and the demo end with this process, also when it is
    killed; the keyring's folder is deleted when it stops."""
    from devices.keyring_session import KeyringSession, available

    if not available():
        print(
            "utkik: this machine has no keyring for camera logins, and the packages dbus and "
            "gnome-keyring are missing to start one for the demo: run installer/setup.sh.",
            file=sys.stderr,
        )
        return 1
    _say(out, "No keyring here: the demo runs with a throw-away keyring of its own.")
    try:
        with KeyringSession() as session:
            return _run_child(args, session.environment)
    except KnownError as err:
        print(f"utkik: {err}", file=sys.stderr)
        return 1


def _run_child(args: argparse.Namespace, keyring: dict[str, str]) -> int:
    environment = {**os.environ, **keyring, IN_SESSION: "1"}
    environment.pop("PYTHON_KEYRING_BACKEND", None)
    # Its own session: a Ctrl-C in the terminal reaches this process, which passes it on once.
    child = processes.spawn(
        sys_argv_again(args),
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    relay = threading.Thread(target=_relay_stderr, args=(child,), daemon=True)
    relay.start()

    def forward(signum: int, frame: FrameType | None) -> None:
        # To the demo, which stops the site and exits; the keyring is stopped after it.
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        relay.join(timeout=5)


def _relay_stderr(child: subprocess.Popen[str]) -> None:
    """The demo's errors."""
    assert child.stderr is not None
    for line in child.stderr:
        sys.stderr.write(line)
        sys.stderr.flush()


def sys_argv_again(args: argparse.Namespace) -> list[str]:
    """This demo's command line, with the data and key dirs made explicit."""
    from devices.simulator.run import utkik_command

    again = [*utkik_command(), "--data-dir", str(args.data_dir), "--key-dir", str(args.key_dir)]
    if args.lang:
        again += ["--lang", args.lang]
    if args.verbose:
        again.append("-v")
    again += ["demo", "--cameras", str(args.cameras)]
    again += ["--onvif-port", str(args.onvif_port), "--rtsp-port", str(args.rtsp_port)]
    again += ["--first-address", args.first_address]
    if args.no_gui:
        again.append("--no-gui")
    return again
