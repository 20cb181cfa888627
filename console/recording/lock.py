"""One recording engine per data dir: a lock file naming the process that records.

The lock is an OS file lock (flock on POSIX, msvcrt on Windows) on `recording.lock` in the data
dir: it ends with its process, also after kill -9, so a crash never leaves a stale lock. The
file's text names the holder (program, process id, host, since when), so a second `utkik serve`
or a console on the same data dir can say who records instead of recording twice.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from console.clock import Clock, from_iso, to_iso
from console.errors import N_, KnownError

LOCK_FILENAME = "recording.lock"


class EngineBusy(KnownError):
    """Another process records this data dir already."""


@dataclass(frozen=True, slots=True)
class Holder:
    program: str
    pid: int
    host: str
    since: datetime | None


class EngineLock:
    """Held while this process records the data dir at `directory`."""

    def __init__(self, directory: Path, clock: Clock) -> None:
        self.path = directory / LOCK_FILENAME
        self._clock = clock
        self._file: IO[str] | None = None

    def acquire(self, program: str) -> None:
        """Take the lock, or raise EngineBusy naming the process that holds it."""
        if self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held while recording
        if not _try_lock(handle):
            handle.close()
            holder = self.holder()
            if holder is None:
                raise EngineBusy(N_("Another process records this data folder already."))
            raise EngineBusy(
                N_(
                    "Recording already runs in {program} (process {pid} on {host}, since "
                    "{since}); this one does not record the same cameras twice."
                ),
                program=holder.program,
                pid=holder.pid,
                host=holder.host,
                since=to_iso(holder.since) if holder.since else "?",
            )
        handle.seek(0)
        handle.truncate()
        record = {
            "program": program,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": to_iso(self._clock.now()),
        }
        handle.write(json.dumps(record))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        handle, self._file = self._file, None
        try:
            handle.seek(0)
            handle.truncate()
        finally:
            handle.close()  # closing drops the OS lock

    @property
    def held(self) -> bool:
        return self._file is not None

    def holder(self) -> Holder | None:
        """Who holds the lock, as its file says (None when nobody has written it)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "null")
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        try:
            since = from_iso(data["since"]) if data.get("since") else None
            return Holder(str(data["program"]), int(data["pid"]), str(data["host"]), since)
        except (KeyError, TypeError, ValueError):
            return None


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
