"""`utkik serve`: the recording engine without a GUI, until stopped (Ctrl-C, SIGTERM, SIGHUP).

A composition root like ui/cli.py, and like it without Qt: a recorder machine never loads Qt.
The same engine runs inside the console on a workstation (`recording_engine`); one engine per
data dir, so a second `serve`, or a console, says who records instead of recording twice.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

from console.alarms.broker import (
    BrokerAddress,
    parse_broker,
    remove_broker_file,
    write_broker_file,
)
from console.alarms.engine import AlarmEngine
from console.alarms.health import restart_event
from console.app import Core, default_data_dir
from console.errors import KnownError
from console.lighting.alarms import boost_for, problem_event
from console.lighting.engine import LightingEngine
from console.media.hub import MediaHub
from console.ports import EventSources
from console.recording.engine import DiskLevel, EngineStatus, RecordingEngine
from console.recording.lock import EngineLock
from console.runtime import DeviceLoop
from console.settings import MQTT_BROKER
from devices import access_log, secrets
from devices.media.ingest import camera_opener
from devices.media.recorder import Mp4SegmentFormat
from devices.mqtt_lighting import MqttLightingBus
from devices.mqtt_sensors import MqttAlarmBoard, MqttSensorSource, broker_login
from devices.onvif_events import OnvifEventSources
from devices.onvif_relays import OnvifRelays
from devices.simulator.sensors import Broker

PROGRAM_SERVE = "utkik serve"


def recording_engine(
    core: Core,
    hub: MediaHub,
    program: str,
    *,
    segment_s: float = 10.0,
    on_status: Callable[[EngineStatus], None] | None = None,
    **options: Any,
) -> RecordingEngine:
    """The recording engine of a data dir over a media hub (shared with the live view);
    `options` go to RecordingEngine (tick_s, reserve_bytes, ...)."""
    return RecordingEngine(
        core.recordings,
        core.cameras,
        hub,
        Mp4SegmentFormat(),
        core.clock,
        EngineLock(core.data_dir, core.clock),
        program=program,
        segment_s=segment_s,
        on_status=on_status,
        **options,
    )


class Alarms:
    """The data dir's alarm engine with its MQTT parts: the sensors' source, the board the alarm
    states go to, and, with no broker set, the broker this process starts on loopback for the
    consoles of this machine (its address written into the data dir)."""

    def __init__(
        self,
        core: Core,
        recording: RecordingEngine | None,
        camera_sources: EventSources | None = None,
        devices: DeviceLoop | None = None,
    ) -> None:
        self._core = core
        self._recording = recording
        self._camera_sources = camera_sources
        #: the device loop for the cameras' ONVIF events and relay outputs (none: neither)
        self._devices = devices
        #: the lighting engine, beside the alarm engine on the same broker
        self.lighting: LightingEngine | None = None
        self._own: Broker | None = None
        self.address: BrokerAddress | None = None
        self.engine: AlarmEngine | None = None
        #: start and stop may come from different workers (the console quits while starting)
        self._life = threading.Lock()
        self._stopped = False

    @property
    def own_broker(self) -> bool:
        """Whether this process runs the broker (no mqtt.broker set): sensors at the sites
        need a broker set to reach it."""
        return self._own is not None

    def start(self) -> AlarmEngine | None:
        """Start the broker (if none is set), the sources and the engine. Blocks for the
        broker's start (a second or so): a worker in the console. After `stop`, nothing."""
        with self._life:
            if self._stopped or self.engine is not None:
                return self.engine
            return self._start()

    def _start(self) -> AlarmEngine | None:
        core = self._core
        setting = core.settings.get_text(MQTT_BROKER)
        if setting:
            address = parse_broker(setting)
        else:
            self._own = Broker("127.0.0.1")
            self._own.start()
            address = BrokerAddress(self._own.host, self._own.port)
            write_broker_file(core.data_dir, address, os.getpid())
        self.address = address
        try:
            login = broker_login(address) if setting else None
            instance = core.alarms.instance()
            recording = self._recording
            camera_sources = self._camera_sources
            subscriptions = None
            relays = None
            if self._devices is not None:
                logins = core.cameras.login_reader()
                if camera_sources is None:
                    onvif = OnvifEventSources(logins, self._devices)
                    camera_sources, subscriptions = onvif, onvif.subscriptions
                relays = OnvifRelays(logins, self._devices)
            lighting = core.lighting
            self.engine = engine = AlarmEngine(
                core.alarms,
                core.cameras,
                core.clock,
                sources=[MqttSensorSource(address, core.clock, login, f"utkik-sensors-{instance}")],
                camera_sources=camera_sources,
                subscriptions=subscriptions,
                board=MqttAlarmBoard(
                    address, instance, login, f"utkik-engine-{instance}", engine=True
                ),
                trigger=recording.trigger if recording is not None else None,
                recording_status=recording.status if recording is not None else None,
                on_raised=lambda outcomes: boost_for(outcomes, lighting),
            )
            engine.start()
            if recording is not None:
                # `prepare` returns the report of the start: segments left open mean the
                # recorder was interrupted (a crash, a power cut) and has now restarted.
                report = recording.prepare()
                if report.repaired or report.dropped:
                    engine.deliver(restart_event(core.clock.now(), report.repaired, report.dropped))
            # Lighting runs beside alarms: the same broker, its problems become alarms.
            self.lighting = LightingEngine(
                lighting,
                MqttLightingBus(address, login, f"utkik-lighting-{instance}"),
                core.clock,
                on_problem=lambda problem: engine.deliver(problem_event(problem, core.clock.now())),
                relays=relays,
            )
            self.lighting.start()
        except BaseException:
            self._stop_broker()
            raise
        return self.engine

    def stop(self, timeout: float = 10.0) -> None:
        with self._life:
            self._stopped = True
            try:
                if self.lighting is not None:
                    self.lighting.stop()
                    self.lighting = None
                if self.engine is not None:
                    self.engine.stop(timeout)
                    self.engine = None
            finally:
                self._stop_broker()

    def _stop_broker(self) -> None:
        if self._own is not None:
            remove_broker_file(self._core.data_dir, os.getpid())
            self._own.stop()
            self._own = None


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    data_dir = args.data_dir or default_data_dir()
    try:
        core = Core.open(
            data_dir,
            keys=access_log.key_store(args.key_dir),
            witnesses=access_log.witnesses(data_dir, args.witness_file),
            secrets=secrets.secret_store(),
        )
    except KnownError as err:
        print(f"utkik: {err}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    hub = MediaHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    # The cameras' ONVIF events and relay outputs (floodlights) go through this loop.
    devices = DeviceLoop("serve-devices").start()
    try:
        engine = recording_engine(
            core, hub, PROGRAM_SERVE, segment_s=args.segment_seconds, on_status=_printer(out)
        )
        try:
            report = engine.start()
        except KnownError as err:
            print(f"utkik: {err}", file=sys.stderr)
            return 1
        try:
            if report.repaired or report.dropped or report.missing or report.orphans:
                print(
                    f"repaired after an interruption: {report.repaired} segments closed, "
                    f"{report.dropped} empty ones removed, {report.missing} missing, "
                    f"{report.orphans} stray files removed",
                    file=out,
                    flush=True,
                )
            print(f"recording to {core.recordings.root} (stop with Ctrl-C)", file=out, flush=True)
            alarms = Alarms(core, engine, devices=devices)
            try:
                alarms.start()
                assert alarms.address is not None
                where = alarms.address.url
                if alarms.own_broker:
                    where += (
                        " (started here on loopback; sensors at the sites need mqtt.broker set)"
                    )
                print(f"alarms: MQTT broker {where}", file=out, flush=True)
            except KnownError as err:
                print(f"utkik: alarms do not run: {err}", file=sys.stderr, flush=True)
            try:
                while not stop.wait(0.5):
                    pass
            finally:
                alarms.stop()
        finally:
            engine.stop()
    finally:
        hub.close()
        devices.stop()
        core.close()
    print("stopped", file=out, flush=True)
    return 0


def _printer(out: TextIO) -> Callable[[EngineStatus], None]:
    """One line per change of what the engine does (from the engine's threads)."""
    lock = threading.Lock()
    seen: dict[int, str] = {}
    disk = [DiskLevel.OK]

    def show(status: EngineStatus) -> None:
        with lock:
            lines = []
            if status.disk.level != disk[0]:
                disk[0] = status.disk.level
                text = status.disk.message.format(**status.disk.params) or "disk ok"
                lines.append(f"disk: {text}")
            for camera_id, recorder in sorted(status.cameras.items()):
                state = f"{recorder.state.value} {recorder.reason}".strip()
                if seen.get(camera_id) != state:
                    seen[camera_id] = state
                    lines.append(f"camera {camera_id}: {state}")
            for line in lines:
                print(line, file=out, flush=True)

    return show
