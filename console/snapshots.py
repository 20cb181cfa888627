"""Snapshots: a camera's picture saved to a file the operator names.

The snapshot.saved entry (with the file's path) is durable before the picture is fetched: no
entry, no picture. The camera is reached through the Snapshotter port (devices/ implements it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.cameras import Camera, CameraService
from console.domain import Actor, Permission
from console.localtime import LOCAL_ZONE
from console.policy import can
from console.ports import Snapshotter
from console.storage import open_private

_FILE_NAME_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    """A snapshot taken: where it went, and why it could not be written there, if it could not
    (the entry stays: the picture was taken, and is what the entry is about)."""

    path: str
    write_error: str = ""


def snapshot_file_name(camera: Camera, moment: datetime) -> str:
    """The default file name: the camera's name and the local time, a .jpg."""
    local = moment.astimezone(LOCAL_ZONE)
    name = _FILE_NAME_UNSAFE.sub("_", camera.name).strip(" .") or str(camera.id)
    return f"{name} {local:%Y-%m-%d %H.%M.%S}.jpg"


class SnapshotService:
    def __init__(self, cameras: CameraService, snapshotter: Snapshotter) -> None:
        self._cameras = cameras
        self._snapshotter = snapshotter

    def may_take(self, actor: Actor, camera: Camera) -> bool:
        """Whether `actor` may take snapshots of `camera` (a convenience: take() checks too)."""
        return can(actor, Permission.SNAPSHOT, camera.area_id)

    def take(self, actor: Actor, camera: Camera, path: str) -> SnapshotResult:
        """Log, fetch and write a snapshot of `camera` to `path` (a .jpg added when it has no
        suffix). Blocks: call it on a worker. Raises PermissionDenied, or a KnownError when the
        entry cannot be written or the camera cannot be reached (then nothing is written)."""
        if not Path(path).suffix:
            path += ".jpg"
        self._cameras.record_snapshot(actor, camera, path)
        picture = self._snapshotter.snapshot(camera)
        try:
            # Private whatever the umask, as every picture or export written out of the data dir.
            with open_private(Path(path), replace=True) as out:
                out.write(picture)
        except OSError as err:
            return SnapshotResult(path, err.strerror or type(err).__name__)
        return SnapshotResult(path)
