"""The access log: append-only entries in a hash chain and a Merkle tree, sealed by signed
checkpoints under daily epoch keys, witnessed outside the database.

Appending needs no key: every append is one serialized transaction (`BEGIN IMMEDIATE` on the
writer thread; the sequence number comes from the table), so a CLI command and a running console
append safely at the same time. Sealing needs the current epoch's private key; a process that
cannot reach it leaves its entries for the next seal.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import secrets
import shutil
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from console.audit import verify as v
from console.clock import Clock, SystemClock, from_iso, to_iso
from console.domain import Actor, Permission
from console.errors import N_, InvalidInput, KnownError, NotFound, StorageError
from console.policy import require
from console.ports import KeyStore, Witness
from console.storage import Database

log = logging.getLogger(__name__)

#: Seal at the latest after this many entries ...
SEAL_EVERY_ENTRIES = 100
#: ... or this many seconds after the first unsealed entry.
SEAL_EVERY_SECONDS = 60.0

_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_DETAIL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
Scalar = str | int | bool | None


class AuditUnavailable(KnownError):
    """The access log cannot be written: the action it would describe is refused."""


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    time: datetime
    actor: str
    action: str
    target: str
    details: Mapping[str, Scalar]
    hash: str


@dataclass(frozen=True, slots=True)
class Session:
    """A lasting action (live view, playback) between its start and end entries."""

    id: int
    start_seq: int
    actor: str
    action: str
    target: str


@dataclass(frozen=True, slots=True)
class Sealed:
    size: int
    note: str


@dataclass
class _After:
    """Work for after the transaction commits (witnessing, deleting retired keys)."""

    actions: list[Callable[[], None]] = field(default_factory=list)


def check_details(details: Mapping[str, object]) -> dict[str, Scalar]:
    """A flat object of scalars whose keys never repeat the entry's own (see verify.py)."""
    out: dict[str, Scalar] = {}
    for key, value in details.items():
        if not _DETAIL_KEY.match(key) or key in v.ENTRY_KEYS:
            raise ValueError(f"detail key {key!r} is not allowed")
        if not (value is None or isinstance(value, str | int | bool)):
            raise ValueError(f"detail {key!r} must be text, an integer, a boolean or null")
        out[key] = value
    v.check_json_value(out, "details")
    return out


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine's session is not ours to close
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


