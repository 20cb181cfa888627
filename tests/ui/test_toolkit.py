"""Guards against known faults of the Qt binding that would crash the console."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    #: anything
    fired = Signal(object)


def test_emit_keeps_reference_counts() -> None:
    """PySide6 6.12.0 dropped a reference to True on every emit(); on Python 3.11 the
    interpreter then aborts when it exits. Utkik emits from Python all the time."""
    emitter = _Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(200):
        emitter.fired.emit(i % 2 == 0)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(received) == 200
    # The list holds 100 of each; nothing else may have changed.
    assert after == (before[0] + 100, before[1] + 100)
