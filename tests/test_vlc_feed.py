"""The live-view feed: PyAV packets remuxed to MPEG-TS in memory and shown by libvlc.

Unit tests check the muxer by demuxing and decoding its output again with PyAV. The tests marked
`xvfb` run a real X server (Xvfb, `-displayfd`, as tests/test_xvfb.py) and a child process (this
file run as a script, with Qt on the xcb platform) that plays a simulated camera's clip, paced in
real time, into native child widgets and takes screenshots with ImageMagick's `import`; the
tests read the screenshots: a picture, moving, of the right camera (its pixel code), the whole
frame, no lost pictures, keyframes only still showing one, and a clean stop.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

av = pytest.importorskip("av")

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script (the child)
    sys.path.insert(0, str(REPO))

from console.media.packets import Packet, StreamInfo  # noqa: E402
from devices.media.vlc_feed import TsMuxer, UnsupportedCodec, _Feed  # noqa: E402
from devices.simulator.clips import (  # noqa: E402
    CAMERA_ROW,
    FRAME_ROW,
    camera_code,
    clip_for,
    decode_pixel_code,
    frame_rows,
)

CAMERA = "Stora torget"
FPS = 25
#: The tiles are 16:9 like the clips: the frame fills them exactly, so the pixel code (laid out
#: in fractions of the frame) decodes from the tile's screenshot only if the whole frame is shown.
TILE = (640, 360)
SMALL_TILE = (320, 180)
#: Luminance standard deviation below which a screenshot counts as uniform (nothing shown).
MIN_STDDEV = 4.0


def clip_packets(path: Path) -> tuple[StreamInfo, list[Packet]]:
    """A clip's stream parameters and its packets, as the ingest hands them to the hub."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        info = StreamInfo(
            codec=ctx.name,
            width=ctx.width,
            height=ctx.height,
            time_base=stream.time_base,
            extradata=bytes(ctx.extradata or b""),
            fps=float(stream.average_rate) if stream.average_rate else None,
        )
        packets = [
            Packet(bytes(p), p.pts, p.dts, p.is_keyframe, p.time_base, p.duration or 0)
            for p in container.demux(stream)
            if p.size
        ]
    return info, packets


def remux(info: StreamInfo, packets: list[Packet], walls: list[float]) -> tuple[bytes, TsMuxer]:
    muxer = TsMuxer(info)
    out = b"".join(muxer.mux(p, arrived=w) for p, w in zip(packets, walls, strict=True))
    return out + muxer.close(), muxer


def demux(data: bytes) -> tuple[list[Any], list[Any]]:
    """Packets and decoded frames of an MPEG-TS byte string."""
    with av.open(io.BytesIO(data), format="mpegts") as container:
        packets = [p for p in container.demux(video=0) if p.size]
    with av.open(io.BytesIO(data), format="mpegts") as container:
        frames = list(container.decode(video=0))
    return packets, frames


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="module")
def clip(cache: Path) -> tuple[StreamInfo, list[Packet]]:
    return clip_packets(clip_for(CAMERA, 320, 180, FPS, 3, cache))


# -- the muxer ----------------------------------------------------------------------------------


