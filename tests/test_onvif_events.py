"""ONVIF events through devices/onvif_events.py: the simulated site's real PullPoint (its cameras
as `utkik simulate` runs them, without video), a device built the way other makers build theirs
(tests/foreign_pullpoint.py), and hostile notifications."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from console.alarms.signals import AlarmClass, DeviceEvent, SourceKind, generic_signal
from console.alarms.topics import parser_for
from console.camera_facts import Capabilities, DeviceFacts
from console.camera_login import CameraLogin
from console.cameras import Camera
from console.ports import CameraLogins, EventSources
from console.runtime import DeviceLoop
from devices.onvif_events import (
    MAX_RAW_CHARS,
    MAX_VALUE_CHARS,
    OnvifEventSources,
    PullPointSource,
    SubscriptionState,
)
from devices.simulator.control import Site, SiteControl, read_commands
from devices.simulator.onvif import (
    DIGITAL_INPUT,
    TOPIC_DIGITAL_INPUT,
    TOPIC_MOTION,
    VENDOR_TOPIC_NS,
    VIDEO_SOURCE,
    DeviceConfig,
    OnvifDevice,
    stream_uris,
)
from tests.foreign_pullpoint import VENDOR_NS, ForeignPullPoint
from tests.hostile_soap import Listener
from tests.sites import loopback_addresses, wait_for

USER, PASSWORD = "operator", "händelse-lösen"


@dataclass
class Collected:
    """A sink that keeps what it is given, and the source's states."""

    events: list[DeviceEvent] = field(default_factory=list)
    states: list[SubscriptionState] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: DeviceEvent) -> None:
        with self.lock:
            self.events.append(event)

    def state(self, state: SubscriptionState) -> None:
        with self.lock:
            self.states.append(state)

    def matching(self, test: Callable[[DeviceEvent], bool]) -> list[DeviceEvent]:
        with self.lock:
            return [e for e in self.events if test(e)]

    def wait(self, test: Callable[[DeviceEvent], bool], seconds: float = 10.0) -> DeviceEvent:
        assert wait_for(lambda: bool(self.matching(test)), seconds), self.events
        return self.matching(test)[0]


def _topic(topic: str, **data: str) -> Callable[[DeviceEvent], bool]:
    return lambda e: e.topic == topic and all(e.data.get(k) == v for k, v in data.items())


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def camera() -> Iterator[OnvifDevice]:
    (address,) = loopback_addresses(61, [5])
    main, sub = stream_uris(address, 8554, "stora-torget")
    config = DeviceConfig(
        name="Stora torget",
        address=address,
        port=_free_port(address),
        main_stream_uri=main,
        sub_stream_uri=sub,
        user=USER,
        password=PASSWORD,
    )
    with OnvifDevice(config) as device:
        yield device


@pytest.fixture
def loop() -> Iterator[DeviceLoop]:
    with DeviceLoop("test-events") as running:
        yield running


def _source(
    loop: DeviceLoop, host: str, port: int, sink: Collected, **options: Any
) -> PullPointSource:
    settings: dict[str, Any] = {"pull_wait_s": 5.0, "max_retry_s": 1.0, "min_cycle_s": 1.0}
    settings.update(options)
    return PullPointSource(
        loop,
        camera_id=7,
        host=host,
        port=port,
        login=lambda: CameraLogin.bind(host, USER, PASSWORD),
        on_state=sink.state,
        **settings,
    )


@pytest.fixture
def running(camera: OnvifDevice, loop: DeviceLoop) -> Iterator[tuple[PullPointSource, Collected]]:
    sink = Collected()
    source = _source(loop, camera.config.address, camera.config.port, sink, subscription_s=4.0)
    source.start(sink)
    try:
        # The current states come first: nothing is moving, the input is inactive.
        sink.wait(_topic(TOPIC_DIGITAL_INPUT, LogicalState="false"))
        yield source, sink
    finally:
        source.stop()


def _signal(event: DeviceEvent) -> Any:
    parser = parser_for(event.topic)
    assert parser is not None, event.topic
    return parser(event)


