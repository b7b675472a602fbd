"""Shapes of grid work: the synced records (validated whole after every merge, PROTOCOL.md §7.4)
and the admin endpoints' input and output."""

from datetime import datetime

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema
from webargs.fields import DelimitedList

from server.api import PageArgsSchema, page_of
from server.core import clock, dashboard
from server.core.edge import BigInteger, Schema
from server.core.fields import SHA256, LocationSchema, RecordSchema, UtcDateTime
from server.tasks.models import (
    LOCATION_STATUSES,
    OUTCOMES,
    PRIORITIES,
    REPORT_CATEGORIES,
    REPORT_STATUSES,
    TARGET_KINDS,
    TARGET_PLACE_KINDS,
    TASK_STATUSES,
    TASK_TYPES,
)

ANSWERS = ("yes", "no", "na")
MAX_PHOTOS = 30
MAX_CHECKLIST = 50


def not_in_past(value: datetime) -> None:
    """A due time given by an admin lies ahead (the rules' clock)."""
    if value < clock.now():
        raise ValidationError("task.due_in_past")


def _ids(strict: bool = True, **kwargs):
    """A row id: a JSON integer in bodies; in query strings (strict=False), digits."""
    return ma.fields.Integer(strict=strict, validate=validate.Range(min=1), **kwargs)


def _query_id(**kwargs):
    return _ids(strict=False, **kwargs)


class ChecklistItemSchema(Schema):
    key = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


class ChecklistItemInSchema(Schema):
    """An item as an admin writes it: the key is made by the server when omitted."""

    key = ma.fields.String(validate=validate.Length(min=1, max=40))
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


def _location_consistent(data) -> None:
    """A position and "no position because …" exclude each other (DESIGN.md: an explicit "no location")."""
    status, location = data.get("location_status"), data.get("location")
    if status in ("denied", "unavailable") and location is not None:
        raise ValidationError({"location_status": ["task.location_status_mismatch"]})
    if status == "ok" and location is None:
        raise ValidationError({"location": ["task.location_required"]})


# --- the synced records ------------------------------------------------------------------------


class TaskRecordSchema(RecordSchema):
    """A task as it syncs (PROTOCOL.md §11.1). Server-only fields are not required here: the
    task's rules stamp them before this schema checks the record."""

    type = ma.fields.String(required=True, validate=validate.OneOf(TASK_TYPES))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    target_kind = ma.fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    target_id = _ids(required=True)
    grid_id = _ids(allow_none=True)
    compound_id = _ids(allow_none=True)
    building_id = _ids(allow_none=True)
    household_id = _ids(allow_none=True)
    assignee_id = _ids(allow_none=True)
    due_at = UtcDateTime(allow_none=True)
    priority = ma.fields.String(validate=validate.OneOf(PRIORITIES))
    checklist = ma.fields.List(
        ma.fields.Nested(ChecklistItemSchema), allow_none=True, validate=validate.Length(max=MAX_CHECKLIST)
    )
    status = ma.fields.String(validate=validate.OneOf(TASK_STATUSES))
    unable_reason = ma.fields.String(allow_none=True, validate=validate.Length(max=500))
    outcome = ma.fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=4000))
    checklist_answers = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(min=1, max=40)),
        values=ma.fields.String(validate=validate.OneOf(ANSWERS)),
        allow_none=True,
    )
    photos = ma.fields.List(
        ma.fields.String(validate=SHA256), allow_none=True, validate=validate.Length(max=MAX_PHOTOS)
    )
    location = ma.fields.Nested(LocationSchema, allow_none=True)
    location_status = ma.fields.String(allow_none=True, validate=validate.OneOf(LOCATION_STATUSES))
    started_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)
    status_device_at = UtcDateTime(allow_none=True)
    status_location = ma.fields.Nested(LocationSchema, allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_by_id = _ids(allow_none=True)
    created_at = UtcDateTime(allow_none=True)
    source_report_id = ma.fields.String(allow_none=True, validate=validate.Length(max=36))
    batch_id = ma.fields.String(allow_none=True, validate=validate.Length(max=36))

    def check_whole(self, data) -> None:
        _location_consistent(data)


class FieldReportRecordSchema(RecordSchema):
    """A problem reported from the field (问题上报), as it syncs (PROTOCOL.md §11.2)."""

    category = ma.fields.String(required=True, validate=validate.OneOf(REPORT_CATEGORIES))
    description = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))
    photos = ma.fields.List(
        ma.fields.String(validate=SHA256), allow_none=True, validate=validate.Length(max=MAX_PHOTOS)
    )
    location = ma.fields.Nested(LocationSchema, allow_none=True)
    location_status = ma.fields.String(allow_none=True, validate=validate.OneOf(LOCATION_STATUSES))
    grid_id = _ids(required=True)
    building_id = _ids(allow_none=True)
    household_id = _ids(allow_none=True)
    reported_at = UtcDateTime(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(REPORT_STATUSES))
    dismiss_reason = ma.fields.String(allow_none=True, validate=validate.Length(max=500))
    task_id = ma.fields.String(allow_none=True, validate=validate.Length(max=36))
    created_by_id = _ids(allow_none=True)
    created_at = UtcDateTime(allow_none=True)
    handled_by_id = _ids(allow_none=True)
    handled_at = UtcDateTime(allow_none=True)

    def check_whole(self, data) -> None:
        _location_consistent(data)


