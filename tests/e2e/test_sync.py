"""S1 in miniature, in real Chromium: offline, records and a photo go into the outbox; the page is
closed and reopened offline and they are still pending; online again, the server has each record
and the photo exactly once (PROTOCOL.md §6, §10)."""

import base64
import io
import time

from PIL import Image
from sqlalchemy import func, select

from server.blobs.models import Blob
from server.sync.models import SyncMutation
from tests.e2e.conftest import wait_until
from tests.e2e.test_shell import sign_in
from tests.sync.notes import Note

# Record ids are lowercase UUIDs (PROTOCOL.md §4.1), here 6f9e1a00-0000-4000-8000-0000000000NN:
# 01 and 02 the two offline notes, 03 a note kept, 04 one refused, 05 the admin's.

OUTBOX_SIZE = "import('/js/db.js').then((db) => db.listOutbox()).then((entries) => entries.length)"


def _camera_photo() -> str:
    """A 2400×1800 JPEG, as a phone camera makes them (the PWA must downscale it to 1600 px)."""
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (180, 40, 40)).save(buffer, "JPEG", quality=90)
    return base64.b64encode(buffer.getvalue()).decode()


def test_offline_records_and_photo_sync_exactly_once(live_server, context, page, db, world, notes_in_grids):
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    sha = page.evaluate(
        """async ({ photo, grid }) => {
            const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
            const photos = await import('/js/photos.js');
            const outbox = await import('/js/outbox.js');
            const sha = await photos.addPhotoFromFile(new File([bytes], 'IMG_0001.jpg', { type: 'image/jpeg' }));
            for (const [id, title] of [['6f9e1a00-0000-4000-8000-000000000001', '3号楼入户走访'], \
['6f9e1a00-0000-4000-8000-000000000002', '5号楼消防通道堆物']]) {
                await outbox.enqueue({ entity: 'note', id, op: 'create', \
fields: { grid_id: grid, title, photos: [sha] } });
            }
            return sha;
        }""",
        {"photo": _camera_photo(), "grid": world.g1},
    )
    page.close()

    reopened = context.new_page()
    reopened.goto(live_server)  # offline: the service worker serves the shell
    reopened.get_by_test_id("home").wait_for()
    assert reopened.evaluate(OUTBOX_SIZE) == 2, "still pending after closing the page"
    wait_until(
        reopened, "document.querySelector('[data-testid=sync-chip-text]').textContent.includes('2 条修改待同步')"
    )
    photo = reopened.evaluate(
        f"import('/js/db.js').then((db) => db.getPhoto('{sha}')).then((p) => p && {{state: p.state, size: p.size}})"
    )
    assert photo["state"] == "queued"
    assert db.session.scalar(select(func.count()).select_from(Note)) == 0

    context.set_offline(False)  # 'online' fires: the client uploads the photo, then pushes
    wait_until(reopened, f"{OUTBOX_SIZE}.then((n) => n === 0)", timeout=30)
    wait_until(reopened, "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')", timeout=30)
    wait_until(reopened, "document.querySelector('[data-testid=sync-chip-text]').textContent.startsWith('已同步')")

    db.session.expire_all()
    notes = {n.id: n for n in db.session.scalars(select(Note))}
    assert sorted(notes) == ["6f9e1a00-0000-4000-8000-000000000001", "6f9e1a00-0000-4000-8000-000000000002"]
    assert notes["6f9e1a00-0000-4000-8000-000000000001"].photos == [sha] and notes[
        "6f9e1a00-0000-4000-8000-000000000002"
    ].photos == [sha]
    blob = db.session.get(Blob, sha)
    assert (blob.width, blob.height) == (1600, 1200), "downscaled on the phone before upload"
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 1
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 2
    # A sync with nothing new changes nothing on the server.
    reopened.evaluate("import('/js/sync-client.js').then((c) => c.syncNow())")
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 2


def test_a_change_made_elsewhere_reaches_an_open_page_without_reload(live_server, app, page, world, notes_in_grids):
    """The server pokes the page over Socket.IO after the commit; the page pulls at once (the
    sync client's own timer is 60 s, far beyond this test's wait)."""
    from tests.server.test_sync_api import create, push, signed_in

    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')")
    has_note = (
        "import('/js/db.js').then((db) => db.getRecord('note', '6f9e1a00-0000-4000-8000-000000000005'))"
        ".then((r) => r ? r.data.title : null)"
    )
    assert page.evaluate(has_note) is None
    time.sleep(1)  # let the socket finish connecting and joining its rooms
    other_device = signed_in(app, "13800000003")  # the same worker on the office computer
    assert (
        push(
            other_device,
            create("6f9e1a00-0000-4000-8000-000000000005", world.g1, title="管理员派发：核查消防通道"),
            client_id="desk-1",
        ).get_json()["results"][0]["status"]
        == "applied"
    )
    wait_until(page, f"{has_note}.then((title) => title === '管理员派发：核查消防通道')", timeout=8)


# Counts IndexedDB writes (put, add, delete, clear) from now on, in window.idbWrites.
COUNT_WRITES = """() => {
  window.idbWrites = 0;
  for (const name of ['put', 'add', 'delete', 'clear']) {
    const method = IDBObjectStore.prototype[name];
    IDBObjectStore.prototype[name] = function (...args) {
      window.idbWrites += 1;
      return method.apply(this, args);
    };
  }
}"""


