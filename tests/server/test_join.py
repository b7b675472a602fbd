"""Residents join (PROTOCOL.md §19): registration, a grid worker's invitation made offline and
redeemed online, requests the grid worker or community admin decides, what an account sees
before and after it is bound, the profile's password and leaving."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment
from server.core import clock
from server.extensions import db
from server.join import invites
from server.notices.audience import Targeting, resolve
from server.notices.service import notify
from tests.conftest import AuthActions
from tests.server.tasks_support import pull_all, signed_in
from tests.server.tasks_support import records_of as _records

NEW_PHONE = "13912345678"
NEW_PASSWORD = "hongge-2026-join"


@pytest.fixture
def jw(app, world):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    app.config["JOIN_REGISTER_RATE_LIMIT"] = "100 per minute"
    app.config["JOIN_RATE_LIMIT"] = "100 per minute"
    return world


def register(app, phone=NEW_PHONE, password=NEW_PASSWORD, name="李秀英", lang="zh-CN", **extra):
    auth = AuthActions(app.test_client())
    body = {"phone": phone, "password": password, "display_name": name, **extra}
    response = auth.send("POST", "/api/join/register", json=body, headers={"Accept-Language": lang})
    if response.status_code == 201:
        auth.csrf = response.get_json()["csrf_token"]
    return auth, response


def key_of(app, phone) -> str:
    worker = signed_in(app, phone)
    response = worker.send("POST", "/api/join/invite-key")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["key"]


def invitation(key, household, now=None, nonce="AB12") -> str:
    return invites.make(key, household, now or clock.now(), nonce)


def redeem(auth, code):
    return auth.send("POST", "/api/join/redeem", json={"code": code})


def roles(auth) -> list:
    return auth.send("GET", "/api/me").get_json()["roles"]


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- registration ----------------------------------------------------------------------------


def test_registration_opens_a_signed_in_account_with_no_role(app, jw):
    auth, response = register(app)
    assert response.status_code == 201, response.get_json()
    me = response.get_json()
    assert me["user"]["phone"] == NEW_PHONE and me["user"]["display_name"] == "李秀英"
    assert me["roles"] == []
    assert auth.send("GET", "/api/me").status_code == 200  # the session is open
    assert "join.register" in audit_actions(app)
    # The new password signs in too.
    assert AuthActions(app.test_client()).login(NEW_PHONE, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "zh", "en"),
    [
        ("phone", "12345", "手机号", "mobile number"),
        ("password", "short", "8 到 128", "8"),
        ("password", "password123", "常见", "most common"),
        ("display_name", "   ", "空格", "only spaces"),
        ("display_name", "名" * 41, "1 到 40", "40"),
    ],
)
def test_registration_says_what_is_wrong_with_each_field_in_both_languages(app, jw, field, value, zh, en):
    for lang, words in (("zh-CN", zh), ("en", en)):
        _, response = register(app, lang=lang, **{field: value})
        assert response.status_code == 422, response.get_json()
        messages = response.get_json()["error"]["fields"][field]
        assert any(words in m for m in messages), (lang, messages)


def test_a_registered_phone_gets_a_clear_conflict(app, jw):
    _, response = register(app, phone="13800000007")  # the world's resident
    assert response.status_code == 409
    body = response.get_json()["error"]
    assert body["code"] == "phone_taken" and "phone" in body["fields"]
    _, again = register(app, phone="+86 139 1234 5678")
    assert again.status_code == 201
    _, twice = register(app, phone="139-1234-5678")  # the same number, typed otherwise
    assert twice.status_code == 409


def test_registration_is_rate_limited_per_address(app, jw):
    app.config["JOIN_REGISTER_RATE_LIMIT"] = "2 per hour"
    assert register(app, phone="13900000201")[1].status_code == 201
    assert register(app, phone="13900000202")[1].status_code == 201
    _, third = register(app, phone="13900000203")
    assert third.status_code == 429
    assert third.get_json()["error"]["code"] == "throttled"


def test_an_unbound_account_sees_no_household_data_and_no_private_notices(app, jw):
    auth, _ = register(app)
    # A notice to every resident of 河西小区 (as an alert reaches them) reaches its residents only.
    home = bound_elsewhere(app, jw)
    with app.app_context():
        reached = resolve(Targeting(compound_ids=(jw.hexi_xiaoqu,)))
        notify(reached, "test_notice", "河西小区明天停水")
        db.session.commit()
    assert any(e["title"] == "河西小区明天停水" for e in _records(home, "inbox").values())
    assert auth.send("GET", f"/api/places/households/{jw.hh_hexi1[0]}").status_code == 404
    assert auth.send("GET", f"/api/grids/{jw.g1}/directory").status_code in (403, 404)
    buckets = {b for change in pull_all(auth) for b in change.get("buckets", [])}
    assert all(b == f"user:{auth.send('GET', '/api/me').get_json()['user']['id']}" for b in buckets), buckets
    assert _records(auth, "inbox") == {}
    # Not even the compound list of a place reveals a directory: names only.
    names = auth.send("GET", "/api/join/compounds?q=河西").get_json()["items"]
    assert [c["name"] for c in names] == ["河西小区"] and set(names[0]) == {"id", "name", "community_name"}


# --- invitations -----------------------------------------------------------------------------


def test_a_valid_invitation_binds_the_account_once(app, jw):
    key = key_of(app, "13800000003")
    code = invitation(key, jw.hh_hexi1[0])
    auth, _ = register(app)
    response = redeem(auth, invites_grouped(code)[:15] + "\n" + invites_grouped(code)[15:])  # pasted in two lines
    assert response.status_code == 200, response.get_json()
    (role,) = response.get_json()["roles"]
    assert role["role"] == "resident" and role["scope_id"] == jw.hh_hexi1[0]
    assert "join.invite_redeemed" in audit_actions(app)
    # The grid worker hears of it.
    worker = signed_in(app, "13800000003")
    assert any(e["kind"] == "join_joined" for e in _records(worker, "inbox").values())
    # A second account with the same code: used.
    other, _ = register(app, phone="13900000301")
    again = redeem(other, code)
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "invite_used"


def bound_elsewhere(app, world) -> AuthActions:
    """A second newcomer bound to 河西小区 1号楼 102 by invitation."""
    key = key_of(app, "13800000003")
    auth, _ = register(app, phone="13900000399")
    assert redeem(auth, invitation(key, world.hh_hexi1[1], nonce="ZZ99")).status_code == 200
    return auth


def invites_grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()


def test_the_scanned_address_of_a_qr_code_is_read_too(app, jw):
    key = key_of(app, "13800000003")
    code = invitation(key, jw.hh_hexi1[1])
    auth, _ = register(app)
    response = redeem(auth, f"http://127.0.0.1:5000/#/join?code={code}")
    assert response.status_code == 200, response.get_json()


def test_a_wrong_mac_is_refused(app, jw):
    key = key_of(app, "13800000003")
    code = invitation(key, jw.hh_hexi1[0])
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    auth, _ = register(app)
    for typed in (forged, "not a code", code[:-2]):
        response = redeem(auth, typed)
        assert response.status_code == 422
        assert response.get_json()["error"]["code"] == "invite_invalid"
        assert "code" in response.get_json()["error"]["fields"]
    assert roles(auth) == []


def test_an_expired_invitation_is_refused(app, jw, monkeypatch):
    key = key_of(app, "13800000003")
    code = invitation(key, jw.hh_hexi1[0], now=clock.now() - timedelta(hours=invites.INVITE_HOURS + 1))
    auth, _ = register(app)
    response = redeem(auth, code)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invite_expired"
    # Nor may a phone mint one that lives longer than 72 hours.
    too_long = invitation(key, jw.hh_hexi1[0], now=clock.now() + timedelta(hours=5))
    assert redeem(auth, too_long).get_json()["error"]["code"] == "invite_expired"


def test_an_invitation_for_a_household_outside_the_workers_grid_is_refused(app, jw):
    # Worker B's grid covers 文峰苑 1号楼 only: their key does not open 河西小区 or 文峰苑 2号楼.
    key_b = key_of(app, "13800000004")
    auth, _ = register(app)
    for household in (jw.hh_hexi1[0], jw.hh_wenfeng2[0]):
        response = redeem(auth, invitation(key_b, household))
        assert response.get_json()["error"]["code"] == "invite_invalid"
    assert redeem(auth, invitation(key_b, jw.hh_wenfeng1[0])).status_code == 200


def test_a_worker_who_left_the_grid_no_longer_invites(app, jw):
    key = key_of(app, "13800000003")
    code = invitation(key, jw.hh_hexi1[0])
    with app.app_context():
        db.session.execute(RoleAssignment.__table__.delete().where(RoleAssignment.user_id == jw.worker_a))
        db.session.commit()
    auth, _ = register(app)
    assert redeem(auth, code).get_json()["error"]["code"] == "invite_invalid"


def test_a_rotated_key_voids_the_invitations_it_signed(app, jw):
    worker = signed_in(app, "13800000003")
    old = worker.send("POST", "/api/join/invite-key").get_json()
    code = invitation(old["key"], jw.hh_hexi1[0])
    new = worker.send("POST", "/api/join/invite-key/rotate").get_json()
    assert new["id"] == old["id"] and new["key"] != old["key"]
    # The phone pulls the new key in its own bucket; nobody else pulls it.
    keys = _records(worker, "invite_key")
    assert [k["key"] for k in keys.values()] == [new["key"]]
    assert _records(signed_in(app, "13800000004"), "invite_key") == {}
    auth, _ = register(app)
    assert redeem(auth, code).get_json()["error"]["code"] == "invite_invalid"
    assert redeem(auth, invitation(new["key"], jw.hh_hexi1[0])).status_code == 200


def test_only_grid_workers_hold_invitation_keys(app, jw):
    for phone in ("13800000002", "13800000007", "13800000008"):
        response = signed_in(app, phone).send("POST", "/api/join/invite-key")
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "grid_workers_only"


def test_redeeming_is_rate_limited_per_account(app, jw):
    app.config["JOIN_RATE_LIMIT"] = "3 per minute"
    auth, _ = register(app)
    codes_ = [redeem(auth, "0000-0000-0000-0000-0000-000").status_code for _ in range(4)]
    assert codes_ == [422, 422, 422, 429]


# --- requests --------------------------------------------------------------------------------


def send_request(auth, world, **fields):
    body = {"compound_id": world.hexi_xiaoqu, "building": "1号楼", "unit": "1单元", "room": "101", "name": "李秀英"}
    return auth.send("POST", "/api/join/requests", json={**body, **fields})


def test_a_request_approved_by_the_grid_worker_binds_and_notifies_both_ways(app, jw):
    auth, _ = register(app)
    response = send_request(auth, jw)
    assert response.status_code == 201, response.get_json()
    request_id = response.get_json()["id"]
    assert send_request(auth, jw).get_json()["error"]["code"] == "request_pending"
    worker = signed_in(app, "13800000003")
    assert any(e["kind"] == "join_requested" for e in _records(worker, "inbox").values())
    admin = signed_in(app, "13800000002")
    assert any(e["kind"] == "join_requested" for e in _records(admin, "inbox").values())
    queue = worker.send("GET", "/api/join/requests").get_json()
    assert [r["id"] for r in queue["items"]] == [request_id] and queue["items"][0]["phone"] == NEW_PHONE
    done = worker.send("POST", f"/api/join/requests/{request_id}/approve", json={"household_id": jw.hh_hexi1[0]})
    assert done.status_code == 200 and done.get_json()["status"] == "approved"
    assert [r["scope_id"] for r in roles(auth)] == [jw.hh_hexi1[0]]
    assert any(e["kind"] == "join_approved" for e in _records(auth, "inbox").values())
    again = admin.send("POST", f"/api/join/requests/{request_id}/reject", json={"reason": "不对"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "request_decided"
    assert "join.request_approved" in audit_actions(app)


def test_a_rejected_request_tells_the_resident_why(app, jw):
    auth, _ = register(app)
    request_id = send_request(auth, jw).get_json()["id"]
    admin = signed_in(app, "13800000002")
    assert admin.send("POST", f"/api/join/requests/{request_id}/reject", json={"reason": "  "}).status_code == 422
    done = admin.send(
        "POST", f"/api/join/requests/{request_id}/reject", json={"reason": "名册中没有此人，请到社区核实"}
    )
    assert done.status_code == 200
    (notice,) = [e for e in _records(auth, "inbox").values() if e["kind"] == "join_rejected"]
    assert "名册中没有此人" in notice["body"]
    assert roles(auth) == []
    mine = auth.send("GET", "/api/join/requests/mine").get_json()
    assert mine[0]["status"] == "rejected" and mine[0]["reason"].startswith("名册")


def test_a_grid_worker_of_another_grid_cannot_see_or_approve(app, jw):
    auth, _ = register(app)
    request_id = send_request(auth, jw).get_json()["id"]
    other = signed_in(app, "13800000004")  # grid 2: 文峰苑 1号楼 only
    assert other.send("GET", "/api/join/requests").get_json()["items"] == []
    response = other.send("POST", f"/api/join/requests/{request_id}/approve", json={"household_id": jw.hh_wenfeng1[0]})
    assert response.status_code == 404
    for phone in ("13800000005", "13800000008", "13800000007"):  # steward, volunteer, resident
        refused = signed_in(app, phone).send("GET", "/api/join/requests")
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "deciders_only"
    assert roles(auth) == []


def test_an_approval_names_a_household_of_the_deciders_directory_in_the_requests_compound(app, jw):
    auth, _ = register(app)
    request_id = send_request(auth, jw).get_json()["id"]
    worker = signed_in(app, "13800000003")
    url = f"/api/join/requests/{request_id}/approve"
    outside = worker.send("POST", url, json={"household_id": jw.hh_dihao1[0]})
    assert outside.status_code == 422 and outside.get_json()["error"]["code"] == "household_not_yours"
    admin = signed_in(app, "13800000002")  # 河西社区: 文峰苑 too, but the request names 河西小区
    elsewhere = admin.send("POST", url, json={"household_id": jw.hh_wenfeng1[0]})
    assert elsewhere.get_json()["error"]["code"] == "household_elsewhere"
    assert roles(auth) == []


def test_a_request_names_a_compound_that_exists(app, jw):
    auth, _ = register(app)
    response = send_request(auth, jw, compound_id=999999)
    assert response.status_code == 422 and "compound_id" in response.get_json()["error"]["fields"]
    assert send_request(auth, jw, room="").status_code == 422


# --- the bound resident: seeing, leaving, password ------------------------------------------


def bound(app, world) -> AuthActions:
    key = key_of(app, "13800000003")
    auth, _ = register(app)
    assert redeem(auth, invitation(key, world.hh_hexi1[0])).status_code == 200
    return auth


def test_leaving_the_household_removes_access(app, jw):
    auth = bound(app, jw)
    assert auth.send("GET", f"/api/places/households/{jw.hh_hexi1[0]}").status_code == 200
    first = auth.send("POST", "/api/sync/pull", json={"protocol": "redgrid-sync/1", "cursor": None, "limit": 2000})
    cursor = first.get_json()["cursor"]
    left = auth.send("POST", "/api/join/leave", json={"household_id": jw.hh_hexi1[0]})
    assert left.status_code == 200 and left.get_json()["roles"] == []
    assert auth.send("GET", f"/api/places/households/{jw.hh_hexi1[0]}").status_code == 404
    after = auth.send("POST", "/api/sync/pull", json={"protocol": "redgrid-sync/1", "cursor": cursor, "limit": 2000})
    assert set(after.get_json()["removed_buckets"]) >= {f"household:{jw.hh_hexi1[0]}", f"compound:{jw.hexi_xiaoqu}"}
    assert auth.send("POST", "/api/join/leave", json={"household_id": jw.hh_hexi1[0]}).status_code == 404
    assert "join.leave" in audit_actions(app)


def test_a_bound_account_cannot_join_a_second_household(app, jw):
    auth = bound(app, jw)
    key = key_of(app, "13800000003")
    response = redeem(auth, invitation(key, jw.hh_hexi1[1], nonce="CD34"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_bound"
    assert send_request(auth, jw).get_json()["error"]["code"] == "already_bound"


def test_changing_the_password_signs_out_the_other_devices(app, jw):
    auth, _ = register(app)
    other = AuthActions(app.test_client())
    assert other.login(NEW_PHONE, NEW_PASSWORD).status_code == 200
    wrong = auth.send(
        "POST", "/api/me/password", json={"current_password": "nope", "new_password": "another-long-pass-9"}
    )
    assert wrong.status_code == 422 and "current_password" in wrong.get_json()["error"]["fields"]
    weak = auth.send("POST", "/api/me/password", json={"current_password": NEW_PASSWORD, "new_password": "12345678"})
    assert weak.status_code == 422 and "new_password" in weak.get_json()["error"]["fields"]
    done = auth.send(
        "POST", "/api/me/password", json={"current_password": NEW_PASSWORD, "new_password": "another-long-pass-9"}
    )
    assert done.status_code == 204
    assert auth.send("GET", "/api/me").status_code == 200  # this device stays
    assert other.send("GET", "/api/me").status_code == 401  # the other is signed out
    assert AuthActions(app.test_client()).login(NEW_PHONE, NEW_PASSWORD).status_code == 401
    assert AuthActions(app.test_client()).login(NEW_PHONE, "another-long-pass-9").status_code == 200


def test_the_resident_sees_their_compounds_records_once_bound(app, jw):
    auth = bound(app, jw)
    me = auth.send("GET", "/api/me").get_json()
    assert me["roles"][0]["scope_path"][-4:] == ["河西小区", "1号楼", "1单元", "101"]
    assert auth.send("GET", f"/api/places/compounds/{jw.hexi_xiaoqu}").status_code == 200


def test_the_invitation_vectors_the_phone_is_held_to():
    """tests/vectors/invites.json: pwa/js/invite-code.js makes the same codes (pwa/tests/join.test.mjs)."""
    vectors = json.loads((Path(__file__).parents[1] / "vectors" / "invites.json").read_text(encoding="utf-8"))
    for case in vectors["invitations"]:
        now = datetime.fromtimestamp(case["now_ms"] / 1000, UTC)
        assert invites.make(case["key"], case["household_id"], now, case["nonce"]) == case["code"]
        parsed = invites.parse(case["code"])
        assert parsed.household_id == case["household_id"] and parsed.message() == case["message"]
