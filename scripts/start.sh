#!/usr/bin/env bash
# Install everything and start Redgrid with the demo city on SQLite at http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e . 2>&1 | grep -v "is ignored" || true
(cd pwa && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)

.venv/bin/redgrid init
.venv/bin/redgrid demo
exec .venv/bin/redgrid serve --host "${REDGRID_HOST:-127.0.0.1}" --port "${REDGRID_PORT:-5000}"
