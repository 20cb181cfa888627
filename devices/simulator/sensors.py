"""The simulated site's MQTT side: a real mosquitto broker on loopback, sensors (sound/aggression
detector, enclosure tamper, door) and luminaire controllers. The topics and payloads are the
contract in docs/sensors-and-lighting.md, which the alarm and lighting features consume.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from console.errors import N_, KnownError
from devices import processes

#: Every topic starts with this.
ROOT = "utkik/site"
SENSOR_KINDS = ("sound", "tamper", "door")
_INITIAL_STATE: dict[str, dict[str, Any]] = {
    "sound": {"level_db": 45},
    "tamper": {"open": False},
    "door": {"open": False},
}


class BrokerUnavailable(KnownError):
    """The MQTT broker cannot be started or reached."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sensor_topic(place: str, sensor: str, leaf: str) -> str:
    return f"{ROOT}/{place}/sensor/{sensor}/{leaf}"


def light_topic(place: str, light: str, leaf: str) -> str:
    return f"{ROOT}/{place}/light/{light}/{leaf}"


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _same_account() -> str:
    """mosquitto's `user` line naming the account this process runs as (POSIX)."""
    if os.name != "posix":
        return ""
    import pwd

    return f"user {pwd.getpwuid(os.getuid()).pw_name}\n"


