// The browser side of sync, end to end without a browser or a network: outbox.js, photos.js and
// sync-client.js over fake-indexeddb, talking through api.js to a fake server that runs the
// JavaScript port of the engine (support/fake-server.mjs).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';

import './support/setup.mjs';
import { createFakeServer } from './support/fake-server.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const outbox = await import('../js/outbox.js');
const photos = await import('../js/photos.js');
const localRecords = await import('../js/local-records.js');
const { backoffDelay, createSyncClient, BACKOFF_CAP_MS } = await import('../js/sync-client.js');
const { decodeCursor } = await import('../js/sync-core.js');

const ADMIN = { user_id: 2, buckets: { 'grid:1': ['admin'], 'grid:2': ['admin'] } };
const OTHER_WORKER = { user_id: 3, buckets: { 'grid:1': ['grid_worker'], 'grid:2': ['grid_worker'] } };

let server;
let clients;

/** Timers and events the test drives by hand; nothing fires on its own. */
function fakeEnv({ visibility = 'visible', navigator = {} } = {}) {
  const env = new EventTarget();
  env.timeouts = new Map();
  env.intervals = [];
  let next = 1;
  env.setTimeout = (fn, ms) => {
    env.timeouts.set(next, { fn, ms });
    return next++;
  };
  env.clearTimeout = (id) => env.timeouts.delete(id);
  env.setInterval = (fn, ms) => {
    env.intervals.push({ fn, ms });
    return next++;
  };
  env.clearInterval = () => env.intervals.splice(0);
  env.document = Object.assign(new EventTarget(), { visibilityState: visibility });
  env.navigator = navigator;
  env.fire = (id) => {
    const { fn } = env.timeouts.get(id);
    env.timeouts.delete(id);
    fn();
  };
  return env;
}

function newClient(options = {}) {
  const env = options.env ?? fakeEnv();
  const client = createSyncClient({ random: () => 0.5, ...options, env });
  clients.push(client);
  return Object.assign(client, { env });
}

const note = (id) => db.getRecord('note', id);
const serverNote = (id) => server.store.getRecord('note', id);
const pushes = () => server.requestsTo('POST', '/api/sync/push');
const pulls = () => server.requestsTo('POST', '/api/sync/pull');
const create = (fields, id) => outbox.enqueue({ entity: 'note', op: 'create', fields: { grid_id: 1, ...fields }, id });
const update = (id, fields) => outbox.enqueue({ entity: 'note', id, op: 'update', fields });

/** Someone else writes on the server; a refusal here would be a broken test, not a finding. */
function othersWrite(spec, clientId, mutations) {
  const results = server.pushAs(spec, clientId, mutations);
  assert.ok(
    results.every((r) => r.status !== 'rejected'),
    JSON.stringify(results),
  );
  return results;
}

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory(); // a fresh, empty database per test
  server = createFakeServer({ buckets: { 'grid:1': ['grid_worker'] } });
  globalThis.fetch = server.fetch;
  clients = [];
});

afterEach(() => {
  for (const client of clients) client.stop();
});

// --- outbox ----------------------------------------------------------------------------------

