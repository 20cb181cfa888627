"""ONVIF events benchmark: what 50 cameras' idle PullPoint subscriptions cost, beside a reference
measured in the same run on the same machine.

    .venv/bin/python benchmarks/bench_onvif_events.py [--cameras N] [--seconds S]

idle      The CPU time (user + sys) of this process, whose device loop holds one
          `PullPointSource` (devices/onvif_events.py) per camera with its default timings
          (PullMessages waiting 50 s, renewing after 8 of 10 minutes), over a window in which no
          camera raises anything, divided by the window's wall time: the share of one core.
          Every source must be subscribed during the whole window, and every camera must have
          been asked at least once in it (so a source that stopped pulling cannot pass).
          Target: under 5 % of a core.
reference The same cameras through onvif-zeep-async's own PullPointManager and a PullMessages
          loop with the same Timeout and MessageLimit (the way Home Assistant's onvif
          integration holds them), over a window of the same length.

The cameras are the simulated site's ONVIF devices (devices/simulator/onvif.py, no video) in a
child process of their own on loopback addresses 127.34.<random>.2 and up, so that their CPU
does not count here. Before each window every camera is subscribed to and its current states are
pulled (making 50 subscriptions parses the event service's WSDL for each: seconds of CPU that an
idle console does not spend again).

The table goes to stdout, the numbers to benchmarks/results/onvif_events.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from console.camera_login import CameraLogin
from console.runtime import DeviceLoop
from devices import onvif_client  # noqa: F401 - imports onvif-zeep-async with its logging quirk
from devices.onvif_events import MESSAGE_LIMIT, PULL_WAIT_S, PullPointSource, SubscriptionState
from devices.simulator.onvif import DeviceConfig, OnvifDevice, stream_uris

RESULTS = Path(__file__).resolve().parent / "results" / "onvif_events.json"
CPU_LIMIT = 0.05
SETTLE_S = 5.0
USER, PASSWORD = "bench", "bench-secret"


def _serve(conn: Connection, configs: list[DeviceConfig]) -> None:
    """The child: runs the cameras until told to quit."""
    devices = [OnvifDevice(c, snapshot_jpeg=b"\xff\xd8\xff\xd9") for c in configs]
    try:
        for device in devices:
            device.start()
        conn.send("started")
        conn.recv()
    finally:
        for device in devices:
            device.stop()


class Cameras:
    """The simulated cameras in a child process."""

    def __init__(self, count: int) -> None:
        block = random.randrange(1, 255)
        self.configs = []
        for i in range(count):
            address = f"127.34.{block}.{2 + i}"
            main, sub = stream_uris(address, 8554, f"cam-{i}")
            self.configs.append(
                DeviceConfig(
                    name=f"Camera {i}",
                    address=address,
                    port=_free_port(address),
                    main_stream_uri=main,
                    sub_stream_uri=sub,
                    user=USER,
                    password=PASSWORD,
                )
            )
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self.configs), daemon=True)
        self._process.start()
        child.close()
        if not self._conn.poll(60) or self._conn.recv() != "started":
            raise SystemExit("the simulated cameras did not start")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("quit")
        self._process.join(30)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(10)


def _free_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def _cpu() -> float:
    return time.process_time()


def bench_utkik(cameras: Cameras, seconds: float) -> dict[str, Any]:
    pulls = {i: 0 for i in range(len(cameras.configs))}
    with DeviceLoop("bench-events") as loop:
        sources = []
        for i, config in enumerate(cameras.configs):
            address = config.address
            source = PullPointSource(
                loop,
                camera_id=i,
                host=address,
                port=config.port,
                login=lambda address=address: CameraLogin.bind(address, USER, PASSWORD),
            )
            source.start(lambda event: None)
            sources.append(source)
        _count_pulls(sources, pulls)
        settled = _settle(lambda: all(pulls.values()))
        subscribed = [s.state == SubscriptionState.SUBSCRIBED for s in sources]
        before = dict(pulls)
        cpu, wall = _cpu(), time.monotonic()
        time.sleep(seconds)
        cpu, wall = _cpu() - cpu, time.monotonic() - wall
        asked = sum(1 for i in pulls if pulls[i] > before[i])
        still = [s.state == SubscriptionState.SUBSCRIBED and s.subscriptions == 1 for s in sources]
        for source in sources:
            source.stop()
    return {
        "settled_after_seconds": settled,
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "share_of_a_core": cpu / wall,
        "subscribed_throughout": all(subscribed) and all(still),
        "cameras_asked_in_window": asked,
        "pulls_in_window": sum(pulls.values()) - sum(before.values()),
    }


def _settle(ready: Callable[[], bool], limit: float = 120.0) -> float:
    """Waits until every camera has been subscribed to and pulled from once (its current states
    read), then SETTLE_S more; the seconds it took."""
    started = time.monotonic()
    while not ready():
        if time.monotonic() - started > limit:
            raise SystemExit(f"the subscriptions did not settle within {limit:.0f} s")
        time.sleep(0.2)
    time.sleep(SETTLE_S)
    return time.monotonic() - started


def _count_pulls(sources: list[PullPointSource], pulls: dict[int, int]) -> None:
    """Counts each source's PullMessages (wrapping the method the loop calls)."""
    for source in sources:
        original = source._deliver_answer

        def counting(capture: Any, original: Any = original, camera: int = source.camera_id) -> Any:
            pulls[camera] += 1
            return original(capture)

        source._deliver_answer = counting  # type: ignore[method-assign]


