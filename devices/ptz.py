"""Pan, tilt and zoom of one camera over ONVIF PTZ, for the maximized tile.

A `PtzControl` keeps one guarded onvif-zeep-async camera (devices/onvif_client.py `open_camera`:
size limits, hardened parsing) open on the device loop (console/runtime.py `DeviceLoop`, shared
with every other camera), so that key presses and mouse moves in the GUI become quick calls made
from a worker. Moves are continuous velocities in -1..1 with a
short ONVIF timeout, so a lost Stop (a crashed console, a dropped network) cannot leave a camera
turning: the camera stops by itself after `MOVE_TIMEOUT_S`.

The access log is written by the caller before each command (CameraService.control_ptz).
"""

from __future__ import annotations

import contextlib
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from console.camera_facts import CameraError, CameraTimedOut
from console.camera_login import CameraLogin
from console.errors import N_
from console.runtime import DeviceLoop
from devices.onvif_client import _TIMED_OUT, camera_error, open_camera

T = TypeVar("T")

#: A continuous move lasts at most this long unless renewed (ISO 8601 duration to the camera).
MOVE_TIMEOUT_S = 2


class PtzFailed(CameraError):
    step = "ptz"


@dataclass(frozen=True, slots=True)
class Preset:
    token: str
    name: str


def _clamp(value: float) -> float:
    return max(-1.0, min(1.0, float(value)))


class PtzControl:
    """PTZ of the camera at host:port through media profile `profile_token`, on `loop`."""

    def __init__(
        self,
        loop: DeviceLoop,
        host: str,
        port: int,
        login: CameraLogin,
        profile_token: str,
        *,
        clock_offset_s: float | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.host = host
        self._port = port
        self._login = login
        self._profile = profile_token
        self._clock_offset_s = clock_offset_s
        self._timeout = timeout
        self._loop = loop
        self._closed = False
        self._stack: contextlib.AsyncExitStack | None = None
        self._service: Any = None

    def __repr__(self) -> str:
        return f"PtzControl({self.host!r}, profile={self._profile!r})"

    # -- commands (blocking until the camera answered; call them off the GUI thread) ---------

    def move(self, pan: float, tilt: float, zoom: float = 0.0) -> None:
        """Start moving at these velocities (-1..1 each); 0, 0, 0 stops."""
        velocity = {"PanTilt": {"x": _clamp(pan), "y": _clamp(tilt)}, "Zoom": {"x": _clamp(zoom)}}
        request = {
            "ProfileToken": self._profile,
            "Velocity": velocity,
            "Timeout": f"PT{MOVE_TIMEOUT_S}S",
        }
        self._call("ContinuousMove", request)

    def stop(self) -> None:
        self._call("Stop", {"ProfileToken": self._profile, "PanTilt": True, "Zoom": True})

    def presets(self) -> list[Preset]:
        answer = self._call("GetPresets", {"ProfileToken": self._profile})
        return [
            Preset(str(getattr(p, "token", "")), str(getattr(p, "Name", "") or ""))
            for p in answer or []
        ]

    def goto(self, token: str) -> None:
        self._call("GotoPreset", {"ProfileToken": self._profile, "PresetToken": token})

    def close(self) -> None:
        """Stops the camera's movement (best effort) and closes the session with the camera."""
        if self._closed:
            return
        self._closed = True
        # Best effort, whatever went wrong before (a timeout, a dropped network): the session is
        # closed in any case, and a lost Stop is covered by the move's own timeout.
        with contextlib.suppress(Exception):
            if self._service is not None:
                request = {"ProfileToken": self._profile, "PanTilt": True, "Zoom": True}
                self._run(self._invoke("Stop", request))
        with contextlib.suppress(Exception):
            self._run(self._close())

    # -- internals -------------------------------------------------------------------------------

    def _call(self, operation: str, request: dict[str, Any]) -> Any:
        if self._closed:
            raise RuntimeError(f"{self!r} is closed")
        return self._run(self._invoke(operation, request))

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        # A camera that does not answer within this is given up (its request cancelled, its
        # sockets closed): the environment's fault, in words, like every other camera error.
        try:
            return self._loop.run(coroutine, timeout=self._timeout * 3)
        except TimeoutError:
            raise CameraTimedOut(_TIMED_OUT, host=self.host) from None

    async def _invoke(self, operation: str, request: dict[str, Any]) -> Any:
        try:
            service = await self._ptz()
            return await getattr(service, operation)(request)
        except CameraError:
            raise
        except Exception as err:  # noqa: BLE001 - mapped to words; zeep/aiohttp raise many kinds
            mapped = camera_error(err, self.host)
            if mapped is not None:
                raise mapped from None
            raise PtzFailed(
                N_("The camera at {host} refused the PTZ command ({detail})."),
                host=self.host,
                detail=type(err).__name__,
            ) from None

    async def _ptz(self) -> Any:
        if self._service is None:
            stack = contextlib.AsyncExitStack()
            camera = await stack.enter_async_context(
                open_camera(
                    self.host,
                    self._port,
                    self._login,
                    timeout=self._timeout,
                    clock_offset_s=self._clock_offset_s,
                )
            )
            try:
                await camera.update_xaddrs()
                self._service = await camera.create_ptz_service()
            except BaseException:
                await stack.aclose()
                raise
            self._stack = stack
        return self._service

    async def _close(self) -> None:
        stack, self._stack, self._service = self._stack, None, None
        if stack is not None:
            await stack.aclose()
