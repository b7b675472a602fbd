"""Periodic inspection plans (定期检查): admins plan them per compound within their jurisdiction;
the generator makes one planned inspection per active plan and period, idempotently, through
the sync engine (the steward pulls it), with the controllable clock."""

from datetime import UTC, date, datetime

import pytest

from server.auth.models import RoleAssignment
from server.core import clock
from server.extensions import db
from server.inspections import plans
from server.inspections.models import Inspection
from tests.factories import user
from tests.server.inspections_support import (
    HEXI_ADMIN,
    HEXI_STEWARD,
    ROOT_ADMIN,
    TEMPLATE,
    add_template,
    signed_in,
)
from tests.server.tasks_support import pull_all

MID_NOVEMBER = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)


@pytest.fixture
def admin(app, iw):
    return signed_in(app, HEXI_ADMIN)


def plan(admin, compound_id, **fields):
    body = {"compound_id": compound_id, "template_code": TEMPLATE["code"], "starts_on": "2026-11-01", **fields}
    return admin.send("POST", "/api/inspection-plans", json=body)


def generate(admin, at=MID_NOVEMBER):
    with clock.at(at):
        response = admin.send("POST", "/api/inspection-plans/generate")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def planned(app) -> list[Inspection]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(Inspection).order_by(Inspection.due_at)))
        db.session.expunge_all()
        return rows


def test_an_admin_plans_a_compound_and_the_generator_makes_this_months_inspection_for_its_steward(app, admin, iw):
    with app.app_context():
        add_template(version=2)  # the latest published version is used …
        add_template(version=3, status="draft")  # … never a draft
    response = plan(admin, iw.hexi_xiaoqu)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["period"] == "monthly" and body["active"] is True and body["steward_id"] is None
    assert generate(admin) == {"plans": 1, "created": 1, "existing": 0, "skipped": []}
    (made,) = planned(app)
    assert (made.kind, made.period, made.plan_id, made.status) == ("periodic", "2026-11", body["id"], "planned")
    assert made.steward_id == iw.steward  # the compound's red steward
    # Due at the last second of November in Xuchang (UTC+8).
    assert made.due_at.replace(tzinfo=UTC) == datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC)
    with app.app_context():
        from server.inspections.models import InspectionTemplate

        assert db.session.get(InspectionTemplate, made.template_id).version == 2
    # Through the sync engine: the steward pulls it.
    steward = signed_in(app, HEXI_STEWARD)
    pulled = [c for c in pull_all(steward) if c["entity"] == "inspection"]
    assert {c["id"] for c in pulled} == {made.id}


def test_generating_again_makes_nothing_twice_and_the_next_month_makes_the_next_one(app, admin, iw):
    assert plan(admin, iw.hexi_xiaoqu).status_code == 201
    assert generate(admin)["created"] == 1
    again = generate(admin, MID_NOVEMBER.replace(day=29))
    assert (again["created"], again["existing"]) == (0, 1)
    # 2026-11-30 16:30 UTC is already 1 December in Xuchang.
    assert generate(admin, datetime(2026, 11, 30, 16, 30, tzinfo=UTC))["created"] == 1
    assert [row.period for row in planned(app)] == ["2026-11", "2026-12"]


def test_two_generators_at_once_make_one_inspection(app, admin, iw):
    """The record id is derived from plan and period: a second creation is refused as "exists"."""
    assert plan(admin, iw.hexi_xiaoqu).status_code == 201
    with app.app_context():
        plan_row = db.session.scalar(db.select(plans.InspectionPlan))
        record_id = plans.plan_record_id(plan_row.id, "2026-11")
        made = [
            plans.PlannedInspection(
                record_id,
                plan_row.compound_id,
                iw.template_id,
                "periodic",
                datetime(2026, 11, 30, tzinfo=UTC),
                plan_id=plan_row.id,
                period="2026-11",
            )
        ]
        plans.write_inspections(None, made).commit()
        plans.write_inspections(None, made).commit()  # as a concurrent run that read before the first commit
    assert len(planned(app)) == 1


