"""Bad input as an operator meets it, through the real `utkik` command: each gets one plain
message and a non-zero exit code, never a traceback, never advice that would lose records, and
nothing on disk changes."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.camera_facts import DeviceFacts, StreamProfile
from console.domain import Actor
from devices.simulator.onvif import OnvifDevice
from tests.conftest import PASSWORD, TOP, run_utkik
from tests.sites import HOSTILE_MODEL, HOSTILE_NAME, hostile_device

CLI_ACTOR = Actor.os_account()

#: What the old message advised for every failure: moving the database away breaks the
#: continuity of the access log, so it is never the advice for a database that is not damaged.
MOVE_AWAY = "move it away"
DAMAGED = "is damaged"


def utkik(
    data_dir: Path, *args: object, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_utkik("--data-dir", data_dir, *args, stdin=stdin)


def digest(directory: Path) -> dict[str, str]:
    """Every file of the data dir and a hash of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


def made_data_dir(data_dir: Path) -> Path:
    """A data dir with a database holding one user, closed cleanly (no WAL left)."""
    result = utkik(
        data_dir, "users", "add", "anna", "--role", "operator", "--password-stdin", stdin=PASSWORD
    )
    assert result.returncode == 0, result.stderr
    return data_dir


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("utkik: ")
    return lines[0]


