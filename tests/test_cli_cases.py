"""`utkik cases …` as supervisors run it: a whole subject access case through the command, as
console users with their passwords, on a recorded segment of the synthesized clip."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.app import Core
from console.domain import Actor, Role
from devices import access_log
from tests import masking_clip as clip
from tests.conftest import FAST_HASHER, PASSWORD, MemorySecretStore, run_utkik
from tests.core.test_cameras import facts, place
from tests.register_fixture import registered
from tests.test_masking_pixels import DARK
from tests.test_subject_access import add_recording

ROOT = Actor.os_account("root")


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, datetime]:
    folder = tmp_path / "data"
    core = Core.open(
        folder,
        hasher=FAST_HASHER,
        secrets=MemorySecretStore(),
        keys=access_log.key_store(),
        sealer=False,
    )
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    try:
        camera = registered(
            core,
            core.cameras.add(
                ROOT, facts("127.0.0.1"), place(core, "Stora torget"), "Torget", "a", "b"
            ),
        )
        add_recording(core, camera, start, tmp_path)
        for name, role in (
            ("anna", Role.SUPERVISOR),
            ("bertil", Role.SUPERVISOR),
            ("olle", Role.OPERATOR),
        ):
            core.users.add(ROOT, name, role, PASSWORD)
    finally:
        core.close()
    return folder, start


def cases(data: Path, user: str, *args: object) -> subprocess.CompletedProcess[str]:
    return run_utkik(
        "--data-dir", data, "cases", *args, "--user", user, "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip


def test_a_case_through_the_command_line(data: tuple[Path, datetime], tmp_path: Path) -> None:
    folder, start = data
    opening = (
        "open", "--requester", "Kim Berg", "--identity", "passport", "--checked-by", "anna",
        "--from", start.isoformat(), "--to", (start + timedelta(seconds=2)).isoformat(),
        "--place", "Stora torget",
    )  # fmt: skip
    refused = cases(folder, "olle", *opening)
    assert refused.returncode == 1
    assert "not allowed to work on subject access cases" in refused.stderr
    opened = cases(folder, "anna", *opening)
    assert opened.returncode == 0, opened.stderr
    assert "Case 1 (RA-" in opened.stdout

    listed = cases(folder, "anna", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    row = json.loads(listed.stdout.splitlines()[0])
    assert (row["state"], row["requester"]) == ("open", "Kim Berg")
    assert 27 <= row["days_left"] <= 31

    found = cases(folder, "anna", "find", "1", "--cameras", "Torget")
    assert found.returncode == 0, found.stderr
    tracks = cases(folder, "anna", "tracks", "1", "--camera", "Torget")
    assert tracks.returncode == 0, tracks.stderr
    cx, cy = clip.REQUESTER.centre(0)
    requester = None
    for line in tracks.stdout.splitlines():
        match = re.match(r"(track-\d+): .* at first \[(\d+), (\d+), (\d+), (\d+)\]", line)
        assert match, line
        x, y, w, h = map(int, match.groups()[1:])
        if x <= cx <= x + w and y <= cy <= y + h:
            requester = match.group(1)
    assert requester is not None, tracks.stdout

    b0, b1 = clip.BACKSIDE.box(0), clip.BACKSIDE.box(clip.FRAMES - 1)
    regions = tmp_path / "regions.json"
    regions.write_text(
        json.dumps(
            {
                "regions": [
                    {
                        "id": "backside",
                        "shape": "polygon",
                        "keyframes": [
                            {
                                "frame": n,
                                "points": [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]],
                            }
                            for n, b in ((0, b0), (clip.FRAMES - 1, b1))
                        ],
                    },
                    {
                        "id": "plate",
                        "shape": "rect",
                        "keyframes": [
                            {"frame": 0, "box": [60, 320, 70, 20]},
                            {"frame": clip.FRAMES - 1, "box": [60, 320, 70, 20]},
                        ],
                    },
                ],
                "exclude": [requester],
            }
        )
    )
    pixelated = cases(folder, "anna", "mask", "1", "--camera", "Torget", "--fill", "pixelate")
    assert pixelated.returncode == 1
    assert "Pixelation can be reversed" in pixelated.stderr
    masked = cases(folder, "anna", "mask", "1", "--camera", "Torget", "--regions", regions)
    assert masked.returncode == 0, masked.stderr
    assert f"excluded: {requester}" in masked.stdout

    own = cases(folder, "anna", "review", "1", "--approve")
    assert own.returncode == 1
    assert "another supervisor reviews it" in own.stderr
    early = cases(folder, "anna", "release", "1", "--out", tmp_path)
    assert early.returncode == 1
    reviewed = cases(folder, "bertil", "review", "1", "--approve")
    assert reviewed.returncode == 0, reviewed.stderr
    assert "step through frames 0," in reviewed.stdout

    released = cases(folder, "anna", "release", "1", "--out", tmp_path)
    assert released.returncode == 0, released.stderr
    package = Path(released.stdout.splitlines()[0].removeprefix("Package: "))
    verified = run_utkik("cases", "verify", package)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "reviewed by bertil" in verified.stdout

    shown = cases(folder, "anna", "show", "1", "--json")
    assert json.loads(shown.stdout)["state"] == "released"
    video = next((package / "video").glob("*.mp4"))
    for n, picture in enumerate(clip.decode_bgr(video)):
        for figure in (clip.STRANGER, clip.BACKSIDE):
            x0, y0, x1, y1 = figure.box(n)
            assert picture[y0:y1, x0:x1].max() < DARK, (figure.name, n)
