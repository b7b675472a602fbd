"""Scenario S4 and the task's conflict rules (PROTOCOL.md §11.1): an admin's change meets a
worker's offline work; the work is never lost, the conflict is listed for the admin and resolvable."""

from tests.server.tasks_support import new_task, photo, pull_all, push_one, task_update

HERE = {"lat": 34.0312, "lng": 113.8521, "accuracy": 9}


def conflicts(auth, **query) -> list[dict]:
    response = auth.client.get("/api/sync/conflicts", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def resolve(auth, conflict_id, resolution):
    return auth.send("POST", f"/api/sync/conflicts/{conflict_id}/resolve", json={"resolution": resolution})


def offline_completion(worker, task, pictures):
    """What the phone sends when it comes back: the completion made on the version it had."""
    return push_one(
        worker,
        task_update(
            task["id"],
            task["version"],
            status="done",
            status_device_at="2026-11-27T10:02:00+08:00",
            status_location=HERE,
            outcome="problem_found",
            notes="楼道堆物已拍照，通知住户清理。",
            photos=pictures,
            location=HERE,
            location_status="ok",
            finished_at="2026-11-27T10:01:00+08:00",
        ),
    )


def test_s4_an_admin_cancels_while_the_worker_completes_offline(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    assert [c["id"] for c in pull_all(worker) if c["entity"] == "task"] == [
        task["id"]
    ]  # on the phone before going offline
    pictures = [photo(worker), photo(worker, (20, 160, 40))]
    cancel = admin.send("POST", f"/api/tasks/{task['id']}/cancel", json={"reason": "重复派发"})
    assert cancel.status_code == 200 and cancel.get_json()["status"] == "cancelled"

    result = offline_completion(worker, task, pictures)
    # The work is kept, the status stays the admin's, and the worker's "done" is not lost.
    assert result["status"] == "conflict"
    data = result["record"]["data"]
    assert data["status"] == "cancelled"
    assert (data["outcome"], data["notes"], data["photos"], data["location"]) == (
        "problem_found",
        "楼道堆物已拍照，通知住户清理。",
        pictures,
        HERE,
    )
    assert result["conflicts"] == [
        {
            "field": "status",
            "base_version": task["version"],
            "server_value": "cancelled",
            "client_value": "done",
            "winner": "server",
            "rule": "server_wins",
        }
    ]
    # The admin sees it, with both values, and resolves it by taking the worker's status.
    (listed,) = conflicts(admin)
    assert (listed["record_id"], listed["field"], listed["losing_value"], listed["current_value"]) == (
        task["id"],
        "status",
        "done",
        "cancelled",
    )
    assert (listed["user_id"], listed["user_name"], listed["resolved_by_name"], listed["value_names"]) == (
        world.worker_a,
        "网格员甲",
        None,
        {},
    )
    assert conflicts(worker)[0]["id"] == listed["id"]  # the worker sees their own losing edit
    resolved = resolve(admin, listed["id"], "use_losing")
    assert resolved.status_code == 200, resolved.get_json()
    assert (resolved.get_json()["resolved_by_id"], resolved.get_json()["resolved_by_name"]) == (
        world.hexi_admin,
        "河西社区管理员",
    )
    now = admin.client.get(f"/api/tasks/{task['id']}").get_json()
    assert now["status"] == "done" and now["notes"] == "楼道堆物已拍照，通知住户清理。"
    last = now["history"][-1]
    assert (last["from"], last["to"], last["by"], last["via"], last["device_at"]) == (
        "cancelled",
        "done",
        world.hexi_admin,
        "conflict_resolution",
        "2026-11-27T02:02:00.000Z",
    )
    assert [(h["to"], h["by_name"]) for h in now["history"]] == [
        ("assigned", "河西社区管理员"),
        ("cancelled", "河西社区管理员"),
        ("done", "河西社区管理员"),
    ]
    # The phone gets the resolved record with its next pull.
    assert [c["data"]["status"] for c in pull_all(worker) if c["id"] == task["id"]] == ["done"]
    assert conflicts(admin) == []


def test_s4_an_admin_may_keep_the_cancellation(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    admin.send("POST", f"/api/tasks/{task['id']}/cancel", json={})
    offline_completion(worker, task, [])
    (listed,) = conflicts(admin)
    assert resolve(admin, listed["id"], "keep").status_code == 200
    now = admin.client.get(f"/api/tasks/{task['id']}").get_json()
    assert now["status"] == "cancelled" and now["outcome"] == "problem_found"
    assert [c["resolution"] for c in conflicts(admin, status="resolved")] == ["keep"]


def test_a_task_reassigned_while_its_worker_completed_it_keeps_the_work(app, people, world, db):
    from server.auth.models import RoleAssignment

    admin, worker = people
    db.session.add(RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1))
    db.session.commit()
    task = new_task(admin, "building", world.b_hexi1)
    moved = admin.send("POST", f"/api/tasks/{task['id']}/reassign", json={"assignee_id": world.worker_b})
    assert moved.status_code == 200 and moved.get_json()["assignee_id"] == world.worker_b

    result = offline_completion(worker, task, [])
    assert result["status"] == "conflict"
    data = result["record"]["data"]
    assert (data["status"], data["assignee_id"], data["notes"]) == (
        "done",
        world.worker_b,
        "楼道堆物已拍照，通知住户清理。",
    )
    assert data["history"][-1]["by"] == world.worker_a
    assert result["conflicts"] == [
        {
            "field": "assignee_id",
            "base_version": task["version"],
            "server_value": world.worker_b,
            "client_value": world.worker_a,
            "winner": "server",
            "rule": "reassigned",
        }
    ]
    (listed,) = conflicts(admin)
    assert (listed["field"], listed["rule"], listed["losing_value"]) == ("assignee_id", "reassigned", world.worker_a)
    # Both people by name: whose work it was (the author) and who has the task now.
    assert listed["user_name"] == "网格员甲"
    assert listed["value_names"] == {str(world.worker_b): "网格员乙", str(world.worker_a): "网格员甲"}
    # The admin credits the worker who did it: a reassignment in the history, by the resolution.
    assert resolve(admin, listed["id"], "use_losing").status_code == 200
    now = admin.client.get(f"/api/tasks/{task['id']}").get_json()
    assert now["assignee_id"] == world.worker_a
    last = now["history"][-1]
    assert (last["from"], last["to"], last["via"], last["by_name"]) == (
        "done",
        "done",
        "conflict_resolution",
        "河西社区管理员",
    )
    assert (last["assignee_from_name"], last["assignee_to_name"]) == ("网格员乙", "网格员甲")


def test_an_admin_edit_and_an_offline_report_merge_field_by_field(people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    edited = admin.send("PATCH", f"/api/tasks/{task['id']}", json={"title": "入户走访（补充说明）", "priority": "high"})
    assert edited.status_code == 200
    result = push_one(worker, task_update(task["id"], task["version"], status="in_progress", notes="已到楼下"))
    assert result["status"] == "applied" and result["conflicts"] == []
    data = result["record"]["data"]
    assert (data["title"], data["priority"], data["status"], data["notes"]) == (
        "入户走访（补充说明）",
        "high",
        "in_progress",
        "已到楼下",
    )


def test_photos_from_two_phones_are_never_dropped_and_notes_keep_the_losing_text(app, people, world):
    admin, worker = people
    task = new_task(admin, "building", world.b_hexi1)
    first, second = photo(worker), photo(worker, (10, 10, 200))
    one = push_one(
        worker, task_update(task["id"], task["version"], photos=[first], notes="手机一"), client_id="phone-1"
    )
    two = push_one(
        worker, task_update(task["id"], task["version"], photos=[second], notes="手机二"), client_id="phone-2"
    )
    assert one["status"] == "applied"
    assert two["status"] == "conflict"
    assert two["record"]["data"]["photos"] == [first, second]
    assert two["record"]["data"]["notes"] == "手机一"
    assert [(c["field"], c["client_value"]) for c in two["conflicts"]] == [("notes", "手机二")]
    assert [c["losing_value"] for c in conflicts(admin)] == ["手机二"]


def test_a_reassigned_workers_whole_outbox_is_kept_with_one_conflict(app, people, world, db):
    from server.auth.models import RoleAssignment

    admin, worker = people
    db.session.add(RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1))
    db.session.commit()
    task = new_task(admin, "building", world.b_hexi1)
    admin.send("POST", f"/api/tasks/{task['id']}/reassign", json={"assignee_id": world.worker_b})
    # Three edits made offline, all on the version the phone had, sent in one batch.
    from tests.server.tasks_support import push

    results = push(
        worker,
        *(
            task_update(task["id"], task["version"], **fields)
            for fields in (
                {"status": "in_progress"},
                {"notes": "已到现场"},
                {"status": "done", "outcome": "ok"},
            )
        ),
    )
    assert [r["status"] for r in results] == ["conflict", "applied", "applied"]
    assert (results[-1]["record"]["data"]["status"], results[-1]["record"]["data"]["notes"]) == ("done", "已到现场")
    assert [c["rule"] for c in conflicts(admin)] == ["reassigned"]
