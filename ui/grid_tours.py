"""The tour going on in a live grid: each of its saved layouts in turn for the dwell time, held
while the console is locked. The grid loads and saves tours (LayoutService) and shows the layouts
this tells it to."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from console.layouts import Tour


class TourPlayer(QObject):
    """Plays one tour at a time on the GUI thread."""

    #: a console.layouts.Layout to show now
    layout_due = Signal(object)
    #: a tour started, moved on to its next layout, or ended
    changed = Signal()

    def __init__(self, timer: QTimer | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tour: Tour | None = None
        #: which of the tour's layouts is shown
        self.step = 0
        #: the tour T starts: the last one started (or saved)
        self.last: str | None = None
        self._held = False
        self.timer = timer or QTimer(self)
        self.timer.timeout.connect(self._on_timer_timeout)

    def begin(self, tour: Tour) -> None:
        """Show the first of the tour's layouts (it has at least one) now, the next after its
        dwell time."""
        self.tour = tour
        self.last = tour.name
        self.step = 0
        self.layout_due.emit(tour.layouts[0])
        self.timer.setInterval(tour.dwell_s * 1000)
        if not self._held:
            self.timer.start()
        self.changed.emit()

    def stop(self) -> None:
        self.timer.stop()
        if self.tour is None:
            return
        self.tour = None
        self.changed.emit()

    def hold(self) -> None:
        """Stay on the layout shown (the console locks)."""
        self._held = True
        self.timer.stop()

    def release(self) -> None:
        self._held = False
        if self.tour is not None:
            self.timer.start()

    def _on_timer_timeout(self) -> None:
        tour = self.tour
        if tour is None or self._held:
            return
        self.step = (self.step + 1) % len(tour.layouts)
        self.layout_due.emit(tour.layouts[self.step])
        self.changed.emit()
