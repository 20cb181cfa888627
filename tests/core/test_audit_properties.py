"""Property tests of the access log: an untouched log always verifies, and every kind of damage
is found at exactly the first bad sequence number.

Each example writes a small log through the real writer (random entries, seals at random points
and by `seal_every_entries`, days that roll over so that the epoch key rotates), exports it, damages
the export and runs the verifier on it, with and without the witness's copy of the checkpoints.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from console.audit import verify as v
from console.audit.log import AuditLog
from console.domain import Actor
from console.storage import Database
from tests import audit_forgery as forgery
from tests.conftest import FakeClock, ListWitness, MemoryKeyStore

CLI = Actor.os_account("root")
#: Small logs in a RAM disk where there is one: each example commits dozens of transactions.
_SHM = Path("/dev/shm")
TMP_DIR = str(_SHM) if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None

PROPERTY = settings(
    # UTKIK_AUDIT_EXAMPLES=2000 for a deeper search than the default suite's.
    max_examples=int(os.environ.get("UTKIK_AUDIT_EXAMPLES", "25")),
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    # The autouse fixture only sets environment variables; it is the same for every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # The explain phase traces every line on Python 3.11 and outlasts the test's timeout on a
    # failure: the failing example itself is what is needed.
    phases=[phase for phase in Phase if phase is not Phase.explain],
)


class KeptKeyStore(MemoryKeyStore):
    """Keeps a copy of every key it is given, also after the log deletes it: the attacker's."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[str, bytes] = {}

    def store(self, name: str, secret: bytes) -> None:
        super().store(name, secret)
        self.kept[name] = secret


@dataclass(frozen=True)
class Log:
    lines: list[bytes]
    checkpoints: list[str]
    witnessed: list[str]
    keys: dict[str, bytes]
    #: the export's other files, unchanged by every mutation
    files: dict[str, bytes]

    @property
    def sizes(self) -> list[int]:
        return [v.Checkpoint.parse(note).size for note in self.checkpoints]

    def sealed_before(self, i: int) -> int:
        """The size of the checkpoint before checkpoint i (0-based), or 0."""
        return self.sizes[i - 1] if i > 0 else 0


# -- building logs -------------------------------------------------------------------------------

_ACTIONS = ("login", "login.failed", "video.live.start", "video.live.end", "user.added", "x")
_DETAIL_KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda key: key not in v.ENTRY_KEYS
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-v.MAX_SAFE_INTEGER, max_value=v.MAX_SAFE_INTEGER),
    st.text(max_size=10),
)
_ENTRY = st.tuples(
    st.just("entry"),
    st.text(max_size=8),  # actor
    st.sampled_from(_ACTIONS),
    st.text(max_size=10),  # target
    st.dictionaries(_DETAIL_KEYS, _SCALARS, max_size=3),
    st.integers(min_value=0, max_value=4000),  # seconds since the entry before
)
_SECONDS_OF_DAY = st.integers(min_value=0, max_value=86399)


@st.composite
def log_steps(draw: st.DrawFn, days: int = 1) -> list[tuple[Any, ...]]:
    """1 to 60 entries, with explicit seals and new days (at a random time) after some of them.

    With `days` > 1 the log surely has that many epochs: before each new day there is a seal.
    """
    n = draw(st.integers(min_value=days, max_value=60), label="entries")
    entries = draw(st.lists(_ENTRY, min_size=n, max_size=n))
    after = st.integers(min_value=1, max_value=n)
    seals = draw(st.sets(after, max_size=6), label="seal after")
    if days > 1:
        forced = draw(st.sets(after.filter(lambda i: i < n), min_size=days - 1, max_size=days - 1))
        seals |= forced
        midnights = forced | draw(st.sets(after, max_size=2))
    else:
        midnights = draw(st.sets(after, max_size=3), label="new day after")
    steps: list[tuple[Any, ...]] = []
    for i, entry in enumerate(entries, start=1):
        steps.append(entry)
        if i in seals:
            steps.append(("seal",))
        if i in midnights:
            steps.append(("midnight", draw(_SECONDS_OF_DAY)))
    return steps


STEPS = log_steps()
SEAL_EVERY = st.integers(min_value=2, max_value=12)


