"""The grid's questions as dialogs: a custom grid's rows, columns and big tile, and a new tour's
name, layouts and dwell time."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from console.errors import InvalidInput
from console.layouts import MAX_DWELL_S, MAX_SIDE, MIN_DWELL_S, Grid
from ui.i18n import error_text

#: A new tour shows each layout this long unless told otherwise.
DEFAULT_DWELL_S = 30


class CustomGridDialog(QDialog):
    """Rows and columns of a custom grid, and the size of its big tile at the top left."""

    def __init__(self, current: Grid, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Custom grid"))
        self.grid: Grid | None = None
        self.rows, self.cols, self.big_rows, self.big_cols = (QSpinBox() for _ in range(4))
        for box, value in (
            (self.rows, current.rows),
            (self.cols, current.cols),
            (self.big_rows, current.big_rows),
            (self.big_cols, current.big_cols),
        ):
            box.setRange(1, MAX_SIDE)
            box.setValue(value)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("Rows:"), self.rows)
        form.addRow(self.tr("Columns:"), self.cols)
        form.addRow(self.tr("Big tile rows:"), self.big_rows)
        form.addRow(self.tr("Big tile columns:"), self.big_cols)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_buttons_accepted(self) -> None:
        try:
            self.grid = Grid.custom(
                self.rows.value(), self.cols.value(), self.big_rows.value(), self.big_cols.value()
            )
        except InvalidInput as err:
            self.error.setText(error_text(err))
            self.error.show()
            return
        self.accept()


class TourDialog(QDialog):
    """A new tour: its name, the saved layouts it shows (ticked, in the order listed; drag to
    reorder) and how long each is shown."""

    def __init__(self, layouts: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New tour"))
        self.name = QLineEdit()
        self.layouts = QListWidget()
        self.layouts.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        for name in layouts:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.layouts.addItem(item)
        self.dwell = QSpinBox()
        self.dwell.setRange(MIN_DWELL_S, MAX_DWELL_S)
        self.dwell.setValue(DEFAULT_DWELL_S)
        self.dwell.setSuffix(self.tr(" s"))
        form = QFormLayout(self)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("Layouts:"), self.layouts)
        form.addRow(self.tr("Each shown for:"), self.dwell)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def answer(self) -> tuple[str, list[str], int]:
        chosen = [
            item.text()
            for item in (self.layouts.item(row) for row in range(self.layouts.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]
        return self.name.text(), chosen, self.dwell.value()
