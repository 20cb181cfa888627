"""The playback window under pytest-qt with a fake backend and a real core: the reason asked
first and logged before any picture, the end entry with what was shown, the operators' limit,
the keys and the speed selector, the timeline's rows, and who gets the window at all."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.app import Core
from console.cameras import Camera
from console.clock import to_iso
from console.domain import Actor, Role
from console.layouts import Grid, GridKind
from console.ports import FeedState, FeedStatus, PlaybackBackend, PlaybackStream
from console.recording.playback import PlaybackClock
from tests.conftest import PASSWORD, FakeClock
from tests.core.test_cameras import user
from tests.core.test_recording_archive import add_segment, camera
from tests.register_fixture import registered
from ui.playback import PlaybackWindow, speed_label
from ui.playback_request import (
    PlaybackContext,
    PlaybackRequest,
    ReasonDialog,
    ask_for_playback,
    grid_for,
)
from ui.tasks import TaskRunner
from ui.tile_state import TileState
from ui.timeline import GoToTimeDialog
from ui.wiring.session import Console

CLI = Actor.os_account("root")
REASON = "Follow-up of an alarm: larm 4711"


# -- a fake backend ------------------------------------------------------------------------------


@dataclass(eq=False)
class FakeStream(PlaybackStream):
    camera: Camera
    window_id: int
    clock: PlaybackClock
    keyframes_only: bool
    on_status: Callable[[FeedStatus], None]
    closed: bool = False
    range: tuple[datetime, datetime] | None = None

    @property
    def last_moment(self) -> datetime | None:
        return self.range[1] if self.range is not None else None

    def shown(self) -> tuple[datetime, datetime] | None:
        return self.range

    def close(self) -> None:
        self.closed = True

    def show(self, start: datetime, end: datetime) -> None:
        """Pictures of [start, end] were handed to the player (the feeder's thread)."""
        self.range = (start, end)
        self.on_status(FeedStatus(FeedState.PLAYING))


@dataclass
class FakeBackend(PlaybackBackend):
    core: Core
    streams: list[FakeStream] = field(default_factory=list)
    #: for each open: the playback.view.start entries of the camera in the log at that moment
    logged_before_open: list[list[dict[str, object]]] = field(default_factory=list)

    def open(
        self,
        camera: Camera,
        window_id: int,
        clock: PlaybackClock,
        *,
        keyframes_only: bool,
        on_status: Callable[[FeedStatus], None],
    ) -> FakeStream:
        self.logged_before_open.append(
            [
                e
                for e in entries(self.core, "playback.view.start")
                if e["target"] == f"camera:{camera.id}"
            ]
        )
        stream = FakeStream(camera, window_id, clock, keyframes_only, on_status)
        self.streams.append(stream)
        return stream

    def open_streams(self) -> list[FakeStream]:
        return [s for s in self.streams if not s.closed]


def entries(core: Core, action: str) -> list[dict[str, object]]:
    return [
        {"actor": e.actor, "action": e.action, "target": e.target, **e.details}
        for e in reversed(core.audit.entries(CLI, action=action))
    ]


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def errors() -> list[BaseException]:
    return []


@pytest.fixture
def runner(qtbot: QtBot, errors: list[BaseException]) -> Iterator[TaskRunner]:
    made = TaskRunner(errors.append, errors.append)
    yield made
    qtbot.waitUntil(lambda: made.pending == 0, timeout=10_000)
    made.shutdown()
    shiboken6.delete(made)


@pytest.fixture
def backend(core: Core) -> FakeBackend:
    return FakeBackend(core)


@dataclass
class Recorded:
    torget: Camera
    berga: Camera
    #: the start of each camera's recording: three 10 s segments, a gap, one more
    start: datetime


@pytest.fixture
def recorded(core: Core, clock: FakeClock) -> Recorded:
    torget = registered(core, camera(core, "Torget norr", "10.0.0.1"))
    berga = registered(core, camera(core, "Berga torg", "10.0.0.2"))
    start = clock.now() - timedelta(minutes=5)
    for cam in (torget, berga):
        for i in range(3):
            add_segment(core, cam, start + timedelta(seconds=10 * i))
        add_segment(core, cam, start + timedelta(seconds=60))
    return Recorded(torget, berga, start)


def context(
    core: Core, actor: Actor, runner: TaskRunner, backend: FakeBackend | None
) -> PlaybackContext:
    return PlaybackContext(
        playback=core.playback,
        recordings=core.recordings,
        cameras=core.cameras,
        sites=core.sites,
        clock=core.clock,
        actor=actor,
        runner=runner,
        backend=backend,
    )


def limit_of(core: Core, actor: Actor) -> timedelta | None:
    earliest = core.playback.earliest(actor)
    return None if earliest is None else core.clock.now() - earliest


@pytest.fixture
def open_window(
    qtbot: QtBot, core: Core, runner: TaskRunner, backend: FakeBackend
) -> Iterator[Callable[..., PlaybackWindow]]:
    made: list[PlaybackWindow] = []

    def make(actor: Actor, ids: list[int | None], *, start: bool = True) -> PlaybackWindow:
        request = PlaybackRequest(
            Grid.preset(GridKind.GRID_2), tuple(ids), REASON, limit_of(core, actor)
        )
        window = PlaybackWindow(context(core, actor, runner, backend), request)
        qtbot.addWidget(window)
        made.append(window)
        window.show()
        if start:
            window.start()
        return window

    yield make
    for window in made:
        if shiboken6.isValid(window):
            window.close()


def playing(window: PlaybackWindow, count: int) -> Callable[[], bool]:
    return lambda: sum(t.stream is not None for t in window.tiles) == count


# -- tests ---------------------------------------------------------------------------------------


def test_speeds_are_labelled_as_on_a_player() -> None:
    assert [speed_label(s) for s in (0.125, 0.25, 0.5, 1.0, 16.0, -1.0, -16.0)] == [
        "⅛×",
        "¼×",
        "½×",
        "1×",
        "16×",
        "−1×",
        "−16×",
    ]
    assert [grid_for(n).count for n in (1, 2, 4, 5, 9, 10, 30)] == [1, 4, 4, 9, 9, 16, 25]


def test_the_reason_is_required_and_combines_choice_and_text(qtbot: QtBot) -> None:
    dialog = ReasonDialog(["Incident under way", "Checking the camera"])
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    assert dialog.reason() == ""
    dialog.details.setText("  skadegörelse   vid  busskuren ")
    assert dialog.ok.isEnabled()
    assert dialog.reason() == "skadegörelse vid busskuren"
    dialog.choice.setCurrentIndex(1)
    assert dialog.reason() == "Incident under way: skadegörelse vid busskuren"
    dialog.details.clear()
    assert dialog.reason() == "Incident under way"
    dialog.choice.setCurrentIndex(0)
    assert not dialog.ok.isEnabled()
    dialog.accept()
    assert dialog.result() == 0  # refused while there is no reason


def test_the_reason_reaches_the_log_before_anything_is_opened_and_the_end_what_was_shown(
    qtbot: QtBot,
    core: Core,
    runner: TaskRunner,
    backend: FakeBackend,
    recorded: Recorded,
    errors: list[BaseException],
) -> None:
    supervisor = user(core, "sara", Role.SUPERVISOR)
    chosen: list[PlaybackRequest] = []
    ask_for_playback(
        context(core, supervisor, runner, backend),
        None,
        chosen.append,
        preselect=[recorded.berga.id],
    )

    def dialog() -> ReasonDialog | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog)]
        return next((d for d in found if d.isVisible()), None)

    qtbot.waitUntil(lambda: dialog() is not None)
    asked = dialog()
    assert asked is not None
    # The cameras the person may see, the live layout's checked.
    assert asked.camera_ids() == [recorded.berga.id]
    assert asked.choice.itemText(2) == "Follow-up of an alarm"
    asked.choice.setCurrentIndex(2)
    asked.details.setText("larm 4711")
    assert asked.camera_list is not None
    for row in range(asked.camera_list.count()):
        asked.camera_list.item(row).setCheckState(Qt.CheckState.Checked)
    names = [asked.camera_list.item(r).text() for r in range(asked.camera_list.count())]
    assert sorted(names) == ["Berga torg", "Torget norr"]
    asked.ok.click()
    assert len(chosen) == 1
    request = chosen[0]
    assert request.reason == REASON
    assert sorted(request.camera_ids) == [recorded.torget.id, recorded.berga.id]
    request = dataclasses.replace(request, camera_ids=(recorded.torget.id, recorded.berga.id))
    assert request.grid == Grid.preset(GridKind.GRID_2)
    assert request.limit is None  # a supervisor
    assert backend.streams == []

    window = PlaybackWindow(context(core, supervisor, runner, backend), request)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(playing(window, 2))
    # Each camera's start entry, with the reason, was in the log when its stream was opened.
    for logged, stream in zip(backend.logged_before_open, backend.streams, strict=True):
        cam = stream.camera
        assert len(logged) == 1, logged
        assert logged[0]["reason"] == REASON
        assert logged[0]["name"] == cam.name
    assert [t.state for t in window.tiles[:2]] == [TileState.OPENING] * 2
    assert window.tiles[2].state is TileState.EMPTY
    assert window.tiles[0].title_text() == "Torget norr · Stora torget"

    start = window.clock.position()
    torget, berga = sorted(backend.streams, key=lambda s: s.camera.id != recorded.torget.id)
    torget.show(start - timedelta(seconds=1), start + timedelta(seconds=2))
    qtbot.waitUntil(lambda: window.tiles[0].state is TileState.PAUSED)
    window.tiles[0].show_time(start)
    # The recorded time of the picture handed over last, in Stockholm time with the offset.
    assert start == datetime(2026, 3, 29, 0, 29, tzinfo=UTC)
    assert window.tiles[0].time_label.text() == "2026-03-29 01:29:02 +01:00"
    window.close()
    assert torget.closed
    assert berga.closed
    qtbot.waitUntil(lambda: len(entries(core, "playback.view.end")) == 2)
    ended = {e["target"]: e for e in entries(core, "playback.view.end")}
    shown = ended[f"camera:{recorded.torget.id}"]
    assert shown["shown"] is True
    assert shown["shown_from"] == to_iso(start - timedelta(seconds=1))
    assert shown["shown_to"] == to_iso(start + timedelta(seconds=2))
    assert ended[f"camera:{recorded.berga.id}"]["shown"] is False
    assert errors == []


