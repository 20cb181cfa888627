"""The sites and cameras tree: areas holding places (cameras join them with discovery)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTreeView, QVBoxLayout, QWidget

from console.domain import Area, Permission, Place, User
from console.policy import can

AREA_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PLACE_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class SitesModel(QStandardItemModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels([self.tr("Sites and cameras")])

    def populate(self, areas: list[Area], places: list[Place], user: User) -> None:
        self.removeRows(0, self.rowCount())
        for area in areas:
            item = QStandardItem(area.name)
            item.setEditable(False)
            item.setData(area.id, AREA_ID_ROLE)
            allowed = can(user, Permission.VIEW_LIVE, area.id) or can(
                user, Permission.MANAGE_CAMERAS, area.id
            )
            # Only roles that work with cameras are limited by area; others see the tree as it is.
            works_with_cameras = can(user, Permission.VIEW_LIVE) or can(
                user, Permission.MANAGE_CAMERAS
            )
            if user.areas and works_with_cameras and not allowed:
                item.setEnabled(False)
                item.setToolTip(self.tr("No permission for this area"))
            for place in (p for p in places if p.area_id == area.id):
                child = QStandardItem(place.name)
                child.setEditable(False)
                child.setData(place.id, PLACE_ID_ROLE)
                child.setEnabled(item.isEnabled())
                item.appendRow(child)
            self.appendRow(item)


class SitesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SitesModel(self)
        self.view = QTreeView()
        self.view.setObjectName("sites_tree")
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def populate(self, areas: list[Area], places: list[Place], user: User) -> None:
        self.model.populate(areas, places, user)
        self.view.expandAll()
