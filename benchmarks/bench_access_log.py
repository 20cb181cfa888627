"""Access-log benchmarks: appending (P6) and verifying an export, each against a reference
measured in the same run on the same machine and disk.

    .venv/bin/python benchmarks/bench_access_log.py [--entries N] [--samples N] [--workdir DIR]

P6      `core.audit.record(...).result()` latency p99 (as a caller sees it: the writer thread's
        BEGIN IMMEDIATE transaction with synchronous=FULL, the checkpoint signed every 100
        entries and its witness copy) against a plain sqlite3 insert of a blob of the same size,
        one row per BEGIN IMMEDIATE/COMMIT, WAL and synchronous=FULL. Samples are taken in
        alternating blocks of 100 so that both see the same disk weather. Target: ratio <= 1.5.
verify  `verify()` of an export of N entries (default 1,000,000) sealed by one checkpoint (and
        only epoch 0's certificate: two signatures), against reading the same entries.jsonl and
        hashing each line with hashlib.sha256 in a Python loop (target: ratio <= 3); and
        `verify()` with a checkpoint every 100 entries, each signature checked, and a new epoch
        key a day, against the same verify with one checkpoint (target: <= 1.5).

The large export is synthesized with the primitives of console/audit/verify.py, reproducing
what console/audit/log.py writes (`_append`, `_seal_in`, `_new_epoch`, `_write_export`). Before
it is used, the synthesizer is checked against the real AuditLog: both are fed the same entries,
times, origin and key seeds, and their exports must be byte for byte the same and verify.

The table goes to stdout, the numbers to benchmarks/results/access_log.json.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import math
import os
import platform
import pstats
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from console.app import Core
from console.audit import verify as v
from console.audit.log import AuditLog, Scalar
from console.clock import to_iso
from console.domain import Actor
from console.storage import SEED_SITES, Database
from devices.keystore import FileKeyStore
from devices.witness import FileWitness

RESULTS = Path(__file__).resolve().parent / "results" / "access_log.json"
SEAL_EVERY = 100  # console.audit.log.SEAL_EVERY_ENTRIES, spelled out: the synthesizer needs it
P6_LIMIT = 1.5
VERIFY_LIMIT = 3.0
SIGNATURES_LIMIT = 1.5

Details = dict[str, Scalar]
Record = tuple[str, str, str, Details]

# -- a realistic workload ------------------------------------------------------------------------

ACTORS = (
    "anna.lindqvist",
    "erik.johansson",
    "sara.nilsson",
    "johan.berg",
    "maria.holm",
    "ahmed.hassan",
    "lena.ek",
    "os:drift",
)
PLACES = tuple(place for _, places in SEED_SITES for place in places)
LAYOUTS = ("1x1", "2x2", "3x3", "4x4")


def workload(rng: random.Random) -> Record:
    """One entry as the console writes them: who, what, on which camera, a few details."""
    actor = rng.choice(ACTORS)
    camera = rng.randrange(1, 64)
    target = f"camera:{camera} {rng.choice(PLACES)}"
    roll = rng.random()
    if roll < 0.30:
        layout = rng.choice(LAYOUTS)
        return actor, "live_view.start", target, {"layout": layout, "tile": rng.randrange(16)}
    if roll < 0.60:
        details: Details = {"start_seq": rng.randrange(1, 10**6), "seconds": rng.randrange(2, 7200)}
        return actor, "live_view.end", target, details
    if roll < 0.72:
        day = rng.randrange(1, 29)
        return (
            actor,
            "playback.start",
            target,
            {"from": f"2026-02-{day:02d}T21:14:00Z", "to": f"2026-02-{day:02d}T21:44:00Z"},
        )
    if roll < 0.84:
        return actor, "ptz.move", target, {"preset": rng.randrange(1, 9), "zoom": True}
    if roll < 0.92:
        name = f"snap-20260329-{rng.randrange(10**6):06d}-cam{camera}.jpg"
        return actor, "snapshot.taken", target, {"file": name}
    alarm = f"alarm:{rng.randrange(1, 10**5)} {rng.choice(PLACES)}"
    return actor, "alarm.acknowledged", alarm, {"kind": "motion", "camera": camera}


def mean_entry_bytes(samples: int = 2000) -> int:
    """The mean size of an entry body of this workload (seq and time of a large log)."""
    rng = random.Random(7)
    total = 0
    for i in range(samples):
        actor, action, target, details = workload(rng)
        total += len(
            v.canonical_json(
                {
                    "action": action,
                    "actor": actor,
                    "details": details,
                    "prev": v.ZERO_HASH,
                    "seq": 500_000 + i,
                    "target": target,
                    "time": "2026-03-29T10:11:12.123456Z",
                }
            )
        )
    return round(total / samples)


# -- statistics ----------------------------------------------------------------------------------


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def latency_summary(samples_ns: Sequence[int]) -> dict[str, float]:
    ordered = sorted(s / 1e6 for s in samples_ns)
    return {
        "n": len(ordered),
        "mean": sum(ordered) / len(ordered),
        "p50": percentile(ordered, 50),
        "p90": percentile(ordered, 90),
        "p99": percentile(ordered, 99),
        "p99.9": percentile(ordered, 99.9),
        "max": ordered[-1],
    }


# -- P6: appending -------------------------------------------------------------------------------


class ReferenceLog:
    """Plain sqlite3: WAL, synchronous=FULL, one blob row per BEGIN IMMEDIATE/COMMIT."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE entries (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)")

    def insert(self, blob: bytes) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO entries (body) VALUES (?)", (blob,))
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def bench_append(workdir: Path, samples: int, warmup: int, witness: bool) -> dict[str, Any]:
    """P6: record() latency through a real Core against plain inserts, in alternating blocks."""
    blob_size = mean_entry_bytes()
    rng = random.Random(6)
    records = [workload(rng) for _ in range(warmup + samples)]
    blobs = [os.urandom(blob_size) for _ in range(warmup + samples)]
    witnesses = [FileWitness(workdir / "witness.jsonl")] if witness else []
    core = Core.open(workdir / "data", keys=FileKeyStore(workdir / "keys"), witnesses=witnesses)
    reference = ReferenceLog(workdir / "reference.db")
    project_ns: list[int] = []
    reference_ns: list[int] = []
    sealing_ns: list[int] = []
    clock = time.perf_counter_ns
    try:
        for i in range(warmup):
            core.audit.record(*records[i]).result()
            reference.insert(blobs[i])
        sealed_before = sealed = int(core.audit.status()["sealed"])
        for start in range(warmup, warmup + samples, SEAL_EVERY):
            block = range(start, min(start + SEAL_EVERY, warmup + samples))
            for i in block:
                t0 = clock()
                entry = core.audit.record(*records[i]).result()
                elapsed = clock() - t0
                project_ns.append(elapsed)
                if entry.seq - sealed >= SEAL_EVERY:  # record() sealed inline, by its own rule
                    sealing_ns.append(elapsed)
                    sealed = entry.seq
            for i in block:
                t0 = clock()
                reference.insert(blobs[i])
                reference_ns.append(clock() - t0)
        status = core.audit.status()
        # Sealing runs on the sealer thread; count the checkpoints it made meanwhile.
        made = core.db.query(
            "SELECT count(*) AS n FROM audit_checkpoints WHERE size > ?", (sealed_before,)
        )[0]["n"]
        entry_bytes = core.db.query(
            "SELECT avg(length(body)) AS n FROM audit_entries WHERE seq > ?", (warmup,)
        )[0]["n"]
    finally:
        reference.close()
        core.close()
    checkpoints = made
    if checkpoints < samples // SEAL_EVERY - 1:
        raise SystemExit(
            f"{checkpoints} checkpoints during the P6 samples, sealed {sealed_before} to "
            f"{status['sealed']}: the log is no longer sealed every {SEAL_EVERY} entries"
        )
    project, ref = latency_summary(project_ns), latency_summary(reference_ns)
    return {
        "project_ms": project,
        "reference_ms": ref,
        "project_checkpoint_samples_ms": latency_summary(sealing_ns),
        "checkpoints_during_samples": checkpoints,
        "project_entry_bytes_mean": round(float(entry_bytes)),
        "reference_blob_bytes": blob_size,
        "key_store": "devices.keystore.FileKeyStore",
        "witness": "devices.witness.FileWitness (fsync per checkpoint)" if witness else "none",
        "ratio_p99": project["p99"] / ref["p99"],
    }


