"""The GUI composition root: wires the core, the adapters and the windows together.

Flow: first run (no administrator) → the first-administrator dialog; then the login; then the
main window. Idle time locks it; switching user returns to the login.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from console import __version__
from console.app import Core, default_data_dir
from console.camera_facts import DeviceFacts, DiscoveredDevice, Still
from console.camera_facts import Health as DeviceHealth
from console.camera_login import CameraLogin
from console.cameras import Camera, CameraService
from console.domain import Actor, Area, Permission, Place, User
from console.errors import KnownError
from console.health import HEALTH_INTERVAL_S, CheckedHealth
from console.media.hub import MediaHub, Subscription
from console.media.packets import (
    Packet,
    Profile,
    StreamInfo,
    StreamKey,
    StreamState,
    StreamStatus,
)
from console.messages import Level, Message, MessageBus, install_excepthooks
from console.policy import can
from console.ports import (
    CameraControls,
    CameraTools,
    FeedState,
    FeedStatus,
    PlaybackBackend,
    Player,
    PlayerFactory,
    PtzPreset,
    VideoBackend,
)
from console.recording.engine import DiskLevel, EngineStatus, RecorderState, RecordingEngine
from console.recording.lock import EngineBusy
from console.recording.playback import PlaybackClock
from console.runtime import DeviceLoop
from console.settings import IDLE_LOCK_MINUTES
from console.viewing import LiveViews, PlaybackViews
from devices import access_log, discovery, secrets
from devices.video import VideoUnavailable, libvlc_version
from ui.audit_viewer import AuditViewer
from ui.camera_wizard import CameraWizard, HealthMonitor
from ui.dialogs import FirstAdminDialog, LoginDialog
from ui.evidence import EvidenceLocksDialog
from ui.grid import VideoGrid
from ui.i18n import Translations, core_text, error_text, system_language
from ui.lock import IdleWatcher
from ui.main_window import MainWindow
from ui.overload import OverloadGovernor
from ui.playback import (
    END_WAIT_S,
    PlaybackContext,
    PlaybackRequest,
    PlaybackWindow,
    ask_for_playback,
)
from ui.signals import quit_on_signals
from ui.tasks import TaskRunner
from ui.theme import apply_theme
from ui.users_dialog import UsersDialog

if TYPE_CHECKING:
    from devices.media.playback import SegmentFeeder
    from devices.ptz import PtzControl

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
        self.first_admin_dialog: FirstAdminDialog | None = None
        self.login_dialog: LoginDialog | None = None
        self.main_window: MainWindow | None = None
        self.audit_viewer: AuditViewer | None = None
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
        self.recording_changed.connect(self._on_recording_changed)

    def shutdown(self) -> None:
        """Save the layout, stop the workers and detach from the application."""
        if self.main_window is not None:
            self.main_window.save_state()
            self.main_window.stop_video()
        self._forget_camera_wizard()
        self._stop_health()
        self._close_playback()
        # The end entries of the looks just stopped, before the workers are shut down (which
        # cancels what has not started); a short wait, once, at quitting.
        for views in self._live_views:
            views.wait(VIEW_END_WAIT_S)
        self._live_views.clear()
        for playback_log in self._playback_logs:
            playback_log.wait(END_WAIT_S)
        self._playback_logs.clear()
        self._log_out("quit")
        self.app.removeEventFilter(self.idle)
        self.idle.set_minutes(0)
        self.runner.shutdown()

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
        self.main_window = window
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
            window.show_recording("", False, self._recording_elsewhere)
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
        window.show_recording(banner, status.disk.level is DiskLevel.FULL, summary)
        if window.grid is not None:
            for camera_id in status.cameras:
                window.grid.set_recording(camera_id, camera_id in recording)

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
        self._forget_camera_wizard()
        self._stop_health()
        self._close_playback()
        self.finished.emit()

    def close_main_window(self) -> None:
        window = self.main_window
        if window is None:
            return
        self.main_window = None
        # The viewer and the wizard are the window's children and go with it.
        self._forget_audit_viewer()
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
            dialog.open()

        self.runner.run(lambda: self.core.cameras.list(actor), show)

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

    def _open_playback(self, context: PlaybackContext, request: PlaybackRequest) -> None:
        window = self.main_window
        if window is None or self.user is None or window.locked:
            return
        if context.actor != Actor.of(self.user):
            return  # someone else logged in meanwhile
        self._close_playback()
        playback = PlaybackWindow(context, request)
        playback.live_requested.connect(self._on_playback_window_live_requested)
        playback.closed.connect(lambda p=playback: self._on_playback_window_closed(p))
        self._playback_logs = [log for log in self._playback_logs if log.ending]
        self._playback_logs.append(playback.log)
        self.playback_window = playback
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
        self.refresh_cameras()
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
            lambda _camera: self.refresh_cameras(),
        )

    def _on_sites_remove_requested(self, camera_id: int) -> None:
        if self.user is None:
            return
        actor = Actor.of(self.user)

        def removed(camera: Camera) -> None:
            self.refresh_cameras()
            if self.main_window is not None:
                self.main_window.statusBar().showMessage(
                    self.tr("Removed camera %1.").replace("%1", camera.name), 10_000
                )

        self.runner.run(lambda: self.core.cameras.remove(actor, camera_id), removed)

    # -- messages ----------------------------------------------------------------------------

    def _parent(self) -> QWidget | None:
        return self.main_window or self.login_dialog or self.first_admin_dialog

    def _show_known_error(self, err: KnownError) -> None:
        self._on_bridge_message(Message(Level.ERROR, error_text(err)))

    def _show_bug(self, err: BaseException) -> None:
        self._on_bridge_message(Message(Level.INTERNAL, f"{type(err).__name__}: {err}"))

    def _on_bridge_message(self, message: Message) -> None:
        parent = self._parent()
        if message.level is Level.INTERNAL:
            QMessageBox.critical(
                parent,
                self.tr("Internal error"),
                self.tr("Utkik hit an internal error. Details are in the log.")
                + "\n\n"
                + message.text,
            )
        elif message.level is Level.ERROR:
            QMessageBox.warning(parent, self.tr("Utkik"), message.text)
        elif self.main_window is not None:
            self.main_window.statusBar().showMessage(message.text, 10_000)


def _report_audit_failure(bus: MessageBus) -> Callable[[Future[Any]], None]:
    def report(future: Future[Any]) -> None:
        err = future.exception()
        if isinstance(err, KnownError):
            bus.error(err.message)
        elif err is not None:
            log.error("writing the access log failed", exc_info=err)

    return report


#: Seconds each request of a periodic health check may take (the whole check at most three times
#: as long): short, since a camera that slow is worth a warning anyway.
HEALTH_TIMEOUT_S = 5.0


def camera_tools(loop: DeviceLoop) -> CameraTools:
    """The devices/ adapters behind the camera wizard and the health check; their ONVIF calls
    run on `loop`, the workers that call them wait for the answers.

    devices.onvif_client (onvif-zeep-async, zeep, PyAV) takes most of a second to import, so it
    is imported by the worker that first needs it rather than when the console starts.
    """

    def onboard(host: str, port: int, user: str, password: str) -> DeviceFacts:
        from devices import onvif_client

        return onvif_client.onboard_blocking(loop, host, port, user, password)

    def fetch_snapshot(uri: str, login: CameraLogin) -> bytes:
        from devices import onvif_client

        return onvif_client.fetch_snapshot_blocking(loop, uri, login)

    def grab_keyframe(uri: str, login: CameraLogin) -> Still:
        from devices import onvif_client

        return onvif_client.grab_keyframe(uri, login)

    def check_health(host: str, port: int, login: CameraLogin, uri: str | None) -> DeviceHealth:
        from devices import onvif_client

        return onvif_client.check_health_blocking(
            loop, host, port, login, uri, timeout=HEALTH_TIMEOUT_S
        )

    def scan_range(
        addresses: Sequence[str],
        *,
        ports: Sequence[int] = (80, 8080),
        on_found: Callable[[DiscoveredDevice], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[DiscoveredDevice]:
        return discovery.scan_range(
            loop,
            addresses,
            ports=ports,
            on_found=on_found,
            on_progress=on_progress,
            cancel=cancel,
        )

    return CameraTools(
        interfaces=discovery.interfaces,
        probe_multicast=discovery.probe_multicast,
        parse_range=discovery.parse_range,
        scan_range=scan_range,
        manual_device=discovery.manual_device,
        onboard=onboard,
        fetch_snapshot=fetch_snapshot,
        grab_keyframe=grab_keyframe,
        check_health=check_health,
    )


# -- PTZ and snapshots ---------------------------------------------------------------------------

#: Seconds each PTZ request may take (the whole call at most three times as long): an operator
#: holding a key learns soon that the camera does not answer.
PTZ_TIMEOUT_S = 3.0


class PtzSession:
    """The grid's PtzHandle over devices/ptz.py: one camera's PTZ, on the device loop."""

    def __init__(self, control: PtzControl) -> None:
        self._control = control

    def move(self, pan: float, tilt: float, zoom: float) -> None:
        self._control.move(pan, tilt, zoom)

    def stop(self) -> None:
        self._control.stop()

    def presets(self) -> list[PtzPreset]:
        return [PtzPreset(preset.token, preset.name) for preset in self._control.presets()]

    def goto(self, token: str) -> None:
        self._control.goto(token)

    def close(self) -> None:
        self._control.close()


class OnvifCameraControls:
    """The grid's CameraControls over ONVIF: PTZ through the camera's main profile, snapshots
    from its snapshot URI.

    As with the media hub, the console process reads the camera's login: who steers or takes a
    picture is checked, and logged, by the grid before each command. devices/ is imported by the
    worker that first needs it (onvif-zeep-async takes most of a second to import).
    """

    def __init__(
        self, cameras: CameraService, loop: DeviceLoop, *, timeout_s: float = PTZ_TIMEOUT_S
    ) -> None:
        self._cameras = cameras
        self._loop = loop
        self._timeout_s = timeout_s
        self._process = Actor.os_account()

    def open_ptz(self, camera: Camera) -> PtzSession:
        from devices.ptz import PtzControl

        login = self._cameras.login(self._process, camera)
        health = camera.health
        offset = (
            health.clock_offset_s
            if health is not None and health.clock_offset_s is not None
            else camera.facts.clock_offset_s
        )
        profile = camera.facts.main.token if camera.facts.main is not None else ""
        control = PtzControl(
            self._loop,
            camera.host,
            camera.port,
            login,
            profile,
            clock_offset_s=offset,
            timeout=self._timeout_s,
        )
        return PtzSession(control)

    def snapshot(self, camera: Camera) -> bytes:
        from devices import onvif_client

        login = self._cameras.login(self._process, camera)
        return onvif_client.fetch_snapshot_blocking(self._loop, camera.facts.snapshot_uri, login)


# -- live video ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Call:
    fn: Callable[[], None]


class _GuiCalls(QObject):
    """Runs functions on the GUI thread, where libvlc's players are controlled."""

    #: a _Call, from any thread
    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._on_self_call, Qt.ConnectionType.QueuedConnection)

    def _on_self_call(self, call: _Call) -> None:
        call.fn()


