"""`utkik alarms`: the alarm list, a watch for integrations, and handling alarms as a user.

Listing and watching act as the operating-system account (local administration may read
alarms, for integrations). Acknowledging, assigning, closing and snoozing are an operator's work:
they act as the console user named by `--user`, whose password is read from stdin, and are
logged under that user's name. A change is published on the broker at once when it can be
reached (otherwise the engine publishes it within a second).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from types import FrameType
from typing import Any, TextIO

from console.alarms.broker import broker_for, check_broker, parse_broker
from console.alarms.model import SEVERITIES, Alarm, AlarmState, Rule, Sensor
from console.alarms.signals import AlarmClass, SourceKind
from console.app import Core
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, KnownError
from console.localtime import LOCAL_ZONE
from console.policy import require
from console.settings import MQTT_BROKER
from devices.mqtt_sensors import (
    AlarmFeed,
    BrokerLogin,
    MqttAlarmBoard,
    broker_login,
    store_broker_login,
)

#: How long a command waits for the broker to take its change before it says it could not.
PUBLISH_WAIT_S = 3.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def add_alarms_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    alarms = commands.add_parser(
        "alarms", help="the alarm list; handle alarms as a console user"
    ).add_subparsers(dest="alarms_command", metavar="ACTION", required=True)
    lst = alarms.add_parser("list", help="alarms, open ones first, most severe and newest first")
    lst.add_argument("--json", action="store_true", help="one JSON object per line")
    lst.add_argument("--state", choices=[s.value for s in AlarmState])
    lst.add_argument(
        "--since",
        type=since,
        help="received since: a time (2026-03-29T14:00, local time unless an offset is given) "
        "or a duration back from now (30m, 2h, 1d)",
    )
    show = alarms.add_parser("show", help="one alarm with its raw payload, as JSON")
    show.add_argument("id", type=int)
    alarms.add_parser("watch", help="each alarm's state as it changes, as JSON lines")
    sensors = alarms.add_parser("sensors", help="every MQTT sensor heard, new ones too")
    sensors.add_argument("--json", action="store_true", help="one JSON object per line")
    for name, text in (
        ("ack", "acknowledge an alarm (severity 1-2 needs --comment)"),
        ("close", "close an alarm"),
    ):
        handle = alarms.add_parser(name, help=text)
        handle.add_argument("id", type=int)
        handle.add_argument("--comment", default="", help="what was done")
        _as_user(handle)
    assign = alarms.add_parser("assign", help="give an alarm to an operator")
    assign.add_argument("id", type=int)
    assign.add_argument("operator")
    _as_user(assign)
    snooze = alarms.add_parser("snooze", help="hold a noisy source quiet for a while")
    snooze.add_argument("source", help="the sensor id (sound-1) or the camera's number")
    snooze.add_argument("--kind", choices=[k.value for k in SourceKind], default="mqtt")
    snooze.add_argument("--minutes", type=int, required=True)
    snooze.add_argument("--reason", default="")
    _as_user(snooze)
    rules = alarms.add_parser("rules", help="the rule of every class, per site")
    rules.add_argument("--json", action="store_true", help="one JSON object per line")
    rule = alarms.add_parser("rule", help="set what alarms of a class do (supervisors)")
    rule.add_argument("alarm_class", metavar="CLASS", choices=[c.value for c in AlarmClass])
    rule.add_argument("--site", help="one site (area) only; default: every site without its own")
    rule.add_argument("--severity", type=int, choices=SEVERITIES)
    rule.add_argument("--sound", help='the sound\'s name, "" for none')
    rule.add_argument("--open-camera", action=argparse.BooleanOptionalAction)
    rule.add_argument("--record", action=argparse.BooleanOptionalAction)
    rule.add_argument("--record-seconds", type=int)
    rule.add_argument("--lighting-boost", type=int, help="percent, or -1 for none")
    _as_user(rule)
    login = alarms.add_parser(
        "broker-login", help="keep the login of the broker (mqtt.broker) in the keyring"
    )
    login.add_argument("--broker-user", required=True)
    login.add_argument("--password-stdin", action="store_true", required=True)


def add_sensor_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from devices.simulator.sensor_control import WHATS

    event = commands.add_parser(
        "sensor-event", help="make a simulated sensor send an event (see utkik simulate)"
    )
    event.add_argument("broker", help="mqtt://HOST:PORT, as utkik simulate prints it")
    event.add_argument("place", help="the place's slug, e.g. stora-torget")
    event.add_argument("sensor", help="the sensor id, e.g. tamper-1")
    event.add_argument("what", choices=WHATS)


def run_sensor_event(args: argparse.Namespace, out: TextIO) -> int:
    from devices.simulator.sensor_control import send

    address = parse_broker(args.broker)
    send(address, args.place, args.sensor, args.what)
    print(f"{args.sensor} at {args.place}: {args.what}", file=out)
    return 0


def _as_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, help="the console user who acts")
    parser.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )


def since(text: str) -> datetime:
    """A time (ISO 8601; Stockholm time unless an offset is given) or a duration back."""
    match = _DURATION.match(text)
    if match:
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
        if seconds > 3650 * 86400:
            raise argparse.ArgumentTypeError(f"“{text}” is too far back")
        return datetime.now(LOCAL_ZONE) - timedelta(seconds=seconds)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” is neither a time (2026-03-29T14:00) nor a duration (30m, 2h, 1d)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_ZONE)


def authenticate(core: Core, name: str, stdin: TextIO | None = None) -> Actor:
    """The console user `name`, with the password from stdin (logged as a login)."""
    password = (stdin or sys.stdin).readline().rstrip("\r\n")
    if not password:
        raise InvalidInput(N_("No password on stdin."))
    return Actor.of(core.users.authenticate(name, password))


def run_alarms(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    match args.alarms_command:
        case "list":
            state = AlarmState(args.state) if args.state else None
            for alarm in core.alarms.list(Actor.os_account(), state=state, since=args.since):
                print(_line(alarm, as_json=args.json), file=out)
            return 0
        case "show":
            alarm = core.alarms.get(Actor.os_account(), args.id)
            shown = {**alarm.as_json(), "raw": alarm.raw}
            print(json.dumps(shown, ensure_ascii=False, indent=2), file=out)
            return 0
        case "watch":
            return watch(core, out)
        case "sensors":
            for sensor in core.alarms.sensors(Actor.os_account()):
                if args.json:
                    print(json.dumps(_sensor_json(sensor), ensure_ascii=False), file=out)
                else:
                    place = sensor.place_name or f"{sensor.place} (not a place Utkik knows)"
                    heard = sensor.availability or "?"
                    print(f"{place}\t{sensor.sensor}\t{sensor.kind or '?'}\t{heard}", file=out)
            return 0
        case "broker-login":
            return store_login(core, args, out)
        case "rules":
            names = {a.id: a.name for a in core.sites.areas()}
            for found in core.alarms.rules(Actor.os_account()):
                print(_rule_line(found, names, as_json=args.json), file=out)
            return 0
    actor = authenticate(core, args.user)
    published = _Publisher(core)
    core.alarms.on_changed = published.publish
    try:
        match args.alarms_command:
            case "ack":
                alarm = core.alarms.acknowledge(actor, args.id, args.comment)
                print(f"Alarm {alarm.id} acknowledged by {alarm.acknowledged_by}.", file=out)
            case "close":
                alarm = core.alarms.close(actor, args.id, args.comment)
                print(f"Alarm {alarm.id} closed by {alarm.closed_by}.", file=out)
            case "assign":
                alarm = core.alarms.assign(actor, args.id, args.operator)
                print(f"Alarm {alarm.id} assigned to {alarm.assigned_to}.", file=out)
            case "rule":
                changed = core.alarms.set_rule(actor, _rule_from(core, args))
                names = {a.id: a.name for a in core.sites.areas()}
                print(_rule_line(changed, names, as_json=False), file=out)
            case "snooze":
                snooze = core.alarms.snooze(
                    actor,
                    SourceKind(args.kind),
                    args.source,
                    timedelta(minutes=args.minutes),
                    args.reason,
                )
                local = snooze.until.astimezone(LOCAL_ZONE)
                print(f"{snooze.source} snoozed until {local:%Y-%m-%d %H:%M}.", file=out)
    finally:
        core.alarms.on_changed = None
        published.close()
    return 0


def _rule_from(core: Core, args: argparse.Namespace) -> Rule:
    """The rule in force for the class and site, with what the options change."""
    alarm_class = AlarmClass(args.alarm_class)
    area_id = None
    if args.site:
        (area_id,) = core.sites.resolve_areas([args.site])
    current = replace(core.alarms.rule(alarm_class, area_id), area_id=area_id)
    changes: dict[str, Any] = {}
    for option, field in (
        ("severity", "severity"),
        ("sound", "sound"),
        ("open_camera", "open_camera"),
        ("record", "record"),
        ("record_seconds", "record_s"),
    ):
        if getattr(args, option) is not None:
            changes[field] = getattr(args, option)
    if args.lighting_boost is not None:
        changes["lighting_boost"] = None if args.lighting_boost < 0 else args.lighting_boost
    if not changes:
        raise InvalidInput(N_("Nothing to change: give --severity, --sound, --record, ..."))
    return replace(current, **changes)


def _rule_line(rule: Rule, areas: dict[int, str], *, as_json: bool) -> str:
    site = areas.get(rule.area_id, str(rule.area_id)) if rule.area_id is not None else "all sites"
    if as_json:
        return json.dumps(
            {
                "class": rule.alarm_class.value,
                "site": site,
                "severity": rule.severity,
                "sound": rule.sound,
                "open_camera": rule.open_camera,
                "record": rule.record,
                "record_s": rule.record_s,
                "lighting_boost": rule.lighting_boost,
            },
            ensure_ascii=False,
        )
    record = f"record {rule.record_s} s" if rule.record else "no recording"
    boost = f"boost {rule.lighting_boost} %" if rule.lighting_boost is not None else "no boost"
    return (
        f"{rule.alarm_class.value}\t{site}\tseverity {rule.severity}\t"
        f"sound {rule.sound or '-'}\t{'open camera' if rule.open_camera else '-'}\t"
        f"{record}\t{boost}"
    )


def _sensor_json(sensor: Sensor) -> dict[str, object]:
    return {
        "place": sensor.place,
        "place_name": sensor.place_name,
        "sensor": sensor.sensor,
        "kind": sensor.kind,
        "availability": sensor.availability,
        "first_seen": sensor.first_seen.isoformat(),
        "last_seen": sensor.last_seen.isoformat(),
    }


def _line(alarm: Alarm, *, as_json: bool) -> str:
    if as_json:
        return json.dumps(alarm.as_json(), ensure_ascii=False)
    received = alarm.received_time.astimezone(LOCAL_ZONE)
    where = " / ".join(p for p in (alarm.site, alarm.place) if p) or "—"
    count = f" ×{alarm.count}" if alarm.count > 1 else ""
    return (
        f"{alarm.id}\t{alarm.state.value}\t{alarm.severity}\t{alarm.alarm_class.value}\t"
        f"{received:%Y-%m-%d %H:%M:%S}\t{where}\t{alarm.title}{count}"
    )


class _Publisher:
    """Publishes a change on the broker when one can be reached; the engine catches up
    otherwise."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self._board: MqttAlarmBoard | None = None

    def publish(self, alarms: Any) -> None:
        try:
            setting = self._core.settings.get_text(MQTT_BROKER)
            address = broker_for(setting, self._core.data_dir)
            login = broker_login(address) if setting else None
        except KnownError:
            return
        self._board = MqttAlarmBoard(address, self._core.alarms.instance(), login, confirm=True)
        # Connected first, so that the broker's acknowledgement can be waited for.
        self._board.connected.wait(PUBLISH_WAIT_S)
        self._board.publish(alarms)

    def close(self) -> None:
        if self._board is not None:
            if not self._board.flush(PUBLISH_WAIT_S):
                print(
                    "utkik: the broker did not take the change; the alarm engine publishes it.",
                    file=sys.stderr,
                )
            self._board.close()


