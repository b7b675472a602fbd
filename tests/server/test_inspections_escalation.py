"""Overdue rectification orders escalate to the community, then to the street, with the
controllable clock (no sleeping): the order's fields change through the sync engine, every
step is audited, and each recipient gets one entry in their synced inbox (the notification
service, PROTOCOL.md §13), in their language, however often the job runs."""

from datetime import UTC, datetime, timedelta

from server.audit.models import AuditEntry
from server.core import clock, periodic
from server.extensions import db
from server.inspections import escalation
from server.inspections.models import RectificationOrder
from server.inspections.periods import LOCAL
from server.notices.models import InboxEntry
from tests.conftest import AuthActions
from tests.factories import user
from tests.server.inspections_support import (
    DIHAO_ADMIN,
    DIHAO_RESIDENT,
    DIHAO_STEWARD,
    HEXI_ADMIN,
    YUANHANG_STAFF,
    answers,
    push_one,
    signed_in,
    start,
    submit,
    update,
)
from tests.server.tasks_support import pull_all


def run(app, at, **kwargs):
    with app.app_context(), clock.at(at):
        return escalation.escalate(at, **kwargs)


def order(app, order_id) -> RectificationOrder:
    with app.app_context():
        row = db.session.get(RectificationOrder, order_id)
        db.session.expunge(row)
        return row


ESCALATION_KINDS = ("order_overdue", "order_escalated_1", "order_escalated_2")


def notices(app) -> list[tuple[int, str]]:
    """(recipient, kind) of every escalation's inbox entry, sorted (the orders' own notices,
    server/inspections/notices.py, are tested in test_inspections_notices.py)."""
    with app.app_context():
        return sorted(
            db.session.execute(
                db.select(InboxEntry.user_id, InboxEntry.kind).where(InboxEntry.kind.in_(ESCALATION_KINDS))
            ).all()
        )


def inbox_of(auth) -> list[dict]:
    """The escalation notices a user's phone pulls."""
    return [c["data"] for c in pull_all(auth) if c["entity"] == "inbox" and c["data"]["kind"] in ESCALATION_KINDS]


def test_nothing_escalates_before_the_deadline(app, major_orders):
    ids, deadline = major_orders
    assert run(app, deadline - timedelta(minutes=1)) == {"escalated": 0, "notified": 0}
    assert order(app, ids["env.bins"]).escalation_level == 0


def test_an_overdue_order_escalates_to_the_community_with_notices_to_admins_steward_and_staff(app, iw, major_orders):
    ids, deadline = major_orders
    now = deadline + timedelta(hours=1)
    assert run(app, now) == {"escalated": 2, "notified": 3}
    row = order(app, ids["env.bins"])
    assert row.escalation_level == 1 and row.overdue_at.replace(tzinfo=UTC) == deadline
    assert row.escalated_at.replace(tzinfo=UTC) == now
    # One notice per order and person: the community admin, the steward, the company's staff.
    assert notices(app) == sorted(
        [(iw.dihao_admin, "order_escalated_1")] * 2
        + [(iw.dihao_steward, "order_overdue")] * 2
        + [(iw.staff, "order_overdue")] * 2
    )
    with app.app_context():
        audited = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "rectification.escalate")).all()
        assert sorted((a.details["order_id"], a.details["level"]) for a in audited) == sorted(
            (i, 1) for i in ids.values()
        )
    # Through the sync engine: the company's staff pull the new level.
    staff = signed_in(app, YUANHANG_STAFF)
    pulled = {c["id"]: c["data"] for c in pull_all(staff) if c["entity"] == "rectification_order"}
    assert pulled[ids["env.bins"]]["escalation_level"] == 1 and pulled[ids["env.bins"]]["overdue_at"]


def test_running_again_notifies_nobody_twice(app, major_orders):
    ids, deadline = major_orders
    run(app, deadline + timedelta(hours=1))
    before = notices(app)
    assert run(app, deadline + timedelta(hours=2)) == {"escalated": 0, "notified": 0}
    assert notices(app) == before


