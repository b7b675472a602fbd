// The only module of the page that touches IndexedDB (STYLE.md rule 10). Everything else asks
// here. (The service worker keeps its push acks in a small database of its own, `redgrid-sw`:
// see sw/ack-store.js for why it does not share this one.)
//
// Stores (version 6):
//   kv       out-of-line keys: small cached values such as /api/me (version 1)
//   records  synced records, key [entity, id]: {entity, id, version, buckets, data, deleted,
//            server_data?, stale?} — see local-records.js for what each field means. No index
//            (version 6): an entity's records are a range of the key; a bucket's are found by
//            a scan, which only a scope change or a reset bucket needs (§2, §5.5)
//   outbox   this phone's unconfirmed mutations, key seq (auto-increment, so order is kept):
//            the wire mutation (§6.1) + {status: pending|sending|rejected, error, created_at, photos}
//   photos   key sha256: {sha256, mime, bytes: ArrayBuffer | null once released, size, state,
//            offset, error, claimed, released_at} — see photos.js.
//            ArrayBuffer + MIME, never Blob: Safari's IndexedDB fails on Blobs (DESIGN.md §5)
//   meta     out-of-line keys: cursor, client_id, last_sync_at, last_error, buckets (the last
//            scope a pull listed), resync (stale marks of a re-pull in progress, sync-pull.js) …
//   directories  key grid_id: {grid_id, etag, saved_at, data} — one grid's directory as
//            GET /api/grids/<id>/directory sent it (data), its ETag to revalidate (version 3)
//   templates  key id: {id, etag, saved_at, checked_at, published, data} — one inspection
//            template version as GET /api/inspection-templates/<id> sent it (version 4,
//            inspection-templates.js); published: in the last list of published ones
//   dashboards  key "<unit id>|<period>": {key, saved_at, data} — the last answer of
//            GET /api/dashboard/<unit>?period=… (version 5, dashboard-data.js), read offline
import { openDB, unwrap } from 'idb';

const DB_NAME = 'redgrid';
const DB_VERSION = 6;
const KV = 'kv';

let dbPromise = null;

function open() {
  dbPromise ??= openDB(DB_NAME, DB_VERSION, {
    // Each step upgrades from the version before it, so a phone that skipped releases
    // still walks through every step. Add `if (oldVersion < 6) { ... }` below, never edit a step.
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) db.createObjectStore(KV); // out-of-line keys: kv.put(value, key)
      if (oldVersion < 2) {
        const records = db.createObjectStore('records', { keyPath: ['entity', 'id'] });
        // multiEntry: a record is listed under each of its buckets, for removed/reset buckets (§2, §5.5)
        records.createIndex('bucket', 'buckets', { multiEntry: true });
        records.createIndex('entity', 'entity');
        const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        outbox.createIndex('record', ['entity', 'record_id']);
        outbox.createIndex('status', 'status');
        const photos = db.createObjectStore('photos', { keyPath: 'sha256' });
        photos.createIndex('state', 'state');
        db.createObjectStore('meta');
      }
      if (oldVersion < 3) db.createObjectStore('directories', { keyPath: 'grid_id' }); // directory.js
      if (oldVersion < 4) db.createObjectStore('templates', { keyPath: 'id' }); // inspection-templates.js
      if (oldVersion < 5) db.createObjectStore('dashboards', { keyPath: 'key' }); // dashboard-data.js
      if (oldVersion < 6) {
        // Each index entry is one more write per record: a task in 6 buckets cost 8 of them, and a
        // first pull of 10,000 records spent most of its time there (issue 17). The records stay as
        // they are; only the indexes go (ofEntity reads a key range, inBucket scans instead).
        const records = transaction.objectStore('records');
        for (const name of ['bucket', 'entity']) if (records.indexNames.contains(name)) records.deleteIndex(name);
      }
    },
    // Another tab loaded a newer release that needs to upgrade: let go so it is not blocked.
    // The next call here reopens (and the newer service worker will have reloaded us by then).
    blocking(_currentVersion, _blockedVersion, event) {
      event.target.close();
      dbPromise = null;
    },
    // The browser closed the connection (storage cleared, eviction): reopen on next use.
    terminated() {
      dbPromise = null;
    },
  });
  return dbPromise;
}

/** Closes the connection; the next call reopens. For tests, and before deleting the database. */
export async function closeDb() {
  const pending = dbPromise;
  dbPromise = null;
  if (pending) (await pending).close();
}

// --- kv: small cached values -----------------------------------------------------------------

