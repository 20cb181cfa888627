"""Key custody and witnesses (devices/): key files, the OS keyring, and the witness file."""

from __future__ import annotations

import base64
import logging
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

from console.app import Core
from console.audit import verify as v
from console.audit.log import AuditKeyMismatch, AuditLog
from console.domain import Actor
from console.errors import N_
from console.storage import Database
from devices import access_log
from devices.keystore import FileKeyStore, KeyCustodyError, KeyringKeyStore, keyring_available
from devices.witness import FileWitness
from tests.conftest import FAST_HASHER, FakeClock

NAME = "utkik.local/0123456789abcdef/epoch-0"
SECRET = bytes(range(32))
CLI = Actor.os_account("root")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Modes must not depend on the account's umask."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def fresh_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let keyring choose its backend again from the environment (it caches its choice)."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)


# -- FileKeyStore ---------------------------------------------------------------------------------


def test_file_key_store_round_trip(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "keys")
    assert store.load(NAME) is None
    store.store(NAME, SECRET)
    assert store.load(NAME) == SECRET
    other = "utkik.local/0123456789abcdef/epoch-1"
    store.store(other, b"\xff" * 32)
    assert store.load(NAME) == SECRET
    assert store.load(other) == b"\xff" * 32
    # A new secret under the same name replaces the old one, leaving no temporary file.
    store.store(NAME, b"\x01" * 32)
    assert store.load(NAME) == b"\x01" * 32
    files = sorted(p.name for p in (tmp_path / "keys").iterdir())
    assert len(files) == 2
    assert all(name.endswith(".key") for name in files)
    # The slashes of a key's name do not make folders.
    assert all(p.is_file() for p in (tmp_path / "keys").iterdir())
    assert FileKeyStore(tmp_path / "keys").load(NAME) == b"\x01" * 32
    assert store.describe() == f"file:{tmp_path / 'keys'}"


@pytest.mark.usefixtures("permissive_umask")
def test_file_key_store_modes(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "deep" / "keys")
    store.store(NAME, SECRET)
    assert mode(tmp_path / "deep" / "keys") == 0o700
    (key_file,) = (tmp_path / "deep" / "keys").iterdir()
    assert mode(key_file) == 0o600


