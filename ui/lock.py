"""Idle auto-lock. The lock screen hides the video for privacy; streams and recording go on.

Unlocking needs the password of the user who is logged in (or a switch of user).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` after `minutes` without keyboard, mouse or touch input anywhere in the app."""

    #: no input for the configured time
    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self._minutes = minutes
        self.restart()

    def set_interval_ms(self, ms: int) -> None:
        """For tests and demos: a finer interval than whole minutes."""
        self._minutes = -1
        self._timer.setInterval(ms)
        self._timer.start()

    def restart(self) -> None:
        if self._minutes == 0:
            self._timer.stop()
            return
        if self._minutes > 0:
            self._timer.setInterval(self._minutes * 60_000)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False


class LockScreen(QWidget):
    """An opaque cover over the whole main window."""

    #: the password typed to unlock
    unlock_requested = Signal(str)
    #: the person wants to log in as somebody else
    switch_user_requested = Signal()

    def __init__(self, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        # Opaque, so nothing of the video shows through while the console is locked.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#lock_screen { background: #050607; } QLabel { color: #d0d4da; }")
        title = QLabel(self.tr("Locked"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        who = QLabel(
            self.tr("%1 is logged in. Enter the password to unlock.").replace("%1", user_name)
        )
        who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaximumWidth(320)
        self.password.returnPressed.connect(self._on_unlock_clicked)
        self.unlock = QPushButton(self.tr("Unlock"))
        self.unlock.setObjectName("unlock")
        self.unlock.clicked.connect(self._on_unlock_clicked)
        self.switch = QPushButton(self.tr("Switch user"))
        self.switch.setObjectName("switch_user")
        self.switch.clicked.connect(self.switch_user_requested)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #ff6b6b;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.password)
        row.addWidget(self.unlock)
        row.addWidget(self.switch)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(title)
        layout.addWidget(who)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch()

    def _on_unlock_clicked(self) -> None:
        self.unlock.setEnabled(False)
        self.error.clear()
        self.unlock_requested.emit(self.password.text())

    def show_error(self, text: str) -> None:
        self.unlock.setEnabled(True)
        self.password.clear()
        self.error.setText(text)
        self.password.setFocus()
