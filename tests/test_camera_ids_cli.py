"""A camera removed and another added, with `utkik cameras …` against the simulated site: the new
camera gets a new id and the old camera's recordings stay its own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.sites import loopback_addresses, require_simulated_video, simulated_site

require_simulated_video()

from console.app import Core  # noqa: E402
from console.media.packets import Profile  # noqa: E402
from console.recording.archive import segment_path  # noqa: E402
from devices.simulator.site import SimulatedSite  # noqa: E402
from tests.conftest import run_utkik  # noqa: E402

PASSWORD = "kamera-lösen-8"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatedSite]:
    addresses = loopback_addresses(78, range(2, 4))
    with simulated_site(tmp_path_factory, addresses, user="tekniker", password=PASSWORD) as running:
        yield running


def _add(site: SimulatedSite, data: Path, address: str, place: str) -> dict[str, object]:
    added = run_utkik(
        "--data-dir",
        data,
        "cameras",
        "add",
        address,
        "--port",
        site.options.onvif_port,
        "--place",
        place,
        "--user",
        "tekniker",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    listed = run_utkik("--data-dir", data, "cameras", "list", "--json")
    rows: list[dict[str, object]] = [json.loads(line) for line in listed.stdout.splitlines()]
    return next(row for row in rows if row["host"] == address)


def _record(data: Path, camera_id: int, start: datetime) -> Path:
    """A minute of segments indexed for the camera, as the engine leaves them."""
    core = Core.open(data, sealer=False)
    try:
        for i in range(6):
            moment = start + timedelta(seconds=10 * i)
            relative = segment_path(camera_id, Profile.MAIN, moment)
            path = core.recordings.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"\0" * 1000)
            segment = core.recordings.open_segment(camera_id, Profile.MAIN, moment, relative)
            core.recordings.close_segment(segment, moment + timedelta(seconds=10), 1000)
        return core.recordings.root / str(camera_id)
    finally:
        core.close()


def test_a_new_camera_never_gets_a_removed_cameras_id_or_recordings(
    site: SimulatedSite, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first, second = site.configs
    old = _add(site, data, first.address, "tradgardstorget")
    folder = _record(data, int(str(old["id"])), datetime.now(UTC) - timedelta(hours=1))
    removed = run_utkik("--data-dir", data, "cameras", "remove", str(old["id"]))
    assert removed.returncode == 0, removed.stderr

    new = _add(site, data, second.address, "ryds centrum")
    assert new["id"] != old["id"]
    assert [
        json.loads(line)["id"]
        for line in run_utkik("--data-dir", data, "cameras", "list", "--json").stdout.splitlines()
    ] == [new["id"]]

    listed = run_utkik("--data-dir", data, "recordings", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines()}
    assert rows[str(old["id"])][1:3] == [old["name"], "removed"]
    assert "0.02 h recorded in 1 ranges" in rows[str(old["id"])][4]
    assert "0.00 h recorded in 0 ranges" in rows[str(new["id"])][4]
    assert len(list(folder.rglob("*.mp4"))) == 6
