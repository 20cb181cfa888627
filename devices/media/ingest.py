"""RTSP ingest with PyAV: one camera stream as a `Source` of demuxed packets for the media hub.

`open_stream` is the one way a camera's RTSP stream is opened, and `open_error`/`read_error` the
one mapping of PyAV's errors to the operator's words: live view and recording open theirs here,
and so do the camera wizard's keyframe and the health check (devices/onvif_client.py). The errors
are StreamFailed (console/camera_facts.py), WrongLogin also the camera's WrongLogin.

The login goes percent-encoded into the URL, the only way FFmpeg's RTSP client takes one, and is
put there by the camera's `CameraLogin` (console/camera_login.py), which refuses a URL on another
host than the camera's (ForeignHost, before anything is sent). FFmpeg connects through a loopback
relay (devices/rtsp_guard.py) that cuts the connection at a redirect to another host, which
FFmpeg would otherwise follow with the login (ForeignHost too). FFmpeg
and PyAV put that URL into their error messages (and `repr` of a container), so a PyAV error is
described here by its class only and never chained, logged or kept: the KnownErrors raised are
made outside the `except` block, so not even `__context__` holds the original.

Stopping a blocked read. Closing a container while another thread is inside `av_read_frame`
frees the demuxer under it (a use-after-free that crashes the process), and PyAV 18 has no
other way to interrupt a read than its own timeout: the interrupt callback ends a read that has
waited `timeout` seconds. So a source is opened with a short read timeout (`INTERRUPT_S`) and a
read that is interrupted looks at the clock and at `close()`:

- `close()` called: the read raises SourceClosed and the reading thread closes the container
  (RTSP TEARDOWN), so `close()` itself never waits and a blocked read returns within ~1 s;
- no packet for `timeout` seconds: NoVideo (the session is open but the camera is silent);
- otherwise it reads on. FFmpeg's RTSP demuxer resumes after an interrupt between packets
  (measured: a stalled stream interrupted every 0.3 s reads on without loss when it resumes).

An interrupt can also fall in the middle of one packet that takes longer than INTERRUPT_S to
arrive (a large keyframe on a slow link): the rest of that packet is then lost and the frame is
broken until the next keyframe. 1 s keeps that away from any link fast enough to carry the
stream (a 200 kB 1080p keyframe needs only 1.6 Mbit/s to arrive within it).

A cold stream opens with the smallest probing (`probesize` 32 bytes, `analyzeduration` 0): the
SDP's sprop-parameter-sets already give the codec, the picture size and the extradata, so
av.open returns after the first packet (~0.1 s on the simulated site instead of ~1.2 s).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import av
import av.error

from console import camera_facts
from console.camera_facts import StreamFailed
from console.camera_login import CameraLogin, ForeignHost, Purpose, host_of
from console.errors import N_
from console.media.packets import OpenSource, Packet, Profile, Source, StreamInfo, StreamKey
from console.ports import CameraLogins
from devices.rtsp_guard import RtspRelay, relay_for

log = logging.getLogger(__name__)

#: The longest a read waits inside FFmpeg before it looks at close() and the stall clock.
INTERRUPT_S = 1.0
#: A failure to open that came only when the open timeout ran out: the camera did not answer, or
#: answered RTSP but sent no packet (av.open fails with InvalidDataError either way).
_WAITED = 0.9

_WRONG_LOGIN = N_("The camera refused the user name or password.")
_UNREACHABLE = N_(
    "The camera does not answer: it is off, not on the network, or its address is wrong."
)
_NOT_FOUND = N_("The camera has no video stream at this address.")
_REFUSED = N_(
    "The camera refuses to send video now (it may be restarting or have too many viewers)."
)
#: The stream opened but no picture came in time.
NO_PICTURE = N_("The camera did not send video in time.")
_STOPPED = N_("The camera stopped sending video.")
_ENDED = N_("The camera ended the video stream.")
_NO_VIDEO = N_("The camera's stream holds no video.")
_FAILED = N_("The camera's video stream cannot be read.")
_CLOSED = N_("The video stream was closed.")


class IngestError(StreamFailed):
    """A camera stream cannot be opened or read. A StreamFailed (a CameraError), so that the
    camera wizard shows it at its stream step, as it does the live view's."""


