"""The sites and cameras tree: areas holding places, places holding their cameras.

Each camera row shows its latest health check (OK, unreachable, stream fails, clock off, or not
checked yet) and marks a camera reached over plain HTTP as insecure. A camera is dragged from here
onto a tile of the live grid (CAMERA_MIME, carrying its id). Technicians get a context
menu (and keys) on a camera: Test now, Rename, Remove. The panel only asks: the console runs the
service calls and feeds the results back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.camera_facts import CLOCK_WARNING_S, Health
from console.cameras import Camera
from console.domain import Area, Permission, Place, User
from console.localtime import local_time_text
from console.policy import can
from console.text import display_text

AREA_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PLACE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
CAMERA_ID_ROLE = Qt.ItemDataRole.UserRole + 3
#: The camera row's health state: one of HEALTH_STATES.
STATE_ROLE = Qt.ItemDataRole.UserRole + 4

NAME_COLUMN, STATUS_COLUMN, TRANSPORT_COLUMN = range(3)

#: A camera dragged from the tree: its id as ASCII digits.
CAMERA_MIME = "application/x-utkik-camera"

HEALTH_STATES = ("unchecked", "ok", "unreachable", "stream", "clock", "failed")

#: Colours of the states, mid-tones readable on the dark and the light theme.
_STATE_COLOURS = {
    "unchecked": "#8a9099",
    "ok": "#3fa55b",
    "unreachable": "#e5534b",
    "stream": "#e5534b",
    "clock": "#d08a1e",
    "failed": "#d08a1e",
}
_INSECURE_COLOUR = "#d08a1e"


def health_state(health: Health | None) -> str:
    """What a camera's latest check amounts to, worst first."""
    if health is None:
        return "unchecked"
    if not health.reachable:
        return "unreachable"
    if not health.stream_ok:
        return "stream"
    if health.clock_offset_s is not None and abs(health.clock_offset_s) > CLOCK_WARNING_S:
        return "clock"
    return "ok"