def build(steps: list[tuple[Any, ...]], seal_every: int) -> Log:
    """Write the log through the real writer and read its export back into memory."""
    with tempfile.TemporaryDirectory(dir=TMP_DIR) as tmp:
        clock = FakeClock()
        keys = KeptKeyStore()
        witness = ListWitness()
        db = Database.open(Path(tmp) / "data", clock)
        try:
            audit = AuditLog(db, clock, keys, [witness], seal_every_entries=seal_every)
            audit.start(sealer=False)
            for step in steps:
                if step[0] == "entry":
                    _, actor, action, target, details, seconds = step
                    clock.advance(seconds=seconds)
                    audit.record(actor, action, target, details).result()
                elif step[0] == "seal":
                    audit.seal().result()
                else:
                    next_day = clock.moment.date() + timedelta(days=1)
                    midnight = datetime.combine(next_day, time(0), UTC)
                    clock.moment = midnight + timedelta(seconds=step[1])
            # The export logs itself and seals: every entry of an export is sealed.
            audit.export(CLI, Path(tmp) / "export")
        finally:
            db.close()
        directory = Path(tmp) / "export"
        files = {p.name: p.read_bytes() for p in directory.iterdir()}
    lines = files.pop(v.ENTRIES_FILE).splitlines()
    checkpoints = [json.loads(line)["note"] for line in files.pop(v.CHECKPOINTS_FILE).splitlines()]
    assert checkpoints == witness.notes
    if currently_in_test_context():  # for --hypothesis-show-statistics
        event(f"entries: {len(lines) // 20 * 20}+")
        event(f"epochs: {len(keys.kept)}")
    return Log(lines, checkpoints, witness.notes, keys.kept, files)


def write(log: Log, directory: Path, lines: list[bytes], checkpoints: list[str]) -> Path:
    directory.mkdir()
    for name, data in log.files.items():
        (directory / name).write_bytes(data)
    (directory / v.ENTRIES_FILE).write_bytes(b"".join(line + b"\n" for line in lines))
    (directory / v.CHECKPOINTS_FILE).write_bytes(
        b"".join(v.canonical_json({"note": note}) + b"\n" for note in checkpoints)
    )
    return directory


def check(
    log: Log, lines: list[bytes], checkpoints: list[str], expected: int, *, witness_needed: bool
) -> None:
    """The verifier names entry `expected` as the first bad one, also given the witness."""
    with tempfile.TemporaryDirectory(dir=TMP_DIR) as tmp:
        directory = write(log, Path(tmp) / "export", lines, checkpoints)
        witness = Path(tmp) / "witness.jsonl"
        witness.write_text("".join(json.dumps({"note": n}) + "\n" for n in log.witnessed))
        alone = v.verify(directory)
        witnessed = v.verify(directory, witness)
    if witness_needed:
        assert alone.ok, alone.text()
    else:
        assert alone.first_bad == expected, alone.text()
    assert witnessed.first_bad == expected, witnessed.text()


# -- an untouched log ------------------------------------------------------------------------------


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY)
def test_an_untouched_log_verifies(steps: list[tuple[Any, ...]], seal_every: int) -> None:
    log = build(steps, seal_every)
    entries = sum(1 for step in steps if step[0] == "entry") + 1
    with tempfile.TemporaryDirectory(dir=TMP_DIR) as tmp:
        directory = write(log, Path(tmp) / "export", log.lines, log.checkpoints)
        witness = Path(tmp) / "witness.jsonl"
        witness.write_text("".join(json.dumps({"note": n}) + "\n" for n in log.witnessed))
        certificates = v.read_notes(directory / v.CERTIFICATES_FILE)
        anchor = v.fingerprint(v.parse_certificate(certificates[0]).public_key)
        for report in (v.verify(directory), v.verify(directory, witness, anchor)):
            assert report.ok, report.text()
            assert report.warnings == []
            assert report.entries == report.sealed == len(log.lines) == entries
            assert report.checkpoints == len(log.checkpoints)
            assert report.epochs == len(certificates)
            assert report.anchor == anchor
    # Each entry is RFC 8785 JSON of exactly the entry's members, in a hash chain.
    prev = v.ZERO_HASH
    for seq, line in enumerate(log.lines, start=1):
        value = json.loads(line)
        assert v.canonical_json(value) == line
        assert tuple(value) == v.ENTRY_KEYS
        assert (value["seq"], value["prev"]) == (seq, prev)
        prev = v.sha256_hex(line)
    written = [step[1:5] for step in steps if step[0] == "entry"]
    got = [(e["actor"], e["action"], e["target"], e["details"]) for e in map(json.loads, log.lines)]
    assert got[:-1] == written
    sizes = log.sizes
    assert sizes == sorted(set(sizes))
    assert sizes[-1] == entries
    # record() seals at the latest every `seal_every` entries.
    assert all(b - a <= seal_every for a, b in itertools.pairwise([0, *sizes]))


