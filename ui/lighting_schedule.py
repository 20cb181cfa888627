"""The schedule editor of a lighting zone (supervisors): the night's and the day's level, when
the night begins and ends, time-of-day windows, with the plan of a day previewed as it is
edited. The service checks the permission and keeps the zone's calendar and location."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.clock import Clock
from console.domain import Actor
from console.errors import InternalError, KnownError
from console.lighting.schedule import Program, Schedule, SunEvent, TimedLevel, parse_window
from console.lighting.service import LightingService, Zone
from console.localtime import LOCAL_ZONE
from ui.i18n import error_text
from ui.lighting_chart import PlanChart
from ui.tasks import TaskRunner


class ScheduleEditor(QDialog):
    """Edits one zone's program; saved through the service on a worker."""

    #: the console.lighting.service.Zone as saved
    saved = Signal(object)

    def __init__(
        self,
        service: LightingService,
        zone: Zone,
        actor: Actor,
        runner: TaskRunner,
        clock: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lighting_schedule_editor")
        self.setWindowTitle(self.tr("Schedule of %1").replace("%1", zone.name))
        self._service = service
        self._zone = zone
        self._actor = actor
        self._runner = runner
        program = zone.schedule.program
        self.night_level = _level_box(program.night_level)
        self.day_level = _level_box(program.day_level)
        self.on_at = QComboBox()
        self.on_at.addItem(self.tr("at sunset"), SunEvent.SUNSET)
        self.on_at.addItem(self.tr("at dusk (civil)"), SunEvent.DUSK)
        self.on_at.setCurrentIndex(self.on_at.findData(program.on_at))
        self.off_at = QComboBox()
        self.off_at.addItem(self.tr("at sunrise"), SunEvent.SUNRISE)
        self.off_at.addItem(self.tr("at dawn (civil)"), SunEvent.DAWN)
        self.off_at.setCurrentIndex(self.off_at.findData(program.off_at))
        self.windows = QPlainTextEdit("\n".join(_window_line(w) for w in program.windows))
        self.windows.setPlaceholderText(self.tr("e.g. 01:00-05:00 mon-fri 50"))
        self.windows.setToolTip(
            self.tr(
                "One time-of-day level a line, within the night: start-end, the weekdays "
                "(mon-fri, sat,sun; all when left out) and the level in percent. A later line "
                "wins where two overlap."
            )
        )
        self.windows.setFixedHeight(80)
        today = clock.now().astimezone(LOCAL_ZONE).date()
        self.preview_day = QDateEdit(QDate(today.year, today.month, today.day))
        self.preview_day.setCalendarPopup(True)
        self.preview_day.setDisplayFormat("yyyy-MM-dd")
        self.chart = PlanChart()
        self.steps = QLabel()
        self.steps.setObjectName("lighting_schedule_steps")
        self.steps.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("lighting_schedule_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d9534f;")
        form = QFormLayout()
        form.addRow(self.tr("Level at night"), self.night_level)
        form.addRow(self.tr("Level by day"), self.day_level)
        form.addRow(self.tr("On"), self.on_at)
        form.addRow(self.tr("Off"), self.off_at)
        form.addRow(self.tr("Time-of-day levels"), self.windows)
        form.addRow(self.tr("Preview of"), self.preview_day)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.chart)
        layout.addWidget(self.steps)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for spin in (self.night_level, self.day_level):
            spin.valueChanged.connect(self._on_edited)
        for combo in (self.on_at, self.off_at):
            combo.currentIndexChanged.connect(self._on_edited)
        self.windows.textChanged.connect(self._on_edited)
        self.preview_day.dateChanged.connect(self._on_edited)
        self._on_edited()

    def schedule(self) -> Schedule:
        """The schedule as edited (raises InvalidInput for a line that is not a window)."""
        lines = [line for line in self.windows.toPlainText().splitlines() if line.strip()]
        program = Program(
            night_level=self.night_level.value(),
            day_level=self.day_level.value(),
            on_at=SunEvent(self.on_at.currentData()),
            off_at=SunEvent(self.off_at.currentData()),
            windows=tuple(parse_window(line) for line in lines),
        )
        return Schedule(program, self._zone.schedule.calendar, self._zone.schedule.location)

    def _on_edited(self, *_args: object) -> None:
        """The preview follows every edit; a line that is not understood says why."""
        try:
            schedule = self.schedule()
        except KnownError as err:
            self.error.setText(error_text(err))
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return
        self.error.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        picked = self.preview_day.date()
        day = date(picked.year(), picked.month(), picked.day())
        steps = schedule.plan(day)
        start = steps[0].start
        end = schedule.plan(day + timedelta(days=1))[0].start
        self.chart.set_plan(steps, start, end, schedule.sun_between(start, end))
        self.steps.setText(
            "  ".join(f"{step.start.astimezone(LOCAL_ZONE):%H:%M} {step.level} %" for step in steps)
        )

    def _on_buttons_accepted(self) -> None:
        try:
            schedule = self.schedule()
        except KnownError as err:
            self.error.setText(error_text(err))
            return
        self.buttons.setEnabled(False)
        zone, actor, service = self._zone, self._actor, self._service
        (
            self._runner.job(
                lambda _control: service.set_schedule(actor, zone, schedule), receiver=self
            )
            .success(self._on_saved)
            .failure(self._on_failed)
            .run()
        )

    def _on_saved(self, zone: Zone) -> None:
        self.saved.emit(zone)
        self.accept()

    def _on_failed(self, err: Exception) -> None:
        self.buttons.setEnabled(True)
        # A bug has been logged with its trace by the runner; the editor says only that it failed.
        self.error.setText(error_text(err if isinstance(err, KnownError) else InternalError()))


def _level_box(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 100)
    box.setSuffix(" %")
    box.setValue(value)
    return box


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _window_line(window: TimedLevel) -> str:
    """A window as it is typed: "01:00-05:00 mon-fri 50" (runs of three days or more as a
    range; no days for every day)."""
    days = sorted(window.weekdays)
    parts: list[str] = []
    run: list[int] = []
    for day in [*days, None]:
        if day is not None and (not run or day == run[-1] + 1):
            run.append(day)
            continue
        if len(run) >= 3:
            parts.append(f"{_DAY_NAMES[run[0]]}-{_DAY_NAMES[run[-1]]}")
        else:
            parts.extend(_DAY_NAMES[d] for d in run)
        run = [] if day is None else [day]
    on = "" if len(days) == 7 else " " + ",".join(parts)
    return f"{window.start:%H:%M}-{window.end:%H:%M}{on} {window.level}"
