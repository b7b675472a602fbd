#!/usr/bin/env bash
# Install the test dependencies and run every test: the whole suite on SQLite and on PostgreSQL
# (side by side), then every benchmark in its smoke size.
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

SQLITE_REDIS=${REDIS_URL:-redis://127.0.0.1:6379/15}
PG_REDIS=${PG_REDIS_URL:-redis://127.0.0.1:6379/14}  # its own: the passes' rate limits must not meet
PG_URL=${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}

# The two passes run side by side (each its own Redis database, free ports, its own scratch
# databases), each line of output tagged with its pass; both must pass. TEST_SERIAL=1 runs them
# one after the other, untagged.
sqlite_pass() {
  echo "== test suite on SQLite (the scaled deployment's and PostgreSQL's own tests run on PostgreSQL only)"
  env -u DATABASE_URL REDIS_URL="$SQLITE_REDIS" .venv/bin/python -m pytest -m "not scaled and not postgres" "$@"
}
postgres_pass() {
  echo "== test suite on PostgreSQL (the screens' own browser tests on SQLite only; with the scaled deployment: scripts/scaled.sh, nginx installed when missing)"
  # The screens' own browser tests (tests/e2e/test_*_ui.py) run on SQLite only: what they check is
  # the PWA; the server's behaviour on PostgreSQL is the API tests' and the scenarios' (S1–S4, sync,
  # storage, the scaled deployment), which run here in Chromium too.
  DATABASE_URL="$PG_URL" REDIS_URL="$PG_REDIS" .venv/bin/python -m pytest -k "not _ui" "$@"
}
tagged() { # tag, then the command: its output with each line tagged, its exit status kept
  local tag=$1
  shift
  "$@" 2>&1 | sed -u "s/^/[$tag] /"
  return "${PIPESTATUS[0]}"
}

if [ "${TEST_SERIAL:-0}" = 1 ]; then
  sqlite_pass "$@"
  postgres_pass "$@"
else
  started=$SECONDS
  tagged sqlite sqlite_pass "$@" &
  sqlite_job=$!
  tagged postgresql postgres_pass "$@" &
  postgres_job=$!
  sqlite_status=0 postgres_status=0
  wait "$sqlite_job" || sqlite_status=$?
  wait "$postgres_job" || postgres_status=$?
  echo "== test passes: SQLite exit $sqlite_status, PostgreSQL exit $postgres_status ($((SECONDS - started)) s)"
  [ "$sqlite_status" = 0 ] && [ "$postgres_status" = 0 ] || exit 1
fi
echo "== benchmarks in their smoke size"
.venv/bin/python bench/smoke.py
