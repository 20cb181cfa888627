"""Child processes that end with the process that started them, also when it is killed.

A broker, an RTSP server or a keyring daemon left running after its parent was killed (`kill -9`,
an out-of-memory kill, a crashed test) holds its port and its files until someone finds it. On
Linux each child started here asks the kernel for a signal when its parent dies
(PR_SET_PDEATHSIG), set between fork and exec so that no moment is left uncovered; elsewhere the
children are started plainly.

The kernel sends that signal when the *thread* that forked the child ends, not the process. So a
child that outlives the call starting it is forked from a thread that lives as long as the
process: the main thread, or else one spawning thread kept for the purpose.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

#: prctl(2)'s option number for the parent-death signal.
_PR_SET_PDEATHSIG = 1

_Command = Sequence[str | os.PathLike[str]]


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    prctl: Callable[..., int] = libc.prctl
    return prctl


# Looked up once, before any fork: between fork and exec only the call itself runs.
_PRCTL = _load_prctl()


def die_with_parent(signum: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child receive `signum` when its parent dies (None where
    the platform has no such thing)."""
    prctl = _PRCTL
    if prctl is None:
        return None

    def arm() -> None:
        prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)

    return arm


def _preexec(signum: int, extra: Callable[[], None] | None) -> Callable[[], None] | None:
    arm = die_with_parent(signum)
    if arm is None or extra is None:
        return arm or extra

    def both() -> None:
        arm()
        extra()

    return both


def spawn(
    command: _Command, *, death_signal: int = signal.SIGTERM, **options: Any
) -> subprocess.Popen[Any]:
    """`subprocess.Popen(command, **options)`, with the child ending (on `death_signal`) when
    this process dies. Forked from a thread that lives as long as the process."""
    options["preexec_fn"] = _preexec(death_signal, options.get("preexec_fn"))
    if threading.current_thread() is threading.main_thread():
        return subprocess.Popen(command, **options)
    return _Spawner.instance().spawn(command, options)


def run(
    command: _Command, *, death_signal: int = signal.SIGTERM, **options: Any
) -> subprocess.CompletedProcess[Any]:
    """`subprocess.run(command, **options)`, with the child ending when this process dies. The
    calling thread waits for the child, so it may fork it itself."""
    options["preexec_fn"] = _preexec(death_signal, options.get("preexec_fn"))
    return subprocess.run(command, **options)


class _Spawner:
    """The one thread that forks long-lived children for threads that may end before them."""

    _lock = threading.Lock()
    _made: _Spawner | None = None

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[
            tuple[_Command, dict[str, Any], Future[subprocess.Popen[Any]]]
        ] = queue.SimpleQueue()
        # A daemon thread: it ends only with the process, and so do the children it forked.
        threading.Thread(target=self._run, name="utkik-spawner", daemon=True).start()

    @classmethod
    def instance(cls) -> _Spawner:
        with cls._lock:
            if cls._made is None:
                cls._made = _Spawner()
            return cls._made

    def spawn(self, command: _Command, options: dict[str, Any]) -> subprocess.Popen[Any]:
        future: Future[subprocess.Popen[Any]] = Future()
        self._jobs.put((command, options, future))
        return future.result()

    def _run(self) -> None:
        while True:
            command, options, future = self._jobs.get()
            try:
                future.set_result(subprocess.Popen(command, **options))
            except BaseException as err:  # noqa: BLE001 - handed to the caller
                future.set_exception(err)


def temp_dir(prefix: str) -> Path:
    """A new private folder for a child's files, named after this process (`prefix`, the pid,
    a random part). Folders of the same prefix left by a process that is gone (killed before it
    could delete them) are deleted first; only this account's, and never one of a live process."""
    root = Path(tempfile.gettempdir())
    for folder in root.glob(f"{prefix}*-*"):
        owner = folder.name.removeprefix(prefix).split("-", 1)[0]
        try:
            mine = folder.is_dir() and folder.stat().st_uid == os.getuid()
        except OSError:
            continue
        if mine and owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