task_record_schema = TaskRecordSchema()
field_report_record_schema = FieldReportRecordSchema()


# --- admin endpoints: input ----------------------------------------------------------------


class TaskFieldsSchema(Schema):
    """What an admin says about a task (shared by create, bulk and convert)."""

    type = ma.fields.String(
        required=True,
        validate=validate.OneOf(TASK_TYPES),
        metadata={
            "description": (
                "visit 入户走访, verify 信息核实, hazard 隐患排查, notice 通"
                "知送达, follow_up 诉求跟进, agency 代办服务, other 其他"
            )
        },
    )
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    due_at = UtcDateTime(
        allow_none=True, validate=not_in_past, metadata={"description": "with an offset; not in the past"}
    )
    priority = ma.fields.String(load_default="normal", validate=validate.OneOf(PRIORITIES))
    checklist_template_id = _ids(
        metadata={"description": "copy this template's items (default: the type's template nearest to the grid)"}
    )
    checklist = ma.fields.List(
        ma.fields.Nested(ChecklistItemInSchema),
        validate=validate.Length(max=MAX_CHECKLIST),
        metadata={"description": "explicit items instead of a template ([] for none)"},
    )


class TaskCreateSchema(TaskFieldsSchema):
    target_kind = ma.fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    target_id = _ids(required=True)
    assignee_id = _ids(allow_none=True, metadata={"description": "omitted: the grid's worker; null: unassigned"})


class TaskBulkSchema(TaskFieldsSchema):
    org_unit_id = _ids(required=True, metadata={"description": "every target inside this org subtree"})
    target_kind = ma.fields.String(required=True, validate=validate.OneOf(("grid", "compound", "building")))
    title = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": '"{target}" is replaced by each target\'s name'},
    )
    dry_run = ma.fields.Boolean(
        load_default=False, metadata={"description": "true: answer what would be made (the same summary), make nothing"}
    )


class TaskUpdateSchema(Schema):
    type = ma.fields.String(validate=validate.OneOf(TASK_TYPES))
    title = ma.fields.String(validate=validate.Length(min=1, max=120))
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    due_at = UtcDateTime(allow_none=True, validate=not_in_past)
    priority = ma.fields.String(validate=validate.OneOf(PRIORITIES))
    checklist = ma.fields.List(
        ma.fields.Nested(ChecklistItemInSchema), allow_none=True, validate=validate.Length(max=MAX_CHECKLIST)
    )

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("task.nothing_to_change", "_schema")


class ReassignSchema(Schema):
    assignee_id = _ids(
        required=True, allow_none=True, metadata={"description": "a grid worker of the task's grid; null: unassigned"}
    )


class CancelSchema(Schema):
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=500))


class ReopenSchema(Schema):
    assignee_id = _ids(allow_none=True, metadata={"description": "omitted: keep the assignee"})
    due_at = UtcDateTime(allow_none=True, validate=not_in_past)


class TaskListArgsSchema(PageArgsSchema):
    org_unit_id = _query_id(metadata={"description": "only tasks in grids inside this org subtree"})
    status = ma.fields.String(validate=validate.OneOf(TASK_STATUSES))
    type = ma.fields.String(validate=validate.OneOf(TASK_TYPES))
    grid_id = _query_id()
    compound_id = _query_id()
    assignee_id = _query_id()
    unassigned = ma.fields.Boolean()
    overdue = ma.fields.Boolean(metadata={"description": "open (assigned or in progress) and past its due time"})
    open = ma.fields.Boolean(metadata={"description": "open: assigned or in progress (false: the others)"})
    batch_id = ma.fields.String(validate=validate.Length(max=36))
    q = ma.fields.String(validate=validate.Length(max=40), metadata={"description": "title contains"})
    created_in = dashboard.period_arg("given out")
    finished_in = dashboard.period_arg("finished")


class TaskExportArgsSchema(TaskListArgsSchema):
    """The filters of GET /api/tasks, without the page: the export has every row."""

    class Meta:
        exclude = ("page", "per_page")


