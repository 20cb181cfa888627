"""A lighting zone's program: which level it should have at any moment, from the sun and the clock.

The model follows TALQ's control programs: a zone is dark by day and lit by night, night running
from an evening sun event (sunset, or civil dusk) to a morning one (sunrise, or civil dawn) at the
site; time-of-day levels dim (or raise) it within windows of the night (e.g. 50 % from 01:00 to
05:00 on weekdays); a calendar replaces the program for given dates (a festival night at full
level).

Everything is evaluated in Stockholm wall-clock time, so a window at 01:00 is at 01:00 on both
sides of a change of summer time, and the sun's times come from its position on that date.

A night belongs to the date of its evening: a moment before noon is governed by the previous
day's program. So a calendar entry for 31 December covers the night into the new year. The
weekdays of a time-of-day window are those of the wall clock where the window starts: "01:00-05:00
mon-fri" dims the small hours of Monday to Friday and leaves the weekend's nights lit.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from astral import Observer
from astral.sun import dawn, dusk, elevation, sunrise, sunset

from console.errors import N_, InvalidInput
from console.localtime import LOCAL_ZONE, require_aware

#: Linköping (the municipality's centre), where a site names no position of its own.
LINKOPING = (58.41, 15.62)

_NOON = time(12, 0)


class SunEvent(enum.StrEnum):
    SUNSET = "sunset"
    SUNRISE = "sunrise"
    #: civil dusk and dawn: the sun 6° below the horizon
    DUSK = "dusk"
    DAWN = "dawn"


class Reason(enum.StrEnum):
    """Why a zone has its scheduled level (TALQ's reasons, of those a schedule gives)."""

    DAY = "day"
    NIGHT = "night"
    #: a time-of-day window of the night
    WINDOW = "window"
    #: a date of the calendar replaced the program
    CALENDAR = "calendar"


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise InvalidInput(
                N_("{latitude}, {longitude} is not a position on Earth."),
                latitude=self.latitude,
                longitude=self.longitude,
            )


@dataclass(frozen=True)
class TimedLevel:
    """A level for a window of the night, on some weekdays (0 = Monday) of the window's start."""

    start: time
    end: time
    level: int
    weekdays: frozenset[int] = frozenset(range(7))

    def __post_init__(self) -> None:
        check_level(self.level)
        if self.start == self.end:
            raise InvalidInput(N_("A time-of-day window must end after it starts."))

    def text(self) -> str:
        days = (
            ""
            if len(self.weekdays) == 7
            else " " + ",".join(_DAY_NAMES[d] for d in sorted(self.weekdays))
        )
        return f"{self.start:%H:%M}-{self.end:%H:%M}{days} {self.level}%"

    def covers(self, local: datetime) -> bool:
        """Whether the window holds at `local` (a Stockholm wall-clock time)."""
        wall = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= wall < self.end and local.weekday() in self.weekdays
        # Across midnight: the evening part counts on its own day, the morning on the day before.
        if wall >= self.start:
            return local.weekday() in self.weekdays
        if wall < self.end:
            return (local.weekday() - 1) % 7 in self.weekdays
        return False


@dataclass(frozen=True)
class Program:
    """A zone's program for one night (and the day before it)."""

    night_level: int = 100
    day_level: int = 0
    on_at: SunEvent = SunEvent.SUNSET
    off_at: SunEvent = SunEvent.SUNRISE
    #: applied in order while it is night; a later window wins where two overlap
    windows: tuple[TimedLevel, ...] = ()

    def __post_init__(self) -> None:
        check_level(self.night_level)
        check_level(self.day_level)
        if self.on_at not in (SunEvent.SUNSET, SunEvent.DUSK):
            raise InvalidInput(N_("Lights go on at sunset or at dusk."))
        if self.off_at not in (SunEvent.SUNRISE, SunEvent.DAWN):
            raise InvalidInput(N_("Lights go off at sunrise or at dawn."))


@dataclass(frozen=True)
class Schedule:
    """A zone's program and its calendar of exceptions, at a place on Earth."""

    program: Program = field(default_factory=Program)
    #: the date of an evening → the program of that night
    calendar: Mapping[date, Program] = field(default_factory=dict)
    location: Location = field(default_factory=lambda: Location(*LINKOPING))

    def level_at(self, moment: datetime) -> Step:
        """The scheduled level at `moment` (any aware time) and why."""
        require_aware(moment)
        local = moment.astimezone(LOCAL_ZONE)
        evening = _evening_of(local)
        program = self.calendar.get(evening)
        from_calendar = program is not None
        program = program or self.program
        on = _sun_time(self.location, evening, program.on_at)
        off = _sun_time(self.location, evening + timedelta(days=1), program.off_at)
        if not on <= moment < off:
            level, reason = program.day_level, Reason.DAY
        else:
            level, reason = program.night_level, Reason.NIGHT
            for window in program.windows:
                if window.covers(local):
                    level, reason = window.level, Reason.WINDOW
        if from_calendar:
            reason = Reason.CALENDAR
        return Step(moment.astimezone(UTC), level, reason)

    def __hash__(self) -> int:
        # The calendar is a mapping; a schedule is a value all the same (plans are cached by it).
        return hash((self.program, tuple(sorted(self.calendar.items())), self.location))

    def plan(self, day: date) -> list[Step]:
        """The levels of a Stockholm calendar day, in time order, the first at 00:00: one step
        per change of level or reason."""
        return list(_plan(self, day))

    def _plan(self, day: date) -> tuple[Step, ...]:
        start = _local_midnight(day)
        end = _local_midnight(day + timedelta(days=1))
        steps: list[Step] = []
        for moment in self._breakpoints(day, start, end):
            step = self.level_at(moment)
            if steps and (steps[-1].level, steps[-1].reason) == (step.level, step.reason):
                continue
            steps.append(step)
        return tuple(steps)

    def steps_between(self, start: datetime, end: datetime) -> list[Step]:
        """The levels from `start` to `end` (aware times), in time order, the first at `start`:
        the plans of the Stockholm days they touch, cut to the span (the console's chart of the
        next 24 hours)."""
        require_aware(start)
        first = start.astimezone(LOCAL_ZONE).date()
        last = end.astimezone(LOCAL_ZONE).date()
        steps = [self.level_at(start)]
        day = first
        while day <= last:
            for step in self.plan(day):
                if start < step.start < end and (step.level, step.reason) != (
                    steps[-1].level,
                    steps[-1].reason,
                ):
                    steps.append(step)
            day += timedelta(days=1)
        return steps

    def sun_between(
        self,
        start: datetime,
        end: datetime,
        events: tuple[SunEvent, ...] = (
            SunEvent.SUNSET,
            SunEvent.SUNRISE,
        ),
    ) -> list[tuple[SunEvent, datetime]]:
        """The sun's `events` at the schedule's location from `start` to `end`, in time order
        (where the sun neither sets nor rises that day, the night's empty or whole stand-in)."""
        require_aware(start)
        found: list[tuple[SunEvent, datetime]] = []
        day = start.astimezone(LOCAL_ZONE).date() - timedelta(days=1)
        while day <= end.astimezone(LOCAL_ZONE).date():
            for event in events:
                moment = _sun_time(self.location, day, event)
                if start <= moment < end and (event, moment) not in found:
                    found.append((event, moment))
            day += timedelta(days=1)
        return sorted(found, key=lambda pair: pair[1])

    def next_change(self, moment: datetime, horizon: timedelta = timedelta(days=2)) -> datetime:
        """When the scheduled level next changes after `moment` (at most `horizon` ahead): how
        long a scheduled command should hold before the controller goes back to its own program."""
        now = self.level_at(moment)
        local = moment.astimezone(LOCAL_ZONE).date()
        day = local - timedelta(days=1)
        while _local_midnight(day) < moment + horizon:
            for step in self.plan(day):
                if step.start > moment and (step.level, step.reason) != (now.level, now.reason):
                    return step.start
            day += timedelta(days=1)
        return moment + horizon

    def _breakpoints(self, day: date, start: datetime, end: datetime) -> list[datetime]:
        """Every moment of [start, end) where the level could change."""
        found = {start}
        # The changes of summer time happen on a whole hour: a wall-clock window can begin again
        # when the clock is turned back.
        hour = start
        while hour < end:
            found.add(hour)
            hour += timedelta(hours=1)
        for evening in (day - timedelta(days=1), day):
            program = self.calendar.get(evening, self.program)
            found.add(_sun_time(self.location, evening, program.on_at))
            found.add(_sun_time(self.location, evening + timedelta(days=1), program.off_at))
            found.add(_wall(evening + timedelta(days=1), _NOON))
            for window in program.windows:
                for offset in (0, 1):
                    on_day = evening + timedelta(days=offset)
                    found.update(_walls(on_day, window.start))
                    found.update(_walls(on_day, window.end))
        return sorted(moment for moment in found if start <= moment < end)


@functools.lru_cache(maxsize=4096)
def _plan(schedule: Schedule, day: date) -> tuple[Step, ...]:
    """Plans are asked for every second by the engine (for the next change): each day's is
    worked out once per schedule."""
    return schedule._plan(day)


@dataclass(frozen=True)
class Step:
    """A scheduled level from `start` (UTC) on."""

    start: datetime
    level: int
    reason: Reason

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.start.astimezone(LOCAL_ZONE).isoformat(),
            "level": self.level,
            "reason": str(self.reason),
        }


