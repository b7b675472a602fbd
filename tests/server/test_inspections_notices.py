"""Who hears of a rectification order (server/inspections/notices.py), through the synced inbox:
the company's staff of new orders (one notice per inspection) and of the steward's verdict, the
steward of an answer, the compound's residents of a fixed problem; nobody else, nobody twice."""

from server.auth.models import User
from server.extensions import db
from tests.server.inspections_support import (
    DIHAO_RESIDENT,
    DIHAO_STEWARD,
    HEXI_STEWARD,
    WANJIA_STAFF,
    YUANHANG_STAFF,
    push_one,
    signed_in,
    update,
)
from tests.server.tasks_support import pull_all


def inbox(session) -> list[dict]:
    """The inbox entries a user's phone pulls, oldest first."""
    return sorted(
        (c["data"] for c in pull_all(session) if c["entity"] == "inbox" and c["op"] == "put"),
        key=lambda d: d["created_at"],
    )


def test_new_orders_reach_the_companys_staff_in_one_notice_and_nobody_else(app, failed_inspection):
    staff = signed_in(app, YUANHANG_STAFF)
    (notice,) = inbox(staff)
    assert notice["kind"] == "orders_made" and notice["category"] == "rectification" and notice["level"] == "notice"
    assert notice["title"] == "新整改单：帝豪花园 2 项"
    assert notice["body"].startswith("红色管家检查发现 2 项问题") and "最早期限 20" in notice["body"]
    assert notice["link"] == "#/" and len(notice["data"]["order_ids"]) == 2
    assert inbox(failed_inspection) == []  # the steward who made them
    for outsider in (WANJIA_STAFF, HEXI_STEWARD, DIHAO_RESIDENT):  # (five sign-ins a minute per address)
        assert inbox(signed_in(app, outsider)) == [], outsider


def _order(session, code):
    return next(c for c in pull_all(session) if c["entity"] == "rectification_order" and c["data"]["item_code"] == code)


def test_each_move_of_an_order_tells_the_other_side_once(app, failed_inspection):
    steward, staff, resident = failed_inspection, signed_in(app, YUANHANG_STAFF), signed_in(app, DIHAO_RESIDENT)
    order = _order(staff, "env.clean")
    answer = update(
        "rectification_order", order["id"], order["version"], status="responded", response_text="已清理楼道杂物"
    )
    answered = push_one(staff, answer)
    assert answered["status"] == "applied", answered
    assert push_one(staff, answer)["status"] == "applied"  # the phone's retry of the same mutation
    (heard,) = inbox(steward)
    assert (
        heard["kind"] == "order_responded"
        and heard["title"] == "整改已回复：帝豪花园"
        and heard["link"] == f"#/orders/{order['id']}"
    )
    assert heard["body"] == f"物业已回复“{order['data']['item_text']}”的整改，请复查。"

    reopened = push_one(
        steward,
        update("rectification_order", order["id"], answered["version"], status="reopened", review_note="楼道仍有杂物"),
    )
    assert reopened["status"] == "applied", reopened
    told = inbox(staff)[-1]
    assert (
        told["kind"] == "order_reopened"
        and told["level"] == "warning"
        and told["body"].endswith("复查意见：楼道仍有杂物")
    )

    again = push_one(
        staff,
        update("rectification_order", order["id"], reopened["version"], status="responded", response_text="已彻底清理"),
    )
    assert [n["kind"] for n in inbox(steward)] == [
        "order_responded",
        "order_responded",
    ]  # a second answer is a second notice
    closed = push_one(steward, update("rectification_order", order["id"], again["version"], status="closed"))
    assert closed["status"] == "applied", closed
    assert [n["kind"] for n in inbox(staff)] == ["orders_made", "order_reopened", "order_closed"]
    (result,) = inbox(resident)
    assert (
        result["kind"] == "rectification_result"
        and result["title"] == "整改结果：帝豪花园"
        and result["level"] == "info"
    )
    assert order["data"]["item_text"] in result["body"]
    assert inbox(signed_in(app, WANJIA_STAFF)) == [] and inbox(signed_in(app, HEXI_STEWARD)) == []


def test_a_notice_is_written_in_its_recipients_language(app, failed_inspection):
    with app.app_context():
        db.session.execute(db.update(User).where(User.phone == DIHAO_STEWARD).values(locale="en"))
        db.session.commit()
    staff = signed_in(app, YUANHANG_STAFF)
    order = _order(staff, "fire.exits")
    assert (
        push_one(
            staff,
            update(
                "rectification_order", order["id"], order["version"], status="responded", response_text="已移走电动车"
            ),
        )["status"]
        == "applied"
    )
    (heard,) = inbox(failed_inspection)
    assert heard["title"] == "Rectification answered: 帝豪花园"
    assert inbox(staff)[0]["title"] == "新整改单：帝豪花园 2 项"  # the staff member reads Chinese
