"""The account's own (issue 16 item 1, PROTOCOL.md §19.4–19.5): forgot password without SMS — a
one-time code an admin over every role of the account, or the grid worker of a resident's
household, issues; single use, expiring, hashed at rest, audited without the code — signing out
the other devices, and the profile's password change."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.models import PasswordResetCode, RoleAssignment, User
from server.core import clock
from server.extensions import db
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.server.tasks_support import signed_in

NEW = "hongge-reset-2026"
T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def aw(app, world):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    return world


def issue(auth, phone, lang="zh-CN"):
    return auth.send("POST", "/api/accounts/reset-codes", json={"phone": phone}, headers={"Accept-Language": lang})


def reset(app, phone, code, password=NEW, lang="zh-CN"):
    auth = AuthActions(app.test_client())
    body = {"phone": phone, "code": code, "new_password": password}
    return auth.send("POST", "/api/auth/reset-password", json=body, headers={"Accept-Language": lang})


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def add_role(app, user_id, role, column, scope_id):
    with app.app_context():
        db.session.add(RoleAssignment(user_id=user_id, role=role, **{column: scope_id}))
        db.session.commit()


def resident_of(app, household_id, phone="13900000011") -> int:
    from tests.factories import user

    with app.app_context():
        account = user("张桂兰", [("resident", "household_id", household_id)], phone=phone)
        db.session.commit()
        return account.id


def test_a_code_resets_the_password_once_and_ends_every_session(app, aw):
    holder = signed_in(app, "13800000003")  # 网格员甲 forgot nothing yet: this device is signed in
    admin = signed_in(app, "13800000002")  # 河西社区管理员, over G1
    issued = issue(admin, "13800000003")
    assert issued.status_code == 201, issued.get_json()
    body = issued.get_json()
    code = body["code"]
    assert len(code) == 8 and code.isdigit()
    assert body["user"] == {"id": aw.worker_a, "display_name": "网格员甲", "phone": "13800000003"}
    issued_at = datetime.fromisoformat(body["expires_at"]) - timedelta(minutes=30)
    assert abs(issued_at - datetime.now(UTC)) < timedelta(minutes=1)

    with app.app_context():  # stored only as a keyed hash; the audit names issuer and account, never the code
        row = db.session.scalar(select(PasswordResetCode))
        assert row.user_id == aw.worker_a and row.issued_by_id == aw.hexi_admin
        assert code not in row.code_hash and len(row.code_hash) == 64
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.reset_code_issued"))
        assert (entry.actor_id, entry.target_id) == (aw.hexi_admin, aw.worker_a)
        assert code not in str(entry.details)

    assert reset(app, "138 0000 0003", f"{code[:4]}-{code[4:]}").status_code == 204
    assert holder.send("GET", "/api/me").status_code == 401  # every device signed out
    assert AuthActions(app.test_client()).login("13800000003", PASSWORD).status_code == 401
    assert AuthActions(app.test_client()).login("13800000003", NEW).status_code == 200

    again = reset(app, "13800000003", code, "another-pass-2026")
    assert again.status_code == 422 and error_code(again) == "reset_code_used"
    assert "code" in again.get_json()["error"]["fields"]
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"auth.reset_code_issued", "auth.password_reset_with_code"} <= actions


def test_a_code_expires_after_30_minutes(app, aw):
    admin = signed_in(app, "13800000001")
    with clock.at(T0):
        code = issue(admin, "13800000007").get_json()["code"]
    with clock.at(T0 + timedelta(minutes=31)):
        late = reset(app, "13800000007", code, lang="en")
    assert late.status_code == 422 and error_code(late) == "reset_code_expired"
    assert "30 minutes" in late.get_json()["error"]["fields"]["code"][0]
    with clock.at(T0 + timedelta(minutes=29)):
        assert reset(app, "13800000007", code).status_code == 204


def test_wrong_codes_are_refused_and_five_void_the_live_one(app, aw):
    admin = signed_in(app, "13800000001")
    code = issue(admin, "13800000007").get_json()["code"]
    wrong = "00000000" if code != "00000000" else "11111111"
    first = reset(app, "13800000007", wrong)
    assert first.status_code == 422 and error_code(first) == "reset_code_invalid"
    assert "验证码不正确" in first.get_json()["error"]["fields"]["code"][0]
    # An unknown number answers as a wrong code does (no account oracle).
    assert error_code(reset(app, "13999999999", code)) == "reset_code_invalid"
    bad = reset(app, "13800000007", "12ab")
    assert bad.status_code == 422 and "code" in bad.get_json()["error"]["fields"]
    weak = reset(app, "13800000007", code, "12345678")
    assert weak.status_code == 422 and "new_password" in weak.get_json()["error"]["fields"]
    for _ in range(4):
        reset(app, "13800000007", wrong)
    burned = reset(app, "13800000007", code)
    assert burned.status_code == 422 and error_code(burned) == "reset_code_invalid"
    # A new code replaces every earlier one.
    newer = issue(admin, "13800000007").get_json()["code"]
    assert reset(app, "13800000007", newer).status_code == 204


def test_guessing_is_rate_limited_per_account(app, aw):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    answers = [reset(app, "13800000007", "12345678").status_code for _ in range(4)]
    assert answers == [422, 422, 422, 429]


def test_an_admin_issues_only_for_accounts_wholly_in_the_jurisdiction(app, aw):
    hexi_admin = signed_in(app, "13800000002")
    # 网格员乙 works G2 (河西) and also keeps 帝豪花园 (东城区): the 河西 admin sees the account but
    # is not over all of it.
    add_role(app, aw.worker_b, "red_steward", "compound_id", aw.dihao)
    elsewhere = issue(hexi_admin, "13800000004", lang="en")
    assert elsewhere.status_code == 403 and error_code(elsewhere) == "managed_elsewhere"
    # The resident of 帝豪花园 is outside 河西 altogether: not found, like an unknown number.
    assert issue(hexi_admin, "13800000007").status_code == 404
    unknown = issue(hexi_admin, "13999999999")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["fields"]["phone"] == [
        "您管辖的范围内没有用这个手机号的账号。"
    ]
    # The city admin is over both.
    root = signed_in(app, "13800000001")
    assert issue(root, "13800000004").status_code == 201
    with app.app_context():
        assert db.session.scalar(select(PasswordResetCode.issued_by_id)) == aw.root_admin


def test_a_grid_worker_issues_only_for_residents_of_their_grid(app, aw):
    inside = resident_of(app, aw.hh_hexi1[0])  # 河西小区, covered by G1
    worker_a, worker_b = signed_in(app, "13800000003"), signed_in(app, "13800000004")
    assert issue(worker_a, "13900000011").status_code == 201
    assert issue(worker_b, "13900000011").status_code == 404  # G2 does not cover 河西小区
    assert issue(worker_a, "13800000007").status_code == 404  # a resident of 帝豪花园
    assert issue(worker_a, "13800000005").status_code == 404  # the steward of 河西小区: an admin's to do
    # A resident who is also a volunteer: the worker knows the account, but it is an admin's.
    add_role(app, inside, "volunteer", "org_unit_id", aw.hexi)
    also = issue(worker_a, "13900000011")
    assert also.status_code == 403 and error_code(also) == "managed_elsewhere"
    assert issue(signed_in(app, "13800000002"), "13900000011").status_code == 201


@pytest.mark.parametrize("phone", ["13800000005", "13800000006", "13800000007", "13800000008"])
def test_other_roles_issue_no_codes(app, aw, phone):
    response = issue(signed_in(app, phone), "13800000007")
    assert response.status_code == 403 and error_code(response) == "forbidden"
    assert (
        AuthActions(app.test_client())
        .send("POST", "/api/accounts/reset-codes", json={"phone": "13800000007"})
        .status_code
        == 401
    )


def test_signing_out_the_other_devices_keeps_this_one(app, aw):
    here, phone2, tablet = (signed_in(app, "13800000003") for _ in range(3))
    response = here.send("POST", "/api/me/sessions/end-others")
    assert response.status_code == 200 and response.get_json() == {"ended": 2}
    assert here.send("GET", "/api/me").status_code == 200
    assert phone2.send("GET", "/api/me").status_code == 401 and tablet.send("GET", "/api/me").status_code == 401
    assert here.send("POST", "/api/me/sessions/end-others").get_json() == {"ended": 0}
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.other_sessions_ended"))
        assert entry.actor_id == aw.worker_a and entry.details == {"ended": 2}
    assert AuthActions(app.test_client()).send("POST", "/api/me/sessions/end-others").status_code == 401


def test_changing_the_password_checks_the_current_one_and_the_rules(app, aw):
    here, other = signed_in(app, "13800000007"), signed_in(app, "13800000007")
    # The profile's language is the one the answers speak.
    profile = here.send("PATCH", "/api/me", json={"display_name": "王居民", "locale": "en"})
    assert profile.status_code == 200 and profile.get_json()["user"]["locale"] == "en"
    wrong = here.send("POST", "/api/me/password", json={"current_password": "nope", "new_password": NEW})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["fields"]["current_password"] == [
        "The current password is wrong."
    ]
    common = here.send("POST", "/api/me/password", json={"current_password": PASSWORD, "new_password": "1qaz2wsx"})
    assert common.status_code == 422 and "most common" in common.get_json()["error"]["fields"]["new_password"][0]
    done = here.send("POST", "/api/me/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert done.status_code == 204
    assert here.send("GET", "/api/me").status_code == 200 and other.send("GET", "/api/me").status_code == 401
    with app.app_context():
        assert db.session.get(User, aw.resident).password_hash.startswith("$argon2id$")
