"""The demo's S5 half (server/demo/wishes.py, needs.py, activities.py, evaluation.py): the demo
volunteer 孙磊 has a wish to fulfil, one to claim, last month's hours, activities done and to come;
the community admin 刘红梅 a wish to review, residents' needs to match with the units' resources,
their figures and last year's evaluation; the grid workers needs to work; the demo resident 杨帆 a
fulfilled wish to confirm and a resolved need to rate — each as their phone pulls it, the wall
naming nobody."""

from sqlalchemy import select

from server.demo import DEMO_ACCOUNTS
from server.extensions import db
from server.org.models import OrgUnit
from tests.conftest import AuthActions
from tests.server.tasks_support import pull_all

PASSWORDS = {a["phone"]: a["password"] for a in DEMO_ACCOUNTS}
ADMIN, RESIDENT, VOLUNTEER = "13800000002", "13800000007", "13800000008"
WORKER_1, WORKER_2 = "13800000003", "13800000004"  # 王志强 (第一网格), 陈静 (第二网格)


def _signed_in(app, phone) -> tuple[AuthActions, dict]:
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"  # this module signs in more than a person does
    auth = AuthActions(app.test_client())
    return auth, auth.login(phone, PASSWORDS[phone]).get_json()


def _pulled(app, phone) -> tuple[int, dict]:
    auth, me = _signed_in(app, phone)
    records: dict[str, dict] = {}
    for change in pull_all(auth):
        records.setdefault(change["entity"], {})[change["id"]] = change["data"]
    return me["user"]["id"], records


def test_the_volunteer_has_a_claim_to_fulfil_a_wish_to_claim_and_hours_served(demo_app):
    app, summary = demo_app
    assert summary["counts"]["wishes"] == 7
    me, records = _pulled(app, VOLUNTEER)
    cards = records["wish_card"].values()
    mine = sorted(c["status"] for c in cards if c.get("claimant_id") == me)
    assert mine == ["claimed", "confirmed"]
    assert [c["title"] for c in cards if c["status"] == "open"] == ["一名三年级小学生想要几本课外读物"]
    assert "wish" not in records  # never the residents' own words, names or doors
    (entry,) = [e for e in records["service_entry"].values() if e["kind"] == "wish"]
    assert (entry["kind"], entry["hours"], entry["rating"]) == ("wish", 1.5, 5)


def test_the_admin_has_a_wish_to_review_and_the_resident_one_to_confirm(demo_app):
    app, _ = demo_app
    _, desk = _pulled(app, ADMIN)
    statuses = sorted(w["status"] for w in desk["wish"].values())
    # 河西社区's five and, since 刘红梅 is admin of 学苑社区 too, the demo resident's two (帝豪花园)
    assert statuses == ["approved", "approved", "approved", "approved", "rejected", "submitted", "submitted"]
    me, home = _pulled(app, RESIDENT)
    assert sorted(w["status"] for w in home["wish"].values()) == ["approved", "submitted"]
    assert all(w["user_id"] == me for w in home["wish"].values())
    (card,) = home["wish_card"].values()
    assert card["status"] == "fulfilled" and card["evidence_photos"] and card["hours"] == 1


def test_last_years_evaluation_of_hexi_is_closed_with_grades(demo_app):
    """Last December's round (server/demo/evaluation.py): every form submitted, units and members
    graded over last year's service; the admin reads it, the volunteer heard their grade."""
    app, summary = demo_app
    assert summary["counts"]["evaluation_rounds"] == 1
    auth = AuthActions(app.test_client())
    auth.login(ADMIN, PASSWORDS[ADMIN])
    (round_,) = auth.client.get("/api/evaluation/rounds").get_json()
    assert round_["status"] == "closed" and round_["title"].endswith("年度双报到评议")
    assert all(p["submitted"] == p["evaluators"] for p in round_["progress"])
    results = auth.client.get(f"/api/evaluation/rounds/{round_['id']}/results").get_json()["results"]
    kinds = {r["kind"] for r in results}
    assert kinds == {"unit", "member"} and len({r["grade"] for r in results}) >= 2  # a real round differs
    _, phone = _pulled(app, VOLUNTEER)
    assert any(e["kind"].startswith("evaluation_graded_") for e in phone["inbox"].values())