def test_after_the_configured_hours_it_escalates_to_the_street(app, iw, major_orders):
    ids, deadline = major_orders
    with app.app_context():
        street_admin = user("东城街道管理员", [("admin", "org_unit_id", iw.dc_street)]).id
        db.session.commit()
    run(app, deadline + timedelta(hours=1))
    assert run(app, deadline + timedelta(hours=71)) == {"escalated": 0, "notified": 0}
    assert run(app, deadline + timedelta(hours=72)) == {"escalated": 2, "notified": 1}
    assert order(app, ids["env.bins"]).escalation_level == 2
    assert [(u, k) for u, k in notices(app) if k == "order_escalated_2"] == [(street_admin, "order_escalated_2")] * 2
    assert run(app, deadline + timedelta(hours=500)) == {"escalated": 0, "notified": 0}


def test_a_job_that_did_not_run_for_days_raises_both_levels_at_once_and_without_street_admins_the_city_hears(
    app, iw, major_orders
):
    ids, deadline = major_orders
    assert run(app, deadline + timedelta(hours=10), street_hours=8)["escalated"] == 2
    kinds = [k for u, k in notices(app) if u == iw.root_admin]
    assert kinds == ["order_escalated_2"] * 2  # 东城街道 and 东城区 have no admin: the nearest above
    assert {k for u, k in notices(app) if u == iw.dihao_admin} == {"order_escalated_1"}
    with app.app_context():
        levels = sorted(
            a.details["level"]
            for a in db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "rectification.escalate"))
        )
    assert levels == [1, 1, 2, 2]


def test_a_responded_order_waits_for_the_steward_and_a_reopened_one_escalates_again(app, iw, major_orders):
    ids, deadline = major_orders
    staff = signed_in(app, YUANHANG_STAFF)
    row = order(app, ids["env.bins"])
    answered = push_one(
        staff, update("rectification_order", row.id, row.version, status="responded", response_text="已整改")
    )
    assert answered["status"] == "applied", answered
    assert run(app, deadline + timedelta(hours=1))["escalated"] == 1  # fire.lift only
    assert order(app, ids["env.bins"]).escalation_level == 0
    steward = signed_in(app, DIHAO_STEWARD)
    reopened = push_one(
        steward, update("rectification_order", row.id, answered["version"], status="reopened", review_note="仍未整改")
    )
    assert reopened["status"] == "applied", reopened
    assert run(app, deadline + timedelta(hours=2))["escalated"] == 1
    assert order(app, ids["env.bins"]).escalation_level == 1


def test_each_recipient_pulls_their_notice_into_the_inbox_and_nobody_else_gets_one(app, iw, major_orders):
    ids, deadline = major_orders
    run(app, deadline + timedelta(hours=1))
    admin = inbox_of(signed_in(app, DIHAO_ADMIN))
    assert sorted(e["data"]["order_id"] for e in admin) == sorted(ids.values())
    entry = next(e for e in admin if e["data"]["order_id"] == ids["env.bins"])
    assert entry["user_id"] == iw.dihao_admin and entry["kind"] == "order_escalated_1"
    assert (entry["level"], entry["category"], entry["link"]) == (
        "warning",
        "rectification",
        f"#/orders/{ids['env.bins']}",
    )
    assert entry["title"] == "逾期整改单上报社区：帝豪花园"
    local = deadline.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")  # Xuchang time, not an ISO instant
    assert f"（{local}）" in entry["body"] and "请督促物业服务企业整改" in entry["body"]
    assert entry["dedupe_key"] == f"order:{ids['env.bins']}:level:1:{iw.dihao_admin}" and entry.get("read_at") is None
    staff = inbox_of(signed_in(app, YUANHANG_STAFF))
    assert {(e["user_id"], e["kind"], e["title"]) for e in staff} == {
        (iw.staff, "order_overdue", "整改单已逾期：帝豪花园")
    }
    assert len(staff) == 2
    # The compound's resident and another community's admin hear nothing; the table of owners says so too.
    assert inbox_of(signed_in(app, DIHAO_RESIDENT)) == [] and inbox_of(signed_in(app, HEXI_ADMIN)) == []
    assert {u for u, _ in notices(app)} == {iw.dihao_admin, iw.dihao_steward, iw.staff}