test('offline edits are queued, shown at once, and pushed once when the network is back', async () => {
  server.offline = true;
  const { record } = await create({ title: '入户走访', body: '王大爷家' });
  const id = record.id;
  const edited = await update(id, { grid_id: 1, title: '入户走访', body: '王大爷家，已走访' });

  // Only the changed field leaves the phone, based on the version the user saw (none yet: 0).
  assert.deepEqual(edited.mutation.fields, { body: '王大爷家，已走访' });
  assert.equal(edited.mutation.base_version, 0);
  assert.match(edited.mutation.id, /^[0-9a-f-]{36}$/);
  assert.match(edited.mutation.client_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  assert.deepEqual((await note(id)).data, { grid_id: 1, title: '入户走访', body: '王大爷家，已走访' });
  assert.equal((await outbox.listPending()).length, 2);
  assert.equal(await update(id, { body: '王大爷家，已走访' }), null, 'an edit that changes nothing is not queued');

  const client = newClient();
  const offline = await client.syncNow();
  assert.equal(offline.state, 'offline');
  assert.equal(offline.pending, 2);
  assert.equal(server.store.lastSeq, 0);
  assert.ok(
    [...client.env.timeouts.values()].some((t) => t.ms <= 1000),
    'a retry is scheduled within the first backoff step',
  );

  server.offline = false;
  const done = await client.syncNow();
  assert.equal(done.state, 'idle');
  assert.equal(done.pending, 0);
  assert.ok(done.lastSyncAt > 0);
  assert.equal(pushes().length, 1, 'offline, nothing arrived (not even the CSRF token fetch)');
  assert.deepEqual(
    pushes()[0].body.mutations.map((m) => m.op),
    ['create', 'update'],
  );
  assert.deepEqual(serverNote(id).values, { grid_id: 1, title: '入户走访', body: '王大爷家，已走访' });
  assert.equal(serverNote(id).version, 2);

  const local = await note(id);
  assert.equal(local.version, 2);
  assert.deepEqual(local.buckets, ['grid:1'], 'the pull tells which bucket holds it');
  assert.deepEqual(local.data, serverNote(id).values);
  assert.ok(!('server_data' in local), 'nothing left to overlay');

  await client.syncNow();
  assert.equal(pushes().length, 1, 'nothing is pushed twice');
});

test('a lost answer is followed by the same batch, unchanged, and the server applies it once', async () => {
  const client = newClient();
  const { record } = await create({ title: '一次' });
  server.failNext('POST /api/sync/push', 'lost');
  assert.equal((await client.syncNow()).state, 'offline');
  assert.equal(server.store.lastSeq, 1, 'the server applied it');
  assert.deepEqual(
    (await outbox.listPending()).map((e) => e.status),
    ['sending'],
  );

  await update(record.id, { title: '两次' }); // queued meanwhile: must not join the unanswered batch
  await client.syncNow();
  const [first, second, third] = pushes().map((r) => r.body);
  assert.deepEqual(second, first, 'resent unchanged (same ids: the server replays its answer)');
  assert.deepEqual(
    third.mutations.map((m) => m.fields),
    [{ title: '两次' }],
  );
  assert.equal(server.store.lastSeq, 2, 'one write for the create, one for the update');
  assert.equal((await note(record.id)).version, 2);
  assert.equal((await outbox.listPending()).length, 0);
});

test('a refused mutation stays in the outbox with the reason, shown, until discarded', async () => {
  const client = newClient();
  const { record } = await create({ title: '楼道堆物' });
  await client.syncNow();
  await update(record.id, { status: 'done', title: '楼道堆物（已清）' }); // status is admin-only
  const status = await client.syncNow();
  assert.equal(status.rejected, 1);
  assert.equal(status.pending, 0);

  const [refused] = await outbox.listRejected();
  assert.equal(refused.error.code, 'forbidden_field');
  assert.ok(refused.error.message);
  assert.deepEqual(Object.keys(refused.error.fields), ['status']);
  assert.equal((await note(record.id)).data.status, 'done', 'the user still sees what they typed');
  assert.equal(serverNote(record.id).version, 1, 'nothing written');

  await client.syncNow();
  assert.equal(pushes().length, 2, 'a refused mutation is not sent again by itself');

  await outbox.discard(refused.seq);
  assert.deepEqual((await note(record.id)).data, { grid_id: 1, title: '楼道堆物' }, 'back to the server copy');
  assert.equal((await outbox.listRejected()).length, 0);
});

test('a refused mutation fixed by the user goes again under a new id', async () => {
  const client = newClient();
  const { record } = await create({ title: 't' });
  await client.syncNow();
  await update(record.id, { status: 'done' });
  await client.syncNow();
  const [refused] = await outbox.listRejected();
  const retried = await outbox.retry(refused.seq, { fields: { title: 't2' } });
  assert.notEqual(retried.id, refused.id);
  assert.equal(retried.seq, refused.seq, 'keeps its place in the queue');
  assert.deepEqual((await note(record.id)).data, { grid_id: 1, title: 't2' });
  const status = await client.syncNow();
  assert.equal(status.rejected, 0);
  assert.equal(serverNote(record.id).values.title, 't2');
});

test('deleting a record the server never saw drops its queued edits instead', async () => {
  const { record } = await create({ title: 'oops' });
  await update(record.id, { title: 'oops2' });
  await outbox.enqueue({ entity: 'note', id: record.id, op: 'delete' });
  assert.equal(await note(record.id), undefined);
  assert.equal((await outbox.listPending()).length, 0);
});

test('a delete waits as a hidden record and restores the server copy when discarded', async () => {
  const client = newClient();
  const { record } = await create({ title: 't' });
  await client.syncNow();
  const { seq } = await outbox.enqueue({ entity: 'note', id: record.id, op: 'delete' });
  assert.equal((await note(record.id)).deleted, true);
  await outbox.discard(seq);
  assert.equal((await note(record.id)).deleted, false);
});

// --- merging with the server -----------------------------------------------------------------

test("a conflict replaces the local record with the server's merged record", async () => {
  const client = newClient();
  const { record } = await create({ title: 'A', body: 'a' });
  await client.syncNow();
  othersWrite(OTHER_WORKER, 'phone-3', [
    {
      id: 'other-1',
      entity: 'note',
      record_id: record.id,
      op: 'update',
      base_version: 1,
      fields: { title: 'B', body: 'b' },
    },
  ]);
  await update(record.id, { title: 'C', body: 'c' }); // offline edit on version 1

  const status = await client.syncNow();
  assert.equal(status.conflicts, 1);
  const local = await note(record.id);
  // title is server_wins, body client_wins (_entity_note.json): the server's merge, not ours.
  assert.deepEqual(local.data, { grid_id: 1, title: 'B', body: 'c' });
  assert.equal(local.version, 3);
  assert.deepEqual(
    server.store.conflicts.map((c) => [c.field, c.winner]),
    [
      ['title', 'server'],
      ['body', 'client'],
    ],
  );
});

test("edits still queued are re-applied over the server's answer", async () => {
  const client = newClient({ batchSize: 1 });
  const { record } = await create({ title: 'T0' });
  await client.syncNow();
  othersWrite(ADMIN, 'desk-2', [
    { id: 'admin-1', entity: 'note', record_id: record.id, op: 'update', base_version: 1, fields: { status: 'open' } },
  ]);
  await update(record.id, { title: 'T1' });
  await update(record.id, { body: 'B2' });

  let seenBetween;
  server.onRequest = async (request) => {
    if (request.path === '/api/sync/push' && pushes().length === 3) seenBetween = await note(record.id);
  };
  await client.syncNow();
  // After the first answer (title, version 3, with the admin's status), the body edit still waits.
  assert.deepEqual(seenBetween.data, { grid_id: 1, title: 'T1', status: 'open', body: 'B2' });
  assert.deepEqual(seenBetween.server_data, { grid_id: 1, title: 'T1', status: 'open' });
  assert.equal(seenBetween.version, 3);
  assert.deepEqual((await note(record.id)).data, { grid_id: 1, title: 'T1', status: 'open', body: 'B2' });
  assert.equal(server.store.conflicts.length, 0, 'a phone never conflicts with its own edits');
});

test('a malformed mutation is set aside with the reason and the rest of the batch goes', async () => {
  const client = newClient();
  await create({ title: 'too long an id' }, 'x'.repeat(65));
  const { record } = await create({ title: 'fine' });
  const status = await client.syncNow();
  assert.equal(status.rejected, 1);
  const [refused] = await outbox.listRejected();
  assert.equal(refused.error.code, 'bad_mutation');
  assert.deepEqual(Object.keys(refused.error.fields), ['record_id']);
  assert.equal(serverNote(record.id).values.title, 'fine');
});

test(
  'an edit carries the epoch of its data: made before a restore of the server, it conflicts ' + 'and nothing is lost',
  async () => {
    const client = newClient();
    const { record } = await create({ title: 'A' });
    await client.syncNow();
    const backup = server.backup();
    othersWrite(ADMIN, 'desk', [
      {
        id: crypto.randomUUID(),
        entity: 'note',
        record_id: record.id,
        op: 'update',
        base_version: 1,
        fields: { title: 'B' },
      },
    ]);
    await client.syncNow();
    assert.equal((await note(record.id)).version, 2);
    server.offline = true;
    await update(record.id, { title: 'C' }); // made on version 2 of the history about to be lost
    server.restoreBackup(backup, 'epoch-2');
    // The restored server hands out seq 2 again, to another write.
    othersWrite(ADMIN, 'desk', [
      {
        id: crypto.randomUUID(),
        entity: 'note',
        record_id: record.id,
        op: 'update',
        base_version: 1,
        fields: { title: 'D' },
      },
    ]);
    server.offline = false;
    await client.syncNow();
    const [sent] = pushes().at(-1).body.mutations;
    assert.deepEqual([sent.base_version, sent.epoch], [2, 'epoch-1']);
    assert.equal(serverNote(record.id).values.title, 'D', 'the write after the restore is not overwritten');
    assert.deepEqual(
      server.store.conflicts.map((c) => [c.field, c.server_value, c.client_value]),
      [['title', 'D', 'C']],
    );
    assert.equal((await note(record.id)).data.title, 'D');
    assert.equal(await db.getMeta('epoch'), 'epoch-2');
  },
);

// --- pulling ---------------------------------------------------------------------------------

function seed(count, grid = 1, prefix = 'n') {
  const mutations = Array.from({ length: count }, (_, i) => ({
    id: `seed-${prefix}${i}`,
    entity: 'note',
    record_id: `${prefix}${i}`,
    op: 'create',
    fields: { grid_id: grid, title: `${prefix}${i}` },
  }));
  return othersWrite(OTHER_WORKER, 'phone-3', mutations);
}

test('pull follows every page, and stores the cursor with each', async () => {
  seed(5);
  const client = newClient({ pageLimit: 2 });
  const stored = [];
  server.onRequest = async (request) => {
    if (request.path === '/api/sync/pull') stored.push([request.body.cursor, (await db.getMeta('cursor')) ?? null]);
  };
  await client.syncNow();
  assert.equal(pulls().length, 3);
  assert.deepEqual(
    pulls().map((r) => r.body.limit),
    [2, 2, 2],
  );
  assert.deepEqual(
    pulls().map((r) => r.answer.has_more),
    [true, true, false],
  );
  assert.equal(pulls()[0].body.cursor, null);
  for (const [sent, inStorage] of stored)
    assert.equal(sent, inStorage, 'each page is sent from the cursor stored with the last');
  assert.equal(await db.getMeta('cursor'), pulls()[2].answer.cursor);
  assert.deepEqual(decodeCursor(await db.getMeta('cursor'))[1], { 'grid:1': 5 });
  assert.deepEqual((await db.listRecords('note')).map((r) => [r.id, r.version]).sort(), [
    ['n0', 1],
    ['n1', 2],
    ['n2', 3],
    ['n3', 4],
    ['n4', 5],
  ]);
});

/** Counts IndexedDB writes (put, add, delete, clear) while fn runs. */
async function idbWritesDuring(fn) {
  const proto = globalThis.IDBObjectStore.prototype;
  const originals = {};
  let writes = 0;
  for (const name of ['put', 'add', 'delete', 'clear']) {
    originals[name] = proto[name];
    proto[name] = function (...args) {
      writes += 1;
      return originals[name].apply(this, args);
    };
  }
  try {
    return { result: await fn(), writes };
  } finally {
    Object.assign(proto, originals);
  }
}

test('a sync with nothing new writes nothing to IndexedDB; a change anywhere stores the moved cursor', async () => {
  seed(2);
  const client = newClient();
  await client.syncNow();
  const cursor = await db.getMeta('cursor');
  const quiet = await idbWritesDuring(() => client.syncNow());
  assert.equal(quiet.result.state, 'idle');
  assert.ok(quiet.result.lastSyncAt > 0);
  assert.equal(pulls().at(-1).answer.cursor, cursor, 'the server sends the same cursor back');
  assert.equal(quiet.writes, 0);

  seed(1, 2, 'elsewhere');
  const moved = await idbWritesDuring(() => client.syncNow());
  assert.ok(moved.writes > 0);
  assert.notEqual(await db.getMeta('cursor'), cursor, 'a change in another bucket moves the cursor: stored');
  assert.equal(await db.getMeta('cursor'), pulls().at(-1).answer.cursor);
});

test("a fresh phone's first pull skips lookups only while it holds nothing but what the pull stored", async () => {
  // Page 2 brings an update of n0 (stored by page 1) and, between the pages, the user edits n1:
  // both must be merged with what is stored, not written over it.
  seed(3);
  const pullAll = (await import('../js/sync-pull.js')).pullAll;
  let page = 0;
  server.onRequest = async (request) => {
    if (request.path !== '/api/sync/pull') return;
    page += 1;
    if (page === 2) {
      othersWrite(ADMIN, 'desk-2', [
        { id: 'a-n0', entity: 'note', record_id: 'n0', op: 'update', base_version: 1, fields: { title: '改过' } },
      ]);
      await update('n1', { title: '我的修改' });
    }
  };
  await pullAll({ limit: 2 });
  assert.equal((await note('n0')).data.title, '改过');
  assert.equal((await note('n0')).version, 4);
  const mine = await note('n1');
  assert.equal(mine.data.title, '我的修改', 'the queued edit stays shown');
  assert.equal(mine.server_data.title, 'n1');
  assert.deepEqual((await db.listRecords('note')).map((r) => r.id).sort(), ['n0', 'n1', 'n2']);
});

test("a fresh phone's first pull stores each record as a lookup would have, and strict edits stay strict", async () => {
  // The first pull's shortcut (local-records.js receiveFreshCopy) puts records without reading
  // them first: what it stores must be what receiveServerCopy writes over a held copy.
  seed(3);
  const pullAll = (await import('../js/sync-pull.js')).pullAll;
  const modes = [];
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (stores, mode, options) {
    modes.push({ stores: [stores].flat().join(), mode, durability: options?.durability ?? 'default' });
    return transaction.call(this, stores, mode, options);
  };
  try {
    await pullAll({ limit: 2 });
    const fresh = await db.listRecords('note');
    assert.equal(fresh.length, 3);
    await db.setMeta('cursor', null); // pulled again from the start, over the held copies
    await pullAll({ limit: 2 });
    assert.deepEqual(await db.listRecords('note'), fresh);
    await update('n0', { title: '我的修改' });
  } finally {
    IDBDatabase.prototype.transaction = transaction;
  }
  const written = (durability) => modes.filter((m) => m.mode === 'readwrite' && m.durability === durability);
  assert.ok(written('relaxed').length >= 4, 'pull pages are written relaxed');
  assert.deepEqual(
    written('strict').map((m) => m.stores),
    ['records,outbox,photos,meta'],
    "the user's edit, and it alone, is written strict",
  );
});

test('a tombstone removes the record; a move to another bucket of ours keeps it', async () => {
  server.setBuckets({ 'grid:1': ['grid_worker'], 'grid:2': ['grid_worker'] });
  seed(2);
  const client = newClient();
  await client.syncNow();
  othersWrite(ADMIN, 'desk-2', [
    { id: 'a1', entity: 'note', record_id: 'n0', op: 'delete', base_version: 1 },
    { id: 'a2', entity: 'note', record_id: 'n1', op: 'update', base_version: 2, fields: { grid_id: 2 } },
  ]);
  await client.syncNow();
  assert.equal(await note('n0'), undefined);
  assert.deepEqual((await note('n1')).buckets, ['grid:2']);
  assert.equal((await note('n1')).version, 4);
});

test('removed_buckets drop the records held only through them; queued edits keep theirs', async () => {
  server.setBuckets({ 'grid:1': ['grid_worker'], 'grid:2': ['grid_worker'] });
  seed(2, 1, 'a');
  seed(1, 2, 'b');
  const client = newClient();
  await client.syncNow();
  await update('a0', { status: 'done' }); // refused: it stays in the outbox
  await client.syncNow();

  server.setBuckets({ 'grid:2': ['grid_worker'] });
  await client.syncNow();
  assert.deepEqual(pulls().at(-1).answer.removed_buckets, ['grid:1']);
  assert.deepEqual((await db.listRecords('note')).map((r) => r.id).sort(), ['a0', 'b0']);
  assert.equal(await note('a1'), undefined);
  const kept = await note('a0');
  assert.equal(kept.server_data, null, "the server's copy is gone");
  assert.equal(kept.data.status, 'done', 'the refused edit is still shown');
  assert.equal((await outbox.listRejected()).length, 1);
  assert.deepEqual(Object.keys(decodeCursor(await db.getMeta('cursor'))[1]), ['grid:2']);
});

test('a bucket reset after purged tombstones drops what was deleted meanwhile', async () => {
  seed(2);
  const client = newClient();
  await client.syncNow();
  othersWrite(ADMIN, 'desk-2', [{ id: 'del', entity: 'note', record_id: 'n1', op: 'delete', base_version: 2 }]);
  server.store.purgeTombstones(3); // the tombstone is gone: only a reset can tell
  seed(1, 1, 'late'); // seq 4: the cursor (2) is below the purge (3)
  await client.syncNow();
  assert.equal(pulls().length, 2);
  assert.deepEqual(pulls()[1].answer.reset_buckets, ['grid:1']);
  assert.ok(!pulls()[1].answer.changes.some((c) => c.op === 'delete'), 'no tombstone was sent');
  assert.deepEqual((await db.listRecords('note')).map((r) => r.id).sort(), ['late0', 'n0']);
});

test('cursor_expired and cursor_invalid start over from null and keep the outbox', async () => {
  seed(1);
  const client = newClient();
  const { record } = await create({ title: 'mine' });
  await client.syncNow();
  await update('n0', { status: 'done' }); // refused, stays
  await client.syncNow();

  server.store.epochValue = 'epoch-restored';
  let status = await client.syncNow();
  assert.equal(status.state, 'idle');
  const [expired, fresh] = pulls().slice(-2);
  assert.notEqual(expired.body.cursor, null);
  assert.equal(fresh.body.cursor, null);
  assert.equal((await outbox.listRejected()).length, 1, 'the outbox is never dropped');
  assert.equal((await note('n0')).data.status, 'done');
  assert.equal((await note(record.id)).version, 2);

  await db.setMeta('cursor', 'not-a-cursor');
  status = await client.syncNow();
  assert.equal(status.state, 'idle');
  assert.equal(pulls().at(-1).body.cursor, null);
  assert.equal((await db.listRecords('note')).length, 2);
});

test('after a purge, a bucket is reset once and then paged to the end', async () => {
  // The cursor carries the purge mark it was issued under, so the pages of a reset bucket,
  // whose positions lie below the mark, are not reset again (PROTOCOL.md §5.5).
  seed(5);
  othersWrite(ADMIN, 'desk-2', [{ id: 'del', entity: 'note', record_id: 'n4', op: 'delete', base_version: 5 }]);
  server.store.purgeTombstones(6);
  const client = newClient({ pageLimit: 2 });
  const status = await client.syncNow();
  assert.equal(status.state, 'idle');
  assert.deepEqual((await db.listRecords('note')).map((r) => r.id).sort(), ['n0', 'n1', 'n2', 'n3']);
  assert.ok(pulls().length <= 3, `${pulls().length} pulls`);
});

// --- starting over without losing what the phone shows (§5.5) ---------------------------------

const titles = async () => Object.fromEntries((await db.listRecords('note')).map((r) => [r.id, r.data.title]));
const staleMarks = async () =>
  Object.fromEntries((await db.listRecords('note')).filter((r) => r.stale).map((r) => [r.id, r.stale]));

/** Closing the app: the sync loops and the connection go; only IndexedDB remains. */
async function restartApp() {
  for (const client of clients.splice(0)) client.stop();
  await db.closeDb();
}

test('cursor expired: the old records stay readable until the re-pull ends, even across a restart', async () => {
  seed(4);
  const client = newClient({ pageLimit: 2 });
  const { record: mine } = await create({ title: 'mine' });
  await client.syncNow();
  othersWrite(OTHER_WORKER, 'phone-3', [
    { id: 'n1-v6', entity: 'note', record_id: 'n1', op: 'update', base_version: 2, fields: { title: 'n1 v6' } },
  ]);
  await client.syncNow();
  await update('n0', { status: 'done' }); // refused: stays in the outbox
  await client.syncNow();
  assert.equal((await note('n1')).version, 6);

  // Restored from a backup: a new epoch, seqs counted from 1 again, n3 and ours gone.
  server.restore('epoch-restored');
  othersWrite(OTHER_WORKER, 'phone-3', [
    { id: 'r0', entity: 'note', record_id: 'n0', op: 'create', fields: { grid_id: 1, title: 'n0' } },
    { id: 'r1', entity: 'note', record_id: 'n1', op: 'create', fields: { grid_id: 1, title: 'n1 restored' } },
    { id: 'r2', entity: 'note', record_id: 'n2', op: 'create', fields: { grid_id: 1, title: 'n2' } },
  ]);
  let pulled = 0;
  server.failNext((r) => r.path === '/api/sync/pull' && ++pulled === 3, 'network'); // 410, first page, then no signal

  assert.equal((await client.syncNow()).state, 'offline');
  assert.deepEqual(
    pulls()
      .slice(-3)
      .map((r) => r.body.cursor === null),
    [false, true, false],
  );
  assert.deepEqual(
    await titles(),
    { n0: 'n0', n1: 'n1 restored', n2: 'n2', n3: 'n3', [mine.id]: 'mine' },
    'nothing vanished: the first page replaced two records, the others wait',
  );
  assert.equal((await note('n1')).version, 2, "the restored server's copy replaced ours despite its lower version");
  assert.equal((await note('n0')).data.status, 'done', 'the refused edit is still shown');
  assert.deepEqual(await staleMarks(), { n2: ['*', 'grid:1'], n3: ['*', 'grid:1'], [mine.id]: ['*', 'grid:1'] });
  assert.deepEqual(await db.getMeta('resync'), ['*']);

  await restartApp();
  const reopened = newClient({ pageLimit: 2 });
  assert.equal((await reopened.syncNow()).state, 'idle');
  assert.notEqual(pulls().at(-2).body.cursor, null, 'the re-pull went on from where it stopped');
  assert.deepEqual(await titles(), { n0: 'n0', n1: 'n1 restored', n2: 'n2' }, 'what the server no longer has is swept');
  assert.deepEqual(await staleMarks(), {});
  assert.equal(await db.getMeta('resync'), undefined);
  assert.equal((await outbox.listRejected()).length, 1, 'the outbox is never touched');
  assert.equal((await note('n0')).data.status, 'done');
});

test('a reset bucket keeps its records until it has been sent to the end, even across a restart', async () => {
  seed(4);
  const client = newClient({ pageLimit: 2 });
  await client.syncNow();
  othersWrite(ADMIN, 'desk-2', [{ id: 'del', entity: 'note', record_id: 'n1', op: 'delete', base_version: 2 }]);
  server.store.purgeTombstones(5); // the tombstone is gone: only a reset can tell
  seed(1, 1, 'late');
  let pulled = 0;
  // the reset's first page, then no signal
  server.failNext((r) => r.path === '/api/sync/pull' && ++pulled === 2, 'network');

  assert.equal((await client.syncNow()).state, 'offline');
  assert.deepEqual(pulls().at(-2).answer.reset_buckets, ['grid:1']);
  assert.deepEqual(
    Object.keys(await titles()).sort(),
    ['n0', 'n1', 'n2', 'n3'],
    'nothing vanished while the reset was cut short',
  );
  assert.deepEqual(await staleMarks(), { n1: ['grid:1'], n3: ['grid:1'] }, 'n0 and n2 came again');
  assert.deepEqual(await db.getMeta('resync'), ['grid:1']);

  await restartApp();
  const before = pulls().length;
  const reopened = newClient({ pageLimit: 2 });
  assert.equal((await reopened.syncNow()).state, 'idle');
  assert.deepEqual(
    pulls()
      .slice(before)
      .map((r) => r.answer.reset_buckets),
    [[]],
    'resumed, not reset again',
  );
  assert.deepEqual(
    Object.keys(await titles()).sort(),
    ['late0', 'n0', 'n2', 'n3'],
    'the record deleted meanwhile is swept',
  );
  assert.deepEqual(await staleMarks(), {});
  assert.equal(await db.getMeta('resync'), undefined);
});

test('a sweep leaves only the reset bucket: a record also held through another of ours stays', async () => {
  // Notes live in one grid each; an org record is held through every ancestor org unit (§2),
  // so the local records are written here as such a pull would have left them.
  const held = (id, buckets) => ({ entity: 'note', id, version: 1, buckets, data: { title: id }, deleted: false });
  await db.transact(['records', 'outbox'], async (tx) => {
    for (const record of [
      held('both', ['grid:1', 'grid:2']),
      held('gone', ['grid:1']),
      held('again', ['grid:1']),
      held('other', ['grid:2']),
    ]) {
      await tx.records.put(record);
    }
    await localRecords.markStale(tx, 'grid:1');
    await localRecords.receiveServerCopy(tx, {
      entity: 'note',
      id: 'again',
      version: 7,
      data: { title: 'again' },
      bucket: 'grid:1',
    });
  });
  assert.deepEqual(await staleMarks(), { both: ['grid:1'], gone: ['grid:1'] });
  await db.transact(['records', 'outbox'], (tx) => localRecords.sweepStale(tx, ['grid:1']));
  assert.deepEqual((await db.listRecords('note')).map((r) => [r.id, r.buckets, r.version]).sort(), [
    ['again', ['grid:1'], 7],
    ['both', ['grid:2'], 1],
    ['other', ['grid:2'], 1],
  ]);
  assert.deepEqual(await staleMarks(), {});
});

// --- scope changes and Socket.IO rooms (§2, §8) -----------------------------------------------

test('a pull listing other buckets calls onScopeChange once; the same buckets do not', async () => {
  const heard = [];
  const client = newClient({ pageLimit: 1, onScopeChange: (buckets, previous) => heard.push([buckets, previous]) });
  seed(2);
  await client.syncNow();
  await client.syncNow();
  assert.deepEqual(heard, [], 'the first buckets known are no change: the socket joined them on connect');
  assert.deepEqual(await db.getMeta('buckets'), ['grid:1']);

  server.setBuckets({ 'grid:1': ['grid_worker'], 'grid:2': ['grid_worker'] });
  seed(3, 2, 'b'); // several pages, each listing the new buckets
  await client.syncNow();
  assert.ok(pulls().length >= 5);
  assert.deepEqual(heard, [[['grid:1', 'grid:2'], ['grid:1']]]);
  await client.syncNow();
  assert.equal(heard.length, 1);

  await restartApp();
  const reopened = newClient({ onScopeChange: (buckets, previous) => heard.push([buckets, previous]) });
  await reopened.syncNow();
  assert.equal(heard.length, 1, 'the last known buckets are remembered across a restart');
  server.setBuckets({ 'grid:2': ['grid_worker'] });
  await reopened.syncNow();
  assert.deepEqual(heard.at(-1), [['grid:2'], ['grid:1', 'grid:2']]);
});

test('live.js asks the server to rejoin the rooms when the scope changes, then pulls', async () => {
  const { sockets } = await import('./support/fake-socket.io.mjs');
  const live = await import('../js/live.js');
  const app = await import('../js/sync-client.js'); // the app's own loop, which live.js listens to
  const before = sockets.length;
  const loading = live.startLive();
  assert.equal(live.startLive(), loading, 'one load at a time');
  await loading;
  assert.equal(sockets.length, before + 1, 'one socket');
  try {
    const socket = sockets.at(-1);
    await app.syncNow();
    await app.syncNow();
    assert.deepEqual(socket.emitted, []);
    server.setBuckets({ 'grid:1': ['grid_worker'], 'grid:2': ['grid_worker'] });
    await app.syncNow();
    assert.deepEqual(
      socket.emitted.map(([event]) => event),
      ['sync:join'],
    );
    const pulledBefore = pulls().length;
    socket.emitted[0][1]({ buckets: ['grid:1', 'grid:2'] }); // the server's ack: joined
    await app.syncNow();
    assert.ok(pulls().length > pulledBefore, 'joined: pull what was poked before we were in the room');
    assert.equal(socket.emitted.length, 1, 'same buckets again: no second join');
  } finally {
    live.stopLive();
    app.stopSync();
  }
});

test('live.js: signed out while the Socket.IO client loads, it never connects', async () => {
  const { sockets } = await import('./support/fake-socket.io.mjs');
  const live = await import('../js/live.js');
  const before = sockets.length;
  const loading = live.startLive();
  live.stopLive();
  await loading;
  assert.equal(sockets.length, before, 'no socket made after sign-out');
});

// --- stopping and backing off ----------------------------------------------------------------

test('unsupported_protocol stops syncing, keeps the outbox and says why', async () => {
  server.protocols = ['redgrid-sync/2'];
  const client = newClient();
  await create({ title: 'kept' });
  const status = await client.syncNow();
  assert.equal(status.state, 'error');
  assert.equal(status.errorCode, 'unsupported_protocol');
  assert.match(status.lastError, /redgrid-sync\/2/);
  assert.equal(status.pending, 1);
  assert.equal(client.env.timeouts.size, 0, 'no retry');
  const before = server.requests.length;
  client.poke();
  await client.syncNow();
  assert.equal(server.requests.length, before, 'nothing more is sent until the app is updated');
});

test('401 waits for sign-in: no automatic retries, the outbox stays', async () => {
  const client = newClient();
  await create({ title: 'kept' });
  server.failNext('POST /api/sync/push', { status: 401, code: 'unauthorized' });
  const status = await client.syncNow();
  assert.equal(status.errorCode, 'unauthorized');
  assert.equal(client.env.timeouts.size, 0);
  const before = server.requests.length;
  client.poke();
  assert.equal(server.requests.length, before);
  assert.equal((await client.syncNow()).pending, 0, 'signed in again: an explicit sync goes');
});

test('backoff: full jitter from 1 s doubling to 5 min, never before Retry-After', () => {
  assert.equal(
    backoffDelay(0, null, () => 0.5),
    500,
  );
  assert.equal(
    backoffDelay(3, null, () => 0.5),
    4000,
  );
  assert.equal(
    backoffDelay(30, null, () => 0.999999),
    BACKOFF_CAP_MS - 1,
  );
  assert.equal(
    backoffDelay(0, null, () => 0),
    0,
  );
  assert.equal(
    backoffDelay(0, 7000, () => 0.5),
    7000,
  );
});

test('5xx with Retry-After is retried after it; success resets the backoff', async () => {
  const client = newClient();
  await create({ title: 't' });
  server.failNext('POST /api/sync/push', { status: 503, code: 'unavailable', headers: { 'Retry-After': '7' } });
  const failed = await client.syncNow();
  assert.equal(failed.state, 'error');
  assert.equal(failed.retryInMs, 7000);
  const [[timer, { ms }]] = [...client.env.timeouts];
  assert.equal(ms, 7000);

  client.env.fire(timer);
  const done = await client.syncNow(); // joins the run the timer started
  assert.equal(done.state, 'idle');
  assert.equal(done.pending, 0);
  server.failNext('POST /api/sync/pull', 'network');
  assert.ok((await client.syncNow()).retryInMs <= 1000, 'back to the first step');
});

test('during a backoff the minute timer and edits wait; online and pokes go at once', async () => {
  const env = fakeEnv();
  const client = newClient({ env });
  server.offline = true;
  await client.start();
  assert.equal(client.getStatus().state, 'offline');
  const requests = () => server.requests.length;
  const before = requests();

  env.intervals[0].fn();
  await create({ title: 'while offline' });
  const editTimer = [...env.timeouts].find(([, t]) => t.ms === 1000);
  env.fire(editTimer[0]);
  assert.equal(requests(), before, 'the backoff is not cut short by routine triggers');

  server.offline = false;
  env.dispatchEvent(new Event('online'));
  await client.syncNow();
  assert.ok(requests() > before);
  assert.equal(client.getStatus().pending, 0);
});

test('one sync at a time: a second call joins the running one', async () => {
  const client = newClient();
  await create({ title: 't' });
  const [a, b] = [client.syncNow(), client.syncNow()];
  assert.equal(a, b);
  await a;
  assert.equal(server.maxInFlight, 1);
  assert.equal(pushes().length, 1);
  assert.equal(pulls().length, 2, 'the joined call still gets a pull after it asked');
});

test('one client id per install, and persistent storage is asked for once', async () => {
  let asked = 0;
  const storage = {
    persisted: async () => false,
    persist: async () => {
      asked += 1;
      return true;
    },
  };
  const first = newClient({ env: fakeEnv({ navigator: { storage } }) });
  await create({ title: 'a' });
  await first.syncNow();
  await first.syncNow();
  const second = newClient({ env: fakeEnv({ navigator: { storage } }) });
  await create({ title: 'b' });
  await second.syncNow();
  assert.equal(asked, 1);
  const ids = new Set(pushes().map((r) => r.body.client_id));
  assert.deepEqual([...ids], [await db.getMeta('client_id')]);
});

test('triggers: start, online, visible timer ticks and local edits sync; hidden ticks do not', async () => {
  const env = fakeEnv();
  const client = newClient({ env });
  await client.start();
  assert.equal(pulls().length, 1);

  env.dispatchEvent(new Event('online'));
  await client.syncNow();
  assert.equal(pulls().length, 3);

  env.document.visibilityState = 'hidden';
  env.intervals[0].fn();
  assert.equal(pulls().length, 3);
  env.document.visibilityState = 'visible';
  env.intervals[0].fn();
  await client.syncNow();
  assert.equal(env.intervals[0].ms, 60000);
  assert.ok(pulls().length >= 4);

  await create({ title: 'soon' });
  const editTimer = [...env.timeouts].find(([, t]) => t.ms === 1000);
  assert.ok(editTimer, 'an edit schedules a sync');
  env.fire(editTimer[0]);
  await client.syncNow();
  assert.equal(pushes().length, 1);

  const seen = [];
  const unsubscribe = client.subscribe((s) => seen.at(-1) !== s.state && seen.push(s.state));
  await client.syncNow();
  unsubscribe();
  assert.deepEqual(seen, ['idle', 'syncing', 'idle']);
});

// --- photos ----------------------------------------------------------------------------------

const jpeg = (size, seed = 1) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed) & 255;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes.buffer;
};

