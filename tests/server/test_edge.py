"""Input is bounded at the edge (server/core/edge.py), once for every endpoint: values that only
the database would refuse are answered 4xx with a message per field, never 500, and the two
databases behave the same."""

import json

import marshmallow as ma
import pytest
from sqlalchemy import select

from server.auth.models import User
from server.core.edge import MAX_DEPTH, Schema, check_value
from tests.factories import PASSWORD


@pytest.fixture
def admin(world, auth):
    auth.login("13800000001", PASSWORD)
    return auth


def _error(response):
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)[:200]
    return body["error"]


def test_every_server_schema_is_guarded_at_the_edge(app):
    """A schema that does not derive from the edge's Schema would let NUL and huge numbers
    through to the database: every schema class the server declares derives from it."""
    from marshmallow import class_registry

    names = [
        name
        for name, classes in class_registry._registry.items()
        if "." in name and name.startswith("server.") and not issubclass(classes[0], Schema)
    ]
    assert names == []


def test_nul_in_a_name_is_refused_per_field_and_in_chinese(admin, db):
    response = admin.send("PATCH", "/api/me", json={"display_name": "张\x00三"})
    assert response.status_code == 422
    error = _error(response)
    assert error["fields"]["display_name"] == ["不能包含空字符（NUL）。"]
    assert db.session.scalar(select(User.display_name).where(User.phone == "13800000001")) != "张\x00三"


def test_nul_in_a_query_string_is_refused(admin):
    response = admin.send("GET", "/api/admin/users?q=a%00b")
    assert response.status_code == 422
    assert "q" in _error(response)["fields"]


@pytest.mark.parametrize("user_id", [2**31, 2**63, 10**30])
def test_an_id_beyond_the_column_in_a_path_names_nothing(admin, user_id):
    response = admin.send("GET", f"/api/admin/users/{user_id}")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "method,path",
    [
        ("PATCH", "/api/checklist-templates/{}"),
        ("DELETE", "/api/checklist-templates/{}"),
        ("PATCH", "/api/inspection-templates/{}"),
    ],
)
def test_an_id_beyond_the_column_names_nothing_whatever_the_method(admin, method, path):
    """Found by the fuzzer: a refused <int:…> let werkzeug answer 405 when another rule matched."""
    response = admin.send(method, path.format(2**31), json={})
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize("month", ["0000-01", "1899-12", "3000-01"])
def test_a_month_outside_the_calendar_edges_is_refused(admin, month):
    """Found by the fuzzer: month=0000-01 crashed the scorecards (year 0 is out of range)."""
    response = admin.send("GET", f"/api/scorecards?month={month}")
    assert response.status_code == 422
    assert "month" in _error(response)["fields"]


@pytest.mark.parametrize("value,message", [(2**31, "应在 1 到 2147483647 之间。"), ("1.5", "应为整数。")])
def test_a_page_beyond_the_column_or_a_fraction_is_refused(admin, value, message):
    response = admin.send("GET", f"/api/admin/users?page={value}")
    assert response.status_code == 422
    assert _error(response)["fields"]["page"]


def test_a_fraction_in_a_body_is_not_an_integer(admin):
    response = admin.send("POST", "/api/admin/users/1/roles", json={"role": "admin", "scope_id": 1.5})
    assert response.status_code == 422
    assert _error(response)["fields"]["scope_id"] == ["应为整数。"]


def test_a_body_integer_beyond_the_column_is_refused(admin):
    response = admin.send("POST", "/api/admin/users/1/roles", json={"role": "admin", "scope_id": 2**40})
    assert response.status_code == 422
    assert "scope_id" in _error(response)["fields"]


