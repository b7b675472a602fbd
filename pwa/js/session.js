// Who is signed in: /api/me from the network when possible, else the copy kept in IndexedDB
// so a grid worker without signal still sees their home screen.
import { ApiError, get, patch, post, rememberCsrfToken } from './api.js';
import { forgetUserData, getCached, getMeta, setCached, setMeta } from './db.js';
import { t } from './i18n.js';
import { isOnline } from './net.js';
import { countOutbox } from './outbox.js';
import { turnPushOff } from './push.js';
import { stopSync, syncNow } from './sync-client.js';
import { firstPullAsked, offerFirstPage } from './sync-pull.js';

const ME_KEY = 'me';
// Opening the app on weak signal: show the cached home after this long rather than a spinner.
const START_TIMEOUT_MS = 6000;

async function remember(me) {
  // The CSRF token belongs to the live session, not to the cached profile.
  const { csrf_token: _token, ...profile } = me;
  try {
    await setCached(ME_KEY, { me: profile, savedAt: Date.now() });
  } catch (err) {
    console.warn('could not cache /api/me', err); // still signed in; only offline start is lost
  }
}

async function cachedMe() {
  try {
    return await getCached(ME_KEY);
  } catch (err) {
    console.warn('could not read cached /api/me', err);
    return undefined;
  }
}

/** True when the failure says nothing about the session: no network or a server/proxy failing. */
function isUnreachable(err) {
  return err instanceof ApiError && (err.code === 'offline' || err.status >= 500);
}

/**
 * The copy of /api/me kept on this phone as {me, stale: true, savedAt}, or null (never signed
 * in here, or signed out since). Reads IndexedDB only: for opening the app without waiting.
 */
export async function loadCachedMe() {
  const copy = await cachedMe();
  return copy ? { me: copy.me, stale: true, savedAt: copy.savedAt } : null;
}

/**
 * Resolves to {me, stale, savedAt}. stale is true when the network failed and the last
 * synced copy is shown. Throws ApiError: 401 when signed out, "offline" when there is no copy.
 */
export async function loadMe() {
  if (isOnline()) {
    try {
      // GET /api/session: 200 signed in or not (no error in the console of a new phone), and
      // preloaded by index.html beside the scripts.
      const answer = await get('/api/session', { timeoutMs: START_TIMEOUT_MS });
      if (!answer.signed_in) throw new ApiError(401, 'unauthorized', t('error.unauthorized'));
      await ownedBy(answer.me);
      // The profile as cached (the CSRF token is the live session's, kept by api.js): the same
      // profile compares equal to the copy home opened on, which is then not drawn again.
      const { csrf_token: _token, ...me } = answer.me;
      return { me, stale: false, savedAt: Date.now() };
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      const copy = await cachedMe();
      if (!copy) throw err;
      return { me: copy.me, stale: true, savedAt: copy.savedAt };
    }
  }
  const copy = await cachedMe();
  if (!copy) throw new ApiError(0, 'offline', t('error.offline'));
  return { me: copy.me, stale: true, savedAt: copy.savedAt };
}

/** The digits of a mainland number as the server keeps them ("+86 138 0000 0003" → 13800000003). */
export function phoneDigits(phone) {
  const digits = String(phone).replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86')) return digits.slice(2);
  if (digits.length === 15 && digits.startsWith('0086')) return digits.slice(4);
  return digits;
}

