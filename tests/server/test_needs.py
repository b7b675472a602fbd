"""Residents' needs (诉求, 接诉即办) through sync (PROTOCOL.md §16): a resident files a need, it lands
with the grid worker of the household's grid beside their tasks, is accepted, worked and resolved
or referred, and rated; a low rating or a missed deadline reopens it to the community's admins.
Who sees what, who may do what, the notices each step sends, and the deadline job."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest

from server.core import clock
from server.core.fields import parse_instant
from server.extensions import db
from server.tasks.need_deadlines import escalate_overdue
from tests.factories import user
from tests.server.inspections_support import refused
from tests.server.tasks_support import (
    HEXI_ADMIN,
    WORKER_A,
    WORKER_B,
    create,
    inbox_kinds,
    photo,
    push_one,
    records_of,
    signed_in,
    update,
)

RESIDENT, NEIGHBOUR, WENFENG_RESIDENT, NO_GRID_RESIDENT, QILI_ADMIN = (
    "13900000201",
    "13900000202",
    "13900000203",
    "13900000204",
    "13900000205",
)


@pytest.fixture
def nw(app, world):
    """The world plus residents of 河西小区 1号楼 (grid G1: 网格员甲), a neighbour next door, a
    resident of 文峰苑 1号楼 (G2: 网格员乙), one of 文峰苑 2号楼 (in no grid), and 七里店's admin."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    with app.app_context():
        resident = user("李阿姨", [("resident", "household_id", world.hh_hexi1[0])], phone=RESIDENT)
        user("邻居", [("resident", "household_id", world.hh_hexi1[1])], phone=NEIGHBOUR)
        user("文峰苑居民", [("resident", "household_id", world.hh_wenfeng1[0])], phone=WENFENG_RESIDENT)
        no_grid = user("二号楼居民", [("resident", "household_id", world.hh_wenfeng2[0])], phone=NO_GRID_RESIDENT)
        user("七里店管理员", [("admin", "org_unit_id", world.qilidian)], phone=QILI_ADMIN)
        db.session.commit()
        return SimpleNamespace(home=world.hh_hexi1[0], resident_id=resident.id, no_grid_id=no_grid.id, world=world)


def _records(auth, entity="need") -> dict:
    return records_of(auth, entity)


def _file(resident, nw, **fields) -> dict:
    values = {
        "user_id": nw.resident_id,
        "household_id": nw.home,
        "category": "repair",
        "text": "楼道灯坏了，晚上看不见",
    }
    result = push_one(resident, create("need", str(uuid.uuid4()), **{**values, **fields}))
    assert result["status"] == "applied", result
    return result


def _move(auth, need, **fields) -> dict:
    result = push_one(auth, update("need", need["record_id"], need["version"], **fields))
    assert result["status"] == "applied", result
    return result


def _need(auth, need) -> dict:
    return _records(auth)[need["record_id"]]


def test_a_need_goes_from_the_resident_to_the_grid_worker_and_back_with_a_rating(app, nw):
    resident, worker, admin = (signed_in(app, p) for p in (RESIDENT, WORKER_A, HEXI_ADMIN))
    picture = photo(resident)
    need = _file(resident, nw, photos=[picture], location={"lat": 34.03, "lng": 113.85, "accuracy": 12})

    # It lands with the grid's worker (a notice), and the admins above see it too.
    held = _need(worker, need)
    assert held["status"] == "received" and held["grid_id"] == nw.world.g1 and held["community_id"] == nw.world.hexi
    created, respond_by, resolve_by = (parse_instant(held[k]) for k in ("created_at", "respond_by", "resolve_by"))
    assert (respond_by - created, resolve_by - created) == (timedelta(hours=2), timedelta(hours=72))  # 设施维修
    assert "need_received" in inbox_kinds(worker)
    assert need["record_id"] in _records(admin)
    with worker.send("GET", f"/api/blobs/{picture}") as seen:
        assert seen.status_code == 200  # the worker sees the resident's photo

    accepted = _move(worker, need, status="accepted", status_device_at="2026-12-06T08:00:00+08:00")
    assert "need_accepted" in inbox_kinds(resident)
    started = _move(worker, accepted, status="in_progress")
    code, fields = refused(push_one(worker, update("need", need["record_id"], started["version"], status="resolved")))
    assert code == "note_required" and fields == {"handle_note": ["请填写办理情况或转办原因。"]}
    evidence = photo(worker, colour=(20, 200, 20))
    resolved = _move(worker, started, status="resolved", handle_note="已更换灯泡", handle_photos=[evidence])
    assert "need_resolved" in inbox_kinds(resident)

    rated = _move(resident, resolved, rating=5, rating_comment="很快就修好了")
    final = _need(resident, rated)
    assert final["status"] == "resolved" and final["rating"] == 5 and final["escalated"] is False
    assert final["accepted_at"] and final["resolved_at"] and final["rated_at"]
    timeline = [(h["from"], h["to"]) for h in final["history"]]
    assert timeline == [
        (None, "received"),
        ("received", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "resolved"),
    ]
    assert final["history"][1]["device_at"] == "2026-12-06T00:00:00.000Z" and final["history"][1]["server_at"]
    assert final["history"][3]["note"] == "已更换灯泡" and final["history"][4]["rating"] == 5
    assert "need_escalated" not in inbox_kinds(admin)