test('a photo is uploaded (HEAD 404, PUT 201) before the mutation naming it is pushed', async () => {
  const client = newClient();
  const bytes = jpeg(100_000);
  const sha = await photos.storePhoto(bytes, 'image/jpeg');
  assert.equal(sha, await photos.sha256Hex(bytes));
  const { mutation } = await create({ title: '有照片', photos: [sha] });
  assert.deepEqual((await outbox.listPending())[0].photos, [sha]);

  await client.syncNow();
  const order = server.requests
    .filter((r) => r.path !== '/api/csrf')
    .map((r) => `${r.method} ${r.path.replace(sha, 'SHA')}`);
  assert.deepEqual(order.slice(0, 3), ['HEAD /api/blobs/SHA', 'PUT /api/blobs/SHA', 'POST /api/sync/push']);
  assert.equal(
    server.requestsTo('PUT', '/api/blobs/')[0].headers['content-range'],
    undefined,
    'small enough to go whole',
  );
  assert.deepEqual(server.blobs.get(sha), new Uint8Array(bytes));
  const stored = await db.getPhoto(sha);
  assert.equal(stored.state, 'uploaded');
  assert.equal(stored.bytes, null, 'the only edit naming it is answered: the server has the bytes now');
  assert.deepEqual(serverNote(mutation.record_id).values.photos, [sha]);
});

