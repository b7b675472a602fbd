// Pull (PROTOCOL.md §5): every page of changes since the stored cursor, each page applied
// together with its cursor in one transaction, so a page is never half applied nor applied twice.
// Written relaxed (db.js, PROTOCOL.md §6.4): a page a crash loses is pulled again from the cursor
// stored with the one before it.
//
// Starting over (§5.5: cursor expired or invalid, or a bucket reset) never empties the phone
// first: the affected server copies are marked stale and stay readable, the re-pull un-marks
// each one it sends again, and only the pull's last page (has_more false) sweeps what is still
// marked. meta 'resync' lists the marks in play (buckets, or WHOLE_COPY for everything), so a
// re-pull cut short by the network or a closed app is finished, and swept, by the next pull.
import { ApiError, request } from './api.js';
import { read, transactRelaxed } from './db.js';
import {
  leaveBucket,
  markStale,
  perRecord,
  receiveFreshCopy,
  receiveServerCopy,
  recordKey,
  sweepStale,
  WHOLE_COPY,
  withOutboxSnapshot,
} from './local-records.js';
import { PROTOCOL_VERSION, pageChanges } from './sync-core.js';

export const PAGE_LIMIT = 1000; // ~70 KB gzip of task-sized records: a page still fits a slow link's timeout
// Groups (§5.2.2): ids packed, keys and buckets once per run: about a fifth fewer bytes than changes.
const PAGE_FORMAT = 2;
const PULL_TIMEOUT_MS = 30000;
// 2 000 pages of 500: far more than any scope holds; past it something loops.
const MAX_PAGES = 2000;

/**
 * Pulls until has_more is false. Resolves to the number of changes applied; throws ApiError.
 * onScopeChange(buckets, previous) is called, after the page is stored, when a page lists other
 * buckets than the last known set (§2): the Socket.IO rooms to be in have changed (§8).
 */
// The first pull page that came with the sign-in answer (PROTOCOL.md §9.1), used by the next
// pull from the start instead of asking again; dropped by any other pull.
let offered = null;

/** What sign-in sends as `pull` to ask for the first page. */
export const firstPullAsked = () => ({ protocol: PROTOCOL_VERSION, limit: PAGE_LIMIT, format: PAGE_FORMAT });

/** The page sign-in answered with (for the user now signed in on this phone). */
export function offerFirstPage(page) {
  offered = page;
}

export async function pullAll({ limit = PAGE_LIMIT, onScopeChange = null } = {}) {
  // What the phone holds, in one read: a page with nothing new is then not stored at all.
  let held = await read(['meta'], async (tx) => ({
    cursor: (await tx.meta.get('cursor')) ?? null,
    epoch: await tx.meta.get('epoch'),
    buckets: await tx.meta.get('buckets'),
    resync: await tx.meta.get('resync'),
  }));
  let cursor = held.cursor;
  const firstPage = cursor === null ? offered : null;
  offered = null;
  let restarted = false;
  const reset = new Set();
  let applied = 0;
  // A phone with no records pulling from the start: see applyPage.
  let fresh =
    cursor === null && (await read(['records'], (tx) => tx.records.count())) === 0 ? { stored: new Set() } : null;
  // The next page, asked for while this one is stored: the server's time and the network's
  // overlap IndexedDB's instead of adding to it. Its answer (or error) is read only once this page
  // is stored; a page that fails to store drops it, and the next pull asks again from the cursor.
  let next = firstPage === null ? null : Promise.resolve(firstPage);
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    let page;
    try {
      page = await (next ?? askPage(cursor, limit));
    } catch (err) {
      // The server's data was reset (410) or cannot read our cursor (400): start over (§5.5).
      const startOver =
        (err.status === 410 && err.code === 'cursor_expired') || (err.status === 400 && err.code === 'cursor_invalid');
      if (!startOver || restarted) throw err;
      await transactRelaxed(['records', 'outbox', 'meta'], async (tx) => {
        await markStale(tx); // every copy is in doubt until sent again; the outbox is untouched
        await addResyncMarks(tx, [WHOLE_COPY]);
        await tx.meta.delete('cursor');
      });
      cursor = null;
      next = null;
      restarted = true;
      fresh = null;
      held = null;
      continue;
    }
    page = checkPage(page, reset);
    if (held && nothingNew(page, held)) return applied;
    held = null; // stored from here on: the next page is compared with nothing
    next = page.has_more ? askPage(page.cursor, limit) : null;
    next?.catch(() => {}); // read (and thrown) after this page is stored, or dropped with it
    const scope = await applyPage(page, fresh);
    if (scope.changed) tellScopeChange(onScopeChange, scope);
    if (scope.touched) tellRecordsPulled(page);
    applied += page.changes.length;
    cursor = page.cursor;
    if (!page.has_more) return applied;
  }
  throw new ApiError(0, 'pull_loop', `more than ${MAX_PAGES} pages in one pull`);
}

