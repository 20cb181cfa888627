"""A camera's ONVIF events through a PullPoint subscription, on the device loop.

`PullPointSource` is an EventSource (console/alarms/signals.py): `start(sink)` runs a coroutine on
the one device loop (console/runtime.py `DeviceLoop`) that finds the camera's event service,
subscribes (CreatePullPointSubscription), asks for the current states where the first pull
brought none (SetSynchronizationPoint), then pulls (PullMessages with a long Timeout, so an idle
camera costs one request in `PULL_WAIT_S`), renews before the subscription ends, and subscribes
again when the subscription is lost (the camera restarted, dropped it, or let it expire early).
Every message becomes a `DeviceEvent` handed to the sink on the loop's thread; `stop()` cancels
what is going on, unsubscribes and returns promptly.

The camera is reached as every other adapter reaches it (devices/onvif_client.py `open_camera`:
size limit, hardened parsing, the login sent only to the camera's own host, a service address on
another host replaced by the same path on the camera's). Other makers' devices differ, and each
difference is handled here:

- GetServices answered with a plain HTTP 501 (or anything else but a list): the event service's
  address comes from GetCapabilities, whose categories may come in any order.
- GetEventProperties, Renew and SetSynchronizationPoint are optional: a failure is logged and the
  subscription goes on (it is subscribed again when it ends).
- A device that answers PullMessages at once, whatever its Timeout, is paced: an empty answer
  sooner than `pace_s` waits out the rest, so it is asked at most once per `pace_s`.
- A device that answers every request to the pull point with a PullMessagesResponse (the Renew,
  too) has taken its queued events out of the queue: every answer from the pull point is read
  for notifications, so they are kept.
- Messages without a Source item, with Data only, or with a topic in a vendor's namespace are
  delivered like any other; a topic's prefixes are resolved to a stable form (`stable_topic`).

Everything in a notification is untrusted and bounded: names, values and topics are cut at
fixed lengths, the raw message at `MAX_RAW_CHARS`, and a device time outside any plausible range
(1601, 9999) is None. Answers with a DTD (an XML bomb) or over the transport's size limit are
refused before they are parsed (devices/onvif_client.py) and count as a failed pull.

The subscription's health is the source's `state` (`SubscriptionState`), reported to `on_state`
as it changes: `lost` once an attempt to subscribe failed (a subscription that ended and is made
again at once never reads lost), until one is made again. `OnvifEventSources.subscriptions()`
gives it per camera, for the alarm engine's "event subscription lost".
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import urlsplit, urlunsplit

import zeep.exceptions
from lxml import etree

from console.alarms.signals import DeviceEvent, EventSink, SourceKind
from console.camera_facts import CameraError
from console.camera_login import CameraLogin, host_of
from console.clock import Clock, SystemClock
from console.errors import N_, KnownError
from console.runtime import DeviceLoop, DeviceLoopStopped
from devices.onvif_client import (
    _capability_xaddr,
    _get,
    _netloc,
    _text,
    camera_error,
    open_camera,
)
from devices.xml_safety import UnsafeXml, parse_untrusted

if TYPE_CHECKING:
    from console.cameras import Camera
    from console.ports import CameraLogins

__all__ = [
    "MAX_RAW_CHARS",
    "OnvifEventSources",
    "PullPointSource",
    "SubscriptionState",
    "notification_events",
    "stable_topic",
]

_log = logging.getLogger(__name__)
T = TypeVar("T")

_EVENTS_NS: Final = "http://www.onvif.org/ver10/events/wsdl"
_PULLPOINT_KEY: Final = f"{_EVENTS_NS}/PullPointSubscription"

#: Ask for subscriptions of ten minutes and renew after eight: a camera never piles up dead
#: subscriptions of a console that went away, and renewing costs one request in eight minutes.
SUBSCRIPTION_S: Final = 600.0
RENEW_AT: Final = 0.8
#: The Timeout asked of PullMessages: an idle camera is asked once in this long. Under the
#: 60 s most cameras allow, and well inside their HTTP keep-alive.
PULL_WAIT_S: Final = 50.0
#: The longest any other request may take.
REQUEST_TIMEOUT_S: Final = 10.0
#: An empty answer to PullMessages sooner than this is a device ignoring its Timeout: the rest
#: is waited out, so such a device is asked at most once in this long.
PACE_S: Final = 1.0
#: Messages asked for in one PullMessages.
MESSAGE_LIMIT: Final = 100
#: Waits between attempts to subscribe while the camera cannot be subscribed to.
FIRST_RETRY_S: Final = 1.0
MAX_RETRY_S: Final = 60.0
#: Subscriptions that end soon after they were made are made again at most once in this long.
MIN_CYCLE_S: Final = 5.0
#: The Unsubscribe at stop is a courtesy (the subscription expires by itself): not waited for
#: longer than this.
UNSUBSCRIBE_TIMEOUT_S: Final = 2.0

# Bounds of what one notification may carry into the console.
MAX_TOPIC_CHARS: Final = 512
MAX_NAME_CHARS: Final = 64
MAX_VALUE_CHARS: Final = 512
MAX_ITEMS: Final = 32
MAX_RAW_CHARS: Final = 8192
_CUT: Final = "…"
#: A device time before this, or later than a day after the message was received, is not one.
_EARLIEST: Final = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST_AHEAD: Final = timedelta(days=1)

#: Topic namespaces and the prefix their topics are given, whatever prefix the device chose.
#: A namespace not listed here is written out in full (`{uri}Local`), which is just as stable.
TOPIC_PREFIXES: Final[Mapping[str, str]] = {
    "http://www.onvif.org/ver10/topics": "tns1",
    "http://www.axis.com/2009/event/topics": "tnsaxis",
}


class SubscriptionState(enum.StrEnum):
    STARTING = "starting"
    SUBSCRIBED = "subscribed"
    RENEWING = "renewing"
    #: Not subscribed, trying again.
    LOST = "lost"
    STOPPED = "stopped"


# -- notifications into DeviceEvents (pure) ---------------------------------------------------


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + _CUT


def stable_topic(text: str, namespaces: Mapping[str | None, str]) -> str:
    """The topic `text` as sent, with each `prefix:` resolved through `namespaces` (the topic
    element's in-scope declarations) to the stable prefix of TOPIC_PREFIXES or to `{uri}`: the
    same topic reads the same whatever prefix a device or its firmware chose. A prefix the
    device did not declare is kept as sent; a root without any is written `{}root`."""
    segments = []
    for level, segment in enumerate("".join(text.split()).split("/")):
        prefix, colon, local = segment.rpartition(":")
        uri = namespaces.get(prefix) if colon else None
        if uri is None and level == 0 and not colon:
            # A root in no namespace (ONVIF wants one): written `{}root`, so that it cannot read
            # like a topic of the console's own (`health/...`, `utkik/site/...`).
            segments.append("{}" + segment)
        elif uri is None:
            segments.append(segment)
        elif uri in TOPIC_PREFIXES:
            segments.append(f"{TOPIC_PREFIXES[uri]}:{local}")
        else:
            segments.append(f"{{{uri}}}{local}")
    return _bounded("/".join(segments), MAX_TOPIC_CHARS)


def device_time(text: str | None, received: datetime) -> datetime | None:
    """A message's UtcTime in UTC; None when missing, unreadable or implausible (before 2000,
    or more than a day after it was received: 1601 and 9999 are no times of an event)."""
    if not text:
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # xs:dateTime without a zone: cameras mean UTC
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None
    if moment < _EARLIEST or moment > received + _LATEST_AHEAD:
        return None
    return moment


def _items(group: Any) -> dict[str, str]:
    """A Source or Data element's SimpleItems (and ElementItems, as their text), bounded."""
    items: dict[str, str] = {}
    if group is None:
        return items
    for element in group:
        if not isinstance(element.tag, str) or len(items) >= MAX_ITEMS:
            continue
        local = etree.QName(element).localname
        name = _bounded(str(element.get("Name") or ""), MAX_NAME_CHARS)
        if local == "SimpleItem":
            items[name] = _bounded(str(element.get("Value") or ""), MAX_VALUE_CHARS)
        elif local == "ElementItem":
            items[name] = _bounded(" ".join("".join(element.itertext()).split()), MAX_VALUE_CHARS)
    return items


