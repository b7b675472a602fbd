"""双报到 end to end (issue 14), real server and Chromium, every screen at 360×740: the admin of
河西社区 issues a unit code in 报到管理; a unit's secretary (an account with no role yet) reports
with it, registering 许昌市供电公司党委 serving the first grid, and adds a venue to its resources
list; the admin issues a member code for that unit; an in-service member joins with it, picks
skills and the time they can serve, then changes it in 我的报到; the 双报告 page opens. The
server's rows are checked. Screenshots go to test-artifacts/members-*.png."""

import pytest
from sqlalchemy import select

from server.auth.models import RoleAssignment
from server.members.models import Member, Unit, UnitGrid, UnitResource
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_shell import sign_in
from tests.factories import user

ADMIN, SECRETARY, MEMBER = "13800000002", "13900000301", "13900000302"


@pytest.fixture
def people(app, db, world):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    secretary = user("王建军", [], phone=SECRETARY)
    member = user("陈志强", [], phone=MEMBER)
    db.session.commit()
    return {"secretary": secretary.id, "member": member.id}


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"members-{name}.png"), full_page=True)


def tap_choice(page, testid: str) -> None:
    """A toggle button: its visible box (the checkbox itself is hidden under it), as a thumb taps."""
    page.get_by_test_id(testid).locator("xpath=..").click()


def issue(page, kind: str, unit: str | None = None) -> str:
    page.get_by_test_id("code-kind").select_option(kind)
    if unit:
        page.get_by_test_id("code-unit").select_option(label=unit)
    page.get_by_test_id("code-uses").fill("30" if kind == "member" else "1")
    page.get_by_test_id("code-issue").click()
    fresh = page.get_by_test_id("code-new").locator("[data-code]")
    fresh.wait_for()
    return fresh.get_attribute("data-code")


