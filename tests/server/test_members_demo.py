"""The demo's 双报到 (server/demo/members.py): 河西社区's units serve its grids (two the first grid,
N对1), the demo volunteer is a member of the power company's unit with skills and time, and the
admin sees codes, units, members and two service projects — all made through the real paths."""

from server.demo import DEMO_ACCOUNTS
from server.demo.members import PASSWORD
from tests.conftest import AuthActions

VOLUNTEER, HEXI_ADMIN, SECRETARY = "13800000008", "13800000002", "13800001001"
PASSWORDS = {**{a["phone"]: a["password"] for a in DEMO_ACCOUNTS}, SECRETARY: PASSWORD}


def signed_in(app, phone) -> AuthActions:
    auth = AuthActions(app.test_client())
    assert auth.login(phone, PASSWORDS[phone]).status_code == 200
    return auth


def test_the_demo_volunteer_reports_through_a_unit(demo_app):
    app, summary = demo_app
    assert summary["counts"]["member_units"] == 3 and summary["counts"]["member_projects"] == 2
    mine = signed_in(app, VOLUNTEER).send("GET", "/api/members/me").get_json()
    (member,) = mine["members"]
    assert (member["community_name"], member["unit_name"], member["unit_role"]) == (
        "河西社区",
        "许昌市供电公司党委",
        "member",
    )
    assert member["skills"] == ["it", "driving"] and "sat_morning" in member["availability"]
    (unit,) = mine["units"]
    assert "members" not in unit and {r["name"] for r in unit["resources"]} == {"职工活动室", "安全用电上门检查"}
    assert [p["title"] for p in mine["projects"]] == ["四点半课堂", "关爱空巢老人·健康守护"]
    secretary = signed_in(app, SECRETARY).send("GET", f"/api/members/units/{unit['id']}").get_json()
    assert sorted(m["display_name"] for m in secretary["members"]) == ["孙磊", "王建军", "陈志强"]


def test_the_admin_sees_units_serving_grids_n_to_1(demo_app):
    app, _ = demo_app
    admin = signed_in(app, HEXI_ADMIN)
    communities = admin.send("GET", "/api/members/me").get_json()["communities"]
    assert sorted(c["name"] for c in communities) == ["学苑社区", "河西社区"]  # both of 刘红梅's
    (community,) = [c for c in communities if c["name"] == "河西社区"]
    overview = admin.send("GET", f"/api/members/communities/{community['id']}").get_json()
    first_grid = overview["grids"][0]
    serving = sorted(u["name"] for u in overview["units"] if first_grid["id"] in [g["id"] for g in u["grids"]])
    assert serving == ["许昌市供电公司党委", "魏都区人民医院党支部"]
    assert len(overview["members"]) == 6 and len(overview["codes"]) == 5
    assert all(m["phone"] is None or m["phone"].startswith("1") for m in overview["members"])
