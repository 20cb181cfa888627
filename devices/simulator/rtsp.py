"""The simulated cameras' RTSP streams: GStreamer's RTSP server serving cached clips in a loop.

Each camera has a main and optionally a sub stream, mounted at `/<slug>/main` and `/<slug>/sub`.
A clip (H.264 in MPEG-TS, see `clips.clip_for`) is read in a loop by `multifilesrc loop=true`;
tsdemux keeps the timestamps running on across the loop, so clients see one endless stream.
Nothing is encoded per client: the media of a mount is shared, so every viewer of a stream is
served by one pipeline that only demuxes and packetises.

Scriptable faults per camera: `set_offline` (existing clients are disconnected, new requests get
503 Service Unavailable), `stall` (the pipeline stops sending frames but sessions stay open) and
`reject_auth` (every login, right or wrong, gets 401). `sessions(mount)` counts the RTSP sessions
open on a stream, which tests use to prove that viewers share one session.

The server runs in its own GLib main context on one thread; every change to it is made on that
thread. gi is untyped, so the gi-facing code keeps `Any` at its edge.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")

from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

from console.errors import N_, KnownError  # noqa: E402
from devices.simulator.onvif import slugify  # noqa: E402

T = TypeVar("T")

#: The pipeline of one stream. `src` gets the clip's path in media-configure (no quoting in the
#: launch line); `pace` holds the source to the clock so that `stall` (valve dropping) does not
#: spin through the file, and timestamps keep running while stalled. tsdemux would hold back
#: 700 ms before a new viewer's first packet by default: latency=0 (0.8 s → 0.1 s to open).
_LAUNCH = (
    "( multifilesrc name=src loop=true ! tsdemux latency=0 ! h264parse"
    " ! identity name=pace sync=true"
    " ! valve name=stall drop=false ! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
_ANONYMOUS = "anonymous"
_ROLE_KEY = "media.factory.role"


class RtspServerError(KnownError):
    """The simulated RTSP server could not start or does not respond."""


@dataclass(frozen=True)
class CameraPaths:
    """Where a camera's streams are mounted (sub is None for a camera without a sub stream)."""

    main: str
    sub: str | None


@dataclass
class _Camera:
    name: str
    slug: str
    paths: CameraPaths
    role: str
    factories: dict[str, Any] = field(default_factory=dict)  # mount -> RTSPMediaFactory
    media: list[Any] = field(default_factory=list)  # live RTSPMedia of this camera
    offline: bool = False
    stalled: bool = False
    rejecting: bool = False


