"""Residents join (PROTOCOL.md §19) end to end, real server and Chromium at 360×740: a grid worker
with no signal makes an invitation for a household of their directory (QR and code on the
screen); a new resident registers on their own phone, types the code and belongs to the
household — a notice to the compound's residents reaches them now; they change their password.
A second newcomer asks to join instead and the worker approves from the 入户申请 queue. Screenshots
go to test-artifacts/join-*.png."""

from sqlalchemy import select

from server.auth.models import RoleAssignment, User
from server.notices.audience import Targeting, resolve
from server.notices.service import notify
from tests.conftest import AuthActions
from tests.e2e.conftest import ARTIFACTS, wait_until
from tests.e2e.test_shell import sign_in
from tests.e2e.test_wishes_ui import go

WORKER = "13800000003"  # 网格员甲: grid 1 covers 河西小区
NEWCOMER, SECOND = "13912340001", "13912340002"
NEW_PASSWORD, NEXT_PASSWORD = "hongge-join-2026", "another-long-pass-9"
KEY_KEPT = "import('/js/db.js').then((db) => db.listRecords('invite_key')).then((r) => r.length === 1)"
DIRECTORY_KEPT = "import('/js/db.js').then((db) => db.listDirectoryEntries()).then((e) => e.length > 0)"


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"join-{name}.png"), full_page=True)


def register(page, base: str, phone: str, name: str) -> None:
    page.goto(base)
    page.get_by_test_id("signin-register").click()
    page.get_by_test_id("register-form").wait_for()
    page.get_by_test_id("register-phone").fill(phone)
    page.get_by_test_id("register-name").fill(name)
    page.get_by_test_id("register-password").fill("12345678")  # too common: refused on the field
    page.get_by_test_id("register-submit").click()
    page.get_by_test_id("register-password-error").get_by_text("常见").wait_for()
    shoot(page, "register")
    page.get_by_test_id("register-password").fill(NEW_PASSWORD)
    page.get_by_test_id("register-submit").click()
    page.get_by_test_id("home").wait_for()


def roles_of(db, phone: str) -> list:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.phone == phone))
    return [
        (a.role, a.household_id)
        for a in db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id))
    ]


