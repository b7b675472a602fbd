"""Tasks, field problem reports and checklist templates over HTTP (the sync endpoints carry the
records themselves; these are the admin's actions and views)."""
from flask_smorest import Blueprint

from server.tasks import models  # noqa: F401  (the tables, for the app and Alembic)

blp = Blueprint("tasks", __name__, url_prefix="/api", description="Grid work: tasks, field reports, checklists")
