"""Health alarms from what the system already knows: the cameras' health checks
(console/health.py), the recording engine's state, the event subscriptions.

`HealthWatch.observe` compares what it is shown with what it saw before and gives a DeviceEvent
(kind HEALTH) for every condition that began or ended; the parsers below make them alarms. A
condition lasts as one alarm until it ends:

- a camera that does not answer (health check) → health;
- a camera's stream gone or stalled while the camera answers (its check found it reachable) →
  sabotage (someone cut or covered it);
- a recorder whose stream stalled or dropped, the camera not checked yet → health ("stream
  stale");
- recording paused because the disk is full → health;
- a camera's event subscription lost → health;
- a camera whose clock is more than `CLOCK_DRIFT_S` off ours → health (its events' and pictures'
  times would mislead);
- the recording engine restarted after an interruption (it found segments a crash left open)
  → a one-off health alarm (`restart_event`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from console.alarms.signals import (
    AlarmClass,
    AlarmSignal,
    DeviceEvent,
    SourceKind,
    TopicParser,
)
from console.cameras import Camera
from console.recording.engine import DiskLevel, EngineStatus, RecorderState

UNREACHABLE = "unreachable"
STREAM_LOST = "stream_lost"
STREAM_STALE = "stream_stale"
SUBSCRIPTION = "subscription"
DISK = "disk"
CLOCK_DRIFT = "clock_drift"
#: A camera clock further off than this makes its times in events and on pictures misleading.
CLOCK_DRIFT_S = 5.0


def camera_topic(camera_id: int, condition: str) -> str:
    return f"health/camera/{camera_id}/{condition}"


RECORDING_DISK_TOPIC = "health/recording/disk"

_CLASS_AND_TITLE: dict[str, tuple[AlarmClass, str]] = {
    UNREACHABLE: (AlarmClass.HEALTH, "Camera unreachable: {name}"),
    STREAM_LOST: (AlarmClass.SABOTAGE, "Stream lost while the camera answers: {name}"),
    STREAM_STALE: (AlarmClass.HEALTH, "Stream stale: {name}"),
    SUBSCRIPTION: (AlarmClass.HEALTH, "Event subscription lost: {name}"),
    CLOCK_DRIFT: (AlarmClass.HEALTH, "Camera clock off: {name}"),
}


@dataclass(frozen=True, slots=True)
class _Condition:
    topic: str
    source: str
    camera_id: int | None
    name: str
    reason: str


class HealthWatch:
    """Remembers which conditions hold; not thread-safe (the engine's thread calls it)."""

    def __init__(self) -> None:
        self._holding: dict[str, _Condition] = {}

    def observe(
        self,
        now: datetime,
        cameras: Iterable[Camera],
        status: EngineStatus | None = None,
        subscriptions: Mapping[int, bool] | None = None,
    ) -> list[DeviceEvent]:
        """The conditions that began or ended since the last call, as events. `subscriptions`:
        camera id → whether its event subscription holds (cameras with events only)."""
        found: dict[str, _Condition] = {}
        recorders = status.cameras if status is not None else {}
        for camera in cameras:
            health = camera.health
            reachable = health.reachable if health is not None else None

            def hold(condition: str, reason: str, camera: Camera = camera) -> None:
                topic = camera_topic(camera.id, condition)
                found[topic] = _Condition(topic, str(camera.id), camera.id, camera.name, reason)

            recorder = recorders.get(camera.id)
            interrupted = recorder is not None and recorder.state is RecorderState.INTERRUPTED
            if reachable is False:
                hold(UNREACHABLE, health.error if health is not None else "")
            elif health is not None and not health.stream_ok:
                hold(STREAM_LOST, health.error)
            elif interrupted and reachable:
                # Stalled or dropped while the camera's last check found it answering.
                hold(STREAM_LOST, recorder.reason if recorder is not None else "")
            elif interrupted:
                hold(STREAM_STALE, recorder.reason if recorder is not None else "")
            if subscriptions is not None and subscriptions.get(camera.id) is False:
                hold(SUBSCRIPTION, "")
            offset = health.clock_offset_s if health is not None else None
            if reachable and offset is not None and abs(offset) > CLOCK_DRIFT_S:
                hold(CLOCK_DRIFT, f"the camera's clock is {offset:+.1f} s from this computer's")
        if status is not None and (
            status.disk.level is DiskLevel.FULL
            or any(r.state is RecorderState.PAUSED for r in recorders.values())
        ):
            found[RECORDING_DISK_TOPIC] = _Condition(
                RECORDING_DISK_TOPIC, "recording", None, "recording", "the disk is full"
            )
        events = []
        for topic, condition in found.items():
            if topic not in self._holding:
                events.append(_event(now, condition, True))
        for topic, condition in self._holding.items():
            if topic not in found:
                events.append(_event(now, condition, False))
        self._holding = found
        return events


def _event(now: datetime, condition: _Condition, active: bool) -> DeviceEvent:
    return DeviceEvent(
        kind=SourceKind.HEALTH,
        source=condition.source,
        camera_id=condition.camera_id,
        topic=condition.topic,
        device_time=None,
        received_time=now,
        data={"active": "true" if active else "false", "name": condition.name},
        raw=condition.reason,
    )


def _camera_condition(event: DeviceEvent) -> AlarmSignal | None:
    condition = event.topic.rsplit("/", 1)[-1]
    known = _CLASS_AND_TITLE.get(condition)
    active = event.data.get("active")
    if known is None or active not in ("true", "false"):
        return None
    alarm_class, title = known
    name = event.data.get("name") or event.source
    return AlarmSignal(
        alarm_class, f"health:{event.topic}", active == "true", title.format(name=name), event
    )


def _disk(event: DeviceEvent) -> AlarmSignal | None:
    active = event.data.get("active")
    if active not in ("true", "false"):
        return None
    return AlarmSignal(
        AlarmClass.HEALTH,
        f"health:{event.topic}",
        active == "true",
        "Recording paused: the disk is full",
        event,
    )


RECORDING_RESTART_TOPIC = "health/recording/restarted"


def restart_event(now: datetime, repaired: int, dropped: int) -> DeviceEvent:
    """The recording engine started after an interruption: it found `repaired` segments a crash
    left open (and `dropped` that held nothing)."""
    return DeviceEvent(
        kind=SourceKind.HEALTH,
        source="recording",
        camera_id=None,
        topic=RECORDING_RESTART_TOPIC,
        device_time=None,
        received_time=now,
        data={"repaired": str(repaired), "dropped": str(dropped)},
        raw=f"{repaired} open segments closed, {dropped} empty ones removed",
    )


def _restart(event: DeviceEvent) -> AlarmSignal | None:
    return AlarmSignal(
        AlarmClass.HEALTH,
        f"health:{event.topic}",
        None,
        "Recording restarted after an interruption",
        event,
    )


PARSERS: dict[str, TopicParser] = {
    "health/camera/+/+": _camera_condition,
    RECORDING_DISK_TOPIC: _disk,
    RECORDING_RESTART_TOPIC: _restart,
}
