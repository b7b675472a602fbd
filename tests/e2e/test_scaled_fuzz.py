"""The fuzzers that CI runs in-process (tests/server/test_openapi_fuzz.py, test_sync_fuzz.py), run
again through the scaled deployment (issue 18, item 5): nginx, three server processes, PostgreSQL
and Redis. The same requests travel over real HTTP (tests/support/forward.py passes them byte for
byte), so what the proxy, gunicorn and the Redis-backed limiter add is fuzzed too: still no 5xx,
still only documented answers, and every write a push reports is stored.

PostgreSQL pass only (marker `scaled`). The rate limits live in the deployment's Redis, so
"starting over" after the fuzz exhausts the sign-in limit empties the limiter's keys there.

Size: every request over HTTP and nginx costs many times the in-process call (all seven roles
and every example took over 45 minutes on a loaded 2-core machine), so CI runs a share — the
operations as the city admin (who reaches nearly all of them) with their boundary values and one
generated case each, and a tenth of the sync fuzz's examples (FUZZ_PROXY_SHARE) — while the
in-process fuzzers keep the whole run. FUZZ_PROXY=full runs every role and every example (the issue's "once", by hand:
`FUZZ_PROXY=full DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres
.venv/bin/python -m pytest tests/e2e/test_scaled_fuzz.py`)."""

import http.client
import json
import os
from urllib.parse import urlsplit

import pytest
import redis
from werkzeug.test import Client

from server.i18n import text_in
from tests.e2e.scaled import SCALED_REDIS, through_the_proxy  # noqa: F401  the fixture
from tests.server import test_sync_fuzz as sync_fuzz
from tests.server.test_openapi_fuzz import ROLES, fuzz_operations
from tests.support.forward import Forwarding

pytestmark = pytest.mark.scaled

FULL = os.environ.get("FUZZ_PROXY") == "full"
PROXY_ROLES = list(ROLES) if FULL else ["admin_city"]
SHARE = 1.0 if FULL else float(os.environ.get("FUZZ_PROXY_SHARE", "0.1"))
EXAMPLES = None if FULL else 1  # generated cases per operation beyond the boundary values


def reset_limits():
    store = redis.Redis.from_url(SCALED_REDIS)
    keys = list(store.scan_iter("LIMITS:*", count=1000))
    if keys:
        store.delete(*keys)


def nginx_refuses(base_url: str, method: str, path: str, headers: dict):
    """The answer to a request of headers only, sent as written (http.client does not quote the
    path; a Content-Length among the headers is announced, no body sent): status, X-Request-ID,
    the body read as JSON."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=60)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.getheader("X-Request-ID"), json.loads(answer.read() or b"null")
    finally:
        connection.close()


def assert_nginx_answers_in_the_apis_shape(base_url: str):
    """What nginx refuses itself (PROTOCOL.md §9): the server's codes and words, never its HTML."""
    status, request_id, body = nginx_refuses(base_url, "GET", "/api/blobs/%00", {})
    assert (status, body) == (
        400,
        {"error": {"code": "bad_request", "message": text_in("zh-CN", "error.bad_request"), "fields": {}}},
    )
    assert request_id and len(request_id) == 32
    huge = {
        "Content-Type": "application/octet-stream",
        "Content-Length": str(17 * 1024 * 1024 + 1),  # beyond client_max_body_size: refused unread
        "Accept-Language": "en-US,en;q=0.9",
    }
    status, _, body = nginx_refuses(base_url, "PUT", "/api/blobs/" + "0" * 64, huge)
    assert (status, body) == (
        413,
        {"error": {"code": "too_large", "message": text_in("en", "error.too_large"), "fields": {}}},
    )


def test_the_fuzzers_through_the_proxy(through_the_proxy, app, iw, monkeypatch):  # noqa: F811
    """One deployment for both (its start is most of a minute): the sync fuzz, then the operations."""
    assert_nginx_answers_in_the_apis_shape(through_the_proxy)
    forward = Forwarding(through_the_proxy)
    monkeypatch.setattr(app, "test_client", lambda *args, **kwargs: Client(forward))
    monkeypatch.setattr(sync_fuzz, "SHARE", SHARE)
    writers = sync_fuzz.make_writers(app, iw)
    sync_fuzz.test_fuzzed_pushes_never_5xx_and_report_every_write(app, writers)
    sync_fuzz.test_fuzzed_bodies_that_are_not_json_objects_never_5xx(app, writers)
    sync_fuzz.test_fuzzed_pulls_never_5xx(app, writers)
    sync_fuzz.test_fuzzed_blob_requests_never_5xx(app, writers)
    sync_fuzz.test_fuzzed_conflict_lists_and_resolutions_never_5xx(app, writers)

    found = {}
    extra = {} if EXAMPLES is None else {"examples": EXAMPLES}
    for role in PROXY_ROLES:
        failures = fuzz_operations(app, role, target=forward, reset_limits=reset_limits, **extra)
        if failures:
            found[role] = failures
    assert found == {}, "\n".join(f"{role}: {f}" for role, failures in found.items() for f in failures)
