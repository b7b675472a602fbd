// Reads what the need screens show, all from IndexedDB (works with no signal): needs as the user
// sees them (the server's copy + their queued edits, local-records.js), with their pending and
// refused state. The buckets decide whose: a resident holds their own, a grid worker their
// grids', an admin their jurisdiction's.
import { getRecord, listOutbox, listRecords } from './db.js';
import { itemOf, outboxStateOf } from './task-data.js';

export const NEED = 'need';

/** Every need on this phone: [{id, need, record, pending, rejected, local}]. */
export async function loadNeeds() {
  const [records, entries] = await Promise.all([listRecords(NEED), listOutbox()]);
  const states = outboxStateOf(entries, NEED);
  return records.filter((record) => !record.deleted).map((record) => itemOf(record, states.get(record.id), 'need'));
}

/** One need with its refused changes: {item, refused}, item null when it is not on this phone. */
export async function loadNeed(id) {
  const [record, entries] = await Promise.all([getRecord(NEED, id), listOutbox()]);
  if (!record || record.deleted) return { item: null, refused: [] };
  const state = outboxStateOf(entries, NEED).get(id);
  return {
    item: itemOf(record, state, 'need'),
    refused: (state?.entries ?? []).filter((e) => e.status === 'rejected'),
  };
}