def test_an_offline_invitation_binds_a_new_resident_who_then_changes_password(app, live_server, db, world, phones):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    home = world.hh_hexi1[0]  # 河西小区 1号楼 1单元 101

    # The grid worker's phone keeps the directory and the invitation key, then loses signal.
    worker_ctx, worker = phones()
    sign_in(worker, live_server, WORKER)
    worker.get_by_test_id("home").wait_for()
    wait_until(worker, "navigator.serviceWorker.controller !== null", timeout=30)
    wait_until(worker, KEY_KEPT, timeout=30)
    wait_until(worker, DIRECTORY_KEPT, timeout=30)
    worker_ctx.set_offline(True)
    wait_until(worker, "document.querySelector('[data-testid=net-status]').dataset.online === 'false'")
    go(worker, "/directory")
    worker.locator(f'[data-testid=household][data-id="{home}"] [data-testid=invite-household]').click()
    worker.get_by_test_id("invite-code").wait_for()
    wait_until(
        worker,
        "document.querySelector('[data-testid=invite-code]').textContent.length === 28"
        " || document.querySelector('[data-testid=invite-error]').textContent !== ''",
    )
    assert worker.get_by_test_id("invite-error").inner_text() == ""
    code = worker.get_by_test_id("invite-code").inner_text()
    assert "1号楼" in worker.get_by_test_id("invite-address").inner_text()
    assert worker.evaluate("document.querySelector('[data-testid=invite-qr]').width") >= 280
    shoot(worker, "worker-invite-offline")

    # A newcomer registers on their own phone: no role yet, 加入家庭 first.
    resident_ctx, resident = phones()
    register(resident, live_server, NEWCOMER, "李秀英")
    resident.get_by_test_id("join-open").wait_for()
    assert roles_of(db, NEWCOMER) == []
    shoot(resident, "unbound-home")
    resident.get_by_test_id("join-open").click()
    resident.get_by_test_id("join-code").fill(code[:-1] + ("0" if code[-1] != "0" else "1"))
    resident.get_by_test_id("join-submit").click()
    resident.get_by_test_id("join-code-error").get_by_text("邀请码不正确").wait_for()
    resident.get_by_test_id("join-code").fill(code.lower())
    shoot(resident, "resident-code")
    resident.get_by_test_id("join-submit").click()
    resident.locator('[data-testid=role-card][data-role="resident"]').wait_for()
    assert roles_of(db, NEWCOMER) == [("resident", home)]

    # A notice to the compound's residents reaches them now.
    reached = resolve(Targeting(compound_ids=(world.hexi_xiaoqu,), roles=("resident",)))
    newcomer_id = db.session.scalar(select(User.id).where(User.phone == NEWCOMER))
    assert newcomer_id in reached
    notify(reached, "test_notice", "河西小区明天上午停水", "9:00–12:00 维修水管")
    db.session.commit()
    go(resident, "/inbox")
    resident.get_by_text("河西小区明天上午停水").wait_for(timeout=30000)
    assert resident.get_by_text("住户已用邀请码加入").count() == 0  # the worker's notice is not theirs

    # 我的: the household, and a new password.
    go(resident, "/me")
    resident.get_by_test_id("me-household-row").get_by_text("1号楼").wait_for()
    resident.get_by_test_id("me-current-password").fill("wrong-password")
    resident.get_by_test_id("me-new-password").fill(NEXT_PASSWORD)
    resident.get_by_test_id("me-password-submit").click()
    resident.get_by_test_id("me-current-password-error").get_by_text("当前密码不正确").wait_for()
    resident.get_by_test_id("me-current-password").fill(NEW_PASSWORD)
    resident.get_by_test_id("me-password-submit").click()
    resident.get_by_test_id("me-password-saved").wait_for()
    shoot(resident, "me")
    assert AuthActions(app.test_client()).login(NEWCOMER, NEW_PASSWORD).status_code == 401
    assert AuthActions(app.test_client()).login(NEWCOMER, NEXT_PASSWORD).status_code == 200

    # The worker, back online, hears that the invitation was used.
    worker_ctx.set_offline(False)
    go(worker, "/inbox")
    worker.get_by_text("住户已用邀请码加入：李秀英").wait_for(timeout=30000)


def test_a_join_request_is_approved_from_the_queue(app, live_server, db, world, phones):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    resident_ctx, resident = phones()
    register(resident, live_server, SECOND, "赵大妈")
    resident.get_by_test_id("join-open").click()
    resident.get_by_test_id("join-request-open").click()
    resident.get_by_test_id("request-compound-search").fill("河西")
    resident.get_by_test_id("request-compound").first.click()
    resident.get_by_test_id("request-compound-chosen").wait_for()
    resident.get_by_test_id("request-building").fill("2号楼")
    resident.get_by_test_id("request-unit").fill("1单元")
    resident.get_by_test_id("request-room").fill("102")
    shoot(resident, "request-form")
    resident.get_by_test_id("request-submit").click()
    resident.get_by_test_id("request-sent").wait_for()

    worker_ctx, worker = phones()
    sign_in(worker, live_server, WORKER)
    worker.get_by_test_id("home").wait_for()
    wait_until(worker, DIRECTORY_KEPT, timeout=30)
    worker.get_by_test_id("join-requests-open").click()
    card = worker.get_by_test_id("join-request").first
    card.wait_for()
    assert "赵大妈" in card.inner_text()
    matches = card.get_by_test_id("request-household")
    matches.first.wait_for()
    assert "2号楼 1单元 102" in matches.first.inner_text()
    shoot(worker, "queue")
    card.get_by_test_id("request-approve").click()
    worker.get_by_test_id("join-queue-status").get_by_text("没有待处理的入户申请").wait_for()
    assert roles_of(db, SECOND) == [("resident", world.hh_hexi2[1])]
    go(resident, "/inbox")
    resident.get_by_text("您已加入家庭").wait_for(timeout=30000)
