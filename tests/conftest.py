"""Fixtures for every test. Imports no Qt: tests/core must also run with PySide6 unimportable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import argon2
import pytest

# Qt widgets in tests render offscreen; the tests that need a real X server start Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.app import Core


class FakeClock:
    """An injected clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 3, 29, 0, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


#: Cheap argon2 parameters: the production ones cost ~50 ms and 64 MiB per hash.
FAST_HASHER = argon2.PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)

PASSWORD = "correct horse battery"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def core(data_dir: Path, clock: FakeClock) -> Iterator[Core]:
    opened = Core.open(data_dir, clock=clock, hasher=FAST_HASHER)
    yield opened
    opened.close()
