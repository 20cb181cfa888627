"""RTSP ingest with PyAV against the simulated site, alone and under the real media hub: one
session per stream, the GOP cache, STALE, OFFLINE and reconnecting, a wrong login, shutting down."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.sites import loopback_addresses, require_simulated_video, simulated_site, wait_for

require_simulated_video()

import av  # noqa: E402

from console.camera_login import CameraLogin, ForeignHost, host_of  # noqa: E402
from console.media.hub import MediaHub  # noqa: E402
from console.media.packets import (  # noqa: E402
    Packet,
    Profile,
    Source,
    StreamInfo,
    StreamKey,
    StreamState,
    StreamStatus,
)
from devices.media.ingest import (  # noqa: E402
    INTERRUPT_S,
    NoVideo,
    PyAvSource,
    SourceClosed,
    StreamRefused,
    WrongLogin,
    with_login,
    without_login,
)
from devices.simulator.clips import (  # noqa: E402
    CAMERA_ROW,
    camera_code,
    decode_pixel_code,
    frame_rows,
)
from devices.simulator.onvif import slugify  # noqa: E402
from devices.simulator.site import CameraEndpoints, SimulatedSite  # noqa: E402

USER = "utkik-test"
#: Characters that must be percent-encoded in a URL's login.
PASSWORD = "s3cr:et/@ #1"


def _login(url: str, user: str = USER, password: str = PASSWORD) -> CameraLogin:
    """A login bound to the host of `url`."""
    return CameraLogin.bind(host_of(url), user, password)


MAIN = (320, 180)
SUB = (160, 90)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(46, (1, 2))
    with simulated_site(
        tmp_path_factory, addresses, clip_seconds=2, user=USER, password=PASSWORD
    ) as running:
        yield running


def camera(site: SimulatedSite, index: int) -> CameraEndpoints:
    return site.endpoints()[index]


def mount(site: SimulatedSite, index: int, profile: Profile = Profile.SUB) -> str:
    return f"/{slugify(camera(site, index).name)}/{profile}"


def sessions(site: SimulatedSite, index: int, profile: Profile = Profile.SUB) -> int:
    return site.stream_server(camera(site, index).name).sessions(mount(site, index, profile))


class Opener:
    """The hub's OpenSource over the simulated site (camera_id = index of its endpoint)."""

    def __init__(self, site: SimulatedSite, password: str = PASSWORD) -> None:
        self.site = site
        self.password = password

    def __call__(self, key: StreamKey) -> Source:
        endpoint = camera(self.site, key.camera_id)
        url = endpoint.main_url if key.profile is Profile.MAIN else endpoint.sub_url
        assert url is not None
        return PyAvSource.open(url, _login(url, endpoint.user, self.password), timeout=5.0)


class Viewer:
    """A consumer noting when each packet arrived (time.monotonic) and every status."""

    def __init__(self) -> None:
        self.infos: list[StreamInfo] = []
        self.packets: list[tuple[float, Packet]] = []
        self.statuses: list[StreamStatus] = []
        self._lock = threading.Lock()

    def on_info(self, info: StreamInfo) -> None:
        self.infos.append(info)

    def on_packet(self, packet: Packet) -> None:
        with self._lock:
            self.packets.append((time.monotonic(), packet))

    def on_status(self, status: StreamStatus) -> None:
        with self._lock:
            self.statuses.append(status)

    @property
    def state(self) -> StreamState | None:
        with self._lock:
            return self.statuses[-1].state if self.statuses else None

    def count(self) -> int:
        with self._lock:
            return len(self.packets)


@pytest.fixture
def hub(site: SimulatedSite) -> Iterator[MediaHub]:
    media = MediaHub(Opener(site), grace_s=0.5, rng=random.Random(46))
    yield media
    media.close()


