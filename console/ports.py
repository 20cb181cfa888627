"""The ports the core declares and the adapters in devices/ implement."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from console.camera_facts import DeviceFacts, DiscoveredDevice, Health, Still
from console.camera_login import CameraLogin

if TYPE_CHECKING:
    from console.alarms.model import Alarm
    from console.alarms.signals import EventSource
    from console.cameras import Camera
    from console.media.packets import Packet, Profile, StreamInfo, StreamStatus
    from console.recording.playback import PlaybackClock
    from console.subject_access.masks import MaskPlan, Region

T = TypeVar("T")


# -- running work (implemented by the GUI's task runner; Qt-free hosts may use a thread pool) ----


class Jobs(Protocol):
    """Runs blocking work off the caller's thread and delivers the result back on it (the GUI
    thread in the console)."""

    def run(self, op: Callable[[], T], on_success: Callable[[T], None]) -> object:
        """Run `op` on a worker; `on_success` gets its result on the caller's thread. An exception
        from `op` goes to the host's default report (a KnownError to the operator, anything else
        as a bug): callers that must see every outcome make `op` return its failures as values."""
        ...


class Timer(Protocol):
    """A one-shot timer that calls back on the thread that owns it (the GUI thread)."""

    def start(self, delay_s: float) -> None:
        """Call back once after `delay_s`; a timer already running starts over."""
        ...

    def stop(self) -> None: ...

    def is_active(self) -> bool: ...

    def dispose(self) -> None:
        """Stop for good and release what the timer holds."""
        ...


class Timers(Protocol):
    def timer(self, callback: Callable[[], None]) -> Timer:
        """A new, stopped timer calling `callback`."""
        ...


class KeyStore(Protocol):
    """Custody of the access log's private epoch keys (raw 32-byte Ed25519 seeds)."""

    def load(self, name: str) -> bytes | None:
        """The key stored under `name`, or None if there is none (or it cannot be reached)."""
        ...

    def store(self, name: str, secret: bytes) -> None:
        """Keep `secret` under `name`; raise KnownError if it cannot be kept."""
        ...

    def delete(self, name: str) -> None:
        """Forget the key under `name`; nothing happens if there is none."""
        ...

    def describe(self) -> str:
        """Where keys are kept, for the log's metadata and the UI (e.g. "file:/var/lib/...")."""
        ...


class Witness(Protocol):
    """A sink outside the database that receives every checkpoint."""

    def append(self, note: str) -> None:
        """Append a signed checkpoint note; raise OSError if it cannot be written."""
        ...

    def describe(self) -> str: ...


class SecretStore(Protocol):
    """Custody of camera logins: the OS keyring, never the database or a file.

    A login is kept under a reference (e.g. "camera:4f…"); the database holds only the reference.
    """

    def store(self, ref: str, user: str, password: str) -> None:
        """Keep the login under `ref`; raise KnownError if it cannot be kept (no keyring)."""
        ...

    def load(self, ref: str) -> tuple[str, str] | None:
        """The (user, password) under `ref`, or None if there is none."""
        ...

    def delete(self, ref: str) -> None:
        """Forget the login under `ref`; nothing happens if there is none."""
        ...

    def describe(self) -> str:
        """Where logins are kept, in words for a technician (e.g. "the Secret Service keyring")."""
        ...


class SegmentWriter(Protocol):
    """One recording segment being written (a fragmented MP4 file)."""

    def write(self, data: bytes, dts: int, pts: int, keyframe: bool) -> None:
        """Append one packet; `dts`/`pts` count the 90 kHz clock from the segment's start.
        Raises DiskFull when the disk is full (what was written before stays readable)."""
        ...

    def close(self) -> int:
        """Finish the file; returns its size in bytes. Raises DiskFull or KnownError when the
        end could not be written (the file is closed, its last fragment may be cut short)."""
        ...


class SegmentScan(Protocol):
    """What a scan found valid in a segment file (one left open by a process that died).
    Read-only, so that a frozen dataclass answers it."""

    @property
    def valid_bytes(self) -> int:
        """Bytes from the file's start that hold whole fragments (the rest is cut off)."""
        ...

    @property
    def duration_ticks(self) -> int:
        """90 kHz ticks from the first packet to the end of the last whole one."""
        ...

    @property
    def packets(self) -> int: ...


class SegmentFormat(Protocol):
    """Writes and checks recording segments. Implemented in devices/ (PyAV)."""

    suffix: str

    def create(self, path: Path, info: StreamInfo) -> SegmentWriter:
        """Start a segment file for a stream described by `info` (raises DiskFull, KnownError)."""
        ...

    def scan(self, path: Path) -> SegmentScan:
        """How much of the file is whole (a file with nothing whole scans as 0 bytes)."""
        ...

    def truncate(self, path: Path, valid_bytes: int) -> None:
        """Cut a damaged file after its last whole fragment."""
        ...


