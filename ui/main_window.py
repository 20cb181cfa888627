"""The main window as a shell: dockable panels around the live grid, menus, a status bar.

The live grid (ui/grid.py) fills the central area for the roles that watch live video; it can move
to a window of its own on another screen (GridWindow) and back. Full screen (F11) leaves only the
grid. Locking hides the grid's windows and stops its video: native video windows are drawn over
any ordinary widget, the lock screen included.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.camera_facts import Health
from console.cameras import Camera
from console.domain import Area, Permission, Place, User
from console.policy import can
from ui.alarms_panel import AlarmsPanel
from ui.grid import VideoGrid
from ui.i18n import role_label
from ui.lock import LockScreen
from ui.sites_panel import SitesPanel

#: The permission each menu action needs; the others are open to everyone logged in.
_NEEDS: dict[str, Permission] = {
    "users": Permission.MANAGE_USERS,
    "audit": Permission.VIEW_AUDIT,
    "register": Permission.VIEW_REGISTER,
    "add_cameras": Permission.MANAGE_CAMERAS,
    "playback": Permission.VIEW_RECORDED,
    "playback_layout": Permission.VIEW_RECORDED,
    "evidence": Permission.EVIDENCE_LOCK,
    "exports": Permission.EXPORT_REQUEST,
    "cases": Permission.SUBJECT_ACCESS,
}


def _placeholder(text: str, name: str) -> QWidget:
    """A panel for a feature this version does not have: it says so, rather than showing an
    empty state that could be read as "nothing is wrong"."""
    widget = QWidget()
    widget.setObjectName(name)
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setEnabled(False)
    layout = QVBoxLayout(widget)
    layout.addWidget(label)
    return widget


class MainWindow(QMainWindow):
    #: the person asked to lock the console
    lock_requested = Signal()
    #: the password typed on the lock screen
    unlock_requested = Signal(str)
    #: log out and show the login
    switch_user_requested = Signal()
    #: "sv" or "en"
    language_requested = Signal(str)
    #: "dark" or "light"
    theme_requested = Signal(str)
    #: open user management
    users_requested = Signal()
    #: open the access-log viewer
    audit_requested = Signal()
    #: open the surveillance register (the menu, its key, or the status bar's reminder)
    register_requested = Signal()
    #: open the wizard that finds and adds cameras
    add_cameras_requested = Signal()
    #: play back recorded video: True for the live grid's layout as it is, False to choose the
    #: cameras
    playback_requested = Signal(bool)
    #: the supervisor asks for the evidence locks
    evidence_requested = Signal()
    #: the supervisor asks for the export requests
    exports_requested = Signal()
    #: the supervisor asks for the subject access cases
    cases_requested = Signal()
    #: the person closed the window (Quit, or the window manager's close button)
    closed = Signal()

    def __init__(
        self,
        user: User,
        ui_settings: QSettings,
        *,
        language: str,
        theme: str,
        data_dir: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.user = user
        self._ui_settings = ui_settings
        self._title = self.tr("Utkik – %1").replace("%1", user.name)
        self.setWindowTitle(self._title)
        self.resize(1280, 800)
        self.video_area = QFrame()
        self.video_area.setObjectName("video_area")
        self.video_area.setStyleSheet("#video_area { background: #000000; }")
        if can(user, Permission.VIEW_LIVE):
            hint = QLabel(self.tr("The video grid appears here once cameras have been added."))
        else:
            hint = QLabel(self.tr("Live video is not part of your role."))
        hint.setStyleSheet("color: #8a9099;")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint = hint
        video_layout = QVBoxLayout(self.video_area)
        video_layout.setContentsMargins(0, 0, 0, 0)
        #: red while recording is paused (a full disk), amber for a warning; hidden when all is well
        self.recording_banner = QLabel()
        self.recording_banner.setObjectName("recording_banner")
        self.recording_banner.setWordWrap(True)
        self.recording_banner.hide()
        video_layout.addWidget(self.recording_banner)
        video_layout.addWidget(hint)
        #: shown in the central area while the grid is on another screen
        self.grid_away = QWidget()
        self.grid_away.setObjectName("grid_away")
        self.grid_away_label = QLabel()
        self.grid_away_label.setStyleSheet("color: #8a9099;")
        self.grid_away_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        back = QPushButton(self.tr("&Bring the live video back"))
        back.setObjectName("grid_back")
        back.clicked.connect(self.bring_grid_back)
        away_layout = QVBoxLayout(self.grid_away)
        away_layout.addStretch(1)
        away_layout.addWidget(self.grid_away_label)
        away_layout.addWidget(back, 0, Qt.AlignmentFlag.AlignHCenter)
        away_layout.addStretch(1)
        self.grid_away.hide()
        video_layout.addWidget(self.grid_away)
        self.setCentralWidget(self.video_area)
        self.grid: VideoGrid | None = None
        #: the alarm list, once the console has given it
        self.alarms: AlarmsPanel | None = None
        self.grid_window: GridWindow | None = None
        #: docks that were visible before full screen hid them
        self._docks_before_full_screen: list[QDockWidget] = []
        self.sites = SitesPanel()
        self.docks = {
            "sites": self._dock("sites_dock", self.tr("Sites and cameras"), self.sites),
            "alarms": self._dock(
                "alarms_dock",
                self.tr("Alarms"),
                _placeholder(self.tr("Loading the alarms …"), "alarms_loading"),
            ),
            # The Lighting dock's panel comes with set_lighting (it needs the core's services).
            "lighting": self._dock("lighting_dock", self.tr("Lighting"), QWidget()),
            "log": self._dock(
                "log_dock",
                self.tr("Log"),
                _placeholder(self.tr("The event log is not available yet."), "log"),
            ),
        }
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.docks["sites"])
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.docks["alarms"])
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.docks["lighting"])
        # Alarms and lighting share the right side as tabs, alarms in front: stacked, their
        # panels would not fit a 1280×800 screen.
        self.tabifyDockWidget(self.docks["alarms"], self.docks["lighting"])
        self.docks["alarms"].raise_()
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.docks["log"])
        self._build_menus(language, theme)
        self.user_label = QLabel(
            self.tr("Logged in as %1 (%2)")
            .replace("%1", user.name)
            .replace("%2", role_label(user.role))
        )
        self.user_label.setObjectName("user_label")
        #: what the recording engine does (how many cameras, or which process records)
        self.recording_label = QLabel()
        self.recording_label.setObjectName("recording_label")
        #: how many alarms are new and acknowledged (hidden for roles without alarms)
        self.alarms_label = QLabel()
        self.alarms_label.setObjectName("alarms_label")
        self.alarms_label.hide()
        #: the register's reminder (reviews overdue, entries incomplete); click to open it
        self.register_note = QPushButton()
        self.register_note.setObjectName("register_note")
        self.register_note.setFlat(True)
        self.register_note.setCursor(Qt.CursorShape.PointingHandCursor)
        self.register_note.setToolTip(self.tr("Open the surveillance register"))
        # The alarm colours of the status bar: white on red reads on the dark and light themes.
        self.register_note.setStyleSheet(
            "#register_note { color: #ffffff; background: #b3261e; padding: 0 6px; border: none; }"
        )
        self.register_note.clicked.connect(self.register_requested)
        self.register_note.hide()
        self.statusBar().addPermanentWidget(self.register_note)
        self.statusBar().addPermanentWidget(self.alarms_label)
        self.statusBar().addPermanentWidget(self.recording_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(QLabel(data_dir))
        self.lock_screen: LockScreen | None = None
        self._hidden_floating: list[QDockWidget] = []
        self._restore()

    def set_lighting(self, panel: QWidget) -> None:
        """The Lighting dock's panel (ui/lighting.py)."""
        self.docks["lighting"].setWidget(panel)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        return dock

    def _build_menus(self, language: str, theme: str) -> None:
        self.menu_actions: dict[str, QAction] = {}
        console = self.menuBar().addMenu(self.tr("&Console"))
        self.menu_actions["lock"] = console.addAction(self.tr("&Lock"))
        self.menu_actions["lock"].setShortcut(QKeySequence("Ctrl+L"))
        self.menu_actions["lock"].triggered.connect(self.lock_requested)
        self.menu_actions["switch_user"] = console.addAction(self.tr("&Switch user…"))
        self.menu_actions["switch_user"].setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.menu_actions["switch_user"].triggered.connect(self.switch_user_requested)
        console.addSeparator()
        self.menu_actions["quit"] = console.addAction(self.tr("&Quit"))
        self.menu_actions["quit"].setShortcut(QKeySequence("Ctrl+Q"))
        self.menu_actions["quit"].triggered.connect(self.close)

        view = self.menuBar().addMenu(self.tr("&View"))
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self.menu_actions["full_screen"] = view.addAction(self.tr("&Full screen"))
        self.menu_actions["full_screen"].setShortcut(QKeySequence("F11"))
        self.menu_actions["full_screen"].setCheckable(True)
        self.menu_actions["full_screen"].toggled.connect(self._on_full_screen_toggled)
        # Also on the window itself: in full screen the menu bar is hidden, and with it the keys
        # of its menus.
        self.addAction(self.menu_actions["full_screen"])
        self.addAction(self.menu_actions["lock"])
        themes = view.addMenu(self.tr("&Theme"))
        group = QActionGroup(self)
        for key, label in (("dark", self.tr("Dark")), ("light", self.tr("Light"))):
            action = themes.addAction(label)
            action.setCheckable(True)
            action.setChecked(key == theme)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, k=key: self.theme_requested.emit(k))
            self.menu_actions[f"theme_{key}"] = action
        languages = view.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        # Each language is named in itself, so that anyone can find their own.
        for key, label in (("sv", "Svenska"), ("en", "English")):
            action = languages.addAction(label)
            action.setCheckable(True)
            action.setChecked(key == language)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, k=key: self.language_requested.emit(k))
            self.menu_actions[f"language_{key}"] = action

        # The action exists for everyone (disabled without the permission); its menu only for
        # the roles that work with cameras, so administrators and auditors see no empty menu.
        self.menu_actions["add_cameras"] = QAction(self.tr("&Add cameras…"), self)
        self.menu_actions["add_cameras"].setObjectName("add_cameras")
        # The access log's Ctrl+Shift+A too: no role both manages cameras and reads the log,
        # and Qt only weighs enabled actions, so the two never compete.
        self.menu_actions["add_cameras"].setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.menu_actions["add_cameras"].triggered.connect(self.add_cameras_requested)
        if can(self.user, Permission.VIEW_LIVE) or can(self.user, Permission.MANAGE_CAMERAS):
            cameras = self.menuBar().addMenu(self.tr("Ca&meras"))
            cameras.addAction(self.menu_actions["add_cameras"])

        # As with adding cameras: the actions for everyone (disabled without the permission),
        # the menu only for the roles that play back. Ctrl+P is the grid's snapshot.
        self.menu_actions["playback"] = QAction(self.tr("&Play back recorded video…"), self)
        self.menu_actions["playback"].setObjectName("playback")
        self.menu_actions["playback"].setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.menu_actions["playback"].triggered.connect(lambda: self.playback_requested.emit(False))
        self.menu_actions["playback_layout"] = QAction(self.tr("Play back this &layout"), self)
        self.menu_actions["playback_layout"].setObjectName("playback_layout")
        self.menu_actions["playback_layout"].setShortcut(QKeySequence("Ctrl+Alt+P"))
        self.menu_actions["playback_layout"].triggered.connect(
            lambda: self.playback_requested.emit(True)
        )
        self.menu_actions["evidence"] = QAction(self.tr("&Evidence locks…"), self)
        self.menu_actions["evidence"].setObjectName("evidence")
        self.menu_actions["evidence"].triggered.connect(self.evidence_requested)
        self.menu_actions["exports"] = QAction(self.tr("E&xport requests…"), self)
        self.menu_actions["exports"].setObjectName("exports")
        self.menu_actions["exports"].triggered.connect(self.exports_requested)
        self.menu_actions["cases"] = QAction(self.tr("&Subject access cases…"), self)
        self.menu_actions["cases"].setObjectName("cases")
        self.menu_actions["cases"].triggered.connect(self.cases_requested)
        if can(self.user, Permission.VIEW_RECORDED):
            playback = self.menuBar().addMenu(self.tr("Play&back"))
            playback.addAction(self.menu_actions["playback"])
            playback.addAction(self.menu_actions["playback_layout"])
            if can(self.user, Permission.EVIDENCE_LOCK):
                playback.addSeparator()
                playback.addAction(self.menu_actions["evidence"])
            if can(self.user, Permission.EXPORT_REQUEST):
                playback.addAction(self.menu_actions["exports"])
            if can(self.user, Permission.SUBJECT_ACCESS):
                playback.addAction(self.menu_actions["cases"])

        admin = self.menuBar().addMenu(self.tr("&Administration"))
        self._admin_menu = admin
        self.menu_actions["users"] = admin.addAction(self.tr("&Users…"))
        self.menu_actions["users"].triggered.connect(self.users_requested)
        self.menu_actions["audit"] = admin.addAction(self.tr("&Access log…"))
        self.menu_actions["audit"].setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.menu_actions["audit"].triggered.connect(self.audit_requested)
        self.menu_actions["register"] = admin.addAction(self.tr("Surveillance &register…"))
        self.menu_actions["register"].setObjectName("register")
        self.menu_actions["register"].setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.menu_actions["register"].triggered.connect(self.register_requested)
        for name in _NEEDS:
            self.menu_actions[name].setEnabled(self._allowed(name))

    def _allowed(self, action: str) -> bool:
        """Whether the user may use a menu action. A convenience only: the services check the
        permission themselves."""
        needed = _NEEDS.get(action)
        return needed is None or can(self.user, needed)

    def _on_full_screen_toggled(self, on: bool) -> None:
        """Full screen shows the live grid alone; leaving it brings the panels back."""
        if on:
            self._docks_before_full_screen = [d for d in self.docks.values() if d.isVisible()]
            for dock in self._docks_before_full_screen:
                dock.hide()
            self.menuBar().hide()
            self.statusBar().hide()
            self.showFullScreen()
        else:
            for dock in self._docks_before_full_screen:
                dock.show()
            self._docks_before_full_screen = []
            self.menuBar().show()
            self.statusBar().show()
            self.showNormal()

    def show_sites(
        self, areas: list[Area], places: list[Place], cameras: list[Camera] | None = None
    ) -> None:
        self.sites.populate(areas, places, self.user)
        if self.grid is not None:
            self.grid.set_sites(places)
        if cameras is not None:
            self.show_cameras(cameras)

    def show_cameras(self, cameras: list[Camera]) -> None:
        self.sites.set_cameras(cameras)
        if self.grid is not None:
            self.grid.set_cameras(cameras)

    # -- alarms ------------------------------------------------------------------------------

    def set_alarms(self, panel: AlarmsPanel) -> None:
        """The alarm list in the Alarms dock, in place of the placeholder."""
        self.alarms = panel
        old = self.docks["alarms"].widget()
        self.docks["alarms"].setWidget(panel)
        if old is not None:
            old.deleteLater()

    def show_alarm_counts(self, new: int, acknowledged: int) -> None:
        """The open alarms in the status bar, and the new ones in the window title (seen in the
        task bar while another window is in front)."""
        self.alarms_label.setText(
            self.tr("Alarms: %1 new, %2 acknowledged")
            .replace("%1", str(new))
            .replace("%2", str(acknowledged))
        )
        self.alarms_label.setStyleSheet(
            "#alarms_label { color: #ffffff; background: #b3261e; padding: 0 4px; }" if new else ""
        )
        self.alarms_label.show()
        title = self._title
        if new:
            count = self.tr("%n new alarm(s)", "", new)
            title = f"{title} – {count}"
        self.setWindowTitle(title)

    def show_register_note(self, text: str) -> None:
        """The register's reminder in the status bar; hidden when `text` is empty."""
        self.register_note.setText(text)
        self.register_note.setVisible(bool(text))

    # -- the live grid -----------------------------------------------------------------------

    def show_recording(self, banner: str, alarm: bool, summary: str) -> None:
        """The recording engine's state: a banner over the video (red when `alarm`, amber
        otherwise; hidden when `banner` is empty) and a line in the status bar."""
        colour = "#b3261e" if alarm else "#8a5a00"
        self.recording_banner.setStyleSheet(
            f"#recording_banner {{ background: {colour}; color: #ffffff; padding: 6px;"
            " font-weight: bold; }"
        )
        self.recording_banner.setText(banner)
        self.recording_banner.setVisible(bool(banner))
        self.recording_label.setText(summary)

    def set_grid(self, grid: VideoGrid) -> None:
        """Put the live grid in the central area, with its Layout menu."""
        self.grid = grid
        self._hint.hide()
        layout = self.video_area.layout()
        assert layout is not None
        layout.addWidget(grid)
        grid.toolbar.addSeparator()
        grid.toolbar.addAction(self.menu_actions["full_screen"])
        self.menuBar().insertMenu(self._admin_menu.menuAction(), grid.menu(self))
        grid.screen_requested.connect(self._on_grid_screen_requested)
        grid.notice.connect(self._on_grid_notice)

    def _on_grid_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _on_grid_screen_requested(self, index: int) -> None:
        screens = QGuiApplication.screens()
        if index < 0:
            self.bring_grid_back()
        elif index < len(screens):
            self.move_grid_to_screen(screens[index])

    def move_grid_to_screen(self, screen: QScreen) -> None:
        """The grid in a full-screen window of its own on `screen` (a second monitor)."""
        grid = self.grid
        if grid is None:
            return
        window = self.grid_window
        moved = window is None
        if window is None:
            # The tiles' native video windows cannot follow a widget into another window on
            # every platform: they are made anew there and the streams reopen (the logged looks
            # go on).
            grid.release_video()
            window = GridWindow(self.user.name, self)
            window.closed.connect(self.bring_grid_back)
            window.hold(grid)
            grid.set_detached(True)
            self.grid_window = window
        number = QGuiApplication.screens().index(screen) + 1
        self.grid_away_label.setText(
            self.tr("The live video is on screen %1.").replace("%1", str(number))
        )
        self.grid_away.show()
        window.setScreen(screen)
        window.setGeometry(screen.geometry())
        window.showFullScreen()
        if moved:
            grid.restore_video()

    def bring_grid_back(self) -> None:
        grid, window = self.grid, self.grid_window
        if grid is None or window is None:
            return
        self.grid_window = None
        grid.release_video()
        layout = self.video_area.layout()
        assert layout is not None
        layout.addWidget(grid)
        grid.set_detached(False)
        self.grid_away.hide()
        window.closed.disconnect(self.bring_grid_back)
        window.hide()
        window.deleteLater()
        grid.restore_video()

    def stop_video(self) -> None:
        """Stop every stream and end the logged looks (the window closes or is replaced)."""
        if self.grid is not None:
            self.grid.stop()
        if self.grid_window is not None:
            self.grid_window.hide()

    def show_health(self, camera_id: int, health: Health) -> None:
        self.sites.set_health(camera_id, health)

    # -- lock --------------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.lock_screen is not None

    def lock(self) -> None:
        if self.lock_screen is not None:
            return
        self.lock_screen = LockScreen(self.user.name, self)
        self.lock_screen.unlock_requested.connect(self.unlock_requested)
        self.lock_screen.switch_user_requested.connect(self.switch_user_requested)
        self.lock_screen.setGeometry(self.rect())
        # Floating panels are windows of their own that the cover cannot reach: hide them too.
        self._hidden_floating = [d for d in self.docks.values() if d.isFloating() and d.isVisible()]
        for dock in self._hidden_floating:
            dock.hide()
        self.menuBar().setEnabled(False)
        for name, action in self.menu_actions.items():
            if name != "quit":
                action.setEnabled(False)
        if self.grid is not None:
            # No video behind the cover: it is stopped (and its looks ended), not just covered.
            self.grid.suspend()
        if self.grid_window is not None:
            self.grid_window.hide()
        self.lock_screen.show()
        self.lock_screen.raise_()
        self.lock_screen.password.setFocus()

    def unlock(self) -> None:
        if self.lock_screen is None:
            return
        self.lock_screen.hide()
        self.lock_screen.deleteLater()
        self.lock_screen = None
        for dock in self._hidden_floating:
            dock.show()
        self._hidden_floating = []
        self.menuBar().setEnabled(True)
        for name, action in self.menu_actions.items():
            action.setEnabled(self._allowed(name))
        if self.grid_window is not None:
            self.grid_window.showFullScreen()
        if self.grid is not None:
            self.grid.resume()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.lock_screen is not None:
            self.lock_screen.setGeometry(self.rect())

    # -- state -------------------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self._ui_settings.value("main_window/geometry")
        state = self._ui_settings.value("main_window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def save_state(self) -> None:
        self._ui_settings.setValue("main_window/geometry", self.saveGeometry())
        self._ui_settings.setValue("main_window/state", self.saveState())
        self._ui_settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.stop_video()
        super().closeEvent(event)
        self.closed.emit()


class GridWindow(QWidget):
    """The live grid in a window of its own (on another screen). Closing it brings the grid back
    into the main window."""

    #: the window was closed (by the window manager or Ctrl+W)
    closed = Signal()

    def __init__(self, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("grid_window")
        self.setWindowTitle(self.tr("Utkik – live video – %1").replace("%1", user_name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        full_screen = QAction(self.tr("&Full screen"), self)
        full_screen.setShortcut(QKeySequence("F11"))
        full_screen.triggered.connect(self._on_full_screen_triggered)
        self.addAction(full_screen)

    def hold(self, grid: QWidget) -> None:
        layout = self.layout()
        assert layout is not None
        layout.addWidget(grid)

    def _on_full_screen_triggered(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()