def decode(info: StreamInfo, packets: list[Packet]) -> list[Any]:
    """Decodes packets (from a keyframe on) with PyAV, as a viewer would."""
    codec = av.CodecContext.create(info.codec, "r")
    codec.extradata = info.extradata
    frames = []
    for packet in packets:
        frames.extend(codec.decode(av.Packet(packet.data)))
    return frames


def hub_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("media-")}


# -- the source alone -----------------------------------------------------------------------------


def test_a_source_gives_the_stream_info_and_decodable_packets(site: SimulatedSite) -> None:
    endpoint = camera(site, 0)
    assert endpoint.sub_url is not None
    started = time.monotonic()
    source = PyAvSource.open(endpoint.sub_url, _login(endpoint.sub_url))
    try:
        opened = time.monotonic() - started
        info = source.info()
        # Small probing still yields everything a decoder and the watchdog need (from the SDP).
        assert (info.codec, info.width, info.height) == ("h264", *SUB)
        assert info.extradata
        assert info.fps == 25
        packets = []
        while len(packets) < 30:
            packet = source.read()
            assert packet is not None
            if packets or packet.keyframe:
                packets.append(packet)
        first = time.monotonic() - started
    finally:
        source.close()
    assert opened < 1.0
    assert first < 3.0
    assert all(p.time_base == info.time_base and p.data for p in packets)
    frames = decode(info, packets)
    assert len(frames) >= 25
    codes = {decode_pixel_code(frame_rows(frame), CAMERA_ROW) for frame in frames}
    assert codes == {camera_code(endpoint.name)}
    source.close()  # idempotent
    with pytest.raises(SourceClosed):
        source.read()


def test_the_login_is_encoded_into_the_url_and_kept_out_of_sight() -> None:
    url = with_login("rtsp://cam:8554/a/sub", CameraLogin.bind("cam", "ad min", "p@ss:w/rd"))
    assert url == "rtsp://ad%20min:p%40ss%3Aw%2Frd@cam:8554/a/sub"
    login = CameraLogin.bind("FE80::1", "u", "p")
    assert with_login("rtsp://old:pw@[fe80::1]/s", login) == "rtsp://u:p@[fe80::1]/s"
    with pytest.raises(ForeignHost):
        with_login("rtsp://elsewhere:8554/a/sub", CameraLogin.bind("cam", "u", "p"))
    assert without_login(url) == "rtsp://cam:8554/a/sub"
    assert without_login("rtsp://u:p@cam/s?token=x") == "rtsp://cam/s"


def test_a_wrong_password_says_so_in_plain_words_and_never_shows_it(
    site: SimulatedSite, caplog: pytest.LogCaptureFixture
) -> None:
    endpoint = camera(site, 0)
    assert endpoint.sub_url is not None
    caplog.set_level("DEBUG")
    with pytest.raises(WrongLogin) as caught:
        PyAvSource.open(endpoint.sub_url, _login(endpoint.sub_url, password="not-the-password"))
    error = caught.value
    assert str(error) == "The camera refused the user name or password."
    assert error.__cause__ is None
    assert error.__context__ is None, "PyAV's error (with the URL and login) is not kept"
    assert "not-the-password" not in caplog.text
    assert "not-the-password" not in repr(error)


def test_a_stream_that_does_not_exist_is_refused(site: SimulatedSite) -> None:
    endpoint = camera(site, 0)
    url = endpoint.main_url.replace("/main", "/nothing")
    with pytest.raises(StreamRefused, match="no video stream at this address"):
        PyAvSource.open(url, _login(url))


