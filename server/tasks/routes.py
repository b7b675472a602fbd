"""Tasks, field problem reports and checklist templates over HTTP (the sync endpoints carry the
records themselves; these are the admin's actions and views)."""

from flask_login import current_user, login_required

from server.core.edge import Blueprint
from server.core.xlsx import export_route
from server.tasks import (
    exports,
    models,  # noqa: F401  (the tables, for the app and Alembic)
    reports,
    service,
    targets,
    templates,
    views,
)
from server.tasks import sync as _entities  # noqa: F401  (registers "task" and "field_report" with the engine)
from server.tasks.schemas import (
    BulkResultSchema,
    CancelSchema,
    ConvertResultSchema,
    ConvertSchema,
    DismissSchema,
    FieldReportPageSchema,
    FieldReportViewSchema,
    ProgressArgsSchema,
    ProgressSchema,
    ReassignSchema,
    ReopenSchema,
    ReportExportArgsSchema,
    ReportListArgsSchema,
    TargetHitPageSchema,
    TargetSearchArgsSchema,
    TaskBulkSchema,
    TaskCreateSchema,
    TaskDraftSchema,
    TaskExportArgsSchema,
    TaskListArgsSchema,
    TaskPageSchema,
    TaskUpdateSchema,
    TaskViewSchema,
    TemplateCreateSchema,
    TemplateListArgsSchema,
    TemplateSchema,
    TemplateUpdateSchema,
)

blp = Blueprint("tasks", __name__, url_prefix="/api", description="Grid work: tasks, field reports, checklists")


@blp.route("/tasks", methods=["GET"])
@login_required
@blp.arguments(TaskListArgsSchema, location="query")
@blp.response(200, TaskPageSchema)
def tasks(args):
    """Tasks in your scope (admins: your jurisdiction; grid workers: your grids), newest first."""
    return views.list_tasks(current_user, **args)


@export_route(blp, "/tasks/export.xlsx", TaskExportArgsSchema)
def export_tasks(args):
    """GET /api/tasks's rows for the same filters and scope, every page, as an Excel workbook (§24)."""
    return exports.tasks_xlsx(current_user, args)


@blp.route("/tasks", methods=["POST"])
@login_required
@blp.arguments(TaskCreateSchema)
@blp.response(201, TaskViewSchema)
def create_task(data):
    """Create one task for a grid, compound, building or household (admins)."""
    return views.get_task(current_user, service.create_task(current_user, data))


@blp.route("/tasks/bulk", methods=["POST"])
@login_required
@blp.arguments(TaskBulkSchema)
@blp.response(201, BulkResultSchema)
@blp.alt_response(200, schema=BulkResultSchema, description="dry_run: what would be made; nothing was", success=True)
def bulk_create(data):
    """One task per grid, compound or building of an org subtree, each for its grid's worker (admins).

    With "dry_run": true, the same summary of what it would make (tasks per grid, unassigned,
    skipped) and nothing is made: 200 instead of 201.
    """
    result = service.bulk_create(current_user, data)
    return (result, 200) if result["dry_run"] else result


@blp.route("/tasks/progress", methods=["GET"])
@login_required
@blp.arguments(ProgressArgsSchema, location="query")
@blp.response(200, ProgressSchema)
def progress(args):
    """Task counts per status, overdue and unassigned, per grid of your jurisdiction (admins)."""
    return views.progress(current_user, **args)


@blp.route("/tasks/<task_id>", methods=["GET"])
@login_required
@blp.response(200, TaskViewSchema)
def task(task_id):
    """One task in your scope."""
    return views.get_task(current_user, task_id)


@blp.route("/tasks/<task_id>", methods=["PATCH"])
@login_required
@blp.arguments(TaskUpdateSchema)
@blp.response(200, TaskViewSchema)
def edit_task(changes, task_id):
    """Change a task's type, title, description, due time, priority or checklist (admins)."""
    return views.get_task(current_user, service.edit_task(current_user, task_id, changes))


@blp.route("/tasks/<task_id>/reassign", methods=["POST"])
@login_required
@blp.arguments(ReassignSchema)
@blp.response(200, TaskViewSchema)
def reassign(data, task_id):
    """Give a task to another grid worker of its grid, or to nobody (admins)."""
    return views.get_task(current_user, service.reassign_task(current_user, task_id, data["assignee_id"]))


