"""PTZ in a maximized tile and snapshots to a file, under pytest-qt: fake camera controls for the
tile's logic (keys, drag, pad, presets, throttling, the access log first), and the real ONVIF
controls of ui/wiring/cameras.py against the simulated site's PTZ camera."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from pytestqt.qtbot import QtBot

from console.app import Core
from console.audit.log import Entry
from console.camera_facts import Capabilities, DeviceFacts, StreamProfile
from console.cameras import Camera
from console.domain import Actor, Permission, Role
from console.errors import N_, StorageError
from console.localtime import LOCAL_ZONE
from console.policy import ROLE_PERMISSIONS
from console.ports import CameraControls, PtzHandle, PtzPreset
from console.ptz import PTZ_MIN_INTERVAL_S
from console.runtime import DeviceLoop
from tests.conftest import FakeClock
from tests.register_fixture import registered
from tests.sites import loopback_addresses, require_simulated_video, simulated_site
from tests.ui.test_grid import CLI, FakeBackend, focus, person, place
from ui.grid import VideoGrid
from ui.ptz_pad import PTZ_KEY_SPEED, drag_velocity
from ui.tasks import TaskRunner
from ui.tile import VideoTile
from ui.wiring.cameras import OnvifCameraControls

#: The start and end of a JPEG file, enough for a fake camera's snapshot.
JPEG = b"\xff\xd8\xff\xe0fake picture\xff\xd9"
PRESETS = [PtzPreset("1", "Home"), PtzPreset("2", "Gate")]

# -- fake controls -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    command: str
    args: tuple[object, ...]
    #: ptz.* entries in the access log when the command was sent
    logged: int
    at: float


@dataclass(eq=False)
class FakePtz(PtzHandle):
    """One camera's PTZ: notes each command with the access log's ptz entries at that moment."""

    entries: Callable[[], int]
    calls: list[Call] = field(default_factory=list)
    closed: bool = False
    #: raised by the next move instead of moving
    raise_once: BaseException | None = None

    def _note(self, command: str, *args: object) -> None:
        self.calls.append(Call(command, args, self.entries(), time.monotonic()))

    def move(self, pan: float, tilt: float, zoom: float) -> None:
        if self.raise_once is not None:
            err, self.raise_once = self.raise_once, None
            raise err
        self._note("move", pan, tilt, zoom)

    def stop(self) -> None:
        self._note("stop")

    def presets(self) -> list[PtzPreset]:
        return list(PRESETS)

    def goto(self, token: str) -> None:
        self._note("goto", token)

    def close(self) -> None:
        self.closed = True

    def sent(self, command: str) -> list[Call]:
        return [call for call in self.calls if call.command == command]


class FakeControls(CameraControls):
    def __init__(self, core: Core) -> None:
        self.core = core
        self.opened: list[FakePtz] = []
        #: snapshot.saved entries in the log when each picture was taken
        self.snapshots: list[int] = []

    def open_ptz(self, camera: Camera) -> FakePtz:
        handle = FakePtz(lambda: len(entries(self.core, "ptz")))
        self.opened.append(handle)
        return handle

    def snapshot(self, camera: Camera) -> bytes:
        self.snapshots.append(len(entries(self.core, "snapshot")))
        return JPEG


def entries(core: Core, action: str) -> list[Entry]:
    """Entries whose action starts with `action`, oldest first."""
    return list(reversed(core.audit.entries(CLI, action=action)))


# -- fixtures ------------------------------------------------------------------------------------


def facts(host: str, *, ptz: bool) -> DeviceFacts:
    return DeviceFacts(
        host=host,
        port=80,
        xaddr=f"http://{host}/onvif/device_service",
        main=StreamProfile("main", f"rtsp://{host}/main", 1920, 1080),
        sub=StreamProfile("sub", f"rtsp://{host}/sub", 640, 360),
        snapshot_uri=f"http://{host}/snapshot.jpg",
        capabilities=Capabilities(ptz=ptz, snapshot=True),
    )


@dataclass
class Cameras:
    dome: Camera
    fixed: Camera


@pytest.fixture
def cameras(core: Core) -> Cameras:
    return Cameras(
        dome=registered(
            core,
            core.cameras.add(
                CLI, facts("10.0.0.1", ptz=True), place(core, "Stora torget"), "Torget", "u", "p"
            ),
        ),
        fixed=registered(
            core,
            core.cameras.add(
                CLI, facts("10.0.0.2", ptz=False), place(core, "Berga centrum"), "Berga", "u", "p"
            ),
        ),
    )


@pytest.fixture
def controls(core: Core) -> FakeControls:
    return FakeControls(core)


MakeGrid = Callable[..., VideoGrid]


@pytest.fixture
def make_grid(qtbot: QtBot, core: Core, runner: TaskRunner, clock: FakeClock) -> Iterator[MakeGrid]:
    made: list[VideoGrid] = []

    def make(actor: Actor, controls: object) -> VideoGrid:
        grid = VideoGrid(
            core.cameras,
            core.layouts,
            actor,
            runner,
            FakeBackend(),
            controls=controls,  # type: ignore[arg-type]
            clock=clock,
        )
        qtbot.addWidget(grid)
        grid.resize(800, 600)
        grid.set_sites(core.sites.places())
        grid.set_cameras(core.cameras.list(actor))
        grid.show()
        made.append(grid)
        qtbot.waitUntil(lambda: runner.pending == 0)
        return grid

    yield make
    for grid in made:
        grid.stop()
    qtbot.waitUntil(lambda: runner.pending == 0)


def maximized(qtbot: QtBot, grid: VideoGrid, camera: Camera) -> VideoTile:
    """`camera` in the first tile, maximized, its PTZ (if offered) open."""
    grid.assign(0, camera.id)
    tile = grid.tiles[0]
    qtbot.waitUntil(lambda: tile._session is not None)
    grid.maximize(0)
    qtbot.waitUntil(lambda: tile.ptz is None or tile.ptz.ready)
    focus(qtbot, grid)
    return tile


def opened(qtbot: QtBot, controls: FakeControls) -> FakePtz:
    qtbot.waitUntil(lambda: len(controls.opened) == 1)
    return controls.opened[0]


def mouse(tile: VideoTile, kind: QEvent.Type, at: QPoint) -> None:
    """A left-button mouse event on the tile (as one on its picture reaches it)."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    button = none if kind == QEvent.Type.MouseMove else left
    held = none if kind == QEvent.Type.MouseButtonRelease else left
    global_at = QPointF(tile.mapToGlobal(at))
    tile.event(
        QMouseEvent(kind, QPointF(at), global_at, button, held, Qt.KeyboardModifier.NoModifier)
    )


