"""`utkik register …` as an administrator and an auditor run it: the `utkik` command in a
subprocess, on a real data dir; the export checked by its own verify.py and `audit verify`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from console.app import Core
from console.domain import Actor, Role
from devices import access_log
from tests.conftest import FAST_HASHER, PASSWORD, MemorySecretStore, run_utkik
from tests.core.test_cameras import facts, place
from tests.register_fixture import COMPLETE

ROOT = Actor.os_account("root")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Two cameras without entries, an auditor and an operator."""
    folder = tmp_path / "data"
    core = Core.open(
        folder,
        hasher=FAST_HASHER,
        secrets=MemorySecretStore(),
        keys=access_log.key_store(),
        sealer=False,
    )
    try:
        core.cameras.add(ROOT, facts("10.1.2.3"), place(core, "Stora torget"), "Torget", "a", "b")
        core.cameras.add(ROOT, facts("10.1.2.4"), place(core, "Berga centrum"), "Berga", "a", "b")
        core.users.add(ROOT, "greta", Role.AUDITOR, PASSWORD)
        core.users.add(ROOT, "olle", Role.OPERATOR, PASSWORD)
    finally:
        core.close()
    return folder


def test_register_set_show_list_and_retention_through_the_register(
    data: Path, tmp_path: Path
) -> None:
    entry = tmp_path / "torget.json"
    document = tmp_path / "avvagning.txt"
    document.write_text("Intresseavvägning, undertecknad 2026-11-01\n", encoding="utf-8")
    entry.write_text(json.dumps({**COMPLETE, "attachments": ["avvagning.txt"]}), "utf-8")
    done = run_utkik("--data-dir", data, "register", "set", "Torget", "--json", entry)
    assert done.returncode == 0, done.stderr
    assert "version 1, complete" in done.stdout
    listed = run_utkik("--data-dir", data, "register", "list", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["name"], r["complete"], r["in_service"]) for r in rows] == [
        ("Torget", True, True),
        ("Berga", False, False),
    ]
    assert rows[1]["missing"][:2] == ["purpose", "legal_basis"]
    # Retention is the entry's: `recordings retention` writes a new version of it.
    refused = run_utkik("--data-dir", data, "recordings", "retention", "Torget", "200")
    assert refused.returncode == 1
    assert "justification" in refused.stderr
    kept = run_utkik(
        "--data-dir", data, "recordings", "retention", "Torget", "200",
        "--justification", "Återkommande bränder nattetid",
    )  # fmt: skip
    assert kept.returncode == 0, kept.stderr
    shown = run_utkik("--data-dir", data, "register", "show", "1", "--json")
    fields = json.loads(shown.stdout)
    assert fields["retention_hours"] == 200
    assert fields["attachments"][0]["name"] == "avvagning.txt"
    text = run_utkik("--data-dir", data, "register", "show", "Torget").stdout
    assert "versions:" in text
    assert "retention_hours, retention_justification" in text
    first = run_utkik("--data-dir", data, "register", "show", "Torget", "--json", "--version", "1")
    assert json.loads(first.stdout)["retention_hours"] == 72
    # The entry as shown goes back in unchanged (attachments by their hash).
    again = tmp_path / "again.json"
    again.write_text(shown.stdout, "utf-8")
    same = run_utkik("--data-dir", data, "register", "set", "Torget", "--json", again)
    assert "version 2" in same.stdout
    # An incomplete entry is kept and says what it lacks and what that means.
    partial = tmp_path / "berga.json"
    partial.write_text(json.dumps({"purpose": "Trygghet"}), "utf-8")
    draft = run_utkik("--data-dir", data, "register", "set", "Berga", "--json", partial)
    assert draft.returncode == 0
    assert "does not record" in draft.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    wrong = run_utkik("--data-dir", data, "register", "set", "Berga", "--json", bad)
    assert wrong.returncode == 1
    assert "is not JSON" in wrong.stderr


def test_auditors_read_and_export_operators_do_not_and_audit_verify_passes(
    data: Path, tmp_path: Path
) -> None:
    entry = tmp_path / "torget.json"
    entry.write_text(json.dumps(COMPLETE), "utf-8")
    assert (
        run_utkik("--data-dir", data, "register", "set", "Torget", "--json", entry).returncode == 0
    )
    as_greta = ("--user", "greta", "--password-stdin")
    listed = run_utkik("--data-dir", data, "register", "list", *as_greta, stdin=PASSWORD + "\n")
    assert listed.returncode == 0, listed.stderr
    assert "Torget\tcomplete" in listed.stdout
    refused = run_utkik(
        "--data-dir", data, "register", "list", "--user", "olle", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert refused.returncode == 1
    assert "not allowed to read the surveillance register" in refused.stderr
    # An auditor cannot change it.
    changed = run_utkik(
        "--data-dir", data, "register", "set", "Berga", "--json", entry, *as_greta,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert changed.returncode == 2  # `set` is local administration only: no --user
    out = tmp_path / "export"
    exported = run_utkik(
        "--data-dir", data, "register", "export", out, *as_greta, stdin=PASSWORD + "\n"
    )
    assert exported.returncode == 0, exported.stderr
    assert "2 cameras, 1 incomplete" in exported.stdout
    verified = subprocess.run(
        [sys.executable, str(out / "verify.py"), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout
    # The access log, with the register's entries and the export's, verifies, and the state
    # matches it.
    log = tmp_path / "log"
    assert run_utkik("--data-dir", data, "audit", "export", log).returncode == 0
    assert run_utkik("audit", "verify", log).returncode == 0
    state = run_utkik("--data-dir", data, "audit", "status")
    assert state.returncode == 0, state.stdout
