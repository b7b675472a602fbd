"""The admins' task endpoints: create one, bulk-create per target of a subtree, edit, reassign,
cancel, reopen, list, progress per grid, checklist templates; bad input gets per-field messages."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.audit.models import AuditEntry
from server.extensions import socketio
from server.notices.models import InboxEntry
from server.sync.models import SyncLogEntry
from server.tasks.models import Task
from tests.conftest import count_statements
from tests.factories import rid
from tests.server.tasks_support import (
    HEXI_ADMIN,
    ROOT_ADMIN,
    WORKER_A,
    WORKER_B,
    create,
    later,
    new_task,
    pull_all,
    push_one,
    signed_in,
    task_update,
)


@pytest.fixture
def admin(app, world):
    return signed_in(app, HEXI_ADMIN)


def error_of(response, status=422) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- one task --------------------------------------------------------------------------------


def test_a_new_task_goes_to_its_grids_worker_with_the_places_derived(admin, world, db):
    task = new_task(
        admin, "household", world.hh_hexi1[1], due_at="2030-01-01T18:00:00+08:00", description="了解家庭情况"
    )
    assert (task["grid_id"], task["compound_id"], task["building_id"], task["household_id"]) == (
        world.g1,
        world.hexi_xiaoqu,
        world.b_hexi1,
        world.hh_hexi1[1],
    )
    assert (task["assignee_id"], task["assignee_name"], task["grid_name"]) == (
        world.worker_a,
        "网格员甲",
        "河西社区第一网格",
    )
    assert (task["status"], task["priority"], task["due_at"], task["created_by_id"]) == (
        "assigned",
        "normal",
        "2030-01-01T10:00:00.000Z",
        world.hexi_admin,
    )
    assert task["version"] > 0 and task["overdue"] is False
    assert "task.create" in audit_actions(db)
    # Written through the engine: in the change log of the grid and of every org unit above it.
    buckets = set(db.session.scalars(select(SyncLogEntry.bucket).where(SyncLogEntry.record_id == task["id"])))
    assert buckets == {
        f"grid:{world.g1}",
        *(f"org:{u}" for u in (world.city, world.weidu, world.wenfeng, world.hexi, world.g1)),
    }


def test_a_task_may_be_left_unassigned_or_given_to_a_named_worker(admin, world):
    assert new_task(admin, "building", world.b_hexi1, assignee_id=None)["assignee_id"] is None
    refused = admin.send(
        "POST",
        "/api/tasks",
        json={
            "type": "visit",
            "title": "走访",
            "target_kind": "building",
            "target_id": world.b_hexi1,
            "assignee_id": world.worker_b,
        },
    )
    error = error_of(refused)
    assert error["code"] == "assignee_not_in_grid" and error["fields"] == {"assignee_id": ["只能派给该网格的网格员。"]}


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"type": "visit", "title": "走访"}, {"target_kind": ["此项必填。"], "target_id": ["此项必填。"]}),
        (
            {"type": "patrol", "title": "走访", "target_kind": "building", "target_id": 1},
            {"type": ["应为以下之一：visit, verify, hazard, notice, follow_up, agency, other。"]},
        ),
        (
            {"type": "visit", "title": "", "target_kind": "street", "target_id": 1},
            {
                "title": ["长度应在 1 到 120 之间。"],
                "target_kind": ["应为以下之一：grid, compound, building, household。"],
            },
        ),
        (
            {
                "type": "visit",
                "title": "走访",
                "target_kind": "building",
                "target_id": 1,
                "due_at": "2020-01-01T00:00:00Z",
            },
            {"due_at": ["截止时间不能早于现在。"]},
        ),
        (
            {"type": "visit", "title": "走访", "target_kind": "building", "target_id": 1, "due_at": "2030-01-01 18:00"},
            {"due_at": ["日期时间须带时区，如 2026-12-01T18:00:00+08:00。"]},
        ),
    ],
)
def test_bad_input_gets_field_messages(admin, world, body, fields):
    error = error_of(admin.send("POST", "/api/tasks", json=body))
    assert error["code"] == "validation" and error["message"] == "提交的内容有误，请按提示修改。"
    assert error["fields"] == fields


def test_a_target_in_no_grid_or_outside_the_jurisdiction_is_refused_clearly(admin, world):
    body = {"type": "visit", "title": "走访", "target_kind": "building"}
    error = error_of(admin.send("POST", "/api/tasks", json={**body, "target_id": world.b_wenfeng2}))
    assert (error["code"], error["fields"]) == ("target_no_grid", {"target_id": ["任务对象不属于任何网格，无法派发。"]})
    for target in (world.b_dihao1, 999_999):
        error = error_of(admin.send("POST", "/api/tasks", json={**body, "target_id": target}))
        assert (error["code"], error["fields"]) == (
            "target_missing",
            {"target_id": ["任务对象不存在或不在您的管辖范围内。"]},
        )


def test_an_admins_phone_may_create_tasks_through_sync_by_the_same_rules(admin, world):
    base = {"type": "visit", "title": "走访", "target_kind": "building"}
    applied = push_one(
        admin, create("task", rid("t-1"), **base, target_id=world.b_hexi1, due_at=later()), client_id="desk"
    )
    assert applied["status"] == "applied" and applied["record"]["data"]["grid_id"] == world.g1
    no_grid = push_one(admin, create("task", rid("t-2"), **base, target_id=world.b_wenfeng2), client_id="desk")
    assert no_grid["error"] == {
        "code": "target_no_grid",
        "message": "任务对象不属于任何网格，无法派发。",
        "fields": {"target_id": ["任务对象不属于任何网格，无法派发。"]},
    }
    past = push_one(
        admin,
        create("task", rid("t-3"), **base, target_id=world.b_hexi1, due_at="2020-01-01T00:00:00Z"),
        client_id="desk",
    )
    assert past["error"]["code"] == "due_in_past" and past["error"]["fields"] == {"due_at": ["截止时间不能早于现在。"]}
    bad = push_one(
        admin,
        create("task", rid("t-4"), **{**base, "type": "patrol", "title": ""}, target_id=world.b_hexi1),
        client_id="desk",
    )
    assert bad["error"]["code"] == "invalid"
    assert bad["error"]["fields"] == {
        "type": ["应为以下之一：visit, verify, hazard, notice, follow_up, agency, other。"],
        "title": ["长度应在 1 到 120 之间。"],
    }
    # Without a target the task is nowhere: nobody's scope holds it.
    nowhere = push_one(admin, create("task", rid("t-5"), type="visit", title="走访"), client_id="desk")
    assert nowhere["error"]["code"] == "out_of_scope"
    worker = signed_in(admin.client.application, WORKER_A)
    refused = push_one(worker, create("task", rid("t-6"), **base, target_id=world.b_hexi1))
    assert refused["error"]["code"] == "forbidden_op"


def test_only_admins_manage_tasks(app, world):
    worker = signed_in(app, WORKER_A)
    body = {"type": "visit", "title": "走访", "target_kind": "building", "target_id": world.b_hexi1}
    assert error_of(worker.send("POST", "/api/tasks", json=body), 403)["code"] == "forbidden"
    bulk = {"org_unit_id": world.hexi, "target_kind": "building", "type": "visit", "title": "走访"}
    assert error_of(worker.send("POST", "/api/tasks/bulk", json=bulk), 403)["code"] == "forbidden"
    assert error_of(worker.client.get("/api/tasks/progress"), 403)["code"] == "forbidden"
    assert error_of(worker.client.get("/api/checklist-templates"), 403)["code"] == "forbidden"


# --- edit, reassign, cancel, reopen ---------------------------------------------------------------


def test_edit_reassign_cancel_and_reopen_go_through_the_engine_and_are_audited(app, admin, world, db):
    from server.auth.models import RoleAssignment

    db.session.add(RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1))
    db.session.commit()
    task = new_task(admin, "building", world.b_hexi1)
    edited = admin.send(
        "PATCH",
        f"/api/tasks/{task['id']}",
        json={"title": "消防器材检查", "due_at": later(days=5), "checklist": [{"text": "灭火器在有效期内"}]},
    )
    assert edited.status_code == 200
    assert edited.get_json()["checklist"] == [{"key": "item1", "text": "灭火器在有效期内"}]
    assert error_of(admin.send("PATCH", f"/api/tasks/{task['id']}", json={}))["fields"] == {
        "_schema": ["没有要修改的内容。"]
    }
    assert error_of(admin.send("PATCH", f"/api/tasks/{task['id']}", json={"due_at": "2020-01-01T00:00:00Z"}))[
        "fields"
    ] == {"due_at": ["截止时间不能早于现在。"]}
    moved = admin.send("POST", f"/api/tasks/{task['id']}/reassign", json={"assignee_id": world.worker_b}).get_json()
    assert moved["assignee_id"] == world.worker_b
    outside = admin.send("POST", f"/api/tasks/{task['id']}/reassign", json={"assignee_id": world.steward})
    assert error_of(outside)["fields"] == {"assignee_id": ["只能派给该网格的网格员。"]}
    cancelled = admin.send("POST", f"/api/tasks/{task['id']}/cancel", json={"reason": "重复派发"}).get_json()
    assert cancelled["status"] == "cancelled" and cancelled["history"][-1]["reason"] == "重复派发"
    reopened = admin.send("POST", f"/api/tasks/{task['id']}/reopen", json={"assignee_id": world.worker_a}).get_json()
    assert (reopened["status"], reopened["assignee_id"]) == ("assigned", world.worker_a)
    assert [(h["from"], h["to"]) for h in reopened["history"]] == [
        (None, "assigned"),
        ("assigned", "assigned"),
        ("assigned", "cancelled"),
        ("cancelled", "assigned"),
    ]
    assert audit_actions(db)[-5:] == ["task.create", "task.update", "task.reassign", "task.cancel", "task.reopen"]
    # The worker's phone has it all as one record, at its latest version.
    (change,) = [c for c in pull_all(signed_in(app, WORKER_A)) if c["id"] == task["id"]]
    assert change["version"] == reopened["version"] and change["data"]["title"] == "消防器材检查"


def test_an_admin_outside_the_tasks_grid_cannot_touch_it(app, admin, world):
    task = new_task(admin, "building", world.b_hexi1)
    other = signed_in(app, "13800000006")  # property staff: not an admin at all
    assert error_of(other.send("POST", f"/api/tasks/{task['id']}/cancel", json={}), 403)["code"] == "forbidden"
    # An admin of another community: the task does not exist for them.
    from server.auth.models import RoleAssignment
    from server.extensions import db

    with app.app_context():
        db.session.add(RoleAssignment(user_id=world.staff, role="admin", org_unit_id=world.dihao_community))
        db.session.commit()
    assert error_of(other.send("POST", f"/api/tasks/{task['id']}/cancel", json={}), 404)["code"] == "not_found"
    assert error_of(other.client.get(f"/api/tasks/{task['id']}"), 404)["code"] == "not_found"


def test_a_reassignment_is_in_the_history_with_who_when_from_whom_to_whom(app, admin, world, db):
    from server.auth.models import RoleAssignment

    db.session.add(RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1))
    db.session.commit()
    task = new_task(admin, "building", world.b_hexi1)
    moved = admin.send("POST", f"/api/tasks/{task['id']}/reassign", json={"assignee_id": world.worker_b}).get_json()
    created, reassigned = moved["history"]
    assert (created["by"], created["by_name"]) == (world.hexi_admin, "河西社区管理员")
    assert (reassigned["from"], reassigned["to"], reassigned["by"], reassigned["by_name"]) == (
        "assigned",
        "assigned",
        world.hexi_admin,
        "河西社区管理员",
    )
    assert (
        reassigned["assignee_from"],
        reassigned["assignee_from_name"],
        reassigned["assignee_to"],
        reassigned["assignee_to_name"],
    ) == (world.worker_a, "网格员甲", world.worker_b, "网格员乙")
    assert reassigned["server_at"].endswith("Z") and reassigned["device_at"] is None
    # To nobody, then given out again on reopening: one entry says both the move and the status.
    unassigned = admin.send("POST", f"/api/tasks/{task['id']}/reassign", json={"assignee_id": None}).get_json()
    assert (
        unassigned["history"][-1]["assignee_from_name"],
        unassigned["history"][-1]["assignee_to"],
        unassigned["history"][-1]["assignee_to_name"],
    ) == ("网格员乙", None, None)
    admin.send("POST", f"/api/tasks/{task['id']}/cancel", json={"reason": "无人负责"})
    reopened = admin.send("POST", f"/api/tasks/{task['id']}/reopen", json={"assignee_id": world.worker_a}).get_json()
    last = reopened["history"][-1]
    assert (last["from"], last["to"], last["assignee_from"], last["assignee_to_name"]) == (
        "cancelled",
        "assigned",
        None,
        "网格员甲",
    )
    # The record the phones sync has the same entries, without the names (the views add them).
    (change,) = [c for c in pull_all(signed_in(app, WORKER_A)) if c["id"] == task["id"]]
    assert [(h["from"], h["to"], h.get("assignee_to")) for h in change["data"]["history"]] == [
        (None, "assigned", None),
        ("assigned", "assigned", world.worker_b),
        ("assigned", "assigned", None),
        ("assigned", "cancelled", None),
        ("cancelled", "assigned", world.worker_a),
    ]
    assert not any("by_name" in h for h in change["data"]["history"])


def test_cancelling_a_cancelled_task_is_refused_and_changes_nothing(admin, world, db):
    task = new_task(admin, "building", world.b_hexi1)
    cancelled = admin.send("POST", f"/api/tasks/{task['id']}/cancel", json={"reason": "重复派发"}).get_json()
    again = admin.send("POST", f"/api/tasks/{task['id']}/cancel", json={"reason": "再次取消"})
    error = error_of(again)
    assert (error["code"], error["message"], error["fields"]) == (
        "already_cancelled",
        "该任务已经取消，无需再次取消。",
        {"status": ["该任务已经取消，无需再次取消。"]},
    )
    now = admin.client.get(f"/api/tasks/{task['id']}").get_json()
    assert (now["version"], now["history"]) == (cancelled["version"], cancelled["history"])
    assert audit_actions(db).count("task.cancel") == 1
    admin.send("PATCH", "/api/me", json={"locale": "en"})
    assert (
        error_of(admin.send("POST", f"/api/tasks/{task['id']}/cancel", json={}))["message"]
        == "This task is cancelled already."
    )


def test_a_task_for_a_household_names_it(admin, world):
    task = new_task(admin, "household", world.hh_hexi1[2])
    assert (task["compound_name"], task["building_name"], task["household_name"]) == ("河西小区", "1号楼", "1单元 201")
    listed = admin.client.get("/api/tasks").get_json()["items"]
    assert [t["household_name"] for t in listed] == ["1单元 201"]
    assert new_task(admin, "building", world.b_hexi1)["household_name"] is None


def test_names_in_histories_cost_one_query_however_many_tasks_and_entries(app, admin, world, db):
    from server.auth.models import RoleAssignment

    db.session.add(RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1))
    db.session.commit()
    first = new_task(admin, "building", world.b_hexi1)

    def listing():
        assert admin.client.get("/api/tasks").status_code == 200

    listing()  # warm: the session row is touched at most once an hour
    one = count_statements(app, listing)
    for _ in range(3):
        task = new_task(admin, "building", world.b_hexi2)
        for assignee in (world.worker_b, world.worker_a, world.worker_b):
            admin.send("POST", f"/api/tasks/{task['id']}/reassign", json={"assignee_id": assignee})
    many = count_statements(app, listing)
    assert one == many, (one, many)
    items = admin.client.get("/api/tasks").get_json()["items"]
    assert {h["by_name"] for t in items for h in t["history"]} == {"河西社区管理员"}
    assert {h["assignee_to_name"] for t in items for h in t["history"][1:]} == {"网格员甲", "网格员乙"}
    assert [t["id"] for t in items][-1] == first["id"]


# --- bulk ---------------------------------------------------------------------------------------


def test_bulk_creates_one_task_per_building_each_for_its_grids_worker(app, admin, world, db):
    sockets = socketio.test_client(app, flask_test_client=signed_in(app, WORKER_A).client)
    sockets.get_received()
    response = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={
            "org_unit_id": world.hexi,
            "target_kind": "building",
            "type": "hazard",
            "title": "{target} 消防器材检查",
            "due_at": later(days=7),
            "priority": "high",
        },
    )
    assert response.status_code == 201, response.get_json()
    result = response.get_json()
    assert (result["created"], result["assigned"], result["unassigned"], result["unassigned_grids"]) == (3, 3, 0, [])
    assert [(s["target_id"], s["name"]) for s in result["skipped"]] == [(world.b_wenfeng2, "文峰苑 2号楼")]
    assert result["message"] == "已派发 3 项任务。另有 1 个对象不属于任何网格，未派发。"
    tasks = db.session.scalars(select(Task).where(Task.batch_id == result["batch_id"]).order_by(Task.target_id)).all()
    assert [(t.target_id, t.assignee_id, t.title) for t in tasks] == [
        (world.b_hexi1, world.worker_a, "河西小区 1号楼 消防器材检查"),
        (world.b_hexi2, world.worker_a, "河西小区 2号楼 消防器材检查"),
        (world.b_wenfeng1, world.worker_b, "文峰苑 1号楼 消防器材检查"),
    ]
    # One change-log row per task per bucket: the grid and the 5 org units above it.
    rows = db.session.execute(
        select(SyncLogEntry.record_id, func.count())
        .where(SyncLogEntry.entity == "task")
        .group_by(SyncLogEntry.record_id)
    ).all()
    assert sorted(n for _, n in rows) == [6, 6, 6]
    # Each worker pulls their own grid's tasks only, and was poked after the commit.
    assert sorted(c["data"]["target_id"] for c in pull_all(signed_in(app, WORKER_A)) if c["entity"] == "task") == [
        world.b_hexi1,
        world.b_hexi2,
    ]
    assert [c["data"]["target_id"] for c in pull_all(signed_in(app, WORKER_B)) if c["entity"] == "task"] == [
        world.b_wenfeng1
    ]
    assert any(
        event["name"] == "sync:poke" and f"grid:{world.g1}" in event["args"][0]["buckets"]
        for event in sockets.get_received()
    )
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "task.bulk_create"))
    assert entry.details["created"] == 3 and entry.details["batch_id"] == result["batch_id"]


def inbox_of(auth) -> list[dict]:
    return [c["data"] for c in pull_all(auth) if c["entity"] == "inbox"]


def test_bulk_tells_each_worker_once_per_run_how_many_tasks_they_got(app, admin, world, db):
    from server.auth.models import User
    from server.tasks import service

    db.session.get(User, world.worker_b).locale = "en"
    db.session.commit()
    worker_a, worker_b = signed_in(app, WORKER_A), signed_in(app, WORKER_B)
    live = socketio.test_client(app, flask_test_client=worker_a.client)
    live.get_received()
    bulk = {
        "org_unit_id": world.hexi,
        "target_kind": "building",
        "type": "hazard",
        "title": "{target} 消防器材检查",
        "priority": "urgent",
    }
    first = admin.send("POST", "/api/tasks/bulk", json=bulk).get_json()
    # 甲 got two tasks, 乙 one: one notice each (in their language), not one per task.
    (mine,) = inbox_of(worker_a)
    assert (mine["kind"], mine["title"], mine["level"], mine["link"]) == (
        "tasks_assigned",
        "2 项新任务：消防器材检查",
        "urgent",
        "#/",
    )
    assert "2 项任务" in mine["body"] and mine["data"] == {"batch_id": first["batch_id"], "count": 2}
    (theirs,) = inbox_of(worker_b)
    assert (theirs["title"], theirs["data"]["count"]) == ("New tasks (1): 消防器材检查", 1)
    assert [e["args"][0]["title"] for e in live.get_received() if e["name"] == "alert"] == ["2 项新任务：消防器材检查"]
    # Nobody else hears of it: not the admin, nor anyone without tasks in the run.
    assert inbox_of(admin) == []
    assert sorted(db.session.scalars(select(InboxEntry.user_id))) == sorted([world.worker_a, world.worker_b])
    # The same run told again (a retried job) adds nothing; the next run is news.
    with app.app_context():
        service._notify_workers(first["batch_id"], bulk, [{"assignee_id": world.worker_a, "title": "x"}] * 2)
        db.session.commit()
    assert len(inbox_of(worker_a)) == 1
    second = admin.send(
        "POST", "/api/tasks/bulk", json={**bulk, "org_unit_id": world.g2, "title": "复查{target}"}
    ).get_json()
    assert second["created"] == 1
    assert sorted(e["title"] for e in inbox_of(worker_b)) == ["New tasks (1): 复查", "New tasks (1): 消防器材检查"]
    assert len(inbox_of(worker_a)) == 1


def test_bulk_per_grid_says_which_grids_have_no_worker(app, world):
    root = signed_in(app, ROOT_ADMIN)
    result = root.send(
        "POST",
        "/api/tasks/bulk",
        json={"org_unit_id": world.city, "target_kind": "grid", "type": "notice", "title": "送达停水通知"},
    ).get_json()
    assert (result["created"], result["assigned"], result["unassigned"]) == (4, 2, 2)
    assert result["unassigned_grids"] == [
        {"id": world.g3, "name": "七里店社区第一网格"},
        {"id": world.g4, "name": "帝豪社区第一网格"},
    ]
    assert "其中 2 项所在网格暂无网格员（七里店社区第一网格、帝豪社区第一网格），待指派。" in result["message"]


def test_bulk_per_compound_and_its_limits(admin, world, db):
    result = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={"org_unit_id": world.hexi, "target_kind": "compound", "type": "verify", "title": "核实{target}出租房屋"},
    ).get_json()
    places = db.session.execute(
        select(Task.target_id, Task.grid_id, Task.title)
        .where(Task.batch_id == result["batch_id"])
        .order_by(Task.target_id)
    ).all()
    # 文峰苑 is covered building by building: it goes to the grid of its first covered building.
    assert places == [
        (world.hexi_xiaoqu, world.g1, "核实河西小区出租房屋"),
        (world.wenfeng_yuan, world.g2, "核实文峰苑出租房屋"),
    ]
    outside = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={"org_unit_id": world.dongcheng, "target_kind": "building", "type": "visit", "title": "x"},
    )
    assert error_of(outside, 404)["fields"] == {"org_unit_id": ["找不到该内容，或您无权查看。"]}
    households = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={"org_unit_id": world.hexi, "target_kind": "household", "type": "visit", "title": "x"},
    )
    assert list(error_of(households)["fields"]) == ["target_kind"]
    past = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={
            "org_unit_id": world.hexi,
            "target_kind": "building",
            "type": "visit",
            "title": "x",
            "due_at": "2020-01-01T00:00:00Z",
        },
    )
    assert error_of(past)["fields"] == {"due_at": ["截止时间不能早于现在。"]}
    assert db.session.scalar(select(func.count()).select_from(Task)) == 2


# --- lists and progress -----------------------------------------------------------------------


def overdue(db, task_id):
    """Make a task overdue (a due time in the past cannot be given on creation)."""
    task = db.session.get(Task, task_id)
    task.due_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()


def test_the_task_list_filters_and_pages(app, admin, world, db):
    worker = signed_in(app, WORKER_A)
    a = new_task(admin, "building", world.b_hexi1, type="hazard", due_at=later())
    b = new_task(admin, "building", world.b_hexi2)
    c = new_task(admin, "building", world.b_wenfeng1, title="送达通知", type="notice")
    push_one(worker, task_update(a["id"], a["version"], status="done"))
    overdue(db, b["id"])

    def ids(**query):
        response = admin.client.get("/api/tasks", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [t["id"] for t in response.get_json()["items"]]

    assert set(ids()) == {a["id"], b["id"], c["id"]}
    assert ids(status="done") == [a["id"]]
    assert ids(type="notice") == [c["id"]]
    assert set(ids(grid_id=world.g1)) == {a["id"], b["id"]}
    assert set(ids(assignee_id=world.worker_a)) == {a["id"], b["id"]}
    assert ids(overdue="true") == [b["id"]]
    assert set(ids(overdue="false")) == {a["id"], c["id"]}
    assert ids(q="通知") == [c["id"]]
    assert ids(compound_id=world.wenfeng_yuan) == [c["id"]]
    page = admin.client.get("/api/tasks", query_string={"per_page": 2}).get_json()
    assert (page["total"], len(page["items"]), page["page"]) == (3, 2, 1)
    assert admin.client.get(f"/api/tasks/{b['id']}").get_json()["overdue"] is True
    # A grid worker lists their own grid's tasks.
    assert {t["id"] for t in worker.client.get("/api/tasks").get_json()["items"]} == {a["id"], b["id"]}


def test_progress_per_grid_of_the_admins_subtree(app, admin, world, db):
    worker = signed_in(app, WORKER_A)
    tasks = [new_task(admin, "building", world.b_hexi1) for _ in range(3)]
    new_task(admin, "building", world.b_wenfeng1, assignee_id=None)
    push_one(worker, task_update(tasks[0]["id"], tasks[0]["version"], status="done"))
    push_one(worker, task_update(tasks[1]["id"], tasks[1]["version"], status="in_progress"))
    overdue(db, tasks[2]["id"])
    body = admin.client.get("/api/tasks/progress").get_json()
    by_grid = {g["grid_id"]: g for g in body["grids"]}
    assert set(by_grid) == {world.g1, world.g2}
    g1, g2 = by_grid[world.g1], by_grid[world.g2]
    assert (g1["total"], g1["assigned"], g1["in_progress"], g1["done"], g1["overdue"], g1["unassigned"]) == (
        3,
        1,
        1,
        1,
        1,
        0,
    )
    assert (g1["grid_name"], g1["community_name"], g1["workers"]) == (
        "河西社区第一网格",
        "河西社区",
        [{"id": world.worker_a, "name": "网格员甲"}],
    )
    assert (g2["total"], g2["assigned"], g2["unassigned"]) == (1, 1, 1)
    assert body["totals"]["total"] == 4 and body["totals"]["overdue"] == 1
    only_g2 = admin.client.get("/api/tasks/progress", query_string={"org_unit_id": world.g2}).get_json()
    assert [g["grid_id"] for g in only_g2["grids"]] == [world.g2]
    assert (
        error_of(admin.client.get("/api/tasks/progress", query_string={"org_unit_id": world.dongcheng}), 404)["code"]
        == "not_found"
    )
    city = signed_in(app, ROOT_ADMIN).client.get("/api/tasks/progress").get_json()
    assert len(city["grids"]) == 4 and city["totals"]["total"] == 4


def test_progress_counts_the_tasks_done_after_their_deadline(app, admin, world, db):
    worker = signed_in(app, WORKER_A)
    late, on_time, still_open = (new_task(admin, "building", world.b_hexi1, due_at=later()) for _ in range(3))
    overdue(db, late["id"])
    overdue(db, still_open["id"])
    finished = datetime.now(UTC).isoformat()
    for task in (late, on_time):
        version = admin.client.get(f"/api/tasks/{task['id']}").get_json()["version"]
        push_one(worker, task_update(task["id"], version, status="done", finished_at=finished))
    g1 = {g["grid_id"]: g for g in admin.client.get("/api/tasks/progress").get_json()["grids"]}[world.g1]
    # 逾期完成 is among the done; the open one past its deadline is overdue, not done late.
    assert (g1["done"], g1["done_late"], g1["overdue"]) == (2, 1, 1)


# --- checklist templates ----------------------------------------------------------------------


def test_checklist_templates_are_managed_by_admins_and_copied_into_new_tasks(app, admin, world, db):
    root = signed_in(app, ROOT_ADMIN)
    city = root.send(
        "POST",
        "/api/checklist-templates",
        json={
            "task_type": "visit",
            "name": "入户走访",
            "items": [{"text": "核对家庭成员信息"}, {"text": "了解困难和诉求"}],
        },
    )
    assert city.status_code == 201 and city.get_json()["items"] == [
        {"key": "item1", "text": "核对家庭成员信息"},
        {"key": "item2", "text": "了解困难和诉求"},
    ]
    assert error_of(
        admin.send(
            "POST", "/api/checklist-templates", json={"task_type": "visit", "name": "x", "items": [{"text": "x"}]}
        ),
        403,
    )["fields"] == {"org_unit_id": ["只有市级管理员可以设置全市通用的模板。"]}
    local = admin.send(
        "POST",
        "/api/checklist-templates",
        json={
            "task_type": "visit",
            "name": "河西走访",
            "org_unit_id": world.hexi,
            "items": [{"key": "gas", "text": "检查燃气用电安全"}],
        },
    )
    assert local.status_code == 201
    assert (
        error_of(
            admin.send(
                "POST",
                "/api/checklist-templates",
                json={"task_type": "visit", "name": "x", "org_unit_id": world.dongcheng, "items": [{"text": "x"}]},
            ),
            404,
        )["code"]
        == "not_found"
    )
    # The nearest template of the type is copied; another community gets the city's.
    assert new_task(admin, "building", world.b_hexi1)["checklist"] == [{"key": "gas", "text": "检查燃气用电安全"}]
    assert new_task(root, "building", world.b_dihao1)["checklist"] == city.get_json()["items"]
    assert (
        new_task(admin, "building", world.b_hexi1, checklist_template_id=city.get_json()["id"])["checklist"]
        == city.get_json()["items"]
    )
    assert new_task(admin, "building", world.b_hexi1, checklist=[])["checklist"] == []
    assert new_task(admin, "building", world.b_hexi1, type="hazard")["checklist"] is None
    wrong = admin.send(
        "POST",
        "/api/tasks",
        json={
            "type": "hazard",
            "title": "x",
            "target_kind": "building",
            "target_id": world.b_hexi1,
            "checklist_template_id": city.get_json()["id"],
        },
    )
    assert error_of(wrong)["fields"] == {"checklist_template_id": ["检查清单模板不适用于该任务类型。"]}
    # Editing a template changes no task already given out.
    template_id = local.get_json()["id"]
    assert (
        admin.send("PATCH", f"/api/checklist-templates/{template_id}", json={"items": [{"text": "新项目"}]}).status_code
        == 200
    )
    assert db.session.scalars(select(Task.checklist).where(Task.target_id == world.b_hexi1)).first() == [
        {"key": "gas", "text": "检查燃气用电安全"}
    ]
    listed = admin.client.get("/api/checklist-templates", query_string={"task_type": "visit"}).get_json()
    assert [t["name"] for t in listed] == ["入户走访", "河西走访"]
    assert (
        error_of(admin.send("PATCH", f"/api/checklist-templates/{city.get_json()['id']}", json={"name": "x"}), 403)[
            "code"
        ]
        == "forbidden"
    )
    assert admin.send("DELETE", f"/api/checklist-templates/{template_id}").status_code == 204
    assert [t["name"] for t in admin.client.get("/api/checklist-templates").get_json()] == ["入户走访"]
    assert {"checklist_template.create", "checklist_template.update", "checklist_template.delete"} <= set(
        audit_actions(db)
    )


def test_malformed_targets_through_sync_are_refused_not_crashed(admin, world):
    for target_kind, target_id in (
        ("building", [1]),
        ("building", "1"),
        ("building", True),
        ({"a": 1}, 1),
        ("building", -3),
    ):
        result = push_one(
            admin,
            create(
                "task",
                rid(f"t-{target_id}-{target_kind}"),
                type="visit",
                title="走访",
                target_kind=target_kind,
                target_id=target_id,
            ),
            client_id="desk",
        )
        assert result["error"]["code"] == "out_of_scope", (target_kind, target_id)


def test_bulk_inside_one_grid_takes_what_the_grid_covers(admin, world, db):
    """Below a community, compounds and buildings are a grid's by coverage: g1 covers 河西小区
    whole, g2 covers one building of 文峰苑."""
    g1 = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={"org_unit_id": world.g1, "target_kind": "building", "type": "hazard", "title": "{target} 消防检查"},
    ).get_json()
    assert g1["created"] == 2, g1
    targets = db.session.scalars(
        select(Task.target_id).where(Task.batch_id == g1["batch_id"]).order_by(Task.target_id)
    ).all()
    assert targets == [world.b_hexi1, world.b_hexi2]
    g2 = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={"org_unit_id": world.g2, "target_kind": "building", "type": "hazard", "title": "{target} 消防检查"},
    ).get_json()
    assert (
        g2["created"] == 1
        and db.session.scalar(select(Task.target_id).where(Task.batch_id == g2["batch_id"])) == world.b_wenfeng1
    )
    compounds = admin.send(
        "POST",
        "/api/tasks/bulk",
        json={"org_unit_id": world.g2, "target_kind": "compound", "type": "verify", "title": "核实{target}"},
    ).get_json()
    assert (
        compounds["created"] == 1
        and db.session.scalar(select(Task.target_id).where(Task.batch_id == compounds["batch_id"]))
        == world.wenfeng_yuan
    )
