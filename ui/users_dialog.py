"""User management for administrators: add, disable, reset password, change role and areas."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain import Actor, Area, Role, User
from console.errors import KnownError
from console.users import UserService
from ui.i18n import error_text, role_label
from ui.tasks import TaskRunner


class UserEditDialog(QDialog):
    """Name, role and areas of a new or existing user; a password for a new one."""

    def __init__(
        self, areas: list[Area], user: User | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("user_edit_dialog")
        self.setWindowTitle(self.tr("New user") if user is None else self.tr("Change user"))
        self.name = QLineEdit(user.name if user else "")
        self.name.setObjectName("name")
        self.name.setReadOnly(user is not None)
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in Role:
            self.role.addItem(role_label(role), role.value)
        if user is not None:
            self.role.setCurrentIndex(list(Role).index(user.role))
        self.all_areas = QCheckBox(self.tr("All areas"))
        self.all_areas.setObjectName("all_areas")
        self.areas = QListWidget()
        self.areas.setObjectName("areas")
        for area in areas:
            item = QListWidgetItem(area.name)
            item.setData(Qt.ItemDataRole.UserRole, area.id)
            limited = user is not None and area.id in user.areas
            item.setCheckState(Qt.CheckState.Checked if limited else Qt.CheckState.Unchecked)
            self.areas.addItem(item)
        self.all_areas.toggled.connect(lambda on: self.areas.setEnabled(not on))
        self.all_areas.setChecked(user is None or not user.areas)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Areas"), self.all_areas)
        form.addRow("", self.areas)
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        if user is None:
            for field, name in ((self.password, "password"), (self.repeat, "repeat")):
                field.setObjectName(name)
                field.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(self.tr("Password"), self.password)
            form.addRow(self.tr("Repeat password"), self.repeat)
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff6b6b;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._is_new = user is None

    def _on_buttons_accepted(self) -> None:
        if self._is_new and self.password.text() != self.repeat.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        self.accept()

    def chosen_role(self) -> Role:
        return Role(str(self.role.currentData()))

    def chosen_areas(self) -> frozenset[int]:
        if self.all_areas.isChecked():
            return frozenset()
        return frozenset(
            int(self.areas.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.areas.count())
            if self.areas.item(i).checkState() == Qt.CheckState.Checked
        )


class PasswordDialog(QDialog):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New password for %1").replace("%1", name))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff6b6b;")
        form = QFormLayout()
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_buttons_accepted(self) -> None:
        if self.password.text() != self.repeat.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        self.accept()


class UsersDialog(QDialog):
    """The list of users with the administrator's actions on them."""

    def __init__(
        self,
        users: UserService,
        areas: list[Area],
        actor: Actor,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        edit_dialog: Callable[..., UserEditDialog] = UserEditDialog,
        password_dialog: Callable[..., PasswordDialog] = PasswordDialog,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("users_dialog")
        self.setWindowTitle(self.tr("Users"))
        self.resize(720, 420)
        self._users = users
        self._areas = areas
        self._area_names = {a.id: a.name for a in areas}
        self._actor = actor
        self._runner = runner
        self._edit_dialog = edit_dialog
        self._password_dialog = password_dialog
        self._rows: list[User] = []
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("users_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("User name"), self.tr("Role"), self.tr("Areas"), self.tr("State")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Role and areas…"))
        self.password_button = QPushButton(self.tr("Reset password…"))
        self.disable_button = QPushButton(self.tr("Disable"))
        self.enable_button = QPushButton(self.tr("Enable"))
        close = QPushButton(self.tr("Close"))
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.password_button.clicked.connect(self._on_password_clicked)
        self.disable_button.clicked.connect(lambda: self._set_disabled(True))
        self.enable_button.clicked.connect(lambda: self._set_disabled(False))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.password_button,
            self.disable_button,
            self.enable_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self._runner.run(
            lambda: self._users.list(self._actor), self._show, self._on_error, receiver=self
        )

    def _show(self, users: list[User]) -> None:
        self._rows = users
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            areas = ", ".join(sorted(self._area_names.get(a, str(a)) for a in user.areas))
            cells = (
                user.name,
                role_label(user.role),
                areas or self.tr("All areas"),
                self.tr("Disabled") if user.disabled else self.tr("Active"),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def select(self, name: str) -> None:
        for row, user in enumerate(self._rows):
            if user.name == name:
                self.table.selectRow(row)

    def _selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.status.setText(self.tr("Select a user first."))
            return None
        return self._rows[rows[0].row()]

    def _on_error(self, err: KnownError) -> None:
        self.status.setText(error_text(err))

    def _done(self, text: str) -> Callable[[object], None]:
        def show(_: object) -> None:
            self.status.setText(text)
            self.refresh()

        return show

    def _on_add_clicked(self) -> None:
        dialog = self._edit_dialog(self._areas, None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name = dialog.name.text().strip()
        role, areas, password = dialog.chosen_role(), dialog.chosen_areas(), dialog.password.text()
        self._runner.run(
            lambda: self._users.add(self._actor, name, role, password, areas),
            self._done(self.tr("Added %1.").replace("%1", name)),
            self._on_error,
            receiver=self,
        )

    def _on_edit_clicked(self) -> None:
        user = self._selected()
        if user is None:
            return
        dialog = self._edit_dialog(self._areas, user, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        role, areas = dialog.chosen_role(), dialog.chosen_areas()
        self._runner.run(
            lambda: self._users.update(self._actor, user.name, role=role, areas=areas),
            self._done(self.tr("Changed %1.").replace("%1", user.name)),
            self._on_error,
            receiver=self,
        )

    def _on_password_clicked(self) -> None:
        user = self._selected()
        if user is None:
            return
        dialog = self._password_dialog(user.name, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        password = dialog.password.text()
        self._runner.run(
            lambda: self._users.set_password(self._actor, user.name, password),
            self._done(self.tr("Set a new password for %1.").replace("%1", user.name)),
            self._on_error,
            receiver=self,
        )

    def _set_disabled(self, disabled: bool) -> None:
        user = self._selected()
        if user is None:
            return
        text = self.tr("Disabled %1.") if disabled else self.tr("Enabled %1.")
        self._runner.run(
            lambda: self._users.set_disabled(self._actor, user.name, disabled),
            self._done(text.replace("%1", user.name)),
            self._on_error,
            receiver=self,
        )
