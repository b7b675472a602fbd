"""Sign-in, sessions, CSRF, throttling and the audit trail of sign-ins."""

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import User, UserSession
from tests.factories import PASSWORD


def test_sign_in_returns_the_user_with_roles_and_scope_paths(world, auth):
    response = auth.login("13800000003", PASSWORD)
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["display_name"] == "网格员甲"
    assert body["roles"] == [
        {
            "id": body["roles"][0]["id"],
            "role": "grid_worker",
            "scope_type": "org_unit",
            "scope_id": world.g1,
            "scope_name": "河西社区第一网格",
            "scope_path": ["许昌市", "魏都区", "文峰街道", "河西社区", "河西社区第一网格"],
        }
    ]
    me = auth.client.get("/api/me").get_json()
    assert me["user"]["phone"] == "13800000003" and me["roles"] == body["roles"]


def test_me_describes_household_and_company_scopes(world, auth):
    auth.login("13800000007", PASSWORD)
    (role,) = auth.client.get("/api/me").get_json()["roles"]
    assert role["role"] == "resident"
    assert role["scope_path"] == ["许昌市", "东城区", "东城街道", "帝豪社区", "帝豪花园", "1号楼", "1单元", "101"]
    auth.logout()
    auth.csrf = None
    auth.login("13800000006", PASSWORD)
    (role,) = auth.client.get("/api/me").get_json()["roles"]
    assert (role["role"], role["scope_name"]) == ("property_staff", "远航物业服务有限公司")


def test_wrong_password_is_refused_in_chinese_and_audited(world, auth, db):
    response = auth.login("13800000003", "not-the-password")
    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": "invalid_credentials", "message": "手机号或密码错误。", "fields": {}}
    }
    assert auth.client.get("/api/me").status_code == 401
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["auth.sign_in_failed"]


def test_unknown_phone_gets_the_same_answer_as_a_wrong_password(world, auth):
    response = auth.login("13811112222", PASSWORD)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_english_speakers_get_english_messages(world, auth):
    response = auth.login("13800000003", "wrong", **{"Accept-Language": "en"})
    assert response.get_json()["error"]["message"] == "Wrong phone number or password."


