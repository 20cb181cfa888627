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
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

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
from console.storage import Database, make_private_dir, open_private

log = logging.getLogger(__name__)

#: Seal at the latest after this many entries ...
SEAL_EVERY_ENTRIES = 100
#: ... or this many seconds after the first unsealed entry.
SEAL_EVERY_SECONDS = 60.0
#: A pause in appending this long is where the sealer signs.
QUIET_SECONDS = 0.003

_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_DETAIL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
Scalar = str | int | bool | None


class AuditUnavailable(KnownError):
    """The access log cannot be written: the action it would describe is refused."""


class AuditBroken(AuditUnavailable):
    """The log's keys or checkpoints are missing or belong to another log: someone who could
    write the database may have rewritten it. Nothing is logged (so nothing is done) until an
    administrator runs `utkik audit recover`, which starts a new origin linked to this one."""


class AuditKeyMismatch(KnownError):
    """The stored private key does not match its epoch's certificate: it is not used."""


_BROKEN = N_(
    "The access log is broken: {reason}. Someone with access to the database may have altered "
    "it. Nothing can be logged, so nothing is done, until an administrator runs "
    "'utkik audit recover'."
)


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


@dataclass(frozen=True, slots=True)
class DomainSignature:
    """An Ed25519 signature by an epoch key (see AuditLog.sign)."""

    signature: bytes
    key_name: str
    public_key: bytes
    #: The key certificates of epoch 0 up to the signing key's, in order.
    certificates: tuple[str, ...]


