"""The December evaluation (server/evaluation, PROTOCOL.md §20): the scoring rules table by table;
a round opened over the service record, filled in by each group on their phones (who holds
which form, what a form may say), combined, exported and closed; who may do what; and the
autumn reminders."""

import io
from datetime import UTC, datetime
from types import SimpleNamespace

import openpyxl
import pytest

from server.core import clock
from server.evaluation import reminders, scoring
from server.extensions import db
from server.ledger import service as ledger
from server.notices.models import InboxEntry
from tests.factories import user
from tests.server.inspections_support import refused
from tests.server.tasks_support import pull_all, push_one, records_of, signed_in, update

HEXI_ADMIN, WORKER_A, VOLUNTEER = "13800000002", "13800000003", "13800000008"
MEMBER2, REP, QILI_ADMIN, QILI_VOLUNTEER = "13900000201", "13900000202", "13900000203", "13900000204"
JUNE = datetime(2026, 6, 10, 9, tzinfo=UTC)


# --- the rules, table by table ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "services", "rating", "expected"),
    [
        (24, 6, 5, 100.0),  # the year's pace met, five stars
        (48, 12, 5, 100.0),  # more counts no further
        (12, 3, 5, 62.5),  # half the hours and services, five stars: 25 + 12.5 + 25
        (12, 3, 3, 50.0),  # three stars are half the rating part
        (12, 3, 1, 37.5),  # one star counts nothing
        (12, 3, None, 50.0),  # nobody rated: 2/3 × 50 + 1/3 × 50
        (24, 0, None, 66.7),  # hours alone, no rating
        (0, 0, None, 0.0),
        (0, 0, 5, 25.0),
    ],
)
def test_record_score(hours, services, rating, expected):
    assert scoring.record_score(hours, services, rating) == expected


@pytest.mark.parametrize(
    ("parts", "weights", "expected", "grade"),
    [
        ({"record": 100, "committee": 90, "members": 80, "residents": 70}, scoring.DEFAULT_WEIGHTS, 89.5, "competent"),
        ({"record": 100, "committee": 95, "members": 95, "residents": 95}, scoring.DEFAULT_WEIGHTS, 97.0, "excellent"),
        # A group that scored nobody drops out: record 40 and committee 30 share the whole.
        ({"record": 50, "committee": 85, "members": None, "residents": None}, scoring.DEFAULT_WEIGHTS, 65.0, "basic"),
        (
            {"record": 40, "committee": None, "members": None, "residents": None},
            scoring.DEFAULT_WEIGHTS,
            40.0,
            "failing",
        ),
        ({"record": 60, "committee": 60, "members": 60, "residents": 60}, scoring.DEFAULT_WEIGHTS, 60.0, "basic"),
        (
            {"record": 74.96, "committee": None, "members": None, "residents": None},
            scoring.DEFAULT_WEIGHTS,
            75.0,
            "competent",
        ),
        (
            {"record": 10, "committee": 100, "members": None, "residents": None},
            {"record": 0, "committee": 100},
            100.0,
            "excellent",
        ),
    ],
)
def test_combined_score_and_grade(parts, weights, expected, grade):
    score = scoring.combined(parts, weights)
    assert score == expected and scoring.grade(score) == grade


# --- a round -----------------------------------------------------------------------------------------------


