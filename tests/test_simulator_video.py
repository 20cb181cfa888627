"""The simulated site's video: cached clips with a pixel code, the RTSP server and its faults."""

from __future__ import annotations

import itertools
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.sites import require_simulated_video, wait_for

require_simulated_video()

import av  # noqa: E402

from devices.simulator.clips import (  # noqa: E402
    CAMERA_ROW,
    camera_code,
    clip_for,
    decode_pixel_code,
    frame_rows,
)
from devices.simulator.rtsp import RtspServer  # noqa: E402

FPS = 10
SECONDS = 2
FRAMES = FPS * SECONDS
MAIN = (320, 180)
SUB = (160, 90)
#: Short probing: the SDP already says what the stream is, and av.open would otherwise read ~3 s.
OPTIONS = {
    "rtsp_transport": "tcp",
    "timeout": "5000000",
    "analyzeduration": "0",
    "probesize": "32",
}


def open_stream(url: str) -> Any:
    return av.open(url, options=OPTIONS, timeout=10)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="module")
def server(cache: Path) -> Iterator[RtspServer]:
    with RtspServer() as rtsp:
        for name in ("Stora torget", "Berga centrum", "Skäggetorp centrum"):
            rtsp.add_camera(
                name,
                clip_for(name, *MAIN, FPS, SECONDS, cache),
                clip_for(name, *SUB, FPS, 1, cache),
            )
        rtsp.add_camera(
            "Trädgårdstorget",
            clip_for("Trädgårdstorget", *MAIN, FPS, SECONDS, cache),
            None,
            user="admin",
            password="hemligt",
        )
        yield rtsp


# -- clips ----------------------------------------------------------------------------------------


def test_a_clip_is_encoded_once_and_then_taken_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = clip_for("Resecentrum", *SUB, FPS, 1, tmp_path)
    assert first.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [first.name], "no temporary files are left"

    def no_ffmpeg(*args: object, **kwargs: object) -> None:
        raise AssertionError("ffmpeg ran again")

    monkeypatch.setattr(subprocess, "run", no_ffmpeg)
    assert clip_for("Resecentrum", *SUB, FPS, 1, tmp_path) == first
    # Any other parameter is another clip.
    with pytest.raises(AssertionError, match="ffmpeg ran again"):
        clip_for("Resecentrum", *SUB, FPS, 2, tmp_path)


@pytest.mark.parametrize("size", [MAIN, SUB], ids=["main", "sub"])
def test_the_pixel_code_numbers_every_frame_of_a_clip(cache: Path, size: tuple[int, int]) -> None:
    clip = clip_for("Ryds centrum", *size, FPS, SECONDS, cache)
    with av.open(str(clip)) as container:
        frames = list(container.decode(video=0))
    assert (frames[0].width, frames[0].height) == size
    assert [decode_pixel_code(frame_rows(frame)) for frame in frames] == list(range(FRAMES))
    cameras = {decode_pixel_code(frame_rows(frame), CAMERA_ROW) for frame in frames}
    assert cameras == {camera_code("Ryds centrum")}


def test_each_camera_has_its_own_code() -> None:
    from devices.simulator.onvif import CAMERA_NAMES

    assert len({camera_code(name) for name in CAMERA_NAMES}) == len(CAMERA_NAMES)


def test_the_decoder_finds_no_code_where_there_is_none() -> None:
    grey = [bytes([128, 128, 128]) * 320] * 180
    black = [bytes(3 * 320)] * 180
    assert decode_pixel_code(grey) is None
    assert decode_pixel_code(black) is None
    assert decode_pixel_code([]) is None


# -- RTSP -----------------------------------------------------------------------------------------


def read_frames(url: str, stream_seconds: float) -> list[tuple[float | None, int | None]]:
    """(presentation time, pixel code) of each frame until `stream_seconds` of stream passed."""
    seen: list[tuple[float | None, int | None]] = []
    with open_stream(url) as container:
        first: float | None = None
        for frame in container.decode(video=0):
            seen.append((frame.time, decode_pixel_code(frame_rows(frame))))
            if frame.time is not None:
                first = frame.time if first is None else first
                if frame.time - first >= stream_seconds:
                    break
    return seen


def test_main_stream_plays_on_past_the_end_of_its_clip(server: RtspServer) -> None:
    seen = read_frames(server.url("/stora-torget/main"), SECONDS * 1.5)
    times = [t for t, _ in seen if t is not None]
    codes = [code for _, code in seen]
    assert None not in codes
    assert all(b > a for a, b in itertools.pairwise(times)), "time only moves on"
    assert all(b == (a + 1) % FRAMES for a, b in itertools.pairwise(codes)), codes
    assert 0 in codes[1:], "the clip started over"
    assert len(seen) >= FPS * SECONDS * 1.5