def camera_mime(camera_id: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(CAMERA_MIME, QByteArray(str(camera_id).encode("ascii")))
    return mime


def camera_id_from_mime(mime: QMimeData) -> int | None:
    """The camera a drag carries, or None."""
    if not mime.hasFormat(CAMERA_MIME):
        return None
    text = bytes(mime.data(CAMERA_MIME).data()).decode("ascii", "replace")
    return int(text) if text.isdigit() else None


def _dot(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class SitesModel(QStandardItemModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(
            [
                self.tr("Sites and cameras"),
                self.tr("Status"),
                self.tr("Transport"),
                self.tr("Register"),
            ]
        )
        self._places: dict[int, QStandardItem] = {}
        self._cameras: dict[int, Camera] = {}
        self._rows: dict[int, tuple[QStandardItem, QStandardItem]] = {}
        self._icons: dict[str, QIcon] = {}

    def populate(self, areas: list[Area], places: list[Place], user: User) -> None:
        self.removeRows(0, self.rowCount())
        self._places.clear()
        self._cameras.clear()
        self._rows.clear()
        for area in areas:
            item = QStandardItem(area.name)
            item.setEditable(False)
            item.setDragEnabled(False)
            item.setDropEnabled(False)
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
                child.setDragEnabled(False)
                child.setDropEnabled(False)
                child.setData(place.id, PLACE_ID_ROLE)
                child.setEnabled(item.isEnabled())
                item.appendRow(child)
                self._places[place.id] = child
            self.appendRow(item)

    # -- cameras -------------------------------------------------------------------------------

    def set_cameras(self, cameras: Iterable[Camera]) -> None:
        """Show these cameras under their places (the ones the user may see), replacing those
        shown before."""
        for shown in self._places.values():
            shown.removeRows(0, shown.rowCount())
        self._cameras.clear()
        self._rows.clear()
        for camera in cameras:
            place = self._places.get(camera.place_id)
            if place is None:
                continue
            name = QStandardItem(display_text(camera.name))
            name.setEditable(False)
            name.setData(camera.id, CAMERA_ID_ROLE)
            model = " ".join(p for p in (camera.facts.manufacturer, camera.facts.model) if p)
            name.setToolTip(
                f"{camera.host}:{camera.port}" + (f" – {display_text(model)}" if model else "")
            )
            status = QStandardItem()
            status.setEditable(False)
            status.setData(camera.id, CAMERA_ID_ROLE)
            transport = QStandardItem()
            transport.setEditable(False)
            transport.setData(camera.id, CAMERA_ID_ROLE)
            if camera.insecure_transport:
                transport.setText(self.tr("insecure"))
                transport.setForeground(QBrush(QColor(_INSECURE_COLOUR)))
                transport.setToolTip(
                    self.tr(
                        "Reached over plain HTTP: the camera's answers and its video cross the "
                        "network unencrypted."
                    )
                )
            register = QStandardItem()
            register.setEditable(False)
            register.setData(camera.id, CAMERA_ID_ROLE)
            if not camera.in_service:
                # Only technicians see such a camera (console/cameras.py): they should know why
                # it does not record and operators do not see it.
                register.setText(self.tr("not in the register"))
                register.setForeground(QBrush(QColor(_INSECURE_COLOUR)))
                register.setToolTip(
                    self.tr(
                        "This camera's entry in the surveillance register is not complete: it "
                        "is not recorded, and operators and supervisors do not see it, until an "
                        "administrator completes it."
                    )
                )
            for item in (name, status, transport, register):
                # The whole row drags the camera; nothing is dropped into the tree.
                item.setDropEnabled(False)
            place.appendRow([name, status, transport, register])
            self._cameras[camera.id] = camera
            self._rows[camera.id] = (name, status)
            self._show_health(camera.id, camera.health)

    def set_health(self, camera_id: int, health: Health) -> None:
        camera = self._cameras.get(camera_id)
        if camera is None:
            return
        self._show_health(camera_id, health)

    def set_check_failed(self, camera_id: int, reason: str) -> None:
        """The camera could not be checked at all (e.g. its login is missing from the keyring)."""
        row = self._rows.get(camera_id)
        if row is None:
            return
        name, status = row
        status.setText(self.tr("Cannot check"))
        status.setToolTip(reason)
        self._paint(name, status, "failed")

    def _show_health(self, camera_id: int, health: Health | None) -> None:
        name, status = self._rows[camera_id]
        state = health_state(health)
        texts = {
            "unchecked": self.tr("Not checked yet"),
            "ok": self.tr("OK"),
            "unreachable": self.tr("Unreachable"),
            "stream": self.tr("Stream fails"),
            "clock": self.tr("Clock off"),
        }
        text = texts[state]
        if state == "clock" and health is not None and health.clock_offset_s is not None:
            text = self.tr("Clock off (%1 s)").replace("%1", f"{health.clock_offset_s:+.1f}")
        status.setText(text)
        tip = ""
        if health is not None:
            # Health read back from the database always carries the time of its check.
            if health.checked_at is not None:
                tip = self.tr("Checked %1").replace("%1", local_time_text(health.checked_at))
            if health.error:
                tip += "\n" + display_text(health.error)
        status.setToolTip(tip)
        self._paint(name, status, state)

    def _paint(self, name: QStandardItem, status: QStandardItem, state: str) -> None:
        colour = _STATE_COLOURS[state]
        if state not in self._icons:
            self._icons[state] = _dot(colour)
        name.setIcon(self._icons[state])
        status.setForeground(QBrush(QColor(colour)))
        name.setData(state, STATE_ROLE)
        status.setData(state, STATE_ROLE)

    def camera(self, camera_id: int) -> Camera | None:
        return self._cameras.get(camera_id)

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [CAMERA_MIME]

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 - Qt override
        # Copy only: a move would make the view delete the camera's row after the drop.
        return Qt.DropAction.CopyAction

    def mimeData(  # noqa: N802 - Qt override
        self, indexes: Sequence[QModelIndex | QPersistentModelIndex]
    ) -> QMimeData:
        """A dragged camera row: the camera's id (for the live grid)."""
        for index in indexes:
            camera_id = index.data(CAMERA_ID_ROLE)
            if camera_id is not None:
                return camera_mime(int(camera_id))
        return QMimeData()

    def cameras(self) -> list[Camera]:
        return list(self._cameras.values())

    def camera_row(self, camera_id: int) -> tuple[QStandardItem, QStandardItem] | None:
        """The (name, status) items of a camera's row."""
        return self._rows.get(camera_id)

    def camera_index(self, camera_id: int) -> QModelIndex:
        row = self._rows.get(camera_id)
        return row[0].index() if row else QModelIndex()


class SitesPanel(QWidget):
    #: camera id: check its health now
    test_requested = Signal(int)
    #: (camera id, new name)
    rename_requested = Signal(int, str)
    #: camera id, removal confirmed
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SitesModel(self)
        self._user: User | None = None
        self.view = QTreeView()
        self.view.setObjectName("sites_tree")
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        # Cameras are dragged onto the live grid's tiles.
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QTreeView.DragDropMode.DragOnly)
        # Names are never cut short: a narrow panel scrolls sideways instead.
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_view_custom_context_menu_requested)
        self.test_action = self._action(self.tr("&Test now"), "F5", self._on_test_triggered)
        self.rename_action = self._action(self.tr("&Rename…"), "F2", self._on_rename_triggered)
        self.remove_action = self._action(
            self.tr("Re&move…"), QKeySequence.StandardKey.Delete, self._on_remove_triggered
        )
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)
        self._update_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # Wide enough for a place, a camera's name, its status and the insecure mark.
        return QSize(360, super().sizeHint().height())

    def _action(
        self, text: str, key: str | QKeySequence.StandardKey, slot: Callable[[], None]
    ) -> QAction:
        action = QAction(text, self.view)
        action.setShortcut(QKeySequence(key))
        # The keys work while the tree has the focus, not elsewhere in the window.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.view.addAction(action)
        return action

    def populate(self, areas: list[Area], places: list[Place], user: User) -> None:
        self._user = user
        self.model.populate(areas, places, user)
        self.view.expandAll()
        self._update_actions()

    def set_cameras(self, cameras: Iterable[Camera]) -> None:
        current = self.current_camera()
        self.model.set_cameras(cameras)
        self.view.expandAll()
        if current is not None:
            index = self.model.camera_index(current.id)
            if index.isValid():
                self.view.setCurrentIndex(index)
        self._update_actions()

    def set_health(self, camera_id: int, health: Health) -> None:
        self.model.set_health(camera_id, health)

    def set_check_failed(self, camera_id: int, reason: str) -> None:
        self.model.set_check_failed(camera_id, reason)

    # -- the technician's actions ----------------------------------------------------------------

    def select_camera(self, camera_id: int) -> None:
        index = self.model.camera_index(camera_id)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def current_camera(self) -> Camera | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        camera_id = index.data(CAMERA_ID_ROLE)
        return self.model.camera(int(camera_id)) if camera_id is not None else None

    def may_manage(self, camera: Camera) -> bool:
        """A convenience: the services check the permission themselves."""
        return self._user is not None and can(self._user, Permission.MANAGE_CAMERAS, camera.area_id)

    def _update_actions(self) -> None:
        camera = self.current_camera()
        allowed = camera is not None and self.may_manage(camera)
        for action in (self.test_action, self.rename_action, self.remove_action):
            action.setEnabled(allowed)

    def _on_view_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()

    def _on_view_custom_context_menu_requested(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.view.setCurrentIndex(index)
        camera = self.current_camera()
        if camera is None or not self.may_manage(camera):
            return
        menu = QMenu(self)
        for action in (self.test_action, self.rename_action, self.remove_action):
            menu.addAction(action)
        where = (
            self.view.visualRect(self.view.currentIndex()).center() if not index.isValid() else pos
        )
        menu.exec(self.view.viewport().mapToGlobal(where))

    def _on_test_triggered(self) -> None:
        camera = self.current_camera()
        if camera is not None and self.may_manage(camera):
            self.test_requested.emit(camera.id)

    def _on_rename_triggered(self) -> None:
        camera = self.current_camera()
        if camera is None or not self.may_manage(camera):
            return
        name = self.ask_name(camera)
        if name is not None and name.strip() and name.strip() != camera.name:
            self.rename_requested.emit(camera.id, name.strip())

    def _on_remove_triggered(self) -> None:
        camera = self.current_camera()
        if camera is not None and self.may_manage(camera) and self.confirm_remove(camera):
            self.remove_requested.emit(camera.id)

    def ask_name(self, camera: Camera) -> str | None:
        """The camera's new name, or None if the person cancelled."""
        name, ok = QInputDialog.getText(
            self,
            self.tr("Rename camera"),
            self.tr("New name for “%1”:").replace("%1", display_text(camera.name)),
            QLineEdit.EchoMode.Normal,
            camera.name,
        )
        return name if ok else None

    def confirm_remove(self, camera: Camera) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Remove camera"),
            self.tr(
                "Remove the camera “%1” (%2) from Utkik? Its login is deleted from the keyring. "
                "The removal is written to the access log."
            )
            .replace("%1", display_text(camera.name))
            .replace("%2", f"{camera.host}:{camera.port}"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