class HubStream:
    """One tile's stream: a media hub subscription feeding one libvlc player. The tile's
    VideoHandle, the hub's Consumer, and what the overload governor (ui/overload.py) degrades
    to keyframes only when the workstation cannot decode every stream."""

    def __init__(
        self,
        player: Player,
        gui: _GuiCalls,
        on_status: Callable[[StreamStatus], None],
        *,
        governor: OverloadGovernor | None = None,
        main_stream: bool = False,
    ) -> None:
        self._player = player
        self._gui = gui
        self._on_status = on_status
        self._gui_thread = threading.get_ident()
        self.subscription: Subscription | None = None
        self._closed = False
        self._frames = 0
        #: keyframes only because the workstation could not keep up (not because the tile asked)
        self._degraded = False
        self._behind_reported = False
        self._last_status: StreamStatus | None = None
        self._governor = governor
        self.main_stream = main_stream
        player.on_behind = self._on_behind
        if governor is not None:
            governor.add(self)

    # -- the hub's Consumer: the hub's threads, and the GUI thread while subscribing ------------

    def on_info(self, info: StreamInfo) -> None:
        if threading.get_ident() == self._gui_thread:
            self._start(info)
        else:
            # A reconnect: the player starts over on the GUI thread. The new session's packets
            # that come meanwhile wait for it (from its first keyframe) instead of going into
            # the old stream, where they would be taken as a jump and dropped.
            self._player.detach()
            self._gui.call.emit(_Call(lambda: self._start(info)))

    def on_packet(self, packet: Packet) -> None:
        self._player.feed(packet)

    def on_status(self, status: StreamStatus) -> None:
        self._last_status = status
        self._on_status(status)

    def _start(self, info: StreamInfo) -> None:
        if not self._closed:
            self._player.start(info)

    def _tell_tile(self) -> None:
        """The tile shows `degraded` when it next paints: the last status again makes it."""
        if self._last_status is not None:
            self._on_status(self._last_status)

    def _on_behind(self) -> None:
        # The hub's thread: only hand over, once until it is handled.
        if not self._behind_reported:
            self._behind_reported = True
            self._gui.call.emit(_Call(self._behind))

    def _behind(self) -> None:
        self._behind_reported = False
        if self._governor is not None:
            self._governor.behind(self)
        else:
            self.degrade()

    # -- for the overload governor (GUI thread) -------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def degraded(self) -> bool:
        """Keyframes only because the workstation could not keep up."""
        return self._degraded

    def degrade(self) -> bool:
        if self._closed or self._player.keyframes_only:
            return False  # keyframes only already (a small tile without a sub stream)
        self._degraded = True
        self._player.keyframes_only = True
        self._tell_tile()
        return True

    def restore(self) -> None:
        if self._closed or not self._degraded:
            return
        self._degraded = False
        self._player.keyframes_only = False
        self._tell_tile()

    def stats(self) -> dict[str, int]:
        return {} if self._closed else self._player.stats()

    # -- the tile's VideoHandle (GUI thread) ----------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.subscription is not None:
            self.subscription.close()
        self._frames = self._displayed()
        self._player.release()

    def frames(self) -> int:
        return self._frames if self._closed else self._displayed()

    def _displayed(self) -> int:
        return self._player.stats().get("displayed", 0)