class AuditLog:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        keys: KeyStore | None = None,
        witnesses: Sequence[Witness] = (),
        *,
        seal_every_entries: int = SEAL_EVERY_ENTRIES,
        seal_every_seconds: float = SEAL_EVERY_SECONDS,
    ) -> None:
        self._db = db
        self._clock = clock or SystemClock()
        self._keys = keys
        self._witnesses = list(witnesses)
        self._seal_every_entries = seal_every_entries
        self._seal_every_seconds = seal_every_seconds
        self._private: dict[str, Ed25519PrivateKey] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._sealer: threading.Thread | None = None
        self._owner = _owner()
        self.origin = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, *, sealer: bool = True) -> None:
        """Name the log on its first use, close sessions a crash left open, start sealing."""
        self.origin = self._write(self._init_meta).result()
        self._write(self._recover).result()
        if sealer and self._keys is not None:
            self._sealer = threading.Thread(
                target=self._run_sealer, name="utkik-audit-sealer", daemon=True
            )
            self._sealer.start()

    def close(self) -> None:
        """Seal what is unsealed (at shutdown, as the design asks) and stop."""
        self._stop.set()
        self._wake.set()
        if self._sealer is not None:
            self._sealer.join(timeout=30)
        if self._keys is not None:
            try:
                self.seal().result(timeout=30)
            except KnownError as err:
                log.warning("the access log was not sealed at shutdown: %s", err)

    def _init_meta(self, db: sqlite_utils.Database, after: _After) -> str:
        row = db.execute("SELECT value FROM audit_meta WHERE key = 'origin'").fetchone()
        if row:
            origin = str(row[0])
        else:
            origin = f"utkik.local/{secrets.token_hex(8)}"
            for key, value in (
                ("origin", origin),
                ("size", "0"),
                ("last_hash", v.ZERO_HASH),
                ("frontier", "[]"),
            ):
                db.table("audit_meta").insert({"key": key, "value": value})
        if self._keys is not None:
            db.table("audit_meta").upsert(
                {"key": "key_custody", "value": self._keys.describe()}, pk="key"
            )
        if self._witnesses:
            description = "; ".join(w.describe() for w in self._witnesses)
            db.table("audit_meta").upsert({"key": "witness", "value": description}, pk="key")
        return origin

    # -- appending ---------------------------------------------------------------------------

    def _write(self, fn: Callable[[sqlite_utils.Database, _After], Any]) -> Future[Any]:
        """A write job whose after-commit work runs once the transaction is durable."""
        after = _After()
        future = self._db.write(lambda db: fn(db, after))
        outer: Future[Any] = Future()

        def done(inner: Future[Any]) -> None:
            err = inner.exception()
            if err is not None:
                if isinstance(err, StorageError):
                    err = AuditUnavailable(
                        N_("The access log cannot be written ({reason}); the action was refused."),
                        reason=str(err),
                    )
                outer.set_exception(err)
                return
            for action in after.actions:
                action()
            outer.set_result(inner.result())

        future.add_done_callback(done)
        return outer

    def record(
        self,
        actor: Actor | str,
        action: str,
        target: str = "",
        details: Mapping[str, object] | None = None,
    ) -> Future[Entry]:
        """Append an entry; the future resolves once it is durable. Act only after that."""
        prepared = self._prepare(actor, action, target, details)

        def job(db: sqlite_utils.Database, after: _After) -> Entry:
            entry = self._append(db, *prepared)
            if entry.seq - self._sealed_size(db) >= self._seal_every_entries:
                self._seal_beside(db, after)
            return entry

        return self._write(job)

    def _seal_beside(self, db: sqlite_utils.Database, after: _After) -> None:
        """Seal in an append's transaction. Appending needs no key: if the key cannot be made
        or kept, the entry still stands and waits for a later seal."""
        sealing = _After()
        db.execute("SAVEPOINT audit_seal")
        try:
            self._seal_in(db, sealing)
        except KnownError as err:
            db.execute("ROLLBACK TO audit_seal")
            log.warning("the access log could not be sealed: %s", err)
        else:
            after.actions.extend(sealing.actions)
        finally:
            db.execute("RELEASE audit_seal")

    def append(
        self,
        db: sqlite_utils.Database,
        actor: Actor | str,
        action: str,
        target: str = "",
        details: Mapping[str, object] | None = None,
    ) -> Entry:
        """Append inside a caller's write transaction, so the entry and the change it describes
        are committed together or not at all."""
        entry = self._append(db, *self._prepare(actor, action, target, details))
        self._wake.set()
        return entry

    def _prepare(
        self,
        actor: Actor | str,
        action: str,
        target: str,
        details: Mapping[str, object] | None,
    ) -> tuple[str, str, str, dict[str, Scalar]]:
        name = actor.name if isinstance(actor, Actor) else actor
        if not _ACTION.match(action):
            raise ValueError(f"action {action!r} is not a dotted lower-case token")
        return name, action, target, check_details(details or {})

    def _append(
        self,
        db: sqlite_utils.Database,
        actor: str,
        action: str,
        target: str,
        details: dict[str, Scalar],
    ) -> Entry:
        meta = dict(db.execute("SELECT key, value FROM audit_meta").fetchall())
        seq = int(meta["size"]) + 1
        now = self._clock.now()
        body = v.canonical_json(
            {
                "action": action,
                "actor": actor,
                "details": details,
                "prev": meta["last_hash"],
                "seq": seq,
                "target": target,
                "time": to_iso(now),
            }
        )
        digest = v.sha256_hex(body)
        frontier = v.Frontier.from_json(meta["frontier"])
        frontier.append(v.leaf_hash(body))
        db.table("audit_entries").insert(
            {
                "seq": seq,
                "body": body,
                "time": to_iso(now),
                "actor": actor,
                "action": action,
                "target": target,
            }
        )
        for key, value in (
            ("size", str(seq)),
            ("last_hash", digest),
            ("frontier", frontier.to_json()),
        ):
            db.execute("UPDATE audit_meta SET value = ? WHERE key = ?", (value, key))
        return Entry(seq, now, actor, action, target, details, digest)

    # -- lasting actions ---------------------------------------------------------------------

    def begin(
        self,
        actor: Actor | str,
        action: str,
        target: str = "",
        details: Mapping[str, object] | None = None,
    ) -> Future[Session]:
        """The start entry of a lasting action; show nothing before the future resolves."""
        name, action, target, checked = self._prepare(actor, action, target, details)

        def job(db: sqlite_utils.Database, after: _After) -> Session:
            entry = self._append(db, name, f"{action}.start", target, checked)
            session_id = (
                db.table("audit_open")
                .insert(
                    {
                        "start_seq": entry.seq,
                        "actor": name,
                        "action": action,
                        "target": target,
                        "owner": self._owner,
                        "opened_at": to_iso(entry.time),
                    }
                )
                .last_pk
            )
            assert session_id is not None
            return Session(int(session_id), entry.seq, name, action, target)

        return self._write(job)

    def end(self, session: Session, details: Mapping[str, object] | None = None) -> Future[Entry]:
        """The end entry of a lasting action, with what was actually shown."""
        checked = check_details({**(details or {}), "start_seq": session.start_seq})

        def job(db: sqlite_utils.Database, after: _After) -> Entry:
            db.execute("DELETE FROM audit_open WHERE id = ?", (session.id,))
            return self._append(db, session.actor, f"{session.action}.end", session.target, checked)

        return self._write(job)

    def _recover(self, db: sqlite_utils.Database, after: _After) -> int:
        """End the sessions of processes that died without ending them, marked as recovered."""
        rows = db.execute(
            "SELECT id, start_seq, actor, action, target, owner FROM audit_open ORDER BY id"
        ).fetchall()
        closed = 0
        for session_id, start_seq, actor, action, target, owner in rows:
            if owner != self._owner and _alive(owner):
                continue
            db.execute("DELETE FROM audit_open WHERE id = ?", (session_id,))
            self._append(
                db, actor, f"{action}.end", target, {"start_seq": start_seq, "recovered": True}
            )
            closed += 1
        return closed

    # -- sealing -----------------------------------------------------------------------------

    def seal(self) -> Future[Sealed | None]:
        """Make a checkpoint now if there are unsealed entries and the key can be reached."""
        return self._write(self._seal_in)

    def _sealed_size(self, db: sqlite_utils.Database) -> int:
        row = db.execute("SELECT max(size) FROM audit_checkpoints").fetchone()
        return int(row[0] or 0)

    def _seal_in(self, db: sqlite_utils.Database, after: _After) -> Sealed | None:
        meta = dict(db.execute("SELECT key, value FROM audit_meta").fetchall())
        size = int(meta["size"])
        last = db.execute(
            "SELECT size, note FROM audit_checkpoints ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if size == 0 or (last is not None and last[0] == size):
            return None
        now = self._clock.now()
        signer = self._signing_key(db, now, after)
        if signer is None:
            return None
        name, private = signer
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        text = v.checkpoint_text(
            meta["origin"],
            size,
            v.Frontier.from_json(meta["frontier"]).root(),
            to_iso(now),
            meta["last_hash"],
            v.sha256_hex(last[1].encode("utf-8")) if last is not None else "none",
        )
        note = text + "\n" + v.signature_line(name, public, private.sign(text.encode("utf-8")))
        db.table("audit_checkpoints").insert(
            {"size": size, "note": note, "signer": name, "time": to_iso(now)}
        )
        for witness in self._witnesses:
            after.actions.append(functools.partial(_witness, witness, note))
        return Sealed(size, note)

    def _signing_key(
        self, db: sqlite_utils.Database, now: datetime, after: _After
    ) -> tuple[str, Ed25519PrivateKey] | None:
        if self._keys is None:
            return None
        row = db.execute(
            "SELECT epoch, name, valid_from FROM audit_keys ORDER BY epoch DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return self._new_epoch(db, 0, now, None)
        epoch, name, valid_from = int(row[0]), str(row[1]), from_iso(row[2])
        current = self._private_key(name)
        if current is None:
            log.info("the key %s cannot be reached; leaving entries for the next seal", name)
            return None
        if valid_from.date() < now.date():
            rotated = self._new_epoch(db, epoch + 1, now, (name, current))
            # The old private key goes only once the new epoch is committed; until then the
            # log must still be sealable with it.
            after.actions.append(lambda: self._retire(name))
            return rotated
        return name, current

    def _new_epoch(
        self,
        db: sqlite_utils.Database,
        epoch: int,
        now: datetime,
        previous: tuple[str, Ed25519PrivateKey] | None,
    ) -> tuple[str, Ed25519PrivateKey]:
        assert self._keys is not None
        origin = str(db.execute("SELECT value FROM audit_meta WHERE key='origin'").fetchone()[0])
        name = f"{origin}/epoch-{epoch}"
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        text = v.certificate_text(origin, epoch, name, public, to_iso(now))
        signer_name, signer = previous if previous is not None else (name, private)
        signer_public = signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        note = (
            text
            + "\n"
            + v.signature_line(signer_name, signer_public, signer.sign(text.encode("utf-8")))
        )
        seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        self._keys.store(name, seed)
        db.table("audit_keys").insert(
            {
                "epoch": epoch,
                "name": name,
                "public_key": public,
                "valid_from": to_iso(now),
                "certificate": note,
                "custody": self._keys.describe(),
            }
        )
        self._private[name] = private
        return name, private

    def _private_key(self, name: str) -> Ed25519PrivateKey | None:
        cached = self._private.get(name)
        if cached is not None:
            return cached
        assert self._keys is not None
        try:
            seed = self._keys.load(name)
        except KnownError as err:
            log.warning("the signing key cannot be read: %s", err)
            return None
        if seed is None:
            return None
        try:
            key = Ed25519PrivateKey.from_private_bytes(seed)
        except ValueError as err:
            log.warning("the signing key cannot be read: %s is not an Ed25519 key (%s)", name, err)
            return None
        self._private[name] = key
        return key

    def _retire(self, name: str) -> None:
        self._private.pop(name, None)
        assert self._keys is not None
        try:
            self._keys.delete(name)
        except KnownError as err:
            log.error("the retired key %s could not be deleted: %s", name, err)

    def _run_sealer(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=min(5.0, self._seal_every_seconds / 4))
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self._seal_due():
                    self.seal().result(timeout=60)
            except KnownError as err:
                log.warning("sealing the access log failed: %s", err)

    def _seal_due(self) -> bool:
        rows = self._db.query(
            "SELECT (SELECT value FROM audit_meta WHERE key = 'size') AS size, "
            "(SELECT coalesce(max(size), 0) FROM audit_checkpoints) AS sealed"
        )
        size, sealed = int(rows[0]["size"]), int(rows[0]["sealed"])
        if size == sealed:
            return False
        if size - sealed >= self._seal_every_entries:
            return True
        first = self._db.query("SELECT time FROM audit_entries WHERE seq = ?", (sealed + 1,))
        age = (self._clock.now() - from_iso(first[0]["time"])).total_seconds()
        return age >= self._seal_every_seconds

    # -- reading -----------------------------------------------------------------------------

    def status(self) -> dict[str, str]:
        meta = {r["key"]: r["value"] for r in self._db.query("SELECT key, value FROM audit_meta")}
        sealed = self._db.query("SELECT coalesce(max(size), 0) AS s FROM audit_checkpoints")
        meta["sealed"] = str(sealed[0]["s"])
        return meta

    def entries(
        self,
        actor: Actor,
        *,
        user: str | None = None,
        action: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 5000,
    ) -> list[Entry]:
        """Entries for the log viewer, newest first (needs VIEW_AUDIT)."""
        require(actor, Permission.VIEW_AUDIT)
        where, params = ["1 = 1"], []
        if user:
            where.append("actor = ?")
            params.append(user)
        if action:
            where.append("action LIKE ?")
            params.append(f"{action}%")
        if target:
            where.append("target LIKE ?")
            params.append(f"%{target}%")
        if since is not None:
            where.append("time >= ?")
            params.append(to_iso(since))
        if until is not None:
            where.append("time < ?")
            params.append(to_iso(until))
        rows = self._db.query(
            f"SELECT seq, body FROM audit_entries WHERE {' AND '.join(where)} "
            "ORDER BY seq DESC LIMIT ?",
            (*params, limit),
        )
        return [_entry_of(bytes(r["body"])) for r in rows]

    # -- export and proofs -------------------------------------------------------------------

    def export(self, actor: Actor, directory: Path) -> int:
        """Write the whole log to `directory` as described in docs/access-log.md; returns the
        number of entries. The export is itself logged first (fail closed) and sealed."""
        require(actor, Permission.VIEW_AUDIT)
        if directory.exists() and any(directory.iterdir()):
            raise InvalidInput(N_("The folder {path} is not empty."), path=directory)
        self.record(actor, "audit.exported", str(directory)).result()
        if self._keys is not None:
            self.seal().result()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            return self._write_export(directory)
        except OSError as err:
            raise StorageError(
                N_("The export to {path} failed: {reason}."), path=directory, reason=err.strerror
            ) from err

    def _write_export(self, directory: Path) -> int:
        reader = self._db.reader()
        count = 0
        # One read transaction, so entries and checkpoints are a consistent snapshot.
        reader.execute("BEGIN")
        try:
            with (directory / v.ENTRIES_FILE).open("wb") as out:
                for (body,) in reader.execute("SELECT body FROM audit_entries ORDER BY seq"):
                    out.write(bytes(body) + b"\n")
                    count += 1
            notes = [r[0] for r in reader.execute("SELECT note FROM audit_checkpoints ORDER BY id")]
            certs = [
                r[0] for r in reader.execute("SELECT certificate FROM audit_keys ORDER BY epoch")
            ]
            keys = reader.execute(
                "SELECT epoch, name, public_key, valid_from, custody FROM audit_keys ORDER BY epoch"
            ).fetchall()
        finally:
            reader.execute("COMMIT")
        _write_notes(directory / v.CHECKPOINTS_FILE, notes)
        _write_notes(directory / v.CERTIFICATES_FILE, certs)
        public = [
            {
                "epoch": epoch,
                "name": name,
                "public_key": bytes(key).hex(),
                "fingerprint": v.fingerprint(bytes(key)),
                "valid_from": valid_from,
                "custody": custody,
            }
            for epoch, name, key, valid_from, custody in keys
        ]
        (directory / "keys.json").write_text(json.dumps(public, indent=2) + "\n", encoding="utf-8")
        if public:
            (directory / v.ANCHOR_FILE).write_text(
                f"{public[0]['fingerprint']}  {public[0]['name']}\n", encoding="utf-8"
            )
        shutil.copyfile(v.__file__, directory / "verify.py")
        (directory / "README.txt").write_text(_EXPORT_README, encoding="utf-8")
        return count

    def prove(self, seq: int) -> dict[str, object]:
        """An RFC 6962 inclusion proof of entry `seq` against the latest checkpoint."""
        last = self._db.query("SELECT size, note FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
        if not last or seq > int(last[0]["size"]):
            raise NotFound(
                N_("Entry {seq} is not sealed by a checkpoint yet; try again in a minute."),
                seq=seq,
            )
        if seq < 1:
            raise NotFound(N_("There is no entry {seq}."), seq=seq)
        size = int(last[0]["size"])
        bodies = [
            bytes(r["body"])
            for r in self._db.query(
                "SELECT body FROM audit_entries WHERE seq <= ? ORDER BY seq", (size,)
            )
        ]
        leaves = [v.leaf_hash(b) for b in bodies]
        return {
            "origin": self.origin,
            "seq": seq,
            "leaf_index": seq - 1,
            "tree_size": size,
            "entry": bodies[seq - 1].decode("utf-8"),
            "leaf_hash": leaves[seq - 1].hex(),
            "path": [h.hex() for h in v.inclusion_path(leaves, seq - 1, size)],
            "checkpoint": last[0]["note"],
        }


def _witness(witness: Witness, note: str) -> None:
    try:
        witness.append(note)
    except OSError as err:
        # The checkpoint is committed; a missed witness copy is reported, not fatal.
        log.error("the witness %s could not be written: %s", witness.describe(), err)


def _write_notes(path: Path, notes: list[str]) -> None:
    with path.open("wb") as out:
        for note in notes:
            out.write(v.canonical_json({"note": note}) + b"\n")


def _entry_of(body: bytes) -> Entry:
    value = json.loads(body)
    return Entry(
        seq=value["seq"],
        time=from_iso(value["time"]),
        actor=value["actor"],
        action=value["action"],
        target=value["target"],
        details=value["details"],
        hash=v.sha256_hex(body),
    )


_EXPORT_README = """\
Utkik access log export

entries.jsonl       one entry per line, the exact bytes that are hashed (RFC 8785 JSON)
checkpoints.jsonl   signed checkpoints (C2SP signed notes), one {"note": ...} per line
certificates.jsonl  the epoch keys, each certified by the key of the day before
keys.json           the public keys, for reading
anchor.txt          the fingerprint of the first key: compare it with the one kept elsewhere
verify.py           the verifier: python verify.py THIS_FOLDER [--witness FILE]
                    (needs Python 3.11 or later and the package cryptography)

The formats are described in docs/access-log.md of the Utkik sources.
"""