def test_json_nested_thousands_deep_is_a_400(admin):
    body = "[" * 5000 + "]" * 5000
    response = admin.send("PATCH", "/api/me", data=body, content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_json"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_in_a_body_are_a_400(admin, constant):
    """Not JSON (RFC 8259): refused like any malformed body, so that no stored value holds one
    (the stored JSON is written by orjson, which would turn them into null)."""
    body = '{"display_name": "王伟", "notes": {"x": ' + constant + "}}"
    response = admin.send("PATCH", "/api/me", data=body, content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid_json"


def test_compact_json_writes_what_json_dumps_writes():
    """orjson where it can, json.dumps where orjson refuses: the same values back, Chinese as is."""
    from datetime import date

    from server.core.fields import compact_json

    values = [
        {"title": "检查消防通道", "n": 2**63 - 1, "small": -(2**63), "f": 0.1, "e": 1e22, "list": [None, True, {}]},
        {1: "int key", None: "none key", 1.5: "float key"},
        {"big": 2**64},  # beyond orjson: json.dumps writes it
        "\u2028 and \x7f",
    ]
    for value in values:
        text = compact_json(value)
        assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(compact_json({"tiny": 1e-7})) == {"tiny": 1e-7}  # "1e-7", not json's "1e-07"
    with pytest.raises(TypeError):
        compact_json({"when": date(2026, 1, 1)})  # as json.dumps refuses it


def test_check_value_bounds_depth_nul_and_64_bit_integers():
    nested = []
    for _ in range(MAX_DEPTH + 1):
        nested = [nested]
    for bad, key in (
        (nested, "field.too_deep"),
        ({"a": ["x\x00"]}, "field.nul"),
        ({"k\x00": 1}, "field.nul"),
        ([2**64], "field.number_range"),
    ):
        with pytest.raises(ma.ValidationError) as caught:
            check_value(bad)
        assert caught.value.messages == [key]
    assert check_value({"a": [1, 2.5, None, True, "文本"]}) == {"a": [1, 2.5, None, True, "文本"]}


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+08:00", "9999-12-31T20:00:00-08:00", "0999-05-01T00:00:00Z"])
def test_instants_at_the_edges_of_the_calendar_are_refused(when):
    class Probe(Schema):
        at = ma.fields.AwareDateTime()
        on = ma.fields.Date()

    errors = Probe().validate({"at": when, "on": when[:10]})
    assert errors == {"at": ["field.year_range"], "on": ["field.year_range"]}
    assert Probe().validate({"at": "2026-12-06T10:00:00+08:00", "on": "2026-12-06"}) == {}


def test_the_openapi_documents_the_bounds(client):
    spec = client.get("/api/openapi.json").get_json()
    role = spec["components"]["schemas"]["RoleGrant"]["properties"]
    assert role["scope_id"]["maximum"] == 2**31 - 1
    # a record's version is a sequence number of a bigint column: a client must take it whole
    assert spec["components"]["schemas"]["TaskView"]["properties"]["version"]["maximum"] == 2**63 - 1
    assert role["role"].get("pattern") or role["role"].get("enum")
    text = json.dumps(spec)
    assert "^[^\\\\u0000]*$" in text or "^[^\\u0000]*$" in text


def test_the_checks_are_added_once_however_many_schema_instances_are_made():
    """Found by the fuzzer's timing (each run of it slower than the one before): marshmallow copies
    declared fields with copy.copy, so appending the checks to the shared lists added them again
    for every schema instance (webargs and nested schemas make one per request)."""

    class Probe(Schema):
        n = ma.fields.Integer()
        text = ma.fields.String()
        at = ma.fields.AwareDateTime()
        items = ma.fields.List(ma.fields.Integer())

    for _ in range(5):
        Probe()
    probe = Probe()
    assert len(probe.fields["n"].validators) == 1 and len(probe.fields["n"].pre_load) == 1
    assert len(probe.fields["text"].pre_load) == 1 and len(probe.fields["at"].pre_load) == 1
    assert len(probe.fields["items"].pre_load) == 1 and len(probe.fields["items"].inner.pre_load) == 1


def test_a_body_over_the_server_limit_is_refused_before_it_is_read(app, admin):
    """Any endpoint: a body over REDGRID_MAX_BODY_BYTES is 413 too_large in the user's language
    (PROTOCOL.md §9), never parsed into memory; one under the limit goes through to validation."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 16 << 20
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        big = json.dumps({"display_name": "张" * 2000})
        response = admin.send("PATCH", "/api/me", data=big, content_type="application/json")
        assert response.status_code == 413
        error = _error(response)
        assert error["code"] == "too_large"
        assert "过大" in error["message"] or "太大" in error["message"], error["message"]
        small = admin.send("PATCH", "/api/me", json={"display_name": "张三丰"})
        assert small.status_code == 200
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