class RtspServer:
    """GStreamer's RTSP server on `address` and a free port (or `port`), on a thread of its own.

    Use as a context manager, or call `start` and `stop`.
    """

    def __init__(self, address: str = "127.0.0.1", port: int = 0) -> None:
        Gst.init(None)
        self.address = address
        self._requested_port = port
        self._context: Any = GLib.MainContext.new()
        self._loop: Any = GLib.MainLoop.new(self._context, False)
        self._server: Any = GstRtspServer.RTSPServer.new()
        self._server.set_address(address)
        self._server.set_service(str(port))
        self._auth: Any = _auth_class()(self._may_open)
        anonymous = GstRtspServer.RTSPToken()
        anonymous.set_string(_ROLE_KEY, _ANONYMOUS)
        self._auth.set_default_token(anonymous)
        self._server.set_auth(self._auth)
        self._server.connect("client-connected", self._on_client_connected)
        self._cameras: dict[str, _Camera] = {}  # slug -> camera
        self._roles = {_ANONYMOUS}  # every role a login can have
        self._clients: dict[Any, set[str]] = {}  # client -> slugs it has asked for
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._source_id = 0
        self._pool_source: Any = None
        self.port = 0

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._source_id = int(self._server.attach(self._context))
        if not self._source_id:
            raise RtspServerError(
                N_("The simulated RTSP server cannot listen on {address} port {port}."),
                address=self.address,
                port=self._requested_port,
            )
        self.port = int(self._server.get_bound_port())
        # Expires sessions whose clients vanished without a TEARDOWN.
        self._pool_source = self._server.get_session_pool().create_watch()
        self._pool_source.set_callback(lambda *_: True)
        self._pool_source.attach(self._context)
        self._thread = threading.Thread(target=self._run, name="rtsp-simulator", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._context.push_thread_default()
        try:
            self._loop.run()
        finally:
            self._context.pop_thread_default()

    def stop(self) -> None:
        """Disconnects every client, shuts the pipelines down and ends the server's thread."""
        if self._thread is None:
            return

        def shut_down() -> None:
            self._server.client_filter(lambda *_: GstRtspServer.RTSPFilterResult.REMOVE)
            for camera in self._cameras.values():
                for media in list(camera.media):
                    media.unprepare()
                camera.media.clear()
            source = self._context.find_source_by_id(self._source_id)
            if source is not None:
                source.destroy()
            if self._pool_source is not None:
                self._pool_source.destroy()

        self._on_loop(shut_down)
        self._loop.quit()
        self._thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> RtspServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- cameras ------------------------------------------------------------------------------

    def add_camera(
        self,
        name: str,
        main: Path,
        sub: Path | None = None,
        user: str | None = None,
        password: str | None = None,
    ) -> CameraPaths:
        """Mounts camera `name`'s clips; with `user` and `password` it wants an RTSP Basic login."""
        slug = slugify(name)
        if slug in self._cameras:
            raise ValueError(f"there already is a camera called “{name}”")
        if (user is None) != (password is None):
            raise ValueError("a camera needs both a user and a password, or neither")
        paths = CameraPaths(f"/{slug}/main", f"/{slug}/sub" if sub is not None else None)
        role = _ANONYMOUS
        if user is not None and password is not None:
            role = "login-" + hashlib.sha256(f"{user}\0{password}".encode()).hexdigest()[:16]
        camera = _Camera(name=name, slug=slug, paths=paths, role=role)

        def mount() -> None:
            if role != _ANONYMOUS:
                token = GstRtspServer.RTSPToken()
                token.set_string(_ROLE_KEY, role)
                self._auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
            mounts = self._server.get_mount_points()
            for path, clip in ((paths.main, main), (paths.sub, sub)):
                if path is None or clip is None:
                    continue
                factory = GstRtspServer.RTSPMediaFactory.new()
                factory.set_launch(_LAUNCH)
                factory.set_shared(True)
                factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
                factory.connect("media-configure", self._on_media_configure, camera, str(clip))
                camera.factories[path] = factory
                mounts.add_factory(path, factory)
            self._roles.add(role)
            for each in self._cameras.values():
                _admit(each, self._roles)

        with self._lock:
            self._cameras[slug] = camera
        self._on_loop(mount)
        return paths

    def url(self, mount: str, user: str | None = None, password: str | None = None) -> str:
        """The rtsp:// URL of a mount, with credentials if given."""
        login = f"{user}:{password}@" if user is not None and password is not None else ""
        return f"rtsp://{login}{self.address}:{self.port}{mount}"

    def sessions(self, mount: str) -> int:
        """How many RTSP sessions are open on `mount` (e.g. "/resecentrum/main")."""

        def count() -> int:
            total = 0
            for session in self._server.get_session_pool().filter(None, None):
                for session_media in session.filter(None, None):
                    matched, length = session_media.matches(mount)
                    if matched and length == len(mount):
                        total += 1
            return total

        return self._on_loop(count)

    # -- faults -------------------------------------------------------------------------------

    def set_offline(self, name: str, offline: bool) -> None:
        """Offline: clients of the camera are disconnected and new requests get 503."""
        camera = self._camera(name)

        def apply() -> None:
            camera.offline = offline
            if not offline:
                return
            for client in [c for c, slugs in self._clients.items() if camera.slug in slugs]:
                client.close()

        self._on_loop(apply)

    def stall(self, name: str, stalled: bool) -> None:
        """Stalled: no frames leave the camera's streams, but sessions stay open."""
        camera = self._camera(name)

        def apply() -> None:
            camera.stalled = stalled
            for media in camera.media:
                _set_stalled(media, stalled)

        self._on_loop(apply)

    def reject_auth(self, name: str, rejecting: bool) -> None:
        """Rejecting: every request for the camera's streams gets 401, whatever the login."""
        camera = self._camera(name)

        def apply() -> None:
            camera.rejecting = rejecting

        self._on_loop(apply)

    # -- internals (on the server's thread) ---------------------------------------------------

    def _camera(self, name: str) -> _Camera:
        with self._lock:
            camera = self._cameras.get(slugify(name))
        if camera is None:
            raise LookupError(f"there is no simulated camera called “{name}”")
        return camera

    def _may_open(self, context: Any) -> bool | None:
        """Whether the request's login may open the stream; None when it is not a camera's."""
        camera = self._cameras.get(_slug_of(context))
        if camera is None:
            return None
        if camera.rejecting:
            return False
        if camera.role == _ANONYMOUS:
            return True
        token = context.token
        return token is not None and token.get_string(_ROLE_KEY) == camera.role

    def _on_media_configure(self, _factory: Any, media: Any, camera: _Camera, clip: str) -> None:
        element = media.get_element()
        element.get_by_name("src").set_property("location", clip)
        # A looping file has no end to seek in, and a seek by one viewer would disturb the others
        # of a shared media: answer "not seekable" so that PLAY's Range is ignored.
        pay = element.get_by_name("pay0").get_static_pad("src")
        pay.add_probe(Gst.PadProbeType.QUERY_UPSTREAM, _refuse_seeking)
        _set_stalled(media, camera.stalled)
        camera.media.append(media)
        media.connect("unprepared", self._on_media_unprepared, camera)

    def _on_media_unprepared(self, media: Any, camera: _Camera) -> None:
        if media in camera.media:
            camera.media.remove(media)

    def _on_client_connected(self, _server: Any, client: Any) -> None:
        self._clients[client] = set()
        client.connect("closed", self._on_client_closed)
        for request in ("describe", "setup", "play"):
            client.connect(f"pre-{request}-request", self._on_request)

    def _on_client_closed(self, client: Any) -> None:
        self._clients.pop(client, None)

    def _on_request(self, client: Any, context: Any) -> Any:
        slug = _slug_of(context)
        camera = self._cameras.get(slug)
        if camera is None:
            return GstRtsp.RTSPStatusCode.OK
        self._clients.setdefault(client, set()).add(slug)
        if camera.offline:
            return GstRtsp.RTSPStatusCode.SERVICE_UNAVAILABLE
        return GstRtsp.RTSPStatusCode.OK

    def _on_loop(self, function: Callable[[], T]) -> T:
        """Runs `function` on the server's thread (directly before `start`); returns its result."""
        thread = self._thread
        if thread is None or threading.current_thread() is thread:
            return function()
        done = threading.Event()
        outcome: list[T] = []
        failure: list[BaseException] = []

        def call(*_: object) -> bool:
            try:
                outcome.append(function())
            except BaseException as error:  # noqa: BLE001 - handed to the calling thread
                failure.append(error)
            finally:
                done.set()
            return False

        self._context.invoke_full(GLib.PRIORITY_DEFAULT, call)
        if not done.wait(timeout=10):
            raise RtspServerError(N_("The simulated RTSP server does not respond."))
        if failure:
            raise failure[0]
        return outcome[0]


def _admit(camera: _Camera, roles: set[str]) -> None:
    """Lets every role through the factory permissions (CameraAuth has decided already)."""
    permissions = GstRtspServer.RTSPPermissions()
    for role in sorted(roles):
        permissions.add_permission_for_role(role, "media.factory.access", True)
        permissions.add_permission_for_role(role, "media.factory.construct", True)
    for factory in camera.factories.values():
        factory.set_permissions(permissions)


def _slug_of(context: Any) -> str:
    uri = context.uri
    path = str(uri.abspath) if uri is not None and uri.abspath else ""
    return path.strip("/").split("/", 1)[0]


def _auth_class() -> Any:
    """RTSPAuth deciding access per camera: its login, or none for a camera without one.

    GStreamer answers a login its factory permissions refuse with 404, and never asks for a login
    while an anonymous default token exists; a camera that wants a login must answer 401 with a
    challenge, which GStreamer does when authentication fails: so authentication fails here for
    a request without the camera's login. The permissions then only need to let roles in.
    """

    class CameraAuth(GstRtspServer.RTSPAuth):  # type: ignore[misc]
        def __init__(self, may_open: Callable[[Any], bool | None]) -> None:
            super().__init__()
            self._may_open = may_open

        def do_authenticate(self, context: Any) -> bool:
            # The default sets the token of a matching login, or the anonymous default token;
            # failing here is what makes GStreamer answer 401 with a challenge.
            authenticated = bool(GstRtspServer.RTSPAuth.do_authenticate(self, context))
            return authenticated and self._may_open(context) is not False

    return CameraAuth


def _set_stalled(media: Any, stalled: bool) -> None:
    valve = media.get_element().get_by_name("stall")
    if valve is not None:
        valve.set_property("drop", stalled)


def _refuse_seeking(_pad: Any, info: Any) -> Any:
    query = info.get_query()
    if query is not None and query.type == Gst.QueryType.SEEKING:
        # HANDLED answers the query as it was made: seekable=FALSE.
        return Gst.PadProbeReturn.HANDLED
    return Gst.PadProbeReturn.OK
