"""What a lighting zone has now and why, as the console shows it: the level its overrides,
boosts and schedule give (console/lighting/control.py), the reason, and until when."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from console.lighting.control import Source
from console.lighting.service import Zone


class Why(enum.StrEnum):
    """The reason shown for a zone's level (the CLI's `reason`: offline wins over the rest)."""

    SCHEDULE = "schedule"
    BOOST = "boost"
    OVERRIDE = "override"
    #: a luminaire of the zone is offline: what it shows cannot be trusted
    OFFLINE = "offline"


@dataclass(frozen=True)
class ZoneState:
    level: int
    why: Why
    #: the source of the level when `why` is OFFLINE
    source: Source
    #: the end of the override or boost; for the schedule its next planned change
    until: datetime
    #: the schedule's reason (night, day, window, calendar) or the operator's reason
    detail: str
    #: the alarm behind a boost
    alarm_id: int | None = None
    #: who overrode
    user: str = ""


def zone_state(zone: Zone, now: datetime) -> ZoneState:
    """The level `zone` should have at `now` (override > boost > schedule) and why."""
    control = zone.control.expired(now)
    command = control.command(now)
    offline = any(luminaire.available is False for luminaire in zone.luminaires)
    why = Why.OFFLINE if offline else Why(str(command.source))
    match command.source:
        case Source.OVERRIDE:
            override = control.override
            assert override is not None
            return ZoneState(
                command.level,
                why,
                command.source,
                override.until,
                override.reason,
                user=override.user,
            )
        case Source.BOOST:
            boost = control.boost
            assert boost is not None
            return ZoneState(
                command.level, why, command.source, boost.until, "", alarm_id=boost.alarm_id
            )
        case _:
            return ZoneState(
                command.level,
                why,
                command.source,
                zone.schedule.next_change(now),
                zone.schedule.level_at(now).reason,
            )