class HubVideoBackend:
    """The tiles' live video: the media hub's shared camera streams (one RTSP session per stream
    whatever the number of tiles) drawn by libvlc into each tile's native window."""

    def __init__(
        self, hub: MediaHub, make_player: PlayerFactory, release: Callable[[], None] = lambda: None
    ) -> None:
        self.hub = hub
        self._make_player = make_player
        self._release = release
        self._gui = _GuiCalls()
        #: degrades streams to keyframes only when the workstation cannot decode them all
        self.governor = OverloadGovernor()

    def open(
        self,
        camera: Camera,
        profile: Profile,
        window_id: int,
        *,
        keyframes_only: bool,
        on_status: Callable[[StreamStatus], None],
        on_first_frame: Callable[[], None],
    ) -> HubStream:
        player = self._make_player(on_first_frame)
        player.keyframes_only = keyframes_only
        player.attach(window_id)
        stream = HubStream(
            player,
            self._gui,
            on_status,
            governor=self.governor,
            main_stream=profile is Profile.MAIN,
        )
        try:
            # Gives the status, the stream's parameters and its cached GOP at once when it is
            # open already: the picture starts from the last keyframe.
            stream.subscription = self.hub.subscribe(StreamKey(camera.id, profile), stream)
        except BaseException:
            stream.close()
            raise
        return stream

    def close(self) -> None:
        """Close every stream (after the tiles have closed theirs) and libvlc."""
        self.hub.close()
        self._release()