# -- keys, drag, pad -----------------------------------------------------------------------------


def test_held_keys_move_the_camera_and_letting_go_stops_it(
    qtbot: QtBot, core: Core, cameras: Cameras, controls: FakeControls, make_grid: MakeGrid
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    tile = maximized(qtbot, grid, cameras.dome)
    handle = opened(qtbot, controls)
    assert tile.ptz_pad.isVisible()
    assert tile.ptz_pad.presets == PRESETS

    qtbot.keyPress(grid, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 1)
    (move,) = handle.sent("move")
    assert move.args == (PTZ_KEY_SPEED, 0.0, 0.0)
    # The start of the move was in the access log before the command went out.
    assert move.logged == 1
    (entry,) = entries(core, "ptz")
    assert (entry.action, entry.actor, entry.target) == (
        "ptz.move",
        "olle",
        f"camera:{cameras.dome.id}",
    )
    # The arrows steer the camera: the selection and the maximized tile stay.
    assert grid.selected == 0
    assert grid.maximized is tile
    # Held past the renewal: the move is said again (the camera would stop by itself), not
    # logged again.
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 2, timeout=2000)
    qtbot.keyRelease(grid, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 1)
    assert [c.command for c in handle.calls] == ["move", "move", "stop"]

    # Shift: full speed; + zooms in on top of it (a change of speed within the move).
    qtbot.keyPress(grid, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 3)
    qtbot.keyPress(grid, Qt.Key.Key_Plus)
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 4)
    assert [c.args for c in handle.sent("move")[2:]] == [
        (0.0, 1.0, 0.0),
        (0.0, 1.0, PTZ_KEY_SPEED),
    ]
    qtbot.keyRelease(grid, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyRelease(grid, Qt.Key.Key_Plus)
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 2)
    # The number pad: 9 is up and right.
    qtbot.keyPress(grid, Qt.Key.Key_9, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 5)
    assert handle.sent("move")[4].args == (PTZ_KEY_SPEED, PTZ_KEY_SPEED, 0.0)
    qtbot.keyRelease(grid, Qt.Key.Key_9, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 3)
    # One entry per move started; stops and speed changes are not logged.
    assert [e.action for e in entries(core, "ptz")] == ["ptz.move"] * 3

    # Restoring the tile lets go of the camera; the arrows select tiles again.
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: handle.closed)
    assert tile.ptz is None
    assert not tile.ptz_pad.isVisible()
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected == 1
    assert len(handle.calls) == 8


