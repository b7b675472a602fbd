"""Admins create accounts and grant or revoke roles, only inside their jurisdiction."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment, User
from tests.factories import PASSWORD


def _new_user(**overrides):
    body = {
        "phone": "13712345678",
        "display_name": "新网格员",
        "password": "longenough1",
        "roles": [{"role": "grid_worker", "scope_id": None}],
    }
    body.update(overrides)
    return body


def test_community_admin_creates_a_grid_worker_who_can_sign_in(world, auth, app):
    auth.login("13800000002", PASSWORD)
    response = auth.send(
        "POST", "/api/admin/users", json=_new_user(roles=[{"role": "grid_worker", "scope_id": world.g2}])
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["display_name"] == "新网格员" and body["active"] is True
    assert [(r["role"], r["scope_name"]) for r in body["roles"]] == [("grid_worker", "河西社区第二网格")]
    from tests.conftest import AuthActions

    newcomer = AuthActions(app.test_client())
    assert newcomer.login("13712345678", "longenough1").status_code == 200


def test_role_changes_are_audited(world, auth, db):
    auth.login("13800000002", PASSWORD)
    created = auth.send(
        "POST", "/api/admin/users", json=_new_user(roles=[{"role": "volunteer", "scope_id": world.hexi}])
    ).get_json()
    granted = auth.send(
        "POST", f"/api/admin/users/{created['id']}/roles", json={"role": "grid_worker", "scope_id": world.g1}
    )
    assert granted.status_code == 201
    assignment_id = next(r["id"] for r in granted.get_json()["roles"] if r["role"] == "grid_worker")
    revoked = auth.send("DELETE", f"/api/admin/users/{created['id']}/roles/{assignment_id}")
    assert [r["role"] for r in revoked.get_json()["roles"]] == ["volunteer"]
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.target_id == created["id"], AuditEntry.target_type == "users")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["user.create", "role.grant", "role.grant", "role.revoke"]


def test_admin_cannot_grant_a_scope_outside_the_jurisdiction(world, auth, db):
    auth.login("13800000002", PASSWORD)  # admin of 河西社区
    for role, scope_id in (
        ("grid_worker", world.g3),
        ("red_steward", world.dihao),
        ("admin", world.wenfeng),
        ("property_staff", world.yuanhang),
    ):
        response = auth.send(
            "POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": role, "scope_id": scope_id}
        )
        assert response.status_code == 403, (role, response.get_json())
        assert response.get_json()["error"]["fields"] == {"scope_id": ["该范围不在您的管辖范围内。"]}
    assert (
        db.session.scalar(
            select(func.count()).select_from(RoleAssignment).where(RoleAssignment.user_id == world.worker_a)
        )
        == 1
    )


def test_scope_must_fit_the_role(world, auth):
    auth.login("13800000001", PASSWORD)
    response = auth.send(
        "POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "grid_worker", "scope_id": world.hexi}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"scope_id": ["角色“grid_worker”的范围必须是网格。"]}
    missing = auth.send(
        "POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "red_steward", "scope_id": 999999}
    )
    assert missing.status_code == 422
    assert missing.get_json()["error"]["fields"] == {"scope_id": ["所选范围不存在。"]}


def test_duplicate_role_and_taken_phone_are_conflicts(world, auth, db):
    auth.login("13800000001", PASSWORD)
    duplicate = auth.send(
        "POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "grid_worker", "scope_id": world.g1}
    )
    assert duplicate.status_code == 409 and duplicate.get_json()["error"]["code"] == "duplicate_role"
    users_before = db.session.scalar(select(func.count()).select_from(User))
    taken = auth.send(
        "POST",
        "/api/admin/users",
        json=_new_user(phone="13800000003", roles=[{"role": "grid_worker", "scope_id": world.g1}]),
    )
    assert taken.status_code == 409
    assert taken.get_json()["error"]["fields"] == {"phone": ["该手机号已注册。"]}
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before


def test_create_user_with_one_bad_role_writes_nothing(world, auth, db):
    auth.login("13800000002", PASSWORD)
    body = _new_user(
        roles=[{"role": "grid_worker", "scope_id": world.g1}, {"role": "grid_worker", "scope_id": world.g3}]
    )
    response = auth.send("POST", "/api/admin/users", json=body)
    assert response.status_code == 403
    assert response.get_json()["error"]["fields"] == {"roles.1.scope_id": ["该范围不在您的管辖范围内。"]}
    assert db.session.scalar(select(User).where(User.phone == "13712345678")) is None


def test_admin_cannot_revoke_own_admin_role(world, auth):
    auth.login("13800000002", PASSWORD)
    me = auth.client.get("/api/me").get_json()
    response = auth.send("DELETE", f"/api/admin/users/{me['user']['id']}/roles/{me['roles'][0]['id']}")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "self_admin"


def test_disabling_a_user_ends_their_access(world, auth, app):
    from tests.conftest import AuthActions

    worker = AuthActions(app.test_client())
    worker.login("13800000003", PASSWORD)
    auth.login("13800000002", PASSWORD)
    assert auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"active": False}).status_code == 200
    assert worker.client.get("/api/me").status_code == 401


def test_user_list_is_scoped_and_searchable(world, auth):
    auth.login("13800000002", PASSWORD)
    listed = auth.client.get("/api/admin/users?per_page=100").get_json()
    names = sorted(u["display_name"] for u in listed["items"])
    assert names == sorted(["河西社区管理员", "网格员甲", "网格员乙", "红色管家", "志愿者"])
    assert listed["total"] == 5
    found = auth.client.get("/api/admin/users?q=网格员&role=grid_worker").get_json()
    assert sorted(u["display_name"] for u in found["items"]) == ["网格员乙", "网格员甲"]


def test_user_detail_hides_roles_outside_the_jurisdiction(world, auth, db):
    db.session.add(RoleAssignment(user_id=world.worker_a, role="resident", household_id=world.hh_dihao1[1]))
    db.session.commit()
    auth.login("13800000002", PASSWORD)
    roles = auth.client.get(f"/api/admin/users/{world.worker_a}").get_json()["roles"]
    assert [r["role"] for r in roles] == ["grid_worker"]


def test_a_granted_role_takes_effect_on_the_next_request(world, auth, app):
    from tests.conftest import AuthActions

    worker = AuthActions(app.test_client())
    worker.login("13800000003", PASSWORD)
    url = f"/api/places/households/{world.hh_wenfeng1[0]}"
    assert worker.client.get(url).status_code == 404
    auth.login("13800000002", PASSWORD)
    granted = auth.send(
        "POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "grid_worker", "scope_id": world.g2}
    )
    assert granted.status_code == 201
    assert worker.client.get(url).status_code == 200
    assignment = next(r["id"] for r in granted.get_json()["roles"] if r["scope_id"] == world.g2)
    auth.send("DELETE", f"/api/admin/users/{world.worker_a}/roles/{assignment}")
    assert worker.client.get(url).status_code == 404


def test_password_reset_by_an_admin_is_audited_and_works(world, auth, app):
    from tests.conftest import AuthActions

    auth.login("13800000002", PASSWORD)
    response = auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"password": "brand-new-pass"})
    assert response.status_code == 200 and "password" not in response.get_json()
    worker = AuthActions(app.test_client())
    assert worker.login("13800000003", PASSWORD).status_code == 401
    assert worker.login("13800000003", "brand-new-pass").status_code == 200
    root = AuthActions(app.test_client())
    root.login("13800000001", PASSWORD)
    entries = root.client.get(f"/api/admin/audit?action=user.password_reset&target_id={world.worker_a}").get_json()
    assert entries["total"] == 1
    (entry,) = entries["items"]
    assert entry["target_type"] == "users" and entry["details"] == {}
    assert entry["actor_id"] == auth.client.get("/api/me").get_json()["user"]["id"]


def test_audit_log_lists_role_changes_newest_first(world, auth):
    auth.login("13800000001", PASSWORD)
    auth.send("POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "volunteer", "scope_id": world.hexi})
    auth.send("POST", f"/api/admin/users/{world.worker_b}/roles", json={"role": "volunteer", "scope_id": world.hexi})
    items = auth.client.get("/api/admin/audit?action=role.grant").get_json()["items"]
    assert [i["target_id"] for i in items] == [world.worker_b, world.worker_a]
    assert items[0]["details"] == {"role": "volunteer", "scope_type": "org_unit", "scope_id": world.hexi}
    sign_ins = auth.client.get("/api/admin/audit?action=auth.sign_in").get_json()["items"]
    assert [i["actor_id"] for i in sign_ins] == [world.root_admin]


def _second_device(app, phone, password=PASSWORD):
    from tests.conftest import AuthActions

    device = AuthActions(app.test_client())
    assert device.login(phone, password).status_code == 200
    return device


def test_a_password_reset_ends_the_users_sessions_on_every_device(world, auth, app):
    phone, laptop = _second_device(app, "13800000003"), _second_device(app, "13800000003")
    auth.login("13800000002", PASSWORD)
    assert (
        auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"password": "brand-new-pass"}).status_code == 200
    )
    assert phone.client.get("/api/me").status_code == 401, "the old cookie must stop working"
    assert laptop.client.get("/api/me").status_code == 401
    assert _second_device(app, "13800000003", "brand-new-pass").client.get("/api/me").status_code == 200


def test_an_admin_resetting_their_own_password_keeps_only_this_session(world, auth, app):
    other = _second_device(app, "13800000002")
    auth.login("13800000002", PASSWORD)
    assert (
        auth.send("PATCH", f"/api/admin/users/{world.hexi_admin}", json={"password": "brand-new-pass"}).status_code
        == 200
    )
    assert auth.client.get("/api/me").status_code == 200
    assert other.client.get("/api/me").status_code == 401


def test_a_disabled_account_stays_signed_out_when_enabled_again(world, auth, app):
    stolen = _second_device(app, "13800000003")
    auth.login("13800000002", PASSWORD)
    auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"active": False})
    auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"active": True})
    assert stolen.client.get("/api/me").status_code == 401


def test_the_most_common_passwords_are_refused_in_the_users_language(world, auth, db):
    auth.login("13800000002", PASSWORD)
    for password in (
        "password123",
        "Password1",
        "1q2w3e4r",
        "qwertyuiop",
        "iloveyou",
        "88888888",
        "a1234567",
        "abc123456",
    ):
        response = auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"password": password})
        assert response.status_code == 422, password
        assert response.get_json()["error"]["fields"] == {"password": ["该密码过于常见，很容易被猜到，请换一个。"]}
    created = auth.send(
        "POST",
        "/api/admin/users",
        json=_new_user(password="abc12345", roles=[{"role": "volunteer", "scope_id": world.hexi}]),
        headers={"Accept-Language": "en"},
    )
    assert created.status_code == 422
    assert created.get_json()["error"]["fields"] == {"password": ["该密码过于常见，很容易被猜到，请换一个。"]}, (
        "the admin's own locale (zh-CN) wins"
    )
    db.session.execute(update(User).where(User.id == world.hexi_admin).values(locale="en"))
    db.session.commit()
    english = auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"password": "password123"})
    assert english.get_json()["error"]["fields"] == {
        "password": ["This password is one of the most common ones and easy to guess; choose another."]
    }


def test_a_long_password_is_judged_and_an_endless_repeat_refused(world, auth):
    auth.login("13800000002", PASSWORD)
    strong = auth.send(
        "PATCH", f"/api/admin/users/{world.worker_a}", json={"password": "长夜将尽-红格-" + "k9Lq2x" * 15}
    )
    assert strong.status_code == 200, strong.get_json()
    repeated = auth.send("PATCH", f"/api/admin/users/{world.worker_a}", json={"password": "8" * 100})
    assert repeated.status_code == 422
    assert repeated.get_json()["error"]["fields"] == {"password": ["该密码过于常见，很容易被猜到，请换一个。"]}


def test_the_demo_passwords_are_good_enough_to_set_again():
    from server.admin.schemas import UserUpdateSchema
    from server.demo.accounts import DEMO_ACCOUNTS

    for account in DEMO_ACCOUNTS:
        assert UserUpdateSchema().load({"password": account["password"]}) == {"password": account["password"]}


def test_user_and_audit_times_carry_their_offset(world, auth):
    auth.login("13800000001", PASSWORD)
    user = auth.client.get(f"/api/admin/users/{world.root_admin}").get_json()
    listed = auth.client.get("/api/admin/users?per_page=1").get_json()["items"][0]
    (entry,) = auth.client.get("/api/admin/audit?action=auth.sign_in").get_json()["items"]
    for text in (user["created_at"], user["last_sign_in_at"], listed["created_at"], entry["at"]):
        moment = datetime.fromisoformat(text)
        assert text.endswith("Z") and moment.utcoffset() == timedelta(0), text
    assert abs(datetime.now(UTC) - datetime.fromisoformat(entry["at"])) < timedelta(minutes=5)
