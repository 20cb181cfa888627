"""End to end: the real console as a subprocess in a real X server (Xvfb), checked on screenshots.

The module starts its own Xvfb (`-displayfd`, so it takes a free display number), finds windows by
title with `xwininfo`, takes screenshots with ImageMagick's `import`, reads them with QImage and
types with `xdotool`. There is no window manager: windows sit where Qt puts them, without frames,
and `xdotool windowactivate` does not work (no _NET_ACTIVE_WINDOW), so input focus is set with
`xdotool windowfocus`.

Set UTKIK_SCREENSHOT_DIR to keep the screenshot of the administrator's main window (as
`screenshot.png`), e.g. `UTKIK_SCREENSHOT_DIR=/tmp/shots pytest tests/test_xvfb.py`.
docs/screenshot.png is the demo's grid instead (grid-2.png of the demo test).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.xvfb_support import start_xvfb, stop

pytestmark = pytest.mark.xvfb

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"

TITLE_FIRST_ADMIN = "Utkik – create the first administrator"
TITLE_LOGIN = "Utkik – log in"
TITLE_MAIN = "Utkik – anna"

#: Seconds a window may take to appear.
WINDOW_TIMEOUT = 20.0
#: Luminance (0-255) standard deviation below which a picture counts as uniform (nothing drawn).
MIN_STDDEV = 4.0
#: Mean luminance (0-255) above which a window does not count as dark. The dark theme's window
#: colour #1e2126 is about 32, a white window about 240.
MAX_DARK_MEAN = 90.0
#: Luminance from which a pixel counts as text on the dark theme: its backgrounds are ~23-32, its
#: enabled text ~230 and disabled text ~110.
TEXT_LUMA = 80
#: Text pixels the sites tree must hold: the 6 areas and their places give ~3100 (~2000 when they
#: are disabled); an empty tree none.
MIN_TREE_TEXT_PIXELS = 800


# -- the X server ----------------------------------------------------------------------------


@dataclass(frozen=True)
class XServer:
    display: str
    #: the environment for X clients (xwininfo, import, xdotool): the display and a UTF-8 locale,
    #: without which xwininfo cannot print the titles' en dash.
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 10.0) -> str:
        done = subprocess.run(
            args,
            env=self.env,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}): {done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def xserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XServer]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("the Xvfb binary is not installed (Debian: apt-get install xvfb)")
    for tool, package in (("xwininfo", "x11-utils"), ("import", "imagemagick")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: apt-get install {package})")
    try:
        process, env = start_xvfb(tmp_path_factory.mktemp("xvfb") / "xvfb.log", (1280, 800))
    except RuntimeError as err:
        pytest.fail(str(err))
    try:
        yield XServer(env["DISPLAY"], env)
    finally:
        stop(process)  # by its PID, which the Popen holds


# -- windows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    id: str
    title: str


@dataclass(frozen=True)
class Geometry:
    x: int
    y: int
    width: int
    height: int
    viewable: bool


_TREE_LINE = re.compile(r'^\s*(0x[0-9a-fA-F]+) "(.*)": \(', re.MULTILINE)


def windows(x: XServer) -> list[Window]:
    """Every named window on the display, from `xwininfo -root -tree`."""
    return [Window(m[1], m[2]) for m in _TREE_LINE.finditer(x.run("xwininfo", "-root", "-tree"))]


def geometry(x: XServer, window: Window) -> Geometry:
    info = x.run("xwininfo", "-id", window.id)

    def field(name: str) -> str:
        match = re.search(rf"^\s*{re.escape(name)}:\s*(.+)$", info, re.MULTILINE)
        assert match, f"no {name!r} in xwininfo -id {window.id}:\n{info}"
        return match[1].strip()

    return Geometry(
        int(field("Absolute upper-left X")),
        int(field("Absolute upper-left Y")),
        int(field("Width")),
        int(field("Height")),
        field("Map State") == "IsViewable",
    )


# -- the console -----------------------------------------------------------------------------


@dataclass
class Console:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def check_alive(self) -> None:
        code = self.process.poll()
        assert code is None, f"the console exited with code {code}:\n{self.log()}"


def seed_administrator(data_dir: Path) -> None:
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    command = [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "users", "add", "anna"]
    done = subprocess.run(
        [*command, "--role", "administrator", "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"users add failed: {done.stdout}{done.stderr}"
    assert "Added anna (administrator)." in done.stdout


@pytest.fixture
def start_console(xserver: XServer, tmp_path: Path) -> Iterator[Callable[[Path], Console]]:
    started: list[Console] = []

    def start(data_dir: Path) -> Console:
        log_path = tmp_path / f"console-{len(started)}.log"
        env = dict(os.environ, DISPLAY=xserver.display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        # No session bus to start for the display (tests/xvfb_support.py, start_xvfb).
        env.setdefault("DBUS_SESSION_BUS_ADDRESS", "disabled:")
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "--lang", "en"],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        console = Console(process, log_path)
        started.append(console)
        return console

    yield start
    for console in started:
        stop(console.process)
    # The X server drops a dead client's windows; wait for that so that the next test cannot find
    # this one's windows.
    deadline = time.monotonic() + 5.0
    while any(w.title.startswith("Utkik") for w in windows(xserver)):
        if time.monotonic() > deadline:
            pytest.fail(f"windows of a stopped console remain: {windows(xserver)}")
        time.sleep(0.05)


def wait_for_window(x: XServer, console: Console, title: str) -> tuple[Window, Geometry]:
    """Poll until a viewable window with exactly `title` exists; fail after WINDOW_TIMEOUT."""
    deadline = time.monotonic() + WINDOW_TIMEOUT
    while True:
        console.check_alive()
        for window in windows(x):
            if window.title == title:
                where = geometry(x, window)
                if where.viewable:
                    return window, where
        if time.monotonic() > deadline:
            titles = [w.title for w in windows(x)]
            pytest.fail(
                f"no window {title!r} within {WINDOW_TIMEOUT} s; windows: {titles}\n"
                f"console output:\n{console.log()}"
            )
        time.sleep(0.1)


def wait_until_gone(x: XServer, title: str, timeout: float = 5.0) -> None:
    """Poll until no window has `title` (a hidden window lingers until Qt deletes it)."""
    deadline = time.monotonic() + timeout
    while title in (titles := [w.title for w in windows(x)]):
        if time.monotonic() > deadline:
            pytest.fail(f"the window {title!r} is still there after {timeout} s: {titles}")
        time.sleep(0.05)


# -- screenshots -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Luma:
    """Luminance statistics (0-255) of a picture or part of one."""

    mean: float
    stddev: float
    #: how many pixels are at least TEXT_LUMA
    text_pixels: int


def luma(path: Path, area: tuple[int, int, int, int] | None = None) -> Luma:
    """Statistics of the PNG at `path`, or of its `area` (x, y, width, height) clipped to it."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"cannot read the screenshot {path}"
    if area is not None:
        clip = QRect(*area).intersected(image.rect())
        assert not clip.isEmpty(), f"{area} lies outside the {image.width()}x{image.height()} shot"
        image = image.copy(clip)
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, stride = gray.width(), gray.bytesPerLine()
    raw = bytes(gray.constBits())
    pixels = b"".join(raw[y * stride : y * stride + width] for y in range(gray.height()))
    histogram = Counter(pixels)
    count = len(pixels)
    mean = sum(value * n for value, n in histogram.items()) / count
    variance = sum(n * (value - mean) ** 2 for value, n in histogram.items()) / count
    text = sum(n for value, n in histogram.items() if value >= TEXT_LUMA)
    return Luma(mean, math.sqrt(variance), text)