test('an interrupted upload resumes from Upload-Offset, and the mutation waits for it', async () => {
  const client = newClient();
  const bytes = jpeg(600_000, 7);
  const sha = await photos.storePhoto(bytes, 'image/jpeg');
  await create({ title: '大照片', photos: [sha] });
  let puts = 0;
  server.failNext((r) => r.method === 'PUT' && ++puts === 2, 'lost'); // the second chunk arrives, its answer does not

  assert.equal((await client.syncNow()).state, 'offline');
  assert.equal(pushes().length, 0, 'not pushed before its photo is confirmed');
  assert.equal((await db.getPhoto(sha)).state, 'queued');

  await client.syncNow();
  const ranges = server.requestsTo('PUT', '/api/blobs/').map((r) => r.headers['content-range']);
  assert.deepEqual(ranges, ['bytes 0-262143/600000', 'bytes 262144-524287/600000', 'bytes 524288-599999/600000']);
  assert.deepEqual(server.blobs.get(sha), new Uint8Array(bytes));
  assert.equal(pushes().length, 1);
  assert.equal((await db.getPhoto(sha)).state, 'uploaded');
});

test('a wrong offset is corrected from the 409; a refused photo holds back only its edits', async () => {
  const client = newClient();
  const good = jpeg(300_000, 3);
  const goodSha = await photos.storePhoto(good, 'image/jpeg');
  server.uploads.set(goodSha, new Uint8Array(good).slice(0, 1000)); // the server has more than HEAD will say
  server.failNext(`HEAD /api/blobs/${goodSha}`, { status: 404 }); // a 404 without Upload-Offset: we start at 0
  const gif = new TextEncoder().encode('GIF89a not allowed').buffer;
  const gifSha = await photos.storePhoto(gif, 'image/gif');
  const { record: withGif } = await create({ title: 'gif', photos: [gifSha] });
  await update(withGif.id, { body: 'after the gif' });
  const { record: plain } = await create({ title: 'plain', photos: [goodSha] });

  const status = await client.syncNow();
  assert.equal(server.blobs.has(goodSha), true);
  const ranges = server.requestsTo('PUT', `/api/blobs/${goodSha}`).map((r) => [r.status, r.headers['content-range']]);
  assert.deepEqual(ranges, [
    [409, 'bytes 0-262143/300000'],
    [202, 'bytes 1000-263143/300000'],
    [201, 'bytes 263144-299999/300000'],
  ]);
  assert.equal((await db.getPhoto(gifSha)).state, 'refused');
  assert.deepEqual(
    pushes().flatMap((r) => r.body.mutations.map((m) => m.record_id)),
    [plain.id],
  );
  assert.equal(status.pending, 2, 'both edits of the gif record wait');
  assert.equal(status.lastError, '只接受 JPEG、PNG 或 WebP 图片', "the server's words");
  assert.equal(status.state, 'error');
  assert.equal(status.errorCode, 'unsupported_type');
});

