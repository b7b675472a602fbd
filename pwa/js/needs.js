// Residents' needs (诉求, 接诉即办; PROTOCOL.md §16) without a DOM: the resident's list, the grid
// worker's work (the needs of their grids, the nearest deadline first), the admins' escalated
// queue, where a need stands on its timeline, its next deadline, what each person may do with
// it, and the checks a form makes before anything is saved. Rules stay the server's: this only
// decides what to offer, so nothing here pretends to succeed.
import { NEEDS } from './constants.js';

export const {
  CATEGORIES: NEED_CATEGORIES,
  STATUSES: NEED_STATUSES,
  OPEN_STATUSES: OPEN_NEED_STATUSES,
  DEADLINE_HOURS,
  MAX_PHOTOS: NEED_MAX_PHOTOS,
  LOW_RATING_MAX,
} = NEEDS;

const roles = (me, role) => (me?.roles ?? []).filter((r) => r.role === role);
export const isHandlerOf = (need, me) =>
  roles(me, 'admin').length > 0 || roles(me, 'grid_worker').some((r) => r.scope_id === need.grid_id);

export const statusOf = (need) => need?.status ?? 'received';
export const isOpen = (need) => OPEN_NEED_STATUSES.includes(statusOf(need));

// Made on this phone and not stamped yet (no created_at): newest of all.
const newestFirst = (a, b) => String(b.created_at ?? '\uffff').localeCompare(String(a.created_at ?? '\uffff'));

/** The resident's own needs, newest first (an admin's phone holds other people's too). */
export function myNeeds(items, userId) {
  return items.filter((item) => item.need.user_id === userId).sort((a, b) => newestFirst(a.need, b.need));
}

/**
 * The next deadline of a need, as of `now`: {kind: 'respond' | 'resolve', at, overdue}, or null
 * once it is resolved or referred (or before the server stamped its deadlines).
 */
export function nextDeadline(need, now = new Date()) {
  if (!isOpen(need)) return null;
  const kind = statusOf(need) === 'received' ? 'respond' : 'resolve';
  const at = need[kind === 'respond' ? 'respond_by' : 'resolve_by'];
  if (!at) return null;
  return { kind, at, overdue: new Date(at) < now };
}

const deadlineOf = (item) => nextDeadline(item.need)?.at ?? '\uffff';

/**
 * A grid worker's needs: those of their grids that are not their own, {open, done}; open: the
 * nearest deadline first (an overdue one on top), a refused edit of mine first of all; done:
 * resolved or referred, newest first.
 */
export function gridNeeds(items, me) {
  const grids = new Set(roles(me, 'grid_worker').map((r) => r.scope_id));
  const mine = items.filter((item) => grids.has(item.need.grid_id) && item.need.user_id !== me.user.id);
  const open = mine.filter((item) => isOpen(item.need) || item.rejected);
  return {
    open: open.sort((a, b) => Number(b.rejected) - Number(a.rejected) || deadlineOf(a).localeCompare(deadlineOf(b))),
    done: mine.filter((item) => !open.includes(item)).sort((a, b) => newestFirst(a.need, b.need)),
  };
}

/** The admins' queue: {escalated, open}: escalated and still open first (oldest first), then the other open ones. */
export function adminQueue(items, me) {
  const others = items.filter((item) => item.need.user_id !== me.user.id);
  const oldestFirst = (a, b) => -newestFirst(a.need, b.need);
  const escalated = others.filter((item) => item.need.escalated && (isOpen(item.need) || item.rejected));
  const open = others.filter((item) => !escalated.includes(item) && isOpen(item.need));
  return {
    escalated: escalated.sort(oldestFirst),
    open: open.sort((a, b) => deadlineOf(a).localeCompare(deadlineOf(b))),
  };
}

/**
 * The steps of the resident's timeline: received → accepted → in progress → resolved | referred,
 * each {status, at (the latest entry reaching it), done}; the last step is the referral once
 * referred. Ratings and escalations are the history's other entries (the detail lists them).
 */
export function timeline(need) {
  const history = need?.history ?? [];
  const reached = new Map();
  for (const entry of history) if (entry.to && entry.from !== entry.to) reached.set(entry.to, entry);
  const status = statusOf(need);
  const last = status === 'referred' || (reached.has('referred') && !reached.has('resolved')) ? 'referred' : 'resolved';
  const order = ['received', 'accepted', 'in_progress', last];
  const at = order.indexOf(status);
  return order.map((step, index) => {
    const entry = reached.get(step) ?? (step === 'received' ? history[0] : null);
    // A step is done when the need is at or past it; one skipped (received → resolved) counts too.
    const done = at >= 0 ? index <= at : Boolean(entry);
    // A step undone again (a resolution a low rating reopened) shows no time.
    return { status: step, at: done && entry ? (entry.device_at ?? entry.server_at) : null, done };
  });
}

/** The resident may rate the latest resolution: resolved, and not rated since. */
export function canRate(need) {
  if (statusOf(need) !== 'resolved') return false;
  if (!need.rated_at) return true;
  return Boolean(need.resolved_at) && new Date(need.rated_at) < new Date(need.resolved_at);
}

/**
 * What the user may do with a need: 'accept', 'start', 'resolve', 'refer' (the grid's worker or
 * an admin while it is open), 'take_back' (an admin, a referred or resolved need), 'rate' (its
 * resident). A need with a refused edit of mine offers nothing until it is discarded or fixed.
 */
export function needActions(item, me) {
  if (!item || item.rejected) return [];
  const { need } = item;
  const status = statusOf(need);
  const actions = [];
  if (need.user_id === me.user.id && canRate(need) && !item.pending) actions.push('rate');
  if (!isHandlerOf(need, me) || need.user_id === me.user.id) return actions;
  if (status === 'received') actions.push('accept');
  if (status === 'received' || status === 'accepted') actions.push('start');
  if (isOpen(need)) actions.push('resolve', 'refer');
  if ((status === 'referred' || status === 'resolved') && roles(me, 'admin').length) actions.push('take_back');
  return actions;
}

/** Problems of the new need form: {field: message key}; empty when it may be saved. */
export function needProblems({ category = null, text = '', householdId = null, photos = [] }) {
  const problems = {};
  if (!NEED_CATEGORIES.includes(category)) problems.category = 'need.required_category';
  if (!text.trim()) problems.text = 'need.required_text';
  if (householdId === null || householdId === '') problems.household_id = 'need.required_household';
  if (photos.length > NEED_MAX_PHOTOS) problems.photos = 'need.too_many_photos';
  return problems;
}

/** Problems of 办结 (a note) and 转办 (whom, and why). */
export function handleProblems({ outcome, note = '', referredTo = '' }) {
  const problems = {};
  if (!note.trim()) problems.handle_note = outcome === 'referred' ? 'need.required_reason' : 'need.required_note';
  if (outcome === 'referred' && !referredTo.trim()) problems.referred_to = 'need.required_referred_to';
  return problems;
}

/** Problems of 评价: 1–5. */
export const rateProblems = ({ rating }) =>
  [1, 2, 3, 4, 5].includes(Number(rating)) ? {} : { rating: 'need.required_rating' };

/** A rating this low reopens the need to the community (said before it is sent). */
export const reopens = (rating) => Number(rating) <= LOW_RATING_MAX;
