"""Scaled mode: with REDIS_URL set, sign-in throttling is shared by every server process."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]

# One "server process": its own app, its own limiter, sign-in attempts through its test client.
PROCESS = """
import json, sys
from server import create_app
from tests.conftest import AuthActions
app = create_app({"TESTING": True, "DATABASE_URL": sys.argv[1], "SECRET_KEY": "s",
                  "RATELIMIT_STORAGE_URI": sys.argv[2], "RATELIMIT_KEY_PREFIX": sys.argv[3]})
auth = AuthActions(app.test_client())
print(json.dumps([auth.login("13800000003", pw).status_code for pw in sys.argv[4:]]))
"""


@pytest.fixture
def redis_prefix():
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # Redis down is a failure, never a skip
    prefix = f"redgrid-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def _process(app, storage, prefix, *passwords) -> list[int]:
    out = subprocess.run(
        [sys.executable, "-c", PROCESS, app.config["SQLALCHEMY_DATABASE_URI"], storage, prefix, *passwords],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_two_processes_share_the_login_limit_through_redis(app, world, redis_prefix):
    assert _process(app, REDIS_URL, redis_prefix, *["wrong"] * 5) == [401] * 5
    # The second process has seen none of these attempts itself; Redis has.
    assert _process(app, REDIS_URL, redis_prefix, "password123") == [429]


def test_without_redis_each_process_counts_alone(app, world, redis_prefix):
    """The control: in embedded mode the counters are per process (so the test above can fail)."""
    assert _process(app, "memory://", redis_prefix, *["wrong"] * 5) == [401] * 5
    assert _process(app, "memory://", redis_prefix, "password123") == [200]
