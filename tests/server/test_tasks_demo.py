"""The demo's grid work (server/demo/tasks.py): templates per type, a few dozen tasks per demo grid
worker in every state, a bulk fire-safety check, field reports; all pullable by the phones."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from server.auth.models import User
from server.demo import DEMO_ACCOUNTS
from server.extensions import db
from server.sync.models import SyncLogEntry
from server.tasks.models import TASK_TYPES, ChecklistTemplate, FieldReport, Task
from tests.conftest import AuthActions

PASSWORDS = {a["phone"]: a["password"] for a in DEMO_ACCOUNTS}


def user_id(phone):
    return db.session.scalar(select(User.id).where(User.phone == phone))


def test_templates_per_type_from_the_article(demo_app):
    app, summary = demo_app
    with app.app_context():
        templates = {t.task_type: t for t in db.session.scalars(select(ChecklistTemplate))}
        assert summary["counts"]["checklist_templates"] == len(templates) >= 6
        assert [i["text"] for i in templates["visit"].items] == [
            "核对家庭成员信息",
            "了解困难和诉求",
            "检查燃气用电安全",
            "宣传惠民政策",
        ]
        assert all(t.org_unit_id is None and t.active for t in templates.values())


def test_each_demo_worker_has_a_few_dozen_tasks_in_every_state(demo_app):
    app, summary = demo_app
    now = datetime.now(UTC)
    with app.app_context():
        assert summary["counts"]["tasks"] == db.session.scalar(select(func.count()).select_from(Task))
        for phone in ("13800000003", "13800000004"):
            tasks = db.session.scalars(select(Task).where(Task.assignee_id == user_id(phone))).all()
            assert 30 <= len(tasks) <= 60, phone
            assert len({t.type for t in tasks}) >= 5
            statuses = {t.status for t in tasks}
            assert {"assigned", "done"} <= statuses and len(statuses) >= 4, statuses
            due = [
                t.due_at.replace(tzinfo=UTC) if t.due_at.tzinfo is None else t.due_at
                for t in tasks
                if t.status in ("assigned", "in_progress")
            ]
            assert any(d < now for d in due) and any(d > now for d in due)  # overdue, and still to do
            for task in tasks:
                assert task.history[0]["to"] == "assigned" and task.history[-1]["to"] == task.status
                assert task.grid_id and task.title and task.created_by_id == user_id("13800000002")
            done = [t for t in tasks if t.status == "done"]
            assert all(t.outcome and t.finished_at for t in done)
            assert any(t.checklist_answers for t in done) and any(t.location for t in done)
            assert all(t.unable_reason for t in tasks if t.status == "unable")
        bulk = db.session.scalars(select(Task).where(Task.batch_id.is_not(None))).all()
        assert bulk and all(t.title.endswith("消防器材检查") for t in bulk)
        assert len({t.batch_id for t in bulk}) == 1


def test_field_reports_new_converted_and_dismissed(demo_app):
    app, summary = demo_app
    with app.app_context():
        reports = db.session.scalars(select(FieldReport)).all()
        assert summary["counts"]["field_reports"] == len(reports) >= 6
        assert {r.status for r in reports} == {"new", "converted", "dismissed"}
        for converted in (r for r in reports if r.status == "converted"):
            assert db.session.get(Task, converted.task_id).source_report_id == converted.id


def test_the_demo_workers_phone_pulls_its_tasks(demo_app):
    app, _summary = demo_app
    with app.app_context():
        worker_id = user_id("13800000003")
        expected = db.session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.grid_id.in_(select(Task.grid_id).where(Task.assignee_id == worker_id)))
        )
        in_log = db.session.scalar(
            select(func.count())
            .select_from(SyncLogEntry)
            .where(SyncLogEntry.entity == "task", SyncLogEntry.bucket.like("grid:%"))
        )
        assert in_log == db.session.scalar(select(func.count()).select_from(Task))
    auth = AuthActions(app.test_client())
    assert auth.login("13800000003", PASSWORDS["13800000003"]).status_code == 200
    page = auth.send(
        "POST", "/api/sync/pull", json={"protocol": "redgrid-sync/1", "cursor": None, "limit": 2000}
    ).get_json()
    tasks = [c for c in page["changes"] if c["entity"] == "task"]
    assert len(tasks) == expected and {t["data"]["type"] for t in tasks} <= set(TASK_TYPES)
    progress = AuthActions(app.test_client())
    progress.login("13800000002", PASSWORDS["13800000002"])
    body = progress.client.get("/api/tasks/progress").get_json()
    assert body["totals"]["total"] >= 60 and body["totals"]["overdue"] > 0 and body["totals"]["done"] > 0
