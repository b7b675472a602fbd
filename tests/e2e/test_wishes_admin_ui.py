"""心愿审核 beyond publishing (PROTOCOL.md §14): in Chromium at 360×740, 河西社区's admin merges a
duplicate wish into a published one of the community (the resident is told), and closes a card
that can no longer be done — both from the phone, offline through the outbox."""

import io
import uuid

import openpyxl
import pytest

from server.notices.models import InboxEntry
from server.wishes.models import Wish, WishCard
from tests.e2e.conftest import ARTIFACTS, wait_until
from tests.e2e.test_wishes_ui import PULL, go, offline, ready, synced
from tests.factories import unit_member, user
from tests.server.tasks_support import create, push_one, signed_in, update

ADMIN, RESIDENT, VOLUNTEER = "13800000002", "13900000401", "13800000008"


@pytest.fixture
def two(app, db, world):
    """Two wishes of a resident of 河西小区 for the same thing: the first published, the second waiting."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    resident = user("王大爷", [("resident", "household_id", world.hh_hexi1[0])], phone=RESIDENT)
    db.session.commit()
    home, desk = signed_in(app, RESIDENT), signed_in(app, ADMIN)
    ids = []
    for title in ("想要一台轮椅", "需要轮椅出门"):
        wish_id = str(uuid.uuid4())
        fields = {"user_id": resident.id, "household_id": world.hh_hexi1[0], "title": title}
        assert push_one(home, create("wish", wish_id, **fields))["status"] == "applied"
        ids.append(wish_id)
    version = db.session.get(Wish, ids[0]).version
    published = update("wish", ids[0], version, status="approved", public_title="一位老人需要一台轮椅")
    assert push_one(desk, published)["status"] == "applied"
    return {"published": ids[0], "duplicate": ids[1], "resident": resident.id}


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"wish-admin-{name}.png"), full_page=True)


def test_the_admin_merges_a_duplicate_and_closes_a_card(live_server, db, two, phones):
    ctx, page = phones()
    ready(page, live_server, ADMIN)
    wait_until(page, PULL, timeout=30)
    go(page, "/admin/wishes")  # the desk's screens, cached once an admin signed in
    page.locator(f'[data-testid=admin-wish-row][data-id="{two["duplicate"]}"]').wait_for()
    # Online, 导出 Excel holds both wishes with their review (PROTOCOL.md §24.1).
    with page.expect_download() as download:
        page.get_by_test_id("wishes-export").click()
    assert download.value.suggested_filename.startswith("微心愿-")
    rows = list(openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0].values)
    assert sorted((r[0], r[5]) for r in rows[1:]) == sorted(
        [(two["published"], "已发布"), (two["duplicate"], "待审核")]
    )
    offline(ctx, page)
    go(page, f"/admin/wishes/{two['duplicate']}")
    page.get_by_test_id("review-form").wait_for()
    page.get_by_test_id("wish-merge").click()  # no target chosen yet
    assert "请选择要合并到的心愿" in page.get_by_test_id("review-error").inner_text()
    page.get_by_test_id("merge-into").select_option(two["published"])
    shoot(page, "merge")
    page.get_by_test_id("wish-merge").click()
    page.get_by_test_id("pending-note").wait_for()

    go(page, f"/admin/wishes/{two['published']}")
    page.get_by_test_id("wish-close").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("card-close").click()
    page.get_by_test_id("wish-close").wait_for(state="detached")  # closed on the phone at once
    assert page.get_by_test_id("wish-card-status").inner_text() == "已关闭"
    ctx.set_offline(False)
    synced(page)

    db.session.expire_all()
    duplicate = db.session.get(Wish, two["duplicate"])
    assert (duplicate.status, duplicate.merged_into) == ("merged", two["published"])
    card = db.session.get(WishCard, db.session.get(Wish, two["published"]).card_id)
    assert card.status == "closed"
    kinds = {e.kind for e in db.session.query(InboxEntry).filter_by(user_id=two["resident"])}
    assert "wish_merged" in kinds
    shoot(page, "closed")


def test_a_member_claims_a_wish_for_their_unit(live_server, db, world, two, phones):
    """双报到 on the wall: a volunteer reporting with 许昌市供电公司党委 claims a wish for the unit; the
    resident's card and the server's say so (PROTOCOL.md §14.2 claimed_for)."""
    unit_member(world.hexi, world.volunteer)
    db.session.commit()
    card_id = db.session.get(Wish, two["published"]).card_id
    ctx, page = phones()
    ready(page, live_server, VOLUNTEER)
    go(page, "/wall")
    page.locator(f'[data-testid=card-row][data-id="{card_id}"]').wait_for()
    wait_until(page, "import('/js/db.js').then((db) => db.getCached('members.mine')).then((kept) => !!kept)")
    page.locator(f'[data-testid=card-row][data-id="{card_id}"]').click()
    page.get_by_test_id("card-claim-unit").wait_for()
    assert page.get_by_test_id("card-claim-unit").inner_text() == "以许昌市供电公司党委名义认领"
    shoot(page, "claim-for-unit")
    page.get_by_test_id("card-claim-unit").click()
    synced(page)
    db.session.expire_all()
    card = db.session.get(WishCard, card_id)
    assert (card.status, card.claimant_id, card.claimant_unit) == ("claimed", world.volunteer, "许昌市供电公司党委")
    page.get_by_test_id("card-unit").wait_for()
    assert page.get_by_test_id("card-unit").inner_text() == "由许昌市供电公司党委认领"
