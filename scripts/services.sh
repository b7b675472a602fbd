#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer — those DATABASE_URL and REDIS_URL name, 127.0.0.1:5432
# and 127.0.0.1:6379 by default — and start the system's own (5432, 6379) if they are installed
# here but stopped (see ../shared/RECIPES.md). A URL naming another host or port is only checked:
# a server of its own (a fault run's) is never touched, nor the shared one started for it.
# Exits non-zero when one cannot be reached.
set -uo pipefail

# host and port of a URL (scheme://[user@]host[:port][/…]), the default port when none
host_port() { # url, default port
  local rest=${1#*://}
  rest=${rest#*@}
  rest=${rest%%/*}
  local host=${rest%%:*} port=$2
  [ "$rest" != "$host" ] && port=${rest#*:}
  echo "${host:-127.0.0.1} $port"
}
read -r PG_HOST PG_PORT <<<"$(host_port "${DATABASE_URL:-postgresql://127.0.0.1:5432/}" 5432)"
read -r REDIS_HOST REDIS_PORT <<<"$(host_port "${REDIS_URL:-redis://127.0.0.1:6379/0}" 6379)"
system() { [ "$1" = 127.0.0.1 ] || [ "$1" = localhost ]; }

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }
redis_up() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

if ! pg_up && system "$PG_HOST" && [ "$PG_PORT" = 5432 ] && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 20); do pg_up && break; sleep 0.5; done
fi
if ! redis_up && system "$REDIS_HOST" && [ "$REDIS_PORT" = 6379 ] && command -v redis-server >/dev/null; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 20); do redis_up && break; sleep 0.5; done
fi

status=0
pg_up || { echo "PostgreSQL is not reachable on $PG_HOST:$PG_PORT" >&2; status=1; }
redis_up || { echo "Redis is not reachable on $REDIS_HOST:$REDIS_PORT" >&2; status=1; }
exit $status
