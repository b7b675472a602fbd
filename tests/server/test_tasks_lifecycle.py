"""A task's lifecycle through POST /api/sync/push (PROTOCOL.md §11.1): the moves a grid worker
and an admin may make, the history every move leaves, and every refused move with its message."""

from tests.server.tasks_support import (
    WORKER_A,
    WORKER_B,
    later,
    new_task,
    photo,
    push_one,
    signed_in,
    task_update,
)

HERE = {"lat": 34.0312, "lng": 113.8521, "accuracy": 12.5}


def refused(result) -> tuple[str, str, dict]:
    assert result["status"] == "rejected", result
    assert result["record"] is None
    return result["error"]["code"], result["error"]["message"], result["error"]["fields"]


def test_a_worker_starts_and_completes_a_task_and_each_move_is_recorded(people, world):
    admin, worker = people
    task = new_task(admin, "household", world.hh_hexi1[0], due_at=later(days=2))
    started = push_one(
        worker,
        task_update(
            task["id"],
            task["version"],
            status="in_progress",
            status_device_at="2026-11-27T09:14:03+08:00",
            status_location=HERE,
            started_at="2026-11-27T09:14:00+08:00",
        ),
    )
    assert started["status"] == "applied"
    done = push_one(
        worker,
        task_update(
            task["id"],
            started["version"],
            status="done",
            status_device_at="2026-11-27T09:40:00+08:00",
            status_location=HERE,
            outcome="ok",
            notes="老人身体状况良好，子女每周探望。",
            checklist_answers={"a": "yes"},
            location=HERE,
            location_status="ok",
            finished_at="2026-11-27T09:39:30+08:00",
        ),
    )
    assert done["status"] == "applied"
    data = done["record"]["data"]
    assert (data["status"], data["outcome"], data["started_at"], data["finished_at"]) == (
        "done",
        "ok",
        "2026-11-27T01:14:00.000Z",
        "2026-11-27T01:39:30.000Z",
    )
    created, start, finish = data["history"]
    assert (created["from"], created["to"], created["by"]) == (None, "assigned", world.hexi_admin)
    assert (start["from"], start["to"], start["by"], start["device_at"], start["location"]) == (
        "assigned",
        "in_progress",
        world.worker_a,
        "2026-11-27T01:14:03.000Z",
        HERE,
    )
    assert (finish["from"], finish["to"], finish["device_at"]) == ("in_progress", "done", "2026-11-27T01:40:00.000Z")
    assert start["server_at"] <= finish["server_at"] and finish["server_at"].endswith("Z")


def test_a_worker_may_go_straight_to_done_or_unable_with_a_reason(people, world):
    admin, worker = people
    first = new_task(admin, "building", world.b_hexi1)
    second = new_task(admin, "building", world.b_hexi2)
    assert (
        push_one(worker, task_update(first["id"], first["version"], status="done", outcome="problem_found"))["status"]
        == "applied"
    )
    result = push_one(
        worker, task_update(second["id"], second["version"], status="unable", unable_reason="多次上门无人在家")
    )
    assert result["status"] == "applied"
    assert result["record"]["data"]["history"][-1]["reason"] == "多次上门无人在家"


