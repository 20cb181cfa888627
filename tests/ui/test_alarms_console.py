"""The Alarms dock inside the console: a new alarm counts in the title and the status bar, sounds
by its rule (silent and logged where this machine has no audio), pops its camera into the grid's
alarm tile with the alarm border until it is handled, and plays back from 30 s before."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.alarms.model import AlarmState
from console.app import Core
from console.domain import Actor, Role
from tests.conftest import PASSWORD, FakeClock
from tests.ui.test_alarms_panel import aggression, raise_events, rows
from tests.ui.test_grid import Site, site  # noqa: F401 - the fixture
from tests.ui.test_shell import log_in
from ui.alarms_panel import AlarmsPanel
from ui.playback_request import ReasonDialog
from ui.wiring.session import Console

CLI = Actor.os_account("root")


def test_a_new_alarm_counts_sounds_pops_its_camera_and_plays_back(
    qtbot: QtBot,
    make_console: Callable[..., Console],
    core: Core,
    clock: FakeClock,
    site: Site,  # noqa: F811 - the fixture
    caplog: pytest.LogCaptureFixture,
) -> None:
    core.users.add(CLI, "anna", Role.ADMINISTRATOR, PASSWORD)
    core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD)
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    panel = window.docks["alarms"].widget()
    assert isinstance(panel, AlarmsPanel)
    assert window.alarms is panel
    grid = window.grid
    assert grid is not None
    assert all(tile.camera_id is None for tile in grid.tiles)
    # No engine runs for this data dir in this test: the banner says alarms cannot be received.
    qtbot.waitUntil(lambda: panel.banner.isVisible(), timeout=5_000)
    assert "cannot be received" in panel.banner.text()

    caplog.set_level(logging.WARNING, logger="ui.alarm_sound")
    (alarm,) = raise_events(core, aggression(clock))
    assert alarm.cameras == (site.torget.id,)
    qtbot.waitUntil(lambda: len(rows(panel)) == 1, timeout=5_000)
    qtbot.waitUntil(lambda: "1 new alarm" in window.windowTitle())
    assert window.alarms_label.text() == "Alarms: 1 new, 0 acknowledged"
    # The rule of aggression: the alarm sound, and the camera into the alarm tile (the last).
    qtbot.waitUntil(lambda: console.alarm_sound.requested == ["alarm"])
    if not console.alarm_sound.available:
        assert "not played" in caplog.text
    qtbot.waitUntil(lambda: grid.tiles[-1].camera_id == site.torget.id)
    assert grid.tiles[-1].alarm

    # Play back from 30 s before: the reason is asked, then the window opens at that moment.
    panel.select(alarm.id)
    assert panel.details.play.isEnabled()
    panel.details.play.click()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, ReasonDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog))
    dialog.details.setText("aggression at the square")
    dialog.ok.click()
    qtbot.waitUntil(lambda: console.playback_window is not None)
    playback = console.playback_window
    assert playback is not None
    assert [t.camera_id for t in playback.tiles] == [site.torget.id]
    assert playback.clock.position() == alarm.received_time - timedelta(seconds=30)
    playback.close()

    # Acknowledged (here through the service, as another console would): the border goes.
    olle = Actor.of(core.users.authenticate("olle", PASSWORD))
    core.alarms.acknowledge(olle, alarm.id, "Guards on their way")
    qtbot.waitUntil(lambda: not grid.tiles[-1].alarm, timeout=5_000)
    qtbot.waitUntil(lambda: "new alarm" not in window.windowTitle())
    assert window.alarms_label.text() == "Alarms: 0 new, 1 acknowledged"
    assert core.alarms.get(CLI, alarm.id).state is AlarmState.ACKNOWLEDGED
