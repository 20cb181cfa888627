"""What the Xvfb tests share: reading the display Xvfb chose, stopping a process, and the
child processes' command loop."""

from __future__ import annotations

import json
import logging
import os
import queue
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
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


def start_xvfb(
    log_path: Path, size: tuple[int, int]
) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """An Xvfb of `size` on a display it chooses, and the environment for clients of it.
    Raises RuntimeError (with Xvfb's log) when it does not come up."""
    read_fd, write_fd = os.pipe()
    with log_path.open("wb") as log:
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                f"{size[0]}x{size[1]}x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    os.close(write_fd)
    try:
        number = read_display_number(read_fd, xvfb, timeout=15.0)
    except (TimeoutError, RuntimeError) as err:
        stop(xvfb)
        raise RuntimeError(f"{err}\n{log_path.read_text(errors='replace')}") from err
    finally:
        os.close(read_fd)
    env = dict(os.environ, DISPLAY=f":{number}", LC_ALL="C.UTF-8")
    env.pop("WAYLAND_DISPLAY", None)
    # Without a session bus, D-Bus clients on an X display (Qt's accessibility) start one of
    # their own (`dbus-launch --autolaunch`) that lives as long as the display, after the test
    # that started it: here they find none instead.
    env.setdefault("DBUS_SESSION_BUS_ADDRESS", "disabled:")
    return xvfb, env


@dataclass
class CommandChild:
    """The parent's side of a test child (see serve_commands): a JSON command a line on its
    stdin, its replies read from stdout after `prefix`, its stderr in `log_path`."""

    process: subprocess.Popen[str]
    log_path: Path
    prefix: str
    #: what the child is, for failure messages ("the console")
    what: str = "the child"
    _replies: queue.Queue[dict[str, Any] | None] = field(default_factory=queue.Queue)

    def start_reading(self) -> None:
        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                if line.startswith(self.prefix):
                    self._replies.put(json.loads(line[len(self.prefix) :]))
            self._replies.put(None)

        threading.Thread(target=read, name="child-reader", daemon=True).start()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def next(self, timeout: float) -> dict[str, Any]:
        import pytest

        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"{self.what} did not answer within {timeout} s\n{self.log()[-6000:]}")
        if reply is None:
            code = self.process.wait(10)
            pytest.fail(f"{self.what} exited (code {code})\n{self.log()[-6000:]}")
        return reply

    def ask(self, command: str, timeout: float = 20.0, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": command, **args}) + "\n")
        self.process.stdin.flush()
        reply = self.next(timeout)
        assert "error" not in reply, f"{command} failed in {self.what}: {reply['error']}"
        return reply

    def brief(self, state: dict[str, Any]) -> str:
        """A state as failure messages show it."""
        return str(state)

    def wait(
        self, what: str, ready: Callable[[dict[str, Any]], bool], timeout: float = 15.0
    ) -> dict[str, Any]:
        """Poll the state until `ready` says yes; fail after `timeout` with the last state."""
        import pytest

        deadline = time.monotonic() + timeout
        while True:
            state = self.ask("state")
            if ready(state):
                return state
            if time.monotonic() > deadline:
                pytest.fail(f"{what}: not within {timeout} s; last state:\n{self.brief(state)}")
            time.sleep(0.05)
