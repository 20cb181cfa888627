"""A throw-away Secret Service for a machine without a keyring: a D-Bus session bus and
gnome-keyring-daemon of its own, with a keyring folder that is deleted afterwards.

The keyring is made ready before anyone uses it, so that nothing ever waits on a prompt: the
daemon creates and unlocks its `login` collection from a password given on its standard input,
and that collection is made the default one (a program asking for a default collection that does
not exist makes gnome-keyring prompt for a new password: on a display nobody watches, or none,
that prompt hangs or fails). Neither the bus nor the daemon may show a prompt (no display in
their environment). Both are children of this process and end with it, also when it is killed
(devices/processes.py). If the keyring does not answer within seconds, starting fails with a
message that says so.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, Properties, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from console.errors import N_, KnownError
from devices import processes

#: How long the bus and the keyring may take to answer before the start is given up.
READY_TIMEOUT_S = 10.0
SECRETS = "org.freedesktop.secrets"
_SERVICE = DBusAddress(
    "/org/freedesktop/secrets", bus_name=SECRETS, interface="org.freedesktop.Secret.Service"
)
_LOGIN = "/org/freedesktop/secrets/collection/login"
#: What would let the bus or the keyring show a prompt, or use the caller's own keyring.
_NOT_PASSED_ON = ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL")


class KeyringSessionFailed(KnownError):
    """The throw-away keyring cannot be started or does not answer."""


def available() -> bool:
    return bool(shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon"))


class KeyringSession:
    """A session bus with an unlocked default collection, for the processes given `environment`."""

    def __init__(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self.address = ""
        self._folder: Path | None = None
        self._bus: subprocess.Popen[bytes] | None = None
        self._daemon: subprocess.Popen[bytes] | None = None

    @property
    def environment(self) -> dict[str, str]:
        """What a process needs in its environment to use this keyring."""
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def __enter__(self) -> KeyringSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        bus_binary, daemon_binary = (
            shutil.which("dbus-daemon"),
            shutil.which("gnome-keyring-daemon"),
        )
        if bus_binary is None or daemon_binary is None:
            raise KeyringSessionFailed(
                N_(
                    "This machine has no keyring for camera logins, and the packages dbus and "
                    "gnome-keyring are missing to start one: run installer/setup.sh."
                )
            )
        deadline = time.monotonic() + self.timeout_s
        self._folder = processes.temp_dir("utkik-keyring-")
        try:
            base = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED_ON}
            self._bus = processes.spawn(
                [bus_binary, "--session", "--nofork", "--print-address=1"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=base,
                start_new_session=True,
            )
            self.address = self._read_address(self._bus, deadline)
            (self._folder / "data").mkdir(mode=0o700)
            log = (self._folder / "daemon.log").open("wb")
            with log:
                self._daemon = processes.spawn(
                    [
                        daemon_binary,
                        "--foreground",
                        "--unlock",
                        "--components=secrets",
                        f"--control-directory={self._folder / 'control'}",
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    env={
                        **base,
                        **self.environment,
                        "XDG_DATA_HOME": str(self._folder / "data"),
                    },
                    start_new_session=True,
                )
            assert self._daemon.stdin is not None
            # The password of a keyring thrown away with this session; it never leaves here.
            with contextlib.suppress(BrokenPipeError):
                self._daemon.stdin.write(secrets.token_urlsafe(24).encode())
            with contextlib.suppress(BrokenPipeError):
                self._daemon.stdin.close()
            self._make_ready(deadline)
        except BaseException:
            self.stop()
            raise

    def _read_address(self, bus: subprocess.Popen[bytes], deadline: float) -> str:
        assert bus.stdout is not None
        ready, _, _ = select.select([bus.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = bus.stdout.readline().decode(errors="replace").strip() if ready else ""
        if not line:
            raise self._failed("the session bus did not start")
        return line

    def _make_ready(self, deadline: float) -> None:
        """Wait for the keyring's unlocked login collection and make it the default one."""
        connection = self._connect(deadline)
        try:
            while True:
                if self._daemon is not None and self._daemon.poll() is not None:
                    raise self._failed("gnome-keyring-daemon stopped")
                if time.monotonic() >= deadline:
                    raise self._failed("no unlocked keyring")
                if self._owned(connection, deadline) and self._login_unlocked(connection, deadline):
                    break
                time.sleep(0.05)
            default = self._call(
                connection, deadline, new_method_call(_SERVICE, "ReadAlias", "s", ("default",))
            )
            if default[0] != _LOGIN:
                self._call(
                    connection,
                    deadline,
                    new_method_call(_SERVICE, "SetAlias", "so", ("default", _LOGIN)),
                )
        finally:
            connection.close()

    def _connect(self, deadline: float) -> DBusConnection:
        try:
            return open_dbus_connection(
                bus=self.address, auth_timeout=max(0.1, deadline - time.monotonic())
            )
        except (OSError, TimeoutError, ValueError) as err:
            raise self._failed(f"the session bus does not answer ({err})") from err

    def _owned(self, connection: DBusConnection, deadline: float) -> bool:
        # Asked without starting the service: the bus would otherwise start a keyring of its own.
        reply = self._call(connection, deadline, message_bus.NameHasOwner(SECRETS))
        return bool(reply[0])

    def _login_unlocked(self, connection: DBusConnection, deadline: float) -> bool:
        login = DBusAddress(_LOGIN, bus_name=SECRETS, interface="org.freedesktop.Secret.Collection")
        try:
            reply = self._call(connection, deadline, Properties(login).get("Locked"))
        except DBusErrorResponse:
            return False  # not made yet
        return reply[0][1] is False

    def _call(self, connection: DBusConnection, deadline: float, message: Any) -> tuple[Any, ...]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._failed("no answer")
        try:
            reply = connection.send_and_get_reply(message, timeout=left)
        except TimeoutError as err:
            raise self._failed("no answer") from err
        except OSError as err:
            raise self._failed(str(err)) from err
        body: tuple[Any, ...] = unwrap_msg(reply)
        return body

    def _failed(self, what: str) -> KeyringSessionFailed:
        detail = what
        if self._folder is not None:
            with contextlib.suppress(OSError):
                said = (self._folder / "daemon.log").read_text(errors="replace").strip()
                if said:
                    detail += f"; gnome-keyring-daemon: {said[-300:]}"
        return KeyringSessionFailed(
            N_(
                "The throw-away keyring for camera logins did not get ready within {seconds} s "
                "({detail}). Nothing was stored. Check that gnome-keyring and dbus work (run "
                "installer/setup.sh), or use a desktop session with a keyring."
            ),
            seconds=round(self.timeout_s),
            detail=detail,
        )

    def stop(self) -> None:
        for process in (self._daemon, self._bus):
            if process is None:
                continue
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        self._daemon = self._bus = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
