"""Recording benchmarks: the CPU of recording a simulated site (P4) and seeking in a 24 h archive,
each beside a reference measured in the same run on the same machine.

    .venv/bin/python benchmarks/bench_recording.py [--cameras N] [--seconds S] [--quick]

P4 CPU   A simulated site of N cameras (default 50, 1920×1080 main streams) runs in a child process
         of its own (as benchmarks/bench_simulator.py runs it), so its CPU is not counted. The
         recorder is another child: a data dir in a temp dir with the site's cameras (logins in
         an in-memory secret store), a MediaHub over camera_opener and the engine `utkik serve`
         composes (ui/serve.py `recording_engine`, 10 s segments), recording every main stream.
         After every recorder is RECORDING and a warm-up, the recorder process's CPU (user +
         system, /proc/<pid>/stat, every thread) over a window, in % of one core per stream,
         and scaled to a 4 Mb/s stream by the bit rate actually written. Target: ≤ 2 % of one
         core per 4 Mb/s stream. Reference: one `ffmpeg -rtsp_transport tcp -i URL -c copy -f
         segment` per stream writing 10 s fragmented MP4 segments (the engine's movflags), CPU
         summed over the ffmpeg processes over the same length of window.
         Loss: recorded seconds in the index against the window's wall time, packets the
         recorders dropped (StreamRecorder.dropped), the segments' durations, and the frames in
         the segments against their duration at the clip's 25 fps.
seek     A 24 h archive of one camera synthesized as the engine lays it out: a cached simulator
         clip looped and remuxed (never decoded) into 8640 segments of 10 s by the project's
         own Mp4SegmentFormat writer, each indexed through RecordingService.open_segment /
         close_segment. Then, for 200 random instants: find the segment in the index
         (`RecordingService.segments(camera, t, t + 1 s)`), open it with PyAV, seek to the
         keyframe at or before the instant, demux the first packet, and decode it (reported
         apart). Reference, interleaved with it: the same open, seek and first packet (and
         frame) in one plain (not fragmented) MP4 file of one segment's length made from the
         same clip, no index. No target in BENCHMARKS.md: the figures and ratio are reported.

The table goes to stdout, the numbers to benchmarks/results/recording.json; exit 1 if a target is
missed (P4 CPU per 4 Mb/s stream, or a stream not recorded whole).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import av

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_simulator import (
    SiteProcess,
    authenticated,
    cpu_seconds,
    process_status,
    site_options,
)

from console.app import Core
from console.camera_facts import DeviceFacts, StreamProfile
from console.domain import Actor
from console.media.hub import MediaHub, Subscription
from console.media.packets import Consumer, Profile, StreamInfo, StreamKey
from console.recording.archive import segment_path
from console.recording.engine import RecorderState, StreamRecorder
from devices.media.ingest import camera_opener
from devices.media.recorder import Mp4SegmentFormat
from devices.simulator.clips import clip_for
from devices.simulator.site import SimulatedSite, SiteOptions, random_credentials
from ui.serve import recording_engine

RESULTS = Path(__file__).resolve().parent / "results" / "recording.json"
#: The site's own default (SimulatedSite with cache_dir=None), shared with `utkik simulate`.
CLIP_CACHE = Path.home() / ".cache" / "utkik" / "clips"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: P4: % of one core per recorded 4 Mb/s stream.
P4_LIMIT_PERCENT = 2.0
P4_BITRATE = 4e6
P4_STREAMS = 50
#: A stream counts as recorded whole when the index covers this share of the window, no packet
#: was dropped, and the segments hold 25 frames per recorded second within the 5 % that
#: bench_simulator.py allows the site's own rate (it sends about 24.9 fps).
COVERAGE_MIN = 0.99
FRAMES_MIN = 0.95
#: The engine's movflags (devices/media/recorder.py), for the ffmpeg reference.
MOVFLAGS = "frag_keyframe+empty_moov+default_base_moof"
CLI = Actor.os_account("root")
#: A comparison, not what Utkik does: a segment's empty `moov` tells PyAV nothing about timing,
#: so by default avformat_find_stream_info reads up to 5 MB / 5 s of it before av.open returns.
SHORT_PROBING = {"analyzeduration": "0", "probesize": "32"}
#: The archive's camera: the index needs no camera row, only its id.
ARCHIVE_CAMERA = 1


class MemorySecrets:
    """Camera logins in memory: the recorder process needs no keyring."""

    def __init__(self) -> None:
        self.logins: dict[str, tuple[str, str]] = {}

    def store(self, ref: str, user: str, password: str) -> None:
        self.logins[ref] = (user, password)

    def load(self, ref: str) -> tuple[str, str] | None:
        return self.logins.get(ref)

    def delete(self, ref: str) -> None:
        self.logins.pop(ref, None)

    def describe(self) -> str:
        return "memory"


class WatchedHub(MediaHub):
    """The real hub, remembering who subscribed, so the benchmark can read each recorder's
    counters (dropped packets, bytes written) without reaching into the engine."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consumers: dict[StreamKey, Consumer] = {}

    def subscribe(self, key: StreamKey, consumer: Consumer) -> Subscription:
        self.consumers[key] = consumer
        return super().subscribe(key, consumer)

    def recorders(self) -> list[StreamRecorder]:
        return [c for c in list(self.consumers.values()) if isinstance(c, StreamRecorder)]


