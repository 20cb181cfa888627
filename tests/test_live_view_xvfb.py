"""Live view end to end: the real console (media hub, PyAV ingest, libvlc) on the simulated site in
a real X server, checked on screenshots and on the simulator's own RTSP session counts.

Issue 6, "Done means": a 2×2 and a 4×4 grid show moving video; two tiles on one camera use one
RTSP session; a stalled stream shows STALE within 3 s and its video returns when it restarts (and
a camera that drops off the network says so and comes back); maximizing (sub stream to main
stream) and restoring never show a black frame; a user limited to one area sees "no permission"
for a camera elsewhere, and no stream of it is opened. Besides: every look is in the access log,
streams close after their last viewer, and the console quits cleanly.

Who does what:

- The test process runs Xvfb (`-displayfd`), the simulated site (16 cameras, 640×360 main and
  320×180 sub streams; faults and session counts come from it) and reads the screen with
  ImageMagick's `import -window root … rgb:-`.
- A child process (this file run as a script, Qt on xcb: the rest of the suite uses the offscreen
  platform in-process) opens a Core on a temporary data dir, onboards the site's cameras over
  ONVIF, makes the users, and runs the real Console with the real video backend
  (`ui.wiring.video.media_backend`). It takes one JSON command a line on stdin (log in, layout,
  assign, maximize, …) and answers each with one line: the tiles' states and where they are on the
  screen, the hub's open streams, the access log.

The simulated clips carry pixel codes (devices/simulator/clips.py): a screenshot of a tile tells
which camera it shows (CAMERA_ROW) and which frame (FRAME_ROW). A tile is live when its frame
number moves between two screenshots.

Set UTKIK_LIVE_SHOTS to a folder to keep the screenshots of failed checks there (else they go to
the module's temporary folder, named in the failure).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.register_fixture import registered
from tests.sites import loopback_addresses, require_simulated_video, simulated_site
from tests.xvfb_support import (
    CommandChild,
    replier,
    screen_rect,
    serve_commands,
    start_xvfb,
    stop,
)

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script (the child)
    sys.path.insert(0, str(REPO))

from devices.simulator.clips import (  # noqa: E402
    CAMERA_ROW,
    FRAME_ROW,
    camera_code,
    decode_pixel_code,
)

pytestmark = pytest.mark.xvfb

PASSWORD = "correct horse battery"
ADMINISTRATOR, SUPERVISOR, OPERATOR = "anna", "sara", "olle"
#: The operator sees this area only.
OPERATOR_AREA = "City"
#: The operator's layout, saved when he still saw every area: a camera of his area, one outside
#: it, another of his area, and an empty tile.
OLD_LAYOUT = "Förr"

CAMERAS = 16
MAIN_SIZE = (640, 360)
SUB_SIZE = (320, 180)
SCREEN = (1280, 800)
#: Both the clips and the tiles' pictures are 16:9; libvlc centres the picture in its window.
ASPECT = (16, 9)

#: Luminance standard deviation (0-255) under which a picture counts as uniform (black, or one
#: colour): the simulated clips (ffmpeg's testsrc2) are about 60, a black tile 0.
MIN_STDDEV = 12.0
#: Luminance from which a pixel counts as text on the tile's dark message.
TEXT_LUMA = 80
#: Between the two screenshots that must differ.
SHOT_GAP_S = 0.5
#: The issue's bound: a stopped stream is marked STALE within this.
STALE_WITHIN_S = 3.0
#: The caption strip of a STALE tile (ui/tile_state.py, STRIP).
AMBER = (0xD0, 0x8A, 0x1E)
#: A stream with no viewer is closed after the hub's grace period (5 s); then its reader ends
#: its RTSP session (a blocked read returns within 1 s).
SESSIONS_CLOSE_S = 12.0
#: How long all tiles of a layout may take to be live (16 cold streams open in parallel).
LIVE_TIMEOUT_S = 20.0

_REPLY = "UTKIK-LIVE "


# -- the X server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    """A screenshot (or part of one) as packed RGB rows, and where it was taken."""

    x: int
    y: int
    width: int
    height: int
    data: bytes

    def rows(self, rect: Sequence[int]) -> list[bytes]:
        """Rows of packed RGB of `rect` (x, y, width, height in screen coordinates)."""
        x, y, w, h = (int(v) for v in rect)
        left, top = x - self.x, y - self.y
        inside = left >= 0 and top >= 0 and left + w <= self.width and top + h <= self.height
        assert inside, f"{rect} is outside the shot {self}"
        stride = 3 * self.width
        return [
            self.data[(top + row) * stride + 3 * left : (top + row) * stride + 3 * (left + w)]
            for row in range(h)
        ]

    def __repr__(self) -> str:
        return f"<Shot {self.width}x{self.height}+{self.x}+{self.y}>"


@dataclass(frozen=True)
class Display:
    name: str
    env: dict[str, str]
    #: where screenshots of failed checks are kept
    shots_dir: Path

    def shot(self, rect: Sequence[int] | None = None) -> Shot:
        """The screen (or `rect` of it) now: one `import`, ~50-70 ms."""
        x, y, w, h = (0, 0, *SCREEN) if rect is None else (int(v) for v in rect)
        command = ["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", "-depth", "8"]
        done = subprocess.run(
            [*command, "rgb:-"], env=self.env, capture_output=True, timeout=20, check=False
        )
        assert done.returncode == 0, f"import failed: {done.stderr.decode(errors='replace')}"
        assert len(done.stdout) == 3 * w * h, f"import gave {len(done.stdout)} bytes for {w}x{h}"
        return Shot(x, y, w, h, done.stdout)

    def keep(self, rows: list[bytes], name: str) -> Path:
        """Save rows of RGB as a PNG for the failure message."""
        from PySide6.QtGui import QImage

        path = self.shots_dir / f"{name}.png"
        width, height = len(rows[0]) // 3, len(rows)
        image = QImage(b"".join(rows), width, height, 3 * width, QImage.Format.Format_RGB888)
        image.copy().save(str(path))
        return path


@pytest.fixture(scope="module")
def display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Display]:

    pytest.importorskip("vlc")
    pytest.importorskip("PySide6")
    for tool, package in (("Xvfb", "xvfb"), ("import", "imagemagick"), ("ffmpeg", "ffmpeg")):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (Debian: apt-get install {package})")
    try:
        xvfb, env = start_xvfb(tmp_path_factory.mktemp("xvfb") / "xvfb.log", SCREEN)
    except RuntimeError as err:
        pytest.fail(str(err))
    kept = os.environ.get("UTKIK_LIVE_SHOTS")
    shots_dir = Path(kept) if kept else tmp_path_factory.mktemp("shots")
    shots_dir.mkdir(parents=True, exist_ok=True)
    try:
        yield Display(env["DISPLAY"], env, shots_dir)
    finally:
        stop(xvfb)


# -- the simulated site ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_simulated_video()
    addresses = loopback_addresses(48, range(2, 2 + CAMERAS))
    with simulated_site(
        tmp_path_factory, addresses, main_size=MAIN_SIZE, sub_size=SUB_SIZE
    ) as simulated:
        yield simulated


def mount(name: str, profile: str) -> str:
    from devices.simulator.onvif import slugify

    return f"/{slugify(name)}/{profile}"


def sessions(site: Any, name: str, profile: str = "sub") -> int:
    """RTSP sessions open on one of the camera's streams, as the simulator counts them."""
    return int(site.stream_server(name).sessions(mount(name, profile)))


