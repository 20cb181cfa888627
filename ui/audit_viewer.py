"""The access-log viewer for supervisors, administrators and auditors: filter the entries by user,
action, camera and time, export what is shown as CSV, and verify the whole log.

Reading the log is itself an access: the viewer records `audit.viewed` before it shows anything,
and `audit.csv_exported` before it writes a file (fail closed). Everything that touches the
database or the disk runs on the TaskRunner's workers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimeZone,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.audit.log import AuditLog, Entry
from console.audit.reading import (
    ROW_LIMIT,
    AuditReader,
    CsvWritten,
    Filters,
    Loaded,
    Verified,
    row_texts,
)
from console.domain import Actor
from console.errors import KnownError
from console.localtime import LOCAL_ZONE
from ui.i18n import core_text, error_text
from ui.tasks import TaskRunner
from ui.theme import set_state

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    """The shown entries as rows of text: Seq, Time, User, Action, Target, Details."""

    SEQ, TIME, USER, ACTION, TARGET, DETAILS = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._rows: list[tuple[str, ...]] = []
        self._headers = (
            self.tr("Seq"),
            self.tr("Time"),
            self.tr("User"),
            self.tr("Action"),
            self.tr("Target"),
            self.tr("Details"),
        )

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._rows = [row_texts(e) for e in self._entries]
        self.endResetModel()

    def entry(self, row: int) -> Entry:
        return self._entries[row]

    def headers(self) -> tuple[str, ...]:
        return self._headers

    def texts(self) -> list[tuple[str, ...]]:
        """Every row as shown, for the CSV file."""
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        text = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (self.TARGET, self.DETAILS):
            return text or None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.SEQ:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


def _wall_time(edit: QDateTimeEdit) -> datetime:
    """What the field shows, read as Stockholm time, whatever the computer's own zone."""
    moment = edit.dateTime()
    d, t = moment.date(), moment.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second()).replace(
        tzinfo=LOCAL_ZONE
    )


def _set_wall_time(edit: QDateTimeEdit, moment: datetime) -> None:
    local = moment.astimezone(LOCAL_ZONE)
    edit.setDateTime(
        QDateTime(
            QDate(local.year, local.month, local.day),
            QTime(local.hour, local.minute, local.second),
            QTimeZone.utc(),
        )
    )


