"""`redgrid alerts release`: send the scheduled alerts whose time came (cron)."""

import click
from flask.cli import with_appcontext

from server.alerts import publishing


@click.group("alerts")
def alerts_command():
    """Alerts: release scheduled ones."""


@alerts_command.command("release")
@with_appcontext
def release_command():
    """Send the scheduled alerts whose time came (cron, if the server's daemon is off)."""
    click.echo(f"released {len(publishing.release_due())} alert(s)")
