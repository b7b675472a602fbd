// Reads what the grid worker's screens show, all from IndexedDB (works with no signal): tasks
// and field reports as the worker sees them (the server's copy + their queued edits,
// local-records.js), whether each still has edits waiting or refused, and the place names.
import { getRecord, listOutbox, listRecords } from './db.js';
import { loadPlaces } from './places.js';
import { myTasks } from './tasks.js';

/** Per record (by id) of an entity: {pending, rejected, entries} of its outbox entries. */
export function outboxStateOf(entries, entity) {
  const byId = new Map();
  for (const entry of entries) {
    if (entry.entity !== entity) continue;
    const state = byId.get(entry.record_id) ?? { pending: 0, rejected: 0, entries: [] };
    if (entry.status === 'rejected') state.rejected += 1;
    else state.pending += 1;
    state.entries.push(entry);
    byId.set(entry.record_id, state);
  }
  return byId;
}

/**
 * A list item: {id, record, pending, rejected, local, [key]: the record's fields} (key: task,
 * inspection, order …); pending also while record.server_data exists.
 */
export function itemOf(record, state, key = 'task') {
  return {
    id: record.id,
    [key]: record.data ?? {},
    record,
    pending: Boolean(state?.pending) || (Object.hasOwn(record, 'server_data') && !state?.rejected),
    rejected: Boolean(state?.rejected),
    local: record.version === 0, // the server has not confirmed it yet
  };
}

/** Every record of an entity on this phone as list items (key: the items' field name). */
export async function loadItems(entity, key) {
  const [records, entries] = await Promise.all([listRecords(entity), listOutbox()]);
  const states = outboxStateOf(entries, entity);
  return records.filter((record) => !record.deleted).map((record) => itemOf(record, states.get(record.id), key));
}

/** One record as an item with its refused changes: {item, refused}, item null when it is not on this phone. */
export async function loadItem(entity, key, id) {
  const [record, entries] = await Promise.all([getRecord(entity, id), listOutbox()]);
  if (!record || record.deleted) return { item: null, refused: [] };
  const state = outboxStateOf(entries, entity).get(id);
  return { item: itemOf(record, state, key), refused: (state?.entries ?? []).filter((e) => e.status === 'rejected') };
}

const readListSources = () => Promise.all([listRecords('task'), listOutbox(), loadPlaces()]);
// Reads started by prefetchMyTasks(), for the first loadMyTasks() soon after.
let early = null;
const EARLY_FOR_MS = 3000;

/**
 * Starts reading what the task list shows while the app draws home for the session kept on the
 * phone (app.js), so that the list does not start reading IndexedDB only once home is drawn.
 * Nothing syncs before the first screen is drawn, so what is read cannot be out of date.
 */
export function prefetchMyTasks() {
  const reads = readListSources();
  reads.catch(() => {}); // a failure is the first loadMyTasks()'s to report
  early = { at: Date.now(), reads };
}

/** {items, places} of the worker's task list. */
export async function loadMyTasks(userId) {
  const reads = early && Date.now() - early.at < EARLY_FOR_MS ? early.reads : readListSources();
  early = null;
  const [records, entries, places] = await reads;
  const states = outboxStateOf(entries, 'task');
  const items = myTasks(records, userId, new Set(states.keys())).map((record) => itemOf(record, states.get(record.id)));
  return { items, places };
}

/** {item, places, refused} of one task, or item null when it is not on this phone. */
export async function loadTask(id) {
  const [record, entries, places] = await Promise.all([getRecord('task', id), listOutbox(), loadPlaces()]);
  if (!record || record.deleted) return { item: null, places, refused: [] };
  const state = outboxStateOf(entries, 'task').get(id);
  return {
    item: itemOf(record, state),
    places,
    refused: (state?.entries ?? []).filter((e) => e.status === 'rejected'),
  };
}

/**
 * The field reports this worker made: those the server says they created (created_by_id, a
 * server-stamped field), and those it has not stamped yet (made on this phone). Newest first.
 */
export async function loadMyReports(userId) {
  const [records, entries] = await Promise.all([listRecords('field_report'), listOutbox()]);
  const states = outboxStateOf(entries, 'field_report');
  const mine = (record) =>
    record.data?.created_by_id === userId || record.data?.created_by_id == null || states.has(record.id);
  return records
    .filter((record) => !record.deleted && mine(record))
    .map((record) => ({ ...itemOf(record, states.get(record.id)), report: record.data ?? {} }))
    .sort((a, b) => String(b.report.reported_at ?? '').localeCompare(String(a.report.reported_at ?? '')));
}

/** One outbox entry by seq (a refused change to fix), or undefined. */
export async function loadOutboxEntry(seq) {
  return (await listOutbox()).find((entry) => entry.seq === seq);
}