test('a photo the server lost is sent again on missing_blobs; edits naming one nobody has are set aside', async () => {
  const client = newClient();
  const sha = await photos.storePhoto(jpeg(1000), 'image/jpeg');
  const { record: again } = await create({ title: 'again', photos: [sha] });
  const foreign = 'ab'.repeat(32); // a hash no one uploaded
  const { record: orphan } = await create({ title: 'foreign', photos: [foreign] });
  // Uploaded, then lost before the push (restored from a backup without it, say); the phone
  // still has the bytes, since the edits naming it are not answered yet.
  server.onRequest = async (request) => {
    if (request.path === '/api/sync/push' && pushes().length === 1) server.blobs.delete(sha);
  };

  const status = await client.syncNow();
  const [refusedPush] = pushes().filter((r) => r.status === 409);
  assert.deepEqual(refusedPush.answer.error.fields.blobs, [foreign, sha].sort());
  assert.equal(server.requestsTo('PUT', `/api/blobs/${sha}`).length, 2, 'uploaded again');
  assert.equal(serverNote(again.id).values.title, 'again');
  assert.equal(serverNote(orphan.id), null);
  assert.equal(status.rejected, 1);
  const [refused] = await outbox.listRejected();
  assert.equal(refused.record_id, orphan.id);
  assert.deepEqual(refused.error.fields, { blobs: [foreign] });
  assert.equal(refused.error.code, 'missing_blobs');
});