class Broker:
    """mosquitto on loopback with a generated configuration, stopped by its PID."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or _free_port(host)
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    def start(self, timeout: float = 10.0) -> None:
        binary = shutil.which("mosquitto") or (
            "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
        )
        if binary is None:
            raise BrokerUnavailable(N_("mosquitto is not installed: run installer/setup.sh."))
        self._dir = processes.temp_dir("utkik-mqtt-")
        config = self._dir / "mosquitto.conf"
        # Loopback only, no persistence: the simulated site's broker is thrown away with it.
        # It stays the account that started it: started as root, mosquitto would switch to its
        # own account, and the kernel forgets the signal that ends it with its parent when a
        # process changes its account.
        config.write_text(
            f"listener {self.port} {self.host}\nallow_anonymous true\npersistence false\n"
            # Small messages go out at once (no Nagle delay waiting for an ACK on loopback).
            "set_tcp_nodelay true\n"
            # A burst of sensor events (thousands a second) is queued for a slow reader, never
            # dropped: mosquitto's default drops what is beyond 1000 queued messages.
            "max_queued_messages 0\nmax_inflight_messages 0\n" + _same_account(),
            encoding="utf-8",
        )
        self._process = processes.spawn(
            [binary, "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # Its own session: a Ctrl-C in the terminal must not stop the broker before the
            # sensors have said goodbye; stop() ends it.
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                err = (
                    self._process.stderr.read().decode(errors="replace")
                    if self._process.stderr
                    else ""
                )
                raise BrokerUnavailable(
                    N_("mosquitto stopped at once: {reason}"), reason=err.strip()[-300:]
                )
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise BrokerUnavailable(
            N_("mosquitto did not answer on {host}:{port}."), host=self.host, port=self.port
        )

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
            if self._process.stderr is not None:
                self._process.stderr.close()
            self._process = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


def _client(name: str, broker: Broker) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name)
    return client


def _say_offline(client: mqtt.Client, topic: str) -> None:
    """Publishes "offline" and disconnects; a broker already gone is no error when stopping."""
    with contextlib.suppress(RuntimeError, ValueError, OSError):
        client.publish(topic, "offline", qos=1, retain=True).wait_for_publish(5)
    client.disconnect()


@dataclass(frozen=True, slots=True)
class SensorSpec:
    place: str
    sensor: str
    kind: str


class SimulatedSensor:
    """One device: announces itself online (offline by its last will), publishes state and
    events on request."""

    def __init__(self, spec: SensorSpec, broker: Broker) -> None:
        if spec.kind not in SENSOR_KINDS:
            raise ValueError(f"unknown sensor kind {spec.kind}")
        self.spec = spec
        self._broker = broker
        self._client = _client(f"sim-{spec.place}-{spec.sensor}", broker)
        self._client.will_set(self._topic("availability"), "offline", qos=1, retain=True)

    def _topic(self, leaf: str) -> str:
        return sensor_topic(self.spec.place, self.spec.sensor, leaf)

    def start(self) -> None:
        self._client.connect(self._broker.host, self._broker.port)
        self._client.loop_start()
        self._client.publish(self._topic("availability"), "online", qos=1, retain=True)
        initial: dict[str, Any] = dict(_INITIAL_STATE[self.spec.kind])
        self.publish_state(**initial)

    def publish_state(self, **values: Any) -> mqtt.MQTTMessageInfo:
        payload = {"kind": self.spec.kind, "time": now_iso(), **values}
        return self._client.publish(self._topic("state"), json.dumps(payload), qos=1, retain=True)

    def publish_event(self, event: str, **values: Any) -> mqtt.MQTTMessageInfo:
        payload = {"kind": self.spec.kind, "event": event, "time": now_iso(), **values}
        return self._client.publish(self._topic("event"), json.dumps(payload), qos=1)

    def stop(self, *, clean: bool = True) -> None:
        """Clean: say offline. Not clean: drop the connection so the broker sends the will."""
        if clean:
            _say_offline(self._client, self._topic("availability"))
        else:
            sock = self._client.socket()
            if sock is not None:
                sock.close()
        self._client.loop_stop()


class SimulatedLuminaire:
    """A luminaire controller: obeys `set` commands and reports its state (retained). When a
    command's `duration_s` runs out it goes back to its own program (`auto`, at `level`), whatever
    came before: a command nobody renews never outlives its expiration."""

    def __init__(self, place: str, light: str, broker: Broker, level: int = 30) -> None:
        self.place = place
        self.light = light
        self.level = level
        self.mode = "auto"
        #: the controller's own program: a fixed level
        self.own_level = level
        self._broker = broker
        self._revert: threading.Timer | None = None
        self._lock = threading.Lock()
        self._client = _client(f"sim-{place}-{light}", broker)
        self._client.will_set(self._topic("availability"), "offline", qos=1, retain=True)
        self._client.on_message = self._on_client_message
        self.commands: list[dict[str, Any]] = []
        self.on_command: Callable[[dict[str, Any]], None] | None = None

    def _topic(self, leaf: str) -> str:
        return light_topic(self.place, self.light, leaf)

    def start(self) -> None:
        self._client.connect(self._broker.host, self._broker.port)
        self._client.subscribe(self._topic("set"), qos=1)
        self._client.loop_start()
        self._client.publish(self._topic("availability"), "online", qos=1, retain=True)
        self._publish_state(None)

    def _publish_state(self, command_id: str | None) -> None:
        payload: dict[str, Any] = {"level": self.level, "mode": self.mode, "time": now_iso()}
        if command_id is not None:
            payload["command_id"] = command_id
        self._client.publish(self._topic("state"), json.dumps(payload), qos=1, retain=True)

    def _on_client_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        try:
            command = json.loads(msg.payload)
            level = int(command["level"])
            if not 0 <= level <= 100:
                raise ValueError(level)
        except (ValueError, KeyError, TypeError):
            # A real controller ignores what it cannot parse; it says so on its state topic.
            self._client.publish(
                self._topic("error"),
                json.dumps({"error": "bad command", "time": now_iso()}),
                qos=1,
            )
            return
        with self._lock:
            self.commands.append(command)
            if self._revert is not None:
                self._revert.cancel()
                self._revert = None
            self.level = level
            self.mode = str(command.get("mode", "manual"))
            duration = command.get("duration_s")
            if isinstance(duration, int | float) and duration > 0:
                self._revert = threading.Timer(float(duration), self._back)
                self._revert.daemon = True
                self._revert.start()
        self._publish_state(command.get("command_id"))
        if self.on_command is not None:
            self.on_command(command)

    def _back(self) -> None:
        with self._lock:
            self.level, self.mode = self.own_level, "auto"
            self._revert = None
        self._publish_state(None)

    def stop(self) -> None:
        if self._revert is not None:
            self._revert.cancel()
        _say_offline(self._client, self._topic("availability"))
        self._client.loop_stop()
