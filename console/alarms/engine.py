"""The alarm engine: events in, alarms stored, recording triggered, states published.

One per data dir, beside the recording engine (it runs where recording runs: `utkik serve` or
the console, under the recording lock). It owns the sources: the MQTT sensors, and each camera's
ONVIF events through the `EventSources` port (a camera without events has none). Sources deliver
on their own threads into one queue; the engine's worker takes what has queued (up to `batch`
events), reads each through the topic registry into a signal and stores the lot in one
transaction (`AlarmService.ingest`), so a storm of messages is coalesced on the open alarms, never
dropped. For a new alarm whose rule says so it starts event recording on the alarm's cameras
(`RecordingEngine.trigger`, from the pre-event buffer). Every alarm that changed is published on
the board (the broker), where the other consoles of the data dir see it.

Once a second it also looks at the system's health (console/alarms/health.py).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from console.alarms.health import HealthWatch
from console.alarms.model import Alarm
from console.alarms.registry import Registry, default_registry
from console.alarms.service import AlarmService, Outcome
from console.alarms.signals import DeviceEvent, EventSource
from console.cameras import Camera, CameraService
from console.clock import Clock
from console.domain import Actor
from console.errors import StorageError
from console.ports import AlarmBoard, EventSources
from console.recording.engine import EngineStatus
from console.workers import Worker

log = logging.getLogger(__name__)

#: At most this many events go into one transaction.
DEFAULT_BATCH = 2_000
#: How often the cameras are looked at again (new cameras' event sources, health).
DEFAULT_TICK_S = 1.0


class AlarmEngine:
    def __init__(
        self,
        service: AlarmService,
        cameras: CameraService,
        clock: Clock,
        *,
        sources: Sequence[EventSource] = (),
        camera_sources: EventSources | None = None,
        board: AlarmBoard | None = None,
        trigger: Callable[[int, float], bool] | None = None,
        recording_status: Callable[[], EngineStatus | None] | None = None,
        subscriptions: Callable[[], dict[int, bool]] | None = None,
        registry: Registry | None = None,
        batch: int = DEFAULT_BATCH,
        tick_s: float = DEFAULT_TICK_S,
        on_raised: Callable[[Sequence[Outcome]], None] | None = None,
    ) -> None:
        self.service = service
        self._cameras = cameras
        self._clock = clock
        self._sources = list(sources)
        self._camera_sources = camera_sources
        self._board = board
        self._trigger = trigger
        self._recording_status = recording_status
        self._subscriptions = subscriptions
        self._registry = registry or default_registry()
        self._batch = batch
        self._tick_s = tick_s
        #: called on the engine's thread with what every batch did (new alarms included)
        self._on_raised = on_raised
        self._queue: queue.SimpleQueue[DeviceEvent] = queue.SimpleQueue()
        #: a batch the database refused, tried again first
        self._unstored: list[DeviceEvent] = []
        self._worker: Worker | None = None
        self._by_camera: dict[int, EventSource] = {}
        self._health = HealthWatch()
        self._process = Actor.os_account()
        self._life = threading.RLock()
        self._last_tick = 0.0
        #: alarm id → the revision last published, of the open alarms
        self._published: dict[int, int] = {}
        self._published_lock = threading.Lock()
        #: events received and stored since the start (for status and benchmarks)
        self.received = 0
        self.stored = 0

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> None:
        with self._life:
            if self._worker is not None:
                return
            if self._board is not None:
                self.service.on_changed = self._publish
                open_alarms = self.service.open_alarms()
                self._board.sync(open_alarms)
                self._remember(open_alarms)
            for source in self._sources:
                source.start(self.deliver)
            self._worker = Worker("alarm-engine", self._loop)
            self._worker.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop the sources, store what they delivered, stop the thread, close the board."""
        with self._life:
            stopped = True
            if self._worker is not None:
                # First, so that it starts no camera's source meanwhile.
                stopped = self._worker.stop(timeout)
                self._worker = None
            for source in [*self._sources, *self._by_camera.values()]:
                source.stop()
            self._by_camera.clear()
            if stopped:
                self._drain()
            if self._board is not None:
                if self.service.on_changed == self._publish:
                    self.service.on_changed = None
                self._board.close()
            return stopped

    def deliver(self, event: DeviceEvent) -> None:
        """The sink every source delivers into (any thread): queued, never blocking."""
        self._queue.put(event)
        worker = self._worker
        if worker is not None:
            worker.wake()

    # -- the engine's thread -----------------------------------------------------------------

    def _loop(self, worker: Worker) -> None:
        while not worker.stopping:
            try:
                self._drain()
                if self._clock_due():
                    self._tick()
            except Exception:
                log.exception("the alarm engine's round failed")
            worker.heartbeat()
            if self._queue.empty():
                worker.wait(self._tick_s)

    def _clock_due(self) -> bool:
        now = time.monotonic()
        if now - self._last_tick >= self._tick_s:
            self._last_tick = now
            return True
        return False

    def _drain(self) -> None:
        while True:
            # Events a failed write left come first, in their order.
            events, self._unstored = self._unstored, []
            try:
                while len(events) < self._batch:
                    events.append(self._queue.get_nowait())
            except queue.Empty:
                pass
            if not events:
                return
            if not self._handle(events):
                return

    def _handle(self, events: list[DeviceEvent]) -> bool:
        """Store a batch; False when the database refused it (kept for the next round)."""
        signals = [self._registry.signal_for(event) for event in events]
        try:
            outcomes = self.service.ingest(signals)
        except StorageError as err:
            # A busy or full disk: nothing is lost, the batch is tried again next round.
            log.warning("alarms cannot be stored now (%s); %d events wait", err, len(events))
            self._unstored = events
            return False
        self.received += len(events)
        self.stored += len(events)
        changed: dict[int, Alarm] = {}
        for outcome in outcomes:
            alarm = outcome.alarm
            if alarm is None:
                continue
            previous = changed.get(alarm.id)
            if previous is None or previous.revision < alarm.revision:
                changed[alarm.id] = alarm
            if outcome.new and outcome.rule is not None and outcome.rule.record:
                self._record(alarm, outcome.rule.record_s)
        if changed:
            self._publish(list(changed.values()))
        if self._on_raised is not None:
            self._on_raised(outcomes)
        return True

    def _record(self, alarm: Alarm, seconds: int) -> None:
        if self._trigger is None:
            return
        for camera_id in alarm.cameras:
            if self._trigger(camera_id, float(seconds)):
                log.info("alarm %s: event recording of camera %s", alarm.id, camera_id)

    def _publish(self, alarms: Sequence[Alarm]) -> None:
        if self._board is None:
            return
        self._board.publish(alarms)
        self._remember(alarms)

    def _remember(self, alarms: Sequence[Alarm]) -> None:
        with self._published_lock:
            for alarm in alarms:
                if alarm.open:
                    self._published[alarm.id] = alarm.revision
                else:
                    self._published.pop(alarm.id, None)

    def _catch_up(self) -> None:
        """Publish what another process changed (`utkik alarms ack` where it could not reach
        the broker, a console that lost it): the database is the truth, read every tick."""
        if self._board is None:
            return
        with self._published_lock:
            known = dict(self._published)
        current = {a.id: a for a in self.service.open_alarms()}
        gone = [i for i in known if i not in current]
        changed = [a for a in current.values() if known.get(a.id) != a.revision]
        changed += self.service.stored(gone)
        if changed:
            self._publish(changed)

    def _tick(self) -> None:
        self._catch_up()
        cameras = self._cameras.list(self._process)
        self._follow(cameras)
        status = self._recording_status() if self._recording_status is not None else None
        subscriptions = self._subscriptions() if self._subscriptions is not None else None
        for event in self._health.observe(self._clock.now(), cameras, status, subscriptions):
            self._queue.put(event)

    def _follow(self, cameras: Sequence[Camera]) -> None:
        """Start the event source of every camera that has one, stop those of removed cameras."""
        if self._camera_sources is None:
            return
        present = {c.id: c for c in cameras}
        for camera_id in list(self._by_camera):
            if camera_id not in present:
                source = self._by_camera.pop(camera_id)
                source.stop()
        for camera_id, camera in present.items():
            if camera_id in self._by_camera:
                continue
            made = self._camera_sources.for_camera(camera)
            if made is None:
                continue
            made.start(self.deliver)
            self._by_camera[camera_id] = made
