"""Stoppable workers and their watchdog (console/workers.py)."""

from __future__ import annotations

import threading
import time

from console.workers import Watchdog, Worker


def test_a_worker_stops_within_the_deadline_even_in_a_long_wait() -> None:
    rounds: list[int] = []

    def run(worker: Worker) -> None:
        while not worker.stopping:
            rounds.append(1)
            worker.wait(60)  # a stop cuts the wait short

    worker = Worker("sleeper", run)
    worker.start()
    assert worker.thread.name == "sleeper"
    assert worker.thread.daemon
    while not rounds:
        time.sleep(0.01)
    started = time.monotonic()
    assert worker.stop(timeout=2)
    assert time.monotonic() - started < 0.5
    assert not worker.alive
    assert rounds == [1]


def test_wake_ends_a_wait_without_stopping() -> None:
    rounds = threading.Semaphore(0)

    def run(worker: Worker) -> None:
        while not worker.stopping:
            rounds.release()
            worker.wait(60)

    worker = Worker("woken", run)
    worker.start()
    assert rounds.acquire(timeout=2)
    worker.wake()
    assert rounds.acquire(timeout=2)  # a second round, long before 60 s
    assert worker.alive
    assert worker.stop()


def test_a_worker_that_does_not_stop_is_given_up_at_the_deadline() -> None:
    release = threading.Event()

    def stuck(_worker: Worker) -> None:
        release.wait(10)  # blocked in something that does not look at the stop

    worker = Worker("stuck", stuck)
    worker.start()
    started = time.monotonic()
    assert worker.stop(timeout=0.2) is False
    assert 0.15 <= time.monotonic() - started < 1.0
    assert worker.alive
    release.set()
    assert worker.join(2)


def test_a_worker_never_started_stops_at_once() -> None:
    assert Worker("idle", lambda _w: None).stop(timeout=0)


def test_stop_from_the_workers_own_thread_only_asks() -> None:
    answers: list[bool] = []

    def run(worker: Worker) -> None:
        answers.append(worker.stop())
        answers.append(worker.stopping)

    worker = Worker("self-stopping", run)
    worker.start()
    assert worker.join(2)
    assert answers == [False, True]


def test_the_watchdog_reports_a_stalled_worker_once_and_not_a_lively_one() -> None:
    stalls: list[tuple[str, float]] = []
    reported = threading.Event()
    stall = threading.Event()

    def on_stall(worker: Worker, quiet: float) -> None:
        stalls.append((worker.name, quiet))
        reported.set()

    def lively(worker: Worker) -> None:
        while not worker.wait(0.02):
            worker.heartbeat()

    def stalling(worker: Worker) -> None:
        while not worker.stopping:
            worker.heartbeat()
            if stall.is_set():
                stall.clear()
                time.sleep(0.6)  # hung in a call, no heartbeat
            worker.wait(0.02)

    watchdog = Watchdog(on_stall, interval_s=0.05)
    workers = [Worker("lively", lively), Worker("stalling", stalling)]
    for worker in workers:
        worker.start()
        watchdog.watch(worker, stalled_after_s=0.3)
    watchdog.start()
    try:
        time.sleep(0.4)
        assert stalls == []
        stall.set()
        assert reported.wait(2)
        time.sleep(0.2)  # still stalled: not reported again
        assert [name for name, _ in stalls] == ["stalling"]
        assert stalls[0][1] >= 0.3
    finally:
        assert watchdog.stop(2)
        for worker in workers:
            assert worker.stop(2)


def test_the_watchdog_checks_on_demand_with_an_injected_clock() -> None:
    now = [100.0]
    worker = Worker("fake-time", lambda w: w.stop_event.wait(5), monotonic=lambda: now[0])
    stalled: list[str] = []
    watchdog = Watchdog(lambda w, _q: stalled.append(w.name))
    worker.start()
    try:
        watchdog.watch(worker, stalled_after_s=10)
        assert watchdog.check() == []
        now[0] += 11
        assert watchdog.check() == [worker]
        assert watchdog.check() == []  # once per stall
        worker.heartbeat()
        now[0] += 11
        assert watchdog.check() == [worker]
        assert stalled == ["fake-time", "fake-time"]
    finally:
        assert worker.stop(2)
