"""`utkik export request|approve|reject|list|produce`: the export workflow on the command line.

Export touches video, so these commands act as a console user who gives their password (read
from stdin with --password-stdin, else asked at the terminal), never as the operating-system
account that runs them; only `export list` without --user reads as that account (the requests'
facts are in the access log it may read anyway).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from console.app import Core
from console.cameras import Camera
from console.clock import to_iso
from console.domain import Actor
from console.errors import N_, InvalidInput, NotFound
from console.export.order import ExportProgress, PackageProducer
from console.export.requests import (
    CameraCoverage,
    ExportRequest,
    RequestState,
)
from console.export.times import parse_export_time
from console.localtime import format_moment
from console.text import fold, printable
from ui.cli_export_package import add_package_commands, package_writer
from ui.cli_user import add_user_options, console_user


def add_export_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser(
        "export", help="evidence exports for the police (request, approve, produce)"
    ).add_subparsers(dest="export_command", metavar="ACTION", required=True)
    add_package_commands(export)

    request = export.add_parser("request", help="ask for an export (a supervisor)")
    add_user_options(request)
    request.add_argument(
        "--cameras", required=True, help="names or numbers as `cameras list` shows them, A,B"
    )
    request.add_argument(
        "--from",
        dest="start",
        required=True,
        help="ISO 8601 with an offset, or Stockholm time (2026-11-24 14:30)",
    )
    request.add_argument("--to", dest="end", required=True, help="as --from")
    request.add_argument("--reason", required=True, help="why the police need the footage")
    request.add_argument("--case", required=True, help="the case number (diarienummer)")
    request.add_argument("--recipient", required=True, help="the authority and the officer")
    request.add_argument("--note", default="", help="anything the approver should know")

    approve = export.add_parser("approve", help="approve another supervisor's request")
    approve.add_argument("id", type=int)
    add_user_options(approve)

    reject = export.add_parser("reject", help="reject another supervisor's request")
    reject.add_argument("id", type=int)
    add_user_options(reject)
    reject.add_argument("--reason", required=True, help="why the export is rejected")

    lst = export.add_parser("list", help="the export requests, newest first")
    lst.add_argument("--json", action="store_true", help="one JSON object per line")
    lst.add_argument("--user", help="read as this console user (default: this OS account)")
    lst.add_argument("--password-stdin", action="store_true", help="read the password from stdin")

    produce = export.add_parser(
        "produce", help="write the package of an approved request (its requester or approver)"
    )
    produce.add_argument("id", type=int)
    produce.add_argument("--out", required=True, type=Path, help="the folder to write it in")
    produce.add_argument("--zip", action="store_true", help="also a ZIP of the package")
    produce.add_argument(
        "--keep-lock",
        action="store_true",
        help="keep the request's evidence lock after the package is written",
    )
    add_user_options(produce)


def package_producer(core: Core) -> PackageProducer:
    """The installation's package writer for `core` (console/export/order.py's seam), for the
    command line and the console alike."""
    return package_writer(core)


def run_export(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    exports = core.exports
    match args.export_command:
        case "request":
            actor = console_user(core, args)
            now = core.clock.now()
            start, end = parse_export_time(args.start, now), parse_export_time(args.end, now)
            cameras = find_cameras(core, args.cameras)
            ids = [c.id for c in cameras]
            coverage = exports.coverage(actor, ids, start, end)
            request = exports.request(
                actor,
                ids,
                start,
                end,
                reason=args.reason,
                case_number=args.case,
                recipient=args.recipient,
                note=args.note,
            )
            for line in coverage_lines(coverage):
                print(line, file=out)
            print(f"Export request {request.id} is {request.state.shown.value}.", file=out)
            if request.state is RequestState.PENDING:
                print(
                    f"Another supervisor approves it with: utkik export approve {request.id} "
                    f"--user NAME (before {format_moment(request.expires_at)}).",
                    file=out,
                )
        case "approve":
            request = exports.approve(console_user(core, args), args.id)
            print(f"Export request {request.id} is approved by {request.approver}.", file=out)
        case "reject":
            request = exports.reject(console_user(core, args), args.id, args.reason)
            print(f"Export request {request.id} is rejected by {request.approver}.", file=out)
        case "list":
            actor = console_user(core, args) if args.user else Actor.os_account()
            names = {c.id: c.name for c in core.cameras.recorded(Actor.os_account())}
            for request in exports.requests(actor):
                if args.json:
                    print(request_json(request, names), file=out)
                else:
                    print(_request_line(request, names), file=out)
        case "produce":
            actor = console_user(core, args)
            producer = package_producer(core)
            receipt = exports.produce(
                actor,
                args.id,
                producer,
                args.out,
                make_zip=args.zip,
                keep_lock=args.keep_lock,
                progress=_progress,
            )
            print(f"Package: {receipt.folder}", file=out)
            if receipt.zip_path is not None:
                print(f"ZIP: {receipt.zip_path}", file=out)
            print(f"Manifest SHA-256: {receipt.manifest_sha256}", file=out)
            print(f"First key's fingerprint: {receipt.anchor_fingerprint}", file=out)
            print(f"{receipt.files} files, {receipt.size_bytes} bytes.", file=out)
    return 0


def find_cameras(core: Core, text: str) -> list[Camera]:
    """The cameras `--cameras` names, by number or name as `cameras list` shows them; removed
    cameras too (their recordings are exportable). Who may export them is the service's check."""
    known = core.cameras.recorded(Actor.os_account())
    found: list[Camera] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        matches = [c for c in known if part.isdigit() and c.id == int(part)]
        if not matches:
            matches = [c for c in known if fold(c.name) == fold(part)]
            present = [c for c in matches if c.removed_at is None]
            matches = present or matches
        if not matches:
            raise NotFound(N_("There is no camera called “{name}”."), name=part)
        if len(matches) > 1:
            raise InvalidInput(
                N_("Several cameras are called “{name}”: use the number."), name=part
            )
        found.append(matches[0])
    if not found:
        raise InvalidInput(N_("Choose at least one camera to export."))
    return found