def test_a_refused_start_shows_the_error_and_opens_nothing(
    qtbot: QtBot,
    core: Core,
    backend: FakeBackend,
    recorded: Recorded,
    open_window: Callable[..., PlaybackWindow],
) -> None:
    # Limited to the area of Berga: the camera at Stora torget is not his.
    areas = core.sites.resolve_areas(["Berga"])
    operator = Actor.of(core.users.add(CLI, "olle", Role.OPERATOR, PASSWORD, areas))
    window = open_window(operator, [recorded.torget.id, None, None, None])
    qtbot.waitUntil(lambda: window.tiles[0].state in (TileState.NO_PERMISSION, TileState.ERROR))
    assert backend.streams == []
    assert entries(core, "playback.view.start") == []
    assert window.tiles[0].message_text()
    assert window.tiles[0].status_text() in ("not permitted", "error")


def test_an_operator_cannot_go_before_the_window(
    qtbot: QtBot,
    core: Core,
    clock: FakeClock,
    backend: FakeBackend,
    recorded: Recorded,
    open_window: Callable[..., PlaybackWindow],
) -> None:
    operator = user(core, "olle", Role.OPERATOR)
    window = open_window(operator, [recorded.torget.id])
    qtbot.waitUntil(playing(window, 1))
    earliest = clock.now() - timedelta(hours=24)
    window.seek(clock.now() - timedelta(hours=30))
    assert window.clock.position() == earliest
    assert "last 24 hour" in window.notice.text()
    # Scrubbing on the timeline too.
    window.notice.clear()
    window.timeline.scrubbing.emit(clock.now() - timedelta(days=3))
    assert window.clock.position() == earliest
    assert "last 24 hour" in window.notice.text()
    # A step back from the limit stays at it.
    window.step(-5)
    assert window.clock.position() == earliest
    # A supervisor goes anywhere.
    supervisor = user(core, "sara", Role.SUPERVISOR)
    other = open_window(supervisor, [recorded.torget.id])
    far = clock.now() - timedelta(days=3)
    other.seek(far)
    assert other.clock.position() == far