# -- P4: the recorder, in a process of its own ---------------------------------------------------


def _recorder_main(
    conn: Connection,
    cameras: list[dict[str, Any]],
    size: tuple[int, int],
    data_dir: str,
    segment_s: float,
) -> None:
    """The child: adds the site's cameras to a fresh data dir, records them all with the engine
    of `utkik serve`, and answers the parent's questions until told to stop."""
    core = Core.open(Path(data_dir), secrets=MemorySecrets(), sealer=False)
    places = core.sites.places()
    for index, camera in enumerate(cameras):
        facts = DeviceFacts(
            host=camera["address"],
            port=camera["port"],
            xaddr=camera["device_service"],
            main=StreamProfile("main", camera["main_url"], *size),
        )
        place = places[index % len(places)]
        core.cameras.add(CLI, facts, place, camera["name"], camera["user"], camera["password"])
    hub = WatchedHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    engine = recording_engine(core, hub, "bench_recording", segment_s=segment_s)
    began = time.monotonic()
    engine.start()
    try:
        while True:
            message = conn.recv()
            op = message["op"]
            if op == "states":
                states = [s.state.value for s in engine.status().cameras.values()]
                conn.send({"states": states, "since_start_s": time.monotonic() - began})
            elif op == "mark":
                recorders = hub.recorders()
                conn.send(
                    {
                        "now": datetime.now(UTC).isoformat(),
                        "written": sum(r.written for r in recorders),
                        "dropped": sum(r.dropped for r in recorders),
                        "recorders": len(recorders),
                    }
                )
            elif op == "threads":
                conn.send({str(t.native_id): t.name for t in threading.enumerate()})
            elif op == "stop":
                recorders = hub.recorders()
                dropped = {r.key.camera_id: r.dropped for r in recorders}
                engine.stop()
                hub.close()
                conn.send(
                    _recorded(
                        core,
                        datetime.fromisoformat(message["start"]),
                        datetime.fromisoformat(message["end"]),
                        dropped,
                    )
                )
                return
    finally:
        with contextlib.suppress(Exception):  # already stopped
            engine.stop()
        hub.close()
        core.close()


def _recorded(
    core: Core, start: datetime, end: datetime, dropped: dict[int, int]
) -> dict[str, Any]:
    """What the index and the segment files say about each camera over [start, end)."""
    fmt = Mp4SegmentFormat()
    window = (end - start).total_seconds()
    cameras = []
    for camera in core.cameras.list(CLI):
        ranges = core.recordings.ranges(camera.id, start, end)
        covered = sum((b - a).total_seconds() for a, b in ranges)
        found = core.recordings.segments(camera.id, start, end)
        durations = [(s.end - s.start).total_seconds() for s in found]
        seconds = sum(durations)
        frames = sum(fmt.scan(core.recordings.root / s.path).packets for s in found)
        all_segments = core.recordings.segments(
            camera.id, start - timedelta(days=1), end + timedelta(days=1)
        )
        cameras.append(
            {
                "camera_id": camera.id,
                "coverage": covered / window if window else 0.0,
                "ranges": len(ranges),
                "dropped": dropped.get(camera.id, 0),
                "segments_in_window": len(found),
                "segment_s": durations,
                "frames_share": frames / (seconds * 25) if seconds else 0.0,
                "segments_total": len(all_segments),
                "bytes_total": sum(s.bytes for s in all_segments),
            }
        )
    return {"window_s": window, "cameras": cameras}


