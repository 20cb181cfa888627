"""Domain values: frozen, typed, and free of secrets."""

from __future__ import annotations

import enum
import getpass
import os
from dataclasses import dataclass
from datetime import datetime


class Role(enum.StrEnum):
    """Roles by their English tokens, used in the CLI and in files."""

    OPERATOR = "operator"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"


class Permission(enum.StrEnum):
    VIEW_LIVE = "view_live"
    VIEW_RECORDED = "view_recorded"
    PTZ = "ptz"
    SNAPSHOT = "snapshot"
    ACK_ALARMS = "ack_alarms"
    #: Read the alarm list (handling it needs ACK_ALARMS).
    VIEW_ALARMS = "view_alarms"
    #: Edit the alarm rules per site and class (and the lighting schedules).
    MANAGE_RULES = "manage_rules"
    CONTROL_LIGHTING = "control_lighting"
    EXPORT_REQUEST = "export_request"
    EXPORT_APPROVE = "export_approve"
    EVIDENCE_LOCK = "evidence_lock"
    MANAGE_CAMERAS = "manage_cameras"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_REGISTER = "manage_register"
    VIEW_AUDIT = "view_audit"
    VIEW_REGISTER = "view_register"
    #: Work on subject access cases: find, mask, review and release footage of a requester.
    SUBJECT_ACCESS = "subject_access"


#: Permissions that concern video or devices at a place; an area limit applies to them.
AREA_SCOPED: frozenset[Permission] = frozenset(
    {
        Permission.VIEW_LIVE,
        Permission.VIEW_RECORDED,
        Permission.PTZ,
        Permission.SNAPSHOT,
        Permission.ACK_ALARMS,
        Permission.VIEW_ALARMS,
        Permission.CONTROL_LIGHTING,
        Permission.EXPORT_REQUEST,
        Permission.EXPORT_APPROVE,
        Permission.EVIDENCE_LOCK,
        Permission.MANAGE_CAMERAS,
    }
)


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    area_id: int
    name: str


@dataclass(frozen=True, slots=True)
class User:
    """A console user. The password hash is never part of this value."""

    id: int
    name: str
    role: Role
    #: Area ids the user is limited to; empty means all areas.
    areas: frozenset[int]
    disabled: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a console user, or the operating-system account that runs a CLI command."""

    name: str
    user: User | None = None

    @property
    def is_local_admin(self) -> bool:
        """A CLI command: local administration by whoever may write to the data dir."""
        return self.user is None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(name=user.name, user=user)

    @classmethod
    def os_account(cls, account: str | None = None) -> Actor:
        """The operating-system account running this process (or the one named)."""
        return cls(name=f"os:{account if account is not None else _process_account()}")


def _process_account() -> str:
    """The account whose rights this process uses: its effective uid where there is one. Not
    USER or LOGNAME (getpass.getuser() reads those first): whoever starts a command chooses
    its environment, so `USER=alice utkik ...` run by root would be logged as alice."""
    if hasattr(os, "geteuid"):
        import pwd  # POSIX only

        uid = os.geteuid()
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:
            return f"uid {uid}"  # an account without a passwd entry (a container)
    # Windows: the logon session's account, which the environment does not override.
    import ctypes

    size = ctypes.c_ulong(257)
    buffer = ctypes.create_unicode_buffer(size.value)
    if ctypes.windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):  # type: ignore[attr-defined]
        return buffer.value
    return getpass.getuser()