/** The value stored under key, or undefined. */
export async function getCached(key) {
  return (await open()).get(KV, key);
}

/** Stores a structured-cloneable value under key. */
export async function setCached(key, value) {
  await (await open()).put(KV, value, key);
}

/** Forgets every cached value (on sign-out, so the next person on this phone sees nothing). */
export async function clearCached() {
  await (await open()).clear(KV);
}

/**
 * Forgets everything of the signed-in user on this phone: synced records, the outbox, photos,
 * sync state, the grid directories (names and phones of residents), inspection templates and dashboards.
 * Only the install's client id stays (it names the device, not the person). The
 * callers make sure nothing unsent is lost without the user saying so (session.js).
 */
export async function forgetUserData() {
  const db = await open();
  const stores = ['records', 'outbox', 'photos', 'meta', KV, 'directories', 'templates', 'dashboards'];
  const tx = db.transaction(stores, 'readwrite');
  const clientId = await tx.objectStore('meta').get('client_id');
  await Promise.all(stores.map((name) => tx.objectStore(name).clear()));
  if (clientId !== undefined) await tx.objectStore('meta').put(clientId, 'client_id');
  await tx.done;
}

// --- transactions ----------------------------------------------------------------------------

/**
 * How sure a write must be to be on disk when its transaction reports complete (IndexedDB's
 * durability hint; PROTOCOL.md §6.4). STRICT: the browser flushes to disk before `complete` —
 * for what exists nowhere else, the user's own edits entering the outbox. RELAXED: `complete`
 * once the OS has the data (flushed within seconds) — for what a crash may lose because it comes
 * back by itself: a pull page with its cursor (pulled again from the older cursor), a push's
 * answers (the entries stay and go again; the server answers a mutation id once, §6.4). Chromium
 * (since 121), Firefox and Safari default to relaxed, so strict must be asked for.
 */
export const STRICT = 'strict';
export const RELAXED = 'relaxed';

/**
 * Runs fn(tx) in one transaction over `stores` (names), so that what it writes lands together
 * or not at all (e.g. one pull page and its cursor). tx offers records, outbox, photos and
 * meta helpers (below) for the stores named. Inside fn, await only tx calls: IndexedDB commits
 * a transaction as soon as it has nothing to do, so awaiting fetch or crypto there would end it.
 * fn throwing aborts the transaction and rethrows. durability: STRICT or RELAXED (above); by
 * default the browser's own (relaxed in the browsers we support).
 */
export async function transact(stores, fn, mode = 'readwrite', { durability = 'default' } = {}) {
  const db = await open();
  const tx = db.transaction(stores, mode, { durability });
  tx.done.catch(() => {}); // an abort is reported by the throw below, not as an unhandled rejection
  let result;
  try {
    result = await fn(helpersFor(tx));
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // already finished: nothing to undo
    }
    throw err;
  }
  await tx.done;
  return result;
}

/** Like transact, read-only: several reads that see one state. */
export const read = (stores, fn) => transact(stores, fn, 'readonly');
/** transact() of what exists nowhere else: on disk before it resolves (STRICT, above). */
export const transactStrict = (stores, fn) => transact(stores, fn, 'readwrite', { durability: STRICT });
/** transact() of what comes back by itself if a crash loses it (RELAXED, above). */
export const transactRelaxed = (stores, fn) => transact(stores, fn, 'readwrite', { durability: RELAXED });

