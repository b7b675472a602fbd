"""Sending an alert safely in real Chromium (issue 15 item 6): the city admin's compound picker
is grouped district → street → community and searchable; an alert to the whole jurisdiction is
confirmed with the number of people the server counted (POST /api/alerts/preview), and going
back sends nothing. Screens at 360×740 and 1280×800 into /tmp/redgrid-shots/alert-city-*.png."""

from sqlalchemy import select

from server.alerts.models import Alert
from server.org.models import Building, Compound, GridCoverage
from tests.e2e.admin_desk import admin_signs_in
from tests.e2e.admin_desk import shoot as desk_shoot
from tests.e2e.conftest import wait_until
from tests.server.alerts_support import signed_in

CITY_ADMIN = "13800000001"


def more_compounds(db, world, count=14) -> list[int]:
    """帝豪社区 gets `count` more compounds of a building each, its grid covering them (a grid's
    directory lists the compounds of its buildings): the picker then starts folded."""
    rows = [Compound(name=f"帝豪{n}号院", community_id=world.dihao_community) for n in range(1, count + 1)]
    db.session.add_all(rows)
    db.session.flush()
    db.session.add_all(Building(compound_id=row.id, name="1号楼", units=1, floors=6) for row in rows)
    db.session.add_all(GridCoverage(grid_id=world.g4, compound_id=row.id) for row in rows)
    db.session.commit()
    return [row.id for row in rows]


def test_the_city_admin_finds_compounds_by_place_and_confirms_a_city_wide_alert_with_the_servers_count(
    live_server, app, db, world, desk, desk_page
):
    extra = more_compounds(db, world)
    page = desk_page
    admin_signs_in(page, live_server, CITY_ADMIN)
    page.evaluate("location.hash = '#/admin/alerts/new'")
    page.get_by_test_id("alert-form").wait_for()
    groups = page.get_by_test_id("alert-compound-group")
    wait_until(page, "document.querySelectorAll('[data-testid=alert-compound-group]').length > 0")
    names = [g.split("（")[0].strip() for g in groups.locator("> summary").all_text_contents()]
    # District, then street, then community; 18 compounds start folded.
    assert names[:2] == ["魏都区", "文峰街道"] and "河西社区" in names and "东城区" in names and "帝豪社区" in names
    assert not page.get_by_test_id(f"alert-compound-{world.hexi_xiaoqu}").is_visible()
    search = page.get_by_test_id("alert-compound-search")
    search.fill("七里店")  # a community's name finds its compounds, its groups open
    assert page.get_by_test_id(f"alert-compound-{world.qilidian_yuan}").is_visible()
    assert not page.get_by_test_id(f"alert-compound-{extra[0]}").is_visible()
    search.fill("帝豪1")
    visible = [i for i in [world.dihao, *extra] if page.get_by_test_id(f"alert-compound-{i}").is_visible()]
    assert sorted(visible) == sorted([extra[0], *extra[9:]])  # 帝豪1号院, 帝豪10…14号院
    order = page.get_by_test_id("alert-compound").locator(".check-row:visible").all_inner_texts()
    assert order[:2] == ["帝豪1号院", "帝豪10号院"]  # by number, not by character
    page.get_by_test_id(f"alert-compound-{extra[0]}").check()
    assert "已选 1 个小区" in page.get_by_test_id("alert-compound-tally").inner_text()
    page.get_by_test_id(f"alert-compound-{extra[0]}").uncheck()
    search.fill("")  # folded again
    assert not page.get_by_test_id(f"alert-compound-{extra[0]}").is_visible()

    page.get_by_test_id("alert-title-input").fill("寒潮预警")
    page.get_by_test_id("alert-body-input").fill("明晚起气温骤降，请注意防寒保暖。")
    page.locator("label:has([data-testid=alert-level-warning])").click()
    page.locator("label:has([data-testid=alert-category-weather])").click()
    page.get_by_test_id("alert-everywhere").check()
    reach = page.get_by_test_id("alert-reach")
    wait_until(page, "document.querySelector('[data-testid=alert-reach]').dataset.people !== ''")
    expected = (
        signed_in(app, CITY_ADMIN)
        .send("POST", "/api/alerts/preview", json={"targeting": {}, "category": "weather"})
        .get_json()
    )
    assert expected["whole_jurisdiction"] and expected["people"] >= 8
    assert reach.get_attribute("data-people") == str(expected["people"]) and "整个辖区" in reach.inner_text()
    desk_shoot(page, "city-form", prefix="alert")

    # 预警 only, but the whole city: confirmed with the server's count; going back sends nothing.
    page.get_by_test_id("alert-submit").click()
    confirm = page.get_by_test_id("alert-confirm")
    confirm.wait_for()
    text = confirm.inner_text()
    assert f"将送达 {expected['people']} 人" in text and "整个辖区" in text and "紧急" not in text
    desk_shoot(page, "city-confirm", prefix="alert")
    page.get_by_test_id("alert-confirm-no").click()
    assert db.session.scalars(select(Alert)).all() == []
    page.get_by_test_id("alert-submit").click()
    page.get_by_test_id("alert-confirm-yes").click()
    page.get_by_test_id("delivery-counts").wait_for()
    assert db.session.scalars(select(Alert)).one().title == "寒潮预警"
