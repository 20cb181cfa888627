"""Live-view benchmarks (P1, P2, P8, P9): the media hub, PyAV ingest and libvlc tiles showing a
simulated site under Xvfb, each figure beside a reference measured in the same run.

    .venv/bin/python benchmarks/bench_live_view.py [--quick] [--seconds S] [--repeat N]

The parts, each in a process of its own: Xvfb (started here, 1920×1080), the simulated site
(devices/simulator/site.py, as benchmarks/bench_simulator.py runs it), and the viewer: a PySide6
window on Xvfb (QT_QPA_PLATFORM=xcb) with the real MediaHub (console/media/hub.py), PyAvSource
(devices/media/ingest.py) and one LiveView (devices/media/vlc_feed.py) per tile, drawing into
the tile's native window. The viewer's consumer does what ui/wiring/video.py's HubStream does:
the player starts on the GUI thread, packets are fed from the hub's reader thread. CPU is the
user + system time of the viewer's process (/proc/<pid>/stat, every thread) over a window, in %
of one core.

P1 CPU     4, 9, 16 and 25 tiles of a grid (1920×1080 split evenly), small tiles on sub streams
           as the grid does, on a site of 1920×1080 main / 640×360 sub cameras and one of
           1280×720 main / 720×576 (D1) sub cameras, against two references of the same run on
           the same streams: libvlc's decode path (no window, --vout=vdummy) ≤ 1.3× ffmpeg
           -threads 1 decoding the same live RTSP sub streams in real time to null (one process
           a stream); the grid drawn through Xvfb (viewer + Xvfb) ≤ 0.5× one mpv a tile (MPV_ARGS,
           each window at its tile's size and place) + Xvfb, up to 16 tiles. Shown beside them:
           raw decode (`ffmpeg -threads 1 -f null` of the same clips as fast as it goes), the
           CPU by part, and each --lever measured beside the defaults.
P2 loss    12 tiles forced to 1080p30 main streams in a 4×4 grid, in libvlc's decode path
           (--vout=vdummy, no window: what the target is about) and drawn through Xvfb
           (reported apart: it adds software scaling a GPU does not pay). Loss is libvlc's lost
           pictures plus frames the feed dropped before libvlc, of all frames; and, as a check,
           the pictures shown against the frames the stream carried over the same span (counters
           read right after libvlc refreshed them, ~1 s apart). Limit < 0.5 %.
P8 warm    A tile opened on a stream another subscriber keeps open in the hub (its GOP cache):
           from the call of `subscribe` to LiveView's first_frame. Limit 0.3 s.
P8 cold    A tile on a stream nobody has open, same span. Reference, same run, other cameras:
           a bare PyAV RTSP open up to the first packet (the ingest's options) plus one GOP
           (the keyframe interval, read from the same stream). Limit 1.2× reference.
P9 grid    From opening 16 tiles at once (a fresh hub: every stream cold) to the last tile's
           first_frame. Limit 2× the median cold time to first frame above.

Overload  (--overload, run alone) N tiles on 1080p30 main streams through ui/wiring/video.py's
           HubVideoBackend/HubStream and its OverloadGovernor (ui/overload.py: keyframes only
           on libvlc's lost pictures, back after quiet_s) in libvlc's decode path: streams
           degraded over time, shown rate, lost pictures, frozen tiles, CPU; to
           benchmarks/results/live_view_overload.json, no limit asserted.

Memory    (--memory, run alone) the overload run's set-up at --memory-tiles for --memory-seconds:
           the viewer's RSS per player every minute and the most a player's feed held.

Medians over --repeat rounds, interleaved. The table goes to stdout, the numbers to
benchmarks/results/live_view.json; exit 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import multiprocessing
import os
import platform
import random
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import av

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_simulator import (
    SiteProcess,
    authenticated,
    cpu_seconds,
    site_options,
)

from devices.simulator.clips import clip_for
from devices.simulator.site import CameraEndpoints, SimulatedSite, random_credentials

RESULTS = Path(__file__).resolve().parent / "results" / "live_view.json"
CLIP_CACHE = Path.home() / ".cache" / "utkik" / "clips"
SCREEN = (1920, 1080)
#: P1, two references measured in the same run on the same streams: libvlc's decode path ≤ 1.3×
#: ffmpeg -threads 1 decoding the same live RTSP sub streams in real time; the grid drawn through
#: Xvfb (viewer plus Xvfb) ≤ 0.5× mpv's total (its processes plus Xvfb), up to 16 tiles.
P1_DECODE_LIMIT = 1.3
P1_MPV_LIMIT = 0.5
MPV_MAX_TILES = 16
SITES = {
    "1080p": ((1920, 1080), (640, 360)),
    "720p/D1": ((1280, 720), (720, 576)),
}
#: P2: frame loss up to 12 × 1080p30 main streams.
P2_LIMIT = 0.005
P2_FPS = 30
#: P8, P9.
WARM_LIMIT_S = 0.3
COLD_LIMIT = 1.2
GRID_LIMIT = 2.0
#: A tile must show its first picture within this, or the benchmark stops.
FIRST_FRAME_TIMEOUT_S = 30.0
#: After the last first picture, before a CPU window: libvlc's start (GOP burst, clock) is over.
SETTLE_S = 3.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: The ingest's options for a cold open (devices/media/ingest.py), for the reference open.
PYAV_OPTIONS = {
    "rtsp_transport": "tcp",
    "analyzeduration": "0",
    "probesize": "32",
    "timeout": "10000000",
}


# -- Xvfb ---------------------------------------------------------------------------------------


class Xvfb:
    """An X server of our own (-displayfd picks a free display number)."""

    def __init__(self, size: tuple[int, int]) -> None:
        if shutil.which("Xvfb") is None:
            raise SystemExit("Xvfb is not installed (Debian: apt-get install xvfb)")
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                f"{size[0]}x{size[1]}x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        data = b""
        deadline = time.monotonic() + 15
        try:
            while not data.endswith(b"\n"):
                ready, _, _ = select.select(
                    [read_fd], [], [], max(0.0, deadline - time.monotonic())
                )
                if not ready:
                    raise SystemExit("Xvfb did not report its display within 15 s")
                chunk = os.read(read_fd, 64)
                if not chunk:
                    raise SystemExit(f"Xvfb exited (code {self.process.poll()})")
                data += chunk
        finally:
            os.close(read_fd)
        self.display = f":{data.decode().strip()}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def aligned_picture(width: int, height: int, aspect_w: int, aspect_h: int) -> tuple[int, int]:
    """The largest picture of the stream's aspect inside a tile, its width a multiple of 16 and
    its height even: a size swscale's SIMD paths handle (the D1 sub stream letterboxed into a
    480×270 tile is 337 px wide otherwise, and costs 4-10× a 16:9 tile's scaling)."""
    w = min(width, height * aspect_w // aspect_h)
    w -= w % 16
    h = min(height, round(w * aspect_h / aspect_w))
    return w, h - h % 2


# -- the viewer, in a process of its own -------------------------------------------------------


def _viewer_main(conn: Connection, cameras: list[dict[str, str]], user: str, password: str) -> None:
    """The child: a Qt window on Xvfb, a MediaHub with PyAvSource, LiveView tiles; answers the
    parent's commands (dicts) on `conn`, handled on the GUI thread."""
    from PySide6.QtCore import QObject, QSocketNotifier, Qt, Signal
    from PySide6.QtWidgets import QApplication, QWidget

    from console.camera_login import CameraLogin, host_of
    from console.media.hub import MediaHub
    from console.media.packets import (
        Packet,
        Profile,
        Source,
        StreamInfo,
        StreamKey,
        StreamStatus,
    )
    from devices.media.ingest import PyAvSource
    from devices.media.vlc_feed import DECODER_THREADS, LiveView, VlcInstance

    app = QApplication(["live-view-benchmark"])
    window = QWidget()
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    window.setStyleSheet("background: #000")
    window.setGeometry(0, 0, *SCREEN)
    window.show()

    def open_source(key: StreamKey) -> Source:
        camera = cameras[key.camera_id]
        url = camera[key.profile.value]
        return PyAvSource.open(url, CameraLogin.bind(host_of(url), user, password))

    class Gui(QObject):
        call = Signal(object)

        def __init__(self) -> None:
            super().__init__()
            self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

        def _run(self, fn: Callable[[], None]) -> None:
            fn()

    gui = Gui()
    gui_thread = threading.get_ident()

    class Tile:
        """One tile: the hub's consumer and its player, as ui/wiring/video.py's HubStream."""

        def __init__(self, view: Any, widget: Any) -> None:
            self.view = view
            self.widget = widget
            self.times: dict[str, float] = {}
            self.started = False
            self.packets = 0
            self.state = ""
            self.subscription: Any = None

        def on_info(self, info: StreamInfo) -> None:
            self.times.setdefault("info", time.monotonic())
            if threading.get_ident() == gui_thread:
                self._start(info)
            else:
                gui.call.emit(lambda: self._start(info))

        def _start(self, info: StreamInfo) -> None:
            if self.view is not None:
                self.view.start(info)
            self.started = True
            self.times.setdefault("start", time.monotonic())

        def on_packet(self, packet: Packet) -> None:
            self.packets += 1
            if self.view is not None:
                self.view.feed(packet)
            now = time.monotonic()
            self.times.setdefault("first_packet", now)
            if packet.keyframe:
                self.times.setdefault("first_keyframe", now)

        def on_status(self, status: StreamStatus) -> None:
            self.state = status.state.value

        def first_frame(self) -> None:
            self.times.setdefault("first_frame", time.monotonic())

    class Null:
        def on_info(self, info: StreamInfo) -> None:
            pass

        def on_packet(self, packet: Packet) -> None:
            pass

        def on_status(self, status: StreamStatus) -> None:
            pass

    state: dict[str, Any] = {
        "hub": None,
        "tiles": [],
        "hub_tiles": [],
        "holds": [],
        "instances": {},
    }

    #: libvlc's and the feed's counters that start over with a new media (a restart)
    counted = ("decoded", "displayed", "lost", "fed", "dropped", "dropped_gops")

    class BenchView(LiveView):
        """The real LiveView in libvlc's decode path (no window: `attach` would reset the
        vout to "any", see docs/live-view-performance.md), counting across restarts and
        noting when it fell behind and when keyframes_only switched."""

        def __init__(self, vlc: Any, on_first_frame: Callable[[], None]) -> None:
            self.behind_times: list[float] = []
            self._behind_fn: Callable[[], None] | None = None
            self.first_frame_at: float | None = None

            def first() -> None:  # a libvlc thread
                if self.first_frame_at is None:
                    self.first_frame_at = time.monotonic()
                on_first_frame()

            super().__init__(vlc, on_first_frame=first)
            self.base = dict.fromkeys(counted, 0)
            self.switches: list[tuple[float, bool]] = []

        def attach(self, window_id: int) -> None:
            pass

        @property  # type: ignore[override]
        def on_behind(self) -> Callable[[], None] | None:
            return self._behind_fn

        @on_behind.setter
        def on_behind(self, fn: Callable[[], None] | None) -> None:
            if fn is None:
                self._behind_fn = None
                return

            def noted() -> None:
                self.behind_times.append(time.monotonic())
                fn()

            self._behind_fn = noted

        @property  # type: ignore[override]
        def keyframes_only(self) -> bool:
            return bool(LiveView.keyframes_only.fget(self))  # type: ignore[attr-defined]

        @keyframes_only.setter
        def keyframes_only(self, value: bool) -> None:
            if value != self.keyframes_only and hasattr(self, "base"):
                # The restart starts libvlc's and the feed's counters over: keep what they
                # say now (libvlc's are up to ~1 s old, so up to a second of pictures goes
                # uncounted at a switch).
                now = self.stats()
                for key in counted:
                    self.base[key] += now.get(key, 0)
                self.switches.append((time.monotonic(), value))
            LiveView.keyframes_only.fset(self, value)  # type: ignore[attr-defined]

        def totals(self) -> dict[str, Any]:
            now = self.stats()
            out: dict[str, Any] = {k: self.base[k] + now.get(k, 0) for k in counted}
            out.update(
                queued=now.get("queued", 0),
                held_bytes=now.get("held_bytes", 0),
                keyframes_only=self.keyframes_only,
                behind=len(self.behind_times),
                first_behind=self.behind_times[0] if self.behind_times else None,
                switches=list(self.switches),
                first_frame=self.first_frame_at,
            )
            return out

    def hub() -> MediaHub:
        if state["hub"] is None:
            state["hub"] = MediaHub(open_source)
        return state["hub"]

    def instance(mode: str) -> Any:
        if mode not in state["instances"]:
            began = time.monotonic()
            extra = ["--vout=vdummy"] if mode == "decode" else []
            state["instances"][mode] = VlcInstance(extra)
            state.setdefault("instance_s", {})[mode] = time.monotonic() - began
        return state["instances"][mode]

    def close_tiles() -> None:
        for stream, _view in state["hub_tiles"]:
            stream.close()
        state["hub_tiles"] = []
        for tile in state["tiles"]:
            if tile.subscription is not None:
                tile.subscription.close()
            if tile.view is not None:
                tile.view.release()
            if tile.widget is not None:
                tile.widget.deleteLater()
        state["tiles"] = []

    def handle(message: dict[str, Any]) -> Any:
        op = message["op"]
        if op == "open":
            # {"tiles": [[camera, profile], ...], "layout": n, "mode": "display" | "decode"}
            # Levers: "decoder_threads" (libavcodec's threads per player), "align" ([w, h] of
            # the stream: the native window gets the picture's aspect at a width aligned to 16
            # pixels, centred in the tile, so libvlc scales to it without letterboxing).
            mode = message["mode"]
            side = message["layout"]
            width, height = SCREEN[0] // side, SCREEN[1] // side
            vlc = instance(mode)
            threads = message.get("decoder_threads")
            prepared = []
            for index, (camera, profile) in enumerate(message["tiles"]):
                widget = None
                if mode == "display":
                    row, column = divmod(index, side)
                    widget = QWidget(window)
                    widget.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
                    x, y, w, h = column * width, row * height, width, height
                    if message.get("align"):
                        w, h = aligned_picture(width, height, *message["align"])
                        x, y = x + (width - w) // 2, y + (height - h) // 2
                    widget.setGeometry(x, y, w, h)
                    widget.show()
                tile = Tile(None, widget)
                tile.view = LiveView(
                    vlc,
                    on_first_frame=tile.first_frame,
                    decoder_threads=DECODER_THREADS if threads is None else int(threads),
                )
                if widget is not None:
                    tile.view.attach(int(widget.winId()))
                prepared.append((tile, StreamKey(camera, Profile(profile))))
            began = time.monotonic()
            for tile, key in prepared:
                tile.times["subscribe"] = time.monotonic()
                tile.subscription = hub().subscribe(key, tile)
                state["tiles"].append(tile)
            return {"began": began}
        if op == "open_hub":
            # The console's own wiring: ui/wiring/video.py's HubVideoBackend and HubStream, with its
            # OverloadGovernor (ui/overload.py) ticking on this process's Qt event loop
            # (app.exec(): the commands come in through a QSocketNotifier), players in
            # libvlc's decode path. {"tiles": [[camera, profile], ...], "quiet_s": s | None}
            import types

            from ui.wiring.video import HubVideoBackend

            vlc = instance("decode")
            views: list[BenchView] = []

            def make_player(on_first_frame: Callable[[], None]) -> BenchView:
                view = BenchView(vlc, on_first_frame)
                views.append(view)
                return view

            backend = HubVideoBackend(hub(), make_player)
            if message.get("quiet_s") is not None:
                backend.governor.quiet_s = float(message["quiet_s"])
            state["backend"] = backend
            began = time.monotonic()
            for camera, profile in message["tiles"]:
                stream = backend.open(
                    types.SimpleNamespace(id=camera),  # type: ignore[arg-type]
                    Profile(profile),
                    0,
                    keyframes_only=False,
                    on_status=lambda status: None,
                    on_first_frame=lambda: None,
                )
                state["hub_tiles"].append((stream, views[-1]))
            governor = backend.governor
            return {
                "began": began,
                "quiet_s": governor.quiet_s,
                "loss_share": governor._loss_share,
                "gap_s": governor._gap_s,
                "interval_s": governor.timer.interval() / 1000,
            }
        if op == "hub_stats":
            return {
                "t": time.monotonic(),
                "tiles": [
                    dict(view.totals(), degraded=stream.degraded)
                    for stream, view in state["hub_tiles"]
                ],
                "governor": (
                    {
                        "active": state["backend"].governor.timer.isActive(),
                        "quiet_s": state["backend"].governor.quiet_s,
                    }
                    if state.get("backend") is not None
                    else None
                ),
            }
        if op == "status":
            return [dict(t.times, state=t.state, packets=t.packets) for t in state["tiles"]]
        if op == "stats":
            return [
                dict(t.view.stats(), packets=t.packets) if t.view else {"packets": t.packets}
                for t in state["tiles"]
            ]
        if op == "streams":
            return sorted(f"{k.camera_id}/{k.profile.value}" for k in hub().open_streams())
        if op == "close":
            close_tiles()
            if message.get("hub") == "close" and state["hub"] is not None:
                for hold in state["holds"]:
                    hold.close()
                state["holds"] = []
                state["hub"].close()
                state["hub"] = None
            return True
        if op == "hold":
            key = StreamKey(message["camera"], Profile(message["profile"]))
            state["holds"].append(hub().subscribe(key, Null()))
            return True
        if op == "unhold":
            for hold in state["holds"]:
                hold.close()
            state["holds"] = []
            return True
        if op == "threads":
            return {
                "main": threading.main_thread().native_id,
                "python": {str(t.native_id): t.name for t in threading.enumerate()},
                "instance_s": state.get("instance_s", {}),
            }
        if op == "quit":
            close_tiles()
            if state["hub"] is not None:
                state["hub"].close()
            for each in state["instances"].values():
                each.release()
            app.quit()
            return True
        raise ValueError(f"unknown command {op}")

    def on_readable() -> None:
        while conn.poll():
            message = conn.recv()
            try:
                answer: Any = ("ok", handle(message))
            except Exception as error:  # noqa: BLE001 - handed to the parent as text
                answer = ("error", f"{type(error).__name__}: {error}")
            conn.send(answer)

    notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(on_readable)
    conn.send(("ok", "ready"))
    app.exec()
    notifier.setEnabled(False)


class Viewer:
    """The viewer process; `ask` sends a command and waits for its answer."""

    def __init__(self, site: SiteProcess, endpoints: Sequence[CameraEndpoints]) -> None:
        cameras = [{"main": c.main_url, "sub": c.sub_url or c.main_url} for c in endpoints]
        first = endpoints[0]
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(
            target=_viewer_main,
            args=(child, cameras, first.user, first.password),
            name="live-view-viewer",
        )
        self.process.start()
        child.close()
        self._expect(60)

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def _expect(self, timeout: float) -> Any:
        if not self._conn.poll(timeout):
            raise SystemExit(f"the viewer did not answer within {timeout:.0f} s")
        status, value = self._conn.recv()
        if status != "ok":
            raise SystemExit(f"the viewer failed: {value}")
        return value

    def ask(self, op: str, timeout: float = 60, **fields: Any) -> Any:
        self._conn.send({"op": op, **fields})
        return self._expect(timeout)

    def open(
        self, tiles: Sequence[tuple[int, str]], layout: int, mode: str, **levers: Any
    ) -> float:
        tiles_ = [list(t) for t in tiles]
        return float(self.ask("open", tiles=tiles_, layout=layout, mode=mode, **levers)["began"])

    def wait_first_frames(self, timeout: float = FIRST_FRAME_TIMEOUT_S) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            status = self.ask("status")
            if all("first_frame" in t for t in status):
                return list(status)
            if time.monotonic() > deadline:
                missing = [i for i, t in enumerate(status) if "first_frame" not in t]
                raise SystemExit(
                    f"tiles {missing} showed no picture within {timeout:.0f} s: {status}"
                )
            time.sleep(0.02)

    def close(self) -> None:
        with contextlib.suppress(SystemExit, OSError, EOFError):
            self.ask("quit", timeout=30)
        self.process.join(30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)
        self._conn.close()


# -- measuring ----------------------------------------------------------------------------------


def thread_times(pid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) and name of every thread of process `pid`."""
    out: dict[int, tuple[str, float]] = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            out[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return out


def categorize(tid: int, comm: str, known: dict[str, Any]) -> str:
    """Which part of the viewer a thread belongs to."""
    name = known["python"].get(str(tid), "")
    if tid == known["main"]:
        return "gui"
    if name.startswith("media-") and name != "media-hub":
        return "ingest"
    if name == "media-hub":
        return "hub"
    if comm.startswith("Q") or comm.startswith("gmain") or comm.startswith("gdbus"):
        return "qt"
    return "libvlc"


def cpu_window(viewer: Viewer, xvfb: Xvfb, seconds: float) -> dict[str, Any]:
    """The viewer's CPU over `seconds`, in % of one core, by part; and Xvfb's."""
    known = viewer.ask("threads")
    before = thread_times(viewer.pid)
    process_before = cpu_seconds(viewer.pid)
    x_before = cpu_seconds(xvfb.pid)
    began = time.monotonic()
    time.sleep(seconds)
    process_after = cpu_seconds(viewer.pid)
    x_after = cpu_seconds(xvfb.pid)
    after = thread_times(viewer.pid)
    wall = time.monotonic() - began
    parts: dict[str, float] = {}
    for tid, (comm, spent) in after.items():
        part = categorize(tid, comm, known)
        parts[part] = parts.get(part, 0.0) + spent - before.get(tid, (comm, 0.0))[1]
    return {
        "wall_s": wall,
        "percent": 100 * (process_after - process_before) / wall,
        "parts_percent": {k: 100 * v / wall for k, v in sorted(parts.items())},
        "xvfb_percent": 100 * (x_after - x_before) / wall,
        "threads": len(after),
    }


def raw_decode(clip: Path, clip_seconds: int) -> float:
    """CPU of `ffmpeg -threads 1 -f null` decoding `clip`, in % of one core per stream shown
    in real time: (CPU of 6 loops − CPU of 1 loop) / 5 clip lengths, so start-up drops out."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is not installed")

    def run(loops: int) -> float:
        command = [ffmpeg, "-nostdin", "-loglevel", "error", "-threads", "1"]
        command += ["-stream_loop", str(loops - 1), "-i", str(clip), "-an", "-f", "null", "-"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise SystemExit(f"ffmpeg could not decode {clip}: {error[-300:]}")
        if process.stderr:
            process.stderr.close()
        return float(usage.ru_utime + usage.ru_stime)

    long, short = run(6), run(1)
    return 100 * max(0.0, long - short) / (5 * clip_seconds)


def reference_decode(clips: Sequence[Path], clip_seconds: int) -> dict[str, Any]:
    per_stream = [raw_decode(clip, clip_seconds) for clip in clips]
    return {"streams": len(clips), "per_stream_percent": per_stream, "percent": sum(per_stream)}


def live_decode(urls: Sequence[str], seconds: float) -> dict[str, Any]:
    """Not a target's reference, for the analysis: `ffmpeg -threads 1 -f null` decoding the
    same live RTSP streams, one process per stream, paced by the cameras; CPU over a window."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is not installed")
    head = [ffmpeg, "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-threads", "1"]
    processes = [
        subprocess.Popen(
            [*head, "-i", url, "-an", "-f", "null", "-"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for url in urls
    ]
    try:
        time.sleep(SETTLE_S)
        before = sum(cpu_seconds(p.pid) for p in processes)
        began = time.monotonic()
        time.sleep(seconds)
        after = sum(cpu_seconds(p.pid) for p in processes)
        wall = time.monotonic() - began
        if any(p.poll() is not None for p in processes):
            raise SystemExit("a live ffmpeg decode stopped")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return {"streams": len(urls), "percent": 100 * (after - before) / wall}


#: mpv as the issue measured it by hand: Debian's mpv, software decoding and X11 output, no
#: audio, RTSP over TCP, one borderless window per tile at the tile's place and size.
MPV_ARGS = (
    "--no-config",
    "--vo=x11",
    "--hwdec=no",
    "--profile=low-latency",
    "--no-audio",
    "--rtsp-transport=tcp",
    "--no-border",
)


def _mpv_property(path: str, name: str) -> float | None:
    """A property of a running mpv, through its JSON IPC socket; None when it does not say."""
    import socket

    with contextlib.suppress(OSError, ValueError), socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(2.0)
        sock.connect(path)
        sock.sendall(json.dumps({"command": ["get_property", name], "request_id": 1}).encode())
        sock.sendall(b"\n")
        data = b""
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            for line in data.split(b"\n"):
                with contextlib.suppress(ValueError):
                    reply = json.loads(line)
                    if isinstance(reply, dict) and reply.get("request_id") == 1:
                        value = reply.get("data")
                        return float(value) if isinstance(value, int | float) else None
    return None


MPV_COUNTERS = ("frame-drop-count", "decoder-frame-drop-count", "vo-delayed-frame-count")


def mpv_grid(urls: Sequence[str], layout: int, seconds: float, xvfb: Xvfb) -> dict[str, Any]:
    """The peer P1 compares the drawn grid with: one mpv per tile (MPV_ARGS), placed as the
    grid, under the same Xvfb; CPU of the mpv processes and of Xvfb over a window, and the
    frames mpv dropped in it (mpv's own counters, through its IPC socket)."""
    mpv = shutil.which("mpv")
    if mpv is None:
        raise SystemExit("mpv is not installed (Debian: apt-get install mpv; setup.sh --dev)")
    width, height = SCREEN[0] // layout, SCREEN[1] // layout
    sockets = tempfile.mkdtemp(prefix="mpv-")
    processes = []
    try:
        for index, url in enumerate(urls):
            row, column = divmod(index, layout)
            geometry = f"{width}x{height}+{column * width}+{row * height}"
            command = [mpv, *MPV_ARGS, f"--geometry={geometry}"]
            command += [f"--input-ipc-server={sockets}/{index}", url]
            processes.append(
                subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
        time.sleep(SETTLE_S + 1.0)  # RTSP open, first keyframe, the window

        def counters() -> list[dict[str, float | None]]:
            return [
                {name: _mpv_property(f"{sockets}/{i}", name) for name in MPV_COUNTERS}
                for i in range(len(urls))
            ]

        counted_before = counters()
        before = sum(cpu_seconds(p.pid) for p in processes)
        x_before = cpu_seconds(xvfb.pid)
        began = time.monotonic()
        time.sleep(seconds)
        after = sum(cpu_seconds(p.pid) for p in processes)
        x_after = cpu_seconds(xvfb.pid)
        wall = time.monotonic() - began
        counted_after = counters()
        if any(p.poll() is not None for p in processes):
            raise SystemExit("an mpv stopped")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(sockets, ignore_errors=True)
    dropped = 0
    unknown = 0
    for a, b in zip(counted_before, counted_after, strict=True):
        for name in MPV_COUNTERS:
            if a[name] is None or b[name] is None:
                unknown += 1
            else:
                dropped += int(b[name] - a[name])  # type: ignore[operator]
    return {
        "streams": len(urls),
        "percent": 100 * (after - before) / wall,
        "xvfb_percent": 100 * (x_after - x_before) / wall,
        "dropped": dropped,
        "counters_unknown": unknown,
    }


def fresh_stats(viewer: Viewer, timeout: float = 2.5) -> list[dict[str, Any]]:
    """Every tile's counters right after libvlc refreshed them (about once a second): polls
    until each tile's `displayed` changes and keeps that sample, with the time it was read."""
    first = viewer.ask("stats")
    fresh: list[dict[str, Any] | None] = [None] * len(first)
    deadline = time.monotonic() + timeout
    while any(f is None for f in fresh) and time.monotonic() < deadline:
        time.sleep(0.01)
        asked = time.monotonic()
        sample = viewer.ask("stats")
        for i, (old, new) in enumerate(zip(first, sample, strict=True)):
            if fresh[i] is None and new.get("displayed") != old.get("displayed"):
                fresh[i] = dict(new, t=asked)
    stale = [i for i, f in enumerate(fresh) if f is None]
    if stale:
        raise SystemExit(f"libvlc's counters of tiles {stale} did not move in {timeout} s")
    return [f for f in fresh if f is not None]


@contextlib.contextmanager
def site_running(
    name: str, main: tuple[int, int], sub: tuple[int, int], cameras: int, fps: int, cache: Path
) -> Iterator[tuple[SiteProcess, list[CameraEndpoints]]]:
    user, password = random_credentials()
    options = replace(
        site_options(random.randrange(1, 255), cameras, user, password),
        main_size=main,
        sub_size=sub,
        fps=fps,
    )
    began = time.monotonic()
    with SiteProcess(options, cache) as site:
        site.start(timeout=3600)
        print(
            f"{name} site: {cameras} cameras, {main[0]}×{main[1]} main, {sub[0]}×{sub[1]} sub,"
            f" {fps} fps, up in {time.monotonic() - began:.1f} s",
            flush=True,
        )
        try:
            yield site, site.endpoints
        finally:
            site.stop()


def clips_of(site: SiteProcess, size: tuple[int, int], count: int) -> list[Path]:
    options = site.options
    names = [c.name for c in SimulatedSite(options, cache_dir=site.cache_dir).configs][:count]
    return [
        clip_for(name, *size, options.fps, options.clip_seconds, site.cache_dir) for name in names
    ]


# -- P1: CPU of a grid --------------------------------------------------------------------------


def play(
    viewer: Viewer, tiles: Sequence[tuple[int, str]], layout: int, mode: str, **levers: Any
) -> None:
    viewer.open(tiles, layout, mode, **levers)
    viewer.wait_first_frames()
    time.sleep(SETTLE_S)


def variants(levers: Sequence[str], sub: tuple[int, int]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, mode, the viewer's lever options): the console's defaults drawn through Xvfb and
    in libvlc's decode path, then each lever asked for, in both."""
    out: list[tuple[str, str, dict[str, Any]]] = [
        ("display", "display", {}),
        ("decode", "decode", {}),
    ]
    for lever in levers:
        modes: tuple[str, ...]
        if lever == "align":
            options: dict[str, Any] = {"align": list(sub)}
            modes = ("display",)  # no window, nothing to scale
        elif lever.startswith("threads="):
            options = {"decoder_threads": int(lever.split("=", 1)[1])}
            modes = ("display", "decode")
        else:
            raise SystemExit(f"unknown lever {lever!r} (align, threads=N)")
        out += [(f"{mode}+{lever}", mode, options) for mode in modes]
    return out


def bench_grid_cpu(
    name: str,
    layouts: Sequence[int],
    seconds: float,
    repeat: int,
    cache: Path,
    xvfb: Xvfb,
    levers: Sequence[str] = (),
    with_mpv: bool = True,
) -> dict[str, Any]:
    main, sub = SITES[name]
    tiles_max = max(n * n for n in layouts)
    runs = variants(levers, sub)
    result: dict[str, Any] = {
        "site": name,
        "main": main,
        "sub": sub,
        "modes": [r[0] for r in runs],
        "layouts": {},
    }
    with site_running(name, main, sub, tiles_max, 25, cache) as (site, endpoints):
        clips = clips_of(site, sub, tiles_max)
        clip_seconds = site.options.clip_seconds
        viewer = Viewer(site, endpoints)
        try:
            rounds: dict[int, dict[str, list[dict[str, Any]]]] = {
                n: {key: [] for key in ["reference", "live", "mpv", *result["modes"]]}
                for n in layouts
            }
            for round_number in range(repeat):
                for n in layouts:
                    count = n * n
                    urls = [authenticated(c.sub_url or "", c) for c in endpoints[:count]]
                    rounds[n]["reference"].append(reference_decode(clips[:count], clip_seconds))
                    rounds[n]["live"].append(live_decode(urls, seconds))
                    if with_mpv and count <= MPV_MAX_TILES:
                        rounds[n]["mpv"].append(mpv_grid(urls, n, seconds, xvfb))
                    for key, mode, options in runs:
                        tiles = [(i, "sub") for i in range(count)]
                        play(viewer, tiles, n, mode, **options)
                        streams = viewer.ask("streams")
                        stats_before = viewer.ask("stats")
                        window = cpu_window(viewer, xvfb, seconds)
                        stats_after = viewer.ask("stats")
                        window["fps"] = [
                            (a.get("displayed", 0) - b.get("displayed", 0)) / window["wall_s"]
                            for a, b in zip(stats_after, stats_before, strict=True)
                        ]
                        window["streams_open"] = streams
                        window["lost"] = sum(
                            a.get("lost", 0) - b.get("lost", 0)
                            for a, b in zip(stats_after, stats_before, strict=True)
                        )
                        rounds[n][key].append(window)
                        viewer.ask("close")
                    mpv = rounds[n]["mpv"][-1] if rounds[n]["mpv"] else None
                    shown = rounds[n]["display"][-1]
                    print(
                        f"  {name} {count:2} tiles, round {round_number + 1}: Utkik drawn"
                        f" {shown['percent']:5.1f} % + Xvfb {shown['xvfb_percent']:4.1f} %,"
                        f" decode path {rounds[n]['decode'][-1]['percent']:5.1f} %; ffmpeg live"
                        f" {rounds[n]['live'][-1]['percent']:5.1f} %"
                        + (
                            f"; mpv {mpv['percent']:5.1f} % + Xvfb {mpv['xvfb_percent']:4.1f} %"
                            if mpv
                            else ""
                        ),
                        flush=True,
                    )
            result["instance_s"] = viewer.ask("threads")["instance_s"]
        finally:
            viewer.close()
    for n in layouts:
        r = rounds[n]
        summary: dict[str, Any] = {"tiles": n * n, "rounds": r}
        summary["reference_percent"] = statistics.median(x["percent"] for x in r["reference"])
        summary["live_percent"] = statistics.median(x["percent"] for x in r["live"])
        # kept under its old name for the analysis scripts of earlier runs
        summary["live_decode"] = {"streams": n * n, "percent": summary["live_percent"]}
        if r["mpv"]:
            summary["mpv_percent"] = statistics.median(x["percent"] for x in r["mpv"])
            summary["mpv_xvfb_percent"] = statistics.median(x["xvfb_percent"] for x in r["mpv"])
            summary["mpv_dropped"] = max(x["dropped"] for x in r["mpv"])
            summary["mpv_counters_unknown"] = max(x["counters_unknown"] for x in r["mpv"])
        for mode in result["modes"]:
            summary[f"{mode}_percent"] = statistics.median(x["percent"] for x in r[mode])
            parts = {k for x in r[mode] for k in x["parts_percent"]}
            summary[f"{mode}_parts_percent"] = {
                k: statistics.median(x["parts_percent"].get(k, 0.0) for x in r[mode])
                for k in sorted(parts)
            }
            summary[f"{mode}_xvfb_percent"] = statistics.median(x["xvfb_percent"] for x in r[mode])
            summary[f"{mode}_min_fps"] = min(min(x["fps"]) for x in r[mode])
            summary[f"{mode}_sub_only"] = all(
                s.endswith("/sub") for x in r[mode] for s in x["streams_open"]
            )
        # Where the grid's cost sits (the issue's breakdown for a missed target): the decode
        # path's parts, what drawing adds (drawn minus decode path: libvlc's conversion and
        # scaling, its X11 output) and Xvfb; and what each lever changed against its base.
        decode_parts = summary["decode_parts_percent"]
        summary["breakdown_percent"] = {
            "ingest": decode_parts.get("ingest", 0.0),
            "libvlc_and_feed": decode_parts.get("libvlc", 0.0),
            "drawing": summary["display_percent"] - summary["decode_percent"],
            "xvfb": summary["display_xvfb_percent"],
            "other": sum(v for k, v in decode_parts.items() if k not in ("ingest", "libvlc")),
        }
        summary["levers_percent"] = {
            mode: summary[f"{mode}_percent"]
            + summary[f"{mode}_xvfb_percent"]
            - summary[f"{mode.split('+')[0]}_percent"]
            - summary[f"{mode.split('+')[0]}_xvfb_percent"]
            for mode in result["modes"]
            if "+" in mode
        }
        result["layouts"][str(n * n)] = summary
    return result


# -- P2: frame loss, 12 main streams ------------------------------------------------------------


def bench_loss(tiles: int, seconds: float, cache: Path, xvfb: Xvfb) -> dict[str, Any]:
    main, sub = SITES["1080p"]
    result: dict[str, Any] = {"tiles": tiles, "fps": P2_FPS, "modes": {}}
    with site_running("1080p30", main, sub, tiles, P2_FPS, cache) as (site, endpoints):
        clips = clips_of(site, main, tiles)
        result["reference"] = reference_decode(clips, site.options.clip_seconds)
        viewer = Viewer(site, endpoints)
        try:
            for mode in ("decode", "display"):
                play(viewer, [(i, "main") for i in range(tiles)], 4, mode)
                start = fresh_stats(viewer)
                window = cpu_window(viewer, xvfb, seconds)
                end = fresh_stats(viewer)
                viewer.ask("close")
                per_tile = []
                for a, b in zip(start, end, strict=True):
                    span = b["t"] - a["t"]
                    per_tile.append(
                        {
                            "span_s": span,
                            "displayed": b["displayed"] - a["displayed"],
                            "lost": b["lost"] - a["lost"],
                            "feed_dropped": b["dropped"] - a["dropped"],
                            "expected": P2_FPS * span,
                        }
                    )
                displayed = sum(t["displayed"] for t in per_tile)
                lost = sum(t["lost"] + t["feed_dropped"] for t in per_tile)
                expected = sum(t["expected"] for t in per_tile)
                window.update(
                    per_tile=per_tile,
                    counted_loss=lost / (displayed + lost) if displayed + lost else 1.0,
                    shown_of_expected=displayed / expected if expected else 0.0,
                )
                result["modes"][mode] = window
                print(
                    f"  {tiles} × 1080p{P2_FPS} main, {mode:7}: lost {lost} of"
                    f" {displayed + lost} ({100 * window['counted_loss']:.2f} %), shown"
                    f" {100 * window['shown_of_expected']:.1f} % of the frames sent; viewer"
                    f" {window['percent']:.0f} % of a core, Xvfb {window['xvfb_percent']:.0f} %",
                    flush=True,
                )
        finally:
            viewer.close()
    return result


# -- P2 above 12 streams: overload, degrading to keyframes only ---------------------------------

#: After a switch of keyframes_only the stream restarts (picture back with the next keyframe,
#: libvlc's counters a second behind): not counted in the rate of either mode.
SWITCH_SETTLE_S = 3.0
#: A tile whose shown-pictures counter did not move for longer than this, after its first
#: picture, froze. libvlc refreshes the counter about once a second.
FREEZE_S = 2.0


def bench_overload(
    counts: Sequence[int],
    seconds: float,
    cache: Path,
    quiet_s: float | None,
    sample_s: float = 0.25,
) -> dict[str, Any]:
    """N tiles on 1080p30 main streams through ui/wiring/video.py's HubVideoBackend / HubStream (the
    console's wiring: its OverloadGovernor degrades streams to keyframes only on libvlc's lost
    pictures and restores them after `quiet_s`, default the console's) with LiveView players
    in libvlc's decode path; every `sample_s` each tile's counters, for `seconds` from
    opening."""
    main, sub = SITES["1080p"]
    result: dict[str, Any] = {"fps": P2_FPS, "seconds": seconds, "runs": []}
    with site_running("1080p30", main, sub, max(counts), P2_FPS, cache) as (site, endpoints):
        clips = clips_of(site, main, 3)
        reference = reference_decode(clips, site.options.clip_seconds)
        result["raw_decode_per_stream_percent"] = statistics.median(reference["per_stream_percent"])
        viewer = Viewer(site, endpoints)
        try:
            # libvlc's first start in a process loads its plugins: not part of a run.
            viewer.ask("open_hub", tiles=[[0, "sub"]], quiet_s=quiet_s)
            time.sleep(2.0)
            viewer.ask("close")
            for n in counts:
                time.sleep(3.0)
                load_before = os.getloadavg()
                known = viewer.ask("threads")
                threads_before = thread_times(viewer.pid)
                rss_before = rss_mb(viewer.pid)
                opened = viewer.ask(
                    "open_hub",
                    tiles=[[i, "main"] for i in range(n)],
                    quiet_s=quiet_s,
                )
                result["governor"] = {k: v for k, v in opened.items() if k != "began"}
                samples = []
                while True:
                    sample = viewer.ask("hub_stats")
                    sample["cpu"] = cpu_seconds(viewer.pid)
                    sample["site_cpu"] = cpu_seconds(site.pid)
                    sample["rss_mb"] = rss_mb(viewer.pid)
                    samples.append(sample)
                    if sample["t"] - opened["began"] >= seconds:
                        break
                    time.sleep(sample_s)
                threads_after = thread_times(viewer.pid)
                viewer.ask("close")
                run = analyse_overload(n, opened["began"], samples)
                wall = samples[-1]["t"] - opened["began"]
                parts: dict[str, float] = {}
                for tid, (comm, spent) in threads_after.items():
                    part = categorize(tid, comm, known)
                    before = threads_before.get(tid, (comm, 0.0))[1]
                    parts[part] = parts.get(part, 0.0) + spent - before
                run["memory"] = memory_summary(n, rss_before, opened["began"], samples)
                run.update(
                    load_before=load_before,
                    load_after=os.getloadavg(),
                    parts_percent_whole_run={k: 100 * v / wall for k, v in sorted(parts.items())},
                )
                result["runs"].append(run)
                print_overload_run(run)
        finally:
            viewer.close()
    return result


def memory_summary(
    n: int, rss_before: float, began: float, samples: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The viewer's RSS over the run: per player (RSS above what it was before the tiles
    opened, over their number) at every whole minute and at the end, and the most any player's
    feed held of its stream (LiveView's `held_bytes`; libvlc's prefetch buffer is bounded by
    its option, PREFETCH_KIB)."""
    marks: list[dict[str, float]] = []
    minute = 60.0
    for sample in samples:
        at = sample["t"] - began
        if at >= minute or sample is samples[-1]:
            marks.append(
                {
                    "s": round(at, 1),
                    "rss_mb": sample["rss_mb"],
                    "per_player_mb": (sample["rss_mb"] - rss_before) / n,
                }
            )
            while minute <= at:
                minute += 60.0
    held = [t.get("held_bytes", 0) for sample in samples for t in sample["tiles"]]
    return {
        "rss_before_mb": rss_before,
        "marks": marks,
        "peak_rss_mb": max(sample["rss_mb"] for sample in samples),
        "max_held_kib": max(held, default=0) / 1024,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def analyse_overload(n: int, began: float, samples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Per tile: when it fell behind and switched, its rate and losses in each mode, its
    longest stall; per run: the viewer's CPU in the steady window (after every first picture
    and SETTLE_S), before the first degrade and after the last switch."""
    times = [s["t"] for s in samples]
    end = times[-1]
    last = samples[-1]["tiles"]
    firsts = [t["first_frame"] for t in last]
    all_shown = max(firsts) if all(f is not None for f in firsts) else None
    window_start = (all_shown if all_shown is not None else began) + SETTLE_S

    def index_at_or_after(t: float) -> int:
        return next((k for k, x in enumerate(times) if x >= t), len(times) - 1)

    def index_at_or_before(t: float) -> int:
        return max((k for k, x in enumerate(times) if x <= t), default=0)

    tiles = []
    for i in range(n):
        series = [s["tiles"][i] for s in samples]
        switches = [(t, bool(v)) for t, v in last[i]["switches"]]
        # Phases of one mode: from the window's start (or a switch + SWITCH_SETTLE_S) on.
        bounds = [(window_start, False)] + [(t + SWITCH_SETTLE_S, v) for t, v in switches]
        modes: dict[str, dict[str, float]] = {}
        for j, (start, keyframes_only) in enumerate(bounds):
            stop = switches[j][0] if j < len(switches) else end
            start = max(start, window_start)
            if stop - start < 2.0:
                continue
            a, b = index_at_or_after(start), index_at_or_before(stop)
            if b <= a:
                continue
            mode = modes.setdefault(
                "keyframes" if keyframes_only else "full",
                {"seconds": 0.0, "displayed": 0, "lost": 0, "feed_dropped": 0, "decoded": 0},
            )
            mode["seconds"] += times[b] - times[a]
            for key, field in (
                ("displayed", "displayed"),
                ("lost", "lost"),
                ("feed_dropped", "dropped"),
                ("decoded", "decoded"),
            ):
                mode[key] += series[b][field] - series[a][field]
        for mode in modes.values():
            mode["fps"] = mode["displayed"] / mode["seconds"] if mode["seconds"] else 0.0
            shown = mode["displayed"] + mode["lost"] + mode["feed_dropped"]
            mode["loss"] = (mode["lost"] + mode["feed_dropped"]) / shown if shown else 0.0
        # Stalls: the longest time the shown-pictures counter stood still after it first moved
        # (to the end of the run for the last stretch).
        moved = [
            times[k]
            for k in range(1, len(series))
            if series[k]["displayed"] > series[k - 1]["displayed"]
        ]
        gaps = [b - a for a, b in itertools.pairwise(moved)] + ([end - moved[-1]] if moved else [])
        first_frame = last[i]["first_frame"]
        # Frames libvlc took from the feed in the window but neither showed nor counted lost:
        # skipped by its decoder when late, or still queued inside libvlc (latency).
        a = index_at_or_after(window_start)
        took = (series[-1]["fed"] - series[-1]["dropped"]) - (
            series[a]["fed"] - series[a]["dropped"]
        )
        accounted = (series[-1]["displayed"] + series[-1]["lost"]) - (
            series[a]["displayed"] + series[a]["lost"]
        )
        stalled = bool(gaps) and max(gaps) > FREEZE_S
        tiles.append(
            {
                "first_frame_s": first_frame - began if first_frame is not None else None,
                "first_behind_s": (
                    last[i]["first_behind"] - began if last[i]["first_behind"] is not None else None
                ),
                "behind_calls": last[i]["behind"],
                "switches_s": [(t - began, v) for t, v in switches],
                "degraded_at_end": bool(last[i]["degraded"]),
                "modes": modes,
                "longest_stall_s": max(gaps) if gaps else None,
                "frozen": (not moved) or max(gaps) > FREEZE_S,
                "totals": {k: series[-1][k] for k in ("displayed", "lost", "dropped", "fed")},
                "unaccounted": took - accounted,
                # The counters of a stalled tile, to see what stood still.
                "series": (
                    [
                        [round(times[k] - began, 2)]
                        + [series[k][f] for f in ("displayed", "lost", "decoded", "fed")]
                        for k in range(len(series))
                    ]
                    if stalled or not moved
                    else None
                ),
            }
        )

    def cpu_between(t0: float, t1: float, key: str = "cpu") -> float | None:
        a, b = index_at_or_after(t0), index_at_or_before(t1)
        if b <= a or times[b] - times[a] < 2.0:
            return None
        return 100 * (samples[b][key] - samples[a][key]) / (times[b] - times[a])

    # Streams degraded (the governor's view), at every change and at the end.
    degraded_over_time: list[tuple[float, int]] = []
    for sample in samples:
        count = sum(1 for t in sample["tiles"] if t["degraded"])
        if not degraded_over_time or count != degraded_over_time[-1][1]:
            degraded_over_time.append((round(sample["t"] - began, 1), count))
    degraded_over_time.append((round(end - began, 1), degraded_over_time[-1][1]))
    degrade_times = sorted(t for tile in tiles for t, v in tile["switches_s"] if v)
    switch_times = sorted(t for tile in tiles for t, _ in tile["switches_s"])
    full = [t["modes"]["full"] for t in tiles if "full" in t["modes"]]
    keyframes = [t["modes"]["keyframes"] for t in tiles if "keyframes" in t["modes"]]
    full_shown = sum(m["displayed"] + m["lost"] + m["feed_dropped"] for m in full)
    full_lost = sum(m["lost"] + m["feed_dropped"] for m in full)
    return {
        "tiles": n,
        "seconds": end - began,
        "all_shown_s": all_shown - began if all_shown is not None else None,
        "window_start_s": window_start - began,
        "degraded": sum(1 for t in tiles if any(v for _, v in t["switches_s"])),
        "degraded_at_end": sum(1 for t in tiles if t["degraded_at_end"]),
        "degraded_over_time": degraded_over_time,
        "restores": sum(1 for tile in tiles for _, v in tile["switches_s"] if not v),
        "fell_behind": sum(1 for t in tiles if t["behind_calls"]),
        "degrade_times_s": degrade_times,
        "switches": len(switch_times),
        "full_fps_min": min((m["fps"] for m in full), default=None),
        "full_fps_median": statistics.median(m["fps"] for m in full) if full else None,
        "keyframes_fps_median": (
            statistics.median(m["fps"] for m in keyframes) if keyframes else None
        ),
        "full_loss": full_lost / full_shown if full_shown else None,
        "full_lost": full_lost,
        "full_shown": full_shown,
        "frozen": sum(1 for t in tiles if t["frozen"]),
        "longest_stall_s": max((t["longest_stall_s"] or 0.0) for t in tiles),
        "cpu_percent": cpu_between(window_start, end),
        "cpu_before_degrade_percent": (
            cpu_between(window_start, began + degrade_times[0]) if degrade_times else None
        ),
        "cpu_after_switches_percent": (
            cpu_between(began + switch_times[-1] + SWITCH_SETTLE_S, end) if switch_times else None
        ),
        "site_cpu_percent": cpu_between(window_start, end, "site_cpu"),
        "unaccounted_per_tile_per_s": statistics.median(t["unaccounted"] for t in tiles)
        / max(1e-9, end - window_start),
        "rss_mb": [samples[index_at_or_after(window_start)]["rss_mb"], samples[-1]["rss_mb"]],
        "per_tile": tiles,
        "samples": len(samples),
    }


def _fmt(value: float | None, spec: str, missing: str = "—") -> str:
    return missing if value is None else format(value, spec)


def print_overload_run(r: dict[str, Any]) -> None:
    times = ", ".join(f"{t:.0f} s: {n}" for t, n in r["degraded_over_time"])
    print(
        f"  {r['tiles']:2} × 1080p30: degraded {r['degraded']}, {r['degraded_at_end']} at the end"
        f" ({r['restores']} restores; over time {times}; fell behind {r['fell_behind']}),"
        f" full-rate tiles {_fmt(r['full_fps_min'], '.1f')}–"
        f"{_fmt(r['full_fps_median'], '.1f')} fps (min–median), keyframes-only"
        f" {_fmt(r['keyframes_fps_median'], '.1f')} fps, lost at full rate"
        f" {_fmt(r['full_loss'] and 100 * r['full_loss'], '.2f')} %, frozen {r['frozen']}"
        f" (longest stall {r['longest_stall_s']:.1f} s), viewer {_fmt(r['cpu_percent'], '.0f')} %"
        f" of a core, load {r['load_before'][0]:.2f} → {r['load_after'][0]:.2f}",
        flush=True,
    )


def print_overload(result: dict[str, Any]) -> None:
    print(
        f"\nOverload: N × 1080p{result['fps']} main through HubVideoBackend/HubStream, libvlc"
        f" decode path, {result['seconds']:.0f} s from opening, full decoding again after"
        f" {result.get('governor', {}).get('quiet_s', 0):.0f} s without losses (the console's"
        " OverloadGovernor); raw decode"
        f" {result['raw_decode_per_stream_percent']:.1f} % of a core per stream"
    )
    header = (
        f"{'N':>3} {'all up':>6} {'behind':>6} {'degr/end':>5} {'first degr':>10} {'full fps':>11}"
        f" {'kf fps':>6} {'lost full':>9} {'frozen':>6} {'stall':>5} {'CPU':>5} {'before':>6}"
        f" {'after':>5} {'site':>5} {'unacc':>5} {'RSS MB':>9} {'load':>10}"
    )
    print(header)
    for r in result["runs"]:
        first = r["degrade_times_s"][0] if r["degrade_times_s"] else None
        fps = f"{_fmt(r['full_fps_min'], '.1f')}/{_fmt(r['full_fps_median'], '.1f')}"
        loss = None if r["full_loss"] is None else 100 * r["full_loss"]
        print(
            f"{r['tiles']:>3} {_fmt(r['all_shown_s'], '.2f'):>6} {r['fell_behind']:>6}"
            f" {r['degraded']:>2}/{r['degraded_at_end']:<2} {_fmt(first, '.1f'):>10} {fps:>11}"
            f" {_fmt(r['keyframes_fps_median'], '.1f'):>6} {_fmt(loss, '.2f'):>8}%"
            f" {r['frozen']:>6} {r['longest_stall_s']:>5.1f} {_fmt(r['cpu_percent'], '.0f'):>5}"
            f" {_fmt(r['cpu_before_degrade_percent'], '.0f'):>6}"
            f" {_fmt(r['cpu_after_switches_percent'], '.0f'):>5}"
            f" {_fmt(r['site_cpu_percent'], '.0f'):>5} {r['unaccounted_per_tile_per_s']:>5.1f}"
            f" {r['rss_mb'][0]:>4.0f}→{r['rss_mb'][1]:<4.0f}"
            f" {r['load_before'][0]:>4.2f}→{r['load_after'][0]:<5.2f}"
        )
    print(
        "all up: s to every tile's first picture; behind: tiles whose feed dropped a GOP"
        " (on_behind); degr/end: tiles switched to keyframes only / still at the end; full"
        " fps: min/median of tiles at full rate (libvlc's displayed count); kf fps: the same"
        " of keyframes-only tiles, which counts libvlc re-displaying the last picture every"
        " 80 ms (new pictures: one a GOP); lost full: libvlc's lost pictures + feed drops at"
        " full rate; stall:"
        " longest time a tile's shown-pictures counter stood still; CPU: viewer, % of a core"
        " (steady window; before the first degrade; after the last switch); site: the"
        " simulated cameras' process; unacc: frames a tile's libvlc took but neither showed"
        " nor counted lost, per s (median tile); RSS: viewer, window start → end."
    )


# -- P8, P9: time to first frame, start-up of a grid --------------------------------------------


def reference_open(camera: CameraEndpoints, profile: str) -> dict[str, float]:
    """A bare PyAV RTSP open to the first packet, then reading to the second keyframe for the
    stream's GOP (keyframe interval)."""
    url = authenticated(camera.main_url if profile == "main" else camera.sub_url or "", camera)
    began = time.monotonic()
    container = av.open(url, options=PYAV_OPTIONS, timeout=10)
    try:
        stream = container.streams.video[0]
        first_packet = None
        keyframes: list[float] = []
        for packet in container.demux(stream):
            if not packet.size:
                continue
            if first_packet is None:
                first_packet = time.monotonic() - began
            if packet.is_keyframe and packet.pts is not None:
                keyframes.append(float(packet.pts * packet.time_base))
                if len(keyframes) == 2:
                    break
    finally:
        container.close()
    if first_packet is None or len(keyframes) < 2:
        raise SystemExit(f"{camera.name}: the stream ended before two keyframes")
    return {"open_s": first_packet, "gop_s": keyframes[1] - keyframes[0]}


def ttff(viewer: Viewer, camera: int, profile: str) -> dict[str, float]:
    """One tile opened on `camera`: its timeline from subscribe, in seconds."""
    viewer.open([(camera, profile)], 1, "display")
    times = viewer.wait_first_frames()[0]
    viewer.ask("close")
    began = times["subscribe"]
    return {k: times[k] - began for k in times if isinstance(times[k], float)}


def bench_first_frame(rounds: int, cache: Path) -> dict[str, Any]:
    main, sub = SITES["1080p"]
    profiles = ("sub", "main")
    cameras = 16 + 3 * rounds * len(profiles)
    result: dict[str, Any] = {"rounds": rounds}
    with site_running("1080p", main, sub, cameras, 25, cache) as (site, endpoints):
        viewer = Viewer(site, endpoints)
        try:
            # libvlc's first start in a process loads its plugins: not a tile's time.
            viewer.open([(0, "sub")], 1, "display")
            viewer.wait_first_frames()
            viewer.ask("close", hub="close")
            spare = iter(range(16, cameras))
            for profile in profiles:
                cold, reference, warm = [], [], []
                for _ in range(rounds):
                    reference.append(reference_open(endpoints[next(spare)], profile))
                    cold.append(ttff(viewer, next(spare), profile))
                    # Warm: another subscriber keeps the stream open in the hub.
                    held = next(spare)
                    viewer.ask("hold", camera=held, profile=profile)
                    time.sleep(1.5)
                    warm.append(ttff(viewer, held, profile))
                    viewer.ask("unhold")
                    viewer.ask("close", hub="close")
                    time.sleep(0.5)
                result[profile] = {
                    "cold": cold,
                    "reference": reference,
                    "warm": warm,
                    "cold_s": statistics.median(c["first_frame"] for c in cold),
                    "warm_s": statistics.median(w["first_frame"] for w in warm),
                    "reference_s": statistics.median(r["open_s"] + r["gop_s"] for r in reference),
                }
                r = result[profile]
                print(
                    f"  first frame, {profile}: cold {r['cold_s']:.2f} s (reference"
                    f" {r['reference_s']:.2f} s), warm {r['warm_s']:.2f} s",
                    flush=True,
                )
            grid = []
            for _ in range(rounds):
                viewer.ask("close", hub="close")
                time.sleep(1.0)
                began = viewer.open([(i, "sub") for i in range(16)], 4, "display")
                status = viewer.wait_first_frames()
                grid.append(
                    {
                        "last_s": max(t["first_frame"] for t in status) - began,
                        "first_frames_s": sorted(t["first_frame"] - began for t in status),
                        "first_keyframes_s": sorted(
                            t.get("first_keyframe", math.nan) - began for t in status
                        ),
                    }
                )
                viewer.ask("close")
                print(f"  16-tile grid populated in {grid[-1]['last_s']:.2f} s", flush=True)
            result["grid"] = {
                "rounds": grid,
                "median_s": statistics.median(g["last_s"] for g in grid),
            }
        finally:
            viewer.close()
    return result


# -- report -------------------------------------------------------------------------------------


def _row(
    id_: str,
    what: str,
    unit: str,
    project: float,
    reference: float | None,
    limit: float | None,
    limit_kind: str,
    ok: bool | None,
    note: str = "",
) -> dict[str, Any]:
    """`limit_kind`: "ratio" (project / reference ≤ limit), "max" (project ≤ limit), "below"
    (project < limit) or "" (shown, not a target)."""
    ratio = project / reference if reference else None
    return {
        "id": id_,
        "what": what,
        "unit": unit,
        "project": project,
        "reference": reference,
        "ratio": ratio,
        "limit": limit,
        "limit_kind": limit_kind,
        "pass": ok,
        "note": note,
    }


def targets(
    cpu: Sequence[dict[str, Any]], loss: dict[str, Any] | None, first: dict[str, Any] | None
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for site in cpu:
        sub = "×".join(map(str, site["sub"]))
        for count, s in site["layouts"].items():
            # Utkik's decode path against ffmpeg decoding the same live streams in real time.
            project, reference = s["decode_percent"], s["live_percent"]
            fps_ok = s["decode_min_fps"] >= 0.9 * 25
            ok = project <= P1_DECODE_LIMIT * reference and fps_ok and s["decode_sub_only"]
            note = "" if fps_ok else f"a tile at {s['decode_min_fps']:.1f} fps"
            what = f"P1 {site['site']}, {count} tiles ({sub} sub), decode path / ffmpeg live"
            rows.append(
                _row("P1-decode", what, "%", project, reference, P1_DECODE_LIMIT, "ratio", ok, note)
            )
            if "mpv_percent" not in s:
                continue
            # The grid drawn through Xvfb against one mpv per tile, each with Xvfb's share.
            project = s["display_percent"] + s["display_xvfb_percent"]
            reference = s["mpv_percent"] + s["mpv_xvfb_percent"]
            fps_ok = s["display_min_fps"] >= 0.9 * 25
            ok = project <= P1_MPV_LIMIT * reference and fps_ok and s["display_sub_only"]
            notes = [] if fps_ok else [f"a tile at {s['display_min_fps']:.1f} fps"]
            if s["mpv_dropped"]:
                notes.append(f"mpv dropped {s['mpv_dropped']} frames")
            if s["mpv_counters_unknown"]:
                notes.append("mpv's frame counters unread")
            what = f"P1 {site['site']}, {count} tiles, drawn (+Xvfb) / mpv (+Xvfb)"
            rows.append(
                _row(
                    "P1-mpv",
                    what,
                    "%",
                    project,
                    reference,
                    P1_MPV_LIMIT,
                    "ratio",
                    ok,
                    "; ".join(notes),
                )
            )
    if loss is not None:
        for mode in ("decode", "display"):
            if mode not in loss["modes"]:
                continue
            w = loss["modes"][mode]
            worst = max(w["counted_loss"], 1 - w["shown_of_expected"])
            what = f"P2 {loss['tiles']} × 1080p{loss['fps']} main, " + (
                "libvlc decode path" if mode == "decode" else "   drawn through Xvfb"
            )
            kind = "below" if mode == "decode" else ""
            ok = worst < P2_LIMIT if mode == "decode" else None
            rows.append(_row(f"P2-{mode}", what, "%", 100 * worst, None, 100 * P2_LIMIT, kind, ok))
    if first is not None:
        for profile in ("sub", "main"):
            if profile not in first:
                continue
            f = first[profile]
            rows.append(
                _row(
                    "P8-warm",
                    f"P8 first frame, warm ({profile} stream in the hub)",
                    "s",
                    f["warm_s"],
                    None,
                    WARM_LIMIT_S,
                    "max",
                    f["warm_s"] <= WARM_LIMIT_S,
                )
            )
            rows.append(
                _row(
                    "P8-cold",
                    f"P8 first frame, cold ({profile} stream)",
                    "s",
                    f["cold_s"],
                    f["reference_s"],
                    COLD_LIMIT,
                    "ratio",
                    f["cold_s"] <= COLD_LIMIT * f["reference_s"],
                )
            )
        if "grid" in first and "sub" in first:
            grid, cold = first["grid"]["median_s"], first["sub"]["cold_s"]
            rows.append(
                _row(
                    "P9",
                    "P9 16-tile grid populated (vs cold first frame)",
                    "s",
                    grid,
                    cold,
                    GRID_LIMIT,
                    "ratio",
                    grid <= GRID_LIMIT * cold,
                )
            )
    return rows


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    wide = max([52, *(len(row["what"]) for row in rows)])
    header = (
        f"{'target':<{wide}} {'project':>9} {'reference':>10} {'ratio':>6} {'limit':>8}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        unit = row["unit"]
        reference = f"{row['reference']:>8.2f}{unit:>2}" if row["reference"] else f"{'—':>10}"
        ratio = f"{row['ratio']:>6.2f}" if row["ratio"] is not None else f"{'':>6}"
        kind, limit = row["limit_kind"], row["limit"]
        if kind == "ratio":
            limit_text = f"≤ {limit:.1f}×"
        elif kind == "max":
            limit_text = f"≤ {limit:.1f}{unit}"
        elif kind == "below":
            limit_text = f"< {limit:.1f}{unit}"
        else:
            limit_text = ""
        verdict = "" if row["pass"] is None else ("pass" if row["pass"] else "FAIL")
        if row["note"]:
            verdict += f" ({row['note']})"
        print(
            f"{row['what']:<{wide}} {row['project']:>7.2f}{unit:>2} {reference} {ratio}"
            f" {limit_text:>8}  {verdict}"
        )
    print(
        "CPU in % of one core. P1 references, same run, same sub streams: ffmpeg -threads 1"
        " decoding them live to null (one process a stream); mpv, one window a tile, plus Xvfb."
    )


def print_details(
    cpu: Sequence[dict[str, Any]], loss: dict[str, Any] | None, first: dict[str, Any] | None
) -> None:
    for site in cpu:
        print(f"\nwhere the CPU goes, {site['site']} site (medians, % of one core):")
        print(
            f"{'tiles':>5} {'mode':<18} {'viewer':>7} {'ingest':>7} {'libvlc':>7} {'gui':>5}"
            f" {'qt':>5} {'hub':>5} {'Xvfb':>6} {'raw dec':>8} {'live dec':>8} {'min fps':>8}"
        )
        for count, s in site["layouts"].items():
            for mode in site.get("modes", ("display", "decode")):
                parts = s[f"{mode}_parts_percent"]
                print(
                    f"{count:>5} {mode:<18} {s[f'{mode}_percent']:>7.1f}"
                    f" {parts.get('ingest', 0):>7.1f} {parts.get('libvlc', 0):>7.1f}"
                    f" {parts.get('gui', 0):>5.1f} {parts.get('qt', 0):>5.1f}"
                    f" {parts.get('hub', 0):>5.1f} {s[f'{mode}_xvfb_percent']:>6.1f}"
                    f" {s['reference_percent']:>8.1f} {s['live_percent']:>8.1f}"
                    f" {s[f'{mode}_min_fps']:>8.1f}"
                )
            b = s["breakdown_percent"]
            levers = "".join(
                f"; {mode}: {delta:+.1f}" for mode, delta in s["levers_percent"].items()
            )
            print(
                f"{'':>5} breakdown: ingest {b['ingest']:.1f}, libvlc and feed"
                f" {b['libvlc_and_feed']:.1f}, drawing {b['drawing']:.1f}, Xvfb {b['xvfb']:.1f},"
                f" other {b['other']:.1f}{levers} (viewer + Xvfb against the base)"
            )
            if "mpv_percent" in s:
                print(
                    f"{count:>5} {'mpv':<18} {s['mpv_percent']:>7.1f} {'':>7} {'':>7} {'':>5}"
                    f" {'':>5} {'':>5} {s['mpv_xvfb_percent']:>6.1f} {'':>8} {'':>8}"
                    f" {'dropped ' + str(s['mpv_dropped']):>8}"
                )
    if loss is not None:
        ref = loss["reference"]
        print(
            f"\nP2: raw decode of the {ref['streams']} main streams"
            f" {ref['percent']:.0f} % of one core ({ref['percent'] / (os.cpu_count() or 1):.0f} %"
            " of the machine)"
        )
        for mode, w in loss["modes"].items():
            parts = w["parts_percent"]
            print(
                f"  {mode:<8} viewer {w['percent']:.0f} % (ingest {parts.get('ingest', 0):.0f},"
                f" libvlc {parts.get('libvlc', 0):.0f}), Xvfb {w['xvfb_percent']:.0f} %;"
                f" counted loss {100 * w['counted_loss']:.2f} %, shown"
                f" {100 * w['shown_of_expected']:.2f} % of the frames sent"
            )
    if first is not None:
        for profile in ("sub", "main"):
            if profile not in first:
                continue
            f = first[profile]
            for kind in ("cold", "warm"):
                steps = ("info", "start", "first_packet", "first_keyframe", "first_frame")
                medians = {
                    step: statistics.median(r[step] for r in f[kind] if step in r)
                    for step in steps
                    if any(step in r for r in f[kind])
                }
                timeline = ", ".join(f"{k} {v:.3f}" for k, v in medians.items())
                print(f"\n{profile} {kind} (median s from subscribe): {timeline}", end="")
            opens = [r["open_s"] for r in f["reference"]]
            gops = [r["gop_s"] for r in f["reference"]]
            print(
                f"\n{profile} reference: RTSP open to first packet {statistics.median(opens):.3f} s"
                f" + GOP {statistics.median(gops):.2f} s"
            )
        if "grid" in first:
            for r in first["grid"]["rounds"]:
                print(
                    "16-tile grid, first frames (s): "
                    + " ".join(f"{t:.2f}" for t in r["first_frames_s"])
                )


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


def machine() -> dict[str, Any]:
    import vlc

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyav": av.__version__,
        "libvlc": vlc.libvlc_get_version().decode(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }


def print_memory(result: dict[str, Any]) -> None:
    print("\nthe viewer's memory (1080p30 main streams, the console's wiring and governor)")
    for run in result["runs"]:
        m = run["memory"]
        marks = ", ".join(
            f"{mark['s']:.0f} s {mark['rss_mb']:.0f} MB ({mark['per_player_mb']:.1f}/player)"
            for mark in m["marks"]
        )
        print(
            f"{run['tiles']:>3} tiles: before {m['rss_before_mb']:.0f} MB; {marks};"
            f" peak {m['peak_rss_mb']:.0f} MB; a feed held at most {m['max_held_kib']:.0f} KiB"
        )


def main_overload(args: argparse.Namespace) -> int:
    loads = wait_for_quiet(1.0, 30, 600) if args.wait_quiet else [os.getloadavg()[0]]
    started = time.perf_counter()
    info = machine()
    xvfb = Xvfb(SCREEN)
    runtime = tempfile.mkdtemp(prefix="live-view-")
    os.environ.update(DISPLAY=xvfb.display, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=runtime)
    os.environ.pop("WAYLAND_DISPLAY", None)
    try:
        if args.memory:
            print("memory: the viewer's RSS per player", flush=True)
            result = bench_overload(
                args.memory_tiles,
                args.memory_seconds,
                args.cache_dir,
                args.governor_quiet,
                sample_s=1.0,
            )
        else:
            print("P2 above 12 streams: overload", flush=True)
            result = bench_overload(
                args.overload_tiles, args.overload_seconds, args.cache_dir, args.governor_quiet
            )
    finally:
        xvfb.close()
        shutil.rmtree(runtime, ignore_errors=True)
    run_s = time.perf_counter() - started
    print_overload(result)
    if args.memory:
        print_memory(result)
    print(
        f"\nrun time {run_s:.0f} s, load average at start {info['load_average_at_start'][0]:.2f},"
        f" at end {os.getloadavg()[0]:.2f}"
    )
    name = "live_view_memory.json" if args.memory else "live_view_overload.json"
    output = args.output or RESULTS.with_name(name)
    output.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "benchmark": "live_view_memory" if args.memory else "live_view_overload",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": run_s,
        "machine": {**info, "load_average_at_end": os.getloadavg(), "loads_waited": loads},
        "settings": {
            "tiles": args.memory_tiles if args.memory else args.overload_tiles,
            "seconds": args.memory_seconds if args.memory else args.overload_seconds,
            "governor": result.get("governor"),
            "settle_s": SETTLE_S,
            "switch_settle_s": SWITCH_SETTLE_S,
            "freeze_s": FREEZE_S,
        },
        "overload": result,
    }
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"numbers written to {output}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="CPU window length")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of each CPU window")
    parser.add_argument("--layouts", type=int, nargs="+", default=[2, 3, 4, 5], help="grid sides")
    parser.add_argument("--loss-tiles", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of P8 and P9")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="P1 only, both references: 2×2 and 3×3 on both sites, 1 round of 6 s windows",
    )
    parser.add_argument(
        "--lever",
        dest="levers",
        action="append",
        default=[],
        metavar="LEVER",
        help="measure a lever besides the defaults (repeatable): 'align' (video surfaces of"
        " the stream's aspect, width aligned to 16 px), 'threads=N' (libavcodec threads a"
        " player; 0: libvlc's choice; the console uses 1)",
    )
    parser.add_argument("--skip-mpv", action="store_true", help="no mpv reference")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="only the viewer's RSS per player over --memory-seconds at --memory-tiles"
        " (1080p30 main streams, the console's wiring), to results/live_view_memory.json",
    )
    parser.add_argument("--memory-tiles", type=int, nargs="+", default=[16, 28])
    parser.add_argument("--memory-seconds", type=float, default=300.0)
    parser.add_argument("--skip-cpu", action="store_true")
    parser.add_argument("--skip-720p", action="store_true")
    parser.add_argument("--skip-loss", action="store_true")
    parser.add_argument("--skip-first-frame", action="store_true")
    parser.add_argument(
        "--wait-quiet",
        action="store_true",
        help="first wait (up to 10 min) for a 1-minute load average below 1.0",
    )
    parser.add_argument(
        "--overload",
        action="store_true",
        help="only the overload run (P2 above 12 streams), to results/live_view_overload.json",
    )
    parser.add_argument(
        "--overload-tiles", type=int, nargs="+", default=[12, 16, 20, 24, 28], help="N streams"
    )
    parser.add_argument("--overload-seconds", type=float, default=40.0, help="each N, from opening")
    parser.add_argument(
        "--governor-quiet",
        "--full-again",
        type=float,
        default=None,
        metavar="S",
        help="the overload governor's quiet_s: seconds without losses before a stream goes back"
        " to full decoding (default: the console's, 60 s)",
    )
    parser.add_argument("--cache-dir", type=Path, default=CLIP_CACHE, help="clip cache")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.overload or args.memory:
        return main_overload(args)
    args.output = args.output or RESULTS
    if args.quick:
        args.seconds, args.repeat, args.layouts = 6.0, 1, [2, 3]
        args.skip_loss = args.skip_first_frame = True

    loads = wait_for_quiet(1.0, 30, 600) if args.wait_quiet else [os.getloadavg()[0]]
    started = time.perf_counter()
    info = machine()
    xvfb = Xvfb(SCREEN)
    runtime = tempfile.mkdtemp(prefix="live-view-")  # libvlc and Qt want one; none in CI
    os.environ.update(DISPLAY=xvfb.display, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=runtime)
    os.environ.pop("WAYLAND_DISPLAY", None)
    cpu: list[dict[str, Any]] = []
    loss = first = None
    try:
        if not args.skip_cpu:
            for name in SITES:
                if name == "720p/D1" and args.skip_720p:
                    continue
                print(f"P1: CPU of {', '.join(str(n * n) for n in args.layouts)} tiles", flush=True)
                cpu.append(
                    bench_grid_cpu(
                        name,
                        args.layouts,
                        args.seconds,
                        args.repeat,
                        args.cache_dir,
                        xvfb,
                        args.levers,
                        not args.skip_mpv,
                    )
                )
        if not args.skip_loss:
            print("P2: frame loss", flush=True)
            loss = bench_loss(args.loss_tiles, args.seconds, args.cache_dir, xvfb)
        if not args.skip_first_frame:
            print("P8, P9: first frames", flush=True)
            first = bench_first_frame(args.rounds, args.cache_dir)
    finally:
        xvfb.close()
        shutil.rmtree(runtime, ignore_errors=True)
    rows = targets(cpu, loss, first)
    run_s = time.perf_counter() - started
    print()
    print_table(rows)
    print_details(cpu, loss, first)
    print(
        f"\nrun time {run_s:.0f} s, load average at start {info['load_average_at_start'][0]:.2f},"
        f" at end {os.getloadavg()[0]:.2f}"
    )
    results = {
        "benchmark": "live_view",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_seconds": run_s,
        "machine": {**info, "load_average_at_end": os.getloadavg(), "loads_waited": loads},
        "settings": {
            "seconds": args.seconds,
            "repeat": args.repeat,
            "layouts": args.layouts,
            "levers": args.levers,
            "mpv": None if args.skip_mpv else list(MPV_ARGS),
            "loss_tiles": args.loss_tiles,
            "rounds": args.rounds,
            "screen": SCREEN,
            "sites": SITES,
            "settle_s": SETTLE_S,
        },
        "targets": rows,
        "cpu": cpu,
        "loss": loss,
        "first_frame": first,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"numbers written to {args.output}")
    return 0 if all(row["pass"] is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
