"""Who sees grid work (DESIGN.md §1): tasks and field reports are seen by the admins above their
grid and the grid's workers, as the rows authz answers (registered by create_app) and as the
sync buckets they live in (grid:<id>, org:<unit> …, server/tasks/places.py)."""

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement

from server import authz
from server.auth.models import User
from server.tasks.models import FieldReport, Task

__all__ = ["visible_tasks", "visible_field_reports", "VISIBILITY"]


def visible_tasks(user: User) -> ColumnElement:
    """Tasks of the grids in an admin's subtrees and of a grid worker's own grids."""
    s = authz.scopes_of(user)
    if s.is_root_admin:
        return true()
    return Task.grid_id.in_(authz.working_grids(s)) if authz.works_on_places(s) else false()


def visible_field_reports(user: User) -> ColumnElement:
    """Field problem reports, seen like the tasks of their grid."""
    s = authz.scopes_of(user)
    if s.is_root_admin:
        return true()
    return FieldReport.grid_id.in_(authz.working_grids(s)) if authz.works_on_places(s) else false()


VISIBILITY = {Task: visible_tasks, FieldReport: visible_field_reports}