def wait_for_sessions(
    site: Any, names: Sequence[str], expected: int, timeout: float, profiles: Sequence[str]
) -> dict[str, int]:
    """Poll until every stream of `names` has `expected` sessions; returns the last counts."""
    deadline = time.monotonic() + timeout
    while True:
        counts = {mount(n, p): sessions(site, n, p) for n in names for p in profiles}
        if all(c == expected for c in counts.values()) or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


# -- the console (the child process) -------------------------------------------------------------


@dataclass
class LiveConsole(CommandChild):
    """The child: commands in, one JSON reply a command out."""

    prefix: str = _REPLY
    what: str = "the console"
    #: camera name → {"id", "area"}
    cameras: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: user → the cameras given to that user's tiles so far
    assigned: dict[str, set[str]] = field(default_factory=dict)

    def state(self) -> dict[str, Any]:
        return self.ask("state")

    def brief(self, state: dict[str, Any]) -> str:
        return _brief(state)

    def login(self, user: str) -> dict[str, Any]:
        """Log `user` in through the login dialog (switching user if someone else is in)."""
        state = self.state()
        if state["user"] == user and state["grid"]:
            return state
        if state["user"] is not None:
            self.ask("logout")
        self.wait("the login dialog", lambda s: s["login_dialog"], 30)
        self.ask("login", user=user, password=PASSWORD)
        return self.wait(
            f"{user}'s main window with the cameras in the tree",
            lambda s: s["user"] == user and s["grid"] and s["tree_cameras"] > 0,
            30,
        )

    def show(self, layout: str, names: Sequence[str | None]) -> dict[str, Any]:
        """Show `layout` with `names` in its tiles (None: empty) and wait until every camera
        tile is live."""
        self.ask("layout", kind=layout)
        self.ask("assign", tiles=list(names))
        user = self.state()["user"]
        self.assigned.setdefault(user, set()).update(n for n in names if n is not None)

        def all_live(state: dict[str, Any]) -> bool:
            tiles = state["tiles"]
            return len(tiles) == len(names) and all(
                t["state"] == "live" and t["camera"] == n
                for t, n in zip(tiles, names, strict=True)
                if n is not None
            )

        return self.wait(f"{layout} with {names} all live", all_live, LIVE_TIMEOUT_S)

    def check_quiet(self) -> None:
        """No error reached the operator: no message box, no error on the message bus."""
        state = self.state()
        assert state["dialogs"] == [], state["dialogs"]
        errors = [m for m in state["messages"] if m[0] in ("error", "internal")]
        assert errors == [], errors


