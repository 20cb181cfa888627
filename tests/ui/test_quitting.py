"""Quitting the console: the live.view end entries still being written are waited for off the
GUI thread, which keeps answering while the window says what it waits for, and are written
before the workers go."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from console.app import Core
from console.audit.log import Session
from console.domain import Actor, Role
from tests.conftest import PASSWORD
from tests.ui.test_shell import log_in
from ui.wiring.session import Console

#: How long the slow access log takes to write one end entry.
SLOW_WRITE_S = 1.2
#: The longest the GUI thread may leave a 20 ms timer waiting meanwhile (a generous margin).
MAX_LATE_S = 0.2


def test_quitting_waits_for_a_slow_end_entry_while_the_window_answers(
    qtbot: QtBot,
    core: Core,
    make_console: Callable[..., Console],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = Actor.os_account("root")
    core.users.add(root, "anna", Role.ADMINISTRATOR, PASSWORD)
    olle = Actor.of(core.users.add(root, "olle", Role.OPERATOR, PASSWORD))
    console = make_console()
    console.start()
    window = log_in(qtbot, console, "olle")
    qtbot.waitUntil(lambda: console.runner.pending == 0, timeout=5000)
    grid = window.grid
    assert grid is not None
    session: Session = core.cameras.begin_view(olle, "camera:1", None)

    # The access log is slow: the end entry takes SLOW_WRITE_S to be written.
    real_end = core.cameras.end_view
    writing = threading.Event()

    def slow_end(ended: Session, frames: int = 0) -> None:
        writing.set()
        time.sleep(SLOW_WRITE_S)
        real_end(ended, frames)

    monkeypatch.setattr(core.cameras, "end_view", slow_end)
    grid.views.end(session, 25)
    assert writing.wait(5)

    ticks: list[float] = []
    said: list[str] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.timeout.connect(lambda: said.append(window.statusBar().currentMessage()))
    timer.start()
    started = time.monotonic()
    try:
        console.shutdown()
    finally:
        timer.stop()
    waited = time.monotonic() - started

    # It did wait (the entry is written) and the window answered all along.
    assert waited >= SLOW_WRITE_S * 0.5
    ended = [e for e in core.audit.entries(root) if e.action == "live.view.end"]
    assert [e.details.get("frames") for e in ended] == [25]
    gaps = [b - a for a, b in zip([started, *ticks], ticks, strict=False)]
    assert len(ticks) >= 10, ticks
    assert max(gaps) < MAX_LATE_S, max(gaps)
    assert "Writing the last entries of the access log" in " ".join(said)
