"""The MQTT side of alarms over paho-mqtt: the sensors as an EventSource, the alarm board that
publishes alarm states, and the feed consoles and `utkik alarms watch` read them from.

Every client connects in the background (`connect_async`) and reconnects by itself with backoff
(1 s doubling to 30 s), so a broker that is down at start or goes away loses nothing: the sensors'
retained states are read again at every (re)connect, and the alarm states are retained too. TLS
for `mqtts://` uses the system's certificate authorities; a login comes from the keyring
(`broker_login`), never from the address or a file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import keyring
import keyring.errors
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from console.alarms.broker import BrokerAddress, alarm_topic, alarms_pattern, engine_topic
from console.alarms.model import Alarm
from console.alarms.signals import DeviceEvent, EventSink, SourceKind
from console.clock import Clock
from console.errors import N_, KnownError

log = logging.getLogger(__name__)

#: The keyring service holding broker logins, by `BrokerAddress.login_ref`.
LOGIN_SERVICE = "utkik-mqtt"
SENSOR_TOPICS = "utkik/site/+/sensor/+/+"
#: Bounds on what one message may bring in.
MAX_PAYLOAD = 64 * 1024
MAX_MEMBERS = 64
MAX_VALUE = 200
MIN_BACKOFF_S = 1
MAX_BACKOFF_S = 30
QOS = 1


class BrokerLoginError(KnownError):
    """The broker's login cannot be read from or written to the keyring."""


@dataclass(frozen=True, slots=True)
class BrokerLogin:
    user: str
    password: str

    def __repr__(self) -> str:
        return f"BrokerLogin({self.user!r})"


def broker_login(address: BrokerAddress) -> BrokerLogin | None:
    """The broker's login from the keyring, None when none is stored (an open broker)."""
    try:
        value = keyring.get_password(LOGIN_SERVICE, address.login_ref)
    except keyring.errors.KeyringError as err:
        raise BrokerLoginError(
            N_("The keyring cannot be read ({reason})."), reason=type(err).__name__
        ) from None
    if value is None:
        return None
    try:
        login = json.loads(value)
        return BrokerLogin(str(login["user"]), str(login["password"]))
    except (ValueError, KeyError, TypeError):
        raise BrokerLoginError(
            N_("The broker login {ref} in the keyring is damaged."), ref=address.login_ref
        ) from None


def store_broker_login(address: BrokerAddress, login: BrokerLogin) -> None:
    value = json.dumps({"user": login.user, "password": login.password})
    try:
        keyring.set_password(LOGIN_SERVICE, address.login_ref, value)
    except keyring.errors.KeyringError as err:
        raise BrokerLoginError(
            N_("The broker login cannot be stored in the keyring ({reason})."),
            reason=type(err).__name__,
        ) from None


def _client(
    name: str, address: BrokerAddress, login: BrokerLogin | None, clean_start: bool = True
) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name, clean_session=clean_start)
    client.on_socket_open = no_delay
    client.reconnect_delay_set(MIN_BACKOFF_S, MAX_BACKOFF_S)
    if address.tls:
        client.tls_set()
    if login is not None:
        client.username_pw_set(login.user, login.password)
    return client


def no_delay(client: mqtt.Client, userdata: Any, sock: Any) -> None:
    """Small messages (an alarm, a light's command) go out at once: paho leaves Nagle's
    algorithm on, which holds them until the broker's delayed ACK (about 40 ms a message)."""
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _text(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:MAX_VALUE]


def sensor_event(topic: str, payload: bytes, received: datetime) -> DeviceEvent | None:
    """A sensor's message as a DeviceEvent; None for a topic outside the contract."""
    levels = topic.split("/")
    if len(levels) != 6 or levels[:2] != ["utkik", "site"] or levels[3] != "sensor":
        return None
    place, sensor = levels[2][:100], levels[4][:100]
    text = payload[:MAX_PAYLOAD].decode("utf-8", errors="replace")
    data: dict[str, str] = {}
    if text.lstrip().startswith("{"):
        try:
            members = json.loads(text)
        except ValueError:
            members = None
        if isinstance(members, dict):
            for key, value in list(members.items())[:MAX_MEMBERS]:
                data[str(key)[:MAX_VALUE]] = _text(value)
    return DeviceEvent(
        kind=SourceKind.MQTT,
        source=sensor,
        camera_id=None,
        topic=topic[:500],
        device_time=_device_time(data.get("time")),
        received_time=received,
        data=data,
        raw=text,
        place=place,
    )


def _device_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


@dataclass(frozen=True, slots=True)
class SeenSensor:
    place: str
    sensor: str
    kind: str
    first_seen: datetime


