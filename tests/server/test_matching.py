"""Matching (供需对接, PROTOCOL.md §21): the scoring table and its reasons, who may read and confirm
suggestions, a confirmed match becoming a service project that tells the unit's secretary and the
need's grid worker, a need matched twice refused, and bad input."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from server.activities.models import Activity, ActivityKey
from server.auth.models import RoleAssignment, User
from server.core import clock
from server.core.fields import iso
from server.extensions import db
from server.i18n import text_in
from server.ledger.lists import OpenNeed
from server.members import matching
from server.members.match_rules import (
    Offer,
    Reason,
    best,
    candidates,
    reason_text,
    score,
    wanted_skills,
    wish_category,
)
from server.members.models import Match, ServiceProject
from server.notices.models import InboxEntry
from server.wishes.models import WishCard
from server.wishes.rules import card_id
from tests.factories import user
from tests.server import matching_support as rows
from tests.server.tasks_support import (
    HEXI_ADMIN,
    ROOT_ADMIN,
    WORKER_A,
    create,
    pull_all,
    push_one,
    records_of,
    signed_in,
    update,
)

QILI_ADMIN, SECRETARY = "13900000301", "13900000302"
RESIDENT = "13900000303"  # a resident of 河西小区 the wish tests add
G1, G2 = 101, 102  # grids in the pure tests


def offer(skills=("repair",), kind="service", availability=(), grid_ids=(G1,), id=1) -> Offer:
    return Offer(id, 7, "供电公司", "水电维修队", kind, tuple(skills), tuple(availability), frozenset(grid_ids))


@pytest.mark.parametrize(
    "category, grid, made, points, codes",
    [
        # the skill the category wants, the unit serving the need's grid, a service, a Saturday
        (
            "repair",
            G1,
            offer(availability=("sat_morning",)),
            40 + 30 + 10 + 10 + 5,
            ["skill", "grid", "kind", "available"],
        ),
        # another grid of the community: the community's 10, not the grid's 30
        ("repair", G2, offer(), 40 + 10 + 10, ["skill", "community", "kind"]),
        # a need with no grid is never "same grid"
        ("repair", None, offer(), 40 + 10 + 10, ["skill", "community", "kind"]),
        # weekday only: no weekend bonus
        (
            "repair",
            G1,
            offer(availability=("weekday_evening",)),
            40 + 30 + 10 + 10,
            ["skill", "grid", "kind", "available"],
        ),
        # a venue does not fit a repair
        ("repair", G1, offer(kind="venue"), 40 + 30, ["skill", "grid"]),
        # safety wants repair or environment; equipment fits it
        ("safety", G1, offer(skills=("environment",), kind="equipment"), 40 + 30 + 10, ["skill", "grid", "kind"]),
        ("sanitation", G1, offer(skills=("environment",)), 40 + 30 + 10, ["skill", "grid", "kind"]),
        ("dispute", G1, offer(skills=("legal", "it"), kind="venue"), 40 + 30 + 10, ["skill", "grid", "kind"]),
        ("help", G2, offer(skills=("driving",), kind="venue"), 40 + 10, ["skill", "community"]),
        ("policy", G1, offer(skills=("publicity",)), 40 + 30 + 10, ["skill", "grid", "kind"]),
        # other: any skill at all
        ("other", G1, offer(skills=("culture",), kind="equipment"), 40 + 30 + 10, ["skill", "grid", "kind"]),
        # no wanted skill: no suggestion, however near
        ("repair", G1, offer(skills=("legal",)), None, None),
        ("help", G1, offer(skills=("repair",)), None, None),
        ("other", G1, offer(skills=()), None, None),
        ("no_such_category", G1, offer(), None, None),
    ],
)
def test_scoring_table(category, grid, made, points, codes):
    scored = score(category, grid, made)
    if points is None:
        assert scored is None
        return
    assert scored[0] == points
    assert [r.code for r in scored[1]] == codes


def test_reasons_name_the_skills_wanted_and_weekend_times_first():
    _, reasons = score(
        "dispute",
        G1,
        offer(skills=("it", "psychology", "legal"), availability=("weekday_day", "sun_afternoon", "sat_morning")),
    )
    assert reasons[0] == Reason("skill", {"skills": ["psychology", "legal"]})
    assert reasons[-1] == Reason("available", {"slots": ["sat_morning", "sun_afternoon"]})


def test_best_orders_by_score_then_resource_and_cuts(app):
    offers = [
        offer(id=3, grid_ids=()),  # community only: 60
        offer(id=2),  # grid: 80
        offer(id=1, skills=("legal",)),  # not suggested
        offer(id=4),  # grid: 80, later id
    ]
    assert [(o.id, p) for o, p, _ in best("repair", G1, offers, 10)] == [(2, 80), (4, 80), (3, 60)]
    assert [o.id for o, _, _ in best("repair", G1, offers, 2)] == [2, 4]
    assert [o.id for o in candidates("repair", offers)] == [3, 2, 4]
    memo = {}  # kept across grids: the grid's points still differ
    assert [p for _, p, _ in best("repair", G1, offers, 10, memo)] == [80, 80, 60]
    assert [p for _, p, _ in best("repair", G2, offers, 10, memo)] == [60, 60, 60]


def test_reasons_in_chinese_and_english(app):
    _, reasons = score("repair", G1, offer(availability=("sat_morning",)))
    with app.app_context():
        assert [reason_text(r, "zh-CN") for r in reasons] == ["技能：家电维修", "同一网格", "专业服务", "周六上午有空"]
        assert [reason_text(r, "en") for r in reasons] == [
            "Skills: " + text_in("en", "vocab.skill.repair"),
            "Same grid",
            text_in("en", "members.resource_kind.service"),
            "Free " + text_in("en", "vocab.slot.sat_morning"),
        ]


@pytest.fixture
def mt(app, world):
    """河西社区 with two units: 供电公司 serving G1 (its secretary a member) with a repair team and a
    hall, 律师事务所 serving G2 with lawyers; 七里店's unit with a repair team; needs of 河西 (a repair
    in G1, a dispute in G2, a resolved one) and one of 七里店."""
    with app.app_context():
        secretary = user("李书记", [], phone=SECRETARY)
        user("七里店管理员", [("admin", "org_unit_id", world.qilidian)], phone=QILI_ADMIN)
        power = rows.unit(world.hexi, "供电公司", [world.g1], secretary_id=secretary.id)
        law = rows.unit(world.hexi, "律师事务所", [world.g2])
        qili = rows.unit(world.qilidian, "七里店物业", [world.g3])
        ns = SimpleNamespace(
            world=world,
            secretary_id=secretary.id,
            power=power,
            repair=rows.resource(power, "水电维修队", ["repair"], availability=["sat_morning"]),
            hall=rows.resource(power, "党员活动室", ["publicity"], kind="venue"),
            lawyers=rows.resource(law, "法律顾问", ["legal", "mediation"]),
            qili_repair=rows.resource(qili, "维修组", ["repair"]),
            leak=rows.need(world, "repair", world.g1, text="厨房水管漏水，需要维修"),
            quarrel=rows.need(world, "dispute", world.g2, text="邻里噪音纠纷"),
            done=rows.need(world, "repair", world.g1, status="resolved"),
            qili_need=rows.need(world, "repair", world.g3, community_id=world.qilidian),
        )
        db.session.commit()
        return ns


def _matching(auth, community_id, query=""):
    return auth.send("GET", f"/api/members/communities/{community_id}/matching{query}")


def _confirm(auth, community_id, need_id, resource_id):
    return auth.send(
        "POST",
        f"/api/members/communities/{community_id}/matches",
        json={"need_id": need_id, "resource_id": resource_id},
    )


def test_suggestions_for_each_open_need_with_reasons(app, mt):
    admin = signed_in(app, HEXI_ADMIN)
    response = _matching(admin, mt.world.hexi)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["counts"] == {"needs": 2, "resources": 3, "projects": 0}
    by_need = {n["need"]["id"]: n for n in body["needs"]}
    assert set(by_need) == {mt.leak, mt.quarrel}  # not the resolved one, not 七里店's
    leak = by_need[mt.leak]
    assert leak["need"]["grid_name"] == "河西社区第一网格"
    assert leak["need"]["category_text"] == "设施维修" and leak["need"]["summary"] == "厨房水管漏水，需要维修"
    assert [s["resource_id"] for s in leak["suggestions"]] == [mt.repair]  # never 七里店's team
    assert leak["suggestions"][0]["reason_text"] == "技能：家电维修；同一网格；专业服务；周六上午有空"
    assert leak["suggestions"][0]["unit_name"] == "供电公司"
    quarrel = by_need[mt.quarrel]["suggestions"]
    assert [(s["resource_id"], s["score"]) for s in quarrel] == [(mt.lawyers, 80)]
    one = _matching(admin, mt.world.hexi, f"?need_id={mt.quarrel}&limit=1").get_json()
    assert [n["need"]["id"] for n in one["needs"]] == [mt.quarrel]


def test_who_may_read_and_confirm(app, mt):
    assert _matching(signed_in(app, ROOT_ADMIN), mt.world.hexi).status_code == 200
    qili = signed_in(app, QILI_ADMIN)
    assert _matching(qili, mt.world.hexi).status_code == 404
    assert _confirm(qili, mt.world.hexi, mt.leak, mt.repair).status_code == 404
    for phone in (WORKER_A, SECRETARY):
        auth = signed_in(app, phone)
        assert _matching(auth, mt.world.hexi).status_code == 403
        assert _confirm(auth, mt.world.hexi, mt.leak, mt.repair).status_code == 403
    assert _matching(signed_in(app, HEXI_ADMIN), mt.world.g1).status_code == 404  # a grid is no community
    assert app.test_client().get(f"/api/members/communities/{mt.world.hexi}/matching").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(ServiceProject.id)) is None


def test_confirming_makes_a_project_and_tells_the_secretary_and_the_grid_worker(app, mt):
    admin = signed_in(app, HEXI_ADMIN)
    response = _confirm(admin, mt.world.hexi, mt.leak, mt.repair)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["status"] == "open" and made["unit_id"] == mt.power and made["score"] == 95
    assert sorted(made["notified"]) == sorted([mt.secretary_id, mt.world.worker_a])
    with app.app_context():
        project = db.session.get(ServiceProject, made["project_id"])
        assert (project.need_id, project.resource_id, project.unit_id) == (mt.leak, mt.repair, mt.power)
        assert project.community_id == mt.world.hexi and project.grid_ids == [mt.world.g1]
        assert project.skills == ["repair"] and project.title == "对接：厨房水管漏水，需要维修"
        told = {
            e.user_id: e for e in db.session.scalars(select(InboxEntry).where(InboxEntry.kind == "match_confirmed"))
        }
        assert set(told) == {mt.secretary_id, mt.world.worker_a}  # not 网格员乙 of G2
        assert told[mt.secretary_id].link == f"#/members/units/{mt.power}"
        assert told[mt.world.worker_a].link == f"#/needs/{mt.leak}"
        assert "供电公司" in told[mt.world.worker_a].title
    overview = admin.send("GET", f"/api/members/communities/{mt.world.hexi}").get_json()
    assert [(p["need_id"], p["resource_id"]) for p in overview["projects"]] == [(mt.leak, mt.repair)]
    # matched: gone from the suggestions, counted among the projects
    body = _matching(admin, mt.world.hexi).get_json()
    assert [n["need"]["id"] for n in body["needs"]] == [mt.quarrel]
    assert body["counts"] == {"needs": 1, "resources": 3, "projects": 1}


def test_refusals(app, mt):
    admin = signed_in(app, HEXI_ADMIN)
    assert _confirm(admin, mt.world.hexi, mt.leak, mt.repair).status_code == 201
    again = _confirm(admin, mt.world.hexi, mt.leak, mt.hall)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "need_matched"
    assert "need_id" in again.get_json()["error"]["fields"]
    for need_id, resource_id, code, field in (
        (mt.done, mt.repair, "need_not_open", "need_id"),  # resolved
        (mt.qili_need, mt.repair, "need_not_open", "need_id"),  # another community's
        ("00000000-0000-4000-8000-000000000000", mt.repair, "need_not_open", "need_id"),
        (mt.quarrel, mt.qili_repair, "resource_not_in_community", "resource_id"),
        (mt.quarrel, 999999, "resource_not_in_community", "resource_id"),
    ):
        response = _confirm(admin, mt.world.hexi, need_id, resource_id)
        body = response.get_json()
        assert response.status_code == 422 and body["error"]["code"] == code, body
        assert field in body["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ServiceProject)) == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"need_id": "x", "resource_id": 1}, "need_id"),
        ({"need_id": "00000000-0000-4000-8000-000000000000\u0000", "resource_id": 1}, "need_id"),
        ({"need_id": "00000000-0000-4000-8000-000000000000", "resource_id": "1"}, "resource_id"),
        ({"need_id": "00000000-0000-4000-8000-000000000000", "resource_id": 0}, "resource_id"),
        ({"resource_id": 1}, "need_id"),
    ],
)
def test_bad_confirmations_are_refused_per_field(app, mt, body, field):
    response = signed_in(app, HEXI_ADMIN).send("POST", f"/api/members/communities/{mt.world.hexi}/matches", json=body)
    assert response.status_code in (400, 422), response.get_json()
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("query, field", [("?limit=0", "limit"), ("?limit=11", "limit"), ("?need_id=abc", "need_id")])
def test_bad_queries_are_refused_per_field(app, mt, query, field):
    response = _matching(signed_in(app, HEXI_ADMIN), mt.world.hexi, query)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_two_admins_confirming_at_once_make_one_project(app, mt, monkeypatch):
    """The second confirmation, past the check before the first committed, meets the unique need."""
    admin = signed_in(app, HEXI_ADMIN)
    assert _confirm(admin, mt.world.hexi, mt.leak, mt.repair).status_code == 201
    monkeypatch.setattr(matching, "_matched_need_ids", lambda community_id: set())
    late = _confirm(signed_in(app, ROOT_ADMIN), mt.world.hexi, mt.leak, mt.hall)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "need_matched", late.get_json()
    with app.app_context():
        assert db.session.scalars(select(ServiceProject.resource_id)).all() == [mt.repair]


def test_reasons_in_the_admins_language(app, mt):
    with app.app_context():
        db.session.get(User, mt.world.hexi_admin).locale = "en"
        db.session.commit()
    admin = signed_in(app, HEXI_ADMIN)
    body = _matching(admin, mt.world.hexi, f"?need_id={mt.leak}").get_json()
    (need,) = body["needs"]
    assert need["need"]["category_text"] == text_in("en", "need.category.repair")
    assert need["suggestions"][0]["reason_text"].startswith("Skills: ")
    assert "; Same grid; " in need["suggestions"][0]["reason_text"]


# --- what a confirmed match becomes (§21.2) ---------------------------------------------------------


def _activity_form(**fields):
    starts = clock.now().replace(microsecond=0) + timedelta(days=3)
    form = {
        "title": "水电义务维修进社区",
        "place": "河西社区党群服务中心",
        "starts_at": iso(starts),
        "ends_at": iso(starts + timedelta(hours=2)),
        "capacity": 8,
        "hours": 2,
    }
    return {**form, **fields}


def _confirm_as(auth, community_id, need_id, resource_id, **body):
    return auth.send(
        "POST",
        f"/api/members/communities/{community_id}/matches",
        json={"need_id": need_id, "resource_id": resource_id, **body},
    )


def test_a_need_becomes_an_activity_the_activitys_rules_judge(app, mt):
    admin = signed_in(app, HEXI_ADMIN)
    response = _confirm_as(admin, mt.world.hexi, mt.leak, mt.repair, outcome="activity", activity=_activity_form())
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["outcome"] == "activity" and made["project_id"] is None and made["status"] == "published"
    assert made["title"] == "水电义务维修进社区"
    assert sorted(made["notified"]) == sorted([mt.secretary_id, mt.world.worker_a])
    with app.app_context():
        activity = db.session.get(Activity, made["activity_id"])
        assert (activity.community_id, activity.capacity, activity.hours) == (mt.world.hexi, 8, 2)
        assert activity.skills == ["repair"] and activity.created_by_id == mt.world.hexi_admin
        assert "厨房水管漏水" in activity.description and "水电维修队" in activity.description
        assert db.session.scalar(select(ActivityKey.id).where(ActivityKey.activity_id == activity.id))
        match = db.session.scalars(select(Match)).one()
        assert (match.item_kind, match.outcome, match.record_id) == ("need", "activity", activity.id)
        note = db.session.scalars(
            select(InboxEntry).where(InboxEntry.kind == "match_confirmed", InboxEntry.user_id == mt.secretary_id)
        ).one()
        assert note.link == f"#/activities/{activity.id}" and "已发布志愿活动：水电义务维修进社区" in note.body
        assert db.session.scalar(select(ServiceProject.id)) is None
    body = _matching(admin, mt.world.hexi).get_json()
    assert [n["need"]["id"] for n in body["needs"]] == [mt.quarrel]
    assert body["counts"] == {"needs": 1, "resources": 3, "projects": 0}


def test_an_activity_refused_by_its_rules_leaves_nothing(app, mt):
    admin = signed_in(app, HEXI_ADMIN)
    missing = _confirm_as(admin, mt.world.hexi, mt.leak, mt.repair, outcome="activity")
    assert missing.status_code == 422 and missing.get_json()["error"]["code"] == "activity_required"
    assert "activity" in missing.get_json()["error"]["fields"]
    form = _activity_form()
    backwards = _confirm_as(
        admin, mt.world.hexi, mt.leak, mt.repair, outcome="activity", activity={**form, "ends_at": form["starts_at"]}
    )
    body = backwards.get_json()
    assert backwards.status_code == 422, body
    assert any(f.startswith("activity.") for f in body["error"]["fields"]), body
    wish_for_need = _confirm_as(admin, mt.world.hexi, mt.leak, mt.repair, outcome="wish")
    assert wish_for_need.status_code == 422 and wish_for_need.get_json()["error"]["code"] == "outcome_not_for_item"
    with app.app_context():
        assert db.session.scalar(select(Match.id)) is None and db.session.scalar(select(Activity.id)) is None
    assert _matching(admin, mt.world.hexi).get_json()["counts"]["needs"] == 2


def _wall_card(app, mt) -> str:
    """A wish of a resident of 河西小区, approved by the admin: its card open on 河西's wall; the
    unit's secretary a volunteer of 河西, as reporting there (双报到) makes them."""
    with app.app_context():
        db.session.add(RoleAssignment(user_id=mt.secretary_id, role="volunteer", org_unit_id=mt.world.hexi))
        home = mt.world.hh_hexi1[0]
        resident_id = user("王大爷", [("resident", "household_id", home)], phone=RESIDENT).id
        db.session.commit()
    resident, admin = signed_in(app, RESIDENT), signed_in(app, HEXI_ADMIN)
    values = {"user_id": resident_id, "household_id": home, "title": "想给孙子补习数学"}
    wish = push_one(resident, create("wish", str(uuid.uuid4()), **values))
    assert wish["status"] == "applied", wish
    approved = push_one(
        admin,
        update("wish", wish["record_id"], wish["version"], status="approved", public_title="一名初中生需要数学辅导"),
    )
    assert approved["status"] == "applied", approved
    return card_id(wish["record_id"])


