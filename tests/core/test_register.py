"""The surveillance register: who keeps and reads it, versions, attachments, and how it drives
the system (what records, who sees a camera, how long its video is kept), the upgrade of an
existing data dir, the state check, and its signed PDF/CSV export."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from console import storage
from console.app import Core
from console.audit.state import check_state
from console.domain import Actor, Role
from console.errors import InvalidInput, PermissionDenied
from console.recording.archive import Mode, RecordingConfig, Window
from console.register import Entry, parse_hours
from console.register_export import export_register
from console.storage import MIGRATIONS
from tests.conftest import FakeClock, ListWitness, MemoryKeyStore, MemorySecretStore
from tests.core.test_cameras import facts, place, user
from tests.core.test_recording_archive import add_segment
from tests.register_fixture import COMPLETE, complete_entry

ROOT = Actor.os_account("root")


def add(core: Core, name: str = "Torget", host: str = "10.1.2.3", where: str = "Stora torget"):
    return core.cameras.add(ROOT, facts(host), place(core, where), name, "u", "p")


def test_hours_are_weekly_windows_that_may_run_past_midnight() -> None:
    assert parse_hours("always") == () == parse_hours("Alltid")
    windows = parse_hours("mon-fri 18:00-06:00")
    # Monday evening to Saturday morning: five evenings and five mornings after them.
    assert Window(0, 18 * 60, 24 * 60) in windows
    assert Window(5, 0, 6 * 60) in windows
    assert Window(0, 0, 6 * 60) not in windows
    assert len(windows) == 10
    assert parse_hours("sat 7:00-9:30") == (Window(5, 7 * 60, 9 * 60 + 30),)
    assert parse_hours("lör 10:00-14:00; sön 00:00-24:00") == (
        Window(5, 600, 840),
        Window(6, 0, 1440),
    )
    for bad in ("sometimes", "mon 25:00-26:00", "mon-fri", "xyz 10:00-11:00"):
        with pytest.raises(InvalidInput, match="time of surveillance"):
            parse_hours(bad)


def test_administrators_keep_the_register_supervisors_and_auditors_read_it(core: Core) -> None:
    camera = add(core)
    roles = {role: user(core, role.value[:4] + "x", role) for role in Role}
    for role, actor in roles.items():
        may_read = role in (Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR)
        may_write = role is Role.ADMINISTRATOR
        if may_read:
            assert core.register.entry(actor, camera.id).camera_name == "Torget"
        else:
            with pytest.raises(PermissionDenied, match="read the surveillance register"):
                core.register.entries(actor)
        if may_write:
            core.register.set(actor, camera.id, COMPLETE)
        else:
            with pytest.raises(PermissionDenied):
                core.register.set(actor, camera.id, COMPLETE)
    # The command line's local administration keeps it too, as it keeps users and settings.
    assert core.register.set(ROOT, camera.id, {**COMPLETE, "area": "Hela torget"}).version == 2


def test_an_entry_is_complete_when_its_required_fields_are_set(core: Core) -> None:
    camera = add(core)
    partial = {k: v for k, v in COMPLETE.items() if k not in ("dpo_contact", "signage")}
    entry = core.register.set(ROOT, camera.id, partial)
    assert entry.missing == ("signage", "dpo_contact")
    assert not entry.in_service
    # signage false is set (there is no sign, and the register says so).
    entry = core.register.set(ROOT, camera.id, {**partial, "signage": False, "dpo_contact": "x"})
    assert entry.complete
    assert entry.in_service
    with pytest.raises(InvalidInput, match="justification"):
        core.register.set(ROOT, camera.id, {**COMPLETE, "retention_hours": 96})
    with pytest.raises(InvalidInput, match="has no field colour"):
        core.register.set(ROOT, camera.id, {**COMPLETE, "colour": "red"})
    with pytest.raises(InvalidInput, match="2026-12-31"):
        core.register.set(ROOT, camera.id, {**COMPLETE, "review_date": "next year"})
    with pytest.raises(InvalidInput, match="end date lies before"):
        core.register.set(ROOT, camera.id, {**COMPLETE, "end_date": "2020-01-01"})
    # Nothing refused was kept.
    assert core.register.entry(ROOT, camera.id).version == 2


def test_versions_say_who_changed_what_and_when(core: Core, clock: FakeClock) -> None:
    camera = add(core)
    admin = user(core, "adam", Role.ADMINISTRATOR)
    first = complete_entry(core, camera)
    clock.moment += timedelta(hours=1)
    core.register.set(
        admin, camera.id, {**COMPLETE, "purpose": "Trygghet", "hours": "sat 10:00-14:00"}
    )
    clock.moment += timedelta(hours=1)
    core.register.set(
        admin, camera.id, {**COMPLETE, "purpose": "Trygghet", "hours": "sat 10:00-14:00"}
    )
    versions = core.register.versions(admin, camera.id)
    assert [(v.version, v.updated_by, v.changed) for v in versions] == [
        (1, ROOT.name, tuple(sorted(COMPLETE))),
        (2, "adam", ("hours", "purpose")),
    ]  # setting the same fields again makes no version
    assert versions[0].fields == first.fields
    assert versions[0].fields["purpose"] == COMPLETE["purpose"]
    assert versions[1].updated_at - versions[0].updated_at == timedelta(hours=1)
    logged = core.audit.entries(ROOT, action="register.set")
    assert [(e.actor, e.details["version"], e.details["changed"]) for e in reversed(logged)] == [
        (ROOT.name, 1, ",".join(sorted(COMPLETE))),
        ("adam", 2, "hours,purpose"),
    ]
    # The scheduled hours are the camera's recording schedule now.
    config = core.recordings.config(camera.id)
    assert config.mode is Mode.SCHEDULED
    assert config.schedule == (Window(5, 600, 840),)


def test_attachments_are_copied_in_under_their_sha256(core: Core, tmp_path: Path) -> None:
    camera = add(core)
    document = tmp_path / "intresseavvägning.pdf"
    document.write_bytes(b"%PDF-1.4 signed balancing")
    entry = core.register.set(ROOT, camera.id, {**COMPLETE, "attachments": [str(document)]})
    (attachment,) = entry.attachments
    digest = hashlib.sha256(document.read_bytes()).hexdigest()
    assert (attachment.name, attachment.sha256) == ("intresseavvägning.pdf", digest)
    document.unlink()  # the register keeps its own copy
    assert core.register.attachment_path(digest).read_bytes() == b"%PDF-1.4 signed balancing"
    # The entry as shown (attachments by hash) is taken back as it is.
    again = core.register.set(ROOT, camera.id, {**dict(entry.fields), "purpose": "Annat"})
    assert again.attachments == entry.attachments
    with pytest.raises(InvalidInput, match="cannot be read"):
        core.register.set(ROOT, camera.id, {**COMPLETE, "attachments": [str(document)]})


def test_a_camera_without_a_complete_entry_is_seen_only_by_technicians(core: Core) -> None:
    camera = add(core)
    operator = user(core, "olle", Role.OPERATOR)
    supervisor = user(core, "stina", Role.SUPERVISOR)
    technician = user(core, "tekla", Role.TECHNICIAN)
    assert not camera.in_service
    for watcher in (operator, supervisor):
        assert core.cameras.list(watcher) == []
        assert core.cameras.recorded(watcher) == []
        with pytest.raises(PermissionDenied, match="not yet in the surveillance register"):
            core.cameras.get(watcher, camera.id)
        with pytest.raises(PermissionDenied, match="not yet in the surveillance register"):
            core.cameras.begin_view(watcher, f"camera:{camera.id}", camera.area_id)
    # The technician commissions it: sees it, and watches it live (logged as any look).
    assert [c.id for c in core.cameras.list(technician)] == [camera.id]
    session = core.cameras.begin_view(technician, f"camera:{camera.id}", camera.area_id)
    core.cameras.end_view(session)
    complete_entry(core, camera)
    for watcher in (operator, supervisor):
        assert [c.id for c in core.cameras.list(watcher)] == [camera.id]
        assert core.cameras.get(watcher, camera.id).in_service


def test_changing_retention_in_the_register_changes_the_purge(core: Core, clock: FakeClock) -> None:
    camera = add(core)
    complete_entry(core, camera, retention_hours=24)
    t0 = clock.now()
    kept = add_segment(core, camera, t0)
    clock.moment = t0 + timedelta(hours=30)
    # 30 hours later: under 24 hours' retention the segment is gone...
    core.register.set(ROOT, camera.id, {**COMPLETE, "retention_hours": 48})
    assert core.recordings.purge() == []
    assert kept.exists()
    # ...and once the register says 24 hours again, the next purge takes it.
    core.register.set(ROOT, camera.id, {**COMPLETE, "retention_hours": 24})
    (receipt,) = core.recordings.purge()
    assert receipt.camera_id == camera.id
    assert not kept.exists()
    assert core.recordings.config(camera.id) == RecordingConfig(camera.id, retention_hours=24)


def _downgrade(data_dir: Path) -> None:
    """The data dir as the version before the register left it (the migrations after it are
    applied again: they are idempotent, as they are written with IF NOT EXISTS)."""
    version = next(m.version for m in MIGRATIONS if m.apply is storage._register)
    conn = sqlite3.connect(data_dir / "utkik.db")
    with conn:
        conn.execute("DROP TABLE register_entries")
        conn.execute("DROP TABLE register_versions")
        conn.execute("DELETE FROM schema_version WHERE version >= ?", (version,))
    conn.close()


def test_an_upgrade_gives_existing_cameras_provisional_entries_and_they_keep_recording(
    data_dir: Path,
    clock: FakeClock,
    keys: MemoryKeyStore,
    witness: ListWitness,
    secrets: MemorySecretStore,
) -> None:
    def open_core() -> Core:
        return Core.open(
            data_dir, clock=clock, keys=keys, witnesses=[witness], sealer=False, secrets=secrets
        )

    core = open_core()
    camera = add(core)
    removed = add(core, "Gammal", "10.1.2.4")
    core.register.set_recording(ROOT, camera.id, Mode.SCHEDULED, parse_hours("mon 07:00-19:00"))
    core.register.set_retention(ROOT, camera.id, 96, "Återkommande skadegörelse helger")
    core.cameras.remove(ROOT, removed.id)
    core.close()
    _downgrade(data_dir)
    core = open_core()
    try:
        entry = core.register.entry(ROOT, camera.id)
        assert entry.provisional
        assert not entry.complete
        assert entry.in_service
        assert entry.fields == {
            "hours": "mon 07:00-19:00",
            "recording": "scheduled",
            "retention_hours": 96,
            "retention_justification": "Återkommande skadegörelse helger",
        }
        assert core.cameras.get(ROOT, camera.id).in_service
        # A removed camera keeps its entry for five years.
        gone = core.register.entry(ROOT, removed.id)
        assert gone.keep_until == clock.now().date().replace(year=clock.now().year + 5)
        # The upgrade's entries are in the access log, and the state matches it.
        logged = core.audit.entries(ROOT, action="register.provisional")
        assert {e.target for e in logged} == {f"camera:{camera.id}", f"camera:{removed.id}"}
        assert check_state(core.db) == []
        # Completing it ends the provisional state.
        done = core.register.set(ROOT, camera.id, {**COMPLETE, **dict(entry.fields)})
        assert done.complete
        assert not done.provisional
    finally:
        core.close()


def test_an_entry_changed_by_sql_is_found(core: Core, data_dir: Path) -> None:
    camera = add(core)
    complete_entry(core, camera)
    assert check_state(core.db) == []
    conn = sqlite3.connect(data_dir / "utkik.db")
    with conn:
        conn.execute(
            "UPDATE register_entries SET fields = json_set(fields, '$.retention_hours', 8760)"
        )
        conn.execute("UPDATE register_versions SET fields = json_set(fields, '$.purpose', 'x')")
    conn.close()
    assert sorted(d.text for d in check_state(core.db)) == [
        f"Camera {camera.id}'s register entry in the database is not the version 1 the access "
        "log recorded.",
        f"Version 1 of camera {camera.id}'s register entry in the database is not what the "
        "access log recorded.",
    ]


def _entry(core: Core, camera_id: int) -> Entry:
    return core.register.entry(ROOT, camera_id)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_the_export_lists_every_camera_in_a_signed_pdf_and_csv(core: Core, tmp_path: Path) -> None:
    torget = add(core, "Stora torget kamera")
    add(core, "Berga centrum entré", "10.1.2.5", "Berga centrum")
    complete_entry(core, torget)
    folder = tmp_path / "register"
    done = export_register(core.register, core.audit, ROOT, folder, core.clock.now())
    assert (done.cameras, done.incomplete) == (2, 1)
    # The CSV, as a Swedish spreadsheet opens it.
    rows = list(
        csv.reader(io.StringIO((folder / "register.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:4] == ["Kamera nr", "Kamera", "Plats", "Status"]
    assert [(r[1], r[3]) for r in rows[1:]] == [
        ("Stora torget kamera", "Komplett"),
        ("Berga centrum entré", "OFULLSTÄNDIG - spelas inte in"),
    ]
    assert rows[1][rows[0].index("Ändamål")] == COMPLETE["purpose"]
    # The PDF: a summary page and one page per camera, each naming its camera.
    pdf = folder / "register.pdf"
    pages = []
    for page in (1, 2, 3):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        pages.append(text)
    assert "Register över kamerabevakning" in pages[0]
    assert "Stora torget kamera" in pages[0]
    assert "Berga centrum entré" in pages[0]
    assert "Kamera 1: Stora torget kamera" in pages[1]
    assert "Komplett" in pages[1]
    assert "Kamera 2: Berga centrum entré" in pages[2]
    assert "OFULLSTÄNDIG" in pages[2]
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == 3
    assert all(p.stat().st_size > 1000 for p in images)
    # Signed: the shipped verify.py accepts it and refuses it once a byte changes.
    verify = [sys.executable, str(folder / "verify.py"), str(folder)]
    ok = subprocess.run(verify, capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout
    assert "2 cameras, 1 incomplete" in ok.stdout
    assert not list(folder.glob("__pycache__"))
    with (folder / "register.csv").open("ab") as handle:
        handle.write(b"x")
    bad = subprocess.run(verify, capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1
    assert "register.csv: changed" in bad.stdout
    (logged,) = core.audit.entries(ROOT, action="register.exported")
    assert logged.seq == done.log_seq
    # Operators, who do not read the register, cannot export it.
    with pytest.raises(PermissionDenied):
        export_register(
            core.register,
            core.audit,
            user(core, "olle", Role.OPERATOR),
            tmp_path / "o",
            core.clock.now(),
        )
    assert not (tmp_path / "o").exists()
