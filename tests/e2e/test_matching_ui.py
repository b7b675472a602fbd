"""供需对接 end to end (issue 14, PROTOCOL.md §21), real server and Chromium at 360×740: 河西社区's
admin opens 供需对接 from home, sees the three lists counted and each open need with its suggested
resources and why, and confirms one in a tap; the need leaves the list's count, a service project
is made and the unit's secretary is told. Screenshots go to test-artifacts/matching-*.png."""

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from server.activities.models import Activity
from server.auth.models import RoleAssignment
from server.members.models import ServiceProject, UnitResource
from server.notices.models import InboxEntry
from server.wishes.models import WishCard
from server.wishes.rules import card_id
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_shell import sign_in
from tests.factories import user
from tests.server import matching_support as rows
from tests.server.tasks_support import create, push_one, update
from tests.server.tasks_support import signed_in as signed_in_client

ADMIN, SECRETARY, RESIDENT = "13800000002", "13900000301", "13900000302"


@pytest.fixture
def lists(app, db, world):
    secretary = user("王建军", [], phone=SECRETARY)
    power = rows.unit(world.hexi, "许昌市供电公司党委", [world.g1], secretary_id=secretary.id)
    law = rows.unit(world.hexi, "建业律师事务所党支部", [world.g2])
    made = {
        "secretary": secretary.id,
        "repair": rows.resource(power, "水电维修服务队", ["repair"], availability=["sat_morning", "weekday_evening"]),
        "hall": rows.resource(power, "职工活动室", ["publicity"], kind="venue", availability=["sun_afternoon"]),
        "lawyers": rows.resource(law, "法律顾问团", ["legal", "mediation"], availability=["weekday_day"]),
        "leak": rows.need(world, "repair", world.g1, text="3号楼2单元楼道灯坏了，晚上老人上下楼看不见"),
        "quarrel": rows.need(world, "dispute", world.g2, text="楼上装修噪音大，和邻居协商不成"),
        "other": rows.need(world, "help", world.g1, text="独居老人需要每周送药"),
    }
    db.session.commit()
    return made


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"matching-{name}.png"), full_page=True)


def test_an_admin_confirms_a_suggested_match_in_one_tap(app, db, world, lists, live_server, phones):
    _, admin = phones()
    sign_in(admin, live_server, ADMIN)
    admin.get_by_test_id("admin-matching-open").click()
    admin.get_by_test_id("match-needs").wait_for()
    assert "null" not in admin.get_by_test_id("admin-matching").inner_text()
    assert admin.get_by_test_id("matching-count-needs").inner_text() == "3"
    assert admin.get_by_test_id("matching-count-resources").inner_text() == "3"
    assert admin.get_by_test_id("matching-count-projects").inner_text() == "0"
    leak = admin.locator(f"[data-need-id='{lists['leak']}']")
    assert "第一网格" in leak.inner_text() and "设施维修" in leak.inner_text()
    why = leak.get_by_test_id("match-why")
    assert why.all_inner_texts() == ["技能：家电维修；同一网格；专业服务；周六上午、工作日晚上有空"]
    quarrel = admin.locator(f"[data-need-id='{lists['quarrel']}']")
    assert "法律顾问团" in quarrel.inner_text()
    help_need = admin.locator(f"[data-need-id='{lists['other']}']")
    assert help_need.get_by_test_id("match-none").inner_text() == "暂无合适的单位资源。"
    shoot(admin, "list")

    leak.get_by_test_id("match-confirm").click()
    done = leak.get_by_test_id("match-done")
    done.wait_for()
    assert "已对接许昌市供电公司党委" in done.inner_text() and "2 人" in done.inner_text()
    assert admin.get_by_test_id("matching-count-needs").inner_text() == "2"
    assert admin.get_by_test_id("matching-count-projects").inner_text() == "1"
    shoot(admin, "confirmed")

    project = db.session.scalars(select(ServiceProject)).one()
    assert (project.need_id, project.resource_id, project.status) == (lists["leak"], lists["repair"], "open")
    told = set(db.session.scalars(select(InboxEntry.user_id).where(InboxEntry.kind == "match_confirmed")))
    assert told == {lists["secretary"], world.worker_a}

    # Drawn again, the matched need is gone from the list.
    admin.reload()
    admin.get_by_test_id("match-needs").wait_for()
    assert admin.locator(f"[data-need-id='{lists['leak']}']").count() == 0
    assert admin.get_by_test_id("match-need").count() == 2