def test_a_motion_event_of_the_simulated_camera(
    running: tuple[PullPointSource, Collected], camera: OnvifDevice
) -> None:
    source, sink = running
    assert source.state == SubscriptionState.SUBSCRIBED
    before = time.time()
    camera.raise_event(TOPIC_MOTION, VIDEO_SOURCE, True)
    event = sink.wait(_topic(TOPIC_MOTION, State="true"))
    assert event.kind == SourceKind.ONVIF
    assert (event.source, event.camera_id) == ("7", 7)
    assert event.source_items == {"Source": VIDEO_SOURCE}
    assert event.device_time is not None
    assert before - 2 <= event.device_time.timestamp() <= time.time() + 2
    assert "MotionAlarm" in event.raw
    assert len(event.raw) <= MAX_RAW_CHARS
    signal = _signal(event)
    assert (signal.alarm_class, signal.active) == (AlarmClass.MOTION, True)


def test_a_digital_input_is_one_stateful_alarm(
    running: tuple[PullPointSource, Collected], camera: OnvifDevice
) -> None:
    _, sink = running
    camera.raise_event(TOPIC_DIGITAL_INPUT, DIGITAL_INPUT, True)
    active = sink.wait(_topic(TOPIC_DIGITAL_INPUT, LogicalState="true"))
    camera.raise_event(TOPIC_DIGITAL_INPUT, DIGITAL_INPUT, False)
    ended = sink.wait(
        lambda e: e.topic == TOPIC_DIGITAL_INPUT and e.received_time > active.received_time
    )
    began, over = _signal(active), _signal(ended)
    assert (began.alarm_class, began.active, over.active) == (AlarmClass.INPUT, True, False)
    assert began.key == over.key
    assert DIGITAL_INPUT in began.key


def test_a_renewed_subscription_keeps_events_flowing(
    running: tuple[PullPointSource, Collected], camera: OnvifDevice
) -> None:
    source, sink = running
    # Four seconds granted, renewed after 3.2: three renewals in ten seconds, one subscription.
    assert wait_for(lambda: sink.states.count(SubscriptionState.RENEWING) >= 3, 15)
    assert source.subscriptions == 1
    assert camera.subscription_count == 1
    camera.raise_tamper()
    event = sink.wait(_topic("tns1:VideoSource/GlobalSceneChange/ImagingService", State="true"))
    assert _signal(event).alarm_class == AlarmClass.SABOTAGE


def test_a_dropped_subscription_is_made_again_at_once(
    running: tuple[PullPointSource, Collected], camera: OnvifDevice
) -> None:
    source, sink = running
    camera.drop_subscriptions()
    assert wait_for(lambda: source.subscriptions == 2, 10)
    camera.raise_event(TOPIC_MOTION, VIDEO_SOURCE, True)
    sink.wait(_topic(TOPIC_MOTION, State="true"))
    # Made again at once: the subscription never read as lost.
    assert SubscriptionState.LOST not in sink.states
    assert camera.subscription_count == 1


def test_a_restarted_camera_is_subscribed_to_again_and_the_loss_is_reported(
    running: tuple[PullPointSource, Collected], camera: OnvifDevice
) -> None:
    source, sink = running
    camera.offline = True
    camera.drop_subscriptions()
    assert wait_for(lambda: source.state == SubscriptionState.LOST, 15)
    assert "Nothing answers" in source.last_error
    camera.offline = False
    assert wait_for(lambda: source.state == SubscriptionState.SUBSCRIBED, 15)
    camera.raise_event(TOPIC_MOTION, VIDEO_SOURCE, True)
    sink.wait(_topic(TOPIC_MOTION, State="true"))
    lost = sink.states.index(SubscriptionState.LOST)
    assert SubscriptionState.SUBSCRIBED in sink.states[lost:]


def test_an_unknown_vendor_topic_becomes_a_generic_alarm(
    running: tuple[PullPointSource, Collected], camera: OnvifDevice
) -> None:
    _, sink = running
    camera.raise_vendor_event("Lens/HeaterFault", {"Reason": "cold"})
    topic = f"{{{VENDOR_TOPIC_NS}}}Lens/HeaterFault"
    event = sink.wait(_topic(topic))
    assert event.data == {"Reason": "cold"}
    assert event.source_items == {}
    assert parser_for(event.topic) is None
    alarm = generic_signal(event)
    assert (alarm.alarm_class, alarm.title) == (AlarmClass.OTHER, topic)
    assert "HeaterFault" in alarm.event.raw


