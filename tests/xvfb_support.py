"""What the Xvfb tests share: reading the display Xvfb chose, stopping a process, and the
child processes' command loop."""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any


def read_display_number(fd: int, xvfb: subprocess.Popen[bytes], timeout: float) -> str:
    """What Xvfb writes on its -displayfd: the display number and a newline."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"Xvfb did not report its display within {timeout} s")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                raise RuntimeError(f"Xvfb exited (code {xvfb.poll()}) before it reported a display")
            data += chunk
    return data.decode().strip()


def stop(process: subprocess.Popen[Any], timeout: float = 5.0) -> None:
    """Terminate, then kill after `timeout` (by the PID the Popen holds)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def replier(prefix: str) -> Callable[[dict[str, Any]], None]:
    """A test child's answer to its test: one JSON line on stdout after `prefix`."""

    def reply(value: dict[str, Any]) -> None:
        sys.stdout.write(prefix + json.dumps(value) + "\n")
        sys.stdout.flush()

    return reply


def screen_rect(widget: Any) -> list[int]:
    """A widget's place on the screen: [x, y, width, height]."""
    from PySide6.QtCore import QPoint

    corner = widget.mapToGlobal(QPoint(0, 0))
    return [corner.x(), corner.y(), widget.width(), widget.height()]


def serve_commands(
    app: Any,
    handle: Callable[[dict[str, Any]], dict[str, Any]],
    reply: Callable[[dict[str, Any]], None],
    ready: dict[str, Any],
    before: Callable[[], None] = lambda: None,
) -> int:
    """A test child's loop: one JSON command per stdin line, handled on the GUI thread and
    answered with `reply` (an exception is answered as an error, which fails the test); the
    end of stdin (the test has gone) quits as if told to. `before` runs once the reader is
    going, then `ready` is sent and the application runs."""
    from PySide6.QtCore import QObject, Qt, Signal

    class Commands(QObject):
        #: one line read from stdin (the reader's thread to the GUI thread)
        line = Signal(str)

        def on_line(self, text: str) -> None:
            try:
                reply(handle(json.loads(text)))
            except Exception as err:  # reported to the test, which fails on it
                logging.getLogger(__name__).exception("command failed: %s", text)
                reply({"error": f"{type(err).__name__}: {err}"})

    commands = Commands()
    commands.line.connect(commands.on_line, Qt.ConnectionType.QueuedConnection)

    def read() -> None:
        for text in sys.stdin:
            commands.line.emit(text)
        commands.line.emit(json.dumps({"cmd": "quit"}))

    threading.Thread(target=read, name="commands", daemon=True).start()
    before()
    reply(ready)
    return int(app.exec())