def _brief(state: dict[str, Any]) -> str:
    tiles = "\n".join(
        f"  {i}: {t['camera']} {t['state']} {t['status']!r} {t['screen']} visible={t['visible']}"
        f" keyframes={t['keyframes_badge']}"
        for i, t in enumerate(state.get("tiles", []))
    )
    rest = {k: v for k, v in state.items() if k != "tiles"}
    return f"{rest}\n{tiles}"


@pytest.fixture(scope="module")
def console(
    display: Display, site: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveConsole]:

    work = tmp_path_factory.mktemp("console")
    home = work / "home"
    config = {
        "data_dir": str(work / "data"),
        "password": PASSWORD,
        "onvif_port": site.options.onvif_port,
        "endpoints": [
            {"name": e.name, "address": e.address, "user": e.user, "password": e.password}
            for e in site.endpoints()
        ],
    }
    config_path = work / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    # The module's fixtures start before the autouse one that isolates each test's environment
    # (tests/conftest.py): the child gets an isolated environment of its own.
    env = dict(
        display.env,
        QT_QPA_PLATFORM="xcb",
        PYTHONUNBUFFERED="1",
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        # A throw-away keyring of the test's own (devices/secrets.py refuses it otherwise).
        UTKIK_ALLOW_PLAINTEXT_KEYRING="1",
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    log_path = work / "console.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.test_live_view_xvfb", str(config_path)],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
        )
    child = LiveConsole(process, log_path)
    child.start_reading()
    try:
        ready = child.next(timeout=90)
        assert ready.get("event") == "ready", ready
        child.cameras = ready["cameras"]
        yield child
    finally:
        if process.poll() is None and process.stdin is not None:
            try:
                process.stdin.close()  # the child quits when its stdin ends
                process.wait(20)
            except (OSError, subprocess.TimeoutExpired):
                pass
        stop(process)


# -- reading the pictures ------------------------------------------------------------------------


def video_rect(screen: Sequence[int]) -> tuple[int, int, int, int]:
    """Where libvlc draws a 16:9 picture in a tile's video area: as large as fits, centred."""
    x, y, w, h = screen
    aw, ah = ASPECT
    if w * ah > h * aw:
        vw, vh = h * aw // ah, h
    else:
        vw, vh = w, w * ah // aw
    return x + (w - vw) // 2, y + (h - vh) // 2, vw, vh


@dataclass(frozen=True)
class Picture:
    camera: int | None
    frame: int | None
    stddev: float
    rows: list[bytes] = field(repr=False)


def luma_stddev(rows: list[bytes], step: int = 4) -> float:
    values = [
        (2 * r[i] + 5 * r[i + 1] + r[i + 2]) / 8
        for r in rows[::step]
        for i in range(0, len(r) - 2, 3 * step)
    ]
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5


def black_share(rows: list[bytes], step: int = 4) -> float:
    """The share of (sampled) pixels that are black."""
    values = [
        max(r[i], r[i + 1], r[i + 2]) < 16
        for r in rows[::step]
        for i in range(0, len(r) - 2, 3 * step)
    ]
    return sum(values) / len(values)


def picture(shot: Shot, tile: dict[str, Any]) -> Picture:
    rows = shot.rows(video_rect(tile["screen"]))
    return Picture(
        decode_pixel_code(rows, CAMERA_ROW),
        decode_pixel_code(rows, FRAME_ROW),
        luma_stddev(rows),
        rows,
    )


def check_moving(
    console: LiveConsole, display: Display, indices: Sequence[int], label: str, timeout: float = 8
) -> dict[int, tuple[Picture, Picture]]:
    """Every tile of `indices` shows its camera (its pixel code), not uniform, and moving: two
    screenshots SHOT_GAP_S apart differ and their frame numbers differ. Painting is asynchronous
    (libvlc shows a picture 0.3 s after it is fed): tried again until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        state = console.state()
        first = display.shot()
        time.sleep(SHOT_GAP_S)
        second = display.shot()
        problems = []
        pictures: dict[int, tuple[Picture, Picture]] = {}
        for index in indices:
            tile = state["tiles"][index]
            expected = camera_code(tile["camera"])
            a, b = picture(first, tile), picture(second, tile)
            pictures[index] = (a, b)
            where = f"tile {index} ({tile['camera']}, {tile['state']})"
            if a.stddev < MIN_STDDEV or b.stddev < MIN_STDDEV:
                problems.append(f"{where} is uniform: stddev {a.stddev:.1f}, {b.stddev:.1f}")
            if a.camera != expected or b.camera != expected:
                problems.append(f"{where}: camera codes {a.camera}, {b.camera}, not {expected}")
            if a.rows == b.rows or a.frame is None or b.frame is None or a.frame == b.frame:
                problems.append(f"{where} does not move: frames {a.frame}, {b.frame}")
        if not problems:
            return pictures
        if time.monotonic() > deadline:
            kept = [display.keep(first.rows((0, 0, *SCREEN)), f"{label}-1")]
            kept.append(display.keep(second.rows((0, 0, *SCREEN)), f"{label}-2"))
            pytest.fail("\n".join([*problems, f"screenshots: {kept}", _brief(state)]))


def caption_amber(shot: Shot, tile: dict[str, Any]) -> float:
    """The share of the caption strip's pixels that are the STALE amber."""
    rows = shot.rows(tile["caption"])
    total = amber = 0
    for row in rows:
        for i in range(0, len(row) - 2, 3):
            total += 1
            if all(abs(row[i + k] - AMBER[k]) <= 12 for k in range(3)):
                amber += 1
    return amber / total if total else 0.0