def bench_reference(cameras: Cameras, seconds: float) -> dict[str, Any]:
    from onvif import ONVIFCamera  # type: ignore[import-untyped]

    pulls = {i: 0 for i in range(len(cameras.configs))}
    ready = threading.Event()
    stop = asyncio.Event()

    async def camera(i: int, config: DeviceConfig) -> None:
        cam = ONVIFCamera(config.address, config.port, USER, PASSWORD)
        try:
            await cam.update_xaddrs()
            manager = await cam.create_pullpoint_manager(dt.timedelta(seconds=600), lambda: None)
            service = manager.get_service()
            request = {"Timeout": f"PT{int(PULL_WAIT_S)}S", "MessageLimit": MESSAGE_LIMIT}
            while not stop.is_set():
                await service.PullMessages(request)
                pulls[i] += 1
        finally:
            with contextlib.suppress(Exception):
                await manager.shutdown()
            await cam.close()

    holder: dict[str, Any] = {}

    def run() -> None:
        async def main() -> None:
            holder["loop"] = asyncio.get_running_loop()
            tasks = [asyncio.create_task(camera(i, c)) for i, c in enumerate(cameras.configs)]
            ready.set()
            await stop.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run(main())

    thread = threading.Thread(target=run, name="reference-events")
    thread.start()
    ready.wait()
    settled = _settle(lambda: all(pulls.values()))
    before = dict(pulls)
    cpu, wall = _cpu(), time.monotonic()
    time.sleep(seconds)
    cpu, wall = _cpu() - cpu, time.monotonic() - wall
    holder["loop"].call_soon_threadsafe(stop.set)
    thread.join(30)
    return {
        "settled_after_seconds": settled,
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "share_of_a_core": cpu / wall,
        "cameras_asked_in_window": sum(1 for i in pulls if pulls[i] > before[i]),
        "pulls_in_window": sum(pulls.values()) - sum(before.values()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0, help="each window's length")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 1 <= args.cameras <= 253:
        parser.error("1 to 253 cameras: one loopback address each in 127.34.<block>.0/24")
    if args.seconds <= PULL_WAIT_S:
        parser.error(f"a window must be longer than a pull's {PULL_WAIT_S:.0f} s")

    started = time.perf_counter()
    load = os.getloadavg()
    cameras = Cameras(args.cameras)
    try:
        utkik = bench_utkik(cameras, args.seconds)
        reference = bench_reference(cameras, args.seconds)
    finally:
        cameras.close()
    share = utkik["share_of_a_core"]
    ok = (
        share < CPU_LIMIT
        and utkik["subscribed_throughout"]
        and utkik["cameras_asked_in_window"] == args.cameras
    )
    ratio = share / reference["share_of_a_core"] if reference["share_of_a_core"] else None
    print(f"{'':28}{'Utkik':>12}{'reference':>12}")
    print(f"{'CPU, share of one core':28}{share:>12.2%}{reference['share_of_a_core']:>12.2%}")
    print(f"{'pulls in the window':28}{utkik['pulls_in_window']:>12}", end="")
    print(f"{reference['pulls_in_window']:>12}")
    print(f"{'cameras asked in the window':28}{utkik['cameras_asked_in_window']:>12}", end="")
    print(f"{reference['cameras_asked_in_window']:>12}")
    print(f"\nUtkik/reference {ratio:.2f}" if ratio is not None else "")
    verdict = "met" if ok else "MISSED"
    print(f"target: {args.cameras} idle subscriptions under {CPU_LIMIT:.0%} of a core: {verdict}")
    run_s = time.perf_counter() - started
    results = {
        "benchmark": "onvif_events",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run_seconds": run_s,
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load,
            "load_average_at_end": os.getloadavg(),
        },
        "settings": {"cameras": args.cameras, "seconds": args.seconds, "settle": SETTLE_S},
        "targets": [
            {
                "target": "idle subscriptions",
                "utkik": share,
                "reference": reference["share_of_a_core"],
                "ratio": ratio,
                "limit": CPU_LIMIT,
                "pass": ok,
            }
        ],
        "utkik": utkik,
        "reference": reference,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"numbers written to {args.output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
