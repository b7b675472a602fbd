#!/usr/bin/env bash
# The scaled deployment on this machine (127.0.0.1), the topology compose.yaml describes:
#   nginx (deploy/nginx/redgrid.conf.template: sticky sessions, WebSocket upgrade)
#   → SCALED_SERVERS Redgrid server processes (gunicorn, one gthread worker each)
#   + SCALED_WORKERS `redgrid worker` processes (the first with --periodic)
#   + PostgreSQL and Redis (started by scripts/services.sh when installed but stopped).
#
#   bash scripts/scaled.sh start|stop|status
#
# Settings (environment): SCALED_PORT (8100: the proxy; servers on the ports after it),
# SCALED_SERVERS (3), SCALED_WORKERS (2), SCALED_THREADS (100 per server), SCALED_DIR (run folder:
# pids, logs, nginx's config; /tmp/redgrid-scaled), DATABASE_URL (a PostgreSQL database, made when
# missing; postgresql+psycopg://postgres@127.0.0.1:5432/redgrid_scaled), REDIS_URL
# (redis://127.0.0.1:6379/3), SCALED_DEMO (1: load the demo city into an empty database),
# SCALED_DEMO_HOUSEHOLDS (its size; the demo's own default when unset), SCALED_WAIT (180: seconds
# each server may take to answer /readyz on start).
# Anything else the servers read (SECRET_KEY, REDGRID_*) passes through from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PORT=${SCALED_PORT:-8100}
SERVERS=${SCALED_SERVERS:-3}
WORKERS=${SCALED_WORKERS:-2}
THREADS=${SCALED_THREADS:-100}
DIR=${SCALED_DIR:-/tmp/redgrid-scaled}
export DATABASE_URL=${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/redgrid_scaled}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
export REDGRID_PROXY_FIX=1  # behind nginx: trust its X-Forwarded-* (one hop)
DEMO=${SCALED_DEMO:-1}
SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

answers() { # url: 200 within a few seconds
  curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null
}

wait_for() { # url, what, seconds[, name: its $DIR/name.pid and .log]
  # Counted by the clock (a busy machine makes each try slow), and given up at once when the
  # process has died: what it said last goes with the refusal.
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    answers "$1" && return 0
    if [ -n "${4:-}" ] && ! alive "$DIR/$4.pid"; then
      echo "$2 exited before it answered at $1; the end of $DIR/$4.log:" >&2
      tail -n 30 "$DIR/$4.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "$2 did not answer at $1 within $3 s (logs in $DIR); the end of its log:" >&2
  [ -n "${4:-}" ] && tail -n 30 "$DIR/$4.log" >&2
  return 1
}

install() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -c "import server, gunicorn, rq" 2>/dev/null ||
    .venv/bin/pip install --quiet --disable-pip-version-check -e . 2>&1 | grep -v "is ignored" || true
  [ -f pwa/dist/index.html ] || (cd pwa && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    $SUDO apt-get install -y -qq nginx >/dev/null 2>&1 ||
      { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq nginx >/dev/null; }
  fi
}

database() {
  bash scripts/services.sh
  .venv/bin/python - <<'PY'
import os
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

url = make_url(os.environ["DATABASE_URL"])
assert url.get_backend_name() == "postgresql", "the scaled deployment runs on PostgreSQL"
server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with server.connect() as connection:
    if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}) is None:
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
server.dispose()
PY
  .venv/bin/redgrid init >"$DIR/init.log" 2>&1 || { cat "$DIR/init.log" >&2; return 1; }
  if [ "$DEMO" = 1 ] && [ "$(.venv/bin/python -c "
from server import create_app
from server.extensions import db
from sqlalchemy import text
with create_app().app_context():
    print(db.session.execute(text('SELECT count(*) FROM users')).scalar())
")" = 0 ]; then
    .venv/bin/redgrid demo ${SCALED_DEMO_HOUSEHOLDS:+--households "$SCALED_DEMO_HOUSEHOLDS"} >"$DIR/demo.log"
  fi
}

start_server() { # n
  local port=$((PORT + $1))
  alive "$DIR/server-$1.pid" && return 0
  # Something else answering there (another deployment) would get this one's traffic, and the
  # readiness wait below would take it for this server.
  if answers "http://127.0.0.1:$port/healthz"; then
    echo "port $port is taken by another process: choose another SCALED_PORT" >&2
    return 1
  fi
  # --keep-alive beyond nginx's upstream keepalive_timeout (deploy/nginx): a server that closes an
  # idle connection first races nginx reusing it (connection reset, 502, the process marked down).
  nohup .venv/bin/gunicorn --bind "127.0.0.1:$port" --workers 1 --worker-class gthread --threads "$THREADS" \
    --keep-alive 75 --graceful-timeout 20 --no-control-socket --error-logfile - 'server:create_app()' \
    >"$DIR/server-$1.log" 2>&1 &
  echo $! >"$DIR/server-$1.pid"
}

