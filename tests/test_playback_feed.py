"""The playback feeder's timestamps: every tile of a layout stamps its pictures on the layout's
clock (`PlaybackClock.due`), so a feeder thread that gets to a packet late does not make its
picture late, and two tiles' pictures of one recorded instant carry the same timestamp."""

from __future__ import annotations

import itertools
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

av = pytest.importorskip("av")

from console.media.packets import (  # noqa: E402
    Consumer,
    Packet,
    Profile,
    StreamInfo,
    StreamStatus,
)
from console.recording.archive import Segment, SegmentState  # noqa: E402
from console.recording.playback import PlaybackClock  # noqa: E402
from devices.media.playback import CLOCK, SegmentFeeder  # noqa: E402
from devices.media.recorder import Mp4SegmentFormat  # noqa: E402
from devices.simulator.clips import clip_for  # noqa: E402

FPS = 25
START = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
SEGMENT_S = 10


class Stalling(Consumer):
    """A consumer that keeps what it is handed; with `stall_every` it holds the feeder's thread
    for 65 ms (longer than a frame) at every n-th packet, as a busy machine does."""

    def __init__(self, stall_every: int = 0) -> None:
        self.packets: list[Packet] = []
        self.stall_every = stall_every
        self.lock = threading.Lock()

    def on_info(self, info: StreamInfo) -> None:
        pass

    def on_status(self, status: StreamStatus) -> None:
        pass

    def on_packet(self, packet: Packet) -> None:
        with self.lock:
            self.packets.append(packet)
            count = len(self.packets)
        if self.stall_every and count % self.stall_every == 0:
            time.sleep(0.065)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Segment]:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    work = tmp_path_factory.mktemp("playback-feed")
    clip = clip_for("Stora torget", 320, 180, FPS, 2, work)
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        extradata = bytes(stream.codec_context.extradata or b"")
        packets = [(bytes(p), p.is_keyframe) for p in container.demux(stream) if p.size]
    info = StreamInfo("h264", 320, 180, Fraction(1, 90_000), extradata, float(FPS))
    writer = Mp4SegmentFormat().create(work / "segment.mp4", info)
    ticks = 90_000 // FPS
    for frame in range(SEGMENT_S * FPS):
        data, keyframe = packets[frame % len(packets)]
        writer.write(data, frame * ticks, frame * ticks, keyframe)
    size = writer.close()
    segment = Segment(
        1,
        1,
        Profile.MAIN,
        START,
        START + timedelta(seconds=SEGMENT_S),
        size,
        "segment.mp4",
        SegmentState.CLOSED,
    )
    return work, segment


def test_two_tiles_stamp_one_instant_alike_however_late_their_threads(
    recording: tuple[Path, Segment],
) -> None:
    root, segment = recording

    def lookup(start: datetime, end: datetime) -> list[Segment]:
        return [segment] if segment.start < end and start < segment.end else []

    clock = PlaybackClock(START + timedelta(seconds=1))
    tiles = [Stalling(), Stalling(stall_every=4)]
    feeders = [SegmentFeeder(lookup, root, clock, tile) for tile in tiles]
    try:
        for feeder in feeders:
            feeder.start()
        clock.play()
        time.sleep(2.5)
        clock.pause()
    finally:
        for feeder in feeders:
            feeder.close()
    # Both began at the keyframe of the position: packet n is the same recorded frame in both.
    count = min(len(t.packets) for t in tiles)
    assert count >= 2 * FPS, count
    for n in range(count):
        assert tiles[0].packets[n].data == tiles[1].packets[n].data
    stamps = [[p.dts or 0 for p in t.packets[:count]] for t in tiles]
    handed = [[p.received for p in t.packets[:count]] for t in tiles]
    late = max(abs(a - b) for a, b in zip(handed[0][1:], handed[1][1:], strict=True) if a and b)
    assert late > 0.02, "the stalling tile's thread did hand over late"
    for a, b in zip(stamps[0][1:], stamps[1][1:], strict=True):
        assert abs(a - b) <= 1, (a, b)
    # One frame interval apart, as recorded, whatever the hand-over's jitter.
    steps = {b - a for a, b in itertools.pairwise(stamps[0][1:])}
    assert steps <= {CLOCK // FPS - 1, CLOCK // FPS, CLOCK // FPS + 1}, steps


@pytest.mark.parametrize("pauses", [True, False])
def test_after_a_pause_longer_than_2_s_the_player_goes_on_with_the_next_frame(
    recording: tuple[Path, Segment], pauses: bool
) -> None:
    """A pause of 2.5 s, then play: with `pauses` (as the playback window's players have it)
    every frame after the pause reaches libvlc's decoder; without it (a live camera, where such
    a gap means lost frames) the player waits for the next keyframe. The clip has a keyframe a
    second, so that costs up to 24 frames."""
    pytest.importorskip("vlc")
    from devices.media.vlc_feed import LiveView, VlcInstance

    root, segment = recording
    instance = VlcInstance(["--vout=vdummy"])
    view = LiveView(instance, pauses=pauses)

    class Tile(Consumer):
        def on_info(self, info: StreamInfo) -> None:
            view.start(info)

        def on_packet(self, packet: Packet) -> None:
            view.feed(packet)

        def on_status(self, status: StreamStatus) -> None:
            pass

    clock = PlaybackClock(START + timedelta(seconds=1))
    feeder = SegmentFeeder(lambda a, b: [segment], root, clock, Tile())
    try:
        feeder.start()
        clock.play()
        time.sleep(1.5)  # past the second keyframe: the next is at 3 s, 0.5 s after the pause
        clock.pause()
        time.sleep(2.5)
        before = view.stats()
        clock.play()
        time.sleep(0.4)
        after = view.stats()
    finally:
        feeder.close()
        view.release()
        instance.release()
    assert after["fed"] - before["fed"] >= 8
    if pauses:
        assert after["mux_dropped"] == before["mux_dropped"] == 0
        assert after["muxed"] == after["fed"]
    else:
        assert after["mux_dropped"] > before["mux_dropped"]
