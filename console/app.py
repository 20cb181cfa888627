"""The core assembled for one data dir: the database and the services over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import argon2
import platformdirs

from console.clock import Clock, SystemClock
from console.messages import MessageBus
from console.settings import Settings
from console.sites import SiteService
from console.storage import Database
from console.users import UserService


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("utkik", appauthor=False))


@dataclass
class Core:
    data_dir: Path
    db: Database
    bus: MessageBus
    settings: Settings
    sites: SiteService
    users: UserService

    @classmethod
    def open(
        cls,
        data_dir: Path | None = None,
        *,
        clock: Clock | None = None,
        hasher: argon2.PasswordHasher | None = None,
        bus: MessageBus | None = None,
    ) -> Core:
        directory = data_dir or default_data_dir()
        clock = clock or SystemClock()
        db = Database.open(directory, clock)
        settings = Settings(db)
        return cls(
            data_dir=directory,
            db=db,
            bus=bus or MessageBus(),
            settings=settings,
            sites=SiteService(db),
            users=UserService(db, settings, clock, hasher),
        )

    def close(self) -> None:
        self.db.close()