class ProgressArgsSchema(Schema):
    org_unit_id = _query_id(metadata={"description": "default: your whole jurisdiction"})
    type = ma.fields.String(validate=validate.OneOf(TASK_TYPES))
    batch_id = ma.fields.String(validate=validate.Length(max=36))


class TargetSearchArgsSchema(PageArgsSchema):
    q = ma.fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={"description": "words, each held by the compound's, building's, 单元's or room's name"},
    )
    kinds = DelimitedList(
        ma.fields.String(validate=validate.OneOf(TARGET_PLACE_KINDS)),
        load_default=["household"],
        validate=validate.Length(min=1, max=len(TARGET_PLACE_KINDS)),
        metadata={"description": "comma-separated: compound, building, household (the default)"},
    )
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class TargetStepSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    name = ma.fields.String()


class TargetHitSchema(Schema):
    scope_type = ma.fields.String(metadata={"description": "the kind again (the scope picker's field)"})
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "compound, building or household: target_kind"})
    name = ma.fields.String(metadata={"description": "a household: 楼栋 单元 房号"})
    path = ma.fields.List(ma.fields.Nested(TargetStepSchema), metadata={"description": "its community, compound"})
    grid_id = ma.fields.Integer(allow_none=True, metadata={"description": "the grid a task on it goes to"})
    grid_name = ma.fields.String(allow_none=True)


TargetHitPageSchema = page_of(TargetHitSchema)


class ReportListArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        load_default="new",
        validate=validate.OneOf((*REPORT_STATUSES, "handled", "all")),
        metadata={"description": "new (the default), converted, dismissed, handled (converted or dismissed) or all"},
    )
    org_unit_id = _query_id()
    grid_id = _query_id()
    category = ma.fields.String(validate=validate.OneOf(REPORT_CATEGORIES))
    period = dashboard.period_arg("reported")


class ReportExportArgsSchema(ReportListArgsSchema):
    """The filters of GET /api/field-reports, without the page."""

    class Meta:
        exclude = ("page", "per_page")


class ConvertSchema(TaskCreateSchema):
    """Overrides of the prefilled task (GET …/draft): what creating a task takes, checklist
    choice included, every field optional; everything omitted comes from the draft."""

    def __init__(self, **kwargs):
        # partial: nothing is required and no default is filled in (a default priority would
        # override the draft's).
        super().__init__(partial=True, **kwargs)


class DismissSchema(Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=500))


class TemplateCreateSchema(Schema):
    task_type = ma.fields.String(required=True, validate=validate.OneOf(TASK_TYPES))
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    items = ma.fields.List(
        ma.fields.Nested(ChecklistItemInSchema), required=True, validate=validate.Length(min=1, max=MAX_CHECKLIST)
    )
    org_unit_id = _ids(
        allow_none=True, metadata={"description": "where it applies (its subtree); null: city-wide (city admins)"}
    )
    active = ma.fields.Boolean(load_default=True)


class TemplateUpdateSchema(Schema):
    name = ma.fields.String(validate=validate.Length(min=1, max=80))
    items = ma.fields.List(ma.fields.Nested(ChecklistItemInSchema), validate=validate.Length(min=1, max=MAX_CHECKLIST))
    active = ma.fields.Boolean()


class TemplateListArgsSchema(Schema):
    task_type = ma.fields.String(validate=validate.OneOf(TASK_TYPES))
    include_inactive = ma.fields.Boolean(load_default=False)


# --- output ----------------------------------------------------------------------------------


class HistoryEntrySchema(Schema):
    """One change of a task (server.tasks.rules): a status change, a reassignment, or both."""

    _from = ma.fields.String(
        data_key="from",
        attribute="from",
        allow_none=True,
        metadata={"description": "the status before (null: created)"},
    )
    to = ma.fields.String(metadata={"description": "the status after; the same as before for a reassignment alone"})
    by = ma.fields.Integer(allow_none=True, metadata={"description": "who made the change"})
    by_name = ma.fields.String(allow_none=True)
    device_at = ma.fields.String(allow_none=True, metadata={"description": "when, by the phone's clock"})
    server_at = ma.fields.String(metadata={"description": "when the server took it"})
    location = ma.fields.Nested(LocationSchema, allow_none=True, metadata={"description": "where the phone was"})
    reason = ma.fields.String(allow_none=True)
    assignee_from = ma.fields.Integer(
        allow_none=True, metadata={"description": "reassignments only: the worker before (null: nobody)"}
    )
    assignee_from_name = ma.fields.String(allow_none=True)
    assignee_to = ma.fields.Integer(
        allow_none=True, metadata={"description": "reassignments only: the worker after (null: nobody)"}
    )
    assignee_to_name = ma.fields.String(allow_none=True)
    via = ma.fields.String(
        metadata={"description": "conflict_resolution: an admin took the losing value of a conflict"}
    )


