"""Cycles holding Qt objects are collected on the GUI thread, never on a reader's."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject, QThread, QTimer
from pytestqt.qtbot import QtBot

from ui.collector import MainThreadCollector


class _Cycle:
    """A Qt object with a running timer, kept only by a reference cycle."""

    def __init__(self, destroyed_on: list[QThread | None]) -> None:
        self.me = self
        self.owner = QObject()
        self.timer = QTimer(self.owner)
        self.timer.start(60_000)
        self._destroyed_on = destroyed_on

    def __del__(self) -> None:
        self._destroyed_on.append(QThread.currentThread())


def test_a_cycle_is_not_collected_by_a_thread_that_allocates(
    qtbot: QtBot, collector: MainThreadCollector
) -> None:
    assert not gc.isenabled()
    destroyed_on: list[QThread | None] = []
    ref = weakref.ref(_Cycle(destroyed_on))

    def allocate() -> None:
        # Far past every threshold: with automatic collection on, this would collect the cycle
        # on this thread.
        kept = [[] for _ in range(50 * gc.get_threshold()[0])]
        del kept

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert ref() is not None

    # The collector's timer (or the fixture between tests) collects it on the GUI thread.
    kept = [[] for _ in range(2 * gc.get_threshold()[0])]
    qtbot.waitUntil(lambda: ref() is None, timeout=5000)
    del kept
    assert destroyed_on == [QThread.currentThread()]


def test_stopping_hands_collection_back(qtbot: QtBot) -> None:
    gc.enable()
    try:
        extra = MainThreadCollector()
        assert not gc.isenabled()
        extra.stop()
        assert gc.isenabled()
    finally:
        gc.disable()
