"""Local time for people: the core keeps UTC; the control room reads Stockholm wall-clock time.

Twice a year the wall clock is not a clock: on the last Sunday of March 02:00–02:59 does not
exist, on the last Sunday of October it happens twice. An axis therefore steps through UTC
instants (the repeated hour gets its ticks twice, the skipped hour none) and names the offset
wherever a label could be read two ways; typed-in times that name the repeated hour give both
instants, and ones in the skipped hour an error that says why.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from console.errors import N_, InvalidInput

#: The control room's time zone: the core stores UTC, people read local time.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def local_time_text(moment: datetime) -> str:
    """A UTC time as Stockholm wall-clock time with its offset: 2026-11-24 07:20:12 +01:00."""
    local = moment.astimezone(LOCAL_ZONE)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{local:%Y-%m-%d %H:%M:%S} {sign}{hours:02d}:{rest:02d}"


#: The same zone under the name the timeline code uses.
STOCKHOLM = LOCAL_ZONE

HOUR = 3600
DAY = 24 * HOUR
#: Tick steps in seconds, finest first; the first that fits the width is used.
STEPS = (1, 5, 10, 30, 60, 5 * 60, 10 * 60, 30 * 60, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY)
#: The coarser boundary that makes a tick of each step major (drawn taller).
_MAJOR = {
    1: 10,
    5: 30,
    10: 60,
    30: 5 * 60,
    60: 10 * 60,
    5 * 60: 30 * 60,
    10 * 60: HOUR,
    30 * 60: 3 * HOUR,
    HOUR: 6 * HOUR,
    3 * HOUR: DAY,
    6 * HOUR: DAY,
    12 * HOUR: DAY,
}


# -- Stockholm time across the changes of summer time  ---------------------------------------------


def require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime; the timeline uses UTC-aware times only")


def offset_text(local: datetime, *, short: bool = False) -> str:
    """A local time's UTC offset: "+02:00", or with `short` "+02" (minutes only when not zero)."""
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    if short and rest == 0:
        return f"{sign}{hours:02d}"
    return f"{sign}{hours:02d}:{rest:02d}"


def format_moment(utc: datetime, *, seconds: bool = True) -> str:
    """A moment as Stockholm wall-clock time with its offset, "2026-10-25 02:30:00 +02:00":
    unambiguous in the repeated autumn hour."""
    require_aware(utc)
    local = utc.astimezone(STOCKHOLM)
    wall = f"{local:%Y-%m-%d %H:%M:%S}" if seconds else f"{local:%Y-%m-%d %H:%M}"
    return f"{wall} {offset_text(local)}"


def is_ambiguous(local: datetime) -> bool:
    """Whether a Stockholm wall-clock time happens twice (the hour the clocks are put back)."""
    wall = local.replace(tzinfo=None)
    first = wall.replace(tzinfo=STOCKHOLM, fold=0)
    second = wall.replace(tzinfo=STOCKHOLM, fold=1)
    return first.utcoffset() != second.utcoffset() and _exists(wall)


def _exists(wall: datetime) -> bool:
    """Whether a naive Stockholm wall-clock time happens at all (not in the spring gap)."""
    there = wall.replace(tzinfo=STOCKHOLM).astimezone(UTC).astimezone(STOCKHOLM)
    return there.replace(tzinfo=None) == wall


def _second_of_day(local: datetime) -> int:
    return local.hour * HOUR + local.minute * 60 + local.second


# -- a time axis  ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled instant on the axis."""

    utc: datetime
    #: short Stockholm time, "02:30", "02:30:15", a date at midnight; "+02"/"+01" appended where
    #: the wall time is ambiguous or the view holds a change of offset
    label: str
    #: on a coarser boundary (drawn taller); midnight always is
    major: bool


def ticks(start: datetime, end: datetime, max_ticks: int) -> list[Tick]:
    """The ticks of the finest step of STEPS (then whole days) of which at most `max_ticks` fall
    within [start, end].

    Steps under an hour are whole multiples in UTC, which are also local boundaries (Stockholm's
    offsets are whole hours). Steps of an hour and more are local boundaries (3 h: 00, 03, 06 …;
    a day: local midnight) found among the whole UTC hours, so a repeated local hour is ticked
    twice and a skipped one not at all. Within one local day no two labels are the same.
    """
    require_aware(start)
    require_aware(end)
    if max_ticks < 1 or end < start:
        return []
    span = (end - start).total_seconds()
    for step in STEPS:
        # Local steps are not all equally long (a 25-hour day): only rule out what cannot fit.
        if span / step > 2 * max_ticks + 2:
            continue
        instants = _instants(start, end, step)
        if len(instants) <= max_ticks:
            return _labelled(instants, step, start, end)
    days = max(2, math.ceil(span / DAY / max_ticks))
    while True:
        instants = _instants(start, end, days * DAY)
        if len(instants) <= max_ticks:
            return _labelled(instants, days * DAY, start, end)
        days += 1