def names_of(console: LiveConsole) -> list[str]:
    """The cameras in the site's order."""
    return list(console.cameras)


# -- the tests -----------------------------------------------------------------------------------


def test_a_2x2_grid_shows_moving_video_of_the_right_cameras(
    console: LiveConsole, display: Display, site: Any
) -> None:
    names = names_of(console)
    console.login(SUPERVISOR)
    started = time.monotonic()
    console.show("2x2", names[:4])
    print(f"2×2 live after {time.monotonic() - started:.2f} s")

    check_moving(console, display, range(4), "2x2")
    assert [sessions(site, n) for n in names[:4]] == [1] * 4
    console.check_quiet()


def test_a_4x4_grid_shows_moving_video_of_the_right_cameras(
    console: LiveConsole, display: Display, site: Any
) -> None:
    names = names_of(console)
    assert len({camera_code(n) for n in names}) == CAMERAS, "the pixel codes tell cameras apart"
    console.login(SUPERVISOR)
    started = time.monotonic()
    state = console.show("4x4", names)
    print(f"4×4 live after {time.monotonic() - started:.2f} s")
    smallest = min(video_rect(t["screen"])[2] for t in state["tiles"])
    assert smallest >= 120, f"tiles too small to read their pixel codes: {_brief(state)}"

    check_moving(console, display, range(CAMERAS), "4x4")
    # Small tiles use the sub streams: one session each.
    assert not any(t["big"] for t in state["tiles"])
    assert [sessions(site, n) for n in names] == [1] * CAMERAS
    assert {(c["id"], "sub") for c in console.cameras.values()} <= {
        tuple(s) for s in state["open_streams"]
    }
    console.check_quiet()


def test_tiles_of_one_camera_share_one_rtsp_session(
    console: LiveConsole, display: Display, site: Any
) -> None:
    names = names_of(console)
    shared, other = names[4], names[5]
    console.login(SUPERVISOR)
    console.show("2x2", [shared, shared, other, shared])

    check_moving(console, display, range(4), "shared")
    counts = wait_for_sessions(site, [shared, other], 1, 3.0, ["sub"])
    assert counts == {mount(shared, "sub"): 1, mount(other, "sub"): 1}
    console.check_quiet()


def test_a_stalled_stream_is_stale_within_3_s_and_comes_back(
    console: LiveConsole, display: Display, site: Any
) -> None:
    names = names_of(console)
    console.login(SUPERVISOR)
    console.show("2x2", names[:4])
    check_moving(console, display, range(4), "before-stall")
    victim = 2

    site.stall(names[victim], True)
    try:
        stalled_at = time.monotonic()
        state = console.wait(
            "the stalled tile STALE",
            lambda s: s["tiles"][victim]["state"] == "stale",
            timeout=10,
        )
        took = time.monotonic() - stalled_at
        print(f"STALE after {took:.2f} s")
        assert took < STALE_WITHIN_S, f"STALE only after {took:.2f} s"
        tile = state["tiles"][victim]
        assert tile["status"].startswith("STALE since "), tile
        assert [t["state"] for i, t in enumerate(state["tiles"]) if i != victim] == ["live"] * 3
        # The last picture stays, frozen, and the strip says so in amber.
        first = display.shot()
        time.sleep(SHOT_GAP_S)
        second = display.shot()
        a, b = picture(first, tile), picture(second, tile)
        amber = caption_amber(second, tile)
        if not (
            a.camera == b.camera == camera_code(names[victim])
            and a.frame is not None
            and a.frame == b.frame
            and amber > 0.5
        ):
            kept = display.keep(second.rows((0, 0, *SCREEN)), "stale")
            pytest.fail(
                f"stale tile: {a}, {b}, amber {amber:.2f}; screenshot {kept}\n"
                f"{_brief(console.state())}\n{console.log()[-4000:]}"
            )
        assert sessions(site, names[victim]) == 1, "a stall keeps the session"
    finally:
        site.stall(names[victim], False)

    restarted_at = time.monotonic()
    console.wait("the tile live again", lambda s: s["tiles"][victim]["state"] == "live", 10)
    check_moving(console, display, range(4), "after-stall")
    print(f"moving again {time.monotonic() - restarted_at:.2f} s after the restart")
    console.check_quiet()


