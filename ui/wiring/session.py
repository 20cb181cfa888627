"""The GUI's session controller (`Console`): which window is shown and who is logged in; it
wires the core and the adapters the composition root gives it into the windows.

Flow: first run (no administrator) → the first-administrator dialog; then the login; then the
main window. Idle time locks it; switching user returns to the login.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from console.alarms.model import Alarm, AlarmState
from console.app import Core
from console.cameras import Camera
from console.domain import Actor, Area, Permission, Place, User
from console.errors import InternalError, KnownError
from console.events import Changed, ChangeKind
from console.health import HEALTH_INTERVAL_S, CheckedHealth
from console.media.hub import MediaHub
from console.media.packets import Profile, StreamKey, StreamState
from console.messages import Level, Message, MessageBus
from console.policy import can
from console.ports import CameraControls, CameraTools, PlaybackBackend, VideoBackend
from console.recording.archive import EvidenceLock
from console.recording.engine import (
    DiskLevel,
    EngineStatus,
    RecorderState,
    RecordingEngine,
    RepairReport,
)
from console.recording.lock import EngineBusy
from console.recording.stills import RecordedStills
from console.runtime import DeviceLoop
from console.settings import IDLE_LOCK_MINUTES
from console.subject_access.package import CasePackageWriter
from console.viewing import LiveViews, PlaybackViews
from devices.media.stills import read_still
from ui.alarm_sound import AlarmSound
from ui.alarms_panel import AlarmsPanel
from ui.audit_viewer import AuditViewer
from ui.camera_wizard import CameraWizard
from ui.cases import CasesDialog
from ui.cli_export import package_producer
from ui.dialogs import FirstAdminDialog, LoginDialog
from ui.events import DomainEvents
from ui.evidence import EvidenceLocksDialog
from ui.export import ExportRequestsDialog
from ui.grid import VideoGrid
from ui.health_monitor import HealthMonitor
from ui.i18n import Translations, core_text, error_text, message_text
from ui.lighting import LightingPanel
from ui.lock import IdleWatcher
from ui.main_window import MainWindow
from ui.playback import END_WAIT_S, PlaybackWindow
from ui.playback_request import PlaybackContext, PlaybackRequest, ask_for_playback, grid_for
from ui.register_reminder import CHECK_INTERVAL_S
from ui.tasks import JobControl, JobHandle, Pool, TaskRunner
from ui.theme import apply_theme
from ui.users_dialog import UsersDialog
from ui.wiring.alarms import AlarmLink
from ui.wiring.register import RegisterDesk

if TYPE_CHECKING:
    from ui.serve import Alarms

log = logging.getLogger(__name__)

#: At shutdown, how long the live.view end entries still being written are waited for (an entry
#: left unwritten is closed as recovered on the next start).
VIEW_END_WAIT_S = 5.0


class MessageBridge(QObject):
    """Carries messages published on any thread to the GUI thread."""

    #: a console.messages.Message
    message = Signal(object)


class Console(QObject):
    """The running console: which window is shown, and who is logged in."""

    #: the person quit (closed the main window, or cancelled the first dialog)
    finished = Signal()
    #: the recording engine's status (emitted on the engine's threads, shown on the GUI thread)
    recording_changed = Signal(object)

    def __init__(
        self,
        app: QApplication,
        core: Core,
        translations: Translations,
        ui_settings: QSettings,
        *,
        tools: CameraTools,
        controls: CameraControls,
        health_interval_s: float = HEALTH_INTERVAL_S,
        backend: VideoBackend | None = None,
        open_first_saved: bool = False,
        playback: PlaybackBackend | None = None,
    ) -> None:
        super().__init__()
        #: the grid opens the user's first saved layout at login (the demo)
        self.open_first_saved = open_first_saved
        self.app = app
        self.core = core
        self.translations = translations
        self.ui_settings = ui_settings
        #: the device adapters behind the camera wizard and the health check: given by the
        #: composition root (run() passes the real ones; tests pass fakes or the simulated site)
        self.tools = tools
        self.health_interval_s = health_interval_s
        #: draws live video into the grid's tiles; None: tiles say video is not available
        self.backend = backend
        #: PTZ and snapshots of the cameras in the grid
        self.controls = controls
        #: the live grids' access-log sessions, waited for at shutdown
        self._live_views: list[LiveViews] = []
        #: draws recorded video into the playback window's tiles; None: not available
        self.playback = playback
        self.playback_window: PlaybackWindow | None = None
        #: the playback windows' access-log sessions, waited for at shutdown
        self._playback_logs: list[PlaybackViews] = []
        self.runner = TaskRunner(self._show_known_error, self._show_bug, self)
        self.bridge = MessageBridge(self)
        self.bridge.message.connect(self._on_bridge_message)
        core.bus.subscribe(self.bridge.message.emit)
        #: the core's domain events on the GUI thread: views reload what changed
        self.events = DomainEvents(core.events, self)
        self.events.changed.connect(self._on_events_changed)
        self.first_admin_dialog: FirstAdminDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.main_window: MainWindow | None = None
        self.audit_viewer: AuditViewer | None = None
        #: the export requests, when open
        self.exports_dialog: ExportRequestsDialog | None = None
        self.cases_dialog: CasesDialog | None = None
        #: the register's window and reminder of the main window shown
        self.register: RegisterDesk | None = None
        #: how often the register's reminder looks whether the date has changed
        self.register_check_s: float = CHECK_INTERVAL_S
        #: the viewer was open when the console locked; it comes back on unlocking
        self._viewer_hidden = False
        self.camera_wizard: CameraWizard | None = None
        #: the wizard was open when the console locked (it shows live pictures)
        self._wizard_hidden = False
        self.health: HealthMonitor | None = None
        self.user: User | None = None
        self.idle = IdleWatcher(0, self)
        self.idle.idle.connect(self._on_idle_idle)
        app.installEventFilter(self.idle)
        self.theme = str(ui_settings.value("theme", "dark"))
        self._sites: tuple[list[Area], list[Place]] = ([], [])
        #: what the recording engine last said, or why this console does not record
        self._recording: EngineStatus | None = None
        self._recording_elsewhere = ""
        #: the alarm engine of this console runs its own broker on loopback (no mqtt.broker)
        self._own_broker = False
        self.recording_changed.connect(self._on_recording_changed)
        #: the alarm states on the broker (started with the first main window)
        self.alarm_link = AlarmLink(core, self.runner, self)
        self.alarm_sound = AlarmSound(self)
        #: the receiving state last said, for a main window shown later
        self._alarm_link_state: tuple[bool, str] = (True, "")
        self.alarm_link.link_changed.connect(self._on_alarm_link_changed)

    def shutdown(self) -> None:
        """Save the layout, stop the workers and detach from the application."""
        if self.main_window is not None:
            self.main_window.save_state()
            self.main_window.stop_video()
        self._forget_camera_wizard()
        self._stop_health()
        self._close_playback()
        self._wait_for_end_entries()
        self._log_out("quit")
        self.alarm_link.stop()
        self.app.removeEventFilter(self.idle)
        self.idle.set_minutes(0)
        self.runner.shutdown()

    def _wait_for_end_entries(self) -> None:
        """The end entries of the looks just stopped, written before the workers are shut down
        (which cancels what has not started): a short wait, once, at quitting, on a storage
        worker while the window keeps answering and says what it waits for."""
        live, playback = list(self._live_views), list(self._playback_logs)
        self._live_views.clear()
        self._playback_logs.clear()
        if not any(views.ending for views in live) and not any(p.ending for p in playback):
            return
        if self.main_window is not None:
            self.main_window.statusBar().showMessage(
                self.tr("Writing the last entries of the access log …")
            )

        def wait(_control: JobControl) -> None:
            for views in live:
                views.wait(VIEW_END_WAIT_S)
            for playback_log in playback:
                playback_log.wait(END_WAIT_S)

        waiting = QEventLoop()
        (
            self.runner.job(wait, pool=Pool.STORAGE)
            .success(lambda _done: waiting.quit())
            .failure(lambda _err: waiting.quit())
            .run()
        )
        waiting.exec()

    # -- start -------------------------------------------------------------------------------

    def start(self) -> None:
        self.runner.run(self.core.users.has_administrator, self._on_admin_checked)

    def _on_admin_checked(self, has_admin: bool) -> None:
        if has_admin:
            self.show_login()
        else:
            self.show_first_admin()

    def show_first_admin(self) -> None:
        dialog = FirstAdminDialog()
        dialog.submitted.connect(self._on_first_admin_submitted)
        dialog.rejected.connect(self.finished)
        self.first_admin_dialog = dialog
        dialog.show()

    def _on_first_admin_submitted(self, name: str, password: str) -> None:
        dialog = self.first_admin_dialog
        assert dialog is not None

        def created(user: User) -> None:
            dialog.hide()
            dialog.deleteLater()
            self.first_admin_dialog = None
            self.show_login(user.name)

        self.runner.run(
            lambda: self.core.users.create_first_administrator(Actor.os_account(), name, password),
            created,
            lambda err: dialog.show_error(error_text(err)),
        )

    def show_login(self, name: str = "") -> None:
        dialog = LoginDialog(name=name)
        dialog.submitted.connect(self._on_login_submitted)
        dialog.rejected.connect(self.finished)
        self.login_dialog = dialog
        dialog.show()

    def _on_login_submitted(self, name: str, password: str) -> None:
        dialog = self.login_dialog
        assert dialog is not None
        self.runner.run(
            lambda: self.core.users.authenticate(name, password),
            self._on_logged_in,
            lambda err: dialog.show_error(error_text(err)),
        )

    def _on_logged_in(self, user: User) -> None:
        if self.login_dialog is not None:
            self.login_dialog.hide()
            self.login_dialog.deleteLater()
            self.login_dialog = None
        self.user = user
        self.show_main_window()
        self.runner.run(
            lambda: self.core.settings.get_int(IDLE_LOCK_MINUTES), self.idle.set_minutes
        )

    # -- main window -------------------------------------------------------------------------

    def show_main_window(self) -> None:
        assert self.user is not None
        window = MainWindow(
            self.user,
            self.ui_settings,
            language=self.translations.language,
            theme=self.theme,
            data_dir=str(self.core.data_dir),
        )
        window.lock_requested.connect(self.lock)
        window.unlock_requested.connect(self._on_main_window_unlock_requested)
        window.switch_user_requested.connect(self.switch_user)
        window.language_requested.connect(self.set_language)
        window.theme_requested.connect(self.set_theme)
        window.users_requested.connect(self._on_main_window_users_requested)
        window.audit_requested.connect(self._on_main_window_audit_requested)
        window.add_cameras_requested.connect(self._on_main_window_add_cameras_requested)
        window.playback_requested.connect(self._on_main_window_playback_requested)
        window.evidence_requested.connect(self._on_main_window_evidence_requested)
        window.exports_requested.connect(self._on_main_window_exports_requested)
        window.cases_requested.connect(self._on_main_window_cases_requested)
        window.register_requested.connect(self._on_main_window_register_requested)
        window.sites.test_requested.connect(self._on_sites_test_requested)
        window.sites.rename_requested.connect(self._on_sites_rename_requested)
        window.sites.remove_requested.connect(self._on_sites_remove_requested)
        window.closed.connect(self._on_main_window_closed)
        actor = Actor.of(self.user)
        if can(self.user, Permission.VIEW_LIVE):
            grid = VideoGrid(
                self.core.cameras,
                self.core.layouts,
                actor,
                self.runner,
                self.backend,
                controls=self.controls,
                clock=self.core.clock,
                open_first_saved=self.open_first_saved,
            )
            self._live_views = [v for v in self._live_views if v.ending] + [grid.views]
            window.set_grid(grid)
        window.set_lighting(
            LightingPanel(
                self.core.lighting,
                self.core.sites,
                actor,
                self.runner,
                self.core.clock,
                self.events,
            )
        )
        self._show_alarms(window)
        self.main_window = window
        self.register = RegisterDesk(
            self.core,
            self.user,
            window,
            self.runner,
            self.events,
            check_interval_s=self.register_check_s,
        )
        self._show_recording()
        window.show()

        def load() -> tuple[list[Area], list[Place], list[Camera]]:
            return self.core.sites.areas(), self.core.sites.places(), self.core.cameras.list(actor)

        self.runner.run(load, lambda loaded: self._on_sites_loaded(window, *loaded))

    def _on_sites_loaded(
        self, window: MainWindow, areas: list[Area], places: list[Place], cameras: list[Camera]
    ) -> None:
        self._sites = (areas, places)
        if self.main_window is not window or self.user is None:
            return
        window.show_sites(areas, places, cameras)
        self._start_health(self.user)

    def _streaming(self, camera_id: int) -> bool:
        """Whether a stream of the camera flows in the media hub now (any thread)."""
        hub = getattr(self.backend, "hub", None)  # a HubVideoBackend's (not every backend has)
        if not isinstance(hub, MediaHub):
            return False
        for profile in Profile:
            status = hub.status(StreamKey(camera_id, profile))
            if status is not None and status.state is StreamState.LIVE:
                return True
        return False

    # -- recording -----------------------------------------------------------------------------

    def recording_repaired(self, done: int, total: int) -> None:
        """Before recording starts: how far the repair of what a crash left has come."""
        self.recording_elsewhere(
            self.tr("Repairing recordings after an interruption: %1 of %2")
            .replace("%1", str(done))
            .replace("%2", str(total))
        )

    def recordings_ending(self) -> None:
        """At quitting: the recorders are ending their segments."""
        if self.main_window is not None:
            self.main_window.statusBar().showMessage(self.tr("Ending the recordings …"))

    def alarm_broker_started(self, own: bool) -> None:
        """The alarm engine runs; `own`: on a broker this console started on loopback (no
        mqtt.broker set), which sensors at the sites cannot reach."""
        self._own_broker = own
        self._show_recording()

    def _with_broker_note(self, text: str) -> str:
        if not self._own_broker:
            return text
        note = self.tr(
            "Alarms from this console only: sensors at the sites need an MQTT broker set "
            "(mqtt.broker)"
        )
        return f"{text} · {note}" if text else note

    def recording_elsewhere(self, text: str) -> None:
        """This console does not record: `text` says which process does (EngineBusy)."""
        self._recording_elsewhere = text
        self._show_recording()

    def _on_recording_changed(self, status: EngineStatus) -> None:
        self._recording = status
        self._show_recording()

    def _show_recording(self) -> None:
        window = self.main_window
        if window is None:
            return
        status = self._recording
        if status is None:
            window.show_recording("", False, self._with_broker_note(self._recording_elsewhere))
            return
        recording = {
            camera_id
            for camera_id, recorder in status.cameras.items()
            if recorder.state is RecorderState.RECORDING
        }
        banner = ""
        if status.disk.level is not DiskLevel.OK:
            banner = core_text(status.disk.message, status.disk.params)
        summary = self.tr("Recording %n camera(s)", "", len(recording))
        window.show_recording(
            banner, status.disk.level is DiskLevel.FULL, self._with_broker_note(summary)
        )
        if window.grid is not None:
            for camera_id in status.cameras:
                window.grid.set_recording(camera_id, camera_id in recording)

    def _on_events_changed(self, changed: Changed) -> None:
        # Cameras added, renamed or removed (by this console or its workers) show at once.
        # Health has its own path (HealthMonitor → show_health), one camera at a time.
        if changed.kind is ChangeKind.CAMERAS:
            self.refresh_cameras()
        elif changed.kind is ChangeKind.ALARMS:
            panel = self.main_window.alarms if self.main_window is not None else None
            if panel is not None:
                panel.alarms_changed(changed.ids)

    # -- alarms --------------------------------------------------------------------------------

    def _show_alarms(self, window: MainWindow) -> None:
        """The alarm list in the window's dock, following this process's changes and the
        broker's (other consoles, the engine)."""
        assert self.user is not None
        core = self.core
        stills = RecordedStills(
            core.recordings, core.playback, core.cameras, core.audit, read_still
        )
        panel = AlarmsPanel(core.alarms, self.user, self.runner, core.clock, stills)
        window.set_alarms(panel)
        panel.counts_changed.connect(
            lambda counts, w=window: w.show_alarm_counts(
                counts[AlarmState.NEW], counts[AlarmState.ACKNOWLEDGED]
            )
        )
        panel.status.connect(lambda text, w=window: w.statusBar().showMessage(text, 10_000))
        panel.alarm_raised.connect(self._on_alarms_alarm_raised)
        panel.alarm_handled.connect(self._on_alarms_alarm_handled)
        panel.playback_requested.connect(self._on_alarms_playback_requested)
        self.alarm_link.changed.connect(panel.alarms_changed)
        self.alarm_link.link_changed.connect(panel.show_link)
        panel.show_link(*self._alarm_link_state)
        panel.load()
        self.alarm_link.start()

    def _on_alarm_link_changed(self, receiving: bool, why: str) -> None:
        self._alarm_link_state = (receiving, why)

    def _on_alarms_alarm_raised(self, alarm: Alarm) -> None:
        """A new alarm: its rule says whether it sounds and pops its camera into the grid."""
        window = self.main_window
        if window is None:
            return
        service = self.core.alarms

        def follow(rule_alarm: tuple[str, bool]) -> None:
            sound, open_camera = rule_alarm
            if self.main_window is not window:
                return
            self.alarm_sound.play(sound)
            camera = alarm.camera
            grid = window.grid
            if open_camera and camera is not None and grid is not None and not window.locked:
                grid.pop_alarm(camera)

        def rule() -> tuple[str, bool]:
            found = service.rule(alarm.alarm_class, alarm.area_id)
            return found.sound, found.open_camera

        self.runner.run(rule, follow, receiver=window)

    def _on_alarms_alarm_handled(self, alarm: Alarm) -> None:
        window = self.main_window
        camera = alarm.camera
        if window is not None and window.grid is not None and camera is not None:
            window.grid.set_alarm(camera, False)

    def _on_alarms_playback_requested(self, camera_id: int, moment: datetime) -> None:
        """ "Play back from 30 s before": the reason asked as for any playback, then the
        window opens at the moment."""
        window, user = self.main_window, self.user
        if window is None or user is None or window.locked:
            return
        if not can(user, Permission.VIEW_RECORDED):
            return  # a convenience: the service refuses anyway
        context = self._playback_context(user)
        ask_for_playback(
            context,
            window,
            lambda request: self._open_playback(context, request, at=moment),
            layout=(grid_for(1), (camera_id,)),
        )

    def refresh_cameras(self) -> None:
        """Reload the cameras the user may see into the tree (after an add, rename or removal)."""
        window, user = self.main_window, self.user
        if window is None or user is None:
            return

        def show(cameras: list[Camera]) -> None:
            if self.main_window is window:
                window.show_cameras(cameras)

        self.runner.run(lambda: self.core.cameras.list(Actor.of(user)), show)

    def _on_main_window_closed(self) -> None:
        # Closing the main window ends the console; switching user or language replaces the
        # window without closing it (see close_main_window).
        self.main_window = None
        self._forget_audit_viewer()
        self._forget_register()
        self._forget_camera_wizard()
        self._stop_health()
        self._close_playback()
        self.finished.emit()

    def close_main_window(self) -> None:
        window = self.main_window
        if window is None:
            return
        self.main_window = None
        # The viewer, the register and the wizard are the window's children and go with it.
        self._forget_audit_viewer()
        self._forget_register()
        self._forget_camera_wizard()
        self._stop_health()
        self._close_playback()
        window.save_state()
        window.stop_video()
        window.hide()
        window.deleteLater()

    def lock(self, reason: str = "by_user") -> None:
        window = self.main_window
        if window is None or window.locked or self.user is None:
            return
        # Privacy first: the cover goes up at once; the entry follows.
        window.lock()
        # Recorded video is a window of its own: it ends (with its logged sessions), as the
        # grid's video stops.
        self._close_playback()
        # The viewer is a window of its own that the cover cannot reach: hide it too.
        viewer = self.audit_viewer
        if viewer is not None and viewer.isVisible():
            viewer.hide()
            self._viewer_hidden = True
        wizard = self.camera_wizard
        if wizard is not None and wizard.isVisible():
            wizard.hide()
            self._wizard_hidden = True
        if self.register is not None:
            self.register.hide_for_lock()
        self.core.audit.record(
            Actor.of(self.user), "console.locked", self.user.name, {"reason": reason}
        ).add_done_callback(_report_audit_failure(self.core.bus))

    def _on_idle_idle(self) -> None:
        self.lock("idle")

    def _on_main_window_unlock_requested(self, password: str) -> None:
        window = self.main_window
        if window is None or self.user is None:
            return
        name = self.user.name

        def unlocked(user: User) -> None:
            if self.main_window is window:
                window.unlock()
                self.idle.restart()
                viewer = self.audit_viewer
                if viewer is not None and self._viewer_hidden:
                    viewer.show()
                self._viewer_hidden = False
                wizard = self.camera_wizard
                if wizard is not None and self._wizard_hidden:
                    wizard.show()
                self._wizard_hidden = False
                if self.register is not None:
                    self.register.show_after_unlock()

        def failed(err: KnownError) -> None:
            if window.lock_screen is not None:
                window.lock_screen.show_error(error_text(err))

        self.runner.run(
            lambda: self.core.users.authenticate(name, password, purpose="console.unlocked"),
            unlocked,
            failed,
        )

    def _log_out(self, reason: str) -> None:
        if self.user is not None:
            self.core.audit.record(
                Actor.of(self.user), "logout", self.user.name, {"reason": reason}
            ).add_done_callback(_report_audit_failure(self.core.bus))
        self.user = None

    def switch_user(self) -> None:
        self.close_main_window()
        self._log_out("switch_user")
        self.idle.set_minutes(0)
        self.show_login()

    def set_language(self, language: str) -> None:
        self.translations.install(language)
        self.ui_settings.setValue("language", language)
        if self.main_window is not None:
            # Rebuilt rather than retranslated in place: every string comes from one constructor.
            self.close_main_window()
            self.show_main_window()

    def set_theme(self, theme: str) -> None:
        self.theme = apply_theme(self.app, theme)
        self.ui_settings.setValue("theme", self.theme)

    def _on_main_window_users_requested(self) -> None:
        if self.user is None:
            return
        dialog = UsersDialog(
            self.core.users, self._sites[0], Actor.of(self.user), self.runner, self.main_window
        )
        dialog.setModal(True)
        dialog.show()

    def _on_main_window_audit_requested(self) -> None:
        if self.user is None or self.main_window is None:
            return
        viewer = self.audit_viewer
        if viewer is not None:
            viewer.raise_()
            viewer.activateWindow()
            return
        # A new viewer each time it is opened: opening it is an access of its own, recorded as
        # it opens.
        viewer = AuditViewer(self.core.audit, Actor.of(self.user), self.runner, self.main_window)
        viewer.finished.connect(self._on_audit_viewer_finished)
        self.audit_viewer = viewer
        viewer.show()

    def _on_audit_viewer_finished(self, _result: int) -> None:
        # Closed (Close, Escape or the window manager); hiding it for the lock does not finish it.
        viewer = self.audit_viewer
        self._forget_audit_viewer()
        if viewer is not None:
            viewer.deleteLater()

    def _forget_audit_viewer(self) -> None:
        self.audit_viewer = None
        self._viewer_hidden = False

    # -- the surveillance register ------------------------------------------------------------

    def _on_main_window_register_requested(self) -> None:
        self.open_register()

    def open_register(self) -> None:
        """The register's window (VIEW_REGISTER; the menu, Ctrl+Shift+R or the reminder)."""
        if self.register is not None:
            self.register.open()

    def _forget_register(self) -> None:
        desk = self.register
        self.register = None
        if desk is not None:
            desk.stop()

    # -- evidence locks ------------------------------------------------------------------------

    def _on_main_window_evidence_requested(self) -> None:
        window, user = self.main_window, self.user
        if window is None or user is None or window.locked:
            return
        actor = Actor.of(user)

        def show(cameras: list[Camera]) -> None:
            if self.main_window is not window:
                return
            dialog = EvidenceLocksDialog(
                self.core.recordings, cameras, actor, self.runner, self.core.clock, window
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.export_requested.connect(self._on_evidence_export_requested)
            dialog.open()

        self.runner.run(lambda: self.core.cameras.list(actor), show)

    def _on_evidence_export_requested(self, lock: EvidenceLock) -> None:
        self.open_exports(
            lambda dialog: dialog.open_new(lock.start, lock.end, sorted(lock.camera_ids))
        )

    # -- exports -----------------------------------------------------------------------------

    def _on_playback_window_export_requested(
        self, values: tuple[list[int], datetime, datetime]
    ) -> None:
        ids, start, end = values
        self.open_exports(lambda dialog: dialog.open_new(start, end, ids))

    def _on_main_window_exports_requested(self) -> None:
        self.open_exports()

    def open_exports(self, then: Callable[[ExportRequestsDialog], object] | None = None) -> None:
        """The export requests, then `then` on the dialog (a new request for a range)."""
        window, user = self.main_window, self.user
        if window is None or user is None or window.locked:
            return
        actor = Actor.of(user)

        def show(cameras: list[Camera]) -> None:
            if self.main_window is not window:
                return
            core = self.core
            dialog = ExportRequestsDialog(
                core.exports,
                core.users,
                cameras,
                actor,
                self.runner,
                core.clock,
                lambda: package_producer(core),
                self.events,
                window,
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.exports_dialog = dialog
            dialog.open()
            if then is not None:
                then(dialog)

        # Removed cameras too: their recordings stay exportable under their own name.
        self.runner.run(lambda: self.core.cameras.recorded(actor), show)

    # -- subject access cases ------------------------------------------------------------------

    def _on_main_window_cases_requested(self) -> None:
        self.open_cases()

    def open_cases(self) -> None:
        window, user = self.main_window, self.user
        if window is None or user is None or window.locked:
            return
        actor = Actor.of(user)
        # Here, not at the top: OpenCV takes a moment to load, and only cases need it.
        from devices.media.mask_render import masking_tools

        def show(cameras: list[Camera]) -> None:
            if self.main_window is not window:
                return
            core = self.core
            dialog = CasesDialog(
                core.cases,
                core.users,
                cameras,
                actor,
                self.runner,
                core.clock,
                masking_tools,
                CasePackageWriter(core.cases, core.audit, core.clock),
                self.events,
                window,
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.cases_dialog = dialog
            dialog.open()

        self.runner.run(lambda: self.core.cameras.recorded(actor), show)

    # -- playback ----------------------------------------------------------------------------

    def _on_main_window_playback_requested(self, this_layout: bool) -> None:
        window, user = self.main_window, self.user
        if window is None or user is None or window.locked:
            return
        if not can(user, Permission.VIEW_RECORDED):
            return  # a convenience: the service refuses anyway
        layout = None
        preselect: list[int] = []
        if window.grid is not None:
            shape, ids = window.grid.layout_state()
            preselect = [camera_id for camera_id in ids if camera_id is not None]
            if this_layout:
                if not preselect:
                    window.statusBar().showMessage(
                        self.tr("The layout shows no cameras to play back."), 10_000
                    )
                    return
                layout = (shape, ids)
        context = self._playback_context(user)
        ask_for_playback(
            context,
            window,
            lambda request: self._open_playback(context, request),
            layout=layout,
            preselect=preselect,
        )

    def _playback_context(self, user: User) -> PlaybackContext:
        return PlaybackContext(
            playback=self.core.playback,
            recordings=self.core.recordings,
            cameras=self.core.cameras,
            sites=self.core.sites,
            clock=self.core.clock,
            actor=Actor.of(user),
            runner=self.runner,
            backend=self.playback,
        )

    def _open_playback(
        self, context: PlaybackContext, request: PlaybackRequest, *, at: datetime | None = None
    ) -> None:
        window = self.main_window
        if window is None or self.user is None or window.locked:
            return
        if context.actor != Actor.of(self.user):
            return  # someone else logged in meanwhile
        self._close_playback()
        playback = PlaybackWindow(context, request)
        playback.live_requested.connect(self._on_playback_window_live_requested)
        playback.export_requested.connect(self._on_playback_window_export_requested)
        playback.closed.connect(lambda p=playback: self._on_playback_window_closed(p))
        self._playback_logs = [log for log in self._playback_logs if log.ending]
        self._playback_logs.append(playback.log)
        self.playback_window = playback
        if at is not None:
            # Before it starts: the start entries name the moment played from.
            playback.seek(at)
        playback.show()
        playback.start()

    def _on_playback_window_live_requested(self) -> None:
        window = self.main_window
        if window is not None:
            window.raise_()
            window.activateWindow()

    def _on_playback_window_closed(self, playback: PlaybackWindow) -> None:
        if self.playback_window is playback:
            self.playback_window = None
        playback.deleteLater()

    def _close_playback(self) -> None:
        """Close the playback window: its streams stop and its sessions end."""
        playback = self.playback_window
        if playback is not None:
            playback.close()

    # -- cameras -----------------------------------------------------------------------------

    def _on_main_window_add_cameras_requested(self) -> None:
        if self.user is None or self.main_window is None:
            return
        wizard = self.camera_wizard
        if wizard is not None:
            wizard.raise_()
            wizard.activateWindow()
            return
        areas, places = self._sites
        if not places:
            # Asked for before the sites were loaded (at once after logging in): load them first.
            def loaded(sites: tuple[list[Area], list[Place]]) -> None:
                self._sites = sites
                if sites[1]:
                    self._on_main_window_add_cameras_requested()

            self.runner.run(lambda: (self.core.sites.areas(), self.core.sites.places()), loaded)
            return
        wizard = CameraWizard(
            self.core.cameras,
            self.tools,
            Actor.of(self.user),
            areas,
            places,
            self.runner,
            self.main_window,
        )
        wizard.camera_added.connect(self._on_camera_wizard_camera_added)
        wizard.finished.connect(self._on_camera_wizard_finished)
        self.camera_wizard = wizard
        wizard.show()

    def _on_camera_wizard_camera_added(self, camera: Camera) -> None:
        if self.health is not None:
            self.health.check_now(camera.id)
        if self.main_window is not None:
            self.main_window.statusBar().showMessage(
                self.tr("Added camera %1.").replace("%1", camera.name), 10_000
            )

    def _on_camera_wizard_finished(self, _result: int) -> None:
        wizard = self.camera_wizard
        self.camera_wizard = None
        self._wizard_hidden = False
        if wizard is not None:
            wizard.dispose()

    def _forget_camera_wizard(self) -> None:
        wizard = self.camera_wizard
        self.camera_wizard = None
        self._wizard_hidden = False
        if wizard is not None:
            # Its searches stop and its late results are dropped; it goes with its window.
            wizard.finished.disconnect(self._on_camera_wizard_finished)
            wizard.reject()

    def _start_health(self, user: User) -> None:
        self._stop_health()
        monitor = HealthMonitor(
            self.core.cameras,
            self.tools,
            Actor.of(user),
            self.core.clock,
            self.runner,
            interval_s=self.health_interval_s,
            streaming=self._streaming,
            parent=self,
        )
        monitor.checked.connect(self._on_health_checked)
        monitor.failed.connect(self._on_health_failed)
        self.health = monitor
        monitor.start()

    def _stop_health(self) -> None:
        monitor = self.health
        self.health = None
        if monitor is not None:
            monitor.stop()
            monitor.deleteLater()

    def _on_health_checked(self, result: CheckedHealth) -> None:
        if self.main_window is not None:
            self.main_window.show_health(result.camera_id, result.health)

    def _on_health_failed(self, camera_id: int, reason: str) -> None:
        if self.main_window is not None:
            self.main_window.sites.set_check_failed(camera_id, reason)

    def _on_sites_test_requested(self, camera_id: int) -> None:
        if self.health is not None:
            self.health.check_now(camera_id)

    def _on_sites_rename_requested(self, camera_id: int, name: str) -> None:
        if self.user is None:
            return
        actor = Actor.of(self.user)
        self.runner.run(
            lambda: self.core.cameras.update(actor, camera_id, name=name),
            lambda _camera: None,  # the tree reloads on the cameras' change event
        )

    def _on_sites_remove_requested(self, camera_id: int) -> None:
        if self.user is None:
            return
        actor = Actor.of(self.user)

        def removed(camera: Camera) -> None:
            if self.main_window is not None:
                self.main_window.statusBar().showMessage(
                    self.tr("Removed camera %1.").replace("%1", camera.name), 10_000
                )

        self.runner.run(lambda: self.core.cameras.remove(actor, camera_id), removed)

    # -- messages ----------------------------------------------------------------------------

    def _parent(self) -> QWidget | None:
        return self.main_window or self.login_dialog or self.first_admin_dialog

    def _show_known_error(self, err: KnownError) -> None:
        self._on_bridge_message(Message.of(err))

    def _show_bug(self, err: BaseException) -> None:
        self._on_bridge_message(Message(Level.INTERNAL, f"{type(err).__name__}: {err}"))

    def _on_bridge_message(self, message: Message) -> None:
        """A message of the core, in the operator's language (its template translated)."""
        parent = self._parent()
        text = message_text(message)
        if message.level is Level.INTERNAL:
            QMessageBox.critical(
                parent,
                self.tr("Internal error"),
                self.tr("Utkik hit an internal error. Details are in the log.") + "\n\n" + text,
            )
        elif message.level is Level.ERROR:
            QMessageBox.warning(parent, self.tr("Utkik"), text)
        elif self.main_window is not None:
            self.main_window.statusBar().showMessage(text, 10_000)


def _report_audit_failure(bus: MessageBus) -> Callable[[Future[Any]], None]:
    def report(future: Future[Any]) -> None:
        err = future.exception()
        if isinstance(err, KnownError):
            bus.known(err)
        elif err is not None:
            log.error("writing the access log failed", exc_info=err)

    return report


#: At quitting, how long the recorders get to end their segments (an open one is repaired at the
#: next start).
RECORDING_STOP_S = 30.0


@dataclass
class Recording:
    """The recording engine this console runs, and the job that prepares it."""

    engine: RecordingEngine
    preparing: JobHandle[RepairReport]
    #: the alarm engine, which runs where recording runs (started once recording has)
    alarms: Alarms | None = None


def start_recording(
    core: Core, hub: MediaHub, console: Console, devices: DeviceLoop | None = None
) -> Recording:
    """The data dir's recording engine in this process. Taking its lock and repairing what a
    crash left are file work that can take seconds: they run on a storage worker, the status bar
    counting the repairs, and the engine starts when they are done. Unless another process
    records the data dir (`utkik serve`, another console): the console then says which."""
    from ui.serve import Alarms, recording_engine

    engine = recording_engine(
        core,
        hub,
        f"the console of {Actor.os_account().name.removeprefix('os:')}",
        on_status=console.recording_changed.emit,
    )

    def refused(err: Exception) -> None:
        if not isinstance(err, KnownError):
            log.error("recording does not start", exc_info=err)
            err = InternalError()
        elif not isinstance(err, EngineBusy):
            log.warning("recording does not start: %s", err)
        console.recording_elsewhere(error_text(err))

    def prepared(_report: RepairReport) -> None:
        if not preparing.control.cancelled:  # not once quitting has begun
            console.recording_elsewhere("")
            engine.start()
            # Starting the broker takes a moment: on a worker. A KnownError (no mosquitto)
            # reaches the message bus.
            alarms = recording.alarms = Alarms(core, engine, devices=devices)
            (
                console.runner.job(lambda _control: alarms.start(), pool=Pool.STORAGE)
                .success(lambda _engine: console.alarm_broker_started(alarms.own_broker))
                .run()
            )

    preparing = (
        console.runner.job(
            lambda control: engine.prepare(control.progress), receiver=console, pool=Pool.STORAGE
        )
        .success(prepared)
        .failure(refused)
        .with_progress(console.recording_repaired)
        .run()
    )
    recording = Recording(engine, preparing)
    return recording


def stop_recording(console: Console, recording: Recording) -> None:
    """At quitting, before the console's workers go: the recorders end their segments on a
    storage worker (seconds with many cameras) while the window stays responsive and says what
    it waits for."""
    recording.preparing.cancel()
    console.recordings_ending()
    waiting = QEventLoop()
    engine = recording.engine
    alarms = recording.alarms

    def stop(_control: JobControl) -> bool:
        if alarms is not None:
            alarms.stop()
        return engine.stop(RECORDING_STOP_S)

    (
        console.runner.job(stop, pool=Pool.STORAGE)
        .success(lambda _stopped: waiting.quit())
        .failure(lambda _err: waiting.quit())
        .run()
    )
    waiting.exec()


def ui_settings_for(data_dir: Path) -> QSettings:
    """Workstation preferences (window layout, language, theme) beside the database."""
    return QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)
