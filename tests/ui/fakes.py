"""Device fakes for the console under test: nothing here reaches a network. A test that wants a
real camera uses the simulated site on loopback instead."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from console.camera_facts import CameraUnreachable, DeviceFacts, DiscoveredDevice, Still
from console.camera_facts import Health as DeviceHealth
from console.camera_login import CameraLogin
from console.cameras import Camera
from console.errors import N_
from console.ports import CameraControls, CameraTools, PtzHandle

_UNREACHABLE = N_("The camera at {host} cannot be reached.")


class OfflineTools:
    """Camera tools for a site whose cameras are all switched off: every call says so, and is
    counted (`calls`), without a packet sent."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def _called(self, name: str) -> None:
        with self._lock:
            self.calls.append(name)

    def tools(self) -> CameraTools:
        def interfaces() -> list[Any]:
            self._called("interfaces")
            return []

        def probe_multicast(interface: Any = None, **_kwargs: Any) -> list[DiscoveredDevice]:
            self._called("probe_multicast")
            return []

        def parse_range(text: str) -> list[str]:
            self._called("parse_range")
            return []

        def scan_range(addresses: Sequence[str], **_kwargs: Any) -> list[DiscoveredDevice]:
            self._called("scan_range")
            return []

        def unreachable(name: str) -> Callable[..., Any]:
            def call(host_or_uri: str, *_args: Any) -> Any:
                self._called(name)
                raise CameraUnreachable(_UNREACHABLE, host=host_or_uri)

            return call

        def check_health(host: str, port: int, login: CameraLogin, uri: str | None) -> DeviceHealth:
            self._called("check_health")
            return DeviceHealth(False, False, None, f"The camera at {host} cannot be reached.")

        manual: Callable[[str, int], DiscoveredDevice] = unreachable("manual_device")
        onboard: Callable[[str, int, str, str], DeviceFacts] = unreachable("onboard")
        snapshot: Callable[[str, CameraLogin], bytes] = unreachable("fetch_snapshot")
        keyframe: Callable[[str, CameraLogin], Still] = unreachable("grab_keyframe")
        return CameraTools(
            interfaces=interfaces,
            probe_multicast=probe_multicast,
            parse_range=parse_range,
            scan_range=scan_range,
            manual_device=manual,
            onboard=onboard,
            fetch_snapshot=snapshot,
            grab_keyframe=keyframe,
            check_health=check_health,
        )


class OfflineControls(CameraControls):
    """PTZ and snapshots of cameras that cannot be reached."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def open_ptz(self, camera: Camera) -> PtzHandle:
        self.calls.append("open_ptz")
        raise CameraUnreachable(_UNREACHABLE, host=camera.host)

    def snapshot(self, camera: Camera) -> bytes:
        self.calls.append("snapshot")
        raise CameraUnreachable(_UNREACHABLE, host=camera.host)
