"""Missed deadlines (PROTOCOL.md §16.2): a need still `received` past its `respond_by`, or still
open (received, accepted, in progress) past its `resolve_by`, is escalated to its community's
admins — once: an escalated need is the admins' already, and a second run finds nothing to do.
Run by the periodic jobs every NEEDS_CHECK_EVERY_SECONDS, or by `redgrid needs escalate`."""

import logging
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import and_, or_, select

from server.core import clock, periodic
from server.extensions import db
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation
from server.tasks.need_models import OPEN_NEED_STATUSES, Need
from server.tasks.need_sync import need_buckets

log = logging.getLogger(__name__)
CLIENT = "server:needs"


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate every need past a deadline and not escalated yet; returns how many."""
    now = now or clock.now()
    late = db.session.scalars(
        select(Need)
        .where(
            Need.deleted.is_(False),
            Need.escalated.is_(False),
            or_(
                and_(Need.status == "received", Need.respond_by < now),
                and_(Need.status.in_(OPEN_NEED_STATUSES), Need.resolve_by < now),
            ),
        )
        .order_by(Need.id)
    ).all()
    if not late:
        return 0
    buckets = {
        b
        for need in late
        for b in need_buckets({"user_id": need.user_id, "grid_id": need.grid_id, "household_id": need.household_id})
    }
    writer = Writer(actor=system_actor(None, buckets), client_id=CLIENT)
    mutations = []
    for need in late:
        # Still received: its response deadline passed (it comes before the resolution's).
        reason = "response_overdue" if need.status == "received" else "resolution_overdue"
        fields = {"escalated": True, "escalation": reason}
        mutations.append(mutation("need", need.id, "update", fields, need.version))
    with clock.at(now):
        results = writer.push(mutations)
    escalated = sum(1 for result in results if result.status != "rejected")
    for result in results:
        if result.status == "rejected":  # a handler's move that got there first; the next run looks again
            log.info("need %s not escalated: %s", result.record_id, result.error["code"])
    writer.commit()
    return escalated


def _escalate_and_log() -> None:
    escalated = escalate_overdue()
    if escalated:
        log.info("escalated %d need(s) past a deadline", escalated)


PERIODIC = periodic.PeriodicJob(
    "need-deadlines", lambda config: config.get("NEEDS_CHECK_EVERY_SECONDS", 0), _escalate_and_log
)


@click.group("needs")
def needs_command():
    """Residents' needs: escalate missed deadlines."""


@needs_command.command("escalate")
@with_appcontext
def escalate_command():
    """Escalate needs past their response or resolution deadline (cron, if the server's job is off)."""
    click.echo(f"escalated {escalate_overdue()} need(s)")
