"""SIGTERM and SIGINT end the console as closing it does (a clean shutdown), not mid-write.

Qt's event loop runs in C++, where Python signal handlers do not run: a short timer hands control
back to Python now and then so that they can.
"""

from __future__ import annotations

import signal
from types import FrameType

from PySide6.QtCore import QCoreApplication, QTimer


def quit_on_signals(app: QCoreApplication) -> QTimer:
    """Makes SIGTERM and SIGINT quit `app` (the returned timer is owned by the app)."""

    def handle(signum: int, frame: FrameType | None) -> None:
        QTimer.singleShot(0, app.quit)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handle)
    wake = QTimer(app)
    wake.setInterval(250)
    wake.timeout.connect(lambda: None)
    wake.start()
    return wake