# -- damaged entries -------------------------------------------------------------------------------


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_a_flipped_byte_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    log = build(steps, seal_every)
    k = data.draw(st.integers(min_value=1, max_value=len(log.lines)), label="entry")
    line = bytearray(log.lines[k - 1])
    at = data.draw(st.integers(min_value=0, max_value=len(line) - 1), label="byte")
    line[at] ^= data.draw(st.integers(min_value=1, max_value=255), label="mask")
    lines = [*log.lines[: k - 1], bytes(line), *log.lines[k:]]
    check(log, lines, log.checkpoints, k, witness_needed=False)


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_a_deleted_entry_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    log = build(steps, seal_every)
    k = data.draw(st.integers(min_value=1, max_value=len(log.lines)), label="entry")
    lines = [*log.lines[: k - 1], *log.lines[k:]]
    check(log, lines, log.checkpoints, k, witness_needed=False)


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_an_inserted_entry_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    """The attacker writes a well-formed entry k linked to entry k-1 and leaves the rest."""
    log = build(steps, seal_every)
    k = data.draw(st.integers(min_value=1, max_value=len(log.lines)), label="position")
    forged = v.canonical_json(
        {
            "action": data.draw(st.sampled_from(["login", "forged.entry"]), label="action"),
            "actor": data.draw(st.text(max_size=8), label="actor"),
            # (a key longer than the random ones: the forged entry is never a copy)
            "details": {"forged_entry": True},
            "prev": v.ZERO_HASH if k == 1 else v.sha256_hex(log.lines[k - 2]),
            "seq": k,
            "target": "",
            "time": "2026-03-29T00:30:00.000000Z",
        }
    )
    lines = [*log.lines[: k - 1], forged, *log.lines[k - 1 :]]
    check(log, lines, log.checkpoints, k, witness_needed=False)


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_swapped_entries_are_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    log = build(steps, seal_every)
    k = data.draw(st.integers(min_value=1, max_value=len(log.lines) - 1), label="entry")
    lines = list(log.lines)
    lines[k - 1], lines[k] = lines[k], lines[k - 1]
    check(log, lines, log.checkpoints, k, witness_needed=False)


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_a_duplicated_entry_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    """A copy of entry k right after it: the copy, entry k+1, is the first bad one."""
    log = build(steps, seal_every)
    k = data.draw(st.integers(min_value=1, max_value=len(log.lines)), label="entry")
    lines = [*log.lines[:k], log.lines[k - 1], *log.lines[k:]]
    check(log, lines, log.checkpoints, k + 1, witness_needed=False)


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_a_truncation_behind_a_witnessed_checkpoint_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    """Cut to a checkpoint's t entries and drop the checkpoints beyond: consistent in itself,
    so only the witness, which saw more, tells; or a later epoch's certificate, which names a
    final checkpoint that is gone. Cut to nothing, it is no export."""
    log = build(steps, seal_every)
    t = data.draw(st.sampled_from([0, *log.sizes[:-1]]), label="kept")
    checkpoints = [note for note in log.checkpoints if v.Checkpoint.parse(note).size <= t]
    with tempfile.TemporaryDirectory(dir=TMP_DIR) as tmp:
        directory = write(log, Path(tmp) / "export", log.lines[:t], checkpoints)
        witness = Path(tmp) / "witness.jsonl"
        witness.write_text("".join(json.dumps({"note": n}) + "\n" for n in log.witnessed))
        alone = v.verify(directory)
        witnessed = v.verify(directory, witness)
    assert alone.first_bad == (t + 1 if t == 0 else alone.first_bad), alone.text()
    assert alone.ok or alone.first_bad == t + 1, alone.text()
    assert witnessed.first_bad == t + 1, witnessed.text()


