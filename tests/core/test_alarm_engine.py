"""The alarm engine with fakes (the real broker and sensors: tests/test_alarms_mqtt.py): events
to stored alarms, a storm coalesced and none lost, cameras' sources, health, event recording."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from datetime import timedelta

import pytest

from console.alarms.engine import AlarmEngine
from console.alarms.health import HealthWatch, restart_event
from console.alarms.model import Alarm, AlarmState
from console.alarms.registry import default_registry
from console.alarms.signals import AlarmClass, DeviceEvent, EventSink, EventSource, SourceKind
from console.app import Core
from console.camera_facts import Health
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import N_, DatabaseLocked
from console.ports import AlarmBoard, EventSources
from console.recording.archive import Mode
from console.recording.engine import (
    DiskLevel,
    DiskStatus,
    EngineStatus,
    RecorderState,
    RecorderStatus,
)
from tests.conftest import FakeClock
from tests.core.test_cameras import user
from tests.core.test_recording_engine import (
    INFO,
    FakeHub,
    MemoryFormat,
    camera,
    make_engine,
    packet,
    wait_for,
)

CLI = Actor.os_account("root")
REGISTRY = default_registry()


class FakeSource(EventSource):
    def __init__(self) -> None:
        self.sink: EventSink | None = None
        self.stopped = False

    def start(self, sink: EventSink) -> None:
        self.sink = sink

    def stop(self) -> None:
        self.stopped = True

    def send(self, event: DeviceEvent) -> None:
        assert self.sink is not None
        self.sink(event)


class FakeBoard(AlarmBoard):
    def __init__(self) -> None:
        self.published: list[Alarm] = []
        self.synced: list[Alarm] | None = None
        self.closed = False
        self.lock = threading.Lock()

    def publish(self, alarms: Sequence[Alarm]) -> None:
        with self.lock:
            self.published.extend(alarms)

    def sync(self, open_alarms: Sequence[Alarm]) -> None:
        self.synced = list(open_alarms)

    def close(self) -> None:
        self.closed = True


class FakeEventSources(EventSources):
    """Events for the cameras named, none for the others."""

    def __init__(self, with_events: set[int]) -> None:
        self.with_events = with_events
        self.made: dict[int, FakeSource] = {}

    def for_camera(self, camera: Camera) -> EventSource | None:
        if camera.id not in self.with_events:
            return None
        source = self.made[camera.id] = FakeSource()
        return source


def mqtt_event(
    clock: FakeClock, place: str, sensor: str, leaf: str, payload: dict[str, object]
) -> DeviceEvent:
    return DeviceEvent(
        SourceKind.MQTT,
        sensor,
        None,
        f"utkik/site/{place}/sensor/{sensor}/{leaf}",
        None,
        clock.now(),
        data={k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()},
        raw=json.dumps(payload),
        place=place,
    )


def test_events_become_stored_and_published_alarms(core: Core, clock: FakeClock) -> None:
    source, board = FakeSource(), FakeBoard()
    engine = AlarmEngine(core.alarms, core.cameras, core.clock, sources=[source], board=board)
    engine.start()
    try:
        assert board.synced == []
        opened = {"kind": "tamper", "event": "opened"}
        source.send(mqtt_event(clock, "berga-centrum", "tamper-1", "event", opened))
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        (alarm,) = core.alarms.list(CLI)
        assert (alarm.alarm_class, alarm.site) == (AlarmClass.SABOTAGE, "Berga")
        assert wait_for(lambda: [a.id for a in board.published] == [alarm.id])
        # An operator's acknowledgement in this process is published by the board too.
        core.users.add(CLI, "olle", Role.OPERATOR, "correct horse battery")
        olle = Actor.of(core.users.authenticate("olle", "correct horse battery"))
        core.alarms.acknowledge(olle, alarm.id, "Patrol on its way")
        assert board.published[-1].state is AlarmState.ACKNOWLEDGED
    finally:
        engine.stop()
    assert source.stopped
    assert board.closed


def test_a_storm_is_coalesced_and_nothing_is_lost(core: Core, clock: FakeClock) -> None:
    source, board = FakeSource(), FakeBoard()
    engine = AlarmEngine(core.alarms, core.cameras, core.clock, sources=[source], board=board)
    engine.start()
    events = 5_000
    started = time.monotonic()
    try:
        for i in range(events):
            payload = {"kind": "sound", "event": "aggression", "level": i % 100}
            source.send(mqtt_event(clock, "resecentrum", f"sound-{i % 10}", "event", payload))
        assert wait_for(lambda: engine.stored == events, 60)
    finally:
        engine.stop()
    took = time.monotonic() - started
    alarms = core.alarms.list(CLI)
    assert len(alarms) == 10
    assert sum(a.count for a in alarms) == events
    # One transaction per batch, not per event: thousands per second even here.
    assert took < 30, took


def test_cameras_event_sources_are_followed(core: Core, clock: FakeClock) -> None:
    with_events = camera(core, "Torget norr", "10.1.2.3")
    without = camera(core, "Torget söder", "10.1.2.4")
    factory = FakeEventSources({with_events.id})
    engine = AlarmEngine(core.alarms, core.cameras, core.clock, camera_sources=factory, tick_s=0.05)
    engine.start()
    try:
        assert wait_for(lambda: with_events.id in factory.made)
        assert without.id not in factory.made
        motion = DeviceEvent(
            SourceKind.ONVIF,
            str(with_events.id),
            with_events.id,
            "tns1:Vendor/Thing",
            None,
            clock.now(),
            raw="<vendor/>",
        )
        factory.made[with_events.id].send(motion)
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        (alarm,) = core.alarms.list(CLI)
        assert (alarm.alarm_class, alarm.cameras, alarm.place) == (
            AlarmClass.OTHER,
            (with_events.id,),
            "Stora torget",
        )
        core.cameras.remove(CLI, with_events.id)
        assert wait_for(lambda: factory.made[with_events.id].stopped)
    finally:
        engine.stop()


def test_health_alarms_last_while_the_condition_lasts(core: Core, clock: FakeClock) -> None:
    cam = camera(core)
    engine = AlarmEngine(core.alarms, core.cameras, core.clock, tick_s=0.05)
    engine.start()
    try:
        core.cameras.record_health(cam.id, Health(False, False, None, "no answer", clock.now()))
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        (down,) = core.alarms.list(CLI)
        assert (down.alarm_class, down.active) == (AlarmClass.HEALTH, True)
        assert down.title == f"Camera unreachable: {cam.name}"
        # The camera answers again but its stream is gone: sabotage.
        core.cameras.record_health(cam.id, Health(True, False, 0.0, "no video", clock.now()))
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 2)
        assert wait_for(lambda: core.alarms.get(CLI, down.id).active is False)
        sabotage = next(a for a in core.alarms.list(CLI) if a.id != down.id)
        assert sabotage.alarm_class is AlarmClass.SABOTAGE
        assert sabotage.cameras == (cam.id,)
        core.cameras.record_health(cam.id, Health(True, True, 0.0, "", clock.now()))
        assert wait_for(lambda: core.alarms.get(CLI, sabotage.id).active is False)
    finally:
        engine.stop()


def test_an_alarm_starts_event_recording_from_the_pre_event_buffer(
    core: Core, clock: FakeClock
) -> None:
    cam = camera(core)
    core.register.set_recording(user(core, "tekla", Role.TECHNICIAN), cam.id, Mode.EVENT)
    hub, fmt = FakeHub(), MemoryFormat()
    recording = make_engine(core, hub, fmt, pre_event_s=2.0)
    source = FakeSource()
    engine = AlarmEngine(
        core.alarms,
        core.cameras,
        core.clock,
        sources=[source],
        trigger=recording.trigger,
        recording_status=recording.status,
    )
    recording.start()
    engine.start()
    try:
        assert wait_for(lambda: len(hub.consumers) == 1)
        consumer = hub.consumers[0]
        consumer.on_info(INFO)
        base = time.monotonic() - 20
        arrivals = iter(base + 0.04 * k for k in range(400))
        for i in range(250):  # 10 s of video before the alarm: only the buffer keeps some
            consumer.on_packet(packet(i, at=next(arrivals)))
        assert wait_for(lambda: recording.status().cameras[cam.id].state is RecorderState.STARTING)
        assert fmt.writers == []
        # The door at the camera's place opens; the door rule records 30 s.
        opened = {"kind": "door", "event": "opened"}
        source.send(mqtt_event(clock, "stora-torget", "door-1", "event", opened))
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        for i in range(250, 275):
            consumer.on_packet(packet(i, at=next(arrivals)))
        assert wait_for(lambda: recording.status().cameras[cam.id].state is RecorderState.RECORDING)
        assert wait_for(lambda: sum(len(w.packets) for w in fmt.writers) >= 75)
    finally:
        engine.stop()
        recording.stop()
    (alarm,) = core.alarms.list(CLI)
    assert alarm.cameras == (cam.id,)
    # Recorded from the keyframe kept before the alarm: at least the 2 s (50 frames) before
    # it, besides the 25 frames after.
    assert fmt.writers[0].packets[0][2] is True
    assert sum(len(w.packets) for w in fmt.writers) >= 75
    clock.advance(seconds=1)
    assert core.alarms.list(CLI, since=clock.now() - timedelta(minutes=1)) == [alarm]


def test_health_watch_names_stale_streams_lost_subscriptions_and_a_full_disk(
    core: Core, clock: FakeClock
) -> None:
    cam = camera(core)
    watch = HealthWatch()
    cameras = core.cameras.list(CLI)
    stale = EngineStatus(
        DiskStatus(DiskLevel.FULL, 0, 100),
        {cam.id: RecorderStatus(cam.id, RecorderState.INTERRUPTED, clock.now(), "no packets")},
    )
    began = watch.observe(clock.now(), cameras, stale, {cam.id: False})
    assert sorted((e.topic, e.data["active"]) for e in began) == [
        (f"health/camera/{cam.id}/stream_stale", "true"),
        (f"health/camera/{cam.id}/subscription", "true"),
        ("health/recording/disk", "true"),
    ]
    assert watch.observe(clock.now(), cameras, stale, {cam.id: False}) == []
    fine = EngineStatus(DiskStatus(DiskLevel.OK, 50, 100), {})
    ended = watch.observe(clock.now(), cameras, fine, {cam.id: True})
    assert sorted(e.data["active"] for e in ended) == ["false"] * 3
    signals = [REGISTRY.signal_for(e) for e in began]
    assert sorted(s.title for s in signals) == [
        f"Event subscription lost: {cam.name}",
        "Recording paused: the disk is full",
        f"Stream stale: {cam.name}",
    ]
    # Stalled while the camera's last check found it answering: sabotage.
    core.cameras.record_health(cam.id, Health(True, True, 0.0, "", clock.now()))
    again = watch.observe(clock.now(), core.cameras.list(CLI), stale, None)
    (stalled,) = [e for e in again if e.camera_id == cam.id]
    assert stalled.topic == f"health/camera/{cam.id}/stream_lost"
    assert REGISTRY.signal_for(stalled).alarm_class is AlarmClass.SABOTAGE


def test_a_drifting_camera_clock_and_a_restarted_recorder_are_health_alarms(
    core: Core, clock: FakeClock
) -> None:
    cam = camera(core)
    watch = HealthWatch()
    core.cameras.record_health(cam.id, Health(True, True, 4.0, "", clock.now()))
    assert watch.observe(clock.now(), core.cameras.list(CLI)) == []
    core.cameras.record_health(cam.id, Health(True, True, -12.5, "", clock.now()))
    (drift,) = watch.observe(clock.now(), core.cameras.list(CLI))
    assert (drift.topic, drift.data["active"]) == (f"health/camera/{cam.id}/clock_drift", "true")
    assert "-12.5 s" in drift.raw
    signal = REGISTRY.signal_for(drift)
    assert (signal.alarm_class, signal.active) == (AlarmClass.HEALTH, True)
    assert signal.title == f"Camera clock off: {cam.name}"
    core.cameras.record_health(cam.id, Health(True, True, 0.2, "", clock.now()))
    (ended,) = watch.observe(clock.now(), core.cameras.list(CLI))
    assert ended.data["active"] == "false"

    restarted = REGISTRY.signal_for(restart_event(clock.now(), 3, 1))
    assert (restarted.alarm_class, restarted.active) == (AlarmClass.HEALTH, None)
    assert restarted.title == "Recording restarted after an interruption"
    assert "3 open segments closed" in restarted.event.raw


def test_a_batch_the_database_refuses_is_stored_later(
    core: Core, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FakeSource()
    engine = AlarmEngine(core.alarms, core.cameras, core.clock, sources=[source], tick_s=0.05)
    real = core.alarms.ingest
    refusals = [DatabaseLocked(N_("The database is busy."))]

    def busy_once(signals: Sequence[object]) -> object:
        if refusals:
            raise refusals.pop()
        return real(signals)  # type: ignore[arg-type]

    monkeypatch.setattr(core.alarms, "ingest", busy_once)
    engine.start()
    try:
        opened = {"kind": "door", "event": "opened"}
        source.send(mqtt_event(clock, "ryds-centrum", "door-1", "event", opened))
        assert wait_for(lambda: len(core.alarms.list(CLI)) == 1)
        assert refusals == []
        assert engine.stored == 1
    finally:
        engine.stop()
