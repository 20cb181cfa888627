"""Users: the first administrator, roles and areas, passwords, lockout."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from console.app import Core
from console.domain import Actor, Role
from console.errors import (
    AccountLocked,
    AlreadyExists,
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from console.settings import (
    LOCKOUT_MAX_FAILURES,
    LOCKOUT_MINUTES,
    PASSWORD_MIN_LENGTH,
    PASSWORD_MIN_SCORE,
)
from tests.conftest import FAST_HASHER, PASSWORD, FakeClock, MemoryKeyStore

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
    with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
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


# -- attacks on the login ---------------------------------------------------------------------


def _logged(core: Core, action: str) -> list[dict[str, object]]:
    return core.db.query(
        "SELECT actor, target, body FROM audit_entries WHERE action = ? ORDER BY seq", (action,)
    )


def test_parallel_wrong_logins_count_to_the_limit_and_lock(
    core: Core, data_dir: Path, clock: FakeClock, keys: MemoryKeyStore
) -> None:
    """40 wrong passwords at once, from two processes' connections to the same file: the
    check and the count are one transaction, so exactly the limit is counted and the account
    stays locked, also for the right password."""
    admin = admin_actor(core)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    other = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, sealer=False)
    try:
        cores = [core, other]

        def attempt(i: int) -> str:
            try:
                cores[i % 2].users.authenticate("olle", f"wrong password {i}!")
            except AccountLocked:
                return "locked"
            except AuthenticationFailed:
                return "failed"
            return "in"

        with ThreadPoolExecutor(max_workers=40) as pool:
            outcomes = list(pool.map(attempt, range(40)))
        assert "in" not in outcomes
        assert len(_logged(core, "login.failed")) == 5
        assert len(_logged(core, "account.locked")) == 1
        with pytest.raises(AccountLocked):
            other.users.authenticate("olle", PASSWORD)
    finally:
        other.close()


def test_a_login_racing_the_lock_is_refused(core: Core, clock: FakeClock) -> None:
    """The right password whose check started before the lock was written does not log in."""
    admin = admin_actor(core)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            core.users.authenticate("olle", "wrong password!")
    barrier = threading.Barrier(2)
    real_verify = core.users._verify

    def slow_verify(password_hash: str, password: str) -> bool:
        ok = real_verify(password_hash, password)
        if ok:
            barrier.wait(timeout=10)  # the lock lands while the right password is verified
            barrier.wait(timeout=10)
        return ok

    core.users._verify = slow_verify  # type: ignore[method-assign]

    def right() -> str:
        try:
            core.users.authenticate("olle", PASSWORD)
        except AccountLocked:
            return "locked"
        return "in"

    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(right)
        barrier.wait(timeout=10)
        with pytest.raises(AccountLocked):
            core.users.authenticate("olle", "wrong password!")
        barrier.wait(timeout=10)
        assert result.result(timeout=10) == "locked"


def test_a_disabled_account_answers_the_same_for_any_password(core: Core) -> None:
    admin = admin_actor(core)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    core.users.set_disabled(admin, "olle", True)
    answers = []
    for password in (PASSWORD, "wrong password!"):
        with pytest.raises(AuthenticationFailed) as caught:
            core.users.authenticate("olle", password)
        answers.append((type(caught.value), str(caught.value)))
    assert answers[0] == answers[1]
    # What happened is in the log, for the administrator.
    assert [row["target"] for row in _logged(core, "login.refused")] == ["olle", "olle"]


def test_unknown_user_names_are_logged_hashed_and_bounded(core: Core) -> None:
    admin_actor(core)
    typed = "My-Secret-Passw0rd!"
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate(typed, typed)
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate("x" * 1_000_000, "whatever password")
    rows = _logged(core, "login.failed")
    assert len(rows) == 2
    for row in rows:
        body = bytes(row["body"])  # type: ignore[arg-type]
        assert typed.encode() not in body
        assert b"xxxxxxxxxx" not in body
        assert len(body) < 600
        assert row["actor"] == "unknown user"
        assert str(row["target"]).startswith("unknown user #")
    # The same name gives the same short mark (to see repeated attempts), another a different one.
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate(typed, "again")
    marks = [row["target"] for row in _logged(core, "login.failed")]
    assert marks[0] == marks[2] != marks[1]
    assert len(str(marks[0])) <= len("unknown user #") + 16


def test_unknown_user_names_are_rate_limited_too(core: Core, clock: FakeClock) -> None:
    admin_actor(core)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            core.users.authenticate("nobody", "wrong password!")
    # As a real account would: an unknown name cannot be told from a known one by its lock.
    with pytest.raises(AccountLocked, match="locked for 5 min"):
        core.users.authenticate("nobody", "wrong password!")
    with pytest.raises(AccountLocked):
        core.users.authenticate("NOBODY", "wrong password!")
    assert len(_logged(core, "login.failed")) == 5
    # Another unknown name is not locked by the first one.
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate("somebody", "wrong password!")
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate("nobody", "wrong password!")


# -- password strength ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "repeats"),
        ("0123456789", "run such as"),
        ("qwertyuiop", "common password"),
        ("password123", "common password"),
        ("anna-anna-anna", "repeats"),
    ],
)
def test_weak_passwords_are_refused_in_plain_words(core: Core, password: str, reason: str) -> None:
    admin = admin_actor(core)
    with pytest.raises(InvalidInput, match="too easy to guess") as caught:
        core.users.add(admin, "olle", Role.OPERATOR, password)
    assert reason in str(caught.value)
    with pytest.raises(InvalidInput, match="too easy to guess"):
        core.users.set_password(admin, "anna", password)
    with pytest.raises(NotFound):
        core.users.get(admin, "olle")


def test_strong_passwords_pass(core: Core) -> None:
    admin = admin_actor(core)
    for i, password in enumerate(("Corr3ct-Horse!", "An0ther-Pass!", PASSWORD)):
        core.users.add(admin, f"user{i}", Role.OPERATOR, password)
        assert core.users.authenticate(f"user{i}", password).name == f"user{i}"


def test_password_rules_are_settings(core: Core) -> None:
    admin = admin_actor(core)
    with pytest.raises(InvalidInput, match="at least 10"):
        core.users.add(admin, "olle", Role.OPERATOR, "Gx8!vQ2#m")
    core.settings.set_int(admin, PASSWORD_MIN_LENGTH, 9)
    core.users.add(admin, "olle", Role.OPERATOR, "Gx8!vQ2#m")
    core.settings.set_int(admin, PASSWORD_MIN_LENGTH, 16)
    with pytest.raises(InvalidInput, match="at least 16"):
        core.users.add(admin, "sara", Role.OPERATOR, "Corr3ct-Horse!")
    core.settings.set_int(admin, PASSWORD_MIN_LENGTH, 10)
    core.settings.set_int(admin, PASSWORD_MIN_SCORE, 4)
    with pytest.raises(InvalidInput, match="too easy to guess"):
        core.users.add(admin, "sara", Role.OPERATOR, "An0ther-Pass!")
    with pytest.raises(InvalidInput, match="between"):
        core.settings.set_int(admin, PASSWORD_MIN_SCORE, 5)
    with pytest.raises(InvalidInput, match="between"):
        core.settings.set_int(admin, PASSWORD_MIN_LENGTH, 6)
    with pytest.raises(InvalidInput, match="at most 1024"):
        core.users.add(admin, "sara", Role.OPERATOR, "Corr3ct-Horse!" * 100)


# -- user names -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["olle\n", "olle\r\n", "\nolle", "ol le", "", "x" * 65])
def test_user_names_are_checked_whole(core: Core, name: str) -> None:
    admin = admin_actor(core)
    with pytest.raises(InvalidInput, match="user name"):
        core.users.add(admin, name, Role.OPERATOR, PASSWORD)
    assert [u.name for u in core.users.list(admin)] == ["anna"]


def test_user_names_are_normalised(core: Core) -> None:
    admin = admin_actor(core)
    # Full-width letters are the same name in another form.
    with pytest.raises(AlreadyExists):
        core.users.add(admin, "ａｎｎａ", Role.OPERATOR, PASSWORD)
    user = core.users.add(admin, "ﬁnn", Role.OPERATOR, PASSWORD)
    assert user.name == "finn"
    assert core.users.authenticate("ｆｉｎｎ", PASSWORD).name == "finn"


@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0430nna",  # Cyrillic а
        "ANN\u0391",  # Greek capital alpha
        "\u0410NNA",  # Cyrillic capital А
        "ann\u0251",  # Latin alpha
        "\u0430\u043f\u043f\u0430",  # Cyrillic а, п, п, а
        "anna\u200b",  # a zero-width space
    ],
)
def test_names_that_look_like_another_users_are_refused(core: Core, look_alike: str) -> None:
    admin = admin_actor(core)
    with pytest.raises((AlreadyExists, InvalidInput)):
        core.users.add(admin, look_alike, Role.ADMINISTRATOR, PASSWORD)
    assert [u.name for u in core.users.list(admin)] == ["anna"]


def test_look_alikes_of_latin_names_both_ways(core: Core) -> None:
    admin = admin_actor(core)
    core.users.add(admin, "\u0441\u0435\u0440\u0433\u0435\u0439", Role.OPERATOR, PASSWORD)
    with pytest.raises(AlreadyExists, match="looks like"):
        core.users.add(admin, "ce\u0440\u0433\u0435\u0439", Role.OPERATOR, PASSWORD)
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD)
    for digits in ("o11e", "0LLE"):
        with pytest.raises(AlreadyExists, match="looks like"):
            core.users.add(admin, digits, Role.OPERATOR, PASSWORD)
    # Names that merely share letters are fine.
    core.users.add(admin, "anne", Role.OPERATOR, PASSWORD)
    core.users.add(admin, "\u0430\u043d\u043d\u0430", Role.OPERATOR, PASSWORD)  # анна: "ahha"
