"""The periodic health check of cameras: one check (HealthService) and its schedule
(HealthMonitor), both Qt-free.

A check reads the camera's login, asks the HealthProbe port (devices/ implements it), stamps
the result with the injected clock and keeps it with CameraService.record_health. The monitor
checks every camera the user may see every `interval_s` seconds, one camera at a time through
the Jobs port (a stalled camera costs one worker, never the GUI thread).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from console.camera_facts import Health
from console.cameras import CameraService
from console.clock import Clock
from console.domain import Actor
from console.errors import N_, KnownError
from console.ports import HealthProbe, Jobs, Timers

log = logging.getLogger(__name__)

#: Seconds between two rounds over every camera.
HEALTH_INTERVAL_S = 60


class CheckFailed(KnownError):
    """A check ended with an error the adapter did not translate (logged with its trace)."""


@dataclass(frozen=True, slots=True)
class CheckedHealth:
    camera_id: int
    health: Health


def stamped(found: Health, moment: datetime) -> Health:
    """An adapter's check as kept: with the time it was made (UTC)."""
    return dataclasses.replace(found, checked_at=moment)


class HealthService:
    def __init__(self, cameras: CameraService, probe: HealthProbe, clock: Clock) -> None:
        self._cameras = cameras
        self._probe = probe
        self._clock = clock

    def check(self, actor: Actor, camera_id: int, *, stream_flows: bool = False) -> CheckedHealth:
        """Check one camera and keep the result. Blocks: call it on a worker. `stream_flows`:
        its stream is open in the media hub now, so the check opens no session of its own."""
        camera = self._cameras.get(actor, camera_id)
        login = self._cameras.login(actor, camera)
        uri = None if stream_flows else camera.main_uri or camera.sub_uri
        found = self._probe(camera.host, camera.port, login, uri)
        health = stamped(found, self._clock.now())
        self._cameras.record_health(camera.id, health)
        return CheckedHealth(camera.id, health)


@dataclass(frozen=True, slots=True)
class _Outcome:
    checked: CheckedHealth | None = None
    error: KnownError | None = None


class HealthMonitor:
    """The schedule of checks. Its methods are called on one thread (the GUI thread), where
    `jobs` delivers results and `timers` call back. `on_checked` gets each result as it is
    kept; `on_failed` the camera id and why it could not be checked."""

    def __init__(
        self,
        service: HealthService,
        actor: Actor,
        jobs: Jobs,
        timers: Timers,
        *,
        list_cameras: Callable[[], list[int]],
        on_checked: Callable[[CheckedHealth], None],
        on_failed: Callable[[int, KnownError], None],
        interval_s: float = HEALTH_INTERVAL_S,
        streaming: Callable[[int], bool] = lambda camera_id: False,
    ) -> None:
        self._service = service
        self._actor = actor
        self._jobs = jobs
        self._list_cameras = list_cameras
        self._on_checked = on_checked
        self._on_failed = on_failed
        self._interval_s = interval_s
        #: whether a camera's stream flows in the media hub now (live view, recording)
        self._streaming = streaming
        self._queue: list[int] = []
        self._busy = False
        self._listing = False
        self._stopped = True
        self._timer = timers.timer(self._on_timer)

    @property
    def idle(self) -> bool:
        return not (self._busy or self._listing or self._queue)

    @property
    def running(self) -> bool:
        return not self._stopped

    def start(self, *, first_round: bool = True) -> None:
        self._stopped = False
        self._timer.start(self._interval_s)
        if first_round:
            self.check_all()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._queue.clear()

    def dispose(self) -> None:
        self.stop()
        self._timer.dispose()

    def check_all(self) -> None:
        """A round over every camera, unless one is still going on."""
        if self._stopped or self._listing or self._busy or self._queue:
            return
        self._listing = True
        list_cameras = self._list_cameras

        def listed() -> list[int] | None:
            try:
                return list_cameras()
            except KnownError:
                # The next round tries again; nothing to show for a list that failed.
                return None

        self._jobs.run(listed, self._on_listed)

    def check_now(self, camera_id: int) -> None:
        """Check one camera next (Test now, or a camera just added)."""
        if self._stopped:
            return
        if camera_id in self._queue:
            self._queue.remove(camera_id)
        self._queue.insert(0, camera_id)
        self._next()

    def _on_timer(self) -> None:
        if self._stopped:
            return
        self._timer.start(self._interval_s)
        self.check_all()

    def _on_listed(self, ids: list[int] | None) -> None:
        self._listing = False
        if self._stopped or ids is None:
            return
        self._queue.extend(i for i in ids if i not in self._queue)
        self._next()

    def _next(self) -> None:
        if self._busy or self._stopped or not self._queue:
            return
        self._busy = True
        camera_id = self._queue.pop(0)
        service, actor, streaming = self._service, self._actor, self._streaming

        def check() -> _Outcome:
            try:
                return _Outcome(
                    checked=service.check(actor, camera_id, stream_flows=streaming(camera_id))
                )
            except KnownError as err:
                return _Outcome(error=err)
            # Every outcome must end the check, or no camera is ever checked again; what the
            # adapter did not translate is logged with its trace and reported as a failure.
            except Exception as err:
                log.error("health check of camera %s failed", camera_id, exc_info=err)
                return _Outcome(
                    error=CheckFailed(
                        N_("The check failed ({problem})."), problem=type(err).__name__
                    )
                )

        self._jobs.run(check, lambda outcome: self._on_done(camera_id, outcome))

    def _on_done(self, camera_id: int, outcome: _Outcome) -> None:
        self._busy = False
        if self._stopped:
            return
        if outcome.checked is not None:
            self._on_checked(outcome.checked)
        elif outcome.error is not None:
            self._on_failed(camera_id, outcome.error)
        self._next()
