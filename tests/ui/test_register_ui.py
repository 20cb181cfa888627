"""The surveillance register in the console, over a real core and SQLite data dir: the table of
every camera's entry (complete, incomplete, overdue, removed), the details, who may open it, the
administrator's form (a new version, logged; a refused edit keeps what was typed), the signed
export checked by its own verify.py, and the status bar's reminder on the injected clock."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app import Core
from console.domain import Actor, Role
from console.register import Reminder
from tests.conftest import PASSWORD, FakeClock
from tests.core.test_cameras import facts, place
from tests.register_fixture import COMPLETE
from tests.ui.test_shell import log_in, unlock
from ui.events import DomainEvents
from ui.i18n import Translations
from ui.register import RegisterWindow
from ui.register_form import EntryForm
from ui.register_reminder import RegisterReminder
from ui.tasks import TaskRunner
from ui.theme import STATE_COLOURS as COLOURS
from ui.theme import apply_theme
from ui.wiring.session import Console

CLI = Actor.os_account("root")
MakeConsole = Callable[..., Console]
MakeWindow = Callable[[Actor], RegisterWindow]
CAMERA, PLACE, STATE, RETENTION, HOURS, REVIEW = range(6)


@pytest.fixture
def runner(core: Core, runner: TaskRunner) -> TaskRunner:
    """The suite's runner, stopped before the core closes (its jobs read the register)."""
    return runner


@pytest.fixture
def people(core: Core) -> dict[str, Actor]:
    """anna (administrator), sara (supervisor), olle (operator), ulla (auditor)."""
    roles = {
        "anna": Role.ADMINISTRATOR,
        "sara": Role.SUPERVISOR,
        "olle": Role.OPERATOR,
        "ulla": Role.AUDITOR,
    }
    return {
        name: Actor.of(core.users.add(CLI, name, role, PASSWORD)) for name, role in roles.items()
    }


def add(core: Core, name: str, host: str, where: str) -> int:
    return core.cameras.add(CLI, facts(host), place(core, where), name, "u", "p").id


@pytest.fixture
def site(core: Core, tmp_path: Path) -> dict[str, int]:
    """The fake clock stands at 2026-03-29 (Stockholm). Torget: complete, a signed document
    attached, reviewed next year. Berga: complete, its review date passed. Ryd: only a purpose.
    Gammal: complete, then taken out of use."""
    document = tmp_path / "avvagning.txt"
    document.write_text("Intresseavvägning, undertecknad\n", encoding="utf-8")
    ids = {
        "Torget": add(core, "Torget", "127.0.0.2", "Stora torget"),
        "Berga": add(core, "Berga", "127.0.0.3", "Berga centrum"),
        "Ryd": add(core, "Ryd", "127.0.0.4", "Ryds centrum"),
        "Gammal": add(core, "Gammal", "127.0.0.5", "Skäggetorp centrum"),
    }
    core.register.set(CLI, ids["Torget"], {**COMPLETE, "attachments": [str(document)]})
    core.register.set(
        CLI, ids["Berga"], {**COMPLETE, "start_date": "2025-01-01", "review_date": "2026-03-01"}
    )
    core.register.set(CLI, ids["Ryd"], {"purpose": "Trygghet i centrum"})
    core.register.set(CLI, ids["Gammal"], {**COMPLETE, "review_date": "2026-01-01"})
    core.cameras.remove(CLI, ids["Gammal"])
    return ids


@pytest.fixture
def make_window(
    qtbot: QtBot, qapp: QApplication, core: Core, runner: TaskRunner
) -> Iterator[MakeWindow]:
    apply_theme(qapp, "dark")
    events = DomainEvents(core.events)

    def make(actor: Actor) -> RegisterWindow:
        window = RegisterWindow(core.register, core.audit, actor, runner, core.clock, events)
        qtbot.addWidget(window)
        window.show()
        return window

    yield make
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=20_000)
    events.close()
    events.deleteLater()
    apply_theme(qapp, "dark")


def loaded(qtbot: QtBot, make_window: MakeWindow, actor: Actor) -> RegisterWindow:
    """The window once its first load is shown (the register's date is set with the rows)."""
    window = make_window(actor)
    qtbot.waitUntil(lambda: window.today is not None, timeout=5000)
    return window


def cell(window: RegisterWindow, row: int, column: int) -> str:
    item = window.table.item(row, column)
    assert item is not None
    return item.text()


