"""Where the MQTT broker is, and the topics alarms are published on (docs/alarms.md).

The broker is the setting `mqtt.broker`: `mqtt://HOST:PORT`, or `mqtts://HOST:PORT` for TLS.
Unset, the engine starts a broker on loopback for the consoles of this machine and writes its
address into the data dir (`BROKER_FILE`), where the consoles and `utkik alarms watch` read it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from console.errors import N_, InvalidInput, KnownError

DEFAULT_PORT = 1883
DEFAULT_TLS_PORT = 8883
#: Where an engine that started its own broker says where it listens.
BROKER_FILE = "alarm-broker.json"
#: Every alarm topic starts with this, then the data dir's instance name.
ALARM_ROOT = "utkik/alarms"


class NoBroker(KnownError):
    """No broker is set and no engine runs one for this data dir."""


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool = False

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{_host_text(self.host)}:{self.port}"

    @property
    def login_ref(self) -> str:
        """The name of the broker's login in the keyring."""
        return f"{_host_text(self.host)}:{self.port}"


def _host_text(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def parse_broker(text: str) -> BrokerAddress:
    """`mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]`; anything else is refused in words."""
    stripped = text.strip()
    try:
        parts = urlsplit(stripped)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or parts.scheme not in ("mqtt", "mqtts")
        or not parts.hostname
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise InvalidInput(
            N_(
                "“{text}” is not a broker address: write mqtt://HOST:PORT, or mqtts://HOST:PORT "
                "for TLS (the login goes into the keyring, never into the address)."
            ),
            text=text,
        )
    tls = parts.scheme == "mqtts"
    if port is None:
        port = DEFAULT_TLS_PORT if tls else DEFAULT_PORT
    if not 1 <= port <= 65535:
        raise InvalidInput(N_("{port} is not a valid port: a port is 1 to 65535."), port=port)
    return BrokerAddress(parts.hostname, port, tls)


def check_broker(text: str) -> str:
    """The setting's check: "" (the engine's own broker) or a broker address, normalized."""
    if not text.strip():
        return ""
    return parse_broker(text).url


def write_broker_file(data_dir: Path, address: BrokerAddress, pid: int) -> None:
    path = data_dir / BROKER_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"url": address.url, "pid": pid}), encoding="utf-8")
    temporary.replace(path)


def remove_broker_file(data_dir: Path, pid: int) -> None:
    path = data_dir / BROKER_FILE
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError, AttributeError):
        return


def engine_broker(data_dir: Path) -> BrokerAddress | None:
    """The broker an engine of this data dir started, if one says so and still runs."""
    try:
        record = json.loads((data_dir / BROKER_FILE).read_text("utf-8"))
        address = parse_broker(str(record["url"]))
        pid = int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError, InvalidInput):
        return None
    return address if _alive(pid) else None


def _alive(pid: int) -> bool:
    """Whether the process that wrote the file lives (a killed engine leaves the file)."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would send Ctrl-C on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def alarm_topic(instance: str, alarm_id: int) -> str:
    return f"{ALARM_ROOT}/{instance}/alarm/{alarm_id}"


def alarms_pattern(instance: str) -> str:
    return f"{ALARM_ROOT}/{instance}/alarm/+"


def engine_topic(instance: str) -> str:
    """The engine's own state (`online`/`offline`, its last will): a console whose engine is
    gone says so."""
    return f"{ALARM_ROOT}/{instance}/engine"


def broker_for(setting: str, data_dir: Path) -> BrokerAddress:
    """The broker this data dir's alarms are on: the setting, else the one its engine runs."""
    if setting.strip():
        return parse_broker(setting)
    running = engine_broker(data_dir)
    if running is None:
        raise NoBroker(
            N_(
                "No MQTT broker is set (mqtt.broker) and no alarm engine runs for this data "
                "folder: start `utkik serve` or the console, or set the broker."
            )
        )
    return running