def _raw(message: Any) -> str:
    text = etree.tostring(message, encoding="unicode", with_tail=False)
    return _bounded(str(text), MAX_RAW_CHARS)


def notification_events(
    answer: Any, *, source: str, camera_id: int | None, received: datetime
) -> list[DeviceEvent]:
    """Every NotificationMessage in `answer` (a parsed SOAP envelope, whatever operation it
    answers) as a DeviceEvent of kind ONVIF."""
    events = []
    for notification in answer.iter("{*}NotificationMessage"):
        topic_element = notification.find("{*}Topic")
        topic = ""
        if topic_element is not None:
            topic = stable_topic(topic_element.text or "", topic_element.nsmap)
        wrapper = notification.find("{*}Message")
        message = None if wrapper is None else wrapper.find("{*}Message")
        if message is None:
            message = wrapper
        utc = None if message is None else message.get("UtcTime")
        events.append(
            DeviceEvent(
                kind=SourceKind.ONVIF,
                source=source,
                camera_id=camera_id,
                topic=topic,
                device_time=device_time(utc, received),
                received_time=received,
                source_items=_items(None if message is None else message.find("{*}Source")),
                data=_items(None if message is None else message.find("{*}Data")),
                raw=_raw(notification),
            )
        )
    return events


# -- the adapter ------------------------------------------------------------------------------


