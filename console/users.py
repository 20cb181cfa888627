"""Console users: creation, roles and areas, passwords (argon2), login with lockout."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import argon2
import sqlite_utils
import zxcvbn
from argon2.exceptions import InvalidHashError, VerificationError

from console.audit.log import AuditLog, AuditUnavailable
from console.clock import Clock, SystemClock, from_iso, to_iso
from console.domain import Actor, Permission, Role, User
from console.errors import (
    N_,
    AccountLocked,
    AlreadyExists,
    AuthenticationFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    StorageError,
)
from console.events import ChangeKind, EventHub
from console.policy import require
from console.settings import (
    LOCKOUT_MAX_FAILURES,
    LOCKOUT_MINUTES,
    PASSWORD_MIN_LENGTH,
    PASSWORD_MIN_SCORE,
    Settings,
)
from console.storage import Database

MIN_PASSWORD_LENGTH = PASSWORD_MIN_LENGTH.default
MIN_PASSWORD_SCORE = PASSWORD_MIN_SCORE.default
#: Longer passwords are refused when set and never verified at login.
MAX_PASSWORD_LENGTH = 1024
_NAME_RE = re.compile(r"[\w][\w.\-@]{0,63}")
#: Who a login under a name no user has is logged as.
UNKNOWN_USER = "unknown user"
#: The key of the hash that marks unknown names in the log (a row of the settings table).
_MARK_KEY = "security.login_mark_key"


def parse_role(token: str) -> Role:
    try:
        return Role(token.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput(
            N_("There is no role “{token}”. Roles: {roles}."), token=token, roles=roles
        ) from None


def check_password(
    password: str,
    *,
    min_length: int = MIN_PASSWORD_LENGTH,
    min_score: int = MIN_PASSWORD_SCORE,
    user_inputs: Sequence[str] = (),
) -> None:
    """Refuse a password that is short or easy to guess (zxcvbn's estimate and its lists of
    common passwords, words and names; `user_inputs` are guessable too, such as the user's
    name), saying in plain words what is wrong with it."""
    if len(password) < min_length:
        raise InvalidInput(
            N_("The password must have at least {count} characters."), count=min_length
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            N_("The password must have at most {count} characters."), count=MAX_PASSWORD_LENGTH
        )
    if password.strip() != password or not password.isprintable():
        raise InvalidInput(
            N_("The password must not begin or end with spaces or hold control keys.")
        )
    if min_score <= 0:
        return
    # zxcvbn refuses longer input; whatever follows its limit only makes a password stronger.
    estimate = zxcvbn.zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=list(user_inputs))
    if int(estimate["score"]) < min_score:
        raise InvalidInput(_weakness(estimate["sequence"]))


#: zxcvbn's own limit on the length it estimates.
_ZXCVBN_MAX_LENGTH = 72

#: Why a password is easy to guess, by the kind of zxcvbn's longest match in it. zxcvbn's own
#: feedback is English only: the operator sees these templates instead.
_WEAKNESSES = {
    "repeat": N_(
        "The password is too easy to guess: it repeats the same characters or words. "
        "Use a longer one, for example a few unrelated words."
    ),
    "sequence": N_(
        "The password is too easy to guess: it is a run such as abc or 1234. "
        "Use a longer one, for example a few unrelated words."
    ),
    "spatial": N_(
        "The password is too easy to guess: it is a row of neighbouring keys on the keyboard. "
        "Use a longer one, for example a few unrelated words."
    ),
    "date": N_(
        "The password is too easy to guess: it is built around a date or a year. "
        "Use a longer one, for example a few unrelated words."
    ),
    "dictionary": N_(
        "The password is too easy to guess: it is built from a common password, word or name. "
        "Use a longer one, for example a few unrelated words."
    ),
}
_WEAKNESSES["regex"] = _WEAKNESSES["date"]  # zxcvbn's only pattern: recent years


def _weakness(sequence: Sequence[Mapping[str, Any]]) -> str:
    patterns = [
        (len(str(match.get("token", ""))), str(match.get("pattern", "")))
        for match in sequence
        if match.get("pattern") in _WEAKNESSES
    ]
    if not patterns:
        return N_(
            "The password is too easy to guess: it is too short for the characters it uses. "
            "Use a longer one, for example a few unrelated words."
        )
    return _WEAKNESSES[max(patterns)[1]]


def normalize_name(name: str) -> str:
    """A user name as stored and looked up: NFKC, so that other forms of the same characters
    (full-width letters, ligatures) are one name."""
    return unicodedata.normalize("NFKC", name)


# Letters of other scripts that look like Latin ones, in the manner of Unicode's confusables
# (UTS #39) but only for the scripts a Swedish municipality's staff are likely to type. Names are
# unique regardless of case, so a letter counts as a look-alike if it looks Latin in either case:
# one table for the lower-case form of a name, one for the upper-case form.
# fmt: off
_LOWER_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "ь": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i",
        "ј": "j", "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q",
        "г": "r", "ѕ": "s", "т": "t", "у": "y", "ԝ": "w", "х": "x", "ԁ": "d", "ԍ": "g",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "γ": "y", "η": "n",
        # Latin letters and digits that pass for others
        "ɑ": "a", "ı": "i", "ȷ": "j", "ɡ": "g", "0": "o", "1": "l",
    }
)
_UPPER_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "А": "A", "В": "B", "Е": "E", "Ё": "E", "З": "3", "І": "I", "Ї": "I", "Ј": "J",
        "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X",
        "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Ӏ": "I",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        # Digits that pass for letters
        "0": "O", "1": "I",
    }
)
# fmt: on


def name_skeletons(name: str) -> tuple[str, str]:
    """What a name looks like, in lower and in upper case: two names with the same lower or
    the same upper skeleton cannot be told apart on screen or in the log."""
    normal = normalize_name(name)
    lower = normal.casefold().translate(_LOWER_LOOK_ALIKES).replace("rn", "m")
    upper = normal.upper().translate(_UPPER_LOOK_ALIKES)
    return lower, upper


def looks_alike(a: str, b: str) -> bool:
    (lower_a, upper_a), (lower_b, upper_b) = name_skeletons(a), name_skeletons(b)
    return lower_a == lower_b or upper_a == upper_b


def check_name(name: str) -> None:
    if not _NAME_RE.fullmatch(name):
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
        events: EventHub | None = None,
    ) -> None:
        self._db = db
        self._settings = settings
        self._audit = audit
        #: USERS after an add, a change, a new password, disabling or enabling (user ids); a
        #: login's failure count and lock are the login's bookkeeping and not announced
        self._events = events or EventHub()
        self._clock = clock or SystemClock()
        self._hasher = hasher or argon2.PasswordHasher()
        # Verified against when the user does not exist, so that a wrong name takes as long as a
        # wrong password and login times do not reveal which names exist.
        self._dummy_hash = self._hasher.hash("not a password of anyone")

    def check_password(self, password: str, name: str = "") -> None:
        """Refuse a password the administrators' rules do not accept (see `check_password`)."""
        check_password(
            password,
            min_length=self._settings.get_int(PASSWORD_MIN_LENGTH),
            min_score=self._settings.get_int(PASSWORD_MIN_SCORE),
            user_inputs=[name, *re.split(r"[\W_]+", name)] if name else (),
        )

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
        rows = self._db.query("SELECT * FROM users WHERE name = ?", (normalize_name(name),))
        if not rows:
            raise NotFound(N_("There is no user called “{name}”."), name=name)
        return self._to_user(rows[0])

    def _to_user(self, row: dict[str, Any]) -> User:
        areas = self._db.query("SELECT area_id FROM user_areas WHERE user_id = ?", (row["id"],))
        with self._db.decoding("users", row["id"]):
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
        name = normalize_name(name)
        check_name(name)
        self.check_password(password, name)
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
        return self._announced(self._find(name))

    def add(
        self,
        actor: Actor,
        name: str,
        role: Role,
        password: str,
        areas: Iterable[int] = (),
    ) -> User:
        require(actor, Permission.MANAGE_USERS)
        name = normalize_name(name)
        check_name(name)
        self.check_password(password, name)
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
        return self._announced(self._find(name))

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
        # Checked in the write transaction, against every name, so that no second "admin" in
        # Cyrillic letters can pass for the first in the console or in the access log.
        for (other,) in db.execute("SELECT name FROM users"):
            if looks_alike(name, other):
                raise AlreadyExists(
                    N_("The name “{name}” looks like that of the user “{other}”: choose another."),
                    name=name,
                    other=other,
                )
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
        return self._announced(self._find(name))

    def set_password(self, actor: Actor, name: str, password: str) -> None:
        """An administrator resets a password, or a user changes their own."""
        own = actor.user is not None and actor.user.name.casefold() == name.casefold()
        if not own:
            require(actor, Permission.MANAGE_USERS)
        self.check_password(password, name)
        target = self._find(name)
        password_hash = self._hasher.hash(password)
        if target.role is Role.ADMINISTRATOR and actor.is_local_admin:

            def reset_admin(db: sqlite_utils.Database) -> None:
                self._check_may_make_admin(db, actor)
                self._store_password(db, target.id, password_hash)
                self._audit.append(db, actor, "user.password_set", target.name)

            self._db.write(reset_admin).result()
            self._events.announce(ChangeKind.USERS, {target.id})
            return

        def reset(db: sqlite_utils.Database) -> None:
            self._store_password(db, target.id, password_hash)
            self._audit.append(db, actor, "user.password_set", target.name, {"own": own})

        self._db.write(reset).result()
        self._events.announce(ChangeKind.USERS, {target.id})

    def _announced(self, user: User) -> User:
        self._events.announce(ChangeKind.USERS, {user.id})
        return user

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
        return self._announced(self._find(name))

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
        (`purpose` names it: "login", or "console.unlocked" on the lock screen). The lock, the
        account's state and the count of failures are read and written in the one transaction
        that logs the attempt, so parallel attempts (threads, other processes) cannot slip past
        the limit or a lock set meanwhile.
        """
        name = normalize_name(name.strip())
        rows = []
        if _NAME_RE.fullmatch(name):
            rows = self._db.query("SELECT * FROM users WHERE name = ?", (name,))
        row = rows[0] if rows else None
        # Verified even for an unknown name, so that a wrong name takes as long as a wrong
        # password and login times do not reveal which names exist.
        password_ok = self._verify(row["password_hash"] if row else self._dummy_hash, password)
        limit = self._settings.get_int(LOCKOUT_MAX_FAILURES)
        minutes = self._settings.get_int(LOCKOUT_MINUTES)
        now = self._clock.now()
        if row is None:
            try:
                remaining = self._db.write(
                    lambda db: self._unknown_attempt(db, name, now, limit, minutes)
                ).result()
            except StorageError as err:
                # Only the attempt's entry was to be written: say that the log could not be.
                raise AuditUnavailable(
                    N_("The access log cannot be written ({reason}); the action was refused."),
                    reason=str(err),
                ) from err
            if remaining is not None:
                raise _locked(remaining)
            raise AuthenticationFailed(N_("Wrong user name or password."))
        new_hash = None
        if password_ok and self._hasher.check_needs_rehash(row["password_hash"]):
            new_hash = self._hasher.hash(password)

        def attempt(db: sqlite_utils.Database) -> timedelta | bool:
            """True: logged in; a timedelta: locked for that long; False: refused."""
            current = db.execute(
                "SELECT name, password_hash, disabled, failed_logins, locked_until "
                "FROM users WHERE id = ?",
                (row["id"],),
            ).fetchone()
            if current is None:
                return self._unknown_attempt(db, name, now, limit, minutes) or False
            user_name, stored_hash, disabled, failures, locked_until = current
            if locked_until and from_iso(locked_until) > now:
                self._audit.append(db, user_name, "login.refused", user_name, {"reason": "locked"})
                return from_iso(locked_until) - now
            if disabled:
                # The same answer and the same count whether the password was right or not:
                # the answer must not tell a guesser that a guess was right.
                self._audit.append(
                    db, user_name, "login.refused", user_name, {"reason": "disabled"}
                )
            elif password_ok and stored_hash == row["password_hash"]:
                self._audit.append(db, user_name, purpose, user_name)
                changes: dict[str, object] = {"failed_logins": 0, "locked_until": None}
                if new_hash is not None:
                    changes["password_hash"] = new_hash
                db.table("users").update(row["id"], changes)
                return True
            failures += 1
            self._audit.append(db, user_name, "login.failed", user_name, {"failures": failures})
            if failures >= limit:
                until = to_iso(now + timedelta(minutes=minutes))
                db.table("users").update(row["id"], {"failed_logins": 0, "locked_until": until})
                self._audit.append(db, user_name, "account.locked", user_name, {"minutes": minutes})
                return timedelta(minutes=minutes)
            db.table("users").update(row["id"], {"failed_logins": failures})
            return False

        # Fail closed: no entry, no login.
        outcome = self._db.write(attempt).result()
        if outcome is True:
            return self._find(row["name"])
        if isinstance(outcome, timedelta):
            raise _locked(outcome)
        raise AuthenticationFailed(N_("Wrong user name or password."))

    def _unknown_attempt(
        self, db: sqlite_utils.Database, name: str, now: datetime, limit: int, minutes: int
    ) -> timedelta | None:
        """Log a login under a name no user has, and lock that name as an account would be
        locked, so that a lock does not tell which names exist. What was typed is never
        logged (it is often a password typed in the wrong field, and may be of any length):
        only a short keyed hash of it, which shows repeated attempts with the same name."""
        target = f"{UNKNOWN_USER} #{_name_mark(db, name)}"
        # The log holds the count: one place, in the same transaction as the new entry.
        day_ago = to_iso(now - timedelta(days=1))
        last_lock = db.execute(
            "SELECT max(time) FROM audit_entries "
            "WHERE action = 'account.locked' AND target = ? AND time > ?",
            (target, day_ago),
        ).fetchone()[0]
        if last_lock is not None:
            until = from_iso(last_lock) + timedelta(minutes=minutes)
            if until > now:
                self._audit.append(db, UNKNOWN_USER, "login.refused", target, {"reason": "locked"})
                return until - now
        failures = 1 + int(
            db.execute(
                "SELECT count(*) FROM audit_entries "
                "WHERE action = 'login.failed' AND target = ? AND time > ?",
                (target, max(day_ago, last_lock or day_ago)),
            ).fetchone()[0]
        )
        self._audit.append(
            db, UNKNOWN_USER, "login.failed", target, {"unknown_user": True, "failures": failures}
        )
        if failures >= limit:
            self._audit.append(db, UNKNOWN_USER, "account.locked", target, {"minutes": minutes})
            return timedelta(minutes=minutes)
        return None

    def _verify(self, password_hash: str, password: str) -> bool:
        if len(password) > MAX_PASSWORD_LENGTH:
            # No password this long was ever accepted; spare the hasher a megabyte.
            password = ""
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False


def _name_mark(db: sqlite_utils.Database, name: str) -> str:
    """A short keyed hash of a typed user name. The key lives in the database, not in the log,
    so an exported log does not let anyone test guesses of what was typed."""
    db.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
        (_MARK_KEY, secrets.token_hex(32)),
    )
    key = db.execute("SELECT value FROM settings WHERE key = ?", (_MARK_KEY,)).fetchone()[0]
    typed = name.casefold().encode("utf-8", "surrogatepass")
    return hmac.new(bytes.fromhex(key), typed, hashlib.sha256).hexdigest()[:12]


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