@dataclass
class _Prepared:
    """A checkpoint signed off the writer thread, waiting for a transaction to carry it."""

    size: int
    note: str
    prev: str
    signer: str
    time: str
    committed: threading.Event = field(default_factory=threading.Event)
    accepted: bool = False

    def accept(self) -> None:
        self.accepted = True
        self.committed.set()


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
        self._pending: _Prepared | None = None
        self._last_append = 0.0
        #: Why the log refuses to be written, or None (see AuditBroken).
        self._broken: str | None = None
        self.origin = ""

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, *, sealer: bool = True) -> None:
        """Name the log on its first use, close sessions a crash left open, start sealing."""
        self.origin = self._write(self._init_meta).result()
        if self._keys is not None:
            self._broken = self._write(lambda db, after: _diagnose(db)).result()
        if self._broken is not None:
            log.error("the access log is broken: %s", self._broken)
            return
        self._write(self._recover).result()
        if self._keys is not None:
            self._write(self._retire_leftovers).result()
            # The writer runs jobs in order: once this one is done, so are the notes above.
            self._write(lambda db, after: None).result()
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
            self._sealer = None
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
            db.table("audit_meta").insert({"key": "origin", "value": origin})
            db.execute(
                "INSERT INTO audit_state (id, size, last_hash, frontier, sealed) "
                "VALUES (1, 0, ?, ?, 0)",
                (v.ZERO_HASH, b""),
            )
        if self._keys is not None:
            db.table("audit_meta").upsert(
                {"key": "key_custody", "value": self._keys.describe()}, pk="key"
            )
            size = db.execute("SELECT size FROM audit_state WHERE id = 1").fetchone()[0]
            if size == 0 and db.execute("SELECT count(*) FROM audit_keys").fetchone()[0] == 0:
                # The log is born with its key, so that a log with entries and no key is always
                # a broken one (see _diagnose). A key that cannot be kept refuses the start.
                self._new_epoch(db, 0, self._clock.now(), None, origin=origin)
        if self._witnesses:
            description = "; ".join(w.describe() for w in self._witnesses)
            db.table("audit_meta").upsert({"key": "witness", "value": description}, pk="key")
        return origin

    # -- appending ---------------------------------------------------------------------------

    def _write(self, fn: Callable[[sqlite_utils.Database, _After], Any]) -> Future[Any]:
        """A write job whose after-commit work runs once the transaction is durable. A checkpoint
        the sealer thread has signed meanwhile rides along in the same transaction."""
        after = _After()

        def job(db: sqlite_utils.Database) -> Any:
            self._insert_prepared(db, after)
            return fn(db, after)

        future = self._db.write(job)
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
            try:
                for action in after.actions:
                    action()
            finally:
                # The entry is durable whatever an after-commit step did; never leave the
                # caller waiting.
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
            entry, sealed = self._append_state(db, *prepared)
            if entry.seq - sealed >= self._seal_every_entries:
                if self._sealer is not None:
                    # The sealer thread signs, so that no caller waits for a signature. It is
                    # woken once the entry is committed, so that it sees the entry.
                    after.actions.append(self._wake.set)
                else:
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
        self._refuse_if_broken()
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
        return self._append_state(db, actor, action, target, details)[0]

    def _append_state(
        self,
        db: sqlite_utils.Database,
        actor: str,
        action: str,
        target: str,
        details: dict[str, Scalar],
    ) -> tuple[Entry, int]:
        """Append one entry; also returns how many entries are sealed. The log's state is one
        row, read and written inside the caller's transaction (one SELECT, INSERT, UPDATE)."""
        size, last_hash, frontier_bytes, sealed = db.execute(
            "SELECT size, last_hash, frontier, sealed FROM audit_state WHERE id = 1"
        ).fetchone()
        seq = size + 1
        self._last_append = time.monotonic()
        now = self._clock.now()
        stamp = to_iso(now)
        body = _entry_bytes(
            {
                "action": action,
                "actor": actor,
                "details": details,
                "prev": last_hash,
                "seq": seq,
                "target": target,
                "time": stamp,
            }
        )
        digest = v.sha256_hex(body)
        frontier = v.Frontier.from_bytes(frontier_bytes)
        frontier.append(v.leaf_hash(body))
        db.execute(
            "INSERT INTO audit_entries (seq, body, time, actor, action, target) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (seq, body, stamp, actor, action, target),
        )
        db.execute(
            "UPDATE audit_state SET size = ?, last_hash = ?, frontier = ? WHERE id = 1",
            (seq, digest, frontier.to_bytes()),
        )
        return Entry(seq, now, actor, action, target, details, digest), sealed

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
        self._refuse_if_broken()
        checked = check_details({**(details or {}), "start_seq": session.start_seq})

        def job(db: sqlite_utils.Database, after: _After) -> Entry:
            db.execute("DELETE FROM audit_open WHERE id = ?", (session.id,))
            return self._append(db, session.actor, f"{session.action}.end", session.target, checked)

        return self._write(job)

    def _refuse_if_broken(self) -> None:
        if self._broken is not None:
            raise AuditBroken(_BROKEN, reason=self._broken)

    @property
    def database(self) -> Database:
        """The database the log is kept in, with the state its entries describe."""
        return self._db

    @property
    def broken(self) -> str | None:
        """Why the log refuses to be written (see AuditBroken), or None."""
        return self._broken

    def recover(self, actor: Actor, reason: str) -> str:
        """Start a new origin after the log was found broken; returns the new origin.

        Nothing is deleted: the entries stay in their chain (the recovery entry links to the
        last one), checkpoints and certificates left of the old origin are kept in the log's
        metadata and exported (superseded.jsonl), and the new origin's first key certificate
        names the old origin. Entries written before the recovery are vouched for only by the
        old origin's witness and earlier exports, which `verify` compares with them."""
        require(actor, Permission.MANAGE_SETTINGS)
        if self._keys is None:
            raise InvalidInput(N_("The access log can only be recovered with its key store."))

        def job(db: sqlite_utils.Database, after: _After) -> str:
            problem = _diagnose(db)
            if problem is None:
                raise InvalidInput(N_("The access log is not broken; there is nothing to recover."))
            old = str(db.execute("SELECT value FROM audit_meta WHERE key='origin'").fetchone()[0])
            new = f"utkik.local/{secrets.token_hex(8)}"
            # The state row is no more trusted than the rest: rebuilt from the entries' bytes,
            # which the new origin seals as they are found.
            size, last_hash, frontier, chain = 0, v.ZERO_HASH, v.Frontier(), True
            for seq, body in db.execute("SELECT seq, body FROM audit_entries ORDER BY seq"):
                entry = v.parse_entry(bytes(body))
                chain = (
                    chain and entry is not None and (seq, entry["prev"]) == (size + 1, last_hash)
                )
                size, last_hash = seq, v.sha256_hex(bytes(body))
                frontier.append(v.leaf_hash(bytes(body)))
            if frontier.size != size:
                raise InvalidInput(
                    N_(
                        "The access log's entries are not numbered 1, 2, 3, … "
                        "so it cannot be recovered."
                    )
                )
            db.execute(
                "UPDATE audit_state SET size = ?, last_hash = ?, frontier = ? WHERE id = 1",
                (size, last_hash, frontier.to_bytes()),
            )
            notes = [r[0] for r in db.execute("SELECT note FROM audit_checkpoints ORDER BY id")]
            certs = [r[0] for r in db.execute("SELECT certificate FROM audit_keys ORDER BY epoch")]
            history = json.loads(_meta(db, "recoveries") or "[]")
            history.append(
                {
                    "old_origin": old,
                    "new_origin": new,
                    "size": size,
                    "last": last_hash,
                    "time": to_iso(self._clock.now()),
                    "problem": problem,
                    "checkpoints": notes,
                    "certificates": certs,
                }
            )
            db.table("audit_meta").upsert(
                {"key": "recoveries", "value": json.dumps(history)}, pk="key"
            )
            db.execute("DELETE FROM audit_checkpoints")
            db.execute("DELETE FROM audit_keys")
            db.execute("UPDATE audit_meta SET value = ? WHERE key = 'origin'", (new,))
            self.origin = new
            self._append(
                db,
                actor.name,
                "audit.recovered",
                old,
                {
                    "new_origin": new,
                    "old_size": size,
                    "old_last": last_hash,
                    "problem": problem,
                    "reason": reason,
                    "chain_intact": chain,
                },
            )
            self._new_epoch(db, 0, self._clock.now(), None, origin=new, continues=old)
            self._seal_in(db, after)
            return new

        try:
            new_origin = str(self._write(job).result())
        except BaseException:
            rows = self._db.query("SELECT value FROM audit_meta WHERE key = 'origin'")
            self.origin = str(rows[0]["value"])
            raise
        self._broken = None
        log.warning("the access log was recovered: it continues as %s", new_origin)
        return new_origin

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

    def seal_now(self, timeout: float = 60) -> Sealed | None:
        """Seal and wait; the witness copies are written on this thread, not the writer's, so
        appends of other threads do not wait for the witness file's fsync."""
        after = _After()
        sealed: Sealed | None = self._db.write(lambda db: self._seal_in(db, after)).result(timeout)
        for action in after.actions:
            action()
        return sealed

    def seal(self) -> Future[Sealed | None]:
        """Make a checkpoint now if there are unsealed entries and the key can be reached."""
        if self._broken is not None:
            failed: Future[Sealed | None] = Future()
            failed.set_exception(AuditBroken(_BROKEN, reason=self._broken))
            return failed
        return self._write(self._seal_in)

    def _seal_in(self, db: sqlite_utils.Database, after: _After) -> Sealed | None:
        if self._keys is None:
            return None
        size = db.execute("SELECT size FROM audit_state WHERE id = 1").fetchone()[0]
        last = db.execute(
            "SELECT size, time FROM audit_checkpoints ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if size == 0 or (last is not None and last[0] == size):
            return None
        row = db.execute(
            "SELECT epoch, name, valid_from, public_key FROM audit_keys ORDER BY epoch DESC LIMIT 1"
        ).fetchone()
        if row is None:
            # Keys are made with the log (see _init_meta): entries without any key mean the key
            # table was emptied. Making a new first key would re-seal whatever is there now.
            self._broken = N_("it has entries but its signing keys are missing")
            raise AuditBroken(_BROKEN, reason=self._broken)
        epoch, name, valid_from = int(row[0]), str(row[1]), from_iso(row[2])
        private = self._private_key(name, bytes(row[3]))
        if private is None:
            log.info("the key %s cannot be reached; leaving entries for the next seal", name)
            return None
        now = self._clock.now()
        floor = max(valid_from, from_iso(last[1])) if last is not None else valid_from
        if now < floor:
            # The clock went back behind the last seal (a jump forward and back, a bad time
            # server): checkpoints keep the time of the last one, under the current epoch,
            # and the jump is an entry of its own.
            self._note_clock_back(db, now, floor)
            now = floor
        if valid_from.date() < now.date():
            # Seal first: the retiring key signs a checkpoint over every entry, and its
            # successor's certificate names it. The old private key goes only once both are
            # committed; until then the log must still be sealable with it.
            final = self._checkpoint(db, name, private, now, after)
            self._new_epoch(
                db,
                epoch + 1,
                now,
                (name, private),
                final=v.sha256_hex(final.note.encode("utf-8")),
            )
            after.actions.append(functools.partial(self._forget, name))
            return final
        return self._checkpoint(db, name, private, now, after)

    def _checkpoint(
        self,
        db: sqlite_utils.Database,
        name: str,
        private: Ed25519PrivateKey,
        now: datetime,
        after: _After,
    ) -> Sealed:
        """Sign and store a checkpoint of every entry now in the log."""
        size, last_hash, frontier_bytes = db.execute(
            "SELECT size, last_hash, frontier FROM audit_state WHERE id = 1"
        ).fetchone()
        last = db.execute("SELECT note FROM audit_checkpoints ORDER BY id DESC LIMIT 1").fetchone()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        text = v.checkpoint_text(
            self.origin,
            size,
            v.Frontier.from_bytes(frontier_bytes).root(),
            to_iso(now),
            last_hash,
            v.sha256_hex(last[0].encode("utf-8")) if last is not None else "none",
        )
        note = text + "\n" + v.signature_line(name, public, private.sign(text.encode("utf-8")))
        db.table("audit_checkpoints").insert(
            {"size": size, "note": note, "signer": name, "time": to_iso(now)}
        )
        db.execute("UPDATE audit_state SET sealed = ? WHERE id = 1", (size,))
        for witness in self._witnesses:
            after.actions.append(functools.partial(_witness, witness, note))
        return Sealed(size, note)

    def _note_clock_back(self, db: sqlite_utils.Database, now: datetime, floor: datetime) -> None:
        """One entry per jump: while the clock stays behind, later seals add nothing."""
        if _meta(db, "clock_went_back") == to_iso(floor):
            return
        db.table("audit_meta").upsert({"key": "clock_went_back", "value": to_iso(floor)}, pk="key")
        log.warning("the clock went back from %s to %s", to_iso(floor), to_iso(now))
        self._append(
            db,
            "utkik",
            v.CLOCK_ACTION,
            "",
            {"clock": to_iso(now), "last_seal": to_iso(floor)},
        )

    def _new_epoch(
        self,
        db: sqlite_utils.Database,
        epoch: int,
        now: datetime,
        previous: tuple[str, Ed25519PrivateKey] | None,
        *,
        origin: str | None = None,
        continues: str = "",
        final: str = "",
    ) -> tuple[str, Ed25519PrivateKey]:
        assert self._keys is not None
        if origin is None:
            origin = str(_meta(db, "origin"))
        name = f"{origin}/epoch-{epoch}"
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        text = v.certificate_text(
            origin, epoch, name, public, to_iso(now), continues=continues, final=final
        )
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

    def _private_key(self, name: str, certified: bytes) -> Ed25519PrivateKey | None:
        """The private key of epoch `name`, if it can be reached; refuses (AuditKeyMismatch) a
        key whose public half is not the one its certificate names (a replaced key file)."""
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
        if key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) != certified:
            raise AuditKeyMismatch(
                N_(
                    "The signing key {name} is not the key its certificate names (was the key "
                    "replaced?). The access log is not sealed with it; entries wait for a seal "
                    "with the right key."
                ),
                name=name,
            )
        self._private[name] = key
        return key

    def _retire(self, name: str) -> bool:
        """Delete a retired epoch's private key; one that cannot be deleted is remembered, shown
        in the status and tried again at every start (forward security depends on it)."""
        self._private.pop(name, None)
        assert self._keys is not None
        try:
            self._keys.delete(name)
        except KnownError as err:
            log.error("the retired key %s could not be deleted: %s", name, err)
            self._db.write(functools.partial(_mark_retired, name, True))
            return False
        return True

    def _forget(self, name: str) -> None:
        self._retire(name)

    def _retire_leftovers(self, db: sqlite_utils.Database, after: _After) -> None:
        """At start: the keys whose deletion failed, and the last retired one (a process may
        have stopped between the rotation's commit and the deletion)."""
        names = set(json.loads(_meta(db, "retired_not_deleted") or "[]"))
        row = db.execute(
            "SELECT name FROM audit_keys ORDER BY epoch DESC LIMIT 1 OFFSET 1"
        ).fetchone()
        if row is not None:
            names.add(str(row[0]))

        def retry() -> None:
            for name in sorted(names):
                if self._retire(name):
                    self._db.write(functools.partial(_mark_retired, name, False))

        after.actions.append(retry)

    def _run_sealer(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=min(5.0, self._seal_every_seconds / 4))
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self._seal_due():
                    self._wait_for_a_pause()
                    self._seal_beside_appends()
            except KnownError as err:
                log.warning("sealing the access log failed: %s", err)

    def _wait_for_a_pause(self) -> None:
        """Sign in a pause between appends, where it delays no one: monitoring-room traffic
        comes in bursts. A storm without pauses is sealed all the same after twice the entries,
        and a checkpoint is never later than the age limit."""
        deadline = time.monotonic() + min(self._seal_every_seconds / 10, 2.0)
        while not self._stop.is_set() and time.monotonic() < deadline:
            if time.monotonic() - self._last_append >= QUIET_SECONDS:
                return
            rows = self._db.query("SELECT size, sealed FROM audit_state")
            if rows[0]["size"] - rows[0]["sealed"] >= 2 * self._seal_every_entries:
                return
            self._stop.wait(QUIET_SECONDS / 3)

    def _seal_beside_appends(self) -> None:
        """Sign on this thread, off the writer, in a pause between appends, so that no append
        waits for a signature. A new day's key is made the plain way, inside one serialized
        transaction."""
        prepared = self._prepare_checkpoint()
        if prepared is None:
            return
        if prepared == "rotate":
            self.seal_now()
            return
        self._pending = prepared
        # Carried by the first transaction to come: an append that is already queued, or else
        # this empty one, which runs in the pause.
        self._write(lambda db, after: None)
        prepared.committed.wait(10)
        if prepared.accepted:
            for witness in self._witnesses:
                _witness(witness, prepared.note)

    def _prepare_checkpoint(self) -> _Prepared | Literal["rotate"] | None:
        state = self._db.query("SELECT size, last_hash, frontier, sealed FROM audit_state")[0]
        size = int(state["size"])
        if size == int(state["sealed"]):
            return None
        last = self._db.query("SELECT note, time FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
        keys = self._db.query(
            "SELECT name, valid_from, public_key FROM audit_keys ORDER BY epoch DESC LIMIT 1"
        )
        now = self._clock.now()
        if (
            not keys
            or from_iso(keys[0]["valid_from"]).date() < now.date()
            or now < from_iso(keys[0]["valid_from"])
            or (last and now < from_iso(last[0]["time"]))
        ):
            # A rotation, a clock gone back or a broken log: the plain way, in one transaction.
            return "rotate"
        name = str(keys[0]["name"])
        private = self._private_key(name, bytes(keys[0]["public_key"]))
        if private is None:
            return None
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        prev = v.sha256_hex(last[0]["note"].encode("utf-8")) if last else "none"
        text = v.checkpoint_text(
            self.origin,
            size,
            v.Frontier.from_bytes(state["frontier"]).root(),
            to_iso(now),
            str(state["last_hash"]),
            prev,
        )
        note = text + "\n" + v.signature_line(name, public, private.sign(text.encode("utf-8")))
        return _Prepared(size, note, prev, name, to_iso(now))

    def _insert_prepared(self, db: sqlite_utils.Database, after: _After) -> None:
        prepared, self._pending = self._pending, None
        if prepared is None:
            return
        last = db.execute("SELECT note FROM audit_checkpoints ORDER BY id DESC LIMIT 1").fetchone()
        sealed = db.execute("SELECT sealed FROM audit_state WHERE id = 1").fetchone()[0]
        prev = v.sha256_hex(last[0].encode("utf-8")) if last else "none"
        if prev != prepared.prev or prepared.size <= sealed:
            # Another process sealed meanwhile: this checkpoint would fork the chain.
            prepared.committed.set()
            return
        db.execute(
            "INSERT INTO audit_checkpoints (size, note, signer, time) VALUES (?, ?, ?, ?)",
            (prepared.size, prepared.note, prepared.signer, prepared.time),
        )
        db.execute("UPDATE audit_state SET sealed = ? WHERE id = 1", (prepared.size,))
        after.actions.append(prepared.accept)
        if self._stop.is_set():
            # The sealer thread is gone and will not write the witness copies.
            for witness in self._witnesses:
                after.actions.append(functools.partial(_witness, witness, prepared.note))

    def _seal_due(self) -> bool:
        rows = self._db.query("SELECT size, sealed FROM audit_state WHERE id = 1")
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
        state = self._db.query("SELECT size, last_hash, sealed, frontier FROM audit_state")[0]
        meta.update({key: str(state[key]) for key in ("size", "last_hash", "sealed")})
        meta["frontier"] = v.Frontier.from_bytes(state["frontier"]).to_json()
        if self._broken is not None:
            meta["broken"] = self._broken
        left = json.loads(meta.pop("retired_not_deleted", "[]"))
        if left:
            meta["retired_keys_not_deleted"] = ", ".join(left)
        if "recoveries" in meta:
            meta["recoveries"] = "; ".join(
                f"{r['old_origin']} -> {r['new_origin']} at {r['time']} ({r['problem']})"
                for r in json.loads(meta["recoveries"])
            )
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
        _check_export_folder(directory)
        exported = self.record(actor, "audit.exported", str(directory)).result()
        if self._keys is not None:
            self.seal().result()
        sealed = self._db.query("SELECT max(size) AS size FROM audit_checkpoints")[0]["size"]
        if (sealed or 0) < exported.seq:
            # An export is sealed before it is written: a verifier refuses unsealed entries.
            raise AuditUnavailable(
                N_(
                    "The access log cannot be exported now: its latest entries cannot be sealed "
                    "(the signing key cannot be reached)."
                )
            )
        try:
            # Private whatever the umask: the export holds who watched what, and when.
            make_private_dir(directory)
            return self._write_export(directory)
        except FileExistsError as err:
            # Made meanwhile by someone else: nothing of theirs is overwritten.
            raise InvalidInput(
                N_("The export to {path} stopped: {name} appeared there meanwhile."),
                path=directory,
                name=Path(err.filename or "").name,
            ) from err
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
            # Only what the last checkpoint seals: an entry another process appended since is in
            # the next export (a verifier refuses an unsealed tail, which anyone could append).
            row = reader.execute(
                "SELECT size FROM audit_checkpoints ORDER BY id DESC LIMIT 1"
            ).fetchone()
            sealed = int(row[0]) if row else 0
            recoveries = json.loads(
                (
                    reader.execute(
                        "SELECT value FROM audit_meta WHERE key = 'recoveries'"
                    ).fetchone()
                    or ["[]"]
                )[0]
            )
            with open_private(directory / v.ENTRIES_FILE) as out:
                for (body,) in reader.execute(
                    "SELECT body FROM audit_entries WHERE seq <= ? ORDER BY seq", (sealed,)
                ):
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
        superseded = [note for r in recoveries for note in r["checkpoints"]]
        if superseded:
            _write_notes(directory / v.SUPERSEDED_FILE, superseded)
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
        _write_private(directory / "keys.json", json.dumps(public, indent=2) + "\n")
        if public:
            _write_private(
                directory / v.ANCHOR_FILE, f"{public[0]['fingerprint']}  {public[0]['name']}\n"
            )
        _write_private(directory / "verify.py", Path(v.__file__).read_bytes())
        _write_private(directory / "README.txt", _EXPORT_README)
        return count

    def sign(self, domain: bytes, data: bytes) -> DomainSignature:
        """Sign `domain` + `data` with the current epoch's key, for a document that leaves the
        log (an export's manifest). `domain` is a line of its own (it ends in a newline), so a
        signature over one kind of document can never pass for another kind or for a
        checkpoint. The certificates chain the key to the log's first key."""
        self._refuse_if_broken()
        if not domain.endswith(b"\n") or b"\n" in domain[:-1]:
            raise ValueError("the domain prefix is one line ending in a newline")
        rows = self._db.query("SELECT name, public_key, certificate FROM audit_keys ORDER BY epoch")
        private = None
        if rows and self._keys is not None:
            private = self._private_key(str(rows[-1]["name"]), bytes(rows[-1]["public_key"]))
        if private is None:
            raise AuditUnavailable(
                N_(
                    "The access log's signing key cannot be reached, so nothing can be signed "
                    "with it now."
                )
            )
        return DomainSignature(
            signature=private.sign(domain + data),
            key_name=str(rows[-1]["name"]),
            public_key=bytes(rows[-1]["public_key"]),
            certificates=tuple(str(r["certificate"]) for r in rows),
        )

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


def _meta(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM audit_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _mark_retired(name: str, left: bool, db: sqlite_utils.Database) -> None:
    """Note (or forget) a retired key that is still in the key store."""
    names = set(json.loads(_meta(db, "retired_not_deleted") or "[]"))
    names = names | {name} if left else names - {name}
    db.table("audit_meta").upsert(
        {"key": "retired_not_deleted", "value": json.dumps(sorted(names))}, pk="key"
    )


def _diagnose(db: sqlite_utils.Database) -> str | None:
    """What makes the log unsealable without re-keying it, or None. Only someone who wrote the
    database directly leaves it so: the first key is made with the log, keys and checkpoints are
    never deleted, and their names carry the log's origin."""
    origin = _meta(db, "origin") or ""
    size = db.execute("SELECT size FROM audit_state WHERE id = 1").fetchone()[0]
    names = [str(r[0]) for r in db.execute("SELECT name FROM audit_keys ORDER BY epoch")]
    if size > 0 and not names:
        return N_("it has entries but its signing keys are missing")
    if any(not name.startswith(f"{origin}/epoch-") for name in names):
        return N_("its signing keys belong to another log")
    notes = [str(r[0]) for r in db.execute("SELECT note FROM audit_checkpoints")]
    if any(not note.startswith(f"{origin}\n") for note in notes):
        return N_("its checkpoints belong to another log")
    if len(names) > 1 and not notes:
        # Every rotation seals first with the retiring key.
        return N_("its checkpoints are missing")
    return None


def _witness(witness: Witness, note: str) -> None:
    try:
        witness.append(note)
    except OSError as err:
        # The checkpoint is committed; a missed witness copy is reported, not fatal.
        log.error("the witness %s could not be written: %s", witness.describe(), err)


def _check_export_folder(directory: Path) -> None:
    """An export goes to a new or an empty folder: it overwrites nothing."""
    try:
        if directory.exists() and not directory.is_dir():
            raise InvalidInput(
                N_("{path} is a file: export to a new or an empty folder."), path=directory
            )
        if directory.exists() and any(directory.iterdir()):
            raise InvalidInput(N_("The folder {path} is not empty."), path=directory)
    except OSError as err:
        raise StorageError(
            N_("The export to {path} failed: {reason}."),
            path=directory,
            reason=err.strerror or type(err).__name__,
        ) from err


def _write_private(path: Path, content: str | bytes) -> None:
    with open_private(path) as out:
        out.write(content.encode("utf-8") if isinstance(content, str) else content)


def _write_notes(path: Path, notes: list[str]) -> None:
    with open_private(path) as out:
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
superseded.jsonl    (after a recovery) checkpoints left of the earlier origin
anchor.txt          the fingerprint of the first key: compare it with the one kept elsewhere
verify.py           the verifier: python verify.py THIS_FOLDER [--witness FILE]
                    (needs Python 3.11 or later and the package cryptography)

The formats are described in docs/access-log.md of the Utkik sources.
"""


def _entry_bytes(entry: dict[str, object]) -> bytes:
    """RFC 8785 bytes of an entry. Every member name is ASCII (the entry's own and the details'
    keys, see check_details), where JCS's UTF-16 order is Python's order, and JCS escapes strings
    as Python's encoder does, so the C encoder can do it (verify.canonical_json is the general
    form, and the tests hold the two equal)."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )
