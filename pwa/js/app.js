// Bootstraps the PWA: service worker, language, header, then the sign-in or home screen.
// This file only decides which screen shows; each screen lives in ui/.
import { ApiError } from './api.js';
import { getLocale, initI18n, onLocaleChange, setLocale, storedLocale } from './i18n.js';
import { isOnline, onNetworkChange } from './net.js';
import { refreshDirectories } from './directory.js';
import { loadMe, saveLocale } from './session.js';
import { startLive, stopLive } from './live.js';
import { startSync, stopSync } from './sync-client.js';
import { createHeader } from './ui/header.js';
import { homeScreen } from './ui/home.js';
import { signinScreen } from './ui/signin.js';
import { currentPath, trackHistory } from './ui/nav.js';
import { matchRoute } from './ui/routes.js';
import { errorScreen, loadingScreen } from './ui/status.js';

const main = document.createElement('main');
main.className = 'main';
main.id = 'main';

let current = null; // {name, props}: enough to rebuild the screen after a language switch

const screens = {
  loading: () => loadingScreen(),
  signin: (props) => signinScreen({ ...props, onSignedIn: (me) => showHome({ me, stale: false, savedAt: Date.now() }) }),
  home: (props) => homeScreen({ ...props, onSignedOut: showSignin }),
  error: (props) => errorScreen({ ...props, onRetry: openHome }),
  // A screen named by the address (#/tasks/<id>, #/report …: ui/routes.js), over home.
  route: (props) => props.route.screen({ ...props, params: props.route.params, query: props.route.query }),
};
const scrollByPath = new Map(); // back on a list, the worker finds their place again

function render({ moveFocus }) {
  main.replaceChildren(screens[current.name](current.props));
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
function showSignin() {
  stopSync();
  stopLive();
  show('signin', {});
}

async function showHome(result) {
  // A user who never chose a language on this phone gets the one saved in their profile.
  const profileLocale = result.me.user?.locale;
  if (!storedLocale() && profileLocale && profileLocale !== getLocale()) {
    try {
      await setLocale(profileLocale);
    } catch (err) {
      console.warn('could not apply the profile language', err);
    }
  }
  showSignedIn(result);
  // Signed in (or showing the cached copy offline): keep the outbox and the records in sync,
  // and listen for the server's pokes.
  startSync();
  startLive();
  // Online with a fresh /api/me: keep the grid directories on the phone for the offline day.
  if (!result.stale) refreshDirectories(result.me, { prune: true });
}

async function openHome() {
  show('loading');
  try {
    await showHome(await loadMe());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showSignin();
    else if (err instanceof ApiError && err.code === 'offline') show('signin', { noticeKey: 'signin.offline' });
    else show('error', { message: err.message });
  }
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

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  // updateViaCache 'none': also check sw.js's imported version file past the HTTP cache,
  // so a new release is noticed on the next visit.
  const register = () => navigator.serviceWorker
    .register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .catch((err) => console.warn('service worker registration failed', err));
  // After load, so precaching the shell does not compete with the first paint on a slow phone.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

async function boot() {
  registerServiceWorker();
  await initI18n();
  document.body.append(createHeader({ onSwitchLocale: switchLocale }), main);
  onLocaleChange(() => render({ moveFocus: false }));
  reflectNetwork(isOnline());
  onNetworkChange((online) => {
    reflectNetwork(online);
    // Back online while showing the cached copy: refresh it without a tap.
    if (online && signedIn() && current.props.stale) refreshHome();
    // Back online: bring the kept grid directories up to date (a 304 each when nothing changed).
    if (online && signedIn()) refreshDirectories(current.props.me, { prune: !current.props.stale });
  });
  trackHistory();
  window.addEventListener('hashchange', () => {
    trackHistory();
    if (!signedIn()) return;
    const { route: _route, ...result } = current.props;
    showSignedIn(result);
  });
  await openHome();
}

// Without a catalog there is no text to show; the console says why.
boot().catch((err) => console.error('Redgrid could not start', err));
