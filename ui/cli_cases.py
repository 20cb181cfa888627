"""`utkik cases ...`: subject access cases on the command line (docs/subject-access.md).

Cases touch video, so every command but `cases verify` acts as a console user who gives their
password (`--user NAME --password-stdin`), never as the operating-system account. This module
is a composition root: it wires PyAV's remuxer and renderer and OpenCV's assist into the core's
CaseService.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from console.app import Core
from console.clock import to_iso
from console.errors import N_, InvalidInput
from console.export.times import parse_export_time
from console.localtime import format_moment
from console.subject_access import verify as case_verify
from console.subject_access.cases import Case
from console.subject_access.masks import DEFAULT_MARGIN, Fill, parse_fill, parse_manual
from console.subject_access.package import CasePackageWriter
from console.text import printable
from ui.cli_export import find_cameras
from ui.cli_user import add_user_options, console_user

#: The largest manual regions file read (a mistake beyond this, not a mask list).
MAX_REGIONS_FILE = 16 * 1024 * 1024


def add_cases_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cases = commands.add_parser(
        "cases", help="subject access cases: footage of a person who asks, everyone else masked"
    ).add_subparsers(dest="cases_command", metavar="ACTION", required=True)

    opened = cases.add_parser("open", help="open a case for a person's request")
    add_user_options(opened)
    opened.add_argument("--requester", required=True, help="the name of the person who asks")
    opened.add_argument("--identity", required=True, help="how their identity was checked")
    opened.add_argument("--checked-by", required=True, help="who checked their identity")
    opened.add_argument(
        "--from", dest="start", required=True, help="when they say they were filmed (from)"
    )
    opened.add_argument("--to", dest="end", required=True, help="... and to (as --from)")
    opened.add_argument("--place", required=True, help="where they say they were filmed")
    opened.add_argument("--notes", default="", help="anything else about the request")

    lst = cases.add_parser("list", help="the cases, newest first, with their deadlines")
    add_user_options(lst)
    lst.add_argument("--json", action="store_true", help="one JSON object per line")

    show = cases.add_parser("show", help="one case in full")
    show.add_argument("id", type=int)
    add_user_options(show)
    show.add_argument("--json", action="store_true", help="as a JSON object")

    find = cases.add_parser("find", help="name the cameras and the range of the footage")
    find.add_argument("id", type=int)
    add_user_options(find)
    find.add_argument("--cameras", required=True, help="names or numbers, A,B")
    find.add_argument(
        "--around", type=int, default=15, help="minutes around the requester's time (15)"
    )
    find.add_argument("--from", dest="start", help="the range's start instead (as for open)")
    find.add_argument("--to", dest="end", help="the range's end instead")

    tracks = cases.add_parser("tracks", help="the people the detection assist found")
    tracks.add_argument("id", type=int)
    add_user_options(tracks)
    tracks.add_argument("--camera", required=True, help="name or number")

    mask = cases.add_parser("mask", help="make the masked copy of a camera's footage")
    mask.add_argument("id", type=int)
    add_user_options(mask)
    mask.add_argument("--camera", required=True, help="name or number")
    mask.add_argument("--regions", type=Path, help="a JSON file of manual regions (see docs)")
    mask.add_argument(
        "--exclude", action="append", default=[], metavar="TRACK", help="the requester's track"
    )
    mask.add_argument("--no-assist", action="store_true", help="manual regions only")
    mask.add_argument("--fill", default=None, help="solid (default) or blur")
    mask.add_argument(
        "--accept-blur-risk",
        action="store_true",
        help="blur was chosen knowing it may leave people recognisable",
    )
    mask.add_argument("--margin", type=int, default=None, help="pixels around every region (6)")

    review = cases.add_parser("review", help="a second supervisor's review of the masked copy")
    review.add_argument("id", type=int)
    add_user_options(review)
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", action="store_true", help="the copy may be released")
    decision.add_argument("--reject", metavar="REASON", help="send it back to masking: why")

    release = cases.add_parser("release", help="write the package of a reviewed case")
    release.add_argument("id", type=int)
    add_user_options(release)
    release.add_argument("--out", required=True, type=Path, help="the folder to write it in")

    refuse = cases.add_parser("refuse", help="decide not to release, saying why")
    refuse.add_argument("id", type=int)
    add_user_options(refuse)
    refuse.add_argument("--reason", required=True)

    verify = cases.add_parser("verify", help="verify a subject access package (no data dir)")
    verify.add_argument("package", type=Path)
    verify.add_argument("--anchor", help="the expected fingerprint of the installation's first key")


def is_cases_verify(args: argparse.Namespace) -> bool:
    return args.command == "cases" and getattr(args, "cases_command", None) == "verify"


def run_cases_verify(args: argparse.Namespace, out: TextIO) -> int:
    code, text = case_verify.report(args.package, args.anchor)
    for line in text.splitlines():
        print(printable(line), file=out)
    return code


def run_cases(core: Core, args: argparse.Namespace, out: TextIO) -> int:
    # Here, not at the top: OpenCV takes a moment to load, and other commands need none of it.
    from devices.media.detect import OpenCvAssist
    from devices.media.mask_render import PyAvMaskRenderer
    from devices.media.remux import Mp4Remuxer

    actor = console_user(core, args)
    cases = core.cases
    now = core.clock.now()
    match args.cases_command:
        case "open":
            case = cases.open(
                actor,
                requester=args.requester,
                identity_check=args.identity,
                identity_checked_by=args.checked_by,
                claimed_from=parse_export_time(args.start, now),
                claimed_to=parse_export_time(args.end, now),
                place=args.place,
                notes=args.notes,
            )
            print(f"Case {case.id} ({case.number}) is open.", file=out)
            print(f"The decision is due {format_moment(case.deadline)}.", file=out)
        case "list":
            for case in cases.cases(actor):
                if args.json:
                    print(json.dumps(case_json(case, now), ensure_ascii=False), file=out)
                else:
                    print(_line(case, now), file=out)
        case "show":
            case = cases.get(actor, args.id)
            if args.json:
                print(json.dumps(case_json(case, now), ensure_ascii=False, indent=2), file=out)
            else:
                for line in _details(case, now):
                    print(printable(line), file=out)
        case "find":
            ids = [c.id for c in find_cameras(core, args.cameras)]
            start = parse_export_time(args.start, now) if args.start else None
            end = parse_export_time(args.end, now) if args.end else None
            case = cases.find(
                actor, args.id, ids, around=timedelta(minutes=args.around), start=start, end=end
            )
            for footage in case.footage:
                print(
                    f"{printable(footage.camera_name)}: {format_moment(footage.start)} to "
                    f"{format_moment(footage.end)}",
                    file=out,
                )
            print(f"Case {case.id}: footage found.", file=out)
        case "tracks":
            camera = find_cameras(core, args.camera)[0]
            regions = cases.propose(
                actor, args.id, camera.id, Mp4Remuxer(), OpenCvAssist(), progress=_progress
            )
            for item in regions:
                first, last = item.keyframes[0], item.keyframes[-1]
                print(
                    f"{item.id}: frames {first.frame} to {last.frame}, "
                    f"at first {_box(first.points)}, at last {_box(last.points)}",
                    file=out,
                )
            if not regions:
                print("The assist found nobody.", file=out)
        case "mask":
            camera = find_cameras(core, args.camera)[0]
            manual, exclude, fill, margin = _manual(args.regions)
            fill = parse_fill(args.fill) if args.fill else (fill or Fill.SOLID)
            copy = cases.mask(
                actor,
                args.id,
                camera.id,
                Mp4Remuxer(),
                PyAvMaskRenderer(),
                assist=None if args.no_assist else OpenCvAssist(),
                manual=manual,
                exclude=[*exclude, *args.exclude],
                fill=fill,
                blur_accepted=args.accept_blur_risk,
                margin=args.margin if args.margin is not None else (margin or DEFAULT_MARGIN),
                progress=_progress,
            )
            print(
                f"Masked copy of {printable(camera.name)}: {copy.frames} frames, "
                f"{len(copy.plan['regions'])} regions, excluded: "
                f"{', '.join(copy.plan['excluded']) or 'none'}",
                file=out,
            )
            print(f"Derived from (SHA-256 of the original): {copy.derived_from}", file=out)
            print(f"Frames where the masks change: {_frames(copy.change_frames)}", file=out)
        case "review":
            case = cases.get(actor, args.id)
            for copy in case.copies:
                print(
                    f"Camera {copy.camera_id}: step through frames {_frames(copy.change_frames)}",
                    file=out,
                )
            case = cases.review(actor, args.id, approve=args.approve, reason=args.reject or "")
            if args.approve:
                print(f"Case {case.id} is reviewed and approved by {case.reviewer}.", file=out)
            else:
                print(f"Case {case.id} goes back to masking.", file=out)
        case "release":
            writer = CasePackageWriter(cases, core.audit, core.clock)
            receipt = writer.release(actor, args.id, args.out)
            print(f"Package: {receipt.folder}", file=out)
            print(f"Manifest SHA-256: {receipt.manifest_sha256}", file=out)
            print(f"First key's fingerprint: {receipt.anchor_fingerprint}", file=out)
        case "refuse":
            case = cases.refuse(actor, args.id, args.reason)
            print(f"Case {case.id} is refused.", file=out)
    return 0


def case_json(case: Case, now: datetime) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "state": case.state.value,
        "requester": case.requester,
        "identity_check": case.identity_check,
        "identity_checked_by": case.identity_checked_by,
        "from": to_iso(case.claimed_from),
        "to": to_iso(case.claimed_to),
        "place": case.place,
        "notes": case.notes,
        "opened_by": case.opened_by,
        "opened": to_iso(case.opened_at),
        "deadline": to_iso(case.deadline),
        "days_left": case.days_left(now),
        "footage": [
            {
                "camera": f.camera_id,
                "camera_name": f.camera_name,
                "from": to_iso(f.start),
                "to": to_iso(f.end),
            }
            for f in case.footage
        ],
        "copies": [
            {
                "camera": c.camera_id,
                "derived_from": c.derived_from,
                "masked_sha256": c.masked_sha256,
                "masked_by": c.masked_by,
                "frames": c.frames,
                "masks": c.plan,
            }
            for c in case.copies
        ],
        "reviewer": case.reviewer,
        "decided_by": case.decided_by,
        "reason": case.reason,
        "manifest_sha256": case.manifest_sha256 or None,
        "package": case.package or None,
    }


def _deadline(case: Case, now: datetime) -> str:
    if case.state.closed:
        return "closed"
    days = case.days_left(now)
    return f"{days} days left" if days >= 0 else f"{-days} days overdue"


def _line(case: Case, now: datetime) -> str:
    return (
        f"{case.id}\t{case.number}\t{case.state.value}\t{printable(case.requester)}\t"
        f"{format_moment(case.claimed_from)}\t{printable(case.place)}\t{_deadline(case, now)}"
    )


def _details(case: Case, now: datetime) -> list[str]:
    lines = [
        f"Case {case.id} ({case.number}): {case.state.value}",
        f"Requester: {case.requester} (identity: {case.identity_check}, "
        f"checked by {case.identity_checked_by})",
        f"Filmed: {format_moment(case.claimed_from)} to {format_moment(case.claimed_to)} "
        f"at {case.place}",
        f"Opened by {case.opened_by} {format_moment(case.opened_at)}; decision due "
        f"{format_moment(case.deadline)} ({_deadline(case, now)})",
    ]
    if case.notes:
        lines.append(f"Notes: {case.notes}")
    for f in case.footage:
        lines.append(f"Footage: {f.camera_name} {format_moment(f.start)} to {format_moment(f.end)}")
    for c in case.copies:
        lines.append(
            f"Masked copy of camera {c.camera_id} by {c.masked_by}: {c.frames} frames, "
            f"derived from {c.derived_from}"
        )
    if case.reviewer:
        lines.append(f"Reviewed by {case.reviewer}")
    if case.decided_by:
        lines.append(f"Decided by {case.decided_by}: {case.reason or case.package}")
    return lines


def _manual(path: Path | None) -> tuple[list[Any], set[str], Fill | None, int | None]:
    if path is None:
        return [], set(), None, None
    try:
        if path.stat().st_size > MAX_REGIONS_FILE:
            raise InvalidInput(N_("The mask file {path} is too large."), path=path)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(
            N_("The mask file {path} cannot be read: {reason}"), path=path, reason=err
        ) from err
    regions, exclude, fill, margin = parse_manual(text)
    return list(regions), exclude, fill, margin


def _box(points: Any) -> str:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return f"[{min(xs):.0f}, {min(ys):.0f}, {max(xs) - min(xs):.0f}, {max(ys) - min(ys):.0f}]"


def _frames(frames: Any) -> str:
    shown = ", ".join(str(f) for f in list(frames)[:40])
    return shown + (" …" if len(frames) > 40 else "")


def _progress(fraction: float) -> None:
    print(f"{fraction * 100:.0f} %", file=sys.stderr)
