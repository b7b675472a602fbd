// Pull (PROTOCOL.md §5): every page of changes since the stored cursor, each page applied
// together with its cursor in one transaction, so a page is never half applied nor applied twice.
import { ApiError, request } from './api.js';
import { getMeta, transact } from './db.js';
import { forgetServerCopies, leaveBucket, receiveServerCopy } from './local-records.js';
import { PROTOCOL_VERSION } from './sync-core.js';

export const PAGE_LIMIT = 500;
const PULL_TIMEOUT_MS = 30000;
// 2 000 pages of 500: far more than any scope holds; past it something loops.
const MAX_PAGES = 2000;

/** Pulls until has_more is false. Resolves to the number of changes applied; throws ApiError. */
export async function pullAll({ limit = PAGE_LIMIT } = {}) {
  let cursor = (await getMeta('cursor')) ?? null;
  let restarted = false;
  const reset = new Set();
  let applied = 0;
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    let page;
    try {
      page = await request('POST', '/api/sync/pull', { protocol: PROTOCOL_VERSION, cursor, limit }, { timeoutMs: PULL_TIMEOUT_MS });
    } catch (err) {
      // The server's data was reset (410) or cannot read our cursor (400): start over (§5.5).
      const startOver = (err.status === 410 && err.code === 'cursor_expired') || (err.status === 400 && err.code === 'cursor_invalid');
      if (!startOver || restarted) throw err;
      await transact(['records', 'outbox', 'meta'], async (tx) => {
        await forgetServerCopies(tx); // the outbox stays: those edits are still to be sent
        await tx.meta.delete('cursor');
      });
      cursor = null;
      restarted = true;
      continue;
    }
    checkPage(page, reset);
    await applyPage(page);
    applied += page.changes.length;
    cursor = page.cursor;
    if (!page.has_more) return applied;
  }
  throw new ApiError(0, 'pull_loop', `more than ${MAX_PAGES} pages in one pull`);
}

function checkPage(page, reset) {
  if (page?.protocol !== undefined && page.protocol !== PROTOCOL_VERSION) {
    throw new ApiError(400, 'unsupported_protocol', `the server answered in ${page.protocol}`);
  }
  if (!Array.isArray(page?.changes) || typeof page.cursor !== 'string') throw new Error('malformed pull page');
  for (const bucket of page.reset_buckets ?? []) {
    // A bucket restarts from 0 once per purge; the same bucket again within one pull means the
    // server will keep sending it from the start, and we would loop on its first page.
    if (reset.has(bucket)) throw new ApiError(0, 'pull_loop', `the server keeps resending ${bucket} from the start`);
    reset.add(bucket);
  }
}

/** One transaction: scope changes, then the changes in order, then the cursor (§5.2). */
function applyPage(page) {
  return transact(['records', 'outbox', 'meta'], async (tx) => {
    // Records held only through a removed bucket (§2) or a reset one (§5.5, before the page's
    // changes: the reset bucket's records come again from the start) leave the phone; queued
    // edits keep theirs.
    for (const bucket of [...(page.reset_buckets ?? []), ...(page.removed_buckets ?? [])]) {
      for (const record of await tx.records.inBucket(bucket)) await leaveBucket(tx, record, bucket);
    }
    for (const change of page.changes) {
      if (change.op === 'put') {
        await receiveServerCopy(tx, { entity: change.entity, id: change.id, version: change.version, data: change.data, bucket: change.bucket });
      } else {
        const record = await tx.records.get(change.entity, change.id);
        if (record) await leaveBucket(tx, record, change.bucket);
      }
    }
    await tx.meta.set('cursor', page.cursor);
  });
}
