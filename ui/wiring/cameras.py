"""The camera adapters of the GUI: `camera_tools` (discovery, onboarding, pictures, health
checks) behind the camera wizard and the health check, and `OnvifCameraControls` (PTZ and
snapshots) behind the grid, all over devices/ on the one device loop."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from console.camera_facts import DeviceFacts, DiscoveredDevice, Still
from console.camera_facts import Health as DeviceHealth
from console.camera_login import CameraLogin
from console.cameras import Camera
from console.ports import CameraLogins, CameraTools, PtzPreset
from console.runtime import DeviceLoop
from devices import discovery

if TYPE_CHECKING:
    from devices.ptz import PtzControl


#: Seconds each request of a periodic health check may take (the whole check at most three times
#: as long): short, since a camera that slow is worth a warning anyway.
HEALTH_TIMEOUT_S = 5.0


def camera_tools(loop: DeviceLoop) -> CameraTools:
    """The devices/ adapters behind the camera wizard and the health check; their ONVIF calls
    run on `loop`, the workers that call them wait for the answers.

    devices.onvif_client (onvif-zeep-async, zeep, PyAV) takes most of a second to import, so it
    is imported by the worker that first needs it rather than when the console starts.
    """

    def onboard(host: str, port: int, user: str, password: str) -> DeviceFacts:
        from devices import onvif_client

        return onvif_client.onboard_blocking(loop, host, port, user, password)

    def fetch_snapshot(uri: str, login: CameraLogin) -> bytes:
        from devices import onvif_client

        return onvif_client.fetch_snapshot_blocking(loop, uri, login)

    def grab_keyframe(uri: str, login: CameraLogin) -> Still:
        from devices import onvif_client

        return onvif_client.grab_keyframe(uri, login)

    def check_health(host: str, port: int, login: CameraLogin, uri: str | None) -> DeviceHealth:
        from devices import onvif_client

        return onvif_client.check_health_blocking(
            loop, host, port, login, uri, timeout=HEALTH_TIMEOUT_S
        )

    def scan_range(
        addresses: Sequence[str],
        *,
        ports: Sequence[int] = (80, 8080),
        on_found: Callable[[DiscoveredDevice], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[DiscoveredDevice]:
        return discovery.scan_range(
            loop,
            addresses,
            ports=ports,
            on_found=on_found,
            on_progress=on_progress,
            cancel=cancel,
        )

    return CameraTools(
        interfaces=discovery.interfaces,
        probe_multicast=discovery.probe_multicast,
        parse_range=discovery.parse_range,
        scan_range=scan_range,
        manual_device=discovery.manual_device,
        onboard=onboard,
        fetch_snapshot=fetch_snapshot,
        grab_keyframe=grab_keyframe,
        check_health=check_health,
    )


# -- PTZ and snapshots ---------------------------------------------------------------------------

#: Seconds each PTZ request may take (the whole call at most three times as long): an operator
#: holding a key learns soon that the camera does not answer.
PTZ_TIMEOUT_S = 3.0


class PtzSession:
    """The grid's PtzHandle over devices/ptz.py: one camera's PTZ, on the device loop."""

    def __init__(self, control: PtzControl) -> None:
        self._control = control

    def move(self, pan: float, tilt: float, zoom: float) -> None:
        self._control.move(pan, tilt, zoom)

    def stop(self) -> None:
        self._control.stop()

    def presets(self) -> list[PtzPreset]:
        return [PtzPreset(preset.token, preset.name) for preset in self._control.presets()]

    def goto(self, token: str) -> None:
        self._control.goto(token)

    def close(self) -> None:
        self._control.close()


class OnvifCameraControls:
    """The grid's CameraControls over ONVIF: PTZ through the camera's main profile, snapshots
    from its snapshot URI.

    As with the media hub, the camera's login comes from the capability the composition root
    gave (`CameraService.login_reader()`): who steers or takes a picture is checked, and logged,
    by the core's PTZ and snapshot services before each command. devices/ is imported by the
    worker that first needs it (onvif-zeep-async takes most of a second to import).
    """

    def __init__(
        self, logins: CameraLogins, loop: DeviceLoop, *, timeout_s: float = PTZ_TIMEOUT_S
    ) -> None:
        self._logins = logins
        self._loop = loop
        self._timeout_s = timeout_s

    def open_ptz(self, camera: Camera) -> PtzSession:
        from devices.ptz import PtzControl

        login = self._logins.login(camera.id)
        health = camera.health
        offset = (
            health.clock_offset_s
            if health is not None and health.clock_offset_s is not None
            else camera.facts.clock_offset_s
        )
        profile = camera.facts.main.token if camera.facts.main is not None else ""
        control = PtzControl(
            self._loop,
            camera.host,
            camera.port,
            login,
            profile,
            clock_offset_s=offset,
            timeout=self._timeout_s,
        )
        return PtzSession(control)

    def snapshot(self, camera: Camera) -> bytes:
        from devices import onvif_client

        login = self._logins.login(camera.id)
        return onvif_client.fetch_snapshot_blocking(self._loop, camera.facts.snapshot_uri, login)