# -- damaged checkpoints ---------------------------------------------------------------------------


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_an_altered_checkpoint_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    log = build(steps, seal_every)
    i = data.draw(st.integers(min_value=0, max_value=len(log.checkpoints) - 1), label="checkpoint")
    note = log.checkpoints[i]
    others = [n for n in log.checkpoints if n != note]
    if len(others) > 0 and data.draw(st.booleans(), label="another checkpoint instead"):
        altered = data.draw(st.sampled_from(others), label="replacement")
    else:
        at = data.draw(st.integers(min_value=0, max_value=len(note) - 1), label="at")
        char = data.draw(st.characters(codec="utf-8").filter(lambda c: c != note[at]))
        altered = note[:at] + char + note[at + 1 :]
    checkpoints = [*log.checkpoints[:i], altered, *log.checkpoints[i + 1 :]]
    check(log, log.lines, checkpoints, log.sealed_before(i) + 1, witness_needed=False)


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_a_damaged_checkpoint_line_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    """A byte of checkpoints.jsonl flipped, wherever it falls (JSON, text, signature, a line
    break), makes that checkpoint bad, not the export unreadable."""
    log = build(steps, seal_every)
    with tempfile.TemporaryDirectory(dir=TMP_DIR) as tmp:
        directory = write(log, Path(tmp) / "export", log.lines, log.checkpoints)
        path = directory / v.CHECKPOINTS_FILE
        damaged = bytearray(path.read_bytes())
        # (not the final line break: turned into a blank, it would change nothing)
        at = data.draw(st.integers(min_value=0, max_value=len(damaged) - 2), label="byte")
        damaged[at] ^= data.draw(st.integers(min_value=1, max_value=255), label="mask")
        path.write_bytes(bytes(damaged))
        i = damaged[:at].count(b"\n")
        witness = Path(tmp) / "witness.jsonl"
        witness.write_text("".join(json.dumps({"note": n}) + "\n" for n in log.witnessed))
        for report in (v.verify(directory), v.verify(directory, witness)):
            assert report.first_bad == log.sealed_before(i) + 1, report.text()


@PROPERTY
@given(steps=log_steps(days=2), seal_every=SEAL_EVERY, data=st.data())
def test_a_checkpoint_signed_with_another_epochs_key_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    """Re-sign checkpoint i, same text, with the private key of a later (or earlier) epoch, as
    someone who kept that key could (CVE-2023-31439)."""
    log = build(steps, seal_every)
    assert len(log.keys) >= 2
    i = data.draw(st.integers(min_value=0, max_value=len(log.checkpoints) - 1), label="checkpoint")
    note = v.parse_note(log.checkpoints[i])
    own = note.signatures[0].name
    name = data.draw(st.sampled_from(sorted(k for k in log.keys if k != own)), label="key")
    private = Ed25519PrivateKey.from_private_bytes(log.keys[name])
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    resigned = note.text + "\n" + v.signature_line(name, public, private.sign(note.text.encode()))
    checkpoints = [*log.checkpoints[:i], resigned, *log.checkpoints[i + 1 :]]
    check(log, log.lines, checkpoints, log.sealed_before(i) + 1, witness_needed=False)


def test_a_checkpoint_with_a_respelled_signature_is_found() -> None:
    """The last base64 digit of a signature holds 2 unused bits: changing them keeps the bytes
    but not the note, whose hash the next checkpoint names. Only one spelling is accepted."""
    entry: tuple[Any, ...] = ("entry", "a", "login", "", {}, 1)
    log = build([entry, ("seal",), entry, ("seal",), entry], seal_every=100)
    note = log.checkpoints[0]
    blob = note.rstrip("\n").rsplit(" ", 1)[1]
    assert blob.endswith("=")
    assert not blob.endswith("==")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    digit = alphabet.index(blob[-2])
    respelled = blob[:-2] + alphabet[digit ^ 1] + "="
    assert base64.b64decode(respelled) == base64.b64decode(blob)
    altered = note.replace(blob, respelled)
    check(log, log.lines, [altered, *log.checkpoints[1:]], 1, witness_needed=False)


# -- what someone who can write the database and the export can do --------------------------------


