"""The live grid under pytest-qt with a fake video backend: layouts, drag and drop, maximize with
no black tile, statuses, area limits, the access log, saved layouts, tours and keys."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app import Core
from console.audit.log import Entry
from console.camera_facts import Capabilities, DeviceFacts, StreamProfile
from console.cameras import Camera
from console.domain import Actor, Place, Role
from console.errors import N_, KnownError, StorageError
from console.layouts import Grid, GridKind
from console.media.hub import MediaHub
from console.media.packets import (
    Packet,
    Profile,
    StreamInfo,
    StreamKey,
    StreamState,
    StreamStatus,
)
from console.ports import Player, VideoBackend, VideoHandle
from tests.conftest import PASSWORD, FakeClock
from tests.register_fixture import registered
from tests.ui.fakes import OfflineControls, OfflineTools
from ui.grid import VideoGrid
from ui.i18n import Translations
from ui.main_window import MainWindow
from ui.sites_panel import CAMERA_ID_ROLE, SitesPanel, camera_mime
from ui.tasks import TaskRunner
from ui.tile import VideoTile
from ui.tile_state import TileState
from ui.wiring.session import Console, ui_settings_for
from ui.wiring.video import HubVideoBackend

CLI = Actor.os_account("root")


# -- a fake backend ------------------------------------------------------------------------------


@dataclass(eq=False)
class FakeHandle(VideoHandle):
    camera: Camera
    profile: Profile
    window_id: int
    keyframes_only: bool
    on_status: Callable[[StreamStatus], None]
    on_first_frame: Callable[[], None]
    on_restart: Callable[[], None] | None = None
    closed: bool = False
    shown: int = 0

    def close(self) -> None:
        self.closed = True

    def frames(self) -> int:
        return self.shown

    def picture(self, frames: int = 25) -> None:
        """The first picture is on screen (as libvlc says on its own thread)."""
        self.shown += frames
        self.on_first_frame()

    def status(self, state: StreamState, clock: FakeClock, reason: str = "") -> None:
        retry = 4.0 if state is StreamState.OFFLINE else None
        self.on_status(StreamStatus(state, clock.now(), reason, retry))


@dataclass
class FakeBackend(VideoBackend):
    handles: list[FakeHandle] = field(default_factory=list)
    refuse: KnownError | None = None

    def open(
        self,
        camera: Camera,
        profile: Profile,
        window_id: int,
        *,
        keyframes_only: bool,
        on_status: Callable[[StreamStatus], None],
        on_first_frame: Callable[[], None],
        on_restart: Callable[[], None] | None = None,
    ) -> FakeHandle:
        if self.refuse is not None:
            raise self.refuse
        handle = FakeHandle(
            camera, profile, window_id, keyframes_only, on_status, on_first_frame, on_restart
        )
        self.handles.append(handle)
        return handle

    def open_handles(self) -> list[FakeHandle]:
        return [h for h in self.handles if not h.closed]


# -- fixtures ------------------------------------------------------------------------------------


def facts(host: str, sub: bool = True) -> DeviceFacts:
    return DeviceFacts(
        host=host,
        port=80,
        xaddr=f"http://{host}/onvif/device_service",
        manufacturer="Axis",
        model="P3245",
        main=StreamProfile("p0", f"rtsp://{host}/main", 1920, 1080),
        sub=StreamProfile("p1", f"rtsp://{host}/sub", 640, 360) if sub else None,
        capabilities=Capabilities(),
    )


def place(core: Core, name: str) -> Place:
    return next(p for p in core.sites.places() if p.name == name)


@dataclass
class Site:
    torget: Camera
    berga: Camera
    #: a camera without a sub stream
    ryd: Camera

    @property
    def all(self) -> list[Camera]:
        return [self.torget, self.berga, self.ryd]


@pytest.fixture
def site(core: Core) -> Site:
    return Site(
        torget=registered(
            core,
            core.cameras.add(
                CLI, facts("10.0.0.1"), place(core, "Stora torget"), "Torget", "u", "p"
            ),
        ),
        berga=registered(
            core,
            core.cameras.add(
                CLI, facts("10.0.0.2"), place(core, "Berga centrum"), "Berga", "u", "p"
            ),
        ),
        ryd=registered(
            core,
            core.cameras.add(
                CLI, facts("10.0.0.3", sub=False), place(core, "Ryds centrum"), "Ryd", "u", "p"
            ),
        ),
    )


def person(core: Core, name: str, role: Role = Role.OPERATOR, areas: tuple[str, ...] = ()) -> Actor:
    limited = core.sites.resolve_areas(areas) if areas else frozenset()
    return Actor.of(core.users.add(CLI, name, role, PASSWORD, limited))


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def errors() -> list[BaseException]:
    return []


@pytest.fixture
def runner(qtbot: QtBot, errors: list[BaseException]) -> Iterator[TaskRunner]:
    made = TaskRunner(errors.append, errors.append)
    yield made
    qtbot.waitUntil(lambda: made.pending == 0, timeout=10_000)
    made.shutdown()
    # Deleted here, on the GUI thread: left to the garbage collector (it sits in a reference
    # cycle) the QObject could be destroyed on a worker thread, which crashes the interpreter.
    shiboken6.delete(made)


MakeGrid = Callable[..., VideoGrid]


@pytest.fixture
def make_grid(
    qtbot: QtBot, core: Core, site: Site, runner: TaskRunner, backend: FakeBackend
) -> Iterator[MakeGrid]:
    made: list[VideoGrid] = []

    def make(
        actor: Actor, *, cameras: list[Camera] | None = None, tour_timer: QTimer | None = None
    ) -> VideoGrid:
        grid = VideoGrid(core.cameras, core.layouts, actor, runner, backend, tour_timer=tour_timer)
        qtbot.addWidget(grid)
        grid.resize(800, 600)
        grid.set_sites(core.sites.places())
        grid.set_cameras(core.cameras.list(actor) if cameras is None else cameras)
        grid.show()
        made.append(grid)
        qtbot.waitUntil(lambda: runner.pending == 0)
        return grid

    yield make
    for grid in made:
        grid.stop()
    qtbot.waitUntil(lambda: runner.pending == 0)


def live_entries(core: Core) -> list[Entry]:
    """live.view entries, oldest first."""
    return list(reversed(core.audit.entries(CLI, action="live.view")))


def drop(tile: VideoTile, mime: QMimeData) -> None:
    """Drag `mime` over the tile and drop it (the events a drag delivers, sent to the tile)."""
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(10, 10), actions, mime, buttons, keys)
    tile.event(enter)
    assert enter.isAccepted()
    dropped = QDropEvent(QPointF(10, 10), actions, mime, buttons, keys)
    tile.event(dropped)
    assert dropped.isAccepted()


def focus(qtbot: QtBot, grid: VideoGrid) -> None:
    """The grid's window active and the grid focused, as after a click into it."""
    grid.activateWindow()
    qtbot.waitUntil(grid.isActiveWindow)
    grid.setFocus()


