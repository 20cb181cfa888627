"""The live grid: tiles in a layout, cameras dragged onto them, maximize, saved layouts and tours.

Layouts are the presets 1, 2×2, 3×3, 4×4, 5×5, 1+5, 1+7 and custom ones (console/layouts.py). A
camera is dragged from the sites tree onto a tile; a tile dragged onto another swaps the two (the
tiles move, their streams and logged looks go on). Double-click or Enter maximizes the selected
tile within the grid and Esc restores it. Tiles big enough (the single tile, the big tile of 1+5,
1+7 and custom layouts, a maximized tile) use the camera's main stream, small ones its sub stream.

Saved layouts and tours belong to the user (LayoutService); a tour shows its layouts in turn, each
for its dwell time. The grid can move to a window of its own on another screen: the main window
does the moving (ui/main_window.py); the grid lends its tiles' native windows for it.

Keys (docs/live-view.md): Alt+1 … Alt+7 the preset layouts, arrows select a tile and Ctrl+arrows
move it, Enter maximizes, Esc restores, PageUp/PageDown the previous/next camera in the selected
tile, Delete empties it, Ctrl+S saves the layout, Ctrl+Shift+S saves it under a new name, T starts
or stops the tour, Ctrl+P saves a snapshot of the selected tile's camera. In a maximized tile of a
PTZ camera the arrows, the number pad and + / - steer the camera while held (ui/ptz_pad.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QDir, QEvent, QMimeData, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QFocusEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.cameras import Camera, CameraService
from console.clock import Clock, SystemClock
from console.domain import Actor, Permission, Place
from console.errors import KnownError
from console.layouts import (
    Grid,
    GridKind,
    Layout,
    LayoutService,
    Tour,
)
from console.policy import can
from console.ports import CameraControls, VideoBackend
from console.snapshots import SnapshotResult, SnapshotService, snapshot_file_name
from console.text import fold
from console.viewing import LiveViews
from ui.grid_dialogs import CustomGridDialog, TourDialog
from ui.grid_tours import TourPlayer
from ui.i18n import error_text
from ui.ptz_pad import ptz_key_velocity
from ui.sites_panel import camera_id_from_mime
from ui.tasks import Pool, TaskRunner
from ui.tile import VideoTile, tile_serial_from_mime

#: The presets in the order of their keys, Alt+1 … Alt+7.
PRESETS = (
    GridKind.SINGLE,
    GridKind.GRID_2,
    GridKind.GRID_3,
    GridKind.GRID_4,
    GridKind.GRID_5,
    GridKind.ONE_PLUS_5,
    GridKind.ONE_PLUS_7,
)
_PRESET_LABELS = {
    GridKind.SINGLE: "1",
    GridKind.GRID_2: "2 × 2",
    GridKind.GRID_3: "3 × 3",
    GridKind.GRID_4: "4 × 4",
    GridKind.GRID_5: "5 × 5",
    GridKind.ONE_PLUS_5: "1 + 5",
    GridKind.ONE_PLUS_7: "1 + 7",
}
#: The grid a user starts with.
DEFAULT_GRID = Grid.preset(GridKind.GRID_2)
#: Characters a file name cannot hold on one of the desktops (Windows is the strictest).


def _fill(template: str, *values: str) -> str:
    """Qt's %1, %2 … filled in one pass (a file name holding "%2" stays as it is)."""

    def value(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return values[number - 1] if 0 < number <= len(values) else match.group(0)

    return re.sub(r"%(\d)", value, template)


class VideoGrid(QWidget):
    """The operator's live view: a toolbar above tiles in a layout."""

    #: a screen index: move the grid to its own window there; -1: back into the main window
    screen_requested = Signal(int)
    #: a short line for the status bar (a layout saved, a tour started)
    notice = Signal(str)

    def __init__(
        self,
        cameras: CameraService,
        layouts: LayoutService,
        actor: Actor,
        runner: TaskRunner,
        backend: VideoBackend | None,
        *,
        controls: CameraControls | None = None,
        clock: Clock | None = None,
        tour_timer: QTimer | None = None,
        open_first_saved: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("video_grid")
        #: open the user's first saved layout once it is loaded (the demo's overview)
        self._open_first_saved = open_first_saved
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.views = LiveViews(cameras, actor, runner)
        self._layouts = layouts
        self._actor = actor
        self._runner = runner
        self._backend = backend
        #: PTZ and snapshots; None: neither is offered
        self._controls = controls
        # PTZ commands wait on the camera: the device pool.
        self._ptz_jobs = runner.bound(pool=Pool.DEVICES)
        self._snapshots = None if controls is None else SnapshotService(cameras, controls)
        self._clock = clock or SystemClock()
        #: place id → name, shared with the tiles for their captions
        self._places: dict[int, str] = {}
        self._cameras: dict[int, Camera] = {}
        #: camera ids in the sites tree's order (for PageUp/PageDown)
        self._order: list[int] = []
        self._recording: set[int] = set()
        self._alarms: set[int] = set()
        self.tiles: list[VideoTile] = []
        self.grid_shape = DEFAULT_GRID
        self.maximized: VideoTile | None = None
        self.selected = 0
        #: the saved layout shown (Ctrl+S saves over it), if any
        self.layout_name: str | None = None
        self.saved: list[Layout] = []
        self.tours: list[Tour] = []
        self.detached = False
        self._suspended = False
        self._tours = TourPlayer(tour_timer, self)
        self._tours.layout_due.connect(self.apply_layout)
        self._tours.changed.connect(self._on_tours_changed)

        self.area = QWidget()
        self.area.setObjectName("grid_area")
        self.area.setStyleSheet("#grid_area { background: #000000; }")
        self._grid_layout = QGridLayout(self.area)
        self._grid_layout.setContentsMargins(0, 0, 0, 0)
        self._grid_layout.setSpacing(2)
        self._build_actions()
        self.toolbar = self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.area, 1)
        self.set_grid(DEFAULT_GRID)
        self.refresh_saved()

    # -- actions, menus, toolbar -------------------------------------------------------------

    def _action(
        self,
        name: str,
        text: str,
        slot: Callable[[], None],
        keys: Sequence[QKeySequence | QKeySequence.StandardKey | str] = (),
        *,
        grid_only: bool = True,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"grid_{name}")
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        # Keys that mean something elsewhere too (arrows, Enter, T) work only while the grid
        # has the focus; the layout keys anywhere in its window.
        action.setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
            if grid_only
            else Qt.ShortcutContext.WindowShortcut
        )
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_[name] = action
        return action

    def _build_actions(self) -> None:
        self.actions_: dict[str, QAction] = {}
        group = QActionGroup(self)
        for number, kind in enumerate(PRESETS, start=1):
            action = self._action(
                f"layout_{kind.value}",
                _PRESET_LABELS[kind],
                partial(self._on_preset_triggered, kind),
                [f"Alt+{number}"],
                grid_only=False,
            )
            action.setCheckable(True)
            action.setActionGroup(group)
        custom = self._action("layout_custom", self.tr("&Custom grid…"), self._on_custom_triggered)
        custom.setCheckable(True)
        custom.setActionGroup(group)
        self._action(
            "save", self.tr("&Save layout"), self._on_save_triggered, ["Ctrl+S"], grid_only=False
        )
        self._action(
            "save_as",
            self.tr("Save layout &as…"),
            self._on_save_as_triggered,
            ["Ctrl+Shift+S"],
            grid_only=False,
        )
        tour = self._action(
            "tour", self.tr("Start or stop the &tour"), self._on_tour_triggered, ["T"]
        )
        tour.setCheckable(True)
        tour.setIconText(self.tr("Tour"))
        self._action("new_tour", self.tr("&New tour…"), self._on_new_tour_triggered)
        self._action(
            "maximize", self.tr("&Maximize tile"), lambda: self.maximize(), ["Return", "Enter"]
        )
        self._action("restore", self.tr("&Restore tile"), self.restore, ["Esc"])
        self._action("clear", self.tr("&Empty tile"), self._on_clear_triggered, ["Del"])
        self._action(
            "previous_camera", self.tr("&Previous camera"), lambda: self.step_camera(-1), ["PgUp"]
        )
        self._action(
            "next_camera", self.tr("Ne&xt camera"), lambda: self.step_camera(1), ["PgDown"]
        )
        for name, key, dr, dc in (
            ("left", "Left", 0, -1),
            ("right", "Right", 0, 1),
            ("up", "Up", -1, 0),
            ("down", "Down", 1, 0),
        ):
            self._action(f"select_{name}", key, partial(self.move_selection, dr, dc), [key])
            self._action(
                f"move_{name}",
                key,
                partial(self.move_tile, dr, dc),
                [f"Ctrl+{key}"],
            )
        self._action(
            "back", self.tr("&Back to the main window"), lambda: self.screen_requested.emit(-1)
        )
        if self._controls is not None and can(self._actor, Permission.SNAPSHOT):
            # Only for users who may take snapshots somewhere; the area is checked on use.
            snapshot = self._action(
                "snapshot",
                self.tr("Save a s&napshot…"),
                self.snapshot,
                ["Ctrl+P"],
                grid_only=False,
            )
            snapshot.setIconText(self.tr("Snapshot"))
            snapshot.setToolTip(self.tr("Save a picture of the selected tile's camera (Ctrl+P)"))

        self.grid_menu = QMenu(self.tr("&Grid"), self)
        for kind in PRESETS:
            self.grid_menu.addAction(self.actions_[f"layout_{kind.value}"])
        self.grid_menu.addAction(self.actions_["layout_custom"])
        self.open_menu = QMenu(self.tr("&Open layout"), self)
        self.delete_menu = QMenu(self.tr("&Delete layout"), self)
        self.tours_menu = QMenu(self.tr("T&ours"), self)
        self.delete_tour_menu = QMenu(self.tr("D&elete tour"), self)
        self.screens_menu = QMenu(self.tr("Move to &screen"), self)
        self.screens_menu.aboutToShow.connect(self._fill_screens_menu)
        self._fill_saved_menus()
        self._fill_screens_menu()

    def menu(self, parent: QWidget | None = None) -> QMenu:
        """The Layout menu (for the main window's menu bar)."""
        menu = QMenu(self.tr("&Layout"), parent)
        menu.addMenu(self.grid_menu)
        menu.addSeparator()
        menu.addAction(self.actions_["save"])
        menu.addAction(self.actions_["save_as"])
        menu.addMenu(self.open_menu)
        menu.addMenu(self.delete_menu)
        menu.addSeparator()
        menu.addAction(self.actions_["tour"])
        menu.addMenu(self.tours_menu)
        menu.addSeparator()
        for name in ("maximize", "restore", "previous_camera", "next_camera", "clear"):
            menu.addAction(self.actions_[name])
        if "snapshot" in self.actions_:
            menu.addAction(self.actions_["snapshot"])
        menu.addSeparator()
        menu.addMenu(self.screens_menu)
        return menu

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("grid_toolbar")
        for menu in (self.grid_menu, self.open_menu, self.tours_menu, self.screens_menu):
            button = QToolButton()
            button.setText(menu.title().replace("&", ""))
            button.setMenu(menu)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            bar.addWidget(button)
        bar.addAction(self.actions_["save"])
        bar.addAction(self.actions_["tour"])
        if "snapshot" in self.actions_:
            bar.addAction(self.actions_["snapshot"])
        self.name_label = QLabel()
        self.name_label.setObjectName("grid_layout_name")
        self.name_label.setContentsMargins(12, 0, 0, 0)
        bar.addWidget(self.name_label)
        return bar

    def _fill_saved_menus(self) -> None:
        self.open_menu.clear()
        self.delete_menu.clear()
        for layout in self.saved:
            self.open_menu.addAction(layout.name, partial(self._on_open_triggered, layout.name))
            self.delete_menu.addAction(layout.name, partial(self._on_delete_triggered, layout.name))
        for menu in (self.open_menu, self.delete_menu):
            if not self.saved:
                menu.addAction(self.tr("No saved layouts")).setEnabled(False)
        self.tours_menu.clear()
        self.delete_tour_menu.clear()
        for tour in self.tours:
            self.tours_menu.addAction(tour.name, partial(self.start_tour, tour.name))
            self.delete_tour_menu.addAction(
                tour.name, partial(self._on_delete_tour_triggered, tour.name)
            )
        if self.tours:
            self.tours_menu.addSeparator()
        self.tours_menu.addAction(self.actions_["new_tour"])
        self.delete_tour_menu.setEnabled(bool(self.tours))
        self.tours_menu.addMenu(self.delete_tour_menu)

    def _fill_screens_menu(self) -> None:
        self.screens_menu.clear()
        for index, screen in enumerate(QGuiApplication.screens()):
            size = screen.geometry()
            text = (
                self.tr("Screen %1: %2 (%3 × %4)")
                .replace("%1", str(index + 1))
                .replace("%2", screen.name())
                .replace("%3", str(size.width()))
                .replace("%4", str(size.height()))
            )
            self.screens_menu.addAction(text, partial(self.screen_requested.emit, index))
        self.screens_menu.addSeparator()
        self.screens_menu.addAction(self.actions_["back"])
        self.actions_["back"].setEnabled(self.detached)

    # -- sites and cameras -------------------------------------------------------------------

    def set_sites(self, places: Iterable[Place]) -> None:
        self._places.clear()
        self._places.update({place.id: place.name for place in places})
        for tile in self.tiles:
            if tile.camera is not None:
                tile.update_camera(tile.camera)

    def set_cameras(self, cameras: Iterable[Camera]) -> None:
        """The cameras the user may see (as the sites tree shows them)."""
        listed = list(cameras)
        self._cameras = {camera.id: camera for camera in listed}
        self._order = [camera.id for camera in listed]
        for tile in self.tiles:
            if tile.camera_id is None:
                continue
            camera = self._cameras.get(tile.camera_id)
            if camera is not None:
                tile.update_camera(camera)
            elif tile.camera is not None:
                # Removed, or moved out of the user's areas: the tile finds out which.
                tile.forget_camera()

    def set_recording(self, camera_id: int, on: bool) -> None:
        """The recorder's indicator on every tile showing the camera."""
        (self._recording.add if on else self._recording.discard)(camera_id)
        for tile in self.tiles:
            if tile.camera_id == camera_id:
                tile.set_recording(on)

    def set_alarm(self, camera_id: int, on: bool) -> None:
        """An alarm's highlight on every tile showing the camera."""
        (self._alarms.add if on else self._alarms.discard)(camera_id)
        for tile in self.tiles:
            if tile.camera_id == camera_id:
                tile.set_alarm(on)

    def pop_alarm(self, camera_id: int) -> None:
        """An alarm's camera shown with the alarm's border: where a tile shows it already, there;
        otherwise in the alarm tile (the grid's last)."""
        if self.tiles and all(tile.camera_id != camera_id for tile in self.tiles):
            self.assign(len(self.tiles) - 1, camera_id)
        self.set_alarm(camera_id, True)

    # -- the layout --------------------------------------------------------------------------

    def set_grid(self, grid: Grid) -> None:
        """Show `grid`; tiles beyond its count stop, new ones start empty."""
        self.maximized = None
        while len(self.tiles) > grid.count:
            tile = self.tiles.pop()
            self._grid_layout.removeWidget(tile)
            tile.stop()
            tile.hide()
            tile.deleteLater()
        while len(self.tiles) < grid.count:
            self.tiles.append(self._new_tile())
        self.grid_shape = grid
        key = f"layout_{grid.kind.value}"
        self.actions_[key].setChecked(True)
        self.select(min(self.selected, grid.count - 1))
        self._relayout()

    def _new_tile(self) -> VideoTile:
        tile = VideoTile(
            self.views,
            self._backend,
            self._places,
            self.area,
            controls=self._controls,
            ptz_jobs=self._ptz_jobs,
        )
        tile.pressed.connect(lambda t=tile: self._on_tile_pressed(t))
        tile.double_clicked.connect(lambda t=tile: self._on_tile_double_clicked(t))
        tile.dropped.connect(lambda mime, t=tile: self._on_tile_dropped(t, mime))
        if self._suspended:
            tile.suspend()
        return tile

    def _relayout(self) -> None:
        grid = self._grid_layout
        while grid.count():
            grid.takeAt(0)
        shape = self.grid_shape
        for row in range(max(grid.rowCount(), shape.rows)):
            grid.setRowStretch(row, 1 if row < shape.rows else 0)
        for col in range(max(grid.columnCount(), shape.cols)):
            grid.setColumnStretch(col, 1 if col < shape.cols else 0)
        if self.maximized is not None:
            for tile in self.tiles:
                tile.setVisible(tile is self.maximized)
            grid.addWidget(self.maximized, 0, 0, shape.rows, shape.cols)
        else:
            for tile, cell in zip(self.tiles, shape.cells(), strict=True):
                grid.addWidget(tile, cell.row, cell.col, cell.rows, cell.cols)
                tile.show()
        for index, tile in enumerate(self.tiles):
            tile.set_big(
                tile is self.maximized if self.maximized is not None else shape.is_big(index)
            )
            tile.set_maximized(tile is self.maximized)
        self._show_name()

    def layout_state(self) -> tuple[Grid, tuple[int | None, ...]]:
        """The grid and the camera of each tile, as a layout saves them."""
        return self.grid_shape, tuple(tile.camera_id for tile in self.tiles)

    def assign(self, index: int, camera_id: int | None) -> None:
        """Show camera `camera_id` (None: nothing) in tile `index`."""
        tile = self.tiles[index]
        tile.assign(camera_id, self._cameras.get(camera_id) if camera_id is not None else None)
        tile.set_recording(camera_id in self._recording)
        tile.set_alarm(camera_id in self._alarms)

    def swap(self, a: int, b: int) -> None:
        """Swap two tiles (their pictures move; nothing reconnects)."""
        if a == b:
            return
        tiles = self.tiles
        tiles[a], tiles[b] = tiles[b], tiles[a]
        self._relayout()

    def index_of(self, tile: VideoTile) -> int:
        return self.tiles.index(tile)

    # -- maximize and selection --------------------------------------------------------------

    def maximize(self, index: int | None = None) -> None:
        """Maximize tile `index` (the selected one by default) within the grid."""
        tile = self.tiles[self.selected if index is None else index]
        if self.maximized is tile:
            return
        self.select(self.index_of(tile))
        # Its picture stays, scaled, while the tile grows and libvlc catches up.
        tile.hold_picture()
        self.maximized = tile
        self._relayout()

    def restore(self) -> None:
        if self.maximized is None:
            return
        self.maximized.hold_picture()
        self.maximized = None
        self._relayout()

    def select(self, index: int) -> None:
        self.selected = index
        for i, tile in enumerate(self.tiles):
            tile.set_selected(i == index)

    def _neighbour(self, index: int, dr: int, dc: int) -> int | None:
        """The tile next to tile `index` in a direction, if there is one."""
        cells = self.grid_shape.cells()
        cell = cells[index]
        row = cell.row + (cell.rows if dr > 0 else dr)
        col = cell.col + (cell.cols if dc > 0 else dc)
        if dr == 0:
            row = cell.row
        if dc == 0:
            col = cell.col
        for other, candidate in enumerate(cells):
            if (
                candidate.row <= row < candidate.row + candidate.rows
                and candidate.col <= col < candidate.col + candidate.cols
            ):
                return other
        return None

    def move_selection(self, dr: int, dc: int) -> None:
        if self.maximized is not None:
            return
        target = self._neighbour(self.selected, dr, dc)
        if target is not None:
            self.select(target)

    def move_tile(self, dr: int, dc: int) -> None:
        """Move the selected tile one step (it swaps with the tile there)."""
        if self.maximized is not None:
            return
        target = self._neighbour(self.selected, dr, dc)
        if target is not None:
            self.swap(self.selected, target)
            self.select(target)

    def step_camera(self, step: int) -> None:
        """Show the previous (-1) or next (1) camera of the tree in the selected tile."""
        order = [
            camera_id
            for camera_id in self._order
            if can(self._actor, Permission.VIEW_LIVE, self._cameras[camera_id].area_id)
        ]
        if not order:
            return
        current = self.tiles[self.selected].camera_id
        if current in order:
            position = (order.index(current) + step) % len(order)
        else:
            position = 0 if step > 0 else len(order) - 1
        self.assign(self.selected, order[position])

    def _on_tile_pressed(self, tile: VideoTile) -> None:
        self.select(self.index_of(tile))
        self.setFocus()

    def _on_tile_double_clicked(self, tile: VideoTile) -> None:
        if self.maximized is tile:
            self.restore()
        else:
            self.maximize(self.index_of(tile))

    def _on_tile_dropped(self, tile: VideoTile, mime: QMimeData) -> None:
        self.drop(self.index_of(tile), mime)

    def drop(self, index: int, mime: QMimeData) -> None:
        """A camera from the tree, or another tile, dropped on tile `index`."""
        camera_id = camera_id_from_mime(mime)
        if camera_id is not None:
            self.assign(index, camera_id)
            self.select(index)
            return
        serial = tile_serial_from_mime(mime)
        source = next((i for i, t in enumerate(self.tiles) if t.serial == serial), None)
        if source is not None:
            self.swap(source, index)
            self.select(index)

    def _on_clear_triggered(self) -> None:
        self.assign(self.selected, None)

    # -- PTZ keys and snapshots --------------------------------------------------------------

    def _ptz_tile(self) -> VideoTile | None:
        """The maximized tile, when it steers its camera."""
        tile = self.maximized
        return tile if tile is not None and tile.ptz is not None else None

    def event(self, event: QEvent) -> bool:
        # The arrows are the grid's shortcuts (to select a tile); over a maximized PTZ tile they
        # steer the camera instead, and must come as key presses to be followed by releases.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._ptz_tile() is not None
            and ptz_key_velocity(event.key(), event.modifiers()) is not None
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        tile = self._ptz_tile()
        if tile is not None and tile.ptz_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        tile = self._ptz_tile()
        if tile is not None and tile.ptz_key(event):
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        # The releases of keys held now will go elsewhere: the camera stops now.
        if self.maximized is not None:
            self.maximized.release_ptz()
        super().focusOutEvent(event)

    def snapshot(self) -> None:
        """Save a picture of the selected tile's camera to a file the operator names
        (SnapshotService: the entry first, then the picture)."""
        snapshots = self._snapshots
        if snapshots is None:
            return
        camera = self.tiles[self.selected].camera
        if camera is None:
            self.notice.emit(self.tr("Select a tile showing a camera first."))
            return
        actor = self._actor
        if not snapshots.may_take(actor, camera):
            self.notice.emit(
                self.tr("You may not take snapshots of %1.").replace("%1", camera.name)
            )
            return
        path = self.ask_snapshot_path(self.snapshot_path(camera))
        if not path:
            return

        def taken(result: SnapshotResult) -> None:
            if result.write_error:
                text = _fill(
                    self.tr("The snapshot could not be saved as %1: %2"),
                    result.path,
                    result.write_error,
                )
            else:
                text = _fill(self.tr("Saved a snapshot of %1 as %2."), camera.name, result.path)
            self.notice.emit(text)

        self._runner.run(
            lambda: snapshots.take(actor, camera, path), taken, receiver=self, pool=Pool.DEVICES
        )

    def snapshot_path(self, camera: Camera) -> str:
        """Where a snapshot goes unless the operator says otherwise: the camera's name and the
        local time, a .jpg in the user's Pictures folder."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        name = snapshot_file_name(camera, self._clock.now())
        return str(Path(folder or QDir.homePath()) / name)

    # -- saved layouts -----------------------------------------------------------------------

    def refresh_saved(self) -> None:
        """Load the user's saved layouts and tours into the menus."""
        layouts, actor = self._layouts, self._actor
        self._runner.run(
            lambda: (layouts.list(actor), layouts.tours(actor)),
            self._on_saved_loaded,
            receiver=self,
        )

    def _on_saved_loaded(self, loaded: tuple[list[Layout], list[Tour]]) -> None:
        self.saved, self.tours = loaded
        self._fill_saved_menus()
        if self._open_first_saved and self.saved:
            self._open_first_saved = False
            if all(tile.camera_id is None for tile in self.tiles):
                self.open_layout(self.saved[0].name)

    def save_layout(self, name: str) -> None:
        layouts, actor = self._layouts, self._actor
        grid, tiles = self.layout_state()

        def saved(layout: Layout) -> None:
            self.layout_name = layout.name
            self._show_name()
            self.notice.emit(self.tr("Saved the layout “%1”.").replace("%1", layout.name))
            self.refresh_saved()

        self._runner.run(lambda: layouts.save(actor, name, grid, tiles), saved, receiver=self)

    def open_layout(self, name: str) -> None:
        layouts, actor = self._layouts, self._actor

        self._runner.run(lambda: layouts.get(actor, name), self.apply_layout, receiver=self)

    def apply_layout(self, layout: Layout) -> None:
        """Show a saved layout: its grid, its cameras in their tiles."""
        self.set_grid(layout.grid)
        for index, camera_id in enumerate(layout.tiles):
            self.assign(index, camera_id)
        self.layout_name = layout.name
        self._show_name()

    def delete_layout(self, name: str) -> None:
        layouts, actor = self._layouts, self._actor

        def deleted(_none: None) -> None:
            if self.layout_name is not None and fold(self.layout_name) == fold(name):
                self.layout_name = None
                self._show_name()
            self.refresh_saved()

        self._runner.run(lambda: layouts.delete(actor, name), deleted, receiver=self)

    def _on_preset_triggered(self, kind: GridKind) -> None:
        self.stop_tour()
        self.set_grid(Grid.preset(kind))

    def _on_custom_triggered(self) -> None:
        grid = self.ask_custom_grid()
        if grid is None:
            # The checked mark goes back to the grid shown.
            self.actions_[f"layout_{self.grid_shape.kind.value}"].setChecked(True)
            return
        self.stop_tour()
        self.set_grid(grid)

    def _on_save_triggered(self) -> None:
        if self.layout_name is None:
            self._on_save_as_triggered()
        else:
            self.save_layout(self.layout_name)

    def _on_save_as_triggered(self) -> None:
        name = self.ask_layout_name()
        if not name or not name.strip():
            return
        if any(fold(layout.name) == fold(name) for layout in self.saved) and not self.confirm(
            self.tr("Replace the saved layout “%1”?").replace("%1", name.strip())
        ):
            return
        self.save_layout(name)

    def _on_open_triggered(self, name: str) -> None:
        self.stop_tour()
        self.open_layout(name)

    def _on_delete_triggered(self, name: str) -> None:
        if self.confirm(self.tr("Delete the saved layout “%1”?").replace("%1", name)):
            self.delete_layout(name)

    # -- tours -------------------------------------------------------------------------------

    def start_tour(self, name: str) -> None:
        layouts, actor = self._layouts, self._actor

        self._runner.run(
            lambda: layouts.get_tour(actor, name),
            self._begin_tour,
            self._on_tour_failed,
            receiver=self,
        )

    def _on_tour_failed(self, err: KnownError) -> None:
        self.actions_["tour"].setChecked(self.tour is not None)
        self.notice.emit(error_text(err))

    @property
    def tour(self) -> Tour | None:
        """The tour going on, if any."""
        return self._tours.tour

    def _begin_tour(self, tour: Tour) -> None:
        if not tour.layouts:
            self.actions_["tour"].setChecked(False)
            self.notice.emit(self.tr("The tour “%1” has no layouts left.").replace("%1", tour.name))
            return
        self._tours.begin(tour)
        self.notice.emit(self.tr("Tour “%1” started.").replace("%1", tour.name))

    def stop_tour(self) -> None:
        self._tours.stop()
        self.actions_["tour"].setChecked(False)

    def _on_tours_changed(self) -> None:
        self.actions_["tour"].setChecked(self._tours.tour is not None)
        self._show_name()

    def _on_tour_triggered(self) -> None:
        if self.tour is not None:
            self.stop_tour()
            return
        names = [tour.name for tour in self.tours]
        last = self._tours.last
        name = last if last in names else names[0] if names else None
        if name is None:
            self.actions_["tour"].setChecked(False)
            self.notice.emit(
                self.tr("No tours saved yet: make one with Layout ▸ Tours ▸ New tour…")
            )
            return
        self.start_tour(name)

    def _on_new_tour_triggered(self) -> None:
        if not self.saved:
            self.notice.emit(self.tr("Save a layout first: a tour shows saved layouts."))
            return
        answer = self.ask_tour()
        if answer is not None:
            self.save_tour(*answer)

    def save_tour(self, name: str, layouts: Sequence[str], dwell_s: int) -> None:
        service, actor = self._layouts, self._actor

        def saved(tour: Tour) -> None:
            self._tours.last = tour.name
            self.notice.emit(self.tr("Saved the tour “%1”.").replace("%1", tour.name))
            self.refresh_saved()

        self._runner.run(
            lambda: service.save_tour(actor, name, list(layouts), dwell_s), saved, receiver=self
        )

    def _on_delete_tour_triggered(self, name: str) -> None:
        if not self.confirm(self.tr("Delete the tour “%1”?").replace("%1", name)):
            return
        service, actor = self._layouts, self._actor
        if self.tour is not None and fold(self.tour.name) == fold(name):
            self.stop_tour()
        self._runner.run(
            lambda: service.delete_tour(actor, name),
            lambda _none: self.refresh_saved(),
            receiver=self,
        )

    def _show_name(self) -> None:
        tour = self._tours.tour
        if tour is not None:
            text = (
                self.tr("Tour “%1”: %2 (%3 of %4)")
                .replace("%1", tour.name)
                .replace("%2", self.layout_name or "")
                .replace("%3", str(self._tours.step + 1))
                .replace("%4", str(len(tour.layouts)))
            )
        else:
            text = self.layout_name or ""
        self.name_label.setText(text)

    # -- questions (tests answer them directly) ----------------------------------------------

    def ask_layout_name(self) -> str | None:
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save layout"),
            self.tr("Name of the layout:"),
            QLineEdit.EchoMode.Normal,
            self.layout_name or "",
        )
        return name if ok else None

    def ask_snapshot_path(self, default: str) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save snapshot"), default, self.tr("JPEG pictures (*.jpg *.jpeg)")
        )
        return path or None

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Layouts"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_custom_grid(self) -> Grid | None:
        dialog = CustomGridDialog(self.grid_shape, self)
        return dialog.grid if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_tour(self) -> tuple[str, list[str], int] | None:
        dialog = TourDialog([layout.name for layout in self.saved], self)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    # -- the console's life ------------------------------------------------------------------

    def set_detached(self, detached: bool) -> None:
        """The grid is in a window of its own (or back in the main window)."""
        self.detached = detached
        self.actions_["back"].setEnabled(detached)

    def suspend(self) -> None:
        """Stop every stream and end every logged look, keeping the layout (the console locks)."""
        self._suspended = True
        self._tours.hold()
        for action in self.actions_.values():
            action.setEnabled(False)
        for tile in self.tiles:
            tile.suspend()

    def resume(self) -> None:
        self._suspended = False
        for action in self.actions_.values():
            action.setEnabled(True)
        self.actions_["back"].setEnabled(self.detached)
        for tile in self.tiles:
            tile.resume()
        self._tours.release()

    def release_video(self) -> None:
        """Before the grid moves to another window: the tiles give up their native windows."""
        for tile in self.tiles:
            tile.release_video()

    def restore_video(self) -> None:
        for tile in self.tiles:
            tile.restore_video()
        self._relayout()

    def stop(self) -> None:
        """Stop everything (the window closes, the user logs out)."""
        self.stop_tour()
        for tile in self.tiles:
            tile.stop()