def test_a_camera_that_drops_off_says_offline_and_comes_back(
    console: LiveConsole, display: Display, site: Any
) -> None:
    """The camera restarts: its sessions drop and it refuses new ones for a while. The tile says
    why and when the hub tries again; the hub reconnects (with backoff) when the camera is back."""
    names = names_of(console)
    console.login(SUPERVISOR)
    console.show("2x2", names[:4])
    victim = 3

    site.set_offline(names[victim], True)
    try:
        state = console.wait(
            "the tile offline",
            lambda s: s["tiles"][victim]["state"] == "offline",
            timeout=10,
        )
        tile = state["tiles"][victim]
        assert tile["status"] == "offline"
        assert tile["message"].startswith("Offline: "), tile
        assert "Trying again in" in tile["message"], tile
        assert [t["state"] for i, t in enumerate(state["tiles"]) if i != victim] == ["live"] * 3
        # The message covers the picture: no frozen picture passed off as the camera's.
        shot = display.shot()
        rows = shot.rows(tile["screen"])
        if decode_pixel_code(rows, CAMERA_ROW) is not None:
            kept = display.keep(rows, "offline")
            pytest.fail(f"the offline tile still shows the picture: {kept}")
        time.sleep(1.0)
    finally:
        site.set_offline(names[victim], False)

    back_at = time.monotonic()
    console.wait("the tile live again", lambda s: s["tiles"][victim]["state"] == "live", 40)
    check_moving(console, display, range(4), "after-offline")
    print(f"moving again {time.monotonic() - back_at:.2f} s after the camera came back")
    assert sessions(site, names[victim]) == 1
    console.check_quiet()


def test_maximize_and_restore_never_show_a_black_frame(
    console: LiveConsole, display: Display, site: Any
) -> None:
    names = names_of(console)
    console.login(SUPERVISOR)
    state = console.show("2x2", names[:4])
    check_moving(console, display, range(4), "before-maximize")
    index, name = 1, names[1]
    code = camera_code(name)
    small = state["tiles"][index]["screen"]
    # The health check at login opens each camera's main stream for a moment: not now.
    console.wait("the health check done", lambda s: s["health_idle"], timeout=60)
    assert sessions(site, name, "main") == 0

    console.ask("maximize", index=index)
    state = console.wait(
        "the maximized tile laid out",
        lambda s: s["maximized"] == index and s["tiles"][index]["screen"][2] > 1.5 * small[2],
        timeout=5,
    )
    big = state["tiles"][index]["screen"]
    # The sub stream shown big, then the main stream opened under it and raised at its first
    # picture, then the sub stream closed and, after the hub's grace period, its session: the
    # screenshots go on until then, so that they cover the switch whenever it came.
    maximized = _shoot_switch(
        display,
        video_rect(big),
        code,
        "maximize",
        done=lambda: sessions(site, name, "sub") == 0,
        timeout=SESSIONS_CLOSE_S,
    )
    print(f"maximize: {maximized}")
    assert maximized.finished, "the sub stream was not closed after the switch to the main one"
    assert len(maximized.frames) >= 10, (
        f"the maximized tile hardly moved: {maximized}\n{_brief(console.state())}"
    )
    state = console.state()
    tile = state["tiles"][index]
    assert tile["state"] == "live"
    assert tile["big"]
    assert [t["visible"] for t in state["tiles"]] == [i == index for i in range(4)]
    assert sessions(site, name, "main") == 1, "the maximized tile uses the main stream"

    console.ask("restore")
    state = console.wait(
        "the tile restored",
        lambda s: s["maximized"] is None and s["tiles"][index]["screen"][2] < 0.7 * big[2],
        timeout=5,
    )
    # Back to the sub stream (opened cold: its grace period is over), the main stream shown
    # until the sub stream's first picture, then closed.
    restored = _shoot_switch(
        display,
        video_rect(state["tiles"][index]["screen"]),
        code,
        "restore",
        done=lambda: sessions(site, name, "main") == 0,
        timeout=SESSIONS_CLOSE_S,
    )
    print(f"restore: {restored}")
    assert restored.finished, "the main stream was not closed after the switch back"
    assert sessions(site, name, "sub") == 1
    check_moving(console, display, range(4), "after-restore")
    console.check_quiet()

    # libvlc draws a new picture size (after the tile is resized, and a new stream's first
    # pictures, at its own size) in the corner of a black window: the tile covers the first with
    # a still of the picture and raises the new stream's window only once libvlc has fitted it
    # (ui/tile.py, VideoTile.hold_picture; ui/native_surface.py, Xcb).
    bad = maximized.bad + restored.bad
    assert not bad, (
        f"{len(bad)} of {maximized.count + restored.count} screenshots during maximize and "
        "restore show no picture of the camera (black or partly black):\n" + "\n".join(bad)
    )


@dataclass
class Switch:
    """Screenshots taken during a stream switch."""

    count: int = 0
    #: frame numbers seen
    frames: set[int] = field(default_factory=set)
    #: the screenshots without a picture of the camera: when, what, where kept
    bad: list[str] = field(default_factory=list)
    finished: bool = False

    def __str__(self) -> str:
        return (
            f"{self.count} screenshots, {len(self.frames)} frame numbers, {len(self.bad)} "
            f"without a picture, {'finished' if self.finished else 'not finished'}"
        )