test('photo bytes are released once uploaded and no queued edit names them', async () => {
  const client = newClient();
  const sha = await photos.storePhoto(jpeg(50_000, 5), 'image/jpeg');
  const spare = await photos.storePhoto(jpeg(40_000, 9), 'image/jpeg'); // on a form not saved yet
  await create({ title: 'accepted', photos: [sha] });
  // status is admin-only
  const { record: refusedOne } = await create({ title: 'refused', status: 'done', photos: [sha] });

  server.offline = true;
  await client.syncNow();
  assert.deepEqual(await photos.releaseSentPhotos(), [], 'not uploaded: never released');
  assert.equal((await db.getPhoto(sha)).bytes.byteLength, 50_000);

  server.offline = false;
  await client.syncNow();
  const [refused] = await outbox.listRejected();
  assert.equal(refused.record_id, refusedOne.id);
  assert.equal((await db.getPhoto(sha)).state, 'uploaded');
  assert.equal(
    (await db.getPhoto(sha)).bytes.byteLength,
    50_000,
    'a refused edit still names it: it may be fixed and sent again',
  );
  assert.equal((await db.getPhoto(spare)).state, 'uploaded');
  assert.equal(
    (await db.getPhoto(spare)).bytes.byteLength,
    40_000,
    'no edit named it yet: the form may still be saved',
  );

  await outbox.discard(refused.seq);
  await client.syncNow();
  const released = await db.getPhoto(sha);
  assert.equal(released.bytes, null);
  assert.equal(released.state, 'uploaded', 'still known as ours and on the server');
  assert.ok(released.released_at > 0);
  assert.equal((await db.getPhoto(spare)).bytes.byteLength, 40_000);
  assert.deepEqual(
    await photos.releaseSentPhotos(Date.now() + photos.UNCLAIMED_KEEP_MS + 1),
    [spare],
    'a week unclaimed: abandoned',
  );

  // Lost by the server after the release: the phone cannot send it again, so the edit is set aside.
  server.blobs.delete(sha);
  const { record: late } = await create({ title: 'late', photos: [sha] });
  const puts = server.requestsTo('PUT', `/api/blobs/${sha}`).length;
  await client.syncNow();
  assert.equal(server.requestsTo('PUT', `/api/blobs/${sha}`).length, puts, 'no upload of bytes it no longer has');
  const [setAside] = await outbox.listRejected();
  assert.equal(setAside.record_id, late.id);
  assert.deepEqual(setAside.error.fields, { blobs: [sha] });

  // Taken again (the same bytes): kept again, as a photo no edit has named yet.
  await outbox.discard(setAside.seq);
  await photos.storePhoto(jpeg(50_000, 5), 'image/jpeg');
  assert.equal((await db.getPhoto(sha)).bytes.byteLength, 50_000);
  assert.deepEqual(await photos.releaseSentPhotos(), [], 'not released again before an edit names it');
});