def in_mount_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """`script` (sh) in a mount namespace of its own, so nothing it mounts outlives it; `UTKIK`
    in the script runs the command as a user runs it. Skipped where mounting is not allowed."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run(
        ["unshare", "--mount", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount in a namespace here: {probe.stderr.strip()}")
    utkik_cmd = f"{shlex.quote(sys.executable)} -m ui"
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=TOP,
        env={**os.environ, "UTKIK": utkik_cmd},
        check=False,
    )


def as_ordinary_account(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command run without the powers that let root ignore file modes (the suite runs as
    root, where chmod alone stops nothing)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) is not installed")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ui", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=TOP,
        check=False,
    )


def assert_no_advice_to_move(line: str) -> None:
    """A database that is not damaged is never called so, nor advised to be moved away."""
    assert DAMAGED not in line, line
    assert MOVE_AWAY not in line, line


# -- 1. why a database cannot be used -------------------------------------------------------------


def test_a_read_only_data_dir_is_reported_as_read_only_not_damaged(tmp_path: Path) -> None:
    data_dir = made_data_dir(tmp_path / "data")
    before = digest(data_dir)
    q = shlex.quote(str(data_dir))
    result = in_mount_namespace(
        f"mount --bind {q} {q} && mount -o remount,bind,ro {q} && $UTKIK --data-dir {q} users list"
    )
    line = one_clear_line(result)
    assert "read-only" in line, line
    assert_no_advice_to_move(line)
    assert digest(data_dir) == before


def test_a_full_disk_is_reported_as_full_not_damaged(tmp_path: Path) -> None:
    data_dir = made_data_dir(tmp_path / "data")
    disk = tmp_path / "disk"
    disk.mkdir()
    q, d = shlex.quote(str(data_dir)), shlex.quote(str(disk))
    result = in_mount_namespace(
        f"mount -t tmpfs -o size=2m tmpfs {d} && cp -a {q} {d}/data && "
        f"(dd if=/dev/zero of={d}/filler bs=4k 2>/dev/null; true) && "
        f"sha256sum {d}/data/utkik.db >&2 && "
        f"$UTKIK --data-dir {d}/data users add bert --role operator --password-stdin "
        f"<<EOF\n{PASSWORD}\nEOF\n"
        f"rc=$?; sha256sum {d}/data/utkik.db >&2; exit $rc"
    )
    sums = [line for line in result.stderr.splitlines() if "utkik.db" in line and "  " in line]
    assert len(sums) == 2, result.stderr
    assert sums[0] == sums[1], "the database changed on the full disk"
    rest = subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout,
        "\n".join(line for line in result.stderr.splitlines() if line not in sums),
    )
    line = one_clear_line(rest)
    assert "full" in line, line
    assert_no_advice_to_move(line)


def test_an_unreadable_database_is_reported_as_unreadable(tmp_path: Path) -> None:
    data_dir = made_data_dir(tmp_path / "data")
    (data_dir / "utkik.db").chmod(0)
    before = digest(data_dir)
    result = as_ordinary_account(data_dir, "users", "list")
    line = one_clear_line(result)
    assert "cannot be read by this account" in line, line
    assert_no_advice_to_move(line)
    assert digest(data_dir) == before


def test_a_database_this_account_may_not_write_is_reported_so(tmp_path: Path) -> None:
    data_dir = made_data_dir(tmp_path / "data")
    (data_dir / "utkik.db").chmod(0o400)
    data_dir.chmod(0o500)
    before = digest(data_dir)
    try:
        result = as_ordinary_account(data_dir, "users", "list")
    finally:
        data_dir.chmod(0o700)
    line = one_clear_line(result)
    assert "cannot be written by this account" in line, line
    assert_no_advice_to_move(line)
    assert digest(data_dir) == before


def test_a_corrupt_database_is_kept_and_the_advice_keeps_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "utkik.db").write_bytes(os.urandom(64 << 10))
    before = digest(data_dir)
    line = one_clear_line(utkik(data_dir, "users", "list"))
    assert DAMAGED in line, line
    assert "keep it" in line.lower(), line
    assert "copy" in line, line
    assert MOVE_AWAY not in line, line
    assert "delete" not in line, line
    assert digest(data_dir) == before


# -- 2. input that used to end in a traceback -----------------------------------------------------


def test_recordings_list_refuses_hours_that_are_not_a_number_of_hours(tmp_path: Path) -> None:
    data_dir = made_data_dir(tmp_path / "data")
    for hours in ("nan", "inf", "-inf", "1e308", "-5", "0", "many"):
        result = utkik(data_dir, "recordings", "list", "--hours", hours)
        assert result.returncode == 2, (hours, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        assert "--hours" in result.stderr, result.stderr
    assert utkik(data_dir, "recordings", "list", "--hours", "0.5").returncode == 0


def test_an_empty_data_dir_is_refused_not_taken_for_the_current_folder(tmp_path: Path) -> None:
    for option in ("--data-dir", "--key-dir", "--witness"):
        result = subprocess.run(
            [sys.executable, "-m", "ui", option, "", "users", "list"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(TOP)},
            check=False,
        )
        assert result.returncode == 2, (option, result.stderr)
        assert option in result.stderr, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        assert list(tmp_path.iterdir()) == [], option


@pytest.mark.parametrize("port", ["0", "70000", "-1", "http"])
def test_a_port_outside_1_to_65535_is_an_invalid_port(tmp_path: Path, port: str) -> None:
    data_dir = made_data_dir(tmp_path / "data")
    result = utkik(
        data_dir, "cameras", "add", "127.0.0.1", "--port", port, "--user", "u",
        "--password-stdin", stdin="secret\n",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "Nothing answers" not in result.stderr, result.stderr
    assert "port" in result.stderr, result.stderr
    result = utkik(data_dir, "discover", "--range", "127.0.0.1", "--port", port)
    assert result.returncode == 2, result.stderr
    assert "port" in result.stderr, result.stderr


def test_the_core_refuses_a_camera_on_an_invalid_port(tmp_path: Path) -> None:
    from console.app import Core
    from console.errors import InvalidInput
    from tests.conftest import FAST_HASHER, MemorySecretStore

    core = Core.open(tmp_path / "data", hasher=FAST_HASHER, secrets=MemorySecretStore())
    try:
        for port in (0, 70000):
            with pytest.raises(InvalidInput, match="port"):
                core.cameras.add(
                    CLI_ACTOR, camera_facts(port), core.sites.places()[0], "Cam", "u", "pw"
                )
        assert core.cameras.list(CLI_ACTOR) == []
    finally:
        core.close()


def camera_facts(port: int = 9) -> DeviceFacts:
    host = "127.0.0.1"
    return DeviceFacts(
        host=host,
        port=port,
        xaddr=f"http://{host}:{port}/onvif/device_service",
        manufacturer="Axis",
        model="P3245",
        main=StreamProfile("p0", f"rtsp://{host}/main", 1920, 1080),
    )


def dump(path: Path) -> list[str]:
    """The database's content as SQL: what a damaged-database error must leave as it was."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def with_a_camera(tmp_path: Path) -> Path:
    """A data dir with a user and a camera, made through the core."""
    from console.app import Core
    from tests.conftest import FAST_HASHER, MemorySecretStore

    data_dir = made_data_dir(tmp_path / "data")
    core = Core.open(data_dir, hasher=FAST_HASHER, secrets=MemorySecretStore())
    try:
        core.cameras.add(CLI_ACTOR, camera_facts(), core.sites.places()[0], "Torget", "u", "pw")
    finally:
        core.close()
    result = utkik(data_dir, "cameras", "list")
    assert result.returncode == 0, result.stderr
    return data_dir