def test_a_stream_put_in_keyframes_only_and_back_never_shows_a_black_frame(
    console: LiveConsole, display: Display, site: Any
) -> None:
    """The overload governor starts a tile's stream over in keyframes only (and later back in
    full): libvlc's picture returns only with the next keyframe, and meanwhile the tile shows
    its last picture (ui/tile.py, VideoTile._on_restart)."""
    names = names_of(console)
    console.login(SUPERVISOR)
    state = console.show("2x2", names[:4])
    check_moving(console, display, range(4), "before-degrade")
    index = 3
    rect = video_rect(state["tiles"][index]["screen"])
    code = camera_code(names[index])
    for command, label, badge in (("degrade", "degrade", True), ("undegrade", "undegrade", False)):
        assert console.ask(command, index=index)["done"], f"{command} refused: {console.state()}"
        shots = _shoot_switch(display, rect, code, label, done=lambda: False, timeout=3.0)
        print(f"{label}: {shots}")
        assert not shots.bad, (
            f"{len(shots.bad)} of {shots.count} screenshots after {label} show no picture of the "
            "camera:\n" + "\n".join(shots.bad)
        )
        assert len(shots.frames) >= 2, f"the picture did not come back after {label}: {shots}"
        state = console.state()
        assert state["tiles"][index]["keyframes_badge"] is badge, _brief(state)
    check_moving(console, display, range(4), "after-degrade")
    console.check_quiet()


def _shoot_switch(
    display: Display,
    rect: tuple[int, int, int, int],
    code: int,
    label: str,
    done: Callable[[], bool],
    timeout: float,
) -> Switch:
    """Screenshots of `rect` back to back (~50 ms apart) until `done` (asked every ~0.5 s) or
    `timeout`; each should show camera `code`'s picture, not uniform."""
    switch = Switch()
    started = checked = time.monotonic()
    while not switch.finished and time.monotonic() - started < timeout:
        rows = display.shot(rect).rows(rect)
        at = time.monotonic() - started
        switch.count += 1
        stddev = luma_stddev(rows, step=6)
        camera = decode_pixel_code(rows, CAMERA_ROW)
        if stddev < MIN_STDDEV or camera != code:
            kept = display.keep(rows, f"{label}-{switch.count}")
            switch.bad.append(
                f"  {label} {at:.2f} s: {black_share(rows):.0%} black, luma stddev "
                f"{stddev:.1f}, camera code {camera}: {kept}"
            )
        frame = decode_pixel_code(rows, FRAME_ROW)
        if frame is not None:
            switch.frames.add(frame)
        if time.monotonic() - checked >= 0.5:
            checked = time.monotonic()
            switch.finished = done()
    return switch


def test_every_look_is_logged_and_streams_close_after_the_last_viewer(
    console: LiveConsole, site: Any
) -> None:
    names = names_of(console)
    console.login(SUPERVISOR)
    if not console.assigned.get(SUPERVISOR):
        console.show("2x2", names[:4])
        # libvlc counts the pictures shown about once a second: a look needs to last that long
        # for its end entry to count any.
        time.sleep(2.0)
    viewed = {console.cameras[n]["id"]: n for n in console.assigned[SUPERVISOR]}

    console.ask("logout")
    logged_out = time.monotonic()

    def ended(reply: dict[str, Any]) -> bool:
        mine = [e for e in reply["entries"] if e["actor"] == SUPERVISOR]
        starts = sum(e["action"] == "live.view.start" for e in mine)
        return starts > 0 and starts == sum(e["action"] == "live.view.end" for e in mine)

    deadline = time.monotonic() + 10
    while not ended(reply := console.ask("audit")) and time.monotonic() < deadline:
        time.sleep(0.1)
    entries = [e for e in reply["entries"] if e["actor"] == SUPERVISOR]
    starts = [e for e in entries if e["action"] == "live.view.start"]
    ends = [e for e in entries if e["action"] == "live.view.end"]
    assert {e["target"] for e in starts} == {f"camera:{i}" for i in viewed}
    assert len(ends) == len(starts), entries
    by_seq = {e["seq"]: e for e in starts}
    for end in ends:
        start = by_seq.get(end["details"]["start_seq"], {})
        assert start.get("target") == end["target"], end
    shown = {e["target"] for e in ends if e["details"]["frames"] > 0}
    assert shown == {f"camera:{i}" for i in viewed}, "every camera's look counted its pictures"

    counts = wait_for_sessions(site, names, 0, SESSIONS_CLOSE_S, ["sub", "main"])
    assert set(counts.values()) == {0}, {m: c for m, c in counts.items() if c}
    print(f"every session closed {time.monotonic() - logged_out:.2f} s after logging out")
    console.check_quiet()