def test_a_need_becomes_an_activity_and_a_wish_is_claimed_for_the_unit(app, db, world, lists, live_server, phones):
    """组织志愿活动: the form comes prefilled from the need and the resource (its time at the
    resource's first free slot), the admin corrects the seats and publishes; a micro-wish on the
    wall is claimed for the unit by its secretary in one tap."""
    db.session.add(RoleAssignment(user_id=lists["secretary"], role="volunteer", org_unit_id=world.hexi))
    resident_id = user("王大爷", [("resident", "household_id", world.hh_hexi1[0])], phone=RESIDENT).id
    db.session.commit()
    tutors = rows.resource(
        db.session.get(UnitResource, lists["repair"]).unit_id,
        "青年党员辅导团",
        ["education"],
        availability=["sun_morning"],
    )
    db.session.commit()
    resident, desk = signed_in_client(app, RESIDENT), signed_in_client(app, ADMIN)
    wish = push_one(
        resident,
        create("wish", str(uuid.uuid4()), user_id=resident_id, household_id=world.hh_hexi1[0], title="孙子数学跟不上"),
    )
    approved = push_one(
        desk,
        update("wish", wish["record_id"], wish["version"], status="approved", public_title="一名初中生需要数学辅导"),
    )
    assert approved["status"] == "applied", approved
    card = card_id(wish["record_id"])

    _, admin = phones()
    sign_in(admin, live_server, ADMIN)
    admin.goto(f"{live_server}/#/admin/matching")
    admin.get_by_test_id("match-needs").wait_for()
    assert admin.get_by_test_id("matching-count-needs").inner_text() == "4"

    leak = admin.locator(f"[data-need-id='{lists['leak']}']")
    leak.get_by_test_id("match-activity").first.click()
    form = leak.get_by_test_id("match-activity-form")
    form.wait_for()
    assert form.get_by_test_id("match-activity-title").input_value().startswith("水电维修服务队：3号楼2单元楼道灯坏了")
    assert form.get_by_test_id("match-activity-place").input_value() == "河西社区"
    starts = datetime.fromisoformat(form.get_by_test_id("match-activity-starts").input_value())
    assert (starts.weekday(), starts.hour) in (
        (5, 9),
        (0, 19),
        (1, 19),
        (2, 19),
        (3, 19),
        (4, 19),
    )  # 周六上午 / 工作日晚上
    form.get_by_test_id("match-activity-capacity").fill("6")
    shoot(admin, "activity-form")
    form.get_by_test_id("match-activity-publish").click()
    done = leak.get_by_test_id("match-done")
    done.wait_for()
    assert "已发布活动“水电维修服务队：3号楼2单元楼道灯坏了" in done.inner_text() and "2 人" in done.inner_text()
    assert admin.get_by_test_id("matching-count-projects").inner_text() == "0"
    activity = db.session.scalars(select(Activity)).one()
    assert (activity.capacity, activity.skills, activity.place) == (6, ["repair"], "河西社区")

    wished = admin.locator(f"[data-need-id='{card}']")
    assert "微心愿" in wished.inner_text() and "一名初中生需要数学辅导" in wished.inner_text()
    assert "孙子" not in wished.inner_text()  # the wall's words only
    assert wished.get_by_test_id("match-activity").count() == 0
    offer = wished.locator(f"[data-resource-id='{tutors}']")
    assert offer.get_by_test_id("match-confirm").inner_text() == "由该单位认领"
    offer.get_by_test_id("match-confirm").click()
    wished.get_by_test_id("match-done").wait_for()
    assert "已由许昌市供电公司党委认领" in wished.get_by_test_id("match-done").inner_text()
    shoot(admin, "outcomes")
    db.session.expire_all()
    claimed = db.session.get(WishCard, card)
    assert (claimed.status, claimed.claimant_id, claimed.claimant_unit) == (
        "claimed",
        lists["secretary"],
        "许昌市供电公司党委",
    )