# -- evidence export: recorded segments remuxed into one file (implemented in devices/, PyAV) ---


@dataclass(frozen=True, slots=True)
class RemuxSource:
    """One recorded segment: its file and the UTC time of its first packet (the index's)."""

    path: Path
    start: datetime
    #: Still being written: only its whole fragments are read.
    open: bool = False


@dataclass(frozen=True, slots=True)
class Remuxed:
    """What one remux delivered: the UTC range its packets cover (from the keyframe at or
    before the requested start to the end of the last packet before the requested end)."""

    start: datetime
    end: datetime
    packets: int
    keyframes: int
    bytes: int


class Remuxer(Protocol):
    """Copies recorded packets into one plain MP4 file, never decoding or re-encoding them."""

    def remux(
        self,
        sources: Sequence[RemuxSource],
        start: datetime,
        end: datetime,
        out: Path,
        *,
        progress: Callable[[int, float], None],
        cancelled: Callable[[], bool],
    ) -> Remuxed | None:
        """Write the packets of `sources` (one continuous recording, in time order) that show
        [start, end), beginning at the keyframe at or before `start`, to `out`. Calls
        `progress(bytes_read, media_seconds)` as it goes; raises ExportCancelled soon after
        `cancelled()` turns true. None (and no file) when no packet falls in the range."""
        ...


# -- cameras: PTZ and snapshots (implemented in devices/, wired by the composition roots) --------


@dataclass(frozen=True, slots=True)
class PtzPreset:
    """A position stored in the camera, to go back to."""

    token: str
    name: str


class PtzHandle(Protocol):
    """Pan, tilt and zoom of one camera, open while an operator steers it. Every call blocks until
    the camera answered: callers make them on workers, one at a time and in order. Each raises
    KnownError when the camera refuses or cannot be reached."""

    def move(self, pan: float, tilt: float, zoom: float) -> None:
        """Start moving at these velocities (-1..1 each; positive is right, up and in). The
        camera stops by itself after a short while (2 s) unless the move is renewed."""
        ...

    def stop(self) -> None: ...

    def presets(self) -> Sequence[PtzPreset]: ...

    def goto(self, token: str) -> None: ...

    def close(self) -> None:
        """Stop the camera (best effort) and let go of it."""
        ...


class CameraLogins(Protocol):
    """The capability to read cameras' logins, made once by the composition root
    (`CameraService.login_reader()`) and handed to the adapters that connect to cameras: the
    media hub's opener, PTZ and snapshots. It checks no permission (the services have checked,
    and logged, who asked before the adapter connects), so no widget is given it."""

    def camera(self, camera_id: int) -> Camera:
        """The camera as stored now (its addresses; no secret); NotFound when there is none."""
        ...

    def login(self, camera_id: int) -> CameraLogin:
        """The camera's login from the keyring, bound to its host; NotFound when there is no
        such camera or its login is missing."""
        ...


class PtzControl(Protocol):
    """Opens a camera's PTZ. May block (called on workers); raises KnownError when the camera
    cannot be reached. Who may steer, and the access log, are PtzDriver's business."""

    def open_ptz(self, camera: Camera) -> PtzHandle:
        """PTZ of `camera` through its main profile (a camera with capabilities.ptz)."""
        ...


class Snapshotter(Protocol):
    """Takes a camera's picture. May block (called on workers); raises KnownError when the
    camera cannot be reached. Who may take it, and the access log, are SnapshotService's."""

    def snapshot(self, camera: Camera) -> bytes:
        """The camera's picture now, as a JPEG file's bytes."""
        ...


class CameraControls(PtzControl, Snapshotter, Protocol):
    """What the live grid does to a camera besides showing it: PTZ and snapshots."""


#: Reads the picture a recorded segment shows at an offset (devices/ implements it): (the
#: segment's file, seconds from its start) → the first picture at or after it, None when the file
#: has none there. Blocks (called on workers); raises KnownError when the file cannot be read.
StillReader = Callable[[Path, float], Still | None]


#: One health check of a camera (devices/ implements it): (host, port, user, password, stream
#: URI, or None when the stream is known to flow: then no session of its own is opened, cameras
#: allow few) → Health. Blocks; never raises for the camera: what went wrong is in `error`.
HealthProbe = Callable[[str, int, CameraLogin, str | None], Health]


# -- live video (implemented by the GUI's backends over devices/) -----------------------------


class VideoHandle(Protocol):
    """One open stream drawn into one window."""

    def close(self) -> None:
        """Stop drawing and release the stream; no callback arrives after it returns."""
        ...

    def frames(self) -> int:
        """Pictures shown so far (for the access log's end entry); 0 when unknown."""
        ...


