"""The command line: local administration, and (later) the headless recorder `utkik serve`.

A composition root like ui/app.py, but one that never imports Qt, so a recorder or a script never
loads it. CLI commands act as the operating-system account that runs them.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO, cast

from console import __version__
from console.app import Core, default_data_dir
from console.audit.state import Difference, check_state
from console.camera_facts import DeviceFacts, DiscoveredDevice, Health, scope_value
from console.camera_login import CameraLogin, ForeignHost
from console.cameras import MAX_PORT, MIN_PORT, Camera
from console.domain import Actor, Role, User
from console.errors import N_, InvalidInput, KnownError
from console.health import HealthService
from console.recording.archive import Mode, parse_window
from console.runtime import DeviceLoop
from console.settings import ALL_SETTINGS, TEXT_SETTINGS, find_setting
from console.sites import parse_area_list
from console.text import printable, terminal_safe
from console.users import parse_role
from devices import access_log, secrets
from ui import cli_cases, cli_export
from ui.cli_alarms import add_alarms_parser, add_sensor_parser, run_alarms, run_sensor_event
from ui.cli_export_package import (
    is_package_verify,
    run_package_command,
    run_package_verify,
)
from ui.cli_lighting import add_lighting_parser, run_lighting
from ui.cli_register import add_register_parser, run_register

log = logging.getLogger(__name__)


#: The furthest back `recordings list --hours` looks: ten years, well past any retention, and
#: far from the limits of a date (a larger number would overflow one).
MAX_LIST_HOURS = 10 * 366 * 24


def folder(text: str) -> Path:
    """A folder or file option. An empty one is refused: `Path("")` is the current folder, and
    an unset shell variable would quietly put a database (or keys) wherever the command ran."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty name names no folder or file")
    return Path(text)


