"""Fixtures for every test. Imports no Qt: tests/core must also run with PySide6 unimportable."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import argon2
import pytest

# Qt widgets in tests render offscreen; the tests that need a real X server start Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from console.app import Core
from console.runtime import DeviceLoop
from tests import leftovers, netguard

# Every process the tests start carries this run's marker, so one left behind is found even
# after its parent was killed (tests/leftovers.py).
os.environ[leftovers.VARIABLE] = leftovers.MARK.decode().split("=", 1)[1]

# Installed before any test module is imported: collection is guarded too.
netguard.install()

#: CI runs with `CI=true`: there a test skipped for a missing runtime tool (PyAV, libvlc, Xvfb,
#: mosquitto, GStreamer's RTSP server, ...) fails instead, so a machine without it cannot pass.
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")

#: Skips that are not about a missing tool, and so stay skips under CI too.
_DELIBERATE_SKIPS = ("a soak test: run it with -m long",)


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
TOP = Path(__file__).resolve().parent.parent


def run_utkik(
    *args: object, stdin: str | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The `utkik` command as a user runs it, in a subprocess from the source tree."""
    return subprocess.run(
        [sys.executable, "-m", "ui", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=TOP,
        env={**os.environ, **(extra_env or {})},
        check=False,
    )


class MemorySecretStore:
    """Camera logins in memory (the keyring one is tested in tests/test_secrets.py)."""

    def __init__(self) -> None:
        self.logins: dict[str, tuple[str, str]] = {}

    def store(self, ref: str, user: str, password: str) -> None:
        self.logins[ref] = (user, password)

    def load(self, ref: str) -> tuple[str, str] | None:
        return self.logins.get(ref)

    def delete(self, ref: str) -> None:
        self.logins.pop(ref, None)

    def describe(self) -> str:
        return "memory"


class MemoryKeyStore:
    """A key store in memory (the real ones are tested in tests/test_keystore.py)."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.deleted: list[str] = []
        self.reachable = True

    def load(self, name: str) -> bytes | None:
        return self.keys.get(name) if self.reachable else None

    def store(self, name: str, secret: bytes) -> None:
        self.keys[name] = secret

    def delete(self, name: str) -> None:
        self.keys.pop(name, None)
        self.deleted.append(name)

    def describe(self) -> str:
        return "memory"


class ListWitness:
    def __init__(self) -> None:
        self.notes: list[str] = []

    def append(self, note: str) -> None:
        self.notes.append(note)

    def describe(self) -> str:
        return "list"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Nothing a test (or a subprocess it starts) does reaches the real home: keyring, key
    folder, witness file and data dirs all live in a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in _ISOLATED}
    os.environ.update(
        {
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            # Camera logins refuse a plain-text keyring unless allowed, as here, on purpose.
            "UTKIK_ALLOW_PLAINTEXT_KEYRING": "1",
        }
    )
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


_ISOLATED = (
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_STATE_HOME",
    "XDG_CACHE_HOME",
    "PYTHON_KEYRING_BACKEND",
    "UTKIK_ALLOW_PLAINTEXT_KEYRING",
)


@pytest.fixture
def keys() -> MemoryKeyStore:
    return MemoryKeyStore()


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def witness() -> ListWitness:
    return ListWitness()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def core(
    data_dir: Path,
    clock: FakeClock,
    keys: MemoryKeyStore,
    witness: ListWitness,
    secrets: MemorySecretStore,
) -> Iterator[Core]:
    opened = Core.open(
        data_dir,
        clock=clock,
        hasher=FAST_HASHER,
        keys=keys,
        witnesses=[witness],
        sealer=False,
        secrets=secrets,
    )
    yield opened
    opened.close()


@pytest.fixture
def device_loop() -> Iterator[DeviceLoop]:
    """The one device loop, as a composition root makes it; stopped (and checked) at the end."""
    loop = DeviceLoop("test-devices").start()
    yield loop
    assert loop.stop(), "the device loop did not stop in time"


@pytest.fixture(scope="session", autouse=True)
def _no_process_outlives_the_run() -> Iterator[None]:
    """After the last test (and the teardown of every module's site), nothing the run started
    is still running."""
    before = leftovers.ours()
    yield
    _fail_on_survivors(before, "the test run")


@pytest.fixture(autouse=True)
def _no_process_outlives_its_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A process a test started (a broker, a simulated site, a keyring daemon) is gone when the
    test ends, also where the test killed its parent."""
    before = leftovers.ours()
    yield
    _fail_on_survivors(before, request.node.nodeid)


def _fail_on_survivors(before: set[leftovers.Found], who: str) -> None:
    left = leftovers.survivors(before)
    if not left:
        return
    leftovers.stop(left)
    listed = "\n".join(f"  {p.pid}: {p.command}" for p in sorted(left, key=lambda p: p.pid))
    pytest.fail(f"{who} left processes running (now killed):\n{listed}", pytrace=False)


@pytest.fixture(autouse=True)
def _only_this_machine(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails a test that tried to reach beyond this machine (tests/netguard.py), even where the
    code under test caught the error it got."""
    netguard.take_attempts()
    yield
    tried = netguard.take_attempts()
    if tried:
        pytest.fail(
            f"{request.node.nodeid} tried to reach beyond this machine: " + "; ".join(tried),
            pytrace=False,
        )


def _missing_tool_under_ci(report: pytest.CollectReport | pytest.TestReport) -> bool:
    if not (IN_CI and report.skipped) or hasattr(report, "wasxfail"):
        return False
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return not any(phrase in reason for phrase in _DELIBERATE_SKIPS)


def _fail_instead(report: pytest.CollectReport | pytest.TestReport) -> None:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"skipped under CI, where every runtime tool must be installed: {reason} "
        "(installer/setup.sh --dev installs them)"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if _missing_tool_under_ci(report):
        _fail_instead(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if _missing_tool_under_ci(report):
        _fail_instead(report)
