"""What grid work brings to the app (wired by create_app, server/core/parts.py): tasks, field
reports and residents' needs (诉求), which land in a grid worker's work beside their tasks."""

from server.core import regrid as grid_changes
from server.core.parts import Part
from server.tasks import (
    access,
    dashboard,
    messages,
    monthly,
    need_deadlines,
    need_lists,
    need_messages,
    need_routes,
    need_sync,
    regrid,
    routes,
    sync,
)

PART = Part(
    "tasks",
    blueprints=(routes.blp, need_routes.blp),
    catalogs=(messages.entries, need_messages.entries),
    sync_entities=(sync.TASK, sync.FIELD_REPORT, need_sync.NEED),
    visibility=access.VISIBILITY,
    periodic=(need_deadlines.PERIODIC,),
    commands=(need_deadlines.needs_command,),
    open_needs=need_lists.open_needs,  # the needs list, for matching (供需对接)
    monthly=(monthly.tasks_section, monthly.needs_section),
    regrid=(regrid.move_grid_work,),  # tasks, field reports and needs follow their places (§25)
    init=lambda app: grid_changes.register_cache(regrid.CACHE),
    dashboard=(dashboard.tasks_section, dashboard.reports_section, dashboard.needs_section),
)
