"""Bulk creation's dry run (POST /api/tasks/bulk with "dry_run": true): the summary of what the
bulk creation would make, the same as the real run then makes, and nothing written."""

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.extensions import socketio
from server.sync.models import SyncLogEntry, SyncMutation, SyncState
from server.tasks.models import Task
from tests.conftest import executed_statements
from tests.server.tasks_support import HEXI_ADMIN, ROOT_ADMIN, WORKER_A, later, signed_in

WRITES = ("INSERT", "UPDATE", "DELETE")


def stored(db) -> dict:
    """What a bulk creation writes: tasks, change log, mutation results, audit, the last seq."""
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Task, SyncLogEntry, SyncMutation, AuditEntry)
    }
    counts["last_seq"] = db.session.scalar(select(SyncState.last_seq))
    db.session.rollback()  # the next look sees what was committed since
    return counts


def summary(result: dict) -> dict:
    """A bulk creation's answer but what only a real run has (its batch) and the wording."""
    return {k: v for k, v in result.items() if k not in ("batch_id", "dry_run", "message")}


def bulk(world, unit: str, kind: str) -> dict:
    return {
        "org_unit_id": getattr(world, unit),
        "target_kind": kind,
        "type": "hazard",
        "title": "{target} 消防器材检查",
        "due_at": later(days=7),
        "priority": "high",
    }


def test_a_dry_run_answers_what_would_be_made_and_writes_nothing(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    sockets = socketio.test_client(app, flask_test_client=signed_in(app, WORKER_A).client)
    sockets.get_received()
    before = stored(db)
    answers = []
    statements = executed_statements(
        app,
        lambda: answers.append(
            admin.send("POST", "/api/tasks/bulk", json={**bulk(world, "hexi", "building"), "dry_run": True})
        ),
    )
    (response,) = answers
    assert response.status_code == 200, response.get_json()
    preview = response.get_json()
    assert (preview["dry_run"], preview["batch_id"]) == (True, None)
    assert (preview["created"], preview["assigned"], preview["unassigned"]) == (3, 3, 0)
    assert preview["grids"] == [
        {"id": world.g1, "name": "河西社区第一网格", "tasks": 2, "unassigned": 0},
        {"id": world.g2, "name": "河西社区第二网格", "tasks": 1, "unassigned": 0},
    ]
    assert [(s["target_id"], s["name"]) for s in preview["skipped"]] == [(world.b_wenfeng2, "文峰苑 2号楼")]
    assert preview["message"] == "将派发 3 项任务（预览，尚未派发）。另有 1 个对象不属于任何网格，不会派发。"
    # Nothing written, not even under the sync lock; nobody was told to pull.
    assert [s for s in statements if s.lstrip().upper().startswith(WRITES)] == []
    assert stored(db) == before
    assert [e for e in sockets.get_received() if e["name"] == "sync:poke"] == []


@pytest.mark.parametrize(
    ("phone", "unit", "kind"),
    [(HEXI_ADMIN, "hexi", "building"), (HEXI_ADMIN, "hexi", "compound"), (ROOT_ADMIN, "city", "grid")],
    ids=["buildings, one in no grid", "compounds", "grids, two without a worker"],
)
def test_the_real_run_makes_what_its_dry_run_said(app, world, db, phone, unit, kind):
    admin = signed_in(app, phone)
    preview = admin.send("POST", "/api/tasks/bulk", json={**bulk(world, unit, kind), "dry_run": True}).get_json()
    before = stored(db)
    response = admin.send("POST", "/api/tasks/bulk", json=bulk(world, unit, kind))
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["dry_run"] is False and made["batch_id"]
    assert summary(made) == summary(preview)
    assert stored(db)["Task"] == before["Task"] + preview["created"]
    per_grid = db.session.execute(
        select(Task.grid_id, func.count(), func.count(Task.assignee_id))
        .where(Task.batch_id == made["batch_id"])
        .group_by(Task.grid_id)
        .order_by(Task.grid_id)
    ).all()
    assert [(g["id"], g["tasks"], g["tasks"] - g["unassigned"]) for g in preview["grids"]] == [
        tuple(row) for row in per_grid
    ]


def test_a_dry_run_is_refused_as_the_real_run_would_be(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    outside = admin.send("POST", "/api/tasks/bulk", json={**bulk(world, "dongcheng", "building"), "dry_run": True})
    assert outside.status_code == 404 and list(outside.get_json()["error"]["fields"]) == ["org_unit_id"]
    past = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={**bulk(world, "hexi", "building"), "due_at": "2020-01-01T00:00:00Z", "dry_run": True},
    )
    assert past.status_code == 422 and list(past.get_json()["error"]["fields"]) == ["due_at"]
    worker = signed_in(app, WORKER_A)
    assert (
        worker.send("POST", "/api/tasks/bulk", json={**bulk(world, "hexi", "building"), "dry_run": True}).status_code
        == 403
    )