class WrongLogin(IngestError, camera_facts.WrongLogin):
    """The camera refused the user name or password (RTSP 401 or 403)."""

    step = "login"


class CameraUnreachable(IngestError):
    """Nothing answers RTSP at the camera's address, or not in time."""


class StreamRefused(IngestError):
    """The camera answers but will not stream: no such stream, or busy (RTSP 404, 5xx)."""


class NoVideo(IngestError):
    """The stream holds no video, or the camera sends none (open but silent)."""


class StreamEnded(IngestError):
    """The camera ended the session (connection reset or closed)."""


class SourceClosed(IngestError):
    """The source was closed; raised by a read after (or during) `close()`."""


def with_login(url: str, login: CameraLogin) -> str:
    """`url` with the camera's login percent-encoded into it (replacing any login it had);
    ForeignHost (a KnownError) when `url` is on another host than the camera's."""
    return login.url_with_login(url, Purpose.STREAM)


def without_login(url: str) -> str:
    """`url` as it may be shown or logged: no login, no query (some cameras take one there)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host if parts.port is None else f"{host}:{parts.port}"
    except ValueError:
        return "rtsp://?"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True, slots=True)
class OpenStream:
    """An RTSP session open in PyAV: its container (video in it) and the relay in front of
    the camera, if any. `close()` ends both."""

    container: Any
    relay: RtspRelay | None
    #: The URL as it may be shown or logged.
    shown: str

    def close(self) -> None:
        try:
            self.container.close()
        except av.error.FFmpegError as err:
            # Closing sends a TEARDOWN; a dead connection may refuse it. Nothing is left open.
            log.info("%s: closing failed (%s)", self.shown, type(err).__name__)
        finally:
            if self.relay is not None:
                self.relay.close()


def open_stream(
    url: str,
    login: CameraLogin,
    *,
    timeout: float = 10.0,
    read_timeout: float = INTERRUPT_S,
    transport: str = "tcp",
) -> OpenStream:
    """The one way a camera's RTSP stream is opened (live view, recording, the wizard's
    keyframe, the health check): DESCRIBE, SETUP, PLAY and the first packet, through the
    relay, blocking for at most about `timeout` seconds; a read then waits at most
    `read_timeout` seconds inside FFmpeg. Raises WrongLogin, CameraUnreachable, StreamRefused,
    NoVideo or IngestError, with the camera's address in none of them; ForeignHost, unsent,
    for a URL on another host than the camera's (and for a redirect to one, which is cut)."""
    shown = without_login(url)
    authorized = with_login(url, login)
    failure: IngestError | None = None
    started = time.monotonic()
    try:
        # FFmpeg talks to the camera through a relay that refuses redirects to other hosts.
        relay = relay_for(authorized, timeout)
    except TimeoutError:
        failure = NoVideo(NO_PICTURE)
    except (OSError, ValueError) as err:
        failure = CameraUnreachable(_UNREACHABLE)
        log.info("%s: cannot connect (%s)", shown, type(err).__name__)
    if failure is not None:
        raise failure
    options = {
        "rtsp_transport": transport,
        "timeout": str(int(timeout * 1_000_000)),  # socket I/O, microseconds
        "analyzeduration": "0",
        "probesize": "32",
    }
    try:
        target = relay.url(authorized) if relay is not None else authorized
        container = av.open(target, options=options, timeout=(timeout, read_timeout))
    except av.error.FFmpegError as err:
        waited = time.monotonic() - started >= _WAITED * timeout
        failure = open_error(err, waited=waited)
        log.info("%s: cannot open (%s)", shown, type(err).__name__)
    except ValueError as err:  # e.g. a URL FFmpeg cannot even parse
        failure = IngestError(_FAILED)
        log.info("%s: cannot open (%s)", shown, type(err).__name__)
    if failure is not None:
        if relay is not None:
            relay.close()
            if relay.cut and not login.allows(host_of(relay.redirect)):
                raise ForeignHost(Purpose.STREAM, login.host, host_of(relay.redirect) or "?")
        raise failure
    opened = OpenStream(container, relay, shown)
    if not container.streams.video:
        opened.close()
        raise NoVideo(_NO_VIDEO)
    log.info("%s: open after %.2f s", shown, time.monotonic() - started)
    return opened