@pytest.fixture
def ev(app, world):
    """河西社区 with two members (the demo volunteer and 党员乙), a residents' representative in 河西小区,
    and 七里店社区's admin and volunteer; a year of service for the two members."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    with app.app_context():
        member2 = user("党员乙", [("volunteer", "org_unit_id", world.hexi)], phone=MEMBER2)
        rep = user("居民代表", [("resident", "household_id", world.hh_hexi1[0])], phone=REP)
        qili_admin = user("七里店管理员", [("admin", "org_unit_id", world.qilidian)], phone=QILI_ADMIN)
        qili_volunteer = user("七里店志愿者", [("volunteer", "org_unit_id", world.qilidian)], phone=QILI_VOLUNTEER)
        ledger.credit(world.volunteer, world.hexi, "activity", "a1", "义诊", 12, JUNE)
        ledger.credit(world.volunteer, world.hexi, "wish", "w1", "送轮椅", 2, JUNE, rating=5)
        ledger.credit(member2.id, world.hexi, "activity", "a1", "义诊", 3, JUNE)
        ledger.credit(member2.id, world.qilidian, "activity", "q1", "植树", 20, JUNE)  # another community's
        db.session.commit()
        return SimpleNamespace(
            member2=member2.id, rep=rep.id, qili_admin=qili_admin.id, qili_volunteer=qili_volunteer.id, **vars(world)
        )


def _open(admin, ev, **overrides):
    body = {
        "community_id": ev.hexi,
        "year": 2026,
        "evaluators": {"committee": [ev.worker_a], "members": [ev.member2], "residents": [ev.rep]},
        **overrides,
    }
    return admin.send("POST", "/api/evaluation/rounds", json=body)


def _form(auth) -> tuple[str, dict]:
    ((ballot_id, ballot),) = records_of(auth, "evaluation_ballot").items()
    return ballot_id, ballot


def _fill(auth, **fields) -> dict:
    ballot_id, _ = _form(auth)
    version = {c["id"]: c["version"] for c in pull_all(auth)}[ballot_id]
    return push_one(auth, update("evaluation_ballot", ballot_id, version, **fields))


def test_a_round_from_opening_to_the_results_and_closing(app, ev):
    admin, worker, member2, rep, volunteer = (
        signed_in(app, p) for p in (HEXI_ADMIN, WORKER_A, MEMBER2, REP, VOLUNTEER)
    )
    opened = _open(admin, ev)
    assert opened.status_code == 201, opened.get_json()
    round_ = opened.get_json()
    assert round_["subjects"] == 2 and round_["title"] == "河西社区2026年度双报到评议"
    assert {p["group"]: (p["evaluators"], p["submitted"]) for p in round_["progress"]} == {
        "committee": (1, 0),
        "members": (1, 0),
        "residents": (1, 0),
    }

    # The subjects' year, frozen in the round the evaluators pull: this community's service only.
    (held,) = records_of(member2, "evaluation_round").values()
    facts = {
        s["key"]: (s["facts"]["hours"], s["facts"]["services"], s["facts"]["rating"], s["record"])
        for s in held["subjects"]
    }
    me, other = f"member:{ev.member2}", f"member:{ev.volunteer}"
    assert facts == {other: (14.0, 2.0, 5.0, 62.5), me: (3.0, 1.0, None, 13.9)}

    # Each evaluator holds their own form; the organiser holds all three; the scored hold none.
    assert len(records_of(admin, "evaluation_ballot")) == 3
    for auth, group in ((worker, "committee"), (member2, "members"), (rep, "residents")):
        assert _form(auth)[1]["group"] == group
    assert records_of(volunteer, "evaluation_ballot") == {} and records_of(volunteer, "evaluation_round") == {}
    assert "evaluation_opened" in {e["kind"] for e in records_of(rep, "inbox").values()}

    # What a form may say.
    assert refused(_fill(member2, scores={me: 95}))[0] == "own_subject"
    assert refused(_fill(member2, scores={"member:999999": 95}))[0] == "unknown_subject"
    assert refused(_fill(worker, scores={other: 95}, status="submitted"))[0] == "incomplete"
    ballot_id, _ = _form(member2)
    version = {c["id"]: c["version"] for c in pull_all(admin)}[ballot_id]
    assert refused(push_one(admin, update("evaluation_ballot", ballot_id, version, scores={other: 10})))[0] == (
        "not_evaluator"
    )
    assert _fill(member2, scores={other: 95}, status="submitted")["status"] == "applied"
    assert _fill(worker, scores={other: 82, me: 45}, status="submitted")["status"] == "applied"
    assert _fill(rep, scores={other: 95, me: 67}, comment="很热心")["status"] == "applied"  # not submitted: not counted

    results = admin.client.get(f"/api/evaluation/rounds/{round_['id']}/results").get_json()
    rows = {r["key"]: r for r in results["results"]}
    # The volunteer: 0.4 × 62.5 + 0.3 × 82 + 0.15 × 95 over 0.85 (no resident submitted).
    assert (rows[other]["committee"], rows[other]["members"], rows[other]["residents"]) == (82.0, 95.0, None)
    assert rows[other]["score"] == round((40 * 62.5 + 30 * 82 + 15 * 95) / 85, 1) == 75.1
    assert rows[other]["grade"] == "competent" and rows[other]["grade_label"] == "合格"
    assert rows[me]["score"] == round((40 * 13.9 + 30 * 45) / 70, 1) and rows[me]["grade"] == "failing"
    assert "scores" not in str(results)  # never one form's scores

    workbook = openpyxl.load_workbook(
        io.BytesIO(admin.client.get(f"/api/evaluation/rounds/{round_['id']}/results.xlsx").data)
    )
    assert workbook.sheetnames == ["驻区单位", "在职党员", "评议规则"]
    members = list(workbook["在职党员"].values)
    assert members[0][0] == "名称" and sorted(r[-1] for r in members[1:]) == ["不合格", "合格"]

    closed = admin.send("POST", f"/api/evaluation/rounds/{round_['id']}/close")
    assert closed.status_code == 200 and closed.get_json()["round"]["status"] == "closed"
    kinds = {e["kind"] for e in records_of(volunteer, "inbox").values()}
    assert "evaluation_graded_competent" in kinds
    assert refused(_fill(rep, status="submitted", scores={other: 95, me: 67}))[0] == "round_closed"
    again = admin.send("POST", f"/api/evaluation/rounds/{round_['id']}/close")
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "round_closed"


def test_who_may_open_and_read_a_round_and_what_is_refused(app, ev):
    admin, qili = signed_in(app, HEXI_ADMIN), signed_in(app, QILI_ADMIN)
    assert _open(qili, ev).status_code == 404  # not their community
    assert [c["name"] for c in admin.client.get("/api/evaluation/communities").get_json()] == ["河西社区"]
    assert [c["name"] for c in qili.client.get("/api/evaluation/communities").get_json()] == ["七里店社区"]
    assert qili.client.get(f"/api/evaluation/candidates?community_id={ev.hexi}").status_code == 404
    people = admin.client.get(f"/api/evaluation/candidates?community_id={ev.hexi}").get_json()
    assert {p["id"] for p in people["committee"]} == {ev.hexi_admin, ev.worker_a, ev.worker_b}
    assert {p["id"] for p in people["members"]} == {ev.volunteer, ev.member2}
    assert ev.rep in {p["id"] for p in people["residents"]} and ev.resident not in {
        p["id"] for p in people["residents"]
    }
    wrong = _open(admin, ev, evaluators={"committee": [ev.qili_admin], "members": [ev.qili_volunteer, ev.volunteer]})
    assert wrong.status_code == 422
    fields = wrong.get_json()["error"]["fields"]
    assert fields["evaluators.committee"] == ["两委评议人须是本社区的管理员或网格员。"]
    assert fields["evaluators.members"] == ["党员评议人须是到本社区报到的党员志愿者。"]
    twice = _open(admin, ev, evaluators={"committee": [ev.worker_a], "members": [ev.member2, ev.member2]})
    assert twice.get_json()["error"]["fields"] == {"evaluators.members": ["同一个人只能在一个评议组中出现一次。"]}
    weights = _open(admin, ev, weights={"record": 50, "committee": 30, "members": 15, "residents": 15})
    assert weights.status_code == 422 and "weights" in weights.get_json()["error"]["fields"]
    none = _open(admin, ev, evaluators={})
    assert none.get_json()["error"]["fields"] == {"evaluators": ["请至少选择一位评议人。"]}

    round_id = _open(admin, ev).get_json()["id"]
    duplicate = _open(admin, ev)
    assert duplicate.status_code == 422 and duplicate.get_json()["error"]["code"] == "round_exists"
    assert qili.client.get(f"/api/evaluation/rounds/{round_id}/results").status_code == 404
    assert qili.client.get(f"/api/evaluation/rounds/{round_id}/results.xlsx").status_code == 404
    assert qili.send("POST", f"/api/evaluation/rounds/{round_id}/close").status_code == 404
    assert qili.client.get("/api/evaluation/rounds").get_json() == []
    assert [r["id"] for r in admin.client.get("/api/evaluation/rounds").get_json()] == [round_id]
    member = signed_in(app, MEMBER2)
    assert member.client.get(f"/api/evaluation/rounds/{round_id}/results").status_code == 404


@pytest.mark.parametrize(
    ("when", "reminded"),
    [
        (datetime(2026, 8, 20, 4, tzinfo=UTC), 0),  # before September: nobody
        # October: the pace asks 24 × 9 / 12 = 18 h; the volunteer has 14, 党员乙 3 in 河西 (and 七里店志愿者 0).
        (datetime(2026, 10, 15, 4, tzinfo=UTC), 3),
    ],
)
def test_autumn_reminders_once_a_month(app, ev, when, reminded):
    with app.app_context():
        assert reminders.remind(when) == reminded
        kinds = db.session.query(InboxEntry.kind, InboxEntry.user_id).filter(InboxEntry.kind == "evaluation_behind")
        assert len(kinds.all()) == reminded
        reminders.remind(when)  # the same month again: no second notice
        assert len(kinds.all()) == reminded
        if reminded:
            entry = db.session.query(InboxEntry).filter_by(user_id=ev.volunteer, kind="evaluation_behind").one()
            assert "14 小时" in entry.body and "18 小时" in entry.body
            with clock.at(when):
                ledger.credit(ev.volunteer, ev.hexi, "activity", "a2", "助老", 8, JUNE)
                db.session.commit()
            assert reminders.remind(datetime(2026, 11, 15, 4, tzinfo=UTC)) == 2  # 22 h ≥ 20 h: no longer behind
