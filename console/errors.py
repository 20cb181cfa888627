"""Errors the environment causes (KnownError, shown to the operator) as opposed to bugs.

A KnownError carries a message an operator understands. Anything else that escapes is a bug: it is
logged with its trace and shown as one "internal error" dialog.
"""

from __future__ import annotations


def N_(template: str) -> str:  # noqa: N802 - the gettext convention
    """Marks a message template for translation; the UI translates it (context "core")."""
    return template


class KnownError(Exception):
    """An error caused by the environment or the user's input, with an operator-readable message.

    The message is a template marked with N_() and its parameters, so that the UI can show it in
    the operator's language: `NotFound(N_("There is no user called {name}."), name=name)`.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        self.message = template.format(**params)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class InternalError(KnownError):
    """A bug, in words, for a caller that shows only KnownErrors: the bug itself (the cause) is
    logged with its trace where it was caught."""

    def __init__(self) -> None:
        super().__init__(N_("Utkik hit an internal error. Details are in the log."))


class PermissionDenied(KnownError):
    """The acting user lacks a permission, or the target lies outside the user's areas."""


class NotFound(KnownError):
    """A named user, area or place does not exist."""


class AlreadyExists(KnownError):
    """A user or object with that name already exists."""


class InvalidInput(KnownError):
    """Input that cannot be accepted, e.g. a too short password or an unknown role."""


class AuthenticationFailed(KnownError):
    """Wrong user name or password (deliberately does not say which)."""


class AccountLocked(KnownError):
    """Too many failed logins; the account is locked for a while."""


class AccountDisabled(KnownError):
    """The account has been disabled by an administrator."""


class StorageError(KnownError):
    """The database cannot be used as it is; nothing has been written to it."""


class DatabaseCorrupt(StorageError):
    """The database file is damaged or not a database."""


class DatabaseUnreadable(StorageError):
    """The database file exists but this account may not read it."""


class DatabaseReadOnly(StorageError):
    """The database or its folder cannot be written: a read-only file system or file modes."""


class DatabaseDiskFull(StorageError):
    """The disk holding the database has no room left."""


class DamagedRecord(DatabaseCorrupt):
    """A table, a row or a value of the database is missing or cannot be read."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of Utkik."""


class DatabaseLocked(StorageError):
    """Another process keeps the database busy for too long."""


class DiskFull(KnownError):
    """The disk holding the recordings (or the data dir) has no room left."""
