"""Camera logins in the OS keyring (Secret Service, KWallet, macOS Keychain, Windows Credential
Locker), never in a file. Where no keyring backend exists, `secret_store()` returns None and the
core explains that cameras cannot be added (see docs/cameras.md)."""

from __future__ import annotations

import json
import logging
import os
import threading

import keyring
import keyring.backend
import keyring.errors

from console.errors import N_, KnownError
from devices.keystore import keyring_available

SERVICE = "utkik-cameras"
#: Set to 1 to let camera logins go into a plain-text keyring: tests and throw-away setups only.
ALLOW_PLAINTEXT_KEYRING = "UTKIK_ALLOW_PLAINTEXT_KEYRING"

log = logging.getLogger(__name__)


class SecretCustodyError(KnownError):
    """The keyring cannot keep or give back a camera login."""


def plaintext_backend(backend: keyring.backend.KeyringBackend) -> bool:
    """Whether a keyring backend keeps secrets where anyone who reads the account's files can
    read them (keyrings.alt's files and registry keys) or does not keep them at all (null)."""
    module = type(backend).__module__
    return module.startswith("keyrings.alt") or module == "keyring.backends.null"


class KeyringSecretStore:
    """Camera logins in a keyring. `plaintext`: the keyring is a plain-text one, allowed on
    purpose (warned about); `refused`: it is one not allowed, and every use is refused."""

    def __init__(
        self, service: str = SERVICE, *, plaintext: bool = False, refused: bool = False
    ) -> None:
        self._service = service
        self._plaintext = plaintext
        self._refused = refused
        self._warned = threading.Event()

    def __repr__(self) -> str:
        return f"KeyringSecretStore({self._service!r})"

    def _check(self) -> None:
        if self._refused:
            raise SecretCustodyError(
                N_(
                    "Camera logins are not kept in the keyring {backend}: it keeps them in plain "
                    "text (or not at all), and it was chosen by PYTHON_KEYRING_BACKEND or a "
                    "keyringrc.cfg. Use the OS keyring; only for tests or a throw-away setup, "
                    "UTKIK_ALLOW_PLAINTEXT_KEYRING=1 allows it."
                ),
                backend=_backend_name(),
            )
        if self._plaintext and not self._warned.is_set():
            self._warned.set()
            log.warning(
                "CAMERA LOGINS ARE KEPT IN PLAIN TEXT in %s (allowed by %s=1): anyone who can "
                "read this account's files can read them. Use this only for tests or a "
                "throw-away setup.",
                _backend_name(),
                ALLOW_PLAINTEXT_KEYRING,
            )

    def store(self, ref: str, user: str, password: str) -> None:
        self._check()
        value = json.dumps({"user": user, "password": password})
        try:
            keyring.set_password(self._service, ref, value)
        except keyring.errors.KeyringError as err:
            raise SecretCustodyError(
                N_("The camera login cannot be stored in the keyring ({reason})."),
                reason=type(err).__name__,
            ) from None

    def load(self, ref: str) -> tuple[str, str] | None:
        self._check()
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
        if self._plaintext:
            return f"the keyring ({_backend_name()}), which keeps logins in plain text"
        return f"the keyring ({_backend_name()})"


def _backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def secret_store() -> KeyringSecretStore | None:
    """The OS keyring for camera logins, or None where this machine has none. A plain-text
    keyring is refused unless the environment allows it (UTKIK_ALLOW_PLAINTEXT_KEYRING=1)."""
    if not keyring_available():
        return None
    if plaintext_backend(keyring.get_keyring()):
        if os.environ.get(ALLOW_PLAINTEXT_KEYRING) == "1":
            return KeyringSecretStore(plaintext=True)
        return KeyringSecretStore(refused=True)
    return KeyringSecretStore()
