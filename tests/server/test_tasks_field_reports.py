"""Problems reported from the field (问题上报, PROTOCOL.md §11.2): a worker reports offline, the
admins' queue turns a report into a prefilled task or dismisses it with a reason."""

from tests.factories import rid
from tests.server.tasks_support import WORKER_B, create, photo, pull_all, push_one, signed_in, update

HERE = {"lat": 34.0312, "lng": 113.8521, "accuracy": 15}


def report(worker, record_id, **fields) -> dict:
    values = {
        "category": "safety",
        "description": "3单元楼道堆放纸箱，堵塞消防通道。",
        "location": HERE,
        "location_status": "ok",
        "reported_at": "2026-11-27T10:30:00+08:00",
        **fields,
    }
    return push_one(worker, create("field_report", record_id, **values))


def test_a_worker_reports_a_problem_in_a_grid_of_theirs(people, world):
    _admin, worker = people
    picture = photo(worker)
    result = report(
        worker,
        rid("r-1"),
        grid_id=world.g1,
        building_id=world.b_hexi1,
        household_id=world.hh_hexi1[0],
        photos=[picture],
    )
    assert result["status"] == "applied", result
    data = result["record"]["data"]
    assert (data["status"], data["created_by_id"], data["reported_at"], data["photos"]) == (
        "new",
        world.worker_a,
        "2026-11-27T02:30:00.000Z",
        [picture],
    )
    assert data["created_at"].endswith("Z")
    # Not in another grid, not about a place outside the grid, not by an admin.
    assert report(worker, rid("r-2"), grid_id=world.g2)["error"]["code"] == "out_of_scope"
    outside = report(worker, rid("r-3"), grid_id=world.g1, building_id=world.b_wenfeng1)
    assert outside["error"] == {
        "code": "place_not_in_grid",
        "message": "所选楼栋或住户不在该网格内。",
        "fields": {"building_id": ["所选楼栋或住户不在该网格内。"]},
    }
    mismatch = report(worker, rid("r-4"), grid_id=world.g1, building_id=world.b_hexi2, household_id=world.hh_hexi1[0])
    assert mismatch["error"]["code"] == "place_mismatch" and mismatch["error"]["fields"] == {
        "household_id": ["所选住户不在所选楼栋内。"]
    }
    bad = report(worker, rid("r-5"), grid_id=world.g1, category="noise", description="")
    assert bad["error"]["code"] == "invalid" and set(bad["error"]["fields"]) == {"category", "description"}
    assert report(worker, rid("r-6"), grid_id=world.g1, status="converted")["error"]["code"] == "forbidden_field"


def test_the_admins_queue_drafts_and_converts_a_report_into_a_task(app, people, world):
    admin, worker = people
    created = report(worker, rid("r-1"), grid_id=world.g1, household_id=world.hh_hexi1[1])
    queue = admin.client.get("/api/field-reports").get_json()
    assert [(r["id"], r["grid_name"], r["reporter_name"], r["place_name"]) for r in queue["items"]] == [
        (rid("r-1"), "河西社区第一网格", "网格员甲", "河西小区 1号楼 1单元 102")
    ]
    draft = admin.client.get(f"/api/field-reports/{rid('r-1')}/draft").get_json()
    assert draft == {
        "type": "hazard",
        "title": "安全隐患：3单元楼道堆放纸箱，堵塞消防通道。",
        "description": "3单元楼道堆放纸箱，堵塞消防通道。",
        "target_kind": "household",
        "target_id": world.hh_hexi1[1],
        "target_name": "河西小区 1号楼 1单元 102",
        "assignee_id": world.worker_a,
        "priority": "high",
        "source_report_id": rid("r-1"),
    }
    converted = admin.send(
        "POST",
        f"/api/field-reports/{rid('r-1')}/convert",
        json={"title": "清理3单元楼道堆物", "due_at": "2030-01-01T18:00:00+08:00"},
    )
    assert converted.status_code == 201, converted.get_json()
    body = converted.get_json()
    task = body["task"]
    assert (task["title"], task["type"], task["source_report_id"], task["household_id"], task["assignee_id"]) == (
        "清理3单元楼道堆物",
        "hazard",
        rid("r-1"),
        world.hh_hexi1[1],
        world.worker_a,
    )
    assert (body["report"]["status"], body["report"]["task_id"], body["report"]["handled_by_id"]) == (
        "converted",
        task["id"],
        world.hexi_admin,
    )
    assert admin.client.get("/api/field-reports").get_json()["items"] == []
    again = admin.send("POST", f"/api/field-reports/{rid('r-1')}/convert", json={})
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "report_converted"
    # The worker's phone gets both: the report, handled, and the new task.
    pulled = {c["id"]: c["data"] for c in pull_all(worker)}
    assert pulled[rid("r-1")]["status"] == "converted" and pulled[task["id"]]["title"] == "清理3单元楼道堆物"
    assert created["version"] < body["report"]["version"]