class VideoBackend(Protocol):
    """Opens camera streams into native windows. Called on the GUI thread: must not block."""

    def open(
        self,
        camera: Camera,
        profile: Profile,
        window_id: int,
        *,
        keyframes_only: bool,
        on_status: Callable[[StreamStatus], None],
        on_first_frame: Callable[[], None],
        on_restart: Callable[[], None] | None = None,
    ) -> VideoHandle:
        """Start drawing `camera`'s `profile` stream into the native window `window_id` (only
        its key frames when `keyframes_only`: a small tile of a camera without a sub stream).

        `on_status` gets every change of the stream's state; `on_first_frame` is called when
        the first picture is on screen, and again after the stream started over. Both may be
        called from any thread, even before `open` returns. `on_restart` is called on the GUI
        thread just before the backend starts the stream over in the same window (to
        keyframes only and back, when the workstation cannot decode every stream): the window
        is black from then until `on_first_frame`. Raises KnownError when the stream cannot be
        opened at all.
        """
        ...


class Player(Protocol):
    """What the live video uses of devices.media.vlc_feed.LiveView."""

    keyframes_only: bool
    #: called on the feeding thread when the player fell behind and dropped a GOP
    on_behind: Callable[[], None] | None

    def attach(self, window_id: int) -> None: ...

    def start(self, info: StreamInfo) -> None: ...

    def feed(self, packet: Packet) -> None: ...

    def detach(self) -> None:
        """Any thread: packets fed from now on wait for the next start (a reconnect)."""
        ...

    def stats(self) -> dict[str, int]: ...

    def release(self) -> None: ...


#: Makes a player that calls its argument (on a libvlc thread) when its first picture is ready.
PlayerFactory = Callable[[Callable[[], None]], Player]


# -- recorded video (the GUI's playback backend over devices/) -------------------------------


class FeedState(enum.StrEnum):
    #: pictures are being handed over
    PLAYING = "playing"
    #: nothing is recorded at the clock's position
    NO_RECORDING = "no_recording"
    #: the recording cannot be read
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class FeedStatus:
    state: FeedState
    #: why (for ERROR): a core message template (console.errors.N_), shown translated
    reason: str = ""


class PlaybackStream(Protocol):
    """One camera's recordings drawn into one native window, paced by the layout's clock."""

    @property
    def last_moment(self) -> datetime | None:
        """The recorded time of the last picture handed to the player (UTC), if any."""
        ...

    def shown(self) -> tuple[datetime, datetime] | None:
        """The recorded time handed to the player so far (for the access log's end entry);
        any thread."""
        ...

    def close(self) -> None:
        """Stop drawing and reading (GUI thread; returns at once, no status arrives after)."""
        ...


class PlaybackBackend(Protocol):
    """Opens recorded video into native windows. Called on the GUI thread: must not block."""

    def open(
        self,
        camera: Camera,
        window_id: int,
        clock: PlaybackClock,
        *,
        keyframes_only: bool,
        on_status: Callable[[FeedStatus], None],
    ) -> PlaybackStream:
        """Start drawing `camera`'s recordings from `clock`'s position into the native window
        `window_id`, following the clock. `on_status` gets every change of the feed's state, on
        any thread. With `keyframes_only` the player decodes keyframes only (fast or backwards
        playback, where the feeder hands over nothing else)."""
        ...


# -- finding and onboarding cameras (devices/discovery.py, devices/onvif_client.py) ----------


