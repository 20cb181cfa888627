"""What is written out of the data dir (the access log's export, its CSV rows, a snapshot) is
private whatever the umask, and an export overwrites nothing."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.app import Core
from console.audit.reading import AuditReader
from console.audit.verify import verify
from console.domain import Actor, Role
from console.errors import InvalidInput
from console.snapshots import SnapshotService
from tests.core.test_cameras import user
from tests.core.test_snapshots import FakeSnapshotter, camera

ROOT = Actor.os_account("root")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    """The umask of most desktops: files 0644 and folders 0755 unless made private."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_export_is_private(core: Core, tmp_path: Path) -> None:
    user(core, "ulla", Role.AUDITOR)
    folder = tmp_path / "export"
    core.audit.export(ROOT, folder)
    assert verify(folder).ok
    assert mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert {p.name for p in files} >= {"entries.jsonl", "checkpoints.jsonl", "verify.py"}
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_an_export_to_a_file_is_refused_and_changes_nothing(core: Core, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me")
    before = len(core.audit.entries(ROOT))
    with pytest.raises(InvalidInput, match="is a file: export to a new or an empty folder"):
        core.audit.export(ROOT, target)
    assert target.read_text() == "keep me"
    # Refused before anything is done: the export is not logged either.
    assert len(core.audit.entries(ROOT)) == before


def test_an_export_to_a_folder_with_files_overwrites_nothing(core: Core, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "entries.jsonl").write_text("someone else's")
    with pytest.raises(InvalidInput, match="is not empty"):
        core.audit.export(ROOT, folder)
    assert (folder / "entries.jsonl").read_text() == "someone else's"
    assert mode(folder / "entries.jsonl") == 0o644


def test_the_csv_rows_are_private(core: Core, tmp_path: Path) -> None:
    reader = AuditReader(core.audit, user(core, "ulla", Role.AUDITOR))
    path = tmp_path / "rows.csv"
    path.write_text("old rows")
    path.chmod(0o644)
    written = reader.write_csv(path, ["Seq"], [["1"]])
    assert written.failure == ""
    assert mode(path) == 0o600
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["Seq", "1"]


def test_a_snapshot_is_private(core: Core, tmp_path: Path) -> None:
    service = SnapshotService(core.cameras, FakeSnapshotter(core))
    result = service.take(user(core, "olle", Role.OPERATOR), camera(core), str(tmp_path / "bild"))
    assert result.write_error == ""
    assert mode(Path(result.path)) == 0o600
