// The outbox: every write the user makes goes here first (STYLE.md rule 10), is shown at once
// (optimistic, local-records.js) and leaves the phone with the next sync (sync-client.js).
// Nothing pretends to succeed: an entry stays until the server answers, and a refused one stays,
// with the server's reason, until the user fixes or discards it (PROTOCOL.md §6.2, §6.3).
import { read, transactStrict } from './db.js';
import { refreshRecord, serverCopyOf } from './local-records.js';
import { photoHashesIn } from './photos.js';
import { changedFields } from './sync-core.js';

const STORES = ['records', 'outbox', 'photos', 'meta'];
// The user's own edits exist nowhere else until pushed: they are written with transactStrict (on
// disk before the write reports done, PROTOCOL.md §6.4); the browsers' default could lose them.
const listeners = new Set();

/**
 * Calls fn(reason) after every change to the outbox; returns a function that unsubscribes.
 * reason: 'queued' (something new to send), 'discarded', or 'answered' (the server's answers).
 */
export function onOutboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function notifyOutboxChanged(reason) {
  for (const fn of listeners) {
    try {
      fn(reason);
    } catch (err) {
      console.warn('outbox listener failed', err);
    }
  }
}

/**
 * Queues a create, update or delete and applies it to the local record at once.
 * - create: `fields` are the initial values; `id` defaults to a new UUID (ids are made on the phone, §4.1).
 * - update: only the fields whose values differ from what the user sees are sent; none → null.
 *   `always`: names of fields sent with such an update even when unchanged (the where of a
 *   status change belongs to that change, even when the worker has not moved since the last one).
 * - delete: of a record the server never confirmed (nothing in flight), the queued edits are
 *   simply dropped, since there is nothing to delete on the server.
 * Resolves to {seq, mutation, record} (record: the local record after it), or null.
 */
export async function enqueue({ entity, id = crypto.randomUUID(), op, fields = {}, always = [] }) {
  const mutationId = crypto.randomUUID();
  const clientTime = localIsoTime(new Date());
  const result = await transactStrict(STORES, async (tx) => {
    const record = await tx.records.get(entity, id);
    const visible = record && !record.deleted;
    if (op === 'create' && visible) throw new Error(`${entity} ${id} already exists on this phone`);
    if (op !== 'create' && !visible) throw new Error(`${entity} ${id} is not on this phone`);
    if (op === 'delete' && record.version === 0 && !(await inFlight(tx, entity, id))) {
      for (const entry of await tx.outbox.forRecord(entity, id)) await tx.outbox.delete(entry.seq);
      await tx.records.delete(entity, id);
      return { seq: null, mutation: null, record: null };
    }
    const sent = op === 'update' ? changedFields(record.data, fields) : op === 'create' ? fields : {};
    if (op === 'update' && !Object.keys(sent).length) return null;
    if (op === 'update') for (const name of always) if (Object.hasOwn(fields, name)) sent[name] = fields[name];
    const entry = {
      id: mutationId,
      entity,
      record_id: id,
      op,
      // The version the user saw: the server merges field by field against it (§7.1) …
      base_version: op === 'create' ? null : record.version,
      // … and the server epoch it is a version of (null before the first pull).
      epoch: op === 'create' ? null : ((await tx.meta.get('epoch')) ?? null),
      fields: sent,
      client_time: clientTime,
      status: 'pending',
      error: null,
      created_at: Date.now(),
      photos: await localPhotos(tx, sent),
    };
    entry.seq = await tx.outbox.add(entry);
    return { seq: entry.seq, mutation: toWire(entry), record: await refreshRecord(tx, entity, id) };
  });
  if (result) notifyOutboxChanged(result.seq ? 'queued' : 'discarded');
  return result;
}

async function inFlight(tx, entity, id) {
  return (await tx.outbox.forRecord(entity, id)).some((entry) => entry.status === 'sending');
}

/**
 * Hashes in the fields that name photos kept on this phone: they must upload before the push
 * (§10). Each is marked claimed: an edit names it, so its bytes may go once the edits are answered.
 */
async function localPhotos(tx, fields) {
  const local = [];
  for (const hash of photoHashesIn(fields)) {
    const photo = await tx.photos.get(hash);
    if (!photo) continue;
    local.push(hash);
    if (!photo.claimed) await tx.photos.put({ ...photo, claimed: true });
  }
  return local;
}

/** The mutation as the server wants it (§6.1), without the outbox's bookkeeping. */
export function toWire(entry) {
  const wire = { id: entry.id, entity: entry.entity, record_id: entry.record_id, op: entry.op, fields: entry.fields };
  if (entry.base_version !== null && entry.base_version !== undefined) wire.base_version = entry.base_version;
  if (entry.client_time) wire.client_time = entry.client_time;
  if (entry.epoch) wire.epoch = entry.epoch;
  return wire;
}

/** Entries waiting to leave the phone (pending, or sent without an answer yet), oldest first. */
export const listPending = () =>
  read(['outbox'], async (tx) => (await tx.outbox.all()).filter((e) => e.status !== 'rejected'));

/** Entries the server refused, each with its `error` ({code, message, fields}), oldest first. */
export const listRejected = () => read(['outbox'], (tx) => tx.outbox.withStatus('rejected'));

/** {pending, rejected}: for the sync status. */
export const countOutbox = () =>
  read(['outbox'], async (tx) => {
    const [pending, sending, rejected] = [
      await tx.outbox.count('pending'),
      await tx.outbox.count('sending'),
      await tx.outbox.count('rejected'),
    ];
    return { pending: pending + sending, rejected };
  });

/**
 * Drops an entry the user gave up on (refused, or not sent yet) and shows the record as the
 * server has it, with the other queued edits. An entry in flight cannot be discarded: the
 * server may have applied it already.
 */
export async function discard(seq) {
  const record = await transactStrict(STORES, async (tx) => {
    const entry = await tx.outbox.get(seq);
    if (!entry) return undefined;
    if (entry.status === 'sending') throw new Error('this change is being sent; wait for the answer');
    await tx.outbox.delete(seq);
    return refreshRecord(tx, entry.entity, entry.record_id);
  });
  notifyOutboxChanged('discarded');
  return record;
}

/**
 * Sends a refused entry again, as a new mutation (the server keeps the first answer to every
 * mutation id, §6.4), keeping its place in the queue. `fields` replaces the fields sent: the
 * user's fix. A delete refused with changed_since is retried against the version now held:
 * the user decided again after seeing the changes (§6.3).
 */
export async function retry(seq, { fields } = {}) {
  const entry = await transactStrict(STORES, async (tx) => {
    const current = await tx.outbox.get(seq);
    if (current?.status !== 'rejected') throw new Error('only a refused change can be retried');
    const next = { ...current, id: crypto.randomUUID(), status: 'pending', error: null };
    if (fields) {
      next.fields = fields;
      next.photos = await localPhotos(tx, fields);
    }
    if (current.op === 'delete' && current.error?.code === 'changed_since') {
      const held = serverCopyOf(await tx.records.get(current.entity, current.record_id));
      if (held) Object.assign(next, { base_version: held.version, epoch: (await tx.meta.get('epoch')) ?? null });
    }
    await tx.outbox.put(next);
    await refreshRecord(tx, current.entity, current.record_id);
    return next;
  });
  notifyOutboxChanged('queued');
  return entry;
}

/** "2026-11-27T09:14:03+08:00": the device's clock and its offset, as §6.1's client_time. */
export function localIsoTime(date) {
  const pad = (n) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:` +
    `${pad(date.getMinutes())}:${pad(date.getSeconds())}${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}