class _Capture:
    """A service's guarded transport that keeps the body of the last answer, so that what a
    pull point sends is read for notifications whatever zeep made of it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.last: bytes | None = None

    async def post_xml(self, address: str, envelope: Any, headers: dict[str, str]) -> Any:
        self.last = None
        reply = await self.inner.post_xml(address, envelope, headers)
        self.last = reply.content
        return reply

    def load(self, url: str) -> bytes:
        return bytes(self.inner.load(url))

    async def aclose(self) -> None:
        await self.inner.aclose()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _capture(service: Any) -> _Capture:
    capture = _Capture(service.transport)
    service.transport = capture
    for client in (service.zeep_client, service.zeep_client_authless):
        client.transport = capture
    return capture


class _Lost(Exception):
    """The subscription is gone or the camera cannot be reached (`error`: in words)."""

    def __init__(self, error: KnownError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class _Subscription:
    pullpoint: Any
    manager: Any
    capture: _Capture
    #: loop time at which to renew
    renew_at: float
    pulls: int = 0


class PullPointSource:
    """One camera's ONVIF events (see the module doc). `login` is called (on a worker thread)
    before each subscription, so a changed password is picked up."""

    def __init__(
        self,
        loop: DeviceLoop,
        *,
        camera_id: int,
        host: str,
        port: int,
        login: Callable[[], CameraLogin],
        device_xaddr: str = "",
        clock_offset_s: float | None = None,
        clock: Clock | None = None,
        on_state: Callable[[SubscriptionState], None] | None = None,
        subscription_s: float = SUBSCRIPTION_S,
        pull_wait_s: float = PULL_WAIT_S,
        request_timeout_s: float = REQUEST_TIMEOUT_S,
        pace_s: float = PACE_S,
        max_retry_s: float = MAX_RETRY_S,
        min_cycle_s: float = MIN_CYCLE_S,
    ) -> None:
        self.camera_id = camera_id
        self.host = host
        self._loop = loop
        self._port = port
        self._login = login
        self._device_xaddr = device_xaddr
        self._clock_offset_s = clock_offset_s
        self._clock = clock or SystemClock()
        self._on_state = on_state
        self._subscription_s = subscription_s
        self._pull_wait_s = pull_wait_s
        self._request_timeout_s = request_timeout_s
        self._pace_s = pace_s
        self._max_retry_s = max_retry_s
        self._min_cycle_s = min_cycle_s
        self._state = SubscriptionState.STOPPED
        self._sink: EventSink | None = None
        self._future: Future[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._done = threading.Event()
        # Held while events are handed to the sink: stop() takes it, so that no event is being
        # delivered, or delivered later, once stop() returned.
        self._deliver_lock = threading.Lock()
        self._stopping = False
        self._asked_properties = False
        #: The device's clock minus ours, once it showed that it reads relative termination
        #: times wrongly (then they are asked in its absolute time).
        self._device_offset: timedelta | None = None
        #: How many subscriptions were made (the first and every one after a loss).
        self.subscriptions = 0
        #: Why the last attempt to subscribe failed, in words ("" before any failed).
        self.last_error = ""

    def __repr__(self) -> str:
        return f"PullPointSource(camera {self.camera_id}, {self.host!r}, {self._state})"

    @property
    def state(self) -> SubscriptionState:
        return self._state

    # -- EventSource ------------------------------------------------------------------------

    def start(self, sink: EventSink) -> None:
        """Subscribe and deliver events to `sink` from the device loop's thread."""
        if self._future is not None:
            raise RuntimeError(f"{self!r} was started already")
        self._sink = sink
        self._set_state(SubscriptionState.STARTING)
        future = self._loop.submit(self._run())
        future.add_done_callback(self._ended)
        self._future = future

    def stop(self, timeout: float = UNSUBSCRIBE_TIMEOUT_S + 1.0) -> None:
        """Cancel the pull in progress, unsubscribe (waiting at most about `timeout`), and
        deliver nothing more. Not from the sink (the device loop's thread)."""
        with self._deliver_lock:
            self._stopping = True
        future = self._future
        if future is None or future.done():
            self._set_state(SubscriptionState.STOPPED)
            return
        try:
            # Cancelled on the loop, so that the subscription's own clean-up (Unsubscribe)
            # runs before `_done` is set; the future's cancel() would report it done at once.
            self._loop.submit(self._cancel())
        except DeviceLoopStopped:
            return  # the loop cancelled everything on it already
        if not self._done.wait(timeout):
            _log.warning("%r did not end within %.1f s", self, timeout)

    async def _cancel(self) -> None:
        # _run's first step was scheduled before this one: its task is known unless it ended.
        if self._task is not None:
            self._task.cancel()

    # -- the loop ---------------------------------------------------------------------------

    def _ended(self, future: Future[None]) -> None:
        self._set_state(SubscriptionState.STOPPED)
        if future.cancelled():
            return
        error = future.exception()
        if error is not None and not isinstance(error, DeviceLoopStopped | asyncio.CancelledError):
            # A bug, not the camera's fault: to the same report as any thread's uncaught error.
            threading.excepthook(
                threading.ExceptHookArgs((type(error), error, error.__traceback__, None))
            )

    async def _run(self) -> None:
        self._task = asyncio.current_task()
        retry = 0.0
        try:
            while not self._stopping:
                if retry:
                    await asyncio.sleep(retry)
                began = asyncio.get_running_loop().time()
                try:
                    pulled = await self._session()
                except _Lost as lost:
                    self._lost(lost.error)
                    retry = min(max(retry * 2, FIRST_RETRY_S), self._max_retry_s)
                    continue
                if pulled:
                    # The subscription ended after pulling: subscribe again at once, but not
                    # more often than once in `min_cycle_s` (making one costs CPU: its
                    # services are built from the WSDL; a device dropping each at once must not
                    # keep a core busy).
                    lasted = asyncio.get_running_loop().time() - began
                    retry = max(0.0, self._min_cycle_s - lasted)
                else:
                    # One that never answered a pull (a hostile or broken pull point) waits
                    # like a failure.
                    retry = min(max(retry * 2, FIRST_RETRY_S), self._max_retry_s)
        finally:
            self._set_state(SubscriptionState.STOPPED)
            self._done.set()

    async def _session(self) -> int:
        """Subscribe, pull until the subscription is lost; the number of pulls answered.
        Raises _Lost when no subscription could be made."""
        try:
            login = await asyncio.to_thread(self._login)
        except KnownError as err:  # no login kept for the camera (any more)
            raise _Lost(err) from None
        async with open_camera(
            self.host,
            self._port,
            login,
            timeout=self._pull_wait_s + self._request_timeout_s,
            clock_offset_s=self._clock_offset_s,
            device_xaddr=self._device_xaddr,
        ) as camera:
            subscription = await self._subscribe(camera, login)
            try:
                await self._pull_until_lost(subscription)
            finally:
                # Also when the subscription seems lost (a pull answered with garbage): one
                # that still lives would hold a slot of the camera's until it expires.
                await self._unsubscribe(subscription)
            return subscription.pulls

    async def _subscribe(self, camera: Any, login: CameraLogin) -> _Subscription:
        try:
            device = await self._call(camera.create_devicemgmt_service())
            camera.xaddrs[_EVENTS_NS] = await self._events_address(device, login)
            events = await self._call(camera.create_events_service())
            if not self._asked_properties:
                self._asked_properties = True
                await self._optional("GetEventProperties", events.GetEventProperties())
            answer = await self._call(
                events.CreatePullPointSubscription({"InitialTerminationTime": self._termination()})
            )
            address = _address(answer)
            if not address:
                raise _Lost(_no_subscription(self.host))
            camera.xaddrs[_PULLPOINT_KEY] = self._own(address, login)
            pullpoint = await self._call(camera.create_pullpoint_service())
            manager = await self._call(camera.create_subscription_service("PullPointSubscription"))
        except _Lost:
            raise
        except Exception as err:  # noqa: BLE001 - zeep/aiohttp raise many kinds; mapped to words
            raise _Lost(self._camera_error(err)) from None
        capture = _capture(pullpoint)
        manager_capture = _capture(manager)
        manager_capture.last = None
        subscription = _Subscription(
            pullpoint, manager, capture, self._renew_at(answer, self._subscription_s)
        )
        self.subscriptions += 1
        self._set_state(SubscriptionState.SUBSCRIBED)
        return subscription

    async def _events_address(self, device: Any, login: CameraLogin) -> str:
        """The event service's address: from GetServices, or from GetCapabilities where that
        fails (some cameras answer it with HTTP 501, or list no services)."""
        services = await self._optional(
            "GetServices", device.GetServices({"IncludeCapability": False})
        )
        for service in services or ():
            if _text(_get(service, "Namespace")) == _EVENTS_NS:
                xaddr = _text(_get(service, "XAddr"))
                if xaddr:
                    return self._own(xaddr, login)
        capabilities = await self._call(device.GetCapabilities({"Category": "All"}))
        xaddr = _capability_xaddr(capabilities, "Events")
        if not xaddr:
            raise _Lost(_no_events(self.host))
        return self._own(xaddr, login)

    def _own(self, xaddr: str, login: CameraLogin) -> str:
        """`xaddr` if it is on the camera's host, else the same path where the camera was
        reached: the camera does not direct our requests (and its login) to another host."""
        parts = urlsplit(xaddr.strip())
        if parts.scheme in ("http", "https") and login.allows(host_of(xaddr)):
            return urlunsplit(parts)
        _log.info("camera %s named another host for its events; its own is used", self.camera_id)
        return urlunsplit(("http", _netloc(self.host, self._port), parts.path, parts.query, ""))

    async def _pull_until_lost(self, subscription: _Subscription) -> None:
        clock = asyncio.get_running_loop()
        while not self._stopping:
            # A pull takes a whole second at least (ONVIF durations): renew rather than let one
            # run past the moment to renew.
            if subscription.renew_at - clock.time() < 1.0:
                await self._renew(subscription)
            wait = max(1.0, min(self._pull_wait_s, subscription.renew_at - clock.time()))
            if subscription.pulls == 0:
                wait = 1.0  # a new subscription's current states come at once, if at all
            sent = clock.time()
            request = {"Timeout": _duration(wait), "MessageLimit": MESSAGE_LIMIT}
            try:
                await asyncio.wait_for(
                    subscription.pullpoint.PullMessages(request), wait + self._request_timeout_s
                )
            except Exception as err:  # noqa: BLE001 - zeep/aiohttp raise many kinds
                if not self._answered(subscription.capture, err):
                    _log.info(
                        "camera %s: the event subscription is lost (%s)",
                        self.camera_id,
                        self._camera_error(err),
                    )
                    return
            subscription.pulls += 1
            delivered, initialized = self._deliver_answer(subscription.capture)
            elapsed = clock.time() - sent
            if subscription.pulls == 1 and not initialized:
                # The device sent no current states on subscribing (ONVIF says it should):
                # ask for them, so an input that is active already is known to be.
                await self._optional(
                    "SetSynchronizationPoint", subscription.pullpoint.SetSynchronizationPoint()
                )
                delivered += self._deliver_answer(subscription.capture)[0]
            if not delivered and elapsed < self._pace_s:
                # The device answered at once with nothing, its Timeout ignored: pace it.
                await asyncio.sleep(self._pace_s - elapsed)

    def _answered(self, capture: _Capture, err: Exception) -> bool:
        """Whether a pull that zeep could not read was still a PullMessagesResponse (kept)."""
        if isinstance(err, zeep.exceptions.Fault) or capture.last is None:
            return False
        if not isinstance(err, zeep.exceptions.Error):
            return False
        root = self._parse(capture.last)
        return root is not None and next(root.iter("{*}PullMessagesResponse"), None) is not None

    async def _renew(self, subscription: _Subscription) -> None:
        self._set_state(SubscriptionState.RENEWING)
        clock = asyncio.get_running_loop()
        answer = await self._optional(
            "Renew",
            subscription.manager.Renew({"TerminationTime": self._termination()}),
        )
        # A device that answers the Renew like a PullMessages has handed over queued events.
        manager_capture = subscription.manager.transport
        if isinstance(manager_capture, _Capture):
            self._deliver_answer(manager_capture)
        if answer is None or _get(answer, "TerminationTime") is None:
            # Not renewed as asked (or not said): try again later; if the subscription ends
            # meanwhile, the next pull finds out and a new one is made.
            subscription.renew_at = clock.time() + self._subscription_s * RENEW_AT / 2
        else:
            subscription.renew_at = self._renew_at(answer, self._subscription_s)
        self._set_state(SubscriptionState.SUBSCRIBED)

    async def _unsubscribe(self, subscription: _Subscription) -> None:
        try:
            await asyncio.wait_for(subscription.manager.Unsubscribe(), UNSUBSCRIBE_TIMEOUT_S)
        except Exception as err:  # noqa: BLE001 - a courtesy: the subscription expires anyway
            _log.info(
                "camera %s: the event subscription was not ended (%s); it expires by itself",
                self.camera_id,
                self._camera_error(err).message,
            )

    # -- helpers ----------------------------------------------------------------------------

    async def _call(self, step: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wait_for(step, self._request_timeout_s)

    async def _optional(self, name: str, step: Coroutine[Any, Any, T]) -> T | None:
        """The step's answer, or None when the device does not do it (501, a fault, garbage)."""
        try:
            return await self._call(step)
        except Exception as err:  # optional: any failure of the device is fine; bugs raise
            if camera_error(err, self.host) is None:
                raise
            _log.info("camera %s does not answer %s (%s)", self.camera_id, name, type(err).__name__)
            return None

    def _camera_error(self, err: BaseException) -> KnownError:
        if isinstance(err, KnownError):
            return err
        mapped = camera_error(err, self.host)
        if mapped is None:
            raise err
        return mapped

    def _renew_at(self, answer: Any, asked_s: float) -> float:
        """When to renew: after RENEW_AT of the time the device granted (its TerminationTime
        minus its CurrentTime, both in its own clock), or of the time asked.

        A device granting less than half of what was asked in relative time may read a
        relative time wrongly (some take it for none, and grant nothing): from then on this
        source asks in the device's own absolute time, and renews at once to find out."""
        clock = asyncio.get_running_loop()
        granted = asked_s
        current, termination = _get(answer, "CurrentTime"), _get(answer, "TerminationTime")
        if isinstance(current, datetime) and isinstance(termination, datetime):
            with contextlib.suppress(TypeError, OverflowError, ValueError):
                granted = (termination - current).total_seconds()
                if self._device_offset is None and granted < asked_s / 2:
                    self._device_offset = _utc(current) - self._clock.now()
                    _log.info("camera %s: termination times in its own clock", self.camera_id)
                    return clock.time()
        granted = max(1.0, min(granted, asked_s))
        return clock.time() + granted * RENEW_AT

    def _termination(self) -> str:
        """The termination time to ask for: relative, or in the device's absolute time once
        it showed that it reads relative ones wrongly."""
        if self._device_offset is None:
            return _duration(self._subscription_s)
        moment = self._clock.now() + self._device_offset + timedelta(seconds=self._subscription_s)
        return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

    def _parse(self, body: bytes) -> Any:
        try:
            # The transport bounded and screened the body (no DTD) already.
            return parse_untrusted(body, max_bytes=None)
        except UnsafeXml:
            return None

    def _deliver_answer(self, capture: _Capture) -> tuple[int, bool]:
        """Delivers the notifications of the last answer `capture` kept: how many, and whether
        any was a property's current state (PropertyOperation "Initialized")."""
        body, capture.last = capture.last, None
        root = self._parse(body) if body else None
        if root is None:
            return 0, False
        events = notification_events(
            root, source=str(self.camera_id), camera_id=self.camera_id, received=self._clock.now()
        )
        self._deliver(events)
        initialized = any(
            message.get("PropertyOperation") == "Initialized" for message in root.iter("{*}Message")
        )
        return len(events), initialized

    def _deliver(self, events: Sequence[DeviceEvent]) -> None:
        with self._deliver_lock:
            if self._stopping or self._sink is None:
                return
            for event in events:
                self._sink(event)

    def _lost(self, error: KnownError) -> None:
        _log.info("camera %s: no event subscription (%s)", self.camera_id, error)
        self.last_error = error.message
        self._set_state(SubscriptionState.LOST)

    def _set_state(self, state: SubscriptionState) -> None:
        if state == self._state:
            return
        self._state = state
        if self._on_state is not None:
            self._on_state(state)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _duration(seconds: float) -> str:
    return f"PT{max(1, round(seconds))}S"


def _address(answer: Any) -> str:
    """CreatePullPointSubscription's SubscriptionReference address (zeep gives the
    wsa:AttributedURIType as an object with `_value_1`, or the text)."""
    address = _get(answer, "SubscriptionReference", "Address")
    value = _get(address, "_value_1") if address is not None else None
    return _text(value if value is not None else address)


def _no_subscription(host: str) -> CameraError:
    return CameraError(
        N_("The camera at {host} gave no address for its event subscription."), host=host
    )


def _no_events(host: str) -> CameraError:
    return CameraError(N_("The camera at {host} names no event service."), host=host)


class OnvifEventSources:
    """The EventSources port over ONVIF: a PullPointSource for each camera that has events,
    its login read from the capability the composition root gives (`CameraLogins`)."""

    def __init__(self, logins: CameraLogins, loop: DeviceLoop, **options: Any) -> None:
        self._logins = logins
        self._loop = loop
        self._options = options
        self._made: dict[int, PullPointSource] = {}
        self._lock = threading.Lock()

    def subscriptions(self) -> dict[int, bool]:
        """Camera id → whether its event subscription holds, for every source made here that
        has not stopped (a source still making its first subscription holds until it failed)."""
        with self._lock:
            made = list(self._made.items())
        return {
            camera_id: source.state != SubscriptionState.LOST
            for camera_id, source in made
            if source.state != SubscriptionState.STOPPED
        }

    def for_camera(self, camera: Camera) -> PullPointSource | None:
        if camera.removed_at is not None or not camera.facts.capabilities.events:
            return None
        health = camera.health
        offset = (
            health.clock_offset_s
            if health is not None and health.clock_offset_s is not None
            else camera.facts.clock_offset_s
        )
        camera_id = camera.id
        source = PullPointSource(
            self._loop,
            camera_id=camera_id,
            host=camera.host,
            port=camera.port,
            login=lambda: self._logins.login(camera_id),
            device_xaddr=camera.facts.xaddr if camera.facts.secure else "",
            clock_offset_s=offset,
            **self._options,
        )
        with self._lock:
            self._made[camera_id] = source
        return source