def test_a_user_limited_to_one_area_sees_no_permission_elsewhere(
    console: LiveConsole, display: Display, site: Any
) -> None:
    cameras = console.cameras
    mine = [n for n, c in cameras.items() if c["area"] == OPERATOR_AREA]
    elsewhere = [n for n, c in cameras.items() if c["area"] != OPERATOR_AREA]
    forbidden = elsewhere[0]
    # Whatever another user had open of it is closed first.
    if console.state()["user"] not in (None, OPERATOR):
        console.ask("logout")
    counts = wait_for_sessions(site, [forbidden], 0, SESSIONS_CLOSE_S, ["sub", "main"])
    assert set(counts.values()) == {0}, counts
    state = console.login(OPERATOR)
    assert state["tree_cameras"] == len(mine), "the tree lists the operator's area only"

    console.ask("open_layout", name=OLD_LAYOUT)
    state = console.wait(
        "the old layout: two live tiles and one without permission",
        lambda s: [t["state"] for t in s["tiles"]] == ["live", "no_permission", "live", "empty"],
        timeout=LIVE_TIMEOUT_S,
    )
    refused = state["tiles"][1]
    assert refused["camera_id"] == cameras[forbidden]["id"]
    assert refused["status"] == "no permission"
    assert refused["message"] == "No permission for this camera."
    pictures = check_moving(console, display, [0, 2], "operator")
    assert [state["tiles"][i]["camera"] for i in (0, 2)] == mine[:2]
    # The refused tile says so in words, and shows no picture of the camera.
    shot = display.shot()
    rows = shot.rows(refused["screen"])
    text = sum(
        (2 * r[i] + 5 * r[i + 1] + r[i + 2]) / 8 >= TEXT_LUMA
        for r in rows
        for i in range(0, len(r) - 2, 3)
    )
    if text < 100 or decode_pixel_code(rows, CAMERA_ROW) is not None:
        kept = display.keep(rows, "no-permission")
        pytest.fail(f"the refused tile: {text} text pixels; screenshot {kept}")
    assert pictures

    # Nothing of the camera was opened: no RTSP session, no stream in the hub, no look logged.
    time.sleep(1.0)
    assert sessions(site, forbidden, "sub") == sessions(site, forbidden, "main") == 0
    hub = {tuple(s) for s in console.state()["open_streams"]}
    assert not any(camera_id == cameras[forbidden]["id"] for camera_id, _ in hub), hub
    looks = [e for e in console.ask("audit")["entries"] if e["actor"] == OPERATOR]
    assert {e["target"] for e in looks if e["action"] == "live.view.start"} == {
        f"camera:{cameras[n]['id']}" for n in mine[:2]
    }
    console.check_quiet()


def test_the_console_quits_cleanly(console: LiveConsole, site: Any) -> None:
    console.check_quiet()
    console.ask("quit")
    code = console.process.wait(30)
    log = console.log()
    assert code == 0, log[-6000:]
    assert "Traceback" not in log, log[-6000:]
    counts = wait_for_sessions(site, names_of(console), 0, SESSIONS_CLOSE_S, ["sub", "main"])
    assert set(counts.values()) == {0}, {m: c for m, c in counts.items() if c}


# -- the child: the console under Qt on xcb --------------------------------------------------------


