#!/usr/bin/env bash
# The default suite: format, lint, types, layers, tests (including the frozen build and the
# real-display tests). Long soak and crash loops are behind the `long` marker and not run here.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff format"
ruff format --check .
echo "== ruff check"
ruff check .
echo "== mypy --strict (console/, devices/, ui/)"
mypy
echo "== import-linter (layers)"
lint-imports --no-cache
echo "== pytest"
# The suite talks only to this machine. As root it runs in a network namespace of its own with
# only the loopback interface up, so no packet leaves, whatever sends it (Python, FFmpeg, libvlc,
# GStreamer, a subprocess); tests/netguard.py also stops and names any attempt from Python.
# A developer without root gets the Python guard only; CI (CI set) insists on the namespace.
if [ "$(id -u)" -eq 0 ] && unshare --net true 2>/dev/null; then
    export UTKIK_TEST_NETNS=1
    exec unshare --net -- sh -c 'ip link set lo up && exec pytest -m "not long" "$@"' pytest "$@"
fi
if [ -n "${CI:-}" ]; then
    echo "check: CI runs the suite in a network namespace of its own (root and unshare needed)" >&2
    exit 1
fi
echo "check: not root: the suite runs with the Python network guard only (tests/netguard.py)"
pytest -m "not long" "$@"