def certificates_of(log: Log) -> list[v.EpochKey]:
    return [
        v.parse_certificate(json.loads(line)["note"])
        for line in log.files[v.CERTIFICATES_FILE].splitlines()
    ]


def relink(entries: list[dict[str, Any]]) -> list[bytes]:
    lines: list[bytes] = []
    for seq, entry in enumerate(entries, start=1):
        entry = {**entry, "seq": seq, "prev": v.sha256_hex(lines[-1]) if lines else v.ZERO_HASH}
        lines.append(v.canonical_json(entry))
    return lines


def verify_with(
    log: Log,
    lines: list[bytes],
    checkpoints: list[str],
    certificates: list[str] | None = None,
    witnessed: list[str] | None = None,
    anchor: str | None = None,
) -> tuple[v.Report, v.Report]:
    """The export as changed, verified alone and with the witness (and the anchor if given)."""
    with tempfile.TemporaryDirectory(dir=TMP_DIR) as tmp:
        directory = write(log, Path(tmp) / "export", lines, checkpoints)
        if certificates is not None:
            (directory / v.CERTIFICATES_FILE).write_bytes(
                b"".join(v.canonical_json({"note": n}) + b"\n" for n in certificates)
            )
        witness = forgery.write_witness(
            Path(tmp) / "witness.jsonl", log.witnessed if witnessed is None else witnessed
        )
        return v.verify(directory), v.verify(directory, witness, anchor)


