"""What the notification service brings to the app (wired by create_app, server/core/parts.py):
the synced inbox, its fan-out jobs and the worker that runs them from Redis."""

from server.core.parts import Part
from server.notices import commands, jobs, messages, metrics, sync

PART = Part(
    "notices",
    catalogs=(messages.entries,),
    sync_entities=(sync.INBOX,),
    jobs=jobs.JOBS,
    periodic=(jobs.PERIODIC,),
    commands=(commands.worker_command,),
    metrics=(metrics.queue, metrics.deliveries),
    readiness=(metrics.queue,),
)
