"""The access log's writer: entries, hash chain, Merkle tree, checkpoints, epoch keys, lasting
actions, failing closed, the logged foundation actions and inclusion proofs.

The verifier's primitives (console/audit/verify.py) are the reference the writer is checked
against; the mutations the verifier must catch are in test_audit_properties.py.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from console.app import Core
from console.audit import verify as v
from console.audit.log import (
    SEAL_EVERY_ENTRIES,
    AuditBroken,
    AuditLog,
    AuditUnavailable,
    check_details,
)
from console.clock import to_iso
from console.domain import Actor, Role, User
from console.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidInput,
    KnownError,
    NotFound,
    PermissionDenied,
    StorageError,
)
from console.settings import IDLE_LOCK_MINUTES
from console.storage import Database
from tests import audit_forgery as forgery
from tests.conftest import FAST_HASHER, PASSWORD, FakeClock, ListWitness, MemoryKeyStore

CLI = Actor.os_account("root")


def export(core: Core, directory: Path) -> Path:
    core.audit.export(CLI, directory)
    return directory


def lines_of(directory: Path) -> list[bytes]:
    return (directory / v.ENTRIES_FILE).read_bytes().splitlines()


def entries_of(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines_of(directory)]


def write_witness(witness: ListWitness, path: Path) -> Path:
    path.write_text("".join(json.dumps({"note": n}) + "\n" for n in witness.notes))
    return path


def checkpoint_sizes(core: Core) -> list[int]:
    return [r["size"] for r in core.db.query("SELECT size FROM audit_checkpoints ORDER BY id")]


def public_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# -- entries, chain and tree ---------------------------------------------------------------------


def test_entries_are_canonical_json_in_a_hash_chain(core: Core, tmp_path: Path) -> None:
    written = [
        core.audit.record(CLI, "camera.viewed", "Stora torget 1", {"seconds": 30}).result(),
        core.audit.record("anna", "setting.changed", "", {"value": -7, "on": True}).result(),
        core.audit.record(
            "örjan", "note.added", 'quote " backslash \\ tab \t', {"text": "räksmörgås ☃ \u2028"}
        ).result(),
        core.audit.record("bert", "x", "t", {"none": None, "big": 2**53 - 1}).result(),
    ]
    directory = export(core, tmp_path / "export")
    lines = lines_of(directory)
    values = [json.loads(line) for line in lines]
    # The export adds its own entry ("audit.exported") after the four.
    assert [e["seq"] for e in values] == list(range(1, len(written) + 2))
    assert values[-1]["action"] == "audit.exported"
    for line, value in zip(lines, values, strict=True):
        assert v.canonical_json(value) == line
        assert tuple(value) == v.ENTRY_KEYS
        assert v._ENTRY.fullmatch(line), line
    assert values[0]["prev"] == v.ZERO_HASH
    for before, after in zip(lines, values[1:], strict=False):
        assert after["prev"] == v.sha256_hex(before)
    for entry, line, value in zip(written, lines, values, strict=False):
        assert entry.hash == v.sha256_hex(line)
        assert entry.seq == value["seq"]
        assert value["details"] == dict(entry.details)
        assert value["time"] == "2026-03-29T00:30:00.000000Z"
    assert values[2]["actor"] == "örjan"
    assert values[2]["details"]["text"] == "räksmörgås ☃ \u2028"
    # The database keeps the exact bytes that are hashed.
    bodies = [bytes(r["body"]) for r in core.db.query("SELECT body FROM audit_entries")]
    assert bodies == lines


def test_merkle_root_and_frontier_match_the_verifier(core: Core, tmp_path: Path) -> None:
    for i in range(37):
        core.audit.record(CLI, "test.entry", str(i), {"i": i}).result()
        status = core.audit.status()
        bodies = [bytes(r["body"]) for r in core.db.query("SELECT body FROM audit_entries")]
        leaves = [v.leaf_hash(b) for b in bodies]
        assert int(status["size"]) == len(bodies) == i + 1
        assert status["last_hash"] == v.sha256_hex(bodies[-1])
        frontier = v.Frontier.from_json(status["frontier"])
        assert frontier.size == len(leaves)
        assert frontier.root() == v.subtree_root(leaves, 0, len(leaves))
        assert frontier.root() == v.TreeLevels(leaves).root(len(leaves))
    sealed = core.audit.seal().result()
    assert sealed is not None
    cp = v.Checkpoint.parse(sealed.note)
    assert cp.size == 37
    assert cp.root == v.subtree_root(leaves, 0, 37)
    assert cp.last == v.sha256_hex(bodies[-1])
    assert cp.origin == core.audit.origin
    assert cp.prev == "none"
    report = v.verify(export(core, tmp_path / "export"))
    assert report.ok, report.text()
    assert report.entries == 38
    assert report.sealed == 38
    assert not report.warnings


def test_an_empty_tree_has_the_rfc_6962_root() -> None:
    empty = hashlib.sha256(b"").digest()
    assert v.Frontier().root() == v.subtree_root([], 0, 0) == v.TreeLevels([]).root(0) == empty


# -- checkpoints -----------------------------------------------------------------------------------


def test_record_seals_every_n_entries(core: Core, witness: ListWitness, tmp_path: Path) -> None:
    for i in range(2 * SEAL_EVERY_ENTRIES + 50):
        core.audit.record(CLI, "test.entry", str(i)).result()
    assert checkpoint_sizes(core) == [SEAL_EVERY_ENTRIES, 2 * SEAL_EVERY_ENTRIES]
    assert [v.Checkpoint.parse(n).size for n in witness.notes] == checkpoint_sizes(core)
    sealed = core.audit.seal().result()
    assert sealed is not None
    assert sealed.size == 2 * SEAL_EVERY_ENTRIES + 50
    assert checkpoint_sizes(core)[-1] == sealed.size


def test_a_small_seal_interval(tmp_path: Path, clock: FakeClock, keys: MemoryKeyStore) -> None:
    db = Database.open(tmp_path / "data", clock)
    try:
        audit = AuditLog(db, clock, keys, seal_every_entries=3)
        audit.start(sealer=False)
        for i in range(10):
            audit.record(CLI, "test.entry", str(i)).result()
        sizes = [r["size"] for r in db.query("SELECT size FROM audit_checkpoints ORDER BY id")]
        assert sizes == [3, 6, 9]
        # Each checkpoint names the one before it.
        notes = [r["note"] for r in db.query("SELECT note FROM audit_checkpoints ORDER BY id")]
        for before, after in itertools.pairwise(notes):
            assert v.Checkpoint.parse(after).prev == v.sha256_hex(before.encode("utf-8"))
    finally:
        db.close()


def test_seal_does_nothing_when_nothing_is_new(core: Core, witness: ListWitness) -> None:
    assert core.audit.seal().result() is None
    assert checkpoint_sizes(core) == []
    assert witness.notes == []
    # The first key is made with the log, so that entries without a key are a broken log.
    assert [r["epoch"] for r in core.db.query("SELECT epoch FROM audit_keys")] == [0]
    core.audit.record(CLI, "test.entry").result()
    first = core.audit.seal().result()
    assert first is not None
    assert first.size == 1
    assert core.audit.seal().result() is None
    assert checkpoint_sizes(core) == [1]
    assert witness.notes == [first.note]
    assert core.audit.status()["sealed"] == "1"


def test_each_checkpoint_reaches_the_witness(
    core: Core, witness: ListWitness, tmp_path: Path
) -> None:
    for round_ in range(4):
        for i in range(round_ + 1):
            core.audit.record(CLI, "test.entry", f"{round_}.{i}").result()
        sealed = core.audit.seal().result()
        assert sealed is not None
        assert witness.notes[-1] == sealed.note
    directory = export(core, tmp_path / "export")
    assert v.read_notes(directory / v.CHECKPOINTS_FILE) == witness.notes
    witness_file = write_witness(witness, tmp_path / "witness.jsonl")
    report = v.verify(directory, witness_file)
    assert report.ok, report.text()


def test_a_torn_witness_line_is_skipped(core: Core, witness: ListWitness, tmp_path: Path) -> None:
    """A witness append cut short (a full disk) must not make the witness file useless."""
    for _ in range(3):
        core.audit.record(CLI, "test.entry").result()
        core.audit.seal().result()
    directory = export(core, tmp_path / "export")
    lines = [json.dumps({"note": n}) for n in witness.notes]
    witness_file = tmp_path / "witness.jsonl"
    witness_file.write_text(lines[0] + "\n" + lines[1][:50] + lines[2] + "\n" + lines[3] + "\n")
    report = v.verify(directory, witness_file)
    assert report.ok, report.text()
    assert any("witness" in w for w in report.warnings)
    # It still catches what it can: the export cut back to one entry.
    (directory / v.ENTRIES_FILE).write_bytes(lines_of(directory)[0] + b"\n")
    (directory / v.CHECKPOINTS_FILE).write_bytes(
        v.canonical_json({"note": witness.notes[0]}) + b"\n"
    )
    assert v.verify(directory, witness_file).first_bad == 2


def test_a_failing_witness_does_not_lose_the_checkpoint(
    data_dir: Path, clock: FakeClock, keys: MemoryKeyStore
) -> None:
    class BrokenWitness:
        def append(self, note: str) -> None:
            raise OSError(28, "No space left on device")

        def describe(self) -> str:
            return "broken"

    good = ListWitness()
    core = Core.open(
        data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[BrokenWitness(), good]
    )
    try:
        core.audit.record(CLI, "test.entry").result()
        sealed = core.audit.seal().result()
        assert sealed is not None
        assert good.notes == [sealed.note]
        assert checkpoint_sizes(core) == [1]
    finally:
        core.close()


# -- a database rewritten by someone without the key ----------------------------------------------


def strip_keys(data_dir: Path, origin: str | None = None, alter: int | None = None) -> None:
    """What someone with write access to the database alone can do: empty the key and
    checkpoint tables, optionally name the log anew and change an entry."""
    conn = sqlite3.connect(data_dir / "utkik.db")
    try:
        with conn:
            conn.execute("DELETE FROM audit_keys")
            conn.execute("DELETE FROM audit_checkpoints")
            conn.execute("UPDATE audit_state SET sealed = 0")
            if origin is not None:
                conn.execute("UPDATE audit_meta SET value = ? WHERE key = 'origin'", (origin,))
            if alter is not None:
                body = conn.execute("SELECT body FROM audit_entries WHERE seq = ?", (alter,))
                changed = bytes(body.fetchone()[0]).replace(b'"target":"', b'"target":"X', 1)
                conn.execute("UPDATE audit_entries SET body = ? WHERE seq = ?", (changed, alter))
    finally:
        conn.close()


def sealed_log(data_dir: Path, clock: FakeClock, keys: MemoryKeyStore, witness: ListWitness) -> str:
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        for i in range(3):
            core.audit.record(CLI, "test.entry", str(i)).result()
            assert core.audit.seal().result() is not None
        return core.audit.origin
    finally:
        core.close()


@pytest.mark.parametrize("origin", [None, "utkik.local/0000000000000000"])
def test_a_log_stripped_of_its_keys_is_not_rekeyed(
    data_dir: Path, clock: FakeClock, keys: MemoryKeyStore, witness: ListWitness, origin: str | None
) -> None:
    sealed_log(data_dir, clock, keys, witness)
    strip_keys(data_dir, origin)
    for _ in range(2):  # and again at the next start: it keeps refusing
        core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
        try:
            with pytest.raises(AuditBroken, match=r"signing keys are missing.*utkik audit recover"):
                core.audit.record(CLI, "test.entry").result()
            with pytest.raises(AuditBroken):
                core.audit.seal().result()
            with pytest.raises(AuditBroken):
                core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
            assert core.db.query("SELECT * FROM audit_keys") == []
            assert "signing keys are missing" in core.audit.status()["broken"]
        finally:
            core.close()
    # The refusals added nothing.
    conn = sqlite3.connect(data_dir / "utkik.db")
    assert conn.execute("SELECT count(*) FROM audit_entries").fetchone()[0] == 3
    conn.close()


def test_a_log_renamed_under_its_keys_is_broken(
    data_dir: Path, clock: FakeClock, keys: MemoryKeyStore, witness: ListWitness
) -> None:
    """Only the origin changed (keys and checkpoints kept): they name another log."""
    sealed_log(data_dir, clock, keys, witness)
    conn = sqlite3.connect(data_dir / "utkik.db")
    with conn:
        conn.execute("UPDATE audit_meta SET value = 'utkik.local/1' WHERE key = 'origin'")
    conn.close()
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        assert core.audit.broken == "its signing keys belong to another log"
        with pytest.raises(AuditBroken):
            core.audit.record(CLI, "test.entry").result()
    finally:
        core.close()


def test_a_running_console_stops_when_its_keys_are_stripped(
    core: Core, data_dir: Path, witness: ListWitness
) -> None:
    core.audit.record(CLI, "test.entry").result()
    assert core.audit.seal().result() is not None
    strip_keys(data_dir)
    core.audit.record(CLI, "test.entry").result()
    with pytest.raises(AuditBroken):
        core.audit.seal().result()
    with pytest.raises(AuditBroken):
        core.audit.record(CLI, "test.entry").result()
    assert len(witness.notes) == 1


@pytest.mark.parametrize("origin", [None, "utkik.local/0000000000000000"])
def test_recovery_starts_a_new_origin_linked_to_the_old_one(
    data_dir: Path,
    clock: FakeClock,
    keys: MemoryKeyStore,
    witness: ListWitness,
    tmp_path: Path,
    origin: str | None,
) -> None:
    old = sealed_log(data_dir, clock, keys, witness)
    strip_keys(data_dir, origin)
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        operator = User(1, "olle", Role.OPERATOR, frozenset(), False, clock.now())
        with pytest.raises(PermissionDenied):
            core.audit.recover(Actor.of(operator), "x")
        new = core.audit.recover(CLI, "keys removed by an intruder, case 12")
        assert new != old
        assert core.audit.origin == new
        assert "broken" not in core.audit.status()
        assert (origin or old) in core.audit.status()["recoveries"]
        core.audit.record(CLI, "test.entry", "after").result()
        with pytest.raises(InvalidInput, match="not broken"):
            core.audit.recover(CLI, "again")
        directory = export(core, tmp_path / "export")
    finally:
        core.close()
    recovery = entries_of(directory)[3]
    assert recovery["action"] == "audit.recovered"
    assert recovery["target"] == (origin or old)
    assert recovery["details"]["new_origin"] == new
    assert recovery["details"]["reason"] == "keys removed by an intruder, case 12"
    (cert,) = v.read_notes(directory / v.CERTIFICATES_FILE)
    assert v.parse_certificate(cert).continues == (origin or old)
    witness_file = write_witness(witness, tmp_path / "witness.jsonl")
    report = v.verify(directory, witness_file)
    if origin is None:
        # The old log's witnessed checkpoints agree with the entries before the recovery.
        assert report.ok, report.text()
        assert any("recovered" in w for w in report.warnings)
    else:
        # Renamed before the recovery: the witness holds checkpoints of a log the export does
        # not name as its predecessor.
        assert report.first_bad == 1, report.text()
        assert "another log" in report.problem


def test_recovery_does_not_launder_an_altered_entry(
    data_dir: Path, clock: FakeClock, keys: MemoryKeyStore, witness: ListWitness, tmp_path: Path
) -> None:
    sealed_log(data_dir, clock, keys, witness)
    strip_keys(data_dir, alter=2)
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        core.audit.recover(CLI, "keys removed")
        directory = export(core, tmp_path / "export")
    finally:
        core.close()
    # The recovery entry says the chain it found was broken, and the verifier names the entry.
    assert entries_of(directory)[3]["details"]["chain_intact"] is False
    assert v.verify(directory).first_bad == 2
    report = v.verify(directory, write_witness(witness, tmp_path / "witness.jsonl"))
    assert report.first_bad == 2, report.text()


def test_a_rekeyed_export_fails_against_the_original_witness(
    core: Core, witness: ListWitness, tmp_path: Path
) -> None:
    """The attack as the console used to help it: entry 2 dropped, a new first key, re-sealed."""
    for i in range(4):
        core.audit.record(CLI, "test.entry", str(i)).result()
        core.audit.seal().result()
    directory = export(core, tmp_path / "export")
    lines = lines_of(directory)
    # Entries renumbered and relinked after dropping entry 2, as the attacker would.
    kept = [json.loads(line) for i, line in enumerate(lines) if i != 1]
    forged: list[bytes] = []
    for seq, entry in enumerate(kept, start=1):
        entry["seq"] = seq
        entry["prev"] = v.sha256_hex(forged[-1]) if forged else v.ZERO_HASH
        forged.append(v.canonical_json(entry))
    witness_file = write_witness(witness, tmp_path / "witness.jsonl")
    for origin in (core.audit.origin, "utkik.local/0000000000000000"):
        certs, notes, anchor = forgery.rekeyed(forged, origin, "2026-03-29T00:30:00.000000Z")
        target = forgery.write_export(tmp_path / origin.replace("/", "_"), forged, notes, certs)
        assert v.verify(target).ok  # without anything outside the database, it holds
        report = v.verify(target, witness_file, anchor)
        assert not report.ok, report.text()
        assert report.first_bad == 1


# -- epoch keys ------------------------------------------------------------------------------------


class RecordingKeyStore(MemoryKeyStore):
    """Notes, at each delete, which epochs the database had already committed."""

    def __init__(self, db_path: Callable[[], Path]) -> None:
        super().__init__()
        self._db_path = db_path
        self.committed_at_delete: list[int] = []

    def delete(self, name: str) -> None:
        conn = sqlite3.connect(self._db_path())
        try:
            self.committed_at_delete.append(
                conn.execute("SELECT max(epoch) FROM audit_keys").fetchone()[0]
            )
        finally:
            conn.close()
        super().delete(name)


def test_key_rotation_across_midnight(data_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    keys = RecordingKeyStore(lambda: data_dir / "utkik.db")
    witness = ListWitness()
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        core.audit.record(CLI, "test.entry", "day 1").result()
        first = core.audit.seal().result()
        assert first is not None
        name0 = f"{core.audit.origin}/epoch-0"
        assert set(keys.keys) == {name0}
        private0 = Ed25519PrivateKey.from_private_bytes(keys.keys[name0])

        # Later the same (UTC) day: no new epoch.
        clock.advance(hours=23)
        core.audit.record(CLI, "test.entry", "day 1, late").result()
        assert core.audit.seal().result() is not None
        assert set(keys.keys) == {name0}
        assert keys.deleted == []

        clock.advance(hours=1)  # 00:30 the next day
        core.audit.record(CLI, "test.entry", "day 2").result()
        rotated = core.audit.seal().result()
        assert rotated is not None
        name1 = f"{core.audit.origin}/epoch-1"
        # Seal first: the retiring key signs a final checkpoint over every entry ...
        final = v.Checkpoint.parse(rotated.note)
        assert (final.signer, final.size) == (name0, 3)
        # The old key is gone from the store, and only after the new epoch was committed.
        assert keys.deleted == [name0]
        assert keys.committed_at_delete == [1]
        assert set(keys.keys) == {name1}

        directory = export(core, tmp_path / "export")
    finally:
        core.close()
    certificates = v.read_notes(directory / v.CERTIFICATES_FILE)
    assert len(certificates) == 2
    epoch0, epoch1 = (v.parse_certificate(c) for c in certificates)
    assert epoch0.public_key == public_bytes(private0)
    assert epoch1.epoch == 1
    assert epoch1.valid_from == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)
    # ... which its successor's certificate names.
    assert epoch1.final == v.sha256_hex(rotated.note.encode("utf-8"))
    # The new epoch's certificate is signed by the old key (and not by the new one).
    note = v.parse_note(certificates[1])
    assert v.note_signed_by(note, name0, epoch0.public_key)
    assert not v.note_signed_by(note, name1, epoch1.public_key)
    keys_json = json.loads((directory / "keys.json").read_text())
    assert [k["name"] for k in keys_json] == [name0, name1]
    assert (directory / v.ANCHOR_FILE).read_text().startswith(v.fingerprint(epoch0.public_key))
    report = v.verify(directory, anchor=v.fingerprint(epoch0.public_key))
    assert report.ok, report.text()
    assert report.epochs == 2
    assert v.verify(directory, anchor="0" * 64).first_bad == 1


def relinked(entries: list[dict[str, Any]]) -> list[bytes]:
    """Entries renumbered and relinked, as someone who dropped one would."""
    lines: list[bytes] = []
    for seq, entry in enumerate(entries, start=1):
        entry = {**entry, "seq": seq, "prev": v.sha256_hex(lines[-1]) if lines else v.ZERO_HASH}
        lines.append(v.canonical_json(entry))
    return lines


def test_a_thief_with_todays_key_cannot_reseal_an_earlier_epoch(
    core: Core, clock: FakeClock, keys: MemoryKeyStore, tmp_path: Path
) -> None:
    """Forward security without the witness: entry 2 (of yesterday's epoch) deleted, the
    checkpoints after it dropped and the log re-sealed with the key stolen today."""
    for i in range(3):
        core.audit.record(CLI, "test.entry", f"day 1, {i}").result()
        core.audit.seal().result()
    clock.advance(days=1)
    for i in range(3):
        core.audit.record(CLI, "test.entry", f"day 2, {i}").result()
        core.audit.seal().result()
    directory = export(core, tmp_path / "export")
    anchor = (directory / v.ANCHOR_FILE).read_text().split()[0]
    assert v.verify(directory, anchor=anchor).ok
    (stolen,) = keys.keys  # yesterday's key is gone
    private = Ed25519PrivateKey.from_private_bytes(keys.keys[stolen])
    entries = entries_of(directory)
    lines = relinked(entries[:1] + entries[2:])
    notes = v.read_notes(directory / v.CHECKPOINTS_FILE)
    kept = notes[:1]  # the checkpoint of entry 1 still holds
    time = to_iso(clock.now())
    kept.append(
        forgery.checkpoint(
            core.audit.origin, lines, time, v.sha256_hex(kept[-1].encode()), stolen, private
        )
    )
    forged = forgery.write_export(
        tmp_path / "forged", lines, kept, v.read_notes(directory / v.CERTIFICATES_FILE)
    )
    for report in (v.verify(forged), v.verify(forged, anchor=anchor)):
        assert not report.ok, report.text()
        assert report.first_bad == 2, report.text()
        assert "final checkpoint of epoch 0" in report.problem


def test_a_rotation_without_a_final_checkpoint_is_an_old_log(
    data_dir: Path, clock: FakeClock, tmp_path: Path
) -> None:
    """Logs rotated before the final checkpoint existed still verify, with a warning: only the
    retired key could have signed a certificate without its `final` line."""
    keys = MemoryKeyStore()
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys)
    try:
        core.audit.record(CLI, "test.entry").result()
        core.audit.seal().result()
        (name0,) = keys.keys
        key0 = Ed25519PrivateKey.from_private_bytes(keys.keys[name0])
        clock.advance(days=1)
        core.audit.record(CLI, "test.entry").result()
        core.audit.seal().result()
        directory = export(core, tmp_path / "export")
    finally:
        core.close()
    certificates = v.read_notes(directory / v.CERTIFICATES_FILE)
    epoch1 = v.parse_certificate(certificates[1])
    old_text = v.certificate_text(
        epoch1.origin, 1, epoch1.name, epoch1.public_key, to_iso(epoch1.valid_from)
    )
    certificates[1] = forgery.sign(old_text, name0, key0)
    (directory / v.CERTIFICATES_FILE).write_bytes(
        b"".join(v.canonical_json({"note": n}) + b"\n" for n in certificates)
    )
    report = v.verify(directory)
    assert report.ok, report.text()
    assert any("without a final checkpoint of epoch 0" in w for w in report.warnings)


def test_a_clock_that_jumps_a_year_ahead_and_back(
    core: Core, clock: FakeClock, tmp_path: Path
) -> None:
    core.audit.record(CLI, "test.entry", "before").result()
    core.audit.seal().result()
    clock.advance(days=365)
    core.audit.record(CLI, "test.entry", "a year ahead").result()
    ahead = core.audit.seal().result()
    assert ahead is not None
    clock.advance(days=-365, minutes=1)
    for i in range(3):  # the clock stays behind for a while: one entry for the jump
        core.audit.record(CLI, "test.entry", f"back {i}").result()
        sealed = core.audit.seal().result()
        assert sealed is not None
        # Sealed under the current epoch, at the time of the last checkpoint.
        assert v.Checkpoint.parse(sealed.note).time == v.Checkpoint.parse(ahead.note).time
    directory = export(core, tmp_path / "export")
    jumps = [e for e in entries_of(directory) if e["action"] == "clock.went_back"]
    assert len(jumps) == 1
    assert jumps[0]["details"] == {
        "clock": "2026-03-29T00:31:00.000000Z",
        "last_seal": "2027-03-29T00:30:00.000000Z",
    }
    report = v.verify(directory)
    assert report.ok, report.text()
    assert any("the clock went back from 2027-03-29" in w for w in report.warnings)
    assert "clock went back" in report.text()


def test_several_days_later_one_rotation(
    core: Core, clock: FakeClock, keys: MemoryKeyStore
) -> None:
    core.audit.record(CLI, "test.entry").result()
    core.audit.seal().result()
    clock.advance(days=5)
    core.audit.record(CLI, "test.entry").result()
    core.audit.seal().result()
    epochs = [r["epoch"] for r in core.db.query("SELECT epoch FROM audit_keys ORDER BY epoch")]
    assert epochs == [0, 1]
    assert list(keys.keys) == [f"{core.audit.origin}/epoch-1"]


def test_unreachable_key_leaves_entries_for_the_next_seal(
    data_dir: Path, clock: FakeClock, keys: MemoryKeyStore, witness: ListWitness, tmp_path: Path
) -> None:
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    core.audit.record(CLI, "test.entry", "1").result()
    assert core.audit.seal().result() is not None
    core.close()

    # A new process (no key cached) while the keyring is locked.
    keys.reachable = False
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        for i in range(2, 6):
            entry = core.audit.record(CLI, "test.entry", str(i)).result()
            assert entry.seq == i
        assert core.audit.seal().result() is None
        assert checkpoint_sizes(core) == [1]
        assert len(witness.notes) == 1

        keys.reachable = True
        sealed = core.audit.seal().result()
        assert sealed is not None
        assert sealed.size == 5
        assert checkpoint_sizes(core) == [1, 5]
        report = v.verify(export(core, tmp_path / "export"))
        assert report.ok, report.text()
    finally:
        core.close()


def test_a_key_store_that_fails_leaves_entries_unsealed(
    data_dir: Path, clock: FakeClock, witness: ListWitness
) -> None:
    class FailingKeyStore(MemoryKeyStore):
        def load(self, name: str) -> bytes | None:
            raise StorageError("The keyring is locked.")

    keys = FailingKeyStore()
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    core.audit.record(CLI, "test.entry").result()
    assert core.audit.seal().result() is not None  # the first key is made here, not loaded
    core.close()
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        core.audit.record(CLI, "test.entry").result()
        assert core.audit.seal().result() is None
    finally:
        core.close()


def test_without_a_key_store_nothing_is_sealed(data_dir: Path, clock: FakeClock) -> None:
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER)
    try:
        core.audit.record(CLI, "test.entry").result()
        assert core.audit.seal().result() is None
        assert core.db.query("SELECT * FROM audit_keys") == []
    finally:
        core.close()


def test_close_seals_what_is_unsealed(
    data_dir: Path, clock: FakeClock, keys: MemoryKeyStore, witness: ListWitness
) -> None:
    core = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    core.audit.record(CLI, "test.entry").result()
    core.audit.record(CLI, "test.entry").result()
    core.close()
    assert [v.Checkpoint.parse(n).size for n in witness.notes] == [2]


# -- lasting actions -------------------------------------------------------------------------------


def test_begin_and_end_a_lasting_action(core: Core, tmp_path: Path) -> None:
    session = core.audit.begin("olle", "video.live", "Stora torget 1", {"quality": "main"}).result()
    assert core.db.query("SELECT start_seq, owner FROM audit_open") == [
        {"start_seq": session.start_seq, "owner": f"{socket.gethostname()}:{os.getpid()}"}
    ]
    core.audit.end(session, {"seconds": 95}).result()
    assert core.db.query("SELECT * FROM audit_open") == []
    values = entries_of(export(core, tmp_path / "export"))
    start, end = values[0], values[1]
    assert start["action"] == "video.live.start"
    assert start["actor"] == "olle"
    assert start["target"] == "Stora torget 1"
    assert start["details"] == {"quality": "main"}
    assert end["action"] == "video.live.end"
    assert end["details"] == {"seconds": 95, "start_seq": session.start_seq}
    assert "recovered" not in end["details"]


def dead_pid() -> int:
    """The process id of a process that has finished (and been reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def open_session(core: Core, owner: str, target: str) -> int:
    """A session as a process `owner` would have left it: its start entry and its row."""
    start = core.audit.record("olle", "video.live.start", target).result()

    def insert(db: Any) -> None:
        db.table("audit_open").insert(
            {
                "start_seq": start.seq,
                "actor": "olle",
                "action": "video.live",
                "target": target,
                "owner": owner,
                "opened_at": "2026-03-29T00:30:00.000000Z",
            }
        )

    core.db.write(insert).result()
    return start.seq


def test_sessions_of_dead_processes_are_ended_as_recovered(
    core: Core, data_dir: Path, clock: FakeClock, keys: MemoryKeyStore, tmp_path: Path
) -> None:
    host = socket.gethostname()
    dead = open_session(core, f"{host}:{dead_pid()}", "camera A")
    alive = open_session(core, f"{host}:{os.getppid()}", "camera B")
    elsewhere = open_session(core, "another-host.example:4242", "camera C")
    core.close()

    reopened = Core.open(data_dir, clock=clock, hasher=FAST_HASHER, keys=keys)
    try:
        still_open = reopened.db.query("SELECT start_seq FROM audit_open ORDER BY start_seq")
        assert [r["start_seq"] for r in still_open] == [alive, elsewhere]
        values = entries_of(export(reopened, tmp_path / "export"))
        ends = [e for e in values if e["action"] == "video.live.end"]
        assert len(ends) == 1
        assert ends[0]["details"] == {"recovered": True, "start_seq": dead}
        assert ends[0]["target"] == "camera A"
        assert ends[0]["actor"] == "olle"
        # Starting again does not end it twice.
        assert reopened.audit._write(reopened.audit._recover).result() == 0
    finally:
        reopened.close()


# -- failing closed --------------------------------------------------------------------------------


def test_a_closed_database_refuses_the_action(core: Core) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    session = core.audit.begin(CLI, "video.live", "camera").result()
    core.db.close()
    with pytest.raises(AuditUnavailable, match="the action was refused"):
        core.audit.record(CLI, "test.entry").result()
    with pytest.raises(AuditUnavailable):
        core.audit.begin(CLI, "video.live", "camera").result()
    with pytest.raises(AuditUnavailable):
        core.audit.end(session).result()
    user = None
    # (Reading a closed database raises sqlite3's ProgrammingError, not a KnownError.)
    with pytest.raises((KnownError, sqlite3.ProgrammingError)):
        user = core.users.authenticate("anna", PASSWORD)
    assert user is None


def test_a_full_disk_refuses_the_action(core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    size = core.audit.status()["size"]
    original = core.db.write

    def failing(fn: Callable[[Any], Any]) -> Any:
        def job(db: Any) -> Any:
            fn(db)
            raise sqlite3.OperationalError("database or disk is full")

        return original(job)

    monkeypatch.setattr(core.db, "write", failing)
    with pytest.raises(AuditUnavailable, match="cannot be written"):
        core.audit.record(CLI, "test.entry").result()
    with pytest.raises(AuditUnavailable):
        core.audit.begin(CLI, "video.live", "camera").result()
    user = None
    with pytest.raises(StorageError):
        user = core.users.authenticate("anna", PASSWORD)
    assert user is None
    # A wrong password is refused as well, and no failure is counted without its entry.
    with pytest.raises(AuditUnavailable):
        core.users.authenticate("nobody", PASSWORD)
    monkeypatch.undo()
    assert core.audit.status()["size"] == size
    assert core.db.query("SELECT failed_logins FROM users") == [{"failed_logins": 0}]
    assert core.users.authenticate("anna", PASSWORD).name == "anna"


def test_a_really_full_database_refuses_the_action(tmp_path: Path, clock: FakeClock) -> None:
    """SQLite's own "database or disk is full", by capping the file at its current size."""
    db = Database.open(tmp_path / "data", clock)
    try:
        audit = AuditLog(db, clock)
        audit.start(sealer=False)
        audit.record(CLI, "test.entry").result()
        pages = db.query("PRAGMA page_count")[0]["page_count"]
        db.write(lambda conn: conn.execute(f"PRAGMA max_page_count = {pages}")).result()
        with pytest.raises(AuditUnavailable, match="disk is full"):
            audit.record(CLI, "test.entry", "x", {"text": "y" * 20000}).result(timeout=3)
        assert audit.status()["size"] == "1"
        # The writer still works once there is room again.
        db.write(lambda conn: conn.execute("PRAGMA max_page_count = 1073741823")).result(3)
        assert audit.record(CLI, "test.entry").result(timeout=3).seq == 2
    finally:
        db.close()


# -- the foundation's actions ----------------------------------------------------------------------


def test_the_foundations_actions_are_logged(core: Core, tmp_path: Path) -> None:
    other_password = "another secret phrase 42"
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    admin = Actor.of(core.users.authenticate("anna", PASSWORD))
    core.users.add(admin, "olle", Role.OPERATOR, PASSWORD, [1, 3])
    core.users.update(admin, "olle", role=Role.SUPERVISOR, areas=[2])
    core.users.set_password(admin, "olle", other_password)
    core.users.set_disabled(admin, "olle", True)
    core.settings.set_int(admin, IDLE_LOCK_MINUTES, 3)
    with pytest.raises(AuthenticationFailed):
        core.users.authenticate("nobody", PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            core.users.authenticate("anna", "wrong password!")
    with pytest.raises(AccountLocked):
        core.users.authenticate("anna", "wrong password!")

    directory = export(core, tmp_path / "export")
    got = [(e["actor"], e["action"], e["target"], e["details"]) for e in entries_of(directory)]
    expected = [
        ("os:root", "user.added", "anna", {"role": "administrator", "areas": ""}),
        ("anna", "login", "anna", {}),
        ("anna", "user.added", "olle", {"role": "operator", "areas": "1,3"}),
        ("anna", "user.changed", "olle", {"role": "supervisor", "areas": "2"}),
        ("anna", "user.password_set", "olle", {"own": False}),
        ("anna", "user.disabled", "olle", {}),
        ("anna", "setting.changed", "ui.idle_lock_minutes", {"value": 3}),
        # A name no user has is logged by a keyed hash, never as typed.
        ("unknown user", "login.failed", got[7][2], {"unknown_user": True, "failures": 1}),
        *[("anna", "login.failed", "anna", {"failures": n}) for n in range(1, 6)],
        ("anna", "account.locked", "anna", {"minutes": 5}),
        ("os:root", "audit.exported", str(directory), {}),
    ]
    assert got == expected
    assert str(got[7][2]).startswith("unknown user #")
    report = v.verify(directory)
    assert report.ok, report.text()
    # No password, nor its hash, is anywhere in the export.
    hashes = [r["password_hash"] for r in core.db.query("SELECT password_hash FROM users")]
    for path in directory.iterdir():
        data = path.read_bytes()
        for secret in (PASSWORD, other_password, "wrong password!", *hashes):
            assert secret.encode() not in data, (path.name, secret)


# -- inclusion proofs ------------------------------------------------------------------------------


def test_inclusion_proofs(core: Core, tmp_path: Path) -> None:
    for i in range(13):
        core.audit.record(CLI, "test.entry", str(i)).result()
    with pytest.raises(NotFound, match="not sealed"):
        core.audit.prove(1)
    assert core.audit.seal().result() is not None
    directory = export(core, tmp_path / "export")
    for seq in range(1, 14):
        proof = core.audit.prove(seq)
        # The latest checkpoint is the export's (14 entries).
        assert proof["tree_size"] == 14
        assert proof["seq"] == seq
        assert proof["leaf_index"] == seq - 1
        entry = str(proof["entry"]).encode()
        assert json.loads(entry)["seq"] == seq
        assert proof["leaf_hash"] == v.leaf_hash(entry).hex()
        path = [bytes.fromhex(h) for h in proof["path"]]  # type: ignore[attr-defined]
        cp = v.Checkpoint.parse(str(proof["checkpoint"]))
        assert v.root_from_inclusion(v.leaf_hash(entry), seq - 1, 14, path) == cp.root
        assert (
            v.inclusion_path([v.leaf_hash(line) for line in lines_of(directory)], seq - 1, 14)
            == path
        )
        proof_file = tmp_path / f"proof-{seq}.json"
        proof_file.write_text(json.dumps(proof), encoding="utf-8")
        ok, text = v.verify_proof(directory, proof_file)
        assert ok, text
        assert f"entry {seq} is included" in text
    with pytest.raises(NotFound):
        core.audit.prove(0)
    with pytest.raises(NotFound):
        core.audit.prove(16)


def tampered_proof(proof: dict[str, Any], change: str) -> dict[str, Any]:
    proof = dict(proof)
    if change == "entry":
        proof["entry"] = proof["entry"].replace('"test.entry"', '"test.entrx"')
    elif change == "path":
        path = list(proof["path"])
        path[0] = ("0" if path[0][0] != "0" else "1") + path[0][1:]
        proof["path"] = path
    elif change == "index":
        proof["leaf_index"] += 1
    elif change == "size":
        proof["tree_size"] -= 1
    elif change == "checkpoint":
        proof["checkpoint"] = proof["checkpoint"].replace("\n14\n", "\n13\n", 1)
    return proof


@pytest.mark.parametrize("change", ["entry", "path", "index", "size", "checkpoint"])
def test_a_tampered_proof_fails(core: Core, tmp_path: Path, change: str) -> None:
    for i in range(13):
        core.audit.record(CLI, "test.entry", str(i)).result()
    directory = export(core, tmp_path / "export")
    proof = core.audit.prove(5)
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(json.dumps(proof), encoding="utf-8")
    assert v.verify_proof(directory, proof_file)[0]
    bad = tampered_proof(proof, change)
    assert bad != proof
    proof_file.write_text(json.dumps(bad), encoding="utf-8")
    ok, text = v.verify_proof(directory, proof_file)
    assert not ok, text


def test_a_proof_signed_by_an_uncertified_key_fails(core: Core, tmp_path: Path) -> None:
    """Whoever forges a proof can also add their own key to the export's certificates: only
    keys certified from the first one may count."""
    for i in range(3):
        core.audit.record(CLI, "test.entry", str(i)).result()
    directory = export(core, tmp_path / "export")
    origin = core.audit.origin
    forger = Ed25519PrivateKey.generate()
    name = f"{origin}/epoch-1"
    public = public_bytes(forger)
    text = v.certificate_text(origin, 1, name, public, "2026-03-29T00:30:00.000000Z")
    certificate = text + "\n" + v.signature_line(name, public, forger.sign(text.encode()))
    with (directory / v.CERTIFICATES_FILE).open("ab") as out:
        out.write(v.canonical_json({"note": certificate}) + b"\n")
    # A made-up entry 1 in a one-entry tree, "sealed" by the forger's key.
    entry = v.canonical_json(
        {
            "action": "login",
            "actor": "olle",
            "details": {},
            "prev": v.ZERO_HASH,
            "seq": 1,
            "target": "olle",
            "time": "2026-03-29T00:30:00.000000Z",
        }
    )
    cp_text = v.checkpoint_text(
        origin, 1, v.leaf_hash(entry), "2026-03-29T01:00:00.000000Z", v.sha256_hex(entry), "none"
    )
    note = cp_text + "\n" + v.signature_line(name, public, forger.sign(cp_text.encode()))
    proof = {
        "entry": entry.decode(),
        "leaf_index": 0,
        "tree_size": 1,
        "path": [],
        "checkpoint": note,
    }
    proof_file = tmp_path / "forged.json"
    proof_file.write_text(json.dumps(proof), encoding="utf-8")
    ok, text = v.verify_proof(directory, proof_file)
    assert not ok
    assert "not signed by a key of this log" in text
    # The export itself still verifies, with a warning about the extra certificate.
    report = v.verify(directory)
    assert report.ok, report.text()
    assert any("epoch 1 is not valid" in w for w in report.warnings)


def test_a_proof_against_another_anchor_fails(core: Core, tmp_path: Path) -> None:
    core.audit.record(CLI, "test.entry").result()
    directory = export(core, tmp_path / "export")
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(json.dumps(core.audit.prove(1)), encoding="utf-8")
    anchor = (directory / v.ANCHOR_FILE).read_text().split()[0]
    assert v.verify_proof(directory, proof_file, anchor)[0]
    assert not v.verify_proof(directory, proof_file, "ab" * 32)[0]


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "details",
    [
        {"ratio": 1.5},
        {"ratio": 1.0},
        {"nested": {"a": 1}},
        {"items": [1, 2]},
        {"seq": 1},
        {"prev": "x"},
        {"details": "x"},
        {"action": "x"},
        {"Upper": 1},
        {"with space": 1},
        {"": 1},
        {"k" * 65: 1},
        {"big": 2**53},
        {"small": -(2**53)},
        {"text": "lone \ud800 surrogate"},
        {"raw": b"bytes"},
    ],
)
def test_details_are_flat_safe_scalars(core: Core, details: dict[str, object]) -> None:
    refused = r"not allowed|must be|outside|surrogate|encode"
    with pytest.raises(ValueError, match=refused):
        check_details(details)
    with pytest.raises(ValueError, match=refused):
        core.audit.record(CLI, "test.entry", "", details)
    with pytest.raises(ValueError, match=refused):
        core.audit.begin(CLI, "test.session", "", details)
    assert core.audit.status()["size"] == "0"


def test_accepted_details() -> None:
    details = {"a": 1, "b_2": "x", "c": True, "d": None, "e": -(2**53) + 1, "k" * 64: ""}
    assert check_details(details) == details


@pytest.mark.parametrize("action", ["", "Login", "login.", ".login", "login..x", "a b", "ä", "1x"])
def test_actions_are_dotted_lower_case_tokens(core: Core, action: str) -> None:
    with pytest.raises(ValueError, match="dotted lower-case"):
        core.audit.record(CLI, action)
    assert core.audit.status()["size"] == "0"


# -- reading and exporting -------------------------------------------------------------------------


def test_reading_and_exporting_need_view_audit(core: Core, tmp_path: Path) -> None:
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
    operator = Actor.of(core.users.authenticate("olle", PASSWORD))
    with pytest.raises(PermissionDenied):
        core.audit.entries(operator)
    with pytest.raises(PermissionDenied):
        core.audit.export(operator, tmp_path / "export")
    assert not (tmp_path / "export").exists()
    newest = core.audit.entries(CLI, limit=1)
    assert [(e.seq, e.action, e.actor) for e in newest] == [(2, "login", "olle")]
    assert [e.action for e in core.audit.entries(CLI, user="os:root")] == ["user.added"]
    assert [e.seq for e in core.audit.entries(CLI, action="log")] == [2]


def test_export_refuses_a_folder_that_is_not_empty(core: Core, tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "something").write_text("x")
    with pytest.raises(InvalidInput, match="not empty"):
        core.audit.export(CLI, tmp_path / "export")
    assert core.audit.status()["size"] == "0"


def test_an_export_that_cannot_be_sealed_is_refused(
    core: Core, keys: MemoryKeyStore, tmp_path: Path
) -> None:
    core.audit.record(CLI, "test.entry").result()
    core.audit.seal().result()
    keys.reachable = False
    core.audit._private.clear()  # a new process: nothing cached
    with pytest.raises(AuditUnavailable, match="cannot be sealed"):
        core.audit.export(CLI, tmp_path / "export")
    assert not (tmp_path / "export").exists()
    keys.reachable = True
    directory = export(core, tmp_path / "export")
    # Both export attempts are in it, sealed.
    assert [e["action"] for e in entries_of(directory)][-2:] == ["audit.exported"] * 2
    assert v.verify(directory).ok


@pytest.mark.parametrize("sealed", [False, True])
def test_a_line_that_is_not_json_fails(
    core: Core, keys: MemoryKeyStore, tmp_path: Path, sealed: bool
) -> None:
    """A last line that only looks like an entry to a pattern (not JSON) is found, even when
    someone holding today's key sealed it."""
    core.audit.record(CLI, "test.entry").result()
    directory = export(core, tmp_path / "export")
    lines = lines_of(directory)
    garbage = b'not json {"prev":"%s","seq":%d,"target":"' % (
        v.sha256_hex(lines[-1]).encode(),
        len(lines) + 1,
    )
    lines.append(garbage)
    (directory / v.ENTRIES_FILE).write_bytes(b"".join(line + b"\n" for line in lines))
    if sealed:
        notes = v.read_notes(directory / v.CHECKPOINTS_FILE)
        (name,) = keys.keys
        private = Ed25519PrivateKey.from_private_bytes(keys.keys[name])
        prev = v.sha256_hex(notes[-1].encode())
        notes.append(
            forgery.checkpoint(
                core.audit.origin, lines, "2026-03-29T00:31:00.000000Z", prev, name, private
            )
        )
        (directory / v.CHECKPOINTS_FILE).write_bytes(
            b"".join(v.canonical_json({"note": n}) + b"\n" for n in notes)
        )
    report = v.verify(directory)
    assert (report.first_bad, report.problem) == (len(lines), "malformed entry"), report.text()


def test_the_export_holds_the_verifier(core: Core, tmp_path: Path) -> None:
    directory = export(core, tmp_path / "export")
    assert (directory / "verify.py").read_bytes() == Path(v.__file__).read_bytes()
    assert {p.name for p in directory.iterdir()} == {
        v.ENTRIES_FILE,
        v.CHECKPOINTS_FILE,
        v.CERTIFICATES_FILE,
        v.ANCHOR_FILE,
        "keys.json",
        "verify.py",
        "README.txt",
    }
    for name in (v.CHECKPOINTS_FILE, v.CERTIFICATES_FILE):
        for line in (directory / name).read_bytes().splitlines():
            assert v.canonical_json(json.loads(line)) == line
    for key in json.loads((directory / "keys.json").read_text()):
        assert v.fingerprint(bytes.fromhex(key["public_key"])) == key["fingerprint"]
        assert key["custody"] == "memory"


# -- the sealer thread ---------------------------------------------------------------------------


def test_the_sealer_thread_seals_in_pauses_and_witnesses(tmp_path: Path) -> None:
    """With a sealer thread, appends never sign: checkpoints are signed in the pauses between
    bursts, carried by a transaction of their own, and reach the witness."""
    keys, witness = MemoryKeyStore(), ListWitness()
    core = Core.open(tmp_path / "data", hasher=FAST_HASHER, keys=keys, witnesses=[witness])
    try:
        for burst in range(3):
            for i in range(100):
                core.audit.record(CLI, "test.entry", f"{burst}:{i}").result()
            deadline = time.monotonic() + 10
            while int(core.audit.status()["sealed"]) < 100 * (burst + 1):
                assert time.monotonic() < deadline, core.audit.status()
                time.sleep(0.01)
        sizes = [v.Checkpoint.parse(note).size for note in witness.notes]
        assert sizes == [100, 200, 300]
    finally:
        core.close()
    directory = tmp_path / "export"
    reopened = Core.open(tmp_path / "data", hasher=FAST_HASHER, keys=keys, sealer=False)
    try:
        reopened.audit.export(CLI, directory)
    finally:
        reopened.close()
    report = v.verify(directory)
    assert report.ok, report.text()
    assert report.sealed == report.entries


def test_a_storm_without_pauses_is_sealed_all_the_same(tmp_path: Path) -> None:
    keys = MemoryKeyStore()
    core = Core.open(tmp_path / "data", hasher=FAST_HASHER, keys=keys)
    try:
        futures = [core.audit.record(CLI, "test.entry", str(i)) for i in range(600)]
        for future in futures:
            future.result()
        deadline = time.monotonic() + 10
        while int(core.audit.status()["sealed"]) < 400:
            assert time.monotonic() < deadline, core.audit.status()
            time.sleep(0.01)
    finally:
        core.close()