def wait_open(qtbot: QtBot, backend: FakeBackend, count: int) -> list[FakeHandle]:
    qtbot.waitUntil(lambda: len(backend.handles) == count)
    return backend.handles


# -- layouts, drag and drop ----------------------------------------------------------------------


def test_layouts_change_the_tile_count(qtbot: QtBot, core: Core, make_grid: MakeGrid) -> None:
    grid = make_grid(person(core, "olle"))
    assert len(grid.tiles) == 4
    for kind, count in ((GridKind.SINGLE, 1), (GridKind.GRID_5, 25), (GridKind.ONE_PLUS_5, 6)):
        grid.actions_[f"layout_{kind.value}"].trigger()
        assert len(grid.tiles) == count
        assert all(tile.isVisible() for tile in grid.tiles)
    # 1+5: the big tile is twice as wide as the others.
    assert grid.tiles[0].big
    assert not grid.tiles[1].big
    qtbot.waitUntil(lambda: grid.tiles[0].width() > 1.8 * grid.tiles[1].width())
    grid.set_grid(Grid.custom(3, 4, 2, 3))
    assert len(grid.tiles) == 7
    grid.actions_["layout_1+7"].trigger()
    assert len(grid.tiles) == 8
    assert grid.tiles[0].state is TileState.EMPTY
    assert "Drag a camera" in grid.tiles[0].message_text()


def test_a_camera_dragged_from_the_tree_is_logged_then_shown(
    qtbot: QtBot,
    core: Core,
    site: Site,
    make_grid: MakeGrid,
    backend: FakeBackend,
    clock: FakeClock,
) -> None:
    olle = person(core, "olle")
    grid = make_grid(olle)
    panel = SitesPanel()
    qtbot.addWidget(panel)
    assert olle.user is not None
    panel.populate(core.sites.areas(), core.sites.places(), olle.user)
    panel.set_cameras(core.cameras.list(olle))
    index = panel.model.camera_index(site.torget.id)
    assert index.data(CAMERA_ID_ROLE) == site.torget.id
    assert panel.model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
    # Copied, never moved: the tree keeps its row.
    assert panel.model.supportedDragActions() == Qt.DropAction.CopyAction
    mime = panel.model.mimeData([index])

    tile = grid.tiles[2]
    drop(tile, mime)
    assert tile.state is TileState.CONNECTING
    (handle,) = wait_open(qtbot, backend, 1)
    # The start entry was durable before the stream was opened.
    (start,) = live_entries(core)
    assert (start.action, start.actor, start.target) == (
        "live.view.start",
        "olle",
        f"camera:{site.torget.id}",
    )
    assert (handle.camera.id, handle.profile, handle.keyframes_only) == (
        site.torget.id,
        Profile.SUB,
        False,
    )
    assert handle.window_id == int(tile.screen_.surfaces[0].winId())
    assert tile.title_text() == "Torget · Stora torget"
    assert tile.message_text() == "Connecting…"

    handle.status(StreamState.LIVE, clock)
    handle.picture()
    qtbot.waitUntil(lambda: tile.state is TileState.LIVE)
    assert tile.status_label.text() == "● live"
    assert grid.selected == 2


