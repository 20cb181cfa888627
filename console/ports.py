"""The ports the core declares and the adapters in devices/ implement."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from console.media.packets import StreamInfo


class KeyStore(Protocol):
    """Custody of the access log's private epoch keys (raw 32-byte Ed25519 seeds)."""

    def load(self, name: str) -> bytes | None:
        """The key stored under `name`, or None if there is none (or it cannot be reached)."""
        ...

    def store(self, name: str, secret: bytes) -> None:
        """Keep `secret` under `name`; raise KnownError if it cannot be kept."""
        ...

    def delete(self, name: str) -> None:
        """Forget the key under `name`; nothing happens if there is none."""
        ...

    def describe(self) -> str:
        """Where keys are kept, for the log's metadata and the UI (e.g. "file:/var/lib/...")."""
        ...


class Witness(Protocol):
    """A sink outside the database that receives every checkpoint."""

    def append(self, note: str) -> None:
        """Append a signed checkpoint note; raise OSError if it cannot be written."""
        ...

    def describe(self) -> str: ...


class SecretStore(Protocol):
    """Custody of camera logins: the OS keyring, never the database or a file.

    A login is kept under a reference (e.g. "camera:4f…"); the database holds only the reference.
    """

    def store(self, ref: str, user: str, password: str) -> None:
        """Keep the login under `ref`; raise KnownError if it cannot be kept (no keyring)."""
        ...

    def load(self, ref: str) -> tuple[str, str] | None:
        """The (user, password) under `ref`, or None if there is none."""
        ...

    def delete(self, ref: str) -> None:
        """Forget the login under `ref`; nothing happens if there is none."""
        ...

    def describe(self) -> str:
        """Where logins are kept, in words for a technician (e.g. "the Secret Service keyring")."""
        ...


class SegmentWriter(Protocol):
    """One recording segment being written (a fragmented MP4 file)."""

    def write(self, data: bytes, dts: int, pts: int, keyframe: bool) -> None:
        """Append one packet; `dts`/`pts` count the 90 kHz clock from the segment's start.
        Raises DiskFull when the disk is full (what was written before stays readable)."""
        ...

    def close(self) -> int:
        """Finish the file; returns its size in bytes. Raises DiskFull or KnownError when the
        end could not be written (the file is closed, its last fragment may be cut short)."""
        ...


class SegmentScan(Protocol):
    """What a scan found valid in a segment file (one left open by a process that died)."""

    #: bytes from the file's start that hold whole fragments (the rest is cut off)
    valid_bytes: int
    #: 90 kHz ticks from the first packet to the end of the last whole one
    duration_ticks: int
    packets: int


class SegmentFormat(Protocol):
    """Writes and checks recording segments. Implemented in devices/ (PyAV)."""

    suffix: str

    def create(self, path: Path, info: StreamInfo) -> SegmentWriter:
        """Start a segment file for a stream described by `info` (raises DiskFull, KnownError)."""
        ...

    def scan(self, path: Path) -> SegmentScan:
        """How much of the file is whole (a file with nothing whole scans as 0 bytes)."""
        ...

    def truncate(self, path: Path, valid_bytes: int) -> None:
        """Cut a damaged file after its last whole fragment."""
        ...
