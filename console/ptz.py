"""PTZ of a camera an operator steers: what the operator holds becomes commands, one at a time.

One command at a time, in order, so a stop never overtakes its move; at most one move per
PTZ_MIN_INTERVAL_S, always the latest speed; a held move renewed every PTZ_RENEW_S. The start of a
move (from standing still) and each preset are written to the access log by the same worker task,
before the command (CameraService.control_ptz): when the entry is refused nothing is sent, the
error is reported, and the rest of that gesture is refused too until it is let go. Speed changes
within a move and stops are not logged.

Every outcome of a command, a built-in exception from the adapter included, ends the command: the
driver never stays busy, so PTZ keeps working and the camera is let go when the driver closes.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from console.cameras import Camera, CameraService
from console.domain import Actor
from console.errors import N_, KnownError
from console.ports import Jobs, PtzControl, PtzHandle, PtzPreset, Timers

log = logging.getLogger(__name__)
T = TypeVar("T")

#: (pan, tilt, zoom), each -1..1: positive is right, up and in.
Velocity = tuple[float, float, float]
STILL: Velocity = (0.0, 0.0, 0.0)

#: A held move is renewed this often. The adapter's moves end by themselves after 2 s
#: (devices/ptz.py, MOVE_TIMEOUT_S) so that a stop lost with a crashed console or a dropped
#: network cannot leave a camera turning; a key held longer must say so again.
PTZ_RENEW_S = 1.0
#: At most one move command this often (5 a second) while a drag keeps changing the speed: only
#: the latest speed is sent, so a slow camera never works through a queue of stale ones.
PTZ_MIN_INTERVAL_S = 0.2


class PtzCommandFailed(KnownError):
    """A PTZ command ended with an error the adapter did not translate (a bug or a surprise of
    the environment, logged with its trace)."""


def clamp(value: float) -> float:
    return max(-1.0, min(1.0, value))


def describe(velocity: Velocity) -> str:
    """A velocity in the words of the ptz.move entry."""
    pan, tilt, zoom = velocity
    return f"pan {pan:+.2f}, tilt {tilt:+.2f}, zoom {zoom:+.2f}"


@dataclass(frozen=True, slots=True)
class _Outcome(Generic[T]):
    """What a worker task ended with: its value, or the exception it raised."""

    value: T | None = None
    error: KnownError | None = None


def _guarded(op: Callable[[], T], camera: Camera) -> Callable[[], _Outcome[T]]:
    def run() -> _Outcome[T]:
        try:
            return _Outcome(value=op())
        except KnownError as err:
            return _Outcome(error=err)
        # Every outcome must reach the driver, or it stays busy and the camera is never let go;
        # what the adapter did not translate is logged with its trace and reported as a failure.
        except Exception as err:
            log.error("PTZ command to camera %s failed", camera.id, exc_info=err)
            return _Outcome(
                error=PtzCommandFailed(
                    N_("Camera “{name}” did not carry out the command ({problem})."),
                    name=camera.name,
                    problem=type(err).__name__,
                )
            )

    return run


class PtzDriver:
    """PTZ of one camera for one operator. Its methods are called on one thread (the GUI thread);
    commands run through `jobs`, whose results come back on that thread.

    `on_presets` gets the camera's presets once it is open; `on_error` gets a failure to report
    (a KnownError) or None once a later command went through.
    """

    def __init__(
        self,
        cameras: CameraService,
        actor: Actor,
        control: PtzControl,
        camera: Camera,
        jobs: Jobs,
        timers: Timers,
        *,
        on_presets: Callable[[list[PtzPreset]], None],
        on_error: Callable[[KnownError | None], None],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.camera = camera
        self._cameras = cameras
        self._actor = actor
        self._control = control
        self._jobs = jobs
        self._on_presets = on_presets
        self._on_error = on_error
        self._monotonic = monotonic
        self._handle: PtzHandle | None = None
        #: a task of ours is on a worker (opening, a command, or letting go)
        self._busy = False
        self._closing = False
        self._closed = False
        #: what each input (keys, mouse, pad) asks for
        self._inputs: dict[str, Velocity] = {}
        #: the velocity the camera was last told
        self._sent = STILL
        self._last_move = -math.inf
        self._renew_due = False
        #: the gesture going on was refused (its entry, or its first command, failed)
        self._refused = False
        self._stop_asked = False
        self._goto: PtzPreset | None = None
        self._error_shown = False
        self._throttle = timers.timer(self._pump)
        self._renew = timers.timer(self._on_renew_timeout)

    @property
    def wanted(self) -> Velocity:
        """What the inputs together ask for."""
        pan, tilt, zoom = (
            round(clamp(sum(v[axis] for v in self._inputs.values())), 2) for axis in range(3)
        )
        return pan, tilt, zoom

    @property
    def ready(self) -> bool:
        """The camera is open (its presets known)."""
        return self._handle is not None and not self._closing

    @property
    def busy(self) -> bool:
        """A task of the driver's is on a worker."""
        return self._busy

    @property
    def closed(self) -> bool:
        """Closed, and the camera let go (or never opened)."""
        return self._closed

    # -- what the operator does ---------------------------------------------------------------

    def open(self) -> None:
        control, camera = self._control, self.camera

        def op() -> tuple[PtzHandle, list[PtzPreset]]:
            handle = control.open_ptz(camera)
            try:
                return handle, list(handle.presets())
            except BaseException:
                handle.close()
                raise

        self._busy = True
        self._jobs.run(_guarded(op, camera), self._on_opened)

    def drive(self, source: str, velocity: Velocity) -> None:
        """`source` (keys, mouse, pad) now asks for `velocity`; STILL: it let go."""
        if velocity == STILL:
            self._inputs.pop(source, None)
        else:
            self._inputs[source] = velocity
        if self.wanted == STILL:
            # The gesture is over: the next one is asked for (and logged) afresh.
            self._refused = False
        self._pump()

    def halt(self) -> None:
        """Stop: every input let go, and a stop sent even when nothing was moving (the camera
        may be on its way to a preset)."""
        self._inputs.clear()
        self._refused = False
        self._stop_asked = True
        self._pump()

    def goto(self, preset: PtzPreset) -> None:
        self._goto = preset
        self._pump()

    def close(self) -> None:
        """Let go of the camera: after the command on its way, a stop and the connection's end
        (on a worker). Nothing is reported after this."""
        self._closing = True
        self._inputs.clear()
        self._goto = None
        self._throttle.stop()
        self._renew.stop()
        self._pump()

    # -- commands ------------------------------------------------------------------------------

    def _pump(self) -> None:
        """Send the next command, if one is due and none is on its way."""
        if self._busy or self._closed:
            return
        handle = self._handle
        if self._closing:
            self._handle = None
            self._closed = True
            if handle is not None:
                self._jobs.run(_guarded(handle.close, self.camera), _ignore)
            self._throttle.dispose()
            self._renew.dispose()
            return
        if handle is None:
            return
        cameras, actor, camera = self._cameras, self._actor, self.camera
        goto = self._goto
        if goto is not None:
            self._goto = None

            def go() -> None:
                cameras.control_ptz(actor, camera, "preset", f"{goto.name} ({goto.token})")
                handle.goto(goto.token)

            self._send(go, STILL)
            return
        wanted = self.wanted
        if wanted == STILL:
            if self._sent != STILL or self._stop_asked:
                self._stop_asked = False
                self._send(handle.stop, STILL, stop=True)
            return
        if self._refused or (wanted == self._sent and not self._renew_due):
            return
        wait = self._last_move + PTZ_MIN_INTERVAL_S - self._monotonic()
        if wait > 0:
            if not self._throttle.is_active():
                self._throttle.start(wait)
            return
        self._renew_due = False
        self._last_move = self._monotonic()
        if self._sent == STILL:

            def start() -> None:
                cameras.control_ptz(actor, camera, "move", describe(wanted))
                handle.move(*wanted)

            self._send(start, wanted)
        else:
            self._send(lambda: handle.move(*wanted), wanted)

    def _send(self, op: Callable[[], None], after: Velocity, *, stop: bool = False) -> None:
        """Run command `op` on a worker; `after`: the camera's velocity once it is done."""
        self._busy = True

        def done(outcome: _Outcome[None]) -> None:
            if outcome.error is None:
                self._on_sent(after, stop=stop)
            else:
                self._on_send_failed(outcome.error, stop=stop)

        self._jobs.run(_guarded(op, self.camera), done)

    def _on_sent(self, after: Velocity, *, stop: bool) -> None:
        self._busy = False
        self._sent = after
        if self._closing:
            self._pump()
            return
        if after == STILL:
            self._renew.stop()
        elif not self._renew.is_active():
            self._renew.start(PTZ_RENEW_S)
        if self._error_shown and not stop:
            # A move or preset went through: the error shown is over. (The stop ending a failed
            # gesture leaves it, so that the operator can read it.)
            self._error_shown = False
            self._on_error(None)
        self._pump()

    def _on_send_failed(self, err: KnownError, *, stop: bool) -> None:
        self._busy = False
        if stop:
            # Not tried again: the camera stops by itself once its move runs out.
            self._sent = STILL
        elif self.wanted != STILL:
            self._refused = True
        self._renew.stop()
        if not self._closing:
            self._error_shown = True
            self._on_error(err)
        self._pump()

    def _on_opened(self, outcome: _Outcome[tuple[PtzHandle, list[PtzPreset]]]) -> None:
        self._busy = False
        if outcome.value is not None:
            self._handle, presets = outcome.value
            if not self._closing:
                self._on_presets(presets)
        elif outcome.error is not None and not self._closing:
            self._on_error(outcome.error)
        self._pump()

    def _on_renew_timeout(self) -> None:
        if self._sent != STILL and not self._refused:
            self._renew_due = True
            self._pump()


def _ignore(_outcome: object) -> None:
    return None
