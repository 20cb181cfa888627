"""Simulated-site benchmarks: start-up of 6 cameras and the CPU of 50 cameras serving, each beside
a reference measured in the same run on the same machine.

    .venv/bin/python benchmarks/bench_simulator.py [--cameras N] [--seconds S] [--no-sub]

start-up  From the call of `SimulatedSite(...).start()` (clips cached, default sizes 1920×1080
          and 640×360, sensors off) until every camera answers: ONVIF GetSystemDateAndTime over
          HTTP on each device_service, and an RTSP open with PyAV up to the first packet of each
          main stream, all cameras checked at once. Each of 3 rounds starts a fresh process, as
          `utkik simulate` or a test session does; the median is kept. Target: ≤ 5 s.
          Reference: a PyAV open up to the first packet of a main stream that is already
          running (another client is reading it), the floor that no simulator can go below.
serving   The CPU time (user + sys, from /proc/<pid>/stat) of the process running a 50-camera
          site while one client per main stream reads packets without decoding (PyAV demux, in
          processes of their own), divided by the wall time of the window and by the 2 cores.
          Every stream must arrive at the clip's 25 fps (±5 %), so an idle or starved server
          cannot pass. Then once more with the sub streams read too. Target: under half of the
          cores. Reference: ffmpeg doing the same copying job per stream, `ffmpeg -re
          -stream_loop -1 -i clip.ts -c copy -f rtp` to loopback, one process per stream.

The site runs in a child process of its own, on loopback addresses 127.33.<random>.2 and up and
free ports, so that neither its CPU nor its ports mix with this process or other runs.

The table goes to stdout, the numbers to benchmarks/results/simulator.json.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import http.client
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
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import av

from devices.simulator.clips import clip_for
from devices.simulator.site import (
    CameraEndpoints,
    SimulatedSite,
    SiteOptions,
    free_port,
    random_credentials,
)

RESULTS = Path(__file__).resolve().parent / "results" / "simulator.json"
#: The site's own default (SimulatedSite with cache_dir=None), shared with `utkik simulate`.
CLIP_CACHE = Path.home() / ".cache" / "utkik" / "clips"
STARTUP_LIMIT_S = 5.0
#: Of all the machine's cores: "under half of 2 cores, leaving room for the console".
CPU_LIMIT = 0.5
#: A stream counts as served when it arrives within 5 % of the clip's frame rate.
RATE_TOLERANCE = 0.05
#: Short probing, as the tests open the simulator's streams: the SDP already says what it is.
PYAV_OPTIONS = {
    "rtsp_transport": "tcp",
    "analyzeduration": "0",
    "probesize": "32",
    "timeout": "5000000",
}
#: Streams per client process: few enough that a client process keeps up at 25 fps each.
STREAMS_PER_CLIENT = 25
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SOAP_CLOCK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>'
    b'<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'
    b"</env:Body></env:Envelope>"
)


# -- the site, in a process of its own ----------------------------------------------------------


def _serve_site(conn: Connection, options: SiteOptions, cache_dir: Path) -> None:
    """The child: starts and stops the site when told, and says when (time.monotonic is
    system-wide on Linux, so the parent can compare its own times with these)."""
    site = SimulatedSite(options, cache_dir=cache_dir)
    try:
        while True:
            command = conn.recv()
            if command == "start":
                began = time.monotonic()
                try:
                    site.start()
                except Exception as error:  # noqa: BLE001 - handed to the parent as text
                    conn.send(("failed", f"{type(error).__name__}: {error}"))
                    continue
                conn.send(("started", began, time.monotonic()))
            elif command == "stop":
                site.stop()
                conn.send(("stopped",))
            else:
                return
    finally:
        site.stop()


class SiteProcess:
    """A SimulatedSite in a child process; `pid` is what to measure."""

    def __init__(self, options: SiteOptions, cache_dir: Path) -> None:
        self.options = options
        self.cache_dir = cache_dir
        self.endpoints = SimulatedSite(options, cache_dir=cache_dir).endpoints()
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve_site, args=(child, options, cache_dir), name="simulated-site"
        )
        self._process.start()
        child.close()

    @property
    def pid(self) -> int:
        assert self._process.pid is not None
        return self._process.pid

    def start(self, timeout: float) -> tuple[float, float]:
        """Starts the site; returns the monotonic times of the start() call and its return."""
        self._conn.send("start")
        if not self._conn.poll(timeout):
            raise SystemExit(f"the simulated site did not start within {timeout:.0f} s")
        answer = self._conn.recv()
        if answer[0] != "started":
            raise SystemExit(f"the simulated site did not start: {answer[1]}")
        return answer[1], answer[2]

    def stop(self) -> None:
        self._conn.send("stop")
        if not self._conn.poll(60):
            raise SystemExit("the simulated site did not stop within 60 s")
        self._conn.recv()

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError):  # the child is gone already
                self._conn.send("quit")
            self._process.join(30)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(10)
        self._conn.close()

    def __enter__(self) -> SiteProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def site_options(block: int, cameras: int, user: str, password: str) -> SiteOptions:
    addresses = [f"127.33.{block}.{2 + i}" for i in range(cameras)]
    return SiteOptions(
        cameras=cameras,
        addresses=addresses,
        onvif_port=free_port(addresses),
        rtsp_port=free_port(addresses),
        sensors=False,
        user=user,
        password=password,
    )


def authenticated(url: str, camera: CameraEndpoints) -> str:
    return url.replace("rtsp://", f"rtsp://{camera.user}:{camera.password}@", 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of every thread of process `pid` so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def process_status(pid: int) -> dict[str, float]:
    """Threads and peak resident memory of process `pid`."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {
        "threads": int(status["Threads"]),
        "peak_rss_mb": int(status["VmHWM"].split()[0]) / 1024,
    }


