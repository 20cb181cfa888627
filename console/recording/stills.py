"""A still from a camera's recording: the picture an alarm's camera recorded at the alarm's time,
shown in the alarm's details.

Seeing it is seeing recorded video: the person needs VIEW_RECORDED for the camera's area, within
their limit (operators: the last hours, as for playback), and the access log has the entry
(`playback.still`, naming the alarm as the reason) before the file is read; no entry, no still.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from console.alarms.model import Alarm
from console.audit.log import AuditLog
from console.camera_facts import Still
from console.cameras import CameraService
from console.clock import to_iso
from console.domain import Actor
from console.errors import N_, InvalidInput
from console.media.packets import Profile
from console.ports import StillReader
from console.recording.archive import RecordingService, Segment
from console.recording.playback import PlaybackService

#: A picture this close after the moment still shows it (a segment starts at a keyframe, and a
#: moment can fall in the gap between two segments).
NEAR = timedelta(seconds=2)


class RecordedStills:
    def __init__(
        self,
        recordings: RecordingService,
        playback: PlaybackService,
        cameras: CameraService,
        audit: AuditLog,
        reader: StillReader,
    ) -> None:
        self._recordings = recordings
        self._playback = playback
        self._cameras = cameras
        self._audit = audit
        self._read = reader

    def for_alarm(self, actor: Actor, alarm: Alarm) -> Still | None:
        """The alarm's camera at the alarm's time (the device's, else when it was received);
        None when nothing was recorded then. Raises PermissionDenied as playback would."""
        camera_id = alarm.camera
        if camera_id is None:
            raise InvalidInput(N_("No camera is linked to alarm {id}."), id=alarm.id)
        moment = alarm.device_time or alarm.received_time
        camera = self._cameras.get_recorded(actor, camera_id)
        self._playback.check(actor, camera, moment)
        segment = self._segment(camera.id, moment)
        if segment is None:
            return None
        self._audit.record(
            actor,
            "playback.still",
            f"camera:{camera.id}",
            {"name": camera.name, "reason": f"alarm {alarm.id}", "at": to_iso(moment)},
        ).result()
        offset = max(0.0, (moment - segment.start).total_seconds())
        return self._read(self._recordings.root / segment.path, offset)

    def _segment(self, camera_id: int, moment: datetime) -> Segment | None:
        for profile in (Profile.MAIN, Profile.SUB):
            found = self._recordings.segments(camera_id, moment, moment + NEAR, profile)
            if found:
                return found[0]
        return None