def test_password_is_stored_as_argon2id(world, db):
    stored = db.session.scalar(select(User.password_hash).where(User.phone == "13800000003"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_state_changing_requests_need_the_csrf_token(world, client):
    response = client.post("/api/auth/login", json={"phone": "13800000003", "password": PASSWORD})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "csrf" and "安全校验失败" in error["message"]


def test_sign_out_revokes_the_session_on_the_server(world, app, auth, db):
    auth.login("13800000003", PASSWORD)
    stolen_cookie = auth.client.get_cookie("redgrid_session").value
    assert auth.logout().status_code == 204
    assert db.session.scalar(select(UserSession.revoked_at)) is not None
    # Replaying the old cookie (e.g. copied off the phone) no longer works.
    replay = app.test_client()
    replay.set_cookie("redgrid_session", stolen_cookie)
    assert replay.get("/api/me").status_code == 401


def test_session_cookie_is_httponly_and_samesite(world, auth):
    response = auth.login("13800000003", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_disabled_account_cannot_sign_in(world, auth, db):
    db.session.get(User, world.worker_a).active = False
    db.session.commit()
    response = auth.login("13800000003", PASSWORD)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "inactive"


def test_repeated_sign_in_attempts_are_throttled_with_a_chinese_message(world, auth):
    for _ in range(5):
        assert auth.login("13800000003", "wrong").status_code == 401
    response = auth.login("13800000003", PASSWORD)
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "throttled"
    assert error["message"].startswith("登录尝试过于频繁")
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_throttling_counts_per_phone_across_addresses(world, app, auth):
    for i in range(5):
        auth.login("13800000003", "wrong", **{"X-Forwarded-For": f"10.0.0.{i}"})
    other = app.test_client()
    token = other.get("/api/csrf", environ_base={"REMOTE_ADDR": "192.0.2.9"}).get_json()["csrf_token"]
    response = other.post(
        "/api/auth/login",
        json={"phone": "13800000003", "password": PASSWORD},
        headers={"X-CSRFToken": token},
        environ_base={"REMOTE_ADDR": "192.0.2.9"},
    )
    assert response.status_code == 429


def test_successful_sign_in_is_audited_with_address(world, auth, db):
    auth.login("13800000003", PASSWORD)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.sign_in"))
    assert entry.actor_id == world.worker_a and entry.ip == "127.0.0.1"


def test_user_can_switch_language(world, auth):
    auth.login("13800000003", PASSWORD)
    response = auth.send("PATCH", "/api/me", json={"locale": "en"})
    assert response.status_code == 200 and response.get_json()["user"]["locale"] == "en"
    # Messages now follow the account's language, whatever the browser says.
    refused = auth.send("PATCH", "/api/me", json={"locale": "fr"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"locale": ["Must be one of: zh-CN, en."]}


def test_phone_numbers_are_accepted_as_people_type_them(world, app):
    from tests.conftest import AuthActions

    for typed in ("138 0000 0003", "138-0000-0003", "+86 138 0000 0003", "008613800000003"):
        auth = AuthActions(app.test_client())
        response = auth.login(typed, PASSWORD)
        assert response.status_code == 200, (typed, response.get_json())
        assert response.get_json()["user"]["phone"] == "13800000003"


def test_throttling_is_not_dodged_by_typing_the_phone_differently(world, app):
    from tests.conftest import AuthActions

    typings = ["13800000003", "138 0000 0003", "+8613800000003", "138-0000-0003", "0086 13800000003"]
    for i, typed in enumerate(typings):
        auth = AuthActions(app.test_client())
        token = auth.client.get("/api/csrf", environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}).get_json()["csrf_token"]
        response = auth.client.post(
            "/api/auth/login",
            json={"phone": typed, "password": "wrong"},
            headers={"X-CSRFToken": token},
            environ_base={"REMOTE_ADDR": f"192.0.2.{i}"},
        )
        assert response.status_code == 401
    last = AuthActions(app.test_client())
    token = last.client.get("/api/csrf", environ_base={"REMOTE_ADDR": "192.0.2.99"}).get_json()["csrf_token"]
    response = last.client.post(
        "/api/auth/login",
        json={"phone": "138 0000 0003", "password": PASSWORD},
        headers={"X-CSRFToken": token},
        environ_base={"REMOTE_ADDR": "192.0.2.99"},
    )
    assert response.status_code == 429


def test_a_fresh_phones_sign_in_carries_its_first_pull_page(world, app, auth):
    """PROTOCOL.md §5.2.1: the page is the one POST /api/sync/pull from null answers."""
    from sync import ungroup
    from tests.server.alerts_support import signed_in
    from tests.server.tasks_support import new_task

    task = new_task(signed_in(app, "13800000002"), "building", world.b_hexi1, title="1号楼走访")
    asked = {"protocol": "redgrid-sync/1", "limit": 1000}
    response = auth.client.post(
        "/api/auth/login",
        json={"phone": "13800000003", "password": PASSWORD, "pull": asked},
        headers={"X-CSRFToken": auth.token()},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["phone"] == "13800000003" and body["csrf_token"]
    page = body["pull"]
    auth.csrf = body["csrf_token"]
    pulled = auth.send("POST", "/api/sync/pull", json={**asked, "cursor": None}).get_json()
    assert [(c["entity"], c["id"], c["version"]) for c in page["changes"]] == [
        (c["entity"], c["id"], c["version"]) for c in pulled["changes"]
    ]
    assert task["id"] in {c["id"] for c in page["changes"] if c["entity"] == "task"}
    assert page["buckets"] == pulled["buckets"] and page["has_more"] is False and page["cursor"]

    # Not asked: not sent. Another protocol: signed in all the same, without a page.
    plain = signed_in(app, "13800000003").client.get("/api/me").get_json()
    assert "pull" not in plain
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.8.0.1"
    token = other.get("/api/csrf").get_json()["csrf_token"]
    answer = other.post(
        "/api/auth/login",
        json={"phone": "13800000003", "password": PASSWORD, "pull": {"protocol": "redgrid-sync/9"}},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 200 and "pull" not in answer.get_json()
    bad = other.post(
        "/api/auth/login",
        json={"phone": "13800000003", "password": PASSWORD, "pull": {"protocol": "redgrid-sync/1", "limit": 0}},
        headers={"X-CSRFToken": answer.get_json()["csrf_token"]},
    )
    assert bad.status_code == 422 and "limit" in bad.get_json()["error"]["fields"]["pull"]
    # Format 2 (§5.2.2): the same page, grouped.
    grouped = other.post(
        "/api/auth/login",
        json={"phone": "13800000003", "password": PASSWORD, "pull": {**asked, "format": 2}},
        headers={"X-CSRFToken": answer.get_json()["csrf_token"]},
    )
    assert grouped.status_code == 200 and "changes" not in grouped.get_json()["pull"]
    assert [(c["entity"], c["id"], c["version"]) for c in ungroup(grouped.get_json()["pull"]["groups"])] == [
        (c["entity"], c["id"], c["version"]) for c in pulled["changes"]
    ]
