"""The health check without Qt: one check stamped and kept, the schedule one camera at a time,
and a check that fails in any way leaving the schedule going."""

from __future__ import annotations

import pytest

from console.app import Core
from console.camera_facts import DeviceFacts, Health, StreamProfile
from console.camera_login import CameraLogin
from console.domain import Actor
from console.errors import KnownError
from console.health import CheckedHealth, CheckFailed, HealthMonitor, HealthService
from tests.conftest import FakeClock
from tests.core.test_cameras import place
from tests.core.test_ptz_driver import ManualTimers, QueuedJobs

ROOT = Actor.os_account("root")


class Probe:
    """Answers for each host what the test set; notes what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []
        self.raises: dict[str, BaseException] = {}

    def __call__(self, host: str, port: int, login: CameraLogin, uri: str | None) -> Health:
        self.asked.append((host, uri))
        if host in self.raises:
            raise self.raises[host]
        return Health(True, uri is not None, 0.2)


def add(core: Core, host: str, name: str) -> int:
    facts = DeviceFacts(
        host=host,
        port=80,
        xaddr=f"http://{host}/onvif/device_service",
        main=StreamProfile("m", f"rtsp://{host}/main", 1920, 1080),
    )
    return core.cameras.add(ROOT, facts, place(core, "Resecentrum"), name, "u", "p").id


def test_a_check_is_stamped_and_kept(core: Core, clock: FakeClock) -> None:
    camera_id = add(core, "127.0.0.2", "Rese")
    probe = Probe()
    result = HealthService(core.cameras, probe, clock).check(ROOT, camera_id)
    assert result == CheckedHealth(camera_id, Health(True, True, 0.2, checked_at=clock.now()))
    assert probe.asked == [("127.0.0.2", "rtsp://127.0.0.2/main")]
    assert core.cameras.get(ROOT, camera_id).health == result.health
    # A stream flowing in the hub is not opened again.
    HealthService(core.cameras, probe, clock).check(ROOT, camera_id, stream_flows=True)
    assert probe.asked[-1] == ("127.0.0.2", None)


def test_an_unstamped_check_is_not_kept(core: Core) -> None:
    camera_id = add(core, "127.0.0.2", "Rese")
    with pytest.raises(ValueError, match="time"):
        core.cameras.record_health(camera_id, Health(True, True, 0.2))


class Schedule:
    def __init__(self, core: Core, clock: FakeClock, probe: Probe) -> None:
        self.jobs = QueuedJobs()
        self.timers = ManualTimers()
        self.checked: list[CheckedHealth] = []
        self.failed: list[tuple[int, KnownError]] = []
        self.monitor = HealthMonitor(
            HealthService(core.cameras, probe, clock),
            ROOT,
            self.jobs,
            self.timers,
            list_cameras=lambda: [c.id for c in core.cameras.list(ROOT)],
            on_checked=self.checked.append,
            on_failed=lambda camera_id, err: self.failed.append((camera_id, err)),
            interval_s=60,
        )

    def step(self) -> None:
        """One job: a worker's task and its delivery."""
        self.jobs.queue.pop(0)()


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
def schedule(core: Core, clock: FakeClock, probe: Probe) -> Schedule:
    return Schedule(core, clock, probe)


def test_every_camera_is_checked_one_at_a_time_every_interval(
    core: Core, schedule: Schedule, probe: Probe
) -> None:
    first, second = add(core, "127.0.0.2", "A"), add(core, "127.0.0.3", "B")
    schedule.monitor.start()
    schedule.step()  # the list
    assert len(schedule.jobs.queue) == 1
    schedule.step()
    assert len(schedule.jobs.queue) == 1
    schedule.step()
    assert schedule.jobs.queue == []
    assert schedule.monitor.idle
    assert [c.camera_id for c in schedule.checked] == [first, second]
    schedule.timers.advance(59)
    assert schedule.jobs.queue == []
    schedule.timers.advance(1)
    schedule.jobs.drain()
    assert len(probe.asked) == 4


@pytest.mark.parametrize(
    "problem", [KnownError("The camera is gone."), TimeoutError(), RuntimeError()]
)
def test_a_check_that_fails_in_any_way_leaves_the_schedule_going(
    core: Core, schedule: Schedule, probe: Probe, problem: BaseException
) -> None:
    bad, good = add(core, "127.0.0.2", "A"), add(core, "127.0.0.3", "B")
    probe.raises["127.0.0.2"] = problem
    schedule.monitor.start()
    schedule.jobs.drain()
    assert [c.camera_id for c in schedule.checked] == [good]
    ((camera_id, err),) = schedule.failed
    assert camera_id == bad
    if not isinstance(problem, KnownError):
        assert isinstance(err, CheckFailed)
        assert type(problem).__name__ in str(err)
    assert schedule.monitor.idle
    schedule.monitor.check_now(good)
    schedule.jobs.drain()
    assert [c.camera_id for c in schedule.checked] == [good, good]


def test_check_now_goes_first_and_nothing_runs_once_stopped(
    core: Core, schedule: Schedule, probe: Probe
) -> None:
    first, second = add(core, "127.0.0.2", "A"), add(core, "127.0.0.3", "B")
    schedule.monitor.start()
    schedule.step()  # the list: A then B queued, A on its way
    schedule.monitor.check_now(second)
    schedule.jobs.drain()
    assert [c.camera_id for c in schedule.checked] == [first, second]
    schedule.monitor.stop()
    schedule.monitor.check_now(first)
    schedule.timers.advance(120)
    assert schedule.jobs.queue == []
