"""`utkik alarms` as a user runs it: `utkik serve` runs the alarm engine, the simulated site's
sensors publish on a real mosquitto, and `alarms list`, `alarms watch`, `alarms ack` and
`alarms close` are the commands in subprocesses."""

from __future__ import annotations

import io
import json
import os
import pwd
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from console.alarms.broker import BROKER_FILE
from devices import processes
from devices.simulator.run import print_sensor_help
from devices.simulator.sensors import Broker, SensorSpec, SimulatedSensor
from tests.conftest import PASSWORD, TOP, run_utkik


def utkik(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_utkik("--data-dir", data_dir, *args, stdin=stdin)


class Lines:
    """A long-running `utkik` command whose stdout lines are read on a thread."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ui", "--data-dir", str(data_dir), *args],
            cwd=TOP,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self._err: list[str] = []
        # stdout and stderr each read by a thread of its own to their end (never closed under
        # a reader: `stop` waits for the process, then for both).
        self._readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_err, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def _read_err(self) -> None:
        assert self.process.stderr is not None
        self._err.append(self.process.stderr.read())

    def until(self, found: Callable[[str], bool], seconds: float = 20) -> str:
        deadline = time.monotonic() + seconds
        seen = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            seen.append(line)
            if found(line):
                return line
        raise AssertionError(f"not printed; got {seen}")

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for reader in self._readers:
            reader.join(10)
        return "".join(self._err)


@pytest.fixture
def broker() -> Iterator[Broker]:
    started = Broker()
    started.start()
    yield started
    started.stop()


def listed(data_dir: Path, *extra: str) -> list[dict[str, Any]]:
    result = utkik(data_dir, "alarms", "list", "--json", *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_sensor_alarms_reach_list_and_watch_and_are_handled(data_dir: Path, broker: Broker) -> None:
    url = f"mqtt://{broker.host}:{broker.port}"
    assert utkik(data_dir, "settings", "set", "mqtt.broker", url).returncode == 0
    assert f"mqtt.broker\t{url}" in utkik(data_dir, "settings", "list").stdout
    for name, role in (("olle", "operator"), ("tina", "technician")):
        added = utkik(
            data_dir, "users", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD
        )
        assert added.returncode == 0, added.stderr
    serve = Lines(data_dir, "serve")
    watch: Lines | None = None
    tamper = SimulatedSensor(SensorSpec("stora-torget", "tamper-1", "tamper"), broker)
    sound = SimulatedSensor(SensorSpec("berga-centrum", "sound-1", "sound"), broker)
    try:
        serve.until(lambda line: line.startswith("alarms: MQTT broker"))
        watch = Lines(data_dir, "alarms", "watch")
        tamper.start()
        sound.start()
        tamper.publish_event("opened").wait_for_publish(5)
        line = watch.until(lambda line: '"sabotage"' in line)
        sabotage = json.loads(line)
        assert (sabotage["state"], sabotage["source"], sabotage["place"]) == (
            "new",
            "tamper-1",
            "Stora torget",
        )
        sound.publish_event("aggression", level=88).wait_for_publish(5)
        assert wait_for(lambda: len(listed(data_dir)) == 2)
        rows = listed(data_dir)
        # Most severe first; every field the issue names.
        assert [r["class"] for r in rows] == ["sabotage", "audio"]
        for key in (
            "id",
            "state",
            "class",
            "severity",
            "source",
            "place",
            "camera",
            "device_time",
            "received_time",
            "title",
        ):
            assert key in rows[0], key
        assert rows[1]["source"] == "sound-1"
        alarm_id = sabotage["id"]
        # A technician cannot acknowledge; without a comment a severity 1 alarm is refused.
        refused = utkik(
            data_dir, "alarms", "ack", str(alarm_id), "--user", "tina", "--password-stdin",
            stdin=PASSWORD,
        )  # fmt: skip
        assert refused.returncode == 1
        assert "not allowed to acknowledge" in refused.stderr
        refused = utkik(
            data_dir, "alarms", "ack", str(alarm_id), "--user", "olle", "--password-stdin",
            stdin=PASSWORD,
        )  # fmt: skip
        assert refused.returncode == 1
        assert "say in a comment" in refused.stderr
        wrong = utkik(
            data_dir, "alarms", "ack", str(alarm_id), "--user", "olle", "--password-stdin",
            "--comment", "x", stdin="wrong password",
        )  # fmt: skip
        assert wrong.returncode == 1
        done = utkik(
            data_dir, "alarms", "ack", str(alarm_id), "--user", "olle", "--password-stdin",
            "--comment", "Enclosure checked by the guard", stdin=PASSWORD,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "did not take" not in done.stderr  # published by the command itself
        line = watch.until(lambda line: '"acknowledged"' in line, 5)
        assert json.loads(line)["acknowledged_by"] == "olle"
        closed = utkik(
            data_dir, "alarms", "close", str(alarm_id), "--user", "olle", "--password-stdin",
            stdin=PASSWORD,
        )  # fmt: skip
        assert closed.returncode == 0, closed.stderr
        watch.until(lambda line: '"closed"' in line, 5)
        assert [r["id"] for r in listed(data_dir, "--state", "closed")] == [alarm_id]
        assert len(listed(data_dir, "--since", "1h")) == 2
        assert listed(data_dir, "--since", "2999-01-01T00:00") == []
        status = utkik(data_dir, "audit", "status")
        assert status.returncode == 0, status.stdout + status.stderr
    finally:
        if watch is not None:
            watch.stop()
        tamper.stop()
        sound.stop()
        serve.stop()
    entries = utkik(data_dir, "audit", "export", str(data_dir.parent / "export"))
    assert entries.returncode == 0, entries.stderr
    exported = (data_dir.parent / "export" / "entries.jsonl").read_text(encoding="utf-8")
    assert '"alarm.acknowledged"' in exported
    assert '"alarm.closed"' in exported
    verified = utkik(data_dir, "audit", "verify", str(data_dir.parent / "export"))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_serve_without_a_broker_runs_its_own(data_dir: Path) -> None:
    serve = Lines(data_dir, "serve")
    try:
        line = serve.until(lambda line: line.startswith("alarms: MQTT broker"))
        assert "started here on loopback" in line
        assert (data_dir / BROKER_FILE).exists()
        watch = Lines(data_dir, "alarms", "watch")
        time.sleep(1.0)
        assert watch.process.poll() is None  # it found the engine's broker and waits
        err = watch.stop()
        assert "No MQTT broker" not in err
    finally:
        serve.stop()
    assert not (data_dir / BROKER_FILE).exists()
    # With no engine running, watching says what to do.
    result = utkik(data_dir, "alarms", "watch")
    assert result.returncode == 1
    assert "No MQTT broker is set" in result.stderr


def test_broker_setting_is_checked(data_dir: Path) -> None:
    for bad in ("http://example.org", "mqtt://user:secret@127.0.0.1:1883", "mqtt://:1883"):
        result = utkik(data_dir, "settings", "set", "mqtt.broker", bad)
        assert result.returncode == 1, bad
        assert "is not a broker address" in result.stderr
    result = utkik(data_dir, "settings", "set", "mqtt.broker", "mqtts://127.0.0.1")
    assert result.returncode == 0, result.stderr
    assert "mqtt.broker\tmqtts://127.0.0.1:8883" in result.stdout
    result = utkik(data_dir, "settings", "set", "ui.idle_lock_minutes", "many")
    assert result.returncode == 1
    assert "takes a whole number" in result.stderr


def test_sensor_event_raises_what_utkik_simulate_says(data_dir: Path, broker: Broker) -> None:
    url = f"mqtt://{broker.host}:{broker.port}"
    assert utkik(data_dir, "settings", "set", "mqtt.broker", url).returncode == 0
    serve = Lines(data_dir, "serve")
    try:
        serve.until(lambda line: line.startswith("alarms: MQTT broker"))
        for what in ("opened", "offline"):
            sent = run_utkik("sensor-event", url, "skaggetorp-centrum", "tamper-1", what)
            assert sent.returncode == 0, sent.stderr
        assert wait_for(lambda: len(listed(data_dir)) == 2)
        rows = {r["class"]: r for r in listed(data_dir)}
        assert rows["sabotage"]["place"] == "Skäggetorp centrum"
        shown = utkik(data_dir, "alarms", "show", str(rows["sabotage"]["id"]))
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["raw"].startswith('{"kind": "tamper", "event": "opened"')
        missing = utkik(data_dir, "alarms", "show", "999")
        assert missing.returncode == 1
        assert "There is no alarm number 999." in missing.stderr
        sensors = utkik(data_dir, "alarms", "sensors")
        assert sensors.returncode == 0, sensors.stderr
        assert "Skäggetorp centrum\ttamper-1\ttamper\toffline" in sensors.stdout
        assert rows["health"]["title"] == "Sensor offline: tamper-1 at skaggetorp-centrum"
        refused = run_utkik("sensor-event", url, "x", "door-1", "exploded")
        assert refused.returncode == 2
    finally:
        serve.stop()
    text = io.StringIO()
    print_sensor_help(url, text)
    assert f"utkik sensor-event {url} stora-torget tamper-1 opened" in text.getvalue()


def test_rules_are_set_by_supervisors(data_dir: Path) -> None:
    for name, role in (("siv", "supervisor"), ("olle", "operator")):
        added = utkik(
            data_dir, "users", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD
        )
        assert added.returncode == 0, added.stderr
    shown = utkik(data_dir, "alarms", "rules")
    assert shown.returncode == 0, shown.stderr
    assert "sabotage\tall sites\tseverity 1\tsound alarm\topen camera\trecord 30 s" in shown.stdout
    refused = utkik(
        data_dir, "alarms", "rule", "door", "--severity", "1", "--user", "olle",
        "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "not allowed to change the alarm rules" in refused.stderr
    changed = utkik(
        data_dir, "alarms", "rule", "door", "--site", "Berga", "--severity", "1", "--no-record",
        "--lighting-boost", "80", "--user", "siv", "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    rules = [
        json.loads(line)
        for line in utkik(data_dir, "alarms", "rules", "--json").stdout.splitlines()
    ]
    (berga,) = [r for r in rules if r["site"] == "Berga"]
    assert (berga["class"], berga["severity"], berga["record"], berga["lighting_boost"]) == (
        "door",
        1,
        False,
        80,
    )
    # Only the options given changed: the rest is the rule that was in force.
    assert (berga["sound"], berga["open_camera"]) == ("chime", True)
    assert utkik(data_dir, "audit", "status").returncode == 0


@pytest.fixture
def locked_broker(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """mosquitto on loopback that asks a login (user `sensors`, password PASSWORD)."""
    folder = tmp_path / "mosquitto"
    folder.mkdir()
    passwords = folder / "passwords"
    subprocess.run(
        [shutil.which("mosquitto_passwd") or "mosquitto_passwd", "-b", "-c", str(passwords),
         "sensors", PASSWORD],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = folder / "mosquitto.conf"
    # As this account (started as root, mosquitto would switch to its own, which cannot read
    # the password file here).
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwords}\n"
        f"persistence false\nuser {pwd.getpwuid(os.getuid()).pw_name}\n",
        encoding="utf-8",
    )
    broker = processes.spawn(
        ["/usr/sbin/mosquitto", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: _answers(port), 10)
        yield "127.0.0.1", port
    finally:
        broker.terminate()
        broker.wait(10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def test_the_broker_login_comes_from_the_keyring(
    data_dir: Path, locked_broker: tuple[str, int]
) -> None:
    host, port = locked_broker
    url = f"mqtt://{host}:{port}"
    no_broker = utkik(data_dir, "alarms", "broker-login", "--broker-user", "sensors",
                      "--password-stdin", stdin=PASSWORD)  # fmt: skip
    assert no_broker.returncode == 1
    assert "Set the broker first" in no_broker.stderr
    assert utkik(data_dir, "settings", "set", "mqtt.broker", url).returncode == 0
    stored = utkik(data_dir, "alarms", "broker-login", "--broker-user", "sensors",
                   "--password-stdin", stdin=PASSWORD)  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    assert PASSWORD not in (data_dir / "utkik.db").read_bytes().decode("latin-1")
    serve = Lines(data_dir, "serve")
    sender = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="locked-sender")
    sender.username_pw_set("sensors", PASSWORD)
    try:
        serve.until(lambda line: line.startswith("alarms: MQTT broker"))
        sender.connect(host, port)
        sender.loop_start()
        payload = json.dumps({"kind": "tamper", "event": "opened", "time": "2026-03-29T12:00:00Z"})
        topic = "utkik/site/ryds-centrum/sensor/tamper-1/event"
        assert wait_for(lambda: _sent_and_listed(sender, topic, payload, data_dir), 20)
    finally:
        sender.disconnect()
        sender.loop_stop()
        serve.stop()


def _sent_and_listed(sender: Any, topic: str, payload: str, data_dir: Path) -> bool:
    """The engine subscribes a moment after it says it runs: send until an alarm is listed."""
    sender.publish(topic, payload, qos=1).wait_for_publish(5)
    return any(r["place"] == "Ryds centrum" for r in listed(data_dir))
