"""The video backends of the GUI: live video from the media hub into libvlc players in the
tiles (`HubVideoBackend`, `HubStream`, `media_backend`) and recorded video from the segment files
(`SegmentPlaybackBackend`, `playback_backend`)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from console.app import Core
from console.cameras import Camera
from console.media.hub import MediaHub, Subscription
from console.media.packets import Packet, Profile, StreamInfo, StreamKey, StreamState, StreamStatus
from console.ports import FeedState, FeedStatus, Player, PlayerFactory
from console.recording.playback import PlaybackClock
from devices.video import VideoUnavailable
from ui.overload import OverloadGovernor, stream_cost

if TYPE_CHECKING:
    from devices.media.playback import SegmentFeeder

log = logging.getLogger(__name__)

#: A stream without a packet for this long is paused (stalled, before the hub calls it STALE
#: after 2 s): the overload governor neither degrades nor restores it.
PAUSED_AFTER_S = 1.0


# -- live video ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Call:
    fn: Callable[[], None]


class _GuiCalls(QObject):
    """Runs functions on the GUI thread, where libvlc's players are controlled."""

    #: a _Call, from any thread
    call = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.call.connect(self._on_self_call, Qt.ConnectionType.QueuedConnection)

    def _on_self_call(self, call: _Call) -> None:
        call.fn()


class HubStream:
    """One tile's stream: a media hub subscription feeding one libvlc player. The tile's
    VideoHandle, the hub's Consumer, and what the overload governor (ui/overload.py) degrades
    to keyframes only when the workstation cannot decode every stream."""

    def __init__(
        self,
        player: Player,
        gui: _GuiCalls,
        on_status: Callable[[StreamStatus], None],
        *,
        governor: OverloadGovernor | None = None,
        main_stream: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
        on_restart: Callable[[], None] | None = None,
    ) -> None:
        self._player = player
        #: told (GUI thread) just before the player starts over: the tile keeps its picture
        self._on_restart = on_restart
        self._monotonic = monotonic
        #: when the last packet came (the hub's thread writes it; a float is swapped atomically)
        self._last_packet: float | None = None
        self._gui = gui
        self._on_status = on_status
        self._gui_thread = threading.get_ident()
        self.subscription: Subscription | None = None
        self._closed = False
        self._frames = 0
        #: keyframes only because the workstation could not keep up (not because the tile asked)
        self._degraded = False
        self._behind_reported = False
        self._last_status: StreamStatus | None = None
        self._governor = governor
        self.main_stream = main_stream
        #: the stream's decode cost at full rate (ui.overload.stream_cost), known at its start
        self.cost = 0.0
        player.on_behind = self._on_behind
        if governor is not None:
            governor.add(self)

    # -- the hub's Consumer: the hub's threads, and the GUI thread while subscribing ------------

    def on_info(self, info: StreamInfo) -> None:
        if threading.get_ident() == self._gui_thread:
            self._start(info)
        else:
            # A reconnect: the player starts over on the GUI thread. The new session's packets
            # that come meanwhile wait for it (from its first keyframe) instead of going into
            # the old stream, where they would be taken as a jump and dropped.
            self._player.detach()
            self._gui.call.emit(_Call(lambda: self._start(info)))

    def on_packet(self, packet: Packet) -> None:
        self._last_packet = self._monotonic()
        self._player.feed(packet)

    def on_status(self, status: StreamStatus) -> None:
        self._last_status = status
        self._on_status(status)

    def _start(self, info: StreamInfo) -> None:
        if self._closed:
            return
        self.cost = stream_cost(info.width, info.height, info.fps)
        if (
            self._governor is not None
            and not self._degraded
            and not self._player.keyframes_only
            and not self._governor.admit(self)
        ):
            # Past the workstation's budget: keyframes only from the first picture, rather
            # than every tile stuttering until the governor has stepped down.
            log.info("live view: a stream starts in keyframes only, the workstation is full")
            self._degraded = True
            self._player.keyframes_only = True
            self._tell_tile()
        self._player.start(info)

    def _tell_tile(self) -> None:
        """The tile shows `degraded` when it next paints: the last status again makes it."""
        if self._last_status is not None:
            self._on_status(self._last_status)

    def _on_behind(self) -> None:
        # The hub's thread: only hand over, once until it is handled.
        if not self._behind_reported:
            self._behind_reported = True
            self._gui.call.emit(_Call(self._behind))

    def _behind(self) -> None:
        self._behind_reported = False
        if self._governor is not None:
            self._governor.behind(self)
        else:
            self.degrade()

    # -- for the overload governor (GUI thread) -------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def degraded(self) -> bool:
        """Keyframes only because the workstation could not keep up."""
        return self._degraded

    def _flowing(self) -> bool:
        """Packets come: a stalled, stale or offline stream's player shows its last picture,
        which a restart (to keyframes only or back) would turn black until the stream returns.
        A stall is seen here from its first second, before the hub calls the stream STALE."""
        status = self._last_status
        if status is not None and status.state in (StreamState.STALE, StreamState.OFFLINE):
            return False
        last = self._last_packet
        return last is not None and self._monotonic() - last < PAUSED_AFTER_S

    def degrade(self) -> bool:
        if self._closed or self._player.keyframes_only:
            return False  # keyframes only already (a small tile without a sub stream)
        if not self._flowing():
            return False  # decodes nothing now: nothing to free, a picture to keep
        self._degraded = True
        self._restart(keyframes_only=True)
        self._tell_tile()
        return True

    def restore(self) -> None:
        if self._closed or not self._degraded or not self._flowing():
            return
        self._degraded = False
        self._restart(keyframes_only=False)
        self._tell_tile()

    def _restart(self, *, keyframes_only: bool) -> None:
        """The player starts over (libvlc takes keyframes only when a stream starts): its
        window is black until the next keyframe's picture, so the tile is told first."""
        if self._on_restart is not None:
            self._on_restart()
        self._player.keyframes_only = keyframes_only

    def stats(self) -> dict[str, int]:
        return {} if self._closed else self._player.stats()

    # -- the tile's VideoHandle (GUI thread) ----------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.subscription is not None:
            self.subscription.close()
        self._frames = self._displayed()
        self._player.release()

    def frames(self) -> int:
        return self._frames if self._closed else self._displayed()

    def _displayed(self) -> int:
        return self._player.stats().get("displayed", 0)


