"""Tasks and field problem reports as synced entities (PROTOCOL.md §7.4, §11): who writes which
field, how same-field conflicts end, the buckets a record lives in. Registered with the engine
when server.tasks.routes is imported, i.e. in every app."""

from server.sync import registry
from server.sync.review import ADMIN, SERVER, WORKER
from server.tasks import places
from server.tasks.models import FieldReport, Task
from server.tasks.rules import review_field_report, review_task
from server.tasks.schemas import field_report_record_schema, task_record_schema
from sync import Field

BOTH = ADMIN | WORKER

TASK_FIELDS = (
    # What the task is: the admin's.
    Field("type", ADMIN),
    Field("title", ADMIN),
    Field("description", ADMIN),
    Field("target_kind", ADMIN, create_only=True),
    Field("target_id", ADMIN, create_only=True),
    Field("assignee_id", ADMIN),
    Field("due_at", ADMIN),
    Field("priority", ADMIN),
    Field("checklist", ADMIN),
    # Its lifecycle: both, by the rules of server.tasks.rules.
    Field("status", BOTH),
    Field("status_device_at", BOTH),
    Field("status_location", BOTH),
    # The worker's report. A worker's photo is never dropped: lists merge.
    Field("unable_reason", WORKER),
    Field("outcome", WORKER),
    Field("notes", WORKER),
    Field("checklist_answers", WORKER),
    Field("photos", WORKER, on_conflict="union"),
    Field("location", WORKER),
    Field("location_status", WORKER),
    Field("started_at", WORKER),
    Field("finished_at", WORKER),
    # Server-only: derived from the target, or stamps.
    Field("grid_id", SERVER),
    Field("compound_id", SERVER),
    Field("building_id", SERVER),
    Field("household_id", SERVER),
    Field("history", SERVER),
    Field("created_by_id", SERVER),
    Field("created_at", SERVER),
    Field("source_report_id", SERVER),
    Field("batch_id", SERVER),
)

FIELD_REPORT_FIELDS = (
    Field("grid_id", WORKER, create_only=True),
    Field("category", WORKER),
    Field("description", WORKER),
    Field("photos", WORKER, on_conflict="union"),
    Field("location", WORKER),
    Field("location_status", WORKER),
    Field("building_id", WORKER),
    Field("household_id", WORKER),
    Field("reported_at", WORKER),
    Field("status", ADMIN),
    Field("dismiss_reason", ADMIN),
    Field("task_id", ADMIN),
    Field("created_by_id", SERVER),
    Field("created_at", SERVER),
    Field("handled_by_id", SERVER),
    Field("handled_at", SERVER),
)


def task_buckets(values) -> list[str]:
    """grid:<grid> and org:<unit> of every unit above it. A task being created has no grid_id
    yet (the rules derive it after the engine computed the buckets): its target says where it
    is (server.tasks.places.buckets_of)."""
    grid_id = values.get("grid_id")
    if grid_id is not None:
        return places.buckets_of("grid", grid_id)
    return places.buckets_of(values.get("target_kind"), values.get("target_id"))


def field_report_buckets(values) -> list[str]:
    """The buckets of the report's grid, like a task's (a malformed grid_id: none)."""
    return places.buckets_of("grid", values.get("grid_id"))


TASK = registry.EntityBinding(
    "task",
    TASK_FIELDS,
    ADMIN,
    frozenset(),
    Task,
    task_record_schema,
    task_buckets,
    blob_fields=("photos",),
    review=review_task,
)
FIELD_REPORT = registry.EntityBinding(
    "field_report",
    FIELD_REPORT_FIELDS,
    WORKER,
    frozenset(),
    FieldReport,
    field_report_record_schema,
    field_report_buckets,
    blob_fields=("photos",),
    review=review_field_report,
)


def register() -> None:
    """Put both entities in the engine's registry (idempotent)."""
    registry.register(TASK)
    registry.register(FIELD_REPORT)


register()
