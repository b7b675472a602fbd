// Local records: the server's copy of each record plus this phone's unconfirmed mutations,
// kept so that the user sees their edits at once and nothing is lost when the server answers.
// Every function here runs inside a db.js transaction over ['records', 'outbox'] (tx), so a
// page of changes or a batch of results is applied all at once or not at all.
//
// A record in the `records` store:
//   entity, id
//   version      the server version of the copy we hold (0: the server has not confirmed it yet);
//                new edits use it as base_version (§6.1)
//   buckets      the buckets the copy came through (§5.2); [] until a pull lists it
//   data         what the user sees: the server's values with the outbox's mutations applied
//   deleted      true while a delete of ours is unconfirmed: screens hide the record
//   server_data  present only while outbox entries for the record exist: the server's values
//                (null when the server has no copy for us). Absent means `data` is the server's.
//   stale        present only during a resync (§5.5): what the re-pull has not confirmed yet —
//                buckets, and WHOLE_COPY when the copy itself is in doubt (cursor expired). The
//                record stays readable meanwhile; sweepStale() settles it when the pull ends.
import { localView } from './sync-core.js';

/** A stale mark: the server copy as a whole is unconfirmed (its server may have been restored, §5.5). */
export const WHOLE_COPY = '*';

/** The server's copy we hold: {version, data}, or null when there is none. */
export function serverCopyOf(record) {
  if (!record) return null;
  if (!Object.hasOwn(record, 'server_data')) return { version: record.version, data: record.data };
  return record.server_data === null ? null : { version: record.version, data: record.server_data };
}

/**
 * Writes a record from a server copy (or null) and the outbox entries still queued for it,
 * re-applied in order (§6.2). With neither, the record is gone from the phone.
 * previous: the stored record, whose view is kept when only edits remain (see localView).
 * stale: its resync marks (see above), kept from `previous` unless given; without a server
 * copy there is nothing left to confirm.
 */
export async function writeRecord(tx, entity, id, server, buckets, previous, stale = previous?.stale ?? []) {
  const entries = await tx.outbox.forRecord(entity, id);
  if (!server && !entries.length) {
    await tx.records.delete(entity, id);
    return null;
  }
  let record;
  if (!entries.length) {
    record = { entity, id, version: server.version, buckets, data: server.data, deleted: false };
  } else {
    const view = localView(server?.data ?? null, entries, previous?.data ?? null);
    record = {
      entity,
      id,
      // An orphan (server copy gone, edits queued) keeps its version: its edits will be answered anyway.
      version: server?.version ?? previous?.version ?? 0,
      buckets,
      data: view.data ?? {},
      deleted: view.deleted,
      server_data: server ? server.data : null,
    };
  }
  if (server && stale.length) record.stale = stale;
  await tx.records.put(record);
  return record;
}

/** Re-derives a record's view after its outbox entries changed (enqueue, discard, retry). */
export async function refreshRecord(tx, entity, id) {
  const previous = await tx.records.get(entity, id);
  return writeRecord(tx, entity, id, serverCopyOf(previous), previous?.buckets ?? [], previous);
}

/**
 * A newer server copy arrived: from a pull (`bucket` set) or a push result (no bucket).
 * An older one than we hold is ignored: versions only grow, so it can only be a replayed
 * result (§6.4) that the pulls have already overtaken. Not so for a copy marked WHOLE_COPY:
 * a restored server counts versions anew, so what it sends replaces ours whatever its number.
 * Coming through a bucket, the copy is confirmed there (its stale marks for it go).
 */
export async function receiveServerCopy(
  tx,
  { entity, id, version, data, deleted = false, bucket = null },
  { absent = false } = {},
) {
  // absent: the caller knows there is no local record (a fresh phone's first pull), no need to look.
  const previous = absent ? undefined : await tx.records.get(entity, id);
  const held = serverCopyOf(previous);
  const marks = previous?.stale ?? [];
  const buckets = new Set(previous?.buckets ?? []);
  if (bucket) buckets.add(bucket);
  const older = held !== null && !marks.includes(WHOLE_COPY) && version < held.version;
  const server = older ? held : deleted ? null : { version, data };
  const stale = bucket ? marks.filter((mark) => mark !== bucket && mark !== WHOLE_COPY) : marks;
  return writeRecord(tx, entity, id, server, [...buckets].sort(), previous, stale);
}

/**
 * receiveServerCopy() of a pulled copy of a record the phone does not hold (a fresh phone's first
 * pull, sync-pull.js), in tx of withOutboxSnapshot(): with no edit queued for it, the record is
 * the server's copy as it came, put without a read and without awaiting the request (thousands
 * per page: issue 17). Returns false, writing nothing, when edits are queued (receiveServerCopy then).
 */
export function receiveFreshCopy(tx, { entity, id, version, data, bucket }) {
  if (tx.outbox.queued(entity, id)) return false;
  tx.records.putQueued({ entity, id, version, buckets: bucket ? [bucket] : [], data, deleted: false });
  return true;
}

/**
 * The record left `bucket` (a tombstone, §5.4; a removed bucket, §2). When no bucket of ours
 * holds it any more, the server's copy goes; queued edits keep the record.
 */
export async function leaveBucket(tx, record, bucket) {
  const buckets = record.buckets.filter((b) => b !== bucket);
  const stale = (record.stale ?? []).filter((mark) => mark !== bucket);
  if (buckets.length) {
    await tx.records.put(withStale({ ...record, buckets }, stale));
    return;
  }
  await writeRecord(tx, record.entity, record.id, null, [], record);
}