# -- start-up -----------------------------------------------------------------------------------


def onvif_clock(device_service: str) -> None:
    """GetSystemDateAndTime, the one call a camera answers without a login."""
    url = urlsplit(device_service)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        connection.request(
            "POST",
            url.path,
            SOAP_CLOCK,
            {"Content-Type": "application/soap+xml; charset=utf-8"},
        )
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200 or b"GetSystemDateAndTimeResponse" not in body:
        raise SystemExit(f"{device_service} answered {response.status}: {body[:200]!r}")


def open_to_first_packet(url: str) -> Any:
    """Opens an RTSP stream with PyAV and reads up to its first packet; returns the container."""
    container = av.open(url, options=PYAV_OPTIONS, timeout=10)
    try:
        for packet in container.demux(container.streams.video[0]):
            if packet.size:
                return container
        raise SystemExit(f"{url} ended before its first packet")
    except BaseException:
        container.close()
        raise


def _read_until(container: Any, stop: threading.Event) -> None:
    for _ in container.demux(container.streams.video[0]):
        if stop.is_set():
            return


def startup_round(cameras: int, block: int, cache_dir: Path, warm_up: bool) -> dict[str, Any]:
    """One start in a fresh process: times of start() and of each camera's first answers, then
    the reference, a PyAV open of the first main stream while another client reads it."""
    user, password = random_credentials()
    options = site_options(block, cameras, user, password)
    with SiteProcess(options, cache_dir) as site:
        began, returned = site.start(timeout=3600 if warm_up else 60)
        if warm_up:
            site.stop()
            return {"start_returned_s": returned - began}
        endpoints = site.endpoints
        onvif: list[float] = []
        rtsp: list[float] = []
        containers: dict[str, Any] = {}  # camera name -> its open main stream

        def check_onvif(camera: CameraEndpoints) -> None:
            onvif_clock(camera.device_service)
            onvif.append(time.monotonic() - began)

        def check_rtsp(camera: CameraEndpoints) -> None:
            containers[camera.name] = open_to_first_packet(authenticated(camera.main_url, camera))
            rtsp.append(time.monotonic() - began)

        # Every check at once, as a console that starts with the site would ask.
        with ThreadPoolExecutor(max_workers=2 * cameras) as pool:
            jobs = [pool.submit(check_onvif, camera) for camera in endpoints]
            jobs += [pool.submit(check_rtsp, camera) for camera in endpoints]
            for job in jobs:
                job.result()
        answered = time.monotonic() - began
        first = endpoints[0]
        running = containers.pop(first.name)
        for container in containers.values():
            container.close()
        # The reference: a second viewer of the first camera's main stream, which keeps running
        # for its first viewer (a shared media is torn down when its last viewer leaves).
        stop = threading.Event()
        reader = threading.Thread(target=_read_until, args=(running, stop), daemon=True)
        reader.start()
        time.sleep(0.5)
        opened = time.monotonic()
        open_to_first_packet(authenticated(first.main_url, first)).close()
        warm_open = time.monotonic() - opened
        stop.set()
        reader.join(10)
        running.close()
        site.stop()
    return {
        "start_returned_s": returned - began,
        "onvif_answered_s": sorted(onvif),
        "rtsp_first_packet_s": sorted(rtsp),
        "all_answered_s": answered,
        "warm_open_s": warm_open,
    }


