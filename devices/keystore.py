"""Custody of the access log's private keys: the OS keyring, or a key file readable only by the
account that runs Utkik, in a key directory outside the data dir (as journald keeps its sealing
key). Which one is used is decided in the composition roots and named in the log's metadata."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import stat
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import fail

from console.errors import N_, KnownError

SERVICE = "utkik-access-log"

log = logging.getLogger(__name__)


class KeyCustodyError(KnownError):
    """The key store cannot be used."""


def keyring_available() -> bool:
    """Whether the OS offers a real keyring backend (none on a headless Linux server)."""
    try:
        backend = keyring.get_keyring()
    except (ImportError, AttributeError, RuntimeError, keyring.errors.KeyringError) as err:
        # PYTHON_KEYRING_BACKEND (or keyringrc.cfg) names a backend that is not installed, does
        # not exist, or cannot work here (SecretService without a D-Bus session, over ssh).
        log.warning("the configured keyring backend cannot be loaded: %s", err)
        return False
    if isinstance(backend, fail.Keyring):
        return False
    # keyrings.alt (a development dependency) offers plain files as a "keyring" with a low
    # priority; keyring picks it where no real keyring exists. It is no OS keyring: accept it only
    # where someone chose it on purpose (PYTHON_KEYRING_BACKEND, as the tests do).
    if type(backend).__module__.startswith("keyrings.alt") and not os.environ.get(
        "PYTHON_KEYRING_BACKEND"
    ):
        return False
    priority = getattr(backend, "priority", 1)
    return bool(priority is None or priority > 0)


class KeyringKeyStore:
    def __init__(self, service: str = SERVICE) -> None:
        self._service = service

    def load(self, name: str) -> bytes | None:
        try:
            value = keyring.get_password(self._service, name)
        except keyring.errors.KeyringError as err:
            raise KeyCustodyError(
                N_("The keyring cannot be read ({reason})."), reason=str(err)
            ) from err
        if value is None:
            return None
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as err:
            raise KeyCustodyError(
                N_("The key {name} in the keyring is damaged."), name=name
            ) from err

    def store(self, name: str, secret: bytes) -> None:
        try:
            keyring.set_password(self._service, name, base64.b64encode(secret).decode("ascii"))
        except keyring.errors.KeyringError as err:
            raise KeyCustodyError(
                N_("The key cannot be stored in the keyring ({reason})."), reason=str(err)
            ) from err

    def delete(self, name: str) -> None:
        try:
            keyring.delete_password(self._service, name)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as err:
            raise KeyCustodyError(
                N_("The key cannot be deleted from the keyring ({reason})."), reason=str(err)
            ) from err

    def describe(self) -> str:
        backend = keyring.get_keyring()
        return f"keyring:{type(backend).__module__}.{type(backend).__name__}/{self._service}"


class FileKeyStore:
    """One file per key in a directory only this account may enter (0700; files 0600)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        safe = base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii")
        return self.directory / f"{safe}.key"

    def _ensure_directory(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.directory, 0o700)
        except OSError as err:
            raise KeyCustodyError(
                N_("The key folder {path} cannot be created: {reason}."),
                path=self.directory,
                reason=err.strerror,
            ) from err

    def load(self, name: str) -> bytes | None:
        path = self._path(name)
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise KeyCustodyError(
                    N_("The key file {path} is readable by others; it is not used."), path=path
                )
            return base64.b64decode(path.read_bytes(), validate=True)
        except FileNotFoundError:
            return None
        except PermissionError:
            return None
        except binascii.Error as err:
            raise KeyCustodyError(N_("The key file {path} is damaged."), path=path) from err

    def store(self, name: str, secret: bytes) -> None:
        self._ensure_directory()
        path = self._path(name)
        tmp = path.with_suffix(".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(base64.b64encode(secret))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except OSError as err:
            raise KeyCustodyError(
                N_("The key cannot be written to {path}: {reason}."), path=path, reason=err.strerror
            ) from err

    def delete(self, name: str) -> None:
        path = self._path(name)
        try:
            # Overwrite before unlinking: a retired key must not be recoverable from the file.
            size = path.stat().st_size
            with path.open("r+b") as out:
                out.write(b"\0" * size)
                out.flush()
                os.fsync(out.fileno())
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as err:
            raise KeyCustodyError(
                N_("The retired key {path} cannot be deleted: {reason}."),
                path=path,
                reason=err.strerror,
            ) from err

    def describe(self) -> str:
        return f"file:{self.directory}"
