"""Masking benchmark: the masked copy of a subject access case against a plain re-encode.

    .venv/bin/python benchmarks/bench_masking.py [--seconds S] [--rounds N]

For 1920×1080 and 1280×720, a clip of S seconds (default 10) at 25 fps is synthesized (the
moving figures of tests/masking_clip.py, scaled up, as H.264). Then, interleaved, N rounds
(default 2; the best of each kept) of:

masked   what `utkik cases mask` does to a camera's footage: the detection assist (HOG people and
         Haar faces on a ≤ 640 px grey copy of every 5th frame, tracked; devices/media/detect.py)
         and the render (decode, fill every region, encode H.264 with libx264 `veryfast`, CRF 20;
         devices/media/mask_render.py), timed together from the clip on disk to the file.
plain    the reference: the same clip decoded and encoded with the same encoder settings in a
         bare PyAV loop, nothing masked, nothing detected.

Targets: masked at ≥ 0.5× real time at 1080p and ≥ 1× at 720p, and ≤ 2× the plain re-encode's
time of the same clip. The table goes to stdout, the numbers to
benchmarks/results/masking.json; exit 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.subject_access.masks import MaskPlan
from devices.media.detect import OpenCvAssist
from devices.media.mask_render import PyAvMaskRenderer
from tests import masking_clip as clip

RESULTS = Path(__file__).resolve().parent / "results" / "masking.json"
SIZES = {"1080p": (1920, 1080), "720p": (1280, 720)}
#: Real-time factor each size must reach, and the limit against the plain re-encode.
REALTIME = {"1080p": 0.5, "720p": 1.0}
RATIO = 2.0
OPTIONS = {"preset": "veryfast", "crf": "20"}


def masked(source: Path, out: Path) -> tuple[float, float, int]:
    """Seconds for the assist and for the render, and how many regions were masked."""
    started = time.perf_counter()
    regions = OpenCvAssist().propose(source, progress=lambda _: None, cancelled=lambda: False)
    proposed = time.perf_counter()
    PyAvMaskRenderer().render(
        source, MaskPlan(tuple(regions)), out, progress=lambda _: None, cancelled=lambda: False
    )
    return proposed - started, time.perf_counter() - proposed, len(regions)


def plain(source: Path, out: Path) -> float:
    started = time.perf_counter()
    with av.open(str(source)) as reader, av.open(str(out), mode="w", format="mp4") as writer:
        stream = reader.streams.video[0]
        stream.thread_type = "AUTO"
        encoder: Any = writer.add_stream("libx264", rate=stream.average_rate, options=OPTIONS)
        encoder.width, encoder.height = stream.codec_context.width, stream.codec_context.height
        encoder.pix_fmt = "yuv420p"
        encoder.time_base = stream.time_base or Fraction(1, 90_000)
        for frame in reader.decode(stream):
            frame.time_base = encoder.time_base
            for packet in encoder.encode(frame):
                writer.mux(packet)
        for packet in encoder.encode(None):
            writer.mux(packet)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    run_started = time.perf_counter()
    results: dict[str, Any] = {
        "benchmark": "masking",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "pyav": av.__version__,
            "cpus": os.cpu_count(),
            "load_average_at_start": list(os.getloadavg()),
        },
        "settings": {"seconds": args.seconds, "rounds": args.rounds, "encoder": OPTIONS},
        "sizes": {},
    }
    failed = False
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for label, (width, height) in SIZES.items():
            source = folder / f"{label}.mp4"
            clip.write_clip(
                source, width=width, height=height, frames=args.seconds * clip.FPS, audio=False
            )
            best_masked, best_plain, regions = float("inf"), float("inf"), 0
            best_assist = best_render = float("inf")
            for _ in range(args.rounds):
                assist, render, regions = masked(source, folder / f"{label}-masked.mp4")
                best_masked = min(best_masked, assist + render)
                best_assist, best_render = min(best_assist, assist), min(best_render, render)
                best_plain = min(best_plain, plain(source, folder / f"{label}-plain.mp4"))
            realtime = args.seconds / best_masked
            ratio = best_masked / best_plain
            ok = realtime >= REALTIME[label] and ratio <= RATIO
            failed |= not ok
            results["sizes"][label] = {
                "masked_seconds": round(best_masked, 3),
                "assist_seconds": round(best_assist, 3),
                "render_seconds": round(best_render, 3),
                "plain_seconds": round(best_plain, 3),
                "realtime_factor": round(realtime, 3),
                "realtime_target": REALTIME[label],
                "ratio_to_plain": round(ratio, 3),
                "ratio_limit": RATIO,
                "tracks": regions,
                "ok": ok,
            }
            rows.append(
                f"| {label} | {best_masked:.2f} s ({realtime:.2f}× real time, target ≥ "
                f"{REALTIME[label]}×; assist {best_assist:.2f} s, render {best_render:.2f} s) | "
                f"{best_plain:.2f} s | {ratio:.2f}× (≤ {RATIO}×) | "
                f"{'ok' if ok else 'MISSED'} |"
            )
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    results["run_seconds"] = round(time.perf_counter() - run_started, 1)
    print(f"| Size | Masked ({args.seconds} s clip) | Plain re-encode | Ratio | |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
