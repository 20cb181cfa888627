"""Live view: demuxed H.264 packets remuxed to MPEG-TS in memory and played by libvlc.

libvlc cannot open RTSP here (Debian builds it without live555), so the hub's packets reach it as
an in-memory MPEG-TS byte stream through `media_new_callbacks`; libvlc demuxes (`:demux=ts`),
decodes and renders into a native window of the tile. No Python runs per decoded frame: Python
only remuxes packets (PyAV, no decode, ~10 µs a packet) and copies bytes into libvlc's buffer.

Threads: `feed` runs on the hub's thread and only appends to a bounded queue under a lock. The
remuxing runs in `read_cb`, on libvlc's input thread, when libvlc asks for bytes. Player control
(`attach`, `start`, `stop`, `stats`, `release`) belongs to the GUI thread. libvlc events arrive on
libvlc's threads: `on_first_frame` must only hand over (e.g. emit a queued Qt signal).

Measured here (Debian 12, libvlc 3.0.24, PyAV 18, 2 cores, Xvfb; simulated clips with a frame
number as a pixel code, read back from screenshots; tests/test_vlc_feed.py):

- Feed to screen at 25 fps: 0.28 s (7-8 frames), i.e. libvlc's fixed 300 ms clock delay: its
  in-memory input (imem) reports DEFAULT_PTS_DELAY whatever :file-/:network-/:live-caching say
  (50 and 1000 ms measured the same), so no caching option is set. Full rate, 0 lost pictures,
  at 360p and 1080p.
- Time to first frame: the video output (first_frame) 0.05-0.12 s after the first keyframe, the
  picture on screen by the next screenshot. Started with a GOP cache burst (20 frames at once),
  libvlc shows the burst at real speed (0.8 s behind) for ~1 s, then jumps to the live edge.
- Low frame rates: without PES lengths, at 5 fps latency grew to 2.6 s and 18 of 75 pictures
  were lost as late; with them 1-2 frames and none. At 2 fps 1080p the end-of-picture
  delimiters show each picture within one frame interval (without: 1-2 intervals, some lost).
- A restart (new session, timestamps from zero, after 3 s): back to the 7-frame lag at once.
- CPU of one 1080p25 tile (2.6 Mb/s clip, 20 s windows of /proc/<pid>/stat, medians of 2-3;
  benchmarks/bench_live_view.py for the grid): the in-memory input is not the cost. The earlier
  "live input adds ~7 % of a core" compared a tile drawn through Xvfb with a file played into a
  window-less vdummy output: `set_xwindow` resets the player's "vout" to "any", so an instance's
  --vout=vdummy is ignored for an attached player and "decode path only" still drew. Measured
  apart: libvlc's decode path (no window, vdummy) 7.9-8.8 % from this feed, 7.1-7.5 % from the
  same TS in a file; libvlc's decoding thread alone 5.9-6.6 % in both. Raw decode, ffmpeg
  -threads 1 -f null: 4.9-6.4 % as fast as it goes, 7.2-7.6 % paced with -re (which adds its own
  10 ms polling: at 360p burst 0.9 %, -re 2.0-2.3 %). The feed's ~1 % more than a file is its
  Python (the remux alone is 11-14 us a packet, 0.04 %) and a thread hand-off per packet.
  Drawing through Xvfb (no XVideo adaptor, no GL: xcb_x11 output, libvlc's swscale converts to
  RV32 and scales 1920x1080 to 640x360 on the CPU): +5.9 % bicubic (libvlc's default), +3.3 %
  bilinear (chosen, --swscale-mode=1), +2.1 % fast bilinear (aliased: small text unreadable,
  moire on fine patterns). So 13.5 % with bicubic, 10.5 % with bilinear. A GPU output
  (gl, xcb_xv) scales on the GPU and pays none of it.
- Not worth an option (each within the 0.5 % noise of the decode path, 3 rounds of 20 s): a
  seek callback (libvlc then calls the input seekable and pace-controllable: 7.95 % against
  8.20 %; and a live feed would lose libvlc's drift handling for nothing), --clock-jitter=0
  with --clock-synchro=0 (8.35 %), :avcodec-fast (8.50 %). Polling the queue every 5 ms in
  read_cb instead of the condition variable: +0.6 % (the reader thread 1.35 % against 0.65 %).
  libvlc's prefetch filter asks for 16 MiB a read by default (now 64 KiB, PREFETCH_READ_BYTES);
  read_cb returns one packet's TS, ~25 reads a second at 25 fps, so the read size does not
  matter for the CPU.
- At 360p (a sub stream) the fixed cost of a libvlc player dominates: raw decode 0.6-0.9 %,
  libvlc decode path 2.2-2.5 % from a file, 3.1-3.5 % from the feed; see
  docs/live-view-performance.md.
- Keyframes only (skip_frame=nonkey): 5.4 % of a core for that 1080p tile (4.5 % decode path
  only) against 13 % in full; ffmpeg -skip_frame nokey of the same clip 0.4 %.
- One decoding thread against libvlc's default three: 13.0 % against 13.8 %, same latency.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import av

from console.errors import N_, KnownError
from console.media.packets import Packet, StreamInfo
from console.media.timeline import Timeline
from devices.media.h264 import AUD, annexb_parameter_sets, to_annexb
from devices.video import VideoUnavailable

_log = logging.getLogger(__name__)

#: MPEG-TS timestamps count a 90 kHz clock.
TS_CLOCK = 90_000
_TS_TIME_BASE = Fraction(1, TS_CLOCK)
#: Where the output timeline starts (1 s: clear of zero, so no muxer shifts it).
_TS_START = TS_CLOCK

#: flush_packets: each packet leaves PyAV's I/O buffer at once instead of per 32 KiB.
#: omit_video_pes_length=0: video PES carry their length (when it fits, ≤ 64 KiB), so libvlc's TS
#: demuxer passes a frame on when it is complete instead of when the next one begins. That is one
#: frame interval less delay: at 5 fps without it, frames arrive later than libvlc's 300 ms clock
#: margin and are dropped as late (measured: latency grew to 2.6 s, 18 of 75 pictures lost).
_MUXER_OPTIONS = {"flush_packets": "1", "omit_video_pes_length": "0"}
#: The largest payload a PES with a length field can carry (65535 minus its header with PTS+DTS).
_MAX_BOUNDED_PES = 65_535 - 13

#: Appended to every access unit: libvlc's H.264 packetizer ends a picture when it meets the next
#: access unit delimiter, and ends a NAL unit when it meets the next start code, so two
#: delimiters make it pass the picture to the decoder at once instead of with the next packet.
_END_OF_PICTURE = AUD * 2


class UnsupportedCodec(KnownError):
    """The stream's codec cannot be shown by the live view."""


