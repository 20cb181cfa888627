"""The Qt platform under Wayland: libvlc needs X11 windows, so XWayland where there is one."""

from __future__ import annotations

import pytest

from ui.display import NO_XWAYLAND_NOTE, XWAYLAND_NOTE, choose_platform, no_display


def test_wayland_with_xwayland_runs_on_xcb_and_says_so() -> None:
    environ = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert choose_platform(environ, "linux") == XWAYLAND_NOTE
    assert environ["QT_QPA_PLATFORM"] == "xcb"


def test_wayland_without_xwayland_says_video_cannot_show() -> None:
    environ = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    assert choose_platform(environ, "linux") == NO_XWAYLAND_NOTE
    assert "QT_QPA_PLATFORM" not in environ


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"DISPLAY": ":0"}, "linux"),  # X11: nothing to decide
        ({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux"),
        ({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, "win32"),
    ],
)
def test_otherwise_the_platform_is_left_alone(environ: dict[str, str], platform: str) -> None:
    before = dict(environ)
    assert choose_platform(environ, platform) == ""
    assert environ == before


def test_no_display() -> None:
    assert no_display({}, "linux")
    assert not no_display({"DISPLAY": ":1"}, "linux")
    assert not no_display({"WAYLAND_DISPLAY": "w"}, "linux")
    assert not no_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not no_display({}, "darwin")
