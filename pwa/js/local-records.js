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
import { localView } from './sync-core.js';

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
 */
export async function writeRecord(tx, entity, id, server, buckets, previous) {
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
 * result (§6.4) that the pulls have already overtaken.
 */
export async function receiveServerCopy(tx, { entity, id, version, data, deleted = false, bucket = null }) {
  const previous = await tx.records.get(entity, id);
  const held = serverCopyOf(previous);
  const buckets = new Set(previous?.buckets ?? []);
  if (bucket) buckets.add(bucket);
  const stale = held !== null && version < held.version;
  const server = stale ? held : deleted ? null : { version, data };
  return writeRecord(tx, entity, id, server, [...buckets].sort(), previous);
}

/**
 * The record left `bucket` (a tombstone, §5.4; a removed or reset bucket, §2, §5.5). When no
 * bucket of ours holds it any more, the server's copy goes; queued edits keep the record.
 */
export async function leaveBucket(tx, record, bucket) {
  const buckets = record.buckets.filter((b) => b !== bucket);
  if (buckets.length) {
    await tx.records.put({ ...record, buckets });
    return;
  }
  await writeRecord(tx, record.entity, record.id, null, [], record);
}

/** Forgets every server copy (cursor expired, §5.5); records with queued edits stay as orphans. */
export async function forgetServerCopies(tx) {
  for (const record of await tx.records.all()) {
    await writeRecord(tx, record.entity, record.id, null, [], record);
  }
}
