"""What an operator watches (server/core/observability.py, docs/OPERATIONS.md): /readyz, /metrics
in Prometheus's format, request ids and one JSON log line per request."""

import json
import logging
import os
import uuid

from prometheus_client.parser import text_string_to_metric_families

from server.extensions import socketio
from tests.conftest import executed_statements

WORKER = "13800000003"


def _samples(client, **kwargs) -> dict:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for s in family.samples
    }


def _push_report(auth, world) -> dict:
    record = {
        "id": str(uuid.uuid4()),
        "entity": "field_report",
        "record_id": str(uuid.uuid4()),
        "op": "create",
        "fields": {"grid_id": world.g1, "category": "safety", "description": "楼道堆物", "location_status": "denied"},
    }
    response = auth.send(
        "POST",
        "/api/sync/push",
        json={"protocol": "redgrid-sync/1", "client_id": "phone-metrics", "mutations": [record]},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_readyz_reports_database_redis_and_queue(app, client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ready", "database": "ok", "redis": "not configured", "queue_depth": 0}

    app.config["REDIS_URL"] = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    assert client.get("/readyz").get_json()["redis"] == "ok"


def test_readyz_asks_the_database_one_select_1_not_the_scrapes_counts(app, client):
    """A load balancer probes every few seconds: /readyz reads the cheap gauges (Part.readiness),
    while /metrics also counts every Web Push delivery by state."""
    probed = executed_statements(app, lambda: client.get("/readyz"))
    assert [s for s in probed if "SELECT" in s.upper()] == ["SELECT 1"]
    scraped = executed_statements(app, lambda: _samples(client))
    assert any("FROM deliveries" in s for s in scraped)


def test_readyz_is_503_and_names_redis_when_redis_is_down(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    answer = client.get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "not ready" and body["database"] == "ok" and body["redis"] == "ConnectionError"


def test_metrics_count_requests_pushes_pulls_and_sockets(app, world, auth):
    assert auth.login(WORKER).status_code == 200
    before = _samples(auth.client)
    result = _push_report(auth, world)
    assert result["results"][0]["status"] == "applied"
    pull = auth.send("POST", "/api/sync/pull", json={"protocol": "redgrid-sync/1", "cursor": None})
    assert pull.status_code == 200 and pull.get_json()["changes"]
    socket = socketio.test_client(app, flask_test_client=auth.client)
    assert socket.is_connected()
    during = _samples(auth.client)
    socket.disconnect()
    after = _samples(auth.client)

    def grew(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return during.get(key, 0) - before.get(key, 0)

    push_series = {"endpoint": "/api/sync/push", "method": "POST", "status": "200"}
    assert grew("redgrid_http_request_duration_seconds_count", **push_series) == 1
    assert grew("redgrid_sync_mutations_total", entity="field_report", status="applied") == 1
    assert grew("redgrid_sync_pulls_total", changes="yes") == 1
    assert grew("redgrid_socketio_connections") == 1
    assert after[("redgrid_socketio_connections", ())] == before.get(("redgrid_socketio_connections", ()), 0)
    assert during[("redgrid_queue_depth", (("mode", "inline"),))] == 0


def test_metrics_answer_the_loopback_or_the_token_only(app, client):
    stranger = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    assert client.get("/metrics", **stranger).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}, **stranger).status_code == 404
    assert _samples(client, headers={"Authorization": "Bearer s3cret-token"}, **stranger)


def test_each_request_has_an_id_and_one_json_log_line(app, world, auth):
    app.config["REQUEST_LOG"] = True
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("redgrid.request")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        assert auth.login(WORKER).status_code == 200
        given = auth.client.get("/api/me", headers={"X-Request-ID": "proxy-7f3a.1"})
        made = auth.client.get("/api/tasks/no-such-task")
        bad = auth.client.get("/api/me", headers={"X-Request-ID": "bad id with spaces"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert given.headers["X-Request-ID"] == "proxy-7f3a.1"
    assert len(made.headers["X-Request-ID"]) == 32 and bad.headers["X-Request-ID"] != "bad id with spaces"
    logged = [json.loads(line) for line in lines]
    me = next(entry for entry in logged if entry["request_id"] == "proxy-7f3a.1")
    assert me["method"] == "GET" and me["path"] == "/api/me" and me["status"] == 200
    assert me["endpoint"] == "/api/me" and me["user"] is not None and me["ms"] >= 0
    missing = next(entry for entry in logged if entry["request_id"] == made.headers["X-Request-ID"])
    assert missing["status"] == made.status_code and missing["endpoint"] == "/api/tasks/<task_id>"
