"""Local time for people: the core keeps UTC; the control room reads Stockholm wall-clock time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

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
