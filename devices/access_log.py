"""Choosing the access log's key custody and witnesses for a process (used by both roots)."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from console.ports import KeyStore, Witness
from devices.keystore import FileKeyStore, KeyringKeyStore, keyring_available
from devices.witness import (
    JOURNAL_SOCKET,
    FileWitness,
    JournaldWitness,
    RemoteFileWitness,
    SyslogWitness,
)

#: Remote witness files (on another machine's share), separated by the OS's path separator.
REMOTE_WITNESS_ENV = "UTKIK_REMOTE_WITNESS"

log = logging.getLogger(__name__)


def default_key_dir() -> Path:
    """Outside the data dir, as journald keeps its sealing key apart from the journal."""
    return Path(platformdirs.user_config_dir("utkik", appauthor=False)) / "keys"


def default_witness_file(data_dir: Path) -> Path:
    tag = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:12]
    return Path(platformdirs.user_log_dir("utkik", appauthor=False)) / f"witness-{tag}.jsonl"


def key_store(key_dir: Path | None = None) -> KeyStore:
    """The OS keyring where a backend exists, otherwise a key file only this account reads."""
    if key_dir is not None:
        return FileKeyStore(key_dir)
    if keyring_available():
        return KeyringKeyStore()
    directory = default_key_dir()
    log.info("no keyring backend: the access log's keys are kept in %s", directory)
    return FileKeyStore(directory)


def witnesses(
    data_dir: Path,
    witness_file: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    journal_socket: Path = JOURNAL_SOCKET,
) -> list[Witness]:
    """The local witness file, the system journal (or syslog) where present, and the remote
    witness files named in UTKIK_REMOTE_WITNESS. Only the local file is always there; none is
    required (a witness that cannot be written is reported, never fatal)."""
    chosen: list[Witness] = [FileWitness(witness_file or default_witness_file(data_dir))]
    if JournaldWitness.available(journal_socket):
        chosen.append(JournaldWitness(journal_socket))
    elif SyslogWitness.available():
        chosen.append(SyslogWitness())
    remote = (os.environ if environ is None else environ).get(REMOTE_WITNESS_ENV, "")
    chosen += [RemoteFileWitness(Path(p)) for p in remote.split(os.pathsep) if p]
    return chosen
