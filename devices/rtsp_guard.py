"""A loopback relay in front of one RTSP connection, so that FFmpeg never follows a redirect.

FFmpeg's RTSP client follows a 3xx answer to DESCRIBE to whatever host its Location names, and
logs in there with the login it was given for the camera (there is no option to stop it). So
FFmpeg is not connected to the camera: it is given the same URL on a loopback port where a
`RtspRelay` passes the bytes both ways over the connection the relay opened to the camera, reads
the camera's answers until the media flows, and cuts both connections at any redirect before
FFmpeg sees it (even one to the camera's own host: FFmpeg would follow it on a connection of its
own, unscreened, and the next redirect from there). Once media flows (the first interleaved `$`
frame) the bytes pass unread: FFmpeg follows redirects only while it connects.

The camera's connection is opened before FFmpeg starts (`RtspRelay.open`), so a camera that does
not answer fails as before, as OSError, and FFmpeg's own errors (a refused login, no such stream)
come through unchanged.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
from typing import Final
from urllib.parse import urlsplit, urlunsplit

__all__ = ["RtspRelay", "relay_for"]

#: RTSP's port where a URL names none.
RTSP_PORT: Final = 554

_log = logging.getLogger(__name__)

_CHUNK: Final = 256 * 1024
#: The camera's answers before the media flows are small (an SDP is a few kB): more than this
#: without a complete message is not RTSP.
_MAX_HEADER: Final = 64 * 1024
#: Nor does an answer before the media flows carry a larger body.
_MAX_BODY: Final = 1024 * 1024
_STATUS: Final = re.compile(rb"\ARTSP/\d\.\d\s+(\d{3})")
_LENGTH: Final = re.compile(rb"(?im)^content-length:\s*(\d+)\s*$")
_LOCATION: Final = re.compile(rb"(?im)^location:\s*(\S+)\s*$")


class _Cut(Exception):
    """The camera's answer must not reach FFmpeg: both connections are cut."""

    def __init__(self, reason: str, target: str = "") -> None:
        super().__init__(reason)
        self.target = target


class RtspRelay:
    """One RTSP connection to the camera through a loopback port (see the module)."""

    def __init__(self, upstream: socket.socket) -> None:
        self._upstream = upstream
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        self.port = int(self._listener.getsockname()[1])
        self._downstream: socket.socket | None = None
        self._lock = threading.Lock()
        self._closed = False
        #: Whether the camera's answers were cut (a redirect, or not RTSP at all).
        self.cut = False
        #: The Location of a redirect that was cut, "" if none.
        self.redirect = ""
        self._thread = threading.Thread(target=self._serve, name="rtsp-relay", daemon=True)

    @classmethod
    def open(cls, host: str, port: int, timeout: float) -> RtspRelay:
        """Connects to the camera (OSError if it cannot be reached within `timeout`) and starts
        waiting for FFmpeg on a loopback port."""
        upstream = socket.create_connection((host, port), timeout=timeout)
        upstream.settimeout(None)
        relay = cls(upstream)
        relay._listener.settimeout(timeout)
        relay._thread.start()
        return relay

    def url(self, url: str) -> str:
        """`url` (with its login) pointed at the relay's loopback port."""
        parts = urlsplit(url)
        userinfo, _, _ = parts.netloc.rpartition("@")
        netloc = f"{userinfo}@127.0.0.1:{self.port}" if userinfo else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def close(self) -> None:
        """Ends both connections (any number of times, from any thread)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            sockets = [self._listener, self._upstream, self._downstream]
        for sock in sockets:
            if sock is None:
                continue
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    # -- the relay -----------------------------------------------------------------------------

    def _serve(self) -> None:
        try:
            downstream, _ = self._listener.accept()
        except OSError:
            self.close()
            return
        with self._lock:
            if self._closed:
                downstream.close()
                return
            self._downstream = downstream
        with contextlib.suppress(OSError):
            self._listener.close()
        outgoing = threading.Thread(
            target=self._pump, args=(downstream, self._upstream), name="rtsp-relay-out", daemon=True
        )
        outgoing.start()
        self._answers(self._upstream, downstream)
        self.close()
        outgoing.join(5)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(_CHUNK):
                sink.sendall(chunk)
        except OSError:
            pass
        self.close()

    def _answers(self, camera: socket.socket, ffmpeg: socket.socket) -> None:
        """The camera's bytes to FFmpeg: read message by message until the media flows."""
        buffer = b""
        try:
            while True:
                chunk = camera.recv(_CHUNK)
                if not chunk:
                    return
                buffer += chunk
                passed, buffer, flowing = self._screen(buffer)
                if passed:
                    ffmpeg.sendall(passed)
                if flowing:
                    break
            if buffer:
                ffmpeg.sendall(buffer)
            while chunk := camera.recv(_CHUNK):
                ffmpeg.sendall(chunk)
        except _Cut as cut:
            self.cut, self.redirect = True, cut.target
            _log.warning("a camera's RTSP answer was cut (%s)", cut)
        except OSError:
            pass

    def _screen(self, buffer: bytes) -> tuple[bytes, bytes, bool]:
        """(complete messages that may pass, the rest, whether media flows)."""
        passed = b""
        while buffer:
            if buffer[:1] == b"$":
                return passed, buffer, True
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEADER:
                    raise _Cut("not RTSP")
                return passed, buffer, False
            header = buffer[: end + 4]
            status = _STATUS.match(header)
            if status is not None and 300 <= int(status.group(1)) < 400:
                location = _LOCATION.search(header)
                raise _Cut("a redirect", location.group(1).decode("latin-1") if location else "")
            found = _LENGTH.search(header)
            length = int(found.group(1)) if found else 0
            if length > _MAX_BODY:
                raise _Cut("too large")
            total = end + 4 + length
            if len(buffer) < total:
                return passed, buffer, False
            passed += buffer[:total]
            buffer = buffer[total:]
        return passed, buffer, False


def relay_for(url: str, timeout: float) -> RtspRelay | None:
    """A relay in front of the camera an rtsp:// `url` names (OSError or ValueError if it
    cannot be reached), or None for another scheme: rtsps:// is TLS, which a relay cannot read
    (FFmpeg then connects itself, and its redirects are not screened)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "rtsp":
        return None
    return RtspRelay.open(parts.hostname or "", parts.port or RTSP_PORT, timeout)