/**
 * Marks server copies unconfirmed before a re-pull (§5.5): those held through `bucket` (a reset
 * bucket), or with bucket null every one (cursor expired: the copy itself is in doubt). They
 * stay readable; each one the re-pull sends again is un-marked (receiveServerCopy), and
 * sweepStale() drops the rest once the pull has ended. So a re-pull cut short by the network
 * leaves the phone with what it had, not with nothing. Records without a server copy (edits
 * not yet confirmed) have nothing to confirm and are left alone.
 */
export async function markStale(tx, bucket = null) {
  const records = bucket ? await tx.records.inBucket(bucket) : await tx.records.all();
  for (const record of records) {
    if (!serverCopyOf(record)) continue;
    const marks = bucket ? [bucket] : [WHOLE_COPY, ...record.buckets];
    await tx.records.put(withStale(record, [...new Set([...(record.stale ?? []), ...marks])].sort()));
  }
}

/**
 * The re-pull has ended (has_more false): every mark still standing names a bucket that no
 * longer holds the record for us, or a copy the server did not send again. Those buckets are
 * left; a record left with no bucket, or never re-sent, loses its server copy (queued edits
 * keep it, as with a tombstone). `marks` are the ones the resync set (a bucket or WHOLE_COPY).
 */
export async function sweepStale(tx, marks) {
  const records = marks.includes(WHOLE_COPY) ? await tx.records.all() : await recordsIn(tx, marks);
  for (const record of records) {
    if (!record.stale?.length) continue;
    const buckets = record.buckets.filter((b) => !record.stale.includes(b));
    if (record.stale.includes(WHOLE_COPY) || !buckets.length)
      await writeRecord(tx, record.entity, record.id, null, [], record);
    else await tx.records.put(withStale({ ...record, buckets }, []));
  }
}

/** The records held through any of `buckets`, each once: one scan (the store has no bucket index). */
async function recordsIn(tx, buckets) {
  return (await tx.records.all()).filter((record) => record.buckets.some((bucket) => buckets.includes(bucket)));
}

/** The record with these stale marks; none: no `stale` field at all. */
function withStale(record, stale) {
  const { stale: _previous, ...rest } = record;
  return stale.length ? { ...rest, stale } : rest;
}

/**
 * Runs fn(item) for every item: the items of one record one after another in their order,
 * different records side by side. IndexedDB then has every record's request queued at once
 * instead of answering one and waiting for the page to send the next (§5.2's order holds per
 * record, which is all it promises: different records never depend on each other).
 */
export async function perRecord(items, keyOf, fn) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (const item of group) await fn(item);
    }),
  );
}

/**
 * tx with outbox.forRecord answered from one read of the whole outbox, for a transaction that
 * changes records but not the outbox (a pull page): one request instead of one per record.
 */
export async function withOutboxSnapshot(tx) {
  const byRecord = new Map();
  for (const entry of await tx.outbox.all()) {
    const key = recordKey(entry.entity, entry.record_id);
    const list = byRecord.get(key);
    if (list) list.push(entry);
    else byRecord.set(key, [entry]);
  }
  return {
    ...tx,
    outbox: {
      ...tx.outbox,
      forRecord: async (entity, id) => byRecord.get(recordKey(entity, id)) ?? [],
      queued: (entity, id) => byRecord.has(recordKey(entity, id)), // without a promise
    },
  };
}

/**
 * tx with the outbox read once and kept in step with this transaction's own outbox writes, for
 * a transaction that answers a push batch (sync-push.js): outbox.forRecord and outbox.all are
 * answered from memory, outbox.put writes through, and outbox.delete is held back until
 * flushDeletes(), which deletes each run of consecutive seqs in one request (later deletes go at once). So a batch of 200
 * answers costs one read of the outbox and a few deletes, not one read and one delete each.
 * Returns {tx, flushDeletes}; the caller awaits flushDeletes() before the transaction ends.
 */
export async function withOutboxTracked(tx) {
  const entries = await tx.outbox.all(); // oldest first
  const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
  const byRecord = new Map(); // recordKey -> seqs, oldest first
  for (const entry of entries) {
    const key = recordKey(entry.entity, entry.record_id);
    const seqs = byRecord.get(key);
    if (seqs) seqs.push(entry.seq);
    else byRecord.set(key, [entry.seq]);
  }
  const doomed = new Set();
  let flushed = false;
  const outbox = {
    ...tx.outbox,
    add: () => {
      throw new Error('outbox.add is not tracked here');
    },
    all: async () => [...bySeq.values()].filter((entry) => !doomed.has(entry.seq)),
    forRecord: async (entity, id) =>
      (byRecord.get(recordKey(entity, id)) ?? []).filter((seq) => !doomed.has(seq)).map((seq) => bySeq.get(seq)),
    get: async (seq) => (doomed.has(seq) ? undefined : bySeq.get(seq)),
    put: (entry) => {
      // An entry keeps its seq and its record: only the answers' changes are put here.
      if (!bySeq.has(entry.seq)) throw new Error(`outbox entry ${entry.seq} was not read in this transaction`);
      doomed.delete(entry.seq);
      bySeq.set(entry.seq, entry);
      return tx.outbox.put(entry);
    },
    delete: async (seq) => {
      doomed.add(seq);
      if (flushed) await tx.outbox.delete(seq);
    },
  };
  async function flushDeletes() {
    flushed = true;
    const runs = []; // [first, last]: consecutive doomed seqs among the outbox's keys
    let run = null;
    for (const seq of bySeq.keys()) {
      if (!doomed.has(seq)) run = null;
      else if (run) run[1] = seq;
      else runs.push((run = [seq, seq]));
    }
    await Promise.all(runs.map(([first, last]) => tx.outbox.deleteRange(first, last)));
  }
  return { tx: { ...tx, outbox }, flushDeletes };
}

export const recordKey = (entity, id) => `${entity}\u0000${id}`;