def test_a_report_is_dismissed_with_a_reason(people, world):
    admin, worker = people
    report(worker, rid("r-1"), grid_id=world.g1, category="sanitation", description="垃圾桶满溢")
    missing = admin.send("POST", f"/api/field-reports/{rid('r-1')}/dismiss", json={})
    assert missing.status_code == 422 and missing.get_json()["error"]["fields"] == {"reason": ["此项必填。"]}
    dismissed = admin.send("POST", f"/api/field-reports/{rid('r-1')}/dismiss", json={"reason": "物业已处理"}).get_json()
    assert (dismissed["status"], dismissed["dismiss_reason"], dismissed["handled_by_id"]) == (
        "dismissed",
        "物业已处理",
        world.hexi_admin,
    )
    assert [
        r["id"]
        for r in admin.client.get("/api/field-reports", query_string={"status": "dismissed"}).get_json()["items"]
    ] == [rid("r-1")]
    # Through sync, a dismissal needs its reason as well.
    report(worker, rid("r-2"), grid_id=world.g1)
    (change,) = [c for c in pull_all(admin) if c["id"] == rid("r-2")]
    refused = push_one(
        admin, update("field_report", rid("r-2"), change["version"], status="dismissed"), client_id="desk"
    )
    assert refused["error"]["code"] == "dismiss_reason_required"
    assert refused["error"]["fields"] == {"dismiss_reason": ["不予处理时必须填写原因。"]}


def test_the_reporter_edits_a_new_report_and_offline_photos_survive_its_handling(app, people, world):
    admin, worker = people
    created = report(worker, rid("r-1"), grid_id=world.g1)
    edited = push_one(worker, update("field_report", rid("r-1"), created["version"], description="楼道堆物已部分清理"))
    assert edited["status"] == "applied"
    # Meanwhile the admin dismisses it; the worker, offline on the old version, adds a photo.
    admin.send("POST", f"/api/field-reports/{rid('r-1')}/dismiss", json={"reason": "重复上报"})
    picture = photo(worker)
    late = push_one(worker, update("field_report", rid("r-1"), edited["version"], photos=[picture]))
    assert late["status"] == "applied" and late["record"]["data"]["photos"] == [picture]
    assert late["record"]["data"]["status"] == "dismissed"
    # Once the worker has seen it handled, it no longer changes.
    refused = push_one(worker, update("field_report", rid("r-1"), late["version"], description="再改"))
    assert refused["error"]["code"] == "report_handled"
    # Another worker of the grid may read it but not change it.
    from server.auth.models import RoleAssignment
    from server.extensions import db

    with app.app_context():
        db.session.add(RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1))
        db.session.commit()
    other = signed_in(app, WORKER_B)
    second = report(worker, rid("r-2"), grid_id=world.g1)
    refused = push_one(
        other, update("field_report", rid("r-2"), second["version"], description="不是我报的"), client_id="phone-b"
    )
    assert refused["error"]["code"] == "not_reporter"
    assert refused["error"]["message"] == "只有上报人可以修改这条问题上报。"


def test_a_malformed_grid_is_refused_not_crashed(people, world):
    _admin, worker = people
    for grid_id in ([world.g1], str(world.g1), None, world.hexi):
        assert report(worker, rid(f"r-{grid_id}"), grid_id=grid_id)["error"]["code"] == "out_of_scope", grid_id


def test_a_conversion_chooses_the_checklist_as_creating_a_task_does(people, world):
    admin, worker = people
    fire = admin.send(
        "POST",
        "/api/checklist-templates",
        json={
            "task_type": "hazard",
            "name": "消防",
            "org_unit_id": world.hexi,
            "items": [{"text": "灭火器在有效期内"}],
        },
    ).get_json()
    visit = admin.send(
        "POST",
        "/api/checklist-templates",
        json={"task_type": "visit", "name": "走访", "org_unit_id": world.hexi, "items": [{"text": "核对家庭成员"}]},
    ).get_json()
    for record_id in (rid("r-1"), rid("r-2"), rid("r-3"), rid("r-4")):
        report(worker, record_id, grid_id=world.g1, building_id=world.b_hexi1)

    def convert(record_id, **body):
        return admin.send("POST", f"/api/field-reports/{record_id}/convert", json=body)

    # Nothing said: the type's template, and the draft's own priority (no default overrides it).
    default = convert(rid("r-1")).get_json()["task"]
    assert (default["checklist"], default["priority"]) == (fire["items"], "high")
    assert convert(rid("r-2"), checklist=[]).get_json()["task"]["checklist"] == []
    assert convert(rid("r-3"), checklist=[{"text": "清点楼道纸箱"}]).get_json()["task"]["checklist"] == [
        {"key": "item1", "text": "清点楼道纸箱"}
    ]
    # Refusals name their fields, as creating a task does; the report stays in the queue.
    bad = convert(rid("r-4"), checklist=[{"text": ""}], checklist_template_id=0, priority="asap")
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"] == {
        "checklist": {"0": {"text": ["长度应在 1 到 200 之间。"]}},
        "checklist_template_id": ["应不小于 1。"],
        "priority": ["应为以下之一：low, normal, high, urgent。"],
    }
    wrong = convert(rid("r-4"), checklist_template_id=visit["id"])
    assert wrong.status_code == 422 and wrong.get_json()["error"]["fields"] == {
        "checklist_template_id": ["检查清单模板不适用于该任务类型。"]
    }
    assert [r["id"] for r in admin.client.get("/api/field-reports").get_json()["items"]] == [rid("r-4")]
    assert (
        convert(rid("r-4"), type="visit", checklist_template_id=visit["id"]).get_json()["task"]["checklist"]
        == visit["items"]
    )
