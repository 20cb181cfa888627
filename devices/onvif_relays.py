"""Cameras' relay outputs over ONVIF DeviceIO, as a RelaySwitch (floodlights on a camera's relay).

An active relay is first made monostable with the command's hold time (SetRelayOutputSettings),
so the camera itself drops it back to idle when nobody renews it: a console or engine that dies
leaves no floodlight on for longer than its last command said. The DeviceIO service is used where
the camera has one, else the device service (where ONVIF first put relays). The camera's login
is only ever sent to the camera's own host (devices/onvif_client.py `open_camera`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from console.camera_facts import CameraError, CameraTimedOut
from console.errors import N_
from console.ports import CameraLogins
from console.runtime import DeviceLoop
from devices.onvif_client import _TIMED_OUT, camera_error, open_camera


class RelayFailed(CameraError):
    step = "relay"


class OnvifRelays:
    def __init__(self, logins: CameraLogins, loop: DeviceLoop, *, timeout_s: float = 5.0) -> None:
        self._logins = logins
        self._loop = loop
        self._timeout_s = timeout_s

    def set_relay(self, camera_id: int, token: str, active: bool, hold_s: int | None) -> None:
        camera = self._logins.camera(camera_id)
        login = self._logins.login(camera_id)
        offset = camera.health.clock_offset_s if camera.health is not None else None
        if offset is None:
            offset = camera.facts.clock_offset_s
        try:
            self._loop.run(
                self._switch(camera.host, camera.port, login, offset, token, active, hold_s),
                timeout=self._timeout_s * 3,
            )
        except TimeoutError:
            raise CameraTimedOut(_TIMED_OUT, host=camera.host) from None

    async def _switch(
        self,
        host: str,
        port: int,
        login: Any,
        offset: float | None,
        token: str,
        active: bool,
        hold_s: int | None,
    ) -> None:
        try:
            async with open_camera(
                host, port, login, timeout=self._timeout_s, clock_offset_s=offset
            ) as camera:
                await camera.update_xaddrs()
                service, deviceio = await _relay_service(camera)
                if active:
                    properties = {
                        "Mode": "Monostable" if hold_s else "Bistable",
                        "DelayTime": timedelta(seconds=max(1, hold_s or 0)),
                        "IdleState": "open",
                    }
                    # DeviceIO names the relay inside a RelayOutput; the device service beside.
                    settings = (
                        {"RelayOutput": {"token": token, "Properties": properties}}
                        if deviceio
                        else {"RelayOutputToken": token, "Properties": properties}
                    )
                    await service.SetRelayOutputSettings(settings)
                await service.SetRelayOutputState(
                    {"RelayOutputToken": token, "LogicalState": "active" if active else "inactive"}
                )
        except CameraError:
            raise
        except Exception as err:  # noqa: BLE001 - mapped to words; zeep/aiohttp raise many kinds
            mapped = camera_error(err, host)
            if mapped is not None:
                raise mapped from None
            raise RelayFailed(
                N_("The camera at {host} refused to switch its relay ({detail})."),
                host=host,
                detail=type(err).__name__,
            ) from None


async def _relay_service(camera: Any) -> tuple[Any, bool]:
    """DeviceIO where the camera offers it (and True), else the device service."""
    try:
        return await camera.create_deviceio_service(), True
    except Exception:  # noqa: BLE001 - no DeviceIO service: relays are on the device service
        return await camera.create_devicemgmt_service(), False