@PROPERTY
@given(
    steps=STEPS,
    seal_every=SEAL_EVERY,
    emptied=st.sets(
        st.sampled_from([v.ENTRIES_FILE, v.CHECKPOINTS_FILE, v.CERTIFICATES_FILE]), min_size=1
    ),
)
def test_emptied_export_files_fail(
    steps: list[tuple[Any, ...]], seal_every: int, emptied: set[str]
) -> None:
    log = build(steps, seal_every)
    anchor = v.fingerprint(certificates_of(log)[0].public_key)
    lines = [] if v.ENTRIES_FILE in emptied else log.lines
    checkpoints = [] if v.CHECKPOINTS_FILE in emptied else log.checkpoints
    certificates = [] if v.CERTIFICATES_FILE in emptied else None
    for report in verify_with(log, lines, checkpoints, certificates, anchor=anchor):
        assert report.first_bad == 1, report.text()


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, data=st.data())
def test_a_rekeyed_database_fails_with_the_witness_or_the_anchor(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    """Keys and checkpoints emptied, an entry dropped, the log signed anew with a first key of
    the attacker's (under the same name or another): only what is kept outside tells."""
    log = build(steps, seal_every)
    entries = [json.loads(line) for line in log.lines]
    k = data.draw(st.integers(min_value=1, max_value=len(entries)), label="dropped")
    lines = relink(entries[: k - 1] + entries[k:])
    origin = certificates_of(log)[0].origin
    if data.draw(st.booleans(), label="another origin"):
        origin = "utkik.local/" + "f" * 16
    certs, notes, _ = forgery.rekeyed(lines, origin, entries[-1]["time"])
    anchor = v.fingerprint(certificates_of(log)[0].public_key)
    alone, witnessed = verify_with(log, lines, notes, certs)
    assert alone.ok, alone.text()  # consistent in itself
    assert not witnessed.ok
    _, anchored = verify_with(log, lines, notes, certs, witnessed=[], anchor=anchor)
    assert anchored.first_bad == 1, anchored.text()


@PROPERTY
@given(steps=log_steps(days=2), seal_every=SEAL_EVERY, data=st.data())
def test_a_tail_resealed_with_a_stolen_key_is_found(
    steps: list[tuple[Any, ...]], seal_every: int, data: st.DataObject
) -> None:
    """A thief holding today's key deletes entry k, drops the checkpoints from there on and
    seals the rest anew. An earlier epoch's entry: found without the witness (its epoch's final
    checkpoint is gone); one of today's epoch: found by the witness."""
    log = build(steps, seal_every)
    epochs = certificates_of(log)
    today = epochs[-1]
    private = Ed25519PrivateKey.from_private_bytes(log.keys[today.name])
    entries = [json.loads(line) for line in log.lines]
    k = data.draw(st.integers(min_value=1, max_value=len(entries)), label="deleted")
    lines = relink(entries[: k - 1] + entries[k:])
    kept = [note for note in log.checkpoints if v.Checkpoint.parse(note).size < k]
    times = [v.Checkpoint.parse(note).time for note in log.checkpoints]
    when = max([today.valid_from, *times]).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    prev = v.sha256_hex(kept[-1].encode()) if kept else "none"
    resealed = [*kept, forgery.checkpoint(today.origin, lines, when, prev, today.name, private)]
    alone, witnessed = verify_with(log, lines, resealed)
    final_sizes = [
        cp.size
        for cp in map(v.Checkpoint.parse, log.checkpoints)
        if any(e.final == v.sha256_hex(cp.note.encode()) for e in epochs)
    ]
    if k <= max(final_sizes):
        for report in (alone, witnessed):
            assert report.first_bad is not None, report.text()
            assert report.first_bad <= k, report.text()
    # Within today's epoch only the witness, which saw the checkpoints before, tells (it names
    # where the log stops matching what it saw, which can be after k).
    assert not witnessed.ok, witnessed.text()


@PROPERTY
@given(steps=STEPS, seal_every=SEAL_EVERY, same_origin=st.booleans())
def test_a_witness_of_another_origin_or_key_fails(
    steps: list[tuple[Any, ...]], seal_every: int, same_origin: bool
) -> None:
    """The witness holds a checkpoint this log's keys cannot validate: someone made a log
    under another first key (or another name) and witnessed it. A failure, not a warning."""
    log = build(steps, seal_every)
    origin = certificates_of(log)[0].origin if same_origin else "utkik.local/" + "e" * 16
    stranger = Ed25519PrivateKey.generate()
    note = forgery.checkpoint(
        origin, log.lines[:1], "2026-03-29T00:30:00.000000Z", "none", f"{origin}/epoch-0", stranger
    )
    _, witnessed = verify_with(log, log.lines, log.checkpoints, witnessed=[*log.witnessed, note])
    assert witnessed.first_bad == 1, witnessed.text()


#: Any text, often with what JSON escapes and what it must not.
_ANY_TEXT = st.text(
    st.one_of(
        st.sampled_from('\x00\x08\x0b\x0c\x1a\x1f\n\t"\\/\x7f\u2028\u00e5'),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=12,
)
_LINE_EDITS = st.one_of(
    st.just(("none", 0, 0)),
    st.tuples(st.just("replace"), st.integers(0, 400), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 400), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(0, 400), st.just(0)),
    st.tuples(st.sampled_from(["ascii", "spaced", "upper", "unsorted"]), st.just(0), st.just(0)),
)


def _edited(entry: dict[str, Any], edit: tuple[str, int, int]) -> bytes:
    line = v.canonical_json(entry)
    how, at, byte = edit
    at = min(at, len(line))
    if how == "replace" and at < len(line):
        return line[:at] + bytes([byte]) + line[at + 1 :]
    if how == "insert":
        return line[:at] + bytes([byte]) + line[at:]
    if how == "delete":
        return line[:at] + line[at + 1 :]
    if how == "ascii":
        return json.dumps(entry, sort_keys=True, separators=(",", ":")).encode()
    if how == "spaced":
        return json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()
    if how == "upper":
        return re.sub(rb"\\u00[0-9a-f]{2}", lambda m: m.group().upper().replace(b"U", b"u"), line)
    if how == "unsorted":
        return json.dumps(entry, separators=(",", ":"), ensure_ascii=False).encode()
    return line


@settings(max_examples=int(os.environ.get("UTKIK_AUDIT_EXAMPLES", "25")) * 40, database=None)
@given(
    strings=st.tuples(_ANY_TEXT, _ANY_TEXT, _ANY_TEXT, _ANY_TEXT),
    details=st.one_of(
        st.dictionaries(_DETAIL_KEYS, st.one_of(_SCALARS, _ANY_TEXT), max_size=7),
        st.dictionaries(
            st.one_of(_DETAIL_KEYS, st.sampled_from(v.ENTRY_KEYS), _ANY_TEXT),
            st.one_of(_SCALARS, _ANY_TEXT, st.integers(), st.floats(allow_nan=False)),
            max_size=8,
        ),
    ),
    seq=st.one_of(st.just(1), st.integers(min_value=-3, max_value=2**60)),
    prev=st.one_of(st.just(v.ZERO_HASH), _ANY_TEXT),
    edit=_LINE_EDITS,
)
def test_the_whole_file_canonical_check_accepts_only_entries_parse_entry_accepts(
    strings: tuple[str, str, str, str],
    details: dict[str, Any],
    seq: int,
    prev: str,
    edit: tuple[str, int, int],
) -> None:
    """The verifier checks a file of entries in canonical form in one pass over its bytes and
    parses line by line only when that pass finds something else: it must never pass a line
    that parse_entry (one JSON decode and the canonical re-encoding compared) would refuse, and
    it must pass what the writer writes."""
    actor, action, target, time_text = strings
    time_text = "2026-03-29T10:11:12.123456Z" if seq % 2 else time_text
    entry = {
        "action": action,
        "actor": actor,
        "details": details,
        "prev": prev,
        "seq": seq,
        "target": target,
        "time": time_text,
    }
    try:
        line = _edited(entry, edit)
    except ValueError:  # a float or an unsafe integer: canonical_json refuses it
        return
    if b"\n" in line:
        return  # the file splits there: two lines, each judged on its own
    for data in (line + b"\n", line, line + b"\n" + line + b"\n"):
        lines = v._split_lines(data)
        digests = [hashlib.sha256(x).digest() for x in lines]
        one_pass = v._canonical_links(data, digests)
        parsed = [v.parse_entry(x) for x in lines]
        event("line by line" if one_pass is None or one_pass[1] else "one pass")
        if one_pass is not None:
            intact, others = one_pass
            for i, entry in enumerate(parsed):
                assert i in others or entry is not None, line
            if not others:
                assert intact == v._chain_intact(data, digests), line
    writers = (
        edit[0] == "none"
        and prev == v.ZERO_HASH
        and seq == 1
        and len(details) <= v._DETAILS_SEEN
        and all(
            v._DETAIL_KEY.fullmatch(k) and k not in v.ENTRY_KEYS and type(x) is not float
            for k, x in details.items()
        )
        and all(type(x) is not int or abs(x) < 10**15 for x in details.values())
    )
    if writers:
        assert v._canonical_links(line + b"\n", [hashlib.sha256(line).digest()]) == (True, [])


_GOOD = (
    '{"action":"a","actor":"b","details":{DETAILS},"prev":"' + "0" * 64 + '","seq":1,'
    '"target":"t TARGET","time":"2026-03-29T10:11:12.123456Z"}'
)


@pytest.mark.parametrize(
    ("details", "target"),
    [
        ('"x":1', "\\u001A"),  # escapes in lower case only
        ('"x":1', "\\u0008"),  # \b has a short form
        ('"x":1', "\\/"),  # '/' is never escaped
        ('"x":1', "\\u00e5"),  # nor anything but controls
        ('"x":1', "\\ud800"),  # a lone surrogate
        ('"x":1', "\x01"),  # a control character unescaped
        ('"x":-0', ""),
        ('"x":01', ""),
        ('"x":1.0', ""),
        ('"x":1e3', ""),
        ('"x":9007199254740992', ""),  # beyond ±(2^53-1)
        ('"y":1,"x":2', ""),  # out of order
        ('"x":1,"x":2', ""),  # twice
        ('"a":1,"b":2,"c":3,"b":4', ""),
        ('"seq":1', ""),  # an entry's own member name
        ('"X":1', ""),
        ('"x":[]', ""),
        ('"x":{}', ""),
        ('"x" :1', ""),
    ],
)
def test_the_whole_file_canonical_check_refuses_what_is_not_canonical(
    details: str, target: str
) -> None:
    line = _GOOD.replace("DETAILS", details).replace("TARGET", target).encode()
    good = _GOOD.replace("DETAILS", '"x":1').replace("TARGET", "").encode()
    assert v.parse_entry(good) is not None
    for data, at in ((line + b"\n", 0), (good + b"\n" + line + b"\n", 1), (good + b"\n" + line, 1)):
        digests = [hashlib.sha256(x).digest() for x in v._split_lines(data)]
        one_pass = v._canonical_links(data, digests)
        # Parsed line by line: the whole file, or the line the one pass does not take.
        assert one_pass is None or one_pass[1] == [at], data
    assert v.parse_entry(line) is None, line
