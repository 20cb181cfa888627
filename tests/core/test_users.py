"""Users: the first administrator, roles and areas, passwords, lockout."""

from __future__ import annotations

import pytest

from console.app import Core
from console.domain import Actor, Role
from console.errors import (
    AccountDisabled,
    AccountLocked,
    AlreadyExists,
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from console.settings import LOCKOUT_MAX_FAILURES, LOCKOUT_MINUTES
from tests.conftest import PASSWORD, FakeClock

CLI = Actor.os_account("root")


def admin_actor(core: Core) -> Actor:
    if not core.users.has_administrator():
        core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    return Actor.of(core.users.authenticate("anna", PASSWORD))


def test_first_administrator_only_once(core: Core) -> None:
    assert not core.users.has_administrator()
    user = core.users.create_first_administrator(CLI, "anna", PASSWORD)
    assert user.role is Role.ADMINISTRATOR
    assert core.users.has_administrator()
    with pytest.raises(PermissionDenied, match="already is an administrator"):
        core.users.create_first_administrator(CLI, "bert", PASSWORD)


def test_cli_creates_an_administrator_only_while_none_exists(core: Core) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    with pytest.raises(PermissionDenied, match="appointed by an administrator"):
        core.users.add(CLI, "bert", Role.ADMINISTRATOR, PASSWORD)
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
    with pytest.raises(PermissionDenied):
        core.users.update(CLI, "olle", role=Role.ADMINISTRATOR)
    # An administrator in the console may appoint another.
    admin = admin_actor(core)
    assert core.users.update(admin, "olle", role=Role.ADMINISTRATOR).role is Role.ADMINISTRATOR


def test_no_default_password_and_password_rules(core: Core) -> None:
    with pytest.raises(InvalidInput, match="at least 10"):
        core.users.add(CLI, "anna", Role.ADMINISTRATOR, "short")
    with pytest.raises(InvalidInput, match="spaces"):
        core.users.add(CLI, "anna", Role.ADMINISTRATOR, " leading space pw")
    with pytest.raises(InvalidInput, match="user name"):
        core.users.add(CLI, "two words", Role.OPERATOR, PASSWORD)
    assert not core.users.has_administrator()


def test_password_is_hashed_with_argon2_and_never_in_the_value(core: Core) -> None:
    user = core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    stored = core.db.query("SELECT password_hash FROM users")[0]["password_hash"]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert "password" not in repr(user).lower()


def test_add_with_areas_and_list(core: Core) -> None:
    admin = admin_actor(core)
    areas = core.sites.resolve_areas(["skaggetorp", "CITY"])
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD, areas)
    listed = {u.name: u for u in core.users.list(admin)}
    names = {a.id: a.name for a in core.sites.areas()}
    assert {names[a] for a in listed["olle"].areas} == {"Skäggetorp", "City"}
    assert listed["anna"].areas == frozenset()
    with pytest.raises(AlreadyExists):
        core.users.add(admin, "OLLE", Role.OPERATOR, PASSWORD)


def test_unknown_area_names_the_known_ones(core: Core) -> None:
    with pytest.raises(NotFound, match="Skäggetorp"):
        core.sites.resolve_areas(["Norrköping"])
    assert core.sites.resolve_areas(["1"]) == frozenset({1})


def test_update_role_and_areas(core: Core) -> None:
    admin = admin_actor(core)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD, core.sites.resolve_areas(["Berga"]))
    changed = core.users.update(admin, "olle", role=Role.SUPERVISOR, areas=frozenset())
    assert changed.role is Role.SUPERVISOR
    assert changed.areas == frozenset()


def test_only_administrators_manage_users(core: Core) -> None:
    admin = admin_actor(core)
    core.users.add(admin, "sara", Role.SUPERVISOR, PASSWORD)
    sara = Actor.of(core.users.authenticate("sara", PASSWORD))
    with pytest.raises(PermissionDenied, match="not allowed to manage users"):
        core.users.add(sara, "olle", Role.OPERATOR, PASSWORD)
    with pytest.raises(PermissionDenied):
        core.users.list(sara)
    with pytest.raises(PermissionDenied):
        core.users.set_password(sara, "anna", "another long password")
    # Everyone may change their own password.
    core.users.set_password(sara, "sara", "another long password")
    core.users.authenticate("sara", "another long password")


def test_last_administrator_is_kept(core: Core) -> None:
    admin = admin_actor(core)
    with pytest.raises(InvalidInput, match="cannot disable your own"):
        core.users.set_disabled(admin, "anna", True)
    core.users.add(admin, "bert", Role.ADMINISTRATOR, PASSWORD)
    bert = Actor.of(core.users.authenticate("bert", PASSWORD))
    core.users.set_disabled(bert, "anna", True)
    with pytest.raises(InvalidInput, match="last administrator"):
        core.users.update(bert, "bert", role=Role.OPERATOR)


def test_login(core: Core) -> None:
    admin_actor(core)
    assert core.users.authenticate(" anna ", PASSWORD).name == "anna"
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
        core.users.authenticate("anna", "wrong password!")
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
        core.users.authenticate("nobody", PASSWORD)


def test_disabled_user_cannot_log_in(core: Core) -> None:
    admin = admin_actor(core)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    core.users.set_disabled(admin, "olle", True)
    with pytest.raises(AccountDisabled):
        core.users.authenticate("olle", PASSWORD)
    core.users.set_disabled(admin, "olle", False)
    assert core.users.authenticate("olle", PASSWORD).name == "olle"


def test_lockout_after_five_failures_for_five_minutes(core: Core, clock: FakeClock) -> None:
    admin = admin_actor(core)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            core.users.authenticate("olle", "wrong password!")
    with pytest.raises(AccountLocked, match="locked for 5 min"):
        core.users.authenticate("olle", "wrong password!")
    # The right password does not help while locked.
    clock.advance(minutes=4, seconds=30)
    with pytest.raises(AccountLocked, match="locked for 1 min"):
        core.users.authenticate("olle", PASSWORD)
    clock.advance(seconds=31)
    assert core.users.authenticate("olle", PASSWORD).name == "olle"
    # A success resets the count: four more failures do not lock.
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            core.users.authenticate("olle", "wrong password!")
    assert core.users.authenticate("olle", PASSWORD).name == "olle"


def test_lockout_is_configurable_and_lifted_by_a_new_password(core: Core, clock: FakeClock) -> None:
    admin = admin_actor(core)
    core.settings.set_int(admin, LOCKOUT_MAX_FAILURES, 2)
    core.settings.set_int(admin, LOCKOUT_MINUTES, 30)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate("olle", "wrong password!")
    with pytest.raises(AccountLocked, match="30 min"):
        core.users.authenticate("olle", "wrong password!")
    clock.advance(minutes=29)
    with pytest.raises(AccountLocked):
        core.users.authenticate("olle", PASSWORD)
    core.users.set_password(admin, "olle", "a brand new password")
    assert core.users.authenticate("olle", "a brand new password").name == "olle"


def test_settings_need_permission_and_range(core: Core) -> None:
    admin = admin_actor(core)
    with pytest.raises(InvalidInput, match="between"):
        core.settings.set_int(admin, LOCKOUT_MAX_FAILURES, 0)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    olle = Actor.of(core.users.authenticate("olle", PASSWORD))
    with pytest.raises(PermissionDenied):
        core.settings.set_int(olle, LOCKOUT_MAX_FAILURES, 3)
    assert core.settings.get_int(LOCKOUT_MAX_FAILURES) == 5