def coverage_lines(coverage: list[CameraCoverage]) -> list[str]:
    lines = []
    for camera in coverage:
        removed = " (removed)" if camera.removed else ""
        lines.append(
            f"{printable(camera.name)}{removed}: {camera.recorded_seconds:.0f} s recorded"
            + ("" if camera.gaps else ", no gaps")
        )
        lines.extend(
            f"  not recorded: {format_moment(first)} to {format_moment(last)}"
            for first, last in camera.gaps
        )
    return lines


def request_json(request: ExportRequest, names: dict[int, str]) -> str:
    return json.dumps(
        {
            "id": request.id,
            "state": request.state.shown.value,
            "requester": request.requester,
            "approver": request.approver,
            "cameras": list(request.camera_ids),
            "camera_names": [names.get(cid, "") for cid in request.camera_ids],
            "from": to_iso(request.start),
            "to": to_iso(request.end),
            "reason": request.reason,
            "case": request.case_number,
            "recipient": request.recipient,
            "note": request.note,
            "created": to_iso(request.created_at),
            "expires": to_iso(request.expires_at),
            "four_eyes": request.four_eyes,
            "decided": to_iso(request.decided_at) if request.decided_at else None,
            "rejection_reason": request.decision_reason,
            "produced": to_iso(request.produced_at) if request.produced_at else None,
            "manifest_sha256": request.manifest_sha256 or None,
        },
        ensure_ascii=False,
    )


def _request_line(request: ExportRequest, names: dict[int, str]) -> str:
    cameras = ", ".join(printable(names.get(cid, str(cid))) for cid in request.camera_ids)
    return (
        f"{request.id}\t{request.state.shown.value}\t{request.requester}\t"
        f"{request.approver or '-'}\t{cameras}\t{format_moment(request.start)}\t"
        f"{format_moment(request.end)}\t{printable(request.case_number)}"
    )


def _progress(progress: ExportProgress) -> None:
    print(
        f"{printable(progress.camera_name)}: {progress.media_seconds:.0f} of "
        f"{progress.media_total_seconds:.0f} s, {progress.bytes_written} bytes "
        f"({progress.cameras_done}/{progress.cameras_total} cameras)",
        file=sys.stderr,
    )