def test_sub_stream_is_smaller_and_carries_the_code(server: RtspServer) -> None:
    with open_stream(server.url("/stora-torget/sub")) as container:
        frames = []
        for frame in container.decode(video=0):
            frames.append(frame)
            if len(frames) == 5:
                break
    assert {(f.width, f.height) for f in frames} == {SUB}
    codes = [decode_pixel_code(frame_rows(f)) for f in frames]
    assert all(b == (a + 1) % FPS for a, b in itertools.pairwise(codes)), codes


def test_sessions_are_counted_per_stream(server: RtspServer) -> None:
    mount = "/stora-torget/main"
    first = open_stream(server.url(mount))
    second = open_stream(server.url(mount))
    try:
        assert wait_for(lambda: server.sessions(mount) == 2), server.sessions(mount)
        assert server.sessions("/stora-torget/sub") == 0
    finally:
        first.close()
        second.close()
    assert wait_for(lambda: server.sessions(mount) == 0), server.sessions(mount)


def test_a_camera_without_a_sub_stream_has_none(server: RtspServer) -> None:
    with pytest.raises(av.error.HTTPNotFoundError):
        open_stream(server.url("/tradgardstorget/sub", "admin", "hemligt"))


def test_a_camera_with_a_login_refuses_a_wrong_one(server: RtspServer) -> None:
    mount = "/tradgardstorget/main"
    with pytest.raises(av.error.HTTPUnauthorizedError):
        open_stream(server.url(mount))
    with pytest.raises(av.error.HTTPUnauthorizedError):
        open_stream(server.url(mount, "admin", "fel"))
    with open_stream(server.url(mount, "admin", "hemligt")) as container:
        frame = next(container.decode(video=0))
        assert decode_pixel_code(frame_rows(frame)) is not None


def test_reject_auth_refuses_even_the_right_login(server: RtspServer) -> None:
    url = server.url("/tradgardstorget/main", "admin", "hemligt")
    server.reject_auth("Trädgårdstorget", True)
    try:
        with pytest.raises(av.error.HTTPUnauthorizedError):
            open_stream(url)
    finally:
        server.reject_auth("Trädgårdstorget", False)
    open_stream(url).close()


@dataclass
class Reader:
    """Reads a stream on a thread of its own, noting when each frame arrived and its code."""

    url: str
    frames: list[tuple[float, int | None]] = field(default_factory=list)
    ended: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.container = open_stream(self.url)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for frame in self.container.decode(video=0):
                self.frames.append((time.monotonic(), decode_pixel_code(frame_rows(frame))))
                if self.stop.is_set():
                    break
        except av.error.FFmpegError:
            pass
        finally:
            self.ended.set()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.container.close()


def test_a_stalled_stream_keeps_its_session_but_sends_no_frames(server: RtspServer) -> None:
    reader = Reader(server.url("/berga-centrum/main"))
    try:
        assert wait_for(lambda: len(reader.frames) >= 3)
        server.stall("Berga centrum", True)
        time.sleep(0.5)  # what was on its way arrives
        before = len(reader.frames)
        time.sleep(1.5)
        assert len(reader.frames) == before, "no frames while stalled"
        assert server.sessions("/berga-centrum/main") == 1
        assert not reader.ended.is_set()
        server.stall("Berga centrum", False)
        assert wait_for(lambda: len(reader.frames) >= before + 2 * FPS), "frames again"
        codes = [code for _, code in reader.frames[before:]]
        assert sum(code is not None for code in codes) >= FPS, codes
    finally:
        server.stall("Berga centrum", False)
        reader.close()


def test_an_offline_camera_drops_its_viewers_and_refuses_new_ones(server: RtspServer) -> None:
    reader = Reader(server.url("/skaggetorp-centrum/sub"))
    try:
        assert wait_for(lambda: len(reader.frames) >= 3)
        server.set_offline("Skäggetorp centrum", True)
        assert reader.ended.wait(timeout=10), "the viewer was dropped"
        for stream in ("main", "sub"):
            with pytest.raises(av.error.HTTPServerError):
                open_stream(server.url(f"/skaggetorp-centrum/{stream}"))
        assert wait_for(lambda: server.sessions("/skaggetorp-centrum/sub") == 0)
    finally:
        server.set_offline("Skäggetorp centrum", False)
        reader.close()
    open_stream(server.url("/skaggetorp-centrum/main")).close()


def test_stop_leaves_no_thread_behind(cache: Path) -> None:
    clip = clip_for("Resecentrum", *SUB, FPS, 1, cache)
    before = set(threading.enumerate())
    rtsp = RtspServer()
    rtsp.start()
    paths = rtsp.add_camera("Resecentrum", clip)
    with open_stream(rtsp.url(paths.main)) as container:
        next(container.decode(video=0))
        rtsp.stop()
    assert set(threading.enumerate()) <= before
