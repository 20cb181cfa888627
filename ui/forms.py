"""Small pieces the console's forms share: a list of cameras to tick, an error line."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem

from console.cameras import Camera


def camera_checklist(
    cameras: Iterable[Camera],
    chosen: Sequence[int] = (),
    data: Callable[[Camera], object] = lambda camera: camera.id,
) -> QListWidget:
    """The cameras by name, each with a tick box (ticked for the ids in `chosen`); each item
    holds `data(camera)` as its user data."""
    widget = QListWidget()
    widget.setObjectName("cameras")
    for camera in cameras:
        item = QListWidgetItem(camera.name)
        item.setData(Qt.ItemDataRole.UserRole, data(camera))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(
            Qt.CheckState.Checked if camera.id in chosen else Qt.CheckState.Unchecked
        )
        widget.addItem(item)
    return widget


def error_label() -> QLabel:
    """Where a form says in words what is wrong with its input."""
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet("color: #e5534b;")
    return label
