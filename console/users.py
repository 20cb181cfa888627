"""Console users: creation, roles and areas, passwords (argon2), login with lockout."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import argon2
import sqlite_utils
from argon2.exceptions import InvalidHashError, VerificationError

from console.audit.log import AuditLog
from console.clock import Clock, SystemClock, from_iso, to_iso
from console.domain import Actor, Permission, Role, User
from console.errors import (
    N_,
    AccountDisabled,
    AccountLocked,
    AlreadyExists,
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from console.policy import require
from console.settings import LOCKOUT_MAX_FAILURES, LOCKOUT_MINUTES, Settings
from console.storage import Database

MIN_PASSWORD_LENGTH = 10
_NAME_RE = re.compile(r"^[\w][\w.\-@]{0,63}$")


def parse_role(token: str) -> Role:
    try:
        return Role(token.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput(
            N_("There is no role “{token}”. Roles: {roles}."), token=token, roles=roles
        ) from None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            N_("The password must have at least {count} characters."), count=MIN_PASSWORD_LENGTH
        )
    if password.strip() != password or not password.isprintable():
        raise InvalidInput(
            N_("The password must not begin or end with spaces or hold control keys.")
        )


def check_name(name: str) -> None:
    if not _NAME_RE.match(name):
        raise InvalidInput(
            N_("A user name has 1 to 64 letters, digits, dots, dashes or underscores, no spaces.")
        )


class UserService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        audit: AuditLog,
        clock: Clock | None = None,
        hasher: argon2.PasswordHasher | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._audit = audit
        self._clock = clock or SystemClock()
        self._hasher = hasher or argon2.PasswordHasher()
        # Verified against when the user does not exist, so that a wrong name takes as long as a
        # wrong password and login times do not reveal which names exist.
        self._dummy_hash = self._hasher.hash("not a password of anyone")

    # -- reading -----------------------------------------------------------------------------

    def has_administrator(self) -> bool:
        rows = self._db.query(
            "SELECT count(*) AS n FROM users WHERE role = 'administrator' AND disabled = 0"
        )
        return bool(rows[0]["n"])

    def list(self, actor: Actor) -> list[User]:
        require(actor, Permission.MANAGE_USERS)
        return [self._to_user(row) for row in self._db.query("SELECT * FROM users ORDER BY name")]

    def get(self, actor: Actor, name: str) -> User:
        if not (actor.user is not None and actor.user.name.casefold() == name.casefold()):
            require(actor, Permission.MANAGE_USERS)
        return self._find(name)

    def _find(self, name: str) -> User:
        rows = self._db.query("SELECT * FROM users WHERE name = ?", (name,))
        if not rows:
            raise NotFound(N_("There is no user called “{name}”."), name=name)
        return self._to_user(rows[0])

    def _to_user(self, row: dict[str, Any]) -> User:
        areas = self._db.query("SELECT area_id FROM user_areas WHERE user_id = ?", (row["id"],))
        return User(
            id=row["id"],
            name=row["name"],
            role=Role(row["role"]),
            areas=frozenset(a["area_id"] for a in areas),
            disabled=bool(row["disabled"]),
            created_at=from_iso(row["created_at"]),
        )

    # -- changing ----------------------------------------------------------------------------

    def create_first_administrator(self, actor: Actor, name: str, password: str) -> User:
        """Create the first administrator; allowed to anyone only while there is none."""
        check_name(name)
        check_password(password)
        password_hash = self._hasher.hash(password)

        def create(db: sqlite_utils.Database) -> None:
            # Checked inside the write transaction, so two first runs cannot both succeed.
            if _active_admins(db):
                raise PermissionDenied(N_("There already is an administrator; ask them to log in."))
            self._insert(db, name, Role.ADMINISTRATOR, password_hash, frozenset())
            self._audit.append(
                db, actor, "user.added", name, {"role": Role.ADMINISTRATOR.value, "first": True}
            )

        self._db.write(create).result()
        return self._find(name)

    def add(
        self,
        actor: Actor,
        name: str,
        role: Role,
        password: str,
        areas: Iterable[int] = (),
    ) -> User:
        require(actor, Permission.MANAGE_USERS)
        check_name(name)
        check_password(password)
        password_hash = self._hasher.hash(password)
        area_ids = frozenset(areas)

        def create(db: sqlite_utils.Database) -> None:
            if role is Role.ADMINISTRATOR:
                self._check_may_make_admin(db, actor)
            self._insert(db, name, role, password_hash, area_ids)
            self._audit.append(
                db, actor, "user.added", name, {"role": role.value, "areas": _ids(area_ids)}
            )

        self._db.write(create).result()
        return self._find(name)

    def _insert(
        self,
        db: sqlite_utils.Database,
        name: str,
        role: Role,
        password_hash: str,
        areas: frozenset[int],
    ) -> None:
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AlreadyExists(N_("There already is a user called “{name}”."), name=name)
        now = to_iso(self._clock.now())
        user_id = (
            db.table("users")
            .insert(
                {
                    "name": name,
                    "role": role.value,
                    "password_hash": password_hash,
                    "disabled": 0,
                    "failed_logins": 0,
                    "locked_until": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            .last_pk
        )
        for area_id in sorted(areas):
            db.table("user_areas").insert({"user_id": user_id, "area_id": area_id})

    def _check_may_make_admin(self, db: sqlite_utils.Database, actor: Actor) -> None:
        # Local administration bootstraps the first administrator; after that, administrators
        # are appointed by administrators, so the CLI cannot take over a running system.
        if actor.is_local_admin and _active_admins(db):
            raise PermissionDenied(
                N_(
                    "There already is an administrator: further administrators are appointed by "
                    "an administrator in the console."
                )
            )

    def update(
        self,
        actor: Actor,
        name: str,
        *,
        role: Role | None = None,
        areas: Iterable[int] | None = None,
    ) -> User:
        require(actor, Permission.MANAGE_USERS)
        target = self._find(name)
        area_ids = None if areas is None else frozenset(areas)

        def change(db: sqlite_utils.Database) -> None:
            if role is not None and role is not target.role:
                if role is Role.ADMINISTRATOR:
                    self._check_may_make_admin(db, actor)
                if target.role is Role.ADMINISTRATOR:
                    self._check_not_last_admin(db, target)
                db.table("users").update(
                    target.id, {"role": role.value, "updated_at": to_iso(self._clock.now())}
                )
            if area_ids is not None:
                db.execute("DELETE FROM user_areas WHERE user_id = ?", (target.id,))
                for area_id in sorted(area_ids):
                    db.table("user_areas").insert({"user_id": target.id, "area_id": area_id})
            details: dict[str, object] = {}
            if role is not None:
                details["role"] = role.value
            if area_ids is not None:
                details["areas"] = _ids(area_ids)
            self._audit.append(db, actor, "user.changed", target.name, details)

        self._db.write(change).result()
        return self._find(name)

    def set_password(self, actor: Actor, name: str, password: str) -> None:
        """An administrator resets a password, or a user changes their own."""
        own = actor.user is not None and actor.user.name.casefold() == name.casefold()
        if not own:
            require(actor, Permission.MANAGE_USERS)
        check_password(password)
        target = self._find(name)
        password_hash = self._hasher.hash(password)
        if target.role is Role.ADMINISTRATOR and actor.is_local_admin:

            def reset_admin(db: sqlite_utils.Database) -> None:
                self._check_may_make_admin(db, actor)
                self._store_password(db, target.id, password_hash)
                self._audit.append(db, actor, "user.password_set", target.name)

            self._db.write(reset_admin).result()
            return

        def reset(db: sqlite_utils.Database) -> None:
            self._store_password(db, target.id, password_hash)
            self._audit.append(db, actor, "user.password_set", target.name, {"own": own})

        self._db.write(reset).result()

    def _store_password(self, db: sqlite_utils.Database, user_id: int, password_hash: str) -> None:
        # A new password also lifts a lockout: that is how an administrator lets someone back in.
        db.table("users").update(
            user_id,
            {
                "password_hash": password_hash,
                "failed_logins": 0,
                "locked_until": None,
                "updated_at": to_iso(self._clock.now()),
            },
        )

    def set_disabled(self, actor: Actor, name: str, disabled: bool) -> User:
        require(actor, Permission.MANAGE_USERS)
        target = self._find(name)
        if disabled and actor.user is not None and actor.user.id == target.id:
            raise InvalidInput(N_("You cannot disable your own account."))

        def change(db: sqlite_utils.Database) -> None:
            if disabled and target.role is Role.ADMINISTRATOR:
                self._check_not_last_admin(db, target)
            if not disabled and target.role is Role.ADMINISTRATOR:
                self._check_may_make_admin(db, actor)
            db.table("users").update(
                target.id,
                {"disabled": int(disabled), "updated_at": to_iso(self._clock.now())},
            )
            action = "user.disabled" if disabled else "user.enabled"
            self._audit.append(db, actor, action, target.name)

        self._db.write(change).result()
        return self._find(name)

    def _check_not_last_admin(self, db: sqlite_utils.Database, target: User) -> None:
        others = db.execute(
            "SELECT count(*) FROM users WHERE role = 'administrator' AND disabled = 0 AND id != ?",
            (target.id,),
        ).fetchone()[0]
        if not others:
            raise InvalidInput(
                N_("{name} is the last administrator; appoint another one first."),
                name=target.name,
            )

    # -- login -------------------------------------------------------------------------------

    def authenticate(self, name: str, password: str, *, purpose: str = "login") -> User:
        """The user, if the password is right and the account is neither locked nor disabled.

        Every attempt is written to the access log; a success only once its entry is durable
        (`purpose` names it: "login", or "console.unlocked" on the lock screen).
        """
        name = name.strip()
        rows = self._db.query("SELECT * FROM users WHERE name = ?", (name,))
        if not rows:
            self._verify(self._dummy_hash, password)
            self._audit.record(name, "login.failed", name, {"unknown_user": True}).result()
            raise AuthenticationFailed(N_("Wrong user name or password."))
        row = rows[0]
        now = self._clock.now()
        if row["locked_until"] and from_iso(row["locked_until"]) > now:
            self._audit.record(row["name"], "login.refused", row["name"], {"reason": "locked"})
            raise _locked(from_iso(row["locked_until"]) - now)
        if not self._verify(row["password_hash"], password):
            self._record_failure(row["id"], row["name"])
            raise AuthenticationFailed(N_("Wrong user name or password."))
        if row["disabled"]:
            self._audit.record(row["name"], "login.refused", row["name"], {"reason": "disabled"})
            raise AccountDisabled(N_("This account is disabled. Ask an administrator."))
        new_hash = None
        if self._hasher.check_needs_rehash(row["password_hash"]):
            new_hash = self._hasher.hash(password)

        def succeed(db: sqlite_utils.Database) -> None:
            self._audit.append(db, row["name"], purpose, row["name"])
            changes: dict[str, object] = {"failed_logins": 0, "locked_until": None}
            if new_hash is not None:
                changes["password_hash"] = new_hash
            db.table("users").update(row["id"], changes)

        # Fail closed: no entry, no login.
        self._db.write(succeed).result()
        return self._to_user(row)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False

    def _record_failure(self, user_id: int, name: str) -> None:
        limit = self._settings.get_int(LOCKOUT_MAX_FAILURES)
        minutes = self._settings.get_int(LOCKOUT_MINUTES)
        now = self._clock.now()

        def count(db: sqlite_utils.Database) -> bool:
            failures = 1 + int(
                db.execute("SELECT failed_logins FROM users WHERE id = ?", (user_id,)).fetchone()[0]
            )
            self._audit.append(db, name, "login.failed", name, {"failures": failures})
            if failures >= limit:
                until = to_iso(now + timedelta(minutes=minutes))
                db.table("users").update(user_id, {"failed_logins": 0, "locked_until": until})
                self._audit.append(db, name, "account.locked", name, {"minutes": minutes})
                return True
            db.table("users").update(user_id, {"failed_logins": failures})
            return False

        if self._db.write(count).result():
            raise _locked(timedelta(minutes=minutes))


def _locked(remaining: timedelta) -> AccountLocked:
    minutes = max(1, int(-(-remaining.total_seconds() // 60)))
    return AccountLocked(
        N_(
            "Too many failed logins: the account is locked for {minutes} min. "
            "An administrator can unlock it by setting a new password."
        ),
        minutes=minutes,
    )


def _active_admins(db: sqlite_utils.Database) -> int:
    return int(
        db.execute(
            "SELECT count(*) FROM users WHERE role = 'administrator' AND disabled = 0"
        ).fetchone()[0]
    )


def _ids(areas: frozenset[int]) -> str:
    """Area ids as logged: "2,4", or "" for all areas."""
    return ",".join(str(a) for a in sorted(areas))
