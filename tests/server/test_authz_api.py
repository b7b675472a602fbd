"""Authorization, role by role: what each account may read through the API, and what it may not.

Outside scope answers 404 (nothing reveals that the row exists); a role that may never do
an action answers 403. Either way, no data.
"""
import pytest

from tests.factories import PASSWORD

ACCOUNTS = {
    "root_admin": "13800000001",
    "hexi_admin": "13800000002",
    "worker_a": "13800000003",
    "worker_b": "13800000004",
    "steward": "13800000005",
    "staff": "13800000006",
    "resident": "13800000007",
    "volunteer": "13800000008",
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
    ("hexi_admin", "/api/admin/audit", 403),
    ("worker_a", "/api/admin/audit", 403),
]


@pytest.mark.parametrize("account,template,status", CASES, ids=[f"{a}:{t}" for a, t, _ in CASES])
def test_each_role_reads_only_inside_its_scope(world, auth, account, template, status):
    assert auth.login(ACCOUNTS[account], PASSWORD).status_code == 200
    response = auth.client.get(template.format(**vars(world)))
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    if status != 200:
        assert set(body) == {"error"}, "a refusal carries no data"
        assert body["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]


def test_anonymous_callers_get_401_everywhere(world, client):
    for url in ("/api/me", "/api/org/units", "/api/places/compounds", f"/api/places/households/{world.hh_hexi1[0]}", "/api/admin/users"):
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
