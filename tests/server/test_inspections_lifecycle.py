"""An inspection's lifecycle through POST /api/sync/push (PROTOCOL.md §12.1): a steward starts,
saves partly and submits; the server scores it and makes one rectification order per failed
item; every refused move comes back with its message and nothing is stored."""

import uuid
from datetime import datetime, timedelta

import pytest

from server.extensions import db
from server.inspections.models import Inspection, RectificationOrder
from tests.factories import rid
from tests.server.inspections_support import (
    DIHAO_STEWARD,
    ITEMS,
    all_pass,
    answers,
    create,
    push_one,
    refused,
    save,
    signed_in,
    start,
    submit,
)
from tests.server.tasks_support import photo

HERE = {"lat": 34.0312, "lng": 113.8521, "accuracy": 8.0}


@pytest.fixture
def steward(app, iw):
    return signed_in(app, DIHAO_STEWARD)


def test_a_steward_starts_saves_partly_and_submits_an_inspection_with_no_failures(steward, iw):
    started = start(steward, iw.dihao, iw.template_id, start_location=HERE, start_location_status="ok")
    data = started["record"]["data"]
    assert data["steward_id"] == iw.dihao_steward and data["status"] == "in_progress"
    assert data["history"][0]["from"] is None and data["history"][0]["to"] == "in_progress"
    partial = save(steward, started, answers=answers({"env.clean": "pass"}), notes="东门进入")
    assert partial["status"] == "applied"
    done = submit(steward, partial, answers=all_pass(), finish_location=HERE, finish_location_status="ok")
    assert done["status"] == "applied", done
    data = done["record"]["data"]
    assert (
        data["status"] == "submitted"
        and data["score"] == 100.0
        and data["max_score"] == 100.0
        and data["failed_count"] == 0
    )
    assert data["company_id"] == iw.yuanhang and data["submitted_by_id"] == iw.dihao_steward
    assert [h["to"] for h in data["history"]] == ["in_progress", "submitted"]
    assert data["history"][1]["device_at"] == "2026-11-27T01:40:00.000Z"


def test_submission_makes_one_order_per_failed_item_with_deadlines_by_severity(app, steward, iw):
    started = start(steward, iw.dihao, iw.template_id)
    shots = [photo(steward, (10 * i, 20, 30)) for i in range(3)]
    results = {"env.clean": "fail", "env.bins": "fail", "fire.exits": "fail", "fire.lift": "na"}
    done = submit(
        steward,
        started,
        answers=answers(
            results, photos={"env.clean": shots[:2], "fire.exits": shots[2:]}, notes={"env.clean": "楼道堆放杂物"}
        ),
    )
    assert done["status"] == "applied", done
    data = done["record"]["data"]
    assert data["failed_count"] == 3 and data["score"] == 0.0
    submitted_at = datetime.fromisoformat(data["submitted_at"])
    with app.app_context():
        orders = {
            o.item_code: o for o in db.session.query(RectificationOrder).filter_by(inspection_id=started["record_id"])
        }
        assert set(orders) == {"env.clean", "env.bins", "fire.exits"}
        hours = {"env.clean": 168, "env.bins": 72, "fire.exits": 24}
        for code, order in orders.items():
            deadline = (
                order.deadline_at if order.deadline_at.tzinfo else order.deadline_at.replace(tzinfo=submitted_at.tzinfo)
            )
            assert deadline - submitted_at == timedelta(hours=hours[code])
            assert order.status == "open" and order.company_id == iw.yuanhang and order.compound_id == iw.dihao
            assert order.history[0]["to"] == "open"
        assert orders["env.clean"].evidence_note == "楼道堆放杂物" and orders["env.clean"].evidence_photos == shots[:2]
        assert orders["env.clean"].severity == "minor" and orders["env.clean"].category_name == "环境卫生"


def test_a_retried_submission_makes_no_second_set_of_orders(app, steward, iw):
    started = start(steward, iw.dihao, iw.template_id)
    shot = photo(steward)
    mutation = {
        "id": "0b4c2d6e-5a1f-4c3b-9d8e-7f6a5b4c3d21",
        "entity": "inspection",
        "record_id": started["record_id"],
        "op": "update",
        "base_version": started["version"],
        "fields": {
            "status": "submitted",
            "answers": answers({**dict.fromkeys(ITEMS, "pass"), "env.clean": "fail"}, photos={"env.clean": [shot]}),
        },
    }
    first = push_one(steward, mutation)
    again = push_one(steward, mutation)
    assert first == again and first["status"] == "applied"
    with app.app_context():
        assert db.session.query(RectificationOrder).filter_by(inspection_id=started["record_id"]).count() == 1


def test_submitting_without_the_photo_of_a_failed_item_is_refused_per_item_and_nothing_is_stored(app, steward, iw):
    started = start(steward, iw.dihao, iw.template_id)
    result = submit(
        steward, started, answers=answers({**dict.fromkeys(ITEMS, "pass"), "env.clean": "fail", "env.bins": "fail"})
    )
    code, fields = refused(result)
    # env.bins needs no photo when failed; env.clean does.
    assert code == "photo_required" and fields == {"answers.env.clean": ["不合格项必须拍照留证。"]}
    assert result["error"]["message"] == "不合格项必须拍照留证。"
    with app.app_context():
        row = db.session.get(Inspection, started["record_id"])
        assert row.status == "in_progress" and row.answers is None
        assert db.session.query(RectificationOrder).count() == 0


