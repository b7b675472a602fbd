"""Authorization, role by role: what each account may read through the API, and what it may not.

Outside scope answers 404 (nothing reveals that the row exists); a role that may never do
an action answers 403. Either way, no data.
"""

from types import SimpleNamespace

import pytest

from server.auth.models import RoleAssignment
from server.extensions import db as _db
from server.org.models import Compound
from tests.factories import PASSWORD, user
from tests.server.inspections_support import add_template

ACCOUNTS = {
    "root_admin": "13800000001",
    "hexi_admin": "13800000002",
    "worker_a": "13800000003",
    "worker_b": "13800000004",
    "steward": "13800000005",
    "staff": "13800000006",
    "resident": "13800000007",
    "volunteer": "13800000008",
    "dual": "13800000009",
    "qilidian_admin": "13800000010",
}

# (account, url template, expected status). Templates name attributes of the `world` fixture.
CASES = [
    # Households: admins of the subtree and the grid workers of the covering grid only.
    ("root_admin", "/api/places/households/{hh_dihao1[0]}", 200),
    ("hexi_admin", "/api/places/households/{hh_hexi1[0]}", 200),
    ("hexi_admin", "/api/places/households/{hh_dihao1[0]}", 404),
    ("hexi_admin", "/api/places/households/{hh_qili1[0]}", 404),
    ("worker_a", "/api/places/households/{hh_hexi1[0]}", 200),
    ("worker_a", "/api/places/households/{hh_hexi2[2]}", 200),
    ("worker_a", "/api/places/households/{hh_wenfeng1[0]}", 404),  # grid B's household
    ("worker_b", "/api/places/households/{hh_wenfeng1[0]}", 200),
    ("worker_b", "/api/places/households/{hh_wenfeng2[0]}", 404),  # building not covered by G2
    ("worker_b", "/api/places/households/{hh_hexi1[0]}", 404),
    ("steward", "/api/places/households/{hh_hexi1[0]}", 404),
    ("staff", "/api/places/households/{hh_dihao1[0]}", 404),
    ("resident", "/api/places/households/{hh_dihao1[0]}", 200),
    ("resident", "/api/places/households/{hh_dihao1[1]}", 404),  # the neighbour
    ("volunteer", "/api/places/households/{hh_hexi1[0]}", 404),
    # Households of a building.
    ("worker_a", "/api/places/buildings/{b_hexi1}/households", 200),
    ("worker_a", "/api/places/buildings/{b_wenfeng1}/households", 404),
    ("worker_b", "/api/places/buildings/{b_wenfeng2}/households", 404),
    # Compounds.
    ("worker_a", "/api/places/compounds/{hexi_xiaoqu}", 200),
    ("worker_a", "/api/places/compounds/{wenfeng_yuan}", 404),
    ("worker_b", "/api/places/compounds/{wenfeng_yuan}", 200),
    ("steward", "/api/places/compounds/{hexi_xiaoqu}", 200),
    ("steward", "/api/places/compounds/{wenfeng_yuan}", 404),
    ("staff", "/api/places/compounds/{dihao}", 200),
    ("staff", "/api/places/compounds/{hexi_xiaoqu}", 404),  # another company's compound
    ("resident", "/api/places/compounds/{dihao}", 200),
    ("resident", "/api/places/compounds/{hexi_xiaoqu}", 404),
    ("volunteer", "/api/places/compounds/{wenfeng_yuan}", 200),
    ("volunteer", "/api/places/compounds/{qilidian_yuan}", 404),
    ("hexi_admin", "/api/places/compounds/{qilidian_yuan}", 404),
    # Buildings of a compound.
    ("steward", "/api/places/compounds/{hexi_xiaoqu}/buildings", 200),
    ("staff", "/api/places/compounds/{wenfeng_yuan}/buildings", 404),
    # Org units.
    ("hexi_admin", "/api/org/units/{g2}", 200),
    ("hexi_admin", "/api/org/units/{wenfeng}", 200),  # an ancestor, for the path
    ("hexi_admin", "/api/org/units/{qilidian}", 404),  # a sibling community
    ("hexi_admin", "/api/org/units/{dongcheng}", 404),
    ("worker_a", "/api/org/units/{g1}", 200),
    ("worker_a", "/api/org/units/{g2}", 404),
    ("worker_a", "/api/org/units/{courtyard}", 404),
    ("resident", "/api/org/units/{dihao_community}", 200),
    ("resident", "/api/org/units/{hexi}", 404),
    # Admin endpoints: only admins, only their own jurisdiction.
    ("worker_a", "/api/admin/users", 403),
    ("steward", "/api/admin/users", 403),
    ("staff", "/api/admin/users", 403),
    ("resident", "/api/admin/users", 403),
    ("volunteer", "/api/admin/users", 403),
    ("hexi_admin", "/api/admin/users/{worker_a}", 200),
    ("hexi_admin", "/api/admin/users/{resident}", 404),  # a resident of 东城区
    ("hexi_admin", "/api/admin/users/{staff}", 404),
    ("root_admin", "/api/admin/users/{staff}", 200),
    ("root_admin", "/api/admin/audit", 200),
    ("hexi_admin", "/api/admin/audit", 200),  # the entries of the community
    ("worker_a", "/api/admin/audit", 403),
    # Accounts spanning jurisdictions (see `spanning` below): listed where one role is, read-only there.
    ("hexi_admin", "/api/admin/users/{dual}", 200),
    ("hexi_admin", "/api/admin/users/{two_homes}", 200),
    ("qilidian_admin", "/api/admin/users/{dual}", 404),
    # A property company whose compounds span communities is managed only above all of them.
    ("hexi_admin", "/api/admin/users/{wanjia_staff}", 404),
    ("root_admin", "/api/admin/users/{wanjia_staff}", 200),
]


