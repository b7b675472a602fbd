"""GET /api/org/scopes: the scope picker's search, within the caller's jurisdiction only."""

from tests.factories import PASSWORD


def _hits(auth, query=""):
    response = auth.client.get(f"/api/org/scopes{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_community_admin_finds_only_units_and_compounds_of_the_community(world, auth):
    auth.login("13800000002", PASSWORD)  # admin of 河西社区
    body = _hits(auth, "?per_page=50")
    names = {(h["scope_type"], h["name"]) for h in body["items"]}
    assert ("org_unit", "河西社区第一网格") in names and ("compound", "文峰苑") in names
    assert ("org_unit", "七里店社区第一网格") not in names and ("compound", "帝豪花园") not in names
    assert ("org_unit", "文峰街道") not in names  # an ancestor: seen for paths, not granted on
    assert ("company", "远航物业服务有限公司") not in names  # its compounds lie elsewhere
    assert body["total"] == len(body["items"])


def test_hits_carry_their_path_and_come_grouped_by_parent(world, auth):
    auth.login("13800000001", PASSWORD)  # the city
    body = _hits(auth, "?q=网格&kinds=grid&per_page=50")
    assert [h["kind"] for h in body["items"]] == ["grid"] * 4
    first = next(h for h in body["items"] if h["name"] == "河西社区第一网格")
    assert [p["name"] for p in first["path"]] == ["许昌市", "魏都区", "文峰街道", "河西社区"]
    parents = [h["path"][-1]["name"] for h in body["items"]]
    for name in set(parents):  # one parent's hits stand together
        at = [i for i, p in enumerate(parents) if p == name]
        assert at == list(range(at[0], at[0] + len(at))), parents
    assert parents.count("河西社区") == 2
    compound = _hits(auth, "?q=帝豪&kinds=compound")["items"]
    assert [(h["name"], [p["name"] for p in h["path"]]) for h in compound] == [
        ("帝豪花园", ["许昌市", "东城区", "东城街道", "帝豪社区"])
    ]


def test_kinds_filter_and_paging(world, auth):
    auth.login("13800000001", PASSWORD)
    communities = _hits(auth, "?kinds=community")
    assert sorted(h["name"] for h in communities["items"]) == ["七里店社区", "帝豪社区", "河西社区"]
    companies = _hits(auth, "?kinds=company&q=物业")
    assert {h["scope_type"] for h in companies["items"]} == {"company"} and companies["total"] == 2
    assert all(h["path"] == [] for h in companies["items"])
    first = _hits(auth, "?kinds=grid&per_page=3")
    second = _hits(auth, "?kinds=grid&per_page=3&page=2")
    assert first["total"] == second["total"] == 4
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert not {h["id"] for h in first["items"]} & {h["id"] for h in second["items"]}


def test_a_plain_substring_is_no_pattern(world, auth):
    auth.login("13800000001", PASSWORD)
    assert _hits(auth, "?q=%25")["total"] == 0  # "%" matches a literal percent sign only
    assert _hits(auth, "?q=_")["total"] == 0


def test_a_grid_worker_finds_their_grid_and_a_staff_member_their_company(world, auth):
    auth.login("13800000003", PASSWORD)  # grid worker A (河西社区第一网格)
    names = {h["name"] for h in _hits(auth, "?kinds=grid")["items"]}
    assert names == {"河西社区第一网格"}
    auth.logout()
    auth.csrf = None
    auth.login("13800000006", PASSWORD)  # 远航物业员工
    assert [h["name"] for h in _hits(auth, "?kinds=company")["items"]] == ["远航物业服务有限公司"]


def test_bad_arguments_are_422_per_field(world, auth):
    auth.login("13800000001", PASSWORD)
    for query, field in (("?kinds=planet", "kinds"), ("?per_page=51", "per_page"), ("?q=" + "x" * 41, "q")):
        response = auth.client.get(f"/api/org/scopes{query}")
        assert response.status_code == 422, query
        assert field in response.get_json()["error"]["fields"], response.get_json()


def test_signed_out_is_401(world, client):
    assert client.get("/api/org/scopes").status_code == 401
