"""A camera's register entry as a form, for administrators: the fields of `utkik register set`
(docs/register.md), saved as a new version by RegisterService.set on a worker. The form checks
nothing itself: the core's refusal is shown beside it in words and every typed field stays as it
was, so nothing is lost."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.domain import Actor
from console.errors import KnownError
from console.register import FIELDS, Entry, RegisterService
from ui.forms import error_label
from ui.i18n import error_text
from ui.tasks import TaskRunner

#: The fields typed on one line (the others: balancing on several, recording, signage and
#: attachments as choices).
LINE_FIELDS = (
    "purpose",
    "legal_basis",
    "area",
    "hours",
    "retention_hours",
    "retention_justification",
    "signage_checked",
    "dpo_contact",
    "start_date",
    "review_date",
    "end_date",
)
RECORDING_MODES = ("continuous", "scheduled", "event", "off")


def field_label(name: str) -> str:
    """A register field's name as people read it."""
    labels = {
        "purpose": QCoreApplication.translate("register", "Purpose"),
        "legal_basis": QCoreApplication.translate("register", "Legal basis"),
        "balancing": QCoreApplication.translate("register", "Balancing of interests"),
        "area": QCoreApplication.translate("register", "Monitored area"),
        "hours": QCoreApplication.translate("register", "Hours"),
        "recording": QCoreApplication.translate("register", "Recording"),
        "retention_hours": QCoreApplication.translate("register", "Retention (hours)"),
        "retention_justification": QCoreApplication.translate(
            "register", "Justification of the retention"
        ),
        "signage": QCoreApplication.translate("register", "Signs in place"),
        "signage_checked": QCoreApplication.translate("register", "Signs checked"),
        "dpo_contact": QCoreApplication.translate("register", "Data protection officer (contact)"),
        "start_date": QCoreApplication.translate("register", "Start date"),
        "review_date": QCoreApplication.translate("register", "Review date"),
        "end_date": QCoreApplication.translate("register", "End date"),
        "attachments": QCoreApplication.translate("register", "Attachments"),
    }
    return labels.get(name, name)


def value_label(name: str, value: Any) -> str:
    """A field's value as people read it ("" when not set)."""
    if value is None or value == "":
        return ""
    if name == "signage":
        return (
            QCoreApplication.translate("register", "yes")
            if value
            else QCoreApplication.translate("register", "no")
        )
    if name == "recording":
        return recording_label(str(value))
    if name == "hours" and str(value).lower() == "always":
        return QCoreApplication.translate("register", "always")
    if name == "attachments" and isinstance(value, list):
        return "; ".join(f"{a.get('name')} (SHA-256 {a.get('sha256')})" for a in value)
    return str(value)


def recording_label(mode: str) -> str:
    return {
        "continuous": QCoreApplication.translate("register", "continuous"),
        "scheduled": QCoreApplication.translate("register", "scheduled (the hours)"),
        "event": QCoreApplication.translate("register", "on events"),
        "off": QCoreApplication.translate("register", "off"),
    }.get(mode, mode)


