"""The access log across processes: two writers at once, and a writer killed with SIGKILL in the
middle of an append storm, again and again.

`pytest -m long tests/test_audit_processes.py` runs the crash loop for ~200 rounds.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import Core
from console.audit import verify as v
from console.domain import Actor
from devices.keystore import FileKeyStore
from devices.witness import FileWitness

TOP = Path(__file__).resolve().parent.parent
CLI = Actor.os_account("root")

#: Appends `count` entries as soon as it reads a line on stdin; seals with a sealer thread (as
#: the console does) or in the appends' transactions (as a CLI command does).
APPENDER = """
import sys
from pathlib import Path

from console.app import Core
from devices.keystore import FileKeyStore

data_dir, key_dir, name, count, sealer = sys.argv[1:]
core = Core.open(Path(data_dir), keys=FileKeyStore(Path(key_dir)), sealer=sealer == "thread")
try:
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(count)):
        core.audit.record(f"process-{name}", "test.append", f"{name}-{i}", {"i": i}).result()
finally:
    core.close()
print("done", flush=True)
"""

#: Opens a session, then appends until killed, printing each sequence number once it is durable;
#: seals every 7 entries, in the appends' transactions or on a sealer thread.
STORM = """
import sys
from pathlib import Path

from console.audit.log import AuditLog
from console.storage import Database
from devices.keystore import FileKeyStore
from devices.witness import FileWitness

data_dir, key_dir, witness_file, sealer = sys.argv[1:]
db = Database.open(Path(data_dir))
audit = AuditLog(
    db, keys=FileKeyStore(Path(key_dir)), witnesses=[FileWitness(Path(witness_file))],
    seal_every_entries=7,
)
audit.start(sealer=sealer == "thread")
session = audit.begin("storm", "video.live", "camera 1").result()
print(f"session {session.start_seq}", flush=True)
i = 0
while True:
    entry = audit.record("storm", "test.append", str(i), {"i": i}).result()
    print(entry.seq, flush=True)
    i += 1
