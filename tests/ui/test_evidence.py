"""The evidence-lock dialogs, offscreen, over a real core: lock, list, lift, refusals shown."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from console.app import Core
from console.domain import Role
from tests.conftest import FakeClock
from tests.core.test_cameras import user
from tests.core.test_recording_archive import add_segment, camera, entries
from ui.evidence import EvidenceLocksDialog
from ui.tasks import TaskRunner


def test_a_supervisor_locks_lists_and_lifts(
    qtbot: QtBot, core: Core, clock: FakeClock, runner: TaskRunner
) -> None:
    north, south = camera(core), camera(core, "Torget syd", "10.1.2.4")
    kept = add_segment(core, north, clock.now() - timedelta(minutes=30))
    supervisor = user(core, "sara", Role.SUPERVISOR)
    locks = EvidenceLocksDialog(core.recordings, [north, south], supervisor, runner, core.clock)
    qtbot.addWidget(locks)
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert locks.table.rowCount() == 0
    dialog = locks.open_new(chosen=[north.id])
    assert [c.name for c in dialog.chosen_cameras()] == [north.name]
    # Stockholm time with its offset is what the fields show and take.
    assert dialog.start.text() == "2026-03-29 00:30:00 +01:00"
    dialog.reason.setText("Rån vid torget")
    # No case number: the core refuses and the dialog says why, staying open.
    dialog._on_accept()
    qtbot.waitUntil(lambda: dialog.error.text() != "")
    assert "case number" in dialog.error.text()
    dialog.case_number.setText("5000-K123-26")
    dialog.start.setText("nonsense")
    dialog._on_accept()
    assert "nonsense" in dialog.error.text()
    dialog.start.setText("2026-03-29 00:00")
    dialog._on_accept()
    qtbot.waitUntil(lambda: locks.table.rowCount() == 1)
    assert locks.table.item(0, 0).text() == "5000-K123-26"
    assert locks.table.item(0, 1).text() == north.name
    assert locks.table.item(0, 2).text() == "2026-03-29 00:00:00 +01:00"
    logged = entries(core, "evidence.lock")
    assert logged[0]["case"] == "5000-K123-26"
    assert logged[0]["from"] == "2026-03-28T23:00:00.000000Z"
    # The lock keeps the segment through a purge 10 days on.
    clock.advance(days=10)
    core.recordings.purge()
    assert kept.exists()
    locks.table.selectRow(0)
    locks.lift(core.recordings.locks()[0], "Ärendet avslutat")
    qtbot.waitUntil(lambda: locks.table.rowCount() == 0)
    assert entries(core, "evidence.lift")[0]["reason"] == "Ärendet avslutat"


def test_only_cameras_in_the_supervisors_areas_are_offered(
    qtbot: QtBot, core: Core, runner: TaskRunner
) -> None:
    north = camera(core)
    berga = next(a for a in core.sites.areas() if a.name == "Berga")
    limited = user(core, "bo", Role.SUPERVISOR, frozenset({berga.id}))
    locks = EvidenceLocksDialog(core.recordings, [north], limited, runner, core.clock)
    qtbot.addWidget(locks)
    dialog = locks.open_new()
    assert dialog.cameras.count() == 0
    assert dialog.chosen_cameras() == []
