"""The command line, run as a user runs it: the `utkik` command in a subprocess."""

from __future__ import annotations

import json
import os
import pwd
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from console import __version__
from tests.conftest import PASSWORD, run_utkik

TOP = Path(__file__).resolve().parent.parent


def utkik(
    data_dir: Path, *args: str, stdin: str | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_utkik("--data-dir", data_dir, *args, stdin=stdin, extra_env=extra_env)


def listed(data_dir: Path) -> dict[str, dict[str, object]]:
    result = utkik(data_dir, "users", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {row["name"]: row for row in rows}


def test_version(data_dir: Path) -> None:
    result = utkik(data_dir, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"utkik {__version__}"


def test_users_lifecycle(data_dir: Path) -> None:
    added = utkik(
        data_dir,
        "users",
        "add",
        "anna",
        "--role",
        "administrator",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert "Added anna (administrator)" in added.stdout
    added = utkik(
        data_dir,
        "users",
        "add",
        "olle",
        "--role",
        "operator",
        "--areas",
        "skaggetorp, city",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    users = listed(data_dir)
    assert users["anna"]["role"] == "administrator"
    assert users["anna"]["areas"] == []
    assert users["olle"]["areas"] == ["City", "Skäggetorp"]
    added = utkik(
        data_dir,
        "users",
        "add",
        "sara",
        "--role",
        "operator",
        "--all-areas",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert listed(data_dir)["sara"]["areas"] == []

    changed = utkik(data_dir, "users", "set", "olle", "--role", "supervisor", "--areas", "2")
    assert changed.returncode == 0, changed.stderr
    assert listed(data_dir)["olle"]["role"] == "supervisor"
    assert listed(data_dir)["olle"]["areas"] == ["Berga"]
    # An empty list is a mistake, not "all areas": the limit stays.
    emptied = utkik(data_dir, "users", "set", "olle", "--areas", "")
    assert emptied.returncode == 1
    assert listed(data_dir)["olle"]["areas"] == ["Berga"]
    assert utkik(data_dir, "users", "set", "olle", "--all-areas").returncode == 0
    assert listed(data_dir)["olle"]["areas"] == []

    assert utkik(data_dir, "users", "disable", "olle").returncode == 0
    assert listed(data_dir)["olle"]["disabled"] is True
    assert utkik(data_dir, "users", "enable", "olle").returncode == 0
    assert listed(data_dir)["olle"]["disabled"] is False

    passwd = utkik(data_dir, "users", "passwd", "olle", "--password-stdin", stdin="Corr3ct-Horse!")
    assert passwd.returncode == 0, passwd.stderr

    plain = utkik(data_dir, "users", "list")
    assert "olle\tsupervisor\tall areas" in plain.stdout


def test_second_administrator_is_refused(data_dir: Path) -> None:
    for name in ("anna", "bert"):
        result = utkik(
            data_dir,
            "users",
            "add",
            name,
            "--role",
            "administrator",
            "--password-stdin",
            stdin=PASSWORD,
        )
    assert result.returncode == 1
    assert "appointed by an administrator in the console" in result.stderr
    assert set(listed(data_dir)) == {"anna"}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "x", "--role", "boss", "--password-stdin"], PASSWORD, "no role “boss”"),
        (
            [
                "users",
                "add",
                "x",
                "--role",
                "operator",
                "--areas",
                "Norrköping",
                "--password-stdin",
            ],
            PASSWORD,
            "no area called “Norrköping”",
        ),
        (["users", "add", "x", "--role", "operator", "--password-stdin"], "short", "at least 10"),
        (
            ["users", "add", "x", "--role", "operator", "--password-stdin"],
            "0123456789",
            "too easy to guess: it is a run such as abc or 1234",
        ),
        (["users", "add", "x", "--role", "operator"], "", "use --password-stdin"),
        (["users", "disable", "nobody"], None, "no user called “nobody”"),
        (
            ["users", "add", "x", "--role", "operator", "--areas", "", "--password-stdin"],
            PASSWORD,
            "--areas names no area",
        ),
        (["users", "set", "nobody", "--areas", " "], None, "--areas names no area"),
        (["users", "set", "nobody"], None, "Nothing to change"),
    ],
)
def test_errors_are_one_clear_line(
    data_dir: Path, args: list[str], stdin: str | None, message: str
) -> None:
    result = utkik(data_dir, *args, stdin=stdin)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_password_is_never_an_argument(data_dir: Path) -> None:
    result = utkik(data_dir, "users", "add", "x", "--role", "operator", "--password", PASSWORD)
    assert result.returncode == 2


def test_corrupt_database_is_reported_and_kept(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    db = data_dir / "utkik.db"
    db.write_bytes(b"not sqlite at all" * 100)
    result = utkik(data_dir, "users", "list")
    assert result.returncode == 1
    assert "is damaged or is not a Utkik database" in result.stderr
    assert db.read_bytes() == b"not sqlite at all" * 100


def test_cli_never_loads_qt(data_dir: Path, tmp_path: Path) -> None:
    """With PySide6 unimportable the CLI still works: ui/cli.py is the headless root."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        (TOP / "tests" / "qt_blocker.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    env = {"PYTHONPATH": os.pathsep.join([str(blocker), str(TOP)])}
    result = utkik(
        data_dir,
        "users",
        "add",
        "anna",
        "--role",
        "administrator",
        "--password-stdin",
        stdin=PASSWORD,
        extra_env=env,
    )
    assert result.returncode == 0, result.stderr
    gui = utkik(data_dir, extra_env=env)
    # The blocker really is active: starting the GUI fails on the import of PySide6.
    assert gui.returncode != 0
    assert "PySide6 is blocked" in gui.stderr


def test_settings(data_dir: Path) -> None:
    shown = utkik(data_dir, "settings", "list")
    assert shown.returncode == 0, shown.stderr
    assert "security.lockout_max_failures\t5\t(default 5)" in shown.stdout
    changed = utkik(data_dir, "settings", "set", "ui.idle_lock_minutes", "3")
    assert changed.returncode == 0, changed.stderr
    assert "ui.idle_lock_minutes\t3\t(default 10)" in changed.stdout
    refused = utkik(data_dir, "settings", "set", "security.lockout_minutes", "0")
    assert refused.returncode == 1
    assert "must lie between 1 and 1440" in refused.stderr


def test_console_without_a_display_says_so(data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "ui", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=TOP,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "there is no display" in result.stderr
    assert "xvfb-run" in result.stderr


def test_the_acting_account_is_the_process_owner_not_the_environment(data_dir: Path) -> None:
    """`USER=alice utkik ...` run by root is logged as root: the environment is the caller's to
    choose, the effective uid is not."""
    env = {"USER": "alice", "LOGNAME": "alice", "LNAME": "alice", "USERNAME": "alice"}
    changed = utkik(data_dir, "settings", "set", "ui.idle_lock_minutes", "3", extra_env=env)
    assert changed.returncode == 0, changed.stderr
    owner = pwd.getpwuid(os.geteuid()).pw_name
    assert owner != "alice"
    conn = sqlite3.connect(data_dir / "utkik.db")
    try:
        actors = [
            row[0]
            for row in conn.execute(
                "SELECT actor FROM audit_entries WHERE action = 'setting.changed'"
            )
        ]
    finally:
        conn.close()
    assert actors == [f"os:{owner}"]


def test_a_data_dir_open_to_other_accounts_is_warned_about(data_dir: Path) -> None:
    first = utkik(data_dir, "users", "list")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "utkik.db").stat().st_mode) == 0o600
    data_dir.chmod(0o755)
    (data_dir / "utkik.db").chmod(0o644)
    warned = utkik(data_dir, "users", "list")
    assert warned.returncode == 0, warned.stderr
    assert "can be read or changed by other accounts" in warned.stderr
    assert f"chmod 700 {data_dir}" in warned.stderr
    assert f"chmod 600 {data_dir / 'utkik.db'}" in warned.stderr