class PyAvSource:
    """One RTSP session of one camera stream (see the module's docstring). `read` is called by
    one thread at a time; `close` may be called from any thread, any number of times."""

    def __init__(
        self, container: Any, shown: str, timeout: float, relay: RtspRelay | None = None
    ) -> None:
        self._container = container
        self._relay = relay
        self._shown = shown
        self._timeout = timeout
        video = container.streams.video
        self._video = video[0]
        self._info = _stream_info(self._video)
        self._packets: Any = None  # the demux generator (a new one after each interrupt)
        self._lock = threading.Lock()
        self._reading = False
        self._closing = False
        self._released = False
        #: When the data of the last packet read arrived (time.monotonic()).
        self._last_arrival: float | None = None

    @classmethod
    def open(
        cls,
        url: str,
        login: CameraLogin,
        *,
        timeout: float = 10.0,
        transport: str = "tcp",
    ) -> PyAvSource:
        """Opens the stream (DESCRIBE, SETUP, PLAY and the first packet), blocking for at most
        about `timeout` seconds. Raises WrongLogin, CameraUnreachable, StreamRefused, NoVideo or
        IngestError, with the camera's address in none of them; ForeignHost, unsent, for a URL on
        another host than the camera's."""
        opened = open_stream(url, login, timeout=timeout, transport=transport)
        return cls(opened.container, opened.shown, timeout, opened.relay)

    def info(self) -> StreamInfo:
        return self._info

    def read(self) -> Packet | None:
        """The next video packet; None when the camera ended the stream. Raises NoVideo after
        `timeout` seconds without a packet, SourceClosed after (or during) `close()`."""
        with self._lock:
            if self._closing:
                raise SourceClosed(_CLOSED)
            self._reading = True
        try:
            return self._next()
        finally:
            with self._lock:
                self._reading = False
                if self._closing:
                    self._release()

    def close(self) -> None:
        """Ends the session. If a read is blocked in another thread it returns within about
        INTERRUPT_S and that thread closes the container; otherwise it is closed here."""
        with self._lock:
            self._closing = True
            if not self._reading:
                self._release()

    def __repr__(self) -> str:
        return f"<PyAvSource {self._shown}>"

    # -- internals ------------------------------------------------------------------------------

    def _next(self) -> Packet | None:
        # Silence counts from the last data, not from this call: the frame FFmpeg's parser
        # held back came out a second late.
        quiet_since = self._last_arrival or time.monotonic()
        while True:
            if self._packets is None:
                self._packets = self._container.demux(self._video)
            failure: IngestError | None = None
            asked = time.monotonic()
            try:
                packet = next(self._packets)
            except StopIteration:
                return None  # EOF: the camera closed the session
            except av.error.ExitError:
                self._packets = None  # the interrupt ended that generator
                if self._closing:
                    failure = SourceClosed(_CLOSED)
                elif time.monotonic() - quiet_since >= self._timeout:
                    failure = NoVideo(_STOPPED)
                else:
                    continue
            except av.error.FFmpegError as err:
                self._packets = None
                failure = read_error(err)
                log.info("%s: read failed (%s)", self._shown, type(err).__name__)
            if failure is not None:
                raise failure
            if packet.size == 0 or packet.stream_index != self._video.index:
                continue  # the demuxer's flush packets at EOF, or another stream
            arrived = time.monotonic()
            if arrived - asked >= INTERRUPT_S:
                # The interrupt ended this read, and FFmpeg then hands out the frame its H.264
                # parser held back (it waits for the next frame's start to know one has ended)
                # instead of the error: that frame's data came before the read began, and that
                # is what the hub's watchdog must see.
                arrived = asked
            self._last_arrival = arrived
            return Packet(
                data=bytes(packet),
                pts=packet.pts,
                dts=packet.dts,
                keyframe=packet.is_keyframe,
                time_base=packet.time_base,
                duration=packet.duration or 0,
                received=arrived,
            )

    def _release(self) -> None:
        """Closes the container once (with the lock held, never during a read)."""
        if self._released:
            return
        self._released = True
        self._packets = None
        try:
            self._container.close()
        except av.error.FFmpegError as err:
            # Closing sends a TEARDOWN; a dead connection may refuse it. Nothing is left open.
            log.info("%s: closing failed (%s)", self._shown, type(err).__name__)
        if self._relay is not None:
            self._relay.close()


