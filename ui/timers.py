"""Qt's timers behind the core's Timers port: the core schedules, the GUI thread's event loop
keeps the time."""

from __future__ import annotations

import math
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QTimer


class QtTimer:
    """A one-shot QTimer owned by the thread that made it (the GUI thread)."""

    def __init__(self, callback: Callable[[], None]) -> None:
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(callback)

    def start(self, delay_s: float) -> None:
        self._timer.start(max(0, math.ceil(delay_s * 1000)))

    def stop(self) -> None:
        if shiboken6.isValid(self._timer):
            self._timer.stop()

    def is_active(self) -> bool:
        return shiboken6.isValid(self._timer) and self._timer.isActive()

    def dispose(self) -> None:
        # Now, on the GUI thread: left to the garbage collector (a core object and its timers
        # refer to each other) the timer would be destroyed on whichever thread it runs on.
        if shiboken6.isValid(self._timer):
            self._timer.stop()
            self._timer.deleteLater()


class QtTimers:
    def timer(self, callback: Callable[[], None]) -> QtTimer:
        return QtTimer(callback)
