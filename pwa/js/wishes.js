// Micro-wishes (微心愿, DESIGN.md S5) without a DOM: a resident's households, which card belongs
// to which wish, the resident's list, the wall's two lists (open cards first, then my claims),
// the admin's review queue, what each person may do with a card, and the checks a form makes
// before anything is saved. Rules stay the server's (PROTOCOL.md §14): this only decides what
// to offer, so nothing here pretends to succeed.
import { WISHES } from './constants.js';

export const { STATUSES: WISH_STATUSES, CARD_STATUSES, MAX_PHOTOS } = WISHES;
export const STARS = [1, 2, 3, 4, 5];

const hasRole = (me, role) => (me?.roles ?? []).some((r) => r.role === role);
export const isResident = (me) => hasRole(me, 'resident');
export const isVolunteer = (me) => hasRole(me, 'volunteer');

/** The households the user holds `resident` in: [{id, name}] (a wish names one of them). */
export function residentHouseholds(me) {
  return (me?.roles ?? [])
    .filter((r) => r.role === 'resident' && r.scope_type === 'household')
    .map((r) => ({ id: r.scope_id, name: r.scope_name }));
}

/** Map wish id → the card item of that wish (the server makes at most one card per wish). */
export function cardsByWish(cardItems) {
  return new Map(cardItems.filter((item) => item.card.wish_id).map((item) => [item.card.wish_id, item]));
}

// Made on this phone and not stamped yet (no created_at): newest of all.
const newestFirst = (a, b) => String(b.created_at ?? '\uffff').localeCompare(String(a.created_at ?? '\uffff'));
const oldestFirst = (a, b) => String(a.created_at ?? '\uffff').localeCompare(String(b.created_at ?? '\uffff'));

/**
 * The resident's wishes, newest first, each with its card item (or null): [{...item, card}].
 * Only the user's own: an admin who is also a resident pulls other people's wishes too.
 */
export function myWishes(wishItems, cardItems, userId) {
  const cards = cardsByWish(cardItems);
  return wishItems
    .filter((item) => item.wish.user_id === userId)
    .sort((a, b) => newestFirst(a.wish, b.wish))
    .map((item) => ({ ...item, card: cards.get(item.id) ?? null }));
}

/**
 * Where a wish stands for its resident: the wish's status until it is published, then its
 * card's (待认领 … 已确认). {wish, card}: codes, card null before there is a card on the phone.
 */
export function wishProgress(wish, card = null) {
  return { wish: wish?.status ?? 'submitted', card: wish?.status === 'approved' ? (card?.status ?? null) : null };
}

/** A claim of mine: the server says so, or my own edit of the card waits (or was refused) on this phone. */
export const isMyClaim = (item, userId) =>
  item.card.claimant_id === userId || ((item.pending || item.rejected) && item.card.claimant_id == null);

/**
 * The wall of a volunteer: {open, mine}. open: cards waiting for a volunteer, the soonest wanted
 * first (no date last), then the oldest; mine: cards I claimed (or tried to), the ones still to
 * do first, then fulfilled, then confirmed. A card someone else holds is on neither list, unless
 * my edit of it waits or was refused (so a lost claim stays in sight, with its message).
 */
export function wallSections(cardItems, userId) {
  const wanted = (card) => String(card.wanted_by ?? '\uffff');
  const mine = cardItems.filter((item) => item.card.claimant_id === userId || item.pending || item.rejected);
  const mineIds = new Set(mine.map((item) => item.id));
  const open = cardItems
    .filter((item) => item.card.status === 'open' && !mineIds.has(item.id))
    .sort((a, b) => wanted(a.card).localeCompare(wanted(b.card)) || oldestFirst(a.card, b.card));
  const rank = { claimed: 0, fulfilled: 1, confirmed: 2 };
  mine.sort(
    (a, b) =>
      Number(b.rejected) - Number(a.rejected) ||
      (rank[a.card.status] ?? 3) - (rank[b.card.status] ?? 3) ||
      newestFirst(a.card, b.card),
  );
  return { open, mine };
}

