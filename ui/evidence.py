"""Evidence locks for supervisors: keep cameras × a time range from any purge, with a reason, a
case number and an expiry; list the locks in force and lift one (with a reason). Every lock and
lift is written to the access log by the core (console/recording/archive.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.cameras import Camera
from console.clock import Clock
from console.domain import Actor, Permission
from console.errors import KnownError
from console.localtime import format_moment, parse_local_time
from console.policy import can
from console.recording.archive import EvidenceLock, RecordingService
from ui.forms import camera_checklist, error_label
from ui.i18n import error_text
from ui.tasks import TaskRunner

#: How long a new lock lasts unless the supervisor says otherwise (a case's first months).
DEFAULT_EXPIRY_DAYS = 180


def _time_field(moment: datetime) -> QLineEdit:
    edit = QLineEdit(format_moment(moment))
    edit.setPlaceholderText("2026-10-25 14:30")
    return edit


class EvidenceLockDialog(QDialog):
    """A new lock: cameras, from, to, reason, case number, days until it expires."""

    #: (cameras, start, end, reason, case number, expires at) once the input is valid
    submitted = Signal(object)

    def __init__(
        self,
        cameras: Sequence[Camera],
        start: datetime,
        end: datetime,
        now: datetime,
        *,
        chosen: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_lock_dialog")
        self.setWindowTitle(self.tr("Lock evidence"))
        self._now = now
        self.cameras = camera_checklist(cameras, chosen, data=lambda camera: camera)
        self.start = _time_field(start)
        self.start.setObjectName("start")
        self.end = _time_field(end)
        self.end.setObjectName("end")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.case_number = QLineEdit()
        self.case_number.setObjectName("case_number")
        self.case_number.setPlaceholderText("5000-K12345-26")
        self.days = QSpinBox()
        self.days.setObjectName("days")
        self.days.setRange(1, 3650)
        self.days.setValue(DEFAULT_EXPIRY_DAYS)
        self.days.setSuffix(self.tr(" days"))
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("&Cameras"), self.cameras)
        form.addRow(self.tr("&From (Stockholm time)"), self.start)
        form.addRow(self.tr("&To (Stockholm time)"), self.end)
        form.addRow(self.tr("&Reason"), self.reason)
        form.addRow(self.tr("Case &number"), self.case_number)
        form.addRow(self.tr("&Expires after"), self.days)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Lock"))
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "Locked recordings are kept whatever the cameras' retention, until the lock "
                "expires or is lifted. The lock is written to the access log."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen_cameras(self) -> list[Camera]:
        chosen = []
        for row in range(self.cameras.count()):
            item = self.cameras.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(Qt.ItemDataRole.UserRole))
        return chosen

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def _moment(self, edit: QLineEdit) -> datetime:
        candidates = parse_local_time(edit.text(), self._now)
        if len(candidates) > 1:
            # The repeated October hour: the wider choice for a lock (earlier start, later end).
            return candidates[0] if edit is self.start else candidates[-1]
        return candidates[0]

    def _on_accept(self) -> None:
        try:
            start, end = self._moment(self.start), self._moment(self.end)
        except KnownError as err:
            self.show_error(error_text(err))
            return
        expires = self._now + timedelta(days=self.days.value())
        self.submitted.emit(
            (
                self.chosen_cameras(),
                start,
                end,
                self.reason.text(),
                self.case_number.text(),
                expires,
            )
        )


class EvidenceLocksDialog(QDialog):
    """The locks in force, a new lock, lifting one, an export of one's range."""

    COLUMNS = 6

    #: an EvidenceLock whose cameras and range an export request should cover
    export_requested = Signal(object)

    def __init__(
        self,
        recordings: RecordingService,
        cameras: Sequence[Camera],
        actor: Actor,
        runner: TaskRunner,
        clock: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_locks_dialog")
        self.setWindowTitle(self.tr("Evidence locks"))
        self.resize(900, 400)
        self._recordings = recordings
        self._cameras = [c for c in cameras if can(actor, Permission.EVIDENCE_LOCK, c.area_id)]
        self._actor = actor
        self._runner = runner
        self._clock = clock
        self.lock_dialog: EvidenceLockDialog | None = None
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("locks")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Case"),
                self.tr("Cameras"),
                self.tr("From"),
                self.tr("To"),
                self.tr("Expires"),
                self.tr("Reason, by"),
            ]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.status = QLabel()
        self.status.setObjectName("status")
        new = QPushButton(self.tr("&New lock…"))
        new.setObjectName("new_lock")
        new.clicked.connect(lambda: self.open_new())
        lift = QPushButton(self.tr("&Lift…"))
        lift.setObjectName("lift_lock")
        lift.clicked.connect(self._on_lift_clicked)
        export = QPushButton(self.tr("Request e&xport…"))
        export.setObjectName("export_lock")
        export.clicked.connect(self._on_export_clicked)
        export.setVisible(can(actor, Permission.EXPORT_REQUEST))
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(lift)
        buttons.addWidget(export)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._locks: list[EvidenceLock] = []
        self.reload()

    def reload(self) -> None:
        self._runner.run(self._recordings.locks, self._show, self._show_error, receiver=self)

    def _show(self, locks: list[EvidenceLock]) -> None:
        names = {c.id: c.name for c in self._cameras}
        self._locks = locks
        self.table.setRowCount(len(locks))
        for row, lock in enumerate(locks):
            cells = (
                lock.case_number,
                ", ".join(names.get(cid, f"#{cid}") for cid in sorted(lock.camera_ids)),
                format_moment(lock.start),
                format_moment(lock.end),
                format_moment(lock.expires_at, seconds=False),
                f"{lock.reason} ({lock.created_by})",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("%n lock(s) in force", "", len(locks)))

    def _show_error(self, err: KnownError) -> None:
        self.status.setText(error_text(err))

    def open_new(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        chosen: Sequence[int] = (),
    ) -> EvidenceLockDialog:
        now = self._clock.now()
        dialog = EvidenceLockDialog(
            self._cameras,
            start or now - timedelta(hours=1),
            end or now,
            now,
            chosen=chosen,
            parent=self,
        )
        dialog.submitted.connect(self._on_lock_submitted)
        self.lock_dialog = dialog
        dialog.open()
        return dialog

    def _on_lock_submitted(self, values: tuple[object, ...]) -> None:
        dialog = self.lock_dialog
        assert dialog is not None
        cameras, start, end, reason, case_number, expires = values

        def lock() -> EvidenceLock:
            return self._recordings.lock_evidence(
                self._actor,
                cameras,  # type: ignore[arg-type]
                start,  # type: ignore[arg-type]
                end,  # type: ignore[arg-type]
                reason=str(reason),
                case_number=str(case_number),
                expires_at=expires,  # type: ignore[arg-type]
            )

        def done(made: EvidenceLock) -> None:
            dialog.accept()
            self.lock_dialog = None
            self.reload()

        self._runner.run(
            lock, done, lambda err: dialog.show_error(error_text(err)), receiver=dialog
        )

    def _on_export_clicked(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._locks):
            self.status.setText(self.tr("Choose the lock whose recordings to export."))
            return
        self.export_requested.emit(self._locks[row])

    def _on_lift_clicked(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._locks):
            self.status.setText(self.tr("Choose the lock to lift."))
            return
        lock = self._locks[row]
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Lift evidence lock"),
            self.tr("Why is the lock of case %1 lifted?").replace("%1", lock.case_number),
        )
        if ok:
            self.lift(lock, reason)

    def lift(self, lock: EvidenceLock, reason: str) -> None:
        self._runner.run(
            lambda: self._recordings.lift_lock(self._actor, lock.id, reason, self._cameras),
            lambda _none: self.reload(),
            self._show_error,
            receiver=self,
        )