def test_an_open_wish_is_on_the_list_and_is_claimed_for_the_unit(app, mt):
    with app.app_context():
        tutors = rows.resource(mt.power, "青年党员辅导团", ["education"], availability=["sun_morning"])
        db.session.commit()
    card = _wall_card(app, mt)
    admin = signed_in(app, HEXI_ADMIN)
    body = _matching(admin, mt.world.hexi).get_json()
    wish = next(n for n in body["needs"] if n["need"]["id"] == card)
    assert (wish["need"]["kind"], wish["need"]["category_text"], wish["need"]["outcomes"]) == (
        "wish",
        "微心愿",
        ["wish"],
    )
    assert wish["need"]["summary"] == "一名初中生需要数学辅导"  # the wall's words, never the resident's
    assert wish["suggestions"][0]["resource_id"] == tutors
    for outcome in ("project", "activity"):
        refused = _confirm_as(admin, mt.world.hexi, card, tutors, outcome=outcome, activity=_activity_form())
        assert refused.get_json()["error"]["code"] == "outcome_not_for_item"
    response = _confirm_as(admin, mt.world.hexi, card, tutors, outcome="wish")
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert (made["card_id"], made["claimant_id"], made["status"]) == (card, mt.secretary_id, "claimed")
    with app.app_context():
        row = db.session.get(WishCard, card)
        assert (row.status, row.claimant_id, row.claimed_for, row.claimant_unit) == (
            "claimed",
            mt.secretary_id,
            f"unit:{mt.power}",
            "供电公司",
        )
        assert row.claim_deadline is not None
        kinds = {(e.user_id, e.kind) for e in db.session.scalars(select(InboxEntry))}
        assert (mt.secretary_id, "match_confirmed") in kinds
    # the secretary's phone pulls the claim: it is theirs to fulfil
    secretary = signed_in(app, SECRETARY)
    assert records_of(secretary, "wish_card")[card]["claimant_id"] == mt.secretary_id
    again = _confirm_as(admin, mt.world.hexi, card, tutors, outcome="wish")
    assert again.status_code == 409