# -- reading programs from text ------------------------------------------------------------------

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS = {
    **{name: i for i, name in enumerate(_DAY_NAMES)},
    **{name: i for i, name in enumerate(("mån", "tis", "ons", "tor", "fre", "lör", "sön"))},
}
_WINDOW = re.compile(
    r"^\s*(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})"
    r"(?:\s+(?P<days>[a-zåäö,\-]+))?\s+(?P<level>\d{1,3})\s*%?\s*$",
    re.IGNORECASE,
)


def parse_window(text: str) -> TimedLevel:
    """ "01:00-05:00 mon-fri 50" or "23:00-05:00 50%" (Swedish day names too)."""
    match = _WINDOW.match(text)
    if match is None:
        raise InvalidInput(
            N_("“{text}” is not a time-of-day level; write e.g. “01:00-05:00 mon-fri 50”."),
            text=text,
        )
    try:
        start = time.fromisoformat(f"{int(match['start'].split(':')[0]):02d}:{match['start'][-2:]}")
        end = time.fromisoformat(f"{int(match['end'].split(':')[0]):02d}:{match['end'][-2:]}")
    except ValueError:
        raise InvalidInput(N_("“{text}” names a time that does not exist."), text=text) from None
    days = frozenset(range(7)) if match["days"] is None else _parse_days(match["days"], text)
    return TimedLevel(start, end, int(match["level"]), days)


