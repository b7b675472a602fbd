"""Bad input gets the one documented error shape, with messages per field, and writes nothing."""

import pytest
from sqlalchemy import func, select

from server.auth.models import User
from tests.factories import PASSWORD


def _count_users(db):
    return db.session.scalar(select(func.count()).select_from(User))


def _error(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.fixture
def admin(world, auth):
    auth.login("13800000001", PASSWORD)
    return auth


def test_malformed_json_is_a_400(admin, db):
    before = _count_users(db)
    response = admin.send("POST", "/api/admin/users", data='{"phone": "137', content_type="application/json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "invalid_json" and error["message"] == "请求内容不是有效的 JSON。"
    assert _count_users(db) == before


@pytest.mark.parametrize(
    "body,fields",
    [
        (
            {
                "phone": 13712345678,
                "display_name": "张三",
                "password": "longenough1",
                "roles": [{"role": "admin", "scope_id": 1}],
            },
            {"phone": ["应为文本。"]},
        ),
        (
            {
                "phone": "12345",
                "display_name": "张三",
                "password": "longenough1",
                "roles": [{"role": "admin", "scope_id": 1}],
            },
            {"phone": ["请输入 11 位中国大陆手机号。"]},
        ),
        (
            {
                "phone": "13712345678",
                "display_name": "张" * 41,
                "password": "longenough1",
                "roles": [{"role": "admin", "scope_id": 1}],
            },
            {"display_name": ["长度应在 1 到 40 之间。"]},
        ),
        (
            {
                "phone": "13712345678",
                "display_name": "张三",
                "password": "short",
                "roles": [{"role": "admin", "scope_id": 1}],
            },
            {"password": ["长度应在 8 到 128 之间。"]},
        ),
        (
            {"phone": "13712345678", "display_name": "张三", "password": "longenough1", "roles": []},
            {"roles": ["长度应在 1 到 20 之间。"]},
        ),
        (
            {
                "phone": "13712345678",
                "display_name": "张三",
                "password": "longenough1",
                "roles": [{"role": "king", "scope_id": "1"}],
            },
            {
                "roles": {
                    "0": {
                        "role": [
                            "应为以下之一：admin, grid_worker, red_steward, property_staff, resident, volunteer。"
                        ],
                        "scope_id": ["应为整数。"],
                    }
                }
            },
        ),
        (
            {
                "phone": "13712345678",
                "display_name": "张三",
                "password": "longenough1",
                "roles": [{"role": "admin", "scope_id": 1}],
                "is_superuser": True,
            },
            {"is_superuser": ["不认识的字段。"]},
        ),
        ({"display_name": "张三"}, {"phone": ["此项必填。"], "password": ["此项必填。"], "roles": ["此项必填。"]}),
        (["not", "an", "object"], {"_schema": ["输入类型不正确。"]}),
    ],
    ids=[
        "wrong-type",
        "bad-phone",
        "overlong",
        "short-password",
        "no-roles",
        "nested",
        "unknown-field",
        "missing",
        "not-an-object",
    ],
)
def test_invalid_fields_get_422_with_a_message_per_field(admin, db, body, fields):
    before = _count_users(db)
    response = admin.send("POST", "/api/admin/users", json=body)
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "validation" and error["message"] == "提交的内容有误，请按提示修改。"
    assert error["fields"] == fields
    assert _count_users(db) == before


def test_query_arguments_are_validated_too(admin):
    response = admin.client.get("/api/places/compounds?per_page=5000&page=0")
    assert response.status_code == 422
    assert set(_error(response)["fields"]) == {"per_page", "page"}


def test_unknown_route_and_wrong_method_use_the_error_shape(admin):
    assert _error(admin.client.get("/api/nothing-here"))["code"] == "not_found"
    assert _error(admin.send("PUT", "/api/me"))["code"] == "method_not_allowed"


def test_field_messages_follow_the_language(world, auth):
    auth.login("13800000001", PASSWORD)
    auth.send("PATCH", "/api/me", json={"locale": "en"})
    response = auth.send("POST", "/api/admin/users", json={"phone": "12"})
    error = _error(response)
    assert error["message"] == "Some fields are invalid; please correct them."
    assert error["fields"]["phone"] == ["Enter an 11-digit mainland China mobile number."]
    assert error["fields"]["roles"] == ["Missing data for required field."]


def test_openapi_document_is_generated_from_the_schemas(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/auth/login",
        "/api/me",
        "/api/org/units",
        "/api/places/households/{household_id}",
        "/api/admin/users",
        "/api/admin/users/{user_id}/roles",
    ):
        assert path in spec["paths"], path
    create = spec["paths"]["/api/admin/users"]["post"]
    body_schema = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][body_schema]["required"]) == {"phone", "display_name", "password", "roles"}
    assert "422" in create["responses"]
    error = spec["components"]["schemas"]["Error"]
    assert "error" in error["properties"]
    assert create["summary"].startswith("Create an account")


def test_an_error_handler_that_fails_still_answers_the_error_shape(app, admin, monkeypatch):
    """The issue's `PATCH /api/me` with a NUL once crashed the handler into Flask's HTML page (the
    message's language is the user's, read from a database that had just failed): whatever fails
    while an error is answered, even the catalog, the client gets JSON."""
    import server.api

    def broken(*args, **kwargs):
        raise ValueError("the database failed while the user's language was read")

    monkeypatch.setattr(server.api, "_", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = admin.send("PATCH", "/api/me", json={"display_name": 42})
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert _error(response) == {"code": "internal", "message": "服务器出错了，请稍后再试。", "fields": {}}


def test_an_exception_in_a_route_answers_the_error_shape(app, admin, monkeypatch):
    import server.auth.routes

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(server.auth.routes, "me_payload", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = admin.send("GET", "/api/me")
    assert response.status_code == 500 and response.mimetype == "application/json"
    assert _error(response)["code"] == "internal" and _error(response)["fields"] == {}


def test_every_operation_documents_the_errors_it_can_answer(client):
    """No catch-all `default`: Schemathesis checks each answer's status against this list."""
    spec = client.get("/api/openapi.json").get_json()
    operations = {
        (method, path): op
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if isinstance(op, dict) and "responses" in op
    }
    assert not [key for key, op in operations.items() if "default" in op["responses"]]
    login = operations[("post", "/api/auth/login")]["responses"]
    assert "X-CSRFToken" in login["400"]["description"] and {"401", "422", "429"} <= set(login)
    assert {"401", "403"} <= set(operations[("get", "/api/me")]["responses"])
    assert {"400", "401", "403", "404", "422"} <= set(operations[("patch", "/api/tasks/{task_id}")]["responses"])
    assert "401" not in operations[("get", "/api/csrf")]["responses"]
    # the sync endpoints' own answers (PROTOCOL.md §5.5, §6.2), which the fuzz seldom reaches
    assert "cursor_expired" in operations[("post", "/api/sync/pull")]["responses"]["410"]["description"]
    assert "missing_blobs" in operations[("post", "/api/sync/push")]["responses"]["409"]["description"]