class Recorder:
    """The recording engine in a child process; `pid` is what to measure."""

    def __init__(
        self,
        site: SiteProcess,
        size: tuple[int, int],
        data_dir: Path,
        segment_s: float,
    ) -> None:
        cameras = [
            {
                "name": c.name,
                "address": c.address,
                "port": site.options.onvif_port,
                "device_service": c.device_service,
                "main_url": c.main_url,
                "user": c.user,
                "password": c.password,
            }
            for c in site.endpoints
        ]
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_recorder_main,
            args=(child, cameras, size, str(data_dir), segment_s),
            name="recorder",
        )
        self._process.start()
        child.close()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def ask(self, op: str, timeout: float = 60, **fields: Any) -> Any:
        self._conn.send({"op": op, **fields})
        if not self._conn.poll(timeout):
            raise SystemExit(f"the recorder process did not answer {op!r} within {timeout:.0f} s")
        return self._conn.recv()

    def wait_recording(self, cameras: int, timeout: float) -> float:
        """Seconds from the engine's start until every camera's recorder is RECORDING."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.ask("states")
            states = answer["states"]
            recording = sum(1 for s in states if s == RecorderState.RECORDING.value)
            if recording == cameras:
                return float(answer["since_start_s"])
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"only {recording} of {cameras} recorders were recording after"
                    f" {timeout:.0f} s: {sorted(states)}"
                )
            time.sleep(0.5)

    def close(self) -> None:
        self._process.join(60)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(10)
        self._conn.close()


def thread_times(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of every thread of process `pid`."""
    out: dict[int, float] = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            out[int(tid)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return out


def part_of(name: str) -> str:
    """Which part of the recorder process a Python thread is."""
    if name.startswith("recorder-"):
        return "recorders (timeline, mux, write)"
    if name.startswith("media-") and name != "media-hub":
        return "hub readers (RTSP demux, queueing)"
    if name in ("MainThread", "recording-engine", "media-hub"):
        return "engine and hub ticks"
    return "other (database, access log)"


def utkik_window(
    site: SiteProcess,
    size: tuple[int, int],
    workdir: Path,
    segment_s: float,
    warm_up: float,
    seconds: float,
) -> dict[str, Any]:
    cameras = len(site.endpoints)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="utkik-record-") as scratch:
        recorder = Recorder(site, size, Path(scratch) / "data", segment_s)
        try:
            ready_s = recorder.wait_recording(cameras, timeout=120)
            time.sleep(warm_up)
            names = recorder.ask("threads")
            first = recorder.ask("mark")
            threads_before = thread_times(recorder.pid)
            cpu_before = cpu_seconds(recorder.pid)
            began = time.monotonic()
            time.sleep(seconds)
            cpu_after = cpu_seconds(recorder.pid)
            wall = time.monotonic() - began
            threads_after = thread_times(recorder.pid)
            last = recorder.ask("mark")
            status = process_status(recorder.pid)
            recorded = recorder.ask("stop", timeout=300, start=first["now"], end=last["now"])
        finally:
            recorder.close()
    parts: dict[str, float] = {}
    for tid, spent in threads_after.items():
        part = part_of(names.get(str(tid), ""))
        parts[part] = parts.get(part, 0.0) + spent - threads_before.get(tid, 0.0)
    percent = 100 * (cpu_after - cpu_before) / wall
    bits = 8 * (last["written"] - first["written"]) / wall / cameras
    rows = recorded["cameras"]
    full_segments = [d for row in rows for d in row["segment_s"][1:-1]]
    return {
        "streams": cameras,
        "recorders": last["recorders"],
        "ready_s": ready_s,
        "wall_s": wall,
        "cpu_s": cpu_after - cpu_before,
        "percent_of_one_core": percent,
        "percent_per_stream": percent / cameras,
        "parts_percent": {k: 100 * v / wall for k, v in sorted(parts.items())},
        "mbit_per_s_per_stream": bits / 1e6,
        "dropped_in_window": last["dropped"] - first["dropped"],
        "dropped_total": sum(row["dropped"] for row in rows),
        "coverage_min": min(row["coverage"] for row in rows),
        "coverage_mean": statistics.fmean(row["coverage"] for row in rows),
        "gaps": sum(max(0, row["ranges"] - 1) for row in rows),
        "frames_share_min": min(row["frames_share"] for row in rows),
        "whole_segment_s": {"min": min(full_segments), "max": max(full_segments)}
        if full_segments
        else None,
        "process": status,
        "cameras": rows,
    }