def bench_startup(cameras: int, repeat: int, block: int, cache_dir: Path) -> dict[str, Any]:
    warm = startup_round(cameras, block, cache_dir, warm_up=True)
    rounds = [startup_round(cameras, block, cache_dir, warm_up=False) for _ in range(repeat)]

    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in rounds))

    return {
        "cameras": cameras,
        "warm_up_start_s": warm["start_returned_s"],
        "rounds": rounds,
        "median_s": {
            "start_returned": median("start_returned_s"),
            "onvif_all": statistics.median(max(r["onvif_answered_s"]) for r in rounds),
            "rtsp_all": statistics.median(max(r["rtsp_first_packet_s"]) for r in rounds),
            "all_answered": median("all_answered_s"),
            "warm_open": median("warm_open_s"),
        },
    }


# -- serving ------------------------------------------------------------------------------------


def _read_streams(
    urls: Sequence[str],
    first: int,
    packets: Any,
    octets: Any,
    failures: Any,
    stop: Any,
) -> None:
    """A client process: one thread per stream, each counting packets without decoding."""

    def read(index: int, url: str) -> None:
        try:
            container = av.open(url, options=PYAV_OPTIONS, timeout=10)
            try:
                for packet in container.demux(container.streams.video[0]):
                    if packet.size:  # one writer per slot: no lock needed
                        packets[index] += 1
                        octets[index] += packet.size
                    if stop.is_set():
                        return
            finally:
                container.close()
        except Exception as error:  # noqa: BLE001 - handed to the parent as text
            failures.put(f"{url}: {type(error).__name__}: {error}")
            return
        if not stop.is_set():
            failures.put(f"{url}: the stream ended")

    threads = [
        threading.Thread(target=read, args=(first + i, url), daemon=True)
        for i, url in enumerate(urls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Clients:
    """Processes reading `urls` with PyAV, counting packets and bytes per stream."""

    def __init__(self, urls: Sequence[str]) -> None:
        context = multiprocessing.get_context("spawn")
        self.urls = list(urls)
        self.packets = context.Array(ctypes.c_longlong, len(urls), lock=False)
        self.octets = context.Array(ctypes.c_longlong, len(urls), lock=False)
        self.failures = context.Queue()
        self._stop = context.Event()
        self.processes = []
        for first in range(0, len(urls), STREAMS_PER_CLIENT):
            chunk = self.urls[first : first + STREAMS_PER_CLIENT]
            process = context.Process(
                target=_read_streams,
                args=(chunk, first, self.packets, self.octets, self.failures, self._stop),
                name="stream-clients",
            )
            process.start()
            self.processes.append(process)

    def wait_flowing(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check()
            if all(self.packets[i] > 0 for i in range(len(self.urls))):
                return
            time.sleep(0.1)
        idle = [u for i, u in enumerate(self.urls) if self.packets[i] == 0]
        raise SystemExit(f"{len(idle)} streams sent nothing within {timeout:.0f} s: {idle[:3]}")

    def check(self) -> None:
        if not self.failures.empty():
            raise SystemExit(f"a client failed: {self.failures.get()}")

    def snapshot(self) -> tuple[list[int], list[int], float]:
        cpu = sum(cpu_seconds(p.pid) for p in self.processes if p.pid is not None)
        count = len(self.urls)
        return self.packets[:count], self.octets[:count], cpu

    def close(self) -> None:
        self._stop.set()
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.terminate()
                process.join(5)


def measure_window(
    site_pid: int, clients: Sequence[Clients], seconds: float, fps: int
) -> dict[str, Any]:
    """The site's CPU and every stream's packet rate over one window of `seconds`."""
    before = [c.snapshot() for c in clients]
    cpu_before = cpu_seconds(site_pid)
    began = time.monotonic()
    time.sleep(seconds)
    cpu_after = cpu_seconds(site_pid)
    wall = time.monotonic() - began
    after = [c.snapshot() for c in clients]
    for each in clients:
        each.check()
    rates: list[float] = []
    octets = 0
    client_cpu = 0.0
    for (p0, o0, c0), (p1, o1, c1) in zip(before, after, strict=True):
        rates += [(b - a) / wall for a, b in zip(p0, p1, strict=True)]
        octets += sum(o1) - sum(o0)
        client_cpu += c1 - c0
    low, high = fps * (1 - RATE_TOLERANCE), fps * (1 + RATE_TOLERANCE)
    cores = os.cpu_count() or 1
    return {
        "wall_s": wall,
        "streams": len(rates),
        "server_cpu_s": cpu_after - cpu_before,
        "server_share_of_cores": (cpu_after - cpu_before) / wall / cores,
        "server_percent_of_one_core": 100 * (cpu_after - cpu_before) / wall,
        "client_cpu_s": client_cpu,
        "client_share_of_cores": client_cpu / wall / cores,
        "fps": {"min": min(rates), "mean": statistics.fmean(rates), "max": max(rates)}
        if rates
        else None,
        "mbit_per_s": 8 * octets / wall / 1e6,
        "rates_ok": all(low <= rate <= high for rate in rates),
    }


def ffmpeg_reference(clips: Sequence[Path], seconds: float, settle: float) -> dict[str, Any]:
    """The reference: one `ffmpeg -re -c copy -f rtp` per stream, sent to loopback ports where
    nobody listens (UDP: the kernel drops it), CPU of all of them over a window."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is not installed")
    processes: list[subprocess.Popen[bytes]] = []
    base = 40000 + 2 * random.randrange(5000)  # RTP on even ports, RTCP on the odd above
    try:
        for i, clip in enumerate(clips):
            command = [
                ffmpeg,
                "-nostdin",
                "-loglevel",
                "error",
                "-re",
                "-stream_loop",
                "-1",
                "-i",
                str(clip),
                "-c",
                "copy",
                "-f",
                "rtp",
                f"rtp://127.0.0.1:{base + 2 * i}",
            ]
            processes.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            )
        time.sleep(settle)
        before = sum(cpu_seconds(p.pid) for p in processes)
        began = time.monotonic()
        time.sleep(seconds)
        after = sum(cpu_seconds(p.pid) for p in processes)
        wall = time.monotonic() - began
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
    cores = os.cpu_count() or 1
    return {
        "streams": len(clips),
        "wall_s": wall,
        "cpu_s": after - before,
        "share_of_cores": (after - before) / wall / cores,
        "percent_of_one_core": 100 * (after - before) / wall,
    }


def bench_serving(
    cameras: int, seconds: float, block: int, cache_dir: Path, sub: bool
) -> dict[str, Any]:
    user, password = random_credentials()
    options = site_options(block, cameras, user, password)
    settle = 3.0
    cached_before = set(cache_dir.glob("clip-*.ts")) if cache_dir.is_dir() else set()
    result: dict[str, Any] = {"cameras": cameras}
    with SiteProcess(options, cache_dir) as site:
        began, returned = site.start(timeout=3600)
        encoded = len(set(cache_dir.glob("clip-*.ts")) - cached_before)
        result["start_s"] = returned - began
        result["clips_encoded_at_start"] = encoded
        print(f"serving: {cameras} cameras started in {returned - began:.1f} s", end="")
        print(f" ({encoded} clips encoded first)" if encoded else " (clips cached)", flush=True)
        endpoints = site.endpoints
        # Once without clients: what the site costs while nobody watches.
        result["idle"] = measure_window(site.pid, [], min(seconds, 10.0), options.fps)
        opened: list[Clients] = []
        try:
            mains = Clients([authenticated(c.main_url, c) for c in endpoints])
            opened.append(mains)
            mains.wait_flowing(60)
            time.sleep(settle)
            result["main"] = measure_window(site.pid, opened, seconds, options.fps)
            print(f"serving: {_window_text(result['main'])}", flush=True)
            if sub:
                subs = Clients([authenticated(c.sub_url or "", c) for c in endpoints])
                opened.append(subs)
                subs.wait_flowing(60)
                time.sleep(settle)
                result["main_and_sub"] = measure_window(site.pid, opened, seconds, options.fps)
                print(f"serving: {_window_text(result['main_and_sub'])}", flush=True)
            result["site_process"] = process_status(site.pid)
        finally:
            for clients in opened:
                clients.close()
        site.stop()

    site_for_clips = SimulatedSite(options, cache_dir=cache_dir)
    names = [config.name for config in site_for_clips.configs]

    def clips(size: tuple[int, int]) -> list[Path]:
        return [
            clip_for(name, *size, options.fps, options.clip_seconds, cache_dir) for name in names
        ]

    main_clips = clips(options.main_size)
    result["reference_main"] = ffmpeg_reference(main_clips, seconds, settle)
    if sub:
        both = main_clips + clips(options.sub_size)
        result["reference_main_and_sub"] = ffmpeg_reference(both, seconds, settle)
    return result


def _window_text(window: dict[str, Any]) -> str:
    fps = window["fps"]
    return (
        f"{window['streams']} streams, site {window['server_percent_of_one_core']:.1f} % of a"
        f" core, {fps['min']:.1f}–{fps['max']:.1f} fps each, {window['mbit_per_s']:.0f} Mb/s"
    )


# -- report -------------------------------------------------------------------------------------


def targets(startup: dict[str, Any] | None, serving: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The table's rows. The limit applies to the project's figure; the ratio to the reference
    is there to show what part of the figure is the simulator's own."""
    rows: list[dict[str, Any]] = []
    if startup is not None:
        median = startup["median_s"]
        rows.append(
            {
                "id": "start-up",
                "what": f"start-up, {startup['cameras']} cameras answering (median)",
                "reference_what": "PyAV open of a running stream",
                "unit": "s",
                "project": median["all_answered"],
                "reference": median["warm_open"],
                "limit": STARTUP_LIMIT_S,
                "pass": median["all_answered"] <= STARTUP_LIMIT_S,
            }
        )
    if serving is not None:
        cameras = serving["cameras"]
        for key, ref, what in (
            ("main", "reference_main", f"site CPU, {cameras} main streams read"),
            ("main_and_sub", "reference_main_and_sub", f"site CPU, {cameras} main + sub read"),
        ):
            if key not in serving:
                continue
            window = serving[key]
            share = window["server_share_of_cores"]
            rows.append(
                {
                    "id": f"cpu-{key}",
                    "what": what,
                    "reference_what": f"{serving[ref]['streams']} × ffmpeg -re -c copy -f rtp",
                    "unit": "%",
                    "project": 100 * share,
                    "reference": 100 * serving[ref]["share_of_cores"],
                    "limit": 100 * CPU_LIMIT,
                    "rates_ok": window["rates_ok"],
                    "pass": share < CPU_LIMIT and window["rates_ok"],
                }
            )
    for row in rows:
        row["ratio"] = row["project"] / row["reference"] if row["reference"] else math.inf
    return rows


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    header = f"{'target':<44} {'project':>9} {'reference':>10} {'ratio':>6} {'limit':>8}  result"
    print(header)
    print("-" * len(header))
    for row in rows:
        unit = row["unit"]
        verdict = "pass" if row["pass"] else "FAIL"
        if not row.get("rates_ok", True):
            verdict += " (a stream not at 25 fps)"
        limit = f"{'≤' if unit == 's' else '<'} {row['limit']:.0f}{unit}"
        print(
            f"{row['what']:<44} {row['project']:>7.2f}{unit:>2} {row['reference']:>8.2f}{unit:>2}"
            f" {row['ratio']:>6.1f} {limit:>8}  {verdict}"
        )
    print("CPU in % of all cores together; the limit applies to the project's figure.")


def print_details(startup: dict[str, Any] | None, serving: dict[str, Any] | None) -> None:
    if startup is not None:
        median = startup["median_s"]
        print(
            f"\nstart-up, median of {len(startup['rounds'])} fresh processes:"
            f" start() returned {median['start_returned']:.2f} s, every ONVIF clock answered"
            f" {median['onvif_all']:.2f} s, every main stream's first packet"
            f" {median['rtsp_all']:.2f} s; reference open {median['warm_open']:.3f} s"
        )
        for number, r in enumerate(startup["rounds"], 1):
            print(
                f"  round {number}: start() {r['start_returned_s']:.2f} s, first packets"
                f" {', '.join(f'{t:.2f}' for t in r['rtsp_first_packet_s'])} s,"
                f" reference {r['warm_open_s']:.3f} s"
            )
    if serving is not None:
        idle = serving["idle"]
        process = serving["site_process"]
        print(
            f"\nserving, {serving['cameras']} cameras: idle site"
            f" {idle['server_percent_of_one_core']:.1f} % of one core; site process"
            f" {process['threads']} threads, peak {process['peak_rss_mb']:.0f} MB resident"
        )
        print(
            f"{'window':<14} {'streams':>7} {'site %core':>10} {'ffmpeg %core':>12}"
            f" {'clients %core':>13} {'fps min/mean/max':>18} {'Mb/s':>6}"
        )
        for key, ref in (("main", "reference_main"), ("main_and_sub", "reference_main_and_sub")):
            if key not in serving:
                continue
            w = serving[key]
            fps = w["fps"]
            client = 100 * w["client_cpu_s"] / w["wall_s"]
            print(
                f"{key:<14} {w['streams']:>7} {w['server_percent_of_one_core']:>10.1f}"
                f" {serving[ref]['percent_of_one_core']:>12.1f} {client:>13.1f}"
                f" {fps['min']:>6.1f}/{fps['mean']:.1f}/{fps['max']:.1f} {w['mbit_per_s']:>6.0f}"
            )


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyav": av.__version__,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=50, help="cameras of the serving site")
    parser.add_argument("--seconds", type=float, default=25.0, help="serving window length")
    parser.add_argument("--startup-cameras", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3, help="start-up rounds (median kept)")
    parser.add_argument("--no-sub", action="store_true", help="skip reading the sub streams")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--skip-serving", action="store_true")
    parser.add_argument("--cache-dir", type=Path, default=CLIP_CACHE, help="clip cache")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if max(args.cameras, args.startup_cameras) > 253:
        parser.error("at most 253 cameras: one loopback address each in 127.33.<block>.0/24")

    started = time.perf_counter()
    load = machine()
    block = random.randrange(1, 255)
    startup = None
    if not args.skip_startup:
        startup = bench_startup(args.startup_cameras, args.repeat, block, args.cache_dir)
    serving = None
    if not args.skip_serving:
        serving = bench_serving(args.cameras, args.seconds, block, args.cache_dir, not args.no_sub)
    rows = targets(startup, serving)
    run_s = time.perf_counter() - started
    print()
    print_table(rows)
    print_details(startup, serving)
    print(f"\nrun time {run_s:.0f} s, load average at start {load['load_average_at_start'][0]:.2f}")

    results = {
        "benchmark": "simulator",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": run_s,
        "machine": {**load, "load_average_at_end": os.getloadavg()},
        "settings": {
            "cameras": args.cameras,
            "seconds": args.seconds,
            "startup_cameras": args.startup_cameras,
            "repeat": args.repeat,
            "sub": not args.no_sub,
            "addresses": f"127.33.{block}.2 and up",
            "pyav_options": PYAV_OPTIONS,
            "site": _site_settings(),
        },
        "targets": rows,
        "startup": startup,
        "serving": serving,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"numbers written to {args.output}")
    return 0 if all(row["pass"] for row in rows) else 1


def _site_settings() -> dict[str, Any]:
    defaults = replace(SiteOptions(), addresses=())
    return {
        "main_size": defaults.main_size,
        "sub_size": defaults.sub_size,
        "fps": defaults.fps,
        "clip_seconds": defaults.clip_seconds,
        "sensors": False,
        "rtsp_auth": defaults.rtsp_auth,
    }


if __name__ == "__main__":
    sys.exit(main())