start_worker() { # n
  alive "$DIR/worker-$1.pid" && return 0
  local flags=()
  [ "$1" = 1 ] && flags=(--periodic)
  nohup .venv/bin/redgrid worker "${flags[@]}" >"$DIR/worker-$1.log" 2>&1 &
  echo $! >"$DIR/worker-$1.pid"
}

start_proxy() {
  local upstreams=""
  for n in $(seq "$SERVERS"); do
    upstreams+="server 127.0.0.1:$((PORT + n)) max_fails=1 fail_timeout=5s; "
  done
  mkdir -p "$DIR/nginx"
  REDGRID_UPSTREAMS=$upstreams REDGRID_PROXY_LISTEN="127.0.0.1:$PORT" .venv/bin/python - "$DIR/nginx/redgrid.conf" <<'PY'
import os, sys
text = open("deploy/nginx/redgrid.conf.template", encoding="utf-8").read()
for name in ("REDGRID_UPSTREAMS", "REDGRID_PROXY_LISTEN"):
    text = text.replace("${" + name + "}", os.environ[name])
open(sys.argv[1], "w", encoding="utf-8").write(text)
PY
  # Run as root, nginx's workers would be `nobody`, who can't write request bodies and large
  # answers into the temp folders under $DIR (a push beyond 16 KB then answered 500): they run as
  # this user instead. Not root: the workers are this user anyway.
  local user=""
  [ "$(id -u)" = 0 ] && user="user $(id -un) $(id -gn);"
  cat >"$DIR/nginx/nginx.conf" <<EOF
# Made by scripts/scaled.sh: nginx's main context around deploy/nginx/redgrid.conf.template.
$user
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
    log_format upstream '\$remote_addr [\$time_iso8601] "\$request" \$status \$body_bytes_sent '
                        'upstream=\$upstream_addr \$upstream_response_time s route=\$redgrid_route id=\$request_id';
    access_log $DIR/nginx-access.log upstream buffer=64k flush=1s;
    client_body_temp_path $DIR/nginx/body;
    proxy_temp_path $DIR/nginx/proxy;
    fastcgi_temp_path $DIR/nginx/fastcgi;
    uwsgi_temp_path $DIR/nginx/uwsgi;
    scgi_temp_path $DIR/nginx/scgi;
    include $DIR/nginx/redgrid.conf;
}
EOF
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  "$nginx" -t -q -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx-error.log"
  alive "$DIR/nginx.pid" && kill -HUP "$(cat "$DIR/nginx.pid")" && return 0
  "$nginx" -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx-error.log"
}

start() {
  mkdir -p "$DIR"
  install
  database
  for n in $(seq "$SERVERS"); do start_server "$n"; done
  for n in $(seq "$WORKERS"); do start_worker "$n"; done
  # Three processes loading the app at once on a loaded 2-core machine took over 60 s in CI.
  for n in $(seq "$SERVERS"); do
    wait_for "http://127.0.0.1:$((PORT + n))/readyz" "server $n" "${SCALED_WAIT:-180}" "server-$n"
  done
  start_proxy
  wait_for "http://127.0.0.1:$PORT/readyz" "the proxy" 20
  echo "Redgrid (scaled) on http://127.0.0.1:$PORT/ : nginx, $SERVERS servers, $WORKERS workers; logs in $DIR"
}

stop_pid() { # pidfile, seconds
  alive "$1" || { rm -f "$1"; return 0; }
  local pid
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $(($2 * 5))); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
}

stop() {
  [ -d "$DIR" ] || return 0
  stop_pid "$DIR/nginx.pid" 10
  for pidfile in "$DIR"/server-*.pid "$DIR"/worker-*.pid; do
    [ -e "$pidfile" ] && stop_pid "$pidfile" 30 &
  done
  wait
  echo "Redgrid (scaled) stopped"
}

status() {
  local code=0 name
  for pidfile in "$DIR"/nginx.pid "$DIR"/server-*.pid "$DIR"/worker-*.pid; do
    [ -e "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    if alive "$pidfile"; then echo "$name: running (pid $(cat "$pidfile"))"; else echo "$name: stopped"; code=1; fi
  done
  if answers "http://127.0.0.1:$PORT/readyz"; then
    echo "proxy: $(curl -fsS --max-time 3 "http://127.0.0.1:$PORT/readyz")"
  else
    echo "proxy: not answering on http://127.0.0.1:$PORT/"
    code=1
  fi
  return $code
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
