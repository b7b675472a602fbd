"""What an operator watches (docs/OPERATIONS.md): a request id and one JSON log line per request,
`/readyz` (can this process serve: database, Redis, the fan-out queue) beside `/healthz` (does it
answer), and `/metrics` in Prometheus's text format (prometheus_client).

Metrics are per process (a scaled deployment scrapes each server process on its own port; the
proxy's port is for phones): request latency per endpoint (the URL rule, not the path, so ids
do not make a series each), sync mutations by entity and result, pulls by whether they brought
anything, open Socket.IO connections; and gauges read when scraped from what the parts report
(`Part.metrics`: the fan-out queue's depth, push deliveries by state). `/metrics` answers the
loopback (a Prometheus beside the process) or a request with `Authorization: Bearer
<METRICS_TOKEN>`; anyone else gets 404, as if it did not exist.
"""

import ipaddress
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable

from flask import Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from redis import Redis
from sqlalchemy import text

from server.core.clock import utcnow
from server.extensions import csrf, db, limiter

log = logging.getLogger("redgrid.request")
_EXTENSION = "redgrid_metrics"
_READY = "redgrid_readiness"  # the gauges /readyz reads, on every probe: none asks the database
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # a proxy's id is kept if it looks like one

# One registry for the process (metrics are module singletons; tests make many apps).
REGISTRY = CollectorRegistry()
REQUEST_SECONDS = Histogram(
    "redgrid_http_request_duration_seconds",
    "Time to answer a request, by method, endpoint (URL rule) and status.",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
SYNC_MUTATIONS = Counter(
    "redgrid_sync_mutations_total",
    "Pushed mutations by entity and result (applied, merged, rejected, ...).",
    ["entity", "status"],
    registry=REGISTRY,
)
SYNC_PULLS = Counter(
    "redgrid_sync_pulls_total",
    "Pull pages answered, by whether they held changes.",
    ["changes"],
    registry=REGISTRY,
)
SOCKETS = Gauge("redgrid_socketio_connections", "Open Socket.IO connections.", registry=REGISTRY)


class PartGauges:
    """Gauges read at scrape time from the current app's parts (`Part.metrics`): each function
    yields (name, help, {label: value}, number)."""

    def collect(self):
        app = current_app._get_current_object() if current_app else None
        families: dict[str, GaugeMetricFamily] = {}
        for read in app.extensions.get(_EXTENSION, ()) if app else ():
            for name, help_text, labels, value in read():
                family = families.get(name)
                if family is None:
                    family = families[name] = GaugeMetricFamily(name, help_text, labels=list(labels))
                family.add_metric([str(v) for v in labels.values()], value)
        yield from families.values()


REGISTRY.register(PartGauges())


def count_mutations(results: Iterable[dict]) -> None:
    for result in results:
        SYNC_MUTATIONS.labels(result.get("entity") or "unknown", result.get("status") or "unknown").inc()


def count_pull(changes: int) -> None:
    SYNC_PULLS.labels("yes" if changes else "no").inc()


def socket_opened() -> None:
    SOCKETS.inc()


def socket_closed() -> None:
    SOCKETS.dec()


def register_observability(
    app: Flask,
    gauges: Iterable[Callable[[], Iterable[tuple]]] = (),
    ready: Iterable[Callable[[], Iterable[tuple]]] = (),
) -> None:
    """Request ids, the request log, /readyz and /metrics for the app; `gauges` from the parts
    (Part.metrics), and `ready` those of them /readyz reports too (Part.readiness)."""
    app.extensions[_EXTENSION] = tuple(gauges)
    app.extensions[_READY] = tuple(ready)
    if app.config["REQUEST_LOG"] and not log.handlers:  # one JSON line per request, on stderr
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    app.before_request(_begin)
    app.after_request(_end)
    for rule, view in (("/readyz", readyz), ("/metrics", metrics)):
        app.add_url_rule(rule, view.__name__, view)
        csrf.exempt(view)
        limiter.exempt(view)


def _begin() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _end(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a request that failed before _begin (none expected)
        return response
    seconds = time.perf_counter() - started
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUEST_SECONDS.labels(request.method, endpoint, str(response.status_code)).observe(seconds)
    response.headers["X-Request-ID"] = g.request_id
    if current_app.config["REQUEST_LOG"]:
        log.info(
            json.dumps(
                {
                    "time": utcnow().isoformat(timespec="milliseconds"),
                    "request_id": g.request_id,
                    "method": request.method,
                    "path": request.path,
                    "endpoint": endpoint,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 1),
                    "bytes": response.calculate_content_length(),
                    "user": _user_id(),
                },
                ensure_ascii=False,
            )
        )
    return response


def _user_id() -> int | None:
    user = g.get("_login_user")  # Flask-Login's, when the request loaded one
    return getattr(user, "id", None) if user is not None and user.is_authenticated else None


def readyz():
    """Ready to serve: the database answers, Redis answers when configured, and the fan-out
    queue's depth (reported, not judged). 503 names what failed."""
    checks, ready = {}, True
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001  any database failure means not ready
        db.session.rollback()
        checks["database"], ready = type(exc).__name__, False
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        try:
            _redis(redis_url).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001  any Redis failure means not ready
            checks["redis"], ready = type(exc).__name__, False
    else:
        checks["redis"] = "not configured"
    for read in current_app.extensions.get(_READY, ()):
        try:
            for name, _help, _labels, value in read():
                if name == "redgrid_queue_depth":
                    checks["queue_depth"] = checks.get("queue_depth", 0) + int(value)
        except Exception as exc:  # noqa: BLE001  a gauge that cannot be read is reported, not fatal
            checks.setdefault("errors", []).append(type(exc).__name__)
    return jsonify({"status": "ready" if ready else "not ready", **checks}), 200 if ready else 503


def _redis(url: str) -> Redis:
    client = current_app.extensions.get("redgrid_readyz_redis")
    if client is None:
        client = current_app.extensions["redgrid_readyz_redis"] = Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2
        )
    return client


def metrics():
    """The process's metrics in Prometheus's text format (loopback, or the bearer token)."""
    if not _may_scrape():
        return jsonify({"error": "not_found"}), 404
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token and request.headers.get("Authorization", "") == f"Bearer {token}":
        return True
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
