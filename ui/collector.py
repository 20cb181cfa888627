"""Python's cycle collector, run on the GUI thread only.

The collector runs on whichever thread happens to allocate when a threshold is crossed: a hub
reader, a worker, libvlc's callbacks. A Qt object caught in a reference cycle would then be
destroyed on that thread, which Qt answers with "Timers cannot be stopped from another thread" and
at worst a crash. So automatic collection is turned off and this collects on the GUI thread,
generation by generation as the thresholds ask (as Anki does in aqt/main.py).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: Often enough that cycles do not pile up, rarely enough to cost nothing measurable.
INTERVAL_MS = 1000


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect the generations whose thresholds are crossed; returns what was freed."""
        threshold = gc.get_threshold()
        young, middle, old = gc.get_count()
        freed = 0
        if young > threshold[0]:
            freed += gc.collect(0)
            if middle > threshold[1]:
                freed += gc.collect(1)
                if old > threshold[2]:
                    freed += gc.collect(2)
        return freed

    def collect(self) -> int:
        """Collect everything now (between tests, before quitting)."""
        return gc.collect()

    def stop(self) -> None:
        """Stop and hand collection back to Python as it was."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