def test_stop_is_prompt_unsubscribes_and_delivers_nothing_after(
    camera: OnvifDevice, loop: DeviceLoop
) -> None:
    sink = Collected()
    source = _source(loop, camera.config.address, camera.config.port, sink, pull_wait_s=50.0)
    source.start(sink)
    sink.wait(_topic(TOPIC_MOTION))
    time.sleep(1.5)  # a long pull is waiting now
    started = time.monotonic()
    source.stop()
    assert time.monotonic() - started < 3
    assert camera.subscription_count == 0
    assert source.state == SubscriptionState.STOPPED
    count = len(sink.events)
    camera.raise_event(TOPIC_MOTION, VIDEO_SOURCE, True)
    time.sleep(0.5)
    assert len(sink.events) == count


def test_a_camera_refusing_its_login_is_reported_lost(
    camera: OnvifDevice, loop: DeviceLoop
) -> None:
    sink = Collected()
    address = camera.config.address
    source = PullPointSource(
        loop,
        camera_id=3,
        host=address,
        port=camera.config.port,
        login=lambda: CameraLogin.bind(address, USER, "wrong"),
        on_state=sink.state,
        max_retry_s=1.0,
    )
    source.start(sink)
    try:
        assert wait_for(lambda: source.state == SubscriptionState.LOST, 10)
        assert "refused the user name or password" in source.last_error
        assert USER not in source.last_error
        assert "wrong" not in source.last_error
        assert sink.events == []
    finally:
        source.stop()


def test_a_camera_that_never_answers_is_lost_and_stops_at_once(loop: DeviceLoop) -> None:
    with Listener() as silent:
        sink = Collected()
        source = _source(loop, silent.host, silent.port, sink, request_timeout_s=1.0)
        source.start(sink)
        assert wait_for(lambda: source.state == SubscriptionState.LOST, 10)
        assert "did not answer in time" in source.last_error
        time.sleep(0.5)  # waiting to try again, or for an answer that never comes
        started = time.monotonic()
        source.stop()
        assert time.monotonic() - started < 2
        assert source.state == SubscriptionState.STOPPED
        assert silent.connections >= 1


# -- other makers' devices ------------------------------------------------------------------------


@pytest.fixture
def foreign() -> Iterator[ForeignPullPoint]:
    with ForeignPullPoint(expire_after_s=2.0) as device:
        yield device


def test_a_foreign_device_delivers_its_motion_and_its_vendor_event(
    foreign: ForeignPullPoint, loop: DeviceLoop
) -> None:
    sink = Collected()
    source = _source(loop, foreign.host, foreign.port, sink, pace_s=0.5)
    source.start(sink)
    try:
        # Its current state, asked for with SetSynchronizationPoint (none came on subscribing).
        motion = "tns1:RuleEngine/CellMotionDetector/Motion"
        initial = sink.wait(_topic(motion, IsMotion="Off"))
        assert _signal(initial).active is False
        foreign.raise_motion("1")
        moved = sink.wait(_topic(motion, IsMotion="1"))
        signal = _signal(moved)
        assert (signal.alarm_class, signal.active) == (AlarmClass.MOTION, True)
        assert moved.source_items["Rule"] == "MyMotionDetectorRule"
        assert moved.device_time is not None
        assert moved.device_time.utcoffset() is not None
        assert abs(moved.device_time.timestamp() - time.time()) < 5

        foreign.raise_vendor(Heater="fault")
        foreign.raise_vendor(Heater="ok")  # sent with the other prefix
        vendor = f"{{{VENDOR_NS}}}Device/HeaterFault"
        sink.wait(_topic(vendor, Heater="fault"))
        sink.wait(_topic(vendor, Heater="ok"))
        assert generic_signal(sink.wait(_topic(vendor))).alarm_class == AlarmClass.OTHER

        # Its subscriptions end after two seconds: made again, and events still come.
        assert wait_for(lambda: source.subscriptions >= 3, 10)
        foreign.raise_motion("On")
        sink.wait(_topic(motion, IsMotion="On"))
        foreign.raise_motion("true")
        sink.wait(_topic(motion, IsMotion="true"))
    finally:
        source.stop()
    operations = foreign.operations()
    assert operations[:3] == ["GetServices", "GetCapabilities", "GetEventProperties"]
    # Each subscription found the event service again through GetCapabilities.
    assert operations.count("GetCapabilities") == operations.count("CreatePullPointSubscription")
    assert SubscriptionState.LOST not in sink.states