def ffmpeg_window(
    site: SiteProcess, workdir: Path, segment_s: float, warm_up: float, seconds: float
) -> dict[str, Any]:
    """The reference: one ffmpeg per stream copying RTSP into 10 s fragmented MP4 segments."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is not installed")
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(dir=workdir, prefix="ffmpeg-record-") as scratch:
        folders = []
        try:
            for index, camera in enumerate(site.endpoints):
                folder = Path(scratch) / str(index)
                folder.mkdir()
                folders.append(folder)
                command = [
                    ffmpeg,
                    "-nostdin",
                    "-loglevel",
                    "error",
                    "-rtsp_transport",
                    "tcp",
                    "-i",
                    authenticated(camera.main_url, camera),
                    "-map",
                    "0:v:0",
                    "-c",
                    "copy",
                    "-f",
                    "segment",
                    "-segment_time",
                    str(segment_s),
                    "-segment_format",
                    "mp4",
                    "-segment_format_options",
                    f"movflags={MOVFLAGS}",
                    "-reset_timestamps",
                    "1",
                    str(folder / "%05d.mp4"),
                ]
                processes.append(
                    subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                )
            _wait_writing(folders, processes, timeout=60)
            time.sleep(warm_up)
            bytes_before = _folder_bytes(folders)
            cpu_before = sum(cpu_seconds(p.pid) for p in processes)
            began = time.monotonic()
            time.sleep(seconds)
            cpu_after = sum(cpu_seconds(p.pid) for p in processes)
            wall = time.monotonic() - began
            bytes_after = _folder_bytes(folders)
            dead = [p for p in processes if p.poll() is not None]
            if dead:
                error = dead[0].stderr.read().decode(errors="replace") if dead[0].stderr else ""
                raise SystemExit(f"{len(dead)} reference ffmpeg processes stopped: {error[-300:]}")
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    grew = [b - a for a, b in zip(bytes_before, bytes_after, strict=True)]
    percent = 100 * (cpu_after - cpu_before) / wall
    return {
        "streams": len(processes),
        "wall_s": wall,
        "cpu_s": cpu_after - cpu_before,
        "percent_of_one_core": percent,
        "percent_per_stream": percent / len(processes),
        # Whole fragments reach the file once a GOP ends: a file's size lags by up to one GOP.
        "mbit_per_s_per_stream": 8 * sum(grew) / wall / len(processes) / 1e6,
        "streams_writing": sum(1 for g in grew if g > 0),
    }


def _folder_bytes(folders: Sequence[Path]) -> list[int]:
    sizes = []
    for folder in folders:
        total = 0
        for path in folder.iterdir():
            with contextlib.suppress(OSError):  # a segment ffmpeg is renaming or closing
                total += path.stat().st_size
        sizes.append(total)
    return sizes


def _wait_writing(
    folders: Sequence[Path], processes: Sequence[subprocess.Popen[bytes]], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(size > 0 for size in _folder_bytes(folders)):
            return
        if any(p.poll() is not None for p in processes):
            break
        time.sleep(0.5)
    raise SystemExit("the reference ffmpeg processes did not all start writing segments")


def clip_bitrate(clip: Path) -> float:
    """Bits per second of the clip's video packets (what the site sends, without MPEG-TS)."""
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        octets = sum(p.size for p in container.demux(stream) if p.size)
        frames = stream.frames or 0
        rate = float(stream.average_rate or 25)
    seconds = frames / rate if frames else 4.0
    return 8 * octets / seconds


def bench_p4(
    cameras: int,
    size: tuple[int, int],
    seconds: float,
    warm_up: float,
    segment_s: float,
    repeat: int,
    workdir: Path,
    cache_dir: Path,
) -> dict[str, Any]:
    block = random.randrange(1, 255)
    user, password = random_credentials()
    options = dataclasses.replace(
        site_options(block, cameras, user, password), main_size=size, sub_size=(160, 90)
    )
    result: dict[str, Any] = {
        "cameras": cameras,
        "main_size": list(size),
        "segment_s": segment_s,
        "addresses": f"127.33.{block}.2 and up",
    }
    rounds = []
    with SiteProcess(options, cache_dir) as site:
        began, returned = site.start(timeout=3600)
        result["site_start_s"] = returned - began
        print(f"P4: {cameras} cameras of {size[0]}×{size[1]} started", flush=True)
        site_cpu_before = cpu_seconds(site.pid)
        site_wall_before = time.monotonic()
        for number in range(1, repeat + 1):
            utkik = utkik_window(site, size, workdir, segment_s, warm_up, seconds)
            print(
                f"P4 round {number}: Utkik {utkik['percent_per_stream']:.2f} % of a core per"
                f" stream at {utkik['mbit_per_s_per_stream']:.2f} Mb/s, dropped"
                f" {utkik['dropped_total']}, coverage ≥ {100 * utkik['coverage_min']:.1f} %",
                flush=True,
            )
            reference = ffmpeg_window(site, workdir, segment_s, warm_up, seconds)
            print(
                f"P4 round {number}: ffmpeg {reference['percent_per_stream']:.2f} % of a core"
                f" per stream, {reference['streams_writing']} of {reference['streams']} writing",
                flush=True,
            )
            rounds.append({"utkik": utkik, "reference": reference})
        result["site_percent_of_one_core_overall"] = (
            100 * (cpu_seconds(site.pid) - site_cpu_before) / (time.monotonic() - site_wall_before)
        )
        site.stop()
        names = [c.name for c in site.endpoints]
    clips = [clip_for(n, *size, options.fps, options.clip_seconds, cache_dir) for n in names]
    result["clip_mbit_per_s"] = statistics.fmean(clip_bitrate(c) for c in clips[:5]) / 1e6
    result["rounds"] = rounds
    utkik_percent = statistics.median(r["utkik"]["percent_per_stream"] for r in rounds)
    reference_percent = statistics.median(r["reference"]["percent_per_stream"] for r in rounds)
    mbit = statistics.median(r["utkik"]["mbit_per_s_per_stream"] for r in rounds)
    result["median"] = {
        "utkik_percent_per_stream": utkik_percent,
        "reference_percent_per_stream": reference_percent,
        "mbit_per_s_per_stream": mbit,
        "utkik_percent_per_4mbit": utkik_percent * P4_BITRATE / (mbit * 1e6),
        "reference_percent_per_4mbit": reference_percent * P4_BITRATE / (mbit * 1e6),
    }
    result["whole"] = all(
        r["utkik"]["dropped_total"] == 0
        and r["utkik"]["coverage_min"] >= COVERAGE_MIN
        and r["utkik"]["frames_share_min"] >= FRAMES_MIN
        and r["utkik"]["recorders"] == cameras
        for r in rounds
    )
    return result


