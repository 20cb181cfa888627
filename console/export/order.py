"""What an approved export request asks the package producer for, and what comes back.

These values are the seam between the request workflow (who asked, who approved, which state
a request is in) and the package producer (remuxing, the manifest, its signature and the log
proof); see docs/export.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from console.domain import Actor
from console.errors import KnownError


@dataclass(frozen=True)
class ExportOrder:
    """An approved request, as the producer needs it. Times are UTC."""

    request_id: int
    #: The package's stable name, used for its folder and in its manifest.
    package_id: str
    camera_ids: tuple[int, ...]
    start: datetime
    end: datetime
    requester: str
    #: None only when an administrator turned four-eyes approval off (a logged setting).
    approver: str | None
    reason: str
    case_number: str
    recipient: str
    note: str
    requested_at: datetime
    approved_at: datetime | None


@dataclass(frozen=True)
class ExportProgress:
    """How far production has come, reported per camera."""

    camera_id: int
    camera_name: str
    cameras_done: int
    cameras_total: int
    bytes_written: int
    media_seconds: float
    media_total_seconds: float


@dataclass(frozen=True)
class PackageReceipt:
    """A finished package: what the export receipt shows the supervisor."""

    folder: Path
    zip_path: Path | None
    manifest_sha256: str
    #: The fingerprint of the installation's first access-log key (compared by the police with
    #: the one the municipality published).
    anchor_fingerprint: str
    #: The access log entry `export.produced` that carries the manifest's hash.
    log_seq: int
    files: int
    size_bytes: int


class ExportCancelled(KnownError):
    """Production was cancelled; nothing that could pass for a package was left behind."""


class PackageProducer(Protocol):
    """Writes the package of an approved order into `destination` (a new folder named after the
    package is made there), logging `export.produced` before the package becomes visible."""

    def produce(
        self,
        actor: Actor,
        order: ExportOrder,
        destination: Path,
        *,
        make_zip: bool,
        progress: Callable[[ExportProgress], None],
        cancelled: Callable[[], bool],
    ) -> PackageReceipt: ...
