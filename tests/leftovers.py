"""Processes a test run started, found by a marker in their environment or as descendants.

Every process the tests start inherits `MARK` (a value of this run alone) unless a test gives it
an environment without it; those are still found while they are descendants of pytest. A process
whose parent was killed leaves the tree (it is taken over by init), so the marker is what finds
the leftovers that matter most: a broker whose `utkik simulate` was killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

VARIABLE = "UTKIK_TEST_RUN"
#: This run's marker; set in os.environ by tests/conftest.py before any test starts a process.
MARK = f"{VARIABLE}={uuid.uuid4().hex}".encode()
#: How long a process a test stopped may take to be gone.
GRACE_S = 5.0

_PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class Found:
    pid: int
    #: the process's start time in clock ticks: with the pid, it names one process
    started: int
    command: str


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when it is gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def _command(pid: int) -> str:
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip() or "?"


def _marked(pid: int) -> bool:
    try:
        return MARK in (_PROC / str(pid) / "environ").read_bytes().split(b"\0")
    except OSError:
        return False


def ours() -> set[Found]:
    """The live processes of this run (not zombies, not pytest itself)."""
    if not _PROC.is_dir():
        return set()
    me = os.getpid()
    parents: dict[int, int] = {}
    states: dict[int, tuple[str, int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat is not None:
            parents[int(entry.name)] = stat[0]
            states[int(entry.name)] = stat[1], stat[2]

    def descends(pid: int) -> bool:
        seen = 0
        while pid > 1 and seen < 64:
            pid = parents.get(pid, 0)
            if pid == me:
                return True
            seen += 1
        return False

    found = set()
    for pid, (state, started) in states.items():
        if pid == me or state in ("Z", "X"):
            continue
        if descends(pid) or _marked(pid):
            found.add(Found(pid, started, _command(pid)))
    return found


def survivors(before: set[Found], grace_s: float = GRACE_S) -> set[Found]:
    """The processes of this run that were not there `before` and are still there after a
    grace period (a process being stopped may take a moment)."""
    deadline = time.monotonic() + grace_s
    while True:
        left = ours() - before
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def stop(found: set[Found]) -> None:
    """Kill leftovers of this run, so that one test's leftover does not fail the next one; only
    the very processes found (same pid and start time)."""
    for process in found:
        stat = _stat(process.pid)
        if stat is None or stat[2] != process.started:
            continue
        try:
            os.kill(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue
