"""The permission matrix of the design, checked cell by cell, and area limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.domain import AREA_SCOPED, Actor, Permission, Role, User
from console.errors import PermissionDenied
from console.policy import can, require

P = Permission
OP, T, S, A, U = (
    Role.OPERATOR,
    Role.TECHNICIAN,
    Role.SUPERVISOR,
    Role.ADMINISTRATOR,
    Role.AUDITOR,
)

#: Written out from the design's table: permission -> roles that hold it.
MATRIX: dict[Permission, set[Role]] = {
    P.VIEW_LIVE: {OP, T, S},
    P.VIEW_RECORDED: {OP, S},
    P.PTZ: {OP, T, S},
    P.SNAPSHOT: {OP, T, S},
    P.ACK_ALARMS: {OP, S},
    P.VIEW_ALARMS: {OP, T, S, U},
    P.MANAGE_RULES: {S},
    P.CONTROL_LIGHTING: {OP, S},
    P.EXPORT_REQUEST: {S},
    P.EXPORT_APPROVE: {S},
    P.EVIDENCE_LOCK: {S},
    P.MANAGE_CAMERAS: {T},
    P.MANAGE_USERS: {A},
    P.MANAGE_SETTINGS: {A},
    P.MANAGE_REGISTER: {A},
    P.VIEW_AUDIT: {S, A, U},
    P.VIEW_REGISTER: {S, A, U},
    P.SUBJECT_ACCESS: {S},
}

CITY, BERGA = 1, 2


def user(role: Role, areas: frozenset[int] = frozenset(), disabled: bool = False) -> User:
    return User(
        id=1,
        name="someone",
        role=role,
        areas=areas,
        disabled=disabled,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_matrix_covers_every_permission() -> None:
    assert set(MATRIX) == set(Permission)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_matrix_cell(role: Role, permission: Permission) -> None:
    expected = role in MATRIX[permission]
    assert can(user(role), permission) is expected
    assert can(user(role), permission, area=CITY) is expected


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_area_limit(role: Role, permission: Permission) -> None:
    limited = user(role, areas=frozenset({BERGA}))
    held = role in MATRIX[permission]
    assert can(limited, permission, area=BERGA) is held
    # Outside the user's areas, area-scoped permissions vanish; global ones stay.
    outside = held and permission not in AREA_SCOPED
    assert can(limited, permission, area=CITY) is outside
    # Asked without an area: does the user hold it somewhere?
    assert can(limited, permission) is held


@pytest.mark.parametrize("permission", list(Permission))
def test_disabled_user_holds_nothing(permission: Permission) -> None:
    assert not can(user(Role.SUPERVISOR, disabled=True), permission)


def test_administrators_watch_no_video() -> None:
    admin = user(Role.ADMINISTRATOR)
    assert not any(can(admin, p) for p in (P.VIEW_LIVE, P.VIEW_RECORDED, P.EXPORT_REQUEST))


def test_local_admin_manages_but_never_watches() -> None:
    cli = Actor.os_account("root")
    assert cli.is_local_admin
    assert can(cli, P.MANAGE_USERS)
    assert not can(cli, P.VIEW_LIVE)
    assert not can(cli, P.EXPORT_APPROVE)


def test_require_names_the_area_problem() -> None:
    limited = user(Role.OPERATOR, areas=frozenset({BERGA}))
    require(limited, P.VIEW_LIVE, area=BERGA)
    with pytest.raises(PermissionDenied, match="no permission for this area"):
        require(limited, P.VIEW_LIVE, area=CITY)
    with pytest.raises(PermissionDenied, match="not allowed to approve exports"):
        require(limited, P.EXPORT_APPROVE)
    with pytest.raises(PermissionDenied, match="not allowed to manage users"):
        require(Actor.of(limited), P.MANAGE_USERS)
