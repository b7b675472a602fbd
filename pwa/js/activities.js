// Volunteer service activities (志愿服务活动, PROTOCOL.md §18) without a DOM: who organises, the
// lists a volunteer and an organiser see, the one sign-up id of a volunteer and an activity, the
// organiser's check-in code (QR payload and the 12 characters typed instead) and how the
// volunteer's phone reads one back, and the checks the activity form makes. The server decides
// every seat and every check-in when it syncs (§18.3, §18.4): nothing here pretends to succeed.

import { ALPHABET, grouped, mac, normalise, timeWindow } from './codes.js';
import { ACTIVITIES } from './constants.js';
import { SKILLS } from './vocab.js';

export const { STATUSES, SIGNUP_STATUSES } = ACTIVITIES;
export const QR_PREFIX = 'RGCHECKIN';
export const DIRECTIONS = ['in', 'out'];
const TYPED_WINDOWS = 512; // the typed code carries the window's last 9 bits (§18.4)
const TYPED_LENGTH = 12;

const rolesOf = (me, role) => (me?.roles ?? []).filter((r) => r.role === role);
export const isAdmin = (me) => rolesOf(me, 'admin').length > 0;
export const volunteerCommunities = (me) => rolesOf(me, 'volunteer').map((r) => r.scope_id);
export const isVolunteer = (me) => volunteerCommunities(me).length > 0;

/** Whether I run this activity: an admin who holds it (it is in my org buckets) or its named organiser. */
export const isOrganiser = (me, activity) =>
  Boolean(activity) && (isAdmin(me) || (activity.organiser_id != null && activity.organiser_id === me?.user?.id));

const startOf = (a) => String(a.starts_at ?? '');
const ms = (iso) => (iso ? new Date(iso).getTime() : Number.NaN);
export const isOver = (activity, now = Date.now()) => ms(activity.ends_at) <= now;
export const isOpen = (activity, now = Date.now()) => activity.status === 'published' && !isOver(activity, now);

/** A volunteer's sign-up of an activity among the sign-up items (the one whose user is me). */
export function mySignup(signupItems, activityId, userId) {
  return signupItems.find((item) => item.signup.activity_id === activityId && item.signup.user_id === userId) ?? null;
}

/**
 * The 社区活动 lists: {upcoming, mine, past}. mine: activities open for sign-up (published, not
 * over) that I signed up for (seated or waiting, or a sign-up still on its way), soonest first;
 * upcoming: the other open ones, soonest first; past: the rest I organise or took part in, newest first. Each entry {item, signup}.
 */
export function activityLists(activityItems, signupItems, me, now = Date.now()) {
  const userId = me?.user?.id;
  const withSignup = (item) => ({ item, signup: mySignup(signupItems, item.id, userId) });
  const all = activityItems.map(withSignup);
  const live = (entry) => entry.signup && entry.signup.signup.status !== 'cancelled';
  const upcoming = all
    .filter((e) => isOpen(e.item.activity, now))
    .sort((a, b) => startOf(a.item.activity).localeCompare(startOf(b.item.activity)));
  const past = all
    .filter((e) => !isOpen(e.item.activity, now) && (live(e) || isOrganiser(me, e.item.activity)))
    .sort((a, b) => startOf(b.item.activity).localeCompare(startOf(a.item.activity)));
  return { upcoming: upcoming.filter((e) => !live(e)), mine: upcoming.filter(live), past };
}

/** Where I stand at an activity: none | seated | waiting | cancelled | checked_in | checked_out. */
export function myStanding(signup) {
  if (!signup) return 'none';
  if (signup.status === 'seated' && signup.checkout_at) return 'checked_out';
  if (signup.status === 'seated' && signup.checkin_at) return 'checked_in';
  return signup.status ?? 'seated';
}

/**
 * A sign-up as the server holds it while a change of mine was refused (the refused change stays
 * on the phone, with its words, until I discard it), else as this phone shows it.
 */
export const shownSignup = (item) =>
  item ? (item.rejected && item.record?.server_data ? item.record.server_data : item.signup) : null;

/** The direction a volunteer's next scan is for: in, then out, then none. */
export function nextDirection(signup) {
  if (signup?.status !== 'seated') return null;
  if (!signup.checkin_at) return 'in';
  return signup.checkout_at ? null : 'out';
}

