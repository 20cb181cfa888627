"""The luminaires' controllers over MQTT (docs/sensors-and-lighting.md), as a LightingBus.

Commands go to `utkik/site/<place>/light/<light>/set` with QoS 1; states, availability and errors
come back on the same light's topics. The client reconnects by itself with backoff and reads the
retained states again at every (re)connect, so a controller that went away is re-read when it
comes back. A login comes from the keyring, as for the sensors.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode

from console.alarms.broker import BrokerAddress
from console.ports import LuminaireReport
from devices.mqtt_sensors import MAX_PAYLOAD, QOS, BrokerLogin, _client

log = logging.getLogger(__name__)

LIGHT_TOPICS = "utkik/site/+/light/+/+"
#: Ids longer than this are not ours and are cut.
MAX_ID = 100


def light_report(topic: str, payload: bytes) -> LuminaireReport | None:
    """A controller's message as a report; None for a topic outside the contract or one of
    Utkik's own commands."""
    levels = topic.split("/")
    if len(levels) != 6 or levels[:2] != ["utkik", "site"] or levels[3] != "light":
        return None
    place, light, leaf = levels[2][:MAX_ID], levels[4][:MAX_ID], levels[5]
    text = payload[:MAX_PAYLOAD].decode("utf-8", errors="replace")
    if leaf == "availability":
        state = text.strip().lower()
        if state not in ("online", "offline"):
            return None
        return LuminaireReport(place, light, available=state == "online")
    members = _members(text)
    if leaf == "state":
        level = members.get("level")
        command_id = members.get("command_id")
        return LuminaireReport(
            place,
            light,
            level=level if isinstance(level, int) and 0 <= level <= 100 else None,
            mode=str(members.get("mode", ""))[:20] or None,
            command_id=str(command_id)[:MAX_ID] if command_id is not None else None,
        )
    if leaf == "error":
        return LuminaireReport(place, light, error=str(members.get("error", text))[:200])
    return None


def _members(text: str) -> dict[str, Any]:
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


class MqttLightingBus:
    def __init__(
        self,
        address: BrokerAddress,
        login: BrokerLogin | None = None,
        client_id: str = "utkik-lighting",
    ) -> None:
        self._address = address
        self._client = _client(client_id, address, login)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._on_report: Callable[[LuminaireReport], None] | None = None

    def start(self, on_report: Callable[[LuminaireReport], None]) -> None:
        self._on_report = on_report
        self._client.connect_async(self._address.host, self._address.port)
        self._client.loop_start()

    def send(
        self, place: str, light: str, level: int, mode: str, duration_s: int, command_id: str
    ) -> None:
        payload = {"level": level, "mode": mode, "duration_s": duration_s, "command_id": command_id}
        # Queued while the broker is away; paho sends it at the reconnect.
        self._client.publish(f"utkik/site/{place}/light/{light}/set", json.dumps(payload), qos=QOS)

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()
        self._on_report = None

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode, properties: Any
    ) -> None:
        if reason.is_failure:
            log.warning("the broker %s refused the lighting client: %s", self._address.url, reason)
            return
        client.subscribe(LIGHT_TOPICS, qos=QOS)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        report = light_report(message.topic, bytes(message.payload))
        deliver = self._on_report
        if report is not None and deliver is not None:
            deliver(report)
