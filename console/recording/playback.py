"""Playback of recorded video: who may, why (in the access log), and one clock for a layout.

Opening recorded video needs VIEW_RECORDED in the camera's area and a reason (from a list the
administrators keep, plus free text). The access log gets the camera and the reason when
playback starts, before a picture is read, and the media range actually shown when it ends.
Operators may go back at most `playback.operator_hours` (default 24 h); supervisors have no
limit. A `PlaybackClock` is shared by every tile of a layout, so they play in sync: each tile's
feeder hands over the packets whose recorded time the clock has reached.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from console.audit.log import AuditLog, Session
from console.cameras import Camera
from console.clock import Clock, to_iso
from console.domain import Actor, Permission, Role
from console.errors import N_, InvalidInput, PermissionDenied
from console.policy import require
from console.settings import OPERATOR_PLAYBACK_HOURS, Settings
from console.storage import Database

#: Speeds a layout plays at (negative: backwards).
SPEEDS = (-16.0, -8.0, -4.0, -2.0, -1.0, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
#: Above this speed (and backwards) a feeder hands over keyframes only.
KEYFRAMES_ONLY_ABOVE = 4.0
REASONS_KEY = "playback.reasons"
#: Offered until the administrators set their own (shown in the operator's language).
DEFAULT_REASONS = (
    N_("Incident under way"),
    N_("Follow-up of an alarm"),
    N_("Request from the police"),
    N_("Complaint or request for one's own footage"),
    N_("Checking the camera"),
)
MAX_REASON = 500


class PlaybackClock:
    """A layout's media time: where playback is (UTC), at a speed, paused or playing.

    Thread-safe: the GUI sets it, every tile's feeder reads `position()`. `generation` grows at
    every jump (seek, step back, speed change), so a feeder knows to start over from the
    position."""

    def __init__(self, start: datetime, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._anchor = start
        self._anchor_at = monotonic()
        self._speed = 1.0
        self._paused = True
        self.generation = 0
        #: the origin of the layout's output timeline (monotonic seconds): every tile's player
        #: gets its pictures stamped on this one timeline (see `due`)
        self.epoch = monotonic()

    def position(self) -> datetime:
        with self._lock:
            return self._position()

    def _position(self) -> datetime:
        if self._paused:
            return self._anchor
        elapsed = (self._monotonic() - self._anchor_at) * self._speed
        return self._anchor + timedelta(seconds=elapsed)

    def due(self, moment: datetime) -> float | None:
        """When (monotonic seconds) the recorded `moment` is due at the current speed; None while
        paused. One clock for the layout's players: each feeder stamps a picture with its due
        time, not with when its own thread got to it, so the tiles' pictures of one instant
        carry the same timestamp and a feeder woken late makes no picture late."""
        with self._lock:
            if self._paused:
                return None
            return self._anchor_at + (moment - self._anchor).total_seconds() / self._speed

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def play(self, speed: float | None = None) -> None:
        with self._lock:
            self._rebase()
            if speed is not None:
                if speed == 0:
                    raise ValueError("speed 0: use pause()")
                if speed != self._speed:
                    self.generation += 1
                self._speed = speed
            self._paused = False

    def pause(self) -> None:
        with self._lock:
            self._rebase()
            self._paused = True

    def seek(self, moment: datetime) -> None:
        with self._lock:
            self._anchor = moment
            self._anchor_at = self._monotonic()
            self.generation += 1

    def step(self, frames: int, fps: float = 25.0) -> None:
        """Pause and move by whole frames (negative: back). Forward is no jump: the feeders
        hand over the next frames as if time had passed. Back is (the decoder must start again
        from the keyframe before)."""
        with self._lock:
            self._rebase()
            self._paused = True
            self._anchor += timedelta(seconds=frames / fps)
            if frames < 0:
                self.generation += 1

    def _rebase(self) -> None:
        self._anchor = self._position()
        self._anchor_at = self._monotonic()


@dataclass(frozen=True, slots=True)
class PlaybackSession:
    """One camera's playback as the access log knows it."""

    camera_id: int
    session: Session
    reason: str


class PlaybackService:
    """Permission, reason and access-log entries of playback."""

    def __init__(self, db: Database, audit: AuditLog, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._audit = audit
        self._settings = settings
        self._clock = clock

    def reasons(self) -> list[str]:
        """The reasons offered when opening recorded video (free text is always allowed)."""
        rows = self._db.query("SELECT value FROM settings WHERE key = ?", (REASONS_KEY,))
        if rows:
            try:
                stored = json.loads(rows[0]["value"])
            except ValueError:
                stored = None
            if isinstance(stored, list) and all(isinstance(x, str) for x in stored):
                return list(stored)
        return list(DEFAULT_REASONS)

    def set_reasons(self, actor: Actor, reasons: Sequence[str]) -> None:
        require(actor, Permission.MANAGE_SETTINGS)
        cleaned = [text.strip() for text in reasons if text.strip()]
        if not cleaned:
            raise InvalidInput(N_("Keep at least one reason for playback."))
        value = json.dumps(cleaned, ensure_ascii=False)

        def change(db: sqlite_utils.Database) -> None:
            self._audit.append(
                db, actor, "setting.changed", REASONS_KEY, {"value": " | ".join(cleaned)}
            )
            db.table("settings").upsert({"key": REASONS_KEY, "value": value}, pk="key")

        self._db.write(change).result()

    def earliest(self, actor: Actor) -> datetime | None:
        """How far back `actor` may play (None: no limit)."""
        if actor.user is not None and actor.user.role is Role.OPERATOR:
            hours = self._settings.get_int(OPERATOR_PLAYBACK_HOURS)
            return self._clock.now() - timedelta(hours=hours)
        return None

    def check(self, actor: Actor, camera: Camera, start: datetime) -> None:
        """Raise unless `actor` may see `camera`'s recordings from `start` on."""
        require(actor, Permission.VIEW_RECORDED, camera.area_id)
        earliest = self.earliest(actor)
        if earliest is not None and start < earliest:
            raise PermissionDenied(
                N_("Operators may play back the last {hours} hours only."),
                hours=self._settings.get_int(OPERATOR_PLAYBACK_HOURS),
            )

    def begin(self, actor: Actor, camera: Camera, start: datetime, reason: str) -> PlaybackSession:
        """Log the start of playback (fails closed: no entry, no video)."""
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidInput(N_("Say why you open recorded video."))
        if len(reason) > MAX_REASON:
            raise InvalidInput(
                N_("The reason can have at most {limit} characters."), limit=MAX_REASON
            )
        self.check(actor, camera, start)
        session = self._audit.begin(
            actor,
            "playback.view",
            f"camera:{camera.id}",
            {"name": camera.name, "reason": reason, "from": to_iso(start)},
        ).result()
        return PlaybackSession(camera.id, session, reason)

    def end(self, playback: PlaybackSession, shown: tuple[datetime, datetime] | None) -> None:
        """Log the end with the recorded time actually shown (None: nothing was shown)."""
        details: dict[str, object] = {"shown": shown is not None}
        if shown is not None:
            details.update({"shown_from": to_iso(shown[0]), "shown_to": to_iso(shown[1])})
        self._audit.end(playback.session, details).result()
