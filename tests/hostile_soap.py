"""Small hostile ONVIF devices for the onboarding tests, each an http.server in a thread on
127.0.0.1 (and never anywhere else).

`ScriptedCamera` answers like a simulated camera (the answers come from an OnvifDevice of the
simulator that is never started: only its SOAP handling is used) except for the operations a test
overrides with a responder, which may rewrite the answer, stream an endless body, or answer with
a web page. It can also listen with TLS, and guard its snapshot with HTTP Digest or Basic.
`Listener` is a TCP port that records who connects: as a canary that must never be contacted, or
as a device that accepts and then never answers. `Eavesdropper` is a host a camera names for its
stream or snapshot (`pointing_at`): it challenges every request for a login and keeps what it
hears.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import random
import re
import secrets
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devices.simulator.onvif import DeviceConfig, OnvifDevice, default_jpeg

HOST = "127.0.0.1"
SOAP_TYPE = "application/soap+xml; charset=utf-8"
_OPERATION = re.compile(rb"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z]+)")
_DIGEST_FIELD = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')

#: Writes the whole answer: (handler, the simulated device's status, its body).
Responder = Callable[["_Handler", int, bytes], None]


class LoopbackServer:
    """A TCP server on a loopback address of the test's choosing: its thread accepts until the
    server is left and hands each connection to `accepted` (on the accepting thread)."""

    name = "loopback-server"

    def __init__(self, host: str = HOST) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.host = host
        self.port = int(self._sock.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def accepted(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self.accepted(conn)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=5)


class Listener(LoopbackServer):
    """A TCP listener that counts connections and keeps them open without a word."""

    name = "listener"

    def __init__(self, host: str = HOST) -> None:
        super().__init__(host)
        self._held: list[socket.socket] = []

    def accepted(self, conn: socket.socket) -> None:
        self._held.append(conn)

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        for conn in self._held:
            conn.close()


def closed_port(host: str = HOST) -> int:
    """A port nothing listens on (free at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and its key, as PEM files in `directory`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hostile camera")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "camera.crt", directory / "camera.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


# -- responders ---------------------------------------------------------------------------------


def rewrite(change: Callable[[bytes], bytes], status: int | None = None) -> Responder:
    """The simulated device's answer, changed."""

    def respond(handler: _Handler, device_status: int, body: bytes) -> None:
        handler.reply(status or device_status, change(body), SOAP_TYPE)

    return respond


def fixed(body: bytes, status: int = 200, content_type: str = SOAP_TYPE) -> Responder:
    def respond(handler: _Handler, device_status: int, device_body: bytes) -> None:
        handler.reply(status, body, content_type)

    return respond


def with_doctype(doctype: str, reference: str) -> Callable[[bytes], bytes]:
    """Put `doctype` after the XML declaration and `reference` (e.g. "&xxe;") into the first
    text the camera gives (its manufacturer, in GetDeviceInformation)."""

    def change(body: bytes) -> bytes:
        declaration, _, rest = body.partition(b"\n")
        rest = re.sub(rb"(<tds:Manufacturer>)", rb"\1" + reference.encode(), rest, count=1)
        return declaration + b"\n" + doctype.encode() + b"\n" + rest

    return change


def endless_body(total: int, *, chunked: bool = True) -> Responder:
    """An envelope whose body goes on for `total` bytes, written as fast as the client reads;
    how much was written before the client hung up lands in `camera.streamed`."""

    def respond(handler: _Handler, device_status: int, device_body: bytes) -> None:
        head = (
            b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
            b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Body>'
            b"<tds:GetSystemDateAndTimeResponse><tds:Padding>"
        )
        filler = b"A" * (64 * 1024)
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", SOAP_TYPE)
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        else:
            handler.send_header("Content-Length", str(total))
        handler.end_headers()
        sent = 0
        try:
            for piece in [head, *(filler for _ in range(total // len(filler)))]:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
        except OSError:  # the client hung up, as it should
            pass
        finally:
            handler.server.camera.streamed = sent

    return respond


def soap_fault(subcode: str, status: int = 500) -> Responder:
    """A SOAP 1.2 fault with an ONVIF subcode (e.g. "ter:ActionNotSupported")."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:ter="http://www.onvif.org/ver10/error"><env:Body><env:Fault><env:Code>'
        f"<env:Value>env:Receiver</env:Value><env:Subcode><env:Value>{subcode}</env:Value>"
        '</env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">Not supported'
        "</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"
    )
    return fixed(body.encode(), status)


def web_page(status: int = 200) -> Responder:
    page = (
        b"<!DOCTYPE html>\n<html><head><title>Router</title></head>"
        b"<body><h1>Welcome</h1><p>Please log in.</p></body></html>\n"
    )
    return fixed(page, status, "text/html; charset=utf-8")


# -- the scripted camera ------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    camera: ScriptedCamera
    scheme: str

    def server_bind(self) -> None:
        # Not HTTPServer's: it asks the resolver for the address's name (a reverse DNS query).
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def reply(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        camera = self.server.camera
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        match = _OPERATION.search(data)
        operation = match.group(1).decode() if match else ""
        camera.requests.append((self.server.scheme, operation, self.path))
        status, body = camera.device.handle_soap(self.path.split("?")[0], data)
        responder = camera.overrides.get(operation) or camera.every
        if responder is None:
            self.reply(status, body, SOAP_TYPE)
        else:
            responder(self, status, body)

    def do_GET(self) -> None:
        camera = self.server.camera
        camera.requests.append((self.server.scheme, "GET", self.path))
        if camera.every is not None:
            camera.every(self, 200, b"")
            return
        if not camera.snapshot_login_ok(self):
            return
        self.reply(200, camera.snapshot, "image/jpeg")


class ScriptedCamera:
    """A camera on 127.0.0.1 that answers as scripted. Use as a context manager."""

    def __init__(
        self,
        user: str,
        password: str,
        overrides: Mapping[str, Responder] | None = None,
        *,
        every: Responder | None = None,
        tls_dir: Path | None = None,
        snapshot_auth: str = "",
        snapshot: bytes | None = None,
        stream_host: str = HOST,
        main_stream_uri: str = "",
        host: str = HOST,
        check_login: bool = True,
    ) -> None:
        self.user, self.password = user, password
        self.host = host
        self.overrides = dict(overrides or {})
        self.every = every
        self.snapshot_auth = snapshot_auth
        self.snapshot = default_jpeg() if snapshot is None else snapshot
        #: (scheme, operation or "GET", path) of every request, in order.
        self.requests: list[tuple[str, str, str]] = []
        self.streamed = 0
        self._realm = "hostile camera"
        self._nonce = secrets.token_hex(16)
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self.http = self._serve("http")
        self.port = int(self.http.server_address[1])
        self.tls_port = 0
        if tls_dir is not None:
            cert, key = self_signed_certificate(tls_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            tls = self._serve("https")
            tls.socket = context.wrap_socket(tls.socket, server_side=True)
            self.tls_port = int(tls.server_address[1])
        config = DeviceConfig(
            name="Hostile",
            address=host,
            port=self.port,
            main_stream_uri=main_stream_uri or f"rtsp://{stream_host}:8554/hostile/main",
            sub_stream_uri=f"rtsp://{stream_host}:8554/hostile/sub",
            user=user,
            password=password,
            main_resolution=(640, 360),
            sub_resolution=(320, 180),
        )
        # Never started: only its SOAP handling (and WS-Security check) is used.
        self.device = OnvifDevice(config, snapshot_jpeg=self.snapshot)
        if not check_login:
            # Like devices that take any WS-Security login (or none) for every operation.
            self.device._authenticate = lambda header: None  # type: ignore[method-assign]

    def _serve(self, scheme: str) -> _Server:
        server = _Server((self.host, 0), _Handler)
        server.camera = self
        server.scheme = scheme
        self._servers.append(server)
        return server

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def operations(self, scheme: str | None = None) -> list[str]:
        return [op for s, op, _ in self.requests if scheme is None or s == scheme]

    def __enter__(self) -> ScriptedCamera:
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    # -- snapshot login ---------------------------------------------------------------------

    def snapshot_login_ok(self, handler: _Handler) -> bool:
        if not self.snapshot_auth:
            return True
        given = handler.headers.get("Authorization", "")
        if self.snapshot_auth == "basic":
            expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            if given == f"Basic {expected}":
                return True
            challenge = f'Basic realm="{self._realm}"'
        else:
            if given.startswith("Digest ") and self._digest_ok(given[7:], handler.path):
                return True
            challenge = f'Digest realm="{self._realm}", qop="auth", nonce="{self._nonce}"'
        handler.reply(401, b"Unauthorized\n", "text/plain", WWW_Authenticate=challenge)
        return False

    def _digest_ok(self, header: str, path: str) -> bool:
        fields = {k: a or b for k, a, b in _DIGEST_FIELD.findall(header)}
        if fields.get("username") != self.user or fields.get("nonce") != self._nonce:
            return False

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = md5(f"{self.user}:{self._realm}:{self.password}")
        ha2 = md5(f"GET:{fields.get('uri', path)}")
        expected = md5(
            f"{ha1}:{self._nonce}:{fields.get('nc', '')}:{fields.get('cnonce', '')}:"
            f"{fields.get('qop', '')}:{ha2}"
        )
        return fields.get("response") == expected


# -- a host the camera names ---------------------------------------------------------------------


class Eavesdropper(LoopbackServer):
    """A TCP listener on another loopback address that challenges every request for a Basic
    login (HTTP and RTSP alike) and keeps every byte it receives."""

    name = "eavesdropper"

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self._heard: list[bytes] = []
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def accepted(self, conn: socket.socket) -> None:
        thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        buffer = b""
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                with self._lock:
                    self._heard.append(chunk)
                buffer += chunk
                while b"\r\n\r\n" in buffer:
                    request, _, buffer = buffer.partition(b"\r\n\r\n")
                    try:
                        conn.sendall(_challenge(request))
                    except OSError:
                        return

    @property
    def heard(self) -> bytes:
        with self._lock:
            return b"".join(self._heard)

    def heard_login(self, user: str, password: str) -> list[str]:
        """What of the login `user`, `password` reached this host (empty: nothing)."""
        heard = self.heard
        text = heard.decode("latin-1")
        found = []
        if re.search(r"(?im)^authorization:", text):
            found.append("an Authorization header")
        for name, value in (("the user name", user), ("the password", password)):
            forms = {value, quote(value, safe=""), quote(value)}
            if any(form.encode() in heard for form in forms):
                found.append(name)
        for encoded in re.findall(r"(?im)^authorization:\s*basic\s+(\S+)", text):
            decoded = base64.b64decode(encoded + "==").decode("utf-8", "replace")
            found.extend(
                name for name, value in (("user", user), ("password", password)) if value in decoded
            )
        return found

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        for thread in self._threads:
            thread.join(timeout=5)


def _challenge(request: bytes) -> bytes:
    first = request.split(b"\r\n", 1)[0]
    cseq = re.search(rb"(?im)^cseq:\s*(\d+)", request)
    if first.endswith(b"RTSP/1.0"):
        return (
            b"RTSP/1.0 401 Unauthorized\r\nCSeq: "
            + (cseq.group(1) if cseq else b"1")
            + b'\r\nWWW-Authenticate: Basic realm="camera"\r\nContent-Length: 0\r\n\r\n'
        )
    return (
        b"HTTP/1.1 401 Unauthorized\r\n"
        b'WWW-Authenticate: Basic realm="camera"\r\nContent-Length: 0\r\n\r\n'
    )


def foreign_host() -> str:
    # Another loopback address (random block: parallel runs do not collide).
    return f"127.0.{random.randint(10, 250)}.9"


def pointing_at(elsewhere: Eavesdropper, user: str, password: str) -> ScriptedCamera:
    """A camera whose stream and snapshot addresses name `elsewhere`."""
    other = f"{elsewhere.host}:{elsewhere.port}".encode()

    def stream(body: bytes) -> bytes:
        return re.sub(rb"rtsp://127\.0\.0\.1:\d+/", b"rtsp://" + other + b"/", body)

    def snapshot(body: bytes) -> bytes:
        return re.sub(rb"http://127\.0\.0\.1:\d+/", b"http://" + other + b"/", body)

    overrides = {"GetStreamUri": rewrite(stream), "GetSnapshotUri": rewrite(snapshot)}
    return ScriptedCamera(user, password, overrides)
