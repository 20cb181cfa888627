"""The whole simulated site as one object: cameras (ONVIF, WS-Discovery, RTSP), the MQTT broker,
sensors and luminaires. `utkik simulate` runs one; tests and benchmarks start their own.

Each camera listens on its own address (127.0.0.2 and up by default, or the addresses given, such
as those of a network namespace): its ONVIF service on `onvif_port`, its WS-Discovery responder on
3702 and its RTSP server on `rtsp_port`, all on that address only, never on 0.0.0.0. Every camera
uses the same ports, as cameras of one model do on a real network.

Clips are encoded once per name and size (see clips.py) and cached in `cache_dir`, so a second
start serves at once. Credentials are random per site unless given, one login for every camera
(a site-wide service account), required by ONVIF and, unless `rtsp_auth` is off, by RTSP.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import socket
import struct
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from console.errors import N_, KnownError
from devices.simulator.cameras import CameraSite
from devices.simulator.clips import clip_for
from devices.simulator.discovery import DISCOVERY_PORT
from devices.simulator.onvif import (
    CAMERA_NAMES,
    DeviceConfig,
    OnvifDevice,
    site_configs,
    slugify,
    stream_uris,
)
from devices.simulator.rtsp import RtspServer, RtspServerError
from devices.simulator.sensors import (
    Broker,
    SensorSpec,
    SimulatedLuminaire,
    SimulatedSensor,
)

DEFAULT_ONVIF_PORT = 8080
DEFAULT_RTSP_PORT = 8554
SUB_SIZE = (640, 360)
#: A keyframe every second; a clip this long loops seamlessly enough and encodes in seconds.
CLIP_FPS = 25
CLIP_SECONDS = 4
#: The sensors and the luminaire at every place (see docs/sensors-and-lighting.md).
PLACE_SENSORS = (("sound-1", "sound"), ("tamper-1", "tamper"), ("door-1", "door"))
PLACE_LIGHTS = ("lamp-1",)


class SiteStartFailed(KnownError):
    """A part of the simulated site could not start."""


@dataclass(frozen=True)
class SiteOptions:
    """What to simulate. Addresses default to 127.0.0.2 and up, one per camera."""

    cameras: int = len(CAMERA_NAMES)
    addresses: Sequence[str] = ()
    onvif_port: int = DEFAULT_ONVIF_PORT
    rtsp_port: int = DEFAULT_RTSP_PORT
    discovery_port: int = DISCOVERY_PORT
    main_size: tuple[int, int] = (1920, 1080)
    sub_size: tuple[int, int] = SUB_SIZE
    fps: int = CLIP_FPS
    clip_seconds: int = CLIP_SECONDS
    user: str = ""
    password: str = ""
    rtsp_auth: bool = True
    #: Names of cameras without a sub stream.
    without_sub: frozenset[str] = frozenset()
    clock_offset_s: float = 0.0
    multicast: bool = False
    sensors: bool = True
    broker_host: str = "127.0.0.1"


@dataclass(frozen=True)
class CameraEndpoints:
    """What a client needs to reach one simulated camera."""

    name: str
    address: str
    device_service: str
    main_url: str
    sub_url: str | None
    user: str
    password: str


def random_credentials() -> tuple[str, str]:
    """A user name and password for one run of the site."""
    return f"onvif-{secrets.token_hex(2)}", secrets.token_urlsafe(12)


def free_port(addresses: Sequence[str]) -> int:
    """A TCP port free on every one of `addresses` at the moment of asking."""
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((addresses[0], 0))
            port = int(probe.getsockname()[1])
        if all(_port_free(address, port) for address in addresses[1:]):
            return port
    raise SiteStartFailed(N_("No TCP port is free on every address of the simulated site."))


def _port_free(address: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


#: How many 127.0.x.0 blocks `free_site_addresses` tries before it gives up.
ADDRESS_BLOCKS = 16
_TCP_LISTEN = "0A"
_PORT_TAKEN = N_(
    "Port {port} on {address} is taken by {holder}. If that is another simulated site or demo, "
    "stop it (Ctrl-C where it runs, or `kill {pid}`); or give other ports (--onvif-port, "
    "--rtsp-port)."
)
_CANNOT_LISTEN_HELD = N_(
    "The simulated site cannot listen on {address} port {port}: {holder} holds it. If that is "
    "another simulated site or demo, stop it (Ctrl-C where it runs, or `kill {pid}`); or "
    "choose other ports (--onvif-port, --rtsp-port)."
)
_PORT_TAKEN_UNKNOWN = N_(
    "Port {port} on {address} is taken by another program (it is not one of yours, or it "
    "cannot be seen). Stop it, or give other ports (--onvif-port, --rtsp-port)."
)


@dataclass(frozen=True)
class PortHolder:
    """A process listening on a TCP port: its id and its command name."""

    pid: int
    name: str

    def __str__(self) -> str:
        return f"process {self.pid} ({self.name})"


def port_holder(address: str, port: int) -> PortHolder | None:
    """The process listening on TCP `address`:`port` (or on the port of every address), from
    /proc (Linux); None where it cannot be seen (another user's process, another system)."""
    wanted = {
        f"{struct.unpack('<I', socket.inet_aton(a))[0]:08X}:{port:04X}"
        for a in (address, "0.0.0.0")  # a listener on every address holds it too
    }
    inodes = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) > 9 and fields[1] in wanted and fields[3] == _TCP_LISTEN:
                inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    name = (entry / "comm").read_text().strip()
                    return PortHolder(int(entry.name), name)
        except OSError:  # gone meanwhile, or another user's
            continue
    return None


