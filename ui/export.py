"""Evidence export in the console: requests, four-eyes approval and producing the package.

The dialogs only gather input and show results; who may do what, the access log, expiry and the
evidence lock are the core's (console/export/requests.py). Approval happens in an "Approve as…"
dialog in which the second supervisor types their own name and password at this workstation;
production runs as a background job with progress per camera and a Cancel button.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.cameras import Camera
from console.clock import Clock
from console.domain import Actor
from console.errors import KnownError
from console.events import Changed, ChangeKind
from console.export.order import ExportProgress, PackageProducer, PackageReceipt
from console.export.requests import CameraCoverage, ExportRequest, ExportService, RequestState
from console.export.times import parse_export_time
from console.localtime import format_moment
from console.users import UserService
from ui.events import DomainEvents
from ui.forms import camera_checklist, error_label
from ui.i18n import error_text
from ui.tasks import JobControl, JobHandle, TaskRunner


@dataclass(frozen=True, slots=True)
class RequestInput:
    """What the request dialog gathered; the core checks it."""

    camera_ids: tuple[int, ...]
    start: datetime
    end: datetime
    reason: str
    case_number: str
    recipient: str
    note: str


class ExportRequestDialog(QDialog):
    """A new request: cameras, from, to, reason, case number, recipient, note, and what each
    camera recorded in the range before it is sent."""

    #: (camera ids, start, end) when the supervisor asks what is recorded
    preview_requested = Signal(object)
    #: a RequestInput once the times are understood
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
        self.setObjectName("export_request_dialog")
        self.setWindowTitle(self.tr("Request an export"))
        self._now = now
        self.cameras = camera_checklist(cameras, chosen)
        self.start = QLineEdit(format_moment(start))
        self.start.setObjectName("start")
        self.end = QLineEdit(format_moment(end))
        self.end.setObjectName("end")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.case_number = QLineEdit()
        self.case_number.setObjectName("case_number")
        self.case_number.setPlaceholderText("Polisen 5000-K123456-26")
        self.recipient = QLineEdit()
        self.recipient.setObjectName("recipient")
        self.recipient.setPlaceholderText(self.tr("Authority and officer"))
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.coverage = QTableWidget(0, 3)
        self.coverage.setObjectName("coverage")
        self.coverage.setHorizontalHeaderLabels(
            [self.tr("Camera"), self.tr("Recorded"), self.tr("Not recorded")]
        )
        self.coverage.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("&Cameras"), self.cameras)
        form.addRow(self.tr("&From (Stockholm time)"), self.start)
        form.addRow(self.tr("&To (Stockholm time)"), self.end)
        form.addRow(self.tr("&Reason"), self.reason)
        form.addRow(self.tr("Case &number"), self.case_number)
        form.addRow(self.tr("Reci&pient"), self.recipient)
        form.addRow(self.tr("N&ote"), self.note)
        preview = QPushButton(self.tr("&Show what is recorded"))
        preview.setObjectName("preview")
        preview.clicked.connect(self._on_preview_clicked)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Send request"))
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        note = QLabel(
            self.tr(
                "Another supervisor approves the request before the package can be made. "
                "Until then the recordings are kept from deletion. The request is written to "
                "the access log."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(preview)
        layout.addWidget(self.coverage)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen_ids(self) -> tuple[int, ...]:
        return tuple(
            int(self.cameras.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.cameras.count())
            if self.cameras.item(row).checkState() == Qt.CheckState.Checked
        )

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def show_coverage(self, coverage: Sequence[CameraCoverage]) -> None:
        self.error.clear()
        self.coverage.setRowCount(len(coverage))
        for row, camera in enumerate(coverage):
            gaps = "\n".join(
                f"{format_moment(first)} – {format_moment(last)}" for first, last in camera.gaps
            )
            cells = (
                camera.name,
                self.tr("%1 s").replace("%1", f"{camera.recorded_seconds:.0f}"),
                gaps or self.tr("none"),
            )
            for column, text in enumerate(cells):
                self.coverage.setItem(row, column, QTableWidgetItem(text))
        self.coverage.resizeColumnsToContents()
        self.coverage.resizeRowsToContents()

    def _times(self) -> tuple[datetime, datetime]:
        return parse_export_time(self.start.text(), self._now), parse_export_time(
            self.end.text(), self._now
        )

    def _on_preview_clicked(self) -> None:
        try:
            start, end = self._times()
        except KnownError as err:
            self.show_error(error_text(err))
            return
        self.preview_requested.emit((self.chosen_ids(), start, end))

    def _on_accept(self) -> None:
        try:
            start, end = self._times()
        except KnownError as err:
            self.show_error(error_text(err))
            return
        self.submitted.emit(
            RequestInput(
                self.chosen_ids(),
                start,
                end,
                self.reason.text(),
                self.case_number.text(),
                self.recipient.text(),
                self.note.text(),
            )
        )


class ApproveAsDialog(QDialog):
    """The approving supervisor types their own name and password here, at this workstation."""

    #: (name, password)
    submitted = Signal(object)

    def __init__(self, request: ExportRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("approve_as_dialog")
        self.setWindowTitle(self.tr("Approve as…"))
        summary = QLabel(
            self.tr("Approve export %1 of case %2, requested by %3, for %4?")
            .replace("%1", str(request.id))
            .replace("%2", request.case_number)
            .replace("%3", request.requester)
            .replace("%4", request.recipient)
        )
        summary.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("Your &name"), self.name)
        form.addRow(self.tr("Your &password"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Approve"))
        buttons.accepted.connect(
            lambda: self.submitted.emit((self.name.text(), self.password.text()))
        )
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, text: str) -> None:
        self.password.clear()
        self.error.setText(text)


class ExportRequestsDialog(QDialog):
    """The export requests: new, approve as another supervisor, reject, produce the package."""

    COLUMNS = 9

    def __init__(
        self,
        exports: ExportService,
        users: UserService,
        cameras: Sequence[Camera],
        actor: Actor,
        runner: TaskRunner,
        clock: Clock,
        producer: Callable[[], PackageProducer],
        events: DomainEvents | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("export_requests_dialog")
        self.setWindowTitle(self.tr("Export requests"))
        self.resize(1000, 450)
        self._exports = exports
        self._users = users
        self._cameras = list(cameras)
        self._actor = actor
        self._runner = runner
        self._clock = clock
        self._producer = producer
        self.request_dialog: ExportRequestDialog | None = None
        self.approve_dialog: ApproveAsDialog | None = None
        self.production: JobHandle[PackageReceipt] | None = None
        #: the producer's latest report, set on the worker and read on the GUI thread when the
        #: job's progress signal arrives (one reference assigned whole: no lock needed)
        self._latest: ExportProgress | None = None
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("requests")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("No."),
                self.tr("State"),
                self.tr("Requested by"),
                self.tr("Approved by"),
                self.tr("Cameras"),
                self.tr("From"),
                self.tr("To"),
                self.tr("Case"),
                self.tr("Expires"),
            ]
        )
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.hide()
        self.receipt = QLabel()
        self.receipt.setObjectName("receipt")
        self.receipt.setWordWrap(True)
        self.receipt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.make_zip = QCheckBox(self.tr("Also a &ZIP file"))
        self.make_zip.setObjectName("make_zip")
        self.keep_lock = QCheckBox(self.tr("&Keep the evidence lock"))
        self.keep_lock.setObjectName("keep_lock")
        self.cancel_button = QPushButton(self.tr("&Cancel production"))
        self.cancel_button.setObjectName("cancel_production")
        self.cancel_button.clicked.connect(self.cancel_production)
        self.cancel_button.hide()
        buttons = QHBoxLayout()
        for name, text, slot in (
            ("new_request", self.tr("&New request…"), lambda: self.open_new()),
            ("approve_as", self.tr("&Approve as…"), self._on_approve_clicked),
            ("reject", self.tr("&Reject…"), self._on_reject_clicked),
            ("produce", self.tr("&Produce…"), self._on_produce_clicked),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addWidget(self.make_zip)
        buttons.addWidget(self.keep_lock)
        buttons.addStretch(1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        progress = QHBoxLayout()
        progress.addWidget(self.progress, 1)
        progress.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(progress)
        layout.addWidget(self.receipt)
        layout.addLayout(buttons)
        self._requests: list[ExportRequest] = []
        if events is not None:
            events.changed.connect(self._on_events_changed)
        self.reload()

    # -- the list --------------------------------------------------------------------------------

    def reload(self) -> None:
        self._runner.run(
            lambda: self._exports.requests(self._actor), self._show, self._show_error, receiver=self
        )

    def _on_events_changed(self, changed: Changed) -> None:
        if changed.kind is ChangeKind.EXPORTS:
            self.reload()

    def _show(self, requests: list[ExportRequest]) -> None:
        names = {c.id: c.name for c in self._cameras}
        self._requests = requests
        self.table.setRowCount(len(requests))
        for row, request in enumerate(requests):
            cells = (
                str(request.id),
                self._state_text(request.state),
                request.requester,
                request.approver or "",
                ", ".join(names.get(cid, f"#{cid}") for cid in request.camera_ids),
                format_moment(request.start),
                format_moment(request.end),
                request.case_number,
                format_moment(request.expires_at, seconds=False),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _state_text(self, state: RequestState) -> str:
        return {
            RequestState.PENDING: self.tr("pending"),
            RequestState.APPROVED: self.tr("approved"),
            RequestState.REJECTED: self.tr("rejected"),
            RequestState.EXPIRED: self.tr("expired"),
            RequestState.PRODUCED: self.tr("produced"),
        }[state.shown]

    def _show_error(self, err: KnownError) -> None:
        self.status.setText(error_text(err))

    def selected(self) -> ExportRequest | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._requests):
            self.status.setText(self.tr("Choose a request first."))
            return None
        return self._requests[row]

    # -- a new request ---------------------------------------------------------------------------

    def open_new(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        chosen: Sequence[int] = (),
    ) -> ExportRequestDialog:
        now = self._clock.now()
        dialog = ExportRequestDialog(
            self._cameras,
            start or now - timedelta(hours=1),
            end or now,
            now,
            chosen=chosen,
            parent=self,
        )
        dialog.preview_requested.connect(self._on_request_preview_requested)
        dialog.submitted.connect(self._on_request_submitted)
        self.request_dialog = dialog
        dialog.open()
        return dialog

    def _on_request_preview_requested(
        self, values: tuple[tuple[int, ...], datetime, datetime]
    ) -> None:
        dialog = self.request_dialog
        assert dialog is not None
        ids, start, end = values
        self._runner.run(
            lambda: self._exports.coverage(self._actor, ids, start, end),
            dialog.show_coverage,
            lambda err: dialog.show_error(error_text(err)),
            receiver=dialog,
        )

    def _on_request_submitted(self, values: RequestInput) -> None:
        dialog = self.request_dialog
        assert dialog is not None

        def ask() -> ExportRequest:
            return self._exports.request(
                self._actor,
                values.camera_ids,
                values.start,
                values.end,
                reason=values.reason,
                case_number=values.case_number,
                recipient=values.recipient,
                note=values.note,
            )

        def done(request: ExportRequest) -> None:
            dialog.accept()
            self.request_dialog = None
            self.status.setText(
                self.tr("Export request %1 is sent for approval.").replace("%1", str(request.id))
            )
            self.reload()

        self._runner.run(ask, done, lambda err: dialog.show_error(error_text(err)), receiver=dialog)

    # -- decisions -------------------------------------------------------------------------------

    def _on_approve_clicked(self) -> None:
        request = self.selected()
        if request is not None:
            self.approve_as(request)

    def approve_as(self, request: ExportRequest) -> ApproveAsDialog:
        dialog = ApproveAsDialog(request, self)
        dialog.submitted.connect(lambda values: self._on_approve_submitted(request, values))
        self.approve_dialog = dialog
        dialog.open()
        return dialog

    def _on_approve_submitted(self, request: ExportRequest, values: tuple[str, str]) -> None:
        dialog = self.approve_dialog
        assert dialog is not None
        name, password = values

        def approve() -> ExportRequest:
            # The approver's own password, checked now and logged as their login.
            approver = Actor.of(self._users.authenticate(name, password))
            return self._exports.approve(approver, request.id)

        def done(approved: ExportRequest) -> None:
            dialog.accept()
            self.approve_dialog = None
            self.status.setText(
                self.tr("Export request %1 is approved by %2.")
                .replace("%1", str(approved.id))
                .replace("%2", approved.approver or "")
            )
            self.reload()

        self._runner.run(
            approve, done, lambda err: dialog.show_error(error_text(err)), receiver=dialog
        )

    def _on_reject_clicked(self) -> None:
        request = self.selected()
        if request is None:
            return
        reason, ok = QInputDialog.getText(
            self,
            self.tr("Reject export request"),
            self.tr("Why is export request %1 rejected?").replace("%1", str(request.id)),
        )
        if ok:
            self.reject_request(request, reason)

    def reject_request(self, request: ExportRequest, reason: str) -> None:
        self._runner.run(
            lambda: self._exports.reject(self._actor, request.id, reason),
            lambda _request: self.reload(),
            self._show_error,
            receiver=self,
        )

    # -- production ------------------------------------------------------------------------------

    def _on_produce_clicked(self) -> None:
        request = self.selected()
        if request is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Where to write the package"))
        if folder:
            self.produce(request, Path(folder))

    def produce(self, request: ExportRequest, destination: Path) -> JobHandle[PackageReceipt]:
        """Write the package on a worker, with progress per camera; Cancel stops it."""
        make_zip, keep_lock = self.make_zip.isChecked(), self.keep_lock.isChecked()

        def op(control: JobControl) -> PackageReceipt:
            return self._exports.produce(
                self._actor,
                request.id,
                self._producer(),
                destination,
                make_zip=make_zip,
                keep_lock=keep_lock,
                progress=lambda p: self._report(control, p),
                cancelled=lambda: control.cancelled,
            )

        self.receipt.clear()
        self.progress.setRange(0, max(1, len(request.camera_ids)))
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Camera %v of %m"))
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(
            self.tr("Writing the package of export %1…").replace("%1", str(request.id))
        )
        self.production = (
            self._runner.job(op, receiver=self)
            .success(self._on_produced)
            .failure(self._on_production_failed)
            .cancelled(self._on_production_cancelled)
            .with_progress(self._on_production_progress)
            .run()
        )
        return self.production

    def done(self, result: int) -> None:
        # Closed while a package is written: stop it, so that nothing runs on unseen (the
        # producer leaves no half package) and the request stays approved.
        self.cancel_production()
        super().done(result)

    def cancel_production(self) -> None:
        if self.production is not None:
            self.production.cancel()

    def _report(self, control: JobControl, progress: ExportProgress) -> None:
        """On the worker: keep the report, signal the GUI thread."""
        self._latest = progress
        control.progress(progress.cameras_done, progress.cameras_total)

    def _on_production_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        latest = self._latest
        if latest is not None:
            self.status.setText(
                self.tr("%1: %2 of %3 s, %4 MB written")
                .replace("%1", latest.camera_name)
                .replace("%2", f"{latest.media_seconds:.0f}")
                .replace("%3", f"{latest.media_total_seconds:.0f}")
                .replace("%4", f"{latest.bytes_written / 1e6:.1f}")
            )

    def _production_over(self) -> None:
        self.production = None
        self.progress.hide()
        self.cancel_button.hide()
        self.reload()

    def _on_produced(self, receipt: PackageReceipt) -> None:
        self._production_over()
        self.status.setText(self.tr("The package is written."))
        self.receipt.setText(
            self.tr("Folder: %1\nManifest SHA-256: %2\nFirst key's fingerprint: %3")
            .replace("%1", str(receipt.folder))
            .replace("%2", receipt.manifest_sha256)
            .replace("%3", receipt.anchor_fingerprint)
        )

    def _on_production_failed(self, err: Exception) -> None:
        self._production_over()
        if isinstance(err, KnownError):
            self.status.setText(error_text(err))
        else:
            self.status.setText(self.tr("Utkik hit an internal error. Details are in the log."))

    def _on_production_cancelled(self) -> None:
        self._production_over()
        self.status.setText(self.tr("The production was cancelled; no package was left."))