def test_a_device_dropping_each_subscription_at_once_is_not_resubscribed_to_in_a_loop(
    loop: DeviceLoop,
) -> None:
    sink = Collected()
    with ForeignPullPoint(expire_after_s=0.5) as device:
        source = _source(loop, device.host, device.port, sink, min_cycle_s=3.0)
        source.start(sink)
        try:
            time.sleep(7.0)
            made = device.operations().count("CreatePullPointSubscription")
        finally:
            source.stop()
    # One in 3 s at most: 3 in 7 s (and at least 2: it is made again).
    assert 2 <= made <= 3
    assert sink.matching(_topic("tns1:RuleEngine/CellMotionDetector/Motion"))


def test_a_device_answering_at_once_is_paced(foreign: ForeignPullPoint, loop: DeviceLoop) -> None:
    foreign.expire_after_s = None
    sink = Collected()
    source = _source(loop, foreign.host, foreign.port, sink, pace_s=0.5)
    source.start(sink)
    try:
        assert wait_for(lambda: "PullMessages" in foreign.operations(), 5)
        time.sleep(3.0)
        pulls = foreign.operations().count("PullMessages")
    finally:
        source.stop()
    # 0.5 s apart at most twice a second: about seven in three and a bit seconds, not hundreds.
    assert 3 <= pulls <= 10


def test_events_a_renew_answer_carries_are_kept(
    foreign: ForeignPullPoint, loop: DeviceLoop
) -> None:
    foreign.expire_after_s = None
    sink = Collected()
    source = _source(loop, foreign.host, foreign.port, sink, subscription_s=2.0, pace_s=0.5)
    source.start(sink)
    try:
        foreign.queue_for_renew("On")
        assert wait_for(lambda: "Renew" in foreign.operations(), 10)
        event = sink.wait(_topic("tns1:RuleEngine/CellMotionDetector/Motion", IsMotion="On"))
        assert _signal(event).active is True
        assert source.state in (SubscriptionState.SUBSCRIBED, SubscriptionState.RENEWING)
        assert source.subscriptions == 1
    finally:
        source.stop()


def test_a_device_reading_relative_times_wrongly_is_asked_in_its_own_clock(
    loop: DeviceLoop,
) -> None:
    sink = Collected()
    with ForeignPullPoint(expire_after_s=None, renew="renew", broken_relative_time=True) as device:
        source = _source(loop, device.host, device.port, sink, pace_s=0.5)
        source.start(sink)
        try:
            assert wait_for(lambda: "Renew" in device.operations(), 5)
            time.sleep(2.0)
            operations = device.operations()
            asked = list(device.asked_terminations)
        finally:
            source.stop()
    # Subscribed in relative time, granted nothing: renewed once, at once, in absolute time,
    # ten minutes ahead; then left alone (no renewing every second).
    assert asked[0] == "PT600S"
    renewed = datetime.fromisoformat(asked[1].replace("Z", "+00:00"))
    assert 590 <= (renewed - datetime.now(UTC)).total_seconds() <= 600
    assert operations.count("Renew") == 1
    assert operations.count("CreatePullPointSubscription") == 1
    assert source.subscriptions == 1


def test_a_renew_answered_with_501_keeps_the_subscription(loop: DeviceLoop) -> None:
    sink = Collected()
    with ForeignPullPoint(expire_after_s=None, renew="501") as device:
        source = _source(loop, device.host, device.port, sink, subscription_s=2.0, pace_s=0.5)
        source.start(sink)
        try:
            assert wait_for(lambda: device.operations().count("Renew") >= 2, 10)
            device.raise_motion("true")
            sink.wait(_topic("tns1:RuleEngine/CellMotionDetector/Motion", IsMotion="true"))
            assert device.operations().count("CreatePullPointSubscription") == 1
            assert source.state != SubscriptionState.LOST
        finally:
            source.stop()