def _instants(start: datetime, end: datetime, step: int) -> list[datetime]:
    first, last = start.timestamp(), end.timestamp()
    if step < HOUR:
        moment = math.ceil(first / step) * step
        out = []
        while moment <= last:
            out.append(datetime.fromtimestamp(moment, UTC))
            moment += step
        return out
    out = []
    moment = math.ceil(first / HOUR) * HOUR
    while moment <= last:
        utc = datetime.fromtimestamp(moment, UTC)
        local = utc.astimezone(STOCKHOLM)
        second = _second_of_day(local)
        if step >= DAY:
            if second == 0 and local.toordinal() % (step // DAY) == 0:
                out.append(utc)
        elif second % step == 0:
            out.append(utc)
        moment += HOUR
    return out


def _labelled(instants: list[datetime], step: int, start: datetime, end: datetime) -> list[Tick]:
    locals_ = [moment.astimezone(STOCKHOLM) for moment in instants]
    offsets = {local.utcoffset() for local in locals_}
    offsets |= {start.astimezone(STOCKHOLM).utcoffset(), end.astimezone(STOCKHOLM).utcoffset()}
    changes = len(offsets) > 1
    major_step = _MAJOR.get(step, DAY)
    out = []
    for moment, local in zip(instants, locals_, strict=True):
        second = _second_of_day(local)
        if second == 0:
            label = f"{local:%Y-%m-%d}"
        else:
            label = f"{local:%H:%M:%S}" if step < 60 else f"{local:%H:%M}"
            if changes or is_ambiguous(local):
                label += " " + offset_text(local, short=True)
        major = second == 0 or (major_step < DAY and second % major_step == 0)
        out.append(Tick(moment, label, major))
    return out


# -- times typed in  -------------------------------------------------------------------------------


class TimeInputError(InvalidInput, ValueError):
    """Input that names no time (e.g. a "go to" field)."""


class NonexistentTime(TimeInputError):
    """A Stockholm wall-clock time in the hour skipped when the clocks are put forward."""


def _not_understood(text: str) -> TimeInputError:
    return TimeInputError(
        N_(
            "“{text}” is not a time. Write for example 2026-10-25 14:30, 14:30 or 14:30:15, "
            "optionally followed by an offset such as +01:00."
        ),
        text=text.strip(),
    )


_INPUT = re.compile(
    r"(?:(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2}))?"
    r"(?:(?:^|[ T]+)(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
    r"(?:[:.](?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r"\s*(?P<offset>Z|UTC|[+\-−]\d{1,2}(?::?\d{2})?)?",
    re.IGNORECASE,
)


def parse_local_time(text: str, around: datetime) -> list[datetime]:
    """An operator's "go to" input as UTC instants, earliest first.

    Accepts "2026-10-25 02:30", "2026-10-25" (midnight), "02:30", "02:30:15" or "02:30:15.250"
    (on the Stockholm date of `around`), "." for ":" as Swedes write it, and an optional offset
    ("+01:00", "+01", "Z"), which names the instant exactly. Without an offset a time in the
    repeated autumn hour gives two instants an hour apart; one in the skipped spring hour raises
    NonexistentTime, and anything else that names no time TimeInputError.
    """
    require_aware(around)
    match = _INPUT.fullmatch(text.strip())
    if match is None or not (match["year"] or match["hour"]):
        raise _not_understood(text)
    if match["year"]:
        day = (int(match["year"]), int(match["month"]), int(match["day"]))
    else:
        local_day = around.astimezone(STOCKHOLM)
        day = (local_day.year, local_day.month, local_day.day)
    clock = (
        (
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            # Fractions of a second, as ISO 8601 allows (to the microsecond).
            int((match["fraction"] or "0")[:6].ljust(6, "0")),
        )
        if match["hour"]
        else (0, 0, 0, 0)
    )
    try:
        wall = datetime(*day, *clock)
        zone = _explicit_zone(match["offset"])
    except ValueError as err:
        raise _not_understood(text) from err
    if zone is not None:
        return [wall.replace(tzinfo=zone).astimezone(UTC)]
    first = wall.replace(tzinfo=STOCKHOLM, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=STOCKHOLM, fold=1).astimezone(UTC)
    if not _exists(wall):
        raise _nonexistent(wall, min(first, second), max(first, second))
    return sorted({first, second})


def _explicit_zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text.upper() in ("Z", "UTC"):
        return UTC
    sign = -1 if text[0] in "-−" else 1
    digits = text[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    else:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    if hours > 14 or minutes >= 60:
        raise ValueError(f"no such offset: {text}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _nonexistent(wall: datetime, earlier: datetime, later: datetime) -> NonexistentTime:
    # The jump lies between the two readings of the wall time; find it to the second.
    low, high = int(earlier.timestamp()), math.ceil(later.timestamp())
    before = datetime.fromtimestamp(low, UTC).astimezone(STOCKHOLM).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(STOCKHOLM).utcoffset() == before:
            low = middle
        else:
            high = middle
    jump = datetime.fromtimestamp(high, UTC)
    after = jump.astimezone(STOCKHOLM)
    from_wall = (jump + (before or timedelta(0))).replace(tzinfo=None)
    return NonexistentTime(
        N_(
            "{wall} does not exist in Stockholm: that night the clocks were put forward from "
            "{before} to {after}."
        ),
        wall=f"{wall:%Y-%m-%d %H:%M}" + (f":{wall:%S}" if wall.second else ""),
        before=f"{from_wall:%H:%M}",
        after=f"{after:%H:%M}",
    )
