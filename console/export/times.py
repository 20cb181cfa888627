"""The times of an export request as a supervisor types them: one instant, or a clear refusal.

An export names evidence for the police, so a time that could mean two instants is never
guessed: ISO 8601 with an offset ("2026-10-25T02:30:00+02:00", "…Z") names the instant
exactly; a Stockholm wall-clock time without an offset is taken as local time, except in the
repeated October hour (refused, naming both offsets to choose from) and in the skipped March
hour (refused, it never happened).
"""

from __future__ import annotations

from datetime import datetime

from console.errors import N_
from console.localtime import TimeInputError, format_moment, parse_local_time


class AmbiguousTime(TimeInputError):
    """A Stockholm wall-clock time that happened twice (the hour the clocks are put back)."""


def parse_export_time(text: str, now: datetime) -> datetime:
    """`text` as one UTC instant. A time without a date is on Stockholm's date of `now`.

    Raises AmbiguousTime for the repeated autumn hour without an offset, NonexistentTime for
    the skipped spring hour and TimeInputError for anything that names no time."""
    instants = parse_local_time(text, now)
    if len(instants) == 1:
        return instants[0]
    first, second = instants[0], instants[-1]
    raise AmbiguousTime(
        N_(
            "“{text}” happens twice in Stockholm: that night the clocks were put back an hour. "
            "Write the time with its offset: {first} (summer time) or {second} (winter time)."
        ),
        text=text.strip(),
        first=format_moment(first),
        second=format_moment(second),
    )
