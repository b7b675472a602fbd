#!/usr/bin/env bash
# Install the test dependencies and run every test: the whole suite on SQLite, then on PostgreSQL.
# Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (started here when they are
# installed but stopped). Under CI=true nothing is skipped: a missing service or browser fails.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v "is ignored" || true

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium (Debian package)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
(cd pwa && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)

echo "== format and lint: ruff (Python), Biome (PWA)"
.venv/bin/ruff format --check --quiet .
.venv/bin/ruff check --quiet .
(cd pwa && npm run --silent check)

echo "== PWA client tests (node --test: sync vectors, outbox, sync loop, photos)"
(cd pwa && npm test --silent)

bash scripts/services.sh

export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15}
PG_URL=${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}

echo "== test suite on SQLite (the scaled deployment's tests run on PostgreSQL only)"
env -u DATABASE_URL .venv/bin/python -m pytest -m "not scaled" "$@"
echo "== test suite on PostgreSQL (with the scaled deployment: scripts/scaled.sh, nginx installed when missing)"
DATABASE_URL="$PG_URL" .venv/bin/python -m pytest "$@"
echo "== benchmarks in their smoke size"
.venv/bin/python bench/smoke.py
