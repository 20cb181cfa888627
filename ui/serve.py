"""`utkik serve`: the recording engine without a GUI, until stopped (Ctrl-C, SIGTERM, SIGHUP).

A composition root like ui/cli.py, and like it without Qt: a recorder machine never loads Qt.
The same engine runs inside the console on a workstation (`recording_engine`); one engine per
data dir, so a second `serve`, or a console, says who records instead of recording twice.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

from console.app import Core, default_data_dir
from console.errors import KnownError
from console.media.hub import MediaHub
from console.recording.engine import DiskLevel, EngineStatus, RecordingEngine
from console.recording.lock import EngineLock
from devices import access_log, secrets
from devices.media.ingest import camera_opener
from devices.media.recorder import Mp4SegmentFormat

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
            while not stop.wait(0.5):
                pass
        finally:
            engine.stop()
    finally:
        hub.close()
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