def free_site_addresses(
    first: str, count: int, ports: Sequence[int], *, blocks: int = ADDRESS_BLOCKS
) -> tuple[str, ...]:
    """`count` loopback addresses from `first` up on which every TCP port of `ports` is free:
    those from `first` if they are, else the same addresses in the next 127.x.y.0 blocks (so
    a demo starts beside a simulated site that holds its default addresses). SiteStartFailed
    naming the process that holds the first taken port, and how to stop it, if no block of
    `blocks` is free."""
    start = ipaddress.IPv4Address(first)
    first_taken: tuple[str, int] | None = None
    for block in range(blocks):
        base = int(start) + 256 * block
        if ipaddress.IPv4Address(base + count - 1) not in _LOOPBACK:
            break
        addresses = tuple(str(ipaddress.IPv4Address(base + i)) for i in range(count))
        taken = next(
            ((a, p) for a in addresses for p in ports if not _port_free(a, p)),
            None,
        )
        if taken is None:
            return addresses
        first_taken = first_taken or taken
    address, port = first_taken or (first, ports[0])
    holder = port_holder(address, port)
    if holder is None:
        raise SiteStartFailed(_PORT_TAKEN_UNKNOWN, address=address, port=port)
    raise SiteStartFailed(_PORT_TAKEN, address=address, port=port, holder=holder, pid=holder.pid)


_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


