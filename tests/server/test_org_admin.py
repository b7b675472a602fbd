"""Admins edit the org tree and what grids cover (PROTOCOL.md §25): creating, renaming, moving and
merging units inside their jurisdiction only; coverage moves re-scope the workers' phones."""

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment
from server.core import pokes
from server.org.models import GridCoverage, OrgUnit
from tests.factories import rid, user
from tests.server.tasks_support import (
    HEXI_ADMIN,
    PROTOCOL,
    ROOT_ADMIN,
    WORKER_A,
    WORKER_B,
    create,
    new_task,
    push_one,
    records_of,
    signed_in,
)


def _street_admin(app, world) -> None:
    with app.app_context():
        from server.extensions import db

        user("文峰街道管理员", [("admin", "org_unit_id", world.wenfeng)], phone="13800000009")
        db.session.commit()


def _actions(db, action) -> list[dict]:
    return [e.details for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == action))]


def test_a_community_admin_creates_and_renames_a_grid_of_their_community(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    made = admin.send(
        "POST", "/api/org/units", json={"parent_id": world.hexi, "kind": "grid", "name": " 河西社区第三网格 "}
    )
    assert made.status_code == 201, made.get_json()
    grid = made.get_json()
    assert (grid["kind"], grid["name"], grid["parent_id"]) == ("grid", "河西社区第三网格", world.hexi)
    unit = db.session.get(OrgUnit, grid["id"])
    hexi = db.session.get(OrgUnit, world.hexi)
    assert unit.path == f"{hexi.path}{unit.id}/" and unit.depth == hexi.depth + 1
    renamed = admin.send("PATCH", f"/api/org/units/{grid['id']}", json={"name": "河西社区三网格"})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "河西社区三网格"
    assert [d["kind"] for d in _actions(db, "org.create")] == ["grid"]
    assert _actions(db, "org.update")[0]["changes"]["name"] == {"from": "河西社区第三网格", "to": "河西社区三网格"}
    nodes = admin.send("GET", f"/api/org/tree?parent_id={world.hexi}").get_json()
    assert {n["name"]: n["editable"] for n in nodes}["河西社区三网格"] is True


def test_units_go_under_a_parent_of_the_kind_just_above(app, world):
    admin = signed_in(app, HEXI_ADMIN)
    wrong = admin.send("POST", "/api/org/units", json={"parent_id": world.hexi, "kind": "street", "name": "新街道"})
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["code"] == "wrong_parent_kind"
    assert "parent_id" in wrong.get_json()["error"]["fields"]
    empty = admin.send("POST", "/api/org/units", json={"parent_id": world.hexi, "kind": "grid", "name": "  "})
    assert empty.status_code == 422 and "name" in empty.get_json()["error"]["fields"]
    taken = admin.send(
        "POST", "/api/org/units", json={"parent_id": world.hexi, "kind": "grid", "name": "河西社区第一网格"}
    )
    assert taken.status_code == 422 and taken.get_json()["error"]["code"] == "name_taken"


def test_a_community_admin_stays_inside_their_community(app, world):
    admin = signed_in(app, HEXI_ADMIN)
    # Another community's grid: not even seen.
    other = admin.send("PATCH", f"/api/org/units/{world.g3}", json={"name": "改名"})
    assert other.status_code == 404
    elsewhere = admin.send(
        "POST", "/api/org/units", json={"parent_id": world.qilidian, "kind": "grid", "name": "新网格"}
    )
    assert elsewhere.status_code == 404
    # The top of the jurisdiction itself, and the units above it: seen, not theirs to change.
    top = admin.send("PATCH", f"/api/org/units/{world.hexi}", json={"name": "河西"})
    assert top.status_code == 403 and top.get_json()["error"]["code"] == "outside_jurisdiction"
    # Moving a grid out of the jurisdiction: the new parent is outside.
    out = admin.send("POST", f"/api/org/units/{world.g1}/move", json={"parent_id": world.qilidian})
    assert out.status_code == 404
    # A grid worker manages nothing.
    worker = signed_in(app, WORKER_A)
    assert worker.send("PATCH", f"/api/org/units/{world.g1}", json={"name": "x"}).status_code == 403


def test_moving_a_grid_rewrites_the_subtree_and_its_tasks_follow_to_the_new_admins(app, world, db):
    _street_admin(app, world)
    street = signed_in(app, "13800000009")
    root = signed_in(app, ROOT_ADMIN)
    task = new_task(root, "compound", world.qilidian_yuan)  # in G3 of 七里店社区
    hexi_admin = signed_in(app, HEXI_ADMIN)
    assert task["id"] not in records_of(hexi_admin, "task")
    # The street admin may move G3 (both communities are theirs) but not to another district.
    far = street.send("POST", f"/api/org/units/{world.g3}/move", json={"parent_id": world.dihao_community})
    assert far.status_code == 404
    moved = street.send("POST", f"/api/org/units/{world.g3}/move", json={"parent_id": world.hexi})
    assert moved.status_code == 200, moved.get_json()
    db.session.expire_all()
    g3, hexi = db.session.get(OrgUnit, world.g3), db.session.get(OrgUnit, world.hexi)
    assert g3.parent_id == world.hexi and g3.path == f"{hexi.path}{g3.id}/" and g3.depth == hexi.depth + 1
    # The hexi admin now sees the task (org:<hexi> bucket); the grid's worker still has it.
    assert records_of(hexi_admin, "task")[task["id"]]["grid_id"] == world.g3
    assert _actions(db, "org.move") == [{"parent_from": world.qilidian, "parent_to": world.hexi}]
    # A courtyard below a moved grid moves with it.
    courtyard = db.session.get(OrgUnit, world.courtyard)
    street.send("POST", f"/api/org/units/{world.g1}/move", json={"parent_id": world.qilidian})
    db.session.expire_all()
    courtyard = db.session.get(OrgUnit, world.courtyard)
    qilidian = db.session.get(OrgUnit, world.qilidian)
    assert courtyard.path == f"{qilidian.path}{world.g1}/{world.courtyard}/"
    assert courtyard.depth == qilidian.depth + 2


def test_merging_a_grid_moves_its_coverage_workers_and_work(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    task = new_task(admin, "building", world.b_wenfeng1, assignee_id=world.worker_b)
    done_elsewhere = new_task(admin, "building", world.b_wenfeng1)
    assert done_elsewhere["grid_id"] == world.g2
    worker_b = signed_in(app, WORKER_B)
    report = push_one(
        worker_b,
        create("field_report", rid("merge-r"), grid_id=world.g2, category="safety", description="楼道堆物"),
    )
    assert report["status"] == "applied", report
    refused = admin.send("POST", f"/api/org/units/{world.g2}/merge", json={"into_id": world.g3})
    assert refused.status_code == 404  # another community's grid: not the hexi admin's
    self_merge = admin.send("POST", f"/api/org/units/{world.g2}/merge", json={"into_id": world.g2})
    assert self_merge.status_code == 422 and self_merge.get_json()["error"]["code"] == "merge_self"
    merged = admin.send("POST", f"/api/org/units/{world.g2}/merge", json={"into_id": world.g1})
    assert merged.status_code == 200, merged.get_json()
    db.session.expire_all()
    assert db.session.get(OrgUnit, world.g2).merged_into_id == world.g1
    grids = set(db.session.scalars(select(GridCoverage.grid_id)))
    assert world.g2 not in grids
    roles = db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == world.worker_b)).all()
    assert [(r.role, r.org_unit_id) for r in roles] == [("grid_worker", world.g1)]
    # The worker keeps the task (now in G1, still theirs) and the report; G1's worker gets them too.
    mine = records_of(worker_b, "task")
    assert mine[task["id"]]["grid_id"] == world.g1 and mine[task["id"]]["assignee_id"] == world.worker_b
    assert records_of(worker_b, "field_report")[rid("merge-r")]["grid_id"] == world.g1
    worker_a = signed_in(app, WORKER_A)
    assert {task["id"], done_elsewhere["id"]} <= set(records_of(worker_a, "task"))
    (entry,) = _actions(db, "org.merge")
    assert entry["into_id"] == world.g1 and entry["workers"] == [world.worker_b]
    # The merged grid is listed no more and cannot be changed.
    names = [n["name"] for n in admin.send("GET", f"/api/org/tree?parent_id={world.hexi}").get_json()]
    assert names == ["河西社区第一网格"]
    again = admin.send("PATCH", f"/api/org/units/{world.g2}", json={"name": "x"})
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "unit_merged"


