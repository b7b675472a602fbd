"""`redgrid worker`: runs the fan-out jobs queued on Redis (server/notices/fanout.py) and, with
--periodic, the app's periodic jobs."""

import logging
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from redis.exceptions import RedisError
from rq import SimpleWorker

from server.core import periodic as periodic_jobs

log = logging.getLogger(__name__)
RESTART_SECONDS = 1


class QuickStopWorker(SimpleWorker):
    """RQ's SimpleWorker (no fork per job, so the app context and its database pool stay valid)
    whose stop is quick. RQ's thread listening for commands on the worker's channel waits up to
    60 s per read (rq 3: `run_in_thread(sleep_time=60)`), and a warm shutdown waited for that
    read to end: an idle worker took up to a minute to stop after SIGTERM. Here it reads for 1 s.
    Redis gone: RQ retries with a wait that doubles up to max_connection_wait_time (RQ's 60 s;
    here 5 s, so that jobs run again within seconds of Redis's return, bench/faults/stop_redis.py)."""

    max_connection_wait_time = 5.0

    def subscribe(self):
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )


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

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: the embedded server runs its jobs in process")
    if periodic:
        periodic_jobs.run_all_once(
            current_app._get_current_object()
        )  # what came due while no worker ran (its jobs go to the queue below)
        if not burst:
            periodic_jobs.start_all(current_app._get_current_object())
    while True:
        worker = QuickStopWorker([current_app.config["ALERTS_QUEUE"]], connection=Redis.from_url(url))
        try:
            worker.work(burst=burst, with_scheduler=False, logging_level="INFO")
        except RedisError as exc:  # its teardown could not reach Redis either
            log.warning("worker %s ended with Redis unreachable: %s", worker.name, exc)
        # Asked to stop (SIGTERM, SIGINT): RQ raises StopRequested while idle, marking only the
        # date of the request (`_stop_requested` is set only when a job is running); either ends here.
        if burst or worker._stop_requested or worker._shutdown_requested_date is not None:
            return
        # RQ retries a Redis outage only while it waits for a job; met elsewhere (finishing a
        # job, a heartbeat) the worker quits, and nothing would run the queue again until
        # restarted (bench/faults/stop_redis.py). This process goes on with a new worker.
        log.warning("worker %s stopped on its own (Redis gone?): a new one in %d s", worker.name, RESTART_SECONDS)
        time.sleep(RESTART_SECONDS)