def test_a_low_rating_reopens_the_need_to_the_community_admin(app, nw):
    resident, worker, admin = (signed_in(app, p) for p in (RESIDENT, WORKER_A, HEXI_ADMIN))
    need = _file(resident, nw)
    resolved = _move(worker, need, status="resolved", handle_note="已联系物业")
    low = _move(resident, resolved, rating=2, rating_comment="灯还是不亮")
    held = _need(admin, low)
    assert held["status"] == "in_progress" and held["escalated"] is True and held["escalation"] == "low_rating"
    assert [e["reason"] for e in held["escalations"]] == ["low_rating"]
    (notice,) = [e for e in records_of(admin, "inbox").values() if e["kind"] == "need_escalated"]
    assert notice["body"].startswith("居民不满意，请及时督办") and notice["link"] == f"#/needs/{need['record_id']}"
    assert refused(push_one(resident, update("need", need["record_id"], low["version"], rating=1)))[0] == "not_resolved"

    # The admin sees it through; the resident rates the new resolution.
    again = _move(admin, low, status="resolved", handle_note="社区已协调电工更换线路")
    better = _move(resident, again, rating=4)
    final = _need(resident, better)
    assert final["status"] == "resolved" and final["rating"] == 4 and final["handler_id"] != held["handler_id"]
    assert refused(push_one(resident, update("need", need["record_id"], better["version"], rating=5)))[0] == (
        "already_rated"
    )


def test_a_referral_names_whom_and_why_and_tells_the_resident(app, nw):
    resident, worker, admin = (signed_in(app, p) for p in (RESIDENT, WORKER_A, HEXI_ADMIN))
    need = _file(resident, nw, category="dispute", text="楼上漏水到我家，协商不成")
    code, fields = refused(push_one(worker, update("need", need["record_id"], need["version"], status="referred")))
    assert code == "referral_required" and list(fields) == ["referred_to"]
    code, _fields = refused(
        push_one(
            worker, update("need", need["record_id"], need["version"], status="referred", referred_to="社区调解室")
        )
    )
    assert code == "note_required"
    referred = _move(worker, need, status="referred", referred_to="社区调解室", handle_note="需要双方到场调解")
    entry = next(e for e in _records(resident, "inbox").values() if e["kind"] == "need_referred")
    assert "社区调解室" in entry["body"] and "需要双方到场调解" in entry["body"]
    assert _need(resident, referred)["history"][-1]["referred_to"] == "社区调解室"
    # Only an admin takes a referred need back.
    assert refused(push_one(worker, update("need", need["record_id"], referred["version"], status="in_progress")))[
        0
    ] == ("admin_only")
    _move(admin, referred, status="in_progress")


def test_who_sees_a_need(app, nw):
    resident, neighbour, worker_a, worker_b = (signed_in(app, p) for p in (RESIDENT, NEIGHBOUR, WORKER_A, WORKER_B))
    qili_admin, admin = signed_in(app, QILI_ADMIN), signed_in(app, HEXI_ADMIN)
    need = _file(resident, nw)
    assert need["record_id"] in _records(resident) and need["record_id"] in _records(worker_a)
    assert _records(neighbour) == {}  # a neighbour, even in the same grid
    assert _records(worker_b) == {}  # the worker of another grid
    assert _records(qili_admin) == {}  # another community's admin
    assert refused(push_one(worker_b, update("need", need["record_id"], need["version"], status="accepted")))[0] in (
        "out_of_scope",
        "not_found",
    )
    assert refused(push_one(neighbour, update("need", need["record_id"], need["version"], text="改")))[0] in (
        "out_of_scope",
        "not_found",
    )

    # A household in no grid: its need lands with the community's admins.
    elsewhere = signed_in(app, NO_GRID_RESIDENT)
    orphan = _file(elsewhere, SimpleNamespace(resident_id=nw.no_grid_id, home=nw.world.hh_wenfeng2[0]))
    held = _records(admin)[orphan["record_id"]]
    assert held.get("grid_id") is None and "need_received" in inbox_kinds(admin)
    assert orphan["record_id"] not in _records(worker_b)


