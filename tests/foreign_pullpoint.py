"""A PullPoint device as other makers build them, for the event tests: an http.server in a thread
on 127.0.0.1 (and never anywhere else), in the style of tests/hostile_soap.py.

What it does differently from the simulated site's cameras (devices/simulator/onvif.py), each
seen on real devices:

- GetServices is answered with a plain HTTP 501 (text, not SOAP); so is GetEventProperties.
- GetCapabilities lists its categories out of the schema's order (Media, Events, Device).
- Its ONVIF topics use a prefix of its own for ONVIF's topic namespace (`ns1:`), its own events
  a vendor namespace whose prefix changes from one answer to the next (`acme:`, `ac2:`).
- A subscription promises 60 s and is forgotten after `expire_after_s`.
- State values are "true", "1" or "On" (and "false", "0", "Off"); its own events carry no
  Source item; its UtcTime carries a zone offset.
- PullMessages is answered at once, whatever its Timeout.
- Renew is answered with a PullMessagesResponse carrying the events queued for it
  (`queue_for_renew`), as a device does that treats every request to its pull point as a pull.
- With `broken_relative_time`, a relative termination time ("PT600S") grants nothing (the
  answer's TerminationTime is its CurrentTime); an absolute one is granted as asked.

It takes any WS-Security login (or none), as many such devices do. `push_raw` queues a
notification as given and `answer_next_pull` replaces the next PullMessages answer, for hostile
payloads.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import socketserver
import threading
import time
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from xml.sax.saxutils import quoteattr

HOST = "127.0.0.1"
SOAP_TYPE = "application/soap+xml; charset=utf-8"
VENDOR_NS = "http://www.acme-security.example/2019/event/topics"
#: The prefixes its vendor namespace gets, in turn.
VENDOR_PREFIXES = ("acme", "ac2")
MOTION_TOPIC = "RuleEngine/CellMotionDetector/Motion"
_OPERATION = re.compile(rb"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z]+)")
_TERMINATION = re.compile(rb"<(?:[\w.-]+:)?(?:Initial)?TerminationTime>([^<]*)<")
#: A zone of its own (UTC+2), as a camera set to local time writes it.
_ZONE = timezone(timedelta(hours=2))

_ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:tev="http://www.onvif.org/ver10/events/wsdl" '
    'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" '
    'xmlns:wsa5="http://www.w3.org/2005/08/addressing" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
    'xmlns:tt="http://www.onvif.org/ver10/schema" '
    'xmlns:ns1="http://www.onvif.org/ver10/topics"{extra}>'
    "<SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
)


def _time(moment: datetime) -> str:
    return moment.astimezone(_ZONE).isoformat(timespec="seconds")


def _items(items: dict[str, str]) -> str:
    return "".join(
        f"<tt:SimpleItem Name={quoteattr(name)} Value={quoteattr(value)}/>"
        for name, value in items.items()
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    device: ForeignPullPoint

    def server_bind(self) -> None:
        # Not HTTPServer's: it asks the resolver for the address's name (a reverse DNS query).
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(self, status: int, body: bytes, content_type: str = SOAP_TYPE) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        match = _OPERATION.search(data)
        operation = match.group(1).decode() if match else ""
        status, body, content_type = self.server.device.answer(operation, self.path, data)
        # The client may have given up on the request (a stop): nothing to answer then.
        with contextlib.suppress(OSError):
            self.reply(status, body, content_type)


class ForeignPullPoint:
    """The device (see the module doc). Use as a context manager; `port` is where it listens."""

    def __init__(
        self,
        *,
        expire_after_s: float | None = 2.0,
        renew: str = "pull",
        broken_relative_time: bool = False,
        host: str = HOST,
    ) -> None:
        self.host = host
        self.expire_after_s = expire_after_s
        #: How Renew is answered: "pull" (a PullMessagesResponse), "renew" (a RenewResponse)
        #: or "501" (plain HTTP 501, not implemented).
        self.renew = renew
        #: A relative termination time ("PT600S") read as none: granted until now.
        self.broken_relative_time = broken_relative_time
        #: The termination times asked for, as sent.
        self.asked_terminations: list[str] = []
        #: (operation, path) of every request, in order.
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        #: subscription id -> when it is forgotten (monotonic; inf: never early)
        self._subscriptions: dict[str, float] = {}
        self._queue: deque[str] = deque()
        self._renew_queue: deque[str] = deque()
        self._next_answer: bytes | None = None
        self._prefixes = itertools.cycle(VENDOR_PREFIXES)
        self._server = _Server((host, 0), _Handler)
        self._server.device = self
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="foreign-pullpoint",
            daemon=True,
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def operations(self) -> list[str]:
        with self._lock:
            return [operation for operation, _ in self.requests]

    @property
    def subscription_count(self) -> int:
        with self._lock:
            self._expire_locked()
            return len(self._subscriptions)

    # -- events -----------------------------------------------------------------------------

    def raise_motion(self, value: str = "1") -> None:
        """Cell motion with IsMotion `value` ("1", "true", "On", "0", ...)."""
        self._push(self._motion(value, "Changed"))

    def raise_vendor(self, topic: str = "Device/HeaterFault", **data: str) -> None:
        """An event in the vendor's namespace, with Data items only (no Source)."""
        self._push(self._vendor(topic, data))

    def queue_for_renew(self, value: str = "On") -> None:
        """A motion event that only the answer to the next Renew carries."""
        with self._lock:
            self._renew_queue.append(self._motion(value, "Changed"))

    def push_raw(self, notification: str) -> None:
        """A wsnt:NotificationMessage as given (it may use the envelope's prefixes)."""
        self._push(notification)

    def answer_next_pull(self, body: bytes) -> None:
        """The next PullMessages is answered with `body`, whatever it is."""
        with self._lock:
            self._next_answer = body

    def _push(self, notification: str) -> None:
        with self._lock:
            self._queue.append(notification)

    def _motion(self, value: str, operation: str) -> str:
        source = {
            "VideoSourceConfigurationToken": "VideoSourceToken",
            "VideoAnalyticsConfigurationToken": "VideoAnalyticsToken",
            "Rule": "MyMotionDetectorRule",
        }
        return (
            "<wsnt:NotificationMessage>"
            '<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">'
            f"ns1:{MOTION_TOPIC}</wsnt:Topic>"
            f'<wsnt:Message><tt:Message UtcTime="{_time(datetime.now(UTC))}" '
            f'PropertyOperation="{operation}">'
            f"<tt:Source>{_items(source)}</tt:Source>"
            f"<tt:Data>{_items({'IsMotion': value})}</tt:Data>"
            "</tt:Message></wsnt:Message></wsnt:NotificationMessage>"
        )

    def _vendor(self, topic: str, data: dict[str, str]) -> str:
        prefix = next(self._prefixes)
        return (
            "<wsnt:NotificationMessage>"
            f'<wsnt:Topic Dialect="http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete" '
            f"xmlns:{prefix}={quoteattr(VENDOR_NS)}>{prefix}:{topic}</wsnt:Topic>"
            f'<wsnt:Message><tt:Message UtcTime="{_time(datetime.now(UTC))}">'
            f"<tt:Data>{_items(data)}</tt:Data>"
            "</tt:Message></wsnt:Message></wsnt:NotificationMessage>"
        )

    # -- the SOAP side ------------------------------------------------------------------------

    def answer(self, operation: str, path: str, request: bytes) -> tuple[int, bytes, str]:
        with self._lock:
            self.requests.append((operation, path))
        asked = _TERMINATION.search(request)
        if asked:
            with self._lock:
                self.asked_terminations.append(asked.group(1).decode())
        if operation in ("GetServices", "GetEventProperties"):
            return 501, b"Not Implemented\n", "text/plain"
        if operation == "GetCapabilities":
            return self._soap(self._capabilities())
        if operation == "CreatePullPointSubscription":
            return self._soap(self._subscribe(self._granted(asked)))
        ident = path.rpartition("/")[2]
        with self._lock:
            self._expire_locked()
            known = ident in self._subscriptions
        if not known:
            return self._unknown()
        if operation == "PullMessages":
            with self._lock:
                if self._next_answer is not None:
                    body, self._next_answer = self._next_answer, None
                    return 200, body, SOAP_TYPE
            return self._soap(self._pull(self._queue))
        if operation == "Renew" and self.renew == "pull":
            return self._soap(self._pull(self._renew_queue))
        if operation == "Renew" and self.renew == "501":
            return 501, b"Not Implemented\n", "text/plain"
        if operation == "Renew":
            now = datetime.now(UTC)
            return self._soap(
                f"<wsnt:RenewResponse><wsnt:TerminationTime>{_time(now + self._granted(asked))}"
                f"</wsnt:TerminationTime><wsnt:CurrentTime>{_time(now)}</wsnt:CurrentTime>"
                "</wsnt:RenewResponse>"
            )
        if operation == "SetSynchronizationPoint":
            self._push(self._motion("Off", "Initialized"))
            return self._soap("<tev:SetSynchronizationPointResponse/>")
        if operation == "Unsubscribe":
            with self._lock:
                self._subscriptions.pop(ident, None)
            return self._soap("<wsnt:UnsubscribeResponse/>")
        return 501, b"Not Implemented\n", "text/plain"

    def _soap(self, body: str, extra: str = "") -> tuple[int, bytes, str]:
        return 200, _ENVELOPE.format(body=body, extra=extra).encode(), SOAP_TYPE

    def _unknown(self) -> tuple[int, bytes, str]:
        fault = (
            "<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value>"
            '</SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">'
            "Subscription not found</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>"
        )
        _status, body, kind = self._soap(fault)
        return 400, body, kind

    def _capabilities(self) -> str:
        base = f"http://{self.host}:{self.port}"
        return (
            "<tds:GetCapabilitiesResponse><tds:Capabilities>"
            f"<tt:Media><tt:XAddr>{base}/onvif/Media</tt:XAddr></tt:Media>"
            f"<tt:Events><tt:XAddr>{base}/onvif/Events</tt:XAddr>"
            "<tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport>"
            "<tt:WSPullPointSupport>true</tt:WSPullPointSupport>"
            "<tt:WSPausableSubscriptionManagerInterfaceSupport>false"
            "</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>"
            f"<tt:Device><tt:XAddr>{base}/onvif/device_service</tt:XAddr></tt:Device>"
            "</tds:Capabilities></tds:GetCapabilitiesResponse>"
        )

    def _granted(self, asked: re.Match[bytes] | None) -> timedelta:
        """What a termination time asked for grants: 60 s, or nothing for a relative one when
        relative times are broken; an absolute one as asked."""
        text = asked.group(1).decode().strip() if asked else ""
        if text.startswith("P"):
            return timedelta(0) if self.broken_relative_time else timedelta(seconds=60)
        if text:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment - datetime.now(UTC)
        return timedelta(seconds=60)

    def _subscribe(self, granted: timedelta) -> str:
        ident = uuid.uuid4().hex
        forgotten = time.monotonic() + (self.expire_after_s or float("inf"))
        with self._lock:
            self._subscriptions[ident] = forgotten
        now = datetime.now(UTC)
        return (
            "<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>"
            f"<wsa5:Address>http://{self.host}:{self.port}/onvif/Subscription/{ident}"
            "</wsa5:Address></tev:SubscriptionReference>"
            f"<wsnt:CurrentTime>{_time(now)}</wsnt:CurrentTime>"
            f"<wsnt:TerminationTime>{_time(now + granted)}</wsnt:TerminationTime>"
            "</tev:CreatePullPointSubscriptionResponse>"
        )

    def _pull(self, queue: deque[str]) -> str:
        with self._lock:
            messages = list(queue)
            queue.clear()
        now = datetime.now(UTC)
        return (
            "<tev:PullMessagesResponse>"
            f"<tev:CurrentTime>{_time(now)}</tev:CurrentTime>"
            f"<tev:TerminationTime>{_time(now + timedelta(seconds=60))}</tev:TerminationTime>"
            f"{''.join(messages)}</tev:PullMessagesResponse>"
        )

    def _expire_locked(self) -> None:
        now = time.monotonic()
        for ident in [k for k, until in self._subscriptions.items() if until < now]:
            del self._subscriptions[ident]
