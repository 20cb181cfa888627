"""Fixtures for the Qt UI under pytest-qt (offscreen platform)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app import Core
from console.ports import CameraControls, CameraTools
from tests.ui.fakes import OfflineControls, OfflineTools
from ui.collector import MainThreadCollector
from ui.i18n import Translations
from ui.tasks import TaskRunner
from ui.theme import apply_theme
from ui.wiring.session import Console, ui_settings_for


@pytest.fixture(scope="session", autouse=True)
def collector(qapp: QApplication) -> Iterator[MainThreadCollector]:
    """As in the console: cycles are collected on the GUI thread only (ui/collector.py), so a
    widget left in a cycle by one test is never destroyed on a reader thread of the next."""
    running = MainThreadCollector(qapp)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _collect_after_each_test(collector: MainThreadCollector) -> Iterator[None]:
    yield
    collector.collect()


@pytest.fixture
def translations(qapp: QApplication) -> Iterator[Translations]:
    installed = Translations(qapp)
    installed.install("en")
    yield installed
    installed.install("en")


@pytest.fixture
def make_console(
    qapp: QApplication, core: Core, data_dir: Path, translations: Translations, qtbot: QtBot
) -> Iterator[Callable[..., Console]]:
    """A console whose cameras are unreachable fakes unless a test gives it `tools` (the real
    ones, against the simulated site on loopback) or `controls`."""
    made: list[Console] = []

    def make(tools: CameraTools | None = None, controls: CameraControls | None = None) -> Console:
        console = Console(
            qapp,
            core,
            translations,
            ui_settings_for(data_dir),
            tools=tools or OfflineTools().tools(),
            controls=controls or OfflineControls(),
        )
        apply_theme(qapp, console.theme)
        made.append(console)
        return console

    yield make
    for console in made:
        for widget in (console.main_window, console.login_dialog, console.first_admin_dialog):
            if widget is not None:
                widget.close()
        # Let queued task results arrive before the runner goes away.
        qtbot.waitUntil(lambda c=console: c.runner.pending == 0, timeout=5000)
        console.shutdown()
    apply_theme(qapp, "dark")


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    """A task runner whose unexpected errors fail the test (the widgets handle the known ones),
    its jobs waited for and its workers stopped at the end."""
    errors: list[BaseException] = []
    made = TaskRunner(errors.append, errors.append)
    yield made
    qtbot.waitUntil(lambda: made.pending == 0, timeout=20_000)
    made.shutdown()
    # Deleted here, on the GUI thread: left to the garbage collector (it sits in a reference
    # cycle) the QObject could be destroyed on a worker thread, which crashes the interpreter.
    shiboken6.delete(made)
    assert errors == []


def distinct_colours(image: QImage, step: int = 7) -> int:
    """How many different colours a sparse grid of pixels has (1 = a uniform picture)."""
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def mean_luminance(image: QImage, step: int = 5) -> float:
    total = count = 0.0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            colour = image.pixelColor(x, y)
            total += 0.2126 * colour.red() + 0.7152 * colour.green() + 0.0722 * colour.blue()
            count += 1
    return total / count