def row_of(window: RegisterWindow, name: str) -> int:
    return next(r for r in range(window.table.rowCount()) if cell(window, r, CAMERA) == name)


def test_the_table_lists_complete_incomplete_overdue_and_removed_entries(
    qtbot: QtBot, site: dict[str, int], people: dict[str, Actor], make_window: MakeWindow
) -> None:
    window = loaded(qtbot, make_window, people["sara"])
    assert [cell(window, r, CAMERA) for r in range(window.table.rowCount())] == [
        "Torget",
        "Berga",
        "Ryd",
        "Gammal",
    ]
    torget, berga, ryd, gammal = (row_of(window, n) for n in ("Torget", "Berga", "Ryd", "Gammal"))
    assert [cell(window, torget, c) for c in range(6)] == [
        "Torget",
        "Stora torget",
        "complete",
        "72 h",
        "always",
        "2027-11-01",
    ]
    # The passed review date in words, and in the alarm colour of the dark theme as well.
    assert cell(window, berga, REVIEW) == "review overdue since 2026-03-01"
    review = window.table.item(berga, REVIEW)
    assert review is not None
    assert review.foreground().color().name() == COLOURS["bad"][0]
    assert review.font().bold()
    plain = window.table.item(torget, REVIEW)
    assert plain is not None
    assert not plain.font().bold()
    assert cell(window, ryd, STATE).startswith(
        "incomplete, does not record; missing: Legal basis, Balancing of interests, "
        "Monitored area, Hours, Retention (hours)"
    )
    assert cell(window, ryd, REVIEW) == ""
    # A removed camera stays, with how long its entry is kept; its old review is not flagged.
    assert cell(window, gammal, STATE) == "camera removed; entry kept until 2031-03-29"
    assert cell(window, gammal, REVIEW) == "2026-01-01"
    # A supervisor reads it: no form.
    assert window.edit_button.isHidden()
    assert window.export_button.isEnabled()

    # The chosen entry: its fields read-only, its versions, its attachment with the SHA-256.
    window.choose(site["Torget"])
    qtbot.waitUntil(lambda: window.versions.rowCount() == 1)
    fields = {
        window.fields.item(r, 0).text(): window.fields.item(r, 1).text()
        for r in range(window.fields.rowCount())
    }
    assert fields["Purpose"] == COMPLETE["purpose"]
    assert fields["Signs in place"] == "yes"
    assert window.fields.editTriggers() == window.fields.EditTrigger.NoEditTriggers
    assert [window.versions.item(0, c).text() for c in (0, 2)] == ["1", "os:root"]
    digest = hashlib.sha256("Intresseavvägning, undertecknad\n".encode()).hexdigest()
    assert window.attachments.rowCount() == 1
    assert window.attachments.item(0, 0).text() == "avvagning.txt"
    assert window.attachments.item(0, 2).text() == digest
    window.choose(site["Berga"])
    assert "Review overdue since 2026-03-01." in window.summary.text()


def test_the_light_theme_has_its_own_alarm_colour(
    qtbot: QtBot,
    qapp: QApplication,
    site: dict[str, int],
    people: dict[str, Actor],
    make_window: MakeWindow,
) -> None:
    apply_theme(qapp, "light")
    window = loaded(qtbot, make_window, people["ulla"])
    review = window.table.item(row_of(window, "Berga"), REVIEW)
    assert review is not None
    assert review.foreground().color().name() == COLOURS["bad"][1]


def test_an_operator_cannot_open_the_register(
    qtbot: QtBot,
    make_console: MakeConsole,
    core: Core,
    site: dict[str, int],
    people: dict[str, Actor],
    make_window: MakeWindow,
) -> None:
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    action = window.menu_actions["register"]
    assert not action.isEnabled()
    action.trigger()
    console.open_register()
    assert console.register is not None
    assert console.register.window is None
    assert console.register.reminder is None
    # Were the window made anyway, the core refuses to read the register for an operator.
    refused = make_window(people["olle"])
    qtbot.waitUntil(lambda: refused.status.text() != "")
    assert "not allowed to read the surveillance register" in refused.status.text()
    assert refused.table.rowCount() == 0
    assert not refused.export_button.isEnabled()


