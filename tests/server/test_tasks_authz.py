"""Authorization of grid work: a worker of grid A cannot pull, read or push the tasks or field
reports of grid B, nor see their photos; admins see their jurisdiction only."""

from tests.factories import rid
from tests.server.tasks_support import (
    HEXI_ADMIN,
    ROOT_ADMIN,
    WORKER_A,
    WORKER_B,
    create,
    new_task,
    photo,
    pull_all,
    push_one,
    signed_in,
    task_update,
    update,
)


def test_a_worker_of_grid_a_cannot_pull_read_or_push_grid_bs_work(app, world):
    admin = signed_in(app, HEXI_ADMIN)
    worker_a, worker_b = signed_in(app, WORKER_A), signed_in(app, WORKER_B)
    task_b = new_task(admin, "building", world.b_wenfeng1)
    picture = photo(worker_b)
    done = push_one(
        worker_b, task_update(task_b["id"], task_b["version"], status="done", photos=[picture]), client_id="phone-b"
    )
    report_b = push_one(
        worker_b,
        create(
            "field_report", rid("r-b"), grid_id=world.g2, category="facility", description="门禁损坏", photos=[picture]
        ),
        client_id="phone-b",
    )
    assert done["status"] == report_b["status"] == "applied"

    # Pull: nothing of grid B.
    assert pull_all(worker_a) == []
    # (and the worker's own notice of the new task, in user:<id>: PROTOCOL.md §13)
    assert {c["id"] for c in pull_all(worker_b) if c["entity"] != "inbox"} == {task_b["id"], rid("r-b")}
    # Read: the same answer as for an id that does not exist.
    for url in (f"/api/tasks/{task_b['id']}", "/api/field-reports/r-b", f"/api/blobs/{picture}"):
        with worker_a.client.get(url) as response:
            assert response.status_code == 404, url
    assert worker_a.client.get("/api/tasks").get_json()["items"] == []
    assert worker_a.client.get("/api/field-reports", query_string={"status": "all"}).get_json()["items"] == []
    # Push: refused as out of scope, and nothing changes.
    refused = push_one(worker_a, task_update(task_b["id"], done["version"], notes="改别人的"))
    assert refused["error"] == {"code": "out_of_scope", "message": "该记录不存在或不在您的管辖范围内。", "fields": {}}
    refused = push_one(worker_a, update("field_report", rid("r-b"), report_b["version"], description="改别人的"))
    assert refused["error"]["code"] == "out_of_scope"
    refused = push_one(
        worker_a, create("field_report", rid("r-a"), grid_id=world.g2, category="other", description="报到别的网格")
    )
    assert refused["error"]["code"] == "out_of_scope"
    assert admin.client.get(f"/api/tasks/{task_b['id']}").get_json()["notes"] is None
    # The photo is readable by whoever may see a record naming it.
    with admin.client.get(f"/api/blobs/{picture}") as response:
        assert response.status_code == 200


def test_admins_see_their_jurisdiction_only(app, world):
    hexi = signed_in(app, HEXI_ADMIN)
    root = signed_in(app, ROOT_ADMIN)
    inside = new_task(hexi, "building", world.b_hexi1)
    elsewhere = new_task(root, "building", world.b_dihao1)
    assert [t["id"] for t in hexi.client.get("/api/tasks").get_json()["items"]] == [inside["id"]]
    assert {t["id"] for t in root.client.get("/api/tasks").get_json()["items"]} == {inside["id"], elsewhere["id"]}
    assert hexi.client.get(f"/api/tasks/{elsewhere['id']}").status_code == 404
    assert [c["id"] for c in pull_all(hexi)] == [inside["id"]]
    # An admin's phone cannot push into another jurisdiction either.
    refused = push_one(hexi, task_update(elsewhere["id"], elsewhere["version"], title="改"), client_id="desk")
    assert refused["error"]["code"] == "out_of_scope"
    refused = push_one(
        hexi,
        create("task", rid("t-x"), type="visit", title="走访", target_kind="building", target_id=world.b_dihao1),
        client_id="desk",
    )
    assert refused["error"]["code"] == "out_of_scope"
    assert hexi.client.get("/api/field-reports/nope").status_code == 404


def test_other_roles_see_no_grid_work(app, world):
    hexi = signed_in(app, HEXI_ADMIN)
    task = new_task(hexi, "building", world.b_hexi1)
    for phone in ("13800000005", "13800000006", "13800000007", "13800000008"):  # steward, staff, resident, volunteer
        other = signed_in(app, phone)
        assert other.client.get("/api/tasks").get_json()["items"] == [], phone
        assert other.client.get(f"/api/tasks/{task['id']}").status_code == 404
        assert [c for c in pull_all(other) if c["entity"] in ("task", "field_report")] == []
        assert other.send("POST", f"/api/tasks/{task['id']}/cancel", json={}).status_code == 403