def test_a_bug_in_the_sink_stops_the_source_and_is_reported(
    camera: OnvifDevice, loop: DeviceLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(args.exc_value))

    def sink(event: DeviceEvent) -> None:
        raise RuntimeError("a bug in the engine")

    source = _source(loop, camera.config.address, camera.config.port, Collected())
    source.start(sink)
    assert wait_for(lambda: source.state == SubscriptionState.STOPPED, 10)
    assert wait_for(lambda: bool(reported), 5)
    assert isinstance(reported[0], RuntimeError)
    assert wait_for(lambda: camera.subscription_count == 0, 5)  # unsubscribed on the way out
    source.stop()


# -- hostile notifications ---------------------------------------------------------------------


def _notification(topic: str, utc: str, source: str, value: str) -> str:
    return (
        "<wsnt:NotificationMessage><wsnt:Topic>"
        f"{topic}</wsnt:Topic><wsnt:Message>"
        f'<tt:Message UtcTime="{utc}"><tt:Source>'
        f'<tt:SimpleItem Name="Source" Value="{source}"/></tt:Source><tt:Data>'
        f'<tt:SimpleItem Name="State" Value="{value}"/></tt:Data>'
        "</tt:Message></wsnt:Message></wsnt:NotificationMessage>"
    )


BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope">'
    b"<SOAP-ENV:Body><PullMessagesResponse>&lol3;</PullMessagesResponse></SOAP-ENV:Body>"
    b"</SOAP-ENV:Envelope>"
)


def test_hostile_notifications_are_bounded(foreign: ForeignPullPoint, loop: DeviceLoop) -> None:
    foreign.expire_after_s = None
    sink = Collected()
    source = _source(loop, foreign.host, foreign.port, sink, pace_s=0.3)
    source.start(sink)
    try:
        sink.wait(_topic("tns1:RuleEngine/CellMotionDetector/Motion"))
        # An XML bomb in a PullMessages answer: refused unparsed; the source carries on.
        foreign.answer_next_pull(BOMB)
        huge = "A" * 1_000_000
        bidi = "Torget\u202egnalarm\u2066"
        motion = "ns1:VideoSource/MotionAlarm"
        foreign.push_raw(_notification(motion, "1601-01-01T00:00:00Z", "vs0", huge))
        big = sink.wait(lambda e: e.data.get("State", "").startswith("AAAA"), 15)
        assert len(big.data["State"]) <= MAX_VALUE_CHARS
        assert len(big.raw) <= MAX_RAW_CHARS
        assert big.device_time is None
        foreign.push_raw(_notification(motion, "9999-12-31T23:59:59Z", bidi, bidi))
        marked = sink.wait(lambda e: e.data.get("State") == bidi)
        assert marked.device_time is None
        assert marked.source_items == {"Source": bidi}
        foreign.push_raw(_notification(f"ns1:{bidi}" * 200, "not a time", "vs0", "true"))
        odd = sink.wait(lambda e: e.data.get("State") == "true" and "Torget" in e.topic)
        assert len(odd.topic) <= 512
        assert odd.device_time is None
        assert "lol" not in "".join(e.raw for e in sink.events)
        # The bomb's pull failed: the source subscribed again and carries on.
        assert source.subscriptions >= 2
        foreign.raise_motion("1")
        sink.wait(_topic("tns1:RuleEngine/CellMotionDetector/Motion", IsMotion="1"))
    finally:
        source.stop()


# -- the EventSources port ------------------------------------------------------------------------


class _Logins(CameraLogins):
    """The composition root's CameraLogins capability, for cameras of one simulated site."""

    def __init__(self, cameras: dict[int, Camera], password: str = PASSWORD) -> None:
        self.cameras = cameras
        self.password = password
        self.asked: list[int] = []

    def camera(self, camera_id: int) -> Camera:
        return self.cameras[camera_id]

    def login(self, camera_id: int) -> CameraLogin:
        self.asked.append(camera_id)
        return CameraLogin.bind(self.cameras[camera_id].host, USER, self.password)


