"""What the Xvfb tests share: reading the display Xvfb chose, and stopping a process."""

from __future__ import annotations

import os
import select
import subprocess
import time
from typing import Any


def read_display_number(fd: int, xvfb: subprocess.Popen[bytes], timeout: float) -> str:
    """What Xvfb writes on its -displayfd: the display number and a newline."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"Xvfb did not report its display within {timeout} s")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                raise RuntimeError(f"Xvfb exited (code {xvfb.poll()}) before it reported a display")
            data += chunk
    return data.decode().strip()


def stop(process: subprocess.Popen[Any], timeout: float = 5.0) -> None:
    """Terminate, then kill after `timeout` (by the PID the Popen holds)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