@dataclass
class SimulatedSite:
    """Start with `start()` (or as a context manager); `stop()` leaves no port or process behind."""

    options: SiteOptions = field(default_factory=SiteOptions)
    cache_dir: Path | None = None
    progress: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        options = self.options
        if not options.user or not options.password:
            user, password = random_credentials()
            options = replace(
                options, user=options.user or user, password=options.password or password
            )
        self.options = options
        self.configs = self._configs()
        self.cameras: CameraSite | None = None
        self.rtsp: dict[str, RtspServer] = {}  # camera name -> its server
        self.broker: Broker | None = None
        self.sensors: list[SimulatedSensor] = []
        self.luminaires: list[SimulatedLuminaire] = []

    # -- configuration --------------------------------------------------------------------------

    def _configs(self) -> list[DeviceConfig]:
        options = self.options
        if options.cameras < 1:
            raise ValueError("a simulated site needs at least one camera")
        base = site_configs(options.rtsp_port, port=options.onvif_port, count=options.cameras)
        addresses = list(options.addresses) or [c.address for c in base]
        if len(addresses) < options.cameras:
            raise ValueError(f"{options.cameras} cameras need as many addresses")
        configs = []
        for config, address in zip(base, addresses, strict=False):
            main, sub = stream_uris(address, options.rtsp_port, config.device_slug)
            has_sub = config.name not in options.without_sub
            configs.append(
                replace(
                    config,
                    address=address,
                    main_stream_uri=main,
                    sub_stream_uri=sub if has_sub else "",
                    has_sub_stream=has_sub,
                    user=options.user,
                    password=options.password,
                    clock_offset_s=options.clock_offset_s,
                    main_resolution=options.main_size,
                    sub_resolution=options.sub_size,
                )
            )
        return configs

    def endpoints(self) -> list[CameraEndpoints]:
        return [
            CameraEndpoints(
                name=c.name,
                address=c.address,
                device_service=c.device_xaddr,
                main_url=c.main_stream_uri,
                sub_url=c.sub_stream_uri or None,
                user=c.user,
                password=c.password,
            )
            for c in self.configs
        ]

    # -- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        try:
            self._start_video()
            self._say("Starting the ONVIF services and WS-Discovery …")
            self.cameras = CameraSite(
                self.configs,
                discovery_port=self.options.discovery_port,
                multicast=self.options.multicast,
            )
            self.cameras.start()
            if self.options.sensors:
                self._start_sensors()
        except (OSError, RtspServerError) as error:
            self.stop()
            taken = self._taken_port()
            holder = None if taken is None else port_holder(*taken)
            if taken is not None and holder is not None:
                raise SiteStartFailed(
                    _CANNOT_LISTEN_HELD,
                    address=taken[0],
                    port=taken[1],
                    holder=holder,
                    pid=holder.pid,
                ) from error
            if isinstance(error, RtspServerError):
                raise
            raise SiteStartFailed(
                N_(
                    "The simulated site cannot listen on its addresses ({detail}). Another "
                    "simulated site may be running: stop it, or choose other ports."
                ),
                detail=error.strerror or str(error),
            ) from error
        except BaseException:
            self.stop()
            raise

    def _taken_port(self) -> tuple[str, int] | None:
        """The first of the site's addresses and TCP ports that something else holds."""
        ports = (self.options.onvif_port, self.options.rtsp_port)
        return next(
            ((c.address, p) for c in self.configs for p in ports if not _port_free(c.address, p)),
            None,
        )

    def _start_video(self) -> None:
        options = self.options
        cache = self.cache_dir or Path.home() / ".cache" / "utkik" / "clips"
        jobs: list[tuple[str, tuple[int, int]]] = []
        for config in self.configs:
            jobs.append((config.name, options.main_size))
            if config.has_sub_stream:
                jobs.append((config.name, options.sub_size))
        self._say(f"Preparing {len(jobs)} clips (encoded once, then cached in {cache}) …")

        def encode(job: tuple[str, tuple[int, int]]) -> Path:
            name, (width, height) = job
            return clip_for(name, width, height, options.fps, options.clip_seconds, cache)

        with ThreadPoolExecutor(max_workers=2) as pool:
            clips = dict(zip(jobs, pool.map(encode, jobs), strict=True))
        self._say("Starting the RTSP streams …")
        for config in self.configs:
            server = RtspServer(config.address, options.rtsp_port)
            self.rtsp[config.name] = server
            server.start()
            login = (options.user, options.password) if options.rtsp_auth else (None, None)
            server.add_camera(
                config.name,
                clips[(config.name, options.main_size)],
                clips.get((config.name, options.sub_size)) if config.has_sub_stream else None,
                user=login[0],
                password=login[1],
            )

    def _start_sensors(self) -> None:
        self._say("Starting the MQTT broker, sensors and luminaires …")
        self.broker = Broker(self.options.broker_host)
        self.broker.start()
        for config in self.configs:
            place = slugify(config.name)
            for sensor, kind in PLACE_SENSORS:
                device = SimulatedSensor(SensorSpec(place, sensor, kind), self.broker)
                self.sensors.append(device)
                device.start()
            for light in PLACE_LIGHTS:
                luminaire = SimulatedLuminaire(place, light, self.broker)
                self.luminaires.append(luminaire)
                luminaire.start()

    def stop(self) -> None:
        for sensor in self.sensors:
            sensor.stop()
        for luminaire in self.luminaires:
            luminaire.stop()
        self.sensors.clear()
        self.luminaires.clear()
        if self.broker is not None:
            self.broker.stop()
            self.broker = None
        if self.cameras is not None:
            self.cameras.stop()
            self.cameras = None
        for server in self.rtsp.values():
            server.stop()
        self.rtsp.clear()

    def __enter__(self) -> SimulatedSite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- access for tests and faults ------------------------------------------------------------

    def device(self, name: str) -> OnvifDevice:
        if self.cameras is None:
            raise LookupError("the site is not running")
        return self.cameras.device(name)

    def stream_server(self, name: str) -> RtspServer:
        return self.rtsp[name]

    def set_offline(self, name: str, offline: bool) -> None:
        """The camera is gone from the network: its ONVIF service and WS-Discovery stop
        answering and its streams drop their clients (and refuse new ones)."""
        self.device(name).offline = offline
        self.rtsp[name].set_offline(name, offline)
        assert self.cameras is not None
        for responder in self.cameras.responders:
            if responder.config.name == name:
                responder.stop() if offline else responder.start()

    def stall(self, name: str, stalled: bool) -> None:
        """The camera's streams stop sending frames; sessions stay open."""
        self.rtsp[name].stall(name, stalled)

    def reject_auth(self, name: str, rejecting: bool) -> None:
        """Every login to the camera, right or wrong, is refused (ONVIF and RTSP)."""
        self.device(name).reject_auth = rejecting
        self.rtsp[name].reject_auth(name, rejecting)

    def drift_clock(self, name: str, offset_s: float) -> None:
        self.device(name).clock_offset_s = offset_s

    def raise_tamper(self, name: str, active: bool = True) -> None:
        self.device(name).raise_tamper(active)

    def _say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)