def watch(core: Core, out: TextIO) -> int:
    """Print each alarm's state as it changes (JSON lines) until Ctrl-C or SIGTERM: first the
    open alarms (the broker's retained states), then every change."""
    require(Actor.os_account(), Permission.VIEW_ALARMS)
    setting = core.settings.get_text(MQTT_BROKER)
    address = broker_for(setting, core.data_dir)
    login = broker_login(address) if setting else None
    stop = threading.Event()
    lock = threading.Lock()

    def on_state(alarm_id: int, state: dict[str, Any] | None) -> None:
        if state is None:
            return  # a closed alarm's topic cleared; its closed state came before
        with lock:
            print(json.dumps(state, ensure_ascii=False), file=out, flush=True)

    def on_engine(online: bool) -> None:
        if not online:
            print("utkik: the alarm engine is gone; waiting for it.", file=sys.stderr, flush=True)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    feed = AlarmFeed(address, core.alarms.instance(), login)
    feed.start(on_state, on_engine=on_engine)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        feed.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def store_login(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    require(Actor.os_account(), Permission.MANAGE_SETTINGS)
    setting = core.settings.get_text(MQTT_BROKER)
    if not setting:
        raise InvalidInput(
            N_("Set the broker first: utkik settings set mqtt.broker mqtts://HOST:PORT")
        )
    address = parse_broker(check_broker(setting))
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidInput(N_("No password on stdin."))
    core.audit.record(
        Actor.os_account(), "setting.broker_login", address.login_ref, {"user": args.broker_user}
    ).result()
    store_broker_login(address, BrokerLogin(args.broker_user, password))
    print(f"The login for {address.url} is in the keyring.", file=out)
    return 0
