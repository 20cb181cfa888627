"""`utkik audit ...` as a user runs it, and the verify.py that every export carries, run on its own
(only Python and `cryptography`, no Utkik on the path)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from console.audit import verify as v
from tests import audit_forgery as forgery
from tests.conftest import PASSWORD, run_utkik

TOP = Path(__file__).resolve().parent.parent


def utkik(*args: object, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_utkik(*args, stdin=stdin)


def standalone(directory: Path, *args: object) -> subprocess.CompletedProcess[str]:
    """The export's own verify.py, isolated (-I) and away from the sources."""
    return subprocess.run(
        [sys.executable, "-I", str(directory / "verify.py"), str(directory), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=directory.parent,
        check=False,
    )


def status(data_dir: Path) -> dict[str, str]:
    result = utkik("--data-dir", data_dir, "audit", "status")
    assert result.returncode == 0, result.stderr
    return dict(line.split("\t", 1) for line in result.stdout.splitlines())


def add_user(data_dir: Path, name: str, *extra: object) -> None:
    result = utkik(
        "--data-dir",
        data_dir,
        *extra,
        "users",
        "add",
        name,
        "--role",
        "operator",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def exported(data_dir: Path, tmp_path: Path) -> Path:
    """A data dir with a few entries, exported."""
    for name in ("olle", "stina", "bert"):
        add_user(data_dir, name)
    directory = tmp_path / "export"
    result = utkik("--data-dir", data_dir, "audit", "export", directory)
    assert result.returncode == 0, result.stderr
    assert f"Exported 4 entries to {directory}." in result.stdout
    assert f"python {directory / 'verify.py'} {directory}" in result.stdout
    return directory


def size_and_sealed(data_dir: Path) -> tuple[int, int]:
    """Read without a command (every command seals what it can when it closes)."""
    conn = sqlite3.connect(f"{(data_dir / 'utkik.db').as_uri()}?mode=ro", uri=True)
    try:
        size = conn.execute("SELECT size FROM audit_state").fetchone()[0]
        sealed = conn.execute("SELECT coalesce(max(size), 0) FROM audit_checkpoints").fetchone()
    finally:
        conn.close()
    return int(size), int(sealed[0])


def witness_of(data_dir: Path) -> Path:
    return Path(status(data_dir)["witness"].removeprefix("file:").split(";")[0])


def flip(directory: Path, entry: int, target: Path) -> Path:
    """A copy of the export with one byte of entry `entry` changed."""
    shutil.copytree(directory, target)
    lines = (target / v.ENTRIES_FILE).read_bytes().splitlines(keepends=True)
    line = bytearray(lines[entry - 1])
    at = line.index(b'"target":"') + len(b'"target":"')
    line[at] ^= 0x01
    lines[entry - 1] = bytes(line)
    (target / v.ENTRIES_FILE).write_bytes(b"".join(lines))
    return target


# -- status and seal -------------------------------------------------------------------------------


def test_status_of_a_new_log(data_dir: Path) -> None:
    shown = status(data_dir)
    assert shown["size"] == "0"
    assert shown["sealed"] == "0"
    assert shown["last_hash"] == v.ZERO_HASH
    assert shown["origin"].startswith("utkik.local/")
    assert "frontier" not in shown
    assert shown["key_custody"] == "keyring:keyrings.alt.file.PlaintextKeyring/utkik-access-log"
    # The witness file lies in the (isolated) XDG state folder, not in the data dir.
    witness = witness_of(data_dir)
    assert witness.is_relative_to(Path(os.environ["XDG_STATE_HOME"]))
    assert witness.name.startswith("witness-")
    assert not witness.is_relative_to(data_dir)
    # The origin is made once.
    assert status(data_dir)["origin"] == shown["origin"]
    assert shown["state"] == "matches the access log"


def test_status_finds_a_user_promoted_by_sql(data_dir: Path) -> None:
    add_user(data_dir, "anna")
    assert status(data_dir)["state"] == "matches the access log"
    result = utkik("--data-dir", data_dir, "settings", "set", "security.lockout_minutes", "9")
    assert result.returncode == 0, result.stderr
    assert status(data_dir)["state"] == "matches the access log"
    conn = sqlite3.connect(data_dir / "utkik.db")
    with conn:
        conn.execute("UPDATE users SET role = 'administrator' WHERE name = 'anna'")
        conn.execute(
            "INSERT INTO cameras (id, place_id, name, created_at, host, port) "
            "VALUES (7, 1, 'Ghost', '2026-01-01', '127.0.0.7', 80)"
        )
        conn.execute(
            "INSERT INTO recording_config VALUES (7, 'continuous', '[]', 9000, '', '', '')"
        )
        conn.execute("UPDATE settings SET value = '1440' WHERE key = 'security.lockout_minutes'")
    conn.close()
    result = utkik("--data-dir", data_dir, "audit", "status")
    assert result.returncode == 1, result.stderr
    assert result.stdout.endswith(
        "state\t4 differences from the access log\n"
        "state:\tUser anna is administrator in the database, but the access log last made them "
        "operator.\n"
        "state:\tCamera 7 exists in the database, but the access log never added it.\n"
        "state:\tCamera 7 keeps its recordings 9000 hours in the database, but the access log "
        "last set 72 hours.\n"
        "state:\tThe setting security.lockout_minutes is 1440 in the database, but the access "
        "log last set 9.\n"
    ), result.stdout


def test_seal(data_dir: Path, tmp_path: Path) -> None:
    add_user(data_dir, "olle")
    # The command sealed its entry when it closed; the witness file has the checkpoint.
    assert status(data_dir)["sealed"] == "1"
    witness = witness_of(data_dir)
    assert [v.Checkpoint.parse(n).size for n in v.read_notes(witness)] == [1]
    nothing = utkik("--data-dir", data_dir, "audit", "seal")
    assert nothing.returncode == 0, nothing.stderr
    assert "Nothing to seal" in nothing.stdout

    # A command that cannot reach the key (another key folder) still logs, unsealed.
    add_user(data_dir, "stina", "--key-dir", tmp_path / "other keys")
    assert size_and_sealed(data_dir) == (2, 1)
    sealed = utkik("--data-dir", data_dir, "audit", "seal")
    assert sealed.returncode == 0, sealed.stderr
    assert "Sealed 2 entries." in sealed.stdout
    assert size_and_sealed(data_dir) == (2, 2)
    assert [v.Checkpoint.parse(n).size for n in v.read_notes(witness)] == [1, 2]


def test_a_key_folder_instead_of_the_keyring(data_dir: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    add_user(data_dir, "olle", "--key-dir", keys)
    shown = utkik("--data-dir", data_dir, "--key-dir", keys, "audit", "status")
    assert f"key_custody\tfile:{keys}" in shown.stdout
    assert len(list(keys.iterdir())) == 1
    assert size_and_sealed(data_dir) == (1, 1)


# -- export and verify -----------------------------------------------------------------------------


def test_export_and_verify(exported: Path, data_dir: Path) -> None:
    witness = witness_of(data_dir)
    for args in ([], ["--witness", witness]):
        ours = utkik("audit", "verify", exported, *args)
        assert ours.returncode == 0, ours.stdout + ours.stderr
        assert ours.stdout.startswith("OK: 4 entries, 4 checkpoints, 1 epoch keys\n")
        assert "WARNING" not in ours.stdout
        theirs = standalone(exported, *args)
        assert theirs.returncode == 0, theirs.stdout + theirs.stderr
        assert theirs.stdout == ours.stdout
    anchor = (exported / v.ANCHOR_FILE).read_text().split()[0]
    assert f"first key fingerprint: {anchor}" in ours.stdout
    assert utkik("audit", "verify", exported, "--anchor", anchor).returncode == 0
    wrong = utkik("audit", "verify", exported, "--anchor", "0" * 64)
    assert wrong.returncode == 1
    assert wrong.stdout.startswith("FAIL: entry 1:")
    assert standalone(exported, "--anchor", "0" * 64).stdout == wrong.stdout


def test_a_tampered_export_fails(exported: Path, tmp_path: Path) -> None:
    for entry in (1, 2, 4):
        tampered = flip(exported, entry, tmp_path / f"tampered-{entry}")
        ours = utkik("audit", "verify", tampered)
        assert ours.returncode == 1, ours.stdout + ours.stderr
        assert ours.stdout.startswith(f"FAIL: entry {entry}: ")
        theirs = standalone(tampered)
        assert theirs.returncode == 1
        assert theirs.stdout == ours.stdout


def test_a_truncated_export_fails_against_the_witness(
    exported: Path, data_dir: Path, tmp_path: Path
) -> None:
    cut = tmp_path / "cut"
    shutil.copytree(exported, cut)
    lines = (cut / v.ENTRIES_FILE).read_bytes().splitlines(keepends=True)
    (cut / v.ENTRIES_FILE).write_bytes(b"".join(lines[:2]))
    notes = v.read_notes(cut / v.CHECKPOINTS_FILE)[:2]
    (cut / v.CHECKPOINTS_FILE).write_bytes(
        b"".join(v.canonical_json({"note": n}) + b"\n" for n in notes)
    )
    assert utkik("audit", "verify", cut).returncode == 0
    witness = witness_of(data_dir)
    ours = utkik("audit", "verify", cut, "--witness", witness)
    assert ours.returncode == 1
    assert ours.stdout.startswith("FAIL: entry 3: log truncated")
    assert standalone(cut, "--witness", witness).stdout == ours.stdout


def test_verify_needs_a_readable_export(tmp_path: Path) -> None:
    result = utkik("audit", "verify", tmp_path / "nothing here")
    assert result.returncode == 2
    assert result.stdout.startswith("FAIL: the export cannot be read")
    assert "Traceback" not in result.stderr


def test_export_needs_an_empty_folder(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = utkik("--data-dir", data_dir, "audit", "export", tmp_path / "full")
    assert result.returncode == 1
    assert "is not empty" in result.stderr
    assert (tmp_path / "full" / "x").read_text() == "x"


def test_export_to_a_file_is_refused_plainly(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "entries.jsonl"
    target.write_text("keep me")
    result = utkik("--data-dir", data_dir, "audit", "export", target)
    assert result.returncode == 1
    assert result.stderr == (f"utkik: {target} is a file: export to a new or an empty folder.\n"), (
        result.stderr
    )
    assert target.read_text() == "keep me"


# -- proofs ----------------------------------------------------------------------------------------


def test_prove_and_verify_the_proof(exported: Path, data_dir: Path, tmp_path: Path) -> None:
    proved = utkik("--data-dir", data_dir, "audit", "prove", 2)
    assert proved.returncode == 0, proved.stderr
    proof = json.loads(proved.stdout)
    assert proof["seq"] == 2
    assert json.loads(proof["entry"])["target"] == "stina"
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(proved.stdout)

    ours = utkik("audit", "verify", exported, "--proof", proof_file)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    lines = ours.stdout.splitlines()
    assert lines[0].startswith("OK: 4 entries")
    assert lines[-1].startswith("OK: entry 2 is included in the log of 4 entries")
    theirs = standalone(exported, "--proof", proof_file)
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr
    assert theirs.stdout == ours.stdout

    proof["entry"] = proof["entry"].replace('"stina"', '"stinb"')
    bad = tmp_path / "bad-proof.json"
    bad.write_text(json.dumps(proof))
    ours = utkik("audit", "verify", exported, "--proof", bad)
    assert ours.returncode == 1
    assert ours.stdout.splitlines()[-1] == "FAIL: the entry is not in the checkpoint's tree"
    theirs = standalone(exported, "--proof", bad)
    assert theirs.returncode == 1
    assert theirs.stdout == ours.stdout

    # Making the proof was logged, and sealed when the command closed.
    assert size_and_sealed(data_dir) == (5, 5)


def test_prove_an_entry_that_is_not_sealed(data_dir: Path) -> None:
    add_user(data_dir, "olle")
    result = utkik("--data-dir", data_dir, "audit", "prove", 7)
    assert result.returncode == 1
    assert "Entry 7 is not sealed by a checkpoint yet" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- a database stripped of its keys ---------------------------------------------------------------


def test_a_stripped_log_refuses_until_recovered(data_dir: Path, tmp_path: Path) -> None:
    for name in ("olle", "stina"):
        add_user(data_dir, name)
    witness = witness_of(data_dir)
    conn = sqlite3.connect(data_dir / "utkik.db")
    with conn:
        conn.execute("DELETE FROM audit_keys")
        conn.execute("DELETE FROM audit_checkpoints")
    conn.close()

    refused = utkik(
        "--data-dir",
        data_dir,
        "users",
        "add",
        "bert",
        "--role",
        "operator",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert refused.returncode == 1
    assert "The access log is broken" in refused.stderr
    assert "utkik audit recover" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "signing keys are missing" in status(data_dir)["broken"]
    assert size_and_sealed(data_dir) == (2, 0)

    missing = utkik("--data-dir", data_dir, "audit", "recover")
    assert missing.returncode == 2  # the reason is required
    recovered = utkik("--data-dir", data_dir, "audit", "recover", "--reason", "keys removed")
    assert recovered.returncode == 0, recovered.stderr
    assert "continues as utkik.local/" in recovered.stdout
    assert "broken" not in status(data_dir)
    add_user(data_dir, "bert")

    directory = tmp_path / "export"
    assert utkik("--data-dir", data_dir, "audit", "export", directory).returncode == 0
    ours = utkik("audit", "verify", directory, "--witness", witness)
    assert ours.returncode == 0, ours.stdout
    assert "the log was recovered by os:" in ours.stdout
    assert standalone(directory, "--witness", witness).stdout == ours.stdout


# -- emptied and incomplete exports ----------------------------------------------------------------


def anchor_of(directory: Path) -> str:
    return (directory / v.ANCHOR_FILE).read_text().split()[0]


@pytest.mark.parametrize(
    "emptied",
    [
        (v.ENTRIES_FILE,),
        (v.CHECKPOINTS_FILE,),
        (v.CERTIFICATES_FILE,),
        (v.ENTRIES_FILE, v.CHECKPOINTS_FILE),
        (v.ENTRIES_FILE, v.CHECKPOINTS_FILE, v.CERTIFICATES_FILE),
    ],
)
def test_an_emptied_export_file_fails(
    exported: Path, data_dir: Path, tmp_path: Path, emptied: tuple[str, ...]
) -> None:
    witness, anchor = witness_of(data_dir), anchor_of(exported)
    target = tmp_path / "emptied"
    shutil.copytree(exported, target)
    for name in emptied:
        (target / name).write_bytes(b"")
    for extra in (
        [],
        ["--witness", witness],
        ["--anchor", anchor],
        ["--witness", witness, "--anchor", anchor],
    ):
        ours = utkik("audit", "verify", target, *extra)
        assert ours.returncode == 1, (extra, ours.stdout)
        assert ours.stdout.startswith("FAIL: entry 1: "), ours.stdout
        assert standalone(target, *extra).stdout == ours.stdout


def test_an_anchor_that_does_not_match_fails(exported: Path) -> None:
    ours = utkik("audit", "verify", exported, "--anchor", "0" * 64)
    assert ours.returncode == 1
    assert ours.stdout == "FAIL: entry 1: the first key does not have the expected fingerprint\n"


def test_an_anchor_without_checkpoints_fails(exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "bare"
    shutil.copytree(exported, target)
    (target / v.CHECKPOINTS_FILE).write_bytes(b"")
    (target / v.ENTRIES_FILE).write_bytes(b"")
    result = standalone(target, "--anchor", anchor_of(exported))
    assert result.returncode == 1
    assert "no checkpoints" in result.stdout


def test_entries_after_the_last_checkpoint_fail(exported: Path, tmp_path: Path) -> None:
    """Anyone can append to a file: an export is sealed before it is written."""
    target = tmp_path / "appended"
    shutil.copytree(exported, target)
    last = (target / v.ENTRIES_FILE).read_bytes().splitlines()[-1]
    entry = json.loads(last)
    entry.update(seq=entry["seq"] + 1, prev=v.sha256_hex(last), action="login", target="x")
    with (target / v.ENTRIES_FILE).open("ab") as out:
        out.write(v.canonical_json(entry) + b"\n")
    result = standalone(target)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL: entry 5: entries 5 to 5 are not sealed")


def test_a_forged_proof_fails_against_the_anchor(exported: Path, tmp_path: Path) -> None:
    """One verifier: `utkik audit verify --proof --anchor` is verify.py, anchor included."""
    entry = json.loads((exported / v.ENTRIES_FILE).read_bytes().splitlines()[1])
    entry.update(seq=1, prev=v.ZERO_HASH, target="someone else")
    line = v.canonical_json(entry)
    origin = json.loads((exported / "keys.json").read_text())[0]["name"].rsplit("/", 1)[0]
    certs, notes, _ = forgery.rekeyed([line], origin, entry["time"])
    forged = forgery.write_export(tmp_path / "forged", [], [], certs)
    shutil.copy(exported / "verify.py", forged / "verify.py")
    proof = {
        "origin": origin,
        "seq": 1,
        "leaf_index": 0,
        "tree_size": 1,
        "entry": line.decode(),
        "leaf_hash": v.leaf_hash(line).hex(),
        "path": [],
        "checkpoint": notes[0],
    }
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(json.dumps(proof))
    args = ("--proof", proof_file, "--anchor", anchor_of(exported))
    ours = utkik("audit", "verify", forged, *args)
    assert ours.returncode == 1, ours.stdout
    assert "OK" not in ours.stdout
    assert "the first key does not have the expected fingerprint" in ours.stdout
    assert standalone(forged, *args).stdout == ours.stdout