/** The admin's queue: wishes waiting for review, oldest first; then the reviewed ones, newest first. */
export function reviewQueue(wishItems) {
  const waiting = wishItems.filter((item) => (item.wish.status ?? 'submitted') === 'submitted' || item.rejected);
  const done = wishItems.filter((item) => !waiting.includes(item));
  return {
    waiting: waiting.sort((a, b) => oldestFirst(a.wish, b.wish)),
    done: done.sort((a, b) => newestFirst(a.wish, b.wish)),
  };
}

/**
 * What the user may do with a card: 'claim', 'release', 'fulfil' (a volunteer), 'confirm' (the
 * wish's resident, `ownWish`). A card with a refused edit of mine offers nothing until it is
 * discarded or fixed (the refusal says why).
 */
export function cardActions(item, me, { ownWish = false } = {}) {
  if (!item || item.rejected) return [];
  const { card } = item;
  const status = card.status ?? 'open';
  const actions = [];
  if (isVolunteer(me) && !ownWish) {
    if (status === 'open') actions.push('claim');
    if (status === 'claimed' && isMyClaim(item, me.user.id)) actions.push('release', 'fulfil');
  }
  if (ownWish && status === 'fulfilled') actions.push('confirm');
  return actions;
}

/** A wish's resident may withdraw it while it waits for review. */
export const canWithdraw = (item, userId) =>
  Boolean(item) && !item.rejected && item.wish.user_id === userId && (item.wish.status ?? 'submitted') === 'submitted';

/** A date field's value (YYYY-MM-DD) as the end of that day on this phone, or null. */
export function endOfDay(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
}

/** Problems of the wish form before saving: {field: message key}. Empty when it may be saved. */
export function wishProblems({ title = '', wantedBy = '', householdId = null }, now = new Date()) {
  const problems = {};
  if (!title.trim()) problems.title = 'wish.required_title';
  const due = endOfDay(wantedBy);
  if (due && due < now) problems.wanted_by = 'wish.wanted_by_past';
  if (householdId === null || householdId === '') problems.household_id = 'wish.required_household';
  return problems;
}

/** Problems of the admin's review: approve needs a public title, reject a reason. */
export function reviewProblems({ decision, publicTitle = '', note = '', mergeInto = '' }) {
  const problems = {};
  if (decision === 'approved' && !publicTitle.trim()) problems.public_title = 'wish.required_public_title';
  if (decision === 'rejected' && !note.trim()) problems.review_note = 'wish.required_reason';
  if (decision === 'merged' && !mergeInto) problems.merged_into = 'wish.required_merge_target';
  return problems;
}

/** The published wishes of the same community a wish may merge into (the server's merge_target), newest first. */
export function mergeTargets(wishItems, item) {
  return wishItems
    .filter(
      (other) =>
        other.id !== item.id &&
        other.wish.status === 'approved' &&
        other.wish.community_id === item.wish.community_id &&
        !other.local,
    )
    .sort((a, b) => newestFirst(a.wish, b.wish));
}

/** Problems of 完成: at least one photo (the server's evidence_required). */
export const fulfilProblems = ({ photos = [] }) => (photos.length ? {} : { evidence_photos: 'wish.evidence_required' });

/** Problems of 确认: 1–5 stars. */
export const confirmProblems = ({ rating }) =>
  STARS.includes(Number(rating)) ? {} : { rating: 'wish.required_rating' };

/** The units I may claim a wish of a community for (双报到): my memberships there with a unit, from
 * the copy of 我的报到 kept on the phone; [{key: "unit:<id>", name}]. */
export function claimUnits(mine, communityId) {
  return (mine?.members ?? [])
    .filter((m) => m.active !== false && m.unit_id && m.community_id === communityId)
    .map((m) => ({ key: `unit:${m.unit_id}`, name: m.unit_name ?? '' }));
}
