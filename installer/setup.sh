#!/usr/bin/env bash
# Sets up everything Utkik needs on Debian 12: the system packages, a virtual environment in .venv
# with the package installed into it, and the compiled translations.
#
#   installer/setup.sh          runtime only
#   installer/setup.sh --dev    also the development tools (lint, types, layers, tests, PyInstaller)
#
# Runs as root, or as a user with sudo. Safe to run again: it installs only what is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/.." && pwd)"
cd "$top"

dev=0
for arg in "$@"; do
    case "$arg" in
        --dev) dev=1 ;;
        *) echo "setup: unknown option $arg" >&2; exit 2 ;;
    esac
done

# System packages (Debian 12 names). libvlc renders video; ffmpeg and the RTSP, MQTT and keyring
# servers are real peers for the simulated site and the tests; Xvfb gives a display to machines
# without one; the libxcb set is what Qt's xcb platform plugin loads.
apt_packages=(
    python3 python3-venv python3-dev build-essential pkg-config
    vlc-bin vlc-plugin-base vlc-plugin-video-output libvlc-dev ffmpeg
    mosquitto gnome-keyring dbus dbus-x11 iproute2
    gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav gstreamer1.0-tools
    libgirepository1.0-dev libcairo2-dev
    xvfb xauth x11-utils imagemagick xdotool fonts-dejavu-core
    libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
    libxcb-xinerama0 libxcb-xkb1 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libxcb-sync1
    libxcb-shm0 libxcb-util1
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "setup: system packages are missing and this account is not root and has no sudo." >&2
        echo "setup: ask an administrator to run: apt-get install ${missing[*]}" >&2
        exit 1
    fi
}

# For developers: strace shows every connection the suite makes (docs/development.md);
# poppler-utils (pdftoppm, pdftotext) reads the register's PDF export in its tests; mpv is the
# plain player the live-view benchmark measures the grid against (benchmarks/README.md).
if [ "$dev" -eq 1 ]; then
    apt_packages+=(strace util-linux poppler-utils mpv)
fi

if command -v dpkg-query >/dev/null 2>&1; then
    missing=()
    for pkg in "${apt_packages[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [ "$status" = "install ok installed" ] || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "setup: installing system packages: ${missing[*]}"
        for attempt in 1 2 3 4 5 6; do
            # Another apt may hold the lock for a while on a fresh machine: wait and retry.
            if as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -q --no-install-recommends "${missing[@]}"; then
                break
            fi
            [ "$attempt" -lt 6 ] || { echo "setup: apt-get failed" >&2; exit 1; }
            sleep 10
        done
    fi
else
    echo "setup: not a Debian system; install the equivalents of: ${apt_packages[*]}" >&2
fi

# The virtual environment uses Debian's own Python so that the frozen build and the tests see the
# same interpreter a user of a fresh machine has.
python="${UTKIK_PYTHON:-}"
if [ -z "$python" ]; then
    if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; else python="$(command -v python3)"; fi
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$dev" -eq 1 ]; then
    .venv/bin/python -m pip install -q -c installer/constraints.txt -e ".[dev]"
    # ipycam, a third-party virtual ONVIF camera the tests onboard, needs opencv-python, whose
    # own Qt plugins clash with PySide6 (and with opencv-python-headless): it gets a venv of its
    # own that the tests start as a subprocess. The venv ignores itself, so git never sees it.
    if [ ! -x .venv-ipycam/bin/python ]; then
        "$python" -m venv .venv-ipycam
    fi
    printf '*\n' >.venv-ipycam/.gitignore
    .venv-ipycam/bin/python -m pip install -q --upgrade pip
    .venv-ipycam/bin/python -m pip install -q -c installer/constraints-ipycam.txt "ipycam==1.3.0"
else
    .venv/bin/python -m pip install -q -c installer/constraints.txt -e .
fi

# Translations: .ts sources in resources/i18n are compiled to .qm next to them.
.venv/bin/python -m ui.i18n_build
echo "setup: done"