def test_remuxed_stream_has_every_packet_and_decodes_in_order(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    info, packets = clip
    data, muxer = remux(info, packets, [i / FPS for i in range(len(packets))])

    out, frames = demux(data)
    assert len(out) == len(packets)
    assert [p.is_keyframe for p in out] == [p.keyframe for p in packets]
    stamps = [p.pts for p in out]
    assert stamps == sorted(set(stamps)), "presentation times strictly increase"
    assert [decode_pixel_code(frame_rows(f)) for f in frames] == list(range(len(packets)))
    assert muxer.counts.muxed == len(packets)
    assert muxer.counts.dropped == muxer.counts.restarts == 0


def test_missing_and_repeated_timestamps_and_a_restart(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    """pts missing, a dts that does not increase, then the camera comes back after a 5 s gap with
    timestamps from zero and a P-frame before its first keyframe."""
    info, packets = clip
    first, second = packets[: FPS + 5], packets[FPS + 5 :]
    damaged = list(first)
    damaged[3] = dataclasses.replace(damaged[3], pts=None)
    damaged[4] = dataclasses.replace(damaged[4], dts=damaged[3].dts)
    key = next(i for i, p in enumerate(second) if p.keyframe)
    restarted = [
        dataclasses.replace(p, pts=p.pts - second[key].pts, dts=p.dts - second[key].dts)
        for p in second[key - 1 :]
    ]
    walls = [i / FPS for i in range(len(damaged))]
    walls += [walls[-1] + 5 + i / FPS for i in range(len(restarted))]

    data, muxer = remux(info, damaged + restarted, walls)

    out, frames = demux(data)
    # The P-frame before the restart's keyframe lacks its references: dropped, nothing else.
    assert len(out) == len(damaged) + len(restarted) - 1
    assert (muxer.counts.dropped, muxer.counts.restarts) == (1, 1)
    assert muxer.counts.fixed >= 2
    stamps = [p.pts for p in out]
    assert stamps == sorted(set(stamps)), "presentation times strictly increase"
    gap = (stamps[len(damaged)] - stamps[len(damaged) - 1]) * out[0].time_base
    assert 4.5 < gap < 5.5, "the timeline continues where the wall clock says"
    numbers = [decode_pixel_code(frame_rows(f)) for f in frames]
    assert numbers[: len(damaged)] == list(range(len(damaged)))
    assert numbers[len(damaged) :] == list(range(FPS + 5 + key, len(packets)))


@pytest.mark.parametrize("restart", [False, True])
def test_a_first_keyframe_without_timestamps_is_shown(
    clip: tuple[StreamInfo, list[Packet]], restart: bool
) -> None:
    """FFmpeg's RTSP demuxer hands out a session's first packet, a keyframe, without pts or
    dts (before RTCP has synced). It must start the picture, not wait a GOP for the next
    keyframe; the timestamped packets after it continue one frame later. Also after a
    restart: a new session 5 s after the previous one, timestamps from zero."""
    info, packets = clip
    first = [dataclasses.replace(packets[0], pts=None, dts=None), *packets[1:FPS]]
    walls = [i / FPS for i in range(len(first))]
    session = first
    if restart:
        before = packets[:FPS]
        session = before + first
        walls = [i / FPS for i in range(FPS)] + [FPS / FPS + 5 + w for w in walls]

    data, muxer = remux(info, session, walls)

    out, frames = demux(data)
    assert len(out) == len(session)
    stamps = [p.pts for p in out]
    assert stamps == sorted(set(stamps)), "presentation times strictly increase"
    step = stamps[-1] - stamps[-2]
    assert stamps[-FPS + 1] - stamps[-FPS] == step, "the keyframe sits one frame before"
    numbers = [decode_pixel_code(frame_rows(f)) for f in frames]
    assert numbers[-FPS:] == list(range(FPS))
    assert muxer.counts.dropped == 0
    assert muxer.counts.restarts == (1 if restart else 0)
    if restart:
        gap = (stamps[FPS] - stamps[FPS - 1]) * out[0].time_base
        assert 4.5 < gap < 6.5, "the timeline continues where the wall clock says"


def _strip_parameter_sets(data: bytes) -> bytes:
    units = [u for u in data.split(b"\x00\x00\x01") if u]
    kept = [u.rstrip(b"\x00") for u in units if u[0] & 0x1F not in (7, 8)]
    return b"".join(b"\x00\x00\x00\x01" + u for u in kept)


def _avcc(parameter_sets: bytes) -> bytes:
    units = [u.rstrip(b"\x00") for u in parameter_sets.split(b"\x00\x00\x01") if u]
    sps = [u for u in units if u[0] & 0x1F == 7]
    pps = [u for u in units if u[0] & 0x1F == 8]
    out = bytes([1, sps[0][1], sps[0][2], sps[0][3], 0xFF, 0xE0 | len(sps)])
    for unit in sps:
        out += len(unit).to_bytes(2, "big") + unit
    out += bytes([len(pps)])
    for unit in pps:
        out += len(unit).to_bytes(2, "big") + unit
    return out


def _length_prefixed(annexb: bytes) -> bytes:
    units = [u.rstrip(b"\x00") for u in annexb.split(b"\x00\x00\x01") if u]
    return b"".join(len(u).to_bytes(4, "big") + u for u in units)


@pytest.mark.parametrize("layout", ["annexb", "avcc"])
def test_parameter_sets_only_out_of_band_are_put_before_keyframes(
    clip: tuple[StreamInfo, list[Packet]], layout: str
) -> None:
    """Cameras often send SPS/PPS only in the SDP (RTSP) or in avcC extradata (MP4)."""
    info, packets = clip
    bare = [dataclasses.replace(p, data=_strip_parameter_sets(p.data)) for p in packets]
    assert info.extradata.startswith(b"\x00\x00")
    if layout == "avcc":
        info = dataclasses.replace(info, extradata=_avcc(info.extradata))
        bare = [dataclasses.replace(p, data=_length_prefixed(p.data)) for p in bare]

    data, _ = remux(info, bare, [i / FPS for i in range(len(bare))])

    _, frames = demux(data)
    assert [decode_pixel_code(frame_rows(f)) for f in frames] == list(range(len(packets)))


def test_other_codecs_are_refused_with_a_reason() -> None:
    info = StreamInfo("hevc", 1920, 1080, Fraction(1, 90000))
    with pytest.raises(UnsupportedCodec, match="hevc"):
        TsMuxer(info)


def test_a_player_that_does_not_read_costs_whole_gops_not_memory(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    info, packets = clip
    feed = _Feed(info, max_wait_s=0.2, max_bytes=1 << 30)
    for packet in packets[1:]:  # from a P-frame: nothing is queued before a keyframe
        feed.put(packet)
    assert feed.queue[0].packet.keyframe
    time.sleep(0.25)
    feed.put(packets[-1])
    # The oldest GOP went, whole: the queue starts at the next keyframe.
    assert feed.dropped_gops == 1
    assert feed.queue[0].packet is packets[2 * FPS]
    assert len(feed.queue) == FPS + 1


def fast_stream(info: StreamInfo, seconds: int) -> list[Packet]:
    """An 8 Mb/s stream at 25 fps with a keyframe a second (300 KB keyframes, 30 KB P-frames):
    more than a main stream of the simulated site, made of the clip's parameters."""
    out = []
    for i in range(seconds * FPS):
        key = i % FPS == 0
        out.append(Packet(bytes(300_000 if key else 30_000), i, i, key, Fraction(1, FPS), 1))
    return out


def test_what_a_player_holds_of_a_stream_it_does_not_consume_is_bounded(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    """A player whose decoder takes nothing while a fast stream keeps coming holds at most
    PLAYER_MAX_BYTES of it: the feed's queue (with the packet being read) and libvlc's prefetch
    buffer, which the instance sets; and it keeps the newest whole GOP, so it goes on at once
    when it reads again."""
    from devices.media.vlc_feed import (
        FEED_MAX_BYTES,
        INSTANCE_ARGS,
        PLAYER_MAX_BYTES,
        PREFETCH_KIB,
        PREFETCH_READ_BYTES,
    )

    assert PLAYER_MAX_BYTES <= 4 << 20
    assert f"--prefetch-buffer-size={PREFETCH_KIB}" in INSTANCE_ARGS
    assert f"--prefetch-read-size={PREFETCH_READ_BYTES}" in INSTANCE_ARGS
    assert FEED_MAX_BYTES + max(PREFETCH_KIB << 10, PREFETCH_READ_BYTES) <= PLAYER_MAX_BYTES
    info, _ = clip
    feed = _Feed(info, max_wait_s=60.0, max_bytes=FEED_MAX_BYTES)
    # The reader took one packet (a keyframe) and stopped there: its bytes count too.
    stream = fast_stream(info, 30)
    feed.put(stream[0])
    feed.queue.popleft()
    feed.queued_bytes -= len(stream[0].data)
    feed.reading_bytes = len(stream[0].data)
    most = 0
    for packet in stream[1:]:
        feed.put(packet)
        most = max(most, feed.held_bytes)
        assert feed.held_bytes <= FEED_MAX_BYTES
    assert most > FEED_MAX_BYTES - 400_000, "the bound was reached, not missed by a small stream"
    assert feed.queue[0].packet.keyframe
    assert feed.queue[-1].packet is stream[-1]
    assert feed.dropped_gops > 0


def test_a_player_with_the_small_prefetch_buffer_shows_every_picture(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    """The bounded prefetch costs no pictures: a stream fed in real time is decoded and shown
    whole, nothing dropped by the feed, nothing lost by libvlc."""
    pytest.importorskip("vlc")
    from devices.media.vlc_feed import LiveView, VlcInstance

    info, packets = clip
    instance = VlcInstance(["--vout=vdummy"])
    view = LiveView(instance)
    try:
        view.start(info)
        started = time.monotonic()
        for i, packet in enumerate(packets):
            view.feed(packet)
            time.sleep(max(0.0, started + (i + 1) / FPS - time.monotonic()))
        time.sleep(1.5)  # libvlc's 300 ms delay and its counters (updated about once a second)
        stats = view.stats()
        assert stats["dropped"] == 0
        assert stats["lost"] == 0
        assert stats["decoded"] >= len(packets) - FPS // 2
    finally:
        view.release()
        instance.release()


def test_packets_fed_before_start_play_from_their_keyframe(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    """A cold stream's first packets reach the view before the GUI thread has started its
    player; they are kept from the latest keyframe and played by `start`."""
    pytest.importorskip("vlc")
    from devices.media.vlc_feed import LiveView, VlcInstance

    info, packets = clip
    instance = VlcInstance(["--vout=vdummy"])  # no window: nothing is drawn
    view = LiveView(instance)
    try:
        for packet in packets[1:5] + packets[FPS : FPS + 5] + packets[2 * FPS : 2 * FPS + 3]:
            view.feed(packet)  # P-frames alone, then two keyframes with a few P-frames each
        view.start(info)
        stats = view.stats()
        assert (stats["fed"], stats["dropped"]) == (3, 0), "from the latest keyframe on"
        view.feed(packets[2 * FPS + 3])
        assert view.stats()["fed"] == 4
    finally:
        view.release()
        instance.release()


def test_after_a_reconnect_the_new_sessions_packets_wait_for_the_new_stream(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    """The hub reconnected: its new StreamInfo reaches the view on the hub's thread and the
    view restarts on the GUI thread a moment later. The new session's first packets, which come
    meanwhile, must not go into the old stream (whose muxer would take them as a jump and drop
    them up to the next keyframe): `detach` makes them wait for `start`."""
    pytest.importorskip("vlc")
    from devices.media.vlc_feed import LiveView, VlcInstance

    info, packets = clip
    instance = VlcInstance(["--vout=vdummy"])
    view = LiveView(instance)
    try:
        view.start(info)
        for packet in packets[:10]:
            view.feed(packet)
        assert view.stats()["fed"] == 10
        view.detach()  # (the hub's thread, at on_info of the new session)
        for packet in packets[FPS : FPS + 4]:  # the new session: a keyframe and P-frames
            view.feed(packet)
        view.start(info)  # (the GUI thread, a moment later)
        stats = view.stats()
        assert (stats["fed"], stats["dropped"]) == (4, 0), "the new session from its keyframe"
        view.detach()
        view.stop()  # a detached stream is stopped like a playing one
        assert view.stats() == {}
    finally:
        view.release()
        instance.release()


# -- libvlc in a real X server ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Played:
    report: dict[str, Any]
    output: str
    code: int


@pytest.fixture(scope="module")
def display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The parent only: the child runs this file as a script.
    from tests.xvfb_support import start_xvfb, stop

    pytest.importorskip("vlc")
    pytest.importorskip("PySide6")
    for tool, package in (("Xvfb", "xvfb"), ("import", "imagemagick")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: apt-get install {package})")
    try:
        xvfb, env = start_xvfb(tmp_path_factory.mktemp("xvfb") / "xvfb.log", (1280, 800))
    except RuntimeError as err:
        pytest.fail(str(err))
    try:
        yield env["DISPLAY"]
    finally:
        stop(xvfb)


@pytest.fixture(scope="module")
def played(display: str, cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The child's run: one full tile and one keyframes-only tile of the same camera."""
    out_dir = tmp_path_factory.mktemp("played")
    clip = clip_for(CAMERA, *TILE, FPS, 4, cache)
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", LC_ALL="C.UTF-8")
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, __file__, str(clip), str(out_dir)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    report_path = out_dir / "report.json"
    report = json.loads(report_path.read_text()) if report_path.is_file() else {}
    return Played(report, output, done.returncode)


def _rows(path: str) -> list[bytes]:
    from PySide6.QtGui import QImage

    image = QImage(path)
    assert not image.isNull(), f"cannot read the screenshot {path}"
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width = rgb.width()
    return [bytes(rgb.constScanLine(y))[: 3 * width] for y in range(rgb.height())]


def _luma_stddev(rows: list[bytes]) -> float:
    values = [
        (2 * r[i] + 5 * r[i + 1] + r[i + 2]) / 8 for r in rows[::4] for i in range(0, len(r), 12)
    ]
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5


def _ok(played: Played) -> dict[str, Any]:
    assert played.code == 0, f"the player failed:\n{played.output}"
    assert played.report, f"the player wrote no report:\n{played.output}"
    return played.report


@pytest.mark.xvfb
def test_a_tile_shows_moving_video_of_the_right_camera_whole(played: Played) -> None:
    report = _ok(played)
    first, second = _rows(report["shot_1"]), _rows(report["shot_2"])
    assert (len(first[0]) // 3, len(first)) == TILE
    assert _luma_stddev(first) > MIN_STDDEV, "the tile is uniform: no picture"
    assert first != second, "two screenshots 0.5 s apart are the same: the video does not move"
    assert decode_pixel_code(first, CAMERA_ROW) == camera_code(CAMERA)
    # Both code rows sit where they are in the frame: the whole frame fills the tile.
    assert decode_pixel_code(first, FRAME_ROW) is not None
    assert decode_pixel_code(second, FRAME_ROW) != decode_pixel_code(first, FRAME_ROW)


@pytest.mark.xvfb
def test_first_frame_is_signalled_with_the_picture(played: Played) -> None:
    report = _ok(played)
    assert report["first_frame_s"] < 2.0, report
    rows = _rows(report["shot_first"])
    assert _luma_stddev(rows) > MIN_STDDEV, "nothing on screen when first_frame was signalled"


@pytest.mark.xvfb
def test_no_pictures_are_lost_at_full_rate(played: Played) -> None:
    report = _ok(played)
    stats = report["stats"]
    seconds = report["stats_span_s"]
    assert stats["displayed"] >= 0.8 * FPS * seconds, stats
    assert stats["lost"] <= 2, stats
    assert stats["dropped"] == stats["mux_dropped"] == 0, stats
    # Feed to screen: libvlc's fixed 300 ms clock delay plus a frame or two.
    assert 0 <= report["latency_s"] < 0.8, report


@pytest.mark.xvfb
def test_a_keyframes_only_tile_still_shows_the_camera(played: Played) -> None:
    report = _ok(played)
    rows = _rows(report["shot_keyframes"])
    assert (len(rows[0]) // 3, len(rows)) == SMALL_TILE
    assert _luma_stddev(rows) > MIN_STDDEV
    assert decode_pixel_code(rows, CAMERA_ROW) == camera_code(CAMERA)
    numbers = {decode_pixel_code(_rows(p), FRAME_ROW) for p in report["shots_keyframes"]}
    assert len(numbers - {None}) >= 2, "keyframes only, the picture still changes every GOP"
    assert numbers - {None} <= set(range(0, 4 * FPS, FPS)), "only keyframes are shown"


@pytest.mark.xvfb
def test_stop_ends_cleanly(played: Played) -> None:
    report = _ok(played)
    assert report["threads_after_stop"] == ["MainThread"]
    assert report["stop_s"] < 2.0
    assert "Traceback" not in played.output, played.output


# -- the child: plays the clip under Qt on xcb --------------------------------------------------


def _child(clip: Path, out_dir: Path) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    from devices.media.vlc_feed import LiveView, VlcInstance

    app = QApplication([])
    window = QWidget()
    window.setWindowTitle("vlc feed test")
    window.setStyleSheet("background: #202020")
    window.setGeometry(0, 0, TILE[0] + SMALL_TILE[0] + 30, TILE[1] + 20)
    tiles = []
    for x, (w, h) in ((10, TILE), (TILE[0] + 20, SMALL_TILE)):
        tile = QWidget(window)
        tile.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        tile.setGeometry(x, 10, w, h)
        tiles.append(tile)
    window.show()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    pump(0.3)
    info, packets = clip_packets(clip)
    span = len(packets) * (packets[1].dts - packets[0].dts)
    instance = VlcInstance()
    full, small = LiveView(instance), LiveView(instance)
    small.keyframes_only = True
    for view, tile in ((full, tiles[0]), (small, tiles[1])):
        view.attach(int(tile.winId()))
        view.start(info)

    fed = [-1]
    stop = threading.Event()

    def feeder() -> None:
        start = time.monotonic()
        n = 0
        while not stop.is_set():
            loop, i = divmod(n, len(packets))
            delay = start + n / FPS - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            p = packets[i]
            packet = dataclasses.replace(
                p, pts=p.pts + loop * span, dts=p.dts + loop * span, received=time.monotonic()
            )
            full.feed(packet)
            small.feed(packet)
            fed[0] = n
            n += 1

    def shoot(tile: QWidget, name: str) -> str:
        path = str(out_dir / f"{name}.png")
        subprocess.run(["import", "-window", str(int(tile.winId())), path], check=True, timeout=10)
        return path

    thread = threading.Thread(target=feeder, name="feeder")
    began = time.monotonic()
    thread.start()
    report: dict[str, Any] = {}
    while not full.first_frame.is_set() and time.monotonic() - began < 5:
        pump(0.01)
    report["first_frame_s"] = time.monotonic() - began
    report["shot_first"] = shoot(tiles[0], "first")

    pump(1.0)
    report["shot_1"] = shoot(tiles[0], "shot-1")
    pump(0.5)
    report["shot_2"] = shoot(tiles[0], "shot-2")
    # Latency: the frame number on screen against the last one fed just before the shot.
    lags = []
    for k in range(8):
        before = fed[0]
        number = decode_pixel_code(_rows(shoot(tiles[0], f"lag-{k}")), FRAME_ROW)
        if number is not None:
            lags.append((before - number) % len(packets))
        pump(0.1)
    lags.sort()
    report["latency_s"] = lags[len(lags) // 2] / FPS if lags else -1.0
    stats_start, t0 = full.stats(), time.monotonic()
    report["shots_keyframes"] = []
    for k in range(5):
        report["shots_keyframes"].append(shoot(tiles[1], f"keyframes-{k}"))
        pump(0.5)
    report["shot_keyframes"] = report["shots_keyframes"][-1]
    pump(1.2)  # libvlc updates its counters about once a second
    stats = full.stats()
    report["stats_span_s"] = time.monotonic() - t0
    report["stats"] = {
        k: v - stats_start.get(k, 0) if k in ("displayed", "lost", "decoded") else v
        for k, v in stats.items()
    }
    report["stats_keyframes"] = small.stats()

    stop.set()
    thread.join()
    t0 = time.monotonic()
    for view in (full, small):
        view.stop()
        view.release()
    instance.release()
    report["stop_s"] = time.monotonic() - t0
    report["threads_after_stop"] = [t.name for t in threading.enumerate()]
    (out_dir / "report.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1]), Path(sys.argv[2])))


def test_a_player_that_falls_behind_says_so_once_per_dropped_gop(
    clip: tuple[StreamInfo, list[Packet]],
) -> None:
    """libvlc not reading (it cannot decode fast enough) makes the feed drop the oldest GOP;
    the view reports each drop so the tile can degrade to keyframes only instead of
    stuttering."""
    pytest.importorskip("vlc")
    from devices.media.vlc_feed import LiveView, VlcInstance

    info, packets = clip
    instance = VlcInstance(["--vout=vdummy"])
    view = LiveView(instance, max_wait_s=0.2)
    reports: list[int] = []
    try:
        # A stream libvlc does not read (no player runs): as a decoder that cannot keep up.
        stuck = _Feed(info, max_wait_s=0.2, max_bytes=1 << 30)
        view._feed = stuck
        view.on_behind = lambda: reports.append(stuck.dropped_gops)
        for packet in packets[: 2 * FPS]:
            view.feed(packet)
        assert reports == []
        time.sleep(0.25)
        for packet in packets[2 * FPS :]:
            view.feed(packet)
        assert stuck.dropped_gops == 2
        assert reports == [1, 2]
    finally:
        view.release()
        instance.release()
