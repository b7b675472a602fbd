"""A rectification order's lifecycle through sync (PROTOCOL.md §12.2): the company's staff answer
with photos, the steward re-inspects and closes or reopens; every refused move has its message."""

from tests.factories import rid
from tests.server.inspections_support import create, push_one, refused, update
from tests.server.tasks_support import photo


def order_update(change, **fields):
    return update("rectification_order", change["id"], change["version"], **fields)


def test_staff_answer_with_photos_and_the_steward_closes_the_order(app, orders):
    steward, staff, pulled = orders
    fix = photo(staff, (0, 200, 0))
    answered = push_one(
        staff,
        order_update(
            pulled["env.clean"],
            status="responded",
            response_text="已清理楼道杂物",
            response_photos=[fix],
            responded_at="2026-11-28T10:00:00+08:00",
        ),
    )
    assert answered["status"] == "applied", answered
    data = answered["record"]["data"]
    assert data["status"] == "responded" and data["responded_by_id"] and data["history"][-1]["note"] == "已清理楼道杂物"
    # The steward sees the staff's photo (it is in a record of their bucket).
    with steward.send("GET", f"/api/blobs/{fix}/thumb") as thumb:
        assert thumb.status_code == 200
    closed = push_one(
        steward,
        update(
            "rectification_order",
            answered["record_id"],
            answered["version"],
            status="closed",
            review_note="复查合格",
            reviewed_at="2026-11-28T15:00:00+08:00",
        ),
    )
    assert closed["status"] == "applied", closed
    data = closed["record"]["data"]
    assert (
        data["status"] == "closed"
        and data["closed_at"]
        and [h["to"] for h in data["history"]] == ["open", "responded", "closed"]
    )
    assert data["history"][-1]["device_at"] == "2026-11-28T07:00:00.000Z"


def test_a_reopened_order_counts_and_is_answered_again(orders):
    steward, staff, pulled = orders
    answered = push_one(staff, order_update(pulled["fire.exits"], status="responded", response_text="已移走电动车"))
    code, fields = refused(
        push_one(steward, update("rectification_order", answered["record_id"], answered["version"], status="reopened"))
    )
    assert code == "reopen_note_required" and fields == {"review_note": ["退回整改时必须说明仍存在的问题。"]}
    reopened = push_one(
        steward,
        update(
            "rectification_order",
            answered["record_id"],
            answered["version"],
            status="reopened",
            review_note="通道仍有杂物",
        ),
    )
    assert reopened["record"]["data"]["reopen_count"] == 1 and reopened["record"]["data"]["status"] == "reopened"
    again = push_one(
        staff,
        update(
            "rectification_order",
            answered["record_id"],
            reopened["version"],
            status="responded",
            response_text="已彻底清理",
        ),
    )
    assert again["status"] == "applied" and again["record"]["data"]["status"] == "responded"
    # A second reopen needs no new note: the order's note after the merge counts (PROTOCOL.md §12.2).
    twice = push_one(steward, update("rectification_order", answered["record_id"], again["version"], status="reopened"))
    assert twice["status"] == "applied" and twice["record"]["data"]["reopen_count"] == 2
    assert twice["record"]["data"]["history"][-1]["note"] == "通道仍有杂物"


def test_a_response_to_a_closed_order_is_refused_with_a_clear_message(orders):
    steward, staff, pulled = orders
    answered = push_one(staff, order_update(pulled["env.clean"], status="responded", response_text="已清理"))
    closed = push_one(
        steward, update("rectification_order", answered["record_id"], answered["version"], status="closed")
    )
    result = push_one(
        staff, update("rectification_order", closed["record_id"], closed["version"], response_text="再补充一句")
    )
    code, fields = refused(result)
    assert code == "order_closed" and result["error"]["message"] == "该整改单已销号，不能再回复或修改。"
    assert fields == {"response_text": ["该整改单已销号，不能再回复或修改。"]}


def test_who_may_do_what_to_an_order(orders):
    steward, staff, pulled = orders
    order = pulled["env.clean"]
    assert refused(push_one(staff, order_update(order, status="closed")))[0] == "status_transition"
    assert (
        refused(push_one(steward, order_update(order, status="responded", response_text="我替物业回复")))[0]
        == "forbidden_field"
    )
    assert refused(push_one(steward, order_update(order, status="responded")))[0] == "staff_only"
    assert refused(push_one(staff, order_update(order, status="responded")))[0] == "response_required"
    assert refused(push_one(staff, order_update(order, review_note="自己复查")))[0] == "forbidden_field"
    assert refused(push_one(staff, order_update(order, severity="minor")))[0] == "forbidden_field"


def test_nobody_but_the_server_creates_an_order(iw, orders):
    steward, staff, _ = orders
    fields = {
        "inspection_id": "x",
        "compound_id": iw.dihao,
        "company_id": iw.yuanhang,
        "item_code": "env.clean",
        "item_text": "t",
        "category_name": "c",
        "severity": "minor",
        "deadline_at": "2026-12-01T00:00:00Z",
    }
    for who in (steward, staff):
        assert refused(push_one(who, create("rectification_order", rid("o-forged"), **fields)))[0] in (
            "forbidden_op",
            "forbidden_field",
        )


def test_two_staff_phones_answering_keep_both_photos_and_the_losing_text(app, orders):
    _, staff, pulled = orders
    a, b = photo(staff, (1, 1, 1)), photo(staff, (2, 2, 2))
    order = pulled["env.clean"]
    first = push_one(
        staff, order_update(order, response_text="甲：已清理", response_photos=[a]), client_id="staff-phone-1"
    )
    second = push_one(
        staff, order_update(order, response_text="乙：已清理完毕", response_photos=[b]), client_id="staff-phone-2"
    )
    assert first["status"] == "applied" and second["status"] == "conflict"
    data = second["record"]["data"]
    assert data["response_photos"] == [a, b] and data["response_text"] == "甲：已清理"
    assert second["conflicts"] == [
        {
            "field": "response_text",
            "base_version": order["version"],
            "server_value": "甲：已清理",
            "client_value": "乙：已清理完毕",
            "winner": "server",
            "rule": "server_wins",
        }
    ]
