"""The surveillance register in a main window: its window (one at a time, hidden while the
console is locked) and, for the roles that read the register, the reminder in the status bar.
One RegisterDesk per main window; it goes with the window."""

from __future__ import annotations

from PySide6.QtCore import QObject

from console.app import Core
from console.domain import Actor, Permission, User
from console.policy import can
from ui.events import DomainEvents
from ui.main_window import MainWindow
from ui.register import RegisterWindow
from ui.register_reminder import CHECK_INTERVAL_S, RegisterReminder
from ui.tasks import TaskRunner


class RegisterDesk(QObject):
    """Opens the register's window for the main window's user and keeps its reminder."""

    def __init__(
        self,
        core: Core,
        user: User,
        main_window: MainWindow,
        runner: TaskRunner,
        events: DomainEvents,
        *,
        check_interval_s: float = CHECK_INTERVAL_S,
    ) -> None:
        super().__init__(main_window)
        self._core, self._runner, self._events = core, runner, events
        self._main_window = main_window
        self._user = user
        self.window: RegisterWindow | None = None
        #: the window was open when the console locked; it comes back on unlocking
        self._hidden = False
        self.reminder: RegisterReminder | None = None
        if can(user, Permission.VIEW_REGISTER):
            reminder = RegisterReminder(
                core.register,
                Actor.of(user),
                runner,
                events,
                self,
                interval_s=check_interval_s,
            )
            reminder.note_changed.connect(main_window.show_register_note)
            self.reminder = reminder
            reminder.start()

    def open(self) -> RegisterWindow | None:
        """The register's window, raised if it is open. Not for the roles without
        VIEW_REGISTER (a convenience: the service refuses them anyway)."""
        main = self._main_window
        if main.locked or not can(self._user, Permission.VIEW_REGISTER):
            return None
        window = self.window
        if window is None:
            core = self._core
            window = RegisterWindow(
                core.register,
                core.audit,
                Actor.of(self._user),
                self._runner,
                core.clock,
                self._events,
                main,
            )
            window.finished.connect(self._on_window_finished)
            self.window = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _on_window_finished(self, _result: int) -> None:
        window = self.window
        self.window = None
        self._hidden = False
        if window is not None:
            window.deleteLater()

    def hide_for_lock(self) -> None:
        """A window of its own that the lock screen cannot cover: hidden while locked."""
        window = self.window
        if window is not None and window.isVisible():
            window.hide()
            self._hidden = True

    def show_after_unlock(self) -> None:
        window = self.window
        if window is not None and self._hidden:
            window.show()
        self._hidden = False

    def stop(self) -> None:
        """The main window goes: the reminder asks no more."""
        if self.reminder is not None:
            self.reminder.stop()
