"""Witnesses: every checkpoint is also written outside the database, so that truncating or
rolling back the database is detectable (`utkik audit verify DIR --witness FILE`).

A witness only helps against someone who cannot rewrite it as well: the local file is owned by
the same account as the database, so the system journal (or syslog) and a remote witness on
another machine's share are added where they exist."""

from __future__ import annotations

import json
import os
import socket
import struct
from pathlib import Path

#: systemd-journald's native socket (see systemd.journal-fields(7) and the native protocol).
JOURNAL_SOCKET = Path("/run/systemd/journal/socket")


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


class RemoteFileWitness(FileWitness):
    """A witness file on another machine's share (NFS, SMB) that this account may only append
    to: the folder must already exist (a share that is not mounted must not be replaced by a
    local folder of the same name, which the same account could rewrite)."""

    def append(self, note: str) -> None:
        if not self.path.parent.is_dir():
            raise FileNotFoundError(2, "the remote witness folder is not there", str(self.path))
        super().append(note)

    def describe(self) -> str:
        return f"remote-file:{self.path}"


class JournaldWitness:
    """Sends each checkpoint to the system journal, whole, in the field UTKIK_CHECKPOINT (read it
    back with `journalctl -t utkik -o json`); journald's own sealing (Forward Secure Sealing)
    protects it where enabled, and journal forwarding copies it to another machine."""

    def __init__(self, path: Path = JOURNAL_SOCKET) -> None:
        self.path = path

    @staticmethod
    def available(path: Path = JOURNAL_SOCKET) -> bool:
        return path.exists()

    def append(self, note: str) -> None:
        origin, _, rest = note.partition("\n")
        size = rest.split("\n", 1)[0]
        message = f"access log checkpoint {origin} {size}"
        datagram = (
            _journal_field("MESSAGE", message)
            + _journal_field("PRIORITY", "6")
            + _journal_field("SYSLOG_IDENTIFIER", "utkik")
            + _journal_field("UTKIK_CHECKPOINT", note)
        )
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(datagram, str(self.path))

    def describe(self) -> str:
        return "journald"


def _journal_field(name: str, value: str) -> bytes:
    """One field of the journal's native protocol: NAME=value, or for a value with newlines
    NAME, a newline, its length as 64-bit little endian, the value and a newline."""
    data = value.encode("utf-8")
    if b"\n" not in data:
        return name.encode("ascii") + b"=" + data + b"\n"
    return name.encode("ascii") + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"


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