@pytest.mark.usefixtures("permissive_umask")
def test_an_open_key_folder_is_closed(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    FileKeyStore(folder).store(NAME, SECRET)
    assert mode(folder) == 0o700


@pytest.mark.parametrize("loose", [0o640, 0o604, 0o660, 0o610, 0o601, 0o644])
def test_a_key_file_others_may_read_is_refused(tmp_path: Path, loose: int) -> None:
    store = FileKeyStore(tmp_path / "keys")
    store.store(NAME, SECRET)
    (key_file,) = (tmp_path / "keys").iterdir()
    os.chmod(key_file, loose)
    with pytest.raises(KeyCustodyError, match="readable by others"):
        store.load(NAME)
    os.chmod(key_file, 0o600)
    assert store.load(NAME) == SECRET


def test_delete_overwrites_and_removes(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "keys")
    store.store(NAME, SECRET)
    (key_file,) = (tmp_path / "keys").iterdir()
    # A second name for the same inode shows what became of the file's content.
    witness_link = tmp_path / "link"
    os.link(key_file, witness_link)
    stored = witness_link.read_bytes()
    assert stored
    store.delete(NAME)
    assert not key_file.exists()
    assert store.load(NAME) is None
    assert witness_link.read_bytes() == b"\0" * len(stored)
    store.delete(NAME)  # nothing to delete: no error
    FileKeyStore(tmp_path / "never made").delete(NAME)


def test_a_damaged_key_file_is_a_custody_error(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "keys")
    store.store(NAME, SECRET)
    (key_file,) = (tmp_path / "keys").iterdir()
    key_file.write_bytes(b"this is not base64!")
    with pytest.raises(KeyCustodyError, match="damaged"):
        store.load(NAME)


def test_a_key_folder_that_cannot_be_made_is_a_custody_error(tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("x")
    store = FileKeyStore(tmp_path / "a file" / "keys")
    with pytest.raises(KeyCustodyError, match="cannot be created"):
        store.store(NAME, SECRET)


# -- the access log with key files ---------------------------------------------------------------


def test_the_log_seals_and_rotates_with_key_files(tmp_path: Path) -> None:
    clock = FakeClock()
    key_dir = tmp_path / "keys"
    core = Core.open(tmp_path / "data", clock=clock, hasher=FAST_HASHER, keys=FileKeyStore(key_dir))
    try:
        core.audit.record(CLI, "test.entry").result()
        assert core.audit.seal().result() is not None
        assert len(list(key_dir.iterdir())) == 1
        first = next(key_dir.iterdir())
        clock.advance(days=1)
        core.audit.record(CLI, "test.entry").result()
        assert core.audit.seal().result() is not None
        # Only the new epoch's key is left.
        assert [p.name for p in key_dir.iterdir()] != [first.name]
        assert len(list(key_dir.iterdir())) == 1
        core.audit.export(CLI, tmp_path / "export")
    finally:
        core.close()
    report = v.verify(tmp_path / "export")
    assert report.ok, report.text()
    assert report.epochs == 2


def audit_log(tmp_path: Path, store: FileKeyStore, clock: FakeClock) -> tuple[Database, AuditLog]:
    db = Database.open(tmp_path / "data", clock)
    audit = AuditLog(db, clock, store, seal_every_entries=3)
    try:
        audit.start(sealer=False)
    except BaseException:
        db.close()
        raise
    return db, audit


def test_a_damaged_key_leaves_entries_unsealed_but_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Appending needs no key: a key that cannot be read must not refuse the actions."""
    clock = FakeClock()
    store = FileKeyStore(tmp_path / "keys")
    db, audit = audit_log(tmp_path, store, clock)
    try:
        for _ in range(3):
            audit.record(CLI, "test.entry").result()
        assert audit.status()["sealed"] == "3"
    finally:
        db.close()
    (key_file,) = (tmp_path / "keys").iterdir()
    for damage in (b"not base64 at all!", b"c2hvcnQ="):  # garbage; a seed of 5 bytes
        key_file.write_bytes(damage)
        db, audit = audit_log(tmp_path, store, clock)
        try:
            with caplog.at_level(logging.WARNING, logger="console.audit.log"):
                for _ in range(4):
                    audit.record(CLI, "test.entry").result()
                assert audit.seal().result() is None
            assert audit.status()["sealed"] == "3"
            assert "cannot be read" in caplog.text
            size = int(audit.status()["size"])
        finally:
            db.close()
    assert size == 11


def test_a_new_log_whose_key_cannot_be_stored_does_not_start(tmp_path: Path) -> None:
    """The first key is made with the log: a log with entries and no key is a broken one, so a
    key store that cannot keep the first key refuses the start (fail closed), and nothing is
    logged unsealable."""
    clock = FakeClock()
    (tmp_path / "a file").write_text("x")
    store = FileKeyStore(tmp_path / "a file" / "keys")
    with pytest.raises(KeyCustodyError):
        audit_log(tmp_path, store, clock)
    # Once the folder can be made, the log starts with its key and seals.
    (tmp_path / "a file").unlink()
    db, audit = audit_log(tmp_path, store, clock)
    try:
        assert len(db.query("SELECT * FROM audit_keys")) == 1
        for seq in range(1, 8):
            assert audit.record(CLI, "test.entry").result().seq == seq
        assert audit.status()["sealed"] == "6"
    finally:
        db.close()


# -- the OS keyring (keyrings.alt's plaintext file, set by the autouse fixture) -------------------


@pytest.mark.usefixtures("fresh_keyring")
def test_keyring_key_store_round_trip() -> None:
    backend = keyring.get_keyring()
    assert isinstance(backend, PlaintextKeyring)
    # The isolated environment keeps the keyring file out of the real home.
    assert backend.file_path.startswith(os.environ["XDG_DATA_HOME"])
    store = KeyringKeyStore()
    assert store.load(NAME) is None
    store.store(NAME, SECRET)
    assert store.load(NAME) == SECRET
    assert KeyringKeyStore(service="another service").load(NAME) is None
    store.delete(NAME)
    assert store.load(NAME) is None
    store.delete(NAME)  # nothing to delete: no error
    assert store.describe() == "keyring:keyrings.alt.file.PlaintextKeyring/utkik-access-log"


@pytest.mark.usefixtures("fresh_keyring")
def test_a_damaged_keyring_entry_is_a_custody_error() -> None:
    keyring.set_password("utkik-access-log", NAME, "not base64 at all!")
    with pytest.raises(KeyCustodyError, match="damaged"):
        KeyringKeyStore().load(NAME)


@pytest.mark.usefixtures("fresh_keyring")
def test_key_store_prefers_the_keyring() -> None:
    assert keyring_available()
    assert isinstance(access_log.key_store(), KeyringKeyStore)


@pytest.mark.usefixtures("fresh_keyring")
@pytest.mark.parametrize(
    "backend",
    [
        "keyring.backends.fail.Keyring",
        # Configured but not usable here: not installed, misspelt, or no D-Bus session.
        "no_such_module.Keyring",
        "keyring.backends.fail.NoSuchKeyring",
        "keyring.backends.SecretService.Keyring",
    ],
)
def test_key_store_without_a_keyring_uses_a_key_folder(
    monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert not keyring_available()
    store = access_log.key_store()
    assert isinstance(store, FileKeyStore)
    assert store.directory == Path(os.environ["XDG_CONFIG_HOME"]) / "utkik" / "keys"
    assert access_log.default_key_dir() == store.directory


def test_key_store_with_a_key_folder(tmp_path: Path) -> None:
    store = access_log.key_store(tmp_path / "keys")
    assert isinstance(store, FileKeyStore)
    assert store.directory == tmp_path / "keys"


# -- witnesses ------------------------------------------------------------------------------------


def test_file_witness_appends_lines_the_verifier_reads(tmp_path: Path) -> None:
    path = tmp_path / "log" / "witness.jsonl"
    witness = FileWitness(path)
    notes = ["first\n1\nroot\n\n— key sig\n", "second ☃ “quoted” \\ \t\n\n— key sig\n"]
    for note in notes:
        witness.append(note)
    assert v.read_notes(path) == notes
    assert path.read_bytes().count(b"\n") == 2
    assert witness.describe() == f"file:{path}"
    # A second writer (another process) appends after the first.
    FileWitness(path).append("third\n\n— key sig\n")
    assert v.read_notes(path) == [*notes, "third\n\n— key sig\n"]


def test_the_witness_file_is_private_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "log" / "witness.jsonl"
        FileWitness(path).append("first\n\n— key sig\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_witness_file_receives_the_checkpoints(tmp_path: Path) -> None:
    witness_file = tmp_path / "witness.jsonl"
    core = Core.open(
        tmp_path / "data",
        clock=FakeClock(),
        hasher=FAST_HASHER,
        keys=FileKeyStore(tmp_path / "keys"),
        witnesses=access_log.witnesses(tmp_path / "data", witness_file),
    )
    try:
        for _ in range(3):
            core.audit.record(CLI, "test.entry").result()
            core.audit.seal().result()
        core.audit.export(CLI, tmp_path / "export")
    finally:
        core.close()
    notes = v.read_notes(witness_file)
    assert [v.Checkpoint.parse(n).size for n in notes] == [1, 2, 3, 4]
    assert notes == v.read_notes(tmp_path / "export" / v.CHECKPOINTS_FILE)
    report = v.verify(tmp_path / "export", witness_file)
    assert report.ok, report.text()


def test_the_default_witness_file_is_in_the_state_folder(tmp_path: Path) -> None:
    first = access_log.default_witness_file(tmp_path / "one")
    second = access_log.default_witness_file(tmp_path / "two")
    assert first.is_relative_to(Path(os.environ["XDG_STATE_HOME"]))
    assert first != second
    assert first == access_log.default_witness_file(tmp_path / "one" / ".." / "one")
    chosen = access_log.witnesses(tmp_path / "one")
    assert isinstance(chosen[0], FileWitness)
    assert chosen[0].path == first


# -- a replaced key, a retired key left behind ----------------------------------------------------


def test_a_replaced_key_file_is_refused(tmp_path: Path) -> None:
    """Someone who swaps the key file for a key of their own gets no checkpoint signed with it."""
    clock = FakeClock()
    store = FileKeyStore(tmp_path / "keys")
    db, audit = audit_log(tmp_path, store, clock)
    try:
        audit.record(CLI, "test.entry").result()
        assert audit.seal().result() is not None
    finally:
        db.close()
    (key_file,) = (tmp_path / "keys").iterdir()
    key_file.write_bytes(base64.b64encode(os.urandom(32)))
    db, audit = audit_log(tmp_path, store, clock)
    try:
        audit.record(CLI, "test.entry").result()  # appending needs no key
        with pytest.raises(AuditKeyMismatch, match="not the key its certificate names"):
            audit.seal().result()
        assert audit.status()["sealed"] == "1"
        assert len(db.query("SELECT * FROM audit_checkpoints")) == 1
    finally:
        db.close()


class StuckKeyStore(FileKeyStore):
    """A key store whose deletions fail until told otherwise."""

    stuck = True

    def delete(self, name: str) -> None:
        if self.stuck:
            raise KeyCustodyError(N_("The key store is read-only."))
        super().delete(name)


def test_a_retired_key_that_was_not_deleted_is_retried_at_every_start(tmp_path: Path) -> None:
    clock = FakeClock()
    store = StuckKeyStore(tmp_path / "keys")
    db, audit = audit_log(tmp_path, store, clock)
    try:
        audit.record(CLI, "test.entry").result()
        audit.seal().result()
        name0 = f"{audit.origin}/epoch-0"
        clock.advance(days=1)
        audit.record(CLI, "test.entry").result()
        audit.seal().result()
    finally:
        db.close()
    assert store.load(name0) is not None
    for _ in range(2):
        db, audit = audit_log(tmp_path, store, clock)
        try:
            assert audit.status()["retired_keys_not_deleted"] == name0
        finally:
            db.close()
    store.stuck = False
    db, audit = audit_log(tmp_path, store, clock)
    try:
        assert "retired_keys_not_deleted" not in audit.status()
    finally:
        db.close()
    assert store.load(name0) is None
    assert len(list((tmp_path / "keys").iterdir())) == 1


def test_a_crash_between_rotation_and_deletion_is_finished_at_the_next_start(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    store = FileKeyStore(tmp_path / "keys")
    db, audit = audit_log(tmp_path, store, clock)
    try:
        audit.record(CLI, "test.entry").result()
        audit.seal().result()
        name0 = f"{audit.origin}/epoch-0"
        seed0 = store.load(name0)
        assert seed0 is not None
        clock.advance(days=1)
        audit.record(CLI, "test.entry").result()
        audit.seal().result()
    finally:
        db.close()
    store.store(name0, seed0)  # as if the process had died before deleting it
    db, audit = audit_log(tmp_path, store, clock)
    db.close()
    assert store.load(name0) is None


# -- the system journal and a remote witness -------------------------------------------------------


def parse_journal_datagram(data: bytes) -> dict[str, str]:
    """The journal's native protocol, read back as journald does."""
    fields: dict[str, str] = {}
    while data:
        line, _, rest = data.partition(b"\n")
        if b"=" in line:
            name, _, value = line.partition(b"=")
            fields[name.decode()] = value.decode()
            data = rest
        else:
            size = int.from_bytes(rest[:8], "little")
            fields[line.decode()] = rest[8 : 8 + size].decode()
            assert rest[8 + size : 9 + size] == b"\n"
            data = rest[9 + size :]
    return fields


def test_checkpoints_reach_the_journal_where_there_is_one(tmp_path: Path) -> None:
    """A socket of our own stands in for journald's: no running journal is needed."""
    path = Path(tempfile.mkdtemp(prefix="utkik-journal-", dir="/tmp")) / "socket"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        server.bind(str(path))
        server.settimeout(10)
        chosen = access_log.witnesses(tmp_path / "data", environ={}, journal_socket=path)
        assert [w.describe() for w in chosen][1:] == ["journald"]
        core = Core.open(
            tmp_path / "data",
            clock=FakeClock(),
            hasher=FAST_HASHER,
            keys=FileKeyStore(tmp_path / "keys"),
            witnesses=chosen,
        )
        try:
            core.audit.record(CLI, "test.entry").result()
            sealed = core.audit.seal().result()
            assert sealed is not None
        finally:
            core.close()
        fields = parse_journal_datagram(server.recv(65536))
    finally:
        server.close()
        shutil.rmtree(path.parent)
    assert fields["UTKIK_CHECKPOINT"] == sealed.note
    assert fields["SYSLOG_IDENTIFIER"] == "utkik"
    assert fields["MESSAGE"] == f"access log checkpoint {core.audit.origin} 1"
    # Without a journal socket there is no journal witness (syslog where /dev/log exists).
    missing = access_log.witnesses(tmp_path / "data", environ={}, journal_socket=path)
    assert "journald" not in [w.describe() for w in missing]


def test_a_remote_witness_on_another_share(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """UTKIK_REMOTE_WITNESS names append-only files on another machine's share; a share that
    is not mounted loses no checkpoint and is not replaced by a local folder."""
    share = tmp_path / "share"
    share.mkdir()
    remote = share / "workstation-1.jsonl"
    unmounted = tmp_path / "not mounted" / "w.jsonl"
    environ = {access_log.REMOTE_WITNESS_ENV: os.pathsep.join([str(remote), str(unmounted)])}
    chosen = access_log.witnesses(tmp_path / "data", tmp_path / "local.jsonl", environ=environ)
    assert [w.describe() for w in chosen if w.describe().startswith("remote-file:")] == [
        f"remote-file:{remote}",
        f"remote-file:{unmounted}",
    ]
    core = Core.open(
        tmp_path / "data",
        clock=FakeClock(),
        hasher=FAST_HASHER,
        keys=FileKeyStore(tmp_path / "keys"),
        witnesses=chosen,
    )
    try:
        with caplog.at_level(logging.ERROR, logger="console.audit.log"):
            for _ in range(2):
                core.audit.record(CLI, "test.entry").result()
                core.audit.seal().result()
        core.audit.export(CLI, tmp_path / "export")
    finally:
        core.close()
    assert "not mounted" in caplog.text
    assert not unmounted.parent.exists()
    assert v.read_notes(remote) == v.read_notes(tmp_path / "local.jsonl")
    assert v.verify(tmp_path / "export", remote).ok
    # The workstation's own files rolled back to one entry: the remote witness tells.
    cut = tmp_path / "cut"
    shutil.copytree(tmp_path / "export", cut)
    lines = (cut / v.ENTRIES_FILE).read_bytes().splitlines(keepends=True)
    (cut / v.ENTRIES_FILE).write_bytes(lines[0])
    notes = v.read_notes(cut / v.CHECKPOINTS_FILE)[:1]
    (cut / v.CHECKPOINTS_FILE).write_bytes(v.canonical_json({"note": notes[0]}) + b"\n")
    assert v.verify(cut).ok
    assert v.verify(cut, remote).first_bad == 2