def test_keys_and_the_speed_selector_move_the_clock(
    qtbot: QtBot,
    core: Core,
    backend: FakeBackend,
    recorded: Recorded,
    open_window: Callable[..., PlaybackWindow],
) -> None:
    supervisor = user(core, "sara", Role.SUPERVISOR)
    window = open_window(supervisor, [recorded.torget.id, recorded.berga.id])
    qtbot.waitUntil(playing(window, 2))
    window.activateWindow()
    window.area.setFocus()
    clock = window.clock
    assert clock.paused
    qtbot.keyClick(window.area, Qt.Key.Key_Space)
    assert not clock.paused
    assert clock.speed == 1.0
    qtbot.keyClick(window.area, Qt.Key.Key_Space)
    assert clock.paused
    before = clock.position()
    qtbot.keyClick(window.area, Qt.Key.Key_Period)
    assert clock.position() - before == timedelta(seconds=1 / 25)
    qtbot.keyClick(window.area, Qt.Key.Key_Comma)
    qtbot.keyClick(window.area, Qt.Key.Key_Comma)
    assert clock.position() - before == timedelta(seconds=-1 / 25)
    qtbot.keyClick(window.area, Qt.Key.Key_Right)
    assert clock.position() == before
    assert clock.paused

    # The selector: every speed, shown as on a player; a pause stays a pause.
    box = window.speed_box
    assert [box.itemText(i) for i in range(box.count())][:6] == [
        "−16×",
        "−8×",
        "−4×",
        "−2×",
        "−1×",
        "⅛×",
    ]
    box.activated.emit(box.findData(0.25))
    assert clock.speed == 0.25
    assert clock.paused
    assert [s.keyframes_only for s in backend.open_streams()] == [False, False]
    # ] and [ one speed faster and slower; L faster forwards, J backwards, K pauses.
    qtbot.keyClick(window.area, Qt.Key.Key_BracketRight)
    assert clock.speed == 0.5
    qtbot.keyClick(window.area, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(window.area, Qt.Key.Key_BracketLeft)
    assert clock.speed == 0.125
    qtbot.keyClick(window.area, Qt.Key.Key_L)
    assert clock.speed == 1.0
    assert not clock.paused
    qtbot.keyClick(window.area, Qt.Key.Key_L)
    qtbot.keyClick(window.area, Qt.Key.Key_L)
    qtbot.keyClick(window.area, Qt.Key.Key_L)
    assert clock.speed == 8.0
    assert box.currentText() == "8×"
    # Above 4× the players decode keyframes only: each tile's stream was opened anew so.
    open_streams = backend.open_streams()
    assert len(open_streams) == 2
    assert all(s.keyframes_only for s in open_streams)
    qtbot.keyClick(window.area, Qt.Key.Key_J)
    assert clock.speed == -1.0
    assert not clock.paused
    qtbot.keyClick(window.area, Qt.Key.Key_J)
    assert clock.speed == -2.0
    assert all(s.keyframes_only for s in backend.open_streams())
    qtbot.keyClick(window.area, Qt.Key.Key_K)
    assert clock.paused
    # A frame step plays forwards again, every picture.
    qtbot.keyClick(window.area, Qt.Key.Key_Period)
    assert clock.speed == 1.0
    assert clock.paused
    assert not any(s.keyframes_only for s in backend.open_streams())
    # Ctrl+G asks for a time, wherever the focus is in the window.
    qtbot.keyClick(window.area, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(GoToTimeDialog) is not None)
    asked = window.findChild(GoToTimeDialog)
    assert asked is not None
    asked.edit.setText("2026-03-28 12:00")
    asked.accept()
    assert clock.position() == datetime(2026, 3, 28, 11, 0, tzinfo=UTC)
    # All the streams opened for a camera belong to one access-log session.
    window.close()
    qtbot.waitUntil(lambda: len(entries(core, "playback.view.end")) == 2)
    assert len(entries(core, "playback.view.start")) == 2


def test_the_timeline_shows_each_camera_s_recorded_ranges_and_the_cursor_follows(
    qtbot: QtBot,
    core: Core,
    backend: FakeBackend,
    recorded: Recorded,
    open_window: Callable[..., PlaybackWindow],
) -> None:
    supervisor = user(core, "sara", Role.SUPERVISOR)
    window = open_window(supervisor, [recorded.torget.id, recorded.berga.id, recorded.torget.id])
    qtbot.waitUntil(
        lambda: len(window.timeline.rows()) == 2 and all(r.ranges for r in window.timeline.rows())
    )
    start = recorded.start
    expected = [
        (start, start + timedelta(seconds=30)),
        (start + timedelta(seconds=60), start + timedelta(seconds=70)),
    ]
    rows = window.timeline.rows()
    assert [r.label for r in rows] == ["Torget norr", "Berga torg"]
    assert [list(r.ranges) for r in rows] == [expected, expected]
    # Zooming out to a day asks again (coalesced), and the cursor is the clock's.
    window.timeline.zoom(24.0)
    window.seek(start + timedelta(seconds=15))
    qtbot.waitUntil(lambda: window.timeline.position() == start + timedelta(seconds=15))
    # Go to the start of the view: the view's left edge.
    window.go_to_view_start()
    assert window.clock.position() == window.timeline.view()[0]


def test_a_technician_gets_no_playback_and_an_operator_plays_back_the_layout(
    qtbot: QtBot,
    core: Core,
    backend: FakeBackend,
    recorded: Recorded,
    make_console: Callable[[], Console],
) -> None:
    core.users.create_first_administrator(CLI, "anna", PASSWORD)
    user(core, "tekla", Role.TECHNICIAN)
    user(core, "olle", Role.OPERATOR)
    console = make_console()
    console.playback = backend
    console.start()
    qtbot.waitUntil(lambda: console.login_dialog is not None)
    assert console.login_dialog is not None
    console.login_dialog.submitted.emit("tekla", PASSWORD)
    qtbot.waitUntil(lambda: console.main_window is not None)
    window = console.main_window
    assert window is not None
    assert not window.menu_actions["playback"].isEnabled()
    assert not window.menu_actions["playback_layout"].isEnabled()
    assert "Play&back" not in [a.text() for a in window.menuBar().actions()]
    window.menu_actions["playback"].trigger()  # disabled: nothing happens
    window.playback_requested.emit(False)  # nor when asked anyway
    qtbot.wait(100)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog)]
    assert console.playback_window is None

    console.switch_user()
    qtbot.waitUntil(lambda: console.login_dialog is not None)
    assert console.login_dialog is not None
    console.login_dialog.submitted.emit("olle", PASSWORD)
    qtbot.waitUntil(lambda: console.main_window is not None)
    window = console.main_window
    assert window is not None
    assert window.menu_actions["playback"].isEnabled()
    assert "Play&back" in [a.text() for a in window.menuBar().actions()]
    assert window.menu_actions["playback"].shortcut().toString() == "Ctrl+Shift+P"
    grid = window.grid
    assert grid is not None
    grid.assign(1, recorded.berga.id)
    window.menu_actions["playback_layout"].trigger()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, ReasonDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog))
    assert dialog.camera_list is None  # the layout's cameras as they are
    dialog.choice.setCurrentIndex(1)
    dialog.ok.click()
    qtbot.waitUntil(lambda: console.playback_window is not None)
    playback = console.playback_window
    assert playback is not None
    assert [t.camera_id for t in playback.tiles] == [None, recorded.berga.id, None, None]
    qtbot.waitUntil(lambda: len(backend.open_streams()) == 1)
    assert entries(core, "playback.view.start")[0]["reason"] == "Incident under way"
    # Locking ends the playback (the cover cannot reach its window).
    console.lock()
    assert console.playback_window is None
    qtbot.waitUntil(lambda: len(entries(core, "playback.view.end")) == 1)
    assert backend.open_streams() == []