def test_who_may_do_what_to_a_need(app, nw):
    resident, worker, admin = (signed_in(app, p) for p in (RESIDENT, WORKER_A, HEXI_ADMIN))
    mine = {"user_id": nw.resident_id, "category": "other", "text": "咨询"}
    assert (
        refused(push_one(resident, create("need", str(uuid.uuid4()), household_id=nw.world.hh_hexi1[1], **mine)))[0]
        == "not_your_household"
    )
    assert refused(
        push_one(resident, create("need", str(uuid.uuid4()), household_id=nw.home, **mine, status="resolved"))
    )[0] in ("bad_initial_status", "forbidden_field")
    need = _file(resident, nw)
    edited = _move(resident, need, text="楼道灯坏了两盏")  # still only received: the resident may edit
    assert refused(push_one(resident, update("need", need["record_id"], edited["version"], status="accepted")))[0] in (
        "handler_only",
        "forbidden_field",
    )
    assert refused(push_one(worker, update("need", need["record_id"], edited["version"], text="改写")))[0] in (
        "owner_only",
        "forbidden_field",
    )
    assert refused(push_one(resident, update("need", need["record_id"], edited["version"], rating=5)))[0] == (
        "not_resolved"
    )
    accepted = _move(worker, edited, status="accepted")
    assert refused(push_one(resident, update("need", need["record_id"], accepted["version"], text="再改")))[0] == (
        "need_taken"
    )
    assert refused(push_one(worker, update("need", need["record_id"], accepted["version"], status="received")))[0] == (
        "status_transition"
    )
    resolved = _move(worker, accepted, status="resolved", handle_note="修好了")
    assert refused(push_one(worker, update("need", need["record_id"], resolved["version"], status="in_progress")))[
        0
    ] == ("admin_only")
    assert refused(push_one(worker, update("need", need["record_id"], resolved["version"], rating=5)))[0] in (
        "owner_only",
        "forbidden_field",
    )
    _move(admin, resolved, status="in_progress")  # an admin reopens


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"category": "noise"}, "category"),
        ({"text": ""}, "text"),
        ({"text": "长" * 1001}, "text"),
        ({"photos": ["not-a-hash"]}, "photos"),
        ({"location": {"lat": 91, "lng": 113.85}}, "location"),
        ({"rating": 6}, "rating"),
        ({"text": "有\x00字"}, "text"),
    ],
)
def test_bad_input_is_refused_per_field(app, nw, fields, bad):
    resident = signed_in(app, RESIDENT)
    values = {"user_id": nw.resident_id, "household_id": nw.home, "category": "repair", "text": "灯坏了", **fields}
    code, by_field = refused(push_one(resident, create("need", str(uuid.uuid4()), **values)))
    assert code == "invalid" and bad in by_field and all(by_field[bad]), by_field


def test_missed_deadlines_escalate_once_to_the_community_admins(app, nw):
    resident, worker, admin = (signed_in(app, p) for p in (RESIDENT, WORKER_A, HEXI_ADMIN))
    unanswered = _file(resident, nw, category="safety", text="楼道堆放杂物，有火灾隐患")  # 1 h / 24 h
    taken = _move(worker, _file(resident, nw, category="repair"), status="accepted")  # 2 h / 72 h, answered
    now = clock.now()
    with app.app_context():
        assert escalate_overdue(now + timedelta(minutes=50)) == 0
        assert escalate_overdue(now + timedelta(minutes=70)) == 1  # the safety need's response
        assert escalate_overdue(now + timedelta(minutes=90)) == 0  # once
        assert escalate_overdue(now + timedelta(hours=71)) == 0
        assert escalate_overdue(now + timedelta(hours=73)) == 1  # the repair's resolution
        assert escalate_overdue(now + timedelta(hours=80)) == 0
    records = _records(admin)
    assert records[unanswered["record_id"]]["escalation"] == "response_overdue"
    assert records[taken["record_id"]]["escalation"] == "resolution_overdue"
    assert records[taken["record_id"]]["status"] == "accepted"  # escalated, not taken from its worker
    assert inbox_kinds(admin).count("need_escalated") == 2
    assert "need_escalated" not in inbox_kinds(worker)


def test_the_escalation_command_runs_the_job_once_for_cron(app, nw):
    resident = signed_in(app, RESIDENT)
    _file(resident, nw, category="safety")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["needs", "escalate"]).output.strip() == "escalated 0 need(s)"  # nothing due yet
    with clock.at(clock.now() + timedelta(hours=2)):
        assert runner.invoke(args=["needs", "escalate"]).output.strip() == "escalated 1 need(s)"
        assert runner.invoke(args=["needs", "escalate"]).output.strip() == "escalated 0 need(s)"
