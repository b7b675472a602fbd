"""Helpers for tests that start real server processes (gunicorn, `redgrid serve`)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDGRID = [sys.executable, "-c", "from server.console import main; main()"]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"  # the scaled setup's tests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_env(database_url: str, **extra) -> dict:
    """The environment of a server process on the test's database, with cheap password hashing."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "shared-by-every-process",
        "REDGRID_ARGON2_TIME_COST": "1",
        "REDGRID_ARGON2_MEMORY_KIB": "1024",
        **extra,
    }


@contextmanager
def serving(command: list[str], env: dict, port: int, timeout: float = 30):
    """Start a server process, wait until /healthz answers, yield its base URL, stop it."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, f"{command[-1]} did not answer in {timeout} s"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