def test_an_administrator_edits_an_entry_through_the_form(
    qtbot: QtBot,
    core: Core,
    site: dict[str, int],
    people: dict[str, Actor],
    make_window: MakeWindow,
    tmp_path: Path,
) -> None:
    window = loaded(qtbot, make_window, people["anna"])
    assert window.edit_button.isVisible()
    window.choose(site["Ryd"])
    form = window.edit()
    assert isinstance(form, EntryForm)
    assert form.lines["purpose"].text() == "Trygghet i centrum"
    for name, value in COMPLETE.items():
        if name in form.lines:
            form.lines[name].setText(str(value))
    form.lines["area"].setText("Entrén och torget")
    form.balancing.setPlainText(COMPLETE["balancing"])
    form.signage.setCurrentIndex(form.signage.findData(True))
    document = tmp_path / "beslut.pdf"
    document.write_bytes(b"%PDF-1.4 beslut\n")
    form.add_files([document])
    form.save_button.click()
    qtbot.waitUntil(lambda: window.form is None, timeout=5000)

    entry = core.register.entry(people["anna"], site["Ryd"])
    assert (entry.version, entry.complete, entry.updated_by) == (2, True, "anna")
    assert entry.fields["area"] == "Entrén och torget"
    assert entry.attachments[0].sha256 == hashlib.sha256(document.read_bytes()).hexdigest()
    # The new version shows at once, the newest first, with what changed.
    qtbot.waitUntil(lambda: "version 2 saved, complete" in window.status.text())

    def shows_version_2() -> bool:
        chosen = window.current()
        return chosen is not None and chosen.version == 2 and window.versions.rowCount() == 2

    qtbot.waitUntil(shows_version_2)
    assert window.versions.item(0, 0).text() == "2"
    assert window.versions.item(0, 2).text() == "anna"
    assert "Monitored area" in window.versions.item(0, 3).text()
    assert cell(window, row_of(window, "Ryd"), STATE) == "complete"
    # And the access log has the change, under the administrator's name.
    logged = [
        e
        for e in core.audit.entries(CLI, action="register.set")
        if e.target == f"camera:{site['Ryd']}"
    ]
    assert [(e.actor, e.details["version"], e.details["complete"]) for e in logged[:1]] == [
        ("anna", 2, True)
    ]


def test_a_refused_edit_says_why_and_keeps_what_was_typed(
    qtbot: QtBot,
    core: Core,
    site: dict[str, int],
    people: dict[str, Actor],
    make_window: MakeWindow,
) -> None:
    window = loaded(qtbot, make_window, people["anna"])
    window.choose(site["Torget"])
    form = window.edit()
    assert form is not None
    form.lines["purpose"].setText("Nytt ändamål, skrivet med omsorg")
    form.lines["review_date"].setText("nästa vår")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.error.text() != "", timeout=5000)
    assert form.error.text() == (
        "The field review_date is a date written as 2026-12-31, not “nästa vår”."
    )
    assert form.isVisible()
    assert form.save_button.isEnabled()
    assert form.lines["purpose"].text() == "Nytt ändamål, skrivet med omsorg"
    assert form.lines["review_date"].text() == "nästa vår"

    form.lines["review_date"].setText("2027-11-01")
    form.lines["retention_hours"].setText("200")
    form.save_button.click()
    qtbot.waitUntil(lambda: "justification" in form.error.text(), timeout=5000)
    assert form.lines["retention_hours"].text() == "200"
    assert form.lines["purpose"].text() == "Nytt ändamål, skrivet med omsorg"
    # Nothing was stored by either attempt.
    assert core.register.entry(people["anna"], site["Torget"]).version == 1
    form.reject()


