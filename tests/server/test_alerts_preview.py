"""An alert's preview (POST /api/alerts/preview): the count shown before sending is the count
sending then notifies, people and devices, because both resolve the audience the same way; it
is refused where sending is refused."""

from server.extensions import db
from server.notices.models import Delivery, InboxEntry
from tests.server.alerts_support import signed_in
from tests.server.test_alerts_api import WATER, subscribe


def preview(auth, category="utility", **targeting):
    return auth.send("POST", "/api/alerts/preview", json={"category": category, "targeting": targeting})


def test_the_preview_counts_exactly_whom_sending_then_notifies(app, aw, push_service):
    subscribe(app, aw.r_hexi1, "https://push.example/phone")
    subscribe(app, aw.r_hexi1, "https://push.example/tablet")
    subscribe(app, aw.r_hexi2, "https://push.example/weather-only", categories=["weather"])  # no utility pushes
    subscribe(app, aw.r_qili, "https://push.example/outside")  # not in the audience
    admin = signed_in(app, "13800000002")
    shown = preview(admin, compound_ids=[aw.hexi_xiaoqu])
    assert shown.status_code == 200, shown.get_json()
    reach = shown.get_json()
    assert reach == {"people": 5, "devices": 2, "needs_approval": False, "whole_jurisdiction": False}
    assert preview(admin, "weather", compound_ids=[aw.hexi_xiaoqu]).get_json()["devices"] == 3
    assert preview(admin, None, compound_ids=[aw.hexi_xiaoqu]).get_json()["devices"] == 3  # any category

    sent = admin.send("POST", "/api/alerts", json={**WATER, "targeting": {"compound_ids": [aw.hexi_xiaoqu]}})
    alert_id = sent.get_json()["id"]
    with app.app_context():
        entries = db.session.scalar(db.select(db.func.count()).where(InboxEntry.alert_id == alert_id))
        pushes = db.session.scalar(
            db.select(db.func.count()).where(Delivery.alert_id == alert_id, Delivery.subscription_id.is_not(None))
        )
    assert (entries, pushes) == (reach["people"], reach["devices"])


def test_the_preview_takes_the_whole_form_and_narrows_by_role(app, aw):
    admin = signed_in(app, "13800000002")
    body = {**WATER, "targeting": {"compound_ids": [aw.hexi_xiaoqu], "roles": ["resident"]}, "draft": True}
    shown = admin.send("POST", "/api/alerts/preview", json=body)
    assert shown.status_code == 200 and shown.get_json()["people"] == 2  # the two residents of 河西小区
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(InboxEntry)) == 0  # nothing sent


def test_a_whole_jurisdiction_is_named_as_such(app, aw):
    with app.app_context():
        from tests.factories import user

        user("文峰街道管理员", [("admin", "org_unit_id", aw.wenfeng)], phone="13900000012")
        db.session.commit()
    street = signed_in(app, "13900000012")
    wide = preview(street, org_unit_ids=[aw.wenfeng]).get_json()
    assert wide["needs_approval"] and wide["whole_jurisdiction"] and wide["people"] > 5
    everywhere = preview(street).get_json()
    assert everywhere["whole_jurisdiction"] and everywhere["people"] == wide["people"]


def test_the_preview_is_refused_where_sending_is(app, aw):
    admin = signed_in(app, "13800000002")
    outside = preview(admin, compound_ids=[aw.dihao])
    assert outside.status_code == 422
    assert str(aw.dihao) in outside.get_json()["error"]["fields"]["targeting.compound_ids"][0]
    resident = signed_in(app, "13900000001")
    assert preview(resident, compound_ids=[aw.hexi_xiaoqu]).status_code == 403
    assert app.test_client().post("/api/alerts/preview", json={"targeting": {}}).status_code in (400, 401)
    assert admin.send("POST", "/api/alerts/preview", json={"targeting": {"roles": ["mayor"]}}).status_code == 422
