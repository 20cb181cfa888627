"""The simulated site's cameras together: one ONVIF device and one unicast WS-Discovery responder
per camera, each on its own loopback address (127.0.0.2 and up by default)."""

from __future__ import annotations

from devices.simulator.discovery import DISCOVERY_PORT, DiscoveryResponder
from devices.simulator.onvif import DeviceConfig, OnvifDevice


class CameraSite:
    """Starts and stops the cameras of `configs` (see `onvif.site_configs`) as one."""

    def __init__(
        self,
        configs: list[DeviceConfig],
        snapshot_jpeg: bytes | None = None,
        discovery_port: int = DISCOVERY_PORT,
        discovery: bool = True,
        multicast: bool = False,
    ) -> None:
        self.devices = [OnvifDevice(c, snapshot_jpeg=snapshot_jpeg) for c in configs]
        # Multicast (Hello, Bye, multicast Probes) only where the site runs in a namespace.
        self.responders = (
            [DiscoveryResponder(c, port=discovery_port, multicast=multicast) for c in configs]
            if discovery
            else []
        )

    def start(self) -> None:
        try:
            for device in self.devices:
                device.start()
            for responder in self.responders:
                responder.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for responder in self.responders:
            responder.stop()
        for device in self.devices:
            device.stop()

    def __enter__(self) -> CameraSite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def device(self, name: str) -> OnvifDevice:
        """The camera called `name` (a place name such as "Resecentrum")."""
        for device in self.devices:
            if device.config.name == name:
                return device
        raise KeyError(name)
