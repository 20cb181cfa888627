"""The surveillance register in the console (docs/register.md): every camera's entry, removed
cameras too, with what is missing and which reviews have come due; the chosen entry's fields,
versions and attachments; the form for administrators; and the signed export for IMY.

Thin: reading, changing and exporting are RegisterService's and console.register_export's, run on
the TaskRunner's workers; the core checks the permissions (this window only mirrors them).
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.audit.log import AuditLog
from console.clock import Clock
from console.domain import Actor, Permission
from console.errors import KnownError
from console.events import Changed, ChangeKind
from console.localtime import format_moment
from console.policy import can
from console.register import FIELDS, Entry, RegisterService
from console.register_export import RegisterExport, export_register
from ui.events import DomainEvents
from ui.i18n import error_text
from ui.register_form import EntryForm, field_label, value_label
from ui.tasks import TaskRunner
from ui.theme import set_state, state_colour

#: The widest a column of the table grows to its text: the list of missing fields would push the
#: review dates out of sight (the whole text is in the cell's tooltip and under the table).
MAX_COLUMN_WIDTH = 320


def export_folder(chosen: Path, today: date) -> Path:
    """Where an export goes: the chosen folder when it is empty (or new), otherwise a new folder
    inside it named by the date, so that choosing a USB stick that holds other files works."""
    if not chosen.exists() or (chosen.is_dir() and not any(chosen.iterdir())):
        return chosen
    return chosen / f"register-{today.isoformat()}"


class RegisterWindow(QDialog):
    """The register: a table of every camera's entry above the chosen entry's details."""

    CAMERA, PLACE, STATE, RETENTION, HOURS, REVIEW = range(6)

    #: the number of entries shown, after each load
    loaded = Signal(int)
    #: the versions of the chosen entry are shown (their number)
    versions_loaded = Signal(int)
    #: an export is written and signed (console.register_export.RegisterExport)
    exported = Signal(object)

    def __init__(
        self,
        register: RegisterService,
        audit: AuditLog,
        actor: Actor,
        runner: TaskRunner,
        clock: Clock,
        events: DomainEvents | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("register_window")
        self.setWindowTitle(self.tr("Surveillance register"))
        self.resize(1100, 700)
        self._register, self._audit, self._actor = register, audit, actor
        self._runner, self._clock = runner, clock
        self.entries: list[Entry] = []
        self.today: date | None = None
        self._generation = 0
        self._versions_generation = 0
        self.form: EntryForm | None = None
        #: an export is being written (one at a time)
        self.exporting = False

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("register_table")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Camera"),
                self.tr("Place"),
                self.tr("State"),
                self.tr("Retention"),
                self.tr("Hours"),
                self.tr("Review"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)

        #: the chosen entry's state in words
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = self._details_table(
            "fields", [self.tr("Field"), self.tr("Value")], stretch=True
        )
        self.versions = self._details_table(
            "versions",
            [self.tr("Version"), self.tr("When"), self.tr("Who"), self.tr("What changed")],
        )
        self.attachments = self._details_table(
            "attachments", [self.tr("Name"), self.tr("Bytes"), self.tr("SHA-256")]
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.fields, self.tr("&Entry"))
        self.tabs.addTab(self.versions, self.tr("&Versions"))
        self.tabs.addTab(self.attachments, self.tr("A&ttachments"))
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.summary)
        details_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        #: what the last action did, or why it could not
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton(self.tr("E&dit entry…"))
        self.edit_button.setObjectName("edit")
        self.edit_button.clicked.connect(self._on_edit_clicked)
        # For administrators only; the service refuses anyone else in any case.
        self.edit_button.setVisible(can(actor, Permission.MANAGE_REGISTER))
        self.edit_button.setEnabled(False)
        self.export_button = QPushButton(self.tr("Export for &IMY…"))
        self.export_button.setObjectName("export")
        self.export_button.setToolTip(
            self.tr("Write the register as a signed PDF and CSV, with verify.py, to a folder")
        )
        self.export_button.clicked.connect(self._on_export_clicked)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("close")
        close.clicked.connect(self.close)
        for button in (self.edit_button, self.export_button, close):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        if events is not None:
            events.changed.connect(self._on_events_changed)
        self.reload()

    def _details_table(
        self, name: str, headers: list[str], *, stretch: bool = False
    ) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.setWordWrap(stretch)
        return table

    # -- the table -----------------------------------------------------------------------------

    def reload(self) -> None:
        register, actor = self._register, self._actor
        self._generation += 1
        generation = self._generation
        self._runner.run(
            lambda: (register.today(), register.entries(actor)),
            lambda loaded: self._on_loaded(loaded, generation),
            lambda err: self._on_load_failed(err, generation),
            receiver=self,
        )

    def _on_events_changed(self, changed: Changed) -> None:
        if changed.kind in (ChangeKind.REGISTER, ChangeKind.CAMERAS):
            self.reload()

    def _on_loaded(self, loaded: tuple[date, list[Entry]], generation: int) -> None:
        if generation != self._generation:
            return  # a later load is on its way
        chosen = self.current()
        self.today, self.entries = loaded
        self.table.blockSignals(True)
        self.table.clearContents()
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            self._show_row(row, entry)
        keep = chosen.camera_id if chosen is not None else None
        rows = [r for r, e in enumerate(self.entries) if e.camera_id == keep] or [0]
        if self.entries:
            self.table.setCurrentCell(rows[0], self.CAMERA)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount()):
            if self.table.columnWidth(column) > MAX_COLUMN_WIDTH:
                self.table.setColumnWidth(column, MAX_COLUMN_WIDTH)
        self.edit_button.setEnabled(bool(self.entries))
        self.export_button.setEnabled(not self.exporting)
        # Once, whether or not the chosen row moved.
        self._show_details(self.current())
        self.loaded.emit(len(self.entries))

    def _on_load_failed(self, err: KnownError, generation: int) -> None:
        if generation != self._generation:
            return
        self.entries = []
        self.table.setRowCount(0)
        self.edit_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self._show_details(None)
        self._set_status(error_text(err), "bad")

    def _show_row(self, row: int, entry: Entry) -> None:
        retention = entry.fields.get("retention_hours")
        review = str(entry.fields.get("review_date", ""))
        overdue = self.overdue(entry)
        cells = (
            entry.camera_name,
            entry.place,
            self.state_text(entry),
            self.tr("%1 h").replace("%1", str(retention)) if retention else "",
            value_label("hours", entry.fields.get("hours")),
            self.tr("review overdue since %1").replace("%1", review) if overdue else review,
        )
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if column == self.CAMERA:
                item.setData(Qt.ItemDataRole.UserRole, entry.camera_id)
                item.setToolTip(self.tr("Camera %1").replace("%1", str(entry.camera_id)))
            self.table.setItem(row, column, item)
        # Colour as well as the words, never instead of them.
        if overdue:
            self._mark(self.table.item(row, self.REVIEW), "bad")
        if not entry.complete and entry.camera_removed_at is None:
            self._mark(self.table.item(row, self.STATE), "warning")

    def overdue(self, entry: Entry) -> bool:
        """Whether the entry's review date has come (cameras in use; a removed camera's entry
        is kept, not reviewed)."""
        today = self.today
        return today is not None and entry.camera_removed_at is None and entry.review_due(today)

    def state_text(self, entry: Entry) -> str:
        missing = ", ".join(field_label(name) for name in entry.missing)
        if entry.camera_removed_at is not None:
            kept = entry.keep_until.isoformat() if entry.keep_until else ""
            return self.tr("camera removed; entry kept until %1").replace("%1", kept)
        if entry.complete:
            return self.tr("complete")
        if entry.provisional:
            return self.tr("provisional, records as before the upgrade; missing: %1").replace(
                "%1", missing
            )
        return self.tr("incomplete, does not record; missing: %1").replace("%1", missing)

    def _mark(self, item: QTableWidgetItem | None, state: str) -> None:
        if item is None:
            return
        item.setForeground(QBrush(QColor(state_colour(self, state))))
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)

    def current(self) -> Entry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def choose(self, camera_id: int) -> None:
        for row, entry in enumerate(self.entries):
            if entry.camera_id == camera_id:
                self.table.setCurrentCell(row, self.CAMERA)

    # -- the chosen entry ----------------------------------------------------------------------

    def _on_table_current_cell_changed(self, row: int, *_previous: int) -> None:
        self._show_details(self.entries[row] if 0 <= row < len(self.entries) else None)

    def _show_details(self, entry: Entry | None) -> None:
        self._versions_generation += 1
        self.versions.setRowCount(0)
        if entry is None:
            self.summary.setText("")
            self.fields.setRowCount(0)
            self.attachments.setRowCount(0)
            return
        lines = [
            self.tr("Camera %1 (%2), %3")
            .replace("%1", str(entry.camera_id))
            .replace("%2", entry.camera_name)
            .replace("%3", entry.place or self.tr("no place")),
            self.state_text(entry),
        ]
        if entry.version:
            lines.append(
                self.tr("Version %1, changed %2 by %3")
                .replace("%1", str(entry.version))
                .replace("%2", format_moment(entry.updated_at, seconds=False))
                .replace("%3", entry.updated_by)
            )
        else:
            lines.append(self.tr("No entry has been written for this camera."))
        text = "<br>".join(html.escape(line) for line in lines)
        if self.overdue(entry):
            overdue = self.tr("Review overdue since %1.").replace(
                "%1", str(entry.fields.get("review_date"))
            )
            text += f'<br><b style="color: {state_colour(self, "bad")}">{html.escape(overdue)}</b>'
        self.summary.setText(text)
        names = [name for name in FIELDS if name != "attachments"]
        self.fields.setRowCount(len(names))
        for row, name in enumerate(names):
            self.fields.setItem(row, 0, QTableWidgetItem(field_label(name)))
            value = value_label(name, entry.fields.get(name))
            if not value and name in entry.missing:
                value = self.tr("(missing)")
            elif not value and name == "recording":
                value = self.tr("as the hours say")
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            self.fields.setItem(row, 1, item)
        self.fields.resizeColumnToContents(0)
        self.fields.resizeRowsToContents()
        self.attachments.setRowCount(len(entry.attachments))
        for row, attachment in enumerate(entry.attachments):
            for column, text in enumerate(
                (attachment.name, str(attachment.bytes), attachment.sha256)
            ):
                self.attachments.setItem(row, column, QTableWidgetItem(text))
        self.attachments.resizeColumnsToContents()
        self._load_versions(entry)

    def _load_versions(self, entry: Entry) -> None:
        register, actor, camera_id = self._register, self._actor, entry.camera_id
        generation = self._versions_generation
        self._runner.run(
            lambda: register.versions(actor, camera_id),
            lambda versions: self._on_versions_loaded(versions, generation),
            lambda err: self._on_versions_failed(err, generation),
            receiver=self,
        )

    def _on_versions_loaded(self, versions: list[Entry], generation: int) -> None:
        if generation != self._versions_generation:
            return
        # The newest first: the change just made is the one looked for.
        shown = list(reversed(versions))
        self.versions.setRowCount(len(shown))
        for row, version in enumerate(shown):
            changed = ", ".join(field_label(name) for name in version.changed)
            for column, text in enumerate(
                (
                    str(version.version),
                    format_moment(version.updated_at, seconds=False),
                    version.updated_by,
                    changed,
                )
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.versions.setItem(row, column, item)
        self.versions.resizeColumnsToContents()
        self.versions_loaded.emit(len(shown))

    def _on_versions_failed(self, err: KnownError, generation: int) -> None:
        if generation == self._versions_generation:
            self._set_status(error_text(err), "bad")

    # -- editing -------------------------------------------------------------------------------

    def _on_edit_clicked(self) -> None:
        self.edit()

    def edit(self) -> EntryForm | None:
        """The form for the chosen entry (administrators)."""
        entry = self.current()
        if entry is None:
            return None
        form = EntryForm(self._register, self._actor, self._runner, entry, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._on_form_saved)
        form.destroyed.connect(self._on_form_destroyed)
        self.form = form
        form.open()
        return form

    def _on_form_saved(self, entry: Entry) -> None:
        self._set_status(
            self.tr("Camera %1 (%2): version %3 saved, %4.")
            .replace("%1", str(entry.camera_id))
            .replace("%2", entry.camera_name)
            .replace("%3", str(entry.version))
            .replace("%4", self.state_text(entry)),
            "",
        )
        self.reload()

    def _on_form_destroyed(self) -> None:
        self.form = None

    # -- export --------------------------------------------------------------------------------

    def _on_export_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Export the register to"))
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, chosen: Path) -> None:
        """Write the signed PDF and CSV (as `utkik register export`) on a worker: into `chosen`
        if it is empty, else into a new folder in it named by the date."""
        register, audit, actor, clock = self._register, self._audit, self._actor, self._clock

        def op() -> RegisterExport:
            folder = export_folder(chosen, register.today())
            return export_register(register, audit, actor, folder, clock.now())

        self.exporting = True
        self.export_button.setEnabled(False)
        self._set_status(self.tr("Writing the register to %1 …").replace("%1", str(chosen)), "")
        self._runner.run(op, self._on_exported, self._on_export_failed, receiver=self)

    def _on_exported(self, done: RegisterExport) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
        self._set_status(
            self.tr(
                "The register (%1 cameras, %2 incomplete) is in %3, signed.\n"
                "Check it with: python verify.py %3\nManifest SHA-256: %4"
            )
            .replace("%1", str(done.cameras))
            .replace("%2", str(done.incomplete))
            .replace("%3", str(done.folder))
            .replace("%4", done.manifest_sha256),
            "",
        )
        self.exported.emit(done)

    def _on_export_failed(self, err: KnownError) -> None:
        self.exporting = False
        self.export_button.setEnabled(self.today is not None)  # the register could be read
        self._set_status(
            self.tr("The register was not exported: %1").replace("%1", error_text(err)), "bad"
        )

    # -- plumbing ------------------------------------------------------------------------------

    def _set_status(self, text: str, state: str) -> None:
        """The status line; coloured for a failure (the words say it too)."""
        set_state(self.status, state)
        self.status.setText(text)
