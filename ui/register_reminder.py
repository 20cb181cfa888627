"""The register's reminder for those who read it (VIEW_REGISTER): when the console starts, once
a day while it runs, and after the register changes, a note for the status bar when reviews have
come due or entries in use are incomplete ("Surveillance register: 2 reviews overdue, 1 entry
incomplete"), or none. What is due is RegisterService.reminder's, on the injected clock; this
object only decides when to ask and words the answer."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, QTimer, Signal

from console.domain import Actor
from console.errors import KnownError
from console.events import Changed, ChangeKind
from console.register import RegisterService, Reminder
from ui.events import DomainEvents
from ui.i18n import error_text
from ui.tasks import TaskRunner

#: How often the date is looked at: the reminder is asked again when it has changed, so within
#: this long after midnight (a timer of a whole day would drift with suspend and summer time).
CHECK_INTERVAL_S = 15 * 60


class RegisterReminder(QObject):
    """Asks the register what is due and emits the note to show ("" for none)."""

    #: the note's text, "" when nothing is due
    note_changed = Signal(str)

    def __init__(
        self,
        register: RegisterService,
        actor: Actor,
        runner: TaskRunner,
        events: DomainEvents | None = None,
        parent: QObject | None = None,
        *,
        interval_s: float = CHECK_INTERVAL_S,
    ) -> None:
        super().__init__(parent)
        self._register, self._actor, self._runner = register, actor, runner
        #: the date of the last answer (None: not asked yet)
        self.checked_on: date | None = None
        self.note = ""
        #: the last question asked: only its answer counts (an earlier one may come later)
        self._asked = 0
        self._answered = 0
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(interval_s * 1000)))
        self._timer.timeout.connect(self._on_timer_timeout)
        if events is not None:
            events.changed.connect(self._on_events_changed)

    def start(self) -> None:
        self.check()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> None:
        register, actor = self._register, self._actor
        self._asked += 1
        asked = self._asked
        self._runner.run(
            lambda: register.reminder(actor),
            lambda reminder: self._on_answered(reminder, asked),
            lambda err: self._on_failed(err, asked),
            receiver=self,
        )

    def _on_timer_timeout(self) -> None:
        # Reading the clock is no I/O (the injected clock: tests move the day on). While a
        # question is out, its answer is awaited rather than asked again.
        if self._answered == self._asked and self._register.today() != self.checked_on:
            self.check()

    def _on_events_changed(self, changed: Changed) -> None:
        # An entry completed or a review date moved: the note follows at once.
        if changed.kind in (ChangeKind.REGISTER, ChangeKind.CAMERAS):
            self.check()

    def _on_answered(self, reminder: Reminder, asked: int) -> None:
        self._answered = max(self._answered, asked)
        if asked != self._asked:
            return  # a later question is out
        self.checked_on = reminder.today
        self._set(self.text(reminder))

    def _on_failed(self, err: KnownError, asked: int) -> None:
        self._answered = max(self._answered, asked)
        if asked != self._asked:
            return
        # The register could not be read now (a locked database, say): said in the note rather
        # than hidden, and asked again at the next look at the date.
        self.checked_on = None
        self._set(self.tr("Surveillance register: %1").replace("%1", error_text(err)))

    def text(self, reminder: Reminder) -> str:
        if not reminder.due:
            return ""
        parts = []
        if reminder.overdue:
            parts.append(self.tr("%n review(s) overdue", "", len(reminder.overdue)))
        if reminder.incomplete:
            parts.append(self.tr("%n entry(ies) incomplete", "", len(reminder.incomplete)))
        return self.tr("Surveillance register: %1").replace("%1", ", ".join(parts))

    def _set(self, note: str) -> None:
        if note != self.note:
            self.note = note
            self.note_changed.emit(note)