def port(text: str) -> int:
    """A TCP port, 1 to 65535, checked before anything is contacted (port 0 or 70000 would
    otherwise read as "nothing answers")."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a port number") from None
    if not MIN_PORT <= number <= MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"{number} is not a valid port: a port is {MIN_PORT} to {MAX_PORT}"
        )
    return number


def hours(text: str) -> float:
    """A positive, finite number of hours (nan, inf and 1e308 are refused, not crashed on)."""
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of hours") from None
    if not (math.isfinite(number) and 0 < number <= MAX_LIST_HOURS):
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a number of hours from more than 0 to {MAX_LIST_HOURS}"
        )
    return number


#: The longest wait a seconds option takes (a day); nan, inf and 0 are refused.
MAX_SECONDS = 24 * 3600.0


def seconds(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of seconds") from None
    if not (math.isfinite(number) and 0 < number <= MAX_SECONDS):
        raise argparse.ArgumentTypeError(
            f"“{text}” is not a number of seconds from more than 0 to {MAX_SECONDS:.0f}"
        )
    return number


class _TerminalStream:
    """A text stream passing what is written through `terminal_safe`; the rest is the
    wrapped stream's (fileno, isatty, encoding, buffer)."""

    def __init__(self, raw: TextIO) -> None:
        self._raw = raw

    def write(self, text: str) -> int:
        self._raw.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._raw.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def terminal_stream(raw: TextIO) -> TextIO:
    """`raw` (stdout or stderr) showing controls and bidi controls as visible escapes."""
    if isinstance(raw, _TerminalStream):
        return raw
    return cast(TextIO, _TerminalStream(raw))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="utkik",
        description="Utkik, the operator console of a CCTV monitoring room. "
        "Without a command it starts the console.",
    )
    parser.add_argument("--version", action="version", version=f"utkik {__version__}")
    parser.add_argument(
        "--data-dir", type=folder, help="the folder holding the database (default: the platform's)"
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="open a temporary data dir, load Qt and libvlc, and exit 0 if all is well",
    )
    parser.add_argument("--lang", choices=["sv", "en"], help="the console's language")
    parser.add_argument(
        "--key-dir",
        type=folder,
        help="keep the access log's keys in this folder (default: the OS keyring, or a key "
        "folder in the user's config dir where there is no keyring)",
    )
    parser.add_argument(
        "--witness",
        dest="witness_file",
        type=folder,
        help="also append every checkpoint to this file (default: one in the platform's log dir)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="start the console (the default)")

    users = commands.add_parser("users", help="manage console users").add_subparsers(
        dest="users_command", metavar="ACTION", required=True
    )
    add = users.add_parser("add", help="add a user (the password is prompted)")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=", ".join(r.value for r in Role))
    add_areas = add.add_mutually_exclusive_group()
    add_areas.add_argument(
        "--areas", help="limit the user to these areas (comma-separated; default: all areas)"
    )
    add_areas.add_argument("--all-areas", action="store_true", help="all areas (the default)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    lst = users.add_parser("list", help="list users")
    lst.add_argument("--json", action="store_true", help="one JSON object per line")

    set_ = users.add_parser("set", help="change a user's role or areas")
    set_.add_argument("name")
    set_.add_argument("--role")
    areas = set_.add_mutually_exclusive_group()
    areas.add_argument("--areas", help="limit the user to these areas (comma-separated)")
    areas.add_argument("--all-areas", action="store_true", help="lift the user's area limit")

    passwd = users.add_parser("passwd", help="set a user's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")

    disable = users.add_parser("disable", help="disable a user")
    disable.add_argument("name")
    enable = users.add_parser("enable", help="enable a disabled user")
    enable.add_argument("name")

    settings = commands.add_parser("settings", help="show or change settings").add_subparsers(
        dest="settings_command", metavar="ACTION", required=True
    )
    settings.add_parser("list", help="every setting with its value")
    set_setting = settings.add_parser("set", help="change a setting")
    set_setting.add_argument("key", choices=sorted([*ALL_SETTINGS, *TEXT_SETTINGS]))
    set_setting.add_argument("value", help='a number, or text for mqtt.broker ("" to unset)')

    audit = commands.add_parser("audit", help="the access log").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True
    )
    audit.add_parser(
        "status",
        help="size, seal, key custody and witness of the log, and whether the users, cameras, "
        "retention and settings are what it says was done (exit 1 if not)",
    )
    export = audit.add_parser("export", help="write the log, its checkpoints and keys to DIR")
    export.add_argument("directory", type=Path)
    verify = audit.add_parser("verify", help="verify an export (needs no data dir)")
    verify.add_argument("directory", type=Path)
    verify.add_argument("--witness", dest="verify_witness", type=Path, help="a witness file")
    verify.add_argument("--anchor", help="the expected fingerprint of the first key")
    verify.add_argument("--proof", type=Path, help="also check this inclusion proof")
    prove = audit.add_parser("prove", help="an inclusion proof of entry SEQ, as JSON")
    prove.add_argument("seq", type=int)
    audit.add_parser("seal", help="make a checkpoint now")
    recover = audit.add_parser(
        "recover",
        help="start a new origin after the log was found broken (its keys or checkpoints were "
        "removed from the database); the recovery is logged and linked to the old origin",
    )
    recover.add_argument("--reason", required=True, help="why, for the log")
    add_simulate_parser(commands)
    add_camera_parsers(commands)
    add_demo_parser(commands)
    add_serve_parser(commands)
    add_recordings_parser(commands)
    add_lighting_parser(commands)
    add_alarms_parser(commands)
    add_register_parser(commands)
    add_sensor_parser(commands)
    return parser


def add_demo_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo", help="try the console on a simulated site (own data dir, demo users)"
    )
    demo.add_argument("--cameras", type=int, default=6, help="simulated cameras (default 6)")
    demo.add_argument(
        "--no-gui",
        action="store_true",
        help="set everything up and keep the site running until Ctrl-C, without the console",
    )
    demo.add_argument(
        "--reset",
        action="store_true",
        help="forget the demo's data dir, users and access log and start afresh",
    )
    demo.add_argument("--onvif-port", type=port, default=8080)
    demo.add_argument("--rtsp-port", type=port, default=8554)
    demo.add_argument("--first-address", default="127.0.0.2", help=argparse.SUPPRESS)


def add_serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="record the cameras without a GUI until stopped (one recorder per data dir)",
    )
    serve.add_argument(
        "--segment-seconds",
        type=seconds,
        default=10.0,
        help="length of a recording segment in seconds (default 10)",
    )


