"""The console's shell under pytest-qt: first run, login, lockout, lock, users, languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from console.app import Core
from console.domain import Actor, Role
from tests.conftest import PASSWORD
from tests.ui.conftest import distinct_colours, mean_luminance
from ui.main_window import MainWindow
from ui.sites_panel import SitesModel
from ui.users_dialog import UserEditDialog, UsersDialog
from ui.wiring.session import Console

CLI = Actor.os_account("root")
MakeConsole = Callable[..., Console]


def click_default(qtbot: QtBot, dialog: QWidget, name: str) -> None:
    button = dialog.findChild(QWidget, name)
    assert button is not None, name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def log_in(qtbot: QtBot, console: Console, name: str, password: str = PASSWORD) -> MainWindow:
    qtbot.waitUntil(lambda: console.login_dialog is not None and console.login_dialog.isVisible())
    dialog = console.login_dialog
    assert dialog is not None
    dialog.name.setText(name)
    dialog.password.setText(password)
    click_default(qtbot, dialog, "login")
    qtbot.waitUntil(lambda: console.main_window is not None and console.main_window.isVisible())
    assert console.main_window is not None
    return console.main_window


def unlock(qtbot: QtBot, window: MainWindow, password: str = PASSWORD) -> None:
    """Unlock `window`'s lock screen with `password`, as its user would."""
    lock = window.lock_screen
    assert lock is not None
    lock.password.setText(password)
    qtbot.mouseClick(lock.unlock, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.locked, timeout=5000)


def tree(model: SitesModel) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in range(model.rowCount()):
        area = model.item(row)
        out[area.text()] = [area.child(i).text() for i in range(area.rowCount())]
    return out


def test_first_run_creates_the_administrator_then_logs_in(
    qtbot: QtBot, make_console: MakeConsole, core: Core
) -> None:
    console = make_console()
    console.start()
    qtbot.waitUntil(lambda: console.first_admin_dialog is not None)
    dialog = console.first_admin_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert console.login_dialog is None
    picture = dialog.grab().toImage()
    assert distinct_colours(picture) > 3
    assert mean_luminance(picture) < 90, "the default theme is dark"

    dialog.name.setText("anna")
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD + "x")
    click_default(qtbot, dialog, "create")
    assert "differ" in dialog.error.text()
    assert not core.users.has_administrator()

    dialog.password.setText("short")
    dialog.repeat.setText("short")
    click_default(qtbot, dialog, "create")
    qtbot.waitUntil(lambda: "at least 10" in dialog.error.text())
    assert not core.users.has_administrator()

    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    click_default(qtbot, dialog, "create")
    qtbot.waitUntil(lambda: console.login_dialog is not None)
    assert core.users.has_administrator()
    login = console.login_dialog
    assert login is not None
    assert login.name.text() == "anna"

    window = log_in(qtbot, console, "anna")
    assert window.windowTitle() == "Utkik – anna"
    assert window.user_label.text() == "Logged in as anna (Administrator)"
    qtbot.waitUntil(lambda: window.sites.model.rowCount() == 6)
    assert tree(window.sites.model) == {
        "City": ["Stora torget", "Trädgårdstorget"],
        "Berga": ["Berga centrum"],
        "Skäggetorp": ["Skäggetorp centrum"],
        "Ryd": ["Ryds centrum"],
        "Resecentrum": ["Resecentrum"],
        "Hållplatser": [],
    }
    shot = window.grab().toImage()
    assert distinct_colours(shot) > 5
    assert window.menu_actions["users"].isEnabled()


def test_with_an_administrator_the_login_is_shown(
    qtbot: QtBot, make_console: MakeConsole, core: Core
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    qtbot.waitUntil(lambda: console.login_dialog is not None and console.login_dialog.isVisible())
    assert console.first_admin_dialog is None
    assert distinct_colours(console.login_dialog.grab().toImage()) > 3


def test_wrong_passwords_lock_the_account(
    qtbot: QtBot, make_console: MakeConsole, core: Core
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    qtbot.waitUntil(lambda: console.login_dialog is not None and console.login_dialog.isVisible())
    dialog = console.login_dialog
    assert dialog is not None
    for attempt in range(5):
        dialog.name.setText("anna")
        dialog.password.setText(f"wrong password {attempt}")
        click_default(qtbot, dialog, "login")
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and dialog.error.isVisible())
    assert "locked for 5 min" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    click_default(qtbot, dialog, "login")
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled())
    assert "locked" in dialog.error.text()
    assert console.main_window is None