def _crop_bytes(path: Path, area: tuple[int, int, int, int]) -> bytes:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QImage

    image = QImage(str(path)).copy(QRect(*area))
    return bytes(image.convertToFormat(QImage.Format.Format_RGB888).constBits())


def screenshot(x: XServer, path: Path, window: str = "root") -> Path:
    x.run("import", "-window", window, str(path))
    return path


def shoot_until(
    x: XServer, path: Path, ready: Callable[[Path], bool], window: str = "root", timeout: float = 10
) -> Path:
    """Take screenshots until `ready` says the picture is complete (painting is asynchronous), or
    until `timeout`; returns the last one either way: the caller asserts on it."""
    deadline = time.monotonic() + timeout
    while True:
        screenshot(x, path, window)
        if ready(path) or time.monotonic() > deadline:
            return path
        time.sleep(0.2)


def area_of(where: Geometry) -> tuple[int, int, int, int]:
    return (where.x, where.y, where.width, where.height)


def check_dark_dialog(x: XServer, where: Geometry, path: Path) -> None:
    """The screen is not uniform, and the dialog's rectangle is painted, with detail, and dark."""
    shoot_until(x, path, lambda p: luma(p, area_of(where)).stddev > MIN_STDDEV)
    screen = luma(path)
    assert screen.stddev > MIN_STDDEV, f"the screen is uniform: {screen} ({path})"
    dialog = luma(path, area_of(where))
    assert dialog.stddev > MIN_STDDEV, f"nothing drawn in the dialog: {dialog} ({path})"
    assert dialog.mean < MAX_DARK_MEAN, f"the dialog is not dark: {dialog} ({path})"
    # Painted at all (the X server's root and an unpainted window are black).
    assert dialog.mean > 5, f"the dialog is black: {dialog} ({path})"


