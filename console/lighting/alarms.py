"""Where lighting meets alarms: luminaires' problems become health alarms (sabotage for a
controller that goes offline while its zone should be lit), and an alarm whose rule asks for a
lighting boost raises its place's zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from console.alarms.service import Outcome
from console.alarms.signals import AlarmClass, AlarmSignal, DeviceEvent, SourceKind, TopicParser
from console.lighting.engine import LightingProblem
from console.lighting.service import LightingService

#: How long an alarm's boost holds (a repeated alarm extends it by as much again).
BOOST_DURATION = timedelta(minutes=10)

_TITLES = {
    "offline": "Luminaire controller offline: {light} at {place}",
    "unconfirmed": "Luminaire does not confirm its commands: {light} at {place}",
    "error": "Luminaire reports an error: {light} at {place}",
    "mismatch": "Luminaire shows another level than commanded: {light} at {place}",
}


def problem_topic(place: str, light: str, kind: str) -> str:
    return f"health/light/{place}/{light}/{kind}"


def problem_event(problem: LightingProblem, now: datetime) -> DeviceEvent:
    """A luminaire's problem as the alarm engine's event (kind HEALTH)."""
    return DeviceEvent(
        kind=SourceKind.HEALTH,
        source=f"{problem.place}/{problem.light}",
        camera_id=None,
        topic=problem_topic(problem.place, problem.light, problem.kind),
        device_time=None,
        received_time=now,
        data={
            "active": "true" if problem.active else "false",
            "night": "true" if problem.night else "false",
            "light": problem.light,
        },
        raw=problem.detail,
        place=problem.place,
    )


def _light_condition(event: DeviceEvent) -> AlarmSignal | None:
    if event.kind is not SourceKind.HEALTH:
        return None
    parts = event.topic.split("/")
    title = _TITLES.get(parts[-1]) if len(parts) == 5 else None
    active = event.data.get("active")
    if title is None or active not in ("true", "false"):
        return None
    # A controller that goes dark at night is what sabotage of the lighting looks like.
    sabotage = parts[-1] == "offline" and event.data.get("night") == "true"
    stateful = parts[-1] != "error"
    return AlarmSignal(
        AlarmClass.SABOTAGE if sabotage else AlarmClass.HEALTH,
        f"health:{event.topic}",
        (active == "true") if stateful else None,
        title.format(light=parts[3], place=parts[2]),
        event,
    )


PARSERS: dict[str, TopicParser] = {"health/light/+/+/+": _light_condition}


def boost_for(
    outcomes: Sequence[Outcome], lighting: LightingService, duration: timedelta = BOOST_DURATION
) -> None:
    """Raise the zone of each alarm whose rule asks for a boost; a repeat of an alarm that is
    still on extends it. An alarm's end (a state that ended) boosts nothing."""
    for outcome in outcomes:
        alarm, rule = outcome.alarm, outcome.rule
        if alarm is None or rule is None or rule.lighting_boost is None:
            continue
        if alarm.active is False or not alarm.open:
            continue
        lighting.boost(alarm.place, rule.lighting_boost, duration, alarm.id)