def test_close_ends_a_read_blocked_on_a_stalled_stream(site: SimulatedSite) -> None:
    endpoint = camera(site, 1)
    assert endpoint.sub_url is not None
    source = PyAvSource.open(endpoint.sub_url, _login(endpoint.sub_url))
    assert "@" not in repr(source)
    assert PASSWORD not in repr(source)
    outcome: list[BaseException | Packet | None] = []
    ended = threading.Event()

    def reader() -> None:
        try:
            while True:
                outcome.append(source.read())
        except (SourceClosed, NoVideo) as err:
            outcome.append(err)
        finally:
            ended.set()

    thread = threading.Thread(target=reader, daemon=True)
    site.stall(endpoint.name, True)
    try:
        thread.start()
        time.sleep(1.5)  # what was on its way has arrived; the read now blocks in FFmpeg
        assert not ended.is_set()
        assert sessions(site, 1) == 1
        closing = time.monotonic()
        source.close()
        assert time.monotonic() - closing < 0.1, "close() itself does not wait"
        assert ended.wait(INTERRUPT_S + 1.0), "the blocked read returned soon"
        assert isinstance(outcome[-1], SourceClosed)
        assert wait_for(lambda: sessions(site, 1) == 0), "the session was torn down"
    finally:
        site.stall(endpoint.name, False)
        thread.join(5)


def test_a_read_gives_up_when_the_camera_sends_nothing_for_the_timeout(
    site: SimulatedSite,
) -> None:
    endpoint = camera(site, 1)
    source = PyAvSource.open(endpoint.main_url, _login(endpoint.main_url), timeout=2.0)
    try:
        assert source.read() is not None
        site.stall(endpoint.name, True)
        last = time.monotonic()

        def read_until_it_gives_up() -> None:
            nonlocal last
            while packet := source.read():
                last = packet.received  # what was on its way

        with pytest.raises(NoVideo, match="stopped sending video"):
            read_until_it_gives_up()
        waited = time.monotonic() - last
        assert 2.0 <= waited < 2.0 + INTERRUPT_S + 0.5, "counted from the last data"
    finally:
        site.stall(endpoint.name, False)
        source.close()


# -- under the hub --------------------------------------------------------------------------------


def test_two_viewers_of_a_stream_share_one_rtsp_session(site: SimulatedSite, hub: MediaHub) -> None:
    key = StreamKey(0, Profile.SUB)
    first, second = Viewer(), Viewer()
    started = time.monotonic()
    hub.subscribe(key, first)
    hub.subscribe(key, second)
    assert wait_for(lambda: first.count() >= 10 and second.count() >= 10)
    cold = first.packets[0][0] - started
    assert sessions(site, 0) == 1
    assert sessions(site, 0, Profile.MAIN) == 0
    assert first.state is second.state is StreamState.LIVE
    print(f"cold open to first packet: {cold:.3f} s")


def test_a_late_viewer_starts_at_once_from_the_cached_keyframe(
    site: SimulatedSite, hub: MediaHub
) -> None:
    key = StreamKey(0, Profile.MAIN)
    early = Viewer()
    hub.subscribe(key, early)
    # Past the first keyframe, somewhere inside a GOP (one keyframe a second).
    assert wait_for(lambda: sum(p.keyframe for _, p in early.packets) >= 1 and early.count() >= 40)
    late = Viewer()
    subscribing = time.monotonic()
    hub.subscribe(key, late)
    assert late.packets, "the cached GOP came before subscribe() returned"
    warm = late.packets[0][0] - subscribing
    assert late.packets[0][1].keyframe
    assert warm < 0.3
    assert late.statuses[0].state is StreamState.LIVE
    assert late.infos
    assert (late.infos[0].width, late.infos[0].height) == MAIN
    assert wait_for(lambda: late.count() >= 30)
    frames = decode(late.infos[0], [p for _, p in late.packets[:30]])
    assert len(frames) >= 25, "decodable from the first packet on"
    assert decode_pixel_code(frame_rows(frames[0]), CAMERA_ROW) == camera_code(camera(site, 0).name)
    assert sessions(site, 0, Profile.MAIN) == 1
    print(f"warm subscribe to first keyframe: {warm * 1000:.1f} ms")


