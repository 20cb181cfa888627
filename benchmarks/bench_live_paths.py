"""Another live path, measured beside P1's references: PyAV decoding and Qt painting the tiles.

    .venv/bin/python benchmarks/bench_live_paths.py [--site SITE] [--seconds S] [--repeat N]

What the live grid would cost without libvlc: each tile's sub stream opened with PyAV (the
ingest's options), decoded on the reader's thread with one decoder thread, and, in the drawn
modes, converted to the tile's size and painted by Qt into a widget under Xvfb. It answers the
question P1 left (docs/live-view-performance.md): whether a decode path in PyAV reaches ≤ 1.3×
of ffmpeg decoding the same live streams, and what drawing every picture through the CPU then
costs against one mpv a tile. Not the console's path; the console's own figures come from
bench_live_view.py.

For 4 and 9 tiles of the chosen site (bench_live_view.py's simulated sites, 25 fps), in the
same run, `--repeat` rounds (default 2), each a window of `--seconds` (default 20) after the
streams settled:

live      ffmpeg -threads 1 decoding the same live RTSP sub streams to null (one a stream)
mpv       one mpv a tile, bench_live_view.MPV_ARGS, placed as the grid, under the same Xvfb
decode    PyAV: open, demux, decode; nothing drawn
swscale   decode, then PyAV's reformat to BGRA at the tile's size (bilinear), painted by Qt
opencv    decode, then OpenCV's I420→BGRA at the stream's size and its bilinear resize straight
          into the QImage painted by Qt
vlc-fd    libvlc's decode path (the console's instance and media options, --vout=vdummy) fed
          without Python: each stream remuxed to MPEG-TS by `ffmpeg -c copy` into a pipe that
          libvlc reads as fd://N; libvlc's process and the remuxers are counted apart. The
          floor of the pipe/fd feed lever, and of an ingest in C
vlc-pipe  the pipe/fd feed lever itself: the console's ingest (PyAvSource, a reader thread a
          stream) and its TsMuxer write each packet's TS into a pipe on the reader's thread;
          libvlc as in vlc-fd reads it as fd://N. All in one process: the console's decode path
          with the feed through a pipe instead of the Python read callback
vlc-callback  the console's decode path, for comparison in the same run: the same ingest, and
          LiveView (devices/media/vlc_feed.py) feeding libvlc through its read callback

CPU in % of one core (every thread of the process; Xvfb's apart). Prints a table; writes
nothing. The D1 site's 5:4 picture is stretched to the 16:9 tile here (no letterbox).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import av

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_live_view as live_view
from bench_simulator import authenticated, cpu_seconds

MODES = ("decode", "swscale", "opencv", "vlc-fd", "vlc-pipe", "vlc-callback")


def _vlc_child(fds: list[int]) -> None:
    """libvlc players reading the pipes `fds`, until terminated; prints every second the
    pictures they displayed so far."""
    import vlc

    from devices.media.vlc_feed import DECODER_THREADS, INSTANCE_ARGS, MEDIA_OPTIONS

    instance = vlc.Instance([*INSTANCE_ARGS, "--vout=vdummy"])
    players = []
    for fd in fds:
        media = instance.media_new(f"fd://{fd}")
        for option in (*MEDIA_OPTIONS, f":avcodec-threads={DECODER_THREADS}"):
            media.add_option(option)
        player = instance.media_player_new()
        player.set_media(media)
        player.play()
        players.append((player, media))
    while True:
        time.sleep(1.0)
        shown = 0
        for _, media in players:
            stats = vlc.MediaStats()
            if media.get_stats(stats):
                shown += stats.displayed_pictures
        print(shown, flush=True)


def _pipe_child(cameras: list[str], *, callbacks: bool = False) -> None:
    """The vlc-pipe mode, or with `callbacks` vlc-callback (see the docstring); `cameras` are
    "url user password" triples."""
    from console.camera_login import CameraLogin, host_of
    from devices.media.ingest import PyAvSource
    from devices.media.vlc_feed import LiveView, TsMuxer, VlcInstance

    def reader(url: str, user: str, password: str, fd: int) -> None:
        source = PyAvSource.open(url, CameraLogin.bind(host_of(url), user, password))
        muxer = TsMuxer(source.info(), end_pictures=True)
        while (packet := source.read()) is not None:
            data = muxer.mux(packet)
            while data:
                data = data[os.write(fd, data) :]

    def callback_reader(url: str, user: str, password: str, view: LiveView) -> None:
        source = PyAvSource.open(url, CameraLogin.bind(host_of(url), user, password))
        view.start(source.info())
        while (packet := source.read()) is not None:
            view.feed(packet)

    triples = list(zip(cameras[::3], cameras[1::3], cameras[2::3], strict=True))
    if not callbacks:
        fds = []
        for url, user, password in triples:
            read_fd, write_fd = os.pipe()
            fds.append(read_fd)
            threading.Thread(
                target=reader, args=(url, user, password, write_fd), daemon=True
            ).start()
        _vlc_child(fds)
        return
    instance = VlcInstance(["--vout=vdummy"])
    views = [LiveView(instance) for _ in triples]
    for (url, user, password), view in zip(triples, views, strict=True):
        threading.Thread(
            target=callback_reader, args=(url, user, password, view), daemon=True
        ).start()
    while True:
        time.sleep(1.0)
        print(sum(view.stats().get("displayed", 0) for view in views), flush=True)


def _child(mode: str, layout: int, urls: list[str]) -> None:
    """The grid of one mode, until terminated; prints the pictures painted so far every second."""
    import cv2
    import numpy as np
    from PySide6.QtCore import QObject, Qt, QTimer, Signal
    from PySide6.QtGui import QImage, QPainter, QPaintEvent
    from PySide6.QtWidgets import QApplication, QWidget

    cv2.setNumThreads(1)
    width, height = live_view.SCREEN[0] // layout, live_view.SCREEN[1] // layout

    class Relay(QObject):
        ready = Signal(object)

    class Tile(QWidget):
        def __init__(self, parent: QWidget) -> None:
            super().__init__(parent)
            self.image: QImage | None = None
            self.painted = 0
            self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
            self.relay = Relay()
            self.relay.ready.connect(self.show_image, Qt.ConnectionType.QueuedConnection)

        def show_image(self, image: QImage) -> None:
            self.image = image
            self.update()

        def paintEvent(self, event: QPaintEvent) -> None:
            if self.image is not None:
                QPainter(self).drawImage(0, 0, self.image)
                self.painted += 1

    def reader(url: str, tile: Tile) -> None:
        source: Any = None
        with av.open(url, options=live_view.PYAV_OPTIONS) as container:
            stream = container.streams.video[0]
            stream.codec_context.thread_count = 1
            for packet in container.demux(stream):
                for frame in packet.decode():
                    if mode == "swscale":
                        rgb = frame.reformat(
                            format="bgra", width=width, height=height, interpolation="BILINEAR"
                        )
                        plane = rgb.planes[0]
                        image = QImage(
                            bytes(plane), width, height, plane.line_size, QImage.Format.Format_RGB32
                        )
                        tile.relay.ready.emit(image)
                    elif mode == "opencv":
                        planes = frame.to_ndarray(format="yuv420p")
                        if source is None:
                            source = np.empty((frame.height, frame.width, 4), np.uint8)
                        cv2.cvtColor(planes, cv2.COLOR_YUV2BGRA_I420, dst=source)
                        image = QImage(width, height, QImage.Format.Format_RGB32)
                        view = np.frombuffer(image.bits(), np.uint8).reshape(
                            height, image.bytesPerLine() // 4, 4
                        )[:, :width]
                        cv2.resize(source, (width, height), dst=view)
                        tile.relay.ready.emit(image)

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint)
    window.setGeometry(0, 0, *live_view.SCREEN)
    tiles = []
    for index, url in enumerate(urls):
        tile = Tile(window)
        row, column = divmod(index, layout)
        tile.setGeometry(column * width, row * height, width, height)
        tiles.append(tile)
        threading.Thread(target=reader, args=(url, tile), daemon=True).start()
    window.show()
    timer = QTimer()
    timer.timeout.connect(lambda: print(sum(t.painted for t in tiles), flush=True))
    timer.start(1000)
    app.exec()


def measure(
    mode: str, layout: int, cameras: list[Any], seconds: float, xvfb: Any
) -> dict[str, Any]:
    urls = [authenticated(c.sub_url or "", c) for c in cameras]
    remuxers: list[subprocess.Popen[bytes]] = []
    fds: list[int] = []
    if mode == "vlc-fd":
        head = ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp"]
        for url in urls:
            read_fd, write_fd = os.pipe()
            remuxers.append(
                subprocess.Popen(
                    [*head, "-i", url, "-an", "-c", "copy", "-f", "mpegts", "pipe:1"],
                    stdout=write_fd,
                    stderr=subprocess.DEVNULL,
                )
            )
            os.close(write_fd)
            fds.append(read_fd)
        command = [sys.executable, __file__, "--child", mode, str(layout), *map(str, fds)]
    elif mode in ("vlc-pipe", "vlc-callback"):
        command = [sys.executable, __file__, "--child", mode, str(layout)]
        for camera in cameras:
            command += [camera.sub_url or "", camera.user, camera.password]
    else:
        command = [sys.executable, __file__, "--child", mode, str(layout), *urls]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, pass_fds=fds)
    for fd in fds:
        os.close(fd)
    try:
        time.sleep(live_view.SETTLE_S + 2)
        before, x_before = cpu_seconds(process.pid), cpu_seconds(xvfb.pid)
        r_before = sum(cpu_seconds(r.pid) for r in remuxers)
        began = time.monotonic()
        time.sleep(seconds)
        after, x_after = cpu_seconds(process.pid), cpu_seconds(xvfb.pid)
        r_after = sum(cpu_seconds(r.pid) for r in remuxers)
        wall = time.monotonic() - began
        if process.poll() is not None or any(r.poll() is not None for r in remuxers):
            raise SystemExit(f"the {mode} grid stopped")
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
        for remuxer in remuxers:
            remuxer.terminate()
            remuxer.wait(10)
    # One count a second: from the window's start to the last.
    painted = [int(line) for line in out.split()]
    first = min(int(live_view.SETTLE_S + 2), len(painted) - 1)
    return {
        "percent": 100 * (after - before) / wall,
        "xvfb_percent": 100 * (x_after - x_before) / wall,
        "remux_percent": 100 * (r_after - r_before) / wall,
        "painted_per_s": (painted[-1] - painted[first]) / max(1, len(painted) - 1 - first),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", choices=sorted(live_view.SITES), default="1080p")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--skip-mpv", action="store_true", help="no mpv reference")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child and args.child[0] in ("vlc-pipe", "vlc-callback"):
        _pipe_child(args.child[2:], callbacks=args.child[0] == "vlc-callback")
    elif args.child and args.child[0] == "vlc-fd":
        _vlc_child([int(fd) for fd in args.child[2:]])
    elif args.child:
        _child(args.child[0], int(args.child[1]), args.child[2:])
        return 0
    xvfb = live_view.Xvfb(live_view.SCREEN)
    runtime = tempfile.mkdtemp(prefix="live-paths-")
    os.environ.update(DISPLAY=xvfb.display, QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=runtime)
    os.environ.pop("WAYLAND_DISPLAY", None)
    main_size, sub = live_view.SITES[args.site]
    rows: dict[int, dict[str, list[dict[str, Any]]]] = {}
    try:
        with live_view.site_running(args.site, main_size, sub, 9, 25, live_view.CLIP_CACHE) as (
            _,
            endpoints,
        ):
            for _ in range(args.repeat):
                for layout in (2, 3):
                    urls = [authenticated(c.sub_url or "", c) for c in endpoints[: layout**2]]
                    row = rows.setdefault(layout, {})
                    row.setdefault("live", []).append(live_view.live_decode(urls, args.seconds))
                    if not args.skip_mpv:
                        row.setdefault("mpv", []).append(
                            live_view.mpv_grid(urls, layout, args.seconds, xvfb)
                        )
                    for mode in args.modes:
                        row.setdefault(mode, []).append(
                            measure(mode, layout, endpoints[: layout**2], args.seconds, xvfb)
                        )
    finally:
        xvfb.close()
        shutil.rmtree(runtime, ignore_errors=True)
    print(f"\n{args.site} site, {sub[0]}×{sub[1]} sub streams, medians of {args.repeat} rounds")
    decodes = [m for m in ("decode", "vlc-fd", "vlc-pipe", "vlc-callback") if m in args.modes]
    drawn = [m for m in ("swscale", "opencv") if m in args.modes and not args.skip_mpv]
    print(
        "| Tiles | ffmpeg live | "
        + " | ".join(f"{m} (/ live)" for m in decodes)
        + ("" if args.skip_mpv else " | mpv + Xvfb")
        + "".join(f" | {m} + Xvfb (/ mpv)" for m in drawn)
        + " | fps a tile, lowest |"
    )
    print("|---" * (3 + len(decodes) + len(drawn) + (0 if args.skip_mpv else 1)) + "|")
    for layout, row in rows.items():

        def med(mode: str, key: str = "percent", row: dict[str, Any] = row) -> float:
            return statistics.median(r[key] for r in row[mode])

        live = med("live")
        cells = [f"{layout**2}", f"{live:.1f} %"]
        for mode in decodes:
            cell = f"{med(mode):.1f} % ({med(mode) / live:.2f}×)"
            if mode == "vlc-fd":
                cell += f" + remux {med(mode, 'remux_percent'):.1f} %"
            cells.append(cell)
        if not args.skip_mpv:
            mpv = med("mpv") + med("mpv", "xvfb_percent")
            cells.append(f"{mpv:.1f} %")
            for mode in drawn:
                total = med(mode) + med(mode, "xvfb_percent")
                cells.append(f"{total:.1f} % ({total / mpv:.2f}×)")
        shown = [med(m, "painted_per_s") / layout**2 for m in args.modes if m != "decode"]
        cells.append(f"{min(shown):.1f}" if shown else "—")
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
