"""Volunteer service activities through sync (PROTOCOL.md §18): an admin publishes an activity,
volunteers of its community sign up (seats to the first, then a waiting list promoted in order),
check in and out with the organiser's signed code — checked by the server when it syncs — or by
the organiser's hand, and the organiser confirms the hours into the service record. Who pulls
what (no volunteer ever pulls a key, nor another community's activities), who may do what, and
the refusals of a code, table-driven."""

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from server.activities.checkin import code_for
from server.activities.followups import signup_id
from server.core import codes
from server.core.fields import iso
from server.extensions import db
from server.org.models import OrgUnit
from tests.factories import user
from tests.server.inspections_support import refused
from tests.server.tasks_support import create, inbox_kinds, pull_all, push_one, records_of, signed_in, update

ADMIN, VOLUNTEER = "13800000002", "13800000008"
SECOND, THIRD, QILI_VOLUNTEER, QILI_ADMIN = "13900000301", "13900000302", "13900000303", "13900000304"


@pytest.fixture
def aw(app, world):
    """The world plus two more volunteers of 河西社区, and a volunteer and an admin of 七里店社区."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    with app.app_context():
        second = user("志愿者乙", [("volunteer", "org_unit_id", world.hexi)], phone=SECOND)
        third = user("志愿者丙", [("volunteer", "org_unit_id", world.hexi)], phone=THIRD)
        user("七里店志愿者", [("volunteer", "org_unit_id", world.qilidian)], phone=QILI_VOLUNTEER)
        user("七里店管理员", [("admin", "org_unit_id", world.qilidian)], phone=QILI_ADMIN)
        db.session.commit()
        return SimpleNamespace(
            hexi=world.hexi, qilidian=world.qilidian, volunteer=world.volunteer, second=second.id, third=third.id
        )


def _version(auth, entity, record_id) -> int:
    for change in reversed(pull_all(auth)):
        if change["entity"] == entity and change["id"] == record_id:
            return change["version"]
    raise AssertionError(f"{entity} {record_id} not pulled")


def _publish(admin, community, **fields) -> str:
    now = datetime.now(UTC)
    values = {
        "community_id": community,
        "title": "周末清理楼道",
        "place": "河西社区党群服务中心",
        "starts_at": iso(now - timedelta(minutes=10)),
        "ends_at": iso(now + timedelta(hours=2)),
        "capacity": 10,
        "skills": ["environment"],
        "hours": 2.0,
        **fields,
    }
    activity_id = str(uuid.uuid4())
    result = push_one(admin, create("activity", activity_id, **values))
    assert result["status"] == "applied", result
    return activity_id


def _sign_up(auth, user_id, activity_id) -> dict:
    record_id = signup_id(activity_id, user_id)
    return push_one(auth, create("activity_signup", record_id, activity_id=activity_id, user_id=user_id))


def _key(admin, activity_id) -> str:
    (key,) = [k["key"] for k in records_of(admin, "activity_key").values() if k["activity_id"] == activity_id]
    return key


def _reading(key, activity_id, direction="in", at=None, shown=None, signer=None) -> dict:
    """The fields a volunteer's phone sends after reading the organiser's code: shown in window
    `shown` (default: when read), read at `at` (default: now)."""
    at = at or datetime.now(UTC)
    window = codes.window(shown or at)
    prefix = "checkin" if direction == "in" else "checkout"
    return {
        f"{prefix}_window": window,
        f"{prefix}_mac": code_for(key, activity_id, signer or direction, window),
        f"{prefix}_at": iso(at),
    }


def _push_signup(auth, record_id, **fields) -> dict:
    return push_one(auth, update("activity_signup", record_id, _version(auth, "activity_signup", record_id), **fields))


def test_an_activity_from_publishing_to_confirmed_hours_in_the_service_record(app, aw):
    admin, volunteer = signed_in(app, ADMIN), signed_in(app, VOLUNTEER)
    activity_id = _publish(admin, aw.hexi)

    # The volunteers of the community see it; only the admins hold its key.
    (seen,) = records_of(volunteer, "activity").values()
    assert seen["title"] == "周末清理楼道" and seen["status"] == "published" and seen["seated_count"] == 0
    assert records_of(volunteer, "activity_key") == {}
    key = _key(admin, activity_id)
    assert len(key) == 43

    signed = _sign_up(volunteer, aw.volunteer, activity_id)
    assert signed["status"] == "applied", signed
    assert signed["record"]["data"]["status"] == "seated"
    assert "activity_signed_up" in inbox_kinds(volunteer)
    assert records_of(volunteer, "activity")[activity_id]["seated_count"] == 1

    record_id = signed["record_id"]
    start = datetime.now(UTC)
    checked_in = _push_signup(volunteer, record_id, **_reading(key, activity_id, "in", at=start))
    assert checked_in["status"] == "applied", checked_in
    assert checked_in["record"]["data"]["checkin_method"] == "code"
    end = start + timedelta(minutes=90)
    out = _push_signup(volunteer, record_id, **_reading(key, activity_id, "out", at=end))
    assert out["status"] == "applied", out
    assert out["record"]["data"]["hours"] == 1.5

    # The organiser (the admin) sees the sign-up and confirms the hours, capped at the activity's.
    assert records_of(admin, "activity_signup")[record_id]["checkout_method"] == "code"
    over = _push_signup(admin, record_id, confirmed_hours=2.5)
    assert refused(over)[0] == "hours_over_cap"
    confirmed = _push_signup(admin, record_id, confirmed_hours=1.5)
    assert confirmed["status"] == "applied", confirmed
    (entry,) = records_of(volunteer, "service_entry").values()
    assert (entry["kind"], entry["source_id"], entry["hours"], entry["community_id"]) == (
        "activity",
        record_id,
        1.5,
        aw.hexi,
    )
    assert "activity_hours_confirmed" in inbox_kinds(volunteer)

    # A second confirmation corrects the same entry.
    assert _push_signup(admin, record_id, confirmed_hours=1.0)["status"] == "applied"
    (entry,) = records_of(volunteer, "service_entry").values()
    assert entry["hours"] == 1.0

    closed = push_one(admin, update("activity", activity_id, _version(admin, "activity", activity_id), status="closed"))
    assert closed["status"] == "applied", closed
    assert refused(_push_signup(admin, record_id, confirmed_hours=2.0))[0] == "activity_closed"
    again = update("activity", activity_id, closed["version"], status="published")
    assert refused(push_one(admin, again))[0] == "activity_closed"


def test_seats_go_to_the_first_the_rest_wait_and_move_up_in_order(app, aw):
    admin = signed_in(app, ADMIN)
    first, second, third = (signed_in(app, p) for p in (VOLUNTEER, SECOND, THIRD))
    activity_id = _publish(admin, aw.hexi, capacity=1)

    assert _sign_up(first, aw.volunteer, activity_id)["record"]["data"]["status"] == "seated"
    waiting = _sign_up(second, aw.second, activity_id)
    assert waiting["record"]["data"]["status"] == "waiting"
    assert _sign_up(third, aw.third, activity_id)["record"]["data"]["status"] == "waiting"
    assert "activity_waiting" in inbox_kinds(second)
    counts = records_of(first, "activity")[activity_id]
    assert (counts["seated_count"], counts["waiting_count"]) == (1, 2)

    # The seated one cancels: the first to wait takes the seat and is told; the third still waits.
    mine = signup_id(activity_id, aw.volunteer)
    assert _push_signup(first, mine, status="cancelled")["status"] == "applied"
    assert records_of(second, "activity_signup")[waiting["record_id"]]["status"] == "seated"
    assert "activity_promoted" in inbox_kinds(second)
    assert records_of(third, "activity_signup")[signup_id(activity_id, aw.third)]["status"] == "waiting"

    # Signing up again goes to the end of the list.
    back = _push_signup(first, mine, status="seated")
    assert back["status"] == "applied" and back["record"]["data"]["status"] == "waiting"

    # A larger capacity seats the waiting list at once, in the order they signed up.
    version = _version(admin, "activity", activity_id)
    assert push_one(admin, update("activity", activity_id, version, capacity=2))["status"] == "applied"
    assert records_of(third, "activity_signup")[signup_id(activity_id, aw.third)]["status"] == "seated"
    assert records_of(first, "activity_signup")[mine]["status"] == "waiting"
    counts = records_of(first, "activity")[activity_id]
    assert (counts["seated_count"], counts["waiting_count"]) == (2, 1)

    # Cancelling the activity tells everyone still on it.
    version = _version(admin, "activity", activity_id)
    assert push_one(admin, update("activity", activity_id, version, status="cancelled"))["status"] == "applied"
    for auth in (first, second, third):
        assert "activity_cancelled" in inbox_kinds(auth)


def test_one_sign_up_per_volunteer_and_its_id_follows_from_both(app, aw):
    admin, volunteer = signed_in(app, ADMIN), signed_in(app, VOLUNTEER)
    activity_id = _publish(admin, aw.hexi)
    stray = push_one(
        volunteer, create("activity_signup", str(uuid.uuid4()), activity_id=activity_id, user_id=aw.volunteer)
    )
    assert refused(stray)[0] == "signup_id"
    assert _sign_up(volunteer, aw.volunteer, activity_id)["status"] == "applied"
    assert refused(_sign_up(volunteer, aw.volunteer, activity_id))[0] == "exists"
    someone_else = push_one(
        volunteer,
        create("activity_signup", signup_id(activity_id, aw.second), activity_id=activity_id, user_id=aw.second),
    )
    assert refused(someone_else)[0] in ("not_owner", "out_of_scope")


def test_who_sees_and_who_may_do_what(app, aw):
    admin, volunteer, second = signed_in(app, ADMIN), signed_in(app, VOLUNTEER), signed_in(app, SECOND)
    qili_volunteer, qili_admin = signed_in(app, QILI_VOLUNTEER), signed_in(app, QILI_ADMIN)
    activity_id = _publish(admin, aw.hexi)
    qili_activity = _publish(qili_admin, aw.qilidian, title="七里店义诊")

    # A volunteer of 七里店 never pulls 河西's activities, and no volunteer pulls any key.
    assert set(records_of(qili_volunteer, "activity")) == {qili_activity}
    assert set(records_of(volunteer, "activity")) == {activity_id}
    for auth in (volunteer, qili_volunteer):
        assert records_of(auth, "activity_key") == {}
    assert set(k["activity_id"] for k in records_of(admin, "activity_key").values()) == {activity_id}

    # Volunteers do not publish or edit; another community's volunteer cannot sign up.
    now = datetime.now(UTC)
    made = create(
        "activity",
        str(uuid.uuid4()),
        community_id=aw.hexi,
        title="x",
        place="y",
        starts_at=iso(now),
        ends_at=iso(now + timedelta(hours=1)),
        capacity=3,
        hours=1.0,
    )
    assert refused(push_one(volunteer, made))[0] == "forbidden_op"
    edit = update("activity", activity_id, _version(volunteer, "activity", activity_id), title="改名")
    assert refused(push_one(volunteer, edit))[0] == "forbidden_field"
    assert refused(_sign_up(qili_volunteer, _me(qili_volunteer), activity_id))[0] == "volunteer_only"
    elsewhere = update("activity", activity_id, edit["base_version"], title="改名")
    assert refused(push_one(qili_admin, elsewhere))[0] == "out_of_scope"

    # A volunteer sees only their own sign-up; they may neither check in by hand nor confirm hours.
    mine = _sign_up(volunteer, aw.volunteer, activity_id)["record_id"]
    theirs = _sign_up(second, aw.second, activity_id)["record_id"]
    assert set(records_of(volunteer, "activity_signup")) == {mine}
    assert refused(_push_signup(volunteer, mine, checkin_at=iso(now)))[0] == "code_required"
    assert refused(push_one(volunteer, update("activity_signup", theirs, 1, status="cancelled")))[0] == "out_of_scope"
    key = _key(admin, activity_id)
    assert _push_signup(volunteer, mine, **_reading(key, activity_id))["status"] == "applied"
    assert refused(_push_signup(volunteer, mine, confirmed_hours=1.0))[0] == "organiser_only"

    # The admin checks the second in and out by hand (the fallback); the volunteer cannot cancel
    # once checked in.
    by_hand = _push_signup(admin, theirs, checkin_at=iso(now), checkout_at=iso(now + timedelta(minutes=45)))
    assert by_hand["status"] == "applied", by_hand
    assert (by_hand["record"]["data"]["checkin_method"], by_hand["record"]["data"]["hours"]) == ("manual", 0.75)
    assert refused(_push_signup(volunteer, mine, status="cancelled"))[0] == "already_checked_in"
    backwards = _push_signup(admin, theirs, checkout_at=iso(now - timedelta(minutes=5)))
    assert refused(backwards)[0] == "checkout_before_checkin"
    too_late = _push_signup(admin, theirs, checkin_at=iso(now + timedelta(hours=1)))
    assert refused(too_late) == ("checkout_before_checkin", {"checkin_at": ["签退时间要晚于签到时间。"]})


def test_a_named_organiser_holds_the_key_checks_people_in_and_confirms_hours(app, aw):
    admin, volunteer, organiser = signed_in(app, ADMIN), signed_in(app, VOLUNTEER), signed_in(app, SECOND)
    activity_id = _publish(admin, aw.hexi)
    mine = _sign_up(volunteer, aw.volunteer, activity_id)["record_id"]
    assert records_of(organiser, "activity_key") == {}

    version = _version(admin, "activity", activity_id)
    named = push_one(admin, update("activity", activity_id, version, organiser_id=aw.second))
    assert named["status"] == "applied", named
    (key,) = records_of(organiser, "activity_key").values()
    assert key["activity_id"] == activity_id and key["key"] == _key(admin, activity_id)
    assert set(records_of(organiser, "activity_signup")) == {mine}  # the sign-ups follow the organiser
    assert records_of(volunteer, "activity_key") == {}

    now = datetime.now(UTC)
    assert _push_signup(organiser, mine, checkin_at=iso(now))["status"] == "applied"
    assert _push_signup(organiser, mine, confirmed_hours=1.0)["status"] == "applied"
    assert refused(_push_signup(organiser, mine, checkin_window=1, checkin_mac="X", checkin_at=iso(now)))[0] in (
        "owner_only",
    )
    # Only an admin names organisers, and only volunteers of the community.
    version = _version(admin, "activity", activity_id)
    assert refused(push_one(organiser, update("activity", activity_id, version, organiser_id=aw.third)))[0] == (
        "forbidden_field"
    )
    qili = _me(signed_in(app, QILI_VOLUNTEER))
    assert refused(push_one(admin, update("activity", activity_id, version, organiser_id=qili)))[0] == (
        "organiser_not_volunteer"
    )
    # The organiser may close the activity, not cancel it.
    assert refused(push_one(organiser, update("activity", activity_id, version, status="cancelled")))[0] == (
        "status_transition"
    )
    assert push_one(organiser, update("activity", activity_id, version, status="closed"))["status"] == "applied"


def _me(auth) -> int:
    return auth.client.get("/api/me").get_json()["user"]["id"]


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    "case, reading, code",
    [
        ("valid", {}, None),
        ("wrong mac", {"mac": "0000000000"}, "code_invalid"),
        ("another activity's key", {"other_key": True}, "code_invalid"),
        ("check-out code sent as check-in", {"signer": "out"}, "code_wrong_direction"),
        ("shown hours before the activity", {"shown": -5 * HOUR, "at": -5 * HOUR}, "code_outside_activity"),
        ("shown after the activity and its margin", {"shown": 3 * HOUR, "at": 3 * HOUR}, "code_outside_activity"),
        ("shown within the margin before the start", {"shown": -35 * 60, "at": -35 * 60}, None),
        ("read a minute and a half after it was shown", {"shown": -90}, "code_expired"),
        ("read within a window of it", {"shown": -30}, None),
        ("read before it was shown", {"shown": 120}, "code_expired"),
        ("a second reading of the same code", {"replay": True}, "code_replayed"),
        ("a second check-in with a new code", {"again": True}, "already_checked_in"),
    ],
)
def test_the_server_checks_each_code_a_phone_read(app, aw, case, reading, code):
    admin, volunteer = signed_in(app, ADMIN), signed_in(app, VOLUNTEER)
    activity_id = _publish(admin, aw.hexi)
    record_id = _sign_up(volunteer, aw.volunteer, activity_id)["record_id"]
    key = codes.new_key() if reading.get("other_key") else _key(admin, activity_id)
    now = datetime.now(UTC)
    at = now + _delta(reading.get("at", 0))
    shown = at + _delta(reading.get("shown", 0)) - _delta(reading.get("at", 0))
    fields = _reading(key, activity_id, "in", at=at, shown=shown, signer=reading.get("signer"))
    if "mac" in reading:
        fields["checkin_mac"] = reading["mac"]
    if reading.get("replay") or reading.get("again"):
        assert _push_signup(volunteer, record_id, **fields)["status"] == "applied"
        if reading.get("again"):
            fields = _reading(key, activity_id, "in", at=now + timedelta(minutes=2))
    result = _push_signup(volunteer, record_id, **fields)
    if code is None:
        assert result["status"] == "applied", result
    else:
        got, fields = refused(result)
        assert (got, list(fields)) == (code, ["checkin_mac"]), case


def _delta(value) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def test_refusals_are_worded_in_chinese_on_the_phone(app, aw):
    admin, volunteer = signed_in(app, ADMIN), signed_in(app, VOLUNTEER)
    activity_id = _publish(admin, aw.hexi)
    record_id = _sign_up(volunteer, aw.volunteer, activity_id)["record_id"]
    late = _reading(_key(admin, activity_id), activity_id, at=datetime.now(UTC), shown=datetime.now(UTC) - HOUR / 12)
    result = _push_signup(volunteer, record_id, **late)
    assert result["error"]["code"] == "code_expired"
    assert "过期" in result["error"]["message"]
    assert result["error"]["fields"]["checkin_mac"] == [
        "签到码已过期：只在现场显示后一分钟内有效，截图或转发的码无效。"
    ]


def test_bad_activity_input_is_refused_per_field(app, aw):
    admin = signed_in(app, ADMIN)
    now = datetime.now(UTC)
    base = {
        "community_id": aw.hexi,
        "title": "义诊",
        "place": "广场",
        "starts_at": iso(now + HOUR),
        "ends_at": iso(now + 2 * HOUR),
        "capacity": 5,
        "hours": 1.0,
    }
    cases = [
        ({"ends_at": iso(now + HOUR / 2)}, "ends_before_start"),
        ({"ends_at": iso(now + 30 * HOUR)}, "too_long"),
        ({"starts_at": iso(now - 3 * HOUR), "ends_at": iso(now - 2 * HOUR)}, "activity_over"),
        ({"community_id": aw.qilidian}, "out_of_scope"),
        ({"capacity": 0}, "invalid"),
        ({"hours": 30.0}, "invalid"),
        ({"title": ""}, "invalid"),
        ({"skills": ["保洁"]}, "invalid"),
        ({"skills": ["repair", "repair"]}, "invalid"),
        ({"status": "closed"}, "bad_initial_status"),
    ]
    for change, code in cases:
        result = push_one(admin, create("activity", str(uuid.uuid4()), **{**base, **change}))
        assert refused(result)[0] == code, (change, result)
    # A word that is no skill of the vocabulary (server/ledger/vocab.py) is named in the field's message.
    result = push_one(admin, create("activity", str(uuid.uuid4()), **{**base, "skills": ["medical", "保洁"]}))
    assert refused(result)[1] == {"skills": ["不是技能表中的一项，请从列表中选择。"]}, result
    grid = push_one(admin, create("activity", str(uuid.uuid4()), **{**base, "community_id": _grid_of(app)}))
    assert refused(grid)[0] == "not_a_community"


def _grid_of(app) -> int:
    with app.app_context():
        return db.session.scalar(select(OrgUnit.id).where(OrgUnit.name == "河西社区第一网格"))


def test_new_details_are_told_to_everyone_on_the_activity_and_a_hand_check_in_never_undoes_a_code(app, aw):
    admin, volunteer, second = signed_in(app, ADMIN), signed_in(app, VOLUNTEER), signed_in(app, SECOND)
    activity_id = _publish(admin, aw.hexi)
    mine = _sign_up(volunteer, aw.volunteer, activity_id)["record_id"]
    _sign_up(second, aw.second, activity_id)
    version = _version(admin, "activity", activity_id)
    assert push_one(admin, update("activity", activity_id, version, place="河西社区广场"))["status"] == "applied"
    for auth in (volunteer, second):
        assert "activity_changed" in inbox_kinds(auth)

    # Both offline: the volunteer reads the code, the organiser checks them in by hand from an
    # older copy. The reading reaches the server first; the hand's time loses to it (kept as a
    # conflict record) and stamps nothing over the code's.
    base = _version(admin, "activity_signup", mine)
    assert _push_signup(volunteer, mine, **_reading(_key(admin, activity_id), activity_id))["status"] == "applied"
    by_hand = update("activity_signup", mine, base, checkin_at=iso(datetime.now(UTC) - HOUR / 6))
    late = push_one(admin, by_hand, client_id="organiser-phone")
    assert late["status"] == "conflict", late
    held = records_of(volunteer, "activity_signup")[mine]
    assert held["checkin_method"] == "code" and held["checkin_window"] is not None
