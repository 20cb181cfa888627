"""Children die with their parent, also when only the parent is killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from devices import processes
from tests import leftovers

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's"
)

TOP = Path(__file__).resolve().parents[1]

#: A parent that starts `sleep` from a thread that ends at once, says the pid, and waits.
PARENT = """
import sys, threading, time
from devices import processes
found = []
spawner = threading.Thread(target=lambda: found.append(processes.spawn(["sleep", "300"])))
spawner.start()
spawner.join()
print(found[0].pid, flush=True)
time.sleep(300)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_a_child_outlives_the_thread_that_started_it_but_not_a_killed_parent() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=TOP, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        # The thread that asked for it has ended; the child lives on with its parent.
        time.sleep(0.5)
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert _gone_within(child, 5), "the child survived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


def test_spawn_from_a_passing_thread_keeps_the_child_and_run_waits() -> None:
    found: list[subprocess.Popen[bytes]] = []
    thread = threading.Thread(target=lambda: found.append(processes.spawn(["sleep", "30"])))
    thread.start()
    thread.join()
    (child,) = found
    try:
        time.sleep(0.3)
        assert child.poll() is None
    finally:
        child.terminate()
        child.wait(5)
    done = processes.run(["sh", "-c", "exit 3"], check=False)
    assert done.returncode == 3


def test_the_run_marker_finds_a_process_whose_parent_is_gone() -> None:
    """The fixture's own tool: a grandchild left behind by a parent that exited is found by the
    marker, though it is no longer a descendant of pytest."""
    before = leftovers.ours()
    made = subprocess.run(
        ["sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = int(made.stdout)
    try:
        left = leftovers.survivors(before, grace_s=0.2)
        assert [p.pid for p in left] == [orphan]
        assert "sleep 30" in next(iter(left)).command
    finally:
        os.kill(orphan, signal.SIGKILL)
    assert _gone_within(orphan, 5)


def test_a_temp_folder_left_by_a_killed_process_goes_at_the_next_start() -> None:
    gone = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True, check=True)
    root = Path(tempfile.gettempdir())
    left = root / f"utkik-test-leftover-{int(gone.stdout)}-abc"
    live = root / f"utkik-test-leftover-{os.getpid()}-def"
    for folder in (left, live):
        folder.mkdir()
        (folder / "mosquitto.conf").write_text("listener 1883 127.0.0.1\n")
    made = processes.temp_dir("utkik-test-leftover-")
    try:
        assert not left.exists()
        assert live.is_dir()
        assert made.name.startswith(f"utkik-test-leftover-{os.getpid()}-")
    finally:
        for folder in (left, live, made):
            shutil.rmtree(folder, ignore_errors=True)
