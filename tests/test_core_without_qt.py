"""The core's tests pass with PySide6 made unimportable: the core needs no Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent


def test_core_suite_passes_without_qt(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        (TOP / "tests" / "qt_blocker.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(TOP)])}
    probe = subprocess.run(
        [sys.executable, "-c", "import PySide6"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode != 0
    assert "blocked" in probe.stderr
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:pytest-qt",
            "-p",
            "no:cacheprovider",
            "tests/core",
        ],
        cwd=TOP,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
