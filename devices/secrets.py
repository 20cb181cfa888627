"""Camera logins in the OS keyring (Secret Service, KWallet, macOS Keychain, Windows Credential
Locker), never in a file. Where no keyring backend exists, `secret_store()` returns None and the
core explains that cameras cannot be added (see docs/cameras.md)."""

from __future__ import annotations

import json

import keyring
import keyring.errors

from console.errors import N_, KnownError
from devices.keystore import keyring_available

SERVICE = "utkik-cameras"


class SecretCustodyError(KnownError):
    """The keyring cannot keep or give back a camera login."""


class KeyringSecretStore:
    def __init__(self, service: str = SERVICE) -> None:
        self._service = service

    def __repr__(self) -> str:
        return f"KeyringSecretStore({self._service!r})"

    def store(self, ref: str, user: str, password: str) -> None:
        value = json.dumps({"user": user, "password": password})
        try:
            keyring.set_password(self._service, ref, value)
        except keyring.errors.KeyringError as err:
            raise SecretCustodyError(
                N_("The camera login cannot be stored in the keyring ({reason})."),
                reason=type(err).__name__,
            ) from None

    def load(self, ref: str) -> tuple[str, str] | None:
        try:
            value = keyring.get_password(self._service, ref)
        except keyring.errors.KeyringError as err:
            raise SecretCustodyError(
                N_("The keyring cannot be read ({reason})."), reason=type(err).__name__
            ) from None
        if value is None:
            return None
        try:
            login = json.loads(value)
            return str(login["user"]), str(login["password"])
        except (ValueError, KeyError, TypeError):
            raise SecretCustodyError(
                N_("The camera login {ref} in the keyring is damaged."), ref=ref
            ) from None

    def delete(self, ref: str) -> None:
        try:
            keyring.delete_password(self._service, ref)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as err:
            raise SecretCustodyError(
                N_("The camera login cannot be deleted from the keyring ({reason})."),
                reason=type(err).__name__,
            ) from None

    def describe(self) -> str:
        backend = keyring.get_keyring()
        return f"the keyring ({type(backend).__module__}.{type(backend).__name__})"


def secret_store() -> KeyringSecretStore | None:
    """The OS keyring for camera logins, or None where this machine has none."""
    return KeyringSecretStore() if keyring_available() else None