@pytest.fixture
def spanning(world, app):
    """The world plus objects that span scopes. Trap: each must also hold something inside the
    admin's jurisdiction, or the 404 of plain invisibility would hide the hole.

    dual: a grid worker of G1 (河西社区) and the admin of 东城区. two_homes: a resident of a
    household in 河西小区 and of one in 帝豪花园. qilidian_admin: the admin of 七里店社区 who is
    also the red steward of 帝豪花园 (东城区) and a resident there. 万家物业 gets a compound in
    七里店社区, so it spans two communities; wanjia_staff works for it. worker_c: G3's worker."""
    with app.app_context():
        dual = user(
            "网格员丙",
            [("grid_worker", "org_unit_id", world.g1), ("admin", "org_unit_id", world.dongcheng)],
            phone="13800000009",
        )
        two_homes = user(
            "两处住户",
            [("resident", "household_id", world.hh_hexi1[1]), ("resident", "household_id", world.hh_dihao1[1])],
        )
        qilidian_admin = user(
            "七里店社区管理员",
            [
                ("admin", "org_unit_id", world.qilidian),
                ("red_steward", "compound_id", world.dihao),
                ("resident", "household_id", world.hh_dihao1[2]),
            ],
            phone="13800000010",
        )
        _db.session.add(Compound(name="七里店新苑", community_id=world.qilidian, property_company_id=world.wanjia))
        wanjia_staff = user("万家物业员工", [("property_staff", "company_id", world.wanjia)])
        worker_c = user("网格员丁", [("grid_worker", "org_unit_id", world.g3)])
        template_id = add_template()
        _db.session.commit()
        roles = {(a.role, a.user_id): a.id for a in _db.session.query(RoleAssignment)}
        ids = dict(
            dual=dual.id,
            two_homes=two_homes.id,
            qilidian_admin=qilidian_admin.id,
            wanjia_staff=wanjia_staff.id,
            worker_c=worker_c.id,
            template_id=template_id,
            dual_grid_role=roles["grid_worker", dual.id],
            dual_admin_role=roles["admin", dual.id],
        )
    return SimpleNamespace(**vars(world), **ids)


