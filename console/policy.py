"""Who may do what: a pure policy over roles, permissions and area limits.

Services call `require(...)` before they act; the UI may call `can(...)` to grey out what the
service would refuse anyway.
"""

from __future__ import annotations

from console.domain import AREA_SCOPED, Actor, Permission, Role, User
from console.errors import N_, PermissionDenied

P = Permission

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset(
        {
            P.VIEW_LIVE,
            P.VIEW_RECORDED,
            P.PTZ,
            P.SNAPSHOT,
            P.ACK_ALARMS,
            P.VIEW_ALARMS,
            P.CONTROL_LIGHTING,
        }
    ),
    # Technicians see live video only to commission cameras; they do not play back recordings.
    # They read the alarm list (health alarms are theirs to fix) but do not handle alarms.
    Role.TECHNICIAN: frozenset({P.VIEW_LIVE, P.PTZ, P.SNAPSHOT, P.MANAGE_CAMERAS, P.VIEW_ALARMS}),
    Role.SUPERVISOR: frozenset(
        {
            P.VIEW_LIVE,
            P.VIEW_RECORDED,
            P.PTZ,
            P.SNAPSHOT,
            P.ACK_ALARMS,
            P.VIEW_ALARMS,
            P.MANAGE_RULES,
            P.CONTROL_LIGHTING,
            P.EXPORT_REQUEST,
            P.EXPORT_APPROVE,
            P.EVIDENCE_LOCK,
            P.VIEW_AUDIT,
            P.VIEW_REGISTER,
            P.SUBJECT_ACCESS,
        }
    ),
    # Administrators run the system but watch no video (separation of duties).
    Role.ADMINISTRATOR: frozenset(
        {P.MANAGE_USERS, P.MANAGE_SETTINGS, P.MANAGE_REGISTER, P.VIEW_AUDIT, P.VIEW_REGISTER}
    ),
    Role.AUDITOR: frozenset({P.VIEW_AUDIT, P.VIEW_REGISTER, P.VIEW_ALARMS}),
}

#: What a CLI command (the operating-system account that may write the data dir) may do:
#: local administration, never video.
LOCAL_ADMIN_PERMISSIONS: frozenset[Permission] = frozenset(
    {
        P.MANAGE_USERS,
        P.MANAGE_SETTINGS,
        P.MANAGE_CAMERAS,
        P.MANAGE_REGISTER,
        # Who keeps the register reads it (`utkik register list/show/export`).
        P.VIEW_REGISTER,
        P.VIEW_AUDIT,
        # `utkik alarms list/watch` for an integration; handling an alarm needs a console user.
        P.VIEW_ALARMS,
    }
)


def can(subject: User | Actor, permission: Permission, area: int | None = None) -> bool:
    """Whether `subject` holds `permission`, at `area` when given.

    A user limited to areas holds area-scoped permissions only inside those areas; asked without an
    area, the answer is whether the user holds the permission somewhere.
    """
    if isinstance(subject, Actor):
        if subject.user is None:
            return permission in LOCAL_ADMIN_PERMISSIONS
        subject = subject.user
    if subject.disabled:
        return False
    if permission not in ROLE_PERMISSIONS[subject.role]:
        return False
    if area is None or not subject.areas or permission not in AREA_SCOPED:
        return True
    return area in subject.areas


def require(subject: User | Actor, permission: Permission, area: int | None = None) -> None:
    """Raise PermissionDenied unless `can(subject, permission, area)`."""
    if can(subject, permission, area):
        return
    if area is not None and can(subject, permission):
        raise PermissionDenied(N_("{name} has no permission for this area."), name=subject.name)
    raise PermissionDenied(_DENIED[permission], name=subject.name)


_DENIED: dict[Permission, str] = {
    P.VIEW_LIVE: N_("{name} is not allowed to watch live video."),
    P.VIEW_RECORDED: N_("{name} is not allowed to play back recorded video."),
    P.PTZ: N_("{name} is not allowed to move cameras."),
    P.SNAPSHOT: N_("{name} is not allowed to take snapshots."),
    P.ACK_ALARMS: N_("{name} is not allowed to acknowledge alarms."),
    P.VIEW_ALARMS: N_("{name} is not allowed to see alarms."),
    P.MANAGE_RULES: N_("{name} is not allowed to change the alarm rules."),
    P.CONTROL_LIGHTING: N_("{name} is not allowed to control lighting."),
    P.EXPORT_REQUEST: N_("{name} is not allowed to request exports."),
    P.EXPORT_APPROVE: N_("{name} is not allowed to approve exports."),
    P.EVIDENCE_LOCK: N_("{name} is not allowed to lock evidence."),
    P.MANAGE_CAMERAS: N_("{name} is not allowed to manage cameras."),
    P.MANAGE_USERS: N_("{name} is not allowed to manage users."),
    P.MANAGE_SETTINGS: N_("{name} is not allowed to change settings."),
    P.MANAGE_REGISTER: N_("{name} is not allowed to edit the surveillance register."),
    P.VIEW_AUDIT: N_("{name} is not allowed to read the access log."),
    P.VIEW_REGISTER: N_("{name} is not allowed to read the surveillance register."),
    P.SUBJECT_ACCESS: N_("{name} is not allowed to work on subject access cases."),
}