def test_a_wish_claimed_by_a_volunteer_first_is_not_taken_from_them(app, mt, monkeypatch):
    with app.app_context():
        tutors = rows.resource(mt.power, "青年党员辅导团", ["education"])
        db.session.commit()
    card = _wall_card(app, mt)
    volunteer = signed_in(app, "13800000008")
    version = next(c["version"] for c in pull_all(volunteer) if c["id"] == card and c["op"] == "put")
    claim = push_one(volunteer, update("wish_card", card, version, status="claimed"))
    assert claim["status"] == "applied", claim
    admin = signed_in(app, HEXI_ADMIN)
    assert all(n["need"]["id"] != card for n in _matching(admin, mt.world.hexi).get_json()["needs"])
    late = _confirm_as(admin, mt.world.hexi, card, tutors, outcome="wish")
    assert late.status_code == 422 and late.get_json()["error"]["code"] == "need_not_open"
    # past the list's check (the claim landing in the same moment): the wish's own rule refuses
    monkeypatch.setattr(matching.lists, "open_needs", lambda community_id, need_id=None: _as_open(app, mt, card))
    raced = _confirm_as(admin, mt.world.hexi, card, tutors, outcome="wish")
    assert raced.status_code == 422 and raced.get_json()["error"]["code"] == "already_claimed", raced.get_json()
    with app.app_context():
        assert db.session.get(WishCard, card).claimant_id == mt.world.volunteer
        assert db.session.scalar(select(Match.id)) is None


