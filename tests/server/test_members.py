"""双报到 (PROTOCOL.md §17): report codes issued by a community's admin, a unit registering with
one and serving grids (N对1), members joining with one, their profiles, the unit's resources,
the community's projects, and 双报告 — who may see and do what, and the refusals by code."""

import io
import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment
from server.core import clock
from server.core.codes import ALPHABET as CODE_ALPHABET
from server.extensions import db
from server.ledger import roster
from server.ledger import service as ledger
from tests.conftest import count_statements
from tests.factories import user
from tests.server.tasks_support import pull_all, signed_in

HEXI_ADMIN, QILI_ADMIN = "13800000002", "13900000204"
SECRETARY, MEMBER, OTHER_SECRETARY, NEWCOMER = "13900000201", "13900000202", "13900000203", "13900000205"
UNIT = {
    "name": "许昌市供电公司党委",
    "kind": "enterprise",
    "party_org": "国网许昌供电公司党委",
    "contact_name": "李书记",
    "contact_phone": "13700001111",
}


@pytest.fixture
def mw(app, world):
    """The world plus accounts with no reporting yet, and an admin of 七里店社区."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    with app.app_context():
        for name, phone in (("李书记", SECRETARY), ("王党员", MEMBER), ("赵书记", OTHER_SECRETARY), ("新人", NEWCOMER)):
            user(name, [], phone=phone)
        user("七里店管理员", [("admin", "org_unit_id", world.qilidian)], phone=QILI_ADMIN)
        db.session.commit()
    return world


def _ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _refused(response, code, field=None, status=422):
    body = response.get_json()
    assert response.status_code == status, body
    assert body["error"]["code"] == code, body
    if field:
        assert field in body["error"]["fields"], body
    return body


def _issue(admin, community_id, kind="unit", **more):
    return _ok(admin.send("POST", "/api/members/codes", json={"community_id": community_id, "kind": kind, **more}), 201)


def _unit_with_secretary(app, w, grid_ids=None):
    admin = signed_in(app, HEXI_ADMIN)
    code = _issue(admin, w.hexi)
    secretary = signed_in(app, SECRETARY)
    unit = {**UNIT, "grid_ids": grid_ids if grid_ids is not None else [w.g1, w.g2]}
    member = _ok(secretary.send("POST", "/api/members/report", json={"code": code["code"], "unit": unit}), 201)
    return SimpleNamespace(admin=admin, secretary=secretary, member=member, unit_id=member["unit_id"])


def test_codes_are_random_typeable_and_audited(app, mw):
    admin = signed_in(app, HEXI_ADMIN)
    codes = {_issue(admin, mw.hexi)["code"] for _ in range(5)}
    assert len(codes) == 5
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    response = admin.send("GET", f"/api/members/codes/check?code={'-'.join([c.lower() for c in sorted(codes)[0]])}")
    assert response.status_code == 200  # typed in lower case, with dashes: the same code
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "members.code_issue")) is not None


def test_an_admin_issues_codes_only_for_their_own_communities(app, mw):
    qili_admin = signed_in(app, QILI_ADMIN)
    response = qili_admin.send("POST", "/api/members/codes", json={"community_id": mw.hexi, "kind": "unit"})
    assert response.status_code == 404
    volunteer = signed_in(app, "13800000008")
    response = volunteer.send("POST", "/api/members/codes", json={"community_id": mw.hexi, "kind": "unit"})
    assert response.status_code == 403
    assert _issue(signed_in(app, "13800000001"), mw.hexi)["community_id"] == mw.hexi  # the city's admin


def test_bad_input_is_refused_per_field(app, mw):
    admin = signed_in(app, HEXI_ADMIN)
    body = _refused(
        admin.send(
            "POST",
            "/api/members/codes",
            json={"community_id": mw.hexi, "kind": "boss", "max_uses": 0, "days": 999},
            headers={"Accept-Language": "zh-CN"},
        ),
        "validation",
    )
    assert set(body["error"]["fields"]) == {"kind", "max_uses", "days"}
    code = _issue(admin, mw.hexi)
    secretary = signed_in(app, SECRETARY)
    bad_unit = {**UNIT, "kind": "castle", "contact_phone": "12345", "name": "x" * 61}
    body = _refused(
        secretary.send(
            "POST",
            "/api/members/report",
            json={"code": code["code"], "unit": bad_unit, "profile": {"skills": ["flying"], "availability": ["never"]}},
        ),
        "validation",
    )
    assert set(body["error"]["fields"]["unit"]) == {"kind", "contact_phone", "name"}
    assert set(body["error"]["fields"]["profile"]) == {"skills", "availability"}
    _refused(secretary.send("POST", "/api/members/report", json={"code": code["code"]}), "unit_required", "unit")
    wrong_grid = {**UNIT, "grid_ids": [mw.g3]}
    _refused(
        secretary.send("POST", "/api/members/report", json={"code": code["code"], "unit": wrong_grid}),
        "grid_not_in_community",
        "unit.grid_ids",
    )


def test_a_unit_registers_serves_grids_and_its_secretary_becomes_a_volunteer(app, mw):
    u = _unit_with_secretary(app, mw)
    assert u.member["unit_role"] == "secretary" and u.member["community_id"] == mw.hexi
    with app.app_context():
        roles = db.session.scalars(select(RoleAssignment.role).where(RoleAssignment.org_unit_id == mw.hexi))
        assert "volunteer" in set(roles)
    me = _ok(u.secretary.send("GET", "/api/auth/me" if False else "/api/me"))
    assert {"role": "volunteer"}.items() <= next(r for r in me["roles"] if r["role"] == "volunteer").items()
    unit = _ok(u.secretary.send("GET", f"/api/members/units/{u.unit_id}"))
    assert sorted(g["id"] for g in unit["grids"]) == sorted([mw.g1, mw.g2])
    # N对1: a second unit serves grid 1 too.
    code = _issue(u.admin, mw.hexi)
    other = signed_in(app, OTHER_SECRETARY)
    second = {**UNIT, "name": "魏都区人民医院党支部", "kind": "hospital", "grid_ids": [mw.g1]}
    _ok(other.send("POST", "/api/members/report", json={"code": code["code"], "unit": second}), 201)
    overview = _ok(u.admin.send("GET", f"/api/members/communities/{mw.hexi}"))
    serving_g1 = [x["name"] for x in overview["units"] if mw.g1 in [g["id"] for g in x["grids"]]]
    assert sorted(serving_g1) == sorted(["许昌市供电公司党委", "魏都区人民医院党支部"])


def test_a_member_joins_a_unit_and_keeps_a_profile(app, mw):
    u = _unit_with_secretary(app, mw)
    code = _issue(u.admin, mw.hexi, kind="member", unit_id=u.unit_id, max_uses=30)
    member = signed_in(app, MEMBER)
    check = _ok(member.send("GET", f"/api/members/codes/check?code={code['code'].lower()}"))
    assert (check["kind"], check["unit_name"], check["community_name"]) == ("member", UNIT["name"], "河西社区")
    profile = {
        "branch": "营销党支部",
        "skills": ["repair", "it", "repair"],
        "skills_note": "会修空调",
        "availability": ["sat_morning", "weekday_evening"],
        "phone": "13611112222",
    }
    joined = _ok(member.send("POST", "/api/members/report", json={"code": code["code"], "profile": profile}), 201)
    assert joined["unit_id"] == u.unit_id and joined["unit_role"] == "member"
    assert joined["skills"] == ["repair", "it"] and joined["phone"] == "13611112222"
    edited = _ok(member.send("PATCH", f"/api/members/me/{joined['id']}", json={"availability": ["sun_afternoon"]}))
    assert edited["availability"] == ["sun_afternoon"] and edited["skills"] == ["repair", "it"]
    mine = _ok(member.send("GET", "/api/members/me"))
    assert [m["id"] for m in mine["members"]] == [joined["id"]]
    assert mine["units"][0]["name"] == UNIT["name"] and "members" not in mine["units"][0]
    # Someone else's profile is not found, and a second report to the same community is refused.
    assert u.secretary.send("PATCH", f"/api/members/me/{joined['id']}", json={"branch": "x"}).status_code == 404
    again = _issue(u.admin, mw.hexi, kind="member")
    _refused(member.send("POST", "/api/members/report", json={"code": again["code"]}), "already_reported", "code")


def test_expired_used_up_revoked_and_unknown_codes_are_refused(app, mw):
    admin = signed_in(app, HEXI_ADMIN)
    member = signed_in(app, MEMBER)
    newcomer = signed_in(app, NEWCOMER)
    _refused(member.send("POST", "/api/members/report", json={"code": "ZZZZZZZZ"}), "code_unknown", "code")
    once = _issue(admin, mw.hexi, kind="member", max_uses=1)
    _ok(member.send("POST", "/api/members/report", json={"code": once["code"]}), 201)
    _refused(newcomer.send("POST", "/api/members/report", json={"code": once["code"]}), "code_used_up", "code")
    revoked = _issue(admin, mw.hexi, kind="member")
    assert _ok(admin.send("POST", f"/api/members/codes/{revoked['id']}/revoke"))["state"] == "revoked"
    _refused(newcomer.send("GET", f"/api/members/codes/check?code={revoked['code']}"), "code_revoked", "code")
    _refused(newcomer.send("POST", "/api/members/report", json={"code": revoked["code"]}), "code_revoked", "code")
    soon = _issue(admin, mw.hexi, kind="member", days=1)
    with clock.at(datetime.now(UTC) + timedelta(days=2)):
        _refused(newcomer.send("POST", "/api/members/report", json={"code": soon["code"]}), "code_expired", "code")
    # The admin of another community can neither revoke nor see the codes.
    assert signed_in(app, QILI_ADMIN).send("POST", f"/api/members/codes/{soon['id']}/revoke").status_code == 404
    assert signed_in(app, QILI_ADMIN).send("GET", f"/api/members/communities/{mw.hexi}").status_code == 404


def test_phones_and_members_are_seen_only_by_the_secretary_and_admins(app, mw):
    u = _unit_with_secretary(app, mw)
    code = _issue(u.admin, mw.hexi, kind="member", unit_id=u.unit_id, max_uses=5)
    member = signed_in(app, MEMBER)
    _ok(
        member.send("POST", "/api/members/report", json={"code": code["code"], "profile": {"phone": "13611112222"}}),
        201,
    )
    _ok(u.secretary.send("PATCH", f"/api/members/me/{u.member['id']}", json={"phone": "13699990000"}))
    as_member = _ok(member.send("GET", f"/api/members/units/{u.unit_id}"))
    assert "members" not in as_member and as_member["member_count"] == 2
    mine = member.send("GET", "/api/members/me").get_data(as_text=True)
    assert "13699990000" not in mine  # never the secretary's phone
    # Nothing of 双报到 is synced: a member's full pull carries nobody's phone, not even the unit's.
    pulled = json.dumps(pull_all(member), ensure_ascii=False)
    assert "13699990000" not in pulled and "13611112222" not in pulled
    as_secretary = _ok(u.secretary.send("GET", f"/api/members/units/{u.unit_id}"))
    assert "13611112222" in {m["phone"] for m in as_secretary["members"]}
    # A member of another unit cannot read this unit.
    other_code = _issue(u.admin, mw.hexi)
    other = signed_in(app, OTHER_SECRETARY)
    second = _ok(
        other.send("POST", "/api/members/report", json={"code": other_code["code"], "unit": {**UNIT, "name": "乙"}}),
        201,
    )
    assert other.send("GET", f"/api/members/units/{u.unit_id}").status_code == 404
    assert member.send("GET", f"/api/members/units/{second['unit_id']}").status_code == 404
    # A plain member may not change the unit or its resources.
    _refused(member.send("PATCH", f"/api/members/units/{u.unit_id}", json={"about": "x"}), "secretary_only", status=403)
    resource = {"kind": "venue", "name": "职工活动室", "capacity": 40}
    _refused(
        member.send("POST", f"/api/members/units/{u.unit_id}/resources", json=resource), "secretary_only", status=403
    )


def test_the_secretary_keeps_the_resources_list_and_grids(app, mw):
    u = _unit_with_secretary(app, mw, grid_ids=[mw.g1])
    resource = {
        "kind": "venue",
        "name": "职工活动室",
        "description": "可容纳40人，有投影",
        "availability": ["sat_morning", "sat_afternoon"],
        "capacity": 40,
    }
    made = _ok(u.secretary.send("POST", f"/api/members/units/{u.unit_id}/resources", json=resource), 201)
    edited = _ok(
        u.secretary.send("PATCH", f"/api/members/units/{u.unit_id}/resources/{made['id']}", json={"capacity": 60})
    )
    assert edited["capacity"] == 60 and edited["name"] == "职工活动室"
    _refused(
        u.secretary.send("POST", f"/api/members/units/{u.unit_id}/resources", json={**resource, "kind": "x"}),
        "validation",
        "kind",
    )
    unit = _ok(u.secretary.send("PATCH", f"/api/members/units/{u.unit_id}", json={"grid_ids": [mw.g2]}))
    assert [g["id"] for g in unit["grids"]] == [mw.g2]
    _refused(
        u.secretary.send("PATCH", f"/api/members/units/{u.unit_id}", json={"grid_ids": [mw.g4]}),
        "grid_not_in_community",
        "grid_ids",
    )
    _refused(
        u.secretary.send("PATCH", f"/api/members/members/{u.member['id']}", json={"unit_role": "member"}),
        "last_secretary",
        "unit_role",
    )
    assert u.secretary.send("DELETE", f"/api/members/units/{u.unit_id}/resources/{made['id']}").status_code == 204
    assert _ok(u.secretary.send("GET", f"/api/members/units/{u.unit_id}"))["resources"] == []


def test_projects_are_the_admins_and_the_members_read_the_open_ones(app, mw):
    u = _unit_with_secretary(app, mw)
    project = {
        "title": "关爱空巢老人",
        "skills": ["elderly_care", "medical"],
        "grid_ids": [mw.g1],
        "availability": ["sat_morning"],
        "starts_on": "2026-12-01",
        "ends_on": "2027-03-31",
    }
    made = _ok(u.admin.send("POST", f"/api/members/communities/{mw.hexi}/projects", json=project), 201)
    assert made["grids"] == [{"id": mw.g1, "name": "河西社区第一网格"}] and made["status"] == "open"
    _refused(
        u.admin.send("PATCH", f"/api/members/projects/{made['id']}", json={"ends_on": "2026-01-01"}),
        "period_order",
        "ends_on",
    )
    assert u.secretary.send("PATCH", f"/api/members/projects/{made['id']}", json={"title": "x"}).status_code == 403
    qili = signed_in(app, QILI_ADMIN)
    assert qili.send("POST", f"/api/members/communities/{mw.hexi}/projects", json=project).status_code == 404
    assert [p["title"] for p in _ok(u.secretary.send("GET", "/api/members/me"))["projects"]] == ["关爱空巢老人"]
    _ok(u.admin.send("PATCH", f"/api/members/projects/{made['id']}", json={"status": "closed"}))
    assert _ok(u.secretary.send("GET", "/api/members/me"))["projects"] == []


def _credit(app, account_id, community_id, source, title, hours, day, rating=None, kind="activity"):
    with app.app_context():
        ledger.credit(account_id, community_id, kind, source, title, hours, day, rating=rating)
        db.session.commit()


def test_double_report_totals_page_and_workbook(app, mw):
    u = _unit_with_secretary(app, mw)
    code = _issue(u.admin, mw.hexi, kind="member", unit_id=u.unit_id, max_uses=5)
    member = signed_in(app, MEMBER)
    joined = _ok(member.send("POST", "/api/members/report", json={"code": code["code"]}), 201)
    day = datetime(2026, 12, 5, 2, tzinfo=UTC)
    _credit(app, joined["user_id"], mw.hexi, "a1", "=清扫楼道", 2.5, day)
    _credit(app, joined["user_id"], mw.hexi, "w1", "修轮椅", 1, day, rating=5, kind="wish")
    _credit(app, u.member["user_id"], mw.hexi, "a2", "义诊", 3, day, rating=4)
    # Not counted: another community, and outside the period (Xuchang's 1 December starts at 16:00 UTC the day before).
    _credit(app, joined["user_id"], mw.qilidian, "a3", "别处", 5, day)
    _credit(app, joined["user_id"], mw.hexi, "a4", "上个月", 5, datetime(2026, 11, 30, 15, 59, tzinfo=UTC))
    _credit(app, joined["user_id"], mw.hexi, "a5", "月初", 0.5, datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    period = "since=2026-12-01&until=2026-12-31"
    mine = _ok(member.send("GET", f"/api/members/reports?member_id={joined['id']}&{period}"))
    assert mine["totals"] == {"hours": 4.0, "activities": 3, "rated": 1, "rating_mean": 5.0}
    assert mine["subject"]["unit"] == UNIT["name"] and mine["people"] == []
    unit = _ok(u.secretary.send("GET", f"/api/members/reports?unit_id={u.unit_id}&{period}"))
    assert unit["totals"] == {"hours": 7.0, "activities": 4, "rated": 2, "rating_mean": 4.5}
    people = {p["name"]: (p["activities"], p["hours"]) for p in unit["people"]}
    assert people == {"王党员": (3, 4.0), "李书记": (1, 3.0)}
    # A member reports on themself only; the secretary on the unit's members too.
    assert member.send("GET", f"/api/members/reports?unit_id={u.unit_id}&{period}").status_code == 404
    assert u.secretary.send("GET", f"/api/members/reports?member_id={joined['id']}&{period}").status_code == 200
    assert (
        signed_in(app, OTHER_SECRETARY).send("GET", f"/api/members/reports?unit_id={u.unit_id}&{period}").status_code
        == 404
    )
    _refused(
        member.send("GET", f"/api/members/reports?member_id={joined['id']}&since=2026-12-31&until=2026-12-01"),
        "period_order",
        "until",
    )
    _refused(
        member.send("GET", f"/api/members/reports?member_id={joined['id']}&since=2025-01-01&until=2026-12-01"),
        "period_too_long",
    )
    _refused(member.send("GET", f"/api/members/reports?{period}"), "report_subject", "member_id")
    page = u.secretary.send("GET", f"/members/report?unit_id={u.unit_id}&{period}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "驻区单位党组织到社区报到服务情况报告" in text
    assert "7.0" in text and "义诊" in text and "别处" not in text
    xlsx = u.secretary.send("GET", f"/api/members/reports.xlsx?unit_id={u.unit_id}&{period}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    rows = [tuple(r) for r in book["服务记录"].iter_rows(values_only=True)]
    assert rows[0] == ("日期", "党员", "类别", "内容", "时长（小时）", "评价")
    assert rows[-1][0] == "合计" and rows[-1][4] == 7.0
    assert ("2026-12-05", "王党员", "志愿服务活动", "=清扫楼道", 2.5, None) in rows
    formula_cell = next(c for c in book["服务记录"]["D"] if c.value == "=清扫楼道")
    assert formula_cell.data_type == "s"  # text, never a formula
    assert [r[:3] for r in book["汇总"].iter_rows(min_row=2, values_only=True)] == [
        ("李书记", "联络员", 1),
        ("王党员", "党员", 3),
    ]
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "members.report_export"))


def test_double_report_of_an_empty_period_and_bad_dates(app, mw):
    u = _unit_with_secretary(app, mw)
    today = date.today().isoformat()
    report = _ok(
        u.secretary.send("GET", f"/api/members/reports?member_id={u.member['id']}&since={today}&until={today}")
    )
    assert report["totals"] == {"hours": 0, "activities": 0, "rated": 0, "rating_mean": None}
    page = u.secretary.send("GET", f"/members/report?member_id={u.member['id']}&since={today}&until={today}")
    assert "本报告期内暂无服务记录" in page.get_data(as_text=True)
    bad = u.secretary.send("GET", f"/members/report?member_id={u.member['id']}&since=x&until={today}")
    assert bad.status_code == 422 and "since" in bad.get_json()["error"]["fields"]


def test_the_overview_costs_the_same_for_few_members_and_many(app, mw):
    u = _unit_with_secretary(app, mw)
    code = _issue(u.admin, mw.hexi, kind="member", unit_id=u.unit_id, max_uses=50)

    def join(n):
        for _ in range(n):
            with app.app_context():
                phone = f"1390000{3000 + len(joined)}"
                user(f"党员{len(joined)}", [], phone=phone)
                db.session.commit()
            joined.append(phone)
            _ok(signed_in(app, phone).send("POST", "/api/members/report", json={"code": code["code"]}), 201)

    joined = []
    join(2)
    few = count_statements(app, lambda: _ok(u.admin.send("GET", f"/api/members/communities/{mw.hexi}")))
    join(8)
    many = count_statements(app, lambda: _ok(u.admin.send("GET", f"/api/members/communities/{mw.hexi}")))
    assert many == few


def test_the_last_secretary_neither_steps_down_nor_leaves(app, mw):
    u = _unit_with_secretary(app, mw)
    for change, field in (({"unit_role": "member"}, "unit_role"), ({"active": False}, "active")):
        _refused(
            u.secretary.send("PATCH", f"/api/members/members/{u.member['id']}", json=change), "last_secretary", field
        )
    code = _issue(u.admin, mw.hexi, kind="member", unit_id=u.unit_id)
    member = signed_in(app, MEMBER)
    joined = _ok(member.send("POST", "/api/members/report", json={"code": code["code"]}), 201)
    made = _ok(u.secretary.send("PATCH", f"/api/members/members/{joined['id']}", json={"unit_role": "secretary"}))
    assert made["unit_role"] == "secretary"
    _ok(u.secretary.send("PATCH", f"/api/members/members/{u.member['id']}", json={"unit_role": "member"}))
    # Now the new secretary is the only one: they cannot leave, but may let the former one go.
    _refused(
        member.send("PATCH", f"/api/members/members/{joined['id']}", json={"active": False}), "last_secretary", "active"
    )
    _ok(member.send("PATCH", f"/api/members/members/{u.member['id']}", json={"active": False}))
    assert u.secretary.send("GET", f"/api/members/units/{u.unit_id}").status_code == 404  # gone from the unit
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "members.member_edit"))


def test_the_roster_the_evaluation_counts_is_the_units_and_their_members(app, mw):
    u = _unit_with_secretary(app, mw)
    code = _issue(u.admin, mw.hexi, kind="member", max_uses=5)  # the community itself, no unit
    loner = _ok(signed_in(app, MEMBER).send("POST", "/api/members/report", json={"code": code["code"]}), 201)
    with app.app_context():
        found = {s.key: s for s in roster.subjects(mw.hexi)}
    unit = found[f"unit:{u.unit_id}"]
    assert (unit.kind, unit.name, unit.account_ids) == ("unit", UNIT["name"], (u.member["user_id"],))
    assert found[f"member:{u.member['user_id']}"].unit_key == f"unit:{u.unit_id}"
    assert found[f"member:{loner['user_id']}"].unit_key is None
    assert found[f"member:{mw.volunteer}"].unit_key is None  # a volunteer who never reported still counts
