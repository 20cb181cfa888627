"""The access-log viewer: entries, filters, Stockholm time, verification, CSV export, access."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app import Core
from console.audit.log import AuditUnavailable, Entry
from console.domain import Actor, Role
from console.errors import N_, KnownError, PermissionDenied
from console.settings import LOCKOUT_MINUTES
from tests.conftest import FAST_HASHER, PASSWORD, FakeClock
from tests.ui.test_shell import log_in, unlock
from ui.audit_viewer import AuditViewer
from ui.tasks import TaskRunner
from ui.wiring.session import Console

CLI = Actor.os_account("root")
HEADER = ["Seq", "Time", "User", "Action", "Target", "Details"]
MakeViewer = Callable[..., AuditViewer]


@pytest.fixture
def runner(core: Core, runner: TaskRunner) -> TaskRunner:
    """The suite's runner, stopped before the core closes (its jobs read the log)."""
    return runner


@pytest.fixture
def people(core: Core, clock: FakeClock) -> dict[str, Actor]:
    """anna (administrator), sara (supervisor), olle (operator), ulla (auditor), some history:
    logins, a new user, a changed user and a changed setting."""
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    anna = Actor.of(core.users.authenticate("anna", PASSWORD))
    core.users.add(anna, "sara", Role.SUPERVISOR, PASSWORD)
    core.users.add(anna, "olle", Role.OPERATOR, PASSWORD, core.sites.resolve_areas(["Berga"]))
    core.users.add(anna, "ulla", Role.AUDITOR, PASSWORD)
    core.users.update(anna, "olle", areas=core.sites.resolve_areas(["Berga", "Ryd"]))
    core.settings.set_int(anna, LOCKOUT_MINUTES, 10)
    sara = Actor.of(core.users.authenticate("sara", PASSWORD))
    olle = Actor.of(core.users.authenticate("olle", PASSWORD))
    ulla = Actor.of(core.users.authenticate("ulla", PASSWORD))
    return {"anna": anna, "sara": sara, "olle": olle, "ulla": ulla}