def _as_open(app, mt, card):
    return [
        OpenNeed(
            id=card,
            category="wish",
            grid_id=None,
            community_id=mt.world.hexi,
            summary="…",
            created_at=None,
            kind="wish",
        )
    ]


def test_a_claimant_who_is_not_the_units_is_refused(app, mt):
    with app.app_context():
        tutors = rows.resource(mt.power, "青年党员辅导团", ["education"])
        db.session.commit()
    card = _wall_card(app, mt)
    admin = signed_in(app, HEXI_ADMIN)
    response = _confirm_as(admin, mt.world.hexi, card, tutors, outcome="wish", claimant_id=mt.world.volunteer)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "claimant_not_in_unit"
    assert "claimant_id" in response.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.get(WishCard, card).status == "open"


@pytest.mark.parametrize(
    "words, category",
    [
        ("一名初中生需要数学辅导", "wish.education"),
        ("独居老人想学用智能手机", "wish.elderly_care+it"),
        ("想要一台轮椅", "wish"),  # names no skill: any may help
        ("Help fixing a broken lamp", "wish.repair"),
    ],
)
def test_a_wishs_words_name_the_skills_it_asks_for(words, category):
    assert wish_category(words) == category
    wanted = wanted_skills(category)
    assert wanted == (tuple(category.removeprefix("wish.").split("+")) if "." in category else wanted_skills("other"))
