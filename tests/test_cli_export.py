"""`utkik export …` as supervisors run it: the `utkik` command, as a console user with a
password."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.app import Core
from console.domain import Actor, Role
from console.media.packets import Profile
from console.recording.archive import segment_path
from devices import access_log
from tests.conftest import FAST_HASHER, PASSWORD, MemorySecretStore, run_utkik
from tests.core.test_cameras import facts, place
from tests.core.test_export_requests import FakeProducer
from tests.register_fixture import registered
from ui import cli_export
from ui.main import main

ROOT = Actor.os_account("root")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Two cameras (City, Berga) with the last hour but ten minutes recorded, three supervisors
    (one limited to City) and an operator."""
    folder = tmp_path / "data"
    core = Core.open(
        folder,
        hasher=FAST_HASHER,
        secrets=MemorySecretStore(),
        keys=access_log.key_store(),
        sealer=False,
    )
    try:
        cameras = [
            registered(
                core,
                core.cameras.add(
                    ROOT, facts("10.1.2.3"), place(core, "Stora torget"), "Torget", "a", "b"
                ),
            ),
            registered(
                core,
                core.cameras.add(
                    ROOT, facts("10.1.2.4"), place(core, "Berga centrum"), "Berga", "a", "b"
                ),
            ),
        ]
        start = datetime.now(UTC) - timedelta(hours=1)
        for camera in cameras:
            for i in range(6):
                moment = start + timedelta(seconds=10 * i)
                relative = segment_path(camera.id, Profile.MAIN, moment)
                path = core.recordings.root / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"\0" * 1000)
                segment = core.recordings.open_segment(camera.id, Profile.MAIN, moment, relative)
                core.recordings.close_segment(segment, moment + timedelta(seconds=10), 1000)
        for name, role in (
            ("sara", Role.SUPERVISOR),
            ("per", Role.SUPERVISOR),
            ("olle", Role.OPERATOR),
        ):
            core.users.add(ROOT, name, role, PASSWORD)
        core.users.add(ROOT, "lina", Role.SUPERVISOR, PASSWORD, core.sites.resolve_areas(["City"]))
    finally:
        core.close()
    return folder


def utkik(
    data: Path, *args: str, password: str | None = PASSWORD
) -> subprocess.CompletedProcess[str]:
    return run_utkik("--data-dir", data, *args, stdin=None if password is None else password + "\n")


def request(data: Path, user: str, cameras: str = "Torget,2") -> subprocess.CompletedProcess[str]:
    start = datetime.now(UTC) - timedelta(minutes=59, seconds=50)
    return utkik(
        data,
        "export",
        "request",
        "--user",
        user,
        "--password-stdin",
        "--cameras",
        cameras,
        "--from",
        start.isoformat(timespec="seconds"),
        "--to",
        (start + timedelta(seconds=30)).isoformat(timespec="seconds"),
        "--reason",
        "Rån vid torget",
        "--case",
        "Polisen 5000-K123456-26",
        "--recipient",
        "Polisen Linköping, insp. Berg",
    )


def listed(data: Path) -> dict[int, dict[str, object]]:
    result = utkik(data, "export", "list", "--json", password=None)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {int(row["id"]): row for row in rows}