# -- seek in a 24 h archive ---------------------------------------------------------------------


def clip_packets(clip: Path) -> tuple[StreamInfo, list[tuple[bytes, bool]]]:
    """The clip's stream parameters and its packets (data, keyframe) in decoding order."""
    with av.open(str(clip)) as container:
        video = container.streams.video[0]
        codec = video.codec_context
        rate = video.average_rate or video.guessed_rate
        info = StreamInfo(
            codec=codec.name,
            width=codec.width,
            height=codec.height,
            time_base=video.time_base or Fraction(1, 90_000),
            extradata=bytes(codec.extradata or b""),
            fps=float(rate) if rate else None,
        )
        packets = [(bytes(p), p.is_keyframe) for p in container.demux(video) if p.size]
    return info, packets


def synthesize_archive(
    core: Core, clip: Path, hours: float, segment_s: float, end: datetime
) -> dict[str, Any]:
    """`hours` of one camera ending at `end`: the clip looped, remuxed into segments of
    `segment_s` with timestamps running on, each indexed as the engine indexes it."""
    info, packets = clip_packets(clip)
    fps = info.fps or 25.0
    per_segment = round(segment_s * fps)
    frame_ticks = round(90_000 / fps)
    count = round(hours * 3600 / segment_s)
    start = end - timedelta(seconds=count * segment_s)
    fmt = Mp4SegmentFormat()
    service = core.recordings
    began = time.perf_counter()
    written = 0
    index_s = 0.0
    for number in range(count):
        first = number * per_segment
        if not packets[first % len(packets)][1]:
            raise SystemExit("a segment of the looped clip would not begin at a keyframe")
        moment = start + timedelta(seconds=number * segment_s)
        path = segment_path(ARCHIVE_CAMERA, Profile.MAIN, moment)
        mark = time.perf_counter()
        segment_id = service.open_segment(ARCHIVE_CAMERA, Profile.MAIN, moment, path)
        index_s += time.perf_counter() - mark
        writer = fmt.create(service.root / path, info)
        for offset in range(per_segment):
            data, keyframe = packets[(first + offset) % len(packets)]
            ticks = offset * frame_ticks
            writer.write(data, ticks, ticks, keyframe)
        size = writer.close()
        written += size
        mark = time.perf_counter()
        service.close_segment(segment_id, moment + timedelta(seconds=segment_s), size)
        index_s += time.perf_counter() - mark
        if number and number % 1000 == 0:
            elapsed = time.perf_counter() - began
            print(f"seek: {number} of {count} segments written ({elapsed:.0f} s)", flush=True)
    return {
        "segments": count,
        "hours": hours,
        "start": start,
        "end": end,
        "bytes": written,
        "write_s": time.perf_counter() - began,
        "index_s": index_s,
        "size": [info.width, info.height],
        "mbit_per_s": 8 * written / (count * segment_s) / 1e6,
    }


def plain_mp4(clip: Path, seconds: float, target: Path) -> None:
    """The reference file: the clip looped to `seconds`, stream-copied into a plain MP4 (one
    `moov` with the whole sample table, moved to the front)."""
    ffmpeg = shutil.which("ffmpeg") or "ffmpeg"
    command = [
        ffmpeg,
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-stream_loop",
        "-1",
        "-i",
        str(clip),
        "-t",
        str(seconds),
        "-map",
        "0:v:0",
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        str(target),
    ]
    subprocess.run(command, check=True, capture_output=True)


def open_seek_read(
    path: Path, offset_s: float, decode: bool, options: dict[str, str] | None = None
) -> dict[str, float]:
    """Open `path` (PyAV's default probing unless `options`), seek to the keyframe at or before
    `offset_s`, demux the first packet (and, if `decode`, decode it to a frame). Times in
    seconds from the call; where it landed."""
    began = time.perf_counter()
    with av.open(str(path), options=options or {}) as container:
        opened = time.perf_counter()
        stream = container.streams.video[0]
        stream.codec_context.thread_count = 1  # one frame in, one out: no frame-thread delay
        time_base = stream.time_base or Fraction(1, 90_000)
        start = stream.start_time or 0
        container.seek(
            start + int(offset_s / time_base), stream=stream, backward=True, any_frame=False
        )
        packets = container.demux(stream)
        packet = next(p for p in packets if p.size)
        first_packet = time.perf_counter()
        landed = float(((packet.pts or 0) - start) * time_base)
        keyframe = packet.is_keyframe
        frame_at = math.nan
        if decode:
            frames = stream.codec_context.decode(packet)
            while not frames:
                frames = stream.codec_context.decode(next(p for p in packets if p.size))
            frame_at = time.perf_counter() - began
    return {
        "open_s": opened - began,
        "packet_s": first_packet - began,
        "frame_s": frame_at,
        "landed_s": landed,
        "keyframe": float(keyframe),
    }