/**
 * The page changes nothing the phone holds (issue 17): no changes, the same cursor, epoch and
 * buckets, no bucket removed or reset, the last page, and no resync to finish. Storing it would
 * write back what is stored.
 */
function nothingNew(page, held) {
  const same = (a, b) => Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  return (
    !page.changes.length &&
    !page.has_more &&
    page.cursor === held.cursor &&
    (page.epoch === undefined || page.epoch === '' || page.epoch === held.epoch) &&
    (!Array.isArray(page.buckets) || same([...page.buckets].sort(), held.buckets)) &&
    !page.removed_buckets?.length &&
    !page.reset_buckets?.length &&
    !held.resync?.length
  );
}

/** One page from the server (§5.2). */
const askPage = (cursor, limit) =>
  request(
    'POST',
    '/api/sync/pull',
    { protocol: PROTOCOL_VERSION, cursor, limit, format: PAGE_FORMAT },
    { timeoutMs: PULL_TIMEOUT_MS },
  );

/** The page, its changes listed (§5.2) whichever format it came in; throws on a page to refuse. */
function checkPage(page, reset) {
  if (page?.protocol !== undefined && page.protocol !== PROTOCOL_VERSION) {
    throw new ApiError(400, 'unsupported_protocol', `the server answered in ${page.protocol}`);
  }
  if (typeof page?.cursor !== 'string') throw new Error('malformed pull page');
  const { groups: _groups, ...rest } = page;
  const checked = { ...rest, changes: pageChanges(page) };
  for (const bucket of page.reset_buckets ?? []) {
    // A bucket restarts from 0 once per purge; the same bucket again within one pull means the
    // server will keep sending it from the start, and we would loop on its first page.
    if (reset.has(bucket)) throw new ApiError(0, 'pull_loop', `the server keeps resending ${bucket} from the start`);
    reset.add(bucket);
  }
  return checked;
}

/**
 * One transaction: scope changes, then the changes in order, then the cursor (§5.2), and on
 * the last page the sweep of a resync. Resolves to {changed, buckets, previous} for the scope and
 * touched: whether local records changed.
 */