def test_a_unit_reports_lists_a_resource_and_a_member_joins(app, db, world, people, live_server, phones):
    _, admin = phones()
    sign_in(admin, live_server, ADMIN)
    admin.get_by_test_id("members-admin").click()
    admin.get_by_test_id("code-form").wait_for()
    unit_code = issue(admin, "unit")
    assert len(unit_code) == 8
    shoot(admin, "admin-code")

    # The secretary: home offers 到社区报到; the code, then the unit's form.
    _, secretary = phones()
    sign_in(secretary, live_server, SECRETARY)
    secretary.get_by_test_id("members-join").click()
    secretary.get_by_test_id("join-code").fill(f"{unit_code[:4].lower()}-{unit_code[4:].lower()}")
    secretary.get_by_test_id("join-check").click()
    secretary.get_by_test_id("join-form").wait_for()
    assert "单位报到码" in secretary.get_by_test_id("join-what").inner_text()
    secretary.get_by_test_id("join-submit").click()  # nothing filled in: the fields say what is missing
    assert "此项必填" in secretary.get_by_test_id("unit-name-error").inner_text()
    secretary.get_by_test_id("unit-name").fill("许昌市供电公司党委")
    secretary.get_by_test_id("unit-kind").select_option("enterprise")
    secretary.get_by_test_id("unit-party-org").fill("国网许昌供电公司党委")
    secretary.get_by_test_id("unit-contact-name").fill("王建军")
    secretary.get_by_test_id("unit-contact-phone").fill("137 0000 1111")
    tap_choice(secretary, f"unit-grids-{world.g1}")
    tap_choice(secretary, "profile-skills-repair")
    tap_choice(secretary, "profile-availability-sat_morning")
    shoot(secretary, "join-unit")
    secretary.get_by_test_id("join-submit").click()
    secretary.get_by_test_id("member-mine").wait_for()
    assert secretary.get_by_test_id("my-unit-role").inner_text() == "联络员"
    shoot(secretary, "mine-secretary")

    # 单位: add a venue to the resources list.
    secretary.get_by_test_id("open-unit").click()
    secretary.get_by_test_id("resource-form").wait_for()
    secretary.get_by_test_id("resource-kind").select_option("venue")
    secretary.get_by_test_id("resource-name").fill("职工活动室")
    secretary.get_by_test_id("resource-description").fill("可容纳40人，有投影")
    tap_choice(secretary, "resource-availability-sat_morning")
    secretary.get_by_test_id("resource-capacity").fill("40")
    secretary.get_by_test_id("resource-save").click()
    secretary.get_by_test_id("unit-flash").wait_for()
    assert "职工活动室" in secretary.get_by_test_id("resource-row").inner_text()
    shoot(secretary, "unit")

    # The admin: a member code for that unit.
    admin.reload()
    admin.get_by_test_id("code-form").wait_for()
    member_code = issue(admin, "member", "许昌市供电公司党委")
    assert "许昌市供电公司党委" in admin.get_by_test_id("admin-units").inner_text()
    admin.get_by_test_id("admin-units").scroll_into_view_if_needed()
    admin.screenshot(path=str(ARTIFACTS / "members-admin-units.png"))
    admin.get_by_test_id("admin-unit-open").click()
    admin.get_by_test_id("unit-members").wait_for()
    assert admin.get_by_test_id("back").inner_text() == "‹ 报到管理"
    admin.get_by_test_id("back").click()
    admin.get_by_test_id("code-form").wait_for()

    # The member joins with it and picks skills and time.
    _, member = phones()
    sign_in(member, live_server, MEMBER)
    member.get_by_test_id("members-join").click()
    member.get_by_test_id("join-code").fill(member_code)
    member.get_by_test_id("join-check").click()
    member.get_by_test_id("join-form").wait_for()
    assert "许昌市供电公司党委" in member.get_by_test_id("join-what").inner_text()
    member.get_by_test_id("profile-branch").fill("运维检修党支部")
    tap_choice(member, "profile-skills-it")
    tap_choice(member, "profile-skills-elderly_care")
    tap_choice(member, "profile-availability-weekday_evening")
    member.get_by_test_id("profile-phone").fill("12345")
    member.get_by_test_id("join-submit").click()
    assert "手机号" in member.get_by_test_id("profile-phone-error").inner_text()
    member.get_by_test_id("profile-phone").fill("13611112222")
    shoot(member, "join-member")
    member.get_by_test_id("join-submit").click()
    member.get_by_test_id("member-mine").wait_for()
    assert member.get_by_test_id("my-unit-name").inner_text() == "许昌市供电公司党委"
    assert member.get_by_test_id("open-unit").count() == 0  # a plain member does not manage the unit
    tap_choice(member, _availability_testid(member, "sun_morning"))
    member.get_by_test_id("profile-save").click()
    member.get_by_test_id("profile-status").filter(has_text="已保存").wait_for()
    shoot(member, "mine-member")

    # Offline, 我的报到 opens from the copy kept on the phone, and says so.
    member.context.set_offline(True)
    member.evaluate("location.hash = '#/'")
    member.get_by_test_id("home").wait_for()
    member.evaluate("location.hash = '#/members/me'")
    member.get_by_test_id("members-kept").wait_for()
    assert member.get_by_test_id("my-unit-name").inner_text() == "许昌市供电公司党委"
    shoot(member, "mine-offline")
    member.context.set_offline(False)

    # 双报告: the printable page of this year.
    href = member.get_by_test_id("report-mine").get_attribute("href")
    member.goto(live_server + href)
    member.get_by_test_id("member-report").wait_for()
    assert member.get_by_test_id("report-name").inner_text() == "陈志强"
    member.locator('[data-testid="report-period-form"] input[name="since"]').fill("2026-06-01")
    member.locator('[data-testid="report-period-form"] button').click()
    member.get_by_test_id("report-period").filter(has_text="2026-06-01").wait_for()
    shoot(member, "report")

    units = db.session.scalars(select(Unit)).all()
    assert [u.name for u in units] == ["许昌市供电公司党委"]
    assert db.session.scalars(select(UnitGrid.grid_id)).all() == [world.g1]
    (resource,) = db.session.scalars(select(UnitResource)).all()
    assert (resource.kind, resource.name, resource.capacity, resource.availability) == (
        "venue",
        "职工活动室",
        40,
        ["sat_morning"],
    )
    rows = {m.user_id: m for m in db.session.scalars(select(Member))}
    assert rows[people["secretary"]].unit_role == "secretary" and rows[people["secretary"]].skills == ["repair"]
    joined = rows[people["member"]]
    assert (joined.unit_id, joined.branch, joined.phone) == (units[0].id, "运维检修党支部", "13611112222")
    assert sorted(joined.skills) == ["elderly_care", "it"]
    assert sorted(joined.availability) == ["sun_morning", "weekday_evening"]
    volunteers = db.session.scalars(select(RoleAssignment.user_id).where(RoleAssignment.role == "volunteer"))
    assert {people["secretary"], people["member"]} <= set(volunteers)


def _availability_testid(page, slot: str) -> str:
    """The profile form's testids carry the member's id (one form per community)."""
    testid = page.locator('[data-testid^="profile-"][data-testid$="-availability"]').first.get_attribute("data-testid")
    return f"{testid}-{slot}"