def seek_archive(
    core: Core, moment: datetime, decode: bool, options: dict[str, str] | None = None
) -> dict[str, float]:
    """A seek as playback does it: the index first, then the segment's file."""
    began = time.perf_counter()
    found = core.recordings.segments(ARCHIVE_CAMERA, moment, moment + timedelta(seconds=1))
    if not found:
        raise SystemExit(f"no segment in the index holds {moment.isoformat()}")
    segment = next((s for s in found if s.start <= moment < s.end), found[0])
    looked_up = time.perf_counter() - began
    offset = max(0.0, (moment - segment.start).total_seconds())
    read = open_seek_read(core.recordings.root / segment.path, offset, decode, options)
    return {
        "lookup_s": looked_up,
        "open_s": looked_up + read["open_s"],
        "packet_s": looked_up + read["packet_s"],
        "frame_s": looked_up + read["frame_s"],
        "miss_s": offset - read["landed_s"],
        "keyframe": read["keyframe"],
    }


def percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


def bench_seek(
    hours: float,
    size: tuple[int, int],
    seeks: int,
    segment_s: float,
    workdir: Path,
    cache_dir: Path,
    keep: bool,
) -> dict[str, Any]:
    name = SimulatedSite(SiteOptions(cameras=1, sensors=False)).configs[0].name
    options = SiteOptions()
    clip = clip_for(name, *size, options.fps, options.clip_seconds, cache_dir)
    scratch = Path(tempfile.mkdtemp(dir=workdir, prefix="utkik-archive-"))
    try:
        core = Core.open(scratch / "data", secrets=MemorySecrets(), sealer=False)
        try:
            end = datetime.now(UTC).replace(microsecond=0)
            archive = synthesize_archive(core, clip, hours, segment_s, end)
            print(
                f"seek: {archive['segments']} segments ({archive['bytes'] / 1e9:.2f} GB) written"
                f" and indexed in {archive['write_s']:.0f} s",
                flush=True,
            )
            reference_file = scratch / "plain.mp4"
            plain_mp4(clip, segment_s, reference_file)
            rng = random.Random(20260329)
            span = (archive["end"] - archive["start"]).total_seconds()
            # Not counted: the first PyAV open and SQLite query of the process.
            for _ in range(5):
                seek_archive(core, archive["start"] + timedelta(seconds=span / 2), True)
                open_seek_read(reference_file, segment_s / 2, True)
            utkik: list[dict[str, float]] = []
            short: list[dict[str, float]] = []
            reference: list[dict[str, float]] = []
            for _ in range(seeks):
                moment = archive["start"] + timedelta(
                    seconds=rng.uniform(0, span - 1), microseconds=0
                )
                utkik.append(seek_archive(core, moment, True))
                short.append(seek_archive(core, moment, True, SHORT_PROBING))
                offset = rng.uniform(0, segment_s - 0.04)
                read = open_seek_read(reference_file, offset, True)
                reference.append({**read, "miss_s": offset - read["landed_s"]})
        finally:
            core.close()
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)
    gop_s = 1.0  # the simulator's clips: a keyframe every fps frames

    def landed_ok(samples: Sequence[dict[str, float]]) -> bool:
        return all(s["keyframe"] and -0.001 <= s["miss_s"] < gop_s + 0.001 for s in samples)

    return {
        "camera_clip": name,
        "archive": {
            **{k: v for k, v in archive.items() if k not in ("start", "end")},
            "kept_in": str(scratch) if keep else None,
        },
        "seeks": seeks,
        "utkik": {
            key: percentiles([s[key] for s in utkik])
            for key in ("lookup_s", "open_s", "packet_s", "frame_s", "miss_s")
        },
        "short_probing": {
            key: percentiles([s[key] for s in short])
            for key in ("lookup_s", "open_s", "packet_s", "frame_s", "miss_s")
        },
        "reference": {
            key: percentiles([s[key] for s in reference])
            for key in ("open_s", "packet_s", "frame_s", "miss_s")
        },
        "landed_on_keyframe_before": landed_ok(utkik) and landed_ok(short) and landed_ok(reference),
    }


# -- report -------------------------------------------------------------------------------------


