"""The demo's S5 half (server/demo/wishes.py, activities.py, evaluation.py): the demo volunteer 孙磊
has a wish to fulfil, one to claim, last month's hours, activities done and to come; the community
admin 刘红梅 a wish to review and last year's evaluation; the demo resident 杨帆 a fulfilled wish to
confirm — each as their phone pulls it, the wall naming nobody."""

from server.demo import DEMO_ACCOUNTS
from tests.conftest import AuthActions
from tests.server.tasks_support import pull_all

PASSWORDS = {a["phone"]: a["password"] for a in DEMO_ACCOUNTS}
ADMIN, RESIDENT, VOLUNTEER = "13800000002", "13800000007", "13800000008"


def _pulled(app, phone) -> tuple[int, dict]:
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"  # this module signs in more than a person does
    auth = AuthActions(app.test_client())
    me = auth.login(phone, PASSWORDS[phone]).get_json()
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
    assert statuses == ["approved", "approved", "approved", "rejected", "submitted"]
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
    assert by_title["快乐阅读·周末读书会"]["seated_count"] == 2 and by_title["快乐阅读·周末读书会"]["capacity"] == 8
    assert (by_title["防溺水安全宣传"]["seated_count"], by_title["防溺水安全宣传"]["waiting_count"]) == (2, 1)
    (mine,) = [s for s in phone["activity_signup"].values() if s["user_id"] == me]
    assert mine["confirmed_hours"] > 2 and mine["checkin_method"] == "manual"
    assert any(e["kind"] == "activity" for e in phone["service_entry"].values())
    assert "activity_key" not in phone  # the organisers' alone