class AuditViewer(QDialog):
    """The access log, newest first, with filters, CSV export and verification."""

    #: the number of entries shown, after each load
    loaded = Signal(int)
    #: the console.audit.verify.Report of a finished verification
    verified = Signal(object)
    #: the CSV file written (its path as text) and the number of rows in it
    csv_written = Signal(str, int)

    def __init__(
        self,
        audit: AuditLog,
        actor: Actor,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        limit: int = ROW_LIMIT,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("audit_viewer")
        self.setWindowTitle(self.tr("Access log"))
        self.resize(1100, 640)
        self._reader = AuditReader(audit, actor)
        self._runner = runner
        self._limit = limit
        self._viewed = False
        self._generation = 0

        self.user = self._line_edit("user_filter", self.tr("exact user name"))
        self.action = self._line_edit("action_filter", self.tr("beginning, e.g. login or user."))
        self.target = self._line_edit("target_filter", self.tr("camera or target, or part of it"))
        self.since_check = QCheckBox(self.tr("From"))
        self.since_check.setObjectName("since_check")
        self.until_check = QCheckBox(self.tr("To"))
        self.until_check.setObjectName("until_check")
        self.since = self._time_edit("since")
        self.until = self._time_edit("until")
        today = datetime.now(LOCAL_ZONE).date()
        _set_wall_time(self.since, datetime.combine(today, time(0, 0), LOCAL_ZONE))
        _set_wall_time(self.until, datetime.combine(today, time(23, 59, 59), LOCAL_ZONE))
        self.since_check.toggled.connect(self.since.setEnabled)
        self.until_check.toggled.connect(self.until.setEnabled)
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setObjectName("apply")
        # Enter anywhere in the filters applies them.
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self._on_apply_clicked)

        filters = QGridLayout()
        filters.addWidget(QLabel(self.tr("User")), 0, 0)
        filters.addWidget(self.user, 0, 1)
        filters.addWidget(QLabel(self.tr("Action")), 0, 2)
        filters.addWidget(self.action, 0, 3)
        filters.addWidget(QLabel(self.tr("Camera or target")), 0, 4)
        filters.addWidget(self.target, 0, 5)
        filters.addWidget(self.since_check, 1, 0)
        filters.addWidget(self.since, 1, 1)
        filters.addWidget(self.until_check, 1, 2)
        filters.addWidget(self.until, 1, 3)
        filters.addWidget(self.apply_button, 1, 5, Qt.AlignmentFlag.AlignRight)
        for column in (1, 3, 5):
            filters.setColumnStretch(column, 1)

        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(rows.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.count = QLabel()
        self.count.setObjectName("count")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verification = QLabel(self.tr("Not verified yet."))
        self.verification.setObjectName("verification")
        self.verification.setWordWrap(True)
        self.verification.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keys = QLabel()
        self.keys.setObjectName("keys")
        self.keys.setWordWrap(True)
        self.keys.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.verify_button = QPushButton(self.tr("Verify"))
        self.verify_button.setObjectName("verify")
        self.verify_button.setToolTip(
            self.tr("Export the whole log to a temporary folder and check its seals and chain")
        )
        self.verify_button.clicked.connect(self._on_verify_clicked)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setObjectName("export_csv")
        self.export_button.setToolTip(self.tr("Save the rows shown as a CSV file"))
        self.export_button.clicked.connect(self._on_export_clicked)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("close")
        close.clicked.connect(self.close)
        for button in (self.verify_button, self.export_button, close):
            button.setAutoDefault(False)
        self.verify_button.setEnabled(False)
        self.export_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch()
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.message)
        layout.addWidget(self.verification)
        layout.addWidget(self.keys)
        layout.addLayout(buttons)
        self.message.hide()
        self.reload()

    def _line_edit(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        return edit

    def _time_edit(self, name: str) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        edit.setObjectName(name)
        # The fields hold Stockholm wall-clock time; a fixed zone keeps Qt from moving them
        # across the computer's own daylight-saving changes.
        edit.setTimeZone(QTimeZone.utc())
        edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        return edit

    # -- filters -----------------------------------------------------------------------------

    def filters(self) -> Filters:
        """The filters as typed; `until` includes the whole second shown."""
        return Filters(
            user=self.user.text().strip() or None,
            action=self.action.text().strip() or None,
            target=self.target.text().strip() or None,
            since=_wall_time(self.since).astimezone(UTC) if self.since_check.isChecked() else None,
            until=(_wall_time(self.until) + timedelta(seconds=1)).astimezone(UTC)
            if self.until_check.isChecked()
            else None,
        )

    def set_time_range(self, since: datetime | None, until: datetime | None) -> None:
        """Set the From and To fields (None: off) from aware times."""
        self.since_check.setChecked(since is not None)
        self.until_check.setChecked(until is not None)
        if since is not None:
            _set_wall_time(self.since, since)
        if until is not None:
            _set_wall_time(self.until, until)

    # -- loading -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the entries for the filters; the first load records that the log was viewed."""
        reader, limit, filters = self._reader, self._limit, self.filters()
        self._generation += 1
        generation = self._generation

        self.count.setText(self.tr("Loading…"))
        # One load at a time: the first one must have recorded the viewing before another reads.
        self.apply_button.setEnabled(False)
        self._run(
            lambda: reader.load(filters, limit),
            self._on_load_done,
            self._on_load_failed,
            generation,
        )

    def _on_load_done(self, result: Loaded, generation: int) -> None:
        if generation != self._generation:
            return  # a later load is on its way
        self.apply_button.setEnabled(True)
        self._viewed = True
        self._show_status(result.status)
        self._show_entries(result.entries)

    def _on_load_failed(self, err: KnownError, generation: int) -> None:
        if generation != self._generation:
            return
        self.apply_button.setEnabled(True)
        self.model.set_entries([])
        self.count.setText("")
        self.export_button.setEnabled(False)
        if not self._viewed:
            self.verify_button.setEnabled(False)
        self._show_message(error_text(err))

    def _show_entries(self, entries: list[Entry]) -> None:
        self.model.set_entries(entries)
        self.table.resizeColumnsToContents()
        text = self.tr("Entries shown: %1").replace("%1", str(len(entries)))
        if len(entries) >= self._limit:
            text += " " + self.tr("(limited to %1)").replace("%1", str(self._limit))
        self.count.setText(text)
        self.message.hide()
        self.verify_button.setEnabled(True)
        self.export_button.setEnabled(bool(entries))
        self.loaded.emit(len(entries))

    def _show_status(self, status: Mapping[str, str]) -> None:
        keys = status.get("key_custody") or self.tr("none (the log is not sealed)")
        witness = status.get("witness") or self.tr("none")
        self.keys.setText(
            self.tr("Keys: %1  Witness: %2").replace("%1", keys).replace("%2", witness)
        )

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        set_state(self.message, "bad")
        self.message.show()

    def _on_apply_clicked(self) -> None:
        self.reload()

    # -- verification ------------------------------------------------------------------------

    def _on_verify_clicked(self) -> None:
        reader = self._reader
        self.verify_button.setEnabled(False)
        self._show_verification("", self.tr("Verifying…"))
        self._run(reader.verify, self._on_verified, self._on_verify_failed)

    def _on_verify_failed(self, err: KnownError) -> None:
        self.verify_button.setEnabled(True)
        self._show_verification("bad", self.tr("Not verified: %1").replace("%1", error_text(err)))

    def _on_verified(self, result: Verified) -> None:
        self.verify_button.setEnabled(True)
        self._show_status(result.status)
        report = result.report
        if report is None:
            text = self.tr("The verification could not be done: %1").replace("%1", result.failure)
            self._show_verification("bad", text)
            return
        if report.ok:
            text = (
                self.tr("Verified: %1 entries, %2 checkpoints; first key fingerprint %3")
                .replace("%1", str(report.entries))
                .replace("%2", str(report.checkpoints))
                .replace("%3", report.anchor or self.tr("(none)"))
            )
        else:
            text = (
                self.tr("Not valid from entry %1: %2")
                .replace("%1", str(report.first_bad))
                .replace("%2", report.problem)
            )
        lines = [text] + [self.tr("Warning: %1").replace("%1", w) for w in report.warnings]
        if report.ok and result.differences:
            # Tables changed behind the services' backs: the log is intact, the state is not.
            # (A log that does not verify is no basis to compare with.)
            lines.append(self.tr("The database differs from what the access log says was done:"))
            lines += [core_text(d.template, d.params) for d in result.differences]
        state = (
            "bad" if not report.ok or result.differences else "warning" if report.warnings else "ok"
        )
        self._show_verification(state, "\n".join(lines))
        self.verified.emit(report)
        # The verification's export is itself an entry now (and a damaged log shows as it is).
        self.reload()

    def _show_verification(self, state: str, text: str) -> None:
        set_state(self.verification, state)
        self.verification.setText(text)

    # -- CSV ---------------------------------------------------------------------------------

    def _on_export_clicked(self) -> None:
        stamp = datetime.now(LOCAL_ZONE).strftime("%Y%m%d-%H%M%S")
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export CSV"),
            str(Path.home() / f"access-log-{stamp}.csv"),
            self.tr("CSV files (*.csv)"),
        )
        if not path:
            return
        chosen = Path(path)
        if not chosen.suffix:
            chosen = chosen.with_suffix(".csv")
        self.write_csv(chosen)

    def write_csv(self, path: Path) -> None:
        """Write the rows shown to `path` (UTF-8, a header row), on a worker; the export is
        recorded in the access log first, and nothing is written if that fails."""
        reader = self._reader
        header, rows = self.model.headers(), self.model.texts()

        self.export_button.setEnabled(False)
        self._run(
            lambda: reader.write_csv(path, header, rows), self._on_written, self._on_write_failed
        )

    def _on_write_failed(self, err: KnownError) -> None:
        self.export_button.setEnabled(True)
        self._show_message(error_text(err))

    def _on_written(self, result: CsvWritten) -> None:
        self.export_button.setEnabled(self.model.rowCount() > 0)
        if result.failure:
            self._show_message(
                self.tr("Could not write %1: %2")
                .replace("%1", str(result.path))
                .replace("%2", result.failure)
            )
            return
        self.message.setText(
            self.tr("Wrote %1 rows to %2.")
            .replace("%1", str(result.rows))
            .replace("%2", str(result.path))
        )
        set_state(self.message, "")
        self.message.show()
        self.csv_written.emit(str(result.path), result.rows)

    # -- plumbing ----------------------------------------------------------------------------

    def _run(
        self,
        op: Callable[[], T],
        on_success: Callable[..., None],
        on_failure: Callable[..., None],
        *context: object,
    ) -> None:
        """Run `op` (which must not refer to the viewer: a worker must never drop the last
        reference to a widget) on a worker, then the viewer's method `on_success(value, *context)`
        or `on_failure(err, *context)`. The job is bound to the viewer: once Qt has deleted it
        (closed with its main window, say), the answer is dropped."""
        self._runner.run(
            op,
            lambda value: on_success(value, *context),
            lambda err: on_failure(err, *context),
            receiver=self,
        )
