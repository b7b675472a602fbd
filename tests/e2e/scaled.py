"""The scaled deployment for browser tests: scripts/scaled.sh (nginx → 3 server processes, 2 RQ
workers, PostgreSQL, Redis) on the test's own PostgreSQL database, so that a scenario written for
the in-process server (its `live_server`) runs unchanged through the proxy. PostgreSQL pass only
(scripts/test.sh runs these tests with -m scaled there, and leaves them out on SQLite)."""

import os
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
# Its own (bench/smoke.py uses 8), flushed at each start; REDGRID_SCALED_TEST_REDIS for a second run
# beside CI (FUZZ_PROXY=full by hand).
SCALED_REDIS = os.environ.get("REDGRID_SCALED_TEST_REDIS", "redis://127.0.0.1:6379/7")
SERVERS = 3


def _free_ports(count: int) -> int:
    """A port p such that p … p+count-1 are free (the proxy and the servers after it)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count > 65535:
            continue
        try:
            for offset in range(count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no run of free ports")


@contextmanager
def scaled_deployment(app, run_dir: Path):
    """scripts/scaled.sh start on `app`'s database; yields the proxy's URL; stops it all after."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if make_url(url).get_backend_name() != "postgresql":
        pytest.fail("the scaled deployment runs on PostgreSQL: run with DATABASE_URL=postgresql+psycopg://…")
    redis.Redis.from_url(SCALED_REDIS).flushdb()
    port = _free_ports(SERVERS + 1)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": SCALED_REDIS,
        "SCALED_PORT": str(port),
        "SCALED_SERVERS": str(SERVERS),
        "SCALED_WORKERS": "2",
        "SCALED_THREADS": "40",
        "SCALED_DIR": str(run_dir),
        "SCALED_DEMO": "0",
        "SECRET_KEY": "shared-by-every-process",
        "REDGRID_VAPID_PRIVATE_KEY": app.config["VAPID_PRIVATE_KEY"],
        "REDGRID_PUSH_ALLOW_INSECURE": "1",  # the stand-in push service on http://127.0.0.1
        "REDGRID_ARGON2_TIME_COST": "1",
        "REDGRID_ARGON2_MEMORY_KIB": "1024",
    }
    script = ["bash", str(ROOT / "scripts" / "scaled.sh")]
    started = subprocess.run([*script, "start"], env=env, capture_output=True, text=True, timeout=300)
    try:
        assert started.returncode == 0, f"scaled.sh start failed:\n{started.stdout}\n{started.stderr}"
        status = subprocess.run([*script, "status"], env=env, capture_output=True, text=True, timeout=30)
        assert status.returncode == 0 and status.stdout.count("running") == SERVERS + 2 + 1, status.stdout
        yield f"http://127.0.0.1:{port}"
    finally:
        stopped = subprocess.run([*script, "stop"], env=env, capture_output=True, text=True, timeout=120)
        assert stopped.returncode == 0, stopped.stderr
        for log in sorted(run_dir.glob("*.log")):  # what the processes said, should a test fail
            tail = log.read_text(errors="replace").splitlines()[-20:]
            print(f"--- {log.name}", *tail, sep="\n")


@pytest.fixture
def through_the_proxy(app, world, tmp_path):
    """The test city served by the scaled deployment: its proxy's URL (for a scenario's live_server)."""
    with scaled_deployment(app, tmp_path / "scaled") as url:
        yield url
