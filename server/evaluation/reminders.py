"""Autumn reminders (the article: "对思想不重视、工作不得力…的党组织和下沉党员及时提醒"): from
September to December, once a month, every member and unit of a community whose hours this year
are behind the pace of the year's target (24 h: two a month, counted to the month before) hears
of it. Once a month per member or unit (the dedupe key names the month). Run by the periodic
jobs every EVALUATION_REMIND_EVERY_SECONDS, or by `redgrid evaluation remind`."""

import logging

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from server.auth.models import RoleAssignment
from server.core import clock, periodic
from server.evaluation import notices, scoring
from server.evaluation.service import year_facts
from server.extensions import db

log = logging.getLogger(__name__)
FIRST_MONTH = 9  # September


def remind(now=None) -> int:
    """Remind those behind in every community with volunteers; returns how many subjects."""
    local = (now or clock.now()).astimezone(clock.CHINA)
    if local.month < FIRST_MONTH:
        return 0
    expected = round(scoring.HOURS_TARGET * (local.month - 1) / 12, 1)
    communities = db.session.scalars(
        select(RoleAssignment.org_unit_id).where(RoleAssignment.role == "volunteer").distinct()
    ).all()
    reminded = 0
    for community_id in sorted(communities):
        subjects = year_facts(community_id, local.year)
        units = {s["key"]: s["name"] for s in subjects if s["kind"] == "unit"}
        for s in subjects:
            if s["facts"]["hours"] >= expected:
                continue
            key = f"evaluation:remind:{local.year}-{local.month:02d}:{community_id}:{s['key']}"
            unit = units.get(s["key"])
            notices.behind(s["account_ids"], key, s["facts"]["hours"], expected, unit)
            reminded += 1
    db.session.commit()
    return reminded


def _remind_and_log() -> None:
    count = remind()
    if count:
        log.info("reminded %d member(s) and unit(s) behind on their hours", count)


PERIODIC = periodic.PeriodicJob(
    "evaluation-reminders", lambda config: config.get("EVALUATION_REMIND_EVERY_SECONDS", 0), _remind_and_log
)


@click.group("evaluation")
def evaluation_command():
    """The December evaluation: autumn reminders."""


@evaluation_command.command("remind")
@with_appcontext
def remind_command():
    """Remind the members and units behind on this year's hours (September to December)."""
    click.echo(f"reminded {remind()} member(s) and unit(s)")
