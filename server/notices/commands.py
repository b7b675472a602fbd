"""`redgrid worker`: runs the fan-out jobs queued on Redis (server/notices/fanout.py) and, with
--periodic, the app's periodic jobs."""

import click
from flask import current_app
from flask.cli import with_appcontext

from server.core import periodic as periodic_jobs


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (tests, cron).")
@click.option(
    "--periodic",
    is_flag=True,
    help="Also run the periodic jobs (escalating overdue orders, releasing scheduled alerts): once at start, "
    "then on their schedule. `redgrid serve` runs them itself; behind gunicorn give one worker this flag.",
)
@with_appcontext
def worker_command(burst, periodic):
    """Run an RQ worker for the fan-out queue (needs REDIS_URL); jobs run in this app context."""
    from redis import Redis
    from rq import SimpleWorker

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: the embedded server runs its jobs in process")
    if periodic:
        periodic_jobs.run_all_once(
            current_app._get_current_object()
        )  # what came due while no worker ran (its jobs go to the queue below)
        if not burst:
            periodic_jobs.start_all(current_app._get_current_object())
    # SimpleWorker: no fork per job, so the app context and its database pool stay valid.
    worker = SimpleWorker([current_app.config["ALERTS_QUEUE"]], connection=Redis.from_url(url))
    worker.work(burst=burst, with_scheduler=False, logging_level="INFO")