def test_the_export_for_imy_runs_in_the_background_and_verifies(
    qtbot: QtBot,
    site: dict[str, int],
    people: dict[str, Actor],
    make_window: MakeWindow,
    tmp_path: Path,
) -> None:
    window = loaded(qtbot, make_window, people["ulla"])
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "annat.txt").write_text("not ours\n", encoding="utf-8")
    done: list[object] = []
    window.exported.connect(done.append)
    window.export_to(usb)
    # On a worker: the window goes on answering, the button waits for the outcome.
    assert window.exporting
    assert not window.export_button.isEnabled()
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    folder = usb / "register-2026-03-29"
    assert (usb / "annat.txt").exists()
    assert {p.name for p in folder.iterdir()} >= {"register.pdf", "register.csv", "verify.py"}
    assert f"python verify.py {folder}" in window.status.text()
    assert "4 cameras, 1 incomplete" in window.status.text()
    assert window.export_button.isEnabled()
    verified = subprocess.run(
        [sys.executable, str(folder / "verify.py"), str(folder)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK")
    # A second export into the same dated folder is refused in words, and nothing is lost.
    window.export_to(usb)
    qtbot.waitUntil(lambda: "not exported" in window.status.text(), timeout=20_000)
    assert "is not an empty folder" in window.status.text()
    assert window.status.property("state") == "bad"


# -- the reminder ----------------------------------------------------------------------------


def test_the_reminder_names_overdue_reviews_and_incomplete_entries_and_opens_the_register(
    qtbot: QtBot, make_console: MakeConsole, site: dict[str, int], people: dict[str, Actor]
) -> None:
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "sara")
    qtbot.waitUntil(window.register_note.isVisible, timeout=5000)
    assert window.register_note.text() == (
        "Surveillance register: 1 review(s) overdue, 1 entry(ies) incomplete"
    )
    assert window.statusBar().isAncestorOf(window.register_note)
    qtbot.mouseClick(window.register_note, Qt.MouseButton.LeftButton)
    desk = console.register
    assert desk is not None
    assert desk.window is not None
    qtbot.waitUntil(lambda: desk.window is not None and desk.window.table.rowCount() == 4)
    assert window.menu_actions["register"].shortcut().toString() == "Ctrl+Shift+R"
    desk.window.close()


def test_no_reminder_when_nothing_is_due_then_one_the_day_a_review_comes(
    qtbot: QtBot,
    make_console: MakeConsole,
    core: Core,
    clock: FakeClock,
    people: dict[str, Actor],
) -> None:
    torget = add(core, "Torget", "127.0.0.2", "Stora torget")
    # Due tomorrow (the fake clock stands at 2026-03-29 01:30 in Stockholm).
    core.register.set(CLI, torget, {**COMPLETE, "review_date": "2026-03-30"})
    console = make_console()
    console.register_check_s = 0.05
    console.start()
    window = log_in(qtbot, console, "ulla")
    desk = console.register
    assert desk is not None
    assert desk.reminder is not None
    reminder = desk.reminder
    qtbot.waitUntil(lambda: reminder.checked_on is not None, timeout=5000)
    assert reminder.note == ""
    assert window.register_note.isHidden()

    clock.advance(days=1)
    qtbot.waitUntil(window.register_note.isVisible, timeout=5000)
    assert window.register_note.text() == "Surveillance register: 1 review(s) overdue"
    assert str(reminder.checked_on) == "2026-03-30"

    # The administrator moves the review on: the note goes at once.
    core.register.amend(CLI, torget, {"review_date": "2027-03-30"})
    qtbot.waitUntil(window.register_note.isHidden, timeout=5000)


def test_the_reminder_in_swedish_counts_in_swedish(
    core: Core,
    site: dict[str, int],
    people: dict[str, Actor],
    runner: TaskRunner,
    translations: Translations,
) -> None:
    entries = {e.camera_name: e for e in core.register.entries(people["ulla"])}
    reminder = RegisterReminder(core.register, people["ulla"], runner)
    translations.install("sv")
    many = Reminder(date(2026, 3, 29), (entries["Torget"], entries["Berga"]), (entries["Ryd"],))
    assert reminder.text(many) == (
        "Registret över kamerabevakning: 2 omprövningar försenade, 1 post ofullständig"
    )
    one = Reminder(date(2026, 3, 29), (), (entries["Ryd"], entries["Berga"]))
    assert reminder.text(one) == "Registret över kamerabevakning: 2 poster ofullständiga"
    assert reminder.text(Reminder(date(2026, 3, 29), (), ())) == ""
    shiboken6.delete(reminder)


def test_the_register_window_hides_while_the_console_is_locked(
    qtbot: QtBot, make_console: MakeConsole, site: dict[str, int], people: dict[str, Actor]
) -> None:
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "ulla")
    window.menu_actions["register"].trigger()
    desk = console.register
    assert desk is not None
    register = desk.window
    assert register is not None
    qtbot.waitUntil(lambda: register.isVisible() and register.table.rowCount() == 4)
    window.menu_actions["lock"].trigger()
    assert window.locked
    assert not register.isVisible()
    # Locked, neither the menu nor the reminder opens it.
    console.open_register()
    assert not register.isVisible()
    unlock(qtbot, window)
    assert register.isVisible()
    assert desk.window is register
    register.close()
    qtbot.waitUntil(lambda: desk.window is None)
