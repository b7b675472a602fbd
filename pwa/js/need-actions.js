// What the need taps write (PROTOCOL.md §16): each is one outbox entry (outbox.js), saved on the
// phone at once, shown at once and sent with the next sync, so a resident files a need and a
// grid worker works it with no signal. Field names are server/tasks/need_sync.py's; the server
// stamps the rest (grid, deadlines, history). Times are the device's clock with its offset.
import { enqueue, localIsoTime } from './outbox.js';

const text = (value) => (value ?? '').trim() || null;
const NEED = 'need';

/** A new need of the resident (the server makes it `received`). */
export function needFields({
  userId,
  householdId,
  category,
  text: words,
  photos = [],
  location = null,
  now = new Date(),
}) {
  return {
    user_id: Number(userId),
    household_id: Number(householdId),
    category,
    text: words.trim(),
    photos: [...new Set(photos)],
    location: location ?? null,
    filed_at: localIsoTime(now),
  };
}

/** A handler's move: 受理, 开始办理, 办结 (with a note and photos), 转办 (to whom, why), 收回 (admins). */
export function moveFields(status, { note = '', photos = [], referredTo = '', now = new Date() } = {}) {
  const fields = { status, status_device_at: localIsoTime(now) };
  if (status === 'resolved' || status === 'referred') fields.handle_note = text(note);
  if (status === 'resolved' && photos.length) fields.handle_photos = [...new Set(photos)];
  if (status === 'referred') fields.referred_to = text(referredTo);
  return fields;
}

/** 评价 of the resident: 1–5 and a comment. */
export const rateFields = ({ rating, comment = '' }) => ({ rating: Number(rating), rating_comment: text(comment) });

export const createNeed = (form) => enqueue({ entity: NEED, op: 'create', fields: needFields(form) });
// The note goes with every resolution or referral, even when it reads as the last one did (§16.1).
export const moveNeed = (id, status, form) =>
  enqueue({
    entity: NEED,
    id,
    op: 'update',
    fields: moveFields(status, form),
    always: ['handle_note', 'status_device_at'],
  });
export const rateNeed = (id, form) =>
  enqueue({ entity: NEED, id, op: 'update', fields: rateFields(form), always: ['rating'] });