def test_a_removed_camera_s_recordings_are_offered_and_played_under_its_own_name(
    qtbot: QtBot,
    core: Core,
    runner: TaskRunner,
    backend: FakeBackend,
    recorded: Recorded,
    errors: list[BaseException],
) -> None:
    core.cameras.remove(Actor.os_account("root"), recorded.torget.id)
    supervisor = user(core, "sara", Role.SUPERVISOR)
    chosen: list[PlaybackRequest] = []
    ask_for_playback(context(core, supervisor, runner, backend), None, chosen.append)

    def dialog() -> ReasonDialog | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReasonDialog)]
        return next((d for d in found if d.isVisible()), None)

    qtbot.waitUntil(lambda: dialog() is not None)
    asked = dialog()
    assert asked is not None
    assert asked.camera_list is not None
    names = {asked.camera_list.item(r).text(): r for r in range(asked.camera_list.count())}
    assert sorted(names) == ["Berga torg", "Torget norr (removed)"]
    asked.camera_list.item(names["Torget norr (removed)"]).setCheckState(Qt.CheckState.Checked)
    asked.choice.setCurrentIndex(2)
    asked.details.setText("larm 4711")
    asked.ok.click()
    (request,) = chosen
    assert request.camera_ids == (recorded.torget.id,)
    window = PlaybackWindow(context(core, supervisor, runner, backend), request)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(playing(window, 1))
    assert [s.camera.id for s in backend.streams] == [recorded.torget.id]
    assert window.tiles[0].title_text() == "Torget norr · Stora torget"
    window.close()
    qtbot.waitUntil(lambda: len(entries(core, "playback.view.end")) == 1)
    assert errors == []


def test_a_supervisor_requests_an_export_of_what_the_timeline_shows(
    qtbot: QtBot,
    core: Core,
    recorded: Recorded,
    open_window: Callable[..., PlaybackWindow],
) -> None:
    operator = open_window(user(core, "olle", Role.OPERATOR), [recorded.torget.id])
    assert "export" not in operator.actions_
    window = open_window(
        user(core, "sara", Role.SUPERVISOR), [recorded.torget.id, recorded.berga.id]
    )
    qtbot.waitUntil(lambda: len(window.timeline.rows()) == 2)
    start = recorded.start - timedelta(minutes=1)
    window.timeline.set_view(start, start + timedelta(minutes=3))
    with qtbot.waitSignal(window.export_requested) as asked:
        window.actions_["export"].trigger()
    assert asked.args == [
        ([recorded.torget.id, recorded.berga.id], start, start + timedelta(minutes=3))
    ]
