// Bootstraps the PWA: service worker, language, header, then the sign-in or home screen.
// This file only decides which screen shows; each screen lives in ui/.
import { isAdmin } from './admin.js';
import { alertArrived } from './alert-events.js';
import { ApiError } from './api.js';
import { getMeta } from './db.js';
import { refreshDirectories } from './directory.js';
import { getLocale, initI18n, onLocaleChange, setLocale, storedLocale, t } from './i18n.js';
import { ensureInviteKey } from './join.js';
import { startLive, stopLive } from './live.js';
import { isOnline, onNetworkChange } from './net.js';
import { greetServiceWorker } from './push.js';
import { loadCachedMe, loadMe, saveLocale } from './session.js';
import { poke, startSync, stopSync, whenFirstSynced } from './sync-client.js';
import { prefetchMyTasks } from './task-data.js';
import { alertBanner } from './ui/alert-banner.js';
import { createHeader } from './ui/header.js';
import { homeScreen } from './ui/home.js';
import { lazyScreen } from './ui/lazy.js';
import { currentPath, trackHistory } from './ui/nav.js';
import { whenFirstScreen } from './ui/ready.js';
import { matchRoute } from './ui/routes.js';
import { adoptStaticForm, signinScreen } from './ui/signin.js';
import { errorScreen, loadingScreen } from './ui/status.js';

const main = document.createElement('main');
main.className = 'main';
main.id = 'main';

let current = null; // {name, props}: enough to rebuild the screen after a language switch

const screens = {
  loading: () => loadingScreen(),
  firstSync: () => loadingScreen({ text: t('home.first_sync') }),
  signin: (props) =>
    signinScreen({
      ...props,
      onSignedIn: (me) => showHome({ me, stale: false, savedAt: Date.now() }),
      onRegister: () => show('register', {}),
      onForgot: () => show('forgot', {}),
    }),
  // 注册 (PROTOCOL.md §19), from the sign-in screen; loaded on first use.
  register: (props) =>
    registerLazy({
      ...props,
      onRegistered: (me) => showHome({ me, stale: false, savedAt: Date.now() }),
      onBack: () => show('signin', {}),
    }),
  // 忘记密码 (PROTOCOL.md §19.5): a one-time code from the grid worker or an admin; loaded on first use.
  forgot: (props) =>
    forgotLazy({
      ...props,
      onDone: (phone) => show('signin', { statusKey: 'accounts.forgot.done', phone }),
      onBack: () => show('signin', {}),
    }),
  home: (props) => homeScreen({ ...props, onSignedOut: showSignin }),
  error: (props) => errorScreen({ ...props, onRetry: () => openHome() }),
  // A screen named by the address (#/tasks/<id>, #/report …: ui/routes.js), over home.
  route: (props) => props.route.screen({ ...props, params: props.route.params, query: props.route.query }),
};
const registerLazy = lazyScreen(() => import('./ui/register.js'), 'registerScreen');
const forgotLazy = lazyScreen(() => import('./ui/forgot-password.js'), 'forgotPasswordScreen');
// Syncing starts once the first screen is drawn, or after this long without one.
const FIRST_SCREEN_WAIT_MS = 1000;
// A fresh phone waits this long at most for its first sync before home shows what it holds.
const FIRST_SYNC_WAIT_MS = 15000;
const scrollByPath = new Map(); // back on a list, the worker finds their place again

// The page's static first screen (index.html: header and sign-in form, usable before any script).
let staticScreen = document.getElementById('boot');
let chrome = []; // the header and the alert banner, put in the page with the first real screen
let header = null; // its sync chip follows the sync client while someone is signed in
// The first screen that is not "loading" takes the static one's place, with what was typed into
// its form; until then the static screen stays (no blank flash, nothing shifts).

function render({ moveFocus }) {
  if (current.name === 'loading' && staticScreen) return; // the static screen shows meanwhile
  if (staticScreen) adoptStaticForm(staticScreen); // before the app's form is built from it
  const screen = screens[current.name](current.props);
  let typing = null; // the field the person is in keeps the focus across the take-over
  if (staticScreen) {
    typing = staticScreen.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    staticScreen.replaceWith(...chrome, main);
    staticScreen = null;
  }
  main.replaceChildren(screen);
  if (typing) return void main.querySelector(`[data-testid="${typing}"]`)?.focus();
  // A new screen: put keyboard and screen-reader focus on its heading, as a page load would.
  if (moveFocus) main.querySelector('h1')?.focus({ preventScroll: true });
}

const pathOf = (screen) => screen?.props.route?.path ?? '/';

function show(name, props = {}) {
  const previous = current;
  const moveFocus = previous !== null && (previous.name !== name || pathOf(previous) !== (props.route?.path ?? '/'));
  if (previous && moveFocus) scrollByPath.set(pathOf(previous), window.scrollY);
  current = { name, props };
  render({ moveFocus });
  if (moveFocus) restoreScroll(scrollByPath.get(pathOf(current)) ?? 0);
}

