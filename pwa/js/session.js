// Who is signed in: /api/me from the network when possible, else the copy kept in IndexedDB
// so a grid worker without signal still sees their home screen.
import { ApiError, get, patch, post, rememberCsrfToken } from './api.js';
import { clearCached, getCached, setCached } from './db.js';
import { t } from './i18n.js';
import { isOnline } from './net.js';

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
 * Resolves to {me, stale, savedAt}. stale is true when the network failed and the last
 * synced copy is shown. Throws ApiError: 401 when signed out, "offline" when there is no copy.
 */
export async function loadMe() {
  if (isOnline()) {
    try {
      const me = await get('/api/me', { timeoutMs: START_TIMEOUT_MS });
      await remember(me);
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

/** Signs in and returns the /api/me body. Throws ApiError with field messages on failure. */
export async function signIn(phone, password) {
  rememberCsrfToken(null); // an old token may belong to an expired session
  const me = await post('/api/auth/login', { phone, password });
  // The session changed at sign-in: use the token it came with, or fetch a new one on the next write.
  rememberCsrfToken(me?.csrf_token);
  await remember(me);
  return me;
}

/** Ends the session on the server, then forgets this user's cached data. Needs the network. */
export async function signOut() {
  try {
    await post('/api/auth/logout');
  } catch (err) {
    if (err.status !== 401) throw err; // 401: already signed out on the server, finish locally
  }
  rememberCsrfToken(null);
  try {
    await clearCached();
  } catch (err) {
    console.warn('could not clear the cache', err);
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