class HubVideoBackend:
    """The tiles' live video: the media hub's shared camera streams (one RTSP session per stream
    whatever the number of tiles) drawn by libvlc into each tile's native window."""

    def __init__(
        self, hub: MediaHub, make_player: PlayerFactory, release: Callable[[], None] = lambda: None
    ) -> None:
        self.hub = hub
        self._make_player = make_player
        self._release = release
        self._gui = _GuiCalls()
        #: degrades streams to keyframes only when the workstation cannot decode them all
        self.governor = OverloadGovernor()

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
    ) -> HubStream:
        player = self._make_player(on_first_frame)
        player.keyframes_only = keyframes_only
        player.attach(window_id)
        stream = HubStream(
            player,
            self._gui,
            on_status,
            governor=self.governor,
            main_stream=profile is Profile.MAIN,
            on_restart=on_restart,
        )
        try:
            # Gives the status, the stream's parameters and its cached GOP at once when it is
            # open already: the picture starts from the last keyframe.
            stream.subscription = self.hub.subscribe(StreamKey(camera.id, profile), stream)
        except BaseException:
            stream.close()
            raise
        return stream

    def close(self) -> None:
        """Close every stream (after the tiles have closed theirs) and libvlc."""
        self.hub.close()
        self._release()


def media_backend(core: Core, hub: MediaHub | None = None) -> HubVideoBackend | None:
    """The live video of the console over the media hub (shared with the recorder; a hub of
    its own when none is given), or None where libvlc cannot be loaded (the tiles then say
    that video is not available here)."""
    from devices.media.ingest import camera_opener
    from devices.media.vlc_feed import LiveView, VlcInstance

    try:
        instance = VlcInstance()
    except VideoUnavailable as err:
        log.warning("no live video: %s", err)
        return None

    def make_player(on_first_frame: Callable[[], None]) -> Player:
        return LiveView(instance, on_first_frame=on_first_frame)

    if hub is None:
        hub = MediaHub(camera_opener(core.cameras.login_reader()), now=core.clock.now)
    return HubVideoBackend(hub, make_player, instance.release)


