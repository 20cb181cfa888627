"""Bad input as an operator meets it, through the real `utkik` command: each gets one plain
message and a non-zero exit code, never a traceback, never advice that would lose records, and
nothing on disk changes."""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, TOP, run_utkik

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
