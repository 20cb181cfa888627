"""The PTZ driver without Qt: one command at a time, the entry before the move, throttling,
renewing, and every outcome of a command ending it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest

from console.app import Core
from console.audit.log import Entry
from console.camera_facts import Capabilities, DeviceFacts, StreamProfile
from console.cameras import Camera
from console.domain import Actor, Role
from console.errors import KnownError
from console.ports import Jobs, PtzControl, PtzHandle, PtzPreset, Timer, Timers
from console.ptz import PTZ_MIN_INTERVAL_S, PTZ_RENEW_S, STILL, PtzCommandFailed, PtzDriver
from tests.core.test_cameras import place, user
from tests.register_fixture import registered

T = TypeVar("T")
ROOT = Actor.os_account("root")
PRESETS = [PtzPreset("1", "Home")]


class QueuedJobs(Jobs):
    """Work waits until the test runs it, as a worker and the GUI thread's delivery would."""

    def __init__(self) -> None:
        self.queue: list[Callable[[], None]] = []

    def run(self, op: Callable[[], T], on_success: Callable[[T], None]) -> object:
        self.queue.append(lambda: on_success(op()))
        return None

    def drain(self) -> None:
        while self.queue:
            self.queue.pop(0)()


class ManualTimer(Timer):
    def __init__(self, timers: ManualTimers, callback: Callable[[], None]) -> None:
        self._timers = timers
        self.callback = callback
        self.due: float | None = None
        self.disposed = False

    def start(self, delay_s: float) -> None:
        self.due = self._timers.now + delay_s

    def stop(self) -> None:
        self.due = None

    def is_active(self) -> bool:
        return self.due is not None

    def dispose(self) -> None:
        self.due = None
        self.disposed = True