def test_tiles_swap_without_reconnecting(
    qtbot: QtBot, core: Core, site: Site, make_grid: MakeGrid, backend: FakeBackend
) -> None:
    grid = make_grid(person(core, "olle"))
    drop(grid.tiles[0], camera_mime(site.torget.id))
    drop(grid.tiles[3], camera_mime(site.berga.id))
    first, second = wait_open(qtbot, backend, 2)
    moved = grid.tiles[0]
    drop(grid.tiles[3], moved.mime_data())
    assert grid.tiles[3] is moved
    assert [t.camera_id for t in grid.tiles] == [site.berga.id, None, None, site.torget.id]
    assert grid.layout_state()[1] == (site.berga.id, None, None, site.torget.id)
    # It sits in the bottom right cell now.
    qtbot.waitUntil(
        lambda: (
            moved.geometry().center().x() > grid.area.width() / 2
            and moved.geometry().center().y() > grid.area.height() / 2
        )
    )
    assert not first.closed
    assert not second.closed
    assert len(backend.handles) == 2
    assert [e.action for e in live_entries(core)] == ["live.view.start"] * 2


def test_maximize_keeps_the_sub_stream_until_the_main_stream_shows(
    qtbot: QtBot,
    core: Core,
    site: Site,
    make_grid: MakeGrid,
    backend: FakeBackend,
    clock: FakeClock,
) -> None:
    grid = make_grid(person(core, "olle"))
    tile = grid.tiles[1]
    drop(tile, camera_mime(site.torget.id))
    (sub,) = wait_open(qtbot, backend, 1)
    sub.status(StreamState.LIVE, clock)
    sub.picture()
    qtbot.waitUntil(lambda: tile.state is TileState.LIVE)

    qtbot.mouseDClick(tile, Qt.MouseButton.LeftButton)
    assert grid.maximized is tile
    assert [t.isVisible() for t in grid.tiles] == [False, True, False, False]
    main = backend.handles[-1]
    assert (main.profile, main.keyframes_only) == (Profile.MAIN, False)
    # Drawn into the other window, under the sub stream's, which stays on screen.
    assert main.window_id == int(tile.screen_.surfaces[1].winId())
    assert not sub.closed
    assert tile.state is TileState.LIVE
    main.status(StreamState.LIVE, clock)
    qtbot.wait(20)
    assert not sub.closed, "the sub stream stays until the main stream's first picture"
    main.picture()
    qtbot.waitUntil(lambda: sub.closed)
    assert not main.closed

    focus(qtbot, grid)
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert grid.maximized is None
    assert all(t.isVisible() for t in grid.tiles)
    back = backend.handles[-1]
    assert back.profile is Profile.SUB
    assert back.window_id == int(tile.screen_.surfaces[0].winId())
    assert not main.closed
    back.picture()
    qtbot.waitUntil(lambda: main.closed)
    # One look from start to end, whichever stream it used.
    assert [e.action for e in live_entries(core)] == ["live.view.start"]


def test_a_camera_without_a_sub_stream_shows_key_frames_in_small_tiles(
    qtbot: QtBot, core: Core, site: Site, make_grid: MakeGrid, backend: FakeBackend
) -> None:
    grid = make_grid(person(core, "olle"))
    tile = grid.tiles[0]
    grid.assign(0, site.ryd.id)
    (small,) = wait_open(qtbot, backend, 1)
    assert (small.profile, small.keyframes_only) == (Profile.MAIN, True)
    small.picture()
    qtbot.waitUntil(lambda: not tile.badge.isHidden())
    grid.maximize(0)
    big = backend.handles[-1]
    assert (big.profile, big.keyframes_only) == (Profile.MAIN, False)
    big.picture()
    qtbot.waitUntil(lambda: small.closed)
    assert tile.badge.isHidden()
    # The single tile of layout 1 is big: the whole main stream.
    grid.restore()
    grid.set_grid(Grid.preset(GridKind.SINGLE))
    assert tile.big


def test_statuses_are_shown(
    qtbot: QtBot,
    core: Core,
    site: Site,
    make_grid: MakeGrid,
    backend: FakeBackend,
    clock: FakeClock,
) -> None:
    grid = make_grid(person(core, "olle"))
    tile = grid.tiles[0]
    grid.assign(0, site.torget.id)
    (handle,) = wait_open(qtbot, backend, 1)
    handle.status(StreamState.LIVE, clock)
    handle.picture()
    qtbot.waitUntil(lambda: tile.state is TileState.LIVE)
    assert tile.screen_.message.isHidden()

    # 01:15:07 UTC on the night summer time begins: 03:15:07 in Stockholm.
    clock.advance(minutes=45, seconds=7)
    handle.status(StreamState.STALE, clock, "no packets for 3 s")
    qtbot.waitUntil(lambda: tile.state is TileState.STALE)
    assert tile.status_label.text() == "STALE since 03:15:07"
    # The last picture stays, marked as stale in the strip (never passed off as live).
    assert tile.screen_.message.isHidden()
    assert "#d08a1e" in tile.caption.styleSheet()

    handle.status(StreamState.OFFLINE, clock, "The camera cannot be reached.")
    qtbot.waitUntil(lambda: tile.state is TileState.OFFLINE)
    assert tile.status_label.text() == "offline"
    assert tile.message_text() == "Offline: The camera cannot be reached.\nTrying again in 4 s"
    assert tile.screen_.message.isVisible()
    assert tile.screen_.message.text() == tile.message_text()

    handle.status(StreamState.LIVE, clock)
    qtbot.waitUntil(lambda: tile.state is TileState.LIVE)

    tile.set_recording(True)
    assert tile.rec.isVisible()
    grid.set_alarm(site.torget.id, True)
    assert tile.alarm
    assert "#ff3b30" in tile.styleSheet()
    # A tile given the camera later shows the alarm too.
    grid.assign(1, site.torget.id)
    assert grid.tiles[1].alarm
    grid.set_alarm(site.torget.id, False)
    assert not tile.alarm