test('photo bytes named by an edit still in flight are kept', async () => {
  const client = newClient();
  const sha = await photos.storePhoto(jpeg(30_000, 11), 'image/jpeg');
  await create({ title: 'in flight', photos: [sha] });
  server.failNext('POST /api/sync/push', 'lost'); // applied, but the answer never arrives
  await client.syncNow();
  assert.equal((await db.getPhoto(sha)).state, 'uploaded');
  assert.deepEqual(
    (await outbox.listPending()).map((e) => e.status),
    ['sending'],
  );
  assert.deepEqual(await photos.releaseSentPhotos(Date.now() + photos.UNCLAIMED_KEEP_MS + 1), []);
  assert.equal((await db.getPhoto(sha)).bytes.byteLength, 30_000);
  await client.syncNow();
  assert.equal((await db.getPhoto(sha)).bytes, null, 'answered at last: released');
});

test('photo sizes fit within 1600 px and are never enlarged', () => {
  assert.deepEqual(photos.fitWithin(4000, 3000), { width: 1600, height: 1200 });
  assert.deepEqual(photos.fitWithin(1000, 3000), { width: 533, height: 1600 });
  assert.deepEqual(photos.fitWithin(800, 600), { width: 800, height: 600 });
});

// --- storage ---------------------------------------------------------------------------------

test('upgrading a version 1 database keeps its cached values and adds the sync stores', async () => {
  await new Promise((resolve, reject) => {
    const request = indexedDB.open('redgrid', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('kv').put({ me: 'cached' }, 'me');
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error);
  });
  assert.deepEqual(await db.getCached('me'), { me: 'cached' });
  await db.setMeta('cursor', 'x');
  assert.equal(await db.getMeta('cursor'), 'x');
  const { record } = await create({ title: 'after upgrade' });
  assert.equal((await note(record.id)).data.title, 'after upgrade');
});

test('a transaction that throws writes nothing', async () => {
  await assert.rejects(
    db.transact(['meta'], async (tx) => {
      await tx.meta.set('cursor', 'half');
      throw new Error('stop');
    }),
    /stop/,
  );
  assert.equal(await db.getMeta('cursor'), undefined);
});