def add_recordings_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    recordings = commands.add_parser(
        "recordings", help="what is recorded, how long it is kept, and what is there"
    ).add_subparsers(dest="recordings_command", metavar="ACTION", required=True)
    show = recordings.add_parser("list", help="each camera's mode, retention and recorded time")
    show.add_argument("--hours", type=hours, default=24.0, help="how far back (default 24)")
    mode = recordings.add_parser("mode", help="record a camera continuously, on a schedule, or not")
    mode.add_argument("camera", help="camera name or number")
    mode.add_argument("mode", choices=[m.value for m in Mode])
    mode.add_argument(
        "--window",
        action="append",
        default=[],
        help='a weekly window in Stockholm time, e.g. "mon 07:00-19:00" (repeat for more)',
    )
    keep = recordings.add_parser("retention", help="how many hours a camera's video is kept")
    keep.add_argument("camera", help="camera name or number")
    keep.add_argument("hours", type=int)
    keep.add_argument(
        "--justification", default="", help="required above 72 h: why the longer time is needed"
    )
    recordings.add_parser("purge", help="delete expired recordings now (receipts in the log)")


def add_camera_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    discover = commands.add_parser(
        "discover", help="find ONVIF cameras (WS-Discovery, or an address range scan)"
    )
    discover.add_argument("--json", action="store_true", help="one JSON object per line")
    discover.add_argument("--interface", help="the network interface to probe on (by name)")
    discover.add_argument(
        "--range",
        dest="address_range",
        metavar="FIRST-LAST|CIDR",
        help="scan these addresses instead of multicasting (where multicast is blocked)",
    )
    discover.add_argument(
        "--port",
        dest="ports",
        type=port,
        action="append",
        help="ONVIF port to try in a range scan (default 80 and 8080; repeatable)",
    )
    discover.add_argument(
        "--window", type=seconds, default=3.0, help="seconds to listen for answers (default 3)"
    )

    cameras = commands.add_parser("cameras", help="manage cameras").add_subparsers(
        dest="cameras_command", metavar="ACTION", required=True
    )
    add = cameras.add_parser("add", help="onboard the ONVIF camera at HOST")
    add.add_argument("host")
    add.add_argument("--port", type=port, default=80)
    add.add_argument("--place", help="the place (name or number); default: the first place")
    add.add_argument("--name", help="the camera's name (default: the place and model)")
    add.add_argument("--user", required=True, help="the camera's user name")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the camera's password from stdin"
    )
    add.add_argument(
        "--trust-host",
        action="append",
        default=[],
        metavar="HOST",
        help="accept HOST (the camera's recorder or stream proxy) to receive its login",
    )
    trust = cameras.add_parser(
        "trust-host",
        help="accept another host (the camera's recorder or stream proxy) to receive its login",
    )
    trust.add_argument("camera", help="the camera (name or number)")
    trust.add_argument("host", help="the host name or address the camera's addresses name")
    lst = cameras.add_parser("list", help="list cameras")
    lst.add_argument("--json", action="store_true", help="one JSON object per line")
    remove = cameras.add_parser("remove", help="remove a camera (by name or number)")
    remove.add_argument("camera")
    test = cameras.add_parser(
        "test", help="check a camera: reachable, stream opens, clock (by name or number)"
    )
    test.add_argument("camera")
    cli_export.add_export_parser(commands)
    cli_cases.add_cases_parser(commands)


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        return int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a size such as 1920x1080") from None


def add_simulate_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="run a simulated site (ONVIF cameras, RTSP streams, MQTT sensors) until stopped",
    )
    simulate.add_argument("--cameras", type=int, default=6, help="how many cameras (default 6)")
    simulate.add_argument(
        "--namespace",
        action="store_true",
        help="run in a network namespace pair with multicast WS-Discovery (needs root)",
    )
    simulate.add_argument("--onvif-port", type=port, default=8080)
    simulate.add_argument("--rtsp-port", type=port, default=8554)
    simulate.add_argument(
        "--main-size", type=_size, default=(1920, 1080), help="main stream size (default 1920x1080)"
    )
    simulate.add_argument(
        "--no-rtsp-auth", action="store_true", help="streams open without a login"
    )
    simulate.add_argument(
        "--without-sub",
        action="append",
        default=[],
        metavar="NAME",
        help="a camera without sub stream",
    )
    simulate.add_argument(
        "--clock-offset", type=float, default=0.0, help="the cameras' clocks run this many s ahead"
    )
    simulate.add_argument("--no-sensors", action="store_true", help="no MQTT broker or sensors")
    simulate.add_argument("--cache-dir", type=folder, help="where encoded clips are kept")
    # Used when the site runs itself inside a namespace.
    simulate.add_argument("--addresses", help=argparse.SUPPRESS)
    simulate.add_argument("--broker-host", default="127.0.0.1", help=argparse.SUPPRESS)
    simulate.add_argument("--multicast", action="store_true", help=argparse.SUPPRESS)