/** Scrolls to y once the screen is that tall (lists are drawn from IndexedDB a moment later). */
function restoreScroll(y, frames = 30) {
  const fits = () => document.documentElement.scrollHeight - window.innerHeight >= y;
  if (y === 0 || fits() || frames === 0) {
    window.scrollTo(0, y);
    return;
  }
  requestAnimationFrame(() => restoreScroll(y, frames - 1));
}

const signedIn = () => current?.name === 'home' || current?.name === 'route';

/** Signed in: the screen the address names, or home. */
function showSignedIn(result) {
  const route = matchRoute(currentPath());
  if (route) show('route', { ...result, route });
  else show('home', result);
}

/** Signed out (or the session ended): syncing stops until someone signs in; the outbox stays. */
function showSignin(props = {}) {
  stopSync();
  stopLive();
  header?.setSignedIn(false);
  tellWorkerSession(false);
  show('signin', props);
}

/** The service worker serves its kept page without the sign-in form to a signed-in phone. */
function tellWorkerSession(signedIn) {
  navigator.serviceWorker?.controller?.postMessage({ type: 'session', signedIn });
}

/** Shows home (or the screen the address names) for result = {me, stale, savedAt}. */
async function showHome(result, { confirmed = !result.stale } = {}) {
  // A user who never chose a language on this phone gets the one saved in their profile.
  const profileLocale = result.me.user?.locale;
  if (!storedLocale() && profileLocale && profileLocale !== getLocale()) {
    try {
      await setLocale(profileLocale);
    } catch (err) {
      console.warn('could not apply the profile language', err);
    }
  }
  // A fresh phone (never synced for this user) syncs first: home then opens complete, rather than
  // saying "no tasks" the moment before they arrive and then shifting under the thumb.
  if (!result.stale && !(await syncedBefore())) await firstSync();
  showSignedIn(result);
  header?.setSignedIn(true);
  tellWorkerSession(true);
  // Signed in (or showing the cached copy offline): keep the outbox and the records in sync,
  // and listen for the server's pokes — once the first screen is drawn, so that opening the app
  // on a slow phone does not wait for them.
  whenFirstScreen(FIRST_SCREEN_WAIT_MS).then(() => {
    if (!signedIn()) return; // signed out in the meantime
    startSync();
    startLive();
  });
  if (confirmed) afterConfirmed(result.me);
}

const syncedBefore = () => getMeta('last_sync_at').then(Boolean, () => true);