"""


def python(code: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=TOP,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; killed if the test ends without them."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for child in started:
        if child.poll() is None:
            child.kill()
        child.communicate()


def export_and_verify(
    data_dir: Path, key_dir: Path, directory: Path, witness_file: Path | None = None
) -> list[dict[str, object]]:
    """Open as the next process would (recovering), export, verify; the entries."""
    witnesses = [FileWitness(witness_file)] if witness_file is not None else []
    core = Core.open(data_dir, keys=FileKeyStore(key_dir), witnesses=witnesses, sealer=False)
    try:
        core.audit.export(CLI, directory)
    finally:
        core.close()
    report = v.verify(directory, witness_file)
    assert report.ok, report.text()
    assert not report.warnings, report.warnings
    assert report.sealed == report.entries
    return [json.loads(line) for line in (directory / v.ENTRIES_FILE).read_bytes().splitlines()]


# -- two writers -----------------------------------------------------------------------------------


def test_two_processes_appending_at_once_make_one_log(
    tmp_path: Path, children: list[subprocess.Popen[str]]
) -> None:
    data_dir, key_dir = tmp_path / "data", tmp_path / "keys"
    count = 200
    # Both open the fresh data dir at once too: creating and migrating it is raced as well.
    # "a" seals as the console does, "b" as a CLI command.
    for name, sealer in (("a", "thread"), ("b", "inline")):
        children.append(python(APPENDER, data_dir, key_dir, name, count, sealer))
    for child in children:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "ready\n", line + child.communicate()[1]
    # Neither starts appending before both are ready.
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out == "done\n"

    entries = export_and_verify(data_dir, key_dir, tmp_path / "export")
    assert [e["seq"] for e in entries] == list(range(1, 2 * count + 2))
    assert entries[-1]["action"] == "audit.exported"
    for name in ("a", "b"):
        mine = [e for e in entries if e["actor"] == f"process-{name}"]
        assert [e["target"] for e in mine] == [f"{name}-{i}" for i in range(count)]
    # Both sealed, with the one key of the epoch that the first of them made.
    conn = sqlite3.connect(data_dir / "utkik.db")
    try:
        assert conn.execute("SELECT count(*) FROM audit_keys").fetchone()[0] == 1
        sizes = [r[0] for r in conn.execute("SELECT size FROM audit_checkpoints ORDER BY id")]
    finally:
        conn.close()
    # Sealed every 100 entries in "b"'s appends, and by "a"'s sealer thread in a pause or, in a
    # storm without pauses, after twice as many (give or take the appends made while it signs).
    assert sizes == sorted(set(sizes))
    assert sizes[-1] == 2 * count + 1
    assert all(b - a <= 250 for a, b in itertools.pairwise([0, *sizes])), sizes


# -- crashes ---------------------------------------------------------------------------------------


def storm_round(
    rng: random.Random, data_dir: Path, key_dir: Path, witness_file: Path
) -> tuple[list[int], int | None]:
    """Start the storm, SIGKILL it at a random moment; the acknowledged sequence numbers and the
    start of the session it had open."""
    child = python(STORM, data_dir, key_dir, witness_file, rng.choice(["inline", "thread"]))
    first = ""
    try:
        assert child.stdout is not None
        if rng.random() < 0.2:
            # Now and then while it is still starting (importing, opening, recovering).
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            first = child.stdout.readline()
            assert first.startswith("session "), first + child.communicate()[1]
            time.sleep(rng.uniform(0.0, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == -signal.SIGKILL, err
    out = first + out
    session = None
    acked = []
    for line in out.splitlines(keepends=True):
        if not line.endswith("\n"):
            continue  # cut off by the kill: not acknowledged
        if line.startswith("session "):
            session = int(line.split()[1])
        else:
            acked.append(int(line))
    return acked, session


def crash_rounds(tmp_path: Path, rounds: int, seed: int) -> None:
    print(f"crash rounds with seed {seed}")  # shown if the test fails
    rng = random.Random(seed)
    data_dir, key_dir = tmp_path / "data", tmp_path / "keys"
    witness_file = tmp_path / "witness.jsonl"
    all_acked: list[int] = []
    sessions: list[int] = []
    for round_ in range(rounds):
        acked, session = storm_round(rng, data_dir, key_dir, witness_file)
        print(f"round {round_}: {len(acked)} acknowledged, session {session}")
        all_acked += acked
        if session is not None:
            sessions.append(session)
        if not (data_dir / "utkik.db").exists():
            continue  # killed before it made the database
        conn = sqlite3.connect(data_dir / "utkik.db")
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            seqs = [r[0] for r in conn.execute("SELECT seq FROM audit_entries ORDER BY seq")]
        finally:
            conn.close()
        assert seqs == list(range(1, len(seqs) + 1))
        missing = set(all_acked) - set(seqs)
        assert not missing, f"round {round_}: acknowledged but lost: {sorted(missing)[:10]}"

        entries = export_and_verify(data_dir, key_dir, tmp_path / f"export-{round_}", witness_file)
        # The session the killed process left open was ended on reopening, as recovered.
        recovered = {
            e["details"]["start_seq"]  # type: ignore[index]
            for e in entries
            if e["action"] == "video.live.end"
        }
        assert set(sessions) <= recovered
        assert all(
            e["details"] == {"recovered": True, "start_seq": e["details"]["start_seq"]}  # type: ignore[index]
            for e in entries
            if e["action"] == "video.live.end"
        )
    assert all_acked, "the storm never got going"


def test_killed_writers_lose_nothing_acknowledged(tmp_path: Path) -> None:
    crash_rounds(tmp_path, rounds=5, seed=random.randrange(2**32))


@pytest.mark.long
@pytest.mark.timeout(3600)
def test_killed_writers_lose_nothing_acknowledged_soak(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "long" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("a soak test: run it with -m long")
    crash_rounds(tmp_path, rounds=200, seed=random.randrange(2**32))