def test_the_volunteer_has_activities_done_and_to_come(demo_app):
    """The demo's activities (server/demo/activities.py): last week's clinic counted in 孙磊's
    service record; a reading club with seats for him to take; a full one where a sign-up waits."""
    app, summary = demo_app
    assert summary["counts"]["activities"] == 3
    me, phone = _pulled(app, VOLUNTEER)
    by_title = {a["title"]: a for a in phone["activity"].values()}
    assert set(by_title) == {"健康义诊进社区", "快乐阅读·周末读书会", "防溺水安全宣传"}
    assert by_title["健康义诊进社区"]["skills"] == ["medical", "elderly_care"]  # codes of the shared vocabulary
    assert by_title["快乐阅读·周末读书会"]["seated_count"] == 2 and by_title["快乐阅读·周末读书会"]["capacity"] == 8
    assert (by_title["防溺水安全宣传"]["seated_count"], by_title["防溺水安全宣传"]["waiting_count"]) == (2, 1)
    (mine,) = [s for s in phone["activity_signup"].values() if s["user_id"] == me]
    assert mine["confirmed_hours"] > 2 and mine["checkin_method"] == "manual"
    assert any(e["kind"] == "activity" for e in phone["service_entry"].values())
    assert "activity_key" not in phone  # the organisers' alone


def test_the_resident_has_a_need_to_rate_and_one_being_worked_on(demo_app):
    """杨帆 filed two needs from her phone (server/demo/needs.py): one her grid's worker resolved
    yesterday, waiting for her rating; one in progress. Nobody else's needs reach her phone."""
    app, summary = demo_app
    assert summary["counts"]["needs"] == 9
    me, phone = _pulled(app, RESIDENT)
    needs = sorted(phone["need"].values(), key=lambda n: n["status"])
    assert [(n["status"], n["category"], n["user_id"]) for n in needs] == [
        ("in_progress", "safety", me),
        ("resolved", "repair", me),
    ]
    assert needs[1].get("rating") is None and needs[1]["handle_note"] and needs[1]["resolved_at"]
    assert [h["to"] for h in needs[1]["history"]] == ["received", "accepted", "in_progress", "resolved"]
    assert {"need_accepted", "need_resolved"} <= {e["kind"] for e in phone["inbox"].values()}


def test_the_grid_workers_have_needs_to_work_and_done(demo_app):
    """Each of 河西社区's demo workers pulls the needs of their own grid: some done and rated, some
    open in their task list; the second grid's low-rated one reopened to the admin."""
    app, _ = demo_app
    _, first = _pulled(app, WORKER_1)
    _, second = _pulled(app, WORKER_2)
    assert sorted(n["status"] for n in first["need"].values()) == ["in_progress", "received", "resolved", "resolved"]
    assert sorted(n["status"] for n in second["need"].values()) == ["accepted", "in_progress", "resolved"]
    assert not set(first["need"]) & set(second["need"])
    assert "need_received" in {e["kind"] for e in first["inbox"].values()}
    (reopened,) = [n for n in second["need"].values() if n.get("escalated")]
    assert (reopened["status"], reopened["escalation"], reopened["rating"]) == ("in_progress", "low_rating", 2)
    rated = [n["rating"] for n in (*first["need"].values(), *second["need"].values()) if n.get("rating")]
    assert sorted(rated) == [2, 4, 5, 5]


def test_the_admin_matches_open_needs_with_the_units_resources_and_reads_the_figures(demo_app):
    """刘红梅's 供需对接: the open needs of 河西社区, the repair and help ones with the units'
    resources suggested (the power company's electricians, the hospital's, the school's); and
    /api/needs/stats with each rate neither empty nor perfect."""
    app, _ = demo_app
    with app.app_context():
        hexi = db.session.scalar(select(OrgUnit.id).where(OrgUnit.name == "河西社区"))
    auth, _ = _signed_in(app, ADMIN)
    body = auth.send("GET", f"/api/members/communities/{hexi}/matching").get_json()
    # 4 needs and the wall's open micro-wish (on the needs list too, §21)
    assert body["counts"]["needs"] == 5 and body["counts"]["resources"] == 6
    assert sorted(n["need"]["kind"] for n in body["needs"]) == ["need", "need", "need", "need", "wish"]
    wish = next(n for n in body["needs"] if n["need"]["kind"] == "wish")
    assert wish["need"]["outcomes"] == ["wish"] and wish["suggestions"], wish
    body["needs"].remove(wish)
    suggested = {n["need"]["category"]: n["suggestions"] for n in body["needs"] if n["suggestions"]}
    assert sorted(suggested) == ["help", "repair"]
    assert "安全用电上门检查" in {s["resource_name"] for s in suggested["repair"]}
    assert all(s["reason_text"].startswith("技能") for found in suggested.values() for s in found)
    needs = {n["need"]["category"] for n in body["needs"]}
    assert needs == {"help", "repair", "dispute"}  # a dispute no unit's resource suits: no suggestion

    stats = auth.send("GET", "/api/needs/stats", query_string={"unit": hexi}).get_json()
    (community,) = stats["communities"]
    assert community["count"] == 7
    rates = (community["response_rate"], community["resolution_rate"], community["satisfaction_rate"])
    assert rates == (0.8333, 0.5, 0.75)