def test_request_approve_list_and_the_log_verifies(data: Path, tmp_path: Path) -> None:
    asked = request(data, "sara")
    assert asked.returncode == 0, asked.stderr
    assert "Torget: 30 s recorded, no gaps" in asked.stdout
    assert "Export request 1 is pending." in asked.stdout
    (row,) = listed(data).values()
    assert {k: row[k] for k in ("id", "state", "requester", "approver", "cameras", "case")} == {
        "id": 1,
        "state": "pending",
        "requester": "sara",
        "approver": None,
        "cameras": [1, 2],
        "case": "Polisen 5000-K123456-26",
    }
    assert {"from", "to", "reason", "recipient", "created", "expires"} <= set(row)
    created = datetime.fromisoformat(str(row["created"]))
    assert datetime.fromisoformat(str(row["expires"])) - created == timedelta(hours=24)

    own = utkik(data, "export", "approve", "1", "--user", "sara", "--password-stdin")
    assert own.returncode == 1
    assert "another supervisor must approve" in own.stderr
    wrong = utkik(
        data, "export", "approve", "1", "--user", "per", "--password-stdin", password="fel"
    )
    assert wrong.returncode == 1
    assert "Wrong user name or password" in wrong.stderr
    approved = utkik(data, "export", "approve", "1", "--user", "per", "--password-stdin")
    assert approved.returncode == 0, approved.stderr
    assert listed(data)[1]["state"] == "approved"
    assert listed(data)[1]["approver"] == "per"
    # A destination that is not there (a USB stick not plugged in): nothing is produced, the
    # request stays approved, and it says so.
    out = tmp_path / "usb"
    produced = utkik(
        data, "export", "produce", "1", "--out", str(out), "--user", "per", "--password-stdin"
    )
    assert produced.returncode == 1
    assert "does not exist" in produced.stderr
    assert not out.exists()
    assert listed(data)[1]["state"] == "approved"

    exported = run_utkik("--data-dir", data, "audit", "export", tmp_path / "log")
    assert exported.returncode == 0, exported.stderr
    verified = run_utkik("audit", "verify", tmp_path / "log")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    entries = [
        json.loads(line) for line in (tmp_path / "log" / "entries.jsonl").read_text().splitlines()
    ]
    steps = [
        (e["actor"], e["action"])
        for e in entries
        if e["action"].startswith(("export.", "evidence."))
    ]
    assert steps == [
        ("sara", "export.requested"),
        ("sara", "evidence.lock"),
        ("per", "export.approved"),
    ]


def test_who_may_not_request_or_decide(data: Path) -> None:
    refused = request(data, "olle")
    assert refused.returncode == 1
    assert "olle is not allowed to request exports" in refused.stderr
    outside = request(data, "lina")
    assert outside.returncode == 1
    assert "no permission for this area" in outside.stderr
    assert request(data, "lina", cameras="Torget").returncode == 0
    rejected = utkik(
        data, "export", "reject", "1", "--user", "per", "--password-stdin", "--reason", "Fel kamera"
    )
    assert rejected.returncode == 0, rejected.stderr
    assert listed(data)[1]["state"] == "rejected"
    assert listed(data)[1]["rejection_reason"] == "Fel kamera"
    unknown = request(data, "sara", cameras="Torget,Nowhere")
    assert unknown.returncode == 1
    assert "There is no camera called “Nowhere”" in unknown.stderr


def test_a_repeated_october_hour_is_refused_naming_both_offsets(data: Path) -> None:
    result = utkik(
        data,
        "export",
        "request",
        "--user",
        "sara",
        "--password-stdin",
        "--cameras",
        "Torget",
        "--from",
        "2026-10-25 02:15",
        "--to",
        "2026-10-25 02:45+01:00",
        "--reason",
        "r",
        "--case",
        "c",
        "--recipient",
        "p",
    )
    assert result.returncode == 1
    assert "2026-10-25 02:15:00 +02:00" in result.stderr
    assert "2026-10-25 02:15:00 +01:00" in result.stderr
    assert "Traceback" not in result.stderr
    assert listed(data) == {}


def run_main(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return main([str(a) for a in argv])


def test_produce_by_the_requester_once_approved(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_export, "package_producer", FakeProducer)
    assert request(data, "sara").returncode == 0
    out = tmp_path / "usb"
    args = ("--data-dir", data, "export", "produce", "1", "--out", out, "--password-stdin")
    assert run_main(monkeypatch, *args, "--user", "sara") == 1
    assert "has not been approved yet" in capsys.readouterr().err
    assert (
        utkik(data, "export", "approve", "1", "--user", "per", "--password-stdin").returncode == 0
    )
    assert run_main(monkeypatch, *args, "--user", "lina") == 1
    assert "only the supervisor who requested it" in capsys.readouterr().err
    assert run_main(monkeypatch, *args, "--user", "sara") == 0
    printed = capsys.readouterr()
    assert f"Manifest SHA-256: {'ab' * 32}" in printed.out
    assert "First key's fingerprint: SHA256:anchor" in printed.out
    assert "2: 30 of 30 s, 10 bytes (2/2 cameras)" in printed.err
    (package,) = out.iterdir()
    assert json.loads((package / "manifest.json").read_text())["approver"] == "per"
    row = listed(data)[1]
    assert (row["state"], row["manifest_sha256"]) == ("produced", "ab" * 32)