def _pull(auth, cursor):
    page = auth.send("POST", "/api/sync/pull", json={"protocol": PROTOCOL, "cursor": cursor, "limit": 2000}).get_json()
    assert not page["has_more"]
    return page["changes"], page["cursor"]


def _directory_etag(auth, grid_id):
    response = auth.send("GET", f"/api/grids/{grid_id}/directory")
    assert response.status_code == 200
    return response.headers["ETag"], response.get_json()


def test_a_building_moved_to_another_grid_re_scopes_both_workers_phones(app, world, db):
    """PROTOCOL.md §25.3: the open task and the new field report on 文峰苑 1号楼 leave G2's
    worker's phone on the next pull and reach G1's; a closed task stays in G2; both directories
    change and both grids are poked."""
    admin = signed_in(app, HEXI_ADMIN)
    worker_a, worker_b = signed_in(app, WORKER_A), signed_in(app, WORKER_B)
    task = new_task(admin, "household", world.hh_wenfeng1[0], assignee_id=world.worker_b)
    closed = new_task(admin, "building", world.b_wenfeng1)
    cancel = admin.send("POST", f"/api/tasks/{closed['id']}/cancel", json={"reason": "重复"})
    assert cancel.status_code == 200, cancel.get_json()
    report = push_one(
        worker_b,
        create(
            "field_report",
            rid("moving-r"),
            grid_id=world.g2,
            building_id=world.b_wenfeng1,
            category="facility",
            description="单元门坏了",
        ),
    )
    assert report["status"] == "applied", report
    b_before, b_cursor = _pull(worker_b, None)
    a_before, a_cursor = _pull(worker_a, None)
    assert {c["id"] for c in b_before if c["entity"] in ("task", "field_report")} == {
        task["id"],
        closed["id"],
        rid("moving-r"),
    }
    assert not {c["id"] for c in a_before} & {task["id"], rid("moving-r")}
    etag_a, _ = _directory_etag(worker_a, world.g1)
    etag_b, directory_b = _directory_etag(worker_b, world.g2)
    assert [b["id"] for b in directory_b["buildings"]] == [world.b_wenfeng1]

    sent = []
    sender = lambda buckets, event: sent.append((event, tuple(buckets)))  # noqa: E731
    pokes.register(sender)
    try:
        without = admin.send("POST", f"/api/org/grids/{world.g1}/coverage", json={"building_id": world.b_wenfeng1})
        assert without.status_code == 422 and without.get_json()["error"]["code"] == "covered_elsewhere"
        moved = admin.send(
            "POST", f"/api/org/grids/{world.g1}/coverage", json={"building_id": world.b_wenfeng1, "move": True}
        )
        assert moved.status_code == 201, moved.get_json()
    finally:
        pokes._senders.remove(sender)
    assert {(c["compound_name"], c["building_name"]) for c in moved.get_json()} == {
        ("河西小区", None),
        ("文峰苑", "1号楼"),
    }
    directory_pokes = {b for event, buckets in sent if event == pokes.DIRECTORY for b in buckets}
    sync_pokes = {b for event, buckets in sent if event == pokes.SYNC for b in buckets}
    assert {f"grid:{world.g1}", f"grid:{world.g2}"} <= directory_pokes
    assert {f"grid:{world.g1}", f"grid:{world.g2}"} <= sync_pokes

    b_after, _ = _pull(worker_b, b_cursor)
    assert {(c["entity"], c["id"], c["op"]) for c in b_after} == {
        ("task", task["id"], "delete"),
        ("field_report", rid("moving-r"), "delete"),
    }
    a_after, _ = _pull(worker_a, a_cursor)
    got = {c["id"]: c for c in a_after if c["op"] == "put"}
    assert set(got) == {task["id"], rid("moving-r")}
    assert got[task["id"]]["data"]["grid_id"] == world.g1
    assert "assignee_id" not in got[task["id"]]["data"]  # G2's worker is not G1's: unassigned
    assert got[task["id"]]["data"]["history"][-1]["grid_from"] == world.g2
    assert got[rid("moving-r")]["data"]["grid_id"] == world.g1
    # The closed task stays in G2's history.
    assert records_of(worker_b, "task")[closed["id"]]["grid_id"] == world.g2
    # Both directories changed.
    new_a, directory_a = _directory_etag(worker_a, world.g1)
    assert new_a != etag_a and world.b_wenfeng1 in [b["id"] for b in directory_a["buildings"]]
    new_b, directory_b = _directory_etag(worker_b, world.g2)
    assert new_b != etag_b and directory_b["buildings"] == []
    (entry,) = _actions(db, "org.coverage_assign")
    assert entry["building_id"] == world.b_wenfeng1 and entry["moved_from"] == [world.g2]


