"""The simulated site as the tests start it: one helper instead of a fixture copied per file.

Each test module takes loopback addresses of its own (`127.<octet>.<random>.<host>`), so modules
running side by side never collide, with small clips unless it asks for others. The simulator
(devices/simulator/) needs GStreamer's RTSP server through PyGObject and ffmpeg: a module that
needs it calls `require_simulated_video()` first (skipped without them, a failure under CI).
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from devices.simulator.site import SimulatedSite

#: What the suite's cameras send unless a test asks for more: small, fast to make and decode.
MAIN_SIZE = (320, 180)
SUB_SIZE = (160, 90)


def require_simulated_video() -> None:
    """Skip the calling module where the simulated site's video cannot run (PyAV, PyGObject,
    ffmpeg, GStreamer's RTSP server); under CI the skip fails the run (tests/conftest.py)."""
    pytest.importorskip("av")
    pytest.importorskip("gi")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed", allow_module_level=True)
    try:
        import devices.simulator.rtsp  # noqa: F401
    except (ImportError, ValueError) as error:  # no GStreamer RTSP server typelib
        pytest.skip(f"GStreamer's RTSP server is missing: {error}", allow_module_level=True)


def loopback_addresses(octet: int, hosts: Iterable[int]) -> list[str]:
    """Addresses in a random 127.<octet>.x.0 block: parallel runs do not collide."""
    block = random.randint(10, 250)
    return [f"127.{octet}.{block}.{host}" for host in hosts]


@contextmanager
def simulated_site(
    tmp_path_factory: pytest.TempPathFactory,
    addresses: list[str],
    **options: Any,
) -> Iterator[SimulatedSite]:
    """A running simulated site with one camera per address, stopped at the end. `options` are
    SiteOptions' (the defaults here: small pictures, no MQTT sensors)."""
    from devices.simulator.site import SimulatedSite, SiteOptions, free_port

    onvif_port = free_port(addresses)
    rtsp_port = free_port(addresses)
    while rtsp_port == onvif_port:
        rtsp_port = free_port(addresses)
    settings: dict[str, Any] = {
        "cameras": len(addresses),
        "addresses": addresses,
        "onvif_port": onvif_port,
        "rtsp_port": rtsp_port,
        "main_size": MAIN_SIZE,
        "sub_size": SUB_SIZE,
        "sensors": False,
    }
    settings.update(options)
    with SimulatedSite(SiteOptions(**settings), cache_dir=tmp_path_factory.mktemp("clips")) as site:
        yield site


def wait_for(condition: Callable[[], bool], seconds: float = 5.0, step: float = 0.05) -> bool:
    """Whether `condition` came true within `seconds` (polled every `step`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


#: A camera name that retitles the terminal, rings its bell, turns what follows red, then
#: reverses the rest (carried in the percent-encoded name scope).
HOSTILE_NAME = "Cam\x1b]0;owned\x07\x1b[31m\u202eTorget"
#: What fits in a SOAP answer (XML carries no ESC): a C1 CSI that clears the screen on terminals
#: that take 8-bit controls, DEL, and bidi isolates and marks.
HOSTILE_MODEL = "Sim\u2066Cam\u2069\x9b2J\x7f\u200f"
HOSTILE_MAKER = "Maker\u202dX\u202c\x85"


@contextmanager
def hostile_device(octet: int, *, stream_elsewhere: bool = False) -> Iterator[Any]:
    """One simulated camera (ONVIF and unicast WS-Discovery on a loopback address of its own,
    no video) whose name, model, manufacturer and firmware carry terminal escapes and bidi
    controls. Yields its OnvifDevice. `stream_elsewhere`: its stream address names another
    (closed) loopback host, so `cameras add` saves it without opening a stream it does not
    have (such a stream is flagged, never opened with the login)."""
    from devices.simulator.cameras import CameraSite
    from devices.simulator.onvif import DeviceConfig, default_jpeg
    from devices.simulator.site import free_port

    address, other = loopback_addresses(octet, [7, 8])
    config = DeviceConfig(
        name=HOSTILE_NAME,
        address=address,
        port=free_port([address]),
        main_stream_uri=f"rtsp://{other if stream_elsewhere else address}:9/main",
        manufacturer=HOSTILE_MAKER,
        model=HOSTILE_MODEL,
        firmware="1.0\u202e9",
    )
    # A real picture where ffmpeg can make one (a widget decoding it must not warn).
    snapshot = default_jpeg() if shutil.which("ffmpeg") else b"\xff\xd8\xff\xd9"
    with CameraSite([config], snapshot_jpeg=snapshot) as site:
        yield site.devices[0]