def test_no_permission_outside_the_users_areas(
    qtbot: QtBot, core: Core, site: Site, make_grid: MakeGrid, backend: FakeBackend
) -> None:
    olle = person(core, "olle", areas=("Berga",))
    # Known to the grid (a layout made when olle had all areas), or only by number.
    grid = make_grid(olle, cameras=core.cameras.list(CLI))
    grid.assign(0, site.torget.id)
    assert grid.tiles[0].state is TileState.NO_PERMISSION
    grid.set_cameras(core.cameras.list(olle))
    grid.assign(1, site.ryd.id)
    qtbot.waitUntil(lambda: grid.tiles[1].state is TileState.NO_PERMISSION)
    assert grid.tiles[1].title_text() == f"Camera {site.ryd.id}"
    assert grid.tiles[1].message_text() == "No permission for this camera."
    grid.assign(2, site.berga.id)
    wait_open(qtbot, backend, 1)
    assert [h.camera.id for h in backend.handles] == [site.berga.id]
    assert [e.target for e in live_entries(core)] == [f"camera:{site.berga.id}"]
    # A removed camera says so.
    grid.assign(3, 9999)
    qtbot.waitUntil(lambda: grid.tiles[3].state is TileState.REMOVED)


def test_a_camera_not_in_the_register_is_shown_to_technicians_with_a_badge(
    qtbot: QtBot, core: Core, site: Site, make_grid: MakeGrid, backend: FakeBackend
) -> None:
    new = core.cameras.add(CLI, facts("10.0.0.9"), place(core, "Resecentrum"), "Ny", "u", "p")
    tekla = person(core, "tekla", Role.TECHNICIAN)
    olle = person(core, "olle")
    # The operator's list and tree do not hold it; asked by number, the tile refuses it.
    assert new.id not in [c.id for c in core.cameras.list(olle)]
    grid = make_grid(olle)
    grid.assign(0, new.id)
    qtbot.waitUntil(lambda: grid.tiles[0].state is TileState.NO_PERMISSION)
    assert not grid.tiles[0].unregistered.isVisible()
    assert backend.handles == []
    # The technician commissions it live, and the tile and the tree say why it does not record.
    commissioning = make_grid(tekla)
    commissioning.assign(0, new.id)
    wait_open(qtbot, backend, 1)
    tile = commissioning.tiles[0]
    qtbot.waitUntil(tile.unregistered.isVisible)
    assert tile.unregistered.text() == "not in the register"
    assert not commissioning.tiles[1].unregistered.isVisible()
    panel = SitesPanel()
    qtbot.addWidget(panel)
    assert tekla.user is not None
    panel.populate(core.sites.areas(), core.sites.places(), tekla.user)
    panel.set_cameras(core.cameras.list(tekla))
    row = panel.model.camera_index(new.id)
    badge = row.siblingAtColumn(3)
    assert badge.data() == "not in the register"
    assert "surveillance register" in badge.data(Qt.ItemDataRole.ToolTipRole)
    assert panel.model.camera_index(site.torget.id).siblingAtColumn(3).data() in (None, "")
    # Once its entry is complete, the operator sees it and the badge is gone.
    registered(core, new)
    assert new.id in [c.id for c in core.cameras.list(olle)]
    commissioning.set_cameras(core.cameras.list(tekla))
    qtbot.waitUntil(lambda: not tile.unregistered.isVisible())


def test_every_look_is_logged_per_user_camera_and_tile(
    qtbot: QtBot,
    core: Core,
    site: Site,
    make_grid: MakeGrid,
    backend: FakeBackend,
    runner: TaskRunner,
) -> None:
    sara = person(core, "sara", Role.SUPERVISOR)
    grid = make_grid(sara)
    grid.assign(0, site.torget.id)
    grid.assign(1, site.torget.id)
    grid.assign(2, site.berga.id)
    handles = wait_open(qtbot, backend, 3)
    # The tiles open on workers: find tile 0's stream by the window it draws into.
    surfaces = {int(surface.winId()) for surface in grid.tiles[0].screen_.surfaces}
    (first,) = [h for h in handles if h.window_id in surfaces]
    first.picture(40)
    starts = live_entries(core)
    assert sorted(e.target for e in starts) == sorted(
        [f"camera:{site.torget.id}"] * 2 + [f"camera:{site.berga.id}"]
    )
    assert {e.actor for e in starts} == {"sara"}
    qtbot.waitUntil(lambda: grid.tiles[0].state is TileState.CONNECTING)

    grid.assign(0, None)
    assert first.closed
    qtbot.waitUntil(lambda: runner.pending == 0)
    end = live_entries(core)[-1]
    assert (end.action, end.target) == ("live.view.end", f"camera:{site.torget.id}")
    assert end.details["frames"] == 40
    # It ends the start of one of the two looks at Torget (whichever worker opened tile 0's).
    assert end.details["start_seq"] in {
        e.seq for e in starts if e.target == f"camera:{site.torget.id}"
    }
    # A smaller layout stops the tiles it drops.
    grid.set_grid(Grid.preset(GridKind.SINGLE))
    grid.stop()
    qtbot.waitUntil(lambda: runner.pending == 0)
    actions = [e.action for e in live_entries(core)]
    assert actions.count("live.view.start") == actions.count("live.view.end") == 3
    assert all(h.closed for h in backend.handles)


