"""Witnesses: every checkpoint is also written outside the database, so that truncating or
rolling back the database is detectable (`utkik audit verify DIR --witness FILE`)."""

from __future__ import annotations

import json
import os
from pathlib import Path


class FileWitness:
    """Appends each checkpoint as one JSON line {"note": ...}, the format of checkpoints.jsonl."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, note: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"note": note}, ensure_ascii=False, separators=(",", ":")) + "\n"
        # The account's own, whatever the umask: checkpoints say how far the log reached.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if os.name == "posix" and os.fstat(fd).st_size == 0:
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "ab") as out:
            out.write(line.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())

    def describe(self) -> str:
        return f"file:{self.path}"


class SyslogWitness:
    """Sends each checkpoint to syslog (in production, forwarded to another machine)."""

    def __init__(self) -> None:
        import syslog

        self._syslog = syslog
        syslog.openlog("utkik", syslog.LOG_PID, syslog.LOG_AUTHPRIV)

    @staticmethod
    def available() -> bool:
        return os.path.exists("/dev/log")

    def append(self, note: str) -> None:
        # One line per message: the note's newlines become " | ".
        self._syslog.syslog(self._syslog.LOG_INFO, "checkpoint " + note.replace("\n", " | "))

    def describe(self) -> str:
        return "syslog"