function maskPhone(phone) {
  return phone.length >= 8 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

async function unsentCount() {
  const { pending, rejected } = await countOutbox();
  return pending + rejected;
}

/**
 * Signs in and returns the /api/me body. Throws ApiError with field messages on failure.
 *
 * A phone is often shared at the service centre. Records synced for someone else never show to
 * the next person: they are forgotten at sign-in. Someone else's unsent edits are never dropped
 * silently: sign-in is refused (code other_user_unsynced) until that person syncs them or the
 * new user chooses to discard them (discardOthers).
 */
export async function signIn(phone, password, { discardOthers = false } = {}) {
  const owner = await getMeta('owner');
  const switching = owner && owner.phone !== phoneDigits(phone);
  if (switching && !discardOthers) {
    const count = await unsentCount();
    if (count)
      throw new ApiError(
        0,
        'other_user_unsynced',
        t('signin.other_user_unsynced', { phone: maskPhone(owner.phone), count }),
      );
  }
  // A phone with nothing synced yet asks for its first pull page in the same answer (PROTOCOL.md
  // §9.1): on a slow network the new worker's tasks are a round trip nearer.
  const fresh = !switching && (await getMeta('cursor')) == null;
  // The token the page came with (or the last answer's) is sent as it is: one of an expired
  // session is answered 400 "csrf", and api.js fetches a fresh one and retries once.
  const answer = await post('/api/auth/login', { phone, password, ...(fresh ? { pull: firstPullAsked() } : {}) });
  const { pull: page, ...me } = answer;
  await opened(owner, me);
  if (page) offerFirstPage(page);
  return me;
}

/**
 * The session the server answers for may have been opened without this module — by the page's
 * plain sign-in form (index.html, before the scripts arrived): the phone becomes that account's
 * as after signIn(). Another account's unsent edits are never dropped unasked: that session is
 * closed again and the sign-in screen says why (other_user_unsynced), as signIn() would.
 */
async function ownedBy(me) {
  const owner = await getMeta('owner');
  if (!owner || owner.id === me.user.id) return void (await remember(me));
  const count = await unsentCount();
  if (count) {
    await post('/api/auth/logout').catch((err) => console.warn('could not close the session', err));
    rememberCsrfToken(null);
    throw new ApiError(
      401,
      'other_user_unsynced',
      t('signin.other_user_unsynced', { phone: maskPhone(owner.phone), count }),
    );
  }
  await opened(owner, me);
}

/** A session just opened (sign-in, registration): this phone is now `me`'s. */
async function opened(owner, me) {
  // The session changed: use the token it came with, or fetch a new one on the next write.
  rememberCsrfToken(me?.csrf_token);
  if (owner && owner.id !== me.user.id) await forgetUserData();
  await setMeta('owner', { id: me.user.id, phone: me.user.phone });
  await remember(me);
  return me;
}

/**
 * Opens an account (PROTOCOL.md §19: phone, password, display_name, locale) and signs it in;
 * returns the /api/me body. A phone holding someone else's unsent edits refuses, as signIn does.
 */
export async function register(fields) {
  const owner = await getMeta('owner');
  if (owner && (await unsentCount()))
    throw new ApiError(
      0,
      'other_user_unsynced',
      t('signin.other_user_unsynced', { phone: maskPhone(owner.phone), count: await unsentCount() }),
    );
  rememberCsrfToken(null);
  return opened(owner, await post('/api/join/register', fields));
}

/** Keeps a new /api/me body (after joining or leaving a household) for the offline start. */
export async function keepMe(me) {
  await remember(me);
  return me;
}

/**
 * Sends what is pending, ends the session on the server, then forgets this user's data on the
 * phone. Needs the network. Edits that could not be sent refuse the sign-out (code unsynced)
 * unless the user chose to discard them.
 */
export async function signOut({ discardUnsent = false } = {}) {
  offerFirstPage(null); // a page sign-in brought and no pull used is this user's only
  try {
    await syncNow();
  } catch (err) {
    console.warn('sync before sign-out failed', err);
  }
  const count = await unsentCount();
  if (count && !discardUnsent) throw new ApiError(0, 'unsynced', t('home.signout_unsynced', { count }));
  // This phone stops getting the leaving user's pushes (the next person on it must not see them).
  try {
    await turnPushOff();
  } catch (err) {
    console.warn('could not turn Web Push off before sign-out', err);
  }
  try {
    await post('/api/auth/logout');
  } catch (err) {
    if (err.status !== 401) throw err; // 401: already signed out on the server, finish locally
  }
  rememberCsrfToken(null);
  stopSync();
  try {
    await forgetUserData();
  } catch (err) {
    console.warn('could not clear the data of this phone', err);
  }
}

/** Saves the language choice to the user's profile; best-effort, the local choice already applies. */
export async function saveLocale(locale) {
  try {
    await remember(await patch('/api/me', { locale }));
  } catch (err) {
    console.warn('could not save the language to the profile', err);
  }
}
