"""The core assembled for one data dir: the database and the services over it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import argon2
import platformdirs

from console.alarms.service import AlarmService
from console.audit.log import AuditLog
from console.cameras import CameraService
from console.clock import Clock, SystemClock
from console.events import EventHub
from console.export.package import clean_leftovers
from console.export.requests import ExportService
from console.layouts import LayoutService
from console.lighting.service import LightingService
from console.messages import Level, MessageBus
from console.ports import KeyStore, SecretStore, Witness
from console.recording.archive import RecordingService
from console.recording.playback import PlaybackService
from console.register import RegisterService
from console.settings import Settings
from console.sites import SiteService
from console.storage import Database, exposure
from console.subject_access.cases import CaseService
from console.users import UserService

#: The recordings root inside the data dir.
RECORDINGS_DIRNAME = "recordings"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("utkik", appauthor=False))


@dataclass
class Core:
    data_dir: Path
    db: Database
    audit: AuditLog
    bus: MessageBus
    #: what the services' writes changed (console/events.py); views subscribe
    events: EventHub
    settings: Settings
    sites: SiteService
    users: UserService
    cameras: CameraService
    layouts: LayoutService
    recordings: RecordingService
    playback: PlaybackService
    clock: Clock
    alarms: AlarmService
    #: export requests, their approval and production (console/export/requests.py)
    exports: ExportService
    #: lighting zones, overrides and schedules (console/lighting/service.py)
    lighting: LightingService
    #: subject access cases (console/subject_access/cases.py)
    cases: CaseService
    #: the surveillance register, which decides what records and is shown (console/register.py)
    register: RegisterService

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        clock: Clock | None = None,
        hasher: argon2.PasswordHasher | None = None,
        bus: MessageBus | None = None,
        keys: KeyStore | None = None,
        witnesses: Sequence[Witness] = (),
        sealer: bool = True,
        secrets: SecretStore | None = None,
    ) -> Core:
        """Open the data dir. Without `keys` the access log is appended to but not sealed."""
        directory = data_dir or default_data_dir()
        clock = clock or SystemClock()
        db = Database.open(directory, clock)
        try:
            audit = AuditLog(db, clock, keys, witnesses)
            audit.start(sealer=sealer)
        except BaseException:
            db.close()
            raise
        events = EventHub()
        settings = Settings(db, audit, events)
        bus = bus or MessageBus()
        for problem in exposure(directory):
            bus.known(problem, Level.WARNING)
        cameras = CameraService(db, audit, secrets, clock, events)
        recordings = RecordingService(db, audit, clock, directory / RECORDINGS_DIRNAME, events)
        # Evidence packages a killed process left half made (docs/export.md).
        clean_leftovers(directory)
        playback = PlaybackService(db, audit, settings, clock)
        register = RegisterService(db, audit, clock, directory, events)
        try:
            # The entries an upgrade made are logged before anything else happens.
            register.log_provisional()
        except BaseException:
            audit.close()
            db.close()
            raise
        return cls(
            data_dir=directory,
            db=db,
            audit=audit,
            bus=bus,
            events=events,
            settings=settings,
            sites=SiteService(db),
            users=UserService(db, settings, audit, clock, hasher, events),
            cameras=cameras,
            layouts=LayoutService(db, clock, events),
            recordings=recordings,
            playback=playback,
            clock=clock,
            alarms=AlarmService(db, audit, clock, events),
            exports=ExportService(db, audit, settings, cameras, recordings, clock, events),
            lighting=LightingService(db, audit, clock, events),
            cases=CaseService(db, audit, cameras, recordings, playback, clock, directory, events),
            register=register,
        )

    def close(self) -> None:
        try:
            self.audit.close()
        finally:
            self.db.close()
