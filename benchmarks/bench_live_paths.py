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

MODES = ("decode", "swscale", "opencv", "vlc-fd")


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


def measure(mode: str, layout: int, urls: list[str], seconds: float, xvfb: Any) -> dict[str, Any]:
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
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child and args.child[0] == "vlc-fd":
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
                    row.setdefault("mpv", []).append(
                        live_view.mpv_grid(urls, layout, args.seconds, xvfb)
                    )
                    for mode in MODES:
                        row.setdefault(mode, []).append(
                            measure(mode, layout, urls, args.seconds, xvfb)
                        )
    finally:
        xvfb.close()
        shutil.rmtree(runtime, ignore_errors=True)
    print(f"\n{args.site} site, {sub[0]}×{sub[1]} sub streams, medians of {args.repeat} rounds")
    print(
        "| Tiles | ffmpeg live | PyAV decode (/ live) | libvlc fed by fd (/ live) + remux"
        " | mpv + Xvfb | swscale drawn + Xvfb (/ mpv) | OpenCV drawn + Xvfb (/ mpv)"
        " | fps a tile, OpenCV / libvlc |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for layout, row in rows.items():

        def med(mode: str, key: str = "percent", row: dict[str, Any] = row) -> float:
            return statistics.median(r[key] for r in row[mode])

        live, mpv = med("live"), med("mpv") + med("mpv", "xvfb_percent")
        decode, vlc = med("decode"), med("vlc-fd")
        drawn = {m: med(m) + med(m, "xvfb_percent") for m in ("swscale", "opencv")}
        fps = [med(m, "painted_per_s") / layout**2 for m in ("opencv", "vlc-fd")]
        print(
            f"| {layout**2} | {live:.1f} % | {decode:.1f} % ({decode / live:.2f}×)"
            f" | {vlc:.1f} % ({vlc / live:.2f}×) + {med('vlc-fd', 'remux_percent'):.1f} %"
            f" | {mpv:.1f} % | {drawn['swscale']:.1f} % ({drawn['swscale'] / mpv:.2f}×)"
            f" | {drawn['opencv']:.1f} % ({drawn['opencv'] / mpv:.2f}×)"
            f" | {fps[0]:.1f} / {fps[1]:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