// --- the one sign-up id (PROTOCOL.md §18.3) -------------------------------------------------------

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** RFC 4122 UUID version 5 (SHA-1) of a name in a namespace. */
export async function uuid5(namespace, name) {
  const ns = Uint8Array.from(namespace.replace(/-/g, '').match(/../g), (pair) => Number.parseInt(pair, 16));
  const data = new Uint8Array([...ns, ...new TextEncoder().encode(name)]);
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-1', data)).slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The id of a volunteer's sign-up of an activity: the server's (server/activities/followups.py). */
export const signupId = (activityId, userId) => uuid5(ACTIVITIES.SIGNUP_NAMESPACE, `${activityId}:${userId}`);

// --- the check-in code (PROTOCOL.md §18.4) --------------------------------------------------------

export const codeMessage = (activityId, direction, window) => `checkin:${activityId}:${direction}:${window}`;

/** The two characters before the MAC in the typed code: the window's last 9 bits and the direction. */
export function typedHead(window, direction) {
  const bits = ((window % TYPED_WINDOWS) << 1) | (direction === 'out' ? 1 : 0);
  return ALPHABET[bits >> 5] + ALPHABET[bits & 31];
}

/** What the organiser's phone shows in window `window`: {window, mac, qr, typed (grouped)}. */
export async function organiserCode(key, activityId, direction, window) {
  const code = await mac(key, codeMessage(activityId, direction, window));
  return {
    window,
    direction,
    mac: code,
    qr: `${QR_PREFIX}:${activityId}:${direction}:${window}:${code}`,
    typed: grouped(typedHead(window, direction) + code),
  };
}

/** The window with these last 9 bits nearest to the phone's own. */
export function nearestWindow(low, current) {
  const below = current - ((((current - low) % TYPED_WINDOWS) + TYPED_WINDOWS) % TYPED_WINDOWS);
  return current - below > TYPED_WINDOWS / 2 ? below + TYPED_WINDOWS : below;
}

/**
 * A code read from a QR or typed by the volunteer on the page of `activityId`, at `nowMs` of
 * this phone: {direction, window, mac} or {error}: `not_a_code` (not the shape of one) or
 * `other_activity` (a QR of another activity). Whether it is genuine only the server can tell.
 */
export function readCode(text, activityId, nowMs = Date.now()) {
  const raw = String(text ?? '').trim();
  if (raw.startsWith(`${QR_PREFIX}:`)) {
    const [, id, direction, window, code] = raw.split(':');
    if (!DIRECTIONS.includes(direction) || !/^\d+$/.test(window ?? '') || !code) return { error: 'not_a_code' };
    if (id !== activityId) return { error: 'other_activity' };
    return { direction, window: Number(window), mac: normalise(code) };
  }
  const typed = normalise(raw);
  if (typed.length !== TYPED_LENGTH || [...typed].some((ch) => !ALPHABET.includes(ch))) return { error: 'not_a_code' };
  const bits = ALPHABET.indexOf(typed[0]) * 32 + ALPHABET.indexOf(typed[1]);
  return {
    direction: bits & 1 ? 'out' : 'in',
    window: nearestWindow(bits >> 1, timeWindow(nowMs)),
    mac: typed.slice(2),
  };
}

/** Seconds left in the current 30-s window. */
export const secondsLeft = (nowMs = Date.now()) => 30 - Math.floor((nowMs / 1000) % 30);

// --- the activity form ----------------------------------------------------------------------------

/** Hours between two instants, to 0.5 (a default for 计入时长). */
export function hoursBetween(startIso, endIso) {
  const hours = (ms(endIso) - ms(startIso)) / 3_600_000;
  return Number.isFinite(hours) && hours > 0 ? Math.round(hours * 2) / 2 : null;
}

/**
 * The form's problems before anything is saved: {field: catalog key}. values: {communityId,
 * title, place, startsAt, endsAt (ISO), capacity, hours, skills (codes of vocab.js)}.
 */
export function activityProblems(values, now = Date.now()) {
  const problems = {};
  const { TITLE_MAX, PLACE_MAX, CAPACITY_MAX, HOURS_MIN, HOURS_MAX, DURATION_HOURS_MAX } = ACTIVITIES;
  if (!values.communityId) problems.community_id = 'activity.form.community_required';
  const title = (values.title ?? '').trim();
  if (!title || title.length > TITLE_MAX) problems.title = 'activity.form.title_required';
  const place = (values.place ?? '').trim();
  if (!place || place.length > PLACE_MAX) problems.place = 'activity.form.place_required';
  const start = ms(values.startsAt);
  const end = ms(values.endsAt);
  if (Number.isNaN(start)) problems.starts_at = 'activity.form.time_required';
  if (Number.isNaN(end)) problems.ends_at = 'activity.form.time_required';
  else if (end <= start) problems.ends_at = 'activity.ends_before_start';
  else if (end - start > DURATION_HOURS_MAX * 3_600_000) problems.ends_at = 'activity.too_long';
  else if (end <= now) problems.ends_at = 'activity.activity_over';
  const capacity = Number(values.capacity);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > CAPACITY_MAX) {
    problems.capacity = 'activity.form.capacity_range';
  }
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours < HOURS_MIN || hours > HOURS_MAX) problems.hours = 'activity.form.hours_range';
  const skills = values.skills ?? [];
  if (new Set(skills).size !== skills.length || skills.some((s) => !SKILLS.includes(s))) {
    problems.skills = 'activity.form.skills_choice'; // codes of the shared vocabulary (PROTOCOL.md §18.1)
  }
  return problems;
}