def _parse_days(spec: str, text: str) -> frozenset[int]:
    days: set[int] = set()
    try:
        for part in spec.lower().split(","):
            if "-" in part:
                first, last = (_DAYS[p[:3]] for p in part.split("-", 1))
                days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
            else:
                days.add(_DAYS[part[:3]])
    except KeyError:
        raise InvalidInput(
            N_("“{text}” names a day that is not one; write e.g. “mon-fri” or “sat,sun”."),
            text=text,
        ) from None
    return frozenset(days)


# -- the sun and the wall clock ------------------------------------------------------------------


def check_level(level: int) -> None:
    """Refuse a level that is not a percentage."""
    if not 0 <= level <= 100:
        raise InvalidInput(
            N_("A light level is a percentage from 0 to 100, not {level}."), level=level
        )


def _evening_of(local: datetime) -> date:
    """The date whose evening the night at `local` began on (noon to noon)."""
    return local.date() if local.time() >= _NOON else local.date() - timedelta(days=1)


def _local_midnight(day: date) -> datetime:
    return _wall(day, time(0, 0))


def _wall(day: date, at: time) -> datetime:
    """A Stockholm wall-clock time as UTC. A time the spring change skips is read as the same
    clock reading after the change (02:30 → 03:30); one the autumn change repeats as its first."""
    # fold=0 takes the offset before a change: the skipped 02:30 becomes 03:30 summer time, the
    # repeated 02:30 its summer-time (first) instance.
    return datetime.combine(day, at, tzinfo=LOCAL_ZONE).astimezone(UTC)


def _walls(day: date, at: time) -> set[datetime]:
    """Every instant a wall-clock time names: two in the hour the autumn change repeats."""
    return {
        datetime.combine(day, at, tzinfo=LOCAL_ZONE).replace(fold=fold).astimezone(UTC)
        for fold in (0, 1)
    }


def _sun_time(location: Location, day: date, event: SunEvent) -> datetime:
    """When `event` happens at `location` on the Stockholm date `day`, in UTC. Where the sun
    does not reach the depression that day (civil dusk in a northern midsummer), the event falls
    back to sunset or sunrise; where it does not set or rise at all, to noon or midnight so that
    the night is empty (midnight sun) or whole (polar night)."""
    observer = Observer(location.latitude, location.longitude)
    order = {
        SunEvent.SUNSET: (sunset,),
        SunEvent.DUSK: (dusk, sunset),
        SunEvent.SUNRISE: (sunrise,),
        SunEvent.DAWN: (dawn, sunrise),
    }[event]
    for compute in order:
        try:
            return compute(observer, day, tzinfo=LOCAL_ZONE).astimezone(UTC)
        except ValueError:
            continue
    evening = event in (SunEvent.SUNSET, SunEvent.DUSK)
    noon = _wall(day, _NOON)
    up = elevation(observer, noon) > 0
    if evening:
        # Midnight sun: "sunset" after the night's end, so no night. Polar night: at noon.
        return _wall(day + timedelta(days=1), _NOON) if up else noon
    # Morning: midnight sun → at once (before any evening); polar night → noon.
    return _wall(day, time(0, 0)) if up else noon