# -- the muxer ----------------------------------------------------------------------------------


class _Sink:
    """The file PyAV writes the transport stream into (write-only, so PyAV does not seek)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


@dataclasses.dataclass
class MuxerCounts:
    muxed: int = 0
    #: packets dropped: before the first keyframe, after a discontinuity until the next keyframe,
    #: or refused by the muxer
    dropped: int = 0
    #: timestamps repaired: a missing pts or dts, or a dts that did not increase
    fixed: int = 0
    #: discontinuities (a restart, a jump, lost frames) the timeline was re-anchored at
    restarts: int = 0


class TsMuxer:
    """Remuxes the packets of one H.264 stream into MPEG-TS bytes, in memory, without decoding.

    The output timeline is the input's, shifted to start at 1 s, and always strictly increasing:
    a missing pts becomes the dts (and a missing dts the pts; a packet with neither gets the next
    frame slot), a dts that does not increase is nudged one tick past the previous one, and a jump
    that disagrees with the wall clock by more than 2 s (a camera restart, a new session) or a
    non-keyframe more than 2 s after its predecessor drops packets up to the next keyframe, which
    continues the timeline where the wall clock says. So libvlc's clock, which follows the stream
    in real time, never sees time run backwards.

    SPS/PPS from `info.extradata` are put in front of every keyframe that lacks them, and
    length-prefixed (avcC) packets are turned into Annex B. With `end_pictures` (for libvlc) every
    access unit is followed by two access unit delimiters; see _END_OF_PICTURE.
    """

    def __init__(
        self, info: StreamInfo, *, end_pictures: bool = False, pauses: bool = False
    ) -> None:
        if info.codec != "h264":
            raise UnsupportedCodec(
                N_("Live view cannot show video coded as {codec}. Set the camera to H.264."),
                codec=info.codec,
            )
        self._end_pictures = end_pictures
        self._sink = _Sink()
        self._container = av.open(
            self._sink, mode="w", format="mpegts", container_options=_MUXER_OPTIONS
        )
        rate = Fraction(info.fps).limit_denominator(1001) if info.fps else None
        self._stream = self._container.add_mux_stream(
            "h264", rate=rate, width=info.width, height=info.height
        )
        self._stream.time_base = _TS_TIME_BASE
        self._parameter_sets, self._length_size = annexb_parameter_sets(info.extradata)
        self._timeline = Timeline(TS_CLOCK, info.fps, start=_TS_START, pauses=pauses)
        self._closed = False
        self.counts = MuxerCounts()

    def mux(self, packet: Packet, arrived: float | None = None) -> bytes:
        """The transport stream bytes for `packet` (b"" when it is dropped). `arrived` is its
        wall time (time.monotonic()) when packet.received is not set; else the time of the call."""
        if self._closed:
            raise ValueError("the muxer is closed")
        wall = packet.received or (arrived if arrived is not None else time.monotonic())
        stamps = self._timeline.stamps(packet, wall)
        self.counts.fixed = self._timeline.counts.fixed
        self.counts.restarts = self._timeline.counts.restarts
        if stamps is None:
            self.counts.dropped += 1
            return b""
        dts, pts = stamps
        data = to_annexb(packet.data, self._parameter_sets, self._length_size, packet.keyframe)
        if self._end_pictures:
            data += _END_OF_PICTURE
        try:
            self._write(data, dts, pts, packet.keyframe)
            if self._end_pictures and len(data) > _MAX_BOUNDED_PES:
                # A PES without a length ends only where the next begins: begin one now.
                self._write(_END_OF_PICTURE, dts + 1, pts + 1, False)
                dts += 1
        except av.FFmpegError as err:
            # Whatever the muxer refuses, skip to the next keyframe rather than feed libvlc a
            # half-written picture.
            _log.warning("the MPEG-TS muxer refused a packet (%s); waiting for a keyframe", err)
            self._timeline.interrupt()
            self.counts.dropped += 1
            return self._sink.take()
        self._timeline.commit(dts, wall)
        self.counts.muxed += 1
        return self._sink.take()

    def _write(self, data: bytes, dts: int, pts: int, keyframe: bool) -> None:
        out = av.Packet(data)
        out.stream = self._stream
        out.time_base = _TS_TIME_BASE
        out.dts = dts
        out.pts = pts
        out.is_keyframe = keyframe
        self._container.mux_one(out)

    def close(self) -> bytes:
        """Ends the stream; returns what the muxer still had."""
        if not self._closed:
            self._closed = True
            try:
                self._container.close()
            except av.FFmpegError as err:
                _log.warning("closing the MPEG-TS muxer failed: %s", err)
        return self._sink.take()


# -- libvlc -------------------------------------------------------------------------------------

#: What one player holds of its stream at most (the issue's bound: a grid of 28 players grew to
#: ~450 MB when every part of the path buffered what it liked): the feed's queue plus the packet
#: being read (FEED_MAX_BYTES) and libvlc's prefetch buffer (PREFETCH_KIB). libvlc's input reads
#: every in-memory stream through its prefetch filter, which by default takes a 16 MiB ring buffer
#: and 16 MiB reads per player; a live stream is handed over as it arrives, so a small buffer
#: holds everything that is there to prefetch (measured: the same pictures, none lost).
PLAYER_MAX_BYTES = 4 << 20
#: libvlc's prefetch buffer per player, in KiB (its option's unit), and its read size in bytes
#: (the buffer is never smaller than one read).
PREFETCH_KIB = 512
PREFETCH_READ_BYTES = 64 << 10
#: The feed's share of PLAYER_MAX_BYTES: 3.5 MiB, several GOPs of a 4 Mb/s main stream, so the
#: hub's cached GOP burst at a start fits whole.
FEED_MAX_BYTES = PLAYER_MAX_BYTES - (PREFETCH_KIB << 10)

#: libvlc's arguments for a live-view instance: no audio (and no audio output at all: libvlc
#: otherwise connects every player to PulseAudio), no on-screen text (the tile draws its own name
#: and state), no screensaver inhibition per video output (the console decides that once), no Lua
#: (playlist and art scripts run at every start otherwise). Bilinear software scaling: where
#: libvlc has no GPU output (no XVideo adaptor or GL, e.g. Xvfb, some VMs and remote desktops)
#: its X11 output converts and scales every picture with swscale, bicubic by default; bilinear
#: costs 45 % less (1080p into a 640x360 tile: 3.3 % of a core instead of 5.9 %), looks the same
#: at tile sizes and is what a GPU output's texture sampling does anyway. Fast bilinear would
#: save a little more but aliases visibly (small text, fine patterns).
INSTANCE_ARGS = (
    "--quiet",
    "--no-xlib",
    "--no-audio",
    "--aout=adummy",
    "--no-video-title-show",
    "--no-osd",
    "--no-spu",
    "--no-snapshot-preview",
    "--no-disable-screensaver",
    "--no-lua",
    "--stats",
    "--swscale-mode=1",
    f"--prefetch-buffer-size={PREFETCH_KIB}",
    f"--prefetch-read-size={PREFETCH_READ_BYTES}",
)

#: Per-media options. The decoder's options work only here: given to the instance, libvlc 3.0
#: still probed VA-API/VDPAU ("hw decoder matching any"). One decoding thread: libavcodec's frame
#: threads hold two pictures, which at one keyframe a second (keyframes only) makes every picture
#: 2 s late and dropped; a tile's stream needs far less than a core. No hardware decoding: no
#: GPU on these machines, and probing it per player costs more at tile sizes than it saves.
#: No caching option: the in-memory input ignores them (libvlc's imem reports a fixed 300 ms
#: PTS delay; :file-caching/:network-caching/:live-caching at 50 and 1000 ms measured the same).
MEDIA_OPTIONS = (":demux=ts", ":avcodec-hw=none")
#: libavcodec's decoding threads per player (see MEDIA_OPTIONS); `LiveView(decoder_threads=)`
#: sets another count (0: libvlc's own choice), which the live-view benchmark measures.
DECODER_THREADS = 1
#: libavcodec's skip_frame=AVDISCARD_NONKEY: every packet still reaches libvlc (its clock needs
#: their timestamps), the decoder skips all but keyframes after their slice headers. Feeding
#: keyframes alone did not work: libvlc 3.0 showed the first and dropped every later one as
#: 0.7 s late, with or without empty access units in place of the skipped frames.
KEYFRAMES_ONLY_OPTION = ":avcodec-skip-frame=3"


# The same words as devices/video.py, so they share its translations.
_NO_LIBVLC = N_("The video library libvlc cannot be loaded ({reason}). Install the vlc packages.")
_LIBVLC_FAILS = N_("libvlc is installed but does not start. Install the vlc plugin packages.")


class VlcInstance:
    """One shared libvlc instance for every live view (a libvlc instance loads its plugins once;
    players are cheap)."""

    def __init__(self, extra_args: Sequence[str] = ()) -> None:
        try:
            import vlc
        except (ImportError, OSError, NotImplementedError) as err:
            # python-vlc raises NotImplementedError when it finds no libvlc at all.
            raise VideoUnavailable(_NO_LIBVLC, reason=str(err)) from err
        self.args: tuple[str, ...] = (*INSTANCE_ARGS, *extra_args)
        instance = vlc.Instance(list(self.args))
        if instance is None:
            raise VideoUnavailable(_LIBVLC_FAILS)
        #: the python-vlc module and the instance (untyped: python-vlc has no annotations)
        self.vlc: Any = vlc
        self.instance: Any = instance

    def release(self) -> None:
        """Frees the instance; every player made from it must be released first."""
        if self.instance is not None:
            self.instance.release()
            self.instance = None


# -- the live view ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Queued:
    packet: Packet
    fed_at: float


class _Feed:
    """One run of a player: the packet queue between the hub's thread and libvlc's reader, and
    the muxer the reader drives."""

    def __init__(
        self, info: StreamInfo, max_wait_s: float, max_bytes: int, *, pauses: bool = False
    ) -> None:
        self.muxer = TsMuxer(info, end_pictures=True, pauses=pauses)
        self.cond = threading.Condition()
        self.queue: deque[_Queued] = deque()
        self.queued_bytes = 0
        #: the size of the packet libvlc's reader took and has not read out yet
        self.reading_bytes = 0
        self.max_wait_s = max_wait_s
        self.max_bytes = max_bytes
        #: nothing is worth decoding before the next keyframe
        self.need_keyframe = True
        self.closed = False
        self.fed = 0
        self.dropped = 0
        self.dropped_gops = 0
        # Only libvlc's reader thread touches these.
        self._pending = b""
        self._offset = 0

    def put(self, packet: Packet) -> None:
        now = time.monotonic()
        with self.cond:
            if self.closed:
                return
            self.fed += 1
            if packet.keyframe:
                self.need_keyframe = False
            elif self.need_keyframe:
                self.dropped += 1
                return
            self.queue.append(_Queued(packet, now))
            self.queued_bytes += len(packet.data)
            if now - self.queue[0].fed_at > self.max_wait_s:
                self._drop_oldest_gop()
            # The byte bound holds whatever comes: as many GOPs as it takes, the newest too if
            # it alone is too big (the next keyframe starts again).
            while self.queue and self.held_bytes > self.max_bytes:
                self._drop_oldest_gop()
            self.cond.notify()

    @property
    def held_bytes(self) -> int:
        """What the feed holds of the stream: the queue and the packet being read."""
        return self.queued_bytes + self.reading_bytes

    def _drop_oldest_gop(self) -> None:
        """The player is behind: drop from the oldest packet up to the next keyframe (whole
        GOPs, so libvlc never decodes a frame whose references it did not get)."""
        self.dropped_gops += 1
        while self.queue:
            item = self.queue.popleft()
            self.queued_bytes -= len(item.packet.data)
            self.dropped += 1
            if self.queue and self.queue[0].packet.keyframe:
                return
        # No keyframe left: the next packets are useless until one comes.
        self.need_keyframe = True

    def read(self, size: int) -> bytes:
        """Up to `size` bytes of transport stream; blocks until there are some; b"" once
        closed (libvlc takes that as the end of the stream)."""
        while self._offset >= len(self._pending):
            with self.cond:
                while not self.queue and not self.closed:
                    # Wakes regularly, so a lost notify cannot hang libvlc's input thread.
                    self.cond.wait(0.1)
                if self.closed:
                    return b""
                item = self.queue.popleft()
                self.queued_bytes -= len(item.packet.data)
                self.reading_bytes = len(item.packet.data)
            self._pending = self.muxer.mux(item.packet, item.fed_at)
            self._offset = 0
        chunk = self._pending[self._offset : self._offset + size]
        self._offset += len(chunk)
        if self._offset >= len(self._pending):
            with self.cond:
                self.reading_bytes = 0
        return chunk

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.queue.clear()
            self.queued_bytes = 0
            self.reading_bytes = 0
            self.cond.notify_all()


class LiveView:
    """One libvlc player showing one stream in a native window.

    Use: `attach(window_id)`, `start(info)`, then `feed(packet)` for every packet from the hub
    (the first keyframe starts the picture; the hub's cached GOP may come in one burst); `stop()`
    ends it, `release()` frees the player. `start` again (e.g. after the hub reconnected with
    new parameters) replaces the stream.

    Packets fed while no stream is playing (before `start`, or between `stop` and `start`) are
    kept from the latest keyframe on (at most `max_bytes`) and played first by the next `start`.
    The hub calls `on_info` of a cold stream on its reader thread and the player can only start
    on the GUI thread: meanwhile the reader hands out the session's first packet, a keyframe,
    which was otherwise lost, and the picture waited a whole GOP for the next one (measured:
    cold first frame 1.11 s with a 1 s GOP, 0.12 s with it kept; a 16-tile grid 1.18 s, 0.20 s).

    `first_frame` is set, and `on_first_frame` called on a libvlc thread, when libvlc reports a
    video output for the stream (the MediaPlayerVout event). libvlc 3.0 has no event for "first
    picture shown"; it creates the output when the decoder has its first picture and shows that
    picture at once (not after its 300 ms clock delay), so the event is the closest signal:
    measured ~0.1 s after start, picture on screen within one screenshot (< 0.1 s) later. The
    alternative, polling media stats for displayed pictures, updates only about once a second.
    """

    def __init__(
        self,
        instance: VlcInstance,
        *,
        on_first_frame: Callable[[], None] | None = None,
        max_wait_s: float = 1.0,
        max_bytes: int = FEED_MAX_BYTES,
        pauses: bool = False,
        decoder_threads: int = DECODER_THREADS,
    ) -> None:
        self._instance = instance
        self._vlc = instance.vlc
        self._player: Any = instance.instance.media_player_new()
        # Clicks and keys go to the tile's Qt widget (double-click maximizes), not to libvlc.
        self._player.video_set_mouse_input(False)
        self._player.video_set_key_input(False)
        self._on_first_frame = on_first_frame
        #: set when the stream's first picture is ready (see the class docstring)
        self.first_frame = threading.Event()
        #: the stream `detach` ended, still to be stopped on the GUI thread
        self._detached: _Feed | None = None
        #: called on the feeding thread when libvlc fell behind (decoding slower than the
        #: stream: the machine is overloaded) and a whole GOP was dropped; hand over only
        self.on_behind: Callable[[], None] | None = None
        self._max_wait_s = max_wait_s
        self._max_bytes = max_bytes
        #: recorded video: a pause loses nothing (console.media.timeline.Timeline)
        self._pauses = pauses
        self._decoder_threads = decoder_threads
        self._lock = threading.Lock()
        self._feed: _Feed | None = None
        #: packets fed while no stream plays, from the latest keyframe (under `_lock`)
        self._waiting: list[Packet] = []
        self._waiting_bytes = 0
        self._media: Any = None
        self._keyframes_only = False
        self._info: StreamInfo | None = None
        # The ctypes callbacks and the event manager (which holds its own ctypes callback) live
        # as long as the player: libvlc calls them from its threads until the player is stopped,
        # and a collected callback would crash the process.
        vlc = self._vlc
        self._open_cb = vlc.CallbackDecorators.MediaOpenCb(self._on_open)
        self._read_cb = vlc.CallbackDecorators.MediaReadCb(self._on_read)
        self._close_cb = vlc.CallbackDecorators.MediaCloseCb(self._on_close)
        self._events: Any = self._player.event_manager()
        self._events.event_attach(vlc.EventType.MediaPlayerVout, self._on_vout)

    # -- control (GUI thread) -------------------------------------------------------------------

    def attach(self, window_id: int) -> None:
        """Render into the native window `window_id` (QWidget.winId() of a native widget)."""
        if sys.platform.startswith("win"):
            self._player.set_hwnd(window_id)
        elif sys.platform == "darwin":
            self._player.set_nsobject(window_id)
        else:
            self._player.set_xwindow(window_id)

    def start(self, info: StreamInfo) -> None:
        """Start playing a stream described by `info`, from the packets fed since the last
        keyframe while no stream played (see the class docstring), then those fed after."""
        self.stop()
        feed = _Feed(info, self._max_wait_s, self._max_bytes, pauses=self._pauses)
        media = self._instance.instance.media_new_callbacks(
            self._open_cb, self._read_cb, None, self._close_cb, None
        )
        if media is None:
            raise VideoUnavailable(_LIBVLC_FAILS)
        for option in MEDIA_OPTIONS:
            media.add_option(option)
        media.add_option(f":avcodec-threads={self._decoder_threads}")
        if self._keyframes_only:
            media.add_option(KEYFRAMES_ONLY_OPTION)
        self.first_frame.clear()
        with self._lock:
            # Under the lock, so that no packet fed meanwhile overtakes the waiting ones.
            for packet in self._waiting:
                feed.put(packet)
            self._waiting.clear()
            self._waiting_bytes = 0
            self._feed = feed
        self._info = info
        self._media = media
        self._player.set_media(media)
        self._player.play()

    def stop(self) -> None:
        """Stop playing; libvlc closes its video output (the window shows its background)."""
        with self._lock:
            feed, self._feed = self._feed, None
            detached, self._detached = self._detached, None
        feed = feed or detached
        if feed is None:
            return
        # Wake libvlc's reader first: the player's stop joins libvlc's input thread, which may
        # be waiting for bytes in read_cb.
        feed.close()
        self._player.stop()
        feed.muxer.close()
        if self._media is not None:
            self._media.release()
            self._media = None

    def detach(self) -> None:
        """The stream starts over (the hub reconnected, maybe with other parameters): packets
        fed from now on wait for the next `start` instead of going into the old stream, so the
        new session's first keyframe is kept. Any thread; `start` follows on the GUI thread."""
        with self._lock:
            feed, self._feed = self._feed, None
            if feed is not None:
                self._detached = feed
        if feed is not None:
            feed.close()  # libvlc's reader sees the end of the old stream

    def release(self) -> None:
        """Stop and free the player; the view cannot be used afterwards."""
        self.stop()
        with self._lock:
            self._waiting.clear()
            self._waiting_bytes = 0
        if self._player is not None:
            self._events.event_detach(self._vlc.EventType.MediaPlayerVout)
            self._player.release()
            self._player = None

    @property
    def keyframes_only(self) -> bool:
        """Decode keyframes only (a small tile of a camera without a sub stream): one picture a
        GOP, at about a seventh of the CPU. libvlc takes it as a decoder option when the stream
        starts, so changing it while playing restarts the stream: the picture returns with the
        next keyframe fed (up to a GOP later; set it before `start`, or start a second view and
        swap at its `first_frame`, to avoid the gap)."""
        return self._keyframes_only

    @keyframes_only.setter
    def keyframes_only(self, value: bool) -> None:
        if value == self._keyframes_only:
            return
        self._keyframes_only = value
        with self._lock:
            playing = self._feed is not None
        if playing and self._info is not None:
            self.start(self._info)

    def stats(self) -> dict[str, int]:
        """Counters of the current stream: libvlc's pictures (decoded, displayed, lost; libvlc
        updates them about once a second) and the feed's packets (fed, dropped because the
        player was behind or before the first keyframe, and the muxer's own)."""
        result: dict[str, int] = {}
        with self._lock:
            feed = self._feed
        if feed is not None:
            with feed.cond:
                result.update(
                    fed=feed.fed,
                    dropped=feed.dropped,
                    dropped_gops=feed.dropped_gops,
                    queued=len(feed.queue),
                    held_bytes=feed.held_bytes,
                )
            counts = feed.muxer.counts
            result.update(
                muxed=counts.muxed,
                mux_dropped=counts.dropped,
                mux_fixed=counts.fixed,
                mux_restarts=counts.restarts,
            )
        if self._media is not None:
            stats = self._vlc.MediaStats()
            if self._media.get_stats(stats):
                result.update(
                    decoded=stats.decoded_video,
                    displayed=stats.displayed_pictures,
                    lost=stats.lost_pictures,
                    demux_corrupted=stats.demux_corrupted,
                    demux_discontinuity=stats.demux_discontinuity,
                    read_bytes=stats.read_bytes,
                )
        return result

    # -- the stream (any thread) ----------------------------------------------------------------

    def feed(self, packet: Packet) -> None:
        """Hand over a packet from the hub (any thread; returns at once, never waits for libvlc).
        When libvlc has not taken a packet for `max_wait_s`, or the queue holds more than
        `max_bytes`, the oldest GOP is dropped. While no stream plays, the packets from the
        latest keyframe on wait for the next `start`."""
        with self._lock:
            feed = self._feed
            if feed is None:
                self._wait(packet)
                return
        before = feed.dropped_gops
        feed.put(packet)
        if feed.dropped_gops != before and self.on_behind is not None:
            self.on_behind()

    def _wait(self, packet: Packet) -> None:
        """Keeps `packet` for the next start (with `_lock` held): a keyframe replaces what was
        kept; anything before the first keyframe, or past `max_bytes`, is useless alone."""
        if packet.keyframe:
            self._waiting.clear()
            self._waiting_bytes = 0
        elif not self._waiting:
            return
        self._waiting.append(packet)
        self._waiting_bytes += len(packet.data)
        if self._waiting_bytes > self._max_bytes:
            self._waiting.clear()
            self._waiting_bytes = 0

    # -- libvlc's callbacks (libvlc's threads; never call libvlc from here) -----------------------

    def _on_open(self, opaque: Any, datap: Any, sizep: Any) -> int:
        # The size stays unknown (libvlc preset it to UINT64_MAX): a live stream has no end.
        return 0

    def _on_read(self, opaque: Any, buf: Any, size: int) -> int:
        with self._lock:
            feed = self._feed
        if feed is None:
            return 0
        try:
            chunk = feed.read(size)
        except Exception:  # noqa: BLE001 - a bug, logged with its trace; libvlc cannot take it
            # End the stream: libvlc takes -1 as a read error.
            _log.exception("the live view's reader failed")
            return -1
        ctypes.memmove(buf, chunk, len(chunk))
        return len(chunk)

    def _on_close(self, opaque: Any) -> None:
        return None

    def _on_vout(self, event: Any) -> None:
        if event.u.new_count > 0 and not self.first_frame.is_set():
            self.first_frame.set()
            if self._on_first_frame is not None:
                self._on_first_frame()