@pytest.fixture
def make_viewer(qtbot: QtBot, core: Core, runner: TaskRunner) -> MakeViewer:
    def make(actor: Actor, **kwargs: object) -> AuditViewer:
        viewer = AuditViewer(core.audit, actor, runner, None, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(viewer)
        viewer.show()
        return viewer

    return make


def open_viewer(
    qtbot: QtBot, make_viewer: MakeViewer, actor: Actor, **kwargs: object
) -> AuditViewer:
    viewer = make_viewer(actor, **kwargs)
    wait_loaded(qtbot, viewer)
    return viewer


def wait_loaded(qtbot: QtBot, viewer: AuditViewer) -> None:
    """Wait for the load the constructor started. Not with waitSignal: a worker that finishes
    before TaskRunner.run attaches its callback delivers the answer at once, inside run()."""
    qtbot.waitUntil(viewer.apply_button.isEnabled, timeout=5000)
    assert viewer.message.isHidden(), viewer.message.text()


def column(viewer: AuditViewer, col: int) -> list[str]:
    return [row[col] for row in viewer.model.texts()]


def apply(qtbot: QtBot, viewer: AuditViewer) -> None:
    with qtbot.waitSignal(viewer.loaded, timeout=5000):
        qtbot.mouseClick(viewer.apply_button, Qt.MouseButton.LeftButton)


def entries_of(core: Core, action: str) -> list[Entry]:
    return core.audit.entries(CLI, action=action)


# -- the viewer --------------------------------------------------------------------------------


def test_a_supervisor_sees_the_entries_newest_first(
    qtbot: QtBot, core: Core, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    rows = viewer.model.texts()
    actions = column(viewer, 3)
    # The viewing itself is the newest entry, and it is on record.
    assert rows[0][2:5] == ("sara", "audit.viewed", "")
    assert actions[1:5] == ["login", "login", "login", "setting.changed"]
    assert [int(s) for s in column(viewer, 0)] == list(range(len(rows), 0, -1))
    assert viewer.model.rowCount() == len(core.audit.entries(people["sara"]))
    viewed = entries_of(core, "audit.viewed")
    assert [(e.actor, e.seq) for e in viewed] == [("sara", int(rows[0][0]))]

    by_action = {row[3]: row for row in rows}
    setting = by_action["setting.changed"]
    assert setting[2:] == ("anna", "setting.changed", "security.lockout_minutes", "value=10")
    berga_ryd = ",".join(str(a) for a in sorted(core.sites.resolve_areas(["Berga", "Ryd"])))
    assert by_action["user.changed"][4:] == ("olle", f'areas="{berga_ryd}"')
    added = [row for row in rows if row[3] == "user.added"]
    assert [row[4] for row in added] == ["ulla", "olle", "sara", "anna"]
    assert added[0][5] == 'areas="", role=auditor'
    assert added[-1][2] == "os:root"
    # The fake clock stands at 2026-03-29 00:30 UTC: 01:30 in Stockholm, still winter time.
    assert set(column(viewer, 1)) == {"2026-03-29 01:30:00 +01:00"}
    assert viewer.count.text() == f"Entries shown: {len(rows)}"
    assert viewer.keys.text() == "Keys: memory  Witness: list"
    assert viewer.message.isHidden()
    headers = [viewer.model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == HEADER


def test_auditors_and_administrators_may_read_it_too(
    qtbot: QtBot, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    for name in ("ulla", "anna"):
        viewer = open_viewer(qtbot, make_viewer, people[name])
        assert viewer.model.texts()[0][2:4] == (name, "audit.viewed")
        viewer.close()


def test_filters_narrow_the_rows(
    qtbot: QtBot, core: Core, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    everything = len(viewer.model.texts())

    viewer.user.setText("anna")
    apply(qtbot, viewer)
    assert set(column(viewer, 2)) == {"anna"}
    assert column(viewer, 3) == [
        "setting.changed",
        "user.changed",
        "user.added",
        "user.added",
        "user.added",
        "login",
    ]
    assert viewer.count.text() == "Entries shown: 6"

    # The action matches from its beginning ...
    viewer.user.clear()
    viewer.action.setText("user.")
    apply(qtbot, viewer)
    assert column(viewer, 3) == ["user.changed"] + ["user.added"] * 4
    viewer.action.setText("added")
    apply(qtbot, viewer)
    assert viewer.model.rowCount() == 0
    assert viewer.count.text() == "Entries shown: 0"
    assert not viewer.export_button.isEnabled()

    # ... the target anywhere, and the filters combine.
    viewer.action.clear()
    viewer.target.setText("lle")
    apply(qtbot, viewer)
    assert set(column(viewer, 4)) == {"olle"}
    assert column(viewer, 3) == ["login", "user.changed", "user.added"]
    viewer.action.setText("login")
    apply(qtbot, viewer)
    assert column(viewer, 3) == ["login"]

    viewer.action.clear()
    viewer.target.clear()
    apply(qtbot, viewer)
    # Each Apply reads again; only the opening was recorded as a viewing.
    assert viewer.model.rowCount() == everything
    assert len(entries_of(core, "audit.viewed")) == 1


def test_enter_applies_the_filters(
    qtbot: QtBot, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    viewer.user.setFocus()
    viewer.user.setText("olle")
    with qtbot.waitSignal(viewer.loaded, timeout=5000):
        qtbot.keyClick(viewer.user, Qt.Key.Key_Return)
    assert column(viewer, 3) == ["login"]


def test_the_time_filter_and_summer_time(
    qtbot: QtBot,
    core: Core,
    clock: FakeClock,
    people: dict[str, Actor],
    make_viewer: MakeViewer,
) -> None:
    # 00:30 UTC = 01:30 +01:00 (the people fixture); at 01:00 UTC Sweden moves to +02:00.
    clock.advance(hours=1)  # 01:30 UTC = 03:30 +02:00
    core.audit.record(people["sara"], "camera.viewed", "Stora torget 1").result()
    clock.advance(hours=2)  # 03:30 UTC = 05:30 +02:00
    core.audit.record(people["sara"], "camera.viewed", "Berga centrum 2").result()

    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    rows = {row[4]: row[1] for row in viewer.model.texts() if row[3] == "camera.viewed"}
    assert rows == {
        "Stora torget 1": "2026-03-29 03:30:00 +02:00",
        "Berga centrum 2": "2026-03-29 05:30:00 +02:00",
    }
    assert viewer.model.texts()[0][1] == "2026-03-29 05:30:00 +02:00"  # the viewing

    viewer.target.setText("torget")
    apply(qtbot, viewer)
    assert column(viewer, 4) == ["Stora torget 1"]

    # The fields are read as Stockholm wall-clock time, whatever the computer's zone.
    def wall(hour: int, minute: int, second: int = 0) -> QDateTime:
        return QDateTime(QDate(2026, 3, 29), QTime(hour, minute, second), QTimeZone.utc())

    viewer.target.clear()
    viewer.since_check.setChecked(True)
    viewer.since.setDateTime(wall(3, 0))
    apply(qtbot, viewer)
    assert column(viewer, 3) == ["audit.viewed", "camera.viewed", "camera.viewed"]
    assert viewer.filters().since == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)

    # "To" includes the second it shows.
    viewer.until_check.setChecked(True)
    viewer.until.setDateTime(wall(3, 30))
    apply(qtbot, viewer)
    assert column(viewer, 4) == ["Stora torget 1"]

    viewer.since_check.setChecked(False)
    viewer.until.setDateTime(wall(1, 30))
    apply(qtbot, viewer)
    assert set(column(viewer, 1)) == {"2026-03-29 01:30:00 +01:00"}
    assert "camera.viewed" not in column(viewer, 3)
    assert viewer.model.rowCount() == len(viewer.model.texts()) > 5

    viewer.set_time_range(datetime(2026, 3, 29, 3, 0, tzinfo=UTC), None)
    assert viewer.since.dateTime().time() == QTime(5, 0)
    assert not viewer.until.isEnabled()
    apply(qtbot, viewer)
    assert column(viewer, 4) == ["", "Berga centrum 2"]


def test_the_limit_is_shown(
    qtbot: QtBot, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    viewer = open_viewer(qtbot, make_viewer, people["sara"], limit=3)
    assert viewer.model.rowCount() == 3
    assert viewer.count.text() == "Entries shown: 3 (limited to 3)"
    viewer.user.setText("olle")
    apply(qtbot, viewer)
    assert viewer.count.text() == "Entries shown: 1"


def test_verify_an_untouched_and_a_tampered_log(
    qtbot: QtBot, core: Core, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    # A checkpoint over the people's ten entries; the eleventh comes after it, so that damage
    # to it is placed exactly (damage under a checkpoint is placed at the checkpoint before).
    core.audit.seal().result()
    core.settings.set_int(people["anna"], LOCKOUT_MINUTES, 15)
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    assert viewer.verification.text() == "Not verified yet."
    with qtbot.waitSignal(viewer.verified, timeout=10_000) as blocker:
        qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert report.ok
    assert report.warnings == []
    # The log now also holds the export that the verification made.
    assert report.entries == len(core.audit.entries(people["sara"]))
    assert viewer.verification.text() == (
        f"Verified: {report.entries} entries, 2 checkpoints; first key fingerprint {report.anchor}"
    )
    assert len(report.anchor) > 10
    assert viewer.verification.property("state") == "ok"
    assert viewer.verify_button.isEnabled()
    assert [e.actor for e in entries_of(core, "audit.exported")] == ["sara"]
    # The list is read again, and shows the verification's export.
    qtbot.waitUntil(viewer.apply_button.isEnabled, timeout=5000)
    assert viewer.model.texts()[0][2:4] == ("sara", "audit.exported")

    # Someone with access to the database file rewrites entry 11 (the lockout set to 15 min).
    with sqlite3.connect(core.db.path) as db:
        (body,) = db.execute("SELECT body FROM audit_entries WHERE seq = 11").fetchone()
        assert b'"details":{"value":15}' in body
        forged = bytes(body).replace(b'"value":15', b'"value":50')
        db.execute("UPDATE audit_entries SET body = ? WHERE seq = 11", (forged,))
    db.close()
    # The viewer reads what the database holds now.
    viewer.action.setText("setting.")
    apply(qtbot, viewer)
    assert column(viewer, 5) == ["value=50", "value=10"]

    with qtbot.waitSignal(viewer.verified, timeout=10_000) as blocker:
        qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert not report.ok
    assert report.first_bad == 11
    assert viewer.verification.text() == f"Not valid from entry 11: {report.problem}"
    assert viewer.verification.property("state") == "bad"


def test_verify_compares_the_state_with_the_log(
    qtbot: QtBot, core: Core, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    # Someone with access to the database file promotes olle: no entry changes.
    with sqlite3.connect(core.db.path) as db:
        db.execute("UPDATE users SET role = 'administrator' WHERE name = 'olle'")
    db.close()
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    with qtbot.waitSignal(viewer.verified, timeout=10_000) as blocker:
        qtbot.mouseClick(viewer.verify_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    assert report.ok
    assert viewer.verification.text().splitlines()[1:] == [
        "The database differs from what the access log says was done:",
        "User olle is administrator in the database, but the access log last made them operator.",
    ]
    assert viewer.verification.property("state") == "bad"


def test_without_keys_the_log_is_unsealed_and_says_so(
    qtbot: QtBot, clock: FakeClock, runner: TaskRunner, tmp_path: Path
) -> None:
    bare = Core.open(tmp_path / "bare", clock=clock, hasher=FAST_HASHER, sealer=False)
    try:
        bare.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
        anna = Actor.of(bare.users.authenticate("anna", PASSWORD))
        viewer = AuditViewer(bare.audit, anna, runner)
        qtbot.addWidget(viewer)
        wait_loaded(qtbot, viewer)
        assert viewer.keys.text() == "Keys: none (the log is not sealed)  Witness: none"
        viewer.verify_button.click()
        # An unsealed log cannot be exported, so it cannot be verified: a verifier refuses
        # entries no checkpoint seals.
        qtbot.waitUntil(lambda: viewer.verify_button.isEnabled(), timeout=10_000)
        assert viewer.verification.text() == (
            "Not verified: The access log cannot be exported now: its latest entries cannot be "
            "sealed (the signing key cannot be reached)."
        )
        assert viewer.verification.property("state") == "bad"
        qtbot.waitUntil(lambda: runner.pending == 0)
    finally:
        bare.close()


def test_csv_export_writes_the_rows_shown_and_is_logged_first(
    qtbot: QtBot, core: Core, people: dict[str, Actor], make_viewer: MakeViewer, tmp_path: Path
) -> None:
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    viewer.action.setText("user.")
    apply(qtbot, viewer)
    shown = viewer.model.texts()
    assert len(shown) == 5
    path = tmp_path / "åtkomst.csv"
    with qtbot.waitSignal(viewer.csv_written, timeout=5000) as blocker:
        viewer.write_csv(path)
    assert blocker.args == [str(path), 5]
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HEADER
    assert [tuple(r) for r in rows[1:]] == shown
    assert rows[1][5] == f'areas="{",".join(str(a) for a in sorted(people["olle"].user.areas))}"'  # type: ignore[union-attr]
    exported = entries_of(core, "audit.csv_exported")
    assert [(e.actor, e.target, dict(e.details)) for e in exported] == [
        ("sara", str(path), {"rows": 5})
    ]
    assert viewer.message.text() == f"Wrote 5 rows to {path}."
    assert viewer.message.property("state") == ""


def test_csv_export_writes_nothing_if_it_cannot_be_logged(
    qtbot: QtBot,
    core: Core,
    people: dict[str, Actor],
    make_viewer: MakeViewer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    monkeypatch.setattr(core.audit, "record", _unavailable)
    path = tmp_path / "log.csv"
    viewer.write_csv(path)
    qtbot.waitUntil(lambda: viewer.message.isVisible(), timeout=5000)
    assert "cannot be written (disk full)" in viewer.message.text()
    assert not path.exists()
    assert viewer.export_button.isEnabled()


def test_nothing_is_shown_if_the_viewing_cannot_be_logged(
    qtbot: QtBot,
    core: Core,
    people: dict[str, Actor],
    make_viewer: MakeViewer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(core.audit, "record", _unavailable)
    viewer = make_viewer(people["sara"])
    qtbot.waitUntil(lambda: viewer.message.isVisible(), timeout=5000)
    assert "cannot be written (disk full)" in viewer.message.text()
    assert viewer.model.rowCount() == 0
    assert not viewer.verify_button.isEnabled()
    assert not viewer.export_button.isEnabled()

    # Once the log can be written again, Apply records the viewing and shows the entries.
    monkeypatch.undo()
    apply(qtbot, viewer)
    assert viewer.model.texts()[0][2:4] == ("sara", "audit.viewed")
    assert viewer.message.isHidden()


def test_an_operator_may_not_read_the_log(
    qtbot: QtBot, core: Core, people: dict[str, Actor], make_viewer: MakeViewer
) -> None:
    olle = people["olle"]
    with pytest.raises(PermissionDenied):
        core.audit.entries(olle)
    viewer = make_viewer(olle)
    qtbot.waitUntil(lambda: viewer.message.isVisible(), timeout=5000)
    assert viewer.message.text() == "olle is not allowed to read the access log."
    assert viewer.message.property("state") == "bad"
    assert viewer.model.rowCount() == 0
    assert entries_of(core, "audit.viewed") == []


# -- in the console ----------------------------------------------------------------------------


def test_the_menu_opens_the_viewer_for_a_supervisor_only(
    qtbot: QtBot, make_console: Callable[[], Console], core: Core, people: dict[str, Actor]
) -> None:
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    assert not window.menu_actions["audit"].isEnabled()
    window.lock()
    window.unlock()
    assert not window.menu_actions["audit"].isEnabled()
    assert window.menu_actions["lock"].isEnabled()

    window.menu_actions["switch_user"].trigger()
    window = log_in(qtbot, console, "sara")
    action = window.menu_actions["audit"]
    assert action.isEnabled()
    assert action.shortcut().toString() == "Ctrl+Shift+A"
    assert action.text() == "&Access log…"
    action.trigger()
    viewer = console.audit_viewer
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.model.rowCount() > 0, timeout=5000)
    assert viewer.isVisible()
    assert viewer.parent() is window
    assert viewer.model.texts()[0][2:4] == ("sara", "audit.viewed")

    # Asking again brings the open viewer forward; it is not a second viewing.
    action.trigger()
    assert console.audit_viewer is viewer
    assert len(entries_of(core, "audit.viewed")) == 1

    # The lock hides the viewer with everything else, and the unlock brings it back.
    console.lock()
    assert not viewer.isVisible()
    assert not action.isEnabled()
    unlock(qtbot, window)
    assert viewer.isVisible()
    assert action.isEnabled()

    # Closed, it is gone; opening it again is a new viewing.
    viewer.close()
    assert console.audit_viewer is None
    action.trigger()
    again = console.audit_viewer
    assert again is not None
    qtbot.waitUntil(lambda: again.model.rowCount() > 0, timeout=5000)
    assert len(entries_of(core, "audit.viewed")) == 2


def test_screenshot(
    qtbot: QtBot,
    core: Core,
    people: dict[str, Actor],
    make_viewer: MakeViewer,
    tmp_path: Path,
    qapp: QApplication,
) -> None:
    viewer = open_viewer(qtbot, make_viewer, people["sara"])
    with qtbot.waitSignal(viewer.verified, timeout=10_000):
        viewer.verify_button.click()
    picture = viewer.grab().toImage()
    assert picture.width() >= 1000
    assert picture.save(str(tmp_path / "audit_viewer.png"))


def _unavailable(*args: object, **kwargs: object) -> Future[Entry]:
    future: Future[Entry] = Future()
    err: KnownError = AuditUnavailable(
        N_("The access log cannot be written ({reason}); the action was refused."),
        reason="disk full",
    )
    future.set_exception(err)
    return future
