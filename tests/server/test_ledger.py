"""The service record (server/ledger, PROTOCOL.md §15.2): credited once per source and person,
corrected in place, voided without vanishing from phones, totalled per person and period, and
pulled only by its person and the admins above its community."""

from datetime import UTC, datetime

import pytest

from server.extensions import db
from server.ledger import service as ledger
from server.ledger.models import ServiceEntry
from tests.factories import user
from tests.server.tasks_support import records_of, signed_in

HEXI_ADMIN, HEXI_VOLUNTEER, OTHER = "13800000002", "13800000008", "13900000102"
MAY, JUNE, JULY = (datetime(2026, m, 10, 9, tzinfo=UTC) for m in (5, 6, 7))


def _entries(auth) -> dict:
    return records_of(auth, "service_entry")


@pytest.fixture
def other(app, world):
    with app.app_context():
        account = user("志愿者乙", [("volunteer", "org_unit_id", world.hexi)], phone=OTHER)
        db.session.commit()
        return account.id


def test_credit_once_per_source_correct_in_place_and_void(app, world, other):
    with app.app_context():
        first = ledger.credit(world.volunteer, world.hexi, "activity", "act-1", "重阳节敬老", 2, MAY)
        again = ledger.credit(world.volunteer, world.hexi, "activity", "act-1", "重阳节敬老", 3.5, MAY)
        ledger.credit(world.volunteer, world.hexi, "wish", "card-1", "送轮椅", 1, JUNE, rating=4)
        ledger.credit(other, world.hexi, "wish", "card-1", "送轮椅", 1, JUNE)  # another person, same source
        db.session.commit()
        assert first == again and db.session.get(ServiceEntry, first).hours == 3.5
        assert db.session.query(ServiceEntry).count() == 3

    volunteer, admin, stranger = (signed_in(app, p) for p in (HEXI_VOLUNTEER, HEXI_ADMIN, OTHER))
    mine = _entries(volunteer)
    assert sorted((e["kind"], e["hours"]) for e in mine.values()) == [("activity", 3.5), ("wish", 1.0)]
    assert {e["account_id"] for e in _entries(stranger).values()} == {other}  # nobody else's
    assert len(_entries(admin)) == 3

    with app.app_context():
        assert ledger.void("activity", "act-1", world.volunteer) is True
        assert ledger.void("activity", "act-1", world.volunteer) is False  # already void
        assert ledger.void("activity", "never", world.volunteer) is False
        db.session.commit()
        assert [e.kind for e in ledger.entries([world.volunteer])] == ["wish"]
    assert _entries(volunteer)[first]["status"] == "void"  # the phone learns it no longer counts


def test_totals_per_person_and_period(app, world, other):
    with app.app_context():
        ledger.credit(world.volunteer, world.hexi, "activity", "a1", "义诊", 2, MAY)
        ledger.credit(world.volunteer, world.hexi, "activity", "a2", "植树", 1.25, JUNE)
        ledger.credit(world.volunteer, world.hexi, "wish", "w1", "修水管", 1, JUNE, rating=5)
        ledger.credit(world.volunteer, world.hexi, "wish", "w2", "送米面", 0.5, JULY, rating=3)
        ledger.credit(other, world.hexi, "wish", "w3", "读报", 1, JUNE, rating=4)
        db.session.commit()
        everything = ledger.totals()
        mine = everything[world.volunteer]
        assert (mine.hours, mine.count, mine.rating) == (4.75, 4, 4.0)
        assert mine.by_kind == {"activity": 2, "wish": 2}
        assert mine.hours_by_kind == {"activity": 3.25, "wish": 1.5}
        june = ledger.totals([world.volunteer], since=JUNE, until=JULY)[world.volunteer]
        assert (june.hours, june.count, june.rating) == (2.25, 2, 5.0)
        assert ledger.totals([world.volunteer], since=datetime(2027, 1, 1, tzinfo=UTC)) == {}
        assert everything[other].rating == 4.0 and ledger.totals([other])[other].by_kind == {"wish": 1}
        assert ledger.totals(community_id=world.qilidian) == {}


@pytest.mark.parametrize(
    ("kind", "hours", "title"),
    [("party", 1, "x"), ("wish", 25, "x"), ("wish", -1, "x"), ("wish", 1, ""), ("wish", float("nan"), "x")],
)
def test_a_value_the_record_refuses_is_the_callers_bug(app, world, kind, hours, title):
    with app.app_context(), pytest.raises(ValueError, match="service entry refused"):
        ledger.credit(world.volunteer, world.hexi, kind, "s1", title, hours, MAY)


def test_hours_are_counted_to_the_minute(app, world):
    with app.app_context():
        record_id = ledger.credit(world.volunteer, world.hexi, "activity", "a1", "义诊", 1.0123, MAY)
        db.session.commit()
        assert db.session.get(ServiceEntry, record_id).hours == round(61 / 60, 4)
