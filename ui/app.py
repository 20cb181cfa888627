"""The GUI composition root: `run()` opens the core with its device-backed stores, starts the
device loop, the media hub and the recording engine, and hands the adapters (ui/wiring/) to the
session controller; `self_check()` proves an installation works.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from console import __version__
from console.app import Core, default_data_dir
from console.errors import KnownError
from console.media.hub import MediaHub
from console.messages import install_excepthooks
from console.runtime import DeviceLoop
from devices import access_log, secrets
from devices.video import libvlc_version
from ui.collector import MainThreadCollector
from ui.dialogs import LoginDialog
from ui.i18n import Translations, error_text, system_language
from ui.signals import quit_on_signals
from ui.theme import apply_theme
from ui.wiring.cameras import OnvifCameraControls, camera_tools
from ui.wiring.session import Console, start_recording, stop_recording, ui_settings_for
from ui.wiring.video import media_backend, playback_backend


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
    # Cycles are collected on this thread only: see ui/collector.py.
    collector = MainThreadCollector(app)
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

    # The cameras' logins, for the adapters that connect to them and nothing else: the media
    # hub's opener and the grid's PTZ and snapshots (the widgets never see it).
    logins = core.cameras.login_reader()
    hub = MediaHub(camera_opener(logins), now=core.clock.now)
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
        controls=OnvifCameraControls(logins, devices),
        backend=backend,
        playback=playback,
        # The demo opens on its overview layout, so that video shows at once.
        open_first_saved=getattr(args, "command", None) == "demo",
    )
    console.finished.connect(app.quit)
    apply_theme(app, console.theme)
    console.start()
    recording = start_recording(core, hub, console, devices)

    def on_quit() -> None:
        # The engine first, on a worker, while the console's workers are still there.
        stop_recording(console, recording)
        console.shutdown()
        if backend is not None:
            backend.close()
        else:
            hub.close()
        if playback is not None:
            playback.close()
        # After the console's workers, which may still have closed PTZ sessions on it.
        devices.stop()
        core.close()
        collector.stop()

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