class ManualTimers(Timers):
    """Time that moves only when the test says so; it is also the driver's monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.made: list[ManualTimer] = []

    def timer(self, callback: Callable[[], None]) -> ManualTimer:
        made = ManualTimer(self, callback)
        self.made.append(made)
        return made

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for timer in self.made:
            if timer.due is not None and timer.due <= self.now:
                timer.due = None
                timer.callback()


class FakePtz(PtzHandle):
    def __init__(self, core: Core) -> None:
        self.core = core
        #: (command, ptz entries in the log when it was sent)
        self.calls: list[tuple[str, int]] = []
        self.closed = False
        self.raise_next: BaseException | None = None

    def _note(self, command: str) -> None:
        if self.raise_next is not None:
            err, self.raise_next = self.raise_next, None
            raise err
        self.calls.append((command, len(entries(self.core))))

    def move(self, pan: float, tilt: float, zoom: float) -> None:
        self._note(f"move {pan:+.1f} {tilt:+.1f} {zoom:+.1f}")

    def stop(self) -> None:
        self._note("stop")

    def presets(self) -> Sequence[PtzPreset]:
        return list(PRESETS)

    def goto(self, token: str) -> None:
        self._note(f"goto {token}")

    def close(self) -> None:
        self.closed = True


class FakeControl(PtzControl):
    def __init__(self, core: Core) -> None:
        self.handle = FakePtz(core)

    def open_ptz(self, camera: Camera) -> PtzHandle:
        return self.handle


def entries(core: Core) -> list[Entry]:
    return list(reversed(core.audit.entries(ROOT, action="ptz")))


class Rig:
    def __init__(self, core: Core) -> None:
        facts = DeviceFacts(
            host="127.0.0.1",
            port=80,
            xaddr="http://127.0.0.1/onvif/device_service",
            main=StreamProfile("main", "rtsp://127.0.0.1/main", 1920, 1080),
            capabilities=Capabilities(ptz=True),
        )
        self.camera = registered(
            core, core.cameras.add(ROOT, facts, place(core, "Ryds centrum"), "Ryd", "u", "p")
        )
        self.control = FakeControl(core)
        self.jobs = QueuedJobs()
        self.timers = ManualTimers()
        self.presets: list[list[PtzPreset]] = []
        self.errors: list[KnownError | None] = []
        self.driver = PtzDriver(
            core.cameras,
            user(core, "olle", Role.OPERATOR),
            self.control,
            self.camera,
            self.jobs,
            self.timers,
            on_presets=self.presets.append,
            on_error=self.errors.append,
            monotonic=self.timers.monotonic,
        )
        self.driver.open()
        self.jobs.drain()

    @property
    def calls(self) -> list[tuple[str, int]]:
        return self.control.handle.calls

    def commands(self) -> list[str]:
        return [command for command, _logged in self.calls]


@pytest.fixture
def rig(core: Core) -> Rig:
    return Rig(core)


def test_the_start_of_a_move_is_logged_before_it_is_sent_and_stops_are_not(
    rig: Rig, core: Core
) -> None:
    assert rig.driver.ready
    assert rig.presets == [PRESETS]
    rig.driver.drive("keys", (0.5, 0.0, 0.0))
    rig.jobs.drain()
    rig.driver.drive("keys", STILL)
    rig.jobs.drain()
    assert rig.calls == [("move +0.5 +0.0 +0.0", 1), ("stop", 1)]
    (entry,) = entries(core)
    assert (entry.action, entry.actor, entry.details["detail"]) == (
        "ptz.move",
        "olle",
        "pan +0.50, tilt +0.00, zoom +0.00",
    )


def test_one_command_at_a_time_and_moves_are_throttled(rig: Rig) -> None:
    rig.driver.drive("mouse", (0.1, 0.0, 0.0))
    rig.driver.drive("mouse", (0.2, 0.0, 0.0))
    # The first move is on its way: nothing else is sent before it is done.
    assert len(rig.jobs.queue) == 1
    rig.jobs.drain()
    assert rig.commands() == ["move +0.1 +0.0 +0.0"]
    # The next speed waits for the throttle, and only the latest one is sent.
    rig.driver.drive("mouse", (0.3, 0.0, 0.0))
    assert rig.jobs.queue == []
    rig.timers.advance(PTZ_MIN_INTERVAL_S)
    rig.jobs.drain()
    assert rig.commands() == ["move +0.1 +0.0 +0.0", "move +0.3 +0.0 +0.0"]


def test_a_held_move_is_renewed(rig: Rig, core: Core) -> None:
    rig.driver.drive("keys", (0.0, 1.0, 0.0))
    rig.jobs.drain()
    rig.timers.advance(PTZ_RENEW_S)
    rig.jobs.drain()
    rig.timers.advance(PTZ_RENEW_S)
    rig.jobs.drain()
    assert rig.commands() == ["move +0.0 +1.0 +0.0"] * 3
    assert len(entries(core)) == 1


@pytest.mark.parametrize("problem", [TimeoutError(), ConnectionResetError(), RuntimeError()])
def test_a_command_raising_a_built_in_exception_leaves_ptz_working(
    rig: Rig, problem: BaseException
) -> None:
    rig.control.handle.raise_next = problem
    rig.driver.drive("keys", (1.0, 0.0, 0.0))
    rig.jobs.drain()
    assert not rig.driver.busy
    (error,) = rig.errors
    assert isinstance(error, PtzCommandFailed)
    assert type(problem).__name__ in str(error)
    # The rest of the gesture is refused; the next one goes out and clears the error.
    rig.driver.drive("keys", STILL)
    rig.jobs.drain()
    rig.driver.drive("keys", (-1.0, 0.0, 0.0))
    rig.timers.advance(PTZ_MIN_INTERVAL_S)
    rig.jobs.drain()
    assert rig.commands()[-1] == "move -1.0 +0.0 +0.0"
    assert rig.errors[-1] is None
    # Letting go closes the session.
    rig.driver.close()
    rig.jobs.drain()
    assert rig.control.handle.closed
    assert rig.driver.closed
    assert all(timer.disposed for timer in rig.timers.made)


def test_closing_while_a_failing_command_is_on_its_way_still_closes_the_session(
    rig: Rig,
) -> None:
    rig.control.handle.raise_next = TimeoutError()
    rig.driver.drive("keys", (1.0, 0.0, 0.0))
    rig.driver.close()
    assert not rig.control.handle.closed
    rig.jobs.drain()
    assert rig.control.handle.closed
    # Nothing is reported after close().
    assert rig.errors == []


def test_a_preset_is_logged_then_gone_to(rig: Rig, core: Core) -> None:
    rig.driver.goto(PRESETS[0])
    rig.jobs.drain()
    assert rig.calls == [("goto 1", 1)]
    assert [e.action for e in entries(core)] == ["ptz.preset"]


def test_a_camera_that_cannot_be_opened_is_reported(rig: Rig, core: Core) -> None:
    class Unreachable(PtzControl):
        def open_ptz(self, camera: Camera) -> PtzHandle:
            raise TimeoutError

    errors: list[KnownError | None] = []
    jobs = QueuedJobs()
    driver = PtzDriver(
        core.cameras,
        user(core, "stina", Role.OPERATOR),
        Unreachable(),
        rig.camera,
        jobs,
        ManualTimers(),
        on_presets=lambda presets: pytest.fail("opened"),
        on_error=errors.append,
    )
    driver.open()
    jobs.drain()
    assert not driver.busy
    assert not driver.ready
    assert [type(err) for err in errors] == [PtzCommandFailed]