# -- synthesizing an export ----------------------------------------------------------------------


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


class Synthesizer:
    """Writes an export as AuditLog would, without the database: `record` is AuditLog.record
    (append, then seal inline once SEAL_EVERY entries are unsealed), `seal` is AuditLog.seal,
    and `finish` writes the files as AuditLog._write_export does."""

    def __init__(
        self,
        directory: Path,
        origin: str,
        start: datetime,
        seeds: Sequence[bytes] | None = None,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.origin = origin
        self._seeds = iter(seeds) if seeds is not None else None
        self.size = 0
        self.last_hash = v.ZERO_HASH
        self.frontier = v.Frontier()
        self.sealed = 0
        self.checkpoints: list[str] = []
        self.certificates: list[str] = []
        #: (epoch, name, private key, valid from), as the audit_keys table holds them
        self.epochs: list[tuple[int, str, Ed25519PrivateKey, datetime]] = []
        self._entries = (directory / v.ENTRIES_FILE).open("wb")
        # The log is born with its first key (AuditLog._init_meta), before any entry.
        self._new_epoch(0, start, None)

    def record(self, now: datetime, actor: str, action: str, target: str, details: Details) -> None:
        self._append(now, actor, action, target, details)
        if self.size - self.sealed >= SEAL_EVERY:
            self.seal(now)

    def _append(
        self, now: datetime, actor: str, action: str, target: str, details: Details
    ) -> None:
        seq = self.size + 1
        body = v.canonical_json(
            {
                "action": action,
                "actor": actor,
                "details": details,
                "prev": self.last_hash,
                "seq": seq,
                "target": target,
                "time": to_iso(now),
            }
        )
        self.last_hash = v.sha256_hex(body)
        self.frontier.append(v.leaf_hash(body))
        self.size = seq
        self._entries.write(body + b"\n")

    def seal(self, now: datetime) -> None:
        if self.size == 0 or (self.checkpoints and self.sealed == self.size):
            return
        epoch, name, private, valid_from = self.epochs[-1]
        self._checkpoint(name, private, now)
        if valid_from.date() < now.date():
            # Seal first: the retiring key signs a checkpoint over every entry, and its
            # successor's certificate names it (AuditLog._seal_in).
            final = v.sha256_hex(self.checkpoints[-1].encode("utf-8"))
            self._new_epoch(epoch + 1, now, (name, private), final=final)

    def _checkpoint(self, name: str, private: Ed25519PrivateKey, now: datetime) -> None:
        text = v.checkpoint_text(
            self.origin,
            self.size,
            self.frontier.root(),
            to_iso(now),
            self.last_hash,
            v.sha256_hex(self.checkpoints[-1].encode("utf-8")) if self.checkpoints else "none",
        )
        signature = private.sign(text.encode("utf-8"))
        self.checkpoints.append(
            text + "\n" + v.signature_line(name, _raw_public(private), signature)
        )
        self.sealed = self.size

    def _new_epoch(
        self,
        epoch: int,
        now: datetime,
        previous: tuple[str, Ed25519PrivateKey] | None,
        final: str = "",
    ) -> None:
        name = f"{self.origin}/epoch-{epoch}"
        if self._seeds is not None:
            private = Ed25519PrivateKey.from_private_bytes(next(self._seeds))
        else:
            private = Ed25519PrivateKey.generate()
        text = v.certificate_text(
            self.origin, epoch, name, _raw_public(private), to_iso(now), final=final
        )
        signer_name, signer = previous if previous is not None else (name, private)
        signature = signer.sign(text.encode("utf-8"))
        line = v.signature_line(signer_name, _raw_public(signer), signature)
        self.certificates.append(text + "\n" + line)
        self.epochs.append((epoch, name, private, now))

    def finish(self) -> Path:
        self._entries.close()
        write_notes(self.directory / v.CHECKPOINTS_FILE, self.checkpoints)
        write_notes(self.directory / v.CERTIFICATES_FILE, self.certificates)
        if self.epochs:
            public = _raw_public(self.epochs[0][2])
            (self.directory / v.ANCHOR_FILE).write_text(
                f"{v.fingerprint(public)}  {self.epochs[0][1]}\n", encoding="utf-8"
            )
        return self.directory


def write_notes(path: Path, notes: Sequence[str]) -> None:
    with path.open("wb") as out:
        for note in notes:
            out.write(v.canonical_json({"note": note}) + b"\n")


def timeline(start: datetime, rng: random.Random, mean_gap_s: float) -> Iterator[datetime]:
    """Entry times with exponential gaps, in whole microseconds as the log stores them."""
    moment = start
    while True:
        moment += timedelta(microseconds=round(rng.expovariate(1 / mean_gap_s) * 1e6))
        yield moment


def synthesize(directory: Path, entries: int, mean_gap_s: float = 2.6) -> Synthesizer:
    """An export of `entries` realistic entries (with these gaps, about 33,000 a day: a new
    epoch key daily), sealed every SEAL_EVERY entries and once at the end."""
    rng = random.Random(1)
    times = timeline(datetime(2026, 1, 5, 6, 0, tzinfo=UTC), rng, mean_gap_s)
    now = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
    synth = Synthesizer(directory, "utkik.local/5ca1ab1e0ddba11a", now)
    for _ in range(entries):
        now = next(times)
        synth.record(now, *workload(rng))
    synth.seal(now)
    synth.finish()
    return synth


def with_one_checkpoint(synth: Synthesizer, directory: Path) -> Path:
    """The same entries (hard-linked, not copied) sealed by one checkpoint of epoch 0's key and
    only epoch 0's certificate: two signatures in all. (An export without checkpoints, or with
    entries after its last one, no longer verifies.)"""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        os.link(synth.directory / v.ENTRIES_FILE, directory / v.ENTRIES_FILE)
    except OSError:
        shutil.copyfile(synth.directory / v.ENTRIES_FILE, directory / v.ENTRIES_FILE)
    _, name, private, valid_from = synth.epochs[0]
    text = v.checkpoint_text(
        synth.origin, synth.size, synth.frontier.root(), to_iso(valid_from), synth.last_hash, "none"
    )
    note = text + "\n" + v.signature_line(name, _raw_public(private), private.sign(text.encode()))
    write_notes(directory / v.CHECKPOINTS_FILE, [note])
    write_notes(directory / v.CERTIFICATES_FILE, synth.certificates[:1])
    return directory


# -- checking the synthesizer against the real AuditLog -----------------------------------------


class SteppedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


class RememberingKeyStore:
    """A key store in memory that remembers every seed it was given, even after deletion."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.history: list[tuple[str, bytes]] = []

    def load(self, name: str) -> bytes | None:
        return self.keys.get(name)

    def store(self, name: str, secret: bytes) -> None:
        self.keys[name] = secret
        self.history.append((name, secret))

    def delete(self, name: str) -> None:
        self.keys.pop(name, None)

    def describe(self) -> str:
        return "memory"


def check_synthesizer(workdir: Path, entries: int = 350) -> dict[str, Any]:
    """Feed the real AuditLog and the synthesizer the same entries, times, origin and key
    seeds (across midnight, so the epoch key rotates); their exports must be identical and
    verify, also sealed by one checkpoint only. Stops the benchmark otherwise."""
    rng = random.Random(3)
    start = datetime(2026, 3, 29, 23, 50, tzinfo=UTC)
    times = list(_take(timeline(start, rng, 3.0), entries))
    records = [workload(rng) for _ in range(entries)]
    clock = SteppedClock(start)
    store = RememberingKeyStore()
    db = Database.open(workdir / "real-data", clock)
    real_export = workdir / "real-export"
    try:
        audit = AuditLog(db, clock, store)
        audit.start(sealer=False)
        for moment, record in zip(times, records, strict=True):
            clock.moment = moment
            audit.record(*record).result()
        actor = Actor.os_account("bench")
        audit.export(actor, real_export)
        audit.close()
    finally:
        db.close()

    seeds = [seed for _, seed in store.history]
    synth = Synthesizer(workdir / "synth-export", audit.origin, start, seeds)
    for moment, record in zip(times, records, strict=True):
        synth.record(moment, *record)
    synth.record(times[-1], actor.name, "audit.exported", str(real_export), {})
    synth.seal(times[-1])
    synth.finish()

    for name in (v.ENTRIES_FILE, v.CHECKPOINTS_FILE, v.CERTIFICATES_FILE, v.ANCHOR_FILE):
        real, made = (real_export / name).read_bytes(), (synth.directory / name).read_bytes()
        if real != made:
            raise SystemExit(
                f"the synthesizer no longer writes what console/audit/log.py writes: {name} "
                f"differs at line {_first_difference(real, made)}; update it before benchmarking"
            )
    bare = with_one_checkpoint(synth, workdir / "synth-bare")
    reports = {"real": v.verify(real_export), "synth": v.verify(synth.directory)}
    reports["synth with one checkpoint"] = v.verify(bare)
    for label, report in reports.items():
        if not report.ok or report.entries != entries + 1:
            raise SystemExit(f"the {label} export does not verify: {report.text()}")
    if len(synth.certificates) < 2 or reports["synth"].sealed != entries + 1:
        raise SystemExit("the synthesizer check did not rotate the key or seal everything")
    return {
        "entries": entries + 1,
        "checkpoints": len(synth.checkpoints),
        "epochs": len(synth.certificates),
        "identical_files": [v.ENTRIES_FILE, v.CHECKPOINTS_FILE, v.CERTIFICATES_FILE, "anchor.txt"],
    }


def _take(items: Iterator[datetime], n: int) -> Iterator[datetime]:
    for _ in range(n):
        yield next(items)


def _first_difference(a: bytes, b: bytes) -> int:
    for number, (x, y) in enumerate(zip(a.split(b"\n"), b.split(b"\n"), strict=False), 1):
        if x != y:
            return number
    return min(a.count(b"\n"), b.count(b"\n")) + 1


# -- verifying -----------------------------------------------------------------------------------


def sha256_pass(export: Path) -> int:
    """The reference: read entries.jsonl and hash each line, in a plain Python loop."""
    data = (export / v.ENTRIES_FILE).read_bytes()
    count = 0
    for line in data[:-1].split(b"\n"):
        hashlib.sha256(line).digest()
        count += 1
    return count


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_verify(workdir: Path, entries: int, repeat: int, profile: bool) -> dict[str, Any]:
    started = time.perf_counter()
    synth = synthesize(workdir / "export", entries)
    synthesis_s = time.perf_counter() - started
    export = synth.directory
    bare = with_one_checkpoint(synth, workdir / "export-one-checkpoint")
    times: dict[str, list[float]] = {"sha256_pass": [], "verify_bare": [], "verify_all": []}
    for _ in range(repeat):  # interleaved rounds; the best of each is kept
        elapsed, count = timed(lambda: sha256_pass(export))
        assert count == entries
        times["sha256_pass"].append(elapsed)
        elapsed, report = timed(lambda: v.verify(bare))
        if not report.ok or report.entries != entries or report.sealed != entries:
            raise SystemExit(f"verify with one checkpoint failed: {report.text()}")
        times["verify_bare"].append(elapsed)
        elapsed, report = timed(lambda: v.verify(export))
        if not report.ok or report.sealed != entries or report.warnings:
            raise SystemExit(f"verify failed: {report.text()}")
        times["verify_all"].append(elapsed)
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(v.verify, export)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    best = {name: min(values) for name, values in times.items()}
    return {
        "entries": entries,
        "checkpoints": len(synth.checkpoints),
        "epochs": len(synth.certificates),
        "entries_bytes": (export / v.ENTRIES_FILE).stat().st_size,
        "synthesis_s": synthesis_s,
        "seconds": times,
        "best_s": best,
        "ratio_verify_to_sha256": best["verify_bare"] / best["sha256_pass"],
        "ratio_signatures": best["verify_all"] / best["verify_bare"],
    }


# -- report --------------------------------------------------------------------------------------


def targets(append: dict[str, Any] | None, verified: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if append is not None:
        project, ref = append["project_ms"]["p99"], append["reference_ms"]["p99"]
        rows.append(
            {
                "id": "P6",
                "what": "record().result() p99 vs sqlite3 FULL insert p99",
                "unit": "ms",
                "project": project,
                "reference": ref,
                "limit": P6_LIMIT,
            }
        )
    if verified is not None:
        best = verified["best_s"]
        rows.append(
            {
                "id": "verify",
                "what": f"verify {verified['entries']:,} entries vs sha256 pass",
                "unit": "s",
                "project": best["verify_bare"],
                "reference": best["sha256_pass"],
                "limit": VERIFY_LIMIT,
            }
        )
        rows.append(
            {
                "id": "verify-signatures",
                "what": f"verify with {verified['checkpoints']:,} checkpoints vs without",
                "unit": "s",
                "project": best["verify_all"],
                "reference": best["verify_bare"],
                "limit": SIGNATURES_LIMIT,
            }
        )
    for row in rows:
        row["ratio"] = row["project"] / row["reference"]
        row["pass"] = row["ratio"] <= row["limit"]
    return rows


def print_table(rows: Sequence[dict[str, Any]], append: dict[str, Any] | None) -> None:
    header = f"{'target':<52} {'project':>10} {'reference':>10} {'ratio':>6} {'limit':>6}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        unit = row["unit"]
        print(
            f"{row['what']:<52} {row['project']:>8.3f}{unit:>2} {row['reference']:>8.3f}{unit:>2} "
            f"{row['ratio']:>6.2f} {row['limit']:>6.2f}  {'pass' if row['pass'] else 'FAIL'}"
        )
    if append is not None:
        print()
        print(f"{'append latency (ms)':<28}" + "".join(f"{k:>9}" for k in _QUANTILES))
        for label, key in (
            ("project record()", "project_ms"),
            ("  of which checkpointing", "project_checkpoint_samples_ms"),
            ("reference sqlite3 insert", "reference_ms"),
        ):
            print(f"{label:<28}" + "".join(f"{append[key][k]:>9.3f}" for k in _QUANTILES))


_QUANTILES = ("p50", "p90", "p99", "p99.9", "max", "mean")


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries to verify")
    parser.add_argument("--samples", type=int, default=3000, help="P6 samples of each")
    parser.add_argument("--warmup", type=int, default=300, help="P6 warm-up appends of each")
    parser.add_argument("--repeat", type=int, default=3, help="verify rounds (best is kept)")
    parser.add_argument("--no-witness", action="store_true", help="P6 without a file witness")
    parser.add_argument("--skip-append", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile one full verify")
    parser.add_argument(
        "--workdir", type=Path, help="scratch folder on the disk to measure (default: a temp dir)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    load = machine()
    scratch = Path(tempfile.mkdtemp(prefix="utkik-bench-", dir=args.workdir))
    try:
        check = check_synthesizer(scratch / "check")
        print(
            f"synthesizer check: {check['entries']} entries, {check['checkpoints']} checkpoints, "
            f"{check['epochs']} epochs identical to a real AuditLog export; all verify"
        )
        append = None
        if not args.skip_append:
            append = bench_append(
                scratch / "append", args.samples, args.warmup, witness=not args.no_witness
            )
        verified = None
        if not args.skip_verify:
            verified = bench_verify(scratch / "verify", args.entries, args.repeat, args.profile)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = targets(append, verified)
    run_s = time.perf_counter() - started
    print()
    print_table(rows, append)
    if verified is not None:
        print(
            f"\nverify: {verified['entries']:,} entries ({verified['entries_bytes'] / 1e6:.0f} MB),"
            f" {verified['checkpoints']:,} checkpoints, {verified['epochs']} epochs; synthesized"
            f" in {verified['synthesis_s']:.1f} s; best of {args.repeat}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"run time {run_s:.0f} s, peak memory {peak_mb:.0f} MB")

    results = {
        "benchmark": "access_log",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": run_s,
        "peak_memory_mb": peak_mb,
        "machine": load,
        "settings": {
            "entries": args.entries,
            "samples": args.samples,
            "warmup": args.warmup,
            "repeat": args.repeat,
            "workdir": str(args.workdir or tempfile.gettempdir()),
        },
        "synthesizer_check": check,
        "targets": rows,
        "append": append,
        "verify": verified,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"numbers written to {args.output}")
    return 0 if all(row["pass"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
