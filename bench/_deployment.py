"""A Redgrid deployment for the load and fault runs (issue 18): the scaled one (scripts/scaled.sh:
nginx, gunicorn servers, RQ workers, PostgreSQL, Redis) on a scratch PostgreSQL database with the
demo city, or one `redgrid serve` on SQLite (the embedded default), and what those runs read of it.
"""

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import redis

from bench._scratch import scratch_postgres, scratch_sqlite

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"


def scaled(command: str, env: dict) -> str:
    """`scripts/scaled.sh <command>` with `env`; its output (exits unless `status`)."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "scaled.sh"), command], env=env, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0 and command != "status":
        raise SystemExit(f"scaled.sh {command} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def free_run(count: int) -> int:
    """The first of `count` consecutive free ports on 127.0.0.1, looked for from a place of this
    process's own (bench/smoke.py runs two benches at once: both took 18100 and one failed)."""
    bases = list(range(18100, 60000, 97))
    turn = os.getpid() % len(bases)
    for base in bases[turn:] + bases[:turn]:
        try:
            for offset in range(count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise SystemExit("no run of free ports")


def app_environment(**settings) -> dict:
    """This process's environment without the app's own settings (REDGRID_*), plus `settings`."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("REDGRID_")}, **settings}


@contextmanager
def scaled_deployment(
    pg_server: str,
    prefix: str,
    redis_url: str,
    households: int,
    run_dir: str,
    port: int | None = None,
    **settings,
):
    """Yields (base URL, database URL, environment) of the scaled deployment on a new PostgreSQL
    database (dropped afterwards) with the demo city of `households`; Redis `redis_url` flushed.
    `run_dir` is SCALED_DIR (pids, logs); `settings` go to the servers' environment
    (SCALED_THREADS, REDGRID_*)."""
    redis.Redis.from_url(redis_url).flushdb()
    with scratch_postgres(pg_server, prefix) as (_admin, _names, (url,)):
        port = port or free_run(8)
        env = app_environment(
            DATABASE_URL=url,
            REDIS_URL=redis_url,
            SCALED_PORT=str(port),
            SCALED_DIR=run_dir,
            SCALED_DEMO="1",
            SCALED_DEMO_HOUSEHOLDS=str(households),
            SECRET_KEY="bench-run",
            REDGRID_REQUEST_LOG="0",
            **{k: str(v) for k, v in settings.items()},
        )
        started = time.monotonic()
        try:  # stopped whatever happens once start began (a start that failed half-way leaves processes)
            scaled("start", env)
            print(f"scaled deployment up in {time.monotonic() - started:.1f} s on http://127.0.0.1:{port}/", flush=True)
            yield f"http://127.0.0.1:{port}", url, env
        finally:
            scaled("stop", env)


@contextmanager
def single_server(households: int, threads: int, **settings):
    """Yields (base URL, database URL, environment, process, log) of one `redgrid serve` (gunicorn, one
    process, `threads` threads) on a new SQLite database with the demo city, no Redis."""
    with scratch_sqlite("redgrid-single-", ("redgrid",)) as (folder, (url,)):
        port = free_run(1)
        env = app_environment(
            DATABASE_URL=url,
            SECRET_KEY="bench-run",
            REDGRID_REQUEST_LOG="0",
            **{k: str(v) for k, v in settings.items()},
        )
        env.pop("REDIS_URL", None)
        redgrid = str(PYTHON.with_name("redgrid"))
        started = time.monotonic()
        for command in (["init"], ["demo", "--households", str(households)]):
            subprocess.run([redgrid, *command], env=env, check=True, capture_output=True, timeout=900)
        log = open(folder / "serve.log", "wb")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [redgrid, "serve", "--port", str(port), "--threads", str(threads)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, process, folder / "serve.log")
            print(f"redgrid serve up in {time.monotonic() - started:.1f} s on {base}/ (SQLite)", flush=True)
            yield base, url, env, process, folder / "serve.log"
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()


def wait_ready(base: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {base}/readyz within {seconds:.0f} s")


def connect(url: str):
    """A psycopg connection for a postgresql+psycopg:// URL, a sqlite3 one for sqlite:///."""
    if url.startswith("sqlite:///"):
        import sqlite3

        return sqlite3.connect(url.removeprefix("sqlite:///"))
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def grid_of(url: str, phone: str) -> int:
    """The grid of a grid worker's account."""
    connection = connect(url)
    try:
        return _rows(
            connection,
            "SELECT a.org_unit_id FROM role_assignments a JOIN users u ON u.id = a.user_id "
            "WHERE u.phone = ? AND a.role = 'grid_worker'",
            (phone,),
        )[0][0]
    finally:
        connection.close()


def _rows(connection, sql: str, params=()) -> list:
    """Runs `sql` (? placeholders) on either database."""
    if not type(connection).__module__.startswith("sqlite3"):
        sql = sql.replace("?", "%s")
    return list(connection.execute(sql, params).fetchall())


def add_grid_workers(url: str, count: int, template_phone: str = "13800000003") -> list[dict]:
    """`count` more grid worker accounts, spread over every grid of the city in turn, with the
    password of `template_phone` (its hash copied: no Argon2 work per account). Phones 1371…;
    returns [{phone, user_id, grid_id}]."""
    from datetime import UTC, datetime

    connection = connect(url)
    try:
        password_hash = _rows(connection, "SELECT password_hash FROM users WHERE phone = ?", (template_phone,))[0][0]
        grids = [g for (g,) in _rows(connection, "SELECT id FROM org_units WHERE kind = 'grid' ORDER BY id")]
        user_id = _rows(connection, "SELECT coalesce(max(id), 0) FROM users")[0][0]
        role_id = _rows(connection, "SELECT coalesce(max(id), 0) FROM role_assignments")[0][0]
        now = datetime.now(UTC)
        users, roles, made = [], [], []
        for i in range(count):
            phone = f"1371{i:07d}"
            user_id += 1
            role_id += 1
            grid = grids[i % len(grids)]
            users.append((user_id, phone, f"负载{i}", password_hash, "zh-CN", True, now))
            roles.append((role_id, user_id, "grid_worker", grid, now))
            made.append({"phone": phone, "user_id": user_id, "grid_id": grid})
        sql_users = "INSERT INTO users (id, phone, display_name, password_hash, locale, active, created_at) VALUES "
        sql_roles = "INSERT INTO role_assignments (id, user_id, role, org_unit_id, granted_at) VALUES "
        if type(connection).__module__.startswith("sqlite3"):
            connection.executemany(sql_users + "(?, ?, ?, ?, ?, ?, ?)", [(*u[:6], _sqlite_time(u[6])) for u in users])
            connection.executemany(sql_roles + "(?, ?, ?, ?, ?)", [(*r[:4], _sqlite_time(r[4])) for r in roles])
            connection.commit()
        else:
            with connection.cursor() as cursor:
                cursor.executemany(sql_users + "(%s, %s, %s, %s, %s, %s, %s)", users)
                cursor.executemany(sql_roles + "(%s, %s, %s, %s, %s)", roles)
            for table in ("users", "role_assignments"):
                connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        return made
    finally:
        connection.close()


def _sqlite_time(moment) -> str:
    """A UTC time as SQLAlchemy's DateTime keeps it in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def server_errors(logs) -> dict[str, int]:
    """The exceptions the servers logged (the last line of each traceback), counted."""
    import re

    found: dict[str, int] = {}
    ending = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Timeout)\w*)(:.*)?$")
    for log in logs:
        for line in Path(log).read_text(errors="replace").splitlines():
            match = ending.match(line)
            if match:
                key = line[:160]
                found[key] = found.get(key, 0) + 1
    return found