def media_backend(core: Core, hub: MediaHub | None = None) -> HubVideoBackend | None:
    """The live video of the console over the media hub (shared with the recorder; a hub of
    its own when none is given), or None where libvlc cannot be loaded (the tiles then say
    that video is not available here)."""
    from devices.media.ingest import camera_opener
    from devices.media.vlc_feed import LiveView, VlcInstance

    try:
        instance = VlcInstance()
    except VideoUnavailable as err:
        log.warning("no live video: %s", err)
        return None

    def make_player(on_first_frame: Callable[[], None]) -> Player:
        return LiveView(instance, on_first_frame=on_first_frame)

    if hub is None:
        hub = MediaHub(camera_opener(core.cameras), now=core.clock.now)
    return HubVideoBackend(hub, make_player, instance.release)


# -- recorded video -------------------------------------------------------------------------------


class PlaybackHandle:
    """One playback tile's stream: a SegmentFeeder of the camera's recordings feeding a libvlc
    player through a HubStream (the feeder is the hub's stand-in)."""

    def __init__(self, stream: HubStream, feeder: SegmentFeeder) -> None:
        self._stream = stream
        self._feeder = feeder

    @property
    def last_moment(self) -> datetime | None:
        return self._feeder.last_moment

    def shown(self) -> tuple[datetime, datetime] | None:
        return self._feeder.shown()

    def close(self) -> None:
        # The player stops now (GUI thread); the feeder's thread ends within a wake-up, waited
        # for off the GUI thread. What it still hands over goes to a released player: dropped.
        self._stream.close()
        threading.Thread(
            target=self._feeder.close, name="playback-feeder-stop", daemon=True
        ).start()


