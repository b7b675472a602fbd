"""Tasks, field reports and needs follow their places to another grid (sync/PROTOCOL.md §25).

Registered at assembly as the tasks part's regrid hook (server/core/regrid.py). The org part has
changed its own rows (coverages, grid workers' roles) when this runs; here the grid work moves:

- places moved from grid A to grid B (COVERED): the *open* tasks on them (assigned, in
  progress), the *new* field reports and the open needs go to B. What is closed stays in A's
  history. A task whose assignee is not a worker of B becomes unassigned (B's admin gives it
  out again); a history entry says it moved (grid_from, grid_to).
- grid A merged into B (MERGED): every task, field report and need of A, open or closed, goes to
  B (A is no more); the assignees stay (A's workers became B's workers).
- places leaving every grid (B none): their rows stay in A until closed; places joining a grid
  from none had no grid work.

Each row moves through the sync engine's writer (server-made, new seq): a delete in grid:A, the
record in grid:B and the org buckets, poked after the commit.
"""

from sqlalchemy import or_, select

from server.core import clock, pokes, regrid
from server.core.fields import iso
from server.extensions import db
from server.org.models import Household
from server.sync.writer import Writer
from server.tasks import places
from server.tasks.models import FieldReport, Task
from server.tasks.need_models import OPEN_NEED_STATUSES, Need
from sync import Actor

OPEN_TASK_STATUSES = ("assigned", "in_progress")
CACHE = "_redgrid_task_caches"  # server.tasks.places: the places and workers of a request


def move_grid_work(change: regrid.GridChange) -> None:
    if change.kind not in (regrid.COVERED, regrid.MERGED) or None in (change.from_grid_id, change.to_grid_id):
        return
    merged = change.kind == regrid.MERGED
    tasks, reports, needs = _rows(change, merged)
    writer = Writer(actor=Actor(change.by_user_id, {}), client_id=f"api:{change.by_user_id}")
    to_grid = change.to_grid_id
    workers = set(places.grid_workers(to_grid))
    now = iso(clock.now())
    task_changes = {}
    for task in tasks:
        assignee = task.assignee_id if (merged or task.assignee_id in workers) else None
        entry = {
            "from": task.status,
            "to": task.status,
            "by": change.by_user_id,
            "device_at": None,
            "server_at": now,
            "location": None,
            "reason": None,
            "grid_from": task.grid_id,
            "grid_to": to_grid,
        }
        if assignee != task.assignee_id:
            entry.update(assignee_from=task.assignee_id, assignee_to=None)
        task_changes[task.id] = {"grid_id": to_grid, "assignee_id": assignee, "history": [*(task.history or []), entry]}
    writer.rewrite("task", task_changes)
    writer.rewrite("field_report", {report.id: {"grid_id": to_grid} for report in reports})
    writer.rewrite("need", {need.id: {"grid_id": to_grid} for need in needs})
    pokes.after_commit(writer.store.touched)  # the org part commits; the phones hear after it


def _rows(change, merged):
    """The tasks, field reports and needs that go (see the module's docstring)."""
    grid = change.from_grid_id
    task_q = select(Task).where(Task.grid_id == grid, Task.deleted.is_(False))
    report_q = select(FieldReport).where(FieldReport.grid_id == grid, FieldReport.deleted.is_(False))
    need_q = select(Need).where(Need.grid_id == grid, Need.deleted.is_(False))
    if not merged:
        buildings, compounds = sorted(change.building_ids), sorted(change.compound_ids)
        task_q = task_q.where(
            Task.status.in_(OPEN_TASK_STATUSES),
            or_(
                Task.building_id.in_(buildings),
                Task.building_id.is_(None) & Task.compound_id.in_(compounds),
            ),
        )
        report_q = report_q.where(FieldReport.status == "new", FieldReport.building_id.in_(buildings))
        need_q = need_q.where(
            Need.status.in_(OPEN_NEED_STATUSES),
            Need.household_id.in_(select(Household.id).where(Household.building_id.in_(buildings))),
        )
    order = (Task.id, FieldReport.id, Need.id)
    return [list(db.session.scalars(q.order_by(o))) for q, o in zip((task_q, report_q, need_q), order)]