def test_a_stalled_stream_turns_stale_and_live_again(site: SimulatedSite, hub: MediaHub) -> None:
    key = StreamKey(1, Profile.SUB)
    viewer = Viewer()
    hub.subscribe(key, viewer)
    assert wait_for(lambda: viewer.state is StreamState.LIVE)
    name = camera(site, 1).name
    stalled = time.monotonic()
    site.stall(name, True)
    try:
        assert wait_for(lambda: viewer.state is StreamState.STALE, 3.0)
        print(f"stale after {time.monotonic() - stalled:.2f} s")
    finally:
        site.stall(name, False)
    count = viewer.count()
    assert wait_for(lambda: viewer.state is StreamState.LIVE, 3.0)
    assert wait_for(lambda: viewer.count() > count + 10)
    assert sessions(site, 1) == 1, "the same session carried on"


def test_an_offline_camera_goes_offline_and_the_hub_reconnects(
    site: SimulatedSite, hub: MediaHub
) -> None:
    key = StreamKey(1, Profile.MAIN)
    viewer = Viewer()
    hub.subscribe(key, viewer)
    assert wait_for(lambda: viewer.state is StreamState.LIVE)
    name = camera(site, 1).name
    site.set_offline(name, True)
    try:
        assert wait_for(lambda: viewer.state is StreamState.OFFLINE)
        offline = viewer.statuses[-1]
        assert offline.reason == "The camera ended the video stream."
        assert offline.retry_in_s is not None
        assert 1.0 <= offline.retry_in_s <= 3.0
        # While it stays offline, retries fail with a plain reason too (503 from the camera).
        assert wait_for(lambda: viewer.statuses[-1] != offline, 4.0)
        assert viewer.state is StreamState.OFFLINE
        assert "camera" in viewer.statuses[-1].reason
        assert "rtsp://" not in viewer.statuses[-1].reason
    finally:
        site.set_offline(name, False)
    count = viewer.count()
    assert wait_for(lambda: viewer.state is StreamState.LIVE, 12.0)
    assert wait_for(lambda: viewer.count() > count + 10)
    assert len(viewer.infos) >= 2, "the new session's info"
    assert wait_for(lambda: sessions(site, 1, Profile.MAIN) == 1)


def test_a_wrong_password_shows_offline_with_a_plain_reason(site: SimulatedSite) -> None:
    with MediaHub(Opener(site, password="wrong"), rng=random.Random(1)) as hub:
        viewer = Viewer()
        hub.subscribe(StreamKey(0, Profile.SUB), viewer)
        assert wait_for(lambda: viewer.state is StreamState.OFFLINE)
        assert "user name or password" in viewer.statuses[-1].reason
        assert "wrong" not in viewer.statuses[-1].reason


def test_closing_the_hub_ends_every_session_and_thread(
    site: SimulatedSite, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    hub = MediaHub(Opener(site), rng=random.Random(3))
    viewers = {key: Viewer() for key in (StreamKey(0), StreamKey(1), StreamKey(1, Profile.MAIN))}
    for key, viewer in viewers.items():
        hub.subscribe(key, viewer)
    assert wait_for(lambda: all(v.count() > 0 for v in viewers.values()))
    assert sessions(site, 0) == sessions(site, 1) == sessions(site, 1, Profile.MAIN) == 1
    name = camera(site, 0).name
    site.stall(name, True)  # its reader blocks inside FFmpeg
    try:
        time.sleep(1.5)
        closing = time.monotonic()
        hub.close()
        took = time.monotonic() - closing
    finally:
        site.stall(name, False)
    assert hub_threads() == set()
    assert wait_for(
        lambda: sessions(site, 0) == sessions(site, 1) == sessions(site, 1, Profile.MAIN) == 0
    )
    assert took < INTERRUPT_S + 1.0
    assert PASSWORD not in caplog.text
    assert quote(PASSWORD, safe="") not in caplog.text
    print(f"hub closed in {took:.2f} s (one stream stalled)")
