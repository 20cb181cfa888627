"""Reading the access log, for supervisors, administrators and auditors: the entries for some
filters, the whole log verified, the rows shown exported as CSV.

Reading the log is itself an access: `audit.viewed` is recorded before the first entries are
read, and `audit.csv_exported` before a file is written (fail closed: no entry, nothing shown or
written). Every method blocks: call them on a worker.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.audit.log import AuditLog, Entry
from console.audit.state import Difference, check_state
from console.audit.verify import Report, verify
from console.domain import Actor, Permission
from console.localtime import local_time_text
from console.policy import require
from console.storage import open_private

#: At most this many entries are read (newest first).
ROW_LIMIT = 5000

_AMBIGUOUS = frozenset(',="\n')


def details_text(details: Mapping[str, object]) -> str:
    """key=value, comma separated. Text stands as it is unless it could be misread (empty, or
    holding a comma, an equals sign, a quote or outer spaces): then it is quoted as in JSON, like
    the numbers, booleans and nulls are written as in the entry's JSON."""
    return ", ".join(f"{key}={_value_text(value)}" for key, value in details.items())


def _value_text(value: object) -> str:
    if isinstance(value, str) and value and value == value.strip() and not _AMBIGUOUS & set(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def row_texts(entry: Entry) -> tuple[str, str, str, str, str, str]:
    """An entry as the viewer and the CSV show it: Seq, Time, User, Action, Target, Details."""
    return (
        str(entry.seq),
        local_time_text(entry.time),
        entry.actor,
        entry.action,
        entry.target,
        details_text(entry.details),
    )


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading =, +, - or @ would start a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@dataclass(frozen=True, slots=True)
class Filters:
    user: str | None = None
    action: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    #: the log's key custody and witness (AuditLog.status)
    status: dict[str, str]
    entries: list[Entry]


@dataclass(frozen=True, slots=True)
class Verified:
    report: Report | None
    #: why the verification could not be done, when it could not
    failure: str
    status: dict[str, str]
    #: where the users, cameras, retention and settings in the database are not what the log
    #: says was done (console.audit.state)
    differences: tuple[Difference, ...] = ()


@dataclass(frozen=True, slots=True)
class CsvWritten:
    path: Path
    rows: int
    #: the reason the file could not be written, or ""
    failure: str


class AuditReader:
    """One person's reading of the log (one viewer window)."""

    def __init__(self, audit: AuditLog, actor: Actor) -> None:
        self._audit = audit
        self._actor = actor
        self._lock = threading.Lock()
        self._viewed = False

    @property
    def viewed(self) -> bool:
        """The viewing is on record."""
        with self._lock:
            return self._viewed

    def load(self, filters: Filters, limit: int = ROW_LIMIT) -> Loaded:
        """The entries for `filters`, newest first; the first load records `audit.viewed`
        (PermissionDenied without VIEW_AUDIT; a KnownError when the entry cannot be written,
        and then nothing is read)."""
        audit, actor = self._audit, self._actor
        with self._lock:
            first = not self._viewed
        if first:
            require(actor, Permission.VIEW_AUDIT)
            # Nothing is shown unless the viewing is on record.
            audit.record(actor, "audit.viewed").result()
            with self._lock:
                self._viewed = True
        entries = audit.entries(
            actor,
            user=filters.user,
            action=filters.action,
            target=filters.target,
            since=filters.since,
            until=filters.until,
            limit=limit,
        )
        return Loaded(audit.status(), entries)

    def verify(self) -> Verified:
        """Export the whole log to a temporary folder and verify it as a third party would (the
        export is itself an entry), then compare the state in the database with the log."""
        audit, actor = self._audit, self._actor
        with tempfile.TemporaryDirectory(prefix="utkik-verify-") as tmp:
            folder = Path(tmp) / "export"
            audit.export(actor, folder)
            try:
                report = verify(folder)
            except (OSError, ValueError, KeyError) as err:
                return Verified(None, str(err), audit.status())
        # The entries may be intact while a table was changed behind the services' backs.
        differences = tuple(check_state(audit.database))
        return Verified(report, "", audit.status(), differences)

    def write_csv(
        self, path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> CsvWritten:
        """Write `rows` (the texts shown) under `header` to `path` (UTF-8, a header row); the
        export is recorded first, and nothing is written if that fails."""
        self._audit.record(
            self._actor, "audit.csv_exported", str(path), {"rows": len(rows)}
        ).result()
        try:
            # utf-8-sig: spreadsheet programs then read å, ä and ö right.
            # Private whatever the umask (it says who watched what); the person chose the file,
            # and the file dialog asked before replacing one.
            with io.TextIOWrapper(
                open_private(path, replace=True), encoding="utf-8-sig", newline=""
            ) as out:
                writer = csv.writer(out)
                writer.writerow(header)
                writer.writerows([csv_cell(c) for c in row] for row in rows)
        except OSError as err:
            return CsvWritten(path, len(rows), err.strerror or str(err))
        return CsvWritten(path, len(rows), "")
