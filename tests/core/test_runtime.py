"""The one device loop (console/runtime.py): coroutines from many threads, errors, stopping."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from console.camera_facts import CameraTimedOut
from console.errors import N_
from console.runtime import DeviceLoop, DeviceLoopStopped


async def _where(delay: float, value: int) -> tuple[int, str]:
    await asyncio.sleep(delay)
    return value, threading.current_thread().name


def test_coroutines_from_several_threads_share_one_named_loop(device_loop: DeviceLoop) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        started = time.monotonic()
        answers = list(pool.map(lambda i: device_loop.run(_where(0.3, i)), range(16)))
        took = time.monotonic() - started
    assert [value for value, _ in answers] == list(range(16))
    assert {thread for _, thread in answers} == {"test-devices"}
    # 16 waits of 0.3 s overlap on the one loop (one after another they would take 4.8 s).
    assert took < 2.0


def test_submit_gives_a_future_with_the_value(device_loop: DeviceLoop) -> None:
    future = device_loop.submit(_where(0.0, 7))
    assert future.result(timeout=5) == (7, "test-devices")


def test_a_failing_coroutine_raises_its_own_exception_in_the_caller(
    device_loop: DeviceLoop,
) -> None:
    async def fails() -> None:
        await asyncio.sleep(0)
        raise CameraTimedOut(N_("The camera at {host} did not answer in time."), host="127.0.0.1")

    with pytest.raises(CameraTimedOut) as caught:
        device_loop.run(fails())
    assert "127.0.0.1" in str(caught.value)

    async def times_out() -> None:
        raise TimeoutError("its own")

    with pytest.raises(TimeoutError, match="its own"):
        device_loop.run(times_out(), timeout=5)


def test_a_coroutine_past_its_timeout_is_cancelled(device_loop: DeviceLoop) -> None:
    cancelled = threading.Event()

    async def hangs() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        device_loop.run(hangs(), timeout=0.2)
    assert time.monotonic() - started < 1.0
    assert cancelled.wait(2)


def test_stop_cancels_what_runs_and_ends_the_thread_within_the_deadline() -> None:
    loop = DeviceLoop("stopping").start()
    thread = loop.thread
    assert thread is not None
    assert thread.daemon
    assert thread.name == "stopping"
    cancelled, running = threading.Event(), threading.Event()

    async def forever() -> None:
        running.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    future = loop.submit(forever())
    assert running.wait(2)
    started = time.monotonic()
    assert loop.stop(timeout=2)
    assert time.monotonic() - started < 1.0
    assert not thread.is_alive()
    assert cancelled.is_set()
    assert future.cancelled()
    assert not loop.running
    coroutine = _where(0, 1)
    with pytest.raises(DeviceLoopStopped):
        loop.submit(coroutine)
    assert coroutine.cr_frame is None  # closed, not left to warn "never awaited"
    assert loop.stop()  # again: nothing to do


def test_a_coroutine_ignoring_its_cancellation_does_not_hold_stop_past_the_deadline(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loop = DeviceLoop("stubborn").start()
    release, running = threading.Event(), threading.Event()

    async def stubborn() -> None:
        running.set()
        while not release.is_set():
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                continue

    loop.submit(stubborn())
    assert running.wait(2)
    started = time.monotonic()
    # Whether the loop's thread has ended by the deadline depends on the scheduler; what must
    # hold is that stop returns by then and the stubborn task is left behind, and said so.
    loop.stop(timeout=0.3)
    assert time.monotonic() - started < 0.8
    assert wait_for_log(caplog, "ignored cancellation at stop")
    release.set()
    thread = loop.thread
    assert thread is not None
    thread.join(2)
    assert not thread.is_alive()


def test_run_on_the_loops_own_thread_is_refused(device_loop: DeviceLoop) -> None:
    async def nested() -> None:
        device_loop.run(_where(0, 1))

    with pytest.raises(RuntimeError, match="own thread"):
        device_loop.run(nested())


def test_a_loop_not_started_takes_nothing() -> None:
    loop = DeviceLoop()
    with pytest.raises(DeviceLoopStopped):
        loop.run(_where(0, 1))
    assert loop.stop()


def wait_for_log(caplog: pytest.LogCaptureFixture, text: str, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(text in record.getMessage() for record in caplog.records):
            return True
        time.sleep(0.02)
    return False