def _stream_info(video: Any) -> StreamInfo:
    codec = video.codec_context
    rate = video.average_rate or video.guessed_rate
    return StreamInfo(
        codec=codec.name,
        width=codec.width,
        height=codec.height,
        time_base=video.time_base,
        extradata=bytes(codec.extradata or b""),
        fps=float(rate) if rate else None,
    )


def open_error(err: av.error.FFmpegError, *, waited: bool) -> IngestError:
    """The operator's words for PyAV's error opening a stream (`err` names the URL with the
    login in it, so it is described by its class only and never chained or logged). `waited`:
    the failure came only when the open timeout ran out."""
    if isinstance(err, av.error.HTTPUnauthorizedError | av.error.HTTPForbiddenError):
        return WrongLogin(_WRONG_LOGIN)
    if isinstance(err, av.error.HTTPNotFoundError):
        return StreamRefused(_NOT_FOUND)
    if isinstance(err, av.error.HTTPError):
        return StreamRefused(_REFUSED)
    if waited and isinstance(err, av.error.InvalidDataError | av.error.ExitError):
        return NoVideo(NO_PICTURE)
    if isinstance(err, OSError | av.error.InvalidDataError | av.error.ExitError):
        # Refused, reset, timed out, no route: FFmpeg gives InvalidDataError for a host it
        # cannot reach at all (measured: an unroutable address fails at once with it).
        return CameraUnreachable(_UNREACHABLE)
    return IngestError(_FAILED)


def read_error(err: av.error.FFmpegError) -> IngestError:
    """The operator's words for PyAV's error reading an open stream (as `open_error`)."""
    if isinstance(err, av.error.ExitError | av.error.TimeoutError):
        # PyAV's timeout interrupted a read that waited in vain, or the socket's ran out.
        return NoVideo(_STOPPED)
    if isinstance(err, av.error.EOFError | ConnectionError):
        return StreamEnded(_ENDED)
    if isinstance(err, OSError):
        return CameraUnreachable(_UNREACHABLE)
    return IngestError(_FAILED)


def camera_opener(logins: CameraLogins) -> OpenSource:
    """The media hub's OpenSource for the cameras of a data dir: the stream's address from the
    camera as stored, its login from the keyring just before connecting, both through the
    capability the composition root gave (`CameraService.login_reader()`). Who watches or
    records is checked (and logged) before subscribing."""

    def open_source(key: StreamKey) -> Source:
        camera = logins.camera(key.camera_id)
        uri = camera.main_uri if key.profile is Profile.MAIN else camera.sub_uri or camera.main_uri
        return PyAvSource.open(uri, logins.login(camera.id))

    return open_source