def test_focus_lost_while_a_key_is_held_stops_the_camera(
    qtbot: QtBot, core: Core, cameras: Cameras, controls: FakeControls, make_grid: MakeGrid
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    maximized(qtbot, grid, cameras.dome)
    handle = opened(qtbot, controls)
    qtbot.keyPress(grid, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 1)
    grid.clearFocus()
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 1)


def test_a_drag_on_the_picture_moves_in_proportion_and_letting_go_stops(
    qtbot: QtBot, core: Core, cameras: Cameras, controls: FakeControls, make_grid: MakeGrid
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    tile = maximized(qtbot, grid, cameras.dome)
    handle = opened(qtbot, controls)
    picture = tile._holder.geometry()
    centre = picture.center()
    quarter_x, quarter_y = picture.width() // 4, picture.height() // 4

    mouse(tile, QEvent.Type.MouseButtonPress, centre)
    # A press alone does not move (nor does a tiny drag).
    mouse(tile, QEvent.Type.MouseMove, centre + QPoint(2, 1))
    qtbot.wait(100)
    assert handle.calls == []
    # A quarter of the picture to the right: half speed right.
    mouse(tile, QEvent.Type.MouseMove, centre + QPoint(quarter_x, 0))
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 1)
    pan, tilt, zoom = handle.sent("move")[0].args
    assert pan == pytest.approx(0.5, abs=0.02)
    assert (tilt, zoom) == (0.0, 0.0)
    # Further right and up: faster, and tilting up; beyond the edge is full speed.
    mouse(tile, QEvent.Type.MouseMove, centre + QPoint(3 * quarter_x, -quarter_y))
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 2)
    pan, tilt, zoom = handle.sent("move")[1].args
    assert pan == 1.0
    assert tilt == pytest.approx(0.5, abs=0.02)
    mouse(tile, QEvent.Type.MouseButtonRelease, centre + QPoint(3 * quarter_x, -quarter_y))
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 1)
    assert [e.action for e in entries(core, "ptz")] == ["ptz.move"]
    assert handle.sent("move")[0].logged == 1


