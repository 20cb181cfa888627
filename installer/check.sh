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
echo "== mypy --strict (console/, devices/)"
mypy
echo "== import-linter (layers)"
lint-imports --no-cache
echo "== pytest"
pytest -m "not long" "$@"
