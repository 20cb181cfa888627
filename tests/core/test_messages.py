from __future__ import annotations

import logging
import sys
import threading

import pytest

from console.errors import N_, KnownError
from console.messages import Level, Message, MessageBus, install_excepthooks


def test_bus_delivers_to_subscribers_until_unsubscribed() -> None:
    bus = MessageBus()
    got: list[Message] = []
    unsubscribe = bus.subscribe(got.append)
    bus.warning("disk nearly full")
    unsubscribe()
    bus.info("not delivered")
    assert got == [Message(Level.WARNING, "disk nearly full")]


def test_a_message_carries_its_template_and_parameters() -> None:
    bus = MessageBus()
    got: list[Message] = []
    bus.subscribe(got.append)
    bus.info(N_("Saved {path}."), path="/tmp/a {b}.png")
    bus.known(KnownError(N_("There is no user called “{name}”."), name="olle"), Level.WARNING)
    assert got == [
        Message(Level.INFO, "Saved {path}.", {"path": "/tmp/a {b}.png"}),
        Message(Level.WARNING, "There is no user called “{name}”.", {"name": "olle"}),
    ]
    assert [m.text for m in got] == ["Saved /tmp/a {b}.png.", "There is no user called “olle”."]


def test_known_error_keeps_template_and_params() -> None:
    err = KnownError(N_("There is no user called “{name}”."), name="olle")
    assert str(err) == "There is no user called “olle”."
    assert err.template == "There is no user called “{name}”."
    assert err.params == {"name": "olle"}


def test_uncaught_exception_in_a_thread_is_logged_and_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = MessageBus()
    got: list[Message] = []
    bus.subscribe(got.append)
    saved = (sys.excepthook, threading.excepthook)
    try:
        install_excepthooks(bus)

        def boom() -> None:
            raise RuntimeError("a bug")

        with caplog.at_level(logging.CRITICAL):
            thread = threading.Thread(target=boom, name="worker-1")
            thread.start()
            thread.join()
    finally:
        sys.excepthook, threading.excepthook = saved
    assert [m.level for m in got] == [Level.INTERNAL]
    assert "RuntimeError: a bug" in got[0].text
    assert got[0].params == {"kind": "RuntimeError", "error": "a bug"}
    assert "worker-1" in caplog.text
    assert "Traceback" in caplog.text