def test_submitting_with_unanswered_items_names_each_one(steward, iw):
    started = start(steward, iw.dihao, iw.template_id)
    code, fields = refused(submit(steward, started, answers=answers({"env.clean": "pass", "fire.exits": "pass"})))
    assert code == "answers_incomplete"
    assert set(fields) == {"answers.env.bins", "answers.fire.lift"}


def test_an_answer_outside_the_template_is_refused(steward, iw):
    started = start(steward, iw.dihao, iw.template_id)
    code, fields = refused(save(steward, started, answers={"env.nope": {"result": "pass"}}))
    assert code == "unknown_item" and fields == {"answers.env.nope": ["检查表中没有该检查项。"]}
    code, fields = refused(save(steward, started, answers={"env.clean": {"result": "excellent"}}))
    assert code == "invalid" and "answers" in fields


def test_a_submitted_inspection_is_final(steward, iw):
    done = submit(steward, start(steward, iw.dihao, iw.template_id), answers=all_pass())
    code, fields = refused(save(steward, done, notes="补充说明"))
    assert code == "inspection_submitted" and fields == {"notes": ["检查已提交，不能再修改。"]}
    code, _ = refused(save(steward, done, status="in_progress"))
    assert code == "inspection_submitted"


def test_stewards_create_ad_hoc_inspections_only_in_their_own_compound(app, steward, iw):
    code, _ = refused(
        push_one(
            steward,
            create("inspection", rid("i-periodic"), compound_id=iw.dihao, template_id=iw.template_id, kind="periodic"),
        )
    )
    assert code == "steward_adhoc_only"
    code, _ = refused(
        push_one(
            steward, create("inspection", rid("i-elsewhere"), compound_id=iw.hexi_xiaoqu, template_id=iw.template_id)
        )
    )
    assert code == "out_of_scope"
    code, _ = refused(
        push_one(
            steward,
            create(
                "inspection", rid("i-other"), compound_id=iw.dihao, template_id=iw.template_id, steward_id=iw.steward
            ),
        )
    )
    assert code == "forbidden_field"
    code, _ = refused(
        push_one(
            steward, create("inspection", rid("i-scored"), compound_id=iw.dihao, template_id=iw.template_id, score=100)
        )
    )
    assert code == "forbidden_field"


def test_another_stewards_inspection_cannot_be_worked(app, steward, iw):
    with app.app_context():
        from tests.factories import user

        user("第二位红管家", [("red_steward", "compound_id", iw.dihao)], phone="13800000030")
        db.session.commit()
    other = signed_in(app, "13800000030")
    started = start(steward, iw.dihao, iw.template_id)
    code, fields = refused(save(other, started, notes="我来"))
    assert code == "not_inspection_steward" and "notes" in fields


def test_moving_back_from_in_progress_is_refused(steward, iw):
    started = start(steward, iw.dihao, iw.template_id)
    code, _ = refused(save(steward, started, status="planned"))
    assert code == "status_transition"


def test_an_unpublished_template_cannot_be_used(app, steward, iw):
    from tests.server.inspections_support import add_template

    with app.app_context():
        draft = add_template({"code": "draft-one"}, status="draft")
    code, fields = refused(
        push_one(steward, create("inspection", rid("i-draft"), compound_id=iw.dihao, template_id=draft))
    )
    assert code == "template_not_published" and "template_id" in fields


def test_two_phones_of_one_steward_merge_their_answers_item_by_item(app, steward, iw):
    started = start(steward, iw.dihao, iw.template_id)
    a = photo(steward, (1, 2, 3))
    b = photo(steward, (4, 5, 6))
    first = push_one(
        steward,
        {
            "id": str(uuid.uuid4()),
            "entity": "inspection",
            "record_id": started["record_id"],
            "op": "update",
            "base_version": started["version"],
            "fields": {"answers": answers({"env.clean": "fail"}, photos={"env.clean": [a]})},
        },
        client_id="phone-A",
    )
    second = push_one(
        steward,
        {
            "id": str(uuid.uuid4()),
            "entity": "inspection",
            "record_id": started["record_id"],
            "op": "update",
            "base_version": started["version"],
            "fields": {"answers": answers({"env.clean": "fail", "env.bins": "pass"}, photos={"env.clean": [b]})},
        },
        client_id="phone-B",
    )
    assert first["status"] == "applied" and second["status"] == "conflict"
    merged = second["record"]["data"]["answers"]
    assert merged["env.clean"]["photos"] == [a, b] and merged["env.bins"]["result"] == "pass"
    assert second["conflicts"][0]["field"] == "answers"


def test_a_template_made_for_another_district_cannot_be_used(app, steward, iw):
    from tests.server.inspections_support import add_template

    with app.app_context():
        elsewhere = add_template({"code": "weidu-only", "org_unit_id": iw.weidu})
        here = add_template({"code": "dongcheng-only", "org_unit_id": iw.dongcheng})
    code, fields = refused(
        push_one(steward, create("inspection", rid("i-weidu"), compound_id=iw.dihao, template_id=elsewhere))
    )
    assert code == "template_elsewhere" and fields == {"template_id": ["该检查表不适用于此小区所在辖区。"]}
    assert (
        push_one(steward, create("inspection", rid("i-dongcheng"), compound_id=iw.dihao, template_id=here))["status"]
        == "applied"
    )