def test_unable_without_a_reason_is_refused(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    for fields in ({"status": "unable"}, {"status": "unable", "unable_reason": "  "}):
        code, message, errors = refused(push_one(worker, task_update(task["id"], task["version"], **fields)))
        assert code == "unable_reason_required"
        assert message == "标记为“无法完成”时必须填写原因。"
        assert errors == {"unable_reason": ["标记为“无法完成”时必须填写原因。"]}


def test_a_worker_cannot_cancel_nor_move_a_finished_or_cancelled_task(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    code, message, errors = refused(push_one(worker, task_update(task["id"], task["version"], status="cancelled")))
    assert (code, message, errors) == (
        "cancel_admin_only",
        "只有管理员可以取消任务。",
        {"status": ["只有管理员可以取消任务。"]},
    )
    done = push_one(worker, task_update(task["id"], task["version"], status="done"))
    for status in ("in_progress", "unable", "assigned"):
        code, message, errors = refused(
            push_one(worker, task_update(task["id"], done["version"], status=status, unable_reason="x"))
        )
        assert code == "task_closed" and message == "该任务已办结，不能再更改状态；如需重办请联系管理员。", status
        assert errors == {"status": [message]}
    other = new_task(admin, "building", world.b_hexi2)
    cancelled = admin.send("POST", f"/api/tasks/{other['id']}/cancel", json={"reason": "重复派发"}).get_json()
    code, message, errors = refused(
        push_one(worker, task_update(other["id"], cancelled["version"], status="in_progress"))
    )
    assert (code, message) == ("task_cancelled", "该任务已取消。")
    # The report of a task the worker knew to be cancelled is refused too (nothing to report on).
    code, _message, errors = refused(push_one(worker, task_update(other["id"], cancelled["version"], notes="已走访")))
    assert code == "task_cancelled" and errors == {"notes": ["该任务已取消。"]}


def test_a_task_cannot_go_back_to_assigned_by_a_worker(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    started = push_one(worker, task_update(task["id"], task["version"], status="in_progress"))
    code, message, _ = refused(push_one(worker, task_update(task["id"], started["version"], status="assigned")))
    assert (code, message) == ("transition", "任务状态不能这样变更。")


def test_only_the_assignee_works_a_task(app, people, world, db):
    admin, worker = people
    from server.auth.models import RoleAssignment

    # A second worker of the same grid sees the task but may not work it.
    db.session.add(RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1))
    db.session.commit()
    other = signed_in(app, WORKER_B)
    task = new_task(admin, "building", world.b_hexi1)
    code, message, errors = refused(
        push_one(other, task_update(task["id"], task["version"], status="done", notes="代别人办"), client_id="phone-b")
    )
    assert code == "not_assignee"
    assert message == "该任务没有派给您，不能办理或填写反馈。"
    assert errors == {"notes": [message], "status": [message]}
    # Nor report on it without a status change.
    code, _, errors = refused(
        push_one(other, task_update(task["id"], task["version"], photos=[photo(other)]), client_id="phone-b")
    )
    assert code == "not_assignee" and errors == {"photos": [message]}


def test_an_admin_may_not_do_the_workers_moves(people, world):
    admin, _worker = people
    task = new_task(admin, "building", world.b_hexi1)
    code, message, errors = refused(
        push_one(admin, task_update(task["id"], task["version"], status="done"), client_id="desk")
    )
    assert (code, message, errors) == (
        "worker_only",
        "只有负责该任务的网格员可以办理。",
        {"status": ["只有负责该任务的网格员可以办理。"]},
    )
    code, _, errors = refused(
        push_one(admin, task_update(task["id"], task["version"], notes="管理员代写"), client_id="desk")
    )
    assert code == "forbidden_field" and errors == {"notes": ["您的角色不能修改此项。"]}


def test_an_admin_cancels_and_reopens(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    cancelled = push_one(admin, task_update(task["id"], task["version"], status="cancelled"), client_id="desk")
    assert cancelled["status"] == "applied"
    reopened = push_one(admin, task_update(task["id"], cancelled["version"], status="assigned"), client_id="desk")
    assert reopened["record"]["data"]["status"] == "assigned"
    assert [h["to"] for h in reopened["record"]["data"]["history"]] == ["assigned", "cancelled", "assigned"]
    done = push_one(worker, task_update(task["id"], reopened["version"], status="done"))
    assert done["status"] == "applied"
    code, message, _ = refused(
        push_one(admin, task_update(task["id"], done["version"], status="cancelled"), client_id="desk")
    )
    assert (code, message) == ("task_closed", "该任务已办结，不能再更改状态；如需重办请联系管理员。")
    again = push_one(admin, task_update(task["id"], done["version"], status="assigned"), client_id="desk")
    assert again["status"] == "applied"


def test_server_only_fields_and_the_target_are_not_the_clients(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    for client, fields in (
        (worker, {"history": []}),
        (worker, {"grid_id": world.g2}),
        (admin, {"created_by_id": 1}),
        (admin, {"batch_id": "x"}),
    ):
        code, _, errors = refused(push_one(client, task_update(task["id"], task["version"], **fields)))
        assert code == "forbidden_field" and list(errors) == list(fields)
    code, _, errors = refused(
        push_one(admin, task_update(task["id"], task["version"], target_id=world.b_hexi2), client_id="desk")
    )
    assert code == "create_only" and errors == {"target_id": ["创建后不能修改。"]}


def test_a_workers_report_is_checked_field_by_field(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    result = push_one(
        worker,
        task_update(
            task["id"],
            task["version"],
            outcome="great",
            location={"lat": 134, "lng": 113.8},
            checklist_answers={"item1": "maybe"},
            notes="长" * 4001,
        ),
    )
    code, message, errors = refused(result)
    assert (code, message) == ("invalid", "内容有误，请按提示修改。")
    assert errors["outcome"] == ["应为以下之一：ok, problem_found, follow_up_needed。"]
    assert errors["notes"] == ["最多 4000 个字符。"]
    assert errors["location"] == ["应在 -90 到 90 之间。"]
    assert errors["checklist_answers"] == ["应为以下之一：yes, no, na。"]
    code, _, errors = refused(
        push_one(worker, task_update(task["id"], task["version"], location=HERE, location_status="denied"))
    )
    assert code == "invalid" and errors == {"location_status": ["已有定位时不能标记为“无法定位”。"]}
    code, _, errors = refused(push_one(worker, task_update(task["id"], task["version"], location_status="ok")))
    assert errors == {"location": ["定位状态为“已定位”时必须有位置。"]}
    # An explicit "no location" is a report of its own.
    assert push_one(worker, task_update(task["id"], task["version"], location_status="denied"))["status"] == "applied"
    # And a naive time (no offset) says what is wrong.
    code, _, errors = refused(
        push_one(worker, task_update(task["id"], task["version"], finished_at="2026-11-27 09:00"))
    )
    assert errors == {"finished_at": ["日期时间须带时区，如 2026-12-01T18:00:00+08:00。"]}


def test_refusals_speak_english_to_english_users(app, people, world, db):
    from server.auth.models import User

    admin, _ = people
    db.session.get(User, world.worker_a).locale = "en"
    db.session.commit()
    worker = signed_in(app, WORKER_A)
    task = new_task(admin, "building", world.b_hexi1)
    code, message, errors = refused(push_one(worker, task_update(task["id"], task["version"], status="unable")))
    assert message == "Say why the task cannot be done." and errors == {"unable_reason": [message]}


def test_a_retried_completion_changes_nothing_twice(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    completion = task_update(task["id"], task["version"], status="done", notes="已完成")
    first, second = push_one(worker, completion), push_one(worker, completion)
    assert first == second
    assert len(first["record"]["data"]["history"]) == 2
