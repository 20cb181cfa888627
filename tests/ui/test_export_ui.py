"""The export dialogs, offscreen, over a real core: request with its coverage, "Approve as…" a
second supervisor, produce in the background with progress, cancel, and the receipt."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from console.app import Core
from console.cameras import Camera
from console.domain import Actor, Role
from console.export.order import (
    ExportCancelled,
    ExportOrder,
    ExportProgress,
    PackageProducer,
    PackageReceipt,
)
from console.export.requests import ExportRequest, RequestState
from console.localtime import format_moment
from tests.conftest import PASSWORD, FakeClock
from tests.core.test_cameras import facts, place, user
from tests.core.test_export_requests import FakeProducer
from tests.core.test_recording_archive import add_segment
from tests.register_fixture import registered
from tests.ui.test_shell import log_in
from ui.events import DomainEvents
from ui.evidence import EvidenceLocksDialog
from ui.export import ExportRequestsDialog
from ui.tasks import TaskRunner
from ui.wiring.session import Console

ROOT = Actor.os_account("root")


@pytest.fixture
def cameras(core: Core, clock: FakeClock) -> list[Camera]:
    made = [
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
    start = clock.now() - timedelta(minutes=30)
    for camera in made:
        for i in range(6):
            add_segment(core, camera, start + timedelta(seconds=10 * i))
    return made


def dialog_for(
    qtbot: QtBot,
    core: Core,
    runner: TaskRunner,
    cameras: list[Camera],
    actor: Actor,
    producer: Callable[[], PackageProducer],
) -> ExportRequestsDialog:
    events = DomainEvents(core.events)
    dialog = ExportRequestsDialog(
        core.exports, core.users, cameras, actor, runner, core.clock, producer, events
    )
    qtbot.addWidget(dialog)
    dialog.destroyed.connect(events.deleteLater)
    qtbot.waitUntil(lambda: runner.pending == 0)
    return dialog


def ask(qtbot: QtBot, dialog: ExportRequestsDialog, core: Core, cameras: list[Camera]) -> int:
    before = dialog.table.rowCount()
    start = core.clock.now() - timedelta(minutes=30)
    new = dialog.open_new(start, start + timedelta(seconds=40), [c.id for c in cameras])
    new.reason.setText("Rån vid torget")
    new.case_number.setText("Polisen 5000-K123456-26")
    new.recipient.setText("Polisen Linköping, insp. Berg")
    new._on_accept()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == before + 1)
    return core.exports.requests(ROOT)[0].id


def test_a_request_shows_its_coverage_and_refuses_what_is_wrong(
    qtbot: QtBot, core: Core, runner: TaskRunner, cameras: list[Camera]
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    dialog = dialog_for(qtbot, core, runner, cameras, sara, lambda: FakeProducer(core))
    start = core.clock.now() - timedelta(minutes=31)
    new = dialog.open_new(start, start + timedelta(minutes=3), [cameras[0].id])
    new._on_preview_clicked()
    qtbot.waitUntil(lambda: new.coverage.rowCount() == 1)
    assert new.coverage.item(0, 0).text() == "Torget"
    assert new.coverage.item(0, 1).text() == "60 s"
    assert new.coverage.item(0, 2).text().count("–") == 2  # a gap before and one after
    # Nothing sent without a recipient: the core says why, the dialog stays open.
    new.reason.setText("Rån")
    new.case_number.setText("K1")
    new._on_accept()
    qtbot.waitUntil(lambda: new.error.text() != "")
    assert "recipient" in new.error.text()
    # The repeated October hour names both offsets to choose from.
    new.start.setText("2026-10-25 02:30")
    new._on_accept()
    assert "+02:00" in new.error.text()
    assert "+01:00" in new.error.text()
    assert core.exports.requests(ROOT) == []


def test_approve_as_a_second_supervisor_then_produce_with_a_receipt(
    qtbot: QtBot, core: Core, runner: TaskRunner, cameras: list[Camera], tmp_path: Path
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    user(core, "per", Role.SUPERVISOR)
    producer = FakeProducer(core)
    dialog = dialog_for(qtbot, core, runner, cameras, sara, lambda: producer)
    request_id = ask(qtbot, dialog, core, cameras)
    assert dialog.table.item(0, 1).text() == "pending"
    assert dialog.table.item(0, 4).text() == "Torget, Berga"
    request = core.exports.get(sara, request_id)
    approve = dialog.approve_as(request)
    for name, password, problem in (
        ("sara", PASSWORD, "another supervisor must approve"),
        ("per", "fel lösenord", "Wrong user name or password"),
    ):
        approve.name.setText(name)
        approve.password.setText(password)
        approve.submitted.emit((name, password))
        qtbot.waitUntil(lambda problem=problem: problem in approve.error.text())
        assert approve.password.text() == ""
    approve.submitted.emit(("per", PASSWORD))
    qtbot.waitUntil(lambda: dialog.table.item(0, 1).text() == "approved")
    assert dialog.table.item(0, 3).text() == "per"
    assert core.audit.entries(ROOT, action="login")[0].actor == "per"

    dialog.produce(core.exports.get(sara, request_id), tmp_path)
    qtbot.waitUntil(lambda: dialog.receipt.text() != "")
    assert str(tmp_path) in dialog.receipt.text()
    assert "ab" * 32 in dialog.receipt.text()
    assert "SHA256:anchor" in dialog.receipt.text()
    qtbot.waitUntil(lambda: dialog.table.item(0, 1).text() == "produced")
    assert producer.orders[0].approver == "per"
    assert not dialog.progress.isVisible()


class WaitingProducer(PackageProducer):
    """Reports the first camera, then waits until production is cancelled."""

    def __init__(self) -> None:
        self.started = threading.Event()

    def produce(
        self,
        actor: Actor,
        order: ExportOrder,
        destination: Path,
        *,
        make_zip: bool,
        progress: Callable[[ExportProgress], None],
        cancelled: Callable[[], bool],
    ) -> PackageReceipt:
        progress(ExportProgress(order.camera_ids[0], "Torget", 1, 2, 40_000, 40.0, 40.0))
        self.started.set()
        while not cancelled():
            threading.Event().wait(0.01)
        raise ExportCancelled("Cancelled.")


def test_production_shows_progress_and_can_be_cancelled(
    qtbot: QtBot, core: Core, runner: TaskRunner, cameras: list[Camera], tmp_path: Path
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    producer = WaitingProducer()
    dialog = dialog_for(qtbot, core, runner, cameras, sara, lambda: producer)
    request_id = ask(qtbot, dialog, core, cameras)
    core.exports.approve(user(core, "per", Role.SUPERVISOR), request_id)
    dialog.show()
    dialog.produce(core.exports.get(sara, request_id), tmp_path)
    qtbot.waitUntil(lambda: dialog.progress.value() == 1)
    assert dialog.progress.maximum() == 2
    assert dialog.status.text() == "Torget: 40 of 40 s, 0.0 MB written"
    assert dialog.cancel_button.isVisible()
    dialog.cancel_production()
    qtbot.waitUntil(lambda: dialog.production is None)
    assert not dialog.progress.isVisible()
    request: ExportRequest = core.exports.get(sara, request_id)
    assert request.state is RequestState.APPROVED
    assert core.recordings.lock(request.lock_id or 0).lifted_at is None
    # Closing the dialog while a package is written stops it too.
    producer.started.clear()
    dialog.produce(request, tmp_path)
    assert producer.started.wait(10)
    dialog.accept()
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert core.exports.get(sara, request_id).state is RequestState.APPROVED


def test_the_menu_offers_exports_to_supervisors_only(
    qtbot: QtBot, make_console: Callable[..., Console], core: Core
) -> None:
    user(core, "sara", Role.SUPERVISOR)
    user(core, "olle", Role.OPERATOR)
    user(core, "adam", Role.ADMINISTRATOR)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    assert not window.menu_actions["exports"].isEnabled()
    console.switch_user()
    window = log_in(qtbot, console, "sara")
    assert window.menu_actions["exports"].isEnabled()
    window.menu_actions["exports"].trigger()
    qtbot.waitUntil(lambda: console.exports_dialog is not None)
    assert console.exports_dialog is not None
    console.exports_dialog.close()


def test_an_evidence_lock_becomes_an_export_request_of_its_range(
    qtbot: QtBot,
    make_console: Callable[..., Console],
    core: Core,
    runner: TaskRunner,
    cameras: list[Camera],
) -> None:
    sara = user(core, "sara", Role.SUPERVISOR)
    user(core, "adam", Role.ADMINISTRATOR)
    start = core.clock.now() - timedelta(minutes=30)
    lock = core.recordings.lock_evidence(
        sara,
        [cameras[1]],
        start,
        start + timedelta(minutes=1),
        reason="Skadegörelse",
        case_number="K1",
        expires_at=core.clock.now() + timedelta(days=30),
    )
    locks = EvidenceLocksDialog(core.recordings, cameras, sara, runner, core.clock)
    qtbot.addWidget(locks)
    qtbot.waitUntil(lambda: locks.table.rowCount() == 1)
    locks.table.selectRow(0)
    with qtbot.waitSignal(locks.export_requested) as asked:
        locks.findChild(QPushButton, "export_lock").click()
    assert asked.args == [lock]
    # The console opens the export requests with a new request of the lock's range.
    console = make_console()
    console.start()
    log_in(qtbot, console, "sara")
    console._on_evidence_export_requested(lock)
    qtbot.waitUntil(
        lambda: (
            console.exports_dialog is not None and console.exports_dialog.request_dialog is not None
        )
    )
    assert console.exports_dialog is not None
    new = console.exports_dialog.request_dialog
    assert new is not None
    assert new.chosen_ids() == (cameras[1].id,)
    assert new.start.text() == format_moment(lock.start)
    assert new.end.text() == format_moment(lock.end)
    console.exports_dialog.close()