def test_idle_lock_hides_everything_and_needs_the_password(
    qtbot: QtBot, make_console: MakeConsole, core: Core
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    qtbot.waitUntil(lambda: window.sites.model.rowCount() == 6)
    # The configured idle time is read at login, on a worker: it must not land after the
    # test's shorter one.
    qtbot.waitUntil(lambda: console.runner.pending == 0)
    before = window.grab().toImage()
    console.idle.set_interval_ms(150)
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    lock = window.lock_screen
    assert lock is not None
    assert lock.isVisible()
    assert lock.geometry() == window.rect()
    shot = window.grab().toImage()
    # The tree, docks and video area are covered: the picture is nearly black and changed.
    assert mean_luminance(shot) < 15
    assert shot != before
    assert not window.menu_actions["lock"].isEnabled()

    lock.password.setText("wrong password!")
    qtbot.mouseClick(lock.unlock, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Wrong user name or password" in lock.error.text())
    assert window.locked

    lock.password.setText(PASSWORD)
    qtbot.mouseClick(lock.unlock, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.locked)
    assert window.menu_actions["lock"].isEnabled()


def test_lock_shortcut_and_switch_user(qtbot: QtBot, make_console: MakeConsole, core: Core) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    core.users.add(CLI, "sara", Role.SUPERVISOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "anna")
    window.menu_actions["lock"].trigger()
    assert window.locked
    lock = window.lock_screen
    assert lock is not None
    qtbot.mouseClick(lock.switch, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.login_dialog is not None and console.login_dialog.isVisible())
    assert console.main_window is None
    window = log_in(qtbot, console, "sara")
    assert window.user_label.text() == "Logged in as sara (Supervisor)"
    assert not window.menu_actions["users"].isEnabled()


def test_area_limited_user_sees_other_areas_without_permission(
    qtbot: QtBot, make_console: MakeConsole, core: Core
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD, core.sites.resolve_areas(["Berga"]))
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    model = window.sites.model
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    enabled = {model.item(r).text(): model.item(r).isEnabled() for r in range(model.rowCount())}
    assert enabled == {
        "City": False,
        "Berga": True,
        "Skäggetorp": False,
        "Ryd": False,
        "Resecentrum": False,
        "Hållplatser": False,
    }
    assert model.item(0).toolTip() == "No permission for this area"


def test_swedish_everywhere(
    qtbot: QtBot, make_console: MakeConsole, core: Core, qapp: QApplication
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "anna")
    window.menu_actions["language_sv"].trigger()
    qtbot.waitUntil(lambda: console.main_window is not None and console.main_window is not window)
    swedish = console.main_window
    assert swedish is not None
    menus = [a.text() for a in swedish.menuBar().actions()]
    assert menus == ["&Konsol", "&Visa", "&Administration"]
    assert swedish.user_label.text() == "Inloggad som anna (Administratör)"
    assert swedish.docks["sites"].windowTitle() == "Platser och kameror"
    assert swedish.menu_actions["language_sv"].isChecked()
    assert console.ui_settings.value("language") == "sv"


def test_light_theme(
    qtbot: QtBot, make_console: MakeConsole, core: Core, qapp: QApplication
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "anna")
    dark = qapp.palette().color(QPalette.ColorRole.Window).lightness()
    window.menu_actions["theme_light"].trigger()
    light = qapp.palette().color(QPalette.ColorRole.Window).lightness()
    assert dark < 60 < light
    assert console.ui_settings.value("theme") == "light"


class _Prefilled(UserEditDialog):
    """The edit dialog as a person fills it in; exec() answers at once."""

    values: ClassVar[dict[str, object]] = {}

    def exec(self) -> int:
        if self.name.isReadOnly() is False:
            self.name.setText(str(self.values["name"]))
            self.password.setText(str(self.values["password"]))
            self.repeat.setText(str(self.values["password"]))
        role = self.values["role"]
        assert isinstance(role, Role)
        self.role.setCurrentIndex(self.role.findData(role.value))
        areas = self.values["areas"]
        assert isinstance(areas, set)
        self.all_areas.setChecked(not areas)
        for i in range(self.areas.count()):
            item = self.areas.item(i)
            item.setCheckState(
                Qt.CheckState.Checked if item.text() in areas else Qt.CheckState.Unchecked
            )
        return QDialog.DialogCode.Accepted.value


def test_user_management(qtbot: QtBot, make_console: MakeConsole, core: Core) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "anna")
    qtbot.waitUntil(lambda: window.sites.model.rowCount() == 6)
    admin = Actor.of(core.users.authenticate("anna", PASSWORD))
    dialog = UsersDialog(
        core.users, core.sites.areas(), admin, console.runner, window, edit_dialog=_Prefilled
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)

    _Prefilled.values = {
        "name": "olle",
        "password": PASSWORD,
        "role": Role.OPERATOR,
        "areas": {"Berga", "Ryd"},
    }
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    olle = core.users.get(admin, "olle")
    assert olle.role is Role.OPERATOR
    assert olle.areas == core.sites.resolve_areas(["Berga", "Ryd"])
    assert dialog.table.item(1, 1).text() == "Operator"
    assert dialog.table.item(1, 2).text() == "Berga, Ryd"

    dialog.select("olle")
    _Prefilled.values = {**_Prefilled.values, "role": Role.SUPERVISOR, "areas": set()}
    dialog.edit_button.click()
    qtbot.waitUntil(lambda: dialog.table.item(1, 1).text() == "Supervisor")
    assert core.users.get(admin, "olle").areas == frozenset()

    dialog.select("olle")
    dialog.disable_button.click()
    qtbot.waitUntil(lambda: dialog.table.item(1, 3).text() == "Disabled")
    assert core.users.get(admin, "olle").disabled

    # The service refuses what the policy forbids, and the dialog says why.
    dialog.select("anna")
    dialog.disable_button.click()
    qtbot.waitUntil(lambda: "own account" in dialog.status.text())
    assert not core.users.get(admin, "anna").disabled


def test_floating_panels_hide_while_locked(
    qtbot: QtBot, make_console: MakeConsole, core: Core
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "anna")
    sites = window.docks["sites"]
    sites.setFloating(True)
    sites.show()
    qtbot.waitUntil(sites.isVisible)
    console.lock()
    assert not sites.isVisible()
    unlock(qtbot, window)
    assert sites.isVisible()


def test_closing_the_main_window_quits(
    qtbot: QtBot, make_console: MakeConsole, core: Core, qapp: QApplication
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "anna")
    window.resize(900, 600)
    with qtbot.waitSignal(console.finished, timeout=3000):
        window.menu_actions["quit"].trigger()
    assert console.main_window is None
    assert console.ui_settings.value("main_window/geometry") is not None


def test_quitting_the_login_finishes(qtbot: QtBot, make_console: MakeConsole, core: Core) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    console = make_console()
    console.start()
    qtbot.waitUntil(lambda: console.login_dialog is not None and console.login_dialog.isVisible())
    assert console.login_dialog is not None
    with qtbot.waitSignal(console.finished, timeout=3000):
        console.login_dialog.reject()


def test_the_status_bar_says_sensors_need_a_broker_when_the_console_runs_its_own(
    qtbot: QtBot, make_console: MakeConsole, core: Core
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    core.users.add(CLI, "siv", Role.SUPERVISOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "siv")
    assert "mqtt.broker" not in window.recording_label.text()
    console.alarm_broker_started(True)
    assert "sensors at the sites need an MQTT broker set" in window.recording_label.text()
    console.alarm_broker_started(False)
    assert "mqtt.broker" not in window.recording_label.text()