@pytest.mark.parametrize("account,template,status", CASES, ids=[f"{a}:{t}" for a, t, _ in CASES])
def test_each_role_reads_only_inside_its_scope(spanning, auth, account, template, status):
    assert auth.login(ACCOUNTS[account], PASSWORD).status_code == 200
    response = auth.client.get(template.format(**vars(spanning)))
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    if status != 200:
        assert set(body) == {"error"}, "a refusal carries no data"
        assert body["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]


# (account, method, url template, body(world), expected status, error code) for changes.
# Changing an account as a whole needs authority over every role it holds; giving or taking a
# role inside the jurisdiction only touches the admin's own scope.
NEW_PASSWORD = "Zhangjiakou-2027"
WRITES = [
    ("hexi_admin", "PATCH", "/api/admin/users/{dual}", lambda w: {"password": NEW_PASSWORD}, 403, "managed_elsewhere"),
    ("hexi_admin", "PATCH", "/api/admin/users/{dual}", lambda w: {"active": False}, 403, "managed_elsewhere"),
    ("hexi_admin", "PATCH", "/api/admin/users/{dual}", lambda w: {"display_name": "冒名"}, 403, "managed_elsewhere"),
    ("hexi_admin", "PATCH", "/api/admin/users/{dual}", lambda w: {"locale": "en"}, 403, "managed_elsewhere"),
    (
        "hexi_admin",
        "PATCH",
        "/api/admin/users/{two_homes}",
        lambda w: {"password": NEW_PASSWORD},
        403,
        "managed_elsewhere",
    ),
    ("hexi_admin", "PATCH", "/api/admin/users/{worker_a}", lambda w: {"password": NEW_PASSWORD}, 200, None),
    ("root_admin", "PATCH", "/api/admin/users/{dual}", lambda w: {"password": NEW_PASSWORD}, 200, None),
    (
        "hexi_admin",
        "POST",
        "/api/admin/users/{dual}/roles",
        lambda w: {"role": "volunteer", "scope_id": w.hexi},
        201,
        None,
    ),
    ("hexi_admin", "DELETE", "/api/admin/users/{dual}/roles/{dual_admin_role}", lambda w: None, 404, "not_found"),
    ("hexi_admin", "DELETE", "/api/admin/users/{dual}/roles/{dual_grid_role}", lambda w: None, 200, None),
    # An admin who is also a resident elsewhere does not give out that household ...
    (
        "qilidian_admin",
        "POST",
        "/api/admin/users/{worker_c}/roles",
        lambda w: {"role": "resident", "scope_id": w.hh_dihao1[2]},
        403,
        "forbidden",
    ),
    (
        "qilidian_admin",
        "POST",
        "/api/admin/users/{worker_c}/roles",
        lambda w: {"role": "resident", "scope_id": w.hh_qili1[0]},
        201,
        None,
    ),
    # ... nor inspects, as an admin, the compound they are the red steward of.
    (
        "qilidian_admin",
        "POST",
        "/api/inspections",
        lambda w: {"compound_id": w.dihao, "template_id": w.template_id},
        422,
        "compound_missing",
    ),
    (
        "hexi_admin",
        "POST",
        "/api/admin/users/{worker_a}/roles",
        lambda w: {"role": "property_staff", "scope_id": w.wanjia},
        403,
        "forbidden",
    ),
]


@pytest.mark.parametrize(
    "account,method,template,body,status,code", WRITES, ids=[f"{a}:{m} {t}:{s}" for a, m, t, _, s, _ in WRITES]
)
def test_each_role_changes_only_what_is_wholly_inside_its_scope(
    spanning, auth, account, method, template, body, status, code
):
    assert auth.login(ACCOUNTS[account], PASSWORD).status_code == 200
    response = auth.send(method, template.format(**vars(spanning)), json=body(spanning))
    assert response.status_code == status, response.get_json()
    if code:
        assert set(response.get_json()) == {"error"}, "a refusal carries no data"
        assert response.get_json()["error"]["code"] == code


def test_a_community_admin_cannot_take_over_a_district_admin_who_works_a_grid_there(spanning, auth, app):
    """Issue 12: re-passwording the account would have given its 东城区 admin powers away."""
    from tests.conftest import AuthActions

    auth.login(ACCOUNTS["hexi_admin"], PASSWORD)
    detail = auth.client.get(f"/api/admin/users/{spanning.dual}").get_json()
    assert detail["managed_elsewhere"] is True
    assert [r["role"] for r in detail["roles"]] == ["grid_worker"], "roles outside stay unseen"
    listed = {
        u["display_name"]: u["managed_elsewhere"]
        for u in auth.client.get("/api/admin/users?per_page=100").get_json()["items"]
    }
    assert listed["网格员丙"] is True and listed["两处住户"] is True and listed["网格员甲"] is False
    admins = [u["display_name"] for u in auth.client.get("/api/admin/users?role=admin").get_json()["items"]]
    assert admins == ["河西社区管理员"], "a role held elsewhere does not show through the filter either"
    refused = auth.send("PATCH", f"/api/admin/users/{spanning.dual}", json={"password": NEW_PASSWORD, "active": False})
    assert refused.status_code == 403 and refused.get_json()["error"]["message"].startswith(
        "该账号在您的管辖范围外还有角色"
    )
    victim = AuthActions(app.test_client())
    assert victim.login(ACCOUNTS["dual"], NEW_PASSWORD).status_code == 401
    assert victim.login(ACCOUNTS["dual"], PASSWORD).status_code == 200


def test_anonymous_callers_get_401_everywhere(world, client):
    for url in (
        "/api/me",
        "/api/org/units",
        "/api/places/compounds",
        f"/api/places/households/{world.hh_hexi1[0]}",
        "/api/admin/users",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == "unauthorized"


def _names(response):
    return sorted(item["name"] for item in response.get_json()["items"])


@pytest.mark.parametrize(
    "account,expected",
    [
        ("root_admin", ["七里店家属院", "帝豪花园", "文峰苑", "河西小区"]),
        ("hexi_admin", ["文峰苑", "河西小区"]),
        ("worker_a", ["河西小区"]),
        ("worker_b", ["文峰苑"]),
        ("steward", ["河西小区"]),
        ("staff", ["帝豪花园"]),
        ("resident", ["帝豪花园"]),
        ("volunteer", ["文峰苑", "河西小区"]),
    ],
)
def test_compound_lists_hold_exactly_the_scope(world, auth, account, expected):
    auth.login(ACCOUNTS[account], PASSWORD)
    assert _names(auth.client.get("/api/places/compounds")) == expected


def test_grid_worker_sees_only_covered_buildings_of_a_partly_covered_compound(world, auth):
    auth.login(ACCOUNTS["worker_b"], PASSWORD)
    buildings = auth.client.get(f"/api/places/compounds/{world.wenfeng_yuan}/buildings").get_json()
    assert [b["id"] for b in buildings] == [world.b_wenfeng1]
    households = auth.client.get(f"/api/places/buildings/{world.b_wenfeng1}/households").get_json()
    assert sorted(h["id"] for h in households["items"]) == sorted(world.hh_wenfeng1)


def test_household_detail_masks_phone_numbers(world, auth):
    auth.login(ACCOUNTS["worker_a"], PASSWORD)
    body = auth.client.get(f"/api/places/households/{world.hh_hexi1[0]}").get_json()
    (resident,) = body["residents"]
    assert resident["phone_masked"].startswith("137****") and "phone" not in resident
    assert body["compound"]["name"] == "河西小区" and body["building"]["name"] == "1号楼"


def test_org_tree_shows_the_path_down_to_a_grid_worker_grid_only(world, auth):
    auth.login(ACCOUNTS["worker_a"], PASSWORD)
    top = auth.client.get("/api/org/units").get_json()
    assert [u["name"] for u in top] == ["许昌市"]
    districts = auth.client.get(f"/api/org/units?parent_id={world.city}").get_json()
    assert [u["name"] for u in districts] == ["魏都区"]
    grids = auth.client.get(f"/api/org/units?parent_id={world.hexi}").get_json()
    assert [u["name"] for u in grids] == ["河西社区第一网格"]
    assert auth.client.get(f"/api/org/units?parent_id={world.dongcheng}").status_code == 404


def test_admin_org_subtree_and_compound_filter(world, auth):
    auth.login(ACCOUNTS["root_admin"], PASSWORD)
    detail = auth.client.get(f"/api/org/units/{world.hexi}").get_json()
    assert [a["name"] for a in detail["ancestors"]] == ["许昌市", "魏都区", "文峰街道"]
    assert detail["compounds_count"] == 2 and detail["children_count"] == 2
    in_weidu = auth.client.get(f"/api/places/compounds?org_unit_id={world.weidu}")
    assert _names(in_weidu) == ["七里店家属院", "文峰苑", "河西小区"]
    assert _names(auth.client.get("/api/places/compounds?q=帝豪")) == ["帝豪花园"]
