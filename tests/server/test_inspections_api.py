"""The admins' desk: an inspection made for a compound's steward, lists with filters, and the
printable report (template, answers, photos, score, orders); errors with messages per field."""

import pytest

from tests.server.inspections_support import (
    DIHAO_ADMIN,
    DIHAO_STEWARD,
    HEXI_ADMIN,
    ITEMS,
    answers,
    save,
    signed_in,
    submit,
)
from tests.server.tasks_support import photo, pull_all


@pytest.fixture
def desk(app, iw):
    return signed_in(app, DIHAO_ADMIN), signed_in(app, DIHAO_STEWARD)


def test_an_admin_plans_an_inspection_the_steward_pulls_and_submits_and_the_report_shows_it(desk, iw):
    admin, steward = desk
    response = admin.send(
        "POST",
        "/api/inspections",
        json={
            "compound_id": iw.dihao,
            "template_id": iw.template_id,
            "kind": "random",
            "due_at": "2026-12-10T18:00:00+08:00",
        },
    )
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert (
        made["data"]["steward_id"] == iw.dihao_steward
        and made["data"]["status"] == "planned"
        and made["steward_name"] == "赵卫东"
    )
    assert made["compound_name"] == "帝豪花园" and made["template_version"] == 1
    (pulled,) = [c for c in pull_all(steward) if c["entity"] == "inspection"]
    started = save(steward, {"record_id": pulled["id"], "version": pulled["version"]}, status="in_progress")
    assert started["status"] == "applied", started
    shot = photo(steward)
    results = {**dict.fromkeys(ITEMS, "pass"), "fire.exits": "fail"}
    done = submit(
        steward,
        started,
        answers=answers(results, photos={"fire.exits": [shot]}, notes={"fire.exits": "消防通道停放电动车"}),
    )
    assert done["status"] == "applied", done
    report = admin.send("GET", f"/api/inspections/{made['id']}/report").get_json()
    assert report["summary"]["score"] == 70.0 and report["summary"]["fail"] == 1 and report["summary"]["photos"] == 1
    assert report["summary"]["company_name"] == "远航物业服务有限公司"
    exits = report["categories"][1]["items"][0]
    assert exits["answer"]["photos"] == [shot] and exits["order_id"] == report["orders"][0]["id"]
    assert report["orders"][0]["data"]["severity"] == "critical" and report["orders"][0]["overdue"] is False
    listed = admin.send("GET", "/api/rectification-orders?status=unresolved").get_json()
    assert listed["total"] == 1 and listed["items"][0]["company_name"] == "远航物业服务有限公司"
    assert admin.send("GET", "/api/inspections?status=submitted").get_json()["total"] == 1
    assert admin.send("GET", "/api/inspections?status=planned").get_json()["total"] == 0


def test_creating_an_inspection_outside_the_jurisdiction_or_with_a_bad_template_is_refused(app, desk, iw):
    admin, _ = desk
    response = admin.send(
        "POST", "/api/inspections", json={"compound_id": iw.hexi_xiaoqu, "template_id": iw.template_id}
    )
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {
        "compound_id": ["小区不存在或不在您的管辖范围内。"]
    }
    response = admin.send("POST", "/api/inspections", json={"compound_id": iw.dihao, "template_id": 999})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "template_not_published"
    response = admin.send(
        "POST",
        "/api/inspections",
        json={"compound_id": iw.dihao, "template_id": iw.template_id, "steward_id": iw.steward},
    )
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "steward_not_of_compound"
    response = admin.send("POST", "/api/inspections", json={"compound_id": "帝豪", "template_id": iw.template_id})
    assert response.status_code == 422 and "compound_id" in response.get_json()["error"]["fields"]
    steward = signed_in(app, DIHAO_STEWARD)
    assert (
        steward.send(
            "POST", "/api/inspections", json={"compound_id": iw.dihao, "template_id": iw.template_id}
        ).status_code
        == 403
    )


def test_messages_come_in_english_for_english_readers(app, desk, iw):
    admin, _ = desk
    with app.app_context():
        from server.auth.models import User
        from server.extensions import db

        db.session.get(User, iw.dihao_admin).locale = "en"
        db.session.commit()
    response = admin.send(
        "POST", "/api/inspections", json={"compound_id": iw.hexi_xiaoqu, "template_id": iw.template_id}
    )
    assert response.get_json()["error"]["message"] == "The compound does not exist or is outside your jurisdiction."
    hexi = signed_in(app, HEXI_ADMIN)
    assert hexi.send("GET", "/api/inspections").get_json()["total"] == 0