def test_a_street_escalation_is_urgent(app, iw, major_orders):
    ids, deadline = major_orders
    run(app, deadline + timedelta(hours=72))
    with app.app_context():
        street = db.session.scalars(db.select(InboxEntry).where(InboxEntry.kind == "order_escalated_2")).all()
        assert {(e.user_id, e.level, e.category) for e in street} == {(iw.root_admin, "urgent", "rectification")}
        assert street[0].title == "逾期整改单上报街道：帝豪花园"


def test_notices_are_written_in_the_recipients_language(app, iw, major_orders):
    ids, deadline = major_orders
    with app.app_context():
        from server.auth.models import User

        db.session.get(User, iw.staff).locale = "en"
        db.session.commit()
    run(app, deadline + timedelta(hours=1))
    (english, _) = inbox_of(signed_in(app, YUANHANG_STAFF))
    assert english["title"] == "Rectification overdue: 帝豪花园" and "is past its deadline" in english["body"]
    assert all(e["title"].startswith("逾期整改单上报社区") for e in inbox_of(signed_in(app, DIHAO_ADMIN)))


def test_the_cli_escalates(app, iw, major_orders):
    ids, deadline = major_orders
    with clock.at(deadline + timedelta(hours=1)):
        result = app.test_cli_runner().invoke(args=["inspections", "escalate"])
    assert result.exit_code == 0, result.output
    assert "orders escalated: 2" in result.output
    with app.app_context():
        from server.auth.models import User

        account = db.session.scalar(db.select(User).where(User.phone == "server"))
        assert account is not None and account.active is False
    assert AuthActions(app.test_client()).login("server", "!").status_code in (
        401,
        422,
    )  # not a phone number: nobody signs in


def test_the_daemon_is_off_in_tests_and_runs_when_configured(app, monkeypatch):
    assert escalation.start_daemon(app) is None
    started = []
    monkeypatch.setattr(periodic.threading, "Thread", lambda **kwargs: started.append(kwargs) or _NoThread())
    app.config["INSPECTION_ESCALATE_EVERY_MINUTES"] = 5
    escalation.start_daemon(app)
    assert started[0]["args"][:2] == (app, 300) and started[0]["daemon"] is True


class _NoThread:
    def start(self):
        pass


def test_escalation_after_submission_in_the_past_uses_the_set_clock(app, iw):
    """An order made under a set clock gets its deadline from that clock."""
    at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    steward = signed_in(app, DIHAO_STEWARD)
    with clock.at(at):
        started = start(steward, iw.dihao, iw.template_id)
        done = submit(
            steward,
            started,
            answers=answers({"env.clean": "pass", "env.bins": "fail", "fire.exits": "pass", "fire.lift": "pass"}),
        )
    assert done["status"] == "applied", done
    assert run(app, at + timedelta(hours=73))["escalated"] == 1


def test_recipients_online_hear_of_it_after_the_commit(app, iw, major_orders):
    from server.extensions import socketio

    ids, deadline = major_orders
    admin, resident = signed_in(app, DIHAO_ADMIN), signed_in(app, DIHAO_RESIDENT)
    sockets = [socketio.test_client(app, flask_test_client=auth.client) for auth in (admin, resident)]
    for socket in sockets:
        socket.get_received()
    run(app, deadline + timedelta(hours=1))
    heard = [socket.get_received() for socket in sockets]
    # Each new entry comes as `alert`, which is also the inbox's poke (the phone pulls the entry, PROTOCOL.md §13.2).
    assert sorted(e["args"][0]["kind"] for e in heard[0] if e["name"] == "alert") == ["order_escalated_1"] * 2
    assert not any(f"user:{iw.dihao_admin}" in e["args"][0]["buckets"] for e in heard[0] if e["name"] == "sync:poke")
    assert [e for e in heard[1] if e["name"] == "alert"] == []  # a resident of the compound is not told
    assert not any(
        f"user:{iw.dihao_admin}" in e["args"][0].get("buckets", []) for e in heard[1] if e["name"] == "sync:poke"
    )
    for socket in sockets:
        socket.disconnect()