class _Subscriber:
    """A client that subscribes to `topics` at every (re)connect (which brings the retained
    messages again) and hands each message to `_on_message`."""

    def __init__(
        self, address: BrokerAddress, login: BrokerLogin | None, client_id: str, what: str
    ) -> None:
        self._address = address
        self._what = what
        self._client = _client(client_id, address, login)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        #: set once the broker granted the subscription of this connection: a message
        #: published after that reaches this client
        self.connected = threading.Event()
        self._subscription: int | None = None

    def _topics(self) -> list[tuple[str, int]]:
        raise NotImplementedError

    def _connected(self) -> None:
        """After a (re)connect and the subscription (on paho's thread)."""

    def _begin(self) -> None:
        self._client.connect_async(self._address.host, self._address.port)
        self._client.loop_start()

    def _end(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode, properties: Any
    ) -> None:
        if reason.is_failure:
            log.warning("the broker %s refused %s: %s", self._address.url, self._what, reason)
            return
        _result, self._subscription = client.subscribe(self._topics())

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, properties: Any
    ) -> None:
        # Only now does the broker route the topics here: an event published before this would
        # be lost (sensor events are not retained).
        if mid != self._subscription:
            return
        self.connected.set()
        self._connected()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode, properties: Any
    ) -> None:
        self.connected.clear()
        if reason.is_failure:
            log.info(
                "lost the broker %s (%s) for %s; reconnecting",
                self._address.url,
                reason,
                self._what,
            )

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        raise NotImplementedError


class MqttSensorSource(_Subscriber):
    """The sensors of docs/sensors-and-lighting.md as an EventSource (alarms' engine)."""

    def __init__(
        self,
        address: BrokerAddress,
        clock: Clock,
        login: BrokerLogin | None = None,
        client_id: str = "utkik-alarms",
    ) -> None:
        super().__init__(address, login, client_id, "the sensors' client")
        self._clock = clock
        self._sink: EventSink | None = None
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], SeenSensor] = {}

    def start(self, sink: EventSink) -> None:
        self._sink = sink
        self._begin()

    def stop(self) -> None:
        self._end()
        self._sink = None

    def sensors(self) -> list[SeenSensor]:
        """Every sensor heard since the start, new ones included (never dropped)."""
        with self._lock:
            return sorted(self._seen.values(), key=lambda s: (s.place, s.sensor))

    def _topics(self) -> list[tuple[str, int]]:
        return [(SENSOR_TOPICS, QOS)]

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        event = sensor_event(message.topic, bytes(message.payload), self._clock.now())
        sink = self._sink
        if event is None or sink is None:
            return
        self._note(event)
        sink(event)

    def _note(self, event: DeviceEvent) -> None:
        key = (event.place or "", event.source)
        kind = event.data.get("kind", "")
        with self._lock:
            known = self._seen.get(key)
            if known is not None and (known.kind or not kind):
                return
            self._seen[key] = SeenSensor(key[0], key[1], kind, event.received_time)
        if known is None:
            log.info("sensor %s at %s heard for the first time", key[1], key[0])