function applyPage(page, fresh = null) {
  return transactRelaxed(['records', 'outbox', 'meta'], async (rawTx) => {
    const tx = await withOutboxSnapshot(rawTx); // a pull page changes records, never the outbox
    // Records held only through a removed bucket (§2) leave the phone; queued edits keep theirs.
    for (const bucket of page.removed_buckets ?? []) {
      for (const record of await tx.records.inBucket(bucket)) await leaveBucket(tx, record, bucket);
    }
    // A reset bucket comes again from the start (§5.5): its records are marked before the page's
    // changes, which un-mark those sent again.
    for (const bucket of page.reset_buckets ?? []) await markStale(tx, bucket);
    await addResyncMarks(tx, page.reset_buckets ?? []);
    // A fresh phone holds only what this pull has stored: the records not stored yet need no
    // lookup. Checked per page: a record made on the phone meanwhile ends the shortcut.
    // (A tombstone or a local edit changes the count: lookups again from then on.)
    if (fresh?.stored && (await tx.records.count()) !== fresh.stored.size) fresh.stored = null;
    const known = fresh?.stored ?? null;
    await perRecord(
      page.changes,
      (change) => recordKey(change.entity, change.id),
      async (change) => {
        const key = recordKey(change.entity, change.id);
        if (change.op === 'put') {
          const absent = known !== null && !known.has(key);
          known?.add(key);
          // Most of a first pull: a record the phone has never held, queued without a read.
          if (absent && receiveFreshCopy(tx, change)) return;
          await receiveServerCopy(
            tx,
            { entity: change.entity, id: change.id, version: change.version, data: change.data, bucket: change.bucket },
            { absent },
          );
        } else {
          const record = await tx.records.get(change.entity, change.id);
          if (record) await leaveBucket(tx, record, change.bucket);
        }
      },
    );
    await tx.meta.set('cursor', page.cursor);
    // The epoch of the versions this phone now holds: new edits carry it (§7.1), so that a base
    // from before a restore of the server is never taken for one of the restored data.
    if (typeof page.epoch === 'string' && page.epoch) await tx.meta.set('epoch', page.epoch);
    const swept = !page.has_more && (await finishResync(tx));
    const touched = Boolean(page.changes.length || page.removed_buckets?.length || page.reset_buckets?.length || swept);
    return { ...(await rememberScope(tx, page.buckets)), touched };
  });
}

// Who wants to hear that a pull changed the local records (screens showing them re-read them).
const pulledListeners = new Set();

/**
 * Calls fn({entities}) after a pull page changed local records, once it is stored: entities
 * lists the entity types of its changes (empty when only a scope change or a sweep touched
 * records). Returns a function that unsubscribes.
 */
export function onRecordsPulled(fn) {
  pulledListeners.add(fn);
  return () => pulledListeners.delete(fn);
}

function tellRecordsPulled(page) {
  const entities = [...new Set(page.changes.map((change) => change.entity))];
  for (const fn of pulledListeners) {
    try {
      fn({ entities });
    } catch (err) {
      console.warn('records listener failed', err); // a screen's trouble must not fail the pull
    }
  }
}

/** Adds marks to meta 'resync' (the resync in progress survives closing the app). */
async function addResyncMarks(tx, marks) {
  if (!marks.length) return;
  const current = (await tx.meta.get('resync')) ?? [];
  await tx.meta.set('resync', [...new Set([...current, ...marks])].sort());
}

/** The pull reached the end: what a resync marked and did not get again is gone for us. True when it swept. */
async function finishResync(tx) {
  const marks = (await tx.meta.get('resync')) ?? [];
  if (!marks.length) return false;
  await sweepStale(tx, marks);
  await tx.meta.delete('resync');
  return true;
}

/**
 * Stores the page's bucket list as meta 'buckets'. changed: it differs from a known earlier
 * set. The first set known is not a change: the socket joined the current rooms on connect.
 */
async function rememberScope(tx, buckets) {
  if (!Array.isArray(buckets)) return { changed: false };
  const next = [...buckets].sort();
  const previous = (await tx.meta.get('buckets')) ?? null;
  const same = previous !== null && previous.length === next.length && previous.every((b, i) => b === next[i]);
  if (!same) await tx.meta.set('buckets', next);
  return { changed: previous !== null && !same, buckets: next, previous };
}

/** A listener's failure must not fail the pull: the rooms are a hint, the timer still pulls (§8). */
function tellScopeChange(onScopeChange, { buckets, previous }) {
  try {
    onScopeChange?.(buckets, previous);
  } catch (err) {
    console.warn('scope change listener failed', err);
  }
}
