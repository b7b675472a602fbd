"""The notification service's gauges, read when /metrics is scraped (Part.metrics,
server/core/observability.py): the fan-out queue's depth, and Web Push deliveries by state. The
queue's depth is also in /readyz (Part.readiness), on every probe: it asks no database."""

from flask import current_app
from sqlalchemy import func, select

from server.extensions import db
from server.notices import fanout
from server.notices.models import Delivery


def queue():
    app = current_app._get_current_object()
    yield (
        "redgrid_queue_depth",
        "Fan-out jobs waiting or running (the RQ queue, or the in-process pool).",
        {"mode": fanout.mode(app)},
        fanout.depth(app),
    )


def deliveries():
    """A count over every Web Push delivery: at scrape time only."""
    states = db.session.execute(
        select(Delivery.state, func.count()).where(Delivery.subscription_id.is_not(None)).group_by(Delivery.state)
    )
    for state, count in states:
        yield ("redgrid_push_deliveries", "Web Push deliveries by state.", {"state": state}, count)
