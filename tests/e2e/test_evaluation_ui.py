"""The December evaluation (PROTOCOL.md §20) in Chromium: 河西社区's admin opens the year's round
at the desk, choosing the evaluators of each group; a party member, offline on their phone,
scores the units and members — 提交 is held back until everyone is scored, their own name is not
offered — and submits; back online it syncs; the admin sees the group's form in, the results and
grades, exports and closes the round; the scored volunteer hears their grade. Screenshots at
360×740 (test-artifacts/evaluation-*.png) and desk width (/tmp/redgrid-shots/evaluation-*)."""

import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import select

from server.evaluation.models import EvaluationBallot, EvaluationRound
from server.ledger import service as ledger
from server.notices.models import InboxEntry
from tests.e2e.admin_desk import admin_signs_in
from tests.e2e.admin_desk import shoot as shoot_desk
from tests.e2e.conftest import ARTIFACTS, wait_until
from tests.e2e.test_wishes_ui import offline, ready, synced
from tests.factories import user

MEMBER = "13900000301"
YEAR = datetime.now(UTC).year


@pytest.fixture
def ev(app, db, world):
    """A second member of 河西社区 (党员乙) who evaluates; the demo volunteer served 20 hours this year."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    member = user("党员乙", [("volunteer", "org_unit_id", world.hexi)], phone=MEMBER)
    ledger.credit(world.volunteer, world.hexi, "activity", "a1", "重阳节敬老", 20, datetime(YEAR, 3, 5, tzinfo=UTC))
    db.session.commit()
    return {"member": member.id, "volunteer": world.volunteer, "worker": world.worker_a}


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"evaluation-{name}.png"), full_page=True)


def test_a_round_is_opened_filled_in_offline_and_closed(live_server, db, ev, phones, desk_page):
    desk = desk_page
    admin_signs_in(desk, live_server)
    desk.get_by_test_id("admin-evaluation-open").click()
    desk.get_by_test_id("round-form").wait_for()
    desk.get_by_test_id("rounds-none").wait_for()
    desk.get_by_test_id("round-year").fill(str(YEAR))
    desk.get_by_test_id(f"pick-members-{ev['member']}").wait_for()
    assert desk.get_by_test_id(f"pick-members-{ev['volunteer']}").count() == 1
    desk.get_by_test_id("round-open").click()  # nobody chosen yet
    wait_until(desk, "document.querySelector('[data-testid=round-error]').textContent.length > 0")
    assert "请至少选择一位评议人" in desk.get_by_test_id("round-error").inner_text()
    desk.get_by_test_id(f"pick-members-{ev['member']}").check()
    desk.get_by_test_id(f"pick-committee-{ev['worker']}").check()
    shoot_desk(desk, "new-round", prefix="evaluation")
    desk.get_by_test_id("round-open").click()
    desk.get_by_test_id("admin-round").wait_for()
    desk.get_by_test_id("evaluation-results").first.wait_for()
    round_id = desk.evaluate("location.hash.split('/')[3]")
    assert db.session.get(EvaluationRound, round_id).status == "open"

    # The member's phone: the form is on it, with a badge at home; filled in with no signal.
    ctx, phone = phones()
    ready(phone, live_server, MEMBER)
    wait_until(phone, "document.querySelector('[data-testid=evaluation-to-fill]')?.textContent === '1'", timeout=30)
    offline(ctx, phone)
    phone.get_by_test_id("evaluation-open").click()
    phone.get_by_test_id("evaluation-row").click()
    phone.get_by_test_id("evaluation-form").wait_for()
    assert phone.get_by_test_id(f"score-member-{ev['member']}").count() == 0  # not themselves
    assert "不能给自己或本单位打分：党员乙" in phone.get_by_test_id("evaluation-form").inner_text()
    phone.get_by_test_id("evaluation-submit").click()
    assert phone.get_by_test_id("evaluation-error").inner_text() == "还有 1 个对象没有打分。"
    volunteer_field = phone.get_by_test_id(f"score-member-{ev['volunteer']}")
    assert "服务 20 小时 · 1 次" in volunteer_field.inner_text()
    volunteer_field.locator("label:has([value=excellent])").click()
    assert phone.get_by_test_id("evaluation-progress").inner_text() == "已评 1 / 1"
    phone.get_by_test_id("evaluation-comment").fill("孙磊同志服务积极，群众满意。")
    shoot(phone, "form")
    phone.get_by_test_id("evaluation-submit").click()
    phone.get_by_test_id("pending-note").wait_for()
    ctx.set_offline(False)
    synced(phone)
    db.session.expire_all()
    ballot = db.session.scalar(select(EvaluationBallot).where(EvaluationBallot.evaluator_id == ev["member"]))
    assert (ballot.status, ballot.scores) == ("submitted", {f"member:{ev['volunteer']}": 95})
    shoot(phone, "submitted")

    # The desk: the form is in; the results; the workbook; closing tells the volunteer their grade.
    desk.reload()
    desk.get_by_test_id("round-progress").wait_for()
    assert "党员 1/1" in desk.get_by_test_id("round-progress").inner_text()
    row = desk.locator(f"[data-testid=result-row][data-key='member:{ev['volunteer']}']")
    # Record 2/3 × 20/24 + 1/3 × 1/6 = 61.1 (no rating); members 95: (40 × 61.1 + 15 × 95) / 55 = 70.3.
    assert row.get_attribute("data-grade") == "basic" and "70.3" in row.inner_text()
    shoot_desk(desk, "results", prefix="evaluation")
    with desk.expect_download() as download:
        desk.get_by_test_id("round-export").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = [(r[0], r[-1]) for r in list(book["在职党员"].values)[1:]]
    assert rows == [("党员乙", "不合格"), ("志愿者", "基本合格")]
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_test_id("round-close").click()
    wait_until(desk, "document.querySelector('[data-testid=round-status]')?.textContent.startsWith('已结束')")
    db.session.expire_all()
    kinds = db.session.scalars(select(InboxEntry.kind).where(InboxEntry.user_id == ev["volunteer"])).all()
    assert "evaluation_graded_basic" in kinds