DAMAGES = {
    "audit state row deleted": ("DELETE FROM audit_state", "users list", "access log"),
    "entries table dropped": ("DROP TABLE audit_entries", "users list", "audit_entries"),
    "facts not JSON": ("UPDATE cameras SET facts = 'not json'", "cameras list", "cameras"),
    "facts of another shape": ("UPDATE cameras SET facts = '[1]'", "recordings list", "cameras"),
    "camera created_at": ("UPDATE cameras SET created_at = 'soon'", "cameras list", "cameras"),
    "user created_at": ("UPDATE users SET created_at = 'yesterday'", "users list", "users"),
    "unknown role": ("UPDATE users SET role = 'superuser'", "users list", "users"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_record_is_named_and_nothing_changes(with_a_camera: Path, damage: str) -> None:
    sql, command, named = DAMAGES[damage]
    path = with_a_camera / "utkik.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")  # the role column has a CHECK
    conn.execute(sql)
    conn.commit()
    conn.close()
    before = dump(path)
    line = one_clear_line(utkik(with_a_camera, *command.split()))
    assert named in line, line
    assert DAMAGED in line, line
    assert MOVE_AWAY not in line, line
    assert dump(path) == before


# -- 3. what a hostile device says is shown, never obeyed ----------------------------------------

RAW = ("\x1b", "\x07", "\x9b", "\x85", "\x7f", "\u202e", "\u202d", "\u2066", "\u2069", "\u200f")


def assert_no_raw_controls(result: subprocess.CompletedProcess[str]) -> None:
    for stream in (result.stdout, result.stderr):
        for ch in RAW:
            assert ch not in stream, (repr(ch), stream)


@pytest.fixture
def hostile_camera() -> Iterator[OnvifDevice]:
    # The CLI opens a camera's own stream before saving it; this one has none to open.
    with hostile_device(93, stream_elsewhere=True) as device:
        yield device


def test_discover_shows_a_hostile_device_text_escaped(hostile_camera: OnvifDevice) -> None:
    config = hostile_camera.config
    for extra in ((), ("--json",)):
        result = run_utkik("discover", "--range", config.address, "--port", config.port, *extra)
        assert result.returncode == 0, result.stderr
        assert_no_raw_controls(result)
        assert "1 camera(s) found" in result.stderr or extra
        if extra:
            found = json.loads(result.stdout)
            # Escaped as JSON escapes: a program reading the line gets the device's own text.
            assert found["name"] == HOSTILE_NAME
        else:
            assert "Cam\\x1b]0;owned\\x07\\x1b[31m\\u202eTorget" in result.stdout


def test_cameras_commands_show_a_hostile_device_text_escaped(
    tmp_path: Path, hostile_camera: OnvifDevice
) -> None:
    config = hostile_camera.config
    data_dir = made_data_dir(tmp_path / "data")
    added = utkik(
        data_dir, "cameras", "add", config.address, "--port", config.port, "--user",
        config.user, "--password-stdin", stdin=config.password + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert_no_raw_controls(added)
    listed = utkik(data_dir, "cameras", "list")
    assert listed.returncode == 0, listed.stderr
    assert_no_raw_controls(listed)
    assert "Sim\\u2066Cam\\u2069\\x9b2J\\x7f\\u200f" in listed.stdout
    as_json = utkik(data_dir, "cameras", "list", "--json")
    assert_no_raw_controls(as_json)
    assert json.loads(as_json.stdout)["model"] == HOSTILE_MODEL
    camera_id = str(json.loads(as_json.stdout)["id"])
    for command in (("recordings", "list"), ("cameras", "test", camera_id)):
        result = utkik(data_dir, *command)
        assert "Traceback" not in result.stderr, result.stderr
        assert_no_raw_controls(result)
        assert "Sim\\u2066Cam" in result.stdout, result.stdout