# -- recorded video -------------------------------------------------------------------------------


class PlaybackHandle:
    """One playback tile's stream: a SegmentFeeder of the camera's recordings feeding a libvlc
    player through a HubStream (the feeder is the hub's stand-in)."""

    def __init__(self, stream: HubStream, feeder: SegmentFeeder) -> None:
        self._stream = stream
        self._feeder = feeder

    @property
    def last_moment(self) -> datetime | None:
        return self._feeder.last_moment

    def shown(self) -> tuple[datetime, datetime] | None:
        return self._feeder.shown()

    def close(self) -> None:
        # The player stops now (GUI thread); the feeder's thread ends within a wake-up, waited
        # for off the GUI thread. What it still hands over goes to a released player: dropped.
        self._stream.close()
        threading.Thread(
            target=self._feeder.close, name="playback-feeder-stop", daemon=True
        ).start()


class SegmentPlaybackBackend:
    """The playback window's video: each camera's recorded segments (SegmentFeeder, paced by the
    layout's clock) drawn by libvlc into the tile's native window."""

    def __init__(
        self,
        core: Core,
        make_player: PlayerFactory,
        no_recording: str,
        release: Callable[[], None] = lambda: None,
    ) -> None:
        self._recordings = core.recordings
        self._make_player = make_player
        self._no_recording = no_recording
        self._release = release
        self._gui = _GuiCalls()

    def open(
        self,
        camera: Camera,
        window_id: int,
        clock: PlaybackClock,
        *,
        keyframes_only: bool,
        on_status: Callable[[FeedStatus], None],
    ) -> PlaybackHandle:
        from devices.media.playback import SegmentFeeder

        no_recording = self._no_recording

        def status(status: StreamStatus) -> None:
            if status.state is StreamState.LIVE:
                on_status(FeedStatus(FeedState.PLAYING))
            elif status.reason == no_recording:
                on_status(FeedStatus(FeedState.NO_RECORDING, status.reason))
            elif status.state is StreamState.OFFLINE:
                on_status(FeedStatus(FeedState.ERROR, status.reason))

        player = self._make_player(lambda: None)
        player.keyframes_only = keyframes_only
        player.attach(window_id)
        stream = HubStream(player, self._gui, status)
        recordings, camera_id = self._recordings, camera.id
        feeder = SegmentFeeder(
            lambda start, end: recordings.segments(camera_id, start, end),
            recordings.root,
            clock,
            stream,
        )
        try:
            feeder.start()
        except BaseException:
            player.release()
            raise
        return PlaybackHandle(stream, feeder)

    def close(self) -> None:
        """Free libvlc (after the playback windows have closed their streams)."""
        self._release()


def playback_backend(core: Core) -> SegmentPlaybackBackend | None:
    """Recorded video for the playback window, or None where libvlc cannot be loaded (the tiles
    then say that video is not available here)."""
    from devices.media.playback import NO_RECORDING
    from devices.media.vlc_feed import LiveView, VlcInstance

    try:
        instance = VlcInstance()
    except VideoUnavailable as err:
        log.warning("no recorded video: %s", err)
        return None

    def make_player(on_first_frame: Callable[[], None]) -> Player:
        # A pause is no lost frames: after it the picture goes on at once, not at a keyframe.
        return LiveView(instance, on_first_frame=on_first_frame, pauses=True)

    return SegmentPlaybackBackend(core, make_player, NO_RECORDING, instance.release)
