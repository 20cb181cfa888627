"""Access-log sessions of a look at video: a live view or a playback opens its entry before the
first picture (fails closed: no entry, no video) and ends it with what was shown.

The entries are written through the Jobs port, never on the GUI thread; the end entries still
being written can be waited for at shutdown (before the workers go). One helper for live and
playback views, so both end and wait alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from console.audit.log import Session
from console.cameras import Camera, CameraService
from console.domain import Actor
from console.errors import KnownError
from console.ports import Jobs
from console.recording.playback import PlaybackService, PlaybackSession

T = TypeVar("T")

#: What the live.view entries say the look was for.
LIVE_PURPOSE = "live"


@dataclass(frozen=True, slots=True)
class _Outcome(Generic[T]):
    value: T | None = None
    error: KnownError | None = None


def _known(op: Callable[[], T]) -> Callable[[], _Outcome[T]]:
    """`op` with its KnownError returned as a value, for a caller that handles refusals itself;
    anything else goes to the host's default (a bug)."""

    def run() -> _Outcome[T]:
        try:
            return _Outcome(value=op())
        except KnownError as err:
            return _Outcome(error=err)

    return run


def _deliver(
    on_success: Callable[[T], None], on_failure: Callable[[KnownError], None]
) -> Callable[[_Outcome[T]], None]:
    def deliver(outcome: _Outcome[T]) -> None:
        if outcome.error is not None:
            on_failure(outcome.error)
        else:
            on_success(outcome.value)  # type: ignore[arg-type]

    return deliver


def _ignore(_value: object) -> None:
    return None


class _Endings:
    """End entries on their way, known on the worker: waiting for them at shutdown must not
    depend on the GUI thread delivering anything."""

    def __init__(self, jobs: Jobs) -> None:
        self._jobs = jobs
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()

    def run(self, op: Callable[[], None]) -> None:
        """Write an end entry; a failure reaches the operator (the host's default)."""
        done: Future[None] = Future()
        with self._lock:
            self._pending.add(done)

        def end() -> None:
            try:
                op()
            finally:
                with self._lock:
                    self._pending.discard(done)
                done.set_result(None)

        self._jobs.run(end, _ignore)

    def wait(self, timeout_s: float) -> None:
        with self._lock:
            pending = list(self._pending)
        wait_futures(pending, timeout=timeout_s)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._pending)


class LiveViews:
    """The live.view entries of one grid's tiles, and the camera a tile shows."""

    def __init__(self, cameras: CameraService, actor: Actor, jobs: Jobs) -> None:
        self.cameras = cameras
        self.actor = actor
        self.jobs = jobs
        self._endings = _Endings(jobs)

    def lookup(
        self,
        camera_id: int,
        on_found: Callable[[Camera], None],
        on_failed: Callable[[KnownError], None],
    ) -> None:
        cameras, actor = self.cameras, self.actor
        self.jobs.run(_known(lambda: cameras.get(actor, camera_id)), _deliver(on_found, on_failed))

    def begin(
        self,
        camera: Camera,
        on_begun: Callable[[Session], None],
        on_refused: Callable[[KnownError], None],
    ) -> None:
        """The start entry, durable before `on_begun` runs (fails closed: no entry, no video)."""
        cameras, actor = self.cameras, self.actor
        self.jobs.run(
            _known(
                lambda: cameras.begin_view(
                    actor, f"camera:{camera.id}", camera.area_id, LIVE_PURPOSE
                )
            ),
            _deliver(on_begun, on_refused),
        )

    def end(self, session: Session, frames: int) -> None:
        """The end entry with the pictures shown; a failure reaches the operator."""
        cameras = self.cameras
        self._endings.run(lambda: cameras.end_view(session, frames))

    def wait(self, timeout_s: float) -> None:
        """Wait for the end entries still being written (at shutdown, before the workers go)."""
        self._endings.wait(timeout_s)

    @property
    def ending(self) -> int:
        return self._endings.count


class PlaybackViews:
    """The playback.view entries of one playback window."""

    def __init__(self, playback: PlaybackService, actor: Actor, jobs: Jobs) -> None:
        self._playback = playback
        self.actor = actor
        self.jobs = jobs
        self._endings = _Endings(jobs)

    def begin(
        self,
        cameras: CameraService,
        camera_id: int,
        start: datetime,
        reason: str,
        on_begun: Callable[[tuple[Camera, PlaybackSession]], None],
        on_refused: Callable[[KnownError], None],
    ) -> None:
        """The start entry, durable before `on_begun` runs (fails closed: no entry, no video)."""
        actor, playback = self.actor, self._playback

        def begin() -> tuple[Camera, PlaybackSession]:
            # Also a removed camera: its recordings stay its own until retention purges them.
            camera = cameras.get_recorded(actor, camera_id)
            return camera, playback.begin(actor, camera, start, reason)

        self.jobs.run(_known(begin), _deliver(on_begun, on_refused))

    def end(
        self, session: PlaybackSession, shown: Callable[[], tuple[datetime, datetime] | None]
    ) -> None:
        """The end entry with what `shown` says was shown (asked on the worker, after the
        stream's last picture); a failure reaches the operator."""
        playback = self._playback
        self._endings.run(lambda: playback.end(session, shown()))

    def wait(self, timeout_s: float) -> None:
        self._endings.wait(timeout_s)

    @property
    def ending(self) -> int:
        return self._endings.count
