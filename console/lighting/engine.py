"""The lighting engine: sends each zone's command to its luminaires and watches what they say.

It runs where recording and alarms run (one per data dir). Every second it compares what each
luminaire should be told with what it was last told (console/lighting/control.py) and sends what
is due; a command whose id does not come back in the controller's state within 5 s is sent once
more, then reported as a problem (a health alarm). Controllers that go offline, report errors or
show another level than commanded are reported too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.clock import Clock
from console.errors import KnownError
from console.lighting.control import Command
from console.lighting.schedule import Reason
from console.lighting.service import LightingService, Luminaire, Zone
from console.ports import LightingBus, LuminaireReport, RelaySwitch

log = logging.getLogger(__name__)

#: A command must be confirmed (its id echoed in the controller's state) within this.
CONFIRM_WITHIN = timedelta(seconds=5)
#: Sent this many times in all before it is reported as not confirmed.
ATTEMPTS = 2
TICK_S = 1.0


@dataclass(frozen=True)
class LightingProblem:
    """Something wrong with a luminaire, for the alarms (health; sabotage for a controller
    that goes offline while its zone should be lit)."""

    place: str
    light: str
    #: "unconfirmed", "offline", "error" or "mismatch"
    kind: str
    detail: str
    #: the zone should be lit now (night): an offline controller is then sabotage
    night: bool
    #: False when the problem has ended (the controller is back, the command confirmed)
    active: bool = True


@dataclass
class _Sent:
    command: Command
    at: datetime
    attempts: int
    confirmed: bool = False


class LightingEngine:
    def __init__(
        self,
        service: LightingService,
        bus: LightingBus,
        clock: Clock,
        on_problem: Callable[[LightingProblem], None] | None = None,
        relays: RelaySwitch | None = None,
    ) -> None:
        self._service = service
        self._bus = bus
        self._relays = relays
        self._clock = clock
        self._on_problem = on_problem
        self._sent: dict[int, _Sent] = {}
        #: per zone, the last command logged as a change
        self._told: dict[int, Command] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        #: set by a change of what a zone should be told: tick now
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        #: problems already reported, so each is reported once until it clears
        self._reported: set[tuple[int, str]] = set()

    # -- running ---------------------------------------------------------------------------

    def start(self, tick_s: float | None = TICK_S) -> None:
        """Hear the controllers and tick every `tick_s` (None: the caller calls `tick`)."""
        self._bus.start(self._on_report)
        if tick_s is None:
            return
        self._service.on_intent(self._wake.set)
        self._thread = threading.Thread(
            target=self._run, args=(tick_s,), name="lighting-engine", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._bus.stop()

    def _run(self, tick_s: float) -> None:
        while True:
            self._wake.wait(tick_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.tick()
            except Exception:
                log.exception("lighting tick failed; trying again")

    # -- one step ----------------------------------------------------------------------------

    def tick(self) -> None:
        """Send what is due and check confirmations (called every second; tests call it)."""
        now = self._clock.now()
        for zone in self._service.zones():
            wanted = zone.control.command(now)
            due = [
                lum
                for lum in zone.luminaires
                if lum.available is not False and self._due(zone, lum, now, wanted)
            ]
            if due:
                self._send(zone, wanted, due, now)
            for lum in zone.luminaires:
                self._check(zone, lum, now)

    def _due(self, zone: Zone, lum: Luminaire, now: datetime, wanted: Command) -> bool:
        with self._lock:
            sent = self._sent.get(lum.id)
        if sent is None:
            return True
        return zone.control.due(now, sent.command, sent.at, wanted)

    def _send(
        self, zone: Zone, command: Command, luminaires: list[Luminaire], now: datetime
    ) -> None:
        changed = not command.same_as(self._told.get(zone.id))
        self._told[zone.id] = command
        # The access log first: a command is sent only once it is recorded.
        self._service.record_command(zone, command, changed=changed, sent_to=luminaires)
        for lum in luminaires:
            with self._lock:
                self._sent[lum.id] = _Sent(command, now, 1)
            self._deliver(lum, command, now)

    def _deliver(self, lum: Luminaire, command: Command, now: datetime) -> None:
        if lum.driver != "relay":
            self._bus.send(
                lum.place,
                lum.light,
                command.level,
                str(command.mode),
                command.duration_s(now),
                command.command_id,
            )
            return
        # A floodlight on a camera's relay: on for any level above 0, held by the camera itself
        # for the command's duration. The camera's answer is the confirmation.
        if self._relays is None or lum.camera_id is None:
            return
        on = command.level > 0
        try:
            self._relays.set_relay(lum.camera_id, lum.relay_token, on, command.duration_s(now))
        except KnownError as err:
            self._service.record_relay(lum, None, command.command_id, str(err))
            return
        self._service.record_relay(lum, 100 if on else 0, command.command_id, "")

    def _check(self, zone: Zone, lum: Luminaire, now: datetime) -> None:
        with self._lock:
            sent = self._sent.get(lum.id)
        night = self._night(zone, now)
        if lum.available is False:
            self._problem(lum, "offline", "the controller is offline", night)
            return
        self._clear(lum, "offline")
        if sent is None:
            return
        if lum.command_id == sent.command.command_id and lum.confirmed:
            sent.confirmed = True
            self._clear(lum, "unconfirmed")
            self._clear(lum, "error")
            expected = sent.command.level
            if lum.driver == "relay":
                expected = 100 if expected > 0 else 0
            if lum.reported_level is not None and lum.reported_level != expected:
                self._problem(
                    lum,
                    "mismatch",
                    f"commanded {sent.command.level} %, reports {lum.reported_level} %",
                    night,
                )
            else:
                self._clear(lum, "mismatch")
            return
        if sent.confirmed or now - sent.at < CONFIRM_WITHIN * sent.attempts:
            return
        if sent.attempts < ATTEMPTS:
            sent.attempts += 1
            self._deliver(lum, sent.command, now)
            return
        self._problem(
            lum, "unconfirmed", f"command for {sent.command.level} % not confirmed", night
        )

    @staticmethod
    def _night(zone: Zone, now: datetime) -> bool:
        return zone.schedule.level_at(now).reason is not Reason.DAY

    def _problem(self, lum: Luminaire, kind: str, detail: str, night: bool) -> None:
        key = (lum.id, kind)
        if key in self._reported:
            return
        self._reported.add(key)
        log.warning("luminaire %s/%s: %s", lum.place, lum.light, detail)
        if self._on_problem is not None:
            self._on_problem(LightingProblem(lum.place, lum.light, kind, detail, night))

    def _clear(self, lum: Luminaire, kind: str) -> None:
        key = (lum.id, kind)
        if key not in self._reported:
            return
        self._reported.discard(key)
        if self._on_problem is not None:
            self._on_problem(LightingProblem(lum.place, lum.light, kind, "", False, active=False))

    # -- what the controllers say --------------------------------------------------------------

    def _on_report(self, report: LuminaireReport) -> None:
        lum = self._service.luminaire_seen(report.place, report.light)
        self._service.record_report(
            lum,
            available=report.available,
            level=report.level,
            mode=report.mode,
            command_id=report.command_id,
            error=report.error,
        )
        if report.error:
            self._problem(lum, "error", report.error, night=False)
        if report.available is True:
            # Back online: it may have missed commands; tell it again at the next tick.
            with self._lock:
                self._sent.pop(lum.id, None)
