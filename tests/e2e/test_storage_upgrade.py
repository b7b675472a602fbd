"""A phone that ran an older release keeps its data through db.js's upgrades, in real Chromium.

The old database is written here with raw IndexedDB calls, exactly as version 5 of db.js laid it
out (the records store with its `bucket` and `entity` indexes, issue 17 dropped them in version 6):
a record pulled from the server and a create still waiting in the outbox. The current app then
opens it, upgrades it, and syncs: nothing of the phone is lost and the queued create reaches the
server once."""

from sqlalchemy import func, select

from server.sync.models import SyncMutation
from tests.e2e.conftest import wait_until
from tests.e2e.test_shell import sign_in
from tests.sync.notes import Note

PULLED = "6f9e1a00-0000-4000-8000-000000000061"  # on the server and on the phone
QUEUED = "6f9e1a00-0000-4000-8000-000000000062"  # made on the phone, not sent yet

# db.js version 5's upgrade() steps, verbatim, then one record and one outbox entry as it stored them.
WRITE_VERSION_5 = """async ({ owner, pulled, queued, grid }) => {
  const open = indexedDB.open('redgrid', 5);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('kv');
    const records = db.createObjectStore('records', { keyPath: ['entity', 'id'] });
    records.createIndex('bucket', 'buckets', { multiEntry: true });
    records.createIndex('entity', 'entity');
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('record', ['entity', 'record_id']);
    outbox.createIndex('status', 'status');
    db.createObjectStore('photos', { keyPath: 'sha256' }).createIndex('state', 'state');
    db.createObjectStore('meta');
    db.createObjectStore('directories', { keyPath: 'grid_id' });
    db.createObjectStore('templates', { keyPath: 'id' });
    db.createObjectStore('dashboards', { keyPath: 'key' });
  };
  const db = await new Promise((resolve, reject) => {
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite');
  tx.objectStore('records').put({ entity: 'note', id: pulled.id, version: pulled.version,
    buckets: [`grid:${grid}`], data: pulled.data, deleted: false });
  tx.objectStore('records').put({ entity: 'note', id: queued, version: 0, buckets: [],
    data: { grid_id: grid, title: '离线新建：9号楼门禁损坏' }, deleted: false, server_data: null });
  tx.objectStore('outbox').add({ id: 'c0ffee00-0000-4000-8000-000000000062', entity: 'note', record_id: queued,
    op: 'create', base_version: null, epoch: null, fields: { grid_id: grid, title: '离线新建：9号楼门禁损坏' },
    client_time: '2026-12-07T09:00:00+08:00', status: 'pending', error: null, created_at: Date.now(), photos: [] });
  tx.objectStore('meta').put(owner, 'owner');
  tx.objectStore('meta').put('phone-of-release-5', 'client_id');
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
  db.close();
}"""

LOCAL_STATE = """async ({ pulled, queued }) => {
  const db = await import('/js/db.js');
  const notes = await db.listRecords('note');
  const raw = await new Promise((resolve) => { const open = indexedDB.open('redgrid'); \
open.onsuccess = () => resolve(open.result); });
  const indexes = [...raw.transaction('records').objectStore('records').indexNames];
  const version = raw.version;
  raw.close();
  return { version, indexes, notes: notes.map((n) => [n.id, n.version > 0, n.data.title]).sort(),
    outbox: (await db.listOutbox()).length, cursor: (await db.getMeta('cursor')) !== undefined,
    buckets: (await db.getRecord('note', queued)).buckets };
}"""


def test_a_phone_on_version_5_upgrades_keeping_its_records_and_outbox_then_syncs(
    live_server, app, page, db, world, notes_in_grids
):
    from tests.server.test_sync_api import create, push, signed_in

    worker = signed_in(app, "13800000003")
    result = push(worker, create(PULLED, world.g1, title="3号楼入户走访"), client_id="desk-1").get_json()["results"][0]
    assert result["status"] == "applied"
    me = worker.send("GET", "/api/me").get_json()["user"]
    pulled = {"id": PULLED, "version": result["version"], "data": result["record"]}

    page.goto(f"{live_server}/favicon.ico")  # the app's origin, before any of its code runs
    page.evaluate(
        WRITE_VERSION_5,
        {"owner": {"id": me["id"], "phone": me["phone"]}, "pulled": pulled, "queued": QUEUED, "grid": world.g1},
    )

    sign_in(page, live_server, "13800000003")  # the same worker: the phone's data stays
    page.get_by_test_id("home").wait_for()
    wait_until(page, "import('/js/db.js').then((db) => db.listOutbox()).then((entries) => entries.length === 0)")
    wait_until(page, "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')", timeout=30)

    state = page.evaluate(LOCAL_STATE, {"pulled": pulled, "queued": QUEUED})
    assert state["version"] == 6 and state["indexes"] == []
    assert state["notes"] == [[PULLED, True, "3号楼入户走访"], [QUEUED, True, "离线新建：9号楼门禁损坏"]]
    assert state["outbox"] == 0
    assert state["cursor"] and state["buckets"] == [f"grid:{world.g1}"], "pulled after the upgrade"
    db.session.expire_all()
    assert db.session.get(Note, QUEUED).title == "离线新建：9号楼门禁损坏"
    assert (
        db.session.scalar(
            select(func.count()).select_from(SyncMutation).where(SyncMutation.client_id == "phone-of-release-5")
        )
        == 1
    )