def run_simulate(args: argparse.Namespace, out: TextIO) -> int:
    import os

    from devices.simulator import run as simulator
    from devices.simulator.site import SiteOptions

    if args.cameras < 1:
        raise InvalidInput("A simulated site needs at least one camera.")
    width, height = args.main_size
    sub_size = (640, 360)
    if width * height <= 640 * 360:  # a sub stream is smaller than its main stream
        sub_size = (max(48, width // 4 * 2), max(28, height // 4 * 2))
    options = SiteOptions(
        sub_size=sub_size,
        cameras=args.cameras,
        addresses=tuple(args.addresses.split(",")) if args.addresses else (),
        onvif_port=args.onvif_port,
        rtsp_port=args.rtsp_port,
        main_size=args.main_size,
        rtsp_auth=not args.no_rtsp_auth,
        without_sub=frozenset(args.without_sub),
        clock_offset_s=args.clock_offset,
        sensors=not args.no_sensors,
        broker_host=args.broker_host,
        multicast=args.multicast,
        user=os.environ.get(simulator.USER_VARIABLE, ""),
        password=os.environ.get(simulator.PASSWORD_VARIABLE, ""),
    )
    cache_dir = args.cache_dir or clip_cache_dir()
    if args.namespace:
        return simulator.run_in_namespace(options, out, cache_dir)
    return simulator.run_site(options, out, cache_dir)


def _discovered_json(device: DiscoveredDevice) -> str:
    return json.dumps(
        {
            "address": device.address,
            "port": device.port,
            "xaddr": device.xaddrs[0] if device.xaddrs else "",
            "xaddrs": list(device.xaddrs),
            "name": device.name,
            "manufacturer": scope_value(device.scopes, "mfr")
            or scope_value(device.scopes, "manufacturer"),
            "model": device.hardware,
            "location": device.location,
            "endpoint": device.endpoint,
            "source": device.source.value,
            "interface": device.interface,
            "answered_from": device.answered_from,
            "address_mismatch": device.address_mismatch,
        },
        ensure_ascii=False,
    )


def run_discover(args: argparse.Namespace, out: TextIO) -> int:
    """`utkik discover`: prints each camera as it answers."""
    from devices import discovery

    def found(device: DiscoveredDevice) -> None:
        if args.json:
            print(_discovered_json(device), file=out, flush=True)
        else:
            xaddr = printable(device.xaddrs[0]) if device.xaddrs else ""
            label = printable(device.name) or "(no name)"
            model = f" — {printable(device.hardware)}" if device.hardware else ""
            # A device reporting another host's address is listed at the one it answered from.
            elsewhere = " (reports another address)" if device.address_mismatch else ""
            print(
                f"{device.address}:{device.port}\t{label}{model}\t{xaddr}{elsewhere}",
                file=out,
                flush=True,
            )

    if args.address_range:
        addresses = discovery.parse_range(args.address_range)
        ports = tuple(args.ports) if args.ports else (80, 8080)
        with DeviceLoop() as loop:
            devices = discovery.scan_range(loop, addresses, ports=ports, on_found=found)
    else:
        interface = None
        if args.interface:
            interface = next((i for i in discovery.interfaces() if i.name == args.interface), None)
            if interface is None:
                names = ", ".join(i.name for i in discovery.interfaces())
                raise InvalidInput(
                    N_("There is no network interface called “{name}”. Interfaces: {known}."),
                    name=args.interface,
                    known=names,
                )
        devices = discovery.probe_multicast(interface, window=args.window, on_found=found)
    if not args.json:
        print(f"{len(devices)} camera(s) found.", file=sys.stderr)
    return 0


def _camera_json(camera: Camera) -> str:
    facts = camera.facts
    return json.dumps(
        {
            "id": camera.id,
            "name": camera.name,
            "place_id": camera.place_id,
            "host": camera.host,
            "port": camera.port,
            "xaddr": facts.xaddr,
            "manufacturer": facts.manufacturer,
            "model": facts.model,
            "serial": facts.serial,
            "main": facts.main.uri if facts.main else "",
            "main_size": [facts.main.width, facts.main.height] if facts.main else None,
            "sub": facts.sub.uri if facts.sub else "",
            "ptz": facts.capabilities.ptz,
            "events": facts.capabilities.events,
            "relay_outputs": facts.capabilities.relay_outputs,
            "secure": facts.secure,
            "clock_offset_s": facts.clock_offset_s,
            "foreign_host": facts.foreign_host,
            "trusted_hosts": list(facts.trusted_hosts),
        },
        ensure_ascii=False,
    )


def _facts_notes(facts: DeviceFacts) -> list[str]:
    notes = []
    if facts.clock_warning and facts.clock_offset_s is not None:
        notes.append(
            f"warning: the camera's clock is {facts.clock_offset_s:+.1f} s off; evidence times "
            "and logins depend on it: set it to use NTP."
        )
    if not facts.secure:
        notes.append("warning: insecure transport (plain HTTP); use HTTPS where the camera can.")
    if facts.foreign_host:
        notes.append(
            "warning: the camera gives addresses on another host "
            f"({printable(facts.foreign_host)}); its login is not sent there. If that host is "
            "the camera's recorder or stream proxy: "
            f"utkik cameras trust-host CAMERA {printable(facts.foreign_host)}"
        )
    notes.extend(f"note: {printable(problem)}" for problem in facts.problems)
    return notes


def run_recordings(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    actor = Actor.os_account()
    match args.recordings_command:
        case "list":
            cameras = core.cameras.recorded(actor)
            configs = core.recordings.configs(c.id for c in cameras)
            end = core.clock.now()
            start = end - timedelta(hours=args.hours)
            for camera in cameras:
                config = configs[camera.id]
                ranges = core.recordings.ranges(camera.id, start, end)
                if camera.removed_at is not None and not ranges:
                    continue  # a removed camera is listed while recordings of it are kept
                seconds = sum((b - a).total_seconds() for a, b in ranges)
                mode = "removed" if camera.removed_at is not None else config.mode.value
                print(
                    f"{camera.id}\t{printable(camera.name)}\t{mode}\t"
                    f"kept {config.retention_hours} h\t{seconds / 3600:.2f} h recorded in "
                    f"{len(ranges)} ranges",
                    file=out,
                )
        case "mode":
            camera = core.cameras.find(actor, args.camera)
            windows = [parse_window(text) for text in args.window]
            # Written through the camera's register entry (its `recording` and `hours`).
            core.register.set_recording(actor, camera.id, Mode(args.mode), windows)
            print(f"Camera {camera.id} ({printable(camera.name)}) records: {args.mode}.", file=out)
        case "retention":
            camera = core.cameras.find(actor, args.camera)
            # Written through the camera's register entry (its `retention_hours`).
            core.register.set_retention(actor, camera.id, args.hours, args.justification)
            print(f"Camera {camera.id} ({printable(camera.name)}) keeps {args.hours} h.", file=out)
        case "purge":
            receipts = core.recordings.purge()
            for receipt in receipts:
                print(
                    f"camera {receipt.camera_id}: {receipt.segments} segments, "
                    f"{receipt.bytes} bytes, {receipt.start:%Y-%m-%d %H:%M:%S}Z to "
                    f"{receipt.end:%Y-%m-%d %H:%M:%S}Z",
                    file=out,
                )
            print(f"{len(receipts)} cameras purged.", file=out)
    return 0


def run_cameras(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    actor = Actor.os_account()
    places = {p.id: p for p in core.sites.places()}
    match args.cameras_command:
        case "add":
            place = (
                core.sites.resolve_place(args.place) if args.place else next(iter(places.values()))
            )
            password = read_secret(args.password_stdin, "Camera password: ")
            facts = onboard(args.host, args.port, args.user, password)
            open_main_stream(facts, args.user, password, trusted=tuple(args.trust_host))
            name = args.name or " ".join(x for x in (place.name, facts.model) if x)
            camera = core.cameras.add(actor, facts, place, name, args.user, password)
            print(f"Added camera {camera.id}: {printable(camera.name)} at {place.name}.", file=out)
            for host in args.trust_host:
                camera = core.cameras.trust_host(actor, camera.id, host)
                print(f"Camera {camera.id} may send its login to {printable(host)}.", file=out)
            for note in _facts_notes(camera.facts):
                print(note, file=out)
        case "trust-host":
            camera = core.cameras.find(actor, args.camera)
            camera = core.cameras.trust_host(actor, camera.id, args.host)
            print(
                f"Camera {camera.id} ({camera.name}) may send its login to {args.host}.", file=out
            )
        case "list":
            for camera in core.cameras.list(actor):
                if args.json:
                    print(_camera_json(camera), file=out)
                    continue
                facts = camera.facts
                place_name = places[camera.place_id].name if camera.place_id in places else "?"
                badge = "" if facts.secure else "\tinsecure transport"
                print(
                    f"{camera.id}\t{printable(camera.name)}\t{place_name}\t"
                    f"{printable(camera.host)}:{camera.port}\t"
                    f"{printable(facts.manufacturer)} {printable(facts.model)}{badge}",
                    file=out,
                )
        case "remove":
            camera = core.cameras.remove(actor, core.cameras.find(actor, args.camera).id)
            print(f"Removed camera {camera.id}: {printable(camera.name)}.", file=out)
        case "test":
            return _test_camera(core, actor, args.camera, out)
    return 0


def onboard(host: str, port: int, user: str, password: str) -> DeviceFacts:
    """What the camera at host:port tells about itself (the technician's onboarding)."""
    from devices import onvif_client

    with DeviceLoop() as loop:
        return onvif_client.onboard_blocking(loop, host, port, user, password)


def open_main_stream(
    facts: DeviceFacts, user: str, password: str, *, trusted: tuple[str, ...] = ()
) -> None:
    """Decode one keyframe of the camera's main stream with its login before it is saved (the
    picture is shown to nobody): a camera may accept any ONVIF login, or remember a good one
    per client for minutes, and refuse the stream's. Raises the stream's CameraError (a
    WrongLogin for a wrong stream password). A stream on another host than the camera's, and
    not among `trusted`, is not opened: it is flagged in the facts and printed as a warning."""
    from devices import onvif_client

    if facts.main is None:
        return
    login = CameraLogin.for_facts(replace(facts, trusted_hosts=trusted), user, password)
    try:
        onvif_client.grab_keyframe(facts.main.uri, login)
    except ForeignHost:
        return


def _test_camera(core: Core, actor: Actor, which: str, out: TextIO) -> int:
    from devices import onvif_client

    camera = core.cameras.find(actor, which)
    with DeviceLoop() as loop:

        def probe(host: str, port: int, login: CameraLogin, uri: str | None) -> Health:
            return onvif_client.check_health_blocking(loop, host, port, login, uri)

        checked = HealthService(core.cameras, probe, core.clock).check(actor, camera.id).health
    state = "reachable" if checked.reachable else "NOT reachable"
    print(f"{printable(camera.name)}: {state}", file=out)
    print(f"stream: {'opens' if checked.stream_ok else 'does NOT open'}", file=out)
    if checked.clock_offset_s is not None:
        print(f"clock offset: {checked.clock_offset_s:+.1f} s", file=out)
    if checked.error:
        print(f"problem: {printable(checked.error)}", file=out)
    if camera.facts.foreign_host:
        foreign = printable(camera.facts.foreign_host)
        print(
            f"note: if {foreign} is the camera's recorder or stream proxy: "
            f"utkik cameras trust-host {camera.id} {foreign}",
            file=out,
        )
    return 0 if checked.ok else 1


def read_secret(from_stdin: bool, prompt: str) -> str:
    """A camera's password: from stdin, or asked at the terminal (never an argument)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput(N_("No terminal to ask for the password: use --password-stdin."))
    return getpass.getpass(prompt)


def clip_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("utkik")) / "clips"


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def read_new_password(
    from_stdin: bool, check: Callable[[str], None], stdin: TextIO | None = None
) -> str:
    """A new password, refused at once if `check` (the administrators' rules) refuses it."""
    if from_stdin:
        line = (stdin or sys.stdin).readline()
        password = line.rstrip("\r\n")
        check(password)
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("No terminal to ask for the password: use --password-stdin.")
    password = getpass.getpass("New password: ")
    check(password)
    if getpass.getpass("Repeat the password: ") != password:
        raise InvalidInput("The two passwords differ.")
    return password


def _user_json(user: User, area_names: dict[int, str]) -> str:
    return json.dumps(
        {
            "id": user.id,
            "name": user.name,
            "role": user.role.value,
            "areas": sorted(area_names[a] for a in user.areas),
            "disabled": user.disabled,
            "created_at": user.created_at.isoformat(),
        },
        ensure_ascii=False,
    )


def _area_limit(core: Core, text: str) -> frozenset[int]:
    """The areas `--areas` names. An empty list is refused: read as "no limit", a slip (an
    empty shell variable) would open every area to the user."""
    names = parse_area_list(text)
    if not names:
        raise InvalidInput(
            N_("--areas names no area: name at least one, or give --all-areas for all areas.")
        )
    return core.sites.resolve_areas(names)


def run_users(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    actor = Actor.os_account()
    users = core.users
    area_names = {a.id: a.name for a in core.sites.areas()}
    match args.users_command:
        case "add":
            role = parse_role(args.role)
            areas = frozenset() if args.areas is None else _area_limit(core, args.areas)
            password = read_new_password(
                args.password_stdin, lambda p: users.check_password(p, args.name)
            )
            user = users.add(actor, args.name, role, password, areas)
            print(f"Added {user.name} ({user.role.value}).", file=out)
        case "list":
            for user in users.list(actor):
                if args.json:
                    print(_user_json(user, area_names), file=out)
                else:
                    limit = ", ".join(sorted(area_names[a] for a in user.areas)) or "all areas"
                    state = " (disabled)" if user.disabled else ""
                    print(f"{user.name}\t{user.role.value}\t{limit}{state}", file=out)
        case "set":
            new_role = parse_role(args.role) if args.role else None
            new_areas: frozenset[int] | None = None
            if args.all_areas:
                new_areas = frozenset()
            elif args.areas is not None:
                new_areas = _area_limit(core, args.areas)
            if new_role is None and new_areas is None:
                raise InvalidInput("Nothing to change: give --role, --areas or --all-areas.")
            user = users.update(actor, args.name, role=new_role, areas=new_areas)
            print(f"Changed {user.name}.", file=out)
        case "passwd":
            password = read_new_password(
                args.password_stdin, lambda p: users.check_password(p, args.name)
            )
            users.set_password(actor, args.name, password)
            print(f"Set a new password for {args.name}.", file=out)
        case "disable" | "enable":
            user = users.set_disabled(actor, args.name, args.users_command == "disable")
            print(f"{user.name} is {'disabled' if user.disabled else 'enabled'}.", file=out)
    return 0


def run_settings(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    if args.settings_command == "set":
        if args.key in TEXT_SETTINGS:
            core.settings.set_text(Actor.os_account(), TEXT_SETTINGS[args.key], args.value)
        else:
            try:
                number = int(args.value)
            except ValueError:
                raise InvalidInput(
                    N_("{key} takes a whole number, not “{value}”."), key=args.key, value=args.value
                ) from None
            core.settings.set_int(Actor.os_account(), find_setting(args.key), number)
    for key, setting in ALL_SETTINGS.items():
        value = core.settings.get_int(setting)
        print(f"{key}\t{value}\t(default {setting.default})", file=out)
    for key, text_setting in TEXT_SETTINGS.items():
        text = core.settings.get_text(text_setting) or "(unset)"
        print(f"{key}\t{text}\t(default {text_setting.default or 'unset'})", file=out)
    return 0


def run_audit(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    actor = Actor.os_account()
    match args.audit_command:
        case "status":
            for key, value in sorted(core.audit.status().items()):
                if key != "frontier":
                    print(f"{key}\t{value}", file=out)
            return print_state(check_state(core.db), out)
        case "export":
            count = core.audit.export(actor, args.directory)
            print(f"Exported {count} entries to {args.directory}.", file=out)
            print(f"Verify with: python {args.directory / 'verify.py'} {args.directory}", file=out)
        case "prove":
            core.audit.record(actor, "audit.proof_made", str(args.seq)).result()
            print(json.dumps(core.audit.prove(args.seq), indent=2, ensure_ascii=False), file=out)
        case "recover":
            old = core.audit.origin
            new = core.audit.recover(actor, args.reason)
            print(f"The access log {old} continues as {new}.", file=out)
            print(
                "Entries written before the recovery are vouched for by the witness and the "
                f"exports of {old}: verify new exports with --witness.",
                file=out,
            )
        case "seal":
            sealed = core.audit.seal().result()
            if sealed is None:
                print("Nothing to seal, or the signing key cannot be reached.", file=out)
            else:
                print(f"Sealed {sealed.size} entries.", file=out)
    return 0


def print_state(differences: list[Difference], out: TextIO) -> int:
    """The state check's result: 0 when the tables are what the log says was done, else 1."""
    if not differences:
        print("state\tmatches the access log", file=out)
        return 0
    print(f"state\t{len(differences)} differences from the access log", file=out)
    for difference in differences:
        print(f"state:\t{printable(difference.text)}", file=out)
    return 1


def run_verify(args: argparse.Namespace, out: TextIO) -> int:
    """`utkik audit verify`: the verify.py shipped in every export, with the same arguments."""
    from console.audit import verify

    argv = [str(args.directory)]
    if args.verify_witness is not None:
        argv += ["--witness", str(args.verify_witness)]
    if args.anchor:
        argv += ["--anchor", args.anchor]
    if args.proof is not None:
        argv += ["--proof", str(args.proof)]
    with contextlib.redirect_stdout(out):
        return verify.main(argv)


def open_core(args: argparse.Namespace) -> Core:
    return Core.open(
        args.data_dir,
        keys=access_log.key_store(args.key_dir),
        witnesses=access_log.witnesses(args.data_dir or default_data_dir(), args.witness_file),
        secrets=secrets.secret_store(),
        # A CLI command is short: it seals once, when it closes.
        sealer=False,
    )


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run a CLI command; KnownErrors become one line on stderr and exit code 1."""
    out = out or sys.stdout
    if args.command == "audit" and args.audit_command == "verify":
        try:
            return run_verify(args, out)
        except (OSError, ValueError) as err:
            print(f"utkik: the export cannot be read: {err}", file=sys.stderr)
            return 2
    if is_package_verify(args):
        return run_package_verify(args, out)
    if cli_cases.is_cases_verify(args):
        return cli_cases.run_cases_verify(args, out)
    if args.command == "sensor-event":
        try:
            return run_sensor_event(args, out)
        except KnownError as err:
            print(f"utkik: {err}", file=sys.stderr)
            return 1
    if args.command in ("simulate", "discover"):
        try:
            return (
                run_simulate(args, out) if args.command == "simulate" else run_discover(args, out)
            )
        except KnownError as err:
            print(f"utkik: {err}", file=sys.stderr)
            return 1
    try:
        core = open_core(args)
    except KnownError as err:
        print(f"utkik: {err}", file=sys.stderr)
        return 1
    # What the core found at start (a data dir open to other accounts) goes to stderr.
    core.bus.subscribe(lambda message: print(f"utkik: {message.text}", file=sys.stderr))
    try:
        if args.command == "users":
            return run_users(core, args, out)
        if args.command == "settings":
            return run_settings(core, args, out)
        if args.command == "audit":
            return run_audit(core, args, out)
        if args.command == "cameras":
            return run_cameras(core, args, out)
        if args.command == "recordings":
            return run_recordings(core, args, out)
        if args.command == "lighting":
            return run_lighting(core, args, out)
        if args.command == "export":
            done = run_package_command(core, args, out)
            if done is not None:
                return done
            return cli_export.run_export(core, args, out)
        if args.command == "alarms":
            return run_alarms(core, args, out)
        if args.command == "cases":
            return cli_cases.run_cases(core, args, out)
        if args.command == "register":
            return run_register(core, args, out)
        raise AssertionError(f"unhandled command {args.command}")
    except KnownError as err:
        print(f"utkik: {err}", file=sys.stderr)
        return 1
    finally:
        core.close()
