"""What a lighting zone is told to do, and for how long.

A zone's level comes from, in order of precedence: an operator's override (a level for a while),
an alarm boost (raises the level for a while; a repeated alarm extends it), the schedule. Every
command carries an expiration, after which the controller goes back to its own program by
itself: overrides and boosts their own end, scheduled levels a little past the next planned
change. So a console or engine that dies leaves nothing boosted or dark for longer than that.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from console.errors import N_, InvalidInput
from console.lighting.schedule import Schedule, check_level

#: How long past the next planned change a scheduled command holds: long enough that the
#: engine's renewal at the change always comes first, short enough that a dead engine's last
#: command does not outlast the night's next change by much.
SCHEDULE_MARGIN = timedelta(minutes=10)
#: A scheduled command is renewed at least this often, even when the level stays: a controller
#: that restarted or missed a command is corrected within this time.
RENEW_EVERY = timedelta(hours=1)
#: An override's default length and the longest an operator may ask for (a setting may lower it).
DEFAULT_OVERRIDE = timedelta(minutes=15)
MAX_OVERRIDE = timedelta(hours=12)


class Source(enum.StrEnum):
    """Why a zone has its level (TALQ's reasons)."""

    SCHEDULE = "schedule"
    BOOST = "boost"
    OVERRIDE = "override"


class Mode(enum.StrEnum):
    """The controller's modes in the MQTT contract (docs/sensors-and-lighting.md)."""

    AUTO = "auto"
    BOOST = "boost"
    MANUAL = "manual"


@dataclass(frozen=True)
class Override:
    level: int
    until: datetime
    user: str
    reason: str


@dataclass(frozen=True)
class Boost:
    level: int
    until: datetime
    #: the alarm that raised it (the latest, when repeated)
    alarm_id: int


@dataclass(frozen=True)
class Command:
    """A level to send to a zone's controllers, held until `until` (then they return to auto)."""

    level: int
    mode: Mode
    until: datetime
    source: Source
    #: the schedule's reason, the alarm's id or the operator's reason, for the log and the dock
    detail: str
    command_id: str

    def duration_s(self, now: datetime) -> int:
        return max(1, round((self.until - now).total_seconds()))

    def same_as(self, other: Command | None) -> bool:
        """The same level for the same reason (a renewal rather than a change). An override or
        a boost is the same only with the same end: one extended must be sent again."""
        if other is None:
            return False
        same = (self.level, self.mode, self.source, self.detail) == (
            other.level,
            other.mode,
            other.source,
            other.detail,
        )
        return same and (self.source is Source.SCHEDULE or self.until == other.until)


@dataclass(frozen=True)
class ZoneControl:
    """A zone's schedule and the overrides and boosts on it."""

    schedule: Schedule
    override: Override | None = None
    boost: Boost | None = None

    def with_override(
        self,
        now: datetime,
        level: int,
        duration: timedelta,
        user: str,
        reason: str,
        limit: timedelta = MAX_OVERRIDE,
    ) -> ZoneControl:
        check_level(level)
        if not timedelta(0) < duration <= limit:
            raise InvalidInput(
                N_("An override lasts from 1 minute up to {limit} minutes, not {minutes}."),
                limit=int(limit.total_seconds() // 60),
                minutes=int(duration.total_seconds() // 60),
            )
        return replace(self, override=Override(level, now + duration, user, reason))

    def back_to_schedule(self) -> ZoneControl:
        return replace(self, override=None)

    def with_boost(
        self, now: datetime, level: int, duration: timedelta, alarm_id: int
    ) -> ZoneControl:
        """An alarm raises the zone; a repeated alarm extends a running boost (and keeps the
        higher level of the two)."""
        check_level(level)
        until = now + duration
        running = self.boost if self.boost is not None and self.boost.until > now else None
        if running is not None:
            level = max(level, running.level)
            until = max(until, running.until)
        return replace(self, boost=Boost(level, until, alarm_id))

    def expired(self, now: datetime) -> ZoneControl:
        """Without the overrides and boosts that have run out."""
        override = self.override if self.override and self.override.until > now else None
        boost = self.boost if self.boost and self.boost.until > now else None
        return replace(self, override=override, boost=boost)

    def command(self, now: datetime) -> Command:
        """What the zone's controllers should be told now."""
        live = self.expired(now)
        scheduled = live.schedule.level_at(now)
        if live.override is not None:
            o = live.override
            return _command(o.level, Mode.MANUAL, o.until, Source.OVERRIDE, o.reason or o.user)
        if live.boost is not None and live.boost.level > scheduled.level:
            b = live.boost
            return _command(b.level, Mode.BOOST, b.until, Source.BOOST, f"alarm {b.alarm_id}")
        change = live.schedule.next_change(now)
        until = min(change + SCHEDULE_MARGIN, now + RENEW_EVERY + SCHEDULE_MARGIN)
        if live.boost is not None:
            # A boost below the schedule does nothing, but its end is still a moment to look again.
            until = min(until, live.boost.until + SCHEDULE_MARGIN)
        return _command(scheduled.level, Mode.MANUAL, until, Source.SCHEDULE, str(scheduled.reason))

    def due(
        self,
        now: datetime,
        sent: Command | None,
        sent_at: datetime | None,
        wanted: Command | None = None,
    ) -> bool:
        """Whether a command must go out now: the wanted one (worked out here unless given)
        differs from the last sent, or the last one is near its end (renewed before the
        controller would fall back)."""
        wanted = wanted or self.command(now)
        if sent is None or sent_at is None or not wanted.same_as(sent):
            return True
        if wanted.source is Source.SCHEDULE:
            return now >= sent.until - SCHEDULE_MARGIN
        return False


def _command(level: int, mode: Mode, until: datetime, source: Source, detail: str) -> Command:
    return Command(level, mode, until, source, detail, uuid.uuid4().hex[:12])