class NetworkInterface(Protocol):
    """One IPv4 address of a network interface that is up (devices.discovery.Interface)."""

    @property
    def name(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def prefix(self) -> int: ...


Found = Callable[[DiscoveredDevice], None]


class MulticastProbe(Protocol):
    """devices.discovery.probe_multicast. `interface` is one of the objects `interfaces()`
    returned, or None for every interface that is up."""

    def __call__(
        self,
        interface: Any = None,
        *,
        window: float = ...,
        on_found: Found | None = ...,
        cancel: threading.Event | None = ...,
    ) -> list[DiscoveredDevice]: ...


class RangeScan(Protocol):
    """devices.discovery.scan_range."""

    def __call__(
        self,
        addresses: Sequence[str],
        *,
        ports: Sequence[int] = ...,
        on_found: Found | None = ...,
        on_progress: Callable[[int, int], None] | None = ...,
        cancel: threading.Event | None = ...,
    ) -> list[DiscoveredDevice]: ...


@dataclass(frozen=True, slots=True)
class CameraTools:
    """The device adapters the wizard and the health check use; every one of them blocks."""

    interfaces: Callable[[], Sequence[NetworkInterface]]
    probe_multicast: MulticastProbe
    #: "FIRST-LAST" or CIDR to addresses; InvalidInput (a KnownError) for anything else.
    parse_range: Callable[[str], list[str]]
    scan_range: RangeScan
    #: (host, port) typed in by the technician.
    manual_device: Callable[[str, int], DiscoveredDevice]
    #: (host, port, user, password) → what onboarding learnt; CameraError subclasses.
    onboard: Callable[[str, int, str, str], DeviceFacts]
    #: (snapshot URI, the camera's login) → JPEG bytes; ForeignHost for another host's URI.
    fetch_snapshot: Callable[[str, CameraLogin], bytes]
    #: (stream URI, the camera's login) → the first keyframe, decoded; ForeignHost likewise.
    grab_keyframe: Callable[[str, CameraLogin], Still]
    #: (host, port, the camera's login, stream URI, or None when the stream is known to flow)
    #: → one health check; never raises for the camera.
    check_health: HealthProbe


# -- alarms: events from cameras (devices/onvif_events.py, wired by the process that records) --


class EventSources(Protocol):
    """Makes the event source of a camera: its ONVIF PullPoint subscription."""

    def for_camera(self, camera: Camera) -> EventSource | None:
        """A new, unstarted source of `camera`'s events; None for a camera without events (or
        a removed one). Reads no secret yet: the source reads the camera's login when it
        subscribes."""
        ...


class AlarmBoard(Protocol):
    """Where alarm states are published for every console of the data dir (the MQTT broker:
    one retained topic per open alarm, cleared when it closes; docs/alarms.md)."""

    def publish(self, alarms: Sequence[Alarm]) -> None:
        """Publish the alarms' current states (a closed one clears its topic); never blocks
        long and never raises for a broker that is gone (the retained states catch up)."""
        ...

    def sync(self, open_alarms: Sequence[Alarm]) -> None:
        """Publish every open alarm and clear the topics of alarms no longer open (closed while
        nothing published)."""
        ...

    def close(self) -> None: ...


# -- lighting: the luminaires' controllers (devices/mqtt_lighting.py) ---------------------------


@dataclass(frozen=True)
class LuminaireReport:
    """What a luminaire's controller said: its state, its availability or an error."""

    place: str
    light: str
    available: bool | None = None
    level: int | None = None
    mode: str | None = None
    #: the command this state results from, echoed once
    command_id: str | None = None
    error: str | None = None


class LightingBus(Protocol):
    """The luminaires' controllers, over the broker."""

    def start(self, on_report: Callable[[LuminaireReport], None]) -> None:
        """Begin delivering reports (the retained states first) from the bus's own thread."""
        ...

    def send(
        self, place: str, light: str, level: int, mode: str, duration_s: int, command_id: str
    ) -> None:
        """Queue a command; never blocks long, never raises for a broker that is away."""
        ...

    def stop(self) -> None: ...


class RelaySwitch(Protocol):
    """Cameras' relay outputs (ONVIF DeviceIO), for floodlights wired to a camera."""

    def set_relay(self, camera_id: int, token: str, active: bool, hold_s: int | None) -> None:
        """Switch the relay; blocking until the camera answered (call it off the GUI thread).
        `hold_s`: the relay is made monostable so that it falls back to idle by itself after
        that long unless switched again; None: it stays. Raises a CameraError in words."""
        ...


# -- subject access: the detection assist and the masked copy (implemented in devices/) ----------


@dataclass(frozen=True, slots=True)
class MaskedVideo:
    """What a masked render wrote: the output file's facts and the original's SHA-256."""

    frames: int
    width: int
    height: int
    seconds: float
    derived_from: str
    bytes: int


class DetectionAssist(Protocol):
    """Proposes mask regions: people (and faces) found in a clip, one tracked region each."""

    def propose(
        self,
        source: Path,
        *,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> list[Region]:
        """The tracks (regions named `track-1`, … with source "assist") of the people seen in
        `source`; `progress` gets the fraction done."""
        ...


class MaskRenderer(Protocol):
    """Writes the masked copy of a clip: every region of the plan covered, audio dropped."""

    def render(
        self,
        source: Path,
        plan: MaskPlan,
        out: Path,
        *,
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
    ) -> MaskedVideo:
        """Decode `source`, cover the plan's regions in every frame and encode H.264 to `out`
        (MP4). Raises a KnownError (and leaves no file) when it cannot."""
        ...


class MaskedPictures(Protocol):
    """Single frames of a clip as pictures: what a reviewer steps through."""

    def picture(self, path: Path, frame: int, max_width: int) -> Still:
        """Frame number `frame` (from 0, in presentation order) of `path`, scaled down to at
        most `max_width` pixels wide."""
        ...


@dataclass(frozen=True, slots=True)
class MaskingTools:
    """The adapters a subject access case masks with, wired by the composition root."""

    remuxer: Remuxer
    assist: DetectionAssist
    renderer: MaskRenderer
    pictures: MaskedPictures