def test_moves_are_throttled_while_dragging(
    qtbot: QtBot, core: Core, cameras: Cameras, controls: FakeControls, make_grid: MakeGrid
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    tile = maximized(qtbot, grid, cameras.dome)
    handle = opened(qtbot, controls)
    picture = tile._holder.geometry()
    centre = picture.center()
    mouse(tile, QEvent.Type.MouseButtonPress, centre)
    began = time.monotonic()
    # 60 mouse moves in about 1.2 s, each a new speed.
    for step in range(1, 61):
        mouse(tile, QEvent.Type.MouseMove, centre + QPoint(step * picture.width() // 130, 0))
        qtbot.wait(20)
    last = drag_velocity(QPoint(60 * picture.width() // 130, 0), picture.size())[0]
    qtbot.waitUntil(lambda: handle.sent("move")[-1].args[0] == pytest.approx(last, abs=0.01))
    spent = time.monotonic() - began
    moves = handle.sent("move")
    assert len(moves) <= spent / PTZ_MIN_INTERVAL_S + 2
    assert len(moves) >= 3
    gaps = [b.at - a.at for a, b in itertools.pairwise(moves)]
    assert min(gaps) >= PTZ_MIN_INTERVAL_S * 0.9
    mouse(tile, QEvent.Type.MouseButtonRelease, centre)
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 1)
    # The stop is not held back by the throttle, and the move was logged once.
    assert [e.action for e in entries(core, "ptz")] == ["ptz.move"]


def test_the_pad_moves_stops_and_goes_to_a_preset(
    qtbot: QtBot, core: Core, cameras: Cameras, controls: FakeControls, make_grid: MakeGrid
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    tile = maximized(qtbot, grid, cameras.dome)
    handle = opened(qtbot, controls)
    pad = tile.ptz_pad
    assert [pad.preset_box.itemText(i) for i in range(pad.preset_box.count())] == [
        "Home",
        "Gate",
    ]
    pad.buttons["zoom_out"].pressed.emit()
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 1)
    assert handle.sent("move")[0].args == (0.0, 0.0, -PTZ_KEY_SPEED)
    pad.buttons["zoom_out"].released.emit()
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 1)

    pad.preset_box.setCurrentIndex(1)
    pad.go.click()
    qtbot.waitUntil(lambda: len(handle.sent("goto")) == 1)
    (goto,) = handle.sent("goto")
    assert goto.args == ("2",)
    assert goto.logged == 2
    preset = entries(core, "ptz")[-1]
    assert preset.action == "ptz.preset"
    assert "Gate" in str(preset.details["detail"])
    # Stop always says stop (the camera may be on its way to the preset); it is not logged.
    pad.buttons["stop"].click()
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 2)
    assert len(entries(core, "ptz")) == 2


def test_no_entry_no_command(
    qtbot: QtBot,
    core: Core,
    cameras: Cameras,
    controls: FakeControls,
    make_grid: MakeGrid,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    tile = maximized(qtbot, grid, cameras.dome)
    handle = opened(qtbot, controls)

    def refused(*args: object, **kwargs: object) -> None:
        raise StorageError(N_("The database {path} cannot be written."), path="utkik.db")

    monkeypatch.setattr(core.cameras, "control_ptz", refused)
    qtbot.keyPress(grid, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: tile.ptz_pad.error.text() != "")
    assert tile.ptz_pad.error.text() == "The database utkik.db cannot be written."
    # The rest of the gesture is refused too: no retries while the key is held, no stop after.
    qtbot.wait(int(PTZ_MIN_INTERVAL_S * 2000))
    qtbot.keyRelease(grid, Qt.Key.Key_Down)
    tile.ptz_pad.go.click()
    qtbot.wait(300)
    assert handle.calls == []
    assert entries(core, "ptz") == []

    monkeypatch.undo()
    qtbot.keyPress(grid, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 1)
    qtbot.waitUntil(lambda: tile.ptz_pad.error.text() == "")
    qtbot.keyRelease(grid, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 1)


def test_a_command_failing_with_a_built_in_exception_leaves_ptz_working(
    qtbot: QtBot, core: Core, cameras: Cameras, controls: FakeControls, make_grid: MakeGrid
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    tile = maximized(qtbot, grid, cameras.dome)
    handle = opened(qtbot, controls)
    handle.raise_once = TimeoutError()
    qtbot.keyPress(grid, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: tile.ptz_pad.error.text() != "")
    assert "did not carry out the command (TimeoutError)" in tile.ptz_pad.error.text()
    qtbot.keyRelease(grid, Qt.Key.Key_Left)
    # The next gesture goes out: PTZ is not stuck behind the failed command.
    qtbot.keyPress(grid, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(handle.sent("move")) == 1)
    # The camera has it on the worker; the error clears once the GUI thread hears so.
    qtbot.waitUntil(lambda: tile.ptz_pad.error.text() == "")
    qtbot.keyRelease(grid, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: len(handle.sent("stop")) == 1)
    # Restoring the tile lets go of the camera.
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: handle.closed)


def test_no_ptz_for_a_fixed_camera_or_a_user_without_ptz(
    qtbot: QtBot,
    core: Core,
    cameras: Cameras,
    controls: FakeControls,
    make_grid: MakeGrid,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    tile = maximized(qtbot, grid, cameras.fixed)
    assert tile.ptz is None
    assert not tile.ptz_pad.isVisible()
    qtbot.keyClick(grid, Qt.Key.Key_Plus)
    # The PTZ camera in a tile of its layout, not maximized: no PTZ either.
    grid.restore()
    grid.assign(1, cameras.dome.id)
    qtbot.waitUntil(lambda: grid.tiles[1]._session is not None)
    assert grid.tiles[1].ptz is None

    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.OPERATOR, ROLE_PERMISSIONS[Role.OPERATOR] - {Permission.PTZ}
    )
    other = make_grid(person(core, "stina"), controls)
    tile = maximized(qtbot, other, cameras.dome)
    assert tile.state.value in ("connecting", "live")
    assert tile.ptz is None
    assert not tile.ptz_pad.isVisible()
    qtbot.keyClick(other, Qt.Key.Key_Up)
    assert controls.opened == []
    assert entries(core, "ptz") == []


# -- snapshots -----------------------------------------------------------------------------------


def test_a_snapshot_is_logged_then_saved(
    qtbot: QtBot,
    core: Core,
    cameras: Cameras,
    controls: FakeControls,
    make_grid: MakeGrid,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grid = make_grid(person(core, "olle"), controls)
    grid.assign(1, cameras.fixed.id)
    grid.select(1)
    focus(qtbot, grid)
    asked: list[str] = []
    target = tmp_path / "bild"

    def ask(default: str) -> str:
        asked.append(default)
        return str(target)

    monkeypatch.setattr(grid, "ask_snapshot_path", ask)
    notices: list[str] = []
    grid.notice.connect(notices.append)
    qtbot.keyClick(grid, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    saved = tmp_path / "bild.jpg"
    qtbot.waitUntil(lambda: saved.exists() and notices != [])
    assert saved.read_bytes() == JPEG
    # The default: the camera's name and the local time, in the Pictures folder.
    moment = clock.now().astimezone(LOCAL_ZONE)
    assert Path(asked[0]).name == f"Berga {moment:%Y-%m-%d %H.%M.%S}.jpg"
    # Logged, with the file's path, before the picture was taken.
    (entry,) = entries(core, "snapshot")
    assert (entry.action, entry.actor, entry.target) == (
        "snapshot.saved",
        "olle",
        f"camera:{cameras.fixed.id}",
    )
    assert entry.details["path"] == str(saved)
    assert controls.snapshots == [1]
    assert notices == [f"Saved a snapshot of Berga as {saved}."]
    # An empty tile: nothing asked, nothing logged.
    grid.select(0)
    grid.actions_["snapshot"].trigger()
    assert len(asked) == 1
    assert notices[-1] == "Select a tile showing a camera first."


def test_no_snapshot_action_without_the_permission(
    qtbot: QtBot,
    core: Core,
    cameras: Cameras,
    controls: FakeControls,
    make_grid: MakeGrid,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.OPERATOR, ROLE_PERMISSIONS[Role.OPERATOR] - {Permission.SNAPSHOT}
    )
    grid = make_grid(person(core, "olle"), controls)
    assert "snapshot" not in grid.actions_
    assert "Snapshot" not in [a.iconText() for a in grid.toolbar.actions()]
    grid.assign(0, cameras.fixed.id)
    focus(qtbot, grid)
    monkeypatch.setattr(grid, "ask_snapshot_path", lambda default: pytest.fail("asked"))
    qtbot.keyClick(grid, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert controls.snapshots == []


# -- the real controls against the simulated site ------------------------------------------------


@dataclass
class Simulated:
    site: object
    name: str
    camera: Camera


@pytest.fixture
def simulated(
    core: Core, tmp_path_factory: pytest.TempPathFactory, device_loop: DeviceLoop
) -> Iterator[Simulated]:
    require_simulated_video()
    from devices.onvif_client import onboard_blocking

    addresses = loopback_addresses(49, (2,))
    with simulated_site(tmp_path_factory, addresses, user="op", password="ptz-lösen") as site:
        config = site.configs[0]
        found = onboard_blocking(device_loop, config.address, config.port, "op", "ptz-lösen")
        assert found.capabilities.ptz
        camera = registered(
            core,
            core.cameras.add(
                CLI, found, place(core, "Stora torget"), "Torget PTZ", "op", "ptz-lösen"
            ),
        )
        yield Simulated(site, config.name, camera)


def test_the_real_controls_steer_the_simulated_camera_and_save_its_picture(
    device_loop: DeviceLoop,
    qtbot: QtBot,
    core: Core,
    simulated: Simulated,
    make_grid: MakeGrid,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    device = simulated.site.device(simulated.name)  # type: ignore[attr-defined]
    grid = make_grid(
        person(core, "olle"), OnvifCameraControls(core.cameras.login_reader(), device_loop)
    )
    tile = maximized(qtbot, grid, simulated.camera)
    assert tile.ptz is not None
    qtbot.waitUntil(lambda: tile.ptz_pad.presets != [], timeout=10_000)
    assert tile.ptz_pad.presets[0] == PtzPreset("1", "Home")

    qtbot.keyPress(grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: device.ptz_position()[0] > 0.1, timeout=5000)
    qtbot.keyRelease(grid, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)

    def standing() -> bool:
        before = device.ptz_position()
        time.sleep(0.1)
        return bool(device.ptz_position() == before)

    qtbot.waitUntil(standing, timeout=5000)
    pan, tilt, zoom = device.ptz_position()
    assert pan > 0.1
    assert (tilt, zoom) == (0.0, 0.0)

    tile.ptz_pad.go.click()
    qtbot.waitUntil(lambda: device.ptz_position() == (0.0, 0.0, 0.0), timeout=5000)
    assert [e.action for e in entries(core, "ptz")] == ["ptz.move", "ptz.preset"]

    target = tmp_path / "still.jpg"
    monkeypatch.setattr(grid, "ask_snapshot_path", lambda default: str(target))
    grid.snapshot()
    qtbot.waitUntil(target.exists, timeout=10_000)
    qtbot.waitUntil(lambda: grid._runner.pending == 0, timeout=10_000)
    picture = target.read_bytes()
    assert picture.startswith(b"\xff\xd8")
    assert picture.endswith(b"\xff\xd9")
    (entry,) = entries(core, "snapshot")
    assert entry.details["path"] == str(target)

    grid.restore()
    qtbot.waitUntil(lambda: grid._runner.pending == 0, timeout=10_000)
