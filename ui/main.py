"""The `utkik` entry point: bare `utkik` starts the console, a command runs the CLI.

It imports neither composition root until it knows which one is wanted, so CLI commands never
load Qt.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from ui import cli

    # Everything the command prints passes one filter: device text (a camera's name, model or
    # scopes) can carry terminal escapes and bidi controls, shown escaped, never acted on.
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = cli.terminal_stream(sys.stdout), cli.terminal_stream(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = saved


def _main(argv: Sequence[str] | None) -> int:
    from ui import cli

    args = cli.parse(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command in (None, "gui", "demo") and not getattr(args, "no_gui", False):
        import os

        from ui.display import choose_platform

        note = choose_platform(os.environ)
        if note:
            print(note, file=sys.stderr)
    if args.self_check:
        from ui import app

        return app.self_check()
    if args.command == "demo":
        from ui import demo

        return demo.run(args)
    if args.command == "serve":
        from ui import serve

        return serve.run(args)
    if args.command in (None, "gui"):
        from ui import app

        return app.run(args)
    return cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