def _camera(camera_id: int, device: OnvifDevice, *, events: bool = True) -> Camera:
    config = device.config
    facts = DeviceFacts(
        host=config.address,
        port=config.port,
        xaddr=config.device_xaddr,
        capabilities=Capabilities(events=events),
    )
    return Camera(
        id=camera_id,
        name=config.name,
        place_id=1,
        area_id=1,
        host=config.address,
        port=config.port,
        facts=facts,
        credential_ref=f"camera:{camera_id}",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_event_sources_for_the_cameras_that_have_events(
    camera: OnvifDevice, loop: DeviceLoop
) -> None:
    with_events = _camera(1, camera)
    cameras = {
        1: with_events,
        2: _camera(2, camera, events=False),
        3: replace(with_events, id=3, removed_at=datetime(2026, 2, 1, tzinfo=UTC)),
    }
    logins = _Logins(cameras)
    sources = OnvifEventSources(logins, loop, pull_wait_s=5.0, max_retry_s=1.0)
    port: EventSources = sources
    assert port is sources
    assert sources.for_camera(cameras[2]) is None
    assert sources.for_camera(cameras[3]) is None
    assert logins.asked == []  # no secret is read until a source subscribes
    source = sources.for_camera(with_events)
    assert source is not None
    sink = Collected()
    source.start(sink)
    try:
        camera.raise_event(TOPIC_MOTION, VIDEO_SOURCE, True)
        event = sink.wait(_topic(TOPIC_MOTION, State="true"))
        assert (event.source, event.camera_id) == ("1", 1)
        assert logins.asked == [1]
        assert sources.subscriptions() == {1: True}
        logins.password = "changed elsewhere"
        camera.drop_subscriptions()
        assert wait_for(lambda: sources.subscriptions() == {1: False}, 10)
        logins.password = PASSWORD
        assert wait_for(lambda: sources.subscriptions() == {1: True}, 10)
    finally:
        source.stop()
    # The Unsubscribe is waited for at most 2 s (a courtesy): on a busy machine the camera may
    # carry it out a moment after `stop` returned. The subscription would live 600 s otherwise.
    assert wait_for(lambda: camera.subscription_count == 0, 5), "no Unsubscribe reached it"
    assert sources.subscriptions() == {}


# -- raising the simulated cameras' events by hand (utkik simulate's standard input) -----------


class _Site(Site):
    """The simulated site's control surface over one camera without video."""

    def __init__(self, device: OnvifDevice) -> None:
        self.configs = [device.config]
        self._device = device
        self.stalled: list[tuple[str, bool]] = []

    def device(self, name: str) -> OnvifDevice:
        if name != self._device.config.name:
            raise LookupError(name)
        return self._device

    def set_offline(self, name: str, offline: bool) -> None:
        self.device(name).offline = offline

    def stall(self, name: str, stalled: bool) -> None:
        self.stalled.append((name, stalled))


def test_the_simulators_commands_raise_what_they_say(
    running: tuple[PullPointSource, Collected], camera: OnvifDevice
) -> None:
    source, sink = running
    site = _Site(camera)
    control = SiteControl(site)
    out = io.StringIO()
    commands = io.StringIO(
        "motion stora-torget on\ninput 1 on\ntamper 'Stora Torget' on\nvendor 1 Lens/Fog\n"
        "stall 1 on\n\nhelp\n"
    )
    read_commands(control, commands, out).join(5)
    sink.wait(_topic(TOPIC_MOTION, State="true"))
    sink.wait(_topic(TOPIC_DIGITAL_INPUT, LogicalState="true"))
    sink.wait(_topic("tns1:VideoSource/GlobalSceneChange/ImagingService", State="true"))
    sink.wait(_topic(f"{{{VENDOR_TOPIC_NS}}}Lens/Fog", Reason="simulated"))
    assert site.stalled == [("Stora torget", True)]
    said = out.getvalue()
    assert "Stora torget: motion on." in said
    assert "forget CAMERA" in said  # the help
    assert control.handle("forget stora-torget") == "Stora torget: event subscriptions forgotten."
    assert wait_for(lambda: source.subscriptions == 2, 10)

    assert "There is no camera 'nowhere'" in control.handle("motion nowhere on")
    assert "stora-torget" in control.handle("motion nowhere on")
    assert control.handle("motion 1 maybe") == "motion: say on or off."
    assert control.handle("motion") == "motion: which camera? Type help for the commands."
    assert control.handle("jump 1").startswith("Unknown command 'jump'")
    assert control.handle("motion 'unclosed").startswith("Not understood")
    assert control.handle("   ") == ""
