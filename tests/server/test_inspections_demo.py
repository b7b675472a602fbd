"""The demo's inspections (server/demo/inspections.py): the residential property checklist with
the issue's nine categories, and months of inspections of 帝豪花园 with orders in every state,
pulled by the steward and 远航物业's staff and by no resident."""

from sqlalchemy import select

from server.demo import DEMO_ACCOUNTS
from server.extensions import db
from server.inspections.models import Inspection, InspectionTemplate, RectificationOrder
from server.org.models import Compound
from tests.conftest import AuthActions
from tests.server.tasks_support import pull_all

PASSWORDS = {a["phone"]: a["password"] for a in DEMO_ACCOUNTS}


def _signed_in(app, phone):
    auth = AuthActions(app.test_client())
    assert auth.login(phone, PASSWORDS[phone]).status_code == 200
    return auth


def test_the_template_covers_the_issues_categories_and_adds_up(demo_app):
    app, _ = demo_app
    with app.app_context():
        (template,) = db.session.scalars(select(InspectionTemplate))
        names = [c["name"] for c in template.categories]
        assert names == [
            "环境卫生",
            "秩序维护与安保",
            "绿化养护",
            "设施设备",
            "消防安全",
            "电梯运行",
            "停车管理",
            "违建与通道",
            "服务质量与投诉处理",
        ]
        items = [i for c in template.categories for i in c["items"]]
        assert 30 <= len(items) <= 40 and sum(i["weight"] for i in items) == template.max_score == 100
        texts = " ".join(i["text"] for i in items)
        assert "水电系统老化" in texts and "违法搭建" in texts and "道路畅通" in texts
        assert {i["severity"] for i in items} == {"critical", "major", "minor"}


def test_dihao_has_a_history_of_inspections_and_orders_in_every_state(demo_app):
    app, summary = demo_app
    with app.app_context():
        dihao = db.session.scalar(select(Compound.id).where(Compound.name == "帝豪花园"))
        inspections = list(db.session.scalars(select(Inspection).where(Inspection.compound_id == dihao)))
        assert len(inspections) == 3 and all(i.status == "submitted" and i.score is not None for i in inspections)
        orders = list(db.session.scalars(select(RectificationOrder).where(RectificationOrder.compound_id == dihao)))
        assert {o.status for o in orders} == {"open", "responded", "closed", "reopened"}
        assert summary["counts"]["rectification_orders"] == db.session.query(RectificationOrder).count()
        # The monthly plans they came from (generation itself: test_inspections_plans.py).
        from server.inspections.models import InspectionPlan

        plans = {p.compound_id: p for p in db.session.scalars(select(InspectionPlan))}
        assert dihao in plans and len(plans) == 2
        assert {(p.period, p.active, p.template_code) for p in plans.values()} == {
            ("monthly", True, "residential-property")
        }


def test_the_demo_phones_pull_what_is_theirs(demo_app):
    app, _ = demo_app
    steward, staff, resident = (_signed_in(app, p) for p in ("13800000005", "13800000006", "13800000007"))
    assert len([c for c in pull_all(steward) if c["entity"] == "inspection"]) == 4
    staff_orders = [c for c in pull_all(staff) if c["entity"] == "rectification_order"]
    assert staff_orders and all(c["bucket"].startswith("company:") for c in staff_orders)
    assert not [c for c in pull_all(resident) if c["entity"] in ("inspection", "rectification_order")]
