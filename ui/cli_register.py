"""`utkik register ...`: the surveillance register (docs/register.md).

Local administration by default, as the other administration commands (the OS account that may
write the data dir holds MANAGE_REGISTER); `--user NAME --password-stdin` acts as a console user
instead, e.g. an auditor reading the register or a supervisor exporting it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from console.app import Core
from console.domain import Actor
from console.errors import N_, InvalidInput, NotFound
from console.register import FIELDS, Entry
from console.register_export import export_register, status
from console.text import fold, printable
from ui.cli_user import console_user


def add_register_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    register = commands.add_parser("register", help="the surveillance register, one entry a camera")
    sub = register.add_subparsers(dest="register_command", metavar="ACTION", required=True)
    lst = sub.add_parser("list", help="every camera's entry: complete, provisional or missing")
    lst.add_argument("--json", action="store_true", help="one JSON object per camera")
    _user_options(lst)
    show = sub.add_parser("show", help="a camera's entry and its versions")
    show.add_argument("camera", help="camera name or number")
    show.add_argument("--json", action="store_true", help="the entry as `register set` takes it")
    show.add_argument("--version", type=int, help="an earlier version")
    _user_options(show)
    set_ = sub.add_parser("set", help="write a camera's entry from a JSON file (docs/register.md)")
    set_.add_argument("camera", help="camera name or number")
    set_.add_argument("--json", dest="json_file", type=Path, required=True, help="the entry")
    export = sub.add_parser("export", help="write the register as signed PDF and CSV to DIR")
    export.add_argument("directory", type=Path, help="a new or empty folder")
    _user_options(export)


def _user_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", help="act as this console user (default: the OS account)")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the user's password from stdin"
    )


def run_register(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    actor = (
        console_user(core, args, purpose="cli.login")
        if getattr(args, "user", None)
        else Actor.os_account()
    )
    register = core.register
    match args.register_command:
        case "list":
            # Review dates are Stockholm dates, as in the console and the export.
            today = register.today()
            for entry in register.entries(actor):
                if args.json:
                    print(json.dumps(_summary(entry), ensure_ascii=False), file=out)
                    continue
                due = "\treview date passed" if entry.review_due(today) else ""
                missing = f"\tmissing: {', '.join(entry.missing)}" if entry.missing else ""
                print(
                    f"{entry.camera_id}\t{printable(entry.camera_name)}\t{_state(entry)}"
                    f"{missing}{due}",
                    file=out,
                )
        case "show":
            entry = _find(core, actor, args.camera)
            if args.version is not None:
                versions = register.versions(actor, entry.camera_id)
                chosen = next((v for v in versions if v.version == args.version), None)
                if chosen is None:
                    raise NotFound(
                        N_("Camera {id} has no version {version} of its entry."),
                        id=entry.camera_id,
                        version=args.version,
                    )
                entry = chosen
            if args.json:
                print(json.dumps(dict(entry.fields), ensure_ascii=False, indent=2), file=out)
                return 0
            print(f"camera:\t{entry.camera_id} {printable(entry.camera_name)}", file=out)
            print(f"state:\t{_state(entry)}", file=out)
            if entry.missing:
                print(f"missing:\t{', '.join(entry.missing)}", file=out)
            for name in FIELDS:
                if name in entry.fields:
                    print(f"{name}:\t{printable(_text(entry.fields[name]))}", file=out)
            if args.version is None:
                print("versions:", file=out)
                for version in register.versions(actor, entry.camera_id):
                    print(
                        f"  {version.version}\t{version.updated_at:%Y-%m-%dT%H:%M:%S}Z\t"
                        f"{printable(version.updated_by)}\t{', '.join(version.changed)}",
                        file=out,
                    )
        case "set":
            entry = _find(core, actor, args.camera)
            try:
                raw: Any = json.loads(args.json_file.read_text(encoding="utf-8"))
            except OSError as err:
                raise InvalidInput(
                    N_("{path} cannot be read: {reason}"),
                    path=args.json_file,
                    reason=err.strerror or str(err),
                ) from None
            except ValueError as err:
                raise InvalidInput(
                    N_("{path} is not JSON: {reason}"), path=args.json_file, reason=str(err)
                ) from None
            if isinstance(raw, dict):
                # Relative attachment paths are read from where the JSON file lies.
                raw["attachments"] = [
                    str(args.json_file.parent / a) if isinstance(a, str) else a
                    for a in raw.get("attachments") or []
                ]
            entry = register.set(actor, entry.camera_id, raw)
            print(
                f"Camera {entry.camera_id} ({printable(entry.camera_name)}): version "
                f"{entry.version}, {_state(entry)}.",
                file=out,
            )
            if not entry.in_service:
                print(
                    "The entry is incomplete (missing: "
                    f"{', '.join(entry.missing)}): the camera does not record, and operators "
                    "and supervisors do not see it, until it is complete.",
                    file=out,
                )
        case "export":
            done = export_register(register, core.audit, actor, args.directory, core.clock.now())
            print(
                f"The register ({done.cameras} cameras, {done.incomplete} incomplete) is in "
                f"{done.folder}; check it with: python verify.py {done.folder}",
                file=out,
            )
    return 0


def _find(core: Core, actor: Actor, text: str) -> Entry:
    entries = core.register.entries(actor)
    if text.strip().isdigit():
        for entry in entries:
            if entry.camera_id == int(text):
                return entry
    matches = [e for e in entries if fold(e.camera_name) == fold(text)]
    present = [e for e in matches if e.camera_removed_at is None]
    if len(present) == 1 or (len(matches) == 1 and not present):
        return (present or matches)[0]
    if matches:
        raise InvalidInput(N_("Several cameras are called “{name}”: use the number."), name=text)
    raise NotFound(N_("There is no camera called “{name}”."), name=text)


def _state(entry: Entry) -> str:
    if entry.camera_removed_at is not None:
        return f"removed (kept until {entry.keep_until})"
    if entry.complete:
        return "complete"
    if entry.provisional:
        return "provisional (incomplete; records as before the upgrade)"
    return "incomplete (does not record)"


def _text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(f"{a.get('name')} sha256:{a.get('sha256')}" for a in value)
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _summary(entry: Entry) -> dict[str, object]:
    return {
        "camera_id": entry.camera_id,
        "name": entry.camera_name,
        "place": entry.place,
        "version": entry.version,
        "complete": entry.complete,
        "provisional": entry.provisional,
        "in_service": entry.in_service,
        "missing": list(entry.missing),
        "removed": entry.camera_removed_at is not None,
        "keep_until": entry.keep_until.isoformat() if entry.keep_until else None,
        "status": status(entry),
        "fields": dict(entry.fields),
    }