def test_a_sync_with_nothing_new_writes_nothing_and_its_time_survives_a_reload(
    live_server, page, world, notes_in_grids
):
    """Issue 17: the phone stores nothing when the pull brings nothing (same cursor, no changes);
    the status still says 已同步 at the new time, which is written when the page goes."""
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')")
    page.evaluate("import('/js/sync-client.js').then((c) => c.syncNow())")  # the last-sync time is stored
    last_stored = "import('/js/db.js').then((db) => db.getMeta('last_sync_at'))"
    stored_before = page.evaluate(last_stored)
    assert stored_before > 0
    page.evaluate(COUNT_WRITES)
    status = page.evaluate(
        """async () => {
            const client = await import('/js/sync-client.js');
            await new Promise((resolve) => setTimeout(resolve, 20)); // a later time than the stored one
            return client.syncNow();
        }"""
    )
    assert status["state"] == "idle" and status["lastSyncAt"] > stored_before
    assert page.evaluate("window.idbWrites") == 0, "nothing new: nothing written to IndexedDB"
    assert page.evaluate(last_stored) == stored_before, "held in memory until the page goes"
    wait_until(page, "document.querySelector('[data-testid=sync-chip-text]').textContent.startsWith('已同步')")

    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")  # as a reload does
    wait_until(page, f"{last_stored}.then((at) => at === {status['lastSyncAt']})")
    page.reload()
    page.get_by_test_id("home").wait_for()
    assert page.evaluate(last_stored) >= status["lastSyncAt"]
    wait_until(page, "document.querySelector('[data-testid=sync-chip-text]').textContent.startsWith('已同步')")


def test_a_shared_phone_never_drops_or_shows_another_users_data_silently(
    live_server, context, page, world, notes_in_grids
):
    """Grid workers share phones at the service centre: unsent edits stop a sign-out and another
    user's sign-in until someone chooses to discard them; synced records never show to the next user."""
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')")
    # One record that syncs, one edit the server refuses (grid 2 is not this worker's): it stays.
    page.evaluate(
        """async ({ mine, other }) => {
            const outbox = await import('/js/outbox.js');
            const client = await import('/js/sync-client.js');
            await outbox.enqueue({ entity: 'note', id: '6f9e1a00-0000-4000-8000-000000000003', op: 'create', \
fields: { grid_id: mine, title: '已同步' } });
            await outbox.enqueue({ entity: 'note', id: '6f9e1a00-0000-4000-8000-000000000004', op: 'create', \
fields: { grid_id: other, title: '越权' } });
            await client.syncNow();
        }""",
        {"mine": world.g1, "other": world.g2},
    )
    assert page.evaluate("import('/js/outbox.js').then((o) => o.countOutbox())") == {"pending": 0, "rejected": 1}

    page.get_by_test_id("signout").click()
    alert = page.get_by_test_id("home-error")
    alert.wait_for()
    wait_until(page, "document.querySelector('[data-testid=home-error]').textContent.includes('1 条修改没有同步')")
    assert page.get_by_test_id("signout-discard").is_visible()

    # The session ends elsewhere (expired); the next person takes the phone. Once no sync is under
    # way: an answer to a request sent before the cookies go would set the session cookie again.
    wait_until(page, "import('/js/sync-client.js').then((c) => c.getStatus().state !== 'syncing')")
    page.wait_for_timeout(300)
    context.clear_cookies()
    page.reload()
    page.get_by_test_id("signin-form").wait_for()
    sign_in(page, live_server, "13800000004")
    error = page.get_by_test_id("signin-error")
    error.wait_for()
    wait_until(page, "document.querySelector('[data-testid=signin-error]').textContent.includes('138****0003')")
    page.get_by_test_id("signin-discard").click()
    page.get_by_test_id("home").wait_for()
    assert "网格员乙" in page.get_by_test_id("home").inner_text()
    assert page.evaluate("import('/js/db.js').then((db) => db.listOutbox()).then((l) => l.length)") == 0
    assert page.evaluate(
        "import('/js/db.js').then((db) => db.getRecord('note', '6f9e1a00-0000-4000-8000-000000000003'))"
        ".then((r) => r === undefined)"
    )


def test_a_refused_change_stays_visible_with_its_reason_until_discarded(
    live_server, page, world, notes_in_grids, screenshot
):
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    page.evaluate(
        """async (other) => {
            const outbox = await import('/js/outbox.js');
            await outbox.enqueue({ entity: 'note', id: '6f9e1a00-0000-4000-8000-000000000004', op: 'create', \
fields: { grid_id: other, title: '写到别的网格' } });
            await (await import('/js/sync-client.js')).syncNow();
        }""",
        world.g2,
    )
    # Home says so at once, in the header's chip and above the work, and leads to the details.
    page.get_by_test_id("refused-banner").wait_for()
    assert page.get_by_test_id("sync-chip-text").inner_text() == "1 项需处理"
    assert page.get_by_test_id("net-status").get_attribute("data-state") == "refused"
    page.get_by_test_id("refused-banner").click()
    item = page.get_by_test_id("rejected-item")
    item.wait_for()
    assert "写到别的网格" in item.inner_text()
    assert "该记录不存在或不在您的管辖范围内" in item.inner_text()
    screenshot(page, "sync-refused-360")
    page.get_by_test_id("rejected-retry").click()  # sent again under a new id: refused again, still there
    wait_until(page, "import('/js/sync-client.js').then((c) => c.syncNow()).then((s) => s.rejected === 1)")
    assert page.get_by_test_id("rejected-item").count() == 1
    page.get_by_test_id("rejected-discard").click()
    wait_until(page, "document.querySelectorAll('[data-testid=rejected-item]').length === 0")
    assert page.evaluate(OUTBOX_SIZE) == 0