function helpersFor(tx) {
  const store = (name) => tx.objectStore(name);
  return {
    records: {
      get: (entity, id) => store('records').get([entity, id]),
      put: (record) => store('records').put(record),
      // Queued without a promise to await (a fresh phone's first pull, thousands at a time): a
      // failing put aborts the transaction, which transact() reports.
      putQueued: (record) => {
        unwrap(store('records')).put(record);
      },
      delete: (entity, id) => store('records').delete([entity, id]),
      all: () => store('records').getAll(),
      count: () => store('records').count(),
      ofEntity: (entity) => store('records').getAll(entityRange(entity)),
      // A scan: only a removed or reset bucket asks (§2, §5.5), a few times in a phone's life.
      inBucket: async (bucket) => (await store('records').getAll()).filter((record) => record.buckets.includes(bucket)),
    },
    outbox: {
      get: (seq) => store('outbox').get(seq),
      add: (entry) => store('outbox').add(entry), // resolves to the new seq
      put: (entry) => store('outbox').put(entry),
      delete: (seq) => store('outbox').delete(seq),
      // seqs first..last, both included, in one request (a push's answered entries, sync-push.js)
      deleteRange: (first, last) => store('outbox').delete(IDBKeyRange.bound(first, last)),
      all: () => store('outbox').getAll(), // oldest first: keys are increasing
      forRecord: (entity, id) => store('outbox').index('record').getAll([entity, id]), // oldest first
      withStatus: (status) => store('outbox').index('status').getAll(status),
      count: (status) => store('outbox').index('status').count(status),
    },
    photos: {
      get: (sha256) => store('photos').get(sha256),
      put: (photo) => store('photos').put(photo),
      withState: (state) => store('photos').index('state').getAll(state),
    },
    meta: {
      get: (key) => store('meta').get(key),
      set: (key, value) => store('meta').put(value, key),
      delete: (key) => store('meta').delete(key),
    },
    directories: {
      get: (gridId) => store('directories').get(gridId),
      put: (entry) => store('directories').put(entry),
      delete: (gridId) => store('directories').delete(gridId),
      all: () => store('directories').getAll(), // by grid id
    },
    dashboards: {
      get: (key) => store('dashboards').get(key),
      put: (entry) => store('dashboards').put(entry),
    },
    templates: {
      get: (id) => store('templates').get(id),
      put: (entry) => store('templates').put(entry),
      all: () => store('templates').getAll(), // by id
    },
  };
}

/**
 * Every key [entity, id] of one entity: arrays sort after strings and numbers (IndexedDB key
 * order), so [entity] comes before and [entity, []] after any id.
 */
const entityRange = (entity) => IDBKeyRange.bound([entity], [entity, []]);

// --- one-step reads and writes ---------------------------------------------------------------

export const getMeta = (key) => read(['meta'], (tx) => tx.meta.get(key));
export const setMeta = (key, value) => transact(['meta'], (tx) => tx.meta.set(key, value));

/** The local record (see local-records.js), or undefined. */
export const getRecord = (entity, id) => read(['records'], (tx) => tx.records.get(entity, id));
/** Every local record of an entity type, pending deletes included (their `deleted` is true). */
export const listRecords = (entity) => read(['records'], (tx) => tx.records.ofEntity(entity));

/** Every outbox entry, oldest first. */
export const listOutbox = () => read(['outbox'], (tx) => tx.outbox.all());

export const getPhoto = (sha256) => read(['photos'], (tx) => tx.photos.get(sha256));
export const listPhotos = (state) => read(['photos'], (tx) => tx.photos.withState(state));

// --- grid directories (directory.js fetches them, places.js and ui/directory.js read them) ----

/** Every stored directory entry: {grid_id, etag, saved_at, data}, by grid id. */
export const listDirectoryEntries = () => read(['directories'], (tx) => tx.directories.all());
/** The directories themselves ({grid, compounds, buildings, households}), by grid id. */
export const listDirectories = async () => (await listDirectoryEntries()).map((entry) => entry.data);
export const getDirectoryEntry = (gridId) => read(['directories'], (tx) => tx.directories.get(gridId));
/** Stores (or replaces) one grid's directory. */
export const putDirectoryEntry = (entry) => transact(['directories'], (tx) => tx.directories.put(entry));

/** Deletes the directories of grids not in gridIds (a grid taken from the worker leaves the phone). */
export const keepDirectories = (gridIds) =>
  transact(['directories'], async (tx) => {
    const keep = new Set(gridIds);
    for (const entry of await tx.directories.all())
      if (!keep.has(entry.grid_id)) await tx.directories.delete(entry.grid_id);
  });

// --- inspection templates (inspection-templates.js fetches them, the steward's screens read them)

/** Every kept template entry: {id, etag, saved_at, checked_at, published, data}, by id. */
export const listTemplateEntries = () => read(['templates'], (tx) => tx.templates.all());
export const getTemplateEntry = (id) => read(['templates'], (tx) => tx.templates.get(id));
/** Stores (or replaces) one template version. */
export const putTemplateEntry = (entry) => transact(['templates'], (tx) => tx.templates.put(entry));

// --- dashboards (dashboard-data.js keeps the last answer of each, ui/admin-dashboard.js reads it offline)

export const getDashboardEntry = (key) => read(['dashboards'], (tx) => tx.dashboards.get(key));
/** Stores (or replaces) one dashboard's last answer: {key, saved_at, data}. */
export const putDashboardEntry = (entry) => transact(['dashboards'], (tx) => tx.dashboards.put(entry));