@blp.route("/tasks/<task_id>/cancel", methods=["POST"])
@login_required
@blp.arguments(CancelSchema)
@blp.response(200, TaskViewSchema)
def cancel(data, task_id):
    """Cancel a task that is not done (admins)."""
    return views.get_task(current_user, service.cancel_task(current_user, task_id, data.get("reason")))


@blp.route("/tasks/<task_id>/reopen", methods=["POST"])
@login_required
@blp.arguments(ReopenSchema)
@blp.response(200, TaskViewSchema)
def reopen(data, task_id):
    """Give a cancelled, unable or done task out again (admins)."""
    return views.get_task(current_user, service.reopen_task(current_user, task_id, data))


# --- field problem reports -------------------------------------------------------------------


@blp.route("/task-targets", methods=["GET"])
@login_required
@blp.arguments(TargetSearchArgsSchema, location="query")
@blp.response(200, TargetHitPageSchema)
def task_targets(args):
    """Search the compounds, buildings and households of your jurisdiction a task may go to
    (admins; the new-task form's place picker): every word of `q` held by the compound's,
    building's, 单元's or room's name; the hits of a compound together, each with its grid."""
    return targets.search_targets(current_user, **args)


@blp.route("/field-reports", methods=["GET"])
@login_required
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, FieldReportPageSchema)
def field_reports(args):
    """Problems reported from the field in your scope; admins' queue: status=new, oldest first."""
    return views.list_reports(current_user, **args)


@export_route(blp, "/field-reports/export.xlsx", ReportExportArgsSchema)
def export_field_reports(args):
    """GET /api/field-reports's rows for the same filters and scope, every page, as an Excel workbook (§24)."""
    return exports.reports_xlsx(current_user, args)


@blp.route("/field-reports/<report_id>", methods=["GET"])
@login_required
@blp.response(200, FieldReportViewSchema)
def field_report(report_id):
    """One field report in your scope."""
    return views.get_report(current_user, report_id)


@blp.route("/field-reports/<report_id>/draft", methods=["GET"])
@login_required
@blp.response(200, TaskDraftSchema)
def field_report_draft(report_id):
    """The task prefilled from a report, for the admin's form (admins)."""
    return reports.draft(current_user, report_id)


@blp.route("/field-reports/<report_id>/convert", methods=["POST"])
@login_required
@blp.arguments(ConvertSchema)
@blp.response(201, ConvertResultSchema)
def convert(data, report_id):
    """Turn a report into a task: the draft with your changes (admins)."""
    report_id, task_id = reports.convert(current_user, report_id, data)
    return {"report": views.get_report(current_user, report_id), "task": views.get_task(current_user, task_id)}


@blp.route("/field-reports/<report_id>/dismiss", methods=["POST"])
@login_required
@blp.arguments(DismissSchema)
@blp.response(200, FieldReportViewSchema)
def dismiss(data, report_id):
    """Close a report without a task, with a reason (admins)."""
    return views.get_report(current_user, reports.dismiss(current_user, report_id, data["reason"]))


# --- checklist templates -----------------------------------------------------------------------


@blp.route("/checklist-templates", methods=["GET"])
@login_required
@blp.arguments(TemplateListArgsSchema, location="query")
@blp.response(200, TemplateSchema(many=True))
def checklist_templates(args):
    """Checklist templates that apply in your jurisdiction (admins)."""
    return templates.list_templates(current_user, **args)


@blp.route("/checklist-templates", methods=["POST"])
@login_required
@blp.arguments(TemplateCreateSchema)
@blp.response(201, TemplateSchema)
def create_checklist_template(data):
    """A checklist template for a task type, for an org unit of yours or city-wide (admins)."""
    return templates.create_template(current_user, data)


@blp.route("/checklist-templates/<int:template_id>", methods=["PATCH"])
@login_required
@blp.arguments(TemplateUpdateSchema)
@blp.response(200, TemplateSchema)
def update_checklist_template(changes, template_id):
    """Rename a template, change its items or (de)activate it; tasks given out keep theirs (admins)."""
    return templates.update_template(current_user, template_id, changes)


@blp.route("/checklist-templates/<int:template_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete_checklist_template(template_id):
    """Delete a checklist template (admins)."""
    templates.delete_template(current_user, template_id)
