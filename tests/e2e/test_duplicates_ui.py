"""重复居民 in real Chromium at 360×740 (issue 16 item 6): the admin finds a pair of entries that
are one person, compares them side by side, takes one field from the other entry and merges after
a confirm; the grid worker's open directory (another phone) is poked and shows one entry. Shots:
/tmp/redgrid-shots/duplicates-*-360.png and -1366.png."""

from pathlib import Path

from sqlalchemy import select

from server.org.models import Resident
from tests.e2e.admin_desk import admin_signs_in
from tests.e2e.conftest import wait_until
from tests.e2e.test_directory import DIRECTORY_STORED, SOCKET_JOINED
from tests.e2e.test_shell import sign_in

SHOTS = Path("/tmp/redgrid-shots")
WIDE = {"width": 1366, "height": 900}
ZHANG_IN_DIRECTORY = "document.querySelector('[data-testid=directory]').innerText.split('张伟').length - 1"


def shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    page.screenshot(path=str(SHOTS / f"duplicates-{name}-360.png"), full_page=True)
    page.set_viewport_size(WIDE)
    page.wait_for_timeout(200)
    page.screenshot(path=str(SHOTS / f"duplicates-{name}-1366.png"), full_page=True)
    page.set_viewport_size(before)


def test_an_admin_merges_a_pair_and_the_directory_shows_one(live_server, phones, db, world):
    db.session.add_all(
        [
            Resident(household_id=world.hh_hexi1[0], name="张伟", phone="13911110001", gender="M", birth_year=1975),
            Resident(
                household_id=world.hh_hexi2[0],
                name="张伟",
                phone="13911110001",
                gender="F",  # a slip at the second registration
                relation="spouse",
                care_flags=["disability"],
            ),
        ]
    )
    db.session.commit()
    kept = db.session.scalar(select(Resident.id).where(Resident.name == "张伟").order_by(Resident.id))

    _, worker = phones()
    sign_in(worker, live_server, "13800000003")
    worker.get_by_test_id("home").wait_for()
    wait_until(worker, f"{DIRECTORY_STORED}.then((n) => n === 1)")
    worker.get_by_test_id("directory-open").click()
    wait_until(worker, "document.querySelectorAll('[data-testid=household]').length === 6")
    assert worker.evaluate(ZHANG_IN_DIRECTORY) == 2
    wait_until(worker, SOCKET_JOINED)

    _, admin = phones()
    admin_signs_in(admin, live_server)
    admin.get_by_test_id("admin-duplicates-open").click()
    admin.get_by_test_id("dup-pair").wait_for()
    assert admin.get_by_test_id("dup-pair").count() == 1
    assert admin.get_by_test_id("dup-count").inner_text() == "共 1 对疑似重复"
    assert admin.get_by_test_id("dup-reason").inner_text() == "姓名相同，电话相同"
    assert admin.get_by_test_id("dup-confidence").inner_text() == "很可能是同一人"
    pair = admin.get_by_test_id("dup-pair").inner_text()
    assert "河西小区 1号楼 1单元 101" in pair and "河西小区 2号楼 1单元 101" in pair and "139****0001" in pair
    assert admin.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    # The name and phone are the same: nothing to pick there; gender, relation and address differ.
    assert admin.get_by_test_id("dup-name-keep").count() == 0
    assert admin.get_by_test_id("dup-gender-keep").is_checked()
    box = admin.locator("label:has([data-testid=dup-gender-merge])").bounding_box()
    assert box["height"] >= 44
    shots(admin, "pair")
    admin.locator("label:has([data-testid=dup-relation-merge])").click()
    admin.get_by_test_id("dup-merge").click()
    admin.get_by_test_id("dup-confirm").wait_for()
    assert (
        "“张伟”（河西小区 1号楼 1单元 101）和“张伟”（河西小区 2号楼 1单元 101）将合并"
        in admin.get_by_test_id("dup-confirm").inner_text()
    )
    shots(admin, "confirm")
    admin.get_by_test_id("dup-confirm-yes").click()
    admin.get_by_test_id("dup-none").wait_for()
    assert admin.get_by_test_id("dup-flash").inner_text() == "已合并：张伟"
    shots(admin, "done")

    # The worker's open directory is told (directory:poke) and redraws with one 张伟.
    wait_until(worker, f"{ZHANG_IN_DIRECTORY} === 1", timeout=20)
    db.session.expire_all()
    row = db.session.get(Resident, kept)
    assert (row.relation, row.gender, row.care_flags) == ("spouse", "M", ["disability"])