class SegmentPlaybackBackend:
    """The playback window's video: each camera's recorded segments (SegmentFeeder, paced by the
    layout's clock) drawn by libvlc into the tile's native window."""

    def __init__(
        self,
        core: Core,
        make_player: PlayerFactory,
        no_recording: str,
        release: Callable[[], None] = lambda: None,
    ) -> None:
        self._recordings = core.recordings
        self._make_player = make_player
        self._no_recording = no_recording
        self._release = release
        self._gui = _GuiCalls()

    def open(
        self,
        camera: Camera,
        window_id: int,
        clock: PlaybackClock,
        *,
        keyframes_only: bool,
        on_status: Callable[[FeedStatus], None],
    ) -> PlaybackHandle:
        from devices.media.playback import SegmentFeeder

        no_recording = self._no_recording

        def status(status: StreamStatus) -> None:
            if status.state is StreamState.LIVE:
                on_status(FeedStatus(FeedState.PLAYING))
            elif status.reason == no_recording:
                on_status(FeedStatus(FeedState.NO_RECORDING, status.reason))
            elif status.state is StreamState.OFFLINE:
                on_status(FeedStatus(FeedState.ERROR, status.reason))

        player = self._make_player(lambda: None)
        player.keyframes_only = keyframes_only
        player.attach(window_id)
        stream = HubStream(player, self._gui, status)
        recordings, camera_id = self._recordings, camera.id
        feeder = SegmentFeeder(
            lambda start, end: recordings.segments(camera_id, start, end),
            recordings.root,
            clock,
            stream,
        )
        try:
            feeder.start()
        except BaseException:
            player.release()
            raise
        return PlaybackHandle(stream, feeder)

    def close(self) -> None:
        """Free libvlc (after the playback windows have closed their streams)."""
        self._release()


def playback_backend(core: Core) -> SegmentPlaybackBackend | None:
    """Recorded video for the playback window, or None where libvlc cannot be loaded (the tiles
    then say that video is not available here)."""
    from devices.media.playback import NO_RECORDING
    from devices.media.vlc_feed import LiveView, VlcInstance

    try:
        instance = VlcInstance()
    except VideoUnavailable as err:
        log.warning("no recorded video: %s", err)
        return None

    def make_player(on_first_frame: Callable[[], None]) -> Player:
        return LiveView(instance, on_first_frame=on_first_frame)

    return SegmentPlaybackBackend(core, make_player, NO_RECORDING, instance.release)


