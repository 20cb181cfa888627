"""`utkik lighting ...`: the zones' levels and reasons, overrides, schedules and day plans."""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from console.app import Core
from console.errors import N_, InvalidInput
from console.lighting.schedule import Program, Schedule, SunEvent, parse_window
from console.lighting.service import LightingService, program_json, schedule_from_json
from console.localtime import LOCAL_ZONE
from ui.cli_user import add_user_options, console_user


def add_lighting_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lighting = commands.add_parser("lighting", help="lighting zones at the sites")
    sub = lighting.add_subparsers(dest="lighting_command", required=True)
    status = sub.add_parser("status", help="each zone's level, its reason and its luminaires")
    status.add_argument("--json", action="store_true", help="one JSON object per zone")

    override = sub.add_parser("set", help="override a zone's level for a while")
    override.add_argument("zone", help="the zone's name or number")
    override.add_argument("level", type=int, help="0-100 %%")
    override.add_argument("--for", dest="minutes", type=int, default=15, help="minutes (15)")
    override.add_argument("--reason", default="", help="why, for the access log")
    add_user_options(override)

    resume = sub.add_parser("resume", help="end a zone's override: back to its schedule")
    resume.add_argument("zone")
    add_user_options(resume)

    move = sub.add_parser("move", help="put a luminaire in another zone (made if it is new)")
    move.add_argument(
        "luminaire", help="PLACE/LIGHT as `lighting status` shows, e.g. berga-centrum/lamp-1"
    )
    move.add_argument("zone", help="the zone's name")
    add_user_options(move)

    schedule = sub.add_parser("schedule", help="show or change a zone's schedule")
    schedule.add_argument("zone")
    schedule.add_argument("--json-file", type=Path, help="the whole schedule as JSON")
    schedule.add_argument("--night-level", type=int)
    schedule.add_argument("--day-level", type=int)
    schedule.add_argument("--on", choices=["sunset", "dusk"], help="when the night begins")
    schedule.add_argument("--off", choices=["sunrise", "dawn"], help="when the night ends")
    schedule.add_argument(
        "--window",
        action="append",
        default=None,
        help='a time-of-day level, e.g. "01:00-05:00 mon-fri 50" (repeat; replaces the windows)',
    )
    schedule.add_argument("--no-windows", action="store_true", help="remove every window")
    schedule.add_argument("--user", help="the supervisor who changes it")
    schedule.add_argument("--password-stdin", action="store_true")

    plan = sub.add_parser("plan", help="a day's planned levels of a zone")
    plan.add_argument("zone")
    plan.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD (today)")
    plan.add_argument("--json", action="store_true")


def run_lighting(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    service = core.lighting
    match args.lighting_command:
        case "status":
            status = service.status()
            if args.json:
                for entry in status:
                    print(json.dumps(entry, ensure_ascii=False), file=out)
            elif not status:
                print(
                    "No lighting zones yet: luminaires appear when they announce themselves.",
                    file=out,
                )
            for entry in [] if args.json else status:
                print(_status_line(entry), file=out)
                for lum in entry["luminaires"]:  # type: ignore[attr-defined]
                    print(_luminaire_line(lum), file=out)
        case "set":
            actor = console_user(core, args)
            zone = service.override(
                actor,
                service.zone(args.zone),
                args.level,
                timedelta(minutes=args.minutes),
                args.reason,
            )
            assert zone.override is not None
            print(
                f"{zone.name}: {args.level} % until "
                f"{zone.override.until.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M %z}.",
                file=out,
            )
        case "resume":
            actor = console_user(core, args)
            zone = service.resume_schedule(actor, service.zone(args.zone))
            print(f"{zone.name} follows its schedule again.", file=out)
        case "move":
            place, _, light = args.luminaire.partition("/")
            if not light:
                raise InvalidInput(
                    N_("Name the luminaire as PLACE/LIGHT, e.g. berga-centrum/lamp-1.")
                )
            actor = console_user(core, args)
            zone = service.move(actor, place, light, args.zone)
            print(f"{args.luminaire} is in {zone.name}.", file=out)
        case "schedule":
            return _schedule(core, service, args, out)
        case "plan":
            zone = service.zone(args.zone)
            day = args.date or core.clock.now().astimezone(LOCAL_ZONE).date()
            steps = service.plan(zone, day)
            if args.json:
                print(json.dumps([s.as_json() for s in steps]), file=out)
            else:
                for step in steps:
                    local = step.start.astimezone(LOCAL_ZONE)
                    print(f"{local:%H:%M %z}  {step.level:3d} %  {step.reason}", file=out)
    return 0


def _schedule(core: Core, service: LightingService, args: argparse.Namespace, out: TextIO) -> int:
    zone = service.zone(args.zone)
    changes = (
        args.json_file,
        args.night_level,
        args.day_level,
        args.on,
        args.off,
        args.window,
        args.no_windows or None,
    )
    if all(c is None for c in changes):
        print(json.dumps({"zone": zone.name, **_schedule_view(zone.schedule)}, indent=2), file=out)
        return 0
    if not args.user:
        raise InvalidInput(N_("Changing a schedule needs --user: a supervisor changes it."))
    if args.json_file is not None:
        try:
            loaded = json.loads(args.json_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise InvalidInput(
                N_("The schedule in {path} cannot be read: {reason}."),
                path=args.json_file,
                reason=str(err),
            ) from None
        schedule = schedule_from_json(loaded)
    else:
        old = zone.schedule.program
        windows = old.windows
        if args.no_windows:
            windows = ()
        if args.window is not None:
            windows = tuple(parse_window(w) for w in args.window)
        program = Program(
            night_level=old.night_level if args.night_level is None else args.night_level,
            day_level=old.day_level if args.day_level is None else args.day_level,
            on_at=old.on_at if args.on is None else SunEvent(args.on),
            off_at=old.off_at if args.off is None else SunEvent(args.off),
            windows=windows,
        )
        schedule = Schedule(program, zone.schedule.calendar, zone.schedule.location)
    actor = console_user(core, args)
    changed = service.set_schedule(actor, zone, schedule)
    print(
        json.dumps({"zone": changed.name, **_schedule_view(changed.schedule)}, indent=2), file=out
    )
    return 0


def _schedule_view(schedule: Schedule) -> dict[str, object]:
    return {
        "program": program_json(schedule.program),
        "calendar": {d.isoformat(): program_json(p) for d, p in sorted(schedule.calendar.items())},
        "latitude": schedule.location.latitude,
        "longitude": schedule.location.longitude,
    }


def _status_line(zone: dict[str, object]) -> str:
    commanded = zone["commanded_level"]
    reported = zone["reported_level"]
    level = "—" if commanded is None else f"{commanded} %"
    seen = "—" if reported is None else f"{reported} %"
    until = f" until {zone['until']}" if zone.get("until") else ""
    return f"{zone['zone']} ({zone['place']}): {level}, reported {seen}, {zone['reason']}{until}"


def _luminaire_line(lum: dict[str, object]) -> str:
    state = {True: "online", False: "OFFLINE", None: "not heard"}[lum["available"]]  # type: ignore[index]
    level = "—" if lum["reported_level"] is None else f"{lum['reported_level']} %"
    error = f", error: {lum['error']}" if lum.get("error") else ""
    return f"  {lum['light']}: {level}, {state}{error}"