def test_quarterly_plans_inactive_plans_and_plans_not_started_yet(app, admin, iw):
    quarterly = plan(admin, iw.hexi_xiaoqu, period="quarterly").get_json()
    later = plan(admin, iw.wenfeng_yuan, starts_on="2027-01-01").get_json()
    assert later["starts_on"] == "2027-01-01"
    result = generate(admin)
    assert result["created"] == 1 and planned(app)[0].period == "2026-Q4"
    assert planned(app)[0].due_at.replace(tzinfo=UTC) == datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)
    response = admin.send("PATCH", f"/api/inspection-plans/{quarterly['id']}", json={"active": False})
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert generate(admin, datetime(2027, 2, 1, tzinfo=UTC))["created"] == 1  # the started one only
    assert [row.compound_id for row in planned(app)][-1] == iw.wenfeng_yuan


def test_a_plan_without_a_published_template_is_skipped_and_reported(app, admin, iw):
    with app.app_context():
        add_template({"code": "draft-only"}, status="draft")
    created = plan(admin, iw.hexi_xiaoqu, template_code="draft-only").get_json()
    assert generate(admin) == {
        "plans": 1,
        "created": 0,
        "existing": 0,
        "skipped": [{"plan_id": created["id"], "reason": "template_unpublished"}],
    }


def test_plans_are_scope_checked(app, admin, iw):
    assert plan(admin, iw.dihao).status_code == 404  # another district
    assert plan(admin, iw.hexi_xiaoqu, template_code="nope").status_code == 422
    response = plan(admin, iw.hexi_xiaoqu, steward_id=iw.dihao_steward)
    assert response.status_code == 422 and "steward_id" in response.get_json()["error"]["fields"]
    assert plan(admin, iw.hexi_xiaoqu).status_code == 201
    assert plan(admin, iw.hexi_xiaoqu).status_code == 422  # one plan per compound and template
    steward = signed_in(app, HEXI_STEWARD)
    assert plan(steward, iw.hexi_xiaoqu).status_code == 403
    root = signed_in(app, ROOT_ADMIN)
    dihao_plan = plan(root, iw.dihao, steward_id=iw.dihao_steward).get_json()
    assert admin.send("PATCH", f"/api/inspection-plans/{dihao_plan['id']}", json={"active": False}).status_code == 404
    listed = admin.send("GET", "/api/inspection-plans").get_json()
    assert [p["compound_id"] for p in listed["items"]] == [iw.hexi_xiaoqu]
    assert root.send("GET", "/api/inspection-plans").get_json()["total"] == 2
    assert root.send("GET", f"/api/inspection-plans?org_unit_id={iw.dongcheng}&active=true").get_json()["total"] == 1
    # The admin's button makes only the plans of the admin's jurisdiction.
    assert generate(admin)["plans"] == 1


def test_the_cli_generates_the_due_inspections(app, admin, iw):
    assert plan(admin, iw.hexi_xiaoqu, starts_on=str(date(2026, 1, 1))).status_code == 201
    with clock.at(MID_NOVEMBER):
        result = app.test_cli_runner().invoke(args=["inspections", "generate"])
    assert result.exit_code == 0, result.output
    assert "inspections made: 1" in result.output
    assert len(planned(app)) == 1


def test_a_plans_steward_who_left_is_replaced_by_the_compounds_steward(app, admin, iw):
    with app.app_context():
        second = user("第二位红色管家", [("red_steward", "compound_id", iw.hexi_xiaoqu)]).id
        db.session.commit()
    created = plan(admin, iw.hexi_xiaoqu, steward_id=second).get_json()
    assert created["steward_id"] == second
    generate(admin)
    assert planned(app)[0].steward_id == second
    with app.app_context():
        db.session.execute(db.delete(RoleAssignment).where(RoleAssignment.user_id == second))
        db.session.commit()
    generate(admin, datetime(2026, 12, 3, tzinfo=UTC))
    assert planned(app)[1].steward_id == iw.steward