def start_recording(core: Core, hub: MediaHub, console: Console) -> RecordingEngine | None:
    """The data dir's recording engine in this process, unless another process records it
    (`utkik serve`, another console): the console then says which."""
    from ui.serve import recording_engine

    engine = recording_engine(
        core,
        hub,
        f"the console of {Actor.os_account().name.removeprefix('os:')}",
        on_status=console.recording_changed.emit,
    )
    try:
        engine.start()
    except EngineBusy as err:
        console.recording_elsewhere(error_text(err))
        return None
    except KnownError as err:
        log.warning("recording does not start: %s", err)
        console.recording_elsewhere(error_text(err))
        return None
    return engine


def ui_settings_for(data_dir: Path) -> QSettings:
    """Workstation preferences (window layout, language, theme) beside the database."""
    return QSettings(str(data_dir / "ui.ini"), QSettings.Format.IniFormat)


def create_application(argv: list[str]) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setApplicationName("Utkik")
    QCoreApplication.setApplicationVersion(__version__)
    return QApplication(argv)


def _no_display() -> bool:
    """On Linux, Qt aborts the process without a display; say so in words instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    if _no_display():
        print(
            "utkik: there is no display to show the console on. Run it in a desktop session, "
            "or on a machine without a screen under `xvfb-run -a utkik`.",
            file=sys.stderr,
        )
        return 1
    app = create_application(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    quit_on_signals(app)
    translations = Translations(app)
    try:
        core = Core.open(
            args.data_dir,
            keys=access_log.key_store(args.key_dir),
            witnesses=access_log.witnesses(args.data_dir or default_data_dir(), args.witness_file),
            secrets=secrets.secret_store(),
        )
    except KnownError as err:
        translations.install(args.lang or system_language())
        apply_theme(app, "dark")
        QMessageBox.critical(None, "Utkik", error_text(err))
        return 1
    install_excepthooks(core.bus)
    ui_settings = ui_settings_for(core.data_dir)
    translations.install(args.lang or str(ui_settings.value("language", system_language())))
    from devices.media.ingest import camera_opener

    hub = MediaHub(camera_opener(core.cameras), now=core.clock.now)
    # The one asyncio loop of the console's device I/O (ONVIF, PTZ, range scans).
    devices = DeviceLoop().start()
    backend = media_backend(core, hub)
    playback = playback_backend(core)
    console = Console(
        app,
        core,
        translations,
        ui_settings,
        tools=camera_tools(devices),
        controls=OnvifCameraControls(core.cameras, devices),
        backend=backend,
        playback=playback,
        # The demo opens on its overview layout, so that video shows at once.
        open_first_saved=getattr(args, "command", None) == "demo",
    )
    console.finished.connect(app.quit)
    apply_theme(app, console.theme)
    console.start()
    engine = start_recording(core, hub, console)

    def on_quit() -> None:
        console.shutdown()
        if engine is not None:
            engine.stop()
        if backend is not None:
            backend.close()
        else:
            hub.close()
        if playback is not None:
            playback.close()
        # After the console's workers, which may still have closed PTZ sessions on it.
        devices.stop()
        core.close()

    app.aboutToQuit.connect(on_quit)
    return app.exec()


def self_check() -> int:
    """Prove the installation (or the frozen bundle) works: database, Qt, translations, libvlc."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="utkik-self-check-") as tmp:
        core = Core.open(Path(tmp) / "data")
        try:
            version = core.db.schema_version()
            areas = core.sites.areas()
        finally:
            core.close()
        app = create_application(sys.argv[:1])
        translations = Translations(app)
        translations.install("sv")
        translated = QCoreApplication.translate("LoginDialog", "Log in")
        widget = LoginDialog()
        widget.show()
        app.processEvents()
        widget.close()
        vlc = libvlc_version()
    print(f"utkik {__version__}")
    print(f"database: schema {version}, {len(areas)} areas seeded")
    print(f"qt: {app.platformName()} platform, Swedish translation: {translated}")
    print(f"libvlc: {vlc}")
    if translated == "Log in":
        print("self-check: the Swedish translation did not load", file=sys.stderr)
        return 1
    print("self-check: ok")
    return 0