def test_no_entry_no_video(
    qtbot: QtBot,
    core: Core,
    site: Site,
    make_grid: MakeGrid,
    backend: FakeBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grid = make_grid(person(core, "olle"))

    def refused(*args: object, **kwargs: object) -> None:
        raise StorageError(N_("The database {path} cannot be written."), path="utkik.db")

    monkeypatch.setattr(core.cameras, "begin_view", refused)
    grid.assign(0, site.torget.id)
    qtbot.waitUntil(lambda: grid.tiles[0].state is TileState.REFUSED)
    assert grid.tiles[0].message_text() == "The database utkik.db cannot be written."
    assert backend.handles == []
    monkeypatch.undo()

    # A stream that cannot open ends its look at once.
    backend.refuse = StorageError(N_("libvlc is missing."))
    grid.assign(1, site.berga.id)
    qtbot.waitUntil(lambda: grid.tiles[1].state is TileState.REFUSED)
    qtbot.waitUntil(lambda: len(live_entries(core)) == 2)
    assert [e.action for e in live_entries(core)] == ["live.view.start", "live.view.end"]


def test_without_a_backend_tiles_say_video_is_not_available(
    qtbot: QtBot, core: Core, site: Site, runner: TaskRunner
) -> None:
    grid = VideoGrid(core.cameras, core.layouts, person(core, "olle"), runner, None)
    qtbot.addWidget(grid)
    grid.set_cameras(core.cameras.list(CLI))
    grid.assign(0, site.torget.id)
    assert grid.tiles[0].state is TileState.NO_VIDEO
    assert grid.tiles[0].status_text() == "video not available"
    assert live_entries(core) == []


# -- saved layouts, tours, keys ------------------------------------------------------------------


def test_named_layouts_are_saved_and_reopened_per_user(
    qtbot: QtBot,
    core: Core,
    site: Site,
    make_grid: MakeGrid,
    runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    olle, sara = person(core, "olle"), person(core, "sara", Role.SUPERVISOR)
    grid = make_grid(olle)
    grid.actions_["layout_3x3"].trigger()
    grid.assign(4, site.berga.id)
    grid.assign(8, site.torget.id)
    monkeypatch.setattr(grid, "ask_layout_name", lambda: "Natt")
    focus(qtbot, grid)
    qtbot.keyClick(grid, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: [layout.name for layout in grid.saved] == ["Natt"])
    assert grid.layout_name == "Natt"
    assert [a.text() for a in grid.open_menu.actions()] == ["Natt"]

    other = make_grid(sara)
    assert other.saved == []
    assert other.open_menu.actions()[0].text() == "No saved layouts"

    again = make_grid(olle)
    assert [layout.name for layout in again.saved] == ["Natt"]
    again.open_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: len(again.tiles) == 9)
    assert again.layout_state()[1][4] == site.berga.id
    assert again.layout_state()[1][8] == site.torget.id
    assert again.name_label.text() == "Natt"

    # Ctrl+S saves over the layout shown, without asking.
    again.assign(0, site.ryd.id)
    monkeypatch.setattr(again, "ask_layout_name", lambda: pytest.fail("asked"))
    again.actions_["save"].trigger()
    qtbot.waitUntil(lambda: core.layouts.get(olle, "Natt").tiles[0] == site.ryd.id)
    monkeypatch.setattr(again, "confirm", lambda question: True)
    again.delete_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: again.saved == [])
    assert again.layout_name is None