# -- the scenarios ---------------------------------------------------------------------------


def test_first_run_shows_the_first_administrator_dialog(
    xserver: XServer, start_console: Callable[[Path], Console], tmp_path: Path
) -> None:
    console = start_console(tmp_path / "data")

    _, where = wait_for_window(xserver, console, TITLE_FIRST_ADMIN)

    check_dark_dialog(xserver, where, tmp_path / "first-admin.png")
    assert where.width >= 460, f"narrower than its minimum width: {where}"
    console.check_alive()
    assert "Traceback" not in console.log()


def test_with_an_administrator_the_console_shows_the_login(
    xserver: XServer, start_console: Callable[[Path], Console], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    seed_administrator(data_dir)
    console = start_console(data_dir)

    _, where = wait_for_window(xserver, console, TITLE_LOGIN)

    check_dark_dialog(xserver, where, tmp_path / "login.png")
    assert TITLE_FIRST_ADMIN not in [w.title for w in windows(xserver)]
    console.check_alive()
    assert "Traceback" not in console.log()


def test_logging_in_with_the_keyboard_shows_the_main_window(
    xserver: XServer, start_console: Callable[[Path], Console], tmp_path: Path
) -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (Debian: apt-get install xdotool)")
    data_dir = tmp_path / "data"
    seed_administrator(data_dir)
    console = start_console(data_dir)
    login, where = wait_for_window(xserver, console, TITLE_LOGIN)
    # Painted means shown and ready for input.
    check_dark_dialog(xserver, where, tmp_path / "login.png")

    # No window manager, so no windowactivate: give the window the input focus directly. The user
    # name field has Qt's focus at start; Tab moves to the password.
    xserver.run("xdotool", "windowfocus", "--sync", login.id)
    xserver.run("xdotool", "type", "--delay", "20", "anna")
    xserver.run("xdotool", "key", "Tab")
    xserver.run("xdotool", "type", "--delay", "20", PASSWORD)
    xserver.run("xdotool", "key", "Return")

    main, where = wait_for_window(xserver, console, TITLE_MAIN)
    wait_until_gone(xserver, TITLE_LOGIN)

    # The sites tree on the left fills in once the areas are loaded (asynchronously): its part of
    # the window (left 15 %, below the menu bar and the dock's title, down to the middle) holds
    # the text of the 6 areas and their places.
    tree_area = (0, round(where.height * 0.05), round(where.width * 0.15), where.height // 2)

    def tree_drawn(shot: Path) -> bool:
        return luma(shot, tree_area).text_pixels >= MIN_TREE_TEXT_PIXELS

    shot = shoot_until(xserver, tmp_path / "main-window.png", tree_drawn, window=main.id)
    whole = luma(shot)
    assert whole.stddev > MIN_STDDEV, f"the main window is uniform: {whole} ({shot})"
    assert whole.mean < MAX_DARK_MEAN, f"the main window is not dark: {whole} ({shot})"
    tree = luma(shot, tree_area)
    assert tree.text_pixels >= MIN_TREE_TEXT_PIXELS, f"no sites in the tree: {tree} ({shot})"
    console.check_alive()
    assert "Traceback" not in console.log()

    keep = os.environ.get("UTKIK_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / "screenshot.png")


def test_the_demo_opens_the_console_on_the_simulated_site(xserver: XServer, tmp_path: Path) -> None:
    """README command 1's end: `utkik demo` in a display, on a machine without a keyring; the
    supervisor logs in with the printed password and sees the cameras in the tree."""
    if shutil.which("xdotool") is None or shutil.which("dbus-daemon") is None:
        pytest.skip("xdotool or dbus is not installed")
    import random

    env = dict(os.environ, DISPLAY=xserver.display, QT_QPA_PLATFORM="xcb", PYTHONUNBUFFERED="1")
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("PYTHON_KEYRING_BACKEND", None)  # as on a fresh machine: none
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    log_path = tmp_path / "demo.log"
    block = random.randint(10, 250)
    command = [sys.executable, "-m", "ui", "--lang", "en", "demo", "--cameras", "3"]
    command += ["--first-address", f"127.99.{block}.2"]
    command += ["--onvif-port", str(random.randint(20000, 29999))]
    command += ["--rtsp-port", str(random.randint(30000, 39999))]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    console = Console(process, log_path)
    try:
        login, where = wait_for_window(xserver, console, TITLE_LOGIN)
        check_dark_dialog(xserver, where, tmp_path / "login.png")
        found = re.search(r"user: arbetsledare\s+password: (\S+)", console.log())
        assert found, console.log()
        xserver.run("xdotool", "windowfocus", "--sync", login.id)
        xserver.run("xdotool", "type", "--delay", "20", "arbetsledare")
        xserver.run("xdotool", "key", "Tab")
        xserver.run("xdotool", "type", "--delay", "20", found.group(1))
        xserver.run("xdotool", "key", "Return")
        main, where = wait_for_window(xserver, console, "Utkik – arbetsledare")
        tree_area = (0, round(where.height * 0.05), round(where.width * 0.15), where.height // 2)

        def tree_drawn(shot: Path) -> bool:
            return luma(shot, tree_area).text_pixels >= MIN_TREE_TEXT_PIXELS

        shot = shoot_until(xserver, tmp_path / "demo.png", tree_drawn, window=main.id)
        assert luma(shot, tree_area).text_pixels >= MIN_TREE_TEXT_PIXELS, shot
        # The grid opens on the demo's overview layout with moving video: the middle of the
        # window (the grid) is not uniform, and two pictures half a second apart differ.
        grid_area = (
            round(where.width * 0.35),
            round(where.height * 0.15),
            round(where.width * 0.45),
            round(where.height * 0.6),
        )

        def video_shown(path: Path) -> bool:
            return luma(path, grid_area).stddev > 30

        first = shoot_until(
            xserver, tmp_path / "grid-1.png", video_shown, window=main.id, timeout=20
        )
        assert video_shown(first), f"no video in the grid ({first})"
        time.sleep(0.5)
        second = screenshot(xserver, tmp_path / "grid-2.png", main.id)
        assert _crop_bytes(first, grid_area) != _crop_bytes(second, grid_area), (
            "the video stands still"
        )
    finally:
        process.terminate()  # SIGTERM: the console quits and the site stops
        code = process.wait(60)
    assert code == 0, console.log()
    assert "The simulated site is stopped." in console.log()
    assert "Traceback" not in console.log()
