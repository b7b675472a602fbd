// The inbox on this phone (issue 6): the synced `inbox` records of bucket user:<id>
// (PROTOCOL.md §13), read from IndexedDB so that it opens, counts and reads with no signal.
// Reading an entry is an outbox edit of read_at: it syncs when the phone is back online.
import { entryOf, sortInbox } from './alerts.js';
import { getRecord, listRecords } from './db.js';
import { enqueue } from './outbox.js';

export const INBOX = 'inbox';

const visible = (record) => record && !record.deleted;

/** Every entry of my inbox, unread first (alerts.js sortInbox). */
export async function loadInbox() {
  const records = await listRecords(INBOX);
  return sortInbox(records.filter(visible).map((record) => entryOf(record.id, record.data ?? {})));
}

/** How many entries of my inbox are unread (home's badge: no sorting, no entry objects). */
export async function countUnreadInbox() {
  return (await listRecords(INBOX)).filter((record) => visible(record) && !record.data?.read_at).length;
}

/**
 * One entry by its id, or by its alert's id (a live banner or a notification may know only
 * that); null when it is not on this phone (yet).
 */
export async function loadInboxEntry(id) {
  const record = await getRecord(INBOX, id);
  if (visible(record)) return entryOf(record.id, record.data ?? {});
  const ofAlert = (await listRecords(INBOX)).find((r) => visible(r) && String(r.data?.alert_id) === String(id));
  return ofAlert ? entryOf(ofAlert.id, ofAlert.data) : null;
}

/** Marks an entry read (once): an outbox update of read_at, shown at once, synced later. */
export async function markEntryRead(entry, now = new Date()) {
  if (!entry || entry.readAt) return null;
  return enqueue({ entity: INBOX, id: entry.id, op: 'update', fields: { read_at: now.toISOString() } });
}
