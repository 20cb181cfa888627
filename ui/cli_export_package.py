"""`utkik export verify` and `utkik export handover`: the evidence package on the command line.

Verifying needs no data dir and no user (anyone holding a package may check it). A hand-over
is done by a console user, never by the operating-system account: the user's password is
checked by UserService (and the attempt logged) before anything else happens.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from console.app import Core
from console.export import verify as package_verify
from console.export.custody import hand_over
from console.export.package import PackageWriter
from console.text import printable
from devices.media.remux import Mp4Remuxer
from ui.cli_user import add_user_options, console_user


def add_package_commands(export: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `verify` and `handover` to the `export` command's subparsers."""
    verify = export.add_parser(
        "verify", help="verify an evidence package (needs no data dir and no user)"
    )
    verify.add_argument("package", type=Path, help="the package folder")
    verify.add_argument("--anchor", help="the expected fingerprint of the installation's first key")
    handover = export.add_parser(
        "handover", help="record that a package was handed over (in the package and the log)"
    )
    handover.add_argument("package", type=Path, help="the package folder")
    handover.add_argument("--to", required=True, help="who receives it (authority and officer)")
    add_user_options(handover)


def is_package_verify(args: argparse.Namespace) -> bool:
    return args.command == "export" and getattr(args, "export_command", None) == "verify"


def run_package_verify(args: argparse.Namespace, out: TextIO) -> int:
    code, text = package_verify.report(args.package, args.anchor)
    for line in text.splitlines():
        print(printable(line), file=out)
    return code


def run_package_command(core: Core, args: argparse.Namespace, out: TextIO) -> int | None:
    """Run `export handover`; None for another export command."""
    if args.export_command != "handover":
        return None
    actor = console_user(core, args)
    line = hand_over(core.audit, core.clock, actor, args.package, args.to)
    print(f"Handed over: {printable(line.strip())}", file=out)
    return 0


def package_writer(core: Core) -> PackageWriter:
    """The package producer of a data dir, with PyAV's remuxer."""
    return PackageWriter(
        core.audit,
        core.cameras,
        core.sites,
        core.recordings,
        Mp4Remuxer(),
        core.clock,
        core.data_dir,
    )