class EntryForm(QDialog):
    """Edit one camera's entry; Save writes a new version (or says why it cannot)."""

    #: the entry as saved (console.register.Entry)
    saved = Signal(object)

    def __init__(
        self,
        register: RegisterService,
        actor: Actor,
        runner: TaskRunner,
        entry: Entry,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("register_form")
        self.setWindowTitle(
            self.tr("Register entry of camera %1 (%2)")
            .replace("%1", str(entry.camera_id))
            .replace("%2", entry.camera_name)
        )
        self.resize(640, 720)
        self._register, self._actor, self._runner = register, actor, runner
        self.camera_id = entry.camera_id
        fields = entry.fields
        self.lines: dict[str, QLineEdit] = {}
        for name in LINE_FIELDS:
            line = QLineEdit(_text(fields.get(name)))
            line.setObjectName(name)
            self.lines[name] = line
        for name in ("signage_checked", "start_date", "review_date", "end_date"):
            self.lines[name].setPlaceholderText(self.tr("YYYY-MM-DD, e.g. 2026-12-31"))
        self.lines["hours"].setPlaceholderText(self.tr("always, or e.g. mon-fri 18:00-06:00"))
        self.lines["retention_justification"].setPlaceholderText(self.tr("needed above 72 hours"))
        self.balancing = QPlainTextEdit(_text(fields.get("balancing")))
        self.balancing.setObjectName("balancing")
        self.recording = QComboBox()
        self.recording.setObjectName("recording")
        self.recording.addItem(self.tr("as the hours say"), None)
        for mode in RECORDING_MODES:
            self.recording.addItem(recording_label(mode), mode)
        self.recording.setCurrentIndex(max(0, self.recording.findData(fields.get("recording"))))
        self.signage = QComboBox()
        self.signage.setObjectName("signage")
        self.signage.addItem(self.tr("not stated"), None)
        self.signage.addItem(self.tr("yes"), True)
        self.signage.addItem(self.tr("no"), False)
        signage = fields.get("signage")
        self.signage.setCurrentIndex(0 if signage is None else 1 if signage else 2)
        #: kept attachments (their {name, sha256, bytes}) and files to add (their paths)
        self.attachments = QListWidget()
        self.attachments.setObjectName("attachments")
        for kept in fields.get("attachments", []):
            self._add_attachment(f"{kept['name']} (SHA-256 {kept['sha256']})", dict(kept))
        add_files = QPushButton(self.tr("&Add files…"))
        add_files.setObjectName("add_files")
        add_files.clicked.connect(self._on_add_files_clicked)
        remove_file = QPushButton(self.tr("&Remove"))
        remove_file.setObjectName("remove_file")
        remove_file.clicked.connect(self._on_remove_file_clicked)
        files = QHBoxLayout()
        files.addWidget(add_files)
        files.addWidget(remove_file)
        files.addStretch(1)

        self._editors: dict[str, QWidget] = {
            **self.lines,
            "balancing": self.balancing,
            "recording": self.recording,
            "signage": self.signage,
            "attachments": self.attachments,
        }
        form = QFormLayout()
        for name in FIELDS:
            editor = self._editors[name]
            form.addRow(field_label(name), editor)
            # The name the core's messages and `register set` use.
            editor.setToolTip(name)
            if name == "attachments":
                form.addRow("", files)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("&Save as a new version"))
        self.save_button.setObjectName("save")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _add_attachment(self, text: str, data: object) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        self.attachments.addItem(item)

    def add_files(self, paths: Sequence[str | Path]) -> None:
        """Files to attach: copied in with their SHA-256 when the entry is saved."""
        for path in paths:
            self._add_attachment(str(path), str(path))

    def _on_add_files_clicked(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach documents"))
        self.add_files(paths)

    def _on_remove_file_clicked(self) -> None:
        for item in self.attachments.selectedItems():
            self.attachments.takeItem(self.attachments.row(item))

    def raw(self) -> dict[str, Any]:
        """The form as `register set` takes it: empty fields left out."""
        raw: dict[str, Any] = {}
        for name, line in self.lines.items():
            text = line.text().strip()
            if text:
                raw[name] = text
        if "retention_hours" in raw:
            # A number when it is one; otherwise the core says what it must be.
            with contextlib.suppress(ValueError):
                raw["retention_hours"] = int(raw["retention_hours"])
        balancing = self.balancing.toPlainText().strip()
        if balancing:
            raw["balancing"] = balancing
        for name, combo in (("recording", self.recording), ("signage", self.signage)):
            if combo.currentData() is not None:
                raw[name] = combo.currentData()
        attachments = [
            self.attachments.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.attachments.count())
        ]
        if attachments:
            raw["attachments"] = attachments
        return raw

    def submit(self) -> None:
        register, actor, camera_id, raw = self._register, self._actor, self.camera_id, self.raw()
        self.save_button.setEnabled(False)
        self.error.setText("")
        self._runner.run(
            lambda: register.set(actor, camera_id, raw),
            self._on_saved,
            self._on_refused,
            receiver=self,
        )

    def _on_saved(self, entry: Entry) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(entry)
        self.accept()

    def _on_refused(self, err: KnownError) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(error_text(err))
        # The field the message names, ready to be corrected.
        editor = self._editors.get(str(err.params.get("name", "")))
        if editor is not None:
            editor.setFocus(Qt.FocusReason.OtherFocusReason)


def _text(value: object) -> str:
    return "" if value is None else str(value)
