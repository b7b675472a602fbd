"""GET /api/admin/audit for every admin: the entries of their jurisdiction (by the org path each
entry keeps) and their own; readable names; filters by actions, actor and Beijing days."""

from datetime import UTC, datetime

from sqlalchemy import select

from server.audit.models import AuditEntry
from tests.conftest import AuthActions
from tests.factories import PASSWORD


def _entries(client, query=""):
    response = client.get(f"/api/admin/audit{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _admin_of(app, phone):
    admin = AuthActions(app.test_client())
    assert admin.login(phone, PASSWORD).status_code == 200
    return admin


def test_entries_keep_the_org_path_of_what_was_changed(world, auth, db):
    auth.login("13800000001", PASSWORD)
    auth.send(
        "POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "volunteer", "scope_id": world.qilidian}
    )
    auth.send("PATCH", f"/api/admin/users/{world.worker_b}", json={"display_name": "网格员乙乙"})
    created = auth.send(
        "POST",
        "/api/admin/users",
        json={
            "phone": "13712345678",
            "display_name": "新人",
            "password": "longenough1",
            "roles": [{"role": "red_steward", "scope_id": world.dihao}],
        },
    ).get_json()
    paths = dict(
        db.session.execute(
            select(AuditEntry.action, AuditEntry.org_path).where(AuditEntry.action != "auth.sign_in")
        ).all()
    )
    from server.org.models import OrgUnit

    path = {u.id: u.path for u in db.session.scalars(select(OrgUnit))}
    assert paths["role.grant"] == path[world.dihao_community]  # the last grant: the new steward's
    assert paths["user.update"] == path[world.g2]  # 网格员乙 works grid 2 only
    assert paths["user.create"] == path[world.dihao_community]
    assert created["roles"][0]["scope_name"] == "帝豪花园"


def test_a_community_admin_reads_the_entries_of_the_community_and_their_own(world, auth, app):
    auth.login("13800000001", PASSWORD)  # the city changes people in two communities
    auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"display_name": "甲"})  # 河西
    auth.send("PATCH", f"/api/admin/users/{world.resident}", json={"display_name": "帝豪居民"})  # 帝豪
    hexi = _admin_of(app, "13800000002")
    hexi.send("PATCH", f"/api/admin/users/{world.volunteer}", json={"display_name": "志愿者甲"})
    seen = _entries(hexi.client, "?action=user.update")["items"]
    assert {e["target_id"] for e in seen} == {world.worker_a, world.volunteer}
    own_sign_in = _entries(hexi.client, "?action=auth.sign_in")["items"]
    assert {e["actor_id"] for e in own_sign_in} == {world.hexi_admin}  # the city's sign-in lies nowhere
    everything = _entries(auth.client, "?action=user.update")["items"]
    assert {e["target_id"] for e in everything} == {world.worker_a, world.resident, world.volunteer}


def test_entries_are_readable(world, auth):
    auth.login("13800000001", PASSWORD)
    auth.send("POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "volunteer", "scope_id": world.hexi})
    (entry,) = _entries(auth.client, "?action=role.grant")["items"]
    assert entry["actor_name"] == "市级管理员" and entry["target_name"] == "网格员甲"
    assert entry["place"] == ["许昌市", "魏都区", "文峰街道", "河西社区"]


def test_filters_by_actions_actor_and_beijing_days(world, auth, app, db):
    auth.login("13800000001", PASSWORD)
    _admin_of(app, "13800000002")
    both = _entries(auth.client, "?action=auth.sign_in,user.update")
    assert {e["action"] for e in both["items"]} == {"auth.sign_in"} and both["total"] == 2
    by_name = _entries(auth.client, "?actor=河西社区")["items"]
    assert {e["actor_id"] for e in by_name} == {world.hexi_admin}
    by_phone = _entries(auth.client, "?actor=00000001")["items"]
    assert {e["actor_id"] for e in by_phone} == {world.root_admin}
    # 2026-03-01 23:30 Beijing is 15:30 UTC the same day; 2026-03-02 00:30 Beijing is 16:30 UTC on the 1st.
    for at, action in (
        (datetime(2026, 3, 1, 15, 30, tzinfo=UTC), "t.first"),
        (datetime(2026, 3, 1, 16, 30, tzinfo=UTC), "t.second"),
    ):
        db.session.add(AuditEntry(action=action, at=at, details={}))
    db.session.commit()
    day_one = _entries(auth.client, "?since=2026-03-01&until=2026-03-01")["items"]
    assert [e["action"] for e in day_one] == ["t.first"]
    day_two = _entries(auth.client, "?since=2026-03-02&until=2026-03-02")["items"]
    assert [e["action"] for e in day_two] == ["t.second"]


def test_no_admin_no_audit_and_bad_filters_are_422(world, auth):
    auth.login("13800000003", PASSWORD)  # a grid worker
    assert auth.client.get("/api/admin/audit").status_code == 403
    auth.logout()
    auth.csrf = None
    auth.login("13800000002", PASSWORD)
    for query, field in (
        ("?since=yesterday", "since"),
        ("?until=9999-12-31", "until"),
        ("?since=0001-01-01", "since"),
        ("?actor_id=0", "actor_id"),
        ("?actor=" + "x" * 41, "actor"),
    ):
        response = auth.client.get(f"/api/admin/audit{query}")
        assert response.status_code == 422, query
        assert field in response.get_json()["error"]["fields"]
