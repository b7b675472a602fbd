"""GET /api/admin/users for the people screen: roles on each row, the active and scope filters,
all within the admin's jurisdiction."""

from tests.factories import PASSWORD


def _list(auth, query=""):
    response = auth.client.get(f"/api/admin/users{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_rows_carry_the_roles_inside_the_jurisdiction_only(world, auth, db):
    from server.auth.models import RoleAssignment

    db.session.add(RoleAssignment(user_id=world.worker_a, role="grid_worker", org_unit_id=world.g4))  # 帝豪: elsewhere
    db.session.commit()
    auth.login("13800000002", PASSWORD)  # admin of 河西社区
    rows = {r["display_name"]: r for r in _list(auth, "?per_page=100")["items"]}
    worker = rows["网格员甲"]
    assert [(r["role"], r["scope_name"]) for r in worker["roles"]] == [("grid_worker", "河西社区第一网格")]
    assert worker["managed_elsewhere"] is True
    assert [r["role"] for r in rows["志愿者"]["roles"]] == ["volunteer"]


def test_active_filter(world, auth):
    auth.login("13800000002", PASSWORD)
    assert auth.send("PATCH", f"/api/admin/users/{world.worker_b}", json={"active": False}).status_code == 200
    disabled = _list(auth, "?active=false")["items"]
    assert [u["display_name"] for u in disabled] == ["网格员乙"]
    active = {u["display_name"] for u in _list(auth, "?active=true&per_page=100")["items"]}
    assert "网格员乙" not in active and "网格员甲" in active


def test_scope_filter_narrows_to_a_unit_of_the_jurisdiction(world, auth):
    auth.login("13800000001", PASSWORD)  # the city
    in_g1 = {u["display_name"] for u in _list(auth, f"?scope_id={world.g1}")["items"]}
    assert in_g1 == {"网格员甲"}
    in_hexi = {u["display_name"] for u in _list(auth, f"?scope_id={world.hexi}&per_page=100")["items"]}
    assert {"河西社区管理员", "网格员甲", "网格员乙", "红色管家", "志愿者"} <= in_hexi
    assert "远航物业员工" not in in_hexi and "居民" not in in_hexi
    workers = {u["display_name"] for u in _list(auth, f"?scope_id={world.hexi}&role=grid_worker")["items"]}
    assert workers == {"网格员甲", "网格员乙"}
    in_dihao = {u["display_name"] for u in _list(auth, f"?scope_id={world.dihao_community}")["items"]}
    assert in_dihao == {"居民", "远航物业员工"}  # 远航物业 keeps compounds in 帝豪社区 only


def test_scope_outside_the_jurisdiction_is_422(world, auth):
    auth.login("13800000002", PASSWORD)  # 河西社区
    for unit in (world.qilidian, world.wenfeng, 999999):
        response = auth.client.get(f"/api/admin/users?scope_id={unit}")
        assert response.status_code == 422, unit
        assert response.get_json()["error"]["fields"] == {"scope_id": ["该范围不在您的管辖范围内。"]}


def test_bad_filters_are_422(world, auth):
    auth.login("13800000002", PASSWORD)
    for query, field in (("?active=maybe", "active"), ("?scope_id=x", "scope_id"), ("?role=king", "role")):
        response = auth.client.get(f"/api/admin/users{query}")
        assert response.status_code == 422, query
        assert field in response.get_json()["error"]["fields"]


def test_a_community_admin_cannot_touch_another_communitys_people(world, auth):
    auth.login("13800000002", PASSWORD)  # 河西社区; 远航物业员工 and 居民 belong to 帝豪
    listed = {u["id"] for u in _list(auth, "?per_page=100")["items"]}
    assert world.staff not in listed and world.resident not in listed
    assert auth.client.get(f"/api/admin/users/{world.resident}").status_code == 404
    assert auth.send("PATCH", f"/api/admin/users/{world.resident}", json={"display_name": "x"}).status_code == 404
    granted = auth.send("POST", f"/api/admin/users/{world.resident}/roles", json={"role": "volunteer", "scope_id": 1})
    assert granted.status_code == 404


def test_pages_know_their_total_whether_full_or_not(world, auth):
    auth.login("13800000001", PASSWORD)  # the city: 8 accounts
    full = _list(auth, "?per_page=3")
    last = _list(auth, "?per_page=3&page=3")
    beyond = _list(auth, "?per_page=3&page=4")
    assert full["total"] == last["total"] == beyond["total"] == 8
    assert len(last["items"]) == 2 and beyond["items"] == []
    assert _list(auth, "?q=网格员甲")["total"] == 1


def test_totals_of_role_and_unit_filters_count_each_user_once(world, auth, db):
    from server.auth.models import RoleAssignment

    db.session.add(RoleAssignment(user_id=world.worker_a, role="grid_worker", org_unit_id=world.g2))  # two grids
    db.session.add(RoleAssignment(user_id=world.worker_a, role="volunteer", org_unit_id=world.hexi))
    db.session.commit()
    for phone in ("13800000001", "13800000002"):  # the city (root) and 河西社区
        auth.logout()
        auth.csrf = None
        auth.login(phone, PASSWORD)
        for query in ("?role=grid_worker&per_page=1", f"?scope_id={world.hexi}&per_page=1"):
            paged = _list(auth, query)
            every = _list(auth, query.replace("per_page=1", "per_page=100"))
            assert paged["total"] == len(every["items"]) == every["total"], (phone, query)
        assert _list(auth, "?role=grid_worker&per_page=1")["total"] == 2
