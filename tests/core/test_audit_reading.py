"""Reading the access log without Qt: the viewing is on record before anything is read, the CSV
export before the file is written, and the texts the viewer and the file show."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.app import Core
from console.audit.log import Entry
from console.audit.reading import AuditReader, Filters, csv_cell, details_text
from console.domain import Actor, Role
from console.errors import N_, PermissionDenied, StorageError
from console.localtime import local_time_text
from tests.core.test_cameras import user

ROOT = Actor.os_account("root")


def entries_of(core: Core, action: str) -> list[Entry]:
    return core.audit.entries(ROOT, action=action)


def test_local_time_follows_stockholm_summer_time() -> None:
    assert local_time_text(datetime(2026, 11, 24, 6, 20, 12, tzinfo=UTC)) == (
        "2026-11-24 07:20:12 +01:00"
    )
    assert local_time_text(datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)) == (
        "2026-03-29 01:59:59 +01:00"
    )
    assert local_time_text(datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC)) == (
        "2026-03-29 03:00:00 +02:00"
    )


def test_details_text() -> None:
    assert details_text({}) == ""
    assert details_text({"reason": "idle"}) == "reason=idle"
    assert details_text({"failures": 3, "own": True, "note": None}) == (
        "failures=3, own=true, note=null"
    )
    # Text that would read as more than one value is quoted.
    assert details_text({"areas": "2,4", "role": "operator"}) == 'areas="2,4", role=operator'
    assert details_text({"areas": ""}) == 'areas=""'
    assert details_text({"name": "Trädgårdstorget"}) == "name=Trädgårdstorget"


def test_csv_cells_never_start_a_formula() -> None:
    assert [csv_cell(t) for t in ("=1+1", "+4", "-x", "@a", "ok", "")] == [
        "'=1+1",
        "'+4",
        "'-x",
        "'@a",
        "ok",
        "",
    ]


def test_the_viewing_is_recorded_once_before_the_first_read(core: Core) -> None:
    reader = AuditReader(core.audit, user(core, "ulla", Role.AUDITOR))
    assert not reader.viewed
    loaded = reader.load(Filters(action="audit."))
    # The first read already shows its own entry: it was written before.
    assert [e.action for e in loaded.entries] == ["audit.viewed"]
    assert reader.viewed
    reader.load(Filters())
    assert len(entries_of(core, "audit.viewed")) == 1
    assert loaded.status == core.audit.status()


def test_no_permission_or_no_entry_nothing_read(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(PermissionDenied):
        AuditReader(core.audit, user(core, "olle", Role.OPERATOR)).load(Filters())
    assert entries_of(core, "audit.viewed") == []

    def unwritable(*args: object, **kwargs: object) -> object:
        raise StorageError(N_("The database {path} cannot be written."), path="utkik.db")

    reads: list[object] = []

    def read(*args: object, **kwargs: object) -> list[Entry]:
        reads.append(args)
        return []

    monkeypatch.setattr(core.audit, "record", unwritable)
    monkeypatch.setattr(core.audit, "entries", read)
    reader = AuditReader(core.audit, user(core, "ulla", Role.AUDITOR))
    with pytest.raises(StorageError):
        reader.load(Filters())
    assert reads == []
    assert not reader.viewed


def test_the_csv_export_is_recorded_then_written(core: Core, tmp_path: Path) -> None:
    reader = AuditReader(core.audit, user(core, "ulla", Role.AUDITOR))
    target = tmp_path / "log.csv"
    written = reader.write_csv(target, ["Seq", "Details"], [("1", "=cmd"), ("2", "å")])
    assert (written.rows, written.failure) == (2, "")
    (entry,) = entries_of(core, "audit.csv_exported")
    assert (entry.target, entry.details) == (str(target), {"rows": 2})
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as read:
        assert list(csv.reader(read)) == [["Seq", "Details"], ["1", "'=cmd"], ["2", "å"]]


def test_a_csv_file_that_cannot_be_written_is_reported_and_the_entry_stays(
    core: Core, tmp_path: Path
) -> None:
    reader = AuditReader(core.audit, user(core, "ulla", Role.AUDITOR))
    written = reader.write_csv(tmp_path / "missing" / "log.csv", ["Seq"], [("1",)])
    assert written.failure == "No such file or directory"
    assert len(entries_of(core, "audit.csv_exported")) == 1


def test_the_whole_log_verifies(core: Core) -> None:
    reader = AuditReader(core.audit, user(core, "ulla", Role.AUDITOR))
    reader.load(Filters())
    verified = reader.verify()
    assert verified.failure == ""
    assert verified.report is not None
    assert verified.report.ok, verified.report.problem
