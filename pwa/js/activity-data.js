// Reads what the activity screens show, all from IndexedDB (works with no signal): activities,
// sign-ups and keys as this phone holds them (the server's copy + my queued edits,
// local-records.js), with their pending / refused state, and my service record. The buckets
// decide whose (PROTOCOL.md §18): a volunteer holds the community's activities and their own
// sign-ups; an organiser also the activity's key and everyone's sign-ups.
import { listOutbox, listRecords } from './db.js';
import { itemOf, loadItem, loadItems, outboxStateOf } from './task-data.js';

export const ACTIVITY = 'activity';
export const SIGNUP = 'activity_signup';
export const KEY = 'activity_key';
export const SERVICE_ENTRY = 'service_entry';

export const loadActivities = () => loadItems(ACTIVITY, 'activity');
export const loadSignups = () => loadItems(SIGNUP, 'signup');
export const loadActivity = (id) => loadItem(ACTIVITY, 'activity', id);
export const loadSignup = (id) => loadItem(SIGNUP, 'signup', id);

/** The sign-ups of an activity, each with its refused changes: [{item, refused}]. */
export async function loadSignupsOf(activityId) {
  const [records, entries] = await Promise.all([listRecords(SIGNUP), listOutbox()]);
  const states = outboxStateOf(entries, SIGNUP);
  return records
    .filter((record) => !record.deleted && record.data?.activity_id === activityId)
    .map((record) => {
      const state = states.get(record.id);
      return {
        item: itemOf(record, state, 'signup'),
        refused: (state?.entries ?? []).filter((e) => e.status === 'rejected'),
      };
    });
}

/** The signing key of an activity this phone holds (an organiser's), or null. */
export async function loadKey(activityId) {
  const keys = await listRecords(KEY);
  return keys.find((record) => !record.deleted && record.data?.activity_id === activityId)?.data?.key ?? null;
}

/** My service record: credited entries, newest first. */
export async function loadServiceEntries(userId) {
  const records = await listRecords(SERVICE_ENTRY);
  return records
    .filter((r) => !r.deleted && r.data?.account_id === userId && r.data?.status !== 'void')
    .map((r) => ({ id: r.id, ...r.data }))
    .sort((a, b) => String(b.occurred_at ?? '').localeCompare(String(a.occurred_at ?? '')));
}