def targets(p4: dict[str, Any] | None, seek: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if p4 is not None:
        median = p4["median"]
        rows.append(
            {
                "id": "P4-cpu",
                "what": "recording CPU per 4 Mb/s stream",
                "unit": "%",
                "project": median["utkik_percent_per_4mbit"],
                "reference": median["reference_percent_per_4mbit"],
                "limit": f"≤ {P4_LIMIT_PERCENT:.0f} %",
                "pass": median["utkik_percent_per_4mbit"] <= P4_LIMIT_PERCENT,
            }
        )
        rows.append(
            {
                "id": "P4-cpu-measured",
                "what": f"… as measured, per {median['mbit_per_s_per_stream']:.2f} Mb/s stream",
                "unit": "%",
                "project": median["utkik_percent_per_stream"],
                "reference": median["reference_percent_per_stream"],
                "limit": "",
                "pass": None,
            }
        )
        enough = p4["cameras"] >= P4_STREAMS
        rows.append(
            {
                "id": "P4-streams",
                "what": f"{p4['cameras']} streams recorded whole",
                "unit": "",
                "project": float(p4["cameras"]) if p4["whole"] else 0.0,
                "reference": math.nan,
                "limit": f"≥ {P4_STREAMS}",
                # A quick run with fewer cameras checks that they were whole, not the target.
                "pass": p4["whole"] if enough else (False if not p4["whole"] else None),
            }
        )
    if seek is not None:
        for key, what in (("packet_s", "first packet"), ("frame_s", "first frame")):
            for stat in ("p50", "p95"):
                rows.append(
                    {
                        "id": f"seek-{key}-{stat}",
                        "what": f"seek in {seek['archive']['hours']:g} h, to {what}, {stat}",
                        "unit": "ms",
                        "project": 1000 * seek["utkik"][key][stat],
                        "reference": 1000 * seek["reference"][key][stat],
                        "limit": "",
                        "pass": None if seek["landed_on_keyframe_before"] else False,
                    }
                )
    for row in rows:
        reference = row["reference"]
        row["ratio"] = (
            row["project"] / reference if reference and not math.isnan(reference) else math.nan
        )
    return rows


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    header = f"{'figure':<44} {'Utkik':>9} {'reference':>10} {'ratio':>6} {'limit':>7}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        unit = row["unit"]
        verdict = {True: "pass", False: "FAIL", None: "-"}[row["pass"]]
        reference = "" if math.isnan(row["reference"]) else f"{row['reference']:>7.2f}{unit:>3}"
        ratio = "" if math.isnan(row["ratio"]) else f"{row['ratio']:.2f}"
        print(
            f"{row['what']:<44} {row['project']:>6.2f}{unit:>3} {reference:>10} {ratio:>6}"
            f" {row['limit']:>7}  {verdict}"
        )
    print("CPU in % of one core; reference: ffmpeg stream copy to fMP4 segments, one per stream;")
    print(
        "seek reference: the same open, seek and read in one plain MP4 (no index, not fragmented)"
    )


def print_details(p4: dict[str, Any] | None, seek: dict[str, Any] | None) -> None:
    if p4 is not None:
        size = "×".join(map(str, p4["main_size"]))
        print(
            f"\nP4: {p4['cameras']} cameras, {size}, clips {p4['clip_mbit_per_s']:.2f} Mb/s;"
            f" site (other process) {p4['site_percent_of_one_core_overall']:.0f} % of one core"
        )
        for number, r in enumerate(p4["rounds"], 1):
            u, f = r["utkik"], r["reference"]
            segments = u["whole_segment_s"]
            span = f"{segments['min']:.2f}–{segments['max']:.2f} s" if segments else "none whole"
            print(
                f"  round {number}: Utkik {u['percent_of_one_core']:.1f} % of one core for"
                f" {u['streams']} streams ({u['mbit_per_s_per_stream']:.2f} Mb/s each), ffmpeg"
                f" {f['percent_of_one_core']:.1f} % ({f['mbit_per_s_per_stream']:.2f} Mb/s each)"
            )
            print(
                f"    recorders {u['recorders']}, all recording {u['ready_s']:.1f} s after start;"
                f" dropped {u['dropped_total']} packets; index covers ≥"
                f" {100 * u['coverage_min']:.2f} % of the {u['wall_s']:.0f} s window"
                f" ({u['gaps']} gaps); frames ≥ {25 * u['frames_share_min']:.2f} per recorded s;"
                f" whole segments {span}"
            )
            parts = ", ".join(f"{k} {v:.1f} %" for k, v in u["parts_percent"].items())
            print(f"    by thread: {parts}")
            print(
                f"    recorder process: {u['process']['threads']} threads,"
                f" peak {u['process']['peak_rss_mb']:.0f} MB resident"
            )
    if seek is not None:
        archive = seek["archive"]
        print(
            f"\nseek: {archive['segments']} segments of {'×'.join(map(str, archive['size']))}"
            f" ({archive['mbit_per_s']:.2f} Mb/s, {archive['bytes'] / 1e9:.2f} GB) written in"
            f" {archive['write_s']:.0f} s, of which {archive['index_s']:.0f} s indexing;"
            f" {seek['seeks']} seeks"
        )
        print(f"{'ms':<28} {'p50':>7} {'p95':>7} {'max':>7}")
        for label, part, key in (
            ("Utkik index lookup", "utkik", "lookup_s"),
            ("Utkik + open", "utkik", "open_s"),
            ("Utkik + seek, first packet", "utkik", "packet_s"),
            ("Utkik + first frame", "utkik", "frame_s"),
            ("short probing: + open", "short_probing", "open_s"),
            ("short probing: first frame", "short_probing", "frame_s"),
            ("reference open", "reference", "open_s"),
            ("reference first packet", "reference", "packet_s"),
            ("reference first frame", "reference", "frame_s"),
        ):
            p = seek[part][key]
            print(
                f"{label:<28} {1000 * p['p50']:>7.2f} {1000 * p['p95']:>7.2f}"
                f" {1000 * p['max']:>7.2f}"
            )
        landed = "yes" if seek["landed_on_keyframe_before"] else "NO"
        print(f"every seek landed on the keyframe at or before the instant: {landed}")


def wait_for_quiet(limit: float, poll_s: float, longest_s: float) -> list[float]:
    """Waits until the 1-minute load average is below `limit` (or `longest_s` passed)."""
    seen = []
    deadline = time.monotonic() + longest_s
    while True:
        load = os.getloadavg()[0]
        seen.append(load)
        if load < limit or time.monotonic() >= deadline:
            return seen
        print(f"load average {load:.2f}: waiting for < {limit}", flush=True)
        time.sleep(poll_s)


def _finite(value: Any) -> Any:
    """NaN (no reference, no ratio) as JSON null."""
    return None if isinstance(value, float) and math.isnan(value) else value


def size_arg(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=P4_STREAMS, help="cameras recorded")
    parser.add_argument("--seconds", type=float, default=30.0, help="P4 window length")
    parser.add_argument("--warm-up", type=float, default=5.0, help="before each P4 window")
    parser.add_argument("--main-size", type=size_arg, default=(1920, 1080), help="WxH")
    parser.add_argument("--segment-seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=1, help="P4 rounds (median kept)")
    parser.add_argument("--archive-hours", type=float, default=24.0)
    parser.add_argument(
        "--archive-size", type=size_arg, default=(640, 360), help="clip of the archive, WxH"
    )
    parser.add_argument("--seeks", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="6 cameras, 10 s, a 1 h archive")
    parser.add_argument("--skip-p4", action="store_true")
    parser.add_argument("--skip-seek", action="store_true")
    parser.add_argument("--keep-archive", action="store_true", help="leave the archive in place")
    parser.add_argument("--wait-quiet", action="store_true", help="wait for load average < 1")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--cache-dir", type=Path, default=CLIP_CACHE, help="clip cache")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.cameras, args.seconds, args.archive_hours, args.seeks = 6, 10.0, 1.0, 50
    if args.cameras > 253:
        parser.error("at most 253 cameras: one loopback address each in 127.33.<block>.0/24")

    loads = wait_for_quiet(1.0, 30, 600) if args.wait_quiet else [os.getloadavg()[0]]
    started = time.perf_counter()
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyav": av.__version__,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    p4 = None
    if not args.skip_p4:
        p4 = bench_p4(
            args.cameras,
            args.main_size,
            args.seconds,
            args.warm_up,
            args.segment_seconds,
            args.repeat,
            args.workdir,
            args.cache_dir,
        )
    seek = None
    if not args.skip_seek:
        seek = bench_seek(
            args.archive_hours,
            args.archive_size,
            args.seeks,
            args.segment_seconds,
            args.workdir,
            args.cache_dir,
            args.keep_archive,
        )
    rows = targets(p4, seek)
    run_s = time.perf_counter() - started
    print()
    print_table(rows)
    print_details(p4, seek)
    print(
        f"\nrun time {run_s:.0f} s, {info['cpus']} cores, load average at start"
        f" {info['load_average_at_start'][0]:.2f}, at end {os.getloadavg()[0]:.2f}"
    )
    if seek is not None and seek["archive"]["kept_in"]:
        print(f"archive kept in {seek['archive']['kept_in']}")
        seek["archive"]["kept_in"] = "(kept)"  # no machine paths in the results
    results = {
        "benchmark": "recording",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": run_s,
        "machine": {**info, "load_average_at_end": os.getloadavg(), "loads_waited": loads},
        "settings": {
            "cameras": args.cameras,
            "seconds": args.seconds,
            "warm_up": args.warm_up,
            "main_size": list(args.main_size),
            "segment_seconds": args.segment_seconds,
            "repeat": args.repeat,
            "archive_hours": args.archive_hours,
            "archive_size": list(args.archive_size),
            "seeks": args.seeks,
            "movflags": MOVFLAGS,
        },
        "targets": [{k: _finite(v) for k, v in row.items()} for row in rows],
        "p4": p4,
        "seek": seek,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"numbers written to {args.output}")
    return 1 if any(row["pass"] is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