def test_a_tour_switches_layouts_after_the_dwell(
    qtbot: QtBot, core: Core, site: Site, make_grid: MakeGrid
) -> None:
    olle = person(core, "olle")
    core.layouts.save(olle, "Centrum", Grid.preset(GridKind.GRID_2), [site.torget.id])
    core.layouts.save(olle, "Ytter", Grid.preset(GridKind.ONE_PLUS_5), [site.berga.id, site.ryd.id])
    core.layouts.save_tour(olle, "Kväll", ["Centrum", "Ytter"], 15)
    timer = QTimer()
    grid = make_grid(olle, tour_timer=timer)
    assert next(a.text() for a in grid.tours_menu.actions()) == "Kväll"
    focus(qtbot, grid)
    qtbot.keyClick(grid, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: grid.tour is not None)
    assert timer.isActive()
    assert timer.interval() == 15_000
    assert grid.layout_name == "Centrum"
    assert grid.name_label.text() == "Tour “Kväll”: Centrum (1 of 2)"
    timer.timeout.emit()
    assert grid.layout_name == "Ytter"
    assert len(grid.tiles) == 6
    assert grid.layout_state()[1][:2] == (site.berga.id, site.ryd.id)
    timer.timeout.emit()
    assert grid.layout_name == "Centrum"
    qtbot.keyClick(grid, Qt.Key.Key_T)
    assert grid.tour is None
    assert not timer.isActive()
    # Choosing a layout by hand ends a tour too.
    grid.start_tour("Kväll")
    qtbot.waitUntil(lambda: grid.tour is not None)
    # (The offscreen platform activates every native window shown, the new tiles' too.)
    focus(qtbot, grid)
    qtbot.keyClick(grid, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert grid.tour is None
    assert len(grid.tiles) == 9


def test_keyboard_shortcuts(
    qtbot: QtBot, core: Core, site: Site, make_grid: MakeGrid, backend: FakeBackend
) -> None:
    grid = make_grid(person(core, "olle"))
    focus(qtbot, grid)
    alt = Qt.KeyboardModifier.AltModifier
    for key, count in ((Qt.Key.Key_1, 1), (Qt.Key.Key_5, 25), (Qt.Key.Key_7, 8), (Qt.Key.Key_3, 9)):
        qtbot.keyClick(grid, key, alt)
        assert len(grid.tiles) == count
    assert grid.selected == 0
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected == 4
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.selected == 0
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert grid.selected == 0, "no wrapping at the edge"

    # PageDown/PageUp: the cameras in the tree's order (Torget, Berga, Ryd).
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert grid.tiles[0].camera_id == site.torget.id
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert grid.tiles[0].camera_id == site.berga.id
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert grid.tiles[0].camera_id == site.ryd.id

    # Ctrl+arrow moves the tile (and the selection with it).
    moved = grid.tiles[0]
    qtbot.keyClick(grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert grid.tiles[1] is moved
    assert grid.selected == 1
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert grid.maximized is moved
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert grid.maximized is None
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert moved.camera_id is None

    # 1+7: from the big tile, right goes to the column beside it.
    qtbot.keyClick(grid, Qt.Key.Key_7, alt)
    grid.select(0)
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected == 1
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected == 7
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert grid.selected == 6


# -- in the console ------------------------------------------------------------------------------


@pytest.fixture
def console(
    qtbot: QtBot,
    qapp: QApplication,
    core: Core,
    data_dir: Path,
    translations: Translations,
    backend: FakeBackend,
) -> Iterator[Console]:
    made = Console(
        qapp,
        core,
        translations,
        ui_settings_for(data_dir),
        tools=OfflineTools().tools(),
        controls=OfflineControls(),
        backend=backend,
    )
    yield made
    if made.main_window is not None:
        made.main_window.close()
    qtbot.waitUntil(lambda: made.runner.pending == 0, timeout=5000)
    made.shutdown()


def log_in(qtbot: QtBot, console: Console, name: str) -> MainWindow:
    console.start()
    qtbot.waitUntil(lambda: console.login_dialog is not None)
    dialog = console.login_dialog
    assert dialog is not None
    dialog.submitted.emit(name, PASSWORD)
    qtbot.waitUntil(lambda: console.main_window is not None)
    window = console.main_window
    assert window is not None
    return window


def test_the_console_shows_the_grid_and_locks_it_away(
    qtbot: QtBot, core: Core, site: Site, console: Console, backend: FakeBackend, clock: FakeClock
) -> None:
    person(core, "anna", Role.ADMINISTRATOR)
    person(core, "olle")
    window = log_in(qtbot, console, "olle")
    grid = window.grid
    assert grid is not None
    assert grid.parent() is window.video_area
    assert "&Layout" in [a.text() for a in window.menuBar().actions()]
    qtbot.waitUntil(lambda: window.sites.model.cameras() != [])
    assert grid.tiles[0].title_text() == ""
    grid.drop(0, camera_mime(site.torget.id))
    (handle,) = wait_open(qtbot, backend, 1)
    handle.picture()
    qtbot.waitUntil(lambda: grid.tiles[0].state is TileState.LIVE)
    assert grid.tiles[0].title_text() == "Torget · Stora torget"

    # Full screen leaves the grid alone on the screen.
    window.menu_actions["full_screen"].trigger()
    assert not window.menuBar().isVisible()
    assert not window.docks["sites"].isVisible()
    window.menu_actions["full_screen"].trigger()
    assert window.menuBar().isVisible()
    assert window.docks["sites"].isVisible()

    # Its own window on a screen: new native windows, the same logged look.
    window.move_grid_to_screen(QGuiApplication.screens()[0])
    assert window.grid_window is not None
    assert grid.window() is window.grid_window
    assert handle.closed
    reopened = backend.handles[-1]
    assert reopened.window_id == int(grid.tiles[0].screen_.surfaces[0].winId())
    assert window.grid_away.isVisible()
    reopened.picture()
    qtbot.waitUntil(lambda: grid.tiles[0].state is TileState.LIVE)
    grid.actions_["back"].trigger()
    assert window.grid_window is None
    assert grid.window() is window
    assert backend.open_handles()[0].window_id == int(grid.tiles[0].screen_.surfaces[0].winId())
    assert [e.action for e in live_entries(core)] == ["live.view.start"]

    # Locking stops the video and ends the look; unlocking starts a new one.
    window.menu_actions["lock"].trigger()
    assert backend.open_handles() == []
    assert not grid.isVisible() or window.lock_screen is not None
    qtbot.waitUntil(lambda: [e.action for e in live_entries(core)][-1] == "live.view.end")
    window.unlock()
    wait_open(qtbot, backend, 4)
    window.close()
    qtbot.waitUntil(lambda: console.runner.pending == 0)
    assert [e.action for e in live_entries(core)] == ["live.view.start", "live.view.end"] * 2

    # Administrators watch no video: no grid at all.
    console.show_login()
    dialog = console.login_dialog
    assert dialog is not None
    dialog.submitted.emit("anna", PASSWORD)
    qtbot.waitUntil(lambda: console.main_window is not None)
    assert console.main_window is not None
    assert console.main_window.grid is None


# -- the real backend's plumbing: the media hub, a fake source and a fake player ----------------


INFO = StreamInfo("h264", 320, 180, Fraction(1, 90_000), b"\x00\x00\x00\x01sps", fps=25.0)


class QueueSource:
    """An RTSP session whose packets the test pushes."""

    def __init__(self) -> None:
        self.packets: queue.Queue[Packet | None] = queue.Queue()
        self.closed = threading.Event()

    def info(self) -> StreamInfo:
        return INFO

    def read(self) -> Packet | None:
        return self.packets.get()

    def close(self) -> None:
        self.closed.set()
        self.packets.put(None)


def feed_live(source: QueueSource, stop: threading.Event) -> None:
    """A live stream into `source` until `stop`: a keyframe a second, a packet every 40 ms."""
    index = 0
    while not stop.wait(0.04):
        key = index % 25 == 0
        data = b"\x00\x00\x00\x01idr" if key else b"\x00\x00\x00\x01p"
        source.packets.put(Packet(data, index * 3600, index * 3600, key, INFO.time_base))
        index += 1


class FakePlayer(Player):
    """A libvlc LiveView stand-in: keeps what it is given; the first keyframe is its picture."""

    def __init__(self, on_first_frame: Callable[[], None]) -> None:
        self.keyframes_only = False
        self.on_first_frame = on_first_frame
        self.window = 0
        self.started_on: list[int] = []
        self.packets: list[Packet] = []
        self.released = False
        self.detached = 0
        self.on_behind: Callable[[], None] | None = None

    def attach(self, window_id: int) -> None:
        self.window = window_id

    def start(self, info: StreamInfo) -> None:
        self.started_on.append(threading.get_ident())

    def feed(self, packet: Packet) -> None:
        self.packets.append(packet)
        if len(self.packets) == 1:
            self.on_first_frame()

    def detach(self) -> None:
        self.detached += 1

    def stats(self) -> dict[str, int]:
        return {"displayed": len(self.packets)}

    def release(self) -> None:
        self.released = True


def test_two_tiles_of_one_camera_share_one_session_of_the_hub(
    qtbot: QtBot, core: Core, site: Site, runner: TaskRunner
) -> None:
    sources: dict[StreamKey, QueueSource] = {}

    def open_source(key: StreamKey) -> QueueSource:
        sources[key] = QueueSource()
        return sources[key]

    players: list[FakePlayer] = []

    def make_player(on_first_frame: Callable[[], None]) -> FakePlayer:
        players.append(FakePlayer(on_first_frame))
        return players[-1]

    backend = HubVideoBackend(MediaHub(open_source, grace_s=0.1, now=core.clock.now), make_player)
    try:
        grid = VideoGrid(core.cameras, core.layouts, person(core, "olle"), runner, backend)
        qtbot.addWidget(grid)
        grid.set_cameras(core.cameras.list(CLI))
        grid.assign(0, site.torget.id)
        grid.assign(3, site.torget.id)
        qtbot.waitUntil(lambda: len(players) == 2 and all(p.started_on for p in players))
        # The stream's parameters came from the hub's reader; the players start on the GUI thread.
        assert {p.started_on[0] for p in players} == {threading.get_ident()}
        assert list(sources) == [StreamKey(site.torget.id, Profile.SUB)]
        # The two tiles' players, in whichever order their workers opened them.
        assert sorted(p.window for p in players) == sorted(
            int(grid.tiles[i].screen_.surfaces[0].winId()) for i in (0, 3)
        )
        source = sources[StreamKey(site.torget.id, Profile.SUB)]
        source.packets.put(Packet(b"\x00\x00\x00\x01idr", 0, 0, True, INFO.time_base))
        qtbot.waitUntil(lambda: all(grid.tiles[i].state is TileState.LIVE for i in (0, 3)))
        grid.stop()
        assert all(p.released for p in players)
        qtbot.waitUntil(source.closed.is_set, timeout=3000)
        qtbot.waitUntil(lambda: runner.pending == 0)
        ends = [e for e in live_entries(core) if e.action == "live.view.end"]
        assert [e.details["frames"] for e in ends] == [1, 1]
    finally:
        backend.close()


def test_the_first_saved_layout_opens_when_asked(
    qtbot: QtBot, core: Core, site: Site, runner: TaskRunner, backend: FakeBackend
) -> None:
    """The demo's console opens on the supervisor's overview layout."""
    sara = person(core, "sara", Role.SUPERVISOR)
    core.layouts.save(
        sara, "Översikt", Grid.preset(GridKind.GRID_2), [site.torget.id, site.berga.id]
    )
    grid = VideoGrid(core.cameras, core.layouts, sara, runner, backend, open_first_saved=True)
    qtbot.addWidget(grid)
    grid.set_sites(core.sites.places())
    grid.set_cameras(core.cameras.list(sara))
    grid.show()
    try:
        qtbot.waitUntil(lambda: grid.layout_name == "Översikt")
        assert grid.layout_state()[1][:2] == (site.torget.id, site.berga.id)
        wait_open(qtbot, backend, 2)
    finally:
        grid.stop()
        qtbot.waitUntil(lambda: runner.pending == 0)
    plain = VideoGrid(core.cameras, core.layouts, sara, runner, backend)
    qtbot.addWidget(plain)
    qtbot.waitUntil(lambda: plain.saved != [])
    assert all(tile.camera_id is None for tile in plain.tiles)
    plain.stop()
    qtbot.waitUntil(lambda: runner.pending == 0)


def test_after_a_reconnect_the_player_restarts_with_the_new_sessions_packets(
    qtbot: QtBot, core: Core, site: Site, runner: TaskRunner
) -> None:
    opened: list[QueueSource] = []

    def open_source(key: StreamKey) -> QueueSource:
        opened.append(QueueSource())
        return opened[-1]

    players: list[FakePlayer] = []

    def make_player(on_first_frame: Callable[[], None]) -> FakePlayer:
        players.append(FakePlayer(on_first_frame))
        return players[-1]

    backend = HubVideoBackend(MediaHub(open_source, grace_s=0.1, now=core.clock.now), make_player)
    try:
        grid = VideoGrid(core.cameras, core.layouts, person(core, "olle"), runner, backend)
        qtbot.addWidget(grid)
        grid.set_cameras(core.cameras.list(CLI))
        grid.assign(0, site.torget.id)
        qtbot.waitUntil(lambda: len(players) == 1 and len(players[0].started_on) == 1)
        opened[0].packets.put(Packet(b"\x00\x00\x00\x01idr", 0, 0, True, INFO.time_base))
        qtbot.waitUntil(lambda: grid.tiles[0].state is TileState.LIVE)
        # The camera ends the session; the hub reconnects (after its first backoff, 1-3 s).
        opened[0].packets.put(None)
        qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
        qtbot.waitUntil(lambda: len(players[0].started_on) == 2, timeout=5000)
        # The new session's parameters came on the hub's thread: the player was detached there
        # first, and started again on the GUI thread.
        assert players[0].detached == 1
        assert set(players[0].started_on) == {threading.get_ident()}
        grid.stop()
        qtbot.waitUntil(lambda: runner.pending == 0)
    finally:
        backend.close()


def test_a_stream_that_falls_behind_degrades_to_keyframes_and_recovers(
    qtbot: QtBot, core: Core, site: Site, runner: TaskRunner
) -> None:
    sources: list[QueueSource] = []

    def open_source(key: StreamKey) -> QueueSource:
        sources.append(QueueSource())
        return sources[-1]

    players: list[FakePlayer] = []

    def make_player(on_first_frame: Callable[[], None]) -> FakePlayer:
        players.append(FakePlayer(on_first_frame))
        return players[-1]

    backend = HubVideoBackend(MediaHub(open_source, grace_s=0.1, now=core.clock.now), make_player)
    backend.governor.quiet_s = 0.5
    stop_feeding = threading.Event()
    feeder: threading.Thread | None = None
    try:
        grid = VideoGrid(core.cameras, core.layouts, person(core, "olle"), runner, backend)
        qtbot.addWidget(grid)
        grid.set_cameras(core.cameras.list(CLI))
        grid.assign(0, site.torget.id)
        qtbot.waitUntil(lambda: len(players) == 1 and players[0].on_behind is not None)
        player = players[0]
        assert not player.keyframes_only
        # A live stream: a packet every 40 ms (the governor leaves a stalled stream alone).
        feeder = threading.Thread(target=feed_live, args=(sources[0], stop_feeding))
        feeder.start()
        qtbot.waitUntil(lambda: len(player.packets) > 0)
        # libvlc fell behind (reported on the hub's thread, twice): keyframes only, once.
        behind = player.on_behind
        assert behind is not None
        thread = threading.Thread(target=lambda: (behind(), behind()))
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: player.keyframes_only)
        tile = grid.tiles[0]
        qtbot.waitUntil(lambda: tile.badge.isVisibleTo(tile))  # the tile says so
        assert "cannot decode every stream" in tile.badge.toolTip()
        # ...and full decoding again once nothing was lost for a while (the governor's tick).
        qtbot.waitUntil(lambda: not player.keyframes_only, timeout=5000)
        qtbot.waitUntil(lambda: not tile.badge.isVisibleTo(tile))
        grid.stop()
        qtbot.waitUntil(lambda: runner.pending == 0)
    finally:
        stop_feeding.set()
        if feeder is not None:
            feeder.join()
        backend.close()
