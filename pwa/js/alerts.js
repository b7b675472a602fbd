// Alerts without a DOM (issue 6): the inbox's order and filters, the unread count, the live
// banner's rule, the publish form's checks and what it sends, delivery counts. The inbox entries
// are the synced `inbox` records of bucket user:<id> (PROTOCOL.md §13); screens read them from
// IndexedDB through inbox-data.js, so all of this works with no signal.

import { ALERTS } from './constants.js';

// LEVELS: 信息 通知 预警 紧急. CATEGORIES: the ones an admin picks from; other notices (a task)
// bring their own. The server refuses a longer title or body than TITLE_MAX, BODY_MAX: the
// payload must stay under Firefox for Android's ~3 KB (DESIGN.md §6).
export const { LEVELS, CATEGORIES, DELIVERY_STATES, TITLE_MAX, BODY_MAX } = ALERTS;
// Places (any mix), narrowed to roles; no place at all means the author's whole jurisdiction.
export const PLACE_KINDS = ['org_unit_ids', 'grid_ids', 'compound_ids', 'building_ids'];
// The server's roles (constants.js ROLES) in the order the form offers them: residents first.
export const TARGET_ROLES = ['resident', 'grid_worker', 'red_steward', 'property_staff', 'volunteer', 'admin'];

const levelRank = (level) => Math.max(0, LEVELS.indexOf(level));
const time = (iso) => (iso ? Date.parse(iso) || 0 : 0);

/** An inbox entry as the screens use it, from a local record's data (lenient: §13 may add fields). */
export function entryOf(id, data) {
  return {
    id,
    alertId: data.alert_id ?? null,
    title: data.title ?? '',
    body: data.body ?? '',
    level: LEVELS.includes(data.level) ? data.level : 'info',
    category: data.category ?? 'other',
    topic: data.topic ?? null,
    link: data.link ?? null,
    createdAt: data.created_at ?? data.sent_at ?? null,
    expiresAt: data.expires_at ?? null,
    readAt: data.read_at ?? null,
  };
}

export const isUnread = (entry) => !entry.readAt;
export const isExpired = (entry, now = Date.now()) => Boolean(entry.expiresAt) && time(entry.expiresAt) <= now;

const PIN_MS = 24 * 3600 * 1000;

/** An unread 紧急 or 预警 notice of the last day, not expired: it stays on top until read. */
export const isPinned = (entry, now = Date.now()) =>
  isUnread(entry) &&
  levelRank(entry.level) >= levelRank('warning') &&
  !isExpired(entry, now) &&
  now - time(entry.createdAt) < PIN_MS;

/** Pinned first (a fresh urgent or warning notice, unread), then unread, each newest first: an
 * old warning does not sit above today's notices for ever. */
export function sortInbox(entries, now = Date.now()) {
  return [...entries].sort(
    (a, b) =>
      isPinned(b, now) - isPinned(a, now) ||
      isUnread(b) - isUnread(a) ||
      time(b.createdAt) - time(a.createdAt) ||
      String(a.id).localeCompare(String(b.id)),
  );
}

/** The entries of one category ('all' or null: every one). */
export const filterInbox = (entries, category) =>
  !category || category === 'all' ? entries : entries.filter((entry) => entry.category === category);

/** The categories present, in the catalog's order, unknown ones last. */
export function categoriesOf(entries) {
  const present = new Set(entries.map((entry) => entry.category));
  const known = CATEGORIES.filter((code) => present.has(code));
  return [...known, ...[...present].filter((code) => !CATEGORIES.includes(code)).sort()];
}

/** Whether an alert arriving over Socket.IO gets the banner at the top of every screen. */
export const wantsBanner = (alert) => alert?.level === 'urgent';

/** The address of an entry's detail in the app. */
export const inboxPath = (id) => `/inbox/${encodeURIComponent(id)}`;

/** Characters as a person counts them (an emoji or a CJK character is one). */
export const charCount = (text) => [...(text ?? '')].length;

/**
 * What is wrong with the publish form: {field: i18n key}; empty when it can be sent.
 * form: {title, body, level, category, targeting: {org_unit_ids, …, roles}, sendAt (instant or null),
 * expiresAt}. A whole jurisdiction (no place) must be said on purpose: form.everywhere.
 */
export function alertFormProblems(form, now = Date.now()) {
  const problems = {};
  if (!form.title?.trim()) problems.title = 'alerts.form.title_required';
  else if (charCount(form.title.trim()) > TITLE_MAX) problems.title = 'alerts.form.title_long';
  if (!form.body?.trim()) problems.body = 'alerts.form.body_required';
  else if (charCount(form.body) > BODY_MAX) problems.body = 'alerts.form.body_long';
  if (!LEVELS.includes(form.level)) problems.level = 'alerts.form.level_required';
  if (!form.category) problems.category = 'alerts.form.category_required';
  const targeting = form.targeting ?? {};
  if (!form.everywhere && !PLACE_KINDS.some((kind) => targeting[kind]?.length))
    problems.targeting = 'alerts.form.targets_required';
  if (form.sendAt && time(form.sendAt) <= now) problems.send_at = 'alerts.form.send_at_past';
  const start = form.sendAt ? time(form.sendAt) : now;
  if (form.expiresAt && time(form.expiresAt) <= start) problems.expires_at = 'alerts.form.expires_before';
  return problems;
}

