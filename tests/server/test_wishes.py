"""Micro-wishes (微心愿, DESIGN.md S5) through sync (PROTOCOL.md §14): a resident's wish, the admin's
review, the card on the community's wall, a volunteer's claim and fulfilment, the resident's
confirmation — who sees what, who may do what, and the notices each step sends."""

import io
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from server.core import clock
from server.extensions import db
from server.org.models import Resident
from server.wishes.claims import release_lapsed
from tests.factories import unit_member, user
from tests.server.inspections_support import refused
from tests.server.tasks_support import create, inbox_kinds, photo, pull_all, push_one, records_of, signed_in, update

HEXI_ADMIN, HEXI_VOLUNTEER = "13800000002", "13800000008"
RESIDENT, OTHER_VOLUNTEER, QILI_VOLUNTEER, QILI_ADMIN = "13900000101", "13900000102", "13900000103", "13900000104"
PRIVATE_WORDS = "轮椅"  # nothing that names anybody


@pytest.fixture
def ww(app, world):
    """The world plus a resident of 河西小区 1号楼 101 (张桂兰 in its register), a second volunteer
    of 河西社区, and a volunteer and an admin of 七里店社区; more sign-ins a minute than a phone makes."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    with app.app_context():
        home = world.hh_hexi1[0]
        db.session.add(Resident(household_id=home, name="张桂兰", relation="head"))
        resident = user("王大爷", [("resident", "household_id", home)], phone=RESIDENT)
        user("志愿者乙", [("volunteer", "org_unit_id", world.hexi)], phone=OTHER_VOLUNTEER)
        user("七里店志愿者", [("volunteer", "org_unit_id", world.qilidian)], phone=QILI_VOLUNTEER)
        user("七里店管理员", [("admin", "org_unit_id", world.qilidian)], phone=QILI_ADMIN)
        db.session.commit()
        return SimpleNamespace(
            home=home,
            other_home=world.hh_hexi1[1],
            hexi=world.hexi,
            resident_id=resident.id,
            volunteer_id=world.volunteer,
        )


def _post_wish(resident, ww, **fields) -> dict:
    values = {
        "user_id": ww.resident_id,
        "household_id": ww.home,
        "title": "想要一台轮椅",
        "reason": "腿脚不便，出门困难",
    }
    result = push_one(resident, create("wish", str(uuid.uuid4()), **{**values, **fields}))
    assert result["status"] == "applied", result
    return result


def _approve(admin, wish, **fields) -> dict:
    values = {"status": "approved", "public_title": "一位老人需要一台轮椅", "public_text": PRIVATE_WORDS}
    result = push_one(admin, update("wish", wish["record_id"], wish["version"], **{**values, **fields}))
    assert result["status"] == "applied", result
    return result


def _card_of(auth) -> tuple[str, dict]:
    ((card_id, card),) = records_of(auth, "wish_card").items()
    return card_id, card


def test_a_wish_goes_from_the_resident_to_the_wall_to_a_volunteer_and_back(app, ww):
    resident, admin, volunteer = (signed_in(app, p) for p in (RESIDENT, HEXI_ADMIN, HEXI_VOLUNTEER))
    wish = _post_wish(resident, ww, photos=[photo(resident)])

    # The admins above the community see it, with a notice; the volunteers see nothing yet.
    (held,) = records_of(admin, "wish").values()
    assert held["status"] == "submitted" and held["community_id"] == ww.hexi
    assert "wish_submitted" in inbox_kinds(admin)
    assert records_of(volunteer, "wish") == {} and records_of(volunteer, "wish_card") == {}

    _approve(admin, wish)
    assert "wish_approved" in inbox_kinds(resident)

    # The wall: the community's volunteers and the resident see the card; it names nobody.
    card_id, card = _card_of(volunteer)
    assert card["title"] == "一位老人需要一台轮椅" and card["status"] == "open"
    assert not {"user_id", "household_id", "reason"} & card.keys()
    assert "王大爷" not in str(card) and RESIDENT not in str(card) and "101" not in str(card)
    assert records_of(volunteer, "wish") == {}  # never the private wish
    assert _card_of(resident)[0] == card_id

    claimed = push_one(volunteer, update("wish_card", card_id, _version(volunteer, card_id), status="claimed"))
    assert claimed["status"] == "applied", claimed
    assert "wish_claimed" in inbox_kinds(resident)
    evidence = photo(volunteer, colour=(30, 200, 30))
    done = push_one(
        volunteer,
        update(
            "wish_card",
            card_id,
            claimed["version"],
            status="fulfilled",
            evidence_photos=[evidence],
            fulfil_note="已送到",
            hours=2.5,
        ),
    )
    assert done["status"] == "applied", done
    assert "wish_fulfilled" in inbox_kinds(resident)

    confirmed = push_one(
        resident, update("wish_card", card_id, done["version"], status="confirmed", rating=5, rating_comment="谢谢！")
    )
    assert confirmed["status"] == "applied", confirmed
    assert "wish_confirmed" in inbox_kinds(volunteer)
    _, final = _card_of(resident)
    assert final["status"] == "confirmed" and final["rating"] == 5 and final["confirmed_at"]
    assert [(h["from"], h["to"]) for h in final["history"]] == [
        (None, "open"),
        ("open", "claimed"),
        ("claimed", "fulfilled"),
        ("fulfilled", "confirmed"),
    ]

    # The hours the volunteer said it took count in their service record (§15.2), with the rating;
    # the record is theirs and the admins', never the resident's.
    (entry,) = records_of(volunteer, "service_entry").values()
    assert (entry["kind"], entry["source_id"], entry["hours"], entry["rating"]) == ("wish", card_id, 2.5, 5)
    assert entry["account_id"] == ww.volunteer_id and entry["community_id"] == ww.hexi
    assert entry["title"] == "一位老人需要一台轮椅" and entry["occurred_at"] == final["fulfilled_at"]
    assert list(records_of(admin, "service_entry").values()) == [entry]
    assert records_of(resident, "service_entry") == {}


def _version(auth, record_id) -> int:
    versions = {c["id"]: c["version"] for c in pull_all(auth) if c["op"] == "put"}
    return versions[record_id]


def test_two_volunteers_claiming_offline_the_first_to_reach_the_server_wins(app, ww):
    resident, admin = signed_in(app, RESIDENT), signed_in(app, HEXI_ADMIN)
    first, second = signed_in(app, HEXI_VOLUNTEER), signed_in(app, OTHER_VOLUNTEER)
    _approve(admin, _post_wish(resident, ww))
    card_id, _ = _card_of(first)
    base = _version(first, card_id)  # both phones pulled the open card, then went offline

    won = push_one(first, update("wish_card", card_id, base, status="claimed"), client_id="phone-a")
    lost = push_one(second, update("wish_card", card_id, base, status="claimed"), client_id="phone-b")
    assert won["status"] == "applied"
    code, fields = refused(lost)
    assert code == "already_claimed" and lost["error"]["message"] == "该心愿已被其他志愿者先认领了。"
    assert fields == {"status": ["该心愿已被其他志愿者先认领了。"]}
    _, card = _card_of(second)
    assert card["status"] == "claimed" and card["claimant_id"] == ww.volunteer_id
    assert refused(push_one(second, update("wish_card", card_id, _version(second, card_id), status="claimed")))[0] == (
        "already_claimed"
    )  # even knowing the claim, a second claim is refused


@pytest.mark.parametrize(
    ("public_text", "refused_as_private"),
    [
        ("张桂兰家需要一台轮椅", True),  # a name in the household's register
        ("王大爷需要一台轮椅", True),  # the account's name
        ("请联系 13900000101", True),  # the resident's phone
        ("请联系 13712345678", True),  # any mobile number
        ("1号楼101的老人需要一台轮椅", True),  # the door number
        ("送到 101 室", True),
        ("一位老人需要一台轮椅，2101 年的款式也行", False),  # 101 inside another number
        ("一位腿脚不便的老人需要一台轮椅", False),
    ],
)
def test_the_wall_never_names_the_resident(app, ww, public_text, refused_as_private):
    resident, admin = signed_in(app, RESIDENT), signed_in(app, HEXI_ADMIN)
    wish = _post_wish(resident, ww)
    result = push_one(
        admin,
        update(
            "wish",
            wish["record_id"],
            wish["version"],
            status="approved",
            public_title="需要一台轮椅",
            public_text=public_text,
        ),
    )
    if refused_as_private:
        code, fields = refused(result)
        assert code == "private_details" and list(fields) == ["public_text"]
    else:
        assert result["status"] == "applied", result


def test_who_may_do_what_to_a_wish(app, ww):
    resident, admin, volunteer = (signed_in(app, p) for p in (RESIDENT, HEXI_ADMIN, HEXI_VOLUNTEER))
    qili_admin, qili_volunteer = signed_in(app, QILI_ADMIN), signed_in(app, QILI_VOLUNTEER)
    mine = {"user_id": ww.resident_id, "title": "想要一台轮椅"}
    assert refused(push_one(resident, create("wish", str(uuid.uuid4()), household_id=ww.other_home, **mine)))[0] == (
        "not_your_household"
    )
    someone_else = push_one(resident, create("wish", str(uuid.uuid4()), user_id=1, household_id=ww.home, title="x"))
    assert refused(someone_else)[0] in ("out_of_scope", "not_owner")

    wish = _post_wish(resident, ww)
    assert refused(push_one(resident, update("wish", wish["record_id"], wish["version"], status="approved")))[0] in (
        "admin_only",
        "forbidden_field",
    )
    assert refused(push_one(admin, update("wish", wish["record_id"], wish["version"], status="rejected")))[0] == (
        "reason_required"
    )
    assert records_of(qili_admin, "wish") == {}  # another community's admin never sees it
    assert refused(push_one(qili_admin, update("wish", wish["record_id"], wish["version"], status="approved")))[0] in (
        "out_of_scope",
        "not_found",
    )
    approved = _approve(admin, wish)
    assert refused(push_one(resident, update("wish", wish["record_id"], approved["version"], title="改一下")))[0] == (
        "wish_reviewed"
    )

    card_id, card = _card_of(volunteer)
    assert records_of(qili_volunteer, "wish_card") == {}  # another community's wall
    base = _version(volunteer, card_id)
    assert refused(push_one(resident, update("wish_card", card_id, base, status="claimed")))[0] == "volunteer_only"
    assert refused(push_one(resident, update("wish_card", card_id, base, rating=5)))[0] == "not_fulfilled"
    assert (
        refused(push_one(volunteer, update("wish_card", card_id, base, status="fulfilled")))[0] == "status_transition"
    )
    claimed = push_one(volunteer, update("wish_card", card_id, base, status="claimed"))
    other = signed_in(app, OTHER_VOLUNTEER)
    assert (
        refused(push_one(other, update("wish_card", card_id, claimed["version"], status="open")))[0] == "not_claimant"
    )
    assert refused(push_one(other, update("wish_card", card_id, claimed["version"], fulfil_note="我来")))[0] == (
        "not_claimant"
    )
    assert refused(push_one(volunteer, update("wish_card", card_id, claimed["version"], status="fulfilled")))[0] == (
        "evidence_required"
    )
    released = push_one(volunteer, update("wish_card", card_id, claimed["version"], status="open"))
    assert released["status"] == "applied"
    _, card = _card_of(volunteer)
    assert card["status"] == "open" and card["claimant_id"] is None


def test_a_rejected_wish_tells_its_resident_why_and_stays_closed(app, ww):
    resident, admin = signed_in(app, RESIDENT), signed_in(app, HEXI_ADMIN)
    wish = _post_wish(resident, ww)
    rejected = push_one(
        admin, update("wish", wish["record_id"], wish["version"], status="rejected", review_note="请通过民政渠道申请")
    )
    assert rejected["status"] == "applied", rejected
    (entry,) = [e for e in records_of(resident, "inbox").values() if e["kind"] == "wish_rejected"]
    assert "请通过民政渠道申请" in entry["body"]
    assert refused(push_one(resident, update("wish", wish["record_id"], rejected["version"], status="withdrawn")))[
        0
    ] == ("wish_closed")


def test_a_claim_past_its_deadline_goes_back_to_the_wall_and_its_claimant_hears_of_it(app, ww):
    resident, admin, volunteer = (signed_in(app, p) for p in (RESIDENT, HEXI_ADMIN, HEXI_VOLUNTEER))
    _approve(admin, _post_wish(resident, ww))
    card_id, _ = _card_of(volunteer)
    claimed = push_one(volunteer, update("wish_card", card_id, _version(volunteer, card_id), status="claimed"))
    assert claimed["status"] == "applied"
    with app.app_context():
        assert release_lapsed(clock.now() + timedelta(days=6)) == 0  # within its 7 days
        assert release_lapsed(clock.now() + timedelta(days=8)) == 1
        assert release_lapsed(clock.now() + timedelta(days=9)) == 0  # once
    _, card = _card_of(volunteer)
    assert card["status"] == "open" and card["claimant_id"] is None and card["claim_deadline"] is None
    assert [(h["from"], h["to"]) for h in card["history"]][-1] == ("claimed", "open")
    assert "wish_released" in inbox_kinds(volunteer)
    assert "wish_released" not in inbox_kinds(resident)


def test_a_claimant_who_lets_go_is_not_told_of_it(app, ww):
    resident, admin, volunteer = (signed_in(app, p) for p in (RESIDENT, HEXI_ADMIN, HEXI_VOLUNTEER))
    _approve(admin, _post_wish(resident, ww))
    card_id, _ = _card_of(volunteer)
    claimed = push_one(volunteer, update("wish_card", card_id, _version(volunteer, card_id), status="claimed"))
    assert push_one(volunteer, update("wish_card", card_id, claimed["version"], status="open"))["status"] == "applied"
    assert "wish_released" not in inbox_kinds(volunteer)


def test_a_member_claims_a_wish_for_their_unit(app, ww):
    """双报到 (PROTOCOL.md §14.2 claimed_for): a volunteer reporting with a unit claims for it and the
    card names the unit; a volunteer of no such unit cannot; the unit goes with a release."""
    with app.app_context():
        unit_id = unit_member(ww.hexi, ww.volunteer_id)
        db.session.commit()
        key = f"unit:{unit_id}"
    resident, admin = signed_in(app, RESIDENT), signed_in(app, HEXI_ADMIN)
    volunteer, other = signed_in(app, HEXI_VOLUNTEER), signed_in(app, OTHER_VOLUNTEER)
    _approve(admin, _post_wish(resident, ww))
    card_id, _ = _card_of(volunteer)

    code, fields = refused(
        push_one(other, update("wish_card", card_id, _version(other, card_id), status="claimed", claimed_for=key))
    )
    assert code == "not_unit_member" and fields == {"claimed_for": ["只有该单位的报到党员可以以单位名义认领。"]}
    claimed = push_one(
        volunteer, update("wish_card", card_id, _version(volunteer, card_id), status="claimed", claimed_for=key)
    )
    assert claimed["status"] == "applied", claimed
    _, card = _card_of(resident)
    assert (card["claimed_for"], card["claimant_unit"]) == (key, "许昌市供电公司党委")
    code, _ = refused(push_one(volunteer, update("wish_card", card_id, claimed["version"], claimed_for=None)))
    assert code == "unit_at_claim"
    released = push_one(volunteer, update("wish_card", card_id, claimed["version"], status="open"))
    assert released["status"] == "applied"
    _, card = _card_of(resident)
    assert card["status"] == "open" and card.get("claimed_for") is None and card.get("claimant_unit") is None


def _export(auth, **query):
    return auth.send("GET", "/api/wishes/export.xlsx", query_string=query)


def test_the_wishes_export_holds_the_jurisdictions_wishes_with_their_cards(app, ww):
    """微心愿 as a workbook (PROTOCOL.md §24.1): every wish of the admin's communities with its review
    and, on the wall, who claimed it for what hours; another community's admin sees none of them,
    a volunteer or a resident may not export, a bad status is refused per field."""
    resident, admin, volunteer = (signed_in(app, p) for p in (RESIDENT, HEXI_ADMIN, HEXI_VOLUNTEER))
    waiting = _post_wish(resident, ww, title="想学用智能手机")
    wish = _post_wish(resident, ww)
    _approve(admin, wish)
    card_id, _card = _card_of(volunteer)
    claimed = push_one(volunteer, update("wish_card", card_id, _version(volunteer, card_id), status="claimed"))
    assert claimed["status"] == "applied", claimed

    response = _export(admin)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "filename*=UTF-8''%E5%BE%AE%E5%BF%83%E6%84%BF-" in response.headers["Content-Disposition"]
    header, *rows = load_workbook(io.BytesIO(response.get_data())).worksheets[0].values
    assert header[:8] == ("编号", "提交时间", "心愿", "住户", "社区", "审核状态", "心愿墙标题", "认领状态")
    by_id = {r[0]: r for r in rows}
    assert set(by_id) == {waiting["record_id"], wish["record_id"]}
    assert by_id[waiting["record_id"]][5:8] == ("待审核", None, None)
    shown = by_id[wish["record_id"]]
    assert shown[2:8] == (
        "想要一台轮椅",
        "河西小区 1号楼 1单元 101",
        "河西社区",
        "已发布",
        "一位老人需要一台轮椅",
        "已认领",
    )
    assert shown[8] == "志愿者" and shown[10]  # the claimant by name, and when
    only_waiting = load_workbook(io.BytesIO(_export(admin, status="submitted").get_data())).worksheets[0]
    assert [r[0] for r in list(only_waiting.values)[1:]] == [waiting["record_id"]]

    qili = signed_in(app, QILI_ADMIN)
    assert list(load_workbook(io.BytesIO(_export(qili).get_data())).worksheets[0].values)[1:] == []
    assert _export(volunteer).status_code == 403 and _export(resident).status_code == 403
    bad = _export(admin, status="lost")
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["status"]
