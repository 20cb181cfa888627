"""The tour player (ui/grid_tours.py): layouts in turn on the dwell timer, held while locked."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from console.layouts import Grid, GridKind, Layout, Tour
from ui.grid_tours import TourPlayer

CENTRUM = Layout("Centrum", Grid.preset(GridKind.GRID_2), (1, None, None, None))
YTTER = Layout("Ytter", Grid.preset(GridKind.SINGLE), (2,))
KVALL = Tour("Kväll", (CENTRUM, YTTER), 15)


def test_a_held_tour_stays_on_its_layout_and_goes_on_when_released(qtbot: QtBot) -> None:
    timer = QTimer()
    player = TourPlayer(timer)
    shown: list[str] = []
    player.layout_due.connect(lambda layout: shown.append(layout.name))

    player.begin(KVALL)
    assert shown == ["Centrum"]
    assert timer.isActive()
    assert timer.interval() == 15_000
    timer.timeout.emit()
    assert shown == ["Centrum", "Ytter"]
    assert player.step == 1

    player.hold()
    assert not timer.isActive()
    timer.timeout.emit()  # one already on its way when the console locked
    assert shown == ["Centrum", "Ytter"]
    player.release()
    assert timer.isActive()
    timer.timeout.emit()
    assert shown == ["Centrum", "Ytter", "Centrum"]

    player.stop()
    assert player.tour is None
    assert not timer.isActive()
    assert player.last == "Kväll"
    player.release()  # unlocking with no tour going on starts nothing
    assert not timer.isActive()


def test_a_tour_begun_while_held_waits_for_the_release(qtbot: QtBot) -> None:
    timer = QTimer()
    player = TourPlayer(timer)
    player.hold()
    player.begin(KVALL)
    assert player.tour is KVALL
    assert not timer.isActive()
    player.release()
    assert timer.isActive()
    player.stop()
