"""The PyInstaller one-folder bundle (installer/utkik.spec): built once, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console import __version__

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "utkik.spec"
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 120
PASSWORD = "correct horse battery"

# The build alone may take minutes: more than the suite's default per-test timeout.
pytestmark = [pytest.mark.frozen, pytest.mark.timeout(BUILD_TIMEOUT + 300)]


def tail(text: str | bytes | None, lines: int = 40) -> str:
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return "\n".join((text or "").splitlines()[-lines:])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle folder `utkik`, built into a temporary dist dir."""
    tmp = tmp_path_factory.mktemp("frozen")
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--distpath",
        str(tmp / "dist"),
        "--workpath",
        str(tmp / "build"),
        str(SPEC.relative_to(ROOT)),
    ]
    try:
        result = subprocess.run(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"the PyInstaller build took over {BUILD_TIMEOUT} s:\n{tail(err.output)}")
    assert result.returncode == 0, f"the PyInstaller build failed:\n{tail(result.stdout)}"
    folder = tmp / "dist" / "utkik"
    assert (folder / "utkik").is_file(), f"no executable utkik in {folder}:\n{tail(result.stdout)}"
    return folder


def run(
    bundle: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bundle / "utkik"), *args],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{tail(result.stderr)}"


def test_version(bundle: Path) -> None:
    result = run(bundle, "--version")
    assert result.returncode == 0, explain(result)
    assert result.stdout == f"utkik {__version__}\n", explain(result)


def test_self_check(bundle: Path) -> None:
    result = run(bundle, "--self-check", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, explain(result)
    assert "self-check: ok" in result.stdout, explain(result)
    assert "Logga in" in result.stdout, explain(result)  # Utkik's Swedish translation loaded
    assert "libvlc:" in result.stdout, explain(result)


def test_cli_adds_and_lists_a_user(bundle: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    added = run(
        bundle,
        "--data-dir",
        str(data),
        *("users", "add", "anna", "--role", "administrator", "--password-stdin"),
        stdin=f"{PASSWORD}\n",
    )
    assert added.returncode == 0, explain(added)

    listed = run(bundle, "--data-dir", str(data), "users", "list", "--json")
    assert listed.returncode == 0, explain(listed)
    lines = listed.stdout.splitlines()
    assert len(lines) == 1, explain(listed)
    user = json.loads(lines[0])
    assert user["name"] == "anna"
    assert user["role"] == "administrator"


def test_bundle_holds_the_translations_but_not_libvlc(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "resources" / "i18n" / "utkik_sv.qm").is_file()
    assert (internal / "PySide6" / "Qt" / "translations" / "qtbase_sv.qm").is_file()
    # python-vlc loads the system's libvlc; a bundled copy would not find its plugins.
    assert not [p.name for p in bundle.rglob("libvlc*.so*")]