class MqttAlarmBoard:
    """Publishes alarm states, retained, one topic per open alarm; a closed alarm's topic is
    cleared. The engine's own state is `online` while it runs and `offline` by its last will.
    `confirm`: keep what was published, for `flush` (a command that exits after publishing)."""

    def __init__(
        self,
        address: BrokerAddress,
        instance: str,
        login: BrokerLogin | None = None,
        client_id: str = "",
        *,
        engine: bool = False,
        confirm: bool = False,
    ) -> None:
        self._address = address
        self._login = login
        self._instance = instance
        self._engine = engine
        self._confirm = confirm
        self._sent: list[mqtt.MQTTMessageInfo] = []
        self.connected = threading.Event()
        self._client = _client(client_id, address, login)
        if engine:
            self._client.will_set(engine_topic(instance), "offline", qos=QOS, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.connect_async(address.host, address.port)
        self._client.loop_start()

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode, properties: Any
    ) -> None:
        if reason.is_failure:
            log.warning("the broker %s refused the alarm board: %s", self._address.url, reason)
            return
        self.connected.set()
        if self._engine:
            client.publish(engine_topic(self._instance), "online", qos=QOS, retain=True)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: ReasonCode, properties: Any
    ) -> None:
        self.connected.clear()

    def _send(self, topic: str, payload: bytes | str, *, retain: bool) -> mqtt.MQTTMessageInfo:
        # Queued while the broker is away; paho sends it at the (re)connect.
        info = self._client.publish(topic, payload, qos=QOS, retain=retain)
        if self._confirm:
            self._sent.append(info)
        return info

    def publish(self, alarms: Sequence[Alarm]) -> None:
        for alarm in alarms:
            topic = alarm_topic(self._instance, alarm.id)
            payload = json.dumps(alarm.as_json(), ensure_ascii=False).encode()
            if alarm.open:
                self._send(topic, payload, retain=True)
            else:
                # Those listening see it closed; then an empty retained message clears the
                # topic, so that a console connecting later is not shown it.
                self._send(topic, payload, retain=False)
                self._send(topic, b"", retain=True)

    def sync(self, open_alarms: Sequence[Alarm]) -> None:
        """Publish the open alarms, and clear what retained topics say of others: collected
        from the broker for a moment (alarms closed while no engine published)."""
        self.publish(open_alarms)
        wanted = {a.id for a in open_alarms}
        stale: set[int] = set()
        done = threading.Event()
        reader = AlarmFeed(self._address, self._instance, self._login)

        def collect(alarm_id: int, state: dict[str, Any] | None) -> None:
            if alarm_id not in wanted and state is not None:
                stale.add(alarm_id)

        reader.start(collect, on_ready=done.set)
        done.wait(5.0)
        # Retained messages come right after the subscription is granted.
        reader.settle(0.3)
        reader.stop()
        self.connected.wait(5.0)
        cleared = [
            self._send(alarm_topic(self._instance, alarm_id), b"", retain=True)
            for alarm_id in stale
        ]
        # Taken by the broker before the engine goes on, so that a console connecting now is
        # not shown them.
        self._wait(cleared, 2.0)

    def close(self) -> None:
        if self._engine and self.connected.is_set():
            info = self._send(engine_topic(self._instance), "offline", retain=True)
            self._wait([info], 2.0)
        self._client.disconnect()
        self._client.loop_stop()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until what was published reached the broker (with `confirm`)."""
        done = self._wait(self._sent, timeout)
        if done:
            self._sent.clear()
        return done

    def _wait(self, infos: Sequence[mqtt.MQTTMessageInfo], timeout: float) -> bool:
        """Whether the broker acknowledged every one within `timeout`. One published before the
        connection was made is sent once it is, but paho cannot say when: False."""
        deadline = time.monotonic() + timeout
        try:
            while not all(info.is_published() for info in infos):
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.01)
        except (RuntimeError, ValueError):
            return False
        return True


class AlarmFeed(_Subscriber):
    """The alarm states as published, for a console or `utkik alarms watch`: `on_state(id,
    state)` with the alarm's JSON object, or None when its topic was cleared (closed); only a
    newer revision than the one last delivered for an alarm is delivered."""

    def __init__(
        self,
        address: BrokerAddress,
        instance: str,
        login: BrokerLogin | None = None,
        client_id: str = "",
    ) -> None:
        super().__init__(address, login, client_id, "the alarm feed")
        self._instance = instance
        self._revisions: dict[int, int] = {}
        self._on_state: Callable[[int, dict[str, Any] | None], None] | None = None
        self._on_ready: Callable[[], None] | None = None
        self._on_engine: Callable[[bool], None] | None = None
        self._last = threading.Event()

    def start(
        self,
        on_state: Callable[[int, dict[str, Any] | None], None],
        *,
        on_ready: Callable[[], None] | None = None,
        on_engine: Callable[[bool], None] | None = None,
    ) -> None:
        self._on_state = on_state
        self._on_ready = on_ready
        self._on_engine = on_engine
        self._begin()

    def settle(self, quiet_s: float, limit_s: float = 5.0) -> None:
        """Wait until no message came for `quiet_s` (the retained ones have arrived)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            self._last.clear()
            if not self._last.wait(quiet_s):
                return

    def stop(self) -> None:
        self._end()

    def _topics(self) -> list[tuple[str, int]]:
        return [(alarms_pattern(self._instance), QOS), (engine_topic(self._instance), QOS)]

    def _connected(self) -> None:
        if self._on_ready is not None:
            self._on_ready()

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._last.set()
        if message.topic == engine_topic(self._instance):
            if self._on_engine is not None:
                self._on_engine(message.payload == b"online")
            return
        try:
            alarm_id = int(message.topic.rsplit("/", 1)[-1])
        except ValueError:
            return
        state: dict[str, Any] | None = None
        if message.payload:
            try:
                loaded = json.loads(message.payload[:MAX_PAYLOAD])
            except ValueError:
                return
            if not isinstance(loaded, dict):
                return
            state = loaded
            revision = loaded.get("revision")
            if isinstance(revision, int):
                if revision <= self._revisions.get(alarm_id, 0):
                    return
                self._revisions[alarm_id] = revision
        on_state = self._on_state
        if on_state is not None:
            on_state(alarm_id, state)