class TaskViewSchema(TaskRecordSchema):
    id = ma.fields.String()
    version = BigInteger()
    overdue = ma.fields.Boolean()
    grid_name = ma.fields.String(allow_none=True)
    compound_name = ma.fields.String(allow_none=True)
    building_name = ma.fields.String(allow_none=True)
    household_name = ma.fields.String(
        allow_none=True, metadata={"description": 'unit and room ("1单元 102") of a household target'}
    )
    household_head = ma.fields.String(
        allow_none=True,
        metadata={"description": "the household's head (else first resident), read from the register at each read"},
    )
    assignee_name = ma.fields.String(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(HistoryEntrySchema), allow_none=True)


class BulkGridSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class SkippedTargetSchema(Schema):
    target_kind = ma.fields.String()
    target_id = ma.fields.Integer()
    name = ma.fields.String()
    reason = ma.fields.String(metadata={"description": "why no task was made for it (localized)"})


class BulkGridCountSchema(BulkGridSchema):
    tasks = ma.fields.Integer(metadata={"description": "tasks for targets in this grid"})
    unassigned = ma.fields.Integer(metadata={"description": "of them without an assignee (the grid has no worker)"})


class BulkResultSchema(Schema):
    batch_id = ma.fields.String(allow_none=True, metadata={"description": "the tasks' batch_id; null on a dry run"})
    dry_run = ma.fields.Boolean(metadata={"description": "true: nothing was made; the counts say what would be"})
    created = ma.fields.Integer(metadata={"description": "tasks made (dry run: that would be made)"})
    assigned = ma.fields.Integer()
    unassigned = ma.fields.Integer(metadata={"description": "tasks made in grids that have no grid worker"})
    grids = ma.fields.List(
        ma.fields.Nested(BulkGridCountSchema), metadata={"description": "per grid with tasks, by grid id"}
    )
    unassigned_grids = ma.fields.List(
        ma.fields.Nested(BulkGridSchema), metadata={"description": "grids without a worker: their tasks wait for one"}
    )
    skipped = ma.fields.List(ma.fields.Nested(SkippedTargetSchema), metadata={"description": "targets in no grid"})
    message = ma.fields.String(metadata={"description": "a sentence for the admin (localized)"})


class StatusCountsSchema(Schema):
    total = ma.fields.Integer()
    assigned = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    done = ma.fields.Integer()
    unable = ma.fields.Integer()
    cancelled = ma.fields.Integer()
    overdue = ma.fields.Integer()
    unassigned = ma.fields.Integer(metadata={"description": "open tasks without an assignee"})
    done_late = ma.fields.Integer(
        metadata={"description": "逾期完成: done tasks finished (phone time) after their deadline, among `done`"}
    )


class UserRefSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class GridProgressSchema(StatusCountsSchema):
    grid_id = ma.fields.Integer()
    grid_name = ma.fields.String()
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    workers = ma.fields.List(
        ma.fields.Nested(UserRefSchema), metadata={"description": "the grid's workers by id; the first gets new tasks"}
    )


class ProgressSchema(Schema):
    generated_at = UtcDateTime()
    totals = ma.fields.Nested(StatusCountsSchema)
    grids = ma.fields.List(
        ma.fields.Nested(GridProgressSchema), metadata={"description": "every grid of the subtree, tasks or not"}
    )


class FieldReportViewSchema(FieldReportRecordSchema):
    id = ma.fields.String()
    version = BigInteger()
    grid_name = ma.fields.String(allow_none=True)
    reporter_name = ma.fields.String(allow_none=True)
    place_name = ma.fields.String(allow_none=True)


class TaskDraftSchema(Schema):
    type = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    target_kind = ma.fields.String()
    target_id = ma.fields.Integer()
    target_name = ma.fields.String()
    assignee_id = ma.fields.Integer(allow_none=True)
    priority = ma.fields.String()
    source_report_id = ma.fields.String()


class ConvertResultSchema(Schema):
    report = ma.fields.Nested(FieldReportViewSchema)
    task = ma.fields.Nested(TaskViewSchema)


class TemplateSchema(Schema):
    id = ma.fields.Integer()
    task_type = ma.fields.String()
    name = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(ChecklistItemSchema))
    org_unit_id = ma.fields.Integer(allow_none=True)
    active = ma.fields.Boolean()
    created_at = UtcDateTime()


TaskPageSchema = page_of(TaskViewSchema)
FieldReportPageSchema = page_of(FieldReportViewSchema)
