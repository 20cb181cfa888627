"""Opening, migrating and refusing databases; the writer thread."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.errors import DatabaseCorrupt, DatabaseTooNew
from console.messages import Message, MessageBus
from console.storage import (
    DB_FILENAME,
    LATEST_VERSION,
    MIGRATIONS,
    SEED_SITES,
    Database,
    exposure,
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_to_latest(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        assert db.schema_version() == LATEST_VERSION
        versions = [r["version"] for r in db.query("SELECT version FROM schema_version")]
        assert versions == [m.version for m in MIGRATIONS]
        tables = {r["name"] for r in db.query("SELECT name FROM sqlite_master")}
        assert {"areas", "places", "cameras", "users", "user_areas", "settings"} <= tables
        mode = db.query("PRAGMA journal_mode")[0]["journal_mode"]
        assert mode == "wal"


def test_seeded_sites(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        rows = db.query(
            "SELECT a.name AS area, p.name AS place FROM areas a "
            "LEFT JOIN places p ON p.area_id = a.id ORDER BY a.id, p.id"
        )
    got: dict[str, list[str]] = {}
    for row in rows:
        got.setdefault(row["area"], [])
        if row["place"]:
            got[row["area"]].append(row["place"])
    assert got == {area: list(places) for area, places in SEED_SITES}
    assert got["City"] == ["Stora torget", "Trädgårdstorget"]
    assert got["Hållplatser"] == []


def test_reopen_does_not_migrate_or_seed_again(tmp_path: Path) -> None:
    Database.open(tmp_path).close()
    with Database.open(tmp_path) as db:
        assert len(db.query("SELECT * FROM schema_version")) == len(MIGRATIONS)
        assert len(db.query("SELECT * FROM areas")) == len(SEED_SITES)


def test_migration_from_an_older_schema(tmp_path: Path) -> None:
    """A database left at schema 1 (by an older Utkik) is brought up to date."""
    with Database.open(tmp_path) as db:
        path = db.path
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM schema_version WHERE version > 1")
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'audit_%'"
    ).fetchall():
        conn.execute(f"DROP TABLE {table}")
    # Migration 4 undone: the cameras table as schema 1 made it.
    conn.execute("DROP TABLE camera_health")
    conn.execute("DROP TABLE cameras")
    conn.execute(
        "CREATE TABLE cameras (id INTEGER PRIMARY KEY, place_id INTEGER REFERENCES places(id), "
        "name TEXT NOT NULL, created_at TEXT NOT NULL)"
    )
    conn.execute("DELETE FROM places")
    conn.execute("DELETE FROM areas")
    conn.commit()
    conn.close()
    with Database.open(tmp_path) as db:
        assert db.schema_version() == LATEST_VERSION
        assert len(db.query("SELECT * FROM areas")) == len(SEED_SITES)


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        path = db.path
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO schema_version VALUES (?, 'from the future', '2030-01-01T00:00:00Z', '9.0')",
        (LATEST_VERSION + 1,),
    )
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseTooNew, match="newer version of Utkik"):
        Database.open(tmp_path)
    assert digest(path) == before


def test_garbage_file_is_refused_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    path.write_bytes(b"this is not a database\n" * 500)
    before = digest(path)
    with pytest.raises(DatabaseCorrupt, match="damaged") as caught:
        Database.open(tmp_path)
    assert str(path) in str(caught.value)
    assert digest(path) == before
    assert not (tmp_path / f"{DB_FILENAME}-wal").exists()


def test_damaged_pages_are_refused_and_never_overwritten(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        path = db.path
        db.write(
            lambda w: [
                w.table("settings").insert({"key": f"k{i}", "value": "v" * 200}) for i in range(200)
            ]
        ).result()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    # Keep the header intact but smash the schema page and what follows.
    data[100 : page * 3] = b"\xa5" * (page * 3 - 100)
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DatabaseCorrupt):
        Database.open(tmp_path)
    assert digest(path) == before


def test_a_failing_write_is_rolled_back(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:

        def half_then_fail(w: object) -> None:
            db_ = w  # the sqlite_utils.Database of the writer thread
            db_.table("settings").insert({"key": "a", "value": "1"})  # type: ignore[attr-defined]
            raise ValueError("a bug after the first insert")

        with pytest.raises(ValueError, match="a bug"):
            db.write(half_then_fail).result()
        assert db.query("SELECT * FROM settings") == []


def test_writes_run_on_one_thread_in_order(tmp_path: Path) -> None:
    with Database.open(tmp_path) as db:
        threads: set[str] = set()

        def insert(i: int) -> object:
            def job(w: object) -> None:
                threads.add(threading.current_thread().name)
                w.table("settings").insert({"key": f"{i:03}", "value": str(i)})  # type: ignore[attr-defined]

            return job

        futures = [db.write(insert(i)) for i in range(50)]  # type: ignore[arg-type]
        for f in futures:
            f.result()
        assert threads == {"utkik-db-writer"}
        assert len(db.query("SELECT * FROM settings")) == 50


def test_two_handles_on_one_file_write_safely(tmp_path: Path) -> None:
    """Like a CLI command beside a running console: both append, nothing is lost."""
    first = Database.open(tmp_path)
    second = Database.open(tmp_path)
    try:
        futures = []
        for i in range(40):
            target = first if i % 2 else second
            futures.append(
                target.write(
                    lambda w, i=i: w.table("settings").insert({"key": f"k{i}", "value": "v"})
                )
            )
        for f in futures:
            f.result()
        assert len(first.query("SELECT * FROM settings")) == 40
    finally:
        first.close()
        second.close()


def _open_twice_at_once(directory: Path) -> tuple[list[Database], list[BaseException]]:
    opened: list[Database] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def open_one() -> None:
        barrier.wait()
        try:
            opened.append(Database.open(directory))
        except BaseException as err:  # noqa: BLE001 - reported by the caller
            errors.append(err)

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return opened, errors


def test_two_opens_of_a_new_data_dir_at_once(tmp_path: Path) -> None:
    """Switching a new file to WAL needs it alone; the loser waits instead of calling it
    damaged (a CLI command started beside a console's first start)."""
    for round_ in range(10):
        opened, errors = _open_twice_at_once(tmp_path / f"round{round_}")
        try:
            assert errors == []
            assert [db.schema_version() for db in opened] == [LATEST_VERSION] * 2
        finally:
            for db in opened:
                db.close()


# -- who may read the files ---------------------------------------------------------------------


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The common umask 022: what is created without an explicit mode is world-readable."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("permissive_umask")
def test_a_new_data_dir_and_database_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with Database.open(data_dir) as db:
        db.write(lambda d: d.execute("CREATE TABLE t (x)")).result()
        db.query("SELECT * FROM t")
        files = {p.name: _mode(p) for p in data_dir.iterdir()}
        assert set(files) >= {DB_FILENAME, DB_FILENAME + "-wal", DB_FILENAME + "-shm"}
        assert all(mode == 0o600 for mode in files.values()), files
    assert _mode(data_dir) == 0o700
    assert exposure(data_dir) == []


@pytest.mark.usefixtures("permissive_umask")
def test_files_open_to_other_accounts_are_reported(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with Database.open(data_dir):
        pass
    data_dir.chmod(0o755)
    (data_dir / DB_FILENAME).chmod(0o644)
    problems = [str(p) for p in exposure(data_dir)]
    assert len(problems) == 2
    assert f"{data_dir} can be read" in problems[0]
    assert "(mode 755)" in problems[0]
    assert f"{DB_FILENAME} can be read" in problems[1]
    assert "(mode 644)" in problems[1]
    # Reported, never changed behind the administrator's back.
    assert _mode(data_dir) == 0o755


def test_warnings_made_before_anyone_listens_reach_the_first_listener() -> None:
    bus = MessageBus()
    bus.warning("early")
    heard: list[Message] = []
    bus.subscribe(heard.append)
    bus.warning("later")
    assert [m.text for m in heard] == ["early", "later"]
    again: list[Message] = []
    bus.subscribe(again.append)
    assert again == []


def test_a_page_that_only_quick_check_finds_damaged_is_refused_and_kept(tmp_path: Path) -> None:
    """A damaged table page that no query at open touches: `quick_check` reports it (as a row,
    not an error), and the database is refused before anything is written into it."""
    with Database.open(tmp_path) as db:
        path = db.path
        db.write(
            lambda w: [
                w.table("settings").insert({"key": f"k{i}", "value": "v" * 200}) for i in range(200)
            ]
        ).result()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'settings'").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    # The settings table's root page: its b-tree page header made nonsense.
    start = (root - 1) * page
    data[start : start + 8] = b"\x42" * 8
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DatabaseCorrupt, match="is damaged"):
        Database.open(tmp_path)
    assert digest(path) == before
