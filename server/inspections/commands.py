"""The `redgrid inspections …` commands, for cron: generate planned inspections, escalate
overdue rectification orders."""

import click
from flask.cli import with_appcontext

from server.core import clock
from server.inspections import escalation, plans


@click.group("inspections")
def inspections_command():
    """Inspection jobs: generate planned inspections, escalate overdue orders."""


@inspections_command.command("generate")
@with_appcontext
def generate_command():
    """Make the planned inspections of every active plan for the current period (idempotent; cron daily)."""
    result = plans.generate_due(clock.now())
    click.echo(
        f"plans due: {result['plans']}, inspections made: {result['created']}, "
        f"already made: {result['existing']}, skipped: {len(result['skipped'])}"
    )


@inspections_command.command("escalate")
@with_appcontext
def escalate_command():
    """Escalate overdue rectification orders to the community and street admins (cron, or `redgrid serve` does it)."""
    result = escalation.escalate(clock.now())
    click.echo(f"orders escalated: {result['escalated']}, people notified: {result['notified']}")