/** The body of POST /api/alerts/preview for the form: its targeting and category, or null while
 * no place is ticked and the whole jurisdiction is not chosen (nothing to count yet). */
export function reachBody(form) {
  const targeting = form.targeting ?? {};
  if (!form.everywhere && !PLACE_KINDS.some((kind) => targeting[kind]?.length)) return null;
  const { targeting: asSent } = alertPayload({ ...form, title: '', body: '' });
  return { targeting: asSent, category: form.category || null };
}

/** An alert asks "are you sure" with the server's count before it goes: urgent (紧急), or to a
 * whole jurisdiction (a street, district or city, or no place named). */
export const needsConfirmation = (level, reach) => level === 'urgent' || Boolean(reach?.whole_jurisdiction);

/** The body of POST /api/alerts from the form (ids as numbers; everywhere: no place). */
export function alertPayload(form) {
  const targeting = {};
  for (const kind of PLACE_KINDS) targeting[kind] = form.everywhere ? [] : (form.targeting?.[kind] ?? []).map(Number);
  targeting.roles = [...(form.targeting?.roles ?? [])];
  return {
    title: (form.title ?? '').trim(),
    body: (form.body ?? '').trim(),
    level: form.level,
    category: form.category,
    targeting,
    send_at: form.sendAt || null,
    expires_at: form.expiresAt || null,
  };
}

/** Delivery counts as {state: n} for every state (missing ones 0) and the total. */
export function deliveryCounts(counts = {}) {
  const out = Object.fromEntries(DELIVERY_STATES.map((state) => [state, Number(counts[state] ?? 0)]));
  // recipients: people with an inbox entry (server/alerts/jobs.py counts); else the deliveries.
  out.total = Number(counts.recipients ?? counts.total ?? DELIVERY_STATES.reduce((sum, state) => sum + out[state], 0));
  return out;
}

/** A live delivery update for this alert: the new counts merged over the shown ones, else null. */
export function applyDeliveryUpdate(shown, alertId, event) {
  if (!event || String(event.alert_id ?? event.id) !== String(alertId) || !event.counts) return null;
  return deliveryCounts({ ...shown, ...event.counts });
}

// --- Web Push on this device ------------------------------------------------------------------

/** The VAPID key's URL-safe base64 as the bytes `applicationServerKey` takes. */
export function base64UrlToBytes(text) {
  const base64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

/**
 * What this browser can do: 'supported', 'ios-install' (an iPhone or iPad not added to the Home
 * Screen: no PushManager until it is, iOS 16.4+), or 'unsupported'.
 */
export function pushSupport({
  userAgent = '',
  maxTouchPoints = 0,
  standalone = false,
  hasPushManager = false,
  hasNotification = false,
  hasServiceWorker = false,
}) {
  const ios = /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  if (hasServiceWorker && hasPushManager && hasNotification) return 'supported';
  if (ios && !standalone) return 'ios-install';
  return 'unsupported';
}

/** The card asking for push: shown to a signed-in user who neither said yes, nor no, nor "later". */
export function shouldOfferPush(
  { support, permission, subscribed, dismissedAt },
  now = Date.now(),
  remindAfterMs = 7 * 86400e3,
) {
  if (support === 'unsupported' || subscribed || permission === 'denied') return false;
  if (dismissedAt && now - dismissedAt < remindAfterMs) return false;
  return true;
}

/**
 * Why turning push on failed, as a catalog key that also says what to do; null when the error
 * carries the server's own words (an ApiError: the server answers in the user's language). The
 * browser's DOMException messages ("Registration failed - permission denied") are English and
 * name no remedy, so they are never shown.
 */
export function pushErrorKey(err) {
  if (err?.code === 'offline') return 'alerts.push.offline';
  if (err?.name === 'ApiError') return err.message ? null : 'error.unexpected';
  switch (err?.name) {
    case 'NotAllowedError': // notifications blocked for the site, the browser or the whole phone
      return 'alerts.push.error.blocked';
    case 'NotSupportedError':
    case 'InvalidAccessError':
      return 'alerts.push.error.unsupported';
    default: // AbortError "push service error", InvalidStateError, no answer: the push service
      return 'alerts.push.error.service';
  }
}

/** A subscription as the server takes it: {endpoint, keys: {p256dh, auth}, expiration_time}. */
export function subscriptionBody(subscription, extra = {}) {
  const json = typeof subscription.toJSON === 'function' ? subscription.toJSON() : subscription;
  const body = { endpoint: json.endpoint, keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth } };
  // Categories left out keep a known device's choice (server/push/schemas.py); null means all.
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) body[name] = value;
  return body;
}
