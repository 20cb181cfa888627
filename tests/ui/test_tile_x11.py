"""What a tile does with libvlc's own X11 window, against a fake X server (ui.native_surface.Xcb): a
new stream is raised only once libvlc has fitted its window to the tile, libvlc's windows keep
what is on screen where they are uncovered, and a tile being maximized or restored shows a still
of its picture until libvlc has caught up with the new size. tests/test_live_view_xvfb.py checks
the same on screenshots of a real X server with libvlc drawing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from console.app import Core
from console.media.packets import StreamState
from tests.conftest import FakeClock
from tests.register_fixture import registered
from tests.ui.test_grid import CLI, FakeBackend, FakeHandle, facts, person, place, wait_open
from ui.grid import VideoGrid
from ui.native_surface import Xcb
from ui.tasks import TaskRunner
from ui.tile import FIT_SETTLE_S, FIT_WAIT_S, VideoTile
from ui.tile_state import TileState

#: The stream's own size: libvlc's first pictures come at it.
SOURCE = (640, 360)


@dataclass
class FakeX:
    """The X server as a tile asks it: libvlc's window inside each video window."""

    #: the tile's video windows by id
    surfaces: dict[int, QWidget] = field(default_factory=dict)
    #: video window id → libvlc's window in it
    inner: dict[int, int] = field(default_factory=dict)
    geometries: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    #: libvlc's windows told to keep what is on screen (no background)
    kept: set[int] = field(default_factory=set)
    next_id: int = 0x1000000

    def children(self, window: int) -> list[int]:
        return [self.inner[window]] if window in self.inner else []

    def geometry(self, window: int) -> tuple[int, int, int, int] | None:
        surface = self.surfaces.get(window)
        if surface is not None:
            return 0, 0, surface.width(), surface.height()
        return self.geometries.get(window)

    def set_background(self, window: int, *, keep: bool) -> None:
        if keep:
            self.kept.add(window)
        else:
            self.kept.discard(window)

    # -- what libvlc does -------------------------------------------------------------------------

    def vout(self, handle: FakeHandle, tile: VideoTile) -> int:
        """libvlc makes its window in the handle's video window, as large as it (X11 output)."""
        for surface in tile.screen_.surfaces:
            self.surfaces[int(surface.winId())] = surface
        window = self.next_id
        self.next_id += 0x100000
        self.inner[handle.window_id] = window
        self.place(window, handle, (0, 0))
        return window

    def place(self, window: int, handle: FakeHandle, size: tuple[int, int] | None = None) -> None:
        """libvlc sizes its window to `size` at the top left, or (None) fits it to the video
        window, centred, as its pool does."""
        outer = self.surfaces[handle.window_id]
        width, height = outer.width(), outer.height()
        if size is None:
            fit_w, fit_h = min(width, height * 16 // 9), min(height, width * 9 // 16)
            self.geometries[window] = (width - fit_w) // 2, (height - fit_h) // 2, fit_w, fit_h
        elif size == (0, 0):
            self.geometries[window] = 0, 0, width, height
        else:
            self.geometries[window] = 0, 0, *size


@pytest.fixture
def fake_x(monkeypatch: pytest.MonkeyPatch) -> FakeX:
    fake = FakeX()
    monkeypatch.setattr(Xcb, "of_application", classmethod(lambda cls: fake))
    return fake


@dataclass
class Live:
    grid: VideoGrid
    backend: FakeBackend
    tile: VideoTile
    sub: FakeHandle
    #: libvlc's window of the sub stream
    window: int


@pytest.fixture
def live(
    qtbot: QtBot, core: Core, runner: TaskRunner, clock: FakeClock, fake_x: FakeX
) -> Iterator[Live]:
    """A 2×2 grid whose second tile shows a camera's sub stream, drawn by a fake libvlc."""
    camera = registered(
        core,
        core.cameras.add(CLI, facts("10.0.0.1"), place(core, "Stora torget"), "Torget", "u", "p"),
    )
    actor = person(core, "olle")
    backend = FakeBackend()
    grid = VideoGrid(core.cameras, core.layouts, actor, runner, backend)
    qtbot.addWidget(grid)
    grid.resize(800, 600)
    grid.set_sites(core.sites.places())
    grid.set_cameras(core.cameras.list(actor))
    grid.show()
    qtbot.waitUntil(lambda: runner.pending == 0)
    tile = grid.tiles[1]
    grid.assign(1, camera.id)
    (sub,) = wait_open(qtbot, backend, 1)
    window = fake_x.vout(sub, tile)
    fake_x.place(window, sub, None)
    sub.status(StreamState.LIVE, clock)
    sub.picture()
    qtbot.waitUntil(lambda: tile.state is TileState.LIVE)
    yield Live(grid, backend, tile, sub, window)
    grid.stop()
    qtbot.waitUntil(lambda: runner.pending == 0)


def test_a_new_stream_is_raised_once_libvlc_has_fitted_its_window(
    qtbot: QtBot, live: Live, fake_x: FakeX, clock: FakeClock
) -> None:
    assert live.window in fake_x.kept
    live.grid.maximize(1)
    main = live.backend.handles[-1]
    window = fake_x.vout(main, live.tile)
    main.status(StreamState.LIVE, clock)
    # Its first pictures come at the stream's own size, in the corner.
    fake_x.place(window, main, SOURCE)
    main.picture()
    qtbot.waitUntil(lambda: window in fake_x.kept)
    qtbot.wait(2 * round(FIT_SETTLE_S * 1000))
    assert not live.sub.closed, "the sub stream stays while libvlc's window is not fitted"
    fake_x.place(window, main, None)
    qtbot.waitUntil(lambda: live.sub.closed)
    assert live.tile.screen_.surfaces[1].isVisible()


def test_a_window_as_libvlc_made_it_is_raised_after_a_moment(
    qtbot: QtBot, live: Live, fake_x: FakeX
) -> None:
    live.grid.maximize(1)
    main = live.backend.handles[-1]
    window = fake_x.vout(main, live.tile)
    started = time.monotonic()
    main.picture()
    qtbot.waitUntil(lambda: live.sub.closed)
    assert time.monotonic() - started >= FIT_SETTLE_S
    assert window in fake_x.kept


def test_a_backend_without_a_window_of_its_own_is_shown_after_a_moment(
    qtbot: QtBot, live: Live
) -> None:
    live.grid.maximize(1)
    main = live.backend.handles[-1]
    main.picture()
    qtbot.waitUntil(lambda: live.sub.closed)


def test_maximize_and_restore_hold_the_picture_until_libvlc_has_caught_up(
    qtbot: QtBot, live: Live, fake_x: FakeX
) -> None:
    curtain = live.tile.screen_.curtain
    live.grid.maximize(1)
    if curtain.isHidden():
        pytest.skip("this platform gives no picture of the screen (QScreen.grabWindow)")
    assert not curtain.still.isNull()
    # libvlc's window keeps the small tile's size for a while: the still stays.
    qtbot.wait(150)
    assert curtain.isVisible()
    fake_x.place(live.window, live.sub, None)
    qtbot.waitUntil(curtain.isHidden)
    assert curtain.still.isNull()

    live.grid.restore()
    assert curtain.isVisible()
    qtbot.wait(150)
    assert curtain.isVisible()
    fake_x.place(live.window, live.sub, None)
    qtbot.waitUntil(curtain.isHidden)


def test_a_hidden_tile_forgets_what_was_on_screen(qtbot: QtBot, live: Live, fake_x: FakeX) -> None:
    assert live.window in fake_x.kept
    live.grid.maximize(0)
    qtbot.waitUntil(lambda: not live.tile.isVisible())
    assert live.window not in fake_x.kept, "shown again, it is black until libvlc draws"


def test_a_stream_started_over_keeps_its_picture_until_its_next_keyframe(
    qtbot: QtBot, live: Live, fake_x: FakeX
) -> None:
    """The overload governor starts a stream over in keyframes only (and back): libvlc's
    window goes, and a new one shows a picture only with the stream's next keyframe, up to a
    GOP later. Meanwhile the tile shows a still of its last picture, not black."""
    curtain = live.tile.screen_.curtain
    restart = live.sub.on_restart
    assert restart is not None
    restart()
    assert curtain.isVisible()
    assert not curtain.still.isNull()
    del fake_x.inner[live.sub.window_id]  # libvlc's window closed with the old stream
    qtbot.wait(round(FIT_WAIT_S * 1000) + 200)
    assert curtain.isVisible(), "the still stays until the picture is back, past FIT_WAIT_S"
    window = fake_x.vout(live.sub, live.tile)
    fake_x.place(window, live.sub, SOURCE)  # the first picture at the stream's own size
    live.sub.picture()
    qtbot.wait(2 * round(FIT_SETTLE_S * 1000))
    assert curtain.isVisible(), "not before libvlc's new window fits the tile"
    fake_x.place(window, live.sub, None)
    qtbot.waitUntil(curtain.isHidden)
    assert window in fake_x.kept
    assert live.tile.state is TileState.LIVE


def test_a_stream_started_over_without_a_picture_is_uncovered_in_the_end(
    qtbot: QtBot, live: Live, fake_x: FakeX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.tile.RESTART_WAIT_S", 0.3)
    curtain = live.tile.screen_.curtain
    restart = live.sub.on_restart
    assert restart is not None
    restart()
    assert curtain.isVisible()
    del fake_x.inner[live.sub.window_id]
    qtbot.waitUntil(curtain.isHidden, timeout=2000)