def _child(config_path: str) -> int:
    """The real console on the simulated site, driven by JSON commands on stdin."""
    import asyncio
    import logging

    from PySide6.QtWidgets import QMessageBox

    from console.app import Core
    from console.domain import Actor, Role
    from console.layouts import Grid, GridKind
    from console.messages import install_excepthooks
    from console.runtime import DeviceLoop
    from devices import onvif_client
    from devices import secrets as secret_stores
    from tests.conftest import FAST_HASHER
    from ui.app import create_application
    from ui.i18n import Translations
    from ui.theme import apply_theme
    from ui.wiring.cameras import OnvifCameraControls, camera_tools
    from ui.wiring.session import Console, ui_settings_for
    from ui.wiring.video import media_backend

    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(relativeCreated)7.0f %(threadName)s %(name)s %(levelname)s: %(message)s",
    )
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    password = config["password"]
    app = create_application([sys.argv[0]])
    app.setQuitOnLastWindowClosed(False)
    translations = Translations(app)
    translations.install("en")
    store = secret_stores.secret_store()
    assert store is not None, "no keyring backend (PYTHON_KEYRING_BACKEND)"
    core = Core.open(Path(config["data_dir"]), hasher=FAST_HASHER, sealer=False, secrets=store)
    install_excepthooks(core.bus)
    messages: list[list[str]] = []
    core.bus.subscribe(lambda m: messages.append([m.level.value, m.text]))

    # The site's cameras, onboarded over ONVIF all at once (as `utkik demo` does), camera i at
    # place i (round the places): two of every six in the City area.
    system = Actor.os_account()
    endpoints = config["endpoints"]

    async def learn_all() -> list[Any]:
        return list(
            await asyncio.gather(
                *(
                    onvif_client.onboard(
                        e["address"], config["onvif_port"], e["user"], e["password"]
                    )
                    for e in endpoints
                )
            )
        )

    places = core.sites.places()
    areas = {area.id: area.name for area in core.sites.areas()}
    cameras: dict[str, dict[str, Any]] = {}
    for index, (endpoint, facts) in enumerate(
        zip(endpoints, asyncio.run(learn_all()), strict=True)
    ):
        place = places[index % len(places)]
        camera = registered(
            core,
            core.cameras.add(
                system, facts, place, endpoint["name"], endpoint["user"], endpoint["password"]
            ),
        )
        cameras[camera.name] = {"id": camera.id, "area": areas[place.area_id]}
    ids = {name: c["id"] for name, c in cameras.items()}

    core.users.create_first_administrator(system, ADMINISTRATOR, password)
    core.users.add(system, SUPERVISOR, Role.SUPERVISOR, password)
    operator = core.users.add(
        system, OPERATOR, Role.OPERATOR, password, core.sites.resolve_areas([OPERATOR_AREA])
    )
    mine = [n for n, c in cameras.items() if c["area"] == OPERATOR_AREA]
    elsewhere = [n for n, c in cameras.items() if c["area"] != OPERATOR_AREA]
    core.layouts.save(
        Actor.of(operator),
        OLD_LAYOUT,
        Grid.preset(GridKind.GRID_2),
        [ids[mine[0]], ids[elsewhere[0]], ids[mine[1]], None],
    )

    backend = media_backend(core)
    assert backend is not None, "libvlc cannot be loaded"
    devices = DeviceLoop()
    devices.start()
    # One health round at login (it opens each camera's main stream once), none later to
    # disturb the session counts.
    console = Console(
        app,
        core,
        translations,
        ui_settings_for(core.data_dir),
        # The real camera tools: the simulated site is on loopback.
        tools=camera_tools(devices),
        controls=OnvifCameraControls(core.cameras.login_reader(), devices),
        backend=backend,
        health_interval_s=3600,
    )
    console.finished.connect(app.quit)
    apply_theme(app, console.theme)

    def on_quit() -> None:
        # As ui.app.run does.
        console.shutdown()
        devices.stop()
        backend.close()
        core.close()

    app.aboutToQuit.connect(on_quit)

    reply = replier(_REPLY)
    rect = screen_rect

    def grid_of() -> Any:
        window = console.main_window
        return window.grid if window is not None else None

    def state() -> dict[str, Any]:
        window = console.main_window
        grid = grid_of()
        tiles = []
        for tile in grid.tiles if grid is not None else []:
            tiles.append(
                {
                    "camera_id": tile.camera_id,
                    "camera": tile.camera.name if tile.camera is not None else None,
                    "state": tile.state.value,
                    "status": tile.status_label.text(),
                    "title": tile.title_text(),
                    "message": tile.message_text(),
                    "visible": tile.isVisible(),
                    "big": tile.big,
                    # The keyframes-only badge (no sub stream, or the overload governor).
                    "keyframes_badge": tile.badge.isVisibleTo(tile),
                    "screen": rect(tile.screen_),
                    "caption": rect(tile.caption),
                }
            )
        maximized = grid.maximized if grid is not None else None
        dialog = console.login_dialog
        health = console.health
        return {
            "user": console.user.name if console.user is not None else None,
            "login_dialog": dialog is not None and dialog.isVisible(),
            "grid": grid is not None,
            "tree_cameras": len(window.sites.model.cameras()) if window is not None else 0,
            "maximized": grid.index_of(maximized) if maximized is not None else None,
            "tiles": tiles,
            "health_idle": health is None or health.idle,
            "open_streams": sorted(
                [key.camera_id, key.profile.value] for key in backend.hub.open_streams()
            ),
            "messages": list(messages),
            "dialogs": [
                w.text()
                for w in app.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.isVisible()
            ],
        }

    def handle(command: dict[str, Any]) -> dict[str, Any]:
        name = command["cmd"]
        grid = grid_of()
        if name == "state":
            return state()
        if name == "login":
            dialog = console.login_dialog
            if dialog is None:
                return {"error": "no login dialog"}
            dialog.submitted.emit(command["user"], command["password"])
        elif name == "logout":
            if console.main_window is not None:
                console.switch_user()
        elif name == "quit":
            window = console.main_window
            if window is not None:
                window.menu_actions["quit"].trigger()
            else:
                app.quit()
        elif name == "audit":
            entries = core.audit.entries(system, action="live.view")
            return {
                "entries": [
                    {
                        "seq": e.seq,
                        "actor": e.actor,
                        "action": e.action,
                        "target": e.target,
                        "details": dict(e.details),
                    }
                    for e in reversed(entries)
                ]
            }
        elif grid is None:
            return {"error": f"{name}: nobody with a grid is logged in"}
        elif name == "layout":
            grid.actions_[f"layout_{command['kind']}"].trigger()
        elif name == "assign":
            for index, camera in enumerate(command["tiles"]):
                grid.assign(index, ids[camera] if camera is not None else None)
        elif name == "open_layout":
            grid.open_layout(command["name"])
        elif name == "maximize":
            grid.maximize(command["index"])
        elif name == "restore":
            grid.restore()
        elif name in ("degrade", "undegrade"):
            # What the overload governor does to a tile's stream (ui/overload.py).
            front = grid.tiles[command["index"]]._front
            handle: Any = None if front is None else front.handle
            if name == "degrade":
                # As when libvlc falls behind: the governor waits its quiet time before the
                # stream may come back.
                if handle is not None:
                    handle._governor.behind(handle)
                return {"done": handle is not None and handle.degraded}
            if handle is not None:
                handle.restore()
            return {"done": handle is not None and not handle.degraded}
        else:
            return {"error": f"unknown command {name}"}
        return {"ok": True}

    return serve_commands(
        app, handle, reply, {"event": "ready", "cameras": cameras}, before=console.start
    )


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
