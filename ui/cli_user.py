"""Commands that act as a console user (`--user NAME --password-stdin`), never as the OS account:
whatever touches video, alarms or the sites' lights is done by a person with their own password."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from console.app import Core
from console.domain import Actor
from console.errors import N_, InvalidInput


def add_user_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, help="the console user who acts")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the user's password from stdin"
    )


def console_user(
    core: Core, args: argparse.Namespace, stdin: TextIO | None = None, *, purpose: str = "cli.login"
) -> Actor:
    """The console user `--user`, authenticated now with their own password (logged as
    `purpose`; a wrong password counts towards the lockout as at the console)."""
    source = stdin or sys.stdin
    if args.password_stdin:
        password = source.readline().rstrip("\r\n")
    elif source.isatty():
        password = getpass.getpass(f"Password of {args.user}: ")
    else:
        raise InvalidInput(N_("No terminal to ask for the password: use --password-stdin."))
    if not password:
        raise InvalidInput(N_("No password on stdin."))
    return Actor.of(core.users.authenticate(args.user, password, purpose=purpose))
