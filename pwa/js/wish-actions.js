// What the micro-wish taps write (PROTOCOL.md §14): each is one outbox entry (outbox.js), saved
// on the phone at once, shown at once and sent with the next sync, so a volunteer claims and
// fulfils a wish with no signal. Field names are server/wishes/sync.py's; the server stamps the
// rest (community, card, claimant, history). Times are the device's clock with its offset.
import { enqueue, localIsoTime } from './outbox.js';
import { endOfDay } from './wishes.js';

const text = (value) => (value ?? '').trim() || null;

/** A new wish of the resident (status submitted). */
export function wishFields({ userId, householdId, title, reason = '', photos = [], wantedBy = '' }) {
  const due = endOfDay(wantedBy);
  return {
    user_id: Number(userId),
    household_id: Number(householdId),
    title: title.trim(),
    reason: text(reason),
    photos: [...new Set(photos)],
    wanted_by: due ? localIsoTime(due) : null,
    status: 'submitted',
  };
}

/** The admin's review: 发布 with the wall's words and photos, or 不通过 with a reason. */
export function reviewFields({
  decision,
  publicTitle = '',
  publicText = '',
  publicPhotos = [],
  note = '',
  mergeInto = '',
}) {
  if (decision === 'rejected') return { status: 'rejected', review_note: note.trim() };
  if (decision === 'merged') return { status: 'merged', merged_into: mergeInto, review_note: text(note) };
  return {
    status: 'approved',
    public_title: publicTitle.trim(),
    public_text: text(publicText),
    public_photos: [...new Set(publicPhotos)],
  };
}

/** 完成 of the claimant: a note, the hours it took and the evidence photos. */
export function fulfilFields({ note = '', photos = [], hours = 1, now = new Date() }) {
  return {
    status: 'fulfilled',
    fulfil_note: text(note),
    hours: Number(hours),
    evidence_photos: [...new Set(photos)],
    fulfilled_at: localIsoTime(now),
  };
}

/** 确认 of the resident: the stars and a comment. */
export function confirmFields({ rating, comment = '', now = new Date() }) {
  return {
    status: 'confirmed',
    rating: Number(rating),
    rating_comment: text(comment),
    confirmed_at: localIsoTime(now),
  };
}

const WISH = 'wish';
const CARD = 'wish_card';

export const createWish = (form) => enqueue({ entity: WISH, op: 'create', fields: wishFields(form) });
export const withdrawWish = (id) => enqueue({ entity: WISH, id, op: 'update', fields: { status: 'withdrawn' } });
export const reviewWish = (id, form) => enqueue({ entity: WISH, id, op: 'update', fields: reviewFields(form) });
/** 关闭 of an admin: the card leaves the wall (the resident no longer needs it, or it cannot be done). */
export const closeCard = (id) => enqueue({ entity: CARD, id, op: 'update', fields: { status: 'closed' } });
/** 认领, for myself or (双报到) for my unit, `unitKey` "unit:<id>". */
export const claimCard = (id, unitKey = null) =>
  enqueue({
    entity: CARD,
    id,
    op: 'update',
    fields: { status: 'claimed', ...(unitKey ? { claimed_for: unitKey } : {}) },
  });
export const releaseCard = (id) => enqueue({ entity: CARD, id, op: 'update', fields: { status: 'open' } });
export const fulfilCard = (id, form) => enqueue({ entity: CARD, id, op: 'update', fields: fulfilFields(form) });
export const confirmCard = (id, form) => enqueue({ entity: CARD, id, op: 'update', fields: confirmFields(form) });
