"""Evidence export benchmarks: producing a 1080p package and verifying it, each beside a
reference measured in the same run on the same machine and disk.

    .venv/bin/python benchmarks/bench_export.py [--minutes M] [--rounds R] [--quick]

produce  An archive of one 1920×1080 camera (a cached simulator clip looped and remuxed, never
         decoded, into 10 s segments by the recorder's own Mp4SegmentFormat and indexed as the
         engine indexes them; benchmarks/bench_recording.py `synthesize_archive`) is exported
         whole by `PackageWriter.produce` (remux, hashes, manifest, `export.produced` in the
         access log, its seal and proof, signature, custody, fsync, rename) into a fresh folder.
         Targets: the media time over the wall time ≥ 100× real time; and ≤ 1.5× the
         reference, `ffmpeg -f concat -c copy` of the same segment files into one MP4.
verify   The package just made (about 1 GB at the default 50 minutes) is checked by
         `verify_package` (console/export/verify.py: hashes of every file, the signature and
         key chain, the log proof, the custody lines). Target: ≤ 1.3× the reference,
         `sha256sum` over the package's files.

Both sides of each pair run in turns, `--rounds` times, and the best of each is kept; the files
are read from the page cache, as they were just written. The table goes to stdout, the numbers
to benchmarks/results/export.json; exit 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_recording import (
    ARCHIVE_CAMERA,
    CLIP_CACHE,
    MemorySecrets,
    synthesize_archive,
)

from console.app import Core
from console.camera_facts import DeviceFacts, StreamProfile
from console.domain import Actor, Role
from console.export import verify as pv
from console.export.order import ExportOrder
from console.export.package import PackageWriter
from devices.access_log import key_store
from devices.media.remux import Mp4Remuxer
from devices.simulator.clips import clip_for
from devices.simulator.site import SimulatedSite, SiteOptions

RESULTS = Path(__file__).resolve().parent / "results" / "export.json"
CLI = Actor.os_account("root")
PASSWORD = "benchmark password 1"
#: Targets (issue 15).
REAL_TIME_MIN = 100.0
PRODUCE_RATIO_MAX = 1.5
VERIFY_RATIO_MAX = 1.3
SEGMENT_S = 10.0


def make_core(scratch: Path) -> tuple[Core, Actor]:
    core = Core.open(
        scratch / "data", keys=key_store(scratch / "keys"), secrets=MemorySecrets(), sealer=False
    )
    facts = DeviceFacts(
        host="127.0.0.1",
        port=80,
        xaddr="http://127.0.0.1:80/onvif/device_service",
        manufacturer="Bench",
        model="1080p",
        main=StreamProfile("main", "rtsp://127.0.0.1/main", 1920, 1080),
    )
    camera = core.cameras.add(CLI, facts, core.sites.places()[0], "Bench", "user", "password")
    if camera.id != ARCHIVE_CAMERA:
        raise SystemExit(f"the archive's camera is {ARCHIVE_CAMERA}, the data dir made {camera.id}")
    core.users.add(CLI, "anna", Role.SUPERVISOR, PASSWORD)
    return core, Actor.of(core.users.authenticate("anna", PASSWORD))


def produce(core: Core, actor: Actor, start: datetime, end: datetime, out: Path) -> Path:
    out.mkdir()
    order = ExportOrder(
        request_id=1,
        package_id="BENCH",
        camera_ids=(ARCHIVE_CAMERA,),
        start=start,
        end=end,
        requester="anna",
        approver=None,
        reason="benchmark",
        case_number="bench",
        recipient="bench",
        note="",
        requested_at=end,
        approved_at=None,
    )
    writer = PackageWriter(
        core.audit,
        core.cameras,
        core.sites,
        core.recordings,
        Mp4Remuxer(),
        core.clock,
        core.data_dir,
    )
    receipt = writer.produce(
        actor, order, out, make_zip=False, progress=lambda p: None, cancelled=lambda: False
    )
    return receipt.folder


def ffmpeg_concat(files: Sequence[Path], out: Path) -> None:
    out.mkdir()
    listing = out / "list.txt"
    listing.write_text("".join(f"file '{f}'\n" for f in files), encoding="utf-8")
    subprocess.run(
        [
            shutil.which("ffmpeg") or "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c",
            "copy",
            str(out / "all.mp4"),
        ],
        check=True,
    )


def sha256sum(files: Sequence[Path]) -> None:
    subprocess.run(["sha256sum", *map(str, files)], check=True, stdout=subprocess.DEVNULL)


def timed(action: Any) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def bench(minutes: float, rounds: int, workdir: Path, cache_dir: Path) -> dict[str, Any]:
    name = SimulatedSite(SiteOptions(cameras=1, sensors=False)).configs[0].name
    options = SiteOptions()
    clip = clip_for(name, 1920, 1080, options.fps, options.clip_seconds, cache_dir)
    scratch = Path(tempfile.mkdtemp(dir=workdir, prefix="utkik-export-"))
    try:
        core, actor = make_core(scratch)
        try:
            end = datetime.now(UTC).replace(microsecond=0)
            archive = synthesize_archive(core, clip, minutes / 60, SEGMENT_S, end)
            start = archive["start"]
            segments = core.recordings.segments(ARCHIVE_CAMERA, start, end)
            files = [core.recordings.root / s.path for s in segments]
            media_s = (end - start).total_seconds()
            print(
                f"archive: {len(files)} segments, {archive['bytes'] / 1e9:.2f} GB, "
                f"{media_s / 60:.0f} min of 1080p",
                flush=True,
            )
            produce_s: list[float] = []
            ffmpeg_s: list[float] = []
            kept: Path | None = None
            for number in range(rounds):
                out = scratch / f"package-{number}"
                produce_s.append(timed(lambda out=out: produce(core, actor, start, end, out)))
                if kept is None:
                    kept = out / "BENCH"
                else:
                    shutil.rmtree(out)
                reference = scratch / f"ffmpeg-{number}"
                ffmpeg_s.append(timed(lambda ref=reference: ffmpeg_concat(files, ref)))
                shutil.rmtree(reference)
                print(
                    f"produce round {number + 1}: utkik {produce_s[-1]:.2f} s, "
                    f"ffmpeg {ffmpeg_s[-1]:.2f} s",
                    flush=True,
                )
            assert kept is not None
            package_files = sorted(p for p in kept.rglob("*") if p.is_file())
            package_bytes = sum(p.stat().st_size for p in package_files)
            verify_s: list[float] = []
            sum_s: list[float] = []
            for number in range(rounds):
                verify_s.append(timed(lambda: pv.verify_package(kept)))
                sum_s.append(timed(lambda: sha256sum(package_files)))
                print(
                    f"verify round {number + 1}: utkik {verify_s[-1]:.2f} s, "
                    f"sha256sum {sum_s[-1]:.2f} s",
                    flush=True,
                )
        finally:
            core.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    best_produce, best_ffmpeg = min(produce_s), min(ffmpeg_s)
    best_verify, best_sum = min(verify_s), min(sum_s)
    return {
        "archive": {
            "segments": len(files),
            "bytes": archive["bytes"],
            "media_s": media_s,
            "mbit_per_s": archive["mbit_per_s"],
        },
        "package_bytes": package_bytes,
        "produce_s": produce_s,
        "ffmpeg_concat_s": ffmpeg_s,
        "verify_s": verify_s,
        "sha256sum_s": sum_s,
        "real_time_factor": media_s / best_produce,
        "produce_ratio": best_produce / best_ffmpeg,
        "verify_ratio": best_verify / best_sum,
    }


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": "produce-real-time",
            "what": "1080p package: media time / production time",
            "project": result["real_time_factor"],
            "limit": f">= {REAL_TIME_MIN:g}x",
            "met": result["real_time_factor"] >= REAL_TIME_MIN,
        },
        {
            "id": "produce-vs-ffmpeg",
            "what": "production / ffmpeg -f concat -c copy of the same segments",
            "project": result["produce_ratio"],
            "limit": f"<= {PRODUCE_RATIO_MAX:g}x",
            "met": result["produce_ratio"] <= PRODUCE_RATIO_MAX,
        },
        {
            "id": "verify-vs-sha256sum",
            "what": f"verify a {result['package_bytes'] / 1e9:.2f} GB package / sha256sum",
            "project": result["verify_ratio"],
            "limit": f"<= {VERIFY_RATIO_MAX:g}x",
            "met": result["verify_ratio"] <= VERIFY_RATIO_MAX,
        },
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=50.0, help="archive length (50: ~1 GB)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="5 minutes, 2 rounds")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--cache-dir", type=Path, default=CLIP_CACHE)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.minutes, args.rounds = 5.0, 2
    result = bench(args.minutes, args.rounds, args.workdir, args.cache_dir)
    rows = targets(result)
    print()
    print(f"{'target':<22} {'what':<62} {'utkik':>8} {'limit':>8}  met")
    for row in rows:
        print(
            f"{row['id']:<22} {row['what']:<62} {row['project']:>7.2f}x {row['limit']:>8}  "
            f"{'yes' if row['met'] else 'NO'}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "machine": {"platform": platform.platform(), "python": platform.python_version()},
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "minutes": args.minutes,
                "rounds": args.rounds,
                "result": result,
                "targets": rows,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0 if all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