def test_one_building_taken_from_a_grid_covering_its_compound_whole(app, world, db):
    admin = signed_in(app, HEXI_ADMIN)
    moved = admin.send("POST", f"/api/org/grids/{world.g2}/coverage", json={"building_id": world.b_hexi2, "move": True})
    assert moved.status_code == 201, moved.get_json()
    rows = db.session.execute(select(GridCoverage.grid_id, GridCoverage.compound_id, GridCoverage.building_id)).all()
    assert (world.g1, None, world.b_hexi1) in rows and (world.g2, None, world.b_hexi2) in rows
    assert (world.g1, world.hexi_xiaoqu, None) not in rows
    # Another community's compound is not for a hexi grid; a place already in the grid is refused.
    again = admin.send("POST", f"/api/org/grids/{world.g2}/coverage", json={"building_id": world.b_hexi2})
    assert again.get_json()["error"]["code"] == "already_covered"
    outside = admin.send("POST", f"/api/org/grids/{world.g2}/coverage", json={"compound_id": world.qilidian_yuan})
    assert outside.status_code == 404
    both = admin.send(
        "POST", f"/api/org/grids/{world.g2}/coverage", json={"compound_id": world.hexi_xiaoqu, "building_id": 1}
    )
    assert both.status_code == 422 and "_schema" in both.get_json()["error"]["fields"]
    # Taking it away.
    coverage_id = next(c["id"] for c in moved.get_json() if c["building_id"] == world.b_hexi2)
    assert admin.send("DELETE", f"/api/org/coverages/{coverage_id}").status_code == 204
    assert [c["building_id"] for c in admin.send("GET", f"/api/org/grids/{world.g2}/coverage").get_json()] == [
        world.b_wenfeng1
    ]
    root = signed_in(app, ROOT_ADMIN)
    g3_cov = root.send("GET", f"/api/org/grids/{world.g3}/coverage").get_json()
    assert admin.send("DELETE", f"/api/org/coverages/{g3_cov[0]['id']}").status_code == 404
    assert len(_actions(db, "org.coverage_remove")) == 1


def test_the_admins_a_moved_grid_left_get_tombstones_of_its_tasks(app, world):
    with app.app_context():
        from server.extensions import db as _db

        user("七里店社区管理员", [("admin", "org_unit_id", world.qilidian)], phone="13800000010")
        _db.session.commit()
    root = signed_in(app, ROOT_ADMIN)
    task = new_task(root, "compound", world.qilidian_yuan)
    qilidian_admin = signed_in(app, "13800000010")
    before, cursor = _pull(qilidian_admin, None)
    assert task["id"] in {c["id"] for c in before}
    moved = root.send("POST", f"/api/org/units/{world.g3}/move", json={"parent_id": world.hexi})
    assert moved.status_code == 200
    after, _ = _pull(qilidian_admin, cursor)
    assert {(c["id"], c["op"]) for c in after if c["entity"] == "task"} == {(task["id"], "delete")}
    # G3 is listed under 河西社区 now.
    assert root.send("GET", f"/api/org/tree?parent_id={world.hexi}").get_json()[-1]["id"] == world.g3
