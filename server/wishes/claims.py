"""Claims that lapse (PROTOCOL.md §14.2): a claimed card whose claim_deadline passed without a
fulfilment goes back to the wall (claimed → open, as the server), and its claimant hears of it.
Run by the periodic jobs every WISHES_RELEASE_EVERY_SECONDS, or by `redgrid wishes release`."""

import logging
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from server.core import clock, periodic
from server.core.fields import iso
from server.extensions import db
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation
from server.wishes.access import card_buckets
from server.wishes.models import WishCard

log = logging.getLogger(__name__)
CLIENT = "server:wishes"


def release_lapsed(now: datetime | None = None) -> int:
    """Put every lapsed claim back on the wall; returns how many."""
    now = now or clock.now()
    lapsed = db.session.scalars(
        select(WishCard).where(WishCard.status == "claimed", WishCard.claim_deadline < now).order_by(WishCard.id)
    ).all()
    if not lapsed:
        return 0
    buckets = {b for card in lapsed for b in card_buckets({"community_id": card.community_id, "wish_id": card.wish_id})}
    writer = Writer(actor=system_actor(None, buckets), client_id=CLIENT)
    with clock.at(now):
        results = writer.push(
            [mutation("wish_card", card.id, "update", {"status": "open"}, card.version) for card in lapsed]
        )
    released = sum(1 for result in results if result.status != "rejected")
    for result in results:
        if result.status == "rejected":  # a claimant's fulfilment that got there first
            log.info("wish card %s not released: %s", result.record_id, result.error["code"])
    writer.commit()
    return released


def _release_and_log() -> None:
    released = release_lapsed()
    if released:
        log.info("released %d lapsed wish claim(s) at %s", released, iso(clock.now()))


PERIODIC = periodic.PeriodicJob(
    "wish-claims", lambda config: config.get("WISHES_RELEASE_EVERY_SECONDS", 0), _release_and_log
)


@click.group("wishes")
def wishes_command():
    """Micro-wishes: release lapsed claims."""


@wishes_command.command("release")
@with_appcontext
def release_command():
    """Put claims past their deadline back on the wall (cron, if the server's job is off)."""
    click.echo(f"released {release_lapsed()} claim(s)")