/** The first sync of this phone for this user, said on screen; at most FIRST_SYNC_WAIT_MS. */
async function firstSync() {
  show('firstSync');
  header?.setSignedIn(true);
  startSync();
  let timer;
  await Promise.race([
    whenFirstSynced(),
    new Promise((resolve) => {
      timer = setTimeout(resolve, FIRST_SYNC_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}

/** Once the server has answered /api/me: what needs a live session and a current profile. */
function afterConfirmed(me) {
  // The language chosen on this phone (before signing in, say) is the one the server writes this
  // user's notices in: a profile still in the other language is brought in line.
  const chosen = storedLocale();
  if (chosen && me.user?.locale && me.user.locale !== chosen) saveLocale(chosen); // best-effort
  // Keep the grid directories on the phone for the offline day.
  refreshDirectories(me, { prune: true });
  // A grid worker's invitation key, so that inviting a household works offline (PROTOCOL.md §19).
  ensureInviteKey(me);
  // An admin's screens are not precached (a grid worker's phone never needs them): have the
  // service worker keep them now, so they open offline too.
  if (isAdmin(me)) cacheLazyScreens();
}

async function cacheLazyScreens() {
  if (!('serviceWorker' in navigator)) return;
  try {
    (await navigator.serviceWorker.ready).active?.postMessage({ type: 'cache-lazy' });
  } catch (err) {
    console.warn('could not ask the service worker to keep the admin screens', err);
  }
}

/**
 * cached: the kept /api/me being read (boot() starts it beside the catalog), or nothing to read
 * it here.
 */
async function openHome(cached = loadCachedMe()) {
  show('loading');
  // A phone signed in before opens at once into the copy of /api/me it keeps (the task list is
  // in IndexedDB anyway); the server's answer follows and confirms it, updates it, or signs out.
  // Offline, that copy is all there is: shown as such (the stale note), refreshed once online.
  cached = await cached.catch(() => null);
  performance.mark('redgrid:me');
  if (cached) {
    prefetchMyTasks(); // IndexedDB reads the task list while home is drawn
    if (!isOnline()) return void showHome(cached);
    await showHome({ ...cached, stale: false }, { confirmed: false });
    confirmHome(cached.me);
    return;
  }
  try {
    await showHome(await loadMe());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401)
      showSignin(err.code === 'other_user_unsynced' ? { message: err.message } : {});
    else if (err instanceof ApiError && err.code === 'offline') show('signin', { noticeKey: 'signin.offline' });
    else show('error', { message: err.message });
  }
}

/**
 * After opening on the kept /api/me: the server's answer. The same profile changes nothing on
 * screen; another one (a new role, a new grid) redraws home; unreachable shows the kept copy as
 * such (the stale note); 401 goes to sign-in.
 */
async function confirmHome(shownMe) {
  let result;
  try {
    result = await loadMe();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && signedIn()) showSignin();
    else console.warn('could not confirm the session', err);
    return;
  }
  if (!signedIn()) return;
  if (result.stale) {
    if (current.name === 'home') show('home', { ...current.props, ...result });
    else current.props = { ...current.props, stale: true, savedAt: result.savedAt };
    return;
  }
  if (JSON.stringify(result.me) !== JSON.stringify(shownMe)) {
    if (current.name === 'route') current.props = { ...result, route: current.props.route };
    else return void showHome(result); // runs afterConfirmed
  } else {
    current.props = { ...current.props, me: result.me };
  }
  afterConfirmed(result.me);
}

/** Replaces the cached home with fresh data, in place; on failure the cached copy stays. */
async function refreshHome() {
  try {
    const result = await loadMe();
    if (result.stale || !signedIn()) return;
    // A form being filled in is never drawn again under the worker's thumb: only its props change.
    if (current.name === 'route') current.props = { ...result, route: current.props.route };
    else await showHome(result);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showSignin();
  }
}

async function switchLocale(locale) {
  await setLocale(locale); // re-renders through onLocaleChange below
  if (signedIn()) saveLocale(locale); // best-effort; not awaited
}

/** Lets CSS hide offline-only hints (e.g. "signing in needs a connection") once the network is back. */
function reflectNetwork(online) {
  document.documentElement.dataset.online = String(online);
}

// Installing the service worker precaches the whole shell (a few hundred KB): on a bad network it
// must not compete with the first screen. It starts once that screen is usable — on a first open
// that is the sign-in form, and the shell downloads while the person types.
function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  // updateViaCache 'none': also check sw.js's imported version file past the HTTP cache,
  // so a new release is noticed on the next visit.
  navigator.serviceWorker
    .register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .catch((err) => console.warn('service worker registration failed', err));
}

/**
 * Messages of the service worker (sw.js): a tapped notification opens its alert in this window;
 * a push that arrived shows like a live alert (banner if urgent) and pulls its inbox entry.
 */
function listenToServiceWorker() {
  // A worker that just took over hears at once whether this phone is signed in.
  navigator.serviceWorker?.addEventListener('controllerchange', () => tellWorkerSession(signedIn()));
  navigator.serviceWorker?.addEventListener('message', (event) => {
    const { type, url, alert } = event.data ?? {};
    if (type === 'open' && typeof url === 'string') {
      const target = new URL(url, location.href);
      if (target.origin === location.origin) location.hash = target.hash;
    } else if (type === 'push' && alert) {
      alertArrived(alert);
      if (signedIn()) poke();
    }
  });
}

/** Best effort: a worker that misses the message sends its acks on the next push or sync. */
function greetWorker() {
  greetServiceWorker().catch((err) => console.warn('could not reach the service worker', err));
}

async function boot() {
  performance.mark('redgrid:boot');
  whenFirstScreen(FIRST_SCREEN_WAIT_MS).then(registerServiceWorker);
  listenToServiceWorker();
  // The push acks it kept offline go out, once the first screen is drawn (not competing with it).
  whenFirstScreen(FIRST_SCREEN_WAIT_MS).then(greetWorker);
  const cached = loadCachedMe(); // IndexedDB opens while the catalog loads
  await initI18n();
  performance.mark('redgrid:catalog');
  // The live banner of urgent alerts sits above every screen (issue 6).
  header = createHeader({ onSwitchLocale: switchLocale });
  chrome = [header.node, alertBanner()];
  if (!staticScreen) document.body.append(...chrome, main);
  onLocaleChange(() => render({ moveFocus: false }));
  reflectNetwork(isOnline());
  onNetworkChange((online) => {
    reflectNetwork(online);
    // Back online while showing the cached copy: refresh it without a tap.
    if (online && signedIn() && current.props.stale) refreshHome();
    // Back online: bring the kept grid directories up to date (a 304 each when nothing changed).
    if (online && signedIn()) refreshDirectories(current.props.me, { prune: !current.props.stale });
    // …and the push acks the service worker kept (Background Sync does it where the browser has it).
    if (online) greetWorker();
  });
  trackHistory();
  // Joined or left a household (ui/join-parts.js): home again with the new roles, and their records.
  window.addEventListener('redgrid:me-changed', (event) => {
    if (!signedIn()) return;
    current.props = { ...current.props, me: event.detail, stale: false, savedAt: Date.now() };
    if (location.hash !== '#/') location.hash = '#/';
    else showHome({ me: event.detail, stale: false, savedAt: Date.now() });
    poke();
  });
  window.addEventListener('hashchange', () => {
    trackHistory();
    if (!signedIn()) return;
    const { route: _route, ...result } = current.props;
    showSignedIn(result);
  });
  await openHome(cached);
}

// Without a catalog there is no text to show; the console says why.
boot().catch((err) => console.error('Redgrid could not start', err));
